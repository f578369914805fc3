//! Scoring: from what was found to levels, totals, statuses and ranks (SPEC §5, §6).
//!
//! Pure: it reads no file and prints nothing. Its inputs are what `assess` gathered for each
//! criterion (text findings, a formula's value, assessments); its output is a [`Scorecard`].
//! Everything here can be tested with hand-built inputs.

use rust_decimal::Decimal;
use rust_decimal::MathematicalOps;

use crate::decimal::round;
use crate::evidence::Finding;
use crate::program::Assessment;
use crate::rubric::{Aggregation, Criterion, Direction, Method, MissingPolicy, Rubric, Scale};

/// Where a criterion's level came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Evidence,
    Metric,
    Rating,
    Override,
    NotApplicable,
    Missing,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Evidence => "evidence",
            Source::Metric => "metric",
            Source::Rating => "rating",
            Source::Override => "override",
            Source::NotApplicable => "not_applicable",
            Source::Missing => "missing",
        }
    }
}

/// Why a criterion has no level: a missing reason, or the rationale of "not applicable".
/// Typed until it is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// An evidence criterion, and the program has no text (or an empty one).
    NoText,
    /// An evidence criterion whose indicators never occur in the text.
    NoEvidence,
    /// A rating criterion (or a computed one that gave nothing) without an assessment.
    NoAssessment,
    /// A metric whose formula has no value: a fact it names is missing, or it divides by 0.
    NoValue(String),
    /// An assessment marked the criterion not applicable, with this rationale.
    NotApplicable(String),
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::NoText => f.write_str("the program has no text"),
            Reason::NoEvidence => f.write_str("no evidence in text"),
            Reason::NoAssessment => f.write_str("no assessment"),
            Reason::NoValue(why) | Reason::NotApplicable(why) => f.write_str(why),
        }
    }
}

/// A fact as a formula used it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactUse {
    pub name: String,
    pub value: Decimal,
    pub unit: Option<String>,
    /// (value in the base currency, base, rate) when the fact was converted.
    pub converted: Option<(Decimal, String, Decimal)>,
}

/// A formula evaluated for one programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricValue {
    pub formula: String,
    pub value: Result<Decimal, String>,
    pub facts: Vec<FactUse>,
}

/// What `assess` gathered for one criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gathered {
    /// Findings in the text; None when the programme has no text.
    Evidence(Option<Vec<Finding>>),
    Metric(MetricValue),
    Rating,
}

/// How one indicator fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorTally {
    pub indicator: usize,
    /// Occurrences not negated.
    pub affirmed: usize,
    pub negated: usize,
    pub counts: bool,
}

/// One criterion of one programme, scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionScore {
    pub source: Source,
    /// The level used: from evidence, metric, rating or override.
    pub level: Option<i64>,
    /// The level computed from evidence or metric (also when overridden).
    pub computed: Option<i64>,
    /// Score of `level`, 0 to 100; 0 for a missing criterion under `missing = "zero"`.
    pub score: Option<Decimal>,
    /// The normalised weight actually used in the total.
    pub weight: Decimal,
    /// weight × score.
    pub contribution: Decimal,
    /// Why the criterion is missing, or why it does not apply.
    pub reason: Option<Reason>,
    pub gathered: Gathered,
    pub tallies: Vec<IndicatorTally>,
    /// Every assessment of this criterion (rating, override, advisory, not applicable).
    pub assessments: Vec<Assessment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Partial,
    Insufficient,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Partial => "partial",
            Status::Insufficient => "insufficient",
        }
    }
}

/// One programme's row of the scorecard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramScore {
    pub program_id: String,
    pub program_name: String,
    pub country: String,
    pub region: String,
    pub period: String,
    /// The description file, as given.
    pub path: String,
    /// Where the description's facts come from, for reports that link to them.
    pub sources: Vec<crate::program::SourceRef>,
    pub criteria: Vec<CriterionScore>,
    /// The exact total; None when insufficient.
    pub total: Option<Decimal>,
    pub coverage: Decimal,
    pub status: Status,
    pub band: Option<String>,
    pub rank: Option<usize>,
}

impl ProgramScore {
    /// The total as displayed: rounded to 2 places, half away from zero.
    pub fn displayed_total(&self) -> Option<Decimal> {
        self.total.map(|t| round(t, 2))
    }
}

/// Every programme scored with one rubric, ranked.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub rows: Vec<ProgramScore>,
}

