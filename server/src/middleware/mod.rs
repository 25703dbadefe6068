//! HTTP middleware, outermost first: load shedding of password posts, request id and
//! tracing span, access log, security (Origin check, headers, CSP nonce), request context
//! (language, session), forms posted without JavaScript, then the page's inlined stylesheet
//! and, on pages that need it, the island loader.

pub mod access_log;
pub mod context;
pub mod nojs_forms;
pub mod overload;
pub mod page_assets;
pub mod security;
pub mod server_fn_status;
pub mod tracing;
