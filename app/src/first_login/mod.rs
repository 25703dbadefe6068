//! First sign-in of a professional with the provisional access code e-mailed at
//! validation: they choose a password and accept the terms, and the account is active.

pub mod api;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
pub mod lifecycle;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
