//! What the lab system sends and receives, as JSON. The OpenAPI document is generated from
//! these types (`utoipa`), so the document and the code cannot disagree.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A patient record's identity, as the lab system knows it.
#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatientBody {
    /// Used last name.
    #[schema(example = "Martin")]
    pub last_name: String,
    /// Birth name, when different from the used name.
    #[serde(default)]
    #[schema(example = "Durand")]
    pub birth_name: Option<String>,
    /// First names, as on the identity document.
    #[schema(example = "Camille Marie")]
    pub first_names: String,
    /// Birth date, `YYYY-MM-DD`.
    #[schema(example = "1988-04-12")]
    pub birth_date: String,
    /// `F`, `M` or `U` (unknown).
    #[schema(example = "F")]
    pub sex: String,
    /// NIR (French social security number, 15 characters with its key; `2A`/`2B` for
    /// Corsica), optional.
    #[serde(default)]
    #[schema(example = "2880486123456 43")]
    pub nir: Option<String>,
}

impl std::fmt::Debug for PatientBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PatientBody(…)")
    }
}

/// The answer to `PUT /patients/{lab_reference}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PatientAnswer {
    /// The record's lab reference.
    pub lab_reference: String,
    /// `created`, `updated` or `unchanged`.
    #[schema(example = "created")]
    pub outcome: String,
    /// The activation code to print on the report (`XXXX-XXXX-XXX`): only when the record
    /// was created (or by `POST …/activation-code`). It is not stored in clear: print it now.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "K7QF-3MZP-W2A")]
    pub activation_code: Option<String>,
    /// Accounts whose link went back to the lab's review (the birth date changed).
    pub links_sent_to_review: u64,
}

/// The answer to `POST /patients/{lab_reference}/activation-code`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivationCodeAnswer {
    /// The record's lab reference.
    pub lab_reference: String,
    /// The new code to print; the previous unused one no longer works.
    #[schema(example = "K7QF-3MZP-W2A")]
    pub activation_code: String,
}

/// Who prescribed: a structure (correspondent code) and one of its sites.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Prescriber {
    /// The structure's correspondent code.
    #[schema(example = "86BV01")]
    pub correspondent_code: String,
    /// The site's id, as listed by `GET /structures/{code}`; optional (then only the
    /// structure's professionals who see all its sites are told).
    #[serde(default)]
    pub site_id: Option<i64>,
}

/// A report's metadata (the PDF comes beside it: `pdf_base64`, or the `pdf` part of a
/// `multipart/form-data` body).
#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    /// The patient record's lab reference (created before with `PUT /patients/…`).
    #[schema(example = "P-2026-000123")]
    pub patient: String,
    /// The prescriber, if any.
    #[serde(default)]
    pub prescriber: Option<Prescriber>,
    /// Sampling date, `YYYY-MM-DD`.
    #[schema(example = "2026-11-20")]
    pub sampled_on: String,
    /// `partial` or `complete`.
    #[schema(example = "partial")]
    pub status: String,
    /// A title for the person (e.g. "Bilan sanguin"); no result values.
    #[schema(example = "Bilan sanguin")]
    pub title: String,
    /// The PDF, base64 (standard alphabet). Omit it in a multipart body.
    #[serde(default)]
    pub pdf_base64: Option<String>,
}

impl std::fmt::Debug for ReportBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReportBody(…)")
    }
}

/// What Sésame holds about a report (never the PDF).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportAnswer {
    /// The report's reference.
    pub reference: String,
    /// The patient record's lab reference.
    pub patient: String,
    /// `partial` or `complete` (latest version).
    pub status: String,
    /// Sampling date (latest version).
    pub sampled_on: Option<String>,
    /// Title (latest version).
    pub title: Option<String>,
    /// The latest version number.
    pub version: i64,
    /// `created`, `new_version`, `unchanged` (PUT), `withdrawn` (DELETE) or `published` (GET).
    pub outcome: String,
    /// How many people were told of this version (PUT only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notified: Option<Notified>,
}

/// How many were told.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Notified {
    /// Patients' accounts e-mailed.
    pub patients: u64,
    /// Professionals e-mailed now.
    pub professionals: u64,
    /// Professionals who will read it in their daily digest.
    pub in_digest: u64,
}

/// An invoice's metadata (PDF as for reports).
#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceBody {
    /// The billed structure's correspondent code.
    #[schema(example = "86BV01")]
    pub correspondent_code: String,
    /// The site's id (`GET /structures/{code}`).
    pub site_id: i64,
    /// First day of the period, `YYYY-MM-DD`.
    #[schema(example = "2026-10-01")]
    pub period_start: String,
    /// Last day of the period.
    #[schema(example = "2026-10-31")]
    pub period_end: String,
    /// Amount in euro cents (12345 is 123.45 €).
    #[schema(example = 12345)]
    pub amount_cents: i64,
    /// Due date, `YYYY-MM-DD`.
    #[schema(example = "2026-12-15")]
    pub due_on: String,
    /// The PDF, base64. Omit it in a multipart body.
    #[serde(default)]
    pub pdf_base64: Option<String>,
}

impl std::fmt::Debug for InvoiceBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InvoiceBody(…)")
    }
}

/// What Sésame holds about an invoice (never the PDF).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvoiceAnswer {
    /// The invoice's reference.
    pub reference: String,
    /// The billed structure.
    pub correspondent_code: String,
    /// Its site.
    pub site_id: i64,
    /// Period.
    pub period_start: String,
    /// Period.
    pub period_end: String,
    /// Euro cents.
    pub amount_cents: i64,
    /// Due date.
    pub due_on: String,
    /// Version number.
    pub version: i64,
    /// `created`, `new_version`, `unchanged`, `withdrawn` or `published`.
    pub outcome: String,
    /// How many were told (PUT only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notified: Option<Notified>,
}

/// What the lab system needs to know to print or not.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StructureAnswer {
    /// Correspondent code.
    pub correspondent_code: String,
    /// Name.
    pub name: String,
    /// The structure gave up paper: one of its active shared accounts asked for paperless
    /// exchanges.
    pub paperless: bool,
    /// Its sites.
    pub sites: Vec<SiteAnswer>,
}

/// A site and whether it reads its results on Sésame.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SiteAnswer {
    /// Id, to name the site in reports and invoices.
    pub id: i64,
    /// Name.
    pub name: String,
    /// City.
    pub city: String,
    /// Migrated to Sésame (a professional of the site is active).
    pub migrated: bool,
}
