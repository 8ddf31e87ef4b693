//! Long lists are cut into pages (site contract: `<list>/page/<n>/`): a
//! copy of the rich fixture grown past a page's worth of recommendations,
//! tasks and agencies. Every record is reachable from its list's pages,
//! the pagers reach every page, no page holds more rows than a page's
//! worth, and the filter options of a paged list are in its JSON file.

mod common;

use common::*;
use std::collections::{BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::path::Path;

const RECS: usize = 170;
const TASKS: usize = 160;
const AGENCIES: usize = 150;
/// Indicators sourced from one document (`ccpr-co3`), so its group on the
/// indicators page runs over a page edge.
const INDICATORS: usize = 160;
/// Progress records, one on each grown task (so one per grown agency, and
/// all on ICCPR recommendations).
const PROGRESS: usize = 160;
/// Documents (decisions, outside the review outcomes' coverage), for the
/// document list.
const DOCUMENTS: usize = 150;
/// Rows of a list page (`PER_PAGE` in pages.rs) and of a page with several
/// lists (`PER_PAGE_LISTS`).
const PER_PAGE: usize = 150;
const PER_PAGE_LISTS: usize = 100;

/// The rich fixture plus `RECS` recommendations (ICCPR, theme `torture`),
/// `TASKS` tasks of plan B answering them, led by `AGENCIES` new agencies.
fn grown() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, root) = copy_fixture("rich");
    let data = root.join("data");
    let mut recs = String::new();
    for i in 0..RECS {
        writeln!(
            recs,
            "- id: gen-rec-{i}\n  mechanism: iccpr\n  document: ccpr-co3\n  paragraph: \"{}\"\n  text: {{ vi: \"Khuyến nghị số {i}\", en: \"Recommendation {i}\" }}\n  themes: [torture]",
            100 + i
        )
        .unwrap();
    }
    std::fs::write(data.join("recommendations/gen.yaml"), recs).unwrap();
    let mut agencies = String::new();
    for i in 0..AGENCIES {
        writeln!(
            agencies,
            "- id: gen-agency-{i}\n  name: {{ vi: \"Cơ quan số {i}\", en: \"Agency {i}\" }}"
        )
        .unwrap();
    }
    std::fs::write(data.join("agencies/gen.yaml"), agencies).unwrap();
    let mut tasks = String::new();
    for i in 0..TASKS {
        writeln!(
            tasks,
            "- ref: \"G.{i}\"\n  plan: plan-b\n  text: {{ vi: \"Nhiệm vụ số {i}\", en: \"Task {i}\" }}\n  lead: [gen-agency-{}]\n  due: [2030]\n  recommendations: [gen-rec-{i}]\n  themes: [torture]",
            i % AGENCIES
        )
        .unwrap();
    }
    std::fs::write(data.join("tasks/gen.yaml"), tasks).unwrap();
    let mut inds = String::new();
    for i in 0..INDICATORS {
        writeln!(
            inds,
            "- id: gen-ind-{i}\n  title: {{ vi: \"Chỉ số số {i}\", en: \"Indicator {i}\" }}\n  source: ccpr-co3"
        )
        .unwrap();
    }
    let fixture = std::fs::read_to_string(data.join("indicators.yaml")).unwrap();
    std::fs::write(data.join("indicators.yaml"), fixture + &inds).unwrap();
    let mut progress = String::new();
    for i in 0..PROGRESS {
        writeln!(
            progress,
            "- id: gen-progress-{i}\n  date: \"2025-{:02}-{:02}\"\n  tasks: [plan-b-g-{i}]\n  recommendations: [gen-rec-{i}]\n  status: in-progress\n  text: {{ vi: \"Đang thực hiện {i}\", en: \"Under way {i}\" }}\n  by: government\n  source: ccpr-co3",
            1 + i % 12,
            1 + i % 28
        )
        .unwrap();
    }
    std::fs::write(data.join("progress/gen.yaml"), progress).unwrap();
    let mut docs = std::fs::read_to_string(data.join("documents.csv")).unwrap();
    for i in 0..DOCUMENTS {
        writeln!(
            docs,
            "gen-doc-{i},{i}/QĐ,Quyết định {i},Decision {i},decision,,,2020-01-01,"
        )
        .unwrap();
    }
    std::fs::write(data.join("documents.csv"), docs).unwrap();
    (tmp, root)
}

