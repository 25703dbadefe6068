//! The second factor: an authenticator app (TOTP) enrolled from `/mon-compte/securite`
//! with a QR code and ten single-use recovery codes, asked after the password at sign-in
//! (`/connexion/code`), required for support agents and administrators.

pub mod api;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
pub mod pages;
