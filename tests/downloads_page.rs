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
            html.contains("base_url"),
            "{lang}/data/ says why the code reads data/"
        );
        assert!(
            !citation(&html).contains("href=\"/"),
            "{lang}/data/: no half address in the citation"
        );
    }
}

#[test]
fn the_citation_names_the_publisher() {
    let (tmp, root) = copy_fixture("rich");
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    std::fs::write(
        root.join("site.yaml"),
        format!("{yaml}publisher: {{ vi: \"Nhóm thử nghiệm\", en: \"Test group\" }}\n"),
    )
    .unwrap();
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
