//! The BERT/XLM-R encoder: embeddings, 12 post-LayerNorm transformer layers, mean pooling.

use crate::format::{Header, ModelFile, BLOCK, Q4_BLOCK_BYTES};
use crate::quant::{dequantize_row, matmul, QActs, QMatrix};
use crate::LoadError;

struct Norm {
    weight: Vec<f32>,
    bias: Vec<f32>,
}

struct Layer {
    query: QMatrix,
    key: QMatrix,
    value: QMatrix,
    attn_out: QMatrix,
    attn_norm: Norm,
    ffn_in: QMatrix,
    ffn_out: QMatrix,
    out_norm: Norm,
}

pub(crate) struct Encoder {
    hidden: usize,
    heads: usize,
    ffn: usize,
    vocab: usize,
    max_positions: usize,
    eps: f32,
    /// Word embeddings stay Q4_0 (54 MB instead of 384 MB in f32); a text needs few rows.
    words: Vec<u8>,
    /// Position table already shifted past XLM-R's padding offset: row p is position p.
    positions: Vec<f32>,
    token_type: Vec<f32>,
    emb_norm: Norm,
    layers: Vec<Layer>,
}

/// Per-call buffers, sized for the text at hand.
struct Work {
    x: Vec<f32>,
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    ctx: Vec<f32>,
    tmp: Vec<f32>,
    mid: Vec<f32>,
    probs: Vec<f32>,
    acts: QActs,
}

fn norm(f: &ModelFile, prefix: &str, n: usize) -> Result<Norm, LoadError> {
    Ok(Norm {
        weight: f.f32s(&format!("{prefix}.w"), n)?,
        bias: f.f32s(&format!("{prefix}.b"), n)?,
    })
}

fn linear(f: &ModelFile, name: &str, rows: usize, cols: usize) -> Result<QMatrix, LoadError> {
    let raw = f.q4(&format!("{name}.w"), rows, cols)?;
    let bias = f.f32s(&format!("{name}.b"), rows)?;
    Ok(QMatrix::from_q4(raw, rows, cols, bias))
}

fn layer(f: &ModelFile, l: usize, h: &Header) -> Result<Layer, LoadError> {
    let (d, ff) = (h.hidden, h.ffn);
    Ok(Layer {
        query: linear(f, &format!("l{l}.q"), d, d)?,
        key: linear(f, &format!("l{l}.k"), d, d)?,
        value: linear(f, &format!("l{l}.v"), d, d)?,
        attn_out: linear(f, &format!("l{l}.ao"), d, d)?,
        attn_norm: norm(f, &format!("l{l}.aln"), d)?,
        ffn_in: linear(f, &format!("l{l}.fi"), ff, d)?,
        ffn_out: linear(f, &format!("l{l}.fo"), d, ff)?,
        out_norm: norm(f, &format!("l{l}.oln"), d)?,
    })
}

impl Encoder {
    pub fn load(f: &ModelFile) -> Result<Encoder, LoadError> {
        let h = f.header;
        let d = h.hidden;
        Ok(Encoder {
            hidden: d,
            heads: h.heads,
            ffn: h.ffn,
            vocab: h.vocab,
            max_positions: h.max_positions,
            eps: h.eps,
            words: f.q4("emb.word", h.vocab, d)?.to_vec(),
            positions: f.f32s("emb.pos", h.max_positions * d)?,
            token_type: f.f32s("emb.type", h.type_vocab * d)?[..d].to_vec(),
            emb_norm: norm(f, "emb.ln", d)?,
            layers: (0..h.layers)
                .map(|l| layer(f, l, &h))
                .collect::<Result<_, _>>()?,
        })
    }

    pub fn dim(&self) -> usize {
        self.hidden
    }

    pub fn vocab(&self) -> usize {
        self.vocab
    }

    pub fn max_positions(&self) -> usize {
        self.max_positions
    }

    pub fn heap_bytes(&self) -> usize {
        let floats = self.positions.len() + self.token_type.len() + 2 * self.hidden;
        let layer_floats = 4 * self.hidden;
        let mats: usize = self
            .layers
            .iter()
            .map(|l| {
                [
                    &l.query,
                    &l.key,
                    &l.value,
                    &l.attn_out,
                    &l.ffn_in,
                    &l.ffn_out,
                ]
                .iter()
                .map(|m| m.heap_bytes())
                .sum::<usize>()
            })
            .sum();
        self.words.len() + 4 * (floats + layer_floats * self.layers.len()) + mats
    }

    /// Mean-pooled, L2-normalised embedding of a token sequence (specials included, as the
    /// model was trained). `ids` must be non-empty, within the vocabulary and the positions.
    pub fn embed(&self, ids: &[u32]) -> Vec<f32> {
        assert!(!ids.is_empty() && ids.len() <= self.max_positions);
        let mut w = self.work(ids.len());
        self.embed_tokens(ids, &mut w.x);
        for layer in &self.layers {
            self.layer(layer, &mut w);
        }
        pool(&w.x, self.hidden)
    }

    fn work(&self, len: usize) -> Work {
        let d = len * self.hidden;
        Work {
            x: vec![0.0; d],
            q: vec![0.0; d],
            k: vec![0.0; d],
            v: vec![0.0; d],
            ctx: vec![0.0; d],
            tmp: vec![0.0; d],
            mid: vec![0.0; len * self.ffn],
            probs: vec![0.0; len],
            acts: QActs::default(),
        }
    }

