//! Reading one content file, grouping translations, and validating one resource.

use super::front_matter::{self, FrontMatter};
use super::{Problem, Resource, ResourceType, Translation};
use crate::lang::{known_codes, Lang};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Limits applied while loading.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Files larger than this are refused: a resource is a page, not a book.
    pub max_file_bytes: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_bytes: 2 * 1024 * 1024,
        }
    }
}

/// A content file that could be read and whose front matter parses.
pub(super) struct ParsedFile {
    pub rel: String,
    pub key: String,
    pub lang: Lang,
    pub fm: FrontMatter,
    pub yaml: String,
    pub body: String,
    pub hash: blake3::Hash,
    pub modified: std::time::SystemTime,
    /// The file as it was when read, to tell at the next start-up whether it changed.
    pub fingerprint: Fingerprint,
}

/// What says a file changed without reading it: size, modification and status-change times
/// and inode. The status-change time cannot be set back by tools that preserve modification
/// times (`rsync -t`, archive extraction), and a replaced file gets a new inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) struct Fingerprint {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
}

impl Fingerprint {
    pub fn of(meta: &std::fs::Metadata) -> Fingerprint {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Fingerprint {
                len: meta.len(),
                modified: (meta.mtime(), meta.mtime_nsec()),
                changed: (meta.ctime(), meta.ctime_nsec()),
                inode: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let since = |t: std::io::Result<std::time::SystemTime>| {
                let d = t
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
                d.map_or((0, 0), |d| {
                    (d.as_secs() as i64, i64::from(d.subsec_nanos()))
                })
            };
            Fingerprint {
                len: meta.len(),
                modified: since(meta.modified()),
                changed: since(meta.created()),
                inode: 0,
            }
        }
    }

    /// The file at `path` now (following links, as reading does), if it can be read.
    pub fn at(path: &Path) -> Option<Fingerprint> {
        std::fs::metadata(path).ok().map(|m| Fingerprint::of(&m))
    }
}

/// Markdown files under `start` (the corpus root, or a folder in it while watching), sorted,
/// skipping hidden and editor temporary files. Symbolic links are followed only where they
/// stay inside `root` and do not point back at one of their own parent folders: a link out of
/// the corpus would publish files nobody meant to publish, and a loop would index the corpus
/// twice. Such links and walk failures (unreadable folders, broken links) are reported, never
/// fatal. `root` must be canonical.
pub(super) fn content_files(
    root: &Path,
    start: &Path,
    problems: &mut Vec<Problem>,
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(message) = refused_link(root, start) {
        problems.push(Problem::error(relative(root, start), None, message));
        return files;
    }
    let refused = std::cell::RefCell::new(Vec::new());
    let walker = walkdir::WalkDir::new(start)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if is_ignored_name(&e.file_name().to_string_lossy()) {
                return false;
            }
            match e
                .path_is_symlink()
                .then(|| refused_link(root, e.path()))
                .flatten()
            {
                Some(message) => {
                    refused.borrow_mut().push(Problem::error(
                        relative(root, e.path()),
                        None,
                        message,
                    ));
                    false
                }
                None => true,
            }
        });
    for entry in walker {
        match entry {
            Ok(entry) => {
                let name = entry.file_name().to_string_lossy();
                let is_root_readme =
                    entry.path().parent() == Some(root) && name.starts_with("README");
                if entry.file_type().is_file() && name.ends_with(".md") && !is_root_readme {
                    files.push(entry.into_path());
                }
            }
            Err(err) => problems.push(walk_problem(root, start, &err)),
        }
    }
    problems.extend(refused.into_inner());
    files
}

/// Why the symbolic link at `path` must not be followed, if it is one that must not be.
pub(super) fn refused_link(root: &Path, path: &Path) -> Option<String> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return None;
    }
    // A broken link has no target; the walk reports it as such.
    let target = std::fs::canonicalize(path).ok()?;
    if !target.starts_with(root) {
        return Some("symbolic link to a file or folder outside the content folder: it is not read; copy the content into the corpus or remove the link".into());
    }
    let parent = path.parent().and_then(|p| std::fs::canonicalize(p).ok())?;
    if target.is_dir() && parent.starts_with(&target) {
        return Some(
            "symbolic link loop: this link points to one of its own parent folders; remove it"
                .into(),
        );
    }
    None
}

