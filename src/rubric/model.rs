//! The validated rubric: types that cannot hold a value SPEC §3 forbids.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::evidence::{Negation, Pattern, RubricIndex};
use crate::formula::Formula;

/// A rubric ready to score with: its validated [`Definition`] (read through `Deref`, never
/// changed once made) and what is derived from it, computed by [`Rubric::new`] so that the
/// digest and the phrase index always match the definition.
#[derive(Debug, Clone)]
pub struct Rubric {
    definition: Definition,
    /// `sha256:` and 16 hex digits of the canonical form.
    digest: String,
    /// Every phrase set, indexed for one pass over a text.
    phrases: RubricIndex,
}

impl std::ops::Deref for Rubric {
    type Target = Definition;

    fn deref(&self) -> &Definition {
        &self.definition
    }
}

impl Rubric {
    /// A rubric from its validated definition, with its digest and phrase index.
    pub fn new(definition: Definition) -> Rubric {
        let digest = super::digest::digest(&definition);
        let phrases = definition.compile_phrases();
        Rubric {
            definition,
            digest,
            phrases,
        }
    }

    /// `sha256:` and 16 hex digits of the canonical form (SPEC §3 Digest).
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Every phrase set of the rubric, indexed for one pass over a text.
    pub fn phrases(&self) -> &RubricIndex {
        &self.phrases
    }
}

/// What a rubric file says, validated.
#[derive(Debug, Clone)]
pub struct Definition {
    pub id: String,
    pub version: String,
    pub title: String,
    pub description: String,
    pub aggregation: Aggregation,
    pub missing: MissingPolicy,
    /// Percent of the applicable weight that must have evidence (0 to 100).
    pub min_coverage: Decimal,
    pub scale: Scale,
    pub currency: Option<Currency>,
    pub negation: Negation,
    /// Sorted by `min`, highest first.
    pub bands: Vec<Band>,
    pub criteria: Vec<Criterion>,
}

/// How criterion scores combine into a total (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    /// Σ wᵢ·sᵢ / Σ wᵢ.
    WeightedMean,
    /// Π sᵢ^(wᵢ/Σw); 0 when any sᵢ is 0.
    Geometric,
    /// The lowest score among criteria with weight > 0.
    Minimum,
}

impl Aggregation {
    pub const NAMES: [&'static str; 3] = ["weighted_mean", "geometric", "minimum"];

    pub fn name(self) -> &'static str {
        match self {
            Aggregation::WeightedMean => "weighted_mean",
            Aggregation::Geometric => "geometric",
            Aggregation::Minimum => "minimum",
        }
    }
}

/// What a criterion without evidence does to the total (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingPolicy {
    /// Drops out; the other weights are renormalised.
    Exclude,
    /// Scores 0.
    Zero,
    /// Makes the programme an error.
    Error,
}

impl MissingPolicy {
    pub const NAMES: [&'static str; 3] = ["exclude", "zero", "error"];

    pub fn name(self) -> &'static str {
        match self {
            MissingPolicy::Exclude => "exclude",
            MissingPolicy::Zero => "zero",
            MissingPolicy::Error => "error",
        }
    }
}

/// The level scale: whole numbers from `min` to `max`, `min < max`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub min: i64,
    pub max: i64,
    /// Empty, or one label per level.
    pub labels: Vec<String>,
}

impl Scale {
    pub fn clamp(&self, level: i64) -> i64 {
        level.clamp(self.min, self.max)
    }

    pub fn contains(&self, level: i64) -> bool {
        (self.min..=self.max).contains(&level)
    }

    /// The label of a level, if the rubric names it.
    pub fn label(&self, level: i64) -> Option<&str> {
        usize::try_from(level - self.min)
            .ok()
            .and_then(|i| self.labels.get(i))
            .map(String::as_str)
    }

    /// (level − min) / (max − min) × 100.
    pub fn score(&self, level: i64) -> Decimal {
        Decimal::from(level - self.min) * Decimal::ONE_HUNDRED / Decimal::from(self.max - self.min)
    }

    /// How many steps the scale has (max − min).
    pub fn steps(&self) -> usize {
        (self.max - self.min) as usize
    }
}

impl Definition {
    /// The index of the negation sets and every evidence indicator's phrases, in the order
    /// `assess` reads its hits.
    fn compile_phrases(&self) -> RubricIndex {
        let indicators: Vec<&[Pattern]> = self
            .criteria
            .iter()
            .filter_map(|c| match &c.method {
                Method::Evidence { indicators, .. } => Some(indicators),
                _ => None,
            })
            .flatten()
            .map(|i| i.phrases.as_slice())
            .collect();
        RubricIndex::new(&self.negation, &indicators)
    }

    /// The hint for an id that names no criterion: the closest id, else the list of them.
    pub fn criterion_hint(&self, id: &str) -> String {
        match crate::diag::suggest(id, self.criteria.iter().map(|c| c.id.as_str())) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "rubric `{}` has the criteria {}",
                self.id,
                crate::diag::code_list(self.criteria.iter().map(|c| &c.id))
            ),
        }
    }
}

/// Conversion of money facts to one base currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency {
    pub base: String,
    /// One unit of the key is worth `rate` units of the base.
    pub rates: BTreeMap<String, Decimal>,
}

impl Currency {
    /// The rate of `code` to the base (1 for the base itself).
    pub fn rate(&self, code: &str) -> Option<Decimal> {
        if code == self.base {
            Some(Decimal::ONE)
        } else {
            self.rates.get(code).copied()
        }
    }
}

/// A verbal rating for totals of at least `min`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub label: String,
    pub min: Decimal,
}

/// One thing the rubric judges.
#[derive(Debug, Clone)]
pub struct Criterion {
    pub id: String,
    pub name: String,
    pub weight: Decimal,
    pub question: String,
    /// Empty, or one descriptor per level.
    pub descriptors: Vec<String>,
    pub source: String,
    pub method: Method,
}

/// How a criterion reaches its level (SPEC §5).
#[derive(Debug, Clone)]
pub enum Method {
    /// From phrases in the programme's text.
    Evidence {
        base: i64,
        indicators: Vec<Indicator>,
    },
    /// From a formula over the programme's facts.
    Metric {
        formula: Formula,
        direction: Direction,
        /// `max - min` strictly ascending values.
        thresholds: Vec<Decimal>,
    },
    /// From analysts' assessments.
    Rating,
}

impl Method {
    /// The values of a criterion's `method` key.
    pub const NAMES: [&'static str; 3] = ["evidence", "metric", "rating"];

    pub fn name(&self) -> &'static str {
        match self {
            Method::Evidence { .. } => "evidence",
            Method::Metric { .. } => "metric",
            Method::Rating => "rating",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

impl Direction {
    pub const NAMES: [&'static str; 2] = ["higher_is_better", "lower_is_better"];

    pub fn name(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher_is_better",
            Direction::LowerIsBetter => "lower_is_better",
        }
    }
}

/// A set of phrases that, found often enough, moves the level by `points`.
#[derive(Debug, Clone)]
pub struct Indicator {
    pub id: String,
    pub phrases: Vec<Pattern>,
    pub points: i64,
    pub min_matches: usize,
}
