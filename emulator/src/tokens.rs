//! Issued user tokens and their lifecycle: 24 hours of life, at most seven renewals.
//!
//! A grant is what one issue starts: its user and site, its renewals and its current expiry.
//! Each token belongs to one grant. Renewing any live token of a grant moves the grant's expiry
//! 24 hours on and, by default, answers a new token for it; the tokens it replaced keep their
//! own expiries.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use serde::Serialize;

use crate::clock::{from_unix_s, rfc3339, unix_s};
use crate::config::{OldToken, RenewToken, UserConfig};
use crate::jwt::{Claims, Signer};

pub(crate) const LIFETIME_S: i64 = 24 * 60 * 60;
pub(crate) const MAX_RENEWALS: u32 = 7;
/// Long benchmarks issue millions of tokens; only the newest are remembered, so memory stays
/// bounded. An evicted token is then simply unknown.
pub(crate) const MAX_TOKENS: usize = 100_000;

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Never issued, evicted, altered, or issued for another site.
    Unknown,
    Expired,
    Revoked,
    /// A renew answered a new token in its place (refused only with `old_token_after_renew`
    /// set to `invalid`).
    Replaced,
    /// Its grant was renewed seven times already.
    Exhausted,
}

/// What issue and renew answer with.
pub(crate) struct Granted {
    pub(crate) token: String,
    pub(crate) expires: SystemTime,
    pub(crate) user: Arc<UserConfig>,
}

/// How renew treats tokens (the configuration's `renew_token` and `old_token_after_renew`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RenewPolicy {
    pub(crate) token: RenewToken,
    pub(crate) old_token: OldToken,
}

#[derive(Serialize)]
pub(crate) struct TokenView {
    token: String,
    site_id: i64,
    username: String,
    expires: String,
    renewals: u32,
    revoked: bool,
    /// A renew answered a newer token in its place.
    replaced: bool,
}

/// One token, known by its id (its JWT's `jti`).
struct Entry {
    grant: u64,
    issued_unix_s: i64,
    /// Its `exp`.
    exp_unix_s: i64,
    /// When it stops working: its `exp`, or, when renew keeps the same token, its grant's
    /// expiry.
    expires_unix_s: i64,
    revoked: bool,
    replaced: bool,
}

impl Entry {
    fn claims<'a>(&self, id: u128, grant: &'a Grant) -> Claims<'a> {
        Claims {
            id,
            site_id: grant.site_id,
            user_id: grant.user.id,
            user_type: &grant.user.user_type,
            issued_unix_s: self.issued_unix_s,
            expires_unix_s: self.exp_unix_s,
        }
    }
}

struct Grant {
    site_id: i64,
    user: Arc<UserConfig>,
    renewals: u32,
    expires_unix_s: i64,
    /// Its tokens still remembered; the grant is forgotten with the last of them.
    tokens: u32,
}

#[derive(Default)]
struct Tokens {
    by_id: HashMap<u128, Entry>,
    grants: HashMap<u64, Grant>,
    next_grant: u64,
    /// Token ids oldest first, for eviction and for a stable listing.
    order: VecDeque<u128>,
}

pub(crate) struct TokenStore {
    signer: Signer,
    policy: RenewPolicy,
    inner: Mutex<Tokens>,
}

impl TokenStore {
    pub(crate) fn new(policy: RenewPolicy) -> TokenStore {
        TokenStore { signer: Signer::new(), policy, inner: Mutex::default() }
    }

    pub(crate) fn issue(&self, site_id: i64, user: Arc<UserConfig>, now: SystemTime) -> Granted {
        let now_s = unix_s(now);
        let mut tokens = self.lock();
        let grant = tokens.next_grant;
        tokens.next_grant += 1;
        let expires_unix_s = now_s + LIFETIME_S;
        let record = Grant { site_id, user: Arc::clone(&user), renewals: 0, expires_unix_s, tokens: 0 };
        tokens.grants.insert(grant, record);
        let token = self.add_token(&mut tokens, grant, now_s, expires_unix_s);
        Granted { token, expires: from_unix_s(expires_unix_s), user }
    }

