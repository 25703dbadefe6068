//! Accounts: sign-up with e-mail verification, sign-in with progressive delays and lock,
//! sign-out, forgotten password, inactive accounts. Shared by every later journey.

pub mod api;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
pub mod inactivity;
#[cfg(any(feature = "ssr", feature = "islands-accounts"))]
pub mod islands;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
