//! Deployment behind a public URL: absolute URLs come from `public_url`, never from the
//! `Host` header; with a base path, every link works through a proxy that strips it.

use super::support::{get, get_with_headers, Response, TestServer};
use profint::http::public_url::PublicUrl;
use profint::http::HttpOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const SPOOFED: &str = "evil.example";

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

pub fn server_at(public_url: Option<&str>) -> TestServer {
    let service = Arc::new(profint::service::Service::in_memory(&corpus()).unwrap());
    TestServer::serve_with(
        service,
        HttpOptions {
            public_url: public_url.map(|u| PublicUrl::parse(u).unwrap()),
            ..HttpOptions::default()
        },
    )
}

/// GET over a raw socket with a client-chosen `Host` (and forwarding headers) that a proxy
/// would not have cleaned. HTTP/1.0, so the answer is close-delimited.
fn get_as(base: &str, path: &str, host: &str) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    write!(
        c,
        "GET {path} HTTP/1.0\r\nHost: {host}\r\nX-Forwarded-Host: {host}\r\nX-Forwarded-Proto: https\r\nForwarded: host={host}\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    c.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// Values of `name="…"` attributes, unescaped.
fn attributes(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest.find('"').map(|end| rest[..end].replace("&amp;", "&"))
        })
        .collect()
}

/// `<link rel="REL" …>` tags of a page.
fn link_tags<'a>(html: &'a str, rel: &str) -> Vec<&'a str> {
    let needle = format!("<link rel=\"{rel}\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let end = html[at..].find('>').unwrap();
            &html[at..at + end]
        })
        .collect()
}

/// Every page kind, and the other answers that carry absolute URLs.
const PAGES: [&str; 11] = [
    "/fr/",
    "/en/search?q=interpreter+job+interview",
    "/fr/r/R1.1",
    "/it/domains/accueil",
    "/fr/modules/m1-accueillir-et-diagnostiquer/pack",
    "/sv/basket?id=R1.1",
    "/fr/pack?id=R1.1",
    "/en/widget",
    "/embed?lang=sv",
    "/fr/nowhere",
    "/opensearch.xml?lang=it",
];

#[test]
fn absolute_urls_come_from_public_url_under_a_spoofed_host_on_every_page_kind() {
    let public = "https://search.example.org";
    let s = server_at(Some("https://search.example.org/"));
    for path in PAGES {
        let (status, text) = get_as(&s.base, path, SPOOFED);
        assert!(status == 200 || status == 404, "{path}: {status}");
        assert!(!text.contains(SPOOFED), "{path} repeats the Host header");
        assert!(
            !text.contains(&s.base) && !text.contains("127.0.0.1"),
            "{path} names the listening address"
        );
        let body = &text[text.find("\r\n\r\n").unwrap()..];
        let layout = !path.starts_with("/opensearch")
            && !path.starts_with("/embed")
            && !path.contains("pack");
        if layout {
            let canonical = link_tags(body, "canonical");
            assert_eq!(canonical.len(), 1, "{path}: one canonical link");
            let alternates = link_tags(body, "alternate");
            assert_eq!(alternates.len(), 4, "{path}: an alternate per language");
            for tag in canonical.iter().chain(&alternates) {
                let href = &attributes(tag, "href")[0];
                assert!(href.starts_with(&format!("{public}/")), "{path}: {tag}");
            }
        }
    }
    let (_, xml) = get_as(&s.base, "/opensearch.xml?lang=it", SPOOFED);
    assert!(xml.contains(&format!(
        "template=\"{public}/it/search?q={{searchTerms}}\""
    )));
    assert!(xml.contains(&format!("template=\"{public}/api/suggest?lang=it")));
    let (_, widget) = get_as(&s.base, "/en/widget", SPOOFED);
    assert!(widget.contains(&format!("&lt;script src=&quot;{public}/widget.js&quot;")));
    assert!(widget.contains(&format!(
        "&lt;iframe src=&quot;{public}/embed?lang=en&quot;"
    )));
    assert!(widget.contains(&format!("e.origin === &quot;{public}&quot;")));
    let (_, basket) = get_as(&s.base, "/sv/basket?id=R1.1", SPOOFED);
    assert!(
        basket.contains(&format!("value=\"{public}/sv/basket?id=R1.1\"")),
        "share link"
    );
}

#[test]
fn without_public_url_links_use_the_listening_address_never_the_host_header() {
    let s = server_at(None);
    let (_, xml) = get_as(&s.base, "/opensearch.xml?lang=fr", SPOOFED);
    assert!(!xml.contains(SPOOFED));
    assert!(xml.contains(&format!("template=\"{}/fr/search?q=", s.base)));
    let (_, page) = get_as(&s.base, "/fr/r/R1.1", SPOOFED);
    assert!(page.contains(&format!(
        "<link rel=\"canonical\" href=\"{}/fr/r/R1.1\">",
        s.base
    )));
    assert!(!page.contains(SPOOFED));
}

