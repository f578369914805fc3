//! Comparing two wide scorecards (`polscore compare`): two years, or two versions of a rubric.
//!
//! Per programme: old and new total, their difference and the change of rank; per criterion,
//! the change of level. Scorecards made with different rubrics (different digests) are refused
//! unless the caller allows it, and then only the criteria both share are compared.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rust_decimal::Decimal;

use crate::decimal::{fixed, parse_decimal};
use crate::diag::{Diagnostic, Diagnostics, Limits, SourceFile};
use crate::ratings::{field_spans, header_delimiter, unclosed_quote, unescape};
use crate::report::csv::Cell;

/// One programme's row of a wide scorecard, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRow {
    pub program_id: String,
    pub program_name: String,
    pub rank: Option<usize>,
    pub total: Option<Decimal>,
    pub status: String,
    /// Level by criterion id; None when the cell is empty.
    pub levels: BTreeMap<String, Option<i64>>,
}

/// A wide scorecard read back from CSV.
#[derive(Debug, Clone)]
pub struct Card {
    pub criteria: Vec<String>,
    pub digest: String,
    pub rows: Vec<CardRow>,
}

/// Reads a wide scorecard written by `polscore score`.
pub fn read_card(path: &Path, limits: &Limits) -> Result<Card, Diagnostics> {
    let file = SourceFile::read(path, limits)?;
    let mut diags = Diagnostics::default();
    // Written with any of the spreadsheet options: a byte-order mark (dropped by
    // `SourceFile`), CRLF (the csv crate reads it), a delimiter other than `,`, decimal commas.
    let delimiter = header_delimiter(&file.text);
    if let Some(at) = unclosed_quote(&file.text, delimiter) {
        return Err(file
            .error(at..at + 1, "this quote is never closed")
            .with_hint("the file is not a scorecard as polscore writes it; was it edited by hand?")
            .into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(file.text.as_bytes());
    let header_span = 0..file.text.find('\n').unwrap_or(file.text.len());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| unescape(s.trim()).to_string()).collect(),
        Err(e) => {
            return Err(file
                .error(header_span, format!("cannot read the header row: {e}"))
                .into());
        }
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let needed = ["rank", "program_id", "total", "rubric_digest"];
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|n| col(n).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(file
            .error(
                header_span,
                format!(
                    "this is not a wide scorecard: it has no {} column{}",
                    crate::diag::code_list(&missing),
                    if missing.len() == 1 { "" } else { "s" }
                ),
            )
            .with_hint(
                "compare reads the CSV that `polscore score` writes by default (--format wide)",
            )
            .into());
    }
    let criteria: Vec<String> = headers
        .iter()
        .filter_map(|h| h.strip_suffix("_level"))
        .filter(|id| headers.iter().any(|h| *h == format!("{id}_score")))
        .map(str::to_string)
        .collect();
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(file.text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut rows = Vec::new();
    let mut digests = BTreeSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = crate::ratings::record_line(&file.text, &line_starts, e.position());
                let start = line_starts.get(line - 1).copied().unwrap_or(0);
                diags.push(file.error(start..start, format!("cannot read this row: {e}")));
                break;
            }
        };
        let line = crate::ratings::record_line(&file.text, &line_starts, record.position());
        let start = line_starts.get(line - 1).copied().unwrap_or(0);
        let end = line_starts
            .get(line)
            .map_or(file.text.len(), |&n| n.saturating_sub(1));
        let spans = field_spans(&file.text[start..end], delimiter);
        let span = |i: usize| {
            spans
                .get(i)
                .map_or(start..start, |s| start + s.start..start + s.end)
        };
        let get = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(|s| unescape(s.trim()).to_string())
                .unwrap_or_default()
        };
        let mut number = |name: &str, whole: bool| -> Option<Decimal> {
            let i = col(name)?;
            let text = get(Some(i));
            if text.is_empty() {
                return None;
            }
            match parse_decimal(&decimal_point(&text)) {
                Ok(d) if !whole || d.fract().is_zero() => Some(d),
                _ => {
                    diags.push(file.error(
                        span(i),
                        format!("`{text}` in column `{name}` is not a number"),
                    ));
                    None
                }
            }
        };
        let rank = number("rank", true).and_then(|d| usize::try_from(d).ok());
        let total = number("total", false);
        let mut levels = BTreeMap::new();
        for id in &criteria {
            let level = number(&format!("{id}_level"), true).and_then(|d| i64::try_from(d).ok());
            levels.insert(id.clone(), level);
        }
        digests.insert(get(col("rubric_digest")));
        let program_id = get(col("program_id"));
        if let Some(first) = rows
            .iter()
            .position(|r: &CardRow| r.program_id == program_id)
        {
            diags.push(
                file.error(
                    span(col("program_id").unwrap_or(0)),
                    format!("program `{program_id}` appears twice in the scorecard"),
                )
                .with_hint(format!(
                    "the first is on data row {}; a scorecard has one row per programme",
                    first + 1
                )),
            );
            continue;
        }
        rows.push(CardRow {
            program_id,
            program_name: get(col("program_name")),
            rank,
            total,
            status: get(col("status")),
            levels,
        });
    }
    if digests.len() > 1 {
        diags.push(
            Diagnostic::new(format!(
                "the scorecard mixes rubric digests {}",
                digests
                    .iter()
                    .map(|d| format!("`{d}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .in_file(path)
            .with_hint("a scorecard comes from one rubric: was it pasted together?"),
        );
    }
    diags.into_result(Card {
        criteria,
        digest: digests.into_iter().next().unwrap_or_default(),
        rows,
    })
}

/// A number written with a decimal comma (`62,50`, by `--decimal-comma` or a spreadsheet in
/// such a locale) with a point instead. polscore writes no thousands separators, so a single
/// comma and no point can only be a decimal comma.
fn decimal_point(text: &str) -> Cow<'_, str> {
    if text.matches(',').count() == 1 && !text.contains('.') {
        Cow::Owned(text.replace(',', "."))
    } else {
        Cow::Borrowed(text)
    }
}

/// How a programme changed between two scorecards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Changed,
    Unchanged,
}

impl Change {
    pub fn name(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
            Change::Unchanged => "unchanged",
        }
    }
}

