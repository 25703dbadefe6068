//! The owner of `audit_log`: who did what, when, to what, and what changed. Written in the
//! same transaction as the change it records, so the two can never disagree.

use super::db::Tx;
use serde_json::Value;

/// One line of the audit log.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// The user who acted; `None` for the system (scheduler, CLI) or an anonymous visitor.
    pub actor: Option<i64>,
    /// What happened, e.g. `request.approved`.
    pub action: &'static str,
    /// The kind of thing acted on, e.g. `access_request`, `user`.
    pub subject_type: &'static str,
    /// Its id.
    pub subject_id: Option<i64>,
    /// What changed (before/after, reason…), as JSON.
    pub details: Value,
    /// The shared account the actor acted for, if any. When not set, [`record`] takes the
    /// one of the current request: whatever a person does while switched to a shared
    /// account is recorded as theirs, for that account.
    pub acting_for: Option<i64>,
}

impl AuditEntry {
    /// An entry with no details.
    pub fn new(actor: Option<i64>, action: &'static str, subject_type: &'static str, subject_id: Option<i64>) -> Self {
        AuditEntry {
            actor,
            action,
            subject_type,
            subject_id,
            details: Value::Object(Default::default()),
            acting_for: None,
        }
    }

    /// The same entry, done for a shared account.
    pub fn for_shared(mut self, account: Option<i64>) -> Self {
        self.acting_for = account;
        self
    }

    /// The same entry with details.
    pub fn with(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}

/// Writes an entry inside the caller's transaction.
pub async fn record(tx: &mut Tx, now: i64, entry: AuditEntry) -> Result<(), sqlx::Error> {
    let acting_for = entry.acting_for.or_else(|| {
        let ctx = super::request_context();
        // Only for the person who is acting (not, say, the system on their request).
        ctx.acting_for().filter(|_| entry.actor.is_some() && entry.actor == ctx.user.as_ref().map(|u| u.id))
    });
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, action, subject_type, subject_id, details, acting_for) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now)
    .bind(entry.actor)
    .bind(entry.action)
    .bind(entry.subject_type)
    .bind(entry.subject_id)
    .bind(entry.details.to_string())
    .bind(acting_for)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// One line read back, for history views. The actor's name says, between brackets, the
/// shared account they acted for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    /// When.
    pub at: i64,
    /// Who (user id), if a user.
    pub actor_user_id: Option<i64>,
    /// Actor's name at read time, if a user.
    pub actor_name: Option<String>,
    /// What happened.
    pub action: String,
    /// Details as JSON text.
    pub details: String,
}

/// The history of one subject, oldest first.
pub async fn history(db: &super::db::Db, subject_type: &str, subject_id: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as::<_, AuditRow>(
        "SELECT a.at, a.actor_user_id, \
                CASE WHEN u.id IS NULL THEN NULL WHEN f.id IS NULL THEN u.first_name || ' ' || u.last_name \
                     ELSE u.first_name || ' ' || u.last_name || ' (' || f.last_name || ')' END AS actor_name, \
                a.action, a.details \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id LEFT JOIN users f ON f.id = a.acting_for \
         WHERE a.subject_type = $1 AND a.subject_id = $2 ORDER BY a.id",
    )
    .bind(subject_type)
    .bind(subject_id)
    .fetch_all(db.pool())
    .await
}

