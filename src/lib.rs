//! profint: search for the PROFINT professionalisation platform.
//!
//! Data flows one way: corpus → [`content`] → [`analysis`] → [`index`] → [`search`] →
//! [`http`]. [`service`] holds what a running instance knows; [`cli`] drives it.

pub mod analysis;
pub mod bench;
pub mod cli;
pub mod config;
pub mod content;
pub mod error;
pub mod eval;
pub mod gaps;
pub mod gen;
pub mod http;
pub mod i18n;
pub mod index;
pub mod lang;
pub mod render;
pub mod search;
pub mod service;
pub mod watch;
