//! Actions of the admin console. Every one checks the caller is support (with a second
//! factor); creating support accounts, and acting on administrators, needs an
//! administrator.

use crate::accounts::service::{self, TokenPurpose, TokenState};
use crate::domain::access_request::{Profile, Rights, SiteScope};
use crate::domain::account::{AccountStatus, UserKind};
use crate::domain::email::Email;
use crate::error::{AppError, AppResult};
use crate::form::{FieldErrors, NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::invitations::flows::{NewInvitee, invite, send_invitation};
use crate::platform::db::is_unique_violation;
use crate::platform::mail::outbox;
use crate::platform::mail::template::{Message, greeting};
use crate::platform::session::CurrentUser;
use crate::platform::state::internal;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry, session};
use crate::support::flows::require_support;

/// What the "create a user" form sends.
#[derive(Debug, Default)]
pub struct NewUserInput {
    /// Address.
    pub email: String,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// Job title.
    pub job_title: String,
    /// professional | support.
    pub kind: String,
    /// Administrator (support accounts).
    pub is_admin: bool,
    /// Structure id (professionals).
    pub structure: String,
    /// biologist | collaborator (professionals).
    pub profile: String,
    /// Results right.
    pub results: bool,
    /// Invoices right.
    pub invoices: bool,
}

