//! The library over a process's life: fork() in the middle of traffic, many clients made
//! and freed (threads and memory come back), and a panic inside the library that the process
//! survives (with `--features test-panic`).
//!
//! The tests take turns (`ONE_AT_A_TIME`): they count the process's threads and memory,
//! which a test running beside them would disturb.

mod common;

use common::*;
use std::ffi::{c_char, c_void};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use usertoken::ffi::calls::*;
use usertoken::ffi::*;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn alone() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner())
}

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as u64
}

/// Polls `done` every 10 ms until it holds or `limit` passes; true when it held.
fn poll(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while !done() {
        if started.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

/// Owns its sender: the waiter may see the result and return before this callback does.
unsafe extern "C" fn send_result(user_data: *mut c_void, result: ut_result, _: *const c_char) {
    let sender = Box::from_raw(user_data as *mut mpsc::Sender<ut_result>);
    let _ = sender.send(result);
}

/// An async issue on `client`, waited for (up to 10 s); the callback's result.
fn issue_async_and_wait(client: &Client) -> Option<ut_result> {
    let (tx, rx) = mpsc::channel::<ut_result>();
    let (v, s, u, p) = (cstr("6"), cstr(SITE), cstr(USERNAME), cstr(PASSWORD));
    let user_data = Box::into_raw(Box::new(tx)) as *mut c_void;
    let code = unsafe {
        ut_issue_async(
            client.raw,
            v.as_ptr(),
            s.as_ptr(),
            u.as_ptr(),
            p.as_ptr(),
            Some(send_result),
            user_data,
            ptr::null_mut(),
        )
    };
    if code != UT_OK {
        // Refused: the callback will never run, so the sender is still ours.
        drop(unsafe { Box::from_raw(user_data as *mut mpsc::Sender<ut_result>) });
        return Some(code);
    }
    rx.recv_timeout(Duration::from_secs(10)).ok()
}

#[test]
fn fork_in_the_middle_of_traffic_leaves_both_sides_working() {
    let _alone = alone();
    let f = Fixture::new();
    let client = Arc::new(f.client(""));
    let stop = Arc::new(AtomicBool::new(false));
    let (done, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let workers: Vec<_> = (0..4)
        .map(|i| {
            let (client, stop, done, failed) = (client.clone(), stop.clone(), done.clone(), failed.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let ok = if i % 2 == 0 {
                        client.issue(USERNAME, PASSWORD).0 == "UT_OK"
                    } else {
                        issue_async_and_wait(&client) == Some(UT_OK)
                    };
                    (if ok { &done } else { &failed }).fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    assert!(poll(Duration::from_secs(10), || done.load(Ordering::SeqCst) >= 100), "traffic is flowing");

    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        // The child: only this thread exists here. Blocking, async and a fresh client.
        let ok = client.issue(USERNAME, PASSWORD).0 == "UT_OK"
            && issue_async_and_wait(&client) == Some(UT_OK)
            && f.client("").issue(USERNAME, PASSWORD).0 == "UT_OK";
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let at_fork = done.load(Ordering::SeqCst);
    let mut status = 0;
    let exited = poll(Duration::from_secs(30), || unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) } == pid);
    if !exited {
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    let continued = poll(Duration::from_secs(10), || done.load(Ordering::SeqCst) >= at_fork + 100);
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.join().expect("no worker panicked");
    }
    assert!(exited, "the child did not exit within 30 s");
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "the child's calls failed: status {status}");
    assert!(continued, "the parent's traffic stalled after fork");
    assert_eq!(failed.load(Ordering::SeqCst), 0, "no call of the parent failed");
}

/// Clients made and freed in the loop, each with one blocking and one async call.
const CLIENTS: usize = 200;
/// Threads that may outlive the loop: none are expected; this only absorbs a runtime worker
/// still on its way out when counted.
const THREAD_TOLERANCE: usize = 2;
/// Growth of the resident set allowed over the loop (about 0.3 MiB is usual): the allocator
/// keeps some freed memory in its arenas rather than returning it. Leaking what one client
/// holds (a runtime, an HTTP client with its root store: over 100 KiB) would pass 4 MiB
/// within 40 clients.
const RSS_TOLERANCE: u64 = 4 << 20;

#[test]
fn clients_made_and_freed_in_a_loop_return_threads_and_memory() {
    let _alone = alone();
    let f = Fixture::new();
    let cycle = || {
        let client = f.client("");
        assert_eq!(client.issue(USERNAME, PASSWORD).0, "UT_OK");
        assert_eq!(issue_async_and_wait(&client), Some(UT_OK));
        drop(client); // ut_client_free
    };
    // Warm up: first-use allocations (the root store, thread-local caches) are not growth.
    for _ in 0..20 {
        cycle();
    }
    let settled = |baseline: usize| poll(Duration::from_secs(5), || threads() <= baseline);
    let thread_baseline = threads();
    let rss_baseline = rss_bytes();
    for _ in 0..CLIENTS {
        cycle();
    }
    let threads_back = settled(thread_baseline + THREAD_TOLERANCE);
    let (threads_after, rss_after) = (threads(), rss_bytes());
    println!(
        "{CLIENTS} clients: threads {thread_baseline} -> {threads_after}; RSS {} KiB -> {} KiB",
        rss_baseline >> 10,
        rss_after >> 10
    );
    assert!(threads_back, "threads: {thread_baseline} before, {threads_after} after");
    assert!(rss_after <= rss_baseline + RSS_TOLERANCE, "RSS grew from {rss_baseline} to {rss_after} bytes");
}

/// Bytes the process holds from malloc (glibc: small and mmapped blocks). Unlike the resident
/// set it does not count what the allocator keeps for reuse, so it can resolve a leak of a
/// few hundred bytes per iteration.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn heap_in_use() -> u64 {
    let info = unsafe { libc::mallinfo2() };
    (info.uordblks + info.hblkhd) as u64
}

/// Short-lived threads, one blocking call each.
const PASSING_THREADS: usize = 2000;
/// What those threads may leave in a client that outlives them: a leak of 32 bytes each would
/// fill it; the allocator's own noise over this loop is a few KiB.
const PASSING_THREADS_HEAP_TOLERANCE: u64 = 64 << 10;

/// A thread-per-request program keeps one client while threads come and go. Each thread's
/// blocking call builds that thread's own engine for the client; when the thread ends, all of
/// it must go, not only its runtime. The calls go to a closed port (refused at once), so no
/// server in this process allocates anything meanwhile.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn threads_that_come_and_go_leave_nothing_in_a_long_lived_client() {
    let _alone = alone();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = Arc::new(
        Client::new(&format!(r#"{{"base_url":"http://{closed}","api_key":"{API_KEY}","max_retries":0}}"#)).unwrap(),
    );
    let pass = |count: usize| {
        for _ in 0..count {
            let client = client.clone();
            std::thread::spawn(move || assert_eq!(client.renew("Bearer t").0, "UT_CONNECT")).join().unwrap();
        }
    };
    pass(200);
    let before = heap_in_use();
    pass(PASSING_THREADS);
    let after = heap_in_use();
    let per_thread = after.saturating_sub(before) / PASSING_THREADS as u64;
    println!(
        "{PASSING_THREADS} passing threads: heap in use {} KiB -> {} KiB ({per_thread} bytes each)",
        before >> 10,
        after >> 10
    );
    assert!(
        after <= before + PASSING_THREADS_HEAP_TOLERANCE,
        "{PASSING_THREADS} threads that each made one call and ended left {} KiB behind ({per_thread} bytes each)",
        (after - before) >> 10
    );
}

#[cfg(feature = "test-panic")]
#[test]
fn a_panic_inside_the_library_is_ut_panic_and_the_process_goes_on() {
    use usertoken::ffi::test_panic::ut_test_panic;
    let _alone = alone();
    // The default hook would print each of the hundred deliberate panics; others still print.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !info.payload().downcast_ref::<&str>().is_some_and(|m| m.contains("deliberate")) {
            default_hook(info);
        }
    }));
    let f = Fixture::new();
    let client = Arc::new(f.client(""));
    assert_eq!(unsafe { ut_test_panic(ptr::null_mut()) }, UT_NULL_ARGUMENT, "the output rule first");
    // Panics on several threads at once, each between successful calls on a shared client.
    let panickers: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || {
                for _ in 0..25 {
                    let mut out = ptr::null_mut();
                    let code = unsafe { ut_test_panic(&mut out) };
                    assert_eq!(code, UT_PANIC);
                    let document = doc(&take(out));
                    assert_eq!(document["result"], "UT_PANIC");
                    assert!(document["message"].as_str().unwrap().contains("panic"), "{document}");
                    assert_eq!(client.issue(USERNAME, PASSWORD).0, "UT_OK");
                }
            })
        })
        .collect();
    for panicker in panickers {
        panicker.join().expect("the panic never left the library");
    }
    assert_eq!(issue_async_and_wait(&client), Some(UT_OK), "async calls still work");
    assert_eq!(f.stats()["issue"], 101);
}

#[cfg(feature = "test-panic")]
const QUIET_PANIC_CHILD: &str = "UT_TEST_QUIET_PANIC_CHILD";

#[cfg(feature = "test-panic")]
#[test]
fn a_caught_panic_writes_nothing_to_stderr() {
    use usertoken::ffi::test_panic::ut_test_panic;
    if std::env::var_os(QUIET_PANIC_CHILD).is_some() {
        // In the child: the library's own hook, installed when it was loaded, is the only one.
        let mut out = ptr::null_mut();
        assert_eq!(unsafe { ut_test_panic(&mut out) }, UT_PANIC);
        assert!(take(out).contains("UT_PANIC"));
        eprintln!("child done");
        return;
    }
    let name = "a_caught_panic_writes_nothing_to_stderr";
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--test-threads=1", "--nocapture"])
        .env(QUIET_PANIC_CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("1 passed"), "the child ran the test: {stdout}");
    assert!(stderr.contains("child done"), "the child's own stderr is kept: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("deliberate"), "the library printed: {stderr}");
}
