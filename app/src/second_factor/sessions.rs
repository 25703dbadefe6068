//! A signed-in person's own sessions and password: see where they are signed in, end any
//! other session, change the password (the current one first; other sessions end; an
//! e-mail tells them).

use crate::domain::password;
use crate::error::{AppError, FlowResult};
use crate::form::{NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::mail::outbox;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry, session};

/// Ends one of the person's other sessions by its handle, or every other one (`"all"`).
#[tracing::instrument(skip_all)]
pub async fn end(state: &AppState, ctx: &RequestContext, handle: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = ctx.require_user()?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let ended = if handle == "all" {
        session::revoke_all(&mut tx, user.id, ctx.session_hash.as_deref()).await?
    } else if ctx.session_handle.as_deref() == Some(handle) {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t(
                "C'est la session que vous utilisez : pour la fermer, déconnectez-vous.",
                "This is the session you are using: to end it, sign out.",
            ),
        ));
    } else {
        u64::from(session::revoke_handle(&mut tx, user.id, handle).await?)
    };
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "account.sessions_ended", "user", Some(user.id))
            .with(serde_json::json!({ "ended": ended })),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::notice(
        NoticeKind::Success,
        match (lang, ended) {
            (Lang::Fr, 0) => "Aucune session n'a été fermée : elle était déjà terminée.".to_string(),
            (Lang::Fr, n) => format!("{n} session(s) fermée(s)."),
            (Lang::En, 0) => "No session was ended: it had already ended.".to_string(),
            (Lang::En, n) => format!("{n} session(s) ended."),
        },
    ))
}

/// Changes the password: the current one must be given (attempts limited); the new one
/// follows the rules; every other session ends; the owner gets an e-mail.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    state: &AppState,
    ctx: &RequestContext,
    current: String,
    new_password: String,
) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = ctx.require_user()?;
    let account = crate::accounts::store::find_by_id(&state.db, user.id).await?.ok_or(AppError::SignInRequired)?;
    let personal = [account.email.as_str(), account.first_name.as_str(), account.last_name.as_str()];
    let mut errors = Vec::new();
    if current.is_empty() {
        errors.push((
            "current_password".to_string(),
            lang.t("Indiquez votre mot de passe actuel.", "Enter your current password.").to_string(),
        ));
    }
    if let Some(problem) = password::check(&new_password, &personal).first() {
        errors.push(("password".to_string(), problem.message(lang).to_string()));
    }
    if !errors.is_empty() {
        return Ok(Outcome::invalid(errors, lang));
    }
    if !crate::accounts::flows::check_own_password(state, user.id, current).await? {
        return Ok(crate::accounts::flows::wrong_password("current_password", lang));
    }
    let hash = state.hasher.hash(new_password).await?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    crate::accounts::store::set_password(&mut tx, user.id, &hash, now).await?;
    let ended = session::revoke_all(&mut tx, user.id, ctx.session_hash.as_deref()).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "account.password_changed", "user", Some(user.id))
            .with(serde_json::json!({ "sessions_ended": ended })),
    )
    .await?;
    let mail = crate::accounts::emails::password_changed(
        Lang::from_code(&account.lang),
        &account.email,
        &account.first_name,
        &state.settings.url("/mot-de-passe-oublie"),
    );
    outbox::enqueue(&mut tx, &mail, now).await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Votre nouveau mot de passe est enregistré ; vos autres sessions ont été fermées et un e-mail vous le confirme.",
            "Your new password is saved; your other sessions were signed out and an e-mail confirms it.",
        ),
    ))
}
