//! Encrypting the few secrets that must be read back (second-factor seeds) with a key
//! derived from the server's secret key: a database dump alone does not reveal them.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

fn cipher(secret_key: &[u8]) -> XChaCha20Poly1305 {
    let key = super::crypto::keyed_hash(secret_key, "secretbox-key-v1", "");
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(&key[i * 2..i * 2 + 2], 16).unwrap_or_default();
    }
    XChaCha20Poly1305::new(&bytes.into())
}

/// Encrypts a value: hexadecimal of nonce and ciphertext.
pub fn seal(secret_key: &[u8], plaintext: &[u8]) -> String {
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let sealed = cipher(secret_key).encrypt(XNonce::from_slice(&nonce), plaintext).unwrap_or_default();
    format!("{}{}", super::crypto::hex(&nonce), super::crypto::hex(&sealed))
}

/// Decrypts a value sealed with [`seal`]; `None` if it was tampered with or the key changed.
pub fn open(secret_key: &[u8], sealed: &str) -> Option<Vec<u8>> {
    let bytes: Vec<u8> = (0..sealed.len() / 2)
        .map(|i| u8::from_str_radix(sealed.get(i * 2..i * 2 + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    if bytes.len() < 24 + 16 {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(24);
    cipher(secret_key).decrypt(XNonce::from_slice(nonce), ciphertext).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper_detection() {
        let sealed = seal(b"key-1", b"JBSWY3DPEHPK3PXP");
        assert_eq!(open(b"key-1", &sealed).as_deref(), Some(&b"JBSWY3DPEHPK3PXP"[..]));
        assert_eq!(open(b"key-2", &sealed), None);
        let mut tampered = sealed.clone();
        tampered.replace_range(60..62, if &sealed[60..62] == "00" { "01" } else { "00" });
        assert_eq!(open(b"key-1", &tampered), None);
        assert_ne!(seal(b"key-1", b"x"), seal(b"key-1", b"x"), "a fresh nonce each time");
    }
}
