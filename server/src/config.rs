//! Configuration in layers: built-in defaults, then an optional TOML file, then environment
//! variables. A bad setting stops the start with one line naming it.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Development (defaults that run on a laptop) or production (strict).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Local development and demos.
    Development,
    /// A real deployment.
    Production,
}

/// The server's configuration, resolved.
#[derive(Clone)]
pub struct Config {
    /// Development or production.
    pub mode: Mode,
    /// `sqlite://…` or `postgres://…` (a PostgreSQL URL may carry a password: kept secret).
    pub database_url: SecretString,
    /// Maximum database connections.
    pub database_max_connections: u32,
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Public base URL (links in e-mails, Origin checks), parsed, without a trailing slash.
    pub public_url: url::Url,
    /// SMTP server URL, with its credentials; in development, unset means `.eml` files in
    /// `mail_dir`.
    pub smtp_url: Option<SecretString>,
    /// Sender of every e-mail.
    pub mail_from: String,
    /// Where development e-mails are written.
    pub mail_dir: PathBuf,
    /// Secret key for keyed hashes and sealing (at least 32 characters).
    pub secret_key: SecretString,
    /// Folder with the built site (cargo-leptos `site-root`).
    pub site_root: PathBuf,
    /// Where the client's address comes from: the TCP peer, or the header a trusted reverse
    /// proxy sets (`SESAME_TRUST_PROXY`: `false`, `true` for the rightmost
    /// `X-Forwarded-For` entry, or an `axum-client-ip` source such as `XRealIp`).
    pub client_ip_source: axum_client_ip::ClientIpSource,
    /// Log as JSON lines (production) or human-readable text.
    pub log_json: bool,
    /// How often each background job runs.
    pub jobs: JobIntervals,
    /// Where health documents are stored when not in the database (`SESAME_DOCUMENTS_DIR`).
    pub documents_dir: Option<PathBuf>,
}

/// How often each background job runs (`SESAME_MAIL_POLL`, `SESAME_MAIL_LEASE`,
/// `SESAME_SCHEDULER_EVERY`, `SESAME_HOUSEKEEPING_EVERY`; values such as `30s`, `5m`, `1h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobIntervals {
    /// Longest sleep of the mail worker between two looks at the outbox (a new mail wakes
    /// it at once).
    pub mail_poll: std::time::Duration,
    /// How long a mail being sent is reserved for the instance sending it; another instance
    /// takes it over after this (an instance that died while sending).
    pub mail_lease: std::time::Duration,
    /// The scheduler: invitation and provisional-code reminders and expiries.
    pub scheduler: std::time::Duration,
    /// Housekeeping: retention (see `sesame_app::platform::retention`), expired sessions.
    pub housekeeping: std::time::Duration,
}

impl Default for JobIntervals {
    fn default() -> Self {
        JobIntervals {
            mail_poll: std::time::Duration::from_secs(5),
            mail_lease: std::time::Duration::from_secs(60),
            scheduler: std::time::Duration::from_secs(60),
            housekeeping: std::time::Duration::from_secs(3600),
        }
    }
}

impl std::fmt::Debug for Config {
    // The secret key and the credentials in URLs are `SecretString`s: redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("mode", &self.mode)
            .field("database_url", &self.database_url)
            .field("bind", &self.bind)
            .field("public_url", &self.public_url.as_str())
            .field("smtp_url", &self.smtp_url)
            .field("secret_key", &self.secret_key)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Whether the database is SQLite (else PostgreSQL).
    pub fn is_sqlite(&self) -> bool {
        self.database_url.expose_secret().starts_with("sqlite:")
    }
}

/// A configuration error, naming the setting at fault.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {setting}: {problem}")]
pub struct ConfigError {
    /// The setting (environment variable name).
    pub setting: &'static str,
    /// What is wrong with it.
    pub problem: String,
}

fn err(setting: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError { setting, problem: problem.into() }
}

