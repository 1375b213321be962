//! Session packs: everything a facilitator prints for a session, as one document with a cover,
//! a table of contents and a page break before each part. The same markup, with the stylesheet
//! inlined and no script, is the offline file.

use super::{fallback_notice, type_label};
use crate::content::{to_safe_html, Resource};
use crate::i18n::t;
use crate::lang::Lang;
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// A group of parts under one heading of the contents (recommendations, cases, tools…).
pub struct Group<'a> {
    pub heading: String,
    pub resources: Vec<&'a Resource>,
}

/// Online (with toolbar and script) or offline (self-contained).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Online,
    Offline,
}

fn anchor(r: &Resource) -> String {
    format!(
        "part-{}",
        r.id.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    )
}

/// The H2 headings of a Markdown text, for the contents.
fn sections(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|h| h.trim().to_string())
        .collect()
}

/// The part's named page (`@page part-3`), whose footer names the part.
fn page_name(n: usize) -> String {
    format!("part-{n}")
}

/// `text` as a CSS string: quotes and backslashes escaped, line breaks and controls dropped,
/// and `<` escaped so that nothing in it can close the `<style>` element.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\3c "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Longest part title in a page footer, in characters.
const FOOTER_TITLE_CHARS: usize = 60;

/// One named page per part, so that each printed page's footer says which part it belongs to
/// ("3 · Shared diagnosis grid") beside its number. Chromium prints page margin boxes but not
/// `target-counter()`, so the contents cannot give page numbers: they give the same part
/// numbers instead.
fn page_rules(parts: &[(usize, &str)]) -> String {
    parts
        .iter()
        .map(|(n, title)| {
            let mut short: String = title.chars().take(FOOTER_TITLE_CHARS).collect();
            if title.chars().count() > FOOTER_TITLE_CHARS {
                short.push('…');
            }
            format!(
                "@page {} {{ @bottom-left {{ content: {}; }} }}\n",
                page_name(*n),
                css_string(&format!("{n} · {short}"))
            )
        })
        .collect()
}

pub struct Pack<'a> {
    pub lang: Lang,
    /// The site's fallback languages, for parts not translated into `lang`.
    pub fallback: &'a [Lang],
    pub site_title: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// The day it was prepared, `YYYY-MM-DD`.
    pub date: String,
    pub groups: Vec<Group<'a>>,
    /// Where "download" and "back" point (online mode).
    pub download_url: String,
    pub back_url: String,
}

/// The pack's parts in order, numbered from 1 across its groups.
fn numbered<'a>(p: &'a Pack) -> Vec<(usize, &'a Resource)> {
    p.groups
        .iter()
        .flat_map(|g| g.resources.iter().copied())
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .collect()
}

pub fn render(p: &Pack, mode: Mode) -> Markup {
    let lang = p.lang;
    let assets = super::assets::urls();
    let parts = numbered(p);
    let number = |r: &Resource| {
        parts
            .iter()
            .find(|(_, x)| x.id == r.id)
            .map_or(0, |(n, _)| *n)
    };
    let titles: Vec<(usize, &str)> = parts
        .iter()
        .map(|(n, r)| (*n, r.version(lang, p.fallback).text.title.as_str()))
        .collect();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (p.title) " · " (p.site_title) }
                @if mode == Mode::Offline {
                    style { (PreEscaped(super::assets::CSS)) }
                } @else {
                    link rel="stylesheet" href=(assets.css);
                    script src=(assets.js) defer {}
                }
                style { (PreEscaped(page_rules(&titles))) }
            }
            body.page-pack {
                @if mode == Mode::Online {
                    nav.packbar aria-label=(t(lang, "pack.title")) {
                        a href=(p.back_url) { "← " (t(lang, "pack.back")) }
                        button type="button" data-print { (t(lang, "pack.print")) }
                        a.button.secondary href=(p.download_url) download { (t(lang, "pack.download")) }
                    }
                }
                main #main {
                section.cover {
                    p.kicker { (p.site_title) " · " (t(lang, "pack.title")) }
                    h1 { (p.title) }
                    @if let Some(sub) = &p.subtitle { p.lead { (sub) } }
                    p.muted { (super::dated(lang, "pack.generated", &p.date)) }
                }
                nav.toc aria-labelledby="toc-h" {
                    h2 #toc-h { (t(lang, "pack.contents")) }
                    ol {
                        @for g in &p.groups {
                            @if !g.resources.is_empty() {
                                li {
                                    strong { (g.heading) }
                                    ol {
                                        @for r in &g.resources {
                                            @let v = r.version(lang, p.fallback).text;
                                            li {
                                                span.num { (number(r)) }
                                                " "
                                                a href={ "#" (anchor(r)) } { (v.title) }
                                                @let heads = sections(&v.markdown);
                                                @if g.resources.len() == 1 && heads.len() > 1 {
                                                    ul.sections { @for h in heads { li { (h) } } }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @for g in &p.groups {
                    @for r in &g.resources {
                        @let crate::content::Version { lang: shown, text: v, fallback } = r.version(lang, p.fallback);
                        article.part id=(anchor(r)) style={ "page:" (page_name(number(r))) } {
                            p.kicker { span.num { (number(r)) " · " } span.type { (type_label(lang, r.kind)) } @if r.kind == crate::content::ResourceType::Recommendation { " " span.rid { (r.id) } } }
                            h2 lang=(shown.code()) { (v.title) }
                            @if fallback { p { (fallback_notice(lang, shown)) } }
                            @if let Some(d) = &v.duration { p.muted { (t(lang, "resource.duration")) ": " (d) } }
                            div.body lang=(shown.code()) { (PreEscaped(to_safe_html(&v.markdown))) }
                        }
                    }
                }
                }
            }
        }
    }
}
