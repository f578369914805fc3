//! One telling of a criterion's evidence for every report a person reads: the terminal's
//! `explain`, the Markdown scorecard and the HTML scorecard say the same things in the same
//! words, because they all call [`narrate`] over the small [`Markup`] interface that each
//! format implements once. The rubric's aggregation and missing policy have one wording here
//! too.

use crate::decimal::plain;
use crate::rubric::{Aggregation, Criterion, MissingPolicy, Rubric};
use crate::scoring::CriterionScore;

use super::trail::{
    self, IndicatorTrail, Quote, Role, Step, assessor, direction_text, grouped, level_text,
    linkable, points, readable,
};

/// What a run of text is to its reader, so that a format can set it apart: HTML gives it a
/// class, Markdown and the terminal write it as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Span {
    /// What a step is about: an indicator, the role of an assessment.
    Lead,
    /// Whether an indicator counts.
    Verdict { counts: bool },
    /// Why something has no level or value.
    Reason,
    /// Where the evidence stands: line and column, a file.
    Place,
    /// An analyst's rationale.
    Rationale,
    /// What a step comes to: a formula's value, a level.
    Outcome,
}

/// The few devices a narration needs. Each output format implements it once, with its own
/// escaping; a narration never writes bytes of a format itself.
pub(crate) trait Markup {
    /// Text, white space runs as one space, its ends kept (a narration trims what it passes).
    fn text(&mut self, s: &str);
    /// A name or expression from the rubric or the programme, as code.
    fn code(&mut self, s: &str);
    /// A phrase that occurred, inside a quote.
    fn emphasis(&mut self, s: &str);
    /// A phrase that occurred negated, inside a quote: struck through.
    fn strike(&mut self, s: &str);
    /// A link to `url`, which [`linkable`] accepted.
    fn link(&mut self, text: &str, url: &str);
    /// Begins a run of text of a kind; [`Markup::end`] closes it.
    fn start(&mut self, span: Span);
    fn end(&mut self, span: Span);
    /// Begins a quoted sentence; [`Markup::quote_end`] closes it.
    fn quote_start(&mut self);
    fn quote_end(&mut self);
    /// Begins a list (nested inside an item when one is open); [`Markup::list_end`] closes it.
    fn list_start(&mut self);
    fn list_end(&mut self);
    /// Begins an item of the open list; [`Markup::item_end`] closes it.
    fn item_start(&mut self);
    fn item_end(&mut self);

    /// `body` as a run of the kind `span`.
    fn spanned(&mut self, span: Span, body: impl FnOnce(&mut Self))
    where
        Self: Sized,
    {
        self.start(span);
        body(self);
        self.end(span);
    }

    /// `body` as a quoted sentence.
    fn quote(&mut self, body: impl FnOnce(&mut Self))
    where
        Self: Sized,
    {
        self.quote_start();
        body(self);
        self.quote_end();
    }

    /// `body` as one list item.
    fn item(&mut self, body: impl FnOnce(&mut Self))
    where
        Self: Sized,
    {
        self.item_start();
        body(self);
        self.item_end();
    }

    /// A list with an item for each of `items`.
    fn list<T>(&mut self, items: impl IntoIterator<Item = T>, mut each: impl FnMut(&mut Self, T))
    where
        Self: Sized,
    {
        self.list_start();
        for x in items {
            self.item(|m| each(m, x));
        }
        self.list_end();
    }
}

/// The lists and quotes of a line-based format (the terminal, Markdown): an item or a quote
/// begins a line, indented two spaces for each list it is nested in, a quote one level
/// further than the item it belongs to.
pub(crate) struct Lines<'a> {
    pub(crate) out: &'a mut String,
    /// What begins an item's or a quote's line after its indent: `- ` in Markdown.
    bullet: &'static str,
    /// Levels of indent every line has.
    margin: usize,
    /// A blank line after the outermost list.
    blank_after: bool,
    /// Lists open.
    depth: usize,
    /// Something is written on the current line.
    open: bool,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(
        out: &'a mut String,
        bullet: &'static str,
        margin: usize,
        blank_after: bool,
    ) -> Self {
        Lines {
            out,
            bullet,
            margin,
            blank_after,
            depth: 0,
            open: false,
        }
    }

    fn begin(&mut self, indent: usize) {
        if self.open {
            self.out.push('\n');
        }
        self.out.push_str(&"  ".repeat(indent));
        self.out.push_str(self.bullet);
        self.open = true;
    }

    pub(crate) fn item_start(&mut self) {
        self.begin(self.margin + self.depth - 1);
    }

    pub(crate) fn quote_start(&mut self) {
        self.begin(self.margin + self.depth);
    }

    /// Ends the current line, an item's or a quote's.
    pub(crate) fn end(&mut self) {
        if self.open {
            self.out.push('\n');
            self.open = false;
        }
    }

    pub(crate) fn list_start(&mut self) {
        self.depth += 1;
    }

    pub(crate) fn list_end(&mut self) {
        self.depth -= 1;
        if self.depth == 0 && self.blank_after {
            self.out.push('\n');
        }
    }
}

