//! How long Sésame keeps what it holds: one table, applied by the housekeeping job and
//! printed on the privacy notice from this same source, so the two never disagree.

use super::AppState;
use super::clock::{DAY, MINUTE};

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
/// A person's data export built in the background, once ready.
pub const DATA_EXPORT: i64 = 7 * DAY;
/// Messages to support, once closed (and their replies).
pub const SUPPORT_MESSAGES: i64 = 365 * DAY;
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
        what: ("Messages écrits au support", "Messages written to support"),
        how_long: (
            "1 an après leur clôture, avec les réponses ; non confirmés, effacés quand le lien expire",
            "1 year after they are closed, with the replies; unconfirmed ones, erased when the link expires",
        ),
        period: SUPPORT_MESSAGES,
    },
    Rule {
        what: ("Fichier « Télécharger mes données » préparé en différé", "\"Download my data\" file prepared later"),
        how_long: ("7 jours après sa préparation", "7 days after it is prepared"),
        period: DATA_EXPORT,
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
    /// Closed support messages deleted.
    pub support_messages: u64,
    /// Expired data exports deleted.
    pub exports: u64,
}

/// Applies every period of the table once, at the state's clock: each table's owner
/// deletes its own rows.
pub async fn apply(state: &AppState) -> Result<Purged, sqlx::Error> {
    let db = &state.db;
    let now = state.now();
    let (warned, inactive) = crate::accounts::inactivity::apply(state).await?;
    let spent = now - SPENT_SECRETS;
    Ok(Purged {
        unverified: crate::accounts::store::purge_unverified(db, now - UNVERIFIED_ACCOUNT).await?,
        warned,
        inactive,
        secrets: crate::accounts::store::purge_spent_tokens(db, spent).await?
            + crate::first_login::store::purge_spent(db, spent).await?
            + super::one_time_code::purge(db, spent).await?
            + crate::second_factor::store::purge_used(db, spent).await?
            // Messages to support whose writer never confirmed the address.
            + crate::help::store::purge_unconfirmed(db, now).await?,
        audit: super::audit::purge(db, now - LOGS).await?,
        outbox: super::mail::outbox::purge(db, now - LOGS).await?,
        links: crate::activation::store::purge_reviewed(db, now - REVIEWED_NAMES, now - LOGS).await?,
        requests: crate::access_request::store::purge_refused(db, now - LOGS).await?,
        support_messages: crate::help::store::purge_closed(db, now - SUPPORT_MESSAGES).await?,
        exports: crate::my_data::export::purge_expired(state).await?,
    })
}
