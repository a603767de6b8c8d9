#!/usr/bin/env python3
"""Helpers for run.sh (standard library only).

  ldrc.py add-feed NUGET_CONFIG FEED_DIR
      Makes FEED_DIR a package source of NUGET_CONFIG (creating the file if there is none), and, where the file has a
      packageSourceMapping, maps the package id LockDiscipline to it. Idempotent; edits the text in place so the
      repository's comments and layout stay as they were.

  ldrc.py cache-stale FEED_DIR PACKAGES_DIR VERSION
      Exit 0 when the global packages folder holds lockdiscipline/VERSION and it differs from (or cannot be compared
      with) FEED_DIR's nupkg, i.e. when the cached copy must go for a repacked package to be used; 1 otherwise.

  ldrc.py findings LOG REPO_DIR MAIN_PROJECT OUT_TXT [LABEL]
      Deduplicated LD* and AD0001 diagnostics of a build log as "file:line:col: ID: message" (file relative to
      REPO_DIR, sorted), and prints one summary line.

  ldrc.py times LABEL LOG...
      The Csc task time (-clp:PerformanceSummary) and the LockDiscipline.Analyzers time (-p:ReportAnalyzer=true,
      -v:d) of each log, then the medians.
"""
import base64
import collections
import glob
import hashlib
import os
import re
import statistics
import sys

KEY = "LockDisciplineLocal"
PACKAGE_ID = "LockDiscipline"


def _child_indent(text, close_tag, child_pattern):
    """Indentation of the closing tag's line and of the element's existing children (a guess when it has none)."""
    m = re.search(r"\n([ \t]*)</" + close_tag + r"\s*>", text)
    outer = m.group(1) if m else "  "
    c = re.search(r"\n([ \t]*)" + child_pattern, text)
    child = c.group(1) if c and len(c.group(1)) > len(outer) else outer + ("\t" if "\t" in outer else "  ")
    return m, outer, child


def add_feed(config, feed):
    feed = os.path.abspath(feed)
    add_line = f'<add key="{KEY}" value="{feed}" />'
    if not os.path.exists(config):
        with open(config, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSources>\n'
                    f'    {add_line}\n  </packageSources>\n</configuration>\n')
        print(f"{config}: created, source {KEY} = {feed}")
        return
    with open(config, encoding="utf-8-sig") as f:
        text = f.read()
    original = text
    existing = re.search(r'<add\s+key="' + KEY + r'"\s+value="([^"]*)"\s*/>', text)
    if existing:
        if existing.group(1) != feed:
            text = text[:existing.start()] + add_line + text[existing.end():]
    elif re.search(r"\n[ \t]*</packageSources\s*>", text):
        m, outer, child = _child_indent(text, "packageSources", r"<(?:add|clear)\b")
        text = text[:m.start() + 1] + f"{child}{add_line}\n" + text[m.start() + 1:]
    elif re.search(r"<packageSources\s*/>", text):
        text = re.sub(r"<packageSources\s*/>", f"<packageSources>\n    {add_line}\n  </packageSources>", text, count=1)
    else:
        pos = re.search(r"</configuration\s*>", text).start()
        text = text[:pos] + f"  <packageSources>\n    {add_line}\n  </packageSources>\n" + text[pos:]
    mapped = bool(re.search(r"<packageSourceMapping\b", text))
    if mapped and not re.search(r'<packageSource\s+key="' + KEY + '"', text):
        m, outer, child = _child_indent(text, "packageSourceMapping", r"<packageSource\b")
        grand = child + child[len(outer):]
        block = (f'{child}<packageSource key="{KEY}">\n{grand}<package pattern="{PACKAGE_ID}" />\n'
                 f"{child}</packageSource>\n")
        text = text[:m.start() + 1] + block + text[m.start() + 1:]
    if text != original:
        with open(config, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"{config}: source {KEY} = {feed}" + (", mapped to LockDiscipline" if mapped else ""))
    else:
        print(f"{config}: already has source {KEY} = {feed}" + (", mapped to LockDiscipline" if mapped else ""))


def cache_stale(feed, packages, version):
    cached = os.path.join(packages, "lockdiscipline", version.lower())
    if not os.path.isdir(cached):
        return 1
    nupkgs = [p for p in glob.glob(os.path.join(feed, "*.nupkg"))
              if os.path.basename(p).lower() == f"lockdiscipline.{version.lower()}.nupkg"]
    if not nupkgs:
        return 1  # nothing to replace it with: keep the cached copy
    sha_file = os.path.join(cached, f"lockdiscipline.{version.lower()}.nupkg.sha512")
    try:
        with open(sha_file) as f:
            cached_sha = f.read().strip()
    except OSError:
        return 0
    with open(nupkgs[0], "rb") as f:
        feed_sha = base64.b64encode(hashlib.sha512(f.read()).digest()).decode()
    return 0 if feed_sha != cached_sha else 1


