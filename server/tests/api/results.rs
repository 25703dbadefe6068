//! A patient's results: `/mes-resultats`, one report's page, its PDF and who opened it.

use crate::helpers::*;
use base64::Engine;
use serde_json::{Value, json};

async fn publish(app: &TestApp, token: &str, report: &str, patient: &str, status: &str, body: &[u8]) -> i64 {
    let r = reqwest::Client::new()
        .put(app.url(&format!("/api/lab/v1/reports/{report}")))
        .bearer_auth(token)
        .json(&json!({ "patient": patient, "sampled_on": "2026-01-10", "status": status, "title": "Bilan sanguin",
                       "pdf_base64": base64::engine::general_purpose::STANDARD.encode(body) }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    sesame_app::reports::store::find_report(&app.db, report).await.unwrap().unwrap().id
}

/// What the lab system says of a report prescribed by 86BV01 at one of its sites.
struct Prescribed<'a> {
    reference: &'a str,
    site: i64,
    sampled_on: &'a str,
    status: &'a str,
    title: &'a str,
    pdf: &'a [u8],
}

/// The lab system publishes a report for record P-1, prescribed by 86BV01; the status of the
/// answer.
async fn publish_prescribed(app: &TestApp, token: &str, r: Prescribed<'_>) -> u16 {
    reqwest::Client::new()
        .put(app.url(&format!("/api/lab/v1/reports/{}", r.reference)))
        .bearer_auth(token)
        .json(&json!({ "patient": "P-1", "prescriber": { "correspondent_code": "86BV01", "site_id": r.site },
                       "sampled_on": r.sampled_on, "status": r.status, "title": r.title,
                       "pdf_base64": base64::engine::general_purpose::STANDARD.encode(r.pdf) }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn record_with_code(app: &TestApp, token: &str, reference: &str) -> String {
    let r = reqwest::Client::new()
        .put(app.url(&format!("/api/lab/v1/patients/{reference}")))
        .bearer_auth(token)
        .json(&json!({ "last_name": "Martin", "first_names": "Marie", "birth_date": "1985-03-14", "sex": "F" }))
        .send()
        .await
        .unwrap();
    r.json::<Value>().await.unwrap()["activation_code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_patient_reads_their_reports_and_sees_who_opened_them() {
    let app = TestApp::spawn().await;
    let (token, _) = sesame_app::lab::store::create(&app.db, "SIL", app.state().now()).await.unwrap();
    let code = record_with_code(&app, &token, "P-1").await;
    app.verified_patient("marie.martin@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let r = app.activate(&[("code", &code), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
    assert_eq!(r.status(), 303);
    let (_, html) = app.page("/mes-resultats").await;
    assert!(Page::parse(&html).reads("Votre laboratoire publiera ici vos comptes rendus"), "empty state");

    let first = b"%PDF-1.7 partial".to_vec();
    let id = publish(&app, &token, "CR-1", "P-1", "partial", &first).await;
    let last = b"%PDF-1.7 complete".to_vec();
    publish(&app, &token, "CR-1", "P-1", "complete", &last).await;
    let (_, html) = app.page("/mes-resultats").await;
    let page = Page::parse(&html);
    assert!(page.reads("Bilan sanguin") && page.reads("Complet"));
    assert_eq!(page.count("span.tag-new"), 1, "Nouveau until opened");

    let r = app.client.get(app.url(&format!("/mes-resultats/{id}/pdf"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.headers()["content-disposition"], "inline; filename=\"compte-rendu-2026-01-10-v2.pdf\"");
    assert_eq!(r.bytes().await.unwrap().to_vec(), last);
    let r = app.client.get(app.url(&format!("/mes-resultats/{id}/pdf?version=1&telecharger=1"))).send().await.unwrap();
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(r.bytes().await.unwrap().to_vec(), first);
    let recorded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM document_accesses WHERE item_id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(recorded, 2, "each opening recorded once");

    let (_, html) = app.page("/mes-resultats").await;
    assert_eq!(Page::parse(&html).count("span.tag-new"), 0);
    let (_, html) = app.page(&format!("/mes-resultats/{id}")).await;
    let page = Page::parse(&html);
    assert!(page.reads("Versions précédentes") && page.reads("Télécharger"));
    assert!(page.reads("— vous (ouvert, version 2)"), "{}", page.text());
    assert!(page.reads("— vous (téléchargé, version 1)"));

    // Someone else: neither the page nor the PDF; a withdrawn report disappears.
    let other = app.new_browser();
    let r = app.sign_up("autre@exemple.fr", "Autre", "Paul", "1990-01-01").await;
    assert_eq!(r.status(), 303);
    let mail = app.mail_to("autre@exemple.fr", "Confirmez").await;
    let link = app.link_in(&mail, "/verifier-email?jeton=");
    let token_v = link.split("jeton=").nth(1).unwrap().to_string();
    submit_with(
        &other,
        &app.base,
        &format!("/verifier-email?jeton={token_v}"),
        "/api/verifier-email",
        &[("token", &token_v)],
    )
    .await;
    submit_with(
        &other,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "autre@exemple.fr"), ("password", PASSWORD)],
    )
    .await;
    let r = other.get(app.url(&format!("/mes-resultats/{id}/pdf"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = other.get(app.url(&format!("/mes-resultats/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    reqwest::Client::new().delete(app.url("/api/lab/v1/reports/CR-1")).bearer_auth(&token).send().await.unwrap();
    let r = app.client.get(app.url(&format!("/mes-resultats/{id}/pdf"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let (_, html) = app.page("/mes-resultats").await;
    assert!(!Page::parse(&html).reads("Bilan sanguin"));
}

#[tokio::test]
async fn signed_out_the_report_link_leads_to_sign_in_and_back() {
    let app = TestApp::spawn().await;
    let stranger = app.new_browser();
    let r = stranger.get(app.url("/mes-resultats/7/pdf")).send().await.unwrap();
    assert_eq!(location(&r), "/connexion?suite=/mes-resultats/7");
    let html = stranger.get(app.url("/mes-resultats/7")).send().await.unwrap().text().await.unwrap();
    assert_eq!(Page::parse(&html).attr("ul.choices a", "href").as_deref(), Some("/connexion?suite=/mes-resultats/7"));
}

/// (who, structure, Results, Invoices, sites) and the statuses expected for the report's
/// PDF, the invoice's PDF, `/resultats` and `/factures`.
type Case<'a> = (&'a str, &'a str, bool, bool, Option<&'a [i64]>, [u16; 4]);

#[tokio::test]
async fn a_professional_opens_only_what_their_right_and_sites_cover() {
    let app = TestApp::spawn().await;
    let s = app.structures().await;
    let (a, b) = (s.open_sites[0], s.open_sites[1]);
    let (token, _) = sesame_app::lab::store::create(&app.db, "SIL", app.state().now()).await.unwrap();
    let code = record_with_code(&app, &token, "P-1").await;
    assert!(!code.is_empty());
    let lab = reqwest::Client::new();
    assert_eq!(
        publish_prescribed(
            &app,
            &token,
            Prescribed {
                reference: "CR-1",
                site: a,
                sampled_on: "2026-01-10",
                status: "complete",
                title: "Bilan sanguin",
                pdf: b"%PDF-1.7 report"
            }
        )
        .await,
        201
    );
    let report = sesame_app::reports::store::find_report(&app.db, "CR-1").await.unwrap().unwrap().id;
    let r = lab
        .put(app.url("/api/lab/v1/invoices/F-1"))
        .bearer_auth(&token)
        .json(&json!({ "correspondent_code": "86BV01", "site_id": a, "period_start": "2026-10-01", "period_end": "2026-10-31",
                       "amount_cents": 12345, "due_on": "2026-12-15",
                       "pdf_base64": base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.7 invoice") }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let invoice = sesame_app::reports::store::find_invoice(&app.db, "F-1").await.unwrap().unwrap().id;

    // (who, structure, Results, Invoices, sites) → (report PDF, invoice PDF, /resultats, /factures)
    let only_a = [a];
    let only_b = [b];
    let matrix: [Case; 6] = [
        ("tout@labo.test", "86BV01", true, true, None, [200, 200, 200, 200]),
        ("resultats-a@labo.test", "86BV01", true, false, Some(&only_a), [200, 403, 200, 403]),
        ("resultats-b@labo.test", "86BV01", true, false, Some(&only_b), [403, 403, 200, 403]),
        ("factures-a@labo.test", "86BV01", false, true, Some(&only_a), [403, 200, 403, 200]),
        ("factures-b@labo.test", "86BV01", false, true, Some(&only_b), [403, 403, 403, 200]),
        ("ailleurs@labo.test", "33BX04", true, true, None, [403, 403, 200, 200]),
    ];
    for (email, structure, results, invoices, sites, expected) in matrix {
        app.professional(email, structure, results, invoices, sites, false).await;
        let browser = app.browser_as(email).await;
        let mut got = [0u16; 4];
        for (i, path) in [
            format!("/resultats/{report}/pdf"),
            format!("/factures/{invoice}/pdf"),
            "/resultats".to_string(),
            "/factures".to_string(),
        ]
        .iter()
        .enumerate()
        {
            got[i] = browser.get(app.url(path)).send().await.unwrap().status().as_u16();
        }
        assert_eq!(got, expected, "{email}");
        if expected[2] == 200 {
            let html = browser.get(app.url("/resultats")).send().await.unwrap().text().await.unwrap();
            assert_eq!(
                Page::parse(&html).reads("Marie Martin"),
                expected[0] == 200,
                "{email} lists only what it may open"
            );
        }
        if expected[3] == 200 {
            let html = browser.get(app.url("/factures")).send().await.unwrap().text().await.unwrap();
            assert_eq!(Page::parse(&html).reads("F-1"), expected[1] == 200, "{email}");
        }
    }
    let opened: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM document_accesses WHERE item_kind = 'report'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(opened, 2, "the two openings that were allowed, and only them");
    let history = sesame_app::reports::store::accesses(&app.db, "report", report).await.unwrap();
    assert!(history.iter().all(|h| h.structure_name.as_deref() == Some("Laboratoire BioVienne")));
}

#[tokio::test]
async fn a_professional_finds_a_patient_by_nir_and_names_only_within_reach() {
    let app = TestApp::spawn().await;
    let s = app.structures().await;
    let (a, b) = (s.open_sites[0], s.open_sites[1]);
    let (token, _) = sesame_app::lab::store::create(&app.db, "SIL", app.state().now()).await.unwrap();
    let body = "2850386123456";
    let nir = format!("{body}{:02}", 97 - body.parse::<u64>().unwrap() % 97);
    let lab = reqwest::Client::new();
    let r = lab
        .put(app.url("/api/lab/v1/patients/P-1"))
        .bearer_auth(&token)
        .json(&json!({ "last_name": "Martin-Dupont", "first_names": "Marie Hélène", "birth_date": "1985-03-14", "sex": "F", "nir": nir }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(
        publish_prescribed(
            &app,
            &token,
            Prescribed {
                reference: "CR-1",
                site: a,
                sampled_on: "2026-01-10",
                status: "partial",
                title: "Bilan sanguin",
                pdf: b"%PDF-1.7 report"
            }
        )
        .await,
        201
    );
    app.professional("site-a@labo.test", "86BV01", true, false, Some(&[a]), false).await;
    app.professional("site-b@labo.test", "86BV01", true, false, Some(&[b]), false).await;
    let here = app.browser_as("site-a@labo.test").await;
    let there = app.browser_as("site-b@labo.test").await;
    let search = |c: &reqwest::Client, nir: &str, last: &str, first: &str| {
        let (c, base) = (c.clone(), app.base.clone());
        let fields = [("nir", nir.to_string()), ("last_name", last.to_string()), ("first_name", first.to_string())];
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = submit_with(&c, &base, "/resultats/recherche", "/api/resultats-recherche", &fields).await;
            Page::parse(&r.text().await.unwrap())
        }
    };
    // Tolerant names, the NIR typed with spaces.
    let spaced = format!("{} {} {}", &nir[..1], &nir[1..7], &nir[7..]);
    let page = search(&here, &spaced, "MARTIN", "marie").await;
    assert!(page.reads("1 fiche trouvée") && page.reads("Marie Hélène Martin-Dupont"), "{}", page.text());
    let link = page.attr("li.card a", "href").unwrap();
    let html = here.get(app.url(&link)).send().await.unwrap().text().await.unwrap();
    assert!(Page::parse(&html).reads("Bilan sanguin"));
    // Three fields required; a NIR whose key is wrong is said so before any lookup.
    let page = search(&here, "", "", "").await;
    assert_eq!(page.texts("p.field-error").iter().filter(|t| t.contains("obligatoire")).count(), 3);
    assert!(!page.reads("fiche"));
    let wrong_key = format!("{body}{:02}", (97 - body.parse::<u64>().unwrap() % 97) % 97 + 1);
    assert!(search(&here, &wrong_key, "Martin", "Marie").await.reads("Ce NIR n'est pas valide"));
    // Other names, an unknown NIR, a site out of reach: the same empty answer.
    let other = format!("{}{:02}", "1900175000001", 97 - 1_900_175_000_001u64 % 97);
    for (c, nir, last) in
        [(&here, nir.as_str(), "Durand"), (&here, other.as_str(), "Martin"), (&there, nir.as_str(), "Martin")]
    {
        let page = search(c, nir, last, "Marie").await;
        assert!(page.reads("0 fiche trouvée") && !page.reads("Martin-Dupont"), "{}", page.text());
    }
    // Audited, without the NIR.
    let details: Vec<String> =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'results.patient_search'")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(details.len(), 4);
    assert!(details.iter().all(|d| !d.contains(&nir[..13])));
    // Five searches by this person so far (invalid ones too); past 100 in the hour, refused.
    let key = format!("patient-search:{}", app.user_id("site-a@labo.test").await);
    let counted: i64 = sqlx::query_scalar("SELECT count FROM rate_limits WHERE key = $1")
        .bind(&key)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(counted, 5);
    sqlx::query("UPDATE rate_limits SET count = 100 WHERE key = $1").bind(&key).execute(app.db.pool()).await.unwrap();
    let r = submit_with(
        &here,
        &app.base,
        "/resultats/recherche",
        "/api/resultats-recherche",
        &[("nir", nir.as_str()), ("last_name", "Martin"), ("first_name", "Marie")],
    )
    .await;
    assert_eq!(r.status(), 429);
    assert!(!Page::parse(&r.text().await.unwrap()).reads("fiche trouvée"));
}

#[tokio::test]
async fn after_a_pause_a_remembered_session_asks_for_the_password_before_a_document() {
    let app = TestApp::spawn().await;
    let (token, _) = sesame_app::lab::store::create(&app.db, "SIL", app.state().now()).await.unwrap();
    let code = record_with_code(&app, &token, "P-1").await;
    app.verified_patient("marie.martin@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    let r = app.activate(&[("code", &code), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
    assert_eq!(r.status(), 303);
    let id = publish(&app, &token, "CR-1", "P-1", "complete", b"%PDF-1.7 report").await;
    let phone = app.new_browser();
    submit_with(
        &phone,
        &app.base,
        "/connexion",
        "/api/connexion",
        &[("email", "marie.martin@exemple.fr"), ("password", PASSWORD), ("remember", "on")],
    )
    .await;
    let pdf = app.url(&format!("/mes-resultats/{id}/pdf"));
    let report_page = format!("/mes-resultats/{id}");
    // The home page shows the newest report first; an active session opens it at once.
    let home = Page::parse(&phone.get(app.url("/")).send().await.unwrap().text().await.unwrap());
    assert!(home.reads("Votre dernier compte rendu") && home.reads("Bilan sanguin"), "{}", home.text());
    assert_eq!(home.attr("section.newest-report a", "href").as_deref(), Some(report_page.as_str()));
    assert_eq!(phone.get(&pdf).send().await.unwrap().status(), 200);

    // 31 minutes later: the list still shows, but no document opens before the password,
    // and looking at another page in between does not lift that.
    app.clock.advance(31 * 60 * 1000);
    assert_eq!(phone.get(app.url("/mes-resultats")).send().await.unwrap().status(), 200);
    let r = phone.get(&pdf).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/mon-compte/confirmer?suite={report_page}"));
    let r = phone.get(app.url(&report_page)).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let page = Page::parse(&r.text().await.unwrap());
    assert!(page.reads("Confirmez votre mot de passe") && !page.reads("Bilan sanguin"), "{}", page.text());
    assert_eq!(page.count("input#password"), 1);
    let confirm = format!("/mon-compte/confirmer?suite={report_page}");
    let r = submit_with(
        &phone,
        &app.base,
        &confirm,
        "/api/confirmer-mot-de-passe",
        &[("password", "pas-le-bon-mot-de-passe"), ("next", &report_page)],
    )
    .await;
    assert!(Page::parse(&r.text().await.unwrap()).reads("Ce mot de passe n'est pas le bon."));
    assert_eq!(phone.get(&pdf).send().await.unwrap().status(), 303, "still asked");
    let r = submit_with(
        &phone,
        &app.base,
        &confirm,
        "/api/confirmer-mot-de-passe",
        &[("password", PASSWORD), ("next", &report_page)],
    )
    .await;
    assert_eq!(location(&r), report_page, "back to the report");
    assert_eq!(phone.get(&pdf).send().await.unwrap().status(), 200);
    // A password attempt is counted like any current-password check.
    let key = format!("password-check:{}", app.user_id("marie.martin@exemple.fr").await);
    let left: Option<i64> = sqlx::query_scalar("SELECT count FROM rate_limits WHERE key = $1")
        .bind(&key)
        .fetch_optional(app.db.pool())
        .await
        .unwrap();
    assert_eq!(left, None, "a right password clears the count");
}

#[tokio::test]
async fn results_filter_by_sampling_period_and_links_say_their_size() {
    let app = TestApp::spawn().await;
    let s = app.structures().await;
    let (token, _) = sesame_app::lab::store::create(&app.db, "SIL", app.state().now()).await.unwrap();
    record_with_code(&app, &token, "P-1").await;
    let mut body = b"%PDF-1.7\n".to_vec();
    body.resize(3 * 1024, b' ');
    for (reference, sampled, title) in
        [("CR-1", "2026-01-10", "Bilan de janvier"), ("CR-2", "2026-03-02", "Bilan de mars")]
    {
        assert_eq!(
            publish_prescribed(
                &app,
                &token,
                Prescribed {
                    reference,
                    site: s.open_sites[0],
                    sampled_on: sampled,
                    status: "complete",
                    title,
                    pdf: &body
                }
            )
            .await,
            201
        );
    }
    app.professional("tout@labo.test", "86BV01", true, true, None, false).await;
    let pro = app.browser_as("tout@labo.test").await;
    let list = |q: &'static str| {
        let (pro, url) = (pro.clone(), app.url(&format!("/resultats{q}")));
        async move { Page::parse(&pro.get(url).send().await.unwrap().text().await.unwrap()) }
    };
    let all = list("").await;
    assert!(all.reads("Bilan de janvier") && all.reads("Bilan de mars"));
    assert!(all.texts("td a").iter().any(|t| t == "Bilan de mars (PDF, 3 ko)"), "{:?}", all.texts("td a"));
    let march = list("?du=2026-02-01").await;
    assert!(march.reads("Bilan de mars") && !march.reads("Bilan de janvier"));
    assert_eq!(march.attr("input#du", "value").as_deref(), Some("2026-02-01"), "the filter stays filled");
    let january = list("?du=2026-01-01&au=2026-01-31").await;
    assert!(january.reads("Bilan de janvier") && !january.reads("Bilan de mars"));
    let none = list("?au=2025-12-31").await;
    assert!(none.reads("Aucun compte rendu pour ces critères."));

    // Someone holding two sites: one list, both sites merged newest first.
    assert_eq!(
        publish_prescribed(
            &app,
            &token,
            Prescribed {
                reference: "CR-3",
                site: s.open_sites[1],
                sampled_on: "2026-03-05",
                status: "partial",
                title: "Bilan du second site",
                pdf: &body
            }
        )
        .await,
        201
    );
    let both = [s.open_sites[0], s.open_sites[1]];
    app.professional("deux-sites@labo.test", "86BV01", true, false, Some(&both), false).await;
    let two = app.browser_as("deux-sites@labo.test").await;
    let page = Page::parse(&two.get(app.url("/resultats")).send().await.unwrap().text().await.unwrap());
    let titles: Vec<String> =
        page.texts("td a").into_iter().map(|t| t.split(" (PDF").next().unwrap().to_string()).collect();
    assert_eq!(titles, ["Bilan du second site", "Bilan de mars", "Bilan de janvier"]);
    let page = Page::parse(&two.get(app.url("/resultats?etat=partial")).send().await.unwrap().text().await.unwrap());
    assert_eq!(page.texts("td a").len(), 1, "filters apply to every site");
}

#[tokio::test]
async fn support_sees_the_whole_history_of_a_document_and_no_one_else_does() {
    let app = TestApp::spawn().await;
    let s = app.structures().await;
    let (token, _) = sesame_app::lab::store::create(&app.db, "SIL", app.state().now()).await.unwrap();
    let code = record_with_code(&app, &token, "P-1").await;
    app.verified_patient("marie.martin@exemple.fr", "Martin", "Marie", "1985-03-14").await;
    app.activate(&[("code", &code), ("birth_date", "1985-03-14"), ("relation", "self")]).await;
    assert_eq!(
        publish_prescribed(
            &app,
            &token,
            Prescribed {
                reference: "CR-1",
                site: s.open_sites[0],
                sampled_on: "2026-01-10",
                status: "complete",
                title: "Bilan sanguin",
                pdf: b"%PDF-1.7 report"
            }
        )
        .await,
        201
    );
    let id = sesame_app::reports::store::find_report(&app.db, "CR-1").await.unwrap().unwrap().id;
    assert_eq!(app.client.get(app.url(&format!("/mes-resultats/{id}/pdf"))).send().await.unwrap().status(), 200);
    app.professional("bruno.caron@labo.test", "86BV01", true, false, None, false).await;
    let pro = app.browser_as("bruno.caron@labo.test").await;
    assert_eq!(pro.get(app.url(&format!("/resultats/{id}/pdf?telecharger=1"))).send().await.unwrap().status(), 200);

    let support = app.support_agent().await;
    let html = support.get(app.url("/support/documents?reference=CR-1")).send().await.unwrap().text().await.unwrap();
    let page = Page::parse(&html);
    let rows = page.texts("tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].contains("Laboratoire BioVienne") && rows[0].contains("téléchargé"), "{rows:?}");
    assert!(rows[1].contains("Marie Martin (patient ou proche)") && rows[1].contains("ouvert"), "{rows:?}");
    assert!(page.reads("Version 1 — complet"));
    let unknown =
        support.get(app.url("/support/documents?reference=CR-404")).send().await.unwrap().text().await.unwrap();
    assert!(Page::parse(&unknown).reads("Aucun document ne porte cette référence."));
    let viewed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'support.document_history'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(viewed, 1, "each look at a history is audited");
    // Neither the patient nor the professional sees support's page.
    for c in [&app.client, &pro] {
        assert_eq!(c.get(app.url("/support/documents?reference=CR-1")).send().await.unwrap().status(), 403);
    }
}
