//! The language of each post and the translation set it belongs to, from the multilingual
//! plugin's traces in the export:
//!
//! - Polylang keeps both in taxonomies: each post has a `language` term (slug `fr`, `en`…)
//!   and, when translated, a `post_translations` term (`pll_…`) whose description is a
//!   serialized PHP array language → post id. Terms are translated the same way
//!   (`term_translations`).
//! - WPML's "Export and Import" add-on writes custom fields: `_wpml_import_language_code`,
//!   `_wpml_import_source_language_code` and `_wpml_import_translation_group`; WPML's
//!   duplicates carry `_icl_lang_duplicate_of` (the original's post id).
//!
//! A post without any of these is in the site's default language, alone in its set.

use super::php;
use super::wxr::{Item, Term};
use crate::lang::{known_codes, Lang};
use std::collections::HashMap;

/// Language and translation-set facts declared once for the whole export.
#[derive(Debug, Default)]
pub struct Translations {
    /// Post id → its Polylang translation group (the `pll_…` slug).
    group_of_post: HashMap<u64, String>,
    /// Polylang language slug → locale (`fr` → `fr_FR`), for slugs that are not plain codes.
    locales: HashMap<String, String>,
    /// Term id → its translations (itself included) as (language slug, term id), from
    /// `term_translations`.
    term_group: HashMap<u64, Vec<(String, u64)>>,
}

impl Translations {
    pub fn from_terms(terms: &[Term]) -> Translations {
        let mut t = Translations::default();
        for term in terms {
            let parsed = php::unserialize(&term.description);
            let entries = parsed
                .as_ref()
                .map(|v| v.text_entries())
                .unwrap_or_default();
            match term.taxonomy.as_str() {
                "post_translations" => {
                    for (_, id) in &entries {
                        if let Some(id) = id.as_id() {
                            t.group_of_post.insert(id, term.slug.clone());
                        }
                    }
                }
                "term_translations" => {
                    let group: Vec<(String, u64)> = entries
                        .iter()
                        .filter_map(|(lang, v)| v.as_id().map(|id| (lang.clone(), id)))
                        .collect();
                    for (_, id) in &group {
                        t.term_group.insert(*id, group.clone());
                    }
                }
                "language" => {
                    if let Some((_, locale)) = entries.iter().find(|(k, _)| k == "locale") {
                        if let Some(locale) = locale.as_text() {
                            t.locales.insert(term.slug.clone(), locale);
                        }
                    }
                }
                _ => {}
            }
        }
        t
    }

    /// The ids of a term's translations (itself included; just itself when untranslated).
    pub fn term_translations(&self, term_id: u64) -> Vec<u64> {
        match self.term_group.get(&term_id) {
            Some(group) => group.iter().map(|(_, id)| *id).collect(),
            None => vec![term_id],
        }
    }

