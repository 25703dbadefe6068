//! Server functions of shared accounts. Every one posts (state changes only by POST) and is
//! called by a plain server-rendered form; none is called from WebAssembly.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]
// Server functions mirror their form, one parameter per field.
#![allow(clippy::too_many_arguments)]

use super::flows;
use crate::error::AppError;
use crate::form::Outcome;
use crate::platform::{app_state, request_context};
use leptos::prelude::*;

/// E-mails a code to confirm the creation of a shared account.
#[server(endpoint = "compte-partage-code")]
pub async fn send_shared_code() -> Result<Outcome, AppError> {
    Ok(flows::send_code(&app_state()?, &request_context()).await?)
}

/// Checks the code e-mailed for the creation of a shared account.
#[server(endpoint = "compte-partage-code-valider")]
pub async fn confirm_shared_code(code: String) -> Result<Outcome, AppError> {
    Ok(flows::confirm_code(&app_state()?, &request_context(), &code).await?)
}

/// Asks for a shared account (`/comptes-partages/nouveau`).
#[server(endpoint = "compte-partage")]
pub async fn create_shared_account(
    email: String,
    description: String,
    identifier_kind: Option<String>,
    identifier: String,
    company_name: String,
    address: String,
    postcode: String,
    city: String,
    departement: String,
    #[server(default)] service: String,
    phone: String,
    #[server(default)] phone2: String,
    last_name: String,
    first_name: String,
    profession: Option<String>,
    #[server(default)] rpps: String,
    paperless: Option<String>,
    directory: Option<String>,
    correspondent_code: String,
    results: Option<String>,
    invoices: Option<String>,
    sites_mode: Option<String>,
    #[server(default)] sites: Vec<String>,
) -> Result<Outcome, AppError> {
    let input = flows::CreateInput {
        email,
        description,
        identifier_kind: identifier_kind.unwrap_or_default(),
        identifier,
        company_name,
        address,
        postcode,
        city,
        departement,
        service,
        phone,
        phone2,
        last_name,
        first_name,
        profession: profession.unwrap_or_default(),
        rpps,
        paperless: paperless.is_some(),
        in_directory: directory.is_some(),
        correspondent_code,
        results: results.is_some(),
        invoices: invoices.is_some(),
        sites_mode: sites_mode.unwrap_or_else(|| "all".into()),
        sites,
    };
    Ok(flows::create(&app_state()?, &request_context(), input).await?)
}

/// Confirms a shared address from its link.
#[server(endpoint = "compte-partage-confirmer")]
pub async fn confirm_shared_address(token: String) -> Result<Outcome, AppError> {
    Ok(flows::confirm_address(&app_state()?, &request_context(), &token).await?)
}

/// Sends a new confirmation link to the shared address of one's own request.
#[server(endpoint = "compte-partage-lien")]
pub async fn resend_shared_address_link(request_id: i64) -> Result<Outcome, AppError> {
    Ok(flows::resend_address_link(&app_state()?, &request_context(), request_id).await?)
}

/// Switches to a shared account (its account id), or back to one's own (empty).
#[server(endpoint = "changer-de-compte")]
pub async fn switch_account(#[server(default)] account: String) -> Result<Outcome, AppError> {
    Ok(flows::switch(&app_state()?, &request_context(), &account).await?)
}

/// Invites a member by address.
#[server(endpoint = "compte-partage-inviter")]
pub async fn invite_shared_member(shared_id: i64, email: String) -> Result<Outcome, AppError> {
    Ok(flows::invite(&app_state()?, &request_context(), shared_id, &email).await?)
}

/// Withdraws an open invitation.
#[server(endpoint = "compte-partage-invitation-retirer")]
pub async fn cancel_shared_invitation(shared_id: i64, invitation_id: i64) -> Result<Outcome, AppError> {
    Ok(flows::cancel_invitation(&app_state()?, &request_context(), shared_id, invitation_id).await?)
}

/// Accepts (`answer=accept`) or declines an invitation to one's own address.
#[server(endpoint = "compte-partage-invitation")]
pub async fn answer_shared_invitation(invitation_id: i64, answer: String) -> Result<Outcome, AppError> {
    Ok(flows::answer_invitation(&app_state()?, &request_context(), invitation_id, answer == "accept").await?)
}

/// Removes a member.
#[server(endpoint = "compte-partage-retirer")]
pub async fn remove_shared_member(shared_id: i64, user_id: i64) -> Result<Outcome, AppError> {
    Ok(flows::remove_member(&app_state()?, &request_context(), shared_id, user_id).await?)
}

/// Leaves a shared account.
#[server(endpoint = "compte-partage-quitter")]
pub async fn leave_shared_account(shared_id: i64) -> Result<Outcome, AppError> {
    Ok(flows::leave(&app_state()?, &request_context(), shared_id).await?)
}

/// Makes a member a manager (`manager=1`) or a member again.
#[server(endpoint = "compte-partage-gestionnaire")]
pub async fn set_shared_manager(shared_id: i64, user_id: i64, manager: Option<String>) -> Result<Outcome, AppError> {
    let manager = manager.is_some_and(|m| m == "1");
    Ok(flows::set_manager(&app_state()?, &request_context(), shared_id, user_id, manager).await?)
}

/// Hands the responsibility to another member (the responsible).
#[server(endpoint = "compte-partage-responsable")]
pub async fn hand_over_shared_account(
    shared_id: i64,
    user_id: i64,
    profession: Option<String>,
    #[server(default)] rpps: String,
) -> Result<Outcome, AppError> {
    let by = flows::HandOverBy::Responsible;
    let profession = profession.unwrap_or_default();
    Ok(flows::change_responsible(&app_state()?, &request_context(), by, shared_id, user_id, &profession, &rpps).await?)
}

/// Changes a shared account's responsible (support, from the admin console).
#[server(endpoint = "admin-compte-partage-responsable")]
pub async fn support_change_responsible(
    shared_id: i64,
    user_id: i64,
    profession: Option<String>,
    #[server(default)] rpps: String,
) -> Result<Outcome, AppError> {
    let by = flows::HandOverBy::Support;
    let profession = profession.unwrap_or_default();
    Ok(flows::change_responsible(&app_state()?, &request_context(), by, shared_id, user_id, &profession, &rpps).await?)
}