/// The account an agent acts on, if they may: never their own (a person manages their own
/// account from `/mon-compte`), and support agents and administrators only by an
/// administrator. Anything else is `Forbidden`, unknown ids included.
async fn target(state: &AppState, agent: &CurrentUser, user_id: i64) -> AppResult<service::UserRow> {
    if agent.id == user_id {
        return Err(AppError::Forbidden);
    }
    let user = service::find_by_id(&state.db, user_id).await.map_err(internal("user"))?.ok_or(AppError::Forbidden)?;
    let is_admin: i64 = sqlx::query_scalar("SELECT is_admin FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(state.db.pool())
        .await
        .map_err(internal("admin"))?;
    if (is_admin != 0 || user.kind == UserKind::Support) && !agent.is_admin {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// Creates an account and sends its invitation.
pub async fn create_user(state: &AppState, ctx: &RequestContext, input: NewUserInput) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(&input.email), |e| e.message(lang).into());
    let last = errors.check(
        "last_name",
        crate::domain::names::parse_name(&input.last_name, lang, ("Indiquez le nom.", "Enter the last name.")),
        |e| e,
    );
    let first = errors.check(
        "first_name",
        crate::domain::names::parse_name(&input.first_name, lang, ("Indiquez le prénom.", "Enter the first name.")),
        |e| e,
    );
    let kind = match input.kind.as_str() {
        "support" => UserKind::Support,
        "professional" => UserKind::Professional,
        _ => {
            errors.add("kind", lang.t("Choisissez le type de compte.", "Choose the kind of account."));
            UserKind::Professional
        }
    };
    if (kind == UserKind::Support || input.is_admin) && !agent.is_admin {
        errors.add(
            "kind",
            lang.t(
                "Seul un administrateur peut créer un compte du support ou d'administrateur.",
                "Only an administrator can create a support or administrator account.",
            ),
        );
    }
    let mut structure = None;
    let mut profile = Profile::Collaborator;
    if kind == UserKind::Professional {
        structure = match input.structure.trim().parse::<i64>().ok() {
            Some(id) => crate::structures::service::find(&state.db, id).await.map_err(internal("structure"))?,
            None => None,
        };
        if structure.is_none() {
            errors.add(
                "structure",
                lang.t("Choisissez la structure du professionnel.", "Choose the professional's structure."),
            );
        }
        match Profile::parse(&input.profile) {
            Some(p) => profile = p,
            None => errors.add(
                "profile",
                lang.t(
                    "Indiquez s'il s'agit d'un biologiste ou d'un collaborateur.",
                    "Say whether they are a biologist or a collaborator.",
                ),
            ),
        }
    }
    if input.job_title.trim().chars().count() > 100 {
        errors.add("job_title", lang.t("Au plus 100 caractères.", "At most 100 characters."));
    }
    let (Some(email), Some(last), Some(first)) = (email, last, first) else {
        return Ok(Outcome::invalid(errors.0, lang));
    };
    if !errors.is_empty() {
        return Ok(Outcome::invalid(errors.0, lang));
    }
    let now = state.now();
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    let who = NewInvitee {
        email: &email,
        first_name: &first,
        last_name: &last,
        kind,
        is_admin: input.is_admin && kind == UserKind::Support,
        lang,
    };
    let user_id = match invite(state, &mut tx, &who, Some(agent.id)).await {
        Ok((id, _)) => id,
        Err(e) if is_unique_violation(&e) => {
            return Ok(Outcome::invalid(
                vec![(
                    "email".into(),
                    lang.t(
                        "Un compte utilise déjà cette adresse e-mail.",
                        "An account already uses this e-mail address.",
                    )
                    .into(),
                )],
                lang,
            ));
        }
        Err(e) => return Err(internal("invite")(e)),
    };
    let title = input.job_title.trim();
    if !title.is_empty() {
        sqlx::query("UPDATE users SET job_title = $1 WHERE id = $2")
            .bind(title)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(internal("title"))?;
    }
    if let Some(s) = structure {
        let access = crate::professional::service::ProAccess {
            user_id,
            structure_id: s.id,
            profile,
            rights: Rights { results: input.results, invoices: input.invoices },
            scope: SiteScope::All,
        };
        crate::professional::service::set_access(&mut tx, &access, now).await.map_err(internal("access"))?;
    }
    tx.commit().await.map_err(internal("commit"))?;
    state.wake_mailer();
    leptos_axum::redirect(&format!("/admin/utilisateurs/{user_id}?cree=1"));
    Ok(Outcome::ok())
}

/// Sends a fresh invitation (the old link dies) and restarts the reminder cycle.
pub async fn resend_invitation(state: &AppState, ctx: &RequestContext, user_id: i64) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let user = target(state, &agent, user_id).await?;
    if !matches!(user.status, AccountStatus::InvitationSent | AccountStatus::InvitationExpired) {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t("Cette personne a déjà accepté son invitation.", "This person already accepted their invitation."),
        ));
    }
    let now = state.now();
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    sqlx::query("UPDATE users SET status = 'invitation_sent', invited_at = $1, invitation_reminders = 0, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(internal("resend"))?;
    send_invitation(state, &mut tx, user_id, &user.email, &user.first_name, Lang::from_code(&user.lang), 0)
        .await
        .map_err(internal("invitation"))?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "invitation.resent", "user", Some(user_id))
            .with(serde_json::json!({ "from": user.status.as_str(), "to": "invitation_sent" })),
    )
    .await
    .map_err(internal("audit"))?;
    tx.commit().await.map_err(internal("commit"))?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Une nouvelle invitation est envoyée ; le lien précédent ne fonctionne plus.",
            "A new invitation is sent; the previous link no longer works.",
        ),
    ))
}

/// Deactivates an account: signed out everywhere at once, sign-in refused.
pub async fn deactivate(state: &AppState, ctx: &RequestContext, user_id: i64, reason: &str) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let user = target(state, &agent, user_id).await?;
    let Some(reason) = crate::domain::access_request::Reason::parse(reason) else {
        return Ok(Outcome::invalid(
            vec![(
                "reason".into(),
                lang.t("Indiquez le motif de la désactivation.", "Give the reason for the deactivation.").into(),
            )],
            lang,
        ));
    };
    if user.status == AccountStatus::Deactivated {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t("Ce compte est déjà désactivé.", "This account is already deactivated."),
        ));
    }
    let now = state.now();
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    let r = sqlx::query("UPDATE users SET status_before_deactivation = status, status = 'deactivated', updated_at = $1 WHERE id = $2 AND status <> 'deactivated'")
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(internal("deactivate"))?;
    if r.rows_affected() == 1 {
        let ended = session::revoke_all(&mut tx, user_id, None).await.map_err(internal("sessions"))?;
        audit::record(
            &mut tx,
            now,
            AuditEntry::new(Some(agent.id), "account.deactivated", "user", Some(user_id))
                .with(serde_json::json!({ "from": user.status.as_str(), "to": "deactivated", "reason": reason.as_str(), "sessions_ended": ended })),
        )
        .await
        .map_err(internal("audit"))?;
    }
    tx.commit().await.map_err(internal("commit"))?;
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Le compte est désactivé : la personne est déconnectée partout et ne peut plus se connecter.",
            "The account is deactivated: the person is signed out everywhere and can no longer sign in.",
        ),
    ))
}

