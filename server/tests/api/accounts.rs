//! Sign-up, verification, sign-in, sign-out, reset: every rule, on both paths (plain form
//! posts, and server-function calls as hydrated islands make them).

use crate::helpers::*;
use futures::future::join_all;

#[tokio::test]
async fn a_patient_signs_up_verifies_and_signs_in() {
    let app = TestApp::spawn().await;
    let r = app.sign_up("Camille.Bernard@Exemple.fr", "Bernard", "Camille", "1992-01-20").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/inscription/envoyee");

    // Before verification, sign-in explains and offers a new link.
    let r = app.sign_in("camille.bernard@exemple.fr", PASSWORD).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(Page::parse(&html).reads("Confirmez d'abord votre adresse e-mail"), "{html}");
    assert!(html.contains("/inscription/envoyee"));

    let mail = app.mail_to("Camille.Bernard@Exemple.fr", "Confirmez votre adresse").await;
    let link = app.link_in(&mail, "/verifier-email?jeton=");
    // Opening the link changes nothing (a GET); it shows a confirmation button.
    let path = link.trim_start_matches(&app.base).to_string();
    let (status, html) = app.page(&path).await;
    assert_eq!(status, 200);
    assert!(html.contains("Confirmer mon adresse e-mail"));
    let token = link.split("jeton=").nth(1).unwrap();
    let r = app.submit(&path, "/api/verifier-email", &[("token", token)]).await;
    assert_eq!(location(&r), "/connexion?verifie=1");
    // Single use.
    let r = app.submit(&path, "/api/verifier-email", &[("token", token)]).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("déjà servi"));

    let r = app.sign_in("CAMILLE.bernard@exemple.FR", PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/mon-compte");
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.starts_with("sesame_session="));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"));
    let (status, html) = app.page("/mon-compte").await;
    assert_eq!(status, 200);
    assert!(html.contains("Bonjour Camille"));
    assert!(html.contains("Mes profils"));
}

#[tokio::test]
async fn verification_links_expire_after_a_day() {
    let app = TestApp::spawn().await;
    app.sign_up("jour@exemple.fr", "Dupont", "Jean", "1970-05-05").await;
    let mail = app.mail_to("jour@exemple.fr", "Confirmez").await;
    let token = app.link_in(&mail, "/verifier-email?jeton=").split("jeton=").nth(1).unwrap().to_string();
    app.clock.advance_days(1);
    app.clock.advance(1000);
    let r = app.submit("/verifier-email", "/api/verifier-email", &[("token", &token)]).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("a expiré"), "{html}");
    // The way forward: a new link.
    let r = app.submit("/inscription/envoyee", "/api/renvoyer-verification", &[("email", "jour@exemple.fr")]).await;
    assert_eq!(r.status(), 200);
    let again = app
        .smtp
        .wait_for(std::time::Duration::from_secs(10), |m| {
            m.is_to("jour@exemple.fr") && m.subject.contains("Confirmez") && !m.text.contains(&token)
        })
        .await;
    assert!(again.is_some(), "a new link arrives");
}

