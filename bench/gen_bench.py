#!/usr/bin/env python3
"""Deterministic generator of the corpus-scale benchmark's corpus and rubrics.

    python3 bench/gen_bench.py corpus --seed 1 --chunk K --docs N --out DIR [--jobs J]
    python3 bench/gen_bench.py rubric --phrases P --out R.toml [--phrase-list phrases.txt]

`corpus` writes N plain-text programme descriptions of 16-24 KB (about 20 KB on average) to
DIR/cK-JJJ/IIIIII-slug.md, 500 to a sub-directory. Chunk K holds the documents K*N .. K*N+N-1,
so ids are unique across chunks and several chunk directories together make a 2x, 4x, 5x
corpus. Every document is generated from its own seed (`{seed}-{index}`), so the bytes do not
depend on the number of worker processes (--jobs, default: all cores).

`rubric` writes an evidence-only rubric with the five criteria and fifteen indicators of
gen_corpus.py's RUBRIC, holding the first P phrases of one fixed master list: the 30-phrase
rubric's phrases are a subset of the 300's, which are a subset of the 3000's, so one corpus
serves all three. The corpus uses the phrases of the 300 list at realistic frequencies and,
now and then, one from beyond it (which only the 3000-phrase rubric finds).

Standard library only; the same arguments give the same bytes.
"""
import argparse
import os
import random
import sys
import unicodedata
from multiprocessing import Pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_corpus import CITIES, ENDS, FILLER, NONASCII, RUBRIC, sentence, toml_str  # noqa: E402

PER_DIR = 500          # documents per sub-directory
CORPUS_PHRASES = 300   # the corpus is written for the first 300 phrases of the master list
BEYOND_RATE = 0.04     # share of phrase sentences that use a phrase from beyond the 300

# ------------------------------------------------------------------ the master phrase list
# (criterion, indicator) slots in gen_corpus.RUBRIC order: 15 indicators.
SLOTS = [(ci, ii) for ci, (_c, _w, _b, inds) in enumerate(RUBRIC) for ii in range(len(inds))]

# More hand-written phrases per indicator (same order as SLOTS), after gen_corpus's own.
EXTRA = [
    # individualized_intervention
    ["personal mentor*", "individual case plan*", "tailor-made support", "one-to-one counselling",
     "индивидуальная работа", "жеке жұмыс"],
    ["theologian*", "family counsel*", "multi-disciplinary team", "peer support worker*",
     "психолог*", "social work*"],
    ["re-socialization", "exit counsel*", "aftercare", "vocational retraining",
     "ресоциализация", "оңалту"],
    ["mass event*", "awareness lectures for all", "blanket ban*", "mandatory lectures",
     "массовые мероприятия"],
    # spending_transparency
    ["published accounts", "external audit*", "financial report*", "budget line*",
     "бюджет*", "ашықтық"],
    ["performance indicator*", "baseline survey*", "impact evaluation*", "cost per participant",
     "эффективность"],
    ["ghost beneficiar*", "inflated invoice*", "diverted funds", "conflict of interest",
     "хищение"],
    # legal_clarity
    ["statutory definition*", "clearly defined offence*", "narrowly defined", "legal test*",
     "правовая определённость"],
    ["right of appeal", "independent court*", "due process", "legal aid", "сот бақылауы"],
    ["broad wording", "catch-all provision*", "undefined term*", "administrative discretion",
     "деструктивн*"],
    # public_communication
    ["information campaign*", "call centre", "press release*", "radio programme*",
     "ақпараттық-түсіндіру", "разъяснительн*"],
    ["round table*", "focus group*", "public hearing*", "community meeting*", "қоғамдық кеңес*"],
    # regional_cooperation
    ["joint training", "bilateral agreement*", "shared database", "SCO RATS", "CSTO",
     "тажик*"],
    ["tajik*", "turkmen*", "kazakh-uzbek", "Fergana valley", "Қырғыз*"],
    ["donor-funded only", "imported model*", "externally designed", "foreign consultant*"],
]

