//! Properties of scoring, checked on generated rubrics and programmes (proptest): what must
//! hold for every input, not only for the fixtures.
//!
//! Rubrics mix evidence, metric and rating criteria with random weights; programmes are random
//! texts over the rubric's phrases, negation cues and filler words, with random facts and
//! ratings. Each indicator has its own words, so that adding one indicator's phrase cannot
//! make another indicator count.

use polscore::bind::Bound;
use polscore::diag::{Limits, SourceFile};
use polscore::rubric::Rubric;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// One generated criterion.
#[derive(Debug, Clone)]
enum Method {
    /// (points, min_matches) per indicator.
    Evidence {
        base: i64,
        indicators: Vec<(i64, u8)>,
    },
    Metric {
        lower_is_better: bool,
    },
    Rating,
}

#[derive(Debug, Clone)]
struct Spec {
    aggregation: &'static str,
    missing: &'static str,
    min_coverage: u8,
    criteria: Vec<(u16, Method)>,
}

/// The words of indicator `j` of criterion `i`: unique to it.
fn word(i: usize, j: usize) -> String {
    format!("w{i}x{j}")
}

fn rubric_toml(spec: &Spec, weight_factor: u16) -> String {
    let mut t = format!(
        "[rubric]\nid = \"p\"\naggregation = \"{}\"\nmissing = \"{}\"\nmin_coverage = {}\n",
        spec.aggregation, spec.missing, spec.min_coverage
    );
    for (i, (weight, method)) in spec.criteria.iter().enumerate() {
        let w = u32::from(*weight) * u32::from(weight_factor);
        t += &format!(
            "\n[[criteria]]\nid = \"c{i}\"\nweight = \"{}\"\n",
            Decimal::new(i64::from(w), 1)
        );
        match method {
            Method::Evidence { base, indicators } => {
                t += &format!("method = \"evidence\"\nbase = {base}\n");
                for (j, (points, min)) in indicators.iter().enumerate() {
                    t += &format!(
                        "[[criteria.indicators]]\nid = \"i{j}\"\nphrases = [\"{} plan\", \"{}*\"]\npoints = {points}\nmin_matches = {min}\n",
                        word(i, j),
                        word(i, j)
                    );
                }
            }
            Method::Metric { lower_is_better } => {
                let dir = if *lower_is_better {
                    "lower_is_better"
                } else {
                    "higher_is_better"
                };
                t += &format!(
                    "method = \"metric\"\nformula = \"f{i} / g{i}\"\ndirection = \"{dir}\"\nthresholds = [0.1, 0.25, 0.5, 0.75]\n"
                );
            }
            Method::Rating => t += "method = \"rating\"\n",
        }
    }
    t
}

fn rubric(spec: &Spec, weight_factor: u16) -> Rubric {
    let toml = rubric_toml(spec, weight_factor);
    polscore::rubric::parse(&SourceFile::new("p.toml", toml.clone()))
        .unwrap_or_else(|e| panic!("generated rubric is valid:\n{toml}\n{e}"))
}

/// One generated programme: its text, facts (numerator, denominator) and ratings by criterion.
#[derive(Debug, Clone)]
struct Prog {
    words: Vec<(usize, usize, u8)>,
    facts: Vec<Option<(u16, u16)>>,
    ratings: Vec<Option<u8>>,
}

const FILLER: [&str; 8] = ["the", "no", "not", "but", "absent", "team", "plan", "."];

fn text_of(p: &Prog, spec: &Spec) -> String {
    let mut t = String::new();
    for &(i, j, filler) in &p.words {
        let i = i % spec.criteria.len();
        let n = match &spec.criteria[i].1 {
            Method::Evidence { indicators, .. } => indicators.len(),
            _ => 0,
        };
        if filler % 3 == 0 && n > 0 {
            t += &word(i, j % n);
            t += if filler % 2 == 0 { "ing " } else { " plan " };
        } else {
            t += FILLER[usize::from(filler) % FILLER.len()];
            t += " ";
        }
    }
    t
}

