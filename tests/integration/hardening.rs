//! Defects found by an adversarial run (a hostile user, a careless operator), each pinned by
//! the test that failed before its fix.

use super::support::{case_file, copy_dir, eventually, fixture, ServeProcess, TestServer};
use std::fs;
use std::path::Path;

/// A working folder holding `corpus/` (a copy of the basic fixture), as after a clone.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic/corpus"), &dir.path().join("corpus"));
    dir
}

#[test]
fn live_edits_with_the_default_relative_corpus_path() {
    let site = site();
    let server = ServeProcess::start(site.path(), &[]);
    assert!(
        site.path().join("index/meta.json").exists(),
        "the default index folder is used"
    );
    assert_eq!(server.total(), 10);

    let file = site.path().join("corpus/cases/logement.fr.md");
    fs::write(
        &file,
        case_file("Trouver un logement", "Un trombone sur le bureau."),
    )
    .unwrap();
    eventually("the edit is searchable under the resource's own id", || {
        server.find("trombone", "fr") == vec!["cases/logement"]
    });
    assert_eq!(server.total(), 10, "an edit replaces, it does not add");

    let status = server.get("/api/status");
    let root = site.path().canonicalize().unwrap();
    for shown in [
        site.path().display().to_string(),
        root.display().to_string(),
    ] {
        assert!(
            !status.text.contains(&shown),
            "status shows a server path: {}",
            status.text
        );
    }
    assert_eq!(
        status.json()["last_change"]["paths"],
        serde_json::json!(["cases/logement.fr.md"])
    );

    fs::remove_file(&file).unwrap();
    eventually("a deleted resource is no longer served", || {
        server.find("trombone", "fr").is_empty() && server.total() == 9
    });
    drop(server);

    // A restart reads the same files the same way: nothing to rewrite, same ids.
    let again = ServeProcess::start(site.path(), &["--corpus", "corpus", "--index", "index"]);
    assert_eq!(again.total(), 9);
    assert!(again
        .find("logement", "fr")
        .iter()
        .all(|id| id != "cases/logement"));
}

