//! Bad data and bad templates: `lotrinh check` and `lotrinh build` refuse
//! them with exit code 1, report every problem as `file:line:col: error: ...`
//! with a hint, in text or JSON, and never touch a previous output folder.
//! One minimal site per kind of problem lives in tests/fixtures/invalid/.

mod common;

use common::*;
use std::path::Path;

fn invalid(kind: &str) -> std::path::PathBuf {
    fixture(&format!("invalid/{kind}"))
}

/// `lotrinh check` must exit 1.
fn check_fails(root: &Path) -> Run {
    let run = check(root, &[]);
    assert_eq!(
        run.code,
        1,
        "check of {} should fail with exit code 1:\n{}",
        root.display(),
        run.both()
    );
    assert!(
        run.stdout.trim().is_empty(),
        "text diagnostics go to stderr:\n{}",
        run.both()
    );
    run
}

/// A diagnostic line `<place>:<col>: error: ...<message>...` is printed,
/// where `place` is `file:line`.
fn assert_reported(run: &Run, place: &str, message: &str) {
    let prefix = format!("{place}:");
    let found = run.stderr.lines().any(|l| {
        l.strip_prefix(&prefix).is_some_and(|rest| {
            let col_end = rest.find(':').unwrap_or(0);
            rest[..col_end].parse::<u32>().is_ok()
                && rest.contains("error")
                && rest.contains(message)
        })
    });
    assert!(
        found,
        "no `{place}:<col>: error: ...{message}...` line in:\n{}",
        run.stderr
    );
}

/// A `help:` line holds `hint`.
fn assert_hint(run: &Run, hint: &str) {
    assert!(
        run.stderr
            .lines()
            .any(|l| l.contains("help") && l.contains(hint)),
        "no help line with {hint:?} in:\n{}",
        run.stderr
    );
}

/// The count in the closing `error: N problem(s) found` line.
fn problems(run: &Run) -> usize {
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("problem(s) found"))
        .unwrap_or_else(|| panic!("no count in:\n{}", run.stderr));
    line.trim_start_matches("error:")
        .trim()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn yaml_syntax_error() {
    let run = check_fails(&invalid("yaml-syntax"));
    assert_reported(&run, "data/themes.yaml:6", "YAML syntax");
    assert_hint(&run, "indentation");
    // The offending line is quoted.
    assert!(
        run.stderr
            .contains("description: \"indented one space too little\""),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_required_field() {
    let run = check_fails(&invalid("missing-field"));
    assert_reported(&run, "data/themes.yaml:4", "missing required field `name`");
    assert_eq!(problems(&run), 1);
}

#[test]
fn unknown_field_gets_a_did_you_mean() {
    let run = check_fails(&invalid("unknown-field"));
    assert_reported(&run, "data/documents.yaml:4", "unknown field `titel`");
    assert_hint(&run, "did you mean `title`");
}

#[test]
fn duplicate_id() {
    let run = check_fails(&invalid("duplicate-id"));
    assert_reported(&run, "data/themes.yaml:7", "duplicate theme id `torture`");
    assert_hint(&run, "first used at data/themes.yaml:1;");
    assert_eq!(problems(&run), 1);
}

/// Regression (was a bug): the hint names the first use by an internal file number
/// ("line 1 (file #1)") rather than by its path.
#[test]
fn duplicate_id_hint_names_the_first_file() {
    let run = check_fails(&invalid("duplicate-id"));
    assert_hint(&run, "data/themes.yaml");
    assert!(!run.stderr.contains("file #"), "{}", run.stderr);
}

#[test]
fn unsafe_ids() {
    let run = check_fails(&invalid("unsafe-id"));
    assert_reported(&run, "data/themes.yaml:4", "`../x`");
    assert_reported(&run, "data/themes.yaml:7", "`A B`");
    assert_hint(&run, "lowercase");
    assert_eq!(problems(&run), 2);
}

#[test]
fn unknown_reference_suggests_the_closest_id() {
    let run = check_fails(&invalid("unknown-reference"));
    assert_reported(&run, "data/tasks.yaml:9", "unknown agency `moj2`");
    assert_hint(&run, "`moj`");
    assert_eq!(problems(&run), 1);
}

#[test]
fn due_that_is_not_a_year_or_date() {
    let run = check_fails(&invalid("bad-due"));
    assert_reported(&run, "data/tasks.yaml:5", "`soon`");
    assert_eq!(problems(&run), 1, "2020 in the same list is fine");
}

#[test]
fn bad_date() {
    let run = check_fails(&invalid("bad-date"));
    assert_reported(&run, "data/documents.yaml:5", "26/09/2019");
    assert_hint(&run, "YYYY-MM-DD");
}

/// Coverage fields that contradict the records: all three reported at once.
#[test]
fn coverage_fields_must_agree_with_the_recommendations() {
    let run = check_fails(&invalid("coverage"));
    assert_reported(&run, "data/documents.yaml:1", "entered: false");
    assert_hint(&run, "remove `entered: false`");
    assert_reported(
        &run,
        "data/documents.yaml:12",
        "2 recommendations point to it",
    );
    assert_hint(&run, "at least as many as are recorded");
    assert_reported(&run, "data/documents.yaml:19", "whole number");
    assert_hint(&run, "e.g. `291`");
}

#[test]
fn invalid_utf8() {
    let (_tmp, root) = copy_fixture("invalid/invalid-utf8");
    let path = root.join("data/themes.yaml");
    let text = std::fs::read(&path).unwrap();
    let at = text
        .windows(7)
        .position(|w| w == b"INVALID")
        .expect("the placeholder");
    let mut bytes = text[..at].to_vec();
    // "Vi" then a lone continuation-less lead byte: Latin-1 "á" as a legacy editor would save it.
    bytes.extend_from_slice(b"Vi\xe1t");
    bytes.extend_from_slice(&text[at + 7..]);
    std::fs::write(&path, bytes).unwrap();
    let run = check_fails(&root);
    assert_reported(&run, "data/themes.yaml:5", "UTF-8");
    assert_hint(&run, "UTF-8");
}

#[test]
fn empty_files() {
    let run = check_fails(&invalid("empty-file"));
    assert_reported(&run, "data/themes.yaml:1", "empty");
    // An empty CSV is refused too, but a CSV with only its header is an empty collection.
    let (_tmp, root) = copy_fixture("invalid/empty-file");
    std::fs::write(root.join("data/themes.yaml"), "[]\n").unwrap();
    std::fs::write(root.join("data/mechanisms.csv"), "").unwrap();
    let run = check_fails(&root);
    assert_reported(&run, "data/mechanisms.csv:1", "empty");
    std::fs::write(
        root.join("data/mechanisms.csv"),
        "\u{feff}id,name_vi,name_en\r\n",
    )
    .unwrap();
    let run = check(&root, &[]);
    assert_eq!(
        run.code,
        0,
        "a CSV with a header and no rows is an empty collection:\n{}",
        run.both()
    );
}

#[test]
fn misspelt_collection_name() {
    let run = check_fails(&invalid("not-a-collection"));
    assert!(
        run.stderr.contains("data/agencys.yaml") && run.stderr.contains("not a collection"),
        "{}",
        run.stderr
    );
    assert_hint(&run, "data/agencies");
}

/// Regression (was a bug): this is the one problem printed without a `file:line` place
/// (`error: data/agencys.yaml is not a collection`; JSON gives `"file": null`),
/// so editors and CI cannot jump to it.
#[test]
fn misspelt_collection_name_is_located() {
    let run = check_fails(&invalid("not-a-collection"));
    assert_reported(&run, "data/agencys.yaml:1", "not a collection");
    let json = check(&invalid("not-a-collection"), &["--format", "json"]);
    let v = parse_json(&json.stdout).unwrap();
    let d = &v.get("diagnostics").and_then(Json::arr).unwrap()[0];
    assert_eq!(d.get("file").and_then(Json::str), Some("data/agencys.yaml"));
}

#[test]
fn csv_row_with_the_wrong_number_of_cells() {
    let run = check_fails(&invalid("bad-csv-row"));
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("data/themes.csv:") && l.contains("4 cells") && l.contains('3')),
        "{}",
        run.stderr
    );
    assert_hint(&run, "quote");
    assert_eq!(problems(&run), 1);
    // As a spreadsheet saves it (CRLF): the bad row is line 3.
    let (_tmp, root) = copy_fixture("invalid/bad-csv-row");
    let path = root.join("data/themes.csv");
    let lf = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, lf.replace('\n', "\r\n")).unwrap();
    let run = check_fails(&root);
    assert_reported(&run, "data/themes.csv:3", "4 cells");
}

