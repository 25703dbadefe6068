//! HTTP statuses of server-function failures.
//!
//! Leptos answers every server-function error with 500; Sésame's errors each have their
//! own status (401 sign-in required, 403 forbidden, 429 too many attempts, 503 overloaded),
//! which clients, load balancers and monitoring rely on.

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use sesame_app::error::AppError;

/// The status of a serialised [`AppError`], if the body is one.
pub fn error_status(body: &[u8]) -> Option<StatusCode> {
    serde_json::from_slice::<AppError>(body).ok().and_then(|e| StatusCode::from_u16(e.status()).ok())
}

/// Rewrites the 500 of a server-function failure to the failure's own status.
pub async fn server_fn_status(req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_server_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    if let Some(status) = error_status(&bytes) {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
