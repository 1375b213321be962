//! Reliability and security: hostile content and requests, limits, headers, metrics,
//! graceful shutdown, and property tests of the parser and the search.

use super::support::{
    case_file, copy_fixture, eventually, fixture, hold_blocking_pool, TestServer,
};
use profint::http::HttpOptions;
use profint::service::Service;
use proptest::prelude::*;
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

fn raw(base: &str, request: &[u8]) -> String {
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn script_in_content_and_queries_never_reaches_a_page() {
    let corpus = copy_fixture("basic/corpus");
    std::fs::write(
        corpus.path().join("cases/xss.fr.md"),
        "---\ntitle: \"<script>alert('t')</script> Titre\"\ntype: case\ndomain: emploi\nsummary: \"<img src=x onerror=alert('s')>\"\ntags: [\"<b onmouseover=alert(1)>tag</b>\"]\n---\n## Corps\n<script>alert('b')</script>\n<img src=x onerror=\"alert('i')\">\n[lien](javascript:alert('j'))\n<a href=\"javascript:alert('a')\">a</a>\n<iframe src=\"http://evil.example\"></iframe>\nTexte sûr cadenas.\n",
    )
    .unwrap();
    let s = TestServer::start(corpus.path());
    for path in [
        "/fr/r/cases/xss",
        "/fr/search?q=cadenas",
        "/fr/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
        "/fr/domains/emploi",
    ] {
        let html = s.get(path).text;
        assert!(
            html.contains("cadenas") || !path.contains("xss"),
            "{path}: the safe text is kept"
        );
        // Every tag of the page: no script but ours, no event handler, no javascript: URL.
        for tag in html
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or("").to_ascii_lowercase())
        {
            let name = tag.split([' ', '/']).next().unwrap_or("");
            assert!(
                !["iframe", "object", "embed"].contains(&name),
                "{path}: <{tag}>"
            );
            assert!(
                name != "script" || tag.contains("src=\"/assets/app."),
                "{path}: <{tag}>"
            );
            let attrs = tag.replace(['\n', '\t'], " ");
            assert!(
                !attrs.contains(" onerror=") && !attrs.contains(" onmouseover="),
                "{path}: <{tag}>"
            );
            assert!(
                !attrs.contains("=\"javascript:") && !attrs.contains("=javascript:"),
                "{path}: <{tag}>"
            );
        }
    }
    let api = s.get("/api/resources/cases%2Fxss").json();
    let html = api["html"].as_str().unwrap();
    assert!(
        !html.contains("<script")
            && !html.contains(" onerror=")
            && !html.contains("href=\"javascript:"),
        "{html}"
    );
}

#[test]
fn pages_carry_security_headers_without_breaking_embedding() {
    let s = TestServer::start(&fixture("basic/corpus"));
    let page = s.get("/fr/");
    let csp = page.header("content-security-policy").unwrap();
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        page.header("referrer-policy"),
        Some("strict-origin-when-cross-origin")
    );
    let api = s.get("/api/search?q=x");
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
    let embed = s.get("/embed?lang=fr");
    assert!(
        embed
            .header("content-security-policy")
            .unwrap()
            .contains("frame-ancestors *"),
        "embeddable"
    );
    let inline_scripts =
        page.text.matches("<script>").count() + page.text.matches("<script >").count();
    assert_eq!(inline_scripts, 0, "no inline script to allow");
}

#[test]
fn traversal_oversized_and_malformed_requests_get_4xx() {
    let s = TestServer::start(&fixture("basic/corpus"));
    for path in [
        "/assets/..%2F..%2Fetc%2Fpasswd",
        "/assets/../Cargo.toml",
        "/fr/r/..%2F..%2Fetc%2Fpasswd",
        "/fr/r/../../corpus/domains.yaml",
        "/api/resources/..%2F..%2Fcorpus%2Fdomains.yaml",
        "/fr/modules/..%2F..%2Fetc%2Fpasswd/pack",
        "/widget.js/../../etc/passwd",
    ] {
        let r = s.get(path);
        assert!((400..500).contains(&r.status), "{path} gave {}", r.status);
        assert!(
            !r.text.contains("root:") && !r.text.contains("[package]"),
            "{path} leaked a file"
        );
    }
    let body = vec![b'a'; 64 * 1024];
    let mut request = format!("GET /api/search?q=a HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).into_bytes();
    request.extend(body);
    let answer = raw(&s.base, &request);
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "oversized body: {}",
        &answer[..answer.len().min(80)]
    );
    let long = format!(
        "GET /api/search?q={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "a".repeat(200_000)
    );
    let answer = raw(&s.base, long.as_bytes());
    let status: u16 = answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    assert!(
        (400..500).contains(&status) || answer.is_empty(),
        "huge URL: {}",
        &answer[..answer.len().min(80)]
    );
    let answer = raw(&s.base, b"GARBAGE\r\n\r\n");
    assert!(!answer.contains(" 500 "), "{answer}");
}

