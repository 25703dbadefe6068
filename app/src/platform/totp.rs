//! Time-based one-time passwords for authenticator apps. The RFC 6238 arithmetic, base32
//! and the `otpauth://` URI come from `totp-rs`; Sésame keeps its own policy on top: one
//! step of clock drift either way, and a code never accepted twice (a step at or before the
//! last one used is refused). The QR code is rendered here as SVG (no script, no image).

use rand::RngCore;
use totp_rs::{Algorithm, Secret, TOTP};

/// Step length in seconds.
pub const STEP: u64 = 30;
/// Digits of a code.
pub const DIGITS: usize = 6;
/// Name shown in authenticator apps.
const ISSUER: &str = "Sésame";

/// The generator of an account's codes, from its base32 seed; `None` for a seed that does
/// not decode or is shorter than RFC 4226 allows.
fn generator(secret_b32: &str, account: &str) -> Option<TOTP> {
    let compact: String = secret_b32.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    let bytes = Secret::Encoded(compact).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, DIGITS, 0, STEP, bytes, Some(ISSUER.into()), account.into()).ok()
}

/// A new random 160-bit seed, base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

/// The step of a Unix time in seconds.
pub fn step_of(unix_secs: u64) -> u64 {
    unix_secs / STEP
}

/// The code an app shows at `unix_secs` (what a test or the bench types).
pub fn code_at(secret_b32: &str, unix_secs: u64) -> Option<String> {
    Some(generator(secret_b32, "")?.generate(unix_secs))
}

/// Checks a typed code at `unix_secs`, accepting one step of clock drift either way, and
/// refusing steps at or before `last_step` (a code works once). Returns the step used.
pub fn verify(secret_b32: &str, typed: &str, unix_secs: u64, last_step: Option<u64>) -> Option<u64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if digits.len() != DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = generator(secret_b32, "")?;
    let now = step_of(unix_secs);
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .filter(|s| last_step.is_none_or(|last| *s > last))
        .find(|s| totp.check(&digits, s * STEP))
}

/// The `otpauth://` URI authenticator apps read from the QR code; `None` for a seed that
/// does not decode.
pub fn otpauth_uri(secret_b32: &str, account: &str) -> Option<String> {
    Some(generator(secret_b32, account)?.get_url())
}

/// The QR code of a text as an SVG image (rendered on the server: no script, no image file).
pub fn qr_svg(text: &str) -> String {
    let Ok(qr) = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium) else {
        return String::new();
    };
    let border = 4;
    let size = qr.size() + border * 2;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" role=\"img\" aria-label=\"QR code\" shape-rendering=\"crispEdges\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/><path d=\"{path}\" fill=\"#000000\"/></svg>"
    )
}

/// Groups a secret by 4 for reading it aloud or typing it.
pub fn grouped(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC 6238 seed for SHA-1 ("12345678901234567890"), base32.
    const RFC_SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    /// RFC 6238, appendix B (SHA-1, 8 digits), through the same crate and seed decoding.
    #[test]
    fn rfc6238_test_vectors() {
        let bytes = Secret::Encoded(RFC_SEED.into()).to_bytes().unwrap();
        assert_eq!(bytes, b"12345678901234567890");
        let totp = TOTP::new(Algorithm::SHA1, 8, 0, STEP, bytes, None, String::new()).unwrap();
        for (time, expected) in [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(totp.generate(time), expected, "t={time}");
        }
        // The six-digit codes Sésame checks are the last six digits of the same values.
        assert_eq!(code_at(RFC_SEED, 1_234_567_890).as_deref(), Some("005924"));
    }

    #[test]
    fn verification_allows_drift_and_refuses_replay() {
        let t = 1_234_567_890u64;
        let code = code_at(RFC_SEED, t).unwrap();
        assert_eq!(verify(RFC_SEED, &code, t, None), Some(step_of(t)));
        assert_eq!(verify(RFC_SEED, &code, t + 30, None), Some(step_of(t)), "one step late");
        assert_eq!(verify(RFC_SEED, &code, t - 30, None), Some(step_of(t)), "one step early");
        assert_eq!(verify(RFC_SEED, &code, t + 90, None), None, "too late");
        assert_eq!(verify(RFC_SEED, &code, t, Some(step_of(t))), None, "used once already");
        assert_eq!(verify(RFC_SEED, "12345", t, None), None);
        assert_eq!(verify(RFC_SEED, &format!("{} {}", &code[..3], &code[3..]), t, None), Some(step_of(t)));
        assert_eq!(verify("not base32!", &code, t, None), None);
    }

    #[test]
    fn new_seeds_are_160_bits_and_usable() {
        let s = new_secret();
        assert_eq!(s.len(), 32);
        assert_ne!(s, new_secret());
        assert!(code_at(&s, 0).is_some());
        assert!(code_at(&grouped(&s).to_lowercase(), 0) == code_at(&s, 0), "spaces and case ignored");
    }

    #[test]
    fn uri_and_qr() {
        let uri = otpauth_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "jean@labo.fr").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/S%C3%A9same:jean%40labo.fr?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
            "{uri}"
        );
        assert!(uri.contains("issuer=S%C3%A9same"));
        let svg = qr_svg(&uri);
        assert!(svg.starts_with("<svg") && svg.contains("<path d=\"M"));
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
