//! A token that stays valid: issued at creation, renewed inside the margin, re-issued after
//! the seventh renewal or a denied renew, one refresh shared by all concurrent callers.
//!
//! The token is read without a lock (the fast path). Refreshes take the session's refresh
//! lock, which belongs to one process (a forked child gets its own, never one that a parent
//! thread held at the fork), and hold back their log lines until it is released, so that a
//! log callback may ask this very session for its token.

use crate::calls::{unusable_token, Operation, Request, TokenFields};
use crate::client::Client;
use crate::error::Error;
use crate::log::{Level, Lines};
use crate::result::Code;
use crate::runtime::{wait_blocking, PerProcess};
use arc_swap::ArcSwapOption;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use zeroize::Zeroizing;

/// The API allows seven renewals of one token.
pub const MAX_RENEWALS: u32 = 7;
/// A token lives 24 h, and each renewal adds 24 h to its expiry.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

pub struct Session {
    client: Arc<Client>,
    version: String,
    site_id: String,
    username: Zeroizing<String>,
    password: Zeroizing<String>,
    /// `None` after a revoke or an invalidate: the next `token()` issues a new one.
    state: ArcSwapOption<TokenState>,
    /// Held by the one caller that refreshes; the others wait on it, then find a fresh token.
    refresh: PerProcess<Mutex<()>>,
}

struct TokenState {
    token: Zeroizing<String>,
    expires: SystemTime,
    renewals: u32,
}

impl TokenState {
    fn left(&self) -> Option<Duration> {
        self.expires.duration_since(SystemTime::now()).ok()
    }
}

/// What `export` writes and `restore` reads. It holds a live bearer token: a secret.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Exported {
    access_token: String,
    /// RFC 3339, UTC.
    expires: String,
    renewals: u32,
    version: String,
    site_id: String,
    username: String,
}

impl Drop for Exported {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.access_token);
    }
}

impl Session {
    fn with_credentials(client: Arc<Client>, version: &str, site_id: &str, username: &str, password: &str) -> Session {
        Session {
            client,
            version: version.to_owned(),
            site_id: site_id.to_owned(),
            username: Zeroizing::new(username.to_owned()),
            password: Zeroizing::new(password.to_owned()),
            state: ArcSwapOption::empty(),
            refresh: PerProcess::default(),
        }
    }

    /// Issues the first token at once; its failure is the session's failure.
    pub fn new(
        client: Arc<Client>,
        version: &str,
        site_id: &str,
        username: &str,
        password: &str,
    ) -> Result<Session, Error> {
        let session = Session::with_credentials(client, version, site_id, username, password);
        let log = Lines::default();
        let first = session.issue(&log)?;
        session.state.store(Some(Arc::new(first)));
        Ok(session)
    }

    /// A session that goes on from `state` (what `export` wrote): its token is used without
    /// a request while it is unexpired and was issued for this version, site and username;
    /// otherwise a new one is issued at once, as `new` does.
    pub fn restore(
        client: Arc<Client>,
        version: &str,
        site_id: &str,
        username: &str,
        password: &str,
        state: &str,
    ) -> Result<Session, Error> {
        let malformed = |why: &str| Error::invalid_argument("state", &format!("is not a session state: {why}"));
        let saved: Exported = serde_json::from_str(state).map_err(|e| malformed(&e.to_string()))?;
        if let Some(why) = unusable_token(&saved.access_token) {
            return Err(malformed(&format!("its access_token {why}")));
        }
        let expires =
            parse_expires(&saved.expires).ok_or_else(|| malformed("its expires is not an RFC 3339 date-time"))?;
        if saved.renewals > MAX_RENEWALS {
            return Err(malformed("its renewals is more than 7"));
        }
        let session = Session::with_credentials(client, version, site_id, username, password);
        let same_login = saved.version == version && saved.site_id == site_id && saved.username == username;
        let restored =
            TokenState { token: Zeroizing::new(saved.access_token.clone()), expires, renewals: saved.renewals };
        if same_login && restored.left().is_some() {
            session.state.store(Some(Arc::new(restored)));
        } else {
            let log = Lines::default();
            log.emit(Level::Info, || {
                "session: the saved state is expired or for another login; issuing a new token".to_owned()
            });
            let first = session.issue(&log)?;
            session.state.store(Some(Arc::new(first)));
        }
        Ok(session)
    }

    /// The current token while more than the renew margin of it is left.
    pub fn fresh_token(&self) -> Option<Zeroizing<String>> {
        let state = self.state.load();
        let state = state.as_ref()?;
        match state.left() {
            Some(left) if left > self.client.config.session_renew_margin => Some(state.token.clone()),
            _ => None,
        }
    }

