//! What the server knows about the current request: language, signed-in user, client key,
//! CSP nonce. Computed once by a middleware, read by pages and server functions.

use super::session::CurrentUser;
use crate::i18n::Lang;

/// Per-request facts, stored in the request's extensions.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    /// Interface language (cookie, French by default).
    pub lang: Lang,
    /// The signed-in user, if any (their session is valid and they are not deactivated).
    pub user: Option<CurrentUser>,
    /// The hash of the session token presented, if any (to revoke it at sign-out).
    pub session_hash: Option<String>,
    /// A user whose password was checked and who still has to give their second factor.
    pub second_factor_pending: Option<i64>,
    /// A keyed hash of the client's address, for rate limits (never the address itself).
    pub client_key: String,
    /// The CSP nonce of this response.
    pub nonce: String,
    /// The request path, for "back" links and form re-rendering.
    pub path: String,
}

/// The current request's context, from the Leptos context (empty outside a request).
pub fn request_context() -> RequestContext {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestContext>().cloned())
        .unwrap_or_default()
}

/// The interface language of the current request.
pub fn current_lang() -> Lang {
    request_context().lang
}
