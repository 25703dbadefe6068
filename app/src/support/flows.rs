//! Support's actions. Every call checks that the caller is an active support agent.

use super::emails;
use crate::access_request::store::{self as requests, RequestRow};
use crate::accounts::store::{self as accounts, NewInvited};
use crate::approval::flows::refuse_request;
use crate::domain::access_request::{Reason, RequestState, Stored};
use crate::domain::account::{AccountStatus, UserKind};
use crate::error::{AppError, FlowResult};
use crate::form::{NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::db::{Tx, is_unique_violation};
use crate::platform::guards::require_support;
use crate::platform::mail::outbox;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};
use crate::professional::store::{self as pro, ProAccess};

async fn request(state: &AppState, id: i64) -> FlowResult<RequestRow> {
    Ok(requests::find(&state.db, id).await?.ok_or(AppError::Forbidden)?)
}

fn already_handled(lang: Lang, name: &str) -> Outcome {
    Outcome::notice(
        NoticeKind::Warn,
        match lang {
            Lang::Fr => format!("La demande de {name} a déjà été traitée : rien n'a été modifié."),
            Lang::En => format!("{name}'s request was already handled: nothing was changed."),
        },
    )
}

/// Issues a provisional access code for the request's account (the previous one dies) and
/// queues its e-mail, in the caller's transaction.
async fn send_access_code(
    state: &AppState,
    tx: &mut Tx,
    request: &RequestRow,
    user_id: i64,
    now: i64,
) -> FlowResult<()> {
    let code = crate::first_login::store::issue(state, tx, user_id, Some(request.id)).await?;
    let mail = emails::access_code(
        Lang::from_code(&request.lang),
        &request.email,
        &request.first_name,
        &code.grouped(),
        &crate::first_login::store::first_sign_in_link(state, &code),
    );
    outbox::enqueue(tx, &mail, now).await?;
    Ok(())
}

/// Validates a request: creates the account with the approved rights and sites and e-mails
/// a provisional access code.
#[tracing::instrument(skip_all)]
pub async fn validate(state: &AppState, ctx: &RequestContext, id: i64) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let request = request(state, id).await?;
    let Stored::AwaitingSupport(waiting) = Stored::from_state(request.state) else {
        return Ok(already_handled(lang, &request.name()));
    };
    if request.kind == crate::access_request::store::RequestKind::Shared {
        return crate::shared_accounts::flows::validate(state, &agent, &request, waiting, lang).await;
    }
    let validated = waiting.validate();
    let now = state.now();
    let mut tx = state.db.begin().await?;
    if !requests::apply(&mut tx, id, &validated, now).await? {
        return Ok(already_handled(lang, &request.name()));
    }
    // A sign-up never confirmed does not keep the address from its real owner.
    if let Some(squatter) = accounts::remove_unverified(&mut tx, &request.email.to_lowercase()).await? {
        audit::record(
            &mut tx,
            now,
            AuditEntry::new(Some(agent.id), "account.unverified_removed", "user", Some(squatter))
                .with(serde_json::json!({ "for_request": id })),
        )
        .await?;
    }
    let invited = NewInvited {
        email: &request.email,
        last_name: &request.last_name,
        first_name: &request.first_name,
        kind: UserKind::Professional,
        is_admin: false,
        lang: &request.lang,
        invitation_lifecycle: false,
    };
    let user_id = match accounts::insert_invited(&mut tx, &invited, now).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Ok(Outcome::notice(
                NoticeKind::Error,
                lang.t(
                    "Un compte existe déjà pour cette adresse e-mail : la demande ne peut pas créer un second compte. Refusez-la avec un motif, ou contactez la personne.",
                    "An account already exists for this e-mail address: the request cannot create a second one. Refuse it with a reason, or contact the person.",
                ),
            ));
        }
        Err(e) => return Err(crate::error::FlowError::from(e)),
    };
    let access = ProAccess {
        user_id,
        structure_id: request.structure_id,
        profile: request.profile,
        rights: request.rights,
        scope: request.scope.clone(),
    };
    pro::set_access(&mut tx, &access, now).await?;
    requests::set_account(&mut tx, id, user_id, agent.id).await?;
    send_access_code(state, &mut tx, &request, user_id, now).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "request.validated", "access_request", Some(id)).with(serde_json::json!({
            "from": validated.from_state().as_str(), "to": validated.to_state().as_str(), "user_id": user_id,
            "rights": requests::rights_json(request.rights), "sites": requests::scope_json(&request.scope),
        })),
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "access_code.issued", "user", Some(user_id))
            .with(serde_json::json!({ "request_id": id })),
    )
    .await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        match lang {
            Lang::Fr => format!(
                "La demande de {} est validée : son code d'accès provisoire lui est envoyé par e-mail.",
                request.name()
            ),
            Lang::En => {
                format!("{}'s request is validated: the provisional access code is e-mailed to them.", request.name())
            }
        },
    ))
}

