//! The JSON API over real HTTP, on the `basic` fixture corpus. These carry the checks of
//! `shared/conformance/api_check.py` so they run on every clone.

use super::support::{fixture, ids, TestServer};
use serde_json::Value;
use std::sync::OnceLock;

fn server() -> &'static TestServer {
    static SERVER: OnceLock<TestServer> = OnceLock::new();
    SERVER.get_or_init(|| TestServer::start(&fixture("basic/corpus")))
}

fn is_error_shape(v: &Value) -> bool {
    v["error"]["code"].is_string() && v["error"]["message"].is_string()
}

#[test]
fn healthz() {
    assert_eq!(server().get("/healthz").status, 200);
}

#[test]
fn api_answers_are_json() {
    let r = server().get("/api/search?q=accueil");
    assert_eq!(r.content_type, "application/json");
    assert_eq!(r.header("Content-Type"), Some("application/json"));
}

#[test]
fn browse_lists_every_published_resource_once() {
    let s = server();
    let answer = s.search(&[("q", ""), ("lang", "fr"), ("per_page", "100")]);
    for key in [
        "query", "lang", "total", "took_ms", "page", "per_page", "hits", "facets",
    ] {
        assert!(answer.get(key).is_some(), "missing {key}");
    }
    let found = ids(&answer);
    assert_eq!(answer["total"], 10, "{found:?}");
    assert_eq!(found.len(), 10);
    assert!(
        !found.contains(&"cases/brouillon".to_string()),
        "drafts are not published"
    );
    let mut unique = found.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), found.len(), "a resource appears once");
    for hit in answer["hits"].as_array().unwrap() {
        for key in [
            "id", "lang", "fallback", "title", "type", "domain", "domains", "url", "summary",
            "snippet", "score",
        ] {
            assert!(hit.get(key).is_some(), "hit lacks {key}: {hit}");
        }
    }
    assert_eq!(found[0], "R1.1", "browse lists recommendations first");
}

#[test]
fn stemming_and_elision_match_across_word_forms() {
    let s = server();
    // The case says "L'accompagnement"; the user types a verb form.
    let answer = s.search(&[("q", "accompagner"), ("lang", "fr")]);
    assert!(
        ids(&answer).contains(&"cases/rupture-de-parcours".to_string()),
        "{answer}"
    );
    let answer = s.search(&[("q", "integrazione"), ("lang", "it")]);
    assert_eq!(
        ids(&answer).first().map(String::as_str),
        Some("cases/entretien-interprete")
    );
}

#[test]
fn accents_are_optional_in_queries() {
    let s = server();
    let answer = s.search(&[("q", "evenement familial"), ("lang", "fr")]);
    assert_eq!(
        ids(&answer).first().map(String::as_str),
        Some("cases/rupture-de-parcours"),
        "{answer}"
    );
    let answer = s.search(&[("q", "kallelse"), ("lang", "sv")]);
    assert_eq!(
        ids(&answer).first().map(String::as_str),
        Some("cases/kallelse"),
        "{answer}"
    );
    let answer = s.search(&[("q", "tolk"), ("lang", "sv")]);
    assert_eq!(ids(&answer).first().map(String::as_str), Some("R2.1"));
}

#[test]
fn a_misspelt_word_still_finds_its_documents_below_exact_matches() {
    let s = server();
    let answer = s.search(&[("q", "logemnet"), ("lang", "fr")]);
    assert_eq!(
        ids(&answer).first().map(String::as_str),
        Some("cases/logement"),
        "{answer}"
    );
    // Edit distance 2 for long words.
    let answer = s.search(&[("q", "acompagnemant"), ("lang", "fr")]);
    assert!(
        ids(&answer).contains(&"cases/rupture-de-parcours".to_string()),
        "{answer}"
    );
    // An exact match outranks a typo match.
    let answer = s.search(&[("q", "chantier logemnet"), ("lang", "fr")]);
    let exact = s.search(&[("q", "interprète logemnet"), ("lang", "fr")]);
    assert_eq!(
        ids(&answer).first().map(String::as_str),
        Some("cases/logement")
    );
    let order = ids(&exact);
    let interp = order.iter().position(|i| i == "R2.1").unwrap();
    let typo = order.iter().position(|i| i == "cases/logement").unwrap();
    assert!(
        interp < typo,
        "exact match ranks above typo match: {order:?}"
    );
    // Short words are not fuzzed: "chat" must not match "chantier" or anything else.
    assert_eq!(s.search(&[("q", "chat"), ("lang", "fr")])["total"], 0);
}

