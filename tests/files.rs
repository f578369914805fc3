//! Tests that need more than a command line and its output: files written or left alone,
//! digests compared across rubric files, output compared across argument orders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn polscore(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polscore"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the binary runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polscore-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The digest `check` prints for a rubric file.
fn digest(dir: &Path, rubric: &str) -> String {
    let out = polscore(&["check", rubric], dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    let at = err.find("sha256:").expect("a digest is printed");
    err[at..at + 23].to_string()
}

const BASE: &str = r#"
[rubric]
id = "d"
version = "1"

[[criteria]]
id = "a"
weight = 0.5
method = "evidence"

[[criteria.indicators]]
id = "x"
phrases = ["one-on-one"]
points = 2
"#;

/// Same meaning, written differently: comments, key order, white space, `"0.50"` for `0.5`,
/// defaults written out.
const SAME: &str = r#"
# A comment changes nothing.
[rubric]
version = "1"
id      = "d"
aggregation = "weighted_mean"
missing = "exclude"
min_coverage = 50

[negation]
window = 5

[[criteria]]
method = "evidence"
weight = "0.50"
id = "a"
base = 0

  [[criteria.indicators]]
  points = 2
  phrases = [ "one-on-one" ]
  id = "x"
  min_matches = 1
"#;

#[test]
fn digest_ignores_form_and_follows_meaning() {
    let dir = scratch("digest");
    std::fs::write(dir.join("base.toml"), BASE).unwrap();
    std::fs::write(dir.join("same.toml"), SAME).unwrap();
    let changed = [
        BASE.replace("weight = 0.5", "weight = 0.6"),
        BASE.replace("points = 2", "points = 3"),
        BASE.replace("\"one-on-one\"", "\"one-on-one\", \"mentor*\""),
        BASE.replace("version = \"1\"", "version = \"2\""),
        format!("{BASE}\n[negation]\nwindow = 4\n"),
        BASE.replace("id = \"d\"", "id = \"d\"\nmissing = \"zero\""),
    ];
    let base = digest(&dir, "base.toml");
    assert_eq!(base, digest(&dir, "same.toml"));
    for (i, text) in changed.iter().enumerate() {
        let name = format!("changed{i}.toml");
        std::fs::write(dir.join(&name), text).unwrap();
        assert_ne!(
            base,
            digest(&dir, &name),
            "change {i} must change the digest"
        );
    }
}

#[test]
fn a_failed_run_leaves_the_output_file_alone() {
    let dir = scratch("atomic");
    let out = dir.join("card.csv");
    std::fs::write(&out, "previous scorecard\n").unwrap();
    std::fs::write(dir.join("bad.toml"), "[program]\nid = \"x\"\n").unwrap();
    let run = polscore(&["score", "-o", out.to_str().unwrap(), "bad.toml"], &dir);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "previous scorecard\n"
    );
    assert!(run.stdout.is_empty());
    // Nothing but the original file is left behind (no temporary files).
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn output_file_is_written_whole() {
    let dir = scratch("written");
    let out = dir.join("card.csv");
    let fixtures = root().join("fixtures/programs");
    let run = polscore(
        &[
            "score",
            "-o",
            out.to_str().unwrap(),
            fixtures.to_str().unwrap(),
        ],
        &dir,
    );
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let to_stdout = polscore(&["score", fixtures.to_str().unwrap()], &dir);
    assert_eq!(std::fs::read(&out).unwrap(), to_stdout.stdout);
    assert!(run.stdout.is_empty());
}

#[test]
fn output_does_not_depend_on_argument_order() {
    let dir = root();
    let mut files: Vec<String> = std::fs::read_dir(dir.join("fixtures/programs"))
        .unwrap()
        .map(|e| {
            format!(
                "fixtures/programs/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    files.sort();
    for format in ["wide", "long", "json"] {
        let mut args = vec!["score", "--format", format];
        args.extend(files.iter().map(String::as_str));
        let forward = polscore(&args, &dir);
        let mut reversed = vec!["score", "--format", format];
        reversed.extend(files.iter().rev().map(String::as_str));
        let backward = polscore(&reversed, &dir);
        assert!(forward.status.success());
        assert_eq!(forward.stdout, backward.stdout, "format {format}");
        let by_dir = polscore(&["score", "--format", format, "fixtures/programs"], &dir);
        assert_eq!(forward.stdout, by_dir.stdout, "format {format}");
    }
}

#[test]
fn every_shipped_rubric_scores_every_fixture() {
    let dir = root();
    for rubric in ["rubrics/pcve.toml", "rubrics/pcve-rights.toml"] {
        let run = polscore(&["score", "--rubric", rubric, "fixtures/programs"], &dir);
        assert_eq!(
            run.status.code(),
            Some(0),
            "{rubric}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let rows = String::from_utf8(run.stdout).unwrap().lines().count();
        assert_eq!(rows, 1 + 13, "{rubric}: header and one row per fixture");
    }
    // The built-in rubric is the shipped file.
    let builtin = polscore(&["score", "fixtures/programs"], &dir);
    let shipped = polscore(
        &[
            "score",
            "--rubric",
            "rubrics/pcve.toml",
            "fixtures/programs",
        ],
        &dir,
    );
    assert_eq!(builtin.stdout, shipped.stdout);
}

#[test]
fn sensitivity_is_seeded() {
    let dir = root();
    let run = |seed: &str| {
        let out = polscore(
            &[
                "sensitivity",
                "--samples",
                "300",
                "--seed",
                seed,
                "fixtures/programs",
            ],
            &dir,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    assert_eq!(run("3"), run("3"));
    assert_ne!(run("3"), run("4"));
}
