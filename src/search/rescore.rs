//! Phrase bonuses scored on the best candidates only. A bonus for two query words side by
//! side checks positions in every resource that holds both words: over 100 000 generated
//! resources that was three fifths of a 12-word situation's search (p50 37 ms, 12 ms without
//! the bonuses). A bonus never decides what matches (it only adds to a resource that matches
//! a word of the query), so the total and the facet counts come from the query without them;
//! the resources it ranks best then get their bonuses, each phrase checked at those resources
//! only. Within the window the scores are the one-pass search's (summed in another order); a
//! resource below the window stays there even if a bonus would have lifted it.

use super::query::Bonus;
use tantivy::postings::SegmentPostings;
use tantivy::query::{EnableScoring, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SeekDangerResult, SegmentOrdinal, SegmentReader,
};

/// How many of the best candidates get their phrase bonuses. An index with no more resources
/// than this is searched in one pass, bonuses included.
pub const WINDOW: usize = 100;

/// Adds the `bonuses` that apply to each of `top` to its score, and sorts them again, best
/// first (ties in index order, as the collector orders them).
pub fn add_bonuses(
    searcher: &Searcher,
    bonuses: &[Bonus],
    top: &mut [(Score, DocAddress)],
) -> tantivy::Result<()> {
    let mut by_address: Vec<usize> = (0..top.len()).collect();
    by_address.sort_by_key(|&i| top[i].1);
    // Per segment, the candidates' places in `top` and their documents, ascending.
    let segments: Vec<(SegmentOrdinal, &[usize], Vec<DocId>)> = by_address
        .chunk_by(|&a, &b| top[a].1.segment_ord == top[b].1.segment_ord)
        .map(|places| {
            let docs = places.iter().map(|&i| top[i].1.doc_id).collect();
            (top[places[0]].1.segment_ord, places, docs)
        })
        .collect();
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    for bonus in bonuses {
        let weights = bonus
            .phrases
            .iter()
            .map(|phrase| phrase.weight(scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        for (segment, places, docs) in &segments {
            let reader = searcher.segment_reader(*segment);
            let (places, docs) = applying(reader, bonus, places, docs)?;
            for weight in &weights {
                let scores = phrase_scores(reader, weight.as_ref(), bonus.weight, &docs)?;
                for (&i, score) in places.iter().zip(scores) {
                    top[i].0 += score;
                }
            }
        }
    }
    top.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(())
}

/// The candidates (places in `top`, documents) of one segment that `bonus` applies to: all
/// of them, or those its `only` terms name.
fn applying(
    reader: &SegmentReader,
    bonus: &Bonus,
    places: &[usize],
    docs: &[DocId],
) -> tantivy::Result<(Vec<usize>, Vec<DocId>)> {
    let Some(terms) = &bonus.only else {
        return Ok((places.to_vec(), docs.to_vec()));
    };
    let mut gate = Gate::open(reader, terms)?;
    Ok(places
        .iter()
        .zip(docs)
        .filter(|(_, &doc)| gate.holds(doc))
        .map(|(&i, &doc)| (i, doc))
        .unzip())
}

/// The bonus each of `docs` (ascending, in one segment) earns: 0 where the phrase is not
/// found. The scorer is only ever asked whether a given resource matches (`seek_danger`),
/// never to look for the next match, which could walk far through postings of common words.
fn phrase_scores(
    reader: &SegmentReader,
    weight: &dyn Weight,
    boost: Score,
    docs: &[DocId],
) -> tantivy::Result<Vec<Score>> {
    let mut scorer: Option<Box<dyn Scorer>> = None;
    let mut not_before: DocId = 0;
    let mut scores = Vec::with_capacity(docs.len());
    for &doc in docs {
        if doc < not_before {
            scores.push(0.0);
            continue;
        }
        let found = match &mut scorer {
            None => {
                let (found, opened) = weight.scorer_danger(reader, doc, boost)?;
                scorer = Some(opened);
                found
            }
            // Past `doc` already: the scorer's postings hold nothing between.
            Some(s) if s.doc() > doc => SeekDangerResult::SeekLowerBound(s.doc()),
            Some(s) => s.seek_danger(doc),
        };
        match found {
            SeekDangerResult::Found => scores.push(scorer.as_mut().map_or(0.0, |s| s.score())),
            SeekDangerResult::SeekLowerBound(next) => {
                not_before = next;
                scores.push(0.0);
            }
        }
    }
    Ok(scores)
}

/// Whether a resource holds every one of some terms (a fallback bonus's `missing` and
/// `original`), read from their postings in document order.
struct Gate {
    postings: Vec<Option<SegmentPostings>>,
}

impl Gate {
    fn open(reader: &SegmentReader, terms: &[tantivy::Term]) -> tantivy::Result<Gate> {
        let postings = terms
            .iter()
            .map(|term| {
                let postings = reader.inverted_index(term.field())?;
                Ok(postings.read_postings(term, IndexRecordOption::Basic)?)
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(Gate { postings })
    }

    /// `doc` must not be below the last one asked.
    fn holds(&mut self, doc: DocId) -> bool {
        self.postings.iter_mut().all(|p| match p {
            Some(p) => p.doc() <= doc && p.seek(doc) == doc,
            None => false,
        })
    }
}
