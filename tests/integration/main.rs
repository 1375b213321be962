//! profint's integration tests: one binary, shared helpers in `support`, fixture corpora in
//! `tests/fixtures/`. See `tests/README.md` for how to add a test.

mod analysis;
mod api;
mod bad_content;
mod basket;
mod browser;
mod cli;
mod deploy;
mod gaps;
mod hardening;
mod import;
mod keyboard;
mod layout;
mod pack;
mod pages;
mod precision;
mod public_url;
mod reliability;
mod semantic;
mod startup;
mod support;
mod watch;
mod webdriver;
mod widget;
