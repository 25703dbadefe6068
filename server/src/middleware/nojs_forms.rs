//! Forms posted without JavaScript (see `sesame_app::form`).
//!
//! A `POST` to a page whose body names a server function in `_fn` runs that server function
//! exactly as the hydrated form would, then:
//! - if it redirected, answers `303 See Other` to where it pointed;
//! - otherwise renders the page again (as a `GET` of the same URL) with the outcome and the
//!   values typed, so field errors appear next to the fields and nothing typed is lost.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;
use sesame_app::form::{FN_FIELD, FormSubmission, SECRET_FIELDS};
use sesame_app::platform::AppState;

/// Largest form body accepted.
const MAX_FORM_BYTES: usize = 256 * 1024;

fn is_form(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// Decodes `application/x-www-form-urlencoded` pairs (the WHATWG rules, by
/// `form_urlencoded`: `+` is a space, a malformed escape is kept as typed).
pub fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Runs server functions for forms posted without JavaScript.
pub async fn nojs_forms(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || req.uri().path().starts_with("/api/") || !is_form(&req) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "Form too large.").into_response();
    };
    let fields = parse_form(&bytes);
    let Some(fn_path) = fields.iter().find(|(k, _)| k == FN_FIELD).map(|(_, v)| v.clone()) else {
        // A POST to a page that is not one of our forms.
        return (StatusCode::METHOD_NOT_ALLOWED, "This page does not accept this form.").into_response();
    };
    if !fn_path.starts_with("/api/") || fn_path.contains("..") {
        return (StatusCode::BAD_REQUEST, "Unknown form.").into_response();
    }

    // Call the server function as the hydrated form would (JSON answer, no HTML redirect).
    let mut fn_req = Request::builder().method(Method::POST).uri(fn_path.as_str());
    for (name, value) in parts.headers.iter() {
        if name != header::ACCEPT && name != header::CONTENT_LENGTH {
            fn_req = fn_req.header(name, value);
        }
    }
    let Ok(mut fn_req) = fn_req
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_LENGTH, bytes.len())
        .body(Body::from(bytes.clone()))
    else {
        return (StatusCode::BAD_REQUEST, "Malformed form.").into_response();
    };
    *fn_req.extensions_mut() = parts.extensions.clone();
    let ctx_state = state.clone();
    let fn_res = leptos_axum::handle_server_fns_with_context(move || provide_context(ctx_state.clone()), fn_req)
        .await
        .into_response();

    let cookies: Vec<HeaderValue> = fn_res.headers().get_all(header::SET_COOKIE).iter().cloned().collect();
    if let Some(location) = fn_res.headers().get(header::LOCATION).cloned() {
        let mut res = StatusCode::SEE_OTHER.into_response();
        res.headers_mut().insert(header::LOCATION, location);
        for c in cookies {
            res.headers_mut().append(header::SET_COOKIE, c);
        }
        return res;
    }
    let mut status = fn_res.status();
    let body = to_bytes(fn_res.into_body(), 1024 * 1024).await.unwrap_or_default();
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        status = super::server_fn_status::error_status(&body).unwrap_or(status);
    }
    if status == StatusCode::BAD_REQUEST && body.starts_with(b"Could not find a server function") {
        return (StatusCode::BAD_REQUEST, "Unknown form.").into_response();
    }
    let retry_after = super::server_fn_status::retry_after(&body);
    let submission = FormSubmission {
        fn_path,
        status: status.as_u16(),
        body: String::from_utf8_lossy(&body).into_owned(),
        fields: fields.into_iter().filter(|(k, _)| k != FN_FIELD && !SECRET_FIELDS.contains(&k.as_str())).collect(),
    };

    // Render the page again, as a GET of the same URL, with the submission in context.
    let mut page_req = Request::from_parts(parts, Body::empty());
    *page_req.method_mut() = Method::GET;
    page_req.headers_mut().remove(header::CONTENT_TYPE);
    page_req.headers_mut().remove(header::CONTENT_LENGTH);
    page_req.extensions_mut().insert(submission);
    let mut res = next.run(page_req).await;
    for c in cookies {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    if !status.is_success() && res.status().is_success() {
        *res.status_mut() = status;
        if let Some(seconds) = retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_forms() {
        let f = parse_form(b"_fn=%2Fapi%2Finscription&email=jean%40x.fr&name=Le+Gall&site=1&site=3&empty=&bad=%zz");
        assert_eq!(f[0], ("_fn".into(), "/api/inscription".into()));
        assert_eq!(f[1], ("email".into(), "jean@x.fr".into()));
        assert_eq!(f[2], ("name".into(), "Le Gall".into()));
        assert_eq!(f[3].1, "1");
        assert_eq!(f[4].1, "3");
        assert_eq!(f[5], ("empty".into(), "".into()));
        assert_eq!(f[6], ("bad".into(), "%zz".into()));
        let utf8 = parse_form("nom=H%C3%A9l%C3%A8ne".as_bytes());
        assert_eq!(utf8[0].1, "Hélène");
    }
}
