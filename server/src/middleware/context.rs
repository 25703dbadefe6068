//! Builds the [`RequestContext`] of each request: language cookie, session, client key.
//!
//! The client's address keys the per-client limits. Behind a reverse proxy it is the
//! address the proxy *appended* (the rightmost `X-Forwarded-For` entry, or the header the
//! proxy sets, through `axum-client-ip`) — never the leftmost entry, which the client
//! writes. IPv6 clients are keyed by their /64, the block one subscriber gets.

use super::security::CspNonce;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_client_ip::{ClientIp, ClientIpSource};
use sesame_app::i18n::Lang;
use sesame_app::platform::{AppState, RequestContext, session};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Where the client address comes from, and what was noticed about it.
#[derive(Debug)]
pub struct ClientAddressing {
    /// The TCP peer (no proxy), or the header the trusted proxy sets.
    pub source: ClientIpSource,
    /// Production: warn when every request comes from one address.
    pub production: bool,
    warned_header: AtomicBool,
    warned_single: AtomicBool,
    seen: AtomicUsize,
    first_peer: std::sync::Mutex<Option<IpAddr>>,
}

impl ClientAddressing {
    /// Addressing from a configured source.
    pub fn new(source: ClientIpSource, production: bool) -> Self {
        ClientAddressing {
            source,
            production,
            warned_header: AtomicBool::new(false),
            warned_single: AtomicBool::new(false),
            seen: AtomicUsize::new(0),
            first_peer: std::sync::Mutex::new(None),
        }
    }

    /// Logs, once, that requests look proxied while the proxy is not trusted: every client
    /// then shares the proxy's address and per-client limits hit everyone at once.
    fn notice(&self, req: &Request, peer: Option<IpAddr>) {
        if self.source != ClientIpSource::ConnectInfo {
            return;
        }
        let proxied = ["x-forwarded-for", "forwarded", "x-real-ip"].iter().any(|h| req.headers().contains_key(*h));
        if proxied && !self.warned_header.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                "requests carry X-Forwarded-For (or Forwarded, X-Real-IP) but SESAME_TRUST_PROXY is off: every client \
                 shares the proxy's address, so per-client limits apply to everyone at once; set SESAME_TRUST_PROXY=true \
                 behind a trusted reverse proxy"
            );
        }
        if !self.production || self.warned_single.load(Ordering::Relaxed) {
            return;
        }
        let Some(peer) = peer else { return };
        let mut first = self.first_peer.lock().unwrap_or_else(|e| e.into_inner());
        match *first {
            None => *first = Some(peer),
            Some(f) if f != peer => {
                // Several addresses: not (only) a proxy in front.
                self.warned_single.store(true, Ordering::Relaxed);
                return;
            }
            Some(_) => {}
        }
        if self.seen.fetch_add(1, Ordering::Relaxed) + 1 == 200 && !self.warned_single.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                "the first 200 requests all came from one address: Sésame seems to run behind a proxy while \
                 SESAME_TRUST_PROXY is off, so per-client limits apply to everyone at once"
            );
        }
    }
}

/// State of the context middleware.
#[derive(Clone, Debug)]
pub struct ContextState {
    /// The app.
    pub app: AppState,
    /// How client addresses are found.
    pub addressing: Arc<ClientAddressing>,
}

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

/// The key an address is limited by: IPv4 as is, IPv6 by its /64 (IPv4-mapped IPv6 as the
/// IPv4 it is).
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The client's address as configured, falling back to the TCP peer when the proxy's
/// header is missing or malformed.
async fn client_address(req: Request, addressing: &ClientAddressing) -> (Request, Option<IpAddr>) {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| a.ip());
    addressing.notice(&req, peer);
    if addressing.source == ClientIpSource::ConnectInfo {
        return (req, peer);
    }
    let (mut parts, body) = req.into_parts();
    parts.extensions.insert(addressing.source.clone());
    let ip = ClientIp::from_request_parts(&mut parts, &()).await.ok().map(|ClientIp(ip)| ip).or(peer);
    (Request::from_parts(parts, body), ip)
}

