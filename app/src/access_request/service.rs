//! Storing access requests.

use crate::domain::access_request::{Profile, RequestState, Rights, SiteScope};
use crate::platform::db::Tx;

/// A request to store.
pub struct NewRequest<'a> {
    /// Structure.
    pub structure_id: i64,
    /// Profile.
    pub profile: Profile,
    /// Last name.
    pub last_name: &'a str,
    /// First name.
    pub first_name: &'a str,
    /// Address as typed.
    pub email: &'a str,
    /// Lower-cased address.
    pub email_key: &'a str,
    /// E.164 phone.
    pub phone: &'a str,
    /// Rights asked for.
    pub rights: Rights,
    /// Sites asked for.
    pub scope: &'a SiteScope,
    /// Approver named (collaborators asking for rights).
    pub approver: Option<i64>,
    /// Initial state.
    pub state: RequestState,
    /// Language for e-mails.
    pub lang: &'a str,
}

/// Inserts a request and its sites; fails with a unique violation when the address already
/// has an open request.
pub async fn insert(tx: &mut Tx, r: &NewRequest<'_>, now: i64) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO access_requests (structure_id, profile, last_name, first_name, email, email_key, phone, results, invoices, \
         all_sites, approver_user_id, state, lang, asked, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
    )
    .bind(r.structure_id)
    .bind(r.profile.as_str())
    .bind(r.last_name)
    .bind(r.first_name)
    .bind(r.email)
    .bind(r.email_key)
    .bind(r.phone)
    .bind(i64::from(r.rights.results))
    .bind(i64::from(r.rights.invoices))
    .bind(i64::from(r.scope.is_all()))
    .bind(r.approver)
    .bind(r.state.as_str())
    .bind(r.lang)
    .bind(asked_json(r.rights, r.scope).to_string())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    for site in r.scope.selected() {
        sqlx::query("INSERT INTO access_request_sites (request_id, site_id) VALUES ($1, $2)")
            .bind(id)
            .bind(site)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

/// What was asked, kept to show the approver's changes to support.
pub fn asked_json(rights: Rights, scope: &SiteScope) -> serde_json::Value {
    serde_json::json!({
        "results": rights.results,
        "invoices": rights.invoices,
        "sites": if scope.is_all() { serde_json::json!("all") } else { serde_json::json!(scope.selected()) },
    })
}
