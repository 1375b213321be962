//! Session packs and the session basket. The basket needs no account: it lives in a cookie
//! (so it works without JavaScript) and in its page's URL (so it can be shared).

use super::lang::PageLang;
use super::AppState;
use crate::content::{Resource, ResourceType};
use crate::i18n::t;
use crate::lang::Lang;
use crate::render::pack::{self, Group, Mode, Pack};
use crate::render::{basket, Chrome};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};

const COOKIE: &str = "profint_session";
const MAX_ITEMS: usize = 50;

fn not_found(state: &AppState, lang: Lang) -> Response {
    super::pages::not_found(&state.meta(), lang)
}

fn today() -> String {
    crate::service::now().chars().take(10).collect()
}

/// The pack as a page, or as a downloadable self-contained file.
fn respond(p: &Pack, download: bool, filename: &str) -> Response {
    if download {
        let body = pack::render(p, Mode::Offline).into_string();
        let disposition = format!("attachment; filename=\"{filename}\"");
        let mut r = Html(body).into_response();
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        r
    } else {
        Html(pack::render(p, Mode::Online).into_string()).into_response()
    }
}

pub async fn module_pack(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Path((_, slug)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    super::pages::off_workers(move || module_pack_page(&state, lang, &slug, raw.as_deref())).await
}

fn module_pack_page(state: &AppState, lang: Lang, slug: &str, raw: Option<&str>) -> Response {
    let index = state.index();
    let searcher = index.searcher();
    let found = index
        .find(&searcher, &format!("modules/{slug}"))
        .ok()
        .flatten()
        .or_else(|| index.find(&searcher, slug).ok().flatten());
    let Some(module) = found.filter(|r| r.kind == ResourceType::Module) else {
        return not_found(state, lang);
    };
    let load = |ids: &[String]| -> Vec<Resource> {
        ids.iter()
            .filter_map(|id| index.find(&searcher, id).ok().flatten())
            .collect()
    };
    let recommendations = load(&module.recommendations);
    let linked = load(&module.related);
    let of = |kind: ResourceType| linked.iter().filter(|r| r.kind == kind).collect::<Vec<_>>();
    let others: Vec<&Resource> = linked
        .iter()
        .filter(|r| !matches!(r.kind, ResourceType::Case | ResourceType::Tool))
        .collect();
    let groups = vec![
        Group {
            heading: t(lang, "pack.module").to_string(),
            resources: vec![&module],
        },
        Group {
            heading: t(lang, "pack.recommendations").to_string(),
            resources: recommendations.iter().collect(),
        },
        Group {
            heading: t(lang, "pack.cases").to_string(),
            resources: of(ResourceType::Case),
        },
        Group {
            heading: t(lang, "pack.tools").to_string(),
            resources: of(ResourceType::Tool),
        },
        Group {
            heading: t(lang, "pack.others").to_string(),
            resources: others,
        },
    ];
    let meta = state.meta();
    let fallback = &meta.site.fallback;
    let shown = module.version(lang, fallback).text;
    let params = super::params::Params::parse(raw);
    let p = Pack {
        lang,
        fallback,
        site_title: meta.site_title(lang),
        title: crate::i18n::fill(t(lang, "pack.module_title"), &[("title", &shown.title)]),
        subtitle: shown.audience.clone(),
        date: today(),
        groups,
        download_url: format!("/{}/modules/{slug}/pack?download=1", lang.code()),
        back_url: crate::content::page_path(lang, &module.id),
    };
    respond(
        &p,
        params.get("download").is_some(),
        &format!("profint-{slug}-{}.html", lang.code()),
    )
}

/// Ids from `id=` parameters, else from the cookie.
fn basket_ids(raw: Option<&str>, headers: &HeaderMap) -> Vec<String> {
    let params = super::params::Params::parse(raw);
    let ids = params.all("id");
    if ids.is_empty() && params.get("id").is_none() {
        return cookie_ids(headers);
    }
    bounded(ids)
}

/// The basket's resources, in order; ids that no longer exist are dropped.
fn basket_items(state: &AppState, raw: Option<&str>, headers: &HeaderMap) -> Vec<Resource> {
    resources(state, &basket_ids(raw, headers))
}

/// The basket's ids from its cookie (every page reads them: the header shows the count, and
/// cards whether they are in it). A cookie longer than browsers keep, or entries that are
/// not ids, come from elsewhere than this service: they are dropped, never echoed back.
pub fn cookie_ids(headers: &HeaderMap) -> Vec<String> {
    let values = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().strip_prefix(&format!("{COOKIE}=")))
        .filter(|v| v.len() <= MAX_COOKIE_BYTES);
    let ids = values.flat_map(|v| {
        v.split(',')
            .filter_map(|id| percent_encoding::percent_decode_str(id).decode_utf8().ok())
            .map(|id| id.into_owned())
            .collect::<Vec<_>>()
    });
    bounded(ids.collect())
}

