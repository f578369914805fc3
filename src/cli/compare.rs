//! `polscore compare`: two wide scorecards, programme by programme and criterion by criterion.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;

use super::sheet::SheetArgs;
use super::{SUCCESS, write_output};
use polscore::compare::{compare, read_card, table};
use polscore::diag::{Diagnostic, Diagnostics, Limits};
use polscore::report::csv::write;

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
    #[command(flatten)]
    sheet: SheetArgs,
}

impl Args {
    /// Spreadsheet options given with a format that is not CSV.
    pub fn sheet_misuse(&self) -> Option<String> {
        self.sheet
            .misuse(self.format, self.format == Format::Csv, "--format csv")
    }
}

pub fn run(args: Args, limits: &Limits) -> Result<u8, Diagnostics> {
    let (old, new) = match (read_card(&args.old, limits), read_card(&args.new, limits)) {
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
        Format::Csv => write(&args.sheet.style(), &cells),
        Format::Table => polscore::report::aligned(&cells).into_bytes(),
    };
    if old.digest != new.digest && super::chatty() {
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
