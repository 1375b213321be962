//! Command line: `profint serve | index | check | search | import | bench | gen-corpus`. Each
//! setting comes from its flag, else its environment variable, else `profint.toml`, else its
//! default.

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
    /// Bring content from another platform into a corpus folder.
    Import {
        #[command(subcommand)]
        which: ImportCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// A WordPress export (Tools → Export → All content), with Polylang or WPML translations;
    /// exits 1 when some posts could not be imported.
    Wordpress {
        /// The export file (WXR, `.xml`).
        export: PathBuf,
        /// The corpus folder to write into (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// Mapping file: post types and categories to resource types and domains (see the README).
        #[arg(long)]
        map: Option<PathBuf>,
        /// Language of posts without language information [default: the corpus's site.yaml, else fr].
        #[arg(long)]
        default_lang: Option<String>,
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
        } => {
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
            };
            let (service, report) = start(&paths.settings(&file), false)?;
            tracing::info!(?report, "index up to date");
            let service = Arc::new(service);
            let _watching = crate::watch::watch(service.clone())?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(crate::http::serve(service.clone(), &addr, options))?;
            service.close()?;
            Ok(0)
        }
        Command::Index { paths } => {
            let (service, _) = start(&paths.settings(&file), true)?;
            service.close()?;
            Ok(0)
        }
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
        Command::Import {
            which:
                ImportCommand::Wordpress {
                    export,
                    out,
                    map,
                    default_lang,
                },
        } => {
            let default_lang = match default_lang {
                Some(code) => Some(Lang::parse(&code).with_context(|| {
                    format!(
                        "unknown language `{code}`; use one of {}",
                        crate::lang::known_codes()
                    )
                })?),
                None => None,
            };
            crate::import::run_wordpress(&crate::import::Options {
                export,
                out,
                map,
                default_lang,
            })
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
