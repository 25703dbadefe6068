//! Server function of the first sign-in.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]

use crate::error::AppError;
use crate::form::Outcome;
use leptos::prelude::*;

/// Activates a professional account with its provisional access code
/// (`/premiere-connexion`).
#[server(endpoint = "premiere-connexion")]
pub async fn first_login(
    email: String,
    code: String,
    password: String,
    terms: Option<String>,
) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::first_login(
        &state,
        &ctx,
        super::flows::FirstLoginInput { email, code, password, terms: terms.is_some() },
    )
    .await
    .map_err(AppError::from)
}
