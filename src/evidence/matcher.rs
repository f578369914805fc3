//! Phrase matching and negation over a normalised text (SPEC §5).
//!
//! A [`Pattern`] is a phrase compiled into tokens; a [`Doc`] is a text cut into tokens with
//! each word's sentence. Matching compares tokens, so a phrase matches whole words only and
//! `one-on-one` equals `one on one`; a trailing `*` lets the last word have any ending.
//! Within one set of patterns (an indicator's phrases, or the negation cues) occurrences are
//! taken leftmost-longest without overlap.
//!
//! A [`PhraseIndex`] holds every set of a rubric at once, keyed by each pattern's first
//! token: a text is read once, and each of its words costs one hash lookup (and, when the
//! rubric has `*` stems, one binary search), however many phrases the rubric has.

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::text::{Kind, Token, Tokens, sentence_starts, tokenize};

/// A compiled phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The phrase as written in the rubric.
    pub source: String,
    tokens: Tokens,
    stem: bool,
}

impl Pattern {
    /// Compiles a phrase; the error says what is wrong with it.
    pub fn compile(phrase: &str) -> Result<Pattern, String> {
        let (body, stem) = match phrase.strip_suffix('*') {
            Some(body) => (body, true),
            None => (phrase, false),
        };
        if body.contains('*') {
            return Err(format!(
                "`*` is allowed only at the very end of a phrase, in `{phrase}`"
            ));
        }
        let mut tokens = tokenize(body);
        if stem && tokens.list.last().is_none_or(|t| t.kind != Kind::Word) {
            return Err(format!("`*` must directly follow a word, in `{phrase}`"));
        }
        while tokens.list.first().is_some_and(|t| t.kind == Kind::Sep) {
            tokens.list.remove(0);
        }
        while tokens.list.last().is_some_and(|t| t.kind == Kind::Sep) {
            tokens.list.pop();
        }
        if !tokens.list.iter().any(|t| t.kind == Kind::Word) {
            return Err(if phrase.trim().is_empty() {
                "a phrase is empty".to_string()
            } else {
                format!("the phrase `{phrase}` has no word to match (letters or digits)")
            });
        }
        Ok(Pattern {
            source: phrase.to_string(),
            tokens,
            stem,
        })
    }

    fn len(&self) -> usize {
        self.tokens.list.len()
    }

    /// The normalised first token, when it must be matched exactly (not a lone stem).
    fn exact_key(&self) -> Option<&[u8]> {
        (!(self.stem && self.len() == 1)).then(|| self.tokens.norm(&self.tokens.list[0]))
    }

    /// Whether the pattern matches the tokens from `at`, whose first token is known to match
    /// (the index looked it up).
    fn matches_after_first(&self, doc: &Tokens, at: usize) -> bool {
        let n = self.len();
        let Some(candidate) = doc.list.get(at..at + n) else {
            return false;
        };
        self.tokens
            .list
            .iter()
            .zip(candidate)
            .enumerate()
            .skip(1)
            .all(|(k, (p, t))| {
                p.kind == t.kind
                    && match p.kind {
                        Kind::Sep => true,
                        Kind::Word if self.stem && k == n - 1 => {
                            doc.norm(t).starts_with(self.tokens.norm(p))
                        }
                        _ => doc.norm(t) == self.tokens.norm(p),
                    }
            })
    }
}

/// One match of a pattern: its tokens, its first and last word (as word ordinals), and which
/// pattern of the set it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub tokens: Range<usize>,
    pub first_word: usize,
    pub last_word: usize,
    pub pattern: usize,
}

/// A text ready for matching.
#[derive(Debug)]
pub struct Doc<'t> {
    pub text: &'t str,
    tokens: Tokens,
    /// For each token, the ordinal of the last word at or before it.
    word_at: Vec<usize>,
    /// For each word ordinal, its sentence.
    sentence_of_word: Vec<usize>,
    sentence_starts: Vec<usize>,
}

