//! The configuration indexed for lookups on every request.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::config::{fold, EmulatorConfig, UserConfig};

pub(crate) struct Directory {
    api_keys: HashSet<String>,
    /// Users of each site, keyed by their folded username.
    sites: HashMap<i64, HashMap<String, Arc<UserConfig>>>,
}

impl Directory {
    /// Indexes `config`, which [`EmulatorConfig::check`] has accepted: no key, username or site
    /// in it is ambiguous.
    pub(crate) fn new(config: &EmulatorConfig) -> Directory {
        let api_keys = config.api_keys.iter().cloned().collect();
        let sites = config
            .sites
            .iter()
            .map(|site| {
                let users = site.users.iter().map(|user| (fold(&user.username), Arc::new(user.clone()))).collect();
                (site.id, users)
            })
            .collect();
        Directory { api_keys, sites }
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
