//! The user list: filters, prefix search through indexes, server-side paging.

use crate::domain::account::{AccountStatus, UserKind};
use crate::domain::names::fold;
use crate::platform::db::Db;
use sqlx::Row;

/// Rows per page.
pub const PAGE_SIZE: i64 = 50;

/// A role to filter on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Administrators of the back-office.
    Admin,
    /// Biologists.
    Biologist,
    /// Collaborators.
    Collaborator,
}

impl Role {
    /// Reads the filter value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "biologist" => Some(Role::Biologist),
            "collaborator" => Some(Role::Collaborator),
            _ => None,
        }
    }
}

/// What the list shows.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Search text: prefix of last name, first name or e-mail.
    pub q: String,
    /// Status.
    pub status: Option<AccountStatus>,
    /// Kind of account.
    pub kind: Option<UserKind>,
    /// Structure id.
    pub structure: Option<i64>,
    /// Role.
    pub role: Option<Role>,
    /// Page, from 1.
    pub page: i64,
}

/// One row of the list.
#[derive(Clone, Debug)]
pub struct Row_ {
    /// Id.
    pub id: i64,
    /// "Last First".
    pub name: String,
    /// Address.
    pub email: String,
    /// Kind.
    pub kind: UserKind,
    /// Status.
    pub status: AccountStatus,
    /// Administrator.
    pub is_admin: bool,
    /// Structure, for professionals.
    pub structure: Option<String>,
}

/// A page of the list with the total count.
#[derive(Clone, Debug)]
pub struct Page {
    /// Rows.
    pub rows: Vec<Row_>,
    /// Matching accounts.
    pub total: i64,
}

fn where_clause(f: &Filter, binds: &mut Vec<Bind>) -> String {
    let mut clauses = Vec::new();
    let arg = |b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        format!("${}", binds.len())
    };
    let searching = !fold(&f.q).is_empty();
    if let Some(s) = f.status {
        let p = arg(Bind::Text(s.as_str().into()), binds);
        // When searching, the prefix ranges are far more selective: `|| ''` keeps the planner
        // from walking the whole status index instead.
        if searching {
            clauses.push(format!("u.status || '' = {p}"));
        } else {
            clauses.push(format!("u.status = {p}"));
        }
    }
    if let Some(k) = f.kind {
        let p = arg(Bind::Text(k.as_str().into()), binds);
        clauses.push(format!("u.kind = {p}"));
    }
    if let Some(s) = f.structure {
        let p = arg(Bind::Int(s), binds);
        clauses.push(format!("pa.structure_id = {p}"));
    }
    match f.role {
        Some(Role::Admin) => clauses.push("u.is_admin = 1".into()),
        Some(Role::Biologist) => clauses.push("pa.profile = 'biologist'".into()),
        Some(Role::Collaborator) => clauses.push("pa.profile = 'collaborator'".into()),
        None => {}
    }
    let q = fold(&f.q);
    if !q.is_empty() {
        // Prefix ranges: each is a range scan of an index (no LIKE '%…%' table scan).
        let lo = arg(Bind::Text(q.clone()), binds);
        let hi = arg(Bind::Text(format!("{q}\u{10FFFF}")), binds);
        let email = f.q.trim().to_lowercase();
        let elo = arg(Bind::Text(email.clone()), binds);
        let ehi = arg(Bind::Text(format!("{email}\u{10FFFF}")), binds);
        clauses.push(format!(
            "((u.last_name_key >= {lo} AND u.last_name_key < {hi}) OR (u.first_name_key >= {lo} AND u.first_name_key < {hi}) \
             OR (u.email_key >= {elo} AND u.email_key < {ehi}))"
        ));
    }
    if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) }
}

enum Bind {
    Text(String),
    Int(i64),
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        q = match b {
            Bind::Text(t) => q.bind(t.as_str()),
            Bind::Int(i) => q.bind(*i),
        };
    }
    q
}

/// One page of accounts matching the filter, ordered by name.
pub async fn page(db: &Db, f: &Filter) -> Result<Page, sqlx::Error> {
    let mut binds = Vec::new();
    let where_ = where_clause(f, &mut binds);
    let needs_join = f.structure.is_some() || matches!(f.role, Some(Role::Biologist | Role::Collaborator));
    // Filtering on the professional side: an inner join, which the planner can start from.
    let join = if needs_join {
        "JOIN professional_access pa ON pa.user_id = u.id"
    } else {
        "LEFT JOIN professional_access pa ON pa.user_id = u.id"
    };
    let count_sql = if needs_join {
        format!("SELECT COUNT(*) AS n FROM users u {join} {where_}")
    } else {
        format!("SELECT COUNT(*) AS n FROM users u {where_}")
    };
    let total: i64 = bind_all(sqlx::query(&count_sql), &binds).fetch_one(db.pool()).await?.try_get("n")?;
    let offset = (f.page.max(1) - 1) * PAGE_SIZE;
    let order = "ORDER BY u.last_name_key, u.first_name_key, u.id";
    let sql = if needs_join {
        format!(
            "SELECT u.id, u.first_name, u.last_name, u.email, u.kind, u.status, u.is_admin, s.name AS structure_name \
             FROM users u {join} LEFT JOIN structures s ON s.id = pa.structure_id {where_} {order} LIMIT {PAGE_SIZE} OFFSET {offset}"
        )
    } else {
        // Page through the users alone (an index walk), then join only the rows shown.
        format!(
            "SELECT u.id, u.first_name, u.last_name, u.email, u.kind, u.status, u.is_admin, s.name AS structure_name \
             FROM (SELECT u.id FROM users u {where_} {order} LIMIT {PAGE_SIZE} OFFSET {offset}) page JOIN users u ON u.id = page.id \
             LEFT JOIN professional_access pa ON pa.user_id = u.id LEFT JOIN structures s ON s.id = pa.structure_id {order}"
        )
    };
    let rows = bind_all(sqlx::query(&sql), &binds).fetch_all(db.pool()).await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            let first: String = r.try_get("first_name")?;
            let last: String = r.try_get("last_name")?;
            Ok(Row_ {
                id: r.try_get("id")?,
                name: format!("{last} {first}"),
                email: r.try_get("email")?,
                kind: UserKind::parse(&r.try_get::<String, _>("kind")?).unwrap_or(UserKind::Patient),
                status: AccountStatus::parse(&r.try_get::<String, _>("status")?).unwrap_or(AccountStatus::Active),
                is_admin: r.try_get::<i64, _>("is_admin")? != 0,
                structure: r.try_get("structure_name")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Page { rows, total })
}
