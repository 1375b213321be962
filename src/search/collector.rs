//! One pass over the matching documents that yields the top hits and the disjunctive facet
//! counts together: each document's domains, type and languages are read from fast fields,
//! and a facet's counts ignore that facet's own selection, as the README's
//! "HTTP API" section says (so a user can widen a multi-select).

use crate::content::ResourceType;
use crate::index::schema::names;
use crate::lang::Lang;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Selections, as bit masks over the domain list / type list (0 = no selection).
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection {
    pub domains: u64,
    pub types: u64,
}

impl Selection {
    /// Whether a resource with these domain and type bits passes the domain filter and the
    /// type filter (an empty selection passes everything).
    fn passes(&self, domain_mask: u64, type_mask: u64) -> (bool, bool) {
        (
            self.domains == 0 || domain_mask & self.domains != 0,
            self.types == 0 || type_mask & self.types != 0,
        )
    }

    /// Whether a resource passes both filters, as the collector decides it; `domains` is the
    /// domain list the mask's bits index.
    pub fn admits(&self, card: &crate::index::Card, domains: &[crate::content::Domain]) -> bool {
        let domain_mask = card
            .all_domains()
            .filter_map(|d| domains.iter().position(|x| x.id == d))
            .fold(0u64, |m, i| m | 1 << i);
        let (domain, kind) = self.passes(domain_mask, 1 << (card.kind as u32));
        domain && kind
    }
}

/// What the pass produces.
#[derive(Debug, Default, Clone)]
pub struct Faceted {
    pub total: usize,
    /// Best first, at most `limit` of them.
    pub top: Vec<(Score, DocAddress)>,
    /// In browse mode: (type order, id, address), to be merged across segments in that order.
    pub(super) browse_top: Vec<(u32, String, DocAddress)>,
    pub domain_counts: Vec<usize>,
    pub type_counts: [usize; ResourceType::COUNT],
    pub lang_counts: [usize; Lang::COUNT],
}

#[derive(Clone)]
pub struct FacetedTop<'a> {
    /// Domain ids in the order of the domain list (bit `i` of the mask is `domain_ids[i]`).
    pub domain_ids: Vec<String>,
    pub selection: Selection,
    pub limit: usize,
    /// Score each match by its type (browse order) instead of relevance.
    pub browse: bool,
    pub facets: &'a FacetCache,
}

/// What the collector reads of one document: its domains as bits over the domain list, its
/// type and its languages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct DocFacets {
    domains: u64,
    /// [`NO_TYPE`] when the document has none the collector knows.
    kind: u8,
    /// Bit `l.index()` for each language `l`.
    langs: u8,
}

const NO_TYPE: u8 = u8::MAX;

/// The facets of every document of a segment, and the domain list their bits refer to.
struct SegmentFacets {
    domain_ids: Vec<String>,
    docs: Vec<DocFacets>,
}

/// The facets of each segment, read from its fast fields once and kept while it is searched
/// (a segment never changes; deletes do not touch its columns). Reading three multi-valued
/// columns for every matching document was half of the collection of a 12-word search over
/// 100 000 resources.
#[derive(Default)]
pub struct FacetCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentFacets>>>,
}

impl FacetCache {
    /// Keeps the facets of the segments `searcher` searches, over `domain_ids`, reading those
    /// of new segments now, and forgets the others (merged away, or all deleted).
    pub fn keep_only(
        &self,
        searcher: &tantivy::Searcher,
        domain_ids: &[String],
    ) -> tantivy::Result<()> {
        let readers = searcher.segment_readers();
        let live: HashSet<SegmentId> = readers.iter().map(|r| r.segment_id()).collect();
        self.segments
            .lock()
            .expect("facet cache lock")
            .retain(|id, _| live.contains(id));
        for reader in readers {
            self.of(reader, domain_ids)?;
        }
        Ok(())
    }

    /// The facets of `reader`'s segment over `domain_ids`, read now unless kept.
    fn of(
        &self,
        reader: &SegmentReader,
        domain_ids: &[String],
    ) -> tantivy::Result<Arc<SegmentFacets>> {
        let id = reader.segment_id();
        let kept = self
            .segments
            .lock()
            .expect("facet cache lock")
            .get(&id)
            .cloned();
        if let Some(kept) = kept.filter(|k| k.domain_ids == domain_ids) {
            return Ok(kept);
        }
        let read = Arc::new(SegmentFacets::read(reader, domain_ids)?);
        let mut segments = self.segments.lock().expect("facet cache lock");
        segments.insert(id, read.clone());
        Ok(read)
    }
}

