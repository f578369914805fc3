//! Scoring a corpus: every description the arguments name is read, scored and rendered on a
//! pool of threads, a batch at a time, and folded into the scorecard in file order, so that
//! the output is the same bytes whatever the number of threads.
//!
//! Memory stays flat however large the archive: a text lives only while a worker scores it,
//! and for the CSV scorecards each programme's rendered row (or rows) goes to a spill file
//! (in memory while small) as soon as its batch is done. What stays in memory per programme
//! is what ranking needs: its id, its displayed total and where its row is.

use std::collections::BTreeSet;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::diag::{Diagnostic, Diagnostics};
use crate::program;
use crate::ratings::{Book, Numbered};
use crate::report::csv::{self, CsvStyle};
use crate::rubric::Rubric;
use crate::scoring::{self, ProgramScore, Scorecard};

/// What the scorecard is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The wide CSV, row by row.
    Wide,
    /// The long CSV, programme by programme.
    Long,
    /// Every programme's full score, for the reports that show everything (JSON, Markdown,
    /// HTML).
    Full,
}

/// How to score a corpus.
pub struct Options<'a> {
    /// Worker threads; 1 scores on the calling thread.
    pub threads: usize,
    pub shape: Shape,
    pub style: CsvStyle,
    /// Called on the calling thread after each batch with (descriptions done, of all).
    pub progress: &'a mut dyn FnMut(usize, usize),
}

/// Descriptions scored per batch: enough to keep every thread busy, few enough that a batch's
/// results are small.
const BATCH: usize = 256;

/// A spill file stays in memory up to this size.
const SPILL_IN_MEMORY: usize = 256 << 10;

/// One programme's part of the scorecard, as its worker left it.
enum Body {
    /// CSV bytes without the rank cell (wide) or all rows (long).
    Csv(Vec<u8>),
    Full(Box<ProgramScore>),
}

/// What a worker makes of one description.
struct Done {
    /// Problems loading it; nothing else when there are any.
    problems: Diagnostics,
    scored: Option<Scored>,
}

struct Scored {
    id: String,
    /// Problems with its ratings.
    ratings: Vec<Numbered>,
    /// The rubric's `missing = "error"` policy refused it; nothing to show.
    missing: Option<Diagnostic>,
    total: Option<Decimal>,
    body: Option<Body>,
}

/// Where a programme's part is.
enum Part {
    /// In the spill file: offset and length.
    Spilled(u64, usize),
    Full(Box<ProgramScore>),
}

/// A programme that made it to the fold.
struct Entry {
    id: String,
    /// Index of its description in the file list.
    file: usize,
    total: Option<Decimal>,
    missing: Option<Diagnostic>,
    ratings: Vec<Numbered>,
    part: Option<Part>,
}

/// The scorecard of a corpus, ready to write.
pub struct CorpusCard {
    shape: Shape,
    style: CsvStyle,
    /// Programmes in scorecard order, with their ranks.
    order: Vec<(Option<usize>, Part)>,
    spill: tempfile::SpooledTempFile,
}

/// Scores every program in `files` (see [`crate::description_files`]) with `rubric` and the
/// ratings in `book`. Returns the scorecard and the problems met (programmes with problems are
/// left out), or, when `keep_going` is false and there are problems, only those.
pub fn score(
    rubric: &Rubric,
    files: &[PathBuf],
    book: &Book,
    mut problems: Diagnostics,
    keep_going: bool,
    opts: Options<'_>,
) -> Result<(CorpusCard, Diagnostics), Diagnostics> {
    let Options {
        threads,
        shape,
        style,
        progress,
    } = opts;
    let mut spill = tempfile::SpooledTempFile::new(SPILL_IN_MEMORY);
    let mut spilled: u64 = 0;
    let mut entries: Vec<Entry> = Vec::new();
    let work = |path: &PathBuf| score_one(rubric, book, path, shape, &style);
    let pool = (threads > 1)
        .then(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("polscore-{i}"))
                .build()
                .ok()
        })
        .flatten();
    for (b, batch) in files.chunks(BATCH).enumerate() {
        let done: Vec<Done> = match &pool {
            Some(pool) => pool.install(|| batch.par_iter().map(work).collect()),
            None => batch.iter().map(work).collect(),
        };
        for (k, d) in done.into_iter().enumerate() {
            problems.extend(d.problems);
            let Some(s) = d.scored else { continue };
            let part = match s.body {
                Some(Body::Csv(bytes)) => {
                    spill.write_all(&bytes).map_err(spill_failed)?;
                    let at = spilled;
                    spilled += bytes.len() as u64;
                    Some(Part::Spilled(at, bytes.len()))
                }
                Some(Body::Full(row)) => Some(Part::Full(row)),
                None => None,
            };
            entries.push(Entry {
                id: s.id,
                file: b * BATCH + k,
                total: s.total,
                missing: s.missing,
                ratings: s.ratings,
                part,
            });
        }
        progress((b * BATCH + batch.len()).min(files.len()), files.len());
    }

    // Two descriptions with one id: both are left out.
    let mut by_id: Vec<usize> = (0..entries.len()).collect();
    by_id.sort_by(|&a, &b| entries[a].id.cmp(&entries[b].id));
    let mut duplicated = vec![false; entries.len()];
    for group in by_id.chunk_by(|&a, &b| entries[a].id == entries[b].id) {
        if group.len() < 2 {
            continue;
        }
        let mut group = group.to_vec();
        group.sort_unstable();
        problems.push(duplicate_id(
            &entries[group[0]].id,
            group.iter().map(|&e| files[entries[e].file].as_path()),
        ));
        group.iter().for_each(|&e| duplicated[e] = true);
    }
    let mut kept: Vec<Entry> = entries
        .into_iter()
        .zip(duplicated)
        .filter_map(|(e, dup)| (!dup).then_some(e))
        .collect();

    let known: BTreeSet<&str> = kept.iter().map(|e| e.id.as_str()).collect();
    let mut numbered = book.unknown(&known);
    drop(known);
    for e in &mut kept {
        numbered.append(&mut e.ratings);
    }
    problems.extend(book.problems(numbered));
    if !problems.is_empty() && !keep_going {
        return Err(problems);
    }
    for e in &mut kept {
        if let Some(d) = e.missing.take() {
            problems.push(d);
        }
    }
    if !problems.is_empty() && !keep_going {
        return Err(problems);
    }

    let mut rows: Vec<(Option<Decimal>, String, Part)> = kept
        .into_iter()
        .filter_map(|e| e.part.map(|p| (e.total, e.id, p)))
        .collect();
    let totals: Vec<Option<Decimal>> = rows.iter().map(|r| r.0).collect();
    let ranks = scoring::competition_ranks(&totals);
    drop(totals);
    let mut order: Vec<(Option<usize>, String, Part)> = rows
        .drain(..)
        .zip(ranks)
        .map(|((_, id, part), rank)| (rank, id, part))
        .collect();
    order.sort_by(|a, b| {
        let ka = a.0.unwrap_or(usize::MAX);
        let kb = b.0.unwrap_or(usize::MAX);
        ka.cmp(&kb).then_with(|| a.1.cmp(&b.1))
    });
    Ok((
        CorpusCard {
            shape,
            style,
            order: order.into_iter().map(|(r, _, p)| (r, p)).collect(),
            spill,
        },
        problems,
    ))
}

