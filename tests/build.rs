//! `lotrinh build` on the rich fixture (tests/fixtures/rich), checked against
//! the site contract (docs/site-contract.md): addresses, languages,
//! escaping, cross-links, deadlines, links that resolve under any base URL,
//! datasets, determinism and incremental writes.

mod common;

use common::*;

const LANGS: [&str; 2] = ["vi", "en"];

/// Every record of the rich fixture, by collection (the folder of its pages).
const RECORDS: &[(&str, &[&str])] = &[
    ("mechanisms", &["iccpr", "cat", "upr"]),
    (
        "documents",
        &["ccpr-co3", "cat-co1", "upr-3", "dec-1", "dec-2"],
    ),
    ("agencies", &["moj", "mps", "mic", "molisa", "provinces"]),
    (
        "themes",
        &["death-penalty", "torture", "nhri", "expression", "markup"],
    ),
    (
        "recommendations",
        &[
            "iccpr-death-penalty",
            "iccpr-nhri",
            "cat-torture-investigations",
            "upr-3-38-1",
        ],
    ),
    ("plans", &["plan-a", "plan-b"]),
    (
        "tasks",
        &[
            "plan-a-a",
            "plan-a-a-1",
            "plan-a-a-2",
            "plan-a-a-3",
            "plan-a-d",
            "plan-a-d-i",
            "plan-a-dd",
            "plan-a-dd-i",
            "plan-a-e",
            "plan-a-e-1",
        ],
    ),
    ("indicators", &["ind-women-deputies", "ind-rated"]),
];

const CONTENT_PAGES: [&str; 2] = ["about", "notes"];

/// The decomposed (NFD) Vietnamese text stored in data/recommendations/iccpr.yaml,
/// and the same text composed (NFC) as the site must show it.
const NFD_TEXT: &str = "Tha\u{300}nh la\u{323}\u{302}p co\u{31b} quan nha\u{302}n quye\u{302}\u{300}n quo\u{302}\u{301}c gia \u{111}o\u{323}\u{302}c la\u{323}\u{302}p";
const NFC_TEXT: &str = "Thành lập cơ quan nhân quyền quốc gia độc lập";

/// Builds the rich fixture with extra arguments into a fresh temporary folder.
fn build_rich(extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(&fixture("rich"), &out, extra);
    (tmp, out)
}

fn page(lang: &str, path: &str) -> String {
    if path.is_empty() {
        format!("{lang}/index.html")
    } else {
        format!("{lang}/{path}/index.html")
    }
}

#[test]
fn rich_fixture_has_the_shapes_it_claims() {
    let root = fixture("rich");
    let docs = std::fs::read(root.join("data/documents.csv")).unwrap();
    assert!(
        docs.starts_with(b"\xef\xbb\xbf"),
        "documents.csv must start with a BOM"
    );
    assert!(
        docs.windows(2).any(|w| w == b"\r\n"),
        "documents.csv must use CRLF line ends"
    );
    assert!(
        !docs.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'),
        "documents.csv must use only CRLF"
    );
    assert!(
        root.join("data/agencies/core.yaml").is_file()
            && root.join("data/agencies/more.csv").is_file()
    );
    let recs = std::fs::read_to_string(root.join("data/recommendations/iccpr.yaml")).unwrap();
    assert!(
        recs.contains(NFD_TEXT),
        "iccpr.yaml must hold the decomposed text"
    );
    assert!(!recs.contains(NFC_TEXT));
    assert!(recs.contains("<script>alert(1)</script>") && recs.contains("javascript:alert(1)"));
    assert!(
        root.join("content/notes.en.md").is_file() && !root.join("content/notes.vi.md").exists()
    );
}

#[test]
fn every_page_of_the_contract_exists_in_both_languages() {
    let (_tmp, out) = build_rich(&[]);
    let mut missing = Vec::new();
    let mut want = |rel: String| {
        if !out.join(&rel).is_file() {
            missing.push(rel);
        }
    };
    for lang in LANGS {
        want(page(lang, ""));
        want(page(lang, "data"));
        want(page(lang, "search"));
        for slug in CONTENT_PAGES {
            want(page(lang, slug));
        }
        for (collection, ids) in RECORDS {
            want(page(lang, collection));
            for id in *ids {
                want(page(lang, &format!("{collection}/{id}")));
            }
        }
    }
    for rel in ["index.html", "sitemap.xml", "robots.txt"] {
        want(rel.to_string());
    }
    let tables = [
        "mechanisms",
        "documents",
        "agencies",
        "themes",
        "recommendations",
        "plans",
        "tasks",
        "indicators",
        "indicator-values",
        "task-agencies",
        "task-recommendations",
        "recommendation-links",
    ];
    for t in tables {
        want(format!("data/{t}.csv"));
        want(format!("data/{t}.json"));
    }
    want("data/datapackage.json".into());
    for agency in ["moj", "mps", "mic", "provinces"] {
        want(format!("data/agencies/{agency}/tasks.csv"));
    }
    assert!(missing.is_empty(), "missing from the output: {missing:#?}");
}

#[test]
fn root_index_leads_to_the_default_language() {
    let (_tmp, out) = build_rich(&[]);
    let html = read(&out, "index.html");
    let tags = tags(&html);
    let refresh = tags
        .iter()
        .find(|t| {
            t.name == "meta"
                && t.attr("http-equiv")
                    .is_some_and(|v| v.eq_ignore_ascii_case("refresh"))
        })
        .expect("the root index.html redirects");
    let content = refresh.attr("content").unwrap();
    let target = content
        .split("url=")
        .nth(1)
        .expect("refresh names a URL")
        .trim();
    assert_eq!(
        resolve("index.html", target).as_deref(),
        Some("vi/index.html"),
        "{content}"
    );
    assert!(
        local_links(&out, "index.html").contains("vi/index.html"),
        "a plain link to vi/ for browsers without refresh"
    );
}

