//! Shared accounts' use cases: confirming a creation with a code e-mailed to oneself, the
//! request (the same state machine, audit and e-mails as individual requests), the shared
//! address's confirmation, support's validation, switching, and members.
//!
//! Every call checks the caller on this request: an active individual professional (not
//! acting for a shared account), a member of *this* shared account with the role the action
//! needs; an id one may not act on gets `Forbidden`, whether it exists or not.

use super::emails;
use super::store::{self as shared, NewShared};
use crate::access_request::store::{self as requests, NewRequest, RequestKind, RequestRow};
use crate::accounts::store as accounts;
use crate::domain::access_request::{AwaitingSupport, Profile, RequestState, Rights, SiteScope};
use crate::domain::account::{AccountStatus, UserKind};
use crate::domain::email::Email;
use crate::domain::identifiers::{
    EstablishmentId, EstablishmentIdKind, departement_of_postcode, parse_postcode, parse_rpps,
};
use crate::domain::names::parse_name;
use crate::domain::phone::Phone;
use crate::domain::shared_account::{Profession, SharedRole};
use crate::domain::structure::{CorrespondentCode, parse_departement};
use crate::error::{AppError, FlowError, FlowResult};
use crate::form::{FieldErrors, NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::clock::{DAY, HOUR};
use crate::platform::crypto::{random_token, sha256_hex};
use crate::platform::db::is_unique_violation;
use crate::platform::guards::{require_professional, require_support};
use crate::platform::limits::{self, LimitedAction};
use crate::platform::mail::outbox;
use crate::platform::one_time_code::{self, Purpose};
use crate::platform::session::{self, CurrentUser};
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};
use crate::professional::store::{self as pro, ProAccess};
use crate::structures::store as structures;

/// How long a confirmed code lets a person create a shared account.
pub const STEP_UP_VALIDITY: i64 = HOUR;
/// How long the link that confirms a shared address works.
pub const ADDRESS_LINK_VALIDITY: i64 = 7 * DAY;
/// How long an invitation to join a shared account waits for its answer.
pub const INVITATION_VALIDITY: i64 = 14 * DAY;

/// Whether the person confirmed an e-mailed code recently enough to create a shared account.
pub fn step_up_fresh(ctx: &RequestContext, now: i64) -> bool {
    ctx.step_up_at.is_some_and(|at| now - at <= STEP_UP_VALIDITY)
}

/// E-mails a six-digit code to the signed-in professional's own address.
#[tracing::instrument(skip_all)]
pub async fn send_code(state: &AppState, ctx: &RequestContext) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = require_professional(ctx)?;
    limits::check(state, LimitedAction::SharedAccountCodeSend { user_id: user.id }).await?;
    let me = accounts::find_by_id(&state.db, user.id).await?.ok_or(AppError::Forbidden)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let code = one_time_code::issue(state, &mut tx, user.id, Purpose::SharedAccount).await?;
    let mail = emails::creation_code(me.language(), &me.email, &me.first_name, &code);
    outbox::enqueue(&mut tx, &mail, now).await?;
    audit::record(&mut tx, now, AuditEntry::new(Some(user.id), "shared.code_sent", "user", Some(user.id))).await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Info,
        match lang {
            Lang::Fr => format!(
                "Un code à 6 chiffres vient d'être envoyé à votre adresse {}. Il est valable 10 minutes.",
                me.email
            ),
            Lang::En => {
                format!("A 6-digit code was just sent to your address {}. It is valid for 10 minutes.", me.email)
            }
        },
    ))
}

/// Checks the code typed; on success this session may create a shared account for an hour.
#[tracing::instrument(skip_all)]
pub async fn confirm_code(state: &AppState, ctx: &RequestContext, code: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = require_professional(ctx)?;
    let Some(session_hash) = ctx.session_hash.clone() else { return Err(AppError::Forbidden.into()) };
    if code.trim().is_empty() {
        return Ok(Outcome::invalid(
            vec![(
                "code".into(),
                lang.t("Saisissez le code reçu par e-mail.", "Type the code you received by e-mail.").into(),
            )],
            lang,
        ));
    }
    // Every code typed counts, right or wrong, before it is checked.
    limits::check(state, LimitedAction::SharedAccountCode { user_id: user.id }).await?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    if !one_time_code::spend(state, &mut tx, user.id, Purpose::SharedAccount, code).await? {
        return Ok(Outcome::invalid(
            vec![(
                "code".into(),
                lang.t(
                    "Ce code n'est pas valide, a expiré ou a déjà servi. Vérifiez-le, ou demandez-en un nouveau.",
                    "This code is not valid, has expired or was already used. Check it, or ask for a new one.",
                )
                .into(),
            )],
            lang,
        ));
    }
    session::set_step_up(&mut tx, &session_hash, Some(now)).await?;
    audit::record(&mut tx, now, AuditEntry::new(Some(user.id), "shared.code_confirmed", "user", Some(user.id))).await?;
    tx.commit().await?;
    limits::forget(state, LimitedAction::SharedAccountCode { user_id: user.id }).await?;
    leptos_axum::redirect("/comptes-partages/nouveau");
    Ok(Outcome::ok())
}

