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
use std::sync::mpsc::{Receiver, RecvTimeoutError};
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
    // The canonical root: events then name files the way the loader does.
    debouncer.watch(&service.root, RecursiveMode::Recursive)?;
    let worker = service.clone();
    std::thread::Builder::new()
        .name("profint-indexer".into())
        .spawn(move || {
            // What changed before the watch was in place has no event: find it by
            // fingerprint. Events that arrive meanwhile wait in the channel.
            if let Err(e) = worker.catch_up() {
                tracing::error!(error = %e, "cannot apply the changes made while starting");
            }
            index_changes(&worker, &rx)
        })?;
    service.watch.watching.store(true, Ordering::Relaxed);
    tracing::info!(corpus = %service.settings.corpus.display(), "watching for changes");
    Ok(WatchGuard {
        _debouncer: Box::new(debouncer),
    })
}

/// First wait after a failed index write before trying again; it doubles up to [`MAX_RETRY`].
const FIRST_RETRY: Duration = Duration::from_millis(250);
const MAX_RETRY: Duration = Duration::from_secs(10);

/// The indexer thread: applies batches of changed paths as they come, and retries a failed
/// write (with a growing pause) until it lands, even when no further change arrives.
fn index_changes(service: &Service, rx: &Receiver<DebounceEventResult>) {
    let mut retry = FIRST_RETRY;
    loop {
        let first = if service.needs_retry() {
            match rx.recv_timeout(retry) {
                Ok(first) => Some(first),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            match rx.recv() {
                Ok(first) => Some(first),
                Err(_) => return,
            }
        };
        let mut paths = Vec::new();
        if let Some(first) = first {
            collect(first, &mut paths);
            // Gather whatever else is already waiting into the same batch.
            while let Ok(more) = rx.try_recv() {
                collect(more, &mut paths);
            }
            paths.sort();
            paths.dedup();
            if paths.is_empty() && !service.needs_retry() {
                continue;
            }
        }
        let stats = &service.watch;
        stats.queue.store(paths.len(), Ordering::Relaxed);
        stats.events.fetch_add(paths.len(), Ordering::Relaxed);
        stats.batches.fetch_add(1, Ordering::Relaxed);
        match service.apply_paths(&paths) {
            Ok(()) => retry = FIRST_RETRY,
            Err(_) => retry = (retry * 2).min(MAX_RETRY),
        }
        stats.queue.store(0, Ordering::Relaxed);
    }
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
