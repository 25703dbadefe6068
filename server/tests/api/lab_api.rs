//! The lab system's interface (`/api/lab/v1`): bearer tokens, records and their codes,
//! reports and invoices with sealed PDFs, the people told, and the OpenAPI document.

use crate::helpers::*;
use base64::Engine;
use serde_json::{Value, json};
use std::time::Duration;

/// A small valid-looking PDF of `size` bytes.
fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n% Sesame test report\n".to_vec();
    bytes.resize(size.max(bytes.len()), b'x');
    bytes
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The lab system: no cookies, only its token.
struct Lab {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Lab {
    async fn new(app: &TestApp) -> Lab {
        let (token, _) = sesame_app::lab::store::create(&app.db, "SIL test", app.state().now()).await.unwrap();
        Lab { http: reqwest::Client::new(), base: app.url("/api/lab/v1"), token }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, path, None).await
    }
}

fn patient_body() -> Value {
    json!({ "last_name": "Martin", "first_names": "Marie", "birth_date": "1985-03-14", "sex": "F" })
}

fn report_body(patient: &str, status: &str, site: Option<i64>, pdf_bytes: &[u8]) -> Value {
    let mut body = json!({
        "patient": patient, "sampled_on": "2026-01-10", "status": status, "title": "Bilan sanguin",
        "pdf_base64": b64(pdf_bytes),
    });
    if let Some(site) = site {
        body["prescriber"] = json!({ "correspondent_code": "86BV01", "site_id": site });
    }
    body
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.db.pool()).await.unwrap()
}

#[tokio::test]
async fn a_missing_wrong_or_revoked_token_gets_the_same_401_and_browsers_cannot_call() {
    let app = TestApp::spawn().await;
    app.structures().await;
    let lab = Lab::new(&app).await;
    let (revoked, _) = sesame_app::lab::store::create(&app.db, "old", app.state().now()).await.unwrap();
    assert!(sesame_app::lab::store::revoke(&app.db, "old", app.state().now()).await.unwrap());
    let url = app.url("/api/lab/v1/structures/86BV01");
    let plain = reqwest::Client::new();
    let mut answers = Vec::new();
    for auth in [None, Some("sesame_lab_0000"), Some(revoked.as_str())] {
        let mut req = plain.get(&url);
        if let Some(t) = auth {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        answers.push((r.status().as_u16(), r.text().await.unwrap()));
    }
    assert_eq!(answers[0].0, 401);
    assert!(answers.iter().all(|a| a == &answers[0]), "identical answers: {answers:?}");
    // A signed-in browser (session cookie, same-origin headers) is not a lab system.
    let support = app.support_agent().await;
    let r = support.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = support.put(app.url("/api/lab/v1/patients/P1")).json(&patient_body()).send().await.unwrap();
    assert_eq!(r.status(), 401);
    // The token works, the answer is not cached, and the call is audited with its name.
    let r = lab.http.get(&url).bearer_auth(&lab.token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["paperless"], false);
    assert_eq!(body["sites"].as_array().unwrap().len(), 3);
    assert_eq!(body["sites"][0]["migrated"], false);
    let audited: String =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'lab.call' ORDER BY id DESC")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(audited.contains("SIL test") && audited.contains("/structures/{code}"), "{audited}");
    let listed = sesame_app::lab::store::list(&app.db).await.unwrap();
    assert!(listed.iter().any(|t| t.name == "SIL test" && t.last_used_at.is_some()));
}

#[tokio::test]
async fn a_token_over_its_limit_is_told_when_to_come_back() {
    let app = TestApp::spawn().await;
    app.structures().await;
    let lab = Lab::new(&app).await;
    let id: i64 = count(&app, "SELECT id FROM lab_tokens").await;
    // The minute's quota already spent (6000 calls).
    let now = app.state().now();
    sqlx::query(
        "INSERT INTO rate_limits (key, window_start, count, last_at, blocked_until) VALUES ($1, $2, 6000, $2, 0)",
    )
    .bind(format!("lab-token:{id}"))
    .bind(now)
    .execute(app.db.pool())
    .await
    .unwrap();
    let r = lab.http.get(app.url("/api/lab/v1/structures/86BV01")).bearer_auth(&lab.token).send().await.unwrap();
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    app.clock.advance(61_000);
    let (status, _) = lab.get("/structures/86BV01").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_patient_sent_twice_is_one_record_with_one_code() {
    let app = TestApp::spawn().await;
    let lab = Lab::new(&app).await;
    let (status, first) = lab.put("/patients/P-001", patient_body()).await;
    assert_eq!(status, 201, "{first}");
    let code = first["activation_code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 13, "grouped XXXX-XXXX-XXX: {code}");
    let (status, again) = lab.put("/patients/P-001", patient_body()).await;
    assert_eq!((status, again["outcome"].as_str()), (200, Some("unchanged")));
    assert!(again.get("activation_code").is_none());
    // Concurrent identical calls for a new record: one record, one code.
    let (a, b) = tokio::join!(lab.put("/patients/P-002", patient_body()), lab.put("/patients/P-002", patient_body()));
    let codes = [&a.1, &b.1].iter().filter(|v| v.get("activation_code").is_some()).count();
    assert_eq!(codes, 1, "{a:?} {b:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM patient_records WHERE lab_reference = 'P-002'").await, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM activation_codes c JOIN patient_records r ON r.id = c.record_id WHERE r.lab_reference = 'P-002'").await,
        1
    );
    // A new code kills the old one.
    let (status, renewed) = lab.send(reqwest::Method::POST, "/patients/P-001/activation-code", None).await;
    assert_eq!(status, 200);
    assert_ne!(renewed["activation_code"], first["activation_code"]);
    let (status, _) = lab.send(reqwest::Method::POST, "/patients/NOPE/activation-code", None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn every_invalid_field_is_named_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let lab = Lab::new(&app).await;
    let (status, problem) = lab
        .put(
            "/patients/P-9",
            json!({ "last_name": "", "first_names": "Marie", "birth_date": "31/02/1985", "sex": "X", "nir": "1 85 03 75 123 456 00" }),
        )
        .await;
    assert_eq!(status, 422);
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["last_name", "birth_date", "sex", "nir"]);
    assert_eq!(problem["status"], 422);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM patient_records").await, 0);
    // A Corsican NIR with its key is accepted (2A counts as 19).
    let nir = {
        let digits = "285032A123456";
        let n: u64 = digits.replace("2A", "19").parse().unwrap();
        format!("{digits}{:02}", 97 - n % 97)
    };
    let mut body = patient_body();
    body["nir"] = json!(nir);
    let (status, answer) = lab.put("/patients/P-10", body).await;
    assert_eq!(status, 201, "{answer}");
    // A report for an unknown patient names it; a body that is not JSON is a 400 problem.
    let (status, problem) = lab.put("/reports/CR-1", report_body("P-404", "partial", None, &pdf(1000))).await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "patient");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("P-404"));
    let r =
        lab.http.put(app.url("/api/lab/v1/patients/P-11")).bearer_auth(&lab.token).body("{oops").send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM documents").await, 0);
}

