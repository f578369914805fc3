//! `polscore init`: what it writes passes `check` and scores, and it never overwrites.

use std::process::Output;

use crate::common::polscore;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn init_writes_files_that_check_and_score_then_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = polscore(["init"]).dir(dir.path()).output();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "init writes files, not stdout");
    let err = stderr(&out);
    for expected in [
        "wrote rubric.toml",
        "wrote programs/example.toml",
        "polscore check rubric.toml programs",
        "polscore score --rubric rubric.toml programs",
    ] {
        assert!(err.contains(expected), "stderr lacks {expected:?}:\n{err}");
    }
    let rubric = std::fs::read(dir.path().join("rubric.toml")).unwrap();
    let example = std::fs::read(dir.path().join("programs/example.toml")).unwrap();

    // The next commands it suggests work on what it wrote.
    let check = polscore(["check", "rubric.toml", "programs"])
        .dir(dir.path())
        .output();
    assert!(check.status.success(), "{}", stderr(&check));
    let score = polscore(["score", "--rubric", "rubric.toml", "programs"])
        .dir(dir.path())
        .output();
    assert!(score.status.success(), "{}", stderr(&score));
    let card = String::from_utf8(score.stdout).unwrap();
    let mut rows = csv::Reader::from_reader(card.as_bytes());
    let header = rows.headers().unwrap().clone();
    let status = header.iter().position(|h| h == "status").unwrap();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1, "{card}");
    assert!(
        ["ok", "partial"].contains(&&records[0][status]),
        "the example scores with status {}:\n{card}",
        &records[0][status]
    );
    // One criterion of each method, each with a level: the example shows every source.
    for criterion in [
        "individual_support",
        "cost_per_participant",
        "rights_safeguards",
    ] {
        let column = header
            .iter()
            .position(|h| h == format!("{criterion}_level"))
            .unwrap_or_else(|| panic!("no column for {criterion}:\n{card}"));
        assert!(
            !records[0][column].is_empty(),
            "{criterion} has no level:\n{card}"
        );
    }

    // A second run refuses, names the files, and changes nothing.
    std::fs::write(dir.path().join("rubric.toml"), "# edited by the user\n").unwrap();
    let again = polscore(["init"]).dir(dir.path()).output();
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    let err = stderr(&again);
    assert!(err.contains("`rubric.toml` already exists"), "{err}");
    assert!(
        err.contains("`programs/example.toml` already exists"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("rubric.toml")).unwrap(),
        "# edited by the user\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("programs/example.toml")).unwrap(),
        example
    );
    assert_ne!(rubric, b"# edited by the user\n");
}

#[test]
fn init_refuses_when_one_file_is_in_the_way_and_writes_neither() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("new/programs")).unwrap();
    std::fs::write(dir.path().join("new/programs/example.toml"), "mine").unwrap();
    let out = polscore(["init", "new"]).dir(dir.path()).output();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`new/programs/example.toml` already exists"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("new/rubric.toml").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("new/programs/example.toml")).unwrap(),
        "mine"
    );
}

#[test]
fn init_creates_the_folder_and_names_it_in_the_next_commands() {
    let dir = tempfile::tempdir().unwrap();
    let out = polscore(["init", "my rubric"]).dir(dir.path()).output();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("polscore check 'my rubric/rubric.toml' 'my rubric/programs'"),
        "{}",
        stderr(&out)
    );
    let check = polscore(["check", "my rubric/rubric.toml", "my rubric/programs"])
        .dir(dir.path())
        .output();
    assert!(check.status.success(), "{}", stderr(&check));
}
