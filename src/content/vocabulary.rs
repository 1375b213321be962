//! `vocabulary.yaml`: groups of equivalent terms across languages and countries
//! ("titre de séjour" / "residence permit" / "permesso di soggiorno" / "uppehållstillstånd").
//! Read and validated here; used by the search to expand queries.

use super::Problem;
use crate::analysis;
use crate::lang::{known_codes, Lang};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One concept: its terms per language, each also kept analyzed (as that language's
/// analyzer sees it) so that matching and expansion work on terms, not on spelling.
#[derive(Debug, Clone, PartialEq)]
pub struct Concept {
    pub id: String,
    pub terms: BTreeMap<Lang, Vec<String>>,
    pub analyzed: BTreeMap<Lang, Vec<Vec<String>>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vocabulary {
    pub concepts: Vec<Concept>,
    /// Per language, each analyzed form's first term → (concept, form) indexes: a query
    /// looks up its own terms instead of comparing itself with every form of every concept
    /// (up to 5 000 × 32 per language).
    starts: [HashMap<String, Vec<(usize, usize)>>; Lang::COUNT],
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConcept {
    id: String,
    #[serde(default)]
    note: Option<String>,
    terms: BTreeMap<String, Vec<String>>,
}

const PATH: &str = "vocabulary.yaml";

/// Most groups read from the file, and terms per language in one group: expansion adds a
/// group's terms to a query, so an unbounded group makes every query that touches it slow.
pub const MAX_GROUPS: usize = 5_000;
pub const MAX_TERMS: usize = 32;

impl Vocabulary {
    /// Parses the file; problems are collected, good groups kept.
    pub fn parse(text: &str, problems: &mut Vec<Problem>) -> Vocabulary {
        let Some(raw) = read_groups(text, problems) else {
            return Vocabulary::default();
        };
        let lines = id_lines(text);
        if raw.len() > MAX_GROUPS {
            problems.push(Problem::warning(
                PATH,
                lines.get(raw[MAX_GROUPS].id.as_str()).copied(),
                format!("the vocabulary has {} groups; only the first {MAX_GROUPS} are used (split it, or keep only the terms that matter)", raw.len()),
            ));
        }
        let mut checks = GroupChecks {
            lines,
            ids: HashSet::new(),
            seen_terms: HashMap::new(),
            problems,
        };
        let concepts = raw
            .into_iter()
            .take(MAX_GROUPS)
            .filter_map(|c| checks.concept(c))
            .collect();
        Vocabulary::of(concepts)
    }

    fn of(concepts: Vec<Concept>) -> Vocabulary {
        let mut starts: [HashMap<String, Vec<(usize, usize)>>; Lang::COUNT] = Default::default();
        for (c, concept) in concepts.iter().enumerate() {
            for (lang, forms) in &concept.analyzed {
                for (i, form) in forms.iter().enumerate() {
                    if let Some(first) = form.first() {
                        let at = starts[lang.index()].entry(first.clone()).or_default();
                        at.push((c, i));
                    }
                }
            }
        }
        Vocabulary { concepts, starts }
    }

    /// Concepts whose terms occur in a query, given the query analyzed in each language, in
    /// the vocabulary's order; with each the (language, form index) pairs found, in the
    /// query's language order.
    pub fn matches<'a>(
        &'a self,
        analyzed: &[(Lang, Vec<String>)],
    ) -> Vec<(&'a Concept, Vec<(Lang, usize)>)> {
        let mut found: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
        for (pos, (lang, query)) in analyzed.iter().enumerate() {
            for (at, term) in query.iter().enumerate() {
                let Some(starts) = self.starts[lang.index()].get(term) else {
                    continue;
                };
                for &(c, i) in starts {
                    if query[at..].starts_with(&self.concepts[c].analyzed[lang][i]) {
                        found.entry(c).or_default().push((pos, i));
                    }
                }
            }
        }
        found
            .into_iter()
            .map(|(c, mut forms)| {
                forms.sort_unstable();
                forms.dedup();
                let forms = forms.into_iter().map(|(pos, i)| (analyzed[pos].0, i));
                (&self.concepts[c], forms.collect())
            })
            .collect()
    }
}

/// The groups of the file, or `None` (reported) when it is not a list of groups.
fn read_groups(text: &str, problems: &mut Vec<Problem>) -> Option<Vec<RawConcept>> {
    match super::yaml::parse::<Option<Vec<RawConcept>>>(text) {
        Ok(raw) => Some(raw.unwrap_or_default()),
        Err(err) => {
            problems.push(Problem::error(
                PATH,
                err.line,
                format!("invalid vocabulary: {}; it must be a list of {{id, note?, terms: {{fr: [..], en: [..], it: [..], sv: [..]}}}}", err.message),
            ));
            None
        }
    }
}

/// The line of each group's `id:`, to point problems at the group. One pass over the text:
/// looking each id up in it made a 20 000-group file take half a minute.
fn id_lines(text: &str) -> HashMap<&str, usize> {
    let mut lines = HashMap::new();
    for (i, l) in text.lines().enumerate() {
        if let Some(id) = l.trim_start().trim_start_matches("- ").strip_prefix("id:") {
            lines
                .entry(id.trim().trim_matches(['"', '\'']))
                .or_insert(i + 1);
        }
    }
    lines
}

/// What checking a group needs to know of the groups before it: ids taken and terms
/// already placed, so that duplicates are reported where they are repeated.
struct GroupChecks<'a> {
    lines: HashMap<&'a str, usize>,
    ids: HashSet<String>,
    /// Each analyzed term and the group it was first seen in.
    seen_terms: HashMap<(Lang, Vec<String>), String>,
    problems: &'a mut Vec<Problem>,
}

impl GroupChecks<'_> {
    /// The concept a group defines, or `None` (reported) when its id is taken or fewer than
    /// two of its terms can match: a group of one term expands nothing.
    fn concept(&mut self, c: RawConcept) -> Option<Concept> {
        let _ = c.note;
        let line = self.lines.get(c.id.as_str()).copied();
        if !self.ids.insert(c.id.clone()) {
            self.problems.push(Problem::error(
                PATH,
                line,
                format!("concept `{}` is defined twice; merge the two groups", c.id),
            ));
            return None;
        }
        let mut terms = BTreeMap::new();
        let mut analyzed = BTreeMap::new();
        for (code, list) in c.terms {
            let Some(lang) = Lang::parse(&code) else {
                self.problems.push(Problem::warning(
                    PATH,
                    line,
                    format!(
                        "concept `{}` has terms in unknown language `{code}`; use one of {}",
                        c.id,
                        known_codes()
                    ),
                ));
                continue;
            };
            let (kept, forms) = self.language_terms(&c.id, line, lang, list);
            if !kept.is_empty() {
                terms.insert(lang, kept);
                analyzed.insert(lang, forms);
            }
        }
        if analyzed.values().map(Vec::len).sum::<usize>() < 2 {
            self.problems.push(Problem::error(
                PATH,
                line,
                format!("concept `{}` needs at least two terms to be useful", c.id),
            ));
            return None;
        }
        Some(Concept {
            id: c.id,
            terms,
            analyzed,
        })
    }

    /// The terms of group `id` in `lang` that can match, with their analyzed forms: at most
    /// [`MAX_TERMS`], none that is only stop words. A term also in another group is kept, with
    /// a warning: the two groups then expand each other's queries.
    fn language_terms(
        &mut self,
        id: &str,
        line: Option<usize>,
        lang: Lang,
        list: Vec<String>,
    ) -> (Vec<String>, Vec<Vec<String>>) {
        if list.len() > MAX_TERMS {
            self.problems.push(Problem::warning(PATH, line, format!("concept `{id}` has {} {lang} terms; only the first {MAX_TERMS} are used (a group is a handful of synonyms; each term widens every query that matches it)", list.len())));
        }
        let mut kept = Vec::new();
        let mut forms = Vec::new();
        for term in list.into_iter().take(MAX_TERMS) {
            let form = analysis::terms(lang, &term);
            if form.is_empty() {
                self.problems.push(Problem::warning(PATH, line, format!("term `{term}` of `{id}` is only stop words in {lang} and can never match; remove it")));
                continue;
            }
            if let Some(other) = self.seen_terms.insert((lang, form.clone()), id.to_string()) {
                if other != id {
                    self.problems.push(Problem::warning(PATH, line, format!("term `{term}` ({lang}) is in both `{other}` and `{id}`; keep it in one group")));
                }
            }
            kept.push(term);
            forms.push(form);
        }
        (kept, forms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_validates_and_matches_across_languages() {
        let mut problems = Vec::new();
        let v = Vocabulary::parse(
            "- id: permit\n  terms:\n    fr: [\"titre de séjour\"]\n    sv: [\"uppehållstillstånd\"]\n    de: [\"Aufenthalt\"]\n- id: permit\n  terms: {fr: [x, y]}\n- id: lonely\n  terms: {fr: [\"le\"]}\n",
            &mut problems,
        );
        assert_eq!(v.concepts.len(), 1);
        assert_eq!(problems.len(), 4, "{problems:?}");
        let query = vec![(
            Lang::Fr,
            analysis::terms(Lang::Fr, "renouveler un titre de sejour"),
        )];
        let m = v.matches(&query);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].0.id, "permit");
    }

    #[test]
    fn huge_groups_and_files_are_bounded_with_a_warning() {
        let terms: Vec<String> = (0..20_000).map(|i| format!("\"mot{i}\"")).collect();
        let mut text = format!("- id: huge\n  terms: {{fr: [{}]}}\n", terms.join(", "));
        for i in 0..20_000 {
            text.push_str(&format!(
                "- id: g{i}\n  terms: {{fr: [\"a{i}\"], en: [\"b{i}\"]}}\n"
            ));
        }
        let mut problems = Vec::new();
        let v = Vocabulary::parse(&text, &mut problems);
        assert_eq!(v.concepts.len(), MAX_GROUPS);
        assert_eq!(v.concepts[0].terms[&Lang::Fr].len(), MAX_TERMS);
        let warned: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            warned.iter().any(|m| m.contains("only the first 5000")),
            "{warned:?}"
        );
        assert!(
            warned.iter().any(|m| m.contains("only the first 32")),
            "{warned:?}"
        );
        assert_eq!(
            problems
                .iter()
                .find(|p| p.message.contains("5000"))
                .unwrap()
                .line,
            Some(10_001)
        );
    }

    /// Every concept compared with the whole query: what the lookup by first term must
    /// find, in the same order.
    fn matches_by_scanning(
        v: &Vocabulary,
        analyzed: &[(Lang, Vec<String>)],
    ) -> Vec<(String, Vec<(Lang, usize)>)> {
        let contains = |query: &[String], form: &[String]| {
            !form.is_empty() && query.windows(form.len()).any(|w| w == form)
        };
        let mut out = Vec::new();
        for concept in &v.concepts {
            let mut found = Vec::new();
            for (lang, query) in analyzed {
                for (i, form) in concept.analyzed.get(lang).into_iter().flatten().enumerate() {
                    if contains(query, form) {
                        found.push((*lang, i));
                    }
                }
            }
            if !found.is_empty() {
                out.push((concept.id.clone(), found));
            }
        }
        out
    }

    #[test]
    fn the_lookup_by_first_term_finds_what_a_full_scan_finds() {
        let text = "\
- id: permit
  terms: {fr: [\"titre de séjour\", \"titre\", \"séjour\"], sv: [\"uppehållstillstånd\", \"tillstånd\"]}
- id: stay
  terms: {fr: [\"séjour long\", \"long séjour\"], it: [\"soggiorno\"]}
- id: title
  terms: {fr: [\"titre professionnel\"], en: [\"job title\", \"title\"]}
";
        let mut problems = Vec::new();
        let v = Vocabulary::parse(text, &mut problems);
        assert_eq!(v.concepts.len(), 3, "{problems:?}");
        let queries = [
            (
                Lang::Fr,
                "titre de séjour, long séjour et titre professionnel",
            ),
            (Lang::Fr, "séjour séjour titre"),
            (Lang::Sv, "tillstånd och uppehållstillstånd"),
            (Lang::En, "a job title"),
            (Lang::It, "niente"),
        ];
        for (lang, q) in queries {
            let analyzed: Vec<(Lang, Vec<String>)> = Lang::ALL
                .iter()
                .map(|l| (*l, analysis::terms(*l, q)))
                .collect();
            let fast: Vec<(String, Vec<(Lang, usize)>)> = v
                .matches(&analyzed)
                .into_iter()
                .map(|(c, found)| (c.id.clone(), found))
                .collect();
            let expected = matches_by_scanning(&v, &analyzed);
            assert_eq!(fast, expected, "{lang}: {q}");
            assert!(!expected.is_empty() || q == "niente", "{q} tests nothing");
        }
    }
}
