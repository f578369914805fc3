//! Program descriptions (SPEC §4): TOML or plain text, into text, facts and assessments.
//!
//! Reading a description needs no rubric: `load` turns a file into a [`Program`], whose
//! assessments are [`Stated`] as written. Whether they fit a rubric (a criterion it has, a
//! level on its scale, a currency it has a rate for) is decided by `crate::bind`.
//!
//! `raw` holds the file as written, `load` reads it into the model below, `text` locates each
//! byte of a narrative in its file.

mod load;
mod raw;
mod text;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::diag::SourceFile;

pub use load::{expand_noting_links, id_from_stem, is_description, load, parse};
pub(crate) use raw::RawFile;
pub use text::Text;

/// A programme ready to score.
#[derive(Debug, Clone)]
pub struct Program {
    pub id: String,
    pub name: String,
    pub country: String,
    pub region: String,
    pub period: String,
    /// The description file.
    pub path: PathBuf,
    /// The description file as read, for messages about its facts and assessments.
    pub file: Arc<SourceFile>,
    pub text: Option<Text>,
    pub sources: Vec<SourceRef>,
    pub facts: BTreeMap<String, Fact>,
    /// Assessments as the description states them, by criterion id.
    pub assessments: Vec<Stated>,
}

/// A numeric fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub value: Decimal,
    /// A three-letter capitalised unit is a currency; anything else is a label.
    pub unit: Option<String>,
    pub source: Option<String>,
    /// Where the unit (or, without one, the fact's name) is written, for messages.
    pub unit_span: Range<usize>,
}

impl Fact {
    /// The ISO 4217 currency of a money fact.
    pub fn currency(&self) -> Option<&str> {
        self.unit
            .as_deref()
            .filter(|u| u.len() == 3 && u.chars().all(|c| c.is_ascii_uppercase()))
    }
}

/// A cited source.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceRef {
    pub title: String,
    pub url: String,
    pub published: String,
}

/// An analyst's judgement of one criterion as a description states it, before it is checked
/// against a rubric.
#[derive(Debug, Clone)]
pub struct Stated {
    /// The criterion id, as written.
    pub criterion: String,
    pub criterion_span: Range<usize>,
    /// The level as written (any decimal), and where.
    pub level: Option<(Decimal, Range<usize>)>,
    /// Trimmed; may be empty (which binding reports).
    pub rationale: String,
    /// Where the rationale is written, or the whole table without one.
    pub rationale_span: Range<usize>,
    pub assessor: String,
    pub evidence: Vec<String>,
    pub override_level: bool,
    pub not_applicable: bool,
    /// The whole `[assessments.<id>]` table.
    pub span: Range<usize>,
    /// The description file.
    pub file: Arc<SourceFile>,
}

/// An analyst's judgement of one criterion, checked against a rubric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// None only when `not_applicable`.
    pub level: Option<i64>,
    pub rationale: String,
    pub assessor: String,
    pub evidence: Vec<String>,
    pub override_level: bool,
    pub not_applicable: bool,
    /// Where it was written, as `file:line`.
    pub origin: String,
}
