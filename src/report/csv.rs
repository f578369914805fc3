//! CSV scorecards (SPEC §6): wide (one row per programme) and long (one per criterion), and
//! the one CSV writer every command goes through, so that formula protection (SPEC §8) and the
//! spreadsheet options (byte-order mark, delimiter, decimal comma, CRLF) apply to all alike.

use std::borrow::Cow;

use crate::decimal::{fixed, plain};
use crate::rubric::Rubric;
use crate::scoring::{CriterionScore, Gathered, ProgramScore, Scorecard, Source};

use super::{collapse, opt_fixed};

/// How a CSV file is laid out for the program that opens it. The default is polscore's plain
/// CSV: no byte-order mark, `,`, decimal points, `\n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvStyle {
    /// Start with a UTF-8 byte-order mark: without one, Excel reads UTF-8 as a legacy code
    /// page and garbles Kazakh and Russian text.
    pub bom: bool,
    /// The cell separator: an ASCII character other than `"`, CR and LF.
    pub delimiter: u8,
    /// Write numbers with a decimal comma (`62,50`), as spreadsheets in many locales expect.
    pub decimal_comma: bool,
    /// End lines with `\r\n`.
    pub crlf: bool,
}

impl Default for CsvStyle {
    fn default() -> Self {
        CsvStyle {
            bom: false,
            delimiter: b',',
            decimal_comma: false,
            crlf: false,
        }
    }
}

/// One CSV cell, typed where it is made: only numbers take a decimal comma, only text is
/// protected against formulas (a negative number must stay a number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Free or keyword text, headers included.
    Text(String),
    /// A number as polscore writes it (`-2`, `62.50`), or empty when there is none.
    Number(String),
}

/// For terminal tables, which show cells as they are.
impl AsRef<str> for Cell {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A number cell: an integer, or a decimal written with a point.
    pub fn number(n: impl ToString) -> Cell {
        Cell::Number(n.to_string())
    }

    /// An optional number: empty when there is none.
    pub fn opt_number<T: ToString>(n: Option<T>) -> Cell {
        Cell::Number(n.map(|n| n.to_string()).unwrap_or_default())
    }

    /// The cell as written in the default style, unprotected.
    pub fn as_str(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Number(s) => s,
        }
    }

    fn render(&self, style: &CsvStyle) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => protect(s),
            Cell::Number(s) if style.decimal_comma => Cow::Owned(s.replace('.', ",")),
            Cell::Number(s) => Cow::Borrowed(s),
        }
    }
}

