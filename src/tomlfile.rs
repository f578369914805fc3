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
/// serde stops at the first problem. So that a user sees every problem in one run, the entry
/// behind a problem is set aside (blanked out, keeping every other position) and the file is
/// read again: an unknown key or a wrong type with its whole entry, a table that misses a key
/// with its whole body. A syntax error ends the search.
pub fn parse<T: DeserializeOwned>(file: &SourceFile) -> Result<T, Diagnostics> {
    let mut text = file.text.clone();
    let mut diags = Diagnostics::default();
    // Keys set aside for a wrong type: that they are then missing is not news.
    let mut set_aside_keys: Vec<String> = Vec::new();
    for _ in 0..MAX_SET_ASIDE {
        let e = match toml::from_str::<T>(&text) {
            Ok(value) => {
                sort_by_place(&mut diags);
                return diags.into_result(value);
            }
            Err(e) => e,
        };
        let message = e.message();
        let missing = backticked(message.strip_prefix("missing field `"));
        if missing.is_none_or(|k| !set_aside_keys.iter().any(|s| s == k)) {
            diags.push(translate(file, &e));
        }
        // Any problem found after parsing can be set aside; a syntax error cannot (the file
        // does not parse, so `entry_at` finds nothing). A table missing a key points at the
        // table, except at the top level (0..0), where there is nothing to set aside.
        let recoverable = missing.is_none() || e.span().is_some_and(|s| s.end > 0);
        let Some(found) = e
            .span()
            .filter(|_| recoverable)
            .and_then(|s| entry_at(&text, s))
        else {
            break;
        };
        // Whatever was set aside (a wrong value, or a table missing a key) is then missing
        // itself; saying so again would be noise.
        set_aside_keys.push(found.key);
        blank(&mut text, found.span);
    }
    sort_by_place(&mut diags);
    Err(diags)
}

/// The text between the first pair of backticks after a prefix: `weight` in
/// "missing field `weight`".
fn backticked(rest: Option<&str>) -> Option<&str> {
    rest.and_then(|r| r.split('`').next())
}

/// Puts diagnostics in the order of the file, which is not the order serde visits keys in.
fn sort_by_place(diags: &mut Diagnostics) {
    diags
        .0
        .sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
}

/// How many problems one file may have before polscore stops looking for more.
const MAX_SET_ASIDE: usize = 50;

/// An entry to set aside: its key and the span that holds it.
struct Entry {
    key: String,
    span: Range<usize>,
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

/// The innermost entry whose text holds `at`: `key = value`, a table header (`[a.b]`) with its
/// body, or one `[[a]]` element with its body.
fn entry_at(text: &str, at: Range<usize>) -> Option<Entry> {
    fn holds(s: &Range<usize>, at: &Range<usize>) -> bool {
        s.start <= at.start && at.end <= s.end.max(s.start + 1)
    }
    fn in_table(table: &DeTable<'_>, at: &Range<usize>) -> Option<Entry> {
        for (k, v) in table.iter() {
            let header = v.span().start < k.span().start;
            let span = match v.get_ref() {
                // `[[a]]` elements: each is its own entry, found below.
                DeValue::Array(items)
                    if header || items.iter().any(|i| i.span().start < k.span().start) =>
                {
                    for item in items.iter() {
                        let span = item.span().start..extent(item);
                        if holds(&span, at) {
                            if let DeValue::Table(t) = item.get_ref()
                                && let Some(inner) = in_table(t, at)
                            {
                                return Some(inner);
                            }
                            return Some(Entry {
                                key: k.get_ref().to_string(),
                                span,
                            });
                        }
                    }
                    continue;
                }
                _ if header => v.span().start..extent(v),
                _ => k.span().start..extent(v).max(k.span().end),
            };
            if holds(&span, at) {
                if let DeValue::Table(t) = v.get_ref()
                    && let Some(inner) = in_table(t, at)
                {
                    return Some(inner);
                }
                return Some(Entry {
                    key: k.get_ref().to_string(),
                    span,
                });
            }
        }
        None
    }
    let doc = DeTable::parse(text).ok()?;
    in_table(doc.get_ref(), &at)
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
    if let Some(rest) = raw.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        let expected = expected
            .replace("a sequence", "an array `[...]`")
            .replace("a map", "a table")
            .replace("struct ", "table ");
        return (
            format!("wrong type: found {found}, expected {expected}"),
            None,
        );
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
                ("unknown key `b`".to_string(), 10),
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
