//! The running service's state, shared by the CLI commands, the watcher and the HTTP
//! handlers: the index, the corpus state behind it, and what `/api/status` reports.

use crate::content::{self, Corpus, CorpusState, Domain, LoadOptions, Problem, Site, Walk};
use crate::index::{self, SearchIndex, SyncReport, Writing};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Mutex, RwLock};
use tantivy::IndexWriter;

/// Where the content and the index live, and the limits of loading.
#[derive(Debug, Clone)]
pub struct Settings {
    pub corpus: PathBuf,
    pub index: PathBuf,
    pub load: LoadOptions,
    pub rebuild: bool,
    /// The semantic signal's model file; `None`: lexical only.
    pub model: Option<PathBuf>,
}

/// A problem as `/api/status` shows it: with the time it was first seen.
#[derive(Debug, Clone, Serialize)]
pub struct StatusProblem {
    #[serde(flatten)]
    pub problem: Problem,
    pub since: String,
}

/// The last batch of changes applied to the index.
#[derive(Debug, Clone, Serialize)]
pub struct LastChange {
    pub at: String,
    pub paths: Vec<String>,
    pub upserted: usize,
    pub removed: usize,
    pub kept: usize,
    pub millis: f64,
}

/// Corpus facts kept next to the index, and the searcher that goes with them: replaced whole
/// at each change, so that a search never sees new documents with old domains.
#[derive(Clone)]
pub struct Meta {
    /// The index as of the last published change.
    pub searcher: tantivy::Searcher,
    pub site: Site,
    pub vocabulary: std::sync::Arc<content::Vocabulary>,
    pub domains: Vec<Domain>,
    /// Old addresses answered with 301 (`redirects.yaml`).
    pub redirects: std::sync::Arc<content::Redirects>,
    pub problems: Vec<StatusProblem>,
    pub files: usize,
    pub last_change: Option<LastChange>,
    /// Answers computed over `searcher`: a new state starts with none, so no answer outlives
    /// the commit it was computed on.
    pub answers: std::sync::Arc<crate::search::Answers>,
    /// The semantic signal searches go with (`None` before the first publication).
    pub semantic: Option<Arc<crate::semantic::Semantic>>,
    /// Kept from one publication to the next: segments outlive commits.
    pub facets: Arc<crate::search::FacetCache>,
}

impl Meta {
    /// Problems that are errors (the rest are warnings).
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.problem.is_error())
            .count()
    }

    /// The site's title in `lang` (the UI's default name when `site.yaml` gives none).
    pub fn site_title(&self, lang: crate::lang::Lang) -> String {
        if self.site.title.is_empty() {
            crate::i18n::t(lang, "site.title").to_string()
        } else {
            self.site.title(lang).to_string()
        }
    }

    /// The answer caches of this state, unless switched off (`PROFINT_ANSWER_CACHE=off`).
    pub fn answers(&self) -> Option<&crate::search::Answers> {
        answer_cache_on().then_some(&*self.answers)
    }

    /// What a search needs of these facts.
    pub fn scope(&self) -> crate::search::Scope<'_> {
        crate::search::Scope {
            domains: &self.domains,
            vocabulary: &self.vocabulary,
            searcher: &self.searcher,
            fallback: &self.site.fallback,
            answers: self.answers(),
            semantic: self.semantic.as_deref(),
            facets: &self.facets,
        }
    }

    /// Nothing known yet, over `searcher`: the state before the first publication.
    fn empty(searcher: tantivy::Searcher) -> Meta {
        Meta {
            searcher,
            site: Site::default(),
            vocabulary: Default::default(),
            domains: Vec::new(),
            redirects: Default::default(),
            problems: Vec::new(),
            files: 0,
            last_change: None,
            answers: Default::default(),
            semantic: None,
            facets: Default::default(),
        }
    }
}

/// The single writer and the corpus state it keeps the index in step with.
struct Live {
    /// `None` after a failure the writer could not be rolled back from: the next batch opens a
    /// new one.
    writer: Option<IndexWriter>,
    corpus: CorpusState,
    /// A write failed since the last good commit, so the index may lack changes the corpus
    /// state already holds: the next batch re-reads the corpus and reconciles all of it.
    dirty: bool,
}

/// Whether the index is keeping up with the corpus, for `/api/status` and `/metrics`: a
/// failed write is retried until it lands, and until then it is shown, not only logged.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexHealth {
    /// A write failed and has not yet been retried successfully.
    pub failing: bool,
    /// Failed writes since start.
    pub failures: u64,
    pub last_error: Option<String>,
    /// When the current run of failures began.
    pub since: Option<String>,
}

