//! `polscore template`: a blank ratings CSV for analysts to fill in a spreadsheet.
//!
//! One row per programme and rating criterion (with `--all`, every criterion, for overrides),
//! the five columns `--ratings` reads, then read-only help columns: the criterion's name and
//! question, its scale with each level's descriptor, and the computed level where there is one.

use std::path::PathBuf;

use super::sheet::SheetArgs;
use super::{SUCCESS, load_rubric, write_output};
use polscore::diag::{Diagnostics, Limits};
use polscore::report::csv::{Cell, write};
use polscore::rubric::{Method, Rubric};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rubric file (default: the built-in P/CVE rubric)
    #[arg(long, value_name = "FILE")]
    rubric: Option<PathBuf>,
    /// A row for every criterion, with an `override` column, not only rating criteria
    #[arg(long)]
    all: bool,
    /// Write the template to FILE (atomically) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Programme descriptions (.toml, .md, .txt) or directories of them
    #[arg(required = true, value_name = "PROGRAM_OR_DIR")]
    programs: Vec<PathBuf>,
    #[command(flatten)]
    sheet: SheetArgs,
}

/// "0 Absent: descriptor | 1 Weak: ..." for a criterion.
fn scale_help(rubric: &Rubric, c: &polscore::rubric::Criterion) -> String {
    let s = &rubric.scale;
    (s.min..=s.max)
        .map(|l| {
            // Descriptors usually name their level already ("Weak: ..."); labels are the
            // fallback when a rubric has none.
            match (c.descriptors.get((l - s.min) as usize), s.label(l)) {
                (Some(d), _) => format!("{l}: {d}"),
                (None, Some(label)) => format!("{l}: {label}"),
                (None, None) => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

pub fn run(args: Args, limits: &Limits) -> Result<u8, Diagnostics> {
    let rubric = load_rubric(args.rubric.as_deref(), limits)?;
    let loaded = polscore::load_programs(&args.programs, &rubric, limits);
    super::warn(&loaded.warnings);
    if !loaded.problems.is_empty() {
        return Err(loaded.problems);
    }
    let mut programs = loaded.programs;
    programs.sort_by(|a, b| a.program().id.cmp(&b.program().id));
    let mut header = vec![
        "program_id",
        "criterion_id",
        "assessor",
        "level",
        "rationale",
    ];
    if args.all {
        header.push("override");
    }
    header.extend(["criterion_name", "question", "scale", "computed_level"]);
    let mut rows = vec![header.into_iter().map(Cell::text).collect::<Vec<_>>()];
    for bound in &programs {
        let p = bound.program();
        let (scored, _) = polscore::assess::score(&rubric, bound);
        for (c, s) in rubric.criteria.iter().zip(&scored.criteria) {
            let rating = matches!(c.method, Method::Rating);
            if !rating && !args.all {
                continue;
            }
            // The assessor, level and rationale are for the analyst to fill in.
            let mut rec = vec![
                Cell::text(&p.id),
                Cell::text(&c.id),
                Cell::text(""),
                Cell::text(""),
                Cell::text(""),
            ];
            if args.all {
                rec.push(Cell::text(if rating { "" } else { "true" }));
            }
            rec.push(Cell::text(&c.name));
            rec.push(Cell::text(&c.question));
            rec.push(Cell::text(scale_help(&rubric, c)));
            rec.push(Cell::opt_number(s.computed));
            rows.push(rec);
        }
    }
    let bytes = write(&args.sheet.style(), &rows);
    write_output(args.output.as_ref(), &bytes)?;
    Ok(SUCCESS)
}
