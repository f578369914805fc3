//! Program descriptions (SPEC §4): TOML or plain text, into text, facts and assessments.
//!
//! A program is loaded against a rubric, because some of its problems are only problems for
//! that rubric: an assessment of a criterion the rubric lacks, a level outside its scale, a
//! currency it has no rate for.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::decimal::{Dec, plain};
use crate::diag::{Diagnostic, Diagnostics, SourceFile, io_reason};
use crate::formula::is_fact_name;
use crate::rubric::{Method, Rubric};

/// A programme ready to score.
#[derive(Debug, Clone)]
pub struct Program {
    pub id: String,
    pub name: String,
    pub country: String,
    pub region: String,
    pub period: String,
    /// The description file.
    pub path: PathBuf,
    pub text: Option<Text>,
    pub sources: Vec<SourceRef>,
    pub facts: BTreeMap<String, Fact>,
    /// Assessments by criterion id, in the order they were read.
    pub assessments: BTreeMap<String, Vec<Assessment>>,
}

/// A programme's narrative, and where each of its bytes stands in a file.
#[derive(Debug, Clone)]
pub struct Text {
    pub text: String,
    /// The file that locations point into.
    pub file: Arc<SourceFile>,
    /// (offset in `text`, offset in the file) for each character of `text`; empty when
    /// `text` is the file itself.
    map: Vec<(usize, usize)>,
}

impl Text {
    /// Line and column, in the file, of a byte offset in the text.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let in_file = if self.map.is_empty() {
            offset
        } else {
            let i = self
                .map
                .partition_point(|&(t, _)| t <= offset)
                .saturating_sub(1);
            self.map.get(i).map_or(0, |&(_, f)| f)
        };
        self.file.line_col(in_file)
    }
}

/// A numeric fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub value: Decimal,
    /// A three-letter capitalised unit is a currency; anything else is a label.
    pub unit: Option<String>,
    pub source: Option<String>,
}

impl Fact {
    /// The ISO 4217 currency of a money fact.
    pub fn currency(&self) -> Option<&str> {
        self.unit
            .as_deref()
            .filter(|u| u.len() == 3 && u.chars().all(|c| c.is_ascii_uppercase()))
    }
}

/// A cited source.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceRef {
    pub title: String,
    pub url: String,
    pub published: String,
}

/// An analyst's judgement of one criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// None only when `not_applicable`.
    pub level: Option<i64>,
    pub rationale: String,
    pub assessor: String,
    pub evidence: Vec<String>,
    pub override_level: bool,
    pub not_applicable: bool,
    /// Where it was written, as `file:line`.
    pub origin: String,
}

// ---- raw TOML ----
//
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
    program: Spanned<RawProgram>,
    /// Numeric facts that metric formulas use, by name (`[a-z_][a-z0-9_]*`, as formulas write
    /// them): a plain number (`participants = 1200`) or a table (`budget = { value =
    /// "100000000000", unit = "KZT", source = "..." }`). Default: none.
    #[serde(default)]
    #[schemars(
        with = "BTreeMap<String, RawFact>",
        extend("propertyNames" = { "pattern": crate::schema::FACT_NAME_PATTERN })
    )]
    facts: BTreeMap<Spanned<String>, Spanned<RawFact>>,
    /// Analysts' judgements, by criterion id: `[assessments.legal_clarity]` with `level` and
    /// `rationale`. A rating criterion takes its level from them; with `override = true` one
    /// replaces a computed level; otherwise it is advisory. Default: none.
    #[serde(default)]
    #[schemars(
        with = "BTreeMap<String, RawAssessment>",
        extend("propertyNames" = { "pattern": crate::schema::ID_PATTERN })
    )]
    assessments: BTreeMap<Spanned<String>, Spanned<RawAssessment>>,
}

