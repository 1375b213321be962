//! What `profint serve` and `profint gaps` need of the gap report: the recorder and admin
//! token from the configuration, and the report printed in the terminal. `profint gaps` reads
//! the store file and the index without locking either, so it runs beside a running server.

use super::report::{self, Filter};
use super::{Recorder, Store, SystemClock};
use crate::config::FileConfig;
use crate::index::SearchIndex;
use crate::lang::Lang;
use crate::service::Settings;
use anyhow::Context;
use std::sync::Arc;

/// The recorder `serve` hands its searches to: off when `gaps.enabled = false`.
pub fn recorder(file: &FileConfig, settings: &Settings) -> anyhow::Result<Recorder> {
    if !file.gaps.enabled {
        return Ok(Recorder::default());
    }
    let path = file.gaps.store_path(&settings.index);
    Recorder::open(&path, file.gaps.clone(), Arc::new(SystemClock))
        .with_context(|| format!("cannot start the gap report ({})", path.display()))
}

/// `PROFINT_ADMIN_TOKEN`, else the file's `admin_token`; an empty one is none. Not a flag:
/// command lines are visible to every user of the machine.
pub fn admin_token(file: &FileConfig) -> Option<String> {
    std::env::var("PROFINT_ADMIN_TOKEN")
        .ok()
        .or_else(|| file.admin_token.clone())
        .filter(|t| !t.trim().is_empty())
}

/// `profint gaps`: prints the report; the exit code.
pub fn run(
    file: &FileConfig,
    settings: &Settings,
    lang: Option<&str>,
    domain: Option<String>,
    limit: usize,
) -> anyhow::Result<i32> {
    let gs = &file.gaps;
    gs.validate()?;
    let lang = lang
        .map(|code| {
            Lang::parse(code).with_context(|| {
                format!(
                    "unknown language `{code}`; use one of {}",
                    crate::lang::known_codes()
                )
            })
        })
        .transpose()?;
    let path = gs.store_path(&settings.index);
    if !path.exists() {
        println!(
            "no gap counts at {} yet: `profint serve` records them (gaps.enabled = {})",
            path.display(),
            gs.enabled
        );
        return Ok(0);
    }
    let store = Store::load(&path, gs.max_entries)
        .with_context(|| format!("cannot read the gap counts in {}", path.display()))?;
    let rows = store.reported(super::Clock::today(&SystemClock), gs);
    let index = open_index(settings)?;
    let corpus = crate::content::load(&settings.corpus, &settings.load);
    let searcher = index.searcher();
    let scope = crate::search::Scope {
        domains: &corpus.domains,
        vocabulary: &corpus.vocabulary,
        searcher: &searcher,
        fallback: &corpus.site.fallback,
        answers: None,
        semantic: None,
        facets: &Default::default(),
    };
    let gaps = report::build(
        rows,
        &Filter {
            lang,
            domain,
            limit,
        },
        &index,
        scope,
    );
    println!(
        "{} unanswered searches made on at least {} days in the last {} days ({})",
        gaps.len(),
        gs.min_count,
        gs.retention_days,
        path.display()
    );
    report::write_text(&gaps, &mut std::io::stdout().lock())?;
    Ok(0)
}

/// The index for the report's searches: the one on disk, read without its writer lock (a
/// server may hold it), or, when there is none yet, one built now.
fn open_index(settings: &Settings) -> anyhow::Result<Arc<SearchIndex>> {
    if settings.index.join("meta.json").exists() {
        return Ok(Arc::new(SearchIndex::open(&settings.index, false)?));
    }
    let (service, _) = crate::service::Service::start(settings.clone(), |_, _| {})?;
    let index = service.index();
    service.close()?;
    Ok(index)
}
