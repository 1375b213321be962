//! WordPress shortcodes in post content (`[caption]…[/caption]`, `[gallery ids="…"]`,
//! `[embed]URL[/embed]`, plugin ones) turned into plain HTML before the Markdown conversion.
//! What has no equivalent is dropped and said, never silently.
//!
//! WordPress only expands shortcodes a plugin registered, and we cannot know those; a bracket
//! is taken as a shortcode when its name is one of WordPress's own, when it has attributes
//! (`name="value"`) or when a closing `[/name]` follows. So `[sic]` or `[1]` stay text.

use std::collections::HashMap;

/// An image of the export's media library (an attachment item).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachment {
    pub url: String,
    pub alt: String,
    pub title: String,
    pub parent: u64,
    pub order: i64,
}

/// The media library, by attachment id, for galleries and featured images.
#[derive(Debug, Default)]
pub struct Media {
    pub by_id: HashMap<u64, Attachment>,
}

impl Media {
    /// The images attached to a post, in gallery order (menu order, then id).
    fn attached_to(&self, post_id: u64) -> Vec<u64> {
        let mut ids: Vec<(i64, u64)> = self
            .by_id
            .iter()
            .filter(|(_, a)| a.parent == post_id && post_id != 0)
            .map(|(id, a)| (a.order, *id))
            .collect();
        ids.sort();
        ids.into_iter().map(|(_, id)| id).collect()
    }

    /// An `<img>` for an attachment.
    pub fn img(&self, id: u64) -> Option<String> {
        let a = self.by_id.get(&id)?;
        let alt = if a.alt.is_empty() { &a.title } else { &a.alt };
        Some(format!(
            "<img src=\"{}\" alt=\"{}\">",
            escape(&a.url),
            escape(alt)
        ))
    }
}

/// Shortcodes WordPress itself registers.
const WORDPRESS_OWN: [&str; 7] = [
    "caption",
    "wp_caption",
    "gallery",
    "embed",
    "video",
    "audio",
    "playlist",
];

/// One shortcode found in the text.
struct Found<'a> {
    name: &'a str,
    attrs: Vec<(String, String)>,
    content: Option<&'a str>,
    /// The shortcode as written (opening tag only), for reports.
    written: &'a str,
    /// Bytes from its `[` to after its last `]`.
    len: usize,
}

/// Replaces the shortcodes of `html`; `notes` gets one line per dropped shortcode.
pub fn expand(html: &str, post_id: u64, media: &Media, notes: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(inner) = escaped(rest) {
            out.push_str(&rest[1..inner]);
            rest = &rest[inner + 1..];
            continue;
        }
        match find(rest) {
            Some(found) => {
                out.push_str(&render(&found, post_id, media, notes));
                rest = &rest[found.len..];
            }
            None => {
                out.push('[');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `[[gallery]]` is how an author writes a shortcode as text: the end of the inner part.
fn escaped(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('[')?;
    let found = find(inner)?;
    (inner.as_bytes().get(found.len) == Some(&b']')).then_some(found.len + 1)
}

/// Parses the shortcode starting at `text[0] == '['`, if it is one.
fn find(text: &str) -> Option<Found<'_>> {
    let body = text.strip_prefix('[')?;
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(body.len());
    let name = &body[..name_len];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let after_name = &body[name_len..];
    if !after_name.starts_with([']', '/', ' ', '\t', '\n']) {
        return None;
    }
    let close = after_name.find(']')?;
    let raw_attrs = &after_name[..close];
    if raw_attrs.contains('[') {
        return None;
    }
    let self_closing = raw_attrs.trim_end().ends_with('/');
    let open_len = 1 + name_len + close + 1;
    let closing_tag = format!("[/{name}]");
    let content_end = (!self_closing)
        .then(|| text[open_len..].find(&closing_tag))
        .flatten();
    let is_shortcode = WORDPRESS_OWN.contains(&name.to_ascii_lowercase().as_str())
        || raw_attrs.contains('=')
        || content_end.is_some();
    if !is_shortcode {
        return None;
    }
    let (content, len) = match content_end {
        Some(end) => (
            Some(&text[open_len..open_len + end]),
            open_len + end + closing_tag.len(),
        ),
        None => (None, open_len),
    };
    Some(Found {
        name,
        attrs: attributes(raw_attrs.trim_end().trim_end_matches('/')),
        content,
        written: &text[..open_len],
        len,
    })
}

/// `a="1" b='2' c=3 positional` → pairs (positional values get an empty key).
fn attributes(raw: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = raw.trim();
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let key = &rest[..key_end];
        rest = rest[key_end..].trim_start();
        if let Some(value_part) = rest.strip_prefix('=') {
            let value_part = value_part.trim_start();
            let (value, remaining) = quoted(value_part);
            out.push((key.to_ascii_lowercase(), value.to_string()));
            rest = remaining.trim_start();
        } else {
            let (value, _) = quoted(key);
            out.push((String::new(), value.to_string()));
        }
    }
    out
}

/// A value in double, single or no quotes, and what follows it.
fn quoted(text: &str) -> (&str, &str) {
    for quote in ['"', '\'', '\u{201d}', '\u{2033}'] {
        if let Some(inner) = text.strip_prefix(quote) {
            let Some(end) = inner.find([quote, '\u{201d}', '\u{2033}']) else {
                return (inner, "");
            };
            let closing = inner[end..].chars().next().map_or(1, char::len_utf8);
            return (&inner[..end], &inner[end + closing..]);
        }
    }
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    (&text[..end], &text[end..])
}

fn attr<'a>(found: &'a Found<'_>, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| {
        found
            .attrs
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    })
}

