//! A resource's card: what a result list and the related panels need of it (ids, type,
//! domains, links, and title and summary per language), stored apart from the full resource
//! so that showing ten hits never parses ten whole documents.

use crate::content::{Resource, ResourceType};
use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ResourceType,
    pub domain: String,
    pub domains: Vec<String>,
    pub recommendations: Vec<String>,
    pub related: Vec<String>,
    pub original: Lang,
    /// Title and summary of each language version.
    pub versions: BTreeMap<Lang, (String, String)>,
}

impl Card {
    pub fn of(r: &Resource) -> Card {
        Card {
            id: r.id.clone(),
            kind: r.kind,
            domain: r.domain.clone(),
            domains: r.domains.clone(),
            recommendations: r.recommendations.clone(),
            related: r.related.clone(),
            original: r.original,
            versions: r
                .translations
                .iter()
                .map(|(l, t)| (*l, (t.title.clone(), t.summary.clone())))
                .collect(),
        }
    }

    /// The title and summary to show to someone who asked for `lang`, chosen as
    /// [`Resource::version`](crate::content::Resource::version) does.
    pub fn version(&self, lang: Lang, fallback: &[Lang]) -> CardVersion<'_> {
        let shown = crate::lang::shown(lang, fallback, self.original, |l| {
            self.versions.contains_key(&l)
        });
        let (title, summary) = &self.versions[&shown];
        CardVersion {
            lang: shown,
            title,
            summary,
            fallback: shown != lang,
        }
    }

    pub fn all_domains(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.domain.as_str()).chain(self.domains.iter().map(String::as_str))
    }
}

/// A card as shown in one language.
#[derive(Debug, Clone, Copy)]
pub struct CardVersion<'a> {
    /// The language shown: the one asked for, else a fallback language or the original's.
    pub lang: Lang,
    pub title: &'a str,
    pub summary: &'a str,
    /// Another language is shown because there is no translation in the one asked for.
    pub fallback: bool,
}
