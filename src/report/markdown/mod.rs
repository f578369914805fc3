//! GitHub-flavoured Markdown as the scorecard ([`scorecard`]) and the methodology
//! ([`methodology`](super::methodology)) write it: escaping, tables, and the [`Markup`] a
//! criterion's narration is told through.
//!
//! Every text that comes from an input is escaped, so that a `|` cannot break a table and a
//! `*`, `<` or `#` in a programme's name stays text.

mod scorecard;

pub use scorecard::render;

use super::narration::{Lines, Markup, Span};
use super::trail::{level_text, squash};
use crate::rubric::Rubric;

/// Text as Markdown inline content: on one line, with every character that Markdown could read
/// as syntax escaped.
pub(crate) fn text(s: &str) -> String {
    escape(squash(s).trim(), true)
}

/// `s` with Markdown's inline syntax escaped, and its block syntax too when `s` begins a line.
fn escape(s: &str, line_start: bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &ch) in chars.iter().enumerate() {
        let escape = match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '$' => true,
            // An entity reference (`&lt;`, `&#60;`) would be decoded.
            '&' => {
                let name = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
                    .count();
                name > 0 && chars.get(i + 1 + name) == Some(&';')
            }
            // Block syntax at the start of a line: headings, list items, setext underlines.
            '#' | '+' | '-' | '=' if i == 0 && line_start => true,
            // An ordered list item: digits, then `.` or `)`, then a space.
            '.' | ')' => {
                line_start
                    && i > 0
                    && chars[..i].iter().all(char::is_ascii_digit)
                    && chars.get(i + 1).is_none_or(|c| *c == ' ')
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// A code span holding `s` exactly; inside a table cell a `|` is escaped, as GFM requires.
pub(crate) fn code(s: &str, in_cell: bool) -> String {
    let s = squash(s);
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.trim().is_empty() {
        " "
    } else {
        ""
    };
    let body = if in_cell { s.replace('|', "\\|") } else { s };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// A GFM table; `align` holds `l`, `r` or `c` per column. Cells are Markdown already.
pub(super) fn table(out: &mut String, header: &[&str], align: &str, rows: &[Vec<String>]) {
    let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
    out.push_str(&line(&header.iter().map(|h| text(h)).collect::<Vec<_>>()));
    let rule: Vec<String> = align
        .chars()
        .map(|a| match a {
            'r' => "---:".to_string(),
            'c' => ":---:".to_string(),
            _ => ":---".to_string(),
        })
        .collect();
    out.push_str(&line(&rule));
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.is_empty() {
                    " ".to_string()
                } else {
                    c.clone()
                }
            })
            .collect();
        out.push_str(&line(&cells));
    }
    out.push('\n');
}

/// `pcve 1.0.0`, or the id alone when the rubric has no version.
pub(super) fn rubric_name(rubric: &Rubric) -> String {
    if rubric.version.is_empty() {
        code(&rubric.id, false)
    } else {
        format!(
            "{} version {}",
            code(&rubric.id, false),
            text(&rubric.version)
        )
    }
}

pub(super) fn title(rubric: &Rubric) -> String {
    if rubric.title.trim().is_empty() {
        rubric.id.clone()
    } else {
        rubric.title.clone()
    }
}

/// The scale's levels as `0 (Absent) to 4 (Exemplary)`.
pub(super) fn scale_text(rubric: &Rubric) -> String {
    format!(
        "{} to {}",
        text(&level_text(&rubric.scale, rubric.scale.min)),
        text(&level_text(&rubric.scale, rubric.scale.max))
    )
}

/// Markdown as a criterion's narration writes it: a list of `-` items, nested two spaces a
/// level, a quote as an item of its own. Block syntax is escaped only where a line begins.
pub(crate) struct Markdown<'a> {
    lines: Lines<'a>,
    /// Nothing has been written on the current line since its `- `.
    line_start: bool,
}

impl<'a> Markdown<'a> {
    pub(crate) fn new(out: &'a mut String) -> Self {
        Markdown {
            lines: Lines::new(out, "- ", 0, true),
            line_start: true,
        }
    }

    fn push(&mut self, s: &str) {
        self.lines.out.push_str(s);
        self.line_start = false;
    }
}

impl Markup for Markdown<'_> {
    fn text(&mut self, s: &str) {
        let s = squash(s);
        let inner = s.trim();
        let lead = if s.starts_with(' ') { " " } else { "" };
        let trail = if s.ends_with(' ') && !inner.is_empty() {
            " "
        } else {
            ""
        };
        let body = escape(inner, self.line_start && lead.is_empty());
        self.push(&format!("{lead}{body}{trail}"));
    }

    fn code(&mut self, s: &str) {
        self.push(&code(s, false));
    }

    fn emphasis(&mut self, s: &str) {
        self.push(&format!("**{}**", text(s)));
    }

    fn strike(&mut self, s: &str) {
        self.push(&format!("~~{}~~", text(s)));
    }

    fn link(&mut self, title: &str, url: &str) {
        if url.contains(['<', '>']) {
            self.text(title);
            self.text(" (");
            self.text(url);
            self.text(")");
        } else {
            self.push(&format!("[{}](<{url}>)", text(title)));
        }
    }

    fn start(&mut self, _: Span) {}

    fn end(&mut self, _: Span) {}

    fn quote_start(&mut self) {
        self.lines.quote_start();
        self.line_start = true;
    }

    fn quote_end(&mut self) {
        self.lines.end();
    }

    fn list_start(&mut self) {
        self.lines.list_start();
    }

    fn list_end(&mut self) {
        self.lines.list_end();
    }

    fn item_start(&mut self) {
        self.lines.item_start();
        self.line_start = true;
    }

    fn item_end(&mut self) {
        self.lines.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_syntax_in_text_is_escaped() {
        assert_eq!(text("a | b"), "a \\| b");
        assert_eq!(
            text("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(text("# not a heading"), "\\# not a heading");
        assert_eq!(text("- not a list"), "\\- not a list");
        assert_eq!(text("2019. A year"), "2019\\. A year");
        assert_eq!(
            text("snake_case *x* [l](u)"),
            "snake\\_case \\*x\\* \\[l\\](u)"
        );
        assert_eq!(text("AT&T &amp;"), "AT&T \\&amp;");
        assert_eq!(text("US$285\nmillion"), "US\\$285 million");
        assert_eq!(text("2013-2017"), "2013-2017");
    }

    #[test]
    fn block_syntax_is_escaped_only_where_a_line_begins() {
        let mut out = String::new();
        let mut m = Markdown::new(&mut out);
        m.list(["- a", "b"], |m, s| {
            m.text(s);
            m.text(" - 1. x ");
            m.text("2019.");
        });
        assert_eq!(out, "- \\- a - 1. x 2019.\n- b - 1. x 2019.\n\n");
    }

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(code("a_b", false), "`a_b`");
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`x", false), "`` `x ``");
        assert_eq!(code("a|b", true), "`a\\|b`");
    }
}
