//! The session basket's page: the resources a facilitator gathered, to reorder, remove, share
//! or turn into a pack. The basket lives in a cookie and in its page's URL (`?id=…&id=…`), so
//! every action is a link; a colleague's link asks before it replaces one's own session.

use super::{layout, type_label, Chrome};
use crate::content::{page_path, Resource};
use crate::i18n::t;
use crate::lang::Lang;
use maud::{html, Markup};

/// The query string of a basket holding `ids`, in order.
pub fn ids_query(ids: &[String]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for id in ids {
        s.append_pair("id", id);
    }
    s.finish()
}

/// The link that makes `ids` the visitor's session (`replace`) or adds them to it (`merge`).
fn using(lang: Lang, ids: &[String], how: &str) -> String {
    format!("/{}/basket?{}&use={how}", lang.code(), ids_query(ids))
}

/// An action link whose visible text is short ("↑", "Remove") and whose name, for screen
/// readers, says which resource it acts on.
fn named(href: &str, visible: &str, action: &str, title: &str) -> Markup {
    html! {
        a href=(href) {
            span aria-hidden="true" { (visible) }
            span.visually-hidden { (action) ": " (title) }
        }
    }
}

/// One resource of a basket: its type above its title.
fn entry(c: &Chrome, r: &Resource) -> Markup {
    let lang = c.lang;
    let shown = r.version(lang, &c.meta.site.fallback);
    html! {
        span.type { (type_label(lang, r.kind)) }
        a.title href=(page_path(lang, &r.id)) lang=(shown.lang.code()) { (shown.text.title) }
    }
}

/// The visitor's own basket; `share` is the absolute link to it.
pub fn page(c: &Chrome, items: &[Resource], share: &str) -> Markup {
    let lang = c.lang;
    let ids: Vec<String> = items.iter().map(|r| r.id.clone()).collect();
    let moved = |from: usize, to: usize| {
        let mut v = ids.clone();
        v.swap(from, to);
        using(lang, &v, "replace")
    };
    let without = |i: usize| {
        let mut v = ids.clone();
        v.remove(i);
        using(lang, &v, "replace")
    };
    let query = ids_query(&ids);
    let main = html! {
        h1 { (t(lang, "basket.title")) }
        p.lead { (t(lang, "basket.intro")) }
        @if items.is_empty() {
            p.empty { (t(lang, "pack.empty")) }
        } @else {
            ol.basket {
                @for (i, r) in items.iter().enumerate() {
                    @let title = &r.version(lang, &c.meta.site.fallback).text.title;
                    li {
                        div.entry { (entry(c, r)) }
                        span.actions {
                            @if i > 0 { (named(&moved(i, i - 1), "↑", t(lang, "basket.up"), title)) }
                            @if i + 1 < items.len() { (named(&moved(i, i + 1), "↓", t(lang, "basket.down"), title)) }
                            (named(&without(i), t(lang, "basket.remove"), t(lang, "basket.remove"), title))
                        }
                    }
                }
            }
            p { a.button.primary href={ "/" (lang.code()) "/pack?" (query) } { (t(lang, "basket.make")) } }
            p { label for="share" { (t(lang, "basket.share")) } input #share type="text" readonly value=(share); }
        }
    };
    layout(c, main)
}

/// A colleague's basket (`linked`), when the visitor has a different one of their own: its
/// resources, and the choice to replace one's own session with it, to add it to one's own,
/// or to keep one's own.
pub fn shared(c: &Chrome, items: &[Resource], linked: &[String]) -> Markup {
    let lang = c.lang;
    let mine = crate::i18n::fill(
        t(lang, "basket.shared.mine"),
        &[("n", &c.basket.len().to_string())],
    );
    let main = html! {
        h1 { (t(lang, "basket.shared.title")) }
        p.lead { (t(lang, "basket.shared.intro")) " " (mine) }
        ol.basket.shared {
            @for r in items { li { div.entry { (entry(c, r)) } } }
        }
        div.choice role="group" aria-label=(t(lang, "basket.shared.choose")) {
            a.button.primary href=(using(lang, linked, "merge")) { (t(lang, "basket.shared.merge")) }
            a.button.secondary href=(using(lang, linked, "replace")) { (t(lang, "basket.shared.replace")) }
            a href={ "/" (lang.code()) "/basket" } { (t(lang, "basket.shared.keep")) }
        }
        p { a href={ "/" (lang.code()) "/pack?" (ids_query(linked)) } { (t(lang, "basket.shared.pack")) } }
    };
    layout(c, main)
}