/// What the file watcher counts; it alone writes them.
#[derive(Debug, Default)]
pub struct WatchStats {
    /// The watcher is running.
    pub watching: AtomicBool,
    /// Changed paths waiting to be applied.
    pub queue: AtomicUsize,
    /// Changed paths received, and batches applied, since start.
    pub events: AtomicUsize,
    pub batches: AtomicUsize,
}

pub struct Service {
    pub settings: Settings,
    /// The content folder as a canonical path: the watcher and the loader meet on it.
    pub root: PathBuf,
    index: Arc<RwLock<Arc<SearchIndex>>>,
    meta: RwLock<Arc<Meta>>,
    live: Mutex<Option<Live>>,
    health: Mutex<IndexHealth>,
    pub watch: WatchStats,
    /// The semantic signal (off without a model file).
    pub semantic: Arc<crate::semantic::Semantic>,
}

impl Service {
    /// Opens the index, loads the corpus and brings the index up to date with it, without
    /// rewriting what did not change.
    pub fn start(
        settings: Settings,
        progress: impl FnMut(usize, usize),
    ) -> anyhow::Result<(Service, SyncReport)> {
        Self::open(settings, Walk::Now, progress)
    }

    /// [`Service::start`], with `walk` saying when the files changed while the service was
    /// stopped are looked for, if the index resumes from the corpus state saved at shutdown.
    /// A server that watches the folder next passes [`Walk::Later`]: the watcher's
    /// [`Service::catch_up`] finds them once it is in place, and meanwhile searches are
    /// answered from the index as it was at shutdown.
    pub fn open(
        settings: Settings,
        walk: Walk,
        progress: impl FnMut(usize, usize),
    ) -> anyhow::Result<(Service, SyncReport)> {
        let index = SearchIndex::open(&settings.index, settings.rebuild)?;
        Self::with_index(settings, index, walk, progress)
    }

    /// A service over an index kept in memory (tests, benchmarks), lexical only.
    pub fn in_memory(corpus_dir: &Path) -> anyhow::Result<Service> {
        Self::in_memory_with(corpus_dir, None)
    }

    /// A service over an index kept in memory, with the semantic model at `model` if given.
    pub fn in_memory_with(corpus_dir: &Path, model: Option<PathBuf>) -> anyhow::Result<Service> {
        let settings = Settings {
            corpus: corpus_dir.to_path_buf(),
            index: PathBuf::new(),
            load: LoadOptions::default(),
            rebuild: false,
            model,
        };
        Ok(Self::with_index(settings, SearchIndex::in_memory()?, Walk::Now, |_, _| {})?.0)
    }

    fn with_index(
        settings: Settings,
        index: SearchIndex,
        walk: Walk,
        progress: impl FnMut(usize, usize),
    ) -> anyhow::Result<(Service, SyncReport)> {
        let mut phases = Phases::start();
        let mut writer = index.writer(&settings.index, Writing::Live)?;
        index::merge::hold(&writer);
        let indexed = index.indexed_hashes()?;
        phases.done("opened the index");
        let (corpus, view, report, resumed_unchanged) = match CorpusState::resume(
            &settings.corpus,
            &settings.load,
            &settings.index,
            &indexed,
            walk,
        ) {
            Some(resumed) => {
                match walk {
                    Walk::Now => phases.done(&format!("read {} changed files", resumed.reread)),
                    Walk::Later => phases.done("resumed the saved corpus state"),
                }
                let report = resume_report(&indexed, &resumed.changes);
                index::apply(&index, &mut writer, &resumed.changes)?;
                let view = content::corpus_of(&resumed.state, Vec::new());
                let unchanged = resumed.changes.is_empty();
                (resumed.state, view, report, unchanged)
            }
            None => {
                let holders = index.indexed_ids()?;
                let (corpus, resources) =
                    CorpusState::load_held(&settings.corpus, &settings.load, holders);
                let view = content::corpus_of(&corpus, resources);
                phases.done("read the corpus");
                let report;
                (report, writer) = build(&index, &settings.index, writer, &view, progress)?;
                (corpus, view, report, false)
            }
        };
        index::merge::settle(&index.index, &mut writer)?;
        phases.done("brought the index up to date");
        // A snapshot that was resumed with nothing to change still describes the index.
        if !resumed_unchanged {
            save_snapshot(&corpus, &settings.index);
            phases.done("saved the corpus state");
        }
        let meta = Meta::empty(index.searcher());
        let semantic = Arc::new(match &settings.model {
            Some(path) => crate::semantic::Semantic::load(path),
            None => crate::semantic::Semantic::off(),
        });
        let index = Arc::new(RwLock::new(Arc::new(index)));
        let current = index.clone();
        // Kept next to the index; an in-memory index (evaluations) may name a file to reuse.
        let store = if settings.index.as_os_str().is_empty() {
            std::env::var_os("PROFINT_VECTOR_FILE").map(PathBuf::from)
        } else {
            Some(settings.index.join("vectors.bin"))
        };
        semantic.start_worker(move || current.read().expect("index lock").clone(), store);
        let service = Service {
            root: corpus.dir().to_path_buf(),
            settings,
            semantic,
            index,
            meta: RwLock::new(Arc::new(meta)),
            live: Mutex::new(Some(Live {
                writer: Some(writer),
                corpus,
                dirty: false,
            })),
            health: Mutex::new(IndexHealth::default()),
            watch: WatchStats::default(),
        };
        service.publish(view, None);
        phases.done("published");
        Ok((service, report))
    }

