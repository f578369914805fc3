//! The rubric file as written: strict-keyed serde structs, every value still unchecked.
//!
//! Unknown keys are rejected here (`deny_unknown_fields`); what the values must satisfy is
//! checked once, in `load.rs`, which turns these into the types of `model.rs`. Values keep
//! their spans so that a later check can point at them.
//!
//! The doc comment of each key is its documentation: `polscore schema rubric` turns them into
//! the descriptions an editor shows (`src/schema.rs`), so they say what the key does, its
//! default and an example, in the user's words. `#[schemars(with = ...)]` gives the schema of
//! a `Spanned<T>` as that of `T` (a span is invisible in the file), and `extend` adds what
//! the loader checks later but a schema can say: names to choose from, patterns, bounds.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::model::{Aggregation, Direction, Method, MissingPolicy};
use crate::decimal::Dec;
use crate::shapes::{CURRENCY_PATTERN, CurrencyCode, Id, NonBlank, Phrase};

/// A polscore rubric: what is judged, how, and on which scale. Check it with `polscore check
/// rubric.toml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "polscore rubric")]
pub struct RubricFile {
    /// The rubric's header: its id, version and title, how criterion scores combine into the
    /// total, and the scale of levels. Required.
    #[schemars(with = "Header")]
    pub rubric: Spanned<Header>,
    /// Exchange rates that convert money facts into one base currency before a formula uses
    /// them. Optional; without it a formula may not mix currencies. Example: `base = "USD"`,
    /// `rates = { KZT = "0.00285", EUR = "1.08" }`.
    #[schemars(with = "Option<Currency>")]
    pub currency: Option<Spanned<Currency>>,
    /// How negated phrases are recognised, so that "there was no individual mentoring" adds
    /// no points. Optional: each key set here replaces the built-in default.
    pub negation: Option<Negation>,
    /// Verbal ratings for the total, as `[[bands]]` tables: the highest band whose `min` the
    /// total reaches wins. Optional. Example: `label = "Strong"`, `min = 75`.
    #[serde(default)]
    #[schemars(with = "Vec<Band>")]
    pub bands: Vec<Spanned<Band>>,
    /// The criteria programmes are judged on, as `[[criteria]]` tables, each with an id, a
    /// weight and a method (`evidence`, `metric` or `rating`). At least one.
    #[serde(default)]
    #[schemars(with = "Vec<Criterion>", extend("minItems" = 1))]
    pub criteria: Vec<Spanned<Criterion>>,
}

/// The `[rubric]` table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// The rubric's id, printed in every scorecard: lower-case ASCII letters, digits, `_` and
    /// `-`. Required. Example: `"pcve"`.
    #[schemars(with = "Id")]
    pub id: Spanned<String>,
    /// The rubric's version, printed in every scorecard beside its digest. Optional (default
    /// empty). Example: `"1.0.0"`.
    pub version: Option<String>,
    /// A one-line title for reports. Optional (default empty). Example: `"Preventing and
    /// countering violent extremism: programme rubric"`.
    pub title: Option<String>,
    /// What the rubric measures and why, for reports such as `polscore rubric-doc`. Optional
    /// (default empty).
    pub description: Option<String>,
    /// How criterion scores combine into the total: `weighted_mean` (the default: Σ wᵢ·sᵢ /
    /// Σ wᵢ), `geometric` (Π sᵢ^(wᵢ/Σw), 0 if any score is 0: a weak criterion cannot be
    /// made up for) or `minimum` (the lowest score among criteria with weight above 0).
    #[schemars(
        with = "Option<String>",
        extend("enum" = Aggregation::NAMES, "default" = "weighted_mean")
    )]
    pub aggregation: Option<Spanned<String>>,
    /// What a criterion without evidence does to the total: `exclude` (the default: it drops
    /// out and the other weights are renormalised), `zero` (it scores 0) or `error` (the
    /// programme is refused).
    #[schemars(
        with = "Option<String>",
        extend("enum" = MissingPolicy::NAMES, "default" = "exclude")
    )]
    pub missing: Option<Spanned<String>>,
    /// The percentage of the applicable weight that must have evidence for a programme to get
    /// a total; below it the status is `insufficient`. A decimal from 0 to 100. Default 50.
    #[schemars(
        with = "Option<Dec>",
        extend("minimum" = 0, "maximum" = 100, "default" = 50)
    )]
    pub min_coverage: Option<Spanned<Dec>>,
    /// The levels every criterion is scored on, as `[rubric.scale]`. Default: 0 to 4 without
    /// labels.
    #[schemars(with = "Option<Scale>")]
    pub scale: Option<Spanned<Scale>>,
}