LOCATED = re.compile(r"^\s*(?:\d+(?::\d+)?>)?(?P<file>\S.*?)\((?P<line>\d+),(?P<col>\d+)(?:,\d+,\d+)?\): "
                     r"(?P<sev>warning|error|info) (?P<id>LD\d{4}|AD0001): (?P<msg>.*)$")
UNLOCATED = re.compile(r"^\s*(?:\d+(?::\d+)?>)?(?P<file>[^\s(][^(]*?) ?: (?P<sev>warning|error|info) (?P<id>LD\d{4}|AD0001): (?P<msg>.*)$")
PROJECT = re.compile(r"\s+\[(?P<proj>[^\[\]]+?\.[a-z]+proj)(?:::[^\]]*)?\]$")


def findings(log, repo, main_project, out, label=None):
    repo = os.path.abspath(repo)
    main_project = os.path.abspath(os.path.join(repo, main_project))
    seen = {}
    with open(log, errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\r\n")
            m = LOCATED.match(line) or UNLOCATED.match(line)
            if not m:
                continue
            g = m.groupdict()
            msg, proj = g["msg"], ""
            p = PROJECT.search(msg)
            if p:
                msg, proj = msg[:p.start()], p.group("proj")
            path = g["file"].strip()
            if os.path.isabs(path) and (path + "/").startswith(repo + "/"):
                path = os.path.relpath(path, repo)
            key = (path, int(g.get("line") or 0), int(g.get("col") or 0), g["id"], msg)
            seen.setdefault(key, set()).add(proj)
    items = sorted(seen)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as o:
        for path, ln, col, id_, msg in items:
            o.write(f"{path}:{ln}:{col}: {id_}: {msg}\n")
    per_id = collections.Counter(k[3] for k in items)
    sites = collections.Counter(k[3] for k in {(k[0], k[1], k[2], k[3]) for k in items})
    in_main = sum(1 for k in items if main_project in seen[k] or not any(seen[k]))
    parts = ", ".join(f"{i} {per_id[i]} ({sites[i]} sites)" for i in sorted(per_id) if i != "AD0001")
    line = (f"{label or os.path.basename(repo)}: {len(items) - per_id.get('AD0001', 0)} LD findings"
            + (f": {parts}" if parts else "")
            + f"; AD0001 {per_id.get('AD0001', 0)}"
            + f"; {in_main} from {os.path.basename(main_project)}, {len(items) - in_main} from other projects")
    print(line)
    return line


def times(label, logs):
    csc_re = re.compile(r"^\s*(?:\d+(?::\d+)?>)?\s*(\d+) ms\s+Csc\s+\d+ calls")
    ld_re = re.compile(r"^\s*(?:\d+(?::\d+)?>)?\s*([\d.]+)\s+\d+\s+LockDiscipline\.Analyzers, Version")
    total_re = re.compile(r"Total analyzer execution time: ([\d.]+) seconds")
    base, ldc, lda, tot = [], [], [], []
    for log in logs:
        csc = lda_s = tot_s = None
        with open(log, errors="replace") as f:
            for line in f:
                m = csc_re.match(line)
                if m:
                    csc = int(m.group(1)) / 1000.0
                m = ld_re.match(line)
                if m and lda_s is None:
                    lda_s = float(m.group(1))
                m = total_re.search(line)
                if m and tot_s is None:
                    tot_s = float(m.group(1))
        kind = "ld" if "-ld-" in os.path.basename(log) else "base"
        print(f"{os.path.basename(log)}: Csc {csc} s" + (f", LockDiscipline.Analyzers {lda_s} s, all analyzers {tot_s} s" if kind == "ld" else ""))
        if csc is None:
            continue
        (ldc if kind == "ld" else base).append(csc)
        if kind == "ld" and lda_s is not None:
            lda.append(lda_s)
        if kind == "ld" and tot_s is not None:
            tot.append(tot_s)
    med = lambda xs: f"{statistics.median(xs):.2f}" if xs else "-"
    ratio = f"{statistics.median(lda) / statistics.median(base):.2f}" if lda and base else "-"
    line = (f"{label}: base Csc {med(base)} s (n={len(base)}); with analyzers Csc {med(ldc)} s (n={len(ldc)}); "
            f"LockDiscipline.Analyzers {med(lda)} s; all analyzers {med(tot)} s; LockDiscipline / base Csc = {ratio}")
    print(line)
    return line


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "add-feed" and len(args) == 2:
        add_feed(*args)
    elif cmd == "cache-stale" and len(args) == 3:
        sys.exit(cache_stale(*args))
    elif cmd == "findings" and len(args) in (4, 5):
        findings(*args)
    elif cmd == "times" and len(args) >= 2:
        times(args[0], args[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
