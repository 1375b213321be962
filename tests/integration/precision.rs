//! Precise result lists on the bundled corpus: function words never make a match or a
//! highlight on their own, misspelt words are ranked and highlighted by their correction, a
//! long situation's weak tail is set apart, and only a short query's last word is completed.

use super::support::{bundled, case_file, copy_fixture, TestServer};

fn marks(snippet: &str) -> Vec<String> {
    snippet
        .split("<mark>")
        .skip(1)
        .filter_map(|s| s.split("</mark>").next())
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn a_function_word_alone_never_makes_a_match_or_a_highlight() {
    let s = bundled();
    let answer = s.search(&[
        ("q", "kvinna utan förskoleplats"),
        ("lang", "sv"),
        ("per_page", "100"),
    ]);
    let hits = answer["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    for h in hits {
        let snippet = h["snippet"].as_str().unwrap();
        let marked = marks(snippet);
        // (A hit matched through the vocabulary or another language may have no mark at all.)
        assert!(
            marked.iter().all(|m| m != "utan"),
            "`utan` highlighted in {}: {snippet}",
            h["id"]
        );
    }
    assert!(
        answer["total"].as_u64().unwrap() < 30,
        "resources sharing only `utan` still match: {}",
        answer["total"]
    );
    // Alone, the word still finds what says it.
    assert!(
        s.search(&[("q", "utan"), ("lang", "sv")])["total"]
            .as_u64()
            .unwrap()
            > 0
    );
    let fr = s.search(&[
        ("q", "femme sans expérience professionnelle"),
        ("per_page", "100"),
    ]);
    for h in fr["hits"].as_array().unwrap() {
        let marked = marks(h["snippet"].as_str().unwrap());
        assert!(
            !marked.iter().any(|m| m == "sans"),
            "`sans` highlighted in {}",
            h["id"]
        );
    }
}

#[test]
fn a_misspelt_word_is_ranked_and_highlighted_as_its_correction() {
    let s = bundled();
    let answer = s.search(&[("q", "interprte"), ("per_page", "10")]);
    assert_eq!(answer["did_you_mean"], "interprète");
    let hits = answer["hits"].as_array().unwrap();
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).any(|w| w[0] > w[1]),
        "every hit has the same score: {scores:?}"
    );
    for h in hits.iter().take(3) {
        let marked = marks(h["snippet"].as_str().unwrap());
        assert!(
            marked.iter().any(|m| m.starts_with("interpr")),
            "{}: {marked:?}",
            h["id"]
        );
    }
    let three = s.search(&[("q", "interprte entretient embauhce"), ("per_page", "3")]);
    assert_eq!(three["did_you_mean"], "interprète entretient embauche");
    let top: Vec<&str> = three["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert!(
        top.iter()
            .any(|id| *id == "cases/entretien-d-embauche-avec-interprete"
                || *id == "tools/preparation-a-l-entretien-d-embauche"),
        "{top:?}"
    );
    assert_ne!(top[0], "R6.2", "the top hit matched only `s'entretient`");
}

#[test]
fn a_long_situations_weaker_matches_are_set_apart() {
    let s = bundled();
    let q = "un jeune réfugié ne vient plus à sa formation depuis deux semaines";
    let answer = s.search(&[("q", q), ("per_page", "20")]);
    let from = answer["weaker_from"].as_u64().expect("a weaker tail") as usize;
    let hits = answer["hits"].as_array().unwrap();
    let best = hits[0]["score"].as_f64().unwrap();
    assert!(from > 0 && from < hits.len());
    assert!(hits[from]["score"].as_f64().unwrap() < best * 0.3);
    let page = s.get_with("/fr/search", &[("q", q)]).text;
    let divider = page
        .find("class=\"weaker\"")
        .expect("the page draws the divider");
    let first = page.find("class=\"hits").unwrap();
    assert!(divider > first);
    // Keyword queries have no such tail.
    assert!(s
        .search(&[("q", "interprète")])
        .get("weaker_from")
        .is_none());
}

/// The last word of a short query may still be being typed, and is completed. The last word
/// of a long sentence is not: it is one word of many, and its completions would add every
/// resource holding a word that starts like it. The long query's other words are found
/// nowhere, so only its last word can match.
#[test]
fn only_a_short_querys_last_word_is_completed() {
    let site = copy_fixture("basic");
    let corpus = site.path().join("corpus");
    std::fs::write(
        corpus.join("cases/musique.fr.md"),
        case_file("Un atelier", "Un harmonium prêté par la médiathèque."),
    )
    .unwrap();
    let s = TestServer::start(&corpus);
    let nowhere = "quokka wombat ornithorynque kangourou dingo koala wallaby opossum";
    assert_eq!(s.find("wombat harmon", "fr"), vec!["cases/musique"]);
    let long_word = format!("{nowhere} harmonium");
    assert_eq!(s.find(&long_word, "fr"), vec!["cases/musique"]);
    let long_prefix = format!("{nowhere} harmon");
    assert_eq!(s.find(&long_prefix, "fr"), Vec::<String>::new());
}
