//! Did-you-mean: a corrected query built from the index's own words, for queries whose
//! words look misspelt (they occur in no resource of the language).

use crate::analysis;
use crate::index::SearchIndex;
use crate::lang::Lang;
use std::collections::HashMap;
use tantivy::Term;

/// [`distance_with`] on its own buffers.
#[cfg(test)]
fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    distance_with(&a, b, max, &mut Rows::default())
}

/// The buffers of the edit-distance table, reused across the hundreds of candidates one
/// unknown word is compared with (allocating them per candidate was most of the cost).
#[derive(Default)]
struct Rows {
    b: Vec<char>,
    before: Vec<usize>,
    prev: Vec<usize>,
    cur: Vec<usize>,
}

/// Edit distance counting a swap of two neighbouring letters as one edit (`embauhce` is one
/// edit from `embauche`, as a reader sees it), with an early exit above `max`.
fn distance_with(a: &[char], b: &str, max: usize, rows: &mut Rows) -> Option<usize> {
    let Rows {
        b: bc,
        before,
        prev,
        cur,
    } = rows;
    bc.clear();
    bc.extend(b.chars());
    let b = &bc[..];
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    prev.clear();
    prev.extend(0..=b.len());
    for (i, ca) in a.iter().enumerate() {
        cur.clear();
        cur.resize(b.len() + 1, i + 1);
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            let swapped = i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb;
            if swapped {
                cur[j + 1] = cur[j + 1].min(before[j - 1] + 1);
            }
        }
        if cur.iter().min().copied().unwrap_or(0) > max {
            return None;
        }
        // Row i - 1 becomes `before`, row i `prev`; the oldest buffer is reused for row i + 1.
        std::mem::swap(before, prev);
        std::mem::swap(prev, cur);
    }
    Some(prev[b.len()]).filter(|&d| d <= max)
}

/// A written word of the index close to a word no resource contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub word: String,
    /// Edits from the word as typed.
    pub distance: usize,
    /// Resources (versions) that contain it.
    pub doc_freq: u64,
}

/// How many edits a word of `len` letters may be away from its correction: one from five
/// letters, two from eight. Shorter words have too many neighbours to guess at.
pub fn max_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

/// The closest written words of `field` (a `words` field: whole lowercased words) to `word`,
/// best first (fewest edits, then most frequent), at most `limit`. Candidates share the first
/// two letters: most typos are not there, and it keeps the scan to a small slice of the
/// dictionary.
pub fn corrections(
    searcher: &tantivy::Searcher,
    field: tantivy::schema::Field,
    word: &str,
    limit: usize,
) -> Vec<Correction> {
    let max = max_edits(word.chars().count());
    if max == 0 || word.chars().any(|c| c.is_ascii_digit()) {
        return Vec::new();
    }
    let first: String = word.chars().take(2).collect();
    let mut upper = first.clone().into_bytes();
    upper.push(0xff);
    let mut found: HashMap<String, (usize, u64)> = HashMap::new();
    let chars: Vec<char> = word.chars().collect();
    let mut rows = Rows::default();
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
            if key.len().abs_diff(word.len()) > max + 1 {
                continue;
            }
            let Ok(candidate) = std::str::from_utf8(key) else {
                continue;
            };
            if let Some(d) = distance_with(&chars, candidate, max, &mut rows) {
                let entry = found.entry(candidate.to_string()).or_insert((d, 0));
                entry.1 += u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut out: Vec<Correction> = found
        .into_iter()
        .filter(|(w, _)| w != word)
        .map(|(word, (distance, doc_freq))| Correction {
            word,
            distance,
            doc_freq,
        })
        .collect();
    out.sort_by(|a, b| {
        (a.distance, std::cmp::Reverse(a.doc_freq), &a.word).cmp(&(
            b.distance,
            std::cmp::Reverse(b.doc_freq),
            &b.word,
        ))
    });
    out.truncate(limit);
    out
}

/// The query with each unknown word replaced by the closest frequent word of the language's
/// resources, or `None` when no word needs correcting.
pub fn did_you_mean(index: &SearchIndex, lang: Lang, q: &str) -> Option<String> {
    let searcher = &index.searcher();
    let field = index.fields.lang(lang).words;
    let words = analysis::analyze_with(&mut analysis::words_analyzer(), q);
    let mut out = q.to_string();
    let mut changed = false;
    for w in words.iter().rev() {
        let known = searcher
            .doc_freq(&Term::from_field_text(field, &w.term))
            .unwrap_or(0)
            > 0;
        if known {
            continue;
        }
        if let Some(best) = corrections(searcher, field, &w.term, 1).into_iter().next() {
            out.replace_range(w.from..w.to, &best.word);
            changed = true;
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn distances() {
        assert_eq!(
            super::distance("logemnet", "logement", 2),
            Some(1),
            "a swap is one edit"
        );
        assert_eq!(super::distance("interprete", "interprète", 1), Some(1));
        assert_eq!(super::distance("abc", "xyz", 1), None);
        assert_eq!(super::distance("embauhce", "embauche", 2), Some(1));
        assert_eq!(super::distance("interprte", "interprete", 1), Some(1));
    }
}
