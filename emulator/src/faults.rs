//! Faults tests queue for the next matching API requests, and the queue that hands them out.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

use hyper::header::HeaderValue;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::call::Call;

/// An `oversized` fault's answer: a valid issue answer whose `Pad` fills it to the size asked.
pub(crate) const OVERSIZED_HEAD: &str = r#"{"TokenType":"Bearer","AccessToken":"oversized-token","Pad":""#;
pub(crate) const OVERSIZED_TAIL: &str = r#""}"#;
/// The size of the oversized document with an empty `Pad`.
pub(crate) const OVERSIZED_MIN_BYTES: usize = OVERSIZED_HEAD.len() + OVERSIZED_TAIL.len();
/// Large enough for any client limit worth testing, small enough not to exhaust memory.
const OVERSIZED_MAX_BYTES: usize = 256 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    Status,
    Delay,
    Hang,
    Drop,
    DropMidBody,
    Trickle,
    Oversized,
    Redirect,
    CloseWhenIdle,
    ResetWhenIdle,
    Echo,
    OverstatedLength,
}

/// How an `echo` fault writes the request into `Error.Message`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Escape {
    /// Only what JSON requires (`"`, `\`, control characters).
    #[default]
    Json,
    /// As .NET's System.Text.Json does by default: also HTML-sensitive characters (`"` as
    /// `\u0022`, `&` as `\u0026`, `<`, `>`, `'`, `+`, `` ` ``) and everything beyond ASCII.
    Dotnet,
}

/// What an `overstated_length` fault does once its short body is sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AfterBody {
    /// Closes the connection.
    #[default]
    Close,
    /// Sends nothing more, leaving the connection open.
    Hang,
}

/// One queued fault, as posted to `/_emulator/faults` and listed back with its defaults filled in.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fault {
    pub(crate) kind: Kind,
    /// None matches any of the three API calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) call: Option<Call>,
    /// How many more matching requests it applies to.
    #[serde(default = "one")]
    pub(crate) count: u32,
    #[serde(default)]
    pub(crate) delay_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retry_after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) body_bytes: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) interval_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) idle_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) echo_headers: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) escape: Option<Escape>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) announced_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) after_body: Option<AfterBody>,
}

/// The largest `announced_bytes`: the largest signed 64-bit length, which every client can
/// at least parse.
pub(crate) const ANNOUNCED_MAX_BYTES: u64 = i64::MAX as u64;
/// What an `overstated_length` fault announces unless told: a quadrillion bytes, about.
const ANNOUNCED_DEFAULT_BYTES: u64 = 999_999_999_999_999;
/// What an `overstated_length` fault sends unless told: the start of an issue answer.
const OVERSTATED_DEFAULT_BODY: &str = r#"{"TokenType":"Bearer","AccessToken":""#;

fn one() -> u32 {
    1
}