/// Level of a metric value by thresholds (SPEC §5).
pub fn threshold_level(
    value: Decimal,
    thresholds: &[Decimal],
    direction: Direction,
    scale: &Scale,
) -> i64 {
    match direction {
        // v < t[0] → min; t[i-1] ≤ v < t[i] → min+i; v ≥ t[k-1] → max.
        Direction::HigherIsBetter => {
            scale.min + thresholds.iter().filter(|&&t| value >= t).count() as i64
        }
        // v ≤ t[0] → max; t[i-1] < v ≤ t[i] → max-i; v > t[k-1] → min.
        Direction::LowerIsBetter => {
            scale.max - thresholds.iter().filter(|&&t| value > t).count() as i64
        }
    }
}

/// The median level; for an even count, the lower of the two middle levels.
pub fn median(levels: &[i64]) -> Option<i64> {
    if levels.is_empty() {
        return None;
    }
    let mut v = levels.to_vec();
    v.sort_unstable();
    Some(v[(v.len() - 1) / 2])
}

/// Scores one criterion before aggregation (weight and contribution are filled in later).
pub fn score_criterion(
    criterion: &Criterion,
    scale: &Scale,
    gathered: Gathered,
    assessments: Vec<Assessment>,
) -> CriterionScore {
    let mut tallies = Vec::new();
    let computed: Result<i64, Reason> = match (&criterion.method, &gathered) {
        (Method::Evidence { base, indicators }, Gathered::Evidence(findings)) => match findings {
            None => Err(Reason::NoText),
            Some(f) if f.is_empty() => Err(Reason::NoEvidence),
            Some(f) => {
                let mut points: i64 = 0;
                for (i, ind) in indicators.iter().enumerate() {
                    let affirmed = f
                        .iter()
                        .filter(|o| o.indicator == i && o.negation.is_none())
                        .count();
                    let negated = f
                        .iter()
                        .filter(|o| o.indicator == i && o.negation.is_some())
                        .count();
                    let counts = affirmed >= ind.min_matches;
                    if counts {
                        points = points.saturating_add(ind.points);
                    }
                    if affirmed + negated > 0 {
                        tallies.push(IndicatorTally {
                            indicator: i,
                            affirmed,
                            negated,
                            counts,
                        });
                    }
                }
                Ok(scale.clamp(base.saturating_add(points)))
            }
        },
        (
            Method::Metric {
                thresholds,
                direction,
                ..
            },
            Gathered::Metric(m),
        ) => m
            .value
            .clone()
            .map(|v| threshold_level(v, thresholds, *direction, scale))
            .map_err(Reason::NoValue),
        _ => Err(Reason::NoAssessment),
    };
    let is_rating = matches!(criterion.method, Method::Rating);
    let not_applicable = assessments.iter().find(|a| a.not_applicable);
    let (source, level, reason) = if let Some(na) = not_applicable {
        (
            Source::NotApplicable,
            None,
            Some(Reason::NotApplicable(na.rationale.clone())),
        )
    } else {
        let chosen: Vec<i64> = assessments
            .iter()
            .filter(|a| is_rating || a.override_level)
            .filter_map(|a| a.level)
            .collect();
        match (median(&chosen), &computed) {
            (Some(l), _) if is_rating => (Source::Rating, Some(l), None),
            (Some(l), _) => (Source::Override, Some(l), None),
            (None, Ok(l)) if !is_rating => (
                if matches!(criterion.method, Method::Metric { .. }) {
                    Source::Metric
                } else {
                    Source::Evidence
                },
                Some(*l),
                None,
            ),
            (None, Err(why)) => (Source::Missing, None, Some(why.clone())),
            (None, Ok(_)) => (Source::Missing, None, Some(Reason::NoAssessment)),
        }
    };
    CriterionScore {
        source,
        level,
        computed: if is_rating { None } else { computed.ok() },
        score: level.map(|l| scale.score(l)),
        weight: Decimal::ZERO,
        contribution: Decimal::ZERO,
        reason,
        gathered,
        tallies,
        assessments,
    }
}

/// What one criterion brings to a programme's total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Out of the weights and of the coverage.
    NotApplicable,
    /// Applicable but without a level: out of the total, or 0 under `missing = "zero"`.
    Missing,
    /// A score from 0 to 100.
    Scored(Decimal),
}

impl CriterionScore {
    /// What this criterion brings to the total.
    pub fn part(&self) -> Part {
        match (self.source, self.score) {
            (Source::NotApplicable, _) => Part::NotApplicable,
            (Source::Missing, _) | (_, None) => Part::Missing,
            (_, Some(s)) => Part::Scored(s),
        }
    }
}

