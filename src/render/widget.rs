//! The widget's pages: `/embed` (the search element alone, for an iframe) and `/{lang}/widget` (a live
//! demo, the snippets to copy, the element's attributes and theme variables).

use super::{layout, Chrome};
use crate::i18n::t;
use crate::lang::Lang;
use maud::{html, Markup};

/// The iframe page: the search element and its script, nothing else.
pub fn embed(lang: Lang, domain: &str, kind: &str, results: usize) -> Markup {
    html! {
        (maud::DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (t(lang, "site.title")) }
                link rel="stylesheet" href=(crate::render::assets::urls().css);
            }
            body.page-embed {
                main { h1.visually-hidden { (t(lang, "site.title")) " · " (t(lang, "search.title")) } profint-search lang=(lang.code()) domain=(domain) type=(kind) results=(results) target="_blank" type-chips {} }
                script src="/widget.js" data-embed {}
            }
        }
    }
}

/// What `/embed` shows in a site that may not frame it: that the site is not authorised, and
/// a way to the search on the service itself.
pub fn refused(lang: Lang, framer: &str) -> Markup {
    html! {
        (maud::DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (t(lang, "site.title")) }
                link rel="stylesheet" href=(crate::render::assets::urls().css);
            }
            body.page-embed {
                main {
                    h1.visually-hidden { (t(lang, "site.title")) " · " (t(lang, "search.title")) }
                    p.refused role="alert" { (crate::i18n::fill(t(lang, "embed.refused"), &[("origin", framer)])) }
                    p { a href={ "/" (lang.code()) "/search" } target="_blank" rel="noopener" { (t(lang, "embed.elsewhere")) } }
                }
                script src="/widget.js" data-embed {}
            }
        }
    }
}

/// The element's attributes, each with the key of its explanation.
const ATTRIBUTES: [(&str, &str); 8] = [
    ("lang", "widget.attr.lang"),
    ("domain", "widget.attr.domain"),
    ("type", "widget.attr.type"),
    ("placeholder", "widget.attr.placeholder"),
    ("results", "widget.attr.results"),
    ("target", "widget.attr.target"),
    ("type-chips", "widget.attr.chips"),
    ("label", "widget.attr.label"),
];

/// The theme's custom properties: name, default, key of the explanation.
const VARIABLES: [(&str, &str, &str); 5] = [
    ("--profint-accent", "#1f4fa8", "widget.var.accent"),
    ("--profint-font", "system-ui", "widget.var.font"),
    ("--profint-radius", "10px", "widget.var.radius"),
    ("--profint-bg", "#fff", "widget.var.bg"),
    ("--profint-ink", "#1b1f24", "widget.var.ink"),
];

/// The instructions page for partners, with both snippets ready to copy.
pub fn page(c: &Chrome, script_tag: &str, iframe_tag: &str) -> Markup {
    let lang = c.lang;
    let main = html! {
        h1 { (t(lang, "widget.title")) }
        p.lead { (t(lang, "widget.intro")) }
        section.demo aria-labelledby="demo-h" {
            h2 #demo-h { (t(lang, "widget.demo")) }
            profint-search lang=(lang.code()) results="5" type-chips {}
        }
        section aria-labelledby="snip-h" {
            h2 #snip-h { (t(lang, "widget.snippet")) }
            pre { code { (script_tag) } }
            h3 { (t(lang, "widget.iframe")) }
            pre { code { (iframe_tag) } }
        }
        section aria-labelledby="attr-h" {
            h2 #attr-h { (t(lang, "widget.attributes")) }
            table {
                @for (name, key) in ATTRIBUTES { tr { th scope="row" { code { (name) } } td { (t(lang, key)) } } }
            }
            h2 { (t(lang, "widget.variables")) }
            table {
                @for (name, default, key) in VARIABLES { tr { th scope="row" { code { (name) } } td { code { (default) } } td { (t(lang, key)) } } }
            }
        }
        script src="/widget.js" defer {}
    };
    layout(c, main)
}
