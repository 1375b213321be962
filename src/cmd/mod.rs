//! The commands, one file each: what `profint serve | index | check | search | import` do once
//! the command line is parsed ([`crate::cli`]) and the settings resolved ([`crate::config`]).

mod check;
mod import;
mod index;
mod search;
mod serve;

use crate::cli::{Cli, Command};
use crate::config::{Config, FileConfig};
use crate::service::{Service, Settings};
use std::time::Instant;

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
            let flags = crate::config::Flags {
                addr,
                allowed_origins,
                ..paths.flags()
            };
            serve::run(&file, Config::resolve(&file, flags), public_url)
        }
        Command::Gaps {
            lang,
            domain,
            limit,
            paths,
        } => {
            let settings = Config::resolve(&file, paths.flags()).settings;
            crate::gaps::cli::run(&file, &settings, lang.as_deref(), domain, limit)
        }
        Command::Index { paths } => index::run(&one_shot(Config::resolve(&file, paths.flags()))),
        Command::Check { paths } => check::run(&Config::resolve(&file, paths.flags()).settings),
        Command::Search {
            query,
            lang,
            domain,
            kind,
            limit,
            paths,
        } => {
            let settings = one_shot(Config::resolve(&file, paths.flags()));
            search::run(&settings, &query, &lang, domain, &kind, limit)
        }
        Command::Import { which } => import::run(which),
    }
}

/// The settings of a command that exits when done (`index`, `search`): without the semantic
/// model, whose vectors are computed in the background after start-up and would never be
/// ready (nor worth loading 80 MB for) before the command ends.
fn one_shot(config: Config) -> Settings {
    Settings {
        model: None,
        ..config.settings
    }
}

/// Opens the service, with a progress bar on a terminal; `walk`: when the files changed
/// while it was stopped are looked for (a server leaves it to its watcher).
fn open(
    settings: &Settings,
    walk: crate::content::Walk,
) -> anyhow::Result<(Service, crate::index::SyncReport)> {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} indexing {pos}/{len} resources {wide_bar} {eta}",
        )
        .expect("valid template"),
    );
    let opened = Service::open(settings.clone(), walk, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    opened
}

/// Writes a command's output to stdout, line by line. A reader that goes away (`| head`) ends
/// the output quietly instead of panicking as `println!` would.
struct Output(std::io::StdoutLock<'static>);

impl Output {
    fn new() -> Output {
        Output(std::io::stdout().lock())
    }

    fn line(&mut self, text: impl std::fmt::Display) -> std::io::Result<()> {
        use std::io::Write;
        writeln!(self.0, "{text}")
    }
}

/// Whether an output error only says that the reader stopped reading.
fn reader_gone(err: &std::io::Error) -> bool {
    err.kind() == std::io::ErrorKind::BrokenPipe
}

/// Seconds since `started`, for summaries.
fn seconds(started: Instant) -> f64 {
    started.elapsed().as_secs_f64()
}
