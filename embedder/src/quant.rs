//! 4-bit weights times 8-bit activations.
//!
//! Weights arrive as Q4_0 blocks (32 weights sharing one f16 scale, value = (nibble - 8) *
//! scale). At load they are widened once to one signed byte per weight (-8..=7) with an f32
//! scale per block: twice the size of the nibbles, but the hot loop then has no unpacking and
//! the encoder layers still take only ~21 MB. Activations are quantised per 32-block to i8
//! with their own scale, so each output is a sum over blocks of
//! `w_scale * a_scale * dot_i8(w, a)`, computed with AVX2 where the CPU has it and with
//! plain loops the compiler vectorises elsewhere (see `matmul`).

use crate::format::{BLOCK, Q4_BLOCK_BYTES};

/// IEEE half to single precision. Only used at load and for embedding rows, so clarity wins.
pub(crate) fn f16_to_f32(bits: u16) -> f32 {
    let sign = if bits & 0x8000 != 0 { -1.0f32 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let man = f32::from(bits & 0x3ff);
    match exp {
        0 => sign * man * (2.0f32).powi(-24),
        31 if man == 0.0 => sign * f32::INFINITY,
        31 => f32::NAN,
        _ => sign * (1.0 + man / 1024.0) * (2.0f32).powi(exp - 15),
    }
}

/// Splits one Q4_0 block into its scale and the 32 nibbles in weight order (byte j holds
/// weight j in its low nibble and weight j + 16 in its high nibble).
fn unpack_block(block: &[u8]) -> (f32, [i8; BLOCK]) {
    let scale = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
    let mut w = [0i8; BLOCK];
    for (j, &b) in block[2..Q4_BLOCK_BYTES].iter().enumerate() {
        w[j] = (b & 0x0f) as i8 - 8;
        w[j + 16] = (b >> 4) as i8 - 8;
    }
    (scale, w)
}

/// Dequantises a row of Q4_0 blocks into f32 (used for the word-embedding lookup, where only
/// a few rows per text are needed and the table stays 4-bit in memory).
pub(crate) fn dequantize_row(blocks: &[u8], out: &mut [f32]) {
    for (block, o) in blocks
        .chunks_exact(Q4_BLOCK_BYTES)
        .zip(out.chunks_exact_mut(BLOCK))
    {
        let (scale, w) = unpack_block(block);
        for (o, &w) in o.iter_mut().zip(&w) {
            *o = f32::from(w) * scale;
        }
    }
}

/// A linear layer `y = W x + b` with W (`rows x cols`) held as signed bytes plus block scales.
pub(crate) struct QMatrix {
    rows: usize,
    cols: usize,
    weights: Vec<i8>,
    scales: Vec<f32>,
    bias: Vec<f32>,
}

impl QMatrix {
    pub fn from_q4(raw: &[u8], rows: usize, cols: usize, bias: Vec<f32>) -> QMatrix {
        let nblocks = rows * cols / BLOCK;
        debug_assert_eq!(raw.len(), nblocks * Q4_BLOCK_BYTES);
        let mut weights = Vec::with_capacity(rows * cols);
        let mut scales = Vec::with_capacity(nblocks);
        for block in raw.chunks_exact(Q4_BLOCK_BYTES) {
            let (s, w) = unpack_block(block);
            scales.push(s);
            weights.extend_from_slice(&w);
        }
        QMatrix {
            rows,
            cols,
            weights,
            scales,
            bias,
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Heap bytes held, for the memory figure reported to integrators.
    pub fn heap_bytes(&self) -> usize {
        self.weights.len() + 4 * (self.scales.len() + self.bias.len())
    }
}

/// Activations of `len` tokens quantised per block, reused by every matrix that reads them.
#[derive(Default)]
pub(crate) struct QActs {
    cols: usize,
    len: usize,
    /// i8-range values kept as i16: widened once here instead of once per weight row.
    values: Vec<i16>,
    scales: Vec<f32>,
}

/// Adding then subtracting 1.5 * 2^23 rounds to the nearest integer, ties to even, in the
/// default rounding mode; unlike `round_ties_even` it vectorises on baseline x86-64.
const ROUND_MAGIC: f32 = 12_582_912.0;

impl QActs {
    /// Quantises `x` (`len` rows of `cols`) with a per-block scale of max|x| / 127.
    pub fn quantize(&mut self, x: &[f32], cols: usize) {
        let len = x.len() / cols;
        self.cols = cols;
        self.len = len;
        self.values.resize(len * cols, 0);
        self.scales.resize(len * cols / BLOCK, 0.0);
        let blocks = x
            .chunks_exact(BLOCK)
            .zip(self.values.chunks_exact_mut(BLOCK));
        for ((src, dst), scale) in blocks.zip(self.scales.iter_mut()) {
            let amax = src.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            let d = amax / 127.0;
            let inv = if d > 0.0 { 1.0 / d } else { 0.0 };
            for (q, &v) in dst.iter_mut().zip(src) {
                let r = (v * inv + ROUND_MAGIC) - ROUND_MAGIC;
                *q = r.clamp(-128.0, 127.0) as i16;
            }
            *scale = d;
        }
    }
}

/// `out[t][r] = bias[r] + sum_c W[r][c] * a[t][c]` for every token `t` of `a`.
///
/// Nearly all of an embedding's time is spent here. On x86-64 CPUs with AVX2 (server CPUs
/// since 2013–2015) an explicitly vectorised and tiled version runs (`avx2`); elsewhere,
/// plain loops that the compiler vectorises for the baseline instruction set.
pub(crate) fn matmul(w: &QMatrix, a: &QActs, out: &mut [f32]) {
    assert_eq!(w.cols, a.cols, "matrix and activation widths differ");
    assert_eq!(out.len(), a.len * w.rows, "output size");
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        // SAFETY: `avx2::matmul` requires only the CPU features checked on the line above.
        #[allow(unsafe_code)]
        unsafe {
            avx2::matmul(w, a, out)
        };
        return;
    }
    matmul_loops(w, a, out);
}

#[inline(always)]
fn dot_block(w: &[i8], a: &[i16]) -> i32 {
    let w: &[i8; BLOCK] = w.try_into().expect("block");
    let a: &[i16; BLOCK] = a.try_into().expect("block");
    let mut s = 0i32;
    for k in 0..BLOCK {
        s += i32::from(w[k]) * i32::from(a[k]);
    }
    s
}

/// The weight row is the outer loop so it stays in L1 while every token streams past it;
/// the tokens' activations (at most 256 x 1536 i16) live in L2.
fn matmul_loops(w: &QMatrix, a: &QActs, out: &mut [f32]) {
    let nb = w.cols / BLOCK;
    let rows = w
        .weights
        .chunks_exact(w.cols)
        .zip(w.scales.chunks_exact(nb));
    for (r, (wrow, wscale)) in rows.enumerate() {
        let toks = a.values.chunks_exact(w.cols).zip(a.scales.chunks_exact(nb));
        for (t, (arow, ascale)) in toks.enumerate() {
            let mut acc = 0.0f32;
            let blocks = wrow.chunks_exact(BLOCK).zip(arow.chunks_exact(BLOCK));
            for ((wb, ab), (&ws, &asc)) in blocks.zip(wscale.iter().zip(ascale)) {
                acc += (ws * asc) * dot_block(wb, ab) as f32;
            }
            out[t * w.rows + r] = w.bias[r] + acc;
        }
    }
}

/// The same product with AVX2 and FMA, tiled: eight weight rows (12 KB at most) stay in L1
/// while groups of three tokens pass, and the innermost step takes two rows by three tokens,
/// so that a widened weight block (`cvtepi8_epi16`) serves three tokens and a token block
/// two rows, with the six accumulators in registers (four tokens spill them). `madd_epi16`
/// sums pairs of i16 products into eight i32 lanes, which are scaled and accumulated as
/// floats per block; the only horizontal sum is at the end of a row. Everything here is a
/// value intrinsic, safe inside a function compiled for the features; the `set` calls
/// compile to loads. Short queries: 40 ms with the plain loops, 19 ms with this.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{QActs, QMatrix, BLOCK};
    use std::arch::x86_64::*;

    const TOKENS: usize = 3;

    /// Rows taken together, so that their weights stay in L1 while every token group passes.
    const ROW_TILE: usize = 8;

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn matmul(w: &QMatrix, a: &QActs, out: &mut [f32]) {
        let nb = w.cols / BLOCK;
        let tokens: Vec<Row<'_, i16>> = a
            .values
            .chunks_exact(w.cols)
            .zip(a.scales.chunks_exact(nb))
            .collect();
        let rows: Vec<Row<'_, i8>> = w
            .weights
            .chunks_exact(w.cols)
            .zip(w.scales.chunks_exact(nb))
            .collect();
        for (tile, tile_rows) in rows.chunks(ROW_TILE).enumerate() {
            for (g, group) in tokens.chunks(TOKENS).enumerate() {
                // A short last group repeats its last token; the extra sums are dropped.
                let pick = |j: usize| group[j.min(group.len() - 1)];
                let padded: [Row<'_, i16>; TOKENS] = std::array::from_fn(pick);
                for (p, pair) in tile_rows.chunks(2).enumerate() {
                    let second = pair[pair.len() - 1];
                    let sums = two_rows_times_tokens([pair[0], second], padded);
                    for (i, sums) in sums.iter().enumerate().take(pair.len()) {
                        let r = tile * ROW_TILE + p * 2 + i;
                        for (j, s) in sums.iter().enumerate().take(group.len()) {
                            out[(g * TOKENS + j) * w.rows + r] = w.bias[r] + s;
                        }
                    }
                }
            }
        }
    }

    /// Values of one row (weights or a token's activations) and their block scales.
    type Row<'a, T> = (&'a [T], &'a [f32]);

    /// Two weight rows against `TOKENS` tokens (the tiling is explained on the module).
    #[target_feature(enable = "avx2,fma")]
    fn two_rows_times_tokens(
        rows: [Row<'_, i8>; 2],
        tokens: [Row<'_, i16>; TOKENS],
    ) -> [[f32; TOKENS]; 2] {
        let nb = rows[0].1.len();
        let cols = nb * BLOCK;
        let w = [
            (&rows[0].0[..cols], &rows[0].1[..nb]),
            (&rows[1].0[..cols], &rows[1].1[..nb]),
        ];
        let t: [Row<'_, i16>; TOKENS] =
            std::array::from_fn(|j| (&tokens[j].0[..cols], &tokens[j].1[..nb]));
        let mut acc = [[_mm256_setzero_ps(); TOKENS]; 2];
        for b in 0..nb {
            let span = b * BLOCK..(b + 1) * BLOCK;
            let wb = [
                weights(&w[0].0[span.clone()]),
                weights(&w[1].0[span.clone()]),
            ];
            for j in 0..TOKENS {
                let act = &t[j].0[span.clone()];
                let (a0, a1) = (i16x16(&act[..16]), i16x16(&act[16..]));
                for i in 0..2 {
                    let p = _mm256_add_epi32(
                        _mm256_madd_epi16(wb[i].0, a0),
                        _mm256_madd_epi16(wb[i].1, a1),
                    );
                    let scale = _mm256_set1_ps(w[i].1[b] * t[j].1[b]);
                    acc[i][j] = _mm256_fmadd_ps(scale, _mm256_cvtepi32_ps(p), acc[i][j]);
                }
            }
        }
        let mut out = [[0.0; TOKENS]; 2];
        for i in 0..2 {
            for j in 0..TOKENS {
                out[i][j] = sum(acc[i][j]);
            }
        }
        out
    }

    #[target_feature(enable = "avx2,fma")]
    fn weights(b: &[i8]) -> (__m256i, __m256i) {
        (
            _mm256_cvtepi8_epi16(i8x16(&b[..16])),
            _mm256_cvtepi8_epi16(i8x16(&b[16..])),
        )
    }

    #[target_feature(enable = "avx2,fma")]
    fn i8x16(s: &[i8]) -> __m128i {
        let s: &[i8; 16] = s.try_into().expect("16 bytes");
        _mm_setr_epi8(
            s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13],
            s[14], s[15],
        )
    }

    #[target_feature(enable = "avx2,fma")]
    fn i16x16(s: &[i16]) -> __m256i {
        let s: &[i16; 16] = s.try_into().expect("16 values");
        _mm256_setr_epi16(
            s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13],
            s[14], s[15],
        )
    }

    #[target_feature(enable = "avx2,fma")]
    fn sum(v: __m256) -> f32 {
        let quad = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
        let pair = _mm_add_ps(quad, _mm_movehl_ps(quad, quad));
        _mm_cvtss_f32(_mm_add_ss(pair, _mm_shuffle_ps::<1>(pair, pair)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f16_values() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x3555), 0.333_251_95);
        assert_eq!(f16_to_f32(0x0001), 5.960_464_5e-8);
        assert_eq!(f16_to_f32(0x7c00), f32::INFINITY);
        assert_eq!(f16_to_f32(0), 0.0);
    }

    /// The AVX2 product (where the CPU has it) against the plain loops, with row and token
    /// counts that leave short tiles, pairs and groups.
    #[test]
    fn every_build_of_the_product_agrees() {
        let (rows, cols, tokens) = (11, 96, 7);
        let raw: Vec<u8> = (0..rows * cols / BLOCK)
            .flat_map(|b| {
                let scale = (0x3000u16 + b as u16 * 37).to_le_bytes();
                let nibbles = (0..16u8).map(move |j| j.wrapping_mul(7).wrapping_add(b as u8));
                scale.into_iter().chain(nibbles)
            })
            .collect();
        let bias: Vec<f32> = (0..rows).map(|r| r as f32 * 0.1).collect();
        let m = QMatrix::from_q4(&raw, rows, cols, bias);
        let x: Vec<f32> = (0..tokens * cols)
            .map(|i| ((i as f32) * 0.61).cos())
            .collect();
        let mut acts = QActs::default();
        acts.quantize(&x, cols);
        let (mut fast, mut plain) = (vec![0.0; tokens * rows], vec![0.0; tokens * rows]);
        matmul(&m, &acts, &mut fast);
        matmul_loops(&m, &acts, &mut plain);
        for (f, p) in fast.iter().zip(&plain) {
            assert!(
                (f - p).abs() <= 1e-4 * (1.0 + p.abs()),
                "{fast:?}\n{plain:?}"
            );
        }
        assert!(
            plain.iter().any(|v| v.abs() > 1.0),
            "the case must not be all zeros"
        );
    }

    #[test]
    fn quantised_matmul_is_close_to_float() {
        let cols = 64;
        let mut raw = Vec::new();
        for b in 0..4u8 {
            raw.extend_from_slice(&0x3c00u16.to_le_bytes()); // scale 1.0
            raw.extend((0..16u8).map(|j| (j.wrapping_add(b) & 0x0f) | ((15 - j) << 4)));
        }
        let m = QMatrix::from_q4(&raw, 2, cols, vec![0.5, -0.5]);
        let mut wf = vec![0.0; 2 * cols];
        dequantize_row(&raw, &mut wf);
        let x: Vec<f32> = (0..cols).map(|i| ((i as f32) * 0.37).sin()).collect();
        let mut acts = QActs::default();
        acts.quantize(&x, cols);
        let mut out = vec![0.0; 2];
        matmul(&m, &acts, &mut out);
        for r in 0..2 {
            let exact: f32 = wf[r * cols..(r + 1) * cols]
                .iter()
                .zip(&x)
                .map(|(w, x)| w * x)
                .sum::<f32>()
                + m.bias[r];
            assert!(
                (out[r] - exact).abs() < 0.05 * (1.0 + exact.abs()),
                "{out:?} {exact}"
            );
        }
    }
}
