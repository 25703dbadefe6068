//! Patient records and their activation codes (stored as keyed hashes only).

use crate::domain::activation_code::ActivationCode;
use crate::domain::date::Date;
use crate::platform::AppState;
use crate::platform::db::Tx;
use sqlx::Row;

/// The purpose label of activation-code hashes.
pub const CODE_PURPOSE: &str = "activation-code";

/// A patient record to create.
#[derive(Clone)]
pub struct NewRecord {
    /// The lab system's identifier of the record (dossier number).
    pub lab_reference: String,
    /// Used last name.
    pub last_name: String,
    /// Birth name, when different.
    pub birth_name: Option<String>,
    /// First names.
    pub first_names: String,
    /// Birth date.
    pub birth_date: Date,
    /// `F`, `M` or `U`.
    pub sex: String,
    /// NIR, checked, when known.
    pub nir: Option<String>,
}

impl std::fmt::Debug for NewRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewRecord(…)")
    }
}

/// Why a record line was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// A mandatory column is empty.
    #[error("{0} is empty")]
    Missing(&'static str),
    /// The birth date is not a date.
    #[error("birth date '{0}' is not a date (AAAA-MM-JJ or JJ/MM/AAAA)")]
    BirthDate(String),
    /// Sex is not F, M or U.
    #[error("sex '{0}' must be F, M or U")]
    Sex(String),
    /// The NIR's key is wrong.
    #[error("NIR is not valid (length or key)")]
    Nir,
}

impl NewRecord {
    /// Validates raw fields (from the CLI or a CSV line).
    pub fn parse(
        lab_reference: &str,
        last_name: &str,
        birth_name: &str,
        first_names: &str,
        birth_date: &str,
        sex: &str,
        nir: &str,
    ) -> Result<Self, RecordError> {
        let req = |v: &str, name: &'static str| {
            let v = v.trim();
            if v.is_empty() { Err(RecordError::Missing(name)) } else { Ok(v.to_string()) }
        };
        let sex_v = sex.trim().to_ascii_uppercase();
        let sex_v = match sex_v.as_str() {
            "F" | "M" | "U" => sex_v,
            "" => "U".to_string(),
            _ => return Err(RecordError::Sex(sex.trim().to_string())),
        };
        let nir = match nir.trim() {
            "" => None,
            n => Some(crate::domain::nir::parse_nir(n).ok_or(RecordError::Nir)?),
        };
        Ok(NewRecord {
            lab_reference: req(lab_reference, "lab_reference")?,
            last_name: req(last_name, "last_name")?,
            birth_name: Some(birth_name.trim().to_string()).filter(|b| !b.is_empty()),
            first_names: req(first_names, "first_names")?,
            birth_date: Date::parse(birth_date).map_err(|_| RecordError::BirthDate(birth_date.trim().to_string()))?,
            sex: sex_v,
            nir,
        })
    }
}

/// Stores a record and a new activation code for it, inside the caller's transaction;
/// returns the record id and the code (to print; it is not stored in clear).
pub async fn create(state: &AppState, tx: &mut Tx, record: &NewRecord) -> Result<(i64, ActivationCode), sqlx::Error> {
    let now = state.now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO patient_records (lab_reference, last_name, birth_name, first_names, birth_date, sex, nir, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&record.lab_reference)
    .bind(&record.last_name)
    .bind(&record.birth_name)
    .bind(&record.first_names)
    .bind(record.birth_date.iso())
    .bind(&record.sex)
    .bind(&record.nir)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let code = new_code(state, tx, id).await?;
    Ok((id, code))
}

/// Issues a new activation code for a record; returns it. Every earlier code of the record
/// is replaced for good: an unused one stops working, and a used one can never be freed
/// again (not even by refusing the link it made).
pub async fn new_code(state: &AppState, tx: &mut Tx, record_id: i64) -> Result<ActivationCode, sqlx::Error> {
    sqlx::query("UPDATE activation_codes SET replaced_at = $1 WHERE record_id = $2 AND replaced_at IS NULL")
        .bind(state.now())
        .bind(record_id)
        .execute(&mut **tx)
        .await?;
    loop {
        let code = ActivationCode::generate(&mut rand::rngs::OsRng);
        let inserted: Option<String> = sqlx::query_scalar(
            "INSERT INTO activation_codes (code_hash, record_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (code_hash) DO NOTHING RETURNING code_hash",
        )
        .bind(code_hash(state, &code))
        .bind(record_id)
        .bind(state.now())
        .fetch_optional(&mut **tx)
        .await?;
        if inserted.is_some() {
            return Ok(code);
        }
        // 50 random bits collided with an existing code: draw again.
    }
}

