//! The downloads page tells how to load and cite the data: the Python and R
//! code shown is the theme's snippet files with this site's data address
//! filled in (CI runs the text of the built page: .ci/snippets.py), and the
//! citation names publisher, title, version, address and licence.

mod common;

use common::*;
use std::path::Path;

/// The code block `kind` of a built downloads page, as a reader copies it.
fn code(html: &str, kind: &str) -> String {
    let open = format!("<code class=\"language-{kind}\" data-snippet=\"{kind}\">");
    let start = html
        .find(&open)
        .unwrap_or_else(|| panic!("the page shows {kind} code"))
        + open.len();
    let end = start + html[start..].find("</code>").expect("code ends");
    decode_entities(&html[start..end])
}

fn snippet_file(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes/default/snippets")
            .join(name),
    )
    .expect("snippet file")
}

fn citation(html: &str) -> String {
    let start = html
        .find("<blockquote class=\"citation\">")
        .expect("a citation");
    let end = start + html[start..].find("</blockquote>").unwrap();
    html[start..end].to_string()
}

/// The rich fixture with `lines` appended to its site.yaml.
fn rich_with(lines: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, root) = copy_fixture("rich");
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    std::fs::write(root.join("site.yaml"), format!("{yaml}{lines}")).unwrap();
    (tmp, root)
}

const PUBLISHER: &str = "publisher: { vi: \"Nhóm thử nghiệm\", en: \"Test group\" }\n";

#[test]
fn code_shown_is_the_snippet_with_the_sites_data_address() {
    let (tmp, root) = copy_fixture("rich");
    let out = tmp.path().join("out");
    build_ok(&root, &out, &["--base-url", "https://example.org/sub"]);
    for lang in ["vi", "en"] {
        let html = read(&out, &format!("{lang}/data/index.html"));
        for (kind, file) in [("python", "load.py"), ("r", "load.R")] {
            let want = snippet_file(file)
                .replace("{data_url}", "https://example.org/sub/data/")
                .replace("{lang}", lang);
            assert_eq!(code(&html, kind), want, "{lang}/data/: {kind} code");
        }
        assert!(
            !html.contains("base_url"),
            "{lang}/data/: no local-copy note where base_url is a full URL"
        );
        let cite = citation(&html);
        for part in [
            "2026-06-30",
            "<a href=\"https://example.org/sub/",
            "/data/\">https://example.org/sub/",
            "<a href=\"https://creativecommons.org/licenses/by/4.0/\" rel=\"license\">CC-BY-4.0</a>",
        ] {
            assert!(
                cite.contains(part),
                "{lang}/data/ citation has {part:?}: {cite}"
            );
        }
        assert!(cite.contains(&format!("https://example.org/sub/{lang}/data/")));
    }
    let en = citation(&read(&out, "en/data/index.html"));
    assert!(
        en.contains("<cite>Test tracker</cite> (version 2026-06-30) [Data set]"),
        "{en}"
    );
    let vi = citation(&read(&out, "vi/data/index.html"));
    assert!(
        vi.contains("<cite>Lộ trình thử nghiệm</cite> (phiên bản 2026-06-30) [Bộ dữ liệu]"),
        "{vi}"
    );
}

#[test]
fn with_a_path_base_url_the_code_reads_a_local_copy() {
    let (tmp, root) = copy_fixture("rich");
    let out = tmp.path().join("out");
    build_ok(&root, &out, &[]);
    for lang in ["vi", "en"] {
        let html = read(&out, &format!("{lang}/data/index.html"));
        assert!(code(&html, "python").contains("data = \"data/\""));
        assert!(code(&html, "r").contains("data <- \"data/\""));
        assert!(
            html.contains("data/ beside your script")
                || html.contains("thư mục data/ đặt cạnh tập lệnh"),
            "{lang}/data/ says where the code reads data/ from"
        );
        assert!(
            !html.contains("base_url"),
            "{lang}/data/: no developer setting named on a public page"
        );
        assert!(
            !citation(&html).contains("href=\"/"),
            "{lang}/data/: no half address in the citation"
        );
    }
}

