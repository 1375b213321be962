//! The pages (README, "Pages"): home, search, resource, domain, and the not-found page.

use super::{
    add_link, domain_badge, domain_of, fallback_notice, fmt, hit_card, layout, search_form,
    type_label, Cards, Chrome,
};
use crate::content::{to_safe_html, Resource, ResourceType};
use crate::i18n::t;
use crate::lang::Lang;
use crate::search::pathway::Pathway;
use crate::search::related::{Related, RelatedHit};
use crate::search::{t_label, Hit, SearchRequest, SearchResponse};
use maud::{html, Markup, PreEscaped};

/// The URL of a search page with these parameters.
pub fn search_url(
    lang: Lang,
    q: &str,
    domains: &[String],
    types: &[ResourceType],
    page: usize,
) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        s.append_pair("q", q);
    }
    for d in domains {
        s.append_pair("domain", d);
    }
    for k in types {
        s.append_pair("type", k.as_str());
    }
    if page > 1 {
        s.append_pair("page", &page.to_string());
    }
    let query = s.finish();
    if query.is_empty() {
        format!("/{}/search", lang.code())
    } else {
        format!("/{}/search?{query}", lang.code())
    }
}

pub fn home(c: &Chrome, browse: &SearchResponse) -> Markup {
    let lang = c.lang;
    let domains = &c.meta.domains;
    let main = html! {
        section.hero {
            h1 { (t(lang, "site.tagline")) }
            p.lead { (t(lang, "home.intro")) }
            (search_form(lang, "", true, &[]))
            p.examples {
                (t(lang, "home.examples")) " "
                @for (i, key) in ["home.example1", "home.example2", "home.example3"].iter().enumerate() {
                    @if i > 0 { " · " }
                    a href=(search_url(lang, t(lang, key), &[], &[], 1)) { (t(lang, key)) }
                }
            }
        }
        section aria-labelledby="domains-h" {
            h2 #domains-h { (t(lang, "home.domains")) }
            ul.cards {
                @for (d, facet) in domains.iter().zip(&browse.facets.domain) {
                    li.card style={ "--dc:" (d.color) } {
                        h3 { a href={ "/" (lang.code()) "/domains/" (d.id) } { span.dot aria-hidden="true" {} (d.label(lang)) } }
                        p { (d.describe(lang)) }
                        p.count { (fmt(t(lang, "home.count"), &[("n", &facet.count.to_string())])) }
                    }
                }
            }
        }
        section aria-labelledby="types-h" {
            h2 #types-h { (t(lang, "home.types")) }
            ul.types {
                @for f in &browse.facets.kind {
                    li {
                        a href={ "/" (lang.code()) "/search?type=" (f.value) } {
                            strong { (f.count) } " " (f.label)
                        }
                    }
                }
            }
        }
        section.how aria-labelledby="how-h" {
            h2 #how-h { (t(lang, "home.how")) }
            div.two {
                div { h3 { (t(lang, "home.how.alone.title")) } p { (t(lang, "home.how.alone")) } }
                div { h3 { (t(lang, "home.how.team.title")) } p { (t(lang, "home.how.team")) } }
            }
        }
    };
    layout(c, main)
}

