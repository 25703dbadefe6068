//! The owner of `reports`, `report_versions`, `invoices`, `digest_items` and
//! `document_accesses`: what the lab system published, version by version, what waits for
//! a professional's digest, and every opening of a result or an invoice.

use crate::domain::access_request::SiteScope;
use crate::platform::db::{Db, Tx};

/// A report's head row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Report {
    /// Id.
    pub id: i64,
    /// The patient record it belongs to.
    pub record_id: i64,
    /// The lab's reference of the report.
    pub reference: String,
    /// `partial` or `complete` (the latest version's).
    pub status: String,
    /// Sampling date of the latest version (AAAA-MM-JJ); `None` for reports announced
    /// before the lab interface (demo data).
    pub sampled_on: Option<String>,
    /// Title of the latest version.
    pub title: Option<String>,
    /// Prescribing structure, if any.
    pub structure_id: Option<i64>,
    /// Prescribing site, if any.
    pub site_id: Option<i64>,
    /// When the latest version became available.
    pub available_at: i64,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<i64>,
}

const REPORT_COLUMNS: &str =
    "id, record_id, reference, status, sampled_on, title, structure_id, site_id, available_at, withdrawn_at";

/// A report by its lab reference (withdrawn ones included).
pub async fn report_by_reference(tx: &mut Tx, reference: &str) -> Result<Option<Report>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {REPORT_COLUMNS} FROM reports WHERE reference = $1"))
        .bind(reference)
        .fetch_optional(&mut **tx)
        .await
}

/// Same, outside a transaction.
pub async fn find_report(db: &Db, reference: &str) -> Result<Option<Report>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {REPORT_COLUMNS} FROM reports WHERE reference = $1"))
        .bind(reference)
        .fetch_optional(db.pool())
        .await
}

/// One version of a report.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Version {
    /// 1, 2…
    pub version: i64,
    /// `partial` or `complete`.
    pub status: String,
    /// Sampling date (AAAA-MM-JJ).
    pub sampled_on: String,
    /// Title.
    pub title: String,
    /// The sealed PDF.
    pub document_id: i64,
    /// Fingerprint of what the lab sent (metadata and PDF): the same body twice is one version.
    pub body_hash: String,
    /// When it was received.
    pub created_at: i64,
}

/// The versions of a report, latest first.
pub async fn versions(db: &Db, report_id: i64) -> Result<Vec<Version>, sqlx::Error> {
    sqlx::query_as(
        "SELECT version, status, sampled_on, title, document_id, body_hash, created_at FROM report_versions \
         WHERE report_id = $1 ORDER BY version DESC",
    )
    .bind(report_id)
    .fetch_all(db.pool())
    .await
}

/// Locks a report's head row until the transaction ends, so that two versions of one report
/// sent at once queue (a no-op update: `BEGIN IMMEDIATE` already serialises SQLite; on
/// PostgreSQL it takes the row lock).
pub async fn lock_report(tx: &mut Tx, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE reports SET updated_at = updated_at WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// The latest version of a report, inside a transaction.
pub async fn latest_version(tx: &mut Tx, report_id: i64) -> Result<Option<Version>, sqlx::Error> {
    sqlx::query_as(
        "SELECT version, status, sampled_on, title, document_id, body_hash, created_at FROM report_versions \
         WHERE report_id = $1 ORDER BY version DESC LIMIT 1",
    )
    .bind(report_id)
    .fetch_optional(&mut **tx)
    .await
}

/// The number of the version of a report that had exactly this body, if one had.
pub async fn version_with_body(tx: &mut Tx, report_id: i64, body_hash: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MAX(version) FROM report_versions WHERE report_id = $1 AND body_hash = $2")
        .bind(report_id)
        .bind(body_hash)
        .fetch_one(&mut **tx)
        .await
}

/// What a new report version says.
#[derive(Debug, Clone)]
pub struct ReportHead<'a> {
    /// The patient record.
    pub record_id: i64,
    /// The lab's reference.
    pub reference: &'a str,
    /// `partial` or `complete`.
    pub status: &'a str,
    /// AAAA-MM-JJ.
    pub sampled_on: &'a str,
    /// Title.
    pub title: &'a str,
    /// Prescribing structure.
    pub structure_id: Option<i64>,
    /// Prescribing site.
    pub site_id: Option<i64>,
}

