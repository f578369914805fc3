//! Diagnostics: every problem polscore finds in its input, with where it is and what to do.
//!
//! A [`Diagnostic`] carries the file, the line and column (1-based, columns in Unicode code
//! points), the offending line for a caret, a message and an optional hint. Diagnostics are
//! collected, never thrown one at a time, so that a user fixing a rubric sees the whole list;
//! they are rendered in one place, [`Diagnostic::render`].

use std::fmt;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Default limit on the size of one input file: generous for text, small enough that a wrong
/// argument (a database dump, a video) is refused rather than read into memory.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// The most `--max-file-size` allows. Texts are indexed with 32-bit offsets, also into their
/// normalised form, which NFKC can make up to 11 times longer (U+FDFA: 3 bytes become 33):
/// 256 MiB × 11 stays below 4 GiB.
pub const LARGEST_FILE_SIZE: u64 = 256 << 20;

/// Limits on what polscore reads, passed down as a value (never a global), so that two runs
/// in one process, or a test, can use different limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The largest input file read, in bytes (at most [`LARGEST_FILE_SIZE`]).
    pub max_file_size: u64,
    /// How the caller lets a user raise `max_file_size`, for the hint of a file that is too
    /// large (the command line names its flag; the library knows no flags).
    pub raise_hint: String,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            raise_hint: "raise the limit on input file size".to_string(),
        }
    }
}

/// A size for people: `64 MiB`, `1.5 KiB`, `12 bytes`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let text = format!("{value:.1}");
    format!("{} {}", text.trim_end_matches(".0"), UNITS[unit])
}

/// A text file as polscore read it: its path and contents (without a byte-order mark).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
    /// (byte offset, characters before it) every [`CHECKPOINT`] bytes or so, so that a column
    /// on a very long line is found without counting the whole line each time; made the
    /// first time such a line needs it.
    checkpoints: std::sync::OnceLock<Vec<(usize, usize)>>,
}

/// Distance in bytes between two column checkpoints.
const CHECKPOINT: usize = 4096;

impl SourceFile {
    /// Wraps `text` read from `path`, dropping a leading byte-order mark so that it is not a
    /// column.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.into(),
            text,
            line_starts,
            checkpoints: std::sync::OnceLock::new(),
        }
    }

    /// Reads a file as UTF-8.
    pub fn read(path: &Path, limits: &Limits) -> Result<Self, Diagnostic> {
        let cannot = |e: std::io::Error| {
            Diagnostic::new(format!("cannot read file: {}", io_reason(&e))).in_file(path)
        };
        let limit = limits.max_file_size;
        let too_big = |size: u64| {
            Diagnostic::new(format!(
                "the file is {}, more than the limit of {}",
                human_size(size),
                human_size(limit)
            ))
            .in_file(path)
            .with_hint(format!(
                "check that this is the file you meant; to read it anyway, {}",
                limits.raise_hint
            ))
        };
        let file = std::fs::File::open(path).map_err(cannot)?;
        let mut size = 0;
        if let Ok(meta) = file.metadata() {
            if meta.is_dir() {
                return Err(Diagnostic::new("this is a directory, not a file").in_file(path));
            }
            if meta.len() > limit {
                return Err(too_big(meta.len()));
            }
            size = meta.len();
        }
        // Read at most one byte past the limit: a file that grows, or a device, stops there.
        let mut bytes = Vec::with_capacity(usize::try_from(size).map_or(0, |n| n + 1));
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
        if bytes.len() as u64 > limit {
            return Err(too_big(bytes.len() as u64));
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile::new(path, text)),
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
                let file = SourceFile::new(path, prefix);
                let end = file.text.len();
                Err(file
                    .error(end..end, "the file is not valid UTF-8")
                    .with_hint("save it as UTF-8 (most editors offer this in 'Save as')"))
            }
        }
    }

    /// Line (1-based) and column (1-based, in code points) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let offset = floor_char_boundary(&self.text, offset);
        let col = if offset - start <= CHECKPOINT {
            self.text[start..offset].chars().count()
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        (line + 1, col + 1)
    }

    /// How many characters precede a byte offset (on a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoints = self.checkpoints.get_or_init(|| {
            let mut checkpoints = vec![(0, 0)];
            let (mut at, mut count) = (0, 0);
            while at < self.text.len() {
                let mut next = (at + CHECKPOINT).min(self.text.len());
                while !self.text.is_char_boundary(next) {
                    next += 1;
                }
                count += self.text[at..next].chars().count();
                at = next;
                checkpoints.push((at, count));
            }
            checkpoints
        });
        let i = checkpoints.partition_point(|&(at, _)| at <= offset) - 1;
        let (at, count) = checkpoints[i];
        count + self.text[at..offset].chars().count()
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&next| next - 1);
        self.text[start..end].trim_end_matches('\r')
    }

    /// A diagnostic pointing at `span` in this file.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.line_col(span.start);
        let line_text = self.line_text(line).to_string();
        let end = span.end.max(span.start).min(self.text.len());
        let width = if end > span.start {
            let (end_line, end_col) = self.line_col(end);
            if end_line == line {
                end_col - column
            } else {
                line_text.chars().count().saturating_sub(column - 1).max(1)
            }
        } else {
            1
        };
        Diagnostic {
            severity: Severity::Error,
            path: Some(self.path.clone()),
            location: Some(Box::new(Location {
                line,
                column,
                line_text,
                width: width.max(1),
            })),
            message: message.into(),
            hint: None,
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The plain reason of an I/O error, without Rust's "(os error 2)" suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}

/// Where in a file a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub line_text: String,
    /// How many columns the caret underlines.
    pub width: usize,
}

