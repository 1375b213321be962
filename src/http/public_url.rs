//! The address the public reaches the service at, and the one place that spells URLs with it.
//!
//! Absolute URLs (OpenSearch, the widget and iframe snippets, canonical and `hreflang` links,
//! a shared basket) are built from [`PublicUrl`], never from the request's `Host` header,
//! which is client input. With a base path (`https://partner.org/ressources/`), the supported
//! set-up is a reverse proxy that strips the base path before forwarding: the service keeps
//! routing on `/fr/…`, and [`rewrite`] makes every link a page emits carry the base path.
//!
//! The rewrite happens at the edge, on the finished response, so that the pages and the API
//! keep producing root-relative URLs (`/fr/r/…`) and need not know where they are mounted:
//! `href`, `src`, `action` and `data-suggest` attributes of HTML, `url` fields of API JSON,
//! `Location` headers and the cookie path. Without a base path only the canonical and
//! alternate links change (they become absolute).

use axum::body::Body;
use axum::body::HttpBody as _;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Uri};
use axum::middleware::Next;
use axum::response::Response;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

/// A validated public URL: `scheme://host[:port]` and a base path without trailing slash
/// (empty at the root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    origin: String,
    path: String,
}

/// Why a configured public URL was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid public_url `{value}`: {reason}; expected an absolute http(s) URL such as https://search.example.org or https://partner.org/ressources/")]
pub struct PublicUrlError {
    value: String,
    reason: &'static str,
}

impl PublicUrl {
    /// Parses an absolute `http` or `https` URL, with an optional base path and no query,
    /// fragment or credentials.
    pub fn parse(value: &str) -> Result<PublicUrl, PublicUrlError> {
        let fail = |reason| PublicUrlError {
            value: value.chars().take(200).collect(),
            reason,
        };
        let text = value.trim();
        if text.contains(['?', '#']) {
            return Err(fail("it may not carry a query or a fragment"));
        }
        if !text.contains("://") {
            return Err(fail("it is not absolute (it lacks https:// or http://)"));
        }
        let uri: Uri = text.parse().map_err(|_| fail("it is not a URL"))?;
        let scheme = match uri.scheme_str() {
            Some(s @ ("http" | "https")) => s,
            Some(_) => return Err(fail("the scheme must be http or https")),
            None => return Err(fail("it is not absolute")),
        };
        let authority = uri.authority().ok_or_else(|| fail("it names no host"))?;
        if authority.as_str().contains('@') {
            return Err(fail("it may not carry a user name or password"));
        }
        if authority.host().is_empty() {
            return Err(fail("it names no host"));
        }
        let path = uri.path().trim_end_matches('/');
        if path.contains("//") || path.split('/').any(|s| s == "." || s == "..") {
            return Err(fail("its path may not hold empty, `.` or `..` segments"));
        }
        Ok(PublicUrl {
            origin: format!("{scheme}://{}", authority.as_str().to_ascii_lowercase()),
            path: path.to_string(),
        })
    }

    /// `http://{addr}`: the fallback when no public URL is configured.
    pub fn from_addr(addr: SocketAddr) -> PublicUrl {
        PublicUrl {
            origin: format!("http://{addr}"),
            path: String::new(),
        }
    }

    /// `scheme://host[:port]`, as browsers report it in `MessageEvent.origin`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The base path (`/ressources`), empty at the root.
    pub fn base_path(&self) -> &str {
        &self.path
    }

    /// The origin and base path, without trailing slash: prefix of every absolute URL.
    pub fn base(&self) -> String {
        format!("{}{}", self.origin, self.path)
    }

    /// The absolute URL of a root-relative service path (`/fr/search?q=x`).
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}{path}", self.origin, self.path)
    }

    /// A root-relative service path as the public reaches it (with the base path).
    pub fn local(&self, path: &str) -> String {
        format!("{}{path}", self.path)
    }
}