/// The `[program]` table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// Loading refuses `text` and `text_file` together.
#[schemars(rename = "Program", extend("not" = { "required": ["text", "text_file"] }))]
struct RawProgram {
    /// The programme's id, unique among the programmes scored together: lower-case letters of
    /// any script, digits, `_` and `-`. Required. Example: `"kz-state-program-2013-2017"`.
    #[schemars(with = "crate::schema::ProgramId")]
    id: Spanned<String>,
    /// The programme's name, shown in scorecards. Required, not blank. Example: `"State
    /// Programme on Countering Religious Extremism and Terrorism"`.
    #[schemars(with = "crate::schema::NonBlank")]
    name: Spanned<String>,
    /// Where the programme runs, shown in scorecards. Optional. Example: `"Kazakhstan"`.
    country: Option<String>,
    /// The wider region, shown in reports. Optional. Example: `"Central Asia"`.
    region: Option<String>,
    /// When the programme runs, shown in scorecards. Optional. Example: `"2013-2017"`.
    period: Option<String>,
    /// The narrative that evidence criteria search: what the programme does, who delivers it,
    /// how it communicates. Optional: without text (or with an empty one) every evidence
    /// criterion is missing. Not together with `text_file`.
    #[schemars(with = "Option<String>")]
    text: Option<Spanned<String>>,
    /// A Markdown or plain-text file that holds the narrative instead of `text`: a path
    /// relative to this file that stays inside its folder (no `..`). Optional. Example:
    /// `"kz-2013.md"`.
    #[schemars(with = "Option<String>")]
    text_file: Option<Spanned<String>>,
    /// The documents the description rests on. Default: none. Example: `[{ title = "...", url
    /// = "https://...", published = "2018-09-01" }]`.
    #[serde(default)]
    sources: Vec<RawSource>,
}

/// A cited source, all keys optional.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Source")]
struct RawSource {
    /// The document's title.
    title: Option<String>,
    /// Where to find it. Example: `"https://..."`.
    url: Option<String>,
    /// When it was published: a string or a TOML date. Example: `"2018-09-01"`.
    #[schemars(with = "Option<crate::schema::AnyValue>")]
    published: Option<toml::Value>,
}

/// A fact as written: a plain number, or a table with a value, a unit and a source.
#[derive(Debug)]
struct RawFact {
    value: Spanned<Dec>,
    unit: Option<Spanned<String>>,
    source: Option<String>,
}

/// A fact written as a table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "FactTable")]
struct RawFactTable {
    /// The fact's value: a decimal, written as an integer, a float or a string (`"0.1"`).
    /// Required. Example: `"100000000000"`.
    #[schemars(with = "Dec")]
    value: Spanned<Dec>,
    /// Three capital letters are an ISO 4217 currency, converted with the rubric's
    /// `[currency]` rates; anything else is a label. Optional. Example: `"KZT"`.
    #[schemars(with = "Option<String>")]
    unit: Option<Spanned<String>>,
    /// Where the figure comes from. Optional. Example: `"Asia Times, 2018"`.
    source: Option<String>,
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
struct RawAssessment {
    /// The level given, a whole number on the rubric's scale. Required unless
    /// `not_applicable = true`. Example: `1`.
    #[schemars(with = "Option<Dec>", extend("multipleOf" = 1))]
    level: Option<Spanned<Dec>>,
    /// Why this level: required, not blank. Example: `"Vague terms such as 'destructive
    /// religious movements' allow case-by-case use."`.
    #[schemars(with = "Option<crate::schema::NonBlank>")]
    rationale: Option<Spanned<String>>,
    /// Who judged. Optional. Example: `"analyst-a"`.
    assessor: Option<String>,
    /// Quotes or references that support the judgement. Default: none.
    #[serde(default)]
    evidence: Vec<String>,
    /// `true`: the level replaces the level computed for an evidence or metric criterion (a
    /// rationale is required). Default `false`: the assessment is advisory there.
    #[serde(rename = "override", default)]
    #[schemars(extend("default" = false))]
    override_level: bool,
    /// `true`: the criterion does not apply to this programme; it leaves the weights and the
    /// coverage. Needs a rationale. Default `false`.
    #[serde(default)]
    #[schemars(extend("default" = false))]
    not_applicable: bool,
}

// ---- loading ----

/// Whether `path` is a file polscore reads as a program description.
pub fn is_description(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("toml" | "md" | "txt")
    )
}

/// Loads a program description (`.toml`, `.md` or `.txt`) for scoring with `rubric`.
pub fn load(path: &Path, rubric: &Rubric) -> Result<Program, Diagnostics> {
    parse(SourceFile::read(path)?, rubric)
}

/// Parses a program description already read; its path's extension says which kind it is.
pub fn parse(file: SourceFile, rubric: &Rubric) -> Result<Program, Diagnostics> {
    let ext = file
        .path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if ext.as_deref() == Some("toml") {
        from_toml(file, rubric)
    } else {
        from_plain_text(file)
    }
}

