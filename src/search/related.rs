//! Related resources: what a professional looking at one resource should see next.
//!
//! Each candidate gets a score that adds up documented signals:
//!
//! | signal | weight |
//! |---|---|
//! | explicit `related` link, in either direction | 4.0 |
//! | the candidate is a recommendation this resource illustrates, or illustrates this recommendation | 4.0 |
//! | each model recommendation both illustrate | 2.5 |
//! | same main domain | 1.0 (0.5 when only a secondary domain is shared) |
//! | text similarity (MoreLikeThis over all its languages), relative to the best match | up to 2.0 |
//!
//! The structural signals are computed by one boolean query of constant-score clauses, so the
//! index ranks candidates by exactly this sum; similarity comes from a second query.

use super::{hit, Hit};
use crate::content::{Resource, ResourceType};
use crate::i18n::t;
use crate::index::{Card, Fields, SearchIndex};
use crate::lang::Lang;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue};
use tantivy::{DocAddress, Searcher, Term};

pub const LINK_WEIGHT: f32 = 4.0;
pub const ILLUSTRATES_WEIGHT: f32 = 4.0;
pub const SHARED_RECOMMENDATION_WEIGHT: f32 = 2.5;
pub const SAME_DOMAIN_WEIGHT: f32 = 1.0;
pub const SHARED_DOMAIN_WEIGHT: f32 = 0.5;
pub const SIMILARITY_WEIGHT: f32 = 2.0;
/// Below this relative similarity, text likeness is not worth mentioning as a reason.
const SIMILARITY_REASON_MIN: f32 = 0.35;
const CANDIDATES: usize = 80;
/// Characters of each version's body read to find similar resources.
const MLT_BODY_CHARS: usize = 1500;
const SIMILAR: usize = 25;
/// A similar situation weighs more than a shared domain, less than a shared recommendation.
pub const SITUATION_WEIGHT: f32 = 1.5;
/// Nearest resources by meaning (multilingual vectors) taken as candidates.
const SITUATIONS: usize = 8;
/// How far a neighbour must stand out (standard deviations above the resource's mean cosine
/// to all others) to describe a similar situation; chosen with `cargo xtask eval neighbours`
/// (see RELEVANCE.md).
const SITUATION_STANDING_MIN: f32 = 2.5;

#[derive(Debug, Clone, Serialize)]
pub struct RelatedHit {
    #[serde(flatten)]
    pub hit: Hit,
    /// Why it is related, in the requested language.
    pub reasons: Vec<String>,
    /// The same reasons as stable codes (`link`, `illustrates`, `recommendation:R2.3`,
    /// `same_domain`, `shared_domain`, `similar_text`, `similar_situation`).
    pub reason_codes: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Related {
    pub cases: Vec<RelatedHit>,
    pub tools: Vec<RelatedHit>,
    pub practices: Vec<RelatedHit>,
    pub recommendations: Vec<RelatedHit>,
    pub modules: Vec<RelatedHit>,
}

fn constant(field: tantivy::schema::Field, value: &str, score: f32) -> (Occur, Box<dyn Query>) {
    let q = TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    );
    (
        Occur::Should,
        Box::new(ConstScoreQuery::new(Box::new(q), score)),
    )
}

/// Resources related to `resource`, at most `limit` per type, shown in `lang` (or in the
/// site's `fallback` languages, or their originals).
///
/// `vectors` (the semantic signal's, when there is a model) add the resources nearest in
/// meaning, in any language: a Swedish case about the same situation as a French one shares
/// no words with it.
pub fn related(
    index: &SearchIndex,
    resource: &Resource,
    lang: Lang,
    fallback: &[Lang],
    limit: usize,
    vectors: Option<&crate::semantic::Vectors>,
) -> tantivy::Result<Related> {
    let searcher = index.searcher();
    let situations: HashSet<String> = vectors
        .map(|v| v.neighbours(&resource.id, SITUATIONS))
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.standing >= SITUATION_STANDING_MIN)
        .map(|n| n.id)
        .collect();
    let structural = searcher.search(
        &structural_query(&index.fields, resource),
        &TopDocs::with_limit(CANDIDATES).order_by_score(),
    )?;
    let similar = searcher.search(
        &similar_query(&index.fields, &searcher, resource),
        &TopDocs::with_limit(SIMILAR).order_by_score(),
    )?;
    let mut candidates = candidates(index, &searcher, resource, &structural, &similar);
    for id in &situations {
        if let Some(addr) = index.address_of(&searcher, id)? {
            candidates.entry(addr).or_insert(0.0);
        }
    }
    let scored = scored(index, &searcher, resource, lang, candidates, &situations)?;
    Ok(by_type(scored, lang, fallback, limit))
}

