//! UI strings, one YAML file per language in `views/i18n/`, embedded at build time. A key
//! missing in a language falls back to French, then to the key itself, so a page never
//! breaks for a missing translation (a test checks that every file has every key).

use crate::lang::Lang;
use std::collections::HashMap;
use std::sync::OnceLock;

const SOURCES: [(Lang, &str); 4] = [
    (Lang::Fr, include_str!("../views/i18n/fr.yaml")),
    (Lang::En, include_str!("../views/i18n/en.yaml")),
    (Lang::It, include_str!("../views/i18n/it.yaml")),
    (Lang::Sv, include_str!("../views/i18n/sv.yaml")),
];

fn tables() -> &'static HashMap<Lang, HashMap<String, String>> {
    static TABLES: OnceLock<HashMap<Lang, HashMap<String, String>>> = OnceLock::new();
    TABLES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(lang, text)| {
                let table: HashMap<String, String> = serde_yaml_ng::from_str(text)
                    .unwrap_or_else(|e| panic!("views/i18n/{lang}.yaml is invalid: {e}"));
                (*lang, table)
            })
            .collect()
    })
}

/// The string `key` in `lang`, falling back to French; `None` when no file has it.
pub fn t_opt(lang: Lang, key: &str) -> Option<&'static str> {
    let tables = tables();
    tables[&lang]
        .get(key)
        .or_else(|| tables[&Lang::Fr].get(key))
        .map(String::as_str)
}

/// The string `key` in `lang`. Keys are literals of the program, all present in every file
/// (a test checks it), so the fallback to the key itself only shows a programming slip.
pub fn t(lang: Lang, key: &str) -> &'static str {
    t_opt(lang, key).unwrap_or_else(|| {
        tracing::warn!(key, "missing UI string");
        "?"
    })
}

/// `{name}` placeholders of a UI string filled in.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in args {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// Keys present in one language file and absent from another, for the completeness test.
pub fn missing_keys() -> Vec<(Lang, String)> {
    let tables = tables();
    let mut missing = Vec::new();
    for lang in Lang::ALL {
        for other in Lang::ALL {
            for key in tables[&other].keys() {
                if !tables[&lang].contains_key(key) {
                    missing.push((lang, key.clone()));
                }
            }
        }
    }
    missing.sort();
    missing.dedup();
    missing
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_language_has_every_string() {
        assert_eq!(super::missing_keys(), vec![]);
    }
}
