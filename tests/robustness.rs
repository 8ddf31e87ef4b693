//! Property tests: the loaders meet arbitrary and damaged input and must
//! answer with records or with diagnostics, never with a panic.
//!
//! The inputs are the repository's own data files and fixtures, damaged the
//! way files get damaged (flipped bytes, cut short, lines repeated or lost,
//! stray Unicode, huge numbers, deep nesting), and plain random text.
//!
//! The case count is small so `cargo test` stays quick; raise it with
//! `PROPTEST_CASES=2000 cargo test --release --test robustness`.

use lotrinh::diag::{Diagnostics, Sources};
use lotrinh::site::{Options, build};
use lotrinh::source::raw::{Kind, Node, parse_csv, parse_yaml, utf8};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        // Shrinking a whole-site build can take long; the failing input is
        // printed either way.
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    }
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Every real YAML and CSV data file: the shipped site's and the fixtures'.
fn seeds() -> &'static [(PathBuf, Vec<u8>)] {
    static SEEDS: std::sync::OnceLock<Vec<(PathBuf, Vec<u8>)>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(read_seeds)
}

fn read_seeds() -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["data", "tests/fixtures"] {
        for e in walkdir::WalkDir::new(repo(dir))
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            let p = e.path();
            if e.file_type().is_file()
                && matches!(
                    p.extension().and_then(|x| x.to_str()),
                    Some("yaml" | "yml" | "csv")
                )
            {
                out.push((p.to_path_buf(), std::fs::read(p).unwrap()));
            }
        }
    }
    assert!(out.len() > 20, "the seed files were not found");
    out
}

/// One way of damaging a file.
#[derive(Debug, Clone)]
enum Damage {
    FlipByte(usize, u8),
    Truncate(usize),
    DuplicateLine(usize),
    DropLine(usize),
    Insert(usize, String),
    HugeNumber(usize, String),
    DeepNesting(usize, usize, bool),
}

fn damage() -> impl Strategy<Value = Damage> {
    let huge = prop_oneof![
        Just("99999999999999999999999999999999999999999".to_string()),
        Just("-170141183460469231731687303715884105729".to_string()),
        Just("1e999999".to_string()),
        Just(".nan".to_string()),
        Just("0x_FFFF_FFFF_FFFF_FFFF_FFFF".to_string()),
        Just("2026-13-45".to_string()),
        Just("99999-01-01".to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        any::<i128>().prop_map(|i| i.to_string()),
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Damage::FlipByte(i, b)),
        any::<usize>().prop_map(Damage::Truncate),
        any::<usize>().prop_map(Damage::DuplicateLine),
        any::<usize>().prop_map(Damage::DropLine),
        (any::<usize>(), any::<String>()).prop_map(|(i, s)| Damage::Insert(i, s)),
        (
            any::<usize>(),
            prop::sample::select(vec![
                "- ",
                ": ",
                "\"",
                "'",
                "#",
                "&a ",
                "*a",
                "!!binary ",
                "|",
                ">",
                "{",
                "[",
                ",",
                "\t",
                "\r",
                "\u{feff}",
                "Đ",
                "ệ",
                "\u{0301}",
                "\u{200b}",
                "%YAML 1.2\n",
                "---\n",
                "<<: *a\n"
            ])
        )
            .prop_map(|(i, s)| Damage::Insert(i, s.to_string())),
        (any::<usize>(), huge).prop_map(|(i, s)| Damage::HugeNumber(i, s)),
        (any::<usize>(), 1usize..400, any::<bool>())
            .prop_map(|(i, d, flow)| Damage::DeepNesting(i, d, flow)),
    ]
}

fn char_boundary(s: &[u8], i: usize) -> usize {
    let mut i = i % (s.len() + 1);
    while i < s.len() && (s[i] & 0xC0) == 0x80 {
        i += 1;
    }
    i
}

