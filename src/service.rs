//! The running service's state, shared by the CLI commands, the watcher and the HTTP
//! handlers: the index, the corpus state behind it, and what `/api/status` reports.

use crate::content::{self, Corpus, CorpusState, Domain, LoadOptions, Problem, Site};
use crate::index::{self, SearchIndex, SyncReport};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, RwLock};
use tantivy::IndexWriter;

/// Where the content and the index live, and the limits of loading.
#[derive(Debug, Clone)]
pub struct Settings {
    pub corpus: PathBuf,
    pub index: PathBuf,
    pub load: LoadOptions,
    pub rebuild: bool,
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

/// Corpus facts kept next to the index, replaced whole at each change.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub site: Site,
    pub vocabulary: std::sync::Arc<content::Vocabulary>,
    pub domains: Vec<Domain>,
    /// Old addresses answered with 301 (`redirects.yaml`).
    pub redirects: std::sync::Arc<content::Redirects>,
    pub problems: Vec<StatusProblem>,
    pub files: usize,
    pub last_change: Option<LastChange>,
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

    /// What a search needs of these facts.
    pub fn scope(&self) -> crate::search::Scope<'_> {
        crate::search::Scope {
            domains: &self.domains,
            vocabulary: &self.vocabulary,
        }
    }
}

/// The single writer and the corpus state it keeps the index in step with.
struct Live {
    writer: IndexWriter,
    corpus: CorpusState,
}

pub struct Service {
    pub settings: Settings,
    pub index: SearchIndex,
    meta: RwLock<Arc<Meta>>,
    live: Mutex<Option<Live>>,
    /// Changed paths waiting to be applied.
    pub queue: AtomicUsize,
    /// Changed paths received, and batches applied, since start.
    pub events: AtomicUsize,
    pub batches: AtomicUsize,
}

const WRITER_BYTES: usize = 64 * 1024 * 1024;

impl Service {
    /// Opens the index, loads the corpus and brings the index up to date with it, without
    /// rewriting what did not change.
    pub fn start(
        settings: Settings,
        progress: impl FnMut(usize, usize),
    ) -> anyhow::Result<(Service, SyncReport)> {
        let index = SearchIndex::open(&settings.index, settings.rebuild)?;
        Self::with_index(settings, index, progress)
    }

    /// A service over an index kept in memory (tests, benchmarks).
    pub fn in_memory(corpus_dir: &Path) -> anyhow::Result<Service> {
        let settings = Settings {
            corpus: corpus_dir.to_path_buf(),
            index: PathBuf::new(),
            load: LoadOptions::default(),
            rebuild: false,
        };
        Ok(Self::with_index(settings, SearchIndex::in_memory()?, |_, _| {})?.0)
    }

    fn with_index(
        settings: Settings,
        index: SearchIndex,
        progress: impl FnMut(usize, usize),
    ) -> anyhow::Result<(Service, SyncReport)> {
        let (corpus, resources) = CorpusState::load(&settings.corpus, &settings.load);
        let mut writer = index.index.writer(WRITER_BYTES)?;
        let view = content::corpus_of(&corpus, resources);
        let report = index::sync(&index, &mut writer, &view, progress)?;
        let service = Service {
            settings,
            index,
            meta: RwLock::new(Arc::new(Meta::default())),
            live: Mutex::new(Some(Live { writer, corpus })),
            queue: AtomicUsize::new(0),
            events: AtomicUsize::new(0),
            batches: AtomicUsize::new(0),
        };
        service.publish(view, None);
        Ok((service, report))
    }

    /// A consistent snapshot of the corpus facts.
    pub fn meta(&self) -> Arc<Meta> {
        self.meta.read().expect("meta lock").clone()
    }

    /// Applies changed paths (files or folders, created, modified, deleted or renamed):
    /// re-reads only what they touch and commits the result as one batch.
    pub fn apply_paths(&self, paths: &[PathBuf]) -> anyhow::Result<()> {
        let started = std::time::Instant::now();
        let mut guard = self.live.lock().expect("live lock");
        let Some(live) = guard.as_mut() else {
            return Ok(());
        };
        let config_changed = paths.iter().any(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            matches!(
                name,
                "domains.yaml" | "site.yaml" | "vocabulary.yaml" | content::REDIRECTS_FILE
            ) && p
                .parent()
                .is_some_and(|d| same_dir(d, &self.settings.corpus))
        });
        let (view, report) = if config_changed {
            // Domains and languages change what is valid anywhere: validate everything again.
            let (corpus, resources) = CorpusState::load(&self.settings.corpus, &self.settings.load);
            let view = content::corpus_of(&corpus, resources);
            let synced = index::sync(&self.index, &mut live.writer, &view, |_, _| {})?;
            live.corpus = corpus;
            let report = index::ApplyReport {
                upserted: synced.added + synced.updated,
                removed: synced.removed,
                kept: synced.kept,
            };
            (view, report)
        } else {
            let changes = live.corpus.refresh(paths);
            let report = index::apply(&self.index, &mut live.writer, &changes)?;
            (content::corpus_of(&live.corpus, Vec::new()), report)
        };
        drop(guard);
        let change = LastChange {
            at: now(),
            paths: paths
                .iter()
                .take(20)
                .map(|p| p.display().to_string())
                .collect(),
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

    /// Replaces the published facts, keeping the first-seen time of problems still there.
    fn publish(&self, view: Corpus, change: Option<LastChange>) {
        let old = self.meta();
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
        let meta = Meta {
            site: view.site,
            vocabulary: view.vocabulary,
            domains: view.domains,
            redirects: view.redirects,
            problems,
            files: view.files,
            last_change: change.or_else(|| old.last_change.clone()),
        };
        *self.meta.write().expect("meta lock") = Arc::new(meta);
    }

    /// Waits for merges and releases the writer, e.g. before the process exits.
    pub fn close(&self) -> anyhow::Result<()> {
        if let Some(live) = self.live.lock().expect("live lock").take() {
            live.writer.wait_merging_threads()?;
        }
        Ok(())
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

pub fn now() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}
