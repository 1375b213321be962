//! Old addresses (`redirects.yaml`) answered with 301 to the resource page they moved to.
//!
//! This runs around the router rather than in its fallback: with WordPress-style permalinks
//! many old paths have one segment (`/mon-article/`), which the router gives to the
//! `/{lang}/` pages (they answer 404 for an unknown language) or to `/{lang}` (a trailing-slash
//! redirect), so the fallback never sees them. Looking up only answers that would be 404, or
//! that trailing-slash redirect, means an entry can never hide a page the service serves.

use super::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// What may stay unencoded in one path segment of the target (RFC 3986 pchar less `%`).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Middleware: a GET or HEAD for an old address gets 301 to `/{lang}/r/{id}`.
pub async fn old_addresses(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    if !is_read || path.starts_with("/api/") {
        return response;
    }
    if response.status() != StatusCode::NOT_FOUND && !is_trailing_slash_redirect(&response, &path) {
        return response;
    }
    let meta = state.meta();
    let Some(target) = meta.redirects.lookup(&path) else {
        return response;
    };
    let location = target_path(target.lang.code(), &target.id);
    match HeaderValue::from_str(&location) {
        Ok(value) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, value)]).into_response(),
        Err(_) => response,
    }
}

/// `/{lang}` answers `/{lang}/` for any one segment; for an old address that is not the answer.
fn is_trailing_slash_redirect(response: &Response, path: &str) -> bool {
    response.status().is_redirection()
        && response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|location| location.strip_suffix('/') == Some(path))
}

/// The resource page, built from the id alone (each segment percent-encoded), so the target is
/// always a path of this site whatever the file says.
pub fn target_path(lang: &str, id: &str) -> String {
    let segments: Vec<String> = id
        .split('/')
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
        .collect();
    format!("/{lang}/r/{}", segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_stay_on_this_site() {
        assert_eq!(target_path("fr", "cases/x"), "/fr/r/cases/x");
        assert_eq!(target_path("en", "R2.3"), "/en/r/R2.3");
        assert_eq!(
            target_path("fr", "//evil.example/../x y?"),
            "/fr/r/evil.example/x%20y%3F"
        );
    }
}