/// The id of a plain-text description: the file stem, lower-cased, accents removed, every run
/// of characters other than letters and digits replaced by `-`, trimmed of `-`.
pub fn id_from_stem(stem: &str) -> String {
    let mut id = String::new();
    let mut dash = false;
    for c in stem
        .to_lowercase()
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
    {
        if c.is_alphanumeric() {
            if dash && !id.is_empty() {
                id.push('-');
            }
            dash = false;
            id.push(c);
        } else {
            dash = true;
        }
    }
    id
}

/// The name of a plain-text description: its first non-blank line without leading `#`s.
fn name_from_text(text: &str) -> Option<String> {
    let line = text.lines().find(|l| !l.trim().is_empty())?;
    let name = line.trim_start().trim_start_matches('#').trim();
    (!name.is_empty()).then(|| name.to_string())
}

fn from_plain_text(file: SourceFile) -> Result<Program, Diagnostics> {
    let stem = file
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = id_from_stem(&stem);
    if id.is_empty() {
        return Err(Diagnostic::new(format!(
            "cannot make a program id from the file name `{stem}`: it has no letters or digits"
        ))
        .in_file(&file.path)
        .with_hint("rename the file, e.g. `my-programme.md`")
        .into());
    }
    let name = name_from_text(&file.text).unwrap_or_else(|| id.clone());
    let file = Arc::new(file);
    Ok(Program {
        id,
        name,
        country: String::new(),
        region: String::new(),
        period: String::new(),
        path: file.path.clone(),
        text: Some(Text {
            text: file.text.clone(),
            file: file.clone(),
            map: Vec::new(),
        }),
        sources: Vec::new(),
        facts: BTreeMap::new(),
        assessments: BTreeMap::new(),
    })
}

fn valid_program_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| {
            c == '_'
                || c == '-'
                || c.is_numeric()
                || is_combining_mark(c)
                || (c.is_alphabetic() && !c.is_uppercase())
        })
}

fn from_toml(file: SourceFile, rubric: &Rubric) -> Result<Program, Diagnostics> {
    let raw: RawFile = crate::tomlfile::parse(&file)?;
    let mut diags = Diagnostics::default();
    let p = raw.program.get_ref();
    if !valid_program_id(p.id.get_ref()) {
        diags.push(
            file.error(
                p.id.span(),
                format!("invalid program id `{}`", p.id.get_ref()),
            )
            .with_hint(format!(
                "use lower-case letters, digits, `_` and `-`, e.g. `{}`",
                id_from_stem(p.id.get_ref())
            )),
        );
    }
    if p.name.get_ref().trim().is_empty() {
        diags.push(file.error(p.name.span(), "the program name is empty"));
    }
    let file = Arc::new(file);
    let text = match (&p.text, &p.text_file) {
        (Some(t), Some(tf)) => {
            diags.push(
                file.error(
                    tf.span(),
                    "a program has either `text` or `text_file`, not both",
                )
                .with_hint(format!(
                    "remove `text` (line {}) or `text_file`",
                    file.line_col(t.span().start).0
                )),
            );
            None
        }
        (Some(t), None) => Some(inline_text(&file, t)),
        (None, Some(tf)) => match text_file(&file, tf) {
            Ok(t) => Some(t),
            Err(d) => {
                diags.push(d);
                None
            }
        },
        (None, None) => None,
    };

    let mut facts = BTreeMap::new();
    for (name, fact) in &raw.facts {
        if !is_fact_name(name.get_ref()) {
            diags.push(
                file.error(name.span(), format!("invalid fact name `{}`", name.get_ref()))
                    .with_hint("fact names are lower-case ASCII letters, digits and `_`, as formulas write them"),
            );
        }
        let f = fact.get_ref();
        facts.insert(
            name.get_ref().clone(),
            Fact {
                value: f.value.get_ref().0,
                unit: f
                    .unit
                    .as_ref()
                    .map(|u| u.get_ref().trim().to_string())
                    .filter(|u| !u.is_empty()),
                source: f.source.clone(),
            },
        );
    }
    check_currencies(&file, &raw, &facts, rubric, &mut diags);

    let mut assessments: BTreeMap<String, Vec<Assessment>> = BTreeMap::new();
    for (cid, a) in &raw.assessments {
        if let Some(assessment) = assessment(&file, cid, a, rubric, &mut diags) {
            assessments
                .entry(cid.get_ref().clone())
                .or_default()
                .push(assessment);
        }
    }

    let sources = p
        .sources
        .iter()
        .map(|s| SourceRef {
            title: s.title.clone().unwrap_or_default(),
            url: s.url.clone().unwrap_or_default(),
            published: match &s.published {
                Some(toml::Value::String(v)) => v.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            },
        })
        .collect();
    diags.into_result(Program {
        id: p.id.get_ref().clone(),
        name: p.name.get_ref().trim().to_string(),
        country: p.country.clone().unwrap_or_default(),
        region: p.region.clone().unwrap_or_default(),
        period: p.period.clone().unwrap_or_default(),
        path: file.path.clone(),
        text,
        sources,
        facts,
        assessments,
    })
}