/// Stores a given code for a record (demo data with printed, fixed codes).
pub async fn attach_code(
    state: &AppState,
    tx: &mut Tx,
    record_id: i64,
    code: &ActivationCode,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO activation_codes (code_hash, record_id, created_at) VALUES ($1, $2, $3)")
        .bind(code_hash(state, code))
        .bind(record_id)
        .bind(state.now())
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// The keyed hash under which a code is stored.
pub fn code_hash(state: &AppState, code: &ActivationCode) -> String {
    state.keyed_hash(CODE_PURPOSE, code.as_canonical())
}

/// A code found by its hash, with its record.
#[derive(Clone)]
pub struct CodeMatch {
    /// Record id.
    pub record_id: i64,
    /// Record's birth date.
    pub birth_date: String,
    /// Used last name.
    pub last_name: String,
    /// Birth name.
    pub birth_name: Option<String>,
    /// First names.
    pub first_names: String,
    /// When the code was used, if it was.
    pub used_at: Option<i64>,
    /// Who used it.
    pub used_by: Option<i64>,
}

/// Finds a code.
pub async fn find_code(state: &AppState, code: &ActivationCode) -> Result<Option<CodeMatch>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT c.record_id, c.used_at, c.used_by_user_id, r.birth_date, r.last_name, r.birth_name, r.first_names \
         FROM activation_codes c JOIN patient_records r ON r.id = c.record_id \
         WHERE c.code_hash = $1 AND c.replaced_at IS NULL",
    )
    .bind(code_hash(state, code))
    .fetch_optional(state.db.pool())
    .await?;
    row.map(|r| {
        Ok(CodeMatch {
            record_id: r.try_get("record_id")?,
            birth_date: r.try_get("birth_date")?,
            last_name: r.try_get("last_name")?,
            birth_name: r.try_get("birth_name")?,
            first_names: r.try_get("first_names")?,
            used_at: r.try_get("used_at")?,
            used_by: r.try_get("used_by_user_id")?,
        })
    })
    .transpose()
}

/// Spends a code for a user, once: false when it was already spent (even by a concurrent
/// request a moment ago).
pub async fn spend_code(
    state: &AppState,
    tx: &mut Tx,
    code: &ActivationCode,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE activation_codes SET used_at = $1, used_by_user_id = $2 \
         WHERE code_hash = $3 AND used_at IS NULL AND replaced_at IS NULL",
    )
    .bind(state.now())
    .bind(user_id)
    .bind(code_hash(state, code))
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A profile (linked record) on an account.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Link id.
    pub link_id: i64,
    /// Record id.
    pub record_id: i64,
    /// self | child | dependent.
    pub relation: String,
    /// linked | lab_review | rejected.
    pub status: String,
    /// Patient's first names and last name as recorded.
    pub patient_name: String,
    /// Patient's birth date.
    pub birth_date: String,
    /// Why the lab refused the link, when it did.
    pub review_reason: Option<String>,
    /// (reference, partial|complete, available at) of each report.
    pub reports: Vec<(String, String, i64)>,
}

/// The profiles of an account, oldest first.
pub async fn profiles(state: &AppState, user_id: i64) -> Result<Vec<Profile>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT l.id, l.record_id, l.relation, l.status, l.review_reason, r.first_names, r.last_name, r.birth_date \
         FROM record_links l JOIN patient_records r ON r.id = l.record_id WHERE l.user_id = $1 ORDER BY l.id",
    )
    .bind(user_id)
    .fetch_all(state.db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let record_id: i64 = r.try_get("record_id")?;
        let status: String = r.try_get("status")?;
        let reports = if status == "linked" {
            sqlx::query(
                "SELECT reference, status, available_at FROM reports WHERE record_id = $1 ORDER BY available_at DESC",
            )
            .bind(record_id)
            .fetch_all(state.db.pool())
            .await?
            .into_iter()
            .map(|x| Ok((x.try_get("reference")?, x.try_get("status")?, x.try_get("available_at")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        } else {
            Vec::new()
        };
        let first: String = r.try_get("first_names")?;
        let last: String = r.try_get("last_name")?;
        out.push(Profile {
            link_id: r.try_get("id")?,
            record_id,
            relation: r.try_get("relation")?,
            status,
            patient_name: format!("{first} {last}"),
            birth_date: r.try_get("birth_date")?,
            review_reason: r.try_get("review_reason")?,
            reports,
        });
    }
    Ok(out)
}
