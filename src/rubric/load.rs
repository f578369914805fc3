//! From a rubric file to a validated [`Rubric`]: every rule of SPEC §3, all problems at once.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use rust_decimal::Decimal;
use toml::Spanned;

use super::model::*;
use super::raw;
use crate::decimal::{Dec, plain};
use crate::diag::{Diagnostic, Diagnostics, SourceFile, suggest};
use crate::evidence::{Negation, Pattern};
use crate::formula::Formula;

/// The negation vocabulary used when a rubric's `[negation]` table does not set a list.
/// Contractions are listed because an apostrophe is part of a word (`doesn't` is one word).
pub const DEFAULT_CUES: &[&str] = &[
    "no",
    "not",
    "never",
    "without",
    "none",
    "neither",
    "nor",
    "cannot",
    "lack of",
    "lacks",
    "lacked",
    "absence of",
    "failed to",
    "fails to",
    "fail to",
    "rather than",
    "instead of",
    "no longer",
    "can't",
    "don't",
    "doesn't",
    "didn't",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "hasn't",
    "haven't",
    "hadn't",
    "won't",
];
pub const DEFAULT_POST_CUES: &[&str] = &[
    "absent",
    "lacking",
    "missing",
    "was not",
    "were not",
    "is not",
    "are not",
    "has not",
    "have not",
    "had not",
    "was never",
    "were never",
    "wasn't",
    "weren't",
    "isn't",
    "aren't",
    "hasn't",
    "haven't",
    "did not",
    "didn't",
    "does not",
    "doesn't",
    "do not",
    "don't",
    "was abandoned",
    "were abandoned",
    "was cancelled",
    "was canceled",
    "was discontinued",
    "were discontinued",
];
pub const DEFAULT_PSEUDO: &[&str] = &[
    "not only",
    "not just",
    "not merely",
    "not least",
    "not limited to",
    "no doubt",
    "without doubt",
    "no less than",
    "not to mention",
    "nothing but",
    "no matter",
];
pub const DEFAULT_TERMINATORS: &[&str] = &[
    "but",
    "however",
    "although",
    "though",
    "yet",
    "except",
    "whereas",
    "nevertheless",
    "nonetheless",
];
/// Default negation windows, in words (SPEC §3).
pub const DEFAULT_WINDOW: usize = 5;

/// Largest absolute value a whole-number field (levels, points, windows) may hold.
const WHOLE_LIMIT: i64 = 1_000_000_000;
/// Most steps a scale may have (max − min): every level gets a descriptor and a threshold.
pub const MAX_SCALE_STEPS: i64 = 1000;
/// Largest weight: weights are relative, and sums of them must stay far from a decimal's end.
const MAX_WEIGHT: i64 = 1_000_000_000_000;
/// Most criteria in one rubric.
pub const MAX_CRITERIA: usize = 1000;
/// Most phrases in one rubric, indicators and negation lists together.
pub const MAX_PHRASES: usize = 100_000;

