//! Enrolling, using, turning off and resetting the second factor.
//!
//! Two factors exist: an authenticator app (TOTP, RFC 6238) and a six-digit code e-mailed at
//! sign-in. Support agents and administrators use the app only; professionals the app or
//! the e-mailed code; patients may enrol the app. Every code attempt is counted before it is
//! checked (5 per 15 minutes), and 20 wrong codes in a row block the second factor until
//! support resets it or a password reset lifts it. Turning the factor on or off, and a reset
//! by support, end the account's other sessions and tell its owner by e-mail.

use super::emails::{self, Change};
use super::store as recovery;
use crate::accounts::flows::open_session_at;
use crate::accounts::store as accounts;
use crate::domain::account::UserKind;
use crate::domain::activation_code::ActivationCode;
use crate::error::{AppError, FlowResult};
use crate::form::{NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::limits::{self, LimitedAction};
use crate::platform::mail::outbox;
use crate::platform::one_time_code::{self, Purpose};
use crate::platform::session::{self, Stage};
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry, totp};

/// Number of recovery codes.
pub const RECOVERY_CODES: usize = 10;

/// How a sign-in's second factor is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// A code from an authenticator app.
    App,
    /// A code e-mailed at sign-in.
    Email,
}

/// The enrolment state of an account: (enabled at, pending secret in clear).
#[tracing::instrument(skip_all)]
pub async fn enrolment(state: &AppState, user_id: i64) -> FlowResult<(Option<i64>, Option<String>)> {
    let row = accounts::second_factor(&state.db, user_id).await?;
    let pending = row.totp_pending_secret.and_then(|p| state.open_secret(&p)).and_then(|b| String::from_utf8(b).ok());
    Ok((row.totp_enabled_at, pending))
}

/// Starts an enrolment: a new secret waits for its first code.
#[tracing::instrument(skip_all)]
pub async fn start(state: &AppState, ctx: &RequestContext) -> FlowResult<Outcome> {
    let user = ctx.require_user()?;
    let secret = totp::new_secret();
    let mut tx = state.db.begin().await?;
    accounts::set_pending_totp(&mut tx, user.id, &state.seal_secret(secret.as_bytes())?).await?;
    tx.commit().await?;
    leptos_axum::redirect("/mon-compte/securite");
    Ok(Outcome::ok())
}

/// Queues the mail of a second-factor change to the account's owner, in the caller's
/// transaction.
async fn tell_owner(state: &AppState, tx: &mut crate::platform::db::Tx, user_id: i64, what: Change) -> FlowResult<()> {
    let user = accounts::find_in(tx, user_id).await?.ok_or(AppError::Forbidden)?;
    let help = state.settings.url("/mot-de-passe-oublie");
    let mail = emails::changed(user.language(), &user.email, &user.first_name, what, &help);
    outbox::enqueue(tx, &mail, state.now()).await?;
    Ok(())
}

/// Confirms an enrolment with a first code; returns the recovery codes, shown once. The
/// account's other sessions end and its owner is told.
#[tracing::instrument(skip_all)]
pub async fn enable(state: &AppState, ctx: &RequestContext, code: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = ctx.require_user()?;
    limits::check(state, LimitedAction::SecondFactor { user_id: user.id }).await?;
    let (_, pending) = enrolment(state, user.id).await?;
    let Some(secret) = pending else {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t("Commencez par afficher le QR code.", "Start by showing the QR code."),
        ));
    };
    let Some(step) = totp::verify(&secret, code, (state.now() / 1000) as u64, None) else {
        return Ok(Outcome::invalid(
            vec![("code".into(), lang.t(
                "Ce code ne correspond pas : saisissez les 6 chiffres affichés par l'application en ce moment (vérifiez que l'heure du téléphone est juste).",
                "This code does not match: type the 6 digits the app shows right now (check the phone's clock).",
            ).into())],
            lang,
        ));
    };
    let now = state.now();
    let mut tx = state.db.begin().await?;
    accounts::enable_totp(&mut tx, user.id, step as i64, now).await?;
    let codes =
        recovery::replace(state, &mut tx, user.id, RECOVERY_CODES).await?.iter().map(ActivationCode::grouped).collect();
    let ended = session::revoke_all(&mut tx, user.id, ctx.session_hash.as_deref()).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "second_factor.enabled", "user", Some(user.id))
            .with(serde_json::json!({ "sessions_ended": ended })),
    )
    .await?;
    tell_owner(state, &mut tx, user.id, Change::Enabled).await?;
    tx.commit().await?;
    state.wake_mailer();
    limits::forget(state, LimitedAction::SecondFactor { user_id: user.id }).await?;
    Ok(Outcome {
        notice: Some((
            NoticeKind::Success,
            lang.t(
                "L'authentification à deux facteurs est activée. Voici vos 10 codes de secours : chacun sert une fois si vous n'avez plus votre téléphone. Notez-les maintenant et gardez-les en lieu sûr : ils ne seront plus affichés.",
                "Two-factor authentication is on. Here are your 10 recovery codes: each works once if you no longer have your phone. Write them down now and keep them safe: they will not be shown again.",
            )
            .into(),
        )),
        items: codes,
        ..Outcome::default()
    })
}

