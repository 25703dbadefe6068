//! The support back-office: requests pending validation, provisional access codes,
//! structures and approver delegations, a request's history.

pub mod api;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
pub mod pages;
