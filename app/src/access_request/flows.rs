//! Submitting an access request: every rule is checked here, whatever the browser did.

use super::emails;
use super::store::{self, NewRequest};
use crate::domain::access_request::{Profile, RequestState, Rights, SiteScope};
use crate::domain::email::Email;
use crate::domain::names::parse_name;
use crate::domain::phone::Phone;
use crate::domain::structure::{CorrespondentCode, Opening};
use crate::error::FlowResult;
use crate::form::{FieldErrors, NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::db::is_unique_violation;
use crate::platform::limits::{self, LimitedAction};
use crate::platform::mail::outbox;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};
use crate::structures::store as structures;

/// What the form sends.
#[derive(Debug, Default)]
pub struct RequestInput {
    /// biologist | collaborator.
    pub profile: String,
    /// Correspondent code as typed.
    pub correspondent_code: String,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// Professional e-mail.
    pub email: String,
    /// Telephone.
    pub phone: String,
    /// Results right checked.
    pub results: bool,
    /// Invoices right checked.
    pub invoices: bool,
    /// Approver user id, as typed.
    pub approver: String,
    /// all | some.
    pub sites_mode: String,
    /// Site ids, as typed.
    pub sites: Vec<String>,
    /// The profile whose defaults the rights checkboxes showed (no-JavaScript forms).
    pub rights_profile: String,
    /// Only look the structure up (no-JavaScript "show the sites" button).
    pub lookup_only: bool,
}

