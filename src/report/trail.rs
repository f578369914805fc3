//! The evidence trail of one criterion of one programme, as data: built once here and told
//! by [`narration`](super::narration) in every report for people.
//!
//! A trail is a list of [`Step`]s: why a criterion is missing, each indicator that occurred
//! with the sentences it occurred in, how the points add up, a formula with its facts and the
//! threshold range its value fell in, and every assessment with what it did to the level.

use rust_decimal::Decimal;

use crate::decimal::plain;
use crate::evidence::Finding;
use crate::program::Assessment;
use crate::rubric::{Criterion, Direction, Method, Rubric, Scale};
use crate::scoring::{CriterionScore, FactUse, Gathered, Reason, Source, threshold_level};

/// One step of a criterion's trail.
pub(crate) enum Step<'a> {
    /// Why the criterion has no level.
    Missing(&'a Reason),
    /// An indicator whose phrases occurred in the text.
    Indicator(IndicatorTrail<'a>),
    /// How the points of the indicators that count add up to the computed level.
    Sum {
        base: i64,
        /// (indicator id, points) of each indicator that counts.
        terms: Vec<(&'a str, i64)>,
        /// base + points before clamping to the scale.
        raw: i64,
        level: i64,
    },
    /// A metric's formula, the facts it used, its value and the threshold range it fell in.
    Formula {
        formula: &'a str,
        facts: &'a [FactUse],
        /// Its exact value, or why there is none.
        value: Result<Decimal, &'a str>,
        /// The metric's thresholds, lowest first.
        thresholds: &'a [Decimal],
        direction: Direction,
        /// The computed level and the range of values that gives it.
        level: Option<(i64, String)>,
    },
    /// An assessment replaced the computed level (`None`: the computed one was missing).
    Overridden(Option<i64>),
    /// An analyst's assessment and the part it played.
    Assessment(Role, &'a Assessment),
}

/// What an assessment did to a criterion's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The criterion's level comes from ratings (their median).
    Rating,
    /// It replaced the computed level.
    Override,
    /// It took the criterion out of the weights.
    NotApplicable,
    /// Shown, but the level stays computed.
    Advisory,
}

impl Role {
    /// How a line about the assessment begins: `Override` by analyst-b, level 1.
    pub(crate) fn lead(self) -> &'static str {
        match self {
            Role::Rating => "Rating",
            Role::Override => "Override",
            Role::NotApplicable => "Marked not applicable",
            Role::Advisory => "Advisory rating",
        }
    }

    /// What follows the assessor and level.
    pub(crate) fn tail(self) -> &'static str {
        match self {
            Role::Advisory => ", not used",
            _ => "",
        }
    }
}

/// Points with their sign and unit: `+2 points`, `-1 point`.
pub(crate) fn points(p: i64) -> String {
    if p.unsigned_abs() == 1 {
        format!("{p:+} point")
    } else {
        format!("{p:+} points")
    }
}

/// An indicator that occurred, and the sentences it occurred in.
pub(crate) struct IndicatorTrail<'a> {
    pub id: &'a str,
    pub points: i64,
    pub counts: bool,
    /// Occurrences not negated.
    pub affirmed: usize,
    pub min_matches: usize,
    /// Its occurrences, one quote per sentence, in text order.
    pub quotes: Vec<Quote<'a>>,
}

/// A sentence with the occurrences in it.
pub(crate) struct Quote<'a> {
    /// The sentence on one line, cut into plain runs and matched words (with their finding).
    pub parts: Vec<(String, Option<&'a Finding>)>,
    /// The occurrences in this sentence, in text order.
    pub findings: Vec<&'a Finding>,
}

