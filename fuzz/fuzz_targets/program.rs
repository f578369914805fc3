//! Any text as a program description (TOML when the first byte is even, plain text when odd),
//! scored with the built-in rubric and rendered in every format: the whole pipeline after
//! reading a file must not panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use polscore::diag::SourceFile;
use polscore::rubric::Rubric;

fn rubric() -> &'static Rubric {
    static RUBRIC: OnceLock<Rubric> = OnceLock::new();
    RUBRIC.get_or_init(polscore::rubric::builtin)
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let name = if kind % 2 == 0 { "fuzz.toml" } else { "Fuzz Programme.md" };
    let text = String::from_utf8_lossy(rest).into_owned();
    let rubric = rubric();
    match polscore::program::parse(SourceFile::new(name, text), rubric) {
        Ok(program) => {
            let (card, _) = polscore::score(rubric, std::slice::from_ref(&program));
            let style = polscore::report::csv::CsvStyle::default();
            let _ = polscore::report::csv::wide(rubric, &card, &style);
            let _ = polscore::report::csv::long(rubric, &card, &style);
            let excel = polscore::report::csv::CsvStyle {
                bom: true,
                delimiter: b';',
                decimal_comma: true,
                crlf: true,
            };
            let _ = polscore::report::csv::long(rubric, &card, &excel);
            let _ = polscore::report::json::render(rubric, &card);
            for row in &card.rows {
                let _ = polscore::report::explain::render(rubric, row);
            }
        }
        Err(problems) => {
            let _ = problems.render();
        }
    }
});
