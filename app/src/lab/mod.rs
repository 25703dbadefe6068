//! The lab information system's side of Sésame: machine tokens ([`store`]), the typed
//! bodies it sends and receives ([`types`]), and what each call does ([`flows`]) — patient
//! records and their activation codes, reports and invoices with their sealed PDFs, and the
//! structures' preferences. The HTTP layer (`/api/lab/v1`, bearer tokens, problem+json,
//! OpenAPI) is in the server crate; the `sesame reports import` command calls the same flows.

pub mod flows;
pub mod store;
pub mod types;

/// The token a call came with, as recorded in the audit log.
#[derive(Debug, Clone)]
pub struct LabCaller {
    /// `lab_tokens.id`.
    pub token_id: i64,
    /// Its name (e.g. "SIL Poitiers"), written in every audit entry.
    pub name: String,
}
