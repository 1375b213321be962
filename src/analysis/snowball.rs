//! A tantivy token filter around rust-stemmers, the one stemmer of the project (tantivy's own
//! `stemmer` feature is turned off so that index and tests agree on a single implementation).

use crate::lang::Lang;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

#[derive(Clone)]
pub struct SnowballFilter {
    stemmer: Arc<Stemmer>,
    remembered: usize,
}

impl SnowballFilter {
    /// A stemming filter that remembers the stems of up to `remembered` words.
    pub fn new(lang: Lang, remembered: usize) -> Self {
        let algorithm = match lang {
            Lang::Fr => Algorithm::French,
            Lang::En => Algorithm::English,
            Lang::It => Algorithm::Italian,
            Lang::Sv => Algorithm::Swedish,
        };
        SnowballFilter {
            stemmer: Arc::new(Stemmer::create(algorithm)),
            remembered,
        }
    }
}

impl TokenFilter for SnowballFilter {
    type Tokenizer<T: Tokenizer> = SnowballTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> SnowballTokenizer<T> {
        SnowballTokenizer {
            inner,
            stemmer: self.stemmer,
            remembered: self.remembered,
            stems: HashMap::new(),
        }
    }
}

/// Words an indexing tokenizer remembers the stems of. Words are Zipf-distributed: a few
/// thousand make most of any text, so a full build, which stemmed every occurrence anew, spent
/// a third of its indexing time in the Snowball algorithms. The first words met stay, and they
/// are the frequent ones.
pub const INDEX_WORDS: usize = 20_000;

/// Words a query thread's tokenizer remembers: kept small, since each thread that searches
/// keeps one per language whatever words hostile queries send. At about 100 bytes a word,
/// 256 requests in flight × 4 languages × 1 000 words is 100 MB at most.
pub const QUERY_WORDS: usize = 1_000;

pub struct SnowballTokenizer<T> {
    inner: T,
    stemmer: Arc<Stemmer>,
    remembered: usize,
    /// word → its stem, or `None` where stemming leaves the word as it is. Owned by one
    /// tokenizer (tantivy gives each indexing thread its own clone), so no lock.
    stems: HashMap<String, Option<String>>,
}

/// A clone starts with an empty cache: tantivy clones an analyzer for every segment writer and
/// every query, and copying thousands of words each time would cost more than it saves.
impl<T: Clone> Clone for SnowballTokenizer<T> {
    fn clone(&self) -> Self {
        SnowballTokenizer {
            inner: self.inner.clone(),
            stemmer: self.stemmer.clone(),
            remembered: self.remembered,
            stems: HashMap::new(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for SnowballTokenizer<T> {
    type TokenStream<'a> = SnowballTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SnowballTokenStream {
            tail: self.inner.token_stream(text),
            stemmer: &self.stemmer,
            remembered: self.remembered,
            stems: &mut self.stems,
        }
    }
}

pub struct SnowballTokenStream<'a, S> {
    tail: S,
    stemmer: &'a Stemmer,
    remembered: usize,
    stems: &'a mut HashMap<String, Option<String>>,
}

impl<S: TokenStream> TokenStream for SnowballTokenStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        match self.stems.get(&token.text) {
            Some(Some(stem)) => {
                token.text.clear();
                token.text.push_str(stem);
            }
            Some(None) => {}
            None => {
                let stem = match self.stemmer.stem(&token.text) {
                    std::borrow::Cow::Owned(stem) => Some(stem),
                    std::borrow::Cow::Borrowed(_) => None,
                };
                if self.stems.len() < self.remembered {
                    self.stems.insert(token.text.clone(), stem.clone());
                }
                if let Some(stem) = stem {
                    token.text = stem;
                }
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{SimpleTokenizer, TextAnalyzer};

    fn stems_of(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    /// The cache must give what the stemmer gives, for words met again, for words it left as
    /// they are, and for words met after it is full.
    #[test]
    fn remembered_stems_are_the_stemmers_stems() {
        let stemmer = Stemmer::create(Algorithm::French);
        let mut words: Vec<String> = ["accompagnement", "accompagnements", "emploi", "de"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        words.extend((0..QUERY_WORDS + 50).map(|n| format!("formations{n}x")));
        words.extend(["accompagnerions", "accompagnement", "emploi"].map(String::from));
        let text = words.join(" ");
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(SnowballFilter::new(Lang::Fr, QUERY_WORDS))
            .build();
        let expected: Vec<String> = words.iter().map(|w| stemmer.stem(w).into_owned()).collect();
        assert_eq!(stems_of(&mut analyzer, &text), expected);
        assert_eq!(
            stems_of(&mut analyzer, &text),
            expected,
            "second pass, from the cache"
        );
        assert_eq!(expected[0], "accompagn");
    }
}
