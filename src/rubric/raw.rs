//! The rubric file as written: strict-keyed serde structs, every value still unchecked.
//!
//! Unknown keys are rejected here (`deny_unknown_fields`); what the values must satisfy is
//! checked once, in `load.rs`, which turns these into the types of `model.rs`. Values keep
//! their spans so that a later check can point at them.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::decimal::Dec;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RubricFile {
    pub rubric: Spanned<Header>,
    pub currency: Option<Spanned<Currency>>,
    pub negation: Option<Negation>,
    #[serde(default)]
    pub bands: Vec<Spanned<Band>>,
    #[serde(default)]
    pub criteria: Vec<Spanned<Criterion>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub id: Spanned<String>,
    pub version: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub aggregation: Option<Spanned<String>>,
    pub missing: Option<Spanned<String>>,
    pub min_coverage: Option<Spanned<Dec>>,
    pub scale: Option<Spanned<Scale>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub min: Option<Spanned<Dec>>,
    pub max: Option<Spanned<Dec>>,
    pub labels: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Currency {
    pub base: Spanned<String>,
    #[serde(default)]
    pub rates: BTreeMap<Spanned<String>, Spanned<Dec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Negation {
    pub window: Option<Spanned<Dec>>,
    pub post_window: Option<Spanned<Dec>>,
    pub cues: Option<Spanned<Vec<Spanned<String>>>>,
    pub post_cues: Option<Spanned<Vec<Spanned<String>>>>,
    pub pseudo: Option<Spanned<Vec<Spanned<String>>>>,
    pub terminators: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub label: Spanned<String>,
    pub min: Spanned<Dec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: Spanned<String>,
    pub name: Option<String>,
    pub weight: Option<Spanned<Dec>>,
    pub question: Option<String>,
    pub descriptors: Option<Spanned<Vec<String>>>,
    pub source: Option<String>,
    pub method: Option<Spanned<String>>,
    pub base: Option<Spanned<Dec>>,
    pub indicators: Option<Spanned<Vec<Spanned<Indicator>>>>,
    pub formula: Option<Spanned<String>>,
    pub direction: Option<Spanned<String>>,
    pub thresholds: Option<Spanned<Vec<Spanned<Dec>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: Spanned<String>,
    pub phrases: Spanned<Vec<Spanned<String>>>,
    pub points: Option<Spanned<Dec>>,
    pub min_matches: Option<Spanned<Dec>>,
}