/// A reverse proxy that serves the service under `/ressources/`, stripping the prefix before
/// forwarding, as `deploy/nginx.conf` does.
fn stripping_proxy(listener: std::net::TcpListener, backend: String) {
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = axum::Router::new().fallback(
                move |uri: axum::http::Uri, headers: axum::http::HeaderMap| {
                    let backend = backend.clone();
                    async move {
                        tokio::task::spawn_blocking(move || forward(&backend, &uri, &headers))
                            .await
                            .unwrap()
                    }
                },
            );
            axum::serve(listener, app).await.unwrap();
        });
    });
}

/// Request headers a browser's request carries on to the service.
const FORWARDED: [&str; 4] = ["origin", "cookie", "accept", "accept-language"];

fn forward(
    backend: &str,
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let full = uri.path_and_query().map_or("/", |p| p.as_str());
    let Some(rest) = full.strip_prefix("/ressources") else {
        return (axum::http::StatusCode::NOT_FOUND, "outside the base path").into_response();
    };
    let sent: Vec<(&str, &str)> = FORWARDED
        .iter()
        .filter_map(|k| Some((*k, headers.get(*k)?.to_str().ok()?)))
        .collect();
    let path = if rest.is_empty() { "/" } else { rest };
    let r = get_with_headers(&format!("{backend}{path}"), &sent);
    let mut out = axum::http::Response::builder().status(r.status);
    for (k, v) in &r.headers {
        if !["content-length", "transfer-encoding", "connection"].contains(&k.as_str()) {
            out = out.header(k, v);
        }
    }
    out.body(axum::body::Body::from(r.bytes)).unwrap()
}

/// Every link, asset and form a page emits (root-relative ones must carry the base path).
fn local_links(html: &str) -> Vec<String> {
    let mut links: Vec<String> = ["href", "src", "action", "data-suggest"]
        .iter()
        .flat_map(|a| attributes(html, a))
        .filter(|v| v.starts_with('/') && !v.starts_with("//"))
        .collect();
    links.sort();
    links.dedup();
    links
}

#[test]
fn with_a_base_path_every_link_works_through_a_proxy_that_strips_it() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let public = format!("{proxy}/ressources");
    let s = server_at(Some(&format!("{public}/")));
    stripping_proxy(listener, s.base.clone());
    let checked = follow_every_link(&proxy, &public);
    assert!(checked > 40, "only {checked} links followed");
}

/// Through a proxy at `proxy` that serves the service under `/ressources/` (its public URL
/// `public`), fetches the main pages and follows every link, asset and form they emit: each
/// must carry the base path and answer. Returns how many links were followed.
pub fn follow_every_link(proxy: &str, public: &str) -> usize {
    let root = get(&format!("{public}/"));
    assert_eq!(root.status, 303, "the root redirects by language");
    assert_eq!(root.header("location"), Some("/ressources/fr/"));
    // Adding to the session comes back to the page it was asked from, under the base path.
    let add = get(&format!(
        "{public}/fr/basket/add?id=R1.1&back=%2Ffr%2Fr%2FR1.1"
    ));
    assert_eq!(add.header("location"), Some("/ressources/fr/r/R1.1"));
    let cookie = add.header("set-cookie").unwrap();
    assert!(cookie.contains("Path=/ressources;"), "{cookie}");
    let mut checked = 0;
    for page in [
        "/fr/",
        "/fr/search?q=interpr%C3%A8te",
        "/fr/r/R1.1",
        "/fr/basket?id=R1.1",
        "/fr/widget",
        "/embed?lang=fr",
    ] {
        let r = get(&format!("{public}{page}"));
        assert_eq!(r.status, 200, "{page}");
        let mut absolute = link_tags(&r.text, "canonical");
        absolute.extend(link_tags(&r.text, "alternate"));
        for tag in absolute {
            let href = &attributes(tag, "href")[0];
            assert!(href.starts_with(&format!("{public}/")), "{page}: {tag}");
            assert_eq!(get(href).status, 200, "{href}");
        }
        for link in local_links(&r.text) {
            assert!(link.starts_with("/ressources/"), "{page} links to {link}");
            let target = if link.contains("/api/suggest") {
                format!("{link}&q=interpr")
            } else {
                link.clone()
            };
            let status = get(&format!("{proxy}{target}")).status;
            assert!(
                status == 200 || status == 303,
                "{page}: {link} answered {status}"
            );
            checked += 1;
        }
    }
    let api = get(&format!("{public}/api/search?q=interpr%C3%A8te&lang=fr")).json();
    let url = api["hits"][0]["url"].as_str().unwrap();
    assert!(url.starts_with("/ressources/fr/r/"), "{url}");
    assert_eq!(get(&format!("{proxy}{url}")).status, 200);
    let xml = get(&format!("{public}/opensearch.xml")).text;
    assert!(xml.contains(&format!("template=\"{public}/fr/search?q=")));
    let old = get(&format!("{public}/widget?lang=fr"));
    assert_eq!(old.header("location"), Some("/ressources/fr/widget"));
    let widget = get(&format!("{public}/fr/widget")).text;
    assert!(widget.contains(&format!("src=&quot;{public}/widget.js&quot;")));
    assert!(
        widget.contains(&format!("e.origin === &quot;{proxy}&quot;")),
        "the origin check has no path"
    );
    checked
}