pub fn search(
    c: &Chrome,
    req: &SearchRequest,
    answer: &SearchResponse,
    did_you_mean: Option<&str>,
    pathway: Option<&Pathway>,
) -> Markup {
    let lang = c.lang;
    let domains = &c.meta.domains;
    let q = req.q.as_str();
    let count = if answer.total == 1 {
        t(lang, "search.result_one").to_string()
    } else {
        fmt(
            t(lang, "search.results"),
            &[("n", &answer.total.to_string())],
        )
    };
    let selected = !req.domains.is_empty() || !req.types.is_empty();
    let pages = answer
        .total
        .div_ceil(req.per_page)
        .min(crate::search::MAX_DEPTH / req.per_page);
    let here = search_url(lang, q, &req.domains, &req.types, req.page);
    let cards = Cards {
        lang,
        domains,
        back: &here,
        basket: c.basket,
        within: &req.domains,
    };
    let main = html! {
        form #search-form.searchpage action={ "/" (lang.code()) "/search" } method="get" {
            div.searchbar {
                label for="q" { (t(lang, "search.label")) }
                div.field {
                    input #q type="search" name="q" value=(q) placeholder=(t(lang, "search.placeholder"))
                        autocomplete="off" maxlength="1000" data-suggest={ "/api/suggest?lang=" (lang.code()) };
                    button type="submit" { (t(lang, "search.button")) }
                }
            }
            div.columns {
                section #results.results aria-labelledby="results-h" {
                    h1 #results-h {
                        (count)
                        @if !q.is_empty() { " " span.for { (fmt(t(lang, "search.results_for"), &[("q", q)])) } }
                    }
                    p.jump { a href="#facets-h" { (t(lang, "facets.jump")) } }
                    @if selected {
                        div.chips aria-label=(t(lang, "facets.active")) {
                            @for d in &req.domains {
                                @let label = domain_of(domains, d).map_or(d.as_str(), |x| x.label(lang));
                                @let rest: Vec<String> = req.domains.iter().filter(|x| *x != d).cloned().collect();
                                a.chip href=(search_url(lang, q, &rest, &req.types, 1)) aria-label=(fmt(t(lang, "chips.remove"), &[("f", label)])) {
                                    (label) span aria-hidden="true" { " ×" }
                                }
                            }
                            @for k in &req.types {
                                @let label = t_label(lang, *k);
                                @let rest: Vec<ResourceType> = req.types.iter().filter(|x| *x != k).copied().collect();
                                a.chip href=(search_url(lang, q, &req.domains, &rest, 1)) aria-label=(fmt(t(lang, "chips.remove"), &[("f", label)])) {
                                    (label) span aria-hidden="true" { " ×" }
                                }
                            }
                            a.clear href=(search_url(lang, q, &[], &[], 1)) { (t(lang, "facets.clear")) }
                        }
                    }
                    @if !answer.expanded.is_empty() {
                        @let terms: Vec<&str> = answer.expanded.iter()
                            .filter_map(|id| c.meta.vocabulary.concepts.iter().find(|k| &k.id == id))
                            .flat_map(|k| k.terms.get(&lang).or_else(|| k.terms.values().next()).into_iter().flatten().take(3))
                            .map(String::as_str)
                            .collect();
                        p.expanded { small { (fmt(t(lang, "search.expanded"), &[("terms", &terms.join(", "))])) } }
                    }
                    @if answer.cross_language {
                        p.expanded { small { (t(lang, "search.cross_language")) } }
                    }
                    @if let Some(better) = did_you_mean {
                        p.dym { (t(lang, "search.did_you_mean")) " " a href=(search_url(lang, better, &req.domains, &req.types, 1)) { strong { (better) } } " ?" }
                    }
                    @if let Some(p) = pathway {
                        section.pathway aria-labelledby="pathway-h" {
                            h2 #pathway-h { (t(lang, "search.pathway")) }
                            ol {
                                @for (hit, why) in &p.steps {
                                    li {
                                        span.type { (type_label(lang, hit.kind)) }
                                        a href=(hit.url) lang=(hit.lang.code()) { (hit.title) }
                                        @if hit.fallback { " " (fallback_notice(lang, hit.lang)) }
                                        small { (why) }
                                    }
                                }
                            }
                        }
                    }
                    @if answer.hits.is_empty() {
                        div.empty {
                            p { @if q.is_empty() { (t(lang, "search.none_browse")) } @else { (fmt(t(lang, "search.none"), &[("q", q)])) } }
                            @if selected {
                                p { (t(lang, "search.remove_filter")) }
                            }
                            p { (t(lang, "search.tips")) " " a href={ "/" (lang.code()) "/" } { (t(lang, "nav.domains")) } }
                        }
                    }
                    @let offset = (req.page - 1) * req.per_page;
                    @let weaker = answer.weaker_from.map(|w| w.saturating_sub(offset));
                    ol.hits start=(offset + 1) {
                        @for (i, hit) in answer.hits.iter().enumerate() {
                            @if weaker == Some(i) {
                                li.weaker role="separator" { (t(lang, "search.weaker")) }
                            }
                            li { (hit_card(hit, &cards, "h2")) }
                        }
                    }
                    @if pages > 1 {
                        nav.pages aria-label=(t(lang, "pagination.label")) {
                            @if req.page > 1 {
                                a rel="prev" href=(search_url(lang, q, &req.domains, &req.types, req.page - 1)) { "‹ " (t(lang, "pagination.prev")) }
                            }
                            @for p in page_window(req.page, pages) {
                                @if p == req.page {
                                    span aria-current="page" { (p) }
                                } @else {
                                    a href=(search_url(lang, q, &req.domains, &req.types, p)) aria-label=(fmt(t(lang, "pagination.page"), &[("n", &p.to_string())])) { (p) }
                                }
                            }
                            @if req.page < pages {
                                a rel="next" href=(search_url(lang, q, &req.domains, &req.types, req.page + 1)) { (t(lang, "pagination.next")) " ›" }
                            }
                        }
                    }
                }
                aside.facets aria-labelledby="facets-h" {
                    h2 #facets-h { (t(lang, "facets.title")) }
                    fieldset {
                        legend { (t(lang, "facets.domain")) }
                        @for f in &answer.facets.domain {
                            label.facet style={ "--dc:" (f.color.as_deref().unwrap_or("#666")) } {
                                input type="checkbox" name="domain" value=(f.value) checked[f.selected];
                                span.dot aria-hidden="true" {}
                                span.name { (f.label) }
                                span.n { (f.count) }
                            }
                        }
                    }
                    fieldset {
                        legend { (t(lang, "facets.type")) }
                        @for f in &answer.facets.kind {
                            label.facet {
                                input type="checkbox" name="type" value=(f.value) checked[f.selected];
                                span.name { (f.label) }
                                span.n { (f.count) }
                            }
                        }
                    }
                    button.apply type="submit" { (t(lang, "facets.apply")) }
                }
            }
        }
    };
    layout(c, main)
}

