//! `ut-emulator`: serves the emulated API until SIGTERM or SIGINT.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use tokio::signal::unix::{signal, SignalKind};
use ut_emulator::{Emulator, EmulatorConfig, DEFAULT_IDLE_TIMEOUT, DEFAULT_THREADS};

const USAGE: &str = "\
usage: ut-emulator [--bind ADDR] [--config FILE] [--threads N] [--idle-timeout-ms N]
                   [--no-keep-alive] [--tls [--cert-out FILE] [--no-tls-resumption]]

A local stand-in for the Mindbody Public API v6 UserToken endpoints.

  --bind ADDR            address to listen on (default 127.0.0.1:0, a free port)
  --config FILE          JSON file of API keys, sites, users and behaviours, replacing the
                         defaults below
  --threads N            runtime worker threads, 1 to 64 (default 2)
  --idle-timeout-ms N    close a keep-alive connection (FIN) once idle N ms, no request in
                         progress; 0 never does (default 5000)
  --no-keep-alive        answer every request with Connection: close and close the
                         connection after the answer
  --tls                  serve HTTPS with a certificate generated at start
  --cert-out FILE        with --tls: write the certificate authority (PEM) to trust to FILE
  --no-tls-resumption    with --tls: never resume a TLS session, so every connection is a
                         full handshake
  --version              print the version
  --help                 print this help

Prints one line, `listening on http://HOST:PORT` (https:// with --tls), then serves until
SIGTERM or SIGINT.

Defaults: API key test-api-key; site -99 with the users
  Siteowner / apitest1234                        Owner, Id 0
  mindbodysandboxsite@gmail.com / Apitest1234    Owner, Id 0
  jdoe / s3cret!                                 Staff, Id 100000123
Tokens are JWTs living 24 h; renew answers a new token a day past the current expiry (at
most 7 times); bad credentials answer 403. Config keys: renew_token (new|same),
old_token_after_renew (valid|invalid), bad_credentials_status (403|401), bearer_prefix
(accepted|refused).

API: POST /public/v{version}/usertoken/issue, POST .../renew, DELETE .../revoke.
Control endpoints:
  GET  /_emulator/health                    {\"ok\":true}
  POST /_emulator/reset                     forget tokens, faults, requests, clock, counters
  GET  /_emulator/clock                     the emulator's now and offset
  POST /_emulator/clock                     {\"advance_s\":N} moves it
  GET|POST|DELETE /_emulator/faults         list, queue ({...} or {\"faults\":[...]}), clear
  GET|DELETE /_emulator/requests            the requests received (method, path, headers, body)
  GET  /_emulator/tokens                    every remembered token and its state
  GET  /_emulator/stats                     requests served per call
Fault kinds: status, delay, hang, drop, drop_mid_body, trickle, oversized, redirect,
close_when_idle, reset_when_idle, echo, overstated_length (see the emulator's README).
";

/// Bad arguments or configuration, as usage errors conventionally do.
const EXIT_USAGE: u8 = 2;
/// The server could not start.
const EXIT_FAILURE: u8 = 1;

/// The longest idle timeout taken: a day.
const IDLE_TIMEOUT_MAX_MS: u64 = 86_400_000;

struct Options {
    bind: String,
    config: Option<String>,
    threads: usize,
    idle_timeout: Duration,
    keep_alive: bool,
    tls: bool,
    tls_resumption: bool,
    cert_out: Option<String>,
}

impl Options {
    /// The setting a switch (an argument without a value) changes, and what it sets it to.
    fn switch(&mut self, name: &str) -> Option<(&mut bool, bool)> {
        match name {
            "--tls" => Some((&mut self.tls, true)),
            "--no-keep-alive" => Some((&mut self.keep_alive, false)),
            "--no-tls-resumption" => Some((&mut self.tls_resumption, false)),
            _ => None,
        }
    }
}

enum Command {
    Help,
    Version,
    Serve(Options),
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut options = Options {
        bind: "127.0.0.1:0".to_owned(),
        config: None,
        threads: DEFAULT_THREADS,
        idle_timeout: DEFAULT_IDLE_TIMEOUT,
        keep_alive: true,
        tls: false,
        tls_resumption: true,
        cert_out: None,
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name.to_owned(), Some(value.to_owned())),
            _ => (arg, None),
        };
        if name == "--help" || name == "-h" {
            return Ok(Command::Help);
        }
        if name == "--version" || name == "-V" {
            return Ok(Command::Version);
        }
        if let Some((setting, value)) = options.switch(&name) {
            if inline.is_some() {
                return Err(format!("{name} takes no value"));
            }
            *setting = value;
            continue;
        }
        if !matches!(name.as_str(), "--bind" | "--config" | "--threads" | "--idle-timeout-ms" | "--cert-out") {
            return Err(format!("unknown argument {name:?}"));
        }
        let value = inline.or_else(|| args.next()).ok_or_else(|| format!("{name} needs a value"))?;
        match name.as_str() {
            "--bind" => options.bind = value,
            "--config" => options.config = Some(value),
            "--cert-out" => options.cert_out = Some(value),
            "--idle-timeout-ms" => {
                let ms = value.parse().ok().filter(|ms| *ms <= IDLE_TIMEOUT_MAX_MS).ok_or_else(|| {
                    format!("--idle-timeout-ms must be a number from 0 to {IDLE_TIMEOUT_MAX_MS}, not {value:?}")
                })?;
                options.idle_timeout = Duration::from_millis(ms);
            }
            _ => {
                options.threads = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=64).contains(n))
                    .ok_or_else(|| format!("--threads must be a number from 1 to 64, not {value:?}"))?;
            }
        }
    }
    if options.cert_out.is_some() && !options.tls {
        return Err("--cert-out needs --tls".to_owned());
    }
    if !options.tls_resumption && !options.tls {
        return Err("--no-tls-resumption needs --tls".to_owned());
    }
    Ok(Command::Serve(options))
}

fn load_config(path: Option<&str>) -> Result<EmulatorConfig, String> {
    match path {
        None => Ok(EmulatorConfig::default()),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            EmulatorConfig::from_json(&text).map_err(|e| format!("{path}: {e}"))
        }
    }
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("ut-emulator {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Ok(Command::Serve(options)) => options,
        Err(message) => {
            eprintln!("ut-emulator: {message}\n\n{USAGE}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let config = match load_config(options.config.as_deref()) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("ut-emulator: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match serve(options, config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ut-emulator: {message}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn serve(options: Options, config: EmulatorConfig) -> Result<(), String> {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_io().build().map_err(|e| format!("cannot start: {e}"))?;
    // Handlers go in before the address is printed: whoever reads it may signal at once, and
    // must get a clean exit rather than the default death by signal.
    let (mut terminate, mut interrupt) = {
        let _context = runtime.enter();
        let handler = |kind| signal(kind).map_err(|e| format!("cannot handle signals: {e}"));
        (handler(SignalKind::terminate())?, handler(SignalKind::interrupt())?)
    };
    let emulator = Emulator::builder()
        .config(config)
        .threads(options.threads)
        .tls(options.tls)
        .tls_resumption(options.tls_resumption)
        .keep_alive(options.keep_alive)
        .idle_timeout(options.idle_timeout)
        .start(&options.bind)
        .map_err(|e| format!("cannot listen on {}: {e}", options.bind))?;
    // Written before the line is printed: whoever reads the line may load the file at once.
    if let (Some(path), Some(pem)) = (&options.cert_out, emulator.ca_pem()) {
        std::fs::write(path, pem).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on {}", emulator.url())
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    runtime.block_on(async {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    });
    drop(emulator);
    Ok(())
}
