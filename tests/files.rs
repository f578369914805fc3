//! Tests that need more than a command line and its output: files written or left alone,
//! digests compared across rubric files, output compared across argument orders.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{BIN, polscore, root};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("polscore-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The digest `check` prints for a rubric file.
fn digest(dir: &Path, rubric: &str) -> String {
    let out = polscore(["check", rubric]).dir(dir).output();
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
    let run = polscore(["score", "-o", out.to_str().unwrap(), "bad.toml"])
        .dir(&dir)
        .output();
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
    let run = polscore([
        "score",
        "-o",
        out.to_str().unwrap(),
        fixtures.to_str().unwrap(),
    ])
    .dir(&dir)
    .output();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let to_stdout = polscore(["score", fixtures.to_str().unwrap()])
        .dir(&dir)
        .output();
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
        let forward = polscore(&args).dir(&dir).output();
        let mut reversed = vec!["score", "--format", format];
        reversed.extend(files.iter().rev().map(String::as_str));
        let backward = polscore(&reversed).dir(&dir).output();
        assert!(forward.status.success());
        assert_eq!(forward.stdout, backward.stdout, "format {format}");
        let by_dir = polscore(["score", "--format", format, "fixtures/programs"])
            .dir(&dir)
            .output();
        assert_eq!(forward.stdout, by_dir.stdout, "format {format}");
    }
}

#[test]
fn every_shipped_rubric_scores_every_fixture() {
    let dir = root();
    for rubric in ["rubrics/pcve.toml", "rubrics/pcve-rights.toml"] {
        let run = polscore(["score", "--rubric", rubric, "fixtures/programs"])
            .dir(&dir)
            .output();
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
    let builtin = polscore(["score", "fixtures/programs"]).dir(&dir).output();
    let shipped = polscore([
        "score",
        "--rubric",
        "rubrics/pcve.toml",
        "fixtures/programs",
    ])
    .dir(&dir)
    .output();
    assert_eq!(builtin.stdout, shipped.stdout);
}

#[test]
fn sensitivity_is_seeded() {
    let dir = root();
    let run = |seed: &str| {
        let out = polscore([
            "sensitivity",
            "--samples",
            "300",
            "--seed",
            seed,
            "fixtures/programs",
        ])
        .dir(&dir)
        .output();
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

// ---- HTML reports (issue #4) ----

/// What the tests need from an HTML page read as XML: its elements, every `href`/`src`, and its
/// text, one line per block.
struct Page {
    elements: Vec<String>,
    links: Vec<String>,
    text: String,
}

/// Elements after which the text snapshot starts a new line.
const BLOCKS: &[&str] = &[
    "title",
    "header",
    "footer",
    "section",
    "article",
    "div",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "ul",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "blockquote",
];

/// Reads an HTML report as XHTML, panicking with the position of the first thing that is not
/// well-formed: mismatched or unclosed tags, unknown entities, duplicate attributes.
fn read_xhtml(html: &str) -> Page {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(html);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let mut page = Page {
        elements: Vec::new(),
        links: Vec::new(),
        text: String::new(),
    };
    let mut open: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut doctype = false;
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed at byte {at}: {e}"));
        let in_style = open.last().is_some_and(|e| e == "style");
        match &event {
            Event::DocType(d) => {
                assert_eq!(d.decode().unwrap().trim(), "html");
                doctype = true;
            }
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                if open.is_empty() {
                    roots += 1;
                }
                for a in e.attributes() {
                    let a = a.unwrap_or_else(|err| panic!("bad attribute in <{name}>: {err}"));
                    let key = String::from_utf8(a.key.as_ref().to_vec()).unwrap();
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::default())
                        .unwrap_or_else(|err| panic!("bad value of {key} in <{name}>: {err}"))
                        .into_owned();
                    if key == "href" || key == "src" {
                        page.links.push(value);
                    }
                }
                if BLOCKS.contains(&name.as_str()) {
                    page.text.push('\n');
                }
                page.elements.push(name.clone());
                // An empty element (`<meta/>`) closes itself.
                if matches!(event, Event::Start(_)) {
                    open.push(name);
                }
            }
            Event::End(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                assert_eq!(open.pop().as_deref(), Some(name.as_str()));
                if BLOCKS.contains(&name.as_str()) {
                    page.text.push('\n');
                } else if name == "td" || name == "th" {
                    page.text.push_str(" | ");
                }
            }
            Event::Text(t) if !in_style => page.text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) if !in_style => {
                let name = r.decode().unwrap().into_owned();
                let ch = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&name)
                        .unwrap_or_else(|| panic!("`&{name};` is not an XML entity"))
                        .to_string(),
                };
                page.text.push_str(&ch);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(doctype, "the page starts with <!DOCTYPE html>");
    assert_eq!(roots, 1, "one root element");
    assert!(open.is_empty(), "unclosed elements: {open:?}");
    page.text = page
        .text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    page.text.push('\n');
    page
}

