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
    /// What the current session carries over to the next stage (remembered, device, when
    /// the password was given).
    pub carried: Option<super::session::NewSession>,
    /// The public handle of the current session (to mark it in the sessions list).
    pub session_handle: Option<String>,
    /// The session was active in the last 30 minutes (or the password was given in them).
    pub fresh: bool,
    /// The device, summarised from the `User-Agent` (for the sessions list).
    pub device: String,
    /// The request carried a session cookie that no longer opens a session (it expired or
    /// was ended): "your session expired" is said to this person only.
    pub session_expired: bool,
    /// A keyed hash of the client's address, for rate limits (never the address itself).
    pub client_key: String,
    /// The CSP nonce of this response.
    pub nonce: String,
    /// The request path, for "back" links and form re-rendering.
    pub path: String,
    /// The shared account the signed-in person acts for, if they switched to one (checked
    /// on this request: still a member, the account still active).
    pub acting: Option<ActingFor>,
    /// When the person last confirmed a code e-mailed to them in this session.
    pub step_up_at: Option<i64>,
}

/// A shared account a person acts for.
#[derive(Clone, Debug)]
pub struct ActingFor {
    /// The shared account as the principal whose rights apply (kind `Shared`).
    pub account: CurrentUser,
    /// Its shared-account id (`/comptes-partages/{id}`).
    pub shared_id: i64,
    /// Its description, shown in the header.
    pub description: String,
    /// Its address, shown in the header.
    pub email: String,
}

impl RequestContext {
    /// The signed-in user, or the error that asks to sign in (again, when a session
    /// expired).
    pub fn require_user(&self) -> Result<CurrentUser, crate::error::AppError> {
        self.user.clone().ok_or_else(|| self.sign_in_error())
    }

    /// Whose rights apply to this request: the shared account the person switched to, or
    /// the person themself. Pages and documents are read with these rights; what was done
    /// is recorded as the person's, for the shared account.
    pub fn principal(&self) -> Option<CurrentUser> {
        match &self.acting {
            Some(a) if self.user.is_some() => Some(a.account.clone()),
            _ => self.user.clone(),
        }
    }

    /// [`RequestContext::principal`], or the error that asks to sign in.
    pub fn require_principal(&self) -> Result<CurrentUser, crate::error::AppError> {
        self.principal().ok_or_else(|| self.sign_in_error())
    }

    /// The shared account's `users` id when acting for one.
    pub fn acting_for(&self) -> Option<i64> {
        self.acting.as_ref().map(|a| a.account.id)
    }

    /// `SessionExpired` for someone whose session ended, `SignInRequired` otherwise.
    pub fn sign_in_error(&self) -> crate::error::AppError {
        if self.session_expired {
            crate::error::AppError::SessionExpired
        } else {
            crate::error::AppError::SignInRequired
        }
    }
}

/// The current request's context, from the Leptos context (empty outside a request).
pub fn request_context() -> RequestContext {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestContext>().cloned())
        .unwrap_or_default()
}
