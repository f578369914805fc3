#!/usr/bin/env python3
"""Corpus-scale benchmark: polscore vs ripgrep vs the Python reference, in one run.

    python3 bench/bench.py --polscore BIN [--docs N] [--bench-dir DIR]

Normally run through scripts/bench, which builds polscore and installs ripgrep first.
Generates (or reuses) the corpus and rubrics with bench/gen_bench.py, measures, prints a
Markdown report and saves it to DIR/report.md. Times are the best (minimum) wall time of 3
runs; peak RSS is GNU time's %M for the polscore process. Exits 0
when a performance target is missed (this is a measurement), 1 when a correctness check
(byte identity of two scorecards) fails, 2 when a command fails.
"""
import argparse
import datetime
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "gen_bench.py")
REFERENCE = os.path.join(HERE, "reference.py")
SEED = 1
CHUNKS = 5          # chunk 0..4: 1x .. 5x
SUBSET = 200        # documents for the Python reference
RUNS = 3
GNU_TIME = "/usr/bin/time"
PHRASES = (30, 300, 3000)


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def fail(msg, code=2):
    log(f"error: {msg}")
    sys.exit(code)


# ------------------------------------------------------------------ running and timing
def run_once(cmd, stdout_path=os.devnull, ok_codes=(0,), env=None):
    """(wall seconds, peak RSS in KiB) of one run of cmd.

    Peak RSS is GNU time's %M. Not wait4() from here: a child forked from Python counts
    Python's own pages until it execs, so every small program would seem to use ~20 MB.
    """
    with open(stdout_path, "wb") as out, tempfile.TemporaryFile() as errf, \
            tempfile.NamedTemporaryFile("r") as rss:
        t0 = time.perf_counter()
        p = subprocess.run([GNU_TIME, "-f", "%M", "-o", rss.name] + cmd, stdout=out,
                           stderr=errf, env=env)
        wall = time.perf_counter() - t0
        code = p.returncode
        errf.seek(0)
        err = errf.read().decode("utf-8", "replace")
        lines = rss.read().split()
        maxrss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    if code not in ok_codes:
        fail(f"`{' '.join(cmd)}` exited with {code}:\n{err.strip()}")
    return wall, maxrss


def measure(name, cmd, nbytes, runs=RUNS, stdout_path=os.devnull, ok_codes=(0,), env=None):
    walls, rss = [], 0
    for _ in range(runs):
        w, r = run_once(cmd, stdout_path, ok_codes, env)
        walls.append(w)
        rss = max(rss, r)
    best = min(walls)
    m = {"name": name, "s": best, "mbps": nbytes / 1e6 / best, "rss_mb": rss / 1024,
         "mb": nbytes / 1e6}
    log(f"{name}: {best:.3f} s (of {', '.join(f'{w:.3f}' for w in walls)}), "
        f"{m['mbps']:.1f} MB/s, peak RSS {m['rss_mb']:.1f} MB")
    return m


def same_bytes(a, b, what, problems):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        same = fa.read() == fb.read()
    log(f"check {what}: {'identical' if same else 'DIFFERENT'}")
    if not same:
        problems.append(f"{what}: {a} and {b} differ")
    return same


# ------------------------------------------------------------------ corpus
def generator_hash(n):
    h = hashlib.sha256()
    for f in ("gen_bench.py", "gen_corpus.py"):
        with open(os.path.join(HERE, f), "rb") as fh:
            h.update(fh.read())
    h.update(f"seed={SEED} docs={n}".encode())
    return h.hexdigest()


def corpus_bytes(path):
    total = files = 0
    for root, _dirs, fs in os.walk(path):
        for f in fs:
            if f.endswith(".md"):
                total += os.path.getsize(os.path.join(root, f))
                files += 1
    return total, files


def prepare(bench, n):
    """chunk0..4 (each N docs), the rubrics, phrases.txt and the Python subset; cached."""
    base = os.path.join(bench, f"docs{n}")
    os.makedirs(base, exist_ok=True)
    digest = generator_hash(n)
    chunks = []
    for k in range(CHUNKS):
        d = os.path.join(base, f"chunk{k}")
        stamp = d + ".stamp"
        if os.path.exists(stamp) and open(stamp).read().strip() == f"complete {digest}":
            log(f"chunk {k}: cached in {d}")
        else:
            shutil.rmtree(d, ignore_errors=True)
            if os.path.exists(stamp):
                os.remove(stamp)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, GEN, "corpus", "--seed", str(SEED), "--chunk", str(k),
                            "--docs", str(n), "--out", d], check=True)
            log(f"chunk {k}: generated in {time.perf_counter() - t0:.1f} s")
            with open(stamp, "w") as fh:
                fh.write(f"complete {digest}\n")
        chunks.append(d)
    rubrics = {}
    for p in PHRASES:
        r = os.path.join(base, f"rubric-{p}.toml")
        cmd = [sys.executable, GEN, "rubric", "--phrases", str(p), "--out", r]
        if p == 300:
            cmd += ["--phrase-list", os.path.join(base, "phrases.txt")]
        subprocess.run(cmd, check=True)
        rubrics[p] = r
    # the Python reference's subset: the first SUBSET documents of chunk 0
    sub = os.path.join(base, f"subset{SUBSET}")
    shutil.rmtree(sub, ignore_errors=True)
    os.makedirs(sub)
    first = os.path.join(chunks[0], "c0-000")
    for f in sorted(os.listdir(first))[:SUBSET]:
        shutil.copyfile(os.path.join(first, f), os.path.join(sub, f))
    return base, chunks, rubrics, os.path.join(base, "phrases.txt"), sub


