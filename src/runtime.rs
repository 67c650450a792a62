//! The tokio runtimes and HTTP clients behind a `Client`, rebuilt after `fork()`.
//!
//! Two kinds of engine: one *shared* multi-thread runtime per client runs the async calls
//! and the blocking calls made from inside a runtime (callbacks, other tokio programs); and
//! a *local* current-thread runtime per client and calling thread runs the other blocking
//! calls on the caller's own thread, with its own connections, as a reused curl handle
//! would: no hand-off between threads on the hot path.
//!
//! A forked child has none of its parent's threads, so it cannot use the parent's runtime or
//! its pooled connections. A `pthread_atfork` hook bumps a generation counter in the child;
//! an `Engine` from an older generation is abandoned (never dropped: its locks may be held by
//! threads that no longer exist) and a fresh one built on first use.

use crate::config::Config;
use crate::error::Error;
use crate::pending;
use futures_util::FutureExt;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::Once;
use std::time::Duration;
use tokio::runtime::{Handle, Runtime, RuntimeFlavor};

static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);
static FORK_HOOK: Once = Once::new();

extern "C" fn before_fork() {
    pending::before_fork();
}

extern "C" fn after_fork_in_parent() {
    pending::after_fork_in_parent();
}

extern "C" fn after_fork_in_child() {
    FORK_GENERATION.fetch_add(1, Ordering::SeqCst);
    pending::after_fork_in_child();
}

/// The current fork generation of this process.
pub fn generation() -> u64 {
    FORK_HOOK.call_once(|| unsafe {
        libc::pthread_atfork(Some(before_fork), Some(after_fork_in_parent), Some(after_fork_in_child));
    });
    FORK_GENERATION.load(Ordering::SeqCst)
}

pub struct Engine {
    pub generation: u64,
    runtime: ManuallyDrop<Runtime>,
    pub http: ManuallyDrop<reqwest::Client>,
}

impl Engine {
    /// The client's shared engine, with `worker_threads` workers.
    pub fn shared(config: &Config) -> Result<Engine, Error> {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(config.worker_threads).thread_name("usertoken-worker");
        Engine::build(config, builder)
    }

    /// An engine for blocking calls on the thread that builds it, and only that thread.
    pub fn local(config: &Config) -> Result<Engine, Error> {
        Engine::build(config, tokio::runtime::Builder::new_current_thread())
    }

    fn build(config: &Config, mut builder: tokio::runtime::Builder) -> Result<Engine, Error> {
        let http = http_client(config)?;
        let runtime = builder
            .enable_all()
            .build()
            .map_err(|e| Error::invalid_config(format!("cannot start the runtime: {e}")))?;
        Ok(Engine { generation: generation(), runtime: ManuallyDrop::new(runtime), http: ManuallyDrop::new(http) })
    }

    /// True when built in this process (not inherited through fork()).
    pub fn is_current(&self) -> bool {
        self.generation == generation()
    }

    /// Runs `work` to completion on this thread; for a local engine outside any runtime.
    pub fn block_on<T>(&self, work: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        std::panic::catch_unwind(AssertUnwindSafe(|| self.runtime.block_on(work)))
            .unwrap_or_else(|_| Err(Error::panic()))
    }

    pub fn handle(&self) -> &Handle {
        self.runtime.handle()
    }

    /// Runs `work` on the runtime and waits for it on the calling thread, whatever that
    /// thread is: a plain one, one of ours (inside a callback), or another runtime's.
    pub fn run_blocking<T: Send + 'static>(
        &self,
        work: impl Future<Output = Result<T, Error>> + Send + 'static,
    ) -> Result<T, Error> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.runtime.spawn(async move {
            let outcome = AssertUnwindSafe(work).catch_unwind().await.unwrap_or_else(|_| Err(Error::panic()));
            let _ = tx.send(outcome);
        });
        wait_blocking(|| rx.recv())
            .unwrap_or_else(|_| Err(Error::cancelled("the client was freed while the call was in flight")))
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // SAFETY: each field is taken once, here, and never used again.
        let (runtime, http) = unsafe { (ManuallyDrop::take(&mut self.runtime), ManuallyDrop::take(&mut self.http)) };
        if self.generation == FORK_GENERATION.load(Ordering::SeqCst) {
            // Never waits for the workers, so a free never hangs, even from inside a callback.
            runtime.shutdown_background();
            drop(http);
        } else {
            abandon(Abandoned { _runtime: runtime, _http: http, next: std::ptr::null_mut() });
        }
    }
}

/// An engine inherited through fork(): its threads do not exist here and its locks may be
/// held forever, so it can never be dropped. It is kept, not leaked: a process-wide list
/// holds it, so memory checkers see it as reachable.
struct Abandoned {
    _runtime: Runtime,
    _http: reqwest::Client,
    next: *mut Abandoned,
}

static ABANDONED: AtomicPtr<Abandoned> = AtomicPtr::new(std::ptr::null_mut());

/// Pushes onto a lock-free list: a lock could itself have been inherited locked.
fn abandon(engine: Abandoned) {
    let node = Box::into_raw(Box::new(engine));
    let mut head = ABANDONED.load(Ordering::Acquire);
    loop {
        // SAFETY: `node` is ours until the exchange below publishes it.
        unsafe { (*node).next = head };
        match ABANDONED.compare_exchange_weak(head, node, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return,
            Err(current) => head = current,
        }
    }
}

/// Blocks the current thread in `f`; on a worker of a multi-thread runtime (ours, inside a
/// callback, or someone else's) it first hands the worker's other tasks to another thread so
/// that no runtime stalls or deadlocks.
pub fn wait_blocking<R>(f: impl FnOnce() -> R) -> R {
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

fn http_client(config: &Config) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(config.connect_timeout)
        // The API key travels in a custom header that no redirect policy would strip, so
        // no redirect is ever followed: a 3xx is reported as it is.
        .redirect(reqwest::redirect::Policy::none())
        // A local engine's connections are only watched while a call runs on its thread, so
        // they are not kept idle for as long as servers usually keep them.
        .pool_idle_timeout(Duration::from_secs(30))
        .user_agent(config.user_agent.as_str())
        .tcp_nodelay(true);
    if let Some(proxy) = &config.proxy {
        let proxy = reqwest::Proxy::all(proxy.as_str())
            .map_err(|e| Error::invalid_config(format!("proxy is not a valid proxy URL: {e}")))?;
        builder = builder.proxy(proxy);
    } else if config.base_is_loopback() {
        // A server on this machine (an emulator, a local gateway) is never reached through a
        // proxy taken from the environment: HTTP_PROXY without a NO_PROXY that names loopback
        // would otherwise send its calls away. A configured `proxy` still applies.
        builder = builder.no_proxy();
    }
    if let Some(path) = &config.ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| Error::invalid_config(format!("ca_file \"{}\" cannot be read: {e}", path.escape_debug())))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).unwrap_or_default();
        if certs.is_empty() {
            return Err(Error::invalid_config(format!("ca_file \"{}\" holds no PEM certificate", path.escape_debug())));
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder.build().map_err(|e| Error::invalid_config(format!("cannot build the HTTP client: {e}")))
}
