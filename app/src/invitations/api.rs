//! Server functions of invitations.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]

use crate::error::AppError;
use crate::form::Outcome;
use leptos::prelude::*;

/// Accepts an invitation by choosing a password (`/invitation`).
#[server(endpoint = "invitation")]
pub async fn accept_invitation(token: String, password: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::accept(&state, &ctx, &token, password).await.map_err(AppError::from)
}

/// Accepts the terms at the first sign-in (`/bienvenue`).
#[server(endpoint = "bienvenue")]
pub async fn accept_terms(terms: Option<String>) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::accept_terms(&state, &ctx, terms.is_some()).await.map_err(AppError::from)
}
