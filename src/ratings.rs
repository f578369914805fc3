//! Ratings CSV files: analysts' assessments filled in a spreadsheet (SPEC §7, `--ratings`).
//!
//! Columns are found by header name in any order (`program_id`, `criterion_id`, `assessor`,
//! `level`, `rationale`, and optionally `override` and `not_applicable`); other columns, such
//! as the help columns `polscore template` writes, are ignored. A row with a blank level is
//! skipped, so a half-filled template can be read. Every bad row is reported with its file,
//! row and column, and a caret under the cell.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::bind::Bound;
use crate::decimal::parse_decimal;
use crate::diag::{Diagnostic, Diagnostics, Limits, SourceFile, suggest};
use crate::program::Assessment;
use crate::rubric::Rubric;

/// One assessment read from a ratings file.
#[derive(Debug, Clone)]
pub struct Rating {
    pub program_id: String,
    pub criterion_id: String,
    pub assessment: Assessment,
    file: Arc<SourceFile>,
    /// Where the program id and the assessor stand on the row.
    program_span: Range<usize>,
    assessor_span: Range<usize>,
}

/// The columns a ratings file must have.
const REQUIRED: [&str; 4] = ["program_id", "criterion_id", "level", "rationale"];
const OPTIONAL: [&str; 3] = ["assessor", "override", "not_applicable"];

/// Undoes the leading `'` that polscore writes before a cell a spreadsheet would read as a
/// formula, so that a template round-trips.
pub(crate) fn unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// The delimiter of a CSV file, read from its header line: the character that occurs most
/// often there outside quotes, among those that cannot be part of a column name (letters,
/// digits, `_`, `-`, `'` and spaces can), so that files saved with `;` or tabs by a
/// spreadsheet, or written with `--delimiter`, are read too. `,` when there is none.
pub(crate) fn header_delimiter(text: &str) -> u8 {
    let line = text.split('\n').next().unwrap_or("");
    let mut counts = [0usize; 128];
    let mut quoted = false;
    for b in line.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\r' | b' ' | b'_' | b'-' | b'\'' => {}
            b if quoted || !b.is_ascii() || b.is_ascii_alphanumeric() => {}
            b => counts[b as usize] += 1,
        }
    }
    // The most frequent; on a tie the comma, else the lowest byte, for a stable choice.
    (0u8..128)
        .filter(|&b| counts[b as usize] > 0)
        .max_by_key(|&b| (counts[b as usize], b == b',', std::cmp::Reverse(b)))
        .unwrap_or(b',')
}

/// The line (1-based) on which a record starts, given the byte offsets at which lines start.
/// Line breaks at the record's offset are skipped: the csv crate places a record of a CRLF file
/// at the `\n` before it (and counts its line one short), which put carets on the wrong row of
/// files saved by spreadsheets.
pub(crate) fn record_line(
    text: &str,
    line_starts: &[usize],
    position: Option<&csv::Position>,
) -> usize {
    let at = position
        .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
        .min(text.len());
    let breaks = text.as_bytes()[at..]
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count();
    line_starts.partition_point(|&s| s <= at + breaks).max(1)
}

/// Byte ranges of the fields of one CSV line (quotes respected), for carets.
pub(crate) fn field_spans(line: &str, delimiter: u8) -> Vec<Range<usize>> {
    let delimiter = char::from(delimiter);
    let mut spans = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => {
                spans.push(start..i);
                start = i + 1;
            }
            _ => {}
        }
    }
    spans.push(start..line.trim_end_matches(['\r', '\n']).len().max(start));
    spans
}

/// Where a quoted CSV field opens that is never closed: the csv crate would read the rest of
/// the file into that one cell, silently.
pub(crate) fn unclosed_quote(text: &str, delimiter: u8) -> Option<usize> {
    let delimiter = char::from(delimiter);
    let mut open: Option<usize> = None;
    let mut field_start = true;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match open {
            Some(_) if c == '"' => {
                if chars.peek().is_some_and(|&(_, n)| n == '"') {
                    chars.next();
                } else {
                    open = None;
                    field_start = false;
                }
            }
            Some(_) => {}
            None => {
                if c == '"' && field_start {
                    open = Some(i);
                }
                field_start = c == delimiter || matches!(c, '\n' | '\r');
            }
        }
    }
    open
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "0" => Some(false),
        "true" | "yes" | "1" | "x" => Some(true),
        _ => None,
    }
}

/// Reads one ratings file, checking each row against the rubric: the good rows, and a
/// diagnostic for each bad one.
pub fn read(path: &Path, rubric: &Rubric, limits: &Limits) -> (Vec<Rating>, Diagnostics) {
    match read_file(path, rubric, limits) {
        Ok(read) => read,
        Err(d) => (Vec::new(), d),
    }
}

