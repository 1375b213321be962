//! Merging at start-up. Every search pays a fixed cost per segment (a scorer tree, a union
//! buffer and dictionary lookups for each clause), so a small index kept in several segments
//! answers slower than the same index in one: the bundled corpus came out of its first build
//! in two, one per writer thread. After start-up, live edits are merged by tantivy's default
//! policy, as before: a policy merging small segments on every commit would keep an edited
//! small index in one or two segments, but has not been run under load here (a failed commit
//! in the freshness bench first blamed on it was the bench removing its folder at the end).

use tantivy::index::SegmentMeta;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy, NoMergePolicy};
use tantivy::IndexWriter;

/// While the small segments (fewer documents than this each) hold fewer than this many
/// documents together, start-up merges them into one: it takes milliseconds to a fraction
/// of a second.
const SMALL_SEGMENT_DOCS: u32 = 20_000;

/// The small segments, when there are two or more and they are small together.
fn small_together(segments: &[SegmentMeta]) -> Option<MergeCandidate> {
    let small: Vec<&SegmentMeta> = segments
        .iter()
        .filter(|s| s.num_docs() < SMALL_SEGMENT_DOCS)
        .collect();
    let docs: u32 = small.iter().map(|s| s.num_docs()).sum();
    (small.len() >= 2 && docs < SMALL_SEGMENT_DOCS)
        .then(|| MergeCandidate(small.iter().map(|s| s.id()).collect()))
}

/// What start-up merges: the small segments together, or what tantivy's policy asks for.
fn start_up_merges(segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
    match small_together(segments) {
        Some(small) => vec![small],
        None => LogMergePolicy::default().compute_merge_candidates(segments),
    }
}

/// For the start-up's commits: no merge starts behind them (racing [`settle`], and taking
/// a core from the build), and none is left running when the first search comes.
pub fn hold(writer: &IndexWriter) {
    writer.set_merge_policy(Box::new(NoMergePolicy));
}

/// At the end of start-up: makes the merges now, and waits for them, so that the first
/// search sees the index as it will stay (a merge made in the background is seen only at
/// the next commit's reload); then gives merging back to tantivy's policy.
pub fn settle(index: &tantivy::Index, writer: &mut IndexWriter) -> anyhow::Result<()> {
    let merges: Vec<_> = start_up_merges(&index.searchable_segment_metas()?)
        .iter()
        .map(|candidate| writer.merge(&candidate.0))
        .collect();
    for merge in merges {
        merge.wait()?;
    }
    writer.set_merge_policy(Box::<LogMergePolicy>::default());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::index::SegmentId;
    use tantivy::schema::{Schema, STRING};
    use tantivy::{doc, Index};

    #[test]
    fn start_up_makes_small_segments_one_and_leaves_large_ones_to_tantivy() {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        hold(&writer);
        for batch in 0..3 {
            writer
                .add_document(doc!(id => format!("r{batch}")))
                .unwrap();
            writer.commit().unwrap();
        }
        let metas = index.searchable_segment_metas().unwrap();
        assert_eq!(metas.len(), 3, "nothing merged while held");
        let merges = start_up_merges(&metas);
        assert_eq!(merges.len(), 1);
        assert_eq!(merges[0].0.len(), 3);
        let sized = |docs| index.new_segment_meta(SegmentId::generate_random(), docs);
        // Large segments: tantivy's policy wants eight of a size before merging; small ones
        // that would make a large one together are left to it too.
        let large = [sized(SMALL_SEGMENT_DOCS), sized(SMALL_SEGMENT_DOCS)];
        assert!(start_up_merges(&large).is_empty());
        let many = [sized(SMALL_SEGMENT_DOCS - 1), sized(SMALL_SEGMENT_DOCS - 1)];
        assert!(start_up_merges(&many).is_empty());
        let eight: Vec<SegmentMeta> = (0..8).map(|_| sized(SMALL_SEGMENT_DOCS / 2)).collect();
        assert_eq!(start_up_merges(&eight).len(), 1, "as tantivy would");
        let mixed = [&large[..], &metas[..]].concat();
        let merges = start_up_merges(&mixed);
        assert_eq!(merges.len(), 1);
        assert_eq!(merges[0].0.len(), 3, "only the small ones");

        settle(&index, &mut writer).unwrap();
        let merged = index.searchable_segment_metas().unwrap();
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].num_docs(), 3);
    }
}
