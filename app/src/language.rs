//! The language switch: a plain form in the header that stores the choice in a cookie.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]

use crate::error::AppError;
use leptos::prelude::*;

/// Switches the interface language and goes back to the page the person was on.
#[server(endpoint = "langue")]
pub async fn set_language(lang: String, back: String) -> Result<(), AppError> {
    use crate::i18n::Lang;
    let state = crate::platform::app_state()?;
    let lang = Lang::from_code(&lang);
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{}",
        Lang::COOKIE,
        lang.code(),
        if state.settings.secure_cookies { "; Secure" } else { "" }
    );
    response
        .append_header(http::header::SET_COOKIE, http::HeaderValue::from_str(&cookie).map_err(|_| AppError::Internal)?);
    leptos_axum::redirect(&crate::platform::redirect::local_or(&state.settings.public_url, &back, "/"));
    Ok(())
}
