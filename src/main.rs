//! The `polscore` command: parse arguments, run, exit with 0 (success), 1 (invalid input) or
//! 2 (usage error). The command line lives here, in the binary; the library never prints.

// The binary is the edge that talks to the terminal.
#![allow(clippy::disallowed_methods)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(cli::run(std::env::args_os()))
}
