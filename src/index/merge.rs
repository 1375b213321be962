//! Which segments are merged. Every search pays a fixed cost per segment (a scorer tree, a
//! union buffer and dictionary lookups for each clause), so a small index kept in many small
//! segments answers slower than the same index in one: the bundled corpus came out of its
//! first build in two segments, and every live edit adds one more. Large segments are left
//! to tantivy's default policy, where merging costs seconds.

use tantivy::index::SegmentMeta;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy, NoMergePolicy};
use tantivy::IndexWriter;

/// While the small segments (fewer documents than this each) hold fewer than this many
/// documents together, they are merged into one as soon as there are two: merging them takes
/// milliseconds to a fraction of a second.
const SMALL_SEGMENT_DOCS: u32 = 20_000;

/// Small segments together, whenever there are two or more and merging them is cheap; the
/// rest as tantivy would.
#[derive(Debug, Default)]
pub struct SmallSegmentsTogether {
    larger: LogMergePolicy,
}

impl MergePolicy for SmallSegmentsTogether {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        if let Some(small) = small_together(segments) {
            let large: Vec<SegmentMeta> = segments
                .iter()
                .filter(|s| !small.0.contains(&s.id()))
                .cloned()
                .collect();
            let mut candidates = self.larger.compute_merge_candidates(&large);
            candidates.push(small);
            return candidates;
        }
        self.larger.compute_merge_candidates(segments)
    }
}

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

/// For the start-up's commits: no merge starts behind them (racing [`settle`], and taking
/// a core from the build), and none is left running when the first search comes.
pub fn hold(writer: &IndexWriter) {
    writer.set_merge_policy(Box::new(NoMergePolicy));
}

/// At the end of start-up: makes the merges the policy asks for now, and waits for them, so
/// that the first search sees the index as it will stay (a merge made in the background is
/// seen only at the next commit's reload); then lets the policy run.
pub fn settle(index: &tantivy::Index, writer: &mut IndexWriter) -> anyhow::Result<()> {
    let policy = SmallSegmentsTogether::default();
    let merges: Vec<_> = policy
        .compute_merge_candidates(&index.searchable_segment_metas()?)
        .iter()
        .map(|candidate| writer.merge(&candidate.0))
        .collect();
    for merge in merges {
        merge.wait()?;
    }
    writer.set_merge_policy(Box::new(policy));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::index::SegmentId;
    use tantivy::schema::{Schema, STRING};
    use tantivy::{doc, Index};

    #[test]
    fn small_segments_become_one_and_large_ones_wait_for_tantivy() {
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
        let policy = SmallSegmentsTogether::default();
        let candidates = policy.compute_merge_candidates(&metas);
        assert_eq!(candidates.len(), 1);
        assert_eq!(candidates[0].0.len(), 3);
        let sized = |docs| index.new_segment_meta(SegmentId::generate_random(), docs);
        // Large segments: tantivy's policy wants eight of a size before merging; small ones
        // that would make a large one together are left to it too.
        let large = [sized(SMALL_SEGMENT_DOCS), sized(SMALL_SEGMENT_DOCS)];
        assert!(policy.compute_merge_candidates(&large).is_empty());
        let many = [sized(SMALL_SEGMENT_DOCS - 1), sized(SMALL_SEGMENT_DOCS - 1)];
        assert!(policy.compute_merge_candidates(&many).is_empty());
        let mixed = [&large[..], &metas[..]].concat();
        let candidates = policy.compute_merge_candidates(&mixed);
        assert_eq!(candidates.len(), 1);
        assert_eq!(candidates[0].0.len(), 3, "only the small ones");

        settle(&index, &mut writer).unwrap();
        let merged = index.searchable_segment_metas().unwrap();
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].num_docs(), 3);
    }
}
