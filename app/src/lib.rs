//! Sésame, the account portal of a network of medical biology labs.
//!
//! This crate is compiled twice. With `ssr` it holds everything the server renders and
//! runs: pages, server functions, services, database access. With `hydrate` it holds only
//! what the browser needs: the interactive *islands* (forms that validate as you type) and
//! the pure domain rules they share with the server. Pages themselves are plain
//! server-rendered HTML, so they work before (and without) WebAssembly.

#![recursion_limit = "256"]

pub mod access_request;
pub mod accounts;
pub mod activation;
pub mod admin;
pub mod approval;
pub mod domain;
pub mod error;
pub mod first_login;
pub mod form;
pub mod front_desk;
pub mod help;
pub mod i18n;
pub mod invitations;
pub mod lab_review;
pub mod my_data;
pub mod professional;
pub mod second_factor;
pub mod shared_accounts;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod documents;
#[cfg(feature = "ssr")]
pub mod lab;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod platform;
#[cfg(feature = "ssr")]
pub mod reports;
#[cfg(feature = "ssr")]
pub mod shell;
pub mod structures;
pub mod support;

pub mod language;

#[cfg(feature = "ssr")]
pub use shell::{App, shell};