impl SegmentFacets {
    fn read(reader: &SegmentReader, domain_ids: &[String]) -> tantivy::Result<SegmentFacets> {
        let fast = reader.fast_fields();
        let domains = fast.str(names::DOMAIN)?;
        let types = fast.str(names::TYPE)?;
        let langs = fast.str(names::LANGS)?;
        let domain_map = ordinal_map(&domains, |d| {
            domain_ids.iter().position(|x| x == d).map(|i| i as u32)
        })?;
        let type_map = ordinal_map(&types, |t| ResourceType::parse(t).map(|t| t as u32))?;
        let lang_map = ordinal_map(&langs, |l| Lang::parse(l).map(|l| l.index() as u32))?;
        let bits = |column: &Option<StrColumn>, map: &[Option<u32>], doc: DocId| {
            let ords = column.iter().flat_map(|c| c.term_ords(doc));
            ords.filter_map(|ord| map.get(ord as usize).copied().flatten())
                .fold(0u64, |mask, bit| mask | 1 << bit)
        };
        let docs = (0..reader.max_doc())
            .map(|doc| {
                let kind = bits(&types, &type_map, doc);
                DocFacets {
                    domains: bits(&domains, &domain_map, doc),
                    kind: if kind == 0 {
                        NO_TYPE
                    } else {
                        kind.trailing_zeros() as u8
                    },
                    langs: bits(&langs, &lang_map, doc) as u8,
                }
            })
            .collect();
        Ok(SegmentFacets {
            domain_ids: domain_ids.to_vec(),
            docs,
        })
    }
}

#[derive(Clone, Copy)]
struct Ranked {
    score: Score,
    doc: DocAddress,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    /// "Greater" means worse, so the max-heap keeps the worst kept hit on top for eviction.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.doc.cmp(&other.doc))
    }
}

pub struct FacetedSegment {
    segment: SegmentOrdinal,
    ids: Option<StrColumn>,
    /// Browse mode: the first (type, id ordinal) pairs. Term ordinals follow the ids' sort
    /// order within a segment, so the best of each segment are found without reading text.
    browse_heap: BinaryHeap<(u32, u64, DocId)>,
    facets: Arc<SegmentFacets>,
    selection: Selection,
    limit: usize,
    browse: bool,
    heap: BinaryHeap<Ranked>,
    out: Faceted,
}

fn ordinal_map(
    column: &Option<StrColumn>,
    index_of: impl Fn(&str) -> Option<u32>,
) -> tantivy::Result<Vec<Option<u32>>> {
    let Some(column) = column else {
        return Ok(Vec::new());
    };
    let mut map = Vec::with_capacity(column.num_terms());
    let mut text = String::new();
    for ord in 0..column.num_terms() as u64 {
        column.ord_to_str(ord, &mut text)?;
        map.push(index_of(&text));
    }
    Ok(map)
}

impl Collector for FacetedTop<'_> {
    type Fruit = Faceted;
    type Child = FacetedSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetedSegment> {
        let ids = if self.browse {
            reader.fast_fields().str(names::ID)?
        } else {
            None
        };
        Ok(FacetedSegment {
            segment,
            ids,
            browse_heap: BinaryHeap::new(),
            facets: self.facets.of(reader, &self.domain_ids)?,
            selection: self.selection,
            limit: self.limit,
            browse: self.browse,
            heap: BinaryHeap::new(),
            out: Faceted {
                domain_counts: vec![0; self.domain_ids.len()],
                ..Faceted::default()
            },
        })
    }

    fn requires_scoring(&self) -> bool {
        !self.browse
    }

    fn merge_fruits(&self, fruits: Vec<Faceted>) -> tantivy::Result<Faceted> {
        let mut out = Faceted {
            domain_counts: vec![0; self.domain_ids.len()],
            ..Faceted::default()
        };
        let mut browsed: Vec<(u32, String, DocAddress)> = Vec::new();
        for fruit in fruits {
            out.total += fruit.total;
            out.top.extend(fruit.top);
            browsed.extend(fruit.browse_top);
            for (a, b) in out.domain_counts.iter_mut().zip(&fruit.domain_counts) {
                *a += b;
            }
            for (a, b) in out.type_counts.iter_mut().zip(&fruit.type_counts) {
                *a += b;
            }
            for (a, b) in out.lang_counts.iter_mut().zip(&fruit.lang_counts) {
                *a += b;
            }
        }
        if self.browse {
            browsed.sort();
            browsed.truncate(self.limit);
            out.top = browsed
                .into_iter()
                .map(|(kind, _, doc)| (5.0 - kind as f32, doc))
                .collect();
            return Ok(out);
        }
        out.top.sort_by(|a, b| {
            Ranked {
                score: a.0,
                doc: a.1,
            }
            .cmp(&Ranked {
                score: b.0,
                doc: b.1,
            })
        });
        out.top.truncate(self.limit);
        Ok(out)
    }
}

