//! The editors' view of the gap counts: the top unanswered searches, grouped by language and
//! domain filter, each with the resources that come closest today (the search is run again
//! when the report is made, so a gap filled since shows its new answers). `/admin/gaps` and
//! `profint gaps` both show this.

use super::store::{Outcome, Row};
use crate::content::ResourceType;
use crate::index::SearchIndex;
use crate::lang::Lang;
use crate::search::{self, Scope, SearchRequest};
use std::io::Write;

/// Resources shown under each gap.
const CLOSEST: usize = 3;

/// Which gaps to show.
#[derive(Debug, Clone)]
pub struct Filter {
    /// Only searches made in this language.
    pub lang: Option<Lang>,
    /// Only searches filtered on this domain.
    pub domain: Option<String>,
    /// At most this many gaps.
    pub limit: usize,
}

/// A resource that comes close to a gap.
#[derive(Debug, Clone)]
pub struct Closest {
    pub id: String,
    pub title: String,
    pub url: String,
    pub kind: ResourceType,
    pub score: f32,
}

/// One gap of the report.
#[derive(Debug, Clone)]
pub struct Gap {
    pub row: Row,
    pub closest: Vec<Closest>,
    /// Results the search finds today.
    pub total_now: usize,
    /// Nothing matched within the filters; `closest` comes from the whole corpus.
    pub outside_filters: bool,
}

/// The report: gaps in rank order, then grouped by language and domain filter.
pub fn build(rows: Vec<Row>, filter: &Filter, index: &SearchIndex, scope: Scope) -> Vec<Gap> {
    let mut gaps: Vec<Gap> = rows
        .into_iter()
        .filter(|r| filter.lang.is_none_or(|l| r.key.lang == l))
        .filter(|r| {
            filter
                .domain
                .as_ref()
                .is_none_or(|d| r.key.domains.contains(d))
        })
        .take(filter.limit)
        .map(|row| closest(row, index, scope))
        .collect();
    // A stable sort keeps the rank order within each group.
    gaps.sort_by(|a, b| {
        (a.row.key.lang, &a.row.key.domains).cmp(&(b.row.key.lang, &b.row.key.domains))
    });
    gaps
}

fn closest(row: Row, index: &SearchIndex, scope: Scope) -> Gap {
    let key = &row.key;
    let mut req = SearchRequest::new(&key.terms.join(" "), key.lang);
    req.domains = key.domains.clone();
    req.types = key.types.clone();
    req.per_page = CLOSEST;
    req.snippets = false;
    let mut answer = search::search(index, scope, &req).ok();
    let mut outside_filters = false;
    if answer.as_ref().is_none_or(|a| a.total == 0)
        && !(req.domains.is_empty() && req.types.is_empty())
    {
        req.domains.clear();
        req.types.clear();
        answer = search::search(index, scope, &req).ok();
        outside_filters = true;
    }
    let total_now = if outside_filters {
        0
    } else {
        answer.as_ref().map_or(0, |a| a.total)
    };
    let closest = answer
        .map(|a| a.hits)
        .unwrap_or_default()
        .into_iter()
        .map(|h| Closest {
            id: h.id,
            title: h.title,
            url: h.url,
            kind: h.kind,
            score: h.score,
        })
        .collect();
    Gap {
        row,
        closest,
        total_now,
        outside_filters,
    }
}

/// "no result" / "weak results", in English for the terminal.
fn outcome_text(o: Outcome) -> &'static str {
    match o {
        Outcome::None => "no result",
        Outcome::Weak => "weak results",
    }
}

/// The filters of a gap ("all domains", "domain: emploi; types: case, tool").
pub fn filters_text(domains: &[String], types: &[ResourceType]) -> String {
    let mut parts = Vec::new();
    if !domains.is_empty() {
        parts.push(format!("domain: {}", domains.join(", ")));
    }
    if !types.is_empty() {
        let t: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
        parts.push(format!("type: {}", t.join(", ")));
    }
    if parts.is_empty() {
        "all domains".to_string()
    } else {
        parts.join("; ")
    }
}

/// The report as text, for `profint gaps`.
pub fn write_text(gaps: &[Gap], out: &mut impl Write) -> std::io::Result<()> {
    let mut group: Option<(Lang, &[String])> = None;
    for (i, g) in gaps.iter().enumerate() {
        let k = &g.row.key;
        if group != Some((k.lang, &k.domains)) {
            writeln!(
                out,
                "\n{} · {}",
                k.lang.code(),
                filters_text(&k.domains, &[])
            )?;
            group = Some((k.lang, &k.domains));
        }
        let types = if k.types.is_empty() {
            String::new()
        } else {
            format!(" [{}]", filters_text(&[], &k.types))
        };
        writeln!(
            out,
            "{:>3}. «{}»{types} · {} · {} days, {} searches, last {} · {} results today",
            i + 1,
            k.terms.join(" "),
            outcome_text(k.outcome),
            g.row.days,
            g.row.searches,
            super::date_of(g.row.last_day),
            g.total_now
        )?;
        for c in &g.closest {
            let note = if g.outside_filters {
                " (outside the filters)"
            } else {
                ""
            };
            writeln!(
                out,
                "       closest: {} — {} ({:.2}){note}",
                c.id, c.title, c.score
            )?;
        }
    }
    Ok(())
}
