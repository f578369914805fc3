//! Reading a description file into a [`Program`]: TOML with its strict raw structs, or a plain
//! text whose file name gives the id; and finding the description files an argument names.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::raw::{RawAssessment, RawFile};
use super::text::decode_string;
use super::{Fact, Program, SourceRef, Stated, Text};
use crate::diag::{Diagnostic, Diagnostics, Limits, SourceFile, io_reason};
use crate::formula::is_fact_name;

/// Whether `path` is a file polscore reads as a program description.
pub fn is_description(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("toml" | "md" | "txt")
    )
}

/// Reads a program description (`.toml`, `.md` or `.txt`). As [`parse`]: a program whose file
/// could be read comes with its problems, so that binding can report its own beside them.
pub fn load(path: &Path, limits: &Limits) -> (Option<Program>, Diagnostics) {
    match SourceFile::read(path, limits) {
        Ok(file) => parse(file, limits),
        Err(d) => (None, d.into()),
    }
}

/// Parses a program description already read; its path's extension says which kind it is.
/// The program is returned whenever the file has the shape of a description, together with
/// every problem found in it (a program with problems must not be scored).
pub fn parse(file: SourceFile, limits: &Limits) -> (Option<Program>, Diagnostics) {
    let ext = file
        .path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let parsed = if ext.as_deref() == Some("toml") {
        from_toml(file, limits)
    } else {
        from_plain_text(file)
    };
    match parsed {
        Ok(found) => found,
        Err(d) => (None, d),
    }
}

/// The id of a plain-text description: the file stem, lower-cased, accents removed, every run
/// of characters other than letters and digits replaced by `-`, trimmed of `-`.
pub fn id_from_stem(stem: &str) -> String {
    let mut id = String::new();
    let mut dash = false;
    for c in stem
        .to_lowercase()
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
    {
        if c.is_alphanumeric() {
            if dash && !id.is_empty() {
                id.push('-');
            }
            dash = false;
            id.push(c);
        } else {
            dash = true;
        }
    }
    id
}

/// The name of a plain-text description: its first non-blank line without leading `#`s.
fn name_from_text(text: &str) -> Option<String> {
    let line = text.lines().find(|l| !l.trim().is_empty())?;
    let name = line.trim_start().trim_start_matches('#').trim();
    (!name.is_empty()).then(|| name.to_string())
}

fn from_plain_text(file: SourceFile) -> Result<(Option<Program>, Diagnostics), Diagnostics> {
    let stem = file
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = id_from_stem(&stem);
    if id.is_empty() {
        return Err(Diagnostic::new(format!(
            "cannot make a program id from the file name `{stem}`: it has no letters or digits"
        ))
        .in_file(&file.path)
        .with_hint("rename the file, e.g. `my-programme.md`")
        .into());
    }
    let name = name_from_text(&file.text).unwrap_or_else(|| id.clone());
    let file = Arc::new(file);
    Ok((
        Some(Program {
            id,
            name,
            country: String::new(),
            region: String::new(),
            period: String::new(),
            path: file.path.clone(),
            file: file.clone(),
            text: Some(Text {
                text: file.text.clone(),
                file: file.clone(),
                map: Vec::new(),
            }),
            sources: Vec::new(),
            facts: BTreeMap::new(),
            assessments: Vec::new(),
        }),
        Diagnostics::default(),
    ))
}

fn valid_program_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| {
            c == '_'
                || c == '-'
                || c.is_numeric()
                || is_combining_mark(c)
                || (c.is_alphabetic() && !c.is_uppercase())
        })
}

