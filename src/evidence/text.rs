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
//!
//! Speed: programme archives are mostly ASCII, and an ASCII character followed by another
//! ASCII character is a cluster of its own that NFKC leaves alone. Such runs are classified
//! and lower-cased a byte at a time through a table, a whole word or separator at once; only
//! clusters that involve a non-ASCII byte take the Unicode path. All normalised text lives in
//! one buffer, so a token costs no allocation. The same pass finds where sentences stop.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Sep,
    Punct,
}

/// One token: its kind, its normalised form (a range of [`Tokens::norm`]) and the bytes of the
/// original text it came from. Offsets are 32-bit (texts are at most 256 MiB, and their
/// normalised form at most 11 times that, see [`crate::diag::LARGEST_FILE_SIZE`]), which halves
/// the size of a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    norm: Range<u32>,
    span: Range<u32>,
}

impl Token {
    /// The bytes of the original text the token came from.
    pub fn span(&self) -> Range<usize> {
        self.span.start as usize..self.span.end as usize
    }
}

/// An offset as stored in a token.
fn at(offset: usize) -> u32 {
    offset as u32
}

/// A text cut into tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    /// The normalised text of every token, one after the other (a separator is one space).
    pub norm: Vec<u8>,
    pub list: Vec<Token>,
    /// Byte offsets just after a sentence stop (`.`, `!`, `?` or `;` in the normalised text)
    /// that white space follows, or that ends the text; ascending.
    pub stops: Vec<usize>,
}

impl Tokens {
    /// The normalised form of a token.
    pub fn norm(&self, t: &Token) -> &[u8] {
        &self.norm[t.norm.start as usize..t.norm.end as usize]
    }
}

fn is_sep(c: char) -> bool {
    c.is_whitespace() || c == '-' || ('\u{2010}'..='\u{2015}').contains(&c) || c == '\u{2212}'
}

fn is_word(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || c == '\'' || is_combining_mark(c)
}

fn kind_of(c: char) -> Kind {
    if is_sep(c) {
        Kind::Sep
    } else if is_word(c) {
        Kind::Word
    } else {
        Kind::Punct
    }
}

/// The kind of every ASCII byte, by the same rules as [`kind_of`].
const ASCII_KIND: [Kind; 128] = {
    let mut table = [Kind::Punct; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_whitespace() || c == b'-' || c == 0x0b {
            Kind::Sep
        } else if c.is_ascii_alphanumeric() || c == b'\'' {
            Kind::Word
        } else {
            Kind::Punct
        };
        b += 1;
    }
    table
};

fn is_stop(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';')
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
    let mut chars = cluster.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && c != '\u{ad}'
        && fold_quote(c) == c
        && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
    {
        // A lone character NFKC keeps (most letters of most scripts): only lower-case it.
        out.extend(c.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l }));
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

/// What the Unicode path learnt about a character, remembered for the next time it meets it
/// (a text in Kazakh or Russian repeats a few dozen letters).
#[derive(Debug, Clone, Copy)]
struct Known {
    /// The character, plus one (0: an empty slot).
    key: u32,
    mark: bool,
    /// Its normalised form when alone, if that is one character that NFKC and lower-casing
    /// give directly (see [`normalise_cluster`]), and that character's kind.
    alone: Option<(char, Kind)>,
}

/// A direct-mapped cache of [`Known`] characters.
struct KnownChars([Known; 256]);

impl KnownChars {
    fn new() -> Self {
        KnownChars(
            [Known {
                key: 0,
                mark: false,
                alone: None,
            }; 256],
        )
    }

    fn get(&mut self, c: char) -> Known {
        let slot = &mut self.0[c as usize & 255];
        if slot.key != c as u32 + 1 {
            let mark = is_combining_mark(c);
            let mut lower = c.to_lowercase();
            let alone = match (lower.next(), lower.next()) {
                (Some(l), None)
                    if !mark
                        && c != '\u{ad}'
                        && fold_quote(c) == c
                        && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes =>
                {
                    let l = if l == 'ς' { 'σ' } else { l };
                    Some((l, kind_of(l)))
                }
                _ => None,
            };
            *slot = Known {
                key: c as u32 + 1,
                mark,
                alone,
            };
        }
        *slot
    }
}

/// Builds tokens from normalised characters (or runs of them), in text order.
#[derive(Default)]
struct Builder {
    out: Tokens,
    /// The end of a stop's cluster, waiting to see whether white space follows.
    pending_stop: Option<usize>,
}

impl Builder {
    /// Settles a pending stop, given the first character that follows it.
    #[inline(always)]
    fn settle(&mut self, next_is_white: bool) {
        if let Some(end) = self.pending_stop.take()
            && next_is_white
        {
            self.out.stops.push(end);
        }
    }

