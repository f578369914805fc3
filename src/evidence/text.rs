//! Text normalisation and tokens (SPEC §5): what "the same words" means for a phrase and a text.
//!
//! Each character cluster (a character and its combining marks) is normalised on its own:
//! curly quotes and primes become `'` and `"`, a soft hyphen is deleted, then NFKC, then full
//! lower-casing (final sigma folded to sigma so that a phrase and a text agree). The result is
//! cut into tokens: words (runs of letters, marks, digits and apostrophes), separators (runs of
//! white space, hyphens and dashes: one separator however long) and single punctuation
//! characters. Every token remembers its byte range in the original text, so that a match can
//! be quoted and located as written.
//!
//! Normalising cluster by cluster (rather than the whole text at once) is what keeps that map
//! exact; it differs from whole-text NFKC only for scripts whose starters compose with each
//! other (conjoining Hangul jamo), which are rare in programme descriptions.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Sep,
    Punct,
}

/// One token of normalised text, with the byte range it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub norm: String,
    pub span: Range<usize>,
}

fn is_sep(c: char) -> bool {
    c.is_whitespace() || c == '-' || ('\u{2010}'..='\u{2015}').contains(&c) || c == '\u{2212}'
}

fn is_word(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || c == '\'' || is_combining_mark(c)
}

/// Characters that are equal before anything else happens to them.
fn fold_quote(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201b}' | '\u{2032}' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2033}' => '"',
        _ => c,
    }
}

/// Appends the normalised form of one cluster to `out`.
fn normalise_cluster(cluster: &str, out: &mut Vec<char>) {
    if cluster.len() == 1 {
        // ASCII fast path: NFKC leaves ASCII alone.
        out.push(cluster.as_bytes()[0].to_ascii_lowercase() as char);
        return;
    }
    let folded: String = cluster
        .chars()
        .filter(|&c| c != '\u{ad}')
        .map(fold_quote)
        .collect();
    for c in folded.nfkc() {
        for l in c.to_lowercase() {
            out.push(if l == 'ς' { 'σ' } else { l });
        }
    }
}

/// Calls `f` with every normalised character and the byte range of the cluster it came from.
fn each_normalised(text: &str, mut f: impl FnMut(char, &Range<usize>)) {
    let mut chars = text.char_indices().peekable();
    let mut buf = Vec::new();
    while let Some((start, first)) = chars.next() {
        let mut end = start + first.len_utf8();
        while let Some(&(i, c)) = chars.peek() {
            if is_combining_mark(c) {
                end = i + c.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        buf.clear();
        normalise_cluster(&text[start..end], &mut buf);
        let span = start..end;
        for &c in &buf {
            f(c, &span);
        }
    }
}

/// Normalises `text` and cuts it into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    each_normalised(text, |c, span| {
        let kind = if is_sep(c) {
            Kind::Sep
        } else if is_word(c) {
            Kind::Word
        } else {
            Kind::Punct
        };
        match tokens.last_mut() {
            Some(last) if last.kind == kind && kind != Kind::Punct => {
                if kind == Kind::Word {
                    last.norm.push(c);
                }
                last.span.end = span.end;
            }
            _ => tokens.push(Token {
                kind,
                norm: if kind == Kind::Sep {
                    " ".to_string()
                } else {
                    c.to_string()
                },
                span: span.clone(),
            }),
        }
    });
    tokens
}

/// Byte offsets at which a new sentence starts: after `.`, `!`, `?` or `;` followed by white
/// space or the end of the text, and at every blank line. Stops are read in the normalised
/// text, so a fullwidth `．` or an ellipsis `…` (NFKC: `...`) ends a sentence too.
pub fn sentence_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            starts.push(line_start);
        }
        line_start += line.len();
    }
    // A stop waiting to see whether white space follows it: the end of its cluster.
    let mut pending: Option<usize> = None;
    each_normalised(text, |c, span| {
        if let Some(end) = pending.take()
            && c.is_whitespace()
        {
            starts.push(end);
        }
        if matches!(c, '.' | '!' | '?' | ';') {
            pending = Some(span.end);
        }
    });
    if let Some(end) = pending {
        starts.push(end);
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text)
            .into_iter()
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.norm)
            .collect()
    }

    fn shape(text: &str) -> String {
        tokenize(text).into_iter().map(|t| t.norm).collect()
    }

    #[test]
    fn hyphens_dashes_and_spaces_are_one_separator() {
        assert_eq!(shape("one-on-one"), "one on one");
        assert_eq!(shape("one  -\u{2014} on\u{2212}one"), "one on one");
        assert_eq!(shape("One\u{00a0}On\tOne"), "one on one");
    }

    #[test]
    fn words_keep_apostrophes_and_marks() {
        assert_eq!(
            words("Don\u{2019}t anti-extremism"),
            ["don't", "anti", "extremism"]
        );
        assert_eq!(words("e-mail"), ["e", "mail"]);
        assert_eq!(words("cafe\u{301} Qazaqstan"), ["café", "qazaqstan"]);
        assert_eq!(words("ВОЙНА, Ёлка"), ["война", "ёлка"]);
        assert_eq!(words("soft\u{ad}hyphen"), ["softhyphen"]);
    }

    #[test]
    fn nfkc_and_lower_casing_apply() {
        assert_eq!(words("ﬁnance ＡＢＣ"), ["finance", "abc"]);
        assert_eq!(words("ΟΔΟΣ"), ["οδοσ"]);
        assert_eq!(shape("\u{201c}x\u{201d} \u{2033}"), "\"x\" \"");
    }

    #[test]
    fn tokens_map_back_to_the_original() {
        let text = "Éa ﬁx";
        let toks = tokenize(text);
        assert_eq!(&text[toks[0].span.clone()], "Éa");
        assert_eq!(&text[toks[2].span.clone()], "ﬁx");
    }

    #[test]
    fn sentences_end_at_stops_and_blank_lines() {
        let t = "One. Two? x.y Three;\n\n  \nFour";
        let s = sentence_starts(t);
        assert_eq!(s, vec![4, 9, 20, 21, 22]);
        // Stops in the normalised text: an ellipsis and a fullwidth full stop end sentences.
        assert_eq!(sentence_starts("a\u{2026} b"), vec![4]);
        assert_eq!(sentence_starts("a\u{ff0e} b"), vec![4]);
        assert_eq!(sentence_starts("a.\" b"), Vec::<usize>::new());
    }
}