fn from_toml(
    file: SourceFile,
    limits: &Limits,
) -> Result<(Option<Program>, Diagnostics), Diagnostics> {
    let raw: RawFile = crate::tomlfile::parse(&file)?;
    let mut diags = Diagnostics::default();
    let p = raw.program.get_ref();
    if !valid_program_id(p.id.get_ref()) {
        diags.push(
            file.error(
                p.id.span(),
                format!("invalid program id `{}`", p.id.get_ref()),
            )
            .with_hint(format!(
                "use lower-case letters, digits, `_` and `-`, e.g. `{}`",
                id_from_stem(p.id.get_ref())
            )),
        );
    }
    if p.name.get_ref().trim().is_empty() {
        diags.push(file.error(p.name.span(), "the program name is empty"));
    }
    let file = Arc::new(file);
    let text = match (&p.text, &p.text_file) {
        (Some(t), Some(tf)) => {
            diags.push(
                file.error(
                    tf.span(),
                    "a program has either `text` or `text_file`, not both",
                )
                .with_hint(format!(
                    "remove `text` (line {}) or `text_file`",
                    file.line_col(t.span().start).0
                )),
            );
            None
        }
        (Some(t), None) => Some(inline_text(&file, t)),
        (None, Some(tf)) => match text_file(&file, tf, limits) {
            Ok(t) => Some(t),
            Err(d) => {
                diags.push(d);
                None
            }
        },
        (None, None) => None,
    };

    let mut facts = BTreeMap::new();
    for (name, fact) in &raw.facts {
        if !is_fact_name(name.get_ref()) {
            diags.push(
                file.error(name.span(), format!("invalid fact name `{}`", name.get_ref()))
                    .with_hint("fact names are lower-case ASCII letters, digits and `_`, as formulas write them"),
            );
        }
        let f = fact.get_ref();
        facts.insert(
            name.get_ref().clone(),
            Fact {
                value: f.value.get_ref().0,
                unit: f
                    .unit
                    .as_ref()
                    .map(|u| u.get_ref().trim().to_string())
                    .filter(|u| !u.is_empty()),
                source: f.source.clone(),
                unit_span: f.unit.as_ref().map_or(name.span(), Spanned::span),
            },
        );
    }

    let assessments = raw
        .assessments
        .iter()
        .map(|(cid, a)| stated(&file, cid, a))
        .collect();

    let sources = p
        .sources
        .iter()
        .map(|s| SourceRef {
            title: s.title.clone().unwrap_or_default(),
            url: s.url.clone().unwrap_or_default(),
            published: match &s.published {
                Some(toml::Value::String(v)) => v.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            },
        })
        .collect();
    let program = Program {
        id: p.id.get_ref().clone(),
        name: p.name.get_ref().trim().to_string(),
        country: p.country.clone().unwrap_or_default(),
        region: p.region.clone().unwrap_or_default(),
        period: p.period.clone().unwrap_or_default(),
        path: file.path.clone(),
        file: file.clone(),
        text,
        sources,
        facts,
        assessments,
    };
    Ok((Some(program), diags))
}

/// An assessment as written; `crate::bind` checks it against a rubric.
fn stated(file: &Arc<SourceFile>, cid: &Spanned<String>, a: &Spanned<RawAssessment>) -> Stated {
    let r = a.get_ref();
    Stated {
        criterion: cid.get_ref().clone(),
        criterion_span: cid.span(),
        level: r.level.as_ref().map(|l| (l.get_ref().0, l.span())),
        rationale: r
            .rationale
            .as_ref()
            .map(|s| s.get_ref().trim().to_string())
            .unwrap_or_default(),
        rationale_span: r.rationale.as_ref().map_or(a.span(), Spanned::span),
        assessor: r.assessor.clone().unwrap_or_default(),
        evidence: r.evidence.clone(),
        override_level: r.override_level,
        not_applicable: r.not_applicable,
        span: a.span(),
        file: file.clone(),
    }
}

fn inline_text(file: &Arc<SourceFile>, t: &Spanned<String>) -> Text {
    let span = t.span();
    let map = match decode_string(&file.text[span.clone()]) {
        Some((decoded, map)) if &decoded == t.get_ref() => {
            map.into_iter().map(|(d, f)| (d, f + span.start)).collect()
        }
        // Should the decoder ever disagree with the toml crate, point at the value itself.
        _ => vec![(0, span.start)],
    };
    Text {
        text: t.get_ref().clone(),
        file: file.clone(),
        map,
    }
}

