//! `profint import wordpress EXPORT.xml --out corpus/`: brings a WordPress site's content (a
//! WXR export, with Polylang or WPML translations) into a profint corpus: one Markdown file
//! per published post, grouped by translation set, typed and filed by a mapping; a redirect
//! table for the old addresses; `domains.yaml` when the corpus has none.
//!
//! Every item of the export is accounted for: imported, skipped (with its reason), or not
//! imported (with its title and why). Running the same import again writes nothing.

pub mod languages;
pub mod mapping;
pub mod markdown;
mod output;
pub mod php;
pub mod plan;
pub mod shortcodes;
pub mod wxr;

use crate::content::{RedirectEntry, REDIRECTS_FILE};
use crate::lang::Lang;
use mapping::{Categories, Mapper, Mapping};
use output::{FileFacts, NewDomain, OutFile, Written};
use plan::{Note, Plan, Planned, Skip};
use shortcodes::{Attachment, Media};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use wxr::{Export, Item};

/// What to import, and where.
#[derive(Debug, Clone)]
pub struct Options {
    pub export: PathBuf,
    pub out: PathBuf,
    pub map: Option<PathBuf>,
    /// The language of posts without language information [default: the corpus's
    /// `site.yaml` default language, else `fr`].
    pub default_lang: Option<Lang>,
}

/// What an import did, item by item.
#[derive(Debug, Default)]
pub struct Report {
    pub export_name: String,
    pub items: usize,
    pub imported: usize,
    pub resources: usize,
    pub skipped: BTreeMap<Skip, usize>,
    pub not_imported: Vec<Note>,
    pub warnings: Vec<Note>,
    pub files: Written,
    pub redirects: usize,
    /// Number of domains, when `domains.yaml` was written.
    pub domains_written: Option<usize>,
    /// Files written by an earlier import whose post is no longer exported (left in place).
    pub stale: Vec<String>,
}

/// Runs the import and prints its summary and problems; the exit code is 1 when some items
/// could not be imported.
pub fn run_wordpress(options: &Options) -> anyhow::Result<i32> {
    let report = wordpress(options)?;
    println!("{}", report.summary_line());
    for line in report.problem_lines() {
        println!("{line}");
    }
    Ok(if report.not_imported.is_empty() { 0 } else { 1 })
}

/// Imports an export into the corpus folder.
pub fn wordpress(options: &Options) -> anyhow::Result<Report> {
    let bytes = std::fs::read(&options.export)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", options.export.display()))?;
    let export =
        wxr::parse(&bytes).map_err(|e| anyhow::anyhow!("{}:{e}", options.export.display()))?;
    let target = Target::read(&options.out, options.default_lang)?;
    let mapping = match &options.map {
        Some(path) => Mapping::load(path)?,
        None => Mapping::default(),
    };
    let domain_ids = match &target.domain_ids {
        Some(known) => {
            mapping.check_domains(known).map_err(|e| {
                anyhow::anyhow!("{}:{e}", options.map.clone().unwrap_or_default().display())
            })?;
            known.clone()
        }
        None => mapping.domain_ids().into_iter().collect(),
    };
    let translations = languages::Translations::from_terms(&export.terms);
    let categories = Categories::from_terms(&export.terms);
    let mapper = Mapper {
        mapping: &mapping,
        categories: &categories,
        translations: &translations,
        domain_ids: &domain_ids,
    };
    let site = SiteAddresses::of(&export);
    let key_is_free =
        |key: &str, planned: &Planned<'_>| site.key_is_free(&options.out, key, planned);
    let plan = plan::plan(
        &export,
        &mapper,
        &translations,
        target.languages,
        &key_is_free,
    );
    let mut report = Report::from_plan(&plan, &options.export);
    let media = media_library(&export);
    let files = render(&plan, &site, &media, &mut report);
    report.files = output::write_all(&options.out, &files)?;
    report.redirects = write_redirects(&options.out, &plan, &site, &mut report)?;
    if target.domain_ids.is_none() {
        let domains = new_domains(
            &mapping,
            &categories,
            &translations,
            target.languages.untagged,
        );
        if !domains.is_empty() {
            output::write_if_changed(
                &options.out.join("domains.yaml"),
                &output::domains_file(&domains),
            )?;
            report.domains_written = Some(domains.len());
        }
    }
    let written: BTreeSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
    report.stale = site.stale_files(&options.out, &written);
    Ok(report)
}

/// What the corpus folder already says.
struct Target {
    /// The ids of its `domains.yaml`, if it has one.
    domain_ids: Option<BTreeSet<String>>,
    languages: plan::Languages,
}