fn render(found: &Found<'_>, post_id: u64, media: &Media, notes: &mut Vec<String>) -> String {
    match found.name.to_ascii_lowercase().as_str() {
        "caption" | "wp_caption" => caption(found),
        "gallery" => gallery(found, post_id, media, notes),
        "embed" => link_to(found.content.map(str::trim), found, notes),
        "video" => link_to(
            attr(found, &["src", "mp4", "m4v", "webm", "ogv", "flv", "wmv"])
                .or(found.content.map(str::trim)),
            found,
            notes,
        ),
        "audio" => link_to(
            attr(found, &["src", "mp3", "ogg", "m4a", "wav", "wma"]),
            found,
            notes,
        ),
        _ => {
            match found.content {
                Some(content) => {
                    notes.push(format!(
                        "removed shortcode `{}` (its text is kept)",
                        found.written
                    ));
                    // Its content may hold shortcodes too.
                    expand(content, post_id, media, notes)
                }
                None => {
                    notes.push(format!("dropped shortcode `{}`", found.written));
                    String::new()
                }
            }
        }
    }
}

/// `[caption]<img …> Text[/caption]` (or `caption="Text"`): the image, then its caption.
fn caption(found: &Found<'_>) -> String {
    let content = found.content.unwrap_or("").trim();
    let media_end = if content.starts_with("<a") {
        content.find("</a>").map(|i| i + 4)
    } else if content.starts_with("<img") {
        content.find('>').map(|i| i + 1)
    } else {
        None
    }
    .unwrap_or(0);
    let (image, text) = content.split_at(media_end);
    let text = match text.trim() {
        "" => attr(found, &["caption"]).unwrap_or("").to_string(),
        t => t.to_string(),
    };
    let mut out = format!("<p>{image}</p>");
    if !text.is_empty() {
        out.push_str(&format!("<p><em>{text}</em></p>"));
    }
    out
}

/// `[gallery ids="1,2"]` (or the images attached to the post): one image per paragraph.
fn gallery(found: &Found<'_>, post_id: u64, media: &Media, notes: &mut Vec<String>) -> String {
    let ids: Vec<u64> = match attr(found, &["ids", "include"]) {
        Some(list) => list
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect(),
        None => media.attached_to(post_id),
    };
    let mut out = String::new();
    for id in &ids {
        match media.img(*id) {
            Some(img) => out.push_str(&format!("<p>{img}</p>")),
            None => notes.push(format!(
                "gallery image {id} is not in the export; it was dropped"
            )),
        }
    }
    if ids.is_empty() {
        notes.push(format!(
            "dropped shortcode `{}` (no images found)",
            found.written
        ));
    }
    out
}