/// The `[rubric.scale]` table: whole-number levels from `min` to `max`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// The lowest level, a whole number. Default 0.
    #[schemars(with = "Option<Dec>", extend("multipleOf" = 1, "default" = 0))]
    pub min: Option<Spanned<Dec>>,
    /// The highest level, a whole number above `min` (at most 1000 steps above it). Default 4.
    #[schemars(with = "Option<Dec>", extend("multipleOf" = 1, "default" = 4))]
    pub max: Option<Spanned<Dec>>,
    /// A name for each level from `min` to `max`: exactly max − min + 1 entries. Optional.
    /// Example: `["Absent", "Weak", "Partial", "Good", "Exemplary"]`.
    #[schemars(with = "Option<Vec<String>>")]
    pub labels: Option<Spanned<Vec<String>>>,
}

/// The `[currency]` table: money facts are converted to `base` before formulas use them.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Currency {
    /// The currency formulas compute in: a three-letter ISO 4217 code in capitals. Required.
    /// Example: `"USD"`.
    #[schemars(with = "CurrencyCode")]
    pub base: Spanned<String>,
    /// What one unit of each other currency is worth in `base`: ISO 4217 codes as keys,
    /// positive decimals as values. Default: none. Example: `{ KZT = "0.00285", EUR = "1.08" }`
    /// (1 KZT = 0.00285 USD).
    #[serde(default)]
    #[schemars(
        with = "BTreeMap<String, Dec>",
        extend("propertyNames" = { "pattern": CURRENCY_PATTERN })
    )]
    pub rates: BTreeMap<Spanned<String>, Spanned<Dec>>,
}

/// The `[negation]` table. An occurrence of a phrase is negated when, in its sentence, a cue
/// ends shortly before it or a post-cue begins shortly after it, with no terminator between.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Negation {
    /// A cue negates a phrase that begins within this many words after the cue's last word
    /// ("**no** funding for any real *individual mentoring*": 5th word). A whole number, 0 or
    /// more. Default 5.
    #[schemars(
        with = "Option<Dec>",
        extend("minimum" = 0, "multipleOf" = 1, "default" = 5)
    )]
    pub window: Option<Spanned<Dec>>,
    /// A post-cue negates a phrase when it begins within this many words after the phrase
    /// ("*mentoring* for young men was **absent**"). A whole number, 0 or more. Default 5.
    #[schemars(
        with = "Option<Dec>",
        extend("minimum" = 0, "multipleOf" = 1, "default" = 5)
    )]
    pub post_window: Option<Spanned<Dec>>,
    /// Words and phrases that negate a phrase after them. Setting the key replaces the
    /// built-in list (no, not, never, without, none, lack of, absence of, failed to, and
    /// contractions such as doesn't). Example: `["no", "not", "never", "without"]`.
    #[schemars(with = "Option<Vec<Phrase>>")]
    pub cues: Option<Spanned<Vec<Spanned<String>>>>,
    /// Words and phrases that negate a phrase before them. Setting the key replaces the
    /// built-in list (absent, lacking, missing, was not, were not, is not, did not, was
    /// abandoned, ...). Example: `["absent", "lacking", "missing"]`.
    #[schemars(with = "Option<Vec<Phrase>>")]
    pub post_cues: Option<Spanned<Vec<Spanned<String>>>>,
    /// Phrases that contain a cue but do not negate. Setting the key replaces the built-in
    /// list (not only, not just, no doubt, not limited to, ...). Example: `["not only", "no
    /// doubt"]`.
    #[schemars(with = "Option<Vec<Phrase>>")]
    pub pseudo: Option<Spanned<Vec<Spanned<String>>>>,
    /// Words that end a cue's reach: "no budget, **but** individual mentoring" is not
    /// negated. Setting the key replaces the built-in list (but, however, although, though,
    /// yet, except, whereas, ...). Example: `["but", "however"]`.
    #[schemars(with = "Option<Vec<Phrase>>")]
    pub terminators: Option<Spanned<Vec<Spanned<String>>>>,
}

