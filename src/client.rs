//! A configured client: its runtime, blocking and async calls, and its orderly end.

use crate::calls::Request;
use crate::config::Config;
use crate::error::Error;
use crate::pending;
use crate::runtime::{self, Engine, PerProcess, Trust};
use crate::stats::Stats;
use arc_swap::ArcSwapOption;
use futures_util::FutureExt;
use std::cell::RefCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

static NEXT_CLIENT_ID: AtomicU64 = AtomicU64::new(1);

/// How long a free waits for callbacks already running on other threads.
const CALLBACK_DRAIN: Duration = Duration::from_millis(900);

pub struct Client {
    id: u64,
    pub config: Arc<Config>,
    /// Read when the client is made, so that a `ca_file` that cannot be used is an error
    /// of `ut_client_new`, and the file is never read again.
    trust: Trust,
    /// `None` once the client is closed.
    engine: ArcSwapOption<Engine>,
    /// The local engines of the threads that made blocking calls, so that a free can end them.
    locals: PerProcess<Mutex<Vec<Arc<LocalSlot>>>>,
    pub stats: Arc<Stats>,
    /// Callbacks running now; polled by `close`, so that completing a request costs no
    /// system call (a condition variable would wake on every completion).
    running_callbacks: AtomicUsize,
}

/// One calling thread's local engine for one client. The client keeps every slot so that its
/// free can end them; the thread keeps its own so that it can find it again.
type LocalSlot = Mutex<Option<Engine>>;

/// This thread's slots; when the thread ends, its engines end with it.
#[derive(Default)]
struct ThreadSlots(Vec<(u64, Arc<LocalSlot>)>);

impl Drop for ThreadSlots {
    fn drop(&mut self) {
        for (_, slot) in self.0.drain(..) {
            if let Ok(mut engine) = slot.try_lock() {
                // Thread-local destructors run late; an engine that cannot be ended cleanly
                // here is left alone rather than taking the process down.
                let _ = crate::panics::inside(|| std::panic::catch_unwind(AssertUnwindSafe(|| drop(engine.take()))));
            }
        }
    }
}

thread_local! {
    /// The clients whose callbacks are running on this thread (callbacks can nest through
    /// blocking calls), so a free from inside a callback does not wait for itself.
    static IN_CALLBACK_OF: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
    static THREAD_SLOTS: RefCell<ThreadSlots> = RefCell::new(ThreadSlots::default());
}

fn closed() -> Error {
    Error::cancelled("the client has been freed")
}

impl Client {
    pub fn new(config: Config) -> Result<Arc<Client>, Error> {
        let trust = Trust::load(config.ca_file.as_deref())?;
        let engine = Engine::shared(&config, &trust)?;
        Ok(Arc::new(Client {
            id: NEXT_CLIENT_ID.fetch_add(1, Ordering::Relaxed),
            config: Arc::new(config),
            trust,
            engine: ArcSwapOption::from_pointee(engine),
            locals: PerProcess::default(),
            stats: Arc::default(),
            running_callbacks: AtomicUsize::new(0),
        }))
    }

    /// `UT_CANCELLED` once the client has been freed.
    pub fn ensure_open(&self) -> Result<(), Error> {
        match self.engine.load().as_ref() {
            Some(_) => Ok(()),
            None => Err(closed()),
        }
    }

    /// The engine for this process, built afresh in a forked child.
    fn engine(&self) -> Result<Arc<Engine>, Error> {
        let engine = self.engine.load_full().ok_or_else(closed)?;
        if engine.generation == runtime::generation() {
            return Ok(engine);
        }
        // No lock: one could have been inherited locked. Threads of the child that race here
        // each build one; the first to swap it in wins, the others' are dropped unused.
        let fresh = Arc::new(Engine::shared(&self.config, &self.trust)?);
        let before = self.engine.compare_and_swap(&Some(engine.clone()), Some(fresh.clone()));
        match before.as_ref() {
            // The inherited engine is kept by its Drop; only its memory remains.
            Some(previous) if Arc::ptr_eq(previous, &engine) => Ok(fresh),
            _ => self.engine.load_full().ok_or_else(closed),
        }
    }

    /// A blocking call: on this thread's local engine, or, inside a runtime (where a
    /// current-thread runtime cannot block) or where this thread's locals are gone (an
    /// `atexit` handler, a static destructor), on the shared one.
    pub fn call(&self, request: Request) -> Result<String, Error> {
        let slot = match tokio::runtime::Handle::try_current() {
            Err(e) if !e.is_thread_local_destroyed() => self.local_slot(),
            _ => None,
        };
        let Some(slot) = slot else {
            let engine = self.engine()?;
            let work = request.execute((*engine.http).clone(), self.config.clone(), self.stats.clone());
            return engine.run_blocking(work);
        };
        let mut engine = slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(closed) = self.ensure_open() {
            *engine = None;
            return Err(closed);
        }
        if !engine.as_ref().is_some_and(Engine::is_current) {
            // One inherited through fork() is abandoned by its Drop.
            *engine = Some(Engine::local(&self.config, &self.trust)?);
        }
        let engine = engine.as_ref().expect("just made");
        engine.block_on(request.execute((*engine.http).clone(), self.config.clone(), self.stats.clone()))
    }

