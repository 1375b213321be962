//! What is known of a content folder, kept between changes so that a change to a few files
//! re-reads only those files: per-resource validation results, who owns which id, and the
//! link lists needed to check links across the corpus.

use super::domains::{parse_domains, parse_site, Domain, Site};
use super::front_matter;
use super::load::{
    build_resource, content_files, group_files, inside, key_of, read_file, refused_link, relative,
    Fingerprint, ParsedFile,
};
use super::{Corpus, LoadOptions, Problem, Resource, ResourceType};
use crate::lang::Lang;
use rayon::iter::{IntoParallelIterator, ParallelIterator};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

mod groups;
mod snapshot;

pub use snapshot::{Resumed, Walk};

/// A resource's facts that other resources' validation depends on.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Entry {
    id: String,
    kind: ResourceType,
    path: String,
    recommendations: Vec<String>,
    related: Vec<String>,
    recommendations_line: Option<usize>,
    related_line: Option<usize>,
    hash: String,
}

impl Entry {
    /// Whether the link problems read the same of both (everything but the content hash).
    fn same_links(&self, other: &Entry) -> bool {
        (
            &self.id,
            self.kind,
            &self.path,
            &self.recommendations,
            &self.related,
        ) == (
            &other.id,
            other.kind,
            &other.path,
            &other.recommendations,
            &other.related,
        ) && (self.recommendations_line, self.related_line)
            == (other.recommendations_line, other.related_line)
    }

    /// What other resources' validation needs of `resource`, whose original file is `original`.
    fn of(resource: &Resource, original: &ParsedFile) -> Entry {
        Entry {
            id: resource.id.clone(),
            kind: resource.kind,
            path: original.rel.clone(),
            recommendations: resource.recommendations.clone(),
            related: resource.related.clone(),
            recommendations_line: front_matter::line_of_key(&original.yaml, "recommendations"),
            related_line: front_matter::line_of_key(&original.yaml, "related"),
            hash: resource.content_hash.clone(),
        }
    }
}

#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
struct Group {
    files: usize,
    /// The files read without error, as they were when read (relative path → fingerprint).
    fingerprints: Vec<(String, Fingerprint)>,
    problems: Vec<Problem>,
    /// A file of this resource is in error.
    failed: bool,
    entry: Option<Entry>,
    /// The id it claims while another resource holds it.
    blocked_id: Option<String>,
}

/// What a refresh asks of the index for one resource key.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Index this version (it is new or its content changed).
    Upsert(Box<Resource>),
    /// The resource is gone (deleted, or now a draft): remove it.
    Remove(String),
    /// Its files are in error: keep whatever version the index has.
    Keep(String),
}

pub struct CorpusState {
    dir: PathBuf,
    opts: LoadOptions,
    pub site: Site,
    /// `site.yaml` has been read successfully once.
    site_read: bool,
    pub domains: Vec<Domain>,
    pub vocabulary: std::sync::Arc<super::Vocabulary>,
    pub redirects: std::sync::Arc<super::Redirects>,
    config_problems: Vec<Problem>,
    /// Problems met walking folders (refused links, unreadable folders), by the path they
    /// concern, so that a refresh of that path can clear them.
    walk_problems: BTreeMap<String, Problem>,
    groups: groups::Groups,
    /// id → key of the resource that holds it.
    owners: HashMap<String, String>,
    /// Bumped whenever a resource's id, type or links change, or the redirects do.
    links_version: u64,
    /// The link problems of one `links_version`: checking every link of 100 000 resources
    /// costs tens of milliseconds, and an edit of a resource's text changes none of them.
    link_problems: std::sync::Mutex<Option<(u64, Vec<Problem>)>>,
}

impl CorpusState {
    /// Reads the whole folder. Never fails: whatever goes wrong becomes a [`Problem`].
    ///
    /// The folder is resolved to its canonical path once, here: the watcher reports absolute
    /// paths, the operator may give a relative one, and both must name a file the same way.
    pub fn load(dir: &Path, opts: &LoadOptions) -> (CorpusState, Vec<Resource>) {
        Self::load_after(dir, opts, None, HashMap::new())
    }