    /// Appends a run of one kind that came from `span`, whose normalised bytes are `norm`
    /// (lower-cased here when `lower`, for ASCII).
    #[inline(always)]
    fn run(&mut self, kind: Kind, norm: &[u8], lower: bool, span: Range<usize>) {
        let out = &mut self.out;
        let extend = |buf: &mut Vec<u8>| {
            let from = buf.len();
            buf.extend_from_slice(norm);
            if lower {
                buf[from..].make_ascii_lowercase();
            }
        };
        match out.list.last_mut() {
            Some(last) if last.kind == kind && kind != Kind::Punct => {
                if kind == Kind::Word {
                    extend(&mut out.norm);
                    last.norm.end = at(out.norm.len());
                }
                last.span.end = at(span.end);
            }
            _ => {
                let start = out.norm.len();
                if kind == Kind::Sep {
                    out.norm.push(b' ');
                } else {
                    extend(&mut out.norm);
                }
                out.list.push(Token {
                    kind,
                    norm: at(start)..at(out.norm.len()),
                    span: at(span.start)..at(span.end),
                });
            }
        }
    }

    /// Appends one normalised character that came from the cluster `span`.
    fn char(&mut self, c: char, span: Range<usize>) {
        self.known_char(c, kind_of(c), span);
    }

    /// As [`Builder::char`], with the character's kind already known.
    fn known_char(&mut self, c: char, kind: Kind, span: Range<usize>) {
        self.settle(c.is_whitespace());
        if is_stop(c) {
            self.pending_stop = Some(span.end);
        }
        let mut buf = [0; 4];
        self.run(kind, c.encode_utf8(&mut buf).as_bytes(), false, span);
    }

    /// Appends ASCII bytes `text[from..to]`, each a cluster of its own.
    fn ascii(&mut self, text: &[u8], from: usize, to: usize) {
        let mut i = from;
        while i < to {
            let b = text[i];
            let kind = ASCII_KIND[b as usize];
            self.settle(b.is_ascii_whitespace() || b == 0x0b);
            if kind == Kind::Punct {
                if is_stop(b as char) {
                    self.pending_stop = Some(i + 1);
                }
                self.run(kind, &text[i..=i], false, i..i + 1);
                i += 1;
                continue;
            }
            let j = i
                + 1
                + text[i + 1..to]
                    .iter()
                    .position(|&b| ASCII_KIND[usize::from(b)] != kind)
                    .unwrap_or(to - i - 1);
            self.run(kind, &text[i..j], kind == Kind::Word, i..j);
            i = j;
        }
    }
}

/// Normalises `text` and cuts it into tokens.
///
/// # Panics
///
/// When `text` is longer than 256 MiB (which no file polscore reads can be).
pub fn tokenize(text: &str) -> Tokens {
    assert!(
        text.len() as u64 <= crate::diag::LARGEST_FILE_SIZE,
        "texts are at most 256 MiB"
    );
    let bytes = text.as_bytes();
    let mut b = Builder::default();
    b.out.norm.reserve(text.len());
    b.out.list.reserve(text.len() / 3);
    let mut i = 0;
    let mut buf = Vec::new();
    let mut known = KnownChars::new();
    while i < bytes.len() {
        // The ASCII run from `i`; its last byte may begin a cluster with combining marks.
        let mut j = i;
        while bytes.get(j..j + 16).is_some_and(<[u8]>::is_ascii) {
            j += 16;
        }
        while j < bytes.len() && bytes[j].is_ascii() {
            j += 1;
        }
        let fast_end = if j < bytes.len() && j > i { j - 1 } else { j };
        b.ascii(bytes, i, fast_end);
        i = fast_end;
        if i >= bytes.len() {
            break;
        }
        // One cluster through the Unicode path.
        let mut chars = text[i..].char_indices();
        let (_, first) = chars.next().expect("not at the end");
        let mut end = i + first.len_utf8();
        for (k, c) in chars {
            // Combining marks start at U+0300.
            if c < '\u{300}' || !known.get(c).mark {
                break;
            }
            end = i + k + c.len_utf8();
        }
        match known.get(first).alone {
            Some((c, kind)) if end == i + first.len_utf8() => b.known_char(c, kind, i..end),
            _ => {
                buf.clear();
                normalise_cluster(&text[i..end], &mut buf);
                for &c in &buf {
                    b.char(c, i..end);
                }
            }
        }
        i = end;
    }
    if let Some(end) = b.pending_stop {
        b.out.stops.push(end);
    }
    b.out
}

/// What a line's shape says about sentences (SPEC §5), leading white space ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineShape {
    /// Only white space: a sentence ends there.
    Blank,
    /// `#` to `######` then white space: a sentence of its own.
    Heading,
    /// A list marker (`-`, `*`, `+`, `•`, or digits then `.` or `)`) then white space: a
    /// sentence starts with it.
    ListItem,
    Other,
}

