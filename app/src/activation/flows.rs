//! Linking a patient record to an account with its activation code.
//!
//! The code and the patient's birth date must both match; then the patient's name is
//! compared tolerantly with the account holder's (for their own record) or with the name
//! typed (for a child or a dependent). A name that does not match sends the link to the
//! lab's review instead of refusing it. Attempts are counted first, per account, per client
//! and per code; wrong codes across the whole service slow answers down without refusing
//! anyone; the answer never says whether a code exists.

use super::store::{self as records, CodeMatch};
use crate::accounts::store as accounts;
use crate::domain::account::{AccountStatus, UserKind};
use crate::domain::activation_code::ActivationCode;
use crate::domain::date::Date;
use crate::domain::names::parse_name;
use crate::domain::names::{RecordedIdentity, identity_matches};
use crate::error::{AppError, FlowResult};
use crate::form::{FieldErrors, NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::limits::{self, LimitedAction};
use crate::platform::mail::outbox;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};

/// How long wrong-code answers are held back while the whole service sees an unusual
/// number of wrong codes (an attack spread over many clients): a slowdown for everyone,
/// never a refusal that one attacker could switch on for every patient.
pub const GLOBAL_SLOWDOWN: std::time::Duration = std::time::Duration::from_secs(3);

/// Whose record the person is linking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// Their own.
    Myself,
    /// Their child.
    Child,
    /// A person they care for.
    Dependent,
}

impl Relation {
    /// Reads the form value.
    pub fn parse(s: &str) -> Self {
        match s {
            "child" => Relation::Child,
            "dependent" => Relation::Dependent,
            _ => Relation::Myself,
        }
    }

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Myself => "self",
            Relation::Child => "child",
            Relation::Dependent => "dependent",
        }
    }
}

/// What the activation form sends.
pub struct ActivationInput {
    /// The code as typed.
    pub code: String,
    /// The patient's birth date as typed.
    pub birth_date: String,
    /// self | child | dependent.
    pub relation: String,
    /// Patient's last name (for a child or dependent).
    pub patient_last_name: String,
    /// Patient's first name (for a child or dependent).
    pub patient_first_name: String,
    /// "C'est bien mon dossier": the person confirmed it is their own record, though its
    /// birth date is that of someone much younger.
    pub confirm_self: bool,
}

fn not_found(lang: Lang) -> Outcome {
    Outcome {
        field_errors: vec![(
            "code".into(),
            lang.t(
                "Ce code et cette date de naissance ne correspondent à aucun dossier. Vérifiez-les sur le compte rendu.",
                "This code and date of birth match no record. Check them on the report.",
            )
            .into(),
        )],
        notice: Some((
            NoticeKind::Error,
            lang.t(
                "Le code d'activation ou la date de naissance ne correspond pas. Vérifiez les deux sur le compte rendu : la date est celle du patient concerné (votre enfant, par exemple), pas la vôtre.",
                "The activation code or the date of birth does not match. Check both on the report: the date is the patient's (your child's, for example), not yours.",
            )
            .into(),
        )),
        // The way forward: what else to check, then writing to support.
        follow_up: Some((
            "/aide?sujet=code-refuse".into(),
            lang.t("Mon code d'activation est refusé : que faire ?", "My activation code is refused: what to do?").into(),
        )),
        ..Outcome::default()
    }
}

fn limited_outcome(lang: Lang, secs: u64) -> Outcome {
    let message = match lang {
        Lang::Fr => format!(
            "Trop de codes erronés : par sécurité, la saisie est suspendue. Réessayez dans {}. Si le code de votre compte rendu est refusé, votre laboratoire peut vous en donner un nouveau.",
            crate::domain::duration::human_fr(secs)
        ),
        Lang::En => format!(
            "Too many wrong codes: for safety, entry is paused. Try again in {}. If the code on your report is refused, your lab can give you a new one.",
            crate::domain::duration::human_en(secs)
        ),
    };
    Outcome::notice(NoticeKind::Warn, message)
}

