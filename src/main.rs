//! The `polscore` command: parse arguments, run, exit with 0 (success), 1 (invalid input) or
//! 2 (usage error).

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(polscore::cli::run(std::env::args_os()))
}
