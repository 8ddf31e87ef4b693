#!/usr/bin/env python3
"""Runs the very code the downloads page shows, in every language.

1. Builds the site with a full base URL (http://127.0.0.1:<port>/), serves
   that build on 127.0.0.1 with `python3 -m http.server`, takes the Python
   and R code out of each `<lang>/data/index.html` and runs it: it must
   fetch the files over HTTP and print the row counts of tasks.csv.
2. Runs the code of the already built public/ (base_url "/", so the page's
   code reads a local data/ folder) with public/ as working directory.

Needs python3 with pandas and openpyxl, and Rscript (.ci/run installs them).
Usage: python3 .ci/snippets.py [public-dir]
"""

import csv
import html
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPET = re.compile(
    r'<code class="language-(\w+)" data-snippet="(\w+)">(.*?)</code>', re.S
)
RUNNERS = {"python": ["python3"], "r": ["Rscript"]}


def expected(public: Path):
    """Row counts the code must print, read from the published CSV."""
    with open(public / "data" / "tasks.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    all_rows = len(rows)
    # Headings are kept in the file with state "heading" and never counted.
    rows = [r for r in rows if r["state"] != "heading"]
    n = len(rows)
    overdue = sum(r["overdue"] == "true" for r in rows)
    past = sum(r["state"] == "past-deadline" for r in rows)
    said = f"{n} tasks, {overdue} overdue, {past} past deadline with no completion recorded"
    lines = {
        "python": [said, f"{all_rows} rows in the tasks sheet"],
        "r": [said],
    }
    return lines


def snippets(public: Path):
    """(lang, kind, code) for every code block on every downloads page."""
    found = []
    for page in sorted(public.glob("*/data/index.html")):
        text = page.read_text(encoding="utf-8")
        for _, kind, code in SNIPPET.findall(text):
            found.append((page.parent.parent.name, kind, html.unescape(code)))
    return found


def run_all(public: Path, cwd: Path, must_contain: str):
    """Runs every block; returns (passed, failed)."""
    want = expected(public)
    blocks = snippets(public)
    kinds = {(lang, kind) for lang, kind, _ in blocks}
    langs = {lang for lang, _ in kinds}
    failures = 0
    passed = 0
    if not langs or any((l, k) not in kinds for l in langs for k in RUNNERS):
        print(f"FAIL {public}: expected python and r code on every data page, got {sorted(kinds)}")
        return 0, 1
    for lang, kind, code in blocks:
        if must_contain not in code:
            print(f"FAIL {lang} {kind}: the code does not read {must_contain!r}")
            failures += 1
            continue
        with tempfile.NamedTemporaryFile("w", suffix=".code", delete=False, encoding="utf-8") as f:
            f.write(code)
        started = time.monotonic()
        try:
            res = subprocess.run(
                RUNNERS[kind] + [f.name],
                cwd=cwd,
                capture_output=True,
                text=True,
                timeout=300,
            )
        except subprocess.TimeoutExpired:
            print(f"FAIL {lang} {kind}: timed out")
            failures += 1
            continue
        finally:
            Path(f.name).unlink()
        took = time.monotonic() - started
        out_lines = [l.strip() for l in res.stdout.splitlines()]
        missing = [w for w in want[kind] if w not in out_lines]
        if res.returncode != 0 or missing:
            print(f"FAIL {lang} {kind} (exit {res.returncode}); missing lines {missing}")
            print("--- stdout\n" + res.stdout + "--- stderr\n" + res.stderr)
            failures += 1
        else:
            passed += 1
            print(f"ok   {lang} {kind} ({took:.1f} s): {'; '.join(want[kind])}")
    return passed, failures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    public = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "public").resolve()
    passed = failures = 0

    print("== code on the pages of public/ (base_url \"/\": reads data/ beside it)")
    p, f = run_all(public, public, '"data/"')
    passed, failures = passed + p, failures + f

    print("== code on the pages of a build served on 127.0.0.1")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as tmp:
        served = Path(tmp) / "site"
        subprocess.run(
            ["cargo", "run", "--quiet", "--", "build", "--out", str(served), "--base-url", base],
            cwd=ROOT,
            check=True,
        )
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(served)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    urllib.request.urlopen(base + "data/tasks.csv", timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        print("FAIL: the local server did not answer")
                        print(f"{passed} passed, {failures + 1} failed")
                        return 1
                    time.sleep(0.2)
            # An empty working directory: the code can only read over HTTP.
            empty = Path(tmp) / "empty"
            empty.mkdir()
            p, f = run_all(served, empty, f'"{base}data/"')
            passed, failures = passed + p, failures + f
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(f"{passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
