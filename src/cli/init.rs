//! `polscore init`: a commented starter rubric and example programme, so that a new user
//! learns the formats by reading two files that already pass `check` and `score`.
//!
//! The templates are files in the repository (`src/cli/init/`), compiled in, and tested
//! like any other input (`tests/init.rs`). `init` never overwrites: a user's rubric is
//! worth more than a template.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::SUCCESS;
use polscore::diag::{Diagnostic, Diagnostics, io_reason};

/// The starter rubric.
pub const RUBRIC: &str = include_str!("init/rubric.toml");
/// The example programme description, scored with [`RUBRIC`].
pub const EXAMPLE: &str = include_str!("init/example.toml");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to write `rubric.toml` and `programs/example.toml` into (created if missing)
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
}

pub fn run(args: Args) -> Result<u8, Diagnostics> {
    let files = [
        (args.dir.join("rubric.toml"), RUBRIC),
        (args.dir.join("programs").join("example.toml"), EXAMPLE),
    ];
    // Every file that is in the way is named, and then nothing is written.
    let mut problems = Diagnostics::default();
    for (path, _) in &files {
        if path.symlink_metadata().is_ok() {
            problems.push(
                Diagnostic::new(format!("`{}` already exists", shown(path)))
                    .with_hint("init writes only new files: run it in an empty folder, e.g. `polscore init my-rubric`"),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut written: Vec<&Path> = Vec::new();
    for (path, text) in &files {
        if let Err(e) = create_new(path, text) {
            // Leave nothing half-done: a file written before this one goes too.
            for done in &written {
                let _ = std::fs::remove_file(done);
            }
            return Err(Diagnostic::new(format!(
                "cannot write `{}`: {}",
                shown(path),
                io_reason(&e)
            ))
            .with_hint("check that the folder is writable; nothing was written")
            .into());
        }
        written.push(path);
    }
    let rubric = shell_word(&shown(&files[0].0));
    let programs = shell_word(&shown(&args.dir.join("programs")));
    if !super::chatty() {
        return Ok(SUCCESS);
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "wrote {rubric}: a starter rubric, one criterion of each method\n\
         wrote {}: an example programme description\n\
         \n\
         next, check them and score the example:\n  \
         polscore check {rubric} {programs}\n  \
         polscore score --rubric {rubric} {programs}",
        shell_word(&shown(&files[1].0)),
    );
    Ok(SUCCESS)
}

/// Writes a file that must not exist yet, with its folder. `create_new` makes the check and
/// the creation one step, so a file that appears meanwhile is not overwritten either.
fn create_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.flush()
}

/// A path as the user would type it: without the `./` that joining to `.` adds.
fn shown(path: &Path) -> String {
    let p = path.strip_prefix(".").unwrap_or(path);
    p.display().to_string()
}

/// A word a shell reads back as itself: quoted when it holds anything but plain characters.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
