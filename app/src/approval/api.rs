//! Server functions of the account-approval page. Each checks the caller's right on the
//! server, whatever the page showed.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]

use crate::error::AppError;
use crate::form::Outcome;
use leptos::prelude::*;

/// Approves a request with the rights and sites chosen on the page.
#[server(endpoint = "approuver")]
pub async fn approve_request(
    id: i64,
    results: Option<String>,
    invoices: Option<String>,
    sites_mode: Option<String>,
    #[server(default)] sites: Vec<String>,
) -> Result<Outcome, AppError> {
    use crate::domain::access_request::Rights;
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    let rights = Rights { results: results.is_some(), invoices: invoices.is_some() };
    super::flows::approve(&state, &ctx, id, rights, sites_mode.as_deref().unwrap_or("all"), &sites)
        .await
        .map_err(AppError::from)
}

/// Approves the ticked requests as they were asked.
#[server(endpoint = "approuver-selection")]
pub async fn approve_requests(#[server(default)] ids: Vec<String>) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::approve_many(&state, &ctx, &ids).await.map_err(AppError::from)
}

/// Refuses a request with a reason.
#[server(endpoint = "refuser")]
pub async fn refuse_request(id: i64, reason: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::refuse(&state, &ctx, id, &reason).await.map_err(AppError::from)
}

/// Changes or withdraws an active collaborator's rights.
#[server(endpoint = "droits-collaborateur")]
pub async fn update_collaborator(
    user_id: i64,
    results: Option<String>,
    invoices: Option<String>,
    sites_mode: Option<String>,
    #[server(default)] sites: Vec<String>,
) -> Result<Outcome, AppError> {
    use crate::domain::access_request::Rights;
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    let rights = Rights { results: results.is_some(), invoices: invoices.is_some() };
    super::flows::update_collaborator(&state, &ctx, user_id, rights, sites_mode.as_deref().unwrap_or("all"), &sites)
        .await
        .map_err(AppError::from)
}