impl<'t> Doc<'t> {
    pub fn new(text: &'t str) -> Doc<'t> {
        let tokens = tokenize(text);
        let starts = sentence_starts(text, &tokens.stops);
        let mut word_at = Vec::with_capacity(tokens.list.len());
        let mut sentence_of_word = Vec::with_capacity(tokens.list.len() / 2);
        // Words come in text order: the sentence index only moves forward.
        let mut sentence = 0;
        for t in &tokens.list {
            if t.kind == Kind::Word {
                while sentence < starts.len() && starts[sentence] <= t.span().start {
                    sentence += 1;
                }
                sentence_of_word.push(sentence);
            }
            word_at.push(sentence_of_word.len().wrapping_sub(1));
        }
        Doc {
            text,
            tokens,
            word_at,
            sentence_of_word,
            sentence_starts: starts,
        }
    }

    fn token(&self, i: usize) -> &Token {
        &self.tokens.list[i]
    }

    /// The byte range of a hit in the text.
    pub fn span(&self, hit: &Hit) -> Range<usize> {
        self.token(hit.tokens.start).span().start..self.token(hit.tokens.end - 1).span().end
    }

    /// The byte range of the sentence a hit begins in, trimmed of white space.
    pub fn sentence(&self, hit: &Hit) -> Range<usize> {
        let s = self.sentence_of_word[hit.first_word];
        let start = if s == 0 {
            0
        } else {
            self.sentence_starts[s - 1]
        };
        let end = self
            .sentence_starts
            .get(s)
            .copied()
            .unwrap_or(self.text.len());
        let raw = &self.text[start..end];
        let lead = raw.len() - raw.trim_start().len();
        let trail = raw.len() - raw.trim_end().len();
        start + lead..(end - trail).max(start + lead)
    }

    fn hit(&self, start: usize, len: usize, pattern: usize) -> Hit {
        let end = start + len;
        // A pattern starts and ends with a word or punctuation; find its word ordinals.
        let first_word = (start..end)
            .find(|&i| self.token(i).kind == Kind::Word)
            .map(|i| self.word_at[i])
            .unwrap_or(0);
        Hit {
            tokens: start..end,
            first_word,
            last_word: self.word_at[end - 1],
            pattern,
        }
    }

    /// Every occurrence of any of `patterns`, leftmost-longest without overlap.
    pub fn find(&self, patterns: &[Pattern]) -> Vec<Hit> {
        PhraseIndex::new(&[patterns])
            .find(self)
            .pop()
            .unwrap_or_default()
    }

    fn same_sentence(&self, a: usize, b: usize) -> bool {
        self.sentence_of_word[a] == self.sentence_of_word[b]
    }
}

/// Which pattern of which set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    set: u32,
    pattern: u32,
}

/// A lone `*` stem and the patterns that are it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stem {
    prefix: Box<[u8]>,
    entries: Vec<Entry>,
    /// The longest other stem that is a prefix of this one.
    parent: Option<usize>,
}

/// Several sets of patterns, ready to be found in a text in one pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhraseIndex {
    sets: Vec<Vec<Pattern>>,
    /// Patterns by their first token, normalised.
    exact: FxHashMap<Box<[u8]>, Vec<Entry>>,
    /// Lone stems (`mentor*`), sorted by prefix.
    stems: Vec<Stem>,
    /// How many first bytes of a word [`head`] reads: 3, or the shortest stem's length.
    head_len: usize,
    /// A bit for each [`head`] of a lone stem: most words are ruled out without a search.
    stem_heads: Vec<u64>,
}

/// A 16-bit hash of the first `n` (at most 3) bytes of a word; `None` when the word is
/// shorter (then no stem of `n` bytes or more begins it).
fn head(word: &[u8], n: usize) -> Option<usize> {
    let first = word.get(..n)?;
    let key = first.iter().fold(0u32, |k, &b| (k << 8) | u32::from(b));
    Some((key.wrapping_mul(0x9E37_79B1) >> 16) as usize)
}

impl PhraseIndex {
    pub fn new(sets: &[&[Pattern]]) -> PhraseIndex {
        let mut exact: FxHashMap<Box<[u8]>, Vec<Entry>> = FxHashMap::default();
        let mut stems: std::collections::BTreeMap<&[u8], Vec<Entry>> = Default::default();
        for (s, set) in sets.iter().enumerate() {
            for (p, pat) in set.iter().enumerate() {
                let entry = Entry {
                    set: s as u32,
                    pattern: p as u32,
                };
                match pat.exact_key() {
                    Some(key) => exact.entry(key.into()).or_default().push(entry),
                    None => stems
                        .entry(pat.tokens.norm(&pat.tokens.list[0]))
                        .or_default()
                        .push(entry),
                }
            }
        }
        let prefixes: Vec<&[u8]> = stems.keys().copied().collect();
        let head_len = prefixes.iter().map(|p| p.len()).min().unwrap_or(0).min(3);
        let mut stem_heads = vec![0u64; 1 << 10];
        for h in prefixes.iter().filter_map(|p| head(p, head_len)) {
            stem_heads[h / 64] |= 1 << (h % 64);
        }
        let stems = stems
            .into_iter()
            .map(|(prefix, entries)| Stem {
                prefix: prefix.into(),
                entries,
                parent: (1..prefix.len())
                    .rev()
                    .find_map(|n| prefixes.binary_search(&&prefix[..n]).ok()),
            })
            .collect();
        PhraseIndex {
            sets: sets.iter().map(|s| s.to_vec()).collect(),
            exact,
            stems,
            head_len,
            stem_heads,
        }
    }

