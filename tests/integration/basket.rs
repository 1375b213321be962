//! The session basket in a real Chromium, as a facilitator uses it: adding from the results
//! without leaving them (with the page script, and without it), the header's count, a
//! colleague's link, and the basket page's layout.

use super::support::bundled;
use super::webdriver::Browser;

const SEARCH: &str = "/fr/search?q=formation";

fn header_link(b: &Browser) -> String {
    b.text(&b.find("#basket-link"))
}

#[test]
fn with_the_script_adding_stays_on_the_results_and_updates_the_count() {
    let Some(b) = Browser::start(1280, 900, false) else {
        return;
    };
    let s = bundled();
    let url = format!("{}{SEARCH}", s.base);
    b.goto(&url);
    assert_eq!(header_link(&b), "Ma séance");
    let add = b.find("ol.hits li:nth-child(3) a.add");
    b.exec("window.scrollTo(0, 600); window.marker = 'still here';");
    b.click(&add);
    b.wait("the link says the resource is in the session", |b| {
        b.text(&add).contains("Dans ma séance")
    });
    assert_eq!(b.url(), url, "the page stayed");
    assert_eq!(
        b.exec("return window.marker").as_str(),
        Some("still here"),
        "no page load"
    );
    assert_eq!(header_link(&b), "Ma séance (1)");
    b.wait("the addition is announced", |b| {
        let said = b.exec("return document.getElementById('announce').textContent");
        said.as_str()
            .unwrap_or("")
            .contains("ajouté à ma séance (1 ressources)")
    });
    // A second one, from another card; then the basket holds both, in order.
    b.click(&b.find("ol.hits li:nth-child(1) a.add"));
    b.wait("the count follows", |b| header_link(b) == "Ma séance (2)");
    b.click(&b.find("#basket-link"));
    b.wait("the basket page", |b| b.url().contains("/fr/basket"));
    assert_eq!(b.count("ol.basket li"), 2);
}

#[test]
fn without_the_script_adding_comes_back_to_the_same_card() {
    let Some(b) = Browser::without_script(1280, 900) else {
        return;
    };
    let s = bundled();
    let url = format!("{}{SEARCH}", s.base);
    b.goto(&url);
    assert_eq!(
        b.exec("return document.documentElement.classList.contains('js')")
            .as_bool(),
        Some(false),
        "the script does not run"
    );
    let card = b
        .attr(&b.find("ol.hits li:nth-child(6) article"), "id")
        .unwrap();
    b.click(&b.find("ol.hits li:nth-child(6) a.add"));
    b.wait("back on the results, at the card", |b| {
        b.url() == format!("{url}#{card}")
    });
    let seen = b.exec(&format!(
        "var r = document.getElementById('{card}').getBoundingClientRect(); return r.top > 0 && r.top < innerHeight / 2"
    ));
    assert_eq!(seen.as_bool(), Some(true), "the card is in view: {seen}");
    assert!(b
        .text(&b.find(&format!("#{card} a.add")))
        .contains("Dans ma séance"));
    assert_eq!(header_link(&b), "Ma séance (1)");
}

#[test]
fn a_colleagues_link_asks_to_merge_or_replace() {
    let Some(b) = Browser::start(1280, 900, false) else {
        return;
    };
    let s = bundled();
    b.goto(&format!("{}/fr/basket/add?id=R1.1", s.base));
    b.goto(&format!(
        "{}/fr/basket?id=cases%2Frupture-de-formation&id=R2.1",
        s.base
    ));
    let h1 = b.text(&b.find("main h1"));
    assert_eq!(h1, "Une séance partagée avec vous");
    assert_eq!(header_link(&b), "Ma séance (1)", "one's own is untouched");
    b.click(&b.find(".choice a.button.primary"));
    b.wait("the merged session", |b| b.count("ol.basket li") == 3);
    assert_eq!(header_link(&b), "Ma séance (3)");
    let first = b.text(&b.find("ol.basket li a.title"));
    assert!(
        first.starts_with("Accueillir"),
        "one's own comes first: {first}"
    );
}

#[test]
fn on_the_basket_page_the_type_sits_above_the_title() {
    let s = bundled();
    for (width, mobile) in [(1280, false), (390, true)] {
        let Some(b) = Browser::start(width, 844, mobile) else {
            return;
        };
        b.goto(&format!(
            "{}/en/basket?id=cases%2Frupture-de-formation&id=R1.1",
            s.base
        ));
        b.find("ol.basket li");
        let apart = b.exec(
            "return [...document.querySelectorAll('ol.basket li')].every(li => \
             li.querySelector('.type').getBoundingClientRect().bottom <= li.querySelector('a.title').getBoundingClientRect().top + 1)",
        );
        assert_eq!(
            apart.as_bool(),
            Some(true),
            "at {width} px a type runs into its title"
        );
    }
}

#[test]
fn on_a_module_page_the_two_actions_do_not_look_alike() {
    let Some(b) = Browser::start(1280, 900, false) else {
        return;
    };
    b.goto(&format!(
        "{}/fr/r/modules/m1-accueillir-et-diagnostiquer",
        bundled().base
    ));
    b.find(".actions a.primary");
    let looks = b.exec(
        "const s = (css) => getComputedStyle(document.querySelector(css)); \
         return [s('.actions a.primary').backgroundColor, s('.actions a.secondary').backgroundColor]",
    );
    assert_ne!(looks[0], looks[1], "same look: {looks}");
}
