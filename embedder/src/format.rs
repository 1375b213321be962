//! Reader for the packed model file (`E5S1`, version 1).
//!
//! Layout, all little-endian: a header of model sizes, the SentencePiece vocabulary (piece
//! byte offsets, scores, piece bytes), the per-code-point normalisation map, then a directory
//! of named tensors (f32 or Q4_0) pointing at absolute offsets in the same file. Every length
//! and offset is checked here so that the rest of the crate can index without surprises.

use crate::LoadError;
use std::collections::HashMap;

const MAGIC: &[u8; 4] = b"E5S1";
const VERSION: u32 = 1;
/// Weights per Q4_0 block; the file states it and nothing else is supported.
pub(crate) const BLOCK: usize = 32;
/// Bytes per Q4_0 block: an f16 scale, then 16 bytes holding 32 nibbles.
pub(crate) const Q4_BLOCK_BYTES: usize = 18;

fn bad(reason: impl Into<String>) -> LoadError {
    LoadError::Format(reason.into())
}

/// Model sizes from the header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Header {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub ffn: usize,
    pub vocab: usize,
    pub max_positions: usize,
    pub type_vocab: usize,
    pub eps: f32,
}

/// Tokenizer data as stored; `blob[offsets[i]..offsets[i+1]]` is piece `i`.
pub(crate) struct VocabData<'a> {
    pub bos: u32,
    pub eos: u32,
    pub unk: u32,
    pub offsets: Vec<u32>,
    pub scores: Vec<f32>,
    pub blob: &'a [u8],
    /// (code point, replacement code points); a code point absent here maps to itself.
    pub norm: Vec<(u32, Vec<u32>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DType {
    F32,
    Q4,
}

struct Tensor<'a> {
    dtype: DType,
    count: usize,
    bytes: &'a [u8],
}

/// A parsed view of the whole file, borrowing its bytes.
pub(crate) struct ModelFile<'a> {
    pub header: Header,
    pub vocab: VocabData<'a>,
    tensors: HashMap<String, Tensor<'a>>,
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], LoadError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| bad(format!("file truncated while reading {what}")))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], LoadError> {
        let s = self.take(N, what)?;
        Ok(s.try_into().expect("take returned N bytes"))
    }
    fn u8(&mut self, what: &str) -> Result<u8, LoadError> {
        Ok(self.array::<1>(what)?[0])
    }
    fn u16(&mut self, what: &str) -> Result<u16, LoadError> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }
    fn u32(&mut self, what: &str) -> Result<u32, LoadError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }
    fn u64(&mut self, what: &str) -> Result<u64, LoadError> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }
    fn f32(&mut self, what: &str) -> Result<f32, LoadError> {
        Ok(f32::from_le_bytes(self.array(what)?))
    }
    /// A count stored as i32: negative values mean a corrupt file, not a huge size.
    fn count(&mut self, what: &str) -> Result<usize, LoadError> {
        let v = i32::from_le_bytes(self.array(what)?);
        usize::try_from(v).map_err(|_| bad(format!("negative {what}: {v}")))
    }
    fn u32s(&mut self, n: usize, what: &str) -> Result<Vec<u32>, LoadError> {
        let bytes = self.take(n.checked_mul(4).ok_or_else(|| bad(what))?, what)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect())
    }
}

/// Decodes little-endian f32s; the file gives no alignment guarantee, so no casting.
pub(crate) fn le_f32s(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
        .collect()
}

impl<'a> ModelFile<'a> {
    pub fn parse(buf: &'a [u8]) -> Result<Self, LoadError> {
        let mut r = Reader { buf, pos: 0 };
        if r.take(4, "magic")? != MAGIC {
            return Err(bad("bad magic (expected E5S1)"));
        }
        let version = r.u32("version")?;
        if version != VERSION {
            return Err(bad(format!("unsupported version {version}")));
        }
        let header = read_header(&mut r)?;
        let vocab = read_vocab(&mut r)?;
        let tensors = read_directory(&mut r, buf)?;
        Ok(ModelFile {
            header,
            vocab,
            tensors,
        })
    }

    fn tensor(&self, name: &str, dtype: DType, count: usize) -> Result<&Tensor<'a>, LoadError> {
        let t = self
            .tensors
            .get(name)
            .ok_or_else(|| bad(format!("missing tensor {name}")))?;
        if t.dtype != dtype || t.count != count {
            return Err(bad(format!(
                "tensor {name}: expected {dtype:?} x {count}, found {:?} x {}",
                t.dtype, t.count
            )));
        }
        Ok(t)
    }

    pub fn f32s(&self, name: &str, count: usize) -> Result<Vec<f32>, LoadError> {
        Ok(le_f32s(self.tensor(name, DType::F32, count)?.bytes))
    }

    /// Raw Q4_0 blocks of a `rows x cols` matrix, row-major.
    pub fn q4(&self, name: &str, rows: usize, cols: usize) -> Result<&'a [u8], LoadError> {
        Ok(self.tensor(name, DType::Q4, rows * cols)?.bytes)
    }
}

