//! Command-line imports against the real database.

use crate::helpers::*;
use sesame_server::cli::dossier;

#[tokio::test]
async fn a_dossier_import_is_all_or_nothing_and_its_codes_work() {
    let app = TestApp::spawn().await;
    let dir = std::env::temp_dir().join(format!("sesame-import-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let header = "reference,last_name,birth_name,first_names,birth_date,sex,nir\n";
    // One bad line: nothing is imported.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("{header}R1,Martin,,Marie,1985-03-14,F,\nR2,Durand,,Luc,1990-13-01,M,\n")).unwrap();
    assert!(dossier::import(app.state(), &bad, None).await.is_err());
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM patient_records").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(n, 0);
    assert!(!dir.join("bad.codes.csv").exists());
    // A good file: records created, codes written next to it, and they link.
    let good = dir.join("good.csv");
    std::fs::write(&good, format!("{header}R1,Martin,,Marie,1985-03-14,F,\nR2,Le Gall,,Jean-Pierre,1978-09-09,M,\n"))
        .unwrap();
    dossier::import(app.state(), &good, None).await.unwrap();
    let codes = std::fs::read_to_string(dir.join("good.codes.csv")).unwrap();
    let lines: Vec<&str> = codes.lines().collect();
    assert_eq!(lines[0], "reference,activation_code");
    assert_eq!(lines.len(), 3);
    let code = lines[1].split(',').nth(1).unwrap().to_string();
    // An existing reference refuses the whole file.
    let again = dir.join("again.csv");
    std::fs::write(&again, format!("{header}R3,Petit,,Léa,2001-05-05,F,\nR1,Martin,,Marie,1985-03-14,F,\n")).unwrap();
    assert!(dossier::import(app.state(), &again, None).await.is_err());
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM patient_records").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(n, 2);
    // The printed code links the record.
    app.verified_patient("marie.import@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let r = app
        .submit(
            "/activation",
            "/api/activation",
            &[("code", &code), ("birth_date", "1985-03-14"), ("relation", "self")],
        )
        .await;
    assert_eq!(r.status(), 303);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_new_code_for_a_record_replaces_its_unused_one_and_links() {
    let app = TestApp::spawn().await;
    let old = app.record("R9", "Petit", "", "Léa", "2001-05-05").await;
    assert!(dossier::new_code(app.state(), "UNKNOWN").await.is_err(), "an unknown reference is an error");
    let new = dossier::new_code(app.state(), " R9 ").await.unwrap().grouped();
    let unused: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM activation_codes WHERE used_at IS NULL AND replaced_at IS NULL")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(unused, 1, "one live code per record");
    app.verified_patient("lea@exemple.fr", "Petit", "Léa", "2001-05-05").await;
    // The old code no longer works: the same answer as an unknown code.
    let r = app.activate(&[("code", &old), ("birth_date", "2001-05-05"), ("relation", "self")]).await;
    assert!(r.text().await.unwrap().contains("ne correspondent à aucun dossier"));
    // The new one links.
    let r = app.activate(&[("code", &new), ("birth_date", "2001-05-05"), ("relation", "self")]).await;
    assert_eq!(r.status(), 303);
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE subject_type = 'patient_record' ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(actions, ["record.code_reissued", "record.linked"]);
}

#[tokio::test]
async fn the_demo_data_set_loads_once_and_every_journey_starts_from_it() {
    let app = TestApp::spawn().await;
    let first = sesame_server::demo::load(app.state()).await.unwrap();
    assert!(first.loaded_now);
    let again = sesame_server::demo::load(app.state()).await.unwrap();
    assert!(!again.loaded_now, "loaded once");
    let password = sesame_server::demo::DEMO_PASSWORD;
    // The patient signs in and links her record with its printed code.
    let r = app.sign_in("marie.martin@demo.sesame.test", password).await;
    assert_eq!(r.status(), 303);
    let (_, _, code) = first.codes.iter().find(|(who, _, _)| who.starts_with("Marie Martin")).unwrap();
    let r = app.activate(&[("code", code), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
    assert_eq!(r.status(), 303, "the demo code links");
    // The support agent is an administrator with an authenticator.
    let support = app.new_browser();
    let r = submit_with(
        &support,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "support@demo.sesame.test"), ("password", password)],
    )
    .await;
    assert!(location(&r).starts_with("/connexion/code"));
    app.clock.advance(31_000);
    let totp =
        sesame_app::platform::totp::code_at(sesame_server::demo::DEMO_TOTP_SECRET, (app.state().now() / 1000) as u64)
            .unwrap();
    let r = submit_with(&support, &app.base, "/connexion/code", "/api/connexion-code", &[("code", &totp)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(support.get(app.url("/admin/utilisateurs")).send().await.unwrap().status(), 200);
    // Jeanne Lefort approves for 86BV01 (a code e-mailed at sign-in) and sees her team.
    let jeanne = app.new_browser();
    let email = "jeanne.lefort@demo.sesame.test";
    let seen = app.sign_in_codes_sent(email);
    let r =
        submit_with(&jeanne, &app.base, "/connexion", "/api/connexion", &[("email", email), ("password", password)])
            .await;
    assert!(location(&r).starts_with("/connexion/code"));
    let code = app.sign_in_code(email, seen).await;
    let r = submit_with(&jeanne, &app.base, "/connexion/code", "/api/connexion-code", &[("code", &code)]).await;
    assert_eq!(r.status(), 303);
    let html = jeanne.get(app.url("/approbation-des-comptes")).send().await.unwrap().text().await.unwrap();
    assert_eq!(Page::parse(&html).count("li.collaborator"), sesame_server::demo::COLLABORATORS.len(), "{html}");
    // The demo lab system's printed token opens the lab API onto the demo structures.
    let r = reqwest::Client::new()
        .get(app.url("/api/lab/v1/structures/86BV01"))
        .bearer_auth(sesame_server::demo::DEMO_LAB_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_reports_import_checks_every_line_first_and_publishes_all_or_nothing() {
    let app = TestApp::spawn().await;
    let state = app.state();
    let mut tx = state.db.begin().await.unwrap();
    let record =
        sesame_app::activation::store::NewRecord::parse("P-1", "Martin", "", "Marie", "1985-03-14", "F", "").unwrap();
    sesame_app::activation::store::create(state, &mut tx, &record).await.unwrap();
    tx.commit().await.unwrap();
    let dir = std::env::temp_dir().join(format!("sesame-reports-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("cr1.pdf"), b"%PDF-1.7 first").unwrap();
    std::fs::write(dir.join("cr2.pdf"), b"%PDF-1.7 second").unwrap();
    std::fs::write(dir.join("notes.txt"), b"not a pdf").unwrap();
    let header = "reference,patient,correspondent_code,site_id,sampled_on,status,title,pdf\n";
    // Three bad lines (unknown patient, not a PDF, missing file): each named, nothing published.
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{header}CR-1,P-1,,,2026-01-10,partial,Bilan,cr1.pdf\nCR-2,P-404,,,2026-01-10,complete,Bilan,cr2.pdf\n\
             CR-3,P-1,,,2026-01-10,complete,Bilan,notes.txt\nCR-4,P-1,,,2026-01-10,complete,Bilan,absent.pdf\n"
        ),
    )
    .unwrap();
    let err = sesame_server::cli::lab::import_reports(state, &bad).await.unwrap_err().to_string();
    assert!(err.contains("3 line(s) rejected"), "{err}");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(n, 0);
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        format!("{header}CR-1,P-1,,,2026-01-10,partial,Bilan,cr1.pdf\nCR-1,P-1,,,2026-01-11,complete,Bilan,cr2.pdf\n"),
    )
    .unwrap();
    assert_eq!(sesame_server::cli::lab::import_reports(state, &good).await.unwrap(), 2);
    let report = sesame_app::reports::store::find_report(&app.db, "CR-1").await.unwrap().unwrap();
    assert_eq!(report.status, "complete");
    assert_eq!(sesame_app::reports::store::versions(&app.db, report.id).await.unwrap().len(), 2);
    // Run again: idempotent, nothing new.
    assert_eq!(sesame_server::cli::lab::import_reports(state, &good).await.unwrap(), 2);
    assert_eq!(sesame_app::reports::store::versions(&app.db, report.id).await.unwrap().len(), 2);
    // Lines valid one by one that conflict when published (one reference, two patients):
    // the whole file is refused, the first line included.
    let mut tx = state.db.begin().await.unwrap();
    let other =
        sesame_app::activation::store::NewRecord::parse("P-2", "Petit", "", "Léa", "2001-05-05", "F", "").unwrap();
    sesame_app::activation::store::create(state, &mut tx, &other).await.unwrap();
    tx.commit().await.unwrap();
    let documents_before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM documents").fetch_one(app.db.pool()).await.unwrap();
    let conflict = dir.join("conflict.csv");
    std::fs::write(
        &conflict,
        format!("{header}CR-9,P-1,,,2026-01-10,partial,Bilan,cr1.pdf\nCR-9,P-2,,,2026-01-10,partial,Bilan,cr2.pdf\n"),
    )
    .unwrap();
    let err = sesame_server::cli::lab::import_reports(state, &conflict).await.unwrap_err().to_string();
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(sesame_app::reports::store::find_report(&app.db, "CR-9").await.unwrap().is_none());
    let documents_after: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM documents").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(documents_after, documents_before);
    let _ = std::fs::remove_dir_all(&dir);
}
