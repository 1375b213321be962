//! The four languages of the platform. A closed set: every analyzer, UI string file and
//! index field exists once per language, so an unknown code is an error, never a guess.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
    It,
    Sv,
}

impl Lang {
    /// In the order the platform lists them: French first, as the originals are French.
    /// How many languages there are: the size of every per-language table.
    pub const COUNT: usize = 4;
    pub const ALL: [Lang; Lang::COUNT] = [Lang::Fr, Lang::En, Lang::It, Lang::Sv];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::It => "it",
            Lang::Sv => "sv",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Position in [`Lang::ALL`], used for bit masks.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The language's own name, for language switchers and badges.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
            Lang::It => "Italiano",
            Lang::Sv => "Svenska",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The language to show a text in to someone who asked for `wanted`: `wanted` if the text is
/// written in it, else the first language of the site's `fallback` order it is written in,
/// else its `original`.
pub fn shown(wanted: Lang, fallback: &[Lang], original: Lang, has: impl Fn(Lang) -> bool) -> Lang {
    std::iter::once(wanted)
        .chain(fallback.iter().copied())
        .find(|l| has(*l))
        .unwrap_or(original)
}

/// Comma-separated list of the known codes, for error messages that say how to fix things.
pub fn known_codes() -> String {
    Lang::ALL.map(Lang::code).join(", ")
}
