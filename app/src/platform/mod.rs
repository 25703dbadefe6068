//! Server-side infrastructure shared by every capability: database, clock, crypto helpers,
//! password hashing, sessions, rate limits, audit log and the e-mail outbox.
//!
//! Compiled only with the `ssr` feature: none of it reaches the browser.

pub mod audit;
pub mod clock;
pub mod context;
pub mod crypto;
pub mod db;
pub mod guards;
pub mod limits;
pub mod mail;
pub mod one_time_code;
pub mod passwords;
pub mod rate_limit;
pub mod redirect;
pub mod retention;
pub mod secretbox;
pub mod session;
pub mod state;
pub mod totp;

pub use context::{RequestContext, request_context};
pub use state::{AppState, Settings, app_state};
