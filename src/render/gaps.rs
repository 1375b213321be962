//! The gap report page (`/admin/gaps`): the top unanswered searches by language and domain
//! filter, each with the resources closest to it, in the UI language, without JavaScript.

use super::{domain_of, fmt, layout, type_label, Chrome};
use crate::gaps::report::Gap;
use crate::gaps::{GapSettings, Outcome};
use crate::i18n::t;
use maud::{html, Markup};

pub fn page(c: &Chrome, gaps: Option<&[Gap]>, settings: Option<&GapSettings>) -> Markup {
    let lang = c.lang;
    let main = html! {
        h1 { (t(lang, "gaps.title")) }
        @match (gaps, settings) {
            (Some(gaps), Some(s)) => {
                p.lead { (fmt(t(lang, "gaps.intro"), &[("k", &s.min_count.to_string()), ("days", &s.retention_days.to_string())])) }
                (filter_form(c))
                @if gaps.is_empty() {
                    p.empty { (t(lang, "gaps.empty")) }
                }
                (groups(c, gaps))
            }
            _ => { p.empty { (t(lang, "gaps.off")) } }
        }
    };
    layout(c, main)
}

/// A GET form: the language of the searches shown.
fn filter_form(c: &Chrome) -> Markup {
    let lang = c.lang;
    html! {
        form.gapfilter action="/admin/gaps" method="get" {
            input type="hidden" name="lang" value=(lang.code());
            label for="of" { (t(lang, "gaps.search_lang")) }
            " "
            select #of name="of" {
                option value="" { (t(lang, "gaps.any_lang")) }
                @for l in &c.meta.site.languages {
                    option value=(l.code()) { (t(lang, &format!("langname.{}", l.code()))) }
                }
            }
            " "
            button type="submit" { (t(lang, "gaps.show")) }
        }
    }
}

/// The domain filter of a group, as the visitor reads it.
fn filter_label(c: &Chrome, domains: &[String]) -> String {
    if domains.is_empty() {
        return t(c.lang, "gaps.all_domains").to_string();
    }
    domains
        .iter()
        .map(|d| domain_of(&c.meta.domains, d).map_or(d.as_str(), |x| x.label(c.lang)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn groups(c: &Chrome, gaps: &[Gap]) -> Markup {
    let lang = c.lang;
    let mut starts: Vec<usize> = Vec::new();
    for (i, g) in gaps.iter().enumerate() {
        let k = &g.row.key;
        if i == 0
            || (gaps[i - 1].row.key.lang, &gaps[i - 1].row.key.domains) != (k.lang, &k.domains)
        {
            starts.push(i);
        }
    }
    starts.push(gaps.len());
    html! {
        @for w in starts.windows(2) {
            @let first = &gaps[w[0]].row.key;
            section.gaps {
                h2 { (t(lang, &format!("langname.{}", first.lang.code()))) " · " (filter_label(c, &first.domains)) }
                ol start=(w[0] + 1) {
                    @for g in &gaps[w[0]..w[1]] { li { (gap(c, g)) } }
                }
            }
        }
    }
}

fn gap(c: &Chrome, g: &Gap) -> Markup {
    let lang = c.lang;
    let k = &g.row.key;
    let seen = fmt(
        t(lang, "gaps.seen"),
        &[
            ("days", &g.row.days.to_string()),
            ("n", &g.row.searches.to_string()),
            ("date", &crate::gaps::date_of(g.row.last_day)),
        ],
    );
    let outcome = match k.outcome {
        Outcome::None => t(lang, "gaps.none"),
        Outcome::Weak => t(lang, "gaps.weak"),
    };
    html! {
        p {
            strong.terms lang=(k.lang.code()) { (k.terms.join(" ")) }
            @for kind in &k.types { " " span.type { (type_label(lang, *kind)) } }
            " · " span.outcome { (outcome) }
        }
        p.muted { (seen) " · " (fmt(t(lang, "gaps.today"), &[("n", &g.total_now.to_string())])) }
        @if g.closest.is_empty() {
            p.muted { (t(lang, "gaps.no_closest")) }
        } @else {
            p { (t(lang, if g.outside_filters { "gaps.closest_outside" } else { "gaps.closest" })) ":" }
            ul.closest {
                @for r in &g.closest {
                    li { span.type { (type_label(lang, r.kind)) } " " a href=(r.url) { (r.title) } " " small { "(" (format!("{:.2}", r.score)) ")" } }
                }
            }
        }
    }
}
