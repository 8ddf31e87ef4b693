//! Diagnostics: every problem found in a site, with its place in a file and a hint.
//!
//! Loading and validation never stop at the first problem; they push into a
//! [`Diagnostics`] and the CLI prints them all at the end, compiler-style.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Where something came from: a file (index into the [`Sources`] table), 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Loc {
    pub file: u32,
    pub line: u32,
    pub col: u32,
}

/// The files read for a build, so that a diagnostic can quote the offending line.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

#[derive(Debug)]
struct SourceFile {
    shown: PathBuf,
    text: String,
    /// Set once the text was let go ([`Sources::release`]).
    released: Option<Released>,
}

/// Where a released text can be read again, and how to know it is still
/// the text that was read for the build.
#[derive(Debug)]
struct Released {
    path: PathBuf,
    len: usize,
    hash: u64,
    again: std::sync::OnceLock<String>,
}

fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

impl Sources {
    /// Registers a file (its path as shown to users, relative to the site root) and its text.
    pub fn add(&mut self, shown: PathBuf, text: String) -> u32 {
        self.files.push(SourceFile {
            shown,
            text,
            released: None,
        });
        (self.files.len() - 1) as u32
    }
    pub fn path(&self, file: u32) -> &Path {
        &self.files[file as usize].shown
    }
    /// The file's text; for a released one, read again from its file, or
    /// empty (no line quoted) if the file is gone or no longer the same.
    pub fn text(&self, file: u32) -> &str {
        let f = &self.files[file as usize];
        match &f.released {
            None => &f.text,
            Some(r) => r.again.get_or_init(|| {
                std::fs::read_to_string(&r.path)
                    .ok()
                    .filter(|t| t.len() == r.len && text_hash(t) == r.hash)
                    .unwrap_or_default()
            }),
        }
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
    pub fn text_mut(&mut self, file: u32) -> &mut String {
        &mut self.files[file as usize].text
    }
    /// Lets go of the texts of files `0..upto`, each read from `root`
    /// joined with its shown path: once the records are checked, a
    /// diagnostic quoting them is rare (a warning from the datasets) and
    /// may read the file again, while holding the texts through the
    /// pages was a tenth of the build's peak memory (9 MB at 10,000
    /// records). Files registered without a text keep none.
    pub fn release(&mut self, root: &Path, upto: usize) {
        for f in self.files.iter_mut().take(upto) {
            if f.released.is_some() || f.text.is_empty() {
                continue;
            }
            let text = std::mem::take(&mut f.text);
            f.released = Some(Released {
                path: root.join(&f.shown),
                len: text.len(),
                hash: text_hash(&text),
                again: std::sync::OnceLock::new(),
            });
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// `None` for problems that belong to no file (a missing folder, say).
    pub loc: Option<Loc>,
    pub message: String,
    pub hint: Option<String>,
    /// How many characters to underline at `loc` (0: just point at it).
    pub width: u32,
}

/// A growing list of problems; order of discovery does not matter because the
/// list is sorted by place before it is shown.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error(&mut self, loc: Option<Loc>, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Severity::Error, loc, message)
    }
    pub fn warning(&mut self, loc: Option<Loc>, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Severity::Warning, loc, message)
    }
    fn push(
        &mut self,
        severity: Severity,
        loc: Option<Loc>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.items.push(Diagnostic {
            severity,
            loc,
            message: message.into(),
            hint: None,
            width: 0,
        });
        self.items.last_mut().expect("just pushed")
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }
    pub fn errors(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    /// Moves every place `by` lines down: for text parsed apart from the
    /// file it sits in (a content page's front matter).
    pub fn shift_lines(&mut self, by: u32) {
        for d in &mut self.items {
            if let Some(l) = &mut d.loc {
                l.line += by;
            }
        }
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
    /// Sorted by file, line, column, then message, so output is stable.
    pub fn sorted(&self, sources: &Sources) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| {
            let ka = a
                .loc
                .map(|l| (sources.path(l.file).to_path_buf(), l.line, l.col));
            let kb = b
                .loc
                .map(|l| (sources.path(l.file).to_path_buf(), l.line, l.col));
            ka.cmp(&kb).then_with(|| a.message.cmp(&b.message))
        });
        v.dedup_by(|a, b| a == b);
        v
    }

