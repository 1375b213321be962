//! Post HTML (classic editor or block editor) to the Markdown of a resource file: shortcodes
//! expanded, paragraphs restored where the classic editor left only blank lines, sanitised
//! with ammonia, converted with htmd, then links and images pointed where they now live.

use super::shortcodes::{self, Media};

/// What the conversion needs to know beyond the HTML.
pub struct Context<'a> {
    pub post_id: u64,
    pub media: &'a Media,
    /// Turns a link or image target into its new form (a resource page for a link to an
    /// imported post, an absolute address for a path of the old site); `None` keeps it.
    pub relink: &'a dyn Fn(&str) -> Option<String>,
}

/// The Markdown body of a post; `notes` gets what was dropped on the way.
pub fn body(html: &str, cx: &Context<'_>, notes: &mut Vec<String>) -> String {
    let expanded = shortcodes::expand(html, cx.post_id, cx.media, notes);
    let markdown = to_markdown(&autop(&expanded));
    tidy(&relink(&markdown, cx.relink))
}

/// Plain text of an HTML fragment (titles, excerpts): entities decoded, tags and shortcodes
/// removed, whitespace (no-break spaces included) collapsed to single spaces.
pub fn text(html: &str) -> String {
    let mut ignored = Vec::new();
    let expanded = shortcodes::expand(html, 0, &Media::default(), &mut ignored);
    let plain = crate::content::plain_text(&to_markdown(&format!("<p>{expanded}</p>")));
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first sentences of a Markdown body, for a summary when the post has no excerpt:
/// whole sentences until 80 characters or more, cut at a word (with `…`) beyond 300.
/// Headings and images are left out: they do not say what the resource is about.
pub fn first_sentences(markdown: &str) -> String {
    let prose: Vec<&str> = markdown
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("![") && !l.starts_with("[!["))
        .collect();
    let plain = crate::content::plain_text(&prose.join("\n"));
    let words: Vec<&str> = plain.split_whitespace().collect();
    let mut out = String::new();
    for word in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        let ends_sentence = word.ends_with(['.', '!', '?', '…']);
        if ends_sentence && out.chars().count() >= 80 {
            break;
        }
        if out.chars().count() > 300 {
            out.push('…');
            break;
        }
    }
    out
}

/// Block-level tags: a chunk that starts with one is HTML already.
const BLOCKS: [&str; 24] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "table",
    "ul",
];