    /// [`CorpusState::load`], where `holders` (id → resource key, as in the index) says who
    /// held each id before: a contested id stays with its holder across a restart.
    pub fn load_held(
        dir: &Path,
        opts: &LoadOptions,
        holders: HashMap<String, String>,
    ) -> (CorpusState, Vec<Resource>) {
        Self::load_after(dir, opts, None, holders)
    }

    /// Reads the whole folder again, keeping the last good version of any configuration file
    /// now in error.
    pub fn reload(&self) -> (CorpusState, Vec<Resource>) {
        Self::load_after(&self.dir, &self.opts, Some(self), HashMap::new())
    }

    /// A state that knows nothing yet of the folder `dir` (already canonical).
    fn empty(dir: &Path, opts: &LoadOptions) -> CorpusState {
        CorpusState {
            dir: dir.to_path_buf(),
            opts: opts.clone(),
            site: Site::default(),
            site_read: false,
            domains: Vec::new(),
            vocabulary: Default::default(),
            redirects: Default::default(),
            config_problems: Vec::new(),
            walk_problems: BTreeMap::new(),
            groups: Default::default(),
            owners: HashMap::new(),
            links_version: 0,
            link_problems: Default::default(),
        }
    }

    fn load_after(
        dir: &Path,
        opts: &LoadOptions,
        previous: Option<&CorpusState>,
        holders: HashMap<String, String>,
    ) -> (CorpusState, Vec<Resource>) {
        let dir = &std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut state = CorpusState::empty(dir, opts);
        if !dir.is_dir() {
            state.config_problems.push(Problem::error(
                dir.display().to_string(),
                None,
                "the content folder does not exist or is not a folder; pass --corpus DIR",
            ));
            return (state, Vec::new());
        }
        if let Some(previous) = previous {
            state.site = previous.site.clone();
            state.site_read = previous.site_read;
            state.domains = previous.domains.clone();
            state.vocabulary = previous.vocabulary.clone();
        }
        state.read_config();
        let mut walk_problems = Vec::new();
        let paths = content_files(dir, dir, &mut walk_problems);
        state.record_walk_problems(walk_problems);
        let mut by_key: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
        for path in paths {
            if let Some(key) = key_of(&relative(dir, &path)) {
                by_key.entry(key).or_default().push(path);
            }
        }
        // On every core: reading and parsing the files is most of a full load (70 % at 100 000
        // resources), and each resource's files are read apart from the others.
        let mut read: Vec<(String, Vec<ParsedFile>, Vec<Problem>)> = by_key
            .into_par_iter()
            .map(|(key, paths)| {
                let (files, errors) = state.read_paths(&paths);
                (key, files, errors)
            })
            .collect();
        // When two resources claim one id, the one that holds it keeps it (as while watching):
        // the holder in the index, else the older; the newer file brought the conflict.
        let holders: HashMap<String, String> = match previous {
            Some(previous) => previous.owners.clone(),
            None => holders,
        };
        read.sort_by_cached_key(|(key, files, _)| {
            let claimed = files
                .iter()
                .find_map(|f| f.fm.id.clone())
                .unwrap_or_else(|| key.clone());
            let holds = holders.get(&claimed) == Some(key);
            (!holds, files.iter().map(|f| f.modified).max(), key.clone())
        });
        let mut resources = Vec::new();
        for (key, files, errors) in read {
            if let Some(resource) = state.evaluate(&key, files, errors) {
                resources.push(resource);
            }
        }
        resources.sort_by(|a, b| a.key.cmp(&b.key));
        (state, resources)
    }

    /// Reads `domains.yaml`, `site.yaml` and `vocabulary.yaml`. A file in error keeps its last
    /// good version in use (as a resource does): one typo in `domains.yaml` must not turn
    /// every resource into an error and every domain filter into a 400.
    fn read_config(&mut self) {
        let mut problems = Vec::new();
        let had = !self.domains.is_empty();
        if let Some(domains) =
            self.read_one("domains.yaml", true, had, &mut problems, |p, t, out| {
                parse_domains(p, t, out)
            })
        {
            self.domains = domains;
        }
        let had = self.site_read;
        match self.read_one("site.yaml", false, had, &mut problems, parse_site) {
            Some(site) => {
                self.site = site;
                self.site_read = true;
            }
            None if !self.dir.join("site.yaml").exists() => self.site = Site::default(),
            None => {}
        }
        let had = !self.vocabulary.concepts.is_empty();
        let vocabulary =
            self.read_one("vocabulary.yaml", false, had, &mut problems, |_, t, out| {
                super::Vocabulary::parse(t, out)
            });
        match vocabulary {
            Some(v) => self.vocabulary = std::sync::Arc::new(v),
            None if !self.dir.join("vocabulary.yaml").exists() => {
                self.vocabulary = Default::default()
            }
            None => {}
        }
        self.redirects = std::sync::Arc::new(super::redirects::read(&self.dir, &mut problems));
        self.links_version += 1;
        self.config_problems = problems;
    }

