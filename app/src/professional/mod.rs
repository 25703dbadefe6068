//! Professional accounts: their structure, rights (Results, Invoices) and site scope, read
//! on every request so that a change takes effect at once; the Results and Invoices pages.

#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
