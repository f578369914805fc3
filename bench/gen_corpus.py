#!/usr/bin/env python3
"""Deterministic generator of P/CVE programme descriptions for differential testing.

    python3 bench/gen_corpus.py --seed 1 --docs 200 --out DIR [--rubric OUT.toml]

Writes DIR/*.md (a `# Title` first line, then policy prose of about 2-20 KB) containing
phrases of the generated rubric at realistic frequencies, with negations (cues before and
after), pseudo-negations, terminators, assorted sentence ends, blank lines, non-ASCII words,
hyphen and dash variants, curly quotes, soft hyphens and a few CRLF files. With --rubric,
also writes the evidence-only rubric (5 criteria, ~60 phrases) whose phrases are used.
Standard library only; the same seed gives the same bytes.
"""
import argparse
import os
import random

# criterion id -> (weight, base, [(indicator id, points, min_matches, [phrases])])
RUBRIC = [
    ("individualized_intervention", "0.3", 0, [
        ("one_on_one", 2, 1, ["one-on-one", "individual mentoring", "mentor*", "tailor*",
                               "case manage*"]),
        ("team", 1, 1, ["psychologist*", "social workers", "multi-agency team",
                        "former extremists", "psychologist support"]),
        ("reintegration", 1, 1, ["reintegration", "exit programme*", "реинтеграция",
                                 "rehabilitat*"]),
        ("mass_measures", -1, 1, ["mass lectures", "one-size-fits-all", "blanket measures",
                                  "collective punishment"]),
    ]),
    ("spending_transparency", "0.2", 1, [
        ("audit", 1, 1, ["independent audit*", "budget transparency", "open budget",
                         "public procurement"]),
        ("results", 1, 2, ["cost-effective*", "value for money", "results-based",
                           "monitoring and evaluation"]),
        ("misuse", -2, 1, ["misuse*", "embezzle*", "kickback*", "шығын"]),
    ]),
    ("legal_clarity", 0.2, 2, [
        ("definitions", 1, 1, ["clear legal definition*", "precise definition*",
                               "legal certainty"]),
        ("oversight", 1, 1, ["judicial oversight", "appeal*", "ombudsman", "proportional*"]),
        ("vague", -2, 1, ["destructive religious movements", "vague terms", "экстремизм*",
                          "case-by-case"]),
    ]),
    ("public_communication", "0.15", 0, [
        ("awareness", 2, 1, ["public awareness", "hotline", "press briefing*",
                             "social media", "ақпарат*", "e-mail"]),
        ("dialogue", 1, 1, ["town hall*", "women’s groups", "civil society",
                            "people's councils"]),
    ]),
    ("regional_cooperation", "0.15", 0, [
        ("cooperation", 2, 1, ["regional cooperation", "cross-border", "joint exercise*",
                               "information sharing", "ämir foundation"]),
        ("neighbours", 1, 1, ["central asia", "afghanistan", "uzbek*", "kyrgyz*",
                              "ерлан"]),
        ("outside_only", -1, 1, ["only with outside powers", "donor-driven"]),
    ]),
]


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_rubric(path):
    L = ['[rubric]', 'id = "gen"', 'version = "0.1.0"',
         'title = "Generated evidence-only rubric"', 'aggregation = "weighted_mean"',
         'missing = "exclude"', 'min_coverage = 50', '',
         '[rubric.scale]', 'min = 0', 'max = 4',
         'labels = ["Absent", "Weak", "Partial", "Good", "Exemplary"]', '']
    for label, mn in (("Strong", 75), ("Adequate", 50), ("Weak", 25), ("Very weak", 0)):
        L += ['[[bands]]', f'label = "{label}"', f'min = {mn}', '']
    for cid, weight, base, inds in RUBRIC:
        L += ['[[criteria]]', f'id = "{cid}"', f'name = "{cid.replace("_", " ").capitalize()}"',
              f'weight = {weight if isinstance(weight, float) else toml_str(weight)}',
              'descriptors = ["0", "1", "2", "3", "4"]', 'method = "evidence"',
              f'base = {base}', '']
        for iid, pts, mm, phrases in inds:
            L += ['[[criteria.indicators]]', f'id = "{iid}"',
                  'phrases = [' + ", ".join(toml_str(p) for p in phrases) + ']',
                  f'points = {pts}', f'min_matches = {mm}', '']
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(L))


