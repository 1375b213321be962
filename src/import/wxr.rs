//! Reading a WordPress eXtended RSS export (Tools → Export): RSS 2.0 whose `<channel>` holds
//! the site, its terms (`wp:category`, `wp:tag`, `wp:term`) and one `<item>` per post of any
//! type, with the `wp:`, `content:`, `excerpt:` and `dc:` namespaces. Elements are matched by
//! their prefixed names, as WordPress writes them.
//!
//! The XML is read into a small tree first (exports are a few megabytes), so that malformed
//! XML is reported with its line and column before anything is written.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Why an export could not be read. Positions are 1-based.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WxrError {
    #[error("{line}:{column}: malformed XML: {message}")]
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{line}: the file is not valid UTF-8; WordPress exports are UTF-8, export it again or convert it")]
    NotUtf8 { line: usize },
    #[error("{line}: not a WordPress export: {message}")]
    NotWxr { line: usize, message: String },
}

/// One XML element with its text (CDATA and entity references resolved) and children.
#[derive(Debug, Default, Clone)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
    line: usize,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn text_of(&self, name: &str) -> String {
        self.child(name).map(|c| c.text.clone()).unwrap_or_default()
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The site that was exported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    pub title: String,
    pub link: String,
    pub base_site_url: String,
    pub language: String,
}

/// A term declared in the channel: a category, a tag, or a term of another taxonomy
/// (Polylang's `language`, `post_translations`, `term_translations`, custom taxonomies…).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Term {
    pub id: u64,
    pub taxonomy: String,
    pub slug: String,
    pub parent: String,
    pub name: String,
    pub description: String,
}

/// A term attached to an item (`<category domain="…" nicename="…">name</category>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemTerm {
    pub taxonomy: String,
    pub slug: String,
    pub name: String,
}

/// One `<item>`: a post, page, attachment, revision, menu item or custom post.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    /// Line of `<item>` in the export.
    pub line: usize,
    pub title: String,
    pub link: String,
    pub pub_date: String,
    pub content: String,
    pub excerpt: String,
    /// 0 when the item has no usable `wp:post_id`.
    pub post_id: u64,
    pub post_date: String,
    /// The slug, percent-decoded (WordPress stores `d%c3%a9but` for `début`).
    pub post_name: String,
    pub status: String,
    pub post_parent: u64,
    pub menu_order: i64,
    pub post_type: String,
    pub password: String,
    pub attachment_url: String,
    pub terms: Vec<ItemTerm>,
    pub meta: Vec<(String, String)>,
}

impl Item {
    /// The value of a custom field (`wp:postmeta`), the first if repeated.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The terms of one taxonomy, in export order.
    pub fn terms_of<'a>(&'a self, taxonomy: &'a str) -> impl Iterator<Item = &'a ItemTerm> {
        self.terms.iter().filter(move |t| t.taxonomy == taxonomy)
    }
}

/// Everything read from an export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Export {
    pub site: Site,
    pub terms: Vec<Term>,
    pub items: Vec<Item>,
}

/// Parses an export's bytes.
pub fn parse(bytes: &[u8]) -> Result<Export, WxrError> {
    let text = std::str::from_utf8(bytes).map_err(|e| WxrError::NotUtf8 {
        line: line_at(bytes, e.valid_up_to()),
    })?;
    let root = read_tree(text.strip_prefix('\u{feff}').unwrap_or(text))?;
    if root.name != "rss" {
        return Err(WxrError::NotWxr {
            line: root.line,
            message: format!(
                "the document is `<{}>`, an export is `<rss>` with a `<channel>`",
                root.name
            ),
        });
    }
    let channel = root.child("channel").ok_or_else(|| WxrError::NotWxr {
        line: root.line,
        message: "`<rss>` has no `<channel>`".into(),
    })?;
    if channel.child("wp:wxr_version").is_none() {
        return Err(WxrError::NotWxr {
            line: channel.line,
            message: "the channel has no `<wp:wxr_version>`; this looks like a feed, not a WordPress export (Tools → Export → All content)".into(),
        });
    }
    Ok(Export {
        site: Site {
            title: channel.text_of("title").trim().to_string(),
            link: channel.text_of("link").trim().to_string(),
            base_site_url: channel.text_of("wp:base_site_url").trim().to_string(),
            language: channel.text_of("language").trim().to_string(),
        },
        terms: channel.children.iter().filter_map(term).collect(),
        items: channel
            .children
            .iter()
            .filter(|c| c.name == "item")
            .map(item)
            .collect(),
    })
}

