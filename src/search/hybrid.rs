//! Hybrid ranking: the lexical candidates and the resources nearest to the query in the
//! semantic space, ranked by a weighted sum of the two normalised scores. The lexical score
//! is divided by the best lexical score; the cosine is mapped to 0–1 over a window below the
//! best cosine (cosines of this model crowd into a narrow band, so their raw values say
//! little, their distance to the best says much). Only situation sentences get a semantic
//! weight, where words alone miss paraphrases and other languages; shorter queries
//! (keywords, the first words being typed) are ranked lexically only. Within a situation,
//! a resource with no version in the query's language is ranked mostly by meaning: its
//! words can only meet the query's through the cross-language pass, which is weak evidence.

use super::collector::{Faceted, Selection};
use super::query::QueryText;
use super::Scope;
use crate::index::SearchIndex;
use crate::lang::Lang;
use std::collections::HashSet;
use tantivy::DocAddress;

/// Lexical candidates re-ranked (at least; a deeper page re-ranks as deep).
pub const CANDIDATES: usize = 50;
/// Semantic neighbours that may join the candidates without any word in common.
const NEIGHBOURS: usize = 20;
/// Cosines further than this below the best one count as no semantic evidence.
const WINDOW: f32 = 0.25;
/// Semantic weights for a situation (four meaningful words or more), for a resource written
/// in the query's language and for one that is not. Tuned on eval/judged.yaml with and
/// without the vocabulary (RELEVANCE.md): one weight of 0.3 for both left the fallback
/// queries at 0.31 without the vocabulary, 0.2 / 0.9 lifts them to 0.56 and French to its
/// lexical level; any weight on shorter queries lowered keyword queries, so they stay lexical.
const SITUATION_WEIGHTS: Weights = Weights {
    same_language: 0.2,
    other_language: 0.9,
};
/// The weight for a resource in another language when the query named vocabulary concepts:
/// their terms in the resource's language then weigh as the user's own words, so its lexical
/// score is real evidence. Over the French files alone (every other query cross-language)
/// 0.6 beat 0.9 by 0.05 nDCG@10 with the vocabulary; on the whole corpus they were level.
const OTHER_LANGUAGE_WITH_CONCEPTS: f32 = 0.6;
/// Meaningful words from which a query is a situation.
const SITUATION_TERMS: usize = 4;

/// How much the semantic side counts, by whether the resource is written in the query's
/// language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub same_language: f32,
    pub other_language: f32,
}

impl Weights {
    /// The weights once the lexical side has said whether vocabulary concepts expanded it.
    pub fn given_concepts(self, expanded: bool) -> Weights {
        Weights {
            other_language: if expanded {
                self.other_language.min(OTHER_LANGUAGE_WITH_CONCEPTS)
            } else {
                self.other_language
            },
            ..self
        }
    }
}

/// What the fusion knows of one resource.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    /// Lexical score as a share of the best one (0 for a neighbour the words missed).
    lexical: f32,
    /// Best cosine of its versions to the query, if it has vectors yet.
    cosine: Option<f32>,
    /// It has a version in the query's language.
    same_language: bool,
}

impl Candidate {
    /// The fused score, `best` being the best cosine of any resource to the query.
    fn score(self, best: f32, weights: Weights) -> f32 {
        let weight = if self.same_language {
            weights.same_language
        } else {
            weights.other_language
        };
        let closeness = self
            .cosine
            .map_or(0.0, |c| ((c - (best - WINDOW)) / WINDOW).clamp(0.0, 1.0));
        (1.0 - weight) * self.lexical + weight * closeness
    }
}