fn walk_problem(root: &Path, start: &Path, err: &walkdir::Error) -> Problem {
    let path = err
        .path()
        .map(|p| relative(root, p))
        .unwrap_or_else(|| relative(root, start));
    let message = if err.loop_ancestor().is_some() {
        "symbolic link loop: this link points to one of its own parent folders; remove it"
            .to_string()
    } else if err
        .io_error()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
    {
        "permission denied: the service cannot read this folder; fix its permissions".to_string()
    } else if err
        .io_error()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
    {
        "broken symbolic link: it points to a file that does not exist; fix or remove the link"
            .to_string()
    } else {
        format!("cannot read: {err}")
    };
    Problem::error(path, None, message)
}

/// Names an editor or tool leaves behind that are never content: hidden files, vim swap and
/// backup files, emacs lock files, partial downloads.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// `path` relative to the corpus root, with `/` separators: the one form every path takes
/// inside the service (ids, problems, status), whatever form the operator or the file watcher
/// gave. A relative `path` is taken as relative to the root already. Paths outside the root
/// are shown as given.
pub(super) fn relative(root: &Path, path: &Path) -> String {
    let rel = inside(root, path).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The part of `path` under `root`, or `None` when it is not under it.
pub(super) fn inside<'a>(root: &Path, path: &'a Path) -> Option<&'a Path> {
    if path.is_relative() {
        return Some(path);
    }
    path.strip_prefix(root).ok()
}

/// Splits `cases/x.fr.md` into its key `cases/x` and language code `fr` (if any).
fn split_name(rel: &str) -> Option<(&str, Option<&str>)> {
    let stem = rel.strip_suffix(".md")?;
    let file_start = stem.rfind('/').map_or(0, |i| i + 1);
    match stem.rfind('.') {
        Some(dot) if dot > file_start => {
            let code = &stem[dot + 1..];
            if code.len() == 2 && code.chars().all(|c| c.is_ascii_lowercase()) {
                Some((&stem[..dot], Some(code)))
            } else {
                Some((stem, None))
            }
        }
        _ => Some((stem, None)),
    }
}

/// The resource key of a content file path, if it is one.
pub fn key_of(rel: &str) -> Option<String> {
    split_name(rel).map(|(key, _)| key.to_string())
}

pub(super) fn read_file(
    path: &Path,
    rel: &str,
    opts: &LoadOptions,
    default_lang: Lang,
) -> Result<ParsedFile, Problem> {
    let (key, code) = split_name(rel).expect("content files end in .md");
    let lang = match code {
        None => default_lang,
        Some(code) => Lang::parse(code).ok_or_else(|| {
            Problem::error(
                rel,
                None,
                format!("unknown language `{code}` in the file name; name translations x.fr.md, x.en.md… with one of {}", known_codes()),
            )
        })?,
    };
    let meta = std::fs::metadata(path).map_err(|err| io_problem(rel, &err))?;
    if meta.len() > opts.max_file_bytes {
        return Err(Problem::error(
            rel,
            None,
            format!(
                "the file is {} bytes, over the limit of {} bytes; split the resource or raise --max-file-bytes",
                meta.len(),
                opts.max_file_bytes
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|err| io_problem(rel, &err))?;
    let (fm, yaml, body) = parse_source(rel, &bytes)?;
    Ok(ParsedFile {
        rel: rel.to_string(),
        key: key.to_string(),
        lang,
        yaml,
        body,
        fm,
        hash: blake3::hash(&bytes),
        modified: meta.modified().unwrap_or(std::time::UNIX_EPOCH),
        fingerprint: Fingerprint::of(&meta),
    })
}

/// Decodes and splits the bytes of a content file and parses its front matter: the part of
/// loading that sees untrusted input, kept apart so it can be fuzzed.
pub fn parse_source(rel: &str, bytes: &[u8]) -> Result<(FrontMatter, String, String), Problem> {
    let text = decode(rel, bytes)?;
    let split = front_matter::split(text).map_err(|e| Problem::error(rel, e.line, e.message))?;
    let fm = front_matter::parse(split.yaml).map_err(|e| Problem::error(rel, e.line, e.message))?;
    Ok((fm, split.yaml.to_string(), split.body.to_string()))
}

fn io_problem(rel: &str, err: &std::io::Error) -> Problem {
    let message = match err.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "permission denied: the service cannot read this file; fix its permissions".to_string()
        }
        _ => format!("cannot read the file: {err}"),
    };
    Problem::error(rel, None, message)
}

/// UTF-8 text of a content file, refusing binary files and pointing at the first bad byte.
fn decode<'a>(rel: &str, bytes: &'a [u8]) -> Result<&'a str, Problem> {
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(Problem::error(
            rel,
            None,
            "this looks like a binary file (it contains NUL bytes), not Markdown; remove it or rename it without .md",
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            Err(Problem::error(
                rel,
                Some(line),
                "the file is not valid UTF-8; save it as UTF-8 (it may have been written as Latin-1 or Windows-1252)",
            ))
        }
    }
}

