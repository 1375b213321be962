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

#[test]
fn repeated_filters_on_pages_are_counted_once() {
    let s = TestServer::start(&fixture("basic/corpus"));
    let query = "q=&".to_string() + &"domain=emploi&".repeat(500) + &"type=case&".repeat(500);
    let r = s.get(&format!("/fr/search?{query}"));
    assert_eq!(r.status, 200);
    assert!(r.text.len() < 200_000, "a {} byte page", r.text.len());
    let chips = r.text.matches("class=\"chip\"").count();
    assert_eq!(chips, 2, "one chip per distinct filter");
    // The API deduplicates too.
    let api = s.get(&format!("/api/search?{query}")).json();
    assert_eq!(
        api["total"],
        s.search(&[("domain", "emploi"), ("type", "case")])["total"]
    );
}

/// Every request that reads the index is built on the blocking pool, and the async worker
/// stays free meanwhile. The server gets one worker and one blocking thread, and the test holds
/// that thread while the requests are in flight. While it is held, a resource is added: a page
/// built on the worker would have been built before, without it, and an answer on the worker
/// would arrive while the thread is still held. Nothing here races a clock, except that a
/// request built on the worker would be answered within the pause.
#[test]
fn page_handlers_leave_the_async_workers_free() {
    let corpus = super::support::copy_fixture("basic/corpus");
    let service = std::sync::Arc::new(profint::service::Service::in_memory(corpus.path()).unwrap());
    let (s, runtime) = TestServer::serve_confined(service.clone(), Default::default());
    let held = super::support::hold_blocking_pool(&runtime);

    // Each answer names the added resource; the related panel of a resource unknown when it
    // was built would have been a 404.
    let paths = [
        "/fr/search?q=harmonium",
        "/api/search?q=harmonium&lang=fr",
        "/api/suggest?q=harmoni&lang=fr",
        "/fr/domains/emploi",
        "/fr/r/cases%2Fharmonium",
        "/api/resources/cases%2Fharmonium/related",
    ];
    let (answered, answers) = std::sync::mpsc::channel();
    for path in paths {
        let (url, answered) = (format!("{}{path}", s.base), answered.clone());
        std::thread::spawn(move || {
            let answer = super::support::get(&url);
            answered.send((url, answer)).unwrap();
        });
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        s.get("/healthz").status,
        200,
        "the worker answers meanwhile"
    );
    if let Ok((url, answer)) = answers.try_recv() {
        panic!(
            "{url}: answered {} while the blocking pool was held",
            answer.status
        );
    }
    let added = corpus.path().join("cases/harmonium.fr.md");
    fs::write(&added, case_file("Harmonium", "Un harmonium à l'accueil.")).unwrap();
    service.apply_paths(&[added]).unwrap();
    drop(held);
    for _ in paths {
        let (url, answer) = answers.recv().unwrap();
        assert_eq!(answer.status, 200, "{url} was built before the change");
        assert!(
            url.ends_with("/related") || answer.text.contains("armonium"),
            "{url} was built before the change"
        );
    }
}

#[test]
fn redirects_never_leave_the_site() {
    let s = TestServer::start(&fixture("basic/corpus"));
    for path in [
        "/%2Fevil.example",
        "/%5Cevil.example",
        "/%2F%2Fevil.example",
        "/%09/evil.example",
    ] {
        let r = s.get(path);
        if let Some(location) = r.header("location") {
            let rest = location.strip_prefix('/').unwrap_or("");
            assert!(
                location.starts_with('/') && !rest.starts_with('/') && !rest.starts_with('\\'),
                "{path} redirects to {location}"
            );
        }
        assert!(r.status < 500, "{path}: {}", r.status);
    }
    assert_eq!(s.get("/fr").header("location"), Some("/fr/"));
    assert_eq!(s.get("/xx").status, 404);
}