fn problems(status: &serde_json::Value) -> Vec<(String, String)> {
    status["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_string(),
                p["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn symlinks_never_lead_out_of_the_corpus_or_into_a_loop() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("secret.fr.md"),
        case_file("Secret", "un document confidentiel zanzibar"),
    )
    .unwrap();
    let corpus = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic/corpus"), corpus.path());
    // At start-up: a link to a folder outside, and one to a file outside.
    std::os::unix::fs::symlink(outside.path(), corpus.path().join("cases/dehors")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.fr.md"),
        corpus.path().join("tools/secret.fr.md"),
    )
    .unwrap();
    let s = TestServer::start_live(corpus.path());
    assert_eq!(s.total(), 10);
    assert!(
        s.find("zanzibar", "fr").is_empty(),
        "content outside the corpus is served"
    );
    let found = problems(&s.get("/api/status").json());
    for link in ["cases/dehors", "tools/secret.fr.md"] {
        assert!(
            found
                .iter()
                .any(|(p, m)| p == link && m.contains("outside the content folder")),
            "{link} not reported: {found:?}"
        );
    }

    // While serving: a loop, a new link out, and a link inside the corpus that is fine.
    std::os::unix::fs::symlink("..", corpus.path().join("cases/boucle")).unwrap();
    std::os::unix::fs::symlink(outside.path(), corpus.path().join("practices/dehors")).unwrap();
    eventually("the loop and the new link are reported", || {
        let found = problems(&s.get("/api/status").json());
        found
            .iter()
            .any(|(p, m)| p == "cases/boucle" && m.contains("loop"))
            && found
                .iter()
                .any(|(p, m)| p == "practices/dehors" && m.contains("outside"))
    });
    assert_eq!(s.total(), 10, "a loop indexes the corpus twice");
    assert!(s.find("zanzibar", "fr").is_empty());

    fs::remove_file(corpus.path().join("cases/boucle")).unwrap();
    eventually("a removed link is no longer reported", || {
        !problems(&s.get("/api/status").json())
            .iter()
            .any(|(p, _)| p == "cases/boucle")
    });
}

/// Puts a plain file where the index folder was, so every write fails, even for root (who
/// ignores permissions); returns a guard that puts the folder back.
fn break_index_folder(index: &Path) -> impl FnOnce() {
    let aside = index.with_extension("aside");
    fs::rename(index, &aside).unwrap();
    fs::write(index, "not a folder").unwrap();
    let index = index.to_path_buf();
    move || {
        fs::remove_file(&index).unwrap();
        fs::rename(&aside, &index).unwrap();
    }
}

#[test]
fn a_failed_index_write_is_shown_and_retried_until_nothing_is_lost() {
    let site = site();
    let server = ServeProcess::start(site.path(), &[]);
    let restore = break_index_folder(&site.path().join("index"));
    fs::write(
        site.path().join("corpus/cases/logement.fr.md"),
        case_file("Trouver un logement", "Une péniche amarrée au quai."),
    )
    .unwrap();
    eventually("the failure shows in status and metrics", || {
        let status = server.get("/api/status").json();
        status["indexing"]["failing"] == true
            && status["indexing"]["last_error"]
                .as_str()
                .is_some_and(|e| !e.is_empty())
            && server
                .get("/metrics")
                .text
                .contains("profint_index_write_failing 1")
    });
    // A second edit while the index cannot be written.
    fs::write(
        site.path().join("corpus/cases/rupture-de-parcours.fr.md"),
        case_file("Rupture de parcours", "Un kayak sur la rivière."),
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    restore();
    eventually(
        "both edits land once the index can be written again",
        || {
            server.find("péniche", "fr") == vec!["cases/logement"]
                && server.find("kayak", "fr") == vec!["cases/rupture-de-parcours"]
        },
    );
    assert_eq!(server.total(), 10, "a resource went missing");
    let status = server.get("/api/status").json();
    assert_eq!(status["indexing"]["failing"], false, "{status}");
    assert!(status["indexing"]["failures"].as_u64().unwrap() >= 1);
    assert!(server
        .get("/metrics")
        .text
        .contains("profint_index_write_failing 0"));
}

#[test]
fn a_deleted_index_folder_is_rebuilt_and_serves_everything() {
    let site = site();
    let server = ServeProcess::start(site.path(), &[]);
    fs::remove_dir_all(site.path().join("index")).unwrap();
    fs::write(
        site.path().join("corpus/cases/logement.fr.md"),
        case_file("Trouver un logement", "Une roulotte dans un pré."),
    )
    .unwrap();
    eventually("the edit lands in a rebuilt index", || {
        server.find("roulotte", "fr") == vec!["cases/logement"]
    });
    assert_eq!(server.total(), 10);
    drop(server);
    let again = ServeProcess::start(site.path(), &[]);
    assert_eq!(again.total(), 10, "the rebuilt index opens after a restart");
    assert_eq!(again.find("roulotte", "fr"), vec!["cases/logement"]);
}

#[test]
fn rebuilding_an_index_that_a_server_is_using_is_refused() {
    let site = site();
    let server = ServeProcess::start(site.path(), &[]);
    for args in [&["index", "--rebuild"][..], &["index"][..]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_profint"))
            .current_dir(site.path())
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {text}");
        assert!(
            text.contains("another process is writing the index"),
            "{text}"
        );
    }
    // The server is unharmed: its next commit works and a restart opens the index.
    fs::write(
        site.path().join("corpus/cases/logement.fr.md"),
        case_file("Trouver un logement", "Une yourte au jardin."),
    )
    .unwrap();
    eventually("the server still commits", || {
        server.find("yourte", "fr") == vec!["cases/logement"]
    });
    drop(server);
    let again = ServeProcess::start(site.path(), &[]);
    assert_eq!(again.find("yourte", "fr"), vec!["cases/logement"]);
}
