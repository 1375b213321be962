//! Command line: `profint serve | index | check | search | bench | gen-corpus`. Each setting
//! comes from its flag, else its environment variable, else `profint.toml`, else its default.

use crate::config::FileConfig;
use crate::content::{self, LoadOptions};
use crate::http::HttpOptions;
use crate::lang::Lang;
use crate::search::{self, SearchRequest};
use crate::service::{Service, Settings};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(
    name = "profint",
    version,
    about = "Search service for the PROFINT professionalisation platform"
)]
pub struct Cli {
    /// Configuration file (default: profint.toml in the current folder, if present).
    #[arg(long, global = true, env = "PROFINT_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the search UI and JSON API, keeping the index up to date with the corpus.
    Serve {
        #[command(flatten)]
        paths: Paths,
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long, env = "PROFINT_ADDR")]
        addr: Option<String>,
        /// A partner origin allowed to call the API from a browser and to frame /embed
        /// (repeatable; env: comma-separated) [default: any origin, no credentials].
        #[arg(
            long = "allowed-origin",
            env = "PROFINT_ALLOWED_ORIGINS",
            value_delimiter = ','
        )]
        allowed_origins: Vec<String>,
        /// Public URL of the service, with an optional base path
        /// (https://partner.org/ressources/) [default: http://ADDR].
        #[arg(long, env = "PROFINT_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Build the index, or bring it up to date with the corpus, and exit.
    Index {
        #[command(flatten)]
        paths: Paths,
    },
    /// Validate the corpus: print every problem; exit 1 if there are errors.
    Check {
        #[command(flatten)]
        paths: Paths,
    },
    /// Search from the terminal (brings the index up to date first).
    Search {
        /// What to look for: keywords or a situation sentence.
        query: String,
        /// Language of the query and of the results.
        #[arg(long, default_value = "fr")]
        lang: String,
        /// Only these domains (repeatable).
        #[arg(long)]
        domain: Vec<String>,
        /// Only these types (repeatable).
        #[arg(long = "type")]
        kind: Vec<String>,
        /// Number of hits to print.
        #[arg(short = 'n', long, default_value_t = 10)]
        limit: usize,
        #[command(flatten)]
        paths: Paths,
    },
    /// The gap report: searches made on several days that found nothing or only weak results.
    Gaps {
        /// Only searches made in this language.
        #[arg(long)]
        lang: Option<String>,
        /// Only searches filtered on this domain.
        #[arg(long)]
        domain: Option<String>,
        /// Number of searches to print.
        #[arg(short = 'n', long, default_value_t = 50)]
        limit: usize,
        #[command(flatten)]
        paths: Paths,
    },
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
pub enum BenchCommand {
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
pub enum EvalCommand {
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
    },
}

#[derive(Args, Debug, Clone)]
pub struct Paths {
    /// Content folder [default: corpus].
    #[arg(long, env = "PROFINT_CORPUS")]
    pub corpus: Option<PathBuf>,
    /// Index folder [default: index].
    #[arg(long, env = "PROFINT_INDEX")]
    pub index: Option<PathBuf>,
    /// Throw the index away and build it again from the corpus.
    #[arg(long)]
    pub rebuild: bool,
    /// Largest content file accepted, in bytes [default: 2 MiB].
    #[arg(long, env = "PROFINT_MAX_FILE_BYTES")]
    pub max_file_bytes: Option<u64>,
}

impl Paths {
    fn settings(&self, file: &FileConfig) -> Settings {
        Settings {
            corpus: self
                .corpus
                .clone()
                .or(file.corpus.clone())
                .unwrap_or_else(|| "corpus".into()),
            index: self
                .index
                .clone()
                .or(file.index.clone())
                .unwrap_or_else(|| "index".into()),
            load: LoadOptions {
                max_file_bytes: self
                    .max_file_bytes
                    .or(file.max_file_bytes)
                    .unwrap_or(LoadOptions::default().max_file_bytes),
            },
            rebuild: self.rebuild,
        }
    }
}

