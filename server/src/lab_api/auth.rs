//! Bearer-token authentication of the lab API, its per-token rate limit and the audit line
//! of every call. Cookies are never read here: no browser session can call these routes,
//! so the browser's Origin check does not apply to them.

use super::LabApiState;
use super::problem::Problem;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sesame_app::lab::LabCaller;
use sesame_app::platform::audit::{self, AuditEntry};
use sesame_app::platform::limits::{self, LimitedAction};

/// Authenticates the call, counts it against its token's limit, runs it, then writes its
/// audit line (token name, method, route, status).
pub(crate) async fn bearer(State(api): State<LabApiState>, mut req: Request, next: Next) -> Response {
    let state = &api.app;
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() < 200)
        .map(str::to_string);
    let caller = match token {
        Some(t) => match sesame_app::lab::store::authenticate(&state.db, &t, state.now()).await {
            Ok(c) => c,
            Err(e) => return Problem::from(sesame_app::lab::flows::LabError::from(e)).into_response(),
        },
        None => None,
    };
    let Some(caller) = caller else {
        tracing::warn!("lab API: call without a valid token");
        return Problem::unauthorized().into_response();
    };
    let action = LimitedAction::LabCall { token_id: caller.token_id };
    match limits::count(state, action).await {
        Ok(counter) if counter.over(action.limit()) => {
            let mut p =
                Problem::new(axum::http::StatusCode::TOO_MANY_REQUESTS, "Too many calls with this token; slow down.");
            p.retry_after = Some(counter.retry_after_secs(action.limit(), state.now()));
            return p.into_response();
        }
        Ok(_) => {}
        Err(_) => return Problem::from(sesame_app::lab::flows::LabError::Unavailable).into_response(),
    }
    let method = req.method().to_string();
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_default();
    req.extensions_mut().insert(caller.clone());
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let status = res.status().as_u16();
    let entry = AuditEntry::new(None, "lab.call", "lab_token", Some(caller.token_id)).with(serde_json::json!({
        "token": caller.name, "method": method, "route": route, "status": status,
    }));
    let written = async {
        let mut tx = state.db.begin().await?;
        audit::record(&mut tx, state.now(), entry).await?;
        tx.commit().await
    }
    .await;
    if let Err(e) = written {
        tracing::error!(error = %e, "lab API: audit line not written");
    }
    res
}

/// The authenticated lab system, as a handler argument: the token [`bearer`] put in the
/// request (a route reached without it answers the same 401).
pub(crate) struct Caller(pub(crate) LabCaller);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Problem> {
        parts.extensions.get::<LabCaller>().cloned().map(Caller).ok_or_else(Problem::unauthorized)
    }
}
