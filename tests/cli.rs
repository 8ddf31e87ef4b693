//! The command line itself: `lotrinh new`, the help texts, the README's
//! account of every command and flag, and the JSON error format (a snapshot:
//! editors and CI parse it, so a change to it must be deliberate).

mod common;

use clap::CommandFactory;
use common::*;

#[test]
fn new_site_passes_check_and_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("my-site");
    let run = lotrinh(["new".as_ref(), site.as_os_str()]);
    assert_eq!(run.code, 0, "{}", run.both());
    assert!(run.stderr.contains("lotrinh serve"), "says what to do next");

    let checked = check(&site, &[]);
    assert_eq!(checked.code, 0, "{}", checked.both());
    assert!(!checked.stderr.contains("warning"), "{}", checked.both());

    let out = tmp.path().join("out");
    build_ok(&site, &out, &[]);
    // One example record per collection: each has its page.
    for page in [
        "en/mechanisms/cat/index.html",
        "en/documents/example-concluding-observations/index.html",
        "en/agencies/moj/index.html",
        "en/themes/torture/index.html",
        "en/recommendations/example-recommendation/index.html",
        "en/plans/example-plan/index.html",
        "en/tasks/example-plan-1/index.html",
        "en/indicators/example-indicator/index.html",
        "vi/about/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page}");
    }
    // Every data file explains its fields in comments.
    for entry in std::fs::read_dir(site.join("data")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with('#'),
            "{} starts with a comment",
            path.display()
        );
        assert!(text.matches('#').count() >= 2, "{}", path.display());
    }
}

#[test]
fn new_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let run = lotrinh(["new".as_ref(), tmp.path().as_os_str()]);
    assert_eq!(run.code, 2, "{}", run.both());
    assert!(run.stderr.contains("not empty"), "{}", run.both());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    assert!(!tmp.path().join("site.yaml").exists());
}

#[test]
fn help_names_every_command_and_flag() {
    let run = lotrinh(["--help"]);
    assert_eq!(run.code, 0);
    for cmd in lotrinh::app::cli::Cli::command().get_subcommands() {
        let name = cmd.get_name();
        assert!(run.stdout.contains(name), "--help lists {name}");
        let sub = lotrinh([name, "--help"]);
        assert_eq!(sub.code, 0, "{name} --help");
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long() {
                assert!(
                    sub.stdout.contains(&format!("--{long}")),
                    "{name} --help shows --{long}"
                );
                assert!(
                    arg.get_help().is_some() || long == "help",
                    "{name} --{long} has a help text"
                );
            }
        }
    }
}

#[test]
fn readme_documents_every_command_and_flag() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for cmd in lotrinh::app::cli::Cli::command().get_subcommands() {
        let name = cmd.get_name();
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `lotrinh {name}")))
            .unwrap_or_else(|| panic!("the README's Commands table has no row for `{name}`"));
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long().filter(|l| *l != "help" && *l != "version") {
                assert!(
                    row.contains(&format!("--{long}")),
                    "README row for {name} shows --{long}"
                );
            }
        }
    }
}

#[test]
fn json_error_format_is_stable() {
    let run = check(&fixture("invalid/several"), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.both());
    insta::assert_snapshot!(run.stdout);
}
