//! The sensitivity analysis as one self-contained HTML page: how the ranking moves when the
//! weights move.

use std::fmt::Write;

use rust_decimal::Decimal;

use super::charts::{rank_colour, stacked};
use super::{CSS_LANDSCAPE, esc, foot, head, line, rubric_name, rubric_title};
use crate::decimal::{fixed, parse_decimal, plain};
use crate::rubric::Rubric;
use crate::scoring::Scorecard;
use crate::sensitivity::{Robustness, Settings};

/// A sampled share as a percentage with one decimal.
pub(super) fn percent(x: f64) -> String {
    Decimal::from_f64_retain(x * 100.0)
        .map(|d| fixed(d, 1))
        .unwrap_or_default()
}

/// The sensitivity analysis as one self-contained HTML page: a stacked bar per programme of
/// the share of samples at each rank (rank acceptability), and the numbers in tables.
pub fn sensitivity(
    rubric: &Rubric,
    card: &Scorecard,
    result: &[Robustness],
    settings: &Settings,
) -> Vec<u8> {
    let mut out = String::new();
    let o = &mut out;
    head(
        o,
        &format!("Rank robustness: {}", rubric_title(rubric)),
        CSS_LANDSCAPE,
    );
    let spread = parse_decimal(&settings.spread.to_string()).unwrap_or(Decimal::ZERO);
    let n = result.len();
    let _ = write!(
        o,
        "<header class=\"cover\">\n<p class=\"kicker\">Rank robustness</p>\n<h1>{}</h1>\n\
         <p class=\"lede\">How the ranking of {n} programme{} scored against rubric {} changes \
         when the weights move: every weight was multiplied by a factor drawn at random between \
         {} and {}, renormalised, and the programmes re-ranked, {} times (seed {}).</p>\n\
         </header>\n",
        esc(rubric_title(rubric)),
        if n == 1 { "" } else { "s" },
        rubric_name(rubric),
        plain(Decimal::ONE - spread),
        plain(Decimal::ONE + spread),
        settings.samples,
        settings.seed
    );
    let name_of = |id: &str| {
        card.rows
            .iter()
            .find(|r| r.program_id == id)
            .map(|r| r.program_name.clone())
            .unwrap_or_default()
    };
    o.push_str(
        "<section>\n<h2>Share of samples at each rank</h2>\n<p class=\"note\">Each bar is one \
         programme's samples: dark segments are high ranks, light ones low ranks, and the \
         number in a segment is the rank. A programme whose bar is one colour keeps its rank \
         whatever the weights; a grey segment is the share of samples in which it had \
         too little evidence to be ranked.</p>\n<table class=\"accept\">\n<thead><tr>\
         <th>Programme</th><th class=\"num\">Rank</th><th>Samples at each rank</th></tr>\
         </thead>\n<tbody>\n",
    );
    for r in result {
        let _ = writeln!(
            o,
            "<tr><td>{} <span class=\"id\">{}</span></td><td class=\"num rank\">{}</td>\
             <td class=\"chart\">{}</td></tr>",
            line(&name_of(&r.program_id)),
            esc(&r.program_id),
            r.base_rank
                .map(|x| x.to_string())
                .unwrap_or_else(|| "—".into()),
            stacked(r, n)
        );
    }
    o.push_str("</tbody>\n</table>\n<div class=\"legend\">");
    for rank in 1..=n {
        let (bg, fg) = rank_colour(rank, n);
        let _ = write!(
            o,
            "<span><span class=\"sw\" style=\"background:{bg};color:{fg}\">{rank}</span></span> "
        );
    }
    o.push_str(
        "<span><span class=\"sw\" style=\"background:#d3d8de\">–</span> not ranked</span>\
         </div>\n</section>\n",
    );
    // The numbers behind the bars.
    o.push_str(
        "<section>\n<h2>The numbers</h2>\n<p class=\"note\">Mean, 5th and 95th percentile rank \
         over the samples in which a programme was ranked; shares in percent of all samples.</p>\n\
         <table class=\"shares\">\n<thead><tr><th>Programme</th><th class=\"num\">Base</th>\
         <th class=\"num\">Mean</th><th class=\"num\">P5</th><th class=\"num\">P95</th>\
         <th class=\"num\">Not ranked</th>",
    );
    for rank in 1..=n {
        let _ = write!(o, "<th class=\"num\">#{rank}</th>");
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    let rank_cell = |x: Option<usize>| x.map(|x| x.to_string()).unwrap_or_else(|| "—".into());
    for r in result {
        let _ = write!(
            o,
            "<tr><td><span class=\"id\">{}</span></td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>{}",
            esc(&r.program_id),
            rank_cell(r.base_rank),
            r.mean_rank
                .and_then(Decimal::from_f64_retain)
                .map(|m| fixed(m, 2))
                .unwrap_or_else(|| "—".into()),
            rank_cell(r.p5_rank),
            rank_cell(r.p95_rank),
            share_cell(r.unranked_share)
        );
        for s in &r.rank_shares {
            o.push_str(&share_cell(*s));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
    // Leave-one-out.
    o.push_str(
        "<section>\n<h2>Rank with each criterion left out</h2>\n<p class=\"note\">The rank each \
         programme gets when one criterion's weight is set to 0 and the others are renormalised, \
         computed exactly.</p>\n<table class=\"shares\">\n<thead><tr><th>Programme</th>\
         <th class=\"num\">Base</th>",
    );
    for k in &rubric.criteria {
        let _ = write!(o, "<th class=\"num\">without {}</th>", line(&k.name));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for r in result {
        let _ = write!(
            o,
            "<tr><td><span class=\"id\">{}</span></td><td class=\"num\">{}</td>",
            esc(&r.program_id),
            rank_cell(r.base_rank)
        );
        for w in &r.without {
            let _ = write!(o, "<td class=\"num\">{}</td>", rank_cell(*w));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
    foot(
        o,
        rubric,
        "Samples run in binary floating point with a seeded generator: the same command gives \
         the same report. Totals are rounded to 2 decimals before ranking, as in the scorecard.",
    );
    out.into_bytes()
}

fn share_cell(x: f64) -> String {
    if x == 0.0 {
        "<td class=\"num zero\">0.0</td>".to_string()
    } else {
        format!("<td class=\"num\">{}</td>", percent(x))
    }
}
