//! The search UI in a real headless Chromium: home → situation query → domain facet →
//! a result → its related panels; the combobox. Screenshots go under target/screenshots/
//! (every page kind at both widths: `layout.rs`).

use super::support::bundled;
use super::webdriver::{Browser, ARROW_DOWN, ENTER};
use std::path::PathBuf;

pub fn shots() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots")
}

#[test]
fn a_professional_goes_from_a_situation_to_a_resource_and_its_related_panels() {
    let Some(b) = Browser::start(1280, 1000, false) else {
        return;
    };
    let s = bundled();
    b.goto(&format!("{}/fr/", s.base));
    assert_eq!(b.exec("return document.documentElement.lang"), "fr");
    b.screenshot(&shots().join("home-desktop.png"));
    let q = b.find("#q");
    b.type_text(
        &q,
        "un jeune réfugié abandonne sa formation au bout de deux semaines",
    );
    b.click(&b.find("form.search button[type=submit]"));
    b.wait("the search page shows results", |b| {
        b.url().contains("/fr/search?q=") && b.count("ol.hits li") > 0
    });
    let first = b.text(&b.find("ol.hits li h2 a"));
    assert!(
        first.contains("abandonne sa formation"),
        "first result: {first}"
    );
    b.screenshot(&shots().join("search-desktop.png"));

    // Tick a domain facet: with the script, results follow without a submit.
    b.click(&b.find("input[name=domain][value=parcours]"));
    b.wait("the domain filter is applied", |b| {
        b.url().contains("domain=parcours") && b.count(".chips .chip") == 1
    });
    let hits = b.count("ol.hits li");
    assert!(hits > 0, "results remain within the domain");

    b.click(&b.find("ol.hits li h2 a"));
    b.wait("a resource page opens", |b| b.url().contains("/fr/r/"));
    b.find("#rel-cases");
    b.find("#rel-tools");
    assert!(
        b.count("#rel-cases li") > 0 && b.count("#rel-tools li") > 0,
        "related panels have items"
    );
    let why = b.text(&b.find("#rel-tools small.why"));
    assert!(
        why.starts_with(char::is_uppercase) && !why.contains("lien explicite"),
        "reasons read as a professional would: {why}"
    );
    b.screenshot(&shots().join("resource-desktop.png"));
}

#[test]
fn the_combobox_offers_completions_to_the_keyboard() {
    let Some(b) = Browser::start(1280, 900, false) else {
        return;
    };
    let s = bundled();
    b.goto(&format!("{}/en/search", s.base));
    let q = b.find("#q");
    assert_eq!(b.attr(&q, "role").as_deref(), Some("combobox"));
    b.type_text(&q, "interpr");
    b.wait("completions are listed", |b| {
        b.count("#q-list [role=option]") > 0
    });
    assert_eq!(b.attr(&q, "aria-expanded").as_deref(), Some("true"));
    b.type_text(&q, ARROW_DOWN);
    let active = b.attr(&q, "aria-activedescendant").unwrap_or_default();
    assert_eq!(active, "q-opt-0");
    let selected = b.attr(&b.find("#q-opt-0"), "aria-selected");
    assert_eq!(selected.as_deref(), Some("true"));
    // Search-as-you-type has already refreshed the results for the partial word.
    b.wait("results follow the typing", |b| {
        b.url().contains("q=interpr")
    });
    // Enter on a highlighted word completion searches for it.
    let chosen = b.text(&b.find("#q-opt-0"));
    b.type_text(&q, ENTER);
    b.wait("the completion is searched", |b| {
        b.url().contains(&format!("q={}", chosen.trim()))
    });
    b.wait("results for the completion", |b| b.count("ol.hits li") > 0);
}