/// The server gets one async worker and one blocking thread, and the test holds that thread:
/// a search then cannot start, so the timeout and the limit are met without racing a clock.
#[test]
fn slow_requests_time_out_and_excess_load_is_shed_with_retry_after() {
    let service = Arc::new(Service::in_memory(&fixture("basic/corpus")).unwrap());
    let (slow, runtime) = TestServer::serve_confined(
        service.clone(),
        HttpOptions {
            request_timeout: Duration::from_millis(200),
            ..HttpOptions::default()
        },
    );
    let held = hold_blocking_pool(&runtime);
    let r = slow.get("/api/search?q=emploi");
    assert_eq!(r.status, 408);
    assert_eq!(r.json()["error"]["code"], "timeout");
    drop(held);
    assert_eq!(
        slow.get("/api/search?q=emploi").status,
        200,
        "answered once free"
    );

    let (busy, runtime) = TestServer::serve_confined(
        service,
        HttpOptions {
            max_concurrent_requests: 1,
            ..HttpOptions::default()
        },
    );
    let held = hold_blocking_pool(&runtime);
    let url = format!(
        "{}/api/resources/cases%2Frupture-de-parcours/related",
        busy.base
    );
    let first = std::thread::spawn(move || super::support::get(&url).status);
    // Once the first request holds the one place (it waits for the held thread), every
    // other is refused at once: /healthz, which never waits, tells when that is.
    let refused = (0..500)
        .map(|_| {
            std::thread::sleep(Duration::from_millis(10));
            busy.get("/healthz")
        })
        .find(|r| r.status == 503)
        .expect("with one request in flight and a limit of 1, the next is shed");
    assert_eq!(busy.get("/api/search?q=logement").status, 503);
    assert_eq!(
        refused.header("retry-after"),
        Some("1"),
        "503 carries Retry-After"
    );
    drop(held);
    assert_eq!(first.join().unwrap(), 200);
    let metrics = busy.get("/metrics").text;
    let counted: u64 = metrics
        .lines()
        .find_map(|l| {
            l.strip_prefix("profint_http_requests_total{route=\"(refused)\",status=\"503\"} ")
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert_eq!(counted, 2, "both refusals are counted: {metrics}");
}

#[test]
fn metrics_in_prometheus_format() {
    let s = TestServer::start(&fixture("basic/corpus"));
    s.get("/api/search?q=interpr%C3%A8te");
    s.get("/fr/search?q=logement");
    s.get("/nothing");
    let r = s.get("/metrics");
    assert_eq!(r.status, 200);
    assert!(r.content_type.starts_with("text/plain; version=0.0.4"));
    let m = r.text;
    assert!(
        m.contains("profint_http_requests_total{route=\"/api/search\",status=\"200\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("profint_http_requests_total{route=\"/{lang}/search\",status=\"200\"} 1"),
        "{m}"
    );
    assert!(m.contains("profint_search_duration_seconds_count 2"), "{m}");
    assert!(m.contains("profint_search_duration_seconds_bucket{le=\"+Inf\"} 2"));
    assert!(m.contains("profint_index_documents 10"));
    assert!(m.contains("profint_problem_errors 0"));
    assert!(m.contains("# TYPE profint_watch_events_total counter"));
}

#[test]
fn sigterm_lets_requests_finish_and_exits_cleanly() {
    let corpus = copy_fixture("basic/corpus");
    let index = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_profint"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--corpus"])
        .arg(corpus.path())
        .arg("--index")
        .arg(index.path())
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    eventually("the server is up", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    std::fs::write(
        corpus.path().join("cases/derniere.fr.md"),
        case_file("Dernière minute", "un mot trombone"),
    )
    .unwrap();
    eventually("the edit is applied", || {
        super::support::get(&format!("{base}/api/search?q=trombone"))
            .text
            .contains("cases/derniere")
    });
    // A request in flight while the signal arrives gets its whole answer (or, if the signal
    // came before it was read, a closed connection, never a cut answer).
    // The connection is made before the signal: a connect racing the closing listener
    // would only be refused.
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let inflight = std::thread::spawn(move || {
        let request = b"GET /api/resources/cases%2Frupture-de-parcours/related HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        let mut out = Vec::new();
        if stream.write_all(request).is_ok() {
            let _ = stream.read_to_end(&mut out);
        }
        String::from_utf8_lossy(&out).into_owned()
    });
    std::thread::sleep(Duration::from_millis(2));
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let answer = inflight.join().unwrap();
    assert!(
        answer.is_empty()
            || (answer.starts_with("HTTP/1.1 200") && answer.trim_end().ends_with('}')),
        "in-flight: {answer}"
    );
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(status.success(), "exit {status}: {log}");
    assert!(log.contains("shutting down"), "{log}");
    // The committed index holds the change: a restart has nothing to do.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_profint"))
        .args(["index", "--corpus"])
        .arg(corpus.path())
        .arg("--index")
        .arg(index.path())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.contains("(0 added, 0 updated, 0 removed, 11 unchanged"),
        "{out}"
    );
}

#[test]
fn a_valid_resource_turning_into_each_fault_keeps_its_last_good_version() {
    let corpus = copy_fixture("basic/corpus");
    let s = TestServer::start_live(corpus.path());
    let path = corpus.path().join("cases/logement.fr.md");
    let good = std::fs::read_to_string(&path).unwrap();
    let faults: Vec<(&str, Vec<u8>)> = vec![
        (
            "unclosed front matter",
            b"---\ntitle: \"x\"\ntype: case\ndomain: emploi\n".to_vec(),
        ),
        ("invalid YAML", b"---\ntitle: [x\n---\n".to_vec()),
        (
            "missing title",
            b"---\ntype: case\ndomain: emploi\n---\nt\n".to_vec(),
        ),
        (
            "unknown type",
            b"---\ntitle: \"x\"\ntype: story\ndomain: emploi\n---\nt\n".to_vec(),
        ),
        (
            "unknown domain",
            b"---\ntitle: \"x\"\ntype: case\ndomain: nowhere\n---\nt\n".to_vec(),
        ),
        (
            "non-UTF-8",
            b"---\ntitle: \"caf\xe9\"\ntype: case\ndomain: emploi\n---\nt\n".to_vec(),
        ),
        ("empty", Vec::new()),
        ("binary", b"\x00\x01\x02PNG".to_vec()),
        ("over the size limit", vec![b'a'; 3 * 1024 * 1024]),
        (
            "duplicate id",
            b"---\nid: R1.1\ntitle: \"x\"\ntype: case\ndomain: emploi\n---\nt\n".to_vec(),
        ),
    ];
    for (name, bytes) in faults {
        std::fs::write(&path, &bytes).unwrap();
        eventually(&format!("{name} is reported"), || {
            s.get("/api/status").json()["problems"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["path"] == "cases/logement.fr.md" && p["severity"] == "error")
        });
        assert_eq!(
            s.find("chantier", "fr"),
            vec!["cases/logement"],
            "{name}: the last good version is served"
        );
        assert_eq!(
            s.get("/fr/r/cases/logement").status,
            200,
            "{name}: its page too"
        );
        std::fs::write(&path, &good).unwrap();
        eventually(&format!("{name} fixed"), || {
            s.get("/api/status").json()["errors"] == 0
        });
    }
}

fn index() -> &'static Service {
    static SERVICE: std::sync::OnceLock<Service> = std::sync::OnceLock::new();
    SERVICE.get_or_init(|| Service::in_memory(&fixture("basic/corpus")).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn the_content_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = profint::content::parse_source("cases/x.fr.md", &bytes);
    }

    #[test]
    fn front_matter_like_text_never_panics(text in "(---\n)?([a-z]{1,8}: [^\n]{0,30}\n){0,6}(---\n)?[^\u{0}]{0,80}") {
        let _ = profint::content::parse_source("cases/x.fr.md", text.as_bytes());
    }

    #[test]
    fn any_query_gets_an_answer_or_a_4xx(q in "\\PC{0,120}", lang in 0usize..4, page in 0usize..3000) {
        let service = index();
        let meta = service.meta();
        let mut req = profint::search::SearchRequest::new(&q, profint::lang::Lang::ALL[lang]);
        req.page = page.max(1);
        match profint::search::search(&service.index(), meta.scope(), &req) {
            Ok(answer) => prop_assert!(answer.hits.len() <= req.per_page),
            // Only the client's mistakes: never an index failure.
            Err(e) => prop_assert!(!matches!(e, profint::search::SearchError::Index(_)), "{:?}", e),
        }
        let _ = profint::search::suggest::suggest(&service.index(), &meta.vocabulary, profint::lang::Lang::ALL[lang], &meta.site.fallback, &q);
    }
}
