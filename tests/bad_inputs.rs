//! The bad-input corpus: polscore must refuse every malformed input with a clear message and the
//! right exit code, and never panic, hang or flood the terminal (SPEC §8).
//!
//! Each case is a directory `tests/bad/<nnn-short-name>/` with its input files and a
//! `case.toml`:
//!
//! ```toml
//! args = ["check", "rubric.toml"]     # run with the case directory as working directory
//! code = 1                            # expected exit code
//! stderr = ["unknown key `weigth`", "rubric.toml:6:1"]   # excerpts that must all appear
//! stdout_empty = true                 # optional; default: true when code != 0
//! stdout = ["..."]                    # optional: excerpts that must appear in stdout
//! stderr_absent = ["..."]             # optional: excerpts that must not appear in stderr
//! ```
//!
//! Every case also checks that the process did not panic (no "panicked", never exit code 101,
//! not killed by a signal), finished in time and wrote a short message
//! ([`Run::sanity_problems`]). A `#` comment in a `case.toml` may say why the case exists.
//!
//! Inputs that are big or need the file system (symbolic links, permissions, empty
//! directories) are generated into a temporary directory by the `#[test]` functions below,
//! with the same checks.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::common::{Polscore, Run, polscore};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    args: Vec<String>,
    code: i32,
    #[serde(default)]
    stderr: Vec<String>,
    stdout_empty: Option<bool>,
    #[serde(default)]
    stdout: Vec<String>,
    #[serde(default)]
    stderr_absent: Vec<String>,
}

/// Everything wrong with `run` against what `case` expects.
fn case_problems(case: &Case, run: &Run) -> Vec<String> {
    let mut problems = run.sanity_problems();
    if run.code != Some(case.code) {
        problems.push(format!("exit code {:?}, expected {}", run.code, case.code));
    }
    for excerpt in &case.stderr {
        if !run.stderr.contains(excerpt.as_str()) {
            problems.push(format!("stderr lacks {excerpt:?}"));
        }
    }
    for excerpt in &case.stderr_absent {
        if run.stderr.contains(excerpt.as_str()) {
            problems.push(format!("stderr has {excerpt:?}"));
        }
    }
    let stdout = String::from_utf8_lossy(&run.stdout);
    for excerpt in &case.stdout {
        if !stdout.contains(excerpt.as_str()) {
            problems.push(format!("stdout lacks {excerpt:?}"));
        }
    }
    if case.stdout_empty.unwrap_or(case.code != 0) && !run.stdout.is_empty() {
        problems.push(format!("stdout is not empty ({} bytes)", run.stdout.len()));
    }
    problems
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad")
}

