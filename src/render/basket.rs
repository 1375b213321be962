//! The session basket's page: the resources a facilitator gathered, to reorder, remove, share
//! or turn into a pack. The basket lives in the page's URL (`?id=…&id=…`), so every action is
//! a link.

use super::{layout, type_label, Chrome};
use crate::content::{page_path, Resource};
use crate::i18n::t;
use maud::{html, Markup};

/// The query string of a basket holding `ids`, in order.
pub fn ids_query(ids: &[String]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for id in ids {
        s.append_pair("id", id);
    }
    s.finish()
}

/// The basket page; `share` is the absolute link to this basket.
pub fn page(c: &Chrome, items: &[Resource], share: &str) -> Markup {
    let lang = c.lang;
    let ids: Vec<String> = items.iter().map(|r| r.id.clone()).collect();
    let url = |v: &[String]| format!("/{}/basket?{}", lang.code(), ids_query(v));
    let moved = |from: usize, to: usize| {
        let mut v = ids.clone();
        v.swap(from, to);
        url(&v)
    };
    let without = |i: usize| {
        let mut v = ids.clone();
        v.remove(i);
        url(&v)
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
                    li {
                        span.type { (type_label(lang, r.kind)) }
                        a href=(page_path(lang, &r.id)) { (r.version(lang).text.title) }
                        span.actions {
                            @if i > 0 { a href=(moved(i, i - 1)) aria-label={ (t(lang, "basket.up")) ": " (r.version(lang).text.title) } { "↑" } }
                            @if i + 1 < items.len() { a href=(moved(i, i + 1)) aria-label={ (t(lang, "basket.down")) ": " (r.version(lang).text.title) } { "↓" } }
                            a href=(without(i)) { (t(lang, "basket.remove")) }
                        }
                    }
                }
            }
            p { a.button href={ "/" (lang.code()) "/pack?" (query) } { (t(lang, "basket.make")) } }
            p { label for="share" { (t(lang, "basket.share")) } input #share type="text" readonly value=(share); }
        }
    };
    layout(c, main)
}
