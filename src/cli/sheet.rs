//! The spreadsheet options of every command that writes CSV (`--bom`, `--delimiter`,
//! `--decimal-comma`, `--crlf`, `--excel`), defined once so that each command offers the same
//! flags with the same help.

use polscore::report::csv::CsvStyle;

#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Spreadsheet options (CSV output)")]
pub struct SheetArgs {
    /// Start the file with a UTF-8 byte-order mark (for Excel)
    ///
    /// Without it, Excel reads UTF-8 as a legacy code page and garbles Kazakh, Russian and any
    /// other non-Latin text.
    #[arg(long)]
    bom: bool,
    /// Cell separator: `,` (the default), `;`, `tab`, or another ASCII character
    ///
    /// Any ASCII character but `"`, CR and LF. With --decimal-comma or --excel the default is
    /// `;`.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    delimiter: Option<u8>,
    /// Write numbers with a decimal comma (62,50); the delimiter then defaults to `;`
    ///
    /// Only numeric cells change (totals, scores, coverage, weights, contributions, deltas,
    /// means, shares, alpha), never text. Without --delimiter, cells are separated by `;`,
    /// since 62,50,ok would be ambiguous; with --delimiter ',' such numbers are quoted.
    #[arg(long)]
    decimal_comma: bool,
    /// End lines with CRLF (\r\n), as Windows programs do
    #[arg(long)]
    crlf: bool,
    /// For Excel with decimal commas: --bom --delimiter ';' --decimal-comma --crlf
    ///
    /// The usual Excel settings in locales that write decimal commas (German, French, Russian,
    /// Kazakh, ...). An explicit --delimiter still wins.
    #[arg(long)]
    excel: bool,
}

/// A delimiter as typed: one ASCII character, or `tab` (also `\t` as two characters, as a
/// shell passes `'\t'`).
fn parse_delimiter(s: &str) -> Result<u8, String> {
    let c = match s {
        "tab" | "TAB" | "\\t" => b'\t',
        _ => match s.as_bytes() {
            [b] if b.is_ascii() => *b,
            _ => {
                return Err(format!(
                    "`{s}` is not one ASCII character: use e.g. `,`, `;`, `|` or `tab`"
                ));
            }
        },
    };
    if matches!(c, b'"' | b'\r' | b'\n') {
        return Err(
            "a delimiter cannot be `\"`, CR or LF: CSV uses them for quoting and line ends"
                .to_string(),
        );
    }
    Ok(c)
}

impl SheetArgs {
    /// The CSV style these options ask for.
    pub fn style(&self) -> CsvStyle {
        let decimal_comma = self.decimal_comma || self.excel;
        CsvStyle {
            bom: self.bom || self.excel,
            delimiter: self
                .delimiter
                .unwrap_or(if decimal_comma { b';' } else { b',' }),
            decimal_comma,
            crlf: self.crlf || self.excel,
        }
    }

    /// The options given, as typed, for messages.
    fn given(&self) -> Vec<&'static str> {
        [
            (self.bom, "--bom"),
            (self.delimiter.is_some(), "--delimiter"),
            (self.decimal_comma, "--decimal-comma"),
            (self.crlf, "--crlf"),
            (self.excel, "--excel"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }

    /// Why these options do not go with `format`, when it is not one of the CSV formats
    /// (`csv_formats`, as users name them): they would otherwise be ignored silently.
    pub fn misuse(
        &self,
        format: impl clap::ValueEnum,
        csv: bool,
        csv_formats: &str,
    ) -> Option<String> {
        let given = self.given();
        if csv || given.is_empty() {
            return None;
        }
        let format = format
            .to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default();
        Some(format!(
            "{} {} to CSV output ({csv_formats}), not to --format {format}",
            given.join(", "),
            if given.len() == 1 {
                "only applies"
            } else {
                "only apply"
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_one_ascii_character_or_tab() {
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter("\t"), Ok(b'\t'));
        assert_eq!(parse_delimiter("\\t"), Ok(b'\t'));
        assert_eq!(parse_delimiter("|"), Ok(b'|'));
        for bad in ["ab", "", "\"", "\n", "\r", "§", ";;"] {
            assert!(parse_delimiter(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn decimal_comma_moves_the_default_delimiter_only() {
        let decimal = SheetArgs {
            decimal_comma: true,
            ..SheetArgs::default()
        };
        assert_eq!(decimal.style().delimiter, b';');
        let tab = SheetArgs {
            decimal_comma: true,
            delimiter: Some(b'\t'),
            ..SheetArgs::default()
        };
        assert_eq!(tab.style().delimiter, b'\t');
        let excel = SheetArgs {
            excel: true,
            ..SheetArgs::default()
        };
        assert_eq!(
            excel.style(),
            CsvStyle {
                bom: true,
                delimiter: b';',
                decimal_comma: true,
                crlf: true
            }
        );
        assert_eq!(SheetArgs::default().style(), CsvStyle::default());
    }
}
