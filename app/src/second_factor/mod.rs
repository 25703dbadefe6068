//! The second factor and a person's own sessions: an authenticator app (TOTP) enrolled
//! from `/mon-compte/securite` with a QR code and ten single-use recovery codes, or a code
//! e-mailed at sign-in (professionals), asked after the password (`/connexion/code`);
//! required for professionals, support agents and administrators. The same page lists the
//! open sessions; `/mon-compte/mot-de-passe` changes the password.

pub mod api;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod store;
