//! The command line: clap definitions, one module per subcommand, and the one place that
//! prints and chooses exit codes.

mod agreement;
mod check;
mod compare;
mod explain;
mod init;
mod progress;
mod rubric_doc;
mod schema;
mod score;
mod sensitivity;
mod sheet;
mod shell;
mod template;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use polscore::diag::{Diagnostic, Diagnostics, Limits, io_reason};
use polscore::rubric::{self, Rubric};

/// Exit code for success.
pub const SUCCESS: u8 = 0;
/// Exit code for invalid input: every problem was reported and nothing was written.
pub const INVALID_INPUT: u8 = 1;
/// Exit code for a usage error.
pub const USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "polscore",
    version,
    about = "Score P/CVE programme descriptions against a TOML rubric and write traceable scorecards",
    after_help = "Exit codes: 0 success, 1 invalid input (nothing written), 2 usage error."
)]
struct Cli {
    /// Largest input file read, e.g. 64MiB (the default), 500KB, 1GiB
    #[arg(long, global = true, value_name = "SIZE", value_parser = parse_size)]
    max_file_size: Option<u64>,
    /// Print only errors on stderr, not progress or summaries
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Colour messages: auto (when stderr is a terminal and NO_COLOR is not set), always, never
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

/// When to colour messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Whether messages are coloured and whether summaries are printed, decided once per run.
static COLOR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether summaries and notes go to stderr (not with `--quiet`).
fn chatty() -> bool {
    !QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// The clap definition of the whole command, for completions and the manual page.
fn command() -> clap::Command {
    Cli::command()
}

/// A size with an optional unit: `1000`, `500KB`, `64MiB`, `1GiB` (KB/MB/GB are powers of
/// 1000, KiB/MiB/GiB of 1024).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a size such as 64MiB"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "`{s}` has an unknown unit: use B, KB, MB, GB, KiB, MiB or GiB"
            ));
        }
    };
    n.checked_mul(factor)
        .filter(|&n| n <= polscore::diag::LARGEST_FILE_SIZE)
        .ok_or_else(|| format!("`{s}` is too large: polscore reads files of up to 256 MiB"))
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score programme descriptions and write a scorecard
    #[command(
        after_help = "Examples:\n  polscore score fixtures/programs\n  polscore score --format long -o card.csv fixtures/programs\n  polscore score --rubric rubrics/pcve-rights.toml --ratings ratings.csv fixtures/programs fixtures/rights\n  polscore score --format html -o scorecard.html fixtures/programs"
    )]
    Score(score::Args),
    /// Validate rubrics and programme descriptions without scoring
    #[command(
        after_help = "Examples:\n  polscore check rubrics/pcve.toml\n  polscore check my-rubric.toml programs/\n  polscore check --rubric my-rubric.toml programs/"
    )]
    Check(check::Args),
    /// Explain why each criterion of one programme has its level
    #[command(
        after_help = "Examples:\n  polscore explain fixtures/programs/kz-state-program-2013-2017.toml\n  polscore explain --rubric rubrics/pcve-rights.toml --ratings ratings.csv fixtures/rights/kz-religion-law-amendments-2018.toml"
    )]
    Explain(explain::Args),
    /// Write a blank ratings CSV for analysts to fill in
    #[command(
        after_help = "Examples:\n  polscore template --rubric rubrics/pcve-rights.toml -o ratings.csv fixtures/programs\n  polscore template --all -o overrides.csv fixtures/programs"
    )]
    Template(template::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(
        after_help = "Examples:\n  polscore completions bash > ~/.local/share/bash-completion/completions/polscore\n  polscore completions zsh > ~/.zfunc/_polscore\n  polscore completions fish > ~/.config/fish/completions/polscore.fish"
    )]
    Completions(shell::CompletionsArgs),
    /// Print the manual page (roff), for `man`
    #[command(
        after_help = "Examples:\n  polscore man -o ~/.local/share/man/man1/polscore.1 && man polscore"
    )]
    Man(shell::ManArgs),
    /// Measure agreement between analysts' ratings (Krippendorff's alpha, ordinal)
    #[command(
        after_help = "Examples:\n  polscore agreement --rubric rubrics/pcve-rights.toml fixtures/ratings/analyst-a.csv fixtures/ratings/analyst-b.csv\n  polscore agreement --format csv -o agreement.csv ana.csv ben.csv"
    )]
    Agreement(agreement::Args),
    /// Compare two wide scorecards: totals, ranks and levels
    #[command(
        after_help = "Examples:\n  polscore compare card-2023.csv card-2024.csv\n  polscore compare --format table --allow-rubric-change old.csv new.csv"
    )]
    Compare(compare::Args),
    /// Test how robust the ranking is to the weights (Monte Carlo, leave-one-out)
    #[command(
        after_help = "Examples:\n  polscore sensitivity --format table fixtures/programs\n  polscore sensitivity --samples 50000 --spread 0.5 --seed 7 -o robustness.csv fixtures/programs\n  polscore sensitivity --format html -o robustness.html fixtures/programs"
    )]
    Sensitivity(sensitivity::Args),
    /// Write a rubric's methodology as Markdown: criteria, levels, methods, weights, digest
    #[command(
        after_help = "Examples:\n  polscore rubric-doc -o methodology.md\n  polscore rubric-doc rubrics/pcve-rights.toml"
    )]
    RubricDoc(rubric_doc::Args),
    /// Print the JSON Schema of rubric or program files, for editor completion (taplo)
    #[command(
        after_help = "Examples:\n  polscore schema rubric -o rubric.schema.json\n  polscore schema program -o program.schema.json"
    )]
    Schema(schema::Args),
    /// Write a commented starter rubric and example programme to learn the formats from
    #[command(
        after_help = "Examples:\n  polscore init my-rubric\n  polscore check my-rubric/rubric.toml my-rubric/programs"
    )]
    Init(init::Args),
}