NONASCII = ["жастар", "білім", "Алматы", "Шымкент", "Ерлан", "Ämir", "Öskemen", "Türkistan",
            "Қазақстан", "молодёжь", "профилактика", "Айгүл", "José", "Zoë"]
FILLER = [
    "The ministry coordinated the work with regional akimats",
    "Local imams and teachers took part in the sessions",
    "Funding came from the national budget and two donors",
    "The programme ran in five oblasts over three years",
    "Evaluators interviewed staff and participants in 2019",
    "Reports were published on the agency website",
    "Participants were aged between 16 and 30",
    "The steering committee met twice a year",
    "Staff turnover remained high in rural districts",
    "The action plan listed forty-two separate measures",
    "Several activities were delayed by the pandemic",
    "Schools in the region hosted open days for parents",
]
CITIES = ["Almaty", "Shymkent", "Aktobe", "Atyrau", "Taraz", "Oral", "Karaganda", "Нур-Султан"]
ENDS = [".", ".", ".", ".", "!", "?", ";", "…", "."]


def hyphen_variant(rng, phrase):
    """Write a phrase as text would: case, hyphen/dash variants, soft hyphens, NFD."""
    p = phrase.rstrip("*")
    if phrase.endswith("*"):
        p += rng.choice(["", "s", "ing", "ed", "ation", "ion", "al", "ly", "ness", "е"])
    r = rng.random()
    if "-" in p or " " in p:
        seps = ["-", " ", "\u2013", " - ", "\u2010", "\u00a0", "\n", " \u2014 ", "-"]
        sep = rng.choice(seps)
        p = p.replace("-", "\x00").replace(" ", "\x00").replace("\x00", sep)
    if r < 0.15:
        p = p[:1].upper() + p[1:]
    elif r < 0.2:
        p = p.upper()
    elif r < 0.23 and len(p) > 6 and p.isascii():
        k = len(p) // 2
        if p[k - 1].isalpha() and p[k].isalpha():
            p = p[:k] + "\u00ad" + p[k:]
    if "ämir" in p.lower() and rng.random() < 0.5:
        p = p.replace("ä", "a\u0308").replace("Ä", "A\u0308")
    if "'" in p and rng.random() < 0.5:
        p = p.replace("'", "\u2019")
    return p


def sentence(rng, phrases, neg_rate):
    P = hyphen_variant(rng, rng.choice(phrases)) if phrases else "coordination"
    city = rng.choice(CITIES)
    na = rng.choice(NONASCII)
    kind = rng.random()
    if kind > neg_rate:
        forms = [
            f"The programme offers {P} to young people in {city}",
            f"In {city}, {P} was delivered by trained staff",
            f"{P} is central to the plan, according to {na}",
            f"Partners in {city} described {P} as useful",
            f"Our review found {P} in most districts",
            f"Not only {P} was funded, but also sport",
            f"The plan includes not just {P} and training",
            f"No doubt {P} helped the families in {city}",
            f"Quoted as “{P}” in the ministry’s report",
            f"Staff called it ‘{P}’ in interviews",
            f"{na} said the work, e.g. {P}, helped",
            f"There was never enough money, but {P} continued",
            f"Without funding from donors the team still relied on {P} in {city}",
            # a list item or a heading ends the sentence before it (SPEC §5)
            f"There was no budget\n- {P} started anyway",
            f"No funding was found\n  2) {P} in {city}",
            f"# No funding\n{P} was offered later",
            f"{P} in {city}\n## Not available",
        ]
    else:
        forms = [
            f"There was no {P} in {city}",
            f"Officials worked without {P} for two years",
            f"The evaluation noted a lack of {P} in rural areas",
            f"No funding for any real {P} was found",
            f"No funding at all for any real {P} was found",
            f"The ministry did not provide {P} to returnees",
            f"{P} for young men was absent",
            f"{P} for young men in the city was absent",
            f"{P} was not part of the design",
            f"{P} in the villages was missing",
            f"{P} in {city} was discontinued",
            f"Funds were lacking; {P} went ahead anyway",
            f"There was no plan, however {P} was offered",
            f"There was no budget. {P} started anyway",
            f"The ministry said “no.” {P} was offered later",
            f"None of the partners opposed {P}",
            f"The agency doesn’t fund {P} in {city}",
            f"{P} wasn’t available to women",
            f"The absence of {P} was noted by {na}",
            f"Although there was no {P} in {city}, {P} reached the capital",
            f"The plan failed to mention {P} at all",
            f"Nobody mentioned {P} although it was missing",
            # a line break alone does not end a sentence
            f"There was no\n{P} in {city}",
            f"- There was no {P} in {city}",
        ]
    s = rng.choice(forms)
    s = s[:1].upper() + s[1:] if s[:1].islower() else s
    return s + rng.choice(ENDS)