    /// The lone stems that `word` begins with. All of them are prefixes of the greatest stem
    /// not above `word` (whatever lies between a prefix of `word` and `word` begins with that
    /// prefix), so they are that stem's chain of parents from the first that fits.
    fn stems_of<'a>(&'a self, word: &'a [u8]) -> impl Iterator<Item = &'a Stem> + 'a {
        let mut at = match head(word, self.head_len) {
            Some(h) if self.stem_heads[h / 64] & (1 << (h % 64)) != 0 => self
                .stems
                .partition_point(|s| &*s.prefix <= word)
                .checked_sub(1),
            _ => None,
        };
        while let Some(i) = at
            && !word.starts_with(&self.stems[i].prefix)
        {
            at = self.stems[i].parent;
        }
        std::iter::successors(at, |&i| self.stems[i].parent).map(|i| &self.stems[i])
    }

    /// Every occurrence of each set's patterns in `doc`, leftmost-longest without overlap
    /// within a set: one list of hits per set, in text order.
    pub fn find(&self, doc: &Doc<'_>) -> Vec<Vec<Hit>> {
        // (start token, length, pattern) of every match, per set.
        let mut candidates: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); self.sets.len()];
        let mut add = |e: &Entry, at: usize| {
            let pat = &self.sets[e.set as usize][e.pattern as usize];
            if pat.matches_after_first(&doc.tokens, at) {
                candidates[e.set as usize].push((at, pat.len(), e.pattern as usize));
            }
        };
        for (at, t) in doc.tokens.list.iter().enumerate() {
            if t.kind == Kind::Sep {
                continue;
            }
            let norm = doc.tokens.norm(t);
            if let Some(entries) = self.exact.get(norm) {
                entries.iter().for_each(|e| add(e, at));
            }
            if t.kind == Kind::Word && !self.stems.is_empty() {
                for stem in self.stems_of(norm) {
                    stem.entries.iter().for_each(|e| add(e, at));
                }
            }
        }
        candidates
            .into_iter()
            .map(|mut c| {
                // Leftmost first; at one start, the longest; ties go to the earlier pattern.
                c.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
                let mut hits = Vec::new();
                let mut next_free = 0;
                for (start, len, p) in c {
                    if start >= next_free {
                        next_free = start + len;
                        hits.push(doc.hit(start, len, p));
                    }
                }
                hits
            })
            .collect()
    }
}

/// The negation vocabulary of a rubric, compiled (SPEC §3 `[negation]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negation {
    pub window: usize,
    pub post_window: usize,
    pub cues: Vec<Pattern>,
    pub post_cues: Vec<Pattern>,
    pub pseudo: Vec<Pattern>,
    pub terminators: Vec<Pattern>,
}

/// Which side of the phrase the negating cue stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Before,
    After,
}

/// Where each kind of negation cue occurs in one document.
#[derive(Debug, Default)]
pub struct CueHits {
    pub cues: Vec<Hit>,
    pub post_cues: Vec<Hit>,
    pub pseudo: Vec<Hit>,
    pub terminators: Vec<Hit>,
}

impl CueHits {
    /// Takes the hits of [`Negation::sets`] from an index's per-set hits, in that order.
    fn take(sets: &mut impl Iterator<Item = Vec<Hit>>) -> CueHits {
        let mut next = || sets.next().unwrap_or_default();
        CueHits {
            cues: next(),
            post_cues: next(),
            pseudo: next(),
            terminators: next(),
        }
    }
}

/// Every phrase set of a rubric in one index, found in one pass over a text: the negation
/// cues and each evidence indicator's phrases. The order of the sets inside is known only
/// here; [`RubricIndex::find`] hands the hits back by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RubricIndex {
    index: PhraseIndex,
}

/// The hits of a [`RubricIndex`] in one document.
#[derive(Debug)]
pub struct RubricHits {
    pub cues: CueHits,
    /// Each indicator's hits, in the order the indicators were given.
    pub indicators: Vec<Vec<Hit>>,
}

