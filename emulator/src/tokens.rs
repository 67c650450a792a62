//! Issued user tokens and their lifecycle: 24 hours of life, at most seven renewals.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use serde::Serialize;

use crate::clock::{from_unix_s, rfc3339, unix_s};
use crate::config::UserConfig;

pub(crate) const LIFETIME_S: i64 = 24 * 60 * 60;
pub(crate) const MAX_RENEWALS: u32 = 7;
/// Long benchmarks issue millions of tokens; only the newest are remembered, so memory stays
/// bounded. An evicted token is then simply unknown.
pub(crate) const MAX_TOKENS: usize = 100_000;
const TOKEN_LEN: usize = 48;

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Never issued, evicted, or issued for another site.
    Unknown,
    Expired,
    Revoked,
    /// Renewed seven times already.
    Exhausted,
}

/// What issue and renew answer with.
pub(crate) struct Grant {
    pub(crate) token: String,
    pub(crate) expires: SystemTime,
    pub(crate) user: Arc<UserConfig>,
}

#[derive(Serialize)]
pub(crate) struct TokenView {
    token: String,
    site_id: i64,
    username: String,
    expires: String,
    renewals: u32,
    revoked: bool,
}

struct Entry {
    site_id: i64,
    user: Arc<UserConfig>,
    expires_unix_s: i64,
    renewals: u32,
    revoked: bool,
}

#[derive(Default)]
struct Tokens {
    by_token: HashMap<String, Entry>,
    /// Tokens oldest first, for eviction and for a stable listing.
    order: VecDeque<String>,
}

#[derive(Default)]
pub(crate) struct TokenStore {
    inner: Mutex<Tokens>,
}

impl TokenStore {
    pub(crate) fn issue(&self, site_id: i64, user: Arc<UserConfig>, now: SystemTime) -> Grant {
        let expires_unix_s = unix_s(now) + LIFETIME_S;
        let mut tokens = self.lock();
        let token = loop {
            let candidate: String = std::iter::repeat_with(fastrand::alphanumeric).take(TOKEN_LEN).collect();
            if !tokens.by_token.contains_key(&candidate) {
                break candidate;
            }
        };
        let entry = Entry { site_id, user: Arc::clone(&user), expires_unix_s, renewals: 0, revoked: false };
        tokens.by_token.insert(token.clone(), entry);
        tokens.order.push_back(token.clone());
        if tokens.order.len() > MAX_TOKENS {
            if let Some(oldest) = tokens.order.pop_front() {
                tokens.by_token.remove(&oldest);
            }
        }
        Grant { token, expires: from_unix_s(expires_unix_s), user }
    }

    /// Extends the token by a lifetime counted from its current expiry.
    pub(crate) fn renew(&self, token: &str, site_id: i64, now: SystemTime) -> Result<Grant, Refusal> {
        let mut tokens = self.lock();
        let entry = live_entry(&mut tokens, token, site_id, now)?;
        if entry.renewals >= MAX_RENEWALS {
            return Err(Refusal::Exhausted);
        }
        entry.renewals += 1;
        entry.expires_unix_s += LIFETIME_S;
        Ok(Grant { token: token.to_owned(), expires: from_unix_s(entry.expires_unix_s), user: Arc::clone(&entry.user) })
    }

    pub(crate) fn revoke(&self, token: &str, site_id: i64, now: SystemTime) -> Result<(), Refusal> {
        let mut tokens = self.lock();
        live_entry(&mut tokens, token, site_id, now)?.revoked = true;
        Ok(())
    }

    /// Every remembered token, oldest first.
    pub(crate) fn list(&self) -> Vec<TokenView> {
        let tokens = self.lock();
        tokens
            .order
            .iter()
            .filter_map(|token| {
                let entry = tokens.by_token.get(token)?;
                Some(TokenView {
                    token: token.clone(),
                    site_id: entry.site_id,
                    username: entry.user.username.clone(),
                    expires: rfc3339(from_unix_s(entry.expires_unix_s)),
                    renewals: entry.renewals,
                    revoked: entry.revoked,
                })
            })
            .collect()
    }

    pub(crate) fn clear(&self) {
        *self.lock() = Tokens::default();
    }

    fn lock(&self) -> MutexGuard<'_, Tokens> {
        // The data stays consistent even if a holder panicked, so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn live_entry<'a>(
    tokens: &'a mut Tokens,
    token: &str,
    site_id: i64,
    now: SystemTime,
) -> Result<&'a mut Entry, Refusal> {
    let entry = tokens.by_token.get_mut(token).filter(|e| e.site_id == site_id).ok_or(Refusal::Unknown)?;
    if entry.revoked {
        Err(Refusal::Revoked)
    } else if now >= from_unix_s(entry.expires_unix_s) {
        Err(Refusal::Expired)
    } else {
        Ok(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> Arc<UserConfig> {
        Arc::new(crate::config::EmulatorConfig::default().sites[0].users[0].clone())
    }

    #[test]
    fn only_the_newest_tokens_are_kept() {
        let store = TokenStore::default();
        let now = SystemTime::now();
        let first = store.issue(-99, user(), now).token;
        let second = store.issue(-99, user(), now).token;
        for _ in 0..MAX_TOKENS - 1 {
            store.issue(-99, user(), now);
        }
        assert_eq!(store.renew(&first, -99, now).err(), Some(Refusal::Unknown), "the oldest was evicted");
        assert!(store.renew(&second, -99, now).is_ok());
        let listed = store.list();
        assert_eq!(listed.len(), MAX_TOKENS);
        assert_eq!(listed[0].token, second);
    }

    #[test]
    fn expiry_is_whole_seconds_a_day_after_issue() {
        let store = TokenStore::default();
        let now = from_unix_s(1_000_000) + std::time::Duration::from_millis(999);
        let grant = store.issue(-99, user(), now);
        assert_eq!(unix_s(grant.expires), 1_000_000 + LIFETIME_S);
        assert_eq!(store.revoke(&grant.token, -99, grant.expires).err(), Some(Refusal::Expired));
        let just_before = grant.expires - std::time::Duration::from_millis(1);
        assert!(store.revoke(&grant.token, -99, just_before).is_ok());
        assert_eq!(store.revoke(&grant.token, -99, just_before).err(), Some(Refusal::Revoked));
    }
}