/// Turns the authenticator app off, after the current password. Refused to support agents
/// and administrators, for whom it is mandatory. Other sessions end; the owner is told.
#[tracing::instrument(skip_all)]
pub async fn disable(state: &AppState, ctx: &RequestContext, current_password: String) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = ctx.require_user()?;
    if user.kind == UserKind::Support {
        return Err(AppError::Forbidden.into());
    }
    if !crate::accounts::flows::check_own_password(state, user.id, current_password).await? {
        return Ok(crate::accounts::flows::wrong_password("current_password", lang));
    }
    let now = state.now();
    let not_on = || {
        Outcome::notice(
            NoticeKind::Warn,
            lang.t("L'authentification à deux facteurs n'était pas activée.", "Two-factor authentication was not on."),
        )
    };
    if accounts::second_factor(&state.db, user.id).await?.totp_enabled_at.is_none() {
        return Ok(not_on());
    }
    let mut tx = state.db.begin().await?;
    if !accounts::clear_totp(&mut tx, user.id).await? {
        return Ok(not_on());
    }
    recovery::remove_all(&mut tx, user.id).await?;
    let ended = session::revoke_all(&mut tx, user.id, ctx.session_hash.as_deref()).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "second_factor.disabled", "user", Some(user.id))
            .with(serde_json::json!({ "sessions_ended": ended })),
    )
    .await?;
    tell_owner(state, &mut tx, user.id, Change::Disabled).await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        match user.kind {
            UserKind::Professional => lang.t(
                "L'application d'authentification est désactivée : à chaque connexion, un code vous sera envoyé par e-mail.",
                "The authenticator app is off: at each sign-in, a code will be e-mailed to you.",
            ),
            _ => lang.t("L'authentification à deux facteurs est désactivée.", "Two-factor authentication is off."),
        },
    ))
}

/// E-mails a new sign-in code to an account (the previous one dies). Never for support
/// agents and administrators, whose only second factor is the app.
#[tracing::instrument(skip_all)]
pub async fn send_email_code(state: &AppState, user_id: i64) -> FlowResult<()> {
    let user = accounts::find_by_id(&state.db, user_id).await?.ok_or(AppError::Forbidden)?;
    if user.kind == UserKind::Support {
        return Err(AppError::Forbidden.into());
    }
    let (email, first, lang) = (&user.email, &user.first_name, user.language());
    let mut tx = state.db.begin().await?;
    let code = one_time_code::issue(state, &mut tx, user_id, Purpose::SignIn).await?;
    let mail = emails::sign_in_code(lang, email, first, &code);
    outbox::enqueue(&mut tx, &mail, state.now()).await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(())
}

/// "Renvoyer le code" / "Recevoir un code par e-mail" on `/connexion/code`.
#[tracing::instrument(skip_all)]
pub async fn resend_email_code(state: &AppState, ctx: &RequestContext) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user_id = ctx.second_factor_pending.ok_or_else(|| ctx.sign_in_error())?;
    limits::check(state, LimitedAction::EmailCodeSend { user_id }).await?;
    send_email_code(state, user_id).await?;
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Un nouveau code vient de vous être envoyé par e-mail (valable 10 minutes) ; les précédents ne fonctionnent plus.",
            "A new code was just e-mailed to you (valid 10 minutes); earlier ones no longer work.",
        ),
    ))
}

fn blocked(lang: Lang) -> Outcome {
    Outcome::notice(
        NoticeKind::Error,
        lang.t(
            "Trop de codes erronés : par sécurité, le second facteur de ce compte est bloqué. Choisissez un nouveau mot de passe pour le débloquer, ou contactez le support.",
            "Too many wrong codes: for safety, this account's second factor is blocked. Choose a new password to unblock it, or contact support.",
        ),
    )
    .with_follow_up("/mot-de-passe-oublie", lang.t("Choisir un nouveau mot de passe", "Choose a new password"))
}