#[test]
fn bad_input_corpus() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/bad exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 60, "only {} cases in tests/bad", dirs.len());
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(dir.join("case.toml"))
            .unwrap_or_else(|e| panic!("{name}/case.toml: {e}"));
        let case: Case = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}/case.toml: {e}"));
        let run = polscore(&case.args).dir(dir).run();
        let problems = case_problems(&case, &run);
        if !problems.is_empty() {
            failures.push(format!(
                "{name}: polscore {}\n  - {}\n  {}",
                case.args.join(" "),
                problems.join("\n  - "),
                run.describe().replace('\n', "\n  ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} bad-input cases failed:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}

// ------------------------------------------------------------------------------------------
// Generated inputs
// ------------------------------------------------------------------------------------------

/// The rubric the corpus cases start from (tests/bad/*/rubric.toml are variations of it).
const RUBRIC: &str = r#"[rubric]
id = "r"
version = "1"

[rubric.scale]
min = 0
max = 4

[currency]
base = "USD"
rates = { KZT = "0.002" }

[[criteria]]
id = "mentoring"
weight = 1
method = "evidence"

[[criteria.indicators]]
id = "one_on_one"
phrases = ["one-on-one"]
points = 2

[[criteria]]
id = "efficiency"
method = "metric"
formula = "misused / budget"
direction = "lower_is_better"
thresholds = [0.01, 0.02, 0.05, 0.10]

[[criteria]]
id = "law"
method = "rating"
"#;

/// The program the corpus cases start from.
const PROGRAM: &str = r#"[program]
id = "p"
name = "P"
text = "We do one-on-one work."

[facts]
budget = { value = 100, unit = "KZT" }
misused = 1

[assessments.law]
level = 2
rationale = "ok"
"#;

fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("polscore-bad-")
        .tempdir()
        .expect("a temporary directory")
}

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, content).unwrap();
}

/// The rubric with `old` replaced by `new` (which must occur).
fn rubric_with(old: &str, new: &str) -> String {
    assert!(RUBRIC.contains(old), "{old}");
    RUBRIC.replacen(old, new, 1)
}

/// Runs polscore and checks the exit code, the stderr excerpts, and that nothing went to
/// stdout unless the run succeeded, on top of [`Run::sanity_problems`].
fn expect(dir: &Path, args: &[&str], code: i32, excerpts: &[&str]) -> Run {
    expect_of(polscore(args).dir(dir), args, code, excerpts)
}

/// [`expect`] for a run set up by the caller; `args` are its arguments, for messages.
fn expect_of(polscore: Polscore, args: &[&str], code: i32, excerpts: &[&str]) -> Run {
    let run = polscore.run();
    let mut problems = run.sanity_problems();
    if run.code != Some(code) {
        problems.push(format!("exit code {:?}, expected {code}", run.code));
    }
    for excerpt in excerpts {
        if !run.stderr.contains(excerpt) {
            problems.push(format!("stderr lacks {excerpt:?}"));
        }
    }
    if code != 0 && !run.stdout.is_empty() {
        problems.push(format!("stdout is not empty ({} bytes)", run.stdout.len()));
    }
    assert!(
        problems.is_empty(),
        "polscore {}:\n  - {}\n{}",
        args.join(" "),
        problems.join("\n  - "),
        run.describe()
    );
    run
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    let dir = scratch();
    // 100 MB of text: more than the default limit of 64 MiB.
    let line = "We offer one-on-one mentoring to young people in the city.\n";
    let mut text = String::with_capacity(100_000_000 + line.len());
    text.push_str("# Big\n");
    while text.len() < 100_000_000 {
        text.push_str(line);
    }
    write(dir.path(), "rubric.toml", RUBRIC);
    write(dir.path(), "big.md", &text);
    drop(text);
    expect(
        dir.path(),
        &["score", "--rubric", "rubric.toml", "big.md"],
        1,
        &["big.md", "64 MiB", "--max-file-size"],
    );
}

#[test]
fn max_file_size_lowers_the_limit() {
    let dir = scratch();
    let padded = format!("{RUBRIC}\n{}", "# padding\n".repeat(200));
    write(dir.path(), "rubric.toml", &padded);
    write(dir.path(), "p.toml", PROGRAM);
    expect(
        dir.path(),
        &[
            "score",
            "--max-file-size",
            "1KB",
            "--rubric",
            "rubric.toml",
            "p.toml",
        ],
        1,
        &["rubric.toml", "--max-file-size"],
    );
    // Below the limit, the same files score.
    expect(
        dir.path(),
        &[
            "score",
            "--max-file-size",
            "1MiB",
            "--rubric",
            "rubric.toml",
            "p.toml",
        ],
        0,
        &[],
    );
}

#[test]
fn an_error_on_a_one_megabyte_line_gives_a_short_message() {
    let dir = scratch();
    let long = "x".repeat(1_000_000);
    // An unknown key on line 4 whose value is a megabyte long.
    write(
        dir.path(),
        "unknown-key.toml",
        rubric_with(
            "version = \"1\"",
            &format!("version = \"1\"\nbogus = \"{long}\""),
        ),
    );
    expect(
        dir.path(),
        &["check", "unknown-key.toml"],
        1,
        &["unknown key `bogus`", "unknown-key.toml:4:1"],
    );
    // An unclosed string: the error is at the end of the megabyte.
    write(
        dir.path(),
        "unclosed.toml",
        rubric_with("version = \"1\"", &format!("version = \"{long}")),
    );
    let col = "version = \"".len() + long.len() + 1;
    expect(
        dir.path(),
        &["check", "unclosed.toml"],
        1,
        &[&format!("unclosed.toml:3:{col}")],
    );
    // A byte that is not UTF-8 at the end of a megabyte line of plain text.
    let mut bytes = b"# Title\n".to_vec();
    bytes.extend_from_slice(long.as_bytes());
    bytes.extend_from_slice(b"\xff\n");
    write(dir.path(), "p.md", &bytes);
    expect(
        dir.path(),
        &["score", "p.md"],
        1,
        &["not valid UTF-8", &format!("p.md:2:{}", long.len() + 1)],
    );
}

#[test]
fn a_one_megabyte_sentence_full_of_matches_scores_in_time() {
    // One sentence of a megabyte in which the phrase occurs 45,000 times.
    let dir = scratch();
    write(dir.path(), "rubric.toml", RUBRIC);
    let text = format!(
        "# One long sentence\n{}\n",
        "one-on-one mentoring, ".repeat(45_000)
    );
    write(dir.path(), "p.md", text);
    let run = expect(
        dir.path(),
        &["score", "--rubric", "rubric.toml", "p.md"],
        0,
        &[],
    );
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(out.contains(",p,One long sentence,"), "{out}");
}

#[test]
fn many_matches_on_one_long_line_score_in_time() {
    // 4 MB on a single line, 240,000 short sentences that each match: locating every
    // occurrence must not rescan the line from its start.
    let dir = scratch();
    write(dir.path(), "rubric.toml", RUBRIC);
    let text = format!("# Long line\n{}\n", "one-on-one work. ".repeat(240_000));
    write(dir.path(), "p.md", text);
    expect(
        dir.path(),
        &["score", "--rubric", "rubric.toml", "p.md"],
        0,
        &[],
    );
}

#[test]
fn deeply_nested_toml_is_refused() {
    let dir = scratch();
    let depth = 100_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    write(
        dir.path(),
        "rubric.toml",
        rubric_with("version = \"1\"", &format!("version = \"1\"\nx = {arrays}")),
    );
    expect(
        dir.path(),
        &["check", "rubric.toml"],
        1,
        &["rubric.toml:4:"],
    );
    write(
        dir.path(),
        "p.toml",
        PROGRAM.replacen("misused = 1", &format!("misused = {arrays}"), 1),
    );
    write(dir.path(), "good-rubric.toml", RUBRIC);
    expect(
        dir.path(),
        &["score", "--rubric", "good-rubric.toml", "p.toml"],
        1,
        &["p.toml:8:"],
    );
    let tables = format!("{}1{}", "{a=".repeat(depth), "}".repeat(depth));
    write(
        dir.path(),
        "tables.toml",
        rubric_with("version = \"1\"", &format!("version = \"1\"\nx = {tables}")),
    );
    expect(
        dir.path(),
        &["check", "tables.toml"],
        1,
        &["tables.toml:4:"],
    );
}

#[test]
fn a_formula_of_100000_terms_is_refused() {
    let dir = scratch();
    let formula = vec!["budget"; 100_000].join(" + ");
    write(
        dir.path(),
        "rubric.toml",
        rubric_with("misused / budget", &formula),
    );
    expect(
        dir.path(),
        &["check", "rubric.toml"],
        1,
        &["invalid formula", "rubric.toml:26:"],
    );
}

#[test]
fn a_formula_of_10000_nested_parentheses_is_refused() {
    let dir = scratch();
    let formula = format!("{}budget{}", "(".repeat(10_000), ")".repeat(10_000));
    write(
        dir.path(),
        "rubric.toml",
        rubric_with("misused / budget", &formula),
    );
    expect(
        dir.path(),
        &["check", "rubric.toml"],
        1,
        &["invalid formula", "rubric.toml:26:"],
    );
    // Short enough, but nested too deep: parentheses and unary minus alike.
    let formula = format!("{}budget{}", "(".repeat(400), ")".repeat(400));
    write(
        dir.path(),
        "parens.toml",
        rubric_with("misused / budget", &formula),
    );
    expect(
        dir.path(),
        &["check", "parens.toml"],
        1,
        &["invalid formula", "nests", "parens.toml:26:"],
    );
    let formula = format!("{}budget", "-".repeat(900));
    write(
        dir.path(),
        "minus.toml",
        rubric_with("misused / budget", &formula),
    );
    expect(
        dir.path(),
        &["check", "minus.toml"],
        1,
        &["invalid formula", "nests", "minus.toml:26:"],
    );
}

#[test]
fn a_rubric_with_too_many_criteria_or_phrases_is_refused() {
    let dir = scratch();
    let mut many = String::from("[rubric]\nid = \"many\"\n");
    for i in 0..1001 {
        many.push_str(&format!(
            "\n[[criteria]]\nid = \"c{i}\"\nmethod = \"rating\"\n"
        ));
    }
    write(dir.path(), "criteria.toml", &many);
    expect(
        dir.path(),
        &["check", "criteria.toml"],
        1,
        &["1001 criteria", "criteria.toml"],
    );
    let phrases: Vec<String> = (0..100_001).map(|i| format!("\"w{i}\"")).collect();
    write(
        dir.path(),
        "phrases.toml",
        rubric_with(
            "phrases = [\"one-on-one\"]",
            &format!("phrases = [{}]", phrases.join(", ")),
        ),
    );
    expect(
        dir.path(),
        &["check", "phrases.toml"],
        1,
        &["100001 phrases", "phrases.toml"],
    );
}

#[test]
fn a_directory_without_programmes_is_an_error() {
    let dir = scratch();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    write(dir.path(), "notes/readme.rst", "Not a programme.\n");
    for command in ["score", "check", "template", "sensitivity"] {
        expect(dir.path(), &[command, "empty"], 1, &["`empty`"]);
        expect(dir.path(), &[command, "notes"], 1, &["`notes`"]);
    }
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_is_an_error() {
    use std::os::unix::fs::symlink;
    let dir = scratch();
    write(dir.path(), "rubric.toml", RUBRIC);
    write(dir.path(), "loop/p.toml", PROGRAM);
    std::fs::create_dir(dir.path().join("loop/a")).unwrap();
    symlink("..", dir.path().join("loop/a/up")).unwrap();
    expect(
        dir.path(),
        &["score", "--rubric", "rubric.toml", "loop"],
        1,
        &["loop/a/up"],
    );
    write(dir.path(), "self/p.toml", PROGRAM);
    symlink("me.toml", dir.path().join("self/me.toml")).unwrap();
    expect(
        dir.path(),
        &["score", "--rubric", "rubric.toml", "self"],
        1,
        &["self/me.toml"],
    );
    expect(
        dir.path(),
        &["score", "--rubric", "rubric.toml", "self/me.toml"],
        1,
        &["self/me.toml"],
    );
    write(dir.path(), "dangling/p.toml", PROGRAM);
    symlink("nowhere.md", dir.path().join("dangling/gone.md")).unwrap();
    expect(
        dir.path(),
        &["score", "--rubric", "rubric.toml", "dangling"],
        1,
        &["dangling/gone.md"],
    );
}

#[cfg(unix)]
#[test]
fn a_text_file_linked_from_outside_the_folder_is_refused() {
    use std::os::unix::fs::symlink;
    let dir = scratch();
    write(dir.path(), "rubric.toml", RUBRIC);
    write(dir.path(), "secret.md", "one-on-one secrets\n");
    write(
        dir.path(),
        "programs/p.toml",
        PROGRAM.replacen(
            "text = \"We do one-on-one work.\"",
            "text_file = \"inside.md\"",
            1,
        ),
    );
    symlink("../secret.md", dir.path().join("programs/inside.md")).unwrap();
    expect(
        dir.path(),
        &["score", "--rubric", "rubric.toml", "programs/p.toml"],
        1,
        &["inside.md", "programs/p.toml:4:13"],
    );
    // A linked folder inside leads outside just the same.
    write(dir.path(), "elsewhere/t.md", "one-on-one\n");
    symlink("../elsewhere", dir.path().join("programs/sub")).unwrap();
    write(
        dir.path(),
        "programs/q.toml",
        PROGRAM.replacen("id = \"p\"", "id = \"q\"", 1).replacen(
            "text = \"We do one-on-one work.\"",
            "text_file = \"sub/t.md\"",
            1,
        ),
    );
    expect(
        dir.path(),
        &["score", "--rubric", "rubric.toml", "programs/q.toml"],
        1,
        &["sub/t.md", "programs/q.toml:4:13"],
    );
}

/// Root reads any file, whatever its permissions. The tests run as root in CI, so there the
/// binary runs without the two capabilities that let root ignore permissions
/// (`CAP_DAC_OVERRIDE`, `CAP_DAC_READ_SEARCH`, dropped by util-linux's `setpriv`) and meets the
/// permission bits as any other user does.
#[cfg(unix)]
const WITHOUT_ROOTS_FILE_ACCESS: [&str; 3] = [
    "setpriv",
    "--bounding-set",
    "-dac_override,-dac_read_search",
];

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch();
    write(dir.path(), "rubric.toml", RUBRIC);
    write(dir.path(), "p.toml", PROGRAM);
    let path = dir.path().join("p.toml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let args = ["score", "--rubric", "rubric.toml", "p.toml"];
    let mut run = polscore(args).dir(dir.path());
    if std::fs::read(&path).is_ok() {
        let probe = std::process::Command::new(WITHOUT_ROOTS_FILE_ACCESS[0])
            .args(&WITHOUT_ROOTS_FILE_ACCESS[1..])
            .arg("cat")
            .arg(&path)
            .output();
        assert!(
            matches!(&probe, Ok(out) if out.status.code() == Some(1)),
            "the file is readable (root?) and `{} cat FILE` did not make it unreadable ({probe:?}); \
             this test needs util-linux's setpriv and the capability CAP_SETPCAP",
            WITHOUT_ROOTS_FILE_ACCESS.join(" ")
        );
        run = run.through(&WITHOUT_ROOTS_FILE_ACCESS);
    }
    expect_of(run, &args, 1, &["p.toml", "ermission denied"]);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}
