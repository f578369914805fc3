//! The progress bar of a long run: on stderr, only when stderr is a terminal, only once the
//! run has taken a second, never with `--quiet`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How long a run goes before its bar appears. `POLSCORE_PROGRESS_AFTER_MS` changes it, for
/// the tests that check the bar (they cannot wait for a run that takes a second).
fn delay() -> Duration {
    std::env::var("POLSCORE_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis)
}

pub struct Progress {
    enabled: bool,
    start: Instant,
    delay: Duration,
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new() -> Progress {
        Progress {
            enabled: super::chatty() && std::io::stderr().is_terminal(),
            start: Instant::now(),
            delay: delay(),
            bar: None,
        }
    }

    /// `done` of `total` descriptions are scored.
    pub fn update(&mut self, done: usize, total: usize) {
        if !self.enabled || done >= total && self.bar.is_none() {
            return;
        }
        if self.bar.is_none() && self.start.elapsed() >= self.delay {
            let bar = ProgressBar::new(total as u64).with_style(
                ProgressStyle::with_template(
                    "scoring {bar:30} {pos}/{len} descriptions, {elapsed} (about {eta} left)",
                )
                .expect("a valid template"),
            );
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
        }
    }

    /// Removes the bar, so that messages and the scorecard follow on a clean line.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
