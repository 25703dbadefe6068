//! Request tracing: every request gets an id of its own (`x-request-id`, in the answer too,
//! so a person reporting a problem can quote it) and a `request` span carrying that id,
//! the method and the path — never the query string, which may carry tokens, nor any
//! address or name. Everything logged while the request runs (the flow's own span, an
//! internal error) is inside that span, so a log line names the request and the flow.
//! An id sent by the client is replaced: what it holds is not ours to log.

use axum::extract::Request;
use axum::http::HeaderName;
use tower_http::request_id::{MakeRequestId, RequestId};

/// The header carrying the request id.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Makes random request ids: 16 hexadecimal characters.
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        let mut id = sesame_app::platform::crypto::random_token();
        id.truncate(16);
        axum::http::HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// Removes a request id the client sent, before ours is set.
pub fn drop_client_request_id(mut req: Request) -> Request {
    req.headers_mut().remove(REQUEST_ID);
    req
}

/// The `request` span of one request.
pub fn request_span(req: &Request) -> tracing::Span {
    let id = req.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
}