/// Regression (was a bug): in a CSV file with LF line ends every row diagnostic points one line
/// too far down (the csv crate counts lines differently for LF and CRLF, and
/// raw.rs adds 1 in both cases). Here the bad row is line 3, reported as 4;
/// a bad `kind` on line 3 of an agencies CSV is reported as line 4 too.
#[test]
fn csv_rows_with_lf_line_ends_are_located() {
    let run = check_fails(&invalid("bad-csv-row"));
    assert_reported(&run, "data/themes.csv:3", "4 cells");
    let (_tmp, root) = copy_fixture("invalid/bad-csv-row");
    std::fs::remove_file(root.join("data/themes.csv")).unwrap();
    std::fs::write(
        root.join("data/agencies.csv"),
        "id,name_vi,name_en,kind\nmoj,Bộ Tư pháp,Ministry of Justice,ministry\nmps,Bộ Công an,Ministry of Public Security,ministri\n",
    )
    .unwrap();
    let run = check_fails(&root);
    assert_reported(&run, "data/agencies.csv:3", "`ministri`");
}

#[test]
fn every_problem_in_every_file_is_reported() {
    let run = check_fails(&invalid("several"));
    assert_reported(
        &run,
        "content/about.en.md:2",
        "missing required field `title`",
    );
    assert_reported(&run, "data/documents.csv:3", "2019-02-30");
    assert_reported(&run, "data/tasks/a.yaml:4", "unknown agency `moj2`");
    assert_reported(&run, "data/tasks/b.yaml:5", "`soon`");
    assert_reported(&run, "data/themes.yaml:3", "unknown field `descripton`");
    assert_hint(&run, "did you mean `description`");
    assert_eq!(problems(&run), 5);
    // Sorted by file, so output is stable.
    let places: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted);
}

