//! Hybrid ranking: the lexical candidates and the resources nearest to the query in the
//! semantic space, ranked by a weighted sum of the two normalised scores. The lexical score
//! is divided by the best lexical score; the cosine is mapped to 0–1 over a window below the
//! best cosine (cosines of this model crowd into a narrow band, so their raw values say
//! little, their distance to the best says much). The semantic weight is highest for
//! situation sentences, where words alone miss paraphrases and other languages; shorter
//! queries (keywords, the first words being typed) are ranked lexically only.

use super::collector::{Faceted, Selection};
use super::query::QueryText;
use super::Scope;
use crate::index::SearchIndex;
use std::collections::HashSet;
use tantivy::DocAddress;

/// Lexical candidates re-ranked (at least; a deeper page re-ranks as deep).
pub const CANDIDATES: usize = 50;
/// Semantic neighbours that may join the candidates without any word in common.
const NEIGHBOURS: usize = 20;
/// Cosines further than this below the best one count as no semantic evidence.
const WINDOW: f32 = 0.25;
/// Semantic weight for a situation (four meaningful words or more). Tuned on
/// eval/judged.yaml (RELEVANCE.md): 0.3 beat 0.4, 0.5 and 0.7; any weight on shorter queries
/// lowered keyword queries, so they stay lexical.
const SITUATION_WEIGHT: f32 = 0.3;
/// Meaningful words from which a query is a situation.
const SITUATION_TERMS: usize = 4;

/// How much the semantic side counts for this query, if at all: only situations, once the
/// index has vectors.
pub fn weight(scope: &Scope, text: Option<&QueryText>) -> Option<f32> {
    let semantic = scope.semantic.filter(|s| s.enabled())?;
    let situation = text?.content_terms() >= SITUATION_TERMS;
    (situation && !semantic.vectors().resources.is_empty()).then_some(SITUATION_WEIGHT)
}

/// Re-ranks `faceted.top` with the semantic signal; neighbours that passed the filters and
/// that the words missed are added (and counted in the total). `best` below is the best
/// cosine, which the window hangs from.
pub fn rerank(
    index: &SearchIndex,
    scope: &Scope,
    selection: &Selection,
    faceted: &mut Faceted,
    query: &str,
    lang: crate::lang::Lang,
    weight: f32,
) -> tantivy::Result<()> {
    let Some(semantic) = scope.semantic else {
        return Ok(());
    };
    let Some(q) = semantic.query_vector(query) else {
        return Ok(());
    };
    let vectors = semantic.vectors();
    let q = vectors.centre(lang, &q);
    let ranked = vectors.ranked(&q);
    let Some(&(best, _)) = ranked.first() else {
        return Ok(());
    };
    let closeness = |c: f32| ((c - (best - WINDOW)) / WINDOW).clamp(0.0, 1.0);
    let lex_best = faceted.top.first().map_or(1.0, |t| t.0).max(f32::EPSILON);
    let mut fused: Vec<(f32, DocAddress)> = Vec::with_capacity(faceted.top.len() + NEIGHBOURS);
    let mut seen = HashSet::new();
    for &(score, addr) in &faceted.top {
        let id = index.id_at(scope.searcher, addr)?.unwrap_or_default();
        let c = vectors.similarity(&id, &q).map_or(0.0, closeness);
        fused.push(((1.0 - weight) * score / lex_best + weight * c, addr));
        seen.insert(id);
    }
    for (c, addr) in neighbours(index, scope, selection, &ranked, best, &seen)? {
        fused.push((weight * closeness(c), addr));
        faceted.total += 1;
    }
    fused.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    faceted.top = fused;
    Ok(())
}

/// The nearest resources the lexical candidates do not hold, within the window below `best`,
/// that the request's filters let through.
fn neighbours(
    index: &SearchIndex,
    scope: &Scope,
    selection: &Selection,
    ranked: &[(f32, &str)],
    best: f32,
    seen: &HashSet<String>,
) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    let mut out = Vec::new();
    for &(c, id) in ranked.iter().take(NEIGHBOURS) {
        if c < best - WINDOW || seen.contains(id) {
            continue;
        }
        let Some(addr) = index.address_of(scope.searcher, id)? else {
            continue;
        };
        let card = super::card_at(index, *scope, addr, crate::lang::Lang::Fr)?;
        if selection.admits(&card.0, scope.domains) {
            out.push((c, addr));
        }
    }
    Ok(out)
}
