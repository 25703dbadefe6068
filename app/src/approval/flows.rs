//! Approvers' decisions. Every call checks, on the server, that the caller approves for the
//! request's (or the collaborator's) structure; an id from another structure gets the same
//! answer as an id that does not exist.

use super::emails;
use crate::access_request::store::{self as requests, RequestRow, rights_json, scope_json};
use crate::domain::access_request::{Reason, Refused, Rights, SiteScope, State, Stored, Transition};
use crate::domain::account::AccountStatus;
use crate::error::{AppError, FlowResult};
use crate::form::{NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::db::Db;
use crate::platform::mail::outbox;
use crate::platform::session::CurrentUser;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};
use crate::professional::store as pro;

use crate::platform::guards::require_approver as approver;

/// A request the approver may act on, or `Forbidden` (also for unknown ids).
async fn request_for(state: &AppState, structures: &[i64], id: i64) -> FlowResult<RequestRow> {
    match requests::find(&state.db, id).await? {
        Some(r) if structures.contains(&r.structure_id) => Ok(r),
        _ => Err(AppError::Forbidden.into()),
    }
}

fn already_handled(lang: Lang, name: &str) -> Outcome {
    Outcome::notice(
        NoticeKind::Warn,
        match lang {
            Lang::Fr => format!(
                "La demande de {name} a déjà été traitée (par un autre approbateur, peut-être) : rien n'a été modifié."
            ),
            Lang::En => {
                format!("{name}'s request was already handled (by another approver, perhaps): nothing was changed.")
            }
        },
    )
}

/// Approves a request, possibly with other rights or sites.
#[tracing::instrument(skip_all)]
pub async fn approve(
    state: &AppState,
    ctx: &RequestContext,
    id: i64,
    rights: Rights,
    sites_mode: &str,
    sites: &[String],
) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let (user, structures) = approver(state, ctx).await?;
    let request = request_for(state, &structures, id).await?;
    let Some(scope) = parse_scope(&state.db, request.structure_id, sites_mode, sites).await? else {
        return Ok(Outcome::invalid(
            vec![(
                format!("sites-{id}"),
                lang.t(
                    "Choisissez au moins un site de la structure, ou « Tous les sites ».",
                    "Choose at least one of the structure's sites, or “All sites”.",
                )
                .into(),
            )],
            lang,
        ));
    };
    approve_one(state, &user, request, rights, scope, lang).await
}

async fn approve_one(
    state: &AppState,
    user: &CurrentUser,
    request: RequestRow,
    rights: Rights,
    scope: SiteScope,
    lang: Lang,
) -> FlowResult<Outcome> {
    let Stored::AwaitingApprover(waiting) = Stored::from_state(request.state) else {
        return Ok(already_handled(lang, &request.name()));
    };
    let next = waiting.approve();
    let now = state.now();
    let mut tx = state.db.begin().await?;
    if !requests::apply(&mut tx, request.id, &next, now).await? {
        return Ok(already_handled(lang, &request.name()));
    }
    requests::set_rights(&mut tx, request.id, rights, &scope).await?;
    requests::set_approved_by(&mut tx, request.id, user.id, now).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "request.approved", "access_request", Some(request.id)).with(
            serde_json::json!({
                "from": next.from_state().as_str(),
                "to": next.to_state().as_str(),
                "rights": { "before": rights_json(request.rights), "after": rights_json(rights) },
                "sites": { "before": scope_json(&request.scope), "after": scope_json(&scope) },
            }),
        ),
    )
    .await?;
    let (to, first_name, rlang) = request.requester();
    let sites = crate::access_request::flows::describe_scope(state, request.structure_id, &scope, rlang).await?;
    let mail = emails::approved(rlang, &to, &first_name, &user.display_name(), &rights.describe(rlang), &sites);
    outbox::enqueue(&mut tx, &mail, now).await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        match lang {
            Lang::Fr => format!("La demande de {} est approuvée : elle part en validation au support.", request.name()),
            Lang::En => format!("{}'s request is approved: it now goes to support for validation.", request.name()),
        },
    ))
}

/// Most requests approved in one go.
pub const MAX_AT_ONCE: usize = 100;

/// Approves several requests as they were asked.
#[tracing::instrument(skip_all)]
pub async fn approve_many(state: &AppState, ctx: &RequestContext, ids: &[String]) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let (user, structures) = approver(state, ctx).await?;
    if ids.len() > MAX_AT_ONCE {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            match lang {
                Lang::Fr => format!("Approuvez au plus {MAX_AT_ONCE} demandes à la fois."),
                Lang::En => format!("Approve at most {MAX_AT_ONCE} requests at once."),
            },
        ));
    }
    let mut ids: Vec<i64> = ids.iter().filter_map(|v| v.trim().parse().ok()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t("Cochez d'abord les demandes à approuver.", "First tick the requests to approve."),
        ));
    }
    let mut approved = 0;
    let mut skipped = 0;
    for id in ids {
        let request = request_for(state, &structures, id).await?;
        let (rights, scope) = (request.rights, request.scope.clone());
        let outcome = approve_one(state, &user, request, rights, scope, lang).await?;
        if matches!(outcome.notice, Some((NoticeKind::Success, _))) {
            approved += 1;
        } else {
            skipped += 1;
        }
    }
    let message = match lang {
        Lang::Fr => format!(
            "{approved} demande(s) approuvée(s) telles que demandées.{}",
            if skipped > 0 { format!(" {skipped} avaient déjà été traitées.") } else { String::new() }
        ),
        Lang::En => format!(
            "{approved} request(s) approved as asked.{}",
            if skipped > 0 { format!(" {skipped} had already been handled.") } else { String::new() }
        ),
    };
    Ok(Outcome::notice(if approved > 0 { NoticeKind::Success } else { NoticeKind::Warn }, message))
}

