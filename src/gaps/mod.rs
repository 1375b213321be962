//! The gap report: which situations professionals search for and the corpus does not answer
//! (no result, or only weak ones), so that editors know what to write next.
//!
//! Privacy first: what is kept is an aggregate — the query's analysed terms (stemmed,
//! folded, sorted and deduplicated, so neither the words as typed nor their order survive),
//! the language and filters, and a count per day. No address, cookie, user agent, raw query
//! or time of day is kept, nor anything that links two searches to one person. A search
//! reaches the report only once it was made on `min_count` (3) distinct days: there is no
//! session to count people by, and a hash of an address, even salted per day, would still be
//! personal data; distinct days need nothing personal and keep one person's one-off search
//! (a name, a case number) out of the report unless it comes back on other days. Counts
//! older than `retention_days` (90) are dropped.
//!
//! Handlers call [`Recorder::observe`], which only queues the search; a writer thread
//! analyses it, adds it to the counts and writes them to disk in the background
//! ([`recorder`]); [`store`] is the bounded, on-disk aggregate and [`report`] the editors'
//! view of it.

pub mod cli;
pub mod recorder;
pub mod report;
pub mod store;

pub use recorder::{Clock, ManualClock, Recorder, SystemClock};
pub use store::{Key, Outcome, Store};

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The `[gaps]` table of `profint.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct GapSettings {
    /// Record unanswered searches (in the aggregate form above). Default `true`.
    pub enabled: bool,
    /// Distinct days a search must have been made on to be reported. Default 3.
    pub min_count: u32,
    /// Days a day's counts are kept. Default 90.
    pub retention_days: u32,
    /// Most distinct searches kept; beyond, the least recent and rarest go. Default 10 000.
    pub max_entries: usize,
    /// A best score below this is a weak answer. The default, 1.2, is the score below which
    /// no query word matched exactly (typo and prefix matches score less).
    pub weak_score: f32,
    /// The store file. Default: `gaps.json` in the index folder (tantivy manages only its own
    /// files there, and `--rebuild` removes only those).
    pub path: Option<PathBuf>,
}

impl Default for GapSettings {
    fn default() -> Self {
        GapSettings {
            enabled: true,
            min_count: 3,
            retention_days: 90,
            max_entries: 10_000,
            weak_score: 1.2,
            path: None,
        }
    }
}

/// The file name of the store in the index folder.
pub const STORE_FILE: &str = "gaps.json";

impl GapSettings {
    /// The store file for an index folder.
    pub fn store_path(&self, index: &Path) -> PathBuf {
        self.path.clone().unwrap_or_else(|| index.join(STORE_FILE))
    }

    /// Rejects settings that cannot work, naming the key.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.min_count == 0 {
            anyhow::bail!("gaps.min_count must be at least 1");
        }
        if !(1..=3650).contains(&self.retention_days) {
            anyhow::bail!("gaps.retention_days must be from 1 to 3650");
        }
        if !(1..=1_000_000).contains(&self.max_entries) {
            anyhow::bail!("gaps.max_entries must be from 1 to 1000000");
        }
        if !self.weak_score.is_finite() || self.weak_score < 0.0 {
            anyhow::bail!("gaps.weak_score must be a number of at least 0");
        }
        Ok(())
    }
}

/// Whether an answered search is a gap: none when it found nothing, weak when its best hit
/// scores below `weak_score` (only typo or prefix matches) or when the requested language had
/// so few matches that other languages' text was searched (a translation is missing).
pub fn outcome(
    total: usize,
    best_score: Option<f32>,
    cross_language: bool,
    weak_score: f32,
) -> Option<Outcome> {
    if total == 0 {
        Some(Outcome::None)
    } else if cross_language || best_score.is_some_and(|s| s < weak_score) {
        Some(Outcome::Weak)
    } else {
        None
    }
}

/// Most terms kept of one query: a situation is a sentence, not a document.
pub const MAX_TERMS: usize = 24;

/// The normalised form of a query: its analysed terms, deduplicated (the first
/// [`MAX_TERMS`] kept) and sorted.
pub fn normalise(lang: crate::lang::Lang, q: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for t in crate::analysis::terms(lang, q) {
        if !terms.contains(&t) {
            terms.push(t);
        }
        if terms.len() == MAX_TERMS {
            break;
        }
    }
    terms.sort();
    terms
}

/// Days since 1970-01-01 (UTC) as a date, for the report.
pub fn date_of(day: u32) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::from(day) * 86_400);
    humantime::format_rfc3339(t).to_string()[..10].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn normalised_queries_lose_form_and_order() {
        assert_eq!(
            normalise(Lang::Fr, "Titre de SÉJOUR, titres de séjour"),
            normalise(Lang::Fr, "séjour titre")
        );
        assert!(normalise(Lang::Fr, "le la les").is_empty());
    }

    #[test]
    fn weak_and_empty_answers_are_gaps() {
        assert_eq!(outcome(0, None, false, 1.2), Some(Outcome::None));
        assert_eq!(outcome(3, Some(0.5), false, 1.2), Some(Outcome::Weak));
        assert_eq!(outcome(3, Some(9.0), true, 1.2), Some(Outcome::Weak));
        assert_eq!(outcome(3, Some(9.0), false, 1.2), None);
    }

    #[test]
    fn the_gaps_table_of_profint_toml() {
        let c =
            crate::config::FileConfig::parse("[gaps]\nmin_count = 5\nenabled = false\n").unwrap();
        assert_eq!(
            (c.gaps.min_count, c.gaps.enabled, c.gaps.retention_days),
            (5, false, 90)
        );
        let err = crate::config::FileConfig::parse("[gaps]\nmin_cout = 5\n").unwrap_err();
        assert!(err.to_string().contains("min_cout"), "{err}");
        let zero = GapSettings {
            min_count: 0,
            ..GapSettings::default()
        };
        assert!(zero
            .validate()
            .unwrap_err()
            .to_string()
            .contains("gaps.min_count"));
    }

    #[test]
    fn dates() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(20_000), "2024-10-04");
    }
}