#[test]
fn every_page_declares_its_language_alternates_and_canonical() {
    let (_tmp, out) = build_rich(&[]);
    let mut pages = 0;
    for (rel, bytes) in files(&out) {
        let Some((lang, rest)) = rel.split_once('/') else {
            continue;
        };
        if !LANGS.contains(&lang) || !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).unwrap();
        let tags = tags(&html);
        let html_tag = tags
            .iter()
            .find(|t| t.name == "html")
            .unwrap_or_else(|| panic!("{rel}: no <html>"));
        assert_eq!(html_tag.attr("lang"), Some(lang), "{rel}: <html lang>");
        let dir = rest.strip_suffix("index.html").unwrap_or(rest);
        let canonical: Vec<&Tag> = tags
            .iter()
            .filter(|t| t.name == "link" && t.attr("rel") == Some("canonical"))
            .collect();
        assert_eq!(canonical.len(), 1, "{rel}: one canonical link");
        assert_eq!(
            canonical[0].attr("href"),
            Some(format!("/{lang}/{dir}").as_str()),
            "{rel}: canonical"
        );
        for other in LANGS {
            let alt = tags
                .iter()
                .find(|t| {
                    t.name == "link"
                        && t.attr("rel") == Some("alternate")
                        && t.attr("hreflang") == Some(other)
                })
                .unwrap_or_else(|| panic!("{rel}: no <link rel=alternate hreflang={other}>"));
            assert_eq!(
                alt.attr("href"),
                Some(format!("/{other}/{dir}").as_str()),
                "{rel}: alternate {other}"
            );
            if other == lang {
                continue;
            }
            // The visible language switch leads to the same record in the other language.
            let switch = tags
                .iter()
                .find(|t| t.name == "a" && t.attr("hreflang") == Some(other))
                .unwrap_or_else(|| panic!("{rel}: no link to the {other} version"));
            let href = switch.attr("href").unwrap();
            // The 404 page links from the site root (see not_found_pages_link_from_the_site_root).
            let target = match href.strip_prefix('/') {
                Some(from_root) => resolve("x", from_root).unwrap(),
                None => resolve(&rel, href).unwrap(),
            };
            assert_eq!(target, format!("{other}/{rest}"), "{rel}: language switch");
        }
    }
    assert!(pages > 80, "only {pages} pages checked");
}

#[test]
fn raw_html_from_data_and_markdown_is_shown_escaped() {
    let (_tmp, out) = build_rich(&[]);
    for lang in LANGS {
        let rel = page(lang, "recommendations/iccpr-death-penalty");
        let html = read(&out, &rel);
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{rel}: the script tag is shown as text"
        );
    }
    let en = read(&out, &page("en", "recommendations/iccpr-death-penalty"));
    assert!(
        en.contains("href=\"https://example.org/ccpr-co3\""),
        "a safe Markdown link in data stays a link"
    );
    let notes = read(&out, &page("en", "notes"));
    assert!(
        notes.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "raw HTML in Markdown is shown as text"
    );
    let about = read(&out, &page("en", "about"));
    assert!(
        about.contains("&lt;b&gt;Raw markup&lt;/b&gt;"),
        "inline HTML in Markdown is shown as text"
    );
    for (rel, bytes) in files(&out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        assert!(
            !text.contains("<script>alert"),
            "{rel}: a script from data reached the page"
        );
        assert!(
            !text.contains("<b>raw markup"),
            "{rel}: markup from Markdown reached the page"
        );
    }
}

/// Regression (issue 16.1): Markdown heading attributes turned
/// `# T {autofocus tabindex=0 onfocus=...}` in a theme name, a recommendation
/// text, a mechanism description or a content page into a heading that ran
/// script as the page loaded. No tag of any page may carry an event handler
/// or autofocus, and the payload shows as text where the fixture puts it.
#[test]
fn heading_attributes_from_data_stay_text() {
    let (_tmp, out) = build_rich(&[]);
    let shown = "{autofocus tabindex=0 onfocus=document.title='PWNED'}";
    let mut pages = 0;
    for (rel, bytes) in files(&out) {
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let text = String::from_utf8_lossy(&bytes);
        for tag in tags(&text) {
            for (k, v) in &tag.attrs {
                assert!(
                    !k.starts_with("on") && k != "autofocus",
                    "{rel}: <{} {k}={v:?}> from data",
                    tag.name
                );
            }
        }
    }
    assert!(pages > 80, "only {pages} pages checked");
    for rel in [
        page("en", "themes/markup"),
        page("vi", "themes/markup"),
        page("en", ""),
        page("en", "recommendations/iccpr-death-penalty"),
        page("en", "mechanisms/cat"),
        page("vi", "mechanisms/cat"),
        page("en", "notes"),
    ] {
        assert!(
            decode_entities(&read(&out, &rel)).contains(shown),
            "{rel}: the payload is not shown as text"
        );
    }
}

#[test]
fn no_script_urls_anywhere() {
    let (_tmp, out) = build_rich(&[]);
    for (rel, bytes) in files(&out) {
        if !(rel.ends_with(".html") || rel.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !decode_entities(&text)
                .to_ascii_lowercase()
                .contains("javascript:"),
            "{rel} mentions javascript:"
        );
        for tag in tags(&text) {
            for (k, v) in &tag.attrs {
                if k == "href" || k == "src" || k == "action" || k.starts_with("on") {
                    assert!(
                        !v.to_ascii_lowercase().contains("javascript"),
                        "{rel}: {k}={v:?}"
                    );
                }
            }
        }
    }
}

