//! The front desk (`/support/dossiers`): lab staff — support, or an Accueil account whose
//! only page this is — find a patient's record by lab reference, or by NIR with last and
//! first name, check it against the person's identity document, and issue a new activation
//! code, shown once and printable on a slip. The old code dies. Every search and code is
//! audited.

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
pub mod pages;
