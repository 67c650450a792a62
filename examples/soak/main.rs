//! A bounded soak: 64 threads mixing every call (blocking, async, cancels, sessions, clients
//! made and freed) on shared clients, against `ut-emulator` on loopback while another thread
//! keeps queuing random faults. It fails on a crash, a stall (watchdog), a call that
//! outlives its bound, a lost or extra callback, or resident memory that keeps growing after
//! warm-up; and it reports calls, calls/s, the result histogram and the RSS curve.
//!
//! `SOAK_SECONDS` (120), `SOAK_THREADS` (64), `SOAK_RSS_GROWTH_MIB` (8): see RELIABILITY.md.

mod abi;
mod emulator;
mod watch;

use abi::{cancel, name, wait, Client, Session};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use watch::{Progress, RssCurve};

const TIMEOUT_MS: u64 = 500;
const RETRY_MAX_MS: u64 = 200;
const MAX_RETRIES: u64 = 2;
/// Scheduling headroom: 64 busy threads share two cores with the emulator.
const SLACK_MS: u64 = 3000;

/// The longest one call may take: every attempt timing out, every wait at its cap.
fn call_bound() -> Duration {
    Duration::from_millis((MAX_RETRIES + 1) * (TIMEOUT_MS + RETRY_MAX_MS) + SLACK_MS)
}

/// `ut_client_free` returns within 1 s.
fn free_bound() -> Duration {
    Duration::from_millis(1000 + SLACK_MS)
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// What the workers share: the clients, tokens to renew and revoke, and the tallies.
struct Shared {
    clients: Vec<Client>,
    config: String,
    tokens: Mutex<Vec<String>>,
    histogram: Mutex<BTreeMap<String, u64>>,
    calls: AtomicU64,
    over_bound: Mutex<Vec<String>>,
    lost_callbacks: AtomicU64,
    late_callbacks: AtomicU64,
}

impl Shared {
    fn count(&self, what: &str, code: u32) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        *self.histogram.lock().unwrap().entry(format!("{what} {}", name(code))).or_default() += 1;
    }

    /// Runs `call` as one tracked operation: its time is checked against `bound`.
    fn timed<T>(&self, progress: &Progress, what: &'static str, bound: Duration, call: impl FnOnce() -> T) -> T {
        progress.begin(what, bound);
        let started = Instant::now();
        let out = call();
        let took = started.elapsed();
        progress.end();
        if took > bound {
            self.over_bound.lock().unwrap().push(format!("{what} took {took:?} (bound {bound:?})"));
        }
        out
    }

    fn some_token(&self) -> String {
        let tokens = self.tokens.lock().unwrap();
        if tokens.is_empty() {
            return "no-token-yet".to_owned();
        }
        tokens[fastrand::usize(..tokens.len())].clone()
    }

    fn keep_token(&self, body: &str) {
        let token = body.split("\"AccessToken\":\"").nth(1).and_then(|rest| rest.split('"').next());
        if let Some(token) = token {
            let mut tokens = self.tokens.lock().unwrap();
            if tokens.len() >= 256 {
                tokens.swap_remove(fastrand::usize(..256));
            }
            tokens.push(token.to_owned());
        }
    }
}

/// One step of one worker: a random operation, counted and timed.
fn step(shared: &Shared, progress: &Progress) {
    let client = &shared.clients[fastrand::usize(..shared.clients.len())];
    let bound = call_bound();
    match fastrand::u32(..10) {
        0 | 1 => {
            let (code, body) = shared.timed(progress, "issue", bound, || client.issue("6"));
            shared.keep_token(&body);
            shared.count("issue", code);
        }
        2 => {
            let token = format!("Bearer {}", shared.some_token());
            let (code, _) = shared.timed(progress, "renew", bound, || client.renew(&token));
            shared.count("renew", code);
        }
        3 => {
            let token = shared.some_token();
            let (code, _) = shared.timed(progress, "revoke", bound, || client.revoke(&token));
            shared.count("revoke", code);
        }
        4 | 5 => {
            let which = fastrand::u8(..3);
            let token = shared.some_token();
            let code = shared.timed(progress, "async", bound, || match client.start_async(which, &token) {
                Ok((_, rx)) => wait(&rx, bound),
                Err(code) => Some(code),
            });
            match code {
                Some(code) => shared.count("async", code),
                None => drop(shared.lost_callbacks.fetch_add(1, Ordering::Relaxed)),
            }
        }
        6 => {
            // Cancelled at once, or a little later: it completes exactly once either way.
            let code = shared.timed(progress, "cancel", bound, || match client.start_async(0, "") {
                Ok((id, rx)) => {
                    if fastrand::bool() {
                        std::thread::yield_now();
                    }
                    let cancelled = cancel(id);
                    shared.count("ut_cancel", cancelled);
                    wait(&rx, bound)
                }
                Err(code) => Some(code),
            });
            match code {
                Some(code) => shared.count("cancelled async", code),
                None => drop(shared.lost_callbacks.fetch_add(1, Ordering::Relaxed)),
            }
        }
        7 | 8 => {
            let session = shared.timed(progress, "session_new", bound, || Session::new(client));
            match session {
                Ok(session) => {
                    shared.count("session_new", 0);
                    for _ in 0..3 {
                        // A refresh may renew and then, denied, issue: two calls.
                        let code = shared.timed(progress, "session_token", bound * 2, || session.token());
                        shared.count("session_token", code);
                    }
                    let code = shared.timed(progress, "session_revoke", bound, || session.revoke());
                    shared.count("session_revoke", code);
                }
                Err(code) => shared.count("session_new", code),
            }
        }
        _ => {
            // A private client: one call, one async call left pending, then freed.
            let config = shared.config.replace("\"worker_threads\":4", "\"worker_threads\":1");
            let private = Client::new(&config).expect("the soak's config is valid");
            let (code, _) = shared.timed(progress, "issue", bound, || private.issue("6"));
            shared.count("private issue", code);
            let pending = private.start_async(0, "");
            shared.timed(progress, "client_free", free_bound(), || drop(private));
            match pending {
                // Freed while pending: cancelled, or done just before; delivered by now.
                Ok((_, rx)) => match rx.try_recv() {
                    Ok(code) => shared.count("async at free", code),
                    // Called back only after the free returned: the caller may have freed
                    // what user_data points to by then.
                    Err(_) => match wait(&rx, bound) {
                        Some(_) => drop(shared.late_callbacks.fetch_add(1, Ordering::Relaxed)),
                        None => drop(shared.lost_callbacks.fetch_add(1, Ordering::Relaxed)),
                    },
                },
                Err(code) => shared.count("async at free", code),
            }
        }
    }
}

