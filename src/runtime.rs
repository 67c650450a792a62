//! The tokio runtimes and HTTP clients behind a `Client`, rebuilt after `fork()`.
//!
//! Two kinds of engine: one *shared* multi-thread runtime per client runs the async calls
//! and the blocking calls made from inside a runtime (callbacks, other tokio programs); and
//! a *local* current-thread runtime per client and calling thread runs the other blocking
//! calls on the caller's own thread, with its own connections, as a reused curl handle
//! would: no hand-off between threads on the hot path.
//!
//! A forked child has none of its parent's threads, so it cannot use the parent's runtime or
//! its pooled connections. A `pthread_atfork` hook, registered when the library is loaded,
//! bumps a generation counter in the child; an `Engine` from an older generation is abandoned
//! (never dropped: its locks may be held by threads that no longer exist) and a fresh one
//! built on first use. `PerProcess` does the same for any other state with a lock in it.

use crate::config::Config;
use crate::error::Error;
use crate::pending;
use arc_swap::ArcSwap;
use futures_util::FutureExt;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::{Handle, Runtime, RuntimeFlavor};

static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);
static FORK_HOOKS_REGISTERED: AtomicBool = AtomicBool::new(false);

/// Registers the fork hooks when the library is loaded, before any thread of the host can be
/// inside it: registering on first use instead could leave a child waiting for a
/// registration that a parent thread had begun.
#[used]
#[link_section = ".init_array"]
static REGISTER_FORK_HOOKS_AT_LOAD: extern "C" fn() = register_fork_hooks;

extern "C" fn register_fork_hooks() {
    // Never waits: whoever comes first registers, once.
    if !FORK_HOOKS_REGISTERED.swap(true, Ordering::SeqCst) {
        // SAFETY: the three hooks are plain functions that live as long as the process.
        unsafe { libc::pthread_atfork(Some(before_fork), Some(after_fork_in_parent), Some(after_fork_in_child)) };
    }
}

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
    // Where a loader ignored the constructor above.
    if !FORK_HOOKS_REGISTERED.load(Ordering::Relaxed) {
        register_fork_hooks();
    }
    FORK_GENERATION.load(Ordering::SeqCst)
}

/// A value that belongs to the process that made it. A forked child gets a fresh
/// `T::default()` on first use instead of its parent's, which a parent thread may have held
/// locked, or been changing, at the moment of the fork; the parent's is kept, never dropped.
pub struct PerProcess<T> {
    current: ArcSwap<Owned<T>>,
}

pub struct Owned<T> {
    generation: u64,
    pub value: T,
}

impl<T: Default + Send + Sync + 'static> Default for PerProcess<T> {
    fn default() -> Self {
        PerProcess { current: ArcSwap::from_pointee(Owned { generation: generation(), value: T::default() }) }
    }
}

impl<T: Default + Send + Sync + 'static> PerProcess<T> {
    /// This process's value.
    pub fn get(&self) -> Arc<Owned<T>> {
        let current = self.current.load_full();
        let now = generation();
        if current.generation == now {
            return current;
        }
        let fresh = Arc::new(Owned { generation: now, value: T::default() });
        let before = self.current.compare_and_swap(&current, fresh.clone());
        if Arc::ptr_eq(&before, &current) {
            abandon(Box::new(current));
            fresh
        } else {
            // Another thread of this child replaced it first.
            self.current.load_full()
        }
    }
}

pub struct Engine {
    pub generation: u64,
    runtime: ManuallyDrop<Runtime>,
    pub http: ManuallyDrop<reqwest::Client>,
}

impl Engine {
    /// The client's shared engine, with `worker_threads` workers.
    pub fn shared(config: &Config, trust: &Trust) -> Result<Engine, Error> {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder
            .worker_threads(config.worker_threads)
            .thread_name("usertoken-worker")
            .on_thread_start(crate::panics::library_thread);
        Engine::build(config, trust, builder)
    }

    /// An engine for blocking calls on the thread that builds it, and only that thread.
    pub fn local(config: &Config, trust: &Trust) -> Result<Engine, Error> {
        Engine::build(config, trust, tokio::runtime::Builder::new_current_thread())
    }