/// Checks that a page runs nothing and fetches nothing: no script, frame, object, image or
/// stylesheet link, and every `href`/`src` is an anchor on the page or one of `allowed`.
fn assert_self_contained(html: &str, page: &Page, allowed: &[String]) {
    for banned in [
        "script", "iframe", "object", "embed", "img", "link", "base", "form",
    ] {
        assert!(
            !page.elements.iter().any(|e| e.eq_ignore_ascii_case(banned)),
            "the page has a <{banned}> element"
        );
    }
    let lower = html.to_ascii_lowercase();
    // (`javascript:` may stand in text; the link check below keeps it out of attributes.)
    for banned in ["<script", "url(", "@import"] {
        assert!(!lower.contains(banned), "the page contains `{banned}`");
    }
    // No event handler attribute (` onload="`, ` onerror="` ...).
    let handler = lower.match_indices(" on").any(|(i, _)| {
        let rest = &lower[i + 3..];
        let name = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        name.len() < rest.len() && name.starts_with("=\"")
    });
    assert!(!handler, "the page has an event handler attribute");
    for link in &page.links {
        assert!(
            link.starts_with('#') || allowed.contains(link),
            "link to `{link}`, which is neither on the page nor a programme's source"
        );
    }
}

/// The source URLs of the programmes in a folder, as the library reads them.
fn source_urls(dir: &Path) -> Vec<String> {
    let rubric = polscore::rubric::builtin();
    let loaded = polscore::load_programs(
        &[dir.to_path_buf()],
        &rubric,
        &polscore::diag::Limits::default(),
    );
    assert!(loaded.problems.is_empty());
    loaded
        .programs
        .iter()
        .flat_map(|p| p.program().sources.iter().map(|s| s.url.clone()))
        .collect()
}

