//! Turning what a user typed into a tantivy query. The text is never handed to a query
//! parser: it is analyzed into terms, so quotes, parentheses, `AND`, `:` and other syntax are
//! just characters, and no input can make the query fail.

use crate::analysis::{self, AnalyzedTerm};
use crate::index::{Fields, LangFields};
use crate::lang::Lang;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query,
    RegexQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

/// Relative weights of the text fields: a word in the title says more than one in the body.
pub const TITLE_BOOST: f32 = 3.0;
pub const SUMMARY_BOOST: f32 = 1.5;
pub const BODY_BOOST: f32 = 1.0;
/// Bonus for two query words found next to each other (phrase match).
const PHRASE_BOOST: f32 = 1.5;
/// Constant score of a typo-tolerant match: below what an exact match usually scores.
const FUZZY_SCORE: f32 = 0.6;
/// Constant score of a completion of the last, unfinished word.
const PREFIX_SCORE: f32 = 0.5;
/// Longer queries are cut: the first words of a situation describe it best.
pub const MAX_TERMS: usize = 32;

/// The analyzed form of a query in one language.
#[derive(Debug, Clone)]
pub struct Analyzed {
    pub terms: Vec<AnalyzedTerm>,
    /// The lowercased word each term came from, as typed (`words[i]` gave `terms[i]`).
    pub words: Vec<String>,
    /// The last word is still being typed (no trailing space): also match it as a prefix.
    pub open_last: bool,
}

pub fn analyze_query(lang: Lang, q: &str) -> Analyzed {
    let mut terms = analysis::analyze(lang, q);
    terms.truncate(MAX_TERMS);
    let words = terms
        .iter()
        .map(|t| q[t.from..t.to].to_lowercase())
        .collect();
    let open_last = !q.ends_with(|c: char| c.is_whitespace() || c.is_ascii_punctuation());
    Analyzed {
        terms,
        words,
        open_last,
    }
}

fn term_query(field: tantivy::schema::Field, text: &str, boost: f32) -> Box<dyn Query> {
    let q = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqsAndPositions,
    );
    Box::new(BoostQuery::new(Box::new(q), boost))
}

/// The relevance query of one language's fields.
pub fn language_query(searcher: &Searcher, f: &LangFields, a: &Analyzed) -> Option<Box<dyn Query>> {
    if a.terms.is_empty() {
        return None;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // Each typo-tolerant term walks the term dictionary: bound the work a long query can ask.
    let mut fuzzy_budget = 4;
    for (i, t) in a.terms.iter().enumerate() {
        if !seen.insert(t.term.as_str()) {
            continue;
        }
        for (field, boost) in [
            (f.title, TITLE_BOOST),
            (f.summary, SUMMARY_BOOST),
            (f.body, BODY_BOOST),
        ] {
            clauses.push((Occur::Should, term_query(field, &t.term, boost)));
        }
        let known = [f.title, f.body, f.summary].iter().any(|&field| {
            searcher
                .doc_freq(&Term::from_field_text(field, &t.term))
                .is_ok_and(|n| n > 0)
        });
        let word = &a.words[i];
        let word_len = word.chars().count();
        if !known && word_len >= 5 && fuzzy_budget > 0 {
            fuzzy_budget -= 1;
            let distance = if word_len >= 9 { 2 } else { 1 };
            let fuzzy = FuzzyTermQuery::new(Term::from_field_text(f.words, word), distance, true);
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(fuzzy), FUZZY_SCORE)),
            ));
        }
    }
    if a.open_last {
        if let Some(last) = a.terms.last() {
            if last.to - last.from >= 3 {
                for field in [f.title, f.body] {
                    if let Ok(prefix) = RegexQuery::from_pattern(&format!("{}.*", last.term), field)
                    {
                        clauses.push((
                            Occur::Should,
                            Box::new(ConstScoreQuery::new(Box::new(prefix), PREFIX_SCORE)),
                        ));
                    }
                }
            }
        }
    }
    if a.terms.len() >= 2 && a.terms.len() <= 12 {
        for pair in a.terms.windows(2) {
            if pair[0].term == pair[1].term {
                continue;
            }
            for (field, boost) in [(f.title, TITLE_BOOST), (f.body, BODY_BOOST)] {
                let phrase = PhraseQuery::new_with_offset_and_slop(
                    vec![
                        (0, Term::from_field_text(field, &pair[0].term)),
                        (
                            pair[1].position - pair[0].position,
                            Term::from_field_text(field, &pair[1].term),
                        ),
                    ],
                    1,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(phrase), PHRASE_BOOST * boost)),
                ));
            }
        }
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// The whole query for a search in `lang`: the language's own fields, plus, for resources
/// with no translation in `lang`, the fields of their original language (they come back with
/// `fallback: true`).
pub fn search_query(
    searcher: &Searcher,
    fields: &Fields,
    lang: Lang,
    q: &str,
) -> Option<Box<dyn Query>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(own) = language_query(searcher, fields.lang(lang), &analyze_query(lang, q)) {
        clauses.push((Occur::Should, own));
    }
    for other in Lang::ALL.into_iter().filter(|&l| l != lang) {
        let Some(text) = language_query(searcher, fields.lang(other), &analyze_query(other, q))
        else {
            continue;
        };
        let only_there = |field, value: Lang| -> Box<dyn Query> {
            Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(field, value.code()),
                    IndexRecordOption::Basic,
                )),
                0.0,
            ))
        };
        clauses.push((
            Occur::Should,
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, text),
                (Occur::Must, only_there(fields.missing, lang)),
                (Occur::Must, only_there(fields.original, other)),
            ])),
        ));
    }
    if clauses.is_empty() {
        None
    } else {
        Some(Box::new(BooleanQuery::new(clauses)))
    }
}
