//! Turning what a user typed into a tantivy query. The text is never handed to a query
//! parser: it is analyzed into terms, so quotes, parentheses, `AND`, `:` and other syntax are
//! just characters, and no input can make the query fail.

use crate::analysis::{self, AnalyzedTerm};
use crate::index::{Fields, LangFields};
use crate::lang::Lang;
use std::ops::Bound;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, InvertedIndexRangeQuery, Occur,
    PhraseQuery, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

/// Defaults tuned on the project's own judged queries (`profint eval judged --tune`).
pub const TITLE_BONUS: f32 = 0.5;
pub const PHRASE_BONUS: f32 = 1.0;
/// Weight of a corrected word (a word no resource contains read as its closest written
/// word), by edits: below the user's own words, and lower the further the guess.
const CORRECTION_WEIGHT: [f32; 3] = [1.0, 0.7, 0.45];
/// Corrections tried for one unknown word.
const CORRECTIONS_PER_WORD: usize = 2;
/// Constant score of a completion of the last, unfinished word.
const PREFIX_SCORE: f32 = 0.5;
/// Longer queries are cut: the first words of a situation describe it best.
pub const MAX_TERMS: usize = 64;
/// Phrase bonuses are for short queries; a long situation sentence is a bag of words.
const MAX_PHRASE_TERMS: usize = 12;
/// In a long sentence the other words carry the meaning; guessing at unknown words there adds
/// noise rather than recall.
const MAX_FUZZY_QUERY_TERMS: usize = 8;
/// Nor is the last word of a long sentence completed: it is one word of many, and its
/// completions match every resource holding a word that starts like it. Reading them walks
/// every posting of that range of the dictionary: 2 ms of a 12-word search at 100 000
/// resources, p50 5.7-5.8 ms with the completion against 3.1-3.7 ms without.
const MAX_COMPLETED_QUERY_TERMS: usize = 8;
/// Weight of vocabulary expansions: below the user's own words.
const EXPANSION_SAME_LANG: f32 = 0.5;
const EXPANSION_OTHER_LANG: f32 = 0.35;
/// Weight of other languages' text in the cross-language pass.
const CROSS_LANGUAGE: f32 = 0.4;
/// At most this many concepts expand one query.
const MAX_CONCEPTS: usize = 8;

/// How much of the query machinery to use.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Add the other terms of vocabulary concepts the query mentions.
    pub expand: bool,
    /// Also match every resource's text in the other languages (second pass when the
    /// requested language has few good matches).
    pub cross_language: bool,
    /// Treat the last word as unfinished (search-as-you-type).
    pub complete_last: bool,
    /// Weight of a query word found in the title, on top of its weight in the text.
    pub title_bonus: f32,
    /// Weight of two query words found side by side.
    pub phrase_bonus: f32,
    /// On an index with more resources than this, the phrase bonuses are scored on this many
    /// best candidates only (0: with every match).
    pub rescore_window: usize,
}

/// Where a query's phrase bonuses go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phrases {
    /// In the query, scored with every match.
    InQuery,
    /// Left out of it and returned apart ([`Built::bonuses`]), to be scored on the best
    /// candidates only (`super::rescore`).
    Apart,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            expand: true,
            cross_language: false,
            complete_last: true,
            title_bonus: TITLE_BONUS,
            phrase_bonus: PHRASE_BONUS,
            rescore_window: super::rescore::WINDOW,
        }
    }
}

/// The analyzed form of a query in one language.
#[derive(Debug, Clone)]
pub struct Analyzed {
    /// The language whose analyzer read the query.
    pub lang: Lang,
    pub terms: Vec<AnalyzedTerm>,
    /// The lowercased word each term came from, as typed (`words[i]` gave `terms[i]`).
    pub words: Vec<String>,
    /// The last word may still be being typed (nothing follows it, and the query is not a
    /// long sentence): also match it as a prefix.
    pub open_last: bool,
}

