//! RFC 9457 problem details (`application/problem+json`) for every error of the lab API,
//! with one entry per invalid field.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sesame_app::lab::flows::{FieldProblem, LabError};
use utoipa::ToSchema;

/// A problem, as RFC 9457 describes it, plus `errors` (one per invalid field).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: String,
    /// The status's phrase.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, for a developer.
    pub detail: String,
    /// One entry per invalid field (422).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// Seconds to wait (429, 503).
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl Problem {
    /// A problem with a status and a detail.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Problem {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: vec![],
            retry_after: None,
        }
    }

    /// The one answer to a missing, wrong or revoked token.
    pub fn unauthorized() -> Self {
        Problem::new(StatusCode::UNAUTHORIZED, "A valid bearer token is required (Authorization: Bearer …).")
    }

    /// Invalid fields.
    pub fn invalid(errors: Vec<FieldProblem>) -> Self {
        let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "Some fields are invalid; see errors.");
        p.errors = errors;
        p
    }

    /// A body that is not what the route reads (not JSON, wrong shape).
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, detail)
    }

    /// The PDF or the body is too large.
    pub fn too_large() -> Self {
        Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "The PDF is larger than 20 MB.")
    }
}

impl From<LabError> for Problem {
    fn from(e: LabError) -> Self {
        match e {
            LabError::Invalid(errors) => Problem::invalid(errors),
            LabError::NotFound => Problem::new(StatusCode::NOT_FOUND, "No such resource."),
            LabError::StorageFull => {
                tracing::error!("document storage full");
                Problem::new(
                    StatusCode::INSUFFICIENT_STORAGE,
                    "Document storage is full; nothing was stored. Retry later.",
                )
            }
            LabError::Unavailable => {
                let mut p = Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The database is unavailable; nothing was stored. Retry.",
                );
                p.retry_after = Some(5);
                p
            }
            LabError::Internal(detail) => {
                tracing::error!(error = %detail, "lab API internal error");
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal error; nothing was stored.")
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut res = (status, body).into_response();
        let headers = res.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            headers.insert(header::RETRY_AFTER, v);
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"sesame-lab\""));
        }
        res
    }
}
