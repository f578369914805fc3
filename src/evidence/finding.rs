//! Findings: occurrences of an indicator's phrases located in the file a reader has and
//! quoted as written, with the cue that negated them. The evidence layer makes them; scoring
//! only counts them, and can be tested with hand-built ones.

use super::{Occurrence, Side};

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub column: usize,
}

/// One occurrence of an indicator's phrase, located and quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index of the indicator in its criterion.
    pub indicator: usize,
    pub phrase: String,
    /// The matched words as written.
    pub matched: String,
    pub place: Place,
    /// The sentence as written.
    pub sentence: String,
    pub negation: Option<Cue>,
}

/// The negation cue that cancelled a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    pub text: String,
    pub place: Place,
    /// True when the cue follows the phrase ("mentoring was absent").
    pub after: bool,
}

/// Longest sentence quoted whole, in bytes; a longer one is quoted around the match.
const MAX_QUOTE: usize = 600;

/// The sentence around a match, as written; a very long "sentence" (a text without stops) is
/// cut to a window around the match, so that quotes stay readable and small.
fn quote(text: &str, sentence: std::ops::Range<usize>, matched: &std::ops::Range<usize>) -> String {
    if sentence.len() <= MAX_QUOTE {
        return text[sentence].to_string();
    }
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(
        matched
            .start
            .saturating_sub(MAX_QUOTE / 3)
            .max(sentence.start),
    );
    let end = floor((matched.end + MAX_QUOTE / 3).min(sentence.end));
    let mut out = String::new();
    if start > sentence.start {
        out.push('…');
    }
    out.push_str(&text[start..end]);
    if end < sentence.end {
        out.push('…');
    }
    out
}

impl Finding {
    /// Locates and quotes an occurrence in `text`; `locate` gives the line and column, in the
    /// file a reader has, of a byte offset in `text`.
    pub fn new(text: &str, o: Occurrence, locate: impl Fn(usize) -> (usize, usize)) -> Finding {
        let place = |at: usize| {
            let (line, column) = locate(at);
            Place { line, column }
        };
        Finding {
            indicator: o.indicator,
            phrase: o.phrase,
            matched: text[o.span.clone()].to_string(),
            place: place(o.span.start),
            sentence: quote(text, o.sentence, &o.span),
            negation: o.negation.map(|(span, side)| Cue {
                text: text[span.clone()].to_string(),
                place: place(span.start),
                after: side == Side::After,
            }),
        }
    }
}
