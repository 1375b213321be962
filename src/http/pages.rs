//! Page handlers: they gather what a page shows from the search layer and hand it to
//! `render`. Unknown languages, resources and domains get the HTML not-found page.

use super::lang::PageLang;
use super::AppState;
use crate::content::ResourceType;
use crate::i18n::t;
use crate::lang::Lang;
use crate::render::{self, pages, Chrome, Page};
use crate::search::{self, related, SearchRequest};
use crate::service::Meta;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;

/// The largest page the service sends. Inputs are bounded so that no page comes near it; if
/// one ever does, the visitor gets a short error instead of megabytes held in memory.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// A page as sent: no larger than [`MAX_PAGE_BYTES`], revalidated on each visit, and
/// varying with the cookie (the header shows the visitor's session, cards their state).
pub fn page(markup: Markup) -> Response {
    let html = markup.into_string();
    if html.len() > MAX_PAGE_BYTES {
        tracing::warn!(bytes = html.len(), "page over the size bound refused");
        return (
            StatusCode::BAD_REQUEST,
            "this request would make a page too large; use fewer filters or a shorter query",
        )
            .into_response();
    }
    (
        [
            (header::CACHE_CONTROL, "no-cache"),
            (header::VARY, "Cookie"),
        ],
        axum::response::Html(html),
    )
        .into_response()
}

fn chrome<'a>(
    lang: Lang,
    meta: &'a Meta,
    title: String,
    path_in: &'a dyn Fn(Lang) -> String,
    page: Page,
    basket: &'a [String],
) -> Chrome<'a> {
    Chrome {
        lang,
        meta,
        title,
        path_in,
        page,
        basket,
    }
}

/// The not-found page, in `lang` when known.
pub fn not_found(meta: &Meta, lang: Lang) -> Response {
    not_found_with(meta, lang, &[])
}

/// The not-found page of a handler that knows the visitor's session (its header shows it).
fn not_found_with(meta: &Meta, lang: Lang, basket: &[String]) -> Response {
    let path_in = |l: Lang| format!("/{}/", l.code());
    let c = chrome(
        lang,
        meta,
        t(lang, "notfound.title").to_string(),
        &path_in,
        Page::NotFound,
        basket,
    );
    (StatusCode::NOT_FOUND, page(pages::not_found(&c))).into_response()
}

/// `/`: the visitor's language from Accept-Language, else the site default.
pub async fn root(State(state): State<AppState>, headers: HeaderMap) -> Redirect {
    let meta = state.meta();
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let lang = preferred(accept, &meta.site.languages).unwrap_or(meta.site.default_lang);
    Redirect::to(&format!("/{}/", lang.code()))
}