    /// Reads and parses one configuration file. `None` means: keep what is in use (the file
    /// is absent and optional, or it is in error while a good version is in use).
    fn read_one<T>(
        &self,
        name: &str,
        required: bool,
        has_good: bool,
        problems: &mut Vec<Problem>,
        parse: impl FnOnce(&str, &str, &mut Vec<Problem>) -> T,
    ) -> Option<T> {
        let path = self.dir.join(name);
        if !required && !path.exists() {
            return None;
        }
        let mut found = Vec::new();
        let parsed = match std::fs::read_to_string(&path) {
            Ok(text) => Some(parse(name, &text, &mut found)),
            Err(err) => {
                let why = if required {
                    "; every corpus needs one (domains.yaml lists the competence domains)"
                } else {
                    ""
                };
                found.push(Problem::error(
                    name,
                    None,
                    format!("cannot read the file ({err}){why}"),
                ));
                None
            }
        };
        let broken = found.iter().any(Problem::is_error);
        if broken && has_good {
            for p in &mut found {
                if p.is_error() {
                    p.message.push_str(
                        " (the last good version of this file stays in use until it is fixed)",
                    );
                }
            }
            problems.extend(found);
            return None;
        }
        problems.extend(found);
        parsed
    }

    fn record_walk_problems(&mut self, problems: Vec<Problem>) {
        for problem in problems {
            self.walk_problems.insert(problem.path.clone(), problem);
        }
    }

    fn read_paths(&self, paths: &[PathBuf]) -> (Vec<ParsedFile>, Vec<Problem>) {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for path in paths {
            let rel = relative(&self.dir, path);
            if let Some(message) = refused_link(&self.dir, path) {
                errors.push(Problem::error(&rel, None, message));
                continue;
            }
            match read_file(path, &rel, &self.opts, self.site.default_lang) {
                Ok(file) => files.push(file),
                Err(problem) => errors.push(problem),
            }
        }
        (files, errors)
    }

    /// Validates one resource from its files and records the result, replacing what was
    /// known of it. A key with no file left is forgotten.
    fn evaluate(
        &mut self,
        key: &str,
        files: Vec<ParsedFile>,
        errors: Vec<Problem>,
    ) -> Option<Resource> {
        let before = self.groups.get(key).and_then(|g| g.entry.clone());
        let resource = self.evaluate_anew(key, files, errors);
        let after = self.groups.get(key).and_then(|g| g.entry.as_ref());
        let same_links = match (&before, after) {
            (Some(b), Some(a)) => b.same_links(a),
            (None, None) => true,
            _ => false,
        };
        if !same_links {
            self.links_version += 1;
        }
        resource
    }

    fn evaluate_anew(
        &mut self,
        key: &str,
        files: Vec<ParsedFile>,
        errors: Vec<Problem>,
    ) -> Option<Resource> {
        self.forget(key);
        let mut group = Group {
            files: files.len() + errors.len(),
            fingerprints: files
                .iter()
                .map(|f| (f.rel.clone(), f.fingerprint))
                .collect(),
            failed: !errors.is_empty(),
            problems: errors,
            ..Group::default()
        };
        if group.files == 0 {
            return None;
        }
        let resource = self.build(key, files, &mut group);
        self.groups.insert(key.to_string(), group);
        resource
    }

    /// Drops what was recorded of `key`, and the id it held: evaluating it again may give
    /// it another id, or none.
    fn forget(&mut self, key: &str) {
        let Some(entry) = self.groups.remove(key).and_then(|old| old.entry) else {
            return;
        };
        if self.owners.get(&entry.id).map(String::as_str) == Some(key) {
            self.owners.remove(&entry.id);
        }
    }

