//! Which WordPress posts become which resources: the mapping file (`--map import.yaml`) and
//! the defaults that apply without one.
//!
//! ```yaml
//! post_types:            # post type → resource type
//!   profint_outil: tool
//! type_categories:       # category slug → resource type
//!   cas-pratiques: case
//! domain_categories:     # category slug → competence domain id
//!   insertion-professionnelle: emploi
//! skip_post_types: [wpcf7_contact_form]   # plugin data that is not content
//! ```
//!
//! Defaults: a post type or category whose slug is a type name (`case`), its plural (`cases`)
//! or its folder (`model`) gives that type; a category whose slug is a domain id gives that
//! domain. A category with no mapping of its own uses its Polylang translations' and then its
//! parent's. The post type decides the type before categories do; the first category with a
//! domain is the main domain, the others secondary ones.

use super::languages::Translations;
use super::wxr::{Item, Term};
use crate::content::ResourceType;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Taxonomies that are never a category for mapping: tags, plugin bookkeeping, menus.
const NOT_CATEGORIES: [&str; 7] = [
    "post_tag",
    "language",
    "post_translations",
    "term_language",
    "term_translations",
    "post_format",
    "nav_menu",
];

/// The mapping file, as read.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    #[serde(default)]
    post_types: serde_yaml_ng::Mapping,
    #[serde(default)]
    type_categories: serde_yaml_ng::Mapping,
    #[serde(default)]
    domain_categories: serde_yaml_ng::Mapping,
    #[serde(default)]
    skip_post_types: Vec<String>,
}

/// The mapping, validated, in file order.
#[derive(Debug, Default, Clone)]
pub struct Mapping {
    pub post_types: Vec<(String, ResourceType)>,
    pub type_categories: Vec<(String, ResourceType)>,
    pub domain_categories: Vec<(String, String)>,
    pub skip_post_types: Vec<String>,
    /// The file's text, to point later problems at their line.
    text: String,
}

