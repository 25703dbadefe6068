//! The admin console, the invitation lifecycle, deactivation and the second factor.

use crate::helpers::*;

#[tokio::test]
async fn the_status_of_an_invited_account_through_its_life() {
    let app = TestApp::spawn().await;
    let admin = app.administrator().await;
    let id = app.invite(&admin, "vie@exemple.fr").await;
    assert_eq!(app.status_of("vie@exemple.fr").await, "invitation_sent");
    let mail = app.mail_to("vie@exemple.fr", "invité").await;
    let token = app.token_of(&mail);
    app.submit("/invitation", "/api/invitation", &[("token", &token), ("password", PASSWORD)]).await;
    assert_eq!(app.status_of("vie@exemple.fr").await, "invitation_accepted");
    let person = app.new_browser();
    let r = submit_with(
        &person,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "vie@exemple.fr"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&person.get(app.url("/mon-compte")).send().await.unwrap()), "/bienvenue");
    submit_with(&person, &app.base, "/bienvenue", "/api/bienvenue", &[("terms", "on")]).await;
    assert_eq!(app.status_of("vie@exemple.fr").await, "active");

    // Deactivate (with a reason) then reactivate: back to where it was.
    let (_, body) =
        call_with(&admin, &app.base, "/api/admin-desactiver", &[("user_id", &id.to_string()), ("reason", "")]).await;
    assert!(body["field_errors"][0][0] == "reason");
    call_with(
        &admin,
        &app.base,
        "/api/admin-desactiver",
        &[("user_id", &id.to_string()), ("reason", "Départ du laboratoire")],
    )
    .await;
    assert_eq!(app.status_of("vie@exemple.fr").await, "deactivated");
    call_with(&admin, &app.base, "/api/admin-reactiver", &[("user_id", &id.to_string()), ("reason", "Retour")]).await;
    assert_eq!(app.status_of("vie@exemple.fr").await, "active");
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE subject_type = 'user' AND subject_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    for expected in
        ["invitation.sent", "invitation.accepted", "account.activated", "account.deactivated", "account.reactivated"]
    {
        assert!(actions.contains(&expected.to_string()), "{expected} missing from {actions:?}");
    }
    // Reactivation restores the previous status, whatever it was.
    let other = app.invite(&admin, "pas-encore@exemple.fr").await;
    call_with(&admin, &app.base, "/api/admin-desactiver", &[("user_id", &other.to_string()), ("reason", "Erreur")])
        .await;
    call_with(
        &admin,
        &app.base,
        "/api/admin-reactiver",
        &[("user_id", &other.to_string()), ("reason", "Erreur corrigée")],
    )
    .await;
    assert_eq!(app.status_of("pas-encore@exemple.fr").await, "invitation_sent");
}

