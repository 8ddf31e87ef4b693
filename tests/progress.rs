//! Progress and task states (issue 12): the same counts on every page and
//! in every file, counts that link to the rows they count, feeds and a
//! calendar that are linked, deterministic and built from `as_of`.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;

const LANGS: [&str; 2] = ["vi", "en"];
const STATES: [&str; 7] = [
    "done",
    "in-progress",
    "not-started",
    "past-deadline",
    "upcoming",
    "recurring",
    "no-deadline",
];

/// tasks.csv as maps of column → cell.
fn tasks_csv(out: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(out.join("data/tasks.csv")).expect("tasks.csv");
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

/// The number in the first `<strong>` after each `data-figure="…"` of a page.
fn figures(html: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let mut rest = html;
    while let Some(at) = rest.find("data-figure=\"") {
        rest = &rest[at + "data-figure=\"".len()..];
        let name = &rest[..rest.find('"').unwrap()];
        let s = rest.find("<strong>").unwrap() + "<strong>".len();
        let n = rest[s..s + rest[s..].find('<').unwrap()].parse().unwrap();
        out.insert(name.to_string(), n);
    }
    out
}

/// Task rows of the task list (not headings), with their `data-*` values.
fn list_rows(out: &Path, lang: &str) -> Vec<BTreeMap<String, String>> {
    let html = read(out, &format!("{lang}/tasks/index.html"));
    tags(main_part(&html))
        .into_iter()
        .filter(|t| {
            t.name == "tr" && t.attr("data-depth").is_some() && t.attr("data-heading").is_none()
        })
        .map(|t| {
            ["status", "lead"]
                .iter()
                .map(|k| {
                    (
                        k.to_string(),
                        t.attr(&format!("data-{k}")).unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .collect()
}

fn has(v: &str, word: &str) -> bool {
    v.split_whitespace().any(|w| w == word)
}

/// Every count of a built site, checked against tasks.csv (headings left
/// out by their `heading` state) and against the rows the counts link to.
fn counts_agree(out: &Path) -> usize {
    let rows: Vec<_> = tasks_csv(out)
        .into_iter()
        .filter(|r| r["state"] != "heading")
        .collect();
    assert!(!rows.is_empty());
    for r in tasks_csv(out) {
        assert_eq!(
            r["heading"] == "true",
            r["state"] == "heading",
            "{}",
            r["id"]
        );
    }
    let count = |keep: &dyn Fn(&BTreeMap<String, String>) -> bool, state: &str| {
        rows.iter()
            .filter(|r| keep(r))
            .filter(|r| {
                if state == "overdue" {
                    r["overdue"] == "true"
                } else {
                    r["state"] == state
                }
            })
            .count()
    };
    let leads = |r: &BTreeMap<String, String>, a: &str| {
        r["lead"]
            .split(';')
            .chain(r["current_lead"].split(';'))
            .any(|x| x.trim() == a)
    };
    let agencies: Vec<String> = {
        let mut r = csv::Reader::from_path(out.join("data/agencies.csv")).unwrap();
        r.records().map(|x| x.unwrap()[0].to_string()).collect()
    };
    let mut checked = 0;
    for lang in LANGS {
        let list = list_rows(out, lang);
        assert_eq!(
            list.len(),
            rows.len(),
            "{lang}: task list rows = tasks.csv tasks"
        );
        // Home: every figure equals the file and the rows its link shows.
        let home = read(out, &format!("{lang}/index.html"));
        let figs = figures(main_part(&home));
        for s in STATES.iter().chain(&["overdue"]) {
            let want = count(&|_| true, s);
            assert_eq!(figs.get(*s).copied().unwrap_or(0), want, "{lang} home: {s}");
            let shown = list.iter().filter(|r| has(&r["status"], s)).count();
            assert_eq!(shown, want, "{lang} task list ?status={s}");
            if want > 0 {
                assert!(
                    home.contains(&format!("tasks/?status={s}\"")),
                    "{lang} home: the {s} count links to the filtered list"
                );
            }
            checked += 1;
        }
        if count(&|_| true, "done")
            + count(&|_| true, "in-progress")
            + count(&|_| true, "not-started")
            == 0
        {
            assert!(
                !figs.contains_key("done"),
                "{lang}: no \"0 done\" tile while nothing is tracked"
            );
            assert!(
                home.contains("data-untracked"),
                "{lang}: the home page says nothing is tracked yet"
            );
        }
        if count(&|_| true, "past-deadline") > 0 {
            let li = &home[home.find("data-figure=\"past-deadline\"").unwrap()..];
            let li = &li[..li.find("</li>").unwrap()];
            let words = if lang == "vi" {
                "chưa ghi nhận hoàn thành"
            } else {
                "no completion recorded"
            };
            assert!(
                li.contains(words),
                "{lang}: past deadline says {words:?} in the same sentence"
            );
        }
        // Deadlines: past deadline, upcoming and overdue tasks are all dated.
        let dl = read(out, &format!("{lang}/deadlines/index.html"));
        for s in ["past-deadline", "upcoming"] {
            let want = count(&|_| true, s);
            let got = dl
                .find(&format!("<li class=\"state-{s}\"><strong>"))
                .map(|at| {
                    let x = &dl[at..];
                    let x = &x[x.find("<strong>").unwrap() + 8..];
                    x[..x.find('<').unwrap()].parse::<usize>().unwrap()
                })
                .unwrap_or(0);
            assert_eq!(got, want, "{lang} deadlines: {s}");
        }
        // Agency list and agency pages: the tasks each leads or answers for.
        let al = read(out, &format!("{lang}/agencies/index.html"));
        for a in &agencies {
            let mine = |r: &BTreeMap<String, String>| leads(r, a);
            let row_at = al.find(&format!("<tr data-agency=\"{a}\">")).unwrap();
            let row = &al[row_at..row_at + al[row_at..].find("</tr>").unwrap()];
            let page = read(out, &format!("{lang}/agencies/{a}/index.html"));
            let figs = figures(main_part(&page));
            for s in STATES.iter().chain(&["overdue"]) {
                let want = count(&mine, s);
                let cell = &row[row.find(&format!("data-state=\"{s}\">")).unwrap()..];
                let cell = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
                let cell: String = tags_text(cell);
                assert_eq!(
                    cell.parse::<usize>().unwrap(),
                    want,
                    "{lang} agency list {a}: {s}"
                );
                assert_eq!(
                    figs.get(*s).copied().unwrap_or(0),
                    want,
                    "{lang} agency page {a}: {s}"
                );
                let shown = list
                    .iter()
                    .filter(|r| has(&r["lead"], a) && has(&r["status"], s))
                    .count();
                assert_eq!(shown, want, "{lang} task list ?lead={a}&status={s}");
                checked += 1;
            }
        }
    }
    checked
}

/// Text of a fragment without its tags.
fn tags_text(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

#[test]
fn counts_agree_across_pages_and_files_on_the_shipped_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    build_ok(root, &out, &[]);
    assert!(counts_agree(&out) > 100);
}

#[test]
fn counts_agree_across_pages_and_files_on_the_rich_fixture() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(&fixture("rich"), &out, &[]);
    counts_agree(&out);
    // Every state is present in the fixture.
    let rows = tasks_csv(&out);
    // (no-deadline is covered by src/check/state.rs's unit tests.)
    for s in &STATES[..6] {
        assert!(
            rows.iter().any(|r| r["state"] == *s),
            "rich fixture has a {s} task"
        );
    }
    assert!(rows.iter().any(|r| r["overdue"] == "true"));
}

#[test]
fn feeds_and_calendar_are_linked_deterministic_and_dated_from_as_of() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build_ok(&fixture("rich"), &a, &[]);
    build_ok(&fixture("rich"), &b, &[]);
    for lang in LANGS {
        for rel in [
            format!("{lang}/updates/atom.xml"),
            format!("{lang}/agencies/mps/atom.xml"),
            format!("{lang}/deadlines/deadlines.ics"),
        ] {
            let x = std::fs::read(a.join(&rel)).unwrap_or_else(|_| panic!("{rel}"));
            assert_eq!(
                x,
                std::fs::read(b.join(&rel)).unwrap(),
                "{rel} is deterministic"
            );
        }
        // Linked with <link rel="alternate">: the language feed on every
        // page, the agency's own feed on its page.
        let home = read(&a, &format!("{lang}/index.html"));
        assert!(home.contains("<link rel=\"alternate\" type=\"application/atom+xml\""));
        assert!(home.contains(&format!("{lang}/updates/atom.xml\"")));
        let mps = read(&a, &format!("{lang}/agencies/mps/index.html"));
        assert!(
            mps.contains("agencies/mps/atom.xml\">"),
            "{lang}: mps links its feed"
        );
        let dl = read(&a, &format!("{lang}/deadlines/index.html"));
        assert!(
            dl.contains("deadlines/deadlines.ics\""),
            "{lang}: the calendar is linked"
        );
        // The feed: newest record first, dates from the records, never today.
        let feed = read(&a, &format!("{lang}/updates/atom.xml"));
        assert!(
            feed.contains("<updated>2026-01-01T00:00:00Z</updated>"),
            "{feed}"
        );
        let newest = feed.find("2026-01 ·").expect("the 2026-01 record");
        let oldest = feed.find("2021-03-29 ·").expect("the 2021 record");
        assert!(newest < oldest, "newest first");
        assert!(!feed.contains("<b>"), "text from data is escaped");
        // The MPS feed: records on its tasks (A.2 it leads, Đ.I it inherited).
        let mps_feed = read(&a, &format!("{lang}/agencies/mps/atom.xml"));
        assert!(
            mps_feed.contains("(A.2)") && mps_feed.contains("(Đ.I)"),
            "{mps_feed}"
        );
        // The calendar: upcoming milestones of tasks not done, stamped as_of.
        let ics = read(&a, &format!("{lang}/deadlines/deadlines.ics"));
        assert!(ics.contains("DTSTAMP:20260630T000000Z"));
        assert!(
            ics.contains("DTSTART;VALUE=DATE:20270630"),
            "A.2 due 2027-06-30"
        );
        assert!(!ics.contains("20200"), "nothing past");
        assert!(!ics.contains("UID:plan-a-a-3-"), "A.3 is done");
        assert!(ics.lines().all(|l| l.len() <= 76), "lines are folded");
    }
}
