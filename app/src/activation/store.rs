//! The owner of `patient_records`, `activation_codes` and `record_links`: the lab's
//! records, their activation codes (stored as keyed hashes only), the links of records to
//! accounts (profiles) and the lab's review of links whose name did not match.

use crate::domain::activation_code::ActivationCode;
use crate::domain::date::Date;
use crate::platform::AppState;
use crate::platform::db::Tx;

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
    let id = insert_record(state, tx, record).await?;
    let code = new_code(state, tx, id).await?;
    Ok((id, code))
}

/// Stores a record without a code (the demo data attaches its printed ones).
pub async fn insert_record(state: &AppState, tx: &mut Tx, record: &NewRecord) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
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
    .bind(state.now())
    .fetch_one(&mut **tx)
    .await
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
#[derive(Clone, sqlx::FromRow)]
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
    #[sqlx(rename = "used_by_user_id")]
    pub used_by: Option<i64>,
}

/// Finds a code.
pub async fn find_code(state: &AppState, code: &ActivationCode) -> Result<Option<CodeMatch>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.record_id, c.used_at, c.used_by_user_id, r.birth_date, r.last_name, r.birth_name, r.first_names \
         FROM activation_codes c JOIN patient_records r ON r.id = c.record_id \
         WHERE c.code_hash = $1 AND c.replaced_at IS NULL",
    )
    .bind(code_hash(state, code))
    .fetch_optional(state.db.pool())
    .await
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
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Profile {
    /// Link id.
    #[sqlx(rename = "id")]
    pub link_id: i64,
    /// Record id.
    pub record_id: i64,
    /// self | child | dependent.
    pub relation: String,
    /// linked | lab_review | rejected.
    pub status: String,
    /// Patient's first names.
    pub first_names: String,
    /// Patient's last name.
    pub last_name: String,
    /// Patient's birth date.
    pub birth_date: String,
    /// Why the lab refused the link, when it did.
    pub review_reason: Option<String>,
}

impl Profile {
    /// The patient's first names and last name as recorded.
    pub fn patient_name(&self) -> String {
        format!("{} {}", self.first_names, self.last_name)
    }
}

/// The profiles of an account, oldest first.
pub async fn profiles(state: &AppState, user_id: i64) -> Result<Vec<Profile>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.id, l.record_id, l.relation, l.status, l.review_reason, r.first_names, r.last_name, r.birth_date \
         FROM record_links l JOIN patient_records r ON r.id = l.record_id WHERE l.user_id = $1 ORDER BY l.id",
    )
    .bind(user_id)
    .fetch_all(state.db.pool())
    .await
}

/// What the activation form asks to link.
pub struct NewLink<'a> {
    /// The account.
    pub user_id: i64,
    /// The record.
    pub record_id: i64,
    /// self | child | dependent.
    pub relation: &'a str,
    /// linked | lab_review.
    pub status: &'a str,
    /// The names typed for someone else's record.
    pub typed: Option<(&'a str, &'a str)>,
}

/// Links a record to an account (or sends the link to review); a link refused earlier is
/// replaced. Returns how many rows changed (0 when the record was already linked).
pub async fn link(tx: &mut Tx, link: &NewLink<'_>, now: i64) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO record_links (user_id, record_id, relation, status, typed_last_name, typed_first_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (user_id, record_id) DO UPDATE SET relation = excluded.relation, status = excluded.status, \
         typed_last_name = excluded.typed_last_name, typed_first_name = excluded.typed_first_name, \
         created_at = excluded.created_at, reviewed_at = NULL, reviewed_by = NULL, review_reason = NULL \
         WHERE record_links.status = 'rejected'",
    )
    .bind(link.user_id)
    .bind(link.record_id)
    .bind(link.relation)
    .bind(link.status)
    .bind(link.typed.map(|(l, _)| l))
    .bind(link.typed.map(|(_, f)| f))
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(|r| r.rows_affected())
}

/// A record link waiting for the lab's review: what the person typed and what the lab has.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReviewItem {
    /// The link's id.
    pub id: i64,
    /// When the person asked for the link (Unix milliseconds).
    #[sqlx(rename = "created_at")]
    pub asked_at: i64,
    /// self | child | dependent.
    pub relation: String,
    /// Last name typed for someone else's record.
    pub typed_last_name: Option<String>,
    /// First name typed for someone else's record.
    pub typed_first_name: Option<String>,
    /// The account holder's last name.
    pub account_last: String,
    /// The account holder's first name.
    pub account_first: String,
    /// The lab's reference of the record.
    pub lab_reference: String,
    /// The record's last name.
    pub last_name: String,
    /// The record's birth name, when it differs.
    pub birth_name: Option<String>,
    /// The record's first names.
    pub first_names: String,
    /// The record's birth date (ISO), which the person gave correctly.
    pub birth_date: String,
}

impl ReviewItem {
    /// The account holder's name.
    pub fn account_name(&self) -> String {
        format!("{} {}", self.account_first, self.account_last)
    }