#[test]
fn json_diagnostics() {
    let run = check(&invalid("several"), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.both());
    let v = parse_json(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout));
    let diags = v
        .get("diagnostics")
        .and_then(Json::arr)
        .expect("a `diagnostics` list");
    assert_eq!(diags.len(), 5, "{}", run.stdout);
    for d in diags {
        for key in ["file", "line", "column", "message", "hint"] {
            assert!(d.get(key).is_some(), "diagnostic without `{key}`: {d:?}");
        }
        assert!(d.get("file").and_then(Json::str).is_some(), "{d:?}");
        assert!(
            d.get("line").and_then(Json::num).is_some_and(|n| n >= 1.0),
            "{d:?}"
        );
        assert!(
            d.get("column")
                .and_then(Json::num)
                .is_some_and(|n| n >= 1.0),
            "{d:?}"
        );
    }
    let moj2 = diags
        .iter()
        .find(|d| {
            d.get("message")
                .and_then(Json::str)
                .is_some_and(|m| m.contains("moj2"))
        })
        .expect("the unknown agency");
    assert_eq!(
        moj2.get("file").and_then(Json::str),
        Some("data/tasks/a.yaml")
    );
    assert_eq!(moj2.get("line").and_then(Json::num), Some(4.0));
    assert_eq!(moj2.get("column").and_then(Json::num), Some(10.0));
    assert!(
        moj2.get("hint")
            .and_then(Json::str)
            .is_some_and(|h| h.contains("`moj`")),
        "{moj2:?}"
    );
    let typo = diags
        .iter()
        .find(|d| {
            d.get("message")
                .and_then(Json::str)
                .is_some_and(|m| m.contains("descripton"))
        })
        .expect("the typo");
    assert_eq!(
        typo.get("file").and_then(Json::str),
        Some("data/themes.yaml")
    );
    assert_eq!(typo.get("line").and_then(Json::num), Some(3.0));
    assert!(
        typo.get("hint")
            .and_then(Json::str)
            .is_some_and(|h| h.contains("description"))
    );

    // A good site: no diagnostics, exit 0, still JSON.
    let ok = check(&fixture("rich"), &["--format", "json"]);
    assert_eq!(ok.code, 0, "{}", ok.both());
    let v = parse_json(&ok.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", ok.stdout));
    let errors: Vec<&Json> = v
        .get("diagnostics")
        .and_then(Json::arr)
        .unwrap()
        .iter()
        .filter(|d| d.get("severity").and_then(Json::str) == Some("error"))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn missing_site_yaml_or_bad_usage_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let run = check(tmp.path(), &[]);
    assert_eq!(run.code, 2, "{}", run.both());
    assert!(run.stderr.contains("site.yaml"), "{}", run.stderr);
    let run = build(
        &tmp.path().join("no-such-folder"),
        &tmp.path().join("out"),
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.both());
    assert!(!tmp.path().join("out").exists());
    let run = lotrinh(["build", "--no-such-flag"]);
    assert_eq!(run.code, 2, "{}", run.both());
    let run = lotrinh(["check", "--format", "xml"]);
    assert_eq!(run.code, 2, "{}", run.both());
}

/// Regression (was a bug): `base_url` in site.yaml is checked, but the `--base-url` flag that
/// overrides it is not: `--base-url 'sub path"x'` builds (exit 0) with
/// canonical links like `sub path"x/en/`.
#[test]
fn bad_base_url_flag_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let run = build(&fixture("rich"), &out, &["--base-url", "sub path\"x"]);
    assert_ne!(run.code, 0, "{}", run.both());
    assert!(!out.exists());
}

#[test]
fn warnings_do_not_fail_a_build() {
    let (_tmp, root) = copy_fixture("rich");
    let tasks = root.join("data/tasks/plan-a.yaml");
    let text = std::fs::read_to_string(&tasks).unwrap();
    assert!(text.contains("  lead: [mic]\n"));
    std::fs::write(&tasks, text.replace("  lead: [mic]\n", "")).unwrap();
    let run = check(&root, &[]);
    assert_eq!(run.code, 0, "{}", run.both());
    assert!(
        run.stderr.contains("warning") && run.stderr.contains("no lead agency"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_data_builds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let run = build(&invalid("unknown-reference"), &out, &[]);
    assert_eq!(run.code, 1, "{}", run.both());
    assert_reported(&run, "data/tasks.yaml:9", "moj2");
    assert!(
        !out.exists(),
        "a failed first build created the output folder"
    );
}

/// Builds the rich fixture (a copy) into `out`, breaks it with `damage`, builds
/// again, and checks the second build fails and leaves every file as it was.
fn failed_build_keeps_output(damage: impl FnOnce(&Path), expect: &[(&str, &str)]) {
    let (_tmp, root) = copy_fixture("rich");
    let out = root.join("public");
    build_ok(&root, &out, &[]);
    let before = snapshot(&out);
    assert!(before.len() > 100);
    damage(&root);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let run = build(&root, &out, &[]);
    assert_eq!(run.code, 1, "{}", run.both());
    for (place, message) in expect {
        assert_reported(&run, place, message);
    }
    let after = snapshot(&out);
    let changed: Vec<&String> = before
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert!(
        changed.is_empty() && added.is_empty(),
        "the failed build changed {changed:?} and added {added:?}"
    );
    // Nor does it leave its staging folder beside the output.
    let beside: Vec<String> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("lotrinh-stage"))
        .collect();
    assert!(beside.is_empty(), "left behind: {beside:?}");
}

#[test]
fn failed_build_on_bad_data_leaves_the_previous_output_intact() {
    failed_build_keeps_output(
        |root| {
            let tasks = root.join("data/tasks/plan-a.yaml");
            let text = std::fs::read_to_string(&tasks).unwrap();
            std::fs::write(&tasks, text.replacen("lead: [mps]", "lead: [mps2]", 1)).unwrap();
            // Also drop a record, so a successful build would remove its pages.
            let themes = root.join("data/themes.yaml");
            let text = std::fs::read_to_string(&themes).unwrap();
            let cut = text.find("# Only in English").unwrap();
            std::fs::write(&themes, &text[..cut]).unwrap();
        },
        &[("data/tasks/plan-a.yaml", "unknown agency `mps2`")],
    );
}

#[test]
fn failed_build_on_a_broken_template_leaves_the_previous_output_intact() {
    failed_build_keeps_output(
        |root| {
            std::fs::create_dir_all(root.join("templates")).unwrap();
            std::fs::write(
                root.join("templates/home.html"),
                "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ nosuchfilter|nope }}</p>\n{% endblock %}\n",
            )
            .unwrap();
        },
        &[("templates/home.html:3", "nope")],
    );
}

#[test]
fn a_site_template_overrides_the_theme() {
    let (_tmp, root) = copy_fixture("rich");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/home.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n<p class=\"custom-home\">{{ site.title }}</p>\n{% endblock %}\n",
    )
    .unwrap();
    let out = root.join("public");
    build_ok(&root, &out, &[]);
    assert!(
        read(&out, "vi/index.html").contains("<p class=\"custom-home\">Lộ trình thử nghiệm</p>")
    );
    assert!(read(&out, "en/index.html").contains("<p class=\"custom-home\">Test tracker</p>"));
    // Only the home page changes.
    assert!(!read(&out, "en/agencies/index.html").contains("custom-home"));
}

