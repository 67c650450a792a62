//! A local stand-in for the Mindbody Public API v6 UserToken endpoints (issue, renew, revoke),
//! with control endpoints under `/_emulator/` to move its clock, inject faults and inspect the
//! requests it received. See the crate's README for the HTTP interface.
//!
//! ```no_run
//! use std::time::Duration;
//! use ut_emulator::{Emulator, EmulatorConfig};
//!
//! let emulator = Emulator::start("127.0.0.1:0", EmulatorConfig::default()).unwrap();
//! println!("serving at {}", emulator.url());
//! drop(emulator); // stops it
//!
//! // HTTPS, one worker, idle connections closed after 200 ms.
//! let emulator =
//!     Emulator::builder().tls(true).threads(1).idle_timeout(Duration::from_millis(200)).start("127.0.0.1:0").unwrap();
//! # drop(emulator);
//!
//! // One request per connection, each a full TLS handshake.
//! let emulator = Emulator::builder().tls(true).keep_alive(false).tls_resumption(false).start("127.0.0.1:0").unwrap();
//! # drop(emulator);
//! ```

// Each module uses only modules listed before it.
// The parts, each alone: the calls, time, the configuration, a connection's life, tokens'
// signatures, the request record, the answers' shapes, the certificate.
mod call;
mod clock;
mod config;
mod connection;
mod jwt;
mod record;
mod reply;
mod tls;
// What a running emulator remembers, then all of it together.
mod directory;
mod faults;
mod stats;
mod tokens;
// The `echo` fault's body; the state every connection shares.
mod echo;
mod state;
// The answers: the API's, the control endpoints', a fault's.
mod api;
mod control;
mod inject;
// The way of a request, then the sockets it arrives on.
mod dispatch;
mod server;
// The other side: a client of the control endpoints, for tests and tools.
mod control_client;

use std::io;
use std::net::SocketAddr;
use std::sync::{mpsc, Arc};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::oneshot;

pub use config::{BearerPrefix, EmulatorConfig, OldToken, RenewToken, SiteConfig, UserConfig};
pub use connection::DEFAULT_IDLE_TIMEOUT;
pub use control_client::Control;

use server::Policy;
use state::State;
use tls::Tls;

/// Runtime worker threads unless told otherwise.
pub const DEFAULT_THREADS: usize = 2;

/// How an emulator is started: [`Emulator::builder`], then the settings that differ from the
/// defaults, then [`Builder::start`].
#[derive(Debug, Clone)]
pub struct Builder {
    config: EmulatorConfig,
    threads: usize,
    tls: bool,
    tls_resumption: bool,
    idle_timeout: Duration,
    keep_alive: bool,
}

impl Builder {
    /// The API keys, sites, users and behaviours (default: [`EmulatorConfig::default`]).
    pub fn config(mut self, config: EmulatorConfig) -> Builder {
        self.config = config;
        self
    }

    /// Runtime worker threads, at least one (default [`DEFAULT_THREADS`]).
    pub fn threads(mut self, threads: usize) -> Builder {
        self.threads = threads;
        self
    }

    /// Serve HTTPS (see [`Emulator::start_tls`]) rather than plain HTTP.
    pub fn tls(mut self, tls: bool) -> Builder {
        self.tls = tls;
        self
    }

    /// With [`Builder::tls`]: let clients resume a TLS session (default `true`). `false` never
    /// resumes one, so every connection is a full handshake.
    pub fn tls_resumption(mut self, tls_resumption: bool) -> Builder {
        self.tls_resumption = tls_resumption;
        self
    }

    /// Serve more than one request per connection (default `true`). `false` answers every
    /// request with `Connection: close` and closes the connection after the answer.
    pub fn keep_alive(mut self, keep_alive: bool) -> Builder {
        self.keep_alive = keep_alive;
        self
    }

    /// Close a keep-alive connection, with a FIN, once it has been idle (no request in
    /// progress) this long; `Duration::ZERO` never does. Default [`DEFAULT_IDLE_TIMEOUT`].
    pub fn idle_timeout(mut self, idle_timeout: Duration) -> Builder {
        self.idle_timeout = idle_timeout;
        self
    }

    /// Binds `bind` (such as `127.0.0.1:0`) and returns once it accepts connections.
    pub fn start(self, bind: &str) -> io::Result<Emulator> {
        let tls = if self.tls { Some(Tls::generate(self.tls_resumption)?) } else { None };
        let policy = Policy {
            idle_timeout: Some(self.idle_timeout).filter(|limit| !limit.is_zero()),
            keep_alive: self.keep_alive,
        };
        Emulator::launch(bind, self.config, self.threads, tls, policy)
    }
}

