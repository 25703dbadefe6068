//! HTTP middleware, outermost first: load shedding of password posts, request id and
//! tracing span, access log, security (Origin check, headers, CSP nonce), request context
//! (language, session), the island loader on pages that need it, forms posted without
//! JavaScript.

pub mod access_log;
pub mod context;
pub mod islands;
pub mod nojs_forms;
pub mod overload;
pub mod security;
pub mod server_fn_status;
pub mod tracing;
