//! `profint index [--rebuild]`: bring the index up to date with the corpus, print one line.

use crate::service::Settings;
use std::time::Instant;

pub fn run(settings: &Settings) -> anyhow::Result<i32> {
    let started = Instant::now();
    let (service, report) = super::open(settings, crate::content::Walk::Now)?;
    let meta = service.meta();
    let summary = format!(
        "indexed {} resources from {} files ({} added, {} updated, {} removed, {} unchanged, {} kept at last good version); {} problems ({} errors); {:.2} s",
        service.index().num_resources(),
        meta.files,
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
        report.kept,
        meta.problems.len(),
        meta.errors(),
        super::seconds(started)
    );
    service.close()?;
    match super::Output::new().line(summary) {
        Err(e) if !super::reader_gone(&e) => Err(e.into()),
        _ => Ok(0),
    }
}