#[test]
fn a_situation_sentence_ranks_the_best_match_first_without_requiring_all_words() {
    let s = server();
    let answer = s.search(&[
        ("q", "un jeune qui abandonne sa formation de cuisine au bout de deux semaines sans rien dire à personne"),
        ("lang", "fr"),
    ]);
    let found = ids(&answer);
    assert_eq!(
        found.first().map(String::as_str),
        Some("cases/rupture-de-parcours"),
        "{found:?}"
    );
    assert!(
        found.len() >= 2,
        "OR semantics: partial matches are returned too: {found:?}"
    );
}

#[test]
fn title_and_phrase_matches_rank_high_for_keywords() {
    let s = server();
    let answer = s.search(&[("q", "interprète professionnel"), ("lang", "fr")]);
    assert_eq!(
        ids(&answer).first().map(String::as_str),
        Some("R2.1"),
        "{answer}"
    );
}

#[test]
fn facets_are_disjunctive_and_filters_combine() {
    let s = server();
    let all = s.search(&[("q", ""), ("lang", "fr")]);
    let one = s.search(&[("q", ""), ("lang", "fr"), ("domain", "accueil")]);
    assert_eq!(all["facets"]["domain"], {
        let mut v = one["facets"]["domain"].clone();
        for item in v.as_array_mut().unwrap() {
            item["selected"] = Value::Bool(false);
        }
        v
    });
    // Secondary domains count: the case of domain emploi with secondary accueil is inside.
    assert!(ids(&one).contains(&"cases/rupture-de-parcours".to_string()));
    assert!(one["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["domain"] == "accueil"
            || h["domains"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d == "accueil")));
    let accueil = one["total"].as_u64().unwrap();
    let two = s.search(&[
        ("q", ""),
        ("lang", "fr"),
        ("domain", "accueil"),
        ("domain", "langue"),
    ]);
    assert!(
        two["total"].as_u64().unwrap() > accueil,
        "OR within a facet"
    );
    let and = s.search(&[
        ("q", ""),
        ("lang", "fr"),
        ("domain", "accueil"),
        ("type", "tool"),
    ]);
    assert_eq!(
        ids(&and),
        vec!["tools/grille-entretien"],
        "AND across facets"
    );
    // Type counts ignore the type selection but honour the domain selection.
    let counts: Vec<(String, u64)> = and["facets"]["type"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["value"].as_str().unwrap().to_string(),
                t["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        counts.contains(&("tool".into(), 1)) && counts.contains(&("module".into(), 1)),
        "{counts:?}"
    );
    let label = &all["facets"]["domain"][0];
    assert_eq!(label["label"], "Accueil et diagnostic");
    assert_eq!(label["color"], "#2563a8");
    let en = s.search(&[("q", ""), ("lang", "en")]);
    assert_eq!(
        en["facets"]["domain"][0]["label"],
        "Reception and diagnosis"
    );
    assert_eq!(en["facets"]["type"][2]["label"], "Pedagogical cases");
}

#[test]
fn a_resource_without_translation_comes_back_in_its_original_with_fallback() {
    let s = server();
    let answer = s.search(&[("q", "grille d'entretien diagnostic"), ("lang", "en")]);
    let hit = answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "tools/grille-entretien")
        .expect("found");
    assert_eq!(hit["fallback"], true);
    assert_eq!(hit["lang"], "fr");
    assert_eq!(hit["url"], "/en/r/tools/grille-entretien");
    // A translated resource comes back in the requested language.
    let answer = s.search(&[("q", "interpreter checklist"), ("lang", "en")]);
    let hit = &answer["hits"][0];
    assert_eq!(hit["id"], "tools/checklist-interprete");
    assert_eq!(
        (hit["lang"].as_str(), hit["fallback"].as_bool()),
        (Some("en"), Some(false))
    );
    // A Swedish original is found from French.
    let answer = s.search(&[("q", "kallelse anställningsintervju"), ("lang", "fr")]);
    let hit = &answer["hits"][0];
    assert_eq!(
        (
            hit["id"].as_str(),
            hit["lang"].as_str(),
            hit["fallback"].as_bool()
        ),
        (Some("cases/kallelse"), Some("sv"), Some(true))
    );
}

#[test]
fn snippets_are_escaped_and_mark_matches() {
    let s = server();
    let answer = s.search(&[("q", "cuisinier"), ("lang", "fr")]);
    let snippet = answer["hits"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>cuisinier</mark>"), "{snippet}");
    assert!(snippet.chars().count() < 260, "{snippet}");
}

#[test]
fn pagination_is_bounded() {
    let s = server();
    let p1 = s.search(&[("q", ""), ("per_page", "2"), ("page", "1")]);
    let p2 = s.search(&[("q", ""), ("per_page", "2"), ("page", "2")]);
    assert_eq!(ids(&p1).len(), 2);
    let (a, b) = (ids(&p1), ids(&p2));
    assert!(a.iter().all(|x| !b.contains(x)), "{a:?} {b:?}");
    let big = s.search(&[("q", ""), ("per_page", "100000")]);
    assert_eq!(big["per_page"], 100);
    let far = s.search(&[("q", ""), ("page", "1000000")]);
    assert_eq!(ids(&far).len(), 0);
    assert_eq!(far["total"], 10);
}

#[test]
fn unknown_lang_is_a_clear_400() {
    let r = server().get("/api/search?q=a&lang=xx");
    assert_eq!(r.status, 400);
    let v = r.json();
    assert!(is_error_shape(&v));
    assert_eq!(v["error"]["code"], "unknown_language");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("fr, en, it, sv"));
}