/// A programme's coverage, total and status for given weights (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub coverage: Decimal,
    /// The sum of the weights that take part in the total (0: no total).
    pub used_weight: Decimal,
    /// The exact total; None when insufficient.
    pub total: Option<Decimal>,
    pub status: Status,
}

impl Totals {
    /// The total as displayed and ranked: 2 places, half away from zero.
    pub fn displayed(&self) -> Option<Decimal> {
        self.total.map(|t| round(t, 2))
    }
}

/// SPEC §6, the one implementation of coverage, aggregation and status: `parts` yields each
/// criterion's raw weight and [`Part`], in rubric order. The scorecard and every sensitivity
/// sample compute totals here.
pub fn totals<I>(rubric: &Rubric, parts: I) -> Totals
where
    I: Iterator<Item = (Decimal, Part)> + Clone,
{
    let zero_missing = rubric.missing == MissingPolicy::Zero;
    let mut applicable = Decimal::ZERO;
    let mut evidenced = Decimal::ZERO;
    let mut used = Decimal::ZERO;
    let mut weighted = Decimal::ZERO;
    let mut minimum: Option<Decimal> = None;
    let mut any_zero = false;
    // The criteria that take part in the total: (raw weight, score).
    let taking_part = parts.clone().filter_map(|(w, p)| match p {
        Part::NotApplicable => None,
        Part::Missing => zero_missing.then_some((w, Decimal::ZERO)),
        Part::Scored(s) => Some((w, s)),
    });
    for (w, p) in parts {
        match p {
            Part::NotApplicable => {}
            Part::Missing => applicable += w,
            Part::Scored(_) => {
                applicable += w;
                evidenced += w;
            }
        }
    }
    for (w, s) in taking_part.clone() {
        used += w;
        weighted += w * s;
        any_zero |= s.is_zero();
        if !w.is_zero() {
            minimum = Some(minimum.map_or(s, |m| m.min(s)));
        }
    }
    let coverage = if applicable.is_zero() {
        Decimal::ZERO
    } else {
        evidenced * Decimal::ONE_HUNDRED / applicable
    };
    let total = if used.is_zero() {
        None
    } else {
        Some(match rubric.aggregation {
            Aggregation::WeightedMean => weighted / used,
            // SPEC §6: 0 if any score is 0, whatever its weight.
            Aggregation::Geometric if any_zero => Decimal::ZERO,
            Aggregation::Geometric => geometric(taking_part.map(|(w, s)| (w / used, s))),
            Aggregation::Minimum => minimum.unwrap_or(Decimal::ZERO),
        })
    };
    let status = status(total.is_some(), coverage, rubric.min_coverage);
    Totals {
        coverage,
        used_weight: used,
        total: total.filter(|_| status != Status::Insufficient),
        status,
    }
}

/// Fills in weights, contributions, total, coverage, status and band of one programme, with
/// `weights[i]` the raw weight of criterion `i` (the rubric's, or a sample of them).
/// Returns the ids and reasons of missing criteria when the policy makes them an error.
pub fn aggregate(
    rubric: &Rubric,
    weights: &[Decimal],
    row: &mut ProgramScore,
) -> Result<(), Vec<(String, String)>> {
    if rubric.missing == MissingPolicy::Error {
        let missing: Vec<(String, String)> = row
            .criteria
            .iter()
            .zip(&rubric.criteria)
            .filter(|(c, _)| c.source == Source::Missing)
            .map(|(c, k)| {
                let why = c.reason.as_ref().map(Reason::to_string).unwrap_or_default();
                (k.id.clone(), why)
            })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
    }
    let t = totals(
        rubric,
        weights
            .iter()
            .copied()
            .zip(row.criteria.iter().map(CriterionScore::part)),
    );
    let zero_missing = rubric.missing == MissingPolicy::Zero;
    for (c, &w) in row.criteria.iter_mut().zip(weights) {
        // Aggregating again (with other weights) starts from a clean slate.
        c.weight = Decimal::ZERO;
        c.contribution = Decimal::ZERO;
        if c.source == Source::Missing && zero_missing {
            c.score = Some(Decimal::ZERO);
        }
        if let Some(s) = c.score.filter(|_| c.source != Source::NotApplicable)
            && !t.used_weight.is_zero()
        {
            c.weight = w / t.used_weight;
            // Divide last: w·s/Σw keeps an exact contribution (15.625) exact, where
            // (w/Σw)·s would carry the rounding of w/Σw into it.
            c.contribution = w * s / t.used_weight;
        }
    }
    row.coverage = t.coverage;
    row.status = t.status;
    row.total = t.total;
    row.band = match row.displayed_total() {
        Some(t) => rubric
            .bands
            .iter()
            .find(|b| b.min <= t)
            .map(|b| b.label.clone()),
        None => None,
    };
    Ok(())
}