fn assessment(
    file: &SourceFile,
    cid: &Spanned<String>,
    a: &Spanned<RawAssessment>,
    rubric: &Rubric,
    diags: &mut Diagnostics,
) -> Option<Assessment> {
    let Some(criterion) = rubric.criteria.iter().find(|c| &c.id == cid.get_ref()) else {
        let hint = rubric.criterion_hint(cid.get_ref());
        diags.push(
            file.error(
                cid.span(),
                format!("assessment of unknown criterion `{}`", cid.get_ref()),
            )
            .with_hint(hint),
        );
        return None;
    };
    let r = a.get_ref();
    let before = diags.len();
    let rationale = r
        .rationale
        .as_ref()
        .map(|s| s.get_ref().trim().to_string())
        .unwrap_or_default();
    if rationale.is_empty() {
        diags.push(
            file.error(
                r.rationale.as_ref().map_or(a.span(), Spanned::span),
                format!("the assessment of `{}` has no rationale", criterion.id),
            )
            .with_hint("every assessment says why: add `rationale = \"...\"`"),
        );
    }
    let scale = &rubric.scale;
    let level = match &r.level {
        Some(l) => {
            let d = l.get_ref().0;
            let whole = d.fract().is_zero().then(|| i64::try_from(d).ok()).flatten();
            match whole {
                Some(n) if scale.contains(n) => Some(n),
                _ if r.not_applicable => None,
                _ => {
                    diags.push(
                        file.error(l.span(), format!("level {} is not on the scale", plain(d)))
                            .with_hint(format!(
                                "use a whole number from {} to {}",
                                scale.min, scale.max
                            )),
                    );
                    None
                }
            }
        }
        None if r.not_applicable => None,
        None => {
            diags.push(
                file.error(
                    a.span(),
                    format!("the assessment of `{}` has no level", criterion.id),
                )
                .with_hint(format!(
                    "add `level = ...` ({} to {}), or `not_applicable = true`",
                    scale.min, scale.max
                )),
            );
            None
        }
    };
    if diags.len() > before {
        return None;
    }
    Some(Assessment {
        level: if r.not_applicable { None } else { level },
        rationale,
        assessor: r.assessor.clone().unwrap_or_default(),
        evidence: r.evidence.clone(),
        override_level: r.override_level,
        not_applicable: r.not_applicable,
        origin: format!(
            "{}:{}",
            file.path.display(),
            file.line_col(a.span().start).0
        ),
    })
}

/// Money facts that a formula names must be convertible: with a `[currency]` table every
/// currency needs a rate; without one, a formula may not mix currencies.
fn check_currencies(
    file: &SourceFile,
    raw: &RawFile,
    facts: &BTreeMap<String, Fact>,
    rubric: &Rubric,
    diags: &mut Diagnostics,
) {
    let unit_span = |name: &str| {
        raw.facts
            .iter()
            .find(|(k, _)| k.get_ref() == name)
            .map(|(k, v)| v.get_ref().unit.as_ref().map_or(k.span(), Spanned::span))
            .unwrap_or(0..0)
    };
    let mut reported = std::collections::BTreeSet::new();
    for c in &rubric.criteria {
        let Method::Metric { formula, .. } = &c.method else {
            continue;
        };
        let money: Vec<(&str, &str)> = formula
            .facts()
            .into_iter()
            .filter_map(|n| facts.get(n).and_then(|f| f.currency()).map(|cur| (n, cur)))
            .collect();
        match &rubric.currency {
            Some(table) => {
                for (name, cur) in money {
                    if table.rate(cur).is_none() && reported.insert(name.to_string()) {
                        diags.push(
                            file.error(unit_span(name), format!("fact `{name}` is in {cur}, which rubric `{}` has no rate for", rubric.id))
                                .with_hint(format!(
                                    "add {cur} to the rubric's [currency] rates, or give `{name}` in {}",
                                    table.base
                                )),
                        );
                    }
                }
            }
            None => {
                if let Some((first, first_cur)) = money.first()
                    && let Some((other, other_cur)) = money.iter().find(|(_, cur)| cur != first_cur)
                    && reported.insert(format!("{}|{}", c.id, other))
                {
                    diags.push(
                        file.error(
                            unit_span(other),
                            format!(
                                "formula of `{}` mixes currencies: `{first}` is in {first_cur}, `{other}` in {other_cur}",
                                c.id
                            ),
                        )
                        .with_hint("give both facts in one currency, or add a [currency] table with rates to the rubric"),
                    );
                }
            }
        }
    }
}

