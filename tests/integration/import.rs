//! `profint import wordpress`: the real binary on the fixture export
//! (`tests/fixtures/wordpress/`), then `profint check` and the service on what it wrote.

use super::support::{copy_dir, eventually, fixture, TestServer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs the binary; returns the exit code, stdout and stderr.
fn profint(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_profint"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("profint runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn export() -> PathBuf {
    fixture("wordpress/export.xml")
}

fn mapping() -> PathBuf {
    fixture("wordpress/import.yaml")
}

/// Imports `export` into `out` with the fixture's mapping.
fn import(export: &Path, out: &Path) -> (i32, String, String) {
    profint(&[
        "import",
        "wordpress",
        export.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--map",
        mapping().to_str().unwrap(),
    ])
}

/// A fresh corpus imported from the fixture export.
fn imported() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = import(&export(), out.path());
    assert_eq!(code, 1, "two posts cannot be mapped:\n{stdout}{stderr}");
    out
}

/// Every file under `dir`: relative path → (bytes, modification time).
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, std::time::SystemTime)> {
    walk(dir)
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let modified = std::fs::metadata(&p).unwrap().modified().unwrap();
            (rel, (std::fs::read(&p).unwrap(), modified))
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_summary_accounts_for_every_item_and_names_what_was_not_imported() {
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = import(&export(), out.path());
    assert_eq!(code, 1, "{stdout}{stderr}");
    let summary = stdout.lines().next().unwrap();
    assert_eq!(
        summary,
        "46 items: 27 imported as 10 resources (27 files written, 0 unchanged), 17 skipped \
         (2 drafts, 1 pending review, 1 private, 1 scheduled, 1 in the trash, 1 password-protected, \
         5 attachments, 1 revision, 2 menu items, 2 not content (blocks, templates…)), \
         2 not imported; 27 redirects; domains.yaml written with 3 domains"
    );
    let items_in_export = std::fs::read_to_string(export())
        .unwrap()
        .matches("<item>")
        .count();
    assert_eq!(items_in_export, 46, "27 + 17 + 2 is every item");
    let errors: Vec<&str> = stdout.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 2, "{stdout}");
    assert!(
        errors[0].contains("export.xml:")
            && errors[0]
                .contains("post 2 «À propos»: not imported: no resource type: post type `page`"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("post 3 «About»: not imported: it translates post 2"),
        "{}",
        errors[1]
    );
    assert!(
        stdout.contains("warning:")
            && stdout.contains(
                "dropped shortcode `[contact-form-7 id=\"131\" title=\"Contact partenaires\"]`"
            ),
        "{stdout}"
    );
}

#[test]
fn files_are_grouped_by_translation_set_in_the_conventional_folders() {
    let out = imported();
    let files: Vec<String> = snapshot(out.path()).into_keys().collect();
    let expected = [
        "cases/decrochage-formation.en.md",
        "cases/decrochage-formation.fr.md",
        "cases/decrochage-formation.it.md",
        "cases/decrochage-formation.sv.md",
        "cases/entretien-avec-interprete.en.md",
        "cases/entretien-avec-interprete.fr.md",
        "cases/entretien-avec-interprete.it.md",
        "cases/formation-qualifiante.fr.md",
        "domains.yaml",
        "model/ecoute-active.en.md",
        "model/ecoute-active.fr.md",
        "model/ecoute-active.it.md",
        "modules/accueil-interculturel.en.md",
        "modules/accueil-interculturel.fr.md",
        "modules/accueil-interculturel.it.md",
        "modules/accueil-interculturel.sv.md",
        "practices/cafe-des-langues.en.md",
        "practices/cafe-des-langues.fr.md",
        "practices/guichet-emploi.fr.md",
        "practices/guichet-emploi.it.md",
        "practices/parrainage-emploi.en.md",
        "practices/parrainage-emploi.fr.md",
        "practices/parrainage-emploi.sv.md",
        "redirects.yaml",
        "tools/grille-entretien.en.md",
        "tools/grille-entretien.fr.md",
        "tools/grille-entretien.it.md",
        "tools/grille-entretien.sv.md",
        "tools/skills-portfolio.en.md",
    ];
    assert_eq!(files, expected);
}

#[test]
fn front_matter_and_bodies_come_from_the_posts() {
    let out = imported();
    let fr = read(out.path(), "cases/decrochage-formation.fr.md");
    assert!(
        fr.starts_with(
            "---\ntitle: \"Un jeune réfugié abandonne sa formation au bout de deux semaines\"\n\
             type: case\ndomain: accueil\ndomains: [\"langue\"]\n\
             summary: \"Ahmad, 19 ans, quitte sa formation d’électricien après deux semaines : l’équipe reconstruit avec lui un projet réaliste.\"\n\
             tags: [\"décrochage\"]\nupdated: 2021-03-04\n\
             source_url: \"https://profint.example.org/decrochage-formation/\"\n---\n"
        ),
        "{fr}"
    );
    assert!(fr.contains("![Un atelier d’électricité](https://profint.example.org/wp-content/uploads/2021/03/atelier-electricite.jpg)\n\n*Atelier de découverte des métiers de l’électricité*"), "{fr}");
    // `&nbsp;` stays a no-break space, as French typography wants before `;`.
    assert!(
        fr.contains("- un tuteur dans l’entreprise d’alternance\u{a0};"),
        "{fr}"
    );
    // A translation carries only its own fields; the summary falls back to its first sentences.
    let en = read(out.path(), "cases/decrochage-formation.en.md");
    assert!(!en.contains("\ntype:") && !en.contains("\ndomain:"), "{en}");
    assert!(en.contains("summary: \"Ahmad, 19, an Afghan refugee, starts an electrician training course. After two weeks he stops coming.\""), "{en}");
    // Gallery from the media library, featured image, and links to imported posts moved.
    let practice = read(out.path(), "practices/parrainage-emploi.fr.md");
    assert!(practice.contains("![Une marraine et sa filleule au premier rendez-vous](https://profint.example.org/wp-content/uploads/2021/09/parrainage-rendez-vous.jpg)\n\n![Atelier CV](https://profint.example.org/wp-content/uploads/2021/09/atelier-cv.jpg)"), "{practice}");
    let cafe = read(out.path(), "practices/cafe-des-langues.fr.md");
    assert!(cafe.contains("---\n![Des bénévoles et des demandeurs d’emploi autour d’une table](https://profint.example.org/wp-content/uploads/2022/01/cafe-des-langues.jpg)\n"), "{cafe}");
    let portfolio = read(out.path(), "tools/skills-portfolio.en.md");
    assert!(portfolio.contains("[the training dropout case](/en/r/cases/decrochage-formation) and the [interview grid](/fr/r/tools/grille-entretien)"), "{portfolio}");
    // Its French original is a draft: the English post is the original, mapped through the
    // Polylang translations of its English categories.
    assert!(
        portfolio.contains("type: tool\ndomain: accueil\ndomains: [\"emploi\"]"),
        "{portfolio}"
    );
    // Classic editor text, an embed, and the WPML pair.
    let interview = read(out.path(), "cases/entretien-avec-interprete.fr.md");
    assert!(
        interview.contains("questions «\u{a0}pièges\u{a0}» d'un recruteur"),
        "{interview}"
    );
    assert!(interview.contains("\n\n[https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=30](https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=30)\n"), "{interview}");
    let wpml = read(out.path(), "practices/guichet-emploi.it.md");
    assert!(
        wpml.starts_with("---\ntitle: \"Lo sportello lavoro nel centro di accoglienza\"\n"),
        "{wpml}"
    );
    assert!(read(out.path(), "model/ecoute-active.fr.md")
        .contains("title: \"L’écoute active dès le premier accueil\"\ntype: recommendation\n"));
    for (rel, (bytes, _)) in snapshot(out.path()) {
        let text = String::from_utf8(bytes).unwrap();
        for leftover in [
            "[gallery", "[caption", "[embed", "<script", "<!-- wp:", "&nbsp;", "&#8217;",
        ] {
            assert!(
                !text.contains(leftover),
                "{rel} still has {leftover}:\n{text}"
            );
        }
    }
    let domains = read(out.path(), "domains.yaml");
    assert!(domains.contains("- id: emploi\n  color: \"#7a4cb0\"\n  name: {fr: \"Accès à l’emploi\", en: \"Access to employment\", it: \"Accesso al lavoro\", sv: \"Väg till arbete\"}"), "{domains}");
}

#[test]
fn check_accepts_the_import_and_a_second_run_changes_nothing() {
    let out = imported();
    let (code, stdout, stderr) = profint(&["check", "--corpus", out.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("10 resources, 27 files: 0 errors, 0 warnings"),
        "{stdout}"
    );
    let before = snapshot(out.path());
    let (code, stdout, _) = import(&export(), out.path());
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("46 items: 27 imported as 10 resources (0 files written, 27 unchanged)"),
        "{stdout}"
    );
    assert!(!stdout.contains("domains.yaml written"), "{stdout}");
    assert!(
        snapshot(out.path()) == before,
        "the second run changed files or their times"
    );
}

#[test]
fn the_imported_corpus_is_searchable_in_each_language_with_translations_grouped() {
    let out = imported();
    let server = TestServer::start(out.path());
    assert_eq!(server.total(), 10, "one hit per resource, not per file");
    for (q, lang, id, translations) in [
        (
            "décrochage formation électricien",
            "fr",
            "cases/decrochage-formation",
            vec!["en", "fr", "it", "sv"],
        ),
        (
            "job interview interpreter",
            "en",
            "cases/entretien-avec-interprete",
            vec!["en", "fr", "it"],
        ),
        (
            "colloquio interprete",
            "it",
            "cases/entretien-avec-interprete",
            vec!["en", "fr", "it"],
        ),
        (
            "avhopp utbildning",
            "sv",
            "cases/decrochage-formation",
            vec!["en", "fr", "it", "sv"],
        ),
        (
            "sportello lavoro accoglienza",
            "it",
            "practices/guichet-emploi",
            vec!["fr", "it"],
        ),
        (
            "skills portfolio",
            "en",
            "tools/skills-portfolio",
            vec!["en"],
        ),
    ] {
        let answer = server.search(&[("q", q), ("lang", lang)]);
        let hit = &answer["hits"][0];
        assert_eq!(hit["id"], id, "{q}: {answer}");
        assert_eq!(hit["lang"], lang, "{q}");
        let mut got: Vec<String> = hit["translations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        got.sort();
        assert_eq!(got, translations, "{q}");
    }
    let domains = server.get("/api/domains?lang=sv").json();
    let labels: Vec<&str> = domains["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Mottagande och gemensam kartläggning",
            "Språk och kommunikation",
            "Väg till arbete"
        ]
    );
}

#[test]
fn old_addresses_answer_301_with_the_new_page() {
    let out = imported();
    let server = TestServer::start(out.path());
    for (old, new) in [
        ("/decrochage-formation/", "/fr/r/cases/decrochage-formation"),
        ("/decrochage-formation", "/fr/r/cases/decrochage-formation"),
        ("/en/training-dropout/", "/en/r/cases/decrochage-formation"),
        (
            "/sv/avhopp-utbildning/?utm_source=nyhetsbrev",
            "/sv/r/cases/decrochage-formation",
        ),
        (
            "/entretien-avec-interpr%C3%A8te/",
            "/fr/r/cases/entretien-avec-interprete",
        ),
        (
            "/modules/accueil-interculturel/",
            "/fr/r/modules/accueil-interculturel",
        ),
        (
            "/it/strumenti/griglia-colloquio/",
            "/it/r/tools/grille-entretien",
        ),
        ("/it/sportello-lavoro/", "/it/r/practices/guichet-emploi"),
        (
            "/recommandations/ecoute-active/",
            "/fr/r/model/ecoute-active",
        ),
    ] {
        let r = server.get(old);
        assert_eq!(r.status, 301, "{old}: {}", r.text);
        assert_eq!(r.header("location"), Some(new), "{old}");
        assert_eq!(server.get(new).status, 200, "{new}");
    }
    for gone in ["/a-propos/", "/note-interne/", "/nulle-part/"] {
        assert_eq!(server.get(gone).status, 404, "{gone} is not a resource");
    }
    assert_eq!(server.get("/fr/").status, 200, "pages are never hidden");
}

#[test]
fn edits_to_redirects_apply_live() {
    let out = imported();
    let server = TestServer::start_live(out.path());
    assert_eq!(server.get("/ancienne-adresse/").status, 404);
    let path = out.path().join("redirects.yaml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("- from: /ancienne-adresse/\n  to: tools/grille-entretien\n  lang: sv\n");
    std::fs::write(&path, text).unwrap();
    eventually("the new redirect is served", || {
        let r = server.get("/ancienne-adresse/");
        r.status == 301 && r.header("location") == Some("/sv/r/tools/grille-entretien")
    });
}

#[test]
fn malformed_xml_is_refused_with_its_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(export()).unwrap();
    let broken_line = text
        .lines()
        .position(|l| l.contains("<wp:post_id>30</wp:post_id>"))
        .unwrap()
        + 1;
    let broken = text.replace("<wp:post_id>30</wp:post_id>", "<wp:post_id>30</wp:post_i>");
    let file = dir.path().join("export.xml");
    std::fs::write(&file, broken).unwrap();
    let out = dir.path().join("corpus");
    let (code, stdout, stderr) = import(&file, &out);
    assert_eq!(code, 2, "{stdout}{stderr}");
    let expected = format!("{}:{broken_line}:", file.display());
    assert!(
        stderr.contains(&expected)
            && stderr.contains("malformed XML")
            && stderr.contains("wp:post_id"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written from a broken export");
}

#[test]
fn files_of_others_are_never_overwritten_and_gone_posts_are_reported() {
    let out = imported();
    // An editor's own file where the import would write.
    let own = "---\ntitle: \"Écrit à la main\"\ntype: case\ndomain: emploi\n---\nTexte.\n";
    std::fs::write(out.path().join("cases/formation-qualifiante.fr.md"), own).unwrap();
    // The English version of the first case disappears from the export.
    let text = std::fs::read_to_string(export()).unwrap();
    let start = text.find("<wp:post_id>11</wp:post_id>").unwrap();
    let item_start = text[..start].rfind("<item>").unwrap();
    let item_end = start + text[start..].find("</item>").unwrap() + "</item>".len();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.xml");
    std::fs::write(
        &file,
        format!("{}{}", &text[..item_start], &text[item_end..]),
    )
    .unwrap();
    let (_, stdout, stderr) = import(&file, out.path());
    assert!(
        stdout.starts_with("45 items: 26 imported as 10 resources"),
        "{stdout}{stderr}"
    );
    assert_eq!(read(out.path(), "cases/formation-qualifiante.fr.md"), own);
    assert!(read(out.path(), "cases/formation-qualifiante-100.fr.md")
        .contains("source_url: \"https://profint.example.org/formation-qualifiante/\""));
    assert!(out.path().join("cases/decrochage-formation.en.md").exists());
    assert!(
        stdout.contains("note: cases/decrochage-formation.en.md was written by an earlier import and its post is no longer in the export; it was left in place"),
        "{stdout}"
    );
    // The redirect of the gone post is kept; the moved resource gets its new key.
    let redirects = read(out.path(), "redirects.yaml");
    assert!(
        redirects.contains(
            "- from: \"/en/training-dropout/\"\n  to: \"cases/decrochage-formation\"\n  lang: en\n"
        ),
        "{redirects}"
    );
    assert!(
        redirects.contains(
            "- from: \"/formation-qualifiante/\"\n  to: \"cases/formation-qualifiante-100\"\n"
        ),
        "{redirects}"
    );
}

#[test]
fn an_existing_domains_file_is_kept_and_the_mapping_checked_against_it() {
    let out = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic/corpus"), out.path());
    let domains_before = read(out.path(), "domains.yaml");
    let (_, stdout, stderr) = import(&export(), out.path());
    assert!(
        stdout.starts_with("46 items: 27 imported as 10 resources"),
        "{stdout}{stderr}"
    );
    assert!(!stdout.contains("domains.yaml written"), "{stdout}");
    assert_eq!(read(out.path(), "domains.yaml"), domains_before);

    let bad_map = out.path().join("bad.yaml");
    std::fs::write(
        &bad_map,
        "domain_categories:\n  emploi: emploi\n  langue-et-communication: communication\n",
    )
    .unwrap();
    let (code, _, stderr) = profint(&[
        "import",
        "wordpress",
        export().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--map",
        bad_map.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{}:3: domain `communication`", bad_map.display())),
        "{stderr}"
    );
}

#[test]
fn posts_without_language_take_the_default_language_flag() {
    let out = tempfile::tempdir().unwrap();
    let args = |lang: &str| {
        vec![
            "import".to_string(),
            "wordpress".into(),
            export().to_str().unwrap().into(),
            "--out".into(),
            out.path().to_str().unwrap().into(),
            "--map".into(),
            mapping().to_str().unwrap().into(),
            "--default-lang".into(),
            lang.into(),
        ]
    };
    let run = |lang: &str| {
        let a = args(lang);
        profint(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let (code, _, stderr) = run("de");
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown language `de`"), "{stderr}");
    let (_, stdout, _) = run("it");
    assert!(
        stdout.starts_with("46 items: 27 imported as 10 resources"),
        "{stdout}"
    );
    // Post 100 says nothing of its language; the other posts keep theirs.
    let untagged = read(out.path(), "cases/formation-qualifiante.it.md");
    assert!(
        untagged.contains("type: case\ndomain: emploi\n"),
        "{untagged}"
    );
    assert!(!out
        .path()
        .join("cases/formation-qualifiante.fr.md")
        .exists());
    assert!(out.path().join("cases/decrochage-formation.fr.md").exists());
    let (code, stdout, _) = profint(&["check", "--corpus", out.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}");
}
