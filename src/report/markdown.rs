//! Markdown for people: the scorecard as GitHub-flavoured Markdown tables and lists, to paste
//! into a report or a wiki, and the rubric as the methodology appendix an organisation
//! publishes beside its scores.
//!
//! Every text that comes from an input is escaped, so that a `|` cannot break a table and a
//! `*`, `<` or `#` in a programme's name stays text.

use std::fmt::Write;

use rust_decimal::Decimal;

use super::trail::{
    self, IndicatorTrail, Quote, Role, Step, assessor, direction_text, grouped, level_range,
    level_text, linkable, match_notes, points, squash, weight_percent,
};
use crate::decimal::{fixed, plain};
use crate::rubric::{Aggregation, Criterion, Method, MissingPolicy, Rubric};
use crate::scoring::{CriterionScore, ProgramScore, Scorecard, Source};

/// Text as Markdown inline content: on one line, with every character that Markdown could read
/// as syntax escaped.
pub(crate) fn text(s: &str) -> String {
    let s = squash(s);
    let s = s.trim();
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &ch) in chars.iter().enumerate() {
        let escape = match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '$' => true,
            // An entity reference (`&lt;`, `&#60;`) would be decoded.
            '&' => {
                let name = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
                    .count();
                name > 0 && chars.get(i + 1 + name) == Some(&';')
            }
            // Block syntax at the start of a line: headings, list items, setext underlines.
            '#' | '+' | '-' | '=' if i == 0 => true,
            // An ordered list item: digits, then `.` or `)`, then a space.
            '.' | ')' => {
                i > 0
                    && chars[..i].iter().all(char::is_ascii_digit)
                    && chars.get(i + 1).is_none_or(|c| *c == ' ')
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// A code span holding `s` exactly; inside a table cell a `|` is escaped, as GFM requires.
pub(crate) fn code(s: &str, in_cell: bool) -> String {
    let s = squash(s);
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.trim().is_empty() {
        " "
    } else {
        ""
    };
    let body = if in_cell { s.replace('|', "\\|") } else { s };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// A GFM table; `align` holds `l`, `r` or `c` per column. Cells are Markdown already.
fn table(out: &mut String, header: &[&str], align: &str, rows: &[Vec<String>]) {
    let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
    out.push_str(&line(&header.iter().map(|h| text(h)).collect::<Vec<_>>()));
    let rule: Vec<String> = align
        .chars()
        .map(|a| match a {
            'r' => "---:".to_string(),
            'c' => ":---:".to_string(),
            _ => ":---".to_string(),
        })
        .collect();
    out.push_str(&line(&rule));
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.is_empty() {
                    " ".to_string()
                } else {
                    c.clone()
                }
            })
            .collect();
        out.push_str(&line(&cells));
    }
    out.push('\n');
}

/// A link to a source when its URL is a web address, else its title and address as text.
fn source_link(title: &str, url: &str) -> String {
    let title = if title.trim().is_empty() { url } else { title };
    if linkable(url) && !url.contains(['<', '>']) {
        format!("[{}](<{}>)", text(title), url)
    } else if url.is_empty() || title == url {
        text(title)
    } else {
        format!("{} ({})", text(title), text(url))
    }
}

fn aggregation_text(a: Aggregation) -> &'static str {
    match a {
        Aggregation::WeightedMean => "the weighted mean of the criterion scores, Σ wᵢ·sᵢ / Σ wᵢ",
        Aggregation::Geometric => {
            "the weighted geometric mean of the criterion scores, Π sᵢ^(wᵢ/Σw); 0 when any score is 0"
        }
        Aggregation::Minimum => "the lowest score among the criteria with a weight above 0",
    }
}

fn missing_text(m: MissingPolicy) -> &'static str {
    match m {
        MissingPolicy::Exclude => {
            "a criterion without evidence drops out and the other weights are renormalised"
        }
        MissingPolicy::Zero => "a criterion without evidence scores 0",
        MissingPolicy::Error => "a criterion without evidence makes the programme an error",
    }
}

/// `pcve 1.0.0`, or the id alone when the rubric has no version.
fn rubric_name(rubric: &Rubric) -> String {
    if rubric.version.is_empty() {
        code(&rubric.id, false)
    } else {
        format!(
            "{} version {}",
            code(&rubric.id, false),
            text(&rubric.version)
        )
    }
}