/// The trail of criterion `k` as scored in `c`.
pub(crate) fn steps<'a>(rubric: &Rubric, k: &'a Criterion, c: &'a CriterionScore) -> Vec<Step<'a>> {
    let mut out = Vec::new();
    let metric_error = matches!(&c.gathered, Gathered::Metric(m) if m.value.is_err());
    if c.source == Source::Missing && !metric_error {
        out.push(Step::Missing(
            c.reason.as_ref().unwrap_or(&Reason::NoEvidence),
        ));
    }
    match (&k.method, &c.gathered) {
        (Method::Evidence { base, indicators }, Gathered::Evidence(Some(findings))) => {
            let mut terms = Vec::new();
            for t in &c.tallies {
                let ind = &indicators[t.indicator];
                if t.counts {
                    terms.push((ind.id.as_str(), ind.points));
                }
                let own: Vec<&Finding> = findings
                    .iter()
                    .filter(|f| f.indicator == t.indicator)
                    .collect();
                out.push(Step::Indicator(IndicatorTrail {
                    id: &ind.id,
                    points: ind.points,
                    counts: t.counts,
                    affirmed: t.affirmed,
                    min_matches: ind.min_matches,
                    quotes: quotes(&own),
                }));
            }
            if let Some(level) = c.computed {
                let raw = terms
                    .iter()
                    .fold(*base, |sum, (_, p)| sum.saturating_add(*p));
                out.push(Step::Sum {
                    base: *base,
                    terms,
                    raw,
                    level,
                });
            }
        }
        (
            Method::Metric {
                thresholds,
                direction,
                ..
            },
            Gathered::Metric(m),
        ) => {
            let level = m.value.as_ref().ok().map(|v| {
                let l = threshold_level(*v, thresholds, *direction, &rubric.scale);
                (l, level_range(thresholds, *direction, &rubric.scale, l))
            });
            out.push(Step::Formula {
                formula: &m.formula,
                facts: &m.facts,
                value: m.value.as_ref().copied().map_err(String::as_str),
                thresholds,
                direction: *direction,
                level,
            });
        }
        _ => {}
    }
    if c.source == Source::Override {
        out.push(Step::Overridden(c.computed));
    }
    let is_rating = matches!(k.method, Method::Rating);
    for a in &c.assessments {
        let role = if a.not_applicable {
            Role::NotApplicable
        } else if is_rating {
            Role::Rating
        } else if a.override_level {
            Role::Override
        } else {
            Role::Advisory
        };
        out.push(Step::Assessment(role, a));
    }
    out
}

/// One quote per sentence; the occurrences of one indicator come in text order, so a sentence's
/// occurrences are neighbours.
fn quotes<'a>(findings: &[&'a Finding]) -> Vec<Quote<'a>> {
    let mut out: Vec<Quote<'a>> = Vec::new();
    for &f in findings {
        match out.last_mut() {
            Some(q) if q.findings[0].sentence == f.sentence => q.findings.push(f),
            _ => out.push(Quote {
                parts: Vec::new(),
                findings: vec![f],
            }),
        }
    }
    for q in &mut out {
        q.parts = cut(&q.findings[0].sentence, &q.findings);
    }
    out
}

/// Cuts a sentence into plain runs and its matched words, each on one line. A match is looked
/// for after the previous one, as the occurrences do not overlap.
fn cut<'a>(sentence: &str, findings: &[&'a Finding]) -> Vec<(String, Option<&'a Finding>)> {
    let mut parts = Vec::new();
    let mut at = 0;
    for &f in findings {
        let Some(i) = sentence[at..].find(f.matched.as_str()) else {
            continue;
        };
        let start = at + i;
        let end = start + f.matched.len();
        parts.push((squash(&sentence[at..start]), None));
        parts.push((squash(&sentence[start..end]), Some(f)));
        at = end;
    }
    parts.push((squash(&sentence[at..]), None));
    if let Some(first) = parts.first_mut() {
        first.0 = first.0.trim_start().to_string();
    }
    if let Some(last) = parts.last_mut() {
        last.0 = last.0.trim_end().to_string();
    }
    parts.retain(|(text, f)| !text.is_empty() || f.is_some());
    let last = parts.len().saturating_sub(1);
    for (i, (text, f)) in parts.iter_mut().enumerate() {
        if f.is_none() {
            *text = shorten(text, i == 0, i == last);
        }
    }
    parts
}

/// Characters of context kept on each side of a match when a sentence runs long.
const CONTEXT: usize = 160;