/// What WordPress's `wpautop` does when it shows a classic post: text separated by blank lines
/// becomes paragraphs and single line breaks become `<br>`. A line that is only an address
/// (WordPress embeds those) becomes a link.
fn autop(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    for chunk in html.split("\n\n").map(str::trim).filter(|c| !c.is_empty()) {
        if starts_with_block(chunk) {
            out.push_str(chunk);
        } else if is_bare_url(chunk) {
            let url = shortcodes::escape(&shortcodes::unescape_url(chunk));
            out.push_str(&format!("<p><a href=\"{url}\">{url}</a></p>"));
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br>"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out
}

fn starts_with_block(chunk: &str) -> bool {
    if chunk.starts_with("<!--") {
        return true;
    }
    let Some(tag) = chunk.strip_prefix('<') else {
        return false;
    };
    let tag = tag.trim_start_matches('/');
    let name_end = tag
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(tag.len());
    BLOCKS.contains(&tag[..name_end].to_ascii_lowercase().as_str())
}

fn is_bare_url(chunk: &str) -> bool {
    (chunk.starts_with("https://") || chunk.starts_with("http://"))
        && !chunk.contains(char::is_whitespace)
        && !chunk.contains(['<', '"'])
}

/// Sanitises (scripts, styles, event handlers and unknown tags go) and converts.
fn to_markdown(html: &str) -> String {
    let clean = ammonia::Builder::default()
        .link_rel(None)
        .clean(html)
        .to_string();
    let options = htmd::options::Options {
        bullet_list_marker: htmd::options::BulletListMarker::Dash,
        ul_bullet_spacing: 1,
        ol_number_spacing: 1,
        br_style: htmd::options::BrStyle::Backslash,
        ..Default::default()
    };
    htmd::HtmlToMarkdown::builder()
        .options(options)
        .build()
        .convert(&clean)
        .unwrap_or_default()
}

/// Rewrites the targets of Markdown links and images (`](target)` and `](target "title")`).
fn relink(markdown: &str, relink: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(at) = rest.find("](") {
        let (before, after) = rest.split_at(at + 2);
        out.push_str(before);
        let end = after.find([')', ' ']).unwrap_or(after.len());
        let (target, tail) = after.split_at(end);
        let bare = target.trim_start_matches('<').trim_end_matches('>');
        match relink(bare) {
            Some(new) => out.push_str(&new),
            None => out.push_str(target),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// No trailing spaces, no indent after a hard line break, at most one blank line in a row,
/// one final newline.
fn tidy(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut blank = true;
    let mut after_break = false;
    for line in markdown.lines().map(str::trim_end) {
        let line = if after_break { line.trim_start() } else { line };
        after_break = line.ends_with('\\');
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
        blank = false;
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(html: &str) -> (String, Vec<String>) {
        let media = Media::default();
        let relink = |target: &str| -> Option<String> {
            if target == "https://old.example/fr/cas/x/" {
                Some("/fr/r/cases/x".into())
            } else {
                target
                    .starts_with('/')
                    .then(|| format!("https://old.example{target}"))
            }
        };
        let cx = Context {
            post_id: 1,
            media: &media,
            relink: &relink,
        };
        let mut notes = Vec::new();
        (body(html, &cx, &mut notes), notes)
    }

    #[test]
    fn classic_editor_text_gets_paragraphs_and_links_move() {
        let (md, _) = convert("Premier paragraphe avec <a href=\"https://old.example/fr/cas/x/\">un cas</a>.\nLigne suivante.\n\n<h2>Étapes</h2>\n\nSecond &amp; dernier.\n\nhttps://www.youtube.com/watch?v=abc");
        assert_eq!(
            md,
            "Premier paragraphe avec [un cas](/fr/r/cases/x).\\\nLigne suivante.\n\n## Étapes\n\nSecond & dernier.\n\n[https://www.youtube.com/watch?v=abc](https://www.youtube.com/watch?v=abc)\n"
        );
    }

    #[test]
    fn block_editor_markup_and_images() {
        let (md, _) = convert("<!-- wp:paragraph -->\n<p>Texte <strong>gras</strong>.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:image -->\n<figure class=\"wp-block-image\"><img src=\"/wp-content/uploads/a.jpg\" alt=\"Atelier\"/></figure>\n<!-- /wp:image --><script>alert(1)</script>");
        assert_eq!(
            md,
            "Texte **gras**.\n\n![Atelier](https://old.example/wp-content/uploads/a.jpg)\n"
        );
    }

    #[test]
    fn text_decodes_entities_and_drops_tags() {
        assert_eq!(
            text("L&#8217;accueil &amp; <em>l’orientation</em>&nbsp;: [note]1[/note] *pas* gras"),
            "L\u{2019}accueil & l’orientation : 1 *pas* gras"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(100))]
        #[test]
        fn any_post_html_converts(html in "[<>/a-z =\"\\[\\]\n.!é&;#]{0,80}") {
            let (md, _) = convert(&html);
            proptest::prop_assert!(md.is_empty() || md.ends_with('\n'));
            first_sentences(&md);
        }
    }

    #[test]
    fn summaries_are_whole_sentences() {
        let s = first_sentences("## Titre\n\nUne première phrase assez longue pour compter comme un résumé utile. Une deuxième. Une troisième.");
        assert_eq!(
            s,
            "Une première phrase assez longue pour compter comme un résumé utile. Une deuxième."
        );
    }
}