/// One programme compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowChange {
    pub program_id: String,
    pub change: Change,
    pub old: Option<CardRow>,
    pub new: Option<CardRow>,
}

impl RowChange {
    /// new − old total, when both have one.
    pub fn delta(&self) -> Option<Decimal> {
        self.new
            .as_ref()?
            .total?
            .checked_sub(self.old.as_ref()?.total?)
    }

    /// Places moved up (old rank − new rank), when both are ranked.
    pub fn rank_change(&self) -> Option<i64> {
        let old = i64::try_from(self.old.as_ref()?.rank?).ok()?;
        let new = i64::try_from(self.new.as_ref()?.rank?).ok()?;
        old.checked_sub(new)
    }
}

/// Two scorecards compared over the criteria they share.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub criteria: Vec<String>,
    /// Criteria only one scorecard has: (id, "old" or "new").
    pub dropped: Vec<(String, &'static str)>,
    pub rows: Vec<RowChange>,
}

/// Compares two scorecards. Programmes are listed in the new scorecard's order, then those
/// that were removed, by id.
pub fn compare(old: &Card, new: &Card) -> Comparison {
    let criteria: Vec<String> = new
        .criteria
        .iter()
        .filter(|c| old.criteria.contains(c))
        .cloned()
        .collect();
    let mut dropped: Vec<(String, &'static str)> = old
        .criteria
        .iter()
        .filter(|c| !new.criteria.contains(c))
        .map(|c| (c.clone(), "old"))
        .collect();
    dropped.extend(
        new.criteria
            .iter()
            .filter(|c| !old.criteria.contains(c))
            .map(|c| (c.clone(), "new")),
    );
    let old_by_id: BTreeMap<&str, &CardRow> = old
        .rows
        .iter()
        .map(|r| (r.program_id.as_str(), r))
        .collect();
    let new_ids: BTreeSet<&str> = new.rows.iter().map(|r| r.program_id.as_str()).collect();
    let mut rows = Vec::new();
    for n in &new.rows {
        let o = old_by_id.get(n.program_id.as_str()).copied();
        let change = match o {
            None => Change::Added,
            Some(o) => {
                let same = o.total == n.total
                    && o.rank == n.rank
                    && o.status == n.status
                    && criteria.iter().all(|c| o.levels.get(c) == n.levels.get(c));
                if same {
                    Change::Unchanged
                } else {
                    Change::Changed
                }
            }
        };
        rows.push(RowChange {
            program_id: n.program_id.clone(),
            change,
            old: o.cloned(),
            new: Some(n.clone()),
        });
    }
    let mut removed: Vec<&CardRow> = old
        .rows
        .iter()
        .filter(|r| !new_ids.contains(r.program_id.as_str()))
        .collect();
    removed.sort_by(|a, b| a.program_id.cmp(&b.program_id));
    rows.extend(removed.into_iter().map(|o| RowChange {
        program_id: o.program_id.clone(),
        change: Change::Removed,
        old: Some(o.clone()),
        new: None,
    }));
    Comparison {
        criteria,
        dropped,
        rows,
    }
}

/// The comparison as a table of cells (header first), shared by the CSV and text renderings.
pub fn table(c: &Comparison) -> Vec<Vec<Cell>> {
    let mut header: Vec<Cell> = [
        "program_id",
        "change",
        "old_total",
        "new_total",
        "delta",
        "old_rank",
        "new_rank",
        "rank_change",
    ]
    .map(Cell::text)
    .to_vec();
    for id in &c.criteria {
        header.extend([
            Cell::text(format!("{id}_old")),
            Cell::text(format!("{id}_new")),
            Cell::text(format!("{id}_change")),
        ]);
    }
    let mut out = vec![header];
    for r in &c.rows {
        let total = |row: &Option<CardRow>| {
            Cell::opt_number(row.as_ref().and_then(|x| x.total).map(|t| fixed(t, 2)))
        };
        let rank = |row: &Option<CardRow>| Cell::opt_number(row.as_ref().and_then(|x| x.rank));
        let mut cells = vec![
            Cell::text(&r.program_id),
            Cell::text(r.change.name()),
            total(&r.old),
            total(&r.new),
            Cell::opt_number(r.delta().map(|d| fixed(d, 2))),
            rank(&r.old),
            rank(&r.new),
            Cell::opt_number(r.rank_change()),
        ];
        for id in &c.criteria {
            let level = |row: &Option<CardRow>| {
                row.as_ref()
                    .and_then(|x| x.levels.get(id).copied().flatten())
            };
            let (o, n) = (level(&r.old), level(&r.new));
            cells.push(Cell::opt_number(o));
            cells.push(Cell::opt_number(n));
            cells.push(Cell::opt_number(
                o.zip(n).and_then(|(o, n)| n.checked_sub(o)),
            ));
        }
        out.push(cells);
    }
    out
}