impl Fault {
    /// Rejects settings that would be silently ignored or could not be sent, and fills in the
    /// defaults of the kind.
    fn checked(mut self) -> Result<Fault, String> {
        if self.count == 0 {
            return Err("count must be at least 1".to_owned());
        }
        let allowed: &[&str] = match self.kind {
            Kind::Status => &["status", "retry_after", "body", "content_type"],
            Kind::Redirect => &["status", "retry_after", "body", "content_type", "location"],
            Kind::Oversized => &["body_bytes"],
            Kind::Trickle => &["interval_ms"],
            Kind::CloseWhenIdle | Kind::ResetWhenIdle => &["idle_ms"],
            Kind::Echo => &["status", "code", "echo_headers", "escape", "content_type"],
            Kind::OverstatedLength => &["status", "body", "content_type", "announced_bytes", "after_body"],
            Kind::Delay | Kind::Hang | Kind::Drop | Kind::DropMidBody => &[],
        };
        let given = [
            ("status", self.status.is_some()),
            ("retry_after", self.retry_after.is_some()),
            ("body", self.body.is_some()),
            ("content_type", self.content_type.is_some()),
            ("body_bytes", self.body_bytes.is_some()),
            ("interval_ms", self.interval_ms.is_some()),
            ("location", self.location.is_some()),
            ("idle_ms", self.idle_ms.is_some()),
            ("code", self.code.is_some()),
            ("echo_headers", self.echo_headers.is_some()),
            ("escape", self.escape.is_some()),
            ("announced_bytes", self.announced_bytes.is_some()),
            ("after_body", self.after_body.is_some()),
        ];
        if let Some((name, _)) = given.iter().find(|(name, set)| *set && !allowed.contains(name)) {
            return Err(format!("{name} does not apply to a fault of kind {}", self.kind.name()));
        }
        for (name, value) in
            [("retry_after", &self.retry_after), ("content_type", &self.content_type), ("location", &self.location)]
        {
            if value.as_deref().is_some_and(|v| HeaderValue::from_str(v).is_err()) {
                return Err(format!("{name} is not a valid header value"));
            }
        }
        match self.kind {
            Kind::Status => {
                self.status = Some(status_in_range(self.status.unwrap_or(500))?);
            }
            Kind::Redirect => {
                if self.location.is_none() {
                    return Err("a redirect fault needs a location".to_owned());
                }
                self.status = Some(status_in_range(self.status.unwrap_or(302))?);
            }
            Kind::Oversized => match self.body_bytes {
                None => return Err("an oversized fault needs body_bytes".to_owned()),
                Some(n) if !(OVERSIZED_MIN_BYTES..=OVERSIZED_MAX_BYTES).contains(&n) => {
                    return Err(format!("body_bytes must be between {OVERSIZED_MIN_BYTES} and {OVERSIZED_MAX_BYTES}"))
                }
                Some(_) => {}
            },
            Kind::Trickle => {
                self.interval_ms.get_or_insert(50);
            }
            Kind::Echo => {
                self.status = Some(status_in_range(self.status.unwrap_or(400))?);
                self.code.get_or_insert_with(|| "InvalidParameter".to_owned());
                self.echo_headers.get_or_insert(false);
                self.escape.get_or_insert_with(Escape::default);
            }
            Kind::OverstatedLength => {
                self.status = Some(status_in_range(self.status.unwrap_or(200))?);
                let body = self.body.get_or_insert_with(|| OVERSTATED_DEFAULT_BODY.to_owned());
                let sent = body.len() as u64;
                let announced = *self.announced_bytes.get_or_insert(ANNOUNCED_DEFAULT_BYTES);
                if announced <= sent || announced > ANNOUNCED_MAX_BYTES {
                    return Err(format!(
                        "announced_bytes must be more than the body's {sent} bytes and at most {ANNOUNCED_MAX_BYTES}"
                    ));
                }
                self.after_body.get_or_insert_with(AfterBody::default);
            }
            Kind::Delay | Kind::Hang | Kind::Drop | Kind::DropMidBody | Kind::CloseWhenIdle | Kind::ResetWhenIdle => {}
        }
        Ok(self)
    }

    fn matches(&self, call: Call) -> bool {
        self.call.map_or(true, |c| c == call)
    }
}

fn status_in_range(status: u16) -> Result<u16, String> {
    // 1xx are not final answers, so HTTP cannot send them as a response.
    if (200..=599).contains(&status) {
        Ok(status)
    } else {
        Err(format!("status {status} is not between 200 and 599"))
    }
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Status => "status",
            Kind::Delay => "delay",
            Kind::Hang => "hang",
            Kind::Drop => "drop",
            Kind::DropMidBody => "drop_mid_body",
            Kind::Trickle => "trickle",
            Kind::Oversized => "oversized",
            Kind::Redirect => "redirect",
            Kind::CloseWhenIdle => "close_when_idle",
            Kind::ResetWhenIdle => "reset_when_idle",
            Kind::Echo => "echo",
            Kind::OverstatedLength => "overstated_length",
        }
    }
}

/// Reads one fault object or `{"faults":[...]}`; all of them are valid, or none is taken.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<Fault>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    let list = match value {
        Value::Object(mut object) if object.contains_key("faults") => {
            if object.len() != 1 {
                return Err("a fault list is {\"faults\":[...]} with no other keys".to_owned());
            }
            match object.remove("faults") {
                Some(Value::Array(items)) => items,
                _ => return Err("faults must be an array".to_owned()),
            }
        }
        single => vec![single],
    };
    list.into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value::<Fault>(item)
                .map_err(|e| e.to_string())
                .and_then(Fault::checked)
                .map_err(|e| format!("fault {i}: {e}"))
        })
        .collect()
}

#[derive(Default)]
pub(crate) struct FaultQueue {
    queue: Mutex<VecDeque<Fault>>,
}

impl FaultQueue {
    /// Appends the faults; answers how many are pending now.
    pub(crate) fn push(&self, faults: Vec<Fault>) -> usize {
        let mut queue = self.lock();
        queue.extend(faults);
        queue.len()
    }

    /// The first pending fault for `call`, used up once.
    pub(crate) fn take(&self, call: Call) -> Option<Fault> {
        let mut queue = self.lock();
        let at = queue.iter().position(|fault| fault.matches(call))?;
        let fault = &mut queue[at];
        fault.count -= 1;
        if fault.count == 0 {
            queue.remove(at)
        } else {
            Some(fault.clone())
        }
    }

    pub(crate) fn list(&self) -> Vec<Fault> {
        self.lock().iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<Fault>> {
        self.queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
