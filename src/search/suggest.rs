//! Completions for a query being typed: the words of titles and tags that complete the last
//! word (most common first), then the titles of the best matching resources.

use super::query;
use crate::analysis;
use crate::index::SearchIndex;
use crate::lang::Lang;
use serde::Serialize;
use std::collections::HashMap;
use tantivy::collector::TopDocs;

const WORDS: usize = 5;
const TITLES: usize = 5;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Suggestion {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

pub fn suggest(
    index: &SearchIndex,
    vocabulary: &crate::content::Vocabulary,
    lang: Lang,
    fallback: &[Lang],
    q: &str,
) -> tantivy::Result<Vec<Suggestion>> {
    let q: String = q.chars().take(super::MAX_QUERY_CHARS).collect();
    let searcher = index.searcher();
    let mut out = Vec::new();

    let words = analysis::analyze_with(&mut analysis::words_analyzer(), &q);
    if let Some(last) = words
        .last()
        .filter(|w| w.to == q.len() && w.term.chars().count() >= 2)
    {
        let field = index.fields.lang(lang).words;
        let mut counts: HashMap<String, u64> = HashMap::new();
        let mut upper = last.term.clone().into_bytes();
        upper.push(0xff);
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(last.term.as_bytes())
                .lt(&upper)
                .into_stream()?;
            while stream.advance() {
                if let Ok(word) = std::str::from_utf8(stream.key()) {
                    if word != last.term {
                        *counts.entry(word.to_string()).or_default() +=
                            u64::from(stream.value().doc_freq);
                    }
                }
            }
        }
        let mut ranked: Vec<(String, u64)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| a.0.len().cmp(&b.0.len()))
                .then_with(|| a.0.cmp(&b.0))
        });
        let head = &q[..last.from];
        for (word, _) in ranked.into_iter().take(WORDS) {
            out.push(Suggestion {
                text: format!("{head}{word}"),
                id: None,
            });
        }
    }

    let options = query::Options::default();
    let text = query::QueryText::new(lang, &q, options.complete_last);
    let built = query::search_query(
        &searcher,
        &index.fields,
        vocabulary,
        &text,
        options,
        query::Phrases::InQuery,
    );
    if let Some(built) = built {
        for (_, addr) in searcher.search(
            built.query.as_ref(),
            &TopDocs::with_limit(TITLES).order_by_score(),
        )? {
            let (card, _) = index.card_at(&searcher, addr, lang, fallback)?;
            out.push(Suggestion {
                text: card.version(lang, fallback).title.to_string(),
                id: Some(card.id.clone()),
            });
        }
    }
    Ok(out)
}
