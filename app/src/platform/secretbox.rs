//! Encrypting the few secrets that must be read back (second-factor seeds) with a key
//! derived from the server's secret key by HKDF-SHA-256: a database dump alone does not
//! reveal them. A sealed value is `2.` followed by the hexadecimal of nonce and ciphertext.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use rand::RngCore;
use sha2::Sha256;

/// Sealing failed: nothing must be stored.
#[derive(Debug, thiserror::Error)]
#[error("sealing failed")]
pub struct SealError;

/// Prefix of values sealed with the HKDF-derived key.
const VERSION: &str = "2.";

fn cipher(secret_key: &[u8]) -> XChaCha20Poly1305 {
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(b"sesame-secretbox"), secret_key)
        .expand(b"second-factor-seeds v2", &mut key)
        .expect("32 bytes is a valid HKDF-SHA-256 output length");
    XChaCha20Poly1305::new(&key.into())
}

/// The key of values sealed before HKDF (no prefix); read, never written.
fn legacy_cipher(secret_key: &[u8]) -> XChaCha20Poly1305 {
    let key = super::crypto::keyed_hash(secret_key, "secretbox-key-v1", "");
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(&key[i * 2..i * 2 + 2], 16).unwrap_or_default();
    }
    XChaCha20Poly1305::new(&bytes.into())
}

/// Encrypts a value under a fresh random nonce.
pub fn seal(secret_key: &[u8], plaintext: &[u8]) -> Result<String, SealError> {
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let sealed = cipher(secret_key).encrypt(XNonce::from_slice(&nonce), plaintext).map_err(|_| SealError)?;
    Ok(format!("{VERSION}{}{}", super::crypto::hex(&nonce), super::crypto::hex(&sealed)))
}

/// Decrypts a value sealed with [`seal`]; `None` if it was tampered with or the key changed.
pub fn open(secret_key: &[u8], sealed: &str) -> Option<Vec<u8>> {
    let (cipher, hex) = match sealed.strip_prefix(VERSION) {
        Some(rest) => (cipher(secret_key), rest),
        None => (legacy_cipher(secret_key), sealed),
    };
    let bytes: Vec<u8> =
        (0..hex.len() / 2).map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()).collect::<Option<_>>()?;
    if bytes.len() < 24 + 16 {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(24);
    cipher.decrypt(XNonce::from_slice(nonce), ciphertext).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper_detection() {
        let sealed = seal(b"key-1", b"JBSWY3DPEHPK3PXP").unwrap();
        assert!(sealed.starts_with("2."));
        assert_eq!(open(b"key-1", &sealed).as_deref(), Some(&b"JBSWY3DPEHPK3PXP"[..]));
        assert_eq!(open(b"key-2", &sealed), None);
        let mut tampered = sealed.clone();
        tampered.replace_range(60..62, if &sealed[60..62] == "00" { "01" } else { "00" });
        assert_eq!(open(b"key-1", &tampered), None);
        assert_ne!(seal(b"key-1", b"x").unwrap(), seal(b"key-1", b"x").unwrap(), "a fresh nonce each time");
        assert_eq!(open(b"key-1", "2.zz"), None);
    }

    #[test]
    fn values_sealed_before_hkdf_still_open() {
        let mut nonce = [7u8; 24];
        nonce[0] = 1;
        let old = legacy_cipher(b"key-1").encrypt(XNonce::from_slice(&nonce), &b"seed"[..]).unwrap();
        let stored = format!("{}{}", super::super::crypto::hex(&nonce), super::super::crypto::hex(&old));
        assert_eq!(open(b"key-1", &stored).as_deref(), Some(&b"seed"[..]));
    }
}