/// References from indicators are counted too: the warning used to be
/// given before indicators and their values were checked, so a reference
/// from an indicator to a task in an unreadable file was never reported.
#[test]
fn references_from_indicators_to_an_unreadable_file_are_counted() {
    let (_tmp, root) = copy_fixture("rich");
    // The tasks file cannot be read (not UTF-8); without the other tasks
    // file and the progress records, the only reference to a task left is
    // the indicator's.
    let tasks = root.join("data/tasks/plan-a.yaml");
    let mut bytes = std::fs::read(&tasks).unwrap();
    bytes.extend_from_slice(b"# \xff\n");
    std::fs::write(&tasks, bytes).unwrap();
    std::fs::remove_file(root.join("data/tasks/plan-a-e.csv")).unwrap();
    std::fs::remove_dir_all(root.join("data/progress")).unwrap();
    let run = check_fails(&root);
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("data/tasks/plan-a.yaml:1:1: warning:")
                && l.contains("1 reference to a task id was not checked")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("unknown task"), "{}", run.stderr);
}

/// A file that cannot be parsed at all hides every id in it; reporting each
/// reference to those ids as unknown buried the one real error under
/// hundreds (618 on the Viet Nam site). The syntax error is reported, the
/// references are counted in one warning, and typos elsewhere still are errors.
#[test]
fn an_unreadable_file_does_not_make_every_reference_to_it_an_error() {
    let (_tmp, root) = copy_fixture("rich");
    let core = root.join("data/agencies/core.yaml");
    let text = std::fs::read_to_string(&core).unwrap();
    std::fs::write(
        &core,
        text.replacen("  kind: ministry\n", "   kind: ministry\n", 1),
    )
    .unwrap();
    let run = check_fails(&root);
    assert_reported(&run, "data/agencies/core.yaml", "YAML");
    assert!(!run.stderr.contains("unknown agency"), "{}", run.stderr);
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("data/agencies/core.yaml:1:1: warning:")
                && l.contains("references to agency ids were not checked")),
        "{}",
        run.stderr
    );
    assert_eq!(problems(&run), 1, "{}", run.stderr);
    // Other collections are still checked.
    let themes = root.join("data/themes.yaml");
    let t = std::fs::read_to_string(&themes).unwrap();
    std::fs::write(
        &themes,
        t.replacen("- id: torture\n", "- id: tortures\n", 1),
    )
    .unwrap();
    let run = check_fails(&root);
    assert!(
        run.stderr.contains("unknown theme `torture`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_build_into_the_site_itself_is_refused_and_deletes_nothing() {
    let (_tmp, root) = copy_fixture("rich");
    let before = snapshot(&root);
    for out in [root.clone(), root.join("data"), root.join("content/x")] {
        let run = build(&root, &out, &[]);
        assert_eq!(run.code, 1, "{}", run.both());
        assert!(
            run.both().contains("will not write the site to"),
            "{}",
            run.both()
        );
    }
    assert_eq!(snapshot(&root), before, "the site's files are untouched");
}

// ---- progress records --------------------------------------------------

#[test]
fn progress_unknown_ids_get_a_hint() {
    let run = check_fails(&invalid("progress-unknown-id"));
    assert_reported(&run, "data/progress.yaml:3", "unknown task `plan-a-3`");
    assert_reported(
        &run,
        "data/progress.yaml:4",
        "unknown recommendation `rec-onee`",
    );
    assert_hint(&run, "`rec-one`");
    assert_reported(&run, "data/progress.yaml:8", "unknown document `dec-2`");
    assert_hint(&run, "`dec-1`");
    assert_eq!(problems(&run), 3);
}

#[test]
fn progress_dated_after_as_of_is_an_error() {
    let run = check_fails(&invalid("progress-future-date"));
    assert_reported(&run, "data/progress.yaml:2", "dated 2026-07-01, after");
    assert_reported(&run, "data/progress.yaml:9", "dated 2026-07, after");
    assert_hint(&run, "as_of");
    // `2026` starts before as_of: the year has begun.
    assert_eq!(problems(&run), 2);
}

#[test]
fn progress_without_a_source_cannot_be_recorded() {
    let run = check_fails(&invalid("progress-no-source"));
    assert_reported(
        &run,
        "data/progress.yaml:1",
        "missing required field `source`",
    );
    assert_hint(&run, "{ title, url, accessed }");
    assert_reported(&run, "data/progress.yaml:12", "`source` needs `accessed`");
    assert_eq!(problems(&run), 2);
}

#[test]
fn progress_duplicate_ids_across_yaml_and_csv() {
    let run = check_fails(&invalid("progress-duplicate-id"));
    assert_reported(
        &run,
        "data/progress/b.csv:2",
        "duplicate progress record id `claim-one`",
    );
    assert_hint(&run, "data/progress/a.yaml:1");
    assert_eq!(problems(&run), 1);
}

#[test]
fn progress_about_nothing_is_refused() {
    let run = check_fails(&invalid("progress-no-subject"));
    assert_reported(
        &run,
        "data/progress.yaml:1",
        "names no task and no recommendation",
    );
    assert_eq!(problems(&run), 1);
}

#[test]
fn progress_bad_values_are_all_reported_at_once() {
    let run = check_fails(&invalid("progress-bad-values"));
    assert_reported(&run, "data/progress.yaml:2", "`29/03/2021`");
    assert_hint(&run, "YYYY-MM");
    assert_reported(
        &run,
        "data/progress.yaml:4",
        "`status` cannot be `finished`",
    );
    assert_reported(&run, "data/progress.yaml:6", "`by` cannot be `goverment`");
    assert_hint(&run, "did you mean `government`?");
    assert_reported(&run, "data/progress.yaml:8", "not an http(s) address");
    assert_reported(&run, "data/progress.yaml:11", "`grade` cannot be `F`");
    assert_reported(
        &run,
        "data/progress.yaml:12",
        "`confidence` cannot be `sure`",
    );
    assert_eq!(problems(&run), 6);
}

/// Regression (issue 16.12): `name` and `name_en` in one record, in YAML
/// or CSV: one silently won.
#[test]
fn a_text_given_twice() {
    let run = check_fails(&invalid("text-given-twice"));
    assert_reported(
        &run,
        "data/themes.yaml:3",
        "`name` is given twice: as `name` and as `name_en`",
    );
    assert_reported(
        &run,
        "data/agencies.csv:2",
        "`name` is given twice: as `name` and as `name_vi` and `name_en`",
    );
    assert_hint(&run, "keep one form");
    assert_eq!(
        problems(&run),
        2,
        "name_vi/name_en alone, or name alone, is fine"
    );
}

/// Regression (issue 16.4): `[Norway, ~, null]` lost two items silently.
#[test]
fn an_empty_list_item() {
    let run = check_fails(&invalid("empty-list-item"));
    assert_reported(
        &run,
        "data/recommendations.yaml:7",
        "an item of `recommending_states` is empty",
    );
    assert_hint(&run, "quote it");
    assert_eq!(problems(&run), 2);
}

/// Regression (issue 16.13): ESC, NUL, BEL and U+202E passed from data into
/// pages, downloads and the terminal, where an id could clear the screen.
#[test]
fn control_characters_in_data() {
    let run = check_fails(&invalid("control-characters"));
    assert_reported(&run, "data/themes.yaml:2", "U+001B (escape)");
    assert_reported(&run, "data/themes.yaml:4", "U+202E");
    assert_reported(&run, "data/themes.yaml:5", "U+001B (escape)");
    assert_reported(&run, "data/agencies.csv:2", "U+0000 (null)");
    assert_reported(&run, "content/about.en.md:5", "U+0007 (bell)");
    assert_hint(&run, "invisible");
    // Nothing from data reaches the terminal as a control character: the id
    // is quoted escaped (its other error says it is not a valid id).
    let shown = run.stderr.replace("\x1b[", "");
    assert!(
        !run.stderr
            .chars()
            .any(|c| c != '\n' && c != '\t' && c.is_control())
            && !run.stderr.contains('\u{202e}'),
        "a control character reached the terminal:\n{shown:?}"
    );
    assert!(run.stderr.contains("bad\\u{1b}[2Jid"), "{}", run.stderr);
    let json = check(&invalid("control-characters"), &["--format", "json"]);
    assert!(
        !json.stdout.contains('\u{202e}') && !json.stdout.contains('\u{1b}'),
        "{}",
        json.stdout
    );
}

/// Regression (issue 16.10): `license_url: "javascript:..."` reached every
/// footer as a link; `repository` the data package.
#[test]
fn site_links_that_are_not_web_addresses() {
    let run = check_fails(&invalid("unsafe-site-url"));
    assert_reported(&run, "site.yaml:7", "`license_url` URL `javascript:");
    assert_reported(&run, "site.yaml:8", "`repository` URL `data:");
    assert_hint(&run, "https://");
    assert_eq!(problems(&run), 2);
}

/// Regression (issue 16.14): an agency its own parent, two agencies each
/// other's parent and a plan superseded by itself were accepted.
#[test]
fn parent_and_superseded_loops() {
    let run = check_fails(&invalid("cycles"));
    assert_reported(
        &run,
        "data/agencies.yaml:4",
        "agency `moj` is its own parent",
    );
    assert_reported(
        &run,
        "data/agencies.yaml:5",
        "agency `dept-a` is its own ancestor through `parent`",
    );
    assert_reported(
        &run,
        "data/agencies.yaml:9",
        "agency `dept-b` is its own ancestor through `parent`",
    );
    assert_reported(
        &run,
        "data/plans.yaml:5",
        "plan `plan-a` is superseded by itself",
    );
    assert_eq!(problems(&run), 4);
}

/// Regression (issue 16.14): `con`, `com1`... made folders Windows cannot
/// create or check out.
#[test]
fn windows_device_names_are_not_ids() {
    let run = check_fails(&invalid("windows-device-id"));
    assert_reported(
        &run,
        "data/themes.yaml:1",
        "theme id `con` is a device name on Windows",
    );
    assert_reported(
        &run,
        "data/themes.yaml:3",
        "theme id `com1` is a device name on Windows",
    );
    assert!(run.stderr.contains("add a word"), "{}", run.stderr);
    assert_eq!(problems(&run), 2, "`con-dao` is fine");
}

/// Regression (issue 16.14): `1e308` drew `cy="NaN"`; NaN and infinity
/// are not numbers either.
#[test]
fn numbers_a_chart_cannot_draw() {
    let run = check_fails(&invalid("absurd-number"));
    assert_reported(
        &run,
        "data/indicator-values.yaml:1",
        "value `1e308` of `ind-a` is too large",
    );
    assert_reported(
        &run,
        "data/indicator-values.yaml:4",
        "value `NaN` of `ind-a` is not a number",
    );
    assert_reported(
        &run,
        "data/indicator-values.yaml:7",
        "value `.inf` of `ind-a` is not a number",
    );
    assert_reported(
        &run,
        "data/indicators.yaml:4",
        "`value` `1e20` is too large",
    );
    assert_hint(&run, "10^15");
}

#[test]
fn sic_notes_must_quote_the_task() {
    let run = check_fails(&invalid("bad-sic"));
    assert_reported(
        &run,
        "data/tasks.yaml:6",
        "`sic` note on `Thống kê`, which is not in the task",
    );
    assert_hint(&run, "copy the words exactly as they stand");
    assert_reported(
        &run,
        "data/tasks.yaml:13",
        "`sic` note reads `định chỉ` as itself",
    );
    assert_reported(
        &run,
        "data/tasks.yaml:19",
        "`sic` item `Thông kê -> Thống kê` should be `printed => reads`",
    );
    assert_reported(&run, "data/tasks.yaml:26", "two `sic` notes on `Thông kê`");
    assert_eq!(problems(&run), 4, "{}", run.stderr);
}

#[test]
fn transcribed_from_needs_another_original() {
    let run = check_fails(&invalid("bad-transcribed-from"));
    assert_reported(
        &run,
        "data/tasks.yaml:5",
        "`transcribed_from` needs `original`",
    );
    assert_reported(
        &run,
        "data/tasks.yaml:11",
        "`transcribed_from` is `vi`, the same as `original`",
    );
    assert_reported(
        &run,
        "data/tasks.yaml:17",
        "`transcribed_from` is `fr`, which is not a language of this site",
    );
    assert_hint(&run, "the site's languages are: vi, en");
    assert_eq!(problems(&run), 3, "{}", run.stderr);
}

/// Every file of an output folder but its lock (which stays between builds).
fn published(out: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut f = files(out);
    f.remove(lotrinh::publish::output::LOCK);
    f
}

/// Issue 16.2: `mkdir -p v/.git; echo x > v/thesis.docx; lotrinh build --out v`
/// removed both.
#[test]
fn a_folder_no_build_wrote_is_refused_and_left_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("v");
    std::fs::create_dir_all(out.join(".git")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    std::fs::write(out.join("thesis.docx"), "x").unwrap();
    let before = files(&out);
    let run = build(&fixture("rich"), &out, &[]);
    assert_eq!(run.code, 2, "{}", run.both());
    assert!(
        run.stderr
            .contains("is not empty and no lotrinh build wrote it")
            && run.stderr.contains("thesis.docx"),
        "{}",
        run.stderr
    );
    assert_hint(&run, "--out DIR");
    let mut after = files(&out);
    after.remove(lotrinh::publish::output::LOCK);
    assert_eq!(after, before);
}

/// Issue 16.2: a gh-pages clone in `public/` lost its `.git`, a `CNAME`
/// added by hand was removed by the next build.
#[test]
fn files_a_build_did_not_write_survive_every_build() {
    let (_tmp, root) = copy_fixture("rich");
    let out = root.join("public");
    std::fs::create_dir_all(out.join(".git")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref").unwrap();
    build_ok(&root, &out, &[]);
    assert!(out.join("en/index.html").is_file());
    std::fs::write(out.join("CNAME"), "tracker.example.org\n").unwrap();
    std::fs::write(out.join("en/notes.txt"), "mine").unwrap();
    // A record goes, so the build removes its pages.
    let themes = root.join("data/themes.yaml");
    let text = std::fs::read_to_string(&themes).unwrap();
    let cut = text.find("# Only in English").unwrap();
    std::fs::write(&themes, &text[..cut]).unwrap();
    let run = build_ok(&root, &out, &[]);
    assert!(summary(&run.stderr).removed > 0, "{}", run.stderr);
    assert_eq!(read(&out, ".git/HEAD"), "ref");
    assert_eq!(read(&out, "CNAME"), "tracker.example.org\n");
    assert_eq!(read(&out, "en/notes.txt"), "mine");
    // A site file where a file of the user's is: refused, nothing changes.
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/CNAME"), "other.example.org\n").unwrap();
    let before = published(&out);
    let run = build(&root, &out, &[]);
    assert_eq!(run.code, 2, "{}", run.both());
    assert!(
        run.stderr.contains("were not written by lotrinh") && run.stderr.contains("CNAME"),
        "{}",
        run.stderr
    );
    assert_eq!(published(&out), before);
}

/// Issue 16.3: the staging folder beside `--out` made every rebuild fail
/// when the output folder is a mount point or its parent is not writable.
/// The mount point is out of a test's reach; what both need is that
/// nothing outside the output folder is written, or even looked at.
#[test]
fn a_build_needs_nothing_beside_the_output_folder() {
    let (_tmp, root) = copy_fixture("rich");
    let parent = root.join("site-out");
    let out = parent.join("public");
    build_ok(&root, &out, &[]);
    // The old staging folder's name, taken by something else.
    std::fs::write(parent.join(".public.lotrinh-stage"), "not a folder").unwrap();
    let edit = root.join("data/themes.yaml");
    let text = std::fs::read_to_string(&edit).unwrap();
    std::fs::write(
        &edit,
        text.replacen("Torture", "Torture and ill-treatment", 1),
    )
    .unwrap();
    build_ok(&root, &out, &[]);
    assert_eq!(read(&parent, ".public.lotrinh-stage"), "not a folder");
    let names: Vec<_> = std::fs::read_dir(&parent)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[cfg(unix)]
#[test]
fn a_build_into_a_folder_whose_parent_is_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, root) = copy_fixture("rich");
    let parent = root.join("ro");
    let out = parent.join("public");
    build_ok(&root, &out, &[]);
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = parent.join("probe");
    if std::fs::write(&probe, "").is_ok() {
        // Root ignores the permission; a_build_needs_nothing_beside_the_output_folder covers it.
        let _ = std::fs::remove_file(&probe);
        std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: running as root, a read-only folder does not stop writes here");
        return;
    }
    let edit = root.join("data/themes.yaml");
    let text = std::fs::read_to_string(&edit).unwrap();
    std::fs::write(
        &edit,
        text.replacen("Torture", "Torture and ill-treatment", 1),
    )
    .unwrap();
    let run = build(&root, &out, &[]);
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(run.code, 0, "{}", run.both());
}

/// Issue 16.6: `serve` and `build` on one folder shared the staging folder
/// and mixed their files.
#[test]
fn a_second_writer_on_one_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(&fixture("rich"), &out, &[]);
    let before = published(&out);
    let held = lotrinh::publish::output::Writer::open(&out).unwrap();
    let run = build(
        &fixture("rich"),
        &out,
        &["--base-url", "https://example.org/other/"],
    );
    assert_eq!(run.code, 2, "{}", run.both());
    assert!(run.stderr.contains("another lotrinh"), "{}", run.stderr);
    held.abort();
    assert_eq!(published(&out), before);
}

