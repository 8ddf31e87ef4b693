//! Writes a synthetic lotrinh site of N recommendations for the scaling
//! benchmark (benches/run.sh). Everything else grows with N in the
//! proportions of the shipped Viet Nam site: a task for every four
//! recommendations, an agency and an indicator for every fifty, a plan for
//! every two thousand, about one and a half progress records a task, with
//! cross-links (task → recommendations, lead and
//! coordinating agencies, indicators; recommendation → related) and
//! Vietnamese text with diacritics and đ. The output is deterministic: the
//! same N gives the same bytes.
//!
//! Usage: cargo run --release --example gen-site -- N OUT_DIR

use std::fmt::Write as _;
use std::path::Path;

/// A small deterministic generator (xorshift64*), so no dependency and
/// identical sites on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const VI_VERBS: &[&str] = &[
    "Bảo đảm",
    "Tăng cường",
    "Hoàn thiện",
    "Rà soát, đánh giá",
    "Nghiên cứu, đề xuất",
    "Đẩy mạnh",
    "Xây dựng và triển khai",
    "Nâng cao hiệu quả",
    "Tổ chức tuyên truyền, phổ biến",
    "Đào tạo, bồi dưỡng",
];
const VI_OBJECTS: &[&str] = &[
    "quy định pháp luật về quyền dân sự và chính trị",
    "cơ chế giám sát độc lập đối với nơi giam giữ",
    "quyền được xét xử công bằng của người bị buộc tội",
    "công tác phòng, chống tra tấn và đối xử tàn bạo",
    "quyền tự do ngôn luận, báo chí và tiếp cận thông tin",
    "bình đẳng giới và phòng, chống bạo lực gia đình",
    "quyền của người khuyết tật, người dân tộc thiểu số",
    "trợ giúp pháp lý miễn phí cho người nghèo",
    "điều kiện giam giữ tại trại tạm giam, nhà tạm giữ",
    "đội ngũ điều tra viên, kiểm sát viên, thẩm phán",
    "việc bồi thường cho người bị oan sai",
    "hợp tác quốc tế về quyền con người",
];
const VI_TAILS: &[&str] = &[
    "phù hợp với các điều ước quốc tế mà Việt Nam là thành viên",
    "trên phạm vi toàn quốc, ưu tiên địa bàn vùng sâu, vùng xa",
    "theo đúng lộ trình đã được Thủ tướng Chính phủ phê duyệt",
    "có sự tham gia của các tổ chức xã hội và người dân",
    "bảo đảm đủ nguồn lực và định kỳ báo cáo kết quả",
    "đặc biệt đối với phụ nữ, trẻ em và người đồng bào",
];
const EN_VERBS: &[&str] = &[
    "Ensure",
    "Strengthen",
    "Improve",
    "Review and evaluate",
    "Study and propose",
    "Promote",
    "Develop and implement",
    "Raise the effectiveness of",
    "Disseminate information on",
    "Train officials on",
];
const EN_OBJECTS: &[&str] = &[
    "the legal provisions on civil and political rights",
    "independent monitoring of places of detention",
    "the right of the accused to a fair trial",
    "the prevention of torture and cruel treatment",
    "freedom of expression, of the press and access to information",
    "gender equality and the prevention of domestic violence",
    "the rights of persons with disabilities and ethnic minorities",
    "free legal aid for the poor",
    "conditions in temporary detention facilities",
    "investigators, procurators and judges",
    "compensation for the wrongfully convicted",
    "international cooperation on human rights",
];
const EN_TAILS: &[&str] = &[
    "in line with the treaties to which Viet Nam is a party",
    "nationwide, giving priority to remote areas",
    "on the timetable approved by the Prime Minister",
    "with the participation of civil society and the public",
    "with sufficient resources and regular reporting",
    "in particular for women, children and minorities",
];
const VI_AGENCY: &[&str] = &[
    "Sở Tư pháp",
    "Sở Lao động",
    "Công an",
    "Ủy ban nhân dân",
    "Tòa án nhân dân",
    "Viện kiểm sát nhân dân",
    "Hội Liên hiệp Phụ nữ",
    "Đoàn Thanh niên",
];
const EN_AGENCY: &[&str] = &[
    "Department of Justice",
    "Department of Labour",
    "Police",
    "People's Committee",
    "People's Court",
    "People's Procuracy",
    "Women's Union",
    "Youth Union",
];
const PROVINCES: &[&str] = &[
    "Hà Nội",
    "Đà Nẵng",
    "Thừa Thiên Huế",
    "Đắk Lắk",
    "Đồng Nai",
    "Bình Định",
    "Điện Biên",
    "Quảng Ngãi",
    "Cần Thơ",
    "Hải Phòng",
];
const THEMES_VI: &[&str] = &[
    "Khuôn khổ pháp luật",
    "Phòng, chống tra tấn",
    "Bình đẳng giới",
    "Quyền trẻ em",
    "Tư pháp công bằng",
    "Tự do biểu đạt",
    "Người khuyết tật",
    "Dân tộc thiểu số",
    "Điều kiện giam giữ",
    "Hợp tác quốc tế",
];
const THEMES_EN: &[&str] = &[
    "Legal framework",
    "Prevention of torture",
    "Gender equality",
    "Children's rights",
    "Fair trial",
    "Freedom of expression",
    "Persons with disabilities",
    "Ethnic minorities",
    "Conditions of detention",
    "International cooperation",
];
const MECHS: &[&str] = &["iccpr", "cat", "upr"];
const STATES: &[&str] = &["France", "Chile", "Đan Mạch", "Nhật Bản", "Brazil", "Ấn Độ"];

