//! Any bytes as one collection file of a small site, through the whole
//! pipeline in memory (load, validate, index, render): a summary or errors.
//! The first byte picks the file and its format; the rest is its content.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lotrinh::site::{Options, build};

const SITE: &str = "title: { vi: \"Thử\", en: \"Test\" }\nlanguages: [vi, en]\nbase_url: \"/\"\nas_of: 2026-06-30\ntheme: default\n";
const FILES: [&str; 6] = [
    "data/agencies.yaml",
    "data/agencies.csv",
    "data/tasks.yaml",
    "data/tasks.csv",
    "data/recommendations.yaml",
    "data/indicator-values.csv",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    std::fs::write(root.join("site.yaml"), SITE).expect("write site.yaml");
    std::fs::create_dir_all(root.join("data")).expect("create data/");
    std::fs::write(root.join(FILES[pick as usize % FILES.len()]), body).expect("write data");
    let outcome = build(&Options {
        root,
        out: None,
        base_url: None,
        write: false,
    });
    assert!(outcome.summary.is_some() != outcome.diags.has_errors());
    let _ = outcome.diags.render(&outcome.sources, false);
});