impl Mapping {
    /// Reads and validates the mapping file; errors name the file and line.
    pub fn load(path: &Path) -> anyhow::Result<Mapping> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read the mapping file {}: {e}", path.display()))?;
        Mapping::parse(&text).map_err(|e| anyhow::anyhow!("{}:{e}", path.display()))
    }

    /// Parses the text of a mapping file; an error starts with `line:`.
    pub fn parse(text: &str) -> Result<Mapping, String> {
        let raw: RawMapping = serde_yaml_ng::from_str::<Option<RawMapping>>(text)
            .map_err(|e| {
                let line = e.location().map_or(1, |l| l.line());
                format!("{line}: invalid mapping file: {e}; expected post_types, type_categories, domain_categories and skip_post_types (see the README)")
            })?
            .unwrap_or_default();
        let types = |map: &serde_yaml_ng::Mapping| -> Result<Vec<(String, ResourceType)>, String> {
            pairs(text, map)?
                .into_iter()
                .map(|(key, value, line)| match ResourceType::parse(&value) {
                    Some(t) => Ok((key, t)),
                    None => Err(format!("{line}: unknown resource type `{value}` for `{key}`; use recommendation, module, case, tool or practice")),
                })
                .collect()
        };
        Ok(Mapping {
            post_types: types(&raw.post_types)?,
            type_categories: types(&raw.type_categories)?,
            domain_categories: pairs(text, &raw.domain_categories)?
                .into_iter()
                .map(|(k, v, _)| (k, v))
                .collect(),
            skip_post_types: raw.skip_post_types,
            text: text.to_string(),
        })
    }

    /// Checks every mapped domain against the corpus's domains, when it has some.
    pub fn check_domains(&self, known: &BTreeSet<String>) -> Result<(), String> {
        for (category, domain) in &self.domain_categories {
            if !known.contains(domain) {
                let line = line_of(&self.text, category).unwrap_or(1);
                return Err(format!(
                    "{line}: domain `{domain}` (for category `{category}`) is not in domains.yaml; use one of: {}",
                    known.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The domain ids the mapping names, in file order, once each.
    pub fn domain_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for (_, d) in &self.domain_categories {
            if !ids.contains(d) {
                ids.push(d.clone());
            }
        }
        ids
    }
}

/// A mapping's entries as (key, value, line) with string values.
fn pairs(text: &str, map: &serde_yaml_ng::Mapping) -> Result<Vec<(String, String, usize)>, String> {
    map.iter()
        .map(|(k, v)| {
            let key = scalar(k).unwrap_or_default();
            let line = line_of(text, &key).unwrap_or(1);
            match scalar(v) {
                Some(value) if !key.is_empty() => Ok((key, value, line)),
                _ => Err(format!(
                    "{line}: `{key}` must map to one name, like `{key}: case`"
                )),
            }
        })
        .collect()
}

fn scalar(v: &serde_yaml_ng::Value) -> Option<String> {
    match v {
        serde_yaml_ng::Value::String(s) => Some(s.trim().to_string()),
        serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            let l = l.trim_start_matches(['"', '\'']);
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start_matches(['"', '\'']).starts_with(':'))
        })
        .map(|i| i + 1)
}

/// The type a slug names by default: `case`, `cases`, or a folder such as `model`.
fn default_type(slug: &str) -> Option<ResourceType> {
    ResourceType::parse(slug)
        .or_else(|| slug.strip_suffix('s').and_then(ResourceType::parse))
        .or_else(|| ResourceType::from_folder(slug))
}

/// A category as the export declares it.
#[derive(Debug, Clone, Default)]
pub struct Category {
    pub id: u64,
    pub parent: String,
    pub name: String,
    pub description: String,
}

/// The categories of the export: what each slug's translations and parent are.
#[derive(Debug, Default)]
pub struct Categories {
    by_slug: HashMap<String, Category>,
    slug_of_id: HashMap<u64, String>,
}

impl Categories {
    pub fn from_terms(terms: &[Term]) -> Categories {
        let mut c = Categories::default();
        for t in terms
            .iter()
            .filter(|t| !NOT_CATEGORIES.contains(&t.taxonomy.as_str()))
        {
            let category = Category {
                id: t.id,
                parent: t.parent.clone(),
                name: t.name.clone(),
                description: t.description.trim().to_string(),
            };
            c.by_slug.insert(t.slug.clone(), category);
            c.slug_of_id.insert(t.id, t.slug.clone());
        }
        c
    }

    /// The category, if the export declares it.
    pub fn get(&self, slug: &str) -> Option<&Category> {
        self.by_slug.get(slug)
    }

    /// A category known by term id.
    pub fn by_id(&self, id: u64) -> Option<&Category> {
        self.get(self.slug_of_id.get(&id)?)
    }

    /// Slugs to try for a category, most specific first: itself, its translations, then the
    /// same for its parent, and so on up.
    pub fn candidates(&self, slug: &str, translations: &Translations) -> Vec<String> {
        let mut out = Vec::new();
        let mut current = Some(slug.to_string());
        while let Some(slug) = current.take() {
            if out.contains(&slug) || out.len() > 64 {
                break;
            }
            out.push(slug.clone());
            if let Some(Category { id, parent, .. }) = self.by_slug.get(&slug) {
                for other in translations.term_translations(*id) {
                    if let Some(s) = self.slug_of_id.get(&other) {
                        if !out.contains(s) {
                            out.push(s.clone());
                        }
                    }
                }
                current = (!parent.is_empty()).then(|| parent.clone());
            }
        }
        out
    }
}

/// What a post maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    pub kind: ResourceType,
    pub domain: String,
    pub domains: Vec<String>,
    /// Categories that gave a type different from the one chosen (reported, not fatal).
    pub other_types: Vec<String>,
}

/// Maps posts with one mapping, the export's categories and the corpus's domain ids.
pub struct Mapper<'a> {
    pub mapping: &'a Mapping,
    pub categories: &'a Categories,
    pub translations: &'a Translations,
    pub domain_ids: &'a BTreeSet<String>,
}