#[test]
fn html_scorecard_is_well_formed_self_contained_and_reads_as_expected() {
    let dir = root();
    let run = polscore(["score", "--format", "html", "fixtures/programs"])
        .dir(&dir)
        .output();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = String::from_utf8(run.stdout).unwrap();
    let page = read_xhtml(&html);
    let sources = source_urls(&dir.join("fixtures/programs"));
    assert_self_contained(&html, &page, &sources);
    // Every programme's own sources are linked.
    for url in &sources {
        assert!(page.links.contains(url), "no link to {url}");
    }
    // Every anchor link lands on an element of the page.
    for link in page.links.iter().filter(|l| l.starts_with('#')) {
        assert!(
            html.contains(&format!("id=\"{}\"", &link[1..])),
            "no element with id {link}"
        );
    }
    // The text, tags stripped, against the checked-in snapshot (UPDATE_SNAPSHOTS=1 rewrites
    // it; read the diff before committing). The version is masked so a release does not
    // change it.
    let text = page.text.replace(
        &format!("polscore {}", env!("CARGO_PKG_VERSION")),
        "polscore VERSION",
    );
    let snapshot = dir.join("tests/snapshots/report.html.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(snapshot.parent().unwrap()).unwrap();
        std::fs::write(&snapshot, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot)
        .expect("tests/snapshots/report.html.txt exists (UPDATE_SNAPSHOTS=1 writes it)");
    if text != expected {
        let first = text
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(text.lines().count().min(expected.lines().count()));
        panic!(
            "the HTML report's text differs from tests/snapshots/report.html.txt at line {}:\n  \
             got:      {:?}\n  expected: {:?}\n(UPDATE_SNAPSHOTS=1 cargo test rewrites it)",
            first + 1,
            text.lines().nth(first),
            expected.lines().nth(first)
        );
    }
    // Same input, same bytes.
    let again = polscore(["score", "--format", "html", "fixtures/programs"])
        .dir(&dir)
        .output();
    assert_eq!(html.as_bytes(), again.stdout);
}

/// Issue #4: text from a description is text, never markup, in every report for people.
#[test]
fn markup_in_a_description_is_escaped_in_html_and_markdown() {
    let dir = scratch("escape");
    std::fs::write(
        dir.join("p.toml"),
        r#"[program]
id = "script-test"
name = "<script>alert(1)</script> programme | <b>bold</b>"
country = "A & B"
period = "<i>2020</i>"
text = """<script>alert(1)</script> The programme offers one-on-one mentoring <img src=x onerror=alert(2)>.
It also runs an awareness campaign for 'families' & "friends"; see ](javascript:alert(5))."""
sources = [
  { title = "<script>alert(3)</script>", url = "javascript:alert(4)" },
  { title = "Report", url = "https://example.org/?a=1&b=\"2\"" },
]
"#,
    )
    .unwrap();
    let run = polscore(["score", "--format", "html", "p.toml"])
        .dir(&dir)
        .output();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = String::from_utf8(run.stdout).unwrap();
    let page = read_xhtml(&html);
    assert_self_contained(
        &html,
        &page,
        &["https://example.org/?a=1&b=\"2\"".to_string()],
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; programme | &lt;b&gt;bold&lt;/b&gt;")
    );
    assert!(
        page.text
            .contains("<script>alert(1)</script> The programme offers")
    );
    assert!(page.text.contains("<img src=x onerror=alert(2)>"));
    assert!(!page.elements.iter().any(|e| e == "b" || e == "i"));
    // The javascript: source is shown as text, not linked.
    assert!(page.text.contains("javascript:alert(4)"));
    assert!(
        page.links
            .contains(&"https://example.org/?a=1&b=\"2\"".to_string())
    );

    let md = polscore(["score", "--format", "markdown", "p.toml"])
        .dir(&dir)
        .output();
    let md = String::from_utf8(md.stdout).unwrap();
    // Every `<` is escaped, so no renderer reads a tag.
    assert!(
        md.match_indices('<')
            .all(|(i, _)| md[..i].ends_with('\\') || md[i..].starts_with("<https://")),
        "{md}"
    );
    assert!(md.contains("\\<script\\>alert(1)\\</script\\> programme \\| \\<b\\>bold\\</b\\>"));
    assert!(!md.contains("](javascript:"), "{md}");
    assert!(
        md.contains("[Report](<https://example.org/?a=1&b=\"2\">)"),
        "{md}"
    );
}

#[test]
fn sensitivity_html_is_well_formed_and_self_contained() {
    let dir = root();
    let run = polscore([
        "sensitivity",
        "--format",
        "html",
        "--samples",
        "200",
        "fixtures/programs",
    ])
    .dir(&dir)
    .output();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = String::from_utf8(run.stdout).unwrap();
    let page = read_xhtml(&html);
    assert_self_contained(&html, &page, &[]);
    for id in [
        "illustrative-city-safety-campaign",
        "illustrative-youth-sports-festival",
    ] {
        assert!(page.text.contains(id), "{id} is in the report");
    }
    assert!(page.text.contains("200 times (seed 1)"));
}

#[cfg(unix)]
#[test]
fn output_files_are_readable_like_any_other_file() {
    // A temporary file is private (rw-------); the scorecard it becomes must not be.
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("mode");
    let out = dir.join("card.csv");
    let fixtures = root().join("fixtures/programs");
    let run = polscore([
        "score",
        "-o",
        out.to_str().unwrap(),
        fixtures.to_str().unwrap(),
    ])
    .dir(&dir)
    .output();
    assert!(run.status.success());
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode & 0o044, 0o044 & !umask_guess(), "mode {mode:o}");
    // Replacing a file keeps its permissions.
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o600)).unwrap();
    polscore([
        "score",
        "-o",
        out.to_str().unwrap(),
        fixtures.to_str().unwrap(),
    ])
    .dir(&dir)
    .output();
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

/// The group/other read bits the umask removes, read off a file created the ordinary way.
#[cfg(unix)]
fn umask_guess() -> u32 {
    use std::os::unix::fs::PermissionsExt;
    let probe = scratch("umask").join("probe");
    std::fs::write(&probe, "").unwrap();
    !std::fs::metadata(&probe).unwrap().permissions().mode() & 0o044
}

