//! `profint gaps`: the searches professionals made on several days that found nothing or
//! only weak results, for editors deciding what to write next.

use crate::config::FileConfig;
use crate::service::Settings;

pub fn run(
    file: &FileConfig,
    settings: &Settings,
    lang: Option<&str>,
    domain: Option<String>,
    limit: usize,
) -> anyhow::Result<i32> {
    crate::gaps::cli::run(file, settings, lang, domain, limit)
}
