//! A patient's results: `/mes-resultats`, one report's page, its PDF and who opened it.

use crate::helpers::*;
use base64::Engine;
use serde_json::{Value, json};

async fn publish(app: &TestApp, token: &str, report: &str, patient: &str, status: &str, body: &[u8]) -> i64 {
    let r = reqwest::Client::new()
        .put(app.url(&format!("/api/lab/v1/reports/{report}")))
        .bearer_auth(token)
        .json(&json!({ "patient": patient, "sampled_on": "2026-01-10", "status": status, "title": "Bilan sanguin",
                       "pdf_base64": base64::engine::general_purpose::STANDARD.encode(body) }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    sesame_app::reports::store::find_report(&app.db, report).await.unwrap().unwrap().id
}

async fn record_with_code(app: &TestApp, token: &str, reference: &str) -> String {
    let r = reqwest::Client::new()
        .put(app.url(&format!("/api/lab/v1/patients/{reference}")))
        .bearer_auth(token)
        .json(&json!({ "last_name": "Martin", "first_names": "Marie", "birth_date": "1985-03-14", "sex": "F" }))
        .send()
        .await
        .unwrap();
    r.json::<Value>().await.unwrap()["activation_code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_patient_reads_their_reports_and_sees_who_opened_them() {
    let app = TestApp::spawn().await;
    let (token, _) = sesame_app::lab::store::create(&app.db, "SIL", app.state().now()).await.unwrap();
    let code = record_with_code(&app, &token, "P-1").await;
    app.verified_patient("marie.martin@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let r = app.activate(&[("code", &code), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
    assert_eq!(r.status(), 303);
    let (_, html) = app.page("/mes-resultats").await;
    assert!(Page::parse(&html).reads("Votre laboratoire publiera ici vos comptes rendus"), "empty state");

    let first = b"%PDF-1.7 partial".to_vec();
    let id = publish(&app, &token, "CR-1", "P-1", "partial", &first).await;
    let last = b"%PDF-1.7 complete".to_vec();
    publish(&app, &token, "CR-1", "P-1", "complete", &last).await;
    let (_, html) = app.page("/mes-resultats").await;
    let page = Page::parse(&html);
    assert!(page.reads("Bilan sanguin") && page.reads("Complet"));
    assert_eq!(page.count("span.tag-new"), 1, "Nouveau until opened");

    let r = app.client.get(app.url(&format!("/mes-resultats/{id}/pdf"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.headers()["content-disposition"], "inline; filename=\"compte-rendu-2026-01-10-v2.pdf\"");
    assert_eq!(r.bytes().await.unwrap().to_vec(), last);
    let r = app.client.get(app.url(&format!("/mes-resultats/{id}/pdf?version=1&telecharger=1"))).send().await.unwrap();
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(r.bytes().await.unwrap().to_vec(), first);
    let recorded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM document_accesses WHERE item_id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(recorded, 2, "each opening recorded once");

    let (_, html) = app.page("/mes-resultats").await;
    assert_eq!(Page::parse(&html).count("span.tag-new"), 0);
    let (_, html) = app.page(&format!("/mes-resultats/{id}")).await;
    let page = Page::parse(&html);
    assert!(page.reads("Versions précédentes") && page.reads("Télécharger"));
    assert!(page.reads("— vous (ouvert, version 2)"), "{}", page.text());
    assert!(page.reads("— vous (téléchargé, version 1)"));

    // Someone else: neither the page nor the PDF; a withdrawn report disappears.
    let other = app.new_browser();
    let r = app.sign_up("autre@exemple.fr", "Autre", "Paul", "1990-01-01").await;
    assert_eq!(r.status(), 303);
    let mail = app.mail_to("autre@exemple.fr", "Confirmez").await;
    let link = app.link_in(&mail, "/verifier-email?jeton=");
    let token_v = link.split("jeton=").nth(1).unwrap().to_string();
    submit_with(
        &other,
        &app.base,
        &format!("/verifier-email?jeton={token_v}"),
        "/api/verifier-email",
        &[("token", &token_v)],
    )
    .await;
    submit_with(
        &other,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "autre@exemple.fr"), ("password", PASSWORD)],
    )
    .await;
    let r = other.get(app.url(&format!("/mes-resultats/{id}/pdf"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = other.get(app.url(&format!("/mes-resultats/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    reqwest::Client::new().delete(app.url("/api/lab/v1/reports/CR-1")).bearer_auth(&token).send().await.unwrap();
    let r = app.client.get(app.url(&format!("/mes-resultats/{id}/pdf"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let (_, html) = app.page("/mes-resultats").await;
    assert!(!Page::parse(&html).reads("Bilan sanguin"));
}

#[tokio::test]
async fn signed_out_the_report_link_leads_to_sign_in_and_back() {
    let app = TestApp::spawn().await;
    let stranger = app.new_browser();
    let r = stranger.get(app.url("/mes-resultats/7/pdf")).send().await.unwrap();
    assert_eq!(location(&r), "/connexion?suite=/mes-resultats/7");
    let html = stranger.get(app.url("/mes-resultats/7")).send().await.unwrap().text().await.unwrap();
    assert_eq!(Page::parse(&html).attr("ul.choices a", "href").as_deref(), Some("/connexion?suite=/mes-resultats/7"));
}