/// How much the semantic side counts for this query, if at all: only situations, once the
/// index has vectors.
pub fn weights(scope: &Scope, text: Option<&QueryText>) -> Option<Weights> {
    let semantic = scope.semantic.filter(|s| s.enabled())?;
    let situation = text?.content_terms() >= SITUATION_TERMS;
    (situation && !semantic.vectors().resources.is_empty()).then_some(SITUATION_WEIGHTS)
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
    lang: Lang,
    weights: Weights,
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
    let lex_best = faceted.top.first().map_or(1.0, |t| t.0).max(f32::EPSILON);
    let mut fused: Vec<(f32, DocAddress)> = Vec::with_capacity(faceted.top.len() + NEIGHBOURS);
    let mut seen = HashSet::new();
    for &(score, addr) in &faceted.top {
        let id = index.id_at(scope.searcher, addr)?.unwrap_or_default();
        let candidate = Candidate {
            lexical: score / lex_best,
            cosine: vectors.similarity(&id, &q),
            same_language: vectors.has_version(&id, lang),
        };
        fused.push((candidate.score(best, weights), addr));
        seen.insert(id);
    }
    for (cosine, id, addr) in neighbours(index, scope, selection, &ranked, best, &seen)? {
        let candidate = Candidate {
            lexical: 0.0,
            cosine: Some(cosine),
            same_language: vectors.has_version(id, lang),
        };
        fused.push((candidate.score(best, weights), addr));
        faceted.total += 1;
    }
    fused.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    faceted.top = fused;
    Ok(())
}

/// The nearest resources the lexical candidates do not hold, within the window below `best`,
/// that the request's filters let through.
fn neighbours<'v>(
    index: &SearchIndex,
    scope: &Scope,
    selection: &Selection,
    ranked: &[(f32, &'v str)],
    best: f32,
    seen: &HashSet<String>,
) -> tantivy::Result<Vec<(f32, &'v str, DocAddress)>> {
    let mut out = Vec::new();
    for &(c, id) in ranked.iter().take(NEIGHBOURS) {
        if c < best - WINDOW || seen.contains(id) {
            continue;
        }
        let Some(addr) = index.address_of(scope.searcher, id)? else {
            continue;
        };
        let card = super::card_at(index, *scope, addr, Lang::Fr)?;
        if selection.admits(&card.0, scope.domains) {
            out.push((c, id, addr));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Swedish counsellor's situation: a Swedish resource shares the most words with it,
    /// a French-only one is nearest in meaning and found by the cross-language pass at half
    /// the lexical score. One weight for both (0.3) ranked the Swedish resource first.
    #[test]
    fn a_resource_in_another_language_is_ranked_mostly_by_meaning() {
        let best = 0.8;
        let swedish = Candidate {
            lexical: 1.0,
            cosine: Some(best - 0.2),
            same_language: true,
        };
        let french = Candidate {
            lexical: 0.5,
            cosine: Some(best),
            same_language: false,
        };
        let w = SITUATION_WEIGHTS;
        assert!(french.score(best, w) > swedish.score(best, w));
        // In the query's language, words still lead: the same two scores, both Swedish.
        let french_words_in_swedish = Candidate {
            same_language: true,
            ..french
        };
        assert!(swedish.score(best, w) > french_words_in_swedish.score(best, w));
    }

    /// When the query named vocabulary concepts, the French resource's words are the
    /// concepts' French terms: strong lexical evidence keeps it first, which it would not be
    /// on meaning alone.
    #[test]
    fn with_vocabulary_concepts_words_in_another_language_count_again() {
        let best = 0.8;
        let french = Candidate {
            lexical: 1.0,
            cosine: Some(best - 0.1),
            same_language: false,
        };
        let swedish = Candidate {
            lexical: 0.6,
            cosine: Some(best),
            same_language: true,
        };
        let with = SITUATION_WEIGHTS.given_concepts(true);
        assert!(french.score(best, with) > swedish.score(best, with));
        let without = SITUATION_WEIGHTS.given_concepts(false);
        assert_eq!(without, SITUATION_WEIGHTS);
        assert!(french.score(best, without) < swedish.score(best, without));
    }

    #[test]
    fn closeness_counts_only_within_the_window_below_the_best_cosine() {
        let w = SITUATION_WEIGHTS;
        let far = Candidate {
            lexical: 0.4,
            cosine: Some(0.8 - WINDOW - 0.01),
            same_language: true,
        };
        let unknown = Candidate {
            cosine: None,
            ..far
        };
        assert_eq!(far.score(0.8, w), unknown.score(0.8, w));
        assert!((far.score(0.8, w) - (1.0 - w.same_language) * 0.4).abs() < 1e-6);
    }
}
