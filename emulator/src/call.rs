//! The three UserToken operations, as routes name them, faults target them and stats count
//! them.

use hyper::Method;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Call {
    Issue,
    Renew,
    Revoke,
}

impl Call {
    pub(crate) const ALL: [Call; 3] = [Call::Issue, Call::Renew, Call::Revoke];

    /// The last segment of its path.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Call::Issue => "issue",
            Call::Renew => "renew",
            Call::Revoke => "revoke",
        }
    }

    pub(crate) fn method(self) -> Method {
        match self {
            Call::Issue | Call::Renew => Method::POST,
            Call::Revoke => Method::DELETE,
        }
    }
}
