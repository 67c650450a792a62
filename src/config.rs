//! The client configuration: a JSON object, every key optional, with environment fallbacks.

use crate::error::Error;
use serde_json::{Map, Value};
use std::time::Duration;

pub const DEFAULT_BASE_URL: &str = "https://api.mindbodyonline.com";
/// The longest configuration accepted, in bytes.
pub const MAX_CONFIG_BYTES: usize = 1 << 20;
/// The largest `max_response_bytes`: an answer is buffered whole, so the limit bounds memory.
pub(crate) const MAX_RESPONSE_BYTES_LIMIT: u64 = 64 << 20;
/// The proxy schemes the HTTP stack speaks.
const PROXY_SCHEMES: [&str; 2] = ["http", "https"];

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Scheme, host, port and optional path prefix; parsed once, since parsing a URL (host
    /// normalisation included) is a measurable part of a call.
    pub base_url: reqwest::Url,
    /// The issue, renew and revoke endpoints of API version 6, built once: nearly every
    /// call goes to one of them.
    v6_endpoints: [reqwest::Url; 3],
    pub api_key: String,
    /// `api_key` as the header value every request sends (marked sensitive), built once:
    /// requests share it rather than each copying the key.
    pub api_key_header: reqwest::header::HeaderValue,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_retries: u32,
    pub retry_base: Duration,
    pub retry_max: Duration,
    pub user_agent: String,
    pub proxy: Option<String>,
    pub ca_file: Option<String>,
    pub allow_http: bool,
    pub max_response_bytes: usize,
    pub worker_threads: usize,
    pub session_renew_margin: Duration,
}

/// The keys, in the order the documentation lists them.
const KEYS: [&str; 14] = [
    "base_url",
    "api_key",
    "timeout_ms",
    "connect_timeout_ms",
    "max_retries",
    "retry_base_ms",
    "retry_max_ms",
    "user_agent",
    "proxy",
    "ca_file",
    "allow_http",
    "max_response_bytes",
    "worker_threads",
    "session_renew_margin_s",
];

impl Config {
    /// Parses `json` (None means all defaults) with `env` standing in for the process
    /// environment, so tests can pass their own.
    pub fn parse(json: Option<&str>, env: impl Fn(&str) -> Option<String>) -> Result<Config, Error> {
        let object = match json {
            None => Map::new(),
            Some(text) if text.len() > MAX_CONFIG_BYTES => {
                return Err(Error::invalid_config("config_json is too long (more than 1 MiB)"))
            }
            Some(text) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(map)) => map,
                Ok(_) => return Err(Error::invalid_config("config_json must be a JSON object")),
                Err(e) => return Err(Error::invalid_config(format!("config_json is not valid JSON: {e}"))),
            },
        };
        if let Some(unknown) = object.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(Error::invalid_config(format!(
                "unknown configuration key \"{}\"; known keys: {}",
                unknown.escape_debug(),
                KEYS.join(", ")
            )));
        }
        let keys = Keys(&object);
        let env_nonempty = |name: &str| env(name).filter(|v| !v.is_empty());

        let base_url = match keys.string("base_url")? {
            Some(url) => url,
            None => env_nonempty("MINDBODY_BASE_URL").unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        };
        let allow_http = keys.boolean("allow_http")?.unwrap_or(false);
        let base_url = check_base_url(&base_url, allow_http)?;

        let api_key = match keys.string("api_key")? {
            Some(key) => key,
            None => env_nonempty("MINDBODY_API_KEY").ok_or_else(|| {
                Error::invalid_config("api_key is required: set it in the configuration or in MINDBODY_API_KEY")
            })?,
        };
        let mut api_key_header = header_value("api_key", &api_key)?;
        api_key_header.set_sensitive(true);
        let user_agent =
            keys.string("user_agent")?.unwrap_or_else(|| concat!("usertoken/", env!("CARGO_PKG_VERSION")).to_owned());
        header_value("user_agent", &user_agent)?;

        // Read, with its certificates checked, by the client (`runtime::Trust`).
        let ca_file = keys.nullable_string("ca_file")?;

        Ok(Config {
            v6_endpoints: CALLS.map(|call| endpoint(&base_url, "6", call)),
            base_url,
            api_key,
            api_key_header,
            timeout: Duration::from_millis(keys.integer("timeout_ms", 1, u64::MAX)?.unwrap_or(30_000)),
            connect_timeout: Duration::from_millis(keys.integer("connect_timeout_ms", 1, u64::MAX)?.unwrap_or(5_000)),
            max_retries: keys.integer("max_retries", 0, 10)?.unwrap_or(2) as u32,
            retry_base: Duration::from_millis(keys.integer("retry_base_ms", 0, u64::MAX)?.unwrap_or(200)),
            retry_max: Duration::from_millis(keys.integer("retry_max_ms", 0, u64::MAX)?.unwrap_or(10_000)),
            user_agent,
            proxy: keys.nullable_string("proxy")?.map(|p| check_proxy(&p).map(|()| p)).transpose()?,
            ca_file,
            allow_http,
            max_response_bytes: keys.integer("max_response_bytes", 1, MAX_RESPONSE_BYTES_LIMIT)?.unwrap_or(1 << 20)
                as usize,
            worker_threads: keys.integer("worker_threads", 1, 64)?.unwrap_or(2) as usize,
            session_renew_margin: Duration::from_secs(
                keys.integer("session_renew_margin_s", 0, u64::MAX)?.unwrap_or(3600),
            ),
        })
    }
}

