//! The emulator in its own process (so the soak's resident set is the library's alone), and
//! the thread that keeps queuing random faults into it.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ut_emulator::Control;

pub struct Emulator {
    child: Child,
    pub addr: SocketAddr,
}

impl Emulator {
    /// `ut-emulator` from beside this example's directory (target/release), or `SOAK_EMULATOR`.
    pub fn spawn() -> Emulator {
        let binary = std::env::var_os("SOAK_EMULATOR").map(Into::into).unwrap_or_else(|| {
            let exe = std::env::current_exe().expect("the soak's own path");
            exe.parent().and_then(|examples| examples.parent()).expect("target/release/examples").join("ut-emulator")
        });
        let mut child = Command::new(&binary)
            .args(["--bind", "127.0.0.1:0", "--threads", "2"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e} (run `make build` first)", binary.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line.trim().strip_prefix("listening on http://").expect("the listening line").parse().unwrap();
        Emulator { child, addr }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn control(&self) -> Control {
        Control::new(self.addr)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A random fault: every kind the emulator has, each short enough for the soak's timeouts
/// (a hang or a slow trickle is cut by `timeout_ms`).
fn random_fault() -> String {
    let call = ["issue", "renew", "revoke"][fastrand::usize(..3)];
    let count = fastrand::u32(1..=4);
    let kind = match fastrand::u32(..10) {
        0 => format!(r#""kind":"status","status":{}"#, [500, 502, 503, 504, 429, 408][fastrand::usize(..6)]),
        1 => r#""kind":"status","status":503,"retry_after":"0""#.to_owned(),
        2 => format!(r#""kind":"status","status":{}"#, [400, 401, 403, 404, 501][fastrand::usize(..5)]),
        3 => format!(r#""kind":"delay","delay_ms":{}"#, fastrand::u32(1..300)),
        4 => r#""kind":"hang""#.to_owned(),
        5 => r#""kind":"drop""#.to_owned(),
        6 => r#""kind":"drop_mid_body""#.to_owned(),
        7 => r#""kind":"trickle","interval_ms":20"#.to_owned(),
        8 => r#""kind":"oversized","body_bytes":1100000"#.to_owned(),
        _ => r#""kind":"status","status":200,"body":"not json""#.to_owned(),
    };
    format!(r#"{{{kind},"call":"{call}","count":{count}}}"#)
}

/// Queues faults in batches of eight until `stop`, pausing while more than 16 are pending
/// so that they keep mixing with normal answers; counts the faults queued.
pub fn inject(control: Control, stop: Arc<AtomicBool>, queued: Arc<AtomicU64>) {
    while !stop.load(Ordering::SeqCst) {
        let batch: Vec<String> = (0..8).map(|_| random_fault()).collect();
        let answer = control.add_faults(&format!(r#"{{"faults":[{}]}}"#, batch.join(",")));
        let pending = answer.ok().and_then(|answer| answer["pending"].as_u64());
        if pending.is_some() {
            queued.fetch_add(batch.len() as u64, Ordering::Relaxed);
        }
        let pause = if pending.unwrap_or(0) > 16 { 50 } else { 5 };
        std::thread::sleep(Duration::from_millis(pause));
    }
}