/// A long run of a sentence without matches, cut to the context around its matches, so that a
/// text without sentence punctuation does not repeat itself in full in every quote.
fn shorten(run: &str, first: bool, last: bool) -> String {
    let n = run.chars().count();
    if n <= 2 * CONTEXT {
        return run.to_string();
    }
    let head: String = run.chars().take(CONTEXT).collect();
    let tail: String = run.chars().skip(n - CONTEXT).collect();
    match (first, last) {
        // The only run: the sentence has no match in it (cannot happen), keep its start.
        (true, true) => format!("{} …", head.trim_end()),
        (true, false) => format!("… {}", tail.trim_start()),
        (false, true) => format!("{} …", head.trim_end()),
        (false, false) => format!("{} … {}", head.trim_end(), tail.trim_start()),
    }
}

/// Each run of white space (line breaks included) as one space, ends kept.
pub(crate) fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.chars() {
        if ch.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(ch);
            space = false;
        }
    }
    out
}

/// The values of a metric that give `level` (SPEC §5), e.g. `0.2 ≤ value < 0.35`.
pub(crate) fn level_range(
    thresholds: &[Decimal],
    direction: Direction,
    scale: &Scale,
    level: i64,
) -> String {
    let k = thresholds.len();
    let t = |i: usize| plain(thresholds[i]);
    let (i, strict_low) = match direction {
        Direction::HigherIsBetter => ((level - scale.min) as usize, false),
        Direction::LowerIsBetter => ((scale.max - level) as usize, true),
    };
    if k == 0 {
        return "any value".to_string();
    }
    match (direction, i) {
        (Direction::HigherIsBetter, 0) => format!("value < {}", t(0)),
        (Direction::LowerIsBetter, 0) => format!("value ≤ {}", t(0)),
        (Direction::HigherIsBetter, i) if i >= k => format!("value ≥ {}", t(k - 1)),
        (Direction::LowerIsBetter, i) if i >= k => format!("value > {}", t(k - 1)),
        (_, i) if strict_low => format!("{} < value ≤ {}", t(i - 1), t(i)),
        (_, i) => format!("{} ≤ value < {}", t(i - 1), t(i)),
    }
}

/// A formula's value as a report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Readable {
    pub text: String,
    /// False when `text` is rounded.
    pub exact: bool,
}

impl Readable {
    /// `=` before an exact value, `≈` before a rounded one.
    pub(crate) fn relation(&self) -> &'static str {
        if self.exact { "=" } else { "≈" }
    }
}

/// A formula's value for reading: exact when it has at most 4 decimals, else rounded to 4, or
/// to more where 4 would land on a threshold and hide which side of it the value is on. The
/// CSV and JSON keep the exact value.
pub(crate) fn readable(v: Decimal, thresholds: &[Decimal]) -> Readable {
    let v = v.normalize();
    if v.scale() <= 4 {
        return Readable {
            text: plain(v),
            exact: true,
        };
    }
    for dp in 4..v.scale() {
        let r = crate::decimal::round(v, dp);
        if !thresholds.contains(&r) {
            return Readable {
                text: plain(r),
                exact: false,
            };
        }
    }
    Readable {
        text: plain(v),
        exact: true,
    }
}

