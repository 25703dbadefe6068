//! Approval, support validation, provisional codes and first sign-in.

use crate::helpers::*;
use futures::future::join_all;
use sqlx::Row;

async fn state_of(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT state FROM access_requests WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn call_as(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    call_with(client, &app.base, path, fields).await
}

#[tokio::test]
async fn an_approver_sees_only_their_structures_requests_newest_first() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    app.set_password(seeded.other_approver).await;
    app.collaborator_request("ancien@labo.test", "86BV01", seeded.approver, &[]).await;
    app.clock.advance(1000);
    app.collaborator_request("recent@labo.test", "86BV01", seeded.approver, &[]).await;
    app.collaborator_request("ailleurs@labo.test", "33BX04", seeded.other_approver, &[]).await;

    let jeanne = app.biologist_of("86BV01").await;
    let html = jeanne.get(app.url("/approbation-des-comptes")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Demandes en attente (2)"), "{html}");
    let recent = html.find("recent@labo.test").or_else(|| html.find("Lucie Moreau")).unwrap();
    let _ = recent;
    // Newest first: the two cards of 86BV01, the other structure's request is absent.
    assert!(!html.contains("Laboratoire Bordeaux Bio"));
    // The navigation badge says how many wait.
    assert!(html.contains("class=\"badge-count\""));
    assert!(html.contains(">2</span>"));

    // A professional who approves nothing cannot open the page.
    app.account("simple@labo.test", UserKind::Professional, "Simple", "Collab").await;
    let simple = app.browser_as("simple@labo.test").await;
    assert_eq!(simple.get(app.url("/approbation-des-comptes")).send().await.unwrap().status(), 403);
    assert_eq!(app.get("/approbation-des-comptes").await.status(), 401);
}

#[tokio::test]
async fn approving_with_fewer_sites_moves_the_request_to_support_and_records_the_change() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    let id = app.collaborator_request("moins@labo.test", "86BV01", seeded.approver, &seeded.open_sites).await;
    let jeanne = app.biologist_of("86BV01").await;
    let site = seeded.open_sites[0].to_string();
    let r = submit_with(
        &jeanne,
        &app.base,
        "/approbation-des-comptes",
        "/api/approuver",
        &[("id", &id.to_string()), ("results", "on"), ("sites_mode", "some"), ("sites[]", &site)],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("est approuvée"));
    assert_eq!(state_of(&app, id).await, "pending_support");
    let sites: Vec<i64> = sqlx::query_scalar("SELECT site_id FROM access_request_sites WHERE request_id = $1")
        .bind(id)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert_eq!(sites, vec![seeded.open_sites[0]]);
    let details: String = sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'request.approved'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details["sites"]["before"].as_array().unwrap().len(), 3);
    assert_eq!(details["sites"]["after"], serde_json::json!([seeded.open_sites[0]]));
    assert_eq!(details["from"], "pending_approver");
    let mail = app.mail_to("moins@labo.test", "approuvée").await;
    assert!(mail.text.contains("Jeanne Lefort"));
}

