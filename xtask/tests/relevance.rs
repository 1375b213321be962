//! Ranking quality on the project's own judged queries (eval/judged.yaml) over the bundled
//! corpus. Fails when nDCG@10 drops more than 0.03 below the figures reached when the
//! ranking was last tuned (see RELEVANCE.md).

use profint::service::Service;
use std::path::Path;

/// nDCG@10 reached per language with the default options, 2026-11-28.
const REACHED: [(&str, f64); 5] = [
    ("all", 0.7677),
    ("fr", 0.7930),
    ("en", 0.7920),
    ("it", 0.7622),
    ("sv", 0.7236),
];

#[test]
fn judged_set_ndcg_does_not_regress() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let service = Service::in_memory(&root.join("corpus")).unwrap();
    let meta = service.meta();
    let scores = xtask::eval::judged_scores(
        &service.index(),
        meta.scope(),
        &root.join("eval/judged.yaml"),
        xtask::eval::eval_options(),
    )
    .unwrap();
    let mut report = Vec::new();
    for (lang, reached) in REACHED {
        let got = scores[lang].ndcg10;
        report.push(format!("{lang} {got:.4}"));
        assert!(
            got >= reached - 0.03,
            "{lang}: nDCG@10 {got:.4} is below {reached} - 0.03"
        );
    }
    println!("judged set nDCG@10: {}", report.join(", "));
}
