//! WebAssembly only where it is used: the shell leaves a marker in `<head>`
//! ([`ISLANDS_MARKER`]); a rendered page that holds an island (`<leptos-island`) gets the
//! loader there, with the page's CSP nonce; any other page (home, sign-in, the back office…)
//! gets nothing and downloads no WebAssembly or JavaScript of the app at all.
//!
//! Pages are rendered whole before they are sent (`SsrMode::Async`), so reading the body
//! here costs one pass over a few kilobytes already in memory.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use sesame_app::platform::{AppState, RequestContext};
use sesame_app::ui::assets::{ISLANDS_MARKER, island_scripts};

/// The largest page this layer reads (bigger answers are passed on untouched).
const MAX_PAGE: usize = 4 * 1024 * 1024;

/// Replaces the marker of an HTML page by the island loader, or by nothing.
pub async fn island_loader(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let nonce = req.extensions().get::<RequestContext>().map(|c| c.nonce.clone()).unwrap_or_default();
    let res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE).await else {
        // Unreadable or too large: nothing sensible to send any more.
        return Response::from_parts(parts, Body::empty());
    };
    let Some(at) = find(&bytes, ISLANDS_MARKER.as_bytes()) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let scripts = if find(&bytes[at..], b"<leptos-island").is_some() {
        island_scripts(sesame_app::ui::assets::of(&state.leptos_options), &nonce)
    } else {
        String::new()
    };
    let mut page = Vec::with_capacity(bytes.len() + scripts.len());
    page.extend_from_slice(&bytes[..at]);
    page.extend_from_slice(scripts.as_bytes());
    page.extend_from_slice(&bytes[at + ISLANDS_MARKER.len()..]);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(page))
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}
