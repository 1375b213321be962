//! The stylesheet and page script from `views/`, embedded at build time and served under
//! names that carry their content hash, so browsers may cache them for a year.

use std::sync::OnceLock;

pub const CSS: &str = include_str!("../../views/style.css");
pub const JS: &str = include_str!("../../views/app.js");
/// The site's icon: pages link it, and `/favicon.ico` answers with it, so no browser asks
/// for an icon in vain.
pub const ICON: &str = include_str!("../../views/icon.svg");
pub const ICON_TYPE: &str = "image/svg+xml";

pub struct Urls {
    pub css: String,
    pub js: String,
    pub icon: String,
}

fn short_hash(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex()[..12].to_string()
}

pub fn urls() -> &'static Urls {
    static URLS: OnceLock<Urls> = OnceLock::new();
    URLS.get_or_init(|| Urls {
        css: format!("/assets/style.{}.css", short_hash(CSS)),
        js: format!("/assets/app.{}.js", short_hash(JS)),
        icon: format!("/assets/icon.{}.svg", short_hash(ICON)),
    })
}

/// The asset behind a hashed name, with its content type; `None` for any other name.
pub fn lookup(name: &str) -> Option<(&'static str, &'static str)> {
    let u = urls();
    if format!("/assets/{name}") == u.css {
        Some(("text/css; charset=utf-8", CSS))
    } else if format!("/assets/{name}") == u.js {
        Some(("text/javascript; charset=utf-8", JS))
    } else if format!("/assets/{name}") == u.icon {
        Some((ICON_TYPE, ICON))
    } else {
        None
    }
}
