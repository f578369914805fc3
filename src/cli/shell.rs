//! `polscore completions` and `polscore man`: fit the shells and manual pages administrators
//! already use, generated from the same clap definitions as the command itself.

use std::path::PathBuf;

use clap_complete::Shell;

use super::{SUCCESS, write_output};
use polscore::diag::Diagnostics;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    shell: Shell,
    /// Write the script to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write the manual page (roff) to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> Result<u8, Diagnostics> {
    let mut cmd = super::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "polscore", &mut out);
    write_output(args.output.as_ref(), &out)?;
    Ok(SUCCESS)
}

pub fn man(args: ManArgs) -> Result<u8, Diagnostics> {
    let mut out = Vec::new();
    clap_mangen::Man::new(super::command())
        .render(&mut out)
        .expect("writing to memory cannot fail");
    write_output(args.output.as_ref(), &out)?;
    Ok(SUCCESS)
}
