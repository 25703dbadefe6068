//! Who may call what: the role guards every server function and page starts with. Each
//! checks the signed-in person on this very request (their account's current status and
//! kind, read with the session), never what the page showed.

use super::session::CurrentUser;
use super::{AppState, RequestContext};
use crate::domain::account::{AccountStatus, UserKind};
use crate::error::{AppError, AppResult};

/// An active support agent with a second factor (the back-office requires one).
pub fn require_support(ctx: &RequestContext) -> AppResult<CurrentUser> {
    let user = ctx.require_user()?;
    if user.kind != UserKind::Support || user.status != AccountStatus::Active {
        return Err(AppError::Forbidden);
    }
    if !user.totp_enabled {
        return Err(AppError::SecondFactorRequired);
    }
    Ok(user)
}

/// Someone who may find patient records and issue new activation codes at the counter: an
/// active support agent (with their second factor), or an active front-desk (Accueil)
/// account, whose only page this is.
pub fn require_front_desk(ctx: &RequestContext) -> AppResult<CurrentUser> {
    let user = ctx.require_user()?;
    match user.kind {
        UserKind::Support => require_support(ctx),
        UserKind::FrontDesk if user.status == AccountStatus::Active => Ok(user),
        _ => Err(AppError::Forbidden),
    }
}

/// An active patient (linking records).
pub fn require_patient(ctx: &RequestContext) -> AppResult<CurrentUser> {
    let user = ctx.require_user()?;
    if user.kind != UserKind::Patient || user.status != AccountStatus::Active {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// An active professional acting for themself: while switched to a shared account, a person
/// has the shared account's rights only (results, invoices), not their own (approving,
/// managing shared accounts); they switch back in one click.
pub fn require_professional(ctx: &RequestContext) -> AppResult<CurrentUser> {
    let user = ctx.require_user()?;
    if user.kind != UserKind::Professional || user.status != AccountStatus::Active || ctx.acting.is_some() {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// An active professional who approves for at least one structure (their own as a
/// biologist, or by delegation), with those structures.
pub async fn require_approver(state: &AppState, ctx: &RequestContext) -> AppResult<(CurrentUser, Vec<i64>)> {
    let user = require_professional(ctx)?;
    let structures = crate::professional::store::approver_structures(&state.db, user.id)
        .await
        .map_err(|e| AppError::from(crate::error::FlowError::from(e)))?;
    if structures.is_empty() {
        return Err(AppError::Forbidden);
    }
    Ok((user, structures))
}
