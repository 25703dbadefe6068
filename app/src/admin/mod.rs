//! The admin console (`/admin/utilisateurs`): every account, searchable and filtered by
//! status, kind, structure and role; a page per user with identity, status history, rights,
//! second factor and sessions; invitations, deactivation, identity and e-mail changes.
//! Support agents and administrators only, with a second factor.

pub mod api;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod flows;
#[cfg(feature = "ssr")]
pub mod pages;
