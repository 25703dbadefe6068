//! Load shedding for the password forms: when the password hasher's queue is full, a sign-in
//! (or sign-up, or password confirmation) is refused with `503` and `Retry-After` before
//! anything else is spent on it — its body is not read, the database is not asked for a
//! session or a limit, no page is rendered. Under a morning rush the cores stay with the
//! hashes that will succeed. The hasher refuses the same way on its own when a request gets
//! past this check in a race; this layer only makes the refusal cheap.
//!
//! A refusal is then paced: the answer waits [`PACE`] on a timer (no CPU), so that clients
//! retrying without pause are slowed by the server instead of spinning on it, and the small
//! body is drained (not parsed) after the decision so the connection stays open for the
//! retry. At most [`MAX_PACED`] refusals wait at once; beyond that they are answered at once.
//!
//! It is the outermost layer of the whole router: a refusal gets no request id, span or
//! access-log line of its own (thousands per second under a rush); instead one warning a
//! second at most says how many were refused.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::server_fn::ServerFn;
use sesame_app::error::AppError;
use sesame_app::platform::AppState;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Seconds a shed client is asked to wait.
const RETRY_SECONDS: &str = "1";
/// How long a refusal waits before it is sent.
pub const PACE: Duration = Duration::from_millis(200);
/// Refusals waiting at once, at most (each holds only its connection).
const MAX_PACED: usize = 4096;
/// A body this small is drained after the decision, to keep the connection usable.
const DRAIN_AT_MOST: usize = 8 * 1024;

/// Refusals waiting now.
static PACED: AtomicUsize = AtomicUsize::new(0);

/// The posts that hash a password: their server functions, and the pages whose forms post
/// to them before WebAssembly (or without it).
fn hashes_a_password(path: &str) -> bool {
    use sesame_app::accounts::api::{ConfirmPassword, ResetPassword, SignIn, SignUp};
    [
        <SignIn as ServerFn>::PATH,
        <SignUp as ServerFn>::PATH,
        <ResetPassword as ServerFn>::PATH,
        <ConfirmPassword as ServerFn>::PATH,
        "/connexion",
        "/inscription",
        "/nouveau-mot-de-passe",
        "/mon-compte/confirmer",
    ]
    .contains(&path)
}

/// Refusals since the last warning.
static REFUSED: AtomicU64 = AtomicU64::new(0);
/// When the last warning was logged (milliseconds since [`epoch`]).
static LAST_WARNING: AtomicU64 = AtomicU64::new(0);

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// Counts a refusal, and logs how many there were at most once a second.
fn count_refusal() {
    REFUSED.fetch_add(1, Ordering::Relaxed);
    let now = epoch().elapsed().as_millis() as u64;
    let last = LAST_WARNING.load(Ordering::Relaxed);
    if now.saturating_sub(last) >= 1000
        && LAST_WARNING.compare_exchange(last, now.max(1), Ordering::Relaxed, Ordering::Relaxed).is_ok()
    {
        let refused = REFUSED.swap(0, Ordering::Relaxed);
        tracing::warn!(refused, "password hashing saturated: password posts refused with 503");
    }
}

/// Answers `503` at once to a password post while the hasher is saturated.
pub async fn shed_password_load(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !state.hasher.is_saturated() || !hashes_a_password(req.uri().path()) {
        return next.run(req).await;
    }
    count_refusal();
    let is_server_fn = req.uri().path().starts_with("/api/");
    if PACED.fetch_add(1, Ordering::Relaxed) < MAX_PACED {
        let small = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|n| n <= DRAIN_AT_MOST);
        if small {
            let _ = axum::body::to_bytes(req.into_body(), DRAIN_AT_MOST).await;
        }
        tokio::time::sleep(PACE).await;
    }
    PACED.fetch_sub(1, Ordering::Relaxed);
    let (content_type, body) = if is_server_fn {
        // What the island's server-function call expects: the error itself.
        ("application/json", serde_json::to_string(&AppError::Overloaded).unwrap_or_default())
    } else {
        ("text/html; charset=utf-8", OVERLOADED_PAGE.to_string())
    };
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_SECONDS));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The page a form posted without WebAssembly gets: both languages, no request-specific
/// work; the browser's back button returns to the form with what was typed.
const OVERLOADED_PAGE: &str = "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Sésame</title></head><body>\
<h1>Trop de connexions en ce moment</h1><p>Réessayez dans quelques secondes : revenez à la page précédente \
et envoyez le formulaire à nouveau.</p><p lang=\"en\">Too many sign-ins right now. Try again in a few seconds: \
go back to the previous page and send the form again.</p></body></html>";
