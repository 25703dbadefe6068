//! The audit log: who did what, when, to what, and what changed. Written in the same
//! transaction as the change it records, so the two can never disagree.

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
}

impl AuditEntry {
    /// An entry with no details.
    pub fn new(actor: Option<i64>, action: &'static str, subject_type: &'static str, subject_id: Option<i64>) -> Self {
        AuditEntry { actor, action, subject_type, subject_id, details: Value::Object(Default::default()) }
    }

    /// The same entry with details.
    pub fn with(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}

/// Writes an entry inside the caller's transaction.
pub async fn record(tx: &mut Tx, now: i64, entry: AuditEntry) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, action, subject_type, subject_id, details) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now)
    .bind(entry.actor)
    .bind(entry.action)
    .bind(entry.subject_type)
    .bind(entry.subject_id)
    .bind(entry.details.to_string())
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// One line read back, for history views.
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
                CASE WHEN u.id IS NULL THEN NULL ELSE u.first_name || ' ' || u.last_name END AS actor_name, \
                a.action, a.details \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id \
         WHERE a.subject_type = $1 AND a.subject_id = $2 ORDER BY a.id",
    )
    .bind(subject_type)
    .bind(subject_id)
    .fetch_all(db.pool())
    .await
}