#[tokio::test]
async fn the_form_shows_errors_next_to_fields_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let r = app
        .submit(
            "/inscription",
            "/api/inscription",
            &[
                ("email", "pas-une-adresse"),
                ("password", "court"),
                ("last_name", "Le Gall"),
                ("first_name", ""),
                ("birth_date", "31/02/1990"),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 200, "re-rendered, not redirected");
    let html = r.text().await.unwrap();
    assert!(html.contains("Certaines informations sont à corriger"));
    assert!(html.contains("contient un « @ »"), "email error");
    assert!(html.contains("Au moins 8 caractères"), "password error");
    assert!(html.contains("Indiquez votre prénom."), "first name error");
    assert!(Page::parse(&html).reads("Ce jour n'existe pas."), "date error");
    assert!(html.contains("acceptez les conditions"), "terms error");
    assert!(html.contains("value=\"Le Gall\""), "typed values are kept");
    assert!(html.contains("value=\"pas-une-adresse\""));
    assert!(!html.contains("value=\"court\""), "passwords are never sent back");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn islands_get_the_same_outcome_as_json() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .call(
            "/api/inscription",
            &[
                ("email", "x@y"),
                ("password", "Password1!"),
                ("last_name", "A"),
                ("first_name", "B"),
                ("birth_date", "1990-01-01"),
                ("terms", "on"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    let errors = body["field_errors"].as_array().unwrap();
    let fields: Vec<&str> = errors.iter().map(|e| e[0].as_str().unwrap()).collect();
    assert!(fields.contains(&"email"));
    assert!(fields.contains(&"password"), "Password1! is a common password: {body}");
}

#[tokio::test]
async fn common_passwords_are_refused() {
    let app = TestApp::spawn().await;
    for pw in ["azerty123", "Motdepasse1!", "P@ssw0rd2024!", "Soleil2024!"] {
        let (_, body) = app
            .call(
                "/api/inscription",
                &[
                    ("email", "a@exemple.fr"),
                    ("password", pw),
                    ("last_name", "A"),
                    ("first_name", "B"),
                    ("birth_date", "1990-01-01"),
                    ("terms", "on"),
                ],
            )
            .await;
        let has = body["field_errors"].as_array().unwrap().iter().any(|e| e[0] == "password");
        assert!(has, "{pw} accepted");
    }
}

#[tokio::test]
async fn one_account_per_address_whatever_the_case_even_concurrently() {
    let app = TestApp::spawn().await;
    let variants = [
        "double@exemple.fr",
        "Double@Exemple.fr",
        "DOUBLE@EXEMPLE.FR",
        "double@EXEMPLE.fr",
        "DouBle@exemple.fr",
        "double@exemple.FR",
    ];
    let results = join_all(variants.iter().map(|e| {
        let client = app.new_browser();
        let base = app.base.clone();
        async move {
            submit_with(
                &client,
                &base,
                "/inscription",
                "/api/inscription",
                &[
                    ("email", e),
                    ("password", PASSWORD),
                    ("last_name", "Double"),
                    ("first_name", "Jean"),
                    ("birth_date", "1980-01-01"),
                    ("terms", "on"),
                ],
            )
            .await
        }
    }))
    .await;
    for r in &results {
        assert_eq!(r.status(), 303, "every attempt gets the same answer");
        assert_eq!(location(r), "/inscription/envoyee");
    }
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email_key = 'double@exemple.fr'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(users, 1);
    // The others told the owner, not the visitor.
    let told = app.smtp.wait_for(std::time::Duration::from_secs(10), |m| m.subject.contains("déjà un compte")).await;
    assert!(told.is_some());
}

#[tokio::test]
async fn sign_up_answers_the_same_for_a_taken_address() {
    let app = TestApp::spawn().await;
    let first = app.sign_up("pris@exemple.fr", "Pris", "Paul", "1980-01-01").await;
    let second = app.sign_up("pris@exemple.fr", "Autre", "Anne", "1981-01-01").await;
    assert_eq!(first.status(), second.status());
    assert_eq!(location(&first), location(&second));
    assert_eq!(first.text().await.unwrap(), second.text().await.unwrap());
}

#[tokio::test]
async fn the_honeypot_creates_nothing_and_looks_the_same() {
    let app = TestApp::spawn().await;
    let r = app
        .submit(
            "/inscription",
            "/api/inscription",
            &[
                ("email", "robot@exemple.fr"),
                ("password", PASSWORD),
                ("last_name", "Robot"),
                ("first_name", "Rob"),
                ("birth_date", "1990-01-01"),
                ("terms", "on"),
                ("website", "http://spam.example"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/inscription/envoyee");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn sign_in_failures_do_not_reveal_whether_an_account_exists() {
    let app = TestApp::spawn().await;
    app.verified_patient("existe@exemple.fr", "Existe", "Eve", "1980-02-02").await;
    let a = app.new_browser();
    let b = app.new_browser();
    let wrong = submit_with(
        &a,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "existe@exemple.fr"), ("password", "Mauvais-mot-2!")],
    )
    .await;
    let unknown = submit_with(
        &b,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "absent@exemple.fr"), ("password", "Mauvais-mot-2!")],
    )
    .await;
    assert_eq!(wrong.status(), unknown.status());
    let wrong_html = wrong.text().await.unwrap().replace("existe@exemple.fr", "X");
    let unknown_html = unknown.text().await.unwrap().replace("absent@exemple.fr", "X");
    let strip = without_nonce;
    assert_eq!(strip(&wrong_html), strip(&unknown_html));
    assert!(wrong_html.contains("Adresse e-mail ou mot de passe incorrect."));

    // Through the server function too.
    let (s1, j1) = call_with(
        &app.new_browser(),
        &app.base,
        "/api/connexion",
        &[("email", "existe@exemple.fr"), ("password", "Faux-mot-3!")],
    )
    .await;
    let (s2, j2) = call_with(
        &app.new_browser(),
        &app.base,
        "/api/connexion",
        &[("email", "absent2@exemple.fr"), ("password", "Faux-mot-3!")],
    )
    .await;
    assert_eq!((s1, &j1), (s2, &j2));
}

#[tokio::test]
async fn reset_answers_the_same_whether_or_not_the_account_exists() {
    let app = TestApp::spawn().await;
    app.verified_patient("reset@exemple.fr", "Reset", "Rose", "1980-02-02").await;
    let known = app.submit("/mot-de-passe-oublie", "/api/mot-de-passe-oublie", &[("email", "reset@exemple.fr")]).await;
    let unknown =
        app.submit("/mot-de-passe-oublie", "/api/mot-de-passe-oublie", &[("email", "personne@exemple.fr")]).await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(location(&known), location(&unknown));
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
}

#[tokio::test]
async fn delays_grow_then_the_account_locks_until_a_reset() {
    let app = TestApp::spawn().await;
    app.verified_patient("verrou@exemple.fr", "Verrou", "Victor", "1980-02-02").await;
    let attacker = app.new_browser();
    for i in 0..10 {
        // Wait out the progressive delay with the clock, as a patient attacker would.
        app.clock.advance(61_000);
        let r = submit_with(
            &attacker,
            &app.base,
            "/connexion",
            "/api/connexion",
            &[("email", "verrou@exemple.fr"), ("password", "Mauvais-mot-2!")],
        )
        .await;
        assert_eq!(r.status(), 200, "attempt {i}");
    }
    // Right password, but locked.
    app.clock.advance(61_000);
    let r = app.sign_in("verrou@exemple.fr", PASSWORD).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("bloquée"));

    // A reset lifts the lock.
    app.submit("/mot-de-passe-oublie", "/api/mot-de-passe-oublie", &[("email", "verrou@exemple.fr")]).await;
    let mail = app.mail_to("verrou@exemple.fr", "nouveau mot de passe").await;
    let token = app.link_in(&mail, "/nouveau-mot-de-passe?jeton=").split("jeton=").nth(1).unwrap().to_string();
    let r = app
        .submit(
            "/nouveau-mot-de-passe",
            "/api/nouveau-mot-de-passe",
            &[("token", &token), ("password", "Nouveau-Mot-2026!")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let other = app.new_browser();
    let r = submit_with(
        &other,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "verrou@exemple.fr"), ("password", "Nouveau-Mot-2026!")],
    )
    .await;
    assert_eq!(r.status(), 303, "unlocked");
}

#[tokio::test]
async fn quick_retries_are_asked_to_wait() {
    let app = TestApp::spawn().await;
    let c = app.new_browser();
    for _ in 0..3 {
        submit_with(
            &c,
            &app.base,
            "/connexion",
            "/api/connexion",
            &[("email", "vite@exemple.fr"), ("password", "Mauvais-mot-2!")],
        )
        .await;
    }
    let r = submit_with(
        &c,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "vite@exemple.fr"), ("password", "Mauvais-mot-2!")],
    )
    .await;
    assert!(r.text().await.unwrap().contains("patientez"));
}

