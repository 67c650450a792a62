#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| usertoken_fuzz::targets::response(data));