/// The optional file layer: the same settings, lower-case, without the `SESAME_` prefix.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLayer {
    env: Option<Mode>,
    database_url: Option<String>,
    database_max_connections: Option<u32>,
    bind: Option<String>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    mail_dir: Option<String>,
    secret_key: Option<String>,
    site_root: Option<String>,
    trust_proxy: Option<toml::Value>,
    log_format: Option<String>,
    mail_poll: Option<String>,
    mail_lease: Option<String>,
    scheduler_every: Option<String>,
    housekeeping_every: Option<String>,
    documents_dir: Option<String>,
}

/// Secrets that are obviously placeholders.
const PLACEHOLDER_SECRETS: &[&str] = &["change-me", "changeme", "secret", "placeholder", "xxx", "development"];

impl Config {
    /// Loads the configuration from the process environment (and the file it names).
    pub fn load() -> Result<Self, ConfigError> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Self::from_layers(|k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    /// Resolves the layers with `env` as the environment (injectable for tests).
    pub fn from_layers(env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let file_path = env("SESAME_CONFIG").map(PathBuf::from).or_else(|| {
            let default = PathBuf::from("sesame.toml");
            default.exists().then_some(default)
        });
        let file: FileLayer = match &file_path {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| err("SESAME_CONFIG", format!("cannot read {}: {e}", p.display())))?;
                toml::from_str(&text).map_err(|e| err("SESAME_CONFIG", format!("{}: {}", p.display(), e.message())))?
            }
            None => FileLayer::default(),
        };
        let pick = |var: &str, from_file: Option<String>| env(var).filter(|v| !v.trim().is_empty()).or(from_file);

        let mode = match pick("SESAME_ENV", None) {
            Some(v) => match v.trim() {
                "production" => Mode::Production,
                "development" => Mode::Development,
                other => return Err(err("SESAME_ENV", format!("'{other}' is neither 'development' nor 'production'"))),
            },
            None => file.env.unwrap_or(Mode::Development),
        };

