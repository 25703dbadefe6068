//! The test harness (in the spirit of zero-to-production's `tests/api/helpers.rs`).

#![allow(dead_code)]

pub(crate) use crate::fixtures::{Actor, Structures, TOTP_SECRET, request};
use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::ExposeSecret;
pub(crate) use sesame_app::domain::account::UserKind;
use sesame_app::platform::clock::ManualClock;
use sesame_app::platform::db::Db;
use sesame_app::platform::passwords::PasswordHasher;
use sesame_server::config::{Config, JobIntervals, Mode};
use sesame_server::startup::{self, Overrides, Running};
use sesame_server::workers::mail::MailWorkerSettings;
use sesame_testkit::{ReceivedMail, SmtpSink};
use std::path::PathBuf;
use std::sync::{Arc, Once};
use std::time::Duration;

/// Which database the suite runs on.
pub(crate) fn postgres_base() -> Option<String> {
    std::env::var("SESAME_TEST_POSTGRES").ok().filter(|v| !v.trim().is_empty())
}

/// A fresh database, removed when dropped.
pub(crate) struct TestDb {
    /// Its URL.
    pub(crate) url: String,
    cleanup: Option<Box<dyn FnOnce() + Send>>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(f) = self.cleanup.take() {
            f();
        }
    }
}

/// Creates a fresh, empty database for one test, on the suite's database engine.
pub(crate) async fn fresh_database() -> TestDb {
    fresh_database_on(postgres_base()).await
}

/// The migrated template every PostgreSQL test database is cloned from, created once (per
/// version of the migrations, and kept between runs): `CREATE DATABASE … TEMPLATE` copies
/// it in a few milliseconds where migrating took most of a test's start-up. An advisory
/// lock keeps two test processes from building it at once.
async fn postgres_template(base: &str) -> String {
    static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            use sesame_app::platform::db::{Backend, migrations_fingerprint};
            let name = format!("sesame_template_{}", migrations_fingerprint(Backend::Postgres));
            let admin = format!("{base}/postgres");
            sqlx::any::install_default_drivers();
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await.unwrap_or_else(|e| {
                panic!("SESAME_TEST_POSTGRES is set but PostgreSQL is unreachable at {admin}: {e}")
            });
            sqlx::query("SELECT pg_advisory_lock(727272)").execute(&mut conn).await.expect("lock");
            let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
                .bind(&name)
                .fetch_one(&mut conn)
                .await
                .expect("look for the template");
            if exists == 0 {
                let building = format!("{name}_building");
                sqlx::query(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).execute(&mut conn).await.ok();
                sqlx::query(&format!("CREATE DATABASE {building}"))
                    .execute(&mut conn)
                    .await
                    .expect("create the template");
                let db = Db::connect(&format!("{base}/{building}"), 1).await.expect("connect to the template");
                db.migrate().await.expect("migrate the template");
                db.pool().close().await;
                sqlx::query(&format!("ALTER DATABASE {building} RENAME TO {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("name the template");
            }
            sqlx::query("SELECT pg_advisory_unlock(727272)").execute(&mut conn).await.expect("unlock");
            let _ = sqlx::Connection::close(conn).await;
            name
        })
        .await
        .clone()
}

