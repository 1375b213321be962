//! A learning pathway for a situation query: the case to start from, the tools that help act
//! on it, the module to go further. Built from the model's links (related resources and shared
//! recommendations), never written per query, and left out when the evidence is weak.

use super::related::{related, RelatedHit};
use super::Hit;
use crate::i18n::fill as fmt;
use crate::i18n::t;
use crate::index::SearchIndex;
use crate::lang::Lang;

/// A situation is described in a few words at least; keyword queries get no pathway.
const MIN_QUERY_TERMS: usize = 4;
/// The case must rank among the first results, and score close to the best.
const CASE_RANK: usize = 5;
const CASE_SCORE_SHARE: f32 = 0.4;

#[derive(Debug, Clone)]
pub struct Pathway {
    /// Each step with its one-line reason.
    pub steps: Vec<(Hit, String)>,
}

fn reason(lang: Lang, h: &RelatedHit) -> String {
    h.reasons
        .iter()
        .take(2)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
        + if h.reasons.is_empty() {
            t(lang, "reason.same_domain")
        } else {
            ""
        }
}

/// The pathway for these first hits of a search, when the corpus supports one.
pub fn pathway(
    index: &SearchIndex,
    lang: Lang,
    fallback: &[Lang],
    query_terms: usize,
    hits: &[Hit],
) -> Option<Pathway> {
    if query_terms < MIN_QUERY_TERMS {
        return None;
    }
    let best = hits.first()?.score;
    let case = hits.iter().take(CASE_RANK).find(|h| {
        h.kind == crate::content::ResourceType::Case && h.score >= best * CASE_SCORE_SHARE
    })?;
    let searcher = index.searcher();
    let resource = index.find(&searcher, &case.id).ok()??;
    // Only the model's own links count here, so the vectors are not needed.
    let rel = related(index, &resource, lang, fallback, 3, None).ok()?;
    // Only tools the model links to the case (an explicit link or a shared recommendation).
    let strong = |h: &&RelatedHit| {
        h.reason_codes
            .iter()
            .any(|c| c == "link" || c.starts_with("recommendation:"))
    };
    let tools: Vec<&RelatedHit> = rel.tools.iter().filter(strong).take(2).collect();
    if tools.is_empty() {
        return None;
    }
    let mut steps = vec![(case.clone(), t(lang, "pathway.case").to_string())];
    for tool in tools {
        steps.push((
            tool.hit.clone(),
            fmt(t(lang, "pathway.tool"), &[("why", &reason(lang, tool))]),
        ));
    }
    if let Some(module) = rel.modules.first() {
        steps.push((
            module.hit.clone(),
            fmt(t(lang, "pathway.module"), &[("why", &reason(lang, module))]),
        ));
    }
    Some(Pathway { steps })
}
