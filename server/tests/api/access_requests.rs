//! Professional access requests: every rule, checked on the server.

use crate::helpers::*;
use futures::future::join_all;

async fn send(app: &TestApp, fields: &[(String, String)]) -> reqwest::Response {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.submit("/demande-acces", "/api/demande-acces", &refs).await
}

async fn call(app: &TestApp, fields: &[(String, String)]) -> (u16, serde_json::Value) {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call("/api/demande-acces", &refs).await
}

fn field_error(body: &serde_json::Value, field: &str) -> Option<String> {
    body["field_errors"]
        .as_array()?
        .iter()
        .find(|e| e[0] == field)
        .map(|e| e[1].as_str().unwrap_or_default().to_string())
}

async fn request_row(app: &TestApp, email: &str) -> Option<(String, i64, i64, i64, Option<i64>, String)> {
    use sqlx::Row;
    sqlx::query(
        "SELECT state, results, invoices, all_sites, approver_user_id, phone FROM access_requests WHERE email_key = $1",
    )
    .bind(email.to_lowercase())
    .fetch_optional(app.db.pool())
    .await
    .unwrap()
    .map(|r| {
        (
            r.get("state"),
            r.get("results"),
            r.get("invoices"),
            r.get("all_sites"),
            r.get("approver_user_id"),
            r.get("phone"),
        )
    })
}

#[tokio::test]
async fn the_code_is_looked_up_forgivingly_and_approvers_show_by_name_only() {
    let app = TestApp::spawn().await;
    app.structures().await;
    let (status, body) = app.call("/api/structure", &[("code", " 86 bv-01 ")]).await;
    assert_eq!(status, 200);
    let found = &body["Found"];
    assert_eq!(found["name"], "Laboratoire BioVienne");
    assert_eq!(found["sites"].as_array().unwrap().len(), 3);
    assert_eq!(found["approvers"][0]["name"], "Jeanne Lefort");
    assert_eq!(found["open"], true);
    assert!(!body.to_string().contains("@"), "no e-mail address leaks: {body}");

    let (_, body) = app.call("/api/structure", &[("code", "ZZ9999")]).await;
    assert_eq!(body, serde_json::json!("Unknown"));
    let (_, body) = app.call("/api/structure", &[("code", "16chb2")]).await;
    assert_eq!(body["Found"]["open"], false);
    let message = body["Found"]["closed_message"].as_str().unwrap();
    assert!(message.contains("ouvriront en"), "{message}");
}

#[tokio::test]
async fn a_biologist_gets_both_rights_by_default_and_goes_to_support() {
    let app = TestApp::spawn().await;
    app.structures().await;
    let mut fields = request("biologist", "86bv01", "bio@labo.test");
    fields.push(("results".into(), "on".into()));
    fields.push(("invoices".into(), "on".into()));
    let r = send(&app, &fields).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/demande-acces/envoyee?etat=pending_support");
    let (state, results, invoices, all_sites, approver, phone) = request_row(&app, "bio@labo.test").await.unwrap();
    assert_eq!((state.as_str(), results, invoices, all_sites, approver), ("pending_support", 1, 1, 1, None));
    assert_eq!(phone, "+33549123456");
    let audit: String = sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'request.created'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let audit: serde_json::Value = serde_json::from_str(&audit).unwrap();
    assert_eq!(audit["from"], serde_json::Value::Null);
    assert_eq!(audit["to"], "pending_support");
    let mail = app.mail_to("bio@labo.test", "bien reçue").await;
    assert!(mail.text.contains("support"));
}

#[tokio::test]
async fn a_collaborator_with_rights_names_an_approver_who_is_told() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    let mut fields = request("collaborator", "86BV01", "collab@labo.test");
    fields.push(("results".into(), "on".into()));
    fields.push(("approver".into(), seeded.approver.to_string()));
    fields.push(("sites_mode".into(), "some".into()));
    fields.retain(|(k, v)| !(k == "sites_mode" && v == "all"));
    fields.push(("sites[]".into(), seeded.open_sites[0].to_string()));
    fields.push(("sites[]".into(), seeded.open_sites[2].to_string()));
    let (status, _) = call(&app, &fields).await;
    assert_eq!(status, 200);
    let (state, results, invoices, all_sites, approver, _) = request_row(&app, "collab@labo.test").await.unwrap();
    assert_eq!(
        (state.as_str(), results, invoices, all_sites, approver),
        ("pending_approver", 1, 0, 0, Some(seeded.approver))
    );
    let sites: Vec<i64> = sqlx::query_scalar("SELECT site_id FROM access_request_sites ORDER BY site_id")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert_eq!(sites, vec![seeded.open_sites[0], seeded.open_sites[2]]);
    let mail = app.mail_to("jeanne.lefort@labo.test", "attend votre approbation").await;
    assert!(mail.text.contains("Lucie Moreau"));
    assert!(mail.text.contains("Résultats"));
    assert!(mail.text.contains("BioVienne Poitiers Centre"));
    assert!(mail.links().iter().any(|l| l.ends_with("/approbation-des-comptes")));
    app.mail_to("collab@labo.test", "bien reçue").await;
}