#[test]
fn completions_and_manual_page() {
    let dir = root();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = polscore(["completions", shell]).dir(&dir).output();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("polscore") && text.contains("sensitivity"),
            "{shell}"
        );
    }
    let man = polscore(["man"]).dir(&dir).output();
    assert!(man.status.success());
    let text = String::from_utf8(man.stdout).unwrap();
    assert!(text.contains(".TH polscore 1") && text.contains("score"));
    assert_eq!(
        polscore(["completions", "tcsh"])
            .dir(&dir)
            .output()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn quiet_and_colour() {
    let dir = root();
    let chatty = polscore(["check", "rubrics/pcve.toml"]).dir(&dir).output();
    assert!(String::from_utf8_lossy(&chatty.stderr).contains("ok:"));
    let quiet = polscore(["check", "--quiet", "rubrics/pcve.toml"])
        .dir(&dir)
        .output();
    assert!(quiet.status.success() && quiet.stderr.is_empty());
    // Errors are printed however quiet, in colour only when asked (stderr is a pipe here).
    let bad = dir.join("tests/cmd/bad-rubric-unknown-key.in/rubric.toml");
    let bad = bad.to_str().unwrap();
    let plain = polscore(["check", "--quiet", bad]).dir(&dir).output();
    assert_eq!(plain.status.code(), Some(1));
    let plain = String::from_utf8(plain.stderr).unwrap();
    assert!(plain.starts_with("error: unknown key") && !plain.contains('\x1b'));
    let colour = polscore(["check", "--color", "always", bad])
        .dir(&dir)
        .output();
    assert!(
        String::from_utf8(colour.stderr)
            .unwrap()
            .contains("\x1b[1;31merror")
    );
    let never = polscore(["check", bad])
        .env("NO_COLOR", "1")
        .dir(&dir)
        .output();
    assert!(!String::from_utf8(never.stderr).unwrap().contains('\x1b'));
}

/// The long scorecard of the fixtures, as `score --format long` writes it with `extra`
/// options, in a file.
fn long_scorecard(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let fixtures = root().join("fixtures/programs");
    let mut args = vec!["score", "--format", "long", "-o", out.to_str().unwrap()];
    args.extend(extra);
    args.push(fixtures.to_str().unwrap());
    let run = polscore(&args).dir(dir).output();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

/// The analyst's route to a data frame (issue "Fit the user's tools", item 4): the long CSV
/// loads in pandas with `pd.read_csv(PATH)` and no arguments, with a numeric `score` and the
/// evidence text intact, and the `--excel` file loads with the usual arguments for such files
/// into the same frame. The same with R's `read.csv` and `read.csv2`.
#[test]
fn the_long_csv_loads_in_pandas_and_r() {
    const HINT: &str = "this test loads the long CSV with pandas: install it with \
                        `pip install pandas`";
    const R_HINT: &str = "this test loads the long CSV with R's read.csv: install it with \
                          `apt-get install --no-install-recommends r-base-core` (Debian)";
    let dir = scratch("dataframes");
    // An override whose rationale, in Russian and Kazakh, becomes an evidence cell: text that
    // a wrong encoding, delimiter or quote rule would garble.
    std::fs::write(
        dir.join("ratings.csv"),
        "program_id,criterion_id,assessor,level,rationale,override\n\
         kz-state-program-2013-2017,legal_clarity,analyst-kz,1,\"«Деструктивные религиозные \
         течения» не определены; \"\"деструктивті діни ағымдар\"\", 2013 ж.\",true\n",
    )
    .unwrap();
    let ratings = ["--ratings", "ratings.csv"];
    let plain = long_scorecard(&dir, "long.csv", &ratings);
    let excel = long_scorecard(
        &dir,
        "long-excel.csv",
        &[&ratings[..], &["--excel"]].concat(),
    );
    // What polscore wrote, read by the csv crate: what the data frames must hold.
    let records: Vec<csv::StringRecord> = csv::Reader::from_path(&plain)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    let distinct = |i: usize| {
        records
            .iter()
            .map(|r| r[i].to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    let (programmes, criteria) = (distinct(0), distinct(1));
    assert_eq!(programmes, 13, "one per fixture");
    let evidence: Vec<String> = records.iter().map(|r| r[9].to_string()).collect();
    assert!(
        evidence.iter().any(|e| e.contains("\"деструктивті")),
        "the Kazakh rationale is an evidence cell: {evidence:?}"
    );
    let columns = [
        "program_id",
        "criterion_id",
        "method",
        "source",
        "level",
        "computed_level",
        "score",
        "weight",
        "contribution",
        "evidence",
        "note",
    ];

    let script = r#"
import json, sys
import pandas as pd
df = pd.read_csv(sys.argv[1])
excel = pd.read_csv(sys.argv[2], sep=";", decimal=",", encoding="utf-8-sig")
print(json.dumps({
    "rows": df.shape[0],
    "columns": list(df.columns),
    "dtypes": {c: str(df[c].dtype) for c in ["score", "weight", "contribution"]},
    "evidence": df["evidence"].fillna("").tolist(),
    "excel_is_the_same_frame": bool(df.equals(excel)),
}))
"#;
    let run = Command::new("python3")
        .args(["-c", script])
        .arg(&plain)
        .arg(&excel)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}); {HINT}"));
    assert!(
        run.status.success(),
        "python3 failed ({}); {HINT}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    let frame: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(frame["rows"], programmes * criteria);
    assert_eq!(frame["columns"], serde_json::json!(columns));
    for column in ["score", "weight", "contribution"] {
        assert_eq!(frame["dtypes"][column], "float64", "{column}");
    }
    assert_eq!(frame["evidence"], serde_json::json!(evidence));
    assert_eq!(frame["excel_is_the_same_frame"], true);

    let lines = dir.join("evidence-r.txt");
    let script = r#"
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1], encoding = "UTF-8")
excel <- read.csv2(args[2], encoding = "UTF-8", fileEncoding = "UTF-8-BOM")
cat(nrow(df), ncol(df), is.numeric(df$score), isTRUE(all.equal(df, excel)), "\n")
writeLines(df$evidence, args[3], useBytes = TRUE)
"#;
    let run = Command::new("Rscript")
        .args(["-e", script])
        .arg(&plain)
        .arg(&excel)
        .arg(&lines)
        .output()
        .unwrap_or_else(|e| panic!("cannot run Rscript ({e}); {R_HINT}"));
    assert!(
        run.status.success(),
        "Rscript failed ({}); {R_HINT}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&run.stdout).trim(),
        format!("{} {} TRUE TRUE", programmes * criteria, columns.len())
    );
    let read: Vec<String> = std::fs::read_to_string(&lines)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(read, evidence);
}

/// Temporary files polscore might have left in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".polscore-") || n.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_write_that_fails_leaves_nothing_behind() {
    // The destination is a directory: the rename fails after the temporary file was written.
    let dir = scratch("rename-fails");
    let target = dir.join("card.csv");
    std::fs::create_dir(&target).unwrap();
    let fixtures = root().join("fixtures/programs");
    let run = polscore([
        "score",
        "-o",
        target.to_str().unwrap(),
        fixtures.to_str().unwrap(),
    ])
    .dir(&dir)
    .output();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("cannot write"));
    assert!(target.is_dir());
    assert_eq!(leftovers(&dir), Vec::<String>::new());
}

