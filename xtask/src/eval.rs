//! Ranking evaluation: the project's own judged queries over the bundled corpus, and the
//! external judged collections of `shared/bench/` loaded as corpora. Queries run through the
//! same search path as `/api/search`. Metrics follow trec_eval's definitions (as
//! `shared/bench/eval.py`): linear-gain nDCG@10, MAP@100, recall@100.

use profint::content::{Resource, ResourceType, Translation, Vocabulary};
use profint::index::{to_document, SearchIndex};
use profint::lang::Lang;
use profint::search::{self, query, Scope, SearchRequest};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Graded judgments: query id → document id → grade (≥ 1 is relevant).
pub type Qrels = HashMap<String, HashMap<String, u32>>;
/// Queries to run: (id, language, text).
pub type Queries = Vec<(String, Lang, String)>;

/// nDCG@k of one ranked list.
pub fn ndcg(ranked: &[String], judged: &HashMap<String, u32>, k: usize) -> f64 {
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, id)| f64::from(*judged.get(id).unwrap_or(&0)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u32> = judged.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| f64::from(*g) / ((i + 2) as f64).log2())
        .sum();
    if idcg == 0.0 {
        0.0
    } else {
        dcg / idcg
    }
}

/// Average precision over the top `depth`, divided by all relevant documents.
pub fn average_precision(ranked: &[String], judged: &HashMap<String, u32>, depth: usize) -> f64 {
    let relevant = judged.values().filter(|g| **g >= 1).count();
    if relevant == 0 {
        return 0.0;
    }
    let mut found = 0;
    let mut sum = 0.0;
    for (i, id) in ranked.iter().take(depth).enumerate() {
        if judged.get(id).is_some_and(|g| *g >= 1) {
            found += 1;
            sum += found as f64 / (i + 1) as f64;
        }
    }
    sum / relevant as f64
}

pub fn recall(ranked: &[String], judged: &HashMap<String, u32>, depth: usize) -> f64 {
    let relevant = judged.values().filter(|g| **g >= 1).count();
    if relevant == 0 {
        return 0.0;
    }
    ranked
        .iter()
        .take(depth)
        .filter(|id| judged.get(*id).is_some_and(|g| *g >= 1))
        .count() as f64
        / relevant as f64
}

/// Mean metrics over the queries that have a relevant document.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Scores {
    pub queries: usize,
    pub ndcg10: f64,
    pub map100: f64,
    pub recall100: f64,
}

pub fn score(runs: &HashMap<String, Vec<String>>, qrels: &Qrels) -> Scores {
    let mut s = Scores::default();
    for (q, judged) in qrels {
        if !judged.values().any(|g| *g >= 1) {
            continue;
        }
        let empty = Vec::new();
        let ranked = runs.get(q).unwrap_or(&empty);
        s.queries += 1;
        s.ndcg10 += ndcg(ranked, judged, 10);
        s.map100 += average_precision(ranked, judged, 100);
        s.recall100 += recall(ranked, judged, 100);
    }
    if s.queries > 0 {
        let n = s.queries as f64;
        s.ndcg10 /= n;
        s.map100 /= n;
        s.recall100 /= n;
    }
    s
}

/// Runs `queries` (id, language, text) and returns the ranked ids (top 100) per query.
pub fn run_queries(
    index: &SearchIndex,
    scope: Scope,
    queries: &[(String, Lang, String)],
    options: query::Options,
) -> anyhow::Result<HashMap<String, Vec<String>>> {
    let scored = scored_runs(index, scope, queries, options)?;
    Ok(scored
        .into_iter()
        .map(|(q, hits)| (q, hits.into_iter().map(|(id, _)| id).collect()))
        .collect())
}

/// As [`run_queries`], with each hit's score (for run files that fusion experiments read).
pub fn scored_runs(
    index: &SearchIndex,
    scope: Scope,
    queries: &[(String, Lang, String)],
    options: query::Options,
) -> anyhow::Result<HashMap<String, Vec<(String, f32)>>> {
    let mut runs = HashMap::new();
    for (id, lang, text) in queries {
        // The API refuses queries over its limit; a user would shorten them, so cut at a word.
        let text = if text.chars().count() > search::MAX_QUERY_CHARS {
            let cut: String = text.chars().take(search::MAX_QUERY_CHARS).collect();
            cut.rsplit_once(' ')
                .map_or(cut.clone(), |(head, _)| head.to_string())
        } else {
            text.clone()
        };
        let mut req = SearchRequest::new(&text, *lang);
        req.per_page = 100;
        req.snippets = false;
        let answer = search::search_with(index, scope, &req, options)?;
        runs.insert(
            id.clone(),
            answer.hits.into_iter().map(|h| (h.id, h.score)).collect(),
        );
    }
    Ok(runs)
}

