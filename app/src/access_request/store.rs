//! The owner of `access_requests` and `access_request_sites`: filing a request, reading
//! it for approvers and support, and moving it through its states — only by a
//! [`Transition`] the domain made, applied with a conditional update.

use crate::domain::access_request::{Profile, RequestState, Rights, SiteScope, State, Transition};
use crate::platform::db::{Db, Flag, Tx};

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
    /// An individual account, or a shared account (then `created_by` is its creator).
    pub kind: RequestKind,
    /// The signed-in professional who asked (shared accounts).
    pub created_by: Option<i64>,
}

/// What a request asks for: an individual professional account, or a shared account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// A person's own account (`/demande-acces`).
    Individual,
    /// A structure's shared account (`/comptes-partages/nouveau`).
    Shared,
}

impl RequestKind {
    /// Stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            RequestKind::Individual => "individual",
            RequestKind::Shared => "shared",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "individual" => Some(RequestKind::Individual),
            "shared" => Some(RequestKind::Shared),
            _ => None,
        }
    }
}

impl TryFrom<String> for RequestKind {
    type Error = crate::domain::account::UnknownValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        RequestKind::parse(&s).ok_or(crate::domain::account::UnknownValue(s))
    }
}

async fn insert_sites(tx: &mut Tx, id: i64, scope: &SiteScope) -> Result<(), sqlx::Error> {
    for site in scope.selected() {
        sqlx::query("INSERT INTO access_request_sites (request_id, site_id) VALUES ($1, $2)")
            .bind(id)
            .bind(site)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Inserts a request and its sites; fails with a unique violation when the address already
/// has an open request.
pub async fn insert(tx: &mut Tx, r: &NewRequest<'_>, now: i64) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO access_requests (structure_id, profile, last_name, first_name, email, email_key, phone, results, invoices, \
         all_sites, approver_user_id, state, lang, asked, kind, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
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
    .bind(r.kind.as_str())
    .bind(r.created_by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    insert_sites(tx, id, r.scope).await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct Raw {
    id: i64,
    structure_id: i64,
    structure_name: String,
    #[sqlx(try_from = "String")]
    profile: Profile,
    last_name: String,
    first_name: String,
    email: String,
    phone: String,
    #[sqlx(try_from = "i64")]
    results: Flag,
    #[sqlx(try_from = "i64")]
    invoices: Flag,
    #[sqlx(try_from = "i64")]
    all_sites: Flag,
    asked: String,
    #[sqlx(try_from = "String")]
    state: RequestState,
    approver_user_id: Option<i64>,
    approved_by_name: Option<String>,
    user_id: Option<i64>,
    refusal_reason: Option<String>,
    lang: String,
    created_at: i64,
    #[sqlx(try_from = "String")]
    kind: RequestKind,
    shared_description: Option<String>,
    creator_email: Option<String>,
    creator_first_name: Option<String>,
    creator_lang: Option<String>,
}

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
    /// What was asked (JSON, see [`asked_json`]).
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
    /// Individual or shared account.
    pub kind: RequestKind,
    /// The shared account's description (shared requests).
    pub shared_description: Option<String>,
    /// Who asked for a shared account: their address, first name and language.
    pub creator: Option<(String, String, String)>,
}

impl RequestRow {
    /// "First Last" of the person, or the shared account's description.
    pub fn name(&self) -> String {
        match &self.shared_description {
            Some(d) if self.kind == RequestKind::Shared => d.clone(),
            _ => format!("{} {}", self.first_name, self.last_name),
        }
    }

    /// Who is told of the request's progress: the requester of an individual account, the
    /// creator of a shared one (address, first name, language).
    pub fn requester(&self) -> (String, String, crate::i18n::Lang) {
        match (&self.kind, &self.creator) {
            (RequestKind::Shared, Some((email, first, lang))) => {
                (email.clone(), first.clone(), crate::i18n::Lang::from_code(lang))
            }
            _ => (self.email.clone(), self.first_name.clone(), crate::i18n::Lang::from_code(&self.lang)),
        }
    }
}

const SELECT: &str = "SELECT r.id, r.structure_id, s.name AS structure_name, r.profile, r.last_name, r.first_name, r.email, r.phone, \
     r.results, r.invoices, r.all_sites, r.asked, r.state, r.approver_user_id, r.user_id, r.refusal_reason, r.lang, r.created_at, \
     CASE WHEN a.id IS NULL THEN NULL ELSE a.first_name || ' ' || a.last_name END AS approved_by_name, \
     r.kind, sa.description AS shared_description, c.email AS creator_email, c.first_name AS creator_first_name, \
     c.lang AS creator_lang \
     FROM access_requests r JOIN structures s ON s.id = r.structure_id LEFT JOIN users a ON a.id = r.approved_by \
     LEFT JOIN shared_accounts sa ON sa.request_id = r.id LEFT JOIN users c ON c.id = r.created_by";

async fn complete(db: &Db, r: Raw) -> Result<RequestRow, sqlx::Error> {
    let scope = if r.all_sites.0 {
        SiteScope::All
    } else {
        SiteScope::Selected(
            sqlx::query_scalar("SELECT site_id FROM access_request_sites WHERE request_id = $1 ORDER BY site_id")
                .bind(r.id)
                .fetch_all(db.pool())
                .await?,
        )
    };
    let asked = serde_json::from_str(&r.asked).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(RequestRow {
        id: r.id,
        structure_id: r.structure_id,
        structure_name: r.structure_name,
        profile: r.profile,
        last_name: r.last_name,
        first_name: r.first_name,
        email: r.email,
        phone: r.phone,
        rights: Rights { results: r.results.0, invoices: r.invoices.0 },
        scope,
        asked,
        state: r.state,
        approver_id: r.approver_user_id,
        approved_by_name: r.approved_by_name,
        user_id: r.user_id,
        refusal_reason: r.refusal_reason,
        lang: r.lang,
        created_at: r.created_at,
        kind: r.kind,
        shared_description: r.shared_description,
        creator: match (r.creator_email, r.creator_first_name, r.creator_lang) {
            (Some(e), Some(f), Some(l)) => Some((e, f, l)),
            _ => None,
        },
    })
}

/// One request.
pub async fn find(db: &Db, id: i64) -> Result<Option<RequestRow>, sqlx::Error> {
    let row: Option<Raw> =
        sqlx::query_as(&format!("{SELECT} WHERE r.id = $1")).bind(id).fetch_optional(db.pool()).await?;
    match row {
        Some(r) => Ok(Some(complete(db, r).await?)),
        None => Ok(None),
    }
}

/// Requests in a state, for some structures (all when `structures` is `None`), of one kind
/// (both when `kind` is `None`), newest first.
pub async fn in_state(
    db: &Db,
    state: RequestState,
    structures: Option<&[i64]>,
    kind: Option<RequestKind>,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    let rows: Vec<Raw> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.state = $1 AND ($2 = '' OR r.kind = $2) ORDER BY r.created_at DESC, r.id DESC"
    ))
    .bind(state.as_str())
    .bind(kind.map(RequestKind::as_str).unwrap_or(""))
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in rows {
        if structures.is_none_or(|s| s.contains(&r.structure_id)) {
            out.push(complete(db, r).await?);
        }
    }
    Ok(out)
}

/// The shared-account requests a person made, newest first.
pub async fn shared_requests_by(db: &Db, user_id: i64) -> Result<Vec<RequestRow>, sqlx::Error> {
    let rows: Vec<Raw> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.created_by = $1 AND r.kind = 'shared' ORDER BY r.created_at DESC, r.id DESC"
    ))
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(complete(db, r).await?);
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

