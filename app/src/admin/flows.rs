//! Actions of the admin console. Every one checks the caller is support (with a second
//! factor); creating support accounts, and acting on administrators, needs an
//! administrator.

use super::emails;
use crate::accounts::store::{self, TokenPurpose, TokenState};
use crate::domain::access_request::{Profile, Rights, SiteScope};
use crate::domain::account::{AccountStatus, UserKind};
use crate::domain::email::Email;
use crate::error::{AppError, FlowResult};
use crate::form::{FieldErrors, NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::invitations::flows::{NewInvitee, invite, send_invitation};
use crate::platform::db::is_unique_violation;
use crate::platform::guards::require_support;
use crate::platform::mail::outbox;
use crate::platform::session::CurrentUser;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry, session};

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
async fn target(state: &AppState, agent: &CurrentUser, user_id: i64) -> FlowResult<store::UserRow> {
    if agent.id == user_id {
        return Err(AppError::Forbidden.into());
    }
    let user = store::find_by_id(&state.db, user_id).await?.ok_or(AppError::Forbidden)?;
    if (user.is_admin.0 || user.kind == UserKind::Support) && !agent.is_admin {
        return Err(AppError::Forbidden.into());
    }
    Ok(user)
}

/// Creates an account and sends its invitation.
#[tracing::instrument(skip_all)]
pub async fn create_user(state: &AppState, ctx: &RequestContext, input: NewUserInput) -> FlowResult<Outcome> {
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
        "front_desk" => UserKind::FrontDesk,
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
            Some(id) => crate::structures::store::find(&state.db, id).await?,
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
    let mut tx = state.db.begin().await?;
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
        Err(e) => return Err(crate::error::FlowError::from(e)),
    };
    let title = input.job_title.trim();
    if !title.is_empty() {
        store::set_job_title(&mut tx, user_id, Some(title)).await?;
    }
    if let Some(s) = structure {
        let access = crate::professional::store::ProAccess {
            user_id,
            structure_id: s.id,
            profile,
            rights: Rights { results: input.results, invoices: input.invoices },
            scope: SiteScope::All,
        };
        crate::professional::store::set_access(&mut tx, &access, now).await?;
    }
    tx.commit().await?;
    state.wake_mailer();
    leptos_axum::redirect(&format!("/admin/utilisateurs/{user_id}?cree=1"));
    Ok(Outcome::ok())
}

/// Sends a fresh invitation (the old link dies) and restarts the reminder cycle.
#[tracing::instrument(skip_all)]
pub async fn resend_invitation(state: &AppState, ctx: &RequestContext, user_id: i64) -> FlowResult<Outcome> {
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
    let mut tx = state.db.begin().await?;
    store::restart_invitation(&mut tx, user_id, now).await?;
    send_invitation(state, &mut tx, user_id, &user.email, &user.first_name, Lang::from_code(&user.lang), 0).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "invitation.resent", "user", Some(user_id))
            .with(serde_json::json!({ "from": user.status.as_str(), "to": "invitation_sent" })),
    )
    .await?;
    tx.commit().await?;
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
#[tracing::instrument(skip_all)]
pub async fn deactivate(state: &AppState, ctx: &RequestContext, user_id: i64, reason: &str) -> FlowResult<Outcome> {
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
    let mut tx = state.db.begin().await?;
    if store::deactivate(&mut tx, user_id, now).await? {
        let ended = session::revoke_all(&mut tx, user_id, None).await?;
        audit::record(
            &mut tx,
            now,
            AuditEntry::new(Some(agent.id), "account.deactivated", "user", Some(user_id))
                .with(serde_json::json!({ "from": user.status.as_str(), "to": "deactivated", "reason": reason.as_str(), "sessions_ended": ended })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Le compte est désactivé : la personne est déconnectée partout et ne peut plus se connecter.",
            "The account is deactivated: the person is signed out everywhere and can no longer sign in.",
        ),
    ))
}

/// Reactivates an account in the status it had before.
#[tracing::instrument(skip_all)]
pub async fn reactivate(state: &AppState, ctx: &RequestContext, user_id: i64, reason: &str) -> FlowResult<Outcome> {
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
    let mut tx = state.db.begin().await?;
    let Some(restored) = store::reactivate(&mut tx, user_id, now).await? else {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t("Ce compte n'est pas désactivé.", "This account is not deactivated."),
        ));
    };
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "account.reactivated", "user", Some(user_id)).with(
            serde_json::json!({ "from": user.status.as_str(), "to": restored.as_str(), "reason": reason.as_str() }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t("Le compte est réactivé dans l'état où il était.", "The account is reactivated in the state it was in."),
    ))
}

