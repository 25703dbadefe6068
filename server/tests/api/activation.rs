//! Linking records with activation codes.

use crate::helpers::*;
use futures::future::join_all;

#[tokio::test]
async fn codes_are_stored_only_as_keyed_hashes() {
    let app = TestApp::spawn().await;
    let code = app.record("R1", "Martin", "", "Marie", "1985-03-14").await;
    let canonical: String = code.replace('-', "");
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT code_hash FROM activation_codes").fetch_all(app.db.pool()).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(&canonical));
    assert_eq!(stored[0].len(), 64);
}

#[tokio::test]
async fn a_forgiving_code_links_the_record_and_shows_the_profile() {
    let app = TestApp::spawn().await;
    app.verified_patient("marie@exemple.fr", "MARTIN", "marie", "1985-03-14").await;
    let code = app.record("R1", "Martin", "", "Marie", "1985-03-14").await;
    // lower case, O for 0, l for 1, spaces instead of dashes
    let typed = code.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
    let r = app.activate(&[("code", &typed), ("birth_date", "14/03/1985"), ("relation", "self")]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(location(&r), "/mon-compte?rattache=1");
    let (_, html) = app.page("/mon-compte?rattache=1").await;
    assert!(html.contains("Marie Martin"));
    assert!(html.contains("Rattaché"));
    assert!(html.contains("Le dossier est rattaché"));
    // Single use, and the message says so without saying by whom.
    let r = app.activate(&[("code", &code), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
    assert!(r.text().await.unwrap().contains("déjà rattaché à votre compte"));
}

#[tokio::test]
async fn a_parent_links_a_childs_record_as_a_second_profile() {
    let app = TestApp::spawn().await;
    app.verified_patient("parent@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let own = app.record("R1", "Martin", "", "Marie", "1985-03-14").await;
    let child = app.record("R2", "Martin-Dupont", "", "Lucas Pierre", "2016-06-02").await;
    assert_eq!(app.activate(&[("code", &own), ("birth_date", "1985-03-14"), ("relation", "self")]).await.status(), 303);
    let r = app
        .activate(&[
            ("code", &child),
            ("birth_date", "2016-06-02"),
            ("relation", "child"),
            ("patient_last_name", "martin dupont"),
            ("patient_first_name", "lucas"),
        ])
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = app.page("/mon-compte").await;
    assert!(html.contains("Lucas Pierre Martin-Dupont"));
    assert!(html.contains("Mon enfant"));
    assert_eq!(app.links("linked").await, 2);
}

#[tokio::test]
async fn a_name_mismatch_goes_to_lab_review_with_a_clear_message() {
    let app = TestApp::spawn().await;
    app.verified_patient("helene@exemple.fr", "Dupuis", "Hélène", "1950-11-30").await;
    let code = app.record("R3", "Durand", "Lefèvre", "Hélène Marie", "1950-11-30").await;
    let r = app.activate(&[("code", &code), ("birth_date", "1950-11-30"), ("relation", "self")]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("transmise au laboratoire"), "{html}");
    assert_eq!(app.links("lab_review").await, 1);
    let mail = app.mail_to("helene@exemple.fr", "vérification").await;
    assert!(mail.text.contains("deux jours ouvrés"));
    let (_, html) = app.page("/mon-compte").await;
    assert!(html.contains("En vérification par le laboratoire"));
}

#[tokio::test]
async fn birth_name_and_accents_still_match() {
    let app = TestApp::spawn().await;
    app.verified_patient("lefevre@exemple.fr", "LEFEVRE", "helene", "1950-11-30").await;
    let code = app.record("R3", "Durand", "Lefèvre", "Hélène Marie", "1950-11-30").await;
    assert_eq!(
        app.activate(&[("code", &code), ("birth_date", "1950-11-30"), ("relation", "self")]).await.status(),
        303
    );
}

#[tokio::test]
async fn a_wrong_birth_date_and_an_unknown_code_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.verified_patient("same@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let code = app.record("R1", "Martin", "", "Marie", "1985-03-14").await;
    let unknown = sesame_app::domain::activation_code::ActivationCode::from_value(123_456_789).grouped();
    let wrong_date = app
        .activate(&[("code", &code), ("birth_date", "1985-03-15"), ("relation", "self")])
        .await
        .text()
        .await
        .unwrap();
    let no_code = app
        .activate(&[("code", &unknown), ("birth_date", "1985-03-15"), ("relation", "self")])
        .await
        .text()
        .await
        .unwrap();
    let strip = |s: &str| {
        let out = without_nonce(s);
        out.replace(&code, "CODE").replace(&unknown, "CODE")
    };
    assert_eq!(strip(&wrong_date), strip(&no_code));
    assert!(wrong_date.contains("ne correspondent à aucun dossier"));
}

#[tokio::test]
async fn a_mistyped_code_is_explained_and_not_counted() {
    let app = TestApp::spawn().await;
    app.verified_patient("typo@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let code = app.record("R1", "Martin", "", "Marie", "1985-03-14").await;
    // Swap two neighbouring characters: the check character catches it.
    let mut chars: Vec<char> = code.replace('-', "").chars().collect();
    let i = (0..chars.len() - 1).find(|&i| chars[i] != chars[i + 1]).unwrap();
    chars.swap(i, i + 1);
    let typo: String = chars.into_iter().collect();
    let (_, body) =
        app.call("/api/activation", &[("code", &typo), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
    let error = body["field_errors"].as_array().unwrap().iter().find(|e| e[0] == "code").unwrap()[1]
        .as_str()
        .unwrap()
        .to_string();
    assert!(error.contains("mal saisi"), "{error}");
    let counted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_limits WHERE key LIKE 'code-account:%'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(counted, 0);
}

#[tokio::test]
async fn wrong_codes_are_limited_per_account_with_a_time_to_retry() {
    let app = TestApp::spawn().await;
    app.verified_patient("limite@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let code = app.record("R1", "Martin", "", "Marie", "1985-03-14").await;
    for i in 0..10u64 {
        let wrong = sesame_app::domain::activation_code::ActivationCode::from_value(1000 + i).grouped();
        let r = app.activate(&[("code", &wrong), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
        assert!(r.text().await.unwrap().contains("ne correspondent à aucun dossier"));
    }
    // Even the right code waits now, and the message says how long.
    let r = app.activate(&[("code", &code), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Trop de codes erronés") && html.contains("Réessayez dans"), "{html}");
    assert_eq!(app.links("linked").await, 0);
    // An hour later it works (signed in again: the session ended after 30 minutes idle).
    app.clock.advance(61 * 60 * 1000);
    assert_eq!(app.sign_in("limite@exemple.fr", PASSWORD).await.status(), 303);
    assert_eq!(
        app.activate(&[("code", &code), ("birth_date", "1985-03-14"), ("relation", "self")]).await.status(),
        303
    );
}

#[tokio::test]
async fn a_code_cannot_be_used_twice_even_concurrently() {
    let app = TestApp::spawn().await;
    let code = app.record("R1", "Martin", "", "Marie", "1985-03-14").await;
    let mut clients = Vec::new();
    for i in 0..4 {
        let email = format!("course{i}@exemple.fr");
        let c = app.new_browser();
        let r = submit_with(
            &c,
            &app.base,
            "/inscription",
            "/api/inscription",
            &[
                ("email", &email),
                ("password", PASSWORD),
                ("last_name", "Martin"),
                ("first_name", "Marie"),
                ("birth_date", "1985-03-14"),
                ("terms", "on"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
        let mail = app.mail_to(&email, "Confirmez").await;
        let token = app.link_in(&mail, "/verifier-email?jeton=").split("jeton=").nth(1).unwrap().to_string();
        submit_with(&c, &app.base, "/verifier-email", "/api/verifier-email", &[("token", &token)]).await;
        let r =
            submit_with(&c, &app.base, "/connexion", "/api/connexion", &[("email", &email), ("password", PASSWORD)])
                .await;
        assert_eq!(r.status(), 303);
        clients.push(c);
    }
    let base = app.base.clone();
    let results = join_all(clients.iter().map(|c| {
        let base = base.clone();
        let code = code.clone();
        async move {
            submit_with(
                c,
                &base,
                "/activation",
                "/api/activation",
                &[("code", &code), ("birth_date", "1985-03-14"), ("relation", "self")],
            )
            .await
            .status()
            .as_u16()
        }
    }))
    .await;
    assert_eq!(results.iter().filter(|s| **s == 303).count(), 1, "{results:?}");
    assert_eq!(app.links("linked").await, 1);
}

#[tokio::test]
async fn only_signed_in_verified_patients_may_link() {
    let app = TestApp::spawn().await;
    let code = app.record("R1", "Martin", "", "Marie", "1985-03-14").await;
    let (status, _) = app.call("/api/activation", &[("code", &code), ("birth_date", "1985-03-14")]).await;
    assert_eq!(status, 401);
    // The page explains that an account is needed, with the ways back here after it.
    let (status, html) = app.page("/activation").await;
    assert_eq!(status, 200);
    assert!(html.contains("/inscription?suite=/activation"), "create an account, then come back");
    assert!(html.contains("/connexion?suite=/activation"), "a way back after signing in");
    assert!(!html.contains("session a expiré"), "nobody's session expired");
}

#[tokio::test]
async fn the_code_field_asks_phones_to_leave_the_code_alone_before_any_script() {
    let app = TestApp::spawn().await;
    app.verified_patient("attrs@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let (status, html) = app.page("/activation").await;
    assert_eq!(status, 200);
    let start = html.find("id=\"code\"").expect("code field");
    let tag_start = html[..start].rfind('<').unwrap();
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>').unwrap()];
    for attr in [
        "autocapitalize=\"characters\"",
        "autocomplete=\"one-time-code\"",
        "autocorrect=\"off\"",
        "spellcheck=\"false\"",
        "inputmode=\"text\"",
    ] {
        assert!(tag.contains(attr), "{attr} missing in {tag}");
    }
}