/// The calls, in the order of `Config::v6_endpoints`.
const CALLS: [&str; 3] = ["issue", "renew", "revoke"];

impl Config {
    /// True when `base_url` names this machine (`127.0.0.0/8`, `::1`, `localhost`).
    pub fn base_is_loopback(&self) -> bool {
        self.base_url.host().is_some_and(|host| is_loopback(&host))
    }

    /// `{base_url}/public/v{version}/usertoken/{call}`, keeping any path prefix of the base.
    pub fn endpoint(&self, version: &str, call: &str) -> reqwest::Url {
        match CALLS.iter().position(|c| *c == call) {
            Some(i) if version == "6" => self.v6_endpoints[i].clone(),
            _ => endpoint(&self.base_url, version, call),
        }
    }
}

fn endpoint(base_url: &reqwest::Url, version: &str, call: &str) -> reqwest::Url {
    let mut url = base_url.clone();
    let prefix = base_url.path().trim_end_matches('/');
    url.set_path(&format!("{prefix}/public/v{version}/usertoken/{call}"));
    url
}

/// Typed, range-checked reads of one configuration object; each error names its key.
struct Keys<'a>(&'a Map<String, Value>);

impl Keys<'_> {
    fn string(&self, key: &str) -> Result<Option<String>, Error> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid_config(format!("{key} must be a string"))),
        }
    }

    fn nullable_string(&self, key: &str) -> Result<Option<String>, Error> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid_config(format!("{key} must be a non-empty string or null"))),
        }
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, Error> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Error::invalid_config(format!("{key} must be true or false"))),
        }
    }

    fn integer(&self, key: &str, min: u64, max: u64) -> Result<Option<u64>, Error> {
        let Some(value) = self.0.get(key) else { return Ok(None) };
        let range = if max == u64::MAX || max == usize::MAX as u64 {
            format!("an integer >= {min}")
        } else {
            format!("an integer from {min} to {max}")
        };
        match value.as_u64() {
            Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(Error::invalid_config(format!("{key} must be {range}, not {value}"))),
        }
    }
}

/// `api_key` and `user_agent` become header values: printable ASCII only, so no CR or LF
/// (nor anything else a header cannot carry) ever reaches the wire.
fn header_value(key: &str, value: &str) -> Result<reqwest::header::HeaderValue, Error> {
    if value.is_empty() {
        return Err(Error::invalid_config(format!("{key} must not be empty")));
    }
    if !value.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(Error::invalid_config(format!(
            "{key} may hold only printable ASCII (no CR, LF or other control characters)"
        )));
    }
    // Printable ASCII is always a valid header value.
    reqwest::header::HeaderValue::from_str(value)
        .map_err(|_| Error::invalid_config(format!("{key} cannot be a header value")))
}