/// Issue 16.6: a signal during a build left a mix of old and new files (or
/// a staging folder). Whenever SIGTERM lands, the folder afterwards holds
/// the whole previous build or the whole new one.
#[cfg(unix)]
#[test]
fn sigterm_at_any_moment_leaves_the_old_or_the_new_site() {
    let (_tmp, root) = copy_fixture("rich");
    let tmp = root.parent().unwrap().to_path_buf();
    let (old_ref, new_ref, out) = (tmp.join("old"), tmp.join("new"), tmp.join("public"));
    build_ok(&root, &old_ref, &[]);
    let base = ["--base-url", "https://example.org/v2/"];
    build_ok(&root, &out, &[]);
    // How long the build to interrupt takes, to spread the signals over it.
    let start = std::time::Instant::now();
    build_ok(&root, &new_ref, &base);
    let took = start.elapsed().as_millis() as u64;
    let (old, new) = (published(&old_ref), published(&new_ref));
    let mut outcomes = std::collections::BTreeSet::new();
    for percent in [0u64, 20, 40, 60, 75, 85, 92, 100, 110] {
        let delay = took * percent / 100;
        build_ok(&root, &out, &[]);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lotrinh"))
            .args(["build", "--root"])
            .arg(&root)
            .arg("--out")
            .arg(&out)
            .args(base)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let status = child.wait().unwrap();
        let now = published(&out);
        let which = if now == old {
            "old"
        } else if now == new {
            "new"
        } else {
            let mixed: Vec<&String> = now
                .keys()
                .filter(|k| old.get(*k) != now.get(*k) && new.get(*k) != now.get(*k))
                .take(5)
                .collect();
            panic!(
                "after SIGTERM at {delay} ms ({status}): neither the old nor the new site: {mixed:?}"
            );
        };
        outcomes.insert((which, status.code()));
        assert!(!out.join(lotrinh::publish::output::STAGE).exists());
        // Nor a staging folder beside it.
        assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 4, "{status}");
    }
    eprintln!("build {took} ms; outcomes: {outcomes:?}");
}