/// What an audit action means, as a sentence in the reader's language (history views show
/// sentences, not keys). Unknown keys are shown as they are.
pub fn describe(action: &str, lang: crate::i18n::Lang) -> String {
    let (fr, en) = match action {
        "account.signed_up" => ("Compte créé", "Account created"),
        "support.document_history" => ("Historique d'un document consulté", "Document history viewed"),
        "account.email_verified" => ("Adresse e-mail confirmée", "E-mail address confirmed"),
        "account.signed_in" => ("Connexion", "Signed in"),
        "account.password_checked" => {
            ("Mot de passe vérifié, second facteur demandé", "Password checked, second factor asked")
        }
        "account.password_reset" => ("Mot de passe réinitialisé par lien", "Password reset by link"),
        "account.password_changed" => ("Mot de passe changé", "Password changed"),
        "account.reset_requested" => ("Lien de réinitialisation demandé", "Reset link asked for"),
        "account.sessions_ended" => ("Sessions fermées", "Sessions ended"),
        "account.activated" => ("Compte activé", "Account activated"),
        "account.deactivated" => ("Compte désactivé", "Account deactivated"),
        "account.reactivated" => ("Compte réactivé", "Account reactivated"),
        "account.identity_changed" => ("Nom, prénom ou fonction modifiés", "Name or job title changed"),
        "account.email_change_requested" => ("Changement d'adresse e-mail demandé", "E-mail address change asked"),
        "account.email_changed" => ("Adresse e-mail changée", "E-mail address changed"),
        "account.unverified_removed" => ("Inscription non confirmée supprimée", "Unconfirmed sign-up removed"),
        "invitation.sent" => ("Invitation envoyée", "Invitation sent"),
        "invitation.resent" => ("Invitation renvoyée", "Invitation sent again"),
        "invitation.reminded" => ("Relance d'invitation envoyée", "Invitation reminder sent"),
        "invitation.expired" => ("Invitation expirée", "Invitation expired"),
        "invitation.accepted" => ("Invitation acceptée", "Invitation accepted"),
        "second_factor.enabled" => ("Authentification à deux facteurs activée", "Two-factor authentication turned on"),
        "second_factor.disabled" => {
            ("Authentification à deux facteurs désactivée", "Two-factor authentication turned off")
        }
        "second_factor.reset" => ("Second facteur réinitialisé", "Second factor reset"),
        "second_factor.recovery_code_used" => ("Code de secours utilisé", "Recovery code used"),
        "access.changed" => ("Droits modifiés", "Rights changed"),
        "access.withdrawn" => ("Droits retirés", "Rights withdrawn"),
        "access_code.issued" => ("Code d'accès provisoire envoyé", "Provisional access code sent"),
        "access_code.reissued" => ("Nouveau code d'accès provisoire envoyé", "New provisional access code sent"),
        "request.created" => ("Demande d'accès envoyée", "Access request sent"),
        "request.approved" => ("Demande approuvée", "Request approved"),
        "request.validated" => ("Demande validée par le support", "Request validated by support"),
        "request.activated" => ("Compte activé par la première connexion", "Account activated at first sign-in"),
        "request.refused_by_approver" => ("Demande refusée par l'approbateur", "Request refused by the approver"),
        "request.refused_by_support" => ("Demande refusée par le support", "Request refused by support"),
        "record.linked" => ("Dossier rattaché", "Record linked"),
        "record.link_review" => ("Rattachement transmis au laboratoire", "Link sent to the lab for review"),
        "record.review_linked" => ("Rattachement confirmé par le laboratoire", "Link confirmed by the lab"),
        "record.review_refused" => ("Rattachement refusé par le laboratoire", "Link refused by the lab"),
        "approver.delegated" => ("Approbateur désigné", "Approver designated"),
        "approver.revoked" => ("Délégation d'approbation retirée", "Approver delegation withdrawn"),
        "site.migrated" => ("Site passé sur Sésame", "Site moved to Sésame"),
        "shared.code_sent" => ("Code de création de compte partagé envoyé", "Shared-account creation code sent"),
        "shared.code_confirmed" => {
            ("Code de création de compte partagé confirmé", "Shared-account creation code confirmed")
        }
        "shared.requested" => ("Compte partagé demandé", "Shared account requested"),
        "shared.address_confirmed" => ("Adresse du compte partagé confirmée", "Shared account's address confirmed"),
        "shared.validated" => ("Compte partagé créé", "Shared account created"),
        "shared.switched" => ("Passage sur le compte partagé", "Switched to the shared account"),
        "shared.switched_back" => ("Retour au compte individuel", "Switched back to the individual account"),
        "shared.member_invited" => ("Membre invité", "Member invited"),
        "shared.invitation_cancelled" => ("Invitation retirée", "Invitation withdrawn"),
        "shared.member_joined" => ("Membre ajouté (invitation acceptée)", "Member added (invitation accepted)"),
        "shared.invitation_declined" => ("Invitation déclinée", "Invitation declined"),
        "shared.member_removed" => ("Membre retiré", "Member removed"),
        "shared.member_left" => ("Membre parti", "Member left"),
        "shared.manager_set" => ("Rôle de gestionnaire modifié", "Manager role changed"),
        "shared.responsible_changed" => ("Responsable changé", "Responsible changed"),
        "results.patient_search" => ("Recherche de patient par NIR", "Patient search by NIR"),
        "record.code_reissued" => ("Nouveau code d'activation émis", "New activation code issued"),
        "front_desk.search" => ("Recherche de dossier à l'accueil", "Record search at the front desk"),
        "help.message_written" => ("Message écrit au support", "Message written to support"),
        "help.message_confirmed" => ("Message au support confirmé", "Message to support confirmed"),
        "help.replied" => ("Réponse du support envoyée", "Support's answer sent"),
        "help.closed" => ("Message au support clos", "Message to support closed"),
        "help.address_reminded" => ("Rappel de l'adresse du compte envoyé", "Account address reminder sent"),
        "profile.removed" => ("Profil retiré du compte", "Profile removed from the account"),
        "account.data_exported" => ("Données personnelles téléchargées", "Personal data downloaded"),
        "account.data_export_requested" => ("Fichier de données personnelles demandé", "Personal data file requested"),
        "account.data_export_ready" => ("Fichier de données personnelles prêt", "Personal data file ready"),
        "account.data_export_downloaded" => {
            ("Fichier de données personnelles téléchargé", "Personal data file downloaded")
        }
        "account.deleted" => ("Compte supprimé par son titulaire", "Account deleted by its holder"),
        other => return other.to_string(),
    };
    lang.t(fr, en).to_string()
}

