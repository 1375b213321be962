//! The semantic signal: every language version of every resource as a multilingual-e5-small
//! vector, so that a Swedish or Italian situation sentence finds a French-only resource that
//! shares none of its words. Vectors are computed off the request path by a background
//! worker after each commit, kept on disk next to the index by the hash of the text they were
//! computed from (a change re-embeds only what changed), and searched by a plain scan: a few
//! hundred to a few thousand 384-dimension dot products per query.
//!
//! Without a model file the service is lexical only, says so once in the log and in
//! `/api/status` (`semantic.enabled: false`).

mod store;

use crate::index::SearchIndex;
use crate::lang::Lang;
use lru::LruCache;
use serde::Serialize;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{mpsc, Arc, Mutex, RwLock};

pub use store::TextHash;

/// Query vectors kept: a submitted situation is often submitted again (paging, filters).
const QUERY_CACHE: usize = 512;

/// One resource's vectors, one per language version.
#[derive(Debug, Clone)]
pub struct ResourceVectors {
    pub id: String,
    pub versions: Vec<(Lang, Arc<[f32]>)>,
}

/// The vectors of the resources of one index state.
#[derive(Debug, Default)]
pub struct Vectors {
    pub resources: Vec<ResourceVectors>,
    by_id: HashMap<String, usize>,
    /// Bumped at each publication, so that cached answers computed with older vectors are
    /// not served with newer ones.
    pub generation: u64,
    /// Mean vector of each language's versions. Each language sits in its own region of the
    /// model's space (a Swedish query is nearer to any Swedish text than to the French text
    /// that answers it); removing each language's mean leaves what the texts are about.
    means: [Vec<f32>; Lang::COUNT],
    /// Per resource (as `resources`), the normalised mean of its versions in centred
    /// languages: what it is about whatever its languages, one dot product per pair.
    situations: Vec<Option<Vec<f32>>>,
    /// The centred versions again, as bytes, for the scan every hybrid query makes.
    packed: Packed,
}

/// Every version's centred vector as signed bytes with one scale each, in one block: a
/// query's scan reads a quarter of the memory the floats take (30 000 versions: 11 MB, which
/// stays in cache, against 46 MB), and cosines move by about 1e-3, far below what ranks.
#[derive(Debug, Default)]
struct Packed {
    dim: usize,
    values: Vec<i8>,
    scales: Vec<f32>,
    /// Per resource (as `resources`), its versions' rows in `values`.
    rows: Vec<std::ops::Range<usize>>,
}

impl Packed {
    fn new(resources: &[ResourceVectors]) -> Packed {
        let dim = resources
            .iter()
            .find_map(|r| r.versions.first())
            .map_or(0, |(_, v)| v.len());
        let mut packed = Packed {
            dim,
            ..Packed::default()
        };
        for r in resources {
            let start = packed.scales.len();
            for (_, v) in r.versions.iter().filter(|(_, v)| v.len() == dim) {
                let (scale, inv) = steps(v, 127.0);
                packed.values.extend(
                    v.iter()
                        .map(|x| (x * inv).round().clamp(-127.0, 127.0) as i8),
                );
                packed.scales.push(scale);
            }
            packed.rows.push(start..packed.scales.len());
        }
        packed
    }

    /// The best cosine of resource `i`'s versions to `query`, if it has any.
    fn best(&self, i: usize, query: &Query) -> Option<f32> {
        if query.values.len() != self.dim {
            return None;
        }
        self.rows[i]
            .clone()
            .map(|row| {
                let v = &self.values[row * self.dim..(row + 1) * self.dim];
                self.scales[row] * query.scale * dot_integers(&query.values, v) as f32
            })
            .max_by(f32::total_cmp)
    }
}

/// A query vector in 16-bit steps, for integer dot products with the packed versions (the
/// sums stay below 2^31: 384 x 32 767 x 127).
pub struct Query {
    values: Vec<i16>,
    scale: f32,
}

impl Query {
    fn new(v: &[f32]) -> Query {
        let (scale, inv) = steps(v, f32::from(i16::MAX));
        Query {
            values: v.iter().map(|x| (x * inv).round() as i16).collect(),
            scale,
        }
    }
}

