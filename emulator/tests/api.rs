//! The three UserToken endpoints and every check they make.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::{connect, jwt, start, unix_s, API_KEY, ISSUE, RENEW, REVOKE};
use serde_json::json;
use ut_emulator::{BearerPrefix, Emulator, EmulatorConfig, OldToken};

#[test]
fn issue_answers_the_issue_response_shape() {
    let emulator = start();
    let mut http = connect(&emulator);
    let now = emulator.clock().unwrap()["now"].as_str().unwrap().to_owned();
    let response = http.issue("Siteowner", "apitest1234");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body = response.json();
    assert_eq!(body["TokenType"], "Bearer");
    let token = body["AccessToken"].as_str().unwrap();
    let expires = body["Expires"].as_str().unwrap();
    assert!(expires.ends_with('Z') && expires.len() == 20, "not RFC 3339 UTC seconds: {expires}");
    let lifetime = unix_s(expires) - unix_s(&now);
    assert!((86_399..=86_401).contains(&lifetime), "lifetime {lifetime}s");
    assert_eq!(body["User"], serde_json::json!({"Id": 0, "FirstName": "Site", "LastName": "Owner", "Type": "Owner"}));
    // A JWT of several hundred characters whose exp is Expires and whose iat is now.
    assert!(token.len() >= 250, "{} characters: {token}", token.len());
    let (header, payload) = jwt(token);
    assert_eq!(header, serde_json::json!({"alg": "HS256", "typ": "JWT"}));
    assert_eq!(payload["exp"].as_u64(), Some(unix_s(expires)));
    assert!(payload["iat"].as_u64().unwrap().abs_diff(unix_s(&now)) <= 1);
    assert_eq!(payload["site_id"], -99);
    assert!(payload["jti"].as_str().is_some_and(|id| id.len() == 32));
}

#[test]
fn the_default_users_are_the_sandbox_logins_and_a_staff_member() {
    let emulator = start();
    let mut http = connect(&emulator);
    let owner = serde_json::json!({"Id": 0, "FirstName": "Sandbox", "LastName": "Owner", "Type": "Owner"});
    let response = http.issue("mindbodysandboxsite@gmail.com", "Apitest1234");
    assert_eq!((response.status, &response.json()["User"]), (200, &owner));
    assert_eq!(http.issue("mindbodysandboxsite@gmail.com", "apitest1234").status, 403, "passwords keep their case");
    assert_eq!(http.issue("Siteowner", "Apitest1234").status, 403);
}

#[test]
fn issue_knows_the_second_default_user_and_ignores_username_case() {
    let emulator = start();
    let mut http = connect(&emulator);
    let body = http.issue("JDOE", "s3cret!").json();
    assert_eq!(
        body["User"],
        serde_json::json!({"Id": 100000123, "FirstName": "Jane", "LastName": "Doe", "Type": "Staff"})
    );
    assert_eq!(http.issue("siteOWNER", "apitest1234").status, 200);
}

#[test]
fn every_issue_gets_a_distinct_token() {
    let emulator = start();
    let mut http = connect(&emulator);
    let tokens: std::collections::HashSet<String> = (0..50).map(|_| http.token()).collect();
    assert_eq!(tokens.len(), 50);
}

#[test]
fn bad_credentials_are_denied_without_echoing_the_password() {
    let emulator = start();
    let mut http = connect(&emulator);
    for (username, password) in
        [("Siteowner", "APITEST1234"), ("Siteowner", "apitest1234 "), ("nobody", "apitest1234"), ("", "")]
    {
        let response = http.issue(username, password);
        assert_eq!(response.status, 403, "{username}/{password}");
        assert_eq!(response.error_code(), "DeniedAccess");
        assert_eq!(response.error_message(), "Staff identity authentication failed.");
    }
    let response = http.issue("Siteowner", "hunter2-secret");
    assert!(!String::from_utf8_lossy(&response.body).contains("hunter2"));
}

#[test]
fn bad_credentials_can_answer_401_instead() {
    let config = EmulatorConfig { bad_credentials_status: 401, ..EmulatorConfig::default() };
    let emulator = Emulator::start("127.0.0.1:0", config).unwrap();
    let mut http = connect(&emulator);
    let response = http.issue("Siteowner", "wrong");
    assert_eq!(
        (response.status, response.json()),
        (
            401,
            serde_json::json!({"Error": {"Message": "Staff identity authentication failed.", "Code": "DeniedAccess"}})
        )
    );
    let text = r#"{"api_keys":["k"],"sites":[],"bad_credentials_status":404}"#;
    assert!(EmulatorConfig::from_json(text).unwrap_err().contains("bad_credentials_status"));
}