/// A proxy URL with a scheme the HTTP stack speaks: anything else would be accepted here and
/// then fail every call.
fn check_proxy(text: &str) -> Result<(), Error> {
    let bad = |why: String| Error::invalid_config(format!("proxy \"{}\" {why}", text.escape_debug()));
    let url = reqwest::Url::parse(text).map_err(|e| bad(format!("is not a valid URL: {e}")))?;
    if !PROXY_SCHEMES.contains(&url.scheme()) {
        return Err(bad(format!(
            "uses the scheme \"{}\"; the schemes supported are {}",
            url.scheme(),
            PROXY_SCHEMES.map(|s| format!("{s}://")).join(" and ")
        )));
    }
    if url.host().is_none() {
        return Err(bad("has no host".to_owned()));
    }
    Ok(())
}

/// The API's documentation gives its base URL as `https://api.mindbodyonline.com/public/v6`;
/// the library appends that part itself, so a base ending in it would double it.
fn api_path_suffix(path: &str) -> Option<&str> {
    let path = path.trim_end_matches('/');
    let (_, last) = path.rsplit_once('/')?;
    let version = last.strip_prefix('v').or_else(|| last.strip_prefix('V'))?;
    let before = &path[..path.len() - last.len() - 1];
    let is_version = !version.is_empty() && version.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.');
    (is_version && before.to_ascii_lowercase().ends_with("/public")).then(|| &path[before.len() - "/public".len()..])
}

