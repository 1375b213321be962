//! Snippets: the ~200 characters of a text where the query's words are densest, HTML-escaped,
//! with matches in `<mark>`. Words are compared after lowercasing and accent folding, a text
//! word matching when it starts with a query term's stem: close to what the analyzer matched,
//! at a fraction of the cost of stemming every word of every hit.

use super::escape_html;

/// Lowercase and strip accents, keeping one output character per input character.
fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let c = c.to_lowercase().next().unwrap_or(c);
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// Byte ranges of the words of `text` that match one of `stems`. A word whose first letter
/// starts no stem is skipped without folding the rest of it: most words of a text are. The
/// text is walked by bytes, ASCII ones looked up in a table and only the others decoded:
/// snippets of ten hits read some 25 KB of text per search, a third of a short query's
/// instructions before this loop was written for them.
fn matches(text: &str, stems: &[String]) -> Vec<(usize, usize)> {
    let firsts = Firsts::of(stems);
    let mut out = Vec::new();
    let mut word = String::new();
    let mut i = 0;
    while i < text.len() {
        let Some((c, len)) = word_char_at(text, i) else {
            i += char_len_at(text, i);
            continue;
        };
        let start = i;
        let first = fold(c);
        i += len;
        if !firsts.contains(first) {
            i = word_end(text, i);
            continue;
        }
        word.clear();
        word.push(first);
        while let Some((c, len)) = word_char_at(text, i) {
            word.push(fold(c));
            i += len;
        }
        let matched = stems
            .iter()
            .any(|s| word.starts_with(s.as_str()) && s.len() * 2 >= word.len().min(4));
        if matched {
            out.push((start, i));
        }
    }
    out
}

/// The folded first letters of the stems: a table for ASCII ones, a list for the others.
struct Firsts {
    ascii: [bool; 128],
    other: Vec<char>,
}

impl Firsts {
    fn of(stems: &[String]) -> Firsts {
        let mut firsts = Firsts {
            ascii: [false; 128],
            other: Vec::new(),
        };
        for c in stems.iter().filter_map(|s| s.chars().next()) {
            match u8::try_from(c) {
                Ok(b) if b.is_ascii() => firsts.ascii[usize::from(b)] = true,
                _ => firsts.other.push(c),
            }
        }
        firsts
    }

    fn contains(&self, c: char) -> bool {
        match u8::try_from(c) {
            Ok(b) if b.is_ascii() => self.ascii[usize::from(b)],
            _ => self.other.contains(&c),
        }
    }
}

/// The letter or digit at byte `i` of `text` and its length; `None` at a separator or the
/// end. ASCII bytes are classified without decoding.
#[inline]
fn word_char_at(text: &str, i: usize) -> Option<(char, usize)> {
    let b = *text.as_bytes().get(i)?;
    if b.is_ascii() {
        return b.is_ascii_alphanumeric().then_some((char::from(b), 1));
    }
    let c = text[i..].chars().next()?;
    is_word_char(c).then_some((c, c.len_utf8()))
}

/// `char::is_alphanumeric`, answered without its table search for the characters French,
/// Italian and Swedish text is made of besides ASCII: accented Latin letters, typographic
/// quotes, dashes and spaces (the table search costs some 200 instructions a character).
fn is_word_char(c: char) -> bool {
    match c {
        '×' | '÷' => false,
        '\u{C0}'..='\u{24F}' => true,
        '\u{2000}'..='\u{206F}' | '«' | '»' | '\u{A0}' => false,
        _ => c.is_alphanumeric(),
    }
}

/// The length of the character starting at byte `i`.
fn char_len_at(text: &str, i: usize) -> usize {
    match text.as_bytes()[i] {
        b if b < 0x80 => 1,
        b if b >= 0xF0 => 4,
        b if b >= 0xE0 => 3,
        _ => 2,
    }
}

/// Where the word going on at byte `i` ends.
fn word_end(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    while i < bytes.len() {
        if bytes[i].is_ascii_alphanumeric() {
            i += 1;
        } else if bytes[i].is_ascii() {
            return i;
        } else {
            match word_char_at(text, i) {
                Some((_, len)) => i += len,
                None => return i,
            }
        }
    }
    i
}

/// The best window of about `max` characters, or `None` when no word matches.
pub fn snippet(text: &str, stems: &[String], max: usize) -> Option<String> {
    if stems.is_empty() {
        return None;
    }
    let found = matches(text, stems);
    if found.is_empty() {
        return None;
    }
    // The window (in bytes, about `max` characters) that covers the most matches.
    let budget = max * 2;
    let (mut best, mut best_count, mut j) = (0, 0, 0);
    for i in 0..found.len() {
        while j < found.len() && found[j].1 - found[i].0 <= budget {
            j += 1;
        }
        if j - i > best_count {
            best_count = j - i;
            best = i;
        }
    }
    let first = found[best].0;
    // Start a little before the first match, at a word boundary.
    let lead = text[..first]
        .char_indices()
        .rev()
        .take(40)
        .last()
        .map_or(first, |(i, _)| i);
    let start = if lead == 0 {
        0
    } else {
        text[lead..first].find(' ').map_or(lead, |p| lead + p + 1)
    };
    let start = if first - start > 60 { first } else { start };
    let mut end = start;
    for (count, (i, c)) in text[start..].char_indices().enumerate() {
        end = start + i + c.len_utf8();
        if count + 1 >= max {
            break;
        }
    }
    if end < text.len() {
        if let Some(p) = text[start..end].rfind(' ') {
            if p > max / 2 {
                end = start + p;
            }
        }
    }
    let mut out = String::with_capacity(end - start + 64);
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for &(s, e) in found.iter().filter(|(s, e)| *s >= start && *e <= end) {
        out.push_str(&escape_html(&text[at..s]));
        out.push_str("<mark>");
        out.push_str(&escape_html(&text[s..e]));
        out.push_str("</mark>");
        at = e;
    }
    out.push_str(&escape_html(&text[at..end]));
    if end < text.len() {
        out.push('…');
    }
    Some(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_stem_matches_with_accents_folded() {
        let s = snippet(
            "Le suivi de l'accompagnement d'un interprète <b>professionnel</b>.",
            &["accompagn".into(), "interpret".into()],
            200,
        )
        .unwrap();
        assert_eq!(s, "Le suivi de l&#39;<mark>accompagnement</mark> d&#39;un <mark>interprète</mark> &lt;b&gt;professionnel&lt;/b&gt;.");
    }

    #[test]
    fn picks_the_densest_window() {
        let text = format!(
            "{} formation et emploi, formation encore. {}",
            "mot ".repeat(100),
            "fin ".repeat(100)
        );
        let s = snippet(&text, &["format".into(), "emploi".into()], 80).unwrap();
        assert!(
            s.starts_with('…') && s.contains("<mark>formation</mark> et <mark>emploi</mark>"),
            "{s}"
        );
        assert!(snippet("rien ici", &["format".into()], 80).is_none());
    }

    #[test]
    fn words_are_found_across_ascii_and_other_scripts() {
        let text = "Ärendet: FORMATION, Übung—formations… 研修 formé";
        let found: Vec<&str> = matches(text, &["format".into(), "arend".into()])
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(found, ["Ärendet", "FORMATION", "formations"]);
        assert!(matches("", &["format".into()]).is_empty());
    }

    #[test]
    fn the_shortcut_classifies_every_character_as_the_standard_library_does() {
        let differ: Vec<char> = (0..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|c| is_word_char(*c) != c.is_alphanumeric())
            .collect();
        assert!(differ.is_empty(), "{differ:?}");
    }
}
