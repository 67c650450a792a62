//! User tokens in the shape the real API has issued since January 2024: a JWT, three
//! base64url parts (a header, a payload whose `exp` is the expiry in Unix seconds, a
//! signature). The claims besides `exp` and `iat` are the emulator's own; the signature is
//! HMAC-SHA256 under a key made at start, so a token is recognised without being stored and
//! one emulator never accepts another's tokens. Nothing cryptographic is promised.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::hmac;
use serde::{Deserialize, Serialize};

/// `{"alg":"HS256","typ":"JWT"}`, the same in every token.
const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
const ISSUER: &str = "ut-emulator";

/// What a token says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claims<'a> {
    /// Unique per token: what the emulator knows it by.
    pub(crate) id: u128,
    pub(crate) site_id: i64,
    pub(crate) user_id: i64,
    pub(crate) user_type: &'a str,
    pub(crate) issued_unix_s: i64,
    pub(crate) expires_unix_s: i64,
}

/// The payload as written: field order is fixed, so a token can be made again from its claims.
#[derive(Serialize)]
struct Payload<'a> {
    iss: &'a str,
    sub: String,
    site_id: i64,
    user_type: &'a str,
    jti: String,
    iat: i64,
    nbf: i64,
    exp: i64,
}

#[derive(Deserialize)]
struct Identity {
    jti: String,
}

/// Signs and reads tokens with one key.
pub(crate) struct Signer {
    key: hmac::Key,
}

impl Signer {
    /// A fresh random key.
    pub(crate) fn new() -> Signer {
        let secret: [u8; 32] = std::array::from_fn(|_| fastrand::u8(..));
        Signer { key: hmac::Key::new(hmac::HMAC_SHA256, &secret) }
    }

    /// The token for `claims`; the same claims always give the same token.
    pub(crate) fn token(&self, claims: &Claims) -> String {
        let payload = Payload {
            iss: ISSUER,
            sub: claims.user_id.to_string(),
            site_id: claims.site_id,
            user_type: claims.user_type,
            jti: format!("{:032x}", claims.id),
            iat: claims.issued_unix_s,
            nbf: claims.issued_unix_s,
            exp: claims.expires_unix_s,
        };
        let json = serde_json::to_vec(&payload).unwrap_or_default();
        let mut token = format!("{HEADER}.{}", URL_SAFE_NO_PAD.encode(json));
        let signature = hmac::sign(&self.key, token.as_bytes());
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(signature.as_ref()));
        token
    }

    /// The id of a token this signer made; `None` for anything else (malformed, altered, or
    /// signed by another emulator).
    pub(crate) fn id(&self, token: &str) -> Option<u128> {
        let (signed, signature) = token.rsplit_once('.')?;
        let (header, payload) = signed.split_once('.')?;
        if header != HEADER {
            return None;
        }
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        hmac::verify(&self.key, signed.as_bytes(), &signature).ok()?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let identity: Identity = serde_json::from_slice(&payload).ok()?;
        u128::from_str_radix(&identity.jti, 16).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn claims() -> Claims<'static> {
        Claims {
            id: 0x0123_4567_89ab_cdef_0011_2233_4455_6677,
            site_id: -99,
            user_id: 100_000_123,
            user_type: "Staff",
            issued_unix_s: 1_795_828_523,
            expires_unix_s: 1_795_914_923,
        }
    }

    fn part(token: &str, n: usize) -> Value {
        let text = URL_SAFE_NO_PAD.decode(token.split('.').nth(n).unwrap()).unwrap();
        serde_json::from_slice(&text).unwrap()
    }

    #[test]
    fn a_token_is_a_signed_jwt_with_exp_and_iat() {
        let signer = Signer::new();
        let token = signer.token(&claims());
        assert_eq!(token.split('.').count(), 3);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'), "{token}");
        assert!((250..=600).contains(&token.len()), "{} characters", token.len());
        assert_eq!(part(&token, 0), serde_json::json!({"alg": "HS256", "typ": "JWT"}));
        let payload = part(&token, 1);
        assert_eq!(payload["exp"], 1_795_914_923);
        assert_eq!(payload["iat"], 1_795_828_523);
        assert_eq!(payload["site_id"], -99);
        assert_eq!(payload["sub"], "100000123");
        assert_eq!(payload["jti"], "0123456789abcdef0011223344556677");
        assert_eq!(signer.token(&claims()), token, "made again from the same claims");
        assert_eq!(signer.id(&token), Some(claims().id));
    }

    #[test]
    fn only_unaltered_tokens_of_this_signer_are_recognised() {
        let signer = Signer::new();
        let token = signer.token(&claims());
        assert_eq!(Signer::new().id(&token), None, "another emulator's key");
        let mut other = claims();
        other.expires_unix_s += 86_400;
        let forged =
            format!("{}.{}", signer.token(&other).rsplit_once('.').unwrap().0, token.rsplit_once('.').unwrap().1);
        assert_eq!(signer.id(&forged), None, "a payload under another token's signature");
        for bad in ["", "a.b.c", "no-dots", &token[..token.len() - 1], &format!("{token}x"), &format!(" {token}")] {
            assert_eq!(signer.id(bad), None, "{bad:?}");
        }
    }
}