fn program_toml(id: &str, p: &Prog, spec: &Spec, extra_text: &str, bump: Option<usize>) -> String {
    let text = format!("{}{extra_text}", text_of(p, spec));
    let mut t =
        format!("[program]\nid = \"{id}\"\nname = \"{id}\"\ntext = '''\n{text}'''\n\n[facts]\n");
    for (i, f) in p.facts.iter().enumerate() {
        if let Some((a, b)) = f {
            t += &format!("f{i} = {a}\ng{i} = {b}\n");
        }
    }
    for (i, (_, m)) in spec.criteria.iter().enumerate() {
        if let (Method::Rating, Some(Some(level))) = (m, p.ratings.get(i)) {
            let level = if bump == Some(i) {
                (level + 1).min(4)
            } else {
                *level
            };
            t += &format!("[assessments.c{i}]\nlevel = {level}\nrationale = \"generated\"\n");
        }
    }
    t
}

/// A description parsed and bound to `rubric`, as every command reads one.
fn bound(file: SourceFile, rubric: &Rubric) -> Bound {
    let (program, problems) = polscore::program::parse(file, &Limits::default());
    assert!(!problems.has_errors(), "{problems}");
    polscore::bind::bind(rubric, program.expect("a program"))
        .0
        .expect("bound")
}

fn programs(spec: &Spec, rubric: &Rubric, progs: &[Prog]) -> Vec<Bound> {
    progs
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let toml = program_toml(&format!("p{k}"), p, spec, "", None);
            bound(SourceFile::new(format!("p{k}.toml"), toml), rubric)
        })
        .collect()
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        (0i64..=4, prop::collection::vec((-3i64..=3, 1u8..=2), 1..4))
            .prop_map(|(base, indicators)| Method::Evidence { base, indicators }),
        any::<bool>().prop_map(|lower_is_better| Method::Metric { lower_is_better }),
        Just(Method::Rating),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop_oneof![Just("weighted_mean"), Just("geometric"), Just("minimum")],
        prop_oneof![Just("exclude"), Just("zero")],
        0u8..=100,
        prop::collection::vec((0u16..=40, method()), 1..6),
    )
        .prop_filter("some weight", |(_, _, _, c)| c.iter().any(|(w, _)| *w > 0))
        .prop_map(|(aggregation, missing, min_coverage, criteria)| Spec {
            aggregation,
            missing,
            min_coverage,
            criteria,
        })
}

fn prog() -> impl Strategy<Value = Prog> {
    (
        prop::collection::vec((0usize..6, 0usize..4, any::<u8>()), 0..60),
        prop::collection::vec(prop::option::of((0u16..100, 0u16..100)), 6),
        prop::collection::vec(prop::option::of(0u8..=4), 6),
    )
        .prop_map(|(words, facts, ratings)| Prog {
            words,
            facts,
            ratings,
        })
}