    /// The index as it is now. Hold on to it for one request: a rebuild after the index
    /// folder was lost replaces it.
    pub fn index(&self) -> Arc<SearchIndex> {
        self.index.read().expect("index lock").clone()
    }

    /// A consistent snapshot of the corpus facts.
    pub fn meta(&self) -> Arc<Meta> {
        self.meta.read().expect("meta lock").clone()
    }

    pub fn health(&self) -> IndexHealth {
        self.health.lock().expect("health lock").clone()
    }

    /// A write failed and has not landed yet: the watcher retries it.
    pub fn needs_retry(&self) -> bool {
        self.health.lock().expect("health lock").failing
    }

    /// Applies changed paths (files or folders, created, modified, deleted or renamed;
    /// absolute or relative to the corpus): re-reads only what they touch and commits the
    /// result as one batch. After a failed write, any call (even with no paths) re-reads the
    /// whole corpus and reconciles the index with it, so nothing the corpus holds is lost.
    pub fn apply_paths(&self, paths: &[PathBuf]) -> anyhow::Result<()> {
        let rels: Vec<String> = paths
            .iter()
            .filter_map(|p| content::corpus_path(&self.root, p))
            .collect();
        self.apply_with(rels, |corpus| corpus.refresh(paths))
    }

    /// Re-reads whatever changed on disk since it was read, found by the files' fingerprints:
    /// run once the watcher is in place, it catches the changes made while the service was
    /// stopped (after [`Service::open`] with [`Walk::Later`]) and between start-up and the first event
    /// the watcher can see.
    pub fn catch_up(&self) -> anyhow::Result<()> {
        let mut found = 0;
        let result = self.apply_with(Vec::new(), |corpus| {
            let (changes, reread) = corpus.refresh_changed();
            found = reread;
            changes
        });
        tracing::info!("caught up: re-read {found} files changed while stopped or starting");
        result
    }

    /// Applies what `refresh` finds changed in the corpus state (`rels`: the paths that
    /// prompted it, for the status page) as one commit, and publishes it.
    fn apply_with(
        &self,
        rels: Vec<String>,
        refresh: impl FnOnce(&mut CorpusState) -> Vec<content::Change>,
    ) -> anyhow::Result<()> {
        let started = std::time::Instant::now();
        let mut guard = self.live.lock().expect("live lock");
        let Some(live) = guard.as_mut() else {
            return Ok(());
        };
        // Domains and languages change what is valid anywhere: validate everything again.
        let reload = live.dirty || rels.iter().any(|r| content::is_config_file(r));
        let outcome = if reload {
            self.reload_all(live)
        } else {
            self.apply_changes(live, refresh)
        };
        let (view, report) = match outcome {
            Ok(done) => done,
            Err(err) => {
                live.dirty = true;
                if let Some(writer) = live.writer.as_mut() {
                    if writer.rollback().is_err() {
                        live.writer = None;
                    }
                }
                drop(guard);
                self.record_failure(&err);
                return Err(err);
            }
        };
        live.dirty = false;
        drop(guard);
        self.record_success();
        // A catch-up that found nothing keeps the published state (and its answer cache).
        if rels.is_empty() && report.upserted + report.removed + report.kept == 0 {
            return Ok(());
        }
        let change = LastChange {
            at: now(),
            paths: rels.into_iter().take(20).collect(),
            upserted: report.upserted,
            removed: report.removed,
            kept: report.kept,
            millis: started.elapsed().as_secs_f64() * 1000.0,
        };
        tracing::info!(
            upserted = change.upserted,
            removed = change.removed,
            kept = change.kept,
            ms = format!("{:.1}", change.millis),
            "applied changes"
        );
        self.publish(view, Some(change));
        Ok(())
    }

