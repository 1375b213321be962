//! The corpus state saved next to the index, so that a restart re-reads only the files that
//! changed while the service was stopped. Reading and parsing every file was most of the
//! start-up time of a large corpus (11 s of 12 at 100 000 resources); checking each file's
//! fingerprint costs a `stat`.
//!
//! A snapshot is trusted only when it describes the index exactly (every published resource
//! with the hash the index holds) and was written by this build from the same configuration
//! files; anything else means a full read, so a stale or foreign snapshot costs time, never
//! correctness.

use super::{Change, CorpusState, Group};
use crate::content::load::{key_of, relative, Fingerprint};
use crate::content::{LoadOptions, CONFIG_FILES};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

/// The file in the index folder.
const FILE: &str = "corpus-state.bin";
/// Bumped whenever what a snapshot holds changes meaning.
const FORMAT: u32 = 1;

/// The file's content. Groups are a list in key order, not a map: a sorted list becomes a
/// `BTreeMap` in one pass, where decoding a map inserts (and compares) key by key.
#[derive(serde::Deserialize)]
struct Snapshot {
    format: u32,
    /// [`configuration`] when it was written.
    configuration: String,
    groups: Vec<(String, Group)>,
    owners: HashMap<String, String>,
}

/// [`Snapshot`] as written, borrowing from the state (same encoding).
#[derive(serde::Serialize)]
struct SnapshotRef<'a> {
    format: u32,
    configuration: String,
    groups: Vec<(&'a String, &'a Group)>,
    owners: &'a HashMap<String, String>,
}

/// When a resumed state looks for the files changed while the service was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    /// Before resuming returns: a one-shot command works on the folder as it is.
    Now,
    /// Left to the caller, who calls [`CorpusState::refresh_changed`] once it watches the
    /// folder: a server answers meanwhile from the index as it was at shutdown, and walks
    /// the folder once instead of twice (0.7 s each at 265 000 files).
    Later,
}

/// A state brought up to date from a snapshot, and what the index must do to match it.
pub struct Resumed {
    pub state: CorpusState,
    pub changes: Vec<Change>,
    /// Files read because they changed, appeared or disappeared since the snapshot.
    pub reread: usize,
}

impl CorpusState {
    /// Saves what is known of the folder into `index_dir`, atomically (a crash leaves the old
    /// snapshot or the new one, never half of one).
    pub fn save_snapshot(&self, index_dir: &Path) -> anyhow::Result<()> {
        let snapshot = SnapshotRef {
            format: FORMAT,
            configuration: configuration(&self.dir, &self.opts),
            groups: self.groups.iter().collect(),
            owners: &self.owners,
        };
        let bytes = postcard::to_stdvec(&snapshot)?;
        let tmp = index_dir.join(format!("{FILE}.tmp"));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, index_dir.join(FILE))?;
        Ok(())
    }

    /// The state of `dir` from the snapshot in `index_dir`, if the snapshot describes
    /// `indexed` (resource key → content hash, as the index holds them), with the files that
    /// changed since re-read when `walk` asks it (otherwise [`Self::refresh_changed`] finds
    /// them later). `None`: no usable snapshot, read the whole folder.
    pub fn resume(
        dir: &Path,
        opts: &LoadOptions,
        index_dir: &Path,
        indexed: &HashMap<String, String>,
        walk: Walk,
    ) -> Option<Resumed> {
        let dir = std::fs::canonicalize(dir).ok()?;
        let snapshot = read(index_dir)?;
        if snapshot.configuration != configuration(&dir, opts) || !describes(&snapshot, indexed) {
            return None;
        }
        let mut state = CorpusState::empty(&dir, opts);
        state.read_config();
        // A configuration file in error may have been kept at an older good version that this
        // fresh state does not have: validate everything again.
        if state.config_problems.iter().any(|p| p.is_error()) {
            return None;
        }
        state.groups = snapshot.groups.into_iter().collect();
        state.links_version += 1;
        state.owners = snapshot.owners;
        let (changes, reread) = match walk {
            Walk::Now => state.refresh_changed(),
            Walk::Later => (Vec::new(), 0),
        };
        Some(Resumed {
            state,
            changes,
            reread,
        })
    }

    /// Walks the folder and re-reads the resources whose files changed since they were read
    /// (by fingerprint), with how many files that was: what a restart or a watcher that
    /// just started may have missed.
    pub fn refresh_changed(&mut self) -> (Vec<Change>, usize) {
        let keys = self.keys_changed();
        let reread = keys.iter().map(|k| self.files_of(k).len()).sum();
        (self.refresh_keys_and_freed(&keys), reread)
    }

    /// Resources with a file that is new, gone or different from when it was read, or with a
    /// file that could not be read then (it has no fingerprint and is tried again).
    ///
    /// The files read before are checked (one `stat` each) while the folder is walked for
    /// new ones: at 265 000 files each takes a few hundred milliseconds, and there are two
    /// cores.
    fn keys_changed(&mut self) -> BTreeSet<String> {
        let known: Vec<(&str, &str, &Fingerprint)> = self
            .groups
            .iter()
            .flat_map(|(key, g)| {
                g.fingerprints
                    .iter()
                    .map(move |(rel, f)| (rel.as_str(), key.as_str(), f))
            })
            .collect();
        let dir = &self.dir;
        let (walked, walk_problems, now) = std::thread::scope(|scope| {
            let walk = scope.spawn(|| {
                let mut problems = Vec::new();
                let files = crate::content::load::content_files(dir, dir, &mut problems);
                (files, problems)
            });
            let now = fingerprints(dir, &known);
            let (files, problems) = walk.join().unwrap_or_default();
            (files, problems, now)
        });
        let mut keys = BTreeSet::new();
        for ((_, key, was), now) in known.iter().zip(&now) {
            if now.as_ref() != Some(*was) {
                keys.insert(key.to_string());
            }
        }
        // New files: walked but not read before. Gone files failed their `stat` above.
        let known: HashSet<&str> = known.iter().map(|(rel, _, _)| *rel).collect();
        for path in &walked {
            let rel = self.rel_of(path);
            if !known.contains(&*rel) {
                keys.extend(key_of(&rel));
            }
        }
        let unread = self
            .groups
            .iter()
            .filter(|(_, g)| g.files > g.fingerprints.len());
        keys.extend(unread.map(|(key, _)| key.clone()));
        self.walk_problems.clear();
        self.record_walk_problems(walk_problems);
        keys
    }
}

