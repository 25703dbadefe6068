//! Random tokens and keyed hashes.
//!
//! Secrets sent to people (links, codes) are stored only as keyed hashes: a database dump
//! alone does not let anyone use them, nor brute-force the short ones offline.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Lower-case hexadecimal of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Bytes from lower-case or upper-case hexadecimal; `None` if it is not hexadecimal.
pub fn unhex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len() / 2).map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()).collect()
}

/// SHA-256 of bytes, in hexadecimal (fingerprints of documents and request bodies).
pub fn sha256_bytes_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A new random token of 256 bits, URL-safe (hexadecimal).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// SHA-256 of a high-entropy token, for lookup by hash.
pub fn sha256_hex(value: &str) -> String {
    hex(&Sha256::digest(value.as_bytes()))
}

/// HMAC-SHA-256 of a value under the server's secret key, with a purpose label so a hash
/// computed for one use can never be replayed for another. Used for short secrets
/// (activation codes, access codes) and for rate-limit keys (client addresses, e-mails).
pub fn keyed_hash(secret: &[u8], purpose: &str, value: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(purpose.as_bytes());
    mac.update(&[0]);
    mac.update(value.as_bytes());
    hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_long() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
    }

    #[test]
    fn keyed_hashes_depend_on_key_and_purpose() {
        let h = keyed_hash(b"k1", "activation", "ABC");
        assert_eq!(h, keyed_hash(b"k1", "activation", "ABC"));
        assert_ne!(h, keyed_hash(b"k2", "activation", "ABC"));
        assert_ne!(h, keyed_hash(b"k1", "access", "ABC"));
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