fn text_file(
    file: &Arc<SourceFile>,
    tf: &Spanned<String>,
    limits: &Limits,
) -> Result<Text, Diagnostic> {
    let rel = Path::new(tf.get_ref());
    let escapes = rel.is_absolute()
        || rel.components().any(|c| {
            matches!(
                c,
                Component::ParentDir | Component::Prefix(_) | Component::RootDir
            )
        });
    if escapes || tf.get_ref().trim().is_empty() {
        return Err(file
            .error(
                tf.span(),
                format!(
                    "text_file `{}` must be a path inside this file's folder",
                    tf.get_ref()
                ),
            )
            .with_hint("write a relative path without `..`, such as `kz-2013.md`"));
    }
    // A bare file name's parent is "": its folder is the current one.
    let dir = match file.path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let path = dir.join(rel);
    let (dir_real, path_real) = match (dir.canonicalize(), path.canonicalize()) {
        (Ok(d), Ok(p)) => (d, p),
        (_, Err(e)) | (Err(e), _) => {
            return Err(file.error(
                tf.span(),
                format!(
                    "cannot read text_file `{}`: {}",
                    path.display(),
                    io_reason(&e)
                ),
            ));
        }
    };
    // Links are followed before the check, so a link that leads elsewhere is refused.
    if !path_real.starts_with(&dir_real) {
        return Err(file
            .error(
                tf.span(),
                format!(
                    "text_file `{}` leads outside this file's folder",
                    tf.get_ref()
                ),
            )
            .with_hint("keep the text next to the description, not behind a link elsewhere"));
    }
    let source = SourceFile::read(&path, limits).map_err(|d| {
        let mut located = file.error(
            tf.span(),
            format!("cannot use text_file `{}`: {}", tf.get_ref(), d.message),
        );
        located.hint = d.hint;
        located
    })?;
    Ok(Text {
        text: source.text.clone(),
        file: Arc::new(source),
        map: Vec::new(),
    })
}

/// Finds the description files an argument names: the file itself, or every `.toml`, `.md`
/// and `.txt` below a directory, in sorted path order.
/// Also says whether a symbolic link was followed on the way (then one file may be reached by
/// two paths).
pub fn expand_noting_links(arg: &Path) -> Result<(Vec<PathBuf>, bool), Diagnostic> {
    let meta = std::fs::metadata(arg).map_err(|e| {
        Diagnostic::new(format!(
            "cannot read `{}`: {}",
            arg.display(),
            io_reason(&e)
        ))
    })?;
    if !meta.is_dir() {
        if !is_description(arg) {
            return Err(Diagnostic::new(format!(
                "`{}` is not a program description: polscore reads .toml, .md and .txt files",
                arg.display()
            ))
            .with_hint("rename a plain-text description to .txt or .md"));
        }
        return Ok((vec![arg.to_path_buf()], false));
    }
    let mut out = Vec::new();
    let mut linked = false;
    for entry in walkdir::WalkDir::new(arg)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            Diagnostic::new(format!("cannot read directory `{}`: {e}", arg.display()))
        })?;
        linked |= entry.path_is_symlink();
        if entry.file_type().is_file() && is_description(entry.path()) {
            out.push(entry.into_path());
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(Diagnostic::new(format!(
            "the directory `{}` holds no program descriptions (.toml, .md or .txt)",
            arg.display()
        ))
        .with_hint("name the directory that holds the descriptions, or the files themselves"));
    }
    Ok((out, linked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_file_stems() {
        assert_eq!(id_from_stem("My Programme (2019)"), "my-programme-2019");
        assert_eq!(id_from_stem("Économie"), "economie");
        assert_eq!(id_from_stem("--a__b--"), "a-b");
        assert_eq!(id_from_stem("Қазақстан 2020"), "қазақстан-2020");
        assert_eq!(id_from_stem("!!!"), "");
    }

    #[test]
    fn names_from_first_line() {
        assert_eq!(
            name_from_text("\n\n  ## Aarhus model  \nbody").as_deref(),
            Some("Aarhus model")
        );
        assert_eq!(
            name_from_text("Plain title\nbody").as_deref(),
            Some("Plain title")
        );
        assert_eq!(name_from_text("   \n"), None);
    }

    #[test]
    fn program_ids() {
        assert!(valid_program_id("kz-2013_a"));
        assert!(valid_program_id("қазақстан"));
        assert!(!valid_program_id("KZ"));
        assert!(!valid_program_id("a b"));
        assert!(!valid_program_id(""));
    }

    fn check_decode(raw: &str, expected: &str) {
        let (s, map) = decode_string(raw).unwrap();
        assert_eq!(s, expected);
        for (d, r) in map {
            let dc = s[d..].chars().next().unwrap();
            let rc = raw[r..].chars().next().unwrap();
            if rc != '\\' {
                assert_eq!(dc, rc);
            }
        }
    }

    #[test]
    fn decodes_toml_strings_with_offsets() {
        check_decode(r#""a\tb\u00e9""#, "a\tbé");
        check_decode(
            "\"\"\"\nline one\r\nline \\\n   two\"\"\"",
            "line one\r\nline two",
        );
        check_decode("'''\nraw \\n'''", "raw \\n");
        check_decode("'x'", "x");
        let (_, map) = decode_string("\"\"\"\nab\"\"\"").unwrap();
        assert_eq!(map, vec![(0, 4), (1, 5)]);
    }
}
