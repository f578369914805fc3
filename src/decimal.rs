//! Decimals as rubric and program files write them, and as scorecards display them.
//!
//! SPEC §2: a decimal field accepts an integer (`3`), a float (`0.1`, read as the shortest
//! decimal that round-trips it, so exactly 0.1) or a string (`"0.1"`). Rounding happens once,
//! at output, half away from zero, as spreadsheets do.

use std::fmt;

use std::borrow::Cow;

use rust_decimal::{Decimal, RoundingStrategy};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserialize, Deserializer, Visitor};

/// A decimal read from TOML: integer, float or string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dec(pub Decimal);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecVisitor)
    }
}

/// The text forms [`parse_decimal`] can accept, for the JSON Schema: an optional sign, digits
/// with at most one `.` (at least one digit), an optional exponent, `_` anywhere, white space
/// around. Looser than the parser (range and precision are checked on loading), never
/// stricter: `tests/schema.rs` checks that.
pub const DECIMAL_PATTERN: &str = concat!(
    r"^\s*_*[+-]?",
    r"(_*[0-9][0-9_]*(\.[0-9_]*)?|_*\.[0-9_]*[0-9][0-9_]*)",
    r"([eE]_*[+-]?_*[0-9][0-9_]*)?\s*$"
);

/// In a schema a decimal is a number, or a string that [`DECIMAL_PATTERN`] describes (a
/// pattern constrains strings only).
impl JsonSchema for Dec {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["number", "string"], "pattern": DECIMAL_PATTERN })
    }
}

struct DecVisitor;

impl Visitor<'_> for DecVisitor {
    type Value = Dec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number (such as 3, 0.25 or \"0.25\")")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dec, E> {
        Ok(Dec(Decimal::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dec, E> {
        Ok(Dec(Decimal::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dec, E> {
        if !v.is_finite() {
            return Err(E::custom(format!(
                "`{v}` is not a decimal number: use a finite number"
            )));
        }
        // Rust prints the shortest decimal that round-trips the float, never in exponent form.
        parse_decimal(&v.to_string()).map(Dec).map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Dec, E> {
        parse_decimal(v).map(Dec).map_err(E::custom)
    }
}

/// Parses a decimal written as text: `12`, `-0.5`, `1_000`, `2.5e-3`.
pub fn parse_decimal(s: &str) -> Result<Decimal, String> {
    let t = s.trim().replace('_', "");
    let bad = || format!("`{s}` is not a decimal number");
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        || !t.chars().any(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let out_of_range =
        || format!("`{s}` is out of range: polscore's decimals hold 28 significant digits");
    let too_small = || format!("`{s}` is too small: polscore's decimals hold 28 decimal places");
    let result = match t.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            let exponent = exponent.parse::<i64>();
            let well_formed = mantissa.parse::<Decimal>().is_ok() && exponent.is_ok();
            Decimal::from_scientific(&t).map_err(|_| match exponent {
                Ok(e) if well_formed && e < 0 => too_small(),
                _ if well_formed => out_of_range(),
                _ => bad(),
            })
        }
        None => t.parse::<Decimal>().map_err(|e| {
            let msg = e.to_string();
            let digits = t.chars().filter(char::is_ascii_digit).count();
            if msg.contains("too large") || msg.contains("overflow") || digits > 28 {
                out_of_range()
            } else {
                bad()
            }
        }),
    }?;
    // A number too small for 28 decimal places would silently become 0.
    let mantissa = t.split(['e', 'E']).next().unwrap_or("");
    if result.is_zero() && mantissa.chars().any(|c| c.is_ascii_digit() && c != '0') {
        return Err(too_small());
    }
    Ok(result.normalize())
}

/// Rounds to `dp` places, half away from zero.
pub fn round(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Formats with exactly `dp` decimal places, rounding half away from zero (`62.50`).
pub fn fixed(d: Decimal, dp: u32) -> String {
    let mut r = round(d, dp);
    if r.is_zero() {
        r = Decimal::ZERO;
    }
    r.rescale(dp);
    r.to_string()
}

/// The shortest exact form of a decimal (`0.06`, `100000000000`).
pub fn plain(d: Decimal) -> String {
    let n = d.normalize();
    if n.is_zero() {
        "0".to_string()
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn floats_are_their_shortest_decimal() {
        let d: Dec = toml::from_str::<toml::Table>("x = 0.1")
            .unwrap()
            .get("x")
            .unwrap()
            .clone()
            .try_into()
            .unwrap();
        assert_eq!(d.0, dec("0.1"));
    }

    #[test]
    fn parses_strings_and_rejects_junk() {
        assert_eq!(parse_decimal("0.50").unwrap(), dec("0.5"));
        assert_eq!(parse_decimal("1_000").unwrap(), dec("1000"));
        assert_eq!(parse_decimal("2.5e-3").unwrap(), dec("0.0025"));
        assert!(parse_decimal("abc").is_err());
        assert!(parse_decimal("").is_err());
        assert!(parse_decimal("1e40").is_err());
        assert!(parse_decimal("99999999999999999999999999999999").is_err());
        assert!(parse_decimal("1e-40").unwrap_err().contains("too small"));
        assert!(parse_decimal("1e40").unwrap_err().contains("out of range"));
        assert!(
            parse_decimal("0.0000000000000000000000000000000000000001")
                .unwrap_err()
                .contains("too small")
        );
        assert_eq!(parse_decimal("-0").unwrap(), dec("0"));
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(fixed(dec("62.5"), 2), "62.50");
        assert_eq!(fixed(dec("0.125"), 2), "0.13");
        assert_eq!(fixed(dec("-0.125"), 2), "-0.13");
        assert_eq!(fixed(dec("2.675"), 2), "2.68");
        assert_eq!(fixed(dec("100"), 2), "100.00");
        assert_eq!(fixed(dec("-0.001"), 2), "0.00");
        assert_eq!(fixed(dec("0.33333"), 4), "0.3333");
    }
}
