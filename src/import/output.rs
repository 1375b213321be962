//! The files an import writes: one Markdown file per imported post, `redirects.yaml`, and
//! `domains.yaml` when the corpus has none. Texts are built deterministically and a file is
//! only written when its bytes change, so running the same import twice changes nothing.

use super::markdown;
use super::plan::Planned;
use super::wxr::Item;
use crate::content::{RedirectEntry, REDIRECTS_FILE};
use crate::lang::Lang;
use std::collections::BTreeMap;
use std::path::Path;

/// A file to write, relative to the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub rel: String,
    pub text: String,
}

/// Counts of a write.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub written: usize,
    pub unchanged: usize,
}

/// Writes the files whose content differs from what is on disk.
pub fn write_all(out: &Path, files: &[OutFile]) -> anyhow::Result<Written> {
    let mut counts = Written::default();
    for file in files {
        if write_if_changed(&out.join(&file.rel), &file.text)? {
            counts.written += 1;
        } else {
            counts.unchanged += 1;
        }
    }
    Ok(counts)
}

/// Writes through a temporary file and a rename, so a watching service never reads half a
/// file; returns whether anything was written.
pub fn write_if_changed(path: &Path, text: &str) -> anyhow::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", parent.display()))?;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&temp, text)
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(true)
}

/// What one post's file says, besides its body.
pub struct FileFacts<'a> {
    pub planned: &'a Planned<'a>,
    pub lang: Lang,
    pub item: &'a Item,
    pub tags: Vec<String>,
    pub body: String,
}

/// The text of one post's file: the original carries the resource's metadata, translations
/// only what is theirs (title, summary, tags) and the address they came from.
pub fn resource_file(facts: &FileFacts<'_>) -> String {
    let item = facts.item;
    let mut fm = String::from("---\n");
    line(&mut fm, "title", &quote(&markdown::text(&item.title)));
    if facts.lang == facts.planned.original {
        let mapped = &facts.planned.mapped;
        line(&mut fm, "type", mapped.kind.as_str());
        line(&mut fm, "domain", &bare_or_quoted(&mapped.domain));
        if !mapped.domains.is_empty() {
            line(&mut fm, "domains", &list(&mapped.domains));
        }
    }
    let summary = match markdown::text(&item.excerpt) {
        s if s.is_empty() => markdown::first_sentences(&facts.body),
        s => s,
    };
    if !summary.is_empty() {
        line(&mut fm, "summary", &quote(&summary));
    }
    if !facts.tags.is_empty() {
        line(&mut fm, "tags", &list(&facts.tags));
    }
    if facts.lang == facts.planned.original {
        if let Some(date) = post_date(item) {
            line(&mut fm, "updated", &date);
        }
    }
    if !item.link.is_empty() {
        line(&mut fm, "source_url", &quote(&item.link));
    }
    fm.push_str("---\n");
    fm.push_str(&facts.body);
    fm
}

/// `2021-03-04` from `2021-03-04 10:12:00` (the post's local date).
fn post_date(item: &Item) -> Option<String> {
    let date = item.post_date.get(..10)?;
    let well_formed = date.char_indices().all(|(i, c)| {
        if i == 4 || i == 7 {
            c == '-'
        } else {
            c.is_ascii_digit()
        }
    });
    (well_formed && date != "0000-00-00").then(|| date.to_string())
}

fn line(out: &mut String, key: &str, value: &str) {
    out.push_str(key);
    out.push_str(": ");
    out.push_str(value);
    out.push('\n');
}

/// A YAML double-quoted string (JSON's escaping is valid YAML).
pub fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// Ids such as `emploi` stay bare; anything else is quoted.
fn bare_or_quoted(id: &str) -> String {
    let plain = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if plain {
        id.to_string()
    } else {
        quote(id)
    }
}

fn list(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| quote(v)).collect();
    format!("[{}]", items.join(", "))
}

/// `redirects.yaml`: this import's entries, plus entries already in the file for other paths
/// (added by hand or by an earlier import), sorted by old path.
pub fn redirects_file(out: &Path, entries: Vec<RedirectEntry>) -> anyhow::Result<String> {
    let mut by_from: BTreeMap<String, RedirectEntry> = BTreeMap::new();
    for e in entries {
        by_from
            .entry(crate::content::normalise_path(&e.from))
            .or_insert(e);
    }
    let path = out.join(REDIRECTS_FILE);
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let existing: Vec<RedirectEntry> = serde_yaml_ng::from_str::<Option<Vec<_>>>(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}; fix it (or move it away) before importing, the import adds its entries to it", path.display()))?
            .unwrap_or_default();
        for e in existing {
            by_from
                .entry(crate::content::normalise_path(&e.from))
                .or_insert(e);
        }
    }
    let mut text = String::from("# Old addresses and the resources they moved to: the service answers each `from` path\n# with 301 to /{lang}/r/{to}. Written by `profint import wordpress`; entries added by hand\n# are kept when the import runs again.\n");
    for e in by_from.values() {
        text.push_str(&format!(
            "- from: {}\n  to: {}\n  lang: {}\n",
            quote(&e.from),
            quote(&e.to),
            e.lang
        ));
    }
    Ok(text)
}

/// One domain for `domains.yaml`.
pub struct NewDomain {
    pub id: String,
    pub names: BTreeMap<Lang, String>,
    pub descriptions: BTreeMap<Lang, String>,
}

/// Distinct colours for domains written by the import, in order; editors may change them.
const PALETTE: [&str; 8] = [
    "#2563a8", "#b4530f", "#7a4cb0", "#1f7a4d", "#b42d5b", "#8a6d0b", "#0f7c8c", "#5b6470",
];

/// The text of a new `domains.yaml`.
pub fn domains_file(domains: &[NewDomain]) -> String {
    let mut text = String::from("# Competence domains, written by `profint import wordpress` from the WordPress categories\n# mapped to them. Edit names, descriptions and colours freely: the import never overwrites\n# this file.\n");
    for (i, d) in domains.iter().enumerate() {
        text.push_str(&format!("- id: {}\n", bare_or_quoted(&d.id)));
        text.push_str(&format!("  color: \"{}\"\n", PALETTE[i % PALETTE.len()]));
        text.push_str(&format!("  name: {}\n", per_language(&d.names)));
        if !d.descriptions.is_empty() {
            text.push_str(&format!(
                "  description: {}\n",
                per_language(&d.descriptions)
            ));
        }
    }
    text
}

fn per_language(values: &BTreeMap<Lang, String>) -> String {
    let parts: Vec<String> = values
        .iter()
        .map(|(l, v)| format!("{}: {}", l.code(), quote(v)))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_quoting() {
        let item = Item {
            post_date: "2021-03-04 10:12:00".into(),
            ..Item::default()
        };
        assert_eq!(post_date(&item).as_deref(), Some("2021-03-04"));
        let bad = Item {
            post_date: "0000-00-00 00:00:00".into(),
            ..Item::default()
        };
        assert_eq!(post_date(&bad), None);
        assert_eq!(quote("« dit \"x\" »\n"), "\"« dit \\\"x\\\" »\\n\"");
        assert_eq!(bare_or_quoted("emploi"), "emploi");
        assert_eq!(bare_or_quoted("a b"), "\"a b\"");
    }

    #[test]
    fn writes_only_changed_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases/x.fr.md");
        assert!(write_if_changed(&path, "a").unwrap());
        assert!(!write_if_changed(&path, "a").unwrap());
        assert!(write_if_changed(&path, "b").unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "b");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("cases"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");
    }
}
