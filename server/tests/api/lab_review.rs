//! The lab's review of record links whose name did not match.

use crate::helpers::*;

/// A patient whose typed name differs from the record's: one link waiting for review.
async fn waiting_link(app: &TestApp) -> (String, i64) {
    app.verified_patient("helene@exemple.fr", "Dupuis", "Hélène", "1950-11-30").await;
    let code = app.record("R3", "Durand", "Lefèvre", "Hélène Marie", "1950-11-30").await;
    let r = app.activate(&[("code", &code), ("birth_date", "1950-11-30"), ("relation", "self")]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.links("lab_review").await, 1);
    let id = sqlx::query_scalar("SELECT id FROM record_links").fetch_one(app.db.pool()).await.unwrap();
    (code, id)
}

async fn agent(app: &TestApp) -> Actor {
    app.support_agent().await
}

#[tokio::test]
async fn support_sees_both_names_links_the_record_and_the_patient_is_told() {
    let app = TestApp::spawn().await;
    let (_, id) = waiting_link(&app).await;
    let agent = agent(&app).await;

    let html = agent.get(app.url("/support/verifications")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("À vérifier (1)"), "{html}");
    assert!(html.contains("Hélène Dupuis"), "the name given");
    assert!(html.contains("Hélène Marie Durand") && html.contains("Lefèvre"), "the lab's record");
    assert!(html.contains("Rattacher le dossier"));
    // The back-office navigation counts what waits.
    assert!(html.contains("1 en attente"), "{html}");

    let (status, body) = call_with(&agent, &app.base, "/api/verification-rattacher", &[("id", &id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["notice"][1].as_str().unwrap().contains("est rattaché"), "{body}");
    assert_eq!(app.links("linked").await, 1);
    let mail = app.mail_to("helene@exemple.fr", "rattaché").await;
    assert!(mail.text.contains("/mon-compte"));
    let (_, page) = app.page("/mon-compte").await;
    assert!(page.contains("Rattaché") && !page.contains("En vérification"), "{page}");

    // Deciding twice changes nothing.
    let (_, body) =
        call_with(&agent, &app.base, "/api/verification-refuser", &[("id", &id.to_string()), ("reason", "Trop tard")])
            .await;
    assert!(body["notice"][1].as_str().unwrap().contains("déjà été traitée"), "{body}");
    assert_eq!(app.links("linked").await, 1);
    let html = agent.get(app.url("/support/verifications")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Aucune demande de rattachement"), "{html}");
    let history: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE subject_type = 'patient_record' ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(history, ["record.link_review", "record.review_linked"]);
}

#[tokio::test]
async fn a_refusal_needs_a_reason_tells_it_and_frees_the_code_for_a_childs_profile() {
    let app = TestApp::spawn().await;
    let (code, id) = waiting_link(&app).await;
    let agent = agent(&app).await;

    // Without JavaScript: the page comes back with the error next to the reason field.
    let r = submit_with(
        &agent,
        &app.base,
        "/support/verifications",
        "/api/verification-refuser",
        &[("id", &id.to_string()), ("reason", "  ")],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Indiquez le motif du refus"));
    assert_eq!(app.links("lab_review").await, 1);

    let reason = "Ce dossier est celui d'une autre personne de la famille.";
    let (status, body) =
        call_with(&agent, &app.base, "/api/verification-refuser", &[("id", &id.to_string()), ("reason", reason)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.links("rejected").await, 1);
    let mail = app.mail_to("helene@exemple.fr", "pas pu être confirmée").await;
    assert!(mail.text.contains(reason) && mail.text.contains("/activation"), "{}", mail.text);
    let (_, page) = app.page("/mon-compte").await;
    assert!(page.contains("Refusé") && page.contains("autre personne de la famille"), "{page}");
    assert!(page.contains("Saisir le code de nouveau"));

    // The code works again: entered for the person it belongs to, it links.
    let r = app
        .activate(&[
            ("code", &code),
            ("birth_date", "1950-11-30"),
            ("relation", "dependent"),
            ("patient_last_name", "Durand"),
            ("patient_first_name", "Hélène"),
        ])
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(app.links("linked").await, 1);
    assert_eq!(app.links("rejected").await, 0);
    let (_, page) = app.page("/mon-compte").await;
    assert!(page.contains("Personne accompagnée") && !page.contains("Refusé"), "{page}");
}

#[tokio::test]
async fn only_support_reviews_links() {
    let app = TestApp::spawn().await;
    let (_, id) = waiting_link(&app).await;
    let id = id.to_string();
    // The patient themself (signed in as the app's own browser), then nobody.
    for (path, fields) in [
        ("/api/verification-rattacher", vec![("id", id.as_str())]),
        ("/api/verification-refuser", vec![("id", id.as_str()), ("reason", "x")]),
    ] {
        assert_eq!(app.call(path, &fields).await.0, 403, "{path}");
        assert_eq!(call_with(&app.new_browser(), &app.base, path, &fields).await.0, 401, "{path}");
    }
    assert_eq!(app.get("/support/verifications").await.status(), 403);
    assert_eq!(app.links("lab_review").await, 1);
}

#[tokio::test]
async fn the_queue_shows_the_oldest_first_and_says_when_more_wait() {
    let app = TestApp::spawn().await;
    waiting_link(&app).await;
    let user: i64 = sqlx::query_scalar("SELECT user_id FROM record_links").fetch_one(app.db.pool()).await.unwrap();
    // 100 more links, all younger than the first one.
    for i in 0..100 {
        let record: i64 = sqlx::query_scalar(
            "INSERT INTO patient_records (lab_reference, last_name, first_names, birth_date, sex, created_at) \
             VALUES ($1, 'Durand', 'Paul', '1950-11-30', 'M', 0) RETURNING id",
        )
        .bind(format!("Q{i}"))
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO record_links (user_id, record_id, relation, status, typed_last_name, typed_first_name, created_at) \
             VALUES ($1, $2, 'dependent', 'lab_review', 'Zorro', $3, $4)",
        )
        .bind(user)
        .bind(record)
        .bind(format!("Younger{i:03}"))
        .bind(app.state().now() + 1000 + i)
        .execute(app.db.pool())
        .await
        .unwrap();
    }
    let agent = agent(&app).await;
    let html = agent.get(app.url("/support/verifications")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("À vérifier (101)"), "the count is of all that wait");
    assert!(html.contains("Les 100 plus anciennes sont affichées"));
    let first = html.find("Hélène Dupuis").expect("the oldest is shown");
    assert!(first < html.find("Younger000").unwrap(), "oldest first");
    assert!(html.contains("Younger098") && !html.contains("Younger099"), "the youngest waits for the next page");
}
