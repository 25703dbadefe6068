//! Server functions of the second factor and of the account's sessions.

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
    super::flows::start(&state, &crate::platform::request_context()).await.map_err(AppError::from)
}

/// Confirms the enrolment with a first code.
#[server(endpoint = "deux-facteurs-activer")]
pub async fn enable_totp(code: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::enable(&state, &crate::platform::request_context(), &code).await.map_err(AppError::from)
}

/// Turns the authenticator app off (current password required).
#[server(endpoint = "deux-facteurs-desactiver")]
pub async fn disable_totp(current_password: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::disable(&state, &crate::platform::request_context(), current_password).await.map_err(AppError::from)
}

/// Gives the second factor after the password (`/connexion/code`).
#[server(endpoint = "connexion-code")]
pub async fn verify_second_factor(code: String, next: Option<String>) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::verify(&state, &crate::platform::request_context(), &code, next.as_deref())
        .await
        .map_err(AppError::from)
}

/// E-mails a (new) sign-in code (`/connexion/code`, **Renvoyer le code**).
#[server(endpoint = "connexion-code-email")]
pub async fn send_sign_in_code() -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::flows::resend_email_code(&state, &crate::platform::request_context()).await.map_err(AppError::from)
}

/// Ends one of the signed-in person's other sessions, or all of them (`handle` = "all").
#[server(endpoint = "sessions-fermer")]
pub async fn end_session(handle: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::sessions::end(&state, &crate::platform::request_context(), &handle).await.map_err(AppError::from)
}

/// Changes the signed-in person's password (`/mon-compte/mot-de-passe`).
#[server(endpoint = "mot-de-passe-changer")]
pub async fn change_password(current_password: String, password: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    super::sessions::change_password(&state, &crate::platform::request_context(), current_password, password)
        .await
        .map_err(AppError::from)
}
