//! Self-service: the help page and its answers, writing to support (a signed-out writer
//! confirms their address first), support's replies through the SMTP sink, the
//! forgotten-address reminder, the front desk's new codes, and a person's own data (address,
//! names, profiles, export, deletion).

use crate::helpers::*;
use std::io::Read;

/// The ten causes, as `/aide` lists them.
const TOPICS: [(&str, &str); 10] = [
    ("code-refuse", "Mon code d'activation est refusé"),
    ("code-perdu", "J'ai perdu mon code"),
    ("code-deja-utilise", "Le code a déjà été utilisé"),
    ("nom", "Mon nom ne correspond pas"),
    ("parent-aidant", "Je suis parent / aidant"),
    ("email-non-recu", "Je n'ai pas reçu l'e-mail"),
    ("mot-de-passe", "J'ai oublié mon mot de passe"),
    ("adresse-oubliee", "J'ai oublié quelle adresse j'ai utilisée"),
    ("demande-professionnel", "Professionnel : ma demande d'accès"),
    ("autre", "Autre"),
];

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.db.pool()).await.unwrap()
}

#[tokio::test]
async fn every_help_topic_leads_to_an_answer_a_working_link_and_the_form() {
    let app = TestApp::spawn().await;
    let (status, html) = app.page("/aide").await;
    assert_eq!(status, 200);
    let page = Page::parse(&html);
    for (slug, label) in TOPICS {
        assert!(page.reads(label), "/aide lists « {label} »");
        let (status, html) = app.page(&format!("/aide?sujet={slug}")).await;
        assert_eq!(status, 200);
        let answer = Page::parse(&html);
        assert!(answer.reads(label));
        if slug != "autre" {
            // The self-service answer comes first, with the link that fixes it…
            let href = answer.attr("main section.panel p a.button", "href").expect("a link that fixes it");
            let (status, _) = app.page(&href).await;
            assert!(status != 404 && status < 500, "{href} answers {status}");
            // …and writing to support is one more step.
            assert_eq!(answer.count("textarea#body"), 0, "{slug}: the form waits");
            assert!(answer.reads("Écrire au support"));
        }
        let (_, html) = app.page(&format!("/aide?sujet={slug}&ecrire=1")).await;
        assert_eq!(Page::parse(&html).count("textarea#body"), 1, "{slug}: the form");
    }
    // Every page's footer leads here.
    let (_, home) = app.page("/").await;
    assert_eq!(Page::parse(&home).attr("footer a[href='/aide']", "href").as_deref(), Some("/aide"));
}