#[tokio::test]
async fn too_large_or_not_a_pdf_is_refused_whole() {
    let app = TestApp::spawn().await;
    let lab = Lab::new(&app).await;
    lab.put("/patients/P-1", patient_body()).await;
    let (status, problem) =
        lab.put("/reports/CR-1", report_body("P-1", "partial", None, b"<html>not a pdf</html>")).await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "pdf");
    let big = pdf(20 * 1024 * 1024 + 1);
    let (status, _) = lab.put("/reports/CR-1", report_body("P-1", "partial", None, &big)).await;
    assert_eq!(status, 413);
    // The same through multipart: the PDF part is streamed and cut at 20 MB.
    let meta = json!({ "patient": "P-1", "sampled_on": "2026-01-10", "status": "partial", "title": "Bilan" });
    let form = reqwest::multipart::Form::new()
        .text("metadata", meta.to_string())
        .part("pdf", reqwest::multipart::Part::bytes(big).file_name("cr.pdf"));
    let r =
        lab.http.put(app.url("/api/lab/v1/reports/CR-1")).bearer_auth(&lab.token).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM documents").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM reports").await, 0);
    // A multipart body within the limit is published.
    let form = reqwest::multipart::Form::new()
        .text("metadata", meta.to_string())
        .part("pdf", reqwest::multipart::Part::bytes(pdf(300 * 1024)).file_name("cr.pdf"));
    let r =
        lab.http.put(app.url("/api/lab/v1/reports/CR-1")).bearer_auth(&lab.token).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
}