fn read_file(
    path: &Path,
    rubric: &Rubric,
    limits: &Limits,
) -> Result<(Vec<Rating>, Diagnostics), Diagnostics> {
    let file = Arc::new(SourceFile::read(path, limits)?);
    let mut other_rubrics = BTreeSet::new();
    let mut diags = Diagnostics::default();
    let delimiter = header_delimiter(&file.text);
    if let Some(at) = unclosed_quote(&file.text, delimiter) {
        return Err(file
            .error(at..at + 1, "this quote is never closed")
            .with_hint(
                "close the quoted cell with `\"`; write a quote inside a quoted cell as `\"\"`",
            )
            .into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(file.text.as_bytes());
    let header_span = 0..file.text.find('\n').unwrap_or(file.text.len());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_ascii_lowercase()).collect(),
        Err(e) => {
            return Err(file
                .error(header_span, format!("cannot read the header row: {e}"))
                .into());
        }
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|n| col(n).is_none())
        .collect();
    if !missing.is_empty() {
        let unknown: Vec<&String> = headers
            .iter()
            .filter(|h| !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()))
            .collect();
        let hint = missing
            .iter()
            .find_map(|m| {
                suggest(m, unknown.iter().map(|s| s.as_str())).map(|s| format!("`{s}` looks like `{m}`: rename the column"))
            })
            .unwrap_or_else(|| {
                "a ratings file has the columns program_id,criterion_id,assessor,level,rationale (any order)"
                    .to_string()
            });
        return Err(file
            .error(
                header_span,
                format!(
                    "the ratings file has no {} column{}",
                    crate::diag::code_list(&missing),
                    if missing.len() == 1 { "" } else { "s" }
                ),
            )
            .with_hint(hint)
            .into());
    }
    let [p_col, c_col, l_col, r_col] = REQUIRED.map(|n| col(n).expect("checked above"));
    let a_col = col("assessor");
    let o_col = col("override");
    let na_col = col("not_applicable");
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(file.text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();

    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = record_line(&file.text, &line_starts, e.position());
                let start = line_starts.get(line - 1).copied().unwrap_or(0);
                diags.push(file.error(start..start, format!("cannot read this row: {e}")));
                break;
            }
        }
        let line = record_line(&file.text, &line_starts, record.position());
        let line_start = line_starts.get(line - 1).copied().unwrap_or(0);
        let line_end = line_starts
            .get(line)
            .map_or(file.text.len(), |&n| n.saturating_sub(1));
        let spans = field_spans(&file.text[line_start..line_end], delimiter);
        let span_of = |i: usize| {
            spans
                .get(i)
                .map(|s| line_start + s.start..line_start + s.end)
                .unwrap_or(line_start..line_start)
        };
        let get = |i: usize| unescape(record.get(i).unwrap_or("").trim()).to_string();
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let level_text = get(l_col);
        let not_applicable = match na_col.map(|i| (i, parse_bool(&get(i)))) {
            Some((_, Some(b))) => b,
            Some((i, None)) => {
                diags.push(
                    file.error(span_of(i), format!("`{}` is not true or false", get(i)))
                        .with_hint("write true or false (or leave it blank)"),
                );
                continue;
            }
            None => false,
        };
        if level_text.is_empty() && !not_applicable {
            continue; // a blank level: not rated yet
        }
        let before = diags.len();
        let program_id = get(p_col);
        let criterion_id = get(c_col);
        if program_id.is_empty() {
            diags.push(file.error(span_of(p_col), "the program_id is empty"));
        }
        if !rubric.criteria.iter().any(|c| c.id == criterion_id) {
            // A typo is an error; another rubric's criterion is ignored with a warning.
            if let Some(d) = crate::bind::unknown_criterion_diagnostic(
                rubric,
                &file,
                span_of(c_col),
                &criterion_id,
                &mut other_rubrics,
            ) {
                diags.push(d);
            }
            continue;
        }
        let scale = &rubric.scale;
        let level = if level_text.is_empty() {
            None
        } else {
            let whole = parse_decimal(&level_text)
                .ok()
                .filter(|d| d.fract().is_zero())
                .and_then(|d| i64::try_from(d).ok())
                .filter(|l| scale.contains(*l));
            if whole.is_none() && !not_applicable {
                diags.push(
                    file.error(
                        span_of(l_col),
                        format!("level `{level_text}` is not on the scale"),
                    )
                    .with_hint(format!(
                        "use a whole number from {} to {}",
                        scale.min, scale.max
                    )),
                );
            }
            whole
        };
        let rationale = get(r_col);
        if rationale.is_empty() {
            diags.push(
                file.error(span_of(r_col), "the rationale is empty")
                    .with_hint("every assessment says why: write the rationale in this cell"),
            );
        }
        let override_level = match o_col.map(|i| (i, parse_bool(&get(i)))) {
            Some((_, Some(b))) => b,
            Some((i, None)) => {
                diags.push(
                    file.error(span_of(i), format!("`{}` is not true or false", get(i)))
                        .with_hint("write true or false (or leave it blank)"),
                );
                false
            }
            None => false,
        };
        if diags.len() > before {
            continue;
        }
        out.push(Rating {
            program_id: program_id.clone(),
            criterion_id,
            assessment: Assessment {
                level: if not_applicable { None } else { level },
                rationale,
                assessor: a_col.map(&get).unwrap_or_default(),
                evidence: Vec::new(),
                override_level,
                not_applicable,
                origin: format!("{}:{line}", file.path.display()),
            },
            file: file.clone(),
            program_span: span_of(p_col),
            assessor_span: span_of(a_col.unwrap_or(p_col)),
        });
    }
    Ok((out, diags))
}

