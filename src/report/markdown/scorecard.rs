//! The scorecard as Markdown, to paste into a report or a wiki: ranking, levels by criterion,
//! and each programme's criteria with the evidence trail behind their levels.

use std::fmt::Write;

use rust_decimal::Decimal;

use super::{Markdown, code, rubric_name, scale_text, table, text, title};
use crate::decimal::{fixed, plain};
use crate::report::narration::Markup;
use crate::report::narration::{self, Detail, aggregation_text, missing_text};
use crate::report::trail::level_text;
use crate::rubric::Rubric;
use crate::scoring::{CriterionScore, ProgramScore, Scorecard, Source};

/// The scorecard as Markdown: ranking, levels by criterion, and each programme's criteria and
/// evidence trail.
pub fn render(rubric: &Rubric, card: &Scorecard) -> Vec<u8> {
    let mut out = String::new();
    let o = &mut out;
    let _ = writeln!(o, "# {} — scorecard\n", text(&title(rubric)));
    let n = card.rows.len();
    let _ = writeln!(
        o,
        "{} programme{} scored with rubric {} (digest {}). The total is {}; {}. A programme \
         needs evidence for {}% of the applicable weight to be ranked.\n",
        n,
        if n == 1 { "" } else { "s" },
        rubric_name(rubric),
        code(rubric.digest(), false),
        aggregation_text(rubric.aggregation),
        missing_text(rubric.missing),
        plain(rubric.min_coverage),
    );
    ranking(o, card);
    heatmap(o, rubric, card);
    if !card.rows.is_empty() {
        let _ = writeln!(o, "## Programmes\n");
    }
    let ranked = card.rows.iter().filter(|r| r.rank.is_some()).count();
    for row in &card.rows {
        programme(o, rubric, row, ranked);
    }
    let _ = writeln!(
        o,
        "---\n\nRubric {}, digest {}.",
        rubric_name(rubric),
        code(rubric.digest(), false)
    );
    out.into_bytes()
}

fn ranking(o: &mut String, card: &Scorecard) {
    let _ = writeln!(o, "## Ranking\n");
    if card.rows.is_empty() {
        let _ = writeln!(o, "No programme was scored.\n");
        return;
    }
    let rows: Vec<Vec<String>> = card
        .rows
        .iter()
        .map(|r| {
            vec![
                r.rank.map(|r| r.to_string()).unwrap_or_default(),
                format!("{} ({})", text(&r.program_name), code(&r.program_id, true)),
                text(&r.country),
                text(&r.period),
                r.total.map(|t| fixed(t, 2)).unwrap_or_else(|| "—".into()),
                text(r.band.as_deref().unwrap_or("")),
                fixed(r.coverage, 2),
                r.status.name().to_string(),
            ]
        })
        .collect();
    table(
        o,
        &[
            "Rank",
            "Programme",
            "Country",
            "Period",
            "Total",
            "Band",
            "Coverage",
            "Status",
        ],
        "rlllrlrl",
        &rows,
    );
    let _ = writeln!(
        o,
        "Totals and scores run from 0 to 100. Coverage is the percent of the applicable weight \
         that has evidence; a programme below the rubric's minimum is insufficient and gets no \
         total, band or rank.\n"
    );
}

/// A heatmap cell: the level and its label, `—` when missing, `n/a` when not applicable, and a
/// `*` when an analyst set the level.
fn cell_text(rubric: &Rubric, c: &CriterionScore) -> String {
    match (c.source, c.level) {
        (Source::NotApplicable, _) => "n/a".to_string(),
        (_, None) => "—".to_string(),
        (source, Some(l)) => {
            let label = rubric
                .scale
                .label(l)
                .map(|s| format!(" {}", text(s)))
                .unwrap_or_default();
            let mark = if matches!(source, Source::Rating | Source::Override) {
                "\\*"
            } else {
                ""
            };
            format!("{l}{label}{mark}")
        }
    }
}