/// SPEC §6: `ok` at full coverage, `partial` at or above the minimum, else `insufficient`
/// (also when no criterion gives a total). Coverage is judged as displayed, as totals are
/// ranked as displayed: a reader who sees 66.67 against a minimum of 66.67 sees a pass.
pub fn status(has_total: bool, coverage: Decimal, min_coverage: Decimal) -> Status {
    if !has_total {
        Status::Insufficient
    } else if coverage == Decimal::ONE_HUNDRED {
        Status::Ok
    } else if round(coverage, 2) >= min_coverage {
        Status::Partial
    } else {
        Status::Insufficient
    }
}

/// Π sᵢ^nᵢ for normalised weights nᵢ; 0 when any sᵢ is 0. Computed as exp(Σ nᵢ·ln sᵢ), and
/// exactly when every score is the same.
fn geometric(parts: impl Iterator<Item = (Decimal, Decimal)>) -> Decimal {
    let parts: Vec<(Decimal, Decimal)> = parts.collect();
    if parts.iter().any(|p| p.1.is_zero()) {
        return Decimal::ZERO;
    }
    if let Some(first) = parts.first()
        && parts.iter().all(|p| p.1 == first.1)
    {
        return first.1;
    }
    let mut log = Decimal::ZERO;
    for &(n, s) in &parts {
        log += n * s.checked_ln().unwrap_or(Decimal::ZERO);
    }
    log.checked_exp().unwrap_or(Decimal::ZERO)
}

/// Ranks rows by displayed total (standard competition ranking, highest first) and sorts them
/// by rank, then program id; insufficient rows have no rank and come last.
pub fn rank(rows: &mut [ProgramScore]) {
    let totals: Vec<Option<Decimal>> = rows.iter().map(ProgramScore::displayed_total).collect();
    let ranks = competition_ranks(&totals);
    for (row, rank) in rows.iter_mut().zip(ranks) {
        row.rank = rank;
    }
    rows.sort_by(|a, b| {
        let ka = a.rank.unwrap_or(usize::MAX);
        let kb = b.rank.unwrap_or(usize::MAX);
        ka.cmp(&kb).then_with(|| a.program_id.cmp(&b.program_id))
    });
}

