//! `polscore compare`: two wide scorecards, programme by programme and criterion by criterion.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;

use super::{SUCCESS, write_output};
use crate::compare::{compare, read_card, table};
use crate::diag::{Diagnostic, Diagnostics};
use crate::report::csv::cell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// CSV, one row per programme (default)
    Csv,
    /// An aligned table for reading in a terminal
    Table,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The earlier wide scorecard
    #[arg(value_name = "OLD.csv")]
    old: PathBuf,
    /// The later wide scorecard
    #[arg(value_name = "NEW.csv")]
    new: PathBuf,
    /// Compare scorecards made with different rubrics, over the criteria both share
    #[arg(long)]
    allow_rubric_change: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Write the comparison to FILE (atomically) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<u8, Diagnostics> {
    let (old, new) = match (read_card(&args.old), read_card(&args.new)) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let mut d = Diagnostics::default();
            d.extend(o.err().unwrap_or_default());
            d.extend(n.err().unwrap_or_default());
            return Err(d);
        }
    };
    if old.digest != new.digest && !args.allow_rubric_change {
        return Err(Diagnostic::new(format!(
            "the scorecards were made with different rubrics: `{}` has {}, `{}` has {}",
            args.old.display(),
            old.digest,
            args.new.display(),
            new.digest
        ))
        .with_hint("their totals are not comparable; pass --allow-rubric-change to compare the criteria both share")
        .into());
    }
    let comparison = compare(&old, &new);
    let cells = table(&comparison);
    let bytes = match args.format {
        Format::Csv => {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            for (i, row) in cells.iter().enumerate() {
                // Headers and program ids are text; every other cell is a number, a keyword or
                // empty.
                let row: Vec<String> = row
                    .iter()
                    .enumerate()
                    .map(|(j, c)| if i == 0 || j == 0 { cell(c) } else { c.clone() })
                    .collect();
                w.write_record(&row).expect("in memory");
            }
            w.into_inner().expect("in memory")
        }
        Format::Table => crate::report::aligned(&cells).into_bytes(),
    };
    if old.digest != new.digest {
        let dropped = if comparison.dropped.is_empty() {
            "none".to_string()
        } else {
            comparison
                .dropped
                .iter()
                .map(|(id, side)| format!("`{id}` (only in {side})"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            std::io::stderr().lock(),
            "note: different rubrics ({} → {}); compared the {} shared criteria; dropped: {dropped}",
            old.digest,
            new.digest,
            comparison.criteria.len()
        );
    }
    write_output(args.output.as_ref(), &bytes)?;
    Ok(SUCCESS)
}
