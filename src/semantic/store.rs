//! Vectors kept next to the index between runs, by the hash of the text each was computed
//! from: a restart re-embeds nothing, a change re-embeds only the versions whose text changed.
//! A file that cannot be read is ignored (the vectors are computed again), never an error.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// The BLAKE3 hash of an embedded text.
pub type TextHash = [u8; 32];

const MAGIC: &[u8; 8] = b"PFVEC001";

pub fn hash(text: &str) -> TextHash {
    *blake3::hash(text.as_bytes()).as_bytes()
}

/// The kept vectors, or none when the file is absent, from another model size, or damaged.
pub fn load(path: &Path) -> HashMap<TextHash, Arc<[f32]>> {
    let Ok(bytes) = std::fs::read(path) else {
        return HashMap::new();
    };
    parse(&bytes).unwrap_or_else(|| {
        tracing::warn!(file = %path.display(), "ignoring an unreadable vector file; re-embedding");
        HashMap::new()
    })
}

fn parse(bytes: &[u8]) -> Option<HashMap<TextHash, Arc<[f32]>>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let dim = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let rest = &rest[4..];
    let entry = 32 + dim * 4;
    if dim == 0 || rest.len() % entry != 0 {
        return None;
    }
    Some(
        rest.chunks_exact(entry)
            .map(|e| {
                let h: TextHash = e[..32].try_into().expect("32 bytes");
                let v: Vec<f32> = e[32..]
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
                    .collect();
                (h, v.into())
            })
            .collect(),
    )
}

/// Writes the vectors in use (atomically: a crash leaves the old file or the new one).
pub fn save(path: &Path, known: &HashMap<TextHash, Arc<[f32]>>) {
    let Some(dim) = known.values().next().map(|v| v.len()) else {
        return;
    };
    let mut out = Vec::with_capacity(12 + known.len() * (32 + dim * 4));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(dim as u32).to_le_bytes());
    for (h, v) in known {
        out.extend_from_slice(h);
        v.iter()
            .for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
    }
    let tmp = path.with_extension("tmp");
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(&out).and_then(|_| f.sync_all()))
        .and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        tracing::warn!(file = %path.display(), error = %e, "cannot keep the vectors; they will be computed again");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn vectors_survive_a_round_trip_and_damage_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vectors.bin");
        let mut known = std::collections::HashMap::new();
        known.insert(super::hash("a"), vec![0.5f32, -1.0].into());
        super::save(&path, &known);
        assert_eq!(super::load(&path), known);
        std::fs::write(&path, b"PFVEC001\x02\x00\x00\x00garbage").unwrap();
        assert!(super::load(&path).is_empty());
    }
}