fn main() {
    let seconds = env_u64("SOAK_SECONDS", 120);
    let threads = env_u64("SOAK_THREADS", 64) as usize;
    let rss_limit_kib = env_u64("SOAK_RSS_GROWTH_MIB", 8) * 1024;
    let emulator = emulator::Emulator::spawn();
    let config = format!(
        r#"{{"base_url":"{}","api_key":"test-api-key","timeout_ms":{TIMEOUT_MS},"connect_timeout_ms":{TIMEOUT_MS},"max_retries":{MAX_RETRIES},"retry_base_ms":5,"retry_max_ms":{RETRY_MAX_MS},"worker_threads":4,"session_renew_margin_s":90000}}"#,
        emulator.url()
    );
    let clients = vec![Client::new(&config).unwrap(), Client::new(&config).unwrap()];
    let shared = Arc::new(Shared {
        clients,
        config,
        tokens: Mutex::new(Vec::new()),
        histogram: Mutex::new(BTreeMap::new()),
        calls: AtomicU64::new(0),
        over_bound: Mutex::new(Vec::new()),
        lost_callbacks: AtomicU64::new(0),
        late_callbacks: AtomicU64::new(0),
    });
    println!("soak: {threads} threads for {seconds} s against {}; call bound {:?}", emulator.url(), call_bound());

    let stop = Arc::new(AtomicBool::new(false));
    let faults_queued = Arc::new(AtomicU64::new(0));
    let injector = {
        let (control, stop, queued) = (emulator.control(), stop.clone(), faults_queued.clone());
        std::thread::spawn(move || emulator::inject(control, stop, queued))
    };
    let progress: Vec<Arc<Progress>> = (0..threads).map(|_| Arc::new(Progress::default())).collect();
    let watchdog = watch::watchdog(progress.clone(), stop.clone());
    let started = Instant::now();
    let workers: Vec<_> = progress
        .iter()
        .map(|progress| {
            let (shared, stop, progress) = (shared.clone(), stop.clone(), progress.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    step(&shared, &progress);
                }
            })
        })
        .collect();

    let mut curve = RssCurve::default();
    let deadline = started + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_secs(5).min(deadline.saturating_duration_since(Instant::now())));
        let calls = shared.calls.load(Ordering::Relaxed);
        curve.sample(started.elapsed(), calls);
    }
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
    injector.join().unwrap();
    watchdog.join().unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    let shared = Arc::try_unwrap(shared).ok().expect("the workers are done");
    drop(shared.clients);

    let calls = shared.calls.load(Ordering::Relaxed);
    println!(
        "\ncalls: {calls} in {elapsed:.0} s ({:.0} calls/s); faults queued: {}",
        calls as f64 / elapsed,
        faults_queued.load(Ordering::Relaxed)
    );
    println!("\nresults:");
    for (what, count) in shared.histogram.lock().unwrap().iter() {
        println!("  {what:<36} {count}");
    }
    println!("\nRSS / heap in use (KiB) every 5 s:\n{}", curve.render());
    let growth = curve.growth_after_warmup_kib();
    println!("RSS growth after warm-up: {growth} KiB (limit {rss_limit_kib} KiB)");
    println!("heap in use, growth after warm-up: {} KiB", curve.heap_growth_after_warmup_kib());

    let over_bound = shared.over_bound.lock().unwrap();
    let lost = shared.lost_callbacks.load(Ordering::Relaxed);
    let mut failures = Vec::new();
    if !over_bound.is_empty() {
        failures.push(format!("{} calls outlived their bound, e.g. {}", over_bound.len(), over_bound[0]));
    }
    if lost > 0 {
        failures.push(format!("{lost} async calls never called back in time"));
    }
    let late = shared.late_callbacks.load(Ordering::Relaxed);
    if late > 0 {
        failures.push(format!("{late} callbacks ran after ut_client_free had returned"));
    }
    if growth > rss_limit_kib as i64 {
        failures.push(format!("RSS grew {growth} KiB after warm-up"));
    }
    if calls == 0 {
        failures.push("no call was made".to_owned());
    }
    if failures.is_empty() {
        println!("\nsoak: PASSED");
    } else {
        println!("\nsoak: FAILED\n  {}", failures.join("\n  "));
        std::process::exit(1);
    }
}
