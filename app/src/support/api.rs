//! Server functions of the support back-office.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]

use crate::error::AppError;
use crate::form::Outcome;
use leptos::prelude::*;

/// Validates a request pending support.
#[server(endpoint = "support-valider")]
pub async fn validate_request(id: i64) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::validate(&state, &crate::platform::request_context(), id).await.map_err(AppError::from)
}

/// Refuses a request pending support, with a reason.
#[server(endpoint = "support-refuser")]
pub async fn support_refuse_request(id: i64, reason: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::refuse(&state, &crate::platform::request_context(), id, &reason).await.map_err(AppError::from)
}

/// Sends a new provisional access code.
#[server(endpoint = "support-nouveau-code")]
pub async fn reissue_access_code(id: i64) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::reissue_code(&state, &crate::platform::request_context(), id).await.map_err(AppError::from)
}

/// Designates an approver of a structure.
#[server(endpoint = "support-deleguer")]
pub async fn delegate_approver(structure_id: i64, user_id: i64) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::delegate(&state, &crate::platform::request_context(), structure_id, user_id)
        .await
        .map_err(AppError::from)
}

/// Withdraws an approver delegation.
#[server(endpoint = "support-retirer-delegation")]
pub async fn revoke_delegation(delegation_id: i64) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::revoke_delegation(&state, &crate::platform::request_context(), delegation_id)
        .await
        .map_err(AppError::from)
}