/// A copy of the rich fixture with `rel` replaced by a symlink to `target`.
#[cfg(unix)]
fn with_symlink(root: &Path, rel: &str, target: &Path) {
    let at = root.join(rel);
    if at.is_dir() {
        std::fs::remove_dir_all(&at).unwrap();
    } else if at.exists() {
        std::fs::remove_file(&at).unwrap();
    }
    std::os::unix::fs::symlink(target, &at).unwrap();
}

/// Issue 16.5: `ln -s data data` gave "warning: no data/ folder", exit 0,
/// and a build removed every record's pages.
#[cfg(unix)]
#[test]
fn a_data_folder_that_loops_is_an_error_not_an_empty_site() {
    let (_tmp, root) = copy_fixture("rich");
    std::fs::rename(root.join("data"), root.join("data-real")).unwrap();
    with_symlink(&root, "data", Path::new("data"));
    let run = check(&root, &[]);
    assert_eq!(run.code, 1, "{}", run.both());
    assert!(run.stderr.contains("cannot read data"), "{}", run.stderr);
    assert!(!run.stderr.contains("no data/ folder"), "{}", run.stderr);
    // The same for content/ and for a collection's folder.
    let (_tmp, root) = copy_fixture("rich");
    std::fs::remove_dir_all(root.join("content")).unwrap();
    with_symlink(&root, "content", Path::new("content"));
    let run = check(&root, &[]);
    assert_eq!(run.code, 1, "{}", run.both());
    assert!(run.stderr.contains("cannot read content"), "{}", run.stderr);
    let (_tmp, root) = copy_fixture("rich");
    with_symlink(&root, "data/recommendations/again", Path::new("."));
    let run = check(&root, &[]);
    assert_eq!(run.code, 1, "{}", run.both());
    assert!(
        run.stderr.contains("data/recommendations/again"),
        "{}",
        run.stderr
    );
}

