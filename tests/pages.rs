//! The reader-facing summary pages built from the rich fixture: deadlines by
//! year (and the per-year slices), the home page's figures, the charts and
//! the record pages that lead with what matters. Expected values are read off
//! the fixture's data files by hand and written here, so a wrong count fails.

mod common;

use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LANGS: [&str; 2] = ["vi", "en"];

/// The rich fixture plus one task with milestones in two years (2019 and
/// 2022), so that a task appears under each year it is due.
fn build_with_phased_task() -> (tempfile::TempDir, PathBuf) {
    let (tmp, root) = copy_fixture("rich");
    let tasks = root.join("data/tasks/plan-a.yaml");
    let mut text = std::fs::read_to_string(&tasks).unwrap();
    text.push_str(
        r#"
- ref: "Đ.II"
  plan: plan-a
  text: { vi: "Hai giai đoạn", en: "Two phases" }
  lead: [mps]
  coordinating: [moj]
  due: [2019, 2022]
  status: in-progress
"#,
    );
    std::fs::write(&tasks, text).unwrap();
    let out = tmp.path().join("public");
    build_ok(&root, &out, &[]);
    (tmp, out)
}

fn build_rich() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(&fixture("rich"), &out, &[]);
    (tmp, out)
}

/// Each `<tr>` of a page's main part: its start tag and the markup up to `</tr>`.
fn rows(html: &str) -> Vec<(Tag, String)> {
    let main = main_part(html);
    let mut out = Vec::new();
    let mut rest = main;
    while let Some(i) = rest.find("<tr") {
        let seg = &rest[i..];
        let end = seg.find("</tr>").unwrap_or(seg.len());
        let row = &seg[..end];
        if let Some(tag) = tags(row).into_iter().next().filter(|t| t.name == "tr") {
            out.push((tag, row.to_string()));
        }
        rest = &seg[end.min(seg.len())..];
        if end == seg.len() {
            break;
        }
    }
    out
}

/// Text of a fragment without its tags, entities decoded.
fn text(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out)
}

/// The numbers in a table row, in order.
fn numbers(row: &str) -> Vec<usize> {
    text(row)
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect()
}

/// Task rows of a page: task id → the row's deadline state (from `state-…`).
fn task_states(out: &Path, page: &str) -> BTreeMap<String, String> {
    let html = read(out, page);
    let mut m = BTreeMap::new();
    for (tr, row) in rows(&html) {
        let Some(class) = tr.attr("class") else {
            continue;
        };
        let Some(state) = class
            .split_whitespace()
            .find_map(|c| c.strip_prefix("state-"))
        else {
            continue;
        };
        for a in tags(&row).into_iter().filter(|t| t.name == "a") {
            let target = a.attr("href").and_then(|h| resolve(page, h));
            if let Some(id) = target
                .as_deref()
                .and_then(|t| t.split_once("/tasks/"))
                .and_then(|(_, rest)| rest.strip_suffix("/index.html"))
            {
                m.insert(id.to_string(), state.to_string());
            }
        }
    }
    m
}

/// Rows carrying `data-<attr>`: value → the row's numbers.
fn counted_rows(out: &Path, page: &str, attr: &str) -> BTreeMap<String, Vec<usize>> {
    rows(&read(out, page))
        .into_iter()
        .filter_map(|(tr, row)| {
            tr.attr(attr).map(|v| {
                // Skip the digits of the row head (a year's own number).
                let body = row.find("</th>").map(|i| &row[i..]).unwrap_or(&row);
                (v.to_string(), numbers(body))
            })
        })
        .collect()
}