/// Every page of the list at `base` (`en/tasks/`) reached by following
/// pager links from its first page.
fn pages_of(out: &Path, base: &str) -> BTreeSet<String> {
    let first = format!("{base}index.html");
    let mut seen = BTreeSet::from([first.clone()]);
    let mut todo = VecDeque::from([first]);
    while let Some(page) = todo.pop_front() {
        let html = read(out, &page);
        let pager: String = html
            .split("<nav class=\"pager\"")
            .skip(1)
            .map(|s| s.split("</nav>").next().unwrap_or(""))
            .collect();
        for tag in tags(&pager) {
            if let Some(href) = tag.attr("href")
                && let Some(target) = resolve(&page, href)
                && seen.insert(target.clone())
            {
                todo.push_back(target);
            }
        }
    }
    seen
}

/// The record pages (`en/<section>/<id>/index.html`) linked from `pages`.
fn linked(out: &Path, pages: &BTreeSet<String>, section: &str) -> BTreeSet<String> {
    pages
        .iter()
        .flat_map(|p| local_links(out, p))
        .filter(|l| {
            let parts: Vec<&str> = l.split('/').collect();
            parts.len() == 4 && parts[1] == section && parts[2] != "page"
        })
        .collect()
}

/// Rows of the tables of a page.
fn rows(out: &Path, page: &str) -> usize {
    let html = read(out, page);
    let main = main_part(&html);
    main.split("<tbody>")
        .skip(1)
        .map(|b| {
            b.split("</tbody>")
                .next()
                .unwrap_or("")
                .matches("<tr")
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn long_lists_are_paged_and_every_record_is_on_some_page() {
    let (_tmp, root) = grown();
    let out = root.join("public");
    build_ok(&root, &out, &[]);

    for lang in ["en", "vi"] {
        // Recommendations: the fixture's own plus the grown ones.
        let base = format!("{lang}/recommendations/");
        let pages = pages_of(&out, &base);
        let total_recs = RECS + 5;
        assert_eq!(pages.len(), total_recs.div_ceil(PER_PAGE), "{pages:?}");
        assert!(pages.contains(&format!("{base}page/2/index.html")));
        let recs = linked(&out, &pages, "recommendations");
        for i in 0..RECS {
            let page = format!("{lang}/recommendations/gen-rec-{i}/index.html");
            assert!(recs.contains(&page), "{page} is on no page of the list");
        }
        for p in &pages {
            let n = rows(&out, p);
            assert!(n <= PER_PAGE, "{p}: {n} rows");
        }

        // Tasks: every grown task on some page of the task list.
        let pages = pages_of(&out, &format!("{lang}/tasks/"));
        assert!(pages.len() >= TASKS.div_ceil(PER_PAGE), "{pages:?}");
        let tasks = linked(&out, &pages, "tasks");
        for i in 0..TASKS {
            let page = format!("{lang}/tasks/plan-b-g-{i}/index.html");
            assert!(
                tasks.contains(&page),
                "{page} is on no page of the task list"
            );
        }
        for p in &pages {
            assert!(rows(&out, p) <= PER_PAGE, "{p}");
        }

        // Agencies: every agency on some page of the list.
        let pages = pages_of(&out, &format!("{lang}/agencies/"));
        assert!(
            pages.len() >= AGENCIES.div_ceil(PER_PAGE_LISTS),
            "{pages:?}"
        );
        for p in &pages {
            assert!(rows(&out, p) <= PER_PAGE_LISTS, "{p}");
        }
        let agencies = linked(&out, &pages, "agencies");
        for i in 0..AGENCIES {
            let page = format!("{lang}/agencies/gen-agency-{i}/index.html");
            assert!(
                agencies.contains(&page),
                "{page} is on no page of the agency list"
            );
        }

        // A theme's page: each of its lists cut alike.
        let pages = pages_of(&out, &format!("{lang}/themes/torture/"));
        assert!(pages.len() >= RECS.div_ceil(PER_PAGE_LISTS), "{pages:?}");
        let recs = linked(&out, &pages, "recommendations");
        let tasks = linked(&out, &pages, "tasks");
        for i in 0..RECS {
            assert!(recs.contains(&format!("{lang}/recommendations/gen-rec-{i}/index.html")));
        }
        for i in 0..TASKS {
            assert!(tasks.contains(&format!("{lang}/tasks/plan-b-g-{i}/index.html")));
        }
        for p in &pages {
            assert!(rows(&out, p) <= PER_PAGE_LISTS, "{p}");
        }

        // A mechanism's and a plan's pages.
        let pages = pages_of(&out, &format!("{lang}/mechanisms/iccpr/"));
        assert!(pages.len() >= RECS.div_ceil(PER_PAGE_LISTS));
        let recs = linked(&out, &pages, "recommendations");
        assert!(recs.len() >= RECS, "{}", recs.len());
        let pages = pages_of(&out, &format!("{lang}/plans/plan-b/"));
        assert!(pages.len() >= TASKS.div_ceil(PER_PAGE_LISTS));
        assert!(linked(&out, &pages, "tasks").len() >= TASKS);

        // Every due year's page and the deadlines index.
        let pages = pages_of(&out, &format!("{lang}/deadlines/2030/"));
        assert!(pages.len() >= TASKS.div_ceil(PER_PAGE_LISTS));
        assert!(linked(&out, &pages, "tasks").len() >= TASKS);
        let pages = pages_of(&out, &format!("{lang}/deadlines/"));
        assert!(linked(&out, &pages, "tasks").len() >= TASKS);
    }

    for lang in ["en", "vi"] {
        // Indicators: a source's group runs over the page edge, its
        // heading on both pages; every indicator on some page.
        let pages = pages_of(&out, &format!("{lang}/indicators/"));
        assert_eq!(pages.len(), 2, "{pages:?}");
        let inds = linked(&out, &pages, "indicators");
        for i in 0..INDICATORS {
            let page = format!("{lang}/indicators/gen-ind-{i}/index.html");
            assert!(inds.contains(&page), "{page} is on no page of the list");
        }
        assert!(inds.contains(&format!("{lang}/indicators/ind-rated/index.html")));
        for p in &pages {
            let html = read(&out, p);
            assert!(html.contains("data-source=\"ccpr-co3\""), "{p}");
            let n = main_part(&html).matches("<tr data-indicator=").count();
            assert!(n <= PER_PAGE, "{p}: {n} rows");
        }

        // Documents: every one on some page of the list.
        let pages = pages_of(&out, &format!("{lang}/documents/"));
        assert_eq!(pages.len(), 2, "{pages:?}");
        let docs = linked(&out, &pages, "documents");
        for i in 0..DOCUMENTS {
            assert!(docs.contains(&format!("{lang}/documents/gen-doc-{i}/index.html")));
        }
        for p in &pages {
            assert!(rows(&out, p) <= PER_PAGE, "{p}");
        }

        // Updates: every record on some page of the list, newest first
        // across pages; each agency's and mechanism's list paged alike.
        let pages = pages_of(&out, &format!("{lang}/updates/"));
        assert!(pages.len() >= 2, "{pages:?}");
        let mut seen = Vec::new();
        for p in ["index.html", "page/2/index.html"] {
            let html = read(&out, &format!("{lang}/updates/{p}"));
            let ids: Vec<String> = tags(main_part(&html))
                .into_iter()
                .filter_map(|t| t.attr("data-record").map(str::to_string))
                .collect();
            assert!(ids.len() <= PER_PAGE, "{p}: {}", ids.len());
            seen.extend(ids);
        }
        for i in 0..PROGRESS {
            assert!(
                seen.contains(&format!("gen-progress-{i}")),
                "gen-progress-{i}"
            );
        }
        assert_eq!(
            seen.iter()
                .find(|x| x.starts_with("gen-"))
                .map(String::as_str),
            Some("gen-progress-83"),
            "newest first (2025-12-28)"
        );
        let pages = pages_of(&out, &format!("{lang}/updates/mechanism/iccpr/"));
        assert!(pages.len() >= 2, "{pages:?}");
        assert!(
            local_links(&out, &format!("{lang}/agencies/gen-agency-7/index.html"))
                .contains(&format!("{lang}/updates/agency/gen-agency-7/index.html"))
        );
    }
    // More agencies with updates than a page's worth: the slices lead to
    // the agency list (each agency's page links its updates), and the
    // filter options of the paged list are in its JSON file.
    let html = read(&out, "en/updates/page/2/index.html");
    assert!(html.contains("Every agency, each with its own page"));
    assert!(!html.contains("updates/agency/gen-agency-1/"));
    assert!(
        html.contains("data-options=\"../../../../en/updates/filters.json\""),
        "{html}"
    );
    assert!(!html.contains("<option value=\"gen-agency-1\""));
    let json = format!(
        "{:?}",
        parse_json(&read(&out, "en/updates/filters.json")).unwrap()
    );
    assert!(
        json.contains("gen-agency-1") && json.contains("Agency 1"),
        "{json}"
    );

    // Page 2 says where it is: its title, the current page in the pager,
    // links to the previous and the next page, the language switch to the
    // same page.
    let html = read(&out, "en/tasks/page/2/index.html");
    assert!(html.contains("(Page 2) ·"), "title names the page");
    assert!(
        html.contains("aria-current=\"page\"><span class=\"visually-hidden\">Page </span>2</span>")
    );
    assert!(html.contains("rel=\"prev\""));
    assert!(html.contains("Rows 151–"));
    assert!(
        html.contains("hreflang=\"vi\" href=\"/vi/tasks/page/2/\""),
        "alternates"
    );
    assert!(
        html.contains("../../../../vi/tasks/page/2/"),
        "language switch"
    );

    // Paged lists keep their filter options in a JSON file, not on each page.
    let html = read(&out, "en/tasks/index.html");
    assert!(
        html.contains("data-options=\"../../en/tasks/filters.json\""),
        "{html}"
    );
    assert!(!html.contains("<option value=\"gen-agency-1\""));
    let json = parse_json(&read(&out, "en/tasks/filters.json")).unwrap();
    let text = format!("{json:?}");
    assert!(text.contains("gen-agency-1"), "{text}");
    assert!(text.contains("Agency 1"), "{text}");
    // The coverage of the review outcomes (one row each) is on the home
    // page and a mechanism's first page, not repeated on every page of a
    // list: a paged list's "no row matches" note links it.
    assert!(html.contains("../../en/#h-coverage"), "{html}");
    assert!(!html.contains("data-coverage="));
    assert!(read(&out, "en/index.html").contains("data-coverage="));
    assert!(read(&out, "en/mechanisms/iccpr/index.html").contains("data-coverage="));
    assert!(!read(&out, "en/mechanisms/iccpr/page/2/index.html").contains("data-coverage="));
    let theme = read(&out, "en/themes/torture/index.html");
    assert!(theme.contains("../../../en/#h-coverage") && !theme.contains("data-coverage="));
    // With many agencies, the no-JS slice links lead to the agency list.
    assert!(html.contains("Every agency, each with its own page"));

    // Not pages: the JSON files are not in the sitemap.
    assert!(!read(&out, "sitemap.xml").contains("filters.json"));
    assert!(read(&out, "sitemap.xml").contains("en/tasks/page/2/"));

    // Every link of every page, pagers included, leads to a file.
    assert!(check_links(&out, "/") > 0);
}

#[test]
fn short_lists_stay_on_one_page() {
    let (_tmp, root) = copy_fixture("rich");
    let out = root.join("public");
    build_ok(&root, &out, &[]);
    let all = files(&out);
    let paged: Vec<&String> = all.keys().filter(|k| k.contains("/page/")).collect();
    assert!(paged.is_empty(), "{paged:?}");
    assert!(!all.keys().any(|k| k.ends_with("filters.json")));
    let html = read(&out, "en/tasks/index.html");
    assert!(!html.contains("class=\"pager\""));
    assert!(!html.contains("data-options"));
    assert!(html.contains("<option value=\"moj\""));
}