#[tokio::test]
async fn a_signed_out_message_reaches_support_only_after_its_link_and_the_reply_reaches_the_sink() {
    let app = TestApp::spawn().await;
    let writer = "perdu@exemple.fr";
    let r = app
        .submit(
            "/aide?sujet=code-refuse&ecrire=1",
            "/api/aide-message",
            &[
                ("category", "code-refuse"),
                ("email", writer),
                ("name", "Paul Perdu"),
                ("body", "Mon code est refusé depuis hier."),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/aide?envoye=confirmer");
    let support = app.support_agent().await;
    let queue = support.get(app.url("/support/messages")).send().await.unwrap().text().await.unwrap();
    assert!(!queue.contains("Mon code est refusé"), "not before the link");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM support_messages WHERE status = 'open'").await, 0);

    // A forged token does nothing; the mailed one passes the message on, once.
    let r = app.submit("/aide/confirmer?jeton=faux", "/api/aide-message-confirmer", &[("token", "faux")]).await;
    assert!(r.text().await.unwrap().contains("pas valable"));
    let mail = app.mail_to(writer, "Confirmez votre message").await;
    let link = app.link_in(&mail, "/aide/confirmer?jeton=");
    let token = link.split("jeton=").nth(1).unwrap().to_string();
    let page = format!("/aide/confirmer?jeton={token}");
    let r = app.submit(&page, "/api/aide-message-confirmer", &[("token", &token)]).await;
    assert!(r.text().await.unwrap().contains("transmis au support"));
    let r = app.submit(&page, "/api/aide-message-confirmer", &[("token", &token)]).await;
    assert!(r.text().await.unwrap().contains("pas valable"), "the link works once");

    let queue = support.get(app.url("/support/messages")).send().await.unwrap().text().await.unwrap();
    assert!(queue.contains("Mon code est refusé"));
    assert!(queue.contains("Mon code d'activation est refusé"), "its cause");
    let id: i64 = sqlx::query_scalar("SELECT id FROM support_messages").fetch_one(app.db.pool()).await.unwrap();
    let detail = support.get(app.url(&format!("/support/messages/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(detail.contains("E-mail « help_confirm_message »"), "the account's recent mails are listed");
    // The weekly counts show the cause.
    let counts = Page::parse(&queue);
    assert!(
        counts
            .texts("table.weekly-counts tbody tr")
            .iter()
            .any(|r| r.contains("Mon code d'activation est refusé") && r.contains('1'))
    );

    // Support answers; the writer reads it in the sink.
    let (status, body) = call_with(
        &support,
        &app.base,
        "/api/support-message-repondre",
        &[("id", &id.to_string()), ("answer", "Utilisez le code de votre dernier compte rendu.")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let reply = app.mail_to(writer, "Réponse du support").await;
    assert!(reply.text.contains("Utilisez le code de votre dernier compte rendu."));
    assert!(reply.text.contains("Paul Perdu"));
    let (status, _) = call_with(&support, &app.base, "/api/support-message-clore", &[("id", &id.to_string())]).await;
    assert_eq!(status, 200);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM support_messages WHERE status = 'closed'").await, 1);

    // Nobody else reads or answers the queue.
    let patient = app.patient().await;
    let (status, _) =
        call_with(&patient, &app.base, "/api/support-message-repondre", &[("id", &id.to_string()), ("answer", "x")])
            .await;
    assert_eq!(status, 403);
    let r = patient.get(app.url("/support/messages")).send().await.unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn a_signed_in_message_goes_straight_to_support_with_the_account() {
    let app = TestApp::spawn().await;
    let patient = app.patient().await;
    let r = submit_with(
        &patient,
        &app.base,
        "/aide?sujet=nom&ecrire=1",
        "/api/aide-message",
        &[("category", "nom"), ("body", "Mon nom de naissance est différent."), ("website", "")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/aide?envoye=1");
    let (user_id, email): (Option<i64>, String) =
        sqlx::query_as("SELECT user_id, email FROM support_messages WHERE status = 'open'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(user_id, Some(patient.id));
    assert_eq!(email, patient.email);
    // An empty message is refused next to its field.
    let r = submit_with(
        &patient,
        &app.base,
        "/aide?sujet=nom&ecrire=1",
        "/api/aide-message",
        &[("category", "nom"), ("body", " ")],
    )
    .await;
    assert!(Page::parse(&r.text().await.unwrap()).reads("Écrivez votre message."));
}

#[tokio::test]
async fn the_forgotten_address_form_answers_the_same_and_reminds_only_accounts() {
    let app = TestApp::spawn().await;
    let patient = app.patient().await;
    let answer = |html: String| Page::parse(&html).texts(".notice").join(" ");
    let r =
        app.submit("/aide/adresse-oubliee", "/api/aide-adresse-oubliee", &[("addresses", "personne@exemple.fr")]).await;
    let unknown = answer(r.text().await.unwrap());
    let r = app
        .submit(
            "/aide/adresse-oubliee",
            "/api/aide-adresse-oubliee",
            &[("addresses", &format!("inconnu@exemple.fr\n{}", patient.email))],
        )
        .await;
    let known = answer(r.text().await.unwrap());
    assert!(!unknown.is_empty());
    assert_eq!(unknown, known, "the page reveals nothing");
    let reminder = app.mail_to(&patient.email, "Votre compte Sésame utilise cette adresse").await;
    assert!(reminder.text.contains("/connexion"));
    assert!(!app.smtp.messages().iter().any(|m| m.is_to("inconnu@exemple.fr") || m.is_to("personne@exemple.fr")));
    // Not an address: said next to the field.
    let r = app.submit("/aide/adresse-oubliee", "/api/aide-adresse-oubliee", &[("addresses", "pas-une-adresse")]).await;
    assert!(r.text().await.unwrap().contains("n'est pas une adresse e-mail"));
    // Limited like a reset: the 21st request from one client is refused.
    for _ in 0..18 {
        app.submit("/aide/adresse-oubliee", "/api/aide-adresse-oubliee", &[("addresses", "x@exemple.fr")]).await;
    }
    let (status, _) = app.call("/api/aide-adresse-oubliee", &[("addresses", "x@exemple.fr")]).await;
    assert_eq!(status, 429);
}

#[tokio::test]
async fn the_front_desk_issues_a_code_that_kills_the_old_one() {
    let app = TestApp::spawn().await;
    app.verified_patient("marie@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let old = app.record("R-ACC-1", "Martin", "", "Marie", "1985-03-14").await;
    let desk_id = app.account("accueil@labo.test", UserKind::FrontDesk, "Alice", "Accueil").await;
    let desk = app.browser_as("accueil@labo.test").await;
    // Found by reference, or by NIR + names (none here: the reference).
    let r = submit_with(&desk, &app.base, "/support/dossiers", "/api/accueil-rechercher", &[("reference", "R-ACC-1")])
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Marie Martin"), "the record is shown to check against the ID");
    let record: i64 = sqlx::query_scalar("SELECT id FROM patient_records WHERE lab_reference = 'R-ACC-1'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let r = submit_with(
        &desk,
        &app.base,
        "/support/dossiers",
        "/api/accueil-nouveau-code",
        &[("record_id", &record.to_string())],
    )
    .await;
    let slip = Page::parse(&r.text().await.unwrap());
    let new = slip.texts(".slip-code").first().cloned().expect("the code, shown once");
    assert_ne!(new, old);
    // The old code is dead; the new one links.
    let r = app.activate(&[("code", &old), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
    assert_ne!(r.status(), 303, "the old code no longer works");
    let r = app.activate(&[("code", &new), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
    assert_eq!(r.status(), 303);
    // Audited, as the front desk's.
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'record.code_reissued' AND actor_user_id = {desk_id}"
            )
        )
        .await,
        1
    );
    // The Accueil role reaches this page only; a patient does not reach it.
    assert_eq!(desk.get(app.url("/support/demandes")).send().await.unwrap().status(), 403);
    let (status, _) =
        call_with(&app.client, &app.base, "/api/accueil-nouveau-code", &[("record_id", &record.to_string())]).await;
    assert_eq!(status, 403);
    // Search by NIR needs a valid NIR and both names.
    let r = submit_with(
        &desk,
        &app.base,
        "/support/dossiers",
        "/api/accueil-rechercher",
        &[("nir", "123"), ("last_name", ""), ("first_name", "")],
    )
    .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Ce NIR n'est pas valide"));
    assert!(html.contains("Indiquez le nom."));
}

/// Reads the export of `client` as (donnees.json, file names).
async fn export(app: &TestApp, client: &reqwest::Client) -> (serde_json::Value, Vec<String>) {
    let r = client.post(app.url("/api/mes-donnees")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["content-type"], "application/zip");
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    let mut json = String::new();
    zip.by_name("donnees.json").unwrap().read_to_string(&mut json).unwrap();
    (serde_json::from_str(&json).unwrap(), names)
}

#[tokio::test]
async fn the_export_holds_the_person_and_nobody_else_even_with_a_shared_childs_record() {
    let app = TestApp::spawn().await;
    // Two parents link the same child's record (the second with a new code).
    app.verified_patient("mere@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let first = app.record("R-CHILD", "Martin-Dupont", "", "Lucas", "2016-06-02").await;
    let child = [
        ("birth_date", "2016-06-02"),
        ("relation", "child"),
        ("patient_last_name", "Martin-Dupont"),
        ("patient_first_name", "Lucas"),
    ];
    let mut fields = vec![("code", first.as_str())];
    fields.extend(child);
    assert_eq!(app.activate(&fields).await.status(), 303);
    let father = app.new_browser();
    let r = submit_with(
        &father,
        &app.base,
        "/inscription",
        "/api/inscription",
        &[
            ("email", "pere@exemple.fr"),
            ("password", PASSWORD),
            ("last_name", "Dupont"),
            ("first_name", "Jean"),
            ("birth_date", "1983-01-01"),
            ("terms", "on"),
            ("website", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let link = app.link_in(&app.mail_to("pere@exemple.fr", "Confirmez").await, "/verifier-email?jeton=");
    let token = link.split("jeton=").nth(1).unwrap().to_string();
    submit_with(
        &father,
        &app.base,
        &format!("/verifier-email?jeton={token}"),
        "/api/verifier-email",
        &[("token", &token)],
    )
    .await;
    app.sign_in_with(&father, "pere@exemple.fr").await;
    let second = {
        let state = app.state();
        let mut tx = state.db.begin().await.unwrap();
        let id: i64 = sqlx::query_scalar("SELECT id FROM patient_records WHERE lab_reference = 'R-CHILD'")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let code = sesame_app::activation::store::new_code(state, &mut tx, id).await.unwrap();
        tx.commit().await.unwrap();
        code.grouped()
    };
    let mut fields = vec![("code", second.as_str())];
    fields.extend(child);
    assert_eq!(submit_with(&father, &app.base, "/activation", "/api/activation", &fields).await.status(), 303);
    submit_with(
        &father,
        &app.base,
        "/aide?sujet=autre&ecrire=1",
        "/api/aide-message",
        &[("category", "autre"), ("body", "Question du père"), ("website", "")],
    )
    .await;

    let (data, names) = export(&app, &app.client).await;
    assert!(names.contains(&"donnees.json".to_string()));
    assert_eq!(data["account"]["email"], "mere@exemple.fr");
    assert_eq!(data["account"]["first_name"], "Marie");
    assert_eq!(data["profiles"].as_array().unwrap().len(), 1);
    assert_eq!(data["profiles"][0]["first_names"], "Lucas");
    assert!(data["history"].as_array().unwrap().iter().any(|h| h["action"] == "record.linked"));
    for key in ["access_requests", "support_messages", "documents_opened", "shared_accounts"] {
        assert!(data[key].is_array(), "{key} is exported");
    }
    let text = data.to_string();
    for other in ["pere@exemple.fr", "Jean", "Question du père"] {
        assert!(!text.contains(other), "the mother's export says nothing of {other}");
    }
    let (father_data, _) = export(&app, &father).await;
    assert_eq!(father_data["support_messages"][0]["body"], "Question du père");
    assert!(!father_data.to_string().contains("mere@exemple.fr"));
    // Signed out: sent to sign in.
    let r = app.new_browser().post(app.url("/api/mes-donnees")).send().await.unwrap();
    assert_eq!(r.status(), 303);
}

/// Every text cell of every table (but the lab's own records) that contains `needle`.
async fn cells_containing(app: &TestApp, needle: &str) -> Vec<String> {
    use sesame_app::platform::db::Backend;
    let columns: Vec<(String, String)> = match app.db.backend() {
        Backend::Sqlite => {
            let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'")
                .fetch_all(app.db.pool())
                .await
                .unwrap();
            let mut out = Vec::new();
            for t in tables {
                let cols: Vec<String> = sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{t}') WHERE type = 'TEXT'"))
                    .fetch_all(app.db.pool())
                    .await
                    .unwrap();
                out.extend(cols.into_iter().map(|c| (t.clone(), c)));
            }
            out
        }
        Backend::Postgres => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND data_type IN ('text', 'character varying') AND table_name NOT LIKE '_sqlx%'",
        )
        .fetch_all(app.db.pool())
        .await
        .unwrap(),
    };
    assert!(columns.len() > 50, "the scan reads every table: {}", columns.len());
    let mut found = Vec::new();
    for (table, column) in columns {
        // The lab's record of the patient belongs to the lab, which keeps it.
        if table == "patient_records" {
            continue;
        }
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE LOWER({column}) LIKE $1"))
            .bind(format!("%{}%", needle.to_lowercase()))
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        if n > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

#[tokio::test]
async fn deleting_an_account_leaves_no_personal_field_behind() {
    let app = TestApp::spawn().await;
    let email = "efface.moi@exemple.fr";
    app.verified_patient(email, "Zébulon", "Anatole", "1979-05-05").await;
    let code = app.record("R-DEL", "Zébulon", "", "Anatole", "1979-05-05").await;
    assert_eq!(
        app.activate(&[("code", &code), ("birth_date", "1979-05-05"), ("relation", "self")]).await.status(),
        303
    );
    app.submit(
        "/aide?sujet=autre&ecrire=1",
        "/api/aide-message",
        &[("category", "autre"), ("body", "Bonjour"), ("website", "")],
    )
    .await;
    let id = app.user_id(email).await;
    assert!(!cells_containing(&app, email).await.is_empty(), "the scan finds the address before");

    // The password, and the box, are required.
    let r = app
        .submit(
            "/mon-compte/supprimer",
            "/api/supprimer-mon-compte",
            &[("current_password", "faux mot de passe"), ("confirm", "on")],
        )
        .await;
    assert!(r.text().await.unwrap().contains("pas le bon"));
    let r = app.submit("/mon-compte/supprimer", "/api/supprimer-mon-compte", &[("current_password", PASSWORD)]).await;
    assert!(r.text().await.unwrap().contains("Cochez la case"));
    deletes_own_account(&app.client, &app.base).await;

    for needle in [email, "Zébulon", "Anatole", "efface.moi"] {
        assert_eq!(cells_containing(&app, needle).await, Vec::<String>::new(), "{needle} is left nowhere");
    }
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM record_links WHERE user_id = {id}")).await, 0);
    assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM sessions WHERE user_id = {id}")).await, 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM patient_records WHERE lab_reference = 'R-DEL'").await,
        1,
        "the lab keeps its record"
    );
    // Audit lines stay, pointing at an id that names nobody.
    assert!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM audit_log WHERE actor_user_id = {id} AND action = 'account.deleted'")
        )
        .await
            == 1
    );
    assert!(
        count(&app, &format!("SELECT COUNT(*) FROM audit_log WHERE actor_user_id = {id} AND action = 'record.linked'"))
            .await
            == 1
    );
    // Signed out, and no way back in.
    assert_eq!(app.get("/mon-compte").await.status(), 401);
    let r = app.sign_in(email, PASSWORD).await;
    assert_ne!(r.status(), 303);
    // The address is free for a new account.
    assert_eq!(app.sign_up(email, "Nouveau", "Compte", "1990-01-01").await.status(), 303);
}

/// Deletes the account signed in on `browser` through its form (password, box ticked) and
/// checks that it lands on the goodbye page.
async fn deletes_own_account(browser: &reqwest::Client, base: &str) {
    let r = submit_with(
        browser,
        base,
        "/mon-compte/supprimer",
        "/api/supprimer-mon-compte",
        &[("current_password", PASSWORD), ("confirm", "on")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/compte-supprime");
}

/// The tables (among every table with a `user_id` column) holding a row of account `id`.
async fn tables_with_rows_of(app: &TestApp, id: i64) -> Vec<String> {
    use sesame_app::platform::db::Backend;
    let tables: Vec<String> = match app.db.backend() {
        Backend::Sqlite => sqlx::query_scalar(
            "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND c.name = 'user_id' ORDER BY m.name",
        )
        .fetch_all(app.db.pool())
        .await
        .unwrap(),
        Backend::Postgres => sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND column_name = 'user_id' ORDER BY table_name",
        )
        .fetch_all(app.db.pool())
        .await
        .unwrap(),
    };
    assert!(tables.len() > 10, "the scan reads every table with a user_id: {tables:?}");
    let mut found = Vec::new();
    for table in tables {
        if count(app, &format!("SELECT COUNT(*) FROM {table} WHERE user_id = {id}")).await > 0 {
            found.push(table);
        }
    }
    found
}

#[tokio::test]
async fn deleting_a_professional_account_leaves_no_row_hanging_off_it() {
    let app = TestApp::spawn().await;
    let structures = app.structures().await;
    let email = "pro.efface@labo.test";
    let id = app.professional(email, "86BV01", true, true, Some(&structures.open_sites[..1]), false).await;
    let now = app.state().now();
    let code = sesame_app::domain::structure::CorrespondentCode::parse("86BV01").unwrap();
    let structure = sesame_app::structures::store::find_by_code(&app.db, &code).await.unwrap().unwrap();
    let mut tx = app.db.begin().await.unwrap();
    assert!(
        sesame_app::professional::store::delegate(&mut tx, structure.id, id, structures.approver, now).await.unwrap()
    );
    sesame_app::second_factor::store::replace(app.state(), &mut tx, id, 10).await.unwrap();
    sesame_app::reports::store::add_digest_item(&mut tx, id, "result", 1, now).await.unwrap();
    tx.commit().await.unwrap();
    // Signing in opens a session, with a code e-mailed on the way.
    let browser = app.browser_as(email).await;
    assert_eq!(
        tables_with_rows_of(&app, id).await,
        [
            "approver_delegations",
            "digest_items",
            "one_time_codes",
            "professional_access",
            "professional_sites",
            "recovery_codes",
            "sessions"
        ],
        "everything the deletion must reach is there before"
    );

    deletes_own_account(&browser, &app.base).await;
    assert_eq!(tables_with_rows_of(&app, id).await, Vec::<String>::new(), "no row names the account any more");
    assert_eq!(cells_containing(&app, email).await, Vec::<String>::new(), "the address is left nowhere");
    assert_eq!(app.status_of(&format!("deleted-{id}")).await, "deactivated", "the account is a tombstone");
}

#[tokio::test]
async fn the_only_approver_of_a_structure_cannot_delete_their_account() {
    let app = TestApp::spawn().await;
    app.structures().await;
    let jeanne = app.biologist_of("86BV01").await;
    let (status, body) = call_with(
        &jeanne,
        &app.base,
        "/api/supprimer-mon-compte",
        &[("current_password", PASSWORD), ("confirm", "on"), ("totp", "")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.to_string().contains("seul approbateur"), "{body}");
    assert_eq!(app.status_of(&jeanne.email).await, "active");
}

#[tokio::test]
async fn a_person_changes_their_address_and_names_and_removes_a_profile() {
    let app = TestApp::spawn().await;
    let patient = app.patient().await;
    app.verified_patient("autre@exemple.fr", "Autre", "Personne", "1970-01-01").await;
    app.sign_in_with(&patient, &patient.email).await;
    // An address already used: the same answer, and that address is told.
    let (status, taken) = call_with(
        &patient,
        &app.base,
        "/api/mon-adresse",
        &[("new_email", "autre@exemple.fr"), ("current_password", PASSWORD)],
    )
    .await;
    assert_eq!(status, 200);
    app.mail_to("autre@exemple.fr", "déjà celle d'un compte").await;
    let (_, free) = call_with(
        &patient,
        &app.base,
        "/api/mon-adresse",
        &[("new_email", "nouvelle@exemple.fr"), ("current_password", PASSWORD)],
    )
    .await;
    assert_eq!(taken["notice"], free["notice"], "the form reveals nothing");
    let (_, wrong) = call_with(
        &patient,
        &app.base,
        "/api/mon-adresse",
        &[("new_email", "x@exemple.fr"), ("current_password", "faux")],
    )
    .await;
    assert!(wrong.to_string().contains("pas le bon"));
    app.mail_to(&patient.email, "").await;
    let confirm = app.mail_to("nouvelle@exemple.fr", "").await;
    let link = app.link_in(&confirm, "/confirmer-email?jeton=");
    let token = link.split("jeton=").nth(1).unwrap().to_string();
    let r = submit_with(
        &app.new_browser(),
        &app.base,
        &format!("/confirmer-email?jeton={token}"),
        "/api/confirmer-email",
        &[("token", &token)],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.status_of("nouvelle@exemple.fr").await, "active");
    // Sessions ended: sign in again with the new address.
    assert_eq!(patient.get(app.url("/mon-compte")).send().await.unwrap().status(), 401);
    app.sign_in_with(&patient, "nouvelle@exemple.fr").await;

    // Names (patients).
    let r = submit_with(
        &patient,
        &app.base,
        "/mon-compte/nom",
        "/api/mon-nom",
        &[("last_name", "Bernard-Leroy"), ("first_name", "Camille")],
    )
    .await;
    assert!(r.text().await.unwrap().contains("Votre nom est enregistré"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM users WHERE last_name = 'Bernard-Leroy'").await, 1);

    // Retirer ce profil: one's own only; the record stays.
    let code = app.record("R-PROF", "Bernard-Leroy", "Bernard", "Camille", "1992-01-20").await;
    let r = submit_with(
        &patient,
        &app.base,
        "/activation",
        "/api/activation",
        &[("code", &code), ("birth_date", "1992-01-20"), ("relation", "self")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let link: i64 = sqlx::query_scalar("SELECT id FROM record_links").fetch_one(app.db.pool()).await.unwrap();
    let other = app.browser_as("autre@exemple.fr").await;
    let (status, _) = call_with(&other, &app.base, "/api/retirer-profil", &[("id", &link.to_string())]).await;
    assert_eq!(status, 403, "someone else's profile");
    let (_, html) = (200, patient.get(app.url("/mon-compte")).send().await.unwrap().text().await.unwrap());
    assert!(html.contains("Retirer ce profil"));
    let r = submit_with(&patient, &app.base, "/mon-compte", "/api/retirer-profil", &[("id", &link.to_string())]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/mon-compte?profil-retire=1");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM record_links").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM patient_records WHERE lab_reference = 'R-PROF'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'profile.removed'").await, 1);
}

#[tokio::test]
async fn a_large_export_is_prepared_in_the_background_announced_by_mail_sealed_and_expires() {
    use sesame_app::my_data::export::INLINE_REPORTS;
    let app = TestApp::spawn_with(TestOptions::with_jobs_running()).await;
    let (token, _) = sesame_app::lab::store::create(&app.db, "SIL", app.state().now()).await.unwrap();
    let lab = reqwest::Client::new();
    let r = lab
        .put(app.url("/api/lab/v1/patients/P-EXP"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "last_name": "Martin", "first_names": "Marie", "birth_date": "1985-03-14", "sex": "F" }))
        .send()
        .await
        .unwrap();
    let code = r.json::<serde_json::Value>().await.unwrap()["activation_code"].as_str().unwrap().to_string();
    app.verified_patient("marie.martin@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let r = app.activate(&[("code", &code), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
    assert_eq!(r.status(), 303);
    let reports = INLINE_REPORTS + 1;
    for i in 0..reports {
        use base64::Engine;
        let pdf = format!("%PDF-1.7 compte rendu {i}");
        let r = lab
            .put(app.url(&format!("/api/lab/v1/reports/CR-{i}")))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "patient": "P-EXP", "sampled_on": "2026-01-10", "status": "complete",
                "title": "Bilan", "pdf_base64": base64::engine::general_purpose::STANDARD.encode(pdf) }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }

    // Too many reports to build during the request: queued, and the page says so.
    let r = app.client.post(app.url("/api/mes-donnees")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/mon-compte/export");
    // The scheduler builds it and the e-mail leads to the page behind sign-in, not to a file.
    let mail = app.mail_to("marie.martin@exemple.fr", "Vos données Sésame sont prêtes").await;
    assert!(mail.text.contains(&app.url("/mon-compte/export")), "{}", mail.text);
    assert!(!mail.text.contains("%PDF") && !mail.text.contains("jeton"), "no document and no token in the mail");
    let (_, html) = app.page("/mon-compte/export").await;
    let page = Page::parse(&html);
    assert!(page.reads("Votre fichier est prêt") && page.reads("Télécharger le fichier"), "{}", page.text());

    // Sealed at rest: nothing of the archive reads in the stored bytes.
    let document: i64 =
        sqlx::query_scalar("SELECT document_id FROM data_exports").fetch_one(app.db.pool()).await.unwrap();
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT sealed FROM document_blobs WHERE document_id = $1")
        .bind(document)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    let stored = stored.concat();
    assert!(!stored.is_empty());
    assert!(!stored.windows(12).any(|w| w == b"donnees.json"), "the archive is sealed");

    // Downloaded by POST, never cached; every report is in it; the download is recorded.
    let r = app.client.post(app.url("/api/mes-donnees/fichier")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["content-type"], "application/zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let pdfs = zip.file_names().filter(|n| n.starts_with("comptes-rendus/")).count();
    assert_eq!(pdfs, reports);
    let mut json = String::new();
    zip.by_name("donnees.json").unwrap().read_to_string(&mut json).unwrap();
    assert!(json.contains("marie.martin@exemple.fr"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'account.data_export_downloaded'").await, 1);
    // Nobody else gets it.
    let other = app.patient().await;
    let r = other.post(app.url("/api/mes-donnees/fichier")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = app.new_browser().post(app.url("/api/mes-donnees/fichier")).send().await.unwrap();
    assert_eq!(r.status(), 303, "signed out: sent to sign in");

    // Seven days later housekeeping deletes it, sealed bytes included.
    app.clock.advance(8 * sesame_app::platform::clock::DAY);
    app.eventually("expired export deleted", || async {
        count(&app, "SELECT COUNT(*) FROM data_exports").await == 0
            && count(&app, &format!("SELECT COUNT(*) FROM documents WHERE id = {document}")).await == 0
            && count(&app, &format!("SELECT COUNT(*) FROM document_blobs WHERE document_id = {document}")).await == 0
    })
    .await;
    app.sign_in_with(&app.client, "marie.martin@exemple.fr").await;
    let r = app.client.post(app.url("/api/mes-donnees/fichier")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let (_, html) = app.page("/mon-compte/export").await;
    assert!(Page::parse(&html).reads("Aucun fichier en attente"));
}

#[tokio::test]
async fn closed_support_messages_are_deleted_after_a_year_open_ones_stay() {
    let app = TestApp::spawn_with(TestOptions::with_jobs_running()).await;
    app.verified_patient("ecrit@exemple.fr", "Ecrit", "Eva", "1980-01-01").await;
    for body in ["Première question", "Seconde question"] {
        let r = app
            .submit(
                "/aide?sujet=autre&ecrire=1",
                "/api/aide-message",
                &[("category", "autre"), ("body", body), ("website", "")],
            )
            .await;
        assert_eq!(r.status(), 303);
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM support_messages WHERE status = 'open'").await, 2);
    let support = app.support_agent().await;
    let first: i64 = sqlx::query_scalar("SELECT id FROM support_messages WHERE body = 'Première question'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (status, _) = call_with(
        &support,
        &app.base,
        "/api/support-message-repondre",
        &[("id", &first.to_string()), ("answer", "Voici la réponse.")],
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call_with(&support, &app.base, "/api/support-message-clore", &[("id", &first.to_string())]).await;
    assert_eq!(status, 200);
    // Kept for a year after closing...
    app.clock.advance(300 * sesame_app::platform::clock::DAY);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM support_messages").await, 2);
    // ...then deleted with its reply; the open one stays.
    app.clock.advance(70 * sesame_app::platform::clock::DAY);
    app.eventually("closed message deleted", || async {
        count(&app, "SELECT COUNT(*) FROM support_messages").await == 1
            && count(&app, "SELECT COUNT(*) FROM support_replies").await == 0
    })
    .await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM support_messages WHERE body = 'Seconde question' AND status = 'open'").await,
        1
    );
}
