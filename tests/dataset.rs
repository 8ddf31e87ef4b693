//! Holds the shape of the shipped Viet Nam dataset (site.yaml, data/,
//! content/ at the repo root): the site checks clean, and the CSV datasets
//! it exports have the counts, links and values the source documents give.
//!
//! The seeds quoted below are the text exports in ../shared/seeds/
//! (000 = Decision 1252/QĐ-TTg ICCPR plan, English translation; 002 =
//! national report appendices; 003 = Decision 87/QĐ-TTg CAT plan,
//! Vietnamese original; 004 = 2022 R2P assessment). Line numbers are those
//! of the seed files; long lines are cut with "…".
//!
//! One build serves every test: the first test to need the datasets builds
//! the site into a temporary folder, reads all the CSVs into memory and
//! removes the folder.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;

type Row = BTreeMap<String, String>;

struct Table {
    name: String,
    rows: Vec<Row>,
}

impl Table {
    fn read(path: &Path) -> Table {
        let mut reader = csv::Reader::from_path(path)
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
        let headers = reader.headers().expect("CSV header").clone();
        let rows = reader
            .records()
            .map(|record| {
                let record = record.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                headers
                    .iter()
                    .zip(record.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect()
            })
            .collect();
        Table {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            rows,
        }
    }

    /// The row whose `key` column is `value` (exactly one).
    fn find(&self, key: &str, value: &str) -> &Row {
        let mut found = self.rows.iter().filter(|r| col(r, key) == value);
        let row = found
            .next()
            .unwrap_or_else(|| panic!("{}: no row with {key} = {value:?}", self.name));
        assert!(
            found.next().is_none(),
            "{}: more than one row with {key} = {value:?}",
            self.name
        );
        row
    }

    fn id(&self, id: &str) -> &Row {
        self.find("id", id)
    }

    /// The rows whose columns have the given values.
    fn where_all(&self, cond: &[(&str, &str)]) -> Vec<&Row> {
        self.rows
            .iter()
            .filter(|r| cond.iter().all(|(k, v)| col(r, k) == *v))
            .collect()
    }
}

fn col<'a>(row: &'a Row, name: &str) -> &'a str {
    row.get(name)
        .unwrap_or_else(|| panic!("no column {name:?} in row {row:?}"))
}