fn term(e: &Element) -> Option<Term> {
    let (taxonomy, slug, name, description) = match e.name.as_str() {
        "wp:category" => (
            "category".to_string(),
            "wp:category_nicename",
            "wp:cat_name",
            "wp:category_description",
        ),
        "wp:tag" => (
            "post_tag".to_string(),
            "wp:tag_slug",
            "wp:tag_name",
            "wp:tag_description",
        ),
        "wp:term" => (
            e.text_of("wp:term_taxonomy").trim().to_string(),
            "wp:term_slug",
            "wp:term_name",
            "wp:term_description",
        ),
        _ => return None,
    };
    let parent = match e.name.as_str() {
        "wp:category" => e.text_of("wp:category_parent"),
        _ => e.text_of("wp:term_parent"),
    };
    Some(Term {
        id: e.text_of("wp:term_id").trim().parse().unwrap_or(0),
        taxonomy,
        slug: decode_slug(&e.text_of(slug)),
        parent: decode_slug(&parent),
        name: e.text_of(name).trim().to_string(),
        description: e.text_of(description),
    })
}

fn item(e: &Element) -> Item {
    let number = |name: &str| e.text_of(name).trim().parse::<u64>().unwrap_or(0);
    Item {
        line: e.line,
        title: e.text_of("title"),
        link: e.text_of("link").trim().to_string(),
        pub_date: e.text_of("pubDate").trim().to_string(),
        content: e.text_of("content:encoded"),
        excerpt: e.text_of("excerpt:encoded"),
        post_id: number("wp:post_id"),
        post_date: e.text_of("wp:post_date").trim().to_string(),
        post_name: decode_slug(&e.text_of("wp:post_name")),
        status: e.text_of("wp:status").trim().to_string(),
        post_parent: number("wp:post_parent"),
        menu_order: e.text_of("wp:menu_order").trim().parse().unwrap_or(0),
        post_type: e.text_of("wp:post_type").trim().to_string(),
        password: e.text_of("wp:post_password"),
        attachment_url: e.text_of("wp:attachment_url").trim().to_string(),
        terms: e
            .children
            .iter()
            .filter(|c| c.name == "category")
            .map(|c| ItemTerm {
                taxonomy: c.attr("domain").unwrap_or("category").to_string(),
                slug: decode_slug(c.attr("nicename").unwrap_or("")),
                name: c.text.trim().to_string(),
            })
            .collect(),
        meta: e
            .children
            .iter()
            .filter(|c| c.name == "wp:postmeta")
            .map(|c| (c.text_of("wp:meta_key"), c.text_of("wp:meta_value")))
            .collect(),
    }
}

/// WordPress slugs are lowercase percent-encoded UTF-8; editors know them decoded.
fn decode_slug(slug: &str) -> String {
    percent_encoding::percent_decode_str(slug.trim())
        .decode_utf8_lossy()
        .into_owned()
}

/// Reads the document into a tree, reporting the first XML error with its position.
fn read_tree(text: &str) -> Result<Element, WxrError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut lines = LineCounter::new(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|err| {
            let pos = reader.error_position() as usize;
            let (line, column) = lines.position(pos);
            WxrError::Malformed {
                line,
                column,
                message: err.to_string(),
            }
        })?;
        match event {
            Event::Start(start) => stack.push(open(&start, lines.position(at).0)?),
            Event::Empty(start) => {
                let element = open(&start, lines.position(at).0)?;
                attach(&mut stack, &mut root, element);
            }
            Event::End(_) => {
                if let Some(element) = stack.pop() {
                    attach(&mut stack, &mut root, element);
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.into_inner()),
            Event::CData(t) => push_text(&mut stack, &t.into_inner()),
            Event::GeneralRef(r) => {
                let resolved = resolve_reference(&r).map_err(|message| {
                    let (line, column) = lines.position(at);
                    WxrError::Malformed {
                        line,
                        column,
                        message,
                    }
                })?;
                push_text(&mut stack, &resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(WxrError::Malformed {
            line: lines.position(text.len()).0,
            column: 1,
            message: format!(
                "the file ends inside `<{}>` opened on line {}; it looks truncated, export it again",
                open.name, open.line
            ),
        });
    }
    root.ok_or(WxrError::NotWxr {
        line: 1,
        message: "the file has no XML element".into(),
    })
}

fn open(start: &BytesStart<'_>, line: usize) -> Result<Element, WxrError> {
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| WxrError::Malformed {
            line,
            column: 1,
            message: e.to_string(),
        })?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| WxrError::Malformed {
                line,
                column: 1,
                message: e.to_string(),
            })?;
        attrs.push((attr.key.as_ref().to_string(), value.into_owned()));
    }
    Ok(Element {
        name: start.name().as_ref().to_string(),
        attrs,
        line,
        ..Element::default()
    })
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => {
            if root.is_none() {
                *root = Some(element);
            }
        }
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(current) = stack.last_mut() {
        current.text.push_str(&text.replace("\r\n", "\n"));
    }
}