impl SegmentCollector for FacetedSegment {
    type Fruit = Faceted;

    fn collect(&mut self, doc: DocId, score: Score) {
        let facets = self.facets.docs[doc as usize];
        let domain_mask = facets.domains;
        let kind = (facets.kind != NO_TYPE).then_some(facets.kind as u32);
        let type_mask = kind.map_or(0, |k| 1u64 << k);
        let (pass_domain, pass_type) = self.selection.passes(domain_mask, type_mask);
        if pass_type {
            let mut m = domain_mask;
            while m != 0 {
                let bit = m.trailing_zeros() as usize;
                self.out.domain_counts[bit] += 1;
                m &= m - 1;
            }
        }
        if pass_domain {
            if let Some(k) = kind {
                self.out.type_counts[k as usize] += 1;
            }
        }
        if !(pass_domain && pass_type) {
            return;
        }
        self.out.total += 1;
        for (l, count) in self.out.lang_counts.iter_mut().enumerate() {
            *count += usize::from(facets.langs & (1 << l) != 0);
        }
        if self.browse {
            // Recommendations first, then modules, cases, tools, practices; by id within a type.
            let ord = self
                .ids
                .as_ref()
                .and_then(|c| c.term_ords(doc).next())
                .unwrap_or(u64::MAX);
            let key = (kind.unwrap_or(4), ord, doc);
            if self.browse_heap.len() < self.limit {
                self.browse_heap.push(key);
            } else if self.browse_heap.peek().is_some_and(|worst| key < *worst) {
                self.browse_heap.pop();
                self.browse_heap.push(key);
            }
            return;
        }
        let ranked = Ranked {
            score,
            doc: DocAddress::new(self.segment, doc),
        };
        if self.heap.len() < self.limit {
            self.heap.push(ranked);
        } else if let Some(worst) = self.heap.peek() {
            if ranked < *worst {
                self.heap.pop();
                self.heap.push(ranked);
            }
        }
    }

    fn harvest(self) -> Faceted {
        let mut out = self.out;
        out.top = self.heap.into_iter().map(|r| (r.score, r.doc)).collect();
        let mut id = String::new();
        for (kind, ord, doc) in self.browse_heap {
            if let Some(col) = &self.ids {
                if col.ord_to_str(ord, &mut id).unwrap_or(false) {
                    out.browse_top
                        .push((kind, id.clone(), DocAddress::new(self.segment, doc)));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::lang::Lang;
    use crate::search::{search_with, Scope, SearchRequest};
    use crate::service::Service;
    use std::collections::HashMap;
    use std::path::Path;

    /// The facet counts read through the kept per-segment tables are those of the resources
    /// themselves, and follow the domain list when it changes order (the tables are read
    /// again for it).
    #[test]
    fn facet_counts_are_the_resources_and_follow_the_domain_list() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let service = Service::in_memory(&dir).unwrap();
        let meta = service.meta();
        let corpus = crate::content::load(&dir, &Default::default());
        let mut expected: HashMap<String, usize> = HashMap::new();
        for r in &corpus.resources {
            for d in std::iter::once(&r.domain).chain(&r.domains) {
                *expected.entry(d.clone()).or_default() += 1;
            }
        }
        let mut reversed = meta.domains.clone();
        reversed.reverse();
        for domains in [meta.domains.clone(), reversed] {
            let scope = Scope {
                domains: &domains,
                ..meta.scope()
            };
            let req = SearchRequest::new("", Lang::Fr);
            let found = search_with(&service.index(), scope, &req, Default::default()).unwrap();
            assert_eq!(found.total, corpus.resources.len());
            let order: Vec<&str> = found
                .facets
                .domain
                .iter()
                .map(|f| f.value.as_str())
                .collect();
            let listed: Vec<&str> = domains.iter().map(|d| d.id.as_str()).collect();
            assert_eq!(order, listed);
            for facet in &found.facets.domain {
                let want = expected.get(&facet.value).copied().unwrap_or(0);
                assert_eq!(facet.count, want, "domain {}", facet.value);
            }
        }
    }
}
