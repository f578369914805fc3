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
use crate::evidence::Pattern;

fn phrases(list: &[Pattern]) -> Value {
    list.iter().map(|p| p.source.clone()).collect()
}

/// The canonical form the digest hashes.
pub fn canonical(r: &Rubric) -> Value {
    let criteria: Vec<Value> = r
        .criteria
        .iter()
        .map(|c| {
            let method = match &c.method {
                Method::Evidence { base, indicators } => json!({
                    "kind": "evidence",
                    "base": base,
                    "indicators": indicators.iter().map(|i| json!({
                        "id": i.id,
                        "phrases": phrases(&i.phrases),
                        "points": i.points,
                        "min_matches": i.min_matches,
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
                "id": c.id,
                "name": c.name,
                "weight": plain(c.weight),
                "question": c.question,
                "descriptors": c.descriptors,
                "source": c.source,
                "method": method,
            })
        })
        .collect();
    let n = &r.negation;
    json!({
        "polscore_rubric": 1,
        "id": r.id,
        "version": r.version,
        "title": r.title,
        "description": r.description,
        "aggregation": r.aggregation.name(),
        "missing": r.missing.name(),
        "min_coverage": plain(r.min_coverage),
        "scale": { "min": r.scale.min, "max": r.scale.max, "labels": r.scale.labels },
        "currency": r.currency.as_ref().map(|c| json!({
            "base": c.base,
            "rates": c.rates.iter().map(|(k, v)| (k.clone(), Value::String(plain(*v)))).collect::<serde_json::Map<_, _>>(),
        })),
        "negation": {
            "window": n.window,
            "post_window": n.post_window,
            "cues": phrases(&n.cues),
            "post_cues": phrases(&n.post_cues),
            "pseudo": phrases(&n.pseudo),
            "terminators": phrases(&n.terminators),
        },
        "bands": r.bands.iter().map(|b| json!({ "label": b.label, "min": plain(b.min) })).collect::<Vec<_>>(),
        "criteria": criteria,
    })
}

/// `sha256:` and the first 16 hex digits of the SHA-256 of the canonical form.
pub fn digest(r: &Rubric) -> String {
    let bytes = serde_json::to_vec(&canonical(r)).expect("a JSON value always serialises");
    let hash = Sha256::digest(&bytes);
    let hex: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}
