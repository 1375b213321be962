//! profint: search for the PROFINT professionalisation platform.
//!
//! Data flows one way: corpus → [`content`] → [`analysis`] → [`index`] → [`search`] →
//! [`http`]. [`service`] holds what a running instance knows; [`cli`] drives it. [`import`]
//! writes a corpus from another platform's export.

pub mod analysis;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod gaps;
pub mod http;
pub mod i18n;
pub mod import;
pub mod index;
pub mod lang;
pub mod render;
pub mod search;
pub mod semantic;
pub mod service;
pub mod watch;