/// Validates a parsed rubric file.
pub fn validate(file: &SourceFile, raw: raw::RubricFile) -> Result<Rubric, Diagnostics> {
    let mut c = Checker {
        file,
        diags: Diagnostics::default(),
    };
    let rubric_span = raw.rubric.span();
    let header = raw.rubric.into_inner();
    let id = c.id(&header.id, "rubric id");
    let aggregation = header
        .aggregation
        .as_ref()
        .and_then(|a| {
            c.choice(a, "aggregation", &Aggregation::NAMES).map(|i| {
                [
                    Aggregation::WeightedMean,
                    Aggregation::Geometric,
                    Aggregation::Minimum,
                ][i]
            })
        })
        .unwrap_or(Aggregation::WeightedMean);
    let missing = header
        .missing
        .as_ref()
        .and_then(|m| {
            c.choice(m, "missing", &MissingPolicy::NAMES).map(|i| {
                [
                    MissingPolicy::Exclude,
                    MissingPolicy::Zero,
                    MissingPolicy::Error,
                ][i]
            })
        })
        .unwrap_or(MissingPolicy::Exclude);
    let min_coverage = match &header.min_coverage {
        Some(v) => {
            let d = v.get_ref().0;
            if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
                c.err(
                    v.span(),
                    format!(
                        "min_coverage must be a percentage from 0 to 100, not {}",
                        plain(d)
                    ),
                    None,
                );
            }
            d
        }
        None => Decimal::from(50),
    };
    let scale = c.scale(header.scale.as_ref());
    let currency = raw.currency.as_ref().map(|cur| c.currency(cur));
    let negation = c.negation(raw.negation.as_ref());
    let mut bands: Vec<Band> = raw
        .bands
        .iter()
        .map(|b| {
            let b = b.get_ref();
            if b.label.get_ref().trim().is_empty() {
                c.err(b.label.span(), "a band needs a non-empty label", None);
            }
            Band {
                label: b.label.get_ref().clone(),
                min: b.min.get_ref().0,
            }
        })
        .collect();
    bands.sort_by_key(|b| std::cmp::Reverse(b.min));

    let mut criteria = Vec::new();
    let mut seen: BTreeMap<String, Range<usize>> = BTreeMap::new();
    for crit in &raw.criteria {
        let cid = crit.get_ref().id.get_ref();
        if let Some(first) = seen.get(cid) {
            let (line, _) = file.line_col(first.start);
            c.err(
                crit.get_ref().id.span(),
                format!("criterion id `{cid}` is used twice"),
                Some(format!(
                    "the first `{cid}` is on line {line}; criterion ids must be unique"
                )),
            );
        } else {
            seen.insert(cid.clone(), crit.get_ref().id.span());
        }
        if let Some(model) = c.criterion(crit, &scale) {
            criteria.push(model);
        }
    }
    if raw.criteria.len() > MAX_CRITERIA {
        c.err(
            rubric_span.clone(),
            format!(
                "the rubric has {} criteria; polscore accepts at most {MAX_CRITERIA}",
                raw.criteria.len()
            ),
            None,
        );
    }
    let phrases: usize = raw
        .criteria
        .iter()
        .filter_map(|cr| cr.get_ref().indicators.as_ref())
        .flat_map(|list| list.get_ref().iter())
        .map(|i| i.get_ref().phrases.get_ref().len())
        .sum();
    if phrases > MAX_PHRASES {
        c.err(
            rubric_span.clone(),
            format!("the rubric has {phrases} phrases; polscore accepts at most {MAX_PHRASES}"),
            None,
        );
    }
    if raw.criteria.is_empty() {
        c.err(
            rubric_span,
            "the rubric has no criteria",
            Some("add at least one [[criteria]] table".to_string()),
        );
    } else if raw.criteria.iter().all(|cr| {
        cr.get_ref()
            .weight
            .as_ref()
            .is_some_and(|w| w.get_ref().0.is_zero())
    }) {
        c.err(
            raw.criteria[0].span(),
            "every criterion has weight 0",
            Some("give at least one criterion a positive weight".to_string()),
        );
    }

    let definition = Definition {
        id,
        version: header.version.unwrap_or_default(),
        title: header.title.unwrap_or_default(),
        description: header.description.unwrap_or_default(),
        aggregation,
        missing,
        min_coverage,
        scale,
        currency,
        negation,
        bands,
        criteria,
    };
    // Derived data is computed only for a valid definition.
    if !c.diags.is_empty() {
        return Err(c.diags);
    }
    Ok(Rubric::new(definition))
}

struct Checker<'f> {
    file: &'f SourceFile,
    diags: Diagnostics,
}