# Vocabulary for generated phrases (no negation cue, post-cue or terminator among them).
GEN_ADJ = [
    "community", "youth", "regional", "local", "national", "independent", "judicial",
    "municipal", "school-based", "family", "religious", "digital", "online", "women's",
    "cross-sector", "evidence-based", "long-term", "early", "targeted", "voluntary",
    "vocational", "psychosocial", "peer", "civic", "interfaith", "district", "rural", "urban",
    "prison", "probation", "multi-agency", "parliamentary", "quarterly", "annual", "public",
    "confidential", "sports-based", "media", "cultural", "university", "village", "oblast",
    "returnee", "mosque", "teacher", "parental", "grassroots", "post-release", "anonymous",
    "cross-border",
]
GEN_NOUN = [
    "mentoring", "outreach", "dialogue", "oversight", "auditing", "reporting", "counselling",
    "partnership*", "monitoring", "referral*", "helpline*", "campaign*", "network*", "forum*",
    "risk assessment*", "review board*", "safeguard*", "grant*", "tender*", "council*",
    "workshop*", "coordination", "resilience", "literacy", "debate*", "complaint*",
    "ombudsperson", "inspection*", "scrutiny", "sponsorship", "rehabilitation centre*",
    "case conference*", "exit interview*", "volunteer*", "feedback", "data sharing",
    "curriculum", "small grants", "livelihood support", "follow-up",
]
GEN_NONASCII = [
    ("молодёжн", ["ая политика", "ые центры", "ый форум", "ое наставничество"]),
    ("общественн", ["ый контроль", "ые слушания", "ый совет", "ая экспертиза"]),
    ("регионально", ["е сотрудничество", "е партнёрство"]),
    ("жастар", [" саясаты", " орталығы", " форумы", " кеңесі"]),
    ("діни", [" сауаттылық", " ағарту", " оңалту"]),
    ("аймақтық", [" ынтымақтастық", " серіктестік"]),
    ("Éducation", [" civique", " populaire"]),
    ("Zoë's", [" helpline", " mentoring circle"]),
]


def norm_key(p):
    """A phrase as polscore compares it (approximately): NFKC, lower case, quotes folded,
    separators collapsed, without a trailing `*`."""
    s = unicodedata.normalize("NFKC", p.rstrip("*")).lower().replace("\u00ad", "")
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    for d in "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212":
        s = s.replace(d, " ")
    return " ".join(s.split())


def master_list():
    """[(slot index, phrase)]: gen_corpus's phrases interleaved by indicator (so the first 30
    give every indicator two), then the EXTRA ones interleaved, then generated phrases in a
    seeded order, spread round-robin over the indicators. About 3,500 distinct phrases."""
    out, seen = [], set()

    def add(slot, p):
        k = norm_key(p)
        if k not in seen:
            seen.add(k)
            out.append((slot, p))

    for lists in ([inds[ii][3] for _c, _w, _b, inds in RUBRIC for ii in range(len(inds))],
                  EXTRA):
        depth = max(len(x) for x in lists)
        for r in range(depth):
            for s, lst in enumerate(lists):
                if r < len(lst):
                    add(s, lst[r])
    gen = [f"{a} {n}" for a in GEN_ADJ for n in GEN_NOUN]
    gen += [f"{a} {b} {n}" for a, b in zip(GEN_ADJ, GEN_ADJ[7:] + GEN_ADJ[:7])
            for n in GEN_NOUN[::3]]
    gen += [f"{a} {b} {n}" for a, b in zip(GEN_ADJ, GEN_ADJ[19:] + GEN_ADJ[:19])
            for n in GEN_NOUN[1::3]]
    gen += [stem + end for stem, ends in GEN_NONASCII for end in ends]
    gen += [f"{w}*" for w in ("counter-narrative", "deradicali", "disengage", "prevent",
                              "safeguard", "resilien", "empower", "mediat", "reconcil")]
    rng = random.Random("gen_bench-phrases")
    rng.shuffle(gen)
    k = 0
    for p in gen:
        before = len(out)
        add(k % len(SLOTS), p)
        k += len(out) - before
    return out


MASTER = master_list()


def rubric_phrases(n):
    """phrases[slot] = the phrases of the first n of the master list that go to that slot."""
    if n > len(MASTER):
        sys.exit(f"gen_bench.py: at most {len(MASTER)} phrases")
    per = [[] for _ in SLOTS]
    for slot, p in MASTER[:n]:
        per[slot].append(p)
    return per


