//! `polscore template`: a blank ratings CSV for analysts to fill in a spreadsheet.
//!
//! One row per programme and rating criterion (with `--all`, every criterion, for overrides),
//! the five columns `--ratings` reads, then read-only help columns: the criterion's name and
//! question, its scale with each level's descriptor, and the computed level where there is one.

use std::path::PathBuf;

use super::{SUCCESS, load_rubric, write_output};
use crate::diag::Diagnostics;
use crate::report::csv::cell;
use crate::rubric::{Method, Rubric};

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
}

/// "0 Absent: descriptor | 1 Weak: ..." for a criterion.
fn scale_help(rubric: &Rubric, c: &crate::rubric::Criterion) -> String {
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

pub fn run(args: Args) -> Result<u8, Diagnostics> {
    let rubric = load_rubric(args.rubric.as_deref())?;
    let loaded = crate::load_programs(&args.programs, &rubric);
    if !loaded.problems.is_empty() {
        return Err(loaded.problems);
    }
    let mut programs = loaded.programs;
    programs.sort_by(|a, b| a.id.cmp(&b.id));
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
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
    w.write_record(&header).expect("in memory");
    for p in &programs {
        let scored = crate::assess::score_program(&rubric, p);
        for (c, s) in rubric.criteria.iter().zip(&scored.criteria) {
            let rating = matches!(c.method, Method::Rating);
            if !rating && !args.all {
                continue;
            }
            let mut rec = vec![
                cell(&p.id),
                cell(&c.id),
                String::new(),
                String::new(),
                String::new(),
            ];
            if args.all {
                rec.push(if rating {
                    String::new()
                } else {
                    "true".to_string()
                });
            }
            rec.push(cell(&c.name));
            rec.push(cell(&c.question));
            rec.push(cell(&scale_help(&rubric, c)));
            rec.push(s.computed.map(|l| l.to_string()).unwrap_or_default());
            w.write_record(&rec).expect("in memory");
        }
    }
    let bytes = w.into_inner().expect("in memory");
    write_output(args.output.as_ref(), &bytes)?;
    Ok(SUCCESS)
}
