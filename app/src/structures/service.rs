//! Reading structures, sites, approvers and the roll-out calendar.

use super::lookup::{ApproverInfo, SiteInfo, StructureInfo, StructureLookup};
use crate::domain::date::{Date, month_name};
use crate::domain::structure::{CorrespondentCode, Opening, opening};
use crate::i18n::Lang;
use crate::platform::db::Db;
use sqlx::Row;

/// A structure row.
#[derive(Clone, Debug)]
pub struct Structure {
    /// Id.
    pub id: i64,
    /// Canonical correspondent code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// Finds a structure by its (canonical) correspondent code.
pub async fn find_by_code(db: &Db, code: &CorrespondentCode) -> Result<Option<Structure>, sqlx::Error> {
    let row = sqlx::query("SELECT id, correspondent_code, name FROM structures WHERE correspondent_code = $1")
        .bind(code.as_str())
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| {
        Ok(Structure { id: r.try_get("id")?, code: r.try_get("correspondent_code")?, name: r.try_get("name")? })
    })
    .transpose()
}

/// Finds a structure by id.
pub async fn find(db: &Db, id: i64) -> Result<Option<Structure>, sqlx::Error> {
    let row = sqlx::query("SELECT id, correspondent_code, name FROM structures WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| {
        Ok(Structure { id: r.try_get("id")?, code: r.try_get("correspondent_code")?, name: r.try_get("name")? })
    })
    .transpose()
}

/// The sites of a structure, by name.
pub async fn sites(db: &Db, structure_id: i64) -> Result<Vec<SiteInfo>, sqlx::Error> {
    sqlx::query("SELECT id, name, city, postcode FROM sites WHERE structure_id = $1 ORDER BY name")
        .bind(structure_id)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| {
            Ok(SiteInfo {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                city: r.try_get("city")?,
                postcode: r.try_get("postcode")?,
            })
        })
        .collect()
}

/// The active approvers of a structure: its active biologists and the users support
/// designated for it, by name.
pub async fn approvers(db: &Db, structure_id: i64) -> Result<Vec<ApproverInfo>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT u.id, u.first_name, u.last_name FROM users u \
         JOIN professional_access pa ON pa.user_id = u.id \
         WHERE pa.structure_id = $1 AND pa.profile = 'biologist' AND u.status = 'active' \
         UNION \
         SELECT u.id, u.first_name, u.last_name FROM users u \
         JOIN approver_delegations d ON d.user_id = u.id \
         WHERE d.structure_id = $1 AND d.revoked_at IS NULL AND u.status = 'active' \
         ORDER BY 3, 2",
    )
    .bind(structure_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            let first: String = r.try_get("first_name")?;
            let last: String = r.try_get("last_name")?;
            Ok(ApproverInfo { id: r.try_get("id")?, name: format!("{first} {last}") })
        })
        .collect()
}

/// Whether sign-up is open for a structure today.
pub async fn opening_of(db: &Db, structure_id: i64, today: Date) -> Result<Opening, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.opens_on FROM sites s LEFT JOIN rollout r ON r.departement = s.departement WHERE s.structure_id = $1",
    )
    .bind(structure_id)
    .fetch_all(db.pool())
    .await?;
    let dates: Vec<Option<Date>> = rows
        .into_iter()
        .map(|r| r.try_get::<Option<String>, _>("opens_on").map(|d| d.and_then(|d| Date::parse(&d).ok())))
        .collect::<Result<_, _>>()?;
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