/// Creates a report's head row; `None` if the reference exists already (a concurrent
/// request created it: the caller starts again).
pub async fn insert_report(tx: &mut Tx, head: &ReportHead<'_>, now: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO reports (record_id, reference, status, sampled_on, title, structure_id, site_id, available_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (reference) DO NOTHING RETURNING id",
    )
    .bind(head.record_id)
    .bind(head.reference)
    .bind(head.status)
    .bind(head.sampled_on)
    .bind(head.title)
    .bind(head.structure_id)
    .bind(head.site_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await
}

/// Adds version `version` of a report and makes the head say what it says (and no longer
/// withdrawn). `false` if that version number was taken by a concurrent request.
pub async fn add_version(
    tx: &mut Tx,
    report_id: i64,
    version: i64,
    head: &ReportHead<'_>,
    document_id: i64,
    body_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO report_versions (report_id, version, status, sampled_on, title, document_id, body_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (report_id, version) DO NOTHING RETURNING id",
    )
    .bind(report_id)
    .bind(version)
    .bind(head.status)
    .bind(head.sampled_on)
    .bind(head.title)
    .bind(document_id)
    .bind(body_hash)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    if inserted.is_none() {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE reports SET status = $1, sampled_on = $2, title = $3, structure_id = $4, site_id = $5, \
         available_at = $6, updated_at = $6, withdrawn_at = NULL WHERE id = $7",
    )
    .bind(head.status)
    .bind(head.sampled_on)
    .bind(head.title)
    .bind(head.structure_id)
    .bind(head.site_id)
    .bind(now)
    .bind(report_id)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Withdraws a report; `false` if it was already withdrawn.
pub async fn withdraw_report(tx: &mut Tx, report_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE reports SET withdrawn_at = $1, updated_at = $1 WHERE id = $2 AND withdrawn_at IS NULL")
        .bind(now)
        .bind(report_id)
        .execute(&mut **tx)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Records that a report is available without a document (the demo data's announcements,
/// from before the lab interface).
pub async fn announce_report(
    tx: &mut Tx,
    record_id: i64,
    reference: &str,
    status: &str,
    available_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO reports (record_id, reference, status, sampled_on, available_at, updated_at) VALUES ($1, $2, $3, NULL, $4, $4)",
    )
    .bind(record_id)
    .bind(reference)
    .bind(status)
    .bind(available_at)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// A report as listed on a profile.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportLine {
    /// The lab's reference of the report.
    pub reference: String,
    /// partial | complete.
    pub status: String,
    /// When it became available.
    pub available_at: i64,
}

/// The reports of a record that are not withdrawn, newest first.
pub async fn reports_of(db: &Db, record_id: i64) -> Result<Vec<ReportLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT reference, status, available_at FROM reports WHERE record_id = $1 AND withdrawn_at IS NULL \
         ORDER BY available_at DESC",
    )
    .bind(record_id)
    .fetch_all(db.pool())
    .await
}

/// An invoice row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invoice {
    /// Id.
    pub id: i64,
    /// The lab's reference.
    pub reference: String,
    /// Billed structure.
    pub structure_id: i64,
    /// Its site.
    pub site_id: i64,
    /// First day of the period (AAAA-MM-JJ).
    pub period_start: String,
    /// Last day of the period.
    pub period_end: String,
    /// Amount in euro cents.
    pub amount_cents: i64,
    /// Due date (AAAA-MM-JJ).
    pub due_on: String,
    /// The sealed PDF of the latest version.
    pub document_id: i64,
    /// Fingerprint of what the lab sent.
    pub body_hash: String,
    /// 1, 2…
    pub version: i64,
    /// When withdrawn, if it was.
    pub withdrawn_at: Option<i64>,
}

const INVOICE_COLUMNS: &str = "id, reference, structure_id, site_id, period_start, period_end, amount_cents, due_on, \
     document_id, body_hash, version, withdrawn_at";

/// An invoice by reference, inside a transaction.
pub async fn invoice_by_reference(tx: &mut Tx, reference: &str) -> Result<Option<Invoice>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {INVOICE_COLUMNS} FROM invoices WHERE reference = $1"))
        .bind(reference)
        .fetch_optional(&mut **tx)
        .await
}