    /// Renders every diagnostic as `file:line:col: message`, the offending line
    /// underlined, and the hint.
    pub fn render(&self, sources: &Sources, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = String::new();
        for d in self.sorted(sources) {
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            // Messages quote ids and values from data, and paths are file
            // names: none may drive the terminal (see `visible`).
            let message = visible(&d.message);
            let hint = d.hint.as_deref().map(visible);
            match d.loc {
                Some(l) => {
                    let path = visible(&sources.path(l.file).display().to_string()).into_owned();
                    let _ = writeln!(out, "{path}:{}:{}: {kind}: {message}", l.line, l.col);
                    let text = sources.text(l.file);
                    if let Some(line_text) = text.lines().nth(l.line.saturating_sub(1) as usize)
                        && !line_text.is_empty()
                        && l.line > 0
                    {
                        let from = l.col.saturating_sub(1) as usize;
                        let (line_text, start, end) =
                            visible_span(line_text, from, from + d.width.max(1) as usize);
                        let line_text = line_text.as_str();
                        let level = if d.severity == Severity::Error {
                            Level::ERROR
                        } else {
                            Level::WARNING
                        };
                        let mut groups = vec![
                            level.primary_title(message.as_ref()).element(
                                Snippet::source(line_text)
                                    .line_start(l.line as usize)
                                    .path(path.as_str())
                                    .annotation(
                                        AnnotationKind::Primary.span(start..end.max(start)),
                                    ),
                            ),
                        ];
                        if let Some(h) = &hint {
                            groups.push(Group::with_title(Level::HELP.secondary_title(h.as_ref())));
                        }
                        let rendered = renderer.render(&groups);
                        // The first line repeats the title we already printed in grep-able form.
                        for line in rendered.lines().skip(1) {
                            let _ = writeln!(out, "{line}");
                        }
                        out.push('\n');
                        continue;
                    }
                }
                None => {
                    let _ = writeln!(out, "{kind}: {message}");
                }
            }
            if let Some(h) = &hint {
                let _ = writeln!(out, "  = help: {h}");
            }
            out.push('\n');
        }
        out
    }

    /// The same diagnostics as JSON, for editors and CI.
    pub fn to_json(&self, sources: &Sources) -> serde_json::Value {
        let items: Vec<serde_json::Value> = self
            .sorted(sources)
            .into_iter()
            .map(|d| {
                serde_json::json!({
                    "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                    "file": d.loc.map(|l| visible(&sources.path(l.file).display().to_string()).into_owned()),
                    "line": d.loc.map(|l| l.line),
                    "column": d.loc.map(|l| l.col),
                    "message": visible(&d.message),
                    "hint": d.hint.as_deref().map(visible),
                })
            })
            .collect();
        serde_json::json!({ "errors": self.errors(), "warnings": self.warnings(), "diagnostics": items })
    }
}

impl Diagnostic {
    pub fn hint(&mut self, hint: impl Into<String>) -> &mut Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn width(&mut self, chars: usize) -> &mut Self {
        self.width = chars.min(u32::MAX as usize) as u32;
        self
    }
}

