//! Self-contained HTML reports for people who will not open a CSV: the scorecard (ranking,
//! heatmap, per-programme profile and evidence trail) and the sensitivity analysis.
//!
//! One file each, with inline CSS and SVG: no script, no font or image to fetch, nothing that
//! needs a network, so that it opens offline, can be mailed, and prints on A4. The markup is
//! well-formed XHTML-compatible HTML (every element closed, attributes quoted, only XML's
//! own entities) so that tests can parse it with an XML reader. Every text from an input is
//! escaped; the only links that leave the page are the programmes' own `http(s)` sources.
//!
//! Colour never carries meaning alone: every heatmap cell says its level and label, missing and
//! not-applicable cells say so, and the palette is a single-hue blue ramp that reads in grey
//! and for colour-blind readers.

use std::fmt::Write;

use rust_decimal::Decimal;

use super::trail::{
    self, IndicatorTrail, Quote, Role, Step, assessor, direction_text, grouped, level_text,
    linkable, match_notes, points,
};
use crate::decimal::{fixed, parse_decimal, plain};
use crate::rubric::{Aggregation, MissingPolicy, Rubric, Scale};
use crate::scoring::{CriterionScore, ProgramScore, Scorecard, Source};
use crate::sensitivity::{Robustness, Settings};

/// Text as HTML character data or an attribute value. Characters that XML forbids (most C0
/// controls) become U+FFFD, so the page stays well-formed whatever a description holds.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text on one line.
fn line(s: &str) -> String {
    esc(trail::squash(s).trim())
}

/// polscore's own messages (why a criterion is missing) on one line, with their `names` set
/// as code, as the terminal shows them in backticks.
fn message(s: &str) -> String {
    let text = line(s);
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // An unpaired backtick: leave the text as it is.
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// A single-hue sequential ramp (ColorBrewer Blues, light to dark): safe for colour-blind
/// readers and still ordered when printed in grey.
const RAMP: [(u8, u8, u8); 8] = [
    (0xde, 0xeb, 0xf7),
    (0xc6, 0xdb, 0xef),
    (0x9e, 0xca, 0xe1),
    (0x6b, 0xae, 0xd6),
    (0x42, 0x92, 0xc6),
    (0x21, 0x71, 0xb5),
    (0x08, 0x51, 0x9c),
    (0x08, 0x30, 0x6b),
];

/// The ramp's colour at `num / den` (0 light, 1 dark), and the text colour that reads on it.
fn ramp(num: u64, den: u64) -> (String, &'static str) {
    let steps = (RAMP.len() - 1) as u64;
    let den = den.max(1);
    let pos = num.min(den) * steps;
    let (i, rem) = ((pos / den) as usize, pos % den);
    let a = RAMP[i];
    let b = RAMP[(i + 1).min(RAMP.len() - 1)];
    let mix = |x: u8, y: u8| -> u8 {
        let (x, y) = (i64::from(x), i64::from(y));
        (x + (y - x) * rem as i64 / den as i64) as u8
    };
    let (r, g, bl) = (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2));
    // WCAG relative luminance: dark text where it contrasts more than white.
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(bl);
    let white = 1.05 / (lum + 0.05);
    let black = (lum + 0.05) / 0.05;
    let fg = if white > black { "#ffffff" } else { "#14202e" };
    (format!("#{r:02x}{g:02x}{bl:02x}"), fg)
}

/// The colour of a level on the rubric's scale.
fn level_colour(scale: &Scale, level: i64) -> (String, &'static str) {
    let num = u64::try_from(level - scale.min).unwrap_or(0);
    ramp(num, scale.steps() as u64)
}

