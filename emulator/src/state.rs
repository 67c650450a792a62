//! Everything one running emulator knows, shared by all its connections.

use hyper::StatusCode;

use crate::clock::Clock;
use crate::config::{BearerPrefix, EmulatorConfig};
use crate::directory::Directory;
use crate::faults::FaultQueue;
use crate::record::Recorder;
use crate::stats::Stats;
use crate::tokens::{RenewPolicy, TokenStore};

/// How the API answers where the configuration chooses.
pub(crate) struct Policy {
    pub(crate) bad_credentials: StatusCode,
    pub(crate) bearer_prefix: BearerPrefix,
}

pub(crate) struct State {
    pub(crate) directory: Directory,
    pub(crate) policy: Policy,
    pub(crate) clock: Clock,
    pub(crate) tokens: TokenStore,
    pub(crate) faults: FaultQueue,
    pub(crate) recorder: Recorder,
    pub(crate) stats: Stats,
}

impl State {
    /// Everything `config` says; an invalid configuration is refused with the reason.
    pub(crate) fn new(config: &EmulatorConfig) -> Result<State, String> {
        config.check()?;
        let directory = Directory::new(config);
        let bad_credentials = StatusCode::from_u16(config.bad_credentials_status).map_err(|e| e.to_string())?;
        let renew = RenewPolicy { token: config.renew_token, old_token: config.old_token_after_renew };
        Ok(State {
            directory,
            policy: Policy { bad_credentials, bearer_prefix: config.bearer_prefix },
            clock: Clock::default(),
            tokens: TokenStore::new(renew),
            faults: FaultQueue::default(),
            recorder: Recorder::default(),
            stats: Stats::default(),
        })
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
