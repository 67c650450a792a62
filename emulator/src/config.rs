//! Who may call the emulated API: the accepted API keys and the sites with their staff.

use serde::{Deserialize, Serialize};

use crate::directory::Directory;

/// The API keys and sites the emulator accepts.
///
/// The JSON form (the `--config` file) is
/// `{"api_keys":["k1"],"sites":[{"id":-99,"users":[{"username":"u","password":"p",
/// "id":0,"first_name":"A","last_name":"B","type":"Owner"}]}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmulatorConfig {
    pub api_keys: Vec<String>,
    pub sites: Vec<SiteConfig>,
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
    /// The public sandbox: key `test-api-key`, site `-99`, its owner and one staff member.
    fn default() -> Self {
        EmulatorConfig {
            api_keys: vec!["test-api-key".to_owned()],
            sites: vec![SiteConfig {
                id: -99,
                users: vec![
                    UserConfig::new("Siteowner", "apitest1234", 0, "Site", "Owner", "Owner"),
                    UserConfig::new("jdoe", "s3cret!", 100_000_123, "Jane", "Doe", "Staff"),
                ],
            }],
        }
    }
}

impl EmulatorConfig {
    /// Parses and checks a configuration document; the error says what is wrong with it.
    pub fn from_json(text: &str) -> Result<EmulatorConfig, String> {
        let config: EmulatorConfig = serde_json::from_str(text).map_err(|e| format!("invalid emulator config: {e}"))?;
        Directory::new(&config)?;
        Ok(config)
    }
}