/// Reactivates an account in the status it had before.
pub async fn reactivate(state: &AppState, ctx: &RequestContext, user_id: i64, reason: &str) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let user = target(state, &agent, user_id).await?;
    let Some(reason) = crate::domain::access_request::Reason::parse(reason) else {
        return Ok(Outcome::invalid(
            vec![(
                "reason".into(),
                lang.t("Indiquez le motif de la réactivation.", "Give the reason for the reactivation.").into(),
            )],
            lang,
        ));
    };
    let now = state.now();
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    let restored: Option<String> = sqlx::query_scalar(
        "UPDATE users SET status = COALESCE(status_before_deactivation, 'active'), status_before_deactivation = NULL, updated_at = $1 \
         WHERE id = $2 AND status = 'deactivated' RETURNING status",
    )
    .bind(now)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal("reactivate"))?;
    let Some(restored) = restored else {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t("Ce compte n'est pas désactivé.", "This account is not deactivated."),
        ));
    };
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "account.reactivated", "user", Some(user_id))
            .with(serde_json::json!({ "from": "deactivated", "to": restored, "reason": reason.as_str() })),
    )
    .await
    .map_err(internal("audit"))?;
    tx.commit().await.map_err(internal("commit"))?;
    let _ = user;
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t("Le compte est réactivé dans l'état où il était.", "The account is reactivated in the state it was in."),
    ))
}

/// Changes last name, first name and job title.
pub async fn edit_identity(
    state: &AppState,
    ctx: &RequestContext,
    user_id: i64,
    last: &str,
    first: &str,
    title: &str,
) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let user = target(state, &agent, user_id).await?;
    let mut errors = FieldErrors::default();
    let last = errors.check(
        "last_name",
        crate::domain::names::parse_name(last, lang, ("Indiquez le nom.", "Enter the last name.")),
        |e| e,
    );
    let first = errors.check(
        "first_name",
        crate::domain::names::parse_name(first, lang, ("Indiquez le prénom.", "Enter the first name.")),
        |e| e,
    );
    let (Some(last), Some(first)) = (last, first) else {
        return Ok(Outcome::invalid(errors.0, lang));
    };
    let title = title.trim();
    if title.chars().count() > 100 {
        return Ok(Outcome::invalid(
            vec![("job_title".into(), lang.t("Au plus 100 caractères.", "At most 100 characters.").into())],
            lang,
        ));
    }
    let before_title: Option<String> = sqlx::query_scalar("SELECT job_title FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(state.db.pool())
        .await
        .map_err(internal("title"))?;
    let now = state.now();
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    sqlx::query("UPDATE users SET last_name = $1, first_name = $2, job_title = $3, updated_at = $4 WHERE id = $5")
        .bind(&last)
        .bind(&first)
        .bind(if title.is_empty() { None } else { Some(title) })
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(internal("identity"))?;
    service::set_name_keys(&mut tx, user_id, &last, &first).await.map_err(internal("keys"))?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "account.identity_changed", "user", Some(user_id)).with(serde_json::json!({
            "before": { "last_name": user.last_name, "first_name": user.first_name, "job_title": before_title },
            "after": { "last_name": last, "first_name": first, "job_title": title },
        })),
    )
    .await
    .map_err(internal("audit"))?;
    tx.commit().await.map_err(internal("commit"))?;
    Ok(Outcome::notice(NoticeKind::Success, lang.t("L'identité est mise à jour.", "The identity is updated.")))
}

