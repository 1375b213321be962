//! `domains.yaml` (the competence domains of the model) and the optional `site.yaml`.

use super::problem::Problem;
use crate::lang::{known_codes, Lang};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A competence domain of the PROFINT model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    pub id: String,
    pub color: String,
    pub name: BTreeMap<Lang, String>,
    #[serde(default)]
    pub description: BTreeMap<Lang, String>,
}

impl Domain {
    /// The name in `lang`, else in French, else the id: a label is never empty.
    pub fn label(&self, lang: Lang) -> &str {
        self.name
            .get(&lang)
            .or_else(|| self.name.get(&Lang::Fr))
            .map(String::as_str)
            .unwrap_or(&self.id)
    }

    pub fn describe(&self, lang: Lang) -> &str {
        self.description
            .get(&lang)
            .or_else(|| self.description.get(&Lang::Fr))
            .map(String::as_str)
            .unwrap_or("")
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomain {
    id: String,
    color: String,
    name: BTreeMap<String, String>,
    #[serde(default)]
    description: BTreeMap<String, String>,
}

/// Parses `domains.yaml`. Bad entries are reported and skipped; good ones are kept.
pub fn parse_domains(path: &str, text: &str, problems: &mut Vec<Problem>) -> Vec<Domain> {
    let raw: Vec<RawDomain> = match super::yaml::parse(text) {
        Ok(raw) => raw,
        Err(err) => {
            problems.push(Problem::error(
                path,
                err.line,
                format!("invalid domains file: {}; it must be a list of {{id, color, name: {{fr, en, it, sv}}, description: {{…}}}}", err.message),
            ));
            return Vec::new();
        }
    };
    let mut domains: Vec<Domain> = Vec::new();
    for d in raw {
        let mut entry = EntryProblems {
            path,
            line: line_of_id(text, &d.id),
            problems,
        };
        if domains.iter().any(|x| x.id == d.id) {
            entry.error(format!(
                "domain `{}` is defined twice; keep one entry",
                d.id
            ));
            continue;
        }
        if domains.len() == MAX_DOMAINS {
            entry.error(format!("more than {MAX_DOMAINS} domains: `{}` and the ones after it are ignored; the PROFINT model has six", d.id));
            break;
        }
        if let Some(domain) = domain(d, &mut entry) {
            domains.push(domain);
        }
    }
    domains
}

/// The 1-based line of the entry `id: {id}`, to point its problems at it.
fn line_of_id(text: &str, id: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.contains(&format!("id: {id}")))
        .map(|i| i + 1)
}

/// Where the problems of one entry of `domains.yaml` go, located at its line.
struct EntryProblems<'a> {
    path: &'a str,
    line: Option<usize>,
    problems: &'a mut Vec<Problem>,
}

impl EntryProblems<'_> {
    fn error(&mut self, message: String) {
        self.problems
            .push(Problem::error(self.path, self.line, message));
    }

    fn warning(&mut self, message: String) {
        self.problems
            .push(Problem::warning(self.path, self.line, message));
    }
}

/// The domain an entry defines, or `None` (reported) when its id cannot be used in an
/// address or it has no name in a known language.
fn domain(d: RawDomain, entry: &mut EntryProblems) -> Option<Domain> {
    if !is_id(&d.id) {
        entry.error(format!("domain id `{}` may hold only lowercase letters, digits, `-` and `_` (it is used in addresses)", d.id.escape_debug()));
        return None;
    }
    let color = checked_color(&d, entry);
    let name = by_language(&d.id, &d.name, "name", entry);
    let description = by_language(&d.id, &d.description, "description", entry);
    if name.is_empty() {
        entry.error(format!(
            "domain `{}` has no name; add `name: {{fr: …}}`",
            d.id
        ));
        return None;
    }
    Some(Domain {
        id: d.id,
        color,
        name,
        description,
    })
}