/// Groups parsed files by resource key, reporting two files for one language.
pub(super) fn group_files(
    files: Vec<ParsedFile>,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, BTreeMap<Lang, ParsedFile>> {
    let mut groups: BTreeMap<String, BTreeMap<Lang, ParsedFile>> = BTreeMap::new();
    for file in files {
        let group = groups.entry(file.key.clone()).or_default();
        if let Some(other) = group.get(&file.lang) {
            problems.push(Problem::error(
                &file.rel,
                None,
                format!(
                    "`{}` is also the {} version of this resource; keep one file per language",
                    other.rel, file.lang
                ),
            ));
            continue;
        }
        group.insert(file.lang, file);
    }
    groups
}

/// The resource made of one key's files, validated against the domains in use. `None` when
/// the original's front matter is in error; every field is checked first, so that the author
/// sees all of their mistakes at once rather than one per save.
///
/// The files' bodies move into the resource (they are left empty): they are most of the
/// corpus's bytes, and the files were parsed on other threads, whose allocator arenas would
/// keep the freed copies (160 MB of `profint check`'s peak at 100 000 resources).
pub(super) fn build_resource(
    key: &str,
    original_lang: Lang,
    group: &mut BTreeMap<Lang, ParsedFile>,
    domain_ids: &BTreeSet<&str>,
    problems: &mut Vec<Problem>,
) -> Option<Resource> {
    let original = &group[&original_lang];
    let fm = &original.fm;
    let mut checks = Checks {
        file: original,
        problems,
        failed: false,
    };
    let kind = resource_type(key, &mut checks);
    check_title(&mut checks);
    let domain = main_domain(domain_ids, &mut checks);
    let domains = secondary_domains(domain.as_ref(), domain_ids, &mut checks);
    let id = resource_id(key, &mut checks);
    checks.warn_unknown_fields();
    if checks.failed {
        return None;
    }
    Some(Resource {
        id,
        key: key.to_string(),
        kind: kind?,
        domain: domain?,
        domains,
        recommendations: fm.recommendations.clone(),
        related: fm.related.clone(),
        original: original_lang,
        country: fm.country.clone(),
        organisation: fm.organisation.clone(),
        updated: fm.updated.as_ref().map(yaml_scalar),
        translations: translations(group, original_lang, problems),
        content_hash: content_hash(group),
    })
}

/// The original file of a resource being validated, where its problems go, and whether one
/// of them was an error (the resource is then refused).
struct Checks<'a> {
    file: &'a ParsedFile,
    problems: &'a mut Vec<Problem>,
    failed: bool,
}

impl Checks<'_> {
    /// Reports an error in the original file: the resource will not be published.
    fn fail(&mut self, line: Option<usize>, message: impl Into<String>) {
        self.problems
            .push(Problem::error(&self.file.rel, line, message));
        self.failed = true;
    }

    /// The line of the original's front matter that sets `key`, to point a problem at it.
    fn line_of(&self, key: &str) -> Option<usize> {
        front_matter::line_of_key(&self.file.yaml, key)
    }

    /// Warns of front matter fields nobody reads: most are misspelt known fields.
    fn warn_unknown_fields(&mut self) {
        for field in self.file.fm.unknown.keys() {
            self.problems.push(Problem::warning(
                &self.file.rel,
                self.line_of(field),
                format!("unknown front matter field `{field}`; it is ignored (check its spelling)"),
            ));
        }
    }
}

/// The `type:` of the front matter, else the one its top folder implies (`cases/` holds cases).
fn resource_type(key: &str, checks: &mut Checks) -> Option<ResourceType> {
    let folder = key.split('/').next().unwrap_or("");
    match &checks.file.fm.kind {
        Some(name) => ResourceType::parse(name).or_else(|| {
            checks.fail(
                checks.line_of("type"),
                format!("unknown type `{name}`; use one of recommendation, module, case, tool, practice"),
            );
            None
        }),
        None => ResourceType::from_folder(folder).or_else(|| {
            checks.fail(
                Some(1),
                "no `type:` in the front matter and the folder does not imply one; add `type: case` (or recommendation, module, tool, practice)",
            );
            None
        }),
    }
}

/// A resource without a title cannot be listed: a blank title counts as none.
fn check_title(checks: &mut Checks) {
    if checks
        .file
        .fm
        .title
        .as_deref()
        .is_none_or(|t| t.trim().is_empty())
    {
        checks.fail(
            Some(1),
            "missing `title:` in the front matter; every resource needs a title",
        );
    }
}

