//! polscore: score programmes that prevent and counter violent extremism against TOML rubrics,
//! and write scorecards in which every number can be traced to its evidence.
//!
//! Data flows one way: files → validated [`rubric::Rubric`] and [`program::Program`] →
//! evidence ([`evidence`], [`assess`]) → levels and totals ([`scoring`]) → bytes ([`report`]).
//! The library never prints: the command line, in the binary (`src/main.rs`, `src/cli/`), is the edge that does.

#![deny(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

pub mod agreement;
pub mod assess;
pub mod bind;
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
pub mod shapes;
pub mod tomlfile;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bind::Bound;
use diag::{Diagnostic, Diagnostics, Limits};
use rubric::Rubric;
use scoring::Scorecard;

/// Programs loaded from the command line's arguments and bound to a rubric, and the problems
/// met on the way.
#[derive(Debug, Default)]
pub struct Loaded {
    pub programs: Vec<Bound>,
    /// Errors: the programs they concern are left out.
    pub problems: Diagnostics,
    /// Warnings, such as assessments of another rubric's criteria that were ignored.
    pub warnings: Diagnostics,
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

/// Reads one description and binds it to `rubric`: the program, or every problem it has
/// (those of the file and those it has with this rubric, at once); warnings either way.
pub fn load_one(path: &Path, rubric: &Rubric, limits: &Limits) -> (Option<Bound>, Diagnostics) {
    let (program, mut problems) = program::load(path, limits);
    let Some(program) = program else {
        return (None, problems);
    };
    let (bound, bind_problems) = bind::bind(rubric, program);
    problems.extend(bind_problems);
    if problems.has_errors() {
        return (None, problems);
    }
    (bound, problems)
}

/// Loads every program the arguments name (files or directories) and binds it to `rubric`.
/// Programs with problems, and every program whose id another also uses, are left out and
/// reported.
pub fn load_programs(args: &[PathBuf], rubric: &Rubric, limits: &Limits) -> Loaded {
    let (files, mut problems) = description_files(args);
    let mut programs: Vec<Bound> = Vec::new();
    let mut warnings = Diagnostics::default();
    for f in &files {
        let (bound, mut found) = load_one(f, rubric, limits);
        warnings.extend(found.take_warnings());
        problems.extend(found);
        programs.extend(bound);
    }
    let mut by_id: BTreeMap<&str, Vec<&Path>> = BTreeMap::new();
    for p in &programs {
        by_id
            .entry(&p.program().id)
            .or_default()
            .push(&p.program().path);
    }
    let duplicated: Vec<String> = by_id
        .iter()
        .filter(|(_, paths)| paths.len() > 1)
        .map(|(id, paths)| {
            problems.push(corpus::duplicate_id(id, paths.iter().copied()));
            id.to_string()
        })
        .collect();
    programs.retain(|p| !duplicated.contains(&p.program().id));
    Loaded {
        programs,
        problems,
        warnings,
    }
}

/// Scores and ranks programs. A program that the rubric's `missing = "error"` policy rejects is
/// left out and reported.
pub fn score(rubric: &Rubric, programs: &[Bound]) -> (Scorecard, Diagnostics) {
    let mut problems = Diagnostics::default();
    let mut rows = Vec::new();
    for p in programs {
        match assess::score(rubric, p) {
            (row, None) => rows.push(row),
            (_, Some(refused)) => problems.push(refused),
        }
    }
    scoring::rank(&mut rows);
    (Scorecard { rows }, problems)
}

/// The diagnostic for a program with missing criteria under `missing = "error"`.
pub fn missing_error(p: &program::Program, missing: &[(String, String)]) -> Diagnostic {
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
