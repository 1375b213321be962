//! Any bytes as a content file: the parser reports a problem or a front matter, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((fm, yaml, _body)) = profint::content::parse_source("cases/fuzz.fr.md", data) {
        let _ = profint::content::front_matter::line_of_key(&yaml, "domain");
        let _ = fm.title;
    }
});