/// Locks an invoice's row, if it exists, until the transaction ends (a no-op update), so
/// that concurrent new versions of one invoice queue instead of failing; SQLite's write
/// transaction already serialises them.
pub async fn lock_invoice(tx: &mut Tx, reference: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE invoices SET updated_at = updated_at WHERE reference = $1")
        .bind(reference)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Same, outside a transaction.
pub async fn find_invoice(db: &Db, reference: &str) -> Result<Option<Invoice>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {INVOICE_COLUMNS} FROM invoices WHERE reference = $1"))
        .bind(reference)
        .fetch_optional(db.pool())
        .await
}

/// What an invoice version says.
#[derive(Debug, Clone)]
pub struct InvoiceBody<'a> {
    /// The lab's reference.
    pub reference: &'a str,
    /// Billed structure.
    pub structure_id: i64,
    /// Its site.
    pub site_id: i64,
    /// Period.
    pub period_start: &'a str,
    /// Period.
    pub period_end: &'a str,
    /// Euro cents.
    pub amount_cents: i64,
    /// Due date.
    pub due_on: &'a str,
}

/// Creates an invoice (version 1); `None` if the reference exists (concurrent request).
pub async fn insert_invoice(
    tx: &mut Tx,
    body: &InvoiceBody<'_>,
    document_id: i64,
    body_hash: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO invoices (reference, structure_id, site_id, period_start, period_end, amount_cents, due_on, \
         document_id, body_hash, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) \
         ON CONFLICT (reference) DO NOTHING RETURNING id",
    )
    .bind(body.reference)
    .bind(body.structure_id)
    .bind(body.site_id)
    .bind(body.period_start)
    .bind(body.period_end)
    .bind(body.amount_cents)
    .bind(body.due_on)
    .bind(document_id)
    .bind(body_hash)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await
}

/// Replaces an invoice's content by a new version, if it is still at `from_version`.
pub async fn replace_invoice(
    tx: &mut Tx,
    id: i64,
    from_version: i64,
    body: &InvoiceBody<'_>,
    document_id: i64,
    body_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE invoices SET structure_id = $1, site_id = $2, period_start = $3, period_end = $4, amount_cents = $5, \
         due_on = $6, document_id = $7, body_hash = $8, version = version + 1, withdrawn_at = NULL, updated_at = $9 \
         WHERE id = $10 AND version = $11",
    )
    .bind(body.structure_id)
    .bind(body.site_id)
    .bind(body.period_start)
    .bind(body.period_end)
    .bind(body.amount_cents)
    .bind(body.due_on)
    .bind(document_id)
    .bind(body_hash)
    .bind(now)
    .bind(id)
    .bind(from_version)
    .execute(&mut **tx)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Withdraws an invoice; `false` if it already was.
