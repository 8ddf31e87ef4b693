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
    // More observations, so the charts have a line, a second series and a
    // second rating to draw.
    let values = root.join("data/indicator-values/values.yaml");
    let mut text = std::fs::read_to_string(&values).unwrap();
    text.push_str(
        r#"
- indicator: ind-women-deputies
  period: "2011-2015"
  value: "24.4"
- indicator: ind-women-deputies
  period: "2021"
  breakdown: "level=national"
  value: "30.26"
- indicator: ind-rated
  period: "2024"
  value: weak
  change: decrease
"#,
    );
    std::fs::write(&values, text).unwrap();
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
    // as_of 2026-06-30; states from the fixture's progress records.
    // A.1 due 2020, the UN says not started: overdue. E.1 due 2021, nothing
    // recorded (its own `status: done` is not counted): past deadline. A.3
    // due on as_of, done (legislature). Đ.I due 2026-12-31: upcoming. A.2
    // due 2027-06-30, in progress. Đ.II due 2019 and 2022, nothing recorded:
    // past deadline. D.I recurs annually and has no year; headings are never listed.
    let want: BTreeMap<&str, BTreeMap<String, String>> = BTreeMap::from([
        ("2019", states(&[("plan-a-dd-ii", "past-deadline")])),
        ("2020", states(&[("plan-a-a-1", "not-started")])),
        ("2021", states(&[("plan-a-e-1", "past-deadline")])),
        ("2022", states(&[("plan-a-dd-ii", "past-deadline")])),
        (
            "2026",
            states(&[("plan-a-a-3", "done"), ("plan-a-dd-i", "upcoming")]),
        ),
        ("2027", states(&[("plan-a-a-2", "in-progress")])),
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
        assert_eq!(all["plan-a-a-1"], "not-started");
        assert_eq!(all["plan-a-dd-ii"], "past-deadline");
        assert_eq!(all["plan-a-a-3"], "done");
        assert!(!all.contains_key("plan-a-d-i"), "recurring, no year");
        let links = local_links(&out, &overview);
        for year in want.keys() {
            assert!(
                links.contains(&format!("{lang}/deadlines/{year}/index.html")),
                "{lang}: overview links to {year}"
            );
        }
        // Per year on the overview: tasks, done, past deadline, upcoming, overdue.
        let by_year = counted_rows(&out, &overview, "data-year");
        assert_eq!(by_year["2019"], vec![1, 0, 1, 0, 0]);
        assert_eq!(by_year["2020"], vec![1, 0, 0, 0, 1]);
        assert_eq!(by_year["2021"], vec![1, 0, 1, 0, 0]);
        assert_eq!(by_year["2022"], vec![1, 0, 1, 0, 0]);
        assert_eq!(by_year["2026"], vec![2, 1, 0, 1, 0]);
        assert_eq!(by_year["2027"], vec![1, 0, 0, 0, 0]);
        // The page says which date it counts from.
        assert!(main_part(&read(&out, &overview)).contains("2026-06-30"));
    }
}

