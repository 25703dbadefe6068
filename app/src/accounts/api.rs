//! Server functions of the accounts journey. Thin: they read the request context and call
//! the use-cases in `flows`.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]
// Server functions mirror their form, one parameter per field.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use crate::form::Outcome;
use leptos::prelude::*;

/// Creates a patient account (`/inscription`). `website` is the invisible honeypot.
#[server(endpoint = "inscription")]
pub async fn sign_up(
    email: String,
    password: String,
    last_name: String,
    first_name: String,
    birth_date: String,
    terms: Option<String>,
    website: Option<String>,
    next: Option<String>,
) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::sign_up(
        &state,
        &ctx,
        super::flows::SignUpInput {
            email,
            password,
            last_name,
            first_name,
            birth_date,
            terms: terms.is_some(),
            honeypot: website.unwrap_or_default(),
            next: next.unwrap_or_default(),
        },
    )
    .await
    .map_err(AppError::from)
}

/// Sends a new verification link.
#[server(endpoint = "renvoyer-verification")]
pub async fn resend_verification(email: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::resend_verification(&state, &ctx, &email).await.map_err(AppError::from)
}

/// Confirms an e-mail address from the link's page; `next` is where to go after signing in.
#[server(endpoint = "verifier-email")]
pub async fn verify_email(token: String, next: Option<String>) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::verify_email(&state, &ctx, &token, next.as_deref().unwrap_or_default()).await.map_err(AppError::from)
}

/// Signs in (`/connexion`); `next` is the page to go back to; `remember` is "Rester
/// connecté sur cet appareil" (patients).
#[server(endpoint = "connexion")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
    remember: Option<String>,
) -> Result<Outcome, AppError> {
    use super::flows::{self, SignInResult};
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    match flows::check_credentials(&state, &ctx, &email, password).await? {
        SignInResult::Refused(outcome) => Ok(outcome),
        SignInResult::Success(signed_in) => {
            let stage = flows::open_session(&state, &ctx, signed_in, remember.is_some()).await?;
            let target = crate::platform::redirect::local_or(
                &state.settings.public_url,
                next.as_deref().unwrap_or_default(),
                flows::home_of(signed_in.kind),
            );
            if stage == crate::platform::session::Stage::SecondFactor {
                leptos_axum::redirect(&format!("/connexion/code?suite={}", crate::pages::url_encode(&target)));
            } else {
                leptos_axum::redirect(&target);
            }
            Ok(Outcome::ok())
        }
    }
}

/// Signs out (`/deconnexion`).
#[server(endpoint = "deconnexion")]
pub async fn sign_out() -> Result<(), AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::sign_out(&state, &ctx).await.map_err(AppError::from)
}

/// Asks for a password reset link (`/mot-de-passe-oublie`).
#[server(endpoint = "mot-de-passe-oublie")]
pub async fn request_password_reset(email: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::request_reset(&state, &ctx, &email).await.map_err(AppError::from)
}

/// Sets a new password with a reset link's token (`/nouveau-mot-de-passe`).
#[server(endpoint = "nouveau-mot-de-passe")]
pub async fn reset_password(token: String, password: String) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::reset_password(&state, &ctx, &token, password).await.map_err(AppError::from)
}

/// Gives the password again before a health document, after a pause
/// (`/mon-compte/confirmer`).
#[server(endpoint = "confirmer-mot-de-passe")]
pub async fn confirm_password(password: String, next: Option<String>) -> Result<Outcome, AppError> {
    let state = crate::platform::app_state()?;
    let ctx = crate::platform::request_context();
    super::flows::confirm_password(&state, &ctx, password, next.as_deref().unwrap_or_default())
        .await
        .map_err(AppError::from)
}