# ------------------------------------------------------------------ report
def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return cpu


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        return out.splitlines()[0] if out else "?"
    except OSError:
        return "?"


def verdict(ok):
    return "PASS" if ok else "MISS"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--polscore", required=True)
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--bench-dir", default="target/bench")
    ap.add_argument("--rg", default="rg")
    a = ap.parse_args()
    if a.docs < SUBSET:
        fail(f"--docs must be at least {SUBSET}")
    ps = a.polscore
    bench = os.path.abspath(a.bench_dir)
    load = os.getloadavg()[0]  # before the corpus is generated: other work on the machine
    base, chunks, rubrics, phrases, sub = prepare(bench, a.docs)
    out = os.path.join(base, "out")
    os.makedirs(out, exist_ok=True)
    size = [corpus_bytes(c) for c in chunks]
    b1 = size[0][0]
    problems = []

    def score(threads, rubric, paths, dest, runs=RUNS, name=""):
        cmd = [ps, "score", "-q", "--rubric", rubric, *paths, "-o", dest]
        if threads:
            cmd[2:2] = ["--threads", str(threads)]
        nbytes = sum(corpus_bytes(p)[0] for p in paths)
        return measure(name, cmd, nbytes, runs)

    # a. ripgrep (exit 1 = no match anywhere: fine)
    rg = measure("ripgrep -j1", [a.rg, "-j1", "-i", "-w", "-F", "-c", "-f", phrases, chunks[0]],
                 b1, ok_codes=(0, 1))
    # b, c. polscore 1 and 2 threads, same scorecard
    out1, out2 = os.path.join(out, "out1.csv"), os.path.join(out, "out2.csv")
    t1 = score(1, rubrics[300], chunks[:1], out1, name="polscore 1 thread, 1x")
    t2 = score(2, rubrics[300], chunks[:1], out2, name="polscore 2 threads, 1x")
    same_bytes(out1, out2, "1-thread vs 2-thread scorecard", problems)
    # d. Python reference vs polscore on the subset
    subb = corpus_bytes(sub)[0]
    ref_csv, ps_csv = os.path.join(out, "subset-reference.csv"), os.path.join(out, "subset-polscore.csv")
    env = dict(os.environ, POLSCORE=ps)
    py = measure(f"python reference, {SUBSET} docs",
                 [sys.executable, REFERENCE, rubrics[300], sub], subb, runs=1,
                 stdout_path=ref_csv, env=env)
    pss = score(1, rubrics[300], [sub], ps_csv, name=f"polscore 1 thread, {SUBSET} docs")
    same_bytes(ref_csv, ps_csv, "Python reference vs polscore scorecard", problems)
    # e. linearity
    lin = {1: t1}
    for k in (2, 4):
        lin[k] = score(1, rubrics[300], chunks[:k], os.path.join(out, f"lin{k}.csv"),
                       name=f"polscore 1 thread, {k}x")
    # f. memory (default threads, one run each)
    mem = {k: score(None, rubrics[300], chunks[:k], os.path.join(out, f"mem{k}.csv"), runs=1,
                    name=f"polscore default threads, {k}x") for k in (1, 5)}
    # g. phrase count
    ph = {300: t1}
    for p in (30, 3000):
        ph[p] = score(1, rubrics[p], chunks[:1], os.path.join(out, f"phrases{p}.csv"),
                      name=f"polscore 1 thread, {p} phrases")

    # ------------------------------------------------------------ report
    r_rg = t1["mbps"] / rg["mbps"]
    r_py = pss["mbps"] / py["mbps"]
    r_2 = t1["s"] / t2["s"]
    rss_max = max(m["rss_mb"] for m in mem.values())
    rss_ratio = mem[5]["rss_mb"] / mem[1]["rss_mb"]
    per_mb = {k: m["s"] / m["mb"] for k, m in lin.items()}
    lin_ratio = per_mb[4] / per_mb[1]
    L = [
        "# polscore corpus-scale benchmark", "",
        f"- date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {machine()}, "
        f"{platform.system()} {platform.release()}, load average {load:.2f} at the start",
        f"- polscore: `{ps}` ({version([ps, '--version'])}); {version([a.rg, '--version'])}; "
        f"Python {platform.python_version()}",
        f"- corpus: {a.docs} docs per chunk (seed {SEED}), 1x = {b1 / 1e6:.1f} MB; "
        f"5x = {sum(s[0] for s in size) / 1e6:.1f} MB, {sum(s[1] for s in size)} docs; "
        f"rubric: {len(PHRASES)} sizes (30/300/3000 phrases, nested), 300 unless said",
        f"- times: best of {RUNS} runs (memory and Python: 1 run); MB = 10^6 bytes", "",
        "## Throughput (1x)", "",
        "| tool | docs | MB | seconds | MB/s |", "|---|---:|---:|---:|---:|",
        f"| ripgrep `-j1 -i -w -F -c -f phrases.txt` (300) | {size[0][1]} | {rg['mb']:.1f} "
        f"| {rg['s']:.3f} | {rg['mbps']:.1f} |",
        f"| polscore --threads 1 | {size[0][1]} | {t1['mb']:.1f} | {t1['s']:.3f} | {t1['mbps']:.1f} |",
        f"| polscore --threads 2 | {size[0][1]} | {t2['mb']:.1f} | {t2['s']:.3f} | {t2['mbps']:.1f} |",
        f"| Python reference (subset) | {SUBSET} | {py['mb']:.1f} | {py['s']:.3f} | {py['mbps']:.3f} |",
        f"| polscore --threads 1 (subset) | {SUBSET} | {pss['mb']:.1f} | {pss['s']:.3f} "
        f"| {pss['mbps']:.1f} |", "",
        f"- polscore / ripgrep (1 thread each): **{r_rg:.2f}x**",
        f"- polscore / Python reference (same {SUBSET} docs): **{r_py:.0f}x**",
        f"- 2 threads / 1 thread: **{r_2:.2f}x**", "",
        "## Linearity (polscore --threads 1)", "",
        "| corpus | MB | seconds | MB/s | s per MB vs 1x |", "|---|---:|---:|---:|---:|",
    ]
    for k, m in lin.items():
        L.append(f"| {k}x | {m['mb']:.1f} | {m['s']:.3f} | {m['mbps']:.1f} | {per_mb[k] / per_mb[1]:.3f} |")
    L += ["", "## Memory (polscore, default threads)", "",
          "| corpus | MB | peak RSS MB | ratio to 1x |", "|---|---:|---:|---:|"]
    for k, m in mem.items():
        L.append(f"| {k}x | {m['mb']:.1f} | {m['rss_mb']:.1f} | {m['rss_mb'] / mem[1]['rss_mb']:.3f} |")
    L += ["", "## Phrase count (polscore --threads 1, 1x)", "",
          "| phrases | seconds | MB/s | time ratio to 30 |", "|---:|---:|---:|---:|"]
    for p in PHRASES:
        m = ph[p]
        L.append(f"| {p} | {m['s']:.3f} | {m['mbps']:.1f} | {m['s'] / ph[30]['s']:.3f} |")
    L += ["", "## Targets", "",
          f"- {verdict(r_rg >= 1.0)}: throughput ≥ 1.0x ripgrep ({r_rg:.2f}x)",
          f"- {verdict(r_py >= 100)}: throughput ≥ 100x the Python reference ({r_py:.0f}x)",
          f"- {verdict(r_2 >= 1.7)}: 2 threads ≥ 1.7x one ({r_2:.2f}x)",
          f"- {verdict(rss_max <= 64)}: peak RSS ≤ 64 MB ({rss_max:.1f} MB)",
          f"- {verdict(abs(rss_ratio - 1) <= 0.10)}: peak RSS 5x/1x within ±10% ({rss_ratio:.3f})",
          f"- {verdict(abs(lin_ratio - 1) <= 0.15)}: time per MB at 4x within ±15% of 1x "
          f"({lin_ratio:.3f})", "",
          "## Correctness", ""]
    L += [f"- FAILED: {p}" for p in problems] or [
        "- OK: 1-thread and 2-thread scorecards identical; Python reference and polscore "
        "scorecards identical"]
    report = "\n".join(L) + "\n"
    with open(os.path.join(bench, "report.md"), "w", encoding="utf-8") as fh:
        fh.write(report)
    sys.stdout.write(report)
    log(f"report saved to {os.path.join(bench, 'report.md')}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
