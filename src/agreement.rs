//! How far do analysts agree on levels? Krippendorff's alpha with the ordinal metric, so that
//! inter-rater reliability can be reported beside the scores the ratings produce.
//!
//! The computation follows Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011):
//! values are paired within each unit (a programme × criterion cell) into a coincidence matrix,
//! and the disagreement observed in it is compared with the disagreement expected by chance.
//! Levels are ordered but their spacing means nothing, hence the ordinal metric: the distance
//! between two levels grows with how many values fall between them, not with their difference.
//! The arithmetic is `f64` (the project allows it here; alpha is reported rounded).

use std::collections::BTreeMap;

/// One rated item (a programme × criterion cell): the level each rater gave; raters who did
/// not rate the item are simply absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    pub levels: Vec<i64>,
}

/// Krippendorff's alpha (ordinal metric) over items. Items with fewer than 2 levels are not
/// pairable and are ignored (as in Krippendorff 2011). Returns None when alpha is undefined:
/// fewer than 2 pairable values in total, or no variation at all (expected disagreement 0).
///
/// Example: two raters who agree on `[1, 1]` and `[2, 2]` but split on `[2, 3]` give
/// alpha = 7/9 ≈ 0.78; had they agreed on the third item too, alpha would be 1.
pub fn ordinal_alpha(items: &[Item]) -> Option<f64> {
    alpha(items, ordinal_distance)
}

/// Number of pairable values (n in Krippendorff's notation): sum of levels over items with >= 2 levels.
pub fn pairable_values(items: &[Item]) -> usize {
    items
        .iter()
        .map(|item| item.levels.len())
        .filter(|&m| m >= 2)
        .sum()
}

/// The coincidence matrix of pairable values, indexed by the position of each distinct value
/// in sorted order (Krippendorff 2011, step B).
struct Coincidences {
    /// The distinct pairable values, ascending.
    values: Vec<i64>,
    /// `o[c][k]`: Σ over units of (number of c-k pairs in the unit) / (m_u − 1). Symmetric.
    o: Vec<Vec<f64>>,
    /// `n[c]` = Σ_k o_ck, which is simply how many pairable values equal `values[c]`.
    n: Vec<f64>,
}

impl Coincidences {
    fn from_items(items: &[Item]) -> Coincidences {
        // Values seen only in unpairable items take no part in alpha, so they get no row.
        let mut index: BTreeMap<i64, usize> = items
            .iter()
            .filter(|item| item.levels.len() >= 2)
            .flat_map(|item| item.levels.iter().map(|&level| (level, 0)))
            .collect();
        for (position, slot) in index.values_mut().enumerate() {
            *slot = position;
        }
        let values: Vec<i64> = index.keys().copied().collect();
        let size = values.len();
        let mut o = vec![vec![0.0; size]; size];
        let mut n = vec![0.0; size];
        for item in items.iter().filter(|item| item.levels.len() >= 2) {
            let m = item.levels.len();
            // How many times each value occurs in this unit, by value position.
            let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
            for level in &item.levels {
                if let Some(&c) = index.get(level) {
                    *counts.entry(c).or_default() += 1;
                }
            }
            for (&c, &n_c) in &counts {
                n[c] += n_c as f64;
                for (&k, &n_k) in &counts {
                    // Ordered pairs of distinct raters: a value is never paired with itself.
                    let pairs = if c == k { n_c * (n_c - 1) } else { n_c * n_k };
                    o[c][k] += pairs as f64 / (m - 1) as f64;
                }
            }
        }
        Coincidences { values, o, n }
    }
}

/// δ²_ck for the value positions `c` and `k`, given the distinct values and their totals.
type Distance = fn(values: &[i64], n: &[f64], c: usize, k: usize) -> f64;

/// Ordinal metric: δ²_ck = (Σ_{g=c}^{k} n_g − (n_c + n_k)/2)², for c ≤ k.
fn ordinal_distance(_values: &[i64], n: &[f64], c: usize, k: usize) -> f64 {
    let (low, high) = (c.min(k), c.max(k));
    let between: f64 = n[low..=high].iter().sum();
    let d = between - (n[low] + n[high]) / 2.0;
    d * d
}