impl Command {
    /// A combination of options, each valid alone, that clap cannot refuse by itself: the
    /// spreadsheet options with a format that is not CSV.
    fn usage_error(&self) -> Option<clap::Error> {
        let (name, problem) = match self {
            Command::Score(a) => ("score", a.sheet_misuse()),
            Command::Agreement(a) => ("agreement", a.sheet_misuse()),
            Command::Compare(a) => ("compare", a.sheet_misuse()),
            Command::Sensitivity(a) => ("sensitivity", a.sheet_misuse()),
            _ => return None,
        };
        let problem = problem?;
        let mut cli = command();
        // Built, the subcommand knows its full name for the usage line (`polscore score`).
        cli.build();
        let sub = cli.find_subcommand_mut(name)?;
        Some(sub.error(clap::error::ErrorKind::ArgumentConflict, problem))
    }
}

/// Runs polscore with these arguments (the first is the program name) and returns the exit
/// code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { USAGE } else { SUCCESS };
        }
    };
    use std::io::IsTerminal;
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    COLOR.store(color, std::sync::atomic::Ordering::Relaxed);
    QUIET.store(cli.quiet, std::sync::atomic::Ordering::Relaxed);
    if let Some(e) = cli.command.usage_error() {
        let _ = e.print();
        return USAGE;
    }
    let mut limits = Limits {
        raise_hint: "raise the limit with --max-file-size, e.g. --max-file-size 256MiB".to_string(),
        ..Limits::default()
    };
    if let Some(size) = cli.max_file_size {
        limits.max_file_size = size;
    }
    let limits = &limits;
    let result = match cli.command {
        Command::Score(a) => score::run(a, limits),
        Command::Check(a) => check::run(a, limits),
        Command::Explain(a) => explain::run(a, limits),
        Command::Template(a) => template::run(a, limits),
        Command::Completions(a) => shell::completions(a),
        Command::Man(a) => shell::man(a),
        Command::Agreement(a) => agreement::run(a, limits),
        Command::Compare(a) => compare::run(a, limits),
        Command::Sensitivity(a) => sensitivity::run(a, limits),
        Command::RubricDoc(a) => rubric_doc::run(a, limits),
        Command::Schema(a) => schema::run(a),
        Command::Init(a) => init::run(a),
    };
    match result {
        Ok(code) => code,
        Err(problems) => {
            report(&problems);
            INVALID_INPUT
        }
    }
}

/// Writes warnings to stderr, unless `--quiet`.
fn warn(warnings: &Diagnostics) {
    if chatty() {
        render(warnings);
    }
}

/// Writes diagnostics to stderr, with a count when there are several errors. Warnings among
/// them are written as such (and not with `--quiet`).
fn report(problems: &Diagnostics) {
    let mut problems = problems.clone();
    warn(&problems.take_warnings());
    render(&problems);
    if problems.len() > 1 {
        let _ = writeln!(
            std::io::stderr().lock(),
            "{} problems found",
            problems.len()
        );
    }
}

fn render(problems: &Diagnostics) {
    let mut err = std::io::stderr().lock();
    let color = COLOR.load(std::sync::atomic::Ordering::Relaxed);
    for d in &problems.0 {
        let text = if color {
            d.render_colored()
        } else {
            d.render()
        };
        let _ = writeln!(err, "{text}");
    }
}

/// The rubric named by `--rubric`, or the built-in one.
fn load_rubric(path: Option<&Path>, limits: &Limits) -> Result<Rubric, Diagnostics> {
    match path {
        Some(p) => rubric::load(p, limits),
        None => Ok(rubric::builtin()),
    }
}

/// A temporary file beside `path` with the permissions the output should end up with: those of
/// the file it replaces, or the usual `rw-r--r--` (less the umask) for a new one, not the
/// private `rw-------` of a temporary file.
fn temp_file(dir: &Path, path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".polscore-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    builder.tempfile_in(dir)
}

/// Writes `bytes` to `path` atomically (a temporary file beside it, then a rename), or to
/// stdout.
fn write_output(path: Option<&PathBuf>, bytes: &[u8]) -> Result<(), Diagnostics> {
    write_output_with(path, |w| w.write_all(bytes))
}

/// As [`write_output`], for output written in pieces by `write`.
fn write_output_with(
    path: Option<&PathBuf>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Diagnostics> {
    let Some(path) = path else {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        return match write(&mut out).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            // A closed pipe (`polscore score ... | head`) is the reader's choice, not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => {
                Err(Diagnostic::new(format!("cannot write to stdout: {}", io_reason(&e))).into())
            }
        };
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| -> Diagnostics {
        Diagnostic::new(format!(
            "cannot write `{}`: {}",
            path.display(),
            io_reason(&e)
        ))
        .with_hint("check that the folder exists and is writable; nothing was written")
        .into()
    };
    let mut tmp = temp_file(dir, path).map_err(fail)?;
    {
        let mut out = std::io::BufWriter::new(&mut tmp);
        write(&mut out).and_then(|()| out.flush()).map_err(fail)?;
    }
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
