//! Reading and writing professionals' access.

use crate::domain::access_request::{Profile, Rights, SiteScope};
use crate::platform::db::{Db, Tx};
use crate::structures::lookup::SiteInfo;
use sqlx::Row;

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

/// The access of a professional account, if it has one.
pub async fn access_of(db: &Db, user_id: i64) -> Result<Option<ProAccess>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT structure_id, profile, results, invoices, all_sites FROM professional_access WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let all: i64 = r.try_get("all_sites")?;
    let scope = if all != 0 {
        SiteScope::All
    } else {
        let sites: Vec<i64> =
            sqlx::query_scalar("SELECT site_id FROM professional_sites WHERE user_id = $1 ORDER BY site_id")
                .bind(user_id)
                .fetch_all(db.pool())
                .await?;
        SiteScope::Selected(sites)
    };
    Ok(Some(ProAccess {
        user_id,
        structure_id: r.try_get("structure_id")?,
        profile: Profile::parse(&r.try_get::<String, _>("profile")?).unwrap_or(Profile::Collaborator),
        rights: Rights {
            results: r.try_get::<i64, _>("results")? != 0,
            invoices: r.try_get::<i64, _>("invoices")? != 0,
        },
        scope,
    }))
}

/// The sites a professional sees: all of the structure's (sites added later included) or
/// the chosen ones.
pub async fn visible_sites(db: &Db, access: &ProAccess) -> Result<Vec<SiteInfo>, sqlx::Error> {
    let all = crate::structures::service::sites(db, access.structure_id).await?;
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

/// A professional of a structure, for lists.
#[derive(Clone, Debug)]
pub struct Member {
    /// Account id.
    pub user_id: i64,
    /// First and last name.
    pub name: String,
    /// Profile.
    pub profile: Profile,
    /// Rights.
    pub rights: Rights,
    /// All sites?
    pub all_sites: bool,
    /// Account status (stored form).
    pub status: String,
}

/// The professionals of a structure (active or invited), by name.
pub async fn members(db: &Db, structure_id: i64) -> Result<Vec<Member>, sqlx::Error> {
    sqlx::query(
        "SELECT u.id, u.first_name, u.last_name, u.status, pa.profile, pa.results, pa.invoices, pa.all_sites \
         FROM professional_access pa JOIN users u ON u.id = pa.user_id WHERE pa.structure_id = $1 \
         ORDER BY u.last_name, u.first_name",
    )
    .bind(structure_id)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        let first: String = r.try_get("first_name")?;
        let last: String = r.try_get("last_name")?;
        Ok(Member {
            user_id: r.try_get("id")?,
            name: format!("{first} {last}"),
            profile: Profile::parse(&r.try_get::<String, _>("profile")?).unwrap_or(Profile::Collaborator),
            rights: Rights {
                results: r.try_get::<i64, _>("results")? != 0,
                invoices: r.try_get::<i64, _>("invoices")? != 0,
            },
            all_sites: r.try_get::<i64, _>("all_sites")? != 0,
            status: r.try_get("status")?,
        })
    })
    .collect()
}

/// The sites chosen by a professional with a subset scope.
pub async fn chosen_sites(db: &Db, user_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT site_id FROM professional_sites WHERE user_id = $1 ORDER BY site_id")
        .bind(user_id)
        .fetch_all(db.pool())
        .await
}
