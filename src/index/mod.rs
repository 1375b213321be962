//! The on-disk tantivy index: one document per resource, with per-language text fields
//! (each analyzed by its language's analyzer), fast fields for facets, and the whole resource
//! stored as JSON so that pages are served from the index without re-reading the corpus.

mod card;
mod directory;
pub mod merge;
pub mod schema;
mod sync;

pub use card::{Card, CardVersion};
use schema::{build_schema, names};
pub use schema::{Fields, LangFields};

pub use sync::{apply, sync, ApplyReport, SyncReport};

use crate::analysis;
use crate::content::Resource;
use crate::lang::Lang;
use anyhow::Context;
use directory::IndexDirectory;
use std::collections::HashMap;
use std::path::Path;
use tantivy::schema::{IndexRecordOption, Schema};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

/// What a writer is opened for. Every commit finalises each indexing thread's segment and
/// starts new ones (a 512 K-entry term table each, zeroed), whatever they hold: for the
/// one-file batches of a live edit a second thread only doubles that. On the bundled
/// corpus one edit's commit took 26-43 ms with two threads and 27-33 ms with one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writing {
    /// A whole corpus: one thread per core.
    Build,
    /// Edits as they come: one thread, tantivy's smallest budget.
    Live,
}

/// The build's memory budget, shared by its threads.
const BUILD_BYTES: usize = 64 * 1024 * 1024;
/// The live writer's: tantivy's smallest for one thread (15 MB, not exported by tantivy).
const LIVE_BYTES: usize = 15_000_000;

