//! The checks behind the fuzz targets. `tests/properties.rs` in the library's own test suite
//! includes this file by path and replays the seed corpus and a few thousand generated inputs
//! through the same checks, so they run in every `make test` on a stable toolchain; the
//! paths below are spelled out so that both crates find the modules.

#[path = "abi.rs"]
pub mod abi;
#[path = "oracle.rs"]
pub mod oracle;
#[path = "stub.rs"]
pub mod stub;
#[path = "targets.rs"]
pub mod targets;
