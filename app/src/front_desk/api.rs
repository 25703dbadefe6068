//! Server functions of the front desk; both post from plain server-rendered forms.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]

use super::flows;
use crate::error::AppError;
use crate::form::Outcome;
use crate::platform::{app_state, request_context};
use leptos::prelude::*;

/// Finds a record (`/support/dossiers`).
#[server(endpoint = "accueil-rechercher")]
pub async fn find_record(
    #[server(default)] reference: String,
    #[server(default)] nir: String,
    #[server(default)] last_name: String,
    #[server(default)] first_name: String,
) -> Result<Outcome, AppError> {
    let input = flows::FindInput { reference, nir, last_name, first_name };
    Ok(flows::find(&app_state()?, &request_context(), input).await?)
}

/// Issues a new activation code for a record; the old one dies.
#[server(endpoint = "accueil-nouveau-code")]
pub async fn issue_desk_code(record_id: i64) -> Result<Outcome, AppError> {
    Ok(flows::issue_code(&app_state()?, &request_context(), record_id).await?)
}