#[tokio::test]
async fn a_collaborator_without_rights_needs_no_approver() {
    let app = TestApp::spawn().await;
    app.structures().await;
    let (status, body) = call(&app, &request("collaborator", "17ATL3", "sans-droit@labo.test")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(request_row(&app, "sans-droit@labo.test").await.unwrap().0, "pending_support");
}

#[tokio::test]
async fn rights_without_a_registered_approver_are_refused_with_the_way_forward() {
    let app = TestApp::spawn().await;
    app.structures().await;
    let mut fields = request("collaborator", "17ATL3", "attente@labo.test");
    fields.push(("invoices".into(), "on".into()));
    let (_, body) = call(&app, &fields).await;
    let error = field_error(&body, "rights").unwrap();
    assert!(error.contains("doit d'abord s'inscrire"), "{error}");
    assert!(request_row(&app, "attente@labo.test").await.is_none());
}

#[tokio::test]
async fn an_approver_of_another_structure_is_refused() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    let mut fields = request("collaborator", "86BV01", "intrus@labo.test");
    fields.push(("results".into(), "on".into()));
    fields.push(("approver".into(), seeded.other_approver.to_string()));
    let (_, body) = call(&app, &fields).await;
    assert!(field_error(&body, "approver").is_some(), "{body}");
    assert!(request_row(&app, "intrus@labo.test").await.is_none());
    // And with no approver at all.
    let mut fields = request("collaborator", "86BV01", "intrus@labo.test");
    fields.push(("results".into(), "on".into()));
    let (_, body) = call(&app, &fields).await;
    assert!(field_error(&body, "approver").is_some());
}

#[tokio::test]
async fn a_structure_not_yet_open_is_refused_even_if_the_browser_is_bypassed() {
    let app = TestApp::spawn().await;
    app.structures().await;
    let (status, body) = call(&app, &request("biologist", "16CHB2", "trop-tot@labo.test")).await;
    assert_eq!(status, 200);
    let error = field_error(&body, "correspondent_code").unwrap();
    assert!(error.contains("ouvriront en"), "{error}");
    assert!(request_row(&app, "trop-tot@labo.test").await.is_none());
}

#[tokio::test]
async fn sites_must_be_chosen_among_the_structures_own() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    let mut fields = request("biologist", "86BV01", "sites@labo.test");
    fields.retain(|(k, _)| k != "sites_mode");
    fields.push(("sites_mode".into(), "some".into()));
    let (_, body) = call(&app, &fields).await;
    assert!(field_error(&body, "sites").unwrap().contains("au moins un site"));
    let other_site: i64 = sqlx::query_scalar(
        "SELECT s.id FROM sites s JOIN structures t ON t.id = s.structure_id WHERE t.correspondent_code = '17ATL3'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    fields.push(("sites[]".into(), other_site.to_string()));
    let (_, body) = call(&app, &fields).await;
    assert!(field_error(&body, "sites").is_some());
    fields.pop();
    fields.push(("sites[]".into(), seeded.open_sites[1].to_string()));
    let (status, body) = call(&app, &fields).await;
    assert_eq!(status, 200);
    assert!(field_error(&body, "sites").is_none(), "{body}");
    assert!(request_row(&app, "sites@labo.test").await.is_some());
}

