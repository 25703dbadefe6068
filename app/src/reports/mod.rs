//! Reports and invoices the lab system publishes: their rows and versions ([`store`]),
//! who is told and how ([`notices`], [`emails`]). The pages that show them read
//! [`store`]; the documents themselves are sealed by [`crate::documents`].

pub mod emails;
pub mod flows;
pub mod history;
pub mod notices;
pub mod pages;
pub mod preferences;
pub mod search;
pub mod store;