def write_rubric(path, n, phrase_list=None):
    per = rubric_phrases(n)
    if any(not p for p in per):
        sys.exit("gen_bench.py: --phrases must be at least 30 (two per indicator)")
    L = [f'# Generated by bench/gen_bench.py rubric --phrases {n}: the first {n} phrases of the',
         '# master list, so smaller rubrics are subsets of larger ones.',
         '[rubric]', f'id = "bench-{n}"', 'version = "0.1.0"',
         f'title = "Benchmark rubric, {n} phrases"', 'aggregation = "weighted_mean"',
         'missing = "exclude"', 'min_coverage = 50', '',
         '[rubric.scale]', 'min = 0', 'max = 4',
         'labels = ["Absent", "Weak", "Partial", "Good", "Exemplary"]', '']
    for label, mn in (("Strong", 75), ("Adequate", 50), ("Weak", 25), ("Very weak", 0)):
        L += ['[[bands]]', f'label = "{label}"', f'min = {mn}', '']
    s = 0
    for cid, weight, base, inds in RUBRIC:
        L += ['[[criteria]]', f'id = "{cid}"', f'name = "{cid.replace("_", " ").capitalize()}"',
              f'weight = {weight if isinstance(weight, float) else toml_str(weight)}',
              'method = "evidence"', f'base = {base}', '']
        for iid, pts, mm, _phrases in inds:
            L += ['[[criteria.indicators]]', f'id = "{iid}"', 'phrases = [']
            L += [f'  {toml_str(p)},' for p in per[s]]
            L += [']', f'points = {pts}', f'min_matches = {mm}', '']
            s += 1
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(L))
    if phrase_list:
        # For `rg -F -w -i -f`: fixed strings cannot express a stem, so a `*` phrase is
        # searched as its literal prefix (with -w, only as a whole word), and a hyphenated
        # phrase only as written. ripgrep therefore does somewhat less work than polscore.
        with open(phrase_list, "w", encoding="utf-8", newline="\n") as fh:
            for _slot, p in MASTER[:n]:
                fh.write(p.rstrip("*") + "\n")


# ------------------------------------------------------------------ policy prose
SUBJECTS = [
    "The ministry", "The regional akimat", "The agency for religious affairs", "The working group",
    "Local police", "The youth policy department", "A network of NGOs", "The city administration",
    "The national coordinator", "Two universities", "The prosecutor's office", "Programme staff",
    "The donor consortium", "School directors", "The interdepartmental commission",
    "Volunteers from the district", "The evaluation team", "Religious leaders",
    "Министерство", "Әкімдік", "Jean-Paul Éluard", "The Ombudsman’s office",
]
VERBS = [
    "organised", "reviewed", "financed", "expanded", "piloted", "coordinated", "documented",
    "assessed", "supported", "launched", "extended", "presented", "revised", "planned",
    "approved", "monitored", "hosted", "commissioned", "adapted", "completed",
]
OBJECTS = [
    "a series of seminars for imams", "the annual work plan", "training for district officials",
    "a survey of 1,200 households", "the new regulations on religious education",
    "sports and cultural events", "a database of participants", "an information portal",
    "employment schemes for young adults", "a report to parliament", "twelve pilot sites",
    "the curriculum for secondary schools", "a memorandum with local businesses",
    "the budget for the second phase", "summer camps for teenagers", "the referral guidelines",
    "a handbook for teachers", "grants to community organisations", "visits to rural schools",
    "the terms of reference", "a mid-term review", "courses in digital skills",
    "the quarterly progress reports", "a meeting with parents’ committees",
]
PLACES = CITIES + [
    "Kostanay", "Pavlodar", "Semey", "Kyzylorda", "Turkestan", "Mangystau", "Zhanaozen",
    "Түркістан", "Қызылорда", "Ақтөбе", "Öskemen", "the capital", "rural districts",
    "border areas", "the southern regions", "three oblasts",
]
TAILS = [
    "", "", "", " with support from international partners", " after a long delay",
    " within the agreed budget", " as required by the state programme",
    " in cooperation with local NGOs", " despite limited staff", " for the first time",
    " under the 2017–2020 plan", " at the request of the akim", " with help from {na}",
]
LOWER_AFTER_LEAD = {"The", "A", "Two", "Local", "Programme", "School", "Volunteers", "Religious"}
LINKERS = ["In {year}, ", "During {year}, ", "By the end of {year}, ", "Since {year}, ",
           "According to officials, ", "In addition, ", "Meanwhile, ", "At the same time, ",
           "As a result, ", "Later, ", "", "", "", "", ""]


def prose(rng):
    """One sentence of ordinary policy prose (no rubric phrase on purpose)."""
    r = rng.random()
    if r < 0.25:
        s = rng.choice(FILLER)
        if rng.random() < 0.15:
            s += " with " + rng.choice(NONASCII)
        return s + rng.choice(ENDS)
    lead = rng.choice(LINKERS).format(year=rng.randint(2005, 2023))
    subj = rng.choice(SUBJECTS)
    if lead and subj.split()[0] in LOWER_AFTER_LEAD:
        subj = subj[:1].lower() + subj[1:]
    s = (f"{lead}{subj} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in {rng.choice(PLACES)}"
         + rng.choice(TAILS).format(na=rng.choice(NONASCII)))
    if rng.random() < 0.08:
        s += f", {rng.choice(NONASCII)} said"
    return s + rng.choice([".", ".", ".", ".", ".", ";", "!", "?"])