fn title(rubric: &Rubric) -> String {
    if rubric.title.trim().is_empty() {
        rubric.id.clone()
    } else {
        rubric.title.clone()
    }
}

/// The scale's levels as `0 (Absent) to 4 (Exemplary)`.
fn scale_text(rubric: &Rubric) -> String {
    format!(
        "{} to {}",
        text(&level_text(&rubric.scale, rubric.scale.min)),
        text(&level_text(&rubric.scale, rubric.scale.max))
    )
}

// ---- the scorecard ----

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
        code(&rubric.digest, false),
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
        code(&rubric.digest, false)
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
        for s in &row.sources {
            let published = if s.published.trim().is_empty() {
                String::new()
            } else {
                format!(", published {}", text(&s.published))
            };
            let _ = writeln!(o, "- {}{published}", source_link(&s.title, &s.url));
        }
        o.push('\n');
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
        let steps = trail::steps(rubric, k, c);
        for step in &steps {
            step_text(o, rubric, step);
        }
        if !steps.is_empty() {
            o.push('\n');
        }
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

fn step_text(o: &mut String, rubric: &Rubric, step: &Step<'_>) {
    match step {
        Step::Missing(why) => {
            let _ = writeln!(o, "- Missing: {}", text(why));
        }
        Step::Indicator(ind) => indicator_text(o, ind),
        Step::Sum {
            base,
            terms,
            raw,
            level,
        } => {
            let mut sum = format!("base {base}");
            for (id, p) in terms {
                let sign = if *p < 0 { "−" } else { "+" };
                let _ = write!(sum, " {sign} {} ({})", p.unsigned_abs(), code(id, false));
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
                "- Computed level: {sum}{clamp} = {}",
                text(&level_text(&rubric.scale, *level))
            );
        }
        Step::Formula {
            formula,
            facts,
            value,
            direction,
            level,
        } => {
            match (value, level) {
                (Ok(v), Some((l, range))) => {
                    let _ = writeln!(
                        o,
                        "- Formula {} {} {} ({}): {} gives level {}",
                        code(formula, false),
                        v.relation(),
                        v.text,
                        direction_text(*direction),
                        text(range),
                        text(&level_text(&rubric.scale, *l))
                    );
                }
                (Ok(v), None) => {
                    let _ = writeln!(
                        o,
                        "- Formula {} {} {}",
                        code(formula, false),
                        v.relation(),
                        v.text
                    );
                }
                (Err(why), _) => {
                    let _ = writeln!(
                        o,
                        "- Formula {} cannot be evaluated: {}",
                        code(formula, false),
                        text(why)
                    );
                }
            }
            for f in facts.iter() {
                let unit = f
                    .unit
                    .as_deref()
                    .map(|u| format!(" {}", text(u)))
                    .unwrap_or_default();
                match &f.converted {
                    Some((v, base, rate)) => {
                        let _ = writeln!(
                            o,
                            "  - {} = {}{unit} × {} = {} {}",
                            code(&f.name, false),
                            grouped(f.value),
                            plain(*rate),
                            grouped(*v),
                            text(base)
                        );
                    }
                    None => {
                        let _ = writeln!(
                            o,
                            "  - {} = {}{unit}",
                            code(&f.name, false),
                            grouped(f.value)
                        );
                    }
                }
            }
        }
        Step::Overridden(computed) => {
            let _ = match computed {
                Some(l) => writeln!(
                    o,
                    "- Overridden: the computed level {} was replaced by the analysts' level",
                    text(&level_text(&rubric.scale, *l))
                ),
                None => writeln!(
                    o,
                    "- Overridden: no level could be computed; the analysts' level is used"
                ),
            };
        }
        Step::Assessment(role, a) => {
            let level = match (role, a.level) {
                (Role::NotApplicable, _) | (_, None) => String::new(),
                (_, Some(l)) => format!(", level {}", text(&level_text(&rubric.scale, l))),
            };
            let (role_name, tail) = (role.lead(), role.tail());
            let _ = writeln!(
                o,
                "- {role_name} by {}{level}{tail}: {} ({})",
                text(assessor(a)),
                text(&a.rationale),
                text(&a.origin)
            );
            for e in &a.evidence {
                let _ = writeln!(o, "  - Evidence: {}", text(e));
            }
        }
    }
}

