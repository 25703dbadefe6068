//! Cross-origin protection and security headers.
//!
//! Leptos server functions do no Origin check of their own: every state-changing request
//! (anything but GET/HEAD/OPTIONS) is refused here unless the browser says it comes from
//! this very site (`Sec-Fetch-Site: same-origin`, or an `Origin` equal to ours).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sesame_app::platform::AppState;

/// The CSP nonce of a response, generated per request.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// True when the `Host` the browser asked for is this site's: the public URL's host, or in
/// development a loopback alias of it on the same port (`localhost`, `127.0.0.1`, `[::1]`).
/// A page of another site whose name was re-pointed at this server (DNS rebinding) sends
/// its own name as `Host` and is refused.
pub fn allowed_host(host: &str, public_origin: &str, development: bool) -> bool {
    let Ok(public) = url::Url::parse(public_origin) else { return false };
    let Some(public_host) = public.host_str() else { return false };
    let port = public.port_or_known_default();
    let expected = match public.port() {
        Some(p) => format!("{public_host}:{p}"),
        None => public_host.to_string(),
    };
    if host.eq_ignore_ascii_case(&expected) {
        return true;
    }
    if !development {
        return false;
    }
    let Ok(asked) = url::Url::parse(&format!("{}://{host}", public.scheme())) else { return false };
    let loopback = matches!(asked.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    loopback && asked.port_or_known_default() == port
}

/// True when a state-changing request provably comes from our own pages: the `Host` is
/// ours, and the browser says the request comes from this very site (`Sec-Fetch-Site:
/// same-origin`, or an `Origin` equal to ours).
pub fn is_same_origin(headers: &HeaderMap, public_origin: &str, development: bool) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !allowed_host(host, public_origin, development) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin";
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    // The same host as requested (e.g. http://localhost:3000 for the configured
    // 127.0.0.1:3000 in development): the browser sets both, and the host is ours.
    origin == public_origin || origin == format!("http://{host}") || origin == format!("https://{host}")
}

fn new_nonce() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    sesame_app::platform::crypto::hex(&bytes)
}

/// Refuses cross-origin state changes, then adds security headers to every response.
pub async fn security(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !is_same_origin(req.headers(), &state.settings.public_origin(), !state.settings.production) {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-origin request refused");
        return (StatusCode::FORBIDDEN, "Cross-origin request refused.").into_response();
    }
    let nonce = new_nonce();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let personal = !safe
        || req.uri().path().starts_with("/api/")
        || req
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|c| c.contains(sesame_app::platform::session::cookie_name(state.settings.secure_cookies)));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // Pages and answers made for one person are never stored by a browser or a proxy;
    // public pages are revalidated. Static files set their own caching.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(if personal { "no-store" } else { "no-cache" }));
    }
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'nonce-{nonce}'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"),
    );
    if state.settings.secure_cookies {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn origin_rules() {
        let ours = "http://127.0.0.1:3000";
        let host = ("host", "127.0.0.1:3000");
        assert!(is_same_origin(&headers(&[host, ("origin", "http://127.0.0.1:3000")]), ours, true));
        assert!(is_same_origin(
            &headers(&[("origin", "http://localhost:3000"), ("host", "localhost:3000")]),
            ours,
            true
        ));
        assert!(is_same_origin(&headers(&[host, ("sec-fetch-site", "same-origin")]), ours, true));
        assert!(!is_same_origin(
            &headers(&[host, ("sec-fetch-site", "cross-site"), ("origin", "http://127.0.0.1:3000")]),
            ours,
            true
        ));
        assert!(!is_same_origin(&headers(&[("origin", "https://evil.example"), host]), ours, true));
        assert!(!is_same_origin(&headers(&[host, ("origin", "null")]), ours, true));
        assert!(!is_same_origin(&headers(&[host]), ours, true));
        assert!(!is_same_origin(&headers(&[]), ours, true));
    }

    #[test]
    fn a_rebound_host_name_is_refused() {
        // evil.example re-pointed at this server: its own page is "same-origin" to itself.
        let rebound = headers(&[("host", "evil.example:3000"), ("sec-fetch-site", "same-origin")]);
        assert!(!is_same_origin(&rebound, "http://127.0.0.1:3000", true));
        let rebound = headers(&[("host", "evil.example:3000"), ("origin", "http://evil.example:3000")]);
        assert!(!is_same_origin(&rebound, "http://127.0.0.1:3000", true));
        let prod = "https://sesame.example.org";
        assert!(allowed_host("sesame.example.org", prod, false));
        assert!(!allowed_host("localhost", prod, false));
        assert!(!allowed_host("localhost:3001", "http://127.0.0.1:3000", true));
        assert!(allowed_host("[::1]:3000", "http://127.0.0.1:3000", true));
    }
}
