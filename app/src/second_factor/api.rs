//! Server functions of the second factor.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]

use crate::error::AppError;
use crate::form::Outcome;
use leptos::prelude::*;

/// Shows a QR code to enrol an authenticator app (a new pending secret).
#[server(endpoint = "deux-facteurs-commencer")]
pub async fn start_totp() -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::start(&state, &crate::platform::request_context()).await
}

/// Confirms the enrolment with a first code.
#[server(endpoint = "deux-facteurs-activer")]
pub async fn enable_totp(code: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::enable(&state, &crate::platform::request_context(), &code).await
}

/// Gives the second factor after the password (`/connexion/code`).
#[server(endpoint = "connexion-code")]
pub async fn verify_second_factor(code: String, next: Option<String>) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::verify(&state, &crate::platform::request_context(), &code, next.as_deref()).await
}