/// Regression (was a bug): Markdown links with script schemes are dropped, but URL fields are
/// not checked at all: an agency `url: "javascript:alert(1)"` or a task
/// `evidence` item `JavaScript:alert(2)` / `data:text/html,...` becomes a
/// live `href` (exit 0). Such data should be refused, or the link dropped.
#[test]
fn script_urls_in_url_fields_never_become_links() {
    let (tmp, root) = copy_fixture("rich");
    let edit = |rel: &str, from: &str, to: &str| {
        let path = root.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} holds {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "data/agencies/core.yaml",
        "url: \"https://example.org/moj\"",
        "url: \"javascript:alert(1)\"",
    );
    edit(
        "data/mechanisms.yaml",
        "url: \"https://example.org/cat\"",
        "url: \" javascript:alert(4)\"",
    );
    edit(
        "data/tasks/plan-a.yaml",
        "  due: [2027-06-30]\n",
        "  due: [2027-06-30]\n  evidence: [\"JavaScript:alert(2)\", \"data:text/html,<script>alert(3)</script>\"]\n",
    );
    let out = tmp.path().join("public");
    let run = build(&root, &out, &[]);
    if run.code != 0 {
        // Refusing the data is fine too, as long as the problem is located.
        assert_eq!(run.code, 1, "{}", run.both());
        assert!(
            run.stderr.contains("data/agencies/core.yaml:"),
            "{}",
            run.both()
        );
        return;
    }
    let mut bad = Vec::new();
    for (rel, bytes) in files(&out) {
        if !rel.ends_with(".html") {
            continue;
        }
        for tag in tags(&String::from_utf8_lossy(&bytes)) {
            for (k, v) in &tag.attrs {
                let lower = v.trim().to_ascii_lowercase();
                if (k == "href" || k == "src")
                    && (lower.starts_with("javascript:") || lower.starts_with("data:"))
                {
                    bad.push(format!("{rel}: {k}={v:?}"));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "script URLs became links:\n{}",
        bad.join("\n")
    );
}

#[test]
fn sections_d_and_dd_are_distinct_tasks() {
    let (_tmp, out) = build_rich(&[]);
    for lang in LANGS {
        let d = read(&out, &page(lang, "tasks/plan-a-d-i"));
        let dd = read(&out, &page(lang, "tasks/plan-a-dd-i"));
        assert_ne!(d, dd);
        let (d, dd) = (main_part(&d), main_part(&dd));
        assert!(
            d.contains("D.I") && !d.contains("Đ.I"),
            "{lang}: plan-a-d-i is task D.I"
        );
        assert!(dd.contains("Đ.I"), "{lang}: plan-a-dd-i is task Đ.I");
        // Each sits under its own heading.
        let d_links = local_links(&out, &page(lang, "tasks/plan-a-d-i"));
        let dd_links = local_links(&out, &page(lang, "tasks/plan-a-dd-i"));
        assert!(
            d_links.contains(&page(lang, "tasks/plan-a-d")),
            "{lang}: D.I links to heading D"
        );
        assert!(
            dd_links.contains(&page(lang, "tasks/plan-a-dd")),
            "{lang}: Đ.I links to heading Đ"
        );
    }
    let tasks_csv = read(&out, "data/tasks.csv");
    assert!(tasks_csv.contains("plan-a-d-i,") && tasks_csv.contains("plan-a-dd-i,"));
}

#[test]
fn task_states_come_from_progress_records_as_of() {
    let (_tmp, out) = build_rich(&[]);
    // The state badge a task page shows: `data-state="..."`, and whether it
    // carries the overdue mark.
    let state = |lang: &str, task: &str| -> (String, bool) {
        let html = main_part(&read(&out, &page(lang, &format!("tasks/{task}")))).to_string();
        let at = html
            .find("<p class=\"state\">")
            .and_then(|p| html[p..].find("data-state=\"").map(|x| x + p))
            .unwrap_or_else(|| panic!("{lang} {task}: no state badge"));
        let rest = &html[at + "data-state=\"".len()..];
        let st = rest[..rest.find('"').unwrap()].to_string();
        (st, html.contains("data-overdue"))
    };
    for lang in LANGS {
        // Government says done (2021), the Committee grades E (2022): the
        // latest status is not started, the 2020 deadline passed: overdue.
        assert_eq!(
            state(lang, "plan-a-a-1"),
            ("not-started".into(), true),
            "{lang} A.1"
        );
        // In progress (civil society), due 2027: not overdue.
        assert_eq!(
            state(lang, "plan-a-a-2"),
            ("in-progress".into(), false),
            "{lang} A.2"
        );
        // Done, by the legislature, on a document of the site.
        assert_eq!(
            state(lang, "plan-a-a-3"),
            ("done".into(), false),
            "{lang} A.3"
        );
        // Recurring every year, nothing recorded.
        assert_eq!(
            state(lang, "plan-a-d-i"),
            ("recurring".into(), false),
            "{lang} D.I"
        );
        // A context-only record does not set a state: the deadline speaks.
        assert_eq!(
            state(lang, "plan-a-dd-i"),
            ("upcoming".into(), false),
            "{lang} Đ.I"
        );
        // Due 2021, nothing recorded: past deadline, never "overdue", and the
        // task's own `status: done` field is not counted.
        assert_eq!(
            state(lang, "plan-a-e-1"),
            ("past-deadline".into(), false),
            "{lang} E.1"
        );
        // Headings have no state.
        let heading = main_part(&read(&out, &page(lang, "tasks/plan-a-a"))).to_string();
        assert!(
            !heading.contains("<p class=\"state\">"),
            "{lang}: heading A has no state"
        );
    }
    let a1 = main_part(&read(&out, &page("en", "tasks/plan-a-a-1"))).to_string();
    assert!(a1.contains("2026-06-30"), "the task page says as of when");
    // Both sides of the disagreement, each with its source.
    assert!(a1.contains("data-disagree"), "A.1 shows the disagreement");
    assert!(
        a1.contains("https://example.org/reply-2021?a=1&amp;b=2"),
        "the government's source, escaped"
    );
    assert!(
        a1.contains("Grade E") || a1.contains("Grade</span> E") || a1.contains("E</strong>"),
        "the UN grade"
    );
    assert!(
        !a1.contains("<b>2021</b>"),
        "a source title from data is escaped"
    );
    // The timeline: newest first.
    let un = a1
        .find("data-record=\"hrc-grades-2022\"")
        .expect("UN record on the timeline");
    let gov = a1
        .find("data-record=\"gov-reply-2021\"")
        .expect("government record on the timeline");
    assert!(un < gov, "newest first");
    let e1 = main_part(&read(&out, &page("en", "tasks/plan-a-e-1"))).to_lowercase();
    assert!(
        e1.contains("past deadline, no completion recorded"),
        "E.1 says what past deadline means"
    );
    assert!(!e1.contains("data-overdue"), "E.1 is not called overdue");
}

#[test]
fn recommendation_page_links_its_document_tasks_agencies_and_related() {
    let (_tmp, out) = build_rich(&[]);
    for lang in LANGS {
        let rel = page(lang, "recommendations/iccpr-death-penalty");
        let links = local_links(&out, &rel);
        for target in [
            page(lang, "tasks/plan-a-a-1"),
            page(lang, "agencies/moj"),
            page(lang, "documents/ccpr-co3"),
            page(lang, "mechanisms/iccpr"),
            page(lang, "themes/death-penalty"),
            page(lang, "recommendations/cat-torture-investigations"),
        ] {
            assert!(
                links.contains(&target),
                "{rel} does not link to {target}; links: {links:#?}"
            );
        }
        // `related` is shown on both sides, across mechanisms.
        let back = local_links(
            &out,
            &page(lang, "recommendations/cat-torture-investigations"),
        );
        assert!(
            back.contains(&rel),
            "the CAT recommendation links back to {rel}"
        );
        let upr = local_links(&out, &page(lang, "recommendations/iccpr-nhri"));
        assert!(upr.contains(&page(lang, "recommendations/upr-3-38-1")));
        // No paragraph: the page says so and links to the whole document.
        let nhri_rel = page(lang, "recommendations/iccpr-nhri");
        let nhri = read(&out, &nhri_rel);
        let said = if lang == "vi" {
            "chưa xác nhận"
        } else {
            "not confirmed"
        };
        assert!(
            main_part(&nhri).contains(said),
            "{nhri_rel} says the paragraph is not confirmed"
        );
        assert!(local_links(&out, &nhri_rel).contains(&page(lang, "documents/ccpr-co3")));
        assert!(
            nhri.contains("https://example.org/ccpr-co3"),
            "{nhri_rel} links to the official document"
        );
    }
    let en = main_part(&read(
        &out,
        &page("en", "recommendations/iccpr-death-penalty"),
    ))
    .to_string();
    assert!(
        en.contains("CCPR/C/VNM/CO/3") && en.contains("24"),
        "mechanism, symbol and paragraph are shown"
    );
    // Each answering task with its plan (the decision), due dates and status.
    assert!(en.contains("1/QĐ-TTg"), "the task's plan is named");
    assert!(
        en.contains("2020") && en.to_lowercase().contains("overdue"),
        "the task's due date and state"
    );
    let upr = main_part(&read(&out, &page("en", "recommendations/upr-3-38-1"))).to_string();
    assert!(
        upr.contains("France") && upr.contains("Chile"),
        "recommending states are shown"
    );
}

#[test]
fn task_page_shows_plan_path_agencies_and_recommendations() {
    let (_tmp, out) = build_rich(&[]);
    let rel = page("en", "tasks/plan-a-a-1");
    let links = local_links(&out, &rel);
    for target in [
        page("en", "plans/plan-a"),
        page("en", "tasks/plan-a-a"),
        page("en", "agencies/moj"),
        page("en", "agencies/mps"),
        page("en", "recommendations/iccpr-death-penalty"),
        page("en", "indicators/ind-women-deputies"),
    ] {
        assert!(links.contains(&target), "{rel} does not link to {target}");
    }
    let html = main_part(&read(&out, &rel)).to_string();
    assert!(
        html.contains("drafting lead"),
        "the lead's note (YAML map form) is shown"
    );
    assert!(html.contains("In 2020"), "the timeframe is shown");
    // CSV `id (note)` form.
    let e1 = main_part(&read(&out, &page("en", "tasks/plan-a-e-1"))).to_string();
    assert!(
        e1.contains("legal drafting") && e1.contains("police data"),
        "notes from CSV refs are shown"
    );
    let e1_links = local_links(&out, &page("en", "tasks/plan-a-e-1"));
    assert!(e1_links.contains(&page("en", "agencies/provinces")));
    assert!(
        e1_links.contains(&page("en", "tasks/plan-a-e")),
        "E.1 sits under heading E (parent derived from the ref)"
    );
    // A task whose lead has ended says who answers for it today: the single successor.
    let dd_rel = page("en", "tasks/plan-a-dd-i");
    let dd = local_links(&out, &dd_rel);
    assert!(
        dd.contains(&page("en", "agencies/mic")) && dd.contains(&page("en", "agencies/mps")),
        "{dd_rel}: {dd:#?}"
    );
    let dd_html = main_part(&read(&out, &dd_rel)).to_string();
    let i_mps = dd_html
        .find("Ministry of Public Security")
        .expect("the current lead is named");
    assert!(
        dd_html
            .find("Ministry of Information and Communications")
            .is_some_and(|i| i < i_mps)
    );
}

#[test]
fn agency_pages_list_their_tasks_and_successors() {
    let (_tmp, out) = build_rich(&[]);
    for lang in LANGS {
        let moj = local_links(&out, &page(lang, "agencies/moj"));
        for t in ["plan-a-a-1", "plan-a-a-3", "plan-a-d-i", "plan-a-e-1"] {
            assert!(
                moj.contains(&page(lang, &format!("tasks/{t}"))),
                "{lang}: MOJ leads {t}"
            );
        }
        assert!(
            moj.contains(&page(lang, "recommendations/iccpr-death-penalty")),
            "{lang}: MOJ answers for the recommendation"
        );
        assert!(
            moj.contains("data/agencies/moj/tasks.csv"),
            "{lang}: MOJ's own download"
        );
        let mps = local_links(&out, &page(lang, "agencies/mps"));
        assert!(
            mps.contains(&page(lang, "tasks/plan-a-a-2")),
            "{lang}: MPS leads A.2"
        );
        assert!(
            mps.contains(&page(lang, "tasks/plan-a-a-1")),
            "{lang}: MPS coordinates A.1"
        );
        assert!(
            mps.contains(&page(lang, "tasks/plan-a-dd-i")),
            "{lang}: MPS inherited Đ.I from MIC"
        );
        assert!(
            mps.contains(&page(lang, "agencies/mic")),
            "{lang}: MPS names its predecessor"
        );
    }
    // The ended agency (from the CSV file) says when, under which act, and who took over what.
    let rel = page("en", "agencies/molisa");
    let html = main_part(&read(&out, &rel)).to_string();
    assert!(html.contains("2025-03-01"), "{rel}: the end date");
    assert!(
        html.contains("Resolution 176/2025/QH15"),
        "{rel}: the legal basis"
    );
    assert!(html.contains("penal code"), "{rel}: the successor's note");
    let links = local_links(&out, &rel);
    assert!(
        links.contains(&page("en", "agencies/moj")) && links.contains(&page("en", "agencies/mps")),
        "{rel}: {links:#?}"
    );
    let mic = main_part(&read(&out, &page("en", "agencies/mic"))).to_string();
    assert!(mic.contains("press functions") && mic.contains("Ministry of Public Security"));
    let own = read(&out, "data/agencies/moj/tasks.csv");
    assert!(
        own.contains("plan-a-a-1") && !own.contains("plan-a-a-2,"),
        "MOJ's CSV holds its tasks only"
    );
}

#[test]
fn plan_theme_and_indicator_pages_cross_link() {
    let (_tmp, out) = build_rich(&[]);
    let a = local_links(&out, &page("en", "plans/plan-a"));
    for target in [
        "plans/plan-b",
        "documents/ccpr-co3",
        "documents/cat-co1",
        "documents/dec-1",
        "agencies/moj",
        "tasks/plan-a-a-1",
    ] {
        assert!(a.contains(&page("en", target)), "plan A links to {target}");
    }
    let b = local_links(&out, &page("en", "plans/plan-b"));
    assert!(
        b.contains(&page("en", "plans/plan-a")),
        "plan B names the plan it replaced"
    );
    let theme = local_links(&out, &page("en", "themes/nhri"));
    for target in [
        "recommendations/iccpr-nhri",
        "recommendations/upr-3-38-1",
        "tasks/plan-a-e-1",
        "agencies/moj",
    ] {
        assert!(
            theme.contains(&page("en", target)),
            "theme nhri links to {target}"
        );
    }
    let ind = main_part(&read(&out, &page("en", "indicators/ind-women-deputies"))).to_string();
    assert!(
        ind.contains("35") && ind.contains("26.7") && ind.contains("The source gives no figure")
    );
    let rated = main_part(&read(&out, &page("en", "indicators/ind-rated"))).to_string();
    assert!(rated.contains("weak") && rated.contains("strong") && rated.contains("fair"));
    // Where in the source the figures stand, beside the source, escaped;
    // and in the dataset (issue 14, point 7).
    assert!(
        rated.contains("Where in it: Annex, table 2 &lt;b&gt;bold&lt;/b&gt;"),
        "{rated}"
    );
    let vi = main_part(&read(&out, &page("vi", "indicators/ind-rated"))).to_string();
    assert!(vi.contains("Vị trí trong văn bản: Phụ lục, bảng 2"), "{vi}");
    let csv = read(&out, "data/indicators.csv");
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .contains("locator_vi,locator_en")
    );
    assert!(csv.contains("Phụ lục, bảng 2"));
}

#[test]
fn text_is_normalised_to_nfc() {
    let (_tmp, out) = build_rich(&[]);
    let vi = read(&out, &page("vi", "recommendations/iccpr-nhri"));
    assert!(vi.contains(NFC_TEXT), "the composed text is on the page");
    assert!(
        read(&out, "data/recommendations.csv").contains(NFC_TEXT),
        "and in the dataset"
    );
    for (rel, bytes) in files(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(NFD_TEXT), "{rel} holds the decomposed text");
        assert!(
            !text.contains("a\u{323}\u{302}"),
            "{rel} holds combining marks"
        );
    }
}

#[test]
fn unofficial_translation_notice_where_original_differs() {
    let (_tmp, out) = build_rich(&[]);
    let notice = |lang: &str, path: &str| -> bool {
        let word = if lang == "vi" {
            "bản dịch không chính thức"
        } else {
            "unofficial translation"
        };
        main_part(&read(&out, &page(lang, path))).contains(word)
    };
    // original: vi, translation: unofficial.
    assert!(notice("en", "agencies/moj"));
    assert!(!notice("vi", "agencies/moj"));
    assert!(notice("en", "plans/plan-a"));
    assert!(!notice("vi", "plans/plan-a"));
    // original: en.
    assert!(notice("vi", "recommendations/iccpr-nhri"));
    assert!(!notice("en", "recommendations/iccpr-nhri"));
    // No `original`: nothing to say.
    assert!(!notice("en", "agencies/mps") && !notice("vi", "agencies/mps"));
}

/// The offset of `needle` in the main part of a page, and whether some element
/// opened before it (and after `<main`) carries `lang="<lang>"`.
fn marked_lang_before(html: &str, needle: &str, lang: &str) -> bool {
    let main = main_part(html);
    let Some(at) = main.find(needle) else {
        panic!("{needle:?} is not on the page")
    };
    tags(&main[..at])
        .iter()
        .any(|t| t.attr("lang") == Some(lang))
}

#[test]
fn fallbacks_carry_their_own_lang() {
    let (_tmp, out) = build_rich(&[]);
    // A content page only in English, shown on the Vietnamese side.
    let notes = read(&out, &page("vi", "notes"));
    assert!(notes.contains("Notes written only in English"));
    assert!(
        marked_lang_before(&notes, "Notes written only in English", "en"),
        "vi/notes/ marks the English text"
    );
    assert!(!marked_lang_before(
        &read(&out, &page("en", "notes")),
        "Notes written only in English",
        "vi"
    ));
    // A record whose name exists only in English.
    let theme = read(&out, &page("vi", "themes/expression"));
    assert!(
        marked_lang_before(&theme, "Freedom of expression", "en"),
        "vi/themes/expression/ marks the English name"
    );
    assert!(
        main_part(&theme).contains("chưa được dịch"),
        "with a visible note"
    );
}

#[test]
fn links_resolve_with_the_default_base_url() {
    let (_tmp, out) = build_rich(&[]);
    let n = check_links(&out, "/");
    assert!(n > 1000, "only {n} links checked");
}

#[test]
fn links_stay_relative_and_resolve_under_a_sub_path() {
    let (_tmp, out) = build_rich(&["--base-url", "/sub/path/"]);
    check_links(&out, "/sub/path/");
    let moj = read(&out, &page("en", "agencies/moj"));
    let canonical = tags(&moj)
        .into_iter()
        .find(|t| t.name == "link" && t.attr("rel") == Some("canonical"))
        .unwrap();
    assert_eq!(canonical.attr("href"), Some("/sub/path/en/agencies/moj/"));
    let root = read(&out, "index.html");
    let canonical = tags(&root)
        .into_iter()
        .find(|t| t.name == "link" && t.attr("rel") == Some("canonical"))
        .unwrap();
    assert_eq!(canonical.attr("href"), Some("/sub/path/vi/"));
    let sitemap = decode_entities(&read(&out, "sitemap.xml"));
    assert!(
        sitemap.contains("<loc>/sub/path/en/agencies/moj/</loc>"),
        "the sitemap uses the base URL"
    );
    assert!(
        !sitemap.contains("<loc>/en/"),
        "no sitemap entry outside the base URL"
    );
    assert!(read(&out, "robots.txt").contains("/sub/path/sitemap.xml"));
    // The same site without the flag differs only in absolute URLs.
    let (_tmp2, plain) = build_rich(&[]);
    let a = files(&out);
    let b = files(&plain);
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the base URL changes no file name"
    );
}