/// The step that maps `v`'s largest magnitude to `top`, and its inverse (0 for a zero
/// vector), for storing `v` as integers.
fn steps(v: &[f32], top: f32) -> (f32, f32) {
    let scale = v.iter().fold(0.0f32, |m, x| m.max(x.abs())) / top;
    (scale, if scale > 0.0 { 1.0 / scale } else { 0.0 })
}

/// Integer dot product in eight independent lanes, so that it compiles to SIMD
/// multiply-adds.
fn dot_integers(a: &[i16], b: &[i8]) -> i32 {
    let mut lanes = [0i32; 8];
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: i32 = a8
        .remainder()
        .iter()
        .zip(b8.remainder())
        .map(|(&x, &y)| i32::from(x) * i32::from(y))
        .sum();
    for (x, y) in a8.zip(b8) {
        for k in 0..8 {
            lanes[k] += i32::from(x[k]) * i32::from(y[k]);
        }
    }
    lanes.iter().sum::<i32>() + tail
}

impl Vectors {
    /// The vectors of `resources`, each language's mean removed (the worker publishes these;
    /// benchmarks build them from generated vectors).
    pub fn new(mut resources: Vec<ResourceVectors>, generation: u64) -> Vectors {
        let means = language_means(&resources);
        for r in &mut resources {
            for (lang, v) in &mut r.versions {
                *v = centred(v, &means[lang.index()]).into();
            }
        }
        let by_id = resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        let situations = resources.iter().map(|r| situation(r, &means)).collect();
        let packed = Packed::new(&resources);
        Vectors {
            resources,
            by_id,
            generation,
            means,
            situations,
            packed,
        }
    }

    /// A query vector in `lang`, centred as the versions of that language were.
    pub fn centre(&self, lang: Lang, query: &[f32]) -> Query {
        Query::new(&centred(query, &self.means[lang.index()]))
    }

    /// The best cosine between `query` and any version of the resource `id`.
    pub fn similarity(&self, id: &str, query: &Query) -> Option<f32> {
        self.packed.best(*self.by_id.get(id)?, query)
    }

    /// Whether the resource `id` has a vector for its `lang` version.
    pub fn has_version(&self, id: &str, lang: Lang) -> bool {
        self.by_id
            .get(id)
            .is_some_and(|&i| self.resources[i].versions.iter().any(|(l, _)| *l == lang))
    }

    /// The `n` resources nearest in meaning to the resource `id`, best first; none when `id`
    /// has no vectors in a centred language (uncentred cosines are all high, whatever the
    /// texts say).
    pub fn neighbours(&self, id: &str, n: usize) -> Vec<Neighbour> {
        let Some(this) = self
            .by_id
            .get(id)
            .and_then(|&i| self.situations[i].as_ref())
        else {
            return Vec::new();
        };
        let mut cosines: Vec<(f32, &str)> = self
            .resources
            .iter()
            .zip(&self.situations)
            .filter(|(r, _)| r.id != id)
            .filter_map(|(r, v)| Some((dot(this, v.as_ref()?), r.id.as_str())))
            .collect();
        let (mean, deviation) = mean_and_deviation(cosines.iter().map(|c| c.0));
        cosines.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        cosines
            .into_iter()
            .take(n)
            .map(|(cosine, id)| Neighbour {
                id: id.to_string(),
                cosine,
                standing: (cosine - mean) / deviation.max(f32::EPSILON),
            })
            .collect()
    }

    /// Every resource with its best cosine to `query`, best first.
    pub fn ranked(&self, query: &Query) -> Vec<(f32, &str)> {
        let mut out: Vec<(f32, &str)> = self
            .resources
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((self.packed.best(i, query)?, r.id.as_str())))
            .collect();
        out.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        out
    }
}

/// Versions a language needs before its mean is removed: the mean of a handful of texts is
/// mostly those texts, and removing it would leave noise (one version alone would vanish).
const CENTRED_VERSIONS_MIN: usize = 8;

/// A resource near another in meaning.
#[derive(Debug, Clone)]
pub struct Neighbour {
    pub id: String,
    pub cosine: f32,
    /// Standard deviations above the mean cosine of the resource to all the others. Cosines
    /// shrink as a corpus grows more varied and across languages; how far one stands out
    /// from the rest says "about the same situation" at any size.
    pub standing: f32,
}

