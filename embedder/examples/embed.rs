//! Prints token ids and embeddings for lines read from stdin, for comparing against another
//! engine: each line is `q<TAB>text` (query) or `p<TAB>text` (passage).
//!
//! `cargo run --release -p embedder --example embed -- model/e5-small-q4.bin < lines.tsv`

use embedder::Embedder;
use std::io::{BufRead, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "model/e5-small-q4.bin".into());
    let model = Embedder::load(path.as_ref())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let Some((kind, text)) = line.split_once('\t') else {
            continue;
        };
        let (prefix, vector) = if kind == "q" {
            ("query: ", model.embed_query(text))
        } else {
            ("passage: ", model.embed_passage(text))
        };
        let ids = model.tokenize(&format!("{prefix}{text}"));
        let ids: Vec<String> = ids.iter().map(u32::to_string).collect();
        let dims: Vec<String> = vector.iter().map(|v| format!("{v:.7}")).collect();
        writeln!(out, "ids {}\nvec {}", ids.join(" "), dims.join(" "))?;
    }
    Ok(())
}