fn page_window(current: usize, pages: usize) -> Vec<usize> {
    let start = current.saturating_sub(3).max(1);
    let end = (start + 6).min(pages);
    (start..=end).collect()
}

/// A resource with its related panels.
pub fn resource(
    c: &Chrome,
    r: &Resource,
    recommendations: &[(String, String)],
    related: &Related,
) -> Markup {
    let lang = c.lang;
    let domains = &c.meta.domains;
    let crate::content::Version {
        lang: shown,
        text: version,
        fallback,
    } = r.version(lang, &c.meta.site.fallback);
    let main_domain = domain_of(domains, &r.domain);
    // Recommendations the resource illustrates are listed above the panels: not again.
    let others: Vec<RelatedHit> = related
        .recommendations
        .iter()
        .filter(|h| !recommendations.iter().any(|(id, _)| *id == h.hit.id))
        .cloned()
        .collect();
    let main = html! {
        nav.crumbs aria-label=(t(lang, "breadcrumb.label")) {
            ol {
                li { a href={ "/" (lang.code()) "/" } { (t(lang, "breadcrumb.home")) } }
                @if let Some(d) = main_domain {
                    li { a href={ "/" (lang.code()) "/domains/" (d.id) } { (d.label(lang)) } }
                }
                li aria-current="page" { (version.title) }
            }
        }
        article.resource style={ "--dc:" (main_domain.map_or("#666", |d| d.color.as_str())) } {
            header {
                p.kicker { span.type { (type_label(lang, r.kind)) } @if r.kind == ResourceType::Recommendation { " " span.rid { (r.id) } } }
                h1 lang=(shown.code()) { (version.title) }
                @if fallback {
                    p {
                        (fallback_notice(lang, shown))
                        @if shown != r.original {
                            " " a.original href=(crate::content::page_path(r.original, &r.id)) lang=(r.original.code()) hreflang=(r.original.code()) {
                                (fmt(t(lang, "fallback.original"), &[("lang", t(lang, &format!("langname.{}", r.original.code())))]))
                            }
                        }
                    }
                }
                @if !version.summary.is_empty() { p.summary lang=(shown.code()) { (version.summary) } }
                dl.facts {
                    dt { (t(lang, "resource.domain")) }
                    dd { @for d in r.all_domains() { (domain_badge(domains, d, lang)) " " } }
                    @if let Some(v) = &r.country { dt { (t(lang, "resource.country")) } dd { (super::country(lang, v)) } }
                    @if let Some(v) = &r.organisation { dt { (t(lang, "resource.organisation")) } dd { (v) } }
                    @if let Some(v) = &version.audience { dt { (t(lang, "resource.audience")) } dd { (v) } }
                    @if let Some(v) = &version.duration { dt { (t(lang, "resource.duration")) } dd { (v) } }
                    @if let Some(v) = &r.updated { dt { (t(lang, "resource.updated")) } dd { (super::date(lang, v)) } }
                    dt { (t(lang, "resource.read_in")) }
                    dd.translations {
                        @for l in r.translations.keys() {
                            @if *l == shown { span aria-current="true" lang=(l.code()) { (l.native_name()) } }
                            @else { a href=(crate::content::page_path(*l, &r.id)) lang=(l.code()) hreflang=(l.code()) { (l.native_name()) } }
                            " "
                        }
                    }
                }
            }
            (actions(c, r))
            div.body lang=(shown.code()) { (PreEscaped(to_safe_html(&version.markdown))) }
            @if !version.tags.is_empty() {
                p.tags { span { (t(lang, "resource.tags")) ": " } @for tag in &version.tags { a href=(search_url(lang, tag, &[], &[], 1)) { (tag) } " " } }
            }
            @if !recommendations.is_empty() {
                section.illustrates aria-labelledby="rec-h" {
                    h2 #rec-h { (t(lang, "resource.illustrates")) }
                    ul { @for (id, title) in recommendations { li { a href=(crate::content::page_path(lang, id)) { span.rid { (id) } " " (title) } } } }
                }
            }
        }
        div.related {
            (panel(lang, "related.cases", "rel-cases", &related.cases, domains))
            (panel(lang, "related.tools", "rel-tools", &related.tools, domains))
            @if !related.practices.is_empty() { (panel(lang, "related.practices", "rel-practices", &related.practices, domains)) }
            @if !others.is_empty() && r.kind != ResourceType::Recommendation { (panel(lang, "related.recommendations", "rel-recs", &others, domains)) }
            @if !related.modules.is_empty() { (panel(lang, "related.modules", "rel-modules", &related.modules, domains)) }
        }
    };
    layout(c, main)
}

