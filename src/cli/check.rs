//! `polscore check`: validate rubrics and programme descriptions without scoring.
//!
//! A `.toml` file is a rubric when it has a `[rubric]` table and a program when it has a
//! `[program]` table; `.md` and `.txt` files are programs. Programs are checked against the
//! rubric named by `--rubric`, else against the one rubric among the files, else against the
//! built-in rubric, because some of their problems (an unknown criterion, a level off the
//! scale) only exist for a rubric.

use std::io::Write;
use std::path::PathBuf;

use super::{SUCCESS, load_rubric};
use polscore::diag::{Diagnostic, Diagnostics, Limits, SourceFile};
use polscore::rubric::{self, Rubric};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Check programmes against this rubric (default: the one rubric among FILES, else the
    /// built-in one)
    #[arg(long, value_name = "FILE")]
    rubric: Option<PathBuf>,
    /// Rubrics, programme descriptions, or directories of them
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

enum Kind {
    Rubric,
    Program,
}

fn kind(file: &SourceFile) -> Result<Kind, Diagnostics> {
    let ext = file
        .path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if ext.as_deref() != Some("toml") {
        return Ok(Kind::Program);
    }
    let table: toml::Table = polscore::tomlfile::parse(file)?;
    match (table.contains_key("rubric"), table.contains_key("program")) {
        (true, false) => Ok(Kind::Rubric),
        (false, true) => Ok(Kind::Program),
        (true, true) => Err(
            Diagnostic::new("the file has both a [rubric] and a [program] table")
                .in_file(&file.path)
                .with_hint("keep rubrics and program descriptions in separate files")
                .into(),
        ),
        (false, false) => Err(Diagnostic::new(
            "the file is neither a rubric nor a program description",
        )
        .in_file(&file.path)
        .with_hint("a rubric starts with a [rubric] table, a program description with [program]")
        .into()),
    }
}

pub fn run(args: Args, limits: &Limits) -> Result<u8, Diagnostics> {
    let (files, mut problems) = polscore::description_files(&args.files);
    let mut rubrics: Vec<(PathBuf, Rubric)> = Vec::new();
    let mut programs = Vec::new();
    for path in files {
        let file = match SourceFile::read(&path, limits) {
            Ok(f) => f,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        match kind(&file) {
            Ok(Kind::Rubric) => match rubric::parse(&file) {
                Ok(r) => rubrics.push((path, r)),
                Err(d) => problems.extend(d),
            },
            Ok(Kind::Program) => programs.push(path),
            Err(d) => problems.extend(d),
        }
    }
    let against = match (&args.rubric, rubrics.as_slice()) {
        (Some(p), _) => Some(load_rubric(Some(p), limits)?),
        (None, [(_, only)]) => Some(only.clone()),
        (None, []) => Some(rubric::builtin()),
        // Several rubrics and no --rubric: programs are checked against each.
        (None, _) => None,
    };
    let targets: Vec<&Rubric> = match &against {
        Some(r) => vec![r],
        None => rubrics.iter().map(|(_, r)| r).collect(),
    };
    let mut program_count = 0;
    for r in targets {
        let loaded = polscore::load_programs(&programs, r, limits);
        program_count = program_count.max(loaded.programs.len());
        problems.extend(loaded.problems);
        super::warn(&loaded.warnings);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if !super::chatty() {
        return Ok(SUCCESS);
    }
    let mut err = std::io::stderr().lock();
    for (path, r) in &rubrics {
        let _ = writeln!(
            err,
            "ok: {} (rubric `{}` {}, {} criteria, {})",
            path.display(),
            r.id,
            r.version,
            r.criteria.len(),
            r.digest()
        );
    }
    let _ = writeln!(
        err,
        "ok: {} rubric{} and {} program description{} checked, no problems",
        rubrics.len(),
        if rubrics.len() == 1 { "" } else { "s" },
        program_count,
        if program_count == 1 { "" } else { "s" }
    );
    Ok(SUCCESS)
}
