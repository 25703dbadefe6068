//! Server functions of a person's own data; each posts from a plain server-rendered form.
//! The ZIP export is a plain `POST /api/mes-donnees` route of the server (it answers a file).

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]

use super::flows;
use crate::error::AppError;
use crate::form::Outcome;
use crate::platform::{app_state, request_context};
use leptos::prelude::*;

/// Changes one's own address (`/mon-compte/adresse`).
#[server(endpoint = "mon-adresse")]
pub async fn change_my_email(new_email: String, current_password: String) -> Result<Outcome, AppError> {
    Ok(flows::change_email(&app_state()?, &request_context(), &new_email, current_password).await?)
}

/// Changes one's own names, for patients (`/mon-compte/nom`).
#[server(endpoint = "mon-nom")]
pub async fn change_my_names(last_name: String, first_name: String) -> Result<Outcome, AppError> {
    Ok(flows::change_names(&app_state()?, &request_context(), &last_name, &first_name).await?)
}

/// Removes one of one's profiles (**Retirer ce profil**).
#[server(endpoint = "retirer-profil")]
pub async fn remove_profile(id: i64) -> Result<Outcome, AppError> {
    Ok(flows::remove_profile(&app_state()?, &request_context(), id).await?)
}

/// Deletes one's account (`/mon-compte/supprimer`).
#[server(endpoint = "supprimer-mon-compte")]
pub async fn delete_my_account(
    current_password: String,
    #[server(default)] totp: String,
    confirm: Option<String>,
) -> Result<Outcome, AppError> {
    Ok(flows::delete_account(&app_state()?, &request_context(), current_password, &totp, confirm.is_some()).await?)
}