/// A `[[bands]]` table: a verbal rating for totals from `min` up.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The rating, shown in the scorecard's `band` column. Required, not blank. Example:
    /// `"Strong"`.
    #[schemars(with = "NonBlank")]
    pub label: Spanned<String>,
    /// The lowest total (0 to 100) that earns this band. Required. Example: `75`.
    #[schemars(with = "Dec")]
    pub min: Spanned<Dec>,
}

/// A `[[criteria]]` table: one thing programmes are judged on.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// The keys each method needs and forbids, as `load.rs` checks them. Without `method`, a
// criterion with `indicators` is an evidence criterion, else one with `formula` a metric
// criterion, else a rating criterion.
#[schemars(extend("allOf" = [
    {
        "if": { "anyOf": [
            { "required": ["method"], "properties": { "method": { "const": "evidence" } } },
            { "not": { "required": ["method"] }, "required": ["indicators"] }
        ] },
        "then": {
            "required": ["indicators"],
            "properties": { "formula": false, "direction": false, "thresholds": false }
        }
    },
    {
        "if": { "anyOf": [
            { "required": ["method"], "properties": { "method": { "const": "metric" } } },
            {
                "not": { "anyOf": [{ "required": ["method"] }, { "required": ["indicators"] }] },
                "required": ["formula"]
            }
        ] },
        "then": {
            "required": ["formula", "thresholds"],
            "properties": { "indicators": false, "base": false }
        }
    },
    {
        "if": { "anyOf": [
            { "required": ["method"], "properties": { "method": { "const": "rating" } } },
            { "not": { "anyOf": [
                { "required": ["method"] },
                { "required": ["indicators"] },
                { "required": ["formula"] }
            ] } }
        ] },
        "then": { "properties": {
            "indicators": false, "base": false, "formula": false, "direction": false,
            "thresholds": false
        } }
    }
]))]
pub struct Criterion {
    /// The criterion's id, unique in the rubric: lower-case ASCII letters, digits, `_` and
    /// `-`. It names the scorecard's columns (`<id>_level`, `<id>_score`), and assessments
    /// refer to it. Required. Example: `"individualized_intervention"`.
    #[schemars(with = "Id")]
    pub id: Spanned<String>,
    /// A readable name for reports. Default: the id. Example: `"Individualized
    /// intervention"`.
    pub name: Option<String>,
    /// The criterion's share of the total: a decimal, 0 or more, normalised by the sum of all
    /// weights (0.25 and 25 mean the same when the others scale alike). Not every weight may
    /// be 0. Default 1.
    #[schemars(with = "Option<Dec>", extend("minimum" = 0, "default" = 1))]
    pub weight: Option<Spanned<Dec>>,
    /// The question an analyst answers for this criterion, for reports. Optional. Example:
    /// `"Does the programme work one-on-one, tailored to each person's pathway?"`.
    pub question: Option<String>,
    /// An anchored description of each level from the scale's `min` to its `max`: exactly
    /// max − min + 1 entries. Optional.
    #[schemars(with = "Option<Vec<String>>")]
    pub descriptors: Option<Spanned<Vec<String>>>,
    /// Which passage of which text grounds this criterion, for reports. Optional.
    pub source: Option<String>,
    /// How the level is found: `evidence` (the points of indicators whose phrases occur in
    /// the programme's text), `metric` (a formula over the programme's facts, graded by
    /// thresholds) or `rating` (the median of analysts' assessments). Default: `evidence` when
    /// the criterion has `indicators`, `metric` when it has a `formula`, else `rating`.
    #[schemars(with = "Option<String>", extend("enum" = Method::NAMES))]
    pub method: Option<Spanned<String>>,
    /// Evidence criteria only: the level before indicators add or take away points, a whole
    /// number on the scale. Default: the scale's `min`.
    #[schemars(with = "Option<Dec>", extend("multipleOf" = 1))]
    pub base: Option<Spanned<Dec>>,
    /// Evidence criteria only: the indicators whose phrases are looked for in the text, as
    /// `[[criteria.indicators]]` tables. At least one. The level is `base` plus the points of
    /// the indicators found, kept on the scale.
    #[schemars(with = "Option<Vec<Indicator>>", extend("minItems" = 1))]
    pub indicators: Option<Spanned<Vec<Spanned<Indicator>>>>,
    /// Metric criteria only: the value graded, from the programme's facts: `+ - * / ( )`,
    /// decimal literals and fact names (`[a-z_][a-z0-9_]*`). Required for a metric criterion.
    /// Example: `"misused / budget"`.
    #[schemars(with = "Option<String>")]
    pub formula: Option<Spanned<String>>,
    /// Metric criteria only: `higher_is_better` (the default) or `lower_is_better`.
    #[schemars(
        with = "Option<String>",
        extend("enum" = Direction::NAMES, "default" = "higher_is_better")
    )]
    pub direction: Option<Spanned<String>>,
    /// Metric criteria only: exactly max − min strictly ascending decimals at which the level
    /// steps. With `higher_is_better` a value below the first is the scale's min and a value
    /// at or above the last its max; `lower_is_better` turns that round. Required for a metric
    /// criterion. Example: `[0.01, 0.02, 0.05, 0.10]`.
    #[schemars(with = "Option<Vec<Dec>>")]
    pub thresholds: Option<Spanned<Vec<Spanned<Dec>>>>,
}