impl Default for PublicUrl {
    fn default() -> Self {
        PublicUrl::from_addr(SocketAddr::from(([127, 0, 0, 1], 8080)))
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/", self.base())
    }
}

/// The public URL from the `--public-url` flag (or `PROFINT_PUBLIC_URL`), else the file's
/// `public_url`; an invalid one stops the start with the reason.
pub fn resolve(
    flag: Option<String>,
    file: &crate::config::FileConfig,
) -> Result<Option<PublicUrl>, PublicUrlError> {
    flag.or_else(|| file.public_url.clone())
        .filter(|v| !v.trim().is_empty())
        .map(|v| PublicUrl::parse(&v))
        .transpose()
}

/// Larger bodies pass through unchanged. Pages are bounded well below it (see `pages.rs`).
const MAX_REWRITE_BYTES: u64 = 16 * 1024 * 1024;

/// Middleware: spells the URLs of a finished response for the public URL.
pub async fn rewrite(State(url): State<Arc<PublicUrl>>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let (mut parts, body) = response.into_parts();
    rewrite_headers(&url, &mut parts.headers);
    let kind = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let html = kind.starts_with("text/html");
    let json = api && kind.starts_with("application/json") && !url.path.is_empty();
    let small = body
        .size_hint()
        .upper()
        .is_some_and(|n| n <= MAX_REWRITE_BYTES);
    if !(html || json) || !small {
        return Response::from_parts(parts, body);
    }
    let bytes = match axum::body::to_bytes(body, MAX_REWRITE_BYTES as usize).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "cannot read a response body to rewrite its links");
            return Response::from_parts(parts, Body::empty());
        }
    };
    // Scanning a page's markup is a few milliseconds of CPU: it runs on the blocking pool,
    // like the page it rewrites, so that `/healthz` and the API keep being answered.
    let rewritten = tokio::task::spawn_blocking(move || {
        let text = String::from_utf8_lossy(&bytes);
        if html {
            rewrite_html(&text, &url)
        } else {
            rewrite_json(&text, &url).unwrap_or_else(|| text.into_owned())
        }
    })
    .await;
    let Ok(out) = rewritten else {
        tracing::error!("the task rewriting a response's links failed");
        return Response::from_parts(parts, Body::empty());
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}

/// `Location: /fr/` and the cookie's `Path=/` under the base path.
fn rewrite_headers(url: &PublicUrl, headers: &mut HeaderMap) {
    if url.path.is_empty() {
        return;
    }
    if let Some(to) = headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_root_relative(v))
        .and_then(|v| HeaderValue::from_str(&url.local(v)).ok())
    {
        headers.insert(header::LOCATION, to);
    }
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            HeaderValue::from_str(&v.replace("; Path=/;", &format!("; Path={};", url.path))).ok()
        })
        .collect();
    if !cookies.is_empty() {
        headers.remove(header::SET_COOKIE);
        for c in cookies {
            headers.append(header::SET_COOKIE, c);
        }
    }
}

/// `/x` but not `//host/x` (protocol-relative, another site).
fn is_root_relative(v: &str) -> bool {
    v.starts_with('/') && !v.starts_with("//")
}

/// Attributes whose root-relative value is a link of the service.
const LINK_ATTRIBUTES: [&str; 4] = ["href", "src", "action", "data-suggest"];

/// Prefixes root-relative link attributes with the base path, and makes the canonical and
/// alternate links absolute. Relies on what maud and ammonia write: attribute values in
/// double quotes, `"` and `<` escaped inside them and in text, so `="/` only occurs as an
/// attribute's start and the last `<` before it opens the tag it belongs to.
pub fn rewrite_html(html: &str, url: &PublicUrl) -> String {
    let mut out = String::with_capacity(html.len() + 1024);
    let mut done = 0;
    for (at, _) in html.match_indices("=\"/") {
        let value = at + 2;
        if html[value..].starts_with("//") || !LINK_ATTRIBUTES.contains(&attribute_before(html, at))
        {
            continue;
        }
        out.push_str(&html[done..value]);
        let tag_start = html[..at].rfind('<').unwrap_or(0);
        if is_absolute_link(&html[tag_start..at]) {
            out.push_str(&url.base());
        } else {
            out.push_str(&url.path);
        }
        done = value;
    }
    out.push_str(&html[done..]);
    out
}