    /// The name given for the patient: typed for someone else, the account's own otherwise.
    pub fn given_name(&self) -> String {
        match (&self.typed_first_name, &self.typed_last_name) {
            (Some(f), Some(l)) => format!("{f} {l}"),
            _ => self.account_name(),
        }
    }

    /// The record's first names and last name.
    pub fn record_name(&self) -> String {
        format!("{} {}", self.first_names, self.last_name)
    }

    /// The record's birth name, when there is one.
    pub fn record_birth_name(&self) -> Option<String> {
        self.birth_name.clone().filter(|s| !s.is_empty())
    }
}

/// The links waiting for review, oldest first, at most `limit`.
pub async fn waiting_review(db: &crate::platform::db::Db, limit: i64) -> Result<Vec<ReviewItem>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.id, l.created_at, l.relation, l.typed_last_name, l.typed_first_name, \
                u.last_name AS account_last, u.first_name AS account_first, \
                r.lab_reference, r.last_name, r.birth_name, r.first_names, r.birth_date \
         FROM record_links l JOIN users u ON u.id = l.user_id JOIN patient_records r ON r.id = l.record_id \
         WHERE l.status = 'lab_review' ORDER BY l.created_at, l.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

/// How many links wait for review (the back-office navigation badge).
pub async fn waiting_review_count(db: &crate::platform::db::Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM record_links WHERE status = 'lab_review'").fetch_one(db.pool()).await
}

/// Moves a link out of review, once: `None` when it was no longer waiting; else its
/// (account, record).
pub async fn decide_review(
    tx: &mut Tx,
    id: i64,
    linked: bool,
    reason: Option<&str>,
    agent: i64,
    now: i64,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE record_links SET status = $1, review_reason = $2, reviewed_at = $3, reviewed_by = $4 \
         WHERE id = $5 AND status = 'lab_review' RETURNING user_id, record_id",
    )
    .bind(if linked { "linked" } else { "rejected" })
    .bind(reason)
    .bind(now)
    .bind(agent)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
}

/// Frees the code an account spent on a record whose link was refused, so it can be
/// entered again — unless the lab replaced that code meanwhile: a replaced code stays dead.
pub async fn free_code(tx: &mut Tx, record_id: i64, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE activation_codes SET used_at = NULL, used_by_user_id = NULL \
         WHERE record_id = $1 AND used_by_user_id = $2 AND replaced_at IS NULL",
    )
    .bind(record_id)
    .bind(user_id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// A record found by its lab reference.
pub async fn record_by_reference(db: &crate::platform::db::Db, reference: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM patient_records WHERE lab_reference = $1")
        .bind(reference)
        .fetch_optional(db.pool())
        .await
}

/// Erases the names typed for links decided long ago, and deletes refused links older than
/// `refused_before` (retention); returns the rows changed.
pub async fn purge_reviewed(
    db: &crate::platform::db::Db,
    names_before: i64,
    refused_before: i64,
) -> Result<u64, sqlx::Error> {
    let names = sqlx::query(
        "UPDATE record_links SET typed_last_name = NULL, typed_first_name = NULL \
         WHERE reviewed_at IS NOT NULL AND reviewed_at < $1 AND (typed_last_name IS NOT NULL OR typed_first_name IS NOT NULL)",
    )
    .bind(names_before)
    .execute(db.pool())
    .await?
    .rows_affected();
    let refused = sqlx::query("DELETE FROM record_links WHERE status = 'rejected' AND reviewed_at < $1")
        .bind(refused_before)
        .execute(db.pool())
        .await?
        .rows_affected();
    Ok(names + refused)
}

/// An account to tell about a new report of a record.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RecordHolder {
    /// The account.
    pub user_id: i64,
    /// Their address.
    pub email: String,
    /// First name, for the greeting.
    pub first_name: String,
    /// `fr` or `en`.
    pub lang: String,
}

/// The active accounts a record is linked to (not those awaiting the lab's review) that
/// have not turned report e-mails off.
pub async fn holders_to_notify(tx: &mut Tx, record_id: i64) -> Result<Vec<RecordHolder>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id AS user_id, u.email, u.first_name, u.lang FROM record_links l JOIN users u ON u.id = l.user_id \
         WHERE l.record_id = $1 AND l.status = 'linked' AND u.status = 'active' AND u.report_emails = 1 ORDER BY u.id",
    )
    .bind(record_id)
    .fetch_all(&mut **tx)
    .await
}

/// A patient record as the lab system described it.
#[derive(Clone, sqlx::FromRow)]
pub struct RecordRow {
    /// Id.
    pub id: i64,
    /// Used last name.
    pub last_name: String,
    /// Birth name.
    pub birth_name: Option<String>,
    /// First names.
    pub first_names: String,
    /// AAAA-MM-JJ.
    pub birth_date: String,
    /// F, M or U.
    pub sex: String,
    /// NIR.
    pub nir: Option<String>,
}

impl std::fmt::Debug for RecordRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecordRow({})", self.id)
    }
}

