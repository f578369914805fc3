//! Program description files as written: strict serde structs (unknown keys are errors)
//! whose doc comments are the documentation `polscore schema program` gives editors.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

use crate::decimal::Dec;

// The doc comment of each key is its documentation: `polscore schema program` turns them into
// the descriptions an editor shows (`src/schema.rs`). `#[schemars(with = ...)]` gives the
// schema of a `Spanned<T>` as that of `T`.

/// A polscore program description: a programme's text, facts and analysts' assessments.
/// Check it with `polscore check`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ProgramFile", title = "polscore program description")]
pub(crate) struct RawFile {
    /// Who and what is scored: the programme's id and name, where and when, the narrative
    /// that evidence criteria search, and its sources. Required.
    #[schemars(with = "RawProgram")]
    pub(super) program: Spanned<RawProgram>,
    /// Numeric facts that metric formulas use, by name (`[a-z_][a-z0-9_]*`, as formulas write
    /// them): a plain number (`participants = 1200`) or a table (`budget = { value =
    /// "100000000000", unit = "KZT", source = "..." }`). Default: none.
    #[serde(default)]
    #[schemars(
        with = "BTreeMap<String, RawFact>",
        extend("propertyNames" = { "pattern": crate::shapes::FACT_NAME_PATTERN })
    )]
    pub(super) facts: BTreeMap<Spanned<String>, Spanned<RawFact>>,
    /// Analysts' judgements, by criterion id: `[assessments.legal_clarity]` with `level` and
    /// `rationale`. A rating criterion takes its level from them; with `override = true` one
    /// replaces a computed level; otherwise it is advisory. Default: none.
    #[serde(default)]
    #[schemars(
        with = "BTreeMap<String, RawAssessment>",
        extend("propertyNames" = { "pattern": crate::shapes::ID_PATTERN })
    )]
    pub(super) assessments: BTreeMap<Spanned<String>, Spanned<RawAssessment>>,
}

/// The `[program]` table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// Loading refuses `text` and `text_file` together.
#[schemars(rename = "Program", extend("not" = { "required": ["text", "text_file"] }))]
pub(super) struct RawProgram {
    /// The programme's id, unique among the programmes scored together: lower-case letters of
    /// any script, digits, `_` and `-`. Required. Example: `"kz-state-program-2013-2017"`.
    #[schemars(with = "crate::shapes::ProgramId")]
    pub(super) id: Spanned<String>,
    /// The programme's name, shown in scorecards. Required, not blank. Example: `"State
    /// Programme on Countering Religious Extremism and Terrorism"`.
    #[schemars(with = "crate::shapes::NonBlank")]
    pub(super) name: Spanned<String>,
    /// Where the programme runs, shown in scorecards. Optional. Example: `"Kazakhstan"`.
    pub(super) country: Option<String>,
    /// The wider region, shown in reports. Optional. Example: `"Central Asia"`.
    pub(super) region: Option<String>,
    /// When the programme runs, shown in scorecards. Optional. Example: `"2013-2017"`.
    pub(super) period: Option<String>,
    /// The narrative that evidence criteria search: what the programme does, who delivers it,
    /// how it communicates. Optional: without text (or with an empty one) every evidence
    /// criterion is missing. Not together with `text_file`.
    #[schemars(with = "Option<String>")]
    pub(super) text: Option<Spanned<String>>,
    /// A Markdown or plain-text file that holds the narrative instead of `text`: a path
    /// relative to this file that stays inside its folder (no `..`). Optional. Example:
    /// `"kz-2013.md"`.
    #[schemars(with = "Option<String>")]
    pub(super) text_file: Option<Spanned<String>>,
    /// The documents the description rests on. Default: none. Example: `[{ title = "...", url
    /// = "https://...", published = "2018-09-01" }]`.
    #[serde(default)]
    pub(super) sources: Vec<RawSource>,
}

/// A cited source, all keys optional.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Source")]
pub(super) struct RawSource {
    /// The document's title.
    pub(super) title: Option<String>,
    /// Where to find it. Example: `"https://..."`.
    pub(super) url: Option<String>,
    /// When it was published: a string or a TOML date. Example: `"2018-09-01"`.
    #[schemars(with = "Option<crate::shapes::AnyValue>")]
    pub(super) published: Option<toml::Value>,
}

