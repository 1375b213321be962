//! The gap counts: per normalised search, a count per day, bounded in entries and in days,
//! kept in memory and written whole to one small JSON file (a new file renamed over the old,
//! so a crash leaves the previous version).
//!
//! Why a JSON file and not an embedded database such as redb: the data is small (bounded to
//! `max_entries`, each at most `retention_days` counts), is written by one thread, and must be
//! readable by `profint gaps` while `serve` runs — an embedded database holds an exclusive
//! lock on its file, a file replaced by rename can be read by anyone at any time. It needs no
//! new dependency, and an editor can read it.

use super::GapSettings;
use crate::content::ResourceType;
use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// How a search fell short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// No result at all.
    None,
    /// Results, but only weak ones.
    Weak,
}

/// What identifies a recorded search: nothing about who made it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    pub lang: Lang,
    /// Domain filters, sorted.
    pub domains: Vec<String>,
    /// Type filters, sorted.
    pub types: Vec<ResourceType>,
    /// Analysed terms, sorted and deduplicated.
    pub terms: Vec<String>,
    pub outcome: Outcome,
}

/// Searches per day (days since 1970-01-01, UTC).
pub type Days = BTreeMap<u32, u32>;

/// A search as the report sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: Key,
    pub searches: u32,
    pub days: u32,
    pub last_day: u32,
}

#[derive(Serialize, Deserialize)]
struct FileEntry {
    #[serde(flatten)]
    key: Key,
    days: Vec<(u32, u32)>,
}

#[derive(Serialize, Deserialize)]
struct StoreFile {
    format: u32,
    entries: Vec<FileEntry>,
}

const FORMAT: u32 = 1;

#[derive(Debug, Clone, Default)]
pub struct Store {
    entries: HashMap<Key, Days>,
    max_entries: usize,
}

impl Store {
    pub fn new(max_entries: usize) -> Store {
        Store {
            entries: HashMap::new(),
            max_entries: max_entries.max(1),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Counts one search on `day`.
    pub fn add(&mut self, key: Key, day: u32) {
        let count = self.entries.entry(key).or_default().entry(day).or_default();
        *count = count.saturating_add(1);
        if self.entries.len() > self.max_entries {
            self.evict();
        }
    }

    /// Drops the counts of days older than `retention_days` before `today`, and the searches
    /// left without any.
    pub fn expire(&mut self, today: u32, retention_days: u32) {
        let oldest = today.saturating_sub(retention_days.saturating_sub(1));
        self.entries.retain(|_, days| {
            days.retain(|day, _| *day >= oldest);
            !days.is_empty()
        });
    }

    /// Over the bound: drops the least recent, then rarest, searches, down to 90% of it so
    /// that a flood of new searches does not pay for a sort each.
    fn evict(&mut self) {
        let target = self.max_entries - self.max_entries / 10;
        let mut ranked: Vec<(u32, u32, Key)> = self
            .entries
            .iter()
            .map(|(k, d)| (last_day(d), total(d), k.clone()))
            .collect();
        ranked.sort();
        let excess = self.entries.len().saturating_sub(target).max(1);
        for (_, _, key) in ranked.into_iter().take(excess) {
            self.entries.remove(&key);
        }
    }

    /// The searches the report may show on `today`: made on at least `min_count` distinct
    /// days within the retention, most days first, then most searches, then most recent.
    pub fn reported(&self, today: u32, settings: &GapSettings) -> Vec<Row> {
        let oldest = today.saturating_sub(settings.retention_days.saturating_sub(1));
        let mut rows: Vec<Row> = self
            .entries
            .iter()
            .filter_map(|(key, days)| {
                let kept: Days = days
                    .iter()
                    .filter(|(d, _)| **d >= oldest)
                    .map(|(d, n)| (*d, *n))
                    .collect();
                (kept.len() as u32 >= settings.min_count).then(|| Row {
                    key: key.clone(),
                    searches: total(&kept),
                    days: kept.len() as u32,
                    last_day: last_day(&kept),
                })
            })
            .collect();
        rows.sort_by(|a, b| {
            (b.days, b.searches, b.last_day)
                .cmp(&(a.days, a.searches, a.last_day))
                .then_with(|| a.key.cmp(&b.key))
        });
        rows
    }

    /// The file's bytes: entries in key order, so that equal stores give equal files.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut entries: Vec<FileEntry> = self
            .entries
            .iter()
            .map(|(key, days)| FileEntry {
                key: key.clone(),
                days: days.iter().map(|(d, n)| (*d, *n)).collect(),
            })
            .collect();
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        serde_json::to_vec(&StoreFile {
            format: FORMAT,
            entries,
        })
        .expect("gap counts serialize")
    }

    pub fn from_bytes(bytes: &[u8], max_entries: usize) -> anyhow::Result<Store> {
        let file: StoreFile = serde_json::from_slice(bytes)?;
        if file.format != FORMAT {
            anyhow::bail!(
                "unknown format {} (this version reads {FORMAT})",
                file.format
            );
        }
        let mut store = Store::new(max_entries);
        for e in file.entries {
            store.entries.insert(e.key, e.days.into_iter().collect());
        }
        if store.entries.len() > store.max_entries {
            store.evict();
        }
        Ok(store)
    }

    /// Reads the store file; a missing file is an empty store.
    pub fn load(path: &Path, max_entries: usize) -> anyhow::Result<Store> {
        match std::fs::read(path) {
            Ok(bytes) => Self::from_bytes(&bytes, max_entries),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Store::new(max_entries)),
            Err(e) => Err(e.into()),
        }
    }
}

/// Writes `bytes` to `path` through a temporary file renamed over it: a reader, or the next
/// start after a crash, sees the old file or the new one, never half of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let partial = path.with_file_name(format!(".{name}.partial"));
    let mut file = std::fs::File::create(&partial)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)
}

fn total(days: &Days) -> u32 {
    days.values().fold(0u32, |a, n| a.saturating_add(*n))
}

fn last_day(days: &Days) -> u32 {
    days.keys().next_back().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(term: &str) -> Key {
        Key {
            lang: Lang::Fr,
            domains: vec![],
            types: vec![],
            terms: vec![term.to_string()],
            outcome: Outcome::None,
        }
    }

    #[test]
    fn only_searches_of_enough_distinct_days_are_reported() {
        let settings = GapSettings::default();
        let mut s = Store::new(100);
        for _ in 0..10 {
            s.add(key("often"), 100);
        }
        for day in [98, 99, 100] {
            s.add(key("daily"), day);
        }
        let rows = s.reported(100, &settings);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (
                rows[0].key.terms[0].as_str(),
                rows[0].days,
                rows[0].searches
            ),
            ("daily", 3, 3)
        );
        assert!(
            s.reported(100 + 88, &settings).is_empty(),
            "day 98 left the retention"
        );
    }

    #[test]
    fn the_store_is_bounded_and_keeps_the_recent_searches() {
        let mut s = Store::new(10);
        for i in 0..50u32 {
            s.add(key(&format!("t{i}")), i);
        }
        assert!(s.len() <= 10);
        let bytes = s.to_bytes();
        let back = Store::from_bytes(&bytes, 10).unwrap();
        assert!(back.entries.contains_key(&key("t49")));
        assert!(!back.entries.contains_key(&key("t0")));
    }

    #[test]
    fn expiry_drops_old_days_and_empty_searches() {
        let mut s = Store::new(10);
        s.add(key("old"), 10);
        s.add(key("new"), 100);
        s.expire(100, 90);
        assert_eq!(s.len(), 1);
        assert!(String::from_utf8(s.to_bytes()).unwrap().contains("\"new\""));
    }
}