/// The normalised mean of `r`'s versions in centred languages, if it has any.
fn situation(r: &ResourceVectors, means: &[Vec<f32>; Lang::COUNT]) -> Option<Vec<f32>> {
    let mut versions = r
        .versions
        .iter()
        .filter(|(lang, _)| !means[lang.index()].is_empty());
    let (_, first) = versions.next()?;
    let mut sum = first.to_vec();
    versions.for_each(|(_, v)| add_into(&mut sum, v));
    Some(centred(&sum, &[]))
}

fn add_into(sum: &mut [f32], v: &[f32]) {
    sum.iter_mut().zip(v).for_each(|(s, x)| *s += x);
}

fn mean_and_deviation(values: impl Iterator<Item = f32> + Clone) -> (f32, f32) {
    let n = values.clone().count().max(1) as f32;
    let mean = values.clone().sum::<f32>() / n;
    let variance = values.map(|v| (v - mean).powi(2)).sum::<f32>() / n;
    (mean, variance.sqrt())
}

/// Each language's mean vector, or an empty one for a language with too few versions.
fn language_means(resources: &[ResourceVectors]) -> [Vec<f32>; Lang::COUNT] {
    let mut sums: [(Vec<f32>, usize); Lang::COUNT] = Default::default();
    for (lang, v) in resources.iter().flat_map(|r| &r.versions) {
        let (sum, n) = &mut sums[lang.index()];
        if sum.is_empty() {
            sum.resize(v.len(), 0.0);
        }
        add_into(sum, v);
        *n += 1;
    }
    sums.map(|(sum, n)| {
        if n < CENTRED_VERSIONS_MIN {
            return Vec::new();
        }
        sum.into_iter().map(|s| s / n as f32).collect()
    })
}

/// `v` minus `mean`, normalised again (an empty mean leaves `v` as it is).
fn centred(v: &[f32], mean: &[f32]) -> Vec<f32> {
    let mut out: Vec<f32> = if mean.len() == v.len() {
        v.iter().zip(mean).map(|(x, m)| x - m).collect()
    } else {
        v.to_vec()
    };
    let norm = dot(&out, &out).sqrt().max(f32::EPSILON);
    out.iter_mut().for_each(|x| *x /= norm);
    out
}

/// Characters of a version embedded: its title, summary and the start of its text. The
/// model reads at most 256 tokens and costs about 4 ms a token on one core here; the opening
/// of a resource says what situation it is about.
const PASSAGE_CHARS: usize = 600;

fn lead(text: &str) -> String {
    text.chars().take(PASSAGE_CHARS).collect()
}