#[tokio::test]
async fn deactivation_ends_open_sessions_and_blocks_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.administrator().await;
    app.account("sortant@labo.test", UserKind::Professional, "Sortant", "Pro").await;
    let person = app.browser_as("sortant@labo.test").await;
    assert_eq!(person.get(app.url("/mon-compte")).send().await.unwrap().status(), 200);
    let id = app.user_id("sortant@labo.test").await;
    let html = admin.get(app.url(&format!("/admin/utilisateurs/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Sessions ouvertes : 1"), "{html}");
    call_with(
        &admin,
        &app.base,
        "/api/admin-desactiver",
        &[("user_id", &id.to_string()), ("reason", "Compte compromis")],
    )
    .await;
    assert_eq!(person.get(app.url("/mon-compte")).send().await.unwrap().status(), 401);
    let r = submit_with(
        &app.new_browser(),
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "sortant@labo.test"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("ne permet pas de se connecter"));
    // Support cannot deactivate itself.
    let (status, _) = call_with(
        &admin,
        &app.base,
        "/api/admin-desactiver",
        &[("user_id", &admin.id.to_string()), ("reason", "test")],
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_second_factor_at_sign_in_rate_limited_with_single_use_recovery_codes() {
    let app = TestApp::spawn().await;
    let id = app.account("deuxfa@labo.test", UserKind::Professional, "Deux", "Facteurs").await;
    app.enrol(id).await;
    // Recovery codes, as enrolment would create them.
    let code = sesame_app::domain::activation_code::ActivationCode::from_value(987_654_321);
    let hash = app.state().keyed_hash("recovery-code", code.as_canonical());
    sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
        .bind(id)
        .bind(hash)
        .execute(app.db.pool())
        .await
        .unwrap();

    let c = app.new_browser();
    let r = submit_with(
        &c,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "deuxfa@labo.test"), ("password", PASSWORD)],
    )
    .await;
    assert!(location(&r).starts_with("/connexion/code"));
    // The password alone opens nothing.
    assert_eq!(c.get(app.url("/mon-compte")).send().await.unwrap().status(), 401);
    // Wrong codes are limited.
    for _ in 0..5 {
        let (_, body) = call_with(&c, &app.base, "/api/connexion-code", &[("code", "123456")]).await;
        assert!(body["field_errors"][0][1].as_str().unwrap().contains("n'est pas valable"));
    }
    let r = c
        .post(app.url("/api/connexion-code"))
        .header("accept", "application/json")
        .form(&[("code", app.totp_now().as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait >= 60, "the lock lasts minutes, the client is told so: {wait}");
    app.clock.advance(16 * 60 * 1000);
    // The pending sign-in lasted 10 minutes: start again, then a recovery code works, once.
    assert_eq!(call_with(&c, &app.base, "/api/connexion-code", &[("code", "123456")]).await.0, 401);
    let r = submit_with(
        &c,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "deuxfa@labo.test"), ("password", PASSWORD)],
    )
    .await;
    assert!(location(&r).starts_with("/connexion/code"));
    let r = submit_with(
        &c,
        &app.base,
        "/connexion/code",
        "/api/connexion-code",
        &[("code", &code.grouped().to_lowercase())],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(c.get(app.url("/mon-compte")).send().await.unwrap().status(), 200);
    let c2 = app.new_browser();
    submit_with(
        &c2,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "deuxfa@labo.test"), ("password", PASSWORD)],
    )
    .await;
    let (_, body) = call_with(&c2, &app.base, "/api/connexion-code", &[("code", &code.grouped())]).await;
    assert!(body["field_errors"].as_array().is_some_and(|e| !e.is_empty()), "a recovery code works once");
    // A TOTP code works, but not twice.
    let now_code = app.totp_now();
    let r = submit_with(&c2, &app.base, "/connexion/code", "/api/connexion-code", &[("code", &now_code)]).await;
    assert_eq!(r.status(), 303);
    let c3 = app.new_browser();
    submit_with(
        &c3,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "deuxfa@labo.test"), ("password", PASSWORD)],
    )
    .await;
    let (_, body) = call_with(&c3, &app.base, "/api/connexion-code", &[("code", &now_code)]).await;
    assert!(body["field_errors"].as_array().is_some_and(|e| !e.is_empty()), "a code works once");

    // Support resets it: an e-mail, sessions ended, sign-in without code next time.
    let admin = app.administrator().await;
    let (_, body) = call_with(&admin, &app.base, "/api/admin-second-facteur", &[("user_id", &id.to_string())]).await;
    assert!(body["notice"][1].as_str().unwrap().contains("réinitialisé"));
    assert_eq!(c.get(app.url("/mon-compte")).send().await.unwrap().status(), 401);
    app.mail_to("deuxfa@labo.test", "réinitialisé").await;
    let r = submit_with(
        &app.new_browser(),
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "deuxfa@labo.test"), ("password", PASSWORD)],
    )
    .await;
    // A professional without the app passes the code e-mailed at sign-in instead.
    assert!(location(&r).starts_with("/connexion/code"), "{}", location(&r));
    let _ = TOTP_SECRET;
}

