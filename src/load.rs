//! Loading the programs an invocation names: description files found below the arguments,
//! each read and bound to the rubric, with every problem reported at once and duplicate ids
//! refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::bind::{self, Bound};
use crate::diag::Diagnostic;
use crate::diag::{Diagnostics, Limits};
use crate::program;
use crate::rubric::Rubric;

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
            problems.push(duplicate_id(id, paths.iter().copied()));
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

/// The diagnostic for descriptions that share an id.
pub fn duplicate_id<'a>(id: &str, paths: impl Iterator<Item = &'a Path>) -> Diagnostic {
    Diagnostic::new(format!(
        "program id `{id}` is used by {}",
        paths
            .map(|p| format!("`{}`", p.display()))
            .collect::<Vec<_>>()
            .join(" and ")
    ))
    .with_hint("program ids must be unique: change `id` in one file, or rename a plain-text file")
}
