//! The configuration indexed for lookups on every request.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::config::{EmulatorConfig, UserConfig};

const USER_TYPES: [&str; 3] = ["Staff", "Owner", "Admin"];

pub(crate) struct Directory {
    api_keys: HashSet<String>,
    /// Users of each site, keyed by their folded username.
    sites: HashMap<i64, HashMap<String, Arc<UserConfig>>>,
}

impl Directory {
    /// Indexes `config`, refusing what could make a lookup ambiguous or an answer invalid.
    pub(crate) fn new(config: &EmulatorConfig) -> Result<Directory, String> {
        if !matches!(config.bad_credentials_status, 401 | 403) {
            return Err(format!(
                "invalid emulator config: bad_credentials_status is {}; expected 401 or 403",
                config.bad_credentials_status
            ));
        }
        let mut api_keys = HashSet::new();
        for key in &config.api_keys {
            if key.is_empty() {
                // An empty API-Key header counts as a missing one, so this key could never match.
                return Err("invalid emulator config: an API key is empty".to_owned());
            }
            api_keys.insert(key.clone());
        }
        let mut sites = HashMap::new();
        for site in &config.sites {
            let mut users = HashMap::new();
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
                if users.insert(fold(&user.username), Arc::new(user.clone())).is_some() {
                    return Err(format!(
                        "invalid emulator config: site {} lists username {:?} twice (usernames ignore case)",
                        site.id, user.username
                    ));
                }
            }
            if sites.insert(site.id, users).is_some() {
                return Err(format!("invalid emulator config: site {} is listed twice", site.id));
            }
        }
        Ok(Directory { api_keys, sites })
    }

    pub(crate) fn knows_key(&self, key: &str) -> bool {
        self.api_keys.contains(key)
    }

    pub(crate) fn has_site(&self, site_id: i64) -> bool {
        self.sites.contains_key(&site_id)
    }

    /// The user whose username matches ignoring case and whose password matches exactly.
    pub(crate) fn authenticate(&self, site_id: i64, username: &str, password: &str) -> Option<Arc<UserConfig>> {
        let user = self.sites.get(&site_id)?.get(&fold(username))?;
        (user.password == password).then(|| Arc::clone(user))
    }
}

/// Usernames compare case-insensitively, as the real service does.
fn fold(username: &str) -> String {
    username.to_lowercase()
}