/// A text cell that a spreadsheet would read as a formula gets a leading `'`.
pub fn protect(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// Rows of cells as CSV bytes in `style`. Every CSV polscore writes goes through here.
pub fn write(style: &CsvStyle, rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut out = Vec::new();
    if style.bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    append(style, rows, &mut out);
    out
}

/// Appends rows of cells to `out` as CSV in `style`, without a byte-order mark: for a file
/// written in pieces.
pub fn append(style: &CsvStyle, rows: &[Vec<Cell>], out: &mut Vec<u8>) {
    debug_assert!(
        style.delimiter.is_ascii() && !matches!(style.delimiter, b'"' | b'\r' | b'\n'),
        "the command line refuses such a delimiter"
    );
    let mut w = csv::WriterBuilder::new()
        .delimiter(style.delimiter)
        .terminator(if style.crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .buffer_capacity(1024)
        .from_writer(out);
    for row in rows {
        w.write_record(row.iter().map(|c| c.render(style).into_owned()))
            .expect("writing to memory cannot fail");
    }
    w.flush().expect("writing to memory cannot fail");
}

/// The wide scorecard's header.
pub fn wide_header(rubric: &Rubric) -> Vec<Cell> {
    let mut header: Vec<Cell> = [
        "rank",
        "program_id",
        "program_name",
        "country",
        "period",
        "total",
        "band",
        "coverage",
        "status",
    ]
    .map(Cell::text)
    .to_vec();
    for c in &rubric.criteria {
        header.push(Cell::text(format!("{}_level", c.id)));
        header.push(Cell::text(format!("{}_score", c.id)));
    }
    header.extend(["rubric_id", "rubric_version", "rubric_digest"].map(Cell::text));
    header
}

/// One programme's row of the wide scorecard.
pub fn wide_row(rubric: &Rubric, row: &ProgramScore) -> Vec<Cell> {
    let mut rec = vec![
        Cell::opt_number(row.rank),
        Cell::text(&row.program_id),
        Cell::text(&row.program_name),
        Cell::text(&row.country),
        Cell::text(&row.period),
        Cell::Number(opt_fixed(row.total, 2)),
        Cell::text(row.band.as_deref().unwrap_or("")),
        Cell::Number(fixed(row.coverage, 2)),
        Cell::text(row.status.name()),
    ];
    for c in &row.criteria {
        rec.push(Cell::opt_number(c.level));
        rec.push(Cell::Number(opt_fixed(c.score, 2)));
    }
    rec.push(Cell::text(&rubric.id));
    rec.push(Cell::text(&rubric.version));
    rec.push(Cell::text(rubric.digest()));
    rec
}

/// The wide scorecard.
pub fn wide(rubric: &Rubric, card: &Scorecard, style: &CsvStyle) -> Vec<u8> {
    let mut rows = vec![wide_header(rubric)];
    rows.extend(card.rows.iter().map(|row| wide_row(rubric, row)));
    write(style, &rows)
}

/// The long scorecard's header.
pub fn long_header() -> Vec<Cell> {
    [
        "program_id",
        "criterion_id",
        "method",
        "source",
        "level",
        "computed_level",
        "score",
        "weight",
        "contribution",
        "evidence",
        "note",
    ]
    .map(Cell::text)
    .to_vec()
}

/// One programme's rows of the long scorecard.
pub fn long_rows(rubric: &Rubric, row: &ProgramScore) -> Vec<Vec<Cell>> {
    row.criteria
        .iter()
        .zip(&rubric.criteria)
        .map(|(c, k)| {
            vec![
                Cell::text(&row.program_id),
                Cell::text(&k.id),
                Cell::text(k.method.name()),
                Cell::text(c.source.name()),
                Cell::opt_number(c.level),
                Cell::opt_number(c.computed),
                Cell::Number(opt_fixed(c.score, 2)),
                Cell::Number(fixed(c.weight, 4)),
                Cell::Number(fixed(c.contribution, 2)),
                // Formula values in the evidence stay as written (`= 0.273`): it is text.
                Cell::text(evidence_cell(k, c)),
                Cell::text(note_cell(k, c)),
            ]
        })
        .collect()
}

/// The long scorecard.
pub fn long(rubric: &Rubric, card: &Scorecard, style: &CsvStyle) -> Vec<u8> {
    let mut rows = vec![long_header()];
    for row in &card.rows {
        rows.extend(long_rows(rubric, row));
    }
    write(style, &rows)
}

/// What a level rests on: counted indicators with their first affirmed occurrence, the
/// formula's value, or the rationale.
pub fn evidence_cell(k: &crate::rubric::Criterion, c: &CriterionScore) -> String {
    match c.source {
        Source::Evidence => counted(k, c).join(" | "),
        Source::Metric => match &c.gathered {
            Gathered::Metric(m) => match &m.value {
                Ok(v) => format!("{} = {}", m.formula, plain(*v)),
                Err(_) => String::new(),
            },
            _ => String::new(),
        },
        Source::Rating | Source::Override => {
            let used: Vec<_> = c
                .assessments
                .iter()
                .filter(|a| !a.not_applicable && (c.source == Source::Rating || a.override_level))
                .collect();
            if used.len() == 1 {
                collapse(&used[0].rationale)
            } else {
                used.iter()
                    .map(|a| {
                        format!(
                            "{} ({}): {}",
                            assessor(&a.assessor),
                            a.level.unwrap_or_default(),
                            collapse(&a.rationale)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" | ")
            }
        }
        Source::NotApplicable => c
            .reason
            .as_ref()
            .map(|r| collapse(&r.to_string()))
            .unwrap_or_default(),
        Source::Missing => String::new(),
    }
}

fn assessor(a: &str) -> &str {
    if a.is_empty() { "unnamed assessor" } else { a }
}

fn counted(k: &crate::rubric::Criterion, c: &CriterionScore) -> Vec<String> {
    let crate::rubric::Method::Evidence { indicators, .. } = &k.method else {
        return Vec::new();
    };
    let Gathered::Evidence(Some(findings)) = &c.gathered else {
        return Vec::new();
    };
    c.tallies
        .iter()
        .filter(|t| t.counts)
        .filter_map(|t| {
            findings
                .iter()
                .find(|f| f.indicator == t.indicator && f.negation.is_none())
                .map(|f| {
                    format!(
                        "{}: \"{}\" ({}:{})",
                        indicators[t.indicator].id,
                        collapse(&f.matched),
                        f.place.line,
                        f.place.column
                    )
                })
        })
        .collect()
}

/// Why a criterion is missing, what was negated, what was computed beneath an override, and
/// advisory assessments.
pub fn note_cell(k: &crate::rubric::Criterion, c: &CriterionScore) -> String {
    let mut notes = Vec::new();
    if c.source == Source::Missing
        && let Some(r) = &c.reason
    {
        notes.push(format!("missing: {r}"));
    }
    if c.source == Source::Override {
        notes.push(match c.computed {
            Some(l) => format!("overrides computed level {l}"),
            None => "overrides a missing computed level".to_string(),
        });
    }
    if let (
        crate::rubric::Method::Evidence { indicators, .. },
        Gathered::Evidence(Some(findings)),
    ) = (&k.method, &c.gathered)
    {
        for f in findings {
            if let Some(cue) = &f.negation {
                notes.push(format!(
                    "negated: {}: \"{}\" ({}:{}) by \"{}\"",
                    indicators[f.indicator].id,
                    collapse(&f.matched),
                    f.place.line,
                    f.place.column,
                    collapse(&cue.text)
                ));
            }
        }
    }
    if !matches!(k.method, crate::rubric::Method::Rating) {
        for a in c
            .assessments
            .iter()
            .filter(|a| !a.override_level && !a.not_applicable)
        {
            notes.push(format!(
                "advisory: {} rates {}: {}",
                assessor(&a.assessor),
                a.level.map(|l| l.to_string()).unwrap_or_default(),
                collapse(&a.rationale)
            ));
        }
    }
    notes.join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_defused() {
        assert_eq!(protect("=1+1"), "'=1+1");
        assert_eq!(protect("-x"), "'-x");
        assert_eq!(protect("@a"), "'@a");
        assert_eq!(protect("\tx"), "'\tx");
        assert_eq!(protect("plain"), "plain");
        assert_eq!(protect(""), "");
    }

    fn rows() -> Vec<Vec<Cell>> {
        vec![
            vec![Cell::text("id"), Cell::text("total"), Cell::text("note")],
            vec![
                Cell::text("-a"),
                Cell::number("-62.50"),
                Cell::text("x = 0.273, ok"),
            ],
        ]
    }

    #[test]
    fn the_default_style_is_plain_csv() {
        assert_eq!(
            String::from_utf8(write(&CsvStyle::default(), &rows())).unwrap(),
            "id,total,note\n'-a,-62.50,\"x = 0.273, ok\"\n"
        );
    }

    #[test]
    fn spreadsheet_styles_change_layout_and_numbers_only() {
        let excel = CsvStyle {
            bom: true,
            delimiter: b';',
            decimal_comma: true,
            crlf: true,
        };
        assert_eq!(
            String::from_utf8(write(&excel, &rows())).unwrap(),
            "\u{feff}id;total;note\r\n'-a;-62,50;x = 0.273, ok\r\n"
        );
        // A decimal comma with a comma delimiter is still one cell: the writer quotes it.
        let comma = CsvStyle {
            decimal_comma: true,
            ..CsvStyle::default()
        };
        assert_eq!(
            String::from_utf8(write(&comma, &rows())).unwrap(),
            "id,total,note\n'-a,\"-62,50\",\"x = 0.273, ok\"\n"
        );
        // A tab inside a protected text cell is quoted under a tab delimiter.
        let tab = CsvStyle {
            delimiter: b'\t',
            ..CsvStyle::default()
        };
        let tabbed = vec![vec![Cell::text("\tx"), Cell::number(3)]];
        assert_eq!(
            String::from_utf8(write(&tab, &tabbed)).unwrap(),
            "\"'\tx\"\t3\n"
        );
    }
}