/// The resource's actions. On a module, preparing the session pack is the main one (a filled
/// button, with what the pack holds); adding to one's session is secondary (outlined).
fn actions(c: &Chrome, r: &Resource) -> Markup {
    let lang = c.lang;
    let here = crate::content::page_path(lang, &r.id);
    html! {
        div.actions {
            @if r.kind == ResourceType::Module {
                p.primary-action {
                    a.button.primary href={ "/" (lang.code()) "/modules/" (r.id.strip_prefix("modules/").unwrap_or(&r.id)) "/pack" } aria-describedby="pack-what" {
                        (t(lang, "pack.open_module"))
                    }
                    " " small #pack-what { (t(lang, "pack.open_module_what")) }
                }
            }
            p { (add_link(lang, &r.id, &here, c.basket, "button secondary")) }
        }
    }
}

/// Reasons as one line that reads as a sentence: "Suggested by the authors with this
/// resource · also applies recommendation R5.2".
fn sentence(reasons: &[String]) -> String {
    let line = reasons.join(" · ");
    let mut chars = line.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => line,
    }
}

fn panel(
    lang: Lang,
    key: &str,
    id: &str,
    hits: &[RelatedHit],
    domains: &[crate::content::Domain],
) -> Markup {
    html! {
        section.panel #(id) aria-labelledby={ (id) "-h" } {
            h2 id={ (id) "-h" } { (t(lang, key)) }
            @if hits.is_empty() {
                p.muted { (t(lang, "related.none")) }
            } @else {
                ul {
                    @for h in hits {
                        li style={ "--dc:" (domain_of(domains, &h.hit.domain).map_or("#666", |d| d.color.as_str())) } {
                            a href=(h.hit.url) lang=(h.hit.lang.code()) { (h.hit.title) }
                            @if h.hit.fallback { " " (fallback_notice(lang, h.hit.lang)) }
                            small.why { (sentence(&h.reasons)) }
                        }
                    }
                }
            }
        }
    }
}

/// A domain: its description, its recommendations, then its resources grouped by type.
pub fn domain(
    c: &Chrome,
    d: &crate::content::Domain,
    groups: &[(ResourceType, Vec<Hit>, usize)],
) -> Markup {
    let lang = c.lang;
    let domains = &c.meta.domains;
    let here = format!("/{}/domains/{}", lang.code(), d.id);
    let cards = Cards {
        lang,
        domains,
        back: &here,
        basket: c.basket,
        within: std::slice::from_ref(&d.id),
    };
    let main = html! {
        nav.crumbs aria-label=(t(lang, "breadcrumb.label")) {
            ol {
                li { a href={ "/" (lang.code()) "/" } { (t(lang, "breadcrumb.home")) } }
                li aria-current="page" { (d.label(lang)) }
            }
        }
        header.domainhead style={ "--dc:" (d.color) } {
            h1 { span.dot aria-hidden="true" {} (d.label(lang)) }
            p.lead { (d.describe(lang)) }
        }
        @if groups.iter().all(|(_, hits, _)| hits.is_empty()) {
            p.muted { (t(lang, "domain.empty")) }
        }
        @for (kind, hits, total) in groups {
            @if !hits.is_empty() {
                section.group aria-labelledby={ "g-" (kind.as_str()) } {
                    h2 id={ "g-" (kind.as_str()) } {
                        @if *kind == ResourceType::Recommendation { (t(lang, "domain.recommendations")) } @else { (t_label(lang, *kind)) }
                        " " span.n { "(" (total) ")" }
                    }
                    ol.hits.compact {
                        @for hit in hits { li { (hit_card(hit, &cards, "h3")) } }
                    }
                    @if *total > hits.len() {
                        p { a href=(search_url(lang, "", std::slice::from_ref(&d.id), &[*kind], 1)) { (t(lang, "search.all")) " (" (total) ")" } }
                    }
                }
            }
        }
    };
    layout(c, main)
}

pub fn not_found(c: &Chrome) -> Markup {
    let lang = c.lang;
    layout(
        c,
        html! {
            h1 { (t(lang, "notfound.title")) }
            p { (t(lang, "notfound.text")) }
            (search_form(lang, "", false, &[]))
        },
    )
}