/// A folder this process cannot write into, made so for the life of the value: mode 555, and
/// where that does not stop the process (root, as in CI) also the immutable attribute
/// (`chattr +i`), which stops root too. Both are undone on drop, so the folder can be removed.
#[cfg(unix)]
struct ReadOnlyFolder {
    path: PathBuf,
    immutable: bool,
}

#[cfg(unix)]
impl ReadOnlyFolder {
    fn new(path: &Path) -> ReadOnlyFolder {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o555)).unwrap();
        let mut folder = ReadOnlyFolder {
            path: path.to_owned(),
            immutable: false,
        };
        if !folder.refuses_writes() {
            let chattr = Command::new("chattr").arg("+i").arg(path).output();
            folder.immutable = matches!(&chattr, Ok(out) if out.status.success());
            assert!(
                folder.immutable && folder.refuses_writes(),
                "cannot make {} read-only: mode 555 does not stop this process (root?) and \
                 `chattr +i` failed ({}); this test needs e2fsprogs' chattr, the capability \
                 CAP_LINUX_IMMUTABLE and a temporary folder on a file system with the \
                 immutable attribute (ext4 and tmpfs have it)",
                path.display(),
                match &chattr {
                    Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_string(),
                    Err(e) => e.to_string(),
                }
            );
        }
        folder
    }

    /// Whether creating a file in the folder fails (the probe is removed if it did not).
    fn refuses_writes(&self) -> bool {
        let probe = self.path.join("probe");
        match std::fs::write(&probe, "") {
            Ok(()) => {
                std::fs::remove_file(&probe).unwrap();
                false
            }
            Err(_) => true,
        }
    }
}

