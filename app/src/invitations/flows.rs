//! Creating and accepting invitations; accepting the terms at the first sign-in.

use super::emails;
use crate::accounts::flows::new_password_hash;
use crate::accounts::store::{self, TokenPurpose, TokenState};
use crate::domain::account::{AccountStatus, UserKind};
use crate::domain::email::Email;
use crate::error::{AppError, FlowResult};
use crate::form::{NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::db::Tx;
use crate::platform::mail::outbox;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};

/// An account to invite.
pub struct NewInvitee<'a> {
    /// Address.
    pub email: &'a Email,
    /// First name.
    pub first_name: &'a str,
    /// Last name.
    pub last_name: &'a str,
    /// Kind of account.
    pub kind: UserKind,
    /// Back-office administrator.
    pub is_admin: bool,
    /// Language of the e-mails.
    pub lang: Lang,
}

/// Creates an invited account and queues its invitation, inside the caller's transaction;
/// returns the account id and the link (for the command line to print).
#[tracing::instrument(skip_all)]
pub async fn invite(
    state: &AppState,
    tx: &mut Tx,
    who: &NewInvitee<'_>,
    actor: Option<i64>,
) -> Result<(i64, String), sqlx::Error> {
    let now = state.now();
    // A sign-up never confirmed does not keep the address from its real owner, who proves
    // it with the invitation link.
    if let Some(squatter) = store::remove_unverified(tx, &who.email.key()).await? {
        audit::record(tx, now, AuditEntry::new(actor, "account.unverified_removed", "user", Some(squatter))).await?;
    }
    let new = store::NewInvited {
        email: who.email.as_str(),
        last_name: who.last_name,
        first_name: who.first_name,
        kind: who.kind,
        is_admin: who.is_admin,
        lang: who.lang.code(),
        invitation_lifecycle: true,
    };
    let id = store::insert_invited(tx, &new, now).await?;
    let link = send_invitation(state, tx, id, who.email.as_str(), who.first_name, who.lang, 0).await?;
    audit::record(tx, now, AuditEntry::new(actor, "invitation.sent", "user", Some(id))).await?;
    Ok((id, link))
}

/// Issues a fresh invitation link (the previous one dies) and queues the e-mail.
#[tracing::instrument(skip_all)]
pub async fn send_invitation(
    state: &AppState,
    tx: &mut Tx,
    user_id: i64,
    email: &str,
    first_name: &str,
    lang: Lang,
    reminder: u32,
) -> Result<String, sqlx::Error> {
    let token = store::issue_token(tx, user_id, TokenPurpose::Invitation, state.now()).await?;
    let link = state.settings.url(&format!("/invitation?jeton={token}"));
    outbox::enqueue(tx, &emails::invitation(lang, email, first_name, &link, reminder), state.now()).await?;
    Ok(link)
}

/// Accepts an invitation: the person chooses a password. Redirects to sign-in.
#[tracing::instrument(skip_all)]
pub async fn accept(state: &AppState, ctx: &RequestContext, token: &str, new_password: String) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let now = state.now();
    let token = token.trim();
    let user_id = match store::peek_token(&state.db, token, TokenPurpose::Invitation, now).await? {
        TokenState::Valid(id) => id,
        other => return Ok(invitation_problem(other, lang)),
    };
    let user = store::find_by_id(&state.db, user_id).await?.ok_or(AppError::Forbidden)?;
    if !matches!(user.status, AccountStatus::InvitationSent) {
        return Ok(invitation_problem(TokenState::Used, lang));
    }
    let hash = match new_password_hash(state, &user, new_password, lang).await? {
        Ok(hash) => hash,
        Err(refused) => return Ok(refused),
    };
    let mut tx = state.db.begin().await?;
    match store::consume_token(&mut tx, token, TokenPurpose::Invitation, now).await? {
        TokenState::Valid(id) if id == user.id => {}
        other => return Ok(invitation_problem(other, lang)),
    }
    let accepted = store::Activation {
        from: &[AccountStatus::InvitationSent],
        to: Some(AccountStatus::InvitationAccepted),
        terms: false,
    };
    if !store::set_password_and_activate(&mut tx, user.id, &hash, accepted, now).await? {
        return Ok(invitation_problem(TokenState::Used, lang));
    }
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "invitation.accepted", "user", Some(user.id))
            .with(serde_json::json!({ "from": "invitation_sent", "to": "invitation_accepted" })),
    )
    .await?;
    tx.commit().await?;
    leptos_axum::redirect("/connexion?invitation=1");
    Ok(Outcome::ok())
}

/// Explains why an invitation link cannot be used, with the way forward.
pub fn invitation_problem(state: TokenState, lang: Lang) -> Outcome {
    let message = match state {
        TokenState::Expired => lang.t(
            "Cette invitation a expiré (14 jours). Demandez au support de vous en renvoyer une : un clic suffit de son côté.",
            "This invitation has expired (14 days). Ask support to send you a new one: it takes them one click.",
        ),
        TokenState::Used => lang.t(
            "Ce lien d'invitation a déjà servi, ou une invitation plus récente l'a remplacé. Si vous avez choisi votre mot de passe, connectez-vous ; sinon, utilisez le dernier e-mail reçu.",
            "This invitation link was already used, or replaced by a newer invitation. If you chose your password, sign in; otherwise use the latest e-mail.",
        ),
        _ => lang.t(
            "Ce lien d'invitation n'est pas valide : il a peut-être été mal copié. Utilisez le lien de l'e-mail, ou demandez une nouvelle invitation au support.",
            "This invitation link is not valid: it may have been copied incompletely. Use the e-mail's link, or ask support for a new invitation.",
        ),
    };
    Outcome::notice(NoticeKind::Error, message).with_follow_up("/connexion", lang.t("Se connecter", "Sign in"))
}

/// Accepts the terms at the first sign-in: the account becomes active.
#[tracing::instrument(skip_all)]
pub async fn accept_terms(state: &AppState, ctx: &RequestContext, accepted: bool) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = ctx.require_user()?;
    if !accepted {
        return Ok(Outcome::invalid(
            vec![(
                "terms".into(),
                lang.t(
                    "Pour utiliser Sésame, acceptez les conditions d'utilisation.",
                    "To use Sésame, accept the terms of use.",
                )
                .into(),
            )],
            lang,
        ));
    }
    let now = state.now();
    let mut tx = state.db.begin().await?;
    if store::accept_terms(&mut tx, user.id, now).await? {
        audit::record(
            &mut tx,
            now,
            AuditEntry::new(Some(user.id), "account.activated", "user", Some(user.id))
                .with(serde_json::json!({ "from": "invitation_accepted", "to": "active" })),
        )
        .await?;
    }
    tx.commit().await?;
    leptos_axum::redirect(crate::accounts::flows::home_of(user.kind));
    Ok(Outcome::ok())
}