impl RubricIndex {
    /// The index of `negation`'s cues and of `indicators` (each indicator's phrases).
    pub fn new(negation: &Negation, indicators: &[&[Pattern]]) -> RubricIndex {
        let mut sets: Vec<&[Pattern]> = negation.sets().to_vec();
        sets.extend_from_slice(indicators);
        RubricIndex {
            index: PhraseIndex::new(&sets),
        }
    }

    pub fn find(&self, doc: &Doc<'_>) -> RubricHits {
        let mut sets = self.index.find(doc).into_iter();
        RubricHits {
            cues: CueHits::take(&mut sets),
            indicators: sets.collect(),
        }
    }
}

/// The negation cues found in one document, ready to test occurrences against.
#[derive(Debug)]
pub struct Cues {
    before: Vec<Hit>,
    after: Vec<Hit>,
    terminators: Vec<Hit>,
    window: usize,
    post_window: usize,
}

impl Negation {
    /// The four cue sets, in the order of [`CueHits`]'s fields.
    pub(crate) fn sets(&self) -> [&[Pattern]; 4] {
        [&self.cues, &self.post_cues, &self.pseudo, &self.terminators]
    }
}

impl Cues {
    /// Finds the negation cues in `doc` on their own (see [`Cues::from_hits`]).
    pub fn find(doc: &Doc<'_>, negation: &Negation) -> Cues {
        let mut hits = PhraseIndex::new(&negation.sets()).find(doc).into_iter();
        Cues::from_hits(negation, CueHits::take(&mut hits))
    }

    /// The cues of a document from the hits of `negation`'s [`Negation::sets`], in that order.
    pub fn from_hits(negation: &Negation, hits: CueHits) -> Cues {
        let CueHits {
            cues,
            post_cues,
            pseudo,
            terminators,
        } = hits;
        // A cue that shares words with a pseudo-negation ("is not" in "is not only") is part
        // of it, not a cue. Pseudo-negations are in text order and do not overlap.
        let outside_pseudo = |h: &Hit| {
            let i = pseudo.partition_point(|p| p.tokens.end <= h.tokens.start);
            pseudo.get(i).is_none_or(|p| p.tokens.start >= h.tokens.end)
        };
        let found = |hits: Vec<Hit>, window: usize| {
            if window == 0 {
                Vec::new()
            } else {
                hits.into_iter().filter(outside_pseudo).collect()
            }
        };
        Cues {
            before: found(cues, negation.window),
            after: found(post_cues, negation.post_window),
            terminators,
            window: negation.window,
            post_window: negation.post_window,
        }
    }

    /// Whether a terminator stands strictly between two words. Terminators are in text order
    /// and do not overlap, so the first one after `after_word` is the only one to check.
    fn terminated(&self, after_word: usize, before_word: usize) -> bool {
        let i = self
            .terminators
            .partition_point(|t| t.first_word <= after_word);
        self.terminators
            .get(i)
            .is_some_and(|t| t.last_word < before_word)
    }

