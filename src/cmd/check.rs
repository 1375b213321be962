//! `profint check`: validate the corpus, print every problem with its path and line; exit 1
//! when there are errors.

use crate::content;
use crate::service::Settings;

pub fn run(settings: &Settings) -> anyhow::Result<i32> {
    let loaded = content::load(&settings.corpus, &settings.load);
    let code = if loaded.errors() > 0 { 1 } else { 0 };
    let mut out = super::Output::new();
    let printed = loaded
        .problems
        .iter()
        .try_for_each(|p| out.line(p))
        .and_then(|()| {
            out.line(format_args!(
                "{} resources, {} files: {} errors, {} warnings",
                loaded.resources.len(),
                loaded.files,
                loaded.errors(),
                loaded.warnings()
            ))
        });
    match printed {
        Err(e) if !super::reader_gone(&e) => Err(e.into()),
        _ => Ok(code),
    }
}