/// Starts an address change: the new address must be confirmed from a link sent to it.
pub async fn change_email(state: &AppState, ctx: &RequestContext, user_id: i64, new_email: &str) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let user = target(state, &agent, user_id).await?;
    let email = match Email::parse(new_email) {
        Ok(e) => e,
        Err(e) => return Ok(Outcome::invalid(vec![("new_email".into(), e.message(lang).into())], lang)),
    };
    if service::find_by_email_key(&state.db, &email.key()).await.map_err(internal("user"))?.is_some() {
        return Ok(Outcome::invalid(
            vec![(
                "new_email".into(),
                lang.t("Un compte utilise déjà cette adresse e-mail.", "An account already uses this e-mail address.")
                    .into(),
            )],
            lang,
        ));
    }
    let now = state.now();
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    sqlx::query("UPDATE users SET pending_email = $1 WHERE id = $2")
        .bind(email.as_str())
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(internal("pending"))?;
    let token =
        service::issue_token(&mut tx, user_id, TokenPurpose::ChangeEmail, now).await.map_err(internal("token"))?;
    let ulang = Lang::from_code(&user.lang);
    let link = state.settings.url(&format!("/confirmer-email?jeton={token}"));
    let mail = Message {
        subject: ulang.t("Confirmez votre nouvelle adresse e-mail", "Confirm your new e-mail address").into(),
        greeting: greeting(ulang, &user.first_name),
        paragraphs: vec![ulang
            .t(
                "Le support a enregistré cette adresse comme nouvelle adresse de votre compte Sésame. Confirmez-la pour qu'elle remplace l'ancienne.",
                "Support recorded this address as your Sésame account's new address. Confirm it so that it replaces the old one.",
            )
            .into()],
        button: Some((ulang.t("Confirmer cette adresse", "Confirm this address").into(), link)),
        ..Default::default()
    }
    .render(ulang, email.as_str(), "change_email");
    outbox::enqueue(&mut tx, &mail, now).await.map_err(internal("outbox"))?;
    // The current address is told at once: a change nobody asked for is noticed.
    let notice = Message {
        subject: ulang.t("Changement d'adresse e-mail demandé sur votre compte", "E-mail address change asked on your account").into(),
        greeting: greeting(ulang, &user.first_name),
        paragraphs: vec![
            match ulang {
                Lang::Fr => format!(
                    "Le support a enregistré une nouvelle adresse e-mail pour votre compte Sésame : {}. Elle remplacera celle-ci dès qu'elle sera confirmée, et vos sessions seront alors fermées.",
                    masked(email.as_str())
                ),
                Lang::En => format!(
                    "Support recorded a new e-mail address for your Sésame account: {}. It will replace this one once confirmed, and your sessions will then be signed out.",
                    masked(email.as_str())
                ),
            },
            ulang
                .t(
                    "Si vous n'avez rien demandé, contactez le support sans attendre : ce changement est visible dans « Mon compte ».",
                    "If you did not ask for this, contact support at once: this change shows in “My account”.",
                )
                .into(),
        ],
        ..Default::default()
    }
    .render(ulang, &user.email, "email_change_notice");
    outbox::enqueue(&mut tx, &notice, now).await.map_err(internal("outbox"))?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "account.email_change_requested", "user", Some(user_id)),
    )
    .await
    .map_err(internal("audit"))?;
    tx.commit().await.map_err(internal("commit"))?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Un lien de confirmation est envoyé à la nouvelle adresse ; elle remplacera l'ancienne une fois confirmée.",
            "A confirmation link is sent to the new address; it replaces the old one once confirmed.",
        ),
    ))
}