        let database_url = pick("SESAME_DATABASE_URL", file.database_url)
            .unwrap_or_else(|| "sqlite://data/sesame.db?mode=rwc".to_string());
        match url::Url::parse(&database_url) {
            Ok(u) if matches!(u.scheme(), "sqlite" | "postgres" | "postgresql") => {}
            // The value may hold a password: never echoed.
            _ => return Err(err("SESAME_DATABASE_URL", "must be a URL starting with sqlite:// or postgres://")),
        }
        let database_max_connections =
            match pick("SESAME_DATABASE_MAX_CONNECTIONS", file.database_max_connections.map(|n| n.to_string())) {
                Some(v) => {
                    v.trim().parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                        err("SESAME_DATABASE_MAX_CONNECTIONS", format!("'{v}' is not a positive number"))
                    })?
                }
                None => 10,
            };

        let bind_text = pick("SESAME_BIND", file.bind).unwrap_or_else(|| "127.0.0.1:3000".to_string());
        let bind: SocketAddr = bind_text
            .trim()
            .parse()
            .map_err(|_| err("SESAME_BIND", format!("'{bind_text}' is not an address:port such as 127.0.0.1:3000")))?;

        let public_text = pick("SESAME_PUBLIC_URL", file.public_url).unwrap_or_else(|| format!("http://{bind}"));
        let public_url = match url::Url::parse(public_text.trim().trim_end_matches('/')) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                if u.query().is_some() || u.fragment().is_some() || !u.username().is_empty() {
                    return Err(err(
                        "SESAME_PUBLIC_URL",
                        format!("'{public_text}' must have no query, fragment or user"),
                    ));
                }
                u
            }
            _ => {
                return Err(err(
                    "SESAME_PUBLIC_URL",
                    format!(
                        "'{public_text}' is not a URL starting with http:// or https:// such as https://sesame.example.org"
                    ),
                ));
            }
        };

        let smtp_url = pick("SESAME_SMTP_URL", file.smtp_url);
        if let Some(url) = &smtp_url {
            match url::Url::parse(url) {
                Ok(u) if matches!(u.scheme(), "smtp" | "smtps") && u.host().is_some() => {}
                // The value may hold a password: never echoed.
                _ => return Err(err("SESAME_SMTP_URL", "must be a URL starting with smtp:// or smtps://")),
            }
        }
        let smtp_url = smtp_url.map(SecretString::from);
        let mail_from = pick("SESAME_MAIL_FROM", file.mail_from)
            .unwrap_or_else(|| "Sésame <no-reply@sesame.localhost>".to_string());
        if mail_from.parse::<sesame_app::platform::mail::Mailbox>().is_err() {
            return Err(err(
                "SESAME_MAIL_FROM",
                format!("'{mail_from}' is not an address such as Sésame <no-reply@example.org>"),
            ));
        }
        let mail_dir = PathBuf::from(pick("SESAME_MAIL_DIR", file.mail_dir).unwrap_or_else(|| "data/mail".to_string()));
        let site_root = PathBuf::from(
            pick("SESAME_SITE_ROOT", file.site_root)
                .or_else(|| env("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| "target/site".to_string()),
        );
        let client_ip_source = match pick(
            "SESAME_TRUST_PROXY",
            file.trust_proxy.map(|v| match v {
                toml::Value::String(s) => s,
                other => other.to_string(),
            }),
        ) {
            Some(v) => match parse_bool(&v) {
                Some(false) => axum_client_ip::ClientIpSource::ConnectInfo,
                Some(true) => axum_client_ip::ClientIpSource::RightmostXForwardedFor,
                None => v.trim().parse().map_err(|_| {
                    err(
                        "SESAME_TRUST_PROXY",
                        format!("'{v}' is not true, false, or a header source such as XRealIp or RightmostForwarded"),
                    )
                })?,
            },
            None => axum_client_ip::ClientIpSource::ConnectInfo,
        };
        let log_json = match pick("SESAME_LOG_FORMAT", file.log_format) {
            Some(v) if v == "json" => true,
            Some(v) if v == "text" => false,
            Some(v) => return Err(err("SESAME_LOG_FORMAT", format!("'{v}' is neither 'text' nor 'json'"))),
            None => mode == Mode::Production,
        };

        let interval = |setting: &'static str, value: Option<String>, default: std::time::Duration| match value {
            Some(v) => humantime::parse_duration(v.trim())
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| err(setting, format!("'{v}' is not a duration such as 30s, 5m or 1h"))),
            None => Ok(default),
        };
        let defaults = JobIntervals::default();
        let jobs = JobIntervals {
            mail_poll: interval("SESAME_MAIL_POLL", pick("SESAME_MAIL_POLL", file.mail_poll), defaults.mail_poll)?,
            mail_lease: interval("SESAME_MAIL_LEASE", pick("SESAME_MAIL_LEASE", file.mail_lease), defaults.mail_lease)?,
            scheduler: interval(
                "SESAME_SCHEDULER_EVERY",
                pick("SESAME_SCHEDULER_EVERY", file.scheduler_every),
                defaults.scheduler,
            )?,
            housekeeping: interval(
                "SESAME_HOUSEKEEPING_EVERY",
                pick("SESAME_HOUSEKEEPING_EVERY", file.housekeeping_every),
                defaults.housekeeping,
            )?,
        };

        let secret_key = match pick("SESAME_SECRET_KEY", file.secret_key) {
            Some(k) => {
                let k = k.trim().to_string();
                if k.len() < 32 {
                    return Err(err(
                        "SESAME_SECRET_KEY",
                        "must be at least 32 characters (e.g. `openssl rand -hex 32`)",
                    ));
                }
                if PLACEHOLDER_SECRETS.iter().any(|p| k.to_lowercase().contains(p)) {
                    return Err(err(
                        "SESAME_SECRET_KEY",
                        "looks like a placeholder: generate a real one (e.g. `openssl rand -hex 32`)",
                    ));
                }
                k
            }
            None if mode == Mode::Production => {
                return Err(err("SESAME_SECRET_KEY", "required in production (e.g. `openssl rand -hex 32`)"));
            }
            None => development_secret(Path::new("data")).map_err(|e| err("SESAME_SECRET_KEY", e))?,
        };

        if mode == Mode::Production {
            if smtp_url.is_none() {
                return Err(err("SESAME_SMTP_URL", "required in production"));
            }
            if public_url.scheme() != "https" {
                return Err(err("SESAME_PUBLIC_URL", "must be https:// in production"));
            }
        }

        Ok(Config {
            mode,
            database_url: database_url.into(),
            database_max_connections,
            bind,
            public_url,
            smtp_url,
            mail_from,
            mail_dir,
            secret_key: secret_key.into(),
            site_root,
            client_ip_source,
            log_json,
            jobs,
            documents_dir: pick("SESAME_DOCUMENTS_DIR", file.documents_dir).map(PathBuf::from),
        })
    }

    /// True for https deployments: cookies get `Secure` and the `__Host-` prefix.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// In development without a configured key, one is generated once and kept in