#[tokio::test]
async fn only_support_with_a_second_factor_reaches_the_console() {
    let app = TestApp::spawn().await;
    app.account("pro@labo.test", UserKind::Professional, "Pro", "Fessionnel").await;
    let pro = app.browser_as("pro@labo.test").await;
    let no2fa = app.account("sans2fa@sesame.test", UserKind::Support, "Sans", "Facteur").await;
    sqlx::query("UPDATE users SET totp_enabled_at = NULL, totp_secret = NULL WHERE id = $1")
        .bind(no2fa)
        .execute(app.db.pool())
        .await
        .unwrap();
    let support_without = app.browser_as("sans2fa@sesame.test").await;
    let calls: &[(&str, Vec<(&str, &str)>)] = &[
        (
            "/api/admin-creer",
            vec![("email", "x@y.fr"), ("last_name", "X"), ("first_name", "Y"), ("kind", "professional")],
        ),
        ("/api/admin-renvoyer-invitation", vec![("user_id", "1")]),
        ("/api/admin-desactiver", vec![("user_id", "1"), ("reason", "r")]),
        ("/api/admin-reactiver", vec![("user_id", "1"), ("reason", "r")]),
        ("/api/admin-identite", vec![("user_id", "1"), ("last_name", "A"), ("first_name", "B")]),
        ("/api/admin-email", vec![("user_id", "1"), ("new_email", "n@y.fr")]),
        ("/api/admin-second-facteur", vec![("user_id", "1")]),
    ];
    for (path, fields) in calls {
        assert_eq!(app.call(path, fields).await.0, 401, "anonymous {path}");
        assert_eq!(call_with(&pro, &app.base, path, fields).await.0, 403, "professional {path}");
        assert_eq!(call_with(&support_without, &app.base, path, fields).await.0, 403, "support without 2FA {path}");
    }
    assert_eq!(pro.get(app.url("/admin/utilisateurs")).send().await.unwrap().status(), 403);
    assert_eq!(support_without.get(app.url("/admin/utilisateurs")).send().await.unwrap().status(), 403);
    // A support agent who is not an administrator cannot create support accounts.
    let agent = app.support_agent().await;
    let (_, body) = call_with(
        &agent,
        &app.base,
        "/api/admin-creer",
        &[("email", "z@y.fr"), ("last_name", "Z"), ("first_name", "Y"), ("kind", "support")],
    )
    .await;
    assert!(body["field_errors"].as_array().unwrap().iter().any(|e| e[0] == "kind"));
}

#[tokio::test]
async fn identity_edits_are_audited_and_address_changes_are_confirmed() {
    let app = TestApp::spawn().await;
    let admin = app.administrator().await;
    let id = app.account("ancien@labo.test", UserKind::Professional, "Paul", "Durand").await;
    let (_, body) = call_with(
        &admin,
        &app.base,
        "/api/admin-identite",
        &[
            ("user_id", &id.to_string()),
            ("last_name", "Durand-Martin"),
            ("first_name", "Paul"),
            ("job_title", "Biologiste adjoint"),
        ],
    )
    .await;
    assert!(body["notice"][1].as_str().unwrap().contains("mise à jour"));
    let details: String = sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'account.identity_changed'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(details.contains("\"before\"") && details.contains("Durand-Martin"));
    let (_, body) = call_with(
        &admin,
        &app.base,
        "/api/admin-email",
        &[("user_id", &id.to_string()), ("new_email", "nouveau@labo.test")],
    )
    .await;
    assert!(body["notice"][1].as_str().unwrap().contains("lien de confirmation"));
    assert_eq!(app.user_id("ancien@labo.test").await, id, "unchanged until confirmed");
    let mail = app.mail_to("nouveau@labo.test", "nouvelle adresse").await;
    let token = app.link_in(&mail, "/confirmer-email?jeton=").split("jeton=").nth(1).unwrap().to_string();
    let r = app.submit("/confirmer-email", "/api/confirmer-email", &[("token", &token)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.user_id("nouveau@labo.test").await, id);
    // The list finds the new name without its accent-sensitive spelling.
    let html = admin.get(app.url("/admin/utilisateurs?q=durand-mar")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Durand-Martin Paul"), "{html}");
}

#[tokio::test]
async fn the_list_searches_filters_pages_and_marks_administrators() {
    let app = TestApp::spawn().await;
    let admin = app.administrator().await;
    for i in 0..60 {
        app.account(&format!("patient{i:02}@exemple.fr"), UserKind::Patient, &format!("Prénom{i:02}"), "Lefèvre").await;
    }
    app.account("helene@labo.test", UserKind::Professional, "Hélène", "Éluard").await;
    let get = |q: &str| {
        let admin = admin.clone();
        let url = app.url(&format!("/admin/utilisateurs{q}"));
        async move { admin.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(app.db.pool()).await.unwrap();
    assert!(get("").await.contains(&format!("{total} compte(s)")));
    let html = get("?q=lefevre").await;
    assert!(html.contains("60 compte(s)") && html.contains("Page 1 sur 2"));
    assert!(html.contains("rel=\"next\""));
    let page2 = get("?q=lefevre&page=2").await;
    assert_eq!(page2.matches("@exemple.fr</td>").count(), 10, "50 on page 1, 10 on page 2");
    assert!(get("?q=eluard").await.contains("Éluard Hélène"), "accents folded");
    assert!(get("?q=HELENE@labo").await.contains("Éluard Hélène"), "e-mail prefix");
    let active_pros = get("?statut=active&type=professional").await;
    assert!(active_pros.contains("1 compte(s)"));
    let admins = get("?role=admin").await;
    assert!(admins.contains("1 compte(s)") && admins.contains("tag-admin"));
}
