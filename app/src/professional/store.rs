//! The owner of `professional_access`, `professional_sites` and `approver_delegations`:
//! professionals' structure, profile, rights and sites, and who approves for a structure.

use crate::domain::access_request::{Profile, Rights, SiteScope};
use crate::domain::account::AccountStatus;
use crate::platform::db::{Db, Flag, Tx};
use crate::structures::lookup::SiteInfo;

/// A professional's access as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProAccess {
    /// The account.
    pub user_id: i64,
    /// Their structure.
    pub structure_id: i64,
    /// Biologist or collaborator.
    pub profile: Profile,
    /// Rights.
    pub rights: Rights,
    /// Site scope.
    pub scope: SiteScope,
}

#[derive(sqlx::FromRow)]
struct AccessRow {
    structure_id: i64,
    #[sqlx(try_from = "String")]
    profile: Profile,
    #[sqlx(try_from = "i64")]
    results: Flag,
    #[sqlx(try_from = "i64")]
    invoices: Flag,
    #[sqlx(try_from = "i64")]
    all_sites: Flag,
}

/// The access of a professional account, if it has one.
pub async fn access_of(db: &Db, user_id: i64) -> Result<Option<ProAccess>, sqlx::Error> {
    let row: Option<AccessRow> = sqlx::query_as(
        "SELECT structure_id, profile, results, invoices, all_sites FROM professional_access WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let scope = if r.all_sites.0 { SiteScope::All } else { SiteScope::Selected(chosen_sites(db, user_id).await?) };
    Ok(Some(ProAccess {
        user_id,
        structure_id: r.structure_id,
        profile: r.profile,
        rights: Rights { results: r.results.0, invoices: r.invoices.0 },
        scope,
    }))
}

/// The sites a professional sees: all of the structure's (sites added later included) or
/// the chosen ones.
pub async fn visible_sites(db: &Db, access: &ProAccess) -> Result<Vec<SiteInfo>, sqlx::Error> {
    let all = crate::structures::store::sites(db, access.structure_id).await?;
    Ok(match &access.scope {
        SiteScope::All => all,
        SiteScope::Selected(ids) => all.into_iter().filter(|s| ids.contains(&s.id)).collect(),
    })
}

/// Creates or replaces a professional's access inside the caller's transaction.
pub async fn set_access(tx: &mut Tx, access: &ProAccess, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO professional_access (user_id, structure_id, profile, results, invoices, all_sites, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (user_id) DO UPDATE SET structure_id = excluded.structure_id, profile = excluded.profile, \
           results = excluded.results, invoices = excluded.invoices, all_sites = excluded.all_sites, updated_at = excluded.updated_at",
    )
    .bind(access.user_id)
    .bind(access.structure_id)
    .bind(access.profile.as_str())
    .bind(i64::from(access.rights.results))
    .bind(i64::from(access.rights.invoices))
    .bind(i64::from(access.scope.is_all()))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM professional_sites WHERE user_id = $1").bind(access.user_id).execute(&mut **tx).await?;
    for site in access.scope.selected() {
        sqlx::query("INSERT INTO professional_sites (user_id, site_id) VALUES ($1, $2)")
            .bind(access.user_id)
            .bind(site)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The structures a user approves for: their own as an active biologist, and those support
/// delegated to them.
pub async fn approver_structures(db: &Db, user_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT pa.structure_id FROM professional_access pa JOIN users u ON u.id = pa.user_id \
         WHERE pa.user_id = $1 AND pa.profile = 'biologist' AND u.status = 'active' \
         UNION \
         SELECT d.structure_id FROM approver_delegations d JOIN users u ON u.id = d.user_id \
         WHERE d.user_id = $1 AND d.revoked_at IS NULL AND u.status = 'active' \
         ORDER BY 1",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await
}

/// Designates a user as an approver of a structure; false when they already are.
pub async fn delegate(tx: &mut Tx, structure_id: i64, user_id: i64, by: i64, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "INSERT INTO approver_delegations (structure_id, user_id, granted_by, granted_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (structure_id, user_id) WHERE revoked_at IS NULL DO NOTHING",
    )
    .bind(structure_id)
    .bind(user_id)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Withdraws a delegation; the structure and user it named, or `None` when it was already
/// withdrawn (or never existed).
pub async fn revoke_delegation(
    tx: &mut Tx,
    delegation_id: i64,
    by: i64,
    now: i64,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE approver_delegations SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL \
         RETURNING structure_id, user_id",
    )
    .bind(now)
    .bind(by)
    .bind(delegation_id)
    .fetch_optional(&mut **tx)
    .await
}

/// A professional of a structure, for lists.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Member {
    /// Account id.
    #[sqlx(rename = "id")]
    pub user_id: i64,
    /// First and last name.
    pub name: String,
    /// Profile.
    #[sqlx(try_from = "String")]
    pub profile: Profile,
    /// Results right.
    #[sqlx(try_from = "i64")]
    pub results: Flag,
    /// Invoices right.
    #[sqlx(try_from = "i64")]
    pub invoices: Flag,
    /// All sites?
    #[sqlx(try_from = "i64")]
    pub all_sites: Flag,
    /// Account status.
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
}

impl Member {
    /// Rights.
    pub fn rights(&self) -> Rights {
        Rights { results: self.results.0, invoices: self.invoices.0 }
    }
}

/// The professionals of a structure (active or invited), by name.
pub async fn members(db: &Db, structure_id: i64) -> Result<Vec<Member>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, TRIM(u.first_name || ' ' || u.last_name) AS name, u.status, pa.profile, pa.results, pa.invoices, pa.all_sites \
         FROM professional_access pa JOIN users u ON u.id = pa.user_id WHERE pa.structure_id = $1 \
         ORDER BY u.last_name, u.first_name",
    )
    .bind(structure_id)
    .fetch_all(db.pool())
    .await
}