/// Vectors are L2-normalised, so their dot product is their cosine. Eight partial sums, so
/// that the compiler may use SIMD lanes (one running sum must be added in order): the scan
/// of 30 000 versions took 11 ms with one sum (`cargo xtask bench vectors`).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a8
        .remainder()
        .iter()
        .zip(b8.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a8.zip(b8) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// What `/api/status` says of the semantic signal.
#[derive(Debug, Clone, Serialize)]
pub struct SemanticStatus {
    pub enabled: bool,
    pub model: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Language versions with a vector, and waiting for one.
    pub vectors: usize,
    pub pending: usize,
    /// The vectors are those of the last commit, and kept on disk.
    pub idle: bool,
}

/// The model, the current vectors and the worker that keeps them in step with the index.
pub struct Semantic {
    model: Option<Arc<embedder::Embedder>>,
    model_path: PathBuf,
    reason: Option<String>,
    vectors: RwLock<Arc<Vectors>>,
    pending: std::sync::atomic::AtomicUsize,
    queries: Mutex<LruCache<String, Arc<Vec<f32>>>>,
    wake: Mutex<Option<mpsc::Sender<()>>>,
    /// Index changes announced, and the last one whose vectors are published.
    requested: std::sync::atomic::AtomicU64,
    done: std::sync::atomic::AtomicU64,
}

impl Semantic {
    /// Loads the model at `path`; when it is absent or unreadable the signal is off (with
    /// the reason logged once) and everything else works as before.
    pub fn load(path: &Path) -> Semantic {
        let (model, reason) = match embedder::Embedder::load(path) {
            Ok(m) => {
                tracing::info!(model = %path.display(), "semantic ranking on");
                (Some(Arc::new(m)), None)
            }
            Err(e) => {
                tracing::warn!(
                    model = %path.display(),
                    "semantic ranking off (lexical only): {e}; scripts/fetch-model.sh installs the model"
                );
                (None, Some(e.to_string()))
            }
        };
        Semantic::new(model, path, reason)
    }

    /// No model: lexical only (tests, benchmarks, `profint search`), without a warning.
    pub fn off() -> Semantic {
        Semantic::new(None, Path::new(""), Some("no model configured".into()))
    }

    fn new(
        model: Option<Arc<embedder::Embedder>>,
        path: &Path,
        reason: Option<String>,
    ) -> Semantic {
        Semantic {
            model,
            model_path: path.to_path_buf(),
            reason,
            vectors: RwLock::new(Arc::default()),
            pending: Default::default(),
            queries: Mutex::new(LruCache::new(
                NonZeroUsize::new(QUERY_CACHE).expect("non-zero"),
            )),
            wake: Mutex::new(None),
            requested: Default::default(),
            done: Default::default(),
        }
    }

    pub fn enabled(&self) -> bool {
        self.model.is_some()
    }

    pub fn status(&self) -> SemanticStatus {
        let vectors = self.vectors();
        SemanticStatus {
            enabled: self.enabled(),
            model: self.model_path.display().to_string(),
            reason: self.reason.clone(),
            vectors: vectors.resources.iter().map(|r| r.versions.len()).sum(),
            pending: self.pending.load(Relaxed),
            idle: self.is_idle(self.requested.load(Relaxed)),
        }
    }

    pub fn vectors(&self) -> Arc<Vectors> {
        self.vectors.read().expect("vectors lock").clone()
    }

    /// The query's vector (cached by text), or `None` when the signal is off.
    pub fn query_vector(&self, text: &str) -> Option<Arc<Vec<f32>>> {
        let model = self.model.as_ref()?;
        let key = text.trim().to_lowercase();
        if let Some(v) = self.lock_queries().get(&key) {
            return Some(v.clone());
        }
        let v = Arc::new(model.embed_query(&key));
        self.lock_queries().put(key, v.clone());
        Some(v)
    }

    fn lock_queries(&self) -> std::sync::MutexGuard<'_, LruCache<String, Arc<Vec<f32>>>> {
        self.queries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts the worker that embeds what each commit added; `current` gives the index to
    /// read, `store` is where vectors are kept between runs (`None`: memory only).
    pub fn start_worker(
        self: &Arc<Self>,
        current: impl Fn() -> Arc<SearchIndex> + Send + 'static,
        store: Option<PathBuf>,
    ) {
        let Some(model) = self.model.clone() else {
            return;
        };
        let (tx, rx) = mpsc::channel::<()>();
        *self.wake.lock().expect("wake lock") = Some(tx);
        let this = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("embed".into())
            .spawn(move || {
                let mut known = store.as_deref().map(store::load).unwrap_or_default();
                let mut generation = 0;
                loop {
                    generation += 1;
                    let seen = this.requested.load(Relaxed);
                    let index = current();
                    match this.refresh(&model, &index, &mut known, generation) {
                        Ok(added) if added > 0 => {
                            if let Some(path) = &store {
                                store::save(path, &known);
                            }
                        }
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "cannot read the index to embed it"),
                    }
                    this.done.store(seen, Relaxed);
                    // Wait for the next commit; several commits while embedding are one.
                    if rx.recv().is_err() {
                        return;
                    }
                    while rx.try_recv().is_ok() {}
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the embedding worker");
        }
    }

    /// Tells the worker the index changed.
    pub fn index_changed(&self) {
        if let Some(tx) = self.wake.lock().expect("wake lock").as_ref() {
            self.requested.fetch_add(1, Relaxed);
            let _ = tx.send(());
        }
    }

    /// Embeds the texts of `index` not embedded yet and publishes the vectors of all its
    /// resources; returns how many texts were embedded.
    fn refresh(
        &self,
        model: &embedder::Embedder,
        index: &SearchIndex,
        known: &mut HashMap<TextHash, Arc<[f32]>>,
        generation: u64,
    ) -> tantivy::Result<usize> {
        let texts = index.version_texts(&index.searcher())?;
        let hashed: Vec<(String, Lang, TextHash, String)> = texts
            .into_iter()
            .map(|(id, lang, text)| {
                let text = lead(&text);
                (id, lang, store::hash(&text), text)
            })
            .collect();
        let missing: Vec<usize> = {
            let mut seen = std::collections::HashSet::new();
            (0..hashed.len())
                .filter(|&i| !known.contains_key(&hashed[i].2) && seen.insert(hashed[i].2))
                .collect()
        };
        self.pending.store(missing.len(), Relaxed);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        for chunk in missing.chunks(32) {
            let inputs: Vec<&str> = chunk.iter().map(|&i| hashed[i].3.as_str()).collect();
            for (&i, v) in chunk.iter().zip(model.embed_passages(&inputs, threads)) {
                known.insert(hashed[i].2, v.into());
            }
            self.pending.fetch_sub(chunk.len(), Relaxed);
        }
        let mut resources: Vec<ResourceVectors> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        // Hashes of texts no longer indexed are dropped from what is kept.
        let mut used = std::collections::HashSet::new();
        for (id, lang, h, _) in hashed {
            let Some(v) = known.get(&h) else { continue };
            used.insert(h);
            let slot = *at.entry(id.clone()).or_insert_with(|| {
                resources.push(ResourceVectors {
                    id,
                    versions: Vec::new(),
                });
                resources.len() - 1
            });
            resources[slot].versions.push((lang, v.clone()));
        }
        known.retain(|h, _| used.contains(h));
        *self.vectors.write().expect("vectors lock") =
            Arc::new(Vectors::new(resources, generation));
        Ok(missing.len())
    }

    /// The worker has published (and kept) the vectors of the `wanted`-th commit.
    fn is_idle(&self, wanted: u64) -> bool {
        !self.enabled() || (self.vectors().generation > 0 && self.done.load(Relaxed) >= wanted)
    }

    /// Waits until no text is waiting for its vector (tests, `profint index`), at most
    /// `timeout`.
    pub fn wait_idle(&self, timeout: std::time::Duration) -> bool {
        if !self.enabled() {
            return true;
        }
        let until = std::time::Instant::now() + timeout;
        let wanted = self.requested.load(Relaxed);
        loop {
            if self.is_idle(wanted) {
                return true;
            }
            if std::time::Instant::now() > until {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(seed: u32) -> Vec<f32> {
        let v: Vec<f32> = (0..384)
            .map(|i| ((i as f32 + 1.0) * (seed as f32 * 0.618 + 0.1)).sin())
            .collect();
        centred(&v, &[])
    }

    /// The byte-packed scan gives the cosines of the floats to within 0.01, and the same
    /// order: the nearest resource first, each resource by its best version.
    #[test]
    fn the_packed_scan_ranks_as_the_floats() {
        let resources: Vec<ResourceVectors> = (0..12)
            .map(|i| ResourceVectors {
                id: format!("r{i}"),
                versions: vec![(Lang::Fr, unit(i).into()), (Lang::Sv, unit(100 + i).into())],
            })
            .collect();
        let vectors = Vectors::new(resources.clone(), 1);
        let query = unit(105);
        let q = vectors.centre(Lang::Sv, &query);
        let ranked = vectors.ranked(&q);
        assert_eq!(ranked[0].1, "r5", "{ranked:?}");
        let centred_query = centred(&query, &vectors.means[Lang::Sv.index()]);
        for (cosine, id) in &ranked {
            let r = &vectors.resources[vectors.by_id[*id]];
            let exact = r
                .versions
                .iter()
                .map(|(_, v)| dot(v, &centred_query))
                .fold(f32::MIN, f32::max);
            assert!((cosine - exact).abs() < 0.01, "{id}: {cosine} vs {exact}");
        }
        assert!(ranked.windows(2).all(|w| w[0].0 >= w[1].0));
        assert_eq!(vectors.similarity("r5", &q), Some(ranked[0].0));
        assert_eq!(vectors.similarity("unknown", &q), None);
    }

    #[test]
    fn dot_products_of_any_length() {
        let a: Vec<f32> = (0..13).map(|i| i as f32).collect();
        assert_eq!(dot(&a, &a), (0..13).map(|i| (i * i) as f32).sum::<f32>());
        let (x, y): (Vec<i16>, Vec<i8>) = ((0..13).collect(), (0..13).map(|i| -i).collect());
        assert_eq!(dot_integers(&x, &y), -(0..13).map(|i| i * i).sum::<i32>());
    }
}