const CSS: &str = r#"
:root {
  --ink: #17202b; --muted: #5a6573; --rule: #d5dbe2; --faint: #eef1f4;
  --accent: #1f3a5f; --mark: #fde9a9;
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0; color: var(--ink); background: #ffffff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif;
  font-size: 15px; line-height: 1.5;
  font-variant-numeric: tabular-nums;
}
.page { max-width: 62rem; margin: 0 auto; padding: 3rem 2.5rem 2rem; }
h1, h2, h3, h4 { line-height: 1.25; margin: 0; font-weight: 650; }
h1 { font-size: 2rem; letter-spacing: -0.01em; color: var(--accent); max-width: 46rem; }
h2 { font-size: 1.35rem; margin: 2.75rem 0 0.9rem; padding-bottom: 0.35rem;
  border-bottom: 2px solid var(--accent); color: var(--accent); }
h3 { font-size: 1.02rem; margin: 1.8rem 0 0.6rem; }
h4 { font-size: 0.95rem; margin: 0 0 0.4rem; }
p { margin: 0 0 0.75rem; }
a { color: var(--accent); }
code, .id, .loc { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas,
  "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.86em; }
.kicker { text-transform: uppercase; letter-spacing: 0.12em; font-size: 0.75rem;
  color: var(--muted); margin-bottom: 0.6rem; font-weight: 600; }
.lede { font-size: 1.08rem; color: #2c3846; max-width: 46rem; margin-top: 0.9rem; }
.cover { padding-bottom: 1.4rem; border-bottom: 1px solid var(--rule); }
dl.method { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1.4rem;
  margin: 1.3rem 0 0; font-size: 0.88rem; }
dl.method dt { color: var(--muted); }
dl.method dd { margin: 0; }
.note { font-size: 0.82rem; color: var(--muted); max-width: 48rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.88rem; }
th { text-align: left; font-weight: 600; font-size: 0.74rem; text-transform: uppercase;
  letter-spacing: 0.05em; color: var(--muted); padding: 0.5rem 0.55rem;
  border-bottom: 1.5px solid var(--ink); vertical-align: bottom; }
td { padding: 0.5rem 0.55rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
th.num, td.num { text-align: right; white-space: nowrap; }
td.rank { font-weight: 650; font-size: 1rem; }
td .id { display: block; color: var(--muted); margin-top: 0.1rem; font-size: 0.74rem; }
table.ranking { table-layout: fixed; }
table.ranking td { overflow-wrap: anywhere; }
col.c-rank { width: 5%; } col.c-prog { width: 29%; } col.c-country { width: 15%; }
col.c-period { width: 10%; } col.c-total { width: 12%; } col.c-band { width: 10%; }
col.c-cov { width: 9%; } col.c-status { width: 10%; }
table.ranking th:last-child, table.ranking td:last-child { padding-left: 0.9rem; }
table.ranking td.name a { text-decoration: none; font-weight: 600; }
table.ranking td.nowrap { white-space: nowrap; }
td.total { white-space: nowrap; }
td.total svg { vertical-align: middle; margin-left: 0.5rem; }
.status { display: inline-block; padding: 0.05rem 0.45rem; border-radius: 0.6rem;
  font-size: 0.76rem; border: 1px solid var(--rule); white-space: nowrap; }
.status.partial { background: var(--faint); }
.status.insufficient { border-style: dashed; color: var(--muted); }
tr.insufficient td { color: var(--muted); }
table.heat { border-collapse: separate; border-spacing: 3px; font-size: 0.82rem;
  table-layout: fixed; }
table.heat col.prog { width: 28%; }
table.heat th { border: 0; text-align: center; text-transform: none; letter-spacing: 0;
  font-size: 0.76rem; color: var(--ink); padding: 0.3rem; }
table.heat th.prog { text-align: left; }
table.heat td { border: 0; text-align: center; vertical-align: middle; padding: 0.35rem 0.25rem;
  border-radius: 3px; min-width: 5.2rem; }
table.heat td.prog { text-align: left; background: none; padding-left: 0; font-size: 0.85rem; }
table.heat td.prog a { text-decoration: none; color: var(--ink); }
.lv { display: block; font-weight: 700; font-size: 1rem; line-height: 1.1; }
.lb { display: block; font-size: 0.72rem; }
td.missing { border: 1px dashed #8a96a3 !important; color: var(--muted); }
td.na { color: #4a5461;
  background: repeating-linear-gradient(135deg, #e9ecef 0, #e9ecef 4px, #f8f9fa 4px, #f8f9fa 8px); }
.legend { display: flex; flex-wrap: wrap; gap: 0.35rem 1rem; margin: 0.8rem 0 0;
  font-size: 0.78rem; color: var(--muted); align-items: center; }
.legend .sw { display: inline-block; min-width: 1.7rem; padding: 0.05rem 0.3rem;
  text-align: center; border-radius: 3px; margin-right: 0.3rem; font-weight: 700; }
.legend .sw.missing { border: 1px dashed #8a96a3; }
.legend .sw.na { background: repeating-linear-gradient(135deg, #e9ecef 0, #e9ecef 4px,
  #f8f9fa 4px, #f8f9fa 8px); }
article.programme { margin-top: 3.5rem; padding-top: 1.2rem; border-top: 3px solid var(--accent); }
article.programme > header h2 { border: 0; margin: 0.15rem 0 0.35rem; padding: 0; font-size: 1.45rem; }
.meta { color: var(--muted); font-size: 0.86rem; }
.meta .id { font-size: 0.8rem; }
.summary { display: flex; flex-wrap: wrap; gap: 0.8rem; margin: 1.1rem 0 0.4rem; }
.summary div { border: 1px solid var(--rule); border-radius: 4px; padding: 0.55rem 0.9rem;
  min-width: 8.5rem; }
.summary .k { display: block; font-size: 0.7rem; text-transform: uppercase;
  letter-spacing: 0.07em; color: var(--muted); }
.summary .v { display: block; font-size: 1.3rem; font-weight: 650; }
.summary .big { background: var(--accent); color: #ffffff; border-color: var(--accent); }
.summary .big .k { color: #c9d6e6; }
ul.sources { margin: 0.6rem 0 0; padding-left: 1.1rem; font-size: 0.86rem; }
table.profile td { vertical-align: middle; }
table.profile td.bar { width: 15rem; white-space: nowrap; }
table.profile td.bar svg { vertical-align: middle; }
table.profile td.bar span { display: inline-block; min-width: 3.2rem; text-align: right;
  margin-left: 0.4rem; }
.badge { display: inline-block; border-radius: 3px; padding: 0.02rem 0.45rem;
  font-size: 0.78rem; font-weight: 600; white-space: nowrap; }
.badge.missing { border: 1px dashed #8a96a3; color: var(--muted); font-weight: 500; }
.badge.na { border: 1px solid var(--rule); color: var(--muted); font-weight: 500; }
.src { color: var(--muted); font-size: 0.8rem; font-weight: 400; margin-left: 0.3rem; }
section.crit { padding: 0.85rem 0 0.9rem; border-bottom: 1px solid var(--faint); }
section.crit h4 .name { margin-right: 0.5rem; }
ul.trail { list-style: none; margin: 0; padding: 0; font-size: 0.88rem; }
ul.trail > li { margin: 0.35rem 0; padding-left: 1rem; position: relative; }
ul.trail > li::before { content: "›"; position: absolute; left: 0.15rem; color: var(--muted); }
ul.trail ul { list-style: none; margin: 0.3rem 0 0; padding: 0; }
.ind { font-weight: 600; }
.verdict { color: var(--muted); }
.verdict.counts { color: var(--ink); }
blockquote { margin: 0.3rem 0 0.45rem; padding: 0.1rem 0 0.1rem 0.8rem;
  border-left: 3px solid #b9c8d8; color: #2b3541; }
blockquote .loc { color: var(--muted); white-space: nowrap; margin-left: 0.35rem; }
mark { background: var(--mark); color: inherit; font-weight: 600; padding: 0 0.1rem;
  border-radius: 2px; }
mark.neg { background: #e3e6ea; text-decoration: line-through; font-weight: 500; }
.reason { color: var(--muted); font-style: italic; }
.rationale { display: block; margin-top: 0.15rem; }
.facts { color: #2b3541; }
footer { margin-top: 3.5rem; padding-top: 0.9rem; border-top: 1px solid var(--rule);
  font-size: 0.78rem; color: var(--muted); }
footer p { margin: 0.15rem 0; }
table.accept td.chart { width: 60%; }
table.accept td { vertical-align: middle; }
table.shares { font-size: 0.74rem; }
table.shares th, table.shares td { padding: 0.3rem 0.3rem; }
table.shares th { white-space: normal; letter-spacing: 0; }
td.zero { color: #a3acb6; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { font-size: 9.5pt; }
  th, td { padding: 0.35rem 0.3rem; }
  th { letter-spacing: 0; font-size: 0.66rem; }
  table.ranking { font-size: 8.5pt; }
  table.ranking td.nowrap { white-space: normal; }
  td.total svg { display: none; }
  col.c-rank { width: 6%; } col.c-prog { width: 28%; } col.c-country { width: 15%; }
  col.c-period { width: 11%; } col.c-total { width: 8%; } col.c-band { width: 10%; }
  col.c-cov { width: 10%; } col.c-status { width: 12%; }
  .status { font-size: 0.6rem; padding: 0 0.3rem; }
  .page { max-width: none; padding: 0; }
  h2 { margin-top: 1.6rem; }
  article.programme { break-before: page; margin-top: 0; border-top: 0; padding-top: 0; }
  thead { display: table-header-group; }
  tr, blockquote, .summary, table.profile, section.crit h4, dl.method { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  section.heatmap { break-before: page; }
  a { text-decoration: none; color: var(--ink); }
  ul.sources a::after { content: " (" attr(href) ")"; color: var(--muted); font-size: 0.85em;
    word-break: break-all; }
}
"#;

/// Landscape pages for the wide tables of the sensitivity report.
const CSS_LANDSCAPE: &str = "@page { size: A4 landscape; margin: 14mm; }\n\
    .page { max-width: 80rem; }\ntable.shares td .id { font-size: 0.72rem; }\n";

fn head(o: &mut String, title: &str, extra_css: &str) {
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <meta name=\"generator\" content=\"polscore {}\"/>\n<title>{}</title>\n\
         <style>{CSS}{extra_css}</style>\n</head>\n<body>\n<div class=\"page\">\n",
        env!("CARGO_PKG_VERSION"),
        esc(title)
    );
}

fn foot(o: &mut String, rubric: &Rubric, note: &str) {
    let _ = write!(
        o,
        "<footer>\n<p>Rubric <code>{}</code>{} · digest <code>{}</code> · polscore {}</p>\n\
         <p>{}</p>\n</footer>\n</div>\n</body>\n</html>\n",
        esc(&rubric.id),
        if rubric.version.is_empty() {
            String::new()
        } else {
            format!(" version {}", esc(&rubric.version))
        },
        esc(&rubric.digest),
        env!("CARGO_PKG_VERSION"),
        esc(note)
    );
}

fn rubric_title(rubric: &Rubric) -> &str {
    if rubric.title.trim().is_empty() {
        &rubric.id
    } else {
        &rubric.title
    }
}

fn rubric_name(rubric: &Rubric) -> String {
    if rubric.version.is_empty() {
        format!("<code>{}</code>", esc(&rubric.id))
    } else {
        format!(
            "<code>{}</code> version {}",
            esc(&rubric.id),
            esc(&rubric.version)
        )
    }
}

/// The anchor of a programme's section.
fn anchor(id: &str) -> String {
    format!("p-{id}")
}

/// A horizontal bar of `score` (0 to 100) on a track `width` pixels wide; a wide track shows
/// quarter marks behind the bar.
fn bar(score: Decimal, width: u32, height: u32, label: &str) -> String {
    let w = Decimal::from(width);
    let len = (score.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED) * w / Decimal::ONE_HUNDRED)
        .round_dp(2)
        .normalize();
    let mut s = format!(
        "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         role=\"img\" aria-label=\"{}\"><rect x=\"0\" y=\"0\" width=\"{width}\" \
         height=\"{height}\" fill=\"#eef1f4\"/>",
        esc(label)
    );
    if width >= 100 {
        for q in 1..4 {
            let x = width * q / 4;
            let _ = write!(
                s,
                "<line x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"{height}\" stroke=\"#c3cbd4\" \
                 stroke-width=\"1\"/>"
            );
        }
    }
    let _ = write!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{len}\" height=\"{height}\" fill=\"#1f3a5f\"/></svg>"
    );
    s
}

// ---- the scorecard ----

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

fn aggregation_text(a: Aggregation) -> &'static str {
    match a {
        Aggregation::WeightedMean => "weighted mean of the criterion scores",
        Aggregation::Geometric => "weighted geometric mean of the criterion scores",
        Aggregation::Minimum => "lowest criterion score",
    }
}

fn missing_text(m: MissingPolicy) -> &'static str {
    match m {
        MissingPolicy::Exclude => "left out; the other weights are renormalised",
        MissingPolicy::Zero => "scored 0",
        MissingPolicy::Error => "not allowed",
    }
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
                    fixed(trail::weight_percent(rubric, k), 2)
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
            let title = if s.title.trim().is_empty() {
                &s.url
            } else {
                &s.title
            };
            let published = if s.published.trim().is_empty() {
                String::new()
            } else {
                format!(", published {}", line(&s.published))
            };
            if linkable(&s.url) {
                let _ = write!(
                    o,
                    "<li><a href=\"{}\">{}</a>{published}</li>",
                    esc(&s.url),
                    line(title)
                );
            } else if s.url.trim().is_empty() || title == &s.url {
                let _ = write!(o, "<li>{}{published}</li>", line(title));
            } else {
                let _ = write!(o, "<li>{} ({}){published}</li>", line(title), line(&s.url));
            }
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
        let _ = write!(
            o,
            "<section class=\"crit\">\n<h4><span class=\"name\">{}</span> {}</h4>\n",
            line(&k.name),
            badge(rubric, c)
        );
        let steps = trail::steps(rubric, k, c);
        if !steps.is_empty() {
            o.push_str("<ul class=\"trail\">\n");
            for step in &steps {
                step_html(o, rubric, step);
            }
            o.push_str("</ul>\n");
        }
        o.push_str("</section>\n");
    }
    o.push_str("</article>\n");
}

/// The level as a coloured badge, with where it came from.
fn badge(rubric: &Rubric, c: &CriterionScore) -> String {
    match (c.source, c.level) {
        (Source::NotApplicable, _) => "<span class=\"badge na\">n/a · not applicable</span>".into(),
        (Source::Missing, _) if c.score.is_some() => {
            "<span class=\"badge missing\">— · missing, scored 0</span>".into()
        }
        (_, None) => "<span class=\"badge missing\">— · missing</span>".into(),
        (source, Some(l)) => {
            let (bg, fg) = level_colour(&rubric.scale, l);
            let label = rubric
                .scale
                .label(l)
                .map(|s| format!(" · {}", esc(s)))
                .unwrap_or_default();
            format!(
                "<span class=\"badge\" style=\"background:{bg};color:{fg}\">{l}{label}</span> \
                 <span class=\"src\">from {}</span>",
                source.name()
            )
        }
    }
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

fn step_html(o: &mut String, rubric: &Rubric, step: &Step<'_>) {
    match step {
        Step::Missing(why) => {
            let _ = writeln!(
                o,
                "<li>Missing: <span class=\"reason\">{}</span></li>",
                message(why)
            );
        }
        Step::Indicator(ind) => indicator_html(o, ind),
        Step::Sum {
            base,
            terms,
            raw,
            level,
        } => {
            let mut sum = format!("base {base}");
            for (id, p) in terms {
                let sign = if *p < 0 { "−" } else { "+" };
                let _ = write!(
                    sum,
                    " {sign} {} (<code>{}</code>)",
                    p.unsigned_abs(),
                    esc(id)
                );
            }
            let clamp = if raw == level {
                String::new()
            } else {
                format!(
                    " = {raw}, kept within {}..{}",
                    rubric.scale.min, rubric.scale.max
                )
            };
            let _ = writeln!(
                o,
                "<li>Computed level: {sum}{clamp} = <strong>{}</strong></li>",
                esc(&level_text(&rubric.scale, *level))
            );
        }
        Step::Formula {
            formula,
            facts,
            value,
            direction,
            level,
        } => {
            o.push_str("<li>");
            match (value, level) {
                (Ok(v), Some((l, range))) => {
                    let _ = write!(
                        o,
                        "Formula <code>{}</code> {} <strong>{}</strong> ({}): {} gives level \
                         <strong>{}</strong>",
                        esc(formula),
                        v.relation(),
                        v.text,
                        direction_text(*direction),
                        esc(range),
                        esc(&level_text(&rubric.scale, *l))
                    );
                }
                (Ok(v), None) => {
                    let _ = write!(
                        o,
                        "Formula <code>{}</code> {} {}",
                        esc(formula),
                        v.relation(),
                        v.text
                    );
                }
                (Err(why), _) => {
                    let _ = write!(
                        o,
                        "Formula <code>{}</code> cannot be evaluated: <span class=\"reason\">{}</span>",
                        esc(formula),
                        message(why)
                    );
                }
            }
            if !facts.is_empty() {
                o.push_str("<ul class=\"facts\">");
                for f in facts.iter() {
                    let unit = f
                        .unit
                        .as_deref()
                        .map(|u| format!(" {}", esc(u)))
                        .unwrap_or_default();
                    let conv = match &f.converted {
                        Some((v, base, rate)) => {
                            format!(" × {} = {} {}", plain(*rate), grouped(*v), esc(base))
                        }
                        None => String::new(),
                    };
                    let _ = write!(
                        o,
                        "<li><code>{}</code> = {}{unit}{conv}</li>",
                        esc(&f.name),
                        grouped(f.value)
                    );
                }
                o.push_str("</ul>");
            }
            o.push_str("</li>\n");
        }
        Step::Overridden(computed) => {
            let _ = match computed {
                Some(l) => writeln!(
                    o,
                    "<li>Overridden: the computed level {} was replaced by the analysts' level</li>",
                    esc(&level_text(&rubric.scale, *l))
                ),
                None => writeln!(
                    o,
                    "<li>Overridden: no level could be computed; the analysts' level is used</li>"
                ),
            };
        }
        Step::Assessment(role, a) => {
            let level = match (role, a.level) {
                (Role::NotApplicable, _) | (_, None) => String::new(),
                (_, Some(l)) => format!(", level {}", esc(&level_text(&rubric.scale, l))),
            };
            let (role_name, tail) = (role.lead(), role.tail());
            let _ = write!(
                o,
                "<li><span class=\"ind\">{role_name}</span> by {}{level}{tail} \
                 <span class=\"loc\">{}</span> <span class=\"rationale\">{}</span>",
                line(assessor(a)),
                line(&a.origin),
                line(&a.rationale)
            );
            if !a.evidence.is_empty() {
                o.push_str("<ul>");
                for e in &a.evidence {
                    let _ = write!(o, "<li>Evidence: {}</li>", line(e));
                }
                o.push_str("</ul>");
            }
            o.push_str("</li>\n");
        }
    }
}

fn indicator_html(o: &mut String, ind: &IndicatorTrail<'_>) {
    let verdict = if ind.counts {
        format!(
            "<span class=\"verdict counts\">counts, {}</span>",
            points(ind.points)
        )
    } else {
        format!(
            "<span class=\"verdict\">does not count ({}): {} affirmed of {} needed</span>",
            points(ind.points),
            ind.affirmed,
            ind.min_matches
        )
    };
    let _ = write!(
        o,
        "<li><code class=\"ind\">{}</code> {verdict}",
        esc(ind.id)
    );
    for q in &ind.quotes {
        quote_html(o, q);
    }
    o.push_str("</li>\n");
}

fn quote_html(o: &mut String, q: &Quote<'_>) {
    o.push_str("<blockquote>“");
    for (part, f) in &q.parts {
        match f {
            None => o.push_str(&esc(part)),
            Some(f) if f.negation.is_some() => {
                let _ = write!(o, "<mark class=\"neg\">{}</mark>", esc(part));
            }
            Some(_) => {
                let _ = write!(o, "<mark>{}</mark>", esc(part));
            }
        }
    }
    o.push('”');
    let _ = write!(
        o,
        " <span class=\"loc\">({})</span></blockquote>",
        match_notes(q, line)
    );
}

// ---- sensitivity ----

/// A sampled share as a percentage with one decimal.
fn percent(x: f64) -> String {
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

/// Rank 1 darkest, the last rank lightest.
fn rank_colour(rank: usize, n: usize) -> (String, &'static str) {
    let den = n.saturating_sub(1).max(1) as u64;
    ramp(den - (rank.saturating_sub(1) as u64).min(den), den)
}

/// One programme's rank acceptability as a stacked horizontal bar.
fn stacked(r: &Robustness, n: usize) -> String {
    const W: f64 = 480.0;
    const H: u32 = 22;
    let mut s = format!(
        "<svg width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" \
         aria-label=\"share of samples at each rank for {}\">",
        esc(&r.program_id)
    );
    let mut x = 0.0_f64;
    let mut segment =
        |s: &mut String, share: f64, fill: &str, fg: &str, label: &str, tip: String| {
            if share <= 0.0 {
                return;
            }
            let w = share * W;
            let _ = write!(
                s,
                "<rect x=\"{x:.2}\" y=\"0\" width=\"{w:.2}\" height=\"{H}\" fill=\"{fill}\" \
             stroke=\"#ffffff\" stroke-width=\"1\"><title>{}</title></rect>",
                esc(&tip)
            );
            if w >= 18.0 {
                let _ = write!(
                    s,
                    "<text x=\"{:.2}\" y=\"15\" text-anchor=\"middle\" font-size=\"11\" \
                 font-weight=\"600\" fill=\"{fg}\">{}</text>",
                    x + w / 2.0,
                    esc(label)
                );
            }
            x += w;
        };
    for (i, share) in r.rank_shares.iter().enumerate() {
        let (bg, fg) = rank_colour(i + 1, n);
        segment(
            &mut s,
            *share,
            &bg,
            fg,
            &(i + 1).to_string(),
            format!("rank {}: {}% of samples", i + 1, percent(*share)),
        );
    }
    segment(
        &mut s,
        r.unranked_share,
        "#d3d8de",
        "#3b4450",
        "–",
        format!("not ranked: {}% of samples", percent(r.unranked_share)),
    );
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(esc("a\u{1}b\u{FFFF}"), "a\u{FFFD}b\u{FFFD}");
    }

    #[test]
    fn messages_set_backticked_names_as_code() {
        assert_eq!(
            message("facts `budget`, `misused` are not given"),
            "facts <code>budget</code>, <code>misused</code> are not given"
        );
        assert_eq!(message("a `<b>` c"), "a <code>&lt;b&gt;</code> c");
        assert_eq!(message("one ` tick"), "one ` tick");
    }

    #[test]
    fn the_ramp_runs_light_to_dark_with_readable_text() {
        assert_eq!(ramp(0, 4), ("#deebf7".to_string(), "#14202e"));
        assert_eq!(ramp(4, 4), ("#08306b".to_string(), "#ffffff"));
        // A one-step scale and an empty one do not divide by zero.
        assert_eq!(ramp(1, 1).0, "#08306b");
        assert_eq!(ramp(0, 0).0, "#deebf7");
    }
}
