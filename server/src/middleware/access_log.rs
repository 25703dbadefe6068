//! One structured log line per request: method, path (never the query string, which may
//! carry tokens), status, duration. No addresses, no names, no cookies.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Level;

/// How loud a request's line is. A `503` is a warning, not an error: the password hasher
/// refusing what it cannot take in time during a rush, or the database briefly away, is
/// answered with when to come back (the cause, when there is one, is logged where it was
/// seen); errors are kept for answers that say something is broken. Static files are traced
/// only.
fn level(status: u16, path: &str) -> Level {
    match status {
        503 => Level::WARN,
        500.. => Level::ERROR,
        _ if path.starts_with("/pkg/") || path.starts_with("/icons/") => Level::TRACE,
        _ => Level::INFO,
    }
}

/// Logs the request after it is answered.
pub async fn access_log(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    match level(status, &path) {
        Level::ERROR => tracing::error!(%method, %path, status, ms, "request"),
        Level::WARN => tracing::warn!(%method, %path, status, ms, "request"),
        Level::TRACE => tracing::trace!(%method, %path, status, ms, "request"),
        _ => tracing::info!(%method, %path, status, ms, "request"),
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_under_load_warns_and_a_failure_is_an_error() {
        assert_eq!(level(503, "/api/connexion"), Level::WARN);
        assert_eq!(level(500, "/connexion"), Level::ERROR);
        assert_eq!(level(502, "/"), Level::ERROR);
        assert_eq!(level(200, "/pkg/islands-access.js"), Level::TRACE);
        assert_eq!(level(404, "/inconnue"), Level::INFO);
        assert_eq!(level(303, "/connexion"), Level::INFO);
    }
}