/// Checks and stores a request; redirects to the confirmation page.
#[tracing::instrument(skip_all)]
pub async fn submit(state: &AppState, ctx: &RequestContext, input: RequestInput) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    if input.lookup_only {
        return Ok(Outcome::notice(
            NoticeKind::Info,
            lang.t(
                "Vérifiez les droits d'accès, l'approbateur et les sites ci-dessous, puis envoyez votre demande.",
                "Check the access rights, the approver and the sites below, then send your request.",
            ),
        ));
    }
    let mut errors = FieldErrors::default();
    let profile = Profile::parse(&input.profile);
    if profile.is_none() {
        errors.add(
            "profile",
            lang.t(
                "Indiquez si vous êtes biologiste ou collaborateur.",
                "Say whether you are a biologist or a collaborator.",
            ),
        );
    }
    let code = errors
        .check("correspondent_code", CorrespondentCode::parse(&input.correspondent_code), |e| e.message(lang).into());
    let last_name = errors.check(
        "last_name",
        parse_name(&input.last_name, lang, ("Indiquez votre nom.", "Enter your last name.")),
        |e| e,
    );
    let first_name = errors.check(
        "first_name",
        parse_name(&input.first_name, lang, ("Indiquez votre prénom.", "Enter your first name.")),
        |e| e,
    );
    let email = errors.check("email", Email::parse(&input.email), |e| e.message(lang).into());
    let phone = errors.check("phone", Phone::parse(&input.phone), |e| e.message(lang).into());

    // Without JavaScript, the rights checkboxes may not have shown this profile's defaults
    // yet: show them, and let the person confirm.
    if let Some(p) = profile
        && input.rights_profile != p.as_str()
    {
        return Ok(Outcome::notice(
            NoticeKind::Info,
            lang.t(
                "Vérifiez les droits d'accès proposés pour votre profil ci-dessous, puis envoyez votre demande.",
                "Check the access rights proposed for your profile below, then send your request.",
            ),
        ));
    }

    let structure = match &code {
        Some(code) => structures::find_by_code(&state.db, code).await?,
        None => None,
    };
    if code.is_some() && structure.is_none() {
        errors.add(
            "correspondent_code",
            lang.t(
                "Ce code correspondant est inconnu. Vérifiez-le sur les documents de votre laboratoire, ou contactez le support.",
                "This correspondent code is unknown. Check it on your lab's documents, or contact support.",
            ),
        );
    }
    if input.sites.len() > 100 {
        errors.add("sites", lang.t("Trop de sites choisis.", "Too many sites chosen."));
    }
    let rights = Rights { results: input.results, invoices: input.invoices };
    let mut approver = None;
    let mut scope = None;
    if let Some(s) = &structure {
        let opening = structures::opening_of(&state.db, s.id, state.today()).await?;
        if opening != Opening::Open {
            let message = structures::closed_message(opening, lang).unwrap_or_default();
            return Ok(Outcome {
                field_errors: vec![("correspondent_code".into(), message.clone())],
                notice: Some((NoticeKind::Warn, message)),
                ..Outcome::default()
            });
        }
        if profile == Some(Profile::Collaborator) && rights.any() {
            let approvers = structures::approvers(&state.db, s.id).await?;
            if approvers.is_empty() {
                errors.add(
                    "rights",
                    lang.t(
                        "Aucun approbateur n'est encore inscrit pour votre structure : le biologiste responsable doit d'abord s'inscrire. En attendant, vous pouvez envoyer une demande sans droit Résultats ni Factures.",
                        "No approver has registered for your structure yet: the biologist in charge must register first. Meanwhile you can send a request without the Results or Invoices right.",
                    ),
                );
            } else {
                match input.approver.trim().parse::<i64>().ok().filter(|id| approvers.iter().any(|a| a.id == *id)) {
                    Some(id) => approver = Some(id),
                    None => errors.add(
                        "approver",
                        lang.t(
                            "Choisissez l'approbateur de votre demande parmi ceux de votre structure.",
                            "Choose the approver of your request among your structure's approvers.",
                        ),
                    ),
                }
            }
        }
        let site_ids = structures::sites(&state.db, s.id).await?;
        let chosen: Vec<i64> = input.sites.iter().filter_map(|v| v.trim().parse::<i64>().ok()).collect();
        if chosen.iter().any(|id| !site_ids.iter().any(|site| site.id == *id)) {
            errors.add(
                "sites",
                lang.t(
                    "Ces sites n'appartiennent pas à votre structure.",
                    "These sites do not belong to your structure.",
                ),
            );
        } else {
            match SiteScope::new(input.sites_mode != "some", chosen) {
                Some(s) => scope = Some(s),
                None => errors.add(
                    "sites",
                    lang.t(
                        "Choisissez au moins un site, ou « Tous les sites ».",
                        "Choose at least one site, or “All sites”.",
                    ),
                ),
            }
        }
    }
    let (Some(profile), Some(last_name), Some(first_name), Some(email), Some(phone), Some(structure), Some(scope)) =
        (profile, last_name, first_name, email, phone, structure, scope)
    else {
        return Ok(Outcome::invalid(errors.0, lang));
    };
    if !errors.is_empty() {
        return Ok(Outcome::invalid(errors.0, lang));
    }

    // Every complete attempt counts against the client's limit, whatever its outcome.
    limits::check(state, LimitedAction::AccessRequest { client: &ctx.client_key }).await?;
    let request_state = RequestState::initial(profile, rights);
    let sent_page = format!("/demande-acces/envoyee?etat={}", request_state.as_str());
    // An address with an account gets the same answer as a new one; its owner is told by
    // e-mail instead. A sign-up never confirmed does not count: the real owner of the
    // address proves it with the provisional code e-mailed at validation.
    let existing = crate::accounts::store::find_by_email_key(&state.db, &email.key()).await?;
    if let Some(owner) = existing.filter(|u| u.status != crate::domain::account::AccountStatus::Unverified) {
        let mut tx = state.db.begin().await?;
        let mail = emails::address_has_account(
            Lang::from_code(&owner.lang),
            &owner.email,
            &owner.first_name,
            &state.settings.url("/connexion"),
            &state.settings.url("/mot-de-passe-oublie"),
        );
        outbox::enqueue(&mut tx, &mail, state.now()).await?;
        tx.commit().await?;
        state.wake_mailer();
        leptos_axum::redirect(&sent_page);
        return Ok(Outcome::ok());
    }

    let now = state.now();
    let email_key = email.key();
    let mut tx = state.db.begin().await?;
    let new = NewRequest {
        structure_id: structure.id,
        profile,
        last_name: &last_name,
        first_name: &first_name,
        email: email.as_str(),
        email_key: &email_key,
        phone: phone.e164(),
        rights,
        scope: &scope,
        approver,
        state: request_state,
        lang: lang.code(),
        kind: store::RequestKind::Individual,
        created_by: None,
    };
    let id = match store::insert(&mut tx, &new, now).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            // A request is already open for this address: tell its owner, answer as usual.
            drop(tx);
            let mut tx = state.db.begin().await?;
            let mail = emails::request_in_progress(lang, email.as_str(), &first_name);
            outbox::enqueue(&mut tx, &mail, now).await?;
            tx.commit().await?;
            state.wake_mailer();
            leptos_axum::redirect(&sent_page);
            return Ok(Outcome::ok());
        }
        Err(e) => return Err(crate::error::FlowError::from(e)),
    };
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(None, "request.created", "access_request", Some(id)).with(serde_json::json!({
            "from": null,
            "to": request_state.as_str(),
            "profile": profile.as_str(),
            "rights": { "results": rights.results, "invoices": rights.invoices },
            "sites": if scope.is_all() { serde_json::json!("all") } else { serde_json::json!(scope.selected()) },
            "approver": approver,
        })),
    )
    .await?;

    let site_names = describe_scope(state, structure.id, &scope, lang).await?;
    let approver_row = match approver {
        Some(a) => crate::accounts::store::find_by_id(&state.db, a).await?,
        None => None,
    };
    let approver_name = approver_row.as_ref().map(|a| format!("{} {}", a.first_name, a.last_name));
    let mail =
        emails::received(lang, email.as_str(), &first_name, &structure.name, request_state, approver_name.as_deref());
    outbox::enqueue(&mut tx, &mail, now).await?;
    if let Some(a) = approver_row.filter(|_| request_state == RequestState::PendingApprover) {
        let a_lang = Lang::from_code(&a.lang);
        let mail = emails::awaiting_approver(
            a_lang,
            &a.email,
            &a.first_name,
            &format!("{first_name} {last_name} ({})", profile.label(a_lang)),
            &rights.describe(a_lang),
            &site_names,
            &state.settings.url("/approbation-des-comptes"),
        );
        outbox::enqueue(&mut tx, &mail, now).await?;
    }
    tx.commit().await?;
    state.wake_mailer();
    leptos_axum::redirect(&sent_page);
    Ok(Outcome::ok())
}

/// "Tous les sites" or the names of the chosen sites.
#[tracing::instrument(skip_all)]
pub async fn describe_scope(state: &AppState, structure_id: i64, scope: &SiteScope, lang: Lang) -> FlowResult<String> {
    if scope.is_all() {
        return Ok(lang.t("tous les sites", "all sites").to_string());
    }
    let sites = structures::sites(&state.db, structure_id).await?;
    Ok(sites.into_iter().filter(|s| scope.selected().contains(&s.id)).map(|s| s.name).collect::<Vec<_>>().join(", "))
}