    /// A valid access token, refreshed first when less than the margin is left.
    pub fn token(&self) -> Result<Zeroizing<String>, Error> {
        self.client.ensure_open()?;
        if let Some(token) = self.fresh_token() {
            return Ok(token);
        }
        self.with_refresh_lock(|log| {
            if let Some(token) = self.fresh_token() {
                return Ok(token);
            }
            self.refresh(log)
        })
    }

    /// The async form of `token`: a fresh token completes at once, on a library thread; a
    /// refresh runs on the client's runtime, joining one already under way.
    pub fn token_async(
        self: &Arc<Self>,
        registered: impl FnOnce(u64),
        done: impl FnOnce(Result<String, Error>) + Send + 'static,
    ) -> Result<u64, Error> {
        let session = self.clone();
        let work = async move {
            if let Some(token) = session.fresh_token() {
                return Ok(token.to_string());
            }
            // The refresh lock is a blocking one: wait for it where blocking is allowed.
            tokio::task::spawn_blocking(move || session.token().map(|token| token.to_string()))
                .await
                .unwrap_or_else(|_| Err(Error::panic()))
        };
        self.client.call_async_with(work, registered, done)
    }

    /// Forgets the current token without a request (the caller's API call was refused with
    /// it); the next `token` issues a new one.
    pub fn invalidate(&self) {
        self.state.store(None);
        Lines::default().emit(Level::Info, || {
            "session: the token was invalidated; the next request for it issues a new one".to_owned()
        });
    }

    /// Revokes the current token; the next `token()` issues a new one.
    pub fn revoke(&self) -> Result<String, Error> {
        self.client.ensure_open()?;
        self.with_refresh_lock(|log| {
            let Some(current) = self.state.load_full() else {
                return Ok("{}".to_owned());
            };
            let outcome = self.call(Operation::Revoke { authorization: current.token.clone() }, log);
            if outcome.is_ok() || matches!(&outcome, Err(e) if e.code == Code::Denied) {
                self.state.store(None);
            }
            outcome
        })
    }

    /// The session's state as JSON, for `restore` in another process: the token, its expiry,
    /// the renewals used, the version, site and username; never the password.
    pub fn export(&self) -> Result<Zeroizing<String>, Error> {
        self.client.ensure_open()?;
        let state = match self.state.load_full() {
            Some(state) if state.left().is_some() => state,
            // Revoked, invalidated or expired: what is exported must be a usable token.
            _ => {
                self.token()?;
                self.state.load_full().ok_or_else(|| Error::new(Code::Decode, "the session has no token"))?
            }
        };
        let exported = Exported {
            access_token: state.token.to_string(),
            expires: humantime::format_rfc3339_seconds(state.expires).to_string(),
            renewals: state.renewals,
            version: self.version.clone(),
            site_id: self.site_id.clone(),
            username: self.username.to_string(),
        };
        serde_json::to_string(&exported)
            .map(Zeroizing::new)
            .map_err(|e| Error::new(Code::Panic, format!("cannot write the session state: {e}")))
    }

    /// Runs `f` under the refresh lock, with log lines held back until the lock is released.
    fn with_refresh_lock<T>(&self, f: impl FnOnce(&Lines) -> Result<T, Error>) -> Result<T, Error> {
        let log = Lines::held();
        let outcome = {
            let lock = self.refresh.get();
            let _refreshing = wait_blocking(|| lock.value.lock().unwrap_or_else(|p| p.into_inner()));
            f(&log)
        };
        log.flush();
        outcome
    }

    /// Renews or re-issues; on failure, a token that has not expired is still returned.
    fn refresh(&self, log: &Lines) -> Result<Zeroizing<String>, Error> {
        let current = self.state.load_full();
        let refreshed = match &current {
            Some(state) if state.renewals < MAX_RENEWALS => match self.renew(state, log) {
                Err(e) if e.code == Code::Denied => {
                    log.emit(Level::Info, || "session: renew was denied; issuing a new token".to_owned());
                    self.issue(log)
                }
                other => other,
            },
            _ => self.issue(log),
        };
        match refreshed {
            Ok(fresh) => {
                let token = fresh.token.clone();
                self.state.store(Some(Arc::new(fresh)));
                Ok(token)
            }
            Err(e) => match current {
                Some(state) if state.left().is_some() => {
                    log.emit(Level::Warn, || {
                        format!("session: refresh failed ({e}); the current token is still valid")
                    });
                    Ok(state.token.clone())
                }
                _ => Err(e),
            },
        }
    }

