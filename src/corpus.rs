//! Scoring a corpus: every description the arguments name is read, scored and rendered on a
//! pool of threads, a batch at a time, and folded into the scorecard in file order, so that
//! the output is the same bytes whatever the number of threads.
//!
//! Memory does not grow with the texts: a text lives only while a worker scores it, and for
//! the CSV scorecards each programme's rendered row (or rows) goes to a spill file (in memory
//! while small) as soon as its batch is done. What stays in memory per programme is what
//! ranking needs, since rank order is known only at the end: its id, its displayed total and
//! where its row is (with its path, about 200 bytes a programme).

use std::collections::BTreeSet;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::diag::{Diagnostic, Diagnostics, Limits};
use crate::ratings::{Book, Numbered};
use crate::report::csv::{self, CsvStyle};
use crate::rubric::Rubric;
use crate::scoring::{ProgramScore, Scorecard};

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
    pub limits: &'a Limits,
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
    Spilled(u64, u64),
    Full(Box<ProgramScore>),
    /// Refused by the rubric's `missing = "error"` policy.
    Nothing,
}

/// A programme that made it to the fold: what ranking needs, and where its part is. Kept
/// small, since there is one per description.
struct Entry {
    id: Box<str>,
    /// Index of its description in the file list.
    file: u32,
    /// Its rank, once known.
    rank: Option<u32>,
    total: Option<Decimal>,
    part: Part,
}

/// The scorecard of a corpus, ready to write.
pub struct CorpusCard {
    shape: Shape,
    style: CsvStyle,
    /// Programmes in scorecard order, with their ranks.
    entries: Vec<Entry>,
    spill: tempfile::SpooledTempFile,
}

