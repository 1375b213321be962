//! The content folder: Markdown files with YAML front matter, grouped into resources by path,
//! validated, with every problem collected and located.

mod domains;
pub mod front_matter;
mod load;
mod markdown;
mod problem;
mod redirects;
mod state;
mod vocabulary;
pub mod yaml;

pub use domains::{parse_domains, parse_site, Domain, Site};
pub use front_matter::FrontMatter;
pub use load::{is_ignored_name, parse_source, LoadOptions};
pub use markdown::{plain_text, to_safe_html};
pub use problem::{Problem, Severity};
pub use redirects::{normalise_path, RedirectEntry, RedirectTarget, Redirects, REDIRECTS_FILE};
pub use state::{corpus_of, load, Change, CorpusState, Resumed, Walk};
pub use vocabulary::{Concept, Vocabulary};

/// Files at the corpus root that configure the whole corpus: a change to one revalidates
/// every resource.
pub const CONFIG_FILES: [&str; 4] = [
    "domains.yaml",
    "site.yaml",
    "vocabulary.yaml",
    redirects::REDIRECTS_FILE,
];

/// Whether `rel` (a path relative to the corpus root) is one of the [`CONFIG_FILES`].
pub fn is_config_file(rel: &str) -> bool {
    CONFIG_FILES.contains(&rel)
}

/// `path` (absolute, or relative to the corpus) relative to the canonical corpus `root`, with
/// `/` separators; `None` for a path outside the corpus.
pub fn corpus_path(root: &std::path::Path, path: &std::path::Path) -> Option<String> {
    load::inside(root, path).map(|rel| load::relative(root, rel))
}

use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The five kinds of resource of the platform, in the order the platform presents them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResourceType {
    Recommendation,
    Module,
    Case,
    Tool,
    Practice,
}

impl ResourceType {
    /// How many types there are: the size of every per-type table.
    pub const COUNT: usize = 5;
    pub const ALL: [ResourceType; ResourceType::COUNT] = [
        ResourceType::Recommendation,
        ResourceType::Module,
        ResourceType::Case,
        ResourceType::Tool,
        ResourceType::Practice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::Recommendation => "recommendation",
            ResourceType::Module => "module",
            ResourceType::Case => "case",
            ResourceType::Tool => "tool",
            ResourceType::Practice => "practice",
        }
    }

    pub fn parse(s: &str) -> Option<ResourceType> {
        ResourceType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The type implied by a conventional top folder, so editors may omit `type:`.
    pub fn from_folder(folder: &str) -> Option<ResourceType> {
        match folder {
            "model" => Some(ResourceType::Recommendation),
            "modules" => Some(ResourceType::Module),
            "cases" => Some(ResourceType::Case),
            "tools" => Some(ResourceType::Tool),
            "practices" => Some(ResourceType::Practice),
            _ => None,
        }
    }
}

/// One language version of a resource, as written in its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Translation {
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub audience: Option<String>,
    pub duration: Option<String>,
    pub markdown: String,
    /// The file, relative to the corpus.
    pub path: String,
}

/// A resource: one id, its metadata (from the original), and its language versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub id: String,
    /// The shared path of its files without language suffix (`cases/x`): what the watcher and
    /// the index use to find the files of one resource.
    pub key: String,
    #[serde(rename = "type")]
    pub kind: ResourceType,
    pub domain: String,
    /// Secondary domains.
    pub domains: Vec<String>,
    pub recommendations: Vec<String>,
    pub related: Vec<String>,
    /// The language of the original file.
    pub original: Lang,
    pub country: Option<String>,
    pub organisation: Option<String>,
    pub updated: Option<String>,
    pub translations: BTreeMap<Lang, Translation>,
    /// Hash of its files' bytes, so an unchanged resource is never reindexed.
    pub content_hash: String,
}

impl Resource {
    /// The version to show to someone who asked for `lang`: its translation, else the first
    /// of the site's `fallback` languages it has, else the original.
    pub fn version(&self, lang: Lang, fallback: &[Lang]) -> Version<'_> {
        let shown = crate::lang::shown(lang, fallback, self.original, |l| {
            self.translations.contains_key(&l)
        });
        Version {
            lang: shown,
            text: &self.translations[&shown],
            fallback: shown != lang,
        }
    }

    /// Main and secondary domains together, main first.
    pub fn all_domains(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.domain.as_str()).chain(self.domains.iter().map(String::as_str))
    }

    /// The page path of the resource: the id's own path (`cases/x`).
    pub fn page_url(&self, lang: Lang) -> String {
        page_path(lang, &self.id)
    }
}

/// Characters of an id that cannot stand as they are in a URL path segment.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The page path of the resource with this id in `lang` (`/fr/r/cases/x`), each segment of the
/// id percent-encoded: an id (a file name) may hold a space, `#` or `?`.
pub fn page_path(lang: Lang, id: &str) -> String {
    let segments: Vec<String> = id
        .split('/')
        .map(|s| percent_encoding::utf8_percent_encode(s, PATH_SEGMENT).to_string())
        .collect();
    format!("/{}/r/{}", lang.code(), segments.join("/"))
}

/// Why `id` cannot be a resource id, if it cannot: it must make a page address that every
/// browser and server reads back the same way.
pub fn invalid_id(id: &str) -> Option<&'static str> {
    if id.is_empty() || id.len() > 200 {
        Some("it must have 1 to 200 characters")
    } else if id.chars().any(char::is_control) {
        Some("it holds a control character (a line break or a tab)")
    } else if id != id.trim() {
        Some("it starts or ends with a space")
    } else if id.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
        Some("it has an empty, `.` or `..` part between slashes")
    } else if id.contains('\\') {
        Some("it holds a backslash")
    } else {
        None
    }
}

/// A resource as shown in one language.
#[derive(Debug, Clone, Copy)]
pub struct Version<'a> {
    /// The language shown: the one asked for, else a fallback language or the original's.
    pub lang: Lang,
    pub text: &'a Translation,
    /// Another language is shown because there is no translation in the one asked for.
    pub fallback: bool,
}

/// Everything read from a content folder.
#[derive(Debug, Default)]
pub struct Corpus {
    pub site: Site,
    pub vocabulary: std::sync::Arc<Vocabulary>,
    pub domains: Vec<Domain>,
    /// Old addresses and the resources they moved to (`redirects.yaml`).
    pub redirects: std::sync::Arc<Redirects>,
    pub resources: Vec<Resource>,
    pub problems: Vec<Problem>,
    /// Content files read (Markdown files, including invalid ones).
    pub files: usize,
    /// Resource keys with at least one file in error: the index keeps their last good version.
    pub failed_keys: BTreeSet<String>,
}

impl Corpus {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }
}
