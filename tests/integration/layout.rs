//! The layout of every page kind in a real Chromium, in two languages: at 390 px nothing
//! scrolls sideways and the header (with the current language) fits; at 1280 px the header is
//! on top, the main content is wider than half the window and the footer follows it.
//! Screenshots of each go to target/screenshots/layout/.

use super::browser::shots;
use super::support::bundled;
use super::webdriver::Browser;
use serde_json::Value;

/// Every kind of page, by name, with its path in `lang`.
fn page_kinds(lang: &str) -> Vec<(&'static str, String)> {
    let query = match lang {
        "sv" => "nyanländ kvinna utan arbetslivserfarenhet",
        _ => "un jeune réfugié abandonne sa formation",
    };
    let q: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    vec![
        ("home", format!("/{lang}/")),
        ("search", format!("/{lang}/search?q={q}&domain=parcours")),
        ("resource", format!("/{lang}/r/cases/rupture-de-formation")),
        (
            "module",
            format!("/{lang}/r/modules/m1-accueillir-et-diagnostiquer"),
        ),
        ("domain", format!("/{lang}/domains/parcours")),
        (
            "basket",
            format!("/{lang}/basket?id=R1.1&id=cases%2Frupture-de-formation"),
        ),
        (
            "pack",
            format!("/{lang}/modules/m1-accueillir-et-diagnostiquer/pack"),
        ),
        ("widget", format!("/{lang}/widget")),
        ("embed", format!("/embed?lang={lang}")),
        ("notfound", format!("/{lang}/r/no/such/resource")),
    ]
}

/// Measures the page: sideways scroll, the header, main and footer boxes, and the current
/// language of the switcher.
const MEASURE: &str = r#"
const box = (el) => el ? el.getBoundingClientRect() : null;
const main = box(document.querySelector('main'));
const header = box(document.querySelector('header.site'));
const footer = box(document.querySelector('footer.site'));
const current = box(document.querySelector('.langs [aria-current]'));
// A phone widens its layout viewport to content that overflows: the device's width (WIDTH)
// is the one to hold.
const width = Math.min(window.innerWidth, WIDTH);
return {
  overflow: document.documentElement.scrollWidth - width,
  width,
  main: main && { left: main.left, width: main.width, top: main.top, bottom: main.bottom },
  header: header && { top: header.top, width: header.width, bottom: header.bottom },
  footer: footer && { top: footer.top },
  current: current && { left: current.left, right: current.right },
};
"#;

fn check(report: &Value, what: &str, width: u32) {
    let num = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let overflow = num(&report["overflow"]);
    assert!(
        overflow <= 0.0,
        "{what}: scrolls sideways by {overflow} px: {report}"
    );
    let main = &report["main"];
    assert!(main.is_object(), "{what}: no <main>: {report}");
    let inner = num(&report["width"]);
    if width >= 1000 {
        assert!(
            num(&main["width"]) > inner / 2.0,
            "{what}: main content is {} px wide in a {inner} px window",
            main["width"]
        );
    } else {
        assert!(
            num(&main["left"]) >= 0.0 && num(&main["left"]) + num(&main["width"]) <= inner + 0.5,
            "{what}: main content leaves the window: {report}"
        );
    }
    if let Some(header) = report["header"].as_object() {
        assert!(
            num(&header["top"]) <= 1.0 && num(&header["width"]) >= inner - 1.0,
            "{what}: the header is not a full-width bar on top: {report}"
        );
        assert!(
            num(&main["top"]) >= num(&header["bottom"]) - 1.0,
            "{what}: the main content starts above the header's end: {report}"
        );
        let current = &report["current"];
        assert!(
            num(&current["left"]) >= 0.0 && num(&current["right"]) <= inner + 0.5,
            "{what}: the current language is cut off: {report}"
        );
    }
    if let Some(footer) = report["footer"].as_object() {
        assert!(
            num(&footer["top"]) >= num(&main["bottom"]) - 1.0,
            "{what}: the footer is beside the content, not after it: {report}"
        );
    }
}

fn every_page_kind_at(width: u32, height: u32, mobile: bool) {
    let Some(b) = Browser::start(width, height, mobile) else {
        return;
    };
    let s = bundled();
    let dir = shots().join("layout");
    for lang in ["fr", "sv"] {
        for (kind, path) in page_kinds(lang) {
            b.goto(&format!("{}{}", s.base, path));
            b.find("main");
            let report = b.exec(&MEASURE.replace("WIDTH", &width.to_string()));
            b.screenshot(&dir.join(format!("{kind}-{lang}-{width}.png")));
            check(&report, &format!("{kind} {path} at {width} px"), width);
            // Nothing fails to load (an icon, a script the policy refuses…), but the page
            // that is meant to answer 404.
            let errors: Vec<String> = b
                .console_errors()
                .into_iter()
                .filter(|e| !(kind == "notfound" && e.contains("404")))
                .collect();
            assert!(
                errors.is_empty(),
                "{kind} {path}: console errors {errors:?}"
            );
        }
    }
}

#[test]
fn every_page_kind_fits_a_390_px_phone() {
    every_page_kind_at(390, 844, true);
}

#[test]
fn every_page_kind_uses_a_1280_px_window() {
    every_page_kind_at(1280, 900, false);
}