#[tokio::test]
async fn an_approver_can_never_act_on_another_structure() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    let theirs = app.collaborator_request("autre@labo.test", "33BX04", seeded.other_approver, &[]).await;
    let jeanne = app.biologist_of("86BV01").await;
    let id = theirs.to_string();
    for (path, fields) in [
        ("/api/approuver", vec![("id", id.as_str()), ("results", "on")]),
        ("/api/refuser", vec![("id", id.as_str()), ("reason", "non")]),
        ("/api/approuver-selection", vec![("ids[]", id.as_str())]),
    ] {
        let (status, _) = call_as(&jeanne, &app, path, &fields).await;
        assert_eq!(status, 403, "{path}");
    }
    // An id that does not exist gets the same answer.
    let (status, _) = call_as(&jeanne, &app, "/api/approuver", &[("id", "999999")]).await;
    assert_eq!(status, 403);
    assert_eq!(state_of(&app, theirs).await, "pending_approver");

    // Nor on another structure's collaborator.
    let collab = app.account("collab.bx@labo.test", UserKind::Professional, "Colla", "Borateur").await;
    sqlx::query("INSERT INTO professional_access (user_id, structure_id, profile, results, invoices, all_sites, updated_at) SELECT $1, id, 'collaborator', 1, 0, 1, 0 FROM structures WHERE correspondent_code = '33BX04'")
        .bind(collab)
        .execute(app.db.pool())
        .await
        .unwrap();
    let (status, _) = call_as(&jeanne, &app, "/api/droits-collaborateur", &[("user_id", &collab.to_string())]).await;
    assert_eq!(status, 403);
    let results: i64 = sqlx::query_scalar("SELECT results FROM professional_access WHERE user_id = $1")
        .bind(collab)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(results, 1);

    // Patients and anonymous visitors are refused too.
    let (status, _) = app.call("/api/approuver", &[("id", &id)]).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn two_approvers_at_once_one_wins_nothing_applied_twice() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    // A second approver of 86BV01, by delegation.
    let second = app.account("second@labo.test", UserKind::Professional, "Second", "Approbateur").await;
    sqlx::query("INSERT INTO professional_access (user_id, structure_id, profile, results, invoices, all_sites, updated_at) SELECT $1, id, 'collaborator', 0, 0, 1, 0 FROM structures WHERE correspondent_code = '86BV01'")
        .bind(second)
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO approver_delegations (structure_id, user_id, granted_at) SELECT id, $1, 0 FROM structures WHERE correspondent_code = '86BV01'")
        .bind(second)
        .execute(app.db.pool())
        .await
        .unwrap();
    let id = app.collaborator_request("course@labo.test", "86BV01", seeded.approver, &[]).await.to_string();
    let a = app.biologist_of("86BV01").await;
    let b = app.browser_as("second@labo.test").await;
    let results = join_all([&a, &b].into_iter().map(|c| {
        let id = id.clone();
        let base = app.base.clone();
        async move { call_with(c, &base, "/api/approuver", &[("id", &id), ("results", "on")]).await }
    }))
    .await;
    let notices: Vec<String> =
        results.iter().map(|(_, b)| b["notice"][1].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(notices.iter().filter(|n| n.contains("est approuvée")).count(), 1, "{notices:?}");
    assert_eq!(notices.iter().filter(|n| n.contains("déjà été traitée")).count(), 1, "{notices:?}");
    let approvals: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'request.approved'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(approvals, 1);
}

#[tokio::test]
async fn refusing_needs_a_reason_and_tells_the_requester() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    let id = app.collaborator_request("refus@labo.test", "86BV01", seeded.approver, &[]).await.to_string();
    let jeanne = app.biologist_of("86BV01").await;
    let (_, body) = call_as(&jeanne, &app, "/api/refuser", &[("id", &id), ("reason", "   ")]).await;
    assert!(body["field_errors"][0][1].as_str().unwrap().contains("motif"));
    assert_eq!(state_of(&app, id.parse().unwrap()).await, "pending_approver");
    let (_, body) = call_as(
        &jeanne,
        &app,
        "/api/refuser",
        &[("id", &id), ("reason", "Vous ne travaillez pas dans ce laboratoire.")],
    )
    .await;
    assert!(body["notice"][1].as_str().unwrap().contains("refusée"));
    assert_eq!(state_of(&app, id.parse().unwrap()).await, "refused");
    let mail = app.mail_to("refus@labo.test", "pas été acceptée").await;
    assert!(mail.text.contains("Vous ne travaillez pas dans ce laboratoire."));
    // The address is free again for a new request.
    let (status, _) = call_with(
        &app.new_browser(),
        &app.base,
        "/api/demande-acces",
        &request("collaborator", "86BV01", "refus@labo.test")
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn several_requests_approved_at_once() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    let a = app.collaborator_request("lot1@labo.test", "86BV01", seeded.approver, &[]).await.to_string();
    let b = app.collaborator_request("lot2@labo.test", "86BV01", seeded.approver, &[]).await.to_string();
    let jeanne = app.biologist_of("86BV01").await;
    let r = submit_with(
        &jeanne,
        &app.base,
        "/approbation-des-comptes",
        "/api/approuver-selection",
        &[("ids[]", &a), ("ids[]", &b)],
    )
    .await;
    assert!(r.text().await.unwrap().contains("2 demande(s) approuvée(s)"));
    assert_eq!(state_of(&app, a.parse().unwrap()).await, "pending_support");
    assert_eq!(state_of(&app, b.parse().unwrap()).await, "pending_support");
}