fn line_shape(line: &str) -> LineShape {
    // The white space after a marker must be on its line: a `-` alone on a line is a dash
    // that the line break cut from its words, not an empty list item.
    let t = line.strip_suffix('\n').unwrap_or(line).trim_start();
    if t.is_empty() {
        return LineShape::Blank;
    }
    let followed_by_space = |rest: &str| rest.chars().next().is_some_and(char::is_whitespace);
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && followed_by_space(&t[hashes..]) {
        return LineShape::Heading;
    }
    if let Some(rest) = t.strip_prefix(['-', '*', '+', '•'])
        && followed_by_space(rest)
    {
        return LineShape::ListItem;
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0
        && let Some(rest) = t[digits..].strip_prefix(['.', ')'])
        && followed_by_space(rest)
    {
        return LineShape::ListItem;
    }
    LineShape::Other
}

/// Byte offsets at which a new sentence starts: after `.`, `!`, `?` or `;` followed by white
/// space or the end of the text (`stops`), at every blank line, before a list item, and before
/// and after a Markdown heading. Stops are read in the normalised text, so a fullwidth `．` or
/// an ellipsis `…` (NFKC: `...`) ends a sentence too.
pub fn sentence_starts(text: &str, stops: &[usize]) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        match line_shape(line) {
            LineShape::Blank | LineShape::ListItem => lines.push(line_start),
            LineShape::Heading => {
                lines.push(line_start);
                lines.push(line_start + line.len());
            }
            LineShape::Other => {}
        }
        line_start += line.len();
    }
    let mut starts = Vec::with_capacity(stops.len() + lines.len());
    let (mut a, mut b) = (stops.iter().peekable(), lines.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(&&x), Some(&&y)) if x <= y => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => break,
        };
        let &next = next.expect("peeked");
        if next > 0 && next < text.len() && starts.last() != Some(&next) {
            starts.push(next);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every cluster through the Unicode path: what the ASCII fast path must equal.
    fn tokenize_slowly(text: &str) -> Tokens {
        let mut b = Builder::default();
        let mut chars = text.char_indices().peekable();
        let mut buf = Vec::new();
        while let Some((start, first)) = chars.next() {
            let mut end = start + first.len_utf8();
            while let Some(&(i, c)) = chars.peek() {
                if !is_combining_mark(c) {
                    break;
                }
                end = i + c.len_utf8();
                chars.next();
            }
            buf.clear();
            normalise_cluster(&text[start..end], &mut buf);
            for &c in &buf {
                b.char(c, start..end);
            }
        }
        if let Some(end) = b.pending_stop {
            b.out.stops.push(end);
        }
        b.out
    }

    proptest! {
        #[test]
        fn the_ascii_fast_path_changes_nothing(
            text in "[a-zA-Z0-9 .;!?,'\\-\t\n\u{b}\u{c}\r\u{301}\u{308}\u{ad}\u{a0}\u{2019}\u{201c}\u{2013}\u{2026}\u{ff0e}\u{fb01}éΣςЁё]{0,48}"
        ) {
            prop_assert_eq!(tokenize(&text), tokenize_slowly(&text));
        }
    }

    fn words(text: &str) -> Vec<String> {
        let t = tokenize(text);
        t.list
            .iter()
            .filter(|k| k.kind == Kind::Word)
            .map(|k| String::from_utf8(t.norm(k).to_vec()).unwrap())
            .collect()
    }

    fn shape(text: &str) -> String {
        String::from_utf8(tokenize(text).norm).unwrap()
    }

    fn sentences(text: &str) -> Vec<usize> {
        sentence_starts(text, &tokenize(text).stops)
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
        let toks = tokenize(text).list;
        assert_eq!(&text[toks[0].span()], "Éa");
        assert_eq!(&text[toks[2].span()], "ﬁx");
    }

    #[test]
    fn headings_and_list_items_are_sentence_boundaries() {
        // A heading is a sentence of its own; a list item starts one.
        let text = "# Results\nMentoring began.\n- no hotline\n- mentoring\n  2) plans\n#tag here";
        let starts = sentences(text);
        let at = |s: &str| text.find(s).unwrap();
        assert!(starts.contains(&at("Mentoring")));
        assert!(starts.contains(&at("- no hotline")));
        assert!(starts.contains(&at("- mentoring")));
        assert!(starts.contains(&at("  2) plans")));
        // `#tag` is no heading, and a sentence does not start at the text's first byte.
        assert!(!starts.contains(&at("#tag")));
        assert!(!starts.contains(&0));
        assert_eq!(line_shape("###### six"), LineShape::Heading);
        assert_eq!(line_shape("####### seven"), LineShape::Other);
        assert_eq!(line_shape("2019 was a year"), LineShape::Other);
        assert_eq!(line_shape("• bullet"), LineShape::ListItem);
        assert_eq!(line_shape("   \t"), LineShape::Blank);
        assert_eq!(line_shape("-\n"), LineShape::Other);
        assert_eq!(line_shape("#\n"), LineShape::Other);
    }

    #[test]
    fn sentences_end_at_stops_and_blank_lines() {
        let t = "One. Two? x.y Three;\n\n  \nFour";
        let s = sentences(t);
        assert_eq!(s, vec![4, 9, 20, 21, 22]);
        // Stops in the normalised text: an ellipsis and a fullwidth full stop end sentences.
        assert_eq!(sentences("a\u{2026} b"), vec![4]);
        assert_eq!(sentences("a\u{ff0e} b"), vec![4]);
        assert_eq!(sentences("a.\" b"), Vec::<usize>::new());
    }
}
