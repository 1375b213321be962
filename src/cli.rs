//! Command line: `profint serve | index | check | search`, with env fallbacks for each flag.

use crate::content::{self, LoadOptions};
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
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the search UI and JSON API, keeping the index up to date with the corpus.
    Serve {
        #[command(flatten)]
        paths: Paths,
        /// Address to listen on.
        #[arg(long, env = "PROFINT_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
    },
    /// Build the index, or bring it up to date with the corpus, and exit.
    Index {
        #[command(flatten)]
        paths: Paths,
    },
    /// Validate the corpus: print every problem; exit 1 if there are errors.
    Check {
        /// Content folder.
        #[arg(long, env = "PROFINT_CORPUS", default_value = "corpus")]
        corpus: PathBuf,
        /// Largest content file accepted, in bytes.
        #[arg(long, env = "PROFINT_MAX_FILE_BYTES", default_value_t = LoadOptions::default().max_file_bytes)]
        max_file_bytes: u64,
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
    /// Benchmarks (figures printed as medians and percentiles; see BENCHMARKS.md).
    Bench {
        #[command(subcommand)]
        which: BenchCommand,
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

#[derive(Args, Debug, Clone)]
pub struct Paths {
    /// Content folder.
    #[arg(long, env = "PROFINT_CORPUS", default_value = "corpus")]
    pub corpus: PathBuf,
    /// Index folder.
    #[arg(long, env = "PROFINT_INDEX", default_value = "index")]
    pub index: PathBuf,
    /// Throw the index away and build it again from the corpus.
    #[arg(long)]
    pub rebuild: bool,
    /// Largest content file accepted, in bytes.
    #[arg(long, env = "PROFINT_MAX_FILE_BYTES", default_value_t = LoadOptions::default().max_file_bytes)]
    pub max_file_bytes: u64,
}

impl Paths {
    fn settings(&self) -> Settings {
        Settings {
            corpus: self.corpus.clone(),
            index: self.index.clone(),
            load: LoadOptions {
                max_file_bytes: self.max_file_bytes,
            },
            rebuild: self.rebuild,
        }
    }
}

/// Runs a command; the process exit code is the returned value.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Serve { paths, addr } => {
            let (service, report) = start(&paths, false)?;
            tracing::info!(?report, "index up to date");
            let service = Arc::new(service);
            let _watching = crate::watch::watch(service.clone())?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(crate::http::serve(service.clone(), &addr))?;
            service.close()?;
            Ok(0)
        }
        Command::Index { paths } => {
            let (service, _) = start(&paths, true)?;
            service.close()?;
            Ok(0)
        }
        Command::Check {
            corpus,
            max_file_bytes,
        } => {
            let loaded = content::load(&corpus, &LoadOptions { max_file_bytes });
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
            let (service, _) = start(&paths, false)?;
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
            let answer = search::search(&service.index, &meta.domains, &req)
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
            Ok(0)
        }
    }
}

/// Opens the service, with a progress bar on a terminal and a summary line when asked.
fn start(paths: &Paths, summary: bool) -> anyhow::Result<(Service, crate::index::SyncReport)> {
    let started = Instant::now();
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} indexing {pos}/{len} resources {wide_bar} {eta}",
        )
        .expect("valid template"),
    );
    let (service, report) = Service::start(paths.settings(), |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    if summary {
        let meta = service.meta();
        let errors = meta
            .problems
            .iter()
            .filter(|p| p.problem.is_error())
            .count();
        println!(
            "indexed {} resources from {} files ({} added, {} updated, {} removed, {} unchanged, {} kept at last good version); {} problems ({} errors); {:.2} s",
            service.index.num_resources(),
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
