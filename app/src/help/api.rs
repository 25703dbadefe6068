//! Server functions of help and contact. Every one posts and is called by a plain
//! server-rendered form.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]

use super::flows;
use crate::error::AppError;
use crate::form::Outcome;
use crate::platform::{app_state, request_context};
use leptos::prelude::*;

/// Writes to support (`/aide?sujet=…&ecrire=1`).
#[server(endpoint = "aide-message")]
pub async fn write_to_support(
    category: String,
    #[server(default)] email: String,
    #[server(default)] name: String,
    body: String,
    #[server(default)] website: String,
) -> Result<Outcome, AppError> {
    let input = flows::WriteInput { category, email, name, body, website };
    Ok(flows::write(&app_state()?, &request_context(), input).await?)
}

/// Confirms a signed-out writer's address (`/aide/confirmer?jeton=…`).
#[server(endpoint = "aide-message-confirmer")]
pub async fn confirm_support_message(token: String) -> Result<Outcome, AppError> {
    Ok(flows::confirm(&app_state()?, &request_context(), &token).await?)
}

/// Reminds the addresses that have an account (`/aide/adresse-oubliee`).
#[server(endpoint = "aide-adresse-oubliee")]
pub async fn remind_address(addresses: String) -> Result<Outcome, AppError> {
    Ok(flows::remind_address(&app_state()?, &request_context(), &addresses).await?)
}

/// Support answers a message (`/support/messages/:id`).
#[server(endpoint = "support-message-repondre")]
pub async fn reply_to_message(id: i64, answer: String) -> Result<Outcome, AppError> {
    Ok(flows::reply(&app_state()?, &request_context(), id, &answer).await?)
}

/// Support closes a message.
#[server(endpoint = "support-message-clore")]
pub async fn close_message(id: i64) -> Result<Outcome, AppError> {
    Ok(flows::close(&app_state()?, &request_context(), id).await?)
}