impl CorpusState {
    /// `path` relative to the corpus as the loader names files; without building a string
    /// where the platform's separator is already `/` (a quarter of a second at 265 000 files).
    fn rel_of<'a>(&self, path: &'a Path) -> std::borrow::Cow<'a, str> {
        let direct = path.strip_prefix(&self.dir).ok().and_then(Path::to_str);
        match direct {
            Some(rel) if std::path::MAIN_SEPARATOR == '/' => rel.into(),
            _ => relative(&self.dir, path).into(),
        }
    }
}

/// The fingerprints now of the files `known` (relative path first) under `dir`, on this
/// thread and one more when there are many.
fn fingerprints(dir: &Path, known: &[(&str, &str, &Fingerprint)]) -> Vec<Option<Fingerprint>> {
    let at = |part: &[(&str, &str, &Fingerprint)]| -> Vec<Option<Fingerprint>> {
        part.iter()
            .map(|(rel, _, _)| Fingerprint::at(&dir.join(rel)))
            .collect()
    };
    let half = known.len().div_ceil(2);
    if half < 1024 {
        return at(known);
    }
    let (first, second) = known.split_at(half);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| at(second));
        let mut out = at(first);
        out.extend(other.join().unwrap_or_else(|_| vec![None; second.len()]));
        out
    })
}

fn read(index_dir: &Path) -> Option<Snapshot> {
    if index_dir.as_os_str().is_empty() {
        return None;
    }
    let bytes = std::fs::read(index_dir.join(FILE)).ok()?;
    match postcard::from_bytes::<Snapshot>(&bytes) {
        Ok(snapshot) if snapshot.format == FORMAT => Some(snapshot),
        Ok(_) => None,
        Err(e) => {
            tracing::warn!(error = %e, "the saved corpus state is unreadable; reading every file");
            None
        }
    }
}

/// Whether the snapshot's published resources are exactly those of the index, with the same
/// content. A resource in error may differ: the index keeps its last good version.
fn describes(snapshot: &Snapshot, indexed: &HashMap<String, String>) -> bool {
    let mut matched = 0;
    for (key, group) in &snapshot.groups {
        let held = indexed.get(key);
        match (&group.entry, group.failed) {
            (_, true) => matched += usize::from(held.is_some()),
            (Some(entry), false) if held == Some(&entry.hash) => matched += 1,
            (Some(_), false) => return false,
            (None, false) if held.is_some() => return false,
            (None, false) => {}
        }
    }
    matched == indexed.len()
}

/// What the meaning of a snapshot depends on besides the content files: this build (parsing
/// and validation may have changed), the load options, and the configuration files.
fn configuration(dir: &Path, opts: &LoadOptions) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|e| std::fs::metadata(e).ok())
    {
        hasher.update(format!("{:?}", Fingerprint::of(&meta)).as_bytes());
    }
    hasher.update(format!("{opts:?}").as_bytes());
    for name in CONFIG_FILES {
        hasher.update(name.as_bytes());
        match std::fs::read(dir.join(name)) {
            Ok(bytes) => hasher.update(blake3::hash(&bytes).as_bytes()),
            Err(_) => hasher.update(b"absent"),
        };
    }
    hasher.finalize().to_hex().to_string()
}