/// What the shared-account form sends.
#[derive(Debug, Default)]
pub struct CreateInput {
    /// The shared (generic) address.
    pub email: String,
    /// Service, structure, town.
    pub description: String,
    /// `finess`, `siret` or `siren`.
    pub identifier_kind: String,
    /// The identifier as typed.
    pub identifier: String,
    /// Raison sociale.
    pub company_name: String,
    /// Postal address.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// City.
    pub city: String,
    /// Département (derived from the postcode when left empty).
    pub departement: String,
    /// Service (optional).
    pub service: String,
    /// Professional telephone.
    pub phone: String,
    /// Second number (optional).
    pub phone2: String,
    /// Responsible professional's last name.
    pub last_name: String,
    /// Their first name.
    pub first_name: String,
    /// Their profession.
    pub profession: String,
    /// Their RPPS identifier.
    pub rpps: String,
    /// Paperless exchanges.
    pub paperless: bool,
    /// Listed in the directory.
    pub in_directory: bool,
    /// The structure's correspondent code.
    pub correspondent_code: String,
    /// Results right asked.
    pub results: bool,
    /// Invoices right asked.
    pub invoices: bool,
    /// `all` or `some`.
    pub sites_mode: String,
    /// Site ids chosen.
    pub sites: Vec<String>,
}

/// A trimmed, mandatory text of at most `max` characters, or the field's error.
fn text(errors: &mut FieldErrors, field: &str, value: &str, max: usize, empty: &str, lang: Lang) -> Option<String> {
    let t = value.trim();
    if t.is_empty() {
        errors.add(field, empty);
        return None;
    }
    if t.chars().count() > max {
        errors.add(
            field,
            match lang {
                Lang::Fr => format!("{max} caractères au plus."),
                Lang::En => format!("{max} characters at most."),
            },
        );
        return None;
    }
    Some(t.to_string())
}