pub fn analyze_query(lang: Lang, q: &str) -> Analyzed {
    let mut terms = analysis::analyze(lang, q);
    terms.truncate(MAX_TERMS);
    let words = terms
        .iter()
        .map(|t| q[t.from..t.to].to_lowercase())
        .collect();
    let open_last = terms.len() <= MAX_COMPLETED_QUERY_TERMS
        && !q.ends_with(|c: char| c.is_whitespace() || c.is_ascii_punctuation());
    Analyzed {
        lang,
        terms,
        words,
        open_last,
    }
}

/// What the user typed, read by every language's analyzer once per search (the requested
/// language first): both passes of the search and the snippets share it.
#[derive(Debug, Clone)]
pub struct QueryText {
    pub by_lang: Vec<(Lang, Analyzed)>,
}

impl QueryText {
    /// `complete_last` says whether the last word may still be being typed.
    pub fn new(lang: Lang, q: &str, complete_last: bool) -> QueryText {
        let order = std::iter::once(lang).chain(Lang::ALL.into_iter().filter(|&l| l != lang));
        let by_lang = order
            .map(|l| {
                let mut a = analyze_query(l, q);
                a.open_last &= complete_last;
                (l, a)
            })
            .collect();
        QueryText { by_lang }
    }

    /// The requested language.
    pub fn lang(&self) -> Lang {
        self.by_lang[0].0
    }

    /// How many terms of the requested language carry meaning (weak words left out).
    pub fn content_terms(&self) -> usize {
        let (lang, a) = &self.by_lang[0];
        a.terms
            .iter()
            .filter(|t| !analysis::is_weak(*lang, &t.term))
            .count()
    }

    /// Whether some language reads the query as words that can earn phrase bonuses.
    pub fn has_phrases(&self) -> bool {
        self.by_lang
            .iter()
            .any(|(_, a)| (2..=MAX_PHRASE_TERMS).contains(&a.terms.len()))
    }

    /// The query's terms as `lang` analyses them.
    pub fn terms(&self, lang: Lang) -> Vec<String> {
        self.by_lang
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, a)| a.terms.iter().map(|t| t.term.clone()).collect())
            .unwrap_or_default()
    }
}

/// A query word repeated counts more, with diminishing returns (BM25's k3 = 1).
fn repeat_weight(count: usize) -> f32 {
    let c = count as f32;
    2.0 * c / (1.0 + c)
}

fn term_query(field: tantivy::schema::Field, text: &str, boost: f32) -> Box<dyn Query> {
    let q = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqsAndPositions,
    );
    Box::new(BoostQuery::new(Box::new(q), boost))
}

/// One clause of a boolean query.
type Clause = (Occur, Box<dyn Query>);