/// Applies a transition the domain made, once: false when another decision got there first
/// (the update expects the transition's starting state).
pub async fn apply<F: State, T: State>(
    tx: &mut Tx,
    id: i64,
    transition: &Transition<F, T>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE access_requests SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
        .bind(transition.to_state().as_str())
        .bind(now)
        .bind(id)
        .bind(transition.from_state().as_str())
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
    insert_sites(tx, id, scope).await
}

/// Records who approved a request, and when.
pub async fn set_approved_by(tx: &mut Tx, id: i64, approver: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE access_requests SET approved_by = $1, approved_at = $2 WHERE id = $3")
        .bind(approver)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Records a refusal's reason and who decided it.
pub async fn set_refusal(tx: &mut Tx, id: i64, reason: &str, by: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE access_requests SET refusal_reason = $1, decided_by = $2 WHERE id = $3")
        .bind(reason)
        .bind(by)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Records the account a validation created and who validated.
pub async fn set_account(tx: &mut Tx, id: i64, user_id: i64, by: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE access_requests SET user_id = $1, decided_by = $2 WHERE id = $3")
        .bind(user_id)
        .bind(by)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Deletes refused requests last changed before `before` (retention).
pub async fn purge_refused(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM access_requests WHERE state = 'refused' AND updated_at < $1")
        .bind(before)
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected())
}

/// What was asked, kept to show the approver's changes to support.
pub fn asked_json(rights: Rights, scope: &SiteScope) -> serde_json::Value {
    serde_json::json!({
        "results": rights.results,
        "invoices": rights.invoices,
        "sites": scope_json(scope),
    })
}

/// Scope as JSON for the audit log.
pub fn scope_json(scope: &SiteScope) -> serde_json::Value {
    if scope.is_all() { serde_json::json!("all") } else { serde_json::json!(scope.selected()) }
}

/// Rights as JSON for the audit log.
pub fn rights_json(rights: Rights) -> serde_json::Value {
    serde_json::json!({ "results": rights.results, "invoices": rights.invoices })
}

/// A request as its author's data export shows it.
#[derive(Debug, sqlx::FromRow, serde::Serialize)]
pub struct OwnRequest {
    /// Id.
    pub id: i64,
    /// The structure asked for.
    pub structure_name: String,
    /// Biologist or collaborator.
    pub profile: String,
    /// Where it stands.
    pub state: String,
    /// Results asked.
    pub results: i64,
    /// Invoices asked.
    pub invoices: i64,
    /// When it was sent (Unix ms).
    pub created_at: i64,
}

/// The requests a person sent or that made their account (their data export).
pub async fn of_person(db: &Db, user_id: i64, email_key: &str) -> Result<Vec<OwnRequest>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id, s.name AS structure_name, r.profile, r.state, r.results, r.invoices, r.created_at \
         FROM access_requests r JOIN structures s ON s.id = r.structure_id \
         WHERE r.user_id = $1 OR r.email_key = $2 OR r.created_by = $1 ORDER BY r.id",
    )
    .bind(user_id)
    .bind(email_key)
    .fetch_all(db.pool())
    .await
}

/// Blanks the personal fields of every request made by account `user_id` or from its address
/// (`email_key`): the account is erased; the request stays, naming nobody, for its site
/// history.
pub async fn anonymise_of(tx: &mut Tx, user_id: i64, email_key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE access_requests SET last_name = '', first_name = '', email = '', \
         email_key = 'deleted-request-' || CAST(id AS TEXT), phone = '' \
         WHERE user_id = $1 OR email_key = $2",
    )
    .bind(user_id)
    .bind(email_key)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}
