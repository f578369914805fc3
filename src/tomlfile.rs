//! Reading TOML into polscore's strict raw structs, with errors that say where and what to do.
//!
//! The toml crate's errors carry a span but no path and speak serde ("unknown field"); this
//! module adds the file, turns the span into line, column and caret, and turns serde's words
//! into the user's ("unknown key `weigth`", hint: "did you mean `weight`?").

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, Diagnostics, SourceFile, suggest};

/// Deserializes `file` into `T`, or located diagnostics.
///
/// serde stops at the first problem. So that a user sees every unknown key in one run, an
/// unknown key is set aside (blanked out, keeping every other position) and the file is read
/// again, until it reads or another kind of problem stops it.
pub fn parse<T: DeserializeOwned>(file: &SourceFile) -> Result<T, Diagnostics> {
    let mut text = file.text.clone();
    let mut diags = Diagnostics::default();
    for _ in 0..MAX_SET_ASIDE {
        match toml::from_str::<T>(&text) {
            Ok(value) => {
                sort_by_place(&mut diags);
                return diags.into_result(value);
            }
            Err(e) => {
                diags.push(translate(file, &e));
                // An unknown key is set aside with its value; a table that misses a key is
                // set aside whole. Any other problem ends the search.
                let set_aside = match e.span() {
                    Some(span) if e.message().starts_with("unknown field") => {
                        entry_spans(&text, span)
                    }
                    Some(span) if e.message().starts_with("missing field") && span.end > 0 => {
                        table_spans(&text, span)
                    }
                    _ => None,
                };
                match set_aside {
                    Some(spans) => spans.into_iter().for_each(|s| blank(&mut text, s)),
                    None => break,
                }
            }
        }
    }
    sort_by_place(&mut diags);
    Err(diags)
}

/// Puts diagnostics in the order of the file, which is not the order serde visits keys in.
fn sort_by_place(diags: &mut Diagnostics) {
    diags
        .0
        .sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
}

/// How many unknown keys one file may have before polscore stops looking for more.
const MAX_SET_ASIDE: usize = 50;

/// The spans of the whole entry whose key stands at `key`: key through value, or a table
/// header (`[a.b]`, each `[[a]]`) through the last entry of its body.
fn entry_spans(text: &str, key: Range<usize>) -> Option<Vec<Range<usize>>> {
    /// Whether a value is a table or array of tables written with headers after its key.
    fn spans_of(
        k: &toml::Spanned<toml::de::DeString<'_>>,
        v: &toml::Spanned<DeValue<'_>>,
    ) -> Vec<Range<usize>> {
        match v.get_ref() {
            DeValue::Table(_) if v.span().start < k.span().start => vec![v.span().start..extent(v)],
            DeValue::Array(items) if items.iter().any(|i| i.span().start < k.span().start) => {
                items.iter().map(|i| i.span().start..extent(i)).collect()
            }
            _ => vec![k.span().start..extent(v).max(k.span().end)],
        }
    }
    fn walk(table: &DeTable<'_>, key: &Range<usize>) -> Option<Vec<Range<usize>>> {
        for (k, v) in table.iter() {
            if k.span() == *key {
                return Some(spans_of(k, v));
            }
            if let Some(found) = walk_value(v.get_ref(), key) {
                return Some(found);
            }
        }
        None
    }
    fn walk_value(value: &DeValue<'_>, key: &Range<usize>) -> Option<Vec<Range<usize>>> {
        match value {
            DeValue::Table(t) => walk(t, key),
            DeValue::Array(items) => items.iter().find_map(|i| walk_value(i.get_ref(), key)),
            _ => None,
        }
    }
    let doc = DeTable::parse(text).ok()?;
    walk(doc.get_ref(), &key)
}

/// Where a value's text ends, its nested entries included.
fn extent(value: &toml::Spanned<DeValue<'_>>) -> usize {
    let own = value.span().end;
    match value.get_ref() {
        DeValue::Table(t) => t.iter().map(|(_, v)| extent(v)).fold(own, usize::max),
        DeValue::Array(items) => items.iter().map(extent).fold(own, usize::max),
        _ => own,
    }
}

