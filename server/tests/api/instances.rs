//! Several instances on one PostgreSQL, as N processes behind a load balancer: the real
//! `sesame` binary, started twice on the same database. Sessions, requests, the outbox and
//! the schedulers are shared through the database only. Also a process killed in the
//! middle of a CSV import.

use crate::helpers::*;
use sesame_testkit::SmtpSink;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const KEY: &str = "instances-test-key-0123456789abcdef-0123";

/// A database on the PostgreSQL server of these machines, whatever the suite runs on.
async fn postgres_database() -> TestDb {
    let base = postgres_base().unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432".to_string());
    fresh_database_on(Some(base)).await
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One running `sesame serve`, killed when dropped.
struct Process {
    child: Child,
    base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Process {
    async fn start(database_url: &str, smtp: &SmtpSink) -> Process {
        Self::start_logging(database_url, smtp, None).await
    }

    /// Starts with its log (stderr and stdout) written to `log`.
    async fn start_logging(database_url: &str, smtp: &SmtpSink, log: Option<&std::path::Path>) -> Process {
        let port = free_port();
        let (out, err) = match log {
            Some(path) => {
                let f = std::fs::File::create(path).unwrap();
                (Stdio::from(f.try_clone().unwrap()), Stdio::from(f))
            }
            None => (Stdio::null(), Stdio::null()),
        };
        let base = format!("http://127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_sesame"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("SESAME_DATABASE_URL", database_url)
            .env("SESAME_BIND", format!("127.0.0.1:{port}"))
            .env("SESAME_PUBLIC_URL", &base)
            .env("SESAME_SMTP_URL", smtp.url())
            .env("SESAME_SECRET_KEY", KEY)
            .env("SESAME_MAIL_POLL", "100ms")
            .env("SESAME_MAIL_LEASE", "2s")
            .env("SESAME_SCHEDULER_EVERY", "200ms")
            .env("SESAME_HOUSEKEEPING_EVERY", "1h")
            .env("SESAME_LOG", "info")
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start sesame");
        let process = Process { child, base };
        for _ in 0..300 {
            if let Ok(r) = reqwest::get(format!("{}/healthz", process.base)).await
                && r.status() == 200
            {
                return process;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("sesame did not start on {}", process.base);
    }

    fn browser(&self) -> reqwest::Client {
        browser(&self.base)
    }

    fn kill(mut self) {
        // SIGKILL: no graceful shutdown, whatever it was doing.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sent_to(smtp: &SmtpSink, to: &str, subject: &str) -> usize {
    smtp.messages().iter().filter(|m| m.is_to(to) && m.subject.contains(subject)).count()
}

async fn until(what: &str, check: impl Fn() -> bool) {
    for _ in 0..300 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never happened: {what}");
}

#[tokio::test]
async fn two_processes_on_one_postgresql_share_sessions_requests_mail_and_schedules() {
    let db = postgres_database().await;
    let smtp = SmtpSink::start().await.unwrap();
    let a = Process::start(&db.url, &smtp).await;
    let b = Process::start(&db.url, &smtp).await;
    let pool = sesame_app::platform::db::Db::connect(&db.url, 2).await.unwrap();

    // A patient signs up on A, confirms on B, signs in on A; the session works on B.
    let on_a = a.browser();
    let r = submit_with(
        &on_a,
        &a.base,
        "/inscription",
        "/api/inscription",
        &[
            ("email", "partage@exemple.fr"),
            ("password", PASSWORD),
            ("last_name", "Partage"),
            ("first_name", "Paul"),
            ("birth_date", "1980-01-01"),
            ("terms", "on"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let mail = smtp.wait_for_mail_to("partage@exemple.fr", "Confirmez").await.unwrap();
    let token = mail.links().into_iter().find_map(|l| l.split("jeton=").nth(1).map(str::to_string)).unwrap();
    let r = submit_with(&b.browser(), &b.base, "/verifier-email", "/api/verifier-email", &[("token", &token)]).await;
    assert_eq!(r.status(), 303);
    let r = submit_with(
        &on_a,
        &a.base,
        "/connexion",
        "/api/connexion",
        &[("email", "partage@exemple.fr"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let on_b = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = on_b.get(format!("{}/mon-compte", b.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), 200, "a session opened on A is valid on B");

    // A collaborator's request filed on A is approved on B by the structure's biologist.
    let csv = "correspondent_code,structure_name,site_name,city,postcode,departement\n86BV01,Laboratoire BioVienne,BioVienne Poitiers,Poitiers,86000,86\n";
    let clock = sesame_app::platform::clock::SystemClock;
    let now = sesame_app::platform::clock::Clock::now_millis(&clock);
    sesame_app::structures::store::import_structures(
        &pool,
        &sesame_app::structures::import::parse_structures(csv).unwrap(),
        now,
    )
    .await
    .unwrap();
    sqlx::query("INSERT INTO rollout (departement, opens_on) VALUES ('86', '2000-01-01')")
        .execute(pool.pool())
        .await
        .unwrap();
    let hasher = sesame_app::platform::passwords::PasswordHasher::new(1, 4, Duration::from_secs(30));
    let hash = hasher.hash(PASSWORD.to_string()).await.unwrap();
    let approver: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, email_key, password_hash, kind, status, last_name, first_name, lang, created_at, updated_at, last_active_at) \
         VALUES ('bio@labo.test', 'bio@labo.test', $1, 'professional', 'active', 'Bio', 'Béa', 'fr', $2, $2, $2) RETURNING id",
    )
    .bind(&hash)
    .bind(now)
    .fetch_one(pool.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO professional_access (user_id, structure_id, profile, results, invoices, all_sites, updated_at) \
         SELECT $1, id, 'biologist', 1, 1, 1, $2 FROM structures WHERE correspondent_code = '86BV01'",
    )
    .bind(approver)
    .bind(now)
    .execute(pool.pool())
    .await
    .unwrap();
    let mut fields = request("collaborator", "86BV01", "collab@labo.test");
    fields.push(("results".into(), "on".into()));
    fields.push(("approver".into(), approver.to_string()));
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, body) = call_with(&a.browser(), &a.base, "/api/demande-acces", &refs).await;
    assert_eq!(status, 200, "{body}");
    let request: i64 = sqlx::query_scalar("SELECT id FROM access_requests WHERE email_key = 'collab@labo.test'")
        .fetch_one(pool.pool())
        .await
        .unwrap();
    let bio = b.browser();
    let r = submit_with(
        &bio,
        &b.base,
        "/connexion",
        "/api/connexion",
        &[("email", "bio@labo.test"), ("password", PASSWORD)],
    )
    .await;
    assert!(location(&r).starts_with("/connexion/code"));
    until("the biologist's sign-in code", || sent_to(&smtp, "bio@labo.test", "code de connexion") == 1).await;
    let code = code_in(
        &smtp
            .messages()
            .into_iter()
            .find(|m| m.is_to("bio@labo.test") && m.subject.contains("code de connexion"))
            .unwrap()
            .text,
    );
    let r = submit_with(&bio, &b.base, "/connexion/code", "/api/connexion-code", &[("code", &code)]).await;
    assert_eq!(r.status(), 303);
    let (status, body) = call_with(
        &bio,
        &b.base,
        "/api/approuver",
        &[("id", &request.to_string()), ("results", "on"), ("sites_mode", "all")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let state: String = sqlx::query_scalar("SELECT state FROM access_requests WHERE id = $1")
        .bind(request)
        .fetch_one(pool.pool())
        .await
        .unwrap();
    assert_eq!(state, "pending_support");

    // Fifteen mails queued on both instances while both mail workers run: each sent once.
    for i in 0..15 {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        let to = format!("lot{i}@exemple.fr");
        submit_with(&browser(base), base, "/mot-de-passe-oublie", "/api/mot-de-passe-oublie", &[("email", &to)]).await;
    }
    until("fifteen mails", || (0..15).all(|i| sent_to(&smtp, &format!("lot{i}@exemple.fr"), "Aucun compte") >= 1))
        .await;

    // Five invitations due for their first reminder: both schedulers run, each is sent once.
    for i in 0..5 {
        sqlx::query(
            "INSERT INTO users (email, email_key, kind, status, last_name, first_name, lang, created_at, updated_at, invited_at, invitation_reminders) \
             VALUES ($1, $1, 'support', 'invitation_sent', 'Invité', 'Ivo', 'fr', $2, $2, $2, 0)",
        )
        .bind(format!("relance{i}@sesame.test"))
        .bind(now - 3 * sesame_app::platform::clock::DAY - 60_000)
        .execute(pool.pool())
        .await
        .unwrap();
    }
    until("five reminders", || (0..5).all(|i| sent_to(&smtp, &format!("relance{i}@sesame.test"), "Rappel (1/3)") >= 1))
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    for i in 0..15 {
        assert_eq!(sent_to(&smtp, &format!("lot{i}@exemple.fr"), "Aucun compte"), 1, "lot{i}: exactly once");
    }
    for i in 0..5 {
        assert_eq!(sent_to(&smtp, &format!("relance{i}@sesame.test"), "Rappel"), 1, "relance{i}: exactly once");
    }
    drop(a);
    drop(b);
    pool.close().await;
}

#[tokio::test]
async fn the_log_says_which_jobs_run_and_warns_of_an_untrusted_proxy() {
    let db = fresh_database().await;
    let smtp = SmtpSink::start().await.unwrap();
    let log = std::env::temp_dir().join(format!("sesame-log-{}.txt", uuid::Uuid::new_v4().simple()));
    let p = Process::start_logging(&db.url, &smtp, Some(&log)).await;
    // A reverse proxy in front, while SESAME_TRUST_PROXY is off.
    let r = reqwest::Client::new()
        .get(format!("{}/connexion", p.base))
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut text = String::new();
    for _ in 0..50 {
        text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("SESAME_TRUST_PROXY is off") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for line in ["mail worker started", "scheduler started", "housekeeping started", "SESAME_TRUST_PROXY is off"] {
        assert!(text.contains(line), "{line:?} missing from the log:\n{text}");
    }
    assert!(!text.contains("203.0.113.7"), "no address in the log");
    drop(p);
    std::fs::remove_file(&log).ok();
}

#[tokio::test]
async fn a_log_line_names_its_request_and_the_flow_it_came_from() {
    let db = fresh_database().await;
    let smtp = SmtpSink::start().await.unwrap();
    let log = std::env::temp_dir().join(format!("sesame-log-{}.txt", uuid::Uuid::new_v4().simple()));
    let p = Process::start_logging(&db.url, &smtp, Some(&log)).await;
    // A robot fills the sign-up form's invisible field: the flow logs it (and nothing else
    // about the person). The id the client sent is replaced by the server's own.
    let r = p
        .browser()
        .post(format!("{}/api/inscription", p.base))
        .header("accept", "application/json")
        .header("x-request-id", "robot@exemple.fr")
        .form(&[
            ("email", "robot@exemple.fr"),
            ("password", PASSWORD),
            ("last_name", "Robot"),
            ("first_name", "Rob"),
            ("birth_date", "1990-01-01"),
            ("terms", "on"),
            ("website", "http://spam.test"),
        ])
        .send()
        .await
        .unwrap();
    let id = r.headers().get("x-request-id").unwrap().to_str().unwrap().to_string();
    assert!(id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    let mut line = None;
    for _ in 0..50 {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        line = text.lines().find(|l| l.contains("honeypot")).map(str::to_string);
        if line.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let line = line.expect("the flow's log line");
    assert!(line.contains(&format!("id={id}")), "the request id: {line}");
    assert!(line.contains("path=/api/inscription"), "the route: {line}");
    assert!(line.contains("sign_up"), "the flow: {line}");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("robot@exemple.fr") && !text.contains("Robot"), "no address nor name in the log:\n{text}");
    drop(p);
    std::fs::remove_file(&log).ok();
}

#[tokio::test]
async fn a_process_killed_while_sending_loses_no_mail() {
    let db = postgres_database().await;
    let smtp = SmtpSink::start().await.unwrap();
    // A slow mail server: each message is held 3 s before it is accepted.
    smtp.set_accept_delay(Duration::from_secs(3));
    let a = Process::start(&db.url, &smtp).await;
    let r = submit_with(
        &a.browser(),
        &a.base,
        "/mot-de-passe-oublie",
        "/api/mot-de-passe-oublie",
        &[("email", "tue@exemple.fr")],
    )
    .await;
    assert_eq!(r.status(), 303);
    until("A in the middle of sending", || smtp.in_progress() == 1).await;
    a.kill();
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(sent_to(&smtp, "tue@exemple.fr", "Aucun compte"), 0, "A died before the server accepted it");
    // Another instance takes the mail over once A's lease (2 s) has run out.
    smtp.set_accept_delay(Duration::ZERO);
    let b = Process::start(&db.url, &smtp).await;
    until("the mail, sent by B", || sent_to(&smtp, "tue@exemple.fr", "Aucun compte") >= 1).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(sent_to(&smtp, "tue@exemple.fr", "Aucun compte"), 1);
    drop(b);
}

#[tokio::test]
async fn a_csv_import_killed_half_way_imports_nothing() {
    let db = fresh_database().await;
    let dir = std::env::temp_dir().join(format!("sesame-kill-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("records.csv");
    let mut csv = String::from("reference,last_name,birth_name,first_names,birth_date,sex,nir\n");
    for i in 0..40_000 {
        csv.push_str(&format!("R{i:06},Martin,,Marie,1985-03-14,F,\n"));
    }
    std::fs::write(&file, csv).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sesame"))
        .args(["dossier", "import"])
        .arg(&file)
        .env("SESAME_DATABASE_URL", &db.url)
        .env("SESAME_SECRET_KEY", KEY)
        .env("SESAME_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until it is writing codes, then kill it.
    let partial = dir.join("records.codes.csv.partial");
    let mut seen = false;
    for _ in 0..600 {
        if std::fs::metadata(&partial).is_ok_and(|m| m.len() > 10_000) {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(seen, "the import started writing");
    child.kill().unwrap();
    child.wait().unwrap();
    let pool = sesame_app::platform::db::Db::connect(&db.url, 1).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM patient_records").fetch_one(pool.pool()).await.unwrap();
    assert_eq!(n, 0, "all or nothing");
    assert!(!dir.join("records.codes.csv").exists(), "no codes file for records that do not exist");
    pool.close().await;
    std::fs::remove_dir_all(&dir).ok();
}
