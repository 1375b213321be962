//! Bringing the index up to date with a loaded corpus, touching only what changed.

use super::{to_document, SearchIndex};
use crate::content::Corpus;
use std::collections::HashSet;
use tantivy::{IndexWriter, Term};

/// What a sync did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Resources whose files are now invalid and whose last good version stays indexed.
    pub kept: usize,
}

impl SyncReport {
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.removed > 0
    }
}

/// Writes to the index what differs between it and `corpus`, as one commit.
///
/// A resource whose files are in error keeps its indexed version: bad content never loses
/// what was good. `progress` is called with (done, total) as resources are processed.
pub fn sync(
    index: &SearchIndex,
    writer: &mut IndexWriter,
    corpus: &Corpus,
    mut progress: impl FnMut(usize, usize),
) -> anyhow::Result<SyncReport> {
    let fields = &index.fields;
    let indexed = index.indexed_hashes()?;
    let mut report = SyncReport::default();
    let mut present = HashSet::new();
    let total = corpus.resources.len();
    for (i, resource) in corpus.resources.iter().enumerate() {
        present.insert(resource.key.as_str());
        match indexed.get(&resource.key) {
            Some(hash) if *hash == resource.content_hash => report.unchanged += 1,
            Some(_) if corpus.failed_keys.contains(&resource.key) => report.kept += 1,
            old => {
                writer.delete_term(Term::from_field_text(fields.key, &resource.key));
                writer.add_document(to_document(fields, resource))?;
                if old.is_some() {
                    report.updated += 1;
                } else {
                    report.added += 1;
                }
            }
        }
        if i % 256 == 0 {
            progress(i, total);
        }
    }
    for key in indexed.keys() {
        if present.contains(key.as_str()) {
            continue;
        }
        if corpus.failed_keys.contains(key) {
            report.kept += 1;
        } else {
            writer.delete_term(Term::from_field_text(fields.key, key));
            report.removed += 1;
        }
    }
    progress(total, total);
    if report.changed() {
        commit(writer)?;
    }
    Ok(report)
}

/// What applying a batch of changes did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApplyReport {
    pub upserted: usize,
    pub removed: usize,
    pub kept: usize,
}

/// Applies the changes of a refresh as one commit. The service reloads the reader when it
/// publishes the corpus facts that go with the commit.
pub fn apply(
    index: &SearchIndex,
    writer: &mut IndexWriter,
    changes: &[crate::content::Change],
) -> anyhow::Result<ApplyReport> {
    use crate::content::Change;
    let mut report = ApplyReport::default();
    for change in changes {
        match change {
            Change::Upsert(resource) => {
                writer.delete_term(Term::from_field_text(index.fields.key, &resource.key));
                writer.add_document(to_document(&index.fields, resource))?;
                report.upserted += 1;
            }
            Change::Remove(key) => {
                writer.delete_term(Term::from_field_text(index.fields.key, key));
                report.removed += 1;
            }
            Change::Keep(_) => report.kept += 1,
        }
    }
    if report.upserted + report.removed > 0 {
        commit(writer)?;
    }
    Ok(report)
}

fn commit(writer: &mut IndexWriter) -> anyhow::Result<()> {
    let mut commit = writer.prepare_commit()?;
    let stamp = humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string();
    commit.set_payload(&serde_json::json!({ "last_indexed": stamp }).to_string());
    commit.commit()?;
    Ok(())
}
