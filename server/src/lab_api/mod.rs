//! `/api/lab/v1`: the lab information system's door. JSON in and out, bearer tokens only
//! ([`auth`]), RFC 9457 problems ([`problem`]), and an OpenAPI 3.1 document generated from
//! the handlers and types (`/api/lab/v1/openapi.json`). What each call does is in
//! `sesame_app::lab::flows`; this module reads bodies (JSON with base64, or multipart with
//! the PDF streamed) and writes answers.

mod auth;
pub mod problem;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use base64::Engine;
use problem::Problem;
use serde::de::DeserializeOwned;
use sesame_app::lab::flows::{self, LabError, MAX_PDF_BYTES, Pdf};
use sesame_app::lab::types::*;
use sesame_app::platform::AppState;
use std::sync::Arc;
use tokio::sync::Semaphore;
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Where the API is mounted.
pub const BASE: &str = "/api/lab/v1";

/// The largest request body: a 20 MB PDF in base64 (×4/3) plus its metadata.
const MAX_BODY: usize = MAX_PDF_BYTES / 3 * 4 + 64 * 1024;

/// How many MiB of document bodies may be read, sealed and stored at once: a 20 MB PDF is
/// held once while sealed, then copied by the database driver, so this bounds the memory
/// that uploads add (8 parallel 20 MB uploads queue; 300 KB reports do not wait).
const UPLOAD_BUDGET_MIB: u32 = 24;

/// State of the lab API: the app, and a bound on upload bytes held in memory at once.
#[derive(Clone)]
pub(crate) struct LabApiState {
    app: AppState,
    uploads: Arc<Semaphore>,
}

impl LabApiState {
    /// Waits until the body announced by `req` fits in the upload budget (a body of unknown
    /// length counts as the largest).
    async fn upload_permit(&self, length: Option<u64>) -> Option<tokio::sync::SemaphorePermit<'_>> {
        let length = length.unwrap_or(MAX_BODY as u64);
        let mib = (length / (1024 * 1024) + 1).min(u64::from(UPLOAD_BUDGET_MIB)) as u32;
        self.uploads.acquire_many(mib).await.ok()
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sésame — lab system interface",
        version = "1",
        description = "How the lab information system publishes patient records, reports and invoices to Sésame. \
                       Every call needs `Authorization: Bearer <token>` (created with `sesame lab-token create`). \
                       Errors are RFC 9457 problem details."
    ),
    servers((url = "/api/lab/v1")),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(Problem))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The API's routes and their OpenAPI document, built together so neither can miss a route.
fn parts() -> (Router<LabApiState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(put_patient))
        .routes(routes!(new_activation_code))
        .routes(routes!(put_report, get_report, delete_report))
        .routes(routes!(put_invoice, get_invoice, delete_invoice))
        .routes(routes!(get_structure))
        .split_for_parts()
}

/// The OpenAPI document (also served at `/api/lab/v1/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    parts().1
}

/// The router mounted at [`BASE`].
pub fn router(app: AppState) -> Router {
    let state = LabApiState { app, uploads: Arc::new(Semaphore::new(UPLOAD_BUDGET_MIB as usize)) };
    let (routes, doc) = parts();
    let doc = Arc::new(doc);
    let routes = routes
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::bearer))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state);
    Router::new()
        .route("/openapi.json", axum::routing::get(move || async move { Json((*doc).clone()) }))
        .merge(routes)
        .fallback(|| async { Problem::new(StatusCode::NOT_FOUND, "No such route in the lab API.") })
}

fn answer<T: serde::Serialize>(result: Result<T, LabError>, created: impl Fn(&T) -> bool) -> Response {
    match result {
        Ok(v) => {
            let status = if created(&v) { StatusCode::CREATED } else { StatusCode::OK };
            (status, Json(v)).into_response()
        }
        Err(e) => Problem::from(e).into_response(),
    }
}

/// A publication's body once the upload budget has room for it: the permit (held until the
/// answer), the metadata and the PDF. No room within the wait: 503.
async fn upload<T: DeserializeOwned + HasPdf>(
    api: &LabApiState,
    req: Request,
) -> Result<(tokio::sync::SemaphorePermit<'_>, T, Option<Pdf>), Problem> {
    let permit = api.upload_permit(content_length(&req)).await.ok_or_else(|| Problem::from(LabError::Unavailable))?;
    let (body, pdf) = read_document::<T>(req).await?;
    Ok((permit, body, pdf))
}

fn content_length(req: &Request) -> Option<u64> {
    req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
}

fn json_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    serde_json::from_slice(bytes).map_err(|e| Problem::bad_request(format!("The body is not the expected JSON: {e}")))
}

