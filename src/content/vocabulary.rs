//! `vocabulary.yaml`: groups of equivalent terms across languages and countries
//! ("titre de séjour" / "residence permit" / "permesso di soggiorno" / "uppehållstillstånd").
//! Read and validated here; used by the search to expand queries.

use super::Problem;
use crate::analysis;
use crate::lang::{known_codes, Lang};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

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

impl Vocabulary {
    /// Parses the file; problems are collected, good groups kept.
    pub fn parse(text: &str, problems: &mut Vec<Problem>) -> Vocabulary {
        let raw: Vec<RawConcept> = match serde_yaml_ng::from_str::<Option<Vec<RawConcept>>>(text) {
            Ok(raw) => raw.unwrap_or_default(),
            Err(err) => {
                problems.push(Problem::error(
                    PATH,
                    err.location().map(|l| l.line()),
                    format!("invalid vocabulary: {err}; it must be a list of {{id, note?, terms: {{fr: [..], en: [..], it: [..], sv: [..]}}}}"),
                ));
                return Vocabulary::default();
            }
        };
        let line_of = |id: &str| {
            text.lines()
                .position(|l| {
                    l.trim_start()
                        .trim_start_matches("- ")
                        .starts_with(&format!("id: {id}"))
                })
                .map(|i| i + 1)
        };
        let mut concepts: Vec<Concept> = Vec::new();
        let mut seen_terms: HashMap<(Lang, Vec<String>), String> = HashMap::new();
        for c in raw {
            let _ = c.note;
            let line = line_of(&c.id);
            if concepts.iter().any(|x| x.id == c.id) {
                problems.push(Problem::error(
                    PATH,
                    line,
                    format!("concept `{}` is defined twice; merge the two groups", c.id),
                ));
                continue;
            }
            let mut terms = BTreeMap::new();
            let mut analyzed = BTreeMap::new();
            for (code, list) in c.terms {
                let Some(lang) = Lang::parse(&code) else {
                    problems.push(Problem::warning(
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
                let mut kept = Vec::new();
                let mut forms = Vec::new();
                for term in list {
                    let form = analysis::terms(lang, &term);
                    if form.is_empty() {
                        problems.push(Problem::warning(PATH, line, format!("term `{term}` of `{}` is only stop words in {lang} and can never match; remove it", c.id)));
                        continue;
                    }
                    if let Some(other) = seen_terms.insert((lang, form.clone()), c.id.clone()) {
                        if other != c.id {
                            problems.push(Problem::warning(PATH, line, format!("term `{term}` ({lang}) is in both `{other}` and `{}`; keep it in one group", c.id)));
                        }
                    }
                    kept.push(term);
                    forms.push(form);
                }
                if !kept.is_empty() {
                    terms.insert(lang, kept);
                    analyzed.insert(lang, forms);
                }
            }
            if analyzed.values().map(Vec::len).sum::<usize>() < 2 {
                problems.push(Problem::error(
                    PATH,
                    line,
                    format!("concept `{}` needs at least two terms to be useful", c.id),
                ));
                continue;
            }
            concepts.push(Concept {
                id: c.id,
                terms,
                analyzed,
            });
        }
        Vocabulary { concepts }
    }

    /// Concepts whose terms occur in a query, given the query analyzed in each language.
    pub fn matches<'a>(
        &'a self,
        analyzed: &[(Lang, Vec<String>)],
    ) -> Vec<(&'a Concept, Vec<(Lang, usize)>)> {
        let mut out = Vec::new();
        for concept in &self.concepts {
            let mut found = Vec::new();
            for (lang, query) in analyzed {
                if let Some(forms) = concept.analyzed.get(lang) {
                    for (i, form) in forms.iter().enumerate() {
                        if contains(query, form) {
                            found.push((*lang, i));
                        }
                    }
                }
            }
            if !found.is_empty() {
                out.push((concept, found));
            }
        }
        out
    }
}

fn contains(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
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
}
