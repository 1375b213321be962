//! Every page over HTTP: status, language, key elements, escaping, caching, weight.

use super::support::{fixture, get_with_headers, TestServer};
use std::sync::OnceLock;

fn server() -> &'static TestServer {
    static SERVER: OnceLock<TestServer> = OnceLock::new();
    SERVER.get_or_init(|| TestServer::start(&fixture("basic/corpus")))
}

fn page(path: &str) -> String {
    let r = server().get(path);
    assert_eq!(r.status, 200, "{path}");
    assert!(
        r.content_type.starts_with("text/html"),
        "{path}: {}",
        r.content_type
    );
    r.text
}

#[test]
fn root_redirects_by_accept_language() {
    let s = server();
    for (accept, to) in [
        ("sv-SE,sv;q=0.9,en;q=0.8", "/sv/"),
        ("de-DE,de;q=0.9,it;q=0.5", "/it/"),
        ("en;q=0.2,fr;q=0.9", "/fr/"),
        ("de", "/fr/"),
        ("", "/fr/"),
    ] {
        let r = get_with_headers(&format!("{}/", s.base), &[("Accept-Language", accept)]);
        assert_eq!(r.status, 303, "{accept}");
        assert_eq!(r.header("location"), Some(to), "{accept}");
    }
}

#[test]
fn every_page_exists_in_every_language_with_its_lang_attribute() {
    for lang in ["fr", "en", "it", "sv"] {
        for path in [
            format!("/{lang}/"),
            format!("/{lang}/search"),
            format!("/{lang}/search?q=interpr%C3%A8te"),
            format!("/{lang}/r/cases/rupture-de-parcours"),
            format!("/{lang}/r/R2.1"),
            format!("/{lang}/domains/langue"),
        ] {
            let html = page(&path);
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{path}");
            assert!(
                html.contains("class=\"skip\" href=\"#main\""),
                "{path}: skip link"
            );
            assert!(html.contains("<main id=\"main\""), "{path}");
            assert_eq!(html.matches("<h1").count(), 1, "{path}: one h1");
            let (h1, h2) = (html.find("<h1"), html.find("<h2"));
            assert!(
                h2.is_none() || h1 < h2,
                "{path}: headings in order (h1 before any h2)"
            );
            // The language switcher keeps the current page.
            let here = path.trim_start_matches(&format!("/{lang}"));
            let other = if lang == "fr" { "en" } else { "fr" };
            let switch = format!("href=\"/{other}{here}\"");
            assert!(html.contains(&switch), "{path}: switcher lacks {switch}");
        }
    }
}

#[test]
fn home_shows_domains_with_counts_types_and_how_to_use() {
    let html = page("/en/");
    assert!(html.contains("Reception and diagnosis"));
    assert!(html.contains("--dc:#2563a8"), "domain colour");
    assert!(html.contains("4 resources"), "domain count");
    assert!(html.contains("Pedagogical cases"), "type counts");
    assert!(html.contains("How to use the platform"));
    assert!(html.contains("placeholder=\"Describe a situation"));
}

#[test]
fn search_page_has_facets_chips_results_and_pagination() {
    let html = page("/fr/search?q=interpr%C3%A8te&domain=langue&type=tool");
    assert!(html.contains("type=\"checkbox\" name=\"domain\" value=\"langue\" checked"));
    assert!(html.contains("class=\"chip\""));
    assert!(html.contains("Checklist pour travailler avec un"));
    assert!(html.contains("<mark>"), "highlighted snippet");
    let html = page("/fr/search");
    assert!(html.contains("10 résultats"));
    let r = super::support::bundled().get("/fr/search?page=2");
    assert!(
        r.text.contains("aria-current=\"page\">2<"),
        "page 2 is current"
    );
    assert!(
        r.text.contains("rel=\"prev\" href=\"/fr/search\"")
            && r.text.contains("rel=\"next\" href=\"/fr/search?page=3\"")
    );
    // Fallback: a French-only resource seen from Swedish carries a visible notice.
    let html = page("/sv/search?q=grille+entretien");
    assert!(html.contains("class=\"fallback\""), "fallback notice");
}