/// The main `domain:`, which must be one of `domains.yaml`: filters and facets rely on it.
fn main_domain(domain_ids: &BTreeSet<&str>, checks: &mut Checks) -> Option<String> {
    match checks.file.fm.domain.as_deref() {
        None => {
            checks.fail(
                Some(1),
                format!(
                    "missing `domain:` in the front matter; use one of: {}",
                    list(domain_ids)
                ),
            );
            None
        }
        Some(d) if !domain_ids.contains(d) => {
            checks.fail(
                checks.line_of("domain"),
                format!(
                    "unknown domain `{d}`; use one of: {} (or add it to domains.yaml)",
                    list(domain_ids)
                ),
            );
            None
        }
        Some(d) => Some(d.to_string()),
    }
}

/// The secondary `domains:`, each known, listed once, and never the main domain again (it
/// would count twice in the facets).
fn secondary_domains(
    main: Option<&String>,
    domain_ids: &BTreeSet<&str>,
    checks: &mut Checks,
) -> Vec<String> {
    let mut domains: Vec<String> = Vec::new();
    for d in &checks.file.fm.domains {
        if !domain_ids.contains(d.as_str()) {
            checks.fail(
                checks.line_of("domains"),
                format!(
                    "unknown secondary domain `{d}`; use one of: {}",
                    list(domain_ids)
                ),
            );
        } else if Some(d) != main && !domains.contains(d) {
            domains.push(d.clone());
        }
    }
    domains
}

/// The `id:` of the front matter, else the key; refused when it cannot stand in a page
/// address, with the fix that applies to where it came from.
fn resource_id(key: &str, checks: &mut Checks) -> String {
    let fm = &checks.file.fm;
    let id = fm.id.clone().unwrap_or_else(|| key.to_string());
    if let Some(why) = super::invalid_id(&id) {
        let (line, fix) = match fm.id {
            Some(_) => (checks.line_of("id"), "change `id:`"),
            None => (Some(1), "rename the file, or set `id:` in the front matter"),
        };
        checks.fail(
            line,
            format!(
                "the id `{}` cannot be used in a page address: {why}; {fix}",
                id.escape_debug()
            ),
        );
    }
    id
}

/// The language versions that can be published: those with a title. A translation without
/// one is reported (the original's own missing title already was). Audience and duration
/// default to the original's.
fn translations(
    group: &mut BTreeMap<Lang, ParsedFile>,
    original_lang: Lang,
    problems: &mut Vec<Problem>,
) -> BTreeMap<Lang, Translation> {
    let original = &group[&original_lang].fm;
    let (audience, duration) = (original.audience.clone(), original.duration.clone());
    let mut translations = BTreeMap::new();
    for (lang, file) in group {
        let Some(title) = file.fm.title.clone().filter(|t| !t.trim().is_empty()) else {
            if *lang != original_lang {
                problems.push(Problem::error(
                    &file.rel,
                    Some(1),
                    "missing `title:` in this translation's front matter; this language version is not published until it has one",
                ));
            }
            continue;
        };
        translations.insert(
            *lang,
            Translation {
                title,
                summary: file.fm.summary.clone().unwrap_or_default(),
                tags: file.fm.tags.clone(),
                audience: file.fm.audience.clone().or_else(|| audience.clone()),
                duration: file.fm.duration.clone().or_else(|| duration.clone()),
                markdown: std::mem::take(&mut file.body),
                path: file.rel.clone(),
            },
        );
    }
    translations
}

/// A hash of the names and bytes of all of a resource's files: an unchanged resource is
/// never reindexed, and a renamed or added file is a change.
fn content_hash(group: &BTreeMap<Lang, ParsedFile>) -> String {
    let mut hasher = blake3::Hasher::new();
    for file in group.values() {
        hasher.update(file.rel.as_bytes());
        hasher.update(file.hash.as_bytes());
    }
    hasher.finalize().to_hex()[..32].to_string()
}

fn yaml_scalar(v: &serde_yaml_ng::Value) -> String {
    match v {
        serde_yaml_ng::Value::String(s) => s.clone(),
        other => serde_yaml_ng::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

fn list(ids: &BTreeSet<&str>) -> String {
    ids.iter().copied().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_key_and_language() {
        assert_eq!(split_name("cases/x.fr.md"), Some(("cases/x", Some("fr"))));
        assert_eq!(split_name("cases/x.md"), Some(("cases/x", None)));
        assert_eq!(split_name("model/r2.3.md"), Some(("model/r2.3", None)));
        assert_eq!(split_name("a.b/x.md"), Some(("a.b/x", None)));
    }
}
