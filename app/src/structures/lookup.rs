//! What the access-request form learns about a structure from its correspondent code.
//! Shared by the server (which builds it) and the browser (which shows it).

use serde::{Deserialize, Serialize};

/// One site of a structure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SiteInfo {
    /// Site id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// City.
    pub city: String,
    /// Postcode.
    pub postcode: String,
}

/// An approver, by name only (never their e-mail).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ApproverInfo {
    /// User id.
    pub id: i64,
    /// "Dr Jeanne Lefort".
    pub name: String,
}

/// A structure found by its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructureInfo {
    /// Canonical correspondent code.
    pub code: String,
    /// Structure name.
    pub name: String,
    /// Its sites.
    pub sites: Vec<SiteInfo>,
    /// Its active approvers.
    pub approvers: Vec<ApproverInfo>,
    /// Whether sign-up is open for it.
    pub open: bool,
    /// When it is not: the message saying when it opens (in the person's language).
    pub closed_message: Option<String>,
}

/// The answer to a correspondent-code lookup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StructureLookup {
    /// The text is not a correspondent code (the message says why).
    Invalid(String),
    /// No structure has this code.
    Unknown,
    /// Found.
    Found(StructureInfo),
}