/// Checks the second factor of a pending sign-in (code from the app, code e-mailed, or a
/// recovery code), and turns the session into a full one.
#[tracing::instrument(skip_all)]
pub async fn verify(state: &AppState, ctx: &RequestContext, typed: &str, next: Option<&str>) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let Some(user_id) = ctx.second_factor_pending else {
        return Err(AppError::SignInRequired.into());
    };
    // Counted first: parallel guesses each take a number, and only the first few are
    // checked at all.
    limits::check(state, LimitedAction::SecondFactor { user_id }).await?;
    let in_a_row = limits::count(state, LimitedAction::SecondFactorHardStop { user_id }).await?;
    if in_a_row.over(LimitedAction::SecondFactorHardStop { user_id }.limit()) {
        return Ok(blocked(lang));
    }
    let now = state.now();
    let accounts::SecondFactorRow { kind, email, totp_secret, totp_last_step: last_step, .. } =
        accounts::second_factor(&state.db, user_id).await?;
    let secret = totp_secret.and_then(|s| state.open_secret(&s)).and_then(|b| String::from_utf8(b).ok());
    let mut tx = state.db.begin().await?;
    let digits: String = typed.chars().filter(|c| c.is_ascii_digit()).collect();
    let six_digits = digits.len() == 6 && typed.chars().all(|c| c.is_ascii_digit() || c.is_whitespace());
    let mut accepted = false;
    if six_digits {
        if let Some(step) =
            secret.as_ref().and_then(|s| totp::verify(s, typed, (now / 1000) as u64, last_step.map(|l| l as u64)))
        {
            // Conditional update: a code works once, even with two requests at once.
            accepted = accounts::use_totp_step(&mut tx, user_id, step as i64).await?;
        }
        if !accepted && kind != UserKind::Support {
            accepted = one_time_code::spend(state, &mut tx, user_id, Purpose::SignIn, &digits).await?;
        }
    } else if let Ok(code) = ActivationCode::parse(typed)
        && recovery::spend(state, &mut tx, user_id, &code, now).await?
    {
        audit::record(
            &mut tx,
            now,
            AuditEntry::new(Some(user_id), "second_factor.recovery_code_used", "user", Some(user_id)),
        )
        .await?;
        accepted = true;
    }
    if !accepted {
        drop(tx);
        return Ok(Outcome::invalid(
            vec![("code".into(), lang.t(
                "Ce code n'est pas valable. Saisissez les 6 chiffres affichés par votre application ou reçus par e-mail, ou l'un de vos codes de secours.",
                "This code is not valid. Type the 6 digits your app shows or that you received by e-mail, or one of your recovery codes.",
            ).into())],
            lang,
        ));
    }
    // The pending session gives way to a new, full one.
    if let Some(hash) = &ctx.session_hash {
        session::remove(&mut tx, hash).await?;
    }
    tx.commit().await?;
    limits::forget(state, LimitedAction::SecondFactor { user_id }).await?;
    limits::forget(state, LimitedAction::SecondFactorHardStop { user_id }).await?;
    limits::forget(state, LimitedAction::SignInAccount { email_key: &email.to_lowercase() }).await?;
    let carried = ctx.carried.clone().unwrap_or_default();
    open_session_at(state, user_id, Stage::Full, &carried, now).await?;
    let home = crate::accounts::flows::home_of(kind);
    let target = crate::platform::redirect::local_or(&state.settings.public_url, next.unwrap_or_default(), home);
    leptos_axum::redirect(&target);
    Ok(Outcome::ok())
}

/// Removes a user's second factor (support, after checking the person's identity): they
/// enrol again at their next visit. Their sessions end; they are told by e-mail; a blocked
/// second factor is unblocked.
#[tracing::instrument(skip_all)]
pub async fn reset(state: &AppState, actor: i64, user_id: i64) -> FlowResult<()> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    accounts::clear_totp(&mut tx, user_id).await?;
    recovery::remove_all(&mut tx, user_id).await?;
    let ended = session::revoke_all(&mut tx, user_id, None).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(actor), "second_factor.reset", "user", Some(user_id))
            .with(serde_json::json!({ "sessions_ended": ended })),
    )
    .await?;
    tell_owner(state, &mut tx, user_id, Change::Reset).await?;
    tx.commit().await?;
    limits::forget(state, LimitedAction::SecondFactorHardStop { user_id }).await?;
    state.wake_mailer();
    Ok(())
}

/// Checks a code of the person's authenticator app again, before an irreversible action
/// (deleting the account). Counted like sign-in codes; a code works once.
#[tracing::instrument(skip_all)]
pub async fn check_app_code(state: &AppState, user_id: i64, typed: &str) -> FlowResult<bool> {
    limits::check(state, LimitedAction::SecondFactor { user_id }).await?;
    let row = accounts::second_factor(&state.db, user_id).await?;
    let Some(secret) = row.totp_secret.and_then(|s| state.open_secret(&s)).and_then(|b| String::from_utf8(b).ok())
    else {
        return Ok(false);
    };
    let digits: String = typed.chars().filter(|c| c.is_ascii_digit()).collect();
    let Some(step) = totp::verify(&secret, &digits, (state.now() / 1000) as u64, row.totp_last_step.map(|l| l as u64))
    else {
        return Ok(false);
    };
    let mut tx = state.db.begin().await?;
    let fresh = accounts::use_totp_step(&mut tx, user_id, step as i64).await?;
    tx.commit().await?;
    if fresh {
        limits::forget(state, LimitedAction::SecondFactor { user_id }).await?;
    }
    Ok(fresh)
}
