//! Splitting a content file into YAML front matter and Markdown body, and reading the
//! front matter fields of the README's "The content format".

use serde::Deserialize;
use std::collections::BTreeMap;

/// The front matter fields (README, "The content format"). Unknown fields are kept aside so that a typo such as
/// `domian:` becomes a warning instead of silently vanishing.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FrontMatter {
    pub title: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub domain: Option<String>,
    #[serde(default)]
    pub domains: Vec<String>,
    pub id: Option<String>,
    #[serde(default)]
    pub recommendations: Vec<String>,
    #[serde(default)]
    pub related: Vec<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub country: Option<String>,
    pub organisation: Option<String>,
    pub audience: Option<String>,
    pub duration: Option<String>,
    pub updated: Option<serde_yaml_ng::Value>,
    #[serde(default)]
    pub draft: bool,
    /// The address the content came from (written by `profint import wordpress`), kept so an
    /// editor can trace a resource back and a later import can recognise its own files.
    pub source_url: Option<String>,
    #[serde(flatten)]
    pub unknown: BTreeMap<String, serde_yaml_ng::Value>,
}

/// A file split in two.
#[derive(Debug)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub body: &'a str,
}

/// Why a file could not be split or parsed, with the 1-based line it concerns.
#[derive(Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<usize>,
    pub message: String,
}

/// Finds the `---` fences. The opening fence must be the first line (a BOM is tolerated).
pub fn split(text: &str) -> Result<Split<'_>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ParseError {
            line: Some(1),
            message:
                "the file is empty; a resource needs front matter between `---` lines and a body"
                    .into(),
        });
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(ParseError {
            line: Some(1),
            message: "the file does not start with front matter; add a `---` line, the YAML fields (title, type, domain), then another `---`".into(),
        });
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for line in lines {
        if line.trim_end() == "---" {
            let yaml = &text[yaml_start..offset];
            let body = &text[offset + line.len()..];
            return Ok(Split { yaml, body });
        }
        offset += line.len();
    }
    Err(ParseError {
        line: Some(1),
        message: "the front matter opened on line 1 is never closed; did you forget the closing `---` line?".into(),
    })
}

/// Largest front matter accepted: a few fields, not a data file. Bounding it bounds the
/// parser's work on one file, so one odd file never delays the others.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// Parses the YAML between the fences. Line numbers are counted in the whole file.
pub fn parse(yaml: &str) -> Result<FrontMatter, ParseError> {
    if yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    if yaml.len() > MAX_FRONT_MATTER_BYTES {
        return Err(ParseError {
            line: Some(1),
            message: format!(
                "the front matter is {} bytes, over the limit of {MAX_FRONT_MATTER_BYTES}; keep long text in the body",
                yaml.len()
            ),
        });
    }
    super::yaml::parse::<FrontMatter>(yaml).map_err(|err| ParseError {
        // The YAML starts on line 2 of the file, after the opening fence.
        line: err.line.map(|l| l + 1),
        message: format!("invalid YAML in the front matter: {}", err.message),
    })
}

/// The 1-based file line on which the front matter sets `key:`, to point problems at it.
pub fn line_of_key(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_body_line() {
        let s = split("---\ntitle: x\n---\nbody\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "body\n");
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let err = split("---\ntitle: x\nbody\n").unwrap_err();
        assert!(err.message.contains("never closed"), "{}", err.message);
    }

    #[test]
    fn yaml_errors_point_at_the_file_line() {
        let err = parse("title: x\ndomain: [a\n").unwrap_err();
        assert!(err.line.is_some_and(|l| l >= 3), "{err:?}");
    }

    #[test]
    fn finds_key_lines() {
        assert_eq!(line_of_key("title: x\ndomain: y\n", "domain"), Some(3));
        assert_eq!(line_of_key("title: x\n", "domain"), None);
    }
}