fn indicator_text(o: &mut String, ind: &IndicatorTrail<'_>) {
    let verdict = if ind.counts {
        format!("counts, {}", points(ind.points))
    } else {
        format!(
            "does not count ({}): {} affirmed of {} needed",
            points(ind.points),
            ind.affirmed,
            ind.min_matches
        )
    };
    let _ = writeln!(o, "- {}: {verdict}", code(ind.id, false));
    for q in &ind.quotes {
        let _ = writeln!(o, "  - {}", quote_text(q));
    }
}

/// A quoted sentence with its matches in bold (struck through when negated), then where each
/// match is and what negated it.
fn quote_text(q: &Quote<'_>) -> String {
    let mut s = String::from("“");
    for (part, f) in &q.parts {
        match f {
            None => s.push_str(&text_keep_spaces(part)),
            Some(f) if f.negation.is_some() => {
                let _ = write!(s, "~~{}~~", text(part));
            }
            Some(_) => {
                let _ = write!(s, "**{}**", text(part));
            }
        }
    }
    s.push_str("” (");
    s.push_str(&match_notes(q, text));
    s.push(')');
    s
}

/// Escapes a run of a sentence, keeping the spaces at its ends (it stands between matches).
fn text_keep_spaces(s: &str) -> String {
    let lead = if s.starts_with(' ') { " " } else { "" };
    let trail = if s.ends_with(' ') && !s.trim().is_empty() {
        " "
    } else {
        ""
    };
    let inner = s.trim();
    if inner.is_empty() {
        return lead.to_string();
    }
    // Block syntax cannot start here (the run follows “ or a match), so only inline escapes
    // matter; `text` may add a needless `\` before a leading `-`, which renders the same.
    format!("{lead}{}{trail}", text(inner))
}

// ---- the methodology ----

/// The rubric as a methodology document: what is judged, how each level is reached, and how
/// the levels become a total.
pub fn rubric_doc(rubric: &Rubric) -> String {
    let mut out = String::new();
    let o = &mut out;
    let _ = writeln!(o, "# {} — methodology\n", text(&title(rubric)));
    let _ = writeln!(
        o,
        "Rubric {}, digest {}.\n",
        rubric_name(rubric),
        code(&rubric.digest, false)
    );
    if !rubric.description.trim().is_empty() {
        for para in rubric
            .description
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
        {
            let _ = writeln!(o, "{}\n", text(para));
        }
    }
    overview(o, rubric);
    let _ = writeln!(o, "## Criteria\n");
    for (i, k) in rubric.criteria.iter().enumerate() {
        criterion_doc(o, rubric, i + 1, k);
    }
    negation_doc(o, rubric);
    let _ = writeln!(
        o,
        "---\n\nDigest {} identifies this rubric exactly: any change of meaning (a weight, a \
         phrase, a threshold, a descriptor, the version) changes it, and every scorecard made \
         with the rubric carries it.",
        code(&rubric.digest, false)
    );
    out
}

