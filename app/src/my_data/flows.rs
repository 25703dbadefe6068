//! Use cases of a person's own data. Every one acts on the signed-in person themself (never
//! on the shared account they may have switched to), and the irreversible ones ask for the
//! password again (and the authenticator code when one is enrolled).

use crate::accounts::flows::{check_own_password, wrong_password};
use crate::accounts::store as accounts;
use crate::domain::account::UserKind;
use crate::domain::email::Email;
use crate::domain::names::parse_name;
use crate::domain::shared_account::SharedRole;
use crate::error::{AppError, FlowResult};
use crate::form::{FieldErrors, NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::mail::outbox;
use crate::platform::session::{self, CurrentUser};
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};

/// The signed-in person acting for themself.
fn me(ctx: &RequestContext) -> FlowResult<CurrentUser> {
    let user = ctx.require_user()?;
    if ctx.acting.is_some() {
        return Err(AppError::Forbidden.into());
    }
    Ok(user)
}

/// Starts a change of one's own address: a link to the new address confirms it (and ends
/// every session, see `admin::flows::confirm_email`); the old address is told at once. When
/// the new address already has an account, that address is told instead, and the answer
/// here is the same — the form reveals nothing.
#[tracing::instrument(skip_all)]
pub async fn change_email(
    state: &AppState,
    ctx: &RequestContext,
    new_email: &str,
    current_password: String,
) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = me(ctx)?;
    let mut errors = FieldErrors::default();
    let email = errors.check("new_email", Email::parse(new_email), |e| e.message(lang).into());
    if current_password.is_empty() {
        errors.add("current_password", lang.t("Saisissez votre mot de passe actuel.", "Type your current password."));
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Ok(Outcome::invalid(errors.0, lang));
    };
    if !check_own_password(state, user.id, current_password).await? {
        return Ok(wrong_password("current_password", lang));
    }
    let row = accounts::find_by_id(&state.db, user.id).await?.ok_or(AppError::Forbidden)?;
    if Email::parse(&row.email).map(|e| e.key()).ok().as_deref() == Some(email.key().as_str()) {
        return Ok(Outcome::invalid(
            vec![(
                "new_email".into(),
                lang.t("C'est déjà l'adresse de votre compte.", "This is already your account's address.").into(),
            )],
            lang,
        ));
    }
    let now = state.now();
    let taken = accounts::find_by_email_key(&state.db, &email.key()).await?.is_some();
    let mut tx = state.db.begin().await?;
    if taken {
        outbox::enqueue(&mut tx, &super::emails::address_in_use(lang, email.as_str()), now).await?;
    } else {
        let account = (user.id, row.email.as_str(), row.first_name.as_str(), row.lang.as_str());
        crate::admin::flows::start_email_change(state, &mut tx, account, &email, now).await?;
    }
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "account.email_change_requested", "user", Some(user.id)),
    )
    .await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Un lien de confirmation est envoyé à la nouvelle adresse : elle remplacera l'actuelle une fois confirmée, et vos sessions seront fermées. Votre adresse actuelle en est avertie.",
            "A confirmation link is sent to the new address: it replaces the current one once confirmed, and your sessions will end. Your current address is told.",
        ),
    ))
}

/// Changes a patient's own names (professionals ask support, who checks them).
#[tracing::instrument(skip_all)]
pub async fn change_names(state: &AppState, ctx: &RequestContext, last: &str, first: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = me(ctx)?;
    if user.kind != UserKind::Patient {
        return Err(AppError::Forbidden.into());
    }
    let mut errors = FieldErrors::default();
    let last =
        errors.check("last_name", parse_name(last, lang, ("Indiquez votre nom.", "Enter your last name.")), |e| e);
    let first = errors.check(
        "first_name",
        parse_name(first, lang, ("Indiquez votre prénom.", "Enter your first name.")),
        |e| e,
    );
    let (Some(last), Some(first)) = (last, first) else {
        return Ok(Outcome::invalid(errors.0, lang));
    };
    let now = state.now();
    let mut tx = state.db.begin().await?;
    accounts::set_identity(&mut tx, user.id, &last, &first, None, now).await?;
    audit::record(&mut tx, now, AuditEntry::new(Some(user.id), "account.identity_changed", "user", Some(user.id)))
        .await?;
    tx.commit().await?;
    Ok(Outcome::notice(NoticeKind::Success, lang.t("Votre nom est enregistré.", "Your name is saved.")))
}

/// **Retirer ce profil**: unlinks a record from one's account; the record and its code stay
/// with the lab (a child coming of age links it to their own account).
#[tracing::instrument(skip_all)]
pub async fn remove_profile(state: &AppState, ctx: &RequestContext, link_id: i64) -> FlowResult<Outcome> {
    let user = me(ctx)?;
    if user.kind != UserKind::Patient {
        return Err(AppError::Forbidden.into());
    }
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let record = crate::activation::store::unlink(&mut tx, link_id, user.id).await?.ok_or(AppError::Forbidden)?;
    audit::record(&mut tx, now, AuditEntry::new(Some(user.id), "profile.removed", "patient_record", Some(record)))
        .await?;
    tx.commit().await?;
    leptos_axum::redirect("/mon-compte?profil-retire=1");
    Ok(Outcome::ok())
}

