//! Server functions of the admin console.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]
// Server functions mirror their form, one parameter per field.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use crate::form::Outcome;
use leptos::prelude::*;

/// Creates an account and sends its invitation.
#[server(endpoint = "admin-creer")]
pub async fn create_user(
    email: String,
    last_name: String,
    first_name: String,
    job_title: Option<String>,
    kind: Option<String>,
    is_admin: Option<String>,
    structure: Option<String>,
    profile: Option<String>,
    results: Option<String>,
    invoices: Option<String>,
) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let input = super::flows::NewUserInput {
        email,
        last_name,
        first_name,
        job_title: job_title.unwrap_or_default(),
        kind: kind.unwrap_or_default(),
        is_admin: is_admin.is_some(),
        structure: structure.unwrap_or_default(),
        profile: profile.unwrap_or_default(),
        results: results.is_some(),
        invoices: invoices.is_some(),
    };
    super::flows::create_user(&state, &crate::platform::request_context(), input).await.map_err(AppError::from)
}

/// Sends a fresh invitation.
#[server(endpoint = "admin-renvoyer-invitation")]
pub async fn resend_invitation(user_id: i64) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::resend_invitation(&state, &crate::platform::request_context(), user_id).await.map_err(AppError::from)
}

/// Deactivates an account.
#[server(endpoint = "admin-desactiver")]
pub async fn deactivate_user(user_id: i64, reason: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::deactivate(&state, &crate::platform::request_context(), user_id, &reason)
        .await
        .map_err(AppError::from)
}

/// Reactivates an account.
#[server(endpoint = "admin-reactiver")]
pub async fn reactivate_user(user_id: i64, reason: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::reactivate(&state, &crate::platform::request_context(), user_id, &reason)
        .await
        .map_err(AppError::from)
}

/// Changes an account's names and job title.
#[server(endpoint = "admin-identite")]
pub async fn edit_identity(
    user_id: i64,
    last_name: String,
    first_name: String,
    job_title: Option<String>,
) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::edit_identity(
        &state,
        &crate::platform::request_context(),
        user_id,
        &last_name,
        &first_name,
        &job_title.unwrap_or_default(),
    )
    .await
    .map_err(AppError::from)
}

/// Starts an address change (confirmed by the new address).
#[server(endpoint = "admin-email")]
pub async fn change_email(user_id: i64, new_email: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::change_email(&state, &crate::platform::request_context(), user_id, &new_email)
        .await
        .map_err(AppError::from)
}

/// Confirms a new address from its link.
#[server(endpoint = "confirmer-email")]
pub async fn confirm_email(token: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::confirm_email(&state, &crate::platform::request_context(), &token).await.map_err(AppError::from)
}

/// Resets an account's second factor.
#[server(endpoint = "admin-second-facteur")]
pub async fn reset_second_factor(user_id: i64) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::reset_second_factor(&state, &crate::platform::request_context(), user_id)
        .await
        .map_err(AppError::from)
}