    fn build(config: &Config, trust: &Trust, mut builder: tokio::runtime::Builder) -> Result<Engine, Error> {
        let http = http_client(config, trust)?;
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
        let work = async {
            // A current-thread runtime polls its I/O driver only while it runs, so a pooled
            // connection that the server closed since this thread's last call (servers and
            // load balancers close idle ones after a few seconds) is not yet known to be
            // closed, and the pool would hand it out. The first yield lets the driver report
            // the close, the second lets the connection's task act on it. (Running the call
            // as a task of its own would need one driver poll, not two, but measured slower:
            // the task's aligned allocation and copies cost more than the system call.)
            tokio::task::yield_now().await;
            tokio::task::yield_now().await;
            work.await
        };
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
            abandon(Box::new((runtime, http)));
        }
    }
}

/// State inherited through fork() (an engine, a `PerProcess` value): its threads do not exist
/// here and its locks may be held forever, so it can never be dropped. It is kept, not
/// leaked: a process-wide list holds it, so memory checkers see it as reachable.
struct Abandoned {
    _state: Box<dyn Send>,
    next: *mut Abandoned,
}

static ABANDONED: AtomicPtr<Abandoned> = AtomicPtr::new(std::ptr::null_mut());

/// Pushes onto a lock-free list: a lock could itself have been inherited locked.
fn abandon(state: Box<dyn Send>) {
    let node = Box::into_raw(Box::new(Abandoned { _state: state, next: std::ptr::null_mut() }));
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

fn http_client(config: &Config, trust: &Trust) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(config.connect_timeout)
        // The API key travels in a custom header that no redirect policy would strip, so
        // no redirect is ever followed: a 3xx is reported as it is.
        .redirect(reqwest::redirect::Policy::none())
        // Retries are ours (`max_retries`, with their own rules); reqwest's layer would only
        // clone every request in case of an HTTP/2 refusal, which HTTP/1.1 never sends.
        .retry(reqwest::retry::never().max_retries_per_request(0))
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
    builder = builder.tls_backend_preconfigured(trust.tls_config()?);
    builder.build().map_err(|e| Error::invalid_config(format!("cannot build the HTTP client: {e}")))
}

/// The authorities a client trusts: Mozilla's roots (built in, so no system store is read)
/// and those in `ca_file`, read once when the client is made and shared by its engines. The
/// store is plain data, with no lock a forked child could inherit held.
#[derive(Clone)]
pub struct Trust(Arc<rustls::RootCertStore>);

impl Trust {
    pub fn load(ca_file: Option<&str>) -> Result<Trust, Error> {
        let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        if let Some(path) = ca_file {
            let bad = |what: String| Error::invalid_config(format!("ca_file \"{}\" {what}", path.escape_debug()));
            let pem = std::fs::read(path).map_err(|e| bad(format!("cannot be read: {e}")))?;
            let certs: Vec<_> = CertificateDer::pem_slice_iter(&pem).filter_map(Result::ok).collect();
            if certs.is_empty() {
                return Err(bad("holds no PEM certificate".to_owned()));
            }
            for cert in certs {
                roots.add(cert).map_err(|e| bad(format!("holds a certificate that cannot be a root: {e}")))?;
            }
        }
        Ok(Trust(Arc::new(roots)))
    }

    /// TLS 1.2 and 1.3 over rustls with ring, for one engine: each has its own session cache,
    /// whose lock stays in its process. The provider is given here rather than installed
    /// process-wide, which could clash with a host's own choice.
    fn tls_config(&self) -> Result<rustls::ClientConfig, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::invalid_config(format!("cannot set up TLS: {e}")))?
            .with_root_certificates(self.0.clone())
            .with_no_client_auth();
        // The HTTP stack speaks HTTP/1.1 only.
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(tls)
    }
}

#[cfg(test)]
mod tests {
    use super::Trust;

    #[test]
    fn a_ca_file_that_cannot_be_read_is_invalid_config() {
        for path in ["/nonexistent/ca.pem", "/", ""] {
            let error = Trust::load(Some(path)).err().unwrap_or_else(|| panic!("{path:?} was accepted"));
            assert!(error.message.contains("ca_file") && error.message.contains("cannot be read"), "{path:?}: {error}");
        }
    }
}
