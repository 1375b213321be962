//! Server-rendered pages (maud). Everything a page shows comes from the search layer and
//! the UI strings of `views/i18n`; pages work without JavaScript, and `views/app.js` only
//! enhances them.

pub mod assets;
pub mod basket;
pub mod gaps;
pub mod pack;
pub mod pages;
pub mod widget;

use crate::content::{Domain, ResourceType};
use crate::i18n::t;
use crate::lang::Lang;
use crate::search::Hit;
use crate::service::Meta;
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// What every page needs besides its content.
pub struct Chrome<'a> {
    pub lang: Lang,
    pub meta: &'a Meta,
    pub title: String,
    /// The same page in another language (for the language switcher and `hreflang`).
    pub path_in: &'a dyn Fn(Lang) -> String,
    /// Which page this is: its class on `<body>`.
    pub page: Page,
    /// Ids in the visitor's session basket: the header shows how many.
    pub basket: &'a [String],
}

/// The header's basket link: "My session", with the count once it holds something.
pub fn basket_label(lang: Lang, n: usize) -> String {
    if n == 0 {
        t(lang, "basket.title").to_string()
    } else {
        fmt(t(lang, "basket.count"), &[("n", &n.to_string())])
    }
}

/// The kinds of page, each with its class on `<body>`. Page classes all start with `page-`
/// and component classes never do, so a component's rule (`.domain`, the domain badge) cannot
/// style a whole page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Home,
    Search,
    Resource,
    Domain,
    Basket,
    Widget,
    NotFound,
    Admin,
}

impl Page {
    pub fn class(self) -> &'static str {
        match self {
            Page::Home => "page-home",
            Page::Search => "page-search",
            Page::Resource => "page-resource",
            Page::Domain => "page-domain",
            Page::Basket => "page-basket",
            Page::Widget => "page-widget",
            Page::NotFound => "page-notfound",
            Page::Admin => "page-admin",
        }
    }
}

pub use crate::i18n::fill as fmt;

