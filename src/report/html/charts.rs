//! The charts of the HTML reports, as inline SVG and colours: a single-hue ramp for levels
//! and ranks, score bars, and the stacked bar of a programme's ranks over the samples.

use std::fmt::Write;

use rust_decimal::Decimal;

use super::esc;
use super::sensitivity::percent;
use crate::rubric::Scale;
use crate::sensitivity::Robustness;

/// A single-hue sequential ramp (ColorBrewer Blues, light to dark): safe for colour-blind
/// readers and still ordered when printed in grey.
const RAMP: [(u8, u8, u8); 8] = [
    (0xde, 0xeb, 0xf7),
    (0xc6, 0xdb, 0xef),
    (0x9e, 0xca, 0xe1),
    (0x6b, 0xae, 0xd6),
    (0x42, 0x92, 0xc6),
    (0x21, 0x71, 0xb5),
    (0x08, 0x51, 0x9c),
    (0x08, 0x30, 0x6b),
];

/// The ramp's colour at `num / den` (0 light, 1 dark), and the text colour that reads on it.
fn ramp(num: u64, den: u64) -> (String, &'static str) {
    let steps = (RAMP.len() - 1) as u64;
    let den = den.max(1);
    let pos = num.min(den) * steps;
    let (i, rem) = ((pos / den) as usize, pos % den);
    let a = RAMP[i];
    let b = RAMP[(i + 1).min(RAMP.len() - 1)];
    let mix = |x: u8, y: u8| -> u8 {
        let (x, y) = (i64::from(x), i64::from(y));
        (x + (y - x) * rem as i64 / den as i64) as u8
    };
    let (r, g, bl) = (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2));
    // WCAG relative luminance: dark text where it contrasts more than white.
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(bl);
    let white = 1.05 / (lum + 0.05);
    let black = (lum + 0.05) / 0.05;
    let fg = if white > black { "#ffffff" } else { "#14202e" };
    (format!("#{r:02x}{g:02x}{bl:02x}"), fg)
}

/// The colour of a level on the rubric's scale.
pub(super) fn level_colour(scale: &Scale, level: i64) -> (String, &'static str) {
    let num = u64::try_from(level - scale.min).unwrap_or(0);
    ramp(num, scale.steps() as u64)
}

/// A horizontal bar of `score` (0 to 100) on a track `width` pixels wide; a wide track shows
/// quarter marks behind the bar.
pub(super) fn bar(score: Decimal, width: u32, height: u32, label: &str) -> String {
    let w = Decimal::from(width);
    let len = (score.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED) * w / Decimal::ONE_HUNDRED)
        .round_dp(2)
        .normalize();
    let mut s = format!(
        "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         role=\"img\" aria-label=\"{}\"><rect x=\"0\" y=\"0\" width=\"{width}\" \
         height=\"{height}\" fill=\"#eef1f4\"/>",
        esc(label)
    );
    if width >= 100 {
        for q in 1..4 {
            let x = width * q / 4;
            let _ = write!(
                s,
                "<line x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"{height}\" stroke=\"#c3cbd4\" \
                 stroke-width=\"1\"/>"
            );
        }
    }
    let _ = write!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{len}\" height=\"{height}\" fill=\"#1f3a5f\"/></svg>"
    );
    s
}

/// Rank 1 darkest, the last rank lightest.
pub(super) fn rank_colour(rank: usize, n: usize) -> (String, &'static str) {
    let den = n.saturating_sub(1).max(1) as u64;
    ramp(den - (rank.saturating_sub(1) as u64).min(den), den)
}

/// One programme's rank acceptability as a stacked horizontal bar.
pub(super) fn stacked(r: &Robustness, n: usize) -> String {
    const W: f64 = 480.0;
    const H: u32 = 22;
    let mut s = format!(
        "<svg width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" \
         aria-label=\"share of samples at each rank for {}\">",
        esc(&r.program_id)
    );
    let mut x = 0.0_f64;
    let mut segment =
        |s: &mut String, share: f64, fill: &str, fg: &str, label: &str, tip: String| {
            if share <= 0.0 {
                return;
            }
            let w = share * W;
            let _ = write!(
                s,
                "<rect x=\"{x:.2}\" y=\"0\" width=\"{w:.2}\" height=\"{H}\" fill=\"{fill}\" \
             stroke=\"#ffffff\" stroke-width=\"1\"><title>{}</title></rect>",
                esc(&tip)
            );
            if w >= 18.0 {
                let _ = write!(
                    s,
                    "<text x=\"{:.2}\" y=\"15\" text-anchor=\"middle\" font-size=\"11\" \
                 font-weight=\"600\" fill=\"{fg}\">{}</text>",
                    x + w / 2.0,
                    esc(label)
                );
            }
            x += w;
        };
    for (i, share) in r.rank_shares.iter().enumerate() {
        let (bg, fg) = rank_colour(i + 1, n);
        segment(
            &mut s,
            *share,
            &bg,
            fg,
            &(i + 1).to_string(),
            format!("rank {}: {}% of samples", i + 1, percent(*share)),
        );
    }
    segment(
        &mut s,
        r.unranked_share,
        "#d3d8de",
        "#3b4450",
        "–",
        format!("not ranked: {}% of samples", percent(r.unranked_share)),
    );
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ramp_runs_light_to_dark_with_readable_text() {
        assert_eq!(ramp(0, 4), ("#deebf7".to_string(), "#14202e"));
        assert_eq!(ramp(4, 4), ("#08306b".to_string(), "#ffffff"));
        // A one-step scale and an empty one do not divide by zero.
        assert_eq!(ramp(1, 1).0, "#08306b");
        assert_eq!(ramp(0, 0).0, "#deebf7");
    }
}
