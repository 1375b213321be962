//! Admin routes: the gap report at `/admin/gaps`. They exist only when an `admin_token` is
//! configured (otherwise they answer 404, as any unknown page), and answer only requests
//! that carry it as `Authorization: Bearer …`. Their answers are never cached and never
//! indexed.

use super::AppState;
use crate::gaps::report::{self, Filter};
use crate::i18n::t;
use crate::lang::Lang;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Whether the request carries the token. Both sides are hashed first so that the
/// comparison, constant-time in blake3's `Hash` equality, takes the same time whatever the
/// length or content of the guess.
pub fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    blake3::hash(given.trim().as_bytes()) == blake3::hash(token.as_bytes())
}

/// No caching anywhere, no search engine.
fn private(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    response
}

pub async fn gaps(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let options = state.options.clone();
    let meta = state.meta();
    let Some(token) = options.admin_token.as_deref().filter(|t| !t.is_empty()) else {
        return private(super::pages::not_found(&meta, meta.site.default_lang));
    };
    if !authorized(&headers, token) {
        let mut r = (
            StatusCode::UNAUTHORIZED,
            "this page needs the admin token: Authorization: Bearer …",
        )
            .into_response();
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"profint admin\""),
        );
        return private(r);
    }
    let params = super::params::Params::parse(raw.as_deref());
    let lang = ui_lang(&params, &headers, &meta);
    let filter = Filter {
        lang: params.get("of").and_then(Lang::parse),
        domain: params
            .get("domain")
            .filter(|d| !d.is_empty())
            .map(str::to_string),
        limit: params.number("n", 50, 500).unwrap_or(50),
    };
    let recorder = options.gaps.clone();
    private(
        super::pages::off_workers(move || {
            let meta = state.meta();
            let reported = recorder.reported();
            let settings = reported.as_ref().map(|r| r.1.clone());
            let gaps = reported
                .map(|(rows, _, _)| report::build(rows, &filter, &state.index(), meta.scope()));
            let path_in = |l: Lang| format!("/admin/gaps?lang={}", l.code());
            let chrome = crate::render::Chrome {
                lang,
                meta: &meta,
                title: t(lang, "gaps.title").to_string(),
                path_in: &path_in,
                page: crate::render::Page::Admin,
                basket: &[],
            };
            let page = crate::render::gaps::page(&chrome, gaps.as_deref(), settings.as_ref());
            axum::response::Html(page.into_string()).into_response()
        })
        .await,
    )
}

/// `?lang=`, else the browser's language, else the site's.
fn ui_lang(
    params: &super::params::Params,
    headers: &HeaderMap,
    meta: &crate::service::Meta,
) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    params
        .get("lang")
        .and_then(Lang::parse)
        .filter(|l| meta.site.languages.contains(l))
        .or_else(|| super::pages::preferred(accept, &meta.site.languages))
        .unwrap_or(meta.site.default_lang)
}