#[test]
fn missing_or_wrong_api_key_is_denied_first() {
    let emulator = start();
    let mut http = connect(&emulator);
    let body = br#"{"Username":"Siteowner","Password":"apitest1234"}"#;
    // Even with a bad site and a bad body, the key is what is reported.
    let response = http.send("POST", ISSUE, &[("SiteId", "nope")], b"{");
    assert_eq!((response.status, response.error_code()), (401, "DeniedAccess".to_owned()));
    assert_eq!(response.json(), serde_json::json!({"Error": {"Message": "Missing API key", "Code": "DeniedAccess"}}));
    let response = http.send("POST", ISSUE, &[("API-Key", ""), ("SiteId", "-99")], body);
    assert_eq!(response.error_message(), "Missing API key");
    let response = http.send("POST", ISSUE, &[("API-Key", "wrong"), ("SiteId", "-99")], body);
    assert_eq!((response.status, response.error_message()), (401, "Invalid API key".to_owned()));
    let response = http.send("POST", RENEW, &[("api-key", "TEST-API-KEY"), ("SiteId", "-99")], b"");
    assert_eq!((response.status, response.error_message()), (401, "Invalid API key".to_owned()));
    let response = http.send("DELETE", REVOKE, &[("SiteId", "-99"), ("Authorization", "x")], b"");
    assert_eq!((response.status, response.error_message()), (401, "Missing API key".to_owned()));
}

#[test]
fn missing_or_unknown_site_is_invalid_site_id() {
    let emulator = start();
    let mut http = connect(&emulator);
    let body = br#"{"Username":"Siteowner","Password":"apitest1234"}"#;
    for site in [None, Some(""), Some("-98"), Some("abc"), Some("99999999999999999999")] {
        let mut headers = vec![("API-Key", API_KEY)];
        headers.extend(site.map(|s| ("SiteId", s)));
        let response = http.send("POST", ISSUE, &headers, body);
        assert_eq!(response.status, 400, "site {site:?}");
        assert_eq!(response.error_code(), "InvalidSiteId");
    }
    let response = http.send("POST", RENEW, &[("API-Key", API_KEY), ("SiteId", "1")], b"");
    assert_eq!((response.status, response.error_code()), (400, "InvalidSiteId".to_owned()));
}

#[test]
fn issue_body_problems_are_reported_before_credentials() {
    let emulator = start();
    let mut http = connect(&emulator);
    let headers = [("API-Key", API_KEY), ("SiteId", "-99")];
    let cases: [(&[u8], &str); 9] = [
        (b"", "MissingRequiredFields"),
        (b"{}", "MissingRequiredFields"),
        (br#"{"Username":"Siteowner"}"#, "MissingRequiredFields"),
        (br#"{"Password":"apitest1234"}"#, "MissingRequiredFields"),
        (br#"{"Username":1,"Password":"apitest1234"}"#, "MissingRequiredFields"),
        (br#"["Siteowner","apitest1234"]"#, "MissingRequiredFields"),
        (b"{", "InvalidParameter"),
        (b"Username=Siteowner&Password=apitest1234", "InvalidParameter"),
        (b"\xff\xfe{}", "InvalidParameter"),
    ];
    for (body, code) in cases {
        let response = http.send("POST", ISSUE, &headers, body);
        assert_eq!(response.status, 400, "{}", String::from_utf8_lossy(body));
        assert_eq!(response.error_code(), code, "{}", String::from_utf8_lossy(body));
    }
    let response = http.send("POST", ISSUE, &headers, br#"{"Username":"Siteowner"}"#);
    assert!(response.error_message().contains("Password"), "{}", response.error_message());
}

#[test]
fn issue_field_names_ignore_case_and_values_keep_every_byte() {
    let config = r#"{"api_keys":["k"],"sites":[{"id":7,"users":[
        {"username":"Zoë \"the\" \\ admin","password":"pä\"ss\\w\u0001rd","id":5,"type":"Admin"}]}]}"#;
    let emulator = Emulator::start("127.0.0.1:0", EmulatorConfig::from_json(config).unwrap()).unwrap();
    let mut http = connect(&emulator);
    let headers = [("API-Key", "k"), ("SiteId", "7")];
    let body = serde_json::json!({"username": "ZOË \"THE\" \\ ADMIN", "password": "pä\"ss\\w\u{1}rd"}).to_string();
    let response = http.send("POST", ISSUE, &headers, body.as_bytes());
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.json()["User"]["Type"], "Admin");
    let body = serde_json::json!({"Username": "zoë \"the\" \\ admin", "Password": "pä\"ss\\w\u{2}rd"}).to_string();
    assert_eq!(http.send("POST", ISSUE, &headers, body.as_bytes()).status, 403);
}

