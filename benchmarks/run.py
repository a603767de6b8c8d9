#!/usr/bin/env python3
"""Benchmark LockDiscipline against the base compile and CA2000 on generated corpora.

Usage: python3 benchmarks/run.py [--dense] [SIZE ...]   (default sizes: 25000 50000 100000 200000)
       --dense: the lock-dense corpus shape (issue 16) instead of the default one.

For each size it generates a corpus (benchmarks/Generator), then runs three full rebuilds with the compiler out of process
(UseSharedCompilation=false) so /usr/bin/time sees its peak memory:
  base: analyzers off;  ld: LockDiscipline only, -p:ReportAnalyzer=true;  ca: CA2000 only, -p:ReportAnalyzer=true;
  empty: an analyzer that does nothing (benchmarks/EmptyAnalyzer), the floor any analyzer with a semantic-model action pays.
It prints the analyzer time against the Csc time of the base compile (and the Csc time of the LockDiscipline build: the wall-clock
the analyzer really adds, since ReportAnalyzer sums the time spent in its callbacks over the compiler's threads), LockDiscipline against CA2000, the growth from the
smallest to the largest size, peak memory against the base compile, and checks the planted findings. The floor's columns give
the Csc time and peak memory of the build with the empty analyzer against the base: what the driver costs before any analysis.
"""
import os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DENSE = "--dense" in sys.argv[1:]
SIZES = [int(s) for s in sys.argv[1:] if s != "--dense"] or [25000, 50000, 100000, 200000]
WORK = os.path.join(tempfile.gettempdir(), "lockdiscipline-bench")


def run(cmd, cwd=None):
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return result.stdout + result.stderr


def build(corpus, *props):
    out = run(["/usr/bin/time", "-v", "dotnet", "build", "--no-restore", "--no-incremental", "-nodeReuse:false",
               "-p:UseSharedCompilation=false", "-v:d", "-clp:PerformanceSummary", *props], cwd=corpus)
    csc = re.search(r"^\s+(\d+) ms\s+Csc\s", out, re.M)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out)
    return out, (int(csc.group(1)) / 1000.0 if csc else float("nan")), (int(rss.group(1)) if rss else 0)


def analyzer_seconds(out, name):
    m = re.search(r"^\s+([\d.]+)\s+\d+\s+\S*" + re.escape(name), out, re.M)
    return float(m.group(1)) if m else float("nan")


def main():
    print("building LockDiscipline (Release)...", flush=True)
    run(["dotnet", "build", os.path.join(ROOT, "src", "Analyzers"), "-c", "Release", "-v:q"])
    run(["dotnet", "build", os.path.join(ROOT, "src", "Annotations"), "-c", "Release", "-v:q"])
    run(["dotnet", "build", os.path.join(ROOT, "benchmarks", "Generator"), "-c", "Release", "-v:q"])
    run(["dotnet", "build", os.path.join(ROOT, "benchmarks", "EmptyAnalyzer"), "-c", "Release", "-v:q"])
    analyzers = os.path.join(WORK, "analyzers")
    os.makedirs(analyzers, exist_ok=True)
    for folder, dll in (("src/Analyzers", "LockDiscipline.Analyzers.dll"), ("src/Annotations", "LockDiscipline.Annotations.dll"),
                        ("benchmarks/EmptyAnalyzer", "LockDiscipline.Benchmarks.EmptyAnalyzer.dll")):
        src = os.path.join(ROOT, folder, "bin", "Release", "netstandard2.0", dll)
        with open(src, "rb") as f, open(os.path.join(analyzers, dll), "wb") as g:
            g.write(f.read())
    generator = os.path.join(ROOT, "benchmarks", "Generator", "bin", "Release", "net10.0", "LockDiscipline.Benchmarks.Generator.dll")

    rows = []
    for size in SIZES:
        corpus = os.path.join(WORK, f"{'dense' if DENSE else 'corpus'}-{size}")
        print(run(["dotnet", generator, corpus, str(size), analyzers] + (["dense"] if DENSE else [])).strip(), flush=True)
        run(["dotnet", "restore"], cwd=corpus)
        _, base_csc, base_rss = build(corpus, "-p:WithLockDiscipline=false", "-p:WithCA2000=false")
        ld_out, ld_csc, ld_rss = build(corpus, "-p:WithLockDiscipline=true", "-p:WithCA2000=false", "-p:ReportAnalyzer=true")
        ca_out, _, _ = build(corpus, "-p:WithLockDiscipline=false", "-p:WithCA2000=true", "-p:ReportAnalyzer=true")
        _, empty_csc, empty_rss = build(corpus, "-p:WithLockDiscipline=false", "-p:WithCA2000=false", "-p:WithEmptyAnalyzer=true")
        ld = analyzer_seconds(ld_out, "LockDiscipline.Analyzers.LockDisciplineAnalyzer")
        ca = analyzer_seconds(ca_out, "DisposeObjectsBeforeLosingScope")
        expected = dict(line.split() for line in open(os.path.join(corpus, "expected.txt")))
        found = {rule: len(set(re.findall(r"(File\d+\.cs\(\d+,\d+\)): error " + rule, ld_out))) for rule in expected}
        ok = all(found[rule] == int(count) for rule, count in expected.items()) and not re.search(r"error LD(?!1001|2001)\d+", ld_out)
        rows.append((size, base_csc, ld, ca, base_rss, ld_rss, ok, found, ld_csc, empty_csc, empty_rss))

    print()
    print(f"{'lines':>8} {'base csc s':>10} {'LD s':>7} {'CA2000 s':>9} {'LD/base':>8} {'LD/CA2000':>9} {'mem LD/base':>11} {'csc LD s':>9} {'build +':>8} {'floor +':>8} {'floor mem':>9}  findings")
    for size, base, ld, ca, base_rss, ld_rss, ok, found, ld_csc, empty_csc, empty_rss in rows:
        print(f"{size:>8} {base:>10.2f} {ld:>7.2f} {ca:>9.2f} {ld / base:>8.3f} {ld / ca:>9.2f} {ld_rss / base_rss:>11.2f} {ld_csc:>9.2f} {(ld_csc - base) / base:>+8.0%} {(empty_csc - base) / base:>+8.0%} {empty_rss / base_rss:>9.2f}  {'ok' if ok else 'MISMATCH'} {found}")
    if len(rows) > 1:
        by_size = {r[0]: r for r in rows}
        first, last = (by_size[50000], by_size[200000]) if 50000 in by_size and 200000 in by_size else (rows[0], rows[-1])
        print(f"growth {last[0]} vs {first[0]} lines ({last[0] / first[0]:.0f}x code): LockDiscipline {last[2] / first[2]:.2f}x, base compile {last[1] / first[1]:.2f}x")
    return 0 if all(r[6] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
