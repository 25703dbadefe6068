//! Enrolling, using, turning off and resetting the second factor.
//!
//! Two factors exist: an authenticator app (TOTP, RFC 6238) and a six-digit code e-mailed at
//! sign-in. Support agents and administrators use the app only; professionals the app or
//! the e-mailed code; patients may enrol the app. Every code attempt is counted before it is
//! checked (5 per 15 minutes), and 20 wrong codes in a row block the second factor until
//! support resets it or a password reset lifts it. Turning the factor on or off, and a reset
//! by support, end the account's other sessions and tell its owner by e-mail.

use crate::accounts::flows::{hash_error, open_session_at};
use crate::domain::account::UserKind;
use crate::domain::activation_code::ActivationCode;
use crate::error::{AppError, AppResult};
use crate::form::{NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::limits::{self, LimitedAction};
use crate::platform::mail::outbox;
use crate::platform::mail::template::{Message, greeting};
use crate::platform::one_time_code::{self, Purpose};
use crate::platform::session::{self, Stage};
use crate::platform::state::internal;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry, secretbox, totp};
use sqlx::Row;

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

fn recovery_hash(state: &AppState, code: &ActivationCode) -> String {
    state.keyed_hash("recovery-code", code.as_canonical())
}

/// The enrolment state of an account: (enabled at, pending secret in clear).
pub async fn enrolment(state: &AppState, user_id: i64) -> AppResult<(Option<i64>, Option<String>)> {
    let row = sqlx::query("SELECT totp_enabled_at, totp_pending_secret FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(state.db.pool())
        .await
        .map_err(internal("second factor"))?;
    let enabled: Option<i64> = row.try_get("totp_enabled_at").map_err(internal("decode"))?;
    let pending: Option<String> = row.try_get("totp_pending_secret").map_err(internal("decode"))?;
    let pending =
        pending.and_then(|p| secretbox::open(&state.settings.secret_key, &p)).and_then(|b| String::from_utf8(b).ok());
    Ok((enabled, pending))
}

/// Starts an enrolment: a new secret waits for its first code.
pub async fn start(state: &AppState, ctx: &RequestContext) -> AppResult<Outcome> {
    let user = ctx.require_user()?;
    let secret = totp::new_secret();
    sqlx::query("UPDATE users SET totp_pending_secret = $1 WHERE id = $2")
        .bind(secretbox::seal(&state.settings.secret_key, secret.as_bytes()))
        .bind(user.id)
        .execute(state.db.pool())
        .await
        .map_err(internal("start second factor"))?;
    leptos_axum::redirect("/mon-compte/securite");
    Ok(Outcome::ok())
}

/// The mail telling an account's owner that its second factor changed, and that its other
/// sessions were ended.
fn changed_mail(
    lang: Lang,
    to: &str,
    first_name: &str,
    what: SecondFactorChange,
    help: &str,
) -> crate::platform::mail::Mail {
    let (subject, paragraph, template) = match what {
        SecondFactorChange::Enabled => (
            lang.t("Authentification à deux facteurs activée", "Two-factor authentication turned on"),
            lang.t(
                "L'authentification à deux facteurs vient d'être activée sur votre compte Sésame. Vos autres sessions ont été fermées.",
                "Two-factor authentication was just turned on for your Sésame account. Your other sessions were signed out.",
            ),
            "second_factor_enabled",
        ),
        SecondFactorChange::Disabled => (
            lang.t("Authentification à deux facteurs désactivée", "Two-factor authentication turned off"),
            lang.t(
                "L'authentification à deux facteurs vient d'être désactivée sur votre compte Sésame. Vos autres sessions ont été fermées.",
                "Two-factor authentication was just turned off for your Sésame account. Your other sessions were signed out.",
            ),
            "second_factor_disabled",
        ),
        SecondFactorChange::Reset => (
            lang.t("Votre second facteur d'authentification a été réinitialisé", "Your second factor was reset"),
            lang.t(
                "Le support a réinitialisé votre authentification à deux facteurs, à votre demande, et fermé toutes vos sessions. À votre prochaine connexion, configurez à nouveau votre application d'authentification.",
                "Support reset your two-factor authentication, as you asked, and signed out all your sessions. At your next sign-in, set up your authenticator app again.",
            ),
            "second_factor_reset",
        ),
    };
    Message {
        subject: subject.into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            paragraph.into(),
            format!(
                "{} {help}",
                lang.t(
                    "Si ce n'est pas vous, choisissez immédiatement un nouveau mot de passe :",
                    "If this was not you, choose a new password right away:",
                )
            ),
        ],
        ..Default::default()
    }
    .render(lang, to, template)
}

#[derive(Clone, Copy)]
enum SecondFactorChange {
    Enabled,
    Disabled,
    Reset,
}

