//! The `ut-emulator` binary: its one line of output, its arguments, its exit codes.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Output, Stdio};

use common::Http;
use serde_json::json;
use ut_emulator::Control;

const BINARY: &str = env!("CARGO_BIN_EXE_ut-emulator");

struct Running {
    child: Child,
    stdout: BufReader<ChildStdout>,
    addr: SocketAddr,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = Command::new(BINARY).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line.strip_prefix("listening on http://").unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        assert!(url.ends_with('\n'));
        let addr = url.trim_end().parse().unwrap();
        Running { child, stdout, addr }
    }

    /// Sends `signal` and returns the exit code and whatever else was printed.
    fn stop(mut self, signal: &str) -> (Option<i32>, String) {
        let status = Command::new("kill").args([signal, &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let code = self.child.wait().unwrap().code();
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        (code, rest)
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(BINARY).args(args).stdin(Stdio::null()).output().unwrap()
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("ut-emulator-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn prints_one_line_serves_and_exits_cleanly_on_sigterm() {
    let running = Running::start(&[]);
    assert_eq!(running.addr.ip().to_string(), "127.0.0.1");
    let mut http = Http::connect(running.addr);
    assert_eq!(Control::new(running.addr).health().unwrap(), json!({"ok": true}));
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 200);
    let (code, rest) = running.stop("-TERM");
    assert_eq!(code, Some(0));
    assert_eq!(rest, "", "nothing after the listening line");
}

#[test]
fn sigint_exits_cleanly_too() {
    let running = Running::start(&["--threads", "1"]);
    assert_eq!(Control::new(running.addr).health().unwrap(), json!({"ok": true}));
    assert_eq!(running.stop("-INT").0, Some(0));
}

#[test]
fn bind_and_config_are_honoured() {
    let config = temp_file(
        "config.json",
        r#"{"api_keys":["k1"],"sites":[{"id":-99,"users":[{"username":"u","password":"p","id":0,"first_name":"A","last_name":"B","type":"Owner"}]}]}"#,
    );
    let running = Running::start(&["--bind", "127.0.0.1:0", &format!("--config={}", config.display())]);
    let mut http = Http::connect(running.addr);
    let response = http.send(
        "POST",
        common::ISSUE,
        &[("API-Key", "k1"), ("SiteId", "-99")],
        br#"{"Username":"u","Password":"p"}"#,
    );
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["User"], json!({"Id": 0, "FirstName": "A", "LastName": "B", "Type": "Owner"}));
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 401, "the defaults are replaced");
    assert_eq!(running.stop("-TERM").0, Some(0));
    let _ = std::fs::remove_file(config);
}

#[test]
fn help_prints_usage() {
    let output = run(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("usage: ut-emulator [--bind ADDR] [--config FILE]"), "{text}");
    for option in [
        "--bind",
        "--config",
        "--threads",
        "--idle-timeout-ms",
        "--no-keep-alive",
        "--tls",
        "--cert-out",
        "--no-tls-resumption",
        "--version",
        "--help",
    ] {
        assert!(text.contains(option), "{option} undocumented");
    }
    for default in ["test-api-key", "-99", "Siteowner / apitest1234", "mindbodysandboxsite@gmail.com / Apitest1234"] {
        assert!(text.contains(default), "{default} unlisted");
    }
    for endpoint in ["health", "reset", "clock", "faults", "requests", "tokens", "stats"] {
        assert!(text.contains(&format!("/_emulator/{endpoint}")), "{endpoint} unlisted");
    }
    for key in ["renew_token", "old_token_after_renew", "bad_credentials_status", "bearer_prefix", "reset_when_idle"] {
        assert!(text.contains(key), "{key} unlisted");
    }
}

#[test]
fn version_prints_the_package_version() {
    let output = run(&["--version"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), format!("ut-emulator {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn idle_timeout_ms_closes_idle_connections() {
    let running = Running::start(&["--idle-timeout-ms", "200"]);
    let mut http = Http::connect(running.addr);
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 200);
    let started = std::time::Instant::now();
    let (data, result) = http.read_to_close();
    assert!(data.is_empty() && result.is_ok(), "{data:?} {result:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(running.stop("-TERM").0, Some(0));
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    for args in [
        &["--nope"][..],
        &["--bind"],
        &["--threads", "0"],
        &["--threads", "many"],
        &["serve"],
        &["--idle-timeout-ms"],
        &["--idle-timeout-ms", "-1"],
        &["--idle-timeout-ms", "86400001"],
        &["--idle-timeout-ms=soon"],
        &["--no-keep-alive=yes"],
        &["--no-tls-resumption"],
    ] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("ut-emulator: "), "{args:?}: {stderr}");
    }
}

#[test]
fn an_unreadable_or_invalid_config_exits_2() {
    let output = run(&["--config", "/nonexistent/ut-emulator.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read /nonexistent/ut-emulator.json"));
    let config = temp_file("bad.json", r#"{"api_keys":"k"}"#);
    let output = run(&["--config", config.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid emulator config"));
    assert!(output.stdout.is_empty());
    let _ = std::fs::remove_file(config);
}

#[test]
fn a_port_in_use_exits_1() {
    let running = Running::start(&[]);
    let output = run(&["--bind", &running.addr.to_string()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot listen on"));
    assert_eq!(running.stop("-TERM").0, Some(0));
}