    /// The resource `key`'s files make, if it is to be published (not a draft, valid, and
    /// holding its id), with its problems and failure recorded in `group`.
    fn build(&mut self, key: &str, files: Vec<ParsedFile>, group: &mut Group) -> Option<Resource> {
        let before = group.problems.len();
        let mut grouped = group_files(files, &mut group.problems);
        if group.problems.len() > before {
            group.failed = true;
        }
        let files = grouped.get_mut(key)?;
        let original_lang = self.original_lang(files);
        if files[&original_lang].fm.draft {
            return None;
        }
        let resource = self.validate(key, original_lang, files, group)?;
        self.claim_id(resource, &files[&original_lang], key, group)
    }

    /// The language a resource was written in: the site's default language when there is a
    /// file in it, else the first language it has.
    fn original_lang(&self, files: &BTreeMap<Lang, ParsedFile>) -> Lang {
        let default = self.site.default_lang;
        if files.contains_key(&default) {
            default
        } else {
            *files.keys().next().expect("groups are never empty")
        }
    }

    /// [`build_resource`] against the domains in use. An error, or a translation left out,
    /// marks the group failed: the index keeps the last good version of the resource.
    fn validate(
        &self,
        key: &str,
        original_lang: Lang,
        files: &mut BTreeMap<Lang, ParsedFile>,
        group: &mut Group,
    ) -> Option<Resource> {
        let domain_ids: BTreeSet<&str> = self.domains.iter().map(|d| d.id.as_str()).collect();
        let before = group.problems.len();
        let built = build_resource(key, original_lang, files, &domain_ids, &mut group.problems);
        if group.problems[before..].iter().any(Problem::is_error) {
            group.failed = true;
        }
        let resource = built?;
        if resource.translations.len() < files.len() {
            group.failed = true;
        }
        Some(resource)
    }

    /// Gives `resource` its id, unless another resource holds it: the holder keeps it, and
    /// this one is refused (and blocked on that id) until one of them changes.
    fn claim_id(
        &mut self,
        resource: Resource,
        original: &ParsedFile,
        key: &str,
        group: &mut Group,
    ) -> Option<Resource> {
        if let Some(owner) = self.owners.get(&resource.id).filter(|o| *o != key) {
            group.problems.push(Problem::error(
                &original.rel,
                front_matter::line_of_key(&original.yaml, "id"),
                format!(
                    "id `{}` is already used by `{}`; ids must be unique, change one of them",
                    resource.id,
                    self.path_of(owner)
                ),
            ));
            group.failed = true;
            group.blocked_id = Some(resource.id);
            return None;
        }
        self.owners.insert(resource.id.clone(), key.to_string());
        group.entry = Some(Entry::of(&resource, original));
        Some(resource)
    }

    /// The original file of the resource `key`, to name it in a problem; the key itself
    /// when it has no valid version.
    fn path_of(&self, key: &str) -> String {
        self.groups
            .get(key)
            .and_then(|g| g.entry.as_ref())
            .map_or(key.to_string(), |e| e.path.clone())
    }

    /// Re-reads the files behind `paths` (created, changed, deleted or renamed files and
    /// folders, relative or absolute) and says what the index must do.
    pub fn refresh(&mut self, paths: &[PathBuf]) -> Vec<Change> {
        let keys = self.keys_of_paths(paths);
        self.refresh_keys_and_freed(&keys)
    }

