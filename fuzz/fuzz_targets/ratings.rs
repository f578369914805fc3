//! Any bytes as a ratings CSV, read against the built-in rubric.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use polscore::rubric::Rubric;

fn rubric() -> &'static Rubric {
    static RUBRIC: OnceLock<Rubric> = OnceLock::new();
    RUBRIC.get_or_init(polscore::rubric::builtin)
}

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("polscore-fuzz-ratings-{}.csv", std::process::id()));
    if std::fs::write(&path, data).is_ok() {
        let (_, problems) = polscore::ratings::read(&path, rubric());
        let _ = problems.render();
    }
});
