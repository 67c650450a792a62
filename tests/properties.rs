//! Properties over generated inputs, through the C ABI against the emulator: any credentials
//! reach the server byte-exact, any invalid argument is refused without a request, and any
//! object with a string `AccessToken` is an accepted issue answer. Last, the fuzz targets'
//! checks (fuzz/src) replayed on their seed corpus and a few thousand generated inputs, so
//! that they run in every `make test` on a stable toolchain.

mod common;

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod fuzz_checks;

use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use serde_json::{json, Value};
use std::ffi::{c_char, c_void, CString};
use std::ptr;
use usertoken::ffi::calls::*;
use usertoken::ffi::*;

/// Few cases each: every case is a round trip to the emulator, and the suite must stay fast.
fn runner(cases: u32) -> TestRunner {
    TestRunner::new(ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() })
}

/// Text made mostly of what JSON must escape or encode: quotes, backslashes, control
/// characters (NUL excepted: a C string cannot hold it), and non-ASCII up to 4-byte UTF-8.
fn awkward_text(max_chars: usize) -> impl Strategy<Value = String> {
    let awkward = prop_oneof![
        prop::sample::select(vec![
            '"', '\\', '/', '\n', '\r', '\t', '\u{1}', '\u{1f}', '\u{7f}', '\u{2028}', '\u{fffd}'
        ]),
        any::<char>().prop_filter("no NUL", |c| *c != '\0'),
        prop::char::range('a', 'z'),
    ];
    prop::collection::vec(awkward, 1..max_chars).prop_map(|chars| chars.into_iter().collect())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn last_request(f: &Fixture) -> Value {
    let requests = f.requests();
    assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
    requests[0].clone()
}

#[test]
fn any_credentials_reach_the_server_byte_exact() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":0"#);
    runner(48)
        .run(&(awkward_text(64), awkward_text(64)), |(username, password)| {
            f.clear_requests();
            let (code, text) = c.issue(&username, &password);
            prop_assert_eq!(code, "UT_DENIED", "{}", text);
            let request = last_request(&f);
            let expected = format!(
                r#"{{"Username":{},"Password":{}}}"#,
                serde_json::to_string(&username).unwrap(),
                serde_json::to_string(&password).unwrap()
            );
            prop_assert_eq!(request["body_hex"].as_str().unwrap(), hex(expected.as_bytes()));
            let sent: Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
            prop_assert_eq!(sent["Username"].as_str(), Some(username.as_str()));
            prop_assert_eq!(sent["Password"].as_str(), Some(password.as_str()));
            Ok(())
        })
        .unwrap();
}

#[test]
fn credentials_at_the_length_limit_arrive_whole() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":0"#);
    // 4096 bytes of 4-byte characters and of characters that escape to six bytes each.
    let (username, password) = ("\u{1F600}".repeat(1024), "\u{1}".repeat(4096));
    assert_eq!(c.issue(&username, &password).0, "UT_DENIED");
    let sent: Value = serde_json::from_str(last_request(&f)["body"].as_str().unwrap()).unwrap();
    assert_eq!((sent["Username"].as_str(), sent["Password"].as_str()), (Some(&*username), Some(&*password)));
}

