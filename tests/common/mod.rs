//! Helpers shared by the integration tests: running the binary, copying
//! fixtures, reading a built site, a small HTML attribute scanner with a link
//! checker, and a small JSON reader (the tests use only std, assert_cmd and
//! tempfile).

#![allow(dead_code)]

use assert_cmd::Command;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a run of `lotrinh` gave back.
pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Everything the run printed, for assertion messages.
    pub(crate) fn both(&self) -> String {
        format!(
            "exit code {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

/// Runs `lotrinh` with the given arguments (never in the repository's own site folder).
pub(crate) fn lotrinh<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::cargo_bin("lotrinh")
        .expect("the lotrinh binary is built")
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(std::env::temp_dir())
        .timeout(Duration::from_secs(60))
        .output()
        .expect("lotrinh runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `lotrinh build --root <root> --out <out> [extra...]`, which must succeed.
pub(crate) fn build_ok(root: &Path, out: &Path, extra: &[&str]) -> Run {
    let run = build(root, out, extra);
    assert_eq!(
        run.code,
        0,
        "build of {} failed:\n{}",
        root.display(),
        run.both()
    );
    run
}

pub(crate) fn build(root: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<std::ffi::OsString> = vec![
        "build".into(),
        "--root".into(),
        root.into(),
        "--out".into(),
        out.into(),
    ];
    args.extend(extra.iter().map(Into::into));
    lotrinh(args)
}

pub(crate) fn check(root: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<std::ffi::OsString> = vec!["check".into(), "--root".into(), root.into()];
    args.extend(extra.iter().map(Into::into));
    lotrinh(args)
}

/// Copies a folder recursively.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fresh copy of a fixture in a temporary folder: (guard, path of the copy).
pub(crate) fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join(name.replace('/', "-"));
    copy_dir(&fixture(name), &root);
    (tmp, root)
}

/// Every file under `dir`, by path relative to it (with `/`), with its bytes.
pub(crate) fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// FNV-1a, enough to tell whether a file's bytes changed.
pub(crate) fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Path → (length, hash, modification time) of every file under `dir`.
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<String, (usize, u64, std::time::SystemTime)> {
    files(dir)
        .into_iter()
        .map(|(rel, bytes)| {
            let mtime = std::fs::metadata(dir.join(&rel))
                .unwrap()
                .modified()
                .unwrap();
            (rel, (bytes.len(), fnv64(&bytes), mtime))
        })
        .collect()
}

/// Asserts two folders hold the same files with the same bytes, naming the first differences.
pub(crate) fn assert_same_tree(a: &Path, b: &Path) {
    let fa = files(a);
    let fb = files(b);
    let only_a: Vec<&String> = fa.keys().filter(|k| !fb.contains_key(*k)).collect();
    let only_b: Vec<&String> = fb.keys().filter(|k| !fa.contains_key(*k)).collect();
    let differ: Vec<&String> = fa
        .iter()
        .filter(|(k, v)| fb.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        only_a.is_empty() && only_b.is_empty() && differ.is_empty(),
        "{} and {} differ\nonly in the first: {only_a:?}\nonly in the second: {only_b:?}\ndifferent bytes: {differ:?}",
        a.display(),
        b.display()
    );
}

pub(crate) fn read(dir: &Path, rel: &str) -> String {
    let path = dir.join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The part of a page between `<main` and `</main>` (the whole page if it has none).
pub(crate) fn main_part(html: &str) -> &str {
    match (html.find("<main"), html.rfind("</main>")) {
        (Some(a), Some(b)) if a < b => &html[a..b],
        _ => html,
    }
}

/// Decodes the character references a template engine may write.
pub(crate) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if name.starts_with("#x") || name.starts_with("#X") => {
                u32::from_str_radix(&name[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One start tag: its lowercase name and its attributes (values decoded).
#[derive(Debug, Clone)]
pub(crate) struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    /// Byte offset of the `<` in the page.
    pub at: usize,
}

impl Tag {
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every start tag of a page, skipping comments and the insides of `<script>` and `<style>`.
pub(crate) fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i..]
                .find("-->")
                .map(|e| i + e + 3)
                .unwrap_or(bytes.len());
            continue;
        }
        if i + 1 >= bytes.len() || !bytes[i + 1].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + 1;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-' || bytes[j] == b':')
        {
            j += 1;
        }
        let name = html[i + 1..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' || html[j..].starts_with("/>") {
                break;
            }
            let ks = j;
            while j < bytes.len() && !bytes[j].is_ascii_whitespace() && !b"=>/".contains(&bytes[j])
            {
                j += 1;
            }
            let key = html[ks..j].to_ascii_lowercase();
            if key.is_empty() {
                j += 1;
                continue;
            }
            let mut value = String::new();
            if j < bytes.len() && bytes[j] == b'=' {
                j += 1;
                if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
                    let q = bytes[j];
                    let vs = j + 1;
                    let ve = html[vs..]
                        .find(q as char)
                        .map(|e| vs + e)
                        .unwrap_or(bytes.len());
                    value = decode_entities(&html[vs..ve]);
                    j = (ve + 1).min(bytes.len());
                } else {
                    let vs = j;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = decode_entities(&html[vs..j]);
                }
            }
            attrs.push((key, value));
        }
        out.push(Tag {
            name: name.clone(),
            attrs,
            at: start,
        });
        i = j;
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i = html[i..].find(&close).map(|e| i + e).unwrap_or(bytes.len());
        }
    }
    out
}

