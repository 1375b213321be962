//! Did-you-mean: a corrected query built from the index's own words, for queries whose
//! words look misspelt (they occur in no resource of the language).

use crate::analysis;
use crate::index::SearchIndex;
use crate::lang::Lang;
use std::collections::HashMap;
use tantivy::Term;

/// Levenshtein distance with an early exit above `max`.
fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        if cur.iter().min().copied().unwrap_or(0) > max {
            return None;
        }
        prev = cur;
    }
    Some(prev[b.len()]).filter(|&d| d <= max)
}

/// The query with each unknown word (4+ letters) replaced by the closest frequent word of the
/// language's resources, or `None` when no word needs correcting.
pub fn did_you_mean(index: &SearchIndex, lang: Lang, q: &str) -> Option<String> {
    let searcher = index.searcher();
    let field = index.fields.lang(lang).words;
    let words = analysis::analyze_with(&mut analysis::words_analyzer(), q);
    let mut out = q.to_string();
    let mut changed = false;
    for w in words.iter().rev() {
        let len = w.term.chars().count();
        if len < 4 || w.term.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let known = searcher
            .doc_freq(&Term::from_field_text(field, &w.term))
            .unwrap_or(0)
            > 0;
        if known {
            continue;
        }
        let max = if len >= 8 { 2 } else { 1 };
        // Candidates share the first two letters: most typos are not there, and it keeps the
        // scan to a small slice of the dictionary.
        let first: String = w.term.chars().take(2).collect();
        let mut upper = first.clone().into_bytes();
        upper.push(0xff);
        let mut best: HashMap<String, (usize, u64)> = HashMap::new();
        for segment in searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inverted
                .terms()
                .range()
                .ge(first.as_bytes())
                .lt(&upper)
                .into_stream()
            else {
                continue;
            };
            while stream.advance() {
                let key = stream.key();
                if key.len().abs_diff(w.term.len()) > max + 1 {
                    continue;
                }
                let Ok(candidate) = std::str::from_utf8(key) else {
                    continue;
                };
                if let Some(d) = distance(&w.term, candidate, max) {
                    let entry = best.entry(candidate.to_string()).or_insert((d, 0));
                    entry.1 += u64::from(stream.value().doc_freq);
                }
            }
        }
        if let Some((word, _)) = best.into_iter().min_by(|a, b| {
            a.1 .0
                .cmp(&b.1 .0)
                .then(b.1 .1.cmp(&a.1 .1))
                .then(a.0.cmp(&b.0))
        }) {
            out.replace_range(w.from..w.to, &word);
            changed = true;
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn distances() {
        assert_eq!(super::distance("logemnet", "logement", 2), Some(2));
        assert_eq!(super::distance("interprete", "interprète", 1), Some(1));
        assert_eq!(super::distance("abc", "xyz", 1), None);
    }
}