#[test]
fn hostile_queries_never_give_a_5xx() {
    let s = server();
    let long = "x".repeat(20_000);
    let words = "formation ".repeat(3_000);
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("q", &long)],
        vec![("q", &words)],
        vec![("q", "\"unbalanced ( AND OR :")],
        vec![("q", "*?~^[]{}")],
        vec![("q", "\u{0000}\u{202e}\u{fffd}")],
        vec![("q", "a"), ("page", "-1")],
        vec![("q", "a"), ("page", "99999999999999999999")],
        vec![("q", "a"), ("per_page", "abc")],
        vec![("q", "a"), ("per_page", "0")],
        vec![("q", "a"), ("domain", "no-such-domain")],
        vec![("q", "a"), ("type", "../../etc/passwd")],
        vec![("q", "title_fr:x OR body:y")],
        vec![("q", "ab.*"), ("lang", "sv")],
        vec![("q", "(((((((((((")],
    ];
    for params in cases {
        let r = s.get_with("/api/search", &params);
        assert!(r.status < 500, "{params:?} gave {}", r.status);
        if r.status >= 400 {
            assert!(is_error_shape(&r.json()), "{}", r.text);
        }
    }
    for path in [
        "/api/resources/..%2F..%2Fetc%2Fpasswd",
        "/api/resources/%00/related",
        "/api/resources/%FF%FE",
        "/fr/r/../../etc/passwd",
        "/api/suggest?q=%00%00&lang=fr",
        "/api/suggest?q=(((((&lang=sv",
    ] {
        let r = s.get(path);
        assert!(r.status < 500, "{path} gave {}", r.status);
    }
}

#[test]
fn resource_endpoint_returns_sanitized_html_translations_and_fallback() {
    let s = server();
    let r = s.get("/api/resources/cases%2Frupture-de-parcours?lang=en");
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["lang"], "en");
    assert_eq!(v["fallback"], false);
    assert_eq!(v["translations"], serde_json::json!(["fr", "en"]));
    assert_eq!(v["recommendations"], serde_json::json!(["R1.1"]));
    assert!(v["html"]
        .as_str()
        .unwrap()
        .contains("<h2>The situation</h2>"));
    // No Swedish version: the site's fallback (English by default) before the original.
    let v = s
        .get("/api/resources/cases%2Frupture-de-parcours?lang=sv")
        .json();
    assert_eq!(
        (
            v["lang"].as_str(),
            v["fallback"].as_bool(),
            v["original"].as_str()
        ),
        (Some("en"), Some(true), Some("fr"))
    );
    let v = s.get("/api/resources/R2.1?lang=sv").json();
    assert_eq!(v["title"], "Arbeta med en professionell tolk");
    let r = s.get("/api/resources/no%2Fsuch");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], "resource_not_found");
}

#[test]
fn related_ranks_linked_and_shared_recommendation_first_with_reasons_and_never_self() {
    let s = server();
    let v = s
        .get("/api/resources/cases%2Frupture-de-parcours/related?lang=fr&limit=5")
        .json();
    for key in ["cases", "tools", "practices", "recommendations"] {
        assert!(v[key].is_array(), "{key}");
    }
    let all: Vec<&Value> = ["cases", "tools", "practices", "recommendations", "modules"]
        .iter()
        .flat_map(|k| v[*k].as_array().unwrap())
        .collect();
    assert!(
        all.iter().all(|h| h["id"] != "cases/rupture-de-parcours"),
        "never itself"
    );
    assert!(
        all.iter()
            .all(|h| !h["reasons"].as_array().unwrap().is_empty()),
        "reasons"
    );
    let tool = &v["tools"][0];
    assert_eq!(tool["id"], "tools/grille-entretien");
    let codes = tool["reason_codes"].as_array().unwrap();
    assert!(
        codes.contains(&"link".into()) && codes.contains(&"recommendation:R1.1".into()),
        "{tool}"
    );
    assert!(tool["reasons"]
        .as_array()
        .unwrap()
        .contains(&"applique aussi la recommandation R1.1".into()));
    assert_eq!(v["recommendations"][0]["id"], "R1.1");
    // Reverse link: the module links to the case, so the case relates to the module.
    assert_eq!(v["modules"][0]["id"], "modules/m1");
    let limited = s.get("/api/resources/R1.1/related?limit=1").json();
    for key in ["cases", "tools", "practices", "recommendations"] {
        assert!(limited[key].as_array().unwrap().len() <= 1);
    }
}

