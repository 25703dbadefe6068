//! Shared pieces of interface.

pub mod fields;
#[cfg(feature = "ssr")]
pub mod layout;
pub mod notice;
#[cfg(feature = "ssr")]
pub mod plain;
