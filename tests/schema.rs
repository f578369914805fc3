//! The JSON Schemas of `polscore schema`: the shipped copies are current, every shipped file
//! validates, bad files are refused where a schema can say why, and no file the loader accepts
//! is refused.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{polscore, root};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Rubric,
    Program,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Rubric => "rubric",
            Kind::Program => "program",
        }
    }

    /// The shipped schema, relative to the repository.
    fn shipped(self) -> String {
        format!("schemas/{}.schema.json", self.name())
    }

    fn schema(self) -> Value {
        match self {
            Kind::Rubric => polscore::schema::rubric(),
            Kind::Program => polscore::schema::program(),
        }
    }

    fn validator(self) -> jsonschema::Validator {
        jsonschema::draft7::new(&self.schema()).expect("the schema is valid draft-07")
    }

    /// What a TOML document is, by its top-level table, as `polscore check` decides.
    fn of(doc: &toml::Table) -> Option<Kind> {
        match (doc.contains_key("rubric"), doc.contains_key("program")) {
            (true, false) => Some(Kind::Rubric),
            (false, true) => Some(Kind::Program),
            _ => None,
        }
    }
}

/// A TOML value as JSON, as an editor's schema validator sees it: dates as strings, and the
/// floats JSON cannot hold (nan, inf) as their TOML spelling.
fn to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map_or_else(|| Value::String(f.to_string()), Value::Number),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        toml::Value::Table(t) => table_to_json(t),
    }
}

fn table_to_json(t: &toml::Table) -> Value {
    Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
}

fn read_toml(path: &Path) -> Option<toml::Table> {
    let text = std::fs::read_to_string(path).ok()?;
    text.parse::<toml::Table>().ok()
}

/// Every problem the schema finds in a document, as `instance path: message`.
fn problems(validator: &jsonschema::Validator, doc: &Value) -> Vec<(String, String)> {
    validator
        .iter_errors(doc)
        .map(|e| (e.instance_path().as_str().to_string(), e.to_string()))
        .collect()
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn shipped_schemas_are_current() {
    for kind in [Kind::Rubric, Kind::Program] {
        let out = polscore(["schema", kind.name()]).dir(root()).output();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let shipped = std::fs::read(root().join(kind.shipped())).unwrap_or_default();
        assert!(
            shipped == out.stdout,
            "{} differs from `polscore schema {}`: the raw structs changed. Regenerate it with\n  \
             cargo run -- schema {} -o {}\nand commit it.",
            kind.shipped(),
            kind.name(),
            kind.name(),
            kind.shipped()
        );
        // The output is the library's schema, and the library's schema is draft-07.
        let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(printed, kind.schema());
        assert_eq!(
            printed["$schema"],
            "http://json-schema.org/draft-07/schema#"
        );
    }
}

#[test]
fn schema_writes_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rubric.schema.json");
    let out = polscore(["schema", "rubric", "-o", path.to_str().unwrap()])
        .dir(root())
        .output();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        polscore(["schema", "rubric"]).dir(root()).output().stdout
    );
}