#[test]
fn base_url_can_be_a_full_url_without_trailing_slash() {
    let (_tmp, out) = build_rich(&["--base-url", "https://example.org/tracker"]);
    check_links(&out, "https://example.org/tracker/");
    let html = read(&out, &page("vi", "tasks/plan-a-dd-i"));
    let canonical = tags(&html)
        .into_iter()
        .find(|t| t.name == "link" && t.attr("rel") == Some("canonical"))
        .unwrap();
    assert_eq!(
        canonical.attr("href"),
        Some("https://example.org/tracker/vi/tasks/plan-a-dd-i/")
    );
    let sitemap = decode_entities(&read(&out, "sitemap.xml"));
    assert!(sitemap.contains("<loc>https://example.org/tracker/en/tasks/plan-a-dd-i/</loc>"));
    assert!(read(&out, "robots.txt").contains("Sitemap: https://example.org/tracker/sitemap.xml"));
}

/// Regression (was a bug): an agency whose `ended` date is after `as_of` is treated as still
/// existing by the task pages (no "answers for it today"), but its own page
/// already says "No longer exists ... ceased to exist on 2027-03-01".
#[test]
fn agency_with_a_future_end_date_has_not_ended_yet() {
    let (tmp, root) = copy_fixture("rich");
    let core = root.join("data/agencies/core.yaml");
    let text = std::fs::read_to_string(&core).unwrap();
    std::fs::write(
        &core,
        text.replace("ended: 2025-03-01", "ended: 2027-03-01"),
    )
    .unwrap();
    let out = tmp.path().join("public");
    build_ok(&root, &out, &[]);
    let task = main_part(&read(&out, &page("en", "tasks/plan-a-dd-i"))).to_string();
    assert!(
        !task.contains("Answers for it today"),
        "the task page treats MIC as existing"
    );
    let agency = main_part(&read(&out, &page("en", "agencies/mic"))).to_string();
    assert!(
        !agency.contains("No longer exists"),
        "en/agencies/mic/ says it has ended as of 2026-06-30"
    );
}

