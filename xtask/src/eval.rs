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
        runs.insert(id.clone(), answer.hits.into_iter().map(|h| h.id).collect());
    }
    Ok(runs)
}

/// The options of an evaluation: complete queries, not words being typed.
pub fn eval_options() -> query::Options {
    query::Options {
        complete_last: false,
        ..query::Options::default()
    }
}

#[derive(Debug, Deserialize)]
struct Judged {
    id: String,
    lang: String,
    query: String,
    judgments: BTreeMap<String, u32>,
}

/// The project's judged set (`eval/judged.yaml`): queries and qrels.
pub fn load_judged(path: &Path) -> anyhow::Result<(Queries, Qrels)> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let items: Vec<Judged> = serde_yaml_ng::from_str(&text)?;
    let mut queries = Vec::new();
    let mut qrels = Qrels::new();
    for j in items {
        let lang = Lang::parse(&j.lang)
            .ok_or_else(|| anyhow::anyhow!("{}: unknown lang {}", j.id, j.lang))?;
        queries.push((j.id.clone(), lang, j.query));
        qrels.insert(j.id, j.judgments.into_iter().collect());
    }
    Ok((queries, qrels))
}

/// Per-language and overall scores of the judged set.
pub fn judged_scores(
    index: &SearchIndex,
    scope: Scope,
    set: &Path,
    options: query::Options,
) -> anyhow::Result<BTreeMap<String, Scores>> {
    let (queries, qrels) = load_judged(set)?;
    let runs = run_queries(index, scope, &queries, options)?;
    let mut out = BTreeMap::new();
    for lang in Lang::ALL {
        let ids: Vec<&String> = queries
            .iter()
            .filter(|q| q.1 == lang)
            .map(|q| &q.0)
            .collect();
        let sub: Qrels = qrels
            .iter()
            .filter(|(k, _)| ids.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.insert(lang.code().to_string(), score(&runs, &sub));
    }
    out.insert("all".into(), score(&runs, &qrels));
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

/// Runs a collection and writes a run file (`query<TAB>doc<TAB>rank<TAB>score`).
pub fn collection(dir: &Path, lang: Lang, run_out: Option<&Path>) -> anyhow::Result<Scores> {
    let (index, queries, qrels) = load_collection(dir, lang)?;
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
    };
    let runs = run_queries(&index, scope, &queries, eval_options())?;
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
    let (queries, qrels) = load_judged(set)?;
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
    let runs = run_queries(&service.index(), meta.scope(), &queries, eval_options())?;
    let mut run = std::io::BufWriter::new(std::fs::File::create(dir.join("profint.run"))?);
    for (id, _, _) in &queries {
        for (rank, doc) in runs.get(id).into_iter().flatten().enumerate() {
            writeln!(run, "{id}\t{doc}\t{}\t{}", rank + 1, 1000 - rank)?;
        }
    }
    Ok(())
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
}