/// A running emulator: its own thread and tokio runtime, serving until dropped.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    /// The generated authority's certificate, PEM, when serving HTTPS.
    ca_pem: Option<String>,
    control: Control,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Every setting at its default, to be changed before [`Builder::start`].
    pub fn builder() -> Builder {
        Builder {
            config: EmulatorConfig::default(),
            threads: DEFAULT_THREADS,
            tls: false,
            tls_resumption: true,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            keep_alive: true,
        }
    }

    /// Binds `bind` (such as `127.0.0.1:0`) and returns once it accepts connections.
    pub fn start(bind: &str, config: EmulatorConfig) -> io::Result<Emulator> {
        Emulator::builder().config(config).start(bind)
    }

    /// As [`Emulator::start`], with `threads` runtime workers (at least one).
    pub fn start_with_threads(bind: &str, config: EmulatorConfig, threads: usize) -> io::Result<Emulator> {
        Emulator::builder().config(config).threads(threads).start(bind)
    }

    /// As [`Emulator::start`], serving HTTPS with a certificate for `localhost`, `127.0.0.1`
    /// and `::1` issued by an authority generated for this emulator alone; clients trust it
    /// through [`Emulator::ca_pem`].
    pub fn start_tls(bind: &str, config: EmulatorConfig) -> io::Result<Emulator> {
        Emulator::builder().config(config).tls(true).start(bind)
    }

    /// As [`Emulator::start_tls`], with `threads` runtime workers (at least one).
    pub fn start_tls_with_threads(bind: &str, config: EmulatorConfig, threads: usize) -> io::Result<Emulator> {
        Emulator::builder().config(config).threads(threads).tls(true).start(bind)
    }

    fn launch(
        bind: &str,
        config: EmulatorConfig,
        threads: usize,
        tls: Option<Tls>,
        policy: Policy,
    ) -> io::Result<Emulator> {
        let state = State::new(&config).map_err(|message| io::Error::new(io::ErrorKind::InvalidInput, message))?;
        let state = Arc::new(state);
        let bind = bind.to_owned();
        let (ca_pem, acceptor) = match tls {
            Some(tls) => (Some(tls.ca_pem), Some(tls.acceptor)),
            None => (None, None),
        };
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop, stopped) = oneshot::channel();
        // The runtime is built, run and dropped on this thread alone, so starting or dropping an
        // emulator works the same from plain code and from inside another async runtime.
        let thread = thread::Builder::new().name("ut-emulator".to_owned()).spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads.max(1))
                .thread_name("ut-emulator-worker")
                .enable_io()
                .enable_time()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => return drop(ready_tx.send(Err(e))),
            };
            let bound = {
                let _context = runtime.enter();
                server::listen(&bind).and_then(|listener| Ok((listener.local_addr()?, listener)))
            };
            match bound {
                Ok((addr, listener)) => {
                    let _ = ready_tx.send(Ok(addr));
                    runtime.block_on(server::serve(listener, state, acceptor, policy, stopped));
                }
                Err(e) => drop(ready_tx.send(Err(e))),
            }
            // Hung or trickling connections are cut, not waited for.
            runtime.shutdown_timeout(Duration::from_secs(1));
        })?;
        match ready_rx.recv() {
            Ok(Ok(addr)) => {
                let control = Control::new(addr);
                let mut emulator = Emulator { addr, ca_pem, control, stop: Some(stop), thread: Some(thread) };
                if let Some(ca_pem) = &emulator.ca_pem {
                    // On failure the emulator is dropped, which stops it.
                    emulator.control = Control::with_ca(addr, ca_pem)?;
                }
                Ok(emulator)
            }
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(io::Error::other("the emulator thread ended before listening"))
            }
        }
    }

    /// `http://127.0.0.1:PORT`, or `https://127.0.0.1:PORT` when serving HTTPS.
    pub fn url(&self) -> String {
        let scheme = if self.ca_pem.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The PEM certificate of the authority that issued the HTTPS certificate: what a client
    /// adds to its trust roots. `None` for plain HTTP.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The client of this emulator's control endpoints, which the methods below use.
    pub fn control(&self) -> &Control {
        &self.control
    }

    /// See [`Control::health`].
    pub fn health(&self) -> io::Result<Value> {
        self.control.health()
    }

    /// See [`Control::reset`].
    pub fn reset(&self) -> io::Result<Value> {
        self.control.reset()
    }

    /// See [`Control::clock`].
    pub fn clock(&self) -> io::Result<Value> {
        self.control.clock()
    }

    /// See [`Control::advance_clock`].
    pub fn advance_clock(&self, seconds: i64) -> io::Result<Value> {
        self.control.advance_clock(seconds)
    }

    /// See [`Control::faults`].
    pub fn faults(&self) -> io::Result<Value> {
        self.control.faults()
    }

    /// See [`Control::add_faults`].
    pub fn add_faults(&self, faults: &str) -> io::Result<Value> {
        self.control.add_faults(faults)
    }

    /// See [`Control::clear_faults`].
    pub fn clear_faults(&self) -> io::Result<Value> {
        self.control.clear_faults()
    }

    /// See [`Control::requests`].
    pub fn requests(&self) -> io::Result<Value> {
        self.control.requests()
    }

    /// See [`Control::clear_requests`].
    pub fn clear_requests(&self) -> io::Result<Value> {
        self.control.clear_requests()
    }

    /// See [`Control::tokens`].
    pub fn tokens(&self) -> io::Result<Value> {
        self.control.tokens()
    }

    /// See [`Control::stats`].
    pub fn stats(&self) -> io::Result<Value> {
        self.control.stats()
    }
}

impl Drop for Emulator {
    /// Stops accepting, cuts every open connection and joins the emulator's thread.
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
