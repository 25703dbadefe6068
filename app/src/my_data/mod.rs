//! A person's own data (GDPR articles 15, 16, 17 and 20), from `/mon-compte`: changing
//! one's address (confirmed by the new one, told to the old one) and one's names (patients),
//! removing a profile, downloading everything Sésame holds about oneself as a ZIP, and
//! deleting one's account. Large exports are
//! built in the background (`export`, `store`).

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