#[tokio::test]
async fn a_reset_link_works_once_and_signs_out_other_sessions() {
    let app = TestApp::spawn().await;
    app.verified_patient("unefois@exemple.fr", "Une", "Fois", "1980-02-02").await;
    // The first browser (app.client) is signed in.
    assert_eq!(app.page("/mon-compte").await.0, 200);

    let other = app.new_browser();
    submit_with(
        &other,
        &app.base,
        "/mot-de-passe-oublie",
        "/api/mot-de-passe-oublie",
        &[("email", "unefois@exemple.fr")],
    )
    .await;
    let mail = app.mail_to("unefois@exemple.fr", "nouveau mot de passe").await;
    let token = app.link_in(&mail, "/nouveau-mot-de-passe?jeton=").split("jeton=").nth(1).unwrap().to_string();

    // A weak password is refused and the link still works.
    let r = submit_with(
        &other,
        &app.base,
        "/nouveau-mot-de-passe",
        "/api/nouveau-mot-de-passe",
        &[("token", &token), ("password", "azerty")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = submit_with(
        &other,
        &app.base,
        "/nouveau-mot-de-passe",
        "/api/nouveau-mot-de-passe",
        &[("token", &token), ("password", "Nouveau-Mot-2026!")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/mon-compte?mot-de-passe=1");
    // The resetting browser is signed in, the other session is gone.
    let r = other.get(app.url("/mon-compte")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (status, _) = app.page("/mon-compte").await;
    assert_eq!(status, 401, "the other session was revoked");
    // Reuse refused.
    let r = submit_with(
        &app.new_browser(),
        &app.base,
        "/nouveau-mot-de-passe",
        "/api/nouveau-mot-de-passe",
        &[("token", &token), ("password", "Encore-Un-2026!")],
    )
    .await;
    assert!(r.text().await.unwrap().contains("déjà servi"));
    let changed = app.mail_to("unefois@exemple.fr", "a été modifié").await;
    assert!(changed.text.contains("sessions"));
}

#[tokio::test]
async fn reset_links_expire_after_an_hour() {
    let app = TestApp::spawn().await;
    app.verified_patient("heure@exemple.fr", "Heure", "Hugo", "1980-02-02").await;
    app.submit("/mot-de-passe-oublie", "/api/mot-de-passe-oublie", &[("email", "heure@exemple.fr")]).await;
    let mail = app.mail_to("heure@exemple.fr", "nouveau mot de passe").await;
    let token = app.link_in(&mail, "/nouveau-mot-de-passe?jeton=").split("jeton=").nth(1).unwrap().to_string();
    app.clock.advance(61 * 60 * 1000);
    let (_, html) = app.page(&format!("/nouveau-mot-de-passe?jeton={token}")).await;
    assert!(html.contains("a expiré"));
    assert!(html.contains("/mot-de-passe-oublie"), "offers a new link");
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = TestApp::spawn().await;
    app.verified_patient("sortie@exemple.fr", "Sortie", "Sam", "1980-02-02").await;
    assert_eq!(app.page("/mon-compte").await.0, 200);
    let (status, html) = app.page("/deconnexion").await;
    assert_eq!(status, 200);
    assert!(html.contains("Se déconnecter"));
    let r = app.submit("/deconnexion", "/api/deconnexion", &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.page("/mon-compte").await.0, 401);
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(sessions, 0);
}

/// An app whose password hasher runs one hash at a time, with at most `queue` callers
/// waiting, each for at most 10 ms.
async fn app_with_one_hasher(queue: usize) -> TestApp {
    use sesame_app::platform::passwords::PasswordHasher;
    TestApp::spawn_with(TestOptions {
        hasher: Some(std::sync::Arc::new(PasswordHasher::new(1, queue, std::time::Duration::from_millis(10)))),
        ..TestOptions::default()
    })
    .await
}

/// `n` sign-ins at once, unknown addresses, each from a fresh browser: status and
/// `Retry-After` of each answer.
async fn sign_in_rush(app: &TestApp, n: usize) -> Vec<(u16, Option<String>)> {
    let calls = (0..n).map(|i| {
        let client = app.new_browser();
        let base = app.base.clone();
        async move {
            let r = client
                .post(format!("{base}/api/connexion"))
                .header("accept", "application/json")
                .form(&[("email", format!("inconnu{i}@exemple.fr").as_str()), ("password", "Quelconque-1!")])
                .send()
                .await
                .unwrap();
            let retry = r.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
            (r.status().as_u16(), retry)
        }
    });
    join_all(calls).await
}

#[tokio::test]
async fn overload_answers_503_quickly() {
    // One hash at a time and one waiting: a burst must be refused, not piled up.
    let app = app_with_one_hasher(1).await;
    let results = sign_in_rush(&app, 8).await;
    // Refusals tell clients when to come back; answers do not.
    for (status, retry) in &results {
        assert_eq!(retry.is_some(), *status == 503, "{status} {retry:?}");
    }
    let overloaded = results.iter().filter(|(s, _)| *s == 503).count();
    let answered = results.iter().filter(|(s, _)| *s == 200).count();
    assert!(overloaded >= 1, "{:?}", results.iter().map(|r| r.0).collect::<Vec<_>>());
    assert!(answered >= 1, "the service still answers some: {:?}", results.iter().map(|r| r.0).collect::<Vec<_>>());
    assert_eq!(overloaded + answered, results.len());
}

#[tokio::test]
async fn a_sign_in_refused_for_overload_is_not_counted_as_an_attempt() {
    // A rush is mostly refused, partly by the hasher itself, after the attempt was counted.
    let app = app_with_one_hasher(1).await;
    let statuses: Vec<u16> = sign_in_rush(&app, 24).await.into_iter().map(|(s, _)| s).collect();
    let answered = statuses.iter().filter(|s| **s == 200).count() as i64;
    assert!(statuses.contains(&503) && answered > 0, "{statuses:?}");
    // Wrong credentials count against the client; refusals for overload gave no verdict and
    // do not: the client's counter equals the answers it got.
    let counted: i64 = sqlx::query_scalar("SELECT count FROM rate_limits WHERE key LIKE 'login-client:%'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(counted, answered, "{statuses:?}");
    let per_account: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM rate_limits WHERE key LIKE 'login-account:%'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(per_account, answered, "{statuses:?}");
}

#[tokio::test]
async fn a_saturated_hasher_sheds_password_posts_before_reading_them() {
    // No queue at all: the hasher is saturated from the start.
    let app = app_with_one_hasher(0).await;
    // The island's call gets the serialised error it understands, and when to come back.
    let r = app
        .new_browser()
        .post(app.url("/api/connexion"))
        .form(&[("email", "p@exemple.fr"), ("password", "Quelconque-1!")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    assert_eq!(r.headers()["cache-control"], "no-store");
    use sesame_app::error::AppError;
    assert_eq!(serde_json::from_str::<AppError>(&r.text().await.unwrap()).unwrap(), AppError::Overloaded);
    // A form posted before WebAssembly gets a small page in both languages.
    let r = app
        .new_browser()
        .post(app.url("/inscription"))
        .form(&[("_fn", "/api/inscription"), ("email", "p@exemple.fr")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let html = r.text().await.unwrap();
    assert!(html.contains("Trop de connexions en ce moment") && html.contains("Too many sign-ins"));
    // Decided before the body is read: a body over the 1 MB limit is not even looked at
    // (413 otherwise), and nothing reached the database (no attempt counted).
    let r = app
        .new_browser()
        .post(app.url("/api/connexion"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let counted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_limits").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(counted, 0);
    // Pages still render, and posts that hash nothing go through.
    assert_eq!(app.page("/connexion").await.0, 200);
    let r = app.submit("/mot-de-passe-oublie", "/api/mot-de-passe-oublie", &[("email", "p@exemple.fr")]).await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn too_many_sign_ups_from_one_client_are_refused_with_a_time_to_come_back() {
    let app = TestApp::spawn().await;
    for i in 0..10 {
        let r = app.sign_up(&format!("serie{i}@exemple.fr"), "Serie", "Sam", "1980-02-02").await;
        assert_eq!(r.status(), 303, "sign-up {i}");
    }
    // The eleventh, posted without JavaScript, gets the page back with the reason, and the
    // status and header that tell the client when to try again.
    let r = app.sign_up("serie10@exemple.fr", "Serie", "Sam", "1980-02-02").await;
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    let html = r.text().await.unwrap();
    assert!(html.contains("serie10@exemple.fr"), "what was typed is kept");
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(accounts, 10);
}
