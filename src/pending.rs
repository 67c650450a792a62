//! The process-wide table of async requests still waiting for their completion.
//!
//! Whoever removes a request's entry owns its completion, which is how each completion runs
//! exactly once: the request's own task when it finishes, or the client's free. `cancel` only
//! marks the entry and wakes the task, which then completes it as cancelled.

use crate::error::Error;
use once_cell::sync::Lazy;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use tokio::sync::oneshot;

pub type Completion = Box<dyn FnOnce(Result<String, Error>) + Send>;

pub struct Entry {
    client_id: u64,
    cancelled: bool,
    wake: Option<oneshot::Sender<()>>,
    completion: Completion,
}

impl Entry {
    pub fn complete(self, outcome: Result<String, Error>) {
        (self.completion)(outcome)
    }
}

type Table = HashMap<u64, Entry>;

static TABLE: Lazy<Mutex<Table>> = Lazy::new(|| Mutex::new(HashMap::new()));
// Ids start at 1 and are never reused, so a stale id can only ever be "not found".
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn table() -> MutexGuard<'static, Table> {
    TABLE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Registers a request; the receiver fires when `cancel` is called for it.
pub fn register(client_id: u64, completion: Completion) -> (u64, oneshot::Receiver<()>) {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let (wake, woken) = oneshot::channel();
    let entry = Entry { client_id, cancelled: false, wake: Some(wake), completion };
    table().insert(id, entry);
    (id, woken)
}

/// Removes the entry so its owner can complete it; `None` when someone else already did.
/// The outcome becomes `UT_CANCELLED` when the request was cancelled meanwhile.
pub fn take(id: u64, outcome: Result<String, Error>) -> Option<(Entry, Result<String, Error>)> {
    let entry = table().remove(&id)?;
    let outcome = if entry.cancelled { Err(cancelled_by_caller()) } else { outcome };
    Some((entry, outcome))
}

pub fn cancelled_by_caller() -> Error {
    Error::cancelled("the request was cancelled")
}

/// Marks a pending request cancelled and wakes its task. False when no such request waits.
pub fn cancel(id: u64) -> bool {
    let mut table = table();
    let Some(entry) = table.get_mut(&id) else { return false };
    entry.cancelled = true;
    if let Some(wake) = entry.wake.take() {
        let _ = wake.send(());
    }
    true
}

/// Removes every pending request of one client, for its free to complete them.
pub fn take_all_of(client_id: u64) -> Vec<Entry> {
    let mut table = table();
    let ids: Vec<u64> = table.iter().filter(|(_, e)| e.client_id == client_id).map(|(id, _)| *id).collect();
    ids.into_iter().filter_map(|id| table.remove(&id)).collect()
}

// The table is locked across fork() so that the child never inherits it locked by a thread
// that does not exist there.
thread_local! {
    static HELD_ACROSS_FORK: RefCell<Option<MutexGuard<'static, Table>>> = const { RefCell::new(None) };
}

pub fn before_fork() {
    let guard = table();
    HELD_ACROSS_FORK.with(|held| *held.borrow_mut() = Some(guard));
}

pub fn after_fork_in_parent() {
    HELD_ACROSS_FORK.with(|held| drop(held.borrow_mut().take()));
}

/// The parent's requests, as inherited by a forked child: never completed there, and never
/// dropped either (their completions belong to the parent's memory and callbacks), only kept.
static INHERITED: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// The parent's requests are not the child's: their callbacks must never run here.
pub fn after_fork_in_child() {
    HELD_ACROSS_FORK.with(|held| {
        if let Some(mut table) = held.borrow_mut().take() {
            let mut inherited = INHERITED.lock().unwrap_or_else(|p| p.into_inner());
            inherited.extend(table.drain().map(|(_, entry)| entry));
        }
    });
}
