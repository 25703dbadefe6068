//! Professional access requests (`/demande-acces`): correspondent code looked up as it is
//! typed, Results/Invoices rights with per-profile defaults, the approver, the sites, the
//! roll-out by département; then the request's life (see `domain::access_request`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(any(feature = "ssr", feature = "islands-access"))]
pub mod islands;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod panel;
#[cfg(feature = "ssr")]
pub mod store;
