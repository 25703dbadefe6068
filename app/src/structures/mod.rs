//! Structures (lab organisations), their sites, approvers and roll-out: the reference data
//! professional requests are checked against.

#[cfg(feature = "ssr")]
pub mod import;
pub mod lookup;
#[cfg(feature = "ssr")]
pub mod store;
