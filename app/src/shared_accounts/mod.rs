//! Shared (organisation) accounts (PRODUCT.md §6): a structure's secretariat, a practice or
//! a pharmacy follows its results and invoices through one account that several people
//! reach from their own individual accounts — nobody shares a password. Creating one takes
//! a code e-mailed to its creator, then the same request journey as individual accounts
//! (approver, support); members switch to it from the header, and whatever they do there is
//! recorded as theirs, for the shared account.

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(any(feature = "ssr", feature = "islands-shared"))]
pub mod islands;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
