#!/usr/bin/env python3
"""Independent reference implementation of part of the polscore spec (SPEC.md §4-§6).

Scope: plain-text programs (.md/.txt) scored with a rubric whose criteria all use
method = "evidence", aggregation = "weighted_mean", missing = "exclude".
Writes the wide CSV (SPEC §6) to stdout.

    python3 bench/reference.py RUBRIC.toml PATH...

Each PATH is a description file or a directory, read recursively; all files are scored in
sorted path order (component by component, as polscore sorts), a file named twice once.

Written from SPEC.md and README.md only (not from polscore's source). The rubric digest
is the one thing taken from polscore itself (`polscore check RUBRIC`).
"""
import decimal
import os
import pathlib
import re
import subprocess
import sys
import tomllib
import unicodedata
from decimal import Decimal, ROUND_HALF_UP

decimal.getcontext().prec = 60  # effectively exact for the sums here; round once at output

POLSCORE = os.environ.get("POLSCORE", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   "..", "target", "debug", "polscore"))

# ---------------------------------------------------------------- defaults (README table)
DEFAULT_NEG = {
    "window": 5,
    "post_window": 5,
    "cues": ["no", "not", "never", "without", "none", "neither", "nor", "cannot", "lack of",
             "lacks", "lacked", "absence of", "failed to", "fails to", "fail to", "rather than",
             "instead of", "no longer", "can't", "don't", "doesn't", "didn't", "isn't", "aren't",
             "wasn't", "weren't", "hasn't", "haven't", "hadn't", "won't"],
    "post_cues": ["absent", "lacking", "missing", "was not", "were not", "is not", "are not",
                  "has not", "have not", "had not", "was never", "were never", "wasn't",
                  "weren't", "isn't", "aren't", "hasn't", "haven't", "did not", "didn't",
                  "does not", "doesn't", "do not", "don't", "was abandoned", "were abandoned",
                  "was cancelled", "was canceled", "was discontinued", "were discontinued"],
    "pseudo": ["not only", "not just", "not merely", "not least", "not limited to", "no doubt",
               "without doubt", "no less than", "not to mention", "nothing but", "no matter"],
    "terminators": ["but", "however", "although", "though", "yet", "except", "whereas",
                    "nevertheless", "nonetheless"],
}

