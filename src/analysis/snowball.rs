//! A tantivy token filter around rust-stemmers, the one stemmer of the project (tantivy's own
//! `stemmer` feature is turned off so that index and tests agree on a single implementation).

use crate::lang::Lang;
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::Arc;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

#[derive(Clone)]
pub struct SnowballFilter {
    stemmer: Arc<Stemmer>,
}

impl SnowballFilter {
    pub fn new(lang: Lang) -> Self {
        let algorithm = match lang {
            Lang::Fr => Algorithm::French,
            Lang::En => Algorithm::English,
            Lang::It => Algorithm::Italian,
            Lang::Sv => Algorithm::Swedish,
        };
        SnowballFilter {
            stemmer: Arc::new(Stemmer::create(algorithm)),
        }
    }
}

impl TokenFilter for SnowballFilter {
    type Tokenizer<T: Tokenizer> = SnowballTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> SnowballTokenizer<T> {
        SnowballTokenizer {
            inner,
            stemmer: self.stemmer,
        }
    }
}

#[derive(Clone)]
pub struct SnowballTokenizer<T> {
    inner: T,
    stemmer: Arc<Stemmer>,
}

impl<T: Tokenizer> Tokenizer for SnowballTokenizer<T> {
    type TokenStream<'a> = SnowballTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SnowballTokenStream {
            tail: self.inner.token_stream(text),
            stemmer: &self.stemmer,
        }
    }
}

pub struct SnowballTokenStream<'a, S> {
    tail: S,
    stemmer: &'a Stemmer,
}

impl<S: TokenStream> TokenStream for SnowballTokenStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let std::borrow::Cow::Owned(stem) = self.stemmer.stem(&token.text) {
            token.text = stem;
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