pub async fn withdraw_invoice(tx: &mut Tx, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE invoices SET withdrawn_at = $1, updated_at = $1 WHERE id = $2 AND withdrawn_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Puts an item in a professional's next digest.
pub async fn add_digest_item(tx: &mut Tx, user_id: i64, kind: &str, item_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO digest_items (user_id, kind, item_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(kind)
        .bind(item_id)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Takes an item out of every digest (withdrawn document).
pub async fn drop_digest_items(tx: &mut Tx, kind: &str, item_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM digest_items WHERE kind = $1 AND item_id = $2")
        .bind(kind)
        .bind(item_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// A professional's pending digest: how many reports and invoices.
#[derive(Debug, Clone)]
pub struct DigestDue {
    /// The professional.
    pub user_id: i64,
    /// Reports waiting.
    pub reports: i64,
    /// Invoices waiting.
    pub invoices: i64,
}

/// Claims the digest items created before `cutoff` (deletes them) and returns their count
/// per professional. Run in the transaction that queues the digests: two instances never
/// send the same item.
pub async fn take_digests(tx: &mut Tx, cutoff: i64) -> Result<Vec<DigestDue>, sqlx::Error> {
    // DELETE … RETURNING: the claim and the read are one statement, so a second instance
    // running at the same time gets the rows the first did not take, never the same ones.
    let rows: Vec<(i64, String)> =
        sqlx::query_as("DELETE FROM digest_items WHERE created_at < $1 RETURNING user_id, kind")
            .bind(cutoff)
            .fetch_all(&mut **tx)
            .await?;
    let mut due: std::collections::BTreeMap<i64, DigestDue> = Default::default();
    for (user_id, kind) in rows {
        let entry = due.entry(user_id).or_insert(DigestDue { user_id, reports: 0, invoices: 0 });
        if kind == "invoice" {
            entry.invoices += 1;
        } else {
            entry.reports += 1;
        }
    }
    Ok(due.into_values().collect())
}

/// A report as its patient (or parent, carer) sees it in the list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PatientReport {
    /// Report id.
    pub id: i64,
    /// The record (profile) it belongs to.
    pub record_id: i64,
    /// Title of the latest version (none for reports announced before the lab interface).
    pub title: Option<String>,
    /// Sampling date (AAAA-MM-JJ).
    pub sampled_on: Option<String>,
    /// `partial` or `complete`.
    pub status: String,
    /// When the latest version became available.
    pub available_at: i64,
    /// The latest version's number (0: no document yet).
    pub version: i64,
    /// Whether this person has opened it since its latest version.
    #[sqlx(try_from = "i64")]
    pub opened: crate::platform::db::Flag,
}

const PATIENT_REPORT: &str = "SELECT r.id, r.record_id, r.title, r.sampled_on, r.status, r.available_at, \
     COALESCE((SELECT MAX(v.version) FROM report_versions v WHERE v.report_id = r.id), 0) AS version, \
     CASE WHEN EXISTS (SELECT 1 FROM document_accesses a WHERE a.item_kind = 'report' AND a.item_id = r.id \
       AND a.user_id = l.user_id AND a.at >= r.available_at) THEN 1 ELSE 0 END AS opened \
     FROM reports r JOIN record_links l ON l.record_id = r.record_id \
     WHERE l.user_id = $1 AND l.status = 'linked' AND r.withdrawn_at IS NULL";

/// The reports of every record linked to an account, newest first (withdrawn ones and
/// records still under the lab's review excluded).
pub async fn patient_reports(db: &Db, user_id: i64) -> Result<Vec<PatientReport>, sqlx::Error> {
    sqlx::query_as(&format!("{PATIENT_REPORT} ORDER BY r.available_at DESC, r.id DESC"))
        .bind(user_id)
        .fetch_all(db.pool())
        .await
}

/// The newest report of the records linked to an account, for its home page.
pub async fn newest_patient_report(db: &Db, user_id: i64) -> Result<Option<PatientReport>, sqlx::Error> {
    sqlx::query_as(&format!("{PATIENT_REPORT} ORDER BY r.available_at DESC, r.id DESC LIMIT 1"))
        .bind(user_id)
        .fetch_optional(db.pool())
        .await
}

/// One report, if the account may see it (linked record, not withdrawn): the permission
/// check is the query itself.
pub async fn patient_report(db: &Db, user_id: i64, report_id: i64) -> Result<Option<PatientReport>, sqlx::Error> {
    sqlx::query_as(&format!("{PATIENT_REPORT} AND r.id = $2"))
        .bind(user_id)
        .bind(report_id)
        .fetch_optional(db.pool())
        .await
}

/// Records that a person opened or downloaded a version of a document.
#[allow(clippy::too_many_arguments)]
pub async fn record_access(
    tx: &mut Tx,
    document_id: i64,
    item_kind: &str,
    item_id: i64,
    version: i64,
    user_id: i64,
    member_user_id: Option<i64>,
    action: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO document_accesses (document_id, item_kind, item_id, version, user_id, member_user_id, action, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(document_id)
    .bind(item_kind)
    .bind(item_id)
    .bind(version)
    .bind(user_id)
    .bind(member_user_id)
    .bind(action)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// One opening of a document, as its history shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Access {
    /// When.
    pub at: i64,
    /// Who (none if the account was deleted).
    pub user_id: Option<i64>,
    /// Their name.
    pub name: Option<String>,
    /// `patient`, `professional` or `support`.
    pub kind: Option<String>,
    /// Their structure, for a professional.
    pub structure_name: Option<String>,
    /// `open` or `download`.
    pub action: String,
    /// Which version.
    pub version: i64,
    /// For a shared account: the member who opened it.
    pub member_name: Option<String>,
}

/// Who opened a report or an invoice, newest first.
pub async fn accesses(db: &Db, item_kind: &str, item_id: i64) -> Result<Vec<Access>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.at, a.user_id, TRIM(u.first_name || ' ' || u.last_name) AS name, u.kind, s.name AS structure_name, a.action, a.version, \
                CASE WHEN m.id IS NULL THEN NULL ELSE m.first_name || ' ' || m.last_name END AS member_name \
         FROM document_accesses a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN users m ON m.id = a.member_user_id \
         LEFT JOIN professional_access pa ON pa.user_id = a.user_id LEFT JOIN structures s ON s.id = pa.structure_id \
         WHERE a.item_kind = $1 AND a.item_id = $2 ORDER BY a.at DESC, a.id DESC",
    )
    .bind(item_kind)
    .bind(item_id)
    .fetch_all(db.pool())
    .await
}

/// What a professional (or a shared account) may see: their structure, all its sites or
/// the chosen ones (as their access holds them, read by `professional::store`).
#[derive(Debug, Clone)]
pub struct ProScope {
    /// The professional, or the shared account.
    pub user_id: i64,
    /// Their structure.
    pub structure_id: i64,
    /// Every site of it, or the chosen ones.
    pub sites: crate::domain::access_request::SiteScope,
}

impl ProScope {
    /// The scope of a professional's access.
    pub fn of(access: &crate::professional::store::ProAccess) -> Self {
        ProScope { user_id: access.user_id, structure_id: access.structure_id, sites: access.scope.clone() }
    }
}

/// Adds the scope's conditions on `alias` (a table with `structure_id`, `site_id`,
/// `withdrawn_at`).
fn push_scope(q: &mut sqlx::QueryBuilder<'_, sqlx::Any>, alias: &str, scope: &ProScope) {
    q.push(format!(" {alias}.structure_id = ")).push_bind(scope.structure_id);
    q.push(format!(" AND {alias}.withdrawn_at IS NULL"));
    if !scope.sites.is_all() {
        // A chosen subset is never empty (`SiteScope::new`); `-1` keeps the list valid SQL
        // and matches no site should one ever be.
        q.push(format!(" AND {alias}.site_id IN (-1"));
        for site in scope.sites.selected() {
            q.push(", ").push_bind(*site);
        }
        q.push(")");
    }
}

/// A report as a professional's list shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProReport {
    /// Report id.
    pub id: i64,
    /// The patient's names.
    pub patient: String,
    /// Birth date (AAAA-MM-JJ).
    pub birth_date: String,
    /// Title.
    pub title: Option<String>,
    /// Sampling date.
    pub sampled_on: Option<String>,
    /// `partial` or `complete`.
    pub status: String,
    /// When the latest version became available.
    pub available_at: i64,
    /// The site's name.
    pub site_name: Option<String>,
    /// Size in bytes of the latest version's PDF (none before the lab sent one).
    pub size: Option<i64>,
    /// Whether this person opened it since its latest version.
    #[sqlx(try_from = "i64")]
    pub opened: crate::platform::db::Flag,
}

/// Filters of the Results list.
#[derive(Debug, Clone, Default)]
pub struct ProFilter {
    /// One of the person's sites.
    pub site_id: Option<i64>,
    /// `partial` or `complete`.
    pub status: Option<String>,
    /// Only those not opened yet.
    pub new_only: bool,
    /// Keyset: after this (available_at, id), newest first.
    pub after: Option<(i64, i64)>,
    /// One patient's record (from the NIR search).
    pub record_id: Option<i64>,
    /// Sampled on or after this date (AAAA-MM-JJ).
    pub sampled_from: Option<String>,
    /// Sampled on or before this date (AAAA-MM-JJ).
    pub sampled_to: Option<String>,
}

const PRO_REPORT_SELECT: &str = "SELECT r.id, p.first_names || ' ' || p.last_name AS patient, p.birth_date, r.title, \
     r.sampled_on, r.status, r.available_at, s.name AS site_name, (SELECT d.size FROM report_versions v \
     JOIN documents d ON d.id = v.document_id WHERE v.report_id = r.id ORDER BY v.version DESC LIMIT 1) AS size, \
     CASE WHEN EXISTS (SELECT 1 FROM document_accesses a WHERE a.item_kind = 'report' AND a.item_id = r.id AND a.user_id = ";
const PRO_REPORT_FROM: &str = " AND a.at >= r.available_at) THEN 1 ELSE 0 END AS opened FROM reports r \
     JOIN patient_records p ON p.id = r.record_id LEFT JOIN sites s ON s.id = r.site_id WHERE";

/// Adds one branch of the Results list: the scope, the filters, `site` when given, and the
/// order and limit (so each branch walks `reports_prescriber` or `reports_structure_recent`
/// backwards and stops early, whatever plan the database keeps for the statement).
fn push_report_branch(
    q: &mut sqlx::QueryBuilder<'_, sqlx::Any>,
    scope: &ProScope,
    f: &ProFilter,
    site: Option<i64>,
    limit: i64,
) {
    q.push(PRO_REPORT_SELECT).push_bind(scope.user_id).push(PRO_REPORT_FROM);
    push_scope(q, "r", scope);
    if let Some(site) = site {
        q.push(" AND r.site_id = ").push_bind(site);
    }
    if let Some(status) = &f.status {
        q.push(" AND r.status = ").push_bind(status.clone());
    }
    if let Some(record) = f.record_id {
        q.push(" AND r.record_id = ").push_bind(record);
    }
    if let Some(from) = &f.sampled_from {
        q.push(" AND r.sampled_on >= ").push_bind(from.clone());
    }
    if let Some(to) = &f.sampled_to {
        q.push(" AND r.sampled_on <= ").push_bind(to.clone());
    }
    if f.new_only {
        q.push(" AND NOT EXISTS (SELECT 1 FROM document_accesses a2 WHERE a2.item_kind = 'report' AND a2.item_id = r.id AND a2.user_id = ")
            .push_bind(scope.user_id)
            .push(" AND a2.at >= r.available_at)");
    }
    if let Some((at, id)) = f.after {
        q.push(" AND (r.available_at < ").push_bind(at).push(" OR (r.available_at = ").push_bind(at);
        q.push(" AND r.id < ").push_bind(id).push("))");
    }
    q.push(format!(" ORDER BY r.available_at DESC, r.id DESC LIMIT {limit}"));
}

/// A page of the reports a professional may see, newest first (keyset paging: the next
/// page starts after the last row's `(available_at, id)`). Someone limited to some sites
/// gets one branch per site, merged: a sort of at most `limit` rows per site, never of all
/// the reports of those sites.
pub async fn pro_reports(db: &Db, scope: &ProScope, f: &ProFilter, limit: i64) -> Result<Vec<ProReport>, sqlx::Error> {
    let limit = limit.clamp(1, 200);
    let branches: Vec<Option<i64>> = match (f.site_id, &scope.sites) {
        (Some(site), _) => vec![Some(site)],
        (None, SiteScope::All) => vec![None],
        (None, SiteScope::Selected(sites)) => sites.iter().copied().map(Some).collect(),
    };
    let mut q = sqlx::QueryBuilder::new("");
    match branches.as_slice() {
        [] => return Ok(Vec::new()),
        [one] => push_report_branch(&mut q, scope, f, *one, limit),
        many => {
            for (i, site) in many.iter().enumerate() {
                if i > 0 {
                    q.push(" UNION ALL ");
                }
                q.push("SELECT * FROM (");
                push_report_branch(&mut q, scope, f, *site, limit);
                q.push(format!(") AS b{i}"));
            }
            q.push(format!(" ORDER BY available_at DESC, id DESC LIMIT {limit}"));
        }
    }
    crate::platform::db::fetch_built(db, q).await
}

/// One report, if the professional's scope includes it.
pub async fn pro_report(db: &Db, scope: &ProScope, id: i64) -> Result<Option<ProReport>, sqlx::Error> {
    let mut q = sqlx::QueryBuilder::new(PRO_REPORT_SELECT);
    q.push_bind(scope.user_id).push(PRO_REPORT_FROM);
    push_scope(&mut q, "r", scope);
    q.push(" AND r.id = ").push_bind(id);
    Ok(crate::platform::db::fetch_built(db, q).await?.into_iter().next())
}

/// An invoice as a professional's list shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProInvoice {
    /// Id.
    pub id: i64,
    /// The lab's reference.
    pub reference: String,
    /// Period.
    pub period_start: String,
    /// Period.
    pub period_end: String,
    /// Euro cents.
    pub amount_cents: i64,
    /// Due date.
    pub due_on: String,
    /// Version.
    pub version: i64,
    /// The sealed PDF.
    pub document_id: i64,
    /// Its size in bytes.
    pub size: i64,
    /// The site's name.
    pub site_name: Option<String>,
}

fn pro_invoice_query<'a>(scope: &ProScope) -> sqlx::QueryBuilder<'a, sqlx::Any> {
    let mut q = sqlx::QueryBuilder::new(
        "SELECT i.id, i.reference, i.period_start, i.period_end, i.amount_cents, i.due_on, i.version, i.document_id, \
         d.size, s.name AS site_name FROM invoices i JOIN documents d ON d.id = i.document_id \
         LEFT JOIN sites s ON s.id = i.site_id WHERE",
    );
    push_scope(&mut q, "i", scope);
    q
}

/// The invoices a professional may see, newest first (keyset on `(created_at, id)` by id).
pub async fn pro_invoices(
    db: &Db,
    scope: &ProScope,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<ProInvoice>, sqlx::Error> {
    let mut q = pro_invoice_query(scope);
    if let Some(id) = after {
        q.push(" AND i.id < ").push_bind(id);
    }
    q.push(format!(" ORDER BY i.id DESC LIMIT {}", limit.clamp(1, 200)));
    crate::platform::db::fetch_built(db, q).await
}

/// One invoice, if the professional's scope includes it.
pub async fn pro_invoice(db: &Db, scope: &ProScope, id: i64) -> Result<Option<ProInvoice>, sqlx::Error> {
    let mut q = pro_invoice_query(scope);
    q.push(" AND i.id = ").push_bind(id);
    Ok(crate::platform::db::fetch_built(db, q).await?.into_iter().next())
}

/// A report of a patient found by NIR, with the patient's identity for the name check.
#[derive(Clone, sqlx::FromRow)]
pub struct FoundReport {
    /// The patient's record.
    pub record_id: i64,
    /// Used last name.
    pub last_name: String,
    /// Birth name.
    pub birth_name: Option<String>,
    /// First names.
    pub first_names: String,
    /// Birth date.
    pub birth_date: String,
    /// The report's title.
    pub title: Option<String>,
    /// `partial` or `complete`.
    pub status: String,
    /// When available.
    pub available_at: i64,
}

impl std::fmt::Debug for FoundReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FoundReport({})", self.record_id)
    }
}