/// Stores a shared account's request: every rule is checked here, whatever the browser did.
#[tracing::instrument(skip_all)]
pub async fn create(state: &AppState, ctx: &RequestContext, input: CreateInput) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = require_professional(ctx)?;
    let now = state.now();
    if !step_up_fresh(ctx, now) {
        return Ok(Outcome::notice(
            NoticeKind::Error,
            lang.t(
                "Pour votre sécurité, confirmez d'abord votre identité avec un code reçu par e-mail.",
                "For your security, first confirm your identity with a code received by e-mail.",
            ),
        )
        .with_follow_up("/comptes-partages/nouveau", lang.t("Recevoir un code", "Get a code")));
    }
    let me = accounts::find_by_id(&state.db, user.id).await?.ok_or(AppError::Forbidden)?;
    let my_access = pro::access_of(&state.db, user.id).await?.ok_or(AppError::Forbidden)?;
    let mut e = FieldErrors::default();
    let email = e.check("email", Email::parse(&input.email), |x| x.message(lang).into());
    if email.as_ref().is_some_and(|m| m.key() == me.email.to_lowercase()) {
        e.add(
            "email",
            lang.t(
                "Indiquez une adresse générique (celle du secrétariat, par exemple), pas celle de votre compte individuel.",
                "Give a generic address (the secretariat's, for example), not your individual account's.",
            ),
        );
    }
    let description = text(
        &mut e,
        "description",
        &input.description,
        200,
        lang.t("Décrivez le compte : service, structure, ville.", "Describe the account: service, structure, town."),
        lang,
    );
    let kind = EstablishmentIdKind::parse(&input.identifier_kind);
    if kind.is_none() {
        e.add(
            "identifier_kind",
            lang.t(
                "Choisissez le type d'identifiant : FINESS, SIRET ou SIREN.",
                "Choose the identifier type: FINESS, SIRET or SIREN.",
            ),
        );
    }
    let identifier = kind.and_then(|k| {
        e.check("identifier", EstablishmentId::parse(k, &input.identifier), |x| x.establishment_message(k, lang).into())
    });
    let company_name = text(
        &mut e,
        "company_name",
        &input.company_name,
        200,
        lang.t("Indiquez la raison sociale.", "Enter the company name."),
        lang,
    );
    let address = text(
        &mut e,
        "address",
        &input.address,
        300,
        lang.t("Indiquez l'adresse de la structure.", "Enter the structure's address."),
        lang,
    );
    let postcode = parse_postcode(&input.postcode);
    if postcode.is_none() {
        e.add("postcode", lang.t("Un code postal compte 5 chiffres.", "A postcode has 5 digits."));
    }
    let city = text(&mut e, "city", &input.city, 100, lang.t("Indiquez la ville.", "Enter the town."), lang);
    let departement = if input.departement.trim().is_empty() {
        postcode.as_deref().and_then(departement_of_postcode)
    } else {
        parse_departement(&input.departement)
    };
    if departement.is_none() && postcode.is_some() {
        e.add(
            "departement",
            lang.t(
                "Indiquez le département : 01 à 95, 2A, 2B ou 971 à 976.",
                "Enter the département: 01 to 95, 2A, 2B or 971 to 976.",
            ),
        );
    }
    let service = input.service.trim().to_string();
    if service.chars().count() > 200 {
        e.add("service", lang.t("200 caractères au plus.", "200 characters at most."));
    }
    let phone = e.check("phone", Phone::parse(&input.phone), |x| x.message(lang).into());
    let phone2 = if input.phone2.trim().is_empty() {
        None
    } else {
        e.check("phone2", Phone::parse(&input.phone2), |x| x.message(lang).into())
    };
    let last_name = e.check(
        "last_name",
        parse_name(&input.last_name, lang, ("Indiquez le nom du responsable.", "Enter the responsible's last name.")),
        |x| x,
    );
    let first_name = e.check(
        "first_name",
        parse_name(
            &input.first_name,
            lang,
            ("Indiquez le prénom du responsable.", "Enter the responsible's first name."),
        ),
        |x| x,
    );
    let profession = Profession::parse(&input.profession);
    if profession.is_none() {
        e.add("profession", lang.t("Choisissez la profession du responsable.", "Choose the responsible's profession."));
    }
    let rpps = match profession {
        Some(p) if p.has_rpps() => e.check("rpps", parse_rpps(&input.rpps), |x| x.rpps_message(lang).into()).map(Some),
        _ if input.rpps.trim().is_empty() => Some(None),
        _ => e.check("rpps", parse_rpps(&input.rpps), |x| x.rpps_message(lang).into()).map(Some),
    };
    let structure = match CorrespondentCode::parse(&input.correspondent_code) {
        Ok(code) => structures::find_by_code(&state.db, &code).await?,
        Err(x) => {
            e.add("correspondent_code", x.message(lang));
            None
        }
    };
    let structure = match structure {
        Some(s) if s.id == my_access.structure_id => Some(s),
        Some(_) | None if input.correspondent_code.trim().is_empty() => None,
        _ => {
            e.add(
                "correspondent_code",
                lang.t(
                    "Un compte partagé appartient à votre propre structure : indiquez son code correspondant.",
                    "A shared account belongs to your own structure: enter its correspondent code.",
                ),
            );
            None
        }
    };
    let rights = Rights { results: input.results, invoices: input.invoices };
    let site_ids = structures::sites(&state.db, my_access.structure_id).await?;
    let chosen: Vec<i64> = input.sites.iter().filter_map(|v| v.trim().parse::<i64>().ok()).collect();
    let scope = if input.sites.len() > 100 || chosen.iter().any(|id| !site_ids.iter().any(|s| s.id == *id)) {
        e.add(
            "sites",
            lang.t("Ces sites n'appartiennent pas à votre structure.", "These sites do not belong to your structure."),
        );
        None
    } else {
        let scope = SiteScope::new(input.sites_mode != "some", chosen);
        if scope.is_none() {
            e.add(
                "sites",
                lang.t(
                    "Choisissez au moins un site, ou « Tous les sites ».",
                    "Choose at least one site, or “All sites”.",
                ),
            );
        }
        scope
    };
    let approvers = structures::approvers(&state.db, my_access.structure_id).await?;
    let creator_approves = approvers.iter().any(|a| a.id == user.id);
    if rights.any() && approvers.is_empty() {
        e.add(
            "rights",
            lang.t(
                "Aucun approbateur n'est encore inscrit pour votre structure : le biologiste responsable doit d'abord s'inscrire. En attendant, vous pouvez demander un compte partagé sans droit Résultats ni Factures.",
                "No approver has registered for your structure yet: the biologist in charge must register first. Meanwhile you can ask for a shared account without the Results or Invoices right.",
            ),
        );
    }
    let (
        Some(email),
        Some(description),
        Some(identifier),
        Some(company_name),
        Some(address),
        Some(postcode),
        Some(city),
        Some(departement),
        Some(phone),
        Some(last_name),
        Some(first_name),
        Some(profession),
        Some(rpps),
        Some(structure),
        Some(scope),
    ) = (
        email,
        description,
        identifier,
        company_name,
        address,
        postcode,
        city,
        departement,
        phone,
        last_name,
        first_name,
        profession,
        rpps,
        structure,
        scope,
    )
    else {
        return Ok(Outcome::invalid(e.0, lang));
    };
    if !e.is_empty() {
        return Ok(Outcome::invalid(e.0, lang));
    }

    let Some(session_hash) = ctx.session_hash.clone() else { return Err(AppError::Forbidden.into()) };
    let sent = "/comptes-partages?demande=envoyee";
    // An address that already has an account gets the same answer; its owner is told. A
    // sign-up never confirmed does not count (validation removes it).
    let existing = accounts::find_by_email_key(&state.db, &email.key()).await?;
    if let Some(owner) = existing.filter(|u| u.status != AccountStatus::Unverified) {
        let mut tx = state.db.begin().await?;
        let mail = emails::address_taken(owner.language(), &owner.email, &state.settings.url("/aide"));
        outbox::enqueue(&mut tx, &mail, now).await?;
        session::set_step_up(&mut tx, &session_hash, None).await?;
        tx.commit().await?;
        state.wake_mailer();
        leptos_axum::redirect(sent);
        return Ok(Outcome::ok());
    }

    let request_state = RequestState::initial_shared(rights, creator_approves);
    let mut tx = state.db.begin().await?;
    let new = NewRequest {
        structure_id: structure.id,
        profile: Profile::Collaborator,
        last_name: &last_name,
        first_name: &first_name,
        email: email.as_str(),
        email_key: &email.key(),
        phone: phone.e164(),
        rights,
        scope: &scope,
        approver: None,
        state: request_state,
        lang: lang.code(),
        kind: RequestKind::Shared,
        created_by: Some(user.id),
    };
    let request_id = match requests::insert(&mut tx, &new, now).await {
        Ok(id) => id,
        Err(err) if is_unique_violation(&err) => {
            // A request is already open for this address: the same answer as usual.
            drop(tx);
            let mut tx = state.db.begin().await?;
            session::set_step_up(&mut tx, &session_hash, None).await?;
            tx.commit().await?;
            leptos_axum::redirect(sent);
            return Ok(Outcome::ok());
        }
        Err(err) => return Err(FlowError::from(err)),
    };
    let token = random_token();
    let row = NewShared {
        request_id,
        structure_id: structure.id,
        email: email.as_str(),
        email_key: &email.key(),
        description: &description,
        identifier: &identifier,
        company_name: &company_name,
        address: &address,
        postcode: &postcode,
        city: &city,
        departement: &departement,
        service: &service,
        phone: phone.e164(),
        phone2: phone2.as_ref().map(Phone::e164),
        responsible_last_name: &last_name,
        responsible_first_name: &first_name,
        responsible_profession: profession,
        responsible_rpps: rpps.as_deref(),
        paperless: input.paperless,
        in_directory: input.in_directory,
        created_by: user.id,
    };
    let shared_id = shared::insert(&mut tx, &row, &sha256_hex(&token), now + ADDRESS_LINK_VALIDITY, now).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "request.created", "access_request", Some(request_id)).with(serde_json::json!({
            "from": null,
            "to": request_state.as_str(),
            "kind": "shared",
            "shared_account": shared_id,
            "rights": requests::rights_json(rights),
            "sites": requests::scope_json(&scope),
        })),
    )
    .await?;
    let mail = emails::request_received(me.language(), &me.email, &me.first_name, &description, request_state);
    outbox::enqueue(&mut tx, &mail, now).await?;
    let link = state.settings.url(&format!("/comptes-partages/confirmer?jeton={token}"));
    let mail = emails::confirm_address(lang, email.as_str(), &description, &user.display_name(), &link);
    outbox::enqueue(&mut tx, &mail, now).await?;
    if request_state == RequestState::PendingApprover {
        for a in &approvers {
            let Some(approver) = accounts::find_in(&mut tx, a.id).await? else { continue };
            let a_lang = approver.language();
            let sites = crate::access_request::flows::describe_scope(state, structure.id, &scope, a_lang).await?;
            let who = match a_lang {
                Lang::Fr => format!("compte partagé « {description} », demandé par {}", user.display_name()),
                Lang::En => format!("shared account “{description}”, asked by {}", user.display_name()),
            };
            let mail = crate::access_request::emails::awaiting_approver(
                a_lang,
                &approver.email,
                &approver.first_name,
                &who,
                &rights.describe(a_lang),
                &sites,
                &state.settings.url("/approbation-des-comptes"),
            );
            outbox::enqueue(&mut tx, &mail, now).await?;
        }
    }
    // The code confirmed one creation.
    session::set_step_up(&mut tx, &session_hash, None).await?;
    tx.commit().await?;
    state.wake_mailer();
    leptos_axum::redirect(sent);
    Ok(Outcome::ok())
}

