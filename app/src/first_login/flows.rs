//! The first sign-in: e-mail + provisional code, then password and terms.

use super::store as codes;
use crate::access_request::store as requests;
use crate::accounts::flows::{new_password_hash, open_session_at};
use crate::accounts::store::{self as accounts, Activation};
use crate::domain::access_request::Stored;
use crate::domain::account::{AccountStatus, UserKind};
use crate::domain::activation_code::{ActivationCode, CodeKind};
use crate::domain::email::Email;
use crate::domain::password;
use crate::error::FlowResult;
use crate::form::{FieldErrors, NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::limits::{self, LimitedAction};
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
#[tracing::instrument(skip_all)]
pub async fn first_login(state: &AppState, ctx: &RequestContext, input: FirstLoginInput) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(&input.email), |e| e.message(lang).into());
    let code =
        errors.check("code", ActivationCode::parse(&input.code), |e| e.message_for(CodeKind::ProvisionalAccess, lang));
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
    let user = accounts::find_by_email_key(&state.db, &email.key()).await?;
    let found = match &user {
        Some(u) if u.kind == UserKind::Professional => codes::find(state, u.id, &code).await?,
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
    let hash = match new_password_hash(state, &user, input.password, lang).await? {
        Ok(hash) => hash,
        Err(refused) => return Ok(refused),
    };

    let mut tx = state.db.begin().await?;
    let activation = Activation {
        from: &[AccountStatus::InvitationSent, AccountStatus::InvitationExpired, AccountStatus::InvitationAccepted],
        to: Some(AccountStatus::Active),
        terms: true,
    };
    if !codes::spend(state, &mut tx, user.id, &code).await?
        || !accounts::set_password_and_activate(&mut tx, user.id, &hash, activation, now).await?
    {
        return Ok(wrong(lang));
    }
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "account.activated", "user", Some(user.id))
            .with(serde_json::json!({ "from": user.status.as_str(), "to": "active", "by": "provisional_code" })),
    )
    .await?;
    if let Some(request_id) = stored.request_id
        && let Some(request) = requests::find(&state.db, request_id).await?
        && let Stored::Validated(validated) = Stored::from_state(request.state)
    {
        let active = validated.activate();
        if requests::apply(&mut tx, request_id, &active, now).await? {
            audit::record(
                &mut tx,
                now,
                AuditEntry::new(Some(user.id), "request.activated", "access_request", Some(request_id)).with(
                    serde_json::json!({ "from": active.from_state().as_str(), "to": active.to_state().as_str() }),
                ),
            )
            .await?;
        }
    }
    mark_sites_migrated(state, &mut tx, user.id, now).await?;
    tx.commit().await?;
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
#[tracing::instrument(skip_all)]
pub async fn mark_sites_migrated(
    state: &AppState,
    tx: &mut crate::platform::db::Tx,
    user_id: i64,
    now: i64,
) -> FlowResult<()> {
    let Some(access) = crate::professional::store::access_of(&state.db, user_id).await? else {
        return Ok(());
    };
    let sites = crate::professional::store::visible_sites(&state.db, &access).await?;
    for site in sites {
        if crate::structures::store::mark_migrated(tx, site.id, now).await? {
            audit::record(
                tx,
                now,
                AuditEntry::new(Some(user_id), "site.migrated", "site", Some(site.id))
                    .with(serde_json::json!({ "first_active_user": user_id })),
            )
            .await?;
        }
    }
    Ok(())
}