const RECORD_BY_REFERENCE: &str =
    "SELECT id, last_name, birth_name, first_names, birth_date, sex, nir FROM patient_records WHERE lab_reference = $1";

/// A record by its lab reference, inside a transaction.
pub async fn record_row(tx: &mut Tx, reference: &str) -> Result<Option<RecordRow>, sqlx::Error> {
    sqlx::query_as(RECORD_BY_REFERENCE).bind(reference).fetch_optional(&mut **tx).await
}

/// A record by its lab reference, read outside any transaction.
pub async fn find_record_row(db: &crate::platform::db::Db, reference: &str) -> Result<Option<RecordRow>, sqlx::Error> {
    sqlx::query_as(RECORD_BY_REFERENCE).bind(reference).fetch_optional(db.pool()).await
}

/// Creates a record unless its reference exists; `None` when it does (a concurrent
/// request created it).
pub async fn insert_record_if_absent(
    state: &AppState,
    tx: &mut Tx,
    record: &NewRecord,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO patient_records (lab_reference, last_name, birth_name, first_names, birth_date, sex, nir, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (lab_reference) DO NOTHING RETURNING id",
    )
    .bind(&record.lab_reference)
    .bind(&record.last_name)
    .bind(&record.birth_name)
    .bind(&record.first_names)
    .bind(record.birth_date.iso())
    .bind(&record.sex)
    .bind(&record.nir)
    .bind(state.now())
    .fetch_optional(&mut **tx)
    .await
}

/// Replaces a record's identity with what the lab system sent.
pub async fn update_identity(tx: &mut Tx, id: i64, record: &NewRecord) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE patient_records SET last_name = $1, birth_name = $2, first_names = $3, birth_date = $4, sex = $5, nir = $6 \
         WHERE id = $7",
    )
    .bind(&record.last_name)
    .bind(&record.birth_name)
    .bind(&record.first_names)
    .bind(record.birth_date.iso())
    .bind(&record.sex)
    .bind(&record.nir)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Sends a record's links back to the lab's review queue (its birth date changed: the
/// person who linked it may not be the patient). Returns how many links went back.
pub async fn send_links_to_review(tx: &mut Tx, record_id: i64, now: i64) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "UPDATE record_links SET status = 'lab_review', created_at = $1, reviewed_at = NULL, reviewed_by = NULL \
         WHERE record_id = $2 AND status = 'linked'",
    )
    .bind(now)
    .bind(record_id)
    .execute(&mut **tx)
    .await
    .map(|r| r.rows_affected())
}

/// The lab reference of a record.
pub async fn reference_of(db: &crate::platform::db::Db, record_id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT lab_reference FROM patient_records WHERE id = $1")
        .bind(record_id)
        .fetch_one(db.pool())
        .await
}

/// A record as the front desk sees it, to check against the person's identity document.
#[derive(sqlx::FromRow)]
pub struct DeskRecord {
    /// Id.
    pub id: i64,
    /// The lab's reference.
    pub lab_reference: String,
    /// Used last name.
    pub last_name: String,
    /// Birth name.
    pub birth_name: Option<String>,
    /// First names.
    pub first_names: String,
    /// `AAAA-MM-JJ`.
    pub birth_date: String,
}

impl std::fmt::Debug for DeskRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeskRecord({})", self.id)
    }
}

const DESK_COLUMNS: &str = "id, lab_reference, last_name, birth_name, first_names, birth_date";

/// Records by lab reference (at most one) for the front desk.
pub async fn desk_by_reference(db: &crate::platform::db::Db, reference: &str) -> Result<Vec<DeskRecord>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {DESK_COLUMNS} FROM patient_records WHERE lab_reference = $1"))
        .bind(reference)
        .fetch_all(db.pool())
        .await
}

/// Records with this NIR (the caller compares the names) for the front desk.
pub async fn desk_by_nir(db: &crate::platform::db::Db, nir: &str) -> Result<Vec<DeskRecord>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {DESK_COLUMNS} FROM patient_records WHERE nir = $1 ORDER BY id LIMIT 20"))
        .bind(nir)
        .fetch_all(db.pool())
        .await
}

/// One record for the front desk.
pub async fn desk_record(db: &crate::platform::db::Db, id: i64) -> Result<Option<DeskRecord>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {DESK_COLUMNS} FROM patient_records WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// Removes one of an account's profiles (unlinks the record from it); the record and its
/// code stay with the lab. Returns the record id, or `None` when the link is not this
/// account's.
pub async fn unlink(tx: &mut Tx, link_id: i64, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("DELETE FROM record_links WHERE id = $1 AND user_id = $2 RETURNING record_id")
        .bind(link_id)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await
}

/// Deletes every link of account `user_id` to a lab record (the account is erased; the lab
/// keeps its records, and the audit log keeps that they were linked).
pub async fn erase_links_of(tx: &mut Tx, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM record_links WHERE user_id = $1").bind(user_id).execute(&mut **tx).await.map(|_| ())
}