/// `data/secret.key`, so sessions and stored codes survive restarts.
fn development_secret(data_dir: &Path) -> Result<String, String> {
    let path = data_dir.join("secret.key");
    if let Ok(k) = std::fs::read_to_string(&path) {
        let k = k.trim().to_string();
        if k.len() >= 32 {
            return Ok(k);
        }
    }
    std::fs::create_dir_all(data_dir).map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let key = sesame_app::platform::crypto::random_token();
    crate::cli::write_private(&path, key.as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let owned: Vec<(String, String)> = pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        move |k| owned.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    const KEY: &str = "0123456789abcdef0123456789abcdef-real";

    #[test]
    fn defaults() {
        let c = Config::from_layers(env_of(&[("SESAME_SECRET_KEY", KEY), ("SESAME_CONFIG", "/nonexistent/none.toml")]));
        // an explicitly named file that does not exist is an error naming SESAME_CONFIG
        assert_eq!(c.err().map(|e| e.setting), Some("SESAME_CONFIG"));
        let c = Config::from_layers(env_of(&[("SESAME_SECRET_KEY", KEY)])).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_url.as_str(), "http://127.0.0.1:3000/");
        assert!(c.is_sqlite());
        assert_eq!(c.mode, Mode::Development);
        assert!(!c.secure_cookies());
        assert_eq!(c.jobs, JobIntervals::default());
        let c =
            Config::from_layers(env_of(&[("SESAME_SECRET_KEY", KEY), ("SESAME_SCHEDULER_EVERY", "250ms")])).unwrap();
        assert_eq!(c.jobs.scheduler, std::time::Duration::from_millis(250));
    }

    #[test]
    fn bad_settings_are_named() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("SESAME_BIND", "localhost")], "SESAME_BIND"),
            (&[("SESAME_DATABASE_URL", "mysql://x")], "SESAME_DATABASE_URL"),
            (&[("SESAME_SMTP_URL", "http://x")], "SESAME_SMTP_URL"),
            (&[("SESAME_PUBLIC_URL", "example.org")], "SESAME_PUBLIC_URL"),
            (&[("SESAME_PUBLIC_URL", "https://example.org/?x=1")], "SESAME_PUBLIC_URL"),
            (&[("SESAME_PUBLIC_URL", "https://")], "SESAME_PUBLIC_URL"),
            (&[("SESAME_SMTP_URL", "smtp://user:secret-password@")], "SESAME_SMTP_URL"),
            (&[("SESAME_ENV", "prod")], "SESAME_ENV"),
            (&[("SESAME_SCHEDULER_EVERY", "soon")], "SESAME_SCHEDULER_EVERY"),
            (&[("SESAME_HOUSEKEEPING_EVERY", "0s")], "SESAME_HOUSEKEEPING_EVERY"),
            (&[("SESAME_TRUST_PROXY", "maybe")], "SESAME_TRUST_PROXY"),
            (&[("SESAME_SECRET_KEY", "short")], "SESAME_SECRET_KEY"),
            (&[("SESAME_SECRET_KEY", "change-me-change-me-change-me-change-me")], "SESAME_SECRET_KEY"),
        ];
        for (vars, setting) in cases {
            let mut all = vec![("SESAME_SECRET_KEY", KEY)];
            all.extend_from_slice(vars);
            // later entries win in env_of's search order only if first; put overrides first
            all.reverse();
            let e = Config::from_layers(env_of(&all)).err().unwrap_or_else(|| panic!("{setting} accepted"));
            assert_eq!(e.setting, *setting);
            assert!(e.to_string().starts_with(&format!("configuration error: {setting}:")));
            assert!(!e.to_string().contains("secret-password"), "a credential was echoed: {e}");
        }
    }

    #[test]
    fn production_refuses_unsafe_settings() {
        let e = Config::from_layers(env_of(&[("SESAME_ENV", "production")])).err().unwrap();
        assert_eq!(e.setting, "SESAME_SECRET_KEY");
        let e = Config::from_layers(env_of(&[("SESAME_ENV", "production"), ("SESAME_SECRET_KEY", KEY)])).err().unwrap();
        assert_eq!(e.setting, "SESAME_SMTP_URL");
        let e = Config::from_layers(env_of(&[
            ("SESAME_ENV", "production"),
            ("SESAME_SECRET_KEY", KEY),
            ("SESAME_SMTP_URL", "smtp://mail:25"),
        ]))
        .err()
        .unwrap();
        assert_eq!(e.setting, "SESAME_PUBLIC_URL");
        let c = Config::from_layers(env_of(&[
            ("SESAME_ENV", "production"),
            ("SESAME_SECRET_KEY", KEY),
            ("SESAME_SMTP_URL", "smtp://mail:25"),
            ("SESAME_PUBLIC_URL", "https://sesame.example.org/"),
        ]))
        .unwrap();
        assert!(c.secure_cookies());
        assert_eq!(c.public_url.as_str(), "https://sesame.example.org/");
        assert!(c.log_json);
        let printed = format!("{c:?}");
        assert!(!printed.contains(KEY) && printed.contains("REDACTED"), "{printed}");
    }

    #[test]
    fn file_layer_then_environment() {
        let dir = std::env::temp_dir().join(format!("sesame-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("sesame.toml");
        std::fs::write(&file, "bind = \"127.0.0.1:4000\"\npublic_url = \"http://labo.test\"\n").unwrap();
        let path = file.to_string_lossy().to_string();
        let c = Config::from_layers(env_of(&[("SESAME_CONFIG", &path), ("SESAME_SECRET_KEY", KEY)])).unwrap();
        assert_eq!(c.bind.port(), 4000);
        assert_eq!(c.public_url.as_str(), "http://labo.test/");
        let c = Config::from_layers(env_of(&[
            ("SESAME_CONFIG", &path),
            ("SESAME_SECRET_KEY", KEY),
            ("SESAME_BIND", "127.0.0.1:5000"),
        ]))
        .unwrap();
        assert_eq!(c.bind.port(), 5000);
        std::fs::write(&file, "bnid = 1\n").unwrap();
        let e = Config::from_layers(env_of(&[("SESAME_CONFIG", &path), ("SESAME_SECRET_KEY", KEY)])).err().unwrap();
        assert_eq!(e.setting, "SESAME_CONFIG");
        std::fs::remove_dir_all(&dir).ok();
    }
}
