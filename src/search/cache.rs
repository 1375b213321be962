//! Answers kept for repeated searches and suggestions. Search-as-you-type and the popular
//! queries of partner widgets ask the same thing many times between two changes of the
//! corpus; each answer is computed once per index generation. A cache belongs to one
//! published state of the index (it lives in the service's `Meta`, which every commit
//! replaces), so a change can never be answered from before it.

use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

/// Most answers kept, whatever their size.
const MAX_ENTRIES: usize = 1024;
/// Most bytes (estimated) the answers of one cache hold.
const MAX_BYTES: usize = 16 * 1024 * 1024;
/// An answer bigger than this is not kept: one deep, wide page must not evict many small ones.
const MAX_ENTRY_BYTES: usize = 256 * 1024;

/// How much memory a kept value holds, roughly (its strings and vectors).
pub trait Weigh {
    fn weight(&self) -> usize;
}

/// A bounded least-recently-used map from a request's canonical key to its answer.
pub struct AnswerCache<V> {
    inner: Mutex<Inner<V>>,
}

struct Inner<V> {
    entries: LruCache<String, (Arc<V>, usize)>,
    bytes: usize,
}

impl<V: Weigh> Default for AnswerCache<V> {
    fn default() -> Self {
        let cap = NonZeroUsize::new(MAX_ENTRIES).expect("non-zero capacity");
        AnswerCache {
            inner: Mutex::new(Inner {
                entries: LruCache::new(cap),
                bytes: 0,
            }),
        }
    }
}

impl<V: Weigh> AnswerCache<V> {
    /// The kept answer for `key`, or computes it with `compute` (outside the lock: two
    /// requests for the same new key may both compute it, never wait on each other).
    pub fn get_or_compute<E>(
        &self,
        key: String,
        compute: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        if let Some((value, _)) = self.lock().entries.get(&key) {
            return Ok(value.clone());
        }
        let value = Arc::new(compute()?);
        let weight = value.weight() + key.len();
        if weight <= MAX_ENTRY_BYTES {
            self.insert(key, value.clone(), weight);
        }
        Ok(value)
    }

    fn insert(&self, key: String, value: Arc<V>, weight: usize) {
        let mut inner = self.lock();
        // `push` hands back what it displaced: the same key's old answer, or the least recent.
        if let Some((_, (_, old))) = inner.entries.push(key, (value, weight)) {
            inner.bytes -= old;
        }
        inner.bytes += weight;
        while inner.bytes > MAX_BYTES {
            match inner.entries.pop_lru() {
                Some((_, (_, w))) => inner.bytes -= w,
                None => break,
            }
        }
    }

    /// Answers kept now.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<V>> {
        // A panic while holding the lock cannot leave the map inconsistent for readers.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The canonical form of a query for a cache key: runs of white space are one space (the
/// analysis reads them alike), a trailing space kept (it closes the last word).
pub fn canonical_query(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    for word in q.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if q.ends_with(char::is_whitespace) && !out.is_empty() {
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Weigh for String {
        fn weight(&self) -> usize {
            self.len()
        }
    }

    #[test]
    fn computes_once_and_stays_within_its_byte_bound() {
        let cache: AnswerCache<String> = AnswerCache::default();
        let mut calls = 0;
        for _ in 0..3 {
            let v = cache
                .get_or_compute::<()>("k".into(), || {
                    calls += 1;
                    Ok("v".to_string())
                })
                .unwrap();
            assert_eq!(*v, "v");
        }
        assert_eq!(calls, 1);
        let big = "x".repeat(200 * 1024);
        for i in 0..200 {
            cache
                .get_or_compute::<()>(format!("big{i}"), || Ok(big.clone()))
                .unwrap();
        }
        let inner = cache.lock();
        assert!(inner.bytes <= MAX_BYTES, "{} bytes kept", inner.bytes);
        assert!(inner.entries.len() < 100);
    }

    #[test]
    fn an_oversized_answer_is_returned_but_not_kept() {
        let cache: AnswerCache<String> = AnswerCache::default();
        let huge = "x".repeat(MAX_ENTRY_BYTES + 1);
        let v = cache.get_or_compute::<()>("h".into(), || Ok(huge)).unwrap();
        assert_eq!(v.len(), MAX_ENTRY_BYTES + 1);
        assert!(cache.is_empty());
    }

    #[test]
    fn canonical_queries_keep_the_open_last_word_apart() {
        assert_eq!(canonical_query("  permis   de  "), "permis de ");
        assert_eq!(canonical_query("permis de"), "permis de");
        assert_eq!(canonical_query("   "), "");
    }
}