/// The details of an audit line as a sentence (states, reasons, rights, sessions), for
/// history views; technical identifiers are left out.
pub fn describe_details(details: &str, lang: crate::i18n::Lang) -> String {
    use crate::domain::access_request::{RequestState, Rights};
    use crate::domain::account::AccountStatus;
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<Value>(details) else { return String::new() };
    let state = |v: &Value| -> String {
        let s = v.as_str().unwrap_or_default();
        AccountStatus::parse(s)
            .map(|a| a.label(lang).to_string())
            .or_else(|| RequestState::parse(s).map(|r| r.label(lang).to_string()))
            .unwrap_or_else(|| s.to_string())
    };
    let rights = |v: &Value| {
        Rights { results: v["results"].as_bool().unwrap_or(false), invoices: v["invoices"].as_bool().unwrap_or(false) }
            .describe(lang)
    };
    let mut parts = Vec::new();
    if let (Some(from), Some(to)) = (map.get("from").filter(|v| !v.is_null()), map.get("to")) {
        parts.push(format!("{} → {}", state(from), state(to)));
    }
    if let Some(reason) = map.get("reason").and_then(Value::as_str) {
        parts.push(format!("{}{reason}", lang.t("motif : ", "reason: ")));
    }
    if let Some(r) = map.get("rights") {
        if r.get("after").is_some() {
            parts.push(format!(
                "{}{} → {}",
                lang.t("droits : ", "rights: "),
                rights(&r["before"]),
                rights(&r["after"])
            ));
        } else {
            parts.push(format!("{}{}", lang.t("droits : ", "rights: "), rights(r)));
        }
    }
    for key in ["sessions_ended", "sessions_revoked"] {
        if let Some(n) = map.get(key).and_then(Value::as_i64) {
            parts.push(match lang {
                crate::i18n::Lang::Fr => format!("{n} session(s) fermée(s)"),
                crate::i18n::Lang::En => format!("{n} session(s) ended"),
            });
        }
    }
    if let Some(n) = map.get("reminder").and_then(Value::as_i64) {
        parts.push(format!("{}{n}/3", lang.t("relance ", "reminder ")));
    }
    if let Some(n) = map.get("request_id").and_then(Value::as_i64) {
        parts.push(format!("{}{n}", lang.t("demande n° ", "request no. ")));
    }
    parts.join(" · ")
}

/// Actions taken on a user's account by someone else (support, an administrator, an
/// approver), newest first, for the account holder's own view.
pub async fn by_others_on(db: &super::db::Db, user_id: i64, since: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as::<_, AuditRow>(
        "SELECT a.at, a.actor_user_id, CAST(NULL AS TEXT) AS actor_name, a.action, a.details \
         FROM audit_log a \
         WHERE a.subject_type = 'user' AND a.subject_id = $1 AND a.actor_user_id IS NOT NULL \
           AND a.actor_user_id <> $1 AND a.at >= $2 \
         ORDER BY a.id DESC LIMIT 50",
    )
    .bind(user_id)
    .bind(since)
    .fetch_all(db.pool())
    .await
}

/// Every line about a person: what they did, and what was done to their account, newest
/// first (support's view of a message's writer, the export of one's own data).
pub async fn about_user(db: &super::db::Db, user_id: i64, limit: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as::<_, AuditRow>(
        "SELECT a.at, a.actor_user_id, CAST(NULL AS TEXT) AS actor_name, a.action, a.details \
         FROM audit_log a \
         WHERE a.actor_user_id = $1 OR (a.subject_type = 'user' AND a.subject_id = $1) \
         ORDER BY a.id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

/// Deletes audit lines older than `before`, except those about health documents, which
/// stay as long as the documents (retention).
pub async fn purge(db: &super::db::Db, before: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM audit_log WHERE at < $1 AND subject_type NOT IN ('report', 'invoice', 'document')")
        .bind(before)
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn details_read_as_sentences() {
        let d = r#"{"from":"invitation_sent","to":"active","reason":"Départ","sessions_ended":2,"request_id":7}"#;
        assert_eq!(
            describe_details(d, Lang::Fr),
            "Invitation envoyée → Actif · motif : Départ · 2 session(s) fermée(s) · demande n° 7"
        );
        assert_eq!(describe_details("{}", Lang::En), "");
        assert_eq!(describe_details("not json", Lang::En), "");
    }

    #[test]
    fn actions_read_as_sentences() {
        assert_eq!(describe("account.signed_up", Lang::Fr), "Compte créé");
        assert_eq!(describe("second_factor.reset", Lang::En), "Second factor reset");
        assert_eq!(describe("something.new", Lang::Fr), "something.new");
    }
}