/// Standard competition ranks (1, 2, 2, 4) of totals, highest first; none for no total.
pub fn competition_ranks(totals: &[Option<Decimal>]) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..totals.len()).filter(|&i| totals[i].is_some()).collect();
    order.sort_by(|&a, &b| totals[b].cmp(&totals[a]));
    let mut ranks = vec![None; totals.len()];
    for (place, &i) in order.iter().enumerate() {
        let rank = match place.checked_sub(1).map(|p| order[p]) {
            Some(prev) if totals[prev] == totals[i] => ranks[prev],
            _ => Some(place + 1),
        };
        ranks[i] = rank;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn scale() -> Scale {
        Scale {
            min: 0,
            max: 4,
            labels: vec![],
        }
    }

    #[test]
    fn thresholds_at_their_boundaries() {
        let t: Vec<Decimal> = ["0.01", "0.02", "0.05", "0.10"]
            .iter()
            .map(|s| d(s))
            .collect();
        let hi = |v: &str| threshold_level(d(v), &t, Direction::HigherIsBetter, &scale());
        let lo = |v: &str| threshold_level(d(v), &t, Direction::LowerIsBetter, &scale());
        for (v, h, l) in [
            ("0", 0, 4),
            ("0.01", 1, 4),
            ("0.0100001", 1, 3),
            ("0.02", 2, 3),
            ("0.05", 3, 2),
            ("0.06", 3, 1),
            ("0.10", 4, 1),
            ("0.1000001", 4, 0),
            ("-5", 0, 4),
        ] {
            assert_eq!((hi(v), lo(v)), (h, l), "value {v}");
        }
        let s = Scale {
            min: -2,
            max: 2,
            labels: vec![],
        };
        assert_eq!(
            threshold_level(d("0.03"), &t, Direction::HigherIsBetter, &s),
            0
        );
    }

    fn rubric(weights: &[&str], levels_max: i64, aggregation: &str) -> Rubric {
        let mut toml = format!(
            "[rubric]\nid = \"t\"\naggregation = \"{aggregation}\"\n[rubric.scale]\nmin = 0\nmax = {levels_max}\n"
        );
        for (i, w) in weights.iter().enumerate() {
            toml +=
                &format!("[[criteria]]\nid = \"c{i}\"\nweight = \"{w}\"\nmethod = \"rating\"\n");
        }
        crate::rubric::parse(&crate::diag::SourceFile::new("t.toml", toml)).unwrap()
    }

    fn total(r: &Rubric, levels: &[i64]) -> Option<Decimal> {
        let criteria = r
            .criteria
            .iter()
            .zip(levels)
            .map(|(c, &l)| {
                let a = Assessment {
                    level: Some(l),
                    rationale: "r".into(),
                    assessor: String::new(),
                    evidence: vec![],
                    override_level: false,
                    not_applicable: false,
                    origin: String::new(),
                };
                score_criterion(c, &r.scale, Gathered::Rating, vec![a])
            })
            .collect();
        let mut row = ProgramScore {
            criteria,
            ..row(None, "p")
        };
        let weights: Vec<Decimal> = r.criteria.iter().map(|c| c.weight).collect();
        aggregate(r, &weights, &mut row).unwrap();
        row.displayed_total()
    }

    #[test]
    fn exact_half_cents_round_away_from_zero() {
        // Found by review: dividing weights first lost the exact .xx5.
        for (weights, max, levels, want) in [
            (["5", "19"], 4, [3, 0], "15.63"),
            (["7", "17"], 4, [0, 3], "53.13"),
            (["11", "13"], 4, [4, 1], "59.38"),
            (["1", "31"], 3, [2, 1], "34.38"),
            (["23", "25"], 10, [6, 9], "75.63"),
        ] {
            let r = rubric(&weights, max, "weighted_mean");
            assert_eq!(total(&r, &levels), Some(d(want)), "{weights:?} {levels:?}");
        }
    }

    #[test]
    fn geometric_is_zero_when_any_score_is_zero() {
        let r = rubric(&["1", "1", "0"], 4, "geometric");
        assert_eq!(total(&r, &[1, 4, 0]), Some(d("0.00")));
        assert_eq!(total(&r, &[1, 4, 2]), Some(d("50.00")));
        let m = rubric(&["1", "1", "0"], 4, "minimum");
        assert_eq!(total(&m, &[1, 4, 0]), Some(d("25.00")));
    }

    #[test]
    fn median_takes_the_lower_middle() {
        assert_eq!(median(&[3]), Some(3));
        assert_eq!(median(&[4, 1, 3]), Some(3));
        assert_eq!(median(&[1, 4, 2, 3]), Some(2));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn geometric_mean_is_close_and_exact_when_equal() {
        assert_eq!(
            geometric([(d("0.5"), d("50")), (d("0.5"), d("50"))].into_iter()),
            d("50")
        );
        let g = geometric([(d("0.5"), d("25")), (d("0.5"), d("100"))].into_iter());
        assert_eq!(round(g, 2), d("50.00"));
        assert_eq!(
            geometric([(d("0.5"), d("0")), (d("0.5"), d("100"))].into_iter()),
            d("0")
        );
    }

    fn row(total: Option<&str>, id: &str) -> ProgramScore {
        ProgramScore {
            program_id: id.to_string(),
            program_name: String::new(),
            country: String::new(),
            region: String::new(),
            period: String::new(),
            path: String::new(),
            sources: vec![],
            criteria: vec![],
            total: total.map(d),
            coverage: Decimal::ZERO,
            status: if total.is_some() {
                Status::Ok
            } else {
                Status::Insufficient
            },
            band: None,
            rank: None,
        }
    }

    #[test]
    fn competition_ranking_on_displayed_totals() {
        let mut rows = vec![
            row(Some("50"), "e"),
            row(None, "a"),
            row(Some("70.004"), "d"),
            row(Some("69.996"), "c"),
            row(Some("80"), "b"),
        ];
        rank(&mut rows);
        let got: Vec<(String, Option<usize>)> = rows
            .iter()
            .map(|r| (r.program_id.clone(), r.rank))
            .collect();
        assert_eq!(
            got,
            [
                ("b".to_string(), Some(1)),
                ("c".to_string(), Some(2)),
                ("d".to_string(), Some(2)),
                ("e".to_string(), Some(4)),
                ("a".to_string(), None),
            ]
        );
    }
}
