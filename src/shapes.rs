//! The shapes of the values rubric and program files hold: ids, fact names, phrases, currency
//! codes. A leaf module: the raw serde structs of `rubric` and `program` name these marker
//! types so that `schema` (which sits above both) can describe them, without either of them
//! depending on `schema`.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// An id in a rubric: a rubric, criterion or indicator id, or a criterion named by an
/// assessment.
pub const ID_PATTERN: &str = "^[a-z0-9_-]+$";

/// A fact name, as formulas write it (`formula::is_fact_name`).
pub const FACT_NAME_PATTERN: &str = "^[a-z_][a-z0-9_]*$";

/// A rubric, criterion or indicator id (schema only).
pub struct Id;

impl JsonSchema for Id {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Id".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "pattern": ID_PATTERN })
    }
}

/// A program id: lower-case letters of any script, digits, `_` and `-` (schema only). The
/// letters are those Rust calls alphabetic and not upper-case, as `program.rs` checks them:
/// lower-case, title-case, modifier and other letters, marks, numbers, and the circled ⓐ-ⓩ.
pub struct ProgramId;

impl JsonSchema for ProgramId {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "ProgramId".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[\\p{Ll}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}\\p{N}\\u24D0-\\u24E9_-]+$"
        })
    }
}

/// A phrase to match in text: `*` only at its very end, and something besides white space
/// (schema only; that it holds a word is checked when it is compiled).
pub struct Phrase;

impl JsonSchema for Phrase {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Phrase".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "pattern": "^[^*]*[^*\\s][^*]*\\*?$" })
    }
}

/// A three-letter ISO 4217 currency code in capitals (schema only).
pub struct CurrencyCode;

/// The pattern of [`CurrencyCode`], also used for the keys of `rates`.
pub const CURRENCY_PATTERN: &str = "^[A-Z]{3}$";

impl JsonSchema for CurrencyCode {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "CurrencyCode".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "pattern": CURRENCY_PATTERN })
    }
}

/// Text that must not be blank: a band label, a program name (schema only).
pub struct NonBlank;

impl JsonSchema for NonBlank {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "NonBlank".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "pattern": "\\S" })
    }
}

/// Any TOML value (schema only): a source's `published` date may be a string or a TOML date.
pub struct AnyValue;

impl JsonSchema for AnyValue {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "AnyValue".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({})
    }
}