/// Creates a fresh database: on the PostgreSQL server at `postgres` when given (a clone of
/// the migrated template), else an empty SQLite file.
pub(crate) async fn fresh_database_on(postgres: Option<String>) -> TestDb {
    match postgres {
        Some(base) => {
            let base = base.trim_end_matches('/').to_string();
            let template = postgres_template(&base).await;
            let name = format!("sesame_t_{}", uuid::Uuid::new_v4().simple());
            let admin = format!("{base}/postgres");
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await.unwrap_or_else(|e| {
                panic!("SESAME_TEST_POSTGRES is set but PostgreSQL is unreachable at {admin}: {e}")
            });
            sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                .execute(&mut conn)
                .await
                .expect("create the test database");
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
pub(crate) struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub(crate) base: String,
    /// A browser-like client: cookies kept, redirects not followed, same-origin `Origin`.
    pub(crate) client: reqwest::Client,
    /// The SMTP server receiving the app's mail.
    pub(crate) smtp: SmtpSink,
    /// The clock the app reads.
    pub(crate) clock: Arc<ManualClock>,
    /// The running app.
    pub(crate) running: Option<Running>,
    /// The configuration it was started with.
    pub(crate) config: Config,
    /// Its database.
    pub(crate) db: Db,
    _database: TestDb,
}

/// Knobs for [`TestApp::spawn_with`].
#[derive(Clone)]
pub(crate) struct TestOptions {
    /// Password hasher (default: 2 in parallel, 16 queued).
    pub(crate) hasher: Option<Arc<PasswordHasher>>,
    /// Run background workers.
    pub(crate) workers: bool,
    /// Behind a trusted proxy: clients are told apart by the rightmost `X-Forwarded-For`
    /// entry (see [`TestApp::browser_from`]).
    pub(crate) behind_proxy: bool,
    /// How often the scheduler and housekeeping run (rarely, unless a test watches them).
    pub(crate) jobs: JobIntervals,
    /// Keep health documents in this directory instead of the database.
    pub(crate) documents_dir: Option<PathBuf>,
}

impl Default for TestOptions {
    fn default() -> Self {
        TestOptions {
            hasher: None,
            workers: true,
            behind_proxy: false,
            jobs: JobIntervals {
                scheduler: Duration::from_secs(3600),
                housekeeping: Duration::from_secs(3600),
                ..JobIntervals::default()
            },
            documents_dir: None,
        }
    }
}

impl TestOptions {
    /// The scheduler and housekeeping run every 100 ms: a test moves the clock and watches
    /// what they do through the running server.
    pub(crate) fn with_jobs_running() -> Self {
        TestOptions {
            jobs: JobIntervals {
                scheduler: Duration::from_millis(100),
                housekeeping: Duration::from_millis(100),
                ..JobIntervals::default()
            },
            ..TestOptions::default()
        }
    }
}

impl TestApp {
    /// Starts a fresh app.
    pub(crate) async fn spawn() -> TestApp {
        Self::spawn_with(TestOptions::default()).await
    }

    /// Starts a fresh app with options.
    pub(crate) async fn spawn_with(options: TestOptions) -> TestApp {
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
            database_url: database.url.clone().into(),
            database_max_connections: 5,
            bind: addr,
            public_url: url::Url::parse(&base).expect("base URL"),
            smtp_url: Some(smtp.url().into()),
            mail_from: "Sésame <no-reply@sesame.test>".into(),
            mail_dir: PathBuf::from("unused"),
            secret_key: "test-secret-key-0123456789abcdef-0123456789".into(),
            site_root: PathBuf::from("target/site"),
            client_ip_source: if options.behind_proxy {
                axum_client_ip::ClientIpSource::RightmostXForwardedFor
            } else {
                axum_client_ip::ClientIpSource::ConnectInfo
            },
            log_json: false,
            jobs: options.jobs,
            documents_dir: options.documents_dir.clone(),
        };
        let db = startup::open_database(&config).await.expect("open and migrate the test database");
        let clock = ManualClock::new();
        let overrides = Overrides {
            clock: clock.clone(),
            mail: Some(test_mail_settings()),
            hasher: Some(
                options.hasher.unwrap_or_else(|| Arc::new(PasswordHasher::new(2, 32, Duration::from_secs(30)))),
            ),
            workers: options.workers,
        };
        let running = startup::spawn_on(listener, &config, db.clone(), overrides).await.expect("start the app");
        TestApp { client: browser(&base), base, smtp, clock, running: Some(running), config, db, _database: database }
    }

    /// The app's state.
    pub(crate) fn state(&self) -> &sesame_app::platform::AppState {
        &self.running.as_ref().expect("running").state
    }

    /// An absolute URL.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Another browser (its own cookies).
    pub(crate) fn new_browser(&self) -> reqwest::Client {
        browser(&self.base)
    }

    /// A browser at another client address, as the trusted proxy reports it (the app must
    /// be spawned with `behind_proxy`). `claimed` is what the client itself wrote in front
    /// of the proxy's entry (the leftmost, forgeable part).
    pub(crate) fn browser_from(&self, address: &str, claimed: Option<&str>) -> reqwest::Client {
        let mut headers = HeaderMap::new();
        headers.insert("origin", HeaderValue::from_str(&self.base).expect("origin"));
        let chain = match claimed {
            Some(c) => format!("{c}, {address}"),
            None => address.to_string(),
        };
        headers.insert("x-forwarded-for", HeaderValue::from_str(&chain).expect("address"));
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("client")
    }

    /// How many sign-in codes were e-mailed to `to` so far.
    pub(crate) fn sign_in_codes_sent(&self, to: &str) -> usize {
        self.smtp.messages().iter().filter(|m| m.is_to(to) && m.subject.contains(SIGN_IN_CODE_SUBJECT)).count()
    }

    /// The sign-in code e-mailed to `to` after the first `seen` ones.
    pub(crate) async fn sign_in_code(&self, to: &str, seen: usize) -> String {
        let mail = self
            .smtp
            .wait_for(Duration::from_secs(15), |m| {
                m.is_to(to) && m.subject.contains(SIGN_IN_CODE_SUBJECT) && self.sign_in_codes_sent(to) > seen
            })
            .await
            .unwrap_or_else(|| panic!("no sign-in code e-mailed to {to}"));
        let _ = mail;
        let last = self
            .smtp
            .messages()
            .into_iter()
            .filter(|m| m.is_to(to) && m.subject.contains(SIGN_IN_CODE_SUBJECT))
            .nth(seen)
            .expect("the new code");
        code_in(&last.text)
    }

    /// `GET` a page.
    pub(crate) async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// `GET` a page and return its status and HTML.
    pub(crate) async fn page(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.expect("body"))
    }

    /// Posts a form the way a browser without JavaScript does: to the page, with `_fn`.
    pub(crate) async fn submit(&self, page: &str, fn_path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        submit_with(&self.client, &self.base, page, fn_path, fields).await
    }

    /// Calls a server function the way a hydrated island does; returns status and JSON.
    pub(crate) async fn call(&self, fn_path: &str, fields: &[(&str, &str)]) -> (u16, serde_json::Value) {
        call_with(&self.client, &self.base, fn_path, fields).await
    }

    /// Waits for a mail to `to` whose subject contains `subject`.
    pub(crate) async fn mail_to(&self, to: &str, subject: &str) -> ReceivedMail {
        self.smtp.wait_for_mail_to(to, subject).await.unwrap_or_else(|| {
            panic!(
                "no mail to {to} with subject containing {subject:?}; got {:?}",
                self.smtp.messages().iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>()
            )
        })
    }

    /// The first link of a mail that starts with this path.
    pub(crate) fn link_in(&self, mail: &ReceivedMail, path: &str) -> String {
        let prefix = self.url(path);
        mail.links()
            .into_iter()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no link to {path} in mail: {}", mail.text))
    }

    /// A second instance of the app on the same database and clock, with its own workers:
    /// what N processes behind a load balancer share.
    pub(crate) async fn second_instance(&self) -> Running {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let overrides = Overrides {
            clock: self.clock.clone(),
            mail: Some(test_mail_settings()),
            hasher: Some(Arc::new(PasswordHasher::new(2, 32, Duration::from_secs(30)))),
            workers: true,
        };
        let db = sesame_app::platform::db::Db::connect(self.config.database_url.expose_secret(), 5)
            .await
            .expect("second pool");
        startup::spawn_on(listener, &self.config, db, overrides).await.expect("start the second instance")
    }

    /// Waits until `check` holds (the background jobs run at their own pace), or panics
    /// after 20 s saying `what`.
    pub(crate) async fn eventually<F, Fut>(&self, what: &str, check: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for _ in 0..200 {
            if check().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("never happened: {what}");
    }

    /// Stops the app.
    pub(crate) async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }
}