# Unicode White_Space property
WHITE = set("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | \
    {chr(c) for c in range(0x2000, 0x200B)}
DASHES = {"-", "\u2212"} | {chr(c) for c in range(0x2010, 0x2016)}
SEPCHARS = WHITE | DASHES
QUOTE_FOLD = {"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'",
              "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"'}
STOPS = set(".!?;")


def die(msg):
    print(f"reference.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


def is_mark(c):
    return unicodedata.category(c).startswith("M")


def is_wordbase(c):
    cat = unicodedata.category(c)
    return cat[0] in "LN" or c == "'"


def clusters(text):
    """Split into clusters: a character and the combining marks that follow it."""
    out = []
    for ch in text:
        if out and is_mark(ch) and not out[-1][0] in WHITE:
            out[-1] += ch
        else:
            out.append(ch)
    return out


def fold_char(c):
    if c in QUOTE_FOLD:
        return QUOTE_FOLD[c]
    if c == "\u00ad":
        return ""
    return c


def norm_cluster(cl):
    # fold quotes that NFKC would otherwise decompose (e.g. U+2033 -> two primes)
    cl = "".join(QUOTE_FOLD.get(c, c) for c in cl)
    n = unicodedata.normalize("NFKC", cl).lower()
    return "".join(fold_char(c) for c in n)


# tokens: ("W", word) | ("S",) | ("P", char) | ("B",) sentence boundary marker
def line_shape(line):
    """SPEC §5: blank, a Markdown heading (1-6 '#' then white space), a list item, or other."""
    t = line.lstrip("".join(WHITE))
    if t == "":
        return "blank"
    h = len(t) - len(t.lstrip("#"))
    if 1 <= h <= 6 and t[h:h + 1] != "" and t[h] in WHITE:
        return "heading"
    if t[0] in "-*+\u2022" and t[1:2] != "" and t[1] in WHITE:
        return "item"
    d = 0
    while d < len(t) and t[d] in "0123456789":
        d += 1
    if d > 0 and t[d:d + 1] in (".", ")") and t[d + 1:d + 2] != "" and t[d + 1] in WHITE:
        return "item"
    return "other"


def tokenize(text, with_boundaries):
    # normalised character stream with boundary markers
    shapes = [line_shape(l) for l in text.split("\n")]
    line_no = 0
    stream = []  # list of str chars or None for boundary
    # blank-line boundaries: detect on original lines (LF / CRLF)
    for cl in clusters(text):
        if cl == "\n":
            # the line just finished: blank when only white space (CR of CRLF included)
            # a sentence ends after a blank line or a heading, and before a heading or a
            # list item
            ends = shapes[line_no] in ("blank", "heading") or \
                (line_no + 1 < len(shapes) and shapes[line_no + 1] in ("heading", "item"))
            line_no += 1
            stream.append("\n")
            if ends and with_boundaries:
                stream.append(None)
            continue
        for c in norm_cluster(cl):
            stream.append(c)
    # handle case of text starting with a blank line: treat previous lines the same way
    tokens = []
    i = 0
    n = len(stream)
    while i < n:
        c = stream[i]
        if c is None:
            tokens.append(("B",))
            i += 1
            continue
        if c in SEPCHARS:
            j = i
            while j < n and stream[j] is not None and stream[j] in SEPCHARS:
                j += 1
            tokens.append(("S",))
            # a boundary marker inside a separator run: emit it after this separator
            i = j
            continue
        if is_wordbase(c):
            j = i
            buf = []
            while j < n and stream[j] is not None and (is_wordbase(stream[j]) or (is_mark(stream[j]) and buf)):
                buf.append(stream[j])
                j += 1
            tokens.append(("W", "".join(buf)))
            i = j
            continue
        tokens.append(("P", c))
        if with_boundaries and c in STOPS:
            nxt = stream[i + 1] if i + 1 < n else None
            if i + 1 >= n or (nxt is not None and nxt in WHITE):
                tokens.append(("B",))
        i += 1
    return tokens


def compile_phrase(p):
    star = p.endswith("*")
    if star:
        p = p[:-1]
    if "*" in p:
        die(f"phrase {p!r}: '*' is allowed only at the end")
    toks = tokenize(p, False)
    while toks and toks[0][0] == "S":
        toks.pop(0)
    while toks and toks[-1][0] == "S":
        toks.pop()
    if not any(t[0] == "W" for t in toks):
        die(f"phrase {p!r} has no word")
    if star and toks[-1][0] != "W":
        die(f"phrase {p!r}: '*' must follow a word")
    return (toks, star)


def phrase_index(phrases):
    """Phrases by their first token, so that matching does not try every phrase at every
    token: a one-word stem (`mentor*`) by its prefix, any other phrase by its first token.
    Only a shortcut: match_at still checks every token of a candidate."""
    exact, stems = {}, {}
    for ph in phrases:
        toks, star = ph
        if star and len(toks) == 1:
            stems.setdefault(toks[0][1], []).append(ph)
        else:
            exact.setdefault(toks[0], []).append(ph)
    return exact, stems


class Text:
    def __init__(self, text):
        raw = tokenize(text, True)
        self.toks = []   # tokens without boundary markers
        self.widx = []   # word index per token (index of the word at/after it)
        self.sent = []   # sentence id per token
        s = 0
        w = 0
        for t in raw:
            if t[0] == "B":
                s += 1
                continue
            self.toks.append(t)
            self.sent.append(s)
            self.widx.append(w)
            if t[0] == "W":
                w += 1
        self.word_sent = [self.sent[k] for k, t in enumerate(self.toks) if t[0] == "W"]

    def match_at(self, i, phrase):
        toks, star = phrase
        T = self.toks
        if i + len(toks) > len(T):
            return None
        last = len(toks) - 1
        for k, pt in enumerate(toks):
            tt = T[i + k]
            if tt[0] != pt[0]:
                return None
            if pt[0] == "W":
                if k == last and star:
                    if not tt[1].startswith(pt[1]):
                        return None
                elif tt[1] != pt[1]:
                    return None
            elif pt[0] == "P" and tt[1] != pt[1]:
                return None
        return i + len(toks)

    def span_words(self, a, b):
        """word indices (first, last) of tokens a..b-1"""
        ws = [self.widx[k] for k in range(a, b) if self.toks[k][0] == "W"]
        return ws[0], ws[-1]

    def candidates(self, i, index):
        """the phrases that may match at token i (match_at decides)"""
        exact, stems = index
        t = self.toks[i]
        found = exact.get(t, ())
        if t[0] == "W" and stems:
            w = t[1]
            for k in range(1, len(w) + 1):
                more = stems.get(w[:k])
                if more:
                    found = [*found, *more]
        return found

    def all_occ(self, index):
        """every occurrence of every phrase, as (first_word, last_word)"""
        out = []
        for i in range(len(self.toks)):
            for ph in self.candidates(i, index):
                e = self.match_at(i, ph)
                if e is not None:
                    out.append(self.span_words(i, e))
        return out

    def leftmost_longest(self, index):
        out = []
        i = 0
        n = len(self.toks)
        while i < n:
            best = None
            for ph in self.candidates(i, index):
                e = self.match_at(i, ph)
                if e is not None and (best is None or e > best):
                    best = e
            if best is not None:
                out.append(self.span_words(i, best))
                i = best
            else:
                i += 1
        return out


def negated(occ, text, neg):
    f, l = occ
    s = text.word_sent[f]
    pseudo = neg["pseudo_occ"]

    def in_pseudo(c):
        return any(pf <= c[0] and c[1] <= pl for pf, pl in pseudo)

    def term_between(a, b):  # a terminator strictly between word a and word b
        return any(a < tf and tl < b for tf, tl in neg["term_occ"])

    if neg["window"] > 0:
        for c in neg["cue_occ"]:
            if c[1] < f and f - c[1] <= neg["window"] and text.word_sent[c[0]] == s \
                    and not in_pseudo(c) and not term_between(c[1], f):
                return True
    if neg["post_window"] > 0:
        for c in neg["post_occ"]:
            if c[0] > l and c[0] - l <= neg["post_window"] and text.word_sent[c[1]] == s \
                    and text.word_sent[l] == s and not in_pseudo(c) and not term_between(l, c[0]):
                return True
    return False


def dec(v, what):
    if isinstance(v, bool):
        die(f"{what}: expected a number")
    if isinstance(v, float):
        return Decimal(repr(v))
    if isinstance(v, (int, str)):
        try:
            return Decimal(v)
        except decimal.InvalidOperation:
            die(f"{what}: not a decimal: {v!r}")
    die(f"{what}: expected a number")


def round2(d):
    return d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fmt2(d):
    q = round2(d)
    if q == 0:
        q = Decimal("0.00")
    return format(q, "f")


def load_rubric(path):
    with open(path, "rb") as fh:
        doc = tomllib.load(fh)
    r = doc.get("rubric", {})
    if r.get("aggregation", "weighted_mean") != "weighted_mean":
        die("only aggregation = \"weighted_mean\" is supported")
    if r.get("missing", "exclude") != "exclude":
        die("only missing = \"exclude\" is supported")
    scale = r.get("scale", {})
    smin, smax = int(scale.get("min", 0)), int(scale.get("max", 4))
    neg = dict(DEFAULT_NEG)
    neg.update(doc.get("negation", {}))
    crits = []
    for c in doc.get("criteria", []):
        method = c.get("method", "evidence" if "indicators" in c else
                       ("metric" if "formula" in c else "rating"))
        if method != "evidence":
            die(f"criterion {c.get('id')}: method {method!r} is not supported (evidence only)")
        inds = []
        for ind in c.get("indicators", []):
            inds.append({
                "id": ind["id"],
                "phrases": phrase_index([compile_phrase(p) for p in ind["phrases"]]),
                "points": int(ind.get("points", 1)),
                "min_matches": int(ind.get("min_matches", 1)),
            })
        crits.append({
            "id": c["id"],
            "weight": dec(c.get("weight", 1), f"criteria.{c['id']}.weight"),
            "base": int(c.get("base", smin)),
            "indicators": inds,
        })
    bands = sorted(((dec(b["min"], "bands.min"), b["label"]) for b in doc.get("bands", [])),
                   key=lambda x: x[0])
    digest = polscore_digest(path)
    return {
        "id": r.get("id", ""), "version": r.get("version", ""), "digest": digest,
        "min": smin, "max": smax, "crits": crits, "bands": bands,
        "min_coverage": dec(r.get("min_coverage", 50), "min_coverage"),
        "neg": {
            "window": int(neg["window"]), "post_window": int(neg["post_window"]),
            "cues": phrase_index([compile_phrase(p) for p in neg["cues"]]),
            "post_cues": phrase_index([compile_phrase(p) for p in neg["post_cues"]]),
            "pseudo": phrase_index([compile_phrase(p) for p in neg["pseudo"]]),
            "terminators": phrase_index([compile_phrase(p) for p in neg["terminators"]]),
        },
    }


def polscore_digest(path):
    try:
        p = subprocess.run([POLSCORE, "check", path], capture_output=True, text=True)
    except OSError as e:
        die(f"cannot run {POLSCORE}: {e}")
    m = re.search(r"sha256:[0-9a-f]{16}", p.stdout + p.stderr)
    if not m:
        die(f"`polscore check {path}` printed no digest:\n{p.stderr}")
    return m.group(0)


def program_id(path):
    stem = os.path.splitext(os.path.basename(path))[0]
    s = unicodedata.normalize("NFKD", stem.lower())
    s = "".join(c for c in s if not is_mark(c))
    s = re.sub(r"[^\w]+|_+", "-", s)  # \w includes '_' : treat it as non-alnum as well
    s = "".join(c if unicodedata.category(c)[0] in "LN" else "-" for c in s)
    s = re.sub(r"-+", "-", s).strip("-")
    return s


def program_name(text, pid):
    for line in text.split("\n"):
        if line.strip(" \t\r\n\x0b\x0c\x85\xa0\u2028\u2029\u3000") == "":
            continue
        name = "".join(line).lstrip()
        name = name.lstrip("#").lstrip().rstrip()
        return name if name else pid
    return pid


def score_program(text, rub):
    res = {}
    if text.strip() == "" or all(c in WHITE for c in text):
        for c in rub["crits"]:
            res[c["id"]] = None
        return res
    T = Text(text)
    neg = dict(rub["neg"])
    neg["cue_occ"] = T.all_occ(neg["cues"])
    neg["post_occ"] = T.all_occ(neg["post_cues"])
    neg["pseudo_occ"] = T.all_occ(neg["pseudo"])
    neg["term_occ"] = T.all_occ(neg["terminators"])
    for c in rub["crits"]:
        any_occ = False
        pts = 0
        for ind in c["indicators"]:
            occs = T.leftmost_longest(ind["phrases"])
            if occs:
                any_occ = True
            good = sum(1 for o in occs if not negated(o, T, neg))
            if good >= ind["min_matches"]:
                pts += ind["points"]
        if not any_occ:
            res[c["id"]] = None
        else:
            res[c["id"]] = max(rub["min"], min(rub["max"], c["base"] + pts))
    return res


def csv_cell(s, text=True):
    if text and s and s[0] in "=+-@\t\r":
        s = "'" + s
    if any(ch in s for ch in ',"\r\n'):
        s = '"' + s.replace('"', '""') + '"'
    return s


def description_files(paths):
    """Every .md/.txt below the paths, sorted like Rust's PathBuf (component by component),
    each file once."""
    files = []
    for arg in paths:
        if os.path.isdir(arg):
            found = [os.path.join(root, f) for root, _dirs, fs in os.walk(arg, followlinks=True)
                     for f in fs]
        elif os.path.exists(arg):
            found = [arg]
        else:
            die(f"cannot read {arg}")
        for f in found:
            ext = os.path.splitext(f)[1].lower()
            if ext in (".md", ".txt"):
                files.append(f)
            elif ext == ".toml":
                die(f"{f}: TOML programs are not supported by the reference")
    files.sort(key=lambda f: pathlib.PurePosixPath(f).parts)
    out, seen = [], set()
    for f in files:
        real = os.path.realpath(f)
        if real not in seen:
            seen.add(real)
            out.append(f)
    if not out:
        die("no descriptions found")
    return out


def main(argv):
    if len(argv) < 3:
        print("usage: reference.py RUBRIC.toml PATH...", file=sys.stderr)
        sys.exit(2)
    rub = load_rubric(argv[1])
    files = description_files(argv[2:])
    rows = []
    seen = {}
    span = Decimal(rub["max"] - rub["min"])
    for path in files:
        with open(path, "rb") as fh:
            raw = fh.read()
        text = raw.decode("utf-8")
        if text.startswith("\ufeff"):
            text = text[1:]
        pid = program_id(path)
        if pid in seen:
            die(f"programs {seen[pid]} and {path} have the same id {pid}")
        seen[pid] = path
        name = program_name(text, pid)
        levels = score_program(text, rub)
        wsum_all = sum((c["weight"] for c in rub["crits"]), Decimal(0))
        wsum = Decimal(0)
        wssum = Decimal(0)
        scores = {}
        for c in rub["crits"]:
            lv = levels[c["id"]]
            if lv is None:
                continue
            s = Decimal(lv - rub["min"]) * 100 / span
            scores[c["id"]] = s
            wsum += c["weight"]
            wssum += c["weight"] * s
        coverage = wsum * 100 / wsum_all if wsum_all > 0 else Decimal(0)
        if wsum == 0:
            status = "insufficient"
        elif coverage == 100:
            status = "ok"
        elif round2(coverage) >= rub["min_coverage"]:
            status = "partial"
        else:
            status = "insufficient"
        total = round2(wssum / wsum) if status != "insufficient" else None
        band = ""
        if total is not None:
            for bmin, label in rub["bands"]:
                if bmin <= total:
                    band = label
        rows.append({"id": pid, "name": name, "total": total, "band": band,
                     "coverage": coverage, "status": status, "levels": levels, "scores": scores})
    ranked = [r for r in rows if r["total"] is not None]
    ranked.sort(key=lambda r: (-r["total"], r["id"]))
    for k, r in enumerate(ranked):
        if k > 0 and ranked[k - 1]["total"] == r["total"]:
            r["rank"] = ranked[k - 1]["rank"]
        else:
            r["rank"] = k + 1
    rest = sorted((r for r in rows if r["total"] is None), key=lambda r: r["id"])
    header = ["rank", "program_id", "program_name", "country", "period", "total", "band",
              "coverage", "status"]
    for c in rub["crits"]:
        header += [f"{c['id']}_level", f"{c['id']}_score"]
    header += ["rubric_id", "rubric_version", "rubric_digest"]
    out = [",".join(header)]
    for r in ranked + rest:
        cells = [str(r["rank"]) if r["total"] is not None else "", csv_cell(r["id"]),
                 csv_cell(r["name"]), "", "",
                 fmt2(r["total"]) if r["total"] is not None else "",
                 csv_cell(r["band"]), fmt2(r["coverage"]), r["status"]]
        for c in rub["crits"]:
            lv = r["levels"][c["id"]]
            if lv is None:
                cells += ["", ""]
            else:
                cells += [str(lv), fmt2(r["scores"][c["id"]])]
        cells += [csv_cell(rub["id"]), csv_cell(rub["version"]), rub["digest"]]
        out.append(",".join(cells))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv)
