//! The `profint` binary: check, index (incremental), search.

use super::bad_content::add_faults;
use super::support::{copy_fixture, fixture};
use std::process::Command;

fn profint(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_profint"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("profint runs");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn check_passes_on_a_good_corpus_and_fails_with_located_errors_on_a_bad_one() {
    let good = fixture("basic/corpus");
    let (code, out) = profint(&["check", "--corpus", good.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("10 resources, 16 files: 0 errors, 0 warnings"),
        "{out}"
    );

    let bad = copy_fixture("basic/corpus");
    add_faults(bad.path());
    let (code, out) = profint(&["check", "--corpus", bad.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("error: cases/invalid-yaml.fr.md:3: invalid YAML"),
        "{out}"
    );
    assert!(
        out.contains("warning: cases/badlink.fr.md:5: unknown recommendation `R9.9`"),
        "{out}"
    );
    assert!(out.contains("12 errors, 1 warnings"), "{out}");
}

#[test]
fn the_bundled_corpus_has_no_problems() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let (code, out) = profint(&["check", "--corpus", corpus.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(": 0 errors, 0 warnings"), "{out}");
}

#[test]
fn index_is_incremental() {
    let corpus = copy_fixture("basic/corpus");
    let index = tempfile::tempdir().unwrap();
    let args = |extra: &[&str]| {
        let mut v = vec![
            "index".to_string(),
            "--corpus".into(),
            corpus.path().to_str().unwrap().into(),
            "--index".into(),
            index.path().to_str().unwrap().into(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        profint(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let (code, out) = run(&[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "indexed 10 resources from 16 files (10 added, 0 updated, 0 removed, 0 unchanged"
        ),
        "{out}"
    );
    let (_, out) = run(&[]);
    assert!(
        out.contains("(0 added, 0 updated, 0 removed, 10 unchanged"),
        "{out}"
    );
    let case = corpus.path().join("cases/logement.fr.md");
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(&case, text.replace("voiture", "bicyclette")).unwrap();
    std::fs::remove_file(corpus.path().join("practices/mentorat.fr.md")).unwrap();
    let (_, out) = run(&[]);
    assert!(
        out.contains(
            "indexed 9 resources from 15 files (0 added, 1 updated, 1 removed, 8 unchanged"
        ),
        "{out}"
    );
    // A file turned invalid keeps its last good version in the index.
    std::fs::write(&case, "---\ntitle: [broken\n---\n").unwrap();
    let (_, out) = run(&[]);
    assert!(
        out.contains("indexed 9 resources") && out.contains("1 kept at last good version"),
        "{out}"
    );
    let (_, out) = run(&["--rebuild"]);
    assert!(
        out.contains("indexed 8 resources"),
        "a rebuild starts from the corpus as it is: {out}"
    );
}

#[test]
fn search_prints_ranked_hits() {
    let corpus = fixture("basic/corpus");
    let index = tempfile::tempdir().unwrap();
    let (code, out) = profint(&[
        "search",
        "en kvinna får en kallelse och förstår inte brevet",
        "--lang",
        "sv",
        "--corpus",
        corpus.to_str().unwrap(),
        "--index",
        index.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let first = out
        .lines()
        .find(|l| l.trim_start().starts_with("1."))
        .unwrap_or("");
    assert!(first.contains("cases/kallelse"), "{out}");
}

#[test]
fn kill_9_during_a_5000_resource_reindex_then_restart_gives_an_index_equal_to_the_corpus() {
    let corpus = tempfile::tempdir().unwrap();
    let files = super::support::generated_corpus(corpus.path(), 5000);
    let dir = |d: &tempfile::TempDir| d.path().to_str().unwrap().to_string();
    let index_args = |index: &str| {
        vec![
            "index".to_string(),
            "--corpus".into(),
            dir(&corpus),
            "--index".into(),
            index.into(),
        ]
    };

    // A full run, to learn how long one takes on this machine.
    let scratch = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let (code, out) = profint(
        &index_args(&dir(&scratch))
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(code, 0, "{out}");
    let full = started.elapsed();

    let index = tempfile::tempdir().unwrap();
    for fraction in [0.3, 0.7] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_profint"))
            .args(index_args(&dir(&index)))
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(fraction));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    let (code, out) = profint(
        &index_args(&dir(&index))
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("indexed 5000 resources from {files} files")),
        "{out}"
    );
    // Every resource's indexed content hash equals its files' hash: nothing to do.
    let (_, out) = profint(
        &index_args(&dir(&index))
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(
        out.contains("(0 added, 0 updated, 0 removed, 5000 unchanged"),
        "{out}"
    );
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    let corpus = copy_fixture("basic/corpus");
    let index = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_profint"))
        .args(["search", "entretien", "-n", "100", "--corpus"])
        .arg(corpus.path())
        .arg("--index")
        .arg(index.path())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // As `| head -0` does: the reading end goes away before anything is read.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
