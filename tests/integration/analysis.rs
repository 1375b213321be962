//! The analyzers against the Snowball references, and the behaviours users rely on.

use super::support::fixture;
use profint::analysis::{analyze_with, stemmer_only, terms};
use profint::lang::Lang;

/// French words where rust-stemmers (before Snowball's 2018 diaeresis fix) differs from
/// Snowball 2.2; see tests/fixtures/snowball/README.md.
const FRENCH_DIAERESIS: usize = 8;

#[test]
fn snowball_agreement() {
    let mut report = Vec::new();
    for (lang, file) in [
        (Lang::Fr, "french"),
        (Lang::En, "english"),
        (Lang::It, "italian"),
        (Lang::Sv, "swedish"),
    ] {
        let path = fixture("snowball").join(format!("{file}.snowball-2.2.tsv"));
        let text = std::fs::read_to_string(&path).unwrap();
        let mut analyzer = stemmer_only(lang);
        let (mut agree, mut total) = (0, 0);
        let mut misses = Vec::new();
        for line in text.lines() {
            let (word, stem) = line.split_once('\t').unwrap();
            total += 1;
            let got: Vec<String> = analyze_with(&mut analyzer, word)
                .into_iter()
                .map(|t| t.term)
                .collect();
            let want: Vec<String> = analyze_with(&mut profint::analysis::words_analyzer(), stem)
                .into_iter()
                .map(|t| t.term)
                .collect();
            if got == want {
                agree += 1;
            } else {
                misses.push(format!("{word} → {got:?}, Snowball {stem}"));
            }
        }
        let allowed = if lang == Lang::Fr {
            FRENCH_DIAERESIS
        } else {
            0
        };
        report.push(format!(
            "{lang}: {agree}/{total} ({:.2}%)",
            100.0 * agree as f64 / total as f64
        ));
        assert!(
            misses.len() <= allowed,
            "{lang}: {} misses, allowed {allowed}: {:?}",
            misses.len(),
            &misses[..misses.len().min(20)]
        );
        if lang == Lang::Fr {
            assert!(
                misses.iter().all(|m| m.contains(['ë', 'ï', 'ü'])),
                "French misses that are not diaeresis words: {misses:?}"
            );
        }
    }
    println!("Snowball 2.2 agreement: {}", report.join("; "));
}

#[test]
fn french_elision_then_stemming() {
    assert_eq!(terms(Lang::Fr, "l'accompagnement"), vec!["accompagn"]);
    assert_eq!(terms(Lang::Fr, "d'accueil"), vec!["accueil"]);
    assert_eq!(
        terms(Lang::Fr, "l’accueil"),
        vec!["accueil"],
        "typographic apostrophe"
    );
    assert_eq!(
        terms(Lang::Fr, "accompagner"),
        terms(Lang::Fr, "accompagnement")
    );
}

#[test]
fn italian_elision_then_stemming() {
    assert_eq!(terms(Lang::It, "dell'integrazione"), vec!["integr"]);
    assert_eq!(
        terms(Lang::It, "l'accoglienza"),
        terms(Lang::It, "accoglienza")
    );
}

#[test]
fn stop_words_are_dropped() {
    assert_eq!(terms(Lang::Fr, "le la les de du"), Vec::<String>::new());
    assert_eq!(terms(Lang::Sv, "och att det"), Vec::<String>::new());
    assert_eq!(terms(Lang::En, "the of and"), Vec::<String>::new());
    assert_eq!(terms(Lang::It, "il della con"), Vec::<String>::new());
}

#[test]
fn accents_are_folded() {
    assert_eq!(terms(Lang::Fr, "evenement"), terms(Lang::Fr, "événement"));
    assert_eq!(terms(Lang::Fr, "interprete"), terms(Lang::Fr, "interprète"));
    assert_eq!(terms(Lang::Sv, "kallelse"), terms(Lang::Sv, "kallelse"));
    assert_eq!(
        terms(Lang::Sv, "arbetsformedlingen"),
        terms(Lang::Sv, "Arbetsförmedlingen")
    );
    assert_eq!(terms(Lang::It, "citta"), terms(Lang::It, "città"));
}
