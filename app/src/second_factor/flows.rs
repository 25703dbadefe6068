//! Enrolling, using and resetting the second factor.

use crate::accounts::flows::{open_session_at, set_cookie};
use crate::domain::activation_code::ActivationCode;
use crate::error::{AppError, AppResult};
use crate::form::{NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::clock::MINUTE;
use crate::platform::rate_limit::{self, Limit};
use crate::platform::session::{self, Stage};
use crate::platform::state::internal;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry, secretbox, totp};
use sqlx::Row;

/// Wrong second-factor codes per account before waiting.
const WRONG_CODES: Limit = Limit { max: 5, window: 15 * MINUTE };
/// Number of recovery codes.
pub const RECOVERY_CODES: usize = 10;

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
    let user = ctx.user.clone().ok_or(AppError::SignInRequired)?;
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

/// Confirms an enrolment with a first code; returns the recovery codes, shown once.
pub async fn enable(state: &AppState, ctx: &RequestContext, code: &str) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let user = ctx.user.clone().ok_or(AppError::SignInRequired)?;
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
    audit::record(&mut tx, now, AuditEntry::new(Some(user.id), "second_factor.enabled", "user", Some(user.id)))
        .await
        .map_err(internal("audit"))?;
    tx.commit().await.map_err(internal("commit"))?;
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

/// Checks the second factor of a pending sign-in (code from the app, or a recovery code),
/// and turns the session into a full one.
pub async fn verify(state: &AppState, ctx: &RequestContext, typed: &str, next: Option<&str>) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let Some(user_id) = ctx.second_factor_pending else {
        return Err(AppError::SignInRequired);
    };
    let now = state.now();
    let key = format!("second-factor:{user_id}");
    if let Some(wait) = rate_limit::exceeded(&state.db, &key, WRONG_CODES, now).await.map_err(internal("rate limit"))? {
        return Err(AppError::RateLimited(wait));
    }
    let row = sqlx::query("SELECT totp_secret, totp_last_step, kind FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(state.db.pool())
        .await
        .map_err(internal("user"))?;
    let sealed: Option<String> = row.try_get("totp_secret").map_err(internal("decode"))?;
    let last_step: Option<i64> = row.try_get("totp_last_step").map_err(internal("decode"))?;
    let kind: String = row.try_get("kind").map_err(internal("decode"))?;
    let secret = sealed
        .and_then(|s| secretbox::open(&state.settings.secret_key, &s))
        .and_then(|b| totp::base32_decode(&String::from_utf8(b).ok()?));
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    let digits: String = typed.chars().filter(|c| c.is_ascii_digit()).collect();
    let accepted = if digits.len() == 6 && typed.chars().all(|c| c.is_ascii_digit() || c.is_whitespace()) {
        match secret.as_ref().and_then(|s| totp::verify(s, typed, (now / 1000) as u64, last_step.map(|l| l as u64))) {
            Some(step) => {
                // Conditional update: a code works once, even with two requests at once.
                let r = sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)")
                    .bind(step as i64)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(internal("step"))?;
                r.rows_affected() == 1
            }
            None => false,
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
            true
        } else {
            false
        }
    } else {
        false
    };
    if !accepted {
        drop(tx);
        rate_limit::hit(&state.db, &key, WRONG_CODES, now).await.map_err(internal("rate limit"))?;
        return Ok(Outcome::invalid(
            vec![("code".into(), lang.t(
                "Ce code n'est pas valable. Saisissez les 6 chiffres affichés par votre application, ou l'un de vos codes de secours.",
                "This code is not valid. Type the 6 digits your app shows, or one of your recovery codes.",
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
    rate_limit::clear(&state.db, &key).await.map_err(internal("rate limit"))?;
    open_session_at(state, user_id, Stage::Full, now).await?;
    let home = crate::accounts::flows::home_of(
        crate::domain::account::UserKind::parse(&kind).unwrap_or(crate::domain::account::UserKind::Patient),
    );
    let target = next.filter(|n| !n.is_empty()).map(crate::language::safe_local_path).unwrap_or(home);
    leptos_axum::redirect(target);
    Ok(Outcome::ok())
}

/// Removes a user's second factor (support, after checking the person's identity): they
/// enrol again at their next visit. Their sessions end.
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
    session::revoke_all(&mut tx, user_id, None).await.map_err(internal("sessions"))?;
    audit::record(&mut tx, now, AuditEntry::new(Some(actor), "second_factor.reset", "user", Some(user_id)))
        .await
        .map_err(internal("audit"))?;
    if let Some(user) = crate::accounts::service::find_by_id(&state.db, user_id).await.map_err(internal("user"))? {
        let lang = Lang::from_code(&user.lang);
        let mail = crate::platform::mail::template::Message {
            subject: lang.t("Votre second facteur d'authentification a été réinitialisé", "Your second factor was reset").into(),
            greeting: crate::platform::mail::template::greeting(lang, &user.first_name),
            paragraphs: vec![lang
                .t(
                    "Le support a réinitialisé votre authentification à deux facteurs, à votre demande. À votre prochaine connexion, configurez à nouveau votre application d'authentification. Si vous n'avez rien demandé, contactez immédiatement le support.",
                    "Support reset your two-factor authentication, as you asked. At your next sign-in, set up your authenticator app again. If you did not ask for this, contact support at once.",
                )
                .into()],
            ..Default::default()
        }
        .render(lang, &user.email, "second_factor_reset");
        crate::platform::mail::outbox::enqueue(&mut tx, &mail, now).await.map_err(internal("outbox"))?;
    }
    tx.commit().await.map_err(internal("commit"))?;
    state.wake_mailer();
    Ok(())
}

/// Clears the cookie of an abandoned pending sign-in.
pub fn forget_pending(state: &AppState) -> AppResult<()> {
    set_cookie(&session::clear_cookie_header(state.settings.secure_cookies))
}
