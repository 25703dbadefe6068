//! The application state every request handler and server function reaches through context.

use super::clock::Clock;
use super::db::Db;
use super::passwords::PasswordHasher;
use crate::error::AppError;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use tokio::sync::Notify;

/// Settings the app needs at run time (the server's configuration builds them).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Public base URL, used in e-mail links and Origin checks.
    pub public_url: url::Url,
    /// Secret key for keyed hashes and sealing; at least 32 bytes. Never printed (its
    /// `Debug` is redacted).
    pub secret_key: secrecy::SecretSlice<u8>,
    /// Whether cookies carry `Secure` and the `__Host-` prefix (true for https).
    pub secure_cookies: bool,
    /// Production mode: no development conveniences.
    pub production: bool,
    /// Whether to log the links of e-mails written to files (development only).
    pub log_mail_links: bool,
    /// Trust `X-Forwarded-For` for the client address (behind a reverse proxy only).
    pub trust_proxy: bool,
}

impl Settings {
    /// The origin (`scheme://host[:port]`) of the public URL.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }

    /// An absolute URL for a path of the site (the public URL may have a path prefix).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.public_url.as_str().trim_end_matches('/'), path)
    }

    /// The secret key's bytes, for the few functions that derive keys from it.
    pub fn secret(&self) -> &[u8] {
        secrecy::ExposeSecret::expose_secret(&self.secret_key)
    }
}

/// Everything shared by requests: database, settings, clock, password hasher, mail wake-up.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database pool.
    pub db: Db,
    /// Run-time settings.
    pub settings: Arc<Settings>,
    /// The time source.
    pub clock: Arc<dyn Clock>,
    /// The bounded password hasher.
    pub hasher: Arc<PasswordHasher>,
    /// Wakes the mail worker when a transaction has queued a mail.
    pub mail_wakeup: Arc<Notify>,
    /// Leptos rendering options (site root, output names), shared: the state is cloned by
    /// every middleware of every request, and the options are a dozen reference counts.
    pub leptos_options: Arc<LeptosOptions>,
    /// Where sealed health documents are kept (database or directory).
    pub documents: Arc<dyn crate::documents::DocumentStorage>,
}

impl AppState {
    /// Milliseconds since the Unix epoch, from the injected clock.
    pub fn now(&self) -> i64 {
        self.clock.now_millis()
    }

    /// Today's date (UTC) from the injected clock.
    pub fn today(&self) -> crate::domain::date::Date {
        crate::domain::date::Date::from_unix_millis(self.now())
    }

    /// Tells the mail worker that new mail is waiting (call after commit).
    pub fn wake_mailer(&self) {
        self.mail_wakeup.notify_one();
    }

    /// Keyed hash under this server's secret (see [`super::crypto::keyed_hash`]).
    pub fn keyed_hash(&self, purpose: &str, value: &str) -> String {
        super::crypto::keyed_hash(self.settings.secret(), purpose, value)
    }

    /// Seals a secret that must be read back (see [`super::secretbox`]).
    pub fn seal_secret(&self, plaintext: &[u8]) -> Result<String, super::secretbox::SealError> {
        super::secretbox::seal(self.settings.secret(), plaintext)
    }

    /// Opens a value sealed by [`AppState::seal_secret`]; `None` if tampered with or sealed
    /// under another key.
    pub fn open_secret(&self, sealed: &str) -> Option<Vec<u8>> {
        super::secretbox::open(self.settings.secret(), sealed)
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        (*state.leptos_options).clone()
    }
}

/// The application state, from the Leptos context of a server function or page.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}