#[tokio::test]
async fn a_partial_then_complete_report_is_two_versions_and_two_notices() {
    let app = TestApp::spawn().await;
    let structures = app.structures().await;
    let lab = Lab::new(&app).await;
    let (_, created) = lab.put("/patients/P-1", patient_body()).await;
    app.verified_patient("marie.martin@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let code = created["activation_code"].as_str().unwrap();
    let r = app.activate(&[("code", code), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
    assert_eq!(r.status(), 303);

    let first = pdf(2000);
    let (status, answer) =
        lab.put("/reports/CR-1", report_body("P-1", "partial", Some(structures.open_sites[0]), &first)).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!((answer["version"].as_i64(), answer["notified"]["patients"].as_u64()), (Some(1), Some(1)));
    let mail = app.mail_to("marie.martin@exemple.fr", "Un nouveau compte rendu est disponible").await;
    assert!(!mail.subject.contains("Martin") && !mail.text.contains("Bilan"), "no name, nothing medical");
    let link = app.link_in(&mail, "/mes-resultats/");
    // The same body again: one version, no second mail.
    let (status, again) =
        lab.put("/reports/CR-1", report_body("P-1", "partial", Some(structures.open_sites[0]), &first)).await;
    assert_eq!((status, again["outcome"].as_str()), (200, Some("unchanged")));
    let (status, done) =
        lab.put("/reports/CR-1", report_body("P-1", "complete", Some(structures.open_sites[0]), &pdf(3000))).await;
    assert_eq!((status, done["outcome"].as_str(), done["version"].as_i64()), (200, Some("new_version"), Some(2)));
    app.mail_to("marie.martin@exemple.fr", "Un compte rendu a été complété").await;
    let (_, meta) = lab.get("/reports/CR-1").await;
    assert_eq!((meta["status"].as_str(), meta["version"].as_i64()), (Some("complete"), Some(2)));
    assert!(meta.get("pdf_base64").is_none());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let to_patient = app
        .smtp
        .messages()
        .iter()
        .filter(|m| m.is_to("marie.martin@exemple.fr") && m.subject.contains("compte rendu"))
        .count();
    assert_eq!(to_patient, 2, "one notice per version");
    // Both versions stay readable; the link leads to the person's reports.
    let report = sesame_app::reports::store::find_report(&app.db, "CR-1").await.unwrap().unwrap();
    let versions = sesame_app::reports::store::versions(&app.db, report.id).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(sesame_app::documents::store::open(app.state(), versions[1].document_id).await.unwrap(), first);
    let html = app.client.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(Page::parse(&html).reads("Bilan sanguin"), "{html}");
    assert!(Page::parse(&html).reads("Versions précédentes"));
}

#[tokio::test]
async fn a_withdrawn_report_leaves_every_view_and_its_unsent_mail_with_it() {
    let app = TestApp::spawn_with(TestOptions { workers: false, ..TestOptions::default() }).await;
    let lab = Lab::new(&app).await;
    let (_, created) = lab.put("/patients/P-1", patient_body()).await;
    // Linked to an account through the stores (no worker runs, so no mail leaves).
    let user =
        app.account("marie.martin@exemple.fr", sesame_app::domain::account::UserKind::Patient, "Marie", "Martin").await;
    let code = sesame_app::domain::activation_code::ActivationCode::parse(created["activation_code"].as_str().unwrap())
        .unwrap();
    let found = sesame_app::activation::store::find_code(app.state(), &code).await.unwrap().unwrap();
    let mut tx = app.db.begin().await.unwrap();
    sesame_app::activation::store::link(
        &mut tx,
        &sesame_app::activation::store::NewLink {
            user_id: user,
            record_id: found.record_id,
            relation: "self",
            status: "linked",
            typed: None,
        },
        app.state().now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let (status, _) = lab.put("/reports/CR-9", report_body("P-1", "partial", None, &pdf(500))).await;
    assert_eq!(status, 201);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox WHERE about IS NOT NULL AND sent_at IS NULL").await, 1);
    let (status, gone) = lab.delete("/reports/CR-9").await;
    assert_eq!((status, gone["outcome"].as_str()), (200, Some("withdrawn")));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM outbox WHERE about IS NOT NULL").await,
        0,
        "the pending notice is cancelled"
    );
    assert!(sesame_app::reports::store::reports_of(&app.db, found.record_id).await.unwrap().is_empty());
    let (status, meta) = lab.get("/reports/CR-9").await;
    assert_eq!((status, meta["outcome"].as_str()), (200, Some("withdrawn")));
    let audited = count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'lab.report_withdrawn'").await;
    assert_eq!(audited, 1);
    assert_eq!(lab.delete("/reports/CR-404").await.0, 404);
}

#[tokio::test]
async fn notices_reach_exactly_the_people_with_the_right_on_the_site() {
    let app = TestApp::spawn().await;
    let s = app.structures().await;
    let (a, b) = (s.open_sites[0], s.open_sites[1]);
    let lab = Lab::new(&app).await;
    app.professional("tous@labo.test", "86BV01", true, true, None, true).await;
    app.professional("site-a@labo.test", "86BV01", true, false, Some(&[a]), true).await;
    app.professional("site-b@labo.test", "86BV01", true, false, Some(&[b]), true).await;
    app.professional("factures@labo.test", "86BV01", false, true, Some(&[a]), true).await;
    app.professional("ailleurs@labo.test", "33BX04", true, true, None, true).await;
    let gone = app.professional("parti@labo.test", "86BV01", true, true, None, true).await;
    let mut tx = app.db.begin().await.unwrap();
    sesame_app::accounts::store::deactivate(&mut tx, gone, app.state().now()).await.unwrap();
    tx.commit().await.unwrap();
    let digest = app.professional("digest@labo.test", "86BV01", true, true, None, false).await;

    lab.put("/patients/P-1", patient_body()).await;
    // Jeanne Lefort, the structure's biologist, has both rights on every site and the
    // default digest: she and `digest` read it tomorrow.
    let (_, answer) = lab.put("/reports/CR-1", report_body("P-1", "partial", Some(a), &pdf(800))).await;
    assert_eq!(answer["notified"], json!({ "patients": 0, "professionals": 2, "in_digest": 2 }));
    let body = json!({ "correspondent_code": "86BV01", "site_id": a, "period_start": "2026-10-01", "period_end": "2026-10-31",
                       "amount_cents": 12345, "due_on": "2026-12-15", "pdf_base64": b64(&pdf(900)) });
    let (status, invoice) = lab.put("/invoices/F-1", body.clone()).await;
    assert_eq!(status, 201, "{invoice}");
    assert_eq!(invoice["notified"], json!({ "patients": 0, "professionals": 2, "in_digest": 2 }));
    assert_eq!(lab.put("/invoices/F-1", body).await.1["outcome"], "unchanged");
    app.mail_to("tous@labo.test", "Un nouveau résultat").await;
    app.mail_to("site-a@labo.test", "Un nouveau résultat").await;
    app.mail_to("tous@labo.test", "Une nouvelle facture").await;
    app.mail_to("factures@labo.test", "Une nouvelle facture").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let mut told: Vec<String> = app
        .smtp
        .messages()
        .iter()
        .filter(|m| m.to.iter().any(|t| t.ends_with("@labo.test")) && !m.subject.contains("code"))
        .map(|m| format!("{:?} {}", m.to, m.subject))
        .collect();
    told.sort();
    assert_eq!(told.len(), 4, "nobody else: {told:?}");
    let waiting = count(&app, &format!("SELECT COUNT(*) FROM digest_items WHERE user_id = {digest}")).await;
    assert_eq!(waiting, 2);
}

#[tokio::test]
async fn a_professional_who_chose_the_digest_gets_one_mail_the_next_morning() {
    let app = TestApp::spawn_with(TestOptions::with_jobs_running()).await;
    let s = app.structures().await;
    let lab = Lab::new(&app).await;
    app.professional("digest@labo.test", "86BV01", true, false, None, false).await;
    lab.put("/patients/P-1", patient_body()).await;
    lab.put("/reports/CR-1", report_body("P-1", "partial", Some(s.open_sites[0]), &pdf(800))).await;
    lab.put("/reports/CR-2", report_body("P-1", "complete", Some(s.open_sites[1]), &pdf(800))).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!app.smtp.messages().iter().any(|m| m.is_to("digest@labo.test")), "nothing before the digest time");
    app.clock.advance_days(2);
    let mail = app.mail_to("digest@labo.test", "Vos nouveaux documents sur Sésame").await;
    assert!(mail.text.contains("2 nouveaux comptes rendus"), "{}", mail.text);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.smtp.messages().iter().filter(|m| m.is_to("digest@labo.test")).count(), 1, "one digest");
}

#[tokio::test]
async fn a_patient_can_turn_report_emails_off() {
    let app = TestApp::spawn().await;
    let lab = Lab::new(&app).await;
    let (_, created) = lab.put("/patients/P-1", patient_body()).await;
    app.verified_patient("marie.martin@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let code = created["activation_code"].as_str().unwrap();
    app.activate(&[("code", code), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
    let (_, html) = app.page("/mon-compte").await;
    assert!(Page::parse(&html).reads("Enregistrer mes préférences"));
    let r = app.submit("/mon-compte", "/api/avis-documents", &[("choice", "off")]).await;
    assert!(r.status().is_success() || r.status().is_redirection());
    assert!(Page::parse(&r.text().await.unwrap()).reads("Vos préférences sont enregistrées"));
    let (_, answer) = lab.put("/reports/CR-1", report_body("P-1", "partial", None, &pdf(800))).await;
    assert_eq!(answer["notified"]["patients"], 0);
}

#[tokio::test]
async fn documents_are_sealed_at_rest_and_a_key_rotation_keeps_them_readable() {
    for in_directory in [false, true] {
        let dir = std::env::temp_dir().join(format!("sesame-docs-{}", uuid::Uuid::new_v4()));
        let app = TestApp::spawn_with(TestOptions {
            documents_dir: in_directory.then(|| dir.clone()),
            ..TestOptions::default()
        })
        .await;
        let lab = Lab::new(&app).await;
        lab.put("/patients/P-1", patient_body()).await;
        let bytes = pdf(50_000);
        assert_eq!(lab.put("/reports/CR-1", report_body("P-1", "partial", None, &bytes)).await.0, 201);
        let raw: Vec<Vec<u8>> = if in_directory {
            let mut files = Vec::new();
            for shard in std::fs::read_dir(&dir).unwrap() {
                for f in std::fs::read_dir(shard.unwrap().path()).unwrap() {
                    files.push(std::fs::read(f.unwrap().path()).unwrap());
                }
            }
            assert_eq!(count(&app, "SELECT COUNT(*) FROM document_blobs").await, 0);
            files
        } else {
            sqlx::query_scalar("SELECT sealed FROM document_blobs").fetch_all(app.db.pool()).await.unwrap()
        };
        assert_eq!(raw.len(), 1);
        assert!(!raw[0].windows(5).any(|w| w == b"%PDF-"), "no PDF bytes in clear at rest");
        assert!(!raw[0].windows(12).any(|w| w == b"Sesame test "));
        let id: i64 = count(&app, "SELECT id FROM documents").await;

        let old = app.state().settings.secret().to_vec();
        let new = b"a-brand-new-server-key-0123456789abcdef".to_vec();
        let done = sesame_app::documents::store::rotate_keys(&app.db, &old, &new, 1).await.unwrap();
        assert_eq!(done.resealed, 1);
        let again = sesame_app::documents::store::rotate_keys(&app.db, &old, &new, 1).await.unwrap();
        assert_eq!((again.resealed, again.already), (0, 1), "resumable");
        assert!(sesame_app::documents::store::open(app.state(), id).await.is_err(), "the old key no longer opens it");
        let mut rotated = app.state().clone();
        let mut settings = (*rotated.settings).clone();
        settings.secret_key = new.clone().into();
        rotated.settings = std::sync::Arc::new(settings);
        assert_eq!(sesame_app::documents::store::open(&rotated, id).await.unwrap(), bytes);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = TestApp::spawn().await;
    let doc: Value = reqwest::get(app.url("/api/lab/v1/openapi.json")).await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let expected = [
        ("put", "/patients/{lab_reference}"),
        ("post", "/patients/{lab_reference}/activation-code"),
        ("put", "/reports/{reference}"),
        ("get", "/reports/{reference}"),
        ("delete", "/reports/{reference}"),
        ("put", "/invoices/{reference}"),
        ("get", "/invoices/{reference}"),
        ("delete", "/invoices/{reference}"),
        ("get", "/structures/{code}"),
    ];
    let mut documented = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            assert!(expected.contains(&(method.as_str(), path.as_str())), "undocumented in the test: {method} {path}");
            documented += 1;
        }
    }
    assert_eq!(documented, expected.len());
    // Every documented route answers (401 without a token, never 404 or 405).
    let http = reqwest::Client::new();
    for (method, path) in expected {
        let url = app.url(&format!(
            "/api/lab/v1{}",
            path.replace("{lab_reference}", "P").replace("{reference}", "R").replace("{code}", "86BV01")
        ));
        let r = http.request(method.to_uppercase().parse().unwrap(), url).send().await.unwrap();
        assert_eq!(r.status(), 401, "{method} {path}");
    }
    let docs = include_str!("../../../docs/LAB-API.md");
    for (method, path) in expected {
        assert!(
            docs.contains(&format!("{} /api/lab/v1{path}", method.to_uppercase())),
            "docs/LAB-API.md lacks {method} {path}"
        );
    }
}

#[tokio::test]
async fn a_lab_system_holding_only_a_token_gets_a_code_publishes_and_the_patient_is_told() {
    let app = TestApp::spawn().await;
    let token = sesame_server::cli::lab::create_token(app.state(), "SIL Poitiers").await.unwrap();
    let http = reqwest::Client::new();
    let api = |p: &str| app.url(&format!("/api/lab/v1{p}"));
    let r = http.put(api("/patients/P-77")).bearer_auth(&token).json(&patient_body()).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let code = r.json::<Value>().await.unwrap()["activation_code"].as_str().unwrap().to_string();
    // The patient links the record with the printed code…
    app.verified_patient("marie.martin@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let r = app.activate(&[("code", &code), ("birth_date", "14/03/1985"), ("relation", "self")]).await;
    assert_eq!(location(&r), "/mon-compte?rattache=1");
    // …and hears about the report the lab publishes.
    let r = http
        .put(api("/reports/CR-77"))
        .bearer_auth(&token)
        .json(&report_body("P-77", "complete", None, &pdf(300 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let mail = app.mail_to("marie.martin@exemple.fr", "Un nouveau compte rendu est disponible").await;
    assert!(mail.links().iter().any(|l| l.starts_with(&app.url("/mes-resultats/"))));
    // A change of birth date on the linked record sends the link back to the lab's review.
    let mut body = patient_body();
    body["birth_date"] = json!("1985-03-15");
    let r = http.put(api("/patients/P-77")).bearer_auth(&token).json(&body).send().await.unwrap();
    let answer: Value = r.json().await.unwrap();
    assert_eq!((answer["outcome"].as_str(), answer["links_sent_to_review"].as_u64()), (Some("updated"), Some(1)));
    assert_eq!(app.links("lab_review").await, 1);
}

#[tokio::test]
async fn concurrent_new_versions_of_one_report_or_invoice_all_land_in_order() {
    let app = TestApp::spawn().await;
    let s = app.structures().await;
    let lab = std::sync::Arc::new(Lab::new(&app).await);
    assert_eq!(lab.put("/patients/P-1", patient_body()).await.0, 201);
    let invoice = |amount: i64| {
        json!({ "correspondent_code": "86BV01", "site_id": s.open_sites[0], "period_start": "2026-10-01",
                "period_end": "2026-10-31", "amount_cents": amount, "due_on": "2026-12-15", "pdf_base64": b64(&pdf(2048)) })
    };
    assert_eq!(lab.put("/reports/CR-1", report_body("P-1", "partial", None, &pdf(2048))).await.0, 201);
    assert_eq!(lab.put("/invoices/F-1", invoice(100)).await.0, 201);
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..6i64 {
        let (one, other) = (lab.clone(), lab.clone());
        let mut body = report_body("P-1", "partial", None, &pdf(2048));
        body["title"] = json!(format!("Bilan {i}"));
        calls.spawn(async move { one.put("/reports/CR-1", body).await });
        let body = invoice(200 + i);
        calls.spawn(async move { other.put("/invoices/F-1", body).await });
    }
    let mut report_versions = Vec::new();
    let mut invoice_versions = Vec::new();
    while let Some(done) = calls.join_next().await {
        let (status, answer) = done.unwrap();
        assert_eq!(status, 200, "{answer}");
        let version = answer["version"].as_i64().unwrap();
        if answer.get("amount_cents").is_some() {
            invoice_versions.push(version);
        } else {
            report_versions.push(version);
        }
    }
    report_versions.sort();
    invoice_versions.sort();
    assert_eq!(report_versions, [2, 3, 4, 5, 6, 7], "each call its own version, none lost");
    assert_eq!(invoice_versions, [2, 3, 4, 5, 6, 7]);
}