fn serve_output(args: &[&str], env: &[(&str, &str)], cwd: &Path) -> (Option<i32>, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_profint"));
    cmd.current_dir(cwd)
        .arg("serve")
        .args([
            "--addr",
            &format!("127.0.0.1:{}", super::support::free_port()),
        ])
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("PROFINT_PUBLIC_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_invalid_public_url_is_a_clear_startup_error() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus();
    let paths = ["--corpus", corpus.to_str().unwrap(), "--index", "idx"];
    let mut flag = paths.to_vec();
    flag.extend(["--public-url", "ftp://partner.org/"]);
    let (code, err) = serve_output(&flag, &[], dir.path());
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("invalid public_url `ftp://partner.org/`: the scheme must be http or https"),
        "{err}"
    );
    let (code, err) = serve_output(
        &paths,
        &[("PROFINT_PUBLIC_URL", "partner.org/ressources")],
        dir.path(),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("it is not absolute"), "{err}");
    std::fs::write(
        dir.path().join("profint.toml"),
        "public_url = \"https://x.org/?a=1\"\n",
    )
    .unwrap();
    let (code, err) = serve_output(&paths, &[], dir.path());
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("may not carry a query"), "{err}");
    assert!(
        !dir.path().join("idx").exists(),
        "refused before touching the index"
    );
}

#[test]
fn public_url_from_the_environment_reaches_the_pages_of_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    super::support::copy_dir(&corpus(), &dir.path().join("corpus"));
    let server = super::support::ServeProcess::start_with_env(
        dir.path(),
        &[],
        &[("PROFINT_PUBLIC_URL", "https://partner.example/ressources/")],
    );
    let page: Response = get_with_headers(&format!("{}/fr/r/R1.1", server.base), &[]);
    assert!(page.text.contains(
        "<link rel=\"canonical\" href=\"https://partner.example/ressources/fr/r/R1.1\">"
    ));
    assert!(page.text.contains("href=\"/ressources/fr/\""));
}

#[test]
fn in_a_browser_the_widget_and_the_search_page_work_under_a_base_path() {
    use super::webdriver::{Browser, ARROW_DOWN, ENTER};
    let Some(b) = Browser::start(1100, 900, false) else {
        return;
    };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let public = format!("{proxy}/ressources");
    let s = server_at(Some(&format!("{public}/")));
    stripping_proxy(listener, s.base.clone());

    // The widget on a partner site, loaded from under the base path: it calls the API there
    // and links there.
    let site = super::widget::partner(format!(
        "<!doctype html><html><body><profint-search lang=\"sv\" target=\"_self\"></profint-search>\
         <script src=\"{public}/widget.js\"></script></body></html>"
    ));
    b.goto(&site);
    let root = "document.querySelector('profint-search').shadowRoot";
    let input = b.exec_element(&format!("return {root}.querySelector('input')"));
    b.type_text(&input, "tolk vid anställningsintervju");
    b.wait("results appear", |b| {
        b.exec(&format!(
            "return {root}.querySelectorAll('[role=option]').length"
        ))
        .as_u64()
        .unwrap_or(0)
            > 0
    });
    let href = b.exec(&format!(
        "return {root}.querySelector('[role=option] a').href"
    ));
    assert!(
        href.as_str()
            .unwrap()
            .starts_with(&format!("{public}/sv/r/")),
        "{href}"
    );

    // The search page's completions, and a resource chosen among them.
    b.goto(&format!("{public}/fr/search"));
    let q = b.find("#q");
    b.type_text(&q, "interpr");
    b.wait("completions appear", |b| {
        b.exec("return document.querySelectorAll('#q-list [role=option] .kind').length")
            .as_u64()
            .unwrap_or(0)
            > 0
    });
    let index = b
        .exec("return Array.prototype.findIndex.call(document.querySelectorAll('#q-list [role=option]'), function (o) { return o.querySelector('.kind'); })")
        .as_u64()
        .unwrap();
    for _ in 0..=index {
        b.type_text(&q, ARROW_DOWN);
    }
    b.type_text(&q, ENTER);
    b.wait("the chosen resource opens under the base path", |b| {
        b.url().starts_with(&format!("{public}/fr/r/"))
    });
}
