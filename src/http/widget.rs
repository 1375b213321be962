//! The embeddable widget: `/widget.js` (a custom element), `/embed` (the same search in an
//! iframe-able page) and `/widget` (demo, snippets, attributes and theming).

use super::AppState;
use crate::i18n::t;
use crate::lang::Lang;
use crate::render::{widget, Chrome};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};

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

pub async fn embed(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let (lang, params) = param_lang(&state, raw.as_deref());
    let domain = id_list(params.all("domain"));
    let kind = id_list(params.all("type"));
    let results = params.number("results", 8, 20).unwrap_or(8);
    let page = widget::embed(lang, &domain, &kind, results);
    let mut response = Html(page.into_string()).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "default-src 'self'; style-src 'self' 'unsafe-inline'; {}",
        frame_ancestors(&state.options.allowed_origins)
    )) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

pub async fn page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let (lang, _) = param_lang(&state, raw.as_deref());
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
    let path_in = |l: Lang| format!("/widget?lang={}", l.code());
    let chrome = Chrome {
        lang,
        meta: &meta,
        title: t(lang, "widget.title").to_string(),
        path_in: &path_in,
        page: crate::render::Page::Widget,
        basket: &[],
    };
    Html(widget::page(&chrome, &script_tag, &iframe_tag).into_string()).into_response()
}