/// A fact as written: a plain number, or a table with a value, a unit and a source.
#[derive(Debug)]
pub(super) struct RawFact {
    pub(super) value: Spanned<Dec>,
    pub(super) unit: Option<Spanned<String>>,
    pub(super) source: Option<String>,
}

/// A fact written as a table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "FactTable")]
pub(super) struct RawFactTable {
    /// The fact's value: a decimal, written as an integer, a float or a string (`"0.1"`).
    /// Required. Example: `"100000000000"`.
    #[schemars(with = "Dec")]
    pub(super) value: Spanned<Dec>,
    /// Three capital letters are an ISO 4217 currency, converted with the rubric's
    /// `[currency]` rates; anything else is a label. Optional. Example: `"KZT"`.
    #[schemars(with = "Option<String>")]
    pub(super) unit: Option<Spanned<String>>,
    /// Where the figure comes from. Optional. Example: `"Asia Times, 2018"`.
    pub(super) source: Option<String>,
}

/// In a schema a fact is what its deserializer takes: a decimal or a [`RawFactTable`].
impl JsonSchema for RawFact {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Fact".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [generator.subschema_for::<Dec>(), generator.subschema_for::<RawFactTable>()]
        })
    }
}

impl<'de> Deserialize<'de> for RawFact {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawFact;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a number or a table `{ value = ..., unit = \"...\", source = \"...\" }`",
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawFact, A::Error> {
                let t = RawFactTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawFact {
                    value: t.value,
                    unit: t.unit,
                    source: t.source,
                })
            }
        }
        // A plain number is read with the decimal rules; a table with the table's.
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = RawFact;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                V.expecting(f)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawFact, A::Error> {
                V.visit_map(map)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawFact, E> {
                plain_fact(Dec(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawFact, E> {
                plain_fact(Dec(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawFact, E> {
                let d: Dec = Deserialize::deserialize(de::value::F64Deserializer::<E>::new(v))?;
                plain_fact(d)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawFact, E> {
                let d: Dec = Deserialize::deserialize(de::value::StrDeserializer::<E>::new(v))?;
                plain_fact(d)
            }
        }
        fn plain_fact<E>(d: Dec) -> Result<RawFact, E> {
            Ok(RawFact {
                value: Spanned::new(0..0, d),
                unit: None,
                source: None,
            })
        }
        d.deserialize_any(Either)
    }
}

/// An `[assessments.<criterion id>]` table: an analyst's judgement of one criterion.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// Loading requires a rationale, and a level unless the criterion is not applicable.
#[schemars(
    rename = "Assessment",
    extend(
        "required" = ["rationale"],
        "if" = { "properties": { "not_applicable": { "const": true } }, "required": ["not_applicable"] },
        "else" = { "required": ["level"] }
    )
)]
pub(super) struct RawAssessment {
    /// The level given, a whole number on the rubric's scale. Required unless
    /// `not_applicable = true`. Example: `1`.
    #[schemars(with = "Option<Dec>", extend("multipleOf" = 1))]
    pub(super) level: Option<Spanned<Dec>>,
    /// Why this level: required, not blank. Example: `"Vague terms such as 'destructive
    /// religious movements' allow case-by-case use."`.
    #[schemars(with = "Option<crate::shapes::NonBlank>")]
    pub(super) rationale: Option<Spanned<String>>,
    /// Who judged. Optional. Example: `"analyst-a"`.
    pub(super) assessor: Option<String>,
    /// Quotes or references that support the judgement. Default: none.
    #[serde(default)]
    pub(super) evidence: Vec<String>,
    /// `true`: the level replaces the level computed for an evidence or metric criterion (a
    /// rationale is required). Default `false`: the assessment is advisory there.
    #[serde(rename = "override", default)]
    #[schemars(extend("default" = false))]
    pub(super) override_level: bool,
    /// `true`: the criterion does not apply to this programme; it leaves the weights and the
    /// coverage. Needs a rationale. Default `false`.
    #[serde(default)]
    #[schemars(extend("default" = false))]
    pub(super) not_applicable: bool,
}
