//! The JSON scorecard: everything the CSVs hold, plus every occurrence with its location,
//! sentence and negation cue, every fact a formula used and every assessment.
//!
//! Decimals are JSON numbers written exactly as the CSV writes them (`62.50`), never passed
//! through binary floating point.

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::csv::{evidence_cell, note_cell};
use crate::decimal::{fixed, plain};
use crate::evidence::Finding;
use crate::rubric::{Method, Rubric};
use crate::scoring::{CriterionScore, Gathered, ProgramScore, Scorecard};

fn num(text: String) -> Value {
    serde_json::from_str::<serde_json::Number>(&text).map_or(Value::String(text), Value::Number)
}

fn dec(d: Decimal, dp: u32) -> Value {
    num(fixed(d, dp))
}

fn opt_dec(d: Option<Decimal>, dp: u32) -> Value {
    d.map_or(Value::Null, |d| dec(d, dp))
}

fn exact(d: Decimal) -> Value {
    num(plain(d))
}

/// The JSON scorecard, pretty-printed, with a final line break.
pub fn render(rubric: &Rubric, card: &Scorecard) -> Vec<u8> {
    let doc = json!({
        "rubric": rubric_json(rubric),
        "programs": card.rows.iter().map(|r| program_json(rubric, r)).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_vec_pretty(&doc).expect("a JSON value always serialises");
    out.push(b'\n');
    out
}

fn rubric_json(r: &Rubric) -> Value {
    json!({
        "id": r.id,
        "version": r.version,
        "title": r.title,
        "digest": r.digest(),
        "aggregation": r.aggregation.name(),
        "missing": r.missing.name(),
        "min_coverage": exact(r.min_coverage),
        "scale": { "min": r.scale.min, "max": r.scale.max, "labels": r.scale.labels },
        "criteria": r.criteria.iter().map(|c| json!({
            "id": c.id,
            "name": c.name,
            "method": c.method.name(),
            "weight": exact(c.weight),
        })).collect::<Vec<_>>(),
    })
}

fn program_json(rubric: &Rubric, row: &ProgramScore) -> Value {
    let mut criteria = Vec::new();
    for (c, k) in row.criteria.iter().zip(&rubric.criteria) {
        criteria.push(criterion_json(rubric, k, c));
    }
    json!({
        "rank": row.rank,
        "program_id": row.program_id,
        "program_name": row.program_name,
        "country": row.country,
        "region": row.region,
        "period": row.period,
        "file": row.path,
        "total": opt_dec(row.total, 2),
        "band": row.band,
        "coverage": dec(row.coverage, 2),
        "status": row.status.name(),
        "criteria": criteria,
    })
}

fn finding_json(indicators: &[crate::rubric::Indicator], f: &Finding) -> Value {
    json!({
        "indicator": indicators[f.indicator].id,
        "phrase": f.phrase,
        "matched": f.matched,
        "line": f.place.line,
        "column": f.place.column,
        "sentence": f.sentence,
        "negated": f.negation.is_some(),
        "cue": f.negation.as_ref().map(|c| json!({
            "text": c.text,
            "line": c.place.line,
            "column": c.place.column,
            "position": if c.after { "after" } else { "before" },
        })),
    })
}

fn criterion_json(rubric: &Rubric, k: &crate::rubric::Criterion, c: &CriterionScore) -> Value {
    let mut m = Map::new();
    m.insert("criterion_id".into(), json!(k.id));
    m.insert("method".into(), json!(k.method.name()));
    m.insert("source".into(), json!(c.source.name()));
    m.insert("level".into(), json!(c.level));
    m.insert(
        "label".into(),
        json!(c.level.and_then(|l| rubric.scale.label(l))),
    );
    m.insert("computed_level".into(), json!(c.computed));
    m.insert("score".into(), opt_dec(c.score, 2));
    m.insert("weight".into(), dec(c.weight, 4));
    m.insert("contribution".into(), dec(c.contribution, 2));
    m.insert("evidence".into(), json!(evidence_cell(k, c)));
    m.insert("note".into(), json!(note_cell(k, c)));
    m.insert(
        "reason".into(),
        json!(c.reason.as_ref().map(ToString::to_string)),
    );
    match (&k.method, &c.gathered) {
        (Method::Evidence { indicators, .. }, Gathered::Evidence(findings)) => {
            m.insert(
                "indicators".into(),
                c.tallies
                    .iter()
                    .map(|t| {
                        json!({
                            "id": indicators[t.indicator].id,
                            "points": indicators[t.indicator].points,
                            "min_matches": indicators[t.indicator].min_matches,
                            "affirmed": t.affirmed,
                            "negated": t.negated,
                            "counts": t.counts,
                        })
                    })
                    .collect(),
            );
            m.insert(
                "occurrences".into(),
                findings
                    .iter()
                    .flatten()
                    .map(|f| finding_json(indicators, f))
                    .collect(),
            );
        }
        (Method::Metric { .. }, Gathered::Metric(mv)) => {
            m.insert(
                "metric".into(),
                json!({
                    "formula": mv.formula,
                    "value": mv.value.as_ref().ok().map(|v| exact(*v)),
                    "error": mv.value.as_ref().err(),
                    "facts": mv.facts.iter().map(|f| json!({
                        "name": f.name,
                        "value": exact(f.value),
                        "unit": f.unit,
                        "converted": f.converted.as_ref().map(|(v, base, rate)| json!({
                            "value": exact(*v),
                            "currency": base,
                            "rate": exact(*rate),
                        })),
                    })).collect::<Vec<_>>(),
                }),
            );
        }
        _ => {}
    }
    m.insert(
        "assessments".into(),
        c.assessments
            .iter()
            .map(|a| {
                json!({
                    "assessor": a.assessor,
                    "level": a.level,
                    "rationale": a.rationale,
                    "evidence": a.evidence,
                    "override": a.override_level,
                    "not_applicable": a.not_applicable,
                    "origin": a.origin,
                })
            })
            .collect(),
    );
    Value::Object(m)
}