/// Confirms a shared address from the link e-mailed to it (no sign-in needed: whoever reads
/// the shared mailbox confirms it).
#[tracing::instrument(skip_all)]
pub async fn confirm_address(state: &AppState, ctx: &RequestContext, token: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let hash = sha256_hex(token.trim());
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let Some(id) = shared::confirm_email(&mut tx, &hash, now).await? else {
        drop(tx);
        let expired = shared::token_known(&state.db, &hash).await?;
        return Ok(Outcome::notice(
            NoticeKind::Error,
            if expired {
                lang.t(
                    "Ce lien a expiré. La personne qui a demandé le compte partagé peut en faire envoyer un nouveau depuis sa page « Comptes partagés ».",
                    "This link has expired. The person who asked for the shared account can have a new one sent from their “Shared accounts” page.",
                )
            } else {
                lang.t(
                    "Ce lien n'est pas valide ou a déjà servi : si l'adresse est déjà confirmée, il n'y a rien d'autre à faire.",
                    "This link is not valid or was already used: if the address is already confirmed, there is nothing else to do.",
                )
            },
        )
        .with_follow_up("/aide", lang.t("Obtenir de l'aide", "Get help")));
    };
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(ctx.user.as_ref().map(|u| u.id), "shared.address_confirmed", "shared_account", Some(id)),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "L'adresse du compte partagé est confirmée. Le support va valider la demande ; son auteur recevra un e-mail.",
            "The shared account's address is confirmed. Support will validate the request; its author will receive an e-mail.",
        ),
    ))
}

