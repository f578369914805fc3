//! The rubric as the methodology appendix an organisation publishes beside its scores
//! (`polscore rubric-doc`): what is judged, how each level is reached, and how the levels
//! become a total. A Markdown document of its own, apart from the scorecard.

use std::fmt::Write;

use super::markdown::{code, rubric_name, table, text, title};
use super::narration::{aggregation_text, missing_text};
use super::trail::{direction_text, level_range, level_text, weight_percent};
use crate::decimal::{fixed, plain};
use crate::rubric::{Criterion, Method, Rubric};

/// The rubric as a methodology document: what is judged, how each level is reached, and how
/// the levels become a total.
pub fn render(rubric: &Rubric) -> String {
    let mut out = String::new();
    let o = &mut out;
    let _ = writeln!(o, "# {} — methodology\n", text(&title(rubric)));
    let _ = writeln!(
        o,
        "Rubric {}, digest {}.\n",
        rubric_name(rubric),
        code(rubric.digest(), false)
    );
    if !rubric.description.trim().is_empty() {
        for para in rubric
            .description
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
        {
            let _ = writeln!(o, "{}\n", text(para));
        }
    }
    overview(o, rubric);
    let _ = writeln!(o, "## Criteria\n");
    for (i, k) in rubric.criteria.iter().enumerate() {
        criterion_doc(o, rubric, i + 1, k);
    }
    negation_doc(o, rubric);
    let _ = writeln!(
        o,
        "---\n\nDigest {} identifies this rubric exactly: any change of meaning (a weight, a \
         phrase, a threshold, a descriptor, the version) changes it, and every scorecard made \
         with the rubric carries it.",
        code(rubric.digest(), false)
    );
    out
}