/// Runs a request through approval and validation; returns (request id, code in clear).
async fn validated(app: &TestApp, seeded: &Structures, email: &str, sites: &[i64]) -> (i64, String) {
    let id = app.collaborator_request(email, "86BV01", seeded.approver, sites).await;
    let jeanne = app.biologist_of("86BV01").await;
    let mut fields = vec![
        ("id".to_string(), id.to_string()),
        ("results".into(), "on".into()),
        ("sites_mode".into(), if sites.is_empty() { "all".into() } else { "some".into() }),
    ];
    for s in sites {
        fields.push(("sites[]".into(), s.to_string()));
    }
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    call_as(&jeanne, app, "/api/approuver", &refs).await;
    if sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE email_key = 'agent@sesame.test'")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        == 0
    {
        app.account("agent@sesame.test", UserKind::Support, "Agent", "Support").await;
    }
    let agent = app.browser_as("agent@sesame.test").await;
    let (status, body) = call_as(&agent, app, "/api/support-valider", &[("id", &id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["notice"][1].as_str().unwrap().contains("est validée"), "{body}");
    let mail = app.mail_to(email, "code d'accès provisoire").await;
    let code = mail.text.lines().find(|l| l.len() == 13 && l.matches('-').count() == 2).unwrap().trim().to_string();
    (id, code)
}

#[tokio::test]
async fn support_validates_and_the_first_sign_in_activates_the_account() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    let sites = [seeded.open_sites[0], seeded.open_sites[1]];
    let (id, code) = validated(&app, &seeded, "premier@labo.test", &sites).await;
    assert_eq!(state_of(&app, id).await, "validated");
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT code_hash FROM access_codes").fetch_all(app.db.pool()).await.unwrap();
    assert!(!stored.iter().any(|h| h.contains(&code.replace('-', ""))), "codes are stored hashed");

    // A wrong code, then a weak password, are refused with a message.
    let other = sesame_app::domain::activation_code::ActivationCode::from_value(42).grouped();
    let (_, body) = app
        .call(
            "/api/premiere-connexion",
            &[("email", "premier@labo.test"), ("code", &other), ("password", PASSWORD), ("terms", "on")],
        )
        .await;
    assert!(body["notice"][1].as_str().unwrap().contains("incorrect"));
    let (_, body) = app
        .call(
            "/api/premiere-connexion",
            &[("email", "premier@labo.test"), ("code", &code), ("password", "azerty"), ("terms", "on")],
        )
        .await;
    assert!(body["field_errors"].as_array().unwrap().iter().any(|e| e[0] == "password"));
    let (_, body) = app
        .call("/api/premiere-connexion", &[("email", "premier@labo.test"), ("code", &code), ("password", PASSWORD)])
        .await;
    assert!(body["field_errors"].as_array().unwrap().iter().any(|e| e[0] == "terms"));

    // The right code, typed in lower case.
    let r = app
        .submit(
            "/premiere-connexion",
            "/api/premiere-connexion",
            &[("email", "PREMIER@labo.test"), ("code", &code.to_lowercase()), ("password", PASSWORD), ("terms", "on")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/mon-compte?bienvenue=1");
    assert_eq!(state_of(&app, id).await, "active");
    let status: String = sqlx::query_scalar("SELECT status FROM users WHERE email_key = 'premier@labo.test'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(status, "active");
    // Home: Résultats only, for the two sites.
    let (_, html) = app.page("/mon-compte").await;
    assert!(html.contains("href=\"/resultats\""));
    assert!(!html.contains("href=\"/factures\""));
    assert_eq!(app.page("/resultats").await.0, 200);
    assert_eq!(app.page("/factures").await.0, 403);
    let (_, results) = app.page("/resultats").await;
    assert!(
        results.contains("BioVienne Poitiers Centre")
            && results.contains("BioVienne Châtellerault")
            && !results.contains("BioVienne Niort")
    );
    // The first activation marked those sites migrated, not the third.
    let migrated: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sites WHERE migrated_at IS NOT NULL ORDER BY name")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(migrated, vec!["BioVienne Châtellerault".to_string(), "BioVienne Poitiers Centre".to_string()]);
    // The code is spent.
    let (_, body) = call_with(
        &app.new_browser(),
        &app.base,
        "/api/premiere-connexion",
        &[("email", "premier@labo.test"), ("code", &code), ("password", PASSWORD), ("terms", "on")],
    )
    .await;
    assert!(body["notice"][1].as_str().unwrap().contains("déjà servi"));
    // The whole story is in the request's history.
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE subject_type = 'access_request' AND subject_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(actions, vec!["request.created", "request.approved", "request.validated", "request.activated"]);
}

#[tokio::test]
async fn codes_expire_after_seven_days_and_support_can_send_a_new_one() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    let (id, code) = validated(&app, &seeded, "expire@labo.test", &[]).await;
    app.clock.advance_days(8);
    let (_, body) = app
        .call(
            "/api/premiere-connexion",
            &[("email", "expire@labo.test"), ("code", &code), ("password", PASSWORD), ("terms", "on")],
        )
        .await;
    assert!(body["notice"][1].as_str().unwrap().contains("a expiré"), "{body}");
    let agent = app.browser_as("agent@sesame.test").await;
    let (_, body) = call_as(&agent, &app, "/api/support-nouveau-code", &[("id", &id.to_string())]).await;
    assert!(body["notice"][1].as_str().unwrap().contains("Un nouveau code"));
    let latest = app
        .smtp
        .wait_for(std::time::Duration::from_secs(15), |m| {
            m.is_to("expire@labo.test") && m.subject.contains("code d'accès") && !m.text.contains(&code)
        })
        .await
        .unwrap();
    let new_code =
        latest.text.lines().find(|l| l.len() == 13 && l.matches('-').count() == 2).unwrap().trim().to_string();
    assert_ne!(new_code, code);
    let (_, body) = app
        .call(
            "/api/premiere-connexion",
            &[("email", "expire@labo.test"), ("code", &code), ("password", PASSWORD), ("terms", "on")],
        )
        .await;
    assert!(
        body["notice"][1].as_str().unwrap().contains("déjà servi")
            || body["notice"][1].as_str().unwrap().contains("incorrect")
    );
    let r = app
        .submit(
            "/premiere-connexion",
            "/api/premiere-connexion",
            &[("email", "expire@labo.test"), ("code", &new_code), ("password", PASSWORD), ("terms", "on")],
        )
        .await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn only_support_validates_refuses_and_delegates() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    let mut fields = request("biologist", "86BV01", "bio2@labo.test");
    fields.push(("results".into(), "on".into()));
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call("/api/demande-acces", &refs).await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM access_requests WHERE email_key = 'bio2@labo.test'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let jeanne = app.biologist_of("86BV01").await;
    for (path, f) in [
        ("/api/support-valider", vec![("id", id.to_string())]),
        ("/api/support-refuser", vec![("id", id.to_string()), ("reason", "x".to_string())]),
        ("/api/support-nouveau-code", vec![("id", id.to_string())]),
        ("/api/support-deleguer", vec![("structure_id", "1".to_string()), ("user_id", seeded.approver.to_string())]),
        ("/api/support-retirer-delegation", vec![("delegation_id", "1".to_string())]),
    ] {
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(call_as(&jeanne, &app, path, &refs).await.0, 403, "{path}");
        assert_eq!(app.call(path, &refs).await.0, 401, "{path}");
    }
    assert_eq!(jeanne.get(app.url("/support/demandes")).send().await.unwrap().status(), 403);
    // Support refuses with a reason.
    let agent = app.support_agent().await;
    let (_, body) = call_as(
        &agent,
        &app,
        "/api/support-refuser",
        &[("id", &id.to_string()), ("reason", "Structure inconnue de nos services.")],
    )
    .await;
    assert!(body["notice"][1].as_str().unwrap().contains("refusée"));
    app.mail_to("bio2@labo.test", "pas été acceptée").await;
    let (_, html) = {
        let r = agent.get(app.url(&format!("/support/demandes/{id}"))).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    };
    // The history reads as sentences, not keys.
    assert!(Page::parse(&html).reads("Demande d'accès envoyée"), "{html}");
    assert!(html.contains("Demande refusée par le support"), "{html}");
    assert!(!html.contains("request.created"), "{html}");
}

#[tokio::test]
async fn withdrawn_rights_take_effect_on_the_next_request() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    let (_, code) = validated(&app, &seeded, "retrait@labo.test", &[]).await;
    let collab = app.new_browser();
    let r = submit_with(
        &collab,
        &app.base,
        "/premiere-connexion",
        "/api/premiere-connexion",
        &[("email", "retrait@labo.test"), ("code", &code), ("password", PASSWORD), ("terms", "on")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(collab.get(app.url("/resultats")).send().await.unwrap().status(), 200);
    let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email_key = 'retrait@labo.test'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let jeanne = app.biologist_of("86BV01").await;
    let html = jeanne.get(app.url("/approbation-des-comptes")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Collaborateurs actifs") && html.contains("Lucie Moreau"));
    let (_, body) = call_as(
        &jeanne,
        &app,
        "/api/droits-collaborateur",
        &[("user_id", &user_id.to_string()), ("sites_mode", "all")],
    )
    .await;
    assert!(body["notice"][1].as_str().unwrap().contains("retirés"), "{body}");
    // Same session, next request: refused.
    assert_eq!(collab.get(app.url("/resultats")).send().await.unwrap().status(), 403);
    app.mail_to("retrait@labo.test", "ont changé").await;
}

#[tokio::test]
async fn support_designates_and_withdraws_an_approver() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    let (_, code) = validated(&app, &seeded, "delegue@labo.test", &[]).await;
    app.call(
        "/api/premiere-connexion",
        &[("email", "delegue@labo.test"), ("code", &code), ("password", PASSWORD), ("terms", "on")],
    )
    .await;
    let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email_key = 'delegue@labo.test'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let structure: i64 = sqlx::query_scalar("SELECT id FROM structures WHERE correspondent_code = '86BV01'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let other: i64 = sqlx::query_scalar("SELECT id FROM structures WHERE correspondent_code = '17ATL3'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let agent = app.browser_as("agent@sesame.test").await;
    // Not a member of 17ATL3: refused.
    let (_, body) = call_as(
        &agent,
        &app,
        "/api/support-deleguer",
        &[("structure_id", &other.to_string()), ("user_id", &user_id.to_string())],
    )
    .await;
    assert!(body["notice"][0] == "Error");
    let (_, body) = call_as(
        &agent,
        &app,
        "/api/support-deleguer",
        &[("structure_id", &structure.to_string()), ("user_id", &user_id.to_string())],
    )
    .await;
    assert!(body["notice"][1].as_str().unwrap().contains("approbateur"));
    let (_, lookup) = app.call("/api/structure", &[("code", "86BV01")]).await;
    let names: Vec<String> = lookup["Found"]["approvers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.contains(&"Lucie Moreau".to_string()), "{names:?}");
    let delegation: i64 = sqlx::query_scalar("SELECT id FROM approver_delegations WHERE revoked_at IS NULL")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let html =
        agent.get(app.url(&format!("/support/structures/{structure}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Retirer la délégation") && html.contains("Migré le"));
    call_as(&agent, &app, "/api/support-retirer-delegation", &[("delegation_id", &delegation.to_string())]).await;
    let (_, lookup) = app.call("/api/structure", &[("code", "86BV01")]).await;
    assert_eq!(lookup["Found"]["approvers"].as_array().unwrap().len(), 1);
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE subject_type = 'structure' ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(actions, vec!["approver.delegated", "approver.revoked"]);
}

#[tokio::test]
async fn an_invited_support_agent_chooses_a_password_then_accepts_the_terms() {
    let app = TestApp::spawn().await;
    let state = app.state();
    let email = sesame_app::domain::email::Email::parse("nouvel.agent@sesame.test").unwrap();
    let mut tx = state.db.begin().await.unwrap();
    let who = sesame_app::invitations::flows::NewInvitee {
        email: &email,
        first_name: "Nouvel",
        last_name: "Agent",
        kind: sesame_app::domain::account::UserKind::Support,
        is_admin: false,
        lang: sesame_app::i18n::Lang::Fr,
    };
    let (_, link) = sesame_app::invitations::flows::invite(state, &mut tx, &who, None).await.unwrap();
    tx.commit().await.unwrap();
    state.wake_mailer();
    let mail = app.mail_to("nouvel.agent@sesame.test", "invité").await;
    assert_eq!(app.link_in(&mail, "/invitation?jeton="), link);
    let token = link.split("jeton=").nth(1).unwrap();
    let r = app
        .submit(&format!("/invitation?jeton={token}"), "/api/invitation", &[("token", token), ("password", PASSWORD)])
        .await;
    assert_eq!(location(&r), "/connexion?invitation=1");
    let row = sqlx::query("SELECT status FROM users WHERE email_key = 'nouvel.agent@sesame.test'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("status"), "invitation_accepted");
    let agent = app.browser_as("nouvel.agent@sesame.test").await;
    let r = agent.get(app.url("/support/demandes")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/bienvenue");
    let r = submit_with(&agent, &app.base, "/bienvenue", "/api/bienvenue", &[("terms", "on")]).await;
    assert_eq!(location(&r), "/support/demandes");
    // The back-office wants a second factor first, and says where to set it up.
    let r = agent.get(app.url("/support/demandes")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("/mon-compte/securite"));
    let r = submit_with(&agent, &app.base, "/mon-compte/securite", "/api/deux-facteurs-commencer", &[]).await;
    assert_eq!(location(&r), "/mon-compte/securite");
    let html = agent.get(app.url("/mon-compte/securite")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<svg"), "a QR code");
    let secret = Page::parse(&html).attr("[data-secret]", "data-secret").unwrap();
    let wrong =
        submit_with(&agent, &app.base, "/mon-compte/securite", "/api/deux-facteurs-activer", &[("code", "000000")])
            .await;
    assert!(wrong.text().await.unwrap().contains("ne correspond pas"));
    let code = sesame_app::platform::totp::code_at(&secret, (app.state().now() / 1000) as u64).unwrap();
    let r =
        submit_with(&agent, &app.base, "/mon-compte/securite", "/api/deux-facteurs-activer", &[("code", &code)]).await;
    let html = r.text().await.unwrap();
    assert_eq!(Page::parse(&html).count(".recovery-codes li"), 10, "ten recovery codes, shown once");
    assert_eq!(agent.get(app.url("/support/demandes")).send().await.unwrap().status(), 200);
}
