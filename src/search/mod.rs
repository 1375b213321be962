//! Search over the index: relevance query, filters and disjunctive facets in one pass,
//! snippets, and the answer shape of `GET /api/search`.

pub mod cache;
mod collector;
mod error;
mod hybrid;
pub mod pathway;
pub mod query;
pub mod related;
mod rescore;
mod snippet;
pub mod spelling;
pub mod suggest;

use crate::content::{Domain, ResourceType};
use crate::i18n::t;
use crate::index::{Card, SearchIndex};
use crate::lang::Lang;
pub use collector::FacetCache;
use collector::{FacetedTop, Selection};
pub use error::SearchError;
use serde::Serialize;
use std::time::Instant;
use tantivy::query::AllQuery;

/// Most hits per page a client may ask for.
pub const MAX_PER_PAGE: usize = 100;
/// Deepest hit a client may page to: beyond, pages are empty (the total is still exact).
pub const MAX_DEPTH: usize = 10_000;
/// Longest query accepted, in characters. A situation is a sentence or two, not a document.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Length of a snippet, in characters.
const SNIPPET_CHARS: usize = 200;

/// A validated search request.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub q: String,
    pub lang: Lang,
    pub domains: Vec<String>,
    pub types: Vec<ResourceType>,
    pub page: usize,
    pub per_page: usize,
    /// Build snippets for the hits (evaluations that only need the ranking skip them).
    pub snippets: bool,
}