/// Links the record of a code to the signed-in patient.
#[tracing::instrument(skip_all)]
pub async fn activate(state: &AppState, ctx: &RequestContext, input: ActivationInput) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = &ctx.require_user()?;
    if user.kind != UserKind::Patient || user.status != AccountStatus::Active {
        return Err(AppError::Forbidden.into());
    }
    let relation = Relation::parse(&input.relation);
    let mut errors = FieldErrors::default();
    let code = errors.check("code", ActivationCode::parse(&input.code), |e| e.message(lang));
    let birth = errors
        .check("birth_date", Date::parse_birth_date(&input.birth_date, state.today()), |e| e.message(lang).into());
    let typed_names = if relation == Relation::Myself {
        None
    } else {
        let last = errors.check(
            "patient_last_name",
            parse_name(
                &input.patient_last_name,
                lang,
                ("Indiquez le nom du patient.", "Enter the patient's last name."),
            ),
            |e| e,
        );
        let first = errors.check(
            "patient_first_name",
            parse_name(
                &input.patient_first_name,
                lang,
                ("Indiquez le prénom du patient.", "Enter the patient's first name."),
            ),
            |e| e,
        );
        last.zip(first)
    };
    let (Some(code), Some(birth)) = (code, birth) else {
        return Ok(Outcome::invalid(errors.0, lang));
    };
    if !errors.is_empty() {
        return Ok(Outcome::invalid(errors.0, lang));
    }
    // "Myself" with the birth date of someone much younger: most likely a child's record,
    // which would otherwise go to the lab's review for a name mismatch. Ask first.
    if relation == Relation::Myself && !input.confirm_self {
        let holder_birth = crate::accounts::store::birth_date(&state.db, user.id).await?;
        if holder_birth
            .and_then(|b| Date::parse(&b).ok())
            .is_some_and(|h| crate::domain::date::looks_like_a_child_of(birth, h))
        {
            return Ok(Outcome::invalid(vec![("relation".into(), super::islands::child_question(lang).into())], lang));
        }
    }

    // Every attempt is counted first, then decided on.
    let by_account = LimitedAction::ActivationByAccount { user_id: user.id };
    let from_client = LimitedAction::ActivationFromClient { client: &ctx.client_key };
    for action in [by_account, from_client] {
        let c = limits::count(state, action).await?;
        if c.over(action.limit()) {
            return Ok(limited_outcome(lang, c.retry_after_secs(action.limit(), state.now())));
        }
    }
    let code_hash = records::code_hash(state, &code);
    let this_code = LimitedAction::ActivationCode { code_hash: &code_hash };
    let found: Option<CodeMatch> = records::find_code(state, &code).await?;
    if found.is_some() {
        let c = limits::count(state, this_code).await?;
        if c.over(this_code.limit()) {
            return Ok(limited_outcome(lang, c.retry_after_secs(this_code.limit(), state.now())));
        }
    }
    let Some(found) = found.filter(|f| f.birth_date == birth.iso()) else {
        // Unknown code, or a known code with another birth date: the same answer.
        let everywhere = limits::count(state, LimitedAction::ActivationEverywhere).await?;
        if everywhere.over(LimitedAction::ActivationEverywhere.limit()) {
            tokio::time::sleep(GLOBAL_SLOWDOWN).await;
        }
        tracing::info!(user_id = user.id, "activation code refused");
        return Ok(not_found(lang));
    };
    limits::undo(state, by_account).await?;
    limits::undo(state, from_client).await?;
    if found.used_at.is_some() {
        let ours = found.used_by == Some(user.id);
        let message = if ours {
            lang.t(
                "Ce dossier est déjà rattaché à votre compte : retrouvez-le dans « Mon compte ».",
                "This record is already linked to your account: find it under “My account”.",
            )
        } else {
            lang.t(
                "Ce code a déjà été utilisé. Un code ne sert qu'une fois : si vous pensez qu'il s'agit d'une erreur, demandez un nouveau code à votre laboratoire.",
                "This code was already used. A code works once: if you think this is a mistake, ask your lab for a new code.",
            )
        };
        let follow = if ours {
            ("/mon-compte", lang.t("Voir mon compte", "See my account"))
        } else {
            (
                "/aide?sujet=code-deja-utilise",
                lang.t("Le code a déjà été utilisé : que faire ?", "The code was already used: what to do?"),
            )
        };
        return Ok(Outcome::notice(NoticeKind::Warn, message).with_follow_up(follow.0, follow.1));
    }

    // Whose name to compare: the account holder's for their own record, else the name typed.
    let account = accounts::find_by_id(&state.db, user.id).await?.ok_or(AppError::SignInRequired)?;
    let (typed_last, typed_first) = match &typed_names {
        Some((l, f)) => (l.clone(), f.clone()),
        None => (account.last_name.clone(), account.first_name.clone()),
    };
    let recorded = RecordedIdentity {
        last_name: &found.last_name,
        birth_name: found.birth_name.as_deref(),
        first_names: &found.first_names,
    };
    let names_match = identity_matches(&typed_last, &typed_first, &recorded);
    let status = if names_match { "linked" } else { "lab_review" };

    let now = state.now();
    let mut tx = state.db.begin().await?;
    if !records::spend_code(state, &mut tx, &code, user.id).await? {
        // Another request spent it a moment ago.
        return Ok(Outcome::notice(
            NoticeKind::Warn,
            lang.t(
                "Ce code a déjà été utilisé. Un code ne sert qu'une fois.",
                "This code was already used. A code works once.",
            ),
        )
        .with_follow_up("/mon-compte", lang.t("Voir mon compte", "See my account")));
    }
    let new_link = records::NewLink {
        user_id: user.id,
        record_id: found.record_id,
        relation: relation.as_str(),
        status,
        typed: typed_names.as_ref().map(|(l, f)| (l.as_str(), f.as_str())),
    };
    let inserted = records::link(&mut tx, &new_link, now).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(
            Some(user.id),
            if names_match { "record.linked" } else { "record.link_review" },
            "patient_record",
            Some(found.record_id),
        )
        .with(serde_json::json!({ "relation": relation.as_str(), "inserted": inserted })),
    )
    .await?;
    if !names_match {
        let mail = super::emails::review_requested(
            Lang::from_code(&account.lang),
            &account.email,
            &account.first_name,
            &state.settings.url("/mon-compte"),
        );
        outbox::enqueue(&mut tx, &mail, now).await?;
    }
    tx.commit().await?;
    limits::forget(state, this_code).await?;

    if names_match {
        leptos_axum::redirect("/mon-compte?rattache=1");
        Ok(Outcome::ok())
    } else {
        state.wake_mailer();
        Ok(Outcome::notice(
            NoticeKind::Info,
            lang.t(
                "Le code et la date de naissance sont bons, mais le nom ne correspond pas exactement à celui enregistré par le laboratoire (nom de naissance, nom composé…). Pas d'inquiétude : votre demande est transmise au laboratoire, qui la vérifiera en général sous deux jours ouvrés. Vous recevrez un e-mail dès que le dossier sera rattaché ; vous n'avez rien d'autre à faire.",
                "The code and date of birth are right, but the name does not exactly match the one the lab recorded (birth name, compound name…). No worries: your request goes to the lab, which will usually check it within two working days. You will get an e-mail once the record is linked; there is nothing else to do.",
            ),
        )
        .with_follow_up("/mon-compte", lang.t("Voir mon compte", "See my account")))
    }
}