    /// Moves the grant's expiry a lifetime past its current one; answers the new token, or the
    /// same one when so configured.
    pub(crate) fn renew(&self, token: &str, site_id: i64, now: SystemTime) -> Result<Granted, Refusal> {
        let id = self.signer.id(token).ok_or(Refusal::Unknown)?;
        let mut tokens = self.lock();
        let grant_id = live_entry(&tokens, id, site_id, now, self.policy)?;
        let grant = tokens.grants.get_mut(&grant_id).ok_or(Refusal::Unknown)?;
        if grant.renewals >= MAX_RENEWALS {
            return Err(Refusal::Exhausted);
        }
        grant.renewals += 1;
        grant.expires_unix_s += LIFETIME_S;
        let (expires_unix_s, user) = (grant.expires_unix_s, Arc::clone(&grant.user));
        let token = match self.policy.token {
            RenewToken::Same => {
                if let Some(entry) = tokens.by_id.get_mut(&id) {
                    entry.expires_unix_s = expires_unix_s;
                }
                token.to_owned()
            }
            RenewToken::New => {
                if let Some(entry) = tokens.by_id.get_mut(&id) {
                    entry.replaced = true;
                }
                self.add_token(&mut tokens, grant_id, unix_s(now), expires_unix_s)
            }
        };
        Ok(Granted { token, expires: from_unix_s(expires_unix_s), user })
    }

    /// Revokes this token (not the others of its grant).
    pub(crate) fn revoke(&self, token: &str, site_id: i64, now: SystemTime) -> Result<(), Refusal> {
        let id = self.signer.id(token).ok_or(Refusal::Unknown)?;
        let mut tokens = self.lock();
        live_entry(&tokens, id, site_id, now, self.policy)?;
        if let Some(entry) = tokens.by_id.get_mut(&id) {
            entry.revoked = true;
        }
        Ok(())
    }

    /// Every remembered token, oldest first.
    pub(crate) fn list(&self) -> Vec<TokenView> {
        let tokens = self.lock();
        tokens
            .order
            .iter()
            .filter_map(|id| {
                let entry = tokens.by_id.get(id)?;
                let grant = tokens.grants.get(&entry.grant)?;
                Some(TokenView {
                    token: self.signer.token(&entry.claims(*id, grant)),
                    site_id: grant.site_id,
                    username: grant.user.username.clone(),
                    expires: rfc3339(from_unix_s(entry.expires_unix_s)),
                    renewals: grant.renewals,
                    revoked: entry.revoked,
                    replaced: entry.replaced,
                })
            })
            .collect()
    }

    pub(crate) fn clear(&self) {
        *self.lock() = Tokens::default();
    }

    /// A new token of `grant`, remembered (the oldest forgotten beyond the limit).
    fn add_token(&self, tokens: &mut Tokens, grant: u64, issued_unix_s: i64, expires_unix_s: i64) -> String {
        let id = loop {
            let candidate = fastrand::u128(..);
            if !tokens.by_id.contains_key(&candidate) {
                break candidate;
            }
        };
        let entry =
            Entry { grant, issued_unix_s, exp_unix_s: expires_unix_s, expires_unix_s, revoked: false, replaced: false };
        let Some(record) = tokens.grants.get_mut(&grant) else { return String::new() };
        record.tokens += 1;
        let token = self.signer.token(&entry.claims(id, record));
        tokens.by_id.insert(id, entry);
        tokens.order.push_back(id);
        if tokens.order.len() > MAX_TOKENS {
            if let Some(oldest) = tokens.order.pop_front() {
                forget(tokens, oldest);
            }
        }
        token
    }

    fn lock(&self) -> MutexGuard<'_, Tokens> {
        // The data stays consistent even if a holder panicked, so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn forget(tokens: &mut Tokens, id: u128) {
    let Some(entry) = tokens.by_id.remove(&id) else { return };
    if let Some(grant) = tokens.grants.get_mut(&entry.grant) {
        grant.tokens -= 1;
        if grant.tokens == 0 {
            tokens.grants.remove(&entry.grant);
        }
    }
}

