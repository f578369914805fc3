//! A criterion's evidence trail in HTML: its heading with the level as a coloured badge, and
//! the [`Markup`] through which the narration tells the trail as a list.

use std::fmt::Write;

use super::charts::level_colour;
use super::{esc, line};
use crate::report::narration::{self, Detail, Markup, Span};
use crate::report::trail::squash;
use crate::rubric::{Criterion, Rubric};
use crate::scoring::{CriterionScore, Source};

/// The section of one criterion: its name, its level, and the trail behind it.
pub(super) fn criterion(o: &mut String, rubric: &Rubric, k: &Criterion, c: &CriterionScore) {
    let _ = write!(
        o,
        "<section class=\"crit\">\n<h4><span class=\"name\">{}</span> {}</h4>\n",
        line(&k.name),
        badge(rubric, c)
    );
    narration::narrate(&mut Html::new(o), rubric, k, c, Detail::Report);
    o.push_str("</section>\n");
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

/// HTML as a trail is written: the outer list is the trail (an item a line), nested lists
/// and quotes stay inline in their item; every text is escaped.
pub(super) struct Html<'a> {
    out: &'a mut String,
    /// Lists open.
    depth: usize,
}

impl<'a> Html<'a> {
    pub(super) fn new(out: &'a mut String) -> Self {
        Html { out, depth: 0 }
    }
}

impl Markup for Html<'_> {
    fn text(&mut self, s: &str) {
        self.out.push_str(&esc(&squash(s)));
    }

    fn code(&mut self, s: &str) {
        let _ = write!(self.out, "<code>{}</code>", line(s));
    }

    fn emphasis(&mut self, s: &str) {
        let _ = write!(self.out, "<mark>{}</mark>", esc(&squash(s)));
    }

    fn strike(&mut self, s: &str) {
        let _ = write!(self.out, "<mark class=\"neg\">{}</mark>", esc(&squash(s)));
    }

    fn link(&mut self, text: &str, url: &str) {
        let _ = write!(self.out, "<a href=\"{}\">{}</a>", esc(url), line(text));
    }

    fn start(&mut self, span: Span) {
        self.out.push_str(match span {
            Span::Lead => "<span class=\"ind\">",
            Span::Verdict { counts: true } => "<span class=\"verdict counts\">",
            Span::Verdict { counts: false } => "<span class=\"verdict\">",
            Span::Reason => "<span class=\"reason\">",
            Span::Place => "<span class=\"loc\">",
            Span::Rationale => "<span class=\"rationale\">",
            Span::Outcome => "<strong>",
        });
    }

    fn end(&mut self, span: Span) {
        self.out.push_str(match span {
            Span::Outcome => "</strong>",
            _ => "</span>",
        });
    }

    fn quote_start(&mut self) {
        self.out.push_str("<blockquote>");
    }

    fn quote_end(&mut self) {
        self.out.push_str("</blockquote>");
    }

    fn list_start(&mut self) {
        self.out.push_str(if self.depth == 0 {
            "<ul class=\"trail\">\n"
        } else {
            "<ul>"
        });
        self.depth += 1;
    }

    fn list_end(&mut self) {
        self.depth -= 1;
        self.out
            .push_str(if self.depth == 0 { "</ul>\n" } else { "</ul>" });
    }

    fn item_start(&mut self) {
        self.out.push_str("<li>");
    }

    fn item_end(&mut self) {
        self.out
            .push_str(if self.depth == 1 { "</li>\n" } else { "</li>" });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trail_nests_inline_and_escapes_its_text() {
        let mut out = String::new();
        let mut m = Html::new(&mut out);
        m.list(["a <b>"], |m, s| {
            m.spanned(Span::Lead, |m| m.code(s));
            m.list([1], |m, _| m.text("x & y"));
        });
        assert_eq!(
            out,
            "<ul class=\"trail\">\n<li><span class=\"ind\"><code>a &lt;b&gt;</code></span>\
             <ul><li>x &amp; y</li></ul></li>\n</ul>\n"
        );
    }
}