/// Resolves a relative URL against the folder of the page at `page` (a path
/// relative to the output folder), giving the output file it points to:
/// a trailing `/` means `index.html`. `None` when it climbs out of the site.
pub(crate) fn resolve(page: &str, url: &str) -> Option<String> {
    let url = url.split(['#', '?']).next().unwrap_or("");
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    if url.is_empty() {
        return Some(page.to_string());
    }
    for seg in url.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if url.ends_with('/') || path.is_empty() {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

pub(crate) fn is_external(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
}

/// Output files a page links to (relative `href`/`src` only, resolved).
pub(crate) fn local_links(out: &Path, page: &str) -> BTreeSet<String> {
    let html = read(out, page);
    tags(&html)
        .iter()
        .flat_map(|t| {
            t.attrs
                .iter()
                .filter(|(k, _)| k == "href" || k == "src")
                .map(|(_, v)| v.clone())
        })
        .filter(|v| !is_external(v) && !v.starts_with('#') && !v.starts_with('/'))
        .filter_map(|v| resolve(page, &v))
        .collect()
}

/// Checks every `href` and `src` of every HTML page of a built site:
/// relative links resolve to a file of the output; links and alternates of
/// `<link rel=canonical|alternate>` are absolute under `base`; nothing else
/// starts with `/`, and no URL uses a script scheme. Returns the number of links checked.
pub(crate) fn check_links(out: &Path, base: &str) -> usize {
    let all = files(out);
    let mut problems = Vec::new();
    let mut checked = 0;
    for (rel, bytes) in &all {
        if !rel.ends_with(".html") {
            continue;
        }
        let html =
            String::from_utf8(bytes.clone()).unwrap_or_else(|_| panic!("{rel} is not UTF-8"));
        for tag in tags(&html) {
            let rel_attr = tag.attr("rel").unwrap_or("").to_ascii_lowercase();
            for (k, v) in &tag.attrs {
                if k != "href" && k != "src" {
                    continue;
                }
                checked += 1;
                let lower: String = v
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if lower.starts_with("javascript:")
                    || lower.starts_with("vbscript:")
                    || lower.starts_with("data:")
                {
                    problems.push(format!("{rel}: script URL {v:?}"));
                    continue;
                }
                if tag.name == "link" && (rel_attr == "canonical" || rel_attr == "alternate") {
                    match v.strip_prefix(base) {
                        Some(path) => {
                            let target = resolve("x", path).unwrap_or_default();
                            if !all.contains_key(&target) {
                                problems.push(format!(
                                    "{rel}: <link rel={rel_attr}> {v:?} is not a page of the site"
                                ));
                            }
                        }
                        None => problems.push(format!(
                            "{rel}: <link rel={rel_attr}> {v:?} is not under {base:?}"
                        )),
                    }
                    continue;
                }
                if is_external(v) || v.starts_with('#') {
                    continue;
                }
                // A host serves its 404 page at any missed address, so that
                // page links from the site root; every other link is relative.
                if rel.ends_with("404.html") {
                    // The path part of the base ("https://host/sub/" → "/sub/").
                    let root = match base.split_once("://") {
                        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
                        None => base,
                    };
                    match v.strip_prefix(root).and_then(|p| resolve("x", p)) {
                        Some(target) if all.contains_key(&target) => {}
                        _ => {
                            problems.push(format!("{rel}: {k}={v:?} is not a file under {base:?}"))
                        }
                    }
                    continue;
                }
                if v.starts_with('/') {
                    problems.push(format!("{rel}: internal link {v:?} is not relative"));
                    continue;
                }
                match resolve(rel, v) {
                    Some(target) if all.contains_key(&target) => {}
                    Some(target) => {
                        problems.push(format!("{rel}: {k}={v:?} → {target} does not exist"))
                    }
                    None => problems.push(format!("{rel}: {k}={v:?} leaves the output folder")),
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} broken link(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    checked
}

/// Parses the summary line of a build: `built N pages, M files (X written, Y unchanged, Z removed)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Summary {
    pub pages: usize,
    pub files: usize,
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

pub(crate) fn summary(stderr: &str) -> Summary {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("built "))
        .unwrap_or_else(|| panic!("no summary line in:\n{stderr}"));
    let num = |after: &str, before: &str| -> usize {
        let i = line
            .find(before)
            .unwrap_or_else(|| panic!("no `{before}` in {line:?}"));
        let head = &line[..i];
        let start = head.rfind(after).map(|p| p + after.len()).unwrap_or(0);
        head[start..]
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("cannot read the number before `{before}` in {line:?}"))
    };
    Summary {
        pages: num("built", " pages"),
        files: num(",", " files"),
        written: num("(", " written"),
        unchanged: num(",", " unchanged"),
        removed: num(",", " removed"),
    }
}

// ---- a small JSON reader -------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    pub(crate) fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
    pub(crate) fn num(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub(crate) fn arr(&self) -> Option<&[Json]> {
        match self {
            Json::Arr(a) => Some(a),
            _ => None,
        }
    }
}

pub(crate) fn parse_json(text: &str) -> Result<Json, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut p = JsonParser { s: &chars, i: 0 };
    let v = p.value()?;
    p.ws();
    if p.i != chars.len() {
        return Err(format!("trailing characters at {}", p.i));
    }
    Ok(v)
}

struct JsonParser<'a> {
    s: &'a [char],
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_whitespace() {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: char) -> Result<(), String> {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!("expected {c:?} at {}", self.i))
        }
    }
    fn lit(&mut self, word: &str, v: Json) -> Result<Json, String> {
        for c in word.chars() {
            if self.s.get(self.i) != Some(&c) {
                return Err(format!("bad literal at {}", self.i));
            }
            self.i += 1;
        }
        Ok(v)
    }
    fn value(&mut self) -> Result<Json, String> {
        self.ws();
        match self.s.get(self.i) {
            Some('{') => {
                self.i += 1;
                let mut m = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&'}') {
                    self.i += 1;
                    return Ok(Json::Obj(m));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.eat(':')?;
                    let v = self.value()?;
                    m.push((k, v));
                    self.ws();
                    match self.s.get(self.i) {
                        Some(',') => self.i += 1,
                        Some('}') => {
                            self.i += 1;
                            return Ok(Json::Obj(m));
                        }
                        _ => return Err(format!("expected , or }} at {}", self.i)),
                    }
                }
            }
            Some('[') => {
                self.i += 1;
                let mut a = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&']') {
                    self.i += 1;
                    return Ok(Json::Arr(a));
                }
                loop {
                    a.push(self.value()?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(',') => self.i += 1,
                        Some(']') => {
                            self.i += 1;
                            return Ok(Json::Arr(a));
                        }
                        _ => return Err(format!("expected , or ] at {}", self.i)),
                    }
                }
            }
            Some('"') => self.string().map(Json::Str),
            Some('t') => self.lit("true", Json::Bool(true)),
            Some('f') => self.lit("false", Json::Bool(false)),
            Some('n') => self.lit("null", Json::Null),
            Some(c) if *c == '-' || c.is_ascii_digit() => {
                let start = self.i;
                while self.i < self.s.len()
                    && (self.s[self.i].is_ascii_digit() || "+-.eE".contains(self.s[self.i]))
                {
                    self.i += 1;
                }
                let t: String = self.s[start..self.i].iter().collect();
                t.parse()
                    .map(Json::Num)
                    .map_err(|_| format!("bad number {t:?}"))
            }
            _ => Err(format!("unexpected character at {}", self.i)),
        }
    }
    fn string(&mut self) -> Result<String, String> {
        if self.s.get(self.i) != Some(&'"') {
            return Err(format!("expected a string at {}", self.i));
        }
        self.i += 1;
        let mut out = String::new();
        while let Some(&c) = self.s.get(self.i) {
            self.i += 1;
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let e = *self.s.get(self.i).ok_or("unfinished escape")?;
                    self.i += 1;
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'u' => {
                            let hex: String = self
                                .s
                                .get(self.i..self.i + 4)
                                .ok_or("short \\u")?
                                .iter()
                                .collect();
                            self.i += 4;
                            let mut code = u32::from_str_radix(&hex, 16).map_err(|_| "bad \\u")?;
                            if (0xd800..0xdc00).contains(&code) && self.s.get(self.i) == Some(&'\\')
                            {
                                let low: String = self
                                    .s
                                    .get(self.i + 2..self.i + 6)
                                    .ok_or("short surrogate")?
                                    .iter()
                                    .collect();
                                let low =
                                    u32::from_str_radix(&low, 16).map_err(|_| "bad surrogate")?;
                                self.i += 6;
                                code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                            }
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        other => out.push(other),
                    }
                }
                c => out.push(c),
            }
        }
        Err("unfinished string".into())
    }
}