/// An embedded video, audio or page becomes a link to it.
fn link_to(url: Option<&str>, found: &Found<'_>, notes: &mut Vec<String>) -> String {
    let url = url.map(unescape_url);
    match url.filter(|u| u.starts_with("http://") || u.starts_with("https://")) {
        Some(url) => format!("<p><a href=\"{0}\">{0}</a></p>", escape(&url)),
        None => {
            notes.push(format!(
                "dropped shortcode `{}` (no address to link to)",
                found.written
            ));
            String::new()
        }
    }
}

/// An address as the editor stored it in HTML (`&amp;`, or `&#038;` as WordPress writes it)
/// back to the address itself.
pub fn unescape_url(url: &str) -> String {
    url.replace("&#038;", "&")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// Escapes text for an HTML attribute or text node.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn media() -> Media {
        let mut m = Media::default();
        for (id, order) in [(7, 2), (8, 1)] {
            m.by_id.insert(
                id,
                Attachment {
                    url: format!("https://ex.org/wp-content/uploads/{id}.jpg"),
                    alt: format!("image {id}"),
                    parent: 3,
                    order,
                    ..Attachment::default()
                },
            );
        }
        m
    }

    fn run(html: &str) -> (String, Vec<String>) {
        let mut notes = Vec::new();
        let out = expand(html, 3, &media(), &mut notes);
        (out, notes)
    }

    #[test]
    fn captions_keep_image_and_text() {
        let (out, notes) = run(
            r#"[caption id="attachment_7" align="alignright" width="300"]<img src="a.jpg" alt="A" /> Un atelier[/caption]"#,
        );
        assert_eq!(
            out,
            r#"<p><img src="a.jpg" alt="A" /></p><p><em>Un atelier</em></p>"#
        );
        assert!(notes.is_empty());
    }

    #[test]
    fn galleries_use_the_media_library() {
        let (out, notes) = run(r#"[gallery ids="8,99"]"#);
        assert_eq!(
            out,
            r#"<p><img src="https://ex.org/wp-content/uploads/8.jpg" alt="image 8"></p>"#
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        let (out, _) = run("[gallery columns=\"2\"]");
        assert!(
            out.find("8.jpg").unwrap() < out.find("7.jpg").unwrap(),
            "{out}"
        );
    }

    #[test]
    fn embeds_become_links_and_unknown_ones_are_reported() {
        let (out, notes) = run(
            "Voir [embed]https://www.youtube.com/watch?v=abc&t=1[/embed] et [contact-form-7 id=\"42\" title=\"Contact\"] puis [note]texte[/note].",
        );
        assert_eq!(out, "Voir <p><a href=\"https://www.youtube.com/watch?v=abc&amp;t=1\">https://www.youtube.com/watch?v=abc&amp;t=1</a></p> et  puis texte.");
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("[contact-form-7 id=\"42\" title=\"Contact\"]"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        #[test]
        fn never_panics(text in "[\\[\\]/a-z=\"'\u{201d} <>é]{0,60}") {
            let mut notes = Vec::new();
            expand(&text, 3, &media(), &mut notes);
        }
    }

    #[test]
    fn curly_quotes_close_attributes() {
        let found = find("[video src=\"https://ex.org/a.mp4\u{201d} width=\"2\"]").unwrap();
        assert_eq!(
            found.attrs[0],
            ("src".into(), "https://ex.org/a.mp4".into())
        );
        assert_eq!(found.attrs[1], ("width".into(), "2".into()));
    }

    #[test]
    fn brackets_that_are_not_shortcodes_stay() {
        let (out, notes) = run("Un cas [sic] cité [1] et [[gallery]] écrit tel quel, [ouvert");
        assert_eq!(
            out,
            "Un cas [sic] cité [1] et [gallery] écrit tel quel, [ouvert"
        );
        assert!(notes.is_empty());
    }
}