    /// The cue that negates `hit`, if any: the nearest one before it, else the nearest after.
    /// Cues are in text order, so only those within the window are looked at.
    pub fn negating(&self, doc: &Doc<'_>, hit: &Hit) -> Option<(&Hit, Side)> {
        let lo = hit.first_word.saturating_sub(self.window);
        let from = self.before.partition_point(|c| c.last_word < lo);
        let before = self.before[from..]
            .iter()
            .take_while(|c| c.last_word < hit.first_word)
            .filter(|c| {
                doc.same_sentence(c.first_word, hit.first_word)
                    && doc.same_sentence(c.last_word, hit.first_word)
                    && !self.terminated(c.last_word, hit.first_word)
            })
            .max_by_key(|c| c.last_word);
        if let Some(c) = before {
            return Some((c, Side::Before));
        }
        let hi = hit.last_word.saturating_add(self.post_window);
        let from = self
            .after
            .partition_point(|c| c.first_word <= hit.last_word);
        self.after[from..]
            .iter()
            .take_while(|c| c.first_word <= hi)
            .find(|c| {
                doc.same_sentence(hit.first_word, c.first_word)
                    && !self.terminated(hit.last_word, c.first_word)
            })
            .map(|c| (c, Side::After))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pats(phrases: &[&str]) -> Vec<Pattern> {
        phrases
            .iter()
            .map(|p| Pattern::compile(p).unwrap())
            .collect()
    }

    fn matched(text: &str, phrases: &[&str]) -> Vec<String> {
        let doc = Doc::new(text);
        doc.find(&pats(phrases))
            .iter()
            .map(|h| text[doc.span(h)].to_string())
            .collect()
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(
            matched("the anti-extremism plan", &["extremism"]),
            ["extremism"]
        );
        assert!(matched("send an e-mail", &["email"]).is_empty());
        assert!(matched("mentors", &["mentor"]).is_empty());
        assert!(matched("the people's plan", &["people"]).is_empty());
        assert_eq!(
            matched("One - on - One talks", &["one-on-one"]),
            ["One - on - One"]
        );
        assert!(matched("one, on one", &["one on one"]).is_empty());
    }

    #[test]
    fn stems_match_any_ending() {
        assert_eq!(
            matched("Radicalisation and radicalization, radical", &["radicali*"]),
            ["Radicalisation", "radicalization"]
        );
        assert_eq!(
            matched("a mentor and mentors", &["mentor*"]),
            ["mentor", "mentors"]
        );
        assert_eq!(
            matched("tailor-made plans", &["tailor-ma*"]),
            ["tailor-made"]
        );
    }

    #[test]
    fn leftmost_longest_without_overlap() {
        assert_eq!(
            matched(
                "individual mentoring and mentoring",
                &["mentoring", "individual mentoring"]
            ),
            ["individual mentoring", "mentoring"]
        );
        assert_eq!(matched("no no no", &["no no"]), ["no no"]);
    }

    #[test]
    fn bad_phrases_are_rejected() {
        assert!(Pattern::compile("").is_err());
        assert!(Pattern::compile("  -- ").is_err());
        assert!(Pattern::compile("a*b").is_err());
        assert!(Pattern::compile("a *").is_err());
        assert!(Pattern::compile("**").is_err());
        assert!(Pattern::compile("u.s.").is_ok());
    }

    fn negation(window: usize, post_window: usize) -> Negation {
        Negation {
            window,
            post_window,
            cues: pats(&["no", "not", "lack of", "without"]),
            post_cues: pats(&["absent", "was not"]),
            pseudo: pats(&["not only", "no doubt"]),
            terminators: pats(&["but", "however"]),
        }
    }

    fn negated(text: &str, phrase: &str, window: usize) -> Vec<bool> {
        let doc = Doc::new(text);
        let cues = Cues::find(&doc, &negation(window, window));
        doc.find(&pats(&[phrase]))
            .iter()
            .map(|h| cues.negating(&doc, h).is_some())
            .collect()
    }

    #[test]
    fn cue_window_counts_words_after_the_cue() {
        assert_eq!(
            negated(
                "no funding for any real individual mentoring",
                "individual mentoring",
                5
            ),
            [true]
        );
        assert_eq!(
            negated(
                "no funding for any real individual mentoring",
                "individual mentoring",
                4
            ),
            [false]
        );
        assert_eq!(
            negated(
                "no funding for any real good individual mentoring",
                "individual mentoring",
                5
            ),
            [false]
        );
        assert_eq!(
            negated("mentoring for young men was absent", "mentoring", 5),
            [true]
        );
        assert_eq!(
            negated("mentoring for young men then was absent", "mentoring", 5),
            [false]
        );
        assert_eq!(
            negated("mentoring for young men was absent", "mentoring", 0),
            [false]
        );
    }

    #[test]
    fn negation_stays_in_its_sentence_and_stops_at_terminators() {
        assert_eq!(
            negated("There was no plan. Mentoring began.", "mentoring", 5),
            [false]
        );
        assert_eq!(
            negated("There was no plan; mentoring began.", "mentoring", 5),
            [false]
        );
        assert_eq!(
            negated("No plan\n\nmentoring began.", "mentoring", 5),
            [false]
        );
        assert_eq!(
            negated("no plan, but mentoring began", "mentoring", 5),
            [false]
        );
        assert_eq!(negated("no 3.5 mentoring", "mentoring", 5), [true]);
    }

    #[test]
    fn pseudo_cues_and_own_words_do_not_negate() {
        assert_eq!(negated("not only mentoring", "mentoring", 5), [false]);
        assert_eq!(
            negated("mentoring was not only useful", "mentoring", 5),
            [false]
        );
        assert_eq!(negated("no doubt mentoring helps", "mentoring", 5), [false]);
        assert_eq!(
            negated("a lack of transparency", "lack of transparency", 5),
            [false]
        );
        assert_eq!(negated("it was without mentoring", "mentoring", 5), [true]);
    }
}