#[test]
fn the_citation_names_the_publisher() {
    let (tmp, root) = rich_with(PUBLISHER);
    let out = tmp.path().join("out");
    build_ok(&root, &out, &[]);
    let en = citation(&read(&out, "en/data/index.html"));
    assert!(
        en.contains("<p>Test group (2026). <cite>Test tracker</cite>"),
        "{en}"
    );
    let vi = citation(&read(&out, "vi/data/index.html"));
    assert!(vi.contains("<p>Nhóm thử nghiệm (2026). <cite>"), "{vi}");
}

/// A text longer than a spreadsheet cell holds: the build succeeds with a
/// warning at the record's file:line; the workbook cuts the text with a
/// note, within Excel's limit; the CSV keeps it whole.
#[test]
fn a_text_too_long_for_a_cell_is_cut_in_the_workbook_with_a_warning_at_its_line() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let (tmp, root) = copy_fixture("rich");
    let file = root.join("data/tasks/plan-a.yaml");
    let yaml = std::fs::read_to_string(&file).unwrap();
    let line = yaml.lines().count() + 2;
    // 20,000 × "Bộ " = 60,000 characters; "ộ" is one UTF-16 unit.
    let long = "Bộ ".repeat(20_000);
    std::fs::write(
        &file,
        format!("{yaml}\n- ref: \"Z.1\"\n  plan: plan-a\n  text: \"{long}\"\n  lead: [moj]\n"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let run = build_ok(&root, &out, &[]);
    let at = format!("data/tasks/plan-a.yaml:{line}");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.contains(&at) && l.contains("warning") && l.contains("`text_vi` of tasks")),
        "a warning at {at}:\n{}",
        run.both()
    );
    // The data files' texts are let go before the datasets are made; the
    // warning still quotes its line, read again from the file.
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with(&format!("{line} |")) && l.contains("- ref: \"Z.1\"")),
        "the warning quotes its line:\n{}",
        run.both()
    );
    let csv = read(&out, "data/tasks.csv");
    assert!(csv.contains(&long), "the CSV holds the whole text");
    let bytes = std::fs::read(out.join("data/lotrinh.xlsx")).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("tasks").unwrap();
    let cut: Vec<&String> = sheet
        .used_cells()
        .filter_map(|(_, _, c)| match c {
            Data::String(s) if s.starts_with("Bộ Bộ") => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(cut.len(), 2, "text_vi and text_en (the one text in both)");
    for s in cut {
        assert!(s.encode_utf16().count() <= 32_767, "{}", s.len());
        assert!(
            s.encode_utf16().count() > 32_000,
            "cut at the limit, not before"
        );
        assert!(
            s.ends_with("the whole text is in tasks.csv and tasks.json]"),
            "{}",
            &s[s.len() - 200..]
        );
    }
}

/// The workbook opens with a README sheet: the citation with its access
/// date, and one row per column of every sheet with both descriptions.
#[test]
fn the_workbook_starts_with_a_readme_sheet_that_cites_and_explains() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let (tmp, root) = rich_with(PUBLISHER);
    let out = tmp.path().join("out");
    build_ok(&root, &out, &["--base-url", "https://example.org/sub"]);
    let bytes = std::fs::read(out.join("data/lotrinh.xlsx")).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names()[0], "README");
    assert_eq!(book.sheet_names()[1], "tasks", "tasks first");
    let sheet = book.worksheet_range("README").unwrap();
    let text = |r: usize, c: usize| match sheet.get((r, c)) {
        Some(Data::String(s)) => s.clone(),
        _ => String::new(),
    };
    let rows = sheet.get_size().0;
    let find = |label: &str| {
        (0..rows)
            .find(|&r| text(r, 0) == label)
            .map(|r| text(r, 1))
            .unwrap_or_else(|| panic!("a row {label:?}"))
    };
    assert_eq!(
        find("How to cite"),
        "Test group (2026). Test tracker (version 2026-06-30) [Data set]. https://example.org/sub/en/data/. Accessed 2026-06-30. Licence: CC-BY-4.0 (https://creativecommons.org/licenses/by/4.0/)."
    );
    assert!(find("Cách trích dẫn").starts_with(
        "Nhóm thử nghiệm (2026). Lộ trình thử nghiệm (phiên bản 2026-06-30) [Bộ dữ liệu]."
    ));
    assert_eq!(find("Data as of / Dữ liệu tính đến ngày"), "2026-06-30");
    // The dictionary: one row per column of every other sheet.
    let header = (0..rows)
        .find(|&r| text(r, 0) == "sheet")
        .expect("dictionary header");
    let dict: Vec<(String, String, String, String)> = (header + 1..rows)
        .map(|r| (text(r, 0), text(r, 1), text(r, 3), text(r, 4)))
        .collect();
    let mut want = 0;
    for name in book.sheet_names().into_iter().skip(1) {
        let range = book.worksheet_range(&name).unwrap();
        for c in 0..range.get_size().1 {
            let Some(Data::String(col)) = range.get((0, c)) else {
                panic!("{name}: header {c}")
            };
            want += 1;
            assert!(
                dict.iter().any(|(t, n, en, vi)| *t == name
                    && n == col
                    && !en.is_empty()
                    && !vi.is_empty()),
                "README describes {name}.{col}"
            );
        }
    }
    assert_eq!(dict.len(), want, "nothing else in the dictionary");
    // The page's citation has the same access date.
    let en = citation(&read(&out, "en/data/index.html"));
    assert!(en.contains("Accessed 2026-06-30."), "{en}");
}