/// Regression (was a bug): a content page whose slug is a section name (`content/tasks.en.md`)
/// is rendered to `en/tasks/index.html`, then silently dropped in favour of
/// the task list: exit 0, counted in "built N pages", no warning.
#[test]
fn content_page_clashing_with_a_section_is_not_silently_dropped() {
    let (tmp, root) = copy_fixture("rich");
    std::fs::write(
        root.join("content/tasks.en.md"),
        "---\ntitle: \"Tasks page\"\n---\n\nCONTENT PAGE BODY\n",
    )
    .unwrap();
    let out = tmp.path().join("public");
    let run = build(&root, &out, &[]);
    if run.code == 0 {
        assert!(
            read(&out, "en/tasks/index.html").contains("CONTENT PAGE BODY"),
            "the page vanished:\n{}",
            run.both()
        );
    } else {
        assert!(run.stderr.contains("content/tasks.en.md"), "{}", run.both());
    }
}

#[test]
fn datasets_are_bilingual_csv_with_one_header_row() {
    let (_tmp, out) = build_rich(&[]);
    let recs = read(&out, "data/recommendations.csv");
    assert!(!recs.starts_with('\u{feff}'));
    let header = recs.lines().next().unwrap();
    for col in [
        "id",
        "mechanism",
        "document",
        "paragraph",
        "text_vi",
        "text_en",
        "follow_up",
        "related",
    ] {
        assert!(
            header.split(',').any(|c| c == col),
            "recommendations.csv has column {col}: {header}"
        );
    }
    let agencies = read(&out, "data/agencies.csv");
    for id in ["moj", "mps", "mic", "molisa", "provinces"] {
        assert!(
            agencies.lines().any(|l| l.starts_with(&format!("{id},"))),
            "agencies.csv has {id}"
        );
    }
    let links = read(&out, "data/task-agencies.csv");
    assert!(
        links.contains("drafting lead") && links.contains("police data"),
        "task-agencies.csv keeps notes"
    );
    let pkg = parse_json(&read(&out, "data/datapackage.json")).expect("datapackage.json is JSON");
    let resources = pkg
        .get("resources")
        .and_then(Json::arr)
        .expect("a data package lists resources");
    for name in ["tasks", "agencies", "task-agencies", "recommendation-links"] {
        assert!(
            resources.iter().any(|r| r.get("path").and_then(Json::str)
                == Some(&format!("{name}.csv"))
                || r.get("name").and_then(Json::str) == Some(name)),
            "datapackage.json describes {name}"
        );
    }
    let tasks = parse_json(&read(&out, "data/tasks.json")).expect("tasks.json is JSON");
    let n = match &tasks {
        Json::Arr(a) => a.len(),
        other => other
            .get("rows")
            .or_else(|| other.get("data"))
            .and_then(Json::arr)
            .map_or(0, <[Json]>::len),
    };
    assert_eq!(n, 10, "tasks.json has every task, headings included");
}