#[test]
fn deadlines_count_tasks_per_agency() {
    let (_tmp, out) = build_with_phased_task();
    for lang in LANGS {
        // Answerable = lead, or the body that took over from an ended lead:
        // moj leads A.1 (overdue), A.3 (done), E.1 (past deadline);
        // mps leads A.2 (in progress), Đ.II (past deadline) and took over Đ.I
        // from mic (upcoming); mic (ended) led Đ.I. Coordinating roles are not counted.
        let overview = format!("{lang}/deadlines/index.html");
        let by_agency = counted_rows(&out, &overview, "data-agency");
        let want: BTreeMap<String, Vec<usize>> = BTreeMap::from([
            ("moj".to_string(), vec![3, 1, 1, 0, 1]),
            ("mps".to_string(), vec![3, 0, 1, 1, 0]),
            ("mic".to_string(), vec![1, 0, 0, 1, 0]),
        ]);
        assert_eq!(
            by_agency, want,
            "{lang}: tasks, done, past deadline, upcoming, overdue"
        );
        let y2026 = counted_rows(
            &out,
            &format!("{lang}/deadlines/2026/index.html"),
            "data-agency",
        );
        let want: BTreeMap<String, Vec<usize>> = BTreeMap::from([
            ("moj".to_string(), vec![1, 1, 0, 0, 0]),
            ("mps".to_string(), vec![1, 0, 0, 1, 0]),
            ("mic".to_string(), vec![1, 0, 0, 1, 0]),
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

/// The inline SVG with this id on a page, from `<svg` to `</svg>`.
fn svg<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no chart #{id}"));
    let start = html[..at].rfind("<svg").expect("svg start");
    let end = html[start..].find("</svg>").expect("svg end") + start + 6;
    &html[start..end]
}

fn floats(s: &str) -> Vec<f64> {
    s.split_whitespace().map(|x| x.parse().unwrap()).collect()
}

/// A chart is an image with a name and a description, both in the page.
fn assert_accessible(svg: &str, id: &str) {
    let t = tags(svg);
    let root = &t[0];
    assert_eq!(root.attr("role"), Some("img"), "#{id} is an image");
    let labelled = root.attr("aria-labelledby").expect("aria-labelledby");
    for part in labelled.split_whitespace() {
        assert!(
            t.iter().any(|x| x.attr("id") == Some(part)),
            "#{id}: {part} is in the chart"
        );
    }
    assert!(
        svg.contains("<title") && svg.contains("<desc"),
        "#{id} has title and desc"
    );
}

#[test]
fn indicator_chart_draws_the_values_against_the_target() {
    let (_tmp, out) = build_with_phased_task();
    for lang in LANGS {
        let page = format!("{lang}/indicators/ind-women-deputies/index.html");
        let html = read(&out, &page);
        let chart = svg(&html, "chart-values");
        assert_accessible(chart, "chart-values");
        let t = tags(chart);
        let axis = floats(t[0].attr("data-y-axis").expect("y axis"));
        let (v0, p0, v1, p1) = (axis[0], axis[1], axis[2], axis[3]);
        let value_at = |y: f64| v0 + (y - p0) * (v1 - v0) / (p1 - p0);
        // The axis the reader sees (tick labels beside their gridlines) agrees.
        let mut ticks = 0;
        for tag in t
            .iter()
            .filter(|x| x.name == "text" && x.attr("text-anchor") == Some("end"))
        {
            let rest = &chart[tag.at..];
            let label = &rest[rest.find('>').unwrap() + 1..rest.find("</text>").unwrap()];
            // Tick labels are written in the page's language ("0,5" in vi).
            let plain = if lang == "vi" {
                label.replace('.', "").replace(',', ".")
            } else {
                label.replace(',', "")
            };
            if let Ok(v) = plain.parse::<f64>() {
                let y: f64 = tag.attr("y").unwrap().parse::<f64>().unwrap() - 4.0;
                assert!((value_at(y) - v).abs() < 0.01, "{lang}: tick {v} at {y}");
                ticks += 1;
            }
        }
        assert!(ticks >= 3, "{lang}: a labelled axis");
        // Each drawn mark read back through the axis: (series, period) → value.
        let mut drawn: BTreeMap<(String, String), f64> = BTreeMap::new();
        let mut series = String::new();
        for (i, tag) in t.iter().enumerate() {
            if tag.name == "g" && tag.attr("class") == Some("series") {
                series = tag.attr("data-series").unwrap().to_string();
            }
            if tag.name == "g" && tag.attr("class") == Some("point") {
                let mark = &t[i + 2]; // after <title>
                let y: f64 = match mark.name.as_str() {
                    "circle" => mark.attr("cy").unwrap().parse().unwrap(),
                    "rect" => mark.attr("y").unwrap().parse::<f64>().unwrap() + 4.0,
                    other => panic!("unexpected marker {other}"),
                };
                drawn.insert(
                    (series.clone(), tag.attr("data-period").unwrap().to_string()),
                    value_at(y),
                );
            }
        }
        // The fixture: 26.7 for the 2016-2020 term, 24.4 for 2011-2015, both
        // without breakdown; 30.26 for 2021 at level=national; the 2021
        // provincial row has no figure and is not drawn. Periods and
        // breakdowns are in words of the page's language (`national` has no
        // interface string, so it shows as written after the key's label).
        let (term, national) = if lang == "vi" {
            ("nhiệm kỳ 2016-2020", "Cấp: national")
        } else {
            ("2016-2020 term", "Level: national")
        };
        let want = [
            ("", "2011-2015", 24.4),
            ("", term, 26.7),
            (national, "2021", 30.26),
        ];
        assert_eq!(drawn.len(), want.len(), "{lang}: drawn {drawn:?}");
        // Figures read as the language writes numbers: a decimal comma on
        // Vietnamese pages (table and the marks' titles), a point in English.
        let main = &html[html.find("<main").unwrap()..];
        let (shown, not) = if lang == "vi" {
            ("30,26", "30.26")
        } else {
            ("30.26", "30,26")
        };
        assert!(main.contains(shown), "{lang}: {shown}");
        let visible = main.replace(&format!("data-value=\"{}\"", "30.26"), "");
        assert!(!visible.contains(not), "{lang}: {not} shown");
        let all = if lang == "vi" { "toàn bộ" } else { "all" };
        for (s, p, v) in want {
            let s = if s.is_empty() { all } else { s };
            let got = drawn[&(s.to_string(), p.to_string())];
            assert!(
                (got - v).abs() < 0.01,
                "{lang}: {s} {p} drawn at {got}, data {v}"
            );
        }
        // The target line (≥ 35 by 2025) sits at 35 and is labelled, not only dashed.
        let target = t
            .iter()
            .position(|x| x.attr("class") == Some("target"))
            .expect("a target line");
        let y: f64 = t[target + 1].attr("y1").unwrap().parse().unwrap();
        assert!(
            (value_at(y) - 35.0).abs() < 0.01,
            "{lang}: target at {}",
            value_at(y)
        );
        assert!(chart.contains("≥ 35 (2025)"), "{lang}: target labelled");
        // Periods run in time order on the axis.
        let a = chart.find(">2011-2015<").unwrap();
        let b = chart.find(&format!(">{term}<")).unwrap();
        let c = chart.find(">2021<").unwrap();
        assert!(a < b && b < c, "{lang}: periods in order");
        // A sentence stands for the chart, in the page's language.
        let caption = main_part(&html);
        let sentence = if lang == "vi" {
            "Biểu đồ đường của 3 giá trị đã ghi nhận, từ 2011-2015 đến 2021."
        } else {
            "Line chart of the 3 recorded values, from 2011-2015 to 2021."
        };
        assert!(caption.contains(sentence), "{lang}: chart summary");
    }
}

#[test]
fn rated_indicator_is_drawn_on_its_labelled_scale_with_its_change() {
    let (_tmp, out) = build_with_phased_task();
    for lang in LANGS {
        let html = read(&out, &format!("{lang}/indicators/ind-rated/index.html"));
        let chart = svg(&html, "chart-scale");
        assert_accessible(chart, "chart-scale");
        let t = tags(chart);
        let levels: Vec<&str> = t[0].attr("data-levels").unwrap().split(' ').collect();
        assert_eq!(levels, ["weak", "fair", "strong"]);
        let axis = floats(t[0].attr("data-x-axis").unwrap());
        let band_of = |x: f64| ((x - axis[0]) / axis[1]).floor() as usize;
        // 2022: fair, improved; 2024: weak, worsened.
        let mut got = Vec::new();
        for (i, tag) in t.iter().enumerate() {
            if tag.attr("class") == Some("rating") {
                let cx: f64 = t[i + 1].attr("cx").unwrap().parse().unwrap();
                got.push((
                    tag.attr("data-label").unwrap().to_string(),
                    levels[band_of(cx)].to_string(),
                ));
            }
        }
        assert_eq!(
            got,
            [
                ("2022".to_string(), "fair".to_string()),
                ("2024".into(), "weak".into())
            ],
            "{lang}"
        );
        let (fair, better, worse) = if lang == "vi" {
            ("trung bình", "cải thiện", "giảm so với")
        } else {
            ("fair", "improved", "worsened")
        };
        assert!(
            chart.contains(&format!(">{fair}<")),
            "{lang}: levels labelled in words"
        );
        assert!(
            chart.contains(better) && chart.contains(worse),
            "{lang}: change in words"
        );
    }
}

#[test]
fn agency_chart_draws_tasks_per_agency_by_status() {
    let (_tmp, out) = build_with_phased_task();
    for lang in LANGS {
        let page = format!("{lang}/agencies/index.html");
        let html = read(&out, &page);
        let chart = svg(&html, "chart-agencies");
        assert_accessible(chart, "chart-agencies");
        let t = tags(chart);
        let unit: f64 = floats(t[0].attr("data-x-axis").unwrap())[1];
        // Bar per agency: state → count read off the drawn width.
        let mut bars: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        let mut key = String::new();
        for tag in &t {
            if tag.attr("class") == Some("bar") {
                key = tag.attr("data-key").unwrap().to_string();
                bars.entry(key.clone()).or_default();
            }
            if tag.attr("class") == Some("seg") {
                let w: f64 = tag.attr("width").unwrap().parse().unwrap();
                let n = (w / unit).round() as usize;
                assert!((w / unit - n as f64).abs() < 0.01);
                assert_eq!(tag.attr("data-count"), Some(n.to_string().as_str()));
                assert!(
                    tag.attr("fill").unwrap().starts_with("url(#"),
                    "states are told by pattern, not colour alone"
                );
                bars.get_mut(&key)
                    .unwrap()
                    .insert(tag.attr("data-state").unwrap().to_string(), n);
            }
        }
        // Leads (headings aside): moj A.1 not started, A.3 done, D.I
        // recurring, E.1 past deadline; mps A.2 in progress, Đ.II past
        // deadline, Đ.I (taken over from mic) upcoming; mic Đ.I upcoming.
        let m = |pairs: &[(&str, usize)]| -> BTreeMap<String, usize> {
            pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
        };
        let want = BTreeMap::from([
            (
                "moj".to_string(),
                m(&[
                    ("not-started", 1),
                    ("done", 1),
                    ("recurring", 1),
                    ("past-deadline", 1),
                ]),
            ),
            (
                "mps".to_string(),
                m(&[("in-progress", 1), ("past-deadline", 1), ("upcoming", 1)]),
            ),
            ("mic".to_string(), m(&[("upcoming", 1)])),
        ]);
        assert_eq!(bars, want, "{lang}");
        // The table beside it gives the same figures (leads or answers for,
        // coordinating, then done, in progress, not started, past deadline,
        // upcoming, recurring, no date, and overdue).
        let rows = counted_rows(&out, &page, "data-agency");
        assert_eq!(
            rows["moj"],
            vec![4, 1, 1, 0, 1, 1, 0, 1, 0, 1],
            "{lang}: moj row"
        );
        assert_eq!(
            rows["mps"],
            vec![3, 2, 0, 1, 0, 1, 1, 0, 0, 0],
            "{lang}: mps row"
        );

        // The agency page: mps answers for A.2, Đ.II and (since mic ended) Đ.I.
        let html = read(&out, &format!("{lang}/agencies/mps/index.html"));
        let chart = svg(&html, "chart-agency");
        assert_accessible(chart, "chart-agency");
        let segs: BTreeMap<String, String> = tags(chart)
            .iter()
            .filter(|x| x.attr("class") == Some("seg"))
            .map(|x| {
                (
                    x.attr("data-state").unwrap().to_string(),
                    x.attr("data-count").unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            segs,
            BTreeMap::from([
                ("in-progress".into(), "1".into()),
                ("past-deadline".into(), "1".into()),
                ("upcoming".into(), "1".into())
            ]),
            "{lang}"
        );
    }
}

#[test]
fn agency_page_leads_with_its_tasks_by_state() {
    let (_tmp, out) = build_with_phased_task();
    for lang in LANGS {
        let page = format!("{lang}/agencies/mps/index.html");
        let html = read(&out, &page);
        let main = main_part(&html);
        let counts = main.find("id=\"h-states\"").expect("counts by state");
        let first = main.find("data-state-group=").expect("tasks by state");
        let about = main.find("id=\"h-about\"").expect("about section");
        let plans = main.find("id=\"h-plan-1\"").expect("tasks by plan");
        assert!(
            counts < first && first < about && about < plans,
            "{lang}: counts, tasks by state, then the rest"
        );
        let groups: Vec<&str> = main
            .match_indices("data-state-group=\"")
            .map(|(i, m)| {
                let rest = &main[i + m.len()..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect();
        assert_eq!(
            groups,
            ["in-progress", "past-deadline", "upcoming"],
            "{lang}"
        );
        let states = task_states(&out, &page);
        assert_eq!(states["plan-a-dd-ii"], "past-deadline");
        assert_eq!(states["plan-a-a-2"], "in-progress");
        assert_eq!(
            states["plan-a-dd-i"], "upcoming",
            "{lang}: inherited from mic"
        );
        let lead = tags(main)
            .into_iter()
            .find(|x| x.attr("data-counts").is_some())
            .expect("a lead line with counts");
        assert_eq!(
            lead.attr("data-counts"),
            Some("3 1 0"),
            "{lang}: total, tracked, overdue"
        );
        // Each count links to the task list filtered to the same rows.
        assert!(main.contains("tasks/?lead=mps&amp;status=past-deadline\""));
    }
}

#[test]
fn recommendation_page_shows_the_chain_to_agencies_and_deadlines() {
    let (_tmp, out) = build_rich();
    for lang in LANGS {
        // upr-3-38-1 is answered by E.1 (due 2021): lead moj (legal
        // drafting), coordinating mps (police data) and provinces.
        let page = format!("{lang}/recommendations/upr-3-38-1/index.html");
        let html = read(&out, &page);
        let main = main_part(&html);
        let at = main
            .find("data-task=\"plan-a-e-1\"")
            .expect("E.1 in the chain");
        let item = &main[at..main[at..].find("</li>").unwrap() + at];
        let links: BTreeSet<String> = tags(item)
            .iter()
            .filter_map(|x| x.attr("href").and_then(|h| resolve(&page, h)))
            .collect();
        for target in [
            "tasks/plan-a-e-1",
            "agencies/moj",
            "agencies/mps",
            "agencies/provinces",
        ] {
            assert!(
                links.contains(&format!("{lang}/{target}/index.html")),
                "{lang}: chain links to {target}"
            );
        }
        let text = text(item);
        assert!(text.contains("2021"), "{lang}: the deadline");
        // E.1's own `status: done` is not counted: nothing is recorded.
        let past = if lang == "vi" {
            "đã qua thời hạn, chưa ghi nhận hoàn thành"
        } else {
            "past deadline, no completion recorded"
        };
        assert!(text.contains(past), "{lang}: the state");
        let role = if lang == "vi" {
            "Cơ quan phối hợp"
        } else {
            "Coordinating agencies"
        };
        assert!(
            text.contains(role),
            "{lang}: coordinating agencies named as such"
        );
    }
}

#[test]
fn home_figures_equal_the_counts_in_the_data() {
    let (_tmp, out) = build_rich();
    for lang in LANGS {
        let page = format!("{lang}/index.html");
        let html = read(&out, &page);
        let main = main_part(&html);
        let figure = |name: &str| -> usize {
            let at = main
                .find(&format!("data-figure=\"{name}\""))
                .unwrap_or_else(|| panic!("{lang}: figure {name}"));
            let li = &main[at..main[at..].find("</li>").unwrap() + at];
            numbers(li)[0]
        };
        // 4 recommendations; 6 tasks that are not headings; 5 agencies;
        // as of 2026-06-30: A.1 not started and overdue, A.2 in progress,
        // A.3 done, D.I recurring, Đ.I upcoming, E.1 past deadline.
        assert_eq!(figure("recommendations"), 4, "{lang}");
        assert_eq!(figure("tasks"), 6, "{lang}");
        assert_eq!(figure("agencies"), 5, "{lang}");
        for s in [
            "done",
            "in-progress",
            "not-started",
            "past-deadline",
            "upcoming",
            "recurring",
            "overdue",
        ] {
            assert_eq!(figure(s), 1, "{lang}: {s}");
        }
        // Per mechanism: recommendations, follow-up.
        let mech = counted_rows(&out, &page, "data-mechanism");
        assert_eq!(mech["iccpr"], vec![2, 1]);
        assert_eq!(mech["cat"], vec![1, 0]);
        assert_eq!(mech["upr"], vec![1, 0]);
        // Per plan: tasks, done, past deadline, upcoming (numbers in the plan's symbol aside).
        let plans: BTreeMap<String, Vec<usize>> = rows(&html)
            .into_iter()
            .filter_map(|(tr, row)| {
                tr.attr("data-plan").map(|p| {
                    let body = &row[row.find("</td>").unwrap()..];
                    (p.to_string(), numbers(body))
                })
            })
            .collect();
        assert_eq!(plans["plan-a"], vec![6, 1, 1, 1], "{lang}");
        // Plan B's tasks are not transcribed: no figure is made up for it.
        assert_eq!(plans["plan-b"], Vec::<usize>::new(), "{lang}");
        let not_transcribed = if lang == "vi" {
            "chưa được nhập"
        } else {
            "not transcribed"
        };
        assert!(
            main.contains(not_transcribed),
            "{lang}: plan B is said to be not transcribed"
        );
        // Agencies with the most tasks led: moj 4, then mic and mps 1 each.
        let busiest: Vec<(String, usize)> = main
            .match_indices("<li data-agency=\"")
            .map(|(i, _)| {
                let li = &main[i..main[i..].find("</li>").unwrap() + i];
                let id = tags(li)[0].attr("data-agency").unwrap().to_string();
                (id, numbers(li)[0])
            })
            .collect();
        assert_eq!(
            busiest,
            [("moj".to_string(), 4), ("mic".into(), 1), ("mps".into(), 1)],
            "{lang}"
        );
        // Recent and upcoming deadlines, and a way to all of them.
        let links = local_links(&out, &page);
        assert!(
            links.contains(&format!("{lang}/tasks/plan-a-a-1/index.html")),
            "recorded A.1"
        );
        assert!(
            links.contains(&format!("{lang}/tasks/plan-a-a-2/index.html")),
            "recorded A.2"
        );
        assert!(links.contains(&format!("{lang}/deadlines/index.html")));
    }
}

#[test]
fn charts_escape_text_from_data() {
    let (tmp, root) = copy_fixture("rich");
    let values = root.join("data/indicator-values/values.yaml");
    let mut text = std::fs::read_to_string(&values).unwrap();
    text.push_str(
        "\n- indicator: ind-women-deputies\n  period: \"2023\"\n  breakdown: \"<script>alert(1)</script>\"\n  value: \"28\"\n",
    );
    std::fs::write(&values, text).unwrap();
    let out = tmp.path().join("public");
    build_ok(&root, &out, &[]);
    let html = read(&out, "en/indicators/ind-women-deputies/index.html");
    let chart = svg(&html, "chart-values");
    assert!(
        !chart.contains("<script>"),
        "no raw markup from data in the chart"
    );
    assert!(
        chart.contains("&lt;script&gt;"),
        "the breakdown is shown, escaped"
    );
}

#[test]
fn plans_list_makes_up_no_figures_for_a_plan_not_transcribed() {
    let (_tmp, out) = build_rich();
    for lang in LANGS {
        let html = read(&out, &format!("{lang}/plans/index.html"));
        let plans: BTreeMap<String, String> = rows(main_part(&html))
            .into_iter()
            .filter_map(|(tr, row)| tr.attr("data-plan").map(|p| (p.to_string(), row)))
            .collect();
        // Plan A: 6 tasks, 1 overdue as of 2026-06-30, the last two numbers of its row.
        let a = numbers(&plans["plan-a"]);
        assert!(a.ends_with(&[6, 1]), "{lang}: {a:?}");
        let b = &plans["plan-b"];
        let said = if lang == "vi" {
            "chưa được nhập"
        } else {
            "not transcribed"
        };
        assert!(b.contains(said), "{lang}: {b}");
        assert!(!b.contains(">0<"), "{lang}: no 0 made up for plan B: {b}");
    }
}

/// The rich fixture with coverage fields: UPR cycle III holds 291
/// recommendations (1 recorded), cycle IV is known but not entered.
fn build_with_coverage() -> (tempfile::TempDir, PathBuf) {
    let (tmp, root) = copy_fixture("rich");
    let docs = root.join("data/documents.csv");
    let text = std::fs::read_to_string(&docs).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let extra = match i {
            0 => ",recommendations_total,entered",
            _ if line.starts_with("upr-3,") => ",291,",
            _ => ",,",
        };
        out.push_str(line);
        out.push_str(extra);
        out.push('\n');
    }
    out.push_str("upr-4,,UPR chu kỳ IV,UPR cycle IV,upr-report,upr,IV,,,320,false\n");
    std::fs::write(&docs, out).unwrap();
    let out = tmp.path().join("public");
    build_ok(&root, &out, &[]);
    (tmp, out)
}

/// The coverage lines of a page: document id → (state, text).
fn coverage_lines(html: &str) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    for (i, _) in html.match_indices("<li data-coverage=\"") {
        let li = &html[i..];
        let li = &li[..li.find("</li>").unwrap()];
        let attr = |name: &str| {
            let at = li.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            li[at..at + li[at..].find('"').unwrap()].to_string()
        };
        out.insert(attr("data-document"), (attr("data-coverage"), text(li)));
    }
    out
}

#[test]
fn coverage_is_said_where_people_land() {
    let (_tmp, out) = build_with_coverage();
    for (lang, partial, recorded, not_entered, cycle) in [
        (
            "vi",
            "1 trên tổng số 291",
            "số khuyến nghị đã ghi nhận: 2",
            "chưa được nhập (văn kiện có 320 khuyến nghị)",
            "chu kỳ IV",
        ),
        (
            "en",
            "1 of 291",
            "recommendations recorded: 2",
            "not entered yet (the document holds 320 recommendations)",
            "cycle IV",
        ),
    ] {
        let home = read(&out, &format!("{lang}/index.html"));
        let lines = coverage_lines(&home);
        // Every review outcome, in mechanism order; decisions are not listed.
        assert_eq!(
            lines.keys().collect::<Vec<_>>(),
            ["cat-co1", "ccpr-co3", "upr-3", "upr-4"],
            "{lang}"
        );
        assert_eq!(lines["upr-3"].0, "partial");
        assert!(
            lines["upr-3"].1.contains(partial),
            "{lang}: {:?}",
            lines["upr-3"]
        );
        assert_eq!(lines["ccpr-co3"].0, "recorded");
        assert!(
            lines["ccpr-co3"].1.contains(recorded),
            "{:?}",
            lines["ccpr-co3"]
        );
        assert_eq!(lines["cat-co1"].0, "recorded");
        assert_eq!(lines["upr-4"].0, "not-entered");
        assert!(
            lines["upr-4"].1.contains(not_entered),
            "{:?}",
            lines["upr-4"]
        );
        assert!(lines["upr-4"].1.contains(cycle), "{:?}", lines["upr-4"]);
        // The mechanism page: its own documents only.
        let upr = coverage_lines(&read(&out, &format!("{lang}/mechanisms/upr/index.html")));
        assert_eq!(upr.keys().collect::<Vec<_>>(), ["upr-3", "upr-4"], "{lang}");
        assert_eq!(upr["upr-3"].0, "partial");
        assert!(upr["upr-3"].1.contains(partial));
        // A document's own page says it too.
        let doc = read(&out, &format!("{lang}/documents/upr-4/index.html"));
        assert!(
            doc.contains("data-coverage=\"not-entered\"") && text(&doc).contains(not_entered),
            "{lang}: the document page"
        );
        // A theme page says what its list can and cannot hold.
        let theme = coverage_lines(&read(
            &out,
            &format!("{lang}/themes/death-penalty/index.html"),
        ));
        assert_eq!(theme.len(), 4, "{lang}");
        assert!(theme["upr-4"].1.contains(not_entered));
        // Both filtered lists carry the note for an empty result, hidden
        // until no row is left.
        for list in ["tasks", "recommendations"] {
            let html = read(&out, &format!("{lang}/{list}/index.html"));
            let at = html.find("id=\"filter-empty\"").expect("empty-result note");
            assert!(html[at..at + 80].contains("hidden"), "{list}");
            let lines = coverage_lines(&html[at..]);
            assert!(lines["upr-3"].1.contains(partial), "{lang} {list}");
        }
    }
}

/// The text of the element that starts at `html[at..]` up to `end`.
fn cut<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let at = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} in page"));
    let rest = &html[at..];
    &rest[..rest.find(end).map_or(rest.len(), |e| e + end.len())]
}

#[test]
fn indicators_index_groups_by_source_with_latest_value_year_and_target() {
    let (_tmp, out) = build_rich();
    for (lang, term, old, no_source) in [
        (
            "vi",
            "nhiệm kỳ 2016-2020",
            "Số liệu từ 2016–2020; chưa ghi nhận số liệu mới hơn.",
            "Không ghi văn bản nguồn",
        ),
        (
            "en",
            "2016-2020 term",
            "Data from 2016–2020; nothing newer recorded.",
            "No source document given",
        ),
    ] {
        let html = read(&out, &format!("{lang}/indicators/index.html"));
        // One group per source document, the indicators without one last.
        let rated = cut(&html, "data-source=\"cat-co1\"", "</section>");
        assert!(
            rated.contains("CAT/C/VNM/CO/1") && rated.contains("2018-12-28"),
            "{lang}: source named with symbol and date"
        );
        let rest = &html[html.find("data-source=\"cat-co1\"").unwrap()..];
        let unsourced = cut(rest, no_source, "</section>");
        let row = text(cut(
            unsourced,
            "<tr data-indicator=\"ind-women-deputies\"",
            "</tr>",
        ));
        // Latest value with its unit, its period in words, the target as printed.
        let value = if lang == "vi" { "26,7%" } else { "26.7%" };
        assert!(row.contains(value), "{lang}: {row}");
        assert!(row.contains(term), "{lang}: {row}");
        assert!(row.contains("≥ 35 (2025)"), "{lang}: {row}");
        // 2020 is more than three years before as_of (2026-06-30): said.
        assert!(text(unsourced).contains(old), "{lang}: {}", text(unsourced));
        // The rated indicator: its level and how it changed.
        let row = text(cut(rated, "<tr data-indicator=\"ind-rated\"", "</tr>"));
        let (fair, higher) = if lang == "vi" {
            ("trung bình", "cao hơn")
        } else {
            ("fair", "higher")
        };
        assert!(
            row.contains(fair) && row.contains(higher) && row.contains("2022"),
            "{lang}: {row}"
        );
    }
}

#[test]
fn rated_indicators_summarise_their_change_between_assessments() {
    // The phased fixture adds a 2024 rating (weak, lower than before).
    let (_tmp, out) = build_with_phased_task();
    for (lang, caption) in [
        ("vi", "Xếp hạng năm 2024 và thay đổi so với năm 2022"),
        ("en", "Ratings in 2024, and change since 2022"),
    ] {
        let html = read(&out, &format!("{lang}/indicators/index.html"));
        let table = cut(&html, "<table class=\"indicator-summary\">", "</table>");
        assert!(text(table).contains(caption), "{lang}: {}", text(table));
        // level → [rated, unchanged, higher, lower]
        let counts = |level: &str| numbers(cut(table, &format!("data-level=\"{level}\""), "</tr>"));
        assert_eq!(counts("weak"), [1, 0, 0, 1], "{lang}");
        assert_eq!(counts("fair"), [0, 0, 0, 0], "{lang}");
        assert_eq!(counts("total"), [1, 0, 0, 1], "{lang}");
    }
}

#[test]
fn vietnamese_indicator_pages_show_no_raw_keys_or_english_periods() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(Path::new(env!("CARGO_MANIFEST_DIR")), &out, &[]);
    let dir = out.join("vi/indicators");
    let mut pages = vec![dir.join("index.html")];
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        if e.path().is_dir() {
            pages.push(e.path().join("index.html"));
        }
    }
    pages.push(out.join("vi/themes/gender-equality/index.html"));
    assert!(pages.len() > 80, "{} pages", pages.len());
    for p in &pages {
        let html = std::fs::read_to_string(p).unwrap();
        let main = text(cut(&html, "<main", "</main>"));
        for raw in [
            "level=",
            "sex=",
            "stage=",
            "form=",
            "area=",
            "institution=",
            " term",
            "undated",
            "live births",
            "boys per",
        ] {
            assert!(
                !main.contains(raw),
                "{}: {raw:?} on a Vietnamese page",
                p.display()
            );
        }
    }
    // The gender-equality figures end in 2020 (the 2016-2020 term): old as
    // of 2026, and said so on the indicator page and the index.
    let page = read(&out, "vi/indicators/ge-1-1-female-deputies/index.html");
    assert!(page.contains("chưa ghi nhận số liệu mới hơn"), "age said");
    assert!(page.contains("nhiệm kỳ 2011-2016"));
}

/// The agency list is in each language's alphabetical order of the names
/// shown (Vietnamese collation on Vietnamese pages), not in data order.
#[test]
fn agency_list_is_alphabetical_in_each_language() {
    let (_tmp, out) = build_rich();
    let order = |lang: &str| -> Vec<String> {
        let html = std::fs::read_to_string(out.join(lang).join("agencies/index.html")).unwrap();
        let table = &html[html.find("<table class=\"agencies").expect("agency table")..];
        table
            .split("<tr data-agency=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_string())
            .collect()
    };
    assert_eq!(order("vi"), ["mps", "molisa", "mic", "moj", "provinces"]);
    assert_eq!(order("en"), ["mic", "moj", "molisa", "mps", "provinces"]);
}

/// Recommendations are named the same way on their page, in lists and in
/// search: source, paragraph (or "not confirmed") and subject; never "None".
#[test]
fn a_recommendation_has_one_label_everywhere() {
    let (_tmp, out) = build_rich();
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    let mut checked = 0;
    for lang in ["vi", "en"] {
        let dir = out.join(lang).join("recommendations");
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            if !e.path().is_dir() {
                continue;
            }
            let id = e.file_name().into_string().unwrap();
            let html = read(&format!("{lang}/recommendations/{id}/index.html"));
            let h1 = &html[html.find("<h1>").unwrap() + 4..html.find("</h1>").unwrap()];
            assert!(!h1.is_empty() && !h1.contains("None"), "{lang}/{id}: {h1}");
            assert!(
                h1.contains('¶'),
                "{lang}/{id}: the heading names the paragraph: {h1}"
            );
            // The list of recommendations links to it with the same words.
            let list = read(&format!("{lang}/recommendations/index.html"));
            assert!(
                list.contains(&format!("{id}/\">{h1}</a>")),
                "{lang}/{id}: the list's link reads {h1}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 4, "{checked} recommendations checked");
}
