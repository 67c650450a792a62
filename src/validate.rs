//! Argument rules of the C API, on plain byte strings.
//!
//! Every rule runs before any request is built, so a bad argument never reaches the wire.
//! Each error names the parameter as the header spells it.

use crate::error::Error;

pub const VERSION_MAX: usize = 16;
pub const SITE_ID_MAX_DIGITS: usize = 18;
pub const CREDENTIAL_MAX: usize = 4096;
pub const AUTHORIZATION_MAX: usize = 8192;

fn utf8<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, Error> {
    std::str::from_utf8(bytes).map_err(|_| Error::invalid_argument(name, "is not valid UTF-8"))
}

fn length(name: &str, bytes: &[u8], max: usize) -> Result<(), Error> {
    if bytes.is_empty() {
        return Err(Error::invalid_argument(name, "must not be empty"));
    }
    if bytes.len() > max {
        return Err(Error::invalid_argument(name, &format!("is too long (more than {max} bytes)")));
    }
    Ok(())
}

/// `version`: 1–16 bytes of `[A-Za-z0-9._-]`.
pub fn version(bytes: &[u8]) -> Result<&str, Error> {
    length("version", bytes, VERSION_MAX)?;
    if !bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')) {
        return Err(Error::invalid_argument("version", "may hold only A-Z, a-z, 0-9, '.', '_' and '-'"));
    }
    utf8("version", bytes)
}

/// `site_id`: an integer, optional leading `-`, 1–18 digits.
pub fn site_id(bytes: &[u8]) -> Result<&str, Error> {
    length("site_id", bytes, SITE_ID_MAX_DIGITS + 1)?;
    let digits = bytes.strip_prefix(b"-").unwrap_or(bytes);
    if digits.is_empty() || digits.len() > SITE_ID_MAX_DIGITS || !digits.iter().all(u8::is_ascii_digit) {
        return Err(Error::invalid_argument(
            "site_id",
            "must be an integer of 1 to 18 digits with an optional leading '-'",
        ));
    }
    utf8("site_id", bytes)
}

/// `username` and `password`: valid UTF-8, 1–4096 bytes.
pub fn credential<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, Error> {
    length(name, bytes, CREDENTIAL_MAX)?;
    utf8(name, bytes)
}

/// `authorization`: 1–8192 bytes of printable ASCII (0x20–0x7E).
pub fn authorization(bytes: &[u8]) -> Result<&str, Error> {
    length("authorization", bytes, AUTHORIZATION_MAX)?;
    if !bytes.iter().all(|b| (0x20..=0x7e).contains(b)) {
        return Err(Error::invalid_argument(
            "authorization",
            "may hold only printable ASCII (no CR, LF or other control bytes)",
        ));
    }
    utf8("authorization", bytes)
}

/// The bare token inside an `Authorization` value: `Bearer <t>` and `<t>` both name `<t>`.
pub fn bare_token(authorization: &str) -> &str {
    match authorization.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => authorization,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::Code;

    fn rejects(result: Result<&str, Error>, name: &str) {
        let err = result.expect_err("should be rejected");
        assert_eq!(err.code, Code::InvalidArgument);
        assert!(err.message.starts_with(name), "message {:?} should name {name}", err.message);
    }

    #[test]
    fn version_rules() {
        assert_eq!(version(b"6").unwrap(), "6");
        assert_eq!(version(b"6.0-beta_1").unwrap(), "6.0-beta_1");
        assert_eq!(version(&[b'9'; 16]).unwrap().len(), 16);
        rejects(version(&[b'9'; 17]), "version");
        rejects(version(b""), "version");
        rejects(version(b"6/../x"), "version");
        rejects(version(b"6 "), "version");
        rejects(version(&[0xff]), "version");
    }

    #[test]
    fn site_id_rules() {
        assert_eq!(site_id(b"-99").unwrap(), "-99");
        assert_eq!(site_id(b"123456789012345678").unwrap().len(), 18);
        assert_eq!(site_id(b"-123456789012345678").unwrap().len(), 19);
        rejects(site_id(b"1234567890123456789"), "site_id");
        rejects(site_id(b"-"), "site_id");
        rejects(site_id(b""), "site_id");
        rejects(site_id(b"--1"), "site_id");
        rejects(site_id(b"+1"), "site_id");
        rejects(site_id(b"12a"), "site_id");
        rejects(site_id(b" 1"), "site_id");
    }

    #[test]
    fn credential_rules() {
        assert_eq!(credential("username", "jdoe".as_bytes()).unwrap(), "jdoe");
        assert!(credential("password", "p\u{e4}ss \"\\\t\u{1}".as_bytes()).is_ok());
        assert!(credential("password", &[b'x'; 4096]).is_ok());
        rejects(credential("password", &[b'x'; 4097]), "password");
        rejects(credential("username", b""), "username");
        rejects(credential("username", &[0xc3, 0x28]), "username");
    }

    #[test]
    fn authorization_rules() {
        assert!(authorization(b"Bearer abc").is_ok());
        assert!(authorization(&[b'a'; 8192]).is_ok());
        rejects(authorization(&[b'a'; 8193]), "authorization");
        rejects(authorization(b"abc\r\nX-Evil: 1"), "authorization");
        rejects(authorization(b"abc\n"), "authorization");
        rejects(authorization(b"a\x7f"), "authorization");
        rejects(authorization("t\u{e9}".as_bytes()), "authorization");
        rejects(authorization(b""), "authorization");
    }

    #[test]
    fn bare_token_strips_the_bearer_scheme() {
        assert_eq!(bare_token("Bearer abc"), "abc");
        assert_eq!(bare_token("bearer  abc "), "abc");
        assert_eq!(bare_token("abc"), "abc");
        assert_eq!(bare_token("Basic abc"), "Basic abc");
    }
}