fn overview(o: &mut String, rubric: &Rubric) {
    let _ = writeln!(o, "## How programmes are scored\n");
    let rows: Vec<Vec<String>> = rubric
        .criteria
        .iter()
        .map(|k| {
            vec![
                format!("{} ({})", text(&k.name), code(&k.id, true)),
                k.method.name().to_string(),
                plain(k.weight),
                format!("{}%", fixed(weight_percent(rubric, k), 2)),
            ]
        })
        .collect();
    table(
        o,
        &["Criterion", "Method", "Weight", "Share of the total"],
        "llrr",
        &rows,
    );
    let s = &rubric.scale;
    let labels = if s.labels.is_empty() {
        String::new()
    } else {
        format!(
            " Levels are labelled {}.",
            (s.min..=s.max)
                .map(|l| text(&level_text(s, l)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let _ = writeln!(
        o,
        "- **Scale.** Each criterion gets a whole-number level from {} to {}; its score is \
         (level − {}) / ({} − {}) × 100.{labels}",
        s.min, s.max, s.min, s.max, s.min
    );
    let _ = writeln!(
        o,
        "- **Weights.** Each weight counts as its share of the sum of the weights (the table \
         above). Weights are renormalised over the criteria that take part in a programme's total."
    );
    let _ = writeln!(
        o,
        "- **Aggregation: {}.** The total is {}.",
        code(rubric.aggregation.name(), false),
        aggregation_text(rubric.aggregation)
    );
    let _ = writeln!(
        o,
        "- **Missing criteria: {}.** A criterion is missing when its method finds nothing to \
         go on (no phrase of it in the text, a fact its formula needs, or an analyst's \
         rating); {}.",
        code(rubric.missing.name(), false),
        missing_text(rubric.missing)
    );
    let _ = writeln!(
        o,
        "- **Minimum coverage: {}%.** Coverage is the percent of the applicable weight (the \
         criteria that apply to the programme) whose criteria are not missing. Status is `ok` \
         at 100%, `partial` at {}% or more, and `insufficient` below: an insufficient programme \
         gets no total, band or rank.",
        plain(rubric.min_coverage),
        plain(rubric.min_coverage)
    );
    let _ = writeln!(
        o,
        "- **Not applicable and overrides.** An analyst may mark a criterion not applicable to \
         a programme, with a rationale: it then leaves the weights and does not lower coverage. \
         An analyst's assessment with `override = true` replaces an evidence or metric level; \
         the computed level is still reported beside it."
    );
    let _ = writeln!(
        o,
        "- **Ranking.** Totals are rounded to 2 decimals, half away from zero, and ranked \
         highest first with standard competition ranking (1, 2, 2, 4).\n"
    );
    if !rubric.bands.is_empty() {
        let _ = writeln!(
            o,
            "### Bands\n\nA total gets the label of the highest band whose minimum it reaches.\n"
        );
        let rows: Vec<Vec<String>> = rubric
            .bands
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let range = match i.checked_sub(1).map(|j| &rubric.bands[j]) {
                    None => format!("{} and above", plain(b.min)),
                    Some(upper) => format!("{} to below {}", plain(b.min), plain(upper.min)),
                };
                vec![text(&b.label), range]
            })
            .collect();
        table(o, &["Band", "Total"], "ll", &rows);
    }
    if let Some(cur) = &rubric.currency {
        let _ = writeln!(
            o,
            "### Currency\n\nMoney facts (a unit of three capital letters) are converted to {} \
             before a formula uses them.\n",
            text(&cur.base)
        );
        let rows: Vec<Vec<String>> = cur
            .rates
            .iter()
            .map(|(code_, rate)| vec![text(code_), format!("{} {}", plain(*rate), text(&cur.base))])
            .collect();
        table(o, &["1 unit of", "is worth"], "lr", &rows);
    }
}

fn criterion_doc(o: &mut String, rubric: &Rubric, n: usize, k: &Criterion) {
    let _ = writeln!(o, "### {n}. {}\n", text(&k.name));
    let _ = writeln!(
        o,
        "{} · method {} · weight {} ({}% of the total)\n",
        code(&k.id, false),
        k.method.name(),
        plain(k.weight),
        fixed(weight_percent(rubric, k), 2)
    );
    if !k.question.trim().is_empty() {
        let _ = writeln!(o, "**Question.** {}\n", text(&k.question));
    }
    let s = &rubric.scale;
    let descriptor = |l: i64| {
        usize::try_from(l - s.min)
            .ok()
            .and_then(|i| k.descriptors.get(i))
            .map(|d| text(d))
            .unwrap_or_default()
    };
    let label = |l: i64| s.label(l).map(text).unwrap_or_default();
    let _ = writeln!(o, "**Levels.**\n");
    match &k.method {
        Method::Metric {
            thresholds,
            direction,
            ..
        } => {
            let rows: Vec<Vec<String>> = (s.min..=s.max)
                .map(|l| {
                    vec![
                        l.to_string(),
                        label(l),
                        text(&level_range(thresholds, *direction, s, l)),
                        descriptor(l),
                    ]
                })
                .collect();
            table(o, &["Level", "Label", "Value", "Descriptor"], "rlll", &rows);
        }
        _ => {
            let rows: Vec<Vec<String>> = (s.min..=s.max)
                .map(|l| vec![l.to_string(), label(l), descriptor(l)])
                .collect();
            table(o, &["Level", "Label", "Descriptor"], "rll", &rows);
        }
    }
    match &k.method {
        Method::Evidence { base, indicators } => {
            let _ = writeln!(
                o,
                "**Method: evidence in the programme's text.** The level starts at {base} and \
                 each indicator that counts adds its points; the sum is kept within {}..{}. An \
                 indicator counts when its phrases occur at least `min_matches` times without \
                 being negated. Phrases match whole words, ignoring case; hyphens, dashes and \
                 spaces are one separator; a trailing `*` lets the last word take any ending. \
                 When no phrase of the criterion occurs at all, negated or not, the criterion is \
                 missing.\n",
                s.min, s.max
            );
            let rows: Vec<Vec<String>> = indicators
                .iter()
                .map(|ind| {
                    vec![
                        code(&ind.id, true),
                        ind.phrases
                            .iter()
                            .map(|p| code(&p.source, true))
                            .collect::<Vec<_>>()
                            .join(", "),
                        format!("{:+}", ind.points),
                        ind.min_matches.to_string(),
                    ]
                })
                .collect();
            table(
                o,
                &["Indicator", "Phrases", "Points", "Minimum matches"],
                "llrr",
                &rows,
            );
        }
        Method::Metric {
            formula, direction, ..
        } => {
            let _ = writeln!(
                o,
                "**Method: a metric.** The formula {} is evaluated exactly over the programme's \
                 facts; {}, and the thresholds give the levels in the table above. A fact the \
                 formula needs but the programme lacks, or a division by zero, makes the \
                 criterion missing.\n",
                code(formula.source(), false),
                direction_text(*direction)
            );
        }
        Method::Rating => {
            let _ = writeln!(
                o,
                "**Method: analysts' rating.** The level comes from analysts' assessments, each \
                 with a rationale, written in the programme's description or in a ratings CSV. \
                 Several assessments combine by their median (for an even count, the lower of \
                 the two middle levels). Without an assessment the criterion is missing.\n"
            );
        }
    }
    if !k.source.trim().is_empty() {
        let _ = writeln!(o, "**Source.** {}\n", text(&k.source));
    }
}

fn negation_doc(o: &mut String, rubric: &Rubric) {
    let n = &rubric.negation;
    let _ = writeln!(o, "## Negation\n");
    let _ = writeln!(
        o,
        "An occurrence of a phrase adds no points when it is negated in its sentence: a cue \
         ends before it and the phrase begins within {} words after the cue, or a post-cue \
         begins within {} words after the phrase, with no terminator between them. A cue inside \
         a pseudo-negation (\"not only\") does not negate, and a phrase never negates itself. A \
         negated occurrence still shows that the text speaks to the criterion, so the criterion \
         is not missing.\n",
        n.window, n.post_window
    );
    let list = |ps: &[crate::evidence::Pattern]| {
        if ps.is_empty() {
            "(none)".to_string()
        } else {
            ps.iter()
                .map(|p| code(&p.source, true))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let rows = vec![
        vec![code("window", true), n.window.to_string()],
        vec![code("post_window", true), n.post_window.to_string()],
        vec![code("cues", true), list(&n.cues)],
        vec![code("post_cues", true), list(&n.post_cues)],
        vec![code("pseudo", true), list(&n.pseudo)],
        vec![code("terminators", true), list(&n.terminators)],
    ];
    table(o, &["Setting", "Value"], "ll", &rows);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_syntax_in_text_is_escaped() {
        assert_eq!(text("a | b"), "a \\| b");
        assert_eq!(
            text("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(text("# not a heading"), "\\# not a heading");
        assert_eq!(text("- not a list"), "\\- not a list");
        assert_eq!(text("2019. A year"), "2019\\. A year");
        assert_eq!(
            text("snake_case *x* [l](u)"),
            "snake\\_case \\*x\\* \\[l\\](u)"
        );
        assert_eq!(text("AT&T &amp;"), "AT&T \\&amp;");
        assert_eq!(text("US$285\nmillion"), "US\\$285 million");
        assert_eq!(text("2013-2017"), "2013-2017");
    }

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(code("a_b", false), "`a_b`");
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`x", false), "`` `x ``");
        assert_eq!(code("a|b", true), "`a\\|b`");
    }
}