/// How much a narration tells: what the reports show, or also what a terminal user checking
/// a rubric wants (the phrase each occurrence matched, on which side of it a negation cue
/// stands, a formula's exact value and the thresholds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail {
    Report,
    Full,
}

/// The evidence of criterion `k` as scored in `c`, step by step, as a list; nothing when
/// there is nothing to tell.
pub(crate) fn narrate(
    m: &mut impl Markup,
    rubric: &Rubric,
    k: &Criterion,
    c: &CriterionScore,
    detail: Detail,
) {
    let steps = trail::steps(rubric, k, c);
    if !steps.is_empty() {
        m.list(&steps, |m, step| tell(m, rubric, step, detail));
    }
}

fn tell(m: &mut impl Markup, rubric: &Rubric, step: &Step<'_>, detail: Detail) {
    let level = |l: i64| level_text(&rubric.scale, l);
    match step {
        Step::Missing(why) => {
            m.text("Missing: ");
            m.spanned(Span::Reason, |m| message(m, &why.to_string()));
        }
        Step::Indicator(ind) => indicator(m, ind, detail),
        Step::Sum {
            base,
            terms,
            raw,
            level: l,
        } => {
            m.text(&format!("Computed level: base {base}"));
            for (id, p) in terms {
                let sign = if *p < 0 { "−" } else { "+" };
                m.text(&format!(" {sign} {} (", p.unsigned_abs()));
                m.code(id);
                m.text(")");
            }
            if raw != l {
                m.text(&format!(
                    " = {raw}, kept within {}..{}",
                    rubric.scale.min, rubric.scale.max
                ));
            }
            m.text(" = ");
            m.spanned(Span::Outcome, |m| m.text(&level(*l)));
        }
        Step::Formula {
            formula,
            facts,
            value,
            thresholds,
            direction,
            level: computed,
        } => {
            m.text("Formula ");
            m.code(formula);
            match value {
                Ok(v) => {
                    let (relation, shown) = match detail {
                        Detail::Full => ("=", plain(*v)),
                        Detail::Report => {
                            let r = readable(*v, thresholds);
                            (r.relation(), r.text)
                        }
                    };
                    m.text(&format!(" {relation} "));
                    if let Some((l, range)) = computed {
                        m.spanned(Span::Outcome, |m| m.text(&shown));
                        m.text(&format!(" ({}", direction_text(*direction)));
                        if detail == Detail::Full {
                            let t: Vec<String> = thresholds.iter().map(|t| plain(*t)).collect();
                            m.text(&format!("; thresholds {}", t.join(", ")));
                        }
                        m.text("): ");
                        m.text(range);
                        m.text(" gives level ");
                        m.spanned(Span::Outcome, |m| m.text(&level(*l)));
                    } else {
                        m.text(&shown);
                    }
                }
                Err(why) => {
                    m.text(" cannot be evaluated: ");
                    m.spanned(Span::Reason, |m| message(m, why));
                }
            }
            if !facts.is_empty() {
                m.list(facts.iter(), |m, f| {
                    m.code(&f.name);
                    m.text(&format!(" = {}", grouped(f.value)));
                    if let Some(u) = &f.unit {
                        m.text(" ");
                        m.text(u.trim());
                    }
                    if let Some((v, base, rate)) = &f.converted {
                        m.text(&format!(" × {} = {} ", plain(*rate), grouped(*v)));
                        m.text(base.trim());
                    }
                });
            }
        }
        Step::Overridden(Some(l)) => {
            m.text("Overridden: the computed level ");
            m.text(&level(*l));
            m.text(" was replaced by the analysts' level");
        }
        Step::Overridden(None) => {
            m.text("Overridden: no level could be computed; the analysts' level is used");
        }
        Step::Assessment(role, a) => {
            m.spanned(Span::Lead, |m| m.text(role.lead()));
            m.text(" by ");
            m.text(assessor(a).trim());
            if let (false, Some(l)) = (*role == Role::NotApplicable, a.level) {
                m.text(", level ");
                m.text(&level(l));
            }
            m.text(role.tail());
            m.text(": ");
            m.spanned(Span::Rationale, |m| m.text(a.rationale.trim()));
            m.text(" ");
            m.spanned(Span::Place, |m| {
                m.text("(");
                m.text(a.origin.trim());
                m.text(")");
            });
            if !a.evidence.is_empty() {
                m.list(&a.evidence, |m, e| {
                    m.text("Evidence: ");
                    m.text(e.trim());
                });
            }
        }
    }
}

