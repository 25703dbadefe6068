//! What runs in the background, tested as it runs: the app is started with its workers on,
//! the scheduler and housekeeping every 100 ms, and a clock the test moves; what they do is
//! observed in the SMTP sink, on the pages and in the database — never by calling a job.
//! Also: the database going away, backups.

use crate::helpers::*;
use secrecy::ExposeSecret;
use sesame_app::platform::clock::DAY;
use std::time::Duration;

fn reminders(app: &TestApp, to: &str) -> usize {
    app.smtp.messages().iter().filter(|m| m.is_to(to) && m.subject.starts_with("Rappel (")).count()
}

/// The status shown to support on the user's page (signed in again: days pass).
async fn status_on_admin_page(app: &TestApp, id: i64) -> String {
    let admin = app.browser_as("admin@sesame.test").await;
    let html = admin.get(app.url(&format!("/admin/utilisateurs/{id}"))).send().await.unwrap().text().await.unwrap();
    // The first tag of the page is the account's status.
    Page::parse(&html).texts("span.tag").into_iter().next().unwrap_or_else(|| "?".into())
}

#[tokio::test]
async fn the_scheduler_sends_three_reminders_then_expires_the_invitation() {
    let app = TestApp::spawn_with(TestOptions::with_jobs_running()).await;
    let admin = app.administrator().await;
    let id = app.invite(&admin, "relance@exemple.fr").await;
    let first_token = app.token_of(&app.mail_to("relance@exemple.fr", "invité").await);
    for (day, expected) in [(3, 1), (7, 2), (11, 3)] {
        app.clock.advance(if day == 3 { 3 * DAY } else { 4 * DAY });
        app.eventually(&format!("reminder {expected} on day {day}"), || async {
            reminders(&app, "relance@exemple.fr") == expected
        })
        .await;
        assert_eq!(status_on_admin_page(&app, id).await, "Invitation envoyée", "day {day}");
    }
    app.smtp.wait_for(Duration::from_secs(10), |m| m.subject.contains("Rappel (3/3)")).await.unwrap();
    app.clock.advance(3 * DAY); // day 14
    app.eventually("expiry on day 14", || async { app.status_of("relance@exemple.fr").await == "invitation_expired" })
        .await;
    assert_eq!(status_on_admin_page(&app, id).await, "Invitation expirée");
    // Nothing more is sent, however long the scheduler keeps running.
    app.clock.advance(2 * DAY);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(reminders(&app, "relance@exemple.fr"), 3);
    let (_, html) = app.page(&format!("/invitation?jeton={first_token}")).await;
    assert!(html.contains("a expiré") && html.contains("support"), "{html}");

    // Resending restarts the cycle with a new link; the old one is dead.
    let admin = app.browser_as("admin@sesame.test").await;
    app.smtp.clear();
    let (_, body) =
        call_with(&admin, &app.base, "/api/admin-renvoyer-invitation", &[("user_id", &id.to_string())]).await;
    assert!(body["notice"][1].as_str().unwrap().contains("nouvelle invitation"));
    assert_eq!(status_on_admin_page(&app, id).await, "Invitation envoyée");
    let new = app.token_of(&app.mail_to("relance@exemple.fr", "invité").await);
    app.clock.advance(3 * DAY);
    app.eventually("a first reminder of the new cycle", || async { reminders(&app, "relance@exemple.fr") == 1 }).await;
    let r = app.submit("/invitation", "/api/invitation", &[("token", &first_token), ("password", PASSWORD)]).await;
    assert!(r.text().await.unwrap().contains("déjà servi"), "the old link is dead");
    let r = app.submit("/invitation", "/api/invitation", &[("token", &new), ("password", PASSWORD)]).await;
    assert_eq!(location(&r), "/connexion?invitation=1");
}