fn read_header(r: &mut Reader) -> Result<Header, LoadError> {
    let h = Header {
        hidden: r.count("hidden size")?,
        layers: r.count("layer count")?,
        heads: r.count("head count")?,
        ffn: r.count("ffn size")?,
        vocab: r.count("vocabulary size")?,
        max_positions: r.count("position count")?,
        type_vocab: r.count("token type count")?,
        eps: r.f32("layer norm eps")?,
    };
    let qk = r.count("block size")?;
    if qk != BLOCK {
        return Err(bad(format!("block size {qk}, only {BLOCK} is supported")));
    }
    let shapes_ok = h.hidden > 0
        && h.heads > 0
        && h.hidden.is_multiple_of(h.heads)
        && h.hidden.is_multiple_of(BLOCK)
        && h.ffn.is_multiple_of(BLOCK)
        && (h.hidden / h.heads).is_multiple_of(8)
        && h.type_vocab > 0
        && h.max_positions > 2;
    // Written as a positive test so that a NaN eps is rejected too.
    let eps_ok = h.eps.is_finite() && h.eps > 0.0;
    if !shapes_ok || !eps_ok {
        return Err(bad(format!("unsupported model shape {h:?}")));
    }
    Ok(h)
}

fn read_vocab<'a>(r: &mut Reader<'a>) -> Result<VocabData<'a>, LoadError> {
    let n = r.count("piece count")?;
    let bos = r.count("bos id")?;
    let eos = r.count("eos id")?;
    let _pad = r.count("pad id")?;
    let unk = r.count("unk id")?;
    if n == 0 || bos >= n || eos >= n || unk >= n {
        return Err(bad("special token ids out of the vocabulary"));
    }
    let blob_len = usize::try_from(r.u64("piece bytes length")?).map_err(|_| bad("blob size"))?;
    let offsets = r.u32s(n + 1, "piece offsets")?;
    let scores = le_f32s(r.take(n * 4, "piece scores")?);
    let blob = r.take(blob_len, "piece bytes")?;
    let monotone = offsets.windows(2).all(|w| w[0] <= w[1]);
    if !monotone || offsets[n] as usize > blob.len() {
        return Err(bad("piece offsets out of order or past the piece bytes"));
    }
    let norm = read_norm(r)?;
    Ok(VocabData {
        bos: bos as u32,
        eos: eos as u32,
        unk: unk as u32,
        offsets,
        scores,
        blob,
        norm,
    })
}

fn read_norm(r: &mut Reader) -> Result<Vec<(u32, Vec<u32>)>, LoadError> {
    let n = r.count("normalisation entry count")?;
    let len = r.u32("normalisation map length")? as usize;
    let mut sub = Reader {
        buf: r.take(len, "normalisation map")?,
        pos: 0,
    };
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let cp = sub.u32("normalised code point")?;
        let k = sub.u8("replacement length")? as usize;
        out.push((cp, sub.u32s(k, "replacement")?));
    }
    Ok(out)
}

fn read_directory<'a>(
    r: &mut Reader<'a>,
    file: &'a [u8],
) -> Result<HashMap<String, Tensor<'a>>, LoadError> {
    let n = r.count("tensor count")?;
    let mut map = HashMap::with_capacity(n);
    for _ in 0..n {
        let name_len = r.u16("tensor name length")? as usize;
        let name = String::from_utf8_lossy(r.take(name_len, "tensor name")?).into_owned();
        let dtype = match r.u8("tensor type")? {
            0 => DType::F32,
            1 => DType::Q4,
            other => return Err(bad(format!("tensor {name}: unknown type {other}"))),
        };
        let count = r.u32("tensor size")? as usize;
        let offset = r.u64("tensor offset")?;
        let nbytes = r.u64("tensor byte length")?;
        let expected = match dtype {
            DType::F32 => count as u64 * 4,
            DType::Q4 if count.is_multiple_of(BLOCK) => (count / BLOCK * Q4_BLOCK_BYTES) as u64,
            DType::Q4 => return Err(bad(format!("tensor {name}: size not a block multiple"))),
        };
        let end = offset
            .checked_add(nbytes)
            .filter(|&e| e <= file.len() as u64);
        let (Some(end), true) = (end, nbytes == expected) else {
            return Err(bad(format!(
                "tensor {name}: bytes out of the file or wrong length"
            )));
        };
        let bytes = &file[offset as usize..end as usize];
        map.insert(
            name,
            Tensor {
                dtype,
                count,
                bytes,
            },
        );
    }
    Ok(map)
}
