//! Reading TOML into polscore's strict raw structs, with errors that say where and what to do.
//!
//! The toml crate's errors carry a span but no path and speak serde ("unknown field"); this
//! module adds the file, turns the span into line, column and caret, and turns serde's words
//! into the user's ("unknown key `weigth`", hint: "did you mean `weight`?").

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, SourceFile, suggest};

/// Deserializes `file` into `T`, or one located diagnostic.
pub fn parse<T: DeserializeOwned>(file: &SourceFile) -> Result<T, Diagnostic> {
    toml::from_str(&file.text).map_err(|e| translate(file, &e))
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

    #[test]
    fn unknown_field_becomes_unknown_key_with_suggestion() {
        let (m, h) = explain("unknown field `weigth`, expected one of `id`, `weight`");
        assert_eq!(m, "unknown key `weigth`");
        assert_eq!(h.as_deref(), Some("did you mean `weight`?"));
        let (_, h) = explain("unknown field `zzz`, expected `id` or `name`");
        assert_eq!(h.as_deref(), Some("the keys allowed here are `id`, `name`"));
    }
}