impl Mapper<'_> {
    /// Whether the post type is plugin or editor data, never content.
    pub fn is_skipped_type(&self, post_type: &str) -> bool {
        self.mapping.skip_post_types.iter().any(|t| t == post_type)
    }

    /// The item's categories (any taxonomy but tags and plugin bookkeeping), in export order.
    fn category_slugs<'i>(&self, item: &'i Item) -> Vec<&'i str> {
        item.terms
            .iter()
            .filter(|t| !NOT_CATEGORIES.contains(&t.taxonomy.as_str()))
            .map(|t| t.slug.as_str())
            .collect()
    }

    /// Maps a post, or says why it cannot be mapped (and how to fix it).
    pub fn map(&self, item: &Item) -> Result<Mapped, String> {
        let slugs = self.category_slugs(item);
        let by_category: Vec<(String, ResourceType)> = slugs
            .iter()
            .filter_map(|s| self.category_type(s).map(|t| (s.to_string(), t)))
            .collect();
        let kind = self
            .post_type_type(&item.post_type)
            .or_else(|| by_category.first().map(|(_, t)| *t));
        let Some(kind) = kind else {
            return Err(format!(
                "no resource type: post type `{}` and categories [{}] map to none; add `post_types: {{{}: case}}` or a category under `type_categories:` in the mapping file",
                item.post_type,
                slugs.join(", "),
                item.post_type
            ));
        };
        let other_types = by_category
            .iter()
            .filter(|(_, t)| *t != kind)
            .map(|(s, t)| format!("{s} ({})", t.as_str()))
            .collect();
        let mut domains: Vec<String> = Vec::new();
        for slug in &slugs {
            if let Some(d) = self.category_domain(slug) {
                if !domains.contains(&d) {
                    domains.push(d);
                }
            }
        }
        if domains.is_empty() {
            return Err(format!(
                "no competence domain: categories [{}] map to none of [{}]; add one under `domain_categories:` in the mapping file",
                slugs.join(", "),
                self.domain_ids.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        let domain = domains.remove(0);
        Ok(Mapped {
            kind,
            domain,
            domains,
            other_types,
        })
    }

    fn post_type_type(&self, post_type: &str) -> Option<ResourceType> {
        lookup(&self.mapping.post_types, post_type).or_else(|| default_type(post_type))
    }

    fn category_type(&self, slug: &str) -> Option<ResourceType> {
        self.categories
            .candidates(slug, self.translations)
            .iter()
            .find_map(|s| lookup(&self.mapping.type_categories, s).or_else(|| default_type(s)))
    }

    fn category_domain(&self, slug: &str) -> Option<String> {
        self.categories
            .candidates(slug, self.translations)
            .iter()
            .find_map(|s| {
                lookup(&self.mapping.domain_categories, s)
                    .or_else(|| self.domain_ids.contains(s.as_str()).then(|| s.clone()))
            })
    }
}

fn lookup<T: Clone>(pairs: &[(String, T)], key: &str) -> Option<T> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::wxr::ItemTerm;

    fn item(post_type: &str, categories: &[&str]) -> Item {
        Item {
            post_type: post_type.into(),
            terms: categories
                .iter()
                .map(|s| ItemTerm {
                    taxonomy: "category".into(),
                    slug: s.to_string(),
                    name: s.to_string(),
                })
                .collect(),
            ..Item::default()
        }
    }

    fn category(id: u64, slug: &str, parent: &str) -> Term {
        Term {
            id,
            taxonomy: "category".into(),
            slug: slug.into(),
            parent: parent.into(),
            name: slug.into(),
            ..Term::default()
        }
    }

    #[test]
    fn mapping_file_is_validated_with_lines() {
        let m = Mapping::parse("post_types:\n  outil: tool\ntype_categories:\n  cas: case\ndomain_categories:\n  travail: emploi\n").unwrap();
        assert_eq!(m.post_types, vec![("outil".into(), ResourceType::Tool)]);
        assert_eq!(m.domain_ids(), vec!["emploi".to_string()]);
        let err = Mapping::parse("type_categories:\n  cas: casus\n").unwrap_err();
        assert!(err.starts_with("2: unknown resource type `casus`"), "{err}");
        let err = Mapping::parse("types: {}\n").unwrap_err();
        assert!(err.contains("unknown field"), "{err}");
        let known: BTreeSet<String> = ["langue".to_string()].into();
        let err = m.check_domains(&known);
        assert!(err.unwrap_err().starts_with("6: domain `emploi`"));
    }

    #[test]
    fn maps_by_post_type_categories_parents_and_translations() {
        let mapping = Mapping::parse(
            "type_categories:\n  outils: tool\ndomain_categories:\n  travail: emploi\n",
        )
        .unwrap();
        let terms = vec![
            category(1, "travail", ""),
            category(2, "cv", "travail"),
            category(3, "work", ""),
            Term {
                taxonomy: "term_translations".into(),
                slug: "pll_t".into(),
                description: r#"a:2:{s:2:"fr";i:1;s:2:"en";i:3;}"#.into(),
                ..Term::default()
            },
        ];
        let categories = Categories::from_terms(&terms);
        let translations = Translations::from_terms(&terms);
        let domain_ids: BTreeSet<String> = ["emploi".to_string(), "langue".to_string()].into();
        let mapper = Mapper {
            mapping: &mapping,
            categories: &categories,
            translations: &translations,
            domain_ids: &domain_ids,
        };
        let m = mapper
            .map(&item("post", &["outils", "cv", "langue"]))
            .unwrap();
        assert_eq!(
            (m.kind, m.domain.as_str(), m.domains),
            (ResourceType::Tool, "emploi", vec!["langue".to_string()])
        );
        let m = mapper.map(&item("cases", &["work"])).unwrap();
        assert_eq!((m.kind, m.domain.as_str()), (ResourceType::Case, "emploi"));
        let err = mapper.map(&item("post", &["non-classe"])).unwrap_err();
        assert!(err.starts_with("no resource type"), "{err}");
        let err = mapper.map(&item("practice", &["non-classe"])).unwrap_err();
        assert!(err.starts_with("no competence domain"), "{err}");
    }
}