/// A delegation in force, for support's structure page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Delegation {
    /// Id (to withdraw it).
    pub id: i64,
    /// The delegate's name.
    pub name: String,
    /// When it was granted.
    pub granted_at: i64,
}

/// The delegations in force for a structure, oldest first.
pub async fn delegations(db: &Db, structure_id: i64) -> Result<Vec<Delegation>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, u.first_name || ' ' || u.last_name AS name, d.granted_at FROM approver_delegations d \
         JOIN users u ON u.id = d.user_id WHERE d.structure_id = $1 AND d.revoked_at IS NULL ORDER BY d.granted_at",
    )
    .bind(structure_id)
    .fetch_all(db.pool())
    .await
}

/// The sites chosen by a professional with a subset scope.
pub async fn chosen_sites(db: &Db, user_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT site_id FROM professional_sites WHERE user_id = $1 ORDER BY site_id")
        .bind(user_id)
        .fetch_all(db.pool())
        .await
}

/// Which right a document needs: the one list of the professional areas (pages, PDF
/// routes, notices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentRight {
    /// Reports: the Results right.
    Results,
    /// Invoices: the Invoices right.
    Invoices,
}

impl DocumentRight {
    /// Whether these rights include this one.
    pub fn held_by(self, rights: &crate::domain::access_request::Rights) -> bool {
        match self {
            DocumentRight::Results => rights.results,
            DocumentRight::Invoices => rights.invoices,
        }
    }
}

/// A professional to tell about a new document.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NoticeRecipient {
    /// The account.
    pub user_id: i64,
    /// Their address.
    pub email: String,
    /// First name, for the greeting.
    pub first_name: String,
    /// `fr` or `en`.
    pub lang: String,
    /// `each` (an e-mail per document) or `digest` (a daily summary).
    pub notice_mode: String,
}

/// The active professionals of a structure who hold `right` and see `site` (all sites, or
/// this one among theirs). With no site, only those who see all sites. Accounts awaiting
/// validation or deactivated are not active, so they get nothing.
pub async fn notice_recipients(
    tx: &mut Tx,
    structure_id: i64,
    site_id: Option<i64>,
    right: DocumentRight,
) -> Result<Vec<NoticeRecipient>, sqlx::Error> {
    let right_column = match right {
        DocumentRight::Results => "pa.results",
        DocumentRight::Invoices => "pa.invoices",
    };
    sqlx::query_as(&format!(
        "SELECT u.id AS user_id, u.email, u.first_name, u.lang, u.notice_mode FROM professional_access pa \
         JOIN users u ON u.id = pa.user_id \
         WHERE pa.structure_id = $1 AND {right_column} = 1 AND u.status = 'active' AND u.kind = 'professional' \
           AND (pa.all_sites = 1 OR EXISTS (SELECT 1 FROM professional_sites ps WHERE ps.user_id = u.id AND ps.site_id = $2)) \
         ORDER BY u.id"
    ))
    .bind(structure_id)
    .bind(site_id.unwrap_or(-1))
    .fetch_all(&mut **tx)
    .await
}

/// How many active approvers a structure has besides `except` (its active biologists and
/// the people support delegated), to refuse the deletion of its last one.
pub async fn other_approvers(db: &Db, structure_id: i64, except: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM (\
           SELECT pa.user_id FROM professional_access pa JOIN users u ON u.id = pa.user_id \
           WHERE pa.structure_id = $1 AND pa.profile = 'biologist' AND u.status = 'active' AND pa.user_id <> $2 \
           UNION \
           SELECT d.user_id FROM approver_delegations d JOIN users u ON u.id = d.user_id \
           WHERE d.structure_id = $1 AND d.revoked_at IS NULL AND u.status = 'active' AND d.user_id <> $2) AS a",
    )
    .bind(structure_id)
    .bind(except)
    .fetch_one(db.pool())
    .await
}

/// Deletes account `user_id`'s professional access, its sites and the structures delegated
/// to it for approval (the account is erased).
pub async fn erase_of(tx: &mut Tx, user_id: i64) -> Result<(), sqlx::Error> {
    for sql in [
        "DELETE FROM professional_sites WHERE user_id = $1",
        "DELETE FROM professional_access WHERE user_id = $1",
        "DELETE FROM approver_delegations WHERE user_id = $1",
    ] {
        sqlx::query(sql).bind(user_id).execute(&mut **tx).await?;
    }
    Ok(())
}