/// Sends a new confirmation link to the shared address of one's own pending request.
#[tracing::instrument(skip_all)]
pub async fn resend_address_link(state: &AppState, ctx: &RequestContext, request_id: i64) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = require_professional(ctx)?;
    let request = requests::find(&state.db, request_id).await?.ok_or(AppError::Forbidden)?;
    let row = shared::find_by_request(&state.db, request_id).await?.ok_or(AppError::Forbidden)?;
    if row.created_by != Some(user.id) || request.kind != RequestKind::Shared {
        return Err(AppError::Forbidden.into());
    }
    limits::check(state, LimitedAction::LinkMailToAddress { email_key: &row.email.to_lowercase() }).await?;
    let now = state.now();
    let token = random_token();
    let mut tx = state.db.begin().await?;
    if !matches!(request.state, RequestState::PendingApprover | RequestState::PendingSupport)
        || !shared::renew_email_token(&mut tx, row.id, &sha256_hex(&token), now + ADDRESS_LINK_VALIDITY, now).await?
    {
        return Ok(Outcome::notice(
            NoticeKind::Info,
            lang.t(
                "Cette adresse est déjà confirmée : rien à renvoyer.",
                "This address is already confirmed: nothing to send.",
            ),
        ));
    }
    let link = state.settings.url(&format!("/comptes-partages/confirmer?jeton={token}"));
    let mail = emails::confirm_address(lang, &row.email, &row.description, &user.display_name(), &link);
    outbox::enqueue(&mut tx, &mail, now).await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Un nouveau lien de confirmation est envoyé à l'adresse du compte partagé.",
            "A new confirmation link is sent to the shared account's address.",
        ),
    ))
}

/// Support's validation of a shared account's request: the account (no password), its rights
/// and sites, its creator as responsible; e-mails to the creator and the shared address.
/// Refused while the shared address is not confirmed.
#[tracing::instrument(skip_all)]
pub async fn validate(
    state: &AppState,
    agent: &CurrentUser,
    request: &RequestRow,
    waiting: AwaitingSupport,
    lang: Lang,
) -> FlowResult<Outcome> {
    let row = shared::find_by_request(&state.db, request.id).await?.ok_or(AppError::Forbidden)?;
    if row.email_verified_at.is_none() {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t(
                "L'adresse du compte partagé n'est pas encore confirmée par son lien : la demande ne peut pas encore être validée.",
                "The shared account's address is not confirmed by its link yet: the request cannot be validated yet.",
            ),
        ));
    }
    let Some(creator) = row.created_by else {
        return Ok(Outcome::notice(
            NoticeKind::Error,
            lang.t(
                "Le compte de la personne qui a fait la demande n'existe plus : refusez la demande avec un motif.",
                "The account of the person who asked no longer exists: refuse the request with a reason.",
            ),
        ));
    };
    let already = || {
        Outcome::notice(
            NoticeKind::Warn,
            match lang {
                Lang::Fr => format!("La demande de {} a déjà été traitée : rien n'a été modifié.", request.name()),
                Lang::En => format!("{}'s request was already handled: nothing was changed.", request.name()),
            },
        )
    };
    let validated = waiting.validate();
    let now = state.now();
    let mut tx = state.db.begin().await?;
    if !requests::apply(&mut tx, request.id, &validated, now).await? {
        return Ok(already());
    }
    let active = validated.into_next().activate();
    if !requests::apply(&mut tx, request.id, &active, now).await? {
        return Ok(already());
    }
    accounts::remove_unverified(&mut tx, &row.email.to_lowercase()).await?;
    let account = accounts::NewInvited {
        email: &row.email,
        last_name: &row.description,
        first_name: "",
        kind: UserKind::Shared,
        is_admin: false,
        lang: &request.lang,
        invitation_lifecycle: false,
    };
    let account_id = match accounts::insert_invited(&mut tx, &account, now).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Ok(Outcome::notice(
                NoticeKind::Error,
                lang.t(
                    "Un compte existe déjà pour l'adresse de ce compte partagé : refusez la demande avec un motif (choisir une autre adresse).",
                    "An account already exists for this shared account's address: refuse the request with a reason (choose another address).",
                ),
            ));
        }
        Err(e) => return Err(FlowError::from(e)),
    };
    accounts::transition(&mut tx, account_id, AccountStatus::InvitationSent, AccountStatus::Active, now).await?;
    let access = ProAccess {
        user_id: account_id,
        structure_id: request.structure_id,
        profile: Profile::Collaborator,
        rights: request.rights,
        scope: request.scope.clone(),
    };
    pro::set_access(&mut tx, &access, now).await?;
    shared::set_user(&mut tx, row.id, account_id, now).await?;
    shared::add_member(&mut tx, row.id, creator, SharedRole::Responsible, Some(agent.id), now).await?;
    requests::set_account(&mut tx, request.id, account_id, agent.id).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "request.validated", "access_request", Some(request.id)).with(serde_json::json!({
            "from": RequestState::PendingSupport.as_str(), "to": RequestState::Active.as_str(), "user_id": account_id,
            "rights": requests::rights_json(request.rights), "sites": requests::scope_json(&request.scope),
        })),
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(agent.id), "shared.validated", "user", Some(account_id))
            .with(serde_json::json!({ "responsible": creator, "shared_account": row.id })),
    )
    .await?;
    let (to, first_name, clang) = request.requester();
    let manage = state.settings.url(&format!("/comptes-partages/{}", row.id));
    outbox::enqueue(&mut tx, &emails::created_to_creator(clang, &to, &first_name, &row.description, &manage), now)
        .await?;
    let rlang = Lang::from_code(&request.lang);
    let sign_in = state.settings.url("/connexion");
    outbox::enqueue(&mut tx, &emails::created_to_shared(rlang, &row.email, &row.description, &sign_in), now).await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        match lang {
            Lang::Fr => format!(
                "Le compte partagé « {} » est créé ; son responsable et l'adresse partagée sont prévenus par e-mail.",
                row.description
            ),
            Lang::En => format!(
                "The shared account “{}” is created; its responsible and the shared address are told by e-mail.",
                row.description
            ),
        },
    ))
}

