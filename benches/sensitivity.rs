//! Benchmark of `polscore sensitivity`: 10,000 weight samples for 100 programmes and 10
//! criteria (issue: "well under two seconds"). Run with `cargo bench --bench sensitivity`.
//!
//! Programmes and ratings are generated deterministically in memory, so the figure measures the
//! analysis itself, not file reading. It prints the median of several runs.

use std::time::Instant;

use polscore::bind::Bound;
use polscore::diag::{Limits, SourceFile};
use polscore::sensitivity::{Settings, analyse};

fn rubric() -> polscore::rubric::Rubric {
    let mut toml = String::from("[rubric]\nid = \"bench\"\n");
    for c in 0..10 {
        toml += &format!(
            "\n[[criteria]]\nid = \"c{c}\"\nweight = {}\nmethod = \"rating\"\n",
            1 + c % 3
        );
    }
    polscore::rubric::parse(&SourceFile::new("bench.toml", toml)).expect("valid rubric")
}

fn programs() -> Vec<Bound> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let rubric = rubric();
    (0..100)
        .map(|p| {
            let mut toml = format!("[program]\nid = \"p{p:03}\"\nname = \"Programme {p}\"\n");
            for c in 0..10 {
                toml += &format!(
                    "\n[assessments.c{c}]\nlevel = {}\nrationale = \"generated\"\nassessor = \"bench\"\n",
                    next() % 5
                );
            }
            let file = SourceFile::new(format!("p{p:03}.toml"), toml);
            let (program, problems) = polscore::program::parse(file, &Limits::default());
            assert!(!problems.has_errors());
            polscore::bind::bind(&rubric, program.expect("a program"))
                .0
                .expect("bound")
        })
        .collect()
}

fn main() {
    let rubric = rubric();
    let programs = programs();
    let (card, problems) = polscore::score(&rubric, &programs);
    assert!(problems.is_empty());
    let settings = Settings::default();
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let result = analyse(&rubric, &card, settings);
        times.push(start.elapsed().as_secs_f64());
        assert_eq!(result.len(), 100);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "sensitivity: {} samples, {} programmes, {} criteria: median {:.3} s (min {:.3} s, max {:.3} s) over {} runs",
        settings.samples,
        programs.len(),
        rubric.criteria.len(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times.len()
    );
}
