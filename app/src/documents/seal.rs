//! Sealing health documents: each document is encrypted (XChaCha20-Poly1305) under its own
//! random key; that key is itself sealed under a key-encryption key derived by HKDF from the
//! server's secret key. The sealed key carries the server key's identifier (`key_id`), so
//! `sesame keys rotate` can re-seal every document key under a new server key without
//! touching the documents.
//!
//! A sealed document is `nonce (24 bytes) ‖ ciphertext ‖ tag (16 bytes)`. Encryption is in
//! place: a 20 MB upload is held once, not copied.

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use rand::RngCore;
use sha2::Sha256;

/// Nonce length of XChaCha20-Poly1305.
pub const NONCE_LEN: usize = 24;
/// Authentication tag length.
pub const TAG_LEN: usize = 16;
/// Associated data binding the ciphertext to its purpose.
const AAD: &[u8] = b"sesame document v1";

/// Sealing or opening failed (wrong key, tampered bytes).
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The document's key was sealed under another server key.
    #[error("the document key was sealed under server key {found}, this server's key is {ours}")]
    OtherServerKey {
        /// The identifier stored with the document.
        found: String,
        /// This server key's identifier.
        ours: String,
    },
    /// The bytes or the key do not authenticate.
    #[error("the document does not authenticate (tampered with, or wrong key)")]
    Corrupt,
}

fn derive(secret_key: &[u8], info: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    Hkdf::<Sha256>::new(Some(b"sesame-documents"), secret_key)
        .expand(info, &mut out)
        .expect("32 bytes is a valid HKDF-SHA-256 output length");
    out
}

/// The identifier of a server key (16 hexadecimal characters), stored beside each sealed
/// document key; it names the key without revealing it.
pub fn key_id(secret_key: &[u8]) -> String {
    crate::platform::crypto::hex(&derive(secret_key, b"key id")[..8])
}

fn key_cipher(secret_key: &[u8]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(Key::from_slice(&derive(secret_key, b"document keys v1")))
}

/// A document's own key, sealed for storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedKey {
    /// Hexadecimal of nonce ‖ sealed key ‖ tag.
    pub sealed: String,
    /// The server key it is sealed under.
    pub key_id: String,
}

/// Encrypts `buffer[NONCE_LEN..]` in place: the caller reserves the first [`NONCE_LEN`]
/// bytes (see [`buffer_for`]); a tag is appended. Returns the document's sealed key.
pub fn seal_in_place(secret_key: &[u8], buffer: &mut Vec<u8>) -> Result<SealedKey, SealError> {
    let mut doc_key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut doc_key);
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    if buffer.len() < NONCE_LEN {
        return Err(SealError::Corrupt);
    }
    buffer[..NONCE_LEN].copy_from_slice(&nonce);
    let tag = XChaCha20Poly1305::new(Key::from_slice(&doc_key))
        .encrypt_in_place_detached(XNonce::from_slice(&nonce), AAD, &mut buffer[NONCE_LEN..])
        .map_err(|_| SealError::Corrupt)?;
    buffer.extend_from_slice(&tag);
    let sealed = seal_key(secret_key, &doc_key)?;
    Ok(sealed)
}

/// A buffer for a document of up to `capacity` bytes, with room for the nonce and tag.
pub fn buffer_for(capacity: usize) -> Vec<u8> {
    let mut buffer = Vec::with_capacity(NONCE_LEN + capacity + TAG_LEN);
    buffer.resize(NONCE_LEN, 0);
    buffer
}

/// Decrypts a sealed document in place and returns its plaintext.
pub fn open(secret_key: &[u8], key: &SealedKey, mut sealed: Vec<u8>) -> Result<Vec<u8>, SealError> {
    let doc_key = open_key(secret_key, key)?;
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(SealError::Corrupt);
    }
    let tag_at = sealed.len() - TAG_LEN;
    let tag = chacha20poly1305::Tag::clone_from_slice(&sealed[tag_at..]);
    let (nonce, rest) = sealed.split_at_mut(NONCE_LEN);
    let body = &mut rest[..tag_at - NONCE_LEN];
    XChaCha20Poly1305::new(Key::from_slice(&doc_key))
        .decrypt_in_place_detached(XNonce::from_slice(nonce), AAD, body, &tag)
        .map_err(|_| SealError::Corrupt)?;
    sealed.truncate(tag_at);
    sealed.drain(..NONCE_LEN);
    Ok(sealed)
}

fn seal_key(secret_key: &[u8], doc_key: &[u8; 32]) -> Result<SealedKey, SealError> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let mut bytes = doc_key.to_vec();
    key_cipher(secret_key)
        .encrypt_in_place(XNonce::from_slice(&nonce), b"", &mut bytes)
        .map_err(|_| SealError::Corrupt)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&bytes);
    Ok(SealedKey { sealed: crate::platform::crypto::hex(&out), key_id: key_id(secret_key) })
}

fn open_key(secret_key: &[u8], key: &SealedKey) -> Result<[u8; 32], SealError> {
    let ours = key_id(secret_key);
    if key.key_id != ours {
        return Err(SealError::OtherServerKey { found: key.key_id.clone(), ours });
    }
    let bytes = crate::platform::crypto::unhex(&key.sealed).ok_or(SealError::Corrupt)?;
    if bytes.len() != NONCE_LEN + 32 + TAG_LEN {
        return Err(SealError::Corrupt);
    }
    let (nonce, rest) = bytes.split_at(NONCE_LEN);
    let mut rest = rest.to_vec();
    key_cipher(secret_key)
        .decrypt_in_place(XNonce::from_slice(nonce), b"", &mut rest)
        .map_err(|_| SealError::Corrupt)?;
    let mut doc_key = [0u8; 32];
    doc_key.copy_from_slice(&rest);
    Ok(doc_key)
}

/// Re-seals a document key from one server key to another (key rotation); the document
/// itself is untouched.
pub fn reseal_key(old_secret: &[u8], new_secret: &[u8], key: &SealedKey) -> Result<SealedKey, SealError> {
    let doc_key = open_key(old_secret, key)?;
    seal_key(new_secret, &doc_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(secret: &[u8], plain: &[u8]) -> (SealedKey, Vec<u8>) {
        let mut buffer = buffer_for(plain.len());
        buffer.extend_from_slice(plain);
        let key = seal_in_place(secret, &mut buffer).unwrap();
        (key, buffer)
    }

    #[test]
    fn a_document_opens_with_its_key_and_only_then() {
        let plain = b"%PDF-1.7 a report".to_vec();
        let (key, bytes) = sealed(b"server-1", &plain);
        assert_eq!(bytes.len(), plain.len() + NONCE_LEN + TAG_LEN);
        assert!(!bytes.windows(5).any(|w| w == b"%PDF-"), "no clear text at rest");
        assert_eq!(open(b"server-1", &key, bytes.clone()).unwrap(), plain);
        assert!(matches!(open(b"server-2", &key, bytes.clone()), Err(SealError::OtherServerKey { .. })));
        let mut tampered = bytes.clone();
        tampered[NONCE_LEN + 3] ^= 1;
        assert!(matches!(open(b"server-1", &key, tampered), Err(SealError::Corrupt)));
    }

    #[test]
    fn rotation_reseals_the_key_not_the_document() {
        let (key, bytes) = sealed(b"old", b"%PDF- body");
        let new_key = reseal_key(b"old", b"new", &key).unwrap();
        assert_ne!(new_key.key_id, key.key_id);
        assert_eq!(open(b"new", &new_key, bytes.clone()).unwrap(), b"%PDF- body");
        assert!(open(b"old", &new_key, bytes).is_err());
    }
}
