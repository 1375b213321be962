//! `cargo xtask …`: the project's development tools, kept out of the product. Benchmarks
//! (`bench search`, `bench freshness`), ranking evaluation (`eval judged`, `eval collection`)
//! and the synthetic corpus generator (`gen-corpus`) drive the `profint` library as a user of
//! it would. See BENCHMARKS.md and RELEVANCE.md for what they measure.

use anyhow::Context;
use clap::{Parser, Subcommand};
use profint::lang::Lang;
use profint::service::Service;
use std::path::PathBuf;
use std::time::Instant;

/// As in the `profint` binary: the in-process benchmarks measure what is shipped.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(
    name = "xtask",
    about = "profint's benchmarks, evaluation and corpus generator"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand, Debug)]
enum Task {
    /// Benchmarks (figures printed as medians and percentiles; see BENCHMARKS.md).
    Bench {
        #[command(subcommand)]
        which: BenchCommand,
    },
    /// Measure ranking quality (nDCG@10, MAP@100, recall@100).
    Eval {
        #[command(subcommand)]
        which: EvalCommand,
    },
    /// Write a deterministic synthetic corpus (for benchmarks and crash tests).
    GenCorpus {
        /// Number of resources.
        #[arg(long, default_value_t = 1000)]
        resources: usize,
        /// Folder to write the Markdown corpus to.
        #[arg(long)]
        out: PathBuf,
        /// Seed: the same seed and size give the same bytes.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Also write docs.jsonl and queries.jsonl for shared/peers/run_peers.py here.
        #[arg(long)]
        jsonl: Option<PathBuf>,
        /// Number of queries in queries.jsonl.
        #[arg(long, default_value_t = 200)]
        queries: usize,
    },
}

