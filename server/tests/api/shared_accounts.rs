//! Shared (organisation) accounts: the code e-mailed to their creator, the request through
//! the approver and support, the shared address's link, switching, members, and what is
//! recorded for whom.

use crate::helpers::*;
use base64::Engine;
use serde_json::json;

const CREATOR: &str = "secretaire@labo.test";
const SHARED: &str = "secretariat.biovienne@labo.test";
/// A valid RPPS identifier (Luhn key).
const RPPS: &str = "10003473013";
/// The CHU de Bordeaux's FINESS (a real, valid number).
const FINESS: &str = "330781196";

/// Counts the rows of a query.
async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.db.pool()).await.unwrap()
}

/// The creation code e-mailed to `to` after the first `seen` ones.
async fn creation_code(app: &TestApp, to: &str, seen: usize) -> String {
    let subject = "code pour créer un compte partagé";
    app.eventually("the creation code is e-mailed", || async {
        app.smtp.messages().iter().filter(|m| m.is_to(to) && m.subject.contains(subject)).count() > seen
    })
    .await;
    let mail =
        app.smtp.messages().into_iter().filter(|m| m.is_to(to) && m.subject.contains(subject)).nth(seen).unwrap();
    code_in(&mail.text)
}

/// A complete form, to adjust.
fn form(email: &str) -> Vec<(String, String)> {
    [
        ("email", email),
        ("description", "Secrétariat, Laboratoire BioVienne, Poitiers"),
        ("identifier_kind", "finess"),
        ("identifier", FINESS),
        ("company_name", "Laboratoire BioVienne SAS"),
        ("address", "12 rue de la Cathédrale"),
        ("postcode", "86000"),
        ("departement", ""),
        ("city", "Poitiers"),
        ("service", "Secrétariat"),
        ("phone", "05 49 12 34 56"),
        ("phone2", ""),
        ("last_name", "Dupont"),
        ("first_name", "Claire"),
        ("profession", "medecin"),
        ("rpps", RPPS),
        ("paperless", "on"),
        ("directory", "on"),
        ("correspondent_code", "86BV01"),
        ("results", "on"),
        ("sites_mode", "all"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn refs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Asks for and confirms the creation code in `client`'s session.
async fn confirm_code(app: &TestApp, client: &reqwest::Client, email: &str) {
    let seen = app.smtp.messages().iter().filter(|m| m.is_to(email) && m.subject.contains("compte partagé")).count();
    let r = submit_with(client, &app.base, "/comptes-partages/nouveau", "/api/compte-partage-code", &[]).await;
    assert_eq!(r.status(), 200);
    let code = creation_code(app, email, seen).await;
    let r = submit_with(
        client,
        &app.base,
        "/comptes-partages/nouveau",
        "/api/compte-partage-code-valider",
        &[("code", &code)],
    )
    .await;
    assert_eq!(r.status(), 303, "the right code confirms");
}

/// A professional of 86BV01 (no right of their own) who asks for the shared account, the
/// approver who approves it, the address confirmed, support's validation; returns the
/// creator (signed in) and the shared account's `users` id.
async fn validated_shared_account(app: &TestApp) -> (Actor, i64) {
    let creator_id = app.professional(CREATOR, "86BV01", false, false, None, true).await;
    let creator = Actor { id: creator_id, email: CREATOR.into(), browser: app.browser_as(CREATOR).await };
    confirm_code(app, &creator, CREATOR).await;
    let fields = form(SHARED);
    let r = submit_with(&creator, &app.base, "/comptes-partages/nouveau", "/api/compte-partage", &refs(&fields)).await;
    assert_eq!(r.status(), 303);
    let request: i64 = sqlx::query_scalar("SELECT id FROM access_requests WHERE kind = 'shared'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let jeanne = app.biologist_of("86BV01").await;
    let (status, body) = call_with(
        &jeanne,
        &app.base,
        "/api/approuver",
        &[("id", &request.to_string()), ("results", "on"), ("sites_mode", "all")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let link = app.link_in(&app.mail_to(SHARED, "Confirmez l'adresse").await, "/comptes-partages/confirmer?jeton=");
    let token = link.split("jeton=").nth(1).unwrap().to_string();
    let page = format!("/comptes-partages/confirmer?jeton={token}");
    let r =
        submit_with(&app.new_browser(), &app.base, &page, "/api/compte-partage-confirmer", &[("token", &token)]).await;
    assert!(r.text().await.unwrap().contains("est confirmée"));
    let support = app.support_agent().await;
    let (status, body) = call_with(&support, &app.base, "/api/support-valider", &[("id", &request.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    let account = app.user_id(SHARED).await;
    (creator, account)
}

#[tokio::test]
async fn without_an_individual_professional_account_no_shared_account_can_be_created() {
    let app = TestApp::spawn().await;
    app.structures().await;
    // Signed out: the page says why an individual account is needed, and where to sign in.
    let (status, html) = app.page("/comptes-partages/nouveau").await;
    assert_eq!(status, 200);
    let page = Page::parse(&html);
    assert!(
        page.reads("connectez-vous d'abord avec votre compte professionnel individuel")
            || page.reads("Connectez-vous d'abord")
    );
    assert_eq!(
        page.attr("a[href^='/connexion?suite=']", "href").as_deref(),
        Some("/connexion?suite=/comptes-partages/nouveau")
    );
    let (status, _) = app.call("/api/compte-partage-code", &[]).await;
    assert_eq!(status, 401);
    let (status, _) = app.call("/api/compte-partage", &refs(&form(SHARED))).await;
    assert_eq!(status, 401);
    // A patient, or support, is refused.
    let patient = app.patient().await;
    let (status, _) = call_with(&patient, &app.base, "/api/compte-partage-code", &[]).await;
    assert_eq!(status, 403);
    let support = app.support_agent().await;
    let (status, _) = call_with(&support, &app.base, "/api/compte-partage-code", &[]).await;
    assert_eq!(status, 403);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM one_time_codes WHERE purpose = 'shared_account'").await, 0);
}

#[tokio::test]
async fn the_creation_code_is_single_use_expires_and_is_limited() {
    let app = TestApp::spawn().await;
    app.structures().await;
    app.professional(CREATOR, "86BV01", false, false, None, true).await;
    let c = app.browser_as(CREATOR).await;
    let page = "/comptes-partages/nouveau";
    // Before any code, the page offers to send one and shows no form.
    let html = c.get(app.url(page)).send().await.unwrap().text().await.unwrap();
    assert!(Page::parse(&html).reads("Recevoir le code"));
    assert!(!html.contains("Adresse e-mail du compte partagé"));

    let r = submit_with(&c, &app.base, page, "/api/compte-partage-code", &[]).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Code reçu par e-mail") && html.contains("Renvoyer le code"), "the code is asked for");
    let code = creation_code(&app, CREATOR, 0).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = submit_with(&c, &app.base, page, "/api/compte-partage-code-valider", &[("code", wrong)]).await;
    assert_eq!(r.status(), 200);
    assert!(Page::parse(&r.text().await.unwrap()).reads("Ce code n'est pas valide"));

    // Expired after 10 minutes.
    app.clock.advance(11 * 60 * 1000);
    let r = submit_with(&c, &app.base, page, "/api/compte-partage-code-valider", &[("code", &code)]).await;
    assert_eq!(r.status(), 200, "an expired code is refused");

    // A new code works once.
    submit_with(&c, &app.base, page, "/api/compte-partage-code", &[]).await;
    let code = creation_code(&app, CREATOR, 1).await;
    let r = submit_with(&c, &app.base, page, "/api/compte-partage-code-valider", &[("code", &code)]).await;
    assert_eq!(r.status(), 303);
    let html = c.get(app.url(page)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Adresse e-mail du compte partagé"), "the form shows once confirmed");
    let r = submit_with(&c, &app.base, page, "/api/compte-partage-code-valider", &[("code", &code)]).await;
    assert_eq!(r.status(), 200, "a spent code is refused");

    // Five codes typed in 15 minutes; the sixth is refused before it is checked.
    for _ in 0..4 {
        submit_with(&c, &app.base, page, "/api/compte-partage-code-valider", &[("code", wrong)]).await;
    }
    let (status, _) = call_with(&c, &app.base, "/api/compte-partage-code-valider", &[("code", wrong)]).await;
    assert_eq!(status, 429);
}

#[tokio::test]
async fn the_form_keeps_what_was_typed_and_checks_every_identifier_with_its_key() {
    let app = TestApp::spawn().await;
    app.structures().await;
    app.professional(CREATOR, "86BV01", false, false, None, true).await;
    let c = app.browser_as(CREATOR).await;
    confirm_code(&app, &c, CREATOR).await;
    let mut fields = form(SHARED);
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "identifier" => *v = "330781197".into(),
            "rpps" => *v = "10003473014".into(),
            "postcode" => *v = "8600".into(),
            "correspondent_code" => *v = "33BX04".into(),
            _ => {}
        }
    }
    let r = submit_with(&c, &app.base, "/comptes-partages/nouveau", "/api/compte-partage", &refs(&fields)).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let page = Page::parse(&html);
    assert!(page.reads("Ce numéro FINESS n'est pas valide"), "{}", page.text());
    assert!(page.reads("Cet identifiant RPPS n'est pas valide"));
    assert!(page.reads("Un code postal compte 5 chiffres"));
    assert!(page.reads("Un compte partagé appartient à votre propre structure"));
    assert_eq!(page.attr("#description", "value").as_deref(), Some("Secrétariat, Laboratoire BioVienne, Poitiers"));
    assert_eq!(page.attr("#email", "value").as_deref(), Some(SHARED));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM access_requests").await, 0);

    // Profession "autre": no RPPS needed; the département comes from the postcode (Corsica).
    let mut fields = form(SHARED);
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "profession" => *v = "autre".into(),
            "rpps" => *v = "".into(),
            "postcode" => *v = "20200".into(),
            "identifier_kind" => *v = "siret".into(),
            "identifier" => *v = "356 000 000 49837".into(),
            _ => {}
        }
    }
    let r = submit_with(&c, &app.base, "/comptes-partages/nouveau", "/api/compte-partage", &refs(&fields)).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let (dep, rpps, kind): (String, Option<String>, String) =
        sqlx::query_as("SELECT departement, responsible_rpps, identifier_kind FROM shared_accounts")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((dep.as_str(), rpps, kind.as_str()), ("2B", None, "siret"));
}

#[tokio::test]
async fn a_shared_account_goes_through_its_approver_then_support_and_opens_once_its_address_is_confirmed() {
    let app = TestApp::spawn().await;
    app.structures().await;
    let creator_id = app.professional(CREATOR, "86BV01", false, false, None, true).await;
    let c = app.browser_as(CREATOR).await;
    confirm_code(&app, &c, CREATOR).await;
    let r = submit_with(&c, &app.base, "/comptes-partages/nouveau", "/api/compte-partage", &refs(&form(SHARED))).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/comptes-partages?demande=envoyee");
    // Each code confirms one creation.
    let (status, body) = call_with(&c, &app.base, "/api/compte-partage", &refs(&form("autre.adresse@labo.test"))).await;
    assert_eq!(status, 200);
    assert!(body.to_string().contains("confirmez d'abord votre identité"), "{body}");

    app.mail_to(CREATOR, "demande de compte partagé est enregistrée").await;
    let approver_mail = app.mail_to("jeanne.lefort@labo.test", "attend votre approbation").await;
    assert!(approver_mail.text.contains("compte partagé"));
    let request: i64 = sqlx::query_scalar("SELECT id FROM access_requests WHERE kind = 'shared'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        sqlx::query_scalar::<_, String>("SELECT state FROM access_requests WHERE id = $1")
            .bind(request)
            .fetch_one(app.db.pool())
            .await
            .unwrap(),
        "pending_approver"
    );
    // The creator follows it.
    let html = c.get(app.url("/comptes-partages")).send().await.unwrap().text().await.unwrap();
    assert!(Page::parse(&html).reads("adresse du compte partagé pas encore confirmée"));

    // The approver sees it on the approval page and approves it.
    let jeanne = app.biologist_of("86BV01").await;
    let html = jeanne.get(app.url("/approbation-des-comptes")).send().await.unwrap().text().await.unwrap();
    assert!(Page::parse(&html).reads("Secrétariat, Laboratoire BioVienne, Poitiers"));
    let (status, _) = call_with(
        &jeanne,
        &app.base,
        "/api/approuver",
        &[("id", &request.to_string()), ("results", "on"), ("sites_mode", "all")],
    )
    .await;
    assert_eq!(status, 200);
    app.mail_to(CREATOR, "a été approuvée").await;

    // Support sees it with the kind filter, but cannot validate before the address is confirmed.
    let support = app.support_agent().await;
    let html = support.get(app.url("/support/demandes?type=partage")).send().await.unwrap().text().await.unwrap();
    let page = Page::parse(&html);
    assert!(page.reads("Adresse pas encore confirmée") && page.reads(FINESS) && page.reads(RPPS));
    let html = support.get(app.url("/support/demandes?type=individuel")).send().await.unwrap().text().await.unwrap();
    assert!(!Page::parse(&html).reads("Secrétariat, Laboratoire BioVienne"), "the kind filter");
    let (_, body) = call_with(&support, &app.base, "/api/support-valider", &[("id", &request.to_string())]).await;
    assert!(body.to_string().contains("pas encore confirmée"), "{body}");

    // The shared mailbox's link opens a page; only its button (a POST) confirms.
    let link = app.link_in(&app.mail_to(SHARED, "Confirmez l'adresse").await, "/comptes-partages/confirmer?jeton=");
    let token = link.split("jeton=").nth(1).unwrap().to_string();
    let page = format!("/comptes-partages/confirmer?jeton={token}");
    let reader = app.new_browser();
    reader.get(app.url(&page)).send().await.unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM shared_accounts WHERE email_verified_at IS NOT NULL").await, 0);
    let r = submit_with(&reader, &app.base, &page, "/api/compte-partage-confirmer", &[("token", &token)]).await;
    assert!(r.text().await.unwrap().contains("est confirmée"));
    let r = submit_with(&reader, &app.base, &page, "/api/compte-partage-confirmer", &[("token", &token)]).await;
    assert!(Page::parse(&r.text().await.unwrap()).reads("déjà servi"), "the link works once");

    let (status, body) = call_with(&support, &app.base, "/api/support-valider", &[("id", &request.to_string())]).await;
    assert_eq!(status, 200);
    assert!(body.to_string().contains("est créé"), "{body}");
    app.mail_to(CREATOR, "Votre compte partagé est créé").await;
    app.mail_to(SHARED, "compte partagé Sésame est ouvert").await;
    let account = app.user_id(SHARED).await;
    let (kind, status, hash): (String, String, Option<String>) =
        sqlx::query_as("SELECT kind, status, password_hash FROM users WHERE id = $1")
            .bind(account)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((kind.as_str(), status.as_str(), hash), ("shared", "active", None));
    let role: String = sqlx::query_scalar("SELECT role FROM shared_members WHERE user_id = $1")
        .bind(creator_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(role, "responsible");
    let state: String = sqlx::query_scalar("SELECT state FROM access_requests WHERE id = $1")
        .bind(request)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(state, "active");

    // The lab system reads the structure's preference: paperless now.
    let (token, _) = sesame_app::lab::store::create(&app.db, "SIL", app.state().now()).await.unwrap();
    let prefs: serde_json::Value = reqwest::Client::new()
        .get(app.url("/api/lab/v1/structures/86BV01"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(prefs["paperless"], json!(true));
    // And signed-in professionals find it in the directory.
    let html = jeanne.get(app.url("/annuaire?q=poitiers")).send().await.unwrap().text().await.unwrap();
    assert!(Page::parse(&html).reads(SHARED));
    assert_eq!(app.get("/annuaire").await.status(), 401);
}

#[tokio::test]
async fn an_address_that_has_an_account_gets_the_same_answer_and_its_owner_is_told() {
    let app = TestApp::spawn().await;
    app.structures().await;
    app.professional(CREATOR, "86BV01", false, false, None, true).await;
    app.account("deja.inscrite@labo.test", UserKind::Professional, "Déjà", "Inscrite").await;
    let c = app.browser_as(CREATOR).await;
    confirm_code(&app, &c, CREATOR).await;
    let r = submit_with(
        &c,
        &app.base,
        "/comptes-partages/nouveau",
        "/api/compte-partage",
        &refs(&form("deja.inscrite@labo.test")),
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/comptes-partages?demande=envoyee", "the same answer");
    app.mail_to("deja.inscrite@labo.test", "proposée pour un compte partagé").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM access_requests").await, 0);
}

#[tokio::test]
async fn members_switch_only_to_their_shared_accounts_and_what_they_do_is_recorded_for_both() {
    let app = TestApp::spawn().await;
    let seeded = app.structures().await;
    let (creator, account) = validated_shared_account(&app).await;
    let shared_id: i64 = sqlx::query_scalar("SELECT id FROM shared_accounts").fetch_one(app.db.pool()).await.unwrap();

    // Adding a member: the same answer for an address without account; the colleague is told.
    let colleague_id = app.professional("collegue@labo.test", "86BV01", false, false, None, true).await;
    let manage = format!("/comptes-partages/{shared_id}");
    let (_, unknown) = call_with(
        &creator,
        &app.base,
        "/api/compte-partage-inviter",
        &[("shared_id", &shared_id.to_string()), ("email", "personne@labo.test")],
    )
    .await;
    let (status, known) = call_with(
        &creator,
        &app.base,
        "/api/compte-partage-inviter",
        &[("shared_id", &shared_id.to_string()), ("email", "collegue@labo.test")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        unknown["notice"][1].as_str().unwrap().replace("personne@labo.test", "X"),
        known["notice"][1].as_str().unwrap().replace("collegue@labo.test", "X"),
        "the answer reveals nothing"
    );
    app.mail_to("collegue@labo.test", "Invitation à un compte partagé").await;

    // The colleague accepts from their own account, then switches.
    let colleague = app.browser_as("collegue@labo.test").await;
    let invitation: i64 =
        sqlx::query_scalar("SELECT id FROM shared_invitations WHERE email_key = 'collegue@labo.test'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let html = colleague.get(app.url("/comptes-partages")).send().await.unwrap().text().await.unwrap();
    assert!(Page::parse(&html).reads("Accepter l'invitation"));
    // Nobody else answers it.
    let outsider = app.browser_as(&creator.email).await;
    let (status, _) = call_with(
        &outsider,
        &app.base,
        "/api/compte-partage-invitation",
        &[("invitation_id", &invitation.to_string()), ("answer", "accept")],
    )
    .await;
    assert_eq!(status, 403);
    let r = submit_with(
        &colleague,
        &app.base,
        "/comptes-partages",
        "/api/compte-partage-invitation",
        &[("invitation_id", &invitation.to_string()), ("answer", "accept")],
    )
    .await;
    assert!(Page::parse(&r.text().await.unwrap()).reads("Vous êtes membre du compte partagé"));

    // The header offers the switch; a forged id is refused.
    let html = colleague.get(app.url("/mon-compte")).send().await.unwrap().text().await.unwrap();
    let page = Page::parse(&html);
    assert!(page.reads("Changer de compte") && page.reads(SHARED));
    let (status, _) =
        call_with(&colleague, &app.base, "/api/changer-de-compte", &[("account", &seeded.approver.to_string())]).await;
    assert_eq!(status, 403, "another account than a shared one of theirs");
    let stranger_id = app.professional("etranger@labo.test", "86BV01", true, true, None, true).await;
    let stranger = app.browser_as("etranger@labo.test").await;
    let (status, _) =
        call_with(&stranger, &app.base, "/api/changer-de-compte", &[("account", &account.to_string())]).await;
    assert_eq!(status, 403, "a non-member");
    let _ = stranger_id;
    let r = submit_with(
        &colleague,
        &app.base,
        "/mon-compte",
        "/api/changer-de-compte",
        &[("account", &account.to_string())],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/resultats", "the shared account holds the Results right");

    // While switched: the header says so; the shared account's rights apply.
    let html = colleague.get(app.url("/resultats")).send().await.unwrap().text().await.unwrap();
    let page = Page::parse(&html);
    assert!(page.reads("Vous agissez pour le compte partagé « Secrétariat, Laboratoire BioVienne, Poitiers »"));
    assert!(page.reads("Revenir à mon compte"));
    // One's own powers are not the shared account's: no approving, no member management.
    let (status, _) = call_with(
        &colleague,
        &app.base,
        "/api/compte-partage-inviter",
        &[("shared_id", &shared_id.to_string()), ("email", "x@labo.test")],
    )
    .await;
    assert_eq!(status, 403);

    // A document opened while switched: recorded as this member, for the shared account.
    let (token, _) = sesame_app::lab::store::create(&app.db, "SIL", app.state().now()).await.unwrap();
    let lab = reqwest::Client::new();
    lab.put(app.url("/api/lab/v1/patients/P-1"))
        .bearer_auth(&token)
        .json(&json!({ "last_name": "Martin", "first_names": "Marie", "birth_date": "1985-03-14", "sex": "F" }))
        .send()
        .await
        .unwrap();
    let r = lab
        .put(app.url("/api/lab/v1/reports/CR-9"))
        .bearer_auth(&token)
        .json(&json!({ "patient": "P-1", "prescriber": { "correspondent_code": "86BV01", "site_id": seeded.open_sites[0] },
                       "sampled_on": "2026-01-10", "status": "complete", "title": "Bilan",
                       "pdf_base64": base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.7 x") }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let report = sesame_app::reports::store::find_report(&app.db, "CR-9").await.unwrap().unwrap().id;
    let r = colleague.get(app.url(&format!("/resultats/{report}/pdf"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (user_id, member): (i64, Option<i64>) =
        sqlx::query_as("SELECT user_id, member_user_id FROM document_accesses").fetch_one(app.db.pool()).await.unwrap();
    assert_eq!((user_id, member), (account, Some(colleague_id)));
    let (actor, acting): (i64, Option<i64>) =
        sqlx::query_as("SELECT actor_user_id, acting_for FROM audit_log WHERE action = 'shared.switched'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((actor, acting), (colleague_id, Some(account)));
    // A NIR search while switched is audited as the member's, for the shared account.
    call_with(
        &colleague,
        &app.base,
        "/api/resultats-recherche",
        &[("nir", "1 84 12 76 451 089 46"), ("last_name", "Martin"), ("first_name", "Marie")],
    )
    .await;
    let (actor, acting): (i64, Option<i64>) =
        sqlx::query_as("SELECT actor_user_id, acting_for FROM audit_log WHERE action = 'results.patient_search'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((actor, acting), (colleague_id, Some(account)));

    // Removed by the responsible: the member's very next request is their own again.
    let (status, _) = call_with(
        &creator,
        &app.base,
        "/api/compte-partage-retirer",
        &[("shared_id", &shared_id.to_string()), ("user_id", &colleague_id.to_string())],
    )
    .await;
    assert_eq!(status, 200);
    let r = colleague.get(app.url("/resultats")).send().await.unwrap();
    assert_eq!(r.status(), 403, "their own account holds no Results right");
    assert!(!Page::parse(&r.text().await.unwrap()).reads("Vous agissez pour le compte partagé"));
    let r = colleague.get(app.url(&format!("/resultats/{report}/pdf"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    app.mail_to("collegue@labo.test", "plus membre").await;
    let _ = manage;
}

#[tokio::test]
async fn the_responsible_names_managers_and_hands_over_support_changes_the_responsible() {
    let app = TestApp::spawn().await;
    app.structures().await;
    let (creator, account) = validated_shared_account(&app).await;
    let shared_id: i64 = sqlx::query_scalar("SELECT id FROM shared_accounts").fetch_one(app.db.pool()).await.unwrap();
    let sid = shared_id.to_string();
    let member_id = app.professional("membre@labo.test", "86BV01", false, false, None, true).await;
    call_with(
        &creator,
        &app.base,
        "/api/compte-partage-inviter",
        &[("shared_id", &sid), ("email", "membre@labo.test")],
    )
    .await;
    let member = app.browser_as("membre@labo.test").await;
    let invitation: i64 =
        sqlx::query_scalar("SELECT id FROM shared_invitations").fetch_one(app.db.pool()).await.unwrap();
    call_with(
        &member,
        &app.base,
        "/api/compte-partage-invitation",
        &[("invitation_id", &invitation.to_string()), ("answer", "accept")],
    )
    .await;
    // A plain member cannot add, remove or name anyone.
    let (status, _) =
        call_with(&member, &app.base, "/api/compte-partage-inviter", &[("shared_id", &sid), ("email", "z@labo.test")])
            .await;
    assert_eq!(status, 403);
    let (status, _) = call_with(
        &member,
        &app.base,
        "/api/compte-partage-retirer",
        &[("shared_id", &sid), ("user_id", &creator.id.to_string())],
    )
    .await;
    assert_eq!(status, 403);
    // The responsible makes them a manager, then hands over (with an RPPS checked).
    let (status, _) = call_with(
        &creator,
        &app.base,
        "/api/compte-partage-gestionnaire",
        &[("shared_id", &sid), ("user_id", &member_id.to_string()), ("manager", "1")],
    )
    .await;
    assert_eq!(status, 200);
    let (_, body) = call_with(
        &creator,
        &app.base,
        "/api/compte-partage-responsable",
        &[("shared_id", &sid), ("user_id", &member_id.to_string()), ("profession", "medecin"), ("rpps", "10003473014")],
    )
    .await;
    assert!(body.to_string().contains("RPPS n'est pas valide"), "{body}");
    let (status, _) = call_with(
        &creator,
        &app.base,
        "/api/compte-partage-responsable",
        &[("shared_id", &sid), ("user_id", &member_id.to_string()), ("profession", "medecin"), ("rpps", RPPS)],
    )
    .await;
    assert_eq!(status, 200);
    let roles: Vec<(i64, String)> = sqlx::query_as("SELECT user_id, role FROM shared_members ORDER BY user_id")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert!(roles.contains(&(member_id, "responsible".into())) && roles.contains(&(creator.id, "manager".into())));
    // A manager cannot remove the responsible.
    let (status, _) = call_with(
        &creator,
        &app.base,
        "/api/compte-partage-retirer",
        &[("shared_id", &sid), ("user_id", &member_id.to_string())],
    )
    .await;
    assert_eq!(status, 403);

    // Support: the admin console lists shared accounts, shows members, changes the responsible.
    let admin = app.administrator().await;
    let html = admin.get(app.url("/admin/utilisateurs?type=shared")).send().await.unwrap().text().await.unwrap();
    assert!(Page::parse(&html).reads(SHARED));
    let html =
        admin.get(app.url(&format!("/admin/utilisateurs/{account}"))).send().await.unwrap().text().await.unwrap();
    let page = Page::parse(&html);
    assert!(page.reads("Changer de responsable") && page.reads("Responsable"));
    let (status, _) = call_with(
        &admin,
        &app.base,
        "/api/admin-compte-partage-responsable",
        &[("shared_id", &sid), ("user_id", &creator.id.to_string()), ("profession", "autre")],
    )
    .await;
    assert_eq!(status, 200);
    let role: String = sqlx::query_scalar("SELECT role FROM shared_members WHERE user_id = $1")
        .bind(creator.id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(role, "responsible");
    // A professional cannot use support's form.
    let (status, _) = call_with(
        &member,
        &app.base,
        "/api/admin-compte-partage-responsable",
        &[("shared_id", &sid), ("user_id", &member_id.to_string()), ("profession", "autre")],
    )
    .await;
    assert_eq!(status, 403);

    // Deactivated by support: its members are back on their own accounts at once.
    let r =
        submit_with(&creator, &app.base, "/mon-compte", "/api/changer-de-compte", &[("account", &account.to_string())])
            .await;
    assert_eq!(r.status(), 303);
    let (status, body) = call_with(
        &admin,
        &app.base,
        "/api/admin-desactiver",
        &[("user_id", &account.to_string()), ("reason", "Structure fermée")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let html = creator.get(app.url("/mon-compte")).send().await.unwrap().text().await.unwrap();
    assert!(!Page::parse(&html).reads("Vous agissez pour le compte partagé"));
}

#[tokio::test]
async fn a_shared_account_never_signs_in_and_has_no_password_to_reset() {
    let app = TestApp::spawn().await;
    app.structures().await;
    validated_shared_account(&app).await;
    let r = app.submit("/connexion", "/api/connexion", &[("email", SHARED), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 200);
    assert!(Page::parse(&r.text().await.unwrap()).reads("Adresse e-mail ou mot de passe incorrect"));
    let r = app.submit("/mot-de-passe-oublie", "/api/mot-de-passe-oublie", &[("email", SHARED)]).await;
    assert_eq!(r.status(), 303, "the same answer as for any address");
    let mail = app.mail_to(SHARED, "n'a pas de mot de passe").await;
    assert!(!mail.text.contains("nouveau-mot-de-passe"), "no reset link");
}