#[test]
fn renew_answers_a_new_token_expiring_a_day_after_the_current_expiry() {
    let emulator = start();
    let mut http = connect(&emulator);
    let issued = http.issue("Siteowner", "apitest1234").json();
    let token = issued["AccessToken"].as_str().unwrap().to_owned();
    let first_expiry = unix_s(issued["Expires"].as_str().unwrap());

    let renewed = http.renew(&token);
    assert_eq!(renewed.status, 200);
    let renewed = renewed.json();
    let new_token = renewed["AccessToken"].as_str().unwrap().to_owned();
    assert_ne!(new_token, token, "a new token by default");
    assert_eq!(renewed["TokenType"], "Bearer");
    assert_eq!(renewed["User"]["FirstName"], "Site");
    assert_eq!(unix_s(renewed["Expires"].as_str().unwrap()), first_expiry + 86_400);
    assert_eq!(jwt(&new_token).1["exp"].as_u64(), Some(first_expiry + 86_400), "exp moves with Expires");
    assert_eq!(jwt(&token).1["exp"].as_u64(), Some(first_expiry), "the old token is unchanged");

    // Renewing the new token extends from its expiry; the old one still works until its own.
    let renewed = http.renew(&new_token).json();
    assert_eq!(unix_s(renewed["Expires"].as_str().unwrap()), first_expiry + 2 * 86_400);
    let listed = emulator.tokens().unwrap()["tokens"].clone();
    assert_eq!(listed.as_array().unwrap().len(), 3);
    assert_eq!((listed[0]["token"].as_str(), &listed[0]["replaced"]), (Some(token.as_str()), &json!(true)));
    assert_eq!(listed[2]["renewals"], 2);
    emulator.advance_clock(86_400).unwrap();
    assert_eq!(http.revoke(&token).error_message(), "The access token has expired.");
    assert_eq!(http.revoke(renewed["AccessToken"].as_str().unwrap()).status, 200);
}

#[test]
fn renew_takes_bare_and_bearer_tokens_unless_the_prefix_is_refused() {
    let emulator = start();
    let mut http = connect(&emulator);
    let token = http.token();
    let renewed = http.renew(&format!("Bearer {token}"));
    assert_eq!(renewed.status, 200);
    let token = renewed.json()["AccessToken"].as_str().unwrap().to_owned();
    assert_eq!(http.renew(&format!("bearer {token}")).status, 200);

    let config = EmulatorConfig { bearer_prefix: BearerPrefix::Refused, ..EmulatorConfig::default() };
    let emulator = Emulator::start("127.0.0.1:0", config).unwrap();
    let mut http = connect(&emulator);
    let token = http.token();
    let response = http.renew(&format!("Bearer {token}"));
    assert_eq!((response.status, response.error_message()), (401, "The access token is invalid.".to_owned()));
    assert_eq!(http.revoke(&format!("Bearer {token}")).status, 401);
    assert_eq!(http.renew(&token).status, 200);
}

#[test]
fn renew_can_keep_the_same_token() {
    let config = r#"{"api_keys":["test-api-key"],"sites":[{"id":-99,"users":[{"username":"Siteowner","password":"apitest1234"}]}],
        "renew_token":"same"}"#;
    let emulator = Emulator::start("127.0.0.1:0", EmulatorConfig::from_json(config).unwrap()).unwrap();
    let mut http = connect(&emulator);
    let issued = http.issue("Siteowner", "apitest1234").json();
    let token = issued["AccessToken"].as_str().unwrap();
    let renewed = http.renew(token).json();
    assert_eq!(renewed["AccessToken"], token);
    let expiry = unix_s(issued["Expires"].as_str().unwrap());
    assert_eq!(unix_s(renewed["Expires"].as_str().unwrap()), expiry + 86_400);
    // Its exp still says the first expiry, but it lives on past it.
    assert_eq!(jwt(token).1["exp"].as_u64(), Some(expiry));
    emulator.advance_clock(86400).unwrap();
    assert_eq!(http.renew(token).status, 200);
}

