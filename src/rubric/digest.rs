//! The rubric digest: a short fingerprint of what a rubric means.
//!
//! It hashes a canonical serialisation of the validated rubric (defaults filled in, decimals
//! normalised, formulas re-rendered), so comments, key order, white space, `0.5` versus
//! `"0.5"` versus `0.50`, and writing out a default leave it unchanged, while any change of
//! meaning changes it.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::model::*;
use crate::decimal::plain;
use crate::evidence::{Negation, Pattern};

fn phrases(list: &[Pattern]) -> Value {
    list.iter().map(|p| p.source.clone()).collect()
}

/// The canonical form the digest hashes. Every model type is destructured whole, so that a
/// field added to the model cannot escape the digest: the compiler asks where it goes.
pub fn canonical(r: &Definition) -> Value {
    let Definition {
        id,
        version,
        title,
        description,
        aggregation,
        missing,
        min_coverage,
        scale,
        currency,
        negation,
        bands,
        criteria,
    } = r;
    let criteria: Vec<Value> = criteria.iter().map(criterion).collect();
    let Scale { min, max, labels } = scale;
    let Negation {
        window,
        post_window,
        cues,
        post_cues,
        pseudo,
        terminators,
    } = negation;
    json!({
        "polscore_rubric": 1,
        "id": id,
        "version": version,
        "title": title,
        "description": description,
        "aggregation": aggregation.name(),
        "missing": missing.name(),
        "min_coverage": plain(*min_coverage),
        "scale": { "min": min, "max": max, "labels": labels },
        "currency": currency.as_ref().map(|Currency { base, rates }| json!({
            "base": base,
            "rates": rates.iter().map(|(k, v)| (k.clone(), Value::String(plain(*v)))).collect::<serde_json::Map<_, _>>(),
        })),
        "negation": {
            "window": window,
            "post_window": post_window,
            "cues": phrases(cues),
            "post_cues": phrases(post_cues),
            "pseudo": phrases(pseudo),
            "terminators": phrases(terminators),
        },
        "bands": bands.iter().map(|Band { label, min }| json!({ "label": label, "min": plain(*min) })).collect::<Vec<_>>(),
        "criteria": criteria,
    })
}

fn criterion(c: &Criterion) -> Value {
    let Criterion {
        id,
        name,
        weight,
        question,
        descriptors,
        source,
        method,
    } = c;
    let method = match method {
        Method::Evidence { base, indicators } => json!({
            "kind": "evidence",
            "base": base,
            "indicators": indicators.iter().map(|Indicator { id, phrases: list, points, min_matches }| json!({
                "id": id,
                "phrases": phrases(list),
                "points": points,
                "min_matches": min_matches,
            })).collect::<Vec<_>>(),
        }),
        Method::Metric {
            formula,
            direction,
            thresholds,
        } => json!({
            "kind": "metric",
            "formula": formula.canonical(),
            "direction": direction.name(),
            "thresholds": thresholds.iter().map(|t| plain(*t)).collect::<Vec<_>>(),
        }),
        Method::Rating => json!({ "kind": "rating" }),
    };
    json!({
        "id": id,
        "name": name,
        "weight": plain(*weight),
        "question": question,
        "descriptors": descriptors,
        "source": source,
        "method": method,
    })
}

/// `sha256:` and the first 16 hex digits of the SHA-256 of the canonical form.
pub fn digest(r: &Definition) -> String {
    let bytes = serde_json::to_vec(&canonical(r)).expect("a JSON value always serialises");
    let hash = Sha256::digest(&bytes);
    let hex: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}