/// Runs a command; the process exit code is the returned value.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    let file = FileConfig::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve {
            paths,
            addr,
            allowed_origins,
            public_url,
        } => {
            let public_url = crate::http::public_url::resolve(public_url, &file)?;
            let addr = addr
                .or(file.addr.clone())
                .unwrap_or_else(|| "127.0.0.1:8080".into());
            let defaults = HttpOptions::default();
            let options = HttpOptions {
                allowed_origins: if allowed_origins.is_empty() {
                    file.allowed_origins.clone().unwrap_or_default()
                } else {
                    allowed_origins
                },
                request_timeout: file
                    .request_timeout_secs
                    .map_or(defaults.request_timeout, std::time::Duration::from_secs),
                max_concurrent_requests: file
                    .max_concurrent_requests
                    .unwrap_or(defaults.max_concurrent_requests),
                header_read_timeout: file
                    .header_read_timeout_secs
                    .map_or(defaults.header_read_timeout, std::time::Duration::from_secs),
                public_url,
                admin_token: crate::gaps::cli::admin_token(&file),
                gaps: crate::gaps::cli::recorder(&file, &paths.settings(&file))?,
            };
            let recorder = options.gaps.clone();
            let (service, report) = start(&paths.settings(&file), false)?;
            tracing::info!(?report, "index up to date");
            let service = Arc::new(service);
            let _watching = crate::watch::watch(service.clone())?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(crate::http::serve(service.clone(), &addr, options))?;
            recorder.close();
            service.close()?;
            Ok(0)
        }
        Command::Index { paths } => {
            let (service, _) = start(&paths.settings(&file), true)?;
            service.close()?;
            Ok(0)
        }
        Command::Gaps {
            lang,
            domain,
            limit,
            paths,
        } => crate::gaps::cli::run(
            &file,
            &paths.settings(&file),
            lang.as_deref(),
            domain,
            limit,
        ),
        Command::Check { paths } => {
            let settings = paths.settings(&file);
            let loaded = content::load(&settings.corpus, &settings.load);
            for p in &loaded.problems {
                println!("{p}");
            }
            println!(
                "{} resources, {} files: {} errors, {} warnings",
                loaded.resources.len(),
                loaded.files,
                loaded.errors(),
                loaded.warnings()
            );
            Ok(if loaded.errors() > 0 { 1 } else { 0 })
        }
        Command::Bench { which } => match which {
            BenchCommand::Search {
                corpus,
                queries,
                http_requests,
            } => {
                crate::bench::search_bench(&corpus, queries, http_requests)?;
                Ok(0)
            }
            BenchCommand::Freshness { corpus, edits } => {
                let times = crate::bench::freshness(&corpus, edits)?;
                println!(
                    "freshness over {} edits of {}: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
                    times.len(),
                    corpus.display(),
                    crate::bench::percentile(&times, 50.0),
                    crate::bench::percentile(&times, 95.0),
                    times.last().copied().unwrap_or(f64::NAN)
                );
                Ok(0)
            }
        },
        Command::Eval { which } => {
            match which {
                EvalCommand::Judged {
                    set,
                    corpus,
                    ablation,
                    tune,
                    export,
                } => {
                    let service = Service::in_memory(&corpus)?;
                    let meta = service.meta();
                    if let Some(dir) = export {
                        crate::eval::export_judged(&service, &corpus, &set, &dir)?;
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
                                let options = crate::search::query::Options {
                                    title_bonus: title,
                                    phrase_bonus: phrase,
                                    ..crate::eval::eval_options()
                                };
                                let s = crate::eval::judged_scores(
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
                    let mut variants = vec![("profint", crate::eval::eval_options())];
                    if ablation {
                        variants.push((
                            "without vocabulary",
                            crate::search::query::Options {
                                expand: false,
                                ..crate::eval::eval_options()
                            },
                        ));
                    }
                    for (name, options) in variants {
                        let scores = crate::eval::judged_scores(
                            &service.index(),
                            meta.scope(),
                            &set,
                            options,
                        )?;
                        println!(
                            "{name}: nDCG@10 by language ({} queries)",
                            scores["all"].queries
                        );
                        for (lang, s) in &scores {
                            println!("  {lang:<4} nDCG@10 {:.4}  MAP@100 {:.4}  R@100 {:.4}  ({} queries)", s.ndcg10, s.map100, s.recall100, s.queries);
                        }
                    }
                }
                EvalCommand::Collection { dir, lang, run } => {
                    let lang =
                        Lang::parse(&lang).with_context(|| format!("unknown language `{lang}`"))?;
                    let started = Instant::now();
                    let s = crate::eval::collection(&dir, lang, run.as_deref())?;
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
        Command::GenCorpus {
            resources,
            out,
            seed,
            jsonl,
            queries,
        } => {
            let started = Instant::now();
            let files = crate::gen::generate(
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
        Command::Search {
            query,
            lang,
            domain,
            kind,
            limit,
            paths,
        } => {
            let lang = Lang::parse(&lang).with_context(|| {
                format!(
                    "unknown language `{lang}`; use one of {}",
                    crate::lang::known_codes()
                )
            })?;
            let (service, _) = start(&paths.settings(&file), false)?;
            let mut req = SearchRequest::new(&query, lang);
            req.domains = domain;
            req.per_page = limit.clamp(1, search::MAX_PER_PAGE);
            for k in kind {
                req.types.push(
                    content::ResourceType::parse(&k)
                        .with_context(|| format!("unknown type `{k}`"))?,
                );
            }
            let meta = service.meta();
            let answer = search::search(&service.index(), meta.scope(), &req)
                .map_err(|e| anyhow::anyhow!(e.message))?;
            println!(
                "{} results for «{}» ({}, {} ms)",
                answer.total, query, lang, answer.took_ms
            );
            for (i, hit) in answer.hits.iter().enumerate() {
                let fallback = if hit.fallback {
                    format!(" [{}]", hit.lang)
                } else {
                    String::new()
                };
                println!(
                    "{:>2}. {:<6.2} {:<14} {}{}  ({})",
                    i + 1,
                    hit.score,
                    hit.kind.as_str(),
                    hit.title,
                    fallback,
                    hit.id
                );
            }
            service.close()?;
            Ok(0)
        }
    }
}

/// Opens the service, with a progress bar on a terminal and a summary line when asked.
fn start(
    settings: &Settings,
    summary: bool,
) -> anyhow::Result<(Service, crate::index::SyncReport)> {
    let started = Instant::now();
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} indexing {pos}/{len} resources {wide_bar} {eta}",
        )
        .expect("valid template"),
    );
    let (service, report) = Service::start(settings.clone(), |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    if summary {
        let meta = service.meta();
        let errors = meta.errors();
        println!(
            "indexed {} resources from {} files ({} added, {} updated, {} removed, {} unchanged, {} kept at last good version); {} problems ({} errors); {:.2} s",
            service.index().num_resources(),
            meta.files,
            report.added,
            report.updated,
            report.removed,
            report.unchanged,
            report.kept,
            meta.problems.len(),
            errors,
            started.elapsed().as_secs_f64()
        );
    }
    Ok((service, report))
}
