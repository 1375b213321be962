//! `profint import wordpress EXPORT.xml --out corpus/`: bring content from another platform.

use crate::cli::ImportCommand;
use crate::lang::Lang;
use anyhow::Context;

pub fn run(which: ImportCommand) -> anyhow::Result<i32> {
    let ImportCommand::Wordpress {
        export,
        out,
        map,
        default_lang,
    } = which;
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