/// What stands in the way of deleting an account, as a message saying how to clear it.
async fn blocker(state: &AppState, user: &CurrentUser, lang: Lang) -> FlowResult<Option<&'static str>> {
    if user.kind != UserKind::Professional {
        return Ok(None);
    }
    for structure in crate::professional::store::approver_structures(&state.db, user.id).await? {
        if crate::professional::store::other_approvers(&state.db, structure, user.id).await? == 0 {
            return Ok(Some(lang.t(
                "Vous êtes le seul approbateur de votre structure : votre compte ne peut pas être supprimé tant qu'un autre biologiste ou une personne désignée ne peut approuver à votre place. Demandez au support de désigner un autre approbateur (page Aide), puis revenez ici.",
                "You are your structure's only approver: your account cannot be deleted until another biologist or a designated person can approve in your place. Ask support to designate another approver (Help page), then come back here.",
            )));
        }
    }
    let memberships = crate::shared_accounts::store::memberships(&state.db, user.id).await?;
    if memberships.iter().any(|m| m.role == SharedRole::Responsible) {
        return Ok(Some(lang.t(
            "Vous êtes responsable d'un compte partagé : transmettez d'abord cette responsabilité à un autre membre depuis la page du compte partagé, puis revenez ici.",
            "You are responsible for a shared account: hand this responsibility over to another member from the shared account's page first, then come back here.",
        )));
    }
    Ok(None)
}

/// **Supprimer mon compte**: after the password (and the authenticator code when enrolled)
/// and an explicit confirmation, the account is erased (see [`accounts::erase`]): the
/// person's links, sessions, rights and personal fields go; audit lines stay, pointing at an
/// id that names nobody; the lab keeps its records and reports.
#[tracing::instrument(skip_all)]
pub async fn delete_account(
    state: &AppState,
    ctx: &RequestContext,
    current_password: String,
    totp: &str,
    confirmed: bool,
) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = me(ctx)?;
    if !matches!(user.kind, UserKind::Patient | UserKind::Professional) {
        return Ok(Outcome::notice(
            NoticeKind::Error,
            lang.t(
                "Un compte du support ou de l'accueil est supprimé par un administrateur.",
                "A support or front-desk account is deleted by an administrator.",
            ),
        ));
    }
    let mut errors = FieldErrors::default();
    if current_password.is_empty() {
        errors.add("current_password", lang.t("Saisissez votre mot de passe actuel.", "Type your current password."));
    }
    if user.totp_enabled && totp.trim().is_empty() {
        errors.add(
            "totp",
            lang.t("Saisissez le code de votre application d'authentification.", "Type your authenticator app's code."),
        );
    }
    if !confirmed {
        errors.add(
            "confirm",
            lang.t("Cochez la case pour confirmer la suppression.", "Tick the box to confirm the deletion."),
        );
    }
    if !errors.is_empty() {
        return Ok(Outcome::invalid(errors.0, lang));
    }
    if let Some(message) = blocker(state, &user, lang).await? {
        return Ok(Outcome::notice(NoticeKind::Error, message));
    }
    if !check_own_password(state, user.id, current_password).await? {
        return Ok(wrong_password("current_password", lang));
    }
    if user.totp_enabled && !crate::second_factor::flows::check_app_code(state, user.id, totp).await? {
        return Ok(Outcome::invalid(
            vec![("totp".into(), lang.t("Ce code n'est pas le bon.", "This code is not the right one.").into())],
            lang,
        ));
    }
    let row = accounts::find_by_id(&state.db, user.id).await?.ok_or(AppError::Forbidden)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let export_file = erase_everything(&mut tx, user.id, &row.email, now).await?;
    audit::record(&mut tx, now, AuditEntry::new(Some(user.id), "account.deleted", "user", Some(user.id))).await?;
    tx.commit().await?;
    if let Some(key) = export_file {
        crate::documents::store::forget_bytes(state, &key).await;
    }
    crate::accounts::flows::set_cookie(&session::clear_cookie_header(state.settings.secure_cookies))?;
    leptos_axum::redirect("/compte-supprime");
    Ok(Outcome::ok())
}

/// Erases account `user_id` (address `email`) in the caller's transaction: the one erasure
/// of the owner's deletion and of the inactivity purge. Each table's owner erases its part —
/// support messages, the data export, the address in mail records, sessions, record links,
/// professional rights, codes, digest items, shared-account memberships and invitations,
/// the personal fields of access requests — and the account itself becomes a tombstone
/// (`accounts::store::erase`). Answers the storage key of an export file to forget once the
/// transaction committed.
pub async fn erase_everything(
    tx: &mut crate::platform::db::Tx,
    user_id: i64,
    email: &str,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    let email_key = Email::parse(email).map(|e| e.key()).unwrap_or_else(|_| email.to_lowercase());
    crate::help::store::delete_of(tx, user_id, &email_key).await?;
    let export_file = super::export::delete_of(tx, user_id).await?;
    outbox::forget_address(tx, email).await?;
    session::revoke_all(tx, user_id, None).await?;
    crate::activation::store::erase_links_of(tx, user_id).await?;
    crate::professional::store::erase_of(tx, user_id).await?;
    crate::first_login::store::erase_of(tx, user_id).await?;
    crate::second_factor::store::remove_all(tx, user_id).await?;
    crate::platform::one_time_code::erase_of(tx, user_id).await?;
    crate::reports::store::erase_digest_of(tx, user_id).await?;
    crate::shared_accounts::store::erase_of(tx, user_id, &email_key).await?;
    crate::access_request::store::anonymise_of(tx, user_id, &email_key).await?;
    accounts::erase(tx, user_id, now).await?;
    Ok(export_file)
}