/// How grave a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Severity {
    /// The input is invalid: exit code 1, nothing written.
    #[default]
    Error,
    /// Worth telling, but the run goes on and the exit code stays as it is.
    Warning,
}

/// One problem with the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: Option<PathBuf>,
    // Boxed: a diagnostic travels in `Result`s, which should stay small.
    pub location: Option<Box<Location>>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with neither file nor location.
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: None,
            location: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn in_file(mut self, path: &Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same diagnostic as a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Renders the diagnostic as polscore prints it:
    ///
    /// ```text
    /// error: unknown key `weigth`
    ///   --> rubric.toml:12:1
    ///    |
    /// 12 | weigth = 0.25
    ///    | ^^^^^^
    ///    = hint: did you mean `weight`?
    /// ```
    pub fn render(&self) -> String {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!("{label}: {}\n", self.message);
        let gutter = self
            .location
            .as_ref()
            .map_or(1, |l| l.line.to_string().len());
        let pad = " ".repeat(gutter);
        match (&self.path, &self.location) {
            (Some(path), Some(loc)) => {
                out += &format!("{pad}--> {}:{}:{}\n", path.display(), loc.line, loc.column);
                let (shown, caret_at, width) = excerpt(&loc.line_text, loc.column - 1, loc.width);
                out += &format!("{pad} |\n{} | {}\n", loc.line, shown);
                out += &format!("{pad} | {}{}\n", " ".repeat(caret_at), "^".repeat(width));
            }
            (Some(path), None) => out += &format!("{pad}--> {}\n", path.display()),
            _ => {}
        }
        if let Some(hint) = &self.hint {
            out += &format!("{pad} = hint: {hint}\n");
        }
        out
    }
}