/// A copy of `corpus` without `vocabulary.yaml`, in a temporary folder (new content never
/// comes with one: the ranking must hold without it).
pub fn without_vocabulary(corpus: &Path) -> anyhow::Result<std::path::PathBuf> {
    let dir = crate::bench::tempfile_dir("profint-novocab")?.join("corpus");
    crate::bench::copy_dir(corpus, &dir)?;
    let _ = std::fs::remove_file(dir.join("vocabulary.yaml"));
    Ok(dir)
}

/// A copy of `corpus` with only its French files (every resource's original), in a
/// temporary folder: every English, Italian and Swedish query over it is cross-language, the
/// check of how far the ranking carries when content exists only in French.
pub fn french_only(corpus: &Path) -> anyhow::Result<std::path::PathBuf> {
    let dir = crate::bench::tempfile_dir("profint-french")?.join("corpus");
    crate::bench::copy_dir(corpus, &dir)?;
    for entry in walkdir::WalkDir::new(&dir) {
        let path = entry?.into_path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let translation = name.is_some_and(|n| {
            n.ends_with(".md")
                && !n.ends_with(".fr.md")
                && n.rsplit('.').nth(1).is_some_and(|l| l.len() == 2)
        });
        if translation {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(dir)
}

/// The options of an evaluation: complete queries, not words being typed.
pub fn eval_options() -> query::Options {
    query::Options {
        complete_last: false,
        ..query::Options::default()
    }
}

/// What a judged query tests: the optional `kind` of `eval/judged.yaml` (see its header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Every best-graded resource has no version in the query's language.
    Fallback,
    /// 2–4 words.
    Keyword,
    /// A sentence describing a case.
    Situation,
    /// A keyword query whose point is a misspelling.
    Typo,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Fallback, Kind::Keyword, Kind::Situation, Kind::Typo];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Fallback => "fallback",
            Kind::Keyword => "keyword",
            Kind::Situation => "situation",
            Kind::Typo => "typo",
        }
    }

    /// The key of its scores in [`judged_scores`]'s map (`kind:fallback`).
    pub fn key(self) -> String {
        format!("kind:{}", self.name())
    }
}

#[derive(Debug, Deserialize)]
struct Judged {
    id: String,
    lang: String,
    #[serde(default)]
    kind: Option<Kind>,
    query: String,
    judgments: BTreeMap<String, u32>,
}

/// A judged query set: the queries, their qrels and the kind of those that have one.
pub struct JudgedSet {
    pub queries: Queries,
    pub qrels: Qrels,
    pub kinds: HashMap<String, Kind>,
}

/// The project's judged set (`eval/judged.yaml`): queries, qrels and kinds.
pub fn load_judged(path: &Path) -> anyhow::Result<JudgedSet> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let items: Vec<Judged> = serde_yaml_ng::from_str(&text)?;
    let mut set = JudgedSet {
        queries: Vec::new(),
        qrels: Qrels::new(),
        kinds: HashMap::new(),
    };
    for j in items {
        let lang = Lang::parse(&j.lang)
            .ok_or_else(|| anyhow::anyhow!("{}: unknown lang {}", j.id, j.lang))?;
        if let Some(kind) = j.kind {
            set.kinds.insert(j.id.clone(), kind);
        }
        set.queries.push((j.id.clone(), lang, j.query));
        set.qrels.insert(j.id, j.judgments.into_iter().collect());
    }
    Ok(set)
}