/// The reports within a professional's scope of the records bearing this (canonical) NIR,
/// newest first.
pub async fn pro_reports_by_nir(db: &Db, scope: &ProScope, nir: &str) -> Result<Vec<FoundReport>, sqlx::Error> {
    let mut q = sqlx::QueryBuilder::new(
        "SELECT p.id AS record_id, p.last_name, p.birth_name, p.first_names, p.birth_date, r.title, r.status, r.available_at \
         FROM patient_records p JOIN reports r ON r.record_id = p.id WHERE p.nir = ",
    );
    q.push_bind(nir.to_string()).push(" AND");
    push_scope(&mut q, "r", scope);
    q.push(" ORDER BY r.available_at DESC, r.id DESC LIMIT 500");
    crate::platform::db::fetch_built(db, q).await
}

/// One document opening by a person, for their data export.
#[derive(Debug, sqlx::FromRow, serde::Serialize)]
pub struct OwnAccess {
    /// `report` or `invoice`.
    pub item_kind: String,
    /// Which one.
    pub item_id: i64,
    /// Which version.
    pub version: i64,
    /// `open` or `download`.
    pub action: String,
    /// When (Unix ms).
    pub at: i64,
}

/// Every document a person opened themself (as a member of a shared account too), oldest
/// first.
pub async fn accesses_by(db: &Db, user_id: i64) -> Result<Vec<OwnAccess>, sqlx::Error> {
    sqlx::query_as(
        "SELECT item_kind, item_id, version, action, at FROM document_accesses \
         WHERE (user_id = $1 AND member_user_id IS NULL) OR member_user_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await
}

/// Deletes what waited for account `user_id`'s digest (the account is erased).
pub async fn erase_digest_of(tx: &mut Tx, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM digest_items WHERE user_id = $1").bind(user_id).execute(&mut **tx).await.map(|_| ())
}
