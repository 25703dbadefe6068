//! E-mail delivery through the outbox and a real SMTP server.

use crate::helpers::*;
use secrecy::ExposeSecret;
use sesame_app::platform::mail::outbox;
use std::time::Duration;

#[tokio::test]
async fn mail_arrives_in_french_with_text_and_html() {
    let app = TestApp::spawn().await;
    let r = app.submit("/mot-de-passe-oublie", "/api/mot-de-passe-oublie", &[("email", "inconnu@exemple.fr")]).await;
    assert_eq!(r.status(), 303);
    let mail = app.mail_to("inconnu@exemple.fr", "Aucun compte").await;
    assert!(mail.text.contains("Bonjour"));
    assert!(mail.html.contains("<html lang=\"fr\""));
    assert!(mail.links().iter().any(|l| l.ends_with("/inscription")));
    // Once delivered, the outbox keeps no content.
    let leftovers: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND (body_text <> '' OR recipient <> '')",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(leftovers, 0);
}

#[tokio::test]
async fn an_smtp_outage_loses_no_mail() {
    let mut app = TestApp::spawn().await;
    app.smtp.stop().await;
    let r = app.submit("/mot-de-passe-oublie", "/api/mot-de-passe-oublie", &[("email", "panne@exemple.fr")]).await;
    assert_eq!(r.status(), 303, "the change succeeds even though SMTP is down");
    // The worker tries, fails, and keeps the mail.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(outbox::pending_count(&app.db).await.unwrap(), 1);
    let attempts: i64 = sqlx::query_scalar("SELECT attempts FROM outbox").fetch_one(app.db.pool()).await.unwrap();
    assert!(attempts >= 1, "delivery was attempted");
    assert!(app.smtp.messages().is_empty());

    app.smtp.restart().await.unwrap();
    let mail = app.mail_to("panne@exemple.fr", "Aucun compte").await;
    assert!(mail.text.contains("Aucun compte"));
    // The worker records the delivery just after the server accepted the message.
    let mut pending = 1;
    for _ in 0..50 {
        pending = outbox::pending_count(&app.db).await.unwrap();
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(pending, 0);
}

#[tokio::test]
async fn shutdown_waits_for_the_mail_being_sent() {
    let mut app = TestApp::spawn().await;
    let r = app.submit("/mot-de-passe-oublie", "/api/mot-de-passe-oublie", &[("email", "arret@exemple.fr")]).await;
    assert_eq!(r.status(), 303);
    app.stop().await;
    // Either it was delivered before the stop, or it is still queued: never lost.
    let delivered = app.smtp.messages().iter().any(|m| m.is_to("arret@exemple.fr"));
    let db = sesame_app::platform::db::Db::connect(app.config.database_url.expose_secret(), 1).await.unwrap();
    let pending = outbox::pending_count(&db).await.unwrap();
    assert!(delivered || pending == 1, "delivered={delivered} pending={pending}");
}