/// Scores every program in `files` (see [`crate::load::description_files`]) with `rubric` and the
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
        limits,
    } = opts;
    let mut spill = tempfile::SpooledTempFile::new(SPILL_IN_MEMORY);
    let mut spilled: u64 = 0;
    let mut entries: Vec<Entry> = Vec::with_capacity(files.len());
    // Rare: kept beside the entries, by entry index.
    let mut missing: Vec<(usize, Diagnostic)> = Vec::new();
    let mut rating_problems: Vec<(usize, Vec<Numbered>)> = Vec::new();
    let work = |path: &PathBuf| score_one(rubric, book, limits, path, shape, &style);
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
                    Part::Spilled(at, bytes.len() as u64)
                }
                Some(Body::Full(row)) => Part::Full(row),
                None => Part::Nothing,
            };
            if let Some(d) = s.missing {
                missing.push((entries.len(), d));
            }
            if !s.ratings.is_empty() {
                rating_problems.push((entries.len(), s.ratings));
            }
            entries.push(Entry {
                id: s.id.into_boxed_str(),
                file: (b * BATCH + k) as u32,
                rank: None,
                total: s.total,
                part,
            });
        }
        progress((b * BATCH + batch.len()).min(files.len()), files.len());
    }

    // Two descriptions with one id: both are left out.
    let mut by_id: Vec<u32> = (0..entries.len() as u32).collect();
    by_id.sort_unstable_by(|&a, &b| entries[a as usize].id.cmp(&entries[b as usize].id));
    let mut duplicated = vec![false; entries.len()];
    for group in by_id.chunk_by(|&a, &b| entries[a as usize].id == entries[b as usize].id) {
        if group.len() < 2 {
            continue;
        }
        let mut group = group.to_vec();
        group.sort_unstable();
        problems.push(crate::load::duplicate_id(
            &entries[group[0] as usize].id,
            group
                .iter()
                .map(|&e| files[entries[e as usize].file as usize].as_path()),
        ));
        group.iter().for_each(|&e| duplicated[e as usize] = true);
    }
    drop(by_id);

    let mut numbered = Vec::new();
    if !book.is_empty() {
        let known: BTreeSet<&str> = entries
            .iter()
            .zip(&duplicated)
            .filter(|(_, dup)| !**dup)
            .map(|(e, _)| &*e.id)
            .collect();
        numbered = book.unknown(&known);
    }
    for (e, mut found) in rating_problems {
        if !duplicated[e] {
            numbered.append(&mut found);
        }
    }
    problems.extend(book.problems(numbered));
    if problems.has_errors() && !keep_going {
        return Err(problems);
    }
    for (e, d) in missing {
        if !duplicated[e] {
            problems.push(d);
        }
    }
    if problems.has_errors() && !keep_going {
        return Err(problems);
    }

    let mut dup = duplicated.into_iter();
    entries.retain(|e| !dup.next().unwrap_or(false) && !matches!(e.part, Part::Nothing));
    // Highest displayed total first, then by id; no total last.
    // Ids are unique by now: an unstable sort is as deterministic as a stable one.
    entries.sort_unstable_by(|a, b| match (a.total, b.total) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.id.cmp(&b.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
    // Standard competition ranking: ties share the rank of the first of them.
    for i in 0..entries.len() {
        entries[i].rank = match (entries[i].total, i.checked_sub(1)) {
            (None, _) => None,
            (Some(t), Some(p)) if entries[p].total == Some(t) => entries[p].rank,
            (Some(_), _) => Some(i as u32 + 1),
        };
    }
    Ok((
        CorpusCard {
            shape,
            style,
            entries,
            spill,
        },
        problems,
    ))
}

impl CorpusCard {
    /// The full scorecard ([`Shape::Full`]); `None` for the CSV shapes.
    pub fn into_scorecard(self) -> Option<Scorecard> {
        let rows = self
            .entries
            .into_iter()
            .map(|e| match e.part {
                Part::Full(mut row) => {
                    row.rank = e.rank.map(|r| r as usize);
                    Some(*row)
                }
                Part::Spilled(..) | Part::Nothing => None,
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
        for e in &self.entries {
            let Part::Spilled(at, len) = e.part else {
                continue;
            };
            if self.shape == Shape::Wide {
                // The rank cell: an integer, quoted only when the delimiter is a digit (as
                // the CSV writer would).
                if let Some(rank) = e.rank {
                    let rank = rank.to_string();
                    if rank.as_bytes().contains(&self.style.delimiter) {
                        write!(out, "\"{rank}\"")?;
                    } else {
                        out.write_all(rank.as_bytes())?;
                    }
                }
                out.write_all(&[self.style.delimiter])?;
            }
            let len = usize::try_from(len).map_err(std::io::Error::other)?;
            buf.resize(len, 0);
            self.spill.seek(SeekFrom::Start(at))?;
            self.spill.read_exact(&mut buf)?;
            out.write_all(&buf)?;
        }
        Ok(())
    }
}

/// Loads, binds, rates, scores and renders one description.
fn score_one(
    rubric: &Rubric,
    book: &Book,
    limits: &Limits,
    path: &Path,
    shape: Shape,
    style: &CsvStyle,
) -> Done {
    let (program, problems) = crate::load::load_one(path, rubric, limits);
    let Some(mut program) = program else {
        return Done {
            problems,
            scored: None,
        };
    };
    let ratings = book.apply(&mut program);
    let (row, refused) = crate::assess::score(rubric, &program);
    let total = row.displayed_total();
    let (missing, body) = match refused {
        Some(refused) => (Some(refused), None),
        None => (
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
        problems,
        scored: Some(Scored {
            id: program.program().id.clone(),
            ratings,
            missing,
            total,
            body,
        }),
    }
}

fn spill_failed(e: std::io::Error) -> Diagnostics {
    Diagnostic::new(format!(
        "cannot write the scorecard's temporary file: {}",
        crate::diag::io_reason(&e)
    ))
    .with_hint("polscore keeps the rows of a large scorecard in the temporary folder (TMPDIR) until it is complete; check that it has space")
    .into()
}