impl Target {
    fn read(out: &Path, flag: Option<Lang>) -> anyhow::Result<Target> {
        let mut problems = Vec::new();
        let domains = out.join("domains.yaml");
        let domain_ids = match std::fs::read_to_string(&domains) {
            Ok(text) => {
                let parsed = crate::content::parse_domains("domains.yaml", &text, &mut problems);
                Some(parsed.into_iter().map(|d| d.id).collect())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => anyhow::bail!("cannot read {}: {e}", domains.display()),
        };
        let site_lang = std::fs::read_to_string(out.join("site.yaml"))
            .ok()
            .map(|text| crate::content::parse_site("site.yaml", &text, &mut problems).default_lang);
        if let Some(p) = problems.iter().find(|p| p.is_error()) {
            anyhow::bail!(
                "{}: {p}; fix the corpus's configuration before importing into it",
                out.display()
            );
        }
        Ok(Target {
            domain_ids,
            languages: plan::Languages {
                untagged: flag.or(site_lang).unwrap_or(Lang::Fr),
                site: site_lang.unwrap_or(Lang::Fr),
            },
        })
    }
}

impl Report {
    fn from_plan(plan: &Plan<'_>, export: &Path) -> Report {
        Report {
            export_name: export.display().to_string(),
            items: plan.items,
            imported: plan.imported(),
            resources: plan.resources.len(),
            skipped: plan.skipped.clone(),
            not_imported: plan.not_imported.clone(),
            warnings: plan.warnings.clone(),
            ..Report::default()
        }
    }

    /// Items skipped, all reasons together.
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    /// One line: every item accounted for, files, redirects.
    pub fn summary_line(&self) -> String {
        let reasons: Vec<String> = self.skipped.iter().map(|(r, n)| r.describe(*n)).collect();
        let domains = match self.domains_written {
            Some(n) => format!("; domains.yaml written with {n} domains"),
            None => String::new(),
        };
        format!(
            "{} items: {} imported as {} resources ({} files written, {} unchanged), {} skipped ({}), {} not imported; {} redirects{domains}",
            self.items,
            self.imported,
            self.resources,
            self.files.written,
            self.files.unchanged,
            self.skipped_total(),
            if reasons.is_empty() { "none".into() } else { reasons.join(", ") },
            self.not_imported.len(),
            self.redirects,
        )
    }

    /// Items not imported (errors), then what was dropped on the way (warnings), then files
    /// left from an earlier import.
    pub fn problem_lines(&self) -> Vec<String> {
        let located = |severity: &str, n: &Note| {
            format!(
                "{severity}: {}:{}: post {} «{}»: {}",
                self.export_name, n.line, n.post_id, n.title, n.message
            )
        };
        let mut lines: Vec<String> = self
            .not_imported
            .iter()
            .map(|n| located("error", n))
            .collect();
        lines.extend(self.warnings.iter().map(|n| located("warning", n)));
        lines.extend(self.stale.iter().map(|rel| {
            format!("note: {rel} was written by an earlier import and its post is no longer in the export; it was left in place (delete it if the post is gone for good)")
        }));
        lines
    }
}

/// The old site's addresses: how to recognise them in links and in files already written.
struct SiteAddresses {
    /// Host names of the old site (`example.org`), from the channel and the items' links.
    hosts: BTreeSet<String>,
    /// Scheme and host for making old relative paths absolute (`https://example.org`).
    origin: String,
    /// Every item's permalink, to tell a file of this export from someone else's.
    links: BTreeSet<String>,
}

impl SiteAddresses {
    fn of(export: &Export) -> SiteAddresses {
        let mut hosts = BTreeSet::new();
        for url in [&export.site.link, &export.site.base_site_url]
            .into_iter()
            .chain(export.items.iter().map(|i| &i.link))
        {
            if let Some((host, _)) = split_url(url) {
                hosts.insert(host);
            }
        }
        let site = if export.site.link.is_empty() {
            &export.site.base_site_url
        } else {
            &export.site.link
        };
        let origin = match split_url(site) {
            Some((host, _)) => format!(
                "{}://{host}",
                if site.starts_with("http://") {
                    "http"
                } else {
                    "https"
                }
            ),
            None => String::new(),
        };
        SiteAddresses {
            hosts,
            origin,
            links: export.items.iter().map(|i| i.link.clone()).collect(),
        }
    }

    fn is_ours(&self, url: &str) -> bool {
        split_url(url).is_some_and(|(host, _)| self.hosts.contains(&host))
    }

