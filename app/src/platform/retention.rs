//! How long Sésame keeps what it holds: one table, applied by the housekeeping job and
//! printed on the privacy notice from this same source, so the two never disagree.

use super::AppState;
use super::clock::{DAY, MINUTE};
use super::db::Db;

/// Three years, the inactivity after which an account is deleted.
pub const INACTIVE_ACCOUNT: i64 = 3 * 365 * DAY;
/// The warning e-mail goes this long before an inactive account is deleted.
pub const INACTIVITY_WARNING: i64 = 30 * DAY;
/// Sign-ups never confirmed.
pub const UNVERIFIED_ACCOUNT: i64 = 7 * DAY;
/// Spent or expired links and codes.
pub const SPENT_SECRETS: i64 = 30 * DAY;
/// Audit lines (unless they concern a document still kept), delivery records of e-mails,
/// refused requests and refused record links.
pub const LOGS: i64 = 365 * DAY;
/// Names typed for a record link, once the lab has decided on it.
pub const REVIEWED_NAMES: i64 = 30 * DAY;
/// Attempt counters.
pub const COUNTERS: i64 = 31 * DAY;

/// One line of the retention table.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// What is kept (French, English).
    pub what: (&'static str, &'static str),
    /// How long, in words (French, English).
    pub how_long: (&'static str, &'static str),
    /// The period in milliseconds (0 when the rule is not a simple period).
    pub period: i64,
}

/// The retention table, as the privacy notice prints it.
pub const RULES: &[Rule] = &[
    Rule {
        what: (
            "Compte dont l'adresse e-mail n'a jamais été confirmée",
            "Account whose e-mail address was never confirmed",
        ),
        how_long: (
            "7 jours, puis suppression (l'adresse redevient libre)",
            "7 days, then deletion (the address is free again)",
        ),
        period: UNVERIFIED_ACCOUNT,
    },
    Rule {
        what: ("Compte inutilisé (aucune connexion)", "Unused account (no sign-in)"),
        how_long: (
            "3 ans ; un e-mail prévient 30 jours avant la suppression du compte et de ses rattachements",
            "3 years; an e-mail warns 30 days before the account and its links are deleted",
        ),
        period: INACTIVE_ACCOUNT,
    },
    Rule {
        what: ("Liens et codes envoyés (utilisés ou expirés)", "Links and codes sent (used or expired)"),
        how_long: ("30 jours", "30 days"),
        period: SPENT_SECRETS,
    },
    Rule {
        what: ("Journaux de sécurité et de traçabilité", "Security and audit logs"),
        how_long: (
            "1 an, sauf ceux qui concernent un compte rendu encore conservé (gardés aussi longtemps que lui)",
            "1 year, except those about a report still kept (kept as long as it is)",
        ),
        period: LOGS,
    },
    Rule {
        what: ("Contenu des e-mails", "Content of e-mails"),
        how_long: (
            "effacé dès l'envoi (ou l'échec définitif) ; la trace de l'envoi, sans adresse ni contenu, 1 an",
            "erased once sent (or finally failed); the record of the sending, with no address or content, 1 year",
        ),
        period: LOGS,
    },
    Rule {
        what: (
            "Noms saisis pour rattacher un dossier, après la décision du laboratoire",
            "Names typed to link a record, after the lab's decision",
        ),
        how_long: ("30 jours ; un rattachement refusé, 1 an", "30 days; a refused link, 1 year"),
        period: REVIEWED_NAMES,
    },
    Rule {
        what: ("Demandes d'accès professionnelles refusées", "Refused professional access requests"),
        how_long: ("1 an", "1 year"),
        period: LOGS,
    },
    Rule {
        what: ("Sessions de connexion", "Sign-in sessions"),
        how_long: (
            "30 minutes d'inactivité, 12 heures au plus (30 jours sur un appareil mémorisé)",
            "30 minutes idle, 12 hours at most (30 days on a remembered device)",
        ),
        period: 30 * MINUTE,
    },
    Rule {
        what: ("Compteurs de tentatives (limites de sécurité)", "Attempt counters (security limits)"),
        how_long: ("31 jours", "31 days"),
        period: COUNTERS,
    },
];

/// What one retention pass removed, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    /// Unconfirmed sign-ups deleted.
    pub unverified: u64,
    /// Inactive accounts warned.
    pub warned: u64,
    /// Inactive accounts deleted.
    pub inactive: u64,
    /// Spent links and codes deleted.
    pub secrets: u64,
    /// Audit lines deleted.
    pub audit: u64,
    /// Delivery records of e-mails deleted.
    pub outbox: u64,
    /// Record links cleaned (typed names erased) or deleted.
    pub links: u64,
    /// Refused requests deleted.
    pub requests: u64,
}

async fn exec(db: &Db, sql: &str, before: i64) -> Result<u64, sqlx::Error> {
    sqlx::query(sql).bind(before).execute(db.pool()).await.map(|r| r.rows_affected())
}

/// Applies every period of the table once, at the state's clock.
pub async fn apply(state: &AppState) -> Result<Purged, sqlx::Error> {
    let db = &state.db;
    let now = state.now();
    let mut p = Purged {
        unverified: crate::accounts::service::purge_unverified(db, now - UNVERIFIED_ACCOUNT).await?,
        ..Purged::default()
    };
    let (warned, deleted) = crate::accounts::inactivity::apply(state).await?;
    p.warned = warned;
    p.inactive = deleted;
    let spent = now - SPENT_SECRETS;
    p.secrets =
        exec(db, "DELETE FROM email_tokens WHERE (used_at IS NOT NULL OR expires_at < $1) AND created_at < $1", spent)
            .await?
            + exec(
                db,
                "DELETE FROM access_codes WHERE (used_at IS NOT NULL OR expires_at < $1) AND created_at < $1",
                spent,
            )
            .await?
            + exec(db, "DELETE FROM one_time_codes WHERE expires_at < $1", spent).await?
            + exec(db, "DELETE FROM recovery_codes WHERE used_at IS NOT NULL AND used_at < $1", spent).await?;
    // Audit lines about documents stay as long as the documents (see the lab interface).
    p.audit = exec(
        db,
        "DELETE FROM audit_log WHERE at < $1 AND subject_type NOT IN ('report', 'invoice', 'document')",
        now - LOGS,
    )
    .await?;
    p.outbox = exec(
        db,
        "DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at < $1) OR (failed_at IS NOT NULL AND failed_at < $1)",
        now - LOGS,
    )
    .await?;
    p.links = exec(
        db,
        "UPDATE record_links SET typed_last_name = NULL, typed_first_name = NULL \
         WHERE reviewed_at IS NOT NULL AND reviewed_at < $1 AND (typed_last_name IS NOT NULL OR typed_first_name IS NOT NULL)",
        now - REVIEWED_NAMES,
    )
    .await?
        + exec(db, "DELETE FROM record_links WHERE status = 'rejected' AND reviewed_at < $1", now - LOGS).await?;
    p.requests =
        exec(db, "DELETE FROM access_requests WHERE state = 'refused' AND updated_at < $1", now - LOGS).await?;
    Ok(p)
}
