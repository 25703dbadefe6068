//! The owner of `structures`, `sites` and `rollout`: the lab's structures and their sites,
//! kept in step with the lab's reference data, who approves for them, and the roll-out
//! calendar.

use super::lookup::{ApproverInfo, SiteInfo, StructureInfo, StructureLookup};
use crate::domain::date::{Date, month_name};
use crate::domain::structure::{CorrespondentCode, Opening, opening};
use crate::i18n::Lang;
use crate::platform::db::{Db, Tx};
use std::collections::BTreeMap;

/// A structure row.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Structure {
    /// Id.
    pub id: i64,
    /// Canonical correspondent code.
    #[sqlx(rename = "correspondent_code")]
    pub code: String,
    /// Name.
    pub name: String,
}

/// Finds a structure by its (canonical) correspondent code.
pub async fn find_by_code(db: &Db, code: &CorrespondentCode) -> Result<Option<Structure>, sqlx::Error> {
    sqlx::query_as("SELECT id, correspondent_code, name FROM structures WHERE correspondent_code = $1")
        .bind(code.as_str())
        .fetch_optional(db.pool())
        .await
}

/// Finds a structure by id.
pub async fn find(db: &Db, id: i64) -> Result<Option<Structure>, sqlx::Error> {
    sqlx::query_as("SELECT id, correspondent_code, name FROM structures WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// The sites of a structure, by name.
pub async fn sites(db: &Db, structure_id: i64) -> Result<Vec<SiteInfo>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, city, postcode FROM sites WHERE structure_id = $1 ORDER BY name")
        .bind(structure_id)
        .fetch_all(db.pool())
        .await
}

/// The active approvers of a structure: its active biologists and the users support
/// designated for it, by name.
pub async fn approvers(db: &Db, structure_id: i64) -> Result<Vec<ApproverInfo>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.first_name || ' ' || u.last_name AS name, u.last_name, u.first_name FROM users u \
         JOIN professional_access pa ON pa.user_id = u.id \
         WHERE pa.structure_id = $1 AND pa.profile = 'biologist' AND u.status = 'active' \
         UNION \
         SELECT u.id, u.first_name || ' ' || u.last_name AS name, u.last_name, u.first_name FROM users u \
         JOIN approver_delegations d ON d.user_id = u.id \
         WHERE d.structure_id = $1 AND d.revoked_at IS NULL AND u.status = 'active' \
         ORDER BY 3, 4",
    )
    .bind(structure_id)
    .fetch_all(db.pool())
    .await
}

/// Every structure as (id, "code — name"), by name: the structure choices of the admin
/// console's filter and new-user form.
pub async fn choices(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, correspondent_code || ' — ' || name FROM structures ORDER BY name")
        .fetch_all(db.pool())
        .await
}

/// A structure in support's list, with its migration progress.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StructureSummary {
    /// Id.
    pub id: i64,
    /// Correspondent code.
    pub correspondent_code: String,
    /// Name.
    pub name: String,
    /// Number of sites.
    pub sites: i64,
    /// Number of migrated sites.
    pub migrated: i64,
}

/// Every structure with its migration progress, by name.
pub async fn overview(db: &Db) -> Result<Vec<StructureSummary>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.correspondent_code, s.name, \
           (SELECT COUNT(*) FROM sites x WHERE x.structure_id = s.id) AS sites, \
           (SELECT COUNT(*) FROM sites x WHERE x.structure_id = s.id AND x.migrated_at IS NOT NULL) AS migrated \
         FROM structures s ORDER BY s.name",
    )
    .fetch_all(db.pool())
    .await
}

/// A site and when it was migrated.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SiteMigration {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// City.
    pub city: String,
    /// When its first professional account was activated.
    pub migrated_at: Option<i64>,
}

/// The sites of a structure with their migration, by name.
pub async fn site_migrations(db: &Db, structure_id: i64) -> Result<Vec<SiteMigration>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, city, migrated_at FROM sites WHERE structure_id = $1 ORDER BY name")
        .bind(structure_id)
        .fetch_all(db.pool())
        .await
}

