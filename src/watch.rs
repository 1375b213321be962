//! Watching the content folder: file system events, debounced, become batches of changed
//! paths that the service re-reads and commits. Editors' temporary and backup files are
//! dropped here; everything else is resolved by re-reading the resources a path touches, so
//! any save pattern (write in place, write-then-rename, delete-then-create) ends in the
//! state of the files on disk.

use crate::content::is_ignored_name;
use crate::service::Service;
use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// How long events settle before a batch is applied: short enough to feel instant, long
/// enough to gather a `git pull` or an editor's save sequence into one commit.
pub const DEBOUNCE: Duration = Duration::from_millis(40);

/// Keeps the watcher alive; dropping it stops watching.
pub struct WatchGuard {
    _debouncer: Box<dyn std::any::Any + Send + Sync>,
}

/// Starts watching the service's corpus folder.
pub fn watch(service: Arc<Service>) -> anyhow::Result<WatchGuard> {
    let (tx, rx) = std::sync::mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(DEBOUNCE, Some(Duration::from_millis(10)), tx)?;
    debouncer.watch(&service.settings.corpus, RecursiveMode::Recursive)?;
    let worker = service.clone();
    std::thread::Builder::new()
        .name("profint-indexer".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut paths = Vec::new();
                collect(first, &mut paths);
                // Gather whatever else is already waiting into the same batch.
                while let Ok(more) = rx.try_recv() {
                    collect(more, &mut paths);
                }
                paths.sort();
                paths.dedup();
                if paths.is_empty() {
                    continue;
                }
                worker.queue.store(paths.len(), Ordering::Relaxed);
                worker.events.fetch_add(paths.len(), Ordering::Relaxed);
                worker.batches.fetch_add(1, Ordering::Relaxed);
                if let Err(err) = worker.apply_paths(&paths) {
                    tracing::error!(error = %err, "could not apply changes; they will be retried with the next change");
                }
                worker.queue.store(0, Ordering::Relaxed);
            }
        })?;
    tracing::info!(corpus = %service.settings.corpus.display(), "watching for changes");
    Ok(WatchGuard {
        _debouncer: Box::new(debouncer),
    })
}

fn collect(result: DebounceEventResult, paths: &mut Vec<PathBuf>) {
    match result {
        Ok(events) => {
            for event in events {
                if event.kind.is_access() {
                    continue;
                }
                for path in &event.paths {
                    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    if !is_ignored_name(name) {
                        paths.push(path.clone());
                    }
                }
            }
        }
        Err(errors) => {
            for err in errors {
                tracing::warn!(error = %err, "file watcher error");
            }
        }
    }
}
