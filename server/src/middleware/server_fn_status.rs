//! HTTP statuses of server-function failures.
//!
//! Leptos answers every server-function error with 500; Sésame's errors each have their
//! own status (401 sign-in required, 403 forbidden, 429 too many attempts, 503 overloaded),
//! which clients, load balancers and monitoring rely on. 429 and 503 also say when to come
//! back (`Retry-After`), so clients and proxies back off instead of retrying at once.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use sesame_app::error::AppError;

/// Seconds an overloaded server asks clients to wait before trying again.
const OVERLOAD_RETRY_SECONDS: u64 = 2;
/// Seconds to wait when the database is away.
pub const UNAVAILABLE_RETRY_SECONDS: u64 = 5;

/// The status of a serialised [`AppError`], if the body is one.
pub fn error_status(body: &[u8]) -> Option<StatusCode> {
    serde_json::from_slice::<AppError>(body).ok().and_then(|e| StatusCode::from_u16(e.status()).ok())
}

/// How many seconds the client should wait after a serialised [`AppError`], if it says.
pub fn retry_after(body: &[u8]) -> Option<u64> {
    match serde_json::from_slice::<AppError>(body).ok()? {
        AppError::Overloaded => Some(OVERLOAD_RETRY_SECONDS),
        AppError::Unavailable => Some(UNAVAILABLE_RETRY_SECONDS),
        AppError::RateLimited(seconds) => Some(seconds.max(1)),
        _ => None,
    }
}

/// Adds `Retry-After` to a failure's headers when the serialised error says when to retry.
pub fn set_retry_after(headers: &mut HeaderMap, body: &[u8]) {
    if let Some(seconds) = retry_after(body) {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
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
        set_retry_after(&mut parts.headers, &bytes);
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(e: &AppError) -> Vec<u8> {
        serde_json::to_vec(e).unwrap()
    }

    #[test]
    fn overload_and_rate_limits_say_when_to_retry() {
        assert_eq!(retry_after(&body(&AppError::Overloaded)), Some(OVERLOAD_RETRY_SECONDS));
        assert_eq!(retry_after(&body(&AppError::RateLimited(90))), Some(90));
        assert_eq!(retry_after(&body(&AppError::RateLimited(0))), Some(1));
        assert_eq!(retry_after(&body(&AppError::Forbidden)), None);
        assert_eq!(retry_after(b"not json"), None);
    }

    #[test]
    fn statuses_come_from_the_error() {
        assert_eq!(error_status(&body(&AppError::Overloaded)), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(error_status(&body(&AppError::SignInRequired)), Some(StatusCode::UNAUTHORIZED));
        assert_eq!(error_status(b"<html>"), None);
    }
}