fn inline_text(file: &Arc<SourceFile>, t: &Spanned<String>) -> Text {
    let span = t.span();
    let map = match decode_string(&file.text[span.clone()]) {
        Some((decoded, map)) if &decoded == t.get_ref() => {
            map.into_iter().map(|(d, f)| (d, f + span.start)).collect()
        }
        // Should the decoder ever disagree with the toml crate, point at the value itself.
        _ => vec![(0, span.start)],
    };
    Text {
        text: t.get_ref().clone(),
        file: file.clone(),
        map,
    }
}

fn text_file(file: &Arc<SourceFile>, tf: &Spanned<String>) -> Result<Text, Diagnostic> {
    let rel = Path::new(tf.get_ref());
    let escapes = rel.is_absolute()
        || rel.components().any(|c| {
            matches!(
                c,
                Component::ParentDir | Component::Prefix(_) | Component::RootDir
            )
        });
    if escapes || tf.get_ref().trim().is_empty() {
        return Err(file
            .error(
                tf.span(),
                format!(
                    "text_file `{}` must be a path inside this file's folder",
                    tf.get_ref()
                ),
            )
            .with_hint("write a relative path without `..`, such as `kz-2013.md`"));
    }
    // A bare file name's parent is "": its folder is the current one.
    let dir = match file.path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let path = dir.join(rel);
    let (dir_real, path_real) = match (dir.canonicalize(), path.canonicalize()) {
        (Ok(d), Ok(p)) => (d, p),
        (_, Err(e)) | (Err(e), _) => {
            return Err(file.error(
                tf.span(),
                format!(
                    "cannot read text_file `{}`: {}",
                    path.display(),
                    io_reason(&e)
                ),
            ));
        }
    };
    // Links are followed before the check, so a link that leads elsewhere is refused.
    if !path_real.starts_with(&dir_real) {
        return Err(file
            .error(
                tf.span(),
                format!(
                    "text_file `{}` leads outside this file's folder",
                    tf.get_ref()
                ),
            )
            .with_hint("keep the text next to the description, not behind a link elsewhere"));
    }
    let source = SourceFile::read(&path).map_err(|d| {
        let mut located = file.error(
            tf.span(),
            format!("cannot use text_file `{}`: {}", tf.get_ref(), d.message),
        );
        located.hint = d.hint;
        located
    })?;
    Ok(Text {
        text: source.text.clone(),
        file: Arc::new(source),
        map: Vec::new(),
    })
}

/// Decodes a TOML string literal as written (quotes included), returning the string and, for
/// each of its characters, (offset in the string, offset in `raw`). None if `raw` is not a
/// string literal this decoder knows.
fn decode_string(raw: &str) -> Option<(String, Vec<(usize, usize)>)> {
    let (delim, multi) = if raw.starts_with("\"\"\"") {
        ("\"\"\"", true)
    } else if raw.starts_with("'''") {
        ("'''", true)
    } else if raw.starts_with('"') {
        ("\"", false)
    } else if raw.starts_with('\'') {
        ("'", false)
    } else {
        return None;
    };
    let basic = delim.starts_with('"');
    if raw.len() < 2 * delim.len() || !raw.ends_with(delim) {
        return None;
    }
    let mut start = delim.len();
    let end = raw.len() - delim.len();
    if multi {
        if raw[start..end].starts_with("\r\n") {
            start += 2;
        } else if raw[start..end].starts_with('\n') {
            start += 1;
        }
    }
    let body = &raw[start..end];
    let mut out = String::new();
    let mut map = Vec::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = start + i;
        if !(basic && c == '\\') {
            map.push((out.len(), at));
            out.push(c);
            continue;
        }
        let (_, e) = chars.next()?;
        let decoded = match e {
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'f' => '\u{c}',
            'r' => '\r',
            'e' => '\u{1b}',
            '"' => '"',
            '\\' => '\\',
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut hex = String::new();
                for _ in 0..n {
                    hex.push(chars.next()?.1);
                }
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            c if multi && c.is_whitespace() => {
                // A line-ending backslash eats white space up to the next non-blank character.
                while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                    chars.next();
                }
                continue;
            }
            _ => return None,
        };
        map.push((out.len(), at));
        out.push(decoded);
    }
    Some((out, map))
}