    /// This thread's slot for this client; `None` once the thread's locals are destroyed.
    fn local_slot(&self) -> Option<Arc<LocalSlot>> {
        THREAD_SLOTS
            .try_with(|slots| {
                let mut slots = slots.borrow_mut();
                if let Some((_, slot)) = slots.0.iter().find(|(id, _)| *id == self.id) {
                    return slot.clone();
                }
                // Slots of freed clients are held by this thread alone: let them go.
                slots.0.retain(|(_, slot)| Arc::strong_count(slot) > 1);
                let slot = Arc::new(Mutex::new(None));
                let locals = self.locals.get();
                let mut locals = locals.value.lock().unwrap_or_else(|p| p.into_inner());
                // Slots whose thread has exited (its engine ended with it) are held by the client
                // alone: drop them, so threads that come and go leave nothing behind.
                locals.retain(|slot| Arc::strong_count(slot) > 1);
                locals.push(slot.clone());
                slots.0.push((self.id, slot.clone()));
                slot
            })
            .ok()
    }

    /// Starts `request`; `registered` learns its id before it can complete. `done` runs
    /// exactly once, on a runtime thread, unless the client's free completes it first (then
    /// on the freeing thread).
    pub fn call_async(
        self: &Arc<Self>,
        request: Request,
        registered: impl FnOnce(u64),
        done: impl FnOnce(Result<String, Error>) + Send + 'static,
    ) -> Result<u64, Error> {
        let engine = self.engine()?;
        let work = request.execute((*engine.http).clone(), self.config.clone(), self.stats.clone());
        self.spawn_pending(&engine, work, registered, done)
    }

    /// As `call_async`, for any work that gives the text of a result (a session's token).
    pub fn call_async_with(
        self: &Arc<Self>,
        work: impl Future<Output = Result<String, Error>> + Send + 'static,
        registered: impl FnOnce(u64),
        done: impl FnOnce(Result<String, Error>) + Send + 'static,
    ) -> Result<u64, Error> {
        let engine = self.engine()?;
        self.spawn_pending(&engine, work, registered, done)
    }

    fn spawn_pending(
        self: &Arc<Self>,
        engine: &Engine,
        work: impl Future<Output = Result<String, Error>> + Send + 'static,
        registered: impl FnOnce(u64),
        done: impl FnOnce(Result<String, Error>) + Send + 'static,
    ) -> Result<u64, Error> {
        let client = self.clone();
        let completion: pending::Completion = Box::new(move |outcome| client.run_callback(|| done(outcome)));
        let (id, woken) = pending::register(self.id, completion);
        registered(id);
        engine.handle().spawn(async move {
            let outcome = tokio::select! {
                outcome = AssertUnwindSafe(work).catch_unwind() => outcome.unwrap_or_else(|_| Err(Error::panic())),
                _ = woken => Err(pending::cancelled_by_caller()),
            };
            if let Some((entry, outcome)) = pending::take(id, outcome) {
                entry.complete(outcome);
            }
        });
        Ok(id)
    }

    fn run_callback(&self, callback: impl FnOnce()) {
        self.running_callbacks.fetch_add(1, Ordering::SeqCst);
        let _ = IN_CALLBACK_OF.try_with(|ids| ids.borrow_mut().push(self.id));
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(callback));
        let _ = IN_CALLBACK_OF.try_with(|ids| ids.borrow_mut().pop());
        self.running_callbacks.fetch_sub(1, Ordering::SeqCst);
        drop(outcome);
    }

    /// Ends the client: every pending request completes with `UT_CANCELLED` (here, before
    /// this returns), the runtime stops without being waited for, and callbacks already
    /// running elsewhere get up to `CALLBACK_DRAIN` to finish.
    pub fn close(&self) {
        let engine = self.engine.swap(None);
        for entry in pending::take_all_of(self.id) {
            entry.complete(Err(Error::cancelled("the client was freed")));
        }
        drop(engine);
        // Local engines busy on other threads (a misuse: a call racing the free) end when
        // their thread next touches them or exits.
        let locals = self.locals.get();
        for slot in locals.value.lock().unwrap_or_else(|p| p.into_inner()).drain(..) {
            if let Ok(mut engine) = slot.try_lock() {
                engine.take();
            }
        }
        let own = IN_CALLBACK_OF.try_with(|ids| ids.borrow().iter().filter(|id| **id == self.id).count()).unwrap_or(0);
        let deadline = Instant::now() + CALLBACK_DRAIN;
        while self.running_callbacks.load(Ordering::SeqCst) > own && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