#[cfg(unix)]
impl Drop for ReadOnlyFolder {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.immutable {
            let _ = Command::new("chattr").arg("-i").arg(&self.path).status();
        }
        let _ = std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o755));
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_is_refused_and_left_alone() {
    let dir = scratch("read-only");
    let out = dir.join("card.csv");
    std::fs::write(&out, "previous scorecard\n").unwrap();
    let read_only = ReadOnlyFolder::new(&dir);
    let fixtures = root().join("fixtures/programs");
    let run = polscore([
        "score",
        "-o",
        out.to_str().unwrap(),
        fixtures.to_str().unwrap(),
    ])
    .dir(&dir)
    .output();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write") && stderr.contains("card.csv"),
        "the message names the file it cannot write: {stderr}"
    );
    assert!(run.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "previous scorecard\n"
    );
    drop(read_only);
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["card.csv"], "nothing but the old file");
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_the_old_file_whole() {
    // Scoring happens in memory before the temporary file exists, so a run stopped while it
    // scores leaves the old scorecard and no temporary file.
    let dir = scratch("interrupted");
    let programs = dir.join("programs");
    std::fs::create_dir(&programs).unwrap();
    for i in 0..4000 {
        std::fs::write(
            programs.join(format!("p{i:04}.md")),
            format!(
                "# Programme {i}\n\nMentors work one-on-one; there was no public information.\n"
            ),
        )
        .unwrap();
    }
    let out = dir.join("card.csv");
    std::fs::write(&out, "previous scorecard\n").unwrap();
    let mut child = polscore([
        "score",
        "-o",
        out.to_str().unwrap(),
        programs.to_str().unwrap(),
    ])
    .dir(&dir)
    .command()
    .spawn()
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    let now = std::fs::read_to_string(&out).unwrap();
    if status.success() {
        // It finished before the signal: then the file is the whole new scorecard.
        assert!(now.starts_with("rank,") && now.lines().count() == 4001);
    } else {
        assert_eq!(now, "previous scorecard\n");
    }
    assert_eq!(leftovers(&dir), Vec::<String>::new());
}

/// Runs a Python script of `bench/` and returns its stdout.
fn python(args: &[&str]) -> Vec<u8> {
    let out = Command::new("python3")
        .args(args)
        .env("POLSCORE", BIN)
        .current_dir(root())
        .output()
        .expect("python3 runs (it is part of the test environment)");
    assert!(
        out.status.success(),
        "python3 {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn the_wide_csv_equals_an_independent_python_reference() {
    // bench/reference.py implements SPEC §5's evidence method and §6's wide CSV with Python's
    // standard library, written without reading polscore's source. On generated policy prose
    // (and on one-sentence probes, where each negation decides a level) both must agree to
    // the byte.
    let dir = scratch("differential");
    let d = dir.to_str().unwrap();
    let rubric = format!("{d}/rubric.toml");
    python(&[
        "bench/gen_corpus.py",
        "--seed",
        "1",
        "--docs",
        "30",
        "--out",
        &format!("{d}/docs"),
        "--rubric",
        &rubric,
    ]);
    python(&[
        "bench/gen_corpus.py",
        "--seed",
        "2",
        "--docs",
        "300",
        "--sentences",
        "1",
        "--out",
        &format!("{d}/probes"),
    ]);
    for corpus in ["docs", "probes"] {
        let path = format!("{d}/{corpus}");
        let expected = python(&["bench/reference.py", &rubric, &path]);
        let run = polscore(["score", "--rubric", &rubric, &path])
            .dir(root())
            .output();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(
            expected.len() > 1000,
            "{corpus}: the reference wrote a scorecard"
        );
        assert_eq!(
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&expected),
            "{corpus}: polscore and bench/reference.py differ"
        );
    }
}

/// A generated corpus of 400 descriptions (2–20 KB of policy prose each, two batches) and its
/// rubric, made once for the tests that share it.
fn shared_corpus() -> &'static (PathBuf, String, String) {
    static CORPUS: std::sync::OnceLock<(PathBuf, String, String)> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| generated_corpus("corpus", 400))
}

