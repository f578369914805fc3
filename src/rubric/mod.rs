//! Rubrics: what is judged, how, and on which scale (SPEC §3).
//!
//! `raw` holds the file as written, `load` validates it into `model`, `digest` fingerprints
//! the result.

mod digest;
mod load;
mod model;
pub(crate) mod raw;

use std::path::Path;

pub use digest::canonical;
pub use load::{
    DEFAULT_CUES, DEFAULT_POST_CUES, DEFAULT_PSEUDO, DEFAULT_TERMINATORS, DEFAULT_WINDOW,
};
pub use model::*;

use crate::diag::{Diagnostics, Limits, SourceFile};

/// The built-in P/CVE rubric, compiled in from `rubrics/pcve.toml`.
pub const BUILTIN_TOML: &str = include_str!("../../rubrics/pcve.toml");
/// How the built-in rubric is named in messages.
pub const BUILTIN_PATH: &str = "<built-in>/rubrics/pcve.toml";

/// Parses and validates a rubric already read into memory.
pub fn parse(file: &SourceFile) -> Result<Rubric, Diagnostics> {
    let raw: raw::RubricFile = crate::tomlfile::parse(file)?;
    load::validate(file, raw)
}

/// Reads, parses and validates a rubric file.
pub fn load(path: &Path, limits: &Limits) -> Result<Rubric, Diagnostics> {
    parse(&SourceFile::read(path, limits)?)
}

/// The built-in rubric.
pub fn builtin() -> Rubric {
    parse(&SourceFile::new(BUILTIN_PATH, BUILTIN_TOML.to_string()))
        .expect("the built-in rubric is valid (tested)")
}