/// Reads a document's metadata and PDF: JSON with `pdf_base64`, or `multipart/form-data`
/// with a `metadata` part (JSON) and a `pdf` part streamed into the sealing buffer.
async fn read_document<T: DeserializeOwned + HasPdf>(req: Request) -> Result<(T, Option<Pdf>), Problem> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        let expected =
            req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok()).unwrap_or(0);
        if expected > MAX_PDF_BYTES + 64 * 1024 {
            return Err(Problem::too_large());
        }
        let mut form = Multipart::from_request(req, &())
            .await
            .map_err(|e| Problem::bad_request(format!("The multipart body cannot be read: {e}")))?;
        let mut meta: Option<T> = None;
        let mut pdf: Option<Pdf> = None;
        while let Some(mut field) = form.next_field().await.map_err(|e| multipart_problem(&e.to_string()))? {
            match field.name() {
                Some("metadata") => {
                    let bytes = field.bytes().await.map_err(|e| multipart_problem(&e.to_string()))?;
                    meta = Some(json_body(&bytes)?);
                }
                Some("pdf") => {
                    let mut buffer = Pdf::with_capacity(expected);
                    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_problem(&e.to_string()))? {
                        if !buffer.push(&chunk) {
                            return Err(Problem::too_large());
                        }
                    }
                    pdf = Some(buffer);
                }
                _ => {}
            }
        }
        let meta = meta.ok_or_else(|| Problem::bad_request("The multipart body has no `metadata` part."))?;
        return Ok((meta, pdf));
    }
    let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY).await.map_err(|_| Problem::too_large())?;
    let mut meta: T = json_body(&bytes)?;
    drop(bytes);
    let pdf = match meta.take_pdf() {
        None => None,
        Some(b64) => {
            let b64 = b64.trim();
            if b64.len() / 4 * 3 > MAX_PDF_BYTES + 3 {
                return Err(Problem::too_large());
            }
            let mut pdf = Pdf::with_capacity(b64.len() / 4 * 3);
            let mut decoded = Vec::with_capacity(0);
            // Decoded in slices so the PDF lands once, in the sealing buffer.
            for chunk in b64.as_bytes().chunks(64 * 1024) {
                decoded.clear();
                base64::engine::general_purpose::STANDARD.decode_vec(chunk, &mut decoded).map_err(|_| {
                    Problem::invalid(vec![flows::FieldProblem {
                        field: "pdf_base64".into(),
                        message: "is not valid base64 (standard alphabet, with padding)".into(),
                    }])
                })?;
                if !pdf.push(&decoded) {
                    return Err(Problem::too_large());
                }
            }
            Some(pdf)
        }
    };
    Ok((meta, pdf))
}

fn multipart_problem(e: &str) -> Problem {
    if e.contains("length limit") || e.contains("too large") {
        Problem::too_large()
    } else {
        Problem::bad_request(format!("The multipart body cannot be read: {e}"))
    }
}

/// Bodies that may carry their PDF in base64.
trait HasPdf {
    fn take_pdf(&mut self) -> Option<String>;
}

impl HasPdf for ReportBody {
    fn take_pdf(&mut self) -> Option<String> {
        self.pdf_base64.take()
    }
}

impl HasPdf for InvoiceBody {
    fn take_pdf(&mut self) -> Option<String> {
        self.pdf_base64.take()
    }
}

/// Creates or updates a patient record.
///
/// On creation (201) the answer carries the activation code to print on the report. The
/// same body twice changes nothing (200, `unchanged`).
#[utoipa::path(put, path = "/patients/{lab_reference}", tag = "patients",
    params(("lab_reference" = String, Path, description = "The lab system's record number")),
    request_body = PatientBody,
    responses(
        (status = 201, description = "Created; print the activation code", body = PatientAnswer),
        (status = 200, description = "Updated or unchanged", body = PatientAnswer),
        (status = 401, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn put_patient(
    State(api): State<LabApiState>,
    auth::Caller(caller): auth::Caller,
    Path(lab_reference): Path<String>,
    body: Body,
) -> Response {
    let bytes = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(b) => b,
        Err(_) => {
            return Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "A patient body is at most 64 KB.").into_response();
        }
    };
    let body: PatientBody = match json_body(&bytes) {
        Ok(b) => b,
        Err(p) => return p.into_response(),
    };
    answer(flows::put_patient(&api.app, &caller, &lab_reference, &body).await, |a| a.outcome == "created")
}

