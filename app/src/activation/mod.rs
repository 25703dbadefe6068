//! Activation codes: linking the lab's patient records to accounts, for oneself, a child or
//! a person one cares for. Also the patient's home (`/mon-compte`) with those profiles.

pub mod api;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(any(feature = "ssr", feature = "islands-activation"))]
pub mod islands;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