impl Diagnostic {
    /// [`Diagnostic::render`] with ANSI colours for a terminal: `error` in bold red, the
    /// location arrow and gutter in blue, the caret in red, the hint in cyan.
    pub fn render_colored(&self) -> String {
        const RED: &str = "\x1b[1;31m";
        const BLUE: &str = "\x1b[1;34m";
        const CYAN: &str = "\x1b[36m";
        const YELLOW: &str = "\x1b[1;33m";
        const BOLD: &str = "\x1b[1m";
        const RESET: &str = "\x1b[0m";
        self.render()
            .lines()
            .map(|line| {
                if let Some(rest) = line.strip_prefix("error: ") {
                    format!("{RED}error{RESET}{BOLD}: {rest}{RESET}")
                } else if let Some(rest) = line.strip_prefix("warning: ") {
                    format!("{YELLOW}warning{RESET}{BOLD}: {rest}{RESET}")
                } else if let Some((gutter, rest)) = line.split_once(" | ") {
                    let rest = if rest.trim_start().starts_with('^') {
                        format!("{RED}{rest}{RESET}")
                    } else {
                        rest.to_string()
                    };
                    format!("{BLUE}{gutter} |{RESET} {rest}")
                } else if let Some((gutter, rest)) = line.split_once(" = hint: ") {
                    format!("{BLUE}{gutter} ={RESET} {CYAN}hint:{RESET} {rest}")
                } else if line.trim_start().starts_with("-->") || line.trim_end().ends_with('|') {
                    format!("{BLUE}{line}{RESET}")
                } else {
                    line.to_string()
                }
            })
            .map(|l| l + "\n")
            .collect()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// Longest excerpt of a line shown under a diagnostic, in characters.
const EXCERPT: usize = 100;

/// The part of a line shown with a caret: the whole line when it is short, else a window around
/// the column with `…` where it was cut. Returns the text, the caret's column in it (0-based)
/// and the caret's width.
fn excerpt(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let width = width.clamp(1, EXCERPT / 2);
    if chars.len() <= EXCERPT {
        return (chars.into_iter().collect(), column, width);
    }
    let start = column
        .saturating_sub(EXCERPT / 4)
        .min(chars.len().saturating_sub(EXCERPT));
    let end = (start + EXCERPT).min(chars.len());
    let mut text = String::new();
    let mut caret = column - start;
    if start > 0 {
        text.push('…');
        caret += 1;
    }
    text.extend(&chars[start..end]);
    if end < chars.len() {
        text.push('…');
    }
    (text, caret, width)
}

/// All problems found in one run, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether any of them is an error (not only warnings).
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Takes the warnings out, leaving the errors.
    pub fn take_warnings(&mut self) -> Diagnostics {
        let (warnings, errors) = std::mem::take(&mut self.0)
            .into_iter()
            .partition(|d| d.severity == Severity::Warning);
        self.0 = errors;
        Diagnostics(warnings)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `Ok(value)` when nothing was reported, else every diagnostic.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    pub fn render(&self) -> String {
        self.0
            .iter()
            .map(Diagnostic::render)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Diagnostics {}

/// Items in backticks, joined by commas: "`a`, `b`".
pub fn code_list<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest of `candidates` to `word`, for "did you mean" hints.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_code_points_and_skips_bom() {
        let f = SourceFile::new("x", "\u{feff}ab\r\nÉé x\n".to_string());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(4), (2, 1));
        let x = f.text.find('x').unwrap();
        assert_eq!(f.line_col(x), (2, 4));
        assert_eq!(f.line_text(1), "ab");
    }

    #[test]
    fn columns_on_long_lines_count_characters() {
        let line = "é".repeat(10_000) + "x";
        let f = SourceFile::new("x", format!("a\n{line}\n"));
        let x = f.text.find('x').unwrap();
        assert_eq!(f.line_col(x), (2, 10_001));
        assert_eq!(f.line_col(2 + 2 * 5000), (2, 5001));
    }

    #[test]
    fn renders_caret_under_the_span() {
        let f = SourceFile::new("r.toml", "[a]\nweigth = 1\n".to_string());
        let d = f
            .error(4..10, "unknown key `weigth`")
            .with_hint("did you mean `weight`?");
        assert_eq!(
            d.render(),
            "error: unknown key `weigth`\n --> r.toml:2:1\n  |\n2 | weigth = 1\n  | ^^^^^^\n  = hint: did you mean `weight`?\n"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}x{}", "a".repeat(5000), "b".repeat(5000));
        let (text, caret, width) = excerpt(&line, 5000, 3);
        assert!(text.chars().count() <= EXCERPT + 2);
        assert_eq!(text.chars().nth(caret), Some('x'));
        assert_eq!(width, 3);
        assert_eq!(excerpt("short", 2, 1), ("short".to_string(), 2, 1));
    }

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(suggest("weigth", ["weight", "name"]), Some("weight"));
        assert_eq!(suggest("zzz", ["weight", "name"]), None);
    }
}