/// Switches the session to a shared account one is a member of, or back to one's own
/// account (`target` empty). A shared account one may not act for is `Forbidden`.
#[tracing::instrument(skip_all)]
pub async fn switch(state: &AppState, ctx: &RequestContext, target: &str) -> FlowResult<Outcome> {
    let user = ctx.require_user()?;
    if user.kind != UserKind::Professional || user.status != AccountStatus::Active {
        return Err(AppError::Forbidden.into());
    }
    let Some(session_hash) = ctx.session_hash.clone() else { return Err(AppError::Forbidden.into()) };
    let now = state.now();
    let target = target.trim();
    let mut tx = state.db.begin().await?;
    if target.is_empty() {
        session::set_acting_for(&mut tx, &session_hash, None).await?;
        if let Some(was) = ctx.acting_for() {
            audit::record(
                &mut tx,
                now,
                AuditEntry::new(Some(user.id), "shared.switched_back", "user", Some(was)).for_shared(Some(was)),
            )
            .await?;
        }
        tx.commit().await?;
        leptos_axum::redirect("/mon-compte");
        return Ok(Outcome::ok());
    }
    let account: i64 = target.parse().map_err(|_| AppError::Forbidden)?;
    let acting = shared::acting(&state.db, account, user.id).await?.ok_or(AppError::Forbidden)?;
    session::set_acting_for(&mut tx, &session_hash, Some(acting.account_id)).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "shared.switched", "user", Some(acting.account_id))
            .for_shared(Some(acting.account_id)),
    )
    .await?;
    tx.commit().await?;
    // Land where the shared account's rights lead.
    let rights = pro::access_of(&state.db, acting.account_id).await?.map(|a| a.rights).unwrap_or_default();
    leptos_axum::redirect(if rights.results {
        "/resultats"
    } else if rights.invoices {
        "/factures"
    } else {
        "/comptes-partages"
    });
    Ok(Outcome::ok())
}

/// The caller's role on a shared account that is validated and active, or `Forbidden`
/// (not a member, or an id that does not exist).
async fn member_role(
    state: &AppState,
    user: &CurrentUser,
    shared_id: i64,
) -> FlowResult<(shared::SharedRow, SharedRole)> {
    let row = shared::find(&state.db, shared_id).await?.ok_or(AppError::Forbidden)?;
    let role = shared::role_of(&state.db, shared_id, user.id).await?.ok_or(AppError::Forbidden)?;
    let Some(account) = row.user_id else { return Err(AppError::Forbidden.into()) };
    let account = accounts::find_by_id(&state.db, account).await?.ok_or(AppError::Forbidden)?;
    if account.status != AccountStatus::Active {
        return Err(AppError::Forbidden.into());
    }
    Ok((row, role))
}

/// Invites a professional of the structure, by address, to join a shared account (managers
/// and the responsible). The same answer whether or not the address has an account; an
/// eligible account is told by e-mail and confirms from its own account.
#[tracing::instrument(skip_all)]
pub async fn invite(state: &AppState, ctx: &RequestContext, shared_id: i64, email: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = require_professional(ctx)?;
    let (row, role) = member_role(state, &user, shared_id).await?;
    if !role.manages_members() {
        return Err(AppError::Forbidden.into());
    }
    let email = match Email::parse(email) {
        Ok(e) => e,
        Err(x) => return Ok(Outcome::invalid(vec![("email".into(), x.message(lang).into())], lang)),
    };
    limits::check(state, LimitedAction::SharedInvite { user_id: user.id }).await?;
    let now = state.now();
    let answer = Outcome::notice(
        NoticeKind::Success,
        match lang {
            Lang::Fr => format!(
                "Invitation enregistrée pour {} : si cette adresse est celle d'un compte professionnel de votre structure, la personne la confirme depuis son propre compte.",
                email.as_str()
            ),
            Lang::En => format!(
                "Invitation recorded for {}: if this address is that of a professional account of your structure, the person confirms it from their own account.",
                email.as_str()
            ),
        },
    );
    let invitee = accounts::find_by_email_key(&state.db, &email.key()).await?;
    let already_member = match &invitee {
        Some(u) => shared::role_of(&state.db, shared_id, u.id).await?.is_some(),
        None => false,
    };
    if already_member {
        return Ok(answer);
    }
    let mut tx = state.db.begin().await?;
    let created =
        shared::invite(&mut tx, shared_id, email.as_str(), &email.key(), user.id, now, now + INVITATION_VALIDITY)
            .await?;
    if created {
        audit::record(
            &mut tx,
            now,
            AuditEntry::new(Some(user.id), "shared.member_invited", "shared_account", Some(shared_id)),
        )
        .await?;
        if let Some(u) = invitee.filter(|u| u.kind == UserKind::Professional && u.status == AccountStatus::Active) {
            let same_structure =
                pro::access_of(&state.db, u.id).await?.is_some_and(|a| a.structure_id == row.structure_id);
            if same_structure {
                let mail = emails::invited(
                    u.language(),
                    &u.email,
                    &u.first_name,
                    &row.description,
                    &user.display_name(),
                    &state.settings.url("/comptes-partages"),
                );
                outbox::enqueue(&mut tx, &mail, now).await?;
            }
        }
    }
    tx.commit().await?;
    state.wake_mailer();
    Ok(answer)
}