#[test]
fn suggest_completes_words_and_titles() {
    let s = server();
    let v = s.get("/api/suggest?q=interpr&lang=fr").json();
    let texts: Vec<&str> = v["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["text"].as_str().unwrap())
        .collect();
    assert!(texts.contains(&"interprète"), "{texts:?}");
    assert!(
        v["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == "R2.1"),
        "{v}"
    );
}

#[test]
fn domains_and_status() {
    let s = server();
    let v = s.get("/api/domains?lang=it").json();
    let first = &v["domains"][0];
    assert_eq!(first["id"], "accueil");
    assert_eq!(first["label"], "Accoglienza e diagnosi");
    assert_eq!(first["count"], 4);
    let status = s.get("/api/status").json();
    assert_eq!(status["resources"], 10);
    assert_eq!(s.service.index().num_resources(), 10);
    assert_eq!(status["files"], 16);
    assert!(
        status["problems"].as_array().unwrap().is_empty(),
        "{status}"
    );
}

#[test]
fn unknown_api_paths_are_404_in_the_error_shape() {
    let r = server().get("/api/nothing");
    assert_eq!(r.status, 404);
    assert!(is_error_shape(&r.json()));
}

#[test]
fn the_vocabulary_expands_queries_across_languages() {
    let s = server();
    let answer = s.search(&[("q", "arbetsförmedlingen"), ("lang", "sv")]);
    assert_eq!(
        answer["expanded"],
        serde_json::json!(["employment-service"])
    );
    let hit = &answer["hits"][0];
    assert_eq!(hit["id"], "practices/mentorat", "{answer}");
    assert_eq!(hit["fallback"], true);
    // Without the concept, the Swedish word matches nothing.
    assert_eq!(
        s.search(&[("q", "försäkringskassan"), ("lang", "sv")])["total"],
        0
    );
}

#[test]
fn few_matches_in_the_language_widen_to_the_other_languages() {
    let s = server();
    // Swedish words typed on the French site: R2.1 has a French version, which does not
    // contain them, and a Swedish one, which does.
    let answer = s.search(&[("q", "auktoriserad tolk"), ("lang", "fr")]);
    assert_eq!(answer["cross_language"], true, "{answer}");
    let hit = &answer["hits"][0];
    assert_eq!(
        (
            hit["id"].as_str(),
            hit["lang"].as_str(),
            hit["fallback"].as_bool()
        ),
        (Some("R2.1"), Some("fr"), Some(false))
    );
    // A query with enough matches in its language does not widen.
    assert_eq!(
        s.search(&[("q", "entretien"), ("lang", "fr")])["cross_language"],
        false
    );
}

#[test]
fn weak_results_come_with_a_did_you_mean_from_the_index() {
    let s = server();
    let answer = s.search(&[("q", "interprèten"), ("lang", "fr")]);
    assert_eq!(answer["did_you_mean"], "interprète", "{answer}");
    let fine = s.search(&[("q", "interprète"), ("lang", "fr")]);
    assert!(fine.get("did_you_mean").is_none());
}

#[test]
fn suggestions_in_the_opensearch_format_that_opensearch_xml_advertises() {
    let s = super::support::TestServer::start(&super::support::fixture("basic/corpus"));
    let xml = s.get("/opensearch.xml?lang=fr").text;
    let template = xml
        .split("type=\"application/x-suggestions+json\" template=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .expect("a suggestions URL")
        .replace("&amp;", "&");
    let path = template[template.find("/api/").expect("an API path")..]
        .replace("{searchTerms}", "interpr");
    let r = s.get(&path);
    assert_eq!(r.status, 200, "{path}");
    assert!(
        r.content_type.starts_with("application/x-suggestions+json"),
        "{}",
        r.content_type
    );
    let v = r.json();
    assert_eq!(v[0], "interpr");
    let completions = v[1].as_array().expect("an array of completions");
    assert!(!completions.is_empty());
    assert!(completions.iter().all(|c| c.is_string()));
    assert!(
        completions
            .iter()
            .any(|c| c.as_str().unwrap().starts_with("interpr")),
        "{v}"
    );
    assert_eq!(s.get("/api/suggest?q=x&format=xml").status, 400);
    // The default stays the object form.
    assert!(s.get("/api/suggest?q=interpr").json()["suggestions"].is_array());
}