#[test]
fn check_validates_without_writing() {
    let (_tmp, root) = copy_fixture("rich");
    let run = check(&root, &[]);
    assert_eq!(run.code, 0, "{}", run.both());
    assert!(
        !run.stderr.contains("warning"),
        "the rich fixture is clean:\n{}",
        run.stderr
    );
    // Progress lines (not a terminal) come first; the summary closes.
    let last = run.stderr.lines().last().unwrap_or("");
    assert!(last.starts_with("ok: "), "{}", run.stderr);
    assert!(!root.join("public").exists(), "check wrote public/");
}

#[test]
fn yaml_and_csv_collections_give_the_same_site() {
    let tmp = tempfile::tempdir().unwrap();
    let base = fixture("same-data/site");
    let yaml_out = tmp.path().join("yaml-out");
    build_ok(&base, &yaml_out, &[]);
    // Regression (issue 16.4): YAML read `38.110` as 38.11 and `NO` as false.
    let recs = read(&yaml_out, "data/recommendations.csv");
    for written in ["38.110", "16.10", "NO", "yes", "0x1A", "1e3"] {
        assert!(recs.contains(written), "{written} is not kept:\n{recs}");
    }
    for collection in ["agencies", "tasks", "recommendations"] {
        let root = tmp.path().join(format!("csv-{collection}"));
        copy_dir(&base, &root);
        std::fs::remove_file(root.join(format!("data/{collection}.yaml"))).unwrap();
        std::fs::copy(
            fixture(&format!("same-data/csv/{collection}.csv")),
            root.join(format!("data/{collection}.csv")),
        )
        .unwrap();
        let out = tmp.path().join(format!("csv-{collection}-out"));
        build_ok(&root, &out, &[]);
        let csv_name = format!("data/{collection}.csv");
        assert_eq!(
            read(&yaml_out, &csv_name),
            read(&out, &csv_name),
            "{csv_name} differs between the YAML and the CSV source"
        );
        assert_same_tree(&yaml_out, &out);
    }
}

