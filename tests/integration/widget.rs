//! The embeddable widget: size budget, CORS allow-list, /embed framing, and a partner page
//! on another origin using the widget and the iframe in a real Chromium.

use super::support::{bundled, get_with_headers, TestServer};
use super::webdriver::{Browser, ARROW_DOWN, ENTER};
use profint::http::HttpOptions;
use std::path::Path;
use std::sync::Arc;

fn corpus() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn server_allowing(origins: Vec<String>) -> TestServer {
    let service = Arc::new(profint::service::Service::in_memory(&corpus()).unwrap());
    TestServer::serve_with(
        service,
        HttpOptions {
            allowed_origins: origins,
            ..HttpOptions::default()
        },
    )
}

/// A partner site: another origin (its own port) serving one page.
pub fn partner(html: String) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let app = axum::Router::new().route(
                "/",
                axum::routing::get(move || async move { axum::response::Html(html) }),
            );
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

fn widget_page(service: &str, target: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Partner</title></head><body>\
         <h1>Kommunens vägledning</h1>\
         <profint-search lang=\"sv\" results=\"5\" target=\"{target}\" style=\"--profint-accent:#8a1538\"></profint-search>\
         <script src=\"{service}/widget.js\"></script></body></html>"
    )
}

#[test]
fn widget_js_fits_the_size_budget() {
    let r = get_with_headers(
        &format!("{}/widget.js", bundled().base),
        &[("Accept-Encoding", "gzip")],
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    let size = r.bytes.len();
    assert!(r.bytes.starts_with(&[0x1f, 0x8b]), "a gzip stream");
    let plain = bundled().get("/widget.js").bytes.len();
    assert!(
        size > 1000 && size < plain,
        "{size} gzipped vs {plain} plain"
    );
    println!("widget.js gzipped: {size} bytes");
    assert!(
        size <= 10 * 1024,
        "widget.js is {size} bytes gzipped (budget 10 KB)"
    );
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
}

#[test]
fn cors_allows_any_origin_by_default_and_only_the_list_when_set() {
    let open = bundled();
    let r = get_with_headers(
        &format!("{}/api/search?q=tolk&lang=sv", open.base),
        &[("Origin", "http://partner.example")],
    );
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r.header("access-control-allow-credentials").is_none());

    let listed = server_allowing(vec!["http://kommun.example".into()]);
    let ok = get_with_headers(
        &format!("{}/api/search?q=tolk", listed.base),
        &[("Origin", "http://kommun.example")],
    );
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("http://kommun.example")
    );
    let no = get_with_headers(
        &format!("{}/api/search?q=tolk", listed.base),
        &[("Origin", "http://evil.example")],
    );
    assert_eq!(no.status, 200, "the server answers; the browser enforces");
    assert!(
        no.header("access-control-allow-origin").is_none(),
        "no CORS headers for other origins"
    );
    // Preflight.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let pre = agent
        .options(&format!("{}/api/search", listed.base))
        .header("Origin", "http://kommun.example")
        .header("Access-Control-Request-Method", "GET")
        .call()
        .unwrap();
    assert!(pre.status().is_success());
    assert_eq!(
        pre.headers().get("access-control-allow-origin").unwrap(),
        "http://kommun.example"
    );
    assert!(pre
        .headers()
        .get("access-control-allow-methods")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("GET"));
    // frame-ancestors follows the same list.
    let embed = listed.get("/embed?lang=it");
    assert!(embed
        .header("content-security-policy")
        .unwrap()
        .contains("frame-ancestors 'self' http://kommun.example"));
    let embed = open.get("/embed?lang=it&domain=emploi&type=case");
    assert!(embed
        .header("content-security-policy")
        .unwrap()
        .contains("frame-ancestors *"));
    assert!(embed.text.contains("domain=\"emploi\"") && embed.text.contains("type=\"case\""));
}

