//! Help and contact (`/aide`): a person starts from their problem, reads the self-service
//! answer with the link that fixes it, and only then may write to support. Support answers
//! from `/support/messages`; the weekly counts per cause show which problems still make
//! people write. Also the "forgotten address" reminder.

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
pub mod inbox;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod topics;
