//! UI strings, one YAML file per language in `views/i18n/`, embedded at build time. A key
//! missing in a language falls back to French, then to `?`, so a page never breaks for a
//! missing translation; tests check that every file has every key, and that every key the
//! code asks for exists.

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
/// (tests check it), so the fallback `?` only shows a programming slip.
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

    /// Every key written as a literal in a `t(…, "key")` call of the source exists.
    #[test]
    fn every_key_the_code_asks_for_exists() {
        let mut asked = Vec::new();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        for entry in walkdir::WalkDir::new(src)
            .into_iter()
            .filter_map(Result::ok)
        {
            if entry.path().extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                asked.extend(literal_keys(&text));
            }
        }
        assert!(asked.len() > 50, "found only {} keys", asked.len());
        let missing: Vec<&String> = asked
            .iter()
            .filter(|k| super::t_opt(crate::lang::Lang::Fr, k).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "keys missing from views/i18n: {missing:?}"
        );
    }

    /// The string literals given as the key of `t(lang, "…")` or `t_opt(lang, "…")`.
    fn literal_keys(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for (i, _) in text.match_indices("t(") {
            let before = text[..i].chars().last();
            let is_call = before.is_none_or(|c| !c.is_alphanumeric() && c != '_')
                || text[..i].ends_with("t_op");
            if !is_call {
                continue;
            }
            let rest = &text[i + 2..];
            let Some((_, after_comma)) = rest.split_once(',') else {
                continue;
            };
            let after_comma = after_comma.trim_start();
            if let Some(literal) = after_comma.strip_prefix('"') {
                if let Some((key, _)) = literal.split_once('"') {
                    if key.contains('.') && !key.contains(' ') {
                        keys.push(key.to_string());
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn literal_keys_are_found() {
        let keys = literal_keys("a(t(lang, \"x.y\")) t_opt(l, \"a.b\") fmt(t(lang, \"c.d\"), &[])");
        assert_eq!(keys, vec!["x.y", "a.b", "c.d"]);
    }
}
