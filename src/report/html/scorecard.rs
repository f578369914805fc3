//! The scorecard as one self-contained HTML page: cover with the method, ranking, heatmap of
//! levels, and for each programme its profile and the evidence trail of every criterion.

use std::fmt::Write;

use rust_decimal::Decimal;

use super::charts::{bar, level_colour};
use super::trail::{Html, criterion};
use super::{anchor, esc, foot, head, line, rubric_name, rubric_title};
use crate::decimal::{fixed, plain};
use crate::report::narration::{self, aggregation_text, missing_text};
use crate::report::trail::{level_text, weight_percent};
use crate::rubric::{Rubric, Scale};
use crate::scoring::{CriterionScore, ProgramScore, Scorecard, Source};

/// The scorecard as one self-contained HTML page.
pub fn render(rubric: &Rubric, card: &Scorecard) -> Vec<u8> {
    let mut out = String::new();
    let o = &mut out;
    let title = format!("Scorecard: {}", rubric_title(rubric));
    head(o, &title, "");
    cover(o, rubric, card);
    ranking(o, card);
    heatmap(o, rubric, card);
    let ranked = card.rows.iter().filter(|r| r.rank.is_some()).count();
    for row in &card.rows {
        programme(o, rubric, row, ranked);
    }
    foot(
        o,
        rubric,
        "Every level in this report can be traced to the sentences, facts and analysts' \
         rationales shown with its programme. The same inputs give the same report.",
    );
    out.into_bytes()
}