/// The grant of a token that may be renewed or revoked now.
fn live_entry(tokens: &Tokens, id: u128, site_id: i64, now: SystemTime, policy: RenewPolicy) -> Result<u64, Refusal> {
    let entry = tokens.by_id.get(&id).ok_or(Refusal::Unknown)?;
    let grant = tokens.grants.get(&entry.grant).ok_or(Refusal::Unknown)?;
    if grant.site_id != site_id {
        Err(Refusal::Unknown)
    } else if entry.revoked {
        Err(Refusal::Revoked)
    } else if entry.replaced && policy.old_token == OldToken::Invalid {
        Err(Refusal::Replaced)
    } else if now >= from_unix_s(entry.expires_unix_s) {
        Err(Refusal::Expired)
    } else {
        Ok(entry.grant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn user() -> Arc<UserConfig> {
        Arc::new(crate::config::EmulatorConfig::default().sites[0].users[0].clone())
    }

    fn store(token: RenewToken, old_token: OldToken) -> TokenStore {
        TokenStore::new(RenewPolicy { token, old_token })
    }

    #[test]
    fn only_the_newest_tokens_are_kept() {
        let store = TokenStore::new(RenewPolicy::default());
        let now = SystemTime::now();
        let first = store.issue(-99, user(), now).token;
        let second = store.issue(-99, user(), now).token;
        for _ in 0..MAX_TOKENS - 1 {
            store.issue(-99, user(), now);
        }
        assert_eq!(store.renew(&first, -99, now).err(), Some(Refusal::Unknown), "the oldest was evicted");
        assert_eq!(store.lock().grants.len(), MAX_TOKENS, "and its grant with it");
        let listed = store.list();
        assert_eq!(listed.len(), MAX_TOKENS);
        assert_eq!(listed[0].token, second);
        // Renewing it adds a token, which pushes it out in turn, but not its grant.
        let renewed = store.renew(&second, -99, now).unwrap();
        assert_eq!(store.renew(&second, -99, now).err(), Some(Refusal::Unknown));
        assert!(store.renew(&renewed.token, -99, now).is_ok());
        assert_eq!(store.list().len(), MAX_TOKENS);
    }

    #[test]
    fn expiry_is_whole_seconds_a_day_after_issue() {
        let store = TokenStore::new(RenewPolicy::default());
        let now = from_unix_s(1_000_000) + Duration::from_millis(999);
        let granted = store.issue(-99, user(), now);
        assert_eq!(unix_s(granted.expires), 1_000_000 + LIFETIME_S);
        assert_eq!(store.revoke(&granted.token, -99, granted.expires).err(), Some(Refusal::Expired));
        let just_before = granted.expires - Duration::from_millis(1);
        assert!(store.revoke(&granted.token, -99, just_before).is_ok());
        assert_eq!(store.revoke(&granted.token, -99, just_before).err(), Some(Refusal::Revoked));
    }

    #[test]
    fn renewals_are_counted_per_grant_and_old_tokens_keep_their_own_expiry() {
        let store = store(RenewToken::New, OldToken::Valid);
        let now = from_unix_s(1_000_000);
        let first = store.issue(-99, user(), now);
        let second = store.renew(&first.token, -99, now).unwrap();
        assert_ne!(second.token, first.token);
        assert_eq!(unix_s(second.expires), 1_000_000 + 2 * LIFETIME_S);
        // The first token is still good until its own expiry, and renewing it counts too.
        let third = store.renew(&first.token, -99, now).unwrap();
        assert_eq!(unix_s(third.expires), 1_000_000 + 3 * LIFETIME_S);
        assert_eq!(store.revoke(&first.token, -99, first.expires).err(), Some(Refusal::Expired));
        assert!(store.revoke(&third.token, -99, first.expires).is_ok());
        for _ in 3..=MAX_RENEWALS {
            store.renew(&second.token, -99, now).unwrap();
        }
        assert_eq!(store.renew(&second.token, -99, now).err(), Some(Refusal::Exhausted));
        assert!(store.list().iter().all(|t| t.renewals == MAX_RENEWALS));
    }

    #[test]
    fn a_replaced_token_can_be_refused() {
        let store = store(RenewToken::New, OldToken::Invalid);
        let now = from_unix_s(1_000_000);
        let first = store.issue(-99, user(), now);
        let second = store.renew(&first.token, -99, now).unwrap();
        assert_eq!(store.renew(&first.token, -99, now).err(), Some(Refusal::Replaced));
        assert_eq!(store.revoke(&first.token, -99, now).err(), Some(Refusal::Replaced));
        assert!(store.revoke(&second.token, -99, now).is_ok());
    }

    #[test]
    fn renew_can_keep_the_same_token() {
        let store = store(RenewToken::Same, OldToken::Invalid);
        let now = from_unix_s(1_000_000);
        let first = store.issue(-99, user(), now);
        let renewed = store.renew(&first.token, -99, now).unwrap();
        assert_eq!(renewed.token, first.token);
        assert!(store.revoke(&first.token, -99, first.expires).is_ok(), "it lives on past its first expiry");
        assert_eq!(store.list().len(), 1);
    }

    #[test]
    fn tokens_belong_to_their_site() {
        let store = TokenStore::new(RenewPolicy::default());
        let granted = store.issue(-99, user(), SystemTime::now());
        assert_eq!(store.renew(&granted.token, 1, SystemTime::now()).err(), Some(Refusal::Unknown));
    }
}