#[test]
fn the_old_token_can_be_refused_after_a_renew() {
    let config = EmulatorConfig { old_token_after_renew: OldToken::Invalid, ..EmulatorConfig::default() };
    let emulator = Emulator::start("127.0.0.1:0", config).unwrap();
    let mut http = connect(&emulator);
    let token = http.token();
    let renewed = http.renew(&token).json()["AccessToken"].as_str().unwrap().to_owned();
    for response in [http.renew(&token), http.revoke(&token)] {
        assert_eq!(response.status, 401);
        assert_eq!(response.error_message(), "The access token has been replaced by a renewed one.");
    }
    assert_eq!(http.revoke(&renewed).status, 200);
}

#[test]
fn an_altered_token_or_another_emulators_is_unknown() {
    let emulator = start();
    let other = start();
    let mut http = connect(&emulator);
    let token = http.token();
    let foreign = connect(&other).token();
    assert_eq!(http.renew(&foreign).error_message(), "The access token is invalid.");
    // The same payload with a later exp, under the original signature.
    let (head, rest) = token.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let mut claims: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["exp"] = json!(claims["exp"].as_u64().unwrap() + 86_400);
    let forged = format!("{head}.{}.{signature}", URL_SAFE_NO_PAD.encode(claims.to_string()));
    assert_eq!(http.renew(&forged).error_message(), "The access token is invalid.");
    assert_eq!(http.renew(&token).status, 200);
}

#[test]
fn seven_renewals_then_forbidden() {
    let emulator = start();
    let mut http = connect(&emulator);
    let first = http.token();
    let mut token = first.clone();
    for n in 1..=7 {
        let response = http.renew(&token);
        assert_eq!(response.status, 200, "renewal {n}");
        token = response.json()["AccessToken"].as_str().unwrap().to_owned();
    }
    let response = http.renew(&token);
    assert_eq!(response.status, 403);
    assert_eq!(response.error_code(), "DeniedAccess");
    assert!(response.error_message().contains("maximum number of renewals"));
    assert_eq!(http.renew(&first).status, 403, "renewals are counted for the grant, not per token");
    let listed = emulator.tokens().unwrap();
    assert_eq!(listed["tokens"].as_array().unwrap().len(), 8);
    assert_eq!(listed["tokens"][7]["renewals"], 7);
    // The token itself still works until it expires: it can be revoked.
    assert_eq!(http.revoke(&token).status, 200);
}

#[test]
fn renew_refuses_unknown_expired_and_missing_tokens() {
    let emulator = start();
    let mut http = connect(&emulator);
    for authorization in ["no-such-token", "Bearer no-such-token", "Bearer ", ""] {
        let response = http.renew(authorization);
        assert_eq!((response.status, response.error_code()), (401, "DeniedAccess".to_owned()), "{authorization:?}");
    }
    let response = http.send("POST", RENEW, &[("API-Key", API_KEY), ("SiteId", "-99")], b"");
    assert_eq!((response.status, response.error_code()), (401, "DeniedAccess".to_owned()));

    let token = http.token();
    emulator.advance_clock(86399).unwrap();
    assert_eq!(http.renew(&token).status, 200, "a second before expiry it still renews");
    let token = http.token();
    emulator.advance_clock(86400).unwrap();
    let response = http.renew(&token);
    assert_eq!(response.status, 401, "now == expires counts as expired");
    assert!(!response.error_message().contains(&token), "the token is never echoed");
}