#[tokio::test]
async fn two_instances_send_each_reminder_once() {
    let app = TestApp::spawn_with(TestOptions::with_jobs_running()).await;
    let other = app.second_instance().await;
    let admin = app.administrator().await;
    for i in 0..5 {
        app.invite(&admin, &format!("double{i}@exemple.fr")).await;
    }
    for round in 1..=3 {
        app.clock.advance(4 * DAY);
        app.eventually(&format!("round {round} of reminders"), || async {
            (0..5).all(|i| reminders(&app, &format!("double{i}@exemple.fr")) >= round)
        })
        .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for i in 0..5 {
        assert_eq!(reminders(&app, &format!("double{i}@exemple.fr")), 3, "double{i}: each reminder once");
    }
    other.shutdown().await;
}

#[tokio::test]
async fn an_unused_provisional_code_is_reminded_then_shown_expired_to_support() {
    let app = TestApp::spawn_with(TestOptions::with_jobs_running()).await;
    let seeded = app.structures().await;
    let _ = seeded;
    app.account("admin@sesame.test", UserKind::Support, "Ada", "Admin").await;
    let agent = app.browser_as("admin@sesame.test").await;
    // A biologist's request, validated: the code is e-mailed.
    let fields = request("biologist", "86BV01", "lent@labo.test");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(call_with(&app.new_browser(), &app.base, "/api/demande-acces", &refs).await.0, 200);
    let request: i64 = sqlx::query_scalar("SELECT id FROM access_requests WHERE email_key = 'lent@labo.test'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(call_with(&agent, &app.base, "/api/support-valider", &[("id", &request.to_string())]).await.0, 200);
    app.mail_to("lent@labo.test", "Votre code d'accès provisoire").await;
    // Day 5 of 7: reminded once, with a code that works.
    app.clock.advance(5 * DAY + 3600 * 1000);
    let reminder = app
        .smtp
        .wait_for(Duration::from_secs(15), |m| m.is_to("lent@labo.test") && m.subject.contains("expire bientôt"))
        .await;
    let reminder = reminder.expect("the reminder");
    assert!(reminder.text.contains("/premiere-connexion"));
    tokio::time::sleep(Duration::from_millis(400)).await;
    let count = app.smtp.messages().iter().filter(|m| m.subject.contains("expire bientôt")).count();
    assert_eq!(count, 1, "reminded once");
    // Day 8: support's list says the code expired, with the one-click re-issue.
    app.clock.advance(3 * DAY);
    let agent = app.browser_as("admin@sesame.test").await;
    let html = agent.get(app.url("/support/demandes")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Code expiré"), "{html}");
    assert!(Page::parse(&html).reads("Renvoyer un code d'accès"), "{html}");
    let (status, body) =
        call_with(&agent, &app.base, "/api/support-nouveau-code", &[("id", &request.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    let html = agent.get(app.url("/support/demandes")).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("Code expiré"), "a fresh code");
}

#[tokio::test]
async fn retention_keeps_the_privacy_notices_promises() {
    let app = TestApp::spawn_with(TestOptions::with_jobs_running()).await;
    // The notice prints the same table the jobs apply.
    let (_, notice) = app.page("/confidentialite").await;
    let notice = Page::parse(&notice);
    for rule in sesame_app::platform::retention::RULES {
        assert!(notice.reads(rule.what.0), "{}", rule.what.0);
    }
    // A sign-up never confirmed: gone after 7 days, and the address is free again.
    app.sign_up("jamais@exemple.fr", "Jamais", "Jean", "1980-01-01").await;
    // An account used once, then never again.
    app.verified_patient("dormant@exemple.fr", "Dormant", "Denis", "1980-01-01").await;
    let dormant = app.user_id("dormant@exemple.fr").await;
    app.clock.advance(8 * DAY);
    app.eventually("unconfirmed sign-up deleted", || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE email_key = 'jamais@exemple.fr'")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            == 0
    })
    .await;
    assert_eq!(app.sign_up("jamais@exemple.fr", "Jamais", "Jean", "1980-01-01").await.status(), 303);
    // Spent links are deleted after 30 days; old audit lines and mail records after a year.
    app.clock.advance(31 * DAY);
    app.eventually("spent links deleted", || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM email_tokens WHERE used_at IS NOT NULL")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            == 0
    })
    .await;
    // Nearly three years later, the dormant account's owner is warned...
    app.clock.advance(3 * 365 * DAY - 30 * DAY - 39 * DAY + DAY);
    app.mail_to("dormant@exemple.fr", "sera supprimé dans 30 jours").await;
    app.eventually("audit lines older than a year deleted", || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log WHERE subject_id = $1 AND subject_type = 'user' AND action = 'account.signed_up'")
            .bind(dormant)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            == 0
    })
    .await;
    // The same housekeeping pass purges the delivery records right after the audit lines:
    // wait for it rather than read between the two statements.
    app.eventually("year-old delivery records deleted", || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE template = 'verify_email'")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            <= 1
    })
    .await;
    // ...and 30 days later the account is erased, with its sessions and links: its row
    // stays as a tombstone that names nobody, so the id is never given to a new account.
    app.clock.advance(31 * DAY);
    app.eventually("inactive account erased", || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM users WHERE id = $1 AND deleted_at IS NOT NULL AND email = 'deleted-' || CAST(id AS TEXT) \
             AND last_name = '' AND first_name = '' AND password_hash IS NULL",
        )
        .bind(dormant)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
            == 1
    })
    .await;
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
        .bind(dormant)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    // The address is free again, and a new account never takes the old id.
    assert_eq!(app.sign_up("dormant@exemple.fr", "Dormant", "Denis", "1970-01-01").await.status(), 303);
    assert_ne!(app.user_id("dormant@exemple.fr").await, dormant);
    // A tombstone is never warned again, however long it stays: its one warning, older
    // than a year, is purged and no new one comes.
    app.clock.advance(3 * 365 * DAY);
    app.eventually("no warning about the tombstone", || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM audit_log WHERE subject_id = $1 AND subject_type = 'user' AND action = 'account.inactivity_warned'",
        )
        .bind(dormant)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
            == 0
    })
    .await;
}