#[test]
fn a_user_with_awkward_credentials_can_log_in() {
    let mut config = ut_emulator::EmulatorConfig::default();
    let (username, password) = ("j\"d\\oe \u{e9}\u{1F600}", "p\"\\\n\t\u{1}\u{2028}");
    config.sites[0].users[0].username = username.to_owned();
    config.sites[0].users[0].password = password.to_owned();
    let emulator = ut_emulator::Emulator::start("127.0.0.1:0", config).unwrap();
    let c = Client::new(&format!(r#"{{"base_url":"{}","api_key":"{API_KEY}"}}"#, emulator.url())).unwrap();
    let (code, body) = c.issue(username, password);
    assert_eq!(code, "UT_OK", "{body}");
    let (code, body) = c.issue(username, &format!("{password} "));
    assert_eq!(code, "UT_DENIED", "one byte more is another password: {body}");
}

#[test]
fn any_printable_authorization_reaches_the_server_as_given() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":0"#);
    runner(48)
        .run(&("[ -~]{1,200}", any::<bool>()), |(authorization, renew)| {
            f.clear_requests();
            let (code, _) = if renew { c.renew(&authorization) } else { c.revoke(&authorization) };
            prop_assert_eq!(code, "UT_DENIED");
            let request = last_request(&f);
            // HTTP drops the optional whitespace around a header value; the rest is exact.
            let expected = authorization.trim_matches([' ', '\t']);
            prop_assert_eq!(header(&request, "authorization").unwrap_or(""), expected);
            Ok(())
        })
        .unwrap();
}

/// An argument the contract refuses, as raw bytes, with the parameter it is for.
fn invalid_argument() -> impl Strategy<Value = (&'static str, Vec<u8>)> {
    let ascii = |re: &'static str| proptest::string::string_regex(re).unwrap().prop_map(String::into_bytes);
    prop_oneof![
        Just(("version", Vec::new())),
        ascii("[0-9]{17,40}").prop_map(|v| ("version", v)),
        ascii("[0-9]{0,3}[/ ?#%+:@][0-9]{0,3}").prop_map(|v| ("version", v)),
        ascii("-?[0-9]{19,30}").prop_map(|v| ("site_id", v)),
        ascii("[0-9]{0,4}[a-z+ .-][0-9]{0,4}")
            .prop_filter("not a site id", |v| v.first() != Some(&b'-')
                || v.len() < 2
                || !v[1..].iter().all(u8::is_ascii_digit))
            .prop_map(|v| ("site_id", v)),
        prop::collection::vec(128u8..=255, 1..8)
            .prop_filter("not UTF-8", |v| std::str::from_utf8(v).is_err())
            .prop_map(|v| ("username", v)),
        prop::collection::vec(1u8..=255, 1..8)
            .prop_filter("not UTF-8", |v| std::str::from_utf8(v).is_err())
            .prop_map(|v| ("password", v)),
        (4097usize..4200).prop_map(|n| ("password", vec![b'p'; n])),
        ascii("[ -~]{0,10}[\u{1}-\u{1f}\u{7f}][ -~]{0,10}").prop_map(|v| ("authorization", v)),
        ascii("[a-z]{0,4}[\u{e9}\u{20ac}][a-z]{0,4}").prop_map(|v| ("authorization", v)),
        (8193usize..8300).prop_map(|n| ("authorization", vec![b'a'; n])),
    ]
}

unsafe extern "C" fn never_called(_: *mut c_void, _: ut_result, _: *const c_char) {
    std::process::abort();
}

#[test]
fn any_invalid_argument_is_refused_without_a_request() {
    let f = Fixture::new();
    let c = f.client("");
    runner(64)
        .run(&(invalid_argument(), any::<bool>()), |((parameter, bad), asynchronous)| {
            let arg = |name: &str, good: &str| {
                CString::new(if name == parameter { bad.clone() } else { good.into() }).unwrap()
            };
            let (v, s) = (arg("version", "6"), arg("site_id", SITE));
            let (u, p, a) = (arg("username", USERNAME), arg("password", PASSWORD), arg("authorization", "Bearer t"));
            let token_call = parameter == "authorization";
            let mut out = ptr::null_mut();
            let code = unsafe {
                match (token_call, asynchronous) {
                    (false, false) => ut_issue(c.raw, v.as_ptr(), s.as_ptr(), u.as_ptr(), p.as_ptr(), &mut out),
                    (true, false) => ut_renew(c.raw, v.as_ptr(), s.as_ptr(), a.as_ptr(), &mut out),
                    (false, true) => ut_issue_async(
                        c.raw,
                        v.as_ptr(),
                        s.as_ptr(),
                        u.as_ptr(),
                        p.as_ptr(),
                        Some(never_called),
                        ptr::null_mut(),
                        ptr::null_mut(),
                    ),
                    (true, true) => ut_revoke_async(
                        c.raw,
                        v.as_ptr(),
                        s.as_ptr(),
                        a.as_ptr(),
                        Some(never_called),
                        ptr::null_mut(),
                        ptr::null_mut(),
                    ),
                }
            };
            prop_assert_eq!(code, UT_INVALID_ARGUMENT, "{} {:?}", parameter, bad);
            if !asynchronous {
                let document = doc(&take(out));
                let message = document["message"].as_str().unwrap();
                prop_assert!(message.starts_with(parameter), "{} should name {}", message, parameter);
                prop_assert_eq!(document["attempts"].as_u64(), Some(0));
            }
            prop_assert_eq!(&f.stats()["requests"], 0, "nothing may be sent");
            Ok(())
        })
        .unwrap();
}

/// A JSON value of any type, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[A-Za-z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn any_object_with_a_usable_access_token_is_an_accepted_issue_answer() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":0"#);
    let extra = prop::collection::btree_map("[A-Za-z]{1,10}", any_json(), 0..4);
    runner(48)
        .run(&("[!-~]{1,40}", extra, prop::option::of(any_json())), |(token, extra, expires)| {
            let mut body = serde_json::Map::new();
            body.insert("AccessToken".to_owned(), Value::from(token));
            if let Some(expires) = expires {
                body.insert("Expires".to_owned(), expires);
            }
            for (key, value) in extra {
                if key != "AccessToken" && key != "Expires" {
                    body.insert(key, value);
                }
            }
            let text = Value::Object(body).to_string();
            f.fault(&json!({"kind": "status", "status": 200, "body": text, "call": "issue"}).to_string());
            let (code, out) = c.issue(USERNAME, PASSWORD);
            prop_assert_eq!(code, "UT_OK", "{}", out);
            prop_assert_eq!(out, text, "the body exactly as received");
            Ok(())
        })
        .unwrap();
}