/// One constant-score clause per structural signal, so that the index ranks candidates by
/// the sum of their weights (see the table at the top of this module).
fn structural_query(f: &Fields, resource: &Resource) -> BooleanQuery {
    let mut clauses = vec![
        constant(f.related, &resource.id, LINK_WEIGHT),
        constant(f.domain, &resource.domain, SAME_DOMAIN_WEIGHT),
    ];
    for id in &resource.related {
        clauses.push(constant(f.id, id, LINK_WEIGHT));
    }
    for rec in &resource.recommendations {
        clauses.push(constant(f.id, rec, ILLUSTRATES_WEIGHT));
        clauses.push(constant(
            f.recommendations,
            rec,
            SHARED_RECOMMENDATION_WEIGHT,
        ));
    }
    if resource.kind == ResourceType::Recommendation {
        clauses.push(constant(
            f.recommendations,
            &resource.id,
            ILLUSTRATES_WEIGHT,
        ));
    }
    BooleanQuery::new(clauses)
}

/// Resources whose text is like this one's, in any of its languages: its titles and the
/// opening of each body.
fn similar_query(f: &Fields, searcher: &Searcher, resource: &Resource) -> MoreLikeThisQuery {
    let mut fields: Vec<(tantivy::schema::Field, Vec<OwnedValue>)> = Vec::new();
    for (l, tr) in &resource.translations {
        let lf = f.lang(*l);
        fields.push((lf.title, vec![OwnedValue::Str(tr.title.clone())]));
        // The opening of the body says what a resource is about; reading all of it would
        // cost more than it adds.
        let body: String = crate::content::plain_text(&tr.markdown)
            .chars()
            .take(MLT_BODY_CHARS)
            .collect();
        fields.push((lf.text, vec![OwnedValue::Str(body)]));
    }
    MoreLikeThisQuery::builder()
        .with_min_doc_frequency(1)
        .with_max_doc_frequency(searcher.num_docs() / 2 + 1)
        .with_min_term_frequency(1)
        .with_max_query_terms(30)
        .with_min_word_length(3)
        .with_document_fields(fields)
}

/// Every resource either query found, with its text similarity relative to the best match
/// other than the resource itself (0 for those found only by the structural query).
fn candidates(
    index: &SearchIndex,
    searcher: &Searcher,
    resource: &Resource,
    structural: &[(f32, DocAddress)],
    similar: &[(f32, DocAddress)],
) -> HashMap<DocAddress, f32> {
    let best_similarity = similar
        .iter()
        .filter(|(_, addr)| !is_self(index, searcher, *addr, resource))
        .map(|(s, _)| *s)
        .fold(0.0f32, f32::max);
    let mut candidates: HashMap<DocAddress, f32> = HashMap::new();
    for (_, addr) in structural {
        candidates.insert(*addr, 0.0);
    }
    for (score, addr) in similar {
        if best_similarity > 0.0 {
            candidates.insert(*addr, score / best_similarity);
        }
    }
    candidates
}

/// A related resource before it is shown: its score, its card and why it is related.
struct Scored {
    score: f32,
    card: Card,
    codes: Vec<String>,
}

/// The candidates with a reason to be shown, best first (ties by id), with their score and
/// reason codes; never the resource itself.
fn scored(
    index: &SearchIndex,
    searcher: &Searcher,
    resource: &Resource,
    lang: Lang,
    candidates: HashMap<DocAddress, f32>,
    situations: &HashSet<String>,
) -> tantivy::Result<Vec<Scored>> {
    let this = Card::of(resource);
    let mut scored = Vec::new();
    for (addr, similarity) in candidates {
        // Only the card is read here (its text is not shown): no fallback order needed.
        let (other, _) = index.card_at(searcher, addr, lang, &[])?;
        if other.id == resource.id {
            continue;
        }
        let situation = situations.contains(&other.id);
        let (score, codes) = explain(&this, &other, similarity, situation);
        if codes.is_empty() {
            continue;
        }
        scored.push(Scored {
            score,
            card: other,
            codes,
        });
    }
    scored.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.card.id.cmp(&b.card.id))
    });
    Ok(scored)
}