/// The span of the table (with its body) that stands at `at`.
fn table_spans(text: &str, at: Range<usize>) -> Option<Vec<Range<usize>>> {
    fn find(value: &toml::Spanned<DeValue<'_>>, at: &Range<usize>) -> Option<Range<usize>> {
        if value.span() == *at && value.get_ref().is_table() {
            return Some(value.span().start..extent(value));
        }
        match value.get_ref() {
            DeValue::Table(t) => t.iter().find_map(|(_, v)| find(v, at)),
            DeValue::Array(items) => items.iter().find_map(|i| find(i, at)),
            _ => None,
        }
    }
    let doc = DeTable::parse(text).ok()?;
    doc.get_ref()
        .iter()
        .find_map(|(_, v)| find(v, &at))
        .map(|span| vec![span])
}

/// Replaces a span with spaces, keeping line breaks, so that later positions stay right.
fn blank(text: &mut String, span: Range<usize>) {
    let bytes: Vec<u8> = text
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            if span.contains(&i) && b != b'\n' && b != b'\r' {
                b' '
            } else {
                b
            }
        })
        .collect();
    // Only whole characters are replaced, byte by byte, by ASCII: the text stays UTF-8.
    *text = String::from_utf8(bytes).unwrap_or_default();
}

fn translate(file: &SourceFile, e: &toml::de::Error) -> Diagnostic {
    let raw = e.message().trim();
    let span = e.span().unwrap_or(0..0);
    let (message, hint) = explain(raw);
    let d = file.error(span, message);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// Rewrites a serde/toml message into polscore's words, with a hint where one helps.
fn explain(raw: &str) -> (String, Option<String>) {
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (key, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
        let hint = match suggest(key, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if expected.is_empty() => "remove it: this table takes no keys".to_string(),
            None => format!(
                "the keys allowed here are {}",
                expected
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return (format!("unknown key `{key}`"), Some(hint));
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return (
            format!("missing key `{key}`"),
            Some(format!("add `{key} = ...` to this table")),
        );
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            let expected = expected
                .replace("a sequence", "an array `[...]`")
                .replace("a map", "a table")
                .replace("struct ", "table ");
            return (
                format!("wrong type: found {found}, expected {expected}"),
                None,
            );
        }
    }
    if raw.starts_with("duplicate key") {
        return (
            raw.to_string(),
            Some("each key may appear once per table".to_string()),
        );
    }
    (raw.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        a: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        name: String,
        weight: Option<i64>,
    }

    #[test]
    fn reports_every_unknown_key() {
        let f = SourceFile::new(
            "x.toml",
            "[a]\nnmae = \"x\"\nname = \"é\"\nwieght = [1,\n 2]\n[a.sub]\nk = 1\n[[b]]\nx = 1\n[[b]]\ny = 2\n".into(),
        );
        let e = parse::<Doc>(&f).unwrap_err();
        let got: Vec<(String, usize)> =
            e.0.iter()
                .map(|d| (d.message.clone(), d.location.as_ref().unwrap().line))
                .collect();
        assert_eq!(
            got,
            [
                ("unknown key `nmae`".to_string(), 2),
                ("unknown key `wieght`".to_string(), 4),
                ("unknown key `sub`".to_string(), 6),
                ("unknown key `b`".to_string(), 8),
            ]
        );
    }

    #[test]
    fn unknown_field_becomes_unknown_key_with_suggestion() {
        let (m, h) = explain("unknown field `weigth`, expected one of `id`, `weight`");
        assert_eq!(m, "unknown key `weigth`");
        assert_eq!(h.as_deref(), Some("did you mean `weight`?"));
        let (_, h) = explain("unknown field `zzz`, expected `id` or `name`");
        assert_eq!(h.as_deref(), Some("the keys allowed here are `id`, `name`"));
    }
}