fn overview(o: &mut String, rubric: &Rubric) {
    let _ = writeln!(o, "## How programmes are scored\n");
    let rows: Vec<Vec<String>> = rubric
        .criteria
        .iter()
        .map(|k| {
            vec![
                format!("{} ({})", text(&k.name), code(&k.id, true)),
                k.method.name().to_string(),
                plain(k.weight),
                format!("{}%", fixed(weight_percent(rubric, k), 2)),
            ]
        })
        .collect();
    table(
        o,
        &["Criterion", "Method", "Weight", "Share of the total"],
        "llrr",
        &rows,
    );
    let s = &rubric.scale;
    let labels = if s.labels.is_empty() {
        String::new()
    } else {
        format!(
            " Levels are labelled {}.",
            (s.min..=s.max)
                .map(|l| text(&level_text(s, l)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let _ = writeln!(
        o,
        "- **Scale.** Each criterion gets a whole-number level from {} to {}; its score is \
         (level − {}) / ({} − {}) × 100.{labels}",
        s.min, s.max, s.min, s.max, s.min
    );
    let _ = writeln!(
        o,
        "- **Weights.** Each weight counts as its share of the sum of the weights (the table \
         above). Weights are renormalised over the criteria that take part in a programme's total."
    );
    let _ = writeln!(
        o,
        "- **Aggregation: {}.** The total is {}.",
        code(rubric.aggregation.name(), false),
        aggregation_text(rubric.aggregation)
    );
    let _ = writeln!(
        o,
        "- **Missing criteria: {}.** A criterion is missing when its method finds nothing to \
         go on (no phrase of it in the text, a fact its formula needs, or an analyst's \
         rating); {}.",
        code(rubric.missing.name(), false),
        missing_text(rubric.missing)
    );
    let _ = writeln!(
        o,
        "- **Minimum coverage: {}%.** Coverage is the percent of the applicable weight (the \
         criteria that apply to the programme) whose criteria are not missing. Status is `ok` \
         at 100%, `partial` at {}% or more, and `insufficient` below: an insufficient programme \
         gets no total, band or rank.",
        plain(rubric.min_coverage),
        plain(rubric.min_coverage)
    );
    let _ = writeln!(
        o,
        "- **Not applicable and overrides.** An analyst may mark a criterion not applicable to \
         a programme, with a rationale: it then leaves the weights and does not lower coverage. \
         An analyst's assessment with `override = true` replaces an evidence or metric level; \
         the computed level is still reported beside it."
    );
    let _ = writeln!(
        o,
        "- **Ranking.** Totals are rounded to 2 decimals, half away from zero, and ranked \
         highest first with standard competition ranking (1, 2, 2, 4).\n"
    );
    if !rubric.bands.is_empty() {
        let _ = writeln!(
            o,
            "### Bands\n\nA total gets the label of the highest band whose minimum it reaches.\n"
        );
        let rows: Vec<Vec<String>> = rubric
            .bands
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let range = match i.checked_sub(1).map(|j| &rubric.bands[j]) {
                    None => format!("{} and above", plain(b.min)),
                    Some(upper) => format!("{} to below {}", plain(b.min), plain(upper.min)),
                };
                vec![text(&b.label), range]
            })
            .collect();
        table(o, &["Band", "Total"], "ll", &rows);
    }
    if let Some(cur) = &rubric.currency {
        let _ = writeln!(
            o,
            "### Currency\n\nMoney facts (a unit of three capital letters) are converted to {} \
             before a formula uses them.\n",
            text(&cur.base)
        );
        let rows: Vec<Vec<String>> = cur
            .rates
            .iter()
            .map(|(code_, rate)| vec![text(code_), format!("{} {}", plain(*rate), text(&cur.base))])
            .collect();
        table(o, &["1 unit of", "is worth"], "lr", &rows);
    }
}

fn criterion_doc(o: &mut String, rubric: &Rubric, n: usize, k: &Criterion) {
    let _ = writeln!(o, "### {n}. {}\n", text(&k.name));
    let _ = writeln!(
        o,
        "{} · method {} · weight {} ({}% of the total)\n",
        code(&k.id, false),
        k.method.name(),
        plain(k.weight),
        fixed(weight_percent(rubric, k), 2)
    );
    if !k.question.trim().is_empty() {
        let _ = writeln!(o, "**Question.** {}\n", text(&k.question));
    }
    let s = &rubric.scale;
    let descriptor = |l: i64| {
        usize::try_from(l - s.min)
            .ok()
            .and_then(|i| k.descriptors.get(i))
            .map(|d| text(d))
            .unwrap_or_default()
    };
    let label = |l: i64| s.label(l).map(text).unwrap_or_default();
    let _ = writeln!(o, "**Levels.**\n");
    match &k.method {
        Method::Metric {
            thresholds,
            direction,
            ..
        } => {
            let rows: Vec<Vec<String>> = (s.min..=s.max)
                .map(|l| {
                    vec![
                        l.to_string(),
                        label(l),
                        text(&level_range(thresholds, *direction, s, l)),
                        descriptor(l),
                    ]
                })
                .collect();
            table(o, &["Level", "Label", "Value", "Descriptor"], "rlll", &rows);
        }
        _ => {
            let rows: Vec<Vec<String>> = (s.min..=s.max)
                .map(|l| vec![l.to_string(), label(l), descriptor(l)])
                .collect();
            table(o, &["Level", "Label", "Descriptor"], "rll", &rows);
        }
    }
    match &k.method {
        Method::Evidence { base, indicators } => {
            let _ = writeln!(
                o,
                "**Method: evidence in the programme's text.** The level starts at {base} and \
                 each indicator that counts adds its points; the sum is kept within {}..{}. An \
                 indicator counts when its phrases occur at least `min_matches` times without \
                 being negated. Phrases match whole words, ignoring case; hyphens, dashes and \
                 spaces are one separator; a trailing `*` lets the last word take any ending. \
                 When no phrase of the criterion occurs at all, negated or not, the criterion is \
                 missing.\n",
                s.min, s.max
            );
            let rows: Vec<Vec<String>> = indicators
                .iter()
                .map(|ind| {
                    vec![
                        code(&ind.id, true),
                        ind.phrases
                            .iter()
                            .map(|p| code(&p.source, true))
                            .collect::<Vec<_>>()
                            .join(", "),
                        format!("{:+}", ind.points),
                        ind.min_matches.to_string(),
                    ]
                })
                .collect();
            table(
                o,
                &["Indicator", "Phrases", "Points", "Minimum matches"],
                "llrr",
                &rows,
            );
        }
        Method::Metric {
            formula, direction, ..
        } => {
            let _ = writeln!(
                o,
                "**Method: a metric.** The formula {} is evaluated exactly over the programme's \
                 facts; {}, and the thresholds give the levels in the table above. A fact the \
                 formula needs but the programme lacks, or a division by zero, makes the \
                 criterion missing.\n",
                code(formula.source(), false),
                direction_text(*direction)
            );
        }
        Method::Rating => {
            let _ = writeln!(
                o,
                "**Method: analysts' rating.** The level comes from analysts' assessments, each \
                 with a rationale, written in the programme's description or in a ratings CSV. \
                 Several assessments combine by their median (for an even count, the lower of \
                 the two middle levels). Without an assessment the criterion is missing.\n"
            );
        }
    }
    if !k.source.trim().is_empty() {
        let _ = writeln!(o, "**Source.** {}\n", text(&k.source));
    }
}

fn negation_doc(o: &mut String, rubric: &Rubric) {
    let n = &rubric.negation;
    let _ = writeln!(o, "## Negation\n");
    let _ = writeln!(
        o,
        "An occurrence of a phrase adds no points when it is negated in its sentence: a cue \
         ends before it and the phrase begins within {} words after the cue, or a post-cue \
         begins within {} words after the phrase, with no terminator between them. A cue inside \
         a pseudo-negation (\"not only\") does not negate, and a phrase never negates itself. A \
         negated occurrence still shows that the text speaks to the criterion, so the criterion \
         is not missing.\n",
        n.window, n.post_window
    );
    let list = |ps: &[crate::evidence::Pattern]| {
        if ps.is_empty() {
            "(none)".to_string()
        } else {
            ps.iter()
                .map(|p| code(&p.source, true))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let rows = vec![
        vec![code("window", true), n.window.to_string()],
        vec![code("post_window", true), n.post_window.to_string()],
        vec![code("cues", true), list(&n.cues)],
        vec![code("post_cues", true), list(&n.post_cues)],
        vec![code("pseudo", true), list(&n.pseudo)],
        vec![code("terminators", true), list(&n.terminators)],
    ];
    table(o, &["Setting", "Value"], "ll", &rows);
}
