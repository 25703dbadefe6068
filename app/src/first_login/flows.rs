//! The first sign-in: e-mail + provisional code, then password and terms.

use super::codes;
use crate::accounts::flows::{hash_error, open_session_at};
use crate::accounts::service;
use crate::domain::access_request::{RequestState, Stored};
use crate::domain::account::{AccountStatus, UserKind};
use crate::domain::activation_code::ActivationCode;
use crate::domain::email::Email;
use crate::domain::password;
use crate::error::AppResult;
use crate::form::{FieldErrors, NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::limits::{self, LimitedAction};
use crate::platform::state::internal;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};

/// What the first sign-in form sends.
pub struct FirstLoginInput {
    /// Address.
    pub email: String,
    /// Provisional code as typed.
    pub code: String,
    /// New password.
    pub password: String,
    /// Terms accepted.
    pub terms: bool,
}

fn wrong(lang: Lang) -> Outcome {
    Outcome::notice(
        NoticeKind::Error,
        lang.t(
            "Adresse e-mail ou code d'accès provisoire incorrect. Vérifiez-les dans l'e-mail « Votre code d'accès provisoire ».",
            "Incorrect e-mail address or provisional access code. Check them in the e-mail “Your provisional access code”.",
        ),
    )
}

/// Activates a professional account with its provisional code.
pub async fn first_login(state: &AppState, ctx: &RequestContext, input: FirstLoginInput) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(&input.email), |e| e.message(lang).into());
    let code = errors.check("code", ActivationCode::parse(&input.code), |e| {
        e.message(lang).replace("d'activation", "d'accès").replace("activation code", "access code")
    });
    if !input.terms {
        errors.add(
            "terms",
            lang.t(
                "Pour utiliser Sésame, acceptez les conditions d'utilisation.",
                "To use Sésame, accept the terms of use.",
            ),
        );
    }
    let rules = password::check_rules(&input.password);
    if let Some(p) = rules.first() {
        errors.add("password", p.message(lang));
    }
    let (Some(email), Some(code)) = (email, code) else {
        return Ok(Outcome::invalid(errors.0, lang));
    };
    if !errors.is_empty() {
        return Ok(Outcome::invalid(errors.0, lang));
    }
    let now = state.now();
    // Every attempt is counted first, per client and per address, then decided on.
    let from_client = LimitedAction::FirstSignInFromClient { client: &ctx.client_key };
    let email_key = email.key();
    let for_address = LimitedAction::FirstSignInAddress { email_key: &email_key };
    limits::check(state, from_client).await?;
    limits::check(state, for_address).await?;
    let user = service::find_by_email_key(&state.db, &email.key()).await.map_err(internal("user"))?;
    let found = match &user {
        Some(u) if u.kind == UserKind::Professional => {
            codes::find(state, u.id, &code).await.map_err(internal("code"))?
        }
        _ => None,
    };
    let (Some(user), Some(stored)) = (user, found) else {
        return Ok(wrong(lang));
    };
    if stored.used_at.is_some() || user.status == AccountStatus::Active {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t(
                "Ce code a déjà servi : votre compte est activé. Connectez-vous avec votre adresse e-mail et votre mot de passe.",
                "This code was already used: your account is active. Sign in with your e-mail address and password.",
            ),
        )
        .with_follow_up("/connexion", lang.t("Se connecter", "Sign in")));
    }
    if stored.expires_at <= now {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t(
                "Ce code d'accès provisoire a expiré (il est valable 7 jours). Contactez le support : il vous en enverra un nouveau par e-mail.",
                "This provisional access code has expired (it is valid 7 days). Contact support: they will e-mail you a new one.",
            ),
        ));
    }
    if user.status == AccountStatus::Deactivated {
        return Ok(wrong(lang));
    }
    let personal = [user.email.as_str(), user.first_name.as_str(), user.last_name.as_str()];
    if let Some(problem) = password::check(&input.password, &personal).first() {
        return Ok(Outcome::invalid(vec![("password".into(), problem.message(lang).into())], lang));
    }
    let hash = state.hasher.hash(input.password).await.map_err(hash_error)?;

    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    if !codes::spend(state, &mut tx, user.id, &code).await.map_err(internal("spend"))? {
        return Ok(wrong(lang));
    }
    service::set_password(&mut tx, user.id, &hash, now).await.map_err(internal("password"))?;
    sqlx::query(
        "UPDATE users SET status = 'active', terms_accepted_at = $1, email_verified_at = COALESCE(email_verified_at, $1), updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(user.id)
    .execute(&mut *tx)
    .await
    .map_err(internal("activate"))?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "account.activated", "user", Some(user.id))
            .with(serde_json::json!({ "from": user.status.as_str(), "to": "active", "by": "provisional_code" })),
    )
    .await
    .map_err(internal("audit"))?;
    if let Some(request_id) = stored.request_id
        && let Some(request) =
            crate::approval::requests::find(&state.db, request_id).await.map_err(internal("request"))?
        && let Stored::Validated(validated) = Stored::from_state(request.state)
    {
        let _active = validated.activate();
        if crate::approval::requests::transition(
            &mut tx,
            request_id,
            RequestState::Validated,
            RequestState::Active,
            now,
        )
        .await
        .map_err(internal("transition"))?
        {
            audit::record(
                &mut tx,
                now,
                AuditEntry::new(Some(user.id), "request.activated", "access_request", Some(request_id))
                    .with(serde_json::json!({ "from": "validated", "to": "active" })),
            )
            .await
            .map_err(internal("audit"))?;
        }
    }
    mark_sites_migrated(state, &mut tx, user.id, now).await?;
    tx.commit().await.map_err(internal("commit"))?;
    limits::forget(state, for_address).await?;
    limits::undo(state, from_client).await?;
    // The provisional code came by e-mail and the password was just chosen: this first
    // session counts both, and starts full.
    let new =
        crate::platform::session::NewSession { remember: false, device: ctx.device.clone(), authenticated_at: now };
    open_session_at(state, user.id, crate::platform::session::Stage::Full, &new, now).await?;
    leptos_axum::redirect("/mon-compte?bienvenue=1");
    Ok(Outcome::ok())
}

/// Marks as migrated the sites in a new active professional's scope that were not yet:
/// the first activation on a site means its old results server must be switched off.
pub async fn mark_sites_migrated(
    state: &AppState,
    tx: &mut crate::platform::db::Tx,
    user_id: i64,
    now: i64,
) -> AppResult<()> {
    let Some(access) = crate::professional::service::access_of(&state.db, user_id).await.map_err(internal("access"))?
    else {
        return Ok(());
    };
    let sites = crate::professional::service::visible_sites(&state.db, &access).await.map_err(internal("sites"))?;
    for site in sites {
        let r = sqlx::query("UPDATE sites SET migrated_at = $1 WHERE id = $2 AND migrated_at IS NULL")
            .bind(now)
            .bind(site.id)
            .execute(&mut **tx)
            .await
            .map_err(internal("migrate site"))?;
        if r.rows_affected() == 1 {
            audit::record(
                tx,
                now,
                AuditEntry::new(Some(user_id), "site.migrated", "site", Some(site.id))
                    .with(serde_json::json!({ "first_active_user": user_id })),
            )
            .await
            .map_err(internal("audit"))?;
        }
    }
    Ok(())
}
