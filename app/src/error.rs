//! Real failures of a server function, as opposed to expected outcomes.
//!
//! Things a person can fix (a bad field, a wrong code) are returned as `Ok(outcome)`; this
//! type is for what they cannot: not signed in, not allowed, server overloaded, a bug.
//! The message shown is short and kind; the cause goes to the log on the server.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// A failure of a server function that the person cannot fix by changing their input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The caller must sign in first.
    #[error("sign-in required")]
    SignInRequired,
    /// The caller's session ended (idle or too old): they must sign in again.
    #[error("session expired")]
    SessionExpired,
    /// The caller is signed in but lacks the right for this action.
    #[error("forbidden")]
    Forbidden,
    /// A health document after a long pause: the caller must give their password again.
    #[error("password required")]
    PasswordRequired,
    /// The back-office needs a second factor the caller has not enrolled yet.
    #[error("second factor required")]
    SecondFactorRequired,
    /// Too many requests are being processed; try again in a moment (HTTP 503).
    #[error("overloaded")]
    Overloaded,
    /// The database cannot be reached right now; nothing was half-written (HTTP 503).
    #[error("unavailable")]
    Unavailable,
    /// Too many attempts from this client; the value is the number of seconds to wait.
    #[error("rate limited")]
    RateLimited(u64),
    /// Something went wrong on the server; details are in the server log only.
    #[error("internal error")]
    Internal,
    /// The request itself was malformed (missing field, bad encoding).
    #[error("bad request: {0}")]
    BadRequest(String),
}

impl AppError {
    /// The message shown to the person.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::SignInRequired => {
                lang.t("Connectez-vous pour continuer.", "Please sign in to continue.").into()
            }
            AppError::SessionExpired => lang
                .t(
                    "Votre session a expiré : connectez-vous à nouveau.",
                    "Your session has ended: please sign in again.",
                )
                .into(),
            AppError::Forbidden => lang
                .t(
                    "Vous n'avez pas les droits nécessaires pour cette action.",
                    "You do not have the rights needed for this action.",
                )
                .into(),
            AppError::PasswordRequired => lang
                .t(
                    "Pour protéger vos documents de santé après une pause, confirmez votre mot de passe.",
                    "To protect your health documents after a pause, confirm your password.",
                )
                .into(),
            AppError::SecondFactorRequired => lang
                .t(
                    "Le back-office exige l'authentification à deux facteurs : configurez-la d'abord (deux minutes suffisent).",
                    "The back-office requires two-factor authentication: set it up first (it takes two minutes).",
                )
                .into(),
            AppError::Overloaded => lang
                .t(
                    "Le service est très sollicité : réessayez dans quelques secondes.",
                    "The service is very busy: please try again in a few seconds.",
                )
                .into(),
            AppError::Unavailable => lang
                .t(
                    "Le service est momentanément indisponible : réessayez dans un instant. Rien n'a été enregistré à moitié.",
                    "The service is briefly unavailable: please try again in a moment. Nothing was half-saved.",
                )
                .into(),
            AppError::RateLimited(secs) => match lang {
                Lang::Fr => format!("Trop de tentatives. Réessayez dans {}.", crate::domain::duration::human_fr(*secs)),
                Lang::En => format!("Too many attempts. Try again in {}.", crate::domain::duration::human_en(*secs)),
            },
            AppError::Internal | AppError::BadRequest(_) => lang
                .t(
                    "Une erreur est survenue de notre côté. Vos informations n'ont pas été perdues : réessayez.",
                    "Something went wrong on our side. Nothing you typed was lost: please try again.",
                )
                .into(),
        }
    }

    /// The HTTP status that goes with this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::SignInRequired | AppError::SessionExpired | AppError::PasswordRequired => 401,
            AppError::Forbidden | AppError::SecondFactorRequired => 403,
            AppError::Overloaded | AppError::Unavailable => 503,
            AppError::RateLimited(_) => 429,
            AppError::Internal => 500,
            AppError::BadRequest(_) => 400,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(e) | ServerFnErrorErr::Deserialization(e) => AppError::BadRequest(e),
            _ => AppError::Internal,
        }
    }
}

/// Result type of every server function.
pub type AppResult<T> = Result<T, AppError>;

/// What a flow (a use-case on the server) can fail with: the database, password hashing, or
/// a refusal already meant for the person ([`AppError`]). Flows use `?` on each; the
/// server-function boundary turns it into an [`AppError`] once, logging the cause with
/// the flow's span (`#[tracing::instrument]`) and the request's.
#[cfg(feature = "ssr")]
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// A query failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// Hashing a password failed (or is overloaded).
    #[error("password hashing: {0}")]
    Hash(#[from] crate::platform::passwords::HashError),
    /// Sealing a secret failed (nothing was stored).
    #[error(transparent)]
    Seal(#[from] crate::platform::secretbox::SealError),
    /// A refusal for the person (not signed in, forbidden, rate limited…).
    #[error(transparent)]
    App(#[from] AppError),
    /// Anything else that should not happen (a stored value that does not decode…).
    #[error("{0}")]
    Other(String),
}

/// A query that failed outside a flow (a page reading what it shows): the same logging
/// and mapping as a flow's error.
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> AppError {
        FlowError::Db(e).into()
    }
}

/// Result of a flow.
#[cfg(feature = "ssr")]
pub type FlowResult<T> = Result<T, FlowError>;

#[cfg(feature = "ssr")]
impl From<FlowError> for AppError {
    fn from(e: FlowError) -> AppError {
        use crate::platform::passwords::HashError;
        match e {
            FlowError::App(a) => a,
            FlowError::Hash(HashError::Overloaded) => AppError::Overloaded,
            FlowError::Db(db) if crate::platform::db::is_unavailable(&db) => {
                tracing::warn!(error = %db, "database unavailable");
                AppError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "request failed");
                AppError::Internal
            }
        }
    }
}