/// Every shipped rubric and fixture names its schema on its first line, and validates.
#[test]
fn shipped_files_point_at_their_schema_and_validate() {
    let mut files = toml_files(&root().join("rubrics"));
    files.extend(toml_files(&root().join("fixtures/programs")));
    files.extend(toml_files(&root().join("fixtures/rights")));
    assert!(files.len() >= 10, "only {} files", files.len());
    let rubric = Kind::Rubric.validator();
    let program = Kind::Program.validator();
    let mut failures = Vec::new();
    for path in &files {
        let shown = path.strip_prefix(root()).unwrap().display().to_string();
        let doc = read_toml(path).unwrap_or_else(|| panic!("{shown} is TOML"));
        let kind = Kind::of(&doc).unwrap_or_else(|| panic!("{shown}: rubric or program?"));
        let text = std::fs::read_to_string(path).unwrap();
        let first = text.lines().next().unwrap_or("");
        // A path relative to the file, as taplo resolves it.
        let depth = path
            .parent()
            .unwrap()
            .strip_prefix(root())
            .unwrap()
            .components()
            .count();
        let expected = format!("#:schema {}{}", "../".repeat(depth), kind.shipped());
        if first != expected {
            failures.push(format!(
                "{shown}: first line is {first:?}, not {expected:?}"
            ));
        }
        let target = path.parent().unwrap().join(&expected["#:schema ".len()..]);
        if !target.is_file() {
            failures.push(format!("{shown}: {} does not exist", target.display()));
        }
        let validator = match kind {
            Kind::Rubric => &rubric,
            Kind::Program => &program,
        };
        for (at, message) in problems(validator, &table_to_json(&doc)) {
            failures.push(format!("{shown}: {at}: {message}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Cases of the bad-input corpus (tests/bad) whose problem a schema can state, with the
/// place in the document the schema must point at.
const REFUSED: &[(&str, &str, &str)] = &[
    ("017-rubric-id-not-a-string", "rubric.toml", "/rubric/id"),
    ("018-rubric-id-bad-characters", "rubric.toml", "/rubric/id"),
    (
        "019-rubric-version-integer",
        "rubric.toml",
        "/rubric/version",
    ),
    ("020-rubric-title-array", "rubric.toml", "/rubric/title"),
    (
        "021-rubric-unknown-aggregation",
        "rubric.toml",
        "/rubric/aggregation",
    ),
    (
        "022-rubric-missing-policy-bool",
        "rubric.toml",
        "/rubric/missing",
    ),
    (
        "023-rubric-min-coverage-word",
        "rubric.toml",
        "/rubric/min_coverage",
    ),
    (
        "024-rubric-min-coverage-above-100",
        "rubric.toml",
        "/rubric/min_coverage",
    ),
    (
        "025-rubric-scale-is-a-string",
        "rubric.toml",
        "/rubric/scale",
    ),
    (
        "027-rubric-scale-fractional",
        "rubric.toml",
        "/rubric/scale/max",
    ),
    (
        "030-rubric-labels-not-an-array",
        "rubric.toml",
        "/rubric/scale/labels",
    ),
    ("033-rubric-criteria-is-a-table", "rubric.toml", "/criteria"),
    ("034-rubric-criterion-subtable", "rubric.toml", "/criteria/"),
    (
        "035-rubric-weight-word",
        "rubric.toml",
        "/criteria/0/weight",
    ),
    (
        "036-rubric-weight-bool",
        "rubric.toml",
        "/criteria/0/weight",
    ),
    (
        "037-rubric-weight-negative",
        "rubric.toml",
        "/criteria/0/weight",
    ),
    ("043-rubric-weight-nan", "rubric.toml", "/criteria/0/weight"),
    (
        "046-rubric-weight-string-nan",
        "rubric.toml",
        "/criteria/0/weight",
    ),
    (
        "051-rubric-direction-unknown",
        "rubric.toml",
        "/criteria/1/direction",
    ),
    (
        "052-rubric-method-unknown",
        "rubric.toml",
        "/criteria/2/method",
    ),
    (
        "053-rubric-key-of-other-method",
        "rubric.toml",
        "/criteria/2",
    ),
    (
        "054-rubric-formula-not-a-string",
        "rubric.toml",
        "/criteria/1/formula",
    ),
    (
        "060-rubric-points-fractional",
        "rubric.toml",
        "/criteria/0/indicators/0/points",
    ),
    (
        "063-rubric-min-matches-zero",
        "rubric.toml",
        "/criteria/0/indicators/0/min_matches",
    ),
    (
        "064-rubric-phrases-not-strings",
        "rubric.toml",
        "/criteria/0/indicators/0/phrases",
    ),
    (
        "065-rubric-phrase-star-inside",
        "rubric.toml",
        "/criteria/0/indicators/0/phrases/0",
    ),
    (
        "066-rubric-phrases-empty",
        "rubric.toml",
        "/criteria/0/indicators/0/phrases",
    ),
    (
        "070-rubric-currency-base-number",
        "rubric.toml",
        "/currency/base",
    ),
    (
        "071-rubric-currency-rates-array",
        "rubric.toml",
        "/currency/rates",
    ),
    (
        "073-rubric-negation-window-negative",
        "rubric.toml",
        "/negation/window",
    ),
    (
        "074-rubric-negation-cues-string",
        "rubric.toml",
        "/negation/cues",
    ),
    (
        "075-rubric-band-label-number",
        "rubric.toml",
        "/bands/0/label",
    ),
    ("076-rubric-band-min-word", "rubric.toml", "/bands/0/min"),
    ("091-program-id-not-a-string", "p.toml", "/program/id"),
    ("092-program-id-upper-case", "p.toml", "/program/id"),
    ("093-program-id-empty", "p.toml", "/program/id"),
    ("094-program-name-missing", "p.toml", "/program"),
    ("095-program-name-blank", "p.toml", "/program/name"),
    ("096-program-name-array", "p.toml", "/program/name"),
    ("097-program-period-integer", "p.toml", "/program/period"),
    ("098-program-text-number", "p.toml", "/program/text"),
    ("099-program-sources-string", "p.toml", "/program/sources"),
    (
        "100-program-source-unknown-key",
        "p.toml",
        "/program/sources/0",
    ),
    ("101-program-unknown-key", "p.toml", "/program"),
    ("105-fact-word", "p.toml", "/facts/"),
    ("106-fact-value-bool", "p.toml", "/facts/"),
    ("107-fact-value-missing", "p.toml", "/facts/misused"),
    ("108-fact-unit-number", "p.toml", "/facts/"),
    ("112-fact-name-invalid", "p.toml", "/facts"),
    (
        "119-assessment-level-word",
        "p.toml",
        "/assessments/law/level",
    ),
    (
        "120-assessment-level-fractional",
        "p.toml",
        "/assessments/law/level",
    ),
    (
        "121-assessment-rationale-missing",
        "p.toml",
        "/assessments/law",
    ),
    (
        "122-assessment-rationale-blank",
        "p.toml",
        "/assessments/law/rationale",
    ),
    (
        "123-assessment-not-applicable-without-rationale",
        "p.toml",
        "/assessments/law",
    ),
    (
        "124-assessment-override-string",
        "p.toml",
        "/assessments/law/override",
    ),
    (
        "125-assessment-evidence-string",
        "p.toml",
        "/assessments/law/evidence",
    ),
    ("126-assessment-unknown-key", "p.toml", "/assessments/law"),
    ("131-text-and-text-file", "p.toml", "/program"),
];

/// The templates of `polscore init` validate too (they carry no `#:schema` line: they are
/// written where the schema files are not).
#[test]
fn init_templates_validate() {
    for (file, kind) in [
        ("src/cli/init/rubric.toml", Kind::Rubric),
        ("src/cli/init/example.toml", Kind::Program),
    ] {
        let doc = read_toml(&root().join(file)).unwrap_or_else(|| panic!("{file} is TOML"));
        assert_eq!(Kind::of(&doc), Some(kind), "{file}");
        let found = problems(&kind.validator(), &table_to_json(&doc));
        assert!(found.is_empty(), "{file}: {found:?}");
    }
}

#[test]
fn the_schema_refuses_bad_files_where_it_can_say_why() {
    let rubric = Kind::Rubric.validator();
    let program = Kind::Program.validator();
    let mut failures = Vec::new();
    for (case, file, pointer) in REFUSED {
        let path = root().join("tests/bad").join(case).join(file);
        let doc = read_toml(&path).unwrap_or_else(|| panic!("{case}/{file} is TOML"));
        let validator = match Kind::of(&doc) {
            Some(Kind::Rubric) => &rubric,
            Some(Kind::Program) => &program,
            None => panic!("{case}/{file}: rubric or program?"),
        };
        let found = problems(validator, &table_to_json(&doc));
        if !found.iter().any(|(at, _)| at.starts_with(pointer)) {
            failures.push(format!(
                "{case}/{file}: no problem at {pointer}; found {found:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Whether `polscore check` accepts a file: a rubric alone; a program against the built-in
/// rubric or any rubric near it (assessments name the criteria of a particular rubric).
fn loader_accepts(path: &Path, kind: Kind, rubrics: &[PathBuf]) -> bool {
    let file = path.to_str().unwrap();
    if polscore(["check", file])
        .dir(root())
        .output()
        .status
        .success()
    {
        return true;
    }
    kind == Kind::Program
        && rubrics.iter().any(|r| {
            polscore(["check", "--rubric", r.to_str().unwrap(), file])
                .dir(root())
                .output()
                .status
                .success()
        })
}

#[test]
fn the_schema_accepts_every_file_the_loader_accepts() {
    let rubric = Kind::Rubric.validator();
    let program = Kind::Program.validator();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("tests/cmd"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && p.extension().is_some_and(|e| e == "in"))
        .collect();
    cases.sort();
    let mut checked = 0;
    let mut failures = Vec::new();
    for case in &cases {
        let files: Vec<(PathBuf, toml::Table, Kind)> = toml_files(case)
            .into_iter()
            .filter_map(|p| {
                let doc = read_toml(&p)?;
                let kind = Kind::of(&doc)?;
                Some((p, doc, kind))
            })
            .collect();
        let rubrics: Vec<PathBuf> = files
            .iter()
            .filter(|(_, _, k)| *k == Kind::Rubric)
            .map(|(p, _, _)| p.clone())
            .collect();
        for (path, doc, kind) in &files {
            if !loader_accepts(path, *kind, &rubrics) {
                continue;
            }
            checked += 1;
            let validator = match kind {
                Kind::Rubric => &rubric,
                Kind::Program => &program,
            };
            for (at, message) in problems(validator, &table_to_json(doc)) {
                let shown = path.strip_prefix(root()).unwrap().display();
                failures.push(format!("{shown}: {at}: {message}"));
            }
        }
    }
    assert!(checked >= 20, "only {checked} accepted files in tests/cmd");
    assert!(
        failures.is_empty(),
        "the schema refuses files polscore accepts:\n{}",
        failures.join("\n")
    );
}

/// The string form of a decimal in the schema is never stricter than the parser.
#[test]
fn decimal_pattern_accepts_what_the_parser_accepts() {
    let validator = jsonschema::draft7::new(&serde_json::json!({
        "type": "string",
        "pattern": polscore::decimal::DECIMAL_PATTERN
    }))
    .unwrap();
    let samples = [
        "0",
        "12",
        "-0.5",
        "+3",
        "1_000",
        "1_000.000_1",
        " 7 ",
        "2.5e-3",
        "1E5",
        "1e+5",
        ".5",
        "5.",
        "-.5",
        "0.1",
        "_1",
        "1_",
        "1e_5",
        "_+1",
        "007",
        "1.5e0",
        "0e0",
        "-0",
        "1e-28",
        "79228162514264337593543950335",
        "",
        " ",
        "abc",
        "heavy",
        "NaN",
        "inf",
        "-inf",
        "1.2.3",
        "1-2",
        "--1",
        "e5",
        "1e",
        ".",
        "-",
        "+",
        "1e5.5",
        "0x10",
        "1,5",
        "½",
        "١",
    ];
    for s in samples {
        let parsed = polscore::decimal::parse_decimal(s).is_ok();
        let matched = validator.is_valid(&Value::String(s.to_string()));
        assert!(
            matched || !parsed,
            "the parser accepts {s:?} but the schema's pattern does not"
        );
    }
    for bad in ["", "abc", "heavy", "NaN", "inf", "1.2.3", "1,5"] {
        assert!(!validator.is_valid(&Value::String(bad.into())), "{bad:?}");
    }
}

#[test]
fn program_ids_of_any_script() {
    let validator = Kind::Program.validator();
    let doc = |id: &str| serde_json::json!({ "program": { "id": id, "name": "N" } });
    for good in ["kz-2013_a", "қазақстан-2020", "économie", "東京", "a1"] {
        assert!(validator.is_valid(&doc(good)), "{good}");
    }
    for bad in ["KZ", "a b", "", "a.b", "Économie"] {
        assert!(!validator.is_valid(&doc(bad)), "{bad}");
    }
}

/// The keys each method needs and forbids, also when `method` is left out: the schema and
/// the loader agree on every one of these criteria.
#[test]
fn method_rules_agree_with_the_loader() {
    let cases = [
        r#"method = "evidence""#,
        r#"indicators = [{ id = "i", phrases = ["p"] }]"#,
        r#"indicators = [{ id = "i", phrases = ["p"] }]
formula = "a / b""#,
        r#"method = "evidence"
indicators = [{ id = "i", phrases = ["p"] }]
direction = "lower_is_better""#,
        r#"formula = "a / b"
thresholds = [1, 2, 3, 4]"#,
        r#"formula = "a / b""#,
        r#"formula = "a / b"
thresholds = [1, 2, 3, 4]
base = 1"#,
        r#"method = "metric"
indicators = [{ id = "i", phrases = ["p"] }]
formula = "a / b"
thresholds = [1, 2, 3, 4]"#,
        "",
        r#"method = "rating""#,
        r#"direction = "higher_is_better""#,
        r#"base = 0"#,
        r#"method = "rating"
formula = "a / b""#,
    ];
    let validator = Kind::Rubric.validator();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rubric.toml");
    for criterion in cases {
        let text = format!("[rubric]\nid = \"r\"\n\n[[criteria]]\nid = \"c\"\n{criterion}\n");
        std::fs::write(&path, &text).unwrap();
        let loader = polscore(["check", path.to_str().unwrap()])
            .dir(root())
            .output()
            .status
            .success();
        let doc: toml::Table = text.parse().unwrap();
        let found = problems(&validator, &table_to_json(&doc));
        assert_eq!(
            found.is_empty(),
            loader,
            "criterion\n{criterion}\nloader accepts: {loader}; schema finds {found:?}"
        );
    }
}