/// What is wrong in a judged set against `corpus`: ids judged but absent from the corpus,
/// grades outside 1–3, repeated query ids, and kinds missing or contradicting their
/// definition (fallback exactly when every best-graded resource lacks the query's
/// language; keyword and typo of 2–4 words; situation longer).
pub fn check_judged(set: &Path, corpus: &[Resource]) -> anyhow::Result<Vec<String>> {
    let set = load_judged(set)?;
    let langs: HashMap<&str, Vec<Lang>> = corpus
        .iter()
        .map(|r| (r.id.as_str(), r.translations.keys().copied().collect()))
        .collect();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (id, lang, text) in &set.queries {
        if !seen.insert(id) {
            problems.push(format!("{id}: query id used twice"));
        }
        let judged = &set.qrels[id];
        let mut sorted: Vec<_> = judged.iter().collect();
        sorted.sort();
        for (doc, grade) in sorted {
            if !langs.contains_key(doc.as_str()) {
                problems.push(format!("{id}: {doc} is not a resource of the corpus"));
            }
            if !(1..=3).contains(grade) {
                problems.push(format!("{id}: {doc} has grade {grade}, not 1-3"));
            }
        }
        let Some(kind) = set.kinds.get(id) else {
            problems.push(format!("{id}: no kind"));
            continue;
        };
        let top = judged.values().copied().max().unwrap_or(0);
        let fallback = top > 0
            && judged
                .iter()
                .filter(|(_, g)| **g == top)
                .all(|(doc, _)| langs.get(doc.as_str()).is_some_and(|l| !l.contains(lang)));
        let words = text.split_whitespace().count();
        let agrees = match kind {
            Kind::Fallback => fallback,
            Kind::Keyword | Kind::Typo => !fallback && (2..=4).contains(&words),
            Kind::Situation => !fallback && words > 4,
        };
        if !agrees {
            problems.push(format!(
                "{id}: kind {} does not fit ({words} words, best resources {} in {})",
                kind.name(),
                if fallback { "all missing" } else { "present" },
                lang.code()
            ));
        }
    }
    Ok(problems)
}

/// Scores of the judged set: overall (`all`), per language (`fr`, `en`, `it`, `sv`) and per
/// kind (`kind:fallback`, ...) for the kinds the set uses.
pub fn judged_scores(
    index: &SearchIndex,
    scope: Scope,
    set: &Path,
    options: query::Options,
) -> anyhow::Result<BTreeMap<String, Scores>> {
    let set = load_judged(set)?;
    let runs = run_queries(index, scope, &set.queries, options)?;
    let subset = |keep: &dyn Fn(&String, Lang) -> bool| -> Scores {
        let sub: Qrels = set
            .queries
            .iter()
            .filter(|(id, lang, _)| keep(id, *lang))
            .map(|(id, _, _)| (id.clone(), set.qrels[id].clone()))
            .collect();
        score(&runs, &sub)
    };
    let mut out = BTreeMap::new();
    for lang in Lang::ALL {
        out.insert(lang.code().to_string(), subset(&|_, l| l == lang));
    }
    for kind in Kind::ALL {
        if set.kinds.values().any(|k| *k == kind) {
            out.insert(
                kind.key(),
                subset(&|id, _| set.kinds.get(id) == Some(&kind)),
            );
        }
    }
    out.insert("all".into(), score(&runs, &set.qrels));
    Ok(out)
}

