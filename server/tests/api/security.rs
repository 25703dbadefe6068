//! Security rules (OWASP ASVS 5.0 level 2, NIST SP 800-63B AAL2), each named after the rule
//! it keeps: no form tells whether an address has an account, nobody but the owner can lock
//! an account, limits count first, the client address is the one the proxy appended,
//! approvers and support never act on themselves or above their role, redirects stay on
//! the site, sessions and second factors follow AAL2, replaced codes stay dead.

use crate::helpers::*;
use futures::future::join_all;

async fn post_access_request(client: &reqwest::Client, app: &TestApp, email: &str) -> reqwest::Response {
    let fields = request("biologist", "86BV01", email);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    submit_with(client, &app.base, "/demande-acces", "/api/demande-acces", &refs).await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.db.pool()).await.unwrap()
}

#[tokio::test]
async fn an_access_request_answers_the_same_whether_or_not_the_address_has_an_account() {
    let app = TestApp::spawn().await;
    app.structures().await;
    app.verified_patient("marie@exemple.fr", "Martin", "Marie", "1985-03-14").await;

    let taken = post_access_request(&app.new_browser(), &app, "Marie@Exemple.fr").await;
    let free = post_access_request(&app.new_browser(), &app, "libre@labo.test").await;
    assert_eq!(taken.status(), 303);
    assert_eq!((taken.status(), location(&taken)), (free.status(), location(&free)));
    // Through the server function as well.
    let fields = request("biologist", "86BV01", "marie@exemple.fr");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (s1, b1) = call_with(&app.new_browser(), &app.base, "/api/demande-acces", &refs).await;
    let fields = request("biologist", "86BV01", "autre@labo.test");
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (s2, b2) = call_with(&app.new_browser(), &app.base, "/api/demande-acces", &refs).await;
    assert_eq!((s1, b1), (s2, b2));

    // The owner of the address is told instead, and no request is stored for it.
    let mail = app.mail_to("marie@exemple.fr", "Une demande d'accès a été faite avec votre adresse").await;
    assert!(mail.text.contains("/connexion"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM access_requests WHERE email_key = 'marie@exemple.fr'").await, 0);
    // A second request for an address with one in progress: same answer, its owner told.
    let again = post_access_request(&app.new_browser(), &app, "LIBRE@labo.test").await;
    assert_eq!(location(&again), location(&free));
    app.mail_to("LIBRE@labo.test", "déjà en cours").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM access_requests WHERE email_key = 'libre@labo.test'").await, 1);
}

#[tokio::test]
async fn every_access_request_attempt_counts_against_the_client_limit() {
    let app = TestApp::spawn().await;
    app.structures().await;
    app.verified_patient("compte@exemple.fr", "Compte", "Colette", "1985-03-14").await;
    // Ten attempts with an address that has an account: each counts, though none is stored.
    for _ in 0..10 {
        assert_eq!(post_access_request(&app.new_browser(), &app, "compte@exemple.fr").await.status(), 303);
    }
    let r = post_access_request(&app.new_browser(), &app, "nouvelle@labo.test").await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn a_stranger_cannot_lock_someone_elses_account() {
    let app = TestApp::spawn_with(TestOptions { behind_proxy: true, ..TestOptions::default() }).await;
    app.verified_patient("cible@exemple.fr", "Cible", "Claire", "1980-02-02").await;
    let attacker = app.browser_from("203.0.113.9", None);
    for i in 0..10 {
        app.clock.advance(61_000);
        let r = submit_with(
            &attacker,
            &app.base,
            "/connexion",
            "/api/connexion",
            &[("email", "cible@exemple.fr"), ("password", "Mauvais-mot-2!")],
        )
        .await;
        assert_eq!(r.status(), 200, "attempt {i}");
    }
    // The attacker's client is locked out of this account, even with the right password...
    app.clock.advance(61_000);
    let r = submit_with(
        &attacker,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "cible@exemple.fr"), ("password", PASSWORD)],
    )
    .await;
    assert!(r.text().await.unwrap().contains("bloquée depuis cet appareil"));
    // ...but the owner, from their own device, signs in at once.
    let owner = app.browser_from("198.51.100.7", None);
    let r = submit_with(
        &owner,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "cible@exemple.fr"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/mon-compte");
}

/// The count of the sign-in counters whose key starts with `prefix` (0 when none).
async fn sign_in_counted(app: &TestApp, prefix: &str) -> i64 {
    sqlx::query_scalar("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM rate_limits WHERE key LIKE $1")
        .bind(format!("{prefix}%"))
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn fifty_wrong_passwords_from_one_client_and_it_must_come_back_later() {
    let app = TestApp::spawn_with(TestOptions { behind_proxy: true, ..TestOptions::default() }).await;
    app.verified_patient("patiente@exemple.fr", "Patiente", "Paula", "1980-02-02").await;
    let robot = app.browser_from("203.0.113.60", None);
    // Fifty wrong passwords over fifty addresses: each is answered (no delay per account).
    for i in 0..50 {
        let r = app.sign_in_from(&robot, &format!("essai{i}@exemple.fr"), "Mauvais-mot-2!").await;
        assert_eq!(r.status(), 200, "attempt {i}");
    }
    assert_eq!(sign_in_counted(&app, "login-client:").await, 50);
    assert_eq!(sign_in_counted(&app, "login-account:").await, 50);
    // The 51st is refused with a time to come back, even with the right password, and
    // counts against nothing but the client.
    let r = app.sign_in_from(&robot, "patiente@exemple.fr", PASSWORD).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(sign_in_counted(&app, "login-client:").await, 51);
    assert_eq!(sign_in_counted(&app, "login-account:").await, 50, "the refused attempt is not the account's");
    assert_eq!(sign_in_counted(&app, "login:").await, 50, "nor the account's from this client");
    // Another client is not concerned; and once the window is over, this one signs in.
    let owner = app.browser_from("198.51.100.60", None);
    assert_eq!(app.sign_in_from(&owner, "patiente@exemple.fr", PASSWORD).await.status(), 303);
    app.clock.advance(15 * 60_000 + 1_000);
    assert_eq!(app.sign_in_from(&robot, "patiente@exemple.fr", PASSWORD).await.status(), 303);
    // A right password takes back the client's count and forgets the account's failures.
    assert_eq!(sign_in_counted(&app, "login-client:").await, 0);
}

#[tokio::test]
async fn a_sign_in_that_must_wait_counts_against_nothing() {
    let app = TestApp::spawn().await;
    app.verified_patient("attente@exemple.fr", "Attente", "Anna", "1980-02-02").await;
    let c = app.new_browser();
    let attempt = |password: &'static str| {
        let (app, c) = (&app, &c);
        async move {
            let r = app.sign_in_from(c, "attente@exemple.fr", password).await;
            (r.status(), r.text().await.unwrap())
        }
    };
    for _ in 0..3 {
        assert!(attempt("Mauvais-mot-2!").await.1.contains("Adresse e-mail ou mot de passe incorrect."));
    }
    // The third failure asks this client to wait; attempts meanwhile, right password or
    // not, are answered "wait" and counted nowhere.
    for password in ["Mauvais-mot-2!", PASSWORD] {
        assert!(attempt(password).await.1.contains("patientez"));
    }
    assert_eq!(sign_in_counted(&app, "login-client:").await, 3);
    assert_eq!(sign_in_counted(&app, "login-account:").await, 3);
    assert_eq!(sign_in_counted(&app, "login:").await, 3);
    // After the wait, the right password signs in and the failures are forgotten.
    app.clock.advance(61_000);
    assert_eq!(attempt(PASSWORD).await.0, 303);
    assert_eq!(sign_in_counted(&app, "login:").await, 0);
    assert_eq!(sign_in_counted(&app, "login-account:").await, 0);
    assert_eq!(sign_in_counted(&app, "login-client:").await, 3, "the client's failures stay in its window");
}

#[tokio::test]
async fn after_a_hundred_failures_the_password_alone_no_longer_signs_in() {
    let app = TestApp::spawn_with(TestOptions { behind_proxy: true, ..TestOptions::default() }).await;
    app.verified_patient("assiege@exemple.fr", "Assiégé", "Albert", "1980-02-02").await;
    // 100 failures spread over ten clients, ten each (each client then locks itself out).
    for client in 0..10 {
        let c = app.browser_from(&format!("203.0.113.{}", 10 + client), None);
        for _ in 0..10 {
            app.clock.advance(61_000);
            submit_with(
                &c,
                &app.base,
                "/connexion",
                "/api/connexion",
                &[("email", "assiege@exemple.fr"), ("password", "Mauvais-mot-2!")],
            )
            .await;
        }
    }
    let owner = app.browser_from("198.51.100.8", None);
    let seen = app.sign_in_codes_sent("assiege@exemple.fr");
    let r = submit_with(
        &owner,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "assiege@exemple.fr"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/connexion/code"), "{}", location(&r));
    assert_eq!(owner.get(app.url("/mon-compte")).send().await.unwrap().status(), 401);
    let code = app.sign_in_code("assiege@exemple.fr", seen).await;
    let r = submit_with(&owner, &app.base, "/connexion/code", "/api/connexion-code", &[("code", &code)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(owner.get(app.url("/mon-compte")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn the_client_address_is_the_one_the_trusted_proxy_appended() {
    let app = TestApp::spawn_with(TestOptions { behind_proxy: true, ..TestOptions::default() }).await;
    let sign_up = |c: reqwest::Client, n: usize| {
        let base = app.base.clone();
        async move {
            let email = format!("robot{n}@exemple.fr");
            submit_with(
                &c,
                &base,
                "/inscription",
                "/api/inscription",
                &[
                    ("email", email.as_str()),
                    ("password", PASSWORD),
                    ("last_name", "Robot"),
                    ("first_name", "Rémi"),
                    ("birth_date", "1990-01-01"),
                    ("terms", "on"),
                ],
            )
            .await
            .status()
        }
    };
    // Ten sign-ups from one real address, each claiming another one in front: all count
    // against the real address.
    for n in 0..10 {
        let claimed = format!("192.0.2.{n}");
        assert_eq!(sign_up(app.browser_from("203.0.113.50", Some(&claimed)), n).await, 303);
    }
    assert_eq!(sign_up(app.browser_from("203.0.113.50", Some("192.0.2.99")), 10).await, 429);
    // Another real address is not affected.
    assert_eq!(sign_up(app.browser_from("203.0.113.51", None), 11).await, 303);
    // IPv6 clients are one client per /64.
    for n in 0..10 {
        let address = format!("2001:db8:7:7::{:x}", n + 1);
        assert_eq!(sign_up(app.browser_from(&address, None), 20 + n).await, 303);
    }
    assert_eq!(sign_up(app.browser_from("2001:db8:7:7:ffff::1", None), 40).await, 429);
    assert_eq!(sign_up(app.browser_from("2001:db8:7:8::1", None), 41).await, 303);
}

#[tokio::test]
async fn second_factor_codes_are_counted_before_they_are_checked() {
    let app = TestApp::spawn().await;
    let id = app.account("course@labo.test", UserKind::Support, "Course", "Code").await;
    app.enrol(id).await;
    let c = app.new_browser();
    let r = submit_with(
        &c,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "course@labo.test"), ("password", PASSWORD)],
    )
    .await;
    assert!(location(&r).starts_with("/connexion/code"));
    let attempts = (0..40).map(|_| {
        let c = c.clone();
        let base = app.base.clone();
        async move { call_with(&c, &base, "/api/connexion-code", &[("code", "000000")]).await.0 }
    });
    let statuses = join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s == 200).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(checked <= 5, "{checked} wrong codes were checked: {statuses:?}");
    assert_eq!(checked + refused, 40, "{statuses:?}");
}

#[tokio::test]
async fn twenty_wrong_second_factor_codes_in_a_row_block_it_until_a_reset() {
    let app = TestApp::spawn().await;
    let id = app.account("bloque@labo.test", UserKind::Support, "Bloqué", "Blaise").await;
    app.enrol(id).await;
    let c = app.new_browser();
    submit_with(
        &c,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "bloque@labo.test"), ("password", PASSWORD)],
    )
    .await;
    for round in 0..4 {
        for _ in 0..5 {
            let (status, _) = call_with(&c, &app.base, "/api/connexion-code", &[("code", "000000")]).await;
            assert_eq!(status, 200, "round {round}");
        }
        // The short window passes; the pending sign-in is renewed.
        app.clock.advance(16 * 60 * 1000);
        submit_with(
            &c,
            &app.base,
            "/connexion",
            "/api/connexion",
            &[("email", "bloque@labo.test"), ("password", PASSWORD)],
        )
        .await;
    }
    // The right code no longer opens anything.
    let (_, body) = call_with(&c, &app.base, "/api/connexion-code", &[("code", &app.totp_now())]).await;
    assert!(body["notice"][1].as_str().unwrap().contains("bloqué"), "{body}");
    // Support's reset lifts it (the owner enrols again at their next visit).
    app.account("admin2@sesame.test", UserKind::Support, "Ada", "Admin").await;
    sqlx::query("UPDATE users SET is_admin = 1 WHERE email_key = 'admin2@sesame.test'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let admin = app.browser_as("admin2@sesame.test").await;
    let (status, body) =
        call_with(&admin, &app.base, "/api/admin-second-facteur", &[("user_id", &id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    let r = submit_with(
        &c,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "bloque@labo.test"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/support/demandes", "no second factor left: straight in, to enrol it");
}

#[tokio::test]
async fn activation_attempts_are_counted_before_they_are_checked() {
    let app = TestApp::spawn().await;
    app.verified_patient("presse@exemple.fr", "Pressé", "Paul", "1980-02-02").await;
    app.record("R1", "Pressé", "", "Paul", "1980-02-02").await;
    let attempts = (0..30).map(|i| {
        let c = app.client.clone();
        let base = app.base.clone();
        async move {
            // Valid-looking codes that exist nowhere.
            let code = sesame_app::domain::activation_code::ActivationCode::from_value(1_000_000 + i).grouped();
            call_with(&c, &base, "/api/activation", &[("code", &code), ("birth_date", "1980-02-02")]).await.1
        }
    });
    let answers = join_all(attempts).await;
    let checked = answers.iter().filter(|b| b.to_string().contains("ne correspondent à aucun dossier")).count();
    assert!(checked <= 10, "{checked} codes were checked");
    assert!(answers.iter().filter(|b| b.to_string().contains("Trop de codes erronés")).count() >= 20);
}

#[tokio::test]
async fn wrong_codes_everywhere_slow_answers_down_but_never_refuse_a_patient() {
    let app = TestApp::spawn().await;
    app.verified_patient("patiente@exemple.fr", "Patiente", "Paule", "1980-02-02").await;
    let code = app.record("R2", "Patiente", "", "Paule", "1980-02-02").await;
    // An attack spread over many clients has pushed the service-wide counter over its limit.
    sqlx::query("INSERT INTO rate_limits (key, window_start, count, last_at, blocked_until) VALUES ('code-global', $1, 100000, $1, 0)")
        .bind(app.state().now())
        .execute(app.db.pool())
        .await
        .unwrap();
    let unknown = sesame_app::domain::activation_code::ActivationCode::from_value(42).grouped();
    let r = app.activate(&[("code", &unknown), ("birth_date", "1980-02-02"), ("relation", "self")]).await;
    assert!(r.text().await.unwrap().contains("ne correspondent à aucun dossier"), "a wrong code is still answered");
    let r = app.activate(&[("code", &code), ("birth_date", "1980-02-02"), ("relation", "self")]).await;
    assert_eq!(r.status(), 303, "a patient with the right code links it");
    assert_eq!(app.links("linked").await, 1);
}

#[tokio::test]
async fn an_approver_never_acts_on_themselves_or_on_inactive_collaborators() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    // A collaborator of 86BV01 whom support made an approver.
    let delegate = app.account("delegue@labo.test", UserKind::Professional, "Denis", "Délégué").await;
    let other = app.account("autre@labo.test", UserKind::Professional, "Odile", "Autre").await;
    for user in [delegate, other] {
        sqlx::query(
            "INSERT INTO professional_access (user_id, structure_id, profile, results, invoices, all_sites, updated_at) \
             SELECT $1, id, 'collaborator', 0, 0, 1, $2 FROM structures WHERE correspondent_code = '86BV01'",
        )
        .bind(user)
        .bind(app.state().now())
        .execute(app.db.pool())
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO approver_delegations (structure_id, user_id, granted_at) SELECT id, $1, $2 FROM structures WHERE correspondent_code = '86BV01'",
    )
    .bind(delegate)
    .bind(app.state().now())
    .execute(app.db.pool())
    .await
    .unwrap();
    let _ = seeded;
    let c = app.browser_as("delegue@labo.test").await;
    let change = |user: i64| {
        let c = c.clone();
        let base = app.base.clone();
        async move {
            call_with(
                &c,
                &base,
                "/api/droits-collaborateur",
                &[("user_id", &user.to_string()), ("results", "on"), ("invoices", "on"), ("sites_mode", "all")],
            )
            .await
            .0
        }
    };
    assert_eq!(change(delegate).await, 403, "not on oneself");
    let rights: i64 = sqlx::query_scalar("SELECT results FROM professional_access WHERE user_id = $1")
        .bind(delegate)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(rights, 0);
    assert_eq!(change(other).await, 200, "on an active collaborator of the structure");
    sqlx::query("UPDATE users SET status = 'deactivated' WHERE id = $1")
        .bind(other)
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(change(other).await, 403, "not on a deactivated account");
}

#[tokio::test]
async fn support_agents_act_on_support_and_administrators_only_as_administrators() {
    let app = TestApp::spawn().await;
    let colleague = app.account("collegue@sesame.test", UserKind::Support, "Colin", "Collègue").await;
    let pro = app.account("pro@labo.test", UserKind::Professional, "Pia", "Pro").await;
    let agent = app.support_agent().await;
    let me = agent.id;
    for (path, extra) in [
        ("/api/admin-email", vec![("new_email", "vol@pirate.test")]),
        ("/api/admin-second-facteur", vec![]),
        ("/api/admin-desactiver", vec![("reason", "essai")]),
        ("/api/admin-identite", vec![("last_name", "Pirate"), ("first_name", "Paul")]),
    ] {
        for target in [colleague, me] {
            let id = target.to_string();
            let mut fields = vec![("user_id", id.as_str())];
            fields.extend(extra.iter().copied());
            let (status, body) = call_with(&agent, &app.base, path, &fields).await;
            assert_eq!(status, 403, "{path} on {target}: {body}");
        }
    }
    // A professional's account is within an agent's reach.
    let (status, body) = call_with(
        &agent,
        &app.base,
        "/api/admin-identite",
        &[("user_id", &pro.to_string()), ("last_name", "Pro"), ("first_name", "Pia")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn an_address_change_tells_the_old_address_ends_sessions_and_shows_on_my_account() {
    let app = TestApp::spawn().await;
    let pro = app.account("ancienne@labo.test", UserKind::Professional, "Anne", "Ancienne").await;
    let holder = app.browser_as("ancienne@labo.test").await;
    let agent = app.support_agent().await;
    let (status, body) = call_with(
        &agent,
        &app.base,
        "/api/admin-email",
        &[("user_id", &pro.to_string()), ("new_email", "nouvelle@labo.test")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // The current address hears of it at once.
    let notice = app.mail_to("ancienne@labo.test", "Changement d'adresse e-mail demandé").await;
    assert!(!notice.text.contains("nouvelle@labo.test"), "the new address is masked");
    // The holder sees support's action on their account page.
    let html = holder.get(app.url("/mon-compte")).send().await.unwrap().text().await.unwrap();
    assert!(Page::parse(&html).reads("Changement d'adresse e-mail demandé"), "{html}");
    // Confirming from the new address ends every session and tells the old address.
    let mail = app.mail_to("nouvelle@labo.test", "Confirmez votre nouvelle adresse").await;
    let token = app.link_in(&mail, "/confirmer-email?jeton=").split("jeton=").nth(1).unwrap().to_string();
    let r = app.submit("/confirmer-email", "/api/confirmer-email", &[("token", &token)]).await;
    assert_eq!(r.status(), 303);
    app.mail_to("ancienne@labo.test", "L'adresse e-mail de votre compte a changé").await;
    assert_eq!(holder.get(app.url("/mon-compte")).send().await.unwrap().status(), 401, "signed out");
}

#[tokio::test]
async fn after_sign_in_only_a_path_of_this_site_is_followed() {
    let app = TestApp::spawn().await;
    app.verified_patient("suite@exemple.fr", "Suite", "Sam", "1980-02-02").await;
    for (next, expected) in [
        ("/activation", "/activation"),
        ("/\t/evil.example", "/mon-compte"),
        ("//evil.example", "/mon-compte"),
        ("/\\evil.example", "/mon-compte"),
        ("https://evil.example/", "/mon-compte"),
        ("/.//evil.example", "/mon-compte"),
        ("/x\u{7}y", "/x%07y"),
        ("\u{1}/x", "/mon-compte"),
    ] {
        let c = app.new_browser();
        let r = submit_with(
            &c,
            &app.base,
            "/connexion",
            "/api/connexion",
            &[("email", "suite@exemple.fr"), ("password", PASSWORD), ("next", next)],
        )
        .await;
        assert_eq!(r.status(), 303, "{next:?}");
        assert_eq!(location(&r), expected, "{next:?}");
    }
}

#[tokio::test]
async fn sessions_end_after_thirty_minutes_idle_or_twelve_hours() {
    let app = TestApp::spawn().await;
    let patient = app.patient().await;
    assert_eq!(patient.get(app.url("/mon-compte")).send().await.unwrap().status(), 200);
    app.clock.advance(29 * 60 * 1000);
    assert_eq!(app.page("/mon-compte").await.0, 200, "active within 30 minutes");
    app.clock.advance(31 * 60 * 1000);
    assert_eq!(app.page("/mon-compte").await.0, 401, "30 minutes idle");
    // Always active, still ended after 12 hours.
    let c = app.new_browser();
    submit_with(
        &c,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", patient.email.as_str()), ("password", PASSWORD)],
    )
    .await;
    let mut minutes = 0;
    loop {
        app.clock.advance(25 * 60 * 1000);
        minutes += 25;
        let status = c.get(app.url("/mon-compte")).send().await.unwrap().status().as_u16();
        if status == 401 || minutes > 13 * 60 {
            break;
        }
    }
    assert!((12 * 60..12 * 60 + 25).contains(&minutes), "ended after {minutes} minutes of activity");
}

#[tokio::test]
async fn a_patient_may_stay_signed_in_for_thirty_days_on_their_device() {
    let app = TestApp::spawn().await;
    app.verified_patient("reste@exemple.fr", "Reste", "Rémi", "1980-02-02").await;
    let c = app.new_browser();
    let r = submit_with(
        &c,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "reste@exemple.fr"), ("password", PASSWORD), ("remember", "on")],
    )
    .await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("Max-Age=2592000"), "{cookie}");
    app.clock.advance(3 * 24 * 3600 * 1000);
    assert_eq!(c.get(app.url("/mon-compte")).send().await.unwrap().status(), 200, "three days later");
    app.clock.advance(28 * 24 * 3600 * 1000);
    assert_eq!(c.get(app.url("/mon-compte")).send().await.unwrap().status(), 401, "after 30 days");
    // A professional who ticks it gets an ordinary session.
    let pro = app.account("pro@labo.test", UserKind::Professional, "Pia", "Pro").await;
    let _ = pro;
    let c = app.new_browser();
    let seen = app.sign_in_codes_sent("pro@labo.test");
    submit_with(
        &c,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "pro@labo.test"), ("password", PASSWORD), ("remember", "on")],
    )
    .await;
    let code = app.sign_in_code("pro@labo.test", seen).await;
    let r = submit_with(&c, &app.base, "/connexion/code", "/api/connexion-code", &[("code", &code)]).await;
    assert!(!r.headers()["set-cookie"].to_str().unwrap().contains("Max-Age"));
}

#[tokio::test]
async fn professionals_pass_a_second_factor_e_mailed_at_sign_in() {
    let app = TestApp::spawn().await;
    app.account("bio@labo.test", UserKind::Professional, "Béa", "Bio").await;
    let c = app.new_browser();
    let seen = app.sign_in_codes_sent("bio@labo.test");
    let r = submit_with(
        &c,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "bio@labo.test"), ("password", PASSWORD)],
    )
    .await;
    assert!(location(&r).starts_with("/connexion/code"));
    // Nothing opens on the password alone.
    assert_eq!(c.get(app.url("/mon-compte")).send().await.unwrap().status(), 401);
    let first = app.sign_in_code("bio@labo.test", seen).await;
    let (_, html) = {
        let r = c.get(app.url("/connexion/code")).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    };
    assert!(html.contains("Renvoyer le code"), "{html}");
    // "Renvoyer le code": a new one, the first dies.
    let (status, body) = call_with(&c, &app.base, "/api/connexion-code-email", &[]).await;
    assert_eq!(status, 200, "{body}");
    let second = app.sign_in_code("bio@labo.test", seen + 1).await;
    let (_, body) = call_with(&c, &app.base, "/api/connexion-code", &[("code", &first)]).await;
    assert!(body["field_errors"].as_array().is_some_and(|e| !e.is_empty()), "the first code died: {body}");
    let r = submit_with(&c, &app.base, "/connexion/code", "/api/connexion-code", &[("code", &second)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(c.get(app.url("/mon-compte")).send().await.unwrap().status(), 200);
    // Single use.
    let c2 = app.new_browser();
    submit_with(&c2, &app.base, "/connexion", "/api/connexion", &[("email", "bio@labo.test"), ("password", PASSWORD)])
        .await;
    let (_, body) = call_with(&c2, &app.base, "/api/connexion-code", &[("code", &second)]).await;
    assert!(body["field_errors"].as_array().is_some_and(|e| !e.is_empty()), "a code works once: {body}");
    // Expired after 10 minutes.
    let seen = app.sign_in_codes_sent("bio@labo.test");
    let c3 = app.new_browser();
    submit_with(&c3, &app.base, "/connexion", "/api/connexion", &[("email", "bio@labo.test"), ("password", PASSWORD)])
        .await;
    let late = app.sign_in_code("bio@labo.test", seen).await;
    app.clock.advance(9 * 60 * 1000);
    let (_, body) = call_with(&c3, &app.base, "/api/connexion-code", &[("code", "999999")]).await;
    assert!(body["field_errors"].as_array().is_some());
    app.clock.advance(2 * 60 * 1000);
    assert_eq!(
        call_with(&c3, &app.base, "/api/connexion-code", &[("code", &late)]).await.0,
        401,
        "the pending sign-in ended"
    );
}

#[tokio::test]
async fn support_never_gets_an_e_mailed_code() {
    let app = TestApp::spawn().await;
    let id = app.account("agent@sesame.test", UserKind::Support, "Agent", "Appli").await;
    app.enrol(id).await;
    let c = app.new_browser();
    submit_with(
        &c,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "agent@sesame.test"), ("password", PASSWORD)],
    )
    .await;
    let html = c.get(app.url("/connexion/code")).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("code par e-mail"), "{html}");
    assert_eq!(call_with(&c, &app.base, "/api/connexion-code-email", &[]).await.0, 403);
    assert_eq!(app.sign_in_codes_sent("agent@sesame.test"), 0);
}

#[tokio::test]
async fn a_person_lists_and_ends_their_own_sessions() {
    let app = TestApp::spawn().await;
    app.verified_patient("liste@exemple.fr", "Liste", "Léon", "1980-02-02").await;
    let phone = app.new_browser();
    phone
        .post(app.url("/connexion"))
        .header("user-agent", "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36")
        .form(&[("_fn", "/api/connexion"), ("email", "liste@exemple.fr"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(phone.get(app.url("/mon-compte")).send().await.unwrap().status(), 200);
    let html = app.get("/mon-compte/securite").await.text().await.unwrap();
    assert!(html.contains("Chrome · Android"), "{html}");
    assert!(html.contains("cette session"));
    let handle = Page::parse(&html).attr("input[name=handle]", "value").unwrap();
    assert_ne!(handle, "all");
    // Someone else's handle ends nothing.
    let stranger = app.new_browser();
    verified_patient_with(&app, &stranger, "autre@exemple.fr").await;
    let (_, body) = call_with(&stranger, &app.base, "/api/sessions-fermer", &[("handle", &handle)]).await;
    assert!(body["notice"][1].as_str().unwrap().contains("Aucune session"), "{body}");
    assert_eq!(phone.get(app.url("/mon-compte")).send().await.unwrap().status(), 200);
    let (status, body) = app.call("/api/sessions-fermer", &[("handle", &handle)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(phone.get(app.url("/mon-compte")).send().await.unwrap().status(), 401);
    assert_eq!(app.page("/mon-compte").await.0, 200, "this session stays");
}

async fn verified_patient_with(app: &TestApp, client: &reqwest::Client, email: &str) {
    app.sign_up(email, "Autre", "Alix", "1980-02-02").await;
    let mail = app.mail_to(email, "Confirmez").await;
    let token = app.link_in(&mail, "/verifier-email?jeton=").split("jeton=").nth(1).unwrap().to_string();
    submit_with(client, &app.base, "/verifier-email", "/api/verifier-email", &[("token", &token)]).await;
    submit_with(client, &app.base, "/connexion", "/api/connexion", &[("email", email), ("password", PASSWORD)]).await;
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    app.verified_patient("change@exemple.fr", "Change", "Chloé", "1980-02-02").await;
    let other = app.new_browser();
    submit_with(
        &other,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "change@exemple.fr"), ("password", PASSWORD)],
    )
    .await;
    let r = app
        .submit(
            "/mon-compte/mot-de-passe",
            "/api/mot-de-passe-changer",
            &[("current_password", "Pas-le-bon-1!"), ("password", "Nouveau-Secret-2026!")],
        )
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("pas le bon"), "{html}");
    assert!(!html.contains("Pas-le-bon-1!"), "passwords are never echoed");
    let (status, body) = app
        .call("/api/mot-de-passe-changer", &[("current_password", PASSWORD), ("password", "Nouveau-Secret-2026!")])
        .await;
    assert_eq!(status, 200, "{body}");
    app.mail_to("change@exemple.fr", "mot de passe a été modifié").await;
    assert_eq!(other.get(app.url("/mon-compte")).send().await.unwrap().status(), 401);
    assert_eq!(app.page("/mon-compte").await.0, 200);
    assert_eq!(app.sign_in("change@exemple.fr", "Nouveau-Secret-2026!").await.status(), 303);
}

#[tokio::test]
async fn turning_the_second_factor_on_or_off_ends_other_sessions_and_tells_the_owner() {
    let app = TestApp::spawn().await;
    app.verified_patient("tfa@exemple.fr", "Deux", "Facteurs", "1980-02-02").await;
    let other = app.new_browser();
    submit_with(
        &other,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "tfa@exemple.fr"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(app.call("/api/deux-facteurs-commencer", &[]).await.0, 200);
    let sealed: String = sqlx::query_scalar("SELECT totp_pending_secret FROM users WHERE email_key = 'tfa@exemple.fr'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let secret = String::from_utf8(app.state().open_secret(&sealed).unwrap()).unwrap();
    let code = sesame_app::platform::totp::code_at(&secret, (app.state().now() / 1000) as u64).unwrap();
    let (status, body) = app.call("/api/deux-facteurs-activer", &[("code", &code)]).await;
    assert_eq!(status, 200, "{body}");
    app.mail_to("tfa@exemple.fr", "Authentification à deux facteurs activée").await;
    assert_eq!(other.get(app.url("/mon-compte")).send().await.unwrap().status(), 401);
    assert_eq!(app.page("/mon-compte").await.0, 200);
    // Off again, with the current password only.
    let (_, body) = app.call("/api/deux-facteurs-desactiver", &[("current_password", "Faux-mot-1!")]).await;
    assert!(body["field_errors"].as_array().is_some_and(|e| !e.is_empty()));
    let (status, body) = app.call("/api/deux-facteurs-desactiver", &[("current_password", PASSWORD)]).await;
    assert_eq!(status, 200, "{body}");
    app.mail_to("tfa@exemple.fr", "Authentification à deux facteurs désactivée").await;
}

#[tokio::test]
async fn a_replaced_activation_code_stays_dead_when_its_review_is_refused() {
    let app = TestApp::spawn().await;
    // A name mismatch sends the link to review...
    app.verified_patient("revue@exemple.fr", "Dupuis", "Hélène", "1950-11-30").await;
    let old = app.record("R3", "Durand", "", "Hélène", "1950-11-30").await;
    app.activate(&[("code", &old), ("birth_date", "1950-11-30"), ("relation", "self")]).await;
    assert_eq!(app.links("lab_review").await, 1);
    let link: i64 = sqlx::query_scalar("SELECT id FROM record_links").fetch_one(app.db.pool()).await.unwrap();
    // ...meanwhile the lab issues a new code for the record...
    sesame_server::cli::dossier::new_code(app.state(), "R3").await.unwrap();
    // ...then support refuses the pending review.
    let agent = app.support_agent().await;
    let (status, body) = call_with(
        &agent,
        &app.base,
        "/api/verification-refuser",
        &[("id", &link.to_string()), ("reason", "Autre patient")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // The replaced code does not come back to life, for anyone.
    let r = app
        .activate(&[
            ("code", &old),
            ("birth_date", "1950-11-30"),
            ("relation", "child"),
            ("patient_last_name", "Durand"),
            ("patient_first_name", "Hélène"),
        ])
        .await;
    assert!(r.text().await.unwrap().contains("ne correspondent à aucun dossier"));
    let live: i64 =
        count(&app, "SELECT COUNT(*) FROM activation_codes WHERE replaced_at IS NULL AND used_at IS NULL").await;
    assert_eq!(live, 1, "only the new code is live");
}

#[tokio::test]
async fn a_pending_verification_never_blocks_an_access_request_or_an_invitation() {
    let app = TestApp::spawn().await;
    app.structures().await;
    // Someone signed up with these addresses and never confirmed them.
    app.sign_up("vrai.pro@labo.test", "Squat", "Sam", "1980-02-02").await;
    app.sign_up("invite@labo.test", "Squat", "Sue", "1980-02-02").await;
    // The real owner asks for professional access: stored, validated, code e-mailed.
    let r = post_access_request(&app.new_browser(), &app, "vrai.pro@labo.test").await;
    assert_eq!(r.status(), 303);
    let request_id: i64 = sqlx::query_scalar("SELECT id FROM access_requests WHERE email_key = 'vrai.pro@labo.test'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    app.account("admin@sesame.test", UserKind::Support, "Ada", "Admin").await;
    sqlx::query("UPDATE users SET is_admin = 1 WHERE email_key = 'admin@sesame.test'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let admin = app.browser_as("admin@sesame.test").await;
    let (status, body) = call_with(&admin, &app.base, "/api/support-valider", &[("id", &request_id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["notice"][1].as_str().unwrap().contains("validée"), "{body}");
    app.mail_to("vrai.pro@labo.test", "code d'accès provisoire").await;
    let kind: String = sqlx::query_scalar("SELECT kind FROM users WHERE email_key = 'vrai.pro@labo.test'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(kind, "professional");
    // An invitation to the other address works too.
    let (status, body) = call_with(
        &admin,
        &app.base,
        "/api/admin-creer",
        &[("email", "invite@labo.test"), ("last_name", "Vrai"), ("first_name", "Vic"), ("kind", "support")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    app.mail_to("invite@labo.test", "invité à rejoindre").await;
}

#[tokio::test]
async fn personal_pages_and_answers_are_never_stored() {
    let app = TestApp::spawn().await;
    let public = app.new_browser().get(app.url("/")).send().await.unwrap();
    assert_eq!(public.headers()["cache-control"], "no-cache");
    app.verified_patient("cache@exemple.fr", "Cache", "Cécile", "1980-02-02").await;
    for path in ["/mon-compte", "/", "/mon-compte/securite"] {
        let r = app.get(path).await;
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
    }
    let r = app
        .client
        .post(app.url("/api/mot-de-passe-changer"))
        .header("accept", "application/json")
        .form(&[("current_password", ""), ("password", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn a_re_rendered_form_never_echoes_a_code() {
    let app = TestApp::spawn().await;
    app.verified_patient("echo@exemple.fr", "Écho", "Émile", "1980-02-02").await;
    let typed = sesame_app::domain::activation_code::ActivationCode::from_value(777_777).grouped();
    let typed = typed.as_str();
    let html = app
        .activate(&[("code", typed), ("birth_date", "2099-01-01"), ("relation", "self")])
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains(typed) && !html.contains(&typed.replace('-', "")), "{html}");
    let html = app
        .submit(
            "/premiere-connexion",
            "/api/premiere-connexion",
            &[("email", "x@labo.test"), ("code", typed), ("password", "")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains(typed));
}

#[tokio::test]
async fn free_text_and_list_actions_are_bounded() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    app.account("admin@sesame.test", UserKind::Support, "Ada", "Admin").await;
    sqlx::query("UPDATE users SET is_admin = 1 WHERE email_key = 'admin@sesame.test'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let admin = app.browser_as("admin@sesame.test").await;
    let long = "a".repeat(101);
    let (_, body) = call_with(
        &admin,
        &app.base,
        "/api/admin-creer",
        &[
            ("email", "long@labo.test"),
            ("last_name", "Long"),
            ("first_name", "Léo"),
            ("kind", "support"),
            ("job_title", &long),
        ],
    )
    .await;
    assert!(body.to_string().contains("Au plus 100 caractères"), "{body}");
    let approver = app.biologist_of("86BV01").await;
    let ids: Vec<String> = (0..101).map(|i| i.to_string()).collect();
    let fields: Vec<(&str, &str)> = ids.iter().map(|i| ("ids[]", i.as_str())).collect();
    let (_, body) = call_with(&approver, &app.base, "/api/approuver-selection", &fields).await;
    assert!(body.to_string().contains("au plus 100"), "{body}");
    let id = app.collaborator_request("longue@labo.test", "86BV01", seeded.approver, &[]).await;
    let reason = "r".repeat(1001);
    let (_, body) =
        call_with(&approver, &app.base, "/api/refuser", &[("id", &id.to_string()), ("reason", &reason)]).await;
    assert!(body["field_errors"].as_array().is_some_and(|e| !e.is_empty()), "{body}");
}

#[tokio::test]
async fn names_that_read_as_links_are_refused() {
    let app = TestApp::spawn().await;
    for name in ["evil.example", "www.evil.com", "http://x.y", "a@b.c"] {
        let (_, body) = app
            .call(
                "/api/inscription",
                &[
                    ("email", "lien@exemple.fr"),
                    ("password", PASSWORD),
                    ("last_name", name),
                    ("first_name", "Léa"),
                    ("birth_date", "1990-01-01"),
                    ("terms", "on"),
                ],
            )
            .await;
        assert!(body.to_string().contains("caractères qu'un nom ne contient pas"), "{name}: {body}");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM users").await, 0);
}

#[tokio::test]
async fn a_rebound_host_name_cannot_change_anything() {
    let app = TestApp::spawn().await;
    let port = app.base.rsplit(':').next().unwrap().to_string();
    let evil = format!("http://evil.example:{port}");
    let r = reqwest::Client::new()
        .post(app.url("/api/inscription"))
        .header("host", format!("evil.example:{port}"))
        .header("origin", &evil)
        .header("sec-fetch-site", "same-origin")
        .form(&[("email", "x@y.fr")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn demo_data_is_refused_in_production() {
    let db = fresh_database().await;
    let config = sesame_server::config::Config::from_layers(|k| match k {
        "SESAME_ENV" => Some("production".into()),
        "SESAME_SECRET_KEY" => Some("0123456789abcdef0123456789abcdef-real-key".into()),
        "SESAME_SMTP_URL" => Some("smtp://127.0.0.1:2".into()),
        "SESAME_PUBLIC_URL" => Some("https://sesame.example.org".into()),
        "SESAME_DATABASE_URL" => Some(db.url.clone()),
        _ => None,
    })
    .unwrap();
    for command in [sesame_server::cli::Command::DemoData, sesame_server::cli::Command::Serve { demo: true }] {
        let e = sesame_server::cli::run(sesame_server::cli::Cli { command: Some(command) }, config.clone())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("SESAME_ENV=production"), "{e}");
    }
}

#[tokio::test]
async fn codes_written_to_disk_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn().await;
    let dir = std::env::temp_dir().join(format!("sesame-private-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("records.csv");
    std::fs::write(
        &file,
        "reference,last_name,birth_name,first_names,birth_date,sex,nir\nR1,Martin,,Marie,1985-03-14,F,\n",
    )
    .unwrap();
    sesame_server::cli::dossier::import(app.state(), &file, None).await.unwrap();
    let mode = std::fs::metadata(dir.join("records.codes.csv")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    std::fs::remove_dir_all(&dir).ok();
}
