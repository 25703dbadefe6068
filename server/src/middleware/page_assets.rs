//! What a rendered page needs from the built front end, put in once it is rendered: the
//! shell leaves a marker in `<head>` ([`ASSETS_MARKER`]) that becomes the inlined
//! stylesheet, with the page's CSP nonce, and — only on a page that holds an island
//! (`<leptos-island`) — the loader of the WebAssembly of its islands. Any other page (home,
//! sign-in, the back office…) downloads no WebAssembly or JavaScript of the app at all.
//!
//! Pages are rendered whole before they are sent (`SsrMode::Async`), so reading the body
//! here costs one pass over a few kilobytes already in memory; the stylesheet (16 KB) is
//! copied into the answer once, instead of travelling through rendering and Leptos's head
//! injection, which copy and search the page.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use sesame_app::platform::{AppState, RequestContext};
use sesame_app::ui::assets::{ASSETS_MARKER, island_scripts};

/// The largest page this layer reads (bigger answers are passed on untouched).
const MAX_PAGE: usize = 4 * 1024 * 1024;

/// Replaces the marker of an HTML page by the stylesheet and, if the page has islands, their
/// loader.
pub async fn page_assets(
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
    let Some(at) = find(&bytes, ASSETS_MARKER.as_bytes()) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let assets = sesame_app::ui::assets::of(&state.leptos_options);
    let islands = island_names(&bytes[at..]);
    let scripts = if islands.is_empty() { String::new() } else { island_scripts(assets, &nonce, &islands) };
    let style = [b"<style nonce=\"".as_slice(), nonce.as_bytes(), b"\">", assets.css.as_bytes(), b"</style>"];
    let mut page = Vec::with_capacity(bytes.len() + style.iter().map(|s| s.len()).sum::<usize>() + scripts.len());
    page.extend_from_slice(&bytes[..at]);
    style.iter().for_each(|s| page.extend_from_slice(s));
    page.extend_from_slice(scripts.as_bytes());
    page.extend_from_slice(&bytes[at + ASSETS_MARKER.len()..]);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(page))
}

/// The names of the islands in a page (`<leptos-island data-component="…"`), in order.
fn island_names(page: &[u8]) -> Vec<&str> {
    const TAG: &[u8] = b"<leptos-island";
    const NAME: &[u8] = b"data-component=\"";
    let mut names = Vec::new();
    let mut rest = page;
    while let Some(at) = find(rest, TAG) {
        rest = &rest[at + TAG.len()..];
        let end_of_tag = memchr::memchr(b'>', rest).unwrap_or(rest.len());
        let Some(name_at) = find(&rest[..end_of_tag], NAME) else { continue };
        let name = &rest[name_at + NAME.len()..end_of_tag];
        let name = &name[..memchr::memchr(b'"', name).unwrap_or(name.len())];
        if let Ok(name) = std::str::from_utf8(name)
            && !names.contains(&name)
        {
            names.push(name);
        }
    }
    names
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::island_names;

    #[test]
    fn island_names_are_read_from_the_page_once_each() {
        let page = br#"<main><leptos-island data-component="SignUpForm_12" data-props="{&quot;a&quot;:&quot;>&quot;}"><form></form></leptos-island>
            <leptos-island data-component="PasswordInput_3"></leptos-island><leptos-island data-component="SignUpForm_12"></leptos-island></main>"#;
        assert_eq!(island_names(page), vec!["SignUpForm_12", "PasswordInput_3"]);
        assert!(island_names(b"<main><p>no island</p></main>").is_empty());
    }
}