#[derive(Debug, Deserialize)]
struct BenchDoc {
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

#[derive(Debug, Deserialize)]
struct BenchQuery {
    id: String,
    text: String,
}

/// A judged collection (`docs.jsonl`, `queries.jsonl`, `qrels.tsv`) indexed in memory, in `lang`.
pub fn load_collection(dir: &Path, lang: Lang) -> anyhow::Result<(SearchIndex, Queries, Qrels)> {
    let index = SearchIndex::in_memory()?;
    let mut writer = index.index.writer(200 * 1024 * 1024)?;
    let docs = std::fs::read_to_string(dir.join("docs.jsonl")).map_err(|e| {
        anyhow::anyhow!(
            "cannot read {}/docs.jsonl: {e} (the collections live in shared/bench/)",
            dir.display()
        )
    })?;
    for line in docs.lines().filter(|l| !l.trim().is_empty()) {
        let d: BenchDoc = serde_json::from_str(line)?;
        let mut translations = BTreeMap::new();
        translations.insert(
            lang,
            Translation {
                title: d.title,
                summary: String::new(),
                tags: Vec::new(),
                audience: None,
                duration: None,
                // Plain text: escape what Markdown would read as syntax.
                markdown: d
                    .body
                    .replace('\\', "\\\\")
                    .replace('*', "\\*")
                    .replace('_', "\\_")
                    .replace('#', "\\#")
                    .replace('<', "&lt;"),
                path: String::new(),
            },
        );
        let resource = Resource {
            id: d.id.clone(),
            key: d.id,
            kind: ResourceType::Practice,
            domain: "bench".into(),
            domains: Vec::new(),
            recommendations: Vec::new(),
            related: Vec::new(),
            original: lang,
            country: None,
            organisation: None,
            updated: None,
            translations,
            content_hash: String::new(),
        };
        writer.add_document(to_document(&index.fields, &resource))?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    index.reader.reload()?;
    let mut queries = Vec::new();
    for line in std::fs::read_to_string(dir.join("queries.jsonl"))?
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let q: BenchQuery = serde_json::from_str(line)?;
        queries.push((q.id, lang, q.text));
    }
    let mut qrels = Qrels::new();
    for line in std::fs::read_to_string(dir.join("qrels.tsv"))?.lines() {
        let parts: Vec<&str> = line.split('\t').collect();
        if parts.len() == 3 {
            if let Ok(g) = parts[2].trim().parse::<i64>() {
                qrels
                    .entry(parts[0].to_string())
                    .or_default()
                    .insert(parts[1].to_string(), g.max(0) as u32);
            }
        }
    }
    Ok((index, queries, qrels))
}

/// Runs a collection and writes a run file (`query<TAB>doc<TAB>rank<TAB>score`); with a
/// `model`, ranks as the service does with its semantic signal (hybrid).
pub fn collection(
    dir: &Path,
    lang: Lang,
    run_out: Option<&Path>,
    model: Option<&Path>,
    options: query::Options,
) -> anyhow::Result<Scores> {
    let (index, queries, qrels) = load_collection(dir, lang)?;
    let index = std::sync::Arc::new(index);
    let semantic = model
        .map(|m| embed_collection(&index, dir, m))
        .transpose()?;
    let domains = vec![profint::content::Domain {
        id: "bench".into(),
        color: "#000000".into(),
        name: [(Lang::Fr, "bench".to_string())].into_iter().collect(),
        description: BTreeMap::new(),
    }];
    let vocabulary = Vocabulary::default();
    let searcher = index.searcher();
    let scope = Scope {
        domains: &domains,
        vocabulary: &vocabulary,
        searcher: &searcher,
        fallback: &[Lang::En],
        answers: None,
        semantic: semantic.as_deref(),
        facets: &Default::default(),
    };
    let runs = run_queries(&index, scope, &queries, options)?;
    if let Some(path) = run_out {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for (id, _, _) in &queries {
            for (rank, doc) in runs.get(id).into_iter().flatten().enumerate() {
                writeln!(out, "{id}\t{doc}\t{}\t{}", rank + 1, 1000 - rank)?;
            }
        }
    }
    Ok(score(&runs, &qrels))
}

/// Where the collections' document vectors are kept between evaluations.
const EVAL_VECTORS: &str = "target/eval-vectors";

/// The semantic signal over a collection's documents, their vectors kept in
/// `target/eval-vectors/<collection>.bin` (embedding a collection takes minutes to an hour).
fn embed_collection(
    index: &std::sync::Arc<SearchIndex>,
    dir: &Path,
    model: &Path,
) -> anyhow::Result<std::sync::Arc<profint::semantic::Semantic>> {
    let semantic = std::sync::Arc::new(profint::semantic::Semantic::load(model));
    anyhow::ensure!(
        semantic.enabled(),
        "no model at {}: run scripts/fetch-model.sh",
        model.display()
    );
    let name = dir
        .file_name()
        .map_or("collection".into(), |n| n.to_string_lossy().into_owned());
    let dir_of_stores = Path::new(EVAL_VECTORS);
    std::fs::create_dir_all(dir_of_stores)?;
    let store = dir_of_stores.join(format!("{name}.bin"));
    let current = std::sync::Arc::clone(index);
    semantic.start_worker(move || current.clone(), Some(store));
    semantic.index_changed();
    anyhow::ensure!(
        semantic.wait_idle(std::time::Duration::from_secs(4 * 3600)),
        "embedding {} did not finish",
        dir.display()
    );
    Ok(semantic)
}

/// Writes the judged set for the peer harness: one document per language version
/// (`id@lang`), the queries with their language, the qrels, and profint's run.
pub fn export_judged(
    service: &profint::service::Service,
    corpus: &Path,
    set: &Path,
    dir: &Path,
) -> anyhow::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let loaded = profint::content::load(corpus, &Default::default());
    let mut docs = std::io::BufWriter::new(std::fs::File::create(dir.join("docs.jsonl"))?);
    for r in &loaded.resources {
        for (lang, t) in &r.translations {
            let body = format!(
                "{}\n{}",
                t.summary,
                profint::content::plain_text(&t.markdown)
            );
            let doc = serde_json::json!({"id": format!("{}@{}", r.id, lang.code()), "lang": lang.code(), "type": r.kind.as_str(), "domain": r.domain, "title": t.title, "body": body});
            writeln!(docs, "{doc}")?;
        }
    }
    let JudgedSet { queries, qrels, .. } = load_judged(set)?;
    let mut q = std::io::BufWriter::new(std::fs::File::create(dir.join("queries.jsonl"))?);
    for (id, lang, text) in &queries {
        writeln!(
            q,
            "{}",
            serde_json::json!({"id": id, "lang": lang.code(), "text": text})
        )?;
    }
    let mut rel = std::io::BufWriter::new(std::fs::File::create(dir.join("qrels.tsv"))?);
    for (id, _, _) in &queries {
        let mut judged: Vec<_> = qrels[id].iter().collect();
        judged.sort();
        for (doc, grade) in judged {
            writeln!(rel, "{id}\t{doc}\t{grade}")?;
        }
    }
    let meta = service.meta();
    let runs = scored_runs(&service.index(), meta.scope(), &queries, eval_options())?;
    let mut run = std::io::BufWriter::new(std::fs::File::create(dir.join("profint.run"))?);
    for (id, _, _) in &queries {
        for (rank, (doc, score)) in runs.get(id).into_iter().flatten().enumerate() {
            writeln!(run, "{id}\t{doc}\t{}\t{score}", rank + 1)?;
        }
    }
    Ok(())
}

