//! The foundation: health, pages and languages, 404, security baseline.

use crate::helpers::*;

#[tokio::test]
async fn health_check_reports_the_database() {
    let app = TestApp::spawn().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    assert_eq!(body["mail_pending"], 0);
}

#[tokio::test]
async fn home_page_is_french_and_switches_to_english() {
    let app = TestApp::spawn().await;
    let (status, html) = app.page("/").await;
    assert_eq!(status, 200);
    let page = Page::parse(&html);
    assert_eq!(page.attr("html", "lang").as_deref(), Some("fr"), "{html}");
    assert!(page.texts("a").iter().any(|a| a == "Créer mon compte"), "the sign-up link");
    assert!(page.texts("footer a").iter().any(|a| a == "Mentions légales"), "the legal notice, in the footer");

    let r = app.submit("/", "/api/langue", &[("lang", "en"), ("back", "/inscription")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/inscription");
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.starts_with("sesame_lang=en;"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));

    let (_, html) = app.page("/").await;
    let page = Page::parse(&html);
    assert_eq!(page.attr("html", "lang").as_deref(), Some("en"));
    assert!(page.texts("a").iter().any(|a| a == "Create my account"));
    assert!(page.texts("footer a").iter().any(|a| a == "Legal notice"));
}

#[tokio::test]
async fn language_switch_never_redirects_off_site() {
    let app = TestApp::spawn().await;
    let r = app.submit("/", "/api/langue", &[("lang", "en"), ("back", "//evil.example/x")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");
}

#[tokio::test]
async fn unknown_pages_answer_404_with_a_way_forward() {
    let app = TestApp::spawn().await;
    let (status, html) = app.page("/cette-page-n-existe-pas").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page introuvable"));
    assert!(html.contains("href=\"/\""));
}

#[tokio::test]
async fn legal_pages_have_real_content() {
    let app = TestApp::spawn().await;
    for (path, needle) in [
        ("/mentions-legales", "Directeur de la publication"),
        ("/confidentialite", "CNIL"),
        ("/conditions-utilisation", "strictement personnelle"),
    ] {
        let (status, html) = app.page(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains(needle), "{path} lacks {needle}");
    }
    let (_, html) = app.page("/confidentialite").await;
    for topic in ["Finalités", "obligatoires", "Destinataires", "Vos droits", "réclamation"] {
        assert!(html.contains(topic), "privacy notice lacks {topic}");
    }
}

#[tokio::test]
async fn cross_origin_state_changes_are_refused() {
    let app = TestApp::spawn().await;
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    // A server function called from another site.
    let r = plain
        .post(app.url("/api/langue"))
        .header("origin", "https://evil.example")
        .form(&[("lang", "en"), ("back", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.headers().get("set-cookie").is_none());
    // A form posted to a page from another site.
    let r = plain
        .post(app.url("/connexion"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("_fn", "/api/connexion"), ("email", "a@b.fr"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // No Origin at all.
    let r = plain.post(app.url("/api/deconnexion")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    // The same request from our own pages is accepted.
    let r = plain
        .post(app.url("/api/langue"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("lang", "en"), ("back", "/")])
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 403);
}

#[tokio::test]
async fn security_headers_and_a_csp_nonce_on_every_page() {
    let app = TestApp::spawn().await;
    let r = app.get("/").await;
    let h = r.headers().clone();
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(csp.contains("object-src 'none'"));
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(h.get("referrer-policy").unwrap(), "same-origin");
    assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain http");
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "scripts carry the CSP nonce");
    // A new nonce for each response.
    let csp2 = app.get("/").await.headers().get("content-security-policy").unwrap().to_str().unwrap().to_string();
    assert_ne!(csp, csp2);
}

#[tokio::test]
async fn only_pages_with_an_island_load_webassembly_and_no_page_waits_for_a_stylesheet() {
    let app = TestApp::spawn().await;
    // Pages without an island: no app JavaScript, no WebAssembly, not even a hint.
    for path in ["/", "/connexion", "/aide", "/mot-de-passe-oublie", "/page-qui-n-existe-pas"] {
        let html = app.new_browser().get(app.url(path)).send().await.unwrap().text().await.unwrap();
        assert!(!html.contains(".wasm") && !html.contains("/pkg/"), "{path} loads no WebAssembly");
        assert!(!html.contains("<script type=\"module\""), "{path}");
        assert!(!html.contains("sesame-assets"), "{path}: the marker never reaches the browser");
        assert!(!html.contains("rel=\"stylesheet\""), "{path}: the style is inline, no request before the first paint");
    }
    // Pages with an island: the loader, with the CSP nonce, started once the page is idle.
    for path in ["/inscription", "/demande-acces"] {
        let r = app.new_browser().get(app.url(path)).send().await.unwrap();
        let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
        let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
        assert!(csp.contains(&format!("style-src 'self' 'nonce-{nonce}'")), "{csp}");
        let html = r.text().await.unwrap();
        assert!(html.contains("<leptos-island"), "{path} has an island");
        assert_eq!(html.matches("<script type=\"module\"").count(), 1, "{path}: {html}");
        assert!(html.contains(&format!("<script type=\"module\" nonce=\"{nonce}\">")), "{path}");
        assert!(html.contains(&format!("<style nonce=\"{nonce}\">")), "{path}");
        assert!(!html.contains("preload"), "{path}: nothing competes with the first paint");
        assert!(!html.contains("sesame-assets"), "{path}");
    }
    // A form re-rendered after a post without JavaScript keeps its island loader.
    let r = app.submit("/inscription", "/api/inscription", &[("email", "pas-une-adresse")]).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("<leptos-island") && html.contains("<script type=\"module\""));
}

#[tokio::test]
async fn static_files_get_long_cache_and_pwa_files_exist_in_the_source() {
    // The built site is not present in unit-test runs; the files it copies are checked here.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("manifest.webmanifest")).unwrap()).unwrap();
    assert_eq!(manifest["display"], "standalone");
    assert_eq!(manifest["start_url"], "/");
    let icons = manifest["icons"].as_array().unwrap();
    for (size, purpose) in [("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")] {
        let icon = icons
            .iter()
            .find(|i| i["sizes"] == size && i["purpose"] == purpose)
            .unwrap_or_else(|| panic!("{size} {purpose}"));
        let file = root.join(icon["src"].as_str().unwrap().trim_start_matches('/'));
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
        assert_eq!(format!("{width}x{width}"), size);
    }
    let sw = std::fs::read_to_string(root.join("sw.js")).unwrap();
    assert!(sw.contains("/offline.html"));
}
