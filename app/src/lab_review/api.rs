//! Server functions of the lab review queue.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]

use crate::error::AppError;
use crate::form::Outcome;
use leptos::prelude::*;

/// Confirms a record link waiting for review: the record is linked to the account.
#[server(endpoint = "verification-rattacher")]
pub async fn confirm_link(id: i64) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::confirm(&state, &crate::platform::request_context(), id).await.map_err(AppError::from)
}

/// Refuses a record link waiting for review, with a reason told to the account holder.
#[server(endpoint = "verification-refuser")]
pub async fn refuse_link(id: i64, reason: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::refuse(&state, &crate::platform::request_context(), id, &reason).await.map_err(AppError::from)
}