    /// Re-reads only the resources `refresh` finds changed and writes what changed.
    fn apply_changes(
        &self,
        live: &mut Live,
        refresh: impl FnOnce(&mut CorpusState) -> Vec<content::Change>,
    ) -> anyhow::Result<(Corpus, index::ApplyReport)> {
        let index = self.index();
        let writer = self.writer(&mut live.writer)?;
        let changes = refresh(&mut live.corpus);
        let report = index::apply(&index, writer, &changes)?;
        Ok((content::corpus_of(&live.corpus, Vec::new()), report))
    }

    /// Re-reads the whole corpus and writes whatever differs from the index.
    fn reload_all(&self, live: &mut Live) -> anyhow::Result<(Corpus, index::ApplyReport)> {
        let (corpus, resources) = live.corpus.reload();
        let view = content::corpus_of(&corpus, resources);
        let synced = if live.writer.is_none() && self.index_folder_lost() {
            self.rebuild_lost_index(live, &view)?
        } else {
            let index = self.index();
            index::sync(&index, self.writer(&mut live.writer)?, &view, |_, _| {})?
        };
        live.corpus = corpus;
        let report = index::ApplyReport {
            upserted: synced.added + synced.updated,
            removed: synced.removed,
            kept: synced.kept,
        };
        Ok((view, report))
    }

    /// The live writer, opening a new one when the last failure left none.
    fn writer<'a>(&self, slot: &'a mut Option<IndexWriter>) -> anyhow::Result<&'a mut IndexWriter> {
        if slot.is_none() {
            *slot = Some(self.index().writer(&self.settings.index, Writing::Live)?);
        }
        Ok(slot.as_mut().expect("writer just opened"))
    }

    fn index_folder_lost(&self) -> bool {
        let dir = &self.settings.index;
        !dir.as_os_str().is_empty() && !dir.join("meta.json").exists()
    }

    /// The index folder was deleted under the running service: builds a new index there and
    /// serves it once it holds the whole corpus (until then, the old one keeps answering).
    fn rebuild_lost_index(&self, live: &mut Live, view: &Corpus) -> anyhow::Result<SyncReport> {
        let dir = &self.settings.index;
        tracing::warn!(index = %dir.display(), "the index folder is gone; building a new index there");
        let fresh = SearchIndex::open(dir, true)?;
        let writer = fresh.writer(dir, Writing::Live)?;
        let (report, writer) = build(&fresh, dir, writer, view, |_, _| {})?;
        *self.index.write().expect("index lock") = Arc::new(fresh);
        live.writer = Some(writer);
        Ok(report)
    }

    fn record_failure(&self, err: &anyhow::Error) {
        tracing::error!(
            error = format!("{err:#}"),
            "could not write the index; retrying until it lands"
        );
        let mut health = self.health.lock().expect("health lock");
        if !health.failing {
            health.since = Some(now());
        }
        health.failing = true;
        health.failures += 1;
        health.last_error = Some(format!("{err:#}"));
    }

    fn record_success(&self) {
        let mut health = self.health.lock().expect("health lock");
        if health.failing {
            tracing::info!("the index is up to date again");
        }
        health.failing = false;
        health.since = None;
    }

    /// Makes the last commit visible together with the corpus facts that go with it, keeping
    /// the first-seen time of problems still there.
    fn publish(&self, view: Corpus, change: Option<LastChange>) {
        let old = self.meta();
        let index = self.index();
        if let Err(err) = index.reader.reload() {
            tracing::error!(error = %err, "cannot reload the index reader");
        }
        let seen: HashMap<(String, Option<usize>, String), String> = old
            .problems
            .iter()
            .map(|p| {
                (
                    (
                        p.problem.path.clone(),
                        p.problem.line,
                        p.problem.message.clone(),
                    ),
                    p.since.clone(),
                )
            })
            .collect();
        let stamp = now();
        let problems: Vec<StatusProblem> = view
            .problems
            .into_iter()
            .map(|problem| {
                let since = seen
                    .get(&(problem.path.clone(), problem.line, problem.message.clone()))
                    .cloned()
                    .unwrap_or_else(|| {
                        if problem.is_error() {
                            tracing::warn!("{problem}");
                        } else {
                            tracing::info!("{problem}");
                        }
                        stamp.clone()
                    });
                StatusProblem { problem, since }
            })
            .collect();
        let searcher = index.searcher();
        let domain_ids: Vec<String> = view.domains.iter().map(|d| d.id.clone()).collect();
        // Read before the first search needs them, once per new segment.
        if let Err(err) = old.facets.keep_only(&searcher, &domain_ids) {
            tracing::error!(error = %err, "cannot read the facets of the new segments");
        }
        let meta = Meta {
            searcher,
            site: view.site,
            vocabulary: view.vocabulary,
            domains: view.domains,
            redirects: view.redirects,
            problems,
            files: view.files,
            last_change: change.or_else(|| old.last_change.clone()),
            answers: Default::default(),
            semantic: Some(self.semantic.clone()),
            facets: old.facets.clone(),
        };
        *self.meta.write().expect("meta lock") = Arc::new(meta);
        self.semantic.index_changed();
    }

    /// Waits for merges and releases the writer, e.g. before the process exits.
    pub fn close(&self) -> anyhow::Result<()> {
        if let Some(live) = self.live.lock().expect("live lock").take() {
            if let Some(writer) = live.writer {
                writer.wait_merging_threads()?;
            }
            // After the last commit: the next start-up then re-reads only what changes
            // while the service is stopped.
            save_snapshot(&live.corpus, &self.settings.index);
        }
        Ok(())
    }
}