#[test]
fn empty_results_offer_did_you_mean_and_filter_removal() {
    let html = page("/fr/search?q=interpr%C3%A9ten&type=practice");
    assert!(html.contains("Vouliez-vous dire"), "did you mean");
    assert!(
        html.contains("interprète"),
        "the correction comes from the index"
    );
    assert!(
        html.contains("retirant un filtre"),
        "suggests removing a filter"
    );
}

#[test]
fn queries_and_content_are_escaped() {
    let html = page("/fr/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E");
    assert!(
        !html.contains("<script>alert(1)"),
        "query reflected unescaped"
    );
    assert!(html.contains("&lt;script&gt;"));
}

#[test]
fn resource_page_shows_everything_a_reader_needs() {
    let html = page("/en/r/cases/rupture-de-parcours");
    assert!(html.contains("A young refugee drops out of training"));
    assert!(html.contains("Mission locale"), "organisation");
    assert!(
        html.contains("href=\"/fr/r/cases/rupture-de-parcours\""),
        "translation link"
    );
    assert!(html.contains("Recommendations illustrated") && html.contains("R1.1"));
    assert!(html.contains("id=\"rel-cases\"") && html.contains("id=\"rel-tools\""));
    assert!(html.contains("Grille d"), "related tool, in its original");
    assert!(html.contains("class=\"why\""), "reason in small print");
    assert!(
        html.contains("aria-label=\"Breadcrumb\"") && html.contains("href=\"/en/domains/emploi\"")
    );
    let fallback = page("/sv/r/tools/grille-entretien");
    assert!(fallback.contains("class=\"fallback\""));
}

#[test]
fn domain_page_lists_recommendations_then_resources_by_type() {
    let html = page("/fr/domains/accueil");
    let rec = html
        .find("Les recommandations du domaine")
        .expect("recommendations section");
    let tools = html.find("Outils").expect("tools section");
    assert!(rec < tools);
    assert!(html.contains("Accueillir rapidement"));
}

#[test]
fn unknown_pages_are_html_404s() {
    for path in [
        "/xx/",
        "/fr/r/no/such",
        "/fr/domains/nowhere",
        "/nothing/here/at/all",
        "/fr/r/../../etc/passwd",
    ] {
        let r = server().get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(r.content_type.starts_with("text/html"), "{path}");
    }
}

#[test]
fn assets_are_hashed_and_cached_and_pages_stay_light() {
    let s = server();
    let html = page("/fr/search?q=formation");
    let css = html
        .split("href=\"/assets/style.")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let js = html
        .split("src=\"/assets/app.")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let mut total = html.len();
    for path in [format!("/assets/style.{css}"), format!("/assets/app.{js}")] {
        let r = s.get(&path);
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        total += r.text.len();
    }
    assert!(
        total <= 60 * 1024,
        "search page with CSS and JS weighs {total} bytes (budget 60 KB)"
    );
    assert_eq!(s.get("/assets/style.0000.css").status, 404);
}

#[test]
fn opensearch_description() {
    let r = server().get("/opensearch.xml?lang=it");
    assert_eq!(r.status, 200);
    assert!(r.text.contains("<OpenSearchDescription"));
    assert!(r.text.contains("/it/search?q={searchTerms}"));
}

#[test]
fn ui_strings_come_from_views_in_every_language() {
    assert_eq!(profint::i18n::missing_keys(), vec![]);
    assert!(
        page("/it/").contains("Come usare la piattaforma") || page("/it/").contains("piattaforma")
    );
    assert!(page("/sv/search").contains("Sök"));
}

#[test]
fn an_unknown_language_gets_the_not_found_page_in_the_site_default_on_every_page_kind() {
    let corpus = super::support::copy_fixture("basic/corpus");
    std::fs::write(
        corpus.path().join("site.yaml"),
        "default_language: en\nlanguages: [fr, en, it]\n",
    )
    .unwrap();
    let s = TestServer::start(corpus.path());
    for path in [
        "/de/",
        "/de/search?q=x",
        "/sv/r/cases/logement",
        "/de/domains/emploi",
        "/de/modules/m1/pack",
        "/de/basket",
        "/de/pack?id=cases/logement",
        "/de/basket/add?id=cases/logement",
        "/de",
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(
            r.text.contains("<html lang=\"en\""),
            "{path}: {}",
            &r.text[..200.min(r.text.len())]
        );
    }
}