/// The relevance query of one language's fields: BM25 over the language's text, a bonus for
/// words of the title and for query words found side by side, typo tolerance for words no
/// resource contains, and completion of the word being typed. `primary` is the requested
/// language: only there are unknown words read as typos and the last word completed (in
/// another language's fields a word is unknown because it belongs to the user's language).
pub fn language_query(
    searcher: &Searcher,
    f: &LangFields,
    a: &Analyzed,
    options: &Options,
    phrases_go: Phrases,
    primary: Option<&mut Reading>,
) -> Option<LanguageQuery> {
    if a.terms.is_empty() {
        return None;
    }
    let mut content: Vec<Clause> = Vec::new();
    let mut weak: Vec<Clause> = Vec::new();
    let mut has_content_words = false;
    let is_primary = primary.is_some();
    let mut reading = primary;
    // Each correction walks the term dictionary: bound the work a long query can ask.
    let mut typo_budget = 4;
    // A term no resource of the language holds can add nothing, and its clauses (and the
    // phrase bonuses it takes part in) would still cost their weights and scorers: most
    // terms of the cross-language passes are such terms.
    let mut absent: Vec<&str> = Vec::new();
    for term in distinct_terms(a) {
        let is_weak = analysis::is_weak(a.lang, term.term);
        has_content_words |= !is_weak;
        let clauses = if is_weak { &mut weak } else { &mut content };
        let known = searcher
            .doc_freq(&Term::from_field_text(f.text, term.term))
            .is_ok_and(|n| n > 0);
        if known {
            let w = repeat_weight(term.count);
            clauses.push((Occur::Should, term_query(f.text, term.term, w)));
            if options.title_bonus > 0.0 {
                clauses.push((
                    Occur::Should,
                    term_query(f.title, term.term, w * options.title_bonus),
                ));
            }
            continue;
        }
        absent.push(term.term);
        let Some(reading) = reading.as_deref_mut() else {
            continue;
        };
        if typo_budget > 0 && a.terms.len() <= MAX_FUZZY_QUERY_TERMS {
            let typo = correction_clauses(searcher, f, a.lang, &a.words[term.first], reading);
            if !typo.is_empty() {
                typo_budget -= 1;
                content.extend(typo);
            }
        }
    }
    if a.open_last && is_primary {
        content.extend(completion_clause(f, a));
    }
    // A query with words that mean something needs one of them (or a correction, or the
    // completion) to match; it never matches on its weak words alone.
    if has_content_words && content.is_empty() {
        return None;
    }
    let mut phrases = Vec::new();
    if options.phrase_bonus > 0.0 && a.terms.len() >= 2 && a.terms.len() <= MAX_PHRASE_TERMS {
        phrases = phrase_pairs(f, a, &absent);
    }
    if phrases_go == Phrases::InQuery {
        weak.extend(phrases.drain(..).map(|phrase| -> Clause {
            let boosted = BoostQuery::new(Box::new(phrase), options.phrase_bonus);
            (Occur::Should, Box::new(boosted))
        }));
    }
    Some(LanguageQuery {
        query: require_content(content, weak),
        phrases,
    })
}

/// A language's query, and its phrase pairs when they are asked apart.
pub struct LanguageQuery {
    pub query: Box<dyn Query>,
    pub phrases: Vec<PhraseQuery>,
}

/// The clauses of a language's query, where the weak words (and the phrase bonuses) only add
/// to the score of a resource that matches at least one word that means something: "sans" or
/// "utan" alone never makes a resource a match. A query of weak words only is matched on them.
fn require_content(content: Vec<Clause>, weak: Vec<Clause>) -> Box<dyn Query> {
    if content.is_empty() || weak.is_empty() {
        let mut all = content;
        all.extend(weak);
        return Box::new(BooleanQuery::new(all));
    }
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(BooleanQuery::new(content))),
        (Occur::Should, Box::new(BooleanQuery::new(weak))),
    ]))
}

/// What reading the query in the requested language found, beyond the query itself.
#[derive(Debug, Default, Clone)]
pub struct Reading {
    /// A word of the query occurs in no resource of the language (a typo, or a word the
    /// corpus does not use): the page offers a correction.
    pub unknown: bool,
    /// Terms of the corrections the query searched for, to highlight them.
    pub corrected: Vec<String>,
}

/// A term of the query, once however often it was typed.
struct DistinctTerm<'a> {
    term: &'a str,
    /// How many times it occurs in the query.
    count: usize,
    /// Where it first occurs (an index into [`Analyzed::words`]).
    first: usize,
}

/// The query's distinct terms, in the order they first occur.
fn distinct_terms(a: &Analyzed) -> Vec<DistinctTerm<'_>> {
    let mut distinct: Vec<DistinctTerm> = Vec::new();
    for (i, t) in a.terms.iter().enumerate() {
        match distinct.iter_mut().find(|d| d.term == t.term) {
            Some(d) => d.count += 1,
            None => distinct.push(DistinctTerm {
                term: t.term.as_str(),
                count: 1,
                first: i,
            }),
        }
    }
    distinct
}