/// Withdraws an open invitation (managers).
#[tracing::instrument(skip_all)]
pub async fn cancel_invitation(
    state: &AppState,
    ctx: &RequestContext,
    shared_id: i64,
    invitation_id: i64,
) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = require_professional(ctx)?;
    let (_, role) = member_role(state, &user, shared_id).await?;
    if !role.manages_members() {
        return Err(AppError::Forbidden.into());
    }
    let now = state.now();
    let mut tx = state.db.begin().await?;
    if !shared::cancel(&mut tx, invitation_id, shared_id, now).await? {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t("Cette invitation n'est plus en attente.", "This invitation is no longer pending."),
        ));
    }
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "shared.invitation_cancelled", "shared_account", Some(shared_id)),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::notice(NoticeKind::Success, lang.t("L'invitation est retirée.", "The invitation is withdrawn.")))
}

/// Accepts or declines an invitation to one's own address. Accepting needs an active
/// professional account of the shared account's structure.
#[tracing::instrument(skip_all)]
pub async fn answer_invitation(
    state: &AppState,
    ctx: &RequestContext,
    invitation_id: i64,
    accept: bool,
) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = require_professional(ctx)?;
    let me = accounts::find_by_id(&state.db, user.id).await?.ok_or(AppError::Forbidden)?;
    let key = me.email.to_lowercase();
    let now = state.now();
    let open = shared::invitations_for(&state.db, &key, now).await?;
    let invitation = open.into_iter().find(|i| i.id == invitation_id).ok_or(AppError::Forbidden)?;
    let my_structure = pro::access_of(&state.db, user.id).await?.map(|a| a.structure_id);
    if accept && my_structure != Some(invitation.structure_id) {
        return Ok(Outcome::notice(
            NoticeKind::Error,
            lang.t(
                "Ce compte partagé appartient à une autre structure que la vôtre : vous ne pouvez pas le rejoindre.",
                "This shared account belongs to another structure than yours: you cannot join it.",
            ),
        ));
    }
    let mut tx = state.db.begin().await?;
    let Some(shared_id) = shared::answer(&mut tx, invitation_id, &key, accept, now).await? else {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t("Cette invitation n'est plus en attente.", "This invitation is no longer pending."),
        ));
    };
    if accept {
        shared::add_member(&mut tx, shared_id, user.id, SharedRole::Member, None, now).await?;
    }
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(
            Some(user.id),
            if accept { "shared.member_joined" } else { "shared.invitation_declined" },
            "shared_account",
            Some(shared_id),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::notice(
        NoticeKind::Success,
        if accept {
            match lang {
                Lang::Fr => format!(
                    "Vous êtes membre du compte partagé « {} » : passez dessus avec « Changer de compte » dans l'en-tête.",
                    invitation.description
                ),
                Lang::En => format!(
                    "You are a member of the shared account “{}”: switch to it with “Switch account” in the header.",
                    invitation.description
                ),
            }
        } else {
            lang.t("L'invitation est déclinée.", "The invitation is declined.").to_string()
        },
    ))
}

/// Removes a member (managers; never the responsible, never oneself: one leaves instead).
#[tracing::instrument(skip_all)]
pub async fn remove_member(state: &AppState, ctx: &RequestContext, shared_id: i64, member: i64) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = require_professional(ctx)?;
    let (row, role) = member_role(state, &user, shared_id).await?;
    let target = shared::role_of(&state.db, shared_id, member).await?.ok_or(AppError::Forbidden)?;
    if member == user.id || !role.may_remove(target) {
        return Err(AppError::Forbidden.into());
    }
    let now = state.now();
    let mut tx = state.db.begin().await?;
    if !shared::remove_member(&mut tx, shared_id, member).await? {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t("Cette personne n'est déjà plus membre.", "This person is already no longer a member."),
        ));
    }
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "shared.member_removed", "shared_account", Some(shared_id))
            .with(serde_json::json!({ "user_id": member })),
    )
    .await?;
    if let Some(u) = accounts::find_in(&mut tx, member).await? {
        outbox::enqueue(&mut tx, &emails::removed(u.language(), &u.email, &u.first_name, &row.description), now)
            .await?;
    }
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Le membre est retiré : il n'a plus accès au compte partagé.",
            "The member is removed: they no longer reach the shared account.",
        ),
    ))
}

