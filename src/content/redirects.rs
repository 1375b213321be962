//! `redirects.yaml`: old addresses (a previous site's permalinks) and the resources they moved
//! to, so links and bookmarks to the old site keep working. The service answers each old path
//! with 301 to the resource page; `profint import wordpress` writes the file.
//!
//! ```yaml
//! - from: /fr/cas/decrochage-formation/
//!   to: cases/decrochage-formation
//!   lang: fr
//! ```

use super::Problem;
use crate::lang::{known_codes, Lang};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The file name, at the top of the corpus.
pub const REDIRECTS_FILE: &str = "redirects.yaml";

/// One entry as written in the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectEntry {
    /// The old path, as on the old site (percent-encoded or not, with or without trailing `/`).
    pub from: String,
    /// The id of the resource it moved to.
    pub to: String,
    /// The language version to open.
    pub lang: String,
}

/// Where an old path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectTarget {
    pub id: String,
    pub lang: Lang,
    /// 1-based line of the entry, to point problems at it.
    pub line: Option<usize>,
}

/// The table, keyed by normalised old path (see [`normalise_path`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Redirects {
    by_path: BTreeMap<String, RedirectTarget>,
}

impl Redirects {
    /// Parses the file; bad entries are reported and skipped, good ones kept.
    pub fn parse(text: &str, problems: &mut Vec<Problem>) -> Redirects {
        let entries: Vec<RedirectEntry> = match super::yaml::parse::<Option<Vec<RedirectEntry>>>(
            text,
        ) {
            Ok(entries) => entries.unwrap_or_default(),
            Err(err) => {
                problems.push(Problem::error(
                        REDIRECTS_FILE,
                        err.line,
                        format!("invalid redirects file: {}; it must be a list of {{from: /old/path/, to: resource-id, lang: fr}}", err.message),
                    ));
                return Redirects::default();
            }
        };
        let mut redirects = Redirects::default();
        for entry in entries {
            let line = line_of(text, &entry.from);
            if let Some(target) = validate(&entry, line, problems) {
                redirects.insert(&entry.from, target, problems);
            }
        }
        redirects
    }

    fn insert(&mut self, from: &str, target: RedirectTarget, problems: &mut Vec<Problem>) {
        let key = normalise_path(from);
        if let Some(first) = self.by_path.get(&key) {
            problems.push(Problem::warning(
                REDIRECTS_FILE,
                target.line,
                format!(
                    "`{from}` is already redirected on line {}; this entry is ignored, keep one",
                    first.line.unwrap_or(0)
                ),
            ));
            return;
        }
        self.by_path.insert(key, target);
    }

    /// Where an old path (as requested, percent-encoded) leads, if anywhere.
    pub fn lookup(&self, request_path: &str) -> Option<&RedirectTarget> {
        self.by_path.get(&normalise_path(request_path))
    }

    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    /// Warnings for entries leading to ids no resource has, so `profint check` shows them.
    pub fn unknown_targets(&self, ids: &BTreeSet<&str>) -> Vec<Problem> {
        self.by_path
            .values()
            .filter(|t| !ids.contains(t.id.as_str()))
            .map(|t| {
                Problem::warning(
                    REDIRECTS_FILE,
                    t.line,
                    format!("redirect to unknown resource `{}`; the old address would lead to a missing page (fix `to:` or remove the entry)", t.id),
                )
            })
            .collect()
    }
}

/// Reads `redirects.yaml` of a corpus folder; a missing file is an empty table.
pub(super) fn read(dir: &std::path::Path, problems: &mut Vec<Problem>) -> Redirects {
    let path = dir.join(REDIRECTS_FILE);
    if !path.exists() {
        return Redirects::default();
    }
    match std::fs::read_to_string(&path) {
        Ok(text) => Redirects::parse(&text, problems),
        Err(err) => {
            problems.push(Problem::error(
                REDIRECTS_FILE,
                None,
                format!("cannot read the redirects file: {err}"),
            ));
            Redirects::default()
        }
    }
}