/// For a term no resource contains (typed as `word`), its closest written words, each
/// searched as its term and scored by BM25 (a match on a corrected word is ranked by how well
/// the resource matches it, not given a constant), weighted by how far the guess is.
fn correction_clauses(
    searcher: &Searcher,
    f: &LangFields,
    lang: Lang,
    word: &str,
    reading: &mut Reading,
) -> Vec<Clause> {
    reading.unknown = true;
    let mut clauses = Vec::new();
    for c in super::spelling::corrections(searcher, f.words, word, CORRECTIONS_PER_WORD) {
        let weight = CORRECTION_WEIGHT[c.distance.min(2)];
        for corrected in analysis::terms(lang, &c.word) {
            clauses.push((Occur::Should, term_query(f.text, &corrected, weight)));
            if !reading.corrected.contains(&corrected) {
                reading.corrected.push(corrected);
            }
        }
    }
    clauses
}

/// Completions of the last word, the one being typed, once it has three characters: the
/// range of the term dictionary the word starts (no automaton to build, unlike a regex).
fn completion_clause(f: &LangFields, a: &Analyzed) -> Option<Clause> {
    let last = a.terms.last().filter(|last| last.to - last.from >= 3)?;
    let from = Term::from_field_text(f.text, &last.term);
    // Every term that starts with the word sorts below the word followed by the highest
    // character.
    let to = Term::from_field_text(f.text, &format!("{}{}", last.term, char::MAX));
    let prefix = InvertedIndexRangeQuery::new(Bound::Included(from), Bound::Excluded(to));
    Some((
        Occur::Should,
        Box::new(ConstScoreQuery::new(Box::new(prefix), PREFIX_SCORE)),
    ))
}

/// The pairs of neighbouring query words whose being side by side (one word may come between
/// them) earns a bonus. None for a pair with a term of `absent`, which cannot be found, nor
/// for two weak words ("de la"): a bonus only ever adds to a resource that matches a word that
/// means something, and a pair with one such word found in a resource's text is that match.
fn phrase_pairs(f: &LangFields, a: &Analyzed, absent: &[&str]) -> Vec<PhraseQuery> {
    let mut pairs = Vec::new();
    for pair in a.terms.windows(2) {
        let cannot_match = pair.iter().any(|t| absent.contains(&t.term.as_str()));
        let weak = pair.iter().all(|t| analysis::is_weak(a.lang, &t.term));
        if pair[0].term == pair[1].term || cannot_match || weak {
            continue;
        }
        pairs.push(PhraseQuery::new_with_offset_and_slop(
            vec![
                (0, Term::from_field_text(f.text, &pair[0].term)),
                (
                    pair[1].position - pair[0].position,
                    Term::from_field_text(f.text, &pair[1].term),
                ),
            ],
            1,
        ));
    }
    pairs
}

/// The phrase bonuses of one language clause, left out of a query to be scored on its best
/// candidates only (`super::rescore`).
pub struct Bonus {
    pub phrases: Vec<PhraseQuery>,
    /// The bonus times the weight of the clause that holds them in the one-pass query.
    pub weight: f32,
    /// Only for resources holding both terms (`missing:<lang>` and `original:<lang>`): the
    /// bonuses of a fallback clause.
    pub only: Option<[Term; 2]>,
}

/// A query ready to run, and what it was expanded with.
pub struct Built {
    pub query: Box<dyn Query>,
    /// The phrase bonuses, when asked apart ([`Phrases::Apart`]).
    pub bonuses: Vec<Bonus>,
    /// Ids of the vocabulary concepts that expanded the query.
    pub expanded: Vec<String>,
    /// What reading the query in the requested language found (unknown words, corrections).
    pub reading: Reading,
}

fn filter_term(field: tantivy::schema::Field, value: Lang) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_text(field, value.code()),
            IndexRecordOption::Basic,
        )),
        0.0,
    ))
}