#[test]
fn the_widget_page_documents_snippets_attributes_and_variables() {
    let html = bundled().get("/en/widget").text;
    for needle in [
        "Live demo",
        "&lt;script src=",
        "/widget.js",
        "&lt;iframe src=",
        "/embed?lang=en",
        "--profint-accent",
        "type-chips",
        "results",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
}

#[test]
fn a_partner_page_on_another_origin_uses_the_widget_and_the_iframe() {
    let Some(b) = Browser::start(1100, 900, false) else {
        return;
    };
    let service = bundled();
    let site = partner(widget_page(&service.base, "_self"));
    b.goto(&site);
    let input = b.exec_element(
        "return document.querySelector('profint-search').shadowRoot.querySelector('input')",
    );
    b.type_text(
        &input,
        "nyanländ kvinna utan arbetslivserfarenhet som vill lära sig svenska",
    );
    let count = "return document.querySelector('profint-search').shadowRoot.querySelectorAll('[role=option]').length";
    b.wait("results appear", |b| {
        b.exec(count).as_u64().unwrap_or(0) > 0
    });
    let status = b.exec("return document.querySelector('profint-search').shadowRoot.querySelector('[role=status]').textContent");
    assert!(
        status.as_str().unwrap_or("").contains("resultat"),
        "count announced: {status}"
    );
    b.screenshot(&super::browser::shots().join("widget-partner.png"));
    b.type_text(&input, ARROW_DOWN);
    b.type_text(&input, ARROW_DOWN);
    let active = b.exec("var r = document.querySelector('profint-search').shadowRoot; return r.querySelector('input').getAttribute('aria-activedescendant') + '|' + r.querySelector('[aria-selected=true]').id");
    let active = active.as_str().unwrap_or("").to_string();
    let (a, selected) = active.split_once('|').unwrap();
    assert_eq!(
        a, selected,
        "aria-activedescendant points at the selected option"
    );
    assert!(a.ends_with("o1"), "second option after two arrows: {a}");
    b.type_text(&input, ENTER);
    b.wait("the resource opens on the service", |b| {
        b.url().starts_with(&format!("{}/sv/r/", service.base))
    });

    // The iframe version, auto-sized through postMessage.
    let page = format!(
        "<!doctype html><html><body><iframe id=\"f\" src=\"{}/embed?lang=sv\" style=\"width:100%;border:0;height:40px\"></iframe>\
         <script>addEventListener('message',function(e){{if(e.data&&e.data.type==='profint:height')document.getElementById('f').style.height=e.data.height+'px';}});</script></body></html>",
        service.base
    );
    let site = partner(page);
    b.goto(&site);
    let frame = b.find("#f");
    b.wait("the iframe reports its height", |b| {
        b.exec("return parseInt(document.getElementById('f').style.height)")
            .as_i64()
            .unwrap_or(0)
            > 40
    });
    b.frame(Some(&frame));
    let input = b.exec_element(
        "return document.querySelector('profint-search').shadowRoot.querySelector('input')",
    );
    b.type_text(&input, "tolk vid anställningsintervju");
    b.wait("results inside the iframe", |b| {
        b.exec(count).as_u64().unwrap_or(0) > 0
    });
    b.frame(None);
    b.screenshot(&super::browser::shots().join("widget-iframe.png"));
}

fn widget_state(b: &Browser) -> Option<String> {
    b.exec("return document.querySelector('profint-search').getAttribute('data-state')")
        .as_str()
        .map(str::to_string)
}

fn widget_status(b: &Browser) -> String {
    b.exec("return document.querySelector('profint-search').shadowRoot.querySelector('[role=status]').textContent")
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn a_partner_outside_the_allow_list_is_told_it_is_not_authorised() {
    let Some(b) = Browser::start(1100, 700, false) else {
        return;
    };
    let service = server_allowing(vec!["http://somewhere-else.example".into()]);
    let site = partner(widget_page(&service.base, "_self"));
    b.goto(&site);
    let input = b.exec_element(
        "return document.querySelector('profint-search').shadowRoot.querySelector('input')",
    );
    b.type_text(&input, "tolk");
    b.wait("the widget says the site is not authorised", |b| {
        widget_state(b).as_deref() == Some("not-authorised")
    });
    let status = widget_status(&b);
    assert!(
        status.starts_with(&format!("Den här webbplatsen ({site}) har inte behörighet")),
        "{status}"
    );
    b.screenshot(&super::browser::shots().join("widget-blocked.png"));

    // The iframe: instead of a frame the browser refuses to show, the same news.
    let page = format!(
        "<!doctype html><html><body><iframe id=\"f\" src=\"{}/embed?lang=en\" style=\"width:100%;height:300px;border:0\"></iframe></body></html>",
        service.base
    );
    let site = partner(page);
    b.goto(&site);
    let frame = b.find("#f");
    b.frame(Some(&frame));
    let said = b.text(&b.find("main p.refused"));
    assert_eq!(
        said,
        format!("This site ({site}) is not authorised to embed the PROFINT search. Ask the PROFINT team to add it to the list of partner sites.")
    );
    b.frame(None);
    b.screenshot(&super::browser::shots().join("widget-iframe-refused.png"));
}

#[test]
fn a_service_that_is_down_is_said_to_be_unreachable() {
    let Some(b) = Browser::start(1100, 700, false) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    super::support::copy_dir(
        &super::support::fixture("basic/corpus"),
        &dir.path().join("corpus"),
    );
    let mut service = super::support::ServeProcess::start(dir.path(), &[]);
    let site = partner(widget_page(&service.base, "_self"));
    b.goto(&site);
    let input = b.exec_element(
        "return document.querySelector('profint-search').shadowRoot.querySelector('input')",
    );
    service.child.kill().unwrap();
    service.child.wait().unwrap();
    b.type_text(&input, "tolk");
    b.wait("the widget shows its unreachable state", |b| {
        widget_state(b).as_deref() == Some("unreachable")
    });
    assert_eq!(widget_status(&b), "Söktjänsten går inte att nå.");
}

#[test]
fn embed_tells_a_site_outside_the_allow_list_why_and_serves_the_listed_ones() {
    let service = server_allowing(vec!["http://kommun.example".into()]);
    let framed = |referer: &str| {
        get_with_headers(
            &format!("{}/embed?lang=fr", service.base),
            &[("Sec-Fetch-Dest", "iframe"), ("Referer", referer)],
        )
    };
    let refused = framed("http://evil.example/page");
    assert_eq!(refused.status, 200);
    assert!(refused
        .text
        .contains("Ce site (http://evil.example) n'est pas autorisé"));
    assert!(!refused.text.contains("<profint-search"), "no search in it");
    assert!(refused
        .header("content-security-policy")
        .unwrap()
        .contains("frame-ancestors *"));
    for ok in ["http://kommun.example/x", "http://KOMMUN.example/"] {
        let page = framed(ok);
        assert!(page.text.contains("<profint-search"), "{ok}");
        assert!(page
            .header("content-security-policy")
            .unwrap()
            .contains("frame-ancestors 'self' http://kommun.example"));
    }
    // Without a Referer nothing is known: the browser enforces frame-ancestors.
    let unknown = get_with_headers(
        &format!("{}/embed?lang=fr", service.base),
        &[("Sec-Fetch-Dest", "iframe")],
    );
    assert!(unknown.text.contains("<profint-search"));
    // Without an allow-list every site may frame it.
    let open = get_with_headers(
        &format!("{}/embed?lang=fr", bundled().base),
        &[
            ("Sec-Fetch-Dest", "iframe"),
            ("Referer", "http://evil.example/"),
        ],
    );
    assert!(open.text.contains("<profint-search"));
}

#[test]
fn the_instructions_live_at_lang_widget_and_the_old_address_leads_there() {
    let s = bundled();
    for lang in ["fr", "en", "it", "sv"] {
        let r = s.get(&format!("/{lang}/widget"));
        assert_eq!(r.status, 200, "/{lang}/widget");
        assert!(r.text.contains(&format!("<html lang=\"{lang}\">")));
        assert!(
            r.text.contains(&format!("/embed?lang={lang}")),
            "the snippet's language"
        );
        let old = s.get(&format!("/widget?lang={lang}"));
        assert_eq!(old.status, 308, "/widget?lang={lang}");
        assert_eq!(
            old.header("location"),
            Some(format!("/{lang}/widget").as_str())
        );
    }
    assert_eq!(s.get("/widget").header("location"), Some("/fr/widget"));
    assert_eq!(
        s.get("/widget?lang=xx").header("location"),
        Some("/fr/widget")
    );
    assert_eq!(s.get("/de/widget").status, 404);
    // The footer of every page links the instructions in its language.
    assert!(s.get("/sv/").text.contains("href=\"/sv/widget\""));
    // The language switcher keeps the page.
    assert!(s.get("/en/widget").text.contains("href=\"/it/widget\""));
}
