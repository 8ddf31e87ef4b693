#!/usr/bin/env python3
"""Save-to-reload time of `lotrinh serve`, as a browser sees it.

Copies a site to a temporary folder (the shipped Viet Nam site, or the
synthetic site given with --site, e.g. one made by
`target/release/examples/gen-site 10000 DIR`), starts
`lotrinh serve --port 0` on it, opens the edited page once (as the tab the
author looks at), listens to the live-reload event stream as that tab
does, then edits one file at a time and measures:

  save -> reload   the file is written until the server tells open pages to reload
  save -> page     ... until the edited page, fetched again as the reloading
                   tab does, has arrived and shows the edit
  server CPU       user + system CPU time the server process used for the
                   edit, from the write until it is idle again (including
                   writing public/, which may come after the reload)

It also prints the server's own line for each rebuild (pages rendered of
all pages, files changed), and the load average before and after (the
machine is shared: compare runs made under similar load). Usage:

  python3 benches/rebuild.py [path/to/lotrinh] [rounds] [--site DIR] [--no-build]

(default: target/release/lotrinh, 5 rounds per kind of edit, the shipped
site; --no-build skips the timing of full `lotrinh build`s).
"""

import argparse
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

# (name, file, text to find, page that shows it); None: append a line.
VIET_NAM = [
    ("one agency's name", "data/agencies/core.yaml",
     'Ministry of Foreign Affairs', "/en/agencies/mofa/"),
    ("one recommendation's text", "data/recommendations/cat.yaml",
     "carrying penalties that match its gravity", "/en/recommendations/cat-co1-definition-of-torture/"),
    ("one task's expected result", "data/tasks/qd-1252-2019.yaml",
     "Legal documents contain provisions consistent with ICCPR", "/en/tasks/qd-1252-2019-a-i/"),
    ("a content page", "content/about.en.md", None, "/en/about/"),
    ("a template (every page)", "themes/default/templates/base.html", "</footer>", "/en/"),
]

# The synthetic site of benches/gen_site.rs: recommendation rec-N is in
# data/recommendations/part-(N/1000).yaml; its English text follows `en: "`.
def synthetic(site):
    parts = sorted(os.listdir(os.path.join(site, "data/recommendations")))
    part = parts[len(parts) // 2]
    first = int(re.search(r"(\d+)", part).group(1)) * 1000 + 1
    return [
        ("one recommendation's text", f"data/recommendations/{part}",
         f"- id: rec-{first}\n", f"/en/recommendations/rec-{first}/"),
        ("a template (every page)", "templates/base.html", "</footer>", "/en/"),
    ]


def cpu_ms(pid):
    """User + system CPU time of a process so far, in ms."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def edited(original, rel, needle, marker):
    if needle is None:
        return original + f"\n{marker}\n"
    if rel.endswith(".html"):
        return original.replace(needle, f"<!-- {marker} -->{needle}", 1)
    if needle.startswith("- id: "):
        # The record's English text, inside its quotes.
        at = original.index(needle)
        en = original.index('    en: "', at) + len('    en: "')
        return original[:en] + marker + " " + original[en:]
    return original.replace(needle, f"{needle} {marker}", 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin", nargs="?", default=os.path.join(REPO, "target/release/lotrinh"))
    ap.add_argument("rounds", nargs="?", type=int, default=5)
    ap.add_argument("--site", help="a site folder to copy instead of the shipped one")
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    BIN, ROUNDS = os.path.abspath(args.bin), args.rounds

    tmp = tempfile.mkdtemp(prefix="lotrinh-rebuild-")
    site = os.path.join(tmp, "site")
    os.makedirs(site)
    src_root = args.site or REPO
    for name in ["site.yaml", "data", "content", "themes", "static", "templates"]:
        src = os.path.join(src_root, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(site, name))
        elif os.path.isfile(src):
            shutil.copy(src, os.path.join(site, name))
    edits = VIET_NAM
    if args.site:
        edits = synthetic(site)
        # The template edit changes a site template overriding the theme's.
        os.makedirs(os.path.join(site, "templates"), exist_ok=True)
        shutil.copy(os.path.join(REPO, "themes/default/templates/base.html"),
                    os.path.join(site, "templates/base.html"))

    print(f"machine: {os.cpu_count()} cores, {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, binary {BIN}, site {src_root}")
    print(f"load average before: {loadavg()}")

    if not args.no_build:
        # A full build from nothing and a full rebuild of an unchanged site, for comparison.
        full = []
        for out in ["full-1", "full-1", "full-2", "full-2"]:
            t = time.perf_counter()
            subprocess.run([BIN, "build", "--root", site, "--out", os.path.join(tmp, out)],
                           check=True, capture_output=True)
            full.append((time.perf_counter() - t) * 1000)
        print(f"lotrinh build (fresh folder): {full[0]:.0f} ms, {full[2]:.0f} ms")
        print(f"lotrinh build (nothing changed): {full[1]:.0f} ms, {full[3]:.0f} ms")
        for out in ["full-1", "full-2"]:
            shutil.rmtree(os.path.join(tmp, out), ignore_errors=True)

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

    def wait_line(pred, start=0, timeout=300):
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

    def settle():
        """Waits until the server uses no CPU for 300 ms (at most 60 s)."""
        end = time.time() + 60
        before = cpu_ms(proc.pid)
        while time.time() < end:
            time.sleep(0.3)
            now = cpu_ms(proc.pid)
            if now == before:
                return
            before = now

    try:
        i = wait_line(lambda l: " at http://127.0.0.1:" in l)
        port = int(re.search(r"127\.0\.0\.1:(\d+)", lines[i]).group(1))

        # The event stream a page's live-reload script listens to; like a
        # page, it gets one reload event and then connects again.
        def listen():
            sse = socket.create_connection(("127.0.0.1", port), timeout=120)
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
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as r:
                return r.read().decode()

        settle()
        print(f"\n| edit | rounds | save → reload event, median (min–max) ms | save → page shows the edit, median (min–max) ms | server CPU per edit, median ms | pages rendered / all | files changed |")
        print("|---|---|---|---|---|---|---|")
        for name, rel, needle, page in edits:
            path = os.path.join(site, rel)
            original = open(path, encoding="utf-8").read()
            to_reload, to_page, cpu, rendered, written = [], [], [], "", ""
            fetch(page)  # the tab is open on it
            for n in range(ROUNDS):
                marker = f"edit-{n}-{time.time_ns()}"
                text = edited(original, rel, needle, marker)
                assert text != original, (rel, needle)
                print(f"  {name}: round {n + 1}", file=sys.stderr, flush=True)
                start_line = len(lines)
                sse = listen()
                c0 = cpu_ms(proc.pid)
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
                settle()
                cpu.append(cpu_ms(proc.pid) - c0)
            sse = listen()
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
            wait_reload(sse)
            settle()
            print(f"| {name} | {ROUNDS} | {statistics.median(to_reload):.0f} ({min(to_reload):.0f}–{max(to_reload):.0f}) "
                  f"| {statistics.median(to_page):.0f} ({min(to_page):.0f}–{max(to_page):.0f}) "
                  f"| {statistics.median(cpu):.0f} | {rendered} | {written} |", flush=True)
        print(f"\nload average after: {loadavg()}")
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