    /// A call of this session's; its errors and log lines hide the password and the current
    /// token too, even from a call that never sent them.
    fn call(&self, operation: Operation, log: &Lines) -> Result<String, Error> {
        let mut also_hide = vec![self.password.clone()];
        also_hide.extend(self.state.load().as_ref().map(|state| state.token.clone()));
        let request = Request {
            version: self.version.clone(),
            site_id: self.site_id.clone(),
            operation,
            also_hide,
            log: log.clone(),
        };
        self.client.call(request)
    }

    fn issue(&self, log: &Lines) -> Result<TokenState, Error> {
        let issued = SystemTime::now();
        let operation = Operation::Issue { username: self.username.to_string(), password: self.password.clone() };
        let body = Zeroizing::new(self.call(operation, log)?);
        // The call's own check has accepted the body, with this very reader.
        let fields = TokenFields::parse(body.as_bytes())
            .ok_or_else(|| Error::new(Code::Decode, "issue: the response has no AccessToken"))?;
        let expires = fields
            .expires
            .as_deref()
            .and_then(parse_expires)
            .or_else(|| jwt_expiry(&fields.access_token))
            .unwrap_or(issued + TOKEN_LIFETIME);
        Ok(TokenState { token: Zeroizing::new(fields.access_token.into_owned()), expires, renewals: 0 })
    }

    fn renew(&self, current: &TokenState, log: &Lines) -> Result<TokenState, Error> {
        let body = Zeroizing::new(self.call(Operation::Renew { authorization: current.token.clone() }, log)?);
        let fields = TokenFields::parse(body.as_bytes());
        let new_token = fields.as_ref().map(|f| f.access_token.as_ref()).filter(|t| *t != current.token.as_str());
        let expires = fields
            .as_ref()
            .and_then(|f| f.expires.as_deref())
            .and_then(parse_expires)
            // A new token carries its own expiry; the old one's `exp` is the old expiry.
            .or_else(|| new_token.and_then(jwt_expiry))
            .unwrap_or(current.expires + TOKEN_LIFETIME);
        let renewals = current.renewals + 1;
        log.emit(Level::Info, || {
            let which = if new_token.is_some() { "a new token" } else { "the same token" };
            format!("session: renewed the token ({renewals} of {MAX_RENEWALS}); the server answered {which}")
        });
        let token = Zeroizing::new(new_token.unwrap_or(current.token.as_str()).to_owned());
        Ok(TokenState { token, expires, renewals })
    }
}

/// An RFC 3339 date-time in UTC (`Z`, `+00:00`, or no offset, which the API means as UTC).
pub fn parse_expires(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let utc = text.strip_suffix("+00:00").unwrap_or(text);
    humantime::parse_rfc3339_weak(utc).ok()
}

/// The `exp` claim of a JWT (three base64url parts, the payload a JSON object), as a time.
/// The token is not verified: this only reads when the server says it ends.
pub fn jwt_expiry(token: &str) -> Option<SystemTime> {
    #[derive(Deserialize)]
    struct Claims {
        exp: f64,
    }
    let mut parts = token.split('.');
    let (_, payload, _, None) = (parts.next()?, parts.next()?, parts.next()?, parts.next()) else {
        return None;
    };
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Claims = serde_json::from_slice(&json).ok()?;
    (claims.exp.is_finite() && claims.exp > 0.0 && claims.exp < 1e12)
        .then(|| UNIX_EPOCH + Duration::from_secs_f64(claims.exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_formats() {
        let base = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_829_323);
        assert_eq!(parse_expires("2026-11-28T01:28:43Z"), Some(base));
        assert_eq!(parse_expires("2026-11-28T01:28:43+00:00"), Some(base));
        assert_eq!(parse_expires("2026-11-28T01:28:43"), Some(base));
        assert_eq!(parse_expires("2026-11-28T01:28:43.500Z"), Some(base + Duration::from_millis(500)));
        assert_eq!(parse_expires("yesterday"), None);
        assert_eq!(parse_expires(""), None);
    }

    #[test]
    fn jwt_expiry_reads_the_exp_claim() {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let header = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
        let token = format!("{header}.{}.c2ln", b64(r#"{"exp":1795829323,"iat":1795742923,"siteid":"-99"}"#));
        assert_eq!(jwt_expiry(&token), Some(UNIX_EPOCH + Duration::from_secs(1_795_829_323)));
        assert_eq!(jwt_expiry("opaque-token"), None);
        assert_eq!(jwt_expiry(&format!("{header}.{}.x", b64(r#"{"iat":1}"#))), None);
        assert_eq!(jwt_expiry(&format!("{header}.{}.x", b64(r#"{"exp":"soon"}"#))), None);
        assert_eq!(jwt_expiry(&format!("{header}.{}.x.y", b64(r#"{"exp":1795829323}"#))), None);
        assert_eq!(jwt_expiry(&format!("{header}.!!!.x")), None);
    }
}
