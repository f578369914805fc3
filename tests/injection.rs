//! CSV injection (SPEC §8): a text cell that would start with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is written with a leading `'`, so that a spreadsheet never runs it as a
//! formula; numbers are written as they are, negative ones included.
//!
//! For each of the six characters, a rubric, programmes and ratings are generated whose every
//! free text starts with it (and whose ids do too where the id syntax allows it: `-`). Every
//! CSV that polscore writes is then parsed and checked cell by cell:
//!
//! - no cell, header included, starts with one of the six characters unless it is a number in a
//!   numeric column;
//! - the texts arrive in their cells, protected (`'` followed by the text);
//! - numeric columns hold plain numbers, never prefixed, negative ones included.
//!
//! Failures list every unprotected cell at once: output, row, column and cell.

use std::path::Path;
use std::process::Stdio;

use crate::common::{polscore, root};

const LEADING: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn is_dangerous(cell: &str) -> bool {
    cell.starts_with(LEADING)
}

/// A plain decimal number as polscore writes it: `-4`, `62.50`, `0.0000`.
fn is_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// The text of a cell as a spreadsheet user reads it: without the protecting `'`.
fn unprotect(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if is_dangerous(rest) => rest,
        _ => cell,
    }
}

/// White space trimmed and collapsed, as polscore may do with names and rationales.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes a string for a TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn ratings_csv(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "program_id",
        "criterion_id",
        "assessor",
        "level",
        "rationale",
    ])
    .unwrap();
    for row in rows {
        w.write_record(row).unwrap();
    }
    w.into_inner().unwrap()
}

/// One parsed CSV output and the problems found in it.
struct Table {
    name: String,
    rows: Vec<Vec<String>>,
    /// Written with `--decimal-comma`: numbers are `-62,50`.
    decimal_comma: bool,
}