/// alpha = 1 − (n − 1) · Σ_{c<k} o_ck δ²_ck / Σ_{c<k} n_c n_k δ²_ck, for any metric δ².
fn alpha(items: &[Item], distance: Distance) -> Option<f64> {
    if pairable_values(items) < 2 {
        return None;
    }
    let coincidences = Coincidences::from_items(items);
    // With a single distinct value every distance is 0: there is no variation to agree on.
    if coincidences.values.len() < 2 {
        return None;
    }
    let Coincidences { values, o, n } = &coincidences;
    let total: f64 = n.iter().sum();
    let mut observed = 0.0;
    let mut expected = 0.0;
    for c in 0..values.len() {
        for k in c + 1..values.len() {
            let d = distance(values, n, c, k);
            observed += o[c][k] * d;
            expected += n[c] * n[k] * d;
        }
    }
    // Unreachable for the ordinal metric with two or more distinct values, whose distances
    // are all positive; kept so that no metric can divide by zero.
    if expected <= 0.0 {
        return None;
    }
    Some(1.0 - (total - 1.0) * observed / expected)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::process::{Command, Stdio};

    use super::*;

    fn items(units: &[&[i64]]) -> Vec<Item> {
        units
            .iter()
            .map(|levels| Item {
                levels: levels.to_vec(),
            })
            .collect()
    }

    /// Units (columns) of a raters × units matrix, with `None` for a missing rating.
    fn items_of_matrix(matrix: &[Vec<Option<i64>>]) -> Vec<Item> {
        let units = matrix.first().map_or(0, Vec::len);
        (0..units)
            .map(|u| Item {
                levels: matrix.iter().filter_map(|row| row[u]).collect(),
            })
            .collect()
    }

    /// Krippendorff (2011), section C: 4 observers, 12 units, missing data (0 = missing).
    fn worked_example() -> Vec<Item> {
        let rows: [[i64; 12]; 4] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ];
        let matrix: Vec<Vec<Option<i64>>> = rows
            .iter()
            .map(|row| row.iter().map(|&v| (v != 0).then_some(v)).collect())
            .collect();
        items_of_matrix(&matrix)
    }

    fn nominal_distance(_values: &[i64], _n: &[f64], c: usize, k: usize) -> f64 {
        if c == k { 0.0 } else { 1.0 }
    }

    fn interval_distance(values: &[i64], _n: &[f64], c: usize, k: usize) -> f64 {
        let d = (values[c] - values[k]) as f64;
        d * d
    }

    #[test]
    fn reproduces_the_published_worked_example() {
        let units = worked_example();
        // Unit 12 has a single value, so only 40 of the 41 values are pairable.
        assert_eq!(pairable_values(&units), 40);
        let ordinal = ordinal_alpha(&units).unwrap();
        let nominal = alpha(&units, nominal_distance).unwrap();
        let interval = alpha(&units, interval_distance).unwrap();
        assert!((ordinal - 0.815).abs() < 0.0005, "ordinal {ordinal}");
        assert!((nominal - 0.743).abs() < 0.0005, "nominal {nominal}");
        assert!((interval - 0.849).abs() < 0.0005, "interval {interval}");
    }

    #[test]
    fn coincidence_matrix_of_the_worked_example() {
        // Krippendorff (2011), section C, the matrix of coincidences: row c=1 is 7, 4/3, 1/3,
        // 1/3, 0 and the value totals are 9, 13, 10, 5, 3.
        let coincidences = Coincidences::from_items(&worked_example());
        assert_eq!(coincidences.values, [1, 2, 3, 4, 5]);
        assert_eq!(coincidences.n, [9.0, 13.0, 10.0, 5.0, 3.0]);
        let expected_row = [7.0, 4.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 0.0];
        for (got, want) in coincidences.o[0].iter().zip(expected_row) {
            assert!((got - want).abs() < 1e-12, "{:?}", coincidences.o[0]);
        }
    }

    #[test]
    fn perfect_agreement_is_one() {
        let units = items(&[&[1, 1, 1], &[2, 2], &[4, 4, 4, 4], &[0, 0]]);
        assert_eq!(ordinal_alpha(&units), Some(1.0));
    }

    #[test]
    fn no_variation_is_undefined() {
        let units = items(&[&[3, 3, 3], &[3, 3], &[3, 3, 3, 3]]);
        assert_eq!(ordinal_alpha(&units), None);
    }

    #[test]
    fn too_few_pairable_values_is_undefined() {
        assert_eq!(ordinal_alpha(&[]), None);
        assert_eq!(ordinal_alpha(&items(&[&[2]])), None);
        assert_eq!(ordinal_alpha(&items(&[&[2], &[4], &[1]])), None);
        assert_eq!(ordinal_alpha(&items(&[&[2, 2]])), None);
    }

    #[test]
    fn a_single_unit_with_disagreement_is_zero() {
        // Within one unit the observed coincidences equal the expected ones exactly.
        let alpha = ordinal_alpha(&items(&[&[1, 2, 2, 4]])).unwrap();
        assert!(alpha.abs() < 1e-12, "{alpha}");
    }

    #[test]
    fn items_with_one_rating_are_ignored() {
        let pairable = items(&[&[1, 1], &[2, 3], &[3, 3], &[0, 1, 1]]);
        let mut with_singles = pairable.clone();
        with_singles.extend(items(&[&[4], &[], &[7]]));
        assert_eq!(pairable_values(&with_singles), 9);
        assert_eq!(pairable_values(&with_singles), pairable_values(&pairable));
        assert_eq!(ordinal_alpha(&with_singles), ordinal_alpha(&pairable));
    }

    #[test]
    fn the_doc_example_holds() {
        let alpha = ordinal_alpha(&items(&[&[1, 1], &[2, 2], &[2, 3]])).unwrap();
        assert!((alpha - 7.0 / 9.0).abs() < 1e-12, "{alpha}");
    }

    /// xorshift64 (Marsaglia 2003): enough randomness to vary the matrices, and no dependency.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        /// A number in `low..=high`.
        fn between(&mut self, low: u64, high: u64) -> u64 {
            low + self.next() % (high - low + 1)
        }
    }

    fn random_matrices(count: usize) -> Vec<Vec<Vec<Option<i64>>>> {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        (0..count)
            .map(|_| {
                let raters = rng.between(2, 6) as usize;
                let units = rng.between(3, 25) as usize;
                (0..raters)
                    .map(|_| {
                        (0..units)
                            .map(|_| {
                                let missing = rng.between(0, 99) < 20;
                                let level = rng.between(0, 4) as i64;
                                (!missing).then_some(level)
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn matches_the_krippendorff_package_on_random_matrices() {
        const HINT: &str = "this test compares with the PyPI `krippendorff` package: \
                            install it with `pip install krippendorff`";
        let mut matrices = random_matrices(120);
        // Undefined cases, which random matrices almost never produce: no variation, no
        // item with two ratings, nothing rated, and variation only in unpairable items.
        let undefined = [
            vec![vec![Some(2), Some(2)], vec![Some(2), Some(2)]],
            vec![vec![Some(1), None], vec![None, Some(3)]],
            vec![vec![None, None, None], vec![None, None, None]],
            vec![vec![Some(1), Some(0), None], vec![Some(1), None, Some(4)]],
        ];
        matrices.extend(undefined);
        let input = serde_json::to_vec(&matrices).unwrap();
        let mut child = Command::new("python3")
            .arg("tests/agreement_crosscheck.py")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run python3 ({e}); {HINT}"));
        // A script that fails early closes its stdin: its exit status and stderr say why
        // better than the broken pipe does, so they are checked first.
        let written = child.stdin.take().unwrap().write_all(&input);
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "tests/agreement_crosscheck.py failed ({}); {HINT}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        written.unwrap_or_else(|e| panic!("cannot write to python3 ({e}); {HINT}"));
        let theirs: Vec<Option<f64>> = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(theirs.len(), matrices.len());
        let (mut defined, mut undefined) = (0, 0);
        for (i, (matrix, theirs)) in matrices.iter().zip(theirs).enumerate() {
            let ours = ordinal_alpha(&items_of_matrix(matrix));
            match (ours, theirs) {
                (None, None) => undefined += 1,
                (Some(a), Some(b)) if (a - b).abs() < 1e-9 => defined += 1,
                _ => panic!("matrix {i}: ours {ours:?}, package {theirs:?}: {matrix:?}"),
            }
        }
        // Guards against inputs that exercise only one of the two outcomes.
        assert!(
            defined >= 100 && undefined >= 4,
            "{defined} matrices had a defined alpha and {undefined} an undefined one"
        );
    }
}