/// `&#233;` and the five XML entities are resolved; an HTML entity such as `&eacute;` outside
/// CDATA (not valid XML, but found in hand-edited exports) is kept as written, for the HTML
/// decoding of the field to resolve.
fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Result<String, String> {
    if r.is_char_ref() {
        return match r.resolve_char_ref() {
            Ok(Some(c)) => Ok(c.to_string()),
            _ => Err(format!("invalid character reference `&{};`", &**r)),
        };
    }
    Ok(match quick_xml::escape::resolve_predefined_entity(r) {
        Some(s) => s.to_string(),
        None => format!("&{};", &**r),
    })
}

/// Byte offsets to 1-based line and column, counting forward (events come in order).
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn position(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            *self = LineCounter::new(self.text);
        }
        let bytes = self.text.as_bytes();
        for (i, b) in bytes[self.offset..offset].iter().enumerate() {
            if *b == b'\n' {
                self.line += 1;
                self.line_start = self.offset + i + 1;
            }
        }
        self.offset = offset;
        let column = String::from_utf8_lossy(&bytes[self.line_start..offset])
            .chars()
            .count()
            + 1;
        (self.line, column)
    }
}

fn line_at(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
<channel>
	<title>Site &amp; co</title>
	<link>https://example.org</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[emploi]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Emploi]]></wp:cat_name></wp:category>
	<item>
		<title>L&#8217;accueil</title>
		<content:encoded><![CDATA[<p>Texte &eacute; ]]]]><![CDATA[>]]></content:encoded>
		<wp:post_id>12</wp:post_id>
		<wp:post_name><![CDATA[d%c3%a9but]]></wp:post_name>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<category domain="category" nicename="emploi"><![CDATA[Emploi]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[40]]></wp:meta_value></wp:postmeta>
	</item>
</channel>
</rss>
"#;

    #[test]
    fn reads_site_terms_and_items() {
        let export = parse(MINIMAL.as_bytes()).unwrap();
        assert_eq!(export.site.title, "Site & co");
        assert_eq!(export.terms[0].slug, "emploi");
        assert_eq!(export.terms[0].name, "Emploi");
        let item = &export.items[0];
        assert_eq!(item.line, 8);
        assert_eq!(item.title, "L\u{2019}accueil");
        assert_eq!(item.content, "<p>Texte &eacute; ]]>");
        assert_eq!(item.post_id, 12);
        assert_eq!(item.post_name, "début");
        assert_eq!(item.terms[0].slug, "emploi");
        assert_eq!(item.meta("_thumbnail_id"), Some("40"));
    }

    #[test]
    fn malformed_xml_is_located() {
        let broken = MINIMAL.replace("</wp:post_id>", "</wp:post_i>");
        match parse(broken.as_bytes()) {
            Err(WxrError::Malformed { line, message, .. }) => {
                assert_eq!(line, 11, "{message}");
                assert!(message.contains("wp:post_id"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        #[test]
        fn damaged_exports_give_errors_not_panics(cut in 0..MINIMAL.len(), junk in "[<>&;/a-zé\\]\\[!-]{0,12}") {
            let mut text = MINIMAL.as_bytes()[..cut].to_vec();
            text.extend_from_slice(junk.as_bytes());
            text.extend_from_slice(&MINIMAL.as_bytes()[cut..]);
            let _ = parse(&text);
        }
    }

    #[test]
    fn truncated_and_foreign_files_are_refused() {
        let cut = &MINIMAL[..MINIMAL.find("</item>").unwrap()];
        let err = parse(cut.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("truncated"), "{err}");
        let feed = MINIMAL.replace("<wp:wxr_version>1.2</wp:wxr_version>", "");
        let err = parse(feed.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("not a WordPress export"), "{err}");
        let err = parse(b"<html></html>").unwrap_err().to_string();
        assert!(err.contains("`<html>`"), "{err}");
        assert_eq!(
            parse(b"<rss>\n\xff</rss>").unwrap_err(),
            WxrError::NotUtf8 { line: 2 }
        );
    }
}
