//! Binding a program to a rubric: what a description states, checked against what the rubric
//! judges (SPEC §5).
//!
//! A description is read without a rubric (`program`); some of its problems are only problems
//! for a given rubric: an assessment of a criterion it lacks, a level off its scale, a money
//! fact in a currency it has no rate for. This module decides them, once, for every command.
//! The rule for assessments of unknown criteria lives in [`unknown_criterion`], which ratings
//! CSV rows use too.

use std::collections::{BTreeMap, BTreeSet};

use crate::decimal::plain;
use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::program::{Assessment, Program, Stated};
use crate::rubric::{Method, Rubric};

/// A program whose assessments were checked against a rubric: ready to score with it.
#[derive(Debug, Clone)]
pub struct Bound {
    program: Program,
    /// Assessments by criterion id, in the order they were read (description first, then
    /// ratings files).
    assessments: BTreeMap<String, Vec<Assessment>>,
}

impl Bound {
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The assessments of one criterion (none: an empty slice).
    pub fn assessments(&self, criterion: &str) -> &[Assessment] {
        self.assessments.get(criterion).map_or(&[], Vec::as_slice)
    }

    /// Adds an assessment read elsewhere (a ratings CSV row), already checked against the
    /// rubric. Returns the assessment of the same cell by the same assessor, if there is one
    /// (then nothing is added).
    pub fn add(&mut self, criterion: &str, a: Assessment) -> Result<(), &Assessment> {
        let cell = self.assessments.entry(criterion.to_string()).or_default();
        match cell.iter().position(|o| o.assessor == a.assessor) {
            Some(i) => Err(&cell[i]),
            None => {
                cell.push(a);
                Ok(())
            }
        }
    }
}

/// What to do with an assessment of a criterion the rubric does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    /// Within two edits of a criterion id: a typo, an error with this hint.
    Typo(String),
    /// Far from every criterion: it belongs to another rubric, and is ignored with a warning.
    OtherRubric,
}

/// SPEC §5: an assessment of a criterion the rubric lacks is an error when its id is within
/// two edits of a criterion id (the hint names it), and otherwise belongs to another rubric.
pub fn unknown_criterion(rubric: &Rubric, id: &str) -> Unknown {
    rubric
        .criteria
        .iter()
        .map(|c| (strsim::levenshtein(id, &c.id), &c.id))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map_or(Unknown::OtherRubric, |(_, c)| {
            Unknown::Typo(format!("did you mean `{c}`?"))
        })
}

/// The diagnostic for an assessment of a criterion the rubric lacks: an error for a typo, a
/// warning otherwise. `seen` holds the ids already warned about for this file.
pub fn unknown_criterion_diagnostic(
    rubric: &Rubric,
    file: &SourceFile,
    span: std::ops::Range<usize>,
    id: &str,
    seen: &mut BTreeSet<String>,
) -> Option<Diagnostic> {
    match unknown_criterion(rubric, id) {
        Unknown::Typo(hint) => Some(
            file.error(span, format!("assessment of unknown criterion `{id}`"))
                .with_hint(hint),
        ),
        Unknown::OtherRubric => seen.insert(id.to_string()).then(|| {
            file.error(
                span,
                format!(
                    "assessment of `{id}` ignored: rubric `{}` has no such criterion",
                    rubric.id
                ),
            )
            .with_hint(format!(
                "it may belong to another rubric; rubric `{}` has the criteria {}",
                rubric.id,
                crate::diag::code_list(rubric.criteria.iter().map(|c| &c.id))
            ))
            .warning()
        }),
    }
}

/// Binds a program to a rubric. Errors leave the program out; warnings (assessments of other
/// rubrics' criteria) come back beside it.
pub fn bind(rubric: &Rubric, program: Program) -> (Option<Bound>, Diagnostics) {
    let mut diags = Diagnostics::default();
    check_currencies(rubric, &program, &mut diags);
    let mut assessments: BTreeMap<String, Vec<Assessment>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for s in &program.assessments {
        if let Some(a) = assessment(rubric, s, &mut seen, &mut diags) {
            assessments.entry(s.criterion.clone()).or_default().push(a);
        }
    }
    if diags.has_errors() {
        return (None, diags);
    }
    (
        Some(Bound {
            program,
            assessments,
        }),
        diags,
    )
}