impl Table {
    /// Parses output written with spreadsheet options: a byte-order mark, `delimiter`, decimal
    /// commas.
    fn parse_styled(name: &str, bytes: &[u8], delimiter: u8, decimal_comma: bool) -> Table {
        let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes);
        let rows = reader
            .records()
            .map(|r| {
                r.unwrap_or_else(|e| panic!("{name}: not CSV: {e}"))
                    .iter()
                    .map(str::to_string)
                    .collect()
            })
            .collect::<Vec<Vec<String>>>();
        assert!(rows.len() >= 2, "{name}: no data rows");
        Table {
            name: name.to_string(),
            rows,
            decimal_comma,
        }
    }

    /// A numeric cell as a number with a decimal point, or None when it is not one (under
    /// `--decimal-comma`, a decimal point is wrong too).
    fn number(&self, cell: &str) -> Option<String> {
        let cell = if self.decimal_comma {
            if cell.contains('.') {
                return None;
            }
            cell.replacen(',', ".", 1)
        } else {
            cell.to_string()
        };
        is_number(&cell).then_some(cell)
    }

    fn header(&self) -> &[String] {
        &self.rows[0]
    }

    /// The index of a column, by its name as a user reads it.
    fn column(&self, name: &str) -> Option<usize> {
        self.header().iter().position(|h| unprotect(h) == name)
    }

    /// Every cell that starts with one of the six characters outside a numeric column, and
    /// every cell of a numeric column that is not a plain number.
    fn check_cells(&self, numeric: impl Fn(&str) -> bool, problems: &mut Vec<String>) {
        for (r, row) in self.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let column = self.header().get(c).map_or("?", |h| unprotect(h));
                if r > 0 && numeric(column) {
                    if !cell.is_empty() && self.number(cell).is_none() {
                        problems.push(format!(
                            "{}: row {r}, numeric column `{column}` holds {cell:?}",
                            self.name
                        ));
                    }
                } else if is_dangerous(cell) {
                    problems.push(format!(
                        "{}: {} {r}, column `{column}`: unprotected cell {cell:?}",
                        self.name,
                        if r == 0 { "header row" } else { "row" }
                    ));
                }
            }
        }
    }

    /// `text` arrives in `column`: some cell starts with it (after the protecting `'`), or
    /// with its collapsed form when polscore trims white space. The cell itself must then be
    /// protected if it starts with one of the six characters (see [`Table::check_cells`]).
    fn expect_text(&self, column: &str, text: &str, problems: &mut Vec<String>) {
        let Some(c) = self.column(column) else {
            problems.push(format!("{}: no column `{column}`", self.name));
            return;
        };
        let collapsed = collapse(text);
        let found = self.rows[1..].iter().any(|row| {
            row.get(c).is_some_and(|cell| {
                let shown = unprotect(cell);
                let protected_if_needed = !is_dangerous(shown) || cell.starts_with('\'');
                protected_if_needed && (shown.starts_with(text) || shown.starts_with(&collapsed))
            })
        });
        if !found {
            let cells: Vec<&String> = self.rows[1..].iter().filter_map(|r| r.get(c)).collect();
            problems.push(format!(
                "{}: no cell of `{column}` holds {text:?} (protected); it has {cells:?}",
                self.name
            ));
        }
    }

    /// Some cell of `column` is this number, written plainly.
    fn expect_number(&self, column: &str, number: &str, problems: &mut Vec<String>) {
        let Some(c) = self.column(column) else {
            problems.push(format!("{}: no column `{column}`", self.name));
            return;
        };
        if !self.rows[1..]
            .iter()
            .any(|row| row.get(c).and_then(|cell| self.number(cell)).as_deref() == Some(number))
        {
            let cells: Vec<&String> = self.rows[1..].iter().filter_map(|r| r.get(c)).collect();
            problems.push(format!(
                "{}: no cell of `{column}` is {number:?}; it has {cells:?}",
                self.name
            ));
        }
    }

    /// Some cell of `column` is a negative number, written plainly.
    fn expect_negative(&self, column: &str, problems: &mut Vec<String>) {
        let Some(c) = self.column(column) else {
            problems.push(format!("{}: no column `{column}`", self.name));
            return;
        };
        if !self.rows[1..].iter().any(|row| {
            row.get(c)
                .and_then(|cell| self.number(cell))
                .is_some_and(|n| n.starts_with('-'))
        }) {
            let cells: Vec<&String> = self.rows[1..].iter().filter_map(|r| r.get(c)).collect();
            problems.push(format!(
                "{}: no negative number in `{column}`; it has {cells:?}",
                self.name
            ));
        }
    }
}

/// The inputs of one leading character, in a temporary directory.
struct World {
    dir: tempfile::TempDir,
    /// The leading character as a string.
    p: String,
    alpha: String,
    beta: String,
    rubric_id: String,
    ev: String,
    indicator: String,
    formula: String,
}