def wrap(text, width=90):
    lines, cur, n = [], [], 0
    for w in text.split(" "):
        if cur and n + 1 + len(w) > width:
            lines.append(" ".join(cur))
            cur, n = [w], len(w)
        else:
            n += len(w) + (1 if cur else 0)
            cur.append(w)
    lines.append(" ".join(cur))
    return "\n".join(lines)


TITLES = ["Community mentoring pilot", "Ämir youth centre", "Ерлан regional dialogue",
          "Prevention plan, phase 2", "School resilience programme", "Exit and reintegration",
          "Public awareness campaign", "Cross-border cooperation initiative",
          "Жастар саясаты бағдарламасы", "Программа профилактики", "Family support scheme",
          "Religious literacy project"]
SLUGS = ["prog", "programme", "plan", "Économie", "Ämir", "Программа", "Бағдарлама",
         "plan (v2)", "strategy", "project"]

# phrases per slot: the corpus's own (first 300) and those beyond
_IN = [[] for _ in SLOTS]
_OUT = [[] for _ in SLOTS]
for _k, (_s, _p) in enumerate(MASTER):
    (_IN if _k < CORPUS_PHRASES else _OUT)[_s].append(_p)


def document(seed, idx):
    rng = random.Random(f"{seed}-{idx}")
    neg_rate = rng.choice([0.1, 0.2, 0.3])
    phrase_rate = rng.choice([0.15, 0.25, 0.35])
    # which indicators this programme talks about, and the few phrases it uses for each
    present = []
    for ci, (_c, _w, _b, inds) in enumerate(RUBRIC):
        if rng.random() < 0.75:
            for ii in range(len(inds)):
                s = SLOTS.index((ci, ii))
                if rng.random() < 0.55:
                    pool = _IN[s]
                    present.append((rng.sample(pool, min(len(pool), rng.randint(2, 6))), s))
    target = rng.randint(16000, 23000)
    paras, size = [], 0
    while size < target:
        para = []
        for _ in range(rng.randint(3, 9)):
            r = rng.random()
            if r < phrase_rate and present:
                phrases, s = rng.choice(present)
                if rng.random() < BEYOND_RATE:
                    phrases = [rng.choice(_OUT[s])]
                para.append(sentence(rng, phrases, neg_rate))
            else:
                para.append(prose(rng))
        paras.append(wrap(" ".join(para)))
        size += len(paras[-1].encode("utf-8")) + 2
    title = f"{rng.choice(TITLES)} {idx}"
    body = "# " + title + "\n\n" + "\n\n".join(paras) + "\n"
    if rng.random() < 0.03:
        body = body.replace("\n", "\r\n")
    return f"{idx:06d}-{rng.choice(SLUGS)}.md", body


def _write_range(job):
    seed, out, chunk, n, lo, hi = job
    total = 0
    for i in range(lo, hi):
        fname, body = document(seed, chunk * n + i)
        path = os.path.join(out, f"c{chunk}-{i // PER_DIR:03d}", fname)
        data = body.encode("utf-8")
        with open(path, "wb") as fh:
            fh.write(data)
        total += len(data)
    return total


def write_corpus(seed, chunk, n, out, jobs):
    for j in range((n + PER_DIR - 1) // PER_DIR):
        os.makedirs(os.path.join(out, f"c{chunk}-{j:03d}"), exist_ok=True)
    step = 100
    work = [(seed, out, chunk, n, lo, min(n, lo + step)) for lo in range(0, n, step)]
    if jobs > 1 and len(work) > 1:
        with Pool(jobs) as pool:
            sizes = pool.map(_write_range, work, chunksize=1)
    else:
        sizes = [_write_range(w) for w in work]
    return sum(sizes)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("corpus", help="write N programme descriptions")
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--chunk", type=int, default=0)
    c.add_argument("--docs", type=int, default=10000)
    c.add_argument("--out", required=True)
    c.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    r = sub.add_parser("rubric", help="write a rubric with the first P master phrases")
    r.add_argument("--phrases", type=int, default=300)
    r.add_argument("--out", required=True)
    r.add_argument("--phrase-list", help="also write the phrases, one a line, `*` removed")
    a = ap.parse_args()
    if a.cmd == "corpus":
        total = write_corpus(a.seed, a.chunk, a.docs, a.out, max(1, a.jobs))
        print(f"chunk {a.chunk}: {a.docs} documents, {total / 1e6:.1f} MB in {a.out}",
              file=sys.stderr)
    else:
        write_rubric(a.out, a.phrases, a.phrase_list)


if __name__ == "__main__":
    main()