fn assessment(
    rubric: &Rubric,
    s: &Stated,
    seen: &mut BTreeSet<String>,
    diags: &mut Diagnostics,
) -> Option<Assessment> {
    let file = &s.file;
    let Some(criterion) = rubric.criteria.iter().find(|c| c.id == s.criterion) else {
        if let Some(d) =
            unknown_criterion_diagnostic(rubric, file, s.criterion_span.clone(), &s.criterion, seen)
        {
            diags.push(d);
        }
        return None;
    };
    let before = diags.len();
    if s.rationale.is_empty() {
        diags.push(
            file.error(
                s.rationale_span.clone(),
                format!("the assessment of `{}` has no rationale", criterion.id),
            )
            .with_hint("every assessment says why: add `rationale = \"...\"`"),
        );
    }
    let scale = &rubric.scale;
    let level = match &s.level {
        Some((d, span)) => {
            let whole = d
                .fract()
                .is_zero()
                .then(|| i64::try_from(*d).ok())
                .flatten();
            match whole {
                Some(n) if scale.contains(n) => Some(n),
                _ if s.not_applicable => None,
                _ => {
                    diags.push(
                        file.error(
                            span.clone(),
                            format!("level {} is not on the scale", plain(*d)),
                        )
                        .with_hint(format!(
                            "use a whole number from {} to {}",
                            scale.min, scale.max
                        )),
                    );
                    None
                }
            }
        }
        None if s.not_applicable => None,
        None => {
            diags.push(
                file.error(
                    s.span.clone(),
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
        level: if s.not_applicable { None } else { level },
        rationale: s.rationale.clone(),
        assessor: s.assessor.clone(),
        evidence: s.evidence.clone(),
        override_level: s.override_level,
        not_applicable: s.not_applicable,
        origin: format!("{}:{}", file.path.display(), file.line_col(s.span.start).0),
    })
}

/// Money facts that a formula names must be convertible: with a `[currency]` table every
/// currency needs a rate; without one, a formula may not mix currencies.
fn check_currencies(rubric: &Rubric, program: &Program, diags: &mut Diagnostics) {
    let file = &program.file;
    let facts = &program.facts;
    let unit_span = |name: &str| facts.get(name).map_or(0..0, |f| f.unit_span.clone());
    let mut reported = BTreeSet::new();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceFile;

    fn rubric() -> Rubric {
        crate::rubric::builtin()
    }

    #[test]
    fn near_ids_are_typos_and_far_ones_belong_elsewhere() {
        let r = rubric();
        // Two edits: a typo.
        assert_eq!(
            unknown_criterion(&r, "legal_clarty"),
            Unknown::Typo("did you mean `legal_clarity`?".into())
        );
        assert_eq!(
            unknown_criterion(&r, "legl_clarty"),
            Unknown::Typo("did you mean `legal_clarity`?".into())
        );
        // Three edits: another rubric's criterion.
        assert_eq!(unknown_criterion(&r, "lgl_clarty"), Unknown::OtherRubric);
        assert_eq!(
            unknown_criterion(&r, "civil_liberties_safeguards"),
            Unknown::OtherRubric
        );
    }

    #[test]
    fn other_rubrics_criteria_warn_once_per_file() {
        let r = rubric();
        let file = SourceFile::new("x.toml", "abc".to_string());
        let mut seen = BTreeSet::new();
        let first = unknown_criterion_diagnostic(&r, &file, 0..1, "civil_liberties", &mut seen);
        assert_eq!(
            first.map(|d| d.severity),
            Some(crate::diag::Severity::Warning)
        );
        assert!(
            unknown_criterion_diagnostic(&r, &file, 0..1, "civil_liberties", &mut seen).is_none()
        );
    }
}
