//! The filters of the task and recommendation lists (CONTRACT.md): the form,
//! the `data-*` values of each row checked against the rich fixture's data,
//! and the no-JS slice pages the lists link to.

mod common;

use common::*;
use std::collections::BTreeMap;

const LANGS: [&str; 2] = ["vi", "en"];

fn build_rich() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(&fixture("rich"), &out, &[]);
    (tmp, out)
}

/// The rows of the list tables on a page: the id of the record each row
/// links to first (`.../<section>/<id>/`) → the row's `data-*` attributes.
fn rows(html: &str, section: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let tags = tags(main_part(html));
    let mut out = BTreeMap::new();
    let mut current: Option<BTreeMap<String, String>> = None;
    for t in &tags {
        match t.name.as_str() {
            "tr" => {
                current = Some(
                    t.attrs
                        .iter()
                        .filter_map(|(k, v)| k.strip_prefix("data-").map(|k| (k.into(), v.clone())))
                        .collect(),
                )
            }
            "a" => {
                let href = t.attr("href").unwrap_or("");
                let marker = format!("{section}/");
                if let (Some(pos), Some(_)) = (href.rfind(&marker), current.as_ref()) {
                    let id = href[pos + marker.len()..].trim_end_matches('/');
                    if !id.is_empty() && !id.contains('/') {
                        out.insert(id.to_string(), current.take().unwrap());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The options of each `<select>` of the filter form: name → values.
fn selects(html: &str) -> BTreeMap<String, Vec<String>> {
    let main = main_part(html);
    let start = main.find("<form id=\"filters\"").expect("the filter form");
    let end = start + main[start..].find("</form>").unwrap();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut name = String::new();
    for t in tags(&main[start..end]) {
        if t.name == "select" {
            name = t.attr("name").unwrap().to_string();
            out.insert(name.clone(), Vec::new());
        } else if t.name == "option" {
            let v = t.attr("value").unwrap();
            if !v.is_empty() {
                out.get_mut(&name).unwrap().push(v.to_string());
            }
        }
    }
    out
}

#[test]
fn task_rows_carry_their_filter_values() {
    let (_tmp, out) = build_rich();
    for lang in LANGS {
        let html = read(&out, &format!("{lang}/tasks/index.html"));
        let rows = rows(&html, "tasks");
        // Plan A answers the ICCPR and CAT; E.1 also answers a UPR recommendation.
        let iccpr_cat = "cat iccpr";
        let want = [
            (
                "plan-a-a-1",
                attrs(&[
                    ("depth", "1"),
                    ("plan", "plan-a"),
                    ("mechanism", iccpr_cat),
                    ("theme", "death-penalty"),
                    ("agency", "moj mps"),
                    ("lead", "moj"),
                    ("status", "not-started overdue"),
                    ("year", "2020"),
                ]),
            ),
            (
                // Its theme comes from the recommendation it answers.
                "plan-a-a-2",
                attrs(&[
                    ("depth", "1"),
                    ("plan", "plan-a"),
                    ("mechanism", iccpr_cat),
                    ("theme", "torture"),
                    ("agency", "mps"),
                    ("lead", "mps"),
                    ("status", "in-progress"),
                    ("year", "2027"),
                ]),
            ),
            (
                "plan-a-a-3",
                attrs(&[
                    ("depth", "1"),
                    ("plan", "plan-a"),
                    ("mechanism", iccpr_cat),
                    ("theme", ""),
                    ("agency", "moj"),
                    ("lead", "moj"),
                    ("status", "done"),
                    ("year", "2026"),
                ]),
            ),
            (
                "plan-a-d-i",
                attrs(&[
                    ("depth", "1"),
                    ("plan", "plan-a"),
                    ("mechanism", iccpr_cat),
                    ("theme", ""),
                    ("agency", "moj"),
                    ("lead", "moj"),
                    ("status", "recurring"),
                    ("year", ""),
                ]),
            ),
            (
                // MIC has ended; MPS, its successor, answers for the task today.
                "plan-a-dd-i",
                attrs(&[
                    ("depth", "1"),
                    ("plan", "plan-a"),
                    ("mechanism", iccpr_cat),
                    ("theme", ""),
                    ("agency", "mic mps"),
                    ("lead", "mic mps"),
                    ("status", "upcoming"),
                    ("year", "2026"),
                ]),
            ),
            (
                "plan-a-e-1",
                attrs(&[
                    ("depth", "1"),
                    ("plan", "plan-a"),
                    ("mechanism", "cat iccpr upr"),
                    ("theme", "nhri"),
                    ("agency", "moj mps provinces"),
                    ("lead", "moj"),
                    ("status", "past-deadline"),
                    ("year", "2021"),
                ]),
            ),
            ("plan-a-a", attrs(&[("depth", "0"), ("heading", "")])),
            ("plan-a-dd", attrs(&[("depth", "0"), ("heading", "")])),
        ];
        for (id, attrs) in want {
            assert_eq!(rows.get(id), Some(&attrs), "{lang}/tasks/: row of {id}");
        }
        assert_eq!(rows.len(), 10, "{lang}/tasks/: every task has a row");
    }
}

#[test]
fn recommendation_rows_carry_their_filter_values() {
    let (_tmp, out) = build_rich();
    for lang in LANGS {
        let html = read(&out, &format!("{lang}/recommendations/index.html"));
        let rows = rows(&html, "recommendations");
        let want = [
            (
                "iccpr-death-penalty",
                attrs(&[
                    ("mechanism", "iccpr"),
                    ("theme", "death-penalty"),
                    ("agency", "moj mps"),
                    ("plan", "plan-a"),
                    ("year", "2020"),
                    ("followup", "yes"),
                ]),
            ),
            (
                "iccpr-nhri",
                attrs(&[
                    ("mechanism", "iccpr"),
                    ("theme", "nhri"),
                    ("agency", "moj mps provinces"),
                    ("plan", "plan-a"),
                    ("year", "2021"),
                    ("followup", "no"),
                ]),
            ),
            (
                "cat-torture-investigations",
                attrs(&[
                    ("mechanism", "cat"),
                    ("theme", "torture"),
                    ("agency", "mps"),
                    ("plan", "plan-a"),
                    ("year", "2027"),
                    ("followup", "no"),
                ]),
            ),
            (
                "upr-3-38-1",
                attrs(&[
                    ("mechanism", "upr"),
                    ("theme", "nhri"),
                    ("agency", "moj mps provinces"),
                    ("plan", "plan-a"),
                    ("year", "2021"),
                    ("followup", "no"),
                ]),
            ),
        ];
        for (id, attrs) in want {
            assert_eq!(
                rows.get(id),
                Some(&attrs),
                "{lang}/recommendations/: row of {id}"
            );
        }
        assert_eq!(rows.len(), 4);
    }
}

#[test]
fn filter_forms_offer_what_the_rows_have() {
    let (_tmp, out) = build_rich();
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for lang in LANGS {
        let tasks = read(&out, &format!("{lang}/tasks/index.html"));
        let s = selects(&tasks);
        // One plan has tasks, so there is no plan choice to make.
        assert_eq!(
            s.keys().map(String::as_str).collect::<Vec<_>>(),
            ["agency", "lead", "mechanism", "status", "theme", "year"]
        );
        // Options go by name, alphabetically in the page's language.
        let (mechs, agencies, themes): (&[&str], &[&str], &[&str]) = if lang == "vi" {
            // Bộ Công an, Bộ Thông tin..., Bộ Tư pháp, Các tỉnh;
            // Án tử hình, Cơ quan nhân quyền quốc gia, Tra tấn;
            // Rà soát..., Ủy ban chống tra tấn, Ủy ban Nhân quyền.
            (
                &["upr", "cat", "iccpr"],
                &["mps", "mic", "moj", "provinces"],
                &["death-penalty", "nhri", "torture"],
            )
        } else {
            (
                &["cat", "iccpr", "upr"],
                &["mic", "moj", "mps", "provinces"],
                &["death-penalty", "nhri", "torture"],
            )
        };
        assert_eq!(s["mechanism"], owned(mechs), "{lang}");
        assert_eq!(s["agency"], owned(agencies), "{lang}");
        // Lead: who leads a task or answers for it in place of an ended lead.
        let leads: &[&str] = if lang == "vi" {
            &["mps", "mic", "moj"]
        } else {
            &["mic", "moj", "mps"]
        };
        assert_eq!(s["lead"], owned(leads), "{lang}");
        assert_eq!(s["theme"], owned(themes), "{lang}");
        assert_eq!(
            s["status"],
            owned(&[
                "done",
                "in-progress",
                "not-started",
                "past-deadline",
                "upcoming",
                "recurring",
                "overdue"
            ])
        );
        assert_eq!(s["year"], owned(&["2020", "2021", "2026", "2027"]));
        let recs = read(&out, &format!("{lang}/recommendations/index.html"));
        let s = selects(&recs);
        assert_eq!(
            s.keys().map(String::as_str).collect::<Vec<_>>(),
            ["agency", "followup", "mechanism", "theme", "year"]
        );
        assert_eq!(s["followup"], owned(&["yes", "no"]));
        assert_eq!(s["year"], owned(&["2020", "2021", "2027"]));
        for html in [&tasks, &recs] {
            let main = main_part(html);
            let form = tags(main)
                .into_iter()
                .find(|t| t.attr("id") == Some("filters"))
                .unwrap();
            // Hidden until the script runs: without JavaScript the full list shows.
            assert!(form.attr("hidden").is_some());
            let count = tags(main)
                .into_iter()
                .find(|t| t.attr("id") == Some("filter-count"))
                .expect("#filter-count");
            assert_eq!(count.attr("aria-live"), Some("polite"));
            // Every select has its label.
            for t in tags(main).iter().filter(|t| t.name == "select") {
                let id = t.attr("id").unwrap();
                assert!(main.contains(&format!("<label for=\"{id}\">")), "{id}");
            }
            assert!(main.contains("static/filters.js"));
        }
    }
    let vi = read(&out, "vi/tasks/index.html");
    assert!(
        vi.contains("Quá hạn (đã qua thời hạn, một nguồn sau đó cho biết chưa xong) (1)"),
        "status labels in Vietnamese"
    );
    assert!(vi.contains("Bộ Tư pháp (4)"));
    assert!(out.join("static/filters.js").is_file());
}

#[test]
fn lists_link_to_the_no_js_slice_pages() {
    let (_tmp, out) = build_rich();
    for lang in LANGS {
        for list in ["tasks", "recommendations"] {
            let page = format!("{lang}/{list}/index.html");
            let links = local_links(&out, &page);
            for want in [
                "themes/torture/index.html",
                "mechanisms/cat/index.html",
                "agencies/mps/index.html",
                "deadlines/index.html",
                "deadlines/2020/index.html",
                "deadlines/2027/index.html",
            ] {
                let want = format!("{lang}/{want}");
                assert!(links.contains(&want), "{page} links to {want}");
                assert!(out.join(&want).is_file(), "{want} exists");
            }
        }
    }
}