/// Attaches the ratings in `paths` to the programs they rate. A rating of a program not among
/// `programs` is an error, as is an assessor rating the same cell twice.
pub fn attach(
    paths: &[PathBuf],
    rubric: &Rubric,
    limits: &Limits,
    programs: &mut [Bound],
) -> Diagnostics {
    attach_inner(paths, rubric, limits, programs, false)
}

/// As [`attach`], for one program: rows about other programs are ignored, since one ratings
/// file usually covers many.
pub fn attach_to_one(
    paths: &[PathBuf],
    rubric: &Rubric,
    limits: &Limits,
    program: &mut Bound,
) -> Diagnostics {
    attach_inner(paths, rubric, limits, std::slice::from_mut(program), true)
}

fn attach_inner(
    paths: &[PathBuf],
    rubric: &Rubric,
    limits: &Limits,
    programs: &mut [Bound],
    others_allowed: bool,
) -> Diagnostics {
    let book = Book::read(paths, rubric, limits);
    let mut numbered = Vec::new();
    for p in programs.iter_mut() {
        numbered.extend(book.apply(p));
    }
    if !others_allowed {
        let ids: BTreeSet<&str> = programs.iter().map(|p| p.program().id.as_str()).collect();
        numbered.extend(book.unknown(&ids));
    }
    book.problems(numbered)
}

/// The rows of ratings files, read once and applied programme by programme (so that a corpus
/// can be scored without holding every programme).
#[derive(Debug, Default)]
pub struct Book {
    /// Every rating, in file and row order.
    ratings: Vec<Rating>,
    /// Indexes into `ratings`, by program id.
    by_program: BTreeMap<String, Vec<usize>>,
    /// Problems met reading the files.
    read_problems: Diagnostics,
}

/// A problem with rating number `.0` (its place in file and row order).
pub type Numbered = (usize, Diagnostic);

impl Book {
    pub fn read(paths: &[PathBuf], rubric: &Rubric, limits: &Limits) -> Book {
        let mut book = Book::default();
        for p in paths {
            let (ratings, problems) = read(p, rubric, limits);
            book.ratings.extend(ratings);
            book.read_problems.extend(problems);
        }
        for (i, r) in book.ratings.iter().enumerate() {
            book.by_program
                .entry(r.program_id.clone())
                .or_default()
                .push(i);
        }
        book
    }

    /// Adds the ratings of `program` to its assessments; a second rating of one cell by one
    /// assessor (or a rating of a cell the description assesses already) is refused.
    pub fn apply(&self, program: &mut Bound) -> Vec<Numbered> {
        let mut problems = Vec::new();
        let id = program.program().id.clone();
        for &i in self.by_program.get(&id).into_iter().flatten() {
            let r = &self.ratings[i];
            if let Err(earlier) = program.add(&r.criterion_id, r.assessment.clone()) {
                let who = if r.assessment.assessor.is_empty() {
                    "an unnamed assessor".to_string()
                } else {
                    format!("assessor `{}`", r.assessment.assessor)
                };
                problems.push((
                    i,
                    r.file
                        .error(
                            r.assessor_span.clone(),
                            format!(
                                "{who} rates `{}` of `{}` twice",
                                r.criterion_id, r.program_id
                            ),
                        )
                        .with_hint(format!(
                            "the other rating is at {}; keep one",
                            earlier.origin
                        )),
                ));
            }
        }
        problems
    }