/// Finds the description files an argument names: the file itself, or every `.toml`, `.md`
/// and `.txt` below a directory, in sorted path order.
/// Also says whether a symbolic link was followed on the way (then one file may be reached by
/// two paths).
pub fn expand_noting_links(arg: &Path) -> Result<(Vec<PathBuf>, bool), Diagnostic> {
    let meta = std::fs::metadata(arg).map_err(|e| {
        Diagnostic::new(format!(
            "cannot read `{}`: {}",
            arg.display(),
            io_reason(&e)
        ))
    })?;
    if !meta.is_dir() {
        if !is_description(arg) {
            return Err(Diagnostic::new(format!(
                "`{}` is not a program description: polscore reads .toml, .md and .txt files",
                arg.display()
            ))
            .with_hint("rename a plain-text description to .txt or .md"));
        }
        return Ok((vec![arg.to_path_buf()], false));
    }
    let mut out = Vec::new();
    let mut linked = false;
    for entry in walkdir::WalkDir::new(arg)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            Diagnostic::new(format!("cannot read directory `{}`: {e}", arg.display()))
        })?;
        linked |= entry.path_is_symlink();
        if entry.file_type().is_file() && is_description(entry.path()) {
            out.push(entry.into_path());
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(Diagnostic::new(format!(
            "the directory `{}` holds no program descriptions (.toml, .md or .txt)",
            arg.display()
        ))
        .with_hint("name the directory that holds the descriptions, or the files themselves"));
    }
    Ok((out, linked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_file_stems() {
        assert_eq!(id_from_stem("My Programme (2019)"), "my-programme-2019");
        assert_eq!(id_from_stem("Économie"), "economie");
        assert_eq!(id_from_stem("--a__b--"), "a-b");
        assert_eq!(id_from_stem("Қазақстан 2020"), "қазақстан-2020");
        assert_eq!(id_from_stem("!!!"), "");
    }

    #[test]
    fn names_from_first_line() {
        assert_eq!(
            name_from_text("\n\n  ## Aarhus model  \nbody").as_deref(),
            Some("Aarhus model")
        );
        assert_eq!(
            name_from_text("Plain title\nbody").as_deref(),
            Some("Plain title")
        );
        assert_eq!(name_from_text("   \n"), None);
    }

    #[test]
    fn program_ids() {
        assert!(valid_program_id("kz-2013_a"));
        assert!(valid_program_id("қазақстан"));
        assert!(!valid_program_id("KZ"));
        assert!(!valid_program_id("a b"));
        assert!(!valid_program_id(""));
    }

    fn check_decode(raw: &str, expected: &str) {
        let (s, map) = decode_string(raw).unwrap();
        assert_eq!(s, expected);
        for (d, r) in map {
            let dc = s[d..].chars().next().unwrap();
            let rc = raw[r..].chars().next().unwrap();
            if rc != '\\' {
                assert_eq!(dc, rc);
            }
        }
    }

    #[test]
    fn decodes_toml_strings_with_offsets() {
        check_decode(r#""a\tb\u00e9""#, "a\tbé");
        check_decode(
            "\"\"\"\nline one\r\nline \\\n   two\"\"\"",
            "line one\r\nline two",
        );
        check_decode("'''\nraw \\n'''", "raw \\n");
        check_decode("'x'", "x");
        let (_, map) = decode_string("\"\"\"\nab\"\"\"").unwrap();
        assert_eq!(map, vec![(0, 4), (1, 5)]);
    }
}