impl CorpusCard {
    /// The number of programmes on the scorecard.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The full scorecard ([`Shape::Full`]); `None` for the CSV shapes.
    pub fn into_scorecard(self) -> Option<Scorecard> {
        let rows = self
            .order
            .into_iter()
            .map(|(rank, part)| match part {
                Part::Full(mut row) => {
                    row.rank = rank;
                    Some(*row)
                }
                Part::Spilled(..) => None,
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Scorecard { rows })
    }

    /// Writes the CSV scorecard ([`Shape::Wide`] or [`Shape::Long`]) to `out`.
    pub fn write_csv(mut self, rubric: &Rubric, out: &mut dyn Write) -> std::io::Result<()> {
        let header = match self.shape {
            Shape::Wide => csv::wide_header(rubric),
            _ => csv::long_header(),
        };
        out.write_all(&csv::write(&self.style, &[header]))?;
        let mut buf = Vec::new();
        for (rank, part) in &self.order {
            let Part::Spilled(at, len) = *part else {
                continue;
            };
            if self.shape == Shape::Wide {
                // The rank cell: an integer, which no style quotes or changes.
                if let Some(rank) = rank {
                    write!(out, "{rank}")?;
                }
                out.write_all(&[self.style.delimiter])?;
            }
            buf.resize(len, 0);
            self.spill.seek(SeekFrom::Start(at))?;
            self.spill.read_exact(&mut buf)?;
            out.write_all(&buf)?;
        }
        Ok(())
    }
}

/// Loads, rates, scores and renders one description.
fn score_one(rubric: &Rubric, book: &Book, path: &Path, shape: Shape, style: &CsvStyle) -> Done {
    let mut program = match program::load(path, rubric) {
        Ok(p) => p,
        Err(problems) => {
            return Done {
                problems,
                scored: None,
            };
        }
    };
    let ratings = book.apply(&mut program);
    let mut row = crate::assess::score_program(rubric, &program);
    let aggregated = scoring::aggregate(rubric, &mut row);
    let total = row.displayed_total();
    let (missing, body) = match aggregated {
        Err(missing) => (Some(crate::missing_error(&program, &missing)), None),
        Ok(()) => (
            None,
            Some(match shape {
                Shape::Wide => {
                    let mut bytes = Vec::new();
                    let mut cells = csv::wide_row(rubric, &row);
                    cells.remove(0); // the rank, written when it is known
                    csv::append(style, &[cells], &mut bytes);
                    Body::Csv(bytes)
                }
                Shape::Long => {
                    let mut bytes = Vec::new();
                    csv::append(style, &csv::long_rows(rubric, &row), &mut bytes);
                    Body::Csv(bytes)
                }
                Shape::Full => Body::Full(Box::new(row)),
            }),
        ),
    };
    Done {
        problems: Diagnostics::default(),
        scored: Some(Scored {
            id: program.id,
            ratings,
            missing,
            total,
            body,
        }),
    }
}

/// The diagnostic for descriptions that share an id.
pub fn duplicate_id<'a>(id: &str, paths: impl Iterator<Item = &'a Path>) -> Diagnostic {
    Diagnostic::new(format!(
        "program id `{id}` is used by {}",
        paths
            .map(|p| format!("`{}`", p.display()))
            .collect::<Vec<_>>()
            .join(" and ")
    ))
    .with_hint("program ids must be unique: change `id` in one file, or rename a plain-text file")
}

fn spill_failed(e: std::io::Error) -> Diagnostics {
    Diagnostic::new(format!(
        "cannot write the scorecard's temporary file: {}",
        crate::diag::io_reason(&e)
    ))
    .with_hint("polscore keeps the rows of a large scorecard in the temporary folder (TMPDIR) until it is complete; check that it has space")
    .into()
}