    /// Whether `key` may hold `planned`: each file already there came from this set, or from
    /// this site for a post the export no longer has. A file without `source_url`, or from
    /// another site or another post of this export, belongs to someone else.
    fn key_is_free(&self, out: &Path, key: &str, planned: &Planned<'_>) -> bool {
        let mine: BTreeSet<&str> = planned.members.values().map(|i| i.link.as_str()).collect();
        files_of_key(out, key)
            .iter()
            .all(|path| match source_url(path) {
                Some(url) if mine.contains(url.as_str()) => true,
                Some(url) => self.is_ours(&url) && !self.links.contains(&url),
                None => false,
            })
    }

    /// Markdown files under `out` with a `source_url` on this site that this run did not write.
    fn stale_files(&self, out: &Path, written: &BTreeSet<&str>) -> Vec<String> {
        let mut stale = Vec::new();
        for entry in walkdir::WalkDir::new(out)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let rel = relative(out, path);
            if written.contains(rel.as_str()) {
                continue;
            }
            if source_url(path).is_some_and(|u| self.is_ours(&u)) {
                stale.push(rel);
            }
        }
        stale
    }
}

/// `(host, path and query)` of an http(s) address.
fn split_url(url: &str) -> Option<(String, String)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = rest[..end].to_ascii_lowercase();
    let path = match &rest[end..] {
        "" => "/".to_string(),
        p if p.starts_with('/') => p.to_string(),
        p => format!("/{p}"),
    };
    (!host.is_empty()).then_some((host, path))
}

fn relative(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The Markdown files of a resource key that exist now (`x.md`, `x.fr.md`…).
fn files_of_key(out: &Path, key: &str) -> Vec<PathBuf> {
    let path = out.join(key);
    let (Some(dir), Some(slug)) = (path.parent(), path.file_name().and_then(|s| s.to_str())) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let Some(rest) = name.strip_prefix(slug).and_then(|r| r.strip_suffix(".md")) else {
                return false;
            };
            rest.is_empty()
                || rest
                    .strip_prefix('.')
                    .is_some_and(|c| c.len() == 2 && c.chars().all(|c| c.is_ascii_lowercase()))
        })
        .collect()
}

/// The `source_url` of a content file, if it has one.
fn source_url(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let (fm, _, _) = crate::content::parse_source("", &bytes).ok()?;
    fm.source_url
}

/// Attachments by id: their address and alternative text, for galleries and featured images.
fn media_library(export: &Export) -> Media {
    let by_id = export
        .items
        .iter()
        .filter(|i| i.post_type == "attachment" && !i.attachment_url.is_empty())
        .map(|i| {
            let attachment = Attachment {
                url: i.attachment_url.clone(),
                alt: i.meta("_wp_attachment_image_alt").unwrap_or("").to_string(),
                title: markdown::text(&i.title),
                parent: i.post_parent,
                order: i.menu_order,
            };
            (i.post_id, attachment)
        })
        .collect();
    Media { by_id }
}

/// Where each imported post now lives, by old path and by post id.
struct NewHomes {
    by_path: HashMap<String, (String, Lang)>,
    by_post: HashMap<u64, (String, Lang)>,
}

impl NewHomes {
    fn of(plan: &Plan<'_>) -> NewHomes {
        let mut homes = NewHomes {
            by_path: HashMap::new(),
            by_post: HashMap::new(),
        };
        for r in &plan.resources {
            for (lang, item) in &r.members {
                let home = (r.key.clone(), *lang);
                if let Some((_, path)) = split_url(&item.link) {
                    homes
                        .by_path
                        .entry(crate::content::normalise_path(&path))
                        .or_insert_with(|| home.clone());
                }
                homes.by_post.insert(item.post_id, home);
            }
        }
        homes
    }

    /// The new page for an old link (`/fr/cas/x/`, `?p=12`, `?page_id=12`), if imported.
    fn lookup(&self, path_and_query: &str) -> Option<&(String, Lang)> {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let by_id = form_urlencoded::parse(query.split('#').next().unwrap_or("").as_bytes())
            .find(|(k, _)| k == "p" || k == "page_id")
            .and_then(|(_, v)| v.parse::<u64>().ok())
            .and_then(|id| self.by_post.get(&id));
        by_id.or_else(|| {
            let path = crate::content::normalise_path(path);
            (path != "/").then(|| self.by_path.get(&path)).flatten()
        })
    }
}