/// The attribute name that ends just before `=` at `at`.
fn attribute_before(html: &str, at: usize) -> &str {
    let before = &html[..at];
    let start = before
        .rfind(|c: char| c.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &before[start..]
}

/// `<link rel="canonical"` and `<link rel="alternate"`: addresses for search engines and
/// other sites, which must be absolute.
fn is_absolute_link(tag: &str) -> bool {
    tag.starts_with("<link ")
        && (tag.contains(" rel=\"canonical\"") || tag.contains(" rel=\"alternate\""))
}

/// `url` fields of API answers (hits, resources) under the base path.
fn rewrite_json(text: &str, url: &PublicUrl) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_str(text).ok()?;
    prefix_urls(&mut value, url);
    serde_json::to_string(&value).ok()
}

fn prefix_urls(value: &mut serde_json::Value, url: &PublicUrl) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(s) if key == "url" && is_root_relative(s) => {
                        *s = url.local(s);
                    }
                    other => prefix_urls(other, url),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| prefix_urls(v, url)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        let u = PublicUrl::parse("https://Partner.org/ressources/").unwrap();
        assert_eq!(u.origin(), "https://partner.org");
        assert_eq!(u.base_path(), "/ressources");
        assert_eq!(u.absolute("/fr/"), "https://partner.org/ressources/fr/");
        let root = PublicUrl::parse("http://search.example:8443").unwrap();
        assert_eq!(root.base_path(), "");
        assert_eq!(root.to_string(), "http://search.example:8443/");
    }

    #[test]
    fn refuses_what_is_not_an_absolute_http_url() {
        for bad in [
            "",
            "search.example.org",
            "/ressources",
            "ftp://x.org",
            "https://",
            "https://user:pw@x.org",
            "https://x.org/?q=1",
            "https://x.org/#top",
            "https://x.org/a/../b",
            "https://x.org/a//b",
            "https://x .org",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn html_links_carry_the_base_path_and_canonical_links_are_absolute() {
        let u = PublicUrl::parse("https://p.org/r/").unwrap();
        let html = r#"<link rel="canonical" href="/fr/"><link rel="stylesheet" href="/assets/a.css"><a href="/fr/r/x">x</a><a href="//other.org/">o</a><a href="https://e.org/">e</a><form action="/fr/search"><input data-suggest="/api/suggest?lang=fr"><p>title="/not-a-link"</p>"#;
        let out = rewrite_html(html, &u);
        assert!(
            out.contains(r#"<link rel="canonical" href="https://p.org/r/fr/">"#),
            "{out}"
        );
        assert!(out.contains(r#"href="/r/assets/a.css""#), "{out}");
        assert!(out.contains(r#"<a href="/r/fr/r/x">"#), "{out}");
        assert!(out.contains(r#"href="//other.org/""#), "{out}");
        assert!(out.contains(r#"action="/r/fr/search""#), "{out}");
        assert!(
            out.contains(r#"data-suggest="/r/api/suggest?lang=fr""#),
            "{out}"
        );
        assert!(out.contains(r#"title="/not-a-link""#), "{out}");
    }

    #[test]
    fn json_urls_carry_the_base_path() {
        let u = PublicUrl::parse("https://p.org/r").unwrap();
        let out = rewrite_json(
            r#"{"hits":[{"url":"/fr/r/x","title":"/t"}],"url":"//x"}"#,
            &u,
        )
        .unwrap();
        assert_eq!(
            out,
            r#"{"hits":[{"title":"/t","url":"/r/fr/r/x"}],"url":"//x"}"#
        );
    }
}