/// Where the source files are kept (site.yaml's `repository`) is said on
/// the downloads page in each language, in the workbook's README sheet and
/// as the first of the data package's `sources`; a site without one says
/// nothing of it.
#[test]
fn the_repository_is_on_the_downloads_page_in_the_workbook_and_in_the_package() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let repo = "https://example.org/git/tracker-data";
    let (tmp, root) = rich_with(&format!("repository: \"{repo}\"\n"));
    let out = tmp.path().join("out");
    build_ok(&root, &out, &[]);
    let link = format!("<a href=\"{repo}\">{repo}</a>.");
    let en = read(&out, "en/data/index.html");
    assert!(
        en.contains(&format!(
            "The source files the site and these datasets are built from (YAML and CSV) are kept at {link}"
        )),
        "the English downloads page names the repository"
    );
    let vi = read(&out, "vi/data/index.html");
    assert!(
        vi.contains(&format!(
            "(YAML và CSV) dùng để tạo trang và các bộ dữ liệu này được lưu tại {link}"
        )),
        "the Vietnamese downloads page names the repository"
    );
    let pkg = parse_json(&read(&out, "data/datapackage.json")).unwrap();
    let first = &pkg.get("sources").and_then(|s| s.arr()).expect("sources")[0];
    assert_eq!(first.get("path").and_then(|p| p.str()), Some(repo));
    assert_eq!(
        first.get("title").and_then(|p| p.str()),
        Some("Source files (YAML and CSV)")
    );
    let bytes = std::fs::read(out.join("data/lotrinh.xlsx")).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("README").unwrap();
    let row = (0..sheet.get_size().0).find(|&r| {
        matches!(sheet.get((r, 0)), Some(Data::String(s)) if s == "Source files (YAML and CSV) / Tệp nguồn (YAML và CSV)")
    });
    let row = row.expect("a README row for the source files");
    assert!(matches!(sheet.get((row, 1)), Some(Data::String(s)) if s == repo));

    // Without `repository`: nothing said of it.
    let (tmp, root) = copy_fixture("rich");
    let out = tmp.path().join("out");
    build_ok(&root, &out, &[]);
    assert!(!read(&out, "en/data/index.html").contains("The source files the site"));
    let pkg = parse_json(&read(&out, "data/datapackage.json")).unwrap();
    let sources = pkg.get("sources").and_then(|s| s.arr()).expect("sources");
    assert!(
        sources
            .iter()
            .all(|s| s.get("title").and_then(|t| t.str()) != Some("Source files (YAML and CSV)"))
    );
}

/// site.yaml with `publisher`, `contact` and `report_error` appended.
fn rich_with_publisher(contact: &str, report: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    rich_with(&format!(
        "{PUBLISHER}contact: \"{contact}\"\nreport_error: \"{report}\"\n"
    ))
}

