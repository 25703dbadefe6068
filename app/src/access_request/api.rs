//! Server functions of the access-request form.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]
// Server functions mirror their form, one parameter per field.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use crate::form::Outcome;
use crate::structures::lookup::StructureLookup;
use leptos::prelude::*;

/// Looks a correspondent code up as it is typed: the structure's name, its sites, its
/// approvers (names only) and whether sign-up is open. Limited per client.
#[server(endpoint = "structure")]
pub async fn lookup_structure(code: String) -> Result<StructureLookup, AppError> {
    use crate::platform::limits::{self, LimitedAction};
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    if code.chars().count() > 40 {
        return Err(AppError::BadRequest("code too long".into()));
    }
    limits::check(&state, LimitedAction::StructureLookup { client: &ctx.client_key }).await?;
    Ok(crate::structures::store::lookup(&state.db, &code, state.today(), ctx.lang).await?)
}

/// The structure panel of the form, rendered on the server, for the island to show: what
/// the code found (right under the code) and the choices it brings (the approver and the
/// sites, after the rights that make the approver necessary).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Panel {
    /// HTML of the structure found: its name and sites (empty when none was found).
    pub html: String,
    /// HTML of the approver and site choices (empty when no structure was found).
    pub choices_html: String,
    /// Whether the form may be sent (sign-up open for the structure).
    pub open: bool,
    /// The correspondent code's error, if any.
    pub code_error: Option<String>,
}

/// The structure panel for a code, as HTML: the form swaps it in as the code is typed.
#[server(endpoint = "structure-panel")]
pub async fn structure_panel(code: String) -> Result<Panel, AppError> {
    let lookup = lookup_structure(code).await?;
    let lang = crate::platform::request_context().lang;
    Ok(super::panel::render(&lookup, super::panel::PanelChoices::default(), lang))
}

/// Sends an access request (`/demande-acces`).
#[server(endpoint = "demande-acces")]
pub async fn submit_access_request(
    profile: Option<String>,
    correspondent_code: String,
    last_name: String,
    first_name: String,
    email: String,
    phone: String,
    results: Option<String>,
    invoices: Option<String>,
    approver: Option<String>,
    sites_mode: Option<String>,
    #[server(default)] sites: Vec<String>,
    rights_profile: Option<String>,
    lookup_only: Option<String>,
) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::submit(
        &state,
        &ctx,
        super::flows::RequestInput {
            profile: profile.unwrap_or_default(),
            correspondent_code,
            last_name,
            first_name,
            email,
            phone,
            results: results.is_some(),
            invoices: invoices.is_some(),
            approver: approver.unwrap_or_default(),
            sites_mode: sites_mode.unwrap_or_else(|| "all".into()),
            sites,
            rights_profile: rights_profile.unwrap_or_default(),
            lookup_only: lookup_only.is_some(),
        },
    )
    .await
    .map_err(AppError::from)
}