fn validate(
    entry: &RedirectEntry,
    line: Option<usize>,
    problems: &mut Vec<Problem>,
) -> Option<RedirectTarget> {
    let mut fail = |message: String| {
        problems.push(Problem::error(REDIRECTS_FILE, line, message));
        None
    };
    if !entry.from.starts_with('/') || entry.from.starts_with("//") || entry.from.contains('\\') {
        return fail(format!(
            "`from: {}` must be a path on this site starting with one `/` (no scheme or host)",
            entry.from
        ));
    }
    if normalise_path(&entry.from) == "/" {
        return fail("`from: /` would hide the home page; remove this entry".into());
    }
    if entry.to.trim().is_empty() || entry.to.starts_with('/') {
        return fail(format!(
            "`to: {}` must be a resource id such as cases/rupture-de-parcours",
            entry.to
        ));
    }
    let Some(lang) = Lang::parse(&entry.lang) else {
        return fail(format!(
            "unknown language `{}`; use one of {}",
            entry.lang,
            known_codes()
        ));
    };
    Some(RedirectTarget {
        id: entry.to.clone(),
        lang,
        line,
    })
}

/// The line of the entry whose `from` is `from` (first match), for problems.
fn line_of(text: &str, from: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.trim_start()
                .trim_start_matches("- ")
                .strip_prefix("from:")
                .is_some_and(|v| v.trim().trim_matches(['"', '\'']) == from)
        })
        .map(|i| i + 1)
}

/// A path as compared: percent-decoded (so `%C3%A9`, `%c3%a9` and `é` are one path), without
/// query, fragment or trailing `/`.
pub fn normalise_path(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let trimmed = decoded.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_looks_up_old_paths_in_any_encoding() {
        let mut problems = Vec::new();
        let r = Redirects::parse(
            "- from: /fr/cas/d%c3%a9crochage/\n  to: cases/decrochage\n  lang: fr\n",
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        for asked in [
            "/fr/cas/d%C3%A9crochage/",
            "/fr/cas/décrochage",
            "/fr/cas/d%c3%a9crochage/?utm=x",
        ] {
            let t = r.lookup(asked).unwrap_or_else(|| panic!("{asked}"));
            assert_eq!((t.id.as_str(), t.lang), ("cases/decrochage", Lang::Fr));
        }
        assert!(r.lookup("/fr/cas/autre/").is_none());
    }

    #[test]
    fn bad_entries_are_located_and_skipped() {
        let mut problems = Vec::new();
        let r = Redirects::parse(
            "- from: https://evil.example/x\n  to: cases/a\n  lang: fr\n- from: /a/\n  to: cases/a\n  lang: de\n- from: /b/\n  to: cases/b\n  lang: en\n- from: /b\n  to: cases/c\n  lang: en\n",
            &mut problems,
        );
        assert_eq!(r.len(), 1);
        let lines: Vec<_> = problems.iter().map(|p| (p.line, p.is_error())).collect();
        assert_eq!(
            lines,
            vec![(Some(1), true), (Some(4), true), (Some(10), false)],
            "{problems:?}"
        );
    }

    #[test]
    fn targets_no_resource_has_are_warned_about() {
        let mut problems = Vec::new();
        let r = Redirects::parse(
            "- from: /a/\n  to: cases/a\n  lang: fr\n- from: /b/\n  to: cases/gone\n  lang: en\n",
            &mut problems,
        );
        let ids: BTreeSet<&str> = ["cases/a"].into();
        let warnings = r.unknown_targets(&ids);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, Some(4));
        assert!(!warnings[0].is_error());
        assert!(warnings[0].message.contains("`cases/gone`"));
    }

    #[test]
    fn invalid_yaml_has_a_line() {
        let mut problems = Vec::new();
        Redirects::parse("- from: /a\n  to: [\n", &mut problems);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].line.is_some(), "{problems:?}");
    }
}