/// A generated corpus of `docs` descriptions and its rubric.
fn generated_corpus(name: &str, docs: usize) -> (PathBuf, String, String) {
    let dir = scratch(name);
    let d = dir.to_str().unwrap().to_string();
    let rubric = format!("{d}/rubric.toml");
    python(&[
        "bench/gen_corpus.py",
        "--seed",
        "7",
        "--docs",
        &docs.to_string(),
        "--out",
        &format!("{d}/docs"),
        "--rubric",
        &rubric,
    ]);
    (dir, rubric, format!("{d}/docs"))
}

fn scored(args: &[&str]) -> Vec<u8> {
    let run = polscore(args).dir(root()).output();
    assert!(
        run.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    run.stdout
}

#[test]
fn threads_and_batches_do_not_change_a_byte() {
    // Two batches, and a long CSV large enough to spill to disk.
    let (_dir, rubric, docs) = shared_corpus();
    for (format, threads) in [
        ("wide", &["2", "3"][..]),
        ("long", &["2"]),
        ("json", &["2"]),
    ] {
        let one = scored(&["score", "-j1", "--rubric", rubric, "--format", format, docs]);
        for &threads in threads {
            let many = scored(&[
                "score", "-j", threads, "--rubric", rubric, "--format", format, docs,
            ]);
            assert!(one == many, "{format}: -j1 and -j{threads} differ");
        }
    }
}

#[test]
fn spilled_rows_agree_with_the_full_scorecard() {
    // The CSV scorecards are written from rows spilled as each batch finishes (to disk past
    // 256 KiB); the JSON from programmes held whole. Their ranks, levels, evidence and notes
    // must be the same.
    let (_dir, rubric, docs) = shared_corpus();
    let (rubric, docs) = (rubric.as_str(), docs.as_str());
    let json: serde_json::Value = serde_json::from_slice(&scored(&[
        "score", "--rubric", rubric, "--format", "json", docs,
    ]))
    .unwrap();
    let long = scored(&["score", "--rubric", rubric, "--format", "long", docs]);
    let wide = scored(&["score", "--rubric", rubric, docs]);
    assert!(long.len() > 256 << 10, "the long CSV spilled to disk");
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let programs = json["programs"].as_array().unwrap();
    let mut wide_rows = csv::Reader::from_reader(&wide[..]);
    let mut long_rows = csv::Reader::from_reader(&long[..]);
    let mut long_records = long_rows.records();
    let mut n = 0;
    for (p, w) in programs.iter().zip(wide_rows.records()) {
        let w = w.unwrap();
        assert_eq!(&w[0], cell(&p["rank"]));
        assert_eq!(&w[1], cell(&p["program_id"]));
        assert_eq!(&w[5], cell(&p["total"]));
        for c in p["criteria"].as_array().unwrap() {
            let l = long_records.next().unwrap().unwrap();
            assert_eq!(&l[0], cell(&p["program_id"]));
            assert_eq!(&l[1], cell(&c["criterion_id"]));
            assert_eq!(&l[3], cell(&c["source"]));
            assert_eq!(&l[4], cell(&c["level"]));
            assert_eq!(&l[9], cell(&c["evidence"]));
            assert_eq!(&l[10], cell(&c["note"]));
        }
        n += 1;
    }
    assert_eq!(n, 400);
    assert!(long_records.next().is_none());
}

#[test]
fn the_progress_bar_shows_only_on_a_terminal() {
    // `script` gives the run a terminal; the bar's one-second delay is shortened.
    let (dir, rubric, docs) = shared_corpus();
    let out = dir.join("card.csv");
    let run = |quiet: &str, tty: bool| -> String {
        let cmd = format!(
            "{BIN} {quiet} score -j1 --rubric {rubric} -o {} {docs}",
            out.display()
        );
        let output = if tty {
            Command::new("script")
                .args(["-qec", &cmd, "/dev/null"])
                .env("POLSCORE_PROGRESS_AFTER_MS", "0")
                .output()
                .expect("script (util-linux) runs")
        } else {
            Command::new("sh")
                .args(["-c", &cmd])
                .env("POLSCORE_PROGRESS_AFTER_MS", "0")
                .output()
                .unwrap()
        };
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr)
    };
    let shown = run("", true);
    assert!(
        shown.contains("256/400 descriptions"),
        "a bar on a terminal: {shown:?}"
    );
    assert_eq!(run("--quiet", true), "", "no bar with --quiet");
    assert_eq!(run("", false), "", "no bar when stderr is not a terminal");
}