#[tokio::test]
async fn one_address_one_account_without_saying_which() {
    let app = TestApp::spawn().await;
    app.structures().await;
    // Used by an account (here a biologist's), by a pending request, or free: one answer.
    let (s1, by_account) = call(&app, &request("biologist", "86BV01", "Jeanne.Lefort@labo.test")).await;
    let (s2, first) = call(&app, &request("biologist", "86BV01", "pris@labo.test")).await;
    let (s3, by_request) = call(&app, &request("biologist", "86BV01", "PRIS@labo.test")).await;
    assert_eq!((s1, &by_account), (s2, &first));
    assert_eq!((s2, &first), (s3, &by_request));
    // One request and one account, as before: the owners were told by e-mail instead.
    assert!(request_row(&app, "jeanne.lefort@labo.test").await.is_none());
    app.mail_to("Jeanne.Lefort@labo.test", "Une demande d'accès a été faite avec votre adresse").await;
    app.mail_to("PRIS@labo.test", "déjà en cours").await;
}

#[tokio::test]
async fn concurrent_requests_with_one_address_make_one_request() {
    let app = TestApp::spawn().await;
    app.structures().await;
    let attempts = (0..6).map(|i| {
        let client = app.new_browser();
        let base = app.base.clone();
        let email = if i % 2 == 0 { "course@labo.test".to_string() } else { "COURSE@labo.test".to_string() };
        async move {
            let fields = request("biologist", "86BV01", &email);
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            call_with(&client, &base, "/api/demande-acces", &refs).await
        }
    });
    join_all(attempts).await;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_requests WHERE email_key = 'course@labo.test'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn without_javascript_the_server_renders_the_sites_and_the_profile_defaults() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    // Step 1: profile and code, "show my structure".
    let r = app
        .submit(
            "/demande-acces",
            "/api/demande-acces",
            &[
                ("profile", "biologist"),
                ("correspondent_code", "86bv01"),
                ("last_name", ""),
                ("first_name", ""),
                ("email", ""),
                ("phone", ""),
                ("lookup_only", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Laboratoire BioVienne"));
    assert!(html.contains("BioVienne Niort"));
    assert!(html.contains("Jeanne Lefort"));
    // The biologist's defaults are now checked.
    assert!(html.contains("id=\"results\" name=\"results\" value=\"on\" checked"), "{html}");
    assert!(html.contains("name=\"rights_profile\" value=\"biologist\""));
    // Step 2: send.
    let r = app
        .submit(
            "/demande-acces",
            "/api/demande-acces",
            &[
                ("profile", "collaborator"),
                ("rights_profile", "collaborator"),
                ("correspondent_code", "86BV01"),
                ("last_name", "Moreau"),
                ("first_name", "Lucie"),
                ("email", "sans-js@labo.test"),
                ("phone", "0549123456"),
                ("results", "on"),
                ("approver", &seeded.approver.to_string()),
                ("sites_mode", "some"),
                ("sites[]", &seeded.open_sites[0].to_string()),
                ("sites[]", &seeded.open_sites[1].to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/demande-acces/envoyee?etat=pending_approver");
    let sites: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM access_request_sites").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(sites, 2);
}

#[tokio::test]
async fn switching_profile_without_javascript_asks_to_confirm_the_rights() {
    let app = TestApp::spawn().await;
    app.structures().await;
    let mut fields = request("collaborator", "86BV01", "change@labo.test");
    fields.retain(|(k, _)| k != "rights_profile");
    fields.push(("rights_profile".into(), "biologist".into()));
    fields.push(("results".into(), "on".into()));
    fields.push(("invoices".into(), "on".into()));
    let r = send(&app, &fields).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(Page::parse(&html).reads("Vérifiez les droits d'accès proposés"), "{html}");
    // The collaborator's defaults: nothing checked.
    assert!(!html.contains("name=\"results\" value=\"on\" checked"));
    assert!(request_row(&app, "change@labo.test").await.is_none());
}

#[tokio::test]
async fn bad_input_gets_a_message_per_field() {
    let app = TestApp::spawn().await;
    app.structures().await;
    let fields = vec![
        ("rights_profile".to_string(), String::new()),
        ("correspondent_code".to_string(), "??".to_string()),
        ("last_name".to_string(), String::new()),
        ("first_name".to_string(), String::new()),
        ("email".to_string(), "pas-une-adresse".to_string()),
        ("phone".to_string(), "12".to_string()),
    ];
    let (_, body) = call(&app, &fields).await;
    for field in ["profile", "correspondent_code", "last_name", "first_name", "email", "phone"] {
        assert!(field_error(&body, field).is_some(), "{field}: {body}");
    }
}
