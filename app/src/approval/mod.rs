//! The account-approval page (`/approbation-des-comptes`): approvers decide on their
//! structure's collaborators' requests and change or withdraw their rights at any time.

pub mod api;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
pub mod pages;
