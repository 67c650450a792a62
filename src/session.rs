//! A token that stays valid: issued at creation, renewed inside the margin, re-issued after
//! the seventh renewal or a denied renew, one refresh shared by all concurrent callers.

use crate::calls::{Operation, Request, TokenFields};
use crate::client::Client;
use crate::error::Error;
use crate::log::{self, Level};
use crate::result::Code;
use crate::runtime::wait_blocking;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};
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
    state: Mutex<TokenState>,
    /// Held by the one caller that refreshes; the others wait on it, then find a fresh token.
    refresh: Mutex<()>,
}

#[derive(Default)]
struct TokenState {
    /// `None` after a revoke: the next `token()` issues a new one.
    token: Option<Zeroizing<String>>,
    expires: Option<SystemTime>,
    renewals: u32,
}

impl TokenState {
    fn left(&self) -> Option<Duration> {
        self.token.as_ref()?;
        self.expires?.duration_since(SystemTime::now()).ok()
    }
}

impl Session {
    /// Issues the first token at once; its failure is the session's failure.
    pub fn new(
        client: Arc<Client>,
        version: &str,
        site_id: &str,
        username: &str,
        password: &str,
    ) -> Result<Session, Error> {
        let session = Session {
            client,
            version: version.to_owned(),
            site_id: site_id.to_owned(),
            username: Zeroizing::new(username.to_owned()),
            password: Zeroizing::new(password.to_owned()),
            state: Mutex::new(TokenState::default()),
            refresh: Mutex::new(()),
        };
        let first = session.issue()?;
        *session.state() = first;
        Ok(session)
    }

    fn state(&self) -> MutexGuard<'_, TokenState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn fresh_token(&self) -> Option<String> {
        let state = self.state();
        let margin = self.client.config.session_renew_margin;
        match state.left() {
            Some(left) if left > margin => state.token.as_ref().map(|t| t.to_string()),
            _ => None,
        }
    }

    /// A valid access token, refreshed first when less than the margin is left.
    pub fn token(&self) -> Result<Zeroizing<String>, Error> {
        self.client.ensure_open()?;
        if let Some(token) = self.fresh_token() {
            return Ok(Zeroizing::new(token));
        }
        let _refreshing = wait_blocking(|| self.refresh.lock().unwrap_or_else(|p| p.into_inner()));
        if let Some(token) = self.fresh_token() {
            return Ok(Zeroizing::new(token));
        }
        let (current, renewals, still_valid) = {
            let state = self.state();
            (state.token.clone(), state.renewals, state.left().is_some())
        };
        let refreshed = match &current {
            Some(token) if renewals < MAX_RENEWALS => match self.renew(token) {
                Err(e) if e.code == Code::Denied => {
                    log::emit(Level::Info, || "session: renew was denied; issuing a new token".to_owned());
                    self.issue()
                }
                other => other,
            },
            _ => self.issue(),
        };
        match refreshed {
            Ok(fresh) => {
                let token = fresh.token.clone().unwrap_or_default();
                *self.state() = fresh;
                Ok(token)
            }
            Err(e) => match current {
                Some(token) if still_valid => {
                    log::emit(Level::Warn, || {
                        format!("session: refresh failed ({e}); the current token is still valid")
                    });
                    Ok(token)
                }
                _ => Err(e),
            },
        }
    }

    /// Revokes the current token; the next `token()` issues a new one.
    pub fn revoke(&self) -> Result<String, Error> {
        self.client.ensure_open()?;
        let _refreshing = wait_blocking(|| self.refresh.lock().unwrap_or_else(|p| p.into_inner()));
        let Some(token) = self.state().token.clone() else {
            return Ok("{}".to_owned());
        };
        let outcome = self.call(Operation::Revoke { authorization: token });
        if outcome.is_ok() || matches!(&outcome, Err(e) if e.code == Code::Denied) {
            *self.state() = TokenState::default();
        }
        outcome
    }

    /// A call of this session's; its errors and log lines hide the password and the current
    /// token too, even from a call that never sent them.
    fn call(&self, operation: Operation) -> Result<String, Error> {
        let mut also_hide = vec![self.password.clone()];
        also_hide.extend(self.state().token.clone());
        let request = Request { version: self.version.clone(), site_id: self.site_id.clone(), operation, also_hide };
        self.client.call(request)
    }

    fn issue(&self) -> Result<TokenState, Error> {
        let body =
            self.call(Operation::Issue { username: self.username.to_string(), password: self.password.clone() })?;
        let fields = read_fields(&body)?;
        let expires = fields.expires.as_deref().and_then(parse_expires);
        Ok(TokenState {
            token: Some(Zeroizing::new(fields.access_token.into_owned())),
            expires: Some(expires.unwrap_or_else(|| SystemTime::now() + TOKEN_LIFETIME)),
            renewals: 0,
        })
    }

    fn renew(&self, token: &Zeroizing<String>) -> Result<TokenState, Error> {
        let (old_expires, renewals) = {
            let state = self.state();
            (state.expires.unwrap_or_else(SystemTime::now), state.renewals)
        };
        let body = Zeroizing::new(self.call(Operation::Renew { authorization: token.clone() })?);
        let fields = TokenFields::parse(body.as_bytes());
        let new_token = fields.as_ref().map(|f| f.access_token.to_string()).unwrap_or_else(|| token.to_string());
        let expires = fields.as_ref().and_then(|f| f.expires.as_deref()).and_then(parse_expires);
        log::emit(Level::Info, || format!("session: renewed the token ({} of {MAX_RENEWALS})", renewals + 1));
        Ok(TokenState {
            token: Some(Zeroizing::new(new_token)),
            expires: Some(expires.unwrap_or(old_expires + TOKEN_LIFETIME)),
            renewals: renewals + 1,
        })
    }
}

fn read_fields(body: &str) -> Result<TokenFields<'_>, Error> {
    let fields = TokenFields::parse(body.as_bytes())
        .ok_or_else(|| Error::new(Code::Decode, "issue: the response has no AccessToken"))?;
    if fields.access_token.is_empty() || fields.access_token.contains('\0') {
        return Err(Error::new(Code::Decode, "issue: the AccessToken is empty or holds a NUL character"));
    }
    Ok(fields)
}

/// An RFC 3339 date-time in UTC (`Z`, `+00:00`, or no offset, which the API means as UTC).
pub fn parse_expires(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let utc = text.strip_suffix("+00:00").unwrap_or(text);
    humantime::parse_rfc3339_weak(utc).ok()
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
}