    fn embed_tokens(&self, ids: &[u32], x: &mut [f32]) {
        let d = self.hidden;
        let row_bytes = d / BLOCK * Q4_BLOCK_BYTES;
        for (p, (&id, row)) in ids.iter().zip(x.chunks_exact_mut(d)).enumerate() {
            let id = id as usize;
            dequantize_row(&self.words[id * row_bytes..(id + 1) * row_bytes], row);
            let pos = &self.positions[p * d..(p + 1) * d];
            for ((v, &pe), &te) in row.iter_mut().zip(pos).zip(&self.token_type) {
                *v += pe + te;
            }
            layer_norm(row, &self.emb_norm, self.eps);
        }
    }

    fn layer(&self, l: &Layer, w: &mut Work) {
        let d = self.hidden;
        w.acts.quantize(&w.x, d);
        matmul(&l.query, &w.acts, &mut w.q);
        matmul(&l.key, &w.acts, &mut w.k);
        matmul(&l.value, &w.acts, &mut w.v);
        self.attention(w);
        w.acts.quantize(&w.ctx, d);
        matmul(&l.attn_out, &w.acts, &mut w.tmp);
        add_norm(&mut w.x, &w.tmp, &l.attn_norm, d, self.eps);
        w.acts.quantize(&w.x, d);
        matmul(&l.ffn_in, &w.acts, &mut w.mid);
        w.mid.iter_mut().for_each(|v| *v = gelu(*v));
        w.acts.quantize(&w.mid, l.ffn_in.rows());
        matmul(&l.ffn_out, &w.acts, &mut w.tmp);
        add_norm(&mut w.x, &w.tmp, &l.out_norm, d, self.eps);
    }

    /// Full (unmasked) softmax attention of every token over the whole sequence.
    fn attention(&self, w: &mut Work) {
        let d = self.hidden;
        let hd = d / self.heads;
        let len = w.x.len() / d;
        let scale = 1.0 / (hd as f32).sqrt();
        let probs = &mut w.probs[..len];
        for t in 0..len {
            for h in 0..self.heads {
                let span = h * hd..(h + 1) * hd;
                let q = &w.q[t * d..][span.clone()];
                for (s, p) in probs.iter_mut().enumerate() {
                    *p = dot(q, &w.k[s * d..][span.clone()]) * scale;
                }
                softmax(probs);
                let out = &mut w.ctx[t * d..][span.clone()];
                out.fill(0.0);
                for (s, &p) in probs.iter().enumerate() {
                    let v = &w.v[s * d..][span.clone()];
                    out.iter_mut().zip(v).for_each(|(o, &v)| *o += p * v);
                }
            }
        }
    }
}

/// Float dot product with eight independent partial sums, so that it vectorises without
/// reassociation licence from the compiler. Lengths are multiples of 8 (checked at load).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        for j in 0..8 {
            acc[j] += x[j] * y[j];
        }
    }
    acc.iter().sum()
}

fn softmax(v: &mut [f32]) {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for p in v.iter_mut() {
        *p = exp(*p - max);
        sum += *p;
    }
    let inv = 1.0 / sum;
    v.iter_mut().for_each(|p| *p *= inv);
}

fn layer_norm(row: &mut [f32], n: &Norm, eps: f32) {
    let len = row.len() as f32;
    let mean = row.iter().sum::<f32>() / len;
    let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / len;
    let inv = 1.0 / (var + eps).sqrt();
    for ((v, &g), &b) in row.iter_mut().zip(&n.weight).zip(&n.bias) {
        *v = (*v - mean) * inv * g + b;
    }
}

/// Post-LN residual: `x = LayerNorm(x + y)`, row by row.
fn add_norm(x: &mut [f32], y: &[f32], n: &Norm, d: usize, eps: f32) {
    for (xr, yr) in x.chunks_exact_mut(d).zip(y.chunks_exact(d)) {
        xr.iter_mut().zip(yr).for_each(|(a, &b)| *a += b);
        layer_norm(xr, n, eps);
    }
}

fn pool(x: &[f32], d: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; d];
    for row in x.chunks_exact(d) {
        out.iter_mut().zip(row).for_each(|(o, &v)| *o += v);
    }
    let n = (x.len() / d) as f32;
    out.iter_mut().for_each(|o| *o /= n);
    let norm = out.iter().map(|v| v * v).sum::<f32>().max(1e-12).sqrt();
    out.iter_mut().for_each(|o| *o /= norm);
    out
}

/// e^x for x ≤ 88, within a few ulp: range reduction by ln 2 and a degree-6 polynomial,
/// branch-free so that softmax and GELU loops vectorise instead of calling libm per element.
pub(crate) fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    const MAGIC: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    let n = (x * LOG2E + MAGIC) - MAGIC;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    let scale = f32::from_bits((((n as i32) + 127) as u32) << 23);
    p * scale
}

/// erf after Abramowitz & Stegun 7.1.26 (absolute error ≤ 1.5e-7), enough for f32 GELU.
pub(crate) fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_8 + t * (-1.453_152 + t * 1.061_405_4))));
    let y = 1.0 - poly * exp(-a * a);
    y.copysign(x)
}

/// The exact (erf) GELU that BERT-family checkpoints were trained with.
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_std() {
        for i in -800..=800 {
            let x = i as f32 * 0.1;
            let rel = (exp(x) - x.exp()).abs() / x.exp();
            assert!(rel < 1e-6, "exp({x}): {} vs {}", exp(x), x.exp());
        }
    }

    #[test]
    fn erf_known_values() {
        let cases = [
            (0.0, 0.0),
            (0.5, 0.520_499_9),
            (1.0, 0.842_700_8),
            (-2.0, -0.995_322_3),
        ];
        for (x, want) in cases {
            assert!((erf(x) - want).abs() < 3e-7, "erf({x}) = {}", erf(x));
        }
    }
}