impl SearchRequest {
    pub fn new(q: &str, lang: Lang) -> Self {
        SearchRequest {
            q: q.to_string(),
            lang,
            domains: Vec::new(),
            types: Vec::new(),
            page: 1,
            per_page: 10,
            snippets: true,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub lang: Lang,
    pub fallback: bool,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: ResourceType,
    pub domain: String,
    pub domains: Vec<String>,
    pub url: String,
    pub summary: String,
    pub snippet: String,
    pub score: f32,
    /// Languages the resource is written in.
    pub translations: Vec<Lang>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    pub count: usize,
    pub selected: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Facets {
    pub domain: Vec<FacetValue>,
    #[serde(rename = "type")]
    pub kind: Vec<FacetValue>,
    pub lang: Vec<FacetValue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResponse {
    pub query: String,
    pub lang: Lang,
    pub total: usize,
    pub took_ms: f64,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// Vocabulary concepts whose equivalent terms were searched too.
    pub expanded: Vec<String>,
    /// The requested language had few matches, so other languages' text was searched too.
    pub cross_language: bool,
    /// A corrected query, when some words are in no resource or the results are weak.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
    /// For a long situation query, the rank (from 0, over all hits) from which hits share
    /// only a small part of it: pages draw a "weaker matches" divider there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weaker_from: Option<usize>,
    /// Terms of the query in the requested language (a situation has several).
    #[serde(skip)]
    pub query_terms: usize,
}

/// What a search needs to know besides the index: the current domains and vocabulary, and
/// the searcher of the commit they were published with.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub domains: &'a [Domain],
    pub vocabulary: &'a crate::content::Vocabulary,
    pub searcher: &'a tantivy::Searcher,
    /// The site's fallback languages: which version a hit shows when it has none in the
    /// requested language (`Site::fallback`).
    pub fallback: &'a [Lang],
    /// Answers already computed over this searcher, when the caller keeps them.
    pub answers: Option<&'a Answers>,
    /// The semantic signal, for hybrid ranking (`None` or without a model: lexical only).
    pub semantic: Option<&'a crate::semantic::Semantic>,
    /// The facets of the searcher's segments, read once per segment.
    pub facets: &'a FacetCache,
}

/// The answer caches of one published index state.
#[derive(Default)]
pub struct Answers {
    pub searches: cache::AnswerCache<SearchResponse>,
    pub suggestions: cache::AnswerCache<Vec<suggest::Suggestion>>,
    /// Result cards and the text they are shown in, by document and requested language.
    pub cards: cache::AnswerCache<(Card, String)>,
}

impl cache::Weigh for (Card, String) {
    fn weight(&self) -> usize {
        1024 + self.1.len()
    }
}

impl cache::Weigh for SearchResponse {
    fn weight(&self) -> usize {
        let hits: usize = self
            .hits
            .iter()
            .map(|h| 256 + h.title.len() + h.summary.len() + h.snippet.len() + h.url.len())
            .sum();
        let facets = 64 * (self.facets.domain.len() + self.facets.kind.len() + Lang::COUNT);
        512 + self.query.len() + hits + facets
    }
}

impl cache::Weigh for Vec<suggest::Suggestion> {
    fn weight(&self) -> usize {
        self.iter().map(|s| 64 + s.text.len()).sum()
    }
}

/// Below this many matches available in the requested language, the cross-language pass runs.
const FEW_MATCHES: usize = 3;
/// A best score this low means no query word matched exactly (typo and prefix matches score
/// a constant below it).
const WEAK_SCORE: f32 = 1.2;

/// Runs a search with the default query options, answered from the scope's cache when the
/// same request was answered over the same searcher.
pub fn search(
    index: &SearchIndex,
    scope: Scope,
    req: &SearchRequest,
) -> Result<SearchResponse, SearchError> {
    let Some(answers) = scope.answers else {
        return search_with(index, scope, req, query::Options::default());
    };
    let started = Instant::now();
    let kept = answers
        .searches
        .get_or_compute(cache_key(req, scope.semantic), || {
            search_with(index, scope, req, query::Options::default())
        })?;
    let mut answer = SearchResponse::clone(&kept);
    answer.query.clone_from(&req.q);
    answer.took_ms = (started.elapsed().as_secs_f64() * 100_000.0).round() / 100.0;
    Ok(answer)
}

/// What makes two requests the same answer.
fn cache_key(req: &SearchRequest, semantic: Option<&crate::semantic::Semantic>) -> String {
    let types: Vec<&str> = req.types.iter().map(|t| t.as_str()).collect();
    // Answers ranked with older vectors are not answers over the newer ones.
    let vectors = semantic.map_or(0, |s| s.vectors().generation);
    format!(
        "{vectors}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
        req.lang.code(),
        cache::canonical_query(&clean_query(&req.q)),
        req.domains.join(","),
        types.join(","),
        req.page,
        req.per_page,
        req.snippets
    )
}

/// Runs a search: checks the request, runs the passes the query needs, then builds the hits
/// of the requested page. The scope's domain list gives labels, colours and facet order.
pub fn search_with(
    index: &SearchIndex,
    scope: Scope,
    req: &SearchRequest,
    options: query::Options,
) -> Result<SearchResponse, SearchError> {
    let started = Instant::now();
    let selection = selection(scope.domains, req)?;
    let q = clean_query(&req.q);
    let text =
        (!q.trim().is_empty()).then(|| query::QueryText::new(req.lang, &q, options.complete_last));
    let offset = (req.page.saturating_sub(1)).saturating_mul(req.per_page);
    // Beyond the deepest hit nothing is collected (the total is still counted): a page past it
    // is empty, and asking for it costs no more than the first.
    let limit = if offset >= MAX_DEPTH {
        0
    } else {
        offset.saturating_add(req.per_page).min(MAX_DEPTH)
    };
    let semantic = hybrid::weights(&scope, text.as_ref());
    let collector = FacetedTop {
        domain_ids: scope.domains.iter().map(|d| d.id.clone()).collect(),
        selection,
        limit: if semantic.is_some() && limit > 0 {
            limit.max(hybrid::CANDIDATES)
        } else {
            limit
        },
        browse: text.is_none(),
        facets: scope.facets,
    };
    let mut found = passes(index, scope, &collector, text.as_ref(), options)?;
    // Weak: few matches in the language, or only typo-tolerant and prefix matches. Read on
    // the lexical scores, before the hybrid fusion rescales them to 0–1.
    let lexical_best = found.faceted.top.first().map_or(0.0, |t| t.0);
    let weak =
        found.faceted.lang_counts[req.lang.index()] < FEW_MATCHES || lexical_best < WEAK_SCORE;
    if let Some(weights) = semantic {
        hybrid::rerank(
            index,
            &scope,
            &selection,
            &mut found.faceted,
            &q,
            req.lang,
            weights.given_concepts(!found.expanded.is_empty()),
        )?;
        found.faceted.top.truncate(limit);
    }
    let faceted = &found.faceted;
    // A word no resource contains is worth a correction whatever the rest found.
    let did_you_mean = match &text {
        Some(_) if weak || found.reading.unknown => spelling::did_you_mean(index, req.lang, &q),
        _ => None,
    };
    let highlight = Highlight {
        text: text.as_ref(),
        corrected: &found.reading.corrected,
        lang: req.lang,
    };
    let hits = page_hits(index, scope, req, faceted, offset, &highlight)?;
    let content_terms = text.as_ref().map_or(0, |t| t.content_terms());
    Ok(SearchResponse {
        query: req.q.clone(),
        lang: req.lang,
        total: faceted.total,
        took_ms: (started.elapsed().as_secs_f64() * 100_000.0).round() / 100.0,
        page: req.page,
        per_page: req.per_page,
        hits,
        facets: facets(scope.domains, req, faceted),
        expanded: found.expanded,
        cross_language: found.cross_language,
        did_you_mean,
        weaker_from: weaker_from(&faceted.top, content_terms),
        query_terms: text.map_or(0, |t| t.by_lang[0].1.terms.len()),
    })
}

/// The request's filters as masks over the domain and type lists; refuses a query over the
/// length limit and unknown domains.
fn selection(domains: &[Domain], req: &SearchRequest) -> Result<Selection, SearchError> {
    if req.q.chars().count() > MAX_QUERY_CHARS {
        return Err(SearchError::QueryTooLong {
            max: MAX_QUERY_CHARS,
        });
    }
    let mut selection = Selection::default();
    for d in &req.domains {
        match domains.iter().position(|x| &x.id == d) {
            Some(i) => selection.domains |= 1 << i,
            None => {
                return Err(SearchError::UnknownDomain {
                    domain: d.clone(),
                    known: domains
                        .iter()
                        .map(|d| d.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            }
        }
    }
    for t in &req.types {
        selection.types |= 1 << (*t as u32);
    }
    Ok(selection)
}

/// What the passes found.
struct Found {
    /// Vocabulary concepts the query was expanded with.
    expanded: Vec<String>,
    /// Unknown words and their corrections, in the requested language.
    reading: query::Reading,
    faceted: collector::Faceted,
    /// The cross-language pass gave the answer.
    cross_language: bool,
}

impl Found {
    /// What a pass found that read no query into the terms it matched.
    fn only(faceted: collector::Faceted, cross_language: bool) -> Found {
        Found {
            expanded: Vec::new(),
            reading: query::Reading::default(),
            faceted,
            cross_language,
        }
    }
}

/// Runs the query (all resources when there is no text); when the requested language has few
/// matches, runs it again over every language's text and keeps that answer if it is wider.
fn passes(
    index: &SearchIndex,
    scope: Scope,
    collector: &FacetedTop,
    text: Option<&query::QueryText>,
    options: query::Options,
) -> Result<Found, SearchError> {
    let pass = Pass {
        index,
        scope,
        collector,
    };
    let Some(text) = text else {
        let faceted = scope.searcher.search(&AllQuery, collector)?;
        return Ok(Found::only(faceted, false));
    };
    let first = pass.run(text, options)?;
    if options.cross_language || first.faceted.lang_counts[text.lang().index()] >= FEW_MATCHES {
        return Ok(first);
    }
    let wider = pass.run(
        text,
        query::Options {
            cross_language: true,
            ..options
        },
    )?;
    Ok(if wider.faceted.total > first.faceted.total {
        wider
    } else {
        first
    })
}

/// What every pass of one search shares.
struct Pass<'a> {
    index: &'a SearchIndex,
    scope: Scope<'a>,
    collector: &'a FacetedTop<'a>,
}

impl Pass<'_> {
    /// One pass of the query. On an index larger than the rescoring window, the phrase
    /// bonuses are left out of the pass over every match and scored on the window's best
    /// candidates only (see [`rescore`]).
    fn run(&self, text: &query::QueryText, options: query::Options) -> Result<Found, SearchError> {
        let window = options.rescore_window;
        let rescoring = window > 0
            && self.collector.limit > 0
            && options.phrase_bonus > 0.0
            && text.has_phrases()
            && self.scope.searcher.num_docs() > window as u64;
        if !rescoring {
            let in_query = query::Phrases::InQuery;
            return Ok(self.collect(text, options, in_query, self.collector)?.0);
        }
        let collector = FacetedTop {
            limit: self.collector.limit.max(window),
            ..self.collector.clone()
        };
        let apart = query::Phrases::Apart;
        let (mut found, bonuses) = self.collect(text, options, apart, &collector)?;
        rescore::add_bonuses(self.scope.searcher, &bonuses, &mut found.faceted.top)?;
        found.faceted.top.truncate(self.collector.limit);
        Ok(found)
    }

    /// The pass's query over every match, and the phrase bonuses it left out (if asked to).
    fn collect(
        &self,
        text: &query::QueryText,
        options: query::Options,
        phrases: query::Phrases,
        collector: &FacetedTop,
    ) -> Result<(Found, Vec<query::Bonus>), SearchError> {
        let (searcher, fields, vocabulary) = (
            self.scope.searcher,
            &self.index.fields,
            self.scope.vocabulary,
        );
        let built = query::search_query(searcher, fields, vocabulary, text, options, phrases);
        let Some(built) = built else {
            let nothing = collector::Faceted {
                domain_counts: vec![0; self.scope.domains.len()],
                ..Default::default()
            };
            return Ok((Found::only(nothing, options.cross_language), Vec::new()));
        };
        let found = Found {
            faceted: searcher.search(built.query.as_ref(), collector)?,
            expanded: built.expanded,
            reading: built.reading,
            cross_language: options.cross_language,
        };
        Ok((found, built.bonuses))
    }
}

/// Below this share of the best score, the hits of a long query are "weaker matches": they
/// share only part of the situation with it.
const WEAKER_SHARE: f32 = 0.3;
/// Queries with fewer meaningful terms than this have no weaker tail worth setting apart.
const WEAKER_MIN_TERMS: usize = 4;

/// The rank (from 0, over all hits) of the first weaker match of a long query, if any.
fn weaker_from(top: &[(f32, tantivy::DocAddress)], content_terms: usize) -> Option<usize> {
    let best = top.first()?.0;
    if content_terms < WEAKER_MIN_TERMS {
        return None;
    }
    top.iter()
        .position(|(score, _)| *score < best * WEAKER_SHARE)
}

/// What a snippet marks: the query's terms in the language shown, weak words excepted (never
/// highlighted on their own), and the corrections of misspelt words in the requested language.
struct Highlight<'a> {
    text: Option<&'a query::QueryText>,
    corrected: &'a [String],
    lang: Lang,
}

impl Highlight<'_> {
    fn stems(&self, shown: Lang) -> Vec<String> {
        let Some(text) = self.text else {
            return Vec::new();
        };
        let mut stems: Vec<String> = text
            .terms(shown)
            .into_iter()
            .filter(|t| !crate::analysis::is_weak(shown, t))
            .collect();
        if shown == self.lang {
            stems.extend(self.corrected.iter().cloned());
        }
        stems
    }
}

/// The hits of the requested page, each with its snippet in the language it is shown in.
fn page_hits(
    index: &SearchIndex,
    scope: Scope,
    req: &SearchRequest,
    faceted: &collector::Faceted,
    offset: usize,
    highlight: &Highlight,
) -> Result<Vec<Hit>, SearchError> {
    let mut stems: [Option<Vec<String>>; Lang::COUNT] = Default::default();
    let mut hits = Vec::with_capacity(req.per_page);
    for &(score, addr) in faceted.top.iter().skip(offset) {
        let shown_card = card_at(index, scope, addr, req.lang)?;
        let (card, plain) = &*shown_card;
        let shown = card.version(req.lang, scope.fallback);
        let snippet = if req.snippets {
            let stems =
                stems[shown.lang.index()].get_or_insert_with(|| highlight.stems(shown.lang));
            snippet::snippet(plain, stems, SNIPPET_CHARS).unwrap_or_else(|| {
                let lead = if shown.summary.is_empty() {
                    plain.as_str()
                } else {
                    shown.summary
                };
                escape_html(&crop(lead, SNIPPET_CHARS))
            })
        } else {
            String::new()
        };
        hits.push(hit(card, req.lang, scope.fallback, score, snippet));
    }
    Ok(hits)
}

/// A hit's card and the plain text it is shown in, read once per index state: reading a
/// stored document decodes every language's text, the costliest part of a hit.
fn card_at(
    index: &SearchIndex,
    scope: Scope,
    addr: tantivy::DocAddress,
    lang: Lang,
) -> tantivy::Result<std::sync::Arc<(Card, String)>> {
    let read = || index.card_at(scope.searcher, addr, lang, scope.fallback);
    match scope.answers {
        Some(answers) => {
            let key = format!("{}/{}/{}", addr.segment_ord, addr.doc_id, lang.code());
            answers.cards.get_or_compute(key, read)
        }
        None => read().map(std::sync::Arc::new),
    }
}

/// Control characters and bidi overrides are never meaningful in a query.
fn clean_query(q: &str) -> String {
    q.chars()
        .map(|c| {
            if c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// A search hit for a resource's card asked for in `lang` (shown in a `fallback` language or
/// its original when it has no version in `lang`).
pub fn hit(card: &Card, lang: Lang, fallback: &[Lang], score: f32, snippet: String) -> Hit {
    let shown = card.version(lang, fallback);
    Hit {
        id: card.id.clone(),
        lang: shown.lang,
        fallback: shown.fallback,
        title: shown.title.to_string(),
        kind: card.kind,
        domain: card.domain.clone(),
        domains: card.domains.clone(),
        url: crate::content::page_path(lang, &card.id),
        summary: shown.summary.to_string(),
        snippet,
        score,
        translations: card.versions.keys().copied().collect(),
    }
}

/// The first `max` characters of `text`, cut at a word boundary, with an ellipsis if cut.
pub fn crop(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{cut}…")
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn facets(domains: &[Domain], req: &SearchRequest, f: &collector::Faceted) -> Facets {
    let lang = req.lang;
    Facets {
        domain: domains
            .iter()
            .zip(&f.domain_counts)
            .map(|(d, &count)| FacetValue {
                value: d.id.clone(),
                label: d.label(lang).to_string(),
                color: Some(d.color.clone()),
                count,
                selected: req.domains.contains(&d.id),
            })
            .collect(),
        kind: ResourceType::ALL
            .iter()
            .map(|&t| FacetValue {
                value: t.as_str().to_string(),
                label: t_label(lang, t).to_string(),
                color: None,
                count: f.type_counts[t as usize],
                selected: req.types.contains(&t),
            })
            .collect(),
        lang: Lang::ALL
            .iter()
            .map(|&l| FacetValue {
                value: l.code().to_string(),
                label: l.native_name().to_string(),
                color: None,
                count: f.lang_counts[l.index()],
                selected: false,
            })
            .collect(),
    }
}

/// The label of a resource type in `lang` (plural, as facet and section titles).
pub fn t_label(lang: Lang, kind: ResourceType) -> &'static str {
    t(lang, &format!("types.{}", kind.as_str()))
}