#[derive(Subcommand, Debug)]
enum BenchCommand {
    /// The semantic scan alone at a size no model run would reach here: generated unit
    /// vectors (384 dimensions, `versions` per resource), the time to rank them all against
    /// a query vector as hybrid search does.
    Vectors {
        #[arg(long, default_value_t = 10_000)]
        resources: usize,
        #[arg(long, default_value_t = 3)]
        versions: usize,
        #[arg(long, default_value_t = 200)]
        queries: usize,
    },
    /// Build, start-up, memory, search, related and HTTP latency on a corpus.
    Search {
        /// Corpus to index (e.g. one written by gen-corpus).
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// Number of generated queries (keywords and situation sentences in turn).
        #[arg(long, default_value_t = 1000)]
        queries: usize,
        /// Sequential HTTP requests for the loopback latency figure.
        #[arg(long, default_value_t = 1000)]
        http_requests: usize,
    },
    /// Per-query search time in-process without the answer cache (and the bare tantivy
    /// limit with --bare), over `lang<TAB>text` queries from scripts/wrk_paths.py --tsv.
    Queries {
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        #[arg(long)]
        queries: PathBuf,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        #[arg(long)]
        bare: bool,
        /// Rank with the semantic signal too (hybrid), with the model file here.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Time from a file write to the new text being returned by /api/search.
    Freshness {
        /// Corpus to copy and edit (the original is not touched).
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// Number of edits.
        #[arg(long, default_value_t = 60)]
        edits: usize,
    },
}

#[derive(Subcommand, Debug)]
enum EvalCommand {
    /// The project's judged queries over a corpus (default: the bundled one).
    Judged {
        /// Judged query set.
        #[arg(long, default_value = "eval/judged.yaml")]
        set: PathBuf,
        /// Corpus the judgments refer to.
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// Also report the ranking without the vocabulary expansion, for comparison.
        #[arg(long)]
        ablation: bool,
        /// Grid-search the title and phrase bonuses on this set (how the defaults were chosen).
        #[arg(long)]
        tune: bool,
        /// Write the corpus (one document per language version), the queries, the qrels and
        /// profint's run here, for the peer harness and eval.py.
        #[arg(long)]
        export: Option<PathBuf>,
        /// Rank with the semantic signal too (hybrid), with the model file here.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Evaluate over a copy of the corpus without its vocabulary file.
        #[arg(long)]
        no_vocabulary: bool,
        /// Evaluate over a copy of the corpus with only its French files: every other
        /// query is then cross-language.
        #[arg(long)]
        french_only: bool,
    },
    /// An external judged collection (docs.jsonl, queries.jsonl, qrels.tsv), e.g. ../shared/bench/piaf.
    Collection {
        /// The collection's folder.
        dir: PathBuf,
        /// Its language.
        #[arg(long)]
        lang: String,
        /// Write the run (query, doc, rank, score) here, for eval.py.
        #[arg(long)]
        run: Option<PathBuf>,
        /// Rank with the semantic signal too (hybrid), with the model file here. Document
        /// vectors are kept in target/eval-vectors/ so that a second run embeds nothing.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Score the phrase bonuses with every match, as on an index no larger than the
        /// rescoring window (to compare with the default, which scores them on the best 100).
        #[arg(long)]
        one_pass: bool,
    },
    /// Cosines between the corpus's resources in the semantic space, by how the model links
    /// them (how the related panels' "similar situation" threshold was chosen).
    Neighbours {
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// The model file.
        #[arg(long, default_value = "model/e5-small-q4.bin")]
        model: PathBuf,
        /// Also list each resource's nearest other resource.
        #[arg(long)]
        list: bool,
    },
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let code = run(Cli::parse().task)?;
    std::process::exit(code);
}

fn run(task: Task) -> anyhow::Result<i32> {
    match task {
        Task::Bench { which } => match which {
            BenchCommand::Search {
                corpus,
                queries,
                http_requests,
            } => {
                xtask::bench::search_bench(&corpus, queries, http_requests)?;
                Ok(0)
            }
            BenchCommand::Queries {
                corpus,
                queries,
                rounds,
                bare,
                model,
            } => {
                xtask::bench::query_loop(&corpus, &queries, rounds, bare, model)?;
                Ok(0)
            }
            BenchCommand::Vectors {
                resources,
                versions,
                queries,
            } => {
                println!(
                    "{}",
                    xtask::bench::vector_scan(resources, versions, queries)
                );
                Ok(0)
            }
            BenchCommand::Freshness { corpus, edits } => {
                let times = xtask::bench::freshness(&corpus, edits)?;
                println!(
                    "freshness over {} edits of {}: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
                    times.len(),
                    corpus.display(),
                    xtask::bench::percentile(&times, 50.0),
                    xtask::bench::percentile(&times, 95.0),
                    times.last().copied().unwrap_or(f64::NAN)
                );
                Ok(0)
            }
        },
        Task::Eval { which } => {
            match which {
                EvalCommand::Judged {
                    set,
                    corpus,
                    ablation,
                    tune,
                    export,
                    model,
                    no_vocabulary,
                    french_only,
                } => {
                    let corpus = if french_only {
                        xtask::eval::french_only(&corpus)?
                    } else {
                        corpus
                    };
                    let corpus = if no_vocabulary {
                        xtask::eval::without_vocabulary(&corpus)?
                    } else {
                        corpus
                    };
                    let service = Service::in_memory_with(&corpus, model)?;
                    if !service
                        .semantic
                        .wait_idle(std::time::Duration::from_secs(3600))
                    {
                        anyhow::bail!("the corpus was not embedded in an hour");
                    }
                    let meta = service.meta();
                    if let Some(dir) = export {
                        xtask::eval::export_judged(&service, &corpus, &set, &dir)?;
                        println!(
                            "wrote docs.jsonl, queries.jsonl, qrels.tsv and profint.run to {}",
                            dir.display()
                        );
                        return Ok(0);
                    }
                    if tune {
                        println!(
                            "title_bonus phrase_bonus  nDCG@10 all    fr     en     it     sv"
                        );
                        for title in [0.0, 0.25, 0.5, 1.0, 2.0] {
                            for phrase in [0.0, 0.25, 0.5, 1.0] {
                                let options = profint::search::query::Options {
                                    title_bonus: title,
                                    phrase_bonus: phrase,
                                    ..xtask::eval::eval_options()
                                };
                                let s = xtask::eval::judged_scores(
                                    &service.index(),
                                    meta.scope(),
                                    &set,
                                    options,
                                )?;
                                println!(
                                    "{title:<11} {phrase:<12}  {:.4}  {:.4} {:.4} {:.4} {:.4}",
                                    s["all"].ndcg10,
                                    s["fr"].ndcg10,
                                    s["en"].ndcg10,
                                    s["it"].ndcg10,
                                    s["sv"].ndcg10
                                );
                            }
                        }
                        return Ok(0);
                    }
                    let mut variants = vec![("profint", xtask::eval::eval_options())];
                    if ablation {
                        variants.push((
                            "without vocabulary",
                            profint::search::query::Options {
                                expand: false,
                                ..xtask::eval::eval_options()
                            },
                        ));
                    }
                    for (name, options) in variants {
                        let scores = xtask::eval::judged_scores(
                            &service.index(),
                            meta.scope(),
                            &set,
                            options,
                        )?;
                        println!(
                            "{name}: nDCG@10 by language ({} queries)",
                            scores["all"].queries
                        );
                        let (kinds, langs): (Vec<_>, Vec<_>) =
                            scores.iter().partition(|(key, _)| key.starts_with("kind:"));
                        for (lang, s) in langs {
                            println!("  {lang:<4} nDCG@10 {:.4}  MAP@100 {:.4}  R@100 {:.4}  ({} queries)", s.ndcg10, s.map100, s.recall100, s.queries);
                        }
                        if !kinds.is_empty() {
                            println!("{name}: by kind");
                        }
                        for (key, s) in kinds {
                            let kind = key.trim_start_matches("kind:");
                            println!("  {kind:<9} nDCG@10 {:.4}  MAP@100 {:.4}  R@100 {:.4}  ({} queries)", s.ndcg10, s.map100, s.recall100, s.queries);
                        }
                    }
                }
                EvalCommand::Neighbours {
                    corpus,
                    model,
                    list,
                } => {
                    let service = Service::in_memory_with(&corpus, Some(model))?;
                    if !service.semantic.enabled() {
                        anyhow::bail!("no model: run scripts/fetch-model.sh");
                    }
                    if !service
                        .semantic
                        .wait_idle(std::time::Duration::from_secs(3600))
                    {
                        anyhow::bail!("the corpus was not embedded in an hour");
                    }
                    print!("{}", xtask::eval::neighbour_cosines(&service, list)?);
                }
                EvalCommand::Collection {
                    dir,
                    lang,
                    run,
                    model,
                    one_pass,
                } => {
                    let lang =
                        Lang::parse(&lang).with_context(|| format!("unknown language `{lang}`"))?;
                    let started = Instant::now();
                    let options = profint::search::query::Options {
                        rescore_window: if one_pass {
                            0
                        } else {
                            xtask::eval::eval_options().rescore_window
                        },
                        ..xtask::eval::eval_options()
                    };
                    let s = xtask::eval::collection(
                        &dir,
                        lang,
                        run.as_deref(),
                        model.as_deref(),
                        options,
                    )?;
                    println!(
                        "{}: nDCG@10 {:.4}  MAP@100 {:.4}  R@100 {:.4}  ({} queries, {:.1} s)",
                        dir.display(),
                        s.ndcg10,
                        s.map100,
                        s.recall100,
                        s.queries,
                        started.elapsed().as_secs_f64()
                    );
                }
            }
            Ok(0)
        }
        Task::GenCorpus {
            resources,
            out,
            seed,
            jsonl,
            queries,
        } => {
            let started = Instant::now();
            let files = xtask::gen::generate(
                &out,
                resources,
                seed,
                jsonl.as_deref().map(|d| (d, queries)),
            )?;
            println!(
                "wrote {resources} resources in {files} files to {} in {:.2} s",
                out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(0)
        }
    }
}