/// The clauses matching one analyzed term sequence (a word, or a phrase) in a language.
fn form_query(f: &LangFields, form: &[String], options: &Options) -> Box<dyn Query> {
    if form.len() == 1 {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Should, term_query(f.text, &form[0], 1.0))];
        if options.title_bonus > 0.0 {
            clauses.push((
                Occur::Should,
                term_query(f.title, &form[0], options.title_bonus),
            ));
        }
        return Box::new(BooleanQuery::new(clauses));
    }
    let terms = form
        .iter()
        .enumerate()
        .map(|(i, t)| (i, Term::from_field_text(f.text, t)))
        .collect();
    Box::new(PhraseQuery::new_with_offset_and_slop(terms, 1))
}

/// The whole query for a search in `lang`: the language's own fields; for resources with no
/// translation in `lang`, the fields of their original language (they come back with
/// `fallback: true`); the vocabulary's equivalent terms in every language; and, in the
/// cross-language pass, every resource's text in the other languages.
pub fn search_query(
    searcher: &Searcher,
    fields: &Fields,
    vocabulary: &crate::content::Vocabulary,
    text: &QueryText,
    options: Options,
    phrases_go: Phrases,
) -> Option<Built> {
    let lang = text.lang();
    let expansion = if options.expand {
        Expansion::of(vocabulary, &text.by_lang)
    } else {
        Expansion::default()
    };
    let mut clauses: Vec<Clause> = Vec::new();
    let mut reading = Reading::default();
    let mut bonuses = Bonuses {
        list: Vec::new(),
        bonus: options.phrase_bonus,
    };
    for (l, a) in &text.by_lang {
        if *l == lang {
            let own_text = language_query(
                searcher,
                fields.lang(*l),
                a,
                &options,
                phrases_go,
                Some(&mut reading),
            );
            let own_text = own_text.map(|t| bonuses.take(t, 1.0, None));
            clauses.extend(own_text.map(|t| (Occur::Should, t)));
            continue;
        }
        let fallback_needed = lacking(searcher, fields, lang, *l);
        if !fallback_needed && !options.cross_language {
            continue;
        }
        let own_text = fallback_needed
            .then(|| language_query(searcher, fields.lang(*l), a, &options, phrases_go, None))
            .flatten()
            .map(|t| {
                let only = [
                    Term::from_field_text(fields.missing, lang.code()),
                    Term::from_field_text(fields.original, l.code()),
                ];
                bonuses.take(t, 1.0, Some(only))
            });
        if options.cross_language {
            if let Some(again) =
                language_query(searcher, fields.lang(*l), a, &options, phrases_go, None)
            {
                let again = bonuses.take(again, CROSS_LANGUAGE, None);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(again, CROSS_LANGUAGE)),
                ));
            }
        }
        if fallback_needed {
            let fallback = Fallback {
                lang,
                original: *l,
                own_text,
            };
            clauses.extend(fallback.clause(fields, &expansion, &options));
        }
    }
    clauses.extend(expansion.clauses(fields, &options, None, |l| {
        if l == lang {
            EXPANSION_SAME_LANG
        } else {
            EXPANSION_OTHER_LANG
        }
    }));
    if clauses.is_empty() {
        return None;
    }
    Some(Built {
        query: Box::new(BooleanQuery::new(clauses)),
        bonuses: bonuses.list,
        expanded: expansion.ids,
        reading,
    })
}

/// The phrase bonuses taken out of a query's language clauses.
struct Bonuses {
    list: Vec<Bonus>,
    bonus: f32,
}

impl Bonuses {
    /// Keeps the phrase pairs of a language clause that the query holds with `weight` (and,
    /// for a fallback clause, only for the resources `only` names); returns its query.
    fn take(&mut self, q: LanguageQuery, weight: f32, only: Option<[Term; 2]>) -> Box<dyn Query> {
        if !q.phrases.is_empty() {
            self.list.push(Bonus {
                phrases: q.phrases,
                weight: weight * self.bonus,
                only,
            });
        }
        q.query
    }
}

