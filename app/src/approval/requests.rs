//! Reading and changing stored access requests (shared by approvers and support).

use crate::domain::access_request::{Profile, RequestState, Rights, SiteScope};
use crate::platform::db::{Db, Tx};
use sqlx::Row;

/// A stored request with everything the pages and decisions need.
#[derive(Clone, Debug)]
pub struct RequestRow {
    /// Id.
    pub id: i64,
    /// Structure.
    pub structure_id: i64,
    /// Structure name.
    pub structure_name: String,
    /// Profile.
    pub profile: Profile,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// Address.
    pub email: String,
    /// Phone (E.164).
    pub phone: String,
    /// Current rights (as asked, or as the approver changed them).
    pub rights: Rights,
    /// Current scope.
    pub scope: SiteScope,
    /// What was asked (JSON, see `access_request::service::asked_json`).
    pub asked: serde_json::Value,
    /// State.
    pub state: RequestState,
    /// Approver named.
    pub approver_id: Option<i64>,
    /// Who approved, by name.
    pub approved_by_name: Option<String>,
    /// The account created at validation.
    pub user_id: Option<i64>,
    /// Refusal reason.
    pub refusal_reason: Option<String>,
    /// Language for e-mails.
    pub lang: String,
    /// Created at.
    pub created_at: i64,
}

impl RequestRow {
    /// "First Last".
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

const SELECT: &str = "SELECT r.id, r.structure_id, s.name AS structure_name, r.profile, r.last_name, r.first_name, r.email, r.phone, \
     r.results, r.invoices, r.all_sites, r.asked, r.state, r.approver_user_id, r.user_id, r.refusal_reason, r.lang, r.created_at, \
     CASE WHEN a.id IS NULL THEN NULL ELSE a.first_name || ' ' || a.last_name END AS approved_by_name \
     FROM access_requests r JOIN structures s ON s.id = r.structure_id LEFT JOIN users a ON a.id = r.approved_by";

async fn from_row(db: &Db, r: sqlx::any::AnyRow) -> Result<RequestRow, sqlx::Error> {
    let id: i64 = r.try_get("id")?;
    let all: i64 = r.try_get("all_sites")?;
    let scope = if all != 0 {
        SiteScope::All
    } else {
        SiteScope::Selected(
            sqlx::query_scalar("SELECT site_id FROM access_request_sites WHERE request_id = $1 ORDER BY site_id")
                .bind(id)
                .fetch_all(db.pool())
                .await?,
        )
    };
    let state: String = r.try_get("state")?;
    Ok(RequestRow {
        id,
        structure_id: r.try_get("structure_id")?,
        structure_name: r.try_get("structure_name")?,
        profile: Profile::parse(&r.try_get::<String, _>("profile")?).unwrap_or(Profile::Collaborator),
        last_name: r.try_get("last_name")?,
        first_name: r.try_get("first_name")?,
        email: r.try_get("email")?,
        phone: r.try_get("phone")?,
        rights: Rights {
            results: r.try_get::<i64, _>("results")? != 0,
            invoices: r.try_get::<i64, _>("invoices")? != 0,
        },
        scope,
        asked: serde_json::from_str(&r.try_get::<String, _>("asked")?).unwrap_or_default(),
        state: RequestState::parse(&state)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown state {state}").into()))?,
        approver_id: r.try_get("approver_user_id")?,
        approved_by_name: r.try_get("approved_by_name")?,
        user_id: r.try_get("user_id")?,
        refusal_reason: r.try_get("refusal_reason")?,
        lang: r.try_get("lang")?,
        created_at: r.try_get("created_at")?,
    })
}

/// One request.
pub async fn find(db: &Db, id: i64) -> Result<Option<RequestRow>, sqlx::Error> {
    let row = sqlx::query(&format!("{SELECT} WHERE r.id = $1")).bind(id).fetch_optional(db.pool()).await?;
    match row {
        Some(r) => Ok(Some(from_row(db, r).await?)),
        None => Ok(None),
    }
}

/// Requests in a state, for some structures (all when `structures` is `None`), newest first.
pub async fn in_state(
    db: &Db,
    state: RequestState,
    structures: Option<&[i64]>,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    let rows = sqlx::query(&format!("{SELECT} WHERE r.state = $1 ORDER BY r.created_at DESC, r.id DESC"))
        .bind(state.as_str())
        .fetch_all(db.pool())
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let row = from_row(db, r).await?;
        if structures.is_none_or(|s| s.contains(&row.structure_id)) {
            out.push(row);
        }
    }
    Ok(out)
}

/// Number of requests waiting for an approver of these structures (the navigation badge).
pub async fn pending_for(db: &Db, structures: &[i64]) -> Result<i64, sqlx::Error> {
    let mut n = 0;
    for s in structures {
        let c: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM access_requests WHERE state = 'pending_approver' AND structure_id = $1",
        )
        .bind(s)
        .fetch_one(db.pool())
        .await?;
        n += c;
    }
    Ok(n)
}

/// Moves a request from one state to the next, once: false when another decision got there
/// first (the `UPDATE` re-checks the state it expects).
pub async fn transition(
    tx: &mut Tx,
    id: i64,
    from: RequestState,
    to: RequestState,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE access_requests SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
        .bind(to.as_str())
        .bind(now)
        .bind(id)
        .bind(from.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Replaces a request's rights and scope (the approver's changes).
pub async fn set_rights(tx: &mut Tx, id: i64, rights: Rights, scope: &SiteScope) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE access_requests SET results = $1, invoices = $2, all_sites = $3 WHERE id = $4")
        .bind(i64::from(rights.results))
        .bind(i64::from(rights.invoices))
        .bind(i64::from(scope.is_all()))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM access_request_sites WHERE request_id = $1").bind(id).execute(&mut **tx).await?;
    for site in scope.selected() {
        sqlx::query("INSERT INTO access_request_sites (request_id, site_id) VALUES ($1, $2)")
            .bind(id)
            .bind(site)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Parses the rights and sites of a decision form, checking sites against the structure.
pub async fn parse_scope(
    db: &Db,
    structure_id: i64,
    sites_mode: &str,
    sites: &[String],
) -> Result<Option<SiteScope>, sqlx::Error> {
    if sites.len() > 100 {
        return Ok(None);
    }
    let valid = crate::structures::service::sites(db, structure_id).await?;
    let chosen: Vec<i64> = sites.iter().filter_map(|v| v.trim().parse().ok()).collect();
    if chosen.iter().any(|id| !valid.iter().any(|s| s.id == *id)) {
        return Ok(None);
    }
    Ok(SiteScope::new(sites_mode != "some", chosen))
}

/// Scope as JSON for the audit log.
pub fn scope_json(scope: &SiteScope) -> serde_json::Value {
    if scope.is_all() { serde_json::json!("all") } else { serde_json::json!(scope.selected()) }
}

/// Rights as JSON for the audit log.
pub fn rights_json(rights: Rights) -> serde_json::Value {
    serde_json::json!({ "results": rights.results, "invoices": rights.invoices })
}