/// Issues a new activation code for a record; the previous unused code no longer works.
#[utoipa::path(post, path = "/patients/{lab_reference}/activation-code", tag = "patients",
    params(("lab_reference" = String, Path, description = "The lab system's record number")),
    responses((status = 200, body = ActivationCodeAnswer), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn new_activation_code(
    State(api): State<LabApiState>,
    auth::Caller(caller): auth::Caller,
    Path(lab_reference): Path<String>,
) -> Response {
    answer(flows::new_activation_code(&api.app, &caller, &lab_reference).await, |_| false)
}

/// Publishes a report, or a new version of it (a `complete` after a `partial`).
///
/// The PDF comes as `pdf_base64` in the JSON, or as the `pdf` part of a
/// `multipart/form-data` body whose `metadata` part is this JSON (up to 20 MB; 413
/// beyond). The patient's accounts and the prescriber's professionals are told.
#[utoipa::path(put, path = "/reports/{reference}", tag = "reports",
    params(("reference" = String, Path, description = "The lab system's report number")),
    request_body(content = ReportBody, description = "JSON, or multipart/form-data with `metadata` and `pdf` parts"),
    responses(
        (status = 201, description = "First version published", body = ReportAnswer),
        (status = 200, description = "New version, or unchanged", body = ReportAnswer),
        (status = 401, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem), (status = 507, body = Problem)))]
async fn put_report(
    State(api): State<LabApiState>,
    auth::Caller(caller): auth::Caller,
    Path(reference): Path<String>,
    req: Request,
) -> Response {
    let (_permit, body, pdf) = match upload::<ReportBody>(&api, req).await {
        Ok(v) => v,
        Err(p) => return p.into_response(),
    };
    answer(flows::put_report(&api.app, &caller, &reference, &body, pdf).await, |a| a.outcome == "created")
}

/// A report's metadata (never its PDF).
#[utoipa::path(get, path = "/reports/{reference}", tag = "reports",
    params(("reference" = String, Path, description = "The lab system's report number")),
    responses((status = 200, body = ReportAnswer), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_report(State(api): State<LabApiState>, _: auth::Caller, Path(reference): Path<String>) -> Response {
    answer(flows::get_report(&api.app, &reference).await, |_| false)
}

/// Withdraws a report sent in error: it disappears from every view; mails not yet sent
/// about it are cancelled; nobody is told.
#[utoipa::path(delete, path = "/reports/{reference}", tag = "reports",
    params(("reference" = String, Path, description = "The lab system's report number")),
    responses((status = 200, body = ReportAnswer), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn delete_report(
    State(api): State<LabApiState>,
    auth::Caller(caller): auth::Caller,
    Path(reference): Path<String>,
) -> Response {
    answer(flows::withdraw_report(&api.app, &caller, &reference).await, |_| false)
}

/// Publishes an invoice, or a new version of it. PDF as for reports.
#[utoipa::path(put, path = "/invoices/{reference}", tag = "invoices",
    params(("reference" = String, Path, description = "The lab system's invoice number")),
    request_body(content = InvoiceBody, description = "JSON, or multipart/form-data with `metadata` and `pdf` parts"),
    responses(
        (status = 201, body = InvoiceAnswer), (status = 200, body = InvoiceAnswer),
        (status = 401, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem), (status = 507, body = Problem)))]
async fn put_invoice(
    State(api): State<LabApiState>,
    auth::Caller(caller): auth::Caller,
    Path(reference): Path<String>,
    req: Request,
) -> Response {
    let (_permit, body, pdf) = match upload::<InvoiceBody>(&api, req).await {
        Ok(v) => v,
        Err(p) => return p.into_response(),
    };
    answer(flows::put_invoice(&api.app, &caller, &reference, &body, pdf).await, |a| a.outcome == "created")
}

/// An invoice's metadata (never its PDF).
#[utoipa::path(get, path = "/invoices/{reference}", tag = "invoices",
    params(("reference" = String, Path, description = "The lab system's invoice number")),
    responses((status = 200, body = InvoiceAnswer), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_invoice(State(api): State<LabApiState>, _: auth::Caller, Path(reference): Path<String>) -> Response {
    answer(flows::get_invoice(&api.app, &reference).await, |_| false)
}

/// Withdraws an invoice sent in error.
#[utoipa::path(delete, path = "/invoices/{reference}", tag = "invoices",
    params(("reference" = String, Path, description = "The lab system's invoice number")),
    responses((status = 200, body = InvoiceAnswer), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn delete_invoice(
    State(api): State<LabApiState>,
    auth::Caller(caller): auth::Caller,
    Path(reference): Path<String>,
) -> Response {
    answer(flows::withdraw_invoice(&api.app, &caller, &reference).await, |_| false)
}

/// Whether a structure reads its results on Sésame: paperless, and which sites migrated.
#[utoipa::path(get, path = "/structures/{code}", tag = "structures",
    params(("code" = String, Path, description = "The structure's correspondent code")),
    responses((status = 200, body = StructureAnswer), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_structure(State(api): State<LabApiState>, _: auth::Caller, Path(code): Path<String>) -> Response {
    answer(flows::structure(&api.app, &code).await, |_| false)
}
