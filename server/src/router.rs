//! Router assembly: health check, server functions, pages, static files, middleware.

use crate::middleware::tracing::{REQUEST_ID, RandomRequestId, drop_client_request_id, request_span};
use crate::middleware::{
    access_log::access_log, context::request_context, nojs_forms::nojs_forms, security::security, server_fn_status,
};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sesame_app::platform::AppState;
use sesame_app::professional::store::DocumentRight;
use sesame_app::{App, shell};
use std::path::PathBuf;
use std::time::Duration;
use tower::ServiceExt;
use tower::util::MapRequestLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Builds the complete HTTP application.
pub fn build(state: AppState, addressing: std::sync::Arc<crate::middleware::context::ClientAddressing>) -> Router {
    let routes = generate_route_list(App);
    let ctx_state = state.clone();
    let site_root = PathBuf::from(state.leptos_options.site_root.as_ref());

    let routes = Router::new()
        .route("/healthz", get(healthz))
        .route("/mes-resultats/{id}/pdf", get(patient_pdf))
        .route(sesame_app::my_data::pages::EXPORT_PATH, axum::routing::post(my_data_export))
        .route(sesame_app::my_data::pages::EXPORT_FILE_PATH, axum::routing::post(my_data_export_file))
        .route("/resultats/{id}/pdf", get(|s, c, p, q| professional_pdf(s, c, p, q, DocumentRight::Results)))
        .route("/factures/{id}/pdf", get(|s, c, p, q| professional_pdf(s, c, p, q, DocumentRight::Invoices)))
        .leptos_routes_with_context(&state, routes, move || provide_context(ctx_state.clone()), shell)
        .fallback(move |state: State<AppState>, req: Request| static_or_not_found(state, site_root.clone(), req))
        .with_state(state.clone());

    // Middleware wraps the routed app from the outside, so it runs before routing: a form
    // posted to a page (a GET route) is turned into a server-function call and a GET.
    let browser = Router::new()
        .fallback_service(routes)
        .layer(middleware::from_fn(server_fn_status::server_fn_status))
        .layer(middleware::from_fn_with_state(state.clone(), crate::middleware::page_assets::page_assets))
        .layer(middleware::from_fn_with_state(state.clone(), nojs_forms))
        .layer(middleware::from_fn_with_state(
            crate::middleware::context::ContextState { app: state.clone(), addressing },
            request_context,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), security))
        // Pages are compressed as they are answered: brotli's default quality (11) costs
        // milliseconds of CPU per page, quality 4 (its fast hasher) a fraction of that for a
        // few more bytes. Static files are served already compressed at the best quality.
        .layer(CompressionLayer::new().br(true).gzip(true).quality(tower_http::CompressionLevel::Precise(4)))
        .layer(RequestBodyLimitLayer::new(1024 * 1024));

    // The lab system's API sits beside the browser app, outside its session, Origin and
    // body-size layers: machines authenticate by bearer token only, and send PDFs.
    Router::new()
        .nest(crate::lab_api::BASE, crate::lab_api::router(state.clone()))
        .fallback_service(browser)
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(CatchPanicLayer::new())
        .layer(middleware::from_fn(access_log))
        // The span wraps everything inside, the access log line included; the id is set
        // first and returned in the answer.
        .layer(TraceLayer::new_for_http().make_span_with(request_span).on_request(()).on_response(()).on_failure(()))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, RandomRequestId))
        .layer(MapRequestLayer::new(drop_client_request_id))
        // Outermost: a password post refused under overload costs nothing else.
        .layer(middleware::from_fn_with_state(state.clone(), crate::middleware::overload::shed_password_load))
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => {
            let pending = sesame_app::platform::mail::outbox::pending_count(&state.db).await.unwrap_or(-1);
            Json(serde_json::json!({ "status": "ok", "database": "ok", "mail_pending": pending })).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "error", "database": "unreachable" })))
                .into_response()
        }
    }
}

/// What `/mes-resultats/{id}/pdf` may be asked.
#[derive(Debug, serde::Deserialize)]
struct PdfQuery {
    /// A version other than the latest.
    version: Option<i64>,
    /// Present: download rather than show.
    telecharger: Option<String>,
}

/// `GET /mes-resultats/{id}/pdf`: a patient's report, shown in the browser (or downloaded),
/// never cached, the opening recorded. Signed out: sent to sign in, then back to the report.
async fn patient_pdf(
    State(state): State<AppState>,
    axum::Extension(ctx): axum::Extension<sesame_app::platform::RequestContext>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::extract::Query(q): axum::extract::Query<PdfQuery>,
) -> Response {
    let download = q.telecharger.is_some();
    let opened = sesame_app::reports::flows::open_for_patient(&state, &ctx, id, q.version, download).await;
    pdf_answer(opened, &ctx, download, &format!("/mes-resultats/{id}"))
}

/// `GET /resultats/{id}/pdf` and `/factures/{id}/pdf`: a professional's document, when their
/// right and sites cover it (403 otherwise, whether it exists or not).
async fn professional_pdf(
    State(state): State<AppState>,
    axum::Extension(ctx): axum::Extension<sesame_app::platform::RequestContext>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::extract::Query(q): axum::extract::Query<PdfQuery>,
    kind: DocumentRight,
) -> Response {
    let download = q.telecharger.is_some();
    let opened = sesame_app::reports::flows::open_for_professional(&state, &ctx, kind, id, download).await;
    let back = if kind == DocumentRight::Results { "/resultats" } else { "/factures" };
    pdf_answer(opened, &ctx, download, back)
}

