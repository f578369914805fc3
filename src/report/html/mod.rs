//! Self-contained HTML reports for people who will not open a CSV: the scorecard (ranking,
//! heatmap, per-programme profile and evidence trail) and the sensitivity analysis.
//!
//! One file each, with inline CSS and SVG: no script, no font or image to fetch, nothing that
//! needs a network, so that it opens offline, can be mailed, and prints on A4. The markup is
//! well-formed XHTML-compatible HTML (every element closed, attributes quoted, only XML's
//! own entities) so that tests can parse it with an XML reader. Every text from an input is
//! escaped; the only links that leave the page are the programmes' own `http(s)` sources.
//!
//! Colour never carries meaning alone: every heatmap cell says its level and label, missing and
//! not-applicable cells say so, and the palette is a single-hue blue ramp that reads in grey
//! and for colour-blind readers.

//!
//! This file holds what every page shares: escaping, the page's head and footer, and the
//! stylesheet (`style.css`, included at build time). The scorecard, a criterion's trail, the
//! sensitivity page and the SVG charts each have a file of their own.

mod charts;
mod scorecard;
mod sensitivity;
mod trail;

use std::fmt::Write;

pub use scorecard::render;
pub use sensitivity::sensitivity;

use crate::rubric::Rubric;

/// Text as HTML character data or an attribute value. Characters that XML forbids (most C0
/// controls) become U+FFFD, so the page stays well-formed whatever a description holds.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text on one line.
pub(super) fn line(s: &str) -> String {
    esc(crate::report::trail::squash(s).trim())
}

/// The stylesheet of every page: print-ready on A4, no font or image to fetch.
const CSS: &str = include_str!("style.css");

/// Landscape pages for the wide tables of the sensitivity report.
pub(super) const CSS_LANDSCAPE: &str = include_str!("landscape.css");

pub(super) fn head(o: &mut String, title: &str, extra_css: &str) {
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <meta name=\"generator\" content=\"polscore {}\"/>\n<title>{}</title>\n\
         <style>\n{CSS}{extra_css}</style>\n</head>\n<body>\n<div class=\"page\">\n",
        env!("CARGO_PKG_VERSION"),
        esc(title)
    );
}

pub(super) fn foot(o: &mut String, rubric: &Rubric, note: &str) {
    let _ = write!(
        o,
        "<footer>\n<p>Rubric <code>{}</code>{} · digest <code>{}</code> · polscore {}</p>\n\
         <p>{}</p>\n</footer>\n</div>\n</body>\n</html>\n",
        esc(&rubric.id),
        if rubric.version.is_empty() {
            String::new()
        } else {
            format!(" version {}", esc(&rubric.version))
        },
        esc(rubric.digest()),
        env!("CARGO_PKG_VERSION"),
        esc(note)
    );
}

pub(super) fn rubric_title(rubric: &Rubric) -> &str {
    if rubric.title.trim().is_empty() {
        &rubric.id
    } else {
        &rubric.title
    }
}

pub(super) fn rubric_name(rubric: &Rubric) -> String {
    if rubric.version.is_empty() {
        format!("<code>{}</code>", esc(&rubric.id))
    } else {
        format!(
            "<code>{}</code> version {}",
            esc(&rubric.id),
            esc(&rubric.version)
        )
    }
}

/// The anchor of a programme's section.
pub(super) fn anchor(id: &str) -> String {
    format!("p-{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(esc("a\u{1}b\u{FFFF}"), "a\u{FFFD}b\u{FFFD}");
    }
}
