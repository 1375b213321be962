//! Embedding speed on this machine: median latency of short queries and of ~200-token
//! passages on one thread, then passage throughput on two threads.
//!
//! `cargo run --release -p embedder --example bench -- model/e5-small-q4.bin`

use embedder::Embedder;
use std::time::{Duration, Instant};

const QUERIES: [&str; 10] = [
    "comment financer une formation avec mon compte personnel de formation",
    "droits du salarié en télétravail pour les frais de matériel informatique",
    "how can I ask my manager for a training course this year",
    "what happens to my leave days when I change departments",
    "come posso iscrivermi a un corso di lingua inglese gratuito",
    "quali documenti servono per la domanda di congedo parentale",
    "hur ansöker jag om studieledighet från mitt nuvarande arbete",
    "vilka regler gäller för övertid och ersättning på helger",
    "l'accès aux formations certifiantes pour les salariés à temps partiel",
    "où trouver le calendrier des entretiens professionnels annuels de l'entreprise",
];

const PASSAGE: &str = "La formation professionnelle continue permet aux salariés \
d'acquérir de nouvelles compétences tout au long de leur carrière. Elle peut être financée par \
l'employeur, par le compte personnel de formation (CPF) ou par France Travail. Les actions de \
formation doivent être inscrites dans le plan de développement des compétences de l'entreprise. \
Le salarié qui souhaite suivre une formation pendant son temps de travail doit obtenir l'accord \
de son employeur ; en dehors du temps de travail, il peut mobiliser librement son CPF. Depuis la \
réforme de 2018, le CPF est alimenté en euros et non plus en heures : 500 € par an, dans la \
limite de 5 000 €. Les salariés peu qualifiés bénéficient d'un abondement majoré (800 € par an, \
plafond de 8 000 €). L'accès à l'application « Mon Compte Formation » permet de consulter ses \
droits et de s'inscrire en ligne.";

fn median_ms(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1e3
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "model/e5-small-q4.bin".into());
    let start = Instant::now();
    let model = Embedder::load(path.as_ref())?;
    println!(
        "load: {:.0} ms, model memory {:.1} MiB",
        start.elapsed().as_secs_f64() * 1e3,
        model.memory_bytes() as f64 / (1 << 20) as f64
    );

    let mut samples = Vec::new();
    for round in 0..6 {
        for q in QUERIES {
            let t = Instant::now();
            std::hint::black_box(model.embed_query(q));
            if round > 0 {
                samples.push(t.elapsed());
            }
        }
    }
    let tokens: usize = QUERIES
        .iter()
        .map(|q| model.tokenize(&format!("query: {q}")).len())
        .sum();
    println!(
        "short query ({:.0} tokens avg), 1 thread: median {:.2} ms",
        tokens as f64 / QUERIES.len() as f64,
        median_ms(samples)
    );

    let ptokens = model.tokenize(&format!("passage: {PASSAGE}")).len();
    let samples = (0..9)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(model.embed_passage(PASSAGE));
            t.elapsed()
        })
        .collect();
    println!(
        "passage ({ptokens} tokens), 1 thread: median {:.1} ms",
        median_ms(samples)
    );

    let batch = vec![PASSAGE; 24];
    for threads in [1, 2] {
        let t = Instant::now();
        std::hint::black_box(model.embed_passages(&batch, threads));
        let rate = batch.len() as f64 / t.elapsed().as_secs_f64();
        println!("passages ({ptokens} tokens), {threads} thread(s): {rate:.1} passages/s");
    }
    Ok(())
}
