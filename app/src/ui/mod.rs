//! Shared pieces of interface.

pub mod fields;
#[cfg(feature = "ssr")]
pub mod layout;
#[cfg(feature = "ssr")]
pub mod plain;