/// Largest basket cookie written or read: browsers keep 4 KB per cookie.
const MAX_COOKIE_BYTES: usize = 3800;

fn encode_id(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Valid, distinct ids, at most [`MAX_ITEMS`] and no more than fit in the cookie.
fn bounded(ids: Vec<String>) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    let mut bytes = 0;
    for id in ids {
        if crate::content::invalid_id(&id).is_some() || kept.contains(&id) {
            continue;
        }
        bytes += encode_id(&id).len() + 1;
        if kept.len() == MAX_ITEMS || bytes > MAX_COOKIE_BYTES {
            break;
        }
        kept.push(id);
    }
    kept
}

fn set_cookie(ids: &[String]) -> HeaderValue {
    let value: Vec<String> = ids.iter().map(|id| encode_id(id)).collect();
    HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        value.join(",")
    ))
    .unwrap_or(HeaderValue::from_static(""))
}

/// `back` when it is a path of this service (`/fr/search?q=x#hit-3`), so that "add to my
/// session" can return there: a path from the root, in visible ASCII, never `//host` or
/// `/\host` (which browsers read as another site). Anything else is refused.
pub fn local_path(back: &str) -> Option<&str> {
    let ok = back.starts_with('/')
        && !back.starts_with("//")
        && !back.contains('\\')
        && back.len() <= 2000
        && back.bytes().all(|b| b.is_ascii_graphic());
    ok.then_some(back)
}

/// Whether the request asks for JSON (the page script adding in place).
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// `/{lang}/basket/add?id=…&back=…`: adds a resource to the session. Without JavaScript it
/// returns to `back` (the results page and the card, by its anchor), else to the basket; the
/// page script asks for JSON and gets what to show and say instead.
pub async fn basket_add(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = super::params::Params::parse(raw.as_deref());
    let mut ids = cookie_ids(&headers);
    let added = params.get("id").map(str::to_string);
    if let Some(id) = &added {
        ids.push(id.clone());
    }
    let ids = bounded(ids);
    let mut r = if wants_json(&headers) {
        let title = added
            .as_deref()
            .and_then(|id| title_of(&state, lang, id))
            .unwrap_or_default();
        added_json(lang, &ids, &title)
    } else {
        let to = params
            .get("back")
            .and_then(local_path)
            .map(str::to_string)
            .unwrap_or_else(|| format!("/{}/basket", lang.code()));
        Redirect::to(&to).into_response()
    };
    r.headers_mut().insert(header::SET_COOKIE, set_cookie(&ids));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The title of a resource in `lang`, for the announcement of its addition.
fn title_of(state: &AppState, lang: Lang, id: &str) -> Option<String> {
    let index = state.index();
    let searcher = index.searcher();
    let r = index.find(&searcher, id).ok()??;
    Some(
        r.version(lang, &state.meta().site.fallback)
            .text
            .title
            .clone(),
    )
}

/// What the page script shows after an addition: the header link's new text, the card's new
/// state, and the sentence to announce.
fn added_json(lang: Lang, ids: &[String], title: &str) -> Response {
    let n = ids.len().to_string();
    axum::Json(serde_json::json!({
        "count": ids.len(),
        "link": crate::render::basket_label(lang, ids.len()),
        "added": t(lang, "basket.added"),
        "said": crate::i18n::fill(t(lang, "basket.said"), &[("title", title), ("n", &n)]),
    }))
    .into_response()
}

/// What a basket link (`?id=…`) does to the visitor's own session (`use=`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    /// The link's list becomes the session (the basket page's own reorder and remove links,
    /// and "replace" on a shared link).
    Replace,
    /// The link's resources are added after the session's.
    Merge,
}

pub async fn basket(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let public = state.options.public_url();
    super::pages::off_workers(move || basket_page(&state, lang, raw.as_deref(), &headers, &public))
        .await
}