def document(rng, idx, sentences=0):
    neg_rate = rng.choice([0.1, 0.25, 0.4]) if not sentences else 0.5
    # which criteria this programme talks about
    present = {}
    for cid, _w, _b, inds in RUBRIC:
        if rng.random() < 0.7:
            ind_ids = [i for i in range(len(inds)) if rng.random() < 0.6] or [0]
            present[cid] = [p for i in ind_ids for p in inds[i][3]]
    target = rng.randint(2000, 20000)
    paras = []
    size = 0
    if sentences:  # small probe documents: a few phrase sentences only
        paras.append(" ".join(sentence(rng, present[rng.choice(sorted(present))] if present
                                       else [], neg_rate) for _ in range(sentences)))
        target = 0
    while size < target:
        para = []
        for _ in range(rng.randint(2, 8)):
            r = rng.random()
            if r < 0.35 and present:
                cid = rng.choice(sorted(present))
                s = sentence(rng, present[cid], neg_rate)
            elif r < 0.45:
                s = sentence(rng, [], neg_rate)
            else:
                s = rng.choice(FILLER)
                if rng.random() < 0.15:
                    s += " with " + rng.choice(NONASCII)
                s += rng.choice(ENDS)
            para.append(s)
        if rng.random() < 0.2:
            # a list: one sentence per item (SPEC §5: a sentence starts at each item)
            marks = rng.choice([["- "], ["* "], ["+ "], ["\u2022 "], ["1. ", "2. ", "3. "], ["  1) ", "  2) "]])
            # logframe style: items without end punctuation, so the marker alone ends a sentence
            items = [marks[k % len(marks)] + s.rstrip(".!?; ") for k, s in enumerate(para)]
            if rng.random() < 0.5:
                # a heading glued to the list, without a blank line
                items.insert(0, rng.choice(["## ", "### ", "#\t"]) + rng.choice(FILLER))
            paras.append("\n".join(items))
            size += len(paras[-1].encode("utf-8"))
            continue
        text = " ".join(para)
        # wrap at ~90 columns
        lines, cur = [], ""
        for w in text.split(" "):
            if cur and len(cur) + 1 + len(w) > 90:
                lines.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}" if cur else w
        lines.append(cur)
        paras.append("\n".join(lines))
        size += len(paras[-1].encode("utf-8"))
    title_words = rng.choice([
        "Community mentoring pilot", "Ämir youth centre", "Ерлан regional dialogue",
        "Prevention plan, phase 2", "School resilience programme", "Exit and reintegration",
        "Public awareness campaign", "Cross-border cooperation initiative"])
    title = f"{title_words} {idx}"
    hashes = rng.choice(["# ", "# ", "## ", "#  ", "#\t"])
    head = hashes + title + rng.choice(["", "  ", "\t"])
    lead = "\n" if rng.random() < 0.05 else ""
    sep = "\n\n" if rng.random() < 0.8 else "\n \n"
    body = lead + head + "\n\n" + sep.join(paras) + "\n"
    if rng.random() < 0.1:
        body = body.replace("\n", "\r\n")
    slug = rng.choice(["prog", "Programme", "Économie", "Ämir", "Программа", "plan (v2)"])
    fname = f"{idx:04d}-{slug}.md"
    return fname, body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--out", required=False)
    ap.add_argument("--rubric")
    ap.add_argument("--sentences", type=int, default=0,
                    help="probe mode: documents of only this many phrase sentences")
    a = ap.parse_args()
    if a.rubric:
        write_rubric(a.rubric)
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        rng = random.Random(a.seed)
        for i in range(a.docs):
            fname, body = document(rng, i, a.sentences)
            with open(os.path.join(a.out, fname), "w", encoding="utf-8", newline="") as fh:
                fh.write(body)


if __name__ == "__main__":
    main()