fn check_base_url(text: &str, allow_http: bool) -> Result<reqwest::Url, Error> {
    let bad = |why: &str| Error::invalid_config(format!("base_url \"{}\" {why}", text.escape_debug()));
    let url = reqwest::Url::parse(text).map_err(|e| bad(&format!("is not a valid URL: {e}")))?;
    let host = url.host().ok_or_else(|| bad("has no host"))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry user information"));
    }
    if let Some(suffix) = api_path_suffix(url.path()) {
        let mut origin = url.clone();
        let path = url.path().trim_end_matches('/');
        origin.set_path(&path[..path.len() - suffix.len()]);
        return Err(bad(&format!(
            "ends in \"{suffix}\", which the library adds itself (with the version of each call); \
             write \"{}\" instead",
            origin.as_str().trim_end_matches('/')
        )));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_http || is_loopback(&host) => {}
        "http" => {
            return Err(bad("uses plain http:// to a host that is not loopback; set allow_http to true to permit it"))
        }
        _ => return Err(bad("must use https:// (or http:// to a loopback host)")),
    }
    Ok(url)
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::Code;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn parse(json: &str) -> Result<Config, Error> {
        Config::parse(Some(json), no_env)
    }

    fn invalid(json: &str, mentions: &str) {
        let err = parse(json).expect_err(json);
        assert_eq!(err.code, Code::InvalidConfig, "{json}");
        assert!(err.message.contains(mentions), "{json}: {:?} should mention {mentions}", err.message);
    }

    #[test]
    fn defaults() {
        let c = parse(r#"{"api_key":"k"}"#).unwrap();
        assert_eq!(c.endpoint("6", "issue").as_str(), "https://api.mindbodyonline.com/public/v6/usertoken/issue");
        assert_eq!(c.timeout, Duration::from_millis(30_000));
        assert_eq!(c.connect_timeout, Duration::from_millis(5_000));
        assert_eq!(c.max_retries, 2);
        assert_eq!(c.retry_base, Duration::from_millis(200));
        assert_eq!(c.retry_max, Duration::from_millis(10_000));
        assert_eq!(c.user_agent, format!("usertoken/{}", env!("CARGO_PKG_VERSION")));
        assert_eq!(c.proxy, None);
        assert_eq!(c.ca_file, None);
        assert!(!c.allow_http);
        assert_eq!(c.max_response_bytes, 1_048_576);
        assert_eq!(c.worker_threads, 2);
        assert_eq!(c.session_renew_margin, Duration::from_secs(3600));
    }

    #[test]
    fn environment_fallbacks_and_precedence() {
        let env = |name: &str| match name {
            "MINDBODY_API_KEY" => Some("env-key".to_owned()),
            "MINDBODY_BASE_URL" => Some("http://127.0.0.1:9/".to_owned()),
            _ => None,
        };
        let c = Config::parse(None, env).unwrap();
        assert_eq!(c.api_key, "env-key");
        assert_eq!(c.endpoint("6", "renew").as_str(), "http://127.0.0.1:9/public/v6/usertoken/renew");
        assert!(c.base_is_loopback());
        let c = Config::parse(Some(r#"{"api_key":"cfg","base_url":"https://example.com/api/"}"#), env).unwrap();
        assert_eq!(c.api_key, "cfg");
        assert!(!c.base_is_loopback());
        assert_eq!(c.endpoint("6.1", "revoke").as_str(), "https://example.com/api/public/v6.1/usertoken/revoke");
        // Version 6's endpoints are built in advance; they keep the prefix all the same.
        for call in ["issue", "renew", "revoke"] {
            assert_eq!(c.endpoint("6", call).as_str(), format!("https://example.com/api/public/v6/usertoken/{call}"));
            assert_eq!(c.endpoint("60", call).as_str(), format!("https://example.com/api/public/v60/usertoken/{call}"));
        }
        let empty = |_: &str| Some(String::new());
        assert_eq!(Config::parse(Some("{}"), empty).unwrap_err().code, Code::InvalidConfig);
    }

    #[test]
    fn missing_api_key_is_invalid_config() {
        invalid("{}", "api_key");
        assert_eq!(Config::parse(None, no_env).unwrap_err().code, Code::InvalidConfig);
    }

    #[test]
    fn malformed_json() {
        invalid("", "not valid JSON");
        invalid("{", "not valid JSON");
        invalid("[]", "JSON object");
        invalid("null", "JSON object");
        invalid(r#"{"api_key":"k"} trailing"#, "not valid JSON");
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_the_key() {
        invalid(r#"{"api_key":"k","timeout":5}"#, "\"timeout\"");
        invalid(r#"{"api_key":1}"#, "api_key");
        invalid(r#"{"api_key":"k","timeout_ms":"5"}"#, "timeout_ms");
        invalid(r#"{"api_key":"k","timeout_ms":0}"#, "timeout_ms");
        invalid(r#"{"api_key":"k","timeout_ms":1.5}"#, "timeout_ms");
        invalid(r#"{"api_key":"k","timeout_ms":-1}"#, "timeout_ms");
        invalid(r#"{"api_key":"k","connect_timeout_ms":0}"#, "connect_timeout_ms");
        invalid(r#"{"api_key":"k","max_retries":11}"#, "max_retries");
        invalid(r#"{"api_key":"k","retry_base_ms":-5}"#, "retry_base_ms");
        invalid(r#"{"api_key":"k","retry_max_ms":null}"#, "retry_max_ms");
        invalid(r#"{"api_key":"k","allow_http":1}"#, "allow_http");
        invalid(r#"{"api_key":"k","max_response_bytes":0}"#, "max_response_bytes");
        invalid(r#"{"api_key":"k","worker_threads":0}"#, "worker_threads");
        invalid(r#"{"api_key":"k","worker_threads":65}"#, "worker_threads");
        invalid(r#"{"api_key":"k","session_renew_margin_s":true}"#, "session_renew_margin_s");
        invalid(r#"{"api_key":"k","proxy":5}"#, "proxy");
        invalid(r#"{"api_key":"k","user_agent":null}"#, "user_agent");
    }

    #[test]
    fn range_edges_are_accepted() {
        let c = parse(
            r#"{"api_key":"k","timeout_ms":1,"max_retries":10,"retry_base_ms":0,"retry_max_ms":0,
                "worker_threads":64,"max_response_bytes":1,"session_renew_margin_s":0,"proxy":null}"#,
        )
        .unwrap();
        assert_eq!(c.max_retries, 10);
        assert_eq!(c.worker_threads, 64);
        assert_eq!(c.max_response_bytes, 1);
        let c = parse(r#"{"api_key":"k","max_retries":0,"worker_threads":1}"#).unwrap();
        assert_eq!((c.max_retries, c.worker_threads), (0, 1));
    }

    #[test]
    fn header_values_refuse_control_characters() {
        invalid(r#"{"api_key":"k\r\nX-Evil: 1"}"#, "api_key");
        invalid(r#"{"api_key":""}"#, "api_key");
        invalid(r#"{"api_key":"k","user_agent":"a\nb"}"#, "user_agent");
        invalid(r#"{"api_key":"k","user_agent":""}"#, "user_agent");
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.5.6.7",
            "http://[::1]:80",
            "http://LOCALHOST:1",
            "https://example.com",
        ] {
            assert!(parse(&format!(r#"{{"api_key":"k","base_url":"{ok}"}}"#)).is_ok(), "{ok}");
        }
        invalid(r#"{"api_key":"k","base_url":"http://example.com"}"#, "allow_http");
        invalid(r#"{"api_key":"k","base_url":"http://10.0.0.1"}"#, "allow_http");
        invalid(r#"{"api_key":"k","base_url":"http://localhost.example.com"}"#, "allow_http");
        assert!(parse(r#"{"api_key":"k","base_url":"http://example.com","allow_http":true}"#).is_ok());
        invalid(r#"{"api_key":"k","base_url":"ftp://example.com"}"#, "base_url");
        invalid(r#"{"api_key":"k","base_url":"not a url"}"#, "base_url");
        invalid(r#"{"api_key":"k","base_url":"https://example.com/?q=1"}"#, "base_url");
        invalid(r#"{"api_key":"k","base_url":"https://user:pw@example.com"}"#, "base_url");
    }

    #[test]
    fn a_base_url_ending_in_the_api_path_says_what_to_write() {
        invalid(
            r#"{"api_key":"k","base_url":"https://api.mindbodyonline.com/public/v6"}"#,
            "write \"https://api.mindbodyonline.com\" instead",
        );
        invalid(r#"{"api_key":"k","base_url":"https://api.mindbodyonline.com/public/v6/"}"#, "/public/v6");
        invalid(
            r#"{"api_key":"k","base_url":"https://gw.example.com/mb/PUBLIC/V6.1"}"#,
            "\"https://gw.example.com/mb\"",
        );
        for fine in ["https://gw.example.com/public", "https://gw.example.com/v6", "https://gw.example.com/public/x6"] {
            assert!(parse(&format!(r#"{{"api_key":"k","base_url":"{fine}"}}"#)).is_ok(), "{fine}");
        }
    }

    #[test]
    fn proxies_must_use_a_scheme_the_library_speaks() {
        invalid(r#"{"api_key":"k","proxy":"socks5://127.0.0.1:1080"}"#, "http:// and https://");
        invalid(r#"{"api_key":"k","proxy":"socks5://127.0.0.1:1080"}"#, "\"socks5\"");
        invalid(r#"{"api_key":"k","proxy":"not a url"}"#, "proxy");
        for fine in ["http://127.0.0.1:3128", "https://proxy.example.com"] {
            let c = parse(&format!(r#"{{"api_key":"k","proxy":"{fine}"}}"#)).unwrap();
            assert_eq!(c.proxy.as_deref(), Some(fine));
        }
    }

    #[test]
    fn max_response_bytes_is_at_most_64_mib() {
        assert_eq!(parse(r#"{"api_key":"k","max_response_bytes":67108864}"#).unwrap().max_response_bytes, 64 << 20);
        invalid(r#"{"api_key":"k","max_response_bytes":67108865}"#, "from 1 to 67108864");
    }
}
