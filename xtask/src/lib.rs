//! The library side of `cargo xtask`: benchmarks, ranking evaluation and the synthetic corpus
//! generator, usable from its tests.

pub mod bench;
pub mod eval;
pub mod gen;