pub fn layout(c: &Chrome, main: Markup) -> Markup {
    let lang = c.lang;
    let site_title = c.meta.site_title(lang);
    let a = assets::urls();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (c.title) " · " (site_title) }
                meta name="description" content=(t(lang, "site.tagline"));
                link rel="stylesheet" href=(a.css);
                link rel="icon" type=(assets::ICON_TYPE) href=(a.icon);
                link rel="search" type="application/opensearchdescription+xml" title=(site_title) href={ "/opensearch.xml?lang=" (lang.code()) };
                // Made absolute with the public URL by `http::public_url::rewrite`.
                link rel="canonical" href=((c.path_in)(lang));
                @for other in &c.meta.site.languages {
                    link rel="alternate" hreflang=(other.code()) href=((c.path_in)(*other));
                }
                script src=(a.js) defer {}
            }
            body class=(c.page.class()) {
                a.skip href="#main" { (t(lang, "skip")) }
                header.site {
                    div.bar {
                        a.brand href={ "/" (lang.code()) "/" } {
                            span.logo aria-hidden="true" { "P" }
                            span { (site_title) }
                        }
                        a #basket-link .basketlink href={ "/" (lang.code()) "/basket" } { (basket_label(lang, c.basket.len())) }
                        nav aria-label=(t(lang, "lang.label")) .langs {
                            ul {
                                @for other in &c.meta.site.languages {
                                    li {
                                        @if *other == lang {
                                            span aria-current="true" lang=(other.code()) { (other.code().to_uppercase()) }
                                        } @else {
                                            a href=((c.path_in)(*other)) lang=(other.code()) hreflang=(other.code()) title=(other.native_name()) {
                                                (other.code().to_uppercase())
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main tabindex="-1" { (main) }
                // Where the page script announces what changed in place (a new result count,
                // a resource added to the session).
                div #announce .visually-hidden role="status" aria-live="polite" {}
                footer.site {
                    p { (t(lang, "footer.text")) }
                    p {
                        a href={ "/" (lang.code()) "/search" } { (t(lang, "search.all")) }
                        " · "
                        a href={ "/" (lang.code()) "/widget" } { (t(lang, "nav.widget")) }
                        " · "
                        a href={ "/api/search?lang=" (lang.code()) "&q=" } { (t(lang, "footer.api")) }
                    }
                }
            }
        }
    }
}

/// The search form; `large` on the home page.
pub fn search_form(lang: Lang, q: &str, large: bool, hidden: &[(&str, &str)]) -> Markup {
    html! {
        form.search.large[large] role="search" action={ "/" (lang.code()) "/search" } method="get" {
            label for="q" { (t(lang, "search.label")) }
            div.field {
                input #q type="search" name="q" value=(q) placeholder=(t(lang, "search.placeholder"))
                    autocomplete="off" spellcheck="true" maxlength="1000"
                    data-suggest={ "/api/suggest?lang=" (lang.code()) };
                button type="submit" { (t(lang, "search.button")) }
            }
            @for (k, v) in hidden {
                input type="hidden" name=(k) value=(v);
            }
        }
    }
}

pub fn domain_of<'a>(domains: &'a [Domain], id: &str) -> Option<&'a Domain> {
    domains.iter().find(|d| d.id == id)
}

/// A domain shown as its colour and its name: colour is never the only signal.
pub fn domain_badge(domains: &[Domain], id: &str, lang: Lang) -> Markup {
    match domain_of(domains, id) {
        Some(d) => html! {
            a.domain href={ "/" (lang.code()) "/domains/" (d.id) } style={ "--dc:" (d.color) } {
                span.dot aria-hidden="true" {} (d.label(lang))
            }
        },
        None => html! { span.domain { (id) } },
    }
}

pub fn type_label(lang: Lang, kind: ResourceType) -> &'static str {
    t(lang, &format!("type.{}", kind.as_str()))
}

/// Says which language is shown to someone who asked for `lang`: "In English — not yet
/// translated into Swedish".
pub fn fallback_notice(lang: Lang, shown: Lang) -> Markup {
    let name = |l: Lang| t(lang, &format!("langname.{}", l.code()));
    html! {
        span.fallback lang=(lang.code()) {
            (fmt(t(lang, "fallback.notice"), &[("lang", name(shown)), ("wanted", name(lang))]))
        }
    }
}

/// What a result card needs to know of the list it is in.
pub struct Cards<'a> {
    pub lang: Lang,
    pub domains: &'a [Domain],
    /// The page's own address, for "add to my session" to come back to.
    pub back: &'a str,
    /// Ids in the visitor's session: their cards say so instead of offering to add.
    pub basket: &'a [String],
    /// The domains the list is limited to (a domain filter, a domain page).
    pub within: &'a [String],
}

/// The anchor of a resource's card in a list, for "add to my session" to come back to.
pub fn card_anchor(id: &str) -> String {
    let slug: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("hit-{slug}")
}

/// The domain a card is drawn in: its main domain, unless the list is limited to domains
/// the resource belongs to only as a secondary one; then the first of those, so that the
/// card's colour agrees with the filter.
fn matched_secondary<'a>(hit: &'a Hit, within: &[String]) -> Option<&'a str> {
    if within.is_empty() || within.contains(&hit.domain) {
        return None;
    }
    hit.domains
        .iter()
        .find(|d| within.contains(d))
        .map(String::as_str)
}

/// "+ Add to my session", or "✓ In my session" (a link to it) once it is there.
pub fn add_link(lang: Lang, id: &str, back: &str, basket: &[String], class: &str) -> Markup {
    if basket.iter().any(|b| b == id) {
        return html! {
            a class={ (class) " in" } href={ "/" (lang.code()) "/basket" } { "✓ " (t(lang, "basket.added")) }
        };
    }
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("id", id);
    q.append_pair("back", back);
    html! {
        a class=(class) href={ "/" (lang.code()) "/basket/add?" (q.finish()) } data-add { "+ " (t(lang, "basket.add")) }
    }
}

