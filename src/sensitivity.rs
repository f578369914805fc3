//! How robust is a ranking to the weights? (`polscore sensitivity`, SPEC §7)
//!
//! Monte Carlo, as in stochastic multicriteria acceptability analysis (SMAA): each sample
//! multiplies every weight by a factor drawn uniformly from [1 − spread, 1 + spread],
//! renormalises, recomputes every total and re-ranks. The samples run in `f64` (SPEC §2 allows
//! it); totals are rounded to 2 places before ranking, as in the scorecard. Per programme this
//! gives the mean rank, the 5th and 95th percentile rank and the share of samples at each rank
//! (rank acceptability). Leaving each criterion out in turn is computed exactly, with decimals,
//! through the same aggregation as the scorecard.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::rubric::{Aggregation, MissingPolicy, Rubric};
use crate::scoring::{self, Scorecard, Source};

/// Settings of a sensitivity run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub samples: usize,
    pub seed: u64,
    /// Each weight is multiplied by a factor from [1 − spread, 1 + spread]; 0 ≤ spread ≤ 1.
    pub spread: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            samples: 10_000,
            seed: 1,
            spread: 0.25,
        }
    }
}

/// One programme's robustness.
#[derive(Debug, Clone, PartialEq)]
pub struct Robustness {
    pub program_id: String,
    pub base_rank: Option<usize>,
    /// Mean rank over the samples in which the programme was ranked.
    pub mean_rank: Option<f64>,
    pub p5_rank: Option<usize>,
    pub p95_rank: Option<usize>,
    /// Share of samples at rank 1, 2, … n (index 0 is rank 1).
    pub rank_shares: Vec<f64>,
    /// Share of samples in which coverage fell below the minimum.
    pub unranked_share: f64,
    /// The rank with each criterion left out in turn, in rubric order.
    pub without: Vec<Option<usize>>,
}

/// What a criterion contributes to sampling: no weight, no score, or a score.
#[derive(Debug, Clone, Copy)]
enum Cell {
    NotApplicable,
    Missing,
    Score(f64),
}

/// One sampled total, or None when the programme is insufficient with these weights.
fn sampled_total(rubric: &Rubric, cells: &[Cell], weights: &[f64]) -> Option<f64> {
    let mut applicable = 0.0;
    let mut evidenced = 0.0;
    let mut used = 0.0;
    let mut weighted = 0.0;
    let mut log = 0.0;
    let mut any_zero = false;
    let mut minimum = f64::INFINITY;
    let zero_missing = rubric.missing == MissingPolicy::Zero;
    for (cell, &w) in cells.iter().zip(weights) {
        let score = match *cell {
            Cell::NotApplicable => continue,
            Cell::Missing => {
                applicable += w;
                if !zero_missing {
                    continue;
                }
                0.0
            }
            Cell::Score(s) => {
                applicable += w;
                evidenced += w;
                s
            }
        };
        used += w;
        weighted += w * score;
        // As in the scorecard: geometric is 0 when any score is 0, minimum ignores weight 0.
        if score == 0.0 {
            any_zero = true;
        }
        if w > 0.0 {
            minimum = minimum.min(score);
            if score > 0.0 {
                log += w * score.ln();
            }
        }
    }
    if used <= 0.0 || applicable <= 0.0 {
        return None;
    }
    let coverage = evidenced / applicable * 100.0;
    let complete = cells.iter().all(|c| !matches!(c, Cell::Missing));
    let min_coverage = rubric.min_coverage.to_f64().unwrap_or(50.0);
    if !complete && coverage < min_coverage {
        return None;
    }
    Some(match rubric.aggregation {
        Aggregation::WeightedMean => weighted / used,
        Aggregation::Geometric if any_zero => 0.0,
        Aggregation::Geometric => (log / used).exp(),
        Aggregation::Minimum => minimum,
    })
}

/// Standard competition ranks of rounded totals, highest first.
fn ranks(totals: &[Option<f64>], out: &mut [Option<usize>]) {
    let rounded: Vec<Option<i64>> = totals
        .iter()
        .map(|t| t.map(|t| (t * 100.0).round() as i64))
        .collect();
    for (i, own) in rounded.iter().enumerate() {
        out[i] = own.map(|t| 1 + rounded.iter().filter(|o| o.is_some_and(|x| x > t)).count());
    }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[usize], p: f64) -> Option<usize> {
    if sorted.is_empty() {
        return None;
    }
    let k = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[k.clamp(1, sorted.len()) - 1])
}