/// Who publishes the site, how to reach them and where to report an error
/// are in the footer of every page; "not an official site" and the as-of
/// date are in the header, beside the title; the data package names the
/// publisher with the contact.
#[test]
fn every_page_says_who_publishes_it_and_where_to_report_an_error() {
    let (tmp, root) = rich_with_publisher("team@example.org", "https://example.org/issues/new");
    let out = tmp.path().join("out");
    build_ok(&root, &out, &[]);
    let mut pages = 0;
    for (path, bytes) in files(&out) {
        if !path.ends_with("index.html") || path == "index.html" {
            continue;
        }
        let lang = &path[..2];
        let html = String::from_utf8(bytes).unwrap();
        let header = &html[html.find("<header").unwrap()..html.find("</header>").unwrap()];
        let footer = &html[html.find("<footer").unwrap()..html.find("</footer>").unwrap()];
        let (publisher, unofficial) = if lang == "vi" {
            ("Nhóm thử nghiệm", "Không phải trang thông tin chính thức")
        } else {
            ("Test group", "Not an official government site")
        };
        assert!(
            footer.contains(publisher),
            "{path}: publisher in the footer"
        );
        assert!(
            footer.contains("<a href=\"mailto:team@example.org\">team@example.org</a>"),
            "{path}: contact in the footer"
        );
        assert!(
            footer.contains("<a href=\"https://example.org/issues/new\">"),
            "{path}: report an error in the footer"
        );
        assert!(
            header.contains(unofficial),
            "{path}: not official, in the header"
        );
        assert!(
            header.contains("<time datetime=\"2026-06-30\">"),
            "{path}: as-of date in the header"
        );
        pages += 1;
    }
    assert!(pages > 50, "{pages} pages checked");
    let pkg = parse_json(&read(&out, "data/datapackage.json")).unwrap();
    let who = &pkg
        .get("contributors")
        .and_then(|c| c.arr())
        .expect("contributors")[0];
    assert_eq!(who.get("title").and_then(|t| t.str()), Some("Test group"));
    assert_eq!(who.get("role").and_then(|t| t.str()), Some("publisher"));
    assert_eq!(
        who.get("email").and_then(|t| t.str()),
        Some("team@example.org")
    );
}

/// A contact or report address that is not an email or an http(s) URL is
/// refused at its line in site.yaml, with a hint; both at once.
#[test]
fn a_script_url_as_contact_or_report_address_is_refused_at_its_line() {
    let (_tmp, root) = rich_with_publisher("javascript:alert(1)", "mailto:not an address");
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let line = |key: &str| yaml.lines().position(|l| l.starts_with(key)).unwrap() + 1;
    let run = check(&root, &[]);
    assert_eq!(run.code, 1, "{}", run.both());
    for (key, value) in [
        ("contact", "javascript:alert(1)"),
        ("report_error", "mailto:not an address"),
    ] {
        assert!(
            run.stderr.contains(&format!("site.yaml:{}:", line(key)))
                && run.stderr.contains(&format!("`{key}` cannot be `{value}`")),
            "{key} refused at its line:\n{}",
            run.both()
        );
    }
    assert!(
        run.stderr.contains("help: give an email address"),
        "{}",
        run.stderr
    );
}

/// The rich fixture in three languages, `fr` added; with `fr_strings`, the
/// theme's i18n/fr.yaml is the built-in English file with the datasets'
/// and the downloads page's strings marked `[fr] ` (and without the keys in
/// `drop`).
fn rich_in_french(fr_strings: bool, drop: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, root) = copy_fixture("rich");
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let three = yaml.replace("languages: [vi, en]", "languages: [vi, en, fr]");
    assert_ne!(three, yaml, "the fixture's languages line");
    std::fs::write(root.join("site.yaml"), three).unwrap();
    if fr_strings {
        let en = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n/en.yaml"),
        )
        .unwrap();
        let mut fr = String::new();
        for line in en.lines() {
            let key = line.split(": ").next().unwrap_or("");
            if drop.contains(&key) {
                continue;
            }
            let dataset = ["dataset.", "column.", "workbook.", "data."]
                .iter()
                .any(|p| key.starts_with(p));
            match line.split_once(": \"") {
                Some((k, v)) if dataset => fr.push_str(&format!("{k}: \"[fr] {v}\n")),
                _ => fr.push_str(&format!("{line}\n")),
            }
        }
        let dir = root.join("themes/default/i18n");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("fr.yaml"), fr).unwrap();
    }
    (tmp, root)
}

