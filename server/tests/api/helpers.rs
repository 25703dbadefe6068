//! The test harness (in the spirit of zero-to-production's `tests/api/helpers.rs`).

#![allow(dead_code)]

use reqwest::header::{HeaderMap, HeaderValue};
use sesame_app::platform::clock::ManualClock;
use sesame_app::platform::db::Db;
use sesame_app::platform::passwords::PasswordHasher;
use sesame_server::config::{Config, Mode};
use sesame_server::startup::{self, Overrides, Running};
use sesame_server::workers::mail::MailWorkerSettings;
use sesame_testkit::{ReceivedMail, SmtpSink};
use std::path::PathBuf;
use std::sync::{Arc, Once};
use std::time::Duration;

/// Which database the suite runs on.
pub fn postgres_base() -> Option<String> {
    std::env::var("SESAME_TEST_POSTGRES").ok().filter(|v| !v.trim().is_empty())
}

/// A fresh database, removed when dropped.
pub struct TestDb {
    /// Its URL.
    pub url: String,
    cleanup: Option<Box<dyn FnOnce() + Send>>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(f) = self.cleanup.take() {
            f();
        }
    }
}

/// Creates a fresh, empty database for one test.
pub async fn fresh_database() -> TestDb {
    match postgres_base() {
        Some(base) => {
            let base = base.trim_end_matches('/').to_string();
            let name = format!("sesame_t_{}", uuid::Uuid::new_v4().simple());
            let admin = format!("{base}/postgres");
            sqlx::any::install_default_drivers();
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await.unwrap_or_else(|e| {
                panic!("SESAME_TEST_POSTGRES is set but PostgreSQL is unreachable at {admin}: {e}")
            });
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create the test database");
            let _ = sqlx::Connection::close(conn).await;
            let url = format!("{base}/{name}");
            TestDb {
                url,
                cleanup: Some(Box::new(move || {
                    // Drop from another thread with its own runtime: Drop cannot be async.
                    let _ = std::thread::spawn(move || {
                        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                        rt.block_on(async move {
                            if let Ok(mut conn) = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await {
                                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                    .execute(&mut conn)
                                    .await;
                            }
                        });
                    })
                    .join();
                })),
            }
        }
        None => {
            let dir = std::env::temp_dir().join(format!("sesame-test-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let url = format!("sqlite://{}/sesame.db?mode=rwc", dir.display());
            TestDb {
                url,
                cleanup: Some(Box::new(move || {
                    let _ = std::fs::remove_dir_all(&dir);
                })),
            }
        }
    }
}

static TRACING: Once = Once::new();

/// A running Sésame with its own database, SMTP server, clock and HTTP client.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub base: String,
    /// A browser-like client: cookies kept, redirects not followed, same-origin `Origin`.
    pub client: reqwest::Client,
    /// The SMTP server receiving the app's mail.
    pub smtp: SmtpSink,
    /// The clock the app reads.
    pub clock: Arc<ManualClock>,
    /// The running app.
    pub running: Option<Running>,
    /// The configuration it was started with.
    pub config: Config,
    /// Its database.
    pub db: Db,
    _database: TestDb,
}

/// Knobs for [`TestApp::spawn_with`].
#[derive(Clone)]
pub struct TestOptions {
    /// Password hasher (default: 2 in parallel, 16 queued).
    pub hasher: Option<Arc<PasswordHasher>>,
    /// Run background workers.
    pub workers: bool,
}

impl Default for TestOptions {
    fn default() -> Self {
        TestOptions { hasher: None, workers: true }
    }
}

impl TestApp {
    /// Starts a fresh app.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(TestOptions::default()).await
    }

    /// Starts a fresh app with options.
    pub async fn spawn_with(options: TestOptions) -> TestApp {
        TRACING.call_once(|| {
            if std::env::var("SESAME_TEST_LOG").is_ok() {
                sesame_server::init_tracing(false);
            }
        });
        let database = fresh_database().await;
        let smtp = SmtpSink::start().await.expect("SMTP sink");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let base = format!("http://{addr}");
        let config = Config {
            mode: Mode::Development,
            database_url: database.url.clone(),
            database_max_connections: 5,
            bind: addr,
            public_url: base.clone(),
            smtp_url: Some(smtp.url()),
            mail_from: "Sésame <no-reply@sesame.test>".into(),
            mail_dir: PathBuf::from("unused"),
            secret_key: "test-secret-key-0123456789abcdef-0123456789".into(),
            site_root: PathBuf::from("target/site"),
            trust_proxy: false,
            log_json: false,
        };
        let db = startup::open_database(&config).await.expect("open and migrate the test database");
        let clock = ManualClock::new();
        let overrides = Overrides {
            clock: clock.clone(),
            mail: Some(MailWorkerSettings {
                from: "Sésame <no-reply@sesame.test>".parse().expect("address"),
                poll: Duration::from_millis(100),
                backoff_base: Duration::from_millis(100),
                backoff_cap: Duration::from_millis(500),
                max_attempts: 1000,
            }),
            hasher: Some(
                options.hasher.unwrap_or_else(|| Arc::new(PasswordHasher::new(2, 32, Duration::from_secs(30)))),
            ),
            workers: options.workers,
            scheduler_every: Duration::from_secs(3600),
        };
        let running = startup::spawn_on(listener, &config, db.clone(), overrides).await.expect("start the app");
        TestApp { client: browser(&base), base, smtp, clock, running: Some(running), config, db, _database: database }
    }

    /// The app's state.
    pub fn state(&self) -> &sesame_app::platform::AppState {
        &self.running.as_ref().expect("running").state
    }

    /// An absolute URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Another browser (its own cookies).
    pub fn new_browser(&self) -> reqwest::Client {
        browser(&self.base)
    }

    /// `GET` a page.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// `GET` a page and return its status and HTML.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.expect("body"))
    }

    /// Posts a form the way a browser without JavaScript does: to the page, with `_fn`.
    pub async fn submit(&self, page: &str, fn_path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        submit_with(&self.client, &self.base, page, fn_path, fields).await
    }

    /// Calls a server function the way a hydrated island does; returns status and JSON.
    pub async fn call(&self, fn_path: &str, fields: &[(&str, &str)]) -> (u16, serde_json::Value) {
        call_with(&self.client, &self.base, fn_path, fields).await
    }

    /// Waits for a mail to `to` whose subject contains `subject`.
    pub async fn mail_to(&self, to: &str, subject: &str) -> ReceivedMail {
        self.smtp.wait_for_mail_to(to, subject).await.unwrap_or_else(|| {
            panic!(
                "no mail to {to} with subject containing {subject:?}; got {:?}",
                self.smtp.messages().iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>()
            )
        })
    }

    /// The first link of a mail that starts with this path.
    pub fn link_in(&self, mail: &ReceivedMail, path: &str) -> String {
        let prefix = self.url(path);
        mail.links()
            .into_iter()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no link to {path} in mail: {}", mail.text))
    }

    /// Stops the app.
    pub async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }
}