fn apply(bytes: &[u8], d: &Damage) -> Vec<u8> {
    let mut b = bytes.to_vec();
    let lines: Vec<&[u8]> = bytes.split_inclusive(|c| *c == b'\n').collect();
    match d {
        Damage::FlipByte(i, x) if !b.is_empty() => {
            let i = i % b.len();
            b[i] ^= x | 1;
        }
        Damage::FlipByte(..) => {}
        Damage::Truncate(i) => b.truncate(i % (b.len() + 1)),
        Damage::DuplicateLine(i) if !lines.is_empty() => {
            let i = i % lines.len();
            b = lines[..=i].concat();
            b.extend(lines[i..].concat());
        }
        Damage::DropLine(i) if !lines.is_empty() => {
            let i = i % lines.len();
            b = lines[..i].concat();
            b.extend(lines[i + 1..].concat());
        }
        Damage::DuplicateLine(_) | Damage::DropLine(_) => {}
        Damage::Insert(i, s) | Damage::HugeNumber(i, s) => {
            let i = char_boundary(&b, *i);
            b.splice(i..i, s.bytes());
        }
        Damage::DeepNesting(i, depth, flow) => {
            let nest = if *flow {
                format!("{}x{}", "[".repeat(*depth), "]".repeat(*depth))
            } else {
                (0..*depth)
                    .map(|k| format!("{}- ", "  ".repeat(k)))
                    .collect::<Vec<_>>()
                    .join("\n")
                    + "x"
            };
            let i = char_boundary(&b, *i);
            b.splice(i..i, nest.bytes());
        }
    }
    b
}

/// The parsers' own checks: a tree or at least one error, never both missing.
fn parse(bytes: Vec<u8>, csv: bool) {
    let mut d = Diagnostics::default();
    let Some(text) = utf8(bytes, 0, &mut d) else {
        assert!(d.has_errors());
        return;
    };
    let node = if csv {
        parse_csv(&text, 0, &mut d)
    } else {
        parse_yaml(&text, 0, &mut d)
    };
    match node {
        Some(n) => check_places(&n, text.lines().count() as u32 + 2),
        None => assert!(d.has_errors(), "no tree and no error for {text:?}"),
    }
}

/// Every place a diagnostic could point at is inside the file.
fn check_places(n: &Node, lines: u32) {
    assert!(
        n.loc.line <= lines,
        "line {} beyond the file's {lines}",
        n.loc.line
    );
    match &n.kind {
        Kind::Seq(items) => items.iter().for_each(|i| check_places(i, lines)),
        Kind::Map(entries) => entries.iter().for_each(|(_, v)| check_places(v, lines)),
        Kind::Null | Kind::Scalar { .. } => {}
    }
}

/// Builds (in memory, writing nothing) a copy of the rich fixture with one
/// data file replaced, through the whole pipeline: the answer is a summary
/// or errors.
fn build_with(rel: &str, bytes: &[u8]) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy(&repo("tests/fixtures/rich"), root);
    let target = root.join(rel);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(&target, bytes).unwrap();
    let outcome = build(&Options {
        root,
        out: None,
        base_url: None,
        write: false,
    });
    assert!(
        outcome.summary.is_some() != outcome.diags.has_errors(),
        "a build must give a site or errors:\n{}",
        outcome.diags.render(&outcome.sources, false)
    );
    // Rendering the report must not fail on the damaged text either.
    let _ = outcome.diags.render(&outcome.sources, false);
    let _ = outcome.diags.to_json(&outcome.sources);
}