/// The text of every file to write.
fn render(
    plan: &Plan<'_>,
    site: &SiteAddresses,
    media: &Media,
    report: &mut Report,
) -> Vec<OutFile> {
    let homes = NewHomes::of(plan);
    let relink = |target: &str| -> Option<String> {
        let internal = match split_url(target) {
            Some((host, path)) if site.hosts.contains(&host) => homes.lookup(&path),
            Some(_) => None,
            None if target.starts_with('?') || target.starts_with('/') => homes.lookup(target),
            None => None,
        };
        if let Some((key, lang)) = internal {
            return Some(format!("/{}/r/{key}", lang.code()));
        }
        (target.starts_with('/') && !target.starts_with("//") && !site.origin.is_empty())
            .then(|| format!("{}{target}", site.origin))
    };
    let mut files = Vec::new();
    for planned in &plan.resources {
        for (lang, item) in &planned.members {
            let mut notes = Vec::new();
            let cx = markdown::Context {
                post_id: item.post_id,
                media,
                relink: &relink,
            };
            let body =
                with_featured_image(markdown::body(&item.content, &cx, &mut notes), item, media);
            report
                .warnings
                .extend(notes.into_iter().map(|n| Note::new(item, n)));
            let facts = FileFacts {
                planned,
                lang: *lang,
                item,
                tags: tags(item),
                body,
            };
            files.push(OutFile {
                rel: format!("{}.{}.md", planned.key, lang.code()),
                text: output::resource_file(&facts),
            });
        }
    }
    files
}

/// The post's featured image (`_thumbnail_id`) first, unless the body already shows it.
fn with_featured_image(body: String, item: &Item, media: &Media) -> String {
    let featured = item
        .meta("_thumbnail_id")
        .and_then(|id| id.trim().parse::<u64>().ok())
        .and_then(|id| media.by_id.get(&id));
    match featured {
        Some(a) if !body.contains(&a.url) => {
            let alt = if a.alt.is_empty() { &a.title } else { &a.alt };
            let alt = alt.replace(['[', ']'], "");
            format!("![{alt}]({})\n\n{body}", a.url)
        }
        _ => body,
    }
}

/// The post's tags, decoded, once each.
fn tags(item: &Item) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in item.terms_of("post_tag") {
        let name = markdown::text(&t.name);
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Writes `redirects.yaml` (old permalink path → resource), keeping entries already there.
fn write_redirects(
    out: &Path,
    plan: &Plan<'_>,
    site: &SiteAddresses,
    report: &mut Report,
) -> anyhow::Result<usize> {
    let mut entries = Vec::new();
    for r in &plan.resources {
        for (lang, item) in &r.members {
            let Some((host, path)) = split_url(&item.link) else {
                continue;
            };
            let path = path.split(['?', '#']).next().unwrap_or("/").to_string();
            if !site.hosts.contains(&host) || crate::content::normalise_path(&path) == "/" {
                report.warnings.push(Note::new(
                    item,
                    format!("its address {} has no path of its own (plain permalinks?), so it gets no redirect", item.link),
                ));
                continue;
            }
            entries.push(RedirectEntry {
                from: crate::content::normalise_path(&path)
                    + if path.ends_with('/') { "/" } else { "" },
                to: r.key.clone(),
                lang: lang.code().to_string(),
            });
        }
    }
    if entries.is_empty() && !out.join(REDIRECTS_FILE).exists() {
        return Ok(0);
    }
    let count = entries.len();
    let text = output::redirects_file(out, entries)?;
    output::write_if_changed(&out.join(REDIRECTS_FILE), &text)?;
    Ok(count)
}

/// The domains of a new `domains.yaml`: each mapped domain, named after the category mapped to
/// it (in every language Polylang translated that category into).
fn new_domains(
    mapping: &Mapping,
    categories: &Categories,
    translations: &languages::Translations,
    default_lang: Lang,
) -> Vec<NewDomain> {
    mapping
        .domain_ids()
        .into_iter()
        .map(|id| {
            let slug = mapping
                .domain_categories
                .iter()
                .find(|(_, d)| *d == id)
                .map(|(s, _)| s.clone())
                .unwrap_or_else(|| id.clone());
            let mut names = BTreeMap::new();
            let mut descriptions = BTreeMap::new();
            if let Some(category) = categories.get(&slug) {
                let mut versions = translations.term_languages(category.id);
                if versions.is_empty() {
                    versions.push((default_lang, category.id));
                }
                for (lang, term) in versions {
                    if let Some(c) = categories.by_id(term) {
                        names.insert(lang, markdown::text(&c.name));
                        if !c.description.is_empty() {
                            descriptions.insert(lang, markdown::text(&c.description));
                        }
                    }
                }
            }
            if names.is_empty() {
                names.insert(default_lang, id.clone());
            }
            NewDomain {
                id,
                names,
                descriptions,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_host_and_path() {
        assert_eq!(
            split_url("https://Profint.example/fr/cas/x/?a=1"),
            Some(("profint.example".into(), "/fr/cas/x/?a=1".into()))
        );
        assert_eq!(
            split_url("http://profint.example?p=3"),
            Some(("profint.example".into(), "/?p=3".into()))
        );
        assert_eq!(split_url("/fr/x/"), None);
        assert_eq!(split_url("mailto:a@b"), None);
    }
}
