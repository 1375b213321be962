//! `profint search "query" --lang sv`: ranked hits in the terminal (after bringing the index
//! up to date).

use crate::content::ResourceType;
use crate::lang::Lang;
use crate::search::{self, SearchRequest};
use crate::service::Settings;
use anyhow::Context;

pub fn run(
    settings: &Settings,
    query: &str,
    lang: &str,
    domains: Vec<String>,
    kinds: &[String],
    limit: usize,
) -> anyhow::Result<i32> {
    let lang = Lang::parse(lang).with_context(|| {
        format!(
            "unknown language `{lang}`; use one of {}",
            crate::lang::known_codes()
        )
    })?;
    let mut req = SearchRequest::new(query, lang);
    req.domains = domains;
    req.per_page = limit.clamp(1, search::MAX_PER_PAGE);
    for k in kinds {
        req.types
            .push(ResourceType::parse(k).with_context(|| format!("unknown type `{k}`"))?);
    }
    let (service, _) = super::open(settings, crate::content::Walk::Now)?;
    let meta = service.meta();
    let answer = search::search(&service.index(), meta.scope(), &req)?;
    service.close()?;
    match print(query, &answer) {
        Err(e) if !super::reader_gone(&e) => Err(e.into()),
        _ => Ok(0),
    }
}

fn print(query: &str, answer: &search::SearchResponse) -> std::io::Result<()> {
    let mut out = super::Output::new();
    out.line(format_args!(
        "{} results for «{query}» ({}, {} ms)",
        answer.total, answer.lang, answer.took_ms
    ))?;
    for (i, hit) in answer.hits.iter().enumerate() {
        let fallback = if hit.fallback {
            format!(" [{}]", hit.lang)
        } else {
            String::new()
        };
        out.line(format_args!(
            "{:>2}. {:<6.2} {:<14} {}{}  ({})",
            i + 1,
            hit.score,
            hit.kind.as_str(),
            hit.title,
            fallback,
            hit.id
        ))?;
    }
    Ok(())
}
