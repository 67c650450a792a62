//! What watches the soak: a watchdog over every worker's current operation, and the curve of
//! the resident set.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One worker's current operation: what it is, when it began, how long it may take.
#[derive(Default)]
pub struct Progress {
    current: Mutex<Option<(&'static str, Instant, Duration)>>,
    finished: AtomicU64,
}

impl Progress {
    pub fn begin(&self, what: &'static str, bound: Duration) {
        *self.current.lock().unwrap() = Some((what, Instant::now(), bound));
    }

    pub fn end(&self) {
        *self.current.lock().unwrap() = None;
        self.finished.fetch_add(1, Ordering::Relaxed);
    }

    /// The operation, when it has run past twice its bound: stuck, not merely slow.
    fn stuck(&self) -> Option<(&'static str, Duration)> {
        let (what, began, bound) = (*self.current.lock().unwrap())?;
        let running = began.elapsed();
        (running > bound * 2).then_some((what, running))
    }
}

/// Checks every worker each second; a stuck one ends the process at once with status 3, so
/// a deadlock is reported instead of hanging the run.
pub fn watchdog(workers: Vec<Arc<Progress>>, stop: Arc<AtomicBool>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_secs(1));
            for (i, worker) in workers.iter().enumerate() {
                if let Some((what, running)) = worker.stuck() {
                    println!("soak: FAILED: worker {i} stuck in {what} for {running:?} (deadlock?)");
                    std::process::exit(3);
                }
            }
        }
    })
}

fn rss_kib() -> i64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: i64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as i64 / 1024
}

/// Bytes the program holds from malloc (glibc's count, small and mmapped blocks): unlike the
/// resident set, it does not include what the allocator keeps for reuse, so a leak shows in
/// both and allocator retention in the resident set alone.
fn heap_in_use_kib() -> i64 {
    let info = unsafe { libc::mallinfo2() };
    ((info.uordblks + info.hblkhd) / 1024) as i64
}

/// Samples of (seconds since start, RSS KiB, heap in use KiB).
#[derive(Default)]
pub struct RssCurve(Vec<(u64, i64, i64)>);

impl RssCurve {
    pub fn sample(&mut self, at: Duration, calls: u64) {
        let (rss, heap) = (rss_kib(), heap_in_use_kib());
        println!("  t={:>4}s rss={rss:>7} KiB heap={heap:>7} KiB calls={calls}", at.as_secs());
        self.0.push((at.as_secs(), rss, heap));
    }

    pub fn render(&self) -> String {
        self.0.iter().map(|(t, rss, heap)| format!("{t}s:{rss}/{heap}")).collect::<Vec<_>>().join(" ")
    }

    /// Warm-up is the first quarter of the run (pools, per-thread engines and allocator
    /// arenas fill up then); growth is the mean of the last three samples over the first
    /// sample after warm-up.
    pub fn growth_after_warmup_kib(&self) -> i64 {
        let warm = self.0.len() / 4;
        let Some(&(_, base, _)) = self.0.get(warm) else { return 0 };
        let tail: Vec<i64> = self.0.iter().rev().take(3).map(|(_, rss, _)| *rss).collect();
        tail.iter().sum::<i64>() / tail.len().max(1) as i64 - base
    }

    /// The same measure for the heap in use.
    pub fn heap_growth_after_warmup_kib(&self) -> i64 {
        let warm = self.0.len() / 4;
        let Some(&(_, _, base)) = self.0.get(warm) else { return 0 };
        let tail: Vec<i64> = self.0.iter().rev().take(3).map(|(_, _, heap)| *heap).collect();
        tail.iter().sum::<i64>() / tail.len().max(1) as i64 - base
    }
}
