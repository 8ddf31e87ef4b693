//! Incremental rebuilds (what `lotrinh serve` does on every change): after
//! an edit, a rebuild that reuses the previous build's pages writes exactly
//! the bytes a full build writes, renders only the pages whose content
//! changed, and a template change renders everything again.

mod common;

use common::*;
use lotrinh::present::render::PageCache;
use lotrinh::site::{self, Hooks, Options, Summary};
use std::path::Path;
use std::sync::Mutex;

fn build(root: &Path, out: &Path, cache: Option<&Mutex<PageCache>>) -> Summary {
    let outcome = site::build_with(
        &Options {
            root,
            out: Some(out),
            base_url: None,
            write: true,
        },
        Hooks {
            progress: None,
            cache,
            keep: false,
            parsed: None,
            only: None,
        },
    );
    assert!(
        !outcome.diags.has_errors(),
        "{}",
        outcome.diags.render(&outcome.sources, false)
    );
    outcome.summary.expect("a summary")
}

/// Edits `rel` under `root` by replacing `from` with `to` (which must occur).
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} holds {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The incremental output after an edit equals a fresh full build's.
fn assert_like_full_build(root: &Path, incremental_out: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    let full = tmp.path().join("full");
    build(root, &full, None);
    assert_same_tree(incremental_out, &full);
}

#[test]
fn an_edit_renders_only_the_pages_that_show_it() {
    let (tmp, root) = copy_fixture("rich");
    let out = tmp.path().join("out");
    let cache = Mutex::new(PageCache::default());
    let first = build(&root, &out, Some(&cache));
    assert_eq!(
        first.rendered, first.pages,
        "the first build renders everything"
    );

    // Nothing changed: nothing is rendered or written.
    let again = build(&root, &out, Some(&cache));
    assert_eq!(again.rendered, 0);
    assert_eq!(again.stats.written, 0);

    // One agency's name: its pages and the pages that list it, no others.
    edit(
        &root,
        "data/agencies/core.yaml",
        "\"Ministry of Public Security\"",
        "\"Ministry of Public Security (renamed)\"",
    );
    let after = build(&root, &out, Some(&cache));
    assert!(after.rendered > 0, "the agency's pages are rendered again");
    assert!(
        after.rendered < after.pages / 2,
        "only pages that show the agency: {} of {}",
        after.rendered,
        after.pages
    );
    assert!(after.stats.written > 0 && after.stats.written < after.files);
    assert!(read(&out, "en/agencies/mps/index.html").contains("(renamed)"));
    assert_like_full_build(&root, &out);

    // A task's status changes counts on plan, agency and home pages too.
    edit(
        &root,
        "data/tasks/plan-a.yaml",
        "status: not-started",
        "status: done",
    );
    build(&root, &out, Some(&cache));
    assert_like_full_build(&root, &out);

    // A record removed: its pages go, the pages that linked to it change.
    edit(
        &root,
        "data/themes.yaml",
        "- id: expression\n  name: { en: \"Freedom of expression\" }\n",
        "",
    );
    let removed = build(&root, &out, Some(&cache));
    assert!(removed.stats.removed > 0);
    assert_like_full_build(&root, &out);

    // A content page.
    edit(
        &root,
        "content/about.en.md",
        "This site follows recommendations.",
        "This site follows recommendations closely.",
    );
    let content = build(&root, &out, Some(&cache));
    assert!(content.rendered < content.pages / 2);
    assert_like_full_build(&root, &out);

    // The site's English title: every English page shows it, and the
    // Vietnamese downloads page (its dataset metadata is in English).
    edit(
        &root,
        "site.yaml",
        "en: \"Test tracker\"",
        "en: \"Test tracker 2\"",
    );
    let settings = build(&root, &out, Some(&cache));
    assert_eq!(settings.rendered, settings.pages / 2 + 1);
    assert_like_full_build(&root, &out);
}

#[test]
fn a_template_or_string_change_renders_everything_again() {
    let (tmp, root) = copy_fixture("rich");
    let out = tmp.path().join("out");
    let cache = Mutex::new(PageCache::default());
    build(&root, &out, Some(&cache));

    // A site template overriding one of the theme's.
    let theme = lotrinh::source::theme::TEMPLATES
        .iter()
        .find(|(n, _)| *n == "agency.html")
        .unwrap()
        .1;
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/agency.html"),
        theme.replace("{% block main %}", "{% block main %}<p>override</p>"),
    )
    .unwrap();
    let s = build(&root, &out, Some(&cache));
    assert_eq!(s.rendered, s.pages);
    assert!(read(&out, "en/agencies/moj/index.html").contains("<p>override</p>"));
    assert_like_full_build(&root, &out);

    // Removing it goes back to the theme's.
    std::fs::remove_file(root.join("templates/agency.html")).unwrap();
    build(&root, &out, Some(&cache));
    assert!(!read(&out, "en/agencies/moj/index.html").contains("<p>override</p>"));
    assert_like_full_build(&root, &out);
}

#[test]
fn a_failed_build_keeps_the_cache_usable() {
    let (tmp, root) = copy_fixture("rich");
    let out = tmp.path().join("out");
    let cache = Mutex::new(PageCache::default());
    build(&root, &out, Some(&cache));
    let before = files(&out);
    let path = root.join("data/themes.yaml");
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{good}\n- id: torture\n  name: duplicate\n")).unwrap();
    let failed = site::build_with(
        &Options {
            root: &root,
            out: Some(&out),
            base_url: None,
            write: true,
        },
        Hooks {
            progress: None,
            cache: Some(&cache),
            keep: false,
            parsed: None,
            only: None,
        },
    );
    assert!(failed.diags.has_errors());
    assert_eq!(files(&out), before, "a failed build writes nothing");
    std::fs::write(&path, &good).unwrap();
    let s = build(&root, &out, Some(&cache));
    assert_eq!(s.rendered, 0, "the cache still holds the last good pages");
    assert_like_full_build(&root, &out);
}

/// `serve` renders the pages open in the browser first (`Hooks::only`):
/// they have the bytes the whole build gives them, nothing else is made,
/// and the whole build after it takes them from the cache.
#[test]
fn the_open_pages_first_are_the_pages_of_the_whole_build() {
    let (tmp, root) = copy_fixture("rich");
    let whole = |cache: Option<&Mutex<PageCache>>, only| {
        let outcome = site::build_with(
            &Options {
                root: &root,
                out: Some(&tmp.path().join("out")),
                base_url: None,
                write: false,
            },
            Hooks {
                progress: None,
                cache,
                keep: true,
                parsed: None,
                only,
            },
        );
        assert!(!outcome.diags.has_errors());
        (outcome.summary.unwrap(), outcome.files.unwrap())
    };
    let (_, full) = whole(None, None);
    let open: std::collections::HashSet<String> = [
        "en/agencies/moj/index.html",
        "vi/index.html",
        "en/404.html",
        "en/no/such/page/index.html",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let cache = Mutex::new(PageCache::default());
    let (first, files) = whole(Some(&cache), Some(&open));
    assert_eq!(first.rendered, 3);
    let mut made: Vec<&String> = files.keys().collect();
    made.sort();
    assert_eq!(
        made,
        ["en/404.html", "en/agencies/moj/index.html", "vi/index.html"]
    );
    for (rel, bytes) in &files {
        assert_eq!(bytes, &full[rel], "{rel}");
    }
    let (rest, all) = whole(Some(&cache), None);
    assert_eq!(rest.rendered, rest.pages - 3);
    assert_eq!(all, full);
}