/// A browser-like HTTP client for `base`.
pub fn browser(base: &str) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert("origin", HeaderValue::from_str(base).expect("origin"));
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("client")
}

/// Posts a form without JavaScript with a given client.
pub async fn submit_with(
    client: &reqwest::Client,
    base: &str,
    page: &str,
    fn_path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = vec![("_fn", fn_path)];
    form.extend_from_slice(fields);
    client.post(format!("{base}{page}")).header("accept", "text/html").form(&form).send().await.expect("POST form")
}

/// Calls a server function as an island does, with a given client.
pub async fn call_with(
    client: &reqwest::Client,
    base: &str,
    fn_path: &str,
    fields: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let r = client
        .post(format!("{base}{fn_path}"))
        .header("accept", "application/json")
        .form(fields)
        .send()
        .await
        .expect("POST server function");
    let status = r.status().as_u16();
    let text = r.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

/// The `Location` of a redirect.
pub fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// A strong password for tests.
pub const PASSWORD: &str = "Vienne-Bleu-73!";

/// A page's HTML with its per-response nonce replaced, so two answers can be compared.
pub fn without_nonce(html: &str) -> String {
    match html.split("nonce=\"").nth(1).and_then(|rest| rest.split('"').next()) {
        Some(nonce) if !nonce.is_empty() => html.replace(nonce, "NONCE"),
        _ => html.to_string(),
    }
}
