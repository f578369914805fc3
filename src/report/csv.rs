//! CSV scorecards (SPEC §6): wide (one row per programme) and long (one per criterion).

use crate::decimal::{fixed, plain};
use crate::rubric::Rubric;
use crate::scoring::{CriterionScore, Gathered, Scorecard, Source};

use super::{collapse, opt_fixed};

/// A text cell that a spreadsheet would read as a formula gets a leading `'`.
pub fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing to memory cannot fail")
}

/// The wide scorecard.
pub fn wide(rubric: &Rubric, card: &Scorecard) -> Vec<u8> {
    let mut w = writer();
    let mut header: Vec<String> = [
        "rank",
        "program_id",
        "program_name",
        "country",
        "period",
        "total",
        "band",
        "coverage",
        "status",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for c in &rubric.criteria {
        header.push(cell(&format!("{}_level", c.id)));
        header.push(cell(&format!("{}_score", c.id)));
    }
    header.extend(["rubric_id", "rubric_version", "rubric_digest"].map(String::from));
    w.write_record(&header).expect("in memory");
    for row in &card.rows {
        let mut rec = vec![
            row.rank.map(|r| r.to_string()).unwrap_or_default(),
            cell(&row.program_id),
            cell(&row.program_name),
            cell(&row.country),
            cell(&row.period),
            opt_fixed(row.total, 2),
            cell(row.band.as_deref().unwrap_or("")),
            fixed(row.coverage, 2),
            row.status.name().to_string(),
        ];
        for c in &row.criteria {
            rec.push(c.level.map(|l| l.to_string()).unwrap_or_default());
            rec.push(opt_fixed(c.score, 2));
        }
        rec.push(cell(&rubric.id));
        rec.push(cell(&rubric.version));
        rec.push(rubric.digest.clone());
        w.write_record(&rec).expect("in memory");
    }
    finish(w)
}

/// The long scorecard.
pub fn long(rubric: &Rubric, card: &Scorecard) -> Vec<u8> {
    let mut w = writer();
    w.write_record([
        "program_id",
        "criterion_id",
        "method",
        "source",
        "level",
        "computed_level",
        "score",
        "weight",
        "contribution",
        "evidence",
        "note",
    ])
    .expect("in memory");
    for row in &card.rows {
        for (c, k) in row.criteria.iter().zip(&rubric.criteria) {
            w.write_record([
                cell(&row.program_id),
                cell(&k.id),
                k.method.name().to_string(),
                c.source.name().to_string(),
                c.level.map(|l| l.to_string()).unwrap_or_default(),
                c.computed.map(|l| l.to_string()).unwrap_or_default(),
                opt_fixed(c.score, 2),
                fixed(c.weight, 4),
                fixed(c.contribution, 2),
                cell(&evidence_cell(k, c)),
                cell(&note_cell(k, c)),
            ])
            .expect("in memory");
        }
    }
    finish(w)
}

/// What a level rests on: counted indicators with their first affirmed occurrence, the
/// formula's value, or the rationale.
pub fn evidence_cell(k: &crate::rubric::Criterion, c: &CriterionScore) -> String {
    match c.source {
        Source::Evidence => counted(k, c).join(" | "),
        Source::Metric => match &c.gathered {
            Gathered::Metric(m) => match &m.value {
                Ok(v) => format!("{} = {}", m.formula, plain(*v)),
                Err(_) => String::new(),
            },
            _ => String::new(),
        },
        Source::Rating | Source::Override => {
            let used: Vec<_> = c
                .assessments
                .iter()
                .filter(|a| !a.not_applicable && (c.source == Source::Rating || a.override_level))
                .collect();
            if used.len() == 1 {
                collapse(&used[0].rationale)
            } else {
                used.iter()
                    .map(|a| {
                        format!(
                            "{} ({}): {}",
                            assessor(&a.assessor),
                            a.level.unwrap_or_default(),
                            collapse(&a.rationale)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" | ")
            }
        }
        Source::NotApplicable => c.reason.as_deref().map(collapse).unwrap_or_default(),
        Source::Missing => String::new(),
    }
}

fn assessor(a: &str) -> &str {
    if a.is_empty() { "unnamed assessor" } else { a }
}

fn counted(k: &crate::rubric::Criterion, c: &CriterionScore) -> Vec<String> {
    let crate::rubric::Method::Evidence { indicators, .. } = &k.method else {
        return Vec::new();
    };
    let Gathered::Evidence(Some(findings)) = &c.gathered else {
        return Vec::new();
    };
    c.tallies
        .iter()
        .filter(|t| t.counts)
        .filter_map(|t| {
            findings
                .iter()
                .find(|f| f.indicator == t.indicator && f.negation.is_none())
                .map(|f| {
                    format!(
                        "{}: \"{}\" ({}:{})",
                        indicators[t.indicator].id,
                        collapse(&f.matched),
                        f.place.line,
                        f.place.column
                    )
                })
        })
        .collect()
}

/// Why a criterion is missing, what was negated, what was computed beneath an override, and
/// advisory assessments.
pub fn note_cell(k: &crate::rubric::Criterion, c: &CriterionScore) -> String {
    let mut notes = Vec::new();
    if c.source == Source::Missing {
        if let Some(r) = &c.reason {
            notes.push(format!("missing: {r}"));
        }
    }
    if c.source == Source::Override {
        notes.push(match c.computed {
            Some(l) => format!("overrides computed level {l}"),
            None => "overrides a missing computed level".to_string(),
        });
    }
    if let (
        crate::rubric::Method::Evidence { indicators, .. },
        Gathered::Evidence(Some(findings)),
    ) = (&k.method, &c.gathered)
    {
        for f in findings {
            if let Some(cue) = &f.negation {
                notes.push(format!(
                    "negated: {}: \"{}\" ({}:{}) by \"{}\"",
                    indicators[f.indicator].id,
                    collapse(&f.matched),
                    f.place.line,
                    f.place.column,
                    collapse(&cue.text)
                ));
            }
        }
    }
    if !matches!(k.method, crate::rubric::Method::Rating) {
        for a in c
            .assessments
            .iter()
            .filter(|a| !a.override_level && !a.not_applicable)
        {
            notes.push(format!(
                "advisory: {} rates {}: {}",
                assessor(&a.assessor),
                a.level.map(|l| l.to_string()).unwrap_or_default(),
                collapse(&a.rationale)
            ));
        }
    }
    notes.join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_defused() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("-x"), "'-x");
        assert_eq!(cell("@a"), "'@a");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell(""), "");
    }
}
