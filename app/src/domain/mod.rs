//! Pure rules of Sésame: no I/O, compiled both for the server and for the browser.
//!
//! The browser reuses these types to validate what a person types before any round trip;
//! the server parses every input with the very same code, so the two never disagree.

pub mod access_request;
pub mod account;
pub mod activation_code;
pub mod date;
pub mod duration;
pub mod email;
pub mod identifiers;
pub mod names;
pub mod nir;
pub mod password;
pub mod phone;
pub mod shared_account;
pub mod structure;