fn heatmap(o: &mut String, rubric: &Rubric, card: &Scorecard) {
    if card.rows.is_empty() {
        return;
    }
    let _ = writeln!(o, "## Levels by criterion\n");
    let mut header = vec!["Programme".to_string()];
    header.extend(rubric.criteria.iter().map(|k| k.name.clone()));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let align = format!("l{}", "c".repeat(rubric.criteria.len()));
    let rows: Vec<Vec<String>> = card
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![text(&r.program_name)];
            cells.extend(r.criteria.iter().map(|c| cell_text(rubric, c)));
            cells
        })
        .collect();
    table(o, &header, &align, &rows);
    let _ = writeln!(
        o,
        "Levels run from {}. — missing (no evidence); n/a not applicable; \\* set by an analyst \
         (rating or override).\n",
        scale_text(rubric)
    );
}

fn programme(o: &mut String, rubric: &Rubric, row: &ProgramScore, ranked: usize) {
    let heading = match row.rank {
        Some(r) => format!("{r}. {}", text(&row.program_name)),
        None => text(&row.program_name),
    };
    let _ = writeln!(o, "### {heading}\n");
    let mut meta = vec![code(&row.program_id, false)];
    meta.extend(
        [&row.country, &row.region, &row.period]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| text(s)),
    );
    meta.push(format!("file {}", code(&row.path, false)));
    let _ = writeln!(o, "{}\n", meta.join(" · "));
    let headline = match row.total {
        Some(t) => {
            let band = row
                .band
                .as_deref()
                .map(|b| format!(" ({})", text(b)))
                .unwrap_or_default();
            let rank = row
                .rank
                .map(|r| format!(" · rank {r} of {ranked}"))
                .unwrap_or_default();
            format!(
                "**Total {}{band}** · coverage {}% · status {}{rank}",
                fixed(t, 2),
                fixed(row.coverage, 2),
                row.status.name()
            )
        }
        None => format!(
            "**No total: not enough evidence** · coverage {}% (minimum {}%) · status {}",
            fixed(row.coverage, 2),
            plain(rubric.min_coverage),
            row.status.name()
        ),
    };
    let _ = writeln!(o, "{headline}\n");
    if !row.sources.is_empty() {
        let _ = writeln!(o, "Sources:\n");
        let mut m = Markdown::new(o);
        m.list(&row.sources, |m, s| {
            narration::source(m, &s.title, &s.url, &s.published);
        });
    }
    let rows: Vec<Vec<String>> = row
        .criteria
        .iter()
        .zip(&rubric.criteria)
        .map(|(c, k)| {
            let missing = matches!(c.source, Source::Missing | Source::NotApplicable);
            vec![
                text(&k.name),
                c.level
                    .map(|l| text(&level_text(&rubric.scale, l)))
                    .unwrap_or_else(|| "—".into()),
                c.source.name().replace('_', " "),
                c.score.map(|s| fixed(s, 2)).unwrap_or_else(|| "—".into()),
                if missing && c.weight.is_zero() {
                    "—".to_string()
                } else {
                    format!("{}%", fixed(c.weight * Decimal::ONE_HUNDRED, 2))
                },
                if missing && c.contribution.is_zero() {
                    "—".to_string()
                } else {
                    fixed(c.contribution, 2)
                },
            ]
        })
        .collect();
    table(
        o,
        &[
            "Criterion",
            "Level",
            "Source",
            "Score",
            "Weight",
            "Contribution",
        ],
        "lllrrr",
        &rows,
    );
    let _ = writeln!(
        o,
        "#### Evidence trail\n\nQuotes are the sentences in which an indicator's phrases occur \
         (in bold; struck through when negated, which adds no points), with line:column in the \
         file named above.\n"
    );
    for (c, k) in row.criteria.iter().zip(&rubric.criteria) {
        let _ = writeln!(o, "**{}**: {}\n", text(&k.name), headline_text(rubric, c));
        narration::narrate(&mut Markdown::new(o), rubric, k, c, Detail::Report);
    }
}

/// What a criterion's level is and where it came from, in a few words.
fn headline_text(rubric: &Rubric, c: &CriterionScore) -> String {
    match (c.source, c.level) {
        (Source::Missing, _) if c.score.is_some() => "missing, scored 0".to_string(),
        (Source::Missing, _) => "missing".to_string(),
        (Source::NotApplicable, _) => "not applicable".to_string(),
        (source, Some(l)) => format!(
            "level {} from {}",
            text(&level_text(&rubric.scale, l)),
            source.name()
        ),
        (source, None) => source.name().to_string(),
    }
}