/// The basket page. A link with ids (`?id=…`) from a colleague never silently replaces the
/// visitor's own session: when both hold something different, the page shows the link's
/// resources and asks whether to replace or merge.
fn basket_page(
    state: &AppState,
    lang: Lang,
    raw: Option<&str>,
    headers: &HeaderMap,
    public: &super::public_url::PublicUrl,
) -> Response {
    let params = super::params::Params::parse(raw);
    let mine = cookie_ids(headers);
    let linked = (params.get("id").is_some()).then(|| bounded(params.all("id")));
    let choice = match params.get("use") {
        Some("replace") => Some(Use::Replace),
        Some("merge") => Some(Use::Merge),
        _ => None,
    };
    match (linked, choice) {
        (Some(linked), Some(choice)) => {
            let ids = match choice {
                Use::Replace => linked,
                Use::Merge => bounded(mine.into_iter().chain(linked).collect()),
            };
            let to = format!("/{}/basket?{}", lang.code(), basket::ids_query(&ids));
            let mut r = Redirect::to(&to).into_response();
            r.headers_mut().insert(header::SET_COOKIE, set_cookie(&ids));
            r
        }
        (Some(linked), None) if !mine.is_empty() && mine != linked => {
            shared_page(state, lang, &linked, &mine)
        }
        (linked, _) => own_page(state, lang, linked.unwrap_or(mine), public),
    }
}

/// The resources with these ids that still exist, in order.
fn resources(state: &AppState, ids: &[String]) -> Vec<Resource> {
    let index = state.index();
    let searcher = index.searcher();
    ids.iter()
        .filter_map(|id| index.find(&searcher, id).ok().flatten())
        .collect()
}

fn basket_chrome<'a>(
    lang: Lang,
    meta: &'a crate::service::Meta,
    path_in: &'a dyn Fn(Lang) -> String,
    basket: &'a [String],
) -> Chrome<'a> {
    Chrome {
        lang,
        meta,
        title: t(lang, "basket.title").to_string(),
        path_in,
        page: crate::render::Page::Basket,
        basket,
    }
}

/// The visitor's own session, which this page also saves in the cookie.
fn own_page(
    state: &AppState,
    lang: Lang,
    ids: Vec<String>,
    public: &super::public_url::PublicUrl,
) -> Response {
    let items = resources(state, &ids);
    let ids: Vec<String> = items.iter().map(|r| r.id.clone()).collect();
    let meta = state.meta();
    let query = basket::ids_query(&ids);
    let path_in = |l: Lang| format!("/{}/basket?{query}", l.code());
    let share = public.absolute(&format!("/{}/basket?{query}", lang.code()));
    let chrome = basket_chrome(lang, &meta, &path_in, &ids);
    let mut r = super::pages::page(basket::page(&chrome, &items, &share));
    r.headers_mut().insert(header::SET_COOKIE, set_cookie(&ids));
    r
}

/// A colleague's session, shown beside the visitor's own, with the choice to replace or merge.
fn shared_page(state: &AppState, lang: Lang, linked: &[String], mine: &[String]) -> Response {
    let items = resources(state, linked);
    let meta = state.meta();
    let query = basket::ids_query(linked);
    let path_in = |l: Lang| format!("/{}/basket?{query}", l.code());
    let chrome = basket_chrome(lang, &meta, &path_in, mine);
    super::pages::page(basket::shared(&chrome, &items, linked))
}

pub async fn basket_pack(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    super::pages::off_workers(move || basket_pack_page(&state, lang, raw.as_deref(), &headers))
        .await
}

fn basket_pack_page(
    state: &AppState,
    lang: Lang,
    raw: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    let items = basket_items(state, raw, headers);
    if items.is_empty() {
        return Redirect::to(&format!("/{}/basket", lang.code())).into_response();
    }
    let query = basket::ids_query(&items.iter().map(|r| r.id.clone()).collect::<Vec<_>>());
    let meta = state.meta();
    let p = Pack {
        lang,
        fallback: &meta.site.fallback,
        site_title: meta.site_title(lang),
        title: t(lang, "pack.custom_title").to_string(),
        subtitle: None,
        date: today(),
        groups: vec![Group {
            heading: t(lang, "pack.custom_title").to_string(),
            resources: items.iter().collect(),
        }],
        download_url: format!("/{}/pack?{query}&download=1", lang.code()),
        back_url: format!("/{}/basket?{query}", lang.code()),
    };
    let params = super::params::Params::parse(raw);
    respond(
        &p,
        params.get("download").is_some(),
        &format!("profint-session-{}.html", lang.code()),
    )
}