#[test]
fn an_access_token_that_cannot_be_sent_back_is_a_decode_error() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":0"#);
    let unusable = "\\PC{0,40}"
        .prop_filter("unusable", |t: &String| t.is_empty() || !t.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    runner(32)
        .run(&(unusable, prop::bool::ANY), |(token, renew)| {
            let text = json!({"AccessToken": token, "Expires": "2099-01-01T00:00:00Z"}).to_string();
            let call = if renew { "renew" } else { "issue" };
            f.fault(&json!({"kind": "status", "status": 200, "body": text, "call": call}).to_string());
            let (code, out) = if renew { c.renew("a-token") } else { c.issue(USERNAME, PASSWORD) };
            prop_assert_eq!(code, "UT_DECODE", "{}", out);
            let d = doc(&out);
            prop_assert_eq!(d["http_status"].as_u64(), Some(200));
            prop_assert_eq!(d["attempts"].as_u64(), Some(1));
            Ok(())
        })
        .unwrap();
}

/// The contract: an issue answer "must be a JSON object whose AccessToken is a string, else
/// UT_DECODE". It says nothing of Expires, which the API documents as a date-time string but
/// which the library only needs for sessions.
#[test]
fn issue_accepts_an_access_token_whatever_type_expires_has() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":0"#);
    let mut refused = Vec::new();
    for expires in ["\"2026-11-28T01:28:43Z\"", "null", "1795829323", "true", "{}", "[]"] {
        let body = format!(r#"{{"TokenType":"Bearer","AccessToken":"abc","Expires":{expires}}}"#);
        f.fault(&json!({"kind": "status", "status": 200, "body": body, "call": "issue"}).to_string());
        let (code, out) = c.issue(USERNAME, PASSWORD);
        if code != "UT_OK" || out != body {
            refused.push(format!("Expires {expires}: {code} {out}"));
        }
    }
    assert!(refused.is_empty(), "accepted bodies were refused:\n{}", refused.join("\n"));
}

// ------------------------------------------------------------------ the fuzz checks, short

/// Inputs generated per target on top of the seeds: enough to exercise every branch of the
/// checks in a few seconds, not a substitute for `make fuzz`.
const GENERATED_INPUTS: usize = 3000;

/// A small deterministic generator (xorshift64*), so a failure reproduces exactly.
struct Generator(u64);

impl Generator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens worth splicing in: the grammar's punctuation, the contract's field names and the
/// edges of the numbers it checks.
const DICTIONARY: [&[u8]; 16] = [
    b"\"AccessToken\"",
    b"\"Expires\"",
    b"\"Error\"",
    b"\"Code\"",
    b"\"Message\"",
    b"null",
    b"true",
    b"1e999",
    b"\\u0000",
    b"\\ud800",
    b"{K}",
    b"{P}",
    b"\"api_key\"",
    b"18446744073709551616",
    b"http://",
    b"GMT",
];

/// One generated input: a seed with one to four mutations, as libFuzzer's simplest ones.
fn mutate(seeds: &[Vec<u8>], g: &mut Generator) -> Vec<u8> {
    let mut input = seeds[g.below(seeds.len())].clone();
    for _ in 0..1 + g.below(4) {
        let at = g.below(input.len() + 1);
        match g.below(6) {
            0 if !input.is_empty() => {
                let last = input.len() - 1;
                input[at.min(last)] ^= 1 << g.below(8);
            }
            1 => input.insert(at, g.next() as u8),
            2 if !input.is_empty() => {
                let end = (at + 1 + g.below(8)).min(input.len());
                input.drain(at.min(end)..end);
            }
            3 => {
                let token = DICTIONARY[g.below(DICTIONARY.len())];
                input.splice(at..at, token.iter().copied());
            }
            4 => {
                let other = &seeds[g.below(seeds.len())];
                let from = g.below(other.len());
                input.splice(at..at, other[from..].iter().copied().take(1 + g.below(32)));
            }
            _ => input.truncate(at),
        }
    }
    input
}

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[test]
fn fuzz_checks_hold_on_the_seed_corpus_and_generated_inputs() {
    use fuzz_checks::targets;
    type Check = fn(&[u8]);
    let checks: [(&str, Check); 4] = [
        ("config", targets::config),
        ("arguments", targets::arguments),
        ("response", targets::response),
        ("dates", targets::dates),
    ];
    for (target, check) in checks {
        let seeds = seeds(target);
        assert!(seeds.len() >= 5, "{target}: a handful of seeds");
        for seed in &seeds {
            check(seed);
        }
        let mut generator = Generator(0x9e37_79b9_7f4a_7c15 ^ target.len() as u64);
        for _ in 0..GENERATED_INPUTS {
            check(&mutate(&seeds, &mut generator));
        }
    }
}
