//! Just enough of PHP's `serialize()` format to read what multilingual plugins store in term
//! descriptions: Polylang keeps each translation group as `a:2:{s:2:"fr";i:12;s:2:"en";i:14;}`
//! (language slug → post id) and each language's settings as a similar array.

/// A serialized PHP value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Array(Vec<(Value, Value)>),
}

impl Value {
    /// The value as text (strings and numbers), for keys and scalar settings.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            _ => None,
        }
    }

    /// The value as an id (integers, or strings of digits).
    pub fn as_id(&self) -> Option<u64> {
        match self {
            Value::Int(i) => u64::try_from(*i).ok(),
            Value::Str(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// The entries of an array whose keys and values are text, skipping the others.
    pub fn text_entries(&self) -> Vec<(String, &Value)> {
        match self {
            Value::Array(entries) => entries
                .iter()
                .filter_map(|(k, v)| k.as_text().map(|k| (k, v)))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Parses one serialized value; `None` for anything else (plain text descriptions).
pub fn unserialize(text: &str) -> Option<Value> {
    let mut parser = Parser {
        bytes: text.trim().as_bytes(),
        at: 0,
    };
    let value = parser.value(0)?;
    (parser.at == parser.bytes.len()).then_some(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// Nesting beyond this is refused: the arrays we read are one or two levels deep.
const MAX_DEPTH: usize = 16;

impl Parser<'_> {
    fn value(&mut self, depth: usize) -> Option<Value> {
        let kind = *self.bytes.get(self.at)?;
        self.at += 1;
        if kind == b'N' {
            self.expect(b';')?;
            return Some(Value::Null);
        }
        self.expect(b':')?;
        match kind {
            b'b' => Some(Value::Bool(self.until(b';')? == "1")),
            b'i' => self.until(b';')?.parse().ok().map(Value::Int),
            b'd' => self.until(b';')?.parse().ok().map(Value::Float),
            b's' => self.string(),
            b'a' if depth < MAX_DEPTH => self.array(depth),
            _ => None,
        }
    }

    /// `s:LEN:"…";` where LEN counts bytes, so quotes inside are fine.
    fn string(&mut self) -> Option<Value> {
        let len: usize = self.until(b':')?.parse().ok()?;
        self.expect(b'"')?;
        let end = self.at.checked_add(len)?;
        let s = std::str::from_utf8(self.bytes.get(self.at..end)?).ok()?;
        self.at = end;
        self.expect(b'"')?;
        self.expect(b';')?;
        Some(Value::Str(s.to_string()))
    }

    fn array(&mut self, depth: usize) -> Option<Value> {
        let count: usize = self.until(b':')?.parse().ok()?;
        self.expect(b'{')?;
        let mut entries = Vec::with_capacity(count.min(64));
        for _ in 0..count {
            let key = self.value(depth + 1)?;
            let value = self.value(depth + 1)?;
            entries.push((key, value));
        }
        self.expect(b'}')?;
        Some(Value::Array(entries))
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.bytes.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    fn until(&mut self, stop: u8) -> Option<&str> {
        let start = self.at;
        let len = self.bytes[start..].iter().position(|&b| b == stop)?;
        self.at = start + len + 1;
        std::str::from_utf8(&self.bytes[start..start + len]).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_polylang_translation_group() {
        let v = unserialize(r#"a:3:{s:2:"fr";i:12;s:2:"en";i:14;s:2:"sv";s:2:"19";}"#).unwrap();
        let pairs: Vec<(String, Option<u64>)> = v
            .text_entries()
            .into_iter()
            .map(|(k, v)| (k, v.as_id()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("fr".into(), Some(12)),
                ("en".into(), Some(14)),
                ("sv".into(), Some(19))
            ]
        );
    }

    #[test]
    fn strings_count_bytes_and_nest() {
        let v = unserialize(r#"a:2:{s:6:"locale";s:5:"fr_FR";s:4:"note";a:1:{i:0;s:9:"é";}}"#);
        assert!(v.is_none(), "a wrong byte count is refused");
        let v = unserialize(
            r#"a:3:{s:6:"locale";s:5:"fr_FR";s:3:"rtl";b:0;s:4:"note";a:1:{i:0;s:3:"é"";}}"#,
        )
        .unwrap();
        let entries = v.text_entries();
        assert_eq!(entries[0].1, &Value::Str("fr_FR".into()));
        assert_eq!(entries[1].1, &Value::Bool(false));
        assert_eq!(
            entries[2].1,
            &Value::Array(vec![(Value::Int(0), Value::Str("é\"".into()))])
        );
    }

    #[test]
    fn plain_text_and_garbage_are_not_values() {
        for text in [
            "Emploi et formation",
            "a:99999999999:{",
            "s:3:\"ab",
            "",
            "i:1;x",
        ] {
            assert_eq!(unserialize(text), None, "{text}");
        }
    }
}
