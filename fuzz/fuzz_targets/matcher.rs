//! Text normalisation, phrase matching and negation: the first line holds phrases separated by
//! `|`, the rest is the text. Invalid phrases are skipped; everything else must not panic, and
//! every occurrence must lie on character boundaries of the text.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use polscore::evidence::{self, Cues, Doc, Negation, Pattern};

fn negation() -> &'static Negation {
    static NEGATION: OnceLock<Negation> = OnceLock::new();
    NEGATION.get_or_init(|| polscore::rubric::builtin().negation)
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let (head, text) = input.split_once('\n').unwrap_or((&input, ""));
    let phrases: Vec<Pattern> = head.split('|').filter_map(|p| Pattern::compile(p).ok()).collect();
    let doc = Doc::new(text);
    let cues = Cues::find(&doc, negation());
    for o in evidence::scan(&doc, &cues, &[phrases.as_slice()]) {
        assert!(text.is_char_boundary(o.span.start) && text.is_char_boundary(o.span.end));
        assert!(text.is_char_boundary(o.sentence.start) && text.is_char_boundary(o.sentence.end));
        let _ = &text[o.span.clone()];
        let _ = &text[o.sentence.clone()];
    }
});