/// A `;`-separated list cell as a list (empty cell = empty list).
fn list(row: &Row, name: &str) -> Vec<String> {
    col(row, name)
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

struct Datasets {
    tasks: Table,
    agencies: Table,
    task_agencies: Table,
    themes: Table,
    theme_links: Table,
    recommendations: Table,
    mechanisms: Table,
    documents: Table,
    plans: Table,
    indicator_values: Table,
    /// The main part of the pages in [`PAGES`], by path.
    pages: BTreeMap<&'static str, String>,
}

/// Pages the spot checks read (the rest of the built site is not kept).
const PAGES: &[&str] = &[
    "vi/tasks/qd-1252-2019-a-ii-3-2/index.html",
    "en/tasks/qd-1252-2019-a-ii-3-2/index.html",
    "vi/plans/qd-1252-2019/index.html",
    "en/plans/qd-1252-2019/index.html",
    "vi/tasks/qd-87-2023-dd/index.html",
    "en/tasks/qd-87-2023-dd/index.html",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn data() -> &'static Datasets {
    static DATA: OnceLock<Datasets> = OnceLock::new();
    DATA.get_or_init(|| {
        let out = tempfile::tempdir().expect("temp dir");
        let output = Command::cargo_bin("lotrinh")
            .unwrap()
            .arg("build")
            .arg("--root")
            .arg(root())
            .arg("--out")
            .arg(out.path())
            .output()
            .expect("run lotrinh build");
        assert!(
            output.status.success(),
            "lotrinh build failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let dir = out.path().join("data");
        let read = |name: &str| Table::read(&dir.join(name));
        Datasets {
            tasks: read("tasks.csv"),
            agencies: read("agencies.csv"),
            task_agencies: read("task-agencies.csv"),
            themes: read("themes.csv"),
            theme_links: read("theme-links.csv"),
            recommendations: read("recommendations.csv"),
            mechanisms: read("mechanisms.csv"),
            documents: read("documents.csv"),
            plans: read("plans.csv"),
            indicator_values: read("indicator-values.csv"),
            pages: PAGES
                .iter()
                .map(|&p| {
                    let html = std::fs::read_to_string(out.path().join(p))
                        .unwrap_or_else(|e| panic!("{p}: {e}"));
                    let main = match (html.find("<main"), html.rfind("</main>")) {
                        (Some(a), Some(b)) if a < b => html[a..b].to_string(),
                        _ => panic!("{p}: no <main>"),
                    };
                    (p, main)
                })
                .collect(),
        }
        // `out` is dropped here: the temporary site is removed once read.
    })
}

fn is_heading(task: &Row) -> bool {
    match col(task, "heading") {
        "true" => true,
        "false" => false,
        other => panic!("task {}: heading is {other:?}", col(task, "id")),
    }
}

// ---------------------------------------------------------------------------
// The site checks clean
// ---------------------------------------------------------------------------

#[test]
fn check_passes_without_warnings() {
    let output = Command::cargo_bin("lotrinh")
        .unwrap()
        .arg("check")
        .arg("--root")
        .arg(root())
        .output()
        .expect("run lotrinh check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "lotrinh check failed:\n{stdout}{stderr}"
    );
    for (stream, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert!(
            !text.to_lowercase().contains("warning"),
            "lotrinh check printed a warning on {stream}:\n{text}"
        );
    }
}

// ---------------------------------------------------------------------------
// Counts per plan and section
// ---------------------------------------------------------------------------

/// (plan, section) -> (headings, tasks). Counted by hand from the seeds'
/// tables; a "task" is a row that is not a heading.
///
/// qd-1252-2019 (seed 000, table from line 123):
/// - A: headings A, A.II, A.II.1, A.II.2, A.II.2.2, A.II.3; tasks A.I,
///   A.II.1.1-1.7, A.II.2.1, A.II.2.2.a-đ (a b c d đ), A.II.3.1-3.10, A.III.
/// - B: headings B, B.III, B.IV, B.V, B.VI; tasks B.I, B.II, B.III.1-4,
///   B.IV.1-2, B.V.1-3, B.VI.1-2.
/// - C: headings C, C.II, C.IV; tasks C.I, C.II.1-4, C.III, C.IV.1-3.
/// - D: headings D, D.IV, D.V; tasks D.I, D.II, D.III, D.IV.1-2, D.V.1-2
///   (D.V.2 is the seed's last line, which has no line end).
///
/// qd-87-2023 (seed 003, table from line 216):
/// - A: headings A, A.II, A.II.1, A.II.2; tasks A.I, A.II.1.1-1.3,
///   A.II.2.1-2.2, A.II.3, A.III.
/// - B: headings B, B.III, B.VII, B.VIII, B.IX; tasks B.I, B.II,
///   B.III.1-4, B.IV, B.V (a row with its own lead, followed after a page
///   break by items 2.-5. and no 1.), B.V.2-5, B.VI, B.VII.1-3, B.VIII.1-3,
///   B.IX.1-2.
/// - C: headings C, C.VI, C.VI.1; tasks C.I-C.V, C.VI.1.1-1.6, C.VI.2-4,
///   C.VII, C.VIII.
/// - D (line 312): heading D; tasks D.I-D.VI.
/// - Đ (line 324, printed as a second "<b>D. Tiếp tục thực hiện các nghĩa
///   vụ báo cáo định kỳ…"): heading Đ; tasks Đ.I-Đ.IV.
/// - E (line 331): heading E; tasks E.I-E.II.
const SECTIONS: &[(&str, &str, usize, usize)] = &[
    ("qd-1252-2019", "A", 6, 25),
    ("qd-1252-2019", "B", 5, 13),
    ("qd-1252-2019", "C", 3, 9),
    ("qd-1252-2019", "D", 3, 7),
    ("qd-87-2023", "A", 4, 8),
    ("qd-87-2023", "B", 5, 21),
    ("qd-87-2023", "C", 3, 16),
    ("qd-87-2023", "D", 1, 6),
    ("qd-87-2023", "Đ", 1, 4),
    ("qd-87-2023", "E", 1, 2),
];

/// plan -> (headings, tasks)
const PLANS: &[(&str, usize, usize)] = &[("qd-1252-2019", 17, 54), ("qd-87-2023", 15, 57)];

#[test]
fn headings_and_tasks_per_section() {
    let d = data();
    let mut actual: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for task in &d.tasks.rows {
        let section = col(task, "ref").split('.').next().unwrap().to_string();
        let entry = actual
            .entry((col(task, "plan").to_string(), section))
            .or_default();
        if is_heading(task) {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }
    let expected: BTreeMap<(String, String), (usize, usize)> = SECTIONS
        .iter()
        .map(|&(p, s, h, t)| ((p.to_string(), s.to_string()), (h, t)))
        .collect();
    assert_eq!(actual, expected, "(plan, section) -> (headings, tasks)");

    // The sections add up to the plan totals.
    for &(plan, headings, tasks) in PLANS {
        let (h, t) = SECTIONS
            .iter()
            .filter(|s| s.0 == plan)
            .fold((0, 0), |(h, t), s| (h + s.2, t + s.3));
        assert_eq!((h, t), (headings, tasks), "{plan}: sections vs total");
        // plans.csv's own task count (non-heading rows) agrees.
        assert_eq!(
            col(d.plans.id(plan), "tasks"),
            tasks.to_string(),
            "{plan}: plans.csv tasks"
        );
    }
    // The two other plans have no task table in the dataset.
    for plan in ["qd-1975-2019", "qd-2715-2025"] {
        assert_eq!(
            col(d.plans.id(plan), "tasks"),
            "0",
            "{plan}: plans.csv tasks"
        );
    }
}

#[test]
fn d_and_dd_get_distinct_ids() {
    let d = data();
    // seed 003 line 313: "I.\tTăng cường trao đổi thông tin, chia sẻ kinh nghiệm…" (under D.)
    // seed 003 line 325: "I.\tXây dựng Báo cáo quốc gia định kỳ…" (under the second "D.", i.e. Đ.)
    let d_i = d.tasks.id("qd-87-2023-d-i");
    let dd_i = d.tasks.id("qd-87-2023-dd-i");
    assert_eq!(col(d_i, "ref"), "D.I");
    assert_eq!(col(dd_i, "ref"), "Đ.I");
    assert_eq!(col(d_i, "parent"), "qd-87-2023-d");
    assert_eq!(col(dd_i, "parent"), "qd-87-2023-dd");
    assert_ne!(col(d_i, "text_vi"), col(dd_i, "text_vi"));
    assert_eq!(col(d.tasks.id("qd-87-2023-dd"), "heading"), "true");
    // The ICCPR plan has a lettered d / đ pair too (seed 000 lines 150, 154).
    assert_eq!(
        col(d.tasks.id("qd-1252-2019-a-ii-2-2-d"), "ref"),
        "A.II.2.2.d"
    );
    assert_eq!(
        col(d.tasks.id("qd-1252-2019-a-ii-2-2-dd"), "ref"),
        "A.II.2.2.đ"
    );
}

// ---------------------------------------------------------------------------
// Links: leads, agencies, themes, recommendations
// ---------------------------------------------------------------------------

#[test]
fn every_task_has_a_lead_and_every_row_text_in_both_languages() {
    let d = data();
    for task in &d.tasks.rows {
        let id = col(task, "id");
        for lang in ["text_vi", "text_en"] {
            assert!(!col(task, lang).trim().is_empty(), "task {id}: no {lang}");
        }
        if !is_heading(task) {
            assert!(!list(task, "lead").is_empty(), "task {id}: no lead agency");
            assert!(
                !d.task_agencies
                    .where_all(&[("task", id), ("role", "lead")])
                    .is_empty(),
                "task {id}: no lead in task-agencies.csv"
            );
        }
    }
}

#[test]
fn tasks_led_by_an_ended_agency_name_a_current_lead() {
    let d = data();
    let ended: BTreeSet<&str> = d
        .agencies
        .rows
        .iter()
        .filter(|a| !col(a, "ended").is_empty())
        .map(|a| col(a, "id"))
        .collect();
    for task in d.tasks.rows.iter().filter(|t| !is_heading(t)) {
        let leads = list(task, "lead");
        if leads.iter().any(|l| ended.contains(l.as_str())) {
            let current = list(task, "current_lead");
            assert!(
                !current.is_empty(),
                "task {}: lead {leads:?} has ended but no current_lead",
                col(task, "id")
            );
            for a in &current {
                assert!(
                    !ended.contains(a.as_str()),
                    "task {}: current_lead {a} has ended itself",
                    col(task, "id")
                );
            }
        }
    }
}

/// Agencies allowed to have no task. Empty: every body in the data is named
/// in a plan (agencies named in no plan were dropped from the reference list).
const KNOWN_UNUSED_AGENCIES: &[&str] = &[];

#[test]
fn every_agency_has_a_task() {
    let d = data();
    let count = |a: &Row, c: &str| -> usize {
        col(a, c)
            .parse()
            .unwrap_or_else(|e| panic!("agency {}: {c}: {e}", col(a, "id")))
    };
    // Led or coordinated...
    let mut used: BTreeSet<String> = d
        .agencies
        .rows
        .iter()
        .filter(|a| count(a, "tasks_led") + count(a, "tasks_coordinated") > 0)
        .map(|a| col(a, "id").to_string())
        .collect();
    // ...or the current lead of a task...
    for task in &d.tasks.rows {
        used.extend(list(task, "current_lead"));
    }
    // ...or the successor of an agency that has one (to a fixed point).
    loop {
        let before = used.len();
        for a in &d.agencies.rows {
            if used.contains(col(a, "id")) {
                used.extend(list(a, "successors"));
            }
        }
        if used.len() == before {
            break;
        }
    }
    let unused: Vec<&str> = d
        .agencies
        .rows
        .iter()
        .map(|a| col(a, "id"))
        .filter(|id| !used.contains(*id))
        .collect();
    assert_eq!(
        unused, KNOWN_UNUSED_AGENCIES,
        "agencies with no task (led, coordinated, current lead or successor)"
    );
}

#[test]
fn every_theme_is_used() {
    let d = data();
    let linked: BTreeSet<&str> = d.theme_links.rows.iter().map(|r| col(r, "theme")).collect();
    let themes: BTreeSet<&str> = d.themes.rows.iter().map(|r| col(r, "id")).collect();
    let unused: Vec<&&str> = themes.difference(&linked).collect();
    assert!(unused.is_empty(), "themes used nowhere: {unused:?}");
    let unknown: Vec<&&str> = linked.difference(&themes).collect();
    assert!(
        unknown.is_empty(),
        "theme-links.csv names unknown themes: {unknown:?}"
    );
    // docs/dataset-conventions.md lists exactly 26 themes (25, and
    // political-participation since the data review of issue 13).
    assert_eq!(themes.len(), 26);
}

#[test]
fn every_recommendation_is_complete() {
    let d = data();
    assert!(!d.recommendations.rows.is_empty());
    for rec in &d.recommendations.rows {
        let id = col(rec, "id");
        for field in ["mechanism", "document", "text_vi", "text_en"] {
            assert!(
                !col(rec, field).trim().is_empty(),
                "recommendation {id}: no {field}"
            );
        }
        d.mechanisms.id(col(rec, "mechanism"));
        d.documents.id(col(rec, "document"));
    }
}

// ---------------------------------------------------------------------------
// Spot checks against the seeds
// ---------------------------------------------------------------------------

/// The English note on `agency`'s lead ref in `task` (task-agencies.csv).
fn lead_note_en<'a>(d: &'a Datasets, task: &str, agency: &str) -> &'a str {
    let refs = d
        .task_agencies
        .where_all(&[("task", task), ("agency", agency), ("role", "lead")]);
    assert_eq!(refs.len(), 1, "{task}: {agency} as lead");
    col(refs[0], "note_en")
}

#[test]
fn spot_checks_iccpr_plan() {
    let d = data();

    // 1. seed 000 line 126: "I.\tReview and evaluate provisions in draft laws … \tMinistry of
    //    Justice\t- Relevant agencies; - Supreme Procuracy and Supreme Court to coordinate;\t
    //    Legal documents contain provisions consistent with ICCPR\tAnnual"
    let t = d.tasks.id("qd-1252-2019-a-i");
    assert_eq!(col(t, "ref"), "A.I");
    assert_eq!(col(t, "lead"), "moj");
    assert_eq!(col(t, "timeframe_en"), "Annual");
    assert_eq!(col(t, "recurring"), "annual");
    assert_eq!(col(t, "due"), "");
    assert_eq!(col(t, "overdue"), "false");
    assert_eq!(
        col(t, "expected_en"),
        "Legal documents contain provisions consistent with ICCPR"
    );

    // 2. seed 000 line 171: "III.\tDevelop overview report assessing the legislation of ICCPR
    //    provisions into domestic laws, … \tMinistry of Justice\t… \t2020 and periodic in each
    //    of the following 2 years"
    let t = d.tasks.id("qd-1252-2019-a-iii");
    assert_eq!(col(t, "lead"), "moj");
    assert_eq!(
        col(t, "timeframe_en"),
        "2020 and periodic in each of the following 2 years"
    );
    assert_eq!(col(t, "due"), "2020; 2021; 2022");
    assert_eq!(col(t, "last_due"), "2022-12-31");

    // 3. seed 000 line 130: "1.2.\tNational security (paying attention to the national
    //    security concept and crimes related to national security in the penal code, etc.)\t
    //    - Ministry of Public Security (Law on National Security and related implementation
    //    guidance documents) - Ministry of Justice (penal code)\t…"
    let id = "qd-1252-2019-a-ii-1-2";
    let t = d.tasks.id(id);
    assert_eq!(col(t, "ref"), "A.II.1.2");
    assert_eq!(col(t, "parent"), "qd-1252-2019-a-ii-1");
    assert_eq!(
        col(t, "text_en"),
        "National security (paying attention to the national security concept and crimes \
         related to national security in the penal code, etc.)"
    );
    assert_eq!(list(t, "lead"), ["mps", "moj"]);
    assert_eq!(
        lead_note_en(d, id, "mps"),
        "Law on National Security and related implementation guidance documents"
    );
    assert_eq!(lead_note_en(d, id, "moj"), "penal code");
    assert_eq!(col(t, "due"), "2020; 2022");

    // 4. seed 000 line 154: "đ\tResidency management (particularly household registry issues
    //    causing discrimination against ethnic minorities, etc.)\tMinistry of Public Security\t
    //    - Relevant ministries and agencies\t\t" (no expected result, no time frame printed)
    let t = d.tasks.id("qd-1252-2019-a-ii-2-2-dd");
    assert_eq!(col(t, "lead"), "mps");
    assert_eq!(col(t, "coordinating"), "relevant-agencies");
    assert_eq!(col(t, "timeframe_en"), "");
    assert_eq!(col(t, "due"), "");
    assert_eq!(col(t, "recurring"), "");

    // 5. seed 000 line 147: "a\tLabor (particularly retirement age, …)\tMinistry of Labor,
    //    Invalids and Social Affairs\t…" (labour: molisa's functions went to moha)
    let t = d.tasks.id("qd-1252-2019-a-ii-2-2-a");
    assert_eq!(col(t, "lead"), "molisa");
    assert_eq!(col(t, "current_lead"), "moha");

    // 6. seed 000 line 228: "III.\tContinue to study the feasibility of establishing a National
    //    Human Rights Agency … \tMinistry of Public Security\tRelevant ministries and agencies\t
    //    … \tYear 2022"
    let t = d.tasks.id("qd-1252-2019-d-iii");
    assert_eq!(col(t, "lead"), "mps");
    assert_eq!(col(t, "timeframe_en"), "Year 2022");
    assert_eq!(col(t, "due"), "2022");
}

#[test]
fn spot_checks_cat_plan() {
    let d = data();

    // 7. seed 003 line 218: "I.\tRà soát, đánh giá tính tương thích giữa quy định tại các dự
    //    thảo luật, nghị quyết của Quốc hội, pháp lệnh của Ủy ban Thường vụ Quốc hội với Công
    //    ước CAT trong quá trình xây dựng các văn bản quy phạm pháp luật\tBộ Tư pháp\t…\tHàng năm"
    let t = d.tasks.id("qd-87-2023-a-i");
    assert!(
        col(t, "text_vi").starts_with(
            "Rà soát, đánh giá tính tương thích giữa quy định tại các dự thảo luật, \
             nghị quyết của Quốc hội, pháp lệnh của Ủy ban Thường vụ Quốc hội với Công ước CAT"
        ),
        "CAT A.I text_vi: {:?}",
        col(t, "text_vi")
    );
    assert_eq!(col(t, "lead"), "moj");
    assert_eq!(col(t, "timeframe_vi"), "Hàng năm");
    assert_eq!(col(t, "recurring"), "annual");

    // 8. seed 003 line 228: "2.2.\tBảo đảm rằng người bị cáo buộc … \tBộ Công an\t…\t
    //    - Báo cáo sơ bộ: năm 2023 - Báo cáo cuối: năm 2024 - 2025"
    let t = d.tasks.id("qd-87-2023-a-ii-2-2");
    assert_eq!(col(t, "lead"), "mps");
    assert_eq!(col(t, "due"), "2023; 2024; 2025");

    // 9. seed 003 line 330 (section Đ): "IV.\tXây dựng Báo cáo giữa kỳ cập nhật về trả lời các
    //    bình luận và tình hình thực hiện các khuyến nghị của Ủy ban chống tra tấn\tBộ Công an\t
    //    …\tBáo cáo giữa kỳ\tTheo quy định của Công ước và thông báo của Ủy ban chống tra tấn"
    let t = d.tasks.id("qd-87-2023-dd-iv");
    assert_eq!(col(t, "ref"), "Đ.IV");
    assert_eq!(col(t, "parent"), "qd-87-2023-dd");
    assert_eq!(
        col(t, "text_vi"),
        "Xây dựng Báo cáo giữa kỳ cập nhật về trả lời các bình luận và tình hình thực hiện \
         các khuyến nghị của Ủy ban chống tra tấn"
    );
    assert_eq!(col(t, "lead"), "mps");
    assert_eq!(col(t, "expected_vi"), "Báo cáo giữa kỳ");
    assert_eq!(
        col(t, "timeframe_vi"),
        "Theo quy định của Công ước và thông báo của Ủy ban chống tra tấn"
    );
    assert_eq!(col(t, "due"), "");
    assert_eq!(col(t, "recurring"), "");

    // 10. seed 003 line 333: "II.\tTiếp tục nghiên cứu khả năng thành lập Cơ quan Nhân quyền
    //     quốc gia … \tBộ Công an\t…\tTheo lộ trình của Đề án nghiên cứu"
    let t = d.tasks.id("qd-87-2023-e-ii");
    assert_eq!(col(t, "lead"), "mps");
    assert_eq!(col(t, "timeframe_vi"), "Theo lộ trình của Đề án nghiên cứu");
    assert_eq!(col(t, "due"), "");

    // 11. seed 003 line 300: "2.\tĐa dạng hóa hình thức tuyên truyền, … \tBộ Thông tin và
    //     Truyền thông\t- Bộ Công an, …" (communication work: mic's functions went to mocst;
    //     "ứng dụng công nghệ thông tin" to most, review finding A7)
    let t = d.tasks.id("qd-87-2023-c-vi-2");
    assert_eq!(col(t, "lead"), "mic");
    assert_eq!(list(t, "current_lead"), ["mocst", "most"]);
}

#[test]
fn spot_checks_agencies() {
    let d = data();
    // 12. docs/dataset-conventions.md: "molisa | Ministry of Labour, Invalids and Social
    //     Affairs (ended 2025-03-01)", "mic | Ministry of Information and Communications
    //     (ended 2025-03-01)"; successors as listed there: molisa -> moha, moet, moh, mae
    //     and mps;
    //     mic -> mocst, most.
    let mic = d.agencies.id("mic");
    assert_eq!(col(mic, "ended"), "2025-03-01");
    assert_eq!(
        list(mic, "successors").into_iter().collect::<BTreeSet<_>>(),
        BTreeSet::from(["mocst".to_string(), "most".to_string()])
    );
    let molisa = d.agencies.id("molisa");
    assert_eq!(col(molisa, "ended"), "2025-03-01");
    assert_eq!(
        list(molisa, "successors")
            .into_iter()
            .collect::<BTreeSet<_>>(),
        // mps: drug rehabilitation from 1 March 2025 (progress.md P47, finding A1).
        ["mae", "moet", "moh", "moha", "mps"]
            .map(String::from)
            .into_iter()
            .collect::<BTreeSet<_>>()
    );
    // Both led tasks in the plans (seed 000 line 147 "Ministry of Labor, Invalids and Social
    // Affairs"; seed 003 line 300 "Bộ Thông tin và Truyền thông").
    assert!(col(mic, "tasks_led").parse::<usize>().unwrap() > 0);
    assert!(col(molisa, "tasks_led").parse::<usize>().unwrap() > 0);
}

#[test]
fn spot_checks_indicators() {
    let d = data();

    // 13. seed 002 line 82 (2016-2020 term): "- Elected female deputies to the National
    //     Assembly: 26.72% (132/494); in 2017: 27.1% (132/487)."
    let v = d.indicator_values.where_all(&[
        ("indicator", "ge-1-1-female-deputies"),
        ("period", "2016-2020 term"),
        ("breakdown", "level=national-assembly"),
    ]);
    assert_eq!(v.len(), 1);
    assert_eq!(col(v[0], "value"), "26.72");
    assert_eq!(col(v[0], "source"), "national-report-appendices");

    // 14. seed 004 line 119: "Ensure equal access to justice.\tWeak Decrease\tThere remain
    //     differences between the constitutional freedoms …"
    let v = d.indicator_values.where_all(&[
        ("indicator", "r2p-3-7-equal-access-to-justice"),
        ("period", "2022"),
    ]);
    assert_eq!(v.len(), 1);
    assert_eq!(col(v[0], "value"), "weak");
    assert_eq!(col(v[0], "change"), "decrease");
    assert_eq!(col(v[0], "source"), "r2p-assessment-2022");

    // 15. seed 004 line 74: "Vietnam 2022 Score: 25"; line 76: "Vietnam 2019 Score: 28.5 (29)"
    for (period, value) in [("2019", "28.5"), ("2022", "25")] {
        let v = d
            .indicator_values
            .where_all(&[("indicator", "r2p-overall-score"), ("period", period)]);
        assert_eq!(v.len(), 1, "r2p-overall-score {period}");
        assert_eq!(col(v[0], "value"), value, "r2p-overall-score {period}");
    }
}

// ---------------------------------------------------------------------------
// Corrections from the data review (issue 13)
// ---------------------------------------------------------------------------

/// Finding A1: from 1 March 2025 state management of drug rehabilitation went
/// from MOLISA to the Ministry of Public Security, not to Health
/// (../shared/facts/progress.md P47). The three ICCPR tasks on drug
/// rehabilitation (seed 000: A.II.3.2 "Law on drug rehabilitation …", B.V.3
/// "… and drug rehabilitation centers", C.II.3 "… staff at mandatory drug
/// treatment centers") name the MPS as who answers for them today.
#[test]
fn drug_rehabilitation_goes_to_public_security() {
    let d = data();
    for id in [
        "qd-1252-2019-a-ii-3-2",
        "qd-1252-2019-b-v-3",
        "qd-1252-2019-c-ii-3",
    ] {
        let t = d.tasks.id(id);
        assert!(list(t, "lead").iter().any(|a| a == "molisa"), "{id}: lead");
        let current = list(t, "current_lead");
        assert!(current.iter().any(|a| a == "mps"), "{id}: {current:?}");
        assert!(!current.iter().any(|a| a == "moh"), "{id}: {current:?}");
    }
    let t = d.tasks.id("qd-1252-2019-a-ii-3-2");
    assert_eq!(list(t, "current_lead"), ["mps"]);
}

/// Finding T1: the heading of the CAT plan's section Đ prints "định kỳ, đề
/// xuất" (seed 003 line 324), a typo for "định kỳ, đột xuất" (the Decision's
/// own body, seed 003 line 172). The Vietnamese keeps the printed words; the
/// English translates what was meant, not "make proposals".
#[test]
fn cat_section_dd_heading_reads_ad_hoc_reporting() {
    let d = data();
    let t = d.tasks.id("qd-87-2023-dd");
    assert!(
        col(t, "text_vi").contains("các nghĩa vụ báo cáo định kỳ, đề xuất theo quy định"),
        "{:?}",
        col(t, "text_vi")
    );
    let en = col(t, "text_en");
    assert!(
        en.contains("periodic and ad hoc reporting obligations"),
        "{en:?}"
    );
    assert!(!en.contains("proposal"), "{en:?}");
}

/// Finding T1 and point 1 of issue 13: the typo is recorded as a `[sic]`
/// note that the page shows in both languages and tasks.csv exports.
#[test]
fn cat_section_dd_heading_has_a_sic_note() {
    let d = data();
    let t = d.tasks.id("qd-87-2023-dd");
    assert_eq!(col(t, "sic"), "định kỳ, đề xuất => định kỳ, đột xuất");
    for lang in ["vi", "en"] {
        let html = &d.pages[format!("{lang}/tasks/qd-87-2023-dd/index.html").as_str()];
        assert!(
            html.contains(r#"<q lang="vi">định kỳ, đề xuất</q> [sic]"#)
                && html.contains(r#"<q lang="vi">định kỳ, đột xuất</q>"#),
            "{lang}: {html}"
        );
    }
}

/// Finding C1: the ICCPR plan was transcribed from an unofficial English
/// translation (seed 000), so its Vietnamese is our translation of that
/// English. Its pages say so on both sides: the Vietnamese, that it is our
/// translation of an unofficial English translation; the English, that it is
/// an unofficial translation of the Vietnamese original. The CAT plan's
/// Vietnamese is the Decision's own text and carries no notice.
#[test]
fn iccpr_plan_pages_say_what_their_texts_are() {
    let d = data();
    for task in d
        .tasks
        .rows
        .iter()
        .filter(|t| col(t, "plan") == "qd-1252-2019")
    {
        let id = col(task, "id");
        assert_eq!(col(task, "original"), "vi", "{id}");
        assert_eq!(col(task, "transcribed_from"), "en", "{id}");
    }
    for task in d
        .tasks
        .rows
        .iter()
        .filter(|t| col(t, "plan") == "qd-87-2023")
    {
        let id = col(task, "id");
        assert_eq!(col(task, "original"), "vi", "{id}");
        assert_eq!(col(task, "transcribed_from"), "", "{id}");
    }
    let vi_notice = "Văn bản tiếng Việt trên trang này là bản dịch của chúng tôi từ một bản dịch \
                     tiếng Anh không chính thức, không phải văn bản chính thức";
    let en_notice =
        "The English text on this page is an unofficial translation of the Vietnamese original";
    let page = |p: &str| -> &str { &d.pages[p] };
    assert!(page("vi/tasks/qd-1252-2019-a-ii-3-2/index.html").contains(vi_notice));
    assert!(page("en/tasks/qd-1252-2019-a-ii-3-2/index.html").contains(en_notice));
    assert!(page("vi/plans/qd-1252-2019/index.html").contains(
        "Nội dung tiếng Việt của các nhiệm vụ trong kế hoạch này là bản dịch của chúng tôi \
             từ một bản dịch tiếng Anh không chính thức"
    ));
    assert!(page("en/plans/qd-1252-2019/index.html").contains(
        "The English text of this plan&#39;s tasks is an unofficial translation of the \
             Vietnamese original"
    ));
    let cat_vi = page("vi/tasks/qd-87-2023-dd/index.html");
    assert!(!cat_vi.contains("notice translation"), "{cat_vi}");
    let cat_en = page("en/tasks/qd-87-2023-dd/index.html");
    assert!(cat_en.contains(en_notice), "{cat_en}");
    // Decision 87's full text is online (progress.md P14): the notice links it.
    assert!(
        cat_en.contains(r#"href="https://vanban123.vn/Quyet-dinh/Quyet-dinh-87-QD-TTg-nam-2023"#),
        "{cat_en}"
    );
}

/// Issue 12's bar for the shipped record: at least 35 tasks show a state
/// that a dated, sourced progress record gives (done, in progress or not
/// started), never a state made up from the deadline alone. Each such row
/// names its record, who says so and the source.
#[test]
fn at_least_35_tasks_have_a_sourced_state() {
    let d = data();
    let sourced: Vec<&Row> = d
        .tasks
        .rows
        .iter()
        .filter(|t| !is_heading(t) && !col(t, "state_record").is_empty())
        .collect();
    assert!(
        sourced.len() >= 35,
        "{} tasks with a sourced state",
        sourced.len()
    );
    for t in &sourced {
        let id = col(t, "id");
        assert!(
            ["done", "in-progress", "not-started"].contains(&col(t, "state")),
            "{id}: state {:?} from a record",
            col(t, "state")
        );
        for c in ["state_date", "state_by", "state_source"] {
            assert!(!col(t, c).is_empty(), "{id}: {c} is empty");
        }
    }
    // Task C.I's record: the Ministry of Justice's portal communicating the
    // 2019 observations (../shared/facts/progress.md P06: "in-progress").
    // Laws on a task's subject stay context (methodology): A.II.1.6, A.II.3.6.
    assert_eq!(col(d.tasks.id("qd-1252-2019-c-i"), "state"), "in-progress");
    assert_eq!(col(d.tasks.id("qd-1252-2019-a-ii-1-6"), "state_record"), "");
    assert_eq!(col(d.tasks.id("qd-1252-2019-a-ii-3-6"), "state_record"), "");
}