/// Whether some resource lacks a version in `lang` and was written in `original`: when none
/// does (a French request over French originals, say), the fallback clauses of `original`
/// could match nothing and are not built.
fn lacking(searcher: &Searcher, fields: &Fields, lang: Lang, original: Lang) -> bool {
    let present = |field, value: Lang| {
        searcher
            .doc_freq(&Term::from_field_text(field, value.code()))
            .is_ok_and(|n| n > 0)
    };
    present(fields.missing, lang) && present(fields.original, original)
}

/// The vocabulary concepts a query mentions, each with its other terms per language (the
/// ones the query does not already hold).
#[derive(Default)]
struct Expansion<'v> {
    /// Ids of the concepts, for [`Built::expanded`].
    ids: Vec<String>,
    /// Per concept, its other analyzed terms and their language.
    concepts: Vec<Vec<(Lang, &'v Vec<String>)>>,
}

impl<'v> Expansion<'v> {
    /// The first [`MAX_CONCEPTS`] concepts of `vocabulary` found in the query (read in
    /// every language), leaving out those with no other term to add.
    fn of(vocabulary: &'v crate::content::Vocabulary, by_lang: &[(Lang, Analyzed)]) -> Self {
        let terms: Vec<(Lang, Vec<String>)> = by_lang
            .iter()
            .map(|(l, a)| (*l, a.terms.iter().map(|t| t.term.clone()).collect()))
            .collect();
        let mut expansion = Expansion::default();
        for (concept, found) in vocabulary.matches(&terms).into_iter().take(MAX_CONCEPTS) {
            let forms: Vec<(Lang, &Vec<String>)> = concept
                .analyzed
                .iter()
                .flat_map(|(l, forms)| {
                    forms
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !found.contains(&(*l, *i)))
                        .map(move |(_, f)| (*l, f))
                })
                .collect();
            if !forms.is_empty() {
                expansion.ids.push(concept.id.clone());
                expansion.concepts.push(forms);
            }
        }
        expansion
    }

    /// One clause per concept matching any of its terms (only those in `only`, if given),
    /// each weighted by `weight_of` its language. The best alternative of a concept counts,
    /// not their sum: a concept with many synonyms must not outweigh the user's own words.
    fn clauses(
        &self,
        fields: &Fields,
        options: &Options,
        only: Option<Lang>,
        weight_of: impl Fn(Lang) -> f32,
    ) -> Vec<Clause> {
        self.concepts
            .iter()
            .filter_map(|forms| {
                let alternatives: Vec<Box<dyn Query>> = forms
                    .iter()
                    .filter(|(l, _)| only.is_none_or(|o| o == *l))
                    .map(|(l, form)| {
                        Box::new(BoostQuery::new(
                            form_query(fields.lang(*l), form, options),
                            weight_of(*l),
                        )) as Box<dyn Query>
                    })
                    .collect();
                (!alternatives.is_empty()).then(|| {
                    (
                        Occur::Should,
                        Box::new(DisjunctionMaxQuery::with_tie_breaker(alternatives, 0.1))
                            as Box<dyn Query>,
                    )
                })
            })
            .collect()
    }
}

/// How resources with no version in the requested `lang`, written in `original`, are
/// matched: on the query read in `original` (`own_text`), and on the concepts' terms in
/// `original`, which for such a resource are the user's own words.
struct Fallback {
    lang: Lang,
    original: Lang,
    own_text: Option<Box<dyn Query>>,
}

impl Fallback {
    /// The clause, restricted to resources missing `lang` whose original is `original`;
    /// `None` when nothing of the query can match in that language.
    fn clause(self, fields: &Fields, expansion: &Expansion, options: &Options) -> Option<Clause> {
        let mut own: Vec<Clause> = self
            .own_text
            .map(|t| (Occur::Should, t))
            .into_iter()
            .collect();
        own.extend(expansion.clauses(fields, options, Some(self.original), |_| 1.0));
        if own.is_empty() {
            return None;
        }
        Some((
            Occur::Should,
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(BooleanQuery::new(own))),
                (Occur::Must, filter_term(fields.missing, self.lang)),
                (Occur::Must, filter_term(fields.original, self.original)),
            ])),
        ))
    }
}
