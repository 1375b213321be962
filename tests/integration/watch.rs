//! Live content: real files changed on disk under a real server; the index follows.

use super::support::{case_file, copy_fixture, eventually, TestServer};
use std::fs;

#[test]
fn add_edit_rename_delete() {
    let corpus = copy_fixture("basic/corpus");
    let s = TestServer::start_live(corpus.path());
    let path = corpus.path().join("cases/nouveau.fr.md");
    fs::write(
        &path,
        case_file("Nouveau cas", "Un apprenti boulanger cherche un logement."),
    )
    .unwrap();
    eventually("a new file is searchable", || {
        s.find("boulanger", "fr") == vec!["cases/nouveau"]
    });

    fs::write(
        &path,
        case_file("Nouveau cas", "Un apprenti menuisier cherche un logement."),
    )
    .unwrap();
    eventually("an edit is searchable", || {
        s.find("menuisier", "fr") == vec!["cases/nouveau"]
    });
    assert!(s.find("boulanger", "fr").is_empty(), "the old text is gone");

    fs::rename(&path, corpus.path().join("cases/renomme.fr.md")).unwrap();
    eventually("a renamed file changes id", || {
        s.find("menuisier", "fr") == vec!["cases/renomme"]
    });

    fs::remove_file(corpus.path().join("cases/renomme.fr.md")).unwrap();
    eventually("a deleted file is gone", || {
        s.find("menuisier", "fr").is_empty()
    });
    assert_eq!(s.total(), 10);
}

#[test]
fn editor_save_patterns_and_temporary_files() {
    let corpus = copy_fixture("basic/corpus");
    let s = TestServer::start_live(corpus.path());
    let target = corpus.path().join("cases/logement.fr.md");
    // Atomic save: write a temporary file, then rename it over the original.
    let tmp = corpus.path().join("cases/.logement.fr.md.tmp");
    fs::write(
        &tmp,
        case_file("Trouver un logement", "Une caravane près du chantier."),
    )
    .unwrap();
    fs::rename(&tmp, &target).unwrap();
    eventually("an atomic save is applied", || {
        s.find("caravane", "fr") == vec!["cases/logement"]
    });
    // vim's swap, backup and probe files, emacs lock files: never content, never problems.
    fs::write(
        corpus.path().join("cases/.logement.fr.md.swp"),
        b"\x00binary swap",
    )
    .unwrap();
    fs::write(
        corpus.path().join("cases/logement.fr.md~"),
        "old backup with péniche",
    )
    .unwrap();
    fs::write(corpus.path().join("cases/4913"), "").unwrap();
    fs::write(corpus.path().join("cases/.#logement.fr.md"), "lock").unwrap();
    // Delete then create again (some editors and git do this).
    fs::remove_file(&target).unwrap();
    fs::write(
        &target,
        case_file("Trouver un logement", "Une péniche amarrée au port."),
    )
    .unwrap();
    eventually("delete-then-create is applied", || {
        s.find("péniche", "fr") == vec!["cases/logement"]
    });
    let status = s.get("/api/status").json();
    assert!(
        status["problems"].as_array().unwrap().is_empty(),
        "{status}"
    );
    assert_eq!(s.total(), 10);
}

#[test]
fn a_burst_of_200_files_and_a_whole_folder() {
    let corpus = copy_fixture("basic/corpus");
    let s = TestServer::start_live(corpus.path());
    let dir = corpus.path().join("cases/lot");
    fs::create_dir(&dir).unwrap();
    for i in 0..200 {
        fs::write(
            dir.join(format!("c{i}.fr.md")),
            case_file(&format!("Cas {i}"), &format!("texte numéro zorglub{i}")),
        )
        .unwrap();
    }
    eventually("200 new files are indexed", || s.total() == 210);
    assert_eq!(s.find("zorglub137", "fr"), vec!["cases/lot/c137"]);
    // Moving the whole folder away removes all of them; moving it back restores them.
    let away = corpus
        .path()
        .parent()
        .unwrap()
        .join(format!("away-{}", std::process::id()));
    fs::rename(&dir, &away).unwrap();
    eventually("a removed folder's resources are gone", || s.total() == 10);
    fs::rename(&away, &dir).unwrap();
    eventually("a folder moved in is indexed", || s.total() == 210);
    let status = s.get("/api/status").json();
    assert_eq!(status["files"], 216);
    assert!(status["last_change"]["at"].is_string());
    assert_eq!(status["queue"], 0);
}

