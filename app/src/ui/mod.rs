//! Shared pieces of interface.

#[cfg(feature = "ssr")]
pub mod assets;
pub mod fields;
#[cfg(feature = "ssr")]
pub mod layout;
pub mod notice;
#[cfg(feature = "ssr")]
pub mod plain;
pub mod typed_early;
