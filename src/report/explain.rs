//! `polscore explain`: why each criterion of one programme has its level, for a terminal.
//! The evidence is told by the same narration as the reports, in plain text indented two
//! spaces a level, with the detail someone checking a rubric wants.

use std::fmt::Write;

use super::narration::{self, Detail, Lines, Markup, Span, aggregation_text, missing_text};
use super::trail::{level_text, squash};
use super::{collapse, opt_fixed};
use crate::decimal::{fixed, plain};
use crate::rubric::{Criterion, Rubric};
use crate::scoring::{CriterionScore, ProgramScore, Source};

/// The explanation of one scored programme.
pub fn render(rubric: &Rubric, row: &ProgramScore) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "{} — {}", row.program_id, row.program_name);
    let _ = writeln!(w, "  file:     {}", row.path);
    let _ = writeln!(
        w,
        "  rubric:   {} {} ({})",
        rubric.id,
        if rubric.version.is_empty() {
            ""
        } else {
            &rubric.version
        },
        rubric.digest()
    );
    let _ = writeln!(
        w,
        "  levels:   {} to {}",
        level_text(&rubric.scale, rubric.scale.min),
        level_text(&rubric.scale, rubric.scale.max)
    );
    let total = match row.total {
        Some(_) => opt_fixed(row.total, 2),
        None => "— (not enough evidence)".to_string(),
    };
    let band = row
        .band
        .as_deref()
        .map(|b| format!(" ({b})"))
        .unwrap_or_default();
    let _ = writeln!(
        w,
        "  total:    {total}{band}, {} (aggregation = \"{}\")",
        aggregation_text(rubric.aggregation),
        rubric.aggregation.name()
    );
    let _ = writeln!(
        w,
        "  missing:  {} (missing = \"{}\")",
        missing_text(rubric.missing),
        rubric.missing.name()
    );
    let _ = writeln!(
        w,
        "  coverage: {}% of the applicable weight has evidence (minimum {}%), status {}",
        fixed(row.coverage, 2),
        plain(rubric.min_coverage),
        row.status.name()
    );
    for (c, k) in row.criteria.iter().zip(&rubric.criteria) {
        let _ = writeln!(w);
        criterion(w, rubric, k, c);
    }
    out
}

fn criterion(w: &mut String, rubric: &Rubric, k: &Criterion, c: &CriterionScore) {
    let _ = writeln!(w, "{} — {} [{}]", k.id, k.name, k.method.name());
    let headline = match (c.source, c.level) {
        (Source::Missing, _) if c.score.is_some() => {
            format!("missing, scored {}", opt_fixed(c.score, 2))
        }
        (Source::Missing, _) => "missing".to_string(),
        (Source::NotApplicable, _) => "not applicable".to_string(),
        (source, Some(l)) => format!(
            "level {} from {}, score {}, weight {}, contribution {}",
            level_text(&rubric.scale, l),
            source.name(),
            opt_fixed(c.score, 2),
            fixed(c.weight, 4),
            fixed(c.contribution, 2)
        ),
        (source, None) => source.name().to_string(),
    };
    let _ = writeln!(w, "  {headline}");
    // Items are indented as the headline is, quotes one level further.
    let mut m = Terminal(Lines::new(w, "", 1, false));
    narration::narrate(&mut m, rubric, k, c, Detail::Full);
}

/// Plain text for a terminal: a list item is a line indented two spaces a level, a quote a
/// line one level further in; a phrase that occurred is set between `*`, a negated one
/// between `~`.
struct Terminal<'a>(Lines<'a>);

impl Markup for Terminal<'_> {
    fn text(&mut self, s: &str) {
        self.0.out.push_str(&squash(s));
    }

    fn code(&mut self, s: &str) {
        let _ = write!(self.0.out, "`{}`", collapse(s));
    }

    fn emphasis(&mut self, s: &str) {
        let _ = write!(self.0.out, "*{}*", collapse(s));
    }

    fn strike(&mut self, s: &str) {
        let _ = write!(self.0.out, "~{}~", collapse(s));
    }

    fn link(&mut self, text: &str, url: &str) {
        let _ = write!(self.0.out, "{} <{url}>", collapse(text));
    }

    fn start(&mut self, _: Span) {}

    fn end(&mut self, _: Span) {}

    fn quote_start(&mut self) {
        self.0.quote_start();
    }

    fn quote_end(&mut self) {
        self.0.end();
    }

    fn list_start(&mut self) {
        self.0.list_start();
    }

    fn list_end(&mut self) {
        self.0.list_end();
    }

    fn item_start(&mut self) {
        self.0.item_start();
    }

    fn item_end(&mut self) {
        self.0.end();
    }
}
