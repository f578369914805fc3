//! Any text as a rubric file: loading must return a rubric or diagnostics, never panic, and
//! every diagnostic must render.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polscore::diag::SourceFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    match polscore::rubric::parse(&SourceFile::new("fuzz.toml", text)) {
        Ok(rubric) => assert!(rubric.digest.starts_with("sha256:")),
        Err(problems) => {
            let _ = problems.render();
        }
    }
});