/// A `[[criteria.indicators]]` table: phrases that, found often enough, move the level.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// The indicator's id, unique in its criterion: lower-case ASCII letters, digits, `_` and
    /// `-`. Required. Example: `"one_on_one"`.
    #[schemars(with = "Id")]
    pub id: Spanned<String>,
    /// The phrases looked for in the text. Matching ignores case and needs whole words;
    /// hyphens, dashes and spaces are one separator (`one-on-one` = `one on one`); a trailing
    /// `*` lets the last word take any ending (`tailor*`). A negated occurrence ("no
    /// individual mentoring") does not count. At least one. Required. Example:
    /// `["one-on-one", "individual mentoring", "tailor*"]`.
    #[schemars(with = "Vec<Phrase>", extend("minItems" = 1))]
    pub phrases: Spanned<Vec<Spanned<String>>>,
    /// What the indicator adds to the level when found: a whole number, negative for a red
    /// flag. Default 1. Example: `2`, or `-1` for a red flag.
    #[schemars(with = "Option<Dec>", extend("multipleOf" = 1, "default" = 1))]
    pub points: Option<Spanned<Dec>>,
    /// How many non-negated occurrences are needed before the indicator counts: a whole
    /// number, at least 1. Default 1.
    #[schemars(
        with = "Option<Dec>",
        extend("minimum" = 1, "multipleOf" = 1, "default" = 1)
    )]
    pub min_matches: Option<Spanned<Dec>>,
}
