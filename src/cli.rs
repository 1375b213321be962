//! The command line's shape: `profint serve | index | check | search | import`, their flags
//! and environment variables. What each command does is in [`crate::cmd`]; how a setting is
//! chosen among flag, environment, `profint.toml` and default is in [`crate::config`].

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

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
    /// Model file of the semantic signal [default: model/e5-small-q4.bin]; absent means
    /// lexical ranking only.
    #[arg(long, env = "PROFINT_MODEL")]
    pub model: Option<PathBuf>,
}

impl Paths {
    /// What these flags say, for [`crate::config::Config::resolve`].
    pub fn flags(&self) -> crate::config::Flags {
        crate::config::Flags {
            corpus: self.corpus.clone(),
            index: self.index.clone(),
            rebuild: self.rebuild,
            max_file_bytes: self.max_file_bytes,
            model: self.model.clone(),
            ..Default::default()
        }
    }
}