/// Leaves a shared account (any member but the responsible, who hands over first).
#[tracing::instrument(skip_all)]
pub async fn leave(state: &AppState, ctx: &RequestContext, shared_id: i64) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = require_professional(ctx)?;
    let (_, role) = member_role(state, &user, shared_id).await?;
    if role == SharedRole::Responsible {
        return Ok(Outcome::notice(
            NoticeKind::Error,
            lang.t(
                "Vous êtes le responsable de ce compte partagé : confiez d'abord la responsabilité à un autre membre.",
                "You are this shared account's responsible: hand the responsibility to another member first.",
            ),
        ));
    }
    let now = state.now();
    let mut tx = state.db.begin().await?;
    shared::remove_member(&mut tx, shared_id, user.id).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "shared.member_left", "shared_account", Some(shared_id)),
    )
    .await?;
    tx.commit().await?;
    leptos_axum::redirect("/comptes-partages");
    Ok(Outcome::ok())
}

/// Makes a member a manager, or a manager a member again (the responsible only).
#[tracing::instrument(skip_all)]
pub async fn set_manager(
    state: &AppState,
    ctx: &RequestContext,
    shared_id: i64,
    member: i64,
    manager: bool,
) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = require_professional(ctx)?;
    let (_, role) = member_role(state, &user, shared_id).await?;
    if role != SharedRole::Responsible || member == user.id {
        return Err(AppError::Forbidden.into());
    }
    shared::role_of(&state.db, shared_id, member).await?.ok_or(AppError::Forbidden)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    if !shared::set_manager(&mut tx, shared_id, member, manager).await? {
        return Ok(Outcome::notice(NoticeKind::Info, lang.t("Rien n'a changé.", "Nothing changed.")));
    }
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "shared.manager_set", "shared_account", Some(shared_id))
            .with(serde_json::json!({ "user_id": member, "manager": manager })),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::notice(
        NoticeKind::Success,
        if manager {
            lang.t(
                "Ce membre peut désormais ajouter et retirer des membres.",
                "This member can now add and remove members.",
            )
        } else {
            lang.t("Ce membre n'est plus gestionnaire.", "This member is no longer a manager.")
        },
    ))
}

/// Who hands over a shared account's responsibility.
pub enum HandOverBy {
    /// The responsible themself.
    Responsible,
    /// Support, from the admin console.
    Support,
}

/// Hands the responsibility of a shared account to another member, with their profession
/// and RPPS identifier: the one rule for the responsible's hand-over and support's change.
#[tracing::instrument(skip_all)]
pub async fn change_responsible(
    state: &AppState,
    ctx: &RequestContext,
    by: HandOverBy,
    shared_id: i64,
    member: i64,
    profession: &str,
    rpps: &str,
) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let actor = match by {
        HandOverBy::Responsible => {
            let user = require_professional(ctx)?;
            let (_, role) = member_role(state, &user, shared_id).await?;
            if role != SharedRole::Responsible || member == user.id {
                return Err(AppError::Forbidden.into());
            }
            user
        }
        HandOverBy::Support => {
            let agent = require_support(ctx)?;
            shared::find(&state.db, shared_id).await?.ok_or(AppError::Forbidden)?;
            agent
        }
    };
    let target = shared::role_of(&state.db, shared_id, member).await?.ok_or(AppError::Forbidden)?;
    if target == SharedRole::Responsible {
        return Ok(Outcome::notice(
            NoticeKind::Info,
            lang.t("Cette personne est déjà le responsable.", "This person already is the responsible."),
        ));
    }
    let mut e = FieldErrors::default();
    let profession = Profession::parse(profession);
    if profession.is_none() {
        e.add(
            "profession",
            lang.t("Choisissez la profession du nouveau responsable.", "Choose the new responsible's profession."),
        );
    }
    let rpps = match profession {
        Some(p) if p.has_rpps() => e.check("rpps", parse_rpps(rpps), |x| x.rpps_message(lang).into()).map(Some),
        _ if rpps.trim().is_empty() => Some(None),
        _ => e.check("rpps", parse_rpps(rpps), |x| x.rpps_message(lang).into()).map(Some),
    };
    let (Some(profession), Some(rpps)) = (profession, rpps) else { return Ok(Outcome::invalid(e.0, lang)) };
    let person = accounts::find_by_id(&state.db, member).await?.ok_or(AppError::Forbidden)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    if !shared::hand_over(&mut tx, shared_id, member).await? {
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t("Cette personne n'est plus membre.", "This person is no longer a member."),
        ));
    }
    shared::set_responsible_identity(
        &mut tx,
        shared_id,
        &person.last_name,
        &person.first_name,
        profession,
        rpps.as_deref(),
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(actor.id), "shared.responsible_changed", "shared_account", Some(shared_id))
            .with(serde_json::json!({ "user_id": member })),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::notice(
        NoticeKind::Success,
        match lang {
            Lang::Fr => {
                format!("{} {} est désormais le responsable du compte partagé.", person.first_name, person.last_name)
            }
            Lang::En => format!("{} {} is now the shared account's responsible.", person.first_name, person.last_name),
        },
    ))
}
