//! Panics never reach the host: each is caught (at the boundary, or around the work that a
//! library thread runs) and becomes `UT_PANIC`, and none is printed, since the library never
//! writes to the host's stdout or stderr. Panics outside the library, in a Rust host that
//! links it, are printed by the host's hook as before.

use std::cell::Cell;

thread_local! {
    /// How deep this thread is in library code; library threads are in it for good. A const
    /// without a destructor, so it can be read during thread and process exit.
    static INSIDE: Cell<u32> = const { Cell::new(0) };
}

/// Installed when the library is loaded, before any thread of the host can be inside it.
#[used]
#[link_section = ".init_array"]
static QUIET_PANICS_AT_LOAD: extern "C" fn() = quiet_panics;

extern "C" fn quiet_panics() {
    let host = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if INSIDE.with(Cell::get) == 0 {
            host(info);
        }
    }));
}

/// Runs `f` as library code: a panic in it is not printed.
pub fn inside<R>(f: impl FnOnce() -> R) -> R {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            INSIDE.with(|depth| depth.set(depth.get().saturating_sub(1)));
        }
    }
    INSIDE.with(|depth| depth.set(depth.get() + 1));
    let _leave = Leave;
    f()
}

/// Marks the calling thread, one of the library's own, as library code for good.
pub fn library_thread() {
    INSIDE.with(|depth| depth.set(1));
}