/// A sentence in both languages, drawn from the same choices so the two match.
fn text(r: &mut Rng) -> (String, String) {
    let (v, o, t) = (
        r.below(VI_VERBS.len()),
        r.below(VI_OBJECTS.len()),
        r.below(VI_TAILS.len()),
    );
    let p = PROVINCES[r.below(PROVINCES.len())];
    (
        format!(
            "{} {} {}; thí điểm tại {p}.",
            VI_VERBS[v], VI_OBJECTS[o], VI_TAILS[t]
        ),
        format!(
            "{} {} {}; pilot in {}.",
            EN_VERBS[v],
            EN_OBJECTS[o],
            EN_TAILS[t],
            deunicode_lite(p)
        ),
    )
}

/// Province names in English text without tones (Đà Nẵng → Da Nang), by hand
/// to keep the generator free of dependencies.
fn deunicode_lite(s: &str) -> String {
    const FROM: &str = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĐ";
    const TO: &str = "aaaaaaaaaaaaaaaaadeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyD";
    s.chars()
        .map(|c| match FROM.chars().position(|f| f == c) {
            Some(i) => TO.chars().nth(i).unwrap_or(c),
            None => c,
        })
        .collect()
}

fn yq(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

fn write(dir: &Path, rel: &str, body: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("relative path has a parent"))
        .expect("create data folder");
    std::fs::write(&path, body).expect("write data file");
}

/// Who says what of a task, as the shipped site's records do: the
/// government's reports, the UN's follow-up assessments, the press and
/// civil society. (by, by_name vi/en)
const SOURCES: &[(&str, &str, &str)] = &[
    ("government", "Bộ Ngoại giao", "Ministry of Foreign Affairs"),
    ("government", "Bộ Tư pháp", "Ministry of Justice"),
    ("un", "Ủy ban Nhân quyền", "Human Rights Committee"),
    ("un", "Ủy ban Chống tra tấn", "Committee against Torture"),
    ("media", "Báo Nhân Dân", "Nhan Dan newspaper"),
    (
        "civil-society",
        "Liên minh các tổ chức xã hội",
        "NGO coalition",
    ),
    ("nhri", "", ""),
];
const PROGRESS_VI: &[&str] = &[
    "Báo cáo cho biết đã ban hành văn bản hướng dẫn",
    "Đã tổ chức hội nghị tập huấn cho cán bộ",
    "Dự thảo đang được lấy ý kiến các bộ, ngành",
    "Chưa có thông tin về việc triển khai",
    "Đã hoàn thành và báo cáo kết quả",
];
const PROGRESS_EN: &[&str] = &[
    "The report says implementing guidance was issued",
    "Training sessions for officials were held",
    "A draft is being circulated to ministries for comment",
    "No information on implementation",
    "Completed and the results reported",
];

