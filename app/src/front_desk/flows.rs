//! Front-desk use cases: finding a record, issuing a new activation code.

use crate::activation::store as records;
use crate::domain::names::name_matches;
use crate::error::{AppError, FlowResult};
use crate::form::{FieldErrors, NoticeKind, Outcome};
use crate::platform::guards::require_front_desk;
use crate::platform::limits::{self, LimitedAction};
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};

/// What the search form sends: a lab reference, or NIR + last name + first name.
#[derive(Default)]
pub struct FindInput {
    /// The lab's reference of the record.
    pub reference: String,
    /// NIR (social security number).
    pub nir: String,
    /// Last name (used or birth).
    pub last_name: String,
    /// First name.
    pub first_name: String,
}

impl std::fmt::Debug for FindInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FindInput(…)")
    }
}

/// Finds the records that match; the answer's `items` are their ids (the page shows them
/// for checking against the identity document). Audited, with how many were found.
#[tracing::instrument(skip_all)]
pub async fn find(state: &AppState, ctx: &RequestContext, input: FindInput) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_front_desk(ctx)?;
    let reference = input.reference.trim();
    let found = if !reference.is_empty() {
        records::desk_by_reference(&state.db, reference).await?
    } else {
        let mut errors = FieldErrors::default();
        let nir = crate::domain::nir::parse_nir(&input.nir);
        if input.nir.trim().is_empty() {
            errors.add(
                "reference",
                lang.t(
                    "Indiquez la référence du dossier, ou le NIR avec le nom et le prénom.",
                    "Give the record's reference, or the NIR with the last and first name.",
                ),
            );
        } else if nir.is_none() {
            errors.add(
                "nir",
                lang.t(
                    "Ce NIR n'est pas valide : vérifiez les 13 chiffres et la clé.",
                    "This NIR is not valid: check the 13 digits and the key.",
                ),
            );
        }
        if !input.nir.trim().is_empty() && input.last_name.trim().is_empty() {
            errors.add("last_name", lang.t("Indiquez le nom.", "Enter the last name."));
        }
        if !input.nir.trim().is_empty() && input.first_name.trim().is_empty() {
            errors.add("first_name", lang.t("Indiquez le prénom.", "Enter the first name."));
        }
        let Some(nir) = nir.filter(|_| errors.is_empty()) else {
            return Ok(Outcome::invalid(errors.0, lang));
        };
        records::desk_by_nir(&state.db, &nir)
            .await?
            .into_iter()
            .filter(|r| {
                name_matches(&input.last_name, &[r.last_name.as_str(), r.birth_name.as_deref().unwrap_or("")])
                    && name_matches(&input.first_name, &[r.first_names.as_str()])
            })
            .collect()
    };
    let now = state.now();
    let mut tx = state.db.begin().await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "front_desk.search", "user", Some(agent.id))
            .with(serde_json::json!({ "found": found.len() })),
    )
    .await?;
    tx.commit().await?;
    if found.is_empty() {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t(
                "Aucun dossier ne correspond. Vérifiez la référence, ou le NIR et l'orthographe des noms (nom de naissance accepté).",
                "No record matches. Check the reference, or the NIR and the spelling of the names (birth name accepted).",
            ),
        ));
    }
    Ok(Outcome { items: found.iter().map(|r| r.id.to_string()).collect(), ..Outcome::ok() })
}

/// Issues a new activation code for a record: the old code dies at once. The code is in
/// the answer's `items` (shown once, printable); it is never stored in clear nor logged.
#[tracing::instrument(skip_all)]
pub async fn issue_code(state: &AppState, ctx: &RequestContext, record_id: i64) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_front_desk(ctx)?;
    limits::check(state, LimitedAction::FrontDeskCode { user_id: agent.id }).await?;
    let record = records::desk_record(&state.db, record_id).await?.ok_or(AppError::Forbidden)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let code = records::new_code(state, &mut tx, record.id).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "record.code_reissued", "patient_record", Some(record.id)),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome {
        notice: Some((
            NoticeKind::Success,
            lang.t(
                "Nouveau code émis : l'ancien ne fonctionne plus. Remettez ce code à la personne (il n'est affiché qu'une fois).",
                "New code issued: the old one no longer works. Hand this code to the person (it is shown only once).",
            )
            .into(),
        )),
        items: vec![
            code.grouped(),
            record.id.to_string(),
            format!("{} {}", record.first_names, record.last_name),
            record.lab_reference.clone(),
        ],
        ..Outcome::ok()
    })
}