    /// The resource keys that `paths` (files or folders) concern, forgetting the walk
    /// problems recorded under them: the walk that follows reports them again if they remain.
    fn keys_of_paths(&mut self, paths: &[PathBuf]) -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        for path in paths {
            // Whatever lies outside the corpus (a path the watcher reports through a link, say)
            // is not content.
            let Some(rel) = inside(&self.dir, path).map(|r| relative(&self.dir, r)) else {
                continue;
            };
            let abs = self.dir.join(&rel);
            let prefix = format!("{rel}/");
            self.walk_problems
                .retain(|p, _| p != &rel && !p.starts_with(&prefix));
            if abs.is_dir() || refused_link(&self.dir, &abs).is_some() {
                let mut walk_problems = Vec::new();
                for file in content_files(&self.dir, &abs, &mut walk_problems) {
                    if let Some(key) = key_of(&relative(&self.dir, &file)) {
                        keys.insert(key);
                    }
                }
                self.record_walk_problems(walk_problems);
            }
            if let Some(key) = key_of(&rel) {
                keys.insert(key);
            }
            // A folder that disappeared: every resource under it.
            keys.extend(
                self.groups
                    .range(prefix.clone()..)
                    .map(|(k, _)| k)
                    .take_while(|k| k.starts_with(&prefix))
                    .cloned(),
            );
        }
        keys
    }

    /// Re-reads the resources `keys`, then those refused for an id that is now free.
    fn refresh_keys_and_freed(&mut self, keys: &BTreeSet<String>) -> Vec<Change> {
        let mut changes = self.refresh_keys(keys);
        // Resources that were refused for an id now free get another chance.
        let freed: BTreeSet<String> = self
            .groups
            .blocked()
            .filter(|(_, id)| !self.owners.contains_key(*id))
            .map(|(k, _)| k.clone())
            .collect();
        if !freed.is_empty() {
            changes.extend(self.refresh_keys(&freed));
        }
        changes
    }

    fn refresh_keys(&mut self, keys: &BTreeSet<String>) -> Vec<Change> {
        let mut changes = Vec::new();
        for key in keys {
            let paths = self.files_of(key);
            let old = self
                .groups
                .get(key)
                .map(|g| (g.entry.as_ref().map(|e| e.hash.clone()), g.entry.is_some()));
            let (files, errors) = self.read_paths(&paths);
            let resource = self.evaluate(key, files, errors);
            let group = self.groups.get(key);
            let failed = group.is_some_and(|g| g.failed);
            let (old_hash, was_published) = old.unwrap_or((None, false));
            match resource {
                Some(_) if failed && was_published => changes.push(Change::Keep(key.clone())),
                Some(r) => {
                    if old_hash.as_deref() != Some(r.content_hash.as_str()) {
                        changes.push(Change::Upsert(Box::new(r)));
                    }
                }
                None if failed => changes.push(Change::Keep(key.clone())),
                None => {
                    if group.is_some_and(|g| g.files == 0) {
                        self.groups.remove(key);
                    }
                    changes.push(Change::Remove(key.clone()));
                }
            }
        }
        changes
    }

    /// The content files of a resource key, as they are on disk now.
    fn files_of(&self, key: &str) -> Vec<PathBuf> {
        let path = self.dir.join(key);
        let (Some(parent), Some(slug)) = (path.parent(), path.file_name().and_then(|s| s.to_str()))
        else {
            return Vec::new();
        };
        let Ok(entries) = std::fs::read_dir(parent) else {
            return Vec::new();
        };
        // A folder may hold a hundred thousand files: the name is compared first, and only
        // the few that start with the slug pay for a path, a key and a link check.
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(slug)))
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().and_then(|s| s.to_str()).unwrap_or("");
                !super::load::is_ignored_name(name)
                    && key_of(&relative(&self.dir, p)).as_deref() == Some(key)
                    && refused_link(&self.dir, p).is_none()
            })
            .collect();
        files.sort();
        files
    }

    /// Every problem: configuration, folders, files, and links across resources.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out: Vec<Problem> = self
            .config_problems
            .iter()
            .chain(self.walk_problems.values())
            .chain(self.groups.problems())
            .cloned()
            .collect();
        out.extend(self.link_problems());
        out.sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
        out
    }

    /// Problems of links across resources (recommendations, `related`, redirects), computed
    /// again only when a resource's id, type or links changed.
    fn link_problems(&self) -> Vec<Problem> {
        let mut cache = self.link_problems.lock().expect("link problems lock");
        if let Some((version, problems)) = cache.as_ref() {
            if *version == self.links_version {
                return problems.clone();
            }
        }
        let problems = self.check_links();
        *cache = Some((self.links_version, problems.clone()));
        problems
    }

    fn check_links(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let kinds: HashMap<&str, ResourceType> = self
            .groups
            .values()
            .filter_map(|g| g.entry.as_ref())
            .map(|e| (e.id.as_str(), e.kind))
            .collect();
        for e in self.groups.values().filter_map(|g| g.entry.as_ref()) {
            for rec in &e.recommendations {
                match kinds.get(rec.as_str()) {
                    Some(ResourceType::Recommendation) => {}
                    Some(other) => out.push(Problem::warning(
                        &e.path,
                        e.recommendations_line,
                        format!("`{rec}` is a {}, not a recommendation; list it under `related:` instead", other.as_str()),
                    )),
                    None => out.push(Problem::warning(
                        &e.path,
                        e.recommendations_line,
                        format!("unknown recommendation `{rec}`; check the id (recommendations have ids like R2.3)"),
                    )),
                }
            }
            for link in &e.related {
                if link == &e.id {
                    out.push(Problem::warning(
                        &e.path,
                        e.related_line,
                        "a resource cannot be related to itself; remove its own id from `related:`",
                    ));
                } else if !kinds.contains_key(link.as_str()) {
                    out.push(Problem::warning(
                        &e.path,
                        e.related_line,
                        format!("unknown related resource `{link}`; use an id such as cases/rupture-de-parcours (path without language and .md)"),
                    ));
                }
            }
        }
        out.extend(
            self.redirects
                .unknown_targets(&kinds.keys().copied().collect()),
        );
        out
    }

    /// Content files read.
    pub fn files(&self) -> usize {
        self.groups.files()
    }

    /// Resource keys with a file in error.
    pub fn failed_keys(&self) -> BTreeSet<String> {
        self.groups.failed().clone()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Reads the whole corpus at once (for `check`, `index` and start-up).
pub fn load(dir: &Path, opts: &LoadOptions) -> Corpus {
    let (state, resources) = CorpusState::load(dir, opts);
    corpus_of(&state, resources)
}

/// The [`Corpus`] view of a state and its valid resources.
pub fn corpus_of(state: &CorpusState, resources: Vec<Resource>) -> Corpus {
    Corpus {
        site: state.site.clone(),
        vocabulary: state.vocabulary.clone(),
        domains: state.domains.clone(),
        redirects: state.redirects.clone(),
        resources,
        problems: state.problems(),
        files: state.files(),
        failed_keys: state.failed_keys(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, related: &str, body: &str) -> PathBuf {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = format!(
            "---\ntitle: \"T\"\ntype: case\ndomain: emploi\nrelated: [{related}]\n---\n{body}\n"
        );
        std::fs::write(&path, text).unwrap();
        path
    }

    fn unknown_links(state: &CorpusState) -> Vec<String> {
        state
            .problems()
            .into_iter()
            .filter(|p| p.message.starts_with("unknown related resource"))
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn link_problems_follow_the_links_and_the_resources_they_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("domains.yaml"),
            "- id: emploi\n  color: \"#2563a8\"\n  name: {fr: Emploi, en: Work, it: Lavoro, sv: Arbete}\n  description: {fr: E., en: W., it: L., sv: A.}\n",
        )
        .unwrap();
        let a = write(dir.path(), "cases/a.fr.md", "cases/b", "Texte.");
        let (mut state, _) = CorpusState::load(dir.path(), &LoadOptions::default());
        assert_eq!(unknown_links(&state).len(), 1, "{:?}", state.problems());
        // The resource it names appears: the problem goes.
        let b = write(dir.path(), "cases/b.fr.md", "", "Autre texte.");
        state.refresh(&[b]);
        assert!(unknown_links(&state).is_empty(), "{:?}", state.problems());
        // Its text changes, not its links: nothing new.
        write(dir.path(), "cases/a.fr.md", "cases/b", "Texte changé.");
        state.refresh(std::slice::from_ref(&a));
        assert!(unknown_links(&state).is_empty());
        // Its links change: the new one is checked.
        write(dir.path(), "cases/a.fr.md", "cases/c", "Texte changé.");
        state.refresh(&[a]);
        let problems = unknown_links(&state);
        assert!(
            problems.len() == 1 && problems[0].contains("cases/c"),
            "{problems:?}"
        );
        // The resource it named is deleted: its own link to nothing is still the one problem,
        // and a link to the deleted one would show.
        std::fs::remove_file(dir.path().join("cases/b.fr.md")).unwrap();
        state.refresh(&[dir.path().join("cases/b.fr.md")]);
        assert_eq!(unknown_links(&state).len(), 1);
    }
}
