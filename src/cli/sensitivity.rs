//! `polscore sensitivity`: how stable the ranking is when the weights move.

use std::path::PathBuf;

use rust_decimal::Decimal;

use super::{SUCCESS, load_rubric, write_output};
use crate::decimal::fixed;
use crate::diag::Diagnostics;
use crate::report::csv::cell;
use crate::sensitivity::{Settings, analyse};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// CSV, one row per programme (default)
    Csv,
    /// An aligned table for reading in a terminal
    Table,
    /// One self-contained HTML page with a rank-acceptability chart and the numbers
    Html,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rubric file (default: the built-in P/CVE rubric)
    #[arg(long, value_name = "FILE")]
    rubric: Option<PathBuf>,
    /// Ratings CSV (program_id,criterion_id,assessor,level,rationale); repeatable
    #[arg(long = "ratings", value_name = "CSV")]
    ratings: Vec<PathBuf>,
    /// Number of weight samples
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    samples: u32,
    /// Seed of the random generator: the same seed gives the same output
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Each weight is multiplied by a factor drawn from [1 − X, 1 + X], 0 ≤ X ≤ 1
    #[arg(long, value_name = "X", default_value = "0.25", value_parser = parse_spread)]
    spread: f64,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Write the result to FILE (atomically) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Programme descriptions (.toml, .md, .txt) or directories of them
    #[arg(required = true, value_name = "PROGRAM_OR_DIR")]
    programs: Vec<PathBuf>,
}

fn parse_spread(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("`{s}` is not a number from 0 to 1")),
    }
}

/// A sampled figure as a decimal with `dp` places.
fn figure(x: f64, dp: u32) -> String {
    Decimal::from_f64_retain(x)
        .map(|d| fixed(d, dp))
        .unwrap_or_default()
}

pub fn run(args: Args) -> Result<u8, Diagnostics> {
    let rubric = load_rubric(args.rubric.as_deref())?;
    let mut loaded = crate::load_programs(&args.programs, &rubric);
    let mut problems = loaded.problems;
    problems.extend(crate::ratings::attach(
        &args.ratings,
        &rubric,
        &mut loaded.programs,
    ));
    let (card, rejected) = crate::score(&rubric, &loaded.programs);
    problems.extend(rejected);
    if !problems.is_empty() {
        return Err(problems);
    }
    let settings = Settings {
        samples: args.samples as usize,
        seed: args.seed,
        spread: args.spread,
    };
    let result = analyse(&rubric, &card, settings);
    let n = card.rows.len();
    let mut header: Vec<String> = [
        "program_id",
        "base_rank",
        "mean_rank",
        "p5_rank",
        "p95_rank",
        "unranked_share",
    ]
    .map(String::from)
    .to_vec();
    header.extend((1..=n).map(|r| format!("rank_{r}_share")));
    header.extend(
        rubric
            .criteria
            .iter()
            .map(|c| format!("without_{}_rank", c.id)),
    );
    let rank = |r: Option<usize>| r.map(|r| r.to_string()).unwrap_or_default();
    let mut rows = vec![header];
    for r in &result {
        let mut row = vec![
            cell(&r.program_id),
            rank(r.base_rank),
            r.mean_rank.map(|m| figure(m, 2)).unwrap_or_default(),
            rank(r.p5_rank),
            rank(r.p95_rank),
            figure(r.unranked_share, 4),
        ];
        row.extend(r.rank_shares.iter().map(|s| figure(*s, 4)));
        row.extend(r.without.iter().map(|w| rank(*w)));
        rows.push(row);
    }
    let bytes = match args.format {
        Format::Csv => {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            for row in &rows {
                w.write_record(row).expect("in memory");
            }
            w.into_inner().expect("in memory")
        }
        Format::Table => crate::report::aligned(&rows).into_bytes(),
        Format::Html => crate::report::html::sensitivity(&rubric, &card, &result, &settings),
    };
    write_output(args.output.as_ref(), &bytes)?;
    Ok(SUCCESS)
}
