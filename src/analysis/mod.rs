//! Per-language analysis: the same pipeline at index and query time, so a word typed by a
//! user meets the words of the documents.
//!
//! tokenize → lowercase → drop over-long tokens → elision and stop words → Snowball stem
//! (rust-stemmers) → accent folding. Folding comes after stemming because the Snowball
//! algorithms read accents (`é`, `ä`) to find suffixes; folding the stem afterwards lets a user
//! who types `evenement` meet `événement`.

mod snowball;
mod stopwords;

pub use snowball::SnowballFilter;

use crate::lang::Lang;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, TokenStream,
};

/// Tokens longer than this are noise (URLs, base64), not words.
const MAX_TOKEN_BYTES: usize = 48;

/// Name under which a language's analyzer is registered with tantivy.
pub fn tokenizer_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "profint_fr",
        Lang::En => "profint_en",
        Lang::It => "profint_it",
        Lang::Sv => "profint_sv",
    }
}

/// Analyzer for the completion field: words kept whole (no stemming) so they can be shown.
pub const SUGGEST_TOKENIZER: &str = "profint_words";

/// The full analyzer of a language, as the index uses it.
pub fn analyzer(lang: Lang) -> TextAnalyzer {
    analyzer_remembering(lang, snowball::INDEX_WORDS)
}

/// The full analyzer of a language, remembering the stems of up to `remembered` words.
fn analyzer_remembering(lang: Lang, remembered: usize) -> TextAnalyzer {
    let removed = stopwords::stop_words(lang)
        .iter()
        .chain(stopwords::elided(lang))
        .map(|w| w.to_string());
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(StopWordFilter::remove(removed))
        .filter(SnowballFilter::new(lang, remembered))
        .filter(AsciiFoldingFilter)
        .build()
}

/// Only tokenizing, lowercasing and stemming: the part checked against the Snowball references.
pub fn stemmer_only(lang: Lang) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(SnowballFilter::new(lang, snowball::QUERY_WORDS))
        .build()
}

/// Lowercased whole words, for completions.
pub fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .build()
}

/// Registers every analyzer with an index. Tantivy does not store analyzers in the index, so
/// this runs each time an index is opened.
pub fn register(index: &tantivy::Index) {
    let manager = index.tokenizers();
    for lang in Lang::ALL {
        manager.register(tokenizer_name(lang), analyzer(lang));
    }
    manager.register(SUGGEST_TOKENIZER, words_analyzer());
}

/// A term of a query or text after analysis, with the word it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedTerm {
    pub term: String,
    pub position: usize,
    /// Byte range of the original word in the input.
    pub from: usize,
    pub to: usize,
}

/// Runs `analyzer` over `text`.
pub fn analyze_with(analyzer: &mut TextAnalyzer, text: &str) -> Vec<AnalyzedTerm> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(AnalyzedTerm {
            term: token.text.clone(),
            position: token.position,
            from: token.offset_from,
            to: token.offset_to,
        });
    }
    out
}

thread_local! {
    /// Each language's analyzer, built once per thread: building one turns the stop-word
    /// list into a hash set, which cost more than analysing the query itself (a search reads
    /// its query in all four languages: 12 % of a short query's instructions).
    static ANALYZERS: std::cell::RefCell<[Option<TextAnalyzer>; Lang::COUNT]> =
        Default::default();
}

/// Runs the analyzer of `lang` over `text`.
pub fn analyze(lang: Lang, text: &str) -> Vec<AnalyzedTerm> {
    ANALYZERS.with(|cell| {
        let mut analyzers = cell.borrow_mut();
        let analyzer = analyzers[lang.index()]
            .get_or_insert_with(|| analyzer_remembering(lang, snowball::QUERY_WORDS));
        analyze_with(analyzer, text)
    })
}

/// Just the terms.
pub fn terms(lang: Lang, text: &str) -> Vec<String> {
    analyze(lang, text).into_iter().map(|t| t.term).collect()
}

/// Whether an analysed `term` of `lang` is a weak word (see [`stopwords::weak_words`]):
/// searchable, but never a match or a highlight on its own.
pub fn is_weak(lang: Lang, term: &str) -> bool {
    static WEAK: std::sync::OnceLock<[std::collections::HashSet<String>; Lang::COUNT]> =
        std::sync::OnceLock::new();
    let sets = WEAK.get_or_init(|| {
        Lang::ALL.map(|l| {
            stopwords::weak_words(l)
                .iter()
                .flat_map(|w| terms(l, w))
                .collect()
        })
    });
    sets[lang.index()].contains(term)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_elision_and_stemming() {
        assert_eq!(
            terms(Lang::Fr, "l'accompagnement d'accueil"),
            vec!["accompagn", "accueil"]
        );
    }

    #[test]
    fn italian_elision() {
        assert_eq!(terms(Lang::It, "dell'integrazione"), vec!["integr"]);
    }

    #[test]
    fn accents_fold_after_stemming() {
        assert_eq!(terms(Lang::Fr, "événement"), terms(Lang::Fr, "evenement"));
        assert_eq!(terms(Lang::Sv, "läkare"), terms(Lang::Sv, "lakare"));
    }
}
