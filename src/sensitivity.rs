//! How robust is a ranking to the weights? (`polscore sensitivity`, SPEC §7)
//!
//! Monte Carlo, as in stochastic multicriteria acceptability analysis (SMAA): each sample
//! multiplies every weight by a factor drawn uniformly from [1 − spread, 1 + spread],
//! renormalises, recomputes every total and re-ranks. The factors are drawn in `f64` (SPEC §2
//! allows it) and applied to the decimal weights; each sample is then aggregated, judged and
//! ranked by the scorecard's own functions, so that at spread 0 it is the scorecard. Per programme this
//! gives the mean rank, the 5th and 95th percentile rank and the share of samples at each rank
//! (rank acceptability). Leaving each criterion out in turn is computed exactly, with decimals,
//! through the same aggregation as the scorecard.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;

use crate::rubric::Rubric;
use crate::scoring::{self, CriterionScore, Part, Scorecard};

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
    let base: Vec<Decimal> = rubric.criteria.iter().map(|c| c.weight).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    let mut weights = base.clone();
    // Each sample computes every total with its weights through the scorecard's own rules
    // (`scoring::totals`: one aggregation, one status rule) and ranks them with its ranking.
    // At spread 0 every factor is exactly 1, so every sample is the scorecard.
    let parts: Vec<Vec<Part>> = card
        .rows
        .iter()
        .map(|row| row.criteria.iter().map(CriterionScore::part).collect())
        .collect();
    let mut totals = vec![None; n];
    let mut per_program: Vec<Vec<usize>> = vec![Vec::with_capacity(settings.samples); n];
    let mut counts = vec![vec![0usize; n]; n];
    for _ in 0..settings.samples {
        for (w, b) in weights.iter_mut().zip(&base) {
            let factor = 1.0 - settings.spread + 2.0 * settings.spread * rng.random::<f64>();
            *w = Decimal::from_f64(factor).map_or(*b, |f| *b * f);
        }
        for (t, cells) in totals.iter_mut().zip(&parts) {
            *t = scoring::totals(rubric, weights.iter().copied().zip(cells.iter().copied()))
                .displayed();
        }
        for (i, r) in scoring::competition_ranks(&totals).into_iter().enumerate() {
            if let Some(r) = r {
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
            let weights: Vec<Decimal> = rubric
                .criteria
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == left_out {
                        Decimal::ZERO
                    } else {
                        c.weight
                    }
                })
                .collect();
            let totals: Vec<Option<Decimal>> = card
                .rows
                .iter()
                .map(|row| {
                    let parts = row.criteria.iter().map(CriterionScore::part);
                    scoring::totals(rubric, weights.iter().copied().zip(parts)).displayed()
                })
                .collect();
            scoring::competition_ranks(&totals)
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
}