/// A fact's exact value with its thousands grouped for reading (`100,000,000,000`); numbers
/// below 10,000 as they are.
pub(crate) fn grouped(d: Decimal) -> String {
    let s = plain(d);
    let (sign, rest) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    if int.len() <= 4 {
        return s;
    }
    let mut out = String::from(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// The level with its label, as `3 (Good)`.
pub(crate) fn level_text(scale: &Scale, level: i64) -> String {
    match scale.label(level) {
        Some(label) => format!("{level} ({label})"),
        None => level.to_string(),
    }
}

/// An assessor's name, or a stand-in for an unnamed one.
pub(crate) fn assessor(a: &Assessment) -> &str {
    if a.assessor.is_empty() {
        "unnamed assessor"
    } else {
        &a.assessor
    }
}

/// Reads a direction for people.
pub(crate) fn direction_text(d: Direction) -> &'static str {
    match d {
        Direction::HigherIsBetter => "higher is better",
        Direction::LowerIsBetter => "lower is better",
    }
}

/// A URL that a report may link to: the web's own schemes only, so that a description cannot
/// plant a `javascript:` link.
pub(crate) fn linkable(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The weight of each criterion as a share of the sum of weights, in percent.
pub(crate) fn weight_percent(rubric: &Rubric, k: &Criterion) -> Decimal {
    let sum: Decimal = rubric.criteria.iter().map(|c| c.weight).sum();
    if sum.is_zero() {
        Decimal::ZERO
    } else {
        k.weight * Decimal::ONE_HUNDRED / sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Place;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn level_ranges_follow_the_threshold_rules() {
        let t = [d("0.1"), d("0.2"), d("0.35"), d("0.5")];
        let s = Scale {
            min: 0,
            max: 4,
            labels: vec![],
        };
        let hi: Vec<String> = (0..=4)
            .map(|l| level_range(&t, Direction::HigherIsBetter, &s, l))
            .collect();
        assert_eq!(
            hi,
            [
                "value < 0.1",
                "0.1 ≤ value < 0.2",
                "0.2 ≤ value < 0.35",
                "0.35 ≤ value < 0.5",
                "value ≥ 0.5"
            ]
        );
        let lo: Vec<String> = (0..=4)
            .map(|l| level_range(&t, Direction::LowerIsBetter, &s, l))
            .collect();
        assert_eq!(
            lo,
            [
                "value > 0.5",
                "0.35 < value ≤ 0.5",
                "0.2 < value ≤ 0.35",
                "0.1 < value ≤ 0.2",
                "value ≤ 0.1"
            ]
        );
    }

    #[test]
    fn a_sentence_is_cut_around_its_matches() {
        let f = |matched: &str| Finding {
            indicator: 0,
            phrase: matched.to_string(),
            matched: matched.to_string(),
            place: Place { line: 1, column: 1 },
            sentence: String::new(),
            negation: None,
        };
        let (a, b) = (f("mentor"), f("one-on-one"));
        let parts = cut("A  mentor\nmet them one-on-one.", &[&a, &b]);
        let texts: Vec<(&str, bool)> = parts
            .iter()
            .map(|(t, f)| (t.as_str(), f.is_some()))
            .collect();
        assert_eq!(
            texts,
            [
                ("A ", false),
                ("mentor", true),
                (" met them ", false),
                ("one-on-one", true),
                (".", false)
            ]
        );
    }

    #[test]
    fn formula_values_are_rounded_but_never_onto_a_threshold() {
        let t = [d("0.1"), d("0.5")];
        let r = |v: &str| {
            let x = readable(d(v), &t);
            (x.text, x.exact)
        };
        assert_eq!(r("0.273"), ("0.273".to_string(), true));
        assert_eq!(
            r("0.39606481481481481481481481"),
            ("0.3961".to_string(), false)
        );
        assert_eq!(r("0.4999999"), ("0.4999999".to_string(), true));
        assert_eq!(r("0.49999991"), ("0.4999999".to_string(), false));
        assert_eq!(r("0.50000001"), ("0.50000001".to_string(), true));
    }

    #[test]
    fn large_numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(d("100000000000")), "100,000,000,000");
        assert_eq!(grouped(d("-1234567.891")), "-1,234,567.891");
        assert_eq!(grouped(d("2019")), "2019");
        assert_eq!(grouped(d("12345")), "12,345");
        assert_eq!(grouped(d("0.00285")), "0.00285");
    }

    #[test]
    fn long_sentences_keep_the_context_of_their_matches() {
        let f = Finding {
            indicator: 0,
            phrase: "mentor".to_string(),
            matched: "mentor".to_string(),
            place: Place { line: 1, column: 1 },
            sentence: String::new(),
            negation: None,
        };
        let long = "word ".repeat(200);
        let sentence = format!("{long}mentor {long}mentor {long}end.");
        let parts = cut(&sentence, &[&f, &f]);
        assert_eq!(parts.len(), 5);
        assert!(parts[0].0.starts_with("… word"));
        assert_eq!(parts[0].0.chars().count(), 2 + CONTEXT);
        assert!(parts[2].0.contains(" … "));
        assert!(parts[4].0.ends_with("word …"));
        assert_eq!(parts[1].0, "mentor");
    }

    #[test]
    fn only_web_urls_are_linked() {
        assert!(linkable("https://example.org/a?b=c"));
        assert!(linkable("HTTP://example.org"));
        assert!(!linkable("javascript:alert(1)"));
        assert!(!linkable(" https://example.org"));
        assert!(!linkable("https://exa mple.org"));
        assert!(!linkable("file:///etc/passwd"));
        assert!(!linkable(""));
    }
}