/// A character that has no place in data: C0 controls but tab and line
/// feed (a lone CR, ESC, NUL...), DEL, C1 controls, the line and paragraph
/// separators, and the bidirectional embeddings, overrides and isolates,
/// which reorder what a reader sees (U+202E shows "fdp.exe" as "exe.pdf").
/// They reach pages, downloads and terminals, where an ESC sequence can
/// clear the screen or retitle the window. Loading rejects them
/// (`source/raw.rs`); messages print them escaped ([`visible`]).
pub fn forbidden(c: char) -> bool {
    matches!(c,
        '\0'..='\u{8}'
        | '\u{b}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// `s` with every character that could drive a terminal (ESC sequences
/// clear the screen or retitle the window, U+202E reorders the line; see
/// [`forbidden`]) written as a visible escape, e.g. `\u{1b}`.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(forbidden) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if forbidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A source line made [`visible`], with the byte range of its characters
/// `from..to` (counted in the original line), for underlining.
fn visible_span(line: &str, from: usize, to: usize) -> (String, usize, usize) {
    let mut out = String::with_capacity(line.len());
    let (mut start, mut end) = (None, None);
    for (i, c) in line.chars().enumerate() {
        if i == from {
            start = Some(out.len());
        }
        if i == to {
            end = Some(out.len());
        }
        if forbidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    let start = start.unwrap_or(out.len());
    let end = end.unwrap_or(out.len()).max(start);
    (out, start, end)
}

/// Edit distance counting a swap of two neighbours as one edit (optimal
/// string alignment), since "titel" for "title" is one slip, not two.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[n][m]
}

/// The known names closest to `wanted` (at most three), closest first, or
/// nothing when none is plausibly a typo of it.
pub fn closest<'a>(wanted: &str, known: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let limit = (wanted.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, &str)> = known
        .map(|k| (distance(wanted, k), k))
        .filter(|(d, k)| {
            *d <= limit || (wanted.len() >= 3 && (k.starts_with(wanted) || wanted.starts_with(k)))
        })
        .collect();
    scored.sort();
    // Only the closest ones: a hint with a worse guess beside a good one confuses.
    let best = scored.first().map(|(d, _)| *d).unwrap_or(0);
    scored
        .into_iter()
        .filter(|(d, _)| *d == best)
        .take(3)
        .map(|(_, k)| k)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_released_text_is_read_again_only_while_its_file_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let text = "id: a\ntitle: Bộ Tư pháp\n";
        std::fs::write(dir.path().join("a.yaml"), text).unwrap();
        std::fs::write(dir.path().join("b.yaml"), text).unwrap();
        let mut sources = Sources::default();
        let a = sources.add("a.yaml".into(), text.into());
        let b = sources.add("b.yaml".into(), text.into());
        let kept = sources.add("(built-in theme) x.html".into(), "kept".into());
        sources.release(dir.path(), 2);
        assert!(sources.files[0].text.is_empty(), "the text is let go");
        assert_eq!(sources.text(kept), "kept", "files past `upto` keep theirs");
        assert_eq!(sources.text(a), text, "read again from its file");
        std::fs::write(dir.path().join("b.yaml"), "id: b\ntitle: Bộ Tư pháp\n").unwrap();
        assert_eq!(sources.text(b), "", "a changed file is not quoted");
        let mut d = Diagnostics::default();
        d.warning(
            Some(Loc {
                file: b,
                line: 2,
                col: 1,
            }),
            "late",
        );
        d.warning(
            Some(Loc {
                file: a,
                line: 2,
                col: 8,
            }),
            "late too",
        );
        let shown = d.render(&sources, false);
        assert!(shown.contains("b.yaml:2:1: warning: late"), "{shown}");
        assert!(shown.contains("2 | title: Bộ Tư pháp"), "{shown}");
        assert_eq!(shown.matches("title: Bộ Tư pháp").count(), 1, "{shown}");
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("moj", "moj"), 0);
        assert_eq!(distance("moj2", "moj"), 1);
        assert_eq!(distance("mps", "mofa"), 3);
        assert_eq!(distance("titel", "title"), 1);
    }

    #[test]
    fn closest_suggests_typos_only() {
        let known = ["moj", "mps", "mofa", "molisa"];
        assert_eq!(closest("moj2", known.iter().copied()), vec!["moj"]);
        assert!(closest("zzzzzzzz", known.iter().copied()).is_empty());
    }

    /// Regression (issue 16.13): an id with an ESC sequence cleared the
    /// screen when its error was printed.
    #[test]
    fn render_never_prints_control_characters() {
        let mut sources = Sources::default();
        let f = sources.add(
            "data/t\u{1b}[2J.yaml".into(),
            "- id: \"a\u{1b}[2J\u{202e}b\"\n  lead: [x]\n".into(),
        );
        let mut d = Diagnostics::default();
        d.error(
            Some(Loc {
                file: f,
                line: 1,
                col: 7,
            }),
            "unknown agency `a\u{1b}[2J\u{202e}b`",
        )
        .width(9)
        .hint("not \u{1b}]0;PWNED\u{7}");
        d.error(None, "no place \u{1b}c");
        for color in [false, true] {
            let out = d.render(&sources, color);
            // Styling is the renderer's own ESC sequences; strip them first.
            let plain: String = strip_styles(&out);
            assert!(!plain.chars().any(forbidden), "{plain:?}");
            assert!(
                plain.contains("unknown agency `a\\u{1b}[2J\\u{202e}b`"),
                "{plain}"
            );
            assert!(plain.contains("data/t\\u{1b}[2J.yaml:1:7"), "{plain}");
            assert!(plain.contains("not \\u{1b}]0;PWNED\\u{7}"), "{plain}");
            assert!(plain.contains("no place \\u{1b}c"), "{plain}");
        }
    }

    /// Removes SGR sequences (`ESC [ ... m`), the only ones the renderer writes.
    fn strip_styles(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' && chars.peek() == Some(&'[') {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn render_points_at_the_line() {
        let mut sources = Sources::default();
        let f = sources.add("data/tasks.yaml".into(), "- id: a\n  lead: [moj2]\n".into());
        let mut d = Diagnostics::default();
        d.error(
            Some(Loc {
                file: f,
                line: 2,
                col: 10,
            }),
            "unknown agency `moj2`",
        )
        .width(4)
        .hint("did you mean `moj`?");
        let out = d.render(&sources, false);
        assert!(
            out.starts_with("data/tasks.yaml:2:10: error: unknown agency `moj2`\n"),
            "{out}"
        );
        assert!(out.contains("lead: [moj2]"), "{out}");
        assert!(out.contains("did you mean `moj`?"), "{out}");
    }
}