#[test]
fn silent_clients_are_disconnected_and_cannot_hold_the_shutdown() {
    use std::io::{Read, Write};
    let site = site();
    fs::write(
        site.path().join("profint.toml"),
        "header_read_timeout_secs = 1\n",
    )
    .unwrap();
    let mut server = ServeProcess::start(site.path(), &[]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let half_open = |n: usize| -> Vec<std::net::TcpStream> {
        (0..n)
            .map(|_| {
                let mut c = std::net::TcpStream::connect(&addr).unwrap();
                c.write_all(b"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\n")
                    .unwrap();
                c
            })
            .collect()
    };
    for mut c in half_open(50) {
        c.set_read_timeout(Some(std::time::Duration::from_secs(8)))
            .unwrap();
        let mut buf = Vec::new();
        // The server closes the connection (possibly after a 408); a read timeout means it
        // kept it open.
        let read = c.read_to_end(&mut buf);
        assert!(read.is_ok(), "a silent connection stayed open: {read:?}");
    }
    let _held = half_open(20);
    let stop = std::time::Instant::now();
    std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            stop.elapsed() < std::time::Duration::from_secs(20),
            "SIGTERM did not end the process"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}

fn status_problems(s: &TestServer) -> Vec<(String, Option<u64>, String)> {
    s.get("/api/status").json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_string(),
                p["line"].as_u64(),
                p["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn deeply_nested_front_matter_is_a_located_error_and_delays_nothing() {
    let corpus = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic/corpus"), corpus.path());
    let s = TestServer::start_live(corpus.path());
    let nested = format!(
        "---\ntitle: \"Piège\"\ntype: case\ndomain: emploi\nupdated: {}1{}\n---\nTexte.\n",
        "[".repeat(30_000),
        "]".repeat(30_000)
    );
    fs::write(corpus.path().join("cases/piege.fr.md"), nested).unwrap();
    let huge = format!(
        "---\ntitle: \"Gros\"\ntype: case\ndomain: emploi\nupdated: [{}1]\n---\nT.\n",
        "1,".repeat(60_000)
    );
    fs::write(corpus.path().join("cases/gros.fr.md"), huge).unwrap();
    fs::write(
        corpus.path().join("cases/voisin.fr.md"),
        case_file("Voisin", "un harmonium dans la salle"),
    )
    .unwrap();
    eventually("the good file is served and the bad one reported", || {
        s.find("harmonium", "fr") == vec!["cases/voisin"]
            && status_problems(&s).iter().any(|(p, line, m)| {
                p == "cases/piege.fr.md" && *line == Some(5) && m.contains("nest deeper")
            })
            && status_problems(&s)
                .iter()
                .any(|(p, _, m)| p == "cases/gros.fr.md" && m.contains("over the limit"))
    });
}

#[test]
fn an_alias_bomb_is_reported_with_its_line() {
    let corpus = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic/corpus"), corpus.path());
    let mut fm = String::from(
        "---\ntitle: \"Bombe\"\ntype: case\ndomain: emploi\na: &a [x,x,x,x,x,x,x,x,x]\n",
    );
    let mut prev = 'a';
    for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h'] {
        fm.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
        prev = name;
    }
    fm.push_str("---\nTexte.\n");
    fs::write(corpus.path().join("cases/bombe.fr.md"), fm).unwrap();
    let s = TestServer::start(corpus.path());
    let found = status_problems(&s);
    assert!(
        found.iter().any(|(p, line, m)| p == "cases/bombe.fr.md"
            && *line == Some(6)
            && m.contains("aliases")),
        "{found:?}"
    );
}

#[test]
fn a_broken_domains_yaml_keeps_the_last_good_domains() {
    let corpus = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic/corpus"), corpus.path());
    let s = TestServer::start_live(corpus.path());
    let good = fs::read_to_string(corpus.path().join("domains.yaml")).unwrap();
    fs::write(
        corpus.path().join("domains.yaml"),
        format!("{good}- id: [oops\n"),
    )
    .unwrap();
    eventually("the one error is reported", || {
        status_problems(&s)
            .iter()
            .any(|(p, _, _)| p == "domains.yaml")
    });
    let status = s.get("/api/status").json();
    assert_eq!(status["errors"], 1, "spurious errors: {status}");
    assert_eq!(
        s.get("/api/domains").json()["domains"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(s.get("/api/search?domain=emploi").status, 200);
    assert!(
        s.get("/fr/").text.contains("/fr/domains/emploi"),
        "home page lost its domains"
    );
    fs::write(corpus.path().join("domains.yaml"), &good).unwrap();
    eventually("the fix clears the error", || {
        status_problems(&s).is_empty()
    });
}

#[test]
fn domain_colours_and_ids_are_validated() {
    let corpus = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic/corpus"), corpus.path());
    let domains = fs::read_to_string(corpus.path().join("domains.yaml"))
        .unwrap()
        .replace("\"#b4530f\"", "\"#2563a8;position:fixed\"");
    fs::write(corpus.path().join("domains.yaml"), domains).unwrap();
    let s = TestServer::start(corpus.path());
    let found = status_problems(&s);
    assert!(
        found
            .iter()
            .any(|(p, _, m)| p == "domains.yaml" && m.contains("#rrggbb")),
        "{found:?}"
    );
    for page in ["/fr/", "/fr/search?q=emploi", "/fr/domains/emploi"] {
        assert!(!s.get(page).text.contains("position:fixed"), "{page}");
    }
    // The domain still exists (in a neutral colour): its resources are not turned into errors.
    assert!(
        found.iter().all(|(p, _, _)| p == "domains.yaml"),
        "{found:?}"
    );
}

#[test]
fn more_than_64_domains_are_refused_with_a_clear_error() {
    let corpus = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic/corpus"), corpus.path());
    let mut domains = fs::read_to_string(corpus.path().join("domains.yaml")).unwrap();
    for i in 0..70 {
        domains.push_str(&format!(
            "- id: d{i}\n  color: \"#123456\"\n  name: {{fr: \"D{i}\"}}\n"
        ));
    }
    fs::write(corpus.path().join("domains.yaml"), domains).unwrap();
    fs::write(
        corpus.path().join("cases/d60.fr.md"),
        "---\ntitle: \"Soixante\"\ntype: case\ndomain: d60\n---\nTexte.\n",
    )
    .unwrap();
    let s = TestServer::start(corpus.path());
    let found = status_problems(&s);
    assert!(
        found
            .iter()
            .any(|(p, _, m)| p == "domains.yaml" && m.contains("more than 64 domains")),
        "{found:?}"
    );
    let answer = s.search(&[("domain", "d60")]);
    assert_eq!(super::support::ids(&answer), vec!["cases/d60"]);
    let facet = answer["facets"]["domain"].as_array().unwrap();
    assert_eq!(facet.len(), 64);
    let d60 = facet.iter().find(|f| f["value"] == "d60").unwrap();
    assert_eq!(d60["count"], 1);
    // Past the 64th, a domain would have wrapped onto the first ones' bits.
    let unfiltered = s.search(&[("q", "")]);
    let first = &unfiltered["facets"]["domain"][0];
    assert_eq!(first["count"], facet[0]["count"]);
}

#[test]
fn the_basket_never_echoes_a_huge_or_malformed_cookie() {
    let s = TestServer::start(&fixture("basic/corpus"));
    let huge = format!("profint_session={}", "cases%2Flogement,".repeat(6000));
    let r = super::support::get_with_headers(
        &format!("{}/fr/basket/add?id=cases%2Frupture-de-parcours", s.base),
        &[("cookie", &huge)],
    );
    let cookie = r.header("set-cookie").unwrap_or("");
    let location = r.header("location").unwrap_or("");
    assert!(
        cookie.len() < 4096 && location.len() < 4096,
        "{} / {}",
        cookie.len(),
        location.len()
    );
    assert!(
        cookie.contains("cases%2Frupture%2Dde%2Dparcours"),
        "{cookie}"
    );
    let many: Vec<String> = (0..200).map(|i| format!("cases%2Fx{i}")).collect();
    let malformed = format!(
        "profint_session=%FF%FE,{},cases%2Flogement%0A",
        many.join(",")
    );
    let r = super::support::get_with_headers(
        &format!("{}/fr/basket/add?id=cases%2Flogement", s.base),
        &[("cookie", &malformed)],
    );
    let cookie = r.header("set-cookie").unwrap_or("");
    assert!(
        !cookie.contains("%FF") && !cookie.contains("%0A"),
        "{cookie}"
    );
    assert!(
        cookie.matches("%2C").count() + cookie.matches(',').count() < 50,
        "{cookie}"
    );
}

#[test]
fn ids_with_spaces_and_url_characters_make_working_links_live_and_after_restart() {
    let site = site();
    let corpus = site.path().join("corpus");
    let server = ServeProcess::start(site.path(), &[]);
    fs::write(
        corpus.join("cases/mon cas #1?.fr.md"),
        case_file("Mon cas", "une contrebasse"),
    )
    .unwrap();
    fs::write(
        corpus.join("cases/ligne\ncassée.fr.md"),
        case_file("Cassé", "un tambourin"),
    )
    .unwrap();
    eventually(
        "the odd file name is indexed, the broken one reported",
        || {
            server.find("contrebasse", "fr") == vec!["cases/mon cas #1?"]
                && server.get("/api/status").text.contains("control character")
        },
    );
    let hit = &server.get("/api/search?q=contrebasse").json()["hits"][0];
    let url = hit["url"].as_str().unwrap().to_string();
    assert_eq!(url, "/fr/r/cases/mon%20cas%20%231%3F");
    let page = server.get(&url);
    assert_eq!(page.status, 200);
    assert!(page.text.contains("contrebasse"));
    assert!(server.find("tambourin", "fr").is_empty());
    let live_status = server.get("/api/status").json();
    drop(server);
    let again = ServeProcess::start(site.path(), &[]);
    assert_eq!(again.find("contrebasse", "fr"), vec!["cases/mon cas #1?"]);
    let status = again.get("/api/status").json();
    assert_eq!(status["resources"], live_status["resources"]);
    assert_eq!(
        problems(&status).iter().map(|p| &p.0).collect::<Vec<_>>(),
        problems(&live_status)
            .iter()
            .map(|p| &p.0)
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_contested_id_stays_with_its_holder_live_and_after_restart() {
    let site = site();
    let corpus = site.path().join("corpus");
    let with_id = |title: &str, word: &str| {
        format!(
            "---\ntitle: \"{title}\"\nid: cas-partage\ntype: case\ndomain: emploi\n---\n{word}\n"
        )
    };
    let server = ServeProcess::start(site.path(), &[]);
    fs::write(
        corpus.join("cases/zz-premier.fr.md"),
        with_id("Premier", "un xylophone"),
    )
    .unwrap();
    eventually("the first holds the id", || {
        server.find("xylophone", "fr") == vec!["cas-partage"]
    });
    fs::write(
        corpus.join("cases/aa-second.fr.md"),
        with_id("Second", "un ocarina"),
    )
    .unwrap();
    eventually("the second is refused", || {
        server
            .get("/api/status")
            .text
            .contains("is already used by")
    });
    // The holder is edited last, so it is now the newer file.
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(
        corpus.join("cases/zz-premier.fr.md"),
        with_id("Premier", "un xylophone bleu"),
    )
    .unwrap();
    eventually("the edit lands", || {
        server.find("bleu", "fr") == vec!["cas-partage"]
    });
    drop(server);
    let again = ServeProcess::start(site.path(), &[]);
    assert_eq!(
        again.find("xylophone", "fr"),
        vec!["cas-partage"],
        "the holder changed at restart"
    );
    assert!(again.find("ocarina", "fr").is_empty());
    assert!(again
        .get("/api/status")
        .text
        .contains("cases/aa-second.fr.md"));
}
