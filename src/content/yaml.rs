//! Reading YAML written by editors (front matter, `domains.yaml`, `site.yaml`,
//! `vocabulary.yaml`) with bounds the YAML parser lacks. Its time grows with the square of
//! the nesting depth (a 200 KB `[[[[…]]]]` took 40 s and held up every other file), so the
//! text's shape is checked before it is parsed; and its errors are given a line wherever one
//! can be found.

use serde::de::DeserializeOwned;

/// Deepest nesting of lists and maps accepted. Front matter needs 3; the configuration files
/// 4 or 5.
pub const MAX_DEPTH: usize = 32;

/// Why a YAML text was refused: a message and the 1-based line of the text it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: Option<usize>,
    pub message: String,
}

/// Parses `text` after checking that it nests no deeper than [`MAX_DEPTH`].
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    check_depth(text)?;
    serde_yaml_ng::from_str(text).map_err(|err| {
        let detail = err.to_string();
        let detail = match detail.find(" at line ") {
            Some(cut) => detail[..cut].to_string(),
            None => detail,
        };
        let line = err.location().map(|l| l.line());
        if detail.contains("repetition limit") {
            return YamlError {
                line: line.or_else(|| first_alias_line(text)),
                message: format!(
                    "{detail}: aliases (`*name`) expand to too much; write the values out instead"
                ),
            };
        }
        YamlError {
            line,
            message: detail,
        }
    })
}

/// Refuses a text whose lists and maps nest deeper than [`MAX_DEPTH`], in one pass over it:
/// block nesting is counted from indentation and `- ` markers, flow nesting from brackets
/// outside quotes and comments; block scalars (`|`, `>`) are skipped.
pub fn check_depth(text: &str) -> Result<(), YamlError> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    let mut scalar_indent: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim();
        if content.is_empty() || content.starts_with('#') && flow == 0 {
            continue;
        }
        if let Some(block) = scalar_indent {
            if indent > block {
                continue;
            }
            scalar_indent = None;
        }
        if flow == 0 {
            while indents.last().is_some_and(|&top| top >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        let (dashes, rest) = leading_dashes(content);
        let deepest = scan_flow(rest, &mut flow);
        let depth = indents.len() + dashes + deepest;
        if depth > MAX_DEPTH {
            return Err(YamlError {
                line: Some(i + 1),
                message: format!("lists and maps nest deeper than {MAX_DEPTH} levels here; no field needs that, so this is likely a mistake (or an attack): flatten it"),
            });
        }
        if flow == 0 && opens_block_scalar(rest) {
            scalar_indent = Some(indent);
        }
    }
    Ok(())
}

/// The number of `- ` sequence markers a line starts with (`- - x` is two levels), and the rest.
fn leading_dashes(content: &str) -> (usize, &str) {
    let mut rest = content;
    let mut dashes = 0;
    while let Some(after) = rest
        .strip_prefix("- ")
        .or(if rest == "-" { Some("") } else { None })
    {
        dashes += 1;
        rest = after.trim_start();
    }
    (dashes, rest)
}

/// Follows flow brackets through `line` (outside quotes and comments), updating the open
/// count, and returns the deepest count reached on the line.
fn scan_flow(line: &str, open: &mut usize) -> usize {
    let mut deepest = *open;
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' if previous == ' ' || "[{,:".contains(previous) => quote = Some(c),
                '#' if previous == ' ' => break,
                '[' | '{' if *open > 0 || value_starts(previous) => {
                    *open += 1;
                    deepest = deepest.max(*open);
                }
                ']' | '}' if *open > 0 => *open -= 1,
                _ => {}
            },
        }
        previous = c;
    }
    deepest
}

/// Whether a bracket after `previous` opens a flow collection in block context (at the start
/// of a value) rather than being a character of a plain scalar (`title: Foo [draft]`).
fn value_starts(previous: char) -> bool {
    previous == ' ' || previous == ':'
}

/// Whether a line's value is a block scalar indicator (`key: |`, `key: >-`, `- |`).
fn opens_block_scalar(rest: &str) -> bool {
    let value = rest.rsplit_once(": ").map_or(rest, |(_, v)| v).trim();
    let value = value.split(" #").next().unwrap_or("").trim();
    value.starts_with(['|', '>'])
        && value[1..]
            .chars()
            .all(|c| c == '-' || c == '+' || c.is_ascii_digit())
}

/// The first line that uses an alias, for errors the parser gives without a location.
fn first_alias_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.match_indices('*')
                .any(|(i, _)| i == 0 || l[..i].ends_with([' ', '[', ',', '{']))
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_error(text: &str) -> Option<usize> {
        check_depth(text).err().and_then(|e| e.line)
    }

    #[test]
    fn ordinary_yaml_passes() {
        let text = "title: \"Un [cas] {x}\"\ntags: [a, b]\nname: {fr: \"x\", en: y}\nsummary: |\n  [[[[[[ not nesting\n  {{{{\nlist:\n  - a\n  - - b\n    - c\ntitle2: Foo [draft\n";
        assert_eq!(check_depth(text), Ok(()));
        let parsed: serde_yaml_ng::Value = parse(text).unwrap();
        assert!(parsed.get("summary").is_some());
    }

    #[test]
    fn deep_flow_and_block_nesting_are_refused_with_their_line() {
        let deep = format!("title: x\nupdated: {}1{}\n", "[".repeat(40), "]".repeat(40));
        assert_eq!(depth_error(&deep), Some(2));
        let dashes = format!("title: x\nlist:\n{}x\n", "- ".repeat(40));
        assert_eq!(depth_error(&dashes), Some(3));
        let mut indented = String::from("a:\n");
        for i in 1..40 {
            indented.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        assert!(depth_error(&indented).is_some());
        let across_lines = format!("a: {}\n", "[\n".repeat(40));
        assert!(depth_error(&across_lines).is_some());
    }

    #[test]
    fn a_huge_nesting_is_refused_at_once() {
        let bomb = format!("updated: {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let err = parse::<serde_yaml_ng::Value>(&bomb).unwrap_err();
        assert!(err.message.contains("nest deeper"), "{err:?}");
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn an_alias_bomb_is_located() {
        let mut text = String::from("title: x\na: &a [x,x,x,x,x,x,x,x,x]\n");
        let mut prev = 'a';
        for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h'] {
            let refs = vec![format!("*{prev}"); 9].join(",");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
            prev = name;
        }
        let err = parse::<serde_yaml_ng::Value>(&text).unwrap_err();
        assert!(err.message.contains("aliases"), "{err:?}");
        assert_eq!(err.line, Some(3));
    }
}