/// Refuses a request with a reason.
#[tracing::instrument(skip_all)]
pub async fn refuse(state: &AppState, ctx: &RequestContext, id: i64, reason: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let (user, structures) = approver(state, ctx).await?;
    let request = request_for(state, &structures, id).await?;
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
    let Stored::AwaitingApprover(waiting) = Stored::from_state(request.state) else {
        return Ok(already_handled(lang, &request.name()));
    };
    let refused = waiting.refuse(reason);
    refuse_request(state, &user, &request, refused, "request.refused_by_approver").await?;
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

/// Stores a refusal (approver or support) and tells the requester. False if another
/// decision came first.
#[tracing::instrument(skip_all)]
pub async fn refuse_request<F: State>(
    state: &AppState,
    user: &CurrentUser,
    request: &RequestRow,
    refused: Transition<F, Refused>,
    action: &'static str,
) -> FlowResult<bool> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    if !requests::apply(&mut tx, request.id, &refused, now).await? {
        return Ok(false);
    }
    let from = refused.from_state();
    let refused = refused.into_next();
    requests::set_refusal(&mut tx, request.id, refused.0.as_str(), user.id).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), action, "access_request", Some(request.id))
            .with(serde_json::json!({ "from": from.as_str(), "to": "refused", "reason": refused.0.as_str() })),
    )
    .await?;
    let (to, first_name, rlang) = request.requester();
    let mail = emails::refused(rlang, &to, &first_name, &user.display_name(), refused.0.as_str());
    outbox::enqueue(&mut tx, &mail, now).await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(true)
}

/// Changes (or, with no right, withdraws) an active collaborator's rights and sites.
#[tracing::instrument(skip_all)]
pub async fn update_collaborator(
    state: &AppState,
    ctx: &RequestContext,
    user_id: i64,
    rights: Rights,
    sites_mode: &str,
    sites: &[String],
) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let (approver_user, structures) = approver(state, ctx).await?;
    // Never on oneself (a delegated approver is a collaborator too), and only on an active
    // collaborator of a structure one approves for.
    if user_id == approver_user.id {
        return Err(AppError::Forbidden.into());
    }
    let Some(access) = pro::access_of(&state.db, user_id).await? else {
        return Err(AppError::Forbidden.into());
    };
    if !structures.contains(&access.structure_id)
        || access.profile != crate::domain::access_request::Profile::Collaborator
    {
        return Err(AppError::Forbidden.into());
    }
    let Some(scope) = parse_scope(&state.db, access.structure_id, sites_mode, sites).await? else {
        return Ok(Outcome::invalid(
            vec![(
                format!("sites-u{user_id}"),
                lang.t(
                    "Choisissez au moins un site de la structure, ou « Tous les sites ».",
                    "Choose at least one of the structure's sites, or “All sites”.",
                )
                .into(),
            )],
            lang,
        ));
    };
    let collaborator = crate::accounts::store::find_by_id(&state.db, user_id)
        .await?
        .filter(|u| u.status == AccountStatus::Active)
        .ok_or(AppError::Forbidden)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let updated = pro::ProAccess { rights, scope: scope.clone(), ..access.clone() };
    pro::set_access(&mut tx, &updated, now).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(
            Some(approver_user.id),
            if rights.any() { "access.changed" } else { "access.withdrawn" },
            "user",
            Some(user_id),
        )
        .with(serde_json::json!({
            "rights": { "before": rights_json(access.rights), "after": rights_json(rights) },
            "sites": { "before": scope_json(&access.scope), "after": scope_json(&scope) },
        })),
    )
    .await?;
    let clang = Lang::from_code(&collaborator.lang);
    let sites = crate::access_request::flows::describe_scope(state, access.structure_id, &scope, clang).await?;
    let mail = emails::rights_changed(
        clang,
        &collaborator.email,
        &collaborator.first_name,
        &approver_user.display_name(),
        &rights.describe(clang),
        &sites,
    );
    outbox::enqueue(&mut tx, &mail, now).await?;
    tx.commit().await?;
    state.wake_mailer();
    let name = format!("{} {}", collaborator.first_name, collaborator.last_name);
    Ok(Outcome::notice(
        NoticeKind::Success,
        match (lang, rights.any()) {
            (Lang::Fr, true) => format!("Les droits de {name} sont modifiés ; c'est effectif dès sa prochaine action."),
            (Lang::Fr, false) => format!(
                "Les droits Résultats et Factures de {name} sont retirés ; c'est effectif dès sa prochaine action."
            ),
            (Lang::En, true) => format!("{name}'s rights are changed; it applies from their next action."),
            (Lang::En, false) => {
                format!("{name}'s Results and Invoices rights are withdrawn; it applies from their next action.")
            }
        },
    ))
}

/// Parses the rights and sites of a decision form, checking sites against the structure.
pub(crate) async fn parse_scope(
    db: &Db,
    structure_id: i64,
    sites_mode: &str,
    sites: &[String],
) -> Result<Option<SiteScope>, sqlx::Error> {
    if sites.len() > 100 {
        return Ok(None);
    }
    let valid = crate::structures::store::sites(db, structure_id).await?;
    let chosen: Vec<i64> = sites.iter().filter_map(|v| v.trim().parse().ok()).collect();
    if chosen.iter().any(|id| !valid.iter().any(|s| s.id == *id)) {
        return Ok(None);
    }
    Ok(SiteScope::new(sites_mode != "some", chosen))
}
