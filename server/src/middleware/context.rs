//! Builds the [`RequestContext`] of each request: language cookie, session, client key.

use super::security::CspNonce;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sesame_app::i18n::Lang;
use sesame_app::platform::{AppState, RequestContext, session};
use std::net::SocketAddr;

/// Paths of static files, which need no session lookup.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/icons/")
        || matches!(
            path,
            "/sw.js" | "/sw-register.js" | "/manifest.webmanifest" | "/offline.html" | "/favicon.ico" | "/healthz"
        )
}

/// Pages an invited person may open before accepting the terms.
fn allowed_before_terms(path: &str) -> bool {
    matches!(path, "/bienvenue" | "/deconnexion" | "/conditions-utilisation" | "/confidentialite" | "/mentions-legales")
}

fn path_only(full: &str) -> String {
    full.split('?').next().unwrap_or_default().to_string()
}

/// The client's address: the TCP peer, or the first `X-Forwarded-For` hop behind a proxy.
fn client_address(req: &Request, trust_proxy: bool) -> String {
    let forwarded =
        req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()).and_then(|v| v.split(',').next());
    if let Some(first) = forwarded.filter(|_| trust_proxy) {
        return first.trim().to_string();
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string()).unwrap_or_default()
}

/// Computes the request context and stores it in the request's extensions.
pub async fn request_context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if is_static(&path) {
        return next.run(req).await;
    }
    let cookies: String =
        req.headers().get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join("; ");
    let lang = session::find_cookie(&cookies, Lang::COOKIE).map(Lang::from_code).unwrap_or_default();
    let mut user = None;
    let mut session_hash = None;
    let mut second_factor_pending = None;
    if let Some(token) = session::find_cookie(&cookies, session::cookie_name(state.settings.secure_cookies)) {
        match session::lookup(&state.db, token, state.now()).await {
            Ok(Some(info)) => {
                match info.stage {
                    session::Stage::Full => user = Some(info.user),
                    session::Stage::SecondFactor => second_factor_pending = Some(info.user.id),
                }
                session_hash = Some(info.hash);
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "session lookup failed; treating the request as anonymous"),
        }
    }
    let client_key = state.keyed_hash("client", &client_address(&req, state.settings.trust_proxy));
    let nonce = req.extensions().get::<CspNonce>().map(|n| n.0.clone()).unwrap_or_default();
    let full_path = match req.uri().query() {
        Some(q) => format!("{path}?{q}"),
        None => path,
    };
    // An invited person who chose a password accepts the terms before anything else.
    let must_accept_terms =
        user.as_ref().is_some_and(|u| u.status == sesame_app::domain::account::AccountStatus::InvitationAccepted);
    if must_accept_terms && req.method() == axum::http::Method::GET && !allowed_before_terms(&path_only(&full_path)) {
        return axum::response::Redirect::to("/bienvenue").into_response();
    }
    req.extensions_mut().insert(RequestContext {
        lang,
        user,
        session_hash,
        second_factor_pending,
        client_key,
        nonce,
        path: full_path,
    });
    next.run(req).await
}
