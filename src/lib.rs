//! polscore: score programmes that prevent and counter violent extremism against TOML rubrics,
//! and write scorecards in which every number can be traced to its evidence.
//!
//! Data flows one way: files → validated [`rubric::Rubric`] and [`program::Program`] →
//! evidence ([`evidence`], [`assess`]) → levels and totals ([`scoring`]) → bytes ([`report`]).
//! The library never prints; [`cli`] is the edge that does.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod agreement;
pub mod assess;
pub mod cli;
pub mod compare;
pub mod corpus;
pub mod decimal;
pub mod diag;
pub mod evidence;
pub mod formula;
pub mod program;
pub mod ratings;
pub mod report;
pub mod rubric;
pub mod schema;
pub mod scoring;
pub mod sensitivity;
mod tomlfile;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use diag::{Diagnostic, Diagnostics};
use program::Program;
use rubric::Rubric;
use scoring::Scorecard;

/// Programs loaded from the command line's arguments, and the problems met on the way.
#[derive(Debug, Default)]
pub struct Loaded {
    pub programs: Vec<Program>,
    pub problems: Diagnostics,
}

/// Every description file the arguments name, sorted and without repeats.
pub fn description_files(args: &[PathBuf]) -> (Vec<PathBuf>, Diagnostics) {
    let mut problems = Diagnostics::default();
    let mut files = Vec::new();
    let mut linked = false;
    for arg in args {
        match program::expand_noting_links(arg) {
            Ok((found, links)) => {
                files.extend(found);
                linked |= links;
            }
            Err(d) => problems.push(d),
        }
    }
    files.sort();
    files.dedup();
    // The same file reached by two spellings (`a/x.toml`, `./a/x.toml`, or through a link) is
    // read once. Arguments that do not overlap, without links, cannot reach a file twice:
    // then resolving every path (system calls, and memory) is saved.
    // Sorted by component, a path's descendants come right after it: neighbours suffice.
    let mut roots: Vec<PathBuf> = args.iter().filter_map(|a| a.canonicalize().ok()).collect();
    roots.sort();
    let overlap = roots.windows(2).any(|w| w[1].starts_with(&w[0]));
    if overlap || linked {
        let mut seen = std::collections::BTreeSet::new();
        files.retain(|f| seen.insert(f.canonicalize().unwrap_or_else(|_| f.clone())));
    }
    (files, problems)
}

/// Loads every program the arguments name (files or directories) for scoring with `rubric`.
/// Programs with problems, and every program whose id another also uses, are left out and
/// reported.
pub fn load_programs(args: &[PathBuf], rubric: &Rubric) -> Loaded {
    let (files, mut problems) = description_files(args);
    let mut programs: Vec<Program> = Vec::new();
    for f in &files {
        match program::load(f, rubric) {
            Ok(p) => programs.push(p),
            Err(d) => problems.extend(d),
        }
    }
    let mut by_id: BTreeMap<&str, Vec<&Path>> = BTreeMap::new();
    for p in &programs {
        by_id.entry(&p.id).or_default().push(&p.path);
    }
    let duplicated: Vec<String> = by_id
        .iter()
        .filter(|(_, paths)| paths.len() > 1)
        .map(|(id, paths)| {
            problems.push(corpus::duplicate_id(id, paths.iter().copied()));
            id.to_string()
        })
        .collect();
    programs.retain(|p| !duplicated.contains(&p.id));
    Loaded { programs, problems }
}

/// Scores and ranks programs. A program that the rubric's `missing = "error"` policy rejects is
/// left out and reported.
pub fn score(rubric: &Rubric, programs: &[Program]) -> (Scorecard, Diagnostics) {
    let mut problems = Diagnostics::default();
    let mut rows = Vec::new();
    for p in programs {
        let mut row = assess::score_program(rubric, p);
        match scoring::aggregate(rubric, &mut row) {
            Ok(()) => rows.push(row),
            Err(missing) => problems.push(missing_error(p, &missing)),
        }
    }
    scoring::rank(&mut rows);
    (Scorecard { rows }, problems)
}

/// The diagnostic for a program with missing criteria under `missing = "error"`.
pub fn missing_error(p: &Program, missing: &[(String, String)]) -> Diagnostic {
    Diagnostic::new(format!(
        "program `{}` has missing criteria, which the rubric's `missing = \"error\"` forbids: {}",
        p.id,
        missing
            .iter()
            .map(|(id, why)| format!("`{id}` ({why})"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .in_file(&p.path)
    .with_hint("add the evidence, facts or assessments, or mark a criterion not_applicable")
}