/// The best supported language of an Accept-Language header, honouring q-values.
pub fn preferred(accept: &str, supported: &[Lang]) -> Option<Lang> {
    let mut ranked: Vec<(f32, usize, Lang)> = Vec::new();
    for (i, part) in accept.split(',').enumerate() {
        let mut pieces = part.trim().split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|v| v.parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(lang) = Lang::parse(primary).filter(|l| supported.contains(l)) {
            if q > 0.0 {
                ranked.push((q, i, lang));
            }
        }
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map(|r| r.2)
}

/// `/fr` → `/fr/`. Only a language of the site is redirected: the segment is client input,
/// and `/%2Fevil.example` would otherwise send the browser to `//evil.example/`.
pub async fn lang_root(PageLang(lang): PageLang) -> Response {
    Redirect::permanent(&format!("/{}/", lang.code())).into_response()
}

/// Gathers and renders a page on the blocking pool: index work and markup never hold an async
/// worker (other requests, `/healthz` among them, keep being answered), and the request
/// timeout answers while a slow page is still being built.
pub async fn off_workers(work: impl FnOnce() -> Response + Send + 'static) -> Response {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "page task failed");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}

/// The ids in the visitor's session basket.
fn basket(headers: &HeaderMap) -> Vec<String> {
    super::pack::cookie_ids(headers)
}

pub async fn home(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
) -> Response {
    off_workers(move || home_page(&state, lang, &basket(&headers))).await
}

fn home_page(state: &AppState, lang: Lang, basket: &[String]) -> Response {
    let meta = state.meta();
    let browse = match search::search(&state.index(), meta.scope(), &SearchRequest::new("", lang)) {
        Ok(b) => b,
        Err(e) => return super::error::ApiError::from(e).into_response(),
    };
    let path_in = |l: Lang| format!("/{}/", l.code());
    let title = t(lang, "breadcrumb.home").to_string();
    page(pages::home(
        &chrome(lang, &meta, title, &path_in, Page::Home, basket),
        &browse,
    ))
}

pub async fn search_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    off_workers(move || results_page(&state, lang, raw.as_deref(), &basket(&headers))).await
}

fn results_page(state: &AppState, lang: Lang, raw: Option<&str>, basket: &[String]) -> Response {
    let meta = state.meta();
    let params = super::params::Params::parse(raw);
    let q: String = params
        .get("q")
        .unwrap_or("")
        .chars()
        .take(search::MAX_QUERY_CHARS)
        .collect();
    // Pages are forgiving where the API is strict: unknown and repeated filter values are
    // dropped (each value repeated would otherwise be a chip linking to all the others).
    let mut domains: Vec<String> = Vec::new();
    for d in params.all("domain") {
        if meta.domains.iter().any(|x| x.id == d) && !domains.contains(&d) {
            domains.push(d);
        }
    }
    let mut types: Vec<ResourceType> = Vec::new();
    for t in params
        .all("type")
        .iter()
        .filter_map(|t| ResourceType::parse(t))
    {
        if !types.contains(&t) {
            types.push(t);
        }
    }
    let req = SearchRequest {
        q: q.clone(),
        lang,
        domains,
        types,
        page: params.number("page", 1, search::MAX_DEPTH).unwrap_or(1),
        per_page: 10,
        snippets: true,
    };
    let answer = match search::search(&state.index(), meta.scope(), &req) {
        Ok(a) => a,
        Err(e) => return super::error::ApiError::from(e).into_response(),
    };
    state.options.gaps.observe(&req, &answer);
    let pathway = if req.page == 1 {
        let fallback = &meta.site.fallback;
        search::pathway::pathway(
            &state.index(),
            lang,
            fallback,
            answer.query_terms,
            &answer.hits,
        )
    } else {
        None
    };
    let path_in = |l: Lang| pages::search_url(l, &req.q, &req.domains, &req.types, req.page);
    let title = if q.is_empty() {
        t(lang, "search.title").to_string()
    } else {
        format!("{q} – {}", t(lang, "search.title"))
    };
    page(pages::search(
        &chrome(lang, &meta, title, &path_in, Page::Search, basket),
        &req,
        &answer,
        answer.did_you_mean.as_deref(),
        pathway.as_ref(),
    ))
}

pub async fn resource_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Path((_, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    off_workers(move || reading_page(&state, lang, &id, &basket(&headers))).await
}

fn reading_page(state: &AppState, lang: Lang, id: &str, basket: &[String]) -> Response {
    let meta = state.meta();
    let index = state.index();
    let searcher = index.searcher();
    let resource = match index.find(&searcher, id) {
        Ok(Some(r)) => r,
        Ok(None) => return not_found_with(&meta, lang, basket),
        Err(e) => return super::error::ApiError::from(e).into_response(),
    };
    let fallback = &meta.site.fallback;
    let mut recommendations = Vec::new();
    for rec in &resource.recommendations {
        if let Ok(Some(r)) = index.find(&searcher, rec) {
            let title = r.version(lang, fallback).text.title.clone();
            recommendations.push((r.id.clone(), title));
        }
    }
    let vectors = meta.scope().semantic.map(|s| s.vectors());
    let related = match related::related(&index, &resource, lang, fallback, 5, vectors.as_deref()) {
        Ok(r) => r,
        Err(e) => return super::error::ApiError::from(e).into_response(),
    };
    let title = resource.version(lang, fallback).text.title.clone();
    let rid = resource.id.clone();
    let path_in = move |l: Lang| crate::content::page_path(l, &rid);
    page(pages::resource(
        &chrome(lang, &meta, title, &path_in, Page::Resource, basket),
        &resource,
        &recommendations,
        &related,
    ))
}

pub async fn domain_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Path((_, domain)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    off_workers(move || domain_listing(&state, lang, &domain, &basket(&headers))).await
}

fn domain_listing(state: &AppState, lang: Lang, domain: &str, basket: &[String]) -> Response {
    let meta = state.meta();
    let Some(d) = meta.domains.iter().find(|x| x.id == domain) else {
        return not_found_with(&meta, lang, basket);
    };
    let index = state.index();
    let mut groups = Vec::new();
    for kind in ResourceType::ALL {
        let mut req = SearchRequest::new("", lang);
        req.domains = vec![d.id.clone()];
        req.types = vec![kind];
        req.per_page = 50;
        match search::search(&index, meta.scope(), &req) {
            Ok(a) => groups.push((kind, a.hits, a.total)),
            Err(e) => return super::error::ApiError::from(e).into_response(),
        }
    }
    let did = d.id.clone();
    let path_in = move |l: Lang| format!("/{}/domains/{did}", l.code());
    page(pages::domain(
        &chrome(
            lang,
            &meta,
            d.label(lang).to_string(),
            &path_in,
            Page::Domain,
            basket,
        ),
        d,
        &groups,
    ))
}

pub async fn asset(Path(name): Path<String>) -> Response {
    match render::assets::lookup(&name) {
        Some((kind, body)) => (
            [
                (header::CONTENT_TYPE, kind),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

/// `/favicon.ico`, which browsers ask for on their own: the site's icon.
pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, crate::render::assets::ICON_TYPE),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        crate::render::assets::ICON,
    )
        .into_response()
}

pub async fn opensearch(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let meta = state.meta();
    let params = super::params::Params::parse(raw.as_deref());
    let lang = params
        .lang(meta.site.default_lang)
        .unwrap_or(meta.site.default_lang);
    let base = state.options.public_url().base();
    let title = meta.site_title(lang);
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>{}</ShortName>
  <Description>{}</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <Language>{}</Language>
  <Url type="text/html" method="get" template="{base}/{}/search?q={{searchTerms}}"/>
  <Url type="application/x-suggestions+json" template="{base}/api/suggest?lang={}&amp;format=opensearch&amp;q={{searchTerms}}"/>
</OpenSearchDescription>
"#,
        search::escape_html(&title),
        search::escape_html(t(lang, "opensearch.description")),
        lang.code(),
        lang.code(),
        lang.code()
    );
    (
        [(
            header::CONTENT_TYPE,
            "application/opensearchdescription+xml; charset=utf-8",
        )],
        xml,
    )
        .into_response()
}
