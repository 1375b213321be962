//! JSON handlers of the HTTP API (README, "HTTP API").

use super::error::{ApiError, ErrorCode};
use super::params::Params;
use super::AppState;
use crate::content::{self, ResourceType};
use crate::search::{self, related, suggest, SearchRequest};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use serde_json::{json, Value};

pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<search::SearchResponse>, ApiError> {
    let params = Params::parse(raw.as_deref());
    let meta = state.meta();
    let mut types = Vec::new();
    for t in params.all("type") {
        let t = ResourceType::parse(&t).ok_or_else(|| {
            ApiError::invalid("unknown `type`; use recommendation, module, case, tool or practice")
        })?;
        if !types.contains(&t) {
            types.push(t);
        }
    }
    let mut domains = params.all("domain");
    domains.sort();
    domains.dedup();
    let req = SearchRequest {
        q: params.get("q").unwrap_or("").to_string(),
        lang: params.lang(meta.site.default_lang)?,
        domains,
        types,
        page: params.number("page", 1, usize::MAX)?,
        per_page: params.number("per_page", 10, search::MAX_PER_PAGE)?,
        snippets: true,
    };
    let answer = blocking(move || {
        let answer = search::search(&state.index(), meta.scope(), &req)?;
        state.options.gaps.observe(&req, &answer);
        Ok(answer)
    })
    .await?;
    Ok(Json(answer))
}

/// Runs index work on the blocking pool: the async workers stay free to accept and answer
/// other requests, and a request timeout can answer while slow work is still running.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "search task failed");
        Err(ApiError::new(
            ErrorCode::Internal,
            "the search failed; see the server log",
        ))
    })
}

fn id_from(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(id) =
        path.map_err(|e| ApiError::invalid(format!("bad resource id in the path: {e}")))?;
    if id.is_empty() || id.len() > 512 || id.chars().any(char::is_control) {
        return Err(ApiError::new(
            ErrorCode::ResourceNotFound,
            "no resource has this id",
        ));
    }
    Ok(id)
}

/// The resource with this id, or the API's not-found error.
fn find(state: &AppState, id: &str) -> Result<crate::content::Resource, ApiError> {
    let searcher = state.index().searcher();
    state.index().find(&searcher, id)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::ResourceNotFound,
            format!("no resource has the id `{id}`"),
        )
    })
}

pub async fn resource(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let id = id_from(path)?;
    let params = Params::parse(raw.as_deref());
    let meta = state.meta();
    let lang = params.lang(meta.site.default_lang)?;
    let r = blocking(move || find(&state, &id)).await?;
    let content::Version {
        lang: shown,
        text: version,
        fallback,
    } = r.version(lang, &meta.site.fallback);
    Ok(Json(json!({
        "id": r.id,
        "lang": shown,
        "fallback": fallback,
        "original": r.original,
        "translations": r.translations.keys().collect::<Vec<_>>(),
        "type": r.kind,
        "domain": r.domain,
        "domains": r.domains,
        "title": version.title,
        "summary": version.summary,
        "html": content::to_safe_html(&version.markdown),
        "url": r.page_url(lang),
        "recommendations": r.recommendations,
        "related": r.related,
        "tags": version.tags,
        "country": r.country,
        "organisation": r.organisation,
        "audience": version.audience,
        "duration": version.duration,
        "updated": r.updated,
    })))
}

pub async fn related(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<related::Related>, ApiError> {
    let id = id_from(path)?;
    let params = Params::parse(raw.as_deref());
    let lang = params.lang(state.meta().site.default_lang)?;
    let limit = params.number("limit", 5, 50)?;
    let related = blocking(move || {
        let r = find(&state, &id)?;
        let meta = state.meta();
        let vectors = meta.scope().semantic.map(|s| s.vectors());
        let (index, fallback) = (state.index(), &meta.site.fallback);
        Ok(related::related(
            &index,
            &r,
            lang,
            fallback,
            limit,
            vectors.as_deref(),
        )?)
    })
    .await?;
    Ok(Json(related))
}

/// Completions. `format=opensearch` answers in the OpenSearch suggestions format that
/// `/opensearch.xml` advertises to browsers: `[query, [completion, …]]`.
pub async fn suggest(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let params = Params::parse(raw.as_deref());
    let opensearch = match params.get("format").filter(|f| !f.is_empty()) {
        None | Some("json") => false,
        Some("opensearch") => true,
        Some(_) => return Err(ApiError::invalid("`format` must be `json` or `opensearch`")),
    };
    let lang = params.lang(state.meta().site.default_lang)?;
    let q = params.get("q").unwrap_or("").to_string();
    let suggestions = blocking({
        let q = q.clone();
        move || {
            let meta = state.meta();
            let compute = || {
                let (vocabulary, fallback) = (&meta.vocabulary, &meta.site.fallback);
                suggest::suggest(&state.index(), vocabulary, lang, fallback, &q)
            };
            Ok(match meta.answers() {
                Some(answers) => {
                    let key = format!("{}\u{1f}{q}", lang.code());
                    (*answers.suggestions.get_or_compute(key, compute)?).clone()
                }
                None => compute()?,
            })
        }
    })
    .await?;
    if opensearch {
        let texts: Vec<&str> = suggestions.iter().map(|s| s.text.as_str()).collect();
        let body = serde_json::to_string(&json!([q, texts])).unwrap_or_default();
        let kind = [(
            axum::http::header::CONTENT_TYPE,
            "application/x-suggestions+json",
        )];
        return Ok((kind, body).into_response());
    }
    Ok(Json(json!({"query": q, "lang": lang, "suggestions": suggestions})).into_response())
}

pub async fn domains(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = Params::parse(raw.as_deref());
    let meta = state.meta();
    let lang = params.lang(meta.site.default_lang)?;
    let browse = blocking({
        let meta = meta.clone();
        move || {
            Ok(search::search(
                &state.index(),
                meta.scope(),
                &SearchRequest::new("", lang),
            )?)
        }
    })
    .await?;
    let domains: Vec<Value> = meta
        .domains
        .iter()
        .zip(&browse.facets.domain)
        .map(|(d, facet)| {
            json!({
                "id": d.id,
                "label": d.label(lang),
                "description": d.describe(lang),
                "color": d.color,
                "count": facet.count,
            })
        })
        .collect();
    Ok(Json(json!({ "lang": lang, "domains": domains })))
}

pub async fn status(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    // The commit time is read from the index folder: file work, off the async workers.
    blocking(move || Ok(Json(status_of(&state)))).await
}

fn status_of(state: &AppState) -> Value {
    let meta = state.meta();
    let errors = meta.errors();
    json!({
        "resources": state.index().num_resources(),
        "files": meta.files,
        "last_indexed": state.index().last_indexed(),
        "errors": errors,
        "warnings": meta.problems.len() - errors,
        "problems": meta.problems,
        "last_change": meta.last_change,
        "queue": state.watch.queue.load(std::sync::atomic::Ordering::Relaxed),
        "watching": state.watch.watching.load(std::sync::atomic::Ordering::Relaxed),
        "indexing": state.health(),
        "semantic": state.semantic.status(),
    })
}