/// Issue 16.5: `chmod 000` on content/ or a collection's folder: pages and
/// records vanished, exit 0.
#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    for folder in ["content", "data/recommendations"] {
        let (_tmp, root) = copy_fixture("rich");
        let dir = root.join(folder);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read_dir(&dir).is_ok() {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
            eprintln!(
                "skipped: running as root, chmod 000 does not stop reads (a_data_folder_that_loops_is_an_error_not_an_empty_site covers the error path)"
            );
            return;
        }
        let run = check(&root, &[]);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(run.code, 1, "{}", run.both());
        assert!(
            run.stderr.contains(&format!("cannot read {folder}")),
            "{}",
            run.stderr
        );
    }
}

/// Issue 16.5: a symlinked file in a collection folder was dropped without
/// a word (its records gone), a nested content folder and a static file
/// the build makes itself too.
#[cfg(unix)]
#[test]
fn nothing_is_skipped_silently() {
    let (tmp, root) = copy_fixture("rich");
    // The fixture's UPR recommendations (tests/fixtures/rich/data/
    // recommendations/upr.yaml) move to another folder of the same copied
    // site, `moved/`, and a relative symlink takes their place: a link
    // that stays inside the site, so it is read, not refused.
    std::fs::create_dir_all(root.join("moved")).unwrap();
    std::fs::rename(
        root.join("data/recommendations/upr.yaml"),
        root.join("moved/upr.yaml"),
    )
    .unwrap();
    with_symlink(
        &root,
        "data/recommendations/upr.yaml",
        Path::new("../../moved/upr.yaml"),
    );
    std::fs::create_dir_all(root.join("content/drafts")).unwrap();
    std::fs::write(root.join("content/drafts/x.en.md"), "---\ntitle: X\n---\n").unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(
        root.join("static/robots.txt"),
        "User-agent: *\nDisallow: /\n",
    )
    .unwrap();
    let out = tmp.path().join("public");
    let run = build_ok(&root, &out, &[]);
    assert!(
        out.join("en/recommendations/upr-3-38-1/index.html")
            .is_file(),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("ignoring content/drafts/"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("static/robots.txt is not published"),
        "{}",
        run.stderr
    );
}

/// Issue 16.9: `static/` as a symlink to a folder outside the site was
/// published whole (a `key.pem` with it); `content/*.md` and
/// `data/<collection>.yaml` symlinks were followed (`/etc/passwd` was
/// printed in an error).
#[cfg(unix)]
#[test]
fn nothing_outside_the_site_folder_is_read() {
    let secret = "root:x:0:0:SECRET-LINE";
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("key.pem"), secret).unwrap();
    std::fs::write(outside.path().join("passwd"), format!("{secret}\n")).unwrap();
    let cases: [(&str, std::path::PathBuf); 4] = [
        ("static", outside.path().to_path_buf()),
        ("content/about.en.md", outside.path().join("passwd")),
        ("data/themes.yaml", outside.path().join("passwd")),
        ("data/agencies", outside.path().to_path_buf()),
    ];
    for (rel, target) in cases {
        let (tmp, root) = copy_fixture("rich");
        if let Some(parent) = root.join(rel).parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        with_symlink(&root, rel, &target);
        let out = tmp.path().join("public");
        let run = build(&root, &out, &[]);
        assert_eq!(run.code, 1, "{rel}: {}", run.both());
        assert!(
            run.stderr
                .contains(&format!("{rel} leads outside the site folder")),
            "{rel}: {}",
            run.stderr
        );
        assert_hint(&run, "copy the file or folder into the site");
        assert!(!run.both().contains("SECRET-LINE"), "{rel}: {}", run.both());
        assert!(!out.exists(), "{rel}: a failed build wrote");
    }
}

/// Issue 16.9: `theme:` took an absolute path or `../..`.
#[test]
fn the_theme_is_a_name_not_a_path() {
    for theme in ["/etc", "../..", "..", "themes/../../x"] {
        let (_tmp, root) = copy_fixture("rich");
        let site = root.join("site.yaml");
        let text = std::fs::read_to_string(&site).unwrap();
        std::fs::write(
            &site,
            text.replace("theme: default", &format!("theme: \"{theme}\"")),
        )
        .unwrap();
        let run = check(&root, &[]);
        assert_eq!(run.code, 1, "{theme}: {}", run.both());
        assert!(
            run.stderr
                .contains("is not the name of a folder under themes/"),
            "{theme}: {}",
            run.stderr
        );
    }
}
