//! HTTP middleware, outermost first: request id and tracing span, access log, security
//! (Origin check, headers, CSP nonce), request context (language, session), forms posted
//! without JavaScript.

pub mod access_log;
pub mod context;
pub mod nojs_forms;
pub mod security;
pub mod server_fn_status;
pub mod tracing;
