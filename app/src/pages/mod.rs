//! Server-rendered pages that belong to no single capability.

pub mod account;
pub mod account_sections;
pub mod errors;
pub mod home;
pub mod legal;

/// Percent-encodes a value for a query string (slashes kept, so paths stay readable).
pub fn url_encode(s: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');
    percent_encoding::utf8_percent_encode(s, KEEP).to_string()
}

/// A moment as the person reads it: date and time in France (Europe/Paris), e.g.
/// "22/11/2026 à 14:05" or "2026-11-22 14:05".
pub fn date_time(ms: i64, lang: crate::i18n::Lang) -> String {
    let Ok(ts) = jiff::Timestamp::from_millisecond(ms) else { return String::new() };
    let zoned = ts.in_tz("Europe/Paris").unwrap_or_else(|_| ts.to_zoned(jiff::tz::TimeZone::UTC));
    match lang {
        crate::i18n::Lang::Fr => zoned.strftime("%d/%m/%Y à %H:%M").to_string(),
        crate::i18n::Lang::En => zoned.strftime("%Y-%m-%d %H:%M").to_string(),
    }
}

/// A day (stored `AAAA-MM-JJ`) as the person reads it: "14/03/1985" in French, the ISO
/// form in English; empty if it does not parse.
pub fn day(iso: &str, lang: crate::i18n::Lang) -> String {
    crate::domain::date::Date::parse(iso)
        .map(|d| if lang == crate::i18n::Lang::Fr { d.french() } else { d.iso() })
        .unwrap_or_default()
}

/// A query parameter of the current request.
pub fn query_param(name: &str) -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let query = parts.uri.query()?;
    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The signed-in user, or the sign-in page's error (with a way back here after sign-in).
pub fn require_user() -> Result<crate::platform::session::CurrentUser, crate::error::AppError> {
    crate::platform::request_context().require_user()
}