/// Marks a site as migrated (its first active professional: the old results server must
/// be switched off); false when it already was.
pub async fn mark_migrated(tx: &mut Tx, site_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE sites SET migrated_at = $1 WHERE id = $2 AND migrated_at IS NULL")
        .bind(now)
        .bind(site_id)
        .execute(&mut **tx)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Whether sign-up is open for a structure today.
pub async fn opening_of(db: &Db, structure_id: i64, today: Date) -> Result<Opening, sqlx::Error> {
    let rows: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT r.opens_on FROM sites s LEFT JOIN rollout r ON r.departement = s.departement WHERE s.structure_id = $1",
    )
    .bind(structure_id)
    .fetch_all(db.pool())
    .await?;
    // A date the import wrote is ISO; one that does not parse is a corrupt row: an error.
    let dates = rows
        .into_iter()
        .map(|d| {
            d.map(|d| Date::parse(&d).map_err(|_| sqlx::Error::Decode(format!("rollout date {d:?}").into())))
                .transpose()
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(opening(&dates, today))
}

/// The message for a structure that cannot sign up yet.
pub fn closed_message(opening: Opening, lang: Lang) -> Option<String> {
    match opening {
        Opening::Open => None,
        Opening::OpensOn(d) => Some(match lang {
            Lang::Fr => format!(
                "Les inscriptions ne sont pas encore ouvertes dans le département de votre structure : elles ouvriront en {} {}. Revenez à partir de cette date.",
                month_name(d.month, lang),
                d.year
            ),
            Lang::En => format!(
                "Sign-up is not open yet in your structure's département: it opens in {} {}. Come back from then.",
                month_name(d.month, lang),
                d.year
            ),
        }),
        Opening::NotScheduled => Some(
            lang.t(
                "Les inscriptions ne sont pas encore ouvertes dans le département de votre structure, et leur date n'est pas encore fixée. Le support vous informera de l'ouverture.",
                "Sign-up is not open yet in your structure's département, and no date is set yet. Support will tell you when it opens.",
            )
            .to_string(),
        ),
    }
}

/// Everything the form shows for a typed correspondent code.
pub async fn lookup(db: &Db, typed: &str, today: Date, lang: Lang) -> Result<StructureLookup, sqlx::Error> {
    let code = match CorrespondentCode::parse(typed) {
        Ok(c) => c,
        Err(e) => return Ok(StructureLookup::Invalid(e.message(lang).to_string())),
    };
    let Some(structure) = find_by_code(db, &code).await? else {
        return Ok(StructureLookup::Unknown);
    };
    let opening = opening_of(db, structure.id, today).await?;
    Ok(StructureLookup::Found(StructureInfo {
        code: structure.code,
        name: structure.name,
        sites: sites(db, structure.id).await?,
        approvers: approvers(db, structure.id).await?,
        open: opening == Opening::Open,
        closed_message: closed_message(opening, lang),
    }))
}

/// Counts of an import.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// Structures created.
    pub structures_created: usize,
    /// Sites created.
    pub sites_created: usize,
    /// Sites already present (left as they were).
    pub sites_existing: usize,
}

/// Stores validated structure lines in one transaction: new structures and sites are
/// created; existing ones are kept (a site already present is not duplicated).
pub async fn import_structures(db: &Db, lines: &[super::import::SiteLine], now: i64) -> Result<Imported, sqlx::Error> {
    let mut tx = db.begin().await?;
    let mut counts = Imported::default();
    let mut ids: BTreeMap<String, i64> = BTreeMap::new();
    for l in lines {
        let id = match ids.get(&l.code) {
            Some(id) => *id,
            None => {
                let existing: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM structures WHERE correspondent_code = $1")
                        .bind(&l.code)
                        .fetch_optional(&mut *tx)
                        .await?;
                let id = match existing {
                    Some(id) => id,
                    None => {
                        counts.structures_created += 1;
                        sqlx::query_scalar("INSERT INTO structures (correspondent_code, name, created_at) VALUES ($1, $2, $3) RETURNING id")
                            .bind(&l.code)
                            .bind(&l.structure_name)
                            .bind(now)
                            .fetch_one(&mut *tx)
                            .await?
                    }
                };
                ids.insert(l.code.clone(), id);
                id
            }
        };
        let inserted = sqlx::query(
            "INSERT INTO sites (structure_id, name, city, postcode, departement, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (structure_id, name) DO NOTHING",
        )
        .bind(id)
        .bind(&l.site_name)
        .bind(&l.city)
        .bind(&l.postcode)
        .bind(&l.departement)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            counts.sites_created += 1;
        } else {
            counts.sites_existing += 1;
        }
    }
    tx.commit().await?;
    Ok(counts)
}

/// Stores a validated calendar in one transaction (a département's date is replaced).
pub async fn import_rollout(db: &Db, rows: &[(u64, String, Date)]) -> Result<usize, sqlx::Error> {
    let mut tx = db.begin().await?;
    for (_, dep, date) in rows {
        sqlx::query("INSERT INTO rollout (departement, opens_on) VALUES ($1, $2) ON CONFLICT (departement) DO UPDATE SET opens_on = excluded.opens_on")
            .bind(dep)
            .bind(date.iso())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}
