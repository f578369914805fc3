//! Gathering: for each criterion of a rubric, what one programme offers as evidence.
//!
//! Text occurrences become located, quoted [`Finding`]s; formulas are evaluated over the
//! programme's facts, converted to the base currency where the rubric says so; assessments
//! are attached. `scoring` then decides levels from these, without looking at files.

use rust_decimal::Decimal;

use crate::bind::Bound;
use crate::diag::Diagnostic;
use crate::evidence::{self, Cues, Doc, Finding, Pattern};
use crate::program::Program;
use crate::rubric::{Method, Rubric};
use crate::scoring::{self, FactUse, Gathered, MetricValue, ProgramScore, Status};

/// The one way a programme becomes a row of a scorecard, for every command: gather its
/// evidence, score each criterion, aggregate. Returns the row (unranked) and, when the
/// rubric's `missing = "error"` policy refuses it, the diagnostic saying why (the row is then
/// only for explaining).
pub fn score(rubric: &Rubric, bound: &Bound) -> (ProgramScore, Option<Diagnostic>) {
    let mut row = gather_and_score(rubric, bound);
    let weights: Vec<Decimal> = rubric.criteria.iter().map(|c| c.weight).collect();
    let refused = scoring::aggregate(rubric, &weights, &mut row)
        .err()
        .map(|missing| missing_error(bound.program(), &missing));
    (row, refused)
}

/// Scores each criterion of one programme (before aggregation and ranking).
fn gather_and_score(rubric: &Rubric, bound: &Bound) -> ProgramScore {
    let program = bound.program();
    let text = program.text.as_ref().filter(|t| !t.text.trim().is_empty());
    let doc = text.map(|t| Doc::new(&t.text));
    // One pass over the text finds the negation cues and every evidence criterion's
    // indicators, in rubric order (`Rubric::compile_phrases`).
    let (cues, mut hits) = match doc.as_ref().map(|d| rubric.phrases().find(d)) {
        Some(found) => (
            Some(Cues::from_hits(&rubric.negation, found.cues)),
            Some(found.indicators.into_iter()),
        ),
        None => (None, None),
    };
    let mut criteria = Vec::with_capacity(rubric.criteria.len());
    for c in &rubric.criteria {
        let gathered = match &c.method {
            Method::Evidence { indicators, .. } => {
                let phrases: Vec<&[Pattern]> =
                    indicators.iter().map(|i| i.phrases.as_slice()).collect();
                Gathered::Evidence(match (&doc, &cues, text, hits.as_mut()) {
                    (Some(doc), Some(cues), Some(text), Some(hits)) => {
                        let found = hits.by_ref().take(indicators.len()).collect();
                        Some(
                            evidence::occurrences(doc, cues, &phrases, found)
                                .into_iter()
                                .map(|o| Finding::new(&text.text, o, |at| text.locate(at)))
                                .collect(),
                        )
                    }
                    _ => None,
                })
            }
            Method::Metric { formula, .. } => Gathered::Metric(metric(rubric, program, formula)),
            Method::Rating => Gathered::Rating,
        };
        let assessments = bound.assessments(&c.id).to_vec();
        criteria.push(scoring::score_criterion(
            c,
            &rubric.scale,
            gathered,
            assessments,
        ));
    }
    ProgramScore {
        program_id: program.id.clone(),
        program_name: program.name.clone(),
        country: program.country.clone(),
        region: program.region.clone(),
        period: program.period.clone(),
        path: program.path.display().to_string(),
        sources: program.sources.clone(),
        criteria,
        total: None,
        coverage: Decimal::ZERO,
        status: Status::Insufficient,
        band: None,
        rank: None,
    }
}

fn metric(rubric: &Rubric, program: &Program, formula: &crate::formula::Formula) -> MetricValue {
    let mut facts = Vec::new();
    let mut overflow = None;
    for name in formula.facts() {
        let Some(f) = program.facts.get(name) else {
            continue;
        };
        // Loading checked that every currency a formula meets has a rate.
        let converted = match (&rubric.currency, f.currency()) {
            (Some(table), Some(cur)) if cur != table.base => table.rate(cur).and_then(|rate| {
                let v = f.value.checked_mul(rate);
                if v.is_none() {
                    overflow = Some(format!(
                        "`{name}` converted to {} is too large for a decimal",
                        table.base
                    ));
                }
                v.map(|v| (v, table.base.clone(), rate))
            }),
            _ => None,
        };
        facts.push(FactUse {
            name: name.to_string(),
            value: f.value,
            unit: f.unit.clone(),
            converted,
        });
    }
    let value = formula
        .eval(|n| {
            facts
                .iter()
                .find(|f| f.name == n)
                .map(|f| f.converted.as_ref().map_or(f.value, |c| c.0))
        })
        .map_err(|e| e.to_string());
    let value = match overflow {
        Some(why) => Err(why),
        None => value,
    };
    MetricValue {
        formula: formula.source().to_string(),
        value,
        facts,
    }
}

/// The diagnostic for a program with missing criteria under `missing = "error"`.
pub fn missing_error(p: &Program, missing: &[(String, String)]) -> Diagnostic {
    Diagnostic::new(format!(
        "program `{}` has missing criteria, which the rubric's `missing = \"error\"` forbids: {}",
        p.id,
        missing
            .iter()
            .map(|(id, why)| format!("`{id}` ({why})"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .in_file(&p.path)
    .with_hint("add the evidence, facts or assessments, or mark a criterion not_applicable")
}