/// A third language gets its own dataset titles and column descriptions
/// from its i18n file: on its downloads page and as a third description
/// column of the workbook's README sheet; datapackage.json stays English.
#[test]
fn a_third_language_describes_the_datasets_through_its_i18n_file() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let (tmp, root) = rich_in_french(true, &[]);
    let out = tmp.path().join("out");
    build_ok(&root, &out, &[]);
    let fr = read(&out, "fr/data/index.html");
    assert!(fr.contains("<h2 id=\"d-tasks\">[fr] Tasks of the plans</h2>"));
    assert!(fr.contains("[fr] Excel workbook: every table, one sheet each"));
    assert!(
        fr.contains("<td><code>name_fr</code></td><td>string</td><td>[fr] Official name (fr)</td>"),
        "per-language columns name their language"
    );
    let vi = read(&out, "vi/data/index.html");
    assert!(vi.contains("<h2 id=\"d-tasks\">Nhiệm vụ của các kế hoạch</h2>"));
    let package = read(&out, "data/datapackage.json");
    assert!(package.contains("\"title\": \"Tasks of the plans\""));
    assert!(!package.contains("[fr]"));

    let bytes = std::fs::read(out.join("data/lotrinh.xlsx")).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("README").unwrap();
    let text = |r: usize, c: usize| match sheet.get((r, c)) {
        Some(Data::String(s)) => s.clone(),
        _ => String::new(),
    };
    let header = (0..sheet.get_size().0)
        .find(|&r| text(r, 0) == "sheet")
        .expect("dictionary header");
    assert_eq!(
        (3..6).map(|c| text(header, c)).collect::<Vec<_>>(),
        ["description", "mô tả", "[fr] description"],
        "English, then the site's other languages in order"
    );
    // The README's labels and citation speak the third language too.
    let find = |label: &str| {
        (0..header)
            .find(|&r| text(r, 0) == label)
            .map(|r| text(r, 1))
            .unwrap_or_else(|| panic!("a row {label:?}"))
    };
    assert_eq!(
        find("Data as of / Dữ liệu tính đến ngày / [fr] Data as of"),
        "2026-06-30"
    );
    find("Title / Tiêu đề / [fr] Title (fr)");
    let cite = find("[fr] How to cite");
    assert!(
        cite.contains("([fr] version 2026-06-30) [[fr] Data set].")
            && cite.contains(" [fr] Accessed 2026-06-30."),
        "{cite}"
    );
    assert!(find("Cells / Ô / [fr] Cells").ends_with(" / [fr] Every text is a text cell, never a formula; numbers, dates and true/false are typed. A text longer than a cell holds (32,767 characters) is cut with a note; the CSV and JSON files hold it whole."));
    let aliases = (header..sheet.get_size().0)
        .find(|&r| text(r, 0) == "agencies" && text(r, 1) == "aliases")
        .expect("agencies.aliases described");
    assert!(
        text(aliases, 5).starts_with("[fr] Other names it goes by (searched) ([fr] a list: "),
        "{}",
        text(aliases, 5)
    );
}

/// A language's i18n file must hold every dataset string, as every other
/// interface string: a missing one is an error naming the key; a language
/// with no i18n file at all is shown in English, as on the pages.
#[test]
fn a_dataset_string_missing_from_a_language_is_an_error_and_no_file_falls_back_to_english() {
    let (tmp, root) = rich_in_french(true, &["column.tasks.state"]);
    let run = build(&root, &tmp.path().join("out"), &[]);
    assert_eq!(run.code, 1, "{}", run.both());
    assert!(
        run.stderr
            .contains("interface string `column.tasks.state` is missing for `fr`"),
        "{}",
        run.stderr
    );

    let (tmp, root) = rich_in_french(false, &[]);
    let out = tmp.path().join("out");
    let run = build_ok(&root, &out, &[]);
    assert!(
        run.stderr.contains("no interface strings for `fr`"),
        "{}",
        run.stderr
    );
    let fr = read(&out, "fr/data/index.html");
    assert!(fr.contains("<h2 id=\"d-tasks\">Tasks of the plans</h2>"));
}