    /// A term's translations with their languages (empty when it has none), for the names of
    /// a domain in each language.
    pub fn term_languages(&self, term_id: u64) -> Vec<(Lang, u64)> {
        self.term_group
            .get(&term_id)
            .map(|group| {
                group
                    .iter()
                    .filter_map(|(code, id)| self.lang_of_code(code).map(|l| (l, *id)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The post's language: Polylang's term, else WPML's field, else `default`. An error says
    /// which language code is not one of the platform's.
    pub fn language(&self, item: &Item, default: Lang) -> Result<Lang, String> {
        let code = item
            .terms_of("language")
            .next()
            .map(|t| t.slug.clone())
            .or_else(|| item.meta("_wpml_import_language_code").map(str::to_string));
        let Some(code) = code else {
            return Ok(default);
        };
        self.lang_of_code(&code).ok_or_else(|| {
            format!(
                "its language `{code}` is not one of the platform's ({})",
                known_codes()
            )
        })
    }

    /// `fr`, `fr-fr`, `fr_FR`, or a Polylang slug whose locale is one of those.
    fn lang_of_code(&self, code: &str) -> Option<Lang> {
        let primary = |c: &str| {
            let c = c.trim().to_ascii_lowercase();
            Lang::parse(c.split(['-', '_']).next().unwrap_or(""))
        };
        primary(code).or_else(|| self.locales.get(code).and_then(|l| primary(l)))
    }

    /// The translation set the post belongs to: a key shared by all its translations.
    pub fn set_key(&self, item: &Item) -> String {
        if let Some(group) = item.terms_of("post_translations").next() {
            return format!("pll:{}", group.slug);
        }
        if let Some(group) = self.group_of_post.get(&item.post_id) {
            return format!("pll:{group}");
        }
        if let Some(group) = item.meta("_wpml_import_translation_group") {
            return format!("wpml:{}", group.trim());
        }
        if let Some(original) = item.meta("_icl_lang_duplicate_of") {
            if let Ok(id) = original.trim().parse::<u64>() {
                return self.post_key(id);
            }
        }
        self.post_key(item.post_id)
    }

    /// The set of a post known by id only (a duplicate's original): its Polylang group, or
    /// the post on its own.
    fn post_key(&self, id: u64) -> String {
        match self.group_of_post.get(&id) {
            Some(group) => format!("pll:{group}"),
            None => format!("post:{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::wxr::ItemTerm;

    fn term(taxonomy: &str, slug: &str, description: &str) -> Term {
        Term {
            taxonomy: taxonomy.into(),
            slug: slug.into(),
            description: description.into(),
            ..Term::default()
        }
    }

    fn post(id: u64, terms: &[(&str, &str)], meta: &[(&str, &str)]) -> Item {
        Item {
            post_id: id,
            terms: terms
                .iter()
                .map(|(tax, slug)| ItemTerm {
                    taxonomy: tax.to_string(),
                    slug: slug.to_string(),
                    name: slug.to_string(),
                })
                .collect(),
            meta: meta
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Item::default()
        }
    }

    #[test]
    fn polylang_groups_by_term_and_by_description() {
        let t = Translations::from_terms(&[
            term(
                "post_translations",
                "pll_abc",
                r#"a:2:{s:2:"fr";i:10;s:2:"en";i:11;}"#,
            ),
            term(
                "language",
                "svenska",
                r#"a:3:{s:6:"locale";s:5:"sv_SE";s:3:"rtl";i:0;s:9:"flag_code";s:2:"se";}"#,
            ),
        ]);
        let fr = post(
            10,
            &[("language", "fr"), ("post_translations", "pll_abc")],
            &[],
        );
        let en_without_group_term = post(11, &[("language", "en")], &[]);
        assert_eq!(t.set_key(&fr), "pll:pll_abc");
        assert_eq!(t.set_key(&en_without_group_term), "pll:pll_abc");
        assert_eq!(t.language(&fr, Lang::It), Ok(Lang::Fr));
        let sv = post(12, &[("language", "svenska")], &[]);
        assert_eq!(t.language(&sv, Lang::Fr), Ok(Lang::Sv));
        let de = post(13, &[("language", "de")], &[]);
        assert!(t.language(&de, Lang::Fr).unwrap_err().contains("`de`"));
        assert_eq!(t.language(&post(14, &[], &[]), Lang::Fr), Ok(Lang::Fr));
        assert_eq!(t.set_key(&post(14, &[], &[])), "post:14");
    }

    #[test]
    fn wpml_fields_and_duplicates() {
        let t = Translations::default();
        let it = post(
            20,
            &[],
            &[
                ("_wpml_import_language_code", "it"),
                ("_wpml_import_translation_group", "77"),
            ],
        );
        assert_eq!(t.language(&it, Lang::Fr), Ok(Lang::It));
        assert_eq!(t.set_key(&it), "wpml:77");
        let duplicate = post(21, &[], &[("_icl_lang_duplicate_of", "5")]);
        assert_eq!(t.set_key(&duplicate), "post:5");
    }
}
