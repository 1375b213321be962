//! Start-up on an existing index: the corpus state saved at shutdown lets a restart re-read
//! only the files that changed while the service was stopped, and must never hide a change.

use crate::support::*;
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic/corpus"), &dir.path().join("corpus"));
    dir
}

fn case(title: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\ntype: case\ndomain: emploi\n---\n{body}\n")
}

/// The number in the log line "caught up: re-read N files", written once the server has
/// looked for what changed while it was stopped (it serves meanwhile).
fn reread(log: &Path) -> usize {
    let line = || {
        let text = fs::read_to_string(log).unwrap();
        let line = text.lines().find(|l| l.contains("caught up: re-read "))?;
        let after = &line[line.find("caught up: re-read ")? + "caught up: re-read ".len()..];
        after.split_whitespace().next()?.parse().ok()
    };
    eventually("the server has caught up", || line().is_some());
    line().unwrap()
}

/// Whether the start-up read every file (no saved state could be trusted).
fn read_everything(log: &Path) -> bool {
    fs::read_to_string(log)
        .unwrap()
        .contains("start-up: read the corpus")
}

#[test]
fn a_restart_rereads_only_what_changed_while_stopped_and_misses_nothing() {
    let site = site();
    let corpus = site.path().join("corpus");
    let log = site.path().join("serve.log");
    let server = ServeProcess::start_logged(site.path(), &[], &log);
    assert_eq!(server.total(), 10);
    assert!(read_everything(&log), "a first start reads everything");
    assert_eq!(reread(&log), 0);
    server.stop();

    // While stopped: one edit, one deletion, one new file and one broken file.
    let logement = corpus.join("cases/logement.fr.md");
    fs::write(&logement, case("Trouver un logement", "une roulotte")).unwrap();
    fs::remove_file(corpus.join("practices/mentorat.fr.md")).unwrap();
    fs::write(
        corpus.join("cases/nouveau.fr.md"),
        case("Nouveau", "un harmonium"),
    )
    .unwrap();
    fs::write(
        corpus.join("cases/casse.fr.md"),
        "---\ntitle: [\n---\ntexte\n",
    )
    .unwrap();

    let again = ServeProcess::start_logged(site.path(), &[], &log);
    // The edited, the new and the broken file; the deleted one has nothing to read.
    assert_eq!(reread(&log), 3, "only the changed files are read again");
    assert_eq!(again.find("roulotte", "fr"), vec!["cases/logement"]);
    assert_eq!(again.find("harmonium", "fr"), vec!["cases/nouveau"]);
    assert!(again.find("mentorat", "fr").is_empty());
    assert_eq!(again.total(), 10, "one added, one removed");
    let status = again.get("/api/status").text;
    assert!(status.contains("cases/casse.fr.md"), "{status}");
    again.stop();

    // Nothing changed: nothing is read, and everything is still there.
    let third = ServeProcess::start_logged(site.path(), &[], &log);
    assert!(!read_everything(&log));
    assert_eq!(reread(&log), 1, "only the broken file is tried again");
    assert_eq!(third.find("roulotte", "fr"), vec!["cases/logement"]);
    assert!(third.get("/api/status").text.contains("cases/casse.fr.md"));
}

#[test]
fn an_edit_of_the_same_size_with_its_old_modification_time_is_still_seen() {
    let site = site();
    let corpus = site.path().join("corpus");
    let log = site.path().join("serve.log");
    let logement = corpus.join("cases/logement.fr.md");
    fs::write(&logement, case("Trouver un logement", "une caravane")).unwrap();
    let old = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&logement)
        .unwrap()
        .set_modified(old)
        .unwrap();
    ServeProcess::start_logged(site.path(), &[], &log).stop();

    // Same length, same modification time: as `rsync -t` or an archive would leave it.
    fs::write(&logement, case("Trouver un logement", "une roulotte")).unwrap();
    fs::File::options()
        .write(true)
        .open(&logement)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let again = ServeProcess::start_logged(site.path(), &[], &log);
    assert_eq!(reread(&log), 1);
    assert_eq!(again.find("roulotte", "fr"), vec!["cases/logement"]);
    assert!(again.find("caravane", "fr").is_empty());
}

