//! A corpus with broken files: every problem is reported with path, line and reason, and
//! everything else keeps being served.

use super::support::{copy_fixture, ids, TestServer};
use serde_json::Value;
use std::path::Path;

/// Writes the content faults the README promises to report (bad YAML, no title, unknown
/// type or domain, Latin-1, empty, binary, oversized…) next to the good fixture files.
pub fn add_faults(root: &Path) {
    let cases = root.join("cases");
    let write = |name: &str, bytes: &[u8]| std::fs::write(cases.join(name), bytes).unwrap();
    write(
        "unclosed.fr.md",
        b"---\ntitle: \"Jamais ferm\xc3\xa9\"\ntype: case\ndomain: emploi\nLe texte.\n",
    );
    write(
        "invalid-yaml.fr.md",
        b"---\ntitle: \"ok\"\ndomain: [emploi\n---\nTexte.\n",
    );
    write(
        "no-title.fr.md",
        b"---\ntype: case\ndomain: emploi\n---\nTexte.\n",
    );
    write(
        "unknown-type.fr.md",
        b"---\ntitle: \"Type inconnu\"\ntype: story\ndomain: emploi\n---\nTexte.\n",
    );
    write(
        "unknown-domain.fr.md",
        b"---\ntitle: \"Domaine inconnu\"\ntype: case\ndomain: nowhere\n---\nTexte.\n",
    );
    write(
        "latin1.fr.md",
        b"---\ntitle: \"Latin\"\ntype: case\ndomain: emploi\n---\nUn caf\xe9.\n",
    );
    write("empty.fr.md", b"");
    write("binary.fr.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    write("big.fr.md", &vec![b'a'; 2 * 1024 * 1024 + 10]);
    write(
        "dup.fr.md",
        b"---\nid: R1.1\ntitle: \"Doublon\"\ntype: case\ndomain: emploi\n---\nTexte.\n",
    );
    write(
        "badlink.fr.md",
        b"---\ntitle: \"Lien cass\xc3\xa9 vers une recommandation\"\ntype: case\ndomain: emploi\nrecommendations: [R9.9]\n---\nUne ressource valide malgr\xc3\xa9 un lien inconnu.\n",
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("..", cases.join("loop")).unwrap();
        std::os::unix::fs::symlink("nowhere.fr.md", cases.join("dangling.fr.md")).unwrap();
    }
}

/// Whether file permissions can hide a file from this process (not as root).
fn permissions_apply() -> bool {
    let probe = tempfile::NamedTempFile::new().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(probe.path(), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::read(probe.path()).is_err()
}

fn problem<'a>(status: &'a Value, path: &str) -> &'a Value {
    status["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"].as_str().is_some_and(|p| p.starts_with(path)))
        .unwrap_or_else(|| panic!("no problem reported for {path}: {status}"))
}

#[test]
fn every_fault_is_reported_and_the_rest_is_served() {
    let dir = copy_fixture("basic/corpus");
    add_faults(dir.path());
    let server = TestServer::start(dir.path());
    let status = server.get("/api/status").json();
    let expect = [
        ("cases/unclosed.fr.md", Some(1), "error", "never closed"),
        ("cases/invalid-yaml.fr.md", Some(3), "error", "invalid YAML"),
        ("cases/no-title.fr.md", Some(1), "error", "missing `title:`"),
        (
            "cases/unknown-type.fr.md",
            Some(3),
            "error",
            "unknown type `story`",
        ),
        (
            "cases/unknown-domain.fr.md",
            Some(4),
            "error",
            "unknown domain `nowhere`",
        ),
        ("cases/latin1.fr.md", Some(6), "error", "not valid UTF-8"),
        ("cases/empty.fr.md", Some(1), "error", "empty"),
        ("cases/binary.fr.md", None, "error", "binary"),
        ("cases/big.fr.md", None, "error", "over the limit"),
        (
            "cases/dup.fr.md",
            Some(2),
            "error",
            "id `R1.1` is already used",
        ),
        (
            "cases/badlink.fr.md",
            Some(5),
            "warning",
            "unknown recommendation `R9.9`",
        ),
        ("cases/loop", None, "error", "loop"),
        ("cases/dangling", None, "error", "broken symbolic link"),
    ];
    for (path, line, severity, words) in expect {
        let p = problem(&status, path);
        assert_eq!(p["severity"], severity, "{p}");
        assert!(
            p["message"].as_str().unwrap().contains(words),
            "{path}: {p}"
        );
        match line {
            Some(l) => assert_eq!(p["line"], l, "{path}: {p}"),
            None => assert!(p["line"].is_null(), "{path}: {p}"),
        }
    }
    // An unreadable file (permissions): only testable when they apply to this process.
    if permissions_apply() {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("cases/locked.fr.md");
        std::fs::write(
            &locked,
            "---\ntitle: \"x\"\ntype: case\ndomain: emploi\n---\nx\n",
        )
        .unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        let corpus = profint::content::load(dir.path(), &Default::default());
        let p = corpus
            .problems
            .iter()
            .find(|p| p.path == "cases/locked.fr.md")
            .expect("reported");
        assert!(p.message.contains("permission denied"), "{p}");
        std::fs::remove_file(&locked).unwrap();
    } else {
        eprintln!("NOTICE: running as root, file permissions cannot hide a file; the permission-denied case is covered by the loader's message only");
    }
    // The good resources, and the one with only a warning, are all served.
    let browse = server.search(&[("q", ""), ("per_page", "100")]);
    let found = ids(&browse);
    assert_eq!(found.len(), 11, "{found:?}");
    assert!(found.contains(&"cases/badlink".to_string()));
    assert_eq!(
        server.search(&[("q", "cuisinier")])["hits"][0]["id"],
        "cases/rupture-de-parcours"
    );
}