/// One result in a list.
pub fn hit_card(hit: &Hit, cards: &Cards, heading: &str) -> Markup {
    let (lang, domains) = (cards.lang, cards.domains);
    let secondary = matched_secondary(hit, cards.within);
    let drawn_in = secondary.unwrap_or(&hit.domain);
    let color = domain_of(domains, drawn_in).map_or("#666", |d| d.color.as_str());
    let anchor = card_anchor(&hit.id);
    let back = format!("{}#{anchor}", cards.back);
    html! {
        article.hit #(anchor) style={ "--dc:" (color) } {
            div.meta {
                span.type { (type_label(lang, hit.kind)) }
                @if let Some(d) = secondary {
                    span.matched {
                        (domain_badge(domains, d, lang))
                        small { " (" (t(lang, "domain.secondary")) ")" }
                    }
                }
                (domain_badge(domains, &hit.domain, lang))
                span.langs {
                    @for l in &hit.translations {
                        abbr.lang.current[*l == hit.lang] lang=(l.code()) title=(l.native_name()) { (l.code().to_uppercase()) }
                    }
                }
            }
            @if heading == "h2" {
                h2 { a href=(hit.url) lang=(hit.lang.code()) { (hit.title) } }
            } @else {
                h3 { a href=(hit.url) lang=(hit.lang.code()) { (hit.title) } }
            }
            @if hit.fallback { p { (fallback_notice(lang, hit.lang)) } }
            @if !hit.snippet.is_empty() {
                p.snippet lang=(hit.lang.code()) { (PreEscaped(&hit.snippet)) }
            }
            (add_link(lang, &hit.id, &back, cards.basket, "add"))
        }
    }
}

/// A `YYYY-MM-DD` date (or the date part of a timestamp) as people write it in `lang`:
/// "1er décembre 2024", "2 December 2024", "2 dicembre 2024", "2 december 2024". Anything
/// else is given back as it is.
pub fn long_date(lang: Lang, iso: &str) -> String {
    let parts: Vec<&str> = iso.get(..10).unwrap_or("").split('-').collect();
    let number = |s: &&str, len: usize| (s.len() == len).then(|| s.parse::<u32>().ok()).flatten();
    let (Some(y), Some(m), Some(d)) = (
        parts.first().and_then(|s| number(s, 4)),
        parts.get(1).and_then(|s| number(s, 2)),
        parts.get(2).and_then(|s| number(s, 2)),
    ) else {
        return iso.to_string();
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return iso.to_string();
    }
    let day = if d == 1 {
        t(lang, "date.first_day").to_string()
    } else {
        d.to_string()
    };
    fmt(
        t(lang, "date.format"),
        &[
            ("d", &day),
            ("month", t(lang, &format!("date.month.{m}"))),
            ("y", &y.to_string()),
        ],
    )
}

/// A date for people, marked up as a `<time>` for machines when it is a `YYYY-MM-DD` one.
pub fn date(lang: Lang, iso: &str) -> Markup {
    let written = long_date(lang, iso);
    html! {
        @if written == iso { (iso) } @else { time datetime=(iso.get(..10).unwrap_or(iso)) { (written) } }
    }
}

/// The UI string `key` with its `{date}` written by [`date`].
pub fn dated(lang: Lang, key: &str, iso: &str) -> Markup {
    let template = t(lang, key);
    let (before, after) = template.split_once("{date}").unwrap_or((template, ""));
    html! { (before) (date(lang, iso)) (after) }
}

/// A country named in the corpus (in French, the language of the originals) in `lang`;
/// "Belgique et France" becomes "Belgium and France".
pub fn country(lang: Lang, name: &str) -> String {
    name.split(" et ")
        .map(|c| {
            crate::i18n::t_opt(lang, &format!("country.{}", c.trim()))
                .unwrap_or(c.trim())
                .to_string()
        })
        .collect::<Vec<_>>()
        .join(&format!(" {} ", t(lang, "word.and")))
}

#[cfg(test)]
mod tests {
    use super::long_date;
    use crate::lang::Lang;

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        assert_eq!(long_date(Lang::Fr, "2024-12-01"), "1er décembre 2024");
        assert_eq!(long_date(Lang::Fr, "2024-03-15T10:00:00Z"), "15 mars 2024");
        assert_eq!(long_date(Lang::En, "2024-12-02"), "2 December 2024");
        assert_eq!(long_date(Lang::It, "2024-08-09"), "9 agosto 2024");
        assert_eq!(long_date(Lang::It, "2024-08-01"), "1º agosto 2024");
        assert_eq!(long_date(Lang::Sv, "2025-05-31"), "31 maj 2025");
        for odd in ["spring 2024", "2024-13-01", "2024", ""] {
            assert_eq!(long_date(Lang::En, odd), odd);
        }
    }
}