/// Mail worker pacing for tests: quick polls and retries.
pub(crate) fn test_mail_settings() -> MailWorkerSettings {
    MailWorkerSettings {
        from: "Sésame <no-reply@sesame.test>".parse().expect("address"),
        poll: Duration::from_millis(100),
        backoff_base: Duration::from_millis(100),
        backoff_cap: Duration::from_millis(500),
        max_attempts: 1000,
        lease: Duration::from_secs(60),
    }
}

/// A browser-like HTTP client for `base`.
pub(crate) fn browser(base: &str) -> reqwest::Client {
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
pub(crate) async fn submit_with(
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
pub(crate) async fn call_with(
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
pub(crate) fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// Subject of the mail carrying a sign-in code.
pub(crate) const SIGN_IN_CODE_SUBJECT: &str = "code de connexion";

/// The six-digit code of a mail.
pub(crate) fn code_in(text: &str) -> String {
    text.split_whitespace()
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no 6-digit code in: {text}"))
        .to_string()
}

/// A strong password for tests.
pub(crate) const PASSWORD: &str = "Vienne-Bleu-73!";

/// A page's HTML with its per-response nonce replaced, so two answers can be compared.
pub(crate) fn without_nonce(html: &str) -> String {
    match html.split("nonce=\"").nth(1).and_then(|rest| rest.split('"').next()) {
        Some(nonce) if !nonce.is_empty() => html.replace(nonce, "NONCE"),
        _ => html.to_string(),
    }
}

/// A page parsed as a browser would (entities decoded, structure known), for assertions
/// on what a person reads and on the elements a form relies on.
pub(crate) struct Page(scraper::Html);

impl Page {
    /// Parses a page's HTML.
    pub(crate) fn parse(html: &str) -> Page {
        Page(scraper::Html::parse_document(html))
    }

    fn selector(css: &str) -> scraper::Selector {
        scraper::Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css:?}: {e}"))
    }

    /// The text of the page's body as read (entities decoded, spaces collapsed).
    pub(crate) fn text(&self) -> String {
        self.texts("body").join(" ")
    }

    /// Whether the page reads `text` somewhere.
    pub(crate) fn reads(&self, text: &str) -> bool {
        self.text().contains(text)
    }

    /// The texts of the elements matching `css`, each with its spaces collapsed.
    pub(crate) fn texts(&self, css: &str) -> Vec<String> {
        self.0
            .select(&Self::selector(css))
            .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// The value of attribute `name` on the first element matching `css`.
    pub(crate) fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.0.select(&Self::selector(css)).next().and_then(|e| e.value().attr(name)).map(str::to_string)
    }

    /// How many elements match `css`.
    pub(crate) fn count(&self, css: &str) -> usize {
        self.0.select(&Self::selector(css)).count()
    }
}
