//! A configured client: its runtime, blocking and async calls, and its orderly end.

use crate::calls::Request;
use crate::config::Config;
use crate::error::Error;
use crate::pending;
use crate::runtime::{self, Engine};
use arc_swap::ArcSwapOption;
use futures_util::FutureExt;
use std::cell::RefCell;
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
    /// `None` once the client is closed.
    engine: ArcSwapOption<Engine>,
    /// Serializes rebuilding the engine in a forked child.
    rebuild: Mutex<()>,
    locals: Mutex<Vec<Arc<LocalSlot>>>,
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
                let _ = std::panic::catch_unwind(AssertUnwindSafe(|| drop(engine.take())));
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
        let engine = Engine::shared(&config)?;
        Ok(Arc::new(Client {
            id: NEXT_CLIENT_ID.fetch_add(1, Ordering::Relaxed),
            config: Arc::new(config),
            engine: ArcSwapOption::from_pointee(engine),
            rebuild: Mutex::new(()),
            locals: Mutex::new(Vec::new()),
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
        let _one_at_a_time = self.rebuild.lock().unwrap_or_else(|p| p.into_inner());
        let current = self.engine.load_full().ok_or_else(closed)?;
        if current.generation == runtime::generation() {
            return Ok(current);
        }
        let fresh = Arc::new(Engine::shared(&self.config)?);
        // The inherited engine is leaked by its Drop; only its memory remains.
        self.engine.store(Some(fresh.clone()));
        Ok(fresh)
    }

    /// A blocking call: on this thread's local engine, or, inside a runtime (where a
    /// current-thread runtime cannot block), on the shared one.
    pub fn call(&self, request: Request) -> Result<String, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            let engine = self.engine()?;
            let work = request.execute((*engine.http).clone(), self.config.clone());
            return engine.run_blocking(work);
        }
        let slot = self.local_slot();
        let mut engine = slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(closed) = self.ensure_open() {
            *engine = None;
            return Err(closed);
        }
        if !engine.as_ref().is_some_and(Engine::is_current) {
            // One inherited through fork() is abandoned by its Drop.
            *engine = Some(Engine::local(&self.config)?);
        }
        let engine = engine.as_ref().expect("just made");
        engine.block_on(request.execute((*engine.http).clone(), self.config.clone()))
    }

    fn local_slot(&self) -> Arc<LocalSlot> {
        THREAD_SLOTS.with(|slots| {
            let mut slots = slots.borrow_mut();
            if let Some((_, slot)) = slots.0.iter().find(|(id, _)| *id == self.id) {
                return slot.clone();
            }
            // Slots of freed clients are held by this thread alone: let them go.
            slots.0.retain(|(_, slot)| Arc::strong_count(slot) > 1);
            let slot = Arc::new(Mutex::new(None));
            let mut locals = self.locals.lock().unwrap_or_else(|p| p.into_inner());
            // Slots whose thread has exited (its engine ended with it) are held by the client
            // alone: drop them, so threads that come and go leave nothing behind.
            locals.retain(|slot| Arc::strong_count(slot) > 1);
            locals.push(slot.clone());
            slots.0.push((self.id, slot.clone()));
            slot
        })
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
        let client = self.clone();
        let completion: pending::Completion = Box::new(move |outcome| client.run_callback(|| done(outcome)));
        let (id, woken) = pending::register(self.id, completion);
        registered(id);
        let work = request.execute((*engine.http).clone(), self.config.clone());
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
        IN_CALLBACK_OF.with(|ids| ids.borrow_mut().push(self.id));
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(callback));
        IN_CALLBACK_OF.with(|ids| ids.borrow_mut().pop());
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
        for slot in self.locals.lock().unwrap_or_else(|p| p.into_inner()).drain(..) {
            if let Ok(mut engine) = slot.try_lock() {
                engine.take();
            }
        }
        let own = IN_CALLBACK_OF.with(|ids| ids.borrow().iter().filter(|id| **id == self.id).count());
        let deadline = Instant::now() + CALLBACK_DRAIN;
        while self.running_callbacks.load(Ordering::SeqCst) > own && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