fn case() -> impl Strategy<Value = (Spec, Vec<Prog>)> {
    (spec(), prop::collection::vec(prog(), 1..6))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn totals_stay_between_0_and_100((spec, progs) in case()) {
        let r = rubric(&spec, 1);
        let (card, _) = polscore::score(&r, &programs(&spec, &r, &progs));
        for row in &card.rows {
            if let Some(t) = row.total {
                prop_assert!(t >= Decimal::ZERO && t <= Decimal::ONE_HUNDRED, "total {t}");
            }
            prop_assert!(row.coverage >= Decimal::ZERO && row.coverage <= Decimal::ONE_HUNDRED);
        }
    }

    #[test]
    fn contributions_sum_to_the_weighted_mean((mut spec, progs) in case()) {
        spec.aggregation = "weighted_mean";
        let r = rubric(&spec, 1);
        let (card, _) = polscore::score(&r, &programs(&spec, &r, &progs));
        for row in &card.rows {
            if let Some(t) = row.total {
                let sum: Decimal = row.criteria.iter().map(|c| c.contribution).sum();
                prop_assert!((sum - t).abs() < Decimal::new(1, 20), "sum {sum} total {t}");
            }
        }
    }

    #[test]
    fn scaling_every_weight_changes_no_total((spec, progs) in case(), factor in 2u16..50) {
        let a = rubric(&spec, 1);
        let b = rubric(&spec, factor);
        let (ca, _) = polscore::score(&a, &programs(&spec, &a, &progs));
        let (cb, _) = polscore::score(&b, &programs(&spec, &b, &progs));
        let summary = |c: &polscore::scoring::Scorecard| -> Vec<_> {
            c.rows.iter().map(|r| (r.program_id.clone(), r.displayed_total(), r.rank, r.status)).collect()
        };
        prop_assert_eq!(summary(&ca), summary(&cb));
    }

    #[test]
    fn input_order_changes_no_byte((spec, progs) in case()) {
        let r = rubric(&spec, 1);
        let forward = programs(&spec, &r, &progs);
        let mut backward = forward.clone();
        backward.reverse();
        let (a, _) = polscore::score(&r, &forward);
        let (b, _) = polscore::score(&r, &backward);
        let style = polscore::report::csv::CsvStyle::default();
        prop_assert_eq!(polscore::report::csv::wide(&r, &a, &style), polscore::report::csv::wide(&r, &b, &style));
        prop_assert_eq!(polscore::report::csv::long(&r, &a, &style), polscore::report::csv::long(&r, &b, &style));
        prop_assert_eq!(polscore::report::json::render(&r, &a), polscore::report::json::render(&r, &b));
    }

    #[test]
    fn an_affirmed_positive_phrase_never_lowers_its_level(
        (spec, progs) in case(), pick in any::<prop::sample::Index>()
    ) {
        let r = rubric(&spec, 1);
        // Every positive indicator, as (criterion, indicator).
        let positive: Vec<(usize, usize)> = spec.criteria.iter().enumerate().flat_map(|(i, (_, m))| {
            match m {
                Method::Evidence { indicators, .. } => indicators
                    .iter()
                    .enumerate()
                    .filter(|(_, (points, _))| *points > 0)
                    .map(|(j, _)| (i, j))
                    .collect(),
                _ => vec![],
            }
        }).collect();
        prop_assume!(!positive.is_empty());
        let (i, j) = positive[pick.index(positive.len())];
        let p = &progs[0];
        let before = program_toml("p", p, &spec, "", None);
        // A sentence of its own, after a blank line: no cue reaches it.
        let after = program_toml("p", p, &spec, &format!("\n\nThe team has a {} plan.\n", word(i, j)), None);
        let level = |toml: String| {
            let prog = bound(SourceFile::new("p.toml", toml), &r);
            let (row, _) = polscore::assess::score(&r, &prog);
            row.criteria[i].level
        };
        let (b, a) = (level(before), level(after));
        if let Some(b) = b {
            prop_assert!(a.is_some_and(|a| a >= b), "before {b:?} after {a:?}");
        }
    }

    #[test]
    fn raising_a_rating_never_lowers_the_total((spec, progs) in case(), pick in any::<prop::sample::Index>()) {
        let r = rubric(&spec, 1);
        let rated: Vec<usize> = spec.criteria.iter().enumerate()
            .filter(|(i, (_, m))| matches!(m, Method::Rating) && progs[0].ratings[*i].is_some())
            .map(|(i, _)| i)
            .collect();
        prop_assume!(!rated.is_empty());
        let i = rated[pick.index(rated.len())];
        let total = |bump: Option<usize>| {
            let toml = program_toml("p", &progs[0], &spec, "", bump);
            let prog = bound(SourceFile::new("p.toml", toml), &r);
            let (card, _) = polscore::score(&r, &[prog]);
            card.rows.first().and_then(|row| row.total)
        };
        let (before, after) = (total(None), total(Some(i)));
        if let (Some(b), Some(a)) = (before, after) {
            prop_assert!(a >= b, "before {b} after {a}");
        }
    }
}