/// How far apart the corpus's resources sit in the semantic space, by what the model's
/// editors say of each pair: linked (an explicit link or a shared recommendation), same
/// domain only, or nothing in common. Each pair is read from one side (a resource and a later
/// one) as its standing: standard deviations above the resource's mean cosine to all others.
/// The "similar situation" threshold of the related panels is read from this table.
pub fn neighbour_cosines(
    service: &profint::service::Service,
    list: bool,
) -> anyhow::Result<String> {
    let vectors = service.semantic.vectors();
    let index = service.index();
    let searcher = index.searcher();
    let mut resources = Vec::new();
    for r in &vectors.resources {
        if let Some(found) = index.find(&searcher, &r.id)? {
            resources.push(found);
        }
    }
    let mut groups: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut listed = String::new();
    let mut unlinked = String::new();
    let title = |r: &Resource| r.version(Lang::Fr, &[]).text.title.to_string();
    let position: HashMap<&str, usize> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    for (i, a) in resources.iter().enumerate() {
        let near = vectors.neighbours(&a.id, resources.len());
        if let Some(n) = near.first() {
            groups
                .entry("nearest other")
                .or_default()
                .push(f64::from(n.standing));
            listed += &format!(
                "{:<45} {:.3} {:>5.2}  {}\n",
                a.id, n.cosine, n.standing, n.id
            );
        }
        for n in near {
            // Each pair once: from the resource that comes first.
            if let Some(b) = position
                .get(n.id.as_str())
                .filter(|&&j| j > i)
                .map(|&j| &resources[j])
            {
                let kind = pair_kind(a, b);
                groups.entry(kind).or_default().push(f64::from(n.standing));
                if kind != "linked" && n.standing >= 2.5 {
                    unlinked += &format!("{:.2}  {}  ~  {}\n", n.standing, title(a), title(b));
                }
            }
        }
    }
    let mut out = standing_table(groups);
    if list {
        out = format!(
            "resource → its nearest other (cosine, standing)\n{listed}\n\
             pairs the model does not link, standing ≥ 2.5\n{unlinked}\n{out}"
        );
    }
    Ok(out)
}

/// Percentiles of each group's standings, and how many pass 2.5 and 3.0.
fn standing_table(groups: BTreeMap<&str, Vec<f64>>) -> String {
    let mut out =
        String::from("standing of pairs  count   p10    p50    p90    max   ≥2.5  ≥3.0\n");
    for (kind, mut v) in groups {
        v.sort_by(f64::total_cmp);
        let p = |q: f64| crate::bench::percentile(&v, q);
        let over = |t: f64| v.iter().filter(|c| **c >= t).count();
        out += &format!(
            "{kind:<17} {:>6}  {:>5.2}  {:>5.2}  {:>5.2}  {:>5.2}  {:>4}  {:>4}\n",
            v.len(),
            p(10.0),
            p(50.0),
            p(90.0),
            v.last().copied().unwrap_or(f64::NAN),
            over(2.5),
            over(3.0)
        );
    }
    out
}

