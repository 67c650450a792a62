//! Who may call the emulated API (the accepted API keys and the sites with their staff), and
//! the choices it makes where the real API's behaviour is undocumented.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// The API keys and sites the emulator accepts, and how it answers where Mindbody leaves the
/// behaviour open.
///
/// The JSON form (the `--config` file) is
/// `{"api_keys":["k1"],"sites":[{"id":-99,"users":[{"username":"u","password":"p",
/// "id":0,"first_name":"A","last_name":"B","type":"Owner"}]}]}`, with the optional keys
/// `renew_token`, `old_token_after_renew`, `bad_credentials_status` and `bearer_prefix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmulatorConfig {
    pub api_keys: Vec<String>,
    pub sites: Vec<SiteConfig>,
    /// Whether renew answers a new token or the old string.
    #[serde(default)]
    pub renew_token: RenewToken,
    /// Whether a token stays usable after a renew that answered a new one.
    #[serde(default)]
    pub old_token_after_renew: OldToken,
    /// The status of the answer to bad staff credentials: 403 (observed live) or 401.
    #[serde(default = "forbidden")]
    pub bad_credentials_status: u16,
    /// Whether renew and revoke take `Authorization: Bearer <token>` as well as the bare token.
    #[serde(default)]
    pub bearer_prefix: BearerPrefix,
}

/// What renew answers as `AccessToken`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenewToken {
    /// A new JWT whose `exp` is the new expiry.
    #[default]
    New,
    /// The token that was renewed, unchanged (its `exp` then no longer says when it expires).
    Same,
}

/// What becomes of a token once a renew has answered a new one in its place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OldToken {
    /// It stays usable until its own expiry.
    #[default]
    Valid,
    /// It is refused from then on, as a revoked token is.
    Invalid,
}

/// Whether `Authorization` may carry the `Bearer ` scheme on renew and revoke.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BearerPrefix {
    /// `Bearer <token>` (any case) is taken as `<token>`.
    #[default]
    Accepted,
    /// Only the bare token is; `Bearer <token>` is an unknown token.
    Refused,
}

fn forbidden() -> u16 {
    403
}

/// One business site, known by its numeric `SiteId`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub id: i64,
    pub users: Vec<UserConfig>,
}

/// A staff member who can sign in to a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub id: i64,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    /// `Staff`, `Owner` or `Admin`.
    #[serde(rename = "type", default = "staff")]
    pub user_type: String,
}

const USER_TYPES: [&str; 3] = ["Staff", "Owner", "Admin"];

fn staff() -> String {
    "Staff".to_owned()
}

impl UserConfig {
    fn new(username: &str, password: &str, id: i64, first: &str, last: &str, kind: &str) -> Self {
        UserConfig {
            username: username.to_owned(),
            password: password.to_owned(),
            id,
            first_name: first.to_owned(),
            last_name: last.to_owned(),
            user_type: kind.to_owned(),
        }
    }
}

impl Default for EmulatorConfig {
    /// The public sandbox: key `test-api-key`, site `-99`, its owner under the classic and the
    /// current sandbox login, and one staff member; the default behaviours.
    fn default() -> Self {
        EmulatorConfig {
            api_keys: vec!["test-api-key".to_owned()],
            sites: vec![SiteConfig {
                id: -99,
                users: vec![
                    UserConfig::new("Siteowner", "apitest1234", 0, "Site", "Owner", "Owner"),
                    UserConfig::new("mindbodysandboxsite@gmail.com", "Apitest1234", 0, "Sandbox", "Owner", "Owner"),
                    UserConfig::new("jdoe", "s3cret!", 100_000_123, "Jane", "Doe", "Staff"),
                ],
            }],
            renew_token: RenewToken::default(),
            old_token_after_renew: OldToken::default(),
            bad_credentials_status: forbidden(),
            bearer_prefix: BearerPrefix::default(),
        }
    }
}

impl EmulatorConfig {
    /// Parses and checks a configuration document; the error says what is wrong with it.
    pub fn from_json(text: &str) -> Result<EmulatorConfig, String> {
        let config: EmulatorConfig = serde_json::from_str(text).map_err(|e| format!("invalid emulator config: {e}"))?;
        config.check()?;
        Ok(config)
    }

    /// Refuses what could make a lookup ambiguous or an answer invalid.
    pub(crate) fn check(&self) -> Result<(), String> {
        if !matches!(self.bad_credentials_status, 401 | 403) {
            return Err(format!(
                "invalid emulator config: bad_credentials_status is {}; expected 401 or 403",
                self.bad_credentials_status
            ));
        }
        if self.api_keys.iter().any(String::is_empty) {
            // An empty API-Key header counts as a missing one, so this key could never match.
            return Err("invalid emulator config: an API key is empty".to_owned());
        }
        let mut sites = HashSet::new();
        for site in &self.sites {
            let mut usernames = HashSet::new();
            for user in &site.users {
                if user.username.is_empty() {
                    return Err(format!("invalid emulator config: site {} has a user with an empty username", site.id));
                }
                if !USER_TYPES.contains(&user.user_type.as_str()) {
                    return Err(format!(
                        "invalid emulator config: user {:?} has type {:?}; expected Staff, Owner or Admin",
                        user.username, user.user_type
                    ));
                }
                if !usernames.insert(fold(&user.username)) {
                    return Err(format!(
                        "invalid emulator config: site {} lists username {:?} twice (usernames ignore case)",
                        site.id, user.username
                    ));
                }
            }
            if !sites.insert(site.id) {
                return Err(format!("invalid emulator config: site {} is listed twice", site.id));
            }
        }
        Ok(())
    }
}

/// Usernames compare case-insensitively, as the real service does.
pub(crate) fn fold(username: &str) -> String {
    username.to_lowercase()
}