/// Queues the mail of a second-factor change to the account's owner, in the caller's
/// transaction.
async fn tell_owner(
    state: &AppState,
    tx: &mut crate::platform::db::Tx,
    user_id: i64,
    what: SecondFactorChange,
) -> AppResult<()> {
    let row = sqlx::query("SELECT email, first_name, lang FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal("user"))?;
    let (email, first, lang): (String, String, String) = (
        row.try_get("email").map_err(internal("decode"))?,
        row.try_get("first_name").map_err(internal("decode"))?,
        row.try_get("lang").map_err(internal("decode"))?,
    );
    let mail = changed_mail(Lang::from_code(&lang), &email, &first, what, &state.settings.url("/mot-de-passe-oublie"));
    outbox::enqueue(tx, &mail, state.now()).await.map_err(internal("outbox"))
}

/// Confirms an enrolment with a first code; returns the recovery codes, shown once. The
/// account's other sessions end and its owner is told.
pub async fn enable(state: &AppState, ctx: &RequestContext, code: &str) -> AppResult<Outcome> {
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
    let bytes = totp::base32_decode(&secret).unwrap_or_default();
    let Some(step) = totp::verify(&bytes, code, (state.now() / 1000) as u64, None) else {
        return Ok(Outcome::invalid(
            vec![("code".into(), lang.t(
                "Ce code ne correspond pas : saisissez les 6 chiffres affichés par l'application en ce moment (vérifiez que l'heure du téléphone est juste).",
                "This code does not match: type the 6 digits the app shows right now (check the phone's clock).",
            ).into())],
            lang,
        ));
    };
    let now = state.now();
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    sqlx::query(
        "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_enabled_at = $1, totp_last_step = $2 WHERE id = $3",
    )
    .bind(now)
    .bind(step as i64)
    .bind(user.id)
    .execute(&mut *tx)
    .await
    .map_err(internal("enable"))?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.id)
        .execute(&mut *tx)
        .await
        .map_err(internal("codes"))?;
    for _ in 0..RECOVERY_CODES {
        let code = ActivationCode::generate(&mut rand::rngs::OsRng);
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user.id)
            .bind(recovery_hash(state, &code))
            .execute(&mut *tx)
            .await
            .map_err(internal("codes"))?;
        codes.push(code.grouped());
    }
    let ended =
        session::revoke_all(&mut tx, user.id, ctx.session_hash.as_deref()).await.map_err(internal("sessions"))?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "second_factor.enabled", "user", Some(user.id))
            .with(serde_json::json!({ "sessions_ended": ended })),
    )
    .await
    .map_err(internal("audit"))?;
    tell_owner(state, &mut tx, user.id, SecondFactorChange::Enabled).await?;
    tx.commit().await.map_err(internal("commit"))?;
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
pub async fn disable(state: &AppState, ctx: &RequestContext, current_password: String) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let user = ctx.require_user()?;
    if user.kind == UserKind::Support {
        return Err(AppError::Forbidden);
    }
    limits::check(state, LimitedAction::PasswordCheck { user_id: user.id }).await?;
    let stored: Option<String> = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(state.db.pool())
        .await
        .map_err(internal("password"))?;
    if !state.hasher.verify(current_password, stored).await.map_err(hash_error)? {
        return Ok(Outcome::invalid(
            vec![(
                "current_password".into(),
                lang.t("Ce mot de passe n'est pas le bon.", "This is not the right password.").into(),
            )],
            lang,
        ));
    }
    limits::forget(state, LimitedAction::PasswordCheck { user_id: user.id }).await?;
    let now = state.now();
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    let r = sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL \
         WHERE id = $1 AND totp_enabled_at IS NOT NULL",
    )
    .bind(user.id)
    .execute(&mut *tx)
    .await
    .map_err(internal("disable"))?;
    if r.rows_affected() == 0 {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t("L'authentification à deux facteurs n'était pas activée.", "Two-factor authentication was not on."),
        ));
    }
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.id)
        .execute(&mut *tx)
        .await
        .map_err(internal("codes"))?;
    let ended =
        session::revoke_all(&mut tx, user.id, ctx.session_hash.as_deref()).await.map_err(internal("sessions"))?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "second_factor.disabled", "user", Some(user.id))
            .with(serde_json::json!({ "sessions_ended": ended })),
    )
    .await
    .map_err(internal("audit"))?;
    tell_owner(state, &mut tx, user.id, SecondFactorChange::Disabled).await?;
    tx.commit().await.map_err(internal("commit"))?;
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
pub async fn send_email_code(state: &AppState, user_id: i64) -> AppResult<()> {
    let row = sqlx::query("SELECT email, first_name, lang, kind FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(state.db.pool())
        .await
        .map_err(internal("user"))?;
    let kind: String = row.try_get("kind").map_err(internal("decode"))?;
    if kind == UserKind::Support.as_str() {
        return Err(AppError::Forbidden);
    }
    let (email, first, lang): (String, String, String) = (
        row.try_get("email").map_err(internal("decode"))?,
        row.try_get("first_name").map_err(internal("decode"))?,
        row.try_get("lang").map_err(internal("decode"))?,
    );
    let lang = Lang::from_code(&lang);
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    let code = one_time_code::issue(state, &mut tx, user_id, Purpose::SignIn).await.map_err(internal("code"))?;
    let mail = Message {
        subject: lang.t("Votre code de connexion Sésame", "Your Sésame sign-in code").into(),
        greeting: greeting(lang, &first),
        paragraphs: vec![lang
            .t(
                "Pour terminer votre connexion à Sésame, saisissez ce code à 6 chiffres. Il est valable 10 minutes et ne sert qu'une fois.",
                "To finish signing in to Sésame, type this 6-digit code. It is valid for 10 minutes and works once.",
            )
            .into()],
        code: Some(code),
        after: vec![lang
            .t(
                "Si vous n'essayez pas de vous connecter, quelqu'un connaît votre mot de passe : changez-le dès maintenant.",
                "If you are not trying to sign in, someone knows your password: change it now.",
            )
            .into()],
        ..Default::default()
    }
    .render(lang, &email, "sign_in_code");
    outbox::enqueue(&mut tx, &mail, state.now()).await.map_err(internal("outbox"))?;
    tx.commit().await.map_err(internal("commit"))?;
    state.wake_mailer();
    Ok(())
}

/// "Renvoyer le code" / "Recevoir un code par e-mail" on `/connexion/code`.
pub async fn resend_email_code(state: &AppState, ctx: &RequestContext) -> AppResult<Outcome> {
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
pub async fn verify(state: &AppState, ctx: &RequestContext, typed: &str, next: Option<&str>) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let Some(user_id) = ctx.second_factor_pending else {
        return Err(AppError::SignInRequired);
    };
    // Counted first: parallel guesses each take a number, and only the first few are
    // checked at all.
    limits::check(state, LimitedAction::SecondFactor { user_id }).await?;
    let in_a_row = limits::count(state, LimitedAction::SecondFactorHardStop { user_id }).await?;
    if in_a_row.over(LimitedAction::SecondFactorHardStop { user_id }.limit()) {
        return Ok(blocked(lang));
    }
    let now = state.now();
    let row = sqlx::query("SELECT totp_secret, totp_last_step, kind, email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(state.db.pool())
        .await
        .map_err(internal("user"))?;
    let sealed: Option<String> = row.try_get("totp_secret").map_err(internal("decode"))?;
    let last_step: Option<i64> = row.try_get("totp_last_step").map_err(internal("decode"))?;
    let kind: String = row.try_get("kind").map_err(internal("decode"))?;
    let email: String = row.try_get("email").map_err(internal("decode"))?;
    let kind = UserKind::parse(&kind).ok_or_else(|| internal("decode")(format!("unknown kind {kind}")))?;
    let secret = sealed
        .and_then(|s| secretbox::open(&state.settings.secret_key, &s))
        .and_then(|b| totp::base32_decode(&String::from_utf8(b).ok()?));
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    let digits: String = typed.chars().filter(|c| c.is_ascii_digit()).collect();
    let six_digits = digits.len() == 6 && typed.chars().all(|c| c.is_ascii_digit() || c.is_whitespace());
    let mut accepted = false;
    if six_digits {
        if let Some(step) =
            secret.as_ref().and_then(|s| totp::verify(s, typed, (now / 1000) as u64, last_step.map(|l| l as u64)))
        {
            // Conditional update: a code works once, even with two requests at once.
            let r = sqlx::query(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step as i64)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(internal("step"))?;
            accepted = r.rows_affected() == 1;
        }
        if !accepted && kind != UserKind::Support {
            accepted = one_time_code::spend(state, &mut tx, user_id, Purpose::SignIn, &digits)
                .await
                .map_err(internal("e-mailed code"))?;
        }
    } else if let Ok(code) = ActivationCode::parse(typed) {
        let r = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .bind(recovery_hash(state, &code))
        .execute(&mut *tx)
        .await
        .map_err(internal("recovery"))?;
        if r.rows_affected() == 1 {
            audit::record(
                &mut tx,
                now,
                AuditEntry::new(Some(user_id), "second_factor.recovery_code_used", "user", Some(user_id)),
            )
            .await
            .map_err(internal("audit"))?;
            accepted = true;
        }
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
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(hash)
            .execute(&mut *tx)
            .await
            .map_err(internal("session"))?;
    }
    tx.commit().await.map_err(internal("commit"))?;
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
pub async fn reset(state: &AppState, actor: i64, user_id: i64) -> AppResult<()> {
    let now = state.now();
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    sqlx::query("UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(internal("reset"))?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(internal("reset"))?;
    let ended = session::revoke_all(&mut tx, user_id, None).await.map_err(internal("sessions"))?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(actor), "second_factor.reset", "user", Some(user_id))
            .with(serde_json::json!({ "sessions_ended": ended })),
    )
    .await
    .map_err(internal("audit"))?;
    tell_owner(state, &mut tx, user_id, SecondFactorChange::Reset).await?;
    tx.commit().await.map_err(internal("commit"))?;
    limits::forget(state, LimitedAction::SecondFactorHardStop { user_id }).await?;
    state.wake_mailer();
    Ok(())
}