/// Refuses a request pending validation, with a reason.
#[tracing::instrument(skip_all)]
pub async fn refuse(state: &AppState, ctx: &RequestContext, id: i64, reason: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let request = request(state, id).await?;
    let Some(reason) = Reason::parse(reason) else {
        return Ok(Outcome::invalid(
            vec![(
                crate::form::reason_field(id),
                lang.t(
                    "Indiquez le motif du refus : il sera transmis au demandeur.",
                    "Give the reason for the refusal: it is sent to the requester.",
                )
                .into(),
            )],
            lang,
        ));
    };
    let Stored::AwaitingSupport(waiting) = Stored::from_state(request.state) else {
        return Ok(already_handled(lang, &request.name()));
    };
    if !refuse_request(state, &agent, &request, waiting.refuse(reason), "request.refused_by_support").await? {
        return Ok(already_handled(lang, &request.name()));
    }
    Ok(Outcome::notice(
        NoticeKind::Success,
        match lang {
            Lang::Fr => {
                format!("La demande de {} est refusée ; le demandeur est prévenu avec le motif.", request.name())
            }
            Lang::En => format!("{}'s request is refused; the requester is told the reason.", request.name()),
        },
    ))
}

/// Sends a new provisional code for a validated request whose account is not active yet.
#[tracing::instrument(skip_all)]
pub async fn reissue_code(state: &AppState, ctx: &RequestContext, id: i64) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let request = request(state, id).await?;
    let (RequestState::Validated, Some(user_id), crate::access_request::store::RequestKind::Individual) =
        (request.state, request.user_id, request.kind)
    else {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t("Un nouveau code ne peut être envoyé que pour une demande validée dont le compte n'est pas encore activé.", "A new code can only be sent for a validated request whose account is not active yet."),
        ));
    };
    let now = state.now();
    let mut tx = state.db.begin().await?;
    send_access_code(state, &mut tx, &request, user_id, now).await?;
    audit::record(&mut tx, now, AuditEntry::new(Some(agent.id), "access_code.reissued", "access_request", Some(id)))
        .await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        match lang {
            Lang::Fr => format!(
                "Un nouveau code d'accès provisoire est envoyé à {} ; l'ancien ne fonctionne plus.",
                request.name()
            ),
            Lang::En => {
                format!("A new provisional access code is sent to {}; the old one no longer works.", request.name())
            }
        },
    ))
}

/// Designates an active professional of a structure as one of its approvers.
#[tracing::instrument(skip_all)]
pub async fn delegate(state: &AppState, ctx: &RequestContext, structure_id: i64, user_id: i64) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let Some(access) = pro::access_of(&state.db, user_id).await? else {
        return Ok(Outcome::notice(
            NoticeKind::Error,
            lang.t(
                "Cette personne n'est pas un professionnel de la structure.",
                "This person is not a professional of the structure.",
            ),
        ));
    };
    let user = crate::accounts::store::find_by_id(&state.db, user_id).await?.ok_or(AppError::Forbidden)?;
    if access.structure_id != structure_id || user.status != AccountStatus::Active {
        return Ok(Outcome::notice(
            NoticeKind::Error,
            lang.t(
                "Seul un utilisateur actif de la structure peut en être approbateur.",
                "Only an active user of the structure can be its approver.",
            ),
        ));
    }
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let inserted = pro::delegate(&mut tx, structure_id, user_id, agent.id, now).await?;
    if inserted {
        audit::record(
            &mut tx,
            now,
            AuditEntry::new(Some(agent.id), "approver.delegated", "structure", Some(structure_id))
                .with(serde_json::json!({ "user_id": user_id })),
        )
        .await?;
    }
    tx.commit().await?;
    let name = format!("{} {}", user.first_name, user.last_name);
    Ok(Outcome::notice(
        NoticeKind::Success,
        match lang {
            Lang::Fr => format!("{name} est désormais approbateur de la structure."),
            Lang::En => format!("{name} is now an approver of the structure."),
        },
    ))
}

/// Withdraws a delegation.
#[tracing::instrument(skip_all)]
pub async fn revoke_delegation(state: &AppState, ctx: &RequestContext, delegation_id: i64) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let row = pro::revoke_delegation(&mut tx, delegation_id, agent.id, now).await?;
    let Some((structure_id, user_id)) = row else {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t("Cette délégation était déjà retirée.", "This delegation was already withdrawn."),
        ));
    };
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "approver.revoked", "structure", Some(structure_id))
            .with(serde_json::json!({ "user_id": user_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t("La délégation d'approbation est retirée.", "The approver delegation is withdrawn."),
    ))
}
