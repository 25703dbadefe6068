//! The lab's review queue: record links whose code and birth date matched but whose name
//! did not. Support checks each one against the lab's record and either links it or refuses
//! it with a reason; the account holder is told by e-mail either way, and a refused code
//! can be used again (for instance as a child's record, with the child's name).

pub mod api;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
pub mod pages;