    /// Errors for the ratings of programs other than `known` (the programs scored).
    pub fn unknown(&self, known: &BTreeSet<&str>) -> Vec<Numbered> {
        self.ratings
            .iter()
            .enumerate()
            .filter(|(_, r)| !known.contains(r.program_id.as_str()))
            .map(|(i, r)| {
                let hint = match suggest(&r.program_id, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "rate only the programmes being scored".to_string(),
                };
                (
                    i,
                    r.file
                        .error(
                            r.program_span.clone(),
                            format!("unknown program `{}`", r.program_id),
                        )
                        .with_hint(hint),
                )
            })
            .collect()
    }

    /// Whether the files hold no rating.
    pub fn is_empty(&self) -> bool {
        self.ratings.is_empty()
    }

    /// All problems, in the order a reader expects: reading problems, then those of each
    /// rating in file and row order.
    pub fn problems(&self, mut numbered: Vec<Numbered>) -> Diagnostics {
        numbered.sort_by_key(|(i, _)| *i);
        let mut all = self.read_problems.clone();
        for (_, d) in numbered {
            all.push(d);
        }
        all
    }
}

/// Every rating in the files, without programme descriptions (for `agreement`); an assessor
/// rating the same cell twice is an error.
pub fn read_all(
    paths: &[PathBuf],
    rubric: &Rubric,
    limits: &Limits,
) -> Result<(Vec<Rating>, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut all: Vec<Rating> = Vec::new();
    for p in paths {
        let (ratings, problems) = read(p, rubric, limits);
        diags.extend(problems);
        for rating in ratings {
            let twice = all.iter().any(|o| {
                o.program_id == rating.program_id
                    && o.criterion_id == rating.criterion_id
                    && o.assessment.assessor == rating.assessment.assessor
            });
            if twice {
                diags.push(
                    rating
                        .file
                        .error(
                            rating.assessor_span.clone(),
                            format!(
                                "assessor `{}` rates `{}` of `{}` twice",
                                rating.assessment.assessor, rating.criterion_id, rating.program_id
                            ),
                        )
                        .with_hint("keep one rating per assessor and cell"),
                );
            } else {
                all.push(rating);
            }
        }
    }
    let warnings = diags.take_warnings();
    diags.into_result((all, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_spans_respect_quotes() {
        let line = "a,\"b,c\",,d\r";
        let spans = field_spans(line, b',');
        let cells: Vec<&str> = spans.iter().map(|s| &line[s.clone()]).collect();
        assert_eq!(cells, ["a", "\"b,c\"", "", "d"]);
        let line = "a;\"b;c\";62,50\r";
        let spans = field_spans(line, b';');
        let cells: Vec<&str> = spans.iter().map(|s| &line[s.clone()]).collect();
        assert_eq!(cells, ["a", "\"b;c\"", "62,50"]);
    }

    #[test]
    fn finds_unclosed_quotes() {
        assert_eq!(unclosed_quote("a,\"b\"\"c\",d\n", b','), None);
        assert_eq!(unclosed_quote("a,b\"c,d\n", b','), None);
        assert_eq!(unclosed_quote("a,\"b\nc,d\n", b','), Some(2));
        assert_eq!(unclosed_quote("x\n\"multi\nline\",y\n", b','), None);
        assert_eq!(unclosed_quote("a\t\"b\"\"c\"\td\n", b'\t'), None);
        assert_eq!(unclosed_quote("a;\"b\nc;d\n", b';'), Some(2));
    }

    #[test]
    fn records_are_placed_on_their_line_with_any_line_ending() {
        for text in ["h1,h2\na,b\nc,d\n", "h1,h2\r\na,b\r\nc,d\r\n", "h\n\n\na\n"] {
            let line_starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .from_reader(text.as_bytes());
            let lines: Vec<usize> = reader
                .records()
                .map(|r| record_line(text, &line_starts, r.unwrap().position()))
                .collect();
            let expected: &[usize] = if text.starts_with("h\n") {
                &[4]
            } else {
                &[2, 3]
            };
            assert_eq!(lines, expected, "{text:?}");
        }
    }

    #[test]
    fn the_delimiter_is_read_from_the_header_line() {
        assert_eq!(header_delimiter("rank,program_id,total\n1;2;3\n"), b',');
        assert_eq!(
            header_delimiter("rank;program_id;total\r\n1,5;x;2\r\n"),
            b';'
        );
        assert_eq!(header_delimiter("rank\tprogram_id\ttotal\n"), b'\t');
        assert_eq!(header_delimiter("'-a|b_c|d-e\n"), b'|');
        assert_eq!(header_delimiter("\"a;b\",c\n"), b',');
        assert_eq!(header_delimiter("program_id\n"), b',');
        assert_eq!(header_delimiter(""), b',');
    }

    #[test]
    fn unescapes_defused_cells_only() {
        assert_eq!(unescape("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unescape("'quoted'"), "'quoted'");
    }
}
