#!/usr/bin/env python3
"""Validates the feeds and calendars of a built site with real parsers.

Every `<lang>/updates/atom.xml` and `<lang>/agencies/<id>/atom.xml` must
parse with feedparser without a "bozo" error, with a title, an id and an
updated date on the feed and on every entry; the language feed must have one
entry per progress record (progress.csv). Every
`<lang>/deadlines/deadlines.ics` must parse with icalendar, every event with
a unique UID, a DTSTAMP, an all-day DTSTART and a SUMMARY, none before the
site's as_of. Building twice gives the same bytes (checked by the Rust tests).

Needs python3 with feedparser and icalendar (.ci/run installs them).
Usage: python3 .ci/feeds.py [public-dir]
"""

import csv
import datetime
import json
import sys
from pathlib import Path

import feedparser
import icalendar


def main():
    public = Path(sys.argv[1] if len(sys.argv) > 1 else "public")
    meta = public / "data" / "lotrinh.json"
    as_of = datetime.date.fromisoformat(json.loads(meta.read_text(encoding="utf-8"))["as_of"][:10])
    progress = public / "data" / "progress.csv"
    records = None
    if progress.is_file():
        with open(progress, encoding="utf-8", newline="") as f:
            records = sum(1 for _ in csv.DictReader(f))
    failures = []
    feeds = sorted(public.glob("*/updates/atom.xml")) + sorted(public.glob("*/agencies/*/atom.xml"))
    if not feeds:
        failures.append("no Atom feed found")
    for path in feeds:
        rel = path.relative_to(public)
        parsed = feedparser.parse(path.read_bytes())
        if parsed.bozo:
            failures.append(f"{rel}: {parsed.bozo_exception}")
            continue
        feed = parsed.feed
        for key in ("title", "id", "updated"):
            if not feed.get(key):
                failures.append(f"{rel}: feed has no {key}")
        for e in parsed.entries:
            for key in ("title", "id", "updated", "link"):
                if not e.get(key):
                    failures.append(f"{rel}: entry {e.get('id')} has no {key}")
        ids = [e.id for e in parsed.entries]
        if len(ids) != len(set(ids)):
            failures.append(f"{rel}: duplicate entry ids")
        if records is not None and rel.parts[1] == "updates" and len(parsed.entries) != records:
            failures.append(f"{rel}: {len(parsed.entries)} entries, progress.csv has {records} records")
    cals = sorted(public.glob("*/deadlines/deadlines.ics"))
    if not cals:
        failures.append("no calendar found")
    for path in cals:
        rel = path.relative_to(public)
        raw = path.read_bytes()
        if b"\n" in raw.replace(b"\r\n", b""):
            failures.append(f"{rel}: a line does not end in CRLF")
        if any(len(line) > 75 for line in raw.split(b"\r\n")):
            failures.append(f"{rel}: a line is longer than 75 octets")
        try:
            cal = icalendar.Calendar.from_ical(raw)
        except Exception as e:  # noqa: BLE001 - any parse failure is a failure
            failures.append(f"{rel}: {e}")
            continue
        uids = set()
        for ev in cal.walk("VEVENT"):
            uid = str(ev.get("UID"))
            if uid in uids:
                failures.append(f"{rel}: duplicate UID {uid}")
            uids.add(uid)
            for key in ("DTSTAMP", "DTSTART", "SUMMARY"):
                if ev.get(key) is None:
                    failures.append(f"{rel}: {uid} has no {key}")
            start = ev.decoded("DTSTART")
            if isinstance(start, datetime.datetime):
                failures.append(f"{rel}: {uid} is not an all-day event")
            elif start < as_of:
                failures.append(f"{rel}: {uid} starts {start}, before as_of {as_of}")
        print(f"ok {rel}: {len(uids)} events")
    print(f"{len(feeds)} feeds, {len(cals)} calendars checked")
    for f in failures:
        print("FAIL", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