/// The index with its reader. The reader is reloaded explicitly after each commit, so a
/// change is visible to the very next search.
pub struct SearchIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when absent and recreating it when it was built
    /// by a version with another schema (or when `rebuild` is asked).
    pub fn open(dir: &Path, rebuild: bool) -> anyhow::Result<SearchIndex> {
        let (schema, fields) = build_schema();
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the index folder {}", dir.display()))?;
        let has_meta = dir.join("meta.json").exists();
        let index = if has_meta && !rebuild {
            let index = Index::open(IndexDirectory::open(dir)?)
                .with_context(|| format!("cannot open the index in {}", dir.display()))?;
            if index.schema() == schema {
                index
            } else {
                tracing::warn!(dir = %dir.display(), "index built with another schema; rebuilding it");
                Self::recreate(dir, schema)?
            }
        } else if has_meta {
            Self::recreate(dir, schema)?
        } else {
            Self::create(dir, schema)?
        };
        Self::with_index(index, fields)
    }

    /// Starts an index afresh in `dir`, unless another process is writing there: clearing an
    /// index under a running server would break it at that server's next commit.
    fn recreate(dir: &Path, schema: Schema) -> anyhow::Result<Index> {
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        {
            use tantivy::directory::Directory;
            let _lock = directory
                .acquire_lock(&tantivy::directory::INDEX_WRITER_LOCK)
                .map_err(|e| lock_error(dir, e))?;
            clear_index_dir(dir)?;
        }
        Self::create(dir, schema)
    }

    fn create(dir: &Path, schema: Schema) -> anyhow::Result<Index> {
        let directory = IndexDirectory::open(dir)?;
        Ok(Index::create(
            directory,
            schema,
            tantivy::IndexSettings::default(),
        )?)
    }

    /// The index's one writer, shaped for `writing`. Fails with an explanation when another
    /// process holds it.
    ///
    /// A lock found taken is tried again for a second. Start-up swaps writers (live, build,
    /// live), and the lock it has just released can still be held for a moment: a child
    /// process being started anywhere in this process (fork, then exec) holds a copy of every
    /// descriptor until its exec closes them, and the lock goes with the descriptor.
    pub fn writer(&self, dir: &Path, writing: Writing) -> anyhow::Result<IndexWriter> {
        let open = || match writing {
            Writing::Build => self.index.writer(BUILD_BYTES),
            Writing::Live => self.index.writer_with_num_threads(1, LIVE_BYTES),
        };
        let mut opened = open();
        for _ in 0..20 {
            if !matches!(opened, Err(tantivy::TantivyError::LockFailure(..))) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            opened = open();
        }
        opened.map_err(|e| match e {
            tantivy::TantivyError::LockFailure(lock, _) => lock_error(dir, lock),
            other => anyhow::Error::new(other).context("cannot open the index writer"),
        })
    }

    /// An index in memory, for tests and benchmarks that should not touch the disk.
    pub fn in_memory() -> anyhow::Result<SearchIndex> {
        let (schema, fields) = build_schema();
        Self::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(index: Index, fields: Fields) -> anyhow::Result<SearchIndex> {
        analysis::register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
        })
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The stored resource of a document.
    pub fn resource_at(&self, searcher: &Searcher, addr: DocAddress) -> tantivy::Result<Resource> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let json = doc
            .get_first(self.fields.data)
            .and_then(|v| tantivy::schema::Value::as_str(&v))
            .unwrap_or_default();
        serde_json::from_str(json)
            .map_err(|e| tantivy::TantivyError::InternalError(format!("stored resource: {e}")))
    }

    /// The card of a document, and the plain text of the version shown to someone who asked
    /// for `lang` (see [`Card::version`]).
    pub fn card_at(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        lang: Lang,
        fallback: &[Lang],
    ) -> tantivy::Result<(Card, String)> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let card = self.card_of(&doc)?;
        let plain = self
            .plain_of(&doc, card.version(lang, fallback).lang)
            .to_string();
        Ok((card, plain))
    }

    /// Every language version of every resource as (id, language, text to embed): title,
    /// summary and plain text, for the semantic signal.
    pub fn version_texts(
        &self,
        searcher: &Searcher,
    ) -> tantivy::Result<Vec<(String, Lang, String)>> {
        let mut out = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc in segment.doc_ids_alive() {
                let stored: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc))?;
                let card = self.card_of(&stored)?;
                for (lang, (title, summary)) in &card.versions {
                    let plain = self.plain_of(&stored, *lang);
                    let text = format!("{title}. {summary}\n{plain}");
                    out.push((card.id.clone(), *lang, text));
                }
            }
        }
        Ok(out)
    }

    /// The card stored in a document.
    fn card_of(&self, doc: &TantivyDocument) -> tantivy::Result<Card> {
        use tantivy::schema::Value;
        let json = doc
            .get_first(self.fields.card)
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        serde_json::from_str(json)
            .map_err(|e| tantivy::TantivyError::InternalError(format!("stored card: {e}")))
    }

    /// The plain text of a document's `lang` version (empty when it has none).
    fn plain_of<'d>(&self, doc: &'d TantivyDocument, lang: Lang) -> &'d str {
        use tantivy::schema::Value;
        doc.get_first(self.fields.lang(lang).plain)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
    }

    /// The id of the resource at `addr`, read from its fast field (no stored document).
    pub fn id_at(&self, searcher: &Searcher, addr: DocAddress) -> tantivy::Result<Option<String>> {
        let segment = searcher.segment_reader(addr.segment_ord);
        let Some(column) = segment.fast_fields().str(names::ID)? else {
            return Ok(None);
        };
        let Some(ord) = column.term_ords(addr.doc_id).next() else {
            return Ok(None);
        };
        let mut id = String::new();
        column.ord_to_str(ord, &mut id)?;
        Ok(Some(id))
    }

    /// The address of the resource with this id, if indexed.
    pub fn address_of(&self, searcher: &Searcher, id: &str) -> tantivy::Result<Option<DocAddress>> {
        let term = Term::from_field_text(self.fields.id, id);
        let query = tantivy::query::TermQuery::new(term, IndexRecordOption::Basic);
        let top = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        Ok(top.first().map(|(_, addr)| *addr))
    }

    /// The resource with this id, if indexed.
    pub fn find(&self, searcher: &Searcher, id: &str) -> tantivy::Result<Option<Resource>> {
        match self.address_of(searcher, id)? {
            Some(addr) => self.resource_at(searcher, addr).map(Some),
            None => Ok(None),
        }
    }

    /// Every indexed id with the key of the resource that holds it, read from fast fields.
    pub fn indexed_ids(&self) -> tantivy::Result<HashMap<String, String>> {
        self.fast_pairs(names::ID, names::KEY)
    }

    /// Every indexed resource key with its content hash, read from fast fields.
    pub fn indexed_hashes(&self) -> tantivy::Result<HashMap<String, String>> {
        self.fast_pairs(names::KEY, names::HASH)
    }

    /// The values of two single-valued string fast fields, paired, over the live documents.
    ///
    /// Each dictionary is decoded once, in order: looking terms up one ordinal at a time
    /// decodes a block per lookup, which at 100 000 resources was a second of start-up.
    fn fast_pairs(&self, left: &str, right: &str) -> tantivy::Result<HashMap<String, String>> {
        let searcher = self.searcher();
        let mut out = HashMap::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let (Some(lefts), Some(rights)) = (fast.str(left)?, fast.str(right)?) else {
                continue;
            };
            let left_terms = all_terms(&lefts)?;
            let right_terms = all_terms(&rights)?;
            for doc in segment.doc_ids_alive() {
                let (Some(l), Some(r)) =
                    (lefts.term_ords(doc).next(), rights.term_ords(doc).next())
                else {
                    continue;
                };
                if let (Some(l), Some(r)) =
                    (left_terms.get(l as usize), right_terms.get(r as usize))
                {
                    out.insert(l.clone(), r.clone());
                }
            }
        }
        Ok(out)
    }

    /// When the index was last changed, from the commit payload.
    pub fn last_indexed(&self) -> Option<String> {
        let payload = self.index.load_metas().ok()?.payload?;
        let value: serde_json::Value = serde_json::from_str(&payload).ok()?;
        value.get("last_indexed")?.as_str().map(str::to_string)
    }

    /// Number of indexed resources.
    pub fn num_resources(&self) -> u64 {
        self.searcher().num_docs()
    }
}