/// Progress records: none to three on each task (about 1.5 a task), dated
/// from its plan's adoption to `as_of`, each with who says so and a
/// source (a review document for the UN, a web page otherwise). Drawn
/// from a generator of their own, so the rest of the site is the same as
/// before they existed; one file per plan.
fn progress(out: &Path, n_docs: usize, n_plans: usize, answered: &[(usize, usize, String)]) {
    let mut r = Rng(0x5851_f42d_4c95_7f2d ^ answered.len() as u64);
    let mut files: Vec<String> = vec![String::new(); n_plans];
    for (t, p, rec) in answered {
        let s = &mut files[*p];
        // Dates rise along the task's records: from the plan's year (2016
        // to 2025) to 2026-10 at the latest, before `as_of` (2026-11-23).
        let mut year = 2016 + p % 10;
        let mut month = 1 + r.below(12);
        for j in 0..r.below(4) {
            if year > 2026 || (year == 2026 && month > 10) {
                break;
            }
            let (by, name_vi, name_en) = SOURCES[r.below(SOURCES.len())];
            let k = r.below(PROGRESS_VI.len());
            let status = match k {
                0..=2 => "in-progress",
                3 => "not-started",
                _ => "done",
            };
            let _ = write!(
                s,
                "- id: pr-{t}-{j}\n  date: \"{year}-{month:02}-{:02}\"\n  tasks: [task-{t}]\n",
                1 + r.below(28)
            );
            // A fifth of the records are context, with no status.
            if !r.chance(20) {
                let _ = writeln!(s, "  status: {status}");
            }
            let _ = write!(
                s,
                "  text: {{ vi: \"{} (nhiệm vụ {t}).\", en: \"{} (task {t}).\" }}\n  by: {by}\n",
                PROGRESS_VI[k], PROGRESS_EN[k]
            );
            if !name_vi.is_empty() {
                let _ = writeln!(s, "  by_name: {{ vi: \"{name_vi}\", en: \"{name_en}\" }}");
            }
            if by == "un" {
                let _ = write!(
                    s,
                    "  recommendations: [{rec}]\n  source: doc-{}\n  grade: {}\n",
                    r.below(n_docs),
                    ["A", "B1", "B2", "C1", "C2", "E"][r.below(6)]
                );
            } else {
                let _ = write!(
                    s,
                    "  source:\n    title: {{ vi: \"Tin bài ngày {year}-{month:02}\", en: \"Report of {year}-{month:02}\" }}\n    url: \"https://tin.example.vn/{year}/{month:02}/{t}-{j}\"\n    accessed: \"2026-11-20\"\n  confidence: reported\n"
                );
            }
            s.push_str("  original: vi\n");
            month += 3 + r.below(12);
            year += (month - 1) / 12;
            month = (month - 1) % 12 + 1;
        }
    }
    for (p, s) in files.iter().enumerate() {
        if !s.is_empty() {
            write(out, &format!("data/progress/plan-{p}.yaml"), s);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: gen-site N OUT_DIR");
        std::process::exit(2);
    }
    let n: usize = args[1].parse().expect("N must be a number");
    let out = Path::new(&args[2]);
    let _ = std::fs::remove_dir_all(out);
    let mut r = Rng(0x9e37_79b9_7f4a_7c15 ^ n as u64);

    let n_docs = (n / 200).max(3);
    let n_plans = (n / 2000).max(3);
    let n_agencies = (n / 50).max(20);
    let n_themes = (n / 1000).clamp(10, 200);
    let n_tasks = (n / 4).max(10);
    let n_indicators = (n / 50).max(5);

    write(
        out,
        "site.yaml",
        &format!(
            "title: {{ vi: \"Lộ trình tổng hợp {n} khuyến nghị\", en: \"Synthetic tracker of {n} recommendations\" }}\n\
             description: {{ vi: \"Dữ liệu tổng hợp để đo tốc độ\", en: \"Synthetic data for the benchmark\" }}\n\
             languages: [vi, en]\nbase_url: \"/\"\nas_of: 2026-11-23\ntheme: default\nlicense: \"CC-BY-4.0\"\n"
        ),
    );
    write(
        out,
        "content/about.vi.md",
        "---\ntitle: Giới thiệu\n---\nTrang **tổng hợp** để đo tốc độ dựng trang.\n",
    );
    write(
        out,
        "content/about.en.md",
        "---\ntitle: About\n---\nA **synthetic** site for the benchmark.\n",
    );

    let mut s = String::new();
    for m in MECHS {
        let _ = writeln!(
            s,
            "- id: {m}\n  name: {{ vi: \"Cơ chế {m}\", en: \"Mechanism {m}\" }}\n  url: \"https://www.ohchr.org/en/{m}\"\n  original: en"
        );
    }
    write(out, "data/mechanisms.yaml", &s);

    // Documents: review outcomes spread over the mechanisms, then one decision per plan.
    let mut s = String::new();
    for d in 0..n_docs {
        let m = MECHS[d % 3];
        let kind = if m == "upr" {
            "upr-report"
        } else {
            "concluding-observations"
        };
        let _ = writeln!(
            s,
            "- id: doc-{d}\n  symbol: \"{}/C/VNM/CO/{d}\"\n  title: {{ vi: \"Nhận xét kết luận số {d} đối với Việt Nam\", en: \"Concluding observations no. {d} on Viet Nam\" }}\n  kind: {kind}\n  mechanism: {m}\n  cycle: \"{}\"\n  date: {}-0{}-1{}\n  url: \"https://docstore.ohchr.org/{d}\"\n  original: en",
            m.to_uppercase(),
            d / 3 + 1,
            2000 + d % 25,
            1 + d % 9,
            d % 10
        );
    }
    for p in 0..n_plans {
        let _ = writeln!(
            s,
            "- id: qd-{p}\n  symbol: \"{p}/QĐ-TTg\"\n  title: {{ vi: \"Quyết định số {p}/QĐ-TTg của Thủ tướng Chính phủ\", en: \"Decision {p}/QĐ-TTg of the Prime Minister\" }}\n  kind: decision\n  date: {}-12-31\n  original: vi",
            2015 + p % 10
        );
    }
    write(out, "data/documents.yaml", &s);

    let mut s = String::new();
    for t in 0..n_themes {
        let k = t % THEMES_VI.len();
        let (tv, te) = text(&mut r);
        let _ = writeln!(
            s,
            "- id: theme-{t}\n  name: {{ vi: \"{} {t}\", en: \"{} {t}\" }}\n  description: {{ vi: {}, en: {} }}",
            THEMES_VI[k],
            THEMES_EN[k],
            yq(&tv),
            yq(&te)
        );
    }
    write(out, "data/themes.yaml", &s);

    // Agencies: ministries first, then provincial bodies under them; a few
    // ended with successors, as after the 2025 restructuring.
    let mut s = String::new();
    for a in 0..n_agencies {
        let k = a % VI_AGENCY.len();
        let p = PROVINCES[(a / VI_AGENCY.len()) % PROVINCES.len()];
        let _ = write!(
            s,
            "- id: ag-{a}\n  name: {{ vi: \"{} {p} số {a}\", en: \"{} of {} no. {a}\" }}\n  short: {{ vi: \"CQ{a}\", en: \"AG{a}\" }}\n  kind: {}\n  url: \"https://ag{a}.gov.vn\"\n  original: vi\n",
            VI_AGENCY[k],
            EN_AGENCY[k],
            deunicode_lite(p),
            if a < 20 { "ministry" } else { "local" }
        );
        if a >= 20 {
            let _ = writeln!(s, "  parent: ag-{}", a % 20);
        }
        if a >= 20 && a % 97 == 0 {
            let _ = write!(
                s,
                "  ended: 2025-03-01\n  successors:\n    - {{ agency: ag-{}, note: {{ vi: \"chức năng đào tạo\", en: \"training functions\" }} }}\n",
                a - 1
            );
        }
    }
    write(out, "data/agencies.yaml", &s);

    // Recommendations, a file per thousand as a real site would split them.
    let mut s = String::new();
    for i in 0..n {
        let m = i % 3;
        let doc = (i % n_docs / 3) * 3 + m;
        let doc = if doc >= n_docs { m } else { doc };
        let (tv, te) = text(&mut r);
        let _ = write!(
            s,
            "- id: rec-{i}\n  mechanism: {}\n  document: doc-{doc}\n  paragraph: \"{}.{}\"\n  heading: {{ vi: {}, en: {} }}\n  text:\n    vi: {}\n    en: {}\n  original: en\n  themes: [theme-{}, theme-{}]\n  sdgs: [\"16.{}\"]\n",
            MECHS[m],
            38 + i % 20,
            i % 300 + 1,
            yq(&tv[..tv.find(' ').unwrap_or(tv.len())]),
            yq(&te[..te.find(' ').unwrap_or(te.len())]),
            yq(&tv),
            yq(&te),
            r.below(n_themes),
            r.below(n_themes),
            1 + i % 10
        );
        if m == 2 {
            let _ = write!(
                s,
                "  response: {}\n  recommending_states: [{}, {}]\n",
                if r.chance(80) { "supported" } else { "noted" },
                yq(r.pick(STATES)),
                yq(r.pick(STATES))
            );
        } else if r.chance(10) {
            s.push_str("  follow_up: true\n");
        }
        if i > 0 && r.chance(20) {
            let _ = writeln!(s, "  related: [rec-{}]", r.below(i));
        }
        if i % 1000 == 999 || i == n - 1 {
            write(
                out,
                &format!("data/recommendations/part-{:04}.yaml", i / 1000),
                &s,
            );
            s.clear();
        }
    }

    // Plans, each led by a ministry and answering a slice of the documents.
    let mut s = String::new();
    for p in 0..n_plans {
        let (tv, te) = text(&mut r);
        let _ = writeln!(
            s,
            "- id: plan-{p}\n  document: qd-{p}\n  title: {{ vi: {}, en: {} }}\n  mechanisms: [{}]\n  coordinator: ag-{}\n  adopted: {}-12-31\n  period: \"{}-{}\"\n  answers: [doc-{}]\n  original: vi",
            yq(&format!("Kế hoạch {p}: {tv}")),
            yq(&format!("Plan {p}: {te}")),
            MECHS[p % 3],
            p % 20,
            2015 + p % 10,
            2016 + p % 10,
            2020 + p % 10,
            p % n_docs
        );
    }
    write(out, "data/plans.yaml", &s);

    // Tasks: a heading every ten tasks, the others under it, each answering
    // recommendations and led by agencies; due dates around as_of so that
    // some are overdue, some upcoming, some done.
    let per_plan = n_tasks.div_ceil(n_plans);
    let mut files: Vec<String> = vec![String::new(); n_plans];
    let mut heading = String::new();
    // (task, plan, its first recommendation): what progress records are about.
    let mut answered: Vec<(usize, usize, String)> = Vec::new();
    for t in 0..n_tasks {
        let p = (t / per_plan).min(n_plans - 1);
        let s = &mut files[p];
        let (tv, te) = text(&mut r);
        let local = t % per_plan;
        if local.is_multiple_of(10) {
            heading = format!("task-{t}");
            let _ = writeln!(
                s,
                "- id: task-{t}\n  plan: plan-{p}\n  ref: \"{}\"\n  heading: true\n  text: {{ vi: {}, en: {} }}\n  original: vi",
                local / 10 + 1,
                yq(&tv),
                yq(&te)
            );
            continue;
        }
        // Drawn in the order they were before progress records existed, so
        // the rest of the site stays as it was.
        let (lead, coord, coord_noted) = (
            r.below(n_agencies),
            r.below(n_agencies),
            r.below(n_agencies),
        );
        let recs: Vec<String> = (0..1 + r.below(6))
            .map(|_| format!("rec-{}", r.below(n)))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let _ = write!(
            s,
            "- id: task-{t}\n  plan: plan-{p}\n  ref: \"{}.{}\"\n  parent: {heading}\n  text:\n    vi: {}\n    en: {}\n  original: vi\n  lead: [ag-{lead}]\n  coordinating:\n    - ag-{coord}\n    - {{ agency: ag-{coord_noted}, note: {{ vi: \"phối hợp\", en: \"to coordinate\" }} }}\n  recommendations: [{}]\n  expected: {{ vi: \"Báo cáo kết quả thực hiện\", en: \"A report on the results\" }}\n",
            local / 10 + 1,
            local % 10,
            yq(&tv),
            yq(&te),
            recs.join(", ")
        );
        answered.push((t, p, recs[0].clone()));
        match r.below(4) {
            0 => s.push_str(
                "  timeframe: { vi: \"Hằng năm\", en: \"Annual\" }\n  recurring: annual\n",
            ),
            k => {
                let y = 2022 + r.below(8);
                let _ = writeln!(
                    s,
                    "  timeframe: {{ vi: \"Năm {y}\", en: \"{y}\" }}\n  due: [{y}]\n  status: {}",
                    ["in-progress", "done", "not-started"][k - 1]
                );
            }
        }
    }
    for (p, s) in files.iter().enumerate() {
        write(out, &format!("data/tasks/plan-{p}.yaml"), s);
    }
    progress(out, n_docs, n_plans, &answered);

    // Indicators with three observations each, linked to tasks and themes.
    let mut s = String::new();
    let mut v = String::new();
    for i in 0..n_indicators {
        let (tv, te) = text(&mut r);
        let _ = writeln!(
            s,
            "- id: ind-{i}\n  title: {{ vi: {}, en: {} }}\n  unit: \"%\"\n  target: {{ op: \">=\", value: {}, year: 2030 }}\n  source: doc-{}\n  themes: [theme-{}]\n  tasks: [task-{}]\n  original: en",
            yq(&format!(
                "Tỷ lệ: {}",
                tv.chars().take(60).collect::<String>().trim_end()
            )),
            yq(&format!(
                "Share: {}",
                te.chars().take(60).collect::<String>().trim_end()
            )),
            50 + r.below(50),
            i % n_docs,
            r.below(n_themes),
            r.below(n_tasks),
        );
        for y in 2019..2022 {
            let _ = writeln!(
                v,
                "- indicator: ind-{i}\n  period: \"{y}\"\n  value: {}.{}\n  note: {{ vi: \"Số liệu của tỉnh {}\", en: \"Provincial figure\" }}",
                r.below(100),
                r.below(10),
                r.pick(PROVINCES)
            );
        }
    }
    write(out, "data/indicators.yaml", &s);
    write(out, "data/indicator-values/values.yaml", &v);
}
