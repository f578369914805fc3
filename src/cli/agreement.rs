//! `polscore agreement`: how far analysts agree, as Krippendorff's alpha (ordinal metric).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use rust_decimal::Decimal;

use super::sheet::SheetArgs;
use super::{SUCCESS, load_rubric, write_output};
use polscore::agreement::{Item, ordinal_alpha, pairable_values};
use polscore::decimal::fixed;
use polscore::diag::{Diagnostics, Limits};
use polscore::ratings::read_all;
use polscore::report::csv::{Cell, write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable report (default)
    Text,
    /// CSV, one row per criterion and one for all criteria together
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rubric file (default: the built-in P/CVE rubric)
    #[arg(long, value_name = "FILE")]
    rubric: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report to FILE (atomically) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Ratings CSV files (program_id,criterion_id,assessor,level,rationale)
    #[arg(required = true, value_name = "RATINGS.csv")]
    ratings: Vec<PathBuf>,
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

/// Agreement over one set of cells.
struct Row {
    scope: String,
    alpha: Option<f64>,
    items: usize,
    raters: usize,
    pairable: usize,
}

/// A cell whose raters differ by more than one level.
struct Disagreement {
    program_id: String,
    criterion_id: String,
    levels: Vec<(String, i64)>,
}

fn alpha_text(a: Option<f64>) -> String {
    a.and_then(Decimal::from_f64_retain)
        .map(|d| fixed(d, 3))
        .unwrap_or_default()
}

pub fn run(args: Args, limits: &Limits) -> Result<u8, Diagnostics> {
    let rubric = load_rubric(args.rubric.as_deref(), limits)?;
    let (ratings, warnings) = read_all(&args.ratings, &rubric, limits)?;
    super::warn(&warnings);
    // (criterion, program) -> [(assessor, level)]
    let mut cells: BTreeMap<(String, String), Vec<(String, i64)>> = BTreeMap::new();
    for r in &ratings {
        if let Some(level) = r.assessment.level.filter(|_| !r.assessment.not_applicable) {
            cells
                .entry((r.criterion_id.clone(), r.program_id.clone()))
                .or_default()
                .push((r.assessment.assessor.clone(), level));
        }
    }
    let summarise = |scope: String, selected: Vec<&Vec<(String, i64)>>| {
        let items: Vec<Item> = selected
            .iter()
            .map(|c| Item {
                levels: c.iter().map(|x| x.1).collect(),
            })
            .collect();
        let raters: BTreeSet<&str> = selected
            .iter()
            .flat_map(|c| c.iter().map(|x| x.0.as_str()))
            .collect();
        Row {
            scope,
            alpha: ordinal_alpha(&items),
            items: items.len(),
            raters: raters.len(),
            pairable: pairable_values(&items),
        }
    };
    let mut rows = Vec::new();
    for c in &rubric.criteria {
        let selected: Vec<_> = cells
            .iter()
            .filter(|((cid, _), _)| cid == &c.id)
            .map(|(_, v)| v)
            .collect();
        if !selected.is_empty() {
            rows.push(summarise(c.id.clone(), selected));
        }
    }
    rows.push(summarise("overall".to_string(), cells.values().collect()));
    let disagreements: Vec<Disagreement> = rubric
        .criteria
        .iter()
        .flat_map(|c| cells.iter().filter(move |((cid, _), _)| cid == &c.id))
        .filter(|(_, levels)| {
            let lo = levels.iter().map(|x| x.1).min().unwrap_or(0);
            let hi = levels.iter().map(|x| x.1).max().unwrap_or(0);
            hi - lo > 1
        })
        .map(|((cid, pid), levels)| Disagreement {
            program_id: pid.clone(),
            criterion_id: cid.clone(),
            levels: levels.clone(),
        })
        .collect();
    let bytes = match args.format {
        Format::Text => text(&rows, &disagreements).into_bytes(),
        Format::Csv => csv(&rows, &disagreements, &args.sheet),
    };
    write_output(args.output.as_ref(), &bytes)?;
    Ok(SUCCESS)
}

fn levels_text(levels: &[(String, i64)]) -> String {
    levels
        .iter()
        .map(|(a, l)| format!("{} {l}", if a.is_empty() { "unnamed" } else { a }))
        .collect::<Vec<_>>()
        .join(", ")
}

fn text(rows: &[Row], disagreements: &[Disagreement]) -> String {
    let mut table = vec![
        ["criterion", "alpha", "items", "raters", "pairable values"]
            .map(String::from)
            .to_vec(),
    ];
    for r in rows {
        table.push(vec![
            r.scope.clone(),
            match r.alpha {
                Some(_) => alpha_text(r.alpha),
                None => "undefined".to_string(),
            },
            r.items.to_string(),
            r.raters.to_string(),
            r.pairable.to_string(),
        ]);
    }
    let mut out = String::from(
        "Krippendorff's alpha, ordinal metric (1 = perfect agreement, 0 = chance)\n\n",
    );
    out += &polscore::report::aligned(&table);
    if disagreements.is_empty() {
        out += "\nNo item's raters differ by more than one level.\n";
    } else {
        out += "\nItems whose raters differ by more than one level:\n";
        for d in disagreements {
            let _ = writeln!(
                out,
                "  {} / {}: {}",
                d.program_id,
                d.criterion_id,
                levels_text(&d.levels)
            );
        }
    }
    out
}

fn csv(rows: &[Row], disagreements: &[Disagreement], sheet: &SheetArgs) -> Vec<u8> {
    let mut table = vec![
        [
            "criterion_id",
            "alpha",
            "items",
            "raters",
            "pairable_values",
            "disagreements",
        ]
        .map(Cell::text)
        .to_vec(),
    ];
    for r in rows {
        let listed: Vec<String> = disagreements
            .iter()
            .filter(|d| r.scope == "overall" || d.criterion_id == r.scope)
            .map(|d| format!("{} ({})", d.program_id, levels_text(&d.levels)))
            .collect();
        table.push(vec![
            Cell::text(&r.scope),
            Cell::Number(alpha_text(r.alpha)),
            Cell::number(r.items),
            Cell::number(r.raters),
            Cell::number(r.pairable),
            Cell::text(listed.join("; ")),
        ]);
    }
    write(&sheet.style(), &table)
}