fn cover(o: &mut String, rubric: &Rubric, card: &Scorecard) {
    let n = card.rows.len();
    let _ = write!(
        o,
        "<header class=\"cover\">\n<p class=\"kicker\">Programme scorecard</p>\n<h1>{}</h1>\n\
         <p class=\"lede\">{n} programme{} scored against rubric {}. Each programme gets a \
         level on every criterion, a total from 0 to 100 and a rank; every level is traced \
         below to the evidence behind it.</p>\n<dl class=\"method\">\n",
        esc(rubric_title(rubric)),
        if n == 1 { "" } else { "s" },
        rubric_name(rubric)
    );
    let s = &rubric.scale;
    let mut dd = |k: &str, v: String| {
        let _ = writeln!(o, "<dt>{}</dt><dd>{v}</dd>", esc(k));
    };
    dd(
        "Criteria",
        rubric
            .criteria
            .iter()
            .map(|k| {
                format!(
                    "{} ({}%)",
                    esc(&k.name),
                    fixed(weight_percent(rubric, k), 2)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    );
    dd(
        "Levels",
        format!(
            "{} to {}; a level's score is its place on that scale, 0 to 100",
            esc(&level_text(s, s.min)),
            esc(&level_text(s, s.max))
        ),
    );
    dd(
        "Total",
        esc(aggregation_text(rubric.aggregation)).to_string(),
    );
    dd(
        "Missing criteria",
        esc(missing_text(rubric.missing)).to_string(),
    );
    dd(
        "Coverage",
        format!(
            "at least {}% of the applicable weight must have evidence for a programme to be ranked",
            plain(rubric.min_coverage)
        ),
    );
    if !rubric.bands.is_empty() {
        dd(
            "Bands",
            rubric
                .bands
                .iter()
                .map(|b| format!("{} from {}", esc(&b.label), plain(b.min)))
                .collect::<Vec<_>>()
                .join(" · "),
        );
    }
    o.push_str("</dl>\n</header>\n");
}

fn status(s: crate::scoring::Status) -> String {
    format!("<span class=\"status {0}\">{0}</span>", s.name())
}

fn ranking(o: &mut String, card: &Scorecard) {
    o.push_str("<section class=\"ranking\" id=\"ranking\">\n<h2>Ranking</h2>\n");
    if card.rows.is_empty() {
        o.push_str("<p>No programme was scored.</p>\n</section>\n");
        return;
    }
    o.push_str(
        "<table class=\"ranking\">\n<colgroup><col class=\"c-rank\"/><col class=\"c-prog\"/>\
         <col class=\"c-country\"/><col class=\"c-period\"/><col class=\"c-total\"/>\
         <col class=\"c-band\"/><col class=\"c-cov\"/><col class=\"c-status\"/></colgroup>\n\
         <thead><tr><th class=\"num\">Rank</th><th>Programme</th>\
         <th>Country</th><th>Period</th><th class=\"num\">Total</th><th>Band</th>\
         <th class=\"num\">Coverage</th><th>Status</th></tr></thead>\n<tbody>\n",
    );
    for r in &card.rows {
        let total = match r.total {
            Some(t) => format!(
                "{}{}",
                fixed(t, 2),
                bar(t, 56, 8, &format!("total {} of 100", fixed(t, 2)))
            ),
            None => "—".to_string(),
        };
        let _ = writeln!(
            o,
            "<tr class=\"{}\" id=\"row-{}\"><td class=\"num rank\">{}</td><td class=\"name\">\
             <a href=\"#{}\">{}</a> <span class=\"id\">{}</span></td><td>{}</td>\
             <td class=\"nowrap\">{}</td><td class=\"num total\">{}</td><td class=\"nowrap\">{}</td>\
             <td class=\"num\">{}%</td><td>{}</td></tr>",
            r.status.name(),
            esc(&r.program_id),
            r.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into()),
            esc(&anchor(&r.program_id)),
            line(&r.program_name),
            esc(&r.program_id),
            line(&r.country),
            line(&r.period),
            total,
            line(r.band.as_deref().unwrap_or("")),
            fixed(r.coverage, 2),
            status(r.status)
        );
    }
    o.push_str(
        "</tbody>\n</table>\n<p class=\"note\">Totals and scores run from 0 to 100. Coverage is \
         the percent of the applicable weight (criteria that apply to the programme) that has \
         evidence; below the rubric's minimum a programme is insufficient and gets no total, \
         band or rank. Ranks are on the total as shown, so equal totals share a rank.</p>\n\
         </section>\n",
    );
}

/// A heatmap cell: colour and the level with its label; a dashed `—` when missing, a hatched
/// `n/a` when not applicable; `*` when an analyst set the level.
fn heat_cell(rubric: &Rubric, c: &CriterionScore) -> String {
    match (c.source, c.level) {
        (Source::NotApplicable, _) => {
            "<td class=\"na\"><span class=\"lv\">n/a</span> <span class=\"lb\">not applicable</span></td>"
                .to_string()
        }
        (_, None) => {
            let why = if c.score.is_some() { "missing, scored 0" } else { "missing" };
            format!("<td class=\"missing\"><span class=\"lv\">—</span> <span class=\"lb\">{why}</span></td>")
        }
        (source, Some(l)) => {
            let (bg, fg) = level_colour(&rubric.scale, l);
            let label = rubric.scale.label(l).map(esc).unwrap_or_default();
            let analyst = if matches!(source, Source::Rating | Source::Override) {
                "*"
            } else {
                ""
            };
            format!(
                "<td style=\"background:{bg};color:{fg}\"><span class=\"lv\">{l}{analyst}</span> \
                 <span class=\"lb\">{label}</span></td>"
            )
        }
    }
}

/// The levels shown in a legend: all of them on a short scale, else the ends and the middle.
fn legend_levels(scale: &Scale) -> Vec<i64> {
    if scale.steps() <= 10 {
        (scale.min..=scale.max).collect()
    } else {
        vec![
            scale.min,
            scale.min + (scale.max - scale.min) / 2,
            scale.max,
        ]
    }
}

fn heatmap(o: &mut String, rubric: &Rubric, card: &Scorecard) {
    if card.rows.is_empty() {
        return;
    }
    o.push_str(
        "<section class=\"heatmap\" id=\"levels\">\n<h2>Levels by criterion</h2>\n\
         <table class=\"heat\">\n<colgroup><col class=\"prog\"/>",
    );
    for _ in &rubric.criteria {
        o.push_str("<col/>");
    }
    o.push_str("</colgroup>\n<thead><tr><th class=\"prog\">Programme</th>");
    for k in &rubric.criteria {
        let _ = write!(o, "<th>{}</th>", line(&k.name));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for r in &card.rows {
        let _ = write!(
            o,
            "<tr><td class=\"prog\"><a href=\"#{}\">{}</a></td>",
            esc(&anchor(&r.program_id)),
            line(&r.program_name)
        );
        for c in &r.criteria {
            o.push_str(&heat_cell(rubric, c));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n<div class=\"legend\">");
    for l in legend_levels(&rubric.scale) {
        let (bg, fg) = level_colour(&rubric.scale, l);
        let _ = write!(
            o,
            "<span><span class=\"sw\" style=\"background:{bg};color:{fg}\">{l}</span> {}</span> ",
            rubric.scale.label(l).map(esc).unwrap_or_default()
        );
    }
    o.push_str(
        " <span><span class=\"sw missing\">—</span> missing: no evidence</span> \
         <span><span class=\"sw na\">n/a</span> not applicable</span> \
         <span><span class=\"sw\">*</span> set by an analyst (rating or override)</span></div>\n\
         </section>\n",
    );
}

fn programme(o: &mut String, rubric: &Rubric, row: &ProgramScore, ranked: usize) {
    let _ = write!(
        o,
        "<article class=\"programme\" id=\"{}\">\n<header>\n<p class=\"kicker\">{}</p>\n\
         <h2>{}</h2>\n<p class=\"meta\"><span class=\"id\">{}</span>",
        esc(&anchor(&row.program_id)),
        match row.rank {
            Some(r) => format!("Rank {r} of {ranked}"),
            None => "Not ranked".to_string(),
        },
        line(&row.program_name),
        esc(&row.program_id)
    );
    for part in [&row.country, &row.region, &row.period] {
        if !part.trim().is_empty() {
            let _ = write!(o, " · {}", line(part));
        }
    }
    let _ = write!(
        o,
        " · file <code>{}</code></p>\n</header>\n",
        esc(&row.path)
    );
    o.push_str("<div class=\"summary\">");
    match row.total {
        Some(t) => {
            let _ = write!(
                o,
                "<div class=\"big\"><span class=\"k\">Total</span> <span class=\"v\">{}</span></div>",
                fixed(t, 2)
            );
            if let Some(b) = &row.band {
                let _ = write!(
                    o,
                    "<div><span class=\"k\">Band</span> <span class=\"v\">{}</span></div>",
                    line(b)
                );
            }
        }
        None => {
            o.push_str("<div><span class=\"k\">Total</span> <span class=\"v\">—</span></div>");
        }
    }
    let _ = writeln!(
        o,
        "<div><span class=\"k\">Coverage</span> <span class=\"v\">{}%</span></div>\
         <div><span class=\"k\">Status</span> <span class=\"v\">{}</span></div></div>",
        fixed(row.coverage, 2),
        row.status.name()
    );
    if row.total.is_none() {
        let _ = writeln!(
            o,
            "<p class=\"note\">Not enough evidence for a total: {}% of the applicable weight \
             has evidence, and the rubric asks for {}%.</p>",
            fixed(row.coverage, 2),
            plain(rubric.min_coverage)
        );
    }
    if !row.sources.is_empty() {
        o.push_str("<ul class=\"sources\">");
        for s in &row.sources {
            o.push_str("<li>");
            narration::source(&mut Html::new(o), &s.title, &s.url, &s.published);
            o.push_str("</li>");
        }
        o.push_str("</ul>\n");
    }
    profile(o, rubric, row);
    o.push_str(
        "<h3>Evidence trail</h3>\n<p class=\"note\">Quotes are the sentences of the description \
         in which an indicator's phrases occur, highlighted; the numbers after them are line and \
         column in the file named above. A struck-through phrase is negated and adds no points.</p>\n",
    );
    for (c, k) in row.criteria.iter().zip(&rubric.criteria) {
        criterion(o, rubric, k, c);
    }
    o.push_str("</article>\n");
}

fn profile(o: &mut String, rubric: &Rubric, row: &ProgramScore) {
    o.push_str(
        "<h3>Profile</h3>\n<table class=\"profile\">\n<thead><tr><th>Criterion</th>\
         <th>Score (0–100)</th><th>Level</th><th>Source</th><th class=\"num\">Weight</th>\
         <th class=\"num\">Contribution</th></tr></thead>\n<tbody>\n",
    );
    for (c, k) in row.criteria.iter().zip(&rubric.criteria) {
        let score = match (c.source, c.score) {
            (Source::NotApplicable, _) => "<span class=\"reason\">not applicable</span>".into(),
            (_, Some(s)) => format!(
                "{}<span>{}</span>",
                bar(s, 160, 12, &format!("{} score {}", k.name, fixed(s, 2))),
                fixed(s, 2)
            ),
            (_, None) => "<span class=\"reason\">missing</span>".into(),
        };
        let used = !c.weight.is_zero();
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"bar\">{score}</td><td>{}</td><td>{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            line(&k.name),
            c.level
                .map(|l| esc(&level_text(&rubric.scale, l)))
                .unwrap_or_else(|| "—".into()),
            c.source.name().replace('_', " "),
            if used {
                format!("{}%", fixed(c.weight * Decimal::ONE_HUNDRED, 2))
            } else {
                "—".into()
            },
            if used {
                fixed(c.contribution, 2)
            } else {
                "—".into()
            },
        );
    }
    o.push_str("</tbody>\n</table>\n");
}