/// The page answered while the database is away: 503, when to come back, in the person's
/// language, and nothing stored by the browser.
pub fn unavailable(lang: Lang) -> Response {
    let (title, text) = match lang {
        Lang::Fr => (
            "Service momentanément indisponible",
            "Sésame ne peut pas joindre sa base de données pour l'instant. Rien de ce que vous avez fait n'a été enregistré à moitié : réessayez dans quelques secondes.",
        ),
        Lang::En => (
            "Service briefly unavailable",
            "Sésame cannot reach its database right now. Nothing you did was half-saved: please try again in a few seconds.",
        ),
    };
    let html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Sésame</title><link rel=\"stylesheet\" href=\"/offline.css\"></head><body><main><h1>{title}</h1><p>{text}</p>\
         <p><a href=\"\">{}</a></p></main></body></html>",
        lang.code(),
        lang.t("Réessayer", "Try again"),
    );
    let mut res = (axum::http::StatusCode::SERVICE_UNAVAILABLE, axum::response::Html(html)).into_response();
    let h = res.headers_mut();
    h.insert(header::RETRY_AFTER, axum::http::HeaderValue::from(super::server_fn_status::UNAVAILABLE_RETRY_SECONDS));
    h.insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    res
}

/// Computes the request context and stores it in the request's extensions.
pub async fn request_context(State(ctx_state): State<ContextState>, req: Request, next: Next) -> Response {
    let state = &ctx_state.app;
    let path = req.uri().path().to_string();
    if is_static(&path) {
        return next.run(req).await;
    }
    let (mut req, ip) = client_address(req, &ctx_state.addressing).await;
    let cookies: String =
        req.headers().get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join("; ");
    let lang = session::find_cookie(&cookies, Lang::COOKIE).map(Lang::from_code).unwrap_or_default();
    let mut user = None;
    let mut session_hash = None;
    let mut second_factor_pending = None;
    let mut carried = None;
    let mut session_handle = None;
    let mut fresh = false;
    let mut session_expired = false;
    let mut acting = None;
    let mut step_up_at = None;
    if let Some(token) =
        session::find_cookie(&cookies, session::cookie_name(state.settings.secure_cookies)).filter(|t| !t.is_empty())
    {
        match session::lookup(&state.db, token, state.now()).await {
            Ok(Some(info)) => {
                match info.stage {
                    session::Stage::Full => {
                        // A shared account is acted for only while the person is still one of
                        // its members and it is active: checked on every request.
                        if let Some(account) = info.acting_for {
                            match acting_for(state, account, &info.user).await {
                                Ok(found) => acting = found,
                                Err(e) if sesame_app::platform::db::is_unavailable(&e) => return unavailable(lang),
                                Err(e) => tracing::error!(error = %e, "shared account lookup failed"),
                            }
                        }
                        step_up_at = info.step_up_at;
                        user = Some(info.user)
                    }
                    session::Stage::SecondFactor => second_factor_pending = Some(info.user.id),
                }
                session_hash = Some(info.hash);
                session_handle = Some(info.handle);
                carried = Some(info.carried);
                fresh = info.fresh;
            }
            Ok(None) => session_expired = true,
            Err(e) if sesame_app::platform::db::is_unavailable(&e) => {
                tracing::warn!(error = %e, "database unavailable");
                return unavailable(lang);
            }
            Err(e) => tracing::error!(error = %e, "session lookup failed; treating the request as anonymous"),
        }
    }
    let client_key = state.keyed_hash("client", &ip.map(address_key).unwrap_or_default());
    let device =
        req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(session::device_of).unwrap_or_default();
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
        carried,
        session_handle,
        fresh,
        device,
        session_expired,
        client_key,
        nonce,
        path: full_path,
        acting,
        step_up_at,
    });
    next.run(req).await
}

/// The shared account a person switched to, if they still may act for it.
async fn acting_for(
    state: &AppState,
    account: i64,
    person: &session::CurrentUser,
) -> Result<Option<sesame_app::platform::context::ActingFor>, sqlx::Error> {
    use sesame_app::domain::account::{AccountStatus, UserKind};
    if person.kind != UserKind::Professional {
        return Ok(None);
    }
    let Some(a) = sesame_app::shared_accounts::store::acting(&state.db, account, person.id).await? else {
        return Ok(None);
    };
    Ok(Some(sesame_app::platform::context::ActingFor {
        account: session::CurrentUser {
            id: a.account_id,
            kind: UserKind::Shared,
            status: AccountStatus::Active,
            first_name: String::new(),
            last_name: a.description.clone(),
            is_admin: false,
            totp_enabled: false,
        },
        shared_id: a.shared_id,
        description: a.description,
        email: a.email,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_keyed_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        assert_eq!(address_key("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_eq!(address_key("192.0.2.7".parse().unwrap()), "192.0.2.7");
    }
}
