//! The embeddable widget: `/widget.js` (a custom element), `/embed` (the same search in an
//! iframe-able page) and `/{lang}/widget` (demo, snippets, attributes and theming).

use super::lang::PageLang;
use super::AppState;
use crate::i18n::t;
use crate::lang::Lang;
use crate::render::{widget, Chrome};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};

pub const WIDGET_JS: &str = include_str!("../../views/widget.js");

pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // Partners embed a fixed URL: cache for an hour, not forever.
            (header::CACHE_CONTROL, "public, max-age=3600"),
            (
                header::HeaderName::from_static("cross-origin-resource-policy"),
                "cross-origin",
            ),
        ],
        WIDGET_JS,
    )
        .into_response()
}

fn param_lang(state: &AppState, raw: Option<&str>) -> (Lang, super::params::Params) {
    let params = super::params::Params::parse(raw);
    let meta = state.meta();
    let lang = params
        .lang(meta.site.default_lang)
        .unwrap_or(meta.site.default_lang);
    (lang, params)
}

/// Keeps only characters that can appear in domain and type ids.
fn id_list(values: Vec<String>) -> String {
    values
        .iter()
        .map(|v| {
            v.chars()
                .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
                .collect::<String>()
        })
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

/// `frame-ancestors` value: the partner allow-list, or any site when there is none.
pub fn frame_ancestors(allowed: &[String]) -> String {
    if allowed.is_empty() {
        "frame-ancestors *".to_string()
    } else {
        format!("frame-ancestors 'self' {}", allowed.join(" "))
    }
}

/// `scheme://host[:port]` of a URL, lowercase, as browsers spell an origin.
fn origin_of(url: &str) -> Option<String> {
    let uri: axum::http::Uri = url.parse().ok()?;
    Some(format!("{}://{}", uri.scheme_str()?, uri.authority()?).to_ascii_lowercase())
}

/// The site framing this request when it is not allowed to: with an allow-list, an iframe
/// load (`Sec-Fetch-Dest: iframe`, when the browser says) whose `Referer` names another origin
/// than the service's own and the listed ones. Without a Referer nothing is known, and the
/// browser enforces `frame-ancestors` as always.
fn refused_framer(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let allowed = &state.options.allowed_origins;
    let dest = headers.get("sec-fetch-dest").and_then(|v| v.to_str().ok());
    if allowed.is_empty() || dest.is_some_and(|d| d != "iframe") {
        return None;
    }
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let framer = origin_of(referer)?;
    let own = state.options.public_url().origin().to_ascii_lowercase();
    let listed = allowed
        .iter()
        .any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(&framer));
    (!listed && framer != own).then_some(framer)
}

fn with_csp(mut response: Response, csp: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(csp) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

/// `/embed`: the search for an iframe, which only the allowed sites may frame. A site that
/// is not allowed gets, instead of a frame the browser refuses to show, a page that says so
/// (it holds no search, so any site may show it).
pub async fn embed(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (lang, params) = param_lang(&state, raw.as_deref());
    const OWN: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'";
    if let Some(framer) = refused_framer(&state, &headers) {
        let page = widget::refused(lang, &framer);
        let response = Html(page.into_string()).into_response();
        return with_csp(response, &format!("{OWN}; frame-ancestors *"));
    }
    let domain = id_list(params.all("domain"));
    let kind = id_list(params.all("type"));
    let results = params.number("results", 8, 20).unwrap_or(8);
    let page = widget::embed(lang, &domain, &kind, results);
    let response = Html(page.into_string()).into_response();
    let csp = format!("{OWN}; {}", frame_ancestors(&state.options.allowed_origins));
    with_csp(response, &csp)
}

/// `/widget?lang=sv`, the instructions' first address: kept working, as a permanent redirect
/// to `/sv/widget`.
pub async fn old_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let (lang, _) = param_lang(&state, raw.as_deref());
    Redirect::permanent(&format!("/{}/widget", lang.code())).into_response()
}

/// `/{lang}/widget`: the instructions for partners, with a live demo.
pub async fn page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
) -> Response {
    let basket = super::pack::cookie_ids(&headers);
    let meta = state.meta();
    let public = state.options.public_url();
    let (base, origin) = (public.base(), public.origin());
    let script_tag = format!(
        "<script src=\"{base}/widget.js\" defer></script>\n<profint-search lang=\"{}\" results=\"8\"></profint-search>",
        lang.code()
    );
    let iframe_tag = format!(
        "<iframe src=\"{base}/embed?lang={}\" title=\"PROFINT\" style=\"width:100%;border:0\" id=\"profint\"></iframe>\n<script>\n  addEventListener(\"message\", function (e) {{\n    if (e.origin === \"{origin}\" && e.data && e.data.type === \"profint:height\")\n      document.getElementById(\"profint\").style.height = e.data.height + \"px\";\n  }});\n</script>",
        lang.code()
    );
    let path_in = |l: Lang| format!("/{}/widget", l.code());
    let chrome = Chrome {
        lang,
        meta: &meta,
        title: t(lang, "widget.title").to_string(),
        path_in: &path_in,
        page: crate::render::Page::Widget,
        basket: &basket,
    };
    let html = widget::page(&chrome, &script_tag, &iframe_tag).into_string();
    ([(header::VARY, "Cookie")], Html(html)).into_response()
}