/// Applies an address change from its link (a POST from the link's page).
pub async fn confirm_email(state: &AppState, ctx: &RequestContext, token: &str) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let now = state.now();
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    let user_id = match service::consume_token(&mut tx, token.trim(), TokenPurpose::ChangeEmail, now)
        .await
        .map_err(internal("token"))?
    {
        TokenState::Valid(id) => id,
        other => return Ok(crate::accounts::flows::link_problem(other, TokenPurpose::ChangeEmail, lang)),
    };
    let (pending, old_email, first_name, user_lang): (Option<String>, String, String, String) =
        sqlx::query_as("SELECT pending_email, email, first_name, lang FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(internal("pending"))?;
    let Some(pending) = pending else {
        return Ok(crate::accounts::flows::link_problem(TokenState::Used, TokenPurpose::ChangeEmail, lang));
    };
    let r = sqlx::query("UPDATE users SET email = $1, email_key = $2, pending_email = NULL, email_verified_at = $3, updated_at = $3 WHERE id = $4")
        .bind(&pending)
        .bind(pending.to_lowercase())
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await;
    match r {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            return Ok(Outcome::notice(
                NoticeKind::Error,
                lang.t(
                    "Cette adresse est entre-temps utilisée par un autre compte : contactez le support.",
                    "This address is now used by another account: contact support.",
                ),
            ));
        }
        Err(e) => return Err(internal("change email")(e)),
    }
    // Every session ends (whoever holds one must sign in with the new address), and the
    // old address is told.
    let ended = session::revoke_all(&mut tx, user_id, None).await.map_err(internal("sessions"))?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user_id), "account.email_changed", "user", Some(user_id))
            .with(serde_json::json!({ "sessions_ended": ended })),
    )
    .await
    .map_err(internal("audit"))?;
    let ulang = Lang::from_code(&user_lang);
    let notice = Message {
        subject: ulang.t("L'adresse e-mail de votre compte a changé", "Your account's e-mail address changed").into(),
        greeting: greeting(ulang, &first_name),
        paragraphs: vec![
            match ulang {
                Lang::Fr => format!(
                    "Votre compte Sésame utilise désormais l'adresse {} ; celle-ci ne sert plus pour vous connecter. Toutes vos sessions ont été fermées.",
                    masked(&pending)
                ),
                Lang::En => format!(
                    "Your Sésame account now uses the address {}; this one no longer signs in. All your sessions were signed out.",
                    masked(&pending)
                ),
            },
            ulang
                .t(
                    "Si vous n'avez rien demandé, contactez le support sans attendre.",
                    "If you did not ask for this, contact support at once.",
                )
                .into(),
        ],
        ..Default::default()
    }
    .render(ulang, &old_email, "email_changed_notice");
    outbox::enqueue(&mut tx, &notice, now).await.map_err(internal("outbox"))?;
    tx.commit().await.map_err(internal("commit"))?;
    state.wake_mailer();
    crate::accounts::flows::set_cookie(&session::clear_cookie_header(state.settings.secure_cookies))?;
    leptos_axum::redirect("/connexion?email=1");
    Ok(Outcome::ok())
}

/// An address shown to its former owner without revealing it whole: "j•••@e•••.fr".
pub fn masked(email: &str) -> String {
    let Some((local, domain)) = email.split_once('@') else { return "•••".into() };
    let first = |s: &str| s.chars().next().map(|c| c.to_string()).unwrap_or_default();
    let (host, tld) = domain.rsplit_once('.').unwrap_or((domain, ""));
    format!("{}•••@{}•••{}", first(local), first(host), if tld.is_empty() { String::new() } else { format!(".{tld}") })
}

/// Resets a user's second factor.
pub async fn reset_second_factor(state: &AppState, ctx: &RequestContext, user_id: i64) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    target(state, &agent, user_id).await?;
    crate::second_factor::flows::reset(state, agent.id, user_id).await?;
    Ok(Outcome::notice(NoticeKind::Success, lang.t("Le second facteur est réinitialisé ; la personne est prévenue par e-mail et le configurera à sa prochaine connexion.", "The second factor is reset; the person is told by e-mail and will set it up at their next sign-in.")))
}