/// The entry's colour. It goes into style attributes: anything but #rgb / #rrggbb is
/// refused, and the domain is drawn in a neutral grey until it is fixed.
fn checked_color(d: &RawDomain, entry: &mut EntryProblems) -> String {
    if is_hex_color(&d.color) {
        return d.color.clone();
    }
    entry.error(format!(
        "domain `{}` has colour `{}`; write it as #rrggbb (six hexadecimal digits)",
        d.id,
        d.color.escape_debug()
    ));
    NEUTRAL_COLOR.to_string()
}

/// The texts of an entry's `what` (name or description) by language, warning of (and
/// leaving out) those in a language the service does not know.
fn by_language(
    id: &str,
    source: &BTreeMap<String, String>,
    what: &str,
    entry: &mut EntryProblems,
) -> BTreeMap<Lang, String> {
    let mut texts = BTreeMap::new();
    for (code, value) in source {
        match Lang::parse(code) {
            Some(lang) => {
                texts.insert(lang, value.clone());
            }
            None => entry.warning(format!(
                "domain `{id}` has a {what} in unknown language `{code}`; use one of {}",
                known_codes()
            )),
        }
    }
    texts
}

/// Most domains a corpus may define: facets and filters hold domain sets as 64-bit masks.
pub const MAX_DOMAINS: usize = 64;

/// The colour of a domain whose own colour is invalid.
const NEUTRAL_COLOR: &str = "#6b7280";

fn is_hex_color(s: &str) -> bool {
    (s.len() == 7 || s.len() == 4)
        && s.starts_with('#')
        && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Site-wide settings from the optional `site.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    pub title: BTreeMap<Lang, String>,
    pub default_lang: Lang,
    pub languages: Vec<Lang>,
    /// Languages to show a resource in, in order, when it has no version in the one asked
    /// for (`fallback: [en]`, the default); after them comes its original.
    pub fallback: Vec<Lang>,
}

impl Default for Site {
    fn default() -> Self {
        Site {
            title: BTreeMap::new(),
            default_lang: Lang::Fr,
            languages: Lang::ALL.to_vec(),
            fallback: vec![Lang::En],
        }
    }
}

impl Site {
    pub fn title(&self, lang: Lang) -> &str {
        self.title
            .get(&lang)
            .or_else(|| self.title.get(&self.default_lang))
            .map(String::as_str)
            .unwrap_or("PROFINT")
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    #[serde(default)]
    title: BTreeMap<String, String>,
    default_language: Option<String>,
    languages: Option<Vec<String>>,
    fallback: Option<Vec<String>>,
}

pub fn parse_site(path: &str, text: &str, problems: &mut Vec<Problem>) -> Site {
    let raw: RawSite = match super::yaml::parse(text) {
        Ok(raw) => raw,
        Err(err) => {
            problems.push(Problem::error(
                path,
                err.line,
                format!("invalid site file: {}; expected `title: {{fr: …}}`, `default_language: fr`, `languages: [fr, en, it, sv]`, `fallback: [en]`", err.message),
            ));
            return Site::default();
        }
    };
    let mut site = Site::default();
    let mut lang_or_warn = |code: &str| {
        let lang = Lang::parse(code);
        if lang.is_none() {
            problems.push(Problem::warning(
                path,
                None,
                format!("unknown language `{code}`; use one of {}", known_codes()),
            ));
        }
        lang
    };
    for (code, title) in &raw.title {
        if let Some(lang) = lang_or_warn(code) {
            site.title.insert(lang, title.clone());
        }
    }
    if let Some(code) = &raw.default_language {
        if let Some(lang) = lang_or_warn(code) {
            site.default_lang = lang;
        }
    }
    if let Some(codes) = &raw.languages {
        let langs: Vec<Lang> = codes.iter().filter_map(|c| lang_or_warn(c)).collect();
        if !langs.is_empty() {
            site.languages = langs;
        }
    }
    if let Some(codes) = &raw.fallback {
        // An empty list is meaningful: straight to the original.
        site.fallback = codes.iter().filter_map(|c| lang_or_warn(c)).collect();
    }
    site
}