impl Checker<'_> {
    fn err(&mut self, span: Range<usize>, message: impl Into<String>, hint: Option<String>) {
        let mut d: Diagnostic = self.file.error(span, message);
        d.hint = hint;
        self.diags.push(d);
    }

    fn id(&mut self, id: &Spanned<String>, what: &str) -> String {
        let s = id.get_ref();
        if s.is_empty()
            || !s
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_' || ch == '-')
        {
            let fixed: String = s
                .to_lowercase()
                .chars()
                .map(|ch| {
                    if ch.is_ascii_alphanumeric() || ch == '_' {
                        ch
                    } else {
                        '-'
                    }
                })
                .collect();
            let hint = if fixed.trim_matches('-').is_empty() {
                "use lower-case ASCII letters, digits, `_` and `-`".to_string()
            } else {
                format!(
                    "use lower-case ASCII letters, digits, `_` and `-`, e.g. `{}`",
                    fixed.trim_matches('-')
                )
            };
            self.err(id.span(), format!("invalid {what} `{s}`"), Some(hint));
        }
        s.clone()
    }

    fn choice(&mut self, v: &Spanned<String>, key: &str, names: &[&str]) -> Option<usize> {
        let s = v.get_ref();
        if let Some(i) = names.iter().position(|n| n == s) {
            return Some(i);
        }
        let hint = match suggest(s, names.iter().copied()) {
            Some(n) => format!("did you mean `{n}`?"),
            None => format!(
                "use one of {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.err(
            v.span(),
            format!("`{s}` is not a valid `{key}`"),
            Some(hint),
        );
        None
    }

    /// A whole number within ±[`WHOLE_LIMIT`].
    fn whole(&mut self, v: &Spanned<Dec>, what: &str) -> Option<i64> {
        let d = v.get_ref().0;
        if !d.fract().is_zero() {
            self.err(
                v.span(),
                format!("{what} must be a whole number, not {}", plain(d)),
                None,
            );
            return None;
        }
        match i64::try_from(d) {
            Ok(n) if (-WHOLE_LIMIT..=WHOLE_LIMIT).contains(&n) => Some(n),
            _ => {
                self.err(
                    v.span(),
                    format!("{what} {} is out of range", plain(d)),
                    None,
                );
                None
            }
        }
    }

    fn scale(&mut self, scale: Option<&Spanned<raw::Scale>>) -> Scale {
        let Some(scale) = scale else {
            return Scale {
                min: 0,
                max: 4,
                labels: Vec::new(),
            };
        };
        let s = scale.get_ref();
        let min = s
            .min
            .as_ref()
            .map_or(Some(0), |m| self.whole(m, "scale.min"));
        let max = s
            .max
            .as_ref()
            .map_or(Some(4), |m| self.whole(m, "scale.max"));
        let (Some(min), Some(max)) = (min, max) else {
            return Scale {
                min: 0,
                max: 4,
                labels: Vec::new(),
            };
        };
        if max.saturating_sub(min) > MAX_SCALE_STEPS {
            self.err(
                scale.span(),
                format!("the scale from {min} to {max} has more than {MAX_SCALE_STEPS} steps"),
                Some(
                    "levels are judgements: a scale such as 0 to 4 or 1 to 10 is usual".to_string(),
                ),
            );
            return Scale {
                min: 0,
                max: 4,
                labels: Vec::new(),
            };
        }
        if min >= max {
            self.err(
                scale.span(),
                format!("scale.min ({min}) must be less than scale.max ({max})"),
                None,
            );
            return Scale {
                min: 0,
                max: 4,
                labels: Vec::new(),
            };
        }
        let levels = (max - min + 1) as usize;
        let labels = match &s.labels {
            Some(l) => {
                if l.get_ref().len() != levels {
                    self.err(
                        l.span(),
                        format!(
                            "the scale has {levels} levels ({min} to {max}) but {} labels",
                            l.get_ref().len()
                        ),
                        Some(format!("give exactly {levels} labels, one per level")),
                    );
                }
                l.get_ref().clone()
            }
            None => Vec::new(),
        };
        Scale { min, max, labels }
    }

    fn currency(&mut self, cur: &Spanned<raw::Currency>) -> Currency {
        let c = cur.get_ref();
        let is_code = |s: &str| s.len() == 3 && s.chars().all(|ch| ch.is_ascii_uppercase());
        if !is_code(c.base.get_ref()) {
            self.err(
                c.base.span(),
                format!("`{}` is not a currency code", c.base.get_ref()),
                Some("use a three-letter ISO 4217 code in capitals, such as `USD`".to_string()),
            );
        }
        let mut rates = BTreeMap::new();
        for (code, rate) in &c.rates {
            if code.get_ref() == c.base.get_ref() {
                self.err(
                    code.span(),
                    format!("{} is the base currency: it has no rate", code.get_ref()),
                    Some(format!(
                        "remove {} from the rates; 1 {0} is always 1 {0}",
                        code.get_ref()
                    )),
                );
            }
            if !is_code(code.get_ref()) {
                self.err(
                    code.span(),
                    format!("`{}` is not a currency code", code.get_ref()),
                    Some("use a three-letter ISO 4217 code in capitals, such as `KZT`".to_string()),
                );
            }
            if rate.get_ref().0 <= Decimal::ZERO {
                self.err(
                    rate.span(),
                    format!(
                        "the rate of {} must be positive, not {}",
                        code.get_ref(),
                        plain(rate.get_ref().0)
                    ),
                    None,
                );
            }
            rates.insert(code.get_ref().clone(), rate.get_ref().0);
        }
        Currency {
            base: c.base.get_ref().clone(),
            rates,
        }
    }

    fn patterns(&mut self, list: &[Spanned<String>]) -> Vec<Pattern> {
        list.iter()
            .filter_map(|p| match Pattern::compile(p.get_ref()) {
                Ok(pat) => Some(pat),
                Err(e) => {
                    self.err(p.span(), e, None);
                    None
                }
            })
            .collect()
    }

    fn negation(&mut self, neg: Option<&raw::Negation>) -> Negation {
        let list = |this: &mut Self,
                    raw: Option<&Spanned<Vec<Spanned<String>>>>,
                    default: &[&str]| match raw {
            Some(l) => this.patterns(l.get_ref()),
            None => default
                .iter()
                .map(|p| Pattern::compile(p).expect("built-in phrase"))
                .collect(),
        };
        let window = |this: &mut Self, w: Option<&Spanned<Dec>>, what: &str| match w {
            Some(w) => match this.whole(w, what) {
                Some(n) if n >= 0 => n as usize,
                Some(n) => {
                    this.err(w.span(), format!("{what} must be 0 or more, not {n}"), None);
                    DEFAULT_WINDOW
                }
                None => DEFAULT_WINDOW,
            },
            None => DEFAULT_WINDOW,
        };
        Negation {
            window: window(self, neg.and_then(|n| n.window.as_ref()), "negation.window"),
            post_window: window(
                self,
                neg.and_then(|n| n.post_window.as_ref()),
                "negation.post_window",
            ),
            cues: list(self, neg.and_then(|n| n.cues.as_ref()), DEFAULT_CUES),
            post_cues: list(
                self,
                neg.and_then(|n| n.post_cues.as_ref()),
                DEFAULT_POST_CUES,
            ),
            pseudo: list(self, neg.and_then(|n| n.pseudo.as_ref()), DEFAULT_PSEUDO),
            terminators: list(
                self,
                neg.and_then(|n| n.terminators.as_ref()),
                DEFAULT_TERMINATORS,
            ),
        }
    }

    fn criterion(&mut self, crit: &Spanned<raw::Criterion>, scale: &Scale) -> Option<Criterion> {
        let span = crit.span();
        let cr = crit.get_ref();
        let errors_before = self.diags.len();
        let id = self.id(&cr.id, "criterion id");
        let weight = match &cr.weight {
            Some(w) => {
                if w.get_ref().0 > Decimal::from(MAX_WEIGHT) {
                    self.err(
                        w.span(),
                        format!(
                            "weight {} is larger than {MAX_WEIGHT}",
                            plain(w.get_ref().0)
                        ),
                        Some(
                            "weights are relative: 0.25 and 25 mean the same once normalised"
                                .to_string(),
                        ),
                    );
                }
                if w.get_ref().0 < Decimal::ZERO {
                    self.err(
                        w.span(),
                        format!("weight must not be negative, not {}", plain(w.get_ref().0)),
                        None,
                    );
                }
                w.get_ref().0
            }
            None => Decimal::ONE,
        };
        let levels = scale.steps() + 1;
        let descriptors = match &cr.descriptors {
            Some(d) => {
                if d.get_ref().len() != levels {
                    self.err(
                        d.span(),
                        format!(
                            "criterion `{id}` has {} descriptors but the scale has {levels} levels",
                            d.get_ref().len()
                        ),
                        Some(format!(
                            "give exactly {levels} descriptors, one per level from {} to {}",
                            scale.min, scale.max
                        )),
                    );
                }
                d.get_ref().clone()
            }
            None => Vec::new(),
        };
        // The method is usually written; when it is not, the keys say which it is.
        let method_name = match &cr.method {
            Some(m) => {
                let i = self.choice(m, "method", &Method::NAMES)?;
                Method::NAMES[i]
            }
            None if cr.indicators.is_some() => "evidence",
            None if cr.formula.is_some() => "metric",
            None => "rating",
        };
        let not_for = |this: &mut Self, key: &str, s: Option<Range<usize>>| {
            if let Some(s) = s {
                this.err(
                    s,
                    format!("`{key}` does not apply to a {method_name} criterion (`{id}`)"),
                    Some(format!("remove it, or change `method` of `{id}`")),
                );
            }
        };
        let method = match method_name {
            "evidence" => {
                not_for(self, "formula", cr.formula.as_ref().map(Spanned::span));
                not_for(self, "direction", cr.direction.as_ref().map(Spanned::span));
                not_for(
                    self,
                    "thresholds",
                    cr.thresholds.as_ref().map(Spanned::span),
                );
                let base = match &cr.base {
                    Some(b) => {
                        let v = self.whole(b, "base");
                        if let Some(v) = v.filter(|v| !scale.contains(*v)) {
                            self.err(
                                b.span(),
                                format!(
                                    "base {v} is outside the scale {} to {}",
                                    scale.min, scale.max
                                ),
                                None,
                            );
                        }
                        v.unwrap_or(scale.min)
                    }
                    None => scale.min,
                };
                let indicators = self.indicators(&id, cr.indicators.as_ref(), span.clone());
                Method::Evidence { base, indicators }
            }
            "metric" => {
                not_for(
                    self,
                    "indicators",
                    cr.indicators.as_ref().map(Spanned::span),
                );
                not_for(self, "base", cr.base.as_ref().map(Spanned::span));
                let formula = match &cr.formula {
                    Some(f) => self.formula(f),
                    None => {
                        self.err(
                            span.clone(),
                            format!("metric criterion `{id}` has no formula"),
                            Some("add e.g. `formula = \"misused / budget\"`".to_string()),
                        );
                        None
                    }
                };
                let direction = cr
                    .direction
                    .as_ref()
                    .and_then(|d| {
                        self.choice(d, "direction", &Direction::NAMES)
                            .map(|i| [Direction::HigherIsBetter, Direction::LowerIsBetter][i])
                    })
                    .unwrap_or(Direction::HigherIsBetter);
                let thresholds = self.thresholds(&id, cr.thresholds.as_ref(), scale, span.clone());
                Method::Metric {
                    formula: formula?,
                    direction,
                    thresholds,
                }
            }
            _ => {
                not_for(
                    self,
                    "indicators",
                    cr.indicators.as_ref().map(Spanned::span),
                );
                not_for(self, "base", cr.base.as_ref().map(Spanned::span));
                not_for(self, "formula", cr.formula.as_ref().map(Spanned::span));
                not_for(self, "direction", cr.direction.as_ref().map(Spanned::span));
                not_for(
                    self,
                    "thresholds",
                    cr.thresholds.as_ref().map(Spanned::span),
                );
                Method::Rating
            }
        };
        if self.diags.len() > errors_before {
            return None;
        }
        Some(Criterion {
            name: cr.name.clone().unwrap_or_else(|| id.clone()),
            id,
            weight,
            question: cr.question.clone().unwrap_or_default(),
            descriptors,
            source: cr.source.clone().unwrap_or_default(),
            method,
        })
    }

    fn indicators(
        &mut self,
        criterion: &str,
        raw: Option<&Spanned<Vec<Spanned<raw::Indicator>>>>,
        span: Range<usize>,
    ) -> Vec<Indicator> {
        let Some(list) = raw.filter(|l| !l.get_ref().is_empty()) else {
            self.err(
                raw.map_or(span, Spanned::span),
                format!("evidence criterion `{criterion}` has no indicators"),
                Some(
                    "add a [[criteria.indicators]] table with `id`, `phrases` and `points`"
                        .to_string(),
                ),
            );
            return Vec::new();
        };
        let mut ids = BTreeSet::new();
        let mut out = Vec::new();
        for ind in list.get_ref() {
            let i = ind.get_ref();
            let id = self.id(&i.id, "indicator id");
            if !ids.insert(id.clone()) {
                self.err(
                    i.id.span(),
                    format!("indicator id `{id}` is used twice in criterion `{criterion}`"),
                    None,
                );
            }
            if i.phrases.get_ref().is_empty() {
                self.err(
                    i.phrases.span(),
                    format!("indicator `{id}` has no phrases"),
                    None,
                );
            }
            let phrases = self.patterns(i.phrases.get_ref());
            let points = i
                .points
                .as_ref()
                .map_or(Some(1), |p| self.whole(p, "points"));
            let min_matches = match &i.min_matches {
                Some(m) => match self.whole(m, "min_matches") {
                    Some(n) if n >= 1 => n as usize,
                    Some(n) => {
                        self.err(
                            m.span(),
                            format!("min_matches must be at least 1, not {n}"),
                            None,
                        );
                        1
                    }
                    None => 1,
                },
                None => 1,
            };
            out.push(Indicator {
                id,
                phrases,
                points: points.unwrap_or(0),
                min_matches,
            });
        }
        out
    }

    fn formula(&mut self, f: &Spanned<String>) -> Option<Formula> {
        match Formula::parse(f.get_ref()) {
            Ok(formula) => Some(formula),
            Err(e) => {
                // Point inside the string when it is written plainly, at the value otherwise.
                let span = f.span();
                let written = &self.file.text[span.clone()];
                let inner = &written[1.min(written.len())..written.len().saturating_sub(1)];
                let at = if inner == f.get_ref() {
                    span.start + 1 + e.span.start..span.start + 1 + e.span.end
                } else {
                    span
                };
                self.err(at, format!("invalid formula: {}", e.message), None);
                None
            }
        }
    }

    fn thresholds(
        &mut self,
        criterion: &str,
        raw: Option<&Spanned<Vec<Spanned<Dec>>>>,
        scale: &Scale,
        span: Range<usize>,
    ) -> Vec<Decimal> {
        let want = scale.steps();
        let Some(list) = raw else {
            self.err(
                span,
                format!("metric criterion `{criterion}` has no thresholds"),
                Some(format!(
                    "add `thresholds = [...]` with {want} ascending values (scale max − min)"
                )),
            );
            return Vec::new();
        };
        let values: Vec<Decimal> = list.get_ref().iter().map(|t| t.get_ref().0).collect();
        if values.len() != want {
            self.err(
                list.span(),
                format!(
                    "criterion `{criterion}` has {} thresholds but the scale needs {want} (max − min)",
                    values.len()
                ),
                Some(format!("give exactly {want} strictly ascending values")),
            );
        }
        for pair in list.get_ref().windows(2) {
            if pair[1].get_ref().0 <= pair[0].get_ref().0 {
                self.err(
                    pair[1].span(),
                    format!(
                        "thresholds must be strictly ascending: {} follows {}",
                        plain(pair[1].get_ref().0),
                        plain(pair[0].get_ref().0)
                    ),
                    None,
                );
            }
        }
        values
    }
}