#[test]
fn a_saved_state_that_does_not_describe_the_index_is_not_trusted() {
    let site = site();
    let corpus = site.path().join("corpus");
    let log = site.path().join("serve.log");
    let state = site.path().join("index/corpus-state.bin");
    ServeProcess::start_logged(site.path(), &[], &log).stop();
    let old_state = fs::read(&state).expect("the corpus state is saved next to the index");

    // Live edits, then a crash (no shutdown): the saved state is older than the index.
    let server = ServeProcess::start(site.path(), &[]);
    fs::write(
        corpus.join("cases/logement.fr.md"),
        case("Logement", "une roulotte"),
    )
    .unwrap();
    eventually("the edit is indexed", || {
        server.find("roulotte", "fr") == vec!["cases/logement"]
    });
    drop(server);
    fs::write(&state, &old_state).unwrap();
    let again = ServeProcess::start_logged(site.path(), &[], &log);
    assert!(read_everything(&log), "the whole corpus is read again");
    assert_eq!(again.find("roulotte", "fr"), vec!["cases/logement"]);
    again.stop();

    // A damaged file: read everything, serve everything.
    fs::write(&state, b"not a corpus state").unwrap();
    let third = ServeProcess::start_logged(site.path(), &[], &log);
    assert!(read_everything(&log));
    assert_eq!(third.total(), 10);
    assert_eq!(third.find("roulotte", "fr"), vec!["cases/logement"]);
}

#[test]
fn changes_made_before_the_watcher_is_ready_are_caught_up() {
    let site = site();
    let corpus = site.path().join("corpus");
    let index = tempfile::tempdir().unwrap();
    let settings = profint::service::Settings {
        corpus: corpus.clone(),
        index: index.path().to_path_buf(),
        load: Default::default(),
        rebuild: false,
        model: None,
    };
    let (service, _) = profint::service::Service::start(settings, |_, _| {}).unwrap();
    let service = std::sync::Arc::new(service);
    // Between start-up and the watch: no event will ever name this file.
    fs::write(
        corpus.join("cases/nouveau.fr.md"),
        case("Nouveau", "un harmonium"),
    )
    .unwrap();
    let _watching = profint::watch::watch(service.clone()).unwrap();
    let server = TestServer::serve(service);
    eventually("the change is caught up", || {
        server.find("harmonium", "fr") == vec!["cases/nouveau"]
    });
}

#[test]
fn a_small_index_is_searched_as_one_segment() {
    let site = site();
    let index = tempfile::tempdir().unwrap();
    let settings = profint::service::Settings {
        corpus: site.path().join("corpus"),
        index: index.path().to_path_buf(),
        load: Default::default(),
        rebuild: false,
        model: None,
    };
    let (service, _) = profint::service::Service::start(settings, |_, _| {}).unwrap();
    // Every search pays a fixed cost per segment; the build's threads each write one.
    let segments = service.meta().searcher.segment_readers().len();
    assert_eq!(segments, 1);
    assert_eq!(service.meta().searcher.num_docs(), 10);
}

/// The files of the index that the process `pid` has mapped into memory, each with how much
/// of it is resident in the process (kB, from `/proc/PID/smaps`).
#[cfg(target_os = "linux")]
fn mapped_index_files(pid: u32, index: &Path) -> Vec<(String, u64)> {
    let index = index.canonicalize().unwrap();
    let smaps = fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap();
    let mut out: Vec<(String, u64)> = Vec::new();
    let mut current: Option<String> = None;
    for line in smaps.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if let Some(kb) = line.strip_prefix("Rss:") {
            let kb: u64 = kb.trim().trim_end_matches("kB").trim().parse().unwrap();
            if let Some(path) = current.take() {
                out.push((path, kb));
            }
        } else if fields.len() == 6 && fields[0].contains('-') {
            current = Some(fields[5].to_string()).filter(|p| Path::new(p).starts_with(&index));
        }
    }
    out
}

/// Stored documents (cards, snippets' text, whole resources) are read from the document
/// store with positioned reads: read through the mapping, every random block read took the
/// pages around it into the server's resident memory. The store may be mapped (merges read
/// it whole through the mapping), but none of it is resident after pages that read stored
/// documents. Checked on a first start and on a restart.
#[cfg(target_os = "linux")]
#[test]
fn the_document_store_is_read_not_mapped() {
    let site = site();
    for start in ["first start", "restart"] {
        let server = ServeProcess::start(site.path(), &[]);
        assert_eq!(
            server.find("logement", "fr")[0],
            "cases/logement",
            "{start}"
        );
        let page = server.get("/fr/r/cases/logement");
        assert_eq!(page.status, 200, "{start}");
        assert!(page.text.contains("logement"), "{start}");
        let answer = server.get("/api/search?q=logement&lang=fr").json();
        assert!(
            answer["hits"][0]["snippet"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{start}: {answer}"
        );
        let mapped = mapped_index_files(server.child.id(), &site.path().join("index"));
        assert!(
            mapped.iter().any(|(f, kb)| f.ends_with(".idx") && *kb > 0),
            "{start}: postings are mapped and read: {mapped:?}"
        );
        assert!(
            mapped
                .iter()
                .all(|(f, kb)| !f.ends_with(".store") || *kb == 0),
            "{start}: {mapped:?}"
        );
        server.stop();
    }
}
