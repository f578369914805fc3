//! Where each byte of a programme's narrative stands in a file, so that evidence points at the
//! line and column an editor shows (SPEC §5), also inside a TOML string with escapes.

use std::sync::Arc;

use crate::diag::SourceFile;

/// A programme's narrative, and where each of its bytes stands in a file.
#[derive(Debug, Clone)]
pub struct Text {
    pub text: String,
    /// The file that locations point into.
    pub file: Arc<SourceFile>,
    /// (offset in `text`, offset in the file) for each character of `text`; empty when
    /// `text` is the file itself.
    pub(super) map: Vec<(usize, usize)>,
}

impl Text {
    /// Line and column, in the file, of a byte offset in the text.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let in_file = if self.map.is_empty() {
            offset
        } else {
            let i = self
                .map
                .partition_point(|&(t, _)| t <= offset)
                .saturating_sub(1);
            self.map.get(i).map_or(0, |&(_, f)| f)
        };
        self.file.line_col(in_file)
    }
}

/// Decodes a TOML string literal as written (quotes included), returning the string and, for
/// each of its characters, (offset in the string, offset in `raw`). None if `raw` is not a
/// string literal this decoder knows.
pub(super) fn decode_string(raw: &str) -> Option<(String, Vec<(usize, usize)>)> {
    let (delim, multi) = if raw.starts_with("\"\"\"") {
        ("\"\"\"", true)
    } else if raw.starts_with("'''") {
        ("'''", true)
    } else if raw.starts_with('"') {
        ("\"", false)
    } else if raw.starts_with('\'') {
        ("'", false)
    } else {
        return None;
    };
    let basic = delim.starts_with('"');
    if raw.len() < 2 * delim.len() || !raw.ends_with(delim) {
        return None;
    }
    let mut start = delim.len();
    let end = raw.len() - delim.len();
    if multi {
        if raw[start..end].starts_with("\r\n") {
            start += 2;
        } else if raw[start..end].starts_with('\n') {
            start += 1;
        }
    }
    let body = &raw[start..end];
    let mut out = String::new();
    let mut map = Vec::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = start + i;
        if !(basic && c == '\\') {
            map.push((out.len(), at));
            out.push(c);
            continue;
        }
        let (_, e) = chars.next()?;
        let decoded = match e {
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'f' => '\u{c}',
            'r' => '\r',
            'e' => '\u{1b}',
            '"' => '"',
            '\\' => '\\',
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut hex = String::new();
                for _ in 0..n {
                    hex.push(chars.next()?.1);
                }
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            c if multi && c.is_whitespace() => {
                // A line-ending backslash eats white space up to the next non-blank character.
                while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                    chars.next();
                }
                continue;
            }
            _ => return None,
        };
        map.push((out.len(), at));
        out.push(decoded);
    }
    Some((out, map))
}
