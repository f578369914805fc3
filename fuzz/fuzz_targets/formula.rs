//! Any text as a metric formula, evaluated over a few facts including zero and extremes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use polscore::formula::Formula;
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(f) = Formula::parse(&text) {
        let _ = f.canonical();
        let _ = f.eval(|name| match name {
            "a" => Some(Decimal::ONE),
            "b" => Some(Decimal::ZERO),
            "c" => Some(Decimal::MAX),
            "d" => Some(Decimal::MIN),
            "e" => Some(Decimal::new(1, 28)),
            _ => None,
        });
    }
});
