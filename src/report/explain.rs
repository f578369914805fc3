//! `polscore explain`: why each criterion of one programme has its level, for a terminal.

use std::fmt::Write;

use super::{collapse, opt_fixed};
use crate::decimal::{fixed, plain};
use crate::rubric::{Criterion, Method, Rubric};
use crate::scoring::{CriterionScore, Gathered, ProgramScore, Source};

/// The explanation of one scored programme.
pub fn render(rubric: &Rubric, row: &ProgramScore) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "{} — {}", row.program_id, row.program_name);
    let _ = writeln!(w, "  file:     {}", row.path);
    let _ = writeln!(
        w,
        "  rubric:   {} {} ({})",
        rubric.id,
        if rubric.version.is_empty() {
            ""
        } else {
            &rubric.version
        },
        rubric.digest
    );
    let total = match row.total {
        Some(_) => opt_fixed(row.total, 2),
        None => "— (not enough evidence)".to_string(),
    };
    let band = row
        .band
        .as_deref()
        .map(|b| format!(" ({b})"))
        .unwrap_or_default();
    let _ = writeln!(
        w,
        "  total:    {total}{band}, {} aggregation",
        rubric.aggregation.name()
    );
    let _ = writeln!(
        w,
        "  coverage: {}% of the applicable weight has evidence (minimum {}%), status {}",
        fixed(row.coverage, 2),
        plain(rubric.min_coverage),
        row.status.name()
    );
    for (c, k) in row.criteria.iter().zip(&rubric.criteria) {
        let _ = writeln!(w);
        criterion(w, rubric, k, c);
    }
    out
}

fn level_text(rubric: &Rubric, level: i64) -> String {
    match rubric.scale.label(level) {
        Some(label) => format!("{level} ({label})"),
        None => level.to_string(),
    }
}

fn criterion(w: &mut String, rubric: &Rubric, k: &Criterion, c: &CriterionScore) {
    let _ = writeln!(w, "{} — {} [{}]", k.id, k.name, k.method.name());
    let headline = match (c.source, c.level) {
        (Source::Missing, _) => {
            format!("missing: {}", c.reason.as_deref().unwrap_or("no evidence"))
        }
        (Source::NotApplicable, _) => format!(
            "not applicable: {}",
            c.reason.as_deref().map(collapse).unwrap_or_default()
        ),
        (source, Some(l)) => format!(
            "level {} from {}, score {}, weight {}, contribution {}",
            level_text(rubric, l),
            source.name(),
            opt_fixed(c.score, 2),
            fixed(c.weight, 4),
            fixed(c.contribution, 2)
        ),
        (source, None) => source.name().to_string(),
    };
    let _ = writeln!(w, "  {headline}");
    if c.source == Source::Missing && c.score.is_some() {
        let _ = writeln!(w, "  scored 0.00 under missing = \"zero\"");
    }
    match (&k.method, &c.gathered) {
        (Method::Evidence { base, indicators }, Gathered::Evidence(Some(findings))) => {
            let mut sum = Vec::new();
            for t in &c.tallies {
                let ind = &indicators[t.indicator];
                let verdict = if t.counts {
                    sum.push(format!("{:+}", ind.points));
                    format!("counts, {:+} points", ind.points)
                } else {
                    format!(
                        "does not count: {} affirmed of {} needed",
                        t.affirmed, ind.min_matches
                    )
                };
                let _ = writeln!(w, "  {} — {verdict}", ind.id);
                for f in findings.iter().filter(|f| f.indicator == t.indicator) {
                    match &f.negation {
                        None => {
                            let _ = writeln!(
                                w,
                                "    + \"{}\" at {}:{} (phrase `{}`)",
                                collapse(&f.matched),
                                f.place.line,
                                f.place.column,
                                f.phrase
                            );
                        }
                        Some(cue) => {
                            let _ = writeln!(
                                w,
                                "    - \"{}\" at {}:{} negated by \"{}\" at {}:{} ({} the phrase)",
                                collapse(&f.matched),
                                f.place.line,
                                f.place.column,
                                collapse(&cue.text),
                                cue.place.line,
                                cue.place.column,
                                if cue.after { "after" } else { "before" }
                            );
                        }
                    }
                    let _ = writeln!(w, "      “{}”", collapse(&f.sentence));
                }
            }
            if let Some(l) = c.computed {
                let sum = if sum.is_empty() {
                    " + 0".to_string()
                } else {
                    format!(" {}", sum.join(" "))
                };
                let _ = writeln!(
                    w,
                    "  computed: base {base}{sum}, clamped to {}..{} = {}",
                    rubric.scale.min, rubric.scale.max, l
                );
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
            let _ = writeln!(w, "  formula: {}", m.formula);
            for f in &m.facts {
                let unit = f
                    .unit
                    .as_deref()
                    .map(|u| format!(" {u}"))
                    .unwrap_or_default();
                match &f.converted {
                    Some((v, base, rate)) => {
                        let _ = writeln!(
                            w,
                            "    {} = {}{unit} × {} = {} {base}",
                            f.name,
                            plain(f.value),
                            plain(*rate),
                            plain(*v)
                        );
                    }
                    None => {
                        let _ = writeln!(w, "    {} = {}{unit}", f.name, plain(f.value));
                    }
                }
            }
            match &m.value {
                Ok(v) => {
                    let _ = writeln!(
                        w,
                        "  value: {} ({}, thresholds {})",
                        plain(*v),
                        direction.name(),
                        thresholds
                            .iter()
                            .map(|t| plain(*t))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
                Err(e) => {
                    let _ = writeln!(w, "  no value: {e}");
                }
            }
            if c.source == Source::Override {
                match c.computed {
                    Some(l) => {
                        let _ = writeln!(w, "  computed level {l}, overridden");
                    }
                    None => {
                        let _ = writeln!(w, "  computed level missing, overridden");
                    }
                }
            }
        }
        _ => {}
    }
    for a in &c.assessments {
        let role = if a.not_applicable {
            "not applicable"
        } else if matches!(k.method, Method::Rating) {
            "rating"
        } else if a.override_level {
            "override"
        } else {
            "advisory, not used"
        };
        let who = if a.assessor.is_empty() {
            "unnamed assessor"
        } else {
            &a.assessor
        };
        let level = a
            .level
            .map(|l| format!(" level {}", level_text(rubric, l)))
            .unwrap_or_default();
        let _ = writeln!(w, "  assessment ({role}) by {who}{level} [{}]", a.origin);
        let _ = writeln!(w, "    {}", collapse(&a.rationale));
        for e in &a.evidence {
            let _ = writeln!(w, "    evidence: {}", collapse(e));
        }
    }
}