/// Regression (was a bug): a line break inside a quoted CSV cell keeps its `\r` when the file
/// uses CRLF throughout, while YAML (whose parser normalises line breaks)
/// gives `\n`; the same text then differs between a YAML and a CSV source.
#[test]
fn csv_cells_with_crlf_breaks_read_like_yaml() {
    let tmp = tempfile::tempdir().unwrap();
    let base = fixture("same-data/site");
    let yaml_out = tmp.path().join("yaml-out");
    build_ok(&base, &yaml_out, &[]);
    let root = tmp.path().join("csv-crlf");
    copy_dir(&base, &root);
    std::fs::remove_file(root.join("data/tasks.yaml")).unwrap();
    let csv = std::fs::read_to_string(fixture("same-data/csv/tasks.csv")).unwrap();
    // What a tool that writes CRLF everywhere (inside quoted cells too) produces.
    let crlf = csv.replace("\r\n", "\n").replace('\n', "\r\n");
    std::fs::write(root.join("data/tasks.csv"), crlf).unwrap();
    let out = tmp.path().join("csv-crlf-out");
    build_ok(&root, &out, &[]);
    assert_eq!(
        read(&yaml_out, "data/tasks.csv"),
        read(&out, "data/tasks.csv")
    );
}

#[test]
fn builds_are_deterministic() {
    let (_a, first) = build_rich(&[]);
    let (_b, second) = build_rich(&[]);
    assert_same_tree(&first, &second);
}

#[test]
fn file_order_on_disk_does_not_change_the_output() {
    let (_a, reference) = build_rich(&[]);
    let (tmp, root) = copy_fixture("rich");
    // Rename every file of every collection folder so that they sort the other way round.
    for (from, to) in [
        ("data/agencies/core.yaml", "data/agencies/z-core.yaml"),
        ("data/agencies/more.csv", "data/agencies/a-more.csv"),
        (
            "data/recommendations/cat.yaml",
            "data/recommendations/z-cat.yaml",
        ),
        (
            "data/recommendations/iccpr.yaml",
            "data/recommendations/y-iccpr.yaml",
        ),
        (
            "data/recommendations/upr.yaml",
            "data/recommendations/a-upr.yaml",
        ),
        ("data/tasks/plan-a.yaml", "data/tasks/z-plan-a.yaml"),
        ("data/tasks/plan-a-e.csv", "data/tasks/a-plan-a-e.csv"),
        (
            "data/indicator-values/values.yaml",
            "data/indicator-values/other-name.yml",
        ),
    ] {
        std::fs::rename(root.join(from), root.join(to)).unwrap();
    }
    let out = tmp.path().join("public");
    build_ok(&root, &out, &[]);
    assert_same_tree(&reference, &out);
}