#[test]
fn every_page_names_an_icon_that_is_served_and_favicon_ico_answers() {
    let r = server().get("/favicon.ico");
    assert_eq!(r.status, 200);
    assert!(r.content_type.starts_with("image/svg+xml"));
    for path in [
        "/fr/",
        "/en/search?q=x",
        "/it/r/cases/logement",
        "/sv/domains/emploi",
        "/fr/basket",
        "/en/widget",
    ] {
        let html = page(path);
        let href = html
            .split("rel=\"icon\"")
            .nth(1)
            .and_then(|rest| rest.split("href=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{path} names no icon"));
        let icon = server().get(href);
        assert_eq!(icon.status, 200, "{path}: {href}");
        assert!(icon.content_type.starts_with("image/svg+xml"));
    }
}

/// The `--dc` colours of the result cards of a page, and how many say which secondary
/// domain they matched.
fn card_colours(html: &str) -> (Vec<String>, usize) {
    let colours = html
        .split("<article class=\"hit\"")
        .skip(1)
        .map(|card| {
            card.split("--dc:")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    (colours, html.matches("class=\"matched\"").count())
}

#[test]
fn with_a_domain_filter_every_card_wears_that_domains_colour_and_says_why() {
    let s = super::support::bundled();
    let parcours = "#b0306a";
    for path in [
        "/fr/search?domain=parcours",
        "/sv/search?q=arbete&domain=parcours",
        "/en/domains/parcours",
    ] {
        let html = s.get(path).text;
        let (colours, matched) = card_colours(&html);
        assert!(!colours.is_empty(), "{path}: no cards");
        assert!(
            colours.iter().all(|c| c == parcours),
            "{path}: cards in other domains' colours: {colours:?}"
        );
        assert!(
            matched > 0,
            "{path}: no card names its matched secondary domain"
        );
    }
    let html = s.get("/en/domains/parcours").text;
    assert!(html.contains("(secondary domain)"));
    // Two filters: a card matching either keeps its own main colour when that is one of them.
    let html = s.get("/fr/search?domain=parcours&domain=accueil").text;
    let (colours, _) = card_colours(&html);
    assert!(
        colours.iter().all(|c| c == parcours || c == "#2563a8"),
        "{colours:?}"
    );
}

#[test]
fn related_panels_give_reasons_in_plain_words_and_no_recommendation_twice() {
    let s = super::support::bundled();
    let engine_terms = [
        ("fr", ["lien explicite", "texte proche", "pourquoi :"]),
        ("en", ["explicit link", "similar text", "why:"]),
        ("it", ["collegamento esplicito", "testo simile", "perché:"]),
        ("sv", ["uttrycklig länk", "liknande text", "varför:"]),
    ];
    let plain = [
        ("fr", "Proposé par les auteurs avec cette ressource"),
        ("en", "Suggested by the authors with this resource"),
        ("it", "Proposto dagli autori insieme a questa risorsa"),
        (
            "sv",
            "Föreslås av författarna tillsammans med den här resursen",
        ),
    ];
    for ((lang, terms), (_, link)) in engine_terms.iter().zip(plain) {
        let html = s.get(&format!("/{lang}/r/cases/rupture-de-formation")).text;
        let panels = html.split("<div class=\"related\">").nth(1).unwrap();
        for term in terms {
            assert!(!panels.contains(term), "{lang}: the panels say «{term}»");
        }
        assert!(panels.contains(link), "{lang}: no «{link}»");
        // R3.4 and R5.2 are listed under "recommendations illustrated": not again below.
        let above = html.split("class=\"illustrates\"").nth(1).unwrap();
        assert!(above.contains("/r/R3.4\"") && above.contains("/r/R5.2\""));
        let recs = panels
            .split("id=\"rel-recs\"")
            .nth(1)
            .map_or("", |p| p.split("</section>").next().unwrap());
        for id in ["R3.4", "R5.2"] {
            assert!(
                !recs.contains(&format!("/r/{id}\"")),
                "{lang}: {id} listed twice"
            );
        }
    }
    // The API keeps its codes; its words say which way a recommendation goes.
    let from_case = s
        .get("/api/resources/cases%2Frupture-de-formation/related?lang=en")
        .json();
    let r34 = from_case["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "R3.4")
        .unwrap();
    assert!(r34["reason_codes"]
        .as_array()
        .unwrap()
        .contains(&"illustrates".into()));
    assert!(r34["reasons"]
        .as_array()
        .unwrap()
        .contains(&"the recommendation this resource puts into practice".into()));
    let from_rec = s.get("/api/resources/R3.4/related?lang=en").json();
    let case = from_rec["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "cases/rupture-de-formation")
        .unwrap();
    assert!(case["reasons"]
        .as_array()
        .unwrap()
        .contains(&"puts this recommendation into practice".into()));
}

#[test]
fn a_missing_translation_follows_the_sites_fallback_order_and_keeps_the_original_near() {
    let corpus = super::support::copy_fixture("basic/corpus");
    let s = TestServer::start(corpus.path());
    // cases/rupture-de-parcours is in French (the original) and English; not in Swedish.
    let html = s.get("/sv/r/cases/rupture-de-parcours").text;
    assert!(
        html.contains("<h1 lang=\"en\">A young refugee drops out of training"),
        "English before the French original"
    );
    assert!(html.contains("På engelska — ännu inte översatt till svenska"));
    assert!(
        html.contains("href=\"/fr/r/cases/rupture-de-parcours\" lang=\"fr\" hreflang=\"fr\">Läs originalet (franska)"),
        "the original one click away"
    );
    let hit = s.search(&[("q", "refugee training"), ("lang", "sv")])["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "cases/rupture-de-parcours")
        .cloned()
        .expect("found");
    assert_eq!(
        (hit["lang"].as_str(), hit["fallback"].as_bool()),
        (Some("en"), Some(true))
    );
    let search = s.get("/sv/search?q=refugee+training").text;
    assert!(search.contains("På engelska — ännu inte översatt till svenska"));

    // The site decides: straight to the original, or Italian first.
    std::fs::write(corpus.path().join("site.yaml"), "fallback: []\n").unwrap();
    let s = TestServer::start(corpus.path());
    let v = s
        .get("/api/resources/cases%2Frupture-de-parcours?lang=sv")
        .json();
    assert_eq!(
        (v["lang"].as_str(), v["fallback"].as_bool()),
        (Some("fr"), Some(true))
    );
    let html = s.get("/sv/r/cases/rupture-de-parcours").text;
    assert!(html.contains("På franska — ännu inte översatt till svenska"));
    assert!(
        !html.contains("Läs originalet"),
        "the original is what is shown"
    );
    std::fs::write(corpus.path().join("site.yaml"), "fallback: [it, en]\n").unwrap();
    let s = TestServer::start(corpus.path());
    let v = s
        .get("/api/resources/cases%2Fentretien-interprete?lang=en")
        .json();
    assert_eq!(
        (v["lang"].as_str(), v["fallback"].as_bool()),
        (Some("it"), Some(true))
    );
}

#[test]
fn a_module_page_has_one_main_action_and_a_distinct_secondary_one() {
    let html = super::support::bundled()
        .get("/en/r/modules/m1-accueillir-et-diagnostiquer")
        .text;
    let actions = html.split("<div class=\"actions\">").nth(1).unwrap();
    let actions = actions.split("</div>").next().unwrap();
    assert!(
        actions.contains("class=\"button primary\" href=\"/en/modules/m1-accueillir-et-diagnostiquer/pack\" aria-describedby=\"pack-what\""),
        "preparing the session is the main action: {actions}"
    );
    assert!(actions.contains("id=\"pack-what\">The pack to print"));
    assert!(
        actions.contains("class=\"button secondary\" href=\"/en/basket/add?"),
        "adding to one's session is secondary: {actions}"
    );
    let case = super::support::bundled()
        .get("/en/r/cases/rupture-de-formation")
        .text;
    assert!(!case.contains("button primary"), "a case has no pack");
}
