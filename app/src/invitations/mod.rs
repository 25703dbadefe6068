//! Invitations: accounts created by support (or the command line) receive a single-use link;
//! accepting it means choosing a password (*invitation accepted*); the first sign-in where
//! the person accepts the terms makes the account *active*.

pub mod api;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
pub mod lifecycle;
#[cfg(feature = "ssr")]
pub mod pages;