fn pair_kind(a: &Resource, b: &Resource) -> &'static str {
    let linked = a.related.contains(&b.id)
        || b.related.contains(&a.id)
        || a.recommendations
            .iter()
            .any(|r| b.recommendations.contains(r));
    let shared_domain = a.all_domains().any(|d| b.all_domains().any(|e| e == d));
    match (linked, shared_domain) {
        (true, _) => "linked",
        (false, true) => "same domain",
        (false, false) => "unrelated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_match_their_definitions() {
        let judged: HashMap<String, u32> = [("a".to_string(), 3), ("b".to_string(), 1)]
            .into_iter()
            .collect();
        let perfect = vec!["a".to_string(), "b".to_string()];
        assert!((ndcg(&perfect, &judged, 10) - 1.0).abs() < 1e-9);
        let swapped = vec!["b".to_string(), "a".to_string()];
        let expected = (1.0 + 3.0 / 3f64.log2()) / (3.0 + 1.0 / 3f64.log2());
        assert!((ndcg(&swapped, &judged, 10) - expected).abs() < 1e-9);
        assert!((average_precision(&swapped, &judged, 100) - 1.0).abs() < 1e-9);
        let miss = vec!["x".to_string(), "a".to_string()];
        assert!((average_precision(&miss, &judged, 100) - 0.25).abs() < 1e-9);
        assert!((recall(&miss, &judged, 100) - 0.5).abs() < 1e-9);
    }

    fn resource(id: &str, langs: &[Lang]) -> Resource {
        let translations = langs
            .iter()
            .map(|l| {
                let t = Translation {
                    title: id.into(),
                    summary: String::new(),
                    tags: Vec::new(),
                    audience: None,
                    duration: None,
                    markdown: String::new(),
                    path: String::new(),
                };
                (*l, t)
            })
            .collect();
        Resource {
            id: id.into(),
            key: id.into(),
            kind: ResourceType::Case,
            domain: "d".into(),
            domains: Vec::new(),
            recommendations: Vec::new(),
            related: Vec::new(),
            original: Lang::Fr,
            country: None,
            organisation: None,
            updated: None,
            translations,
            content_hash: String::new(),
        }
    }

    #[test]
    fn check_finds_unknown_ids_and_wrong_kinds() {
        let corpus = vec![
            resource("cases/fr-only", &[Lang::Fr]),
            resource("cases/both", &[Lang::Fr, Lang::It]),
        ];
        let yaml = r#"
- {id: it-1, lang: it, kind: fallback, query: "a b c d e", judgments: {cases/fr-only: 3, cases/both: 2}}
- {id: it-2, lang: it, kind: fallback, query: "a b c d e", judgments: {cases/both: 3}}
- {id: it-3, lang: it, kind: keyword, query: "one two three four five", judgments: {cases/both: 3}}
- {id: it-4, lang: it, kind: typo, query: "one twoo", judgments: {cases/fr-only: 3}}
- {id: it-5, lang: it, kind: situation, query: "a b c d e", judgments: {cases/gone: 3, cases/both: 4}}
- {id: it-6, lang: it, query: "a b", judgments: {cases/both: 1}}
"#;
        let path = std::env::temp_dir().join(format!("judged-check-{}.yaml", std::process::id()));
        std::fs::write(&path, yaml).unwrap();
        let problems = check_judged(&path, &corpus).unwrap();
        std::fs::remove_file(&path).unwrap();
        let ids: Vec<&str> = problems
            .iter()
            .map(|p| p.split(':').next().unwrap())
            .collect();
        // it-1 is right; it-2 is not a fallback; it-3 is too long for a keyword; it-4 is a
        // fallback, which takes precedence; it-5 judges an unknown id and a grade 4.
        assert_eq!(
            ids,
            ["it-2", "it-3", "it-4", "it-5", "it-5", "it-6"],
            "{problems:?}"
        );
        assert!(problems[3].contains("grade 4"));
        assert!(problems[4].contains("cases/gone"));
        assert!(problems[5].contains("no kind"));
    }
}
