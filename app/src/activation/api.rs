//! Server function of the activation journey.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]

use crate::error::AppError;
use crate::form::Outcome;
use leptos::prelude::*;

/// Links a patient record to the signed-in account with its activation code
/// (`/activation`).
#[server(endpoint = "activation")]
pub async fn activate_record(
    code: String,
    birth_date: String,
    relation: Option<String>,
    patient_last_name: Option<String>,
    patient_first_name: Option<String>,
    confirm_self: Option<String>,
) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::activate(
        &state,
        &ctx,
        super::flows::ActivationInput {
            code,
            birth_date,
            relation: relation.unwrap_or_default(),
            patient_last_name: patient_last_name.unwrap_or_default(),
            patient_first_name: patient_first_name.unwrap_or_default(),
            confirm_self: confirm_self.is_some(),
        },
    )
    .await
    .map_err(AppError::from)
}