fn states(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn deadlines_list_the_right_tasks_per_year_with_overdue_marked() {
    let (_tmp, out) = build_with_phased_task();
    // as_of 2026-06-30. A.1 due 2020 in progress: overdue. E.1 due 2021 done.
    // A.3 due on as_of: upcoming. Đ.I due 2026-12-31: upcoming. A.2 due
    // 2027-06-30: upcoming. Đ.II due 2019 and 2022, in progress: overdue.
    // D.I recurs annually and has no year; headings are never listed.
    let want: BTreeMap<&str, BTreeMap<String, String>> = BTreeMap::from([
        ("2019", states(&[("plan-a-dd-ii", "overdue")])),
        ("2020", states(&[("plan-a-a-1", "overdue")])),
        ("2021", states(&[("plan-a-e-1", "done")])),
        ("2022", states(&[("plan-a-dd-ii", "overdue")])),
        (
            "2026",
            states(&[("plan-a-a-3", "upcoming"), ("plan-a-dd-i", "upcoming")]),
        ),
        ("2027", states(&[("plan-a-a-2", "upcoming")])),
    ]);
    for lang in LANGS {
        for (year, tasks) in &want {
            let page = format!("{lang}/deadlines/{year}/index.html");
            assert!(out.join(&page).is_file(), "missing {page}");
            assert_eq!(&task_states(&out, &page), tasks, "{page}");
        }
        // No page for a year without milestones.
        let years: BTreeSet<String> = std::fs::read_dir(out.join(lang).join("deadlines"))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let want_years: BTreeSet<String> = want.keys().map(|y| y.to_string()).collect();
        assert_eq!(years, want_years, "{lang}: one page per due year, no other");

        // The overview lists every year with its tasks, overdue marked.
        let overview = format!("{lang}/deadlines/index.html");
        let all = task_states(&out, &overview);
        assert_eq!(all.len(), 6, "{lang}: six dated tasks: {all:?}");
        assert_eq!(all["plan-a-a-1"], "overdue");
        assert_eq!(all["plan-a-dd-ii"], "overdue");
        assert_eq!(all["plan-a-a-3"], "upcoming");
        assert!(!all.contains_key("plan-a-d-i"), "recurring, no year");
        let links = local_links(&out, &overview);
        for year in want.keys() {
            assert!(
                links.contains(&format!("{lang}/deadlines/{year}/index.html")),
                "{lang}: overview links to {year}"
            );
        }
        // Per year on the overview: tasks, overdue, upcoming, done.
        let by_year = counted_rows(&out, &overview, "data-year");
        assert_eq!(by_year["2019"], vec![1, 1, 0, 0]);
        assert_eq!(by_year["2020"], vec![1, 1, 0, 0]);
        assert_eq!(by_year["2021"], vec![1, 0, 0, 1]);
        assert_eq!(by_year["2022"], vec![1, 1, 0, 0]);
        assert_eq!(by_year["2026"], vec![2, 0, 2, 0]);
        assert_eq!(by_year["2027"], vec![1, 0, 1, 0]);
        // The page says which date it counts from.
        assert!(main_part(&read(&out, &overview)).contains("2026-06-30"));
    }
}

#[test]
fn deadlines_count_tasks_per_agency() {
    let (_tmp, out) = build_with_phased_task();
    for lang in LANGS {
        // Answerable = lead, or the body that took over from an ended lead:
        // moj leads A.1 (overdue), A.3 (upcoming), E.1 (done);
        // mps leads A.2 (upcoming), Đ.II (overdue) and took over Đ.I from mic (upcoming);
        // mic (ended) led Đ.I. Coordinating roles are not counted.
        let overview = format!("{lang}/deadlines/index.html");
        let by_agency = counted_rows(&out, &overview, "data-agency");
        let want: BTreeMap<String, Vec<usize>> = BTreeMap::from([
            ("moj".to_string(), vec![3, 1, 1, 1]),
            ("mps".to_string(), vec![3, 1, 2, 0]),
            ("mic".to_string(), vec![1, 0, 1, 0]),
        ]);
        assert_eq!(by_agency, want, "{lang}: tasks, overdue, upcoming, done");
        let y2026 = counted_rows(
            &out,
            &format!("{lang}/deadlines/2026/index.html"),
            "data-agency",
        );
        let want: BTreeMap<String, Vec<usize>> = BTreeMap::from([
            ("moj".to_string(), vec![1, 0, 1, 0]),
            ("mps".to_string(), vec![1, 0, 1, 0]),
            ("mic".to_string(), vec![1, 0, 1, 0]),
        ]);
        assert_eq!(y2026, want, "{lang}: 2026 per agency");
    }
}

#[test]
fn deadlines_are_in_the_navigation_and_the_sitemap() {
    let (_tmp, out) = build_rich();
    let sitemap = read(&out, "sitemap.xml");
    for lang in LANGS {
        for p in ["deadlines/", "deadlines/2020/", "deadlines/2027/"] {
            assert!(
                sitemap.contains(&format!("/{lang}/{p}<")),
                "sitemap lists {lang}/{p}"
            );
        }
        let home = format!("{lang}/index.html");
        let html = read(&out, &home);
        let nav = &html[html.find("<nav class=\"main-nav\"").expect("main nav")..];
        let nav = &nav[..nav.find("</nav>").unwrap()];
        assert!(
            tags(nav)
                .iter()
                .filter_map(|t| t.attr("href"))
                .any(|h| resolve(&home, h).as_deref()
                    == Some(&format!("{lang}/deadlines/index.html"))),
            "{lang}: the main navigation links to the deadlines"
        );
    }
    let vi = main_part(&read(&out, "vi/deadlines/index.html")).to_string();
    assert!(
        vi.contains("Thời hạn") && vi.contains("quá hạn"),
        "Vietnamese page"
    );
}