#[test]
fn a_second_build_writes_nothing() {
    let (_tmp, root) = copy_fixture("rich");
    let out = root.join("public");
    let first = summary(&build_ok(&root, &out, &[]).stderr);
    assert!(
        first.written > 0 && first.written == first.files && first.removed == 0,
        "{first:?}"
    );
    let before = snapshot(&out);
    assert_eq!(
        before
            .keys()
            .filter(|k| !k.starts_with(".lotrinh-"))
            .count(),
        first.files,
        "the summary counts every file written"
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    let run = build_ok(&root, &out, &[]);
    let second = summary(&run.stderr);
    assert!(run.stderr.contains("(0 written, "), "{}", run.stderr);
    assert_eq!(
        second,
        Summary {
            written: 0,
            unchanged: first.files,
            removed: 0,
            ..first
        },
        "{}",
        run.stderr
    );
    assert_eq!(before, snapshot(&out), "the second build touched files");
}

#[test]
fn a_removed_record_loses_its_pages_on_rebuild() {
    let (_tmp, root) = copy_fixture("rich");
    let out = root.join("public");
    let first = summary(&build_ok(&root, &out, &[]).stderr);
    for lang in LANGS {
        assert!(out.join(page(lang, "themes/expression")).is_file());
    }
    let themes = root.join("data/themes.yaml");
    let text = std::fs::read_to_string(&themes).unwrap();
    let cut = text
        .find("# Only in English")
        .expect("the fixture's last theme");
    std::fs::write(&themes, &text[..cut]).unwrap();
    let run = build_ok(&root, &out, &[]);
    let second = summary(&run.stderr);
    for lang in LANGS {
        assert!(
            !out.join(page(lang, "themes/expression")).exists(),
            "{lang} page of the removed theme is still there"
        );
        assert!(
            !out.join(format!("{lang}/themes/expression")).exists(),
            "its folder is left behind"
        );
    }
    assert!(!read(&out, "data/themes.csv").contains("expression"));
    assert!(!read(&out, "sitemap.xml").contains("themes/expression"));
    assert!(second.removed >= 2, "{}", run.stderr);
    // Two pages fewer; the search index may lose shards with the words
    // only that theme had, so other files are not counted here.
    assert_eq!(second.pages, first.pages - 2, "{}", run.stderr);
    assert!(
        second.written > 0 && second.written < second.files,
        "only changed files are written: {}",
        run.stderr
    );
    check_links(&out, "/");
}

/// The title of a content page that exists only in English is listed on
/// the Vietnamese pages (footer, home) with `lang="en"`, as the
/// contract says text shown in the other language carries its own `lang`.
#[test]
fn fallback_page_titles_in_lists_carry_lang() {
    let (_tmp, out) = build_rich(&[]);
    let home = read(&out, "vi/index.html");
    let target = page("vi", "notes");
    let tags = tags(&home);
    let mut found = 0;
    for (i, t) in tags.iter().enumerate() {
        if t.name != "a"
            || t.attr("href")
                .and_then(|h| resolve("vi/index.html", h))
                .as_deref()
                != Some(target.as_str())
        {
            continue;
        }
        found += 1;
        let end = home[t.at..].find("</a>").map(|e| t.at + e).unwrap();
        let inner_marked = tags[i + 1..]
            .iter()
            .take_while(|x| x.at < end)
            .any(|x| x.attr("lang") == Some("en"));
        assert!(
            t.attr("lang") == Some("en") || inner_marked,
            "vi/index.html: {:?} shows the English title without lang=\"en\"",
            &home[t.at..end]
        );
    }
    assert!(found > 0, "vi/index.html links to {target}");
}

#[test]
fn output_paths_never_leave_the_output_folder() {
    // The build writes only under --out: nothing appears next to it.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(&fixture("rich"), &out, &[]);
    let entries: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, vec![std::ffi::OsString::from("public")]);
    assert!(
        !fixture("rich").join("public").exists(),
        "the build wrote into the fixture"
    );
}

/// A host serves the 404 page at the address that was missed
/// (`/sub/path/en/no/such/page/`), so relative links would point nowhere:
/// its links start at the site's root, and there is one at the root of the
/// output where hosts look for it.
#[test]
fn not_found_pages_link_from_the_site_root() {
    for (base, root) in [
        ("/sub/path/", "/sub/path/"),
        ("https://example.org/tracker/", "/tracker/"),
    ] {
        let (_tmp, out) = build_rich(&["--base-url", base]);
        for file in ["404.html", "en/404.html", "vi/404.html"] {
            let html = read(&out, file);
            let mut links = 0;
            for t in tags(&html) {
                for attr in ["href", "src"] {
                    let Some(u) = t.attr(attr) else { continue };
                    if t.name == "link" && matches!(t.attr("rel"), Some("canonical" | "alternate"))
                    {
                        continue;
                    }
                    if is_external(u) || u.starts_with('#') {
                        continue;
                    }
                    assert!(u.starts_with(root), "{base} {file}: `{u}` is relative");
                    let target = u[root.len()..].to_string();
                    let target = if target.is_empty() || target.ends_with('/') {
                        format!("{target}index.html")
                    } else {
                        target
                    };
                    assert!(
                        out.join(&target).is_file(),
                        "{base} {file}: `{u}` leads nowhere"
                    );
                    links += 1;
                }
            }
            assert!(links > 5, "{file}: {links} links");
        }
        assert_eq!(read(&out, "404.html"), read(&out, "vi/404.html"));
    }
}

/// A task taken from a translation (`transcribed_from`) says so in both
/// languages, on its page and on its plan's page; its `[sic]` notes show in
/// both languages and in tasks.csv.
#[test]
fn transcribed_from_and_sic_notes_on_the_pages() {
    let (_tmp, out) = build_rich(&[]);
    let vi = read(&out, &page("vi", "tasks/plan-a-a-2"));
    let vi = main_part(&vi);
    assert!(
        vi.contains("bản dịch của chúng tôi từ một bản dịch tiếng Anh không chính thức"),
        "vi: {vi}"
    );
    let en = read(&out, &page("en", "tasks/plan-a-a-2"));
    let en = main_part(&en);
    assert!(
        en.contains("an unofficial translation of the Vietnamese original"),
        "en: {en}"
    );
    for html in [vi, en] {
        assert!(
            html.contains(r#"<q lang="en">torture cases</q> [sic]"#)
                && html.contains(r#"<q lang="en">cases of torture</q>"#),
            "{html}"
        );
    }
    // The plan page says what its task table is, not only its title.
    let plan_vi = read(&out, &page("vi", "plans/plan-a"));
    assert!(
        main_part(&plan_vi).contains("Nội dung tiếng Việt của các nhiệm vụ trong kế hoạch này"),
        "{plan_vi}"
    );
    let tasks = read(&out, "data/tasks.csv");
    assert!(
        tasks.contains("torture cases => cases of torture"),
        "{tasks}"
    );
    assert!(tasks.lines().next().unwrap().contains("transcribed_from"));
}

/// Site contract, cross-links: a recommendation page links each answering
/// task's plan; a theme page lists lead and coordinating agencies with
/// their role.
#[test]
fn recommendation_links_plans_and_theme_lists_roles() {
    let (_tmp, out) = build_rich(&[]);
    let links = local_links(&out, &page("en", "recommendations/iccpr-death-penalty"));
    assert!(links.contains(&page("en", "plans/plan-a")), "{links:?}");
    let theme = read(&out, &page("vi", "themes/death-penalty"));
    let theme = main_part(&theme);
    let item = |agency: &str| -> &str {
        let at = theme
            .find(&format!("agencies/{agency}/"))
            .unwrap_or_else(|| panic!("{agency} not on the theme page: {theme}"));
        &theme[at..at + theme[at..].find("</li>").unwrap()]
    };
    assert!(item("moj").contains("(chủ trì)"), "{}", item("moj"));
    assert!(item("mps").contains("(phối hợp)"), "{}", item("mps"));
}
