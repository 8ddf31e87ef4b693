//! The module tree is the pipeline (ARCHITECTURE.md): every module imports
//! only from its own stage or from the stages before it, and no module
//! imports one that imports it back, directly or through others. Read from
//! the `crate::` paths of every file under `src/` (comments and string
//! literals aside), so a new import that points back up fails here with the
//! file that makes it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The stages, in the order data flows through them: a top-level module
/// (a folder under `src/`, or a file at its root) may use the modules of its
/// own row and of the rows above it, never of a row below.
const STAGES: &[&[&str]] = &[
    // What the user is told, from any stage.
    &["diag", "progress"],
    // The records every stage speaks.
    &["model"],
    &["source"],
    &["check"],
    &["publish"],
    &["present"],
    // The pipeline that runs the stages.
    &["site"],
    // The ways in.
    &["app"],
];

fn stage(module: &str) -> Option<usize> {
    let top = module.split("::").next().unwrap_or(module);
    STAGES.iter().position(|row| row.contains(&top))
}

/// Source text with comments, string and character literals blanked out,
/// so that `crate::` in a doc link or a message is not read as an import.
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &src[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').map_or(b.len(), |n| i + n);
            i = end;
        } else if rest.starts_with("/*") {
            let mut depth = 0;
            while i < b.len() {
                if src[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if src[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(rest) {
            // r"…", r#"…"#, br#"…"#: ends at a quote followed by as many hashes.
            let open = rest.find('"').unwrap_or(0) + 1;
            let close = format!("\"{}", "#".repeat(hashes));
            let end = rest[open..]
                .find(&close)
                .map_or(b.len(), |n| i + open + n + close.len());
            out.push_str("\"\"");
            i = end;
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            i += 1;
        } else if b[i] == b'\'' {
            // A character literal ('x', '\n', '"'), or a lifetime ('a).
            let c = rest[1..].chars().next().unwrap_or(' ');
            if c == '\\' {
                let end = rest[2..].find('\'').map_or(b.len(), |n| i + 2 + n + 1);
                i = end;
            } else if rest[1 + c.len_utf8()..].starts_with('\'') {
                i += 2 + c.len_utf8();
            } else {
                out.push('\'');
                i += 1;
            }
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// `Some(number of hashes)` if `s` starts a raw string literal.
fn raw_string_start(s: &str) -> Option<usize> {
    let s = s.strip_prefix('b').unwrap_or(s);
    let s = s.strip_prefix('r')?;
    let hashes = s.len() - s.trim_start_matches('#').len();
    s[hashes..].starts_with('"').then_some(hashes)
}

/// Every path a piece of code names through `crate::`, groups expanded:
/// `use crate::a::{b, c::{d}}` gives `a::b`, `a::c::d`.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(n) = code[from..].find("crate::") {
        let at = from + n;
        from = at + "crate::".len();
        // `crate::` only as a path start, not inside another word (`mycrate::`).
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        paths_from(&code[from..], String::new(), &mut out);
    }
    out
}

/// Reads a path (with groups) at the start of `s`, prefixed by `prefix`.
fn paths_from(s: &str, prefix: String, out: &mut Vec<String>) {
    let seg_end = |s: &str| {
        s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(s.len())
    };
    let s = s.trim_start();
    if let Some(inner) = s.strip_prefix('{') {
        // Split the group at its top-level commas.
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    paths_from(&inner[start..i], prefix.clone(), out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    paths_from(&inner[start..i], prefix.clone(), out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return;
    }
    let end = seg_end(s);
    let path = s[..end].trim_end_matches(':');
    let full = if prefix.is_empty() {
        path.to_string()
    } else if path.is_empty() || path == "self" {
        prefix.trim_end_matches("::").to_string()
    } else {
        format!("{prefix}{path}")
    };
    if s[end..].starts_with('{') || (s[..end].ends_with("::") && s[end..].starts_with('{')) {
        paths_from(&s[end..], format!("{}::", full.trim_end_matches("::")), out);
    } else if !full.is_empty() {
        out.push(full);
    }
}

/// The module a path lands in: its longest prefix that is a module.
fn module_of<'m>(path: &str, modules: &'m BTreeSet<String>) -> Option<&'m String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .find_map(|n| modules.get(&parts[..n].join("::")))
}

/// `src/present/views.rs` → `present::views`; `src/check/mod.rs` → `check`.
fn module_name(rel: &Path) -> Option<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let file = parts.pop()?;
    let stem = file.strip_suffix(".rs")?;
    if parts.is_empty() && (stem == "lib" || stem == "main") {
        return None;
    }
    if stem != "mod" {
        parts.push(stem.to_string());
    }
    Some(parts.join("::"))
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src/ reads") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The crate's import graph: module → (module it uses → the path that says so).
fn graph(src: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let named: Vec<(String, String)> = files
        .iter()
        .filter_map(|f| {
            let m = module_name(f.strip_prefix(src).ok()?)?;
            Some((m, std::fs::read_to_string(f).expect("source reads")))
        })
        .collect();
    let modules: BTreeSet<String> = named.iter().map(|(m, _)| m.clone()).collect();
    let mut g = BTreeMap::new();
    for (m, text) in &named {
        let code = code_only(text);
        let mut uses = BTreeMap::new();
        for path in crate_paths(&code) {
            if let Some(to) = module_of(&path, &modules)
                // A stage's mod.rs lists its own modules; a module may name its parents' paths.
                && to != m
                && !m.starts_with(&format!("{to}::"))
                && !to.starts_with(&format!("{m}::"))
            {
                uses.entry(to.clone()).or_insert(path);
            }
        }
        g.insert(m.clone(), uses);
    }
    g
}

/// The imports that point from a stage to a later one, as messages.
fn upward(g: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<String> {
    let mut bad = Vec::new();
    for (from, uses) in g {
        let Some(s) = stage(from) else {
            bad.push(format!(
                "{from} is in no stage: add it to STAGES in tests/architecture.rs and ARCHITECTURE.md"
            ));
            continue;
        };
        for (to, path) in uses {
            match stage(to) {
                Some(t) if t > s => bad.push(format!(
                    "{from} uses crate::{path}, a later stage ({} after {})",
                    STAGES[t].join("/"),
                    STAGES[s].join("/")
                )),
                _ => {}
            }
        }
    }
    bad
}

/// One import circle, as the modules along it, if there is any.
fn circle(g: &BTreeMap<String, BTreeMap<String, String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        m: &str,
        g: &BTreeMap<String, BTreeMap<String, String>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(m.to_string(), Mark::Open);
        stack.push(m.to_string());
        for to in g.get(m).into_iter().flat_map(|u| u.keys()) {
            match marks.get(to).copied().unwrap_or(Mark::New) {
                Mark::Open => {
                    let start = stack.iter().position(|s| s == to).unwrap_or(0);
                    let mut c = stack[start..].to_vec();
                    c.push(to.clone());
                    return Some(c);
                }
                Mark::New => {
                    if let Some(c) = visit(to, g, marks, stack) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks.insert(m.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for m in g.keys() {
        if marks.get(m).copied().unwrap_or(Mark::New) == Mark::New
            && let Some(c) = visit(m, g, &mut marks, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

#[test]
fn imports_only_point_down_the_pipeline() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let g = graph(&src);
    // The reader must see the real tree: a handful of modules means the walk broke.
    assert!(g.len() > 30, "only {} modules found under src/", g.len());
    assert!(g["present::render"].contains_key("present::pages"));
    let bad = upward(&g);
    assert!(
        bad.is_empty(),
        "imports against the stage order:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_import_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let g = graph(&src);
    if let Some(c) = circle(&g) {
        panic!("import circle: {}", c.join(" -> "));
    }
}

/// One name, one type: two `Words` or two `Kind`s in the tree make a
/// reader check which one an import means (issue 15). Item-local types
/// (inside a function) are not counted.
#[test]
fn no_two_types_share_a_name() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &files {
        let code = code_only(&std::fs::read_to_string(f).expect("source reads"));
        for line in code.lines() {
            // Top-level and module-level definitions start at the margin
            // or one indent in (a `mod tests` block).
            let indent = line.len() - line.trim_start().len();
            if indent > 4 {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let at = words
                .iter()
                .position(|w| matches!(*w, "struct" | "enum" | "trait"));
            if let Some(name) = at.and_then(|i| words.get(i + 1)) {
                let name: String = name
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && words[..at.unwrap()].iter().all(|w| w.starts_with("pub")) {
                    seen.entry(name)
                        .or_default()
                        .push(f.strip_prefix(&src).unwrap().display().to_string());
                }
            }
        }
    }
    let twice: Vec<_> = seen.iter().filter(|(_, at)| at.len() > 1).collect();
    assert!(
        twice.is_empty(),
        "type names defined more than once: {twice:?}"
    );
}

/// Every module says what it is for, first thing: a newcomer reads the
/// tree by these lines (`missing_docs` would also ask it of every item).
#[test]
fn every_module_starts_with_what_it_does() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let undocumented: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("main.rs"))
        .filter(|f| {
            !std::fs::read_to_string(f)
                .expect("source reads")
                .starts_with("//!")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        undocumented.is_empty(),
        "modules without a `//!` line first: {undocumented:?}"
    );
}

#[test]
fn the_reader_sees_paths_not_comments_or_strings() {
    let code = code_only(
        "use crate::a::{b, c::{d, e}, self};\n\
         // crate::hidden\n\
         /* crate::also /* nested */ hidden */\n\
         let s = \"crate::in_string\"; let r = r#\"crate::raw\"#; let q = '\"';\n\
         fn f<'x>(v: &'x str) { crate::f::g(v); mycrate::no(); }\n",
    );
    let paths = crate_paths(&code);
    assert_eq!(paths, ["a::b", "a::c::d", "a::c::e", "a", "f::g"]);
}

#[test]
fn an_upward_import_or_a_circle_is_caught() {
    let edge = |a: &str, b: &str| {
        (
            a.to_string(),
            BTreeMap::from([(b.to_string(), b.to_string())]),
        )
    };
    let g: BTreeMap<_, _> = [
        edge("source::load", "check::validate"),
        edge("check::validate", "model"),
    ]
    .into();
    assert_eq!(upward(&g).len(), 1, "{:?}", upward(&g));
    assert!(circle(&g).is_none());
    let g: BTreeMap<_, _> = [
        edge("present::a", "present::b"),
        edge("present::b", "present::a"),
    ]
    .into();
    assert!(upward(&g).is_empty());
    assert_eq!(circle(&g).expect("a circle").len(), 3);
}
