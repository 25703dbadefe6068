//! Time-based one-time passwords (RFC 6238 over RFC 4226, HMAC-SHA-1, 30-second steps),
//! base32 secrets (RFC 4648), `otpauth://` URIs and their QR code rendered as SVG.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

/// Step length in seconds.
pub const STEP: u64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes base32 (case and spaces ignored).
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = BASE32.iter().position(|&b| b as char == c.to_ascii_uppercase())? as u32;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A new random 160-bit secret, base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base32_encode(&bytes)
}

/// The HOTP value of a counter (RFC 4226), with `digits` digits.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[19] & 0x0f) as usize;
    let binary = (u32::from(hash[offset]) & 0x7f) << 24
        | u32::from(hash[offset + 1]) << 16
        | u32::from(hash[offset + 2]) << 8
        | u32::from(hash[offset + 3]);
    binary % 10u32.pow(digits)
}

/// The step of a Unix time in seconds.
pub fn step_of(unix_secs: u64) -> u64 {
    unix_secs / STEP
}

/// Checks a typed code at `unix_secs`, accepting one step of clock drift either way, and
/// refusing steps at or before `last_step` (a code works once). Returns the step used.
pub fn verify(secret: &[u8], typed: &str, unix_secs: u64, last_step: Option<u64>) -> Option<u64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u32 = digits.parse().ok()?;
    let now = step_of(unix_secs);
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .filter(|s| last_step.is_none_or(|last| *s > last))
        .find(|s| hotp(secret, *s, DIGITS) == value)
}

/// The `otpauth://` URI authenticator apps read from the QR code.
pub fn otpauth_uri(secret_b32: &str, account: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc("Sésame"),
        enc(account),
        enc("Sésame")
    )
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

    /// RFC 6238, appendix B (SHA-1, 8 digits).
    #[test]
    fn rfc6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, expected) in [
            (59u64, 94_287_082u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(hotp(secret, step_of(time), 8), expected, "t={time}");
        }
    }

    /// RFC 4226, appendix D (6 digits).
    #[test]
    fn rfc4226_test_vectors() {
        let expected = [755_224, 287_082, 359_152, 969_429, 338_314, 254_676, 287_922, 162_583, 399_871, 520_489];
        for (counter, value) in expected.iter().enumerate() {
            assert_eq!(hotp(b"12345678901234567890", counter as u64, 6), *value);
        }
    }

    #[test]
    fn verification_allows_drift_and_refuses_replay() {
        let secret = b"12345678901234567890";
        let t = 1_234_567_890u64;
        let code = format!("{:06}", hotp(secret, step_of(t), 6));
        assert_eq!(verify(secret, &code, t, None), Some(step_of(t)));
        assert_eq!(verify(secret, &code, t + 30, None), Some(step_of(t)), "one step late");
        assert_eq!(verify(secret, &code, t + 90, None), None, "too late");
        assert_eq!(verify(secret, &code, t, Some(step_of(t))), None, "used once already");
        assert_eq!(verify(secret, "12345", t, None), None);
        assert_eq!(verify(secret, &format!("{} {}", &code[..3], &code[3..]), t, None), Some(step_of(t)));
    }

    #[test]
    fn base32_round_trip() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("mzxw 6ytb oi").unwrap(), b"foobar");
        let s = new_secret();
        assert_eq!(s.len(), 32);
        assert_eq!(base32_decode(&s).unwrap().len(), 20);
    }

    #[test]
    fn uri_and_qr() {
        let uri = otpauth_uri("JBSWY3DPEHPK3PXP", "jean@labo.fr");
        assert!(uri.starts_with("otpauth://totp/S%C3%A9same:jean@labo.fr?secret=JBSWY3DPEHPK3PXP&issuer=S%C3%A9same"));
        let svg = qr_svg(&uri);
        assert!(svg.starts_with("<svg") && svg.contains("<path d=\"M"));
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