#[test]
fn tokens_belong_to_their_site() {
    let config = r#"{"api_keys":["k"],"sites":[
        {"id":1,"users":[{"username":"u","password":"p"}]},
        {"id":2,"users":[{"username":"u","password":"p"}]}]}"#;
    let emulator = Emulator::start("127.0.0.1:0", EmulatorConfig::from_json(config).unwrap()).unwrap();
    let mut http = connect(&emulator);
    let issued = http.send("POST", ISSUE, &[("API-Key", "k"), ("SiteId", "1")], br#"{"Username":"u","Password":"p"}"#);
    assert_eq!(issued.status, 200);
    let token = issued.json()["AccessToken"].as_str().unwrap().to_owned();
    let other = [("API-Key", "k"), ("SiteId", "2"), ("Authorization", token.as_str())];
    assert_eq!(http.send("POST", RENEW, &other, b"").status, 401);
    assert_eq!(http.send("DELETE", REVOKE, &other, b"").status, 401);
    let own = [("API-Key", "k"), ("SiteId", "1"), ("Authorization", token.as_str())];
    assert_eq!(http.send("POST", RENEW, &own, b"").status, 200);
}

#[test]
fn revoke_answers_an_empty_object_once() {
    let emulator = start();
    let mut http = connect(&emulator);
    let token = http.token();
    let response = http.revoke(&format!("Bearer {token}"));
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"{}");
    assert_eq!(response.header("content-type"), Some("application/json"));
    let again = http.revoke(&token);
    assert_eq!((again.status, again.error_code()), (401, "DeniedAccess".to_owned()));
    assert_eq!(http.renew(&token).status, 401, "a revoked token cannot be renewed");
    assert_eq!(http.revoke("unknown").status, 401);
    let response = http.send("DELETE", REVOKE, &[("API-Key", API_KEY), ("SiteId", "-99")], b"");
    assert_eq!(response.status, 401);
    let token = http.token();
    emulator.advance_clock(90000).unwrap();
    assert_eq!(http.revoke(&token).status, 401, "an expired token cannot be revoked");
}

#[test]
fn routing_accepts_any_version_and_rejects_the_rest() {
    let emulator = start();
    let mut http = connect(&emulator);
    let headers = [("API-Key", API_KEY), ("SiteId", "-99")];
    let body = br#"{"Username":"Siteowner","Password":"apitest1234"}"#;
    for path in [
        "/public/v6/usertoken/issue",
        "/public/v6.0/usertoken/issue",
        "/public/vBeta_2-x/usertoken/issue",
        "/PUBLIC/V6/UserToken/Issue",
    ] {
        assert_eq!(http.send("POST", path, &headers, body).status, 200, "{path}");
    }
    for path in [
        "/public/v/usertoken/issue",
        "/public/v6!/usertoken/issue",
        "/public/6/usertoken/issue",
        "/public/v6/usertoken/issue/",
        "/public/v6/usertoken/refresh",
        "/",
        "/_emulatorx/health",
    ] {
        let response = http.send("POST", path, &headers, body);
        assert_eq!((response.status, response.error_code()), (404, "NotFound".to_owned()), "{path}");
    }
    let response = http.send("GET", ISSUE, &headers, b"");
    assert_eq!((response.status, response.error_code()), (405, "MethodNotAllowed".to_owned()));
    assert_eq!(response.header("allow"), Some("POST"));
    let response = http.send("POST", REVOKE, &headers, b"");
    assert_eq!((response.status, response.header("allow")), (405, Some("DELETE")));
    let response = http.send("DELETE", RENEW, &headers, b"");
    assert_eq!(response.status, 405);
}

#[test]
fn one_connection_serves_many_requests() {
    let emulator = start();
    let mut http = connect(&emulator);
    for _ in 0..500 {
        assert_eq!(http.issue("jdoe", "s3cret!").status, 200);
    }
    // Pipelined: all requests written before any answer is read.
    for _ in 0..20 {
        http.write_request("GET", "/_emulator/health", &[], b"");
    }
    for _ in 0..20 {
        assert_eq!(http.read_response().unwrap().body, br#"{"ok":true}"#);
    }
    assert_eq!(emulator.stats().unwrap()["issue"], 500);
}

#[test]
fn a_body_over_one_mebibyte_is_refused_and_still_recorded() {
    let emulator = start();
    let mut http = connect(&emulator);
    let body = vec![b' '; 1024 * 1024 + 1];
    let response = http.send("POST", ISSUE, &[("API-Key", API_KEY), ("SiteId", "-99")], &body);
    assert_eq!((response.status, response.error_code()), (413, "PayloadTooLarge".to_owned()));
    let recorded = emulator.requests().unwrap();
    assert_eq!(recorded["requests"].as_array().unwrap().len(), 1);
    assert_eq!(recorded["requests"][0]["body"], "");
}