/// Runs the analysis on a scored, ranked scorecard.
pub fn analyse(rubric: &Rubric, card: &Scorecard, settings: Settings) -> Vec<Robustness> {
    let n = card.rows.len();
    let cells: Vec<Vec<Cell>> = card
        .rows
        .iter()
        .map(|row| {
            row.criteria
                .iter()
                .map(|c| match (c.source, c.score) {
                    (Source::NotApplicable, _) => Cell::NotApplicable,
                    (Source::Missing, _) | (_, None) => Cell::Missing,
                    (_, Some(s)) => Cell::Score(s.to_f64().unwrap_or(0.0)),
                })
                .collect()
        })
        .collect();
    let base: Vec<f64> = rubric
        .criteria
        .iter()
        .map(|c| c.weight.to_f64().unwrap_or(0.0))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    let mut weights = vec![0.0; base.len()];
    let mut totals = vec![None; n];
    let mut sample_ranks = vec![None; n];
    let mut per_program: Vec<Vec<usize>> = vec![Vec::with_capacity(settings.samples); n];
    let mut counts = vec![vec![0usize; n]; n];
    for _ in 0..settings.samples {
        for (w, b) in weights.iter_mut().zip(&base) {
            let factor = 1.0 - settings.spread + 2.0 * settings.spread * rng.random::<f64>();
            *w = b * factor;
        }
        for (t, c) in totals.iter_mut().zip(&cells) {
            *t = sampled_total(rubric, c, &weights);
        }
        ranks(&totals, &mut sample_ranks);
        for (i, r) in sample_ranks.iter().enumerate() {
            if let Some(r) = *r {
                per_program[i].push(r);
                counts[i][r - 1] += 1;
            }
        }
    }
    let without = leave_one_out(rubric, card);
    let samples = settings.samples.max(1) as f64;
    card.rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let ranked = &mut per_program[i];
            ranked.sort_unstable();
            let mean = (!ranked.is_empty())
                .then(|| ranked.iter().sum::<usize>() as f64 / ranked.len() as f64);
            Robustness {
                program_id: row.program_id.clone(),
                base_rank: row.rank,
                mean_rank: mean,
                p5_rank: percentile(ranked, 5.0),
                p95_rank: percentile(ranked, 95.0),
                rank_shares: counts[i].iter().map(|&c| c as f64 / samples).collect(),
                unranked_share: (settings.samples - ranked.len()) as f64 / samples,
                without: without.iter().map(|ranks| ranks[i]).collect(),
            }
        })
        .collect()
}

/// For each criterion, every programme's rank with that criterion's weight set to 0, through
/// the scorecard's own exact aggregation.
fn leave_one_out(rubric: &Rubric, card: &Scorecard) -> Vec<Vec<Option<usize>>> {
    (0..rubric.criteria.len())
        .map(|left_out| {
            let mut r = rubric.clone();
            r.criteria[left_out].weight = Decimal::ZERO;
            let mut rows = card.rows.clone();
            for row in &mut rows {
                // Rows in a scorecard passed the missing policy once; they pass again.
                let _ = scoring::aggregate(&r, row);
            }
            scoring::rank(&mut rows);
            let by_id: BTreeMap<&str, Option<usize>> = rows
                .iter()
                .map(|x| (x.program_id.as_str(), x.rank))
                .collect();
            card.rows
                .iter()
                .map(|row| by_id[row.program_id.as_str()])
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<usize> = (1..=20).collect();
        assert_eq!(percentile(&v, 5.0), Some(1));
        assert_eq!(percentile(&v, 95.0), Some(19));
        assert_eq!(percentile(&[3], 95.0), Some(3));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn ranks_ties_on_rounded_totals() {
        let mut out = vec![None; 4];
        ranks(&[Some(70.004), Some(69.996), Some(80.0), None], &mut out);
        assert_eq!(out, [Some(2), Some(2), Some(1), None]);
    }
}