#[tokio::test]
async fn a_sign_in_keeps_a_dormant_account() {
    let app = TestApp::spawn_with(TestOptions::with_jobs_running()).await;
    app.verified_patient("revient@exemple.fr", "Revient", "Rita", "1980-01-01").await;
    app.clock.advance(3 * 365 * DAY - 29 * DAY);
    app.mail_to("revient@exemple.fr", "sera supprimé dans 30 jours").await;
    assert_eq!(app.sign_in("revient@exemple.fr", PASSWORD).await.status(), 303);
    app.clock.advance(40 * DAY);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.status_of("revient@exemple.fr").await, "active", "kept: it was used");
}

#[tokio::test]
async fn when_the_database_goes_away_answers_are_503_in_french_and_it_recovers() {
    let app = TestApp::spawn().await;
    app.verified_patient("panne@exemple.fr", "Panne", "Paul", "1980-01-01").await;
    let outage = Outage::start(&app).await;
    let started = std::time::Instant::now();
    if postgres_base().is_some() {
        // Even reading is impossible: pages that need the database say so.
        let r = app.get("/mon-compte").await;
        assert_eq!(r.status(), 503);
        assert!(r.headers().contains_key("retry-after"));
        let html = r.text().await.unwrap();
        assert!(html.contains("momentanément indisponible"), "{html}");
    }
    let r = app
        .new_browser()
        .post(app.url("/inscription"))
        .form(&[
            ("_fn", "/api/inscription"),
            ("email", "pendant@exemple.fr"),
            ("password", PASSWORD),
            ("last_name", "Pendant"),
            ("first_name", "Paule"),
            ("birth_date", "1980-01-01"),
            ("terms", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    let html = r.text().await.unwrap();
    assert!(html.contains("momentanément indisponible") && html.contains("lang=\"fr\""), "{html}");
    assert!(started.elapsed() < Duration::from_secs(20), "failed fast enough for a person to retry");
    outage.end(&app).await;
    // Back without a restart; nothing half-written.
    app.eventually("the app answers again", || async { app.get("/mon-compte").await.status() == 200 }).await;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email_key = 'pendant@exemple.fr'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(app.sign_up("apres@exemple.fr", "Après", "Alix", "1980-01-01").await.status(), 303);
}

/// Makes the test's database unavailable: PostgreSQL refuses connections and drops the
/// open ones; SQLite's file is locked by another writer.
enum Outage {
    Postgres { admin: String, name: String },
    Sqlite(Box<sqlx::Transaction<'static, sqlx::Any>>),
}

impl Outage {
    async fn start(app: &TestApp) -> Outage {
        match postgres_base() {
            Some(base) => {
                let base = base.trim_end_matches('/').to_string();
                let name = app.config.database_url.expose_secret().rsplit('/').next().unwrap().to_string();
                let admin = format!("{base}/postgres");
                let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await.unwrap();
                sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                sqlx::query(&format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                ))
                .execute(&mut conn)
                .await
                .unwrap();
                Outage::Postgres { admin, name }
            }
            None => {
                let locker =
                    sesame_app::platform::db::Db::connect(app.config.database_url.expose_secret(), 1).await.unwrap();
                let tx = locker.pool().begin_with("BEGIN EXCLUSIVE").await.unwrap();
                Outage::Sqlite(Box::new(tx))
            }
        }
    }

    async fn end(self, _app: &TestApp) {
        match self {
            Outage::Postgres { admin, name } => {
                let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await.unwrap();
                sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).execute(&mut conn).await.unwrap();
            }
            Outage::Sqlite(tx) => tx.rollback().await.unwrap(),
        }
    }
}

#[tokio::test]
async fn a_backup_taken_while_writes_go_on_restores_every_committed_row() {
    let app = TestApp::spawn().await;
    let dir = std::env::temp_dir().join(format!("sesame-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sesame.backup");
    if postgres_base().is_some() {
        // PostgreSQL is backed up with its own tools; the command says which.
        let e = sesame_server::cli::backup::backup(&app.config, &file).await.unwrap_err();
        assert!(e.to_string().contains("pg_dump"), "{e}");
        return;
    }
    // A writer keeps committing rows while the backup runs.
    let writer_db = app.db.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let committed = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
    let writer = {
        let (stop, committed) = (stop.clone(), committed.clone());
        tokio::spawn(async move {
            let mut i = 0i64;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                i += 1;
                sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, 'x')")
                    .bind(format!("row-{i:08}"))
                    .execute(writer_db.pool())
                    .await
                    .unwrap();
                committed.store(i, std::sync::atomic::Ordering::SeqCst);
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = committed.load(std::sync::atomic::Ordering::SeqCst);
    assert!(before > 0);
    sesame_server::cli::run(
        sesame_server::cli::Cli { command: Some(sesame_server::cli::Command::Backup { file: file.clone() }) },
        app.config.clone(),
    )
    .await
    .unwrap();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    writer.await.unwrap();
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions()) & 0o777;
    assert_eq!(mode, 0o600, "a backup holds everything: owner only");
    // Restore into an empty data directory, and find every row committed before.
    let mut restored = app.config.clone();
    let restored_db = dir.join("restored").join("sesame.db");
    restored.database_url = format!("sqlite://{}?mode=rwc", restored_db.display()).into();
    sesame_server::cli::backup::restore(&restored, &file).unwrap();
    assert!(sesame_server::cli::backup::restore(&restored, &file).is_err(), "never over existing data");
    let db = sesame_app::platform::db::Db::connect(restored.database_url.expose_secret(), 1).await.unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM app_meta WHERE key LIKE 'row-%' AND key <= $1")
        .bind(format!("row-{before:08}"))
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(rows, before, "every row committed before the backup is in it");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(db.pool()).await.unwrap();
    let _ = users;
    db.close().await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn collaborator_requests_still_flow_with_jobs_running() {
    // The jobs running often change nothing to the journeys around them.
    let app = TestApp::spawn_with(TestOptions::with_jobs_running()).await;
    let seeded = app.structures().await;
    app.collaborator_request("flux@labo.test", "86BV01", seeded.approver, &[]).await;
    app.mail_to("flux@labo.test", "bien reçue").await;
}
