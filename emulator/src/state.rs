//! Everything one running emulator knows, shared by all its connections.

use crate::clock::Clock;
use crate::directory::Directory;
use crate::faults::FaultQueue;
use crate::record::Recorder;
use crate::stats::Stats;
use crate::tokens::TokenStore;

pub(crate) struct State {
    pub(crate) directory: Directory,
    pub(crate) clock: Clock,
    pub(crate) tokens: TokenStore,
    pub(crate) faults: FaultQueue,
    pub(crate) recorder: Recorder,
    pub(crate) stats: Stats,
}

impl State {
    pub(crate) fn new(directory: Directory) -> State {
        State {
            directory,
            clock: Clock::default(),
            tokens: TokenStore::default(),
            faults: FaultQueue::default(),
            recorder: Recorder::default(),
            stats: Stats::default(),
        }
    }

    /// Back to how it started; the configuration stays.
    pub(crate) fn reset(&self) {
        self.clock.reset();
        self.tokens.clear();
        self.faults.clear();
        self.recorder.clear();
        self.stats.reset();
    }
}
