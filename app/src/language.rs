//! The language switch: a plain form in the header that stores the choice in a cookie.

// `#[server]` generates a public argument struct per function; its fields are the
// documented function's parameters.
#![allow(missing_docs)]

use crate::error::AppError;
use leptos::prelude::*;

/// A local path that is safe to redirect to (no other site, no scheme).
pub fn safe_local_path(back: &str) -> &str {
    let ok =
        back.starts_with('/') && !back.starts_with("//") && !back.starts_with("/\\") && !back.contains(['\r', '\n']);
    if ok { back } else { "/" }
}

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
    leptos_axum::redirect(safe_local_path(&back));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths() {
        assert_eq!(safe_local_path("/inscription?x=1"), "/inscription?x=1");
        assert_eq!(safe_local_path("//evil.example"), "/");
        assert_eq!(safe_local_path("https://evil.example"), "/");
        assert_eq!(safe_local_path("/\\evil.example"), "/");
        assert_eq!(safe_local_path(""), "/");
    }
}