/// Changes last name, first name and job title.
#[tracing::instrument(skip_all)]
pub async fn edit_identity(
    state: &AppState,
    ctx: &RequestContext,
    user_id: i64,
    last: &str,
    first: &str,
    title: &str,
) -> FlowResult<Outcome> {
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
    let before_title = store::job_title(&state.db, user_id).await?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let new_title = if title.is_empty() { None } else { Some(title) };
    store::set_identity(&mut tx, user_id, &last, &first, new_title, now).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "account.identity_changed", "user", Some(user_id)).with(serde_json::json!({
            "before": { "last_name": user.last_name, "first_name": user.first_name, "job_title": before_title },
            "after": { "last_name": last, "first_name": first, "job_title": title },
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::notice(NoticeKind::Success, lang.t("L'identité est mise à jour.", "The identity is updated.")))
}

/// Starts an address change: the new address must be confirmed from a link sent to it.
#[tracing::instrument(skip_all)]
pub async fn change_email(
    state: &AppState,
    ctx: &RequestContext,
    user_id: i64,
    new_email: &str,
) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let user = target(state, &agent, user_id).await?;
    let email = match Email::parse(new_email) {
        Ok(e) => e,
        Err(e) => return Ok(Outcome::invalid(vec![("new_email".into(), e.message(lang).into())], lang)),
    };
    if store::find_by_email_key(&state.db, &email.key()).await?.is_some() {
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
    let mut tx = state.db.begin().await?;
    start_email_change(state, &mut tx, (user_id, &user.email, &user.first_name, &user.lang), &email, now).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "account.email_change_requested", "user", Some(user_id)),
    )
    .await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Un lien de confirmation est envoyé à la nouvelle adresse ; elle remplacera l'ancienne une fois confirmée.",
            "A confirmation link is sent to the new address; it replaces the old one once confirmed.",
        ),
    ))
}

/// The one start of an address change, whoever asks for it (support, or the person from
/// `/mon-compte/adresse`): the new address is pending until the link mailed to it is
/// followed, and the current address is told at once, so a change nobody asked for is
/// noticed. `account` is (id, current address, first name, language code).
pub async fn start_email_change(
    state: &AppState,
    tx: &mut crate::platform::db::Tx,
    account: (i64, &str, &str, &str),
    email: &Email,
    now: i64,
) -> Result<(), sqlx::Error> {
    let (user_id, current, first_name, lang) = account;
    store::set_pending_email(tx, user_id, email.as_str()).await?;
    let token = store::issue_token(tx, user_id, TokenPurpose::ChangeEmail, now).await?;
    let ulang = Lang::from_code(lang);
    let link = state.settings.url(&format!("/confirmer-email?jeton={token}"));
    outbox::enqueue(tx, &emails::confirm_new_address(ulang, email.as_str(), first_name, &link), now).await?;
    let notice = emails::address_change_requested(ulang, current, first_name, &masked(email.as_str()));
    outbox::enqueue(tx, &notice, now).await
}

/// Applies an address change from its link (a POST from the link's page).
#[tracing::instrument(skip_all)]
pub async fn confirm_email(state: &AppState, ctx: &RequestContext, token: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let user_id = match store::consume_token(&mut tx, token.trim(), TokenPurpose::ChangeEmail, now).await? {
        TokenState::Valid(id) => id,
        other => return Ok(crate::accounts::flows::link_problem(other, TokenPurpose::ChangeEmail, lang)),
    };
    let store::PendingEmail { pending_email: pending, email: old_email, first_name, lang: user_lang } =
        store::pending_email(&mut tx, user_id).await?;
    let Some(pending) = pending else {
        return Ok(crate::accounts::flows::link_problem(TokenState::Used, TokenPurpose::ChangeEmail, lang));
    };
    match store::apply_email_change(&mut tx, user_id, &pending, now).await {
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
        Err(e) => return Err(crate::error::FlowError::from(e)),
    }
    // Every session ends (whoever holds one must sign in with the new address), and the
    // old address is told.
    let ended = session::revoke_all(&mut tx, user_id, None).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user_id), "account.email_changed", "user", Some(user_id))
            .with(serde_json::json!({ "sessions_ended": ended })),
    )
    .await?;
    let ulang = Lang::from_code(&user_lang);
    let notice = emails::address_changed(ulang, &old_email, &first_name, &masked(&pending));
    outbox::enqueue(&mut tx, &notice, now).await?;
    tx.commit().await?;
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
#[tracing::instrument(skip_all)]
pub async fn reset_second_factor(state: &AppState, ctx: &RequestContext, user_id: i64) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    target(state, &agent, user_id).await?;
    crate::second_factor::flows::reset(state, agent.id, user_id).await?;
    Ok(Outcome::notice(NoticeKind::Success, lang.t("Le second facteur est réinitialisé ; la personne est prévenue par e-mail et le configurera à sa prochaine connexion.", "The second factor is reset; the person is told by e-mail and will set it up at their next sign-in.")))
}