impl World {
    fn new(lead: char) -> World {
        let p = lead.to_string();
        // Ids are `[a-z0-9_-]+` (rubric, criteria, indicators) or lower-case letters, digits,
        // `_` and `-` (programs): only `-` can lead them.
        let id = |base: &str| {
            if lead == '-' {
                format!("-{base}")
            } else {
                base.to_string()
            }
        };
        let formula = match lead {
            '-' => "-misused + budget",
            '+' => "+budget - misused",
            _ => "budget - misused",
        };
        let world = World {
            dir: tempfile::Builder::new()
                .prefix("polscore-injection-")
                .tempdir()
                .unwrap(),
            alpha: id("alpha"),
            beta: id("beta"),
            rubric_id: id("inj"),
            ev: id("ev"),
            indicator: id("mentor"),
            formula: formula.to_string(),
            p,
        };
        world.write_inputs();
        world
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn t(&self, text: &str) -> String {
        format!("{}{text}", self.p)
    }

    fn q(&self, text: &str) -> String {
        toml_str(&self.t(text))
    }

    fn write(&self, name: &str, content: impl AsRef<[u8]>) {
        let path = self.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    fn write_inputs(&self) {
        let labels: Vec<String> = (-2..=2).map(|l| self.q(&format!("label {l}"))).collect();
        let descriptors: Vec<String> = (-2..=2)
            .map(|l| self.q(&format!("descriptor {l}")))
            .collect();
        let rubric = format!(
            r#"[rubric]
id = {rubric_id}
version = {version}
title = {title}

[rubric.scale]
min = -2
max = 2
labels = [{labels}]

[[bands]]
label = {band}
min = 0

[[criteria]]
id = {ev}
name = {ev_name}
question = {ev_question}
descriptors = [{descriptors}]
method = "evidence"
base = -2

[[criteria.indicators]]
id = {indicator}
phrases = ["mentoring"]
points = 3

[[criteria]]
id = "metric"
name = {metric_name}
question = {metric_question}
method = "metric"
formula = {formula}
thresholds = [1, 2, 3, 4]

[[criteria]]
id = "rating"
name = {rating_name}
question = {rating_question}
method = "rating"
"#,
            rubric_id = toml_str(&self.rubric_id),
            version = self.q("version"),
            title = self.q("title"),
            labels = labels.join(", "),
            band = self.q("band"),
            ev = toml_str(&self.ev),
            ev_name = self.q("evidence name"),
            ev_question = self.q("evidence question"),
            descriptors = descriptors.join(", "),
            indicator = toml_str(&self.indicator),
            metric_name = self.q("metric name"),
            metric_question = self.q("metric question"),
            formula = toml_str(&self.formula),
            rating_name = self.q("rating name"),
            rating_question = self.q("rating question"),
        );
        self.write("rubric.toml", rubric);
        // Two sets of the same two programmes: in `old/` alpha is rated low and beta high, in
        // `new/` the other way round, so that `compare` has negative deltas and rank changes.
        for (set, alpha_level, beta_level) in [("old", -2, 2), ("new", 2, -2)] {
            self.write(
                &format!("{set}/alpha.toml"),
                self.program(&self.alpha, "Alpha", alpha_level, true),
            );
            self.write(
                &format!("{set}/beta.toml"),
                self.program(&self.beta, "Beta", beta_level, false),
            );
        }
        let rating = |assessor: &str, alpha: &str, beta: &str| {
            let assessor = self.t(assessor);
            let rationale = self.t("rationale from the ratings file");
            ratings_csv(&[
                [&self.alpha, "rating", &assessor, alpha, &rationale],
                [&self.beta, "rating", &assessor, beta, &rationale],
                [&self.alpha, &self.ev, &assessor, alpha, &rationale],
                [&self.beta, &self.ev, &assessor, beta, &rationale],
            ])
        };
        self.write("ana.csv", rating("ana", "-2", "2"));
        self.write("ben.csv", rating("ben", "2", "-2"));
    }

    /// A programme. `mentoring` decides whether the evidence criterion counts (level 1) or is
    /// only negated (level -2).
    fn program(&self, id: &str, name: &str, level: i32, mentoring: bool) -> String {
        let text = if mentoring {
            "We offer mentoring to young people. There was no mentoring at night."
        } else {
            "There was no mentoring at all."
        };
        format!(
            r#"[program]
id = {id}
name = {name}
country = {country}
region = {region}
period = {period}
text = {text}

[facts]
budget = 10
misused = 3

[assessments.rating]
level = {level}
rationale = {rationale}
assessor = {assessor}

[assessments.{ev}]
level = 0
rationale = {advisory}
assessor = {adviser}
"#,
            id = toml_str(id),
            name = self.q(name),
            country = self.q("country"),
            region = self.q("region"),
            period = self.q("period"),
            text = toml_str(text),
            rationale = self.q(&format!("rationale for {name}")),
            assessor = self.q("assessor"),
            ev = toml_str(&self.ev),
            advisory = self.q("advisory rationale"),
            adviser = self.q("adviser"),
        )
    }

    /// Runs polscore in the world's directory; the run must succeed.
    fn csv(&self, name: &str, args: &[&str], problems: &mut Vec<String>) -> Option<Table> {
        self.csv_styled(name, args, b',', false, problems)
    }

    /// As [`World::csv`], for output written with spreadsheet options.
    fn csv_styled(
        &self,
        name: &str,
        args: &[&str],
        delimiter: u8,
        decimal_comma: bool,
        problems: &mut Vec<String>,
    ) -> Option<Table> {
        let run = polscore(args).dir(self.path()).run();
        let mut sanity = run.sanity_problems();
        if run.code != Some(0) {
            sanity.push(format!("exit code {:?}", run.code));
        }
        if !sanity.is_empty() {
            problems.push(format!(
                "{name}: polscore {} failed: {}\n{}",
                args.join(" "),
                sanity.join(", "),
                run.describe()
            ));
            return None;
        }
        Some(Table::parse_styled(
            name,
            &run.stdout,
            delimiter,
            decimal_comma,
        ))
    }
}

fn numeric_wide(column: &str) -> bool {
    matches!(column, "rank" | "total" | "coverage")
        || column.ends_with("_level")
        || column.ends_with("_score")
}

fn numeric_long(column: &str) -> bool {
    matches!(
        column,
        "level" | "computed_level" | "score" | "weight" | "contribution"
    )
}

fn numeric_template(column: &str) -> bool {
    matches!(column, "level" | "computed_level")
}

fn numeric_compare(column: &str) -> bool {
    matches!(
        column,
        "old_total" | "new_total" | "delta" | "old_rank" | "new_rank" | "rank_change"
    ) || column.ends_with("_old")
        || column.ends_with("_new")
        || column.ends_with("_change")
}

fn numeric_sensitivity(column: &str) -> bool {
    column != "program_id"
}

fn numeric_agreement(column: &str) -> bool {
    matches!(column, "alpha" | "items" | "raters" | "pairable_values")
}

/// Runs every CSV-writing command on the world of `lead` and returns every problem found.
fn injection_problems(lead: char) -> Vec<String> {
    let w = World::new(lead);
    let mut problems = Vec::new();
    let dash = lead == '-';
    let pb = &mut problems;

    // score, wide
    let args = ["score", "--rubric", "rubric.toml", "old"];
    if let Some(t) = w.csv("score (wide)", &args, pb) {
        t.check_cells(numeric_wide, pb);
        t.expect_text("program_name", &w.t("Alpha"), pb);
        t.expect_text("country", &w.t("country"), pb);
        t.expect_text("period", &w.t("period"), pb);
        t.expect_text("band", &w.t("band"), pb);
        t.expect_text("rubric_version", &w.t("version"), pb);
        t.expect_number("rating_level", "-2", pb);
        if dash {
            t.expect_text("program_id", "-alpha", pb);
            t.expect_text("rubric_id", "-inj", pb);
            t.expect_number("-ev_level", "-2", pb);
        }
    }

    // score, long, with ratings files on top of the descriptions' assessments
    let args = [
        "score",
        "--format",
        "long",
        "--rubric",
        "rubric.toml",
        "--ratings",
        "ana.csv",
        "old",
    ];
    if let Some(t) = w.csv("score --format long", &args, pb) {
        t.check_cells(numeric_long, pb);
        // Several assessments: the evidence lists each assessor with level and rationale.
        t.expect_text("evidence", &w.t("assessor"), pb);
        t.expect_number("level", "-2", pb);
        t.expect_number("computed_level", "-2", pb);
        if dash {
            t.expect_text("program_id", "-alpha", pb);
            t.expect_text("criterion_id", "-ev", pb);
            t.expect_text("evidence", "-mentor: ", pb);
        }
        if matches!(lead, '-' | '+') {
            t.expect_text("evidence", &format!("{} = ", w.formula), pb);
        }
    }
    // score, long, one assessment per cell: the evidence is the rationale itself.
    let args = [
        "score",
        "--format",
        "long",
        "--rubric",
        "rubric.toml",
        "old",
    ];
    if let Some(t) = w.csv("score --format long (one assessor)", &args, pb) {
        t.check_cells(numeric_long, pb);
        t.expect_text("evidence", &w.t("rationale for Alpha"), pb);
    }

    // template, rating criteria only and --all
    let args = ["template", "--rubric", "rubric.toml", "old"];
    if let Some(t) = w.csv("template", &args, pb) {
        t.check_cells(numeric_template, pb);
        t.expect_text("criterion_name", &w.t("rating name"), pb);
        t.expect_text("question", &w.t("rating question"), pb);
        // The scale help starts with the lowest level, here -2: a text cell like any other.
        t.expect_text("scale", "-2: ", pb);
        if dash {
            t.expect_text("program_id", "-alpha", pb);
        }
    }
    let args = ["template", "--all", "--rubric", "rubric.toml", "old"];
    if let Some(t) = w.csv("template --all", &args, pb) {
        t.check_cells(numeric_template, pb);
        t.expect_text("criterion_name", &w.t("evidence name"), pb);
        t.expect_text("question", &w.t("evidence question"), pb);
        t.expect_text("criterion_name", &w.t("metric name"), pb);
        t.expect_number("computed_level", "-2", pb);
        if dash {
            t.expect_text("criterion_id", "-ev", pb);
        }
    }

    // compare: old and new scorecards, with negative deltas and rank changes
    for set in ["old", "new"] {
        let run = polscore(["score", "--rubric", "rubric.toml", set])
            .dir(w.path())
            .run();
        assert_eq!(run.code, Some(0), "{}", run.describe());
        w.write(&format!("{set}.csv"), &run.stdout);
    }
    let args = ["compare", "old.csv", "new.csv"];
    if let Some(t) = w.csv("compare", &args, pb) {
        t.check_cells(numeric_compare, pb);
        t.expect_negative("delta", pb);
        t.expect_number("rank_change", "-1", pb);
        t.expect_number("rating_change", "-4", pb);
        t.expect_number("rating_old", "-2", pb);
        if dash {
            t.expect_text("program_id", "-alpha", pb);
        }
    }

    // sensitivity
    let args = [
        "sensitivity",
        "--samples",
        "200",
        "--rubric",
        "rubric.toml",
        "old",
    ];
    if let Some(t) = w.csv("sensitivity", &args, pb) {
        t.check_cells(numeric_sensitivity, pb);
        if dash {
            t.expect_text("program_id", "-alpha", pb);
        }
    }

    // agreement, CSV: two analysts two levels apart on every item
    let args = [
        "agreement",
        "--format",
        "csv",
        "--rubric",
        "rubric.toml",
        "ana.csv",
        "ben.csv",
    ];
    if let Some(t) = w.csv("agreement --format csv", &args, pb) {
        t.check_cells(numeric_agreement, pb);
        t.expect_negative("alpha", pb);
        if dash {
            t.expect_text("criterion_id", "-ev", pb);
            t.expect_text("disagreements", "-alpha", pb);
        }
    }
    problems
}

/// The spreadsheet options change the layout and the numbers, never the protection of text
/// (issue "Fit the user's tools", item 4): the same checks on `--excel` and tab-delimited
/// output of every command that writes CSV.
fn sheet_problems(lead: char) -> Vec<String> {
    let w = World::new(lead);
    let mut problems = Vec::new();
    let pb = &mut problems;
    let styles: [(&[&str], u8, bool); 2] = [
        (&["--excel"], b';', true),
        (&["--delimiter", "tab", "--crlf"], b'\t', false),
    ];
    for (style, delimiter, decimal_comma) in styles {
        let run = |name: &str, args: &[&str], pb: &mut Vec<String>| {
            let args = [args, style].concat();
            let name = format!("{name} {}", style.join(" "));
            w.csv_styled(&name, &args, delimiter, decimal_comma, pb)
        };
        let score = ["score", "--rubric", "rubric.toml", "old"];
        if let Some(t) = run("score", &score, pb) {
            t.check_cells(numeric_wide, pb);
            t.expect_text("program_name", &w.t("Alpha"), pb);
            t.expect_number("rating_level", "-2", pb);
        }
        let long = [
            "score",
            "--format",
            "long",
            "--rubric",
            "rubric.toml",
            "old",
        ];
        if let Some(t) = run("score --format long", &long, pb) {
            t.check_cells(numeric_long, pb);
            t.expect_text("evidence", &w.t("rationale for Alpha"), pb);
            t.expect_number("weight", "0.3333", pb);
        }
        let template = ["template", "--all", "--rubric", "rubric.toml", "old"];
        if let Some(t) = run("template", &template, pb) {
            t.check_cells(numeric_template, pb);
            t.expect_text("question", &w.t("evidence question"), pb);
        }
        // compare reads scorecards written in the same style.
        for set in ["old", "new"] {
            let args = [&["score", "--rubric", "rubric.toml", set][..], style].concat();
            let run = polscore(&args).dir(w.path()).run();
            assert_eq!(run.code, Some(0), "{}", run.describe());
            w.write(&format!("{set}.csv"), &run.stdout);
        }
        if let Some(t) = run("compare", &["compare", "old.csv", "new.csv"], pb) {
            t.check_cells(numeric_compare, pb);
            t.expect_negative("delta", pb);
            t.expect_number("rating_change", "-4", pb);
        }
        let sensitivity = [
            "sensitivity",
            "--samples",
            "50",
            "--rubric",
            "rubric.toml",
            "old",
        ];
        if let Some(t) = run("sensitivity", &sensitivity, pb) {
            t.check_cells(numeric_sensitivity, pb);
        }
        let agreement = [
            "agreement",
            "--format",
            "csv",
            "--rubric",
            "rubric.toml",
            "ana.csv",
            "ben.csv",
        ];
        if let Some(t) = run("agreement", &agreement, pb) {
            t.check_cells(numeric_agreement, pb);
            t.expect_negative("alpha", pb);
        }
    }
    problems
}

#[test]
fn spreadsheet_options_keep_cells_protected() {
    for lead in LEADING {
        let problems = sheet_problems(lead);
        assert!(
            problems.is_empty(),
            "CSV cells starting with {lead:?}, spreadsheet options: {} problems:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}

fn assert_protected(lead: char) {
    let problems = injection_problems(lead);
    assert!(
        problems.is_empty(),
        "CSV cells starting with {lead:?}: {} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn csv_cells_starting_with_equals_are_protected() {
    assert_protected('=');
}

#[test]
fn csv_cells_starting_with_plus_are_protected() {
    assert_protected('+');
}

#[test]
fn csv_cells_starting_with_minus_are_protected() {
    assert_protected('-');
}

#[test]
fn csv_cells_starting_with_at_are_protected() {
    assert_protected('@');
}

#[test]
fn csv_cells_starting_with_tab_are_protected() {
    assert_protected('\t');
}

#[test]
fn csv_cells_starting_with_carriage_return_are_protected() {
    assert_protected('\r');
}

#[test]
fn helpers_tell_numbers_from_texts() {
    for n in ["0", "-2", "62.50", "-0.500", "100.00"] {
        assert!(is_number(n), "{n}");
    }
    for t in ["", "-", "'-2", "1.", ".5", "-x", "1e5", "--1"] {
        assert!(!is_number(t), "{t}");
    }
    assert_eq!(unprotect("'=1+1"), "=1+1");
    assert_eq!(unprotect("'quoted'"), "'quoted'");
    assert!(is_dangerous("\rx") && !is_dangerous("x="));
}

/// `polscore score ... | head -1`: when the reader goes away, polscore stops quietly with
/// exit code 0 (no panic, no "Broken pipe" message).
#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::Builder::new()
        .prefix("polscore-pipe-")
        .tempdir()
        .unwrap();
    let fixtures = root().join("fixtures/programs");
    let programs = dir.path().join("programs");
    std::fs::create_dir(&programs).unwrap();
    for i in 0..300 {
        std::fs::write(
            programs.join(format!("generated-{i:03}.md")),
            format!(
                "# Generated programme {i}\n\nMentors met young people one-on-one every week. \
                 The ministry published a public communication strategy. There was no \
                 regional cooperation.\n"
            ),
        )
        .unwrap();
    }
    let (fixtures, programs) = (fixtures.to_str().unwrap(), programs.to_str().unwrap());
    let mut child = polscore(["score", "--format", "json", fixtures, programs])
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    {
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut first).unwrap();
        // `out` is dropped here: the pipe is closed with most of the output unread.
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!first.is_empty(), "no first line");
    assert!(
        output.status.success(),
        "exit status {:?}; stderr:\n{stderr}",
        output.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.to_lowercase().contains("broken pipe"), "{stderr}");
}