/// Bytes of the files under `dir` (the index on disk).
pub fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

fn lock_error(dir: &Path, err: tantivy::directory::error::LockError) -> anyhow::Error {
    match err {
        tantivy::directory::error::LockError::LockBusy => anyhow::anyhow!(
            "another process is writing the index in {} (a running `profint serve`?); stop it first, or point this command at another --index",
            dir.display()
        ),
        other => anyhow::Error::new(other).context(format!("cannot lock the index in {}", dir.display())),
    }
}

/// Removes what tantivy wrote in `dir` (and only that: other files there are left alone). Lock
/// files stay: deleting one that another process holds would let two writers in.
fn clear_index_dir(dir: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        let tantivy_file = name == "meta.json"
            || name == ".managed.json"
            || name.contains('.') && name.split('.').next().is_some_and(|s| s.len() == 32);
        if tantivy_file && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// The tantivy document of a resource.
pub fn to_document(fields: &Fields, resource: &Resource) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &resource.id);
    doc.add_text(fields.key, &resource.key);
    doc.add_text(fields.hash, &resource.content_hash);
    doc.add_text(
        fields.data,
        serde_json::to_string(resource).expect("resources serialize"),
    );
    doc.add_text(
        fields.card,
        serde_json::to_string(&Card::of(resource)).expect("cards serialize"),
    );
    doc.add_text(fields.kind, resource.kind.as_str());
    for d in resource.all_domains() {
        doc.add_text(fields.domain, d);
    }
    doc.add_text(fields.original, resource.original.code());
    for r in &resource.recommendations {
        doc.add_text(fields.recommendations, r);
    }
    for r in &resource.related {
        doc.add_text(fields.related, r);
    }
    for lang in Lang::ALL {
        let Some(t) = resource.translations.get(&lang) else {
            doc.add_text(fields.missing, lang.code());
            continue;
        };
        doc.add_text(fields.langs, lang.code());
        let f = fields.lang(lang);
        let tags = t.tags.join(", ");
        let body = crate::content::plain_text(&t.markdown);
        doc.add_text(f.plain, format!("{}\n{body}", t.summary));
        doc.add_text(f.title, &t.title);
        for part in [&t.title, &t.title, &t.summary, &tags, &body] {
            if !part.is_empty() {
                doc.add_text(f.text, part);
                doc.add_text(f.words, part);
            }
        }
    }
    doc
}

/// Every term of a string fast field, indexed by ordinal.
fn all_terms(column: &tantivy::columnar::StrColumn) -> std::io::Result<Vec<String>> {
    let mut terms = Vec::with_capacity(column.num_terms());
    let mut stream = column.dictionary().stream()?;
    while stream.advance() {
        terms.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    Ok(terms)
}
