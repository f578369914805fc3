//! Integration tests: they run the real binary on real files.
//!
//! Most cases are data: `tests/cmd/*.toml` gives a command line, `*.stdout` and `*.stderr`
//! the exact expected output, and `*.in/` the files it runs on (trycmd; regenerate a snapshot
//! with `TRYCMD=overwrite cargo test`, then read the diff before committing it). The other
//! modules run the binary through one helper, [`common::polscore`].

mod bad_inputs;
mod common;
mod files;
mod init;
mod injection;
mod properties;
mod schema;

#[test]
fn cli_cases() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