/// An indicator, whether it counts, and the sentences it occurred in.
fn indicator(m: &mut impl Markup, ind: &IndicatorTrail<'_>, detail: Detail) {
    m.spanned(Span::Lead, |m| m.code(ind.id));
    m.text(": ");
    m.spanned(Span::Verdict { counts: ind.counts }, |m| {
        if ind.counts {
            m.text(&format!("counts, {}", points(ind.points)));
        } else {
            m.text(&format!(
                "does not count ({}): {} affirmed of {} needed",
                points(ind.points),
                ind.affirmed,
                ind.min_matches
            ));
        }
    });
    for q in &ind.quotes {
        quote(m, q, detail);
    }
}

/// A quoted sentence with its occurrences emphasised (struck through when negated), then
/// where each occurrence stands and what negated it: `(12:5; 14:3 negated by “no” at 14:1)`.
fn quote(m: &mut impl Markup, q: &Quote<'_>, detail: Detail) {
    m.quote(|m| {
        m.text("“");
        for (part, f) in &q.parts {
            match f {
                None => m.text(part),
                Some(f) if f.negation.is_some() => m.strike(part),
                Some(_) => m.emphasis(part),
            }
        }
        m.text("” ");
        m.spanned(Span::Place, |m| {
            m.text("(");
            for (i, f) in q.findings.iter().enumerate() {
                if i > 0 {
                    m.text("; ");
                }
                m.text(&format!("{}:{}", f.place.line, f.place.column));
                if detail == Detail::Full {
                    m.text(" phrase ");
                    m.code(&f.phrase);
                }
                if let Some(cue) = &f.negation {
                    m.text(" negated by “");
                    m.text(cue.text.trim());
                    m.text(&format!("” at {}:{}", cue.place.line, cue.place.column));
                    if detail == Detail::Full {
                        m.text(if cue.after {
                            ", after the phrase"
                        } else {
                            ", before the phrase"
                        });
                    }
                }
            }
            m.text(")");
        });
    });
}

/// One of polscore's own messages (why a criterion is missing), with the names it sets in
/// backticks as code.
fn message(m: &mut impl Markup, s: &str) {
    let s = s.trim();
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // An unpaired backtick: the message is text as it stands.
        m.text(s);
        return;
    }
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 {
            m.code(part);
        } else if !part.is_empty() {
            m.text(part);
        }
    }
}

/// A programme's source: its title linked to its address when that is a web address, else
/// the address after the title; and when it was published.
pub(crate) fn source(m: &mut impl Markup, title: &str, url: &str, published: &str) {
    let title = if title.trim().is_empty() { url } else { title };
    if linkable(url) {
        m.link(title.trim(), url);
    } else {
        m.text(title.trim());
        if !url.trim().is_empty() && title != url {
            m.text(" (");
            m.text(url.trim());
            m.text(")");
        }
    }
    if !published.trim().is_empty() {
        m.text(", published ");
        m.text(published.trim());
    }
}

/// How a rubric's aggregation makes the total, as the end of "The total is …".
pub(crate) fn aggregation_text(a: Aggregation) -> &'static str {
    match a {
        Aggregation::WeightedMean => "the weighted mean of the criterion scores, Σ wᵢ·sᵢ / Σ wᵢ",
        Aggregation::Geometric => {
            "the weighted geometric mean of the criterion scores, Π sᵢ^(wᵢ/Σw); 0 when any score is 0"
        }
        Aggregation::Minimum => "the lowest score among the criteria with a weight above 0",
    }
}

/// What a rubric's missing policy does with a criterion without evidence.
pub(crate) fn missing_text(m: MissingPolicy) -> &'static str {
    match m {
        MissingPolicy::Exclude => {
            "a criterion without evidence drops out and the other weights are renormalised"
        }
        MissingPolicy::Zero => "a criterion without evidence scores 0",
        MissingPolicy::Error => "a criterion without evidence makes the programme an error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::markdown::Markdown;

    fn told(body: impl FnOnce(&mut Markdown<'_>)) -> String {
        let mut out = String::new();
        body(&mut Markdown::new(&mut out));
        out
    }

    #[test]
    fn messages_set_backticked_names_as_code() {
        assert_eq!(
            told(|m| message(m, "facts `budget`, `mis_used` are not given")),
            "facts `budget`, `mis_used` are not given"
        );
        assert_eq!(told(|m| message(m, "one ` tick_")), "one \\` tick\\_");
    }

    #[test]
    fn a_source_is_linked_only_to_a_web_address() {
        let source_of = |url: &str| told(|m| source(m, "Title", url, "2019"));
        assert_eq!(
            source_of("https://example.org/"),
            "[Title](<https://example.org/>), published 2019"
        );
        assert_eq!(
            source_of("javascript:alert(1)"),
            "Title (javascript:alert(1)), published 2019"
        );
        assert_eq!(source_of(""), "Title, published 2019");
    }
}