/// The scored resources as hits in `lang`, in one list per type, each cut at `limit`.
fn by_type(scored: Vec<Scored>, lang: Lang, fallback: &[Lang], limit: usize) -> Related {
    let mut out = Related::default();
    for related in scored {
        let list = match related.card.kind {
            ResourceType::Case => &mut out.cases,
            ResourceType::Tool => &mut out.tools,
            ResourceType::Practice => &mut out.practices,
            ResourceType::Recommendation => &mut out.recommendations,
            ResourceType::Module => &mut out.modules,
        };
        if list.len() >= limit {
            continue;
        }
        let summary = related.card.version(lang, fallback).summary;
        let snippet = super::escape_html(&super::crop(summary, 160));
        list.push(RelatedHit {
            hit: hit(&related.card, lang, fallback, related.score, snippet),
            reasons: related
                .codes
                .iter()
                .map(|c| describe(lang, c, related.card.kind))
                .collect(),
            reason_codes: related.codes,
        });
    }
    out
}

fn is_self(
    index: &SearchIndex,
    searcher: &Searcher,
    addr: DocAddress,
    resource: &Resource,
) -> bool {
    searcher
        .segment_reader(addr.segment_ord)
        .fast_fields()
        .str(crate::index::schema::names::ID)
        .ok()
        .flatten()
        .and_then(|col| {
            let ord = col.term_ords(addr.doc_id).next()?;
            let mut s = String::new();
            col.ord_to_str(ord, &mut s).ok()?;
            Some(s == resource.id)
        })
        .unwrap_or_else(|| {
            let _ = index;
            false
        })
}

/// The score and reason codes of `other` as related to `this`: `similarity` is the relative
/// text similarity, `situation` whether their vectors say they are about the same situation.
pub fn explain(this: &Card, other: &Card, similarity: f32, situation: bool) -> (f32, Vec<String>) {
    let mut score = 0.0;
    let mut codes = Vec::new();
    if this.related.contains(&other.id) || other.related.contains(&this.id) {
        score += LINK_WEIGHT;
        codes.push("link".to_string());
    }
    if this.recommendations.contains(&other.id) || other.recommendations.contains(&this.id) {
        score += ILLUSTRATES_WEIGHT;
        codes.push("illustrates".to_string());
    }
    for rec in &this.recommendations {
        if other.recommendations.contains(rec) {
            score += SHARED_RECOMMENDATION_WEIGHT;
            codes.push(format!("recommendation:{rec}"));
        }
    }
    if this.domain == other.domain {
        score += SAME_DOMAIN_WEIGHT;
        codes.push("same_domain".to_string());
    } else if this
        .all_domains()
        .any(|d| other.all_domains().any(|o| o == d))
    {
        score += SHARED_DOMAIN_WEIGHT;
        codes.push("shared_domain".to_string());
    }
    score += SIMILARITY_WEIGHT * similarity;
    if similarity >= SIMILARITY_REASON_MIN {
        codes.push("similar_text".to_string());
    }
    if situation {
        score += SITUATION_WEIGHT;
        codes.push("similar_situation".to_string());
    }
    // A shared domain alone is too weak a reason to show anything.
    if codes.len() == 1 && codes[0].ends_with("domain") {
        codes.clear();
    }
    (score, codes)
}

/// A reason code in words, as a professional reads them (`views/i18n`, `reason.*`). `other`
/// is the related resource's type: `illustrates` reads "the recommendation it puts into
/// practice" for a recommendation, "puts this recommendation into practice" otherwise.
pub fn describe(lang: Lang, code: &str, other: ResourceType) -> String {
    match code.split_once(':') {
        Some(("recommendation", id)) => t(lang, "reason.recommendation").replace("{id}", id),
        _ if code == "illustrates" && other == ResourceType::Recommendation => {
            t(lang, "reason.illustrated").to_string()
        }
        _ => t(lang, &format!("reason.{code}")).to_string(),
    }
}
