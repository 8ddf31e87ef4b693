#!/usr/bin/env python3
"""Save-to-reload time of `lotrinh serve` on the shipped Viet Nam site.

Copies the site to a temporary folder, starts `lotrinh serve --port 0` on
it, listens to the live-reload event stream as a browser tab does, then
edits one file at a time and measures:
  save -> reload   the file is written until the server tells open pages to reload
  save -> page     ... until the edited page, fetched again, shows the edit
It also prints the server's own line for each rebuild (pages rendered of
all pages, files written). Usage:
  python3 benches/rebuild.py [path/to/lotrinh] [rounds]
(default: target/release/lotrinh, 5 rounds per kind of edit).
"""

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "target/release/lotrinh")
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5

# (name, file, text to find, page that shows it)
EDITS = [
    ("one agency's name", "data/agencies/core.yaml",
     'Ministry of Foreign Affairs', "/en/agencies/mofa/"),
    ("one recommendation's text", "data/recommendations/cat.yaml",
     "carrying penalties that match its gravity", "/en/recommendations/cat-co1-definition-of-torture/"),
    ("one task's expected result", "data/tasks/qd-1252-2019.yaml",
     "Legal documents contain provisions consistent with ICCPR", "/en/tasks/qd-1252-2019-a-i/"),
    ("a content page", "content/about.en.md", None, "/en/about/"),
    ("a template (every page)", "themes/default/templates/base.html", "</footer>", "/en/"),
]


def main():
    tmp = tempfile.mkdtemp(prefix="lotrinh-rebuild-")
    site = os.path.join(tmp, "site")
    os.makedirs(site)
    for name in ["site.yaml", "data", "content", "themes", "static", "templates"]:
        src = os.path.join(REPO, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(site, name))
        elif os.path.isfile(src):
            shutil.copy(src, os.path.join(site, name))

    # A full build from nothing and a full rebuild of an unchanged site, for comparison.
    full = []
    for out in ["full-1", "full-1", "full-2", "full-2"]:
        t = time.perf_counter()
        subprocess.run([BIN, "build", "--root", site, "--out", os.path.join(tmp, out)],
                       check=True, capture_output=True)
        full.append((time.perf_counter() - t) * 1000)
    print(f"lotrinh build (fresh folder): {full[0]:.0f} ms, {full[2]:.0f} ms")
    print(f"lotrinh build (nothing changed): {full[1]:.0f} ms, {full[3]:.0f} ms")

    proc = subprocess.Popen([BIN, "serve", "--root", site, "--port", "0"],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines = []
    got_line = threading.Condition()

    def read_log():
        for line in proc.stderr:
            with got_line:
                lines.append(line.rstrip("\n"))
                got_line.notify_all()

    threading.Thread(target=read_log, daemon=True).start()

    def wait_line(pred, start=0, timeout=120):
        deadline = time.time() + timeout
        with got_line:
            while True:
                for i in range(start, len(lines)):
                    if pred(lines[i]):
                        return i
                left = deadline - time.time()
                if left <= 0:
                    raise SystemExit("timed out; server said:\n" + "\n".join(lines))
                got_line.wait(left)

    try:
        i = wait_line(lambda l: " at http://127.0.0.1:" in l)
        port = int(re.search(r"127\.0\.0\.1:(\d+)", lines[i]).group(1))

        # The event stream a page's live-reload script listens to; like a
        # page, it gets one reload event and then connects again.
        def listen():
            sse = socket.create_connection(("127.0.0.1", port), timeout=60)
            sse.sendall(b"GET /_tower-livereload/event-stream HTTP/1.1\r\nHost: x\r\n\r\n")
            buf = b""
            while b"event: init" not in buf:
                buf += sse.recv(4096)
            return sse

        def wait_reload(sse):
            buf = b""
            while b"event: reload" not in buf:
                buf += sse.recv(4096)
            sse.close()

        def fetch(path):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as r:
                return r.read().decode()

        print(f"\n| edit | rounds | save → reload event, median (min–max) ms | save → page shows the edit, median ms | pages rendered / all | files written |")
        print("|---|---|---|---|---|---|")
        for name, rel, needle, page in EDITS:
            path = os.path.join(site, rel)
            original = open(path, encoding="utf-8").read()
            to_reload, to_page, rendered, written = [], [], "", ""
            for n in range(ROUNDS):
                marker = f"edit-{n}-{time.time_ns()}"
                if needle is None:
                    text = original + f"\n{marker}\n"
                elif rel.endswith(".html"):
                    text = original.replace(needle, f"<!-- {marker} -->{needle}", 1)
                else:
                    text = original.replace(needle, f"{needle} {marker}", 1)
                assert text != original, (rel, needle)
                print(f"  {name}: round {n + 1}", file=sys.stderr, flush=True)
                start_line = len(lines)
                sse = listen()
                t0 = time.perf_counter()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                wait_reload(sse)
                t1 = time.perf_counter()
                html = fetch(page)
                t2 = time.perf_counter()
                assert marker in html, f"{page} does not show the edit"
                to_reload.append((t1 - t0) * 1000)
                to_page.append((t2 - t0) * 1000)
                j = wait_line(lambda l: l.startswith("built "), start_line)
                m = re.search(r"built (\d+) pages(?: \((\d+) rendered)?.*?\((\d+) written", lines[j])
                if m:
                    rendered = f"{m.group(2) or m.group(1)} / {m.group(1)}"
                    written = m.group(3)
                time.sleep(0.3)
            sse = listen()
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
            wait_reload(sse)
            time.sleep(0.3)
            print(f"| {name} | {ROUNDS} | {statistics.median(to_reload):.0f} ({min(to_reload):.0f}–{max(to_reload):.0f}) "
                  f"| {statistics.median(to_page):.0f} | {rendered} | {written} |")
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