/// Writes a whole corpus with a writer of one thread per core, in place of the live writer
/// (one index has one writer at a time), then opens the live writer again for the edits.
/// The build's commits start no merge (see [`index::merge::hold`]).
fn build(
    index: &SearchIndex,
    dir: &Path,
    live: IndexWriter,
    view: &Corpus,
    progress: impl FnMut(usize, usize),
) -> anyhow::Result<(SyncReport, IndexWriter)> {
    drop(live);
    let mut writer = index.writer(dir, Writing::Build)?;
    index::merge::hold(&writer);
    let report = index::sync(index, &mut writer, view, progress)?;
    writer.wait_merging_threads()?;
    Ok((report, index.writer(dir, Writing::Live)?))
}

/// The sync report of a start-up resumed from a saved corpus state.
fn resume_report(indexed: &HashMap<String, String>, changes: &[content::Change]) -> SyncReport {
    let mut report = SyncReport::default();
    for change in changes {
        match change {
            content::Change::Upsert(r) if indexed.contains_key(&r.key) => report.updated += 1,
            content::Change::Upsert(_) => report.added += 1,
            content::Change::Remove(key) if indexed.contains_key(key) => report.removed += 1,
            content::Change::Remove(_) => {}
            content::Change::Keep(_) => report.kept += 1,
        }
    }
    let touched = report.updated + report.removed + report.kept;
    report.unchanged = indexed.len().saturating_sub(touched);
    report
}

/// Saves the corpus state next to an on-disk index, for the next start-up. A failure costs
/// only time (the next start-up reads every file), so it is logged, not raised.
fn save_snapshot(corpus: &CorpusState, index_dir: &Path) {
    if index_dir.as_os_str().is_empty() {
        return;
    }
    if let Err(e) = corpus.save_snapshot(index_dir) {
        tracing::warn!(error = %e, "cannot save the corpus state; the next start-up reads every file");
    }
}

/// Times the phases of start-up, logged so that an operator whose service starts slowly can
/// see which phase to look at.
struct Phases {
    last: std::time::Instant,
}

impl Phases {
    fn start() -> Phases {
        Phases {
            last: std::time::Instant::now(),
        }
    }

    fn done(&mut self, phase: &str) {
        let ms = self.last.elapsed().as_secs_f64() * 1000.0;
        tracing::info!(ms = format!("{ms:.0}"), "start-up: {phase}");
        self.last = std::time::Instant::now();
    }
}

/// The answer cache is on unless `PROFINT_ANSWER_CACHE=off` (benchmarks measure the cost of
/// a search that is not in it).
fn answer_cache_on() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var("PROFINT_ANSWER_CACHE").map_or(true, |v| v != "off"))
}

pub fn now() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}