fn copy(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// The rich fixture's data files, as paths relative to the site.
const RICH: [&str; 6] = [
    "data/agencies/core.yaml",
    "data/agencies/more.csv",
    "data/documents.csv",
    "data/tasks/plan-a.yaml",
    "data/tasks/plan-a-e.csv",
    "data/recommendations/iccpr.yaml",
];

proptest! {
    // Real files are up to 1,300 lines, slow to parse in a debug build.
    #![proptest_config(cases(16))]

    #[test]
    fn damaged_real_files_parse_or_fail_cleanly(
        which in any::<prop::sample::Index>(),
        damages in prop::collection::vec(damage(), 1..4),
    ) {
        let seeds = seeds();
        let (path, bytes) = &seeds[which.index(seeds.len())];
        let mut b = bytes.clone();
        for d in &damages {
            b = apply(&b, d);
        }
        let csv = path.extension().is_some_and(|e| e == "csv");
        parse(b, csv);
    }
}

proptest! {
    #![proptest_config(cases(64))]

    #[test]
    fn random_text_parses_or_fails_cleanly(text in any::<String>(), csv in any::<bool>()) {
        parse(text.into_bytes(), csv);
    }

    #[test]
    fn random_bytes_parse_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..512), csv in any::<bool>()) {
        parse(bytes, csv);
    }

    /// Text that looks like YAML or CSV, so the parsers get past the first character.
    #[test]
    fn yaml_and_csv_shaped_text_parses_or_fails_cleanly(
        text in "([-:,\"'#&*!|>{}\\[\\] \\n\\tđĐệa-z0-9]|id|name|vi|en|lead|due|\\r\\n){0,200}",
        csv in any::<bool>(),
    ) {
        parse(text.into_bytes(), csv);
    }
}

proptest! {
    // Each case builds a whole site (in memory), so fewer of them.
    #![proptest_config(cases(6))]

    #[test]
    fn a_site_with_a_damaged_file_builds_or_reports(
        which in 0..RICH.len(),
        damages in prop::collection::vec(damage(), 1..3),
    ) {
        let rel = RICH[which];
        let mut b = std::fs::read(repo("tests/fixtures/rich").join(rel)).unwrap();
        for d in &damages {
            b = apply(&b, d);
        }
        build_with(rel, &b);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [30, 100, 10_000, 200_000] {
        let text = format!("{}x{}", "[".repeat(depth), "]".repeat(depth));
        let mut d = Diagnostics::default();
        assert!(parse_yaml(&text, 0, &mut d).is_none());
        assert!(d.has_errors());
    }
}

#[test]
fn damaged_site_reports_with_sources() {
    // A site whose every data file is cut in half still loads to a report.
    let tmp = tempfile::tempdir().unwrap();
    copy(&repo("tests/fixtures/rich"), tmp.path());
    for rel in RICH {
        let p = tmp.path().join(rel);
        let b = std::fs::read(&p).unwrap();
        std::fs::write(&p, &b[..b.len() / 2]).unwrap();
    }
    let mut sources = Sources::default();
    let mut diags = Diagnostics::default();
    let _ = lotrinh::source::load::site(tmp.path(), &mut sources, &mut diags);
    assert!(diags.has_errors());
}

/// Regression (issue 16.8): a 94 KB file of nested aliases (a 64 KB string,
/// ten aliases of it, ten of those, ten of those, then a thousand) reached
/// 4.5 GB in 7 s. All YAML files together may expand to 256 MB: loading
/// stops with the file and line, in bounded time and memory.
#[test]
fn alias_bombs_stop_at_the_budget_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    copy(&repo("tests/fixtures/rich"), tmp.path());
    let big = "x".repeat(64 * 1024);
    let tens = |of: &str| format!("[{}]", vec![format!("*{of}"); 10].join(", "));
    let bomb = format!(
        "# 64 KB, then 10 x 10 x 10 x 1,000 copies of it\n- id: bomb\n  name: &a \"{big}\"\n  body:\n    - &b {}\n    - &c {}\n    - &d {}\n    - [{}]\n",
        tens("a"),
        tens("b"),
        tens("c"),
        vec!["*d"; 1000].join(", ")
    );
    assert!(bomb.len() < 100 * 1024);
    std::fs::write(tmp.path().join("data/mechanisms.yaml"), &bomb).unwrap();
    let started = std::time::Instant::now();
    let mut sources = Sources::default();
    let mut diags = Diagnostics::default();
    let _ = lotrinh::source::load::site(tmp.path(), &mut sources, &mut diags);
    let report = diags.render(&sources, false);
    assert!(
        report
            .lines()
            .any(|l| l.starts_with("data/mechanisms.yaml:")
                && l.contains(
                    "reading stopped here: the YAML files expand to more than 256 MB together"
                )),
        "{report}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(120),
        "took {:?}",
        started.elapsed()
    );
}