#[test]
fn an_invalid_file_keeps_its_last_good_version_until_fixed() {
    let corpus = copy_fixture("basic/corpus");
    let s = TestServer::start_live(corpus.path());
    let path = corpus.path().join("cases/logement.fr.md");
    let good = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        "---\ntitle: \"Trouver un logement\"\ndomain: [broken\n---\nLe mot nouveau: trottinette.\n",
    )
    .unwrap();
    eventually("the problem is reported", || {
        s.get("/api/status").json()["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["path"] == "cases/logement.fr.md")
    });
    let status = s.get("/api/status").json();
    let problem = &status["problems"][0];
    assert_eq!(problem["line"], 3, "{problem}");
    assert_eq!(problem["severity"], "error");
    assert!(
        problem["since"].as_str().unwrap().starts_with("20"),
        "{problem}"
    );
    assert_eq!(
        s.find("chantier", "fr"),
        vec!["cases/logement"],
        "the last good version is still served"
    );
    assert!(s.find("trottinette", "fr").is_empty());
    let page = s.get("/api/resources/cases%2Flogement");
    assert_eq!(page.status, 200);

    fs::write(&path, good.replace("chantier", "entrepôt")).unwrap();
    eventually("the fixed file is applied", || {
        s.find("entrepôt", "fr") == vec!["cases/logement"]
    });
    let status = s.get("/api/status").json();
    assert!(
        status["problems"].as_array().unwrap().is_empty(),
        "{status}"
    );

    fs::write(&path, "").unwrap();
    eventually("an emptied file is reported", || {
        s.get("/api/status").json()["errors"] == 1
    });
    assert_eq!(
        s.find("entrepôt", "fr"),
        vec!["cases/logement"],
        "still the last good version"
    );
    fs::remove_file(&path).unwrap();
    eventually("a deleted invalid file is removed", || {
        s.find("entrepôt", "fr").is_empty()
    });
    assert_eq!(s.get("/api/status").json()["errors"], 0);
}

#[test]
fn editing_domains_yaml_updates_labels_and_revalidates() {
    let corpus = copy_fixture("basic/corpus");
    let s = TestServer::start_live(corpus.path());
    let path = corpus.path().join("domains.yaml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("fr: Emploi,", "fr: Travail et emploi,")).unwrap();
    eventually("the new label is served", || {
        s.search(&[("q", "")])["facets"]["domain"][2]["label"] == "Travail et emploi"
    });
    // Removing a domain makes its resources invalid: reported, and kept at their last version.
    let without_langue: String = text.split("- id: langue").next().unwrap().to_string()
        + &text
            .split("- id: emploi")
            .nth(1)
            .map(|rest| format!("- id: emploi{rest}"))
            .unwrap();
    fs::write(&path, without_langue).unwrap();
    eventually("resources of the removed domain are reported", || {
        s.get("/api/status").json()["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| {
                p["path"] == "cases/entretien-interprete.fr.md"
                    && p["message"]
                        .as_str()
                        .unwrap()
                        .contains("unknown domain `langue`")
            })
    });
    assert_eq!(
        s.find("nettoyage", "fr"),
        vec!["cases/entretien-interprete"],
        "kept at the last good version"
    );
    fs::write(&path, text).unwrap();
    eventually("restored domains clear the problems", || {
        s.get("/api/status").json()["errors"] == 0
    });
}

#[test]
fn restart_after_offline_edits_reconciles_without_rebuilding() {
    let corpus = copy_fixture("basic/corpus");
    let index = tempfile::tempdir().unwrap();
    let settings = profint::service::Settings {
        corpus: corpus.path().to_path_buf(),
        index: index.path().to_path_buf(),
        load: profint::content::LoadOptions::default(),
        rebuild: false,
        model: None,
    };
    let (service, report) = profint::service::Service::start(settings.clone(), |_, _| {}).unwrap();
    assert_eq!(report.added, 10);
    service.close().unwrap();
    drop(service);
    fs::write(
        corpus.path().join("cases/nouveau.fr.md"),
        case_file("Nouveau", "une montgolfière"),
    )
    .unwrap();
    fs::remove_file(corpus.path().join("practices/mentorat.fr.md")).unwrap();
    let path = corpus.path().join("cases/logement.fr.md");
    fs::write(
        &path,
        fs::read_to_string(&path)
            .unwrap()
            .replace("voiture", "mobylette"),
    )
    .unwrap();
    let (service, report) = profint::service::Service::start(settings, |_, _| {}).unwrap();
    assert_eq!(
        (
            report.added,
            report.updated,
            report.removed,
            report.unchanged
        ),
        (1, 1, 1, 8),
        "{report:?}"
    );
    let meta = service.meta();
    let answer = profint::search::search(
        &service.index(),
        meta.scope(),
        &profint::search::SearchRequest::new("mobylette", profint::lang::Lang::Fr),
    )
    .unwrap();
    assert_eq!(answer.hits[0].id, "cases/logement");
}