/// `POST /api/mes-donnees`: the signed-in person's data (**Télécharger mes données**): the
/// ZIP at once, never cached, or — for a large account — a `303` to `/mon-compte/export`,
/// which says it is being prepared. A POST (it records openings of their reports), behind
/// the Origin check like every state change.
async fn my_data_export(
    State(state): State<AppState>,
    axum::Extension(ctx): axum::Extension<sesame_app::platform::RequestContext>,
) -> Response {
    use sesame_app::my_data::export::Requested;
    match sesame_app::my_data::export::request(&state, &ctx).await {
        Ok(Requested::File(bytes)) => zip_answer(bytes),
        Ok(Requested::Queued) => axum::response::Redirect::to(sesame_app::my_data::pages::EXPORT_PAGE).into_response(),
        Err(e) => export_refusal(e, &ctx),
    }
}

/// `POST /api/mes-donnees/fichier`: the export prepared in the background, from its sealed
/// storage, never cached (the download is recorded).
async fn my_data_export_file(
    State(state): State<AppState>,
    axum::Extension(ctx): axum::Extension<sesame_app::platform::RequestContext>,
) -> Response {
    match sesame_app::my_data::export::download(&state, &ctx).await {
        Ok(bytes) => zip_answer(bytes),
        Err(e) => export_refusal(e, &ctx),
    }
}

/// A data export as a file to save.
fn zip_answer(bytes: Vec<u8>) -> Response {
    let mut res = (StatusCode::OK, bytes).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    let disposition = format!("attachment; filename=\"{}\"", sesame_app::my_data::export::FILE_NAME);
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

/// Why a data export was refused: sign in or confirm the password first (and come back to
/// the export page), or the error's own status.
fn export_refusal(e: sesame_app::error::FlowError, ctx: &sesame_app::platform::RequestContext) -> Response {
    use sesame_app::error::AppError;
    let back = sesame_app::my_data::pages::EXPORT_PAGE;
    match AppError::from(e) {
        AppError::SignInRequired | AppError::SessionExpired => {
            axum::response::Redirect::to(&format!("/connexion?suite={back}")).into_response()
        }
        AppError::PasswordRequired => {
            axum::response::Redirect::to(&format!("/mon-compte/confirmer?suite={back}")).into_response()
        }
        other => {
            let mut res =
                (StatusCode::from_u16(other.status()).unwrap_or(StatusCode::FORBIDDEN), other.message(ctx.lang))
                    .into_response();
            if let AppError::RateLimited(secs) = other
                && let Ok(v) = HeaderValue::from_str(&secs.to_string())
            {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
    }
}

/// The answer for an opened document (or the refusal).
fn pdf_answer(
    opened: sesame_app::error::FlowResult<sesame_app::reports::flows::OpenedDocument>,
    ctx: &sesame_app::platform::RequestContext,
    download: bool,
    back: &str,
) -> Response {
    use sesame_app::error::AppError;
    match opened {
        Ok(doc) => {
            let disposition =
                format!("{}; filename=\"{}\"", if download { "attachment" } else { "inline" }, doc.file_name);
            let mut res = (StatusCode::OK, doc.bytes).into_response();
            let headers = res.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            res
        }
        Err(e) => match AppError::from(e) {
            AppError::SignInRequired | AppError::SessionExpired => {
                axum::response::Redirect::to(&format!("/connexion?suite={back}")).into_response()
            }
            AppError::PasswordRequired => {
                axum::response::Redirect::to(&format!("/mon-compte/confirmer?suite={back}")).into_response()
            }
            other => (StatusCode::from_u16(other.status()).unwrap_or(StatusCode::FORBIDDEN), other.message(ctx.lang))
                .into_response(),
        },
    }
}

/// How long browsers may keep a static file.
fn cache_control(path: &str) -> &'static str {
    if path.starts_with("/pkg/") {
        // File names carry a content hash (cargo-leptos `hash-files`).
        "public, max-age=31536000, immutable"
    } else if path == "/sw.js" || path == "/sw-register.js" || path == "/manifest.webmanifest" {
        "no-cache"
    } else {
        "public, max-age=86400"
    }
}

/// Serves a built static file (pre-compressed brotli/gzip when the browser accepts it), or
/// renders the 404 page.
async fn static_or_not_found(State(state): State<AppState>, site_root: PathBuf, req: Request) -> Response {
    let path = req.uri().path().to_string();
    if matches!(*req.method(), Method::GET | Method::HEAD) && !path.ends_with('/') {
        let mut file_req = Request::builder().method(req.method()).uri(req.uri());
        for (k, v) in req.headers() {
            file_req = file_req.header(k, v);
        }
        if let Ok(file_req) = file_req.body(Body::empty()) {
            let Ok(res) = ServeDir::new(&site_root).precompressed_br().precompressed_gzip().oneshot(file_req).await;
            if res.status() != StatusCode::NOT_FOUND {
                let mut res = res.map(Body::new);
                res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control(&path)));
                return res;
            }
        }
    }
    let ctx_state = state.clone();
    let render = leptos_axum::render_app_async_with_context(move || provide_context(ctx_state.clone()), shell);
    let mut res = render(req).await.into_response();
    if res.status() == StatusCode::OK {
        *res.status_mut() = StatusCode::NOT_FOUND;
    }
    res
}
