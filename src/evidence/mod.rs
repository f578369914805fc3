//! Evidence in text: where each indicator's phrases occur, and which occurrences are negated.
//!
//! This layer only finds; it never decides a level. `scoring` turns its occurrences into
//! levels, and can be tested with hand-built occurrences.

mod finding;
mod matcher;
mod text;

use std::ops::Range;

pub use finding::{Cue, Finding, Place};
pub use matcher::{
    CueHits, Cues, Doc, Hit, Negation, Pattern, PhraseIndex, RubricHits, RubricIndex, Side,
};

/// One occurrence of an indicator's phrase in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Index of the indicator in its criterion.
    pub indicator: usize,
    /// The phrase as written in the rubric.
    pub phrase: String,
    /// Byte range of the matched words in the text.
    pub span: Range<usize>,
    /// Byte range of the sentence it stands in.
    pub sentence: Range<usize>,
    /// The cue that negates it, and on which side.
    pub negation: Option<(Range<usize>, Side)>,
}

/// Finds every occurrence of every indicator's phrases (`indicators[i]` holds indicator `i`'s
/// compiled phrases), in text order.
pub fn scan(doc: &Doc<'_>, cues: &Cues, indicators: &[&[Pattern]]) -> Vec<Occurrence> {
    let hits = PhraseIndex::new(indicators).find(doc);
    occurrences(doc, cues, indicators, hits)
}

/// The occurrences of indicators' phrases from their hits (`hits[i]` are indicator `i`'s, as
/// [`PhraseIndex::find`] gives them), in text order.
pub fn occurrences(
    doc: &Doc<'_>,
    cues: &Cues,
    indicators: &[&[Pattern]],
    hits: Vec<Vec<Hit>>,
) -> Vec<Occurrence> {
    let mut out = Vec::new();
    for (i, (phrases, hits)) in indicators.iter().zip(hits).enumerate() {
        for hit in hits {
            out.push(Occurrence {
                indicator: i,
                phrase: phrases[hit.pattern].source.clone(),
                span: doc.span(&hit),
                sentence: doc.sentence(&hit),
                negation: cues
                    .negating(doc, &hit)
                    .map(|(cue, side)| (doc.span(cue), side)),
            });
        }
    }
    out.sort_by_key(|o| (o.span.start, o.indicator));
    out
}
