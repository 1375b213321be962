//! The running service's state, shared by the CLI commands and the HTTP handlers: the index,
//! and what was learnt from the corpus that is not in the index (domains, site, problems).

use crate::content::{self, Corpus, Domain, LoadOptions, Problem, Site};
use crate::index::{self, SearchIndex, SyncReport};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// Where the content and the index live, and the limits of loading.
#[derive(Debug, Clone)]
pub struct Settings {
    pub corpus: PathBuf,
    pub index: PathBuf,
    pub load: LoadOptions,
    pub rebuild: bool,
}

/// Corpus facts kept next to the index.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub site: Site,
    pub domains: Vec<Domain>,
    pub problems: Vec<Problem>,
    pub files: usize,
}

pub struct Service {
    pub settings: Settings,
    pub index: SearchIndex,
    meta: RwLock<Arc<Meta>>,
}

impl Service {
    /// Opens the index, loads the corpus and brings the index up to date with it.
    pub fn start(
        settings: Settings,
        progress: impl FnMut(usize, usize),
    ) -> anyhow::Result<(Service, SyncReport)> {
        let index = SearchIndex::open(&settings.index, settings.rebuild)?;
        let corpus = content::load(&settings.corpus, &settings.load);
        let report = sync_corpus(&index, &corpus, progress)?;
        let service = Service {
            settings,
            index,
            meta: RwLock::new(Arc::new(meta_of(corpus))),
        };
        Ok((service, report))
    }

    /// A service over an index kept in memory (tests, benchmarks).
    pub fn in_memory(corpus_dir: &Path) -> anyhow::Result<Service> {
        let index = SearchIndex::in_memory()?;
        let corpus = content::load(corpus_dir, &LoadOptions::default());
        sync_corpus(&index, &corpus, |_, _| {})?;
        Ok(Service {
            settings: Settings {
                corpus: corpus_dir.to_path_buf(),
                index: PathBuf::new(),
                load: LoadOptions::default(),
                rebuild: false,
            },
            index,
            meta: RwLock::new(Arc::new(meta_of(corpus))),
        })
    }

    /// A consistent snapshot of the corpus facts.
    pub fn meta(&self) -> Arc<Meta> {
        self.meta.read().expect("meta lock").clone()
    }

    pub fn set_meta(&self, meta: Meta) {
        *self.meta.write().expect("meta lock") = Arc::new(meta);
    }
}

fn meta_of(corpus: Corpus) -> Meta {
    for p in &corpus.problems {
        if p.is_error() {
            tracing::warn!("{p}");
        } else {
            tracing::info!("{p}");
        }
    }
    Meta {
        site: corpus.site,
        domains: corpus.domains,
        problems: corpus.problems,
        files: corpus.files,
    }
}

fn sync_corpus(
    index: &SearchIndex,
    corpus: &Corpus,
    progress: impl FnMut(usize, usize),
) -> anyhow::Result<SyncReport> {
    let mut writer = index.index.writer(64 * 1024 * 1024)?;
    let report = index::sync(index, &mut writer, corpus, progress)?;
    writer.wait_merging_threads()?;
    Ok(report)
}
