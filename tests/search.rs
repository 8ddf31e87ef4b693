//! The split search index (src/present/search.rs) as the browser reads it: a query
//! without diacritics finds the right records, ranked title-first, and the
//! whole first query on the shipped site stays under its byte budget.
//!
//! `Client` below reads the written files the way themes/default/static/search.js
//! does (manifest → term shards for each word → document shards of the
//! results), so these tests hold the data the script relies on; the script
//! itself is exercised by the browser tests in e2e/.

mod common;

use common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

struct Hit {
    doc: usize,
    kind: String,
    title: String,
    url: String,
    snippet: String,
}

struct Client<'a> {
    dir: PathBuf,
    manifest: Value,
    /// Every file read, with its size: what a browser would fetch.
    fetched: std::cell::RefCell<BTreeMap<String, usize>>,
    _out: &'a Path,
}

impl<'a> Client<'a> {
    fn new(out: &'a Path, lang: &str) -> Self {
        let dir = out.join(lang).join("search");
        let c = Client {
            dir,
            manifest: Value::Null,
            fetched: Default::default(),
            _out: out,
        };
        let manifest = c.get("index.json");
        Client { manifest, ..c }
    }

    fn get(&self, rel: &str) -> Value {
        let bytes = std::fs::read(self.dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        self.fetched
            .borrow_mut()
            .insert(rel.to_string(), bytes.len());
        serde_json::from_slice(&bytes).unwrap()
    }

    fn words(q: &str) -> Vec<String> {
        let mut seen = BTreeSet::new();
        lotrinh::present::search::terms(q)
            .into_iter()
            .filter(|t| seen.insert(t.clone()))
            .collect()
    }

    /// The query's neighbouring word pairs as search.js makes them: (key,
    /// required: inside quotes, prefix: its second word ends the query).
    fn pairs(q: &str) -> Vec<(String, bool, bool)> {
        let parts: Vec<&str> = q.split(['"', '\u{201c}', '\u{201d}']).collect();
        let mut out = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let ws = lotrinh::present::search::terms(part);
            let open =
                i + 1 == parts.len() && part.chars().last().is_some_and(|c| c.is_alphanumeric());
            for j in 0..ws.len().saturating_sub(1) {
                out.push((
                    format!("{}_{}", ws[j], ws[j + 1]),
                    i % 2 == 1,
                    open && j + 2 == ws.len(),
                ));
            }
        }
        out
    }

    fn shards_for(&self, list: &str, q: &str) -> Vec<String> {
        let keys: Vec<String> = serde_json::from_value(self.manifest[list].clone()).unwrap();
        if q.len() < 2 {
            return keys.into_iter().filter(|k| k == q).collect();
        }
        let best = keys
            .iter()
            .filter(|k| q.starts_with(k.as_str()))
            .max_by_key(|k| k.len())
            .cloned();
        keys.iter()
            .filter(|k| k.len() > q.len() && k.starts_with(q))
            .cloned()
            .chain(best)
            .collect()
    }

    /// Doc → (best score of this word, title length).
    fn matches(&self, dir: &str, q: &str, prefix: bool) -> BTreeMap<u64, (u32, u64)> {
        let mut best: BTreeMap<u64, (u32, u64)> = BTreeMap::new();
        let list = if dir == "t" { "shards" } else { "phrases" };
        for k in self.shards_for(list, q) {
            let shard = self.get(&format!("{dir}/{k}.json"));
            for (t, postings) in shard.as_object().unwrap() {
                let exact = t == q;
                if !exact && (!prefix || q.len() < 2 || !t.starts_with(q)) {
                    continue;
                }
                let mut doc = 0;
                for v in postings.as_array().unwrap() {
                    let v = v.as_u64().unwrap();
                    doc += v >> 6;
                    let title = v & 2 != 0;
                    let s = match (title, exact) {
                        (true, true) => 8,
                        (true, false) => 5,
                        (false, true) => 3,
                        (false, false) => 1,
                    };
                    let e = best.entry(doc).or_insert((0, (v >> 2) & 15));
                    e.0 = e.0.max(s);
                }
            }
        }
        best
    }

    fn search(&self, q: &str) -> Vec<Hit> {
        let words = Self::words(q);
        let per: Vec<_> = words.iter().map(|w| self.matches("t", w, true)).collect();
        let pairs = Self::pairs(q);
        let per_pair: Vec<_> = pairs
            .iter()
            .map(|(k, _, prefix)| self.matches("p", k, *prefix))
            .collect();
        let Some(first) = per.first() else {
            return Vec::new();
        };
        let n = words.len() as u64;
        let mut hits: Vec<(u32, u64, u64)> = first
            .iter()
            .filter_map(|(&doc, &(_, tlen))| {
                let scores: Vec<u32> = per
                    .iter()
                    .map(|m| m.get(&doc).map(|x| x.0))
                    .collect::<Option<_>>()?;
                let mut score: u32 = scores.iter().sum();
                let mut phrase = 0;
                for ((_, required, _), m) in pairs.iter().zip(&per_pair) {
                    match m.get(&doc) {
                        Some(&(p, _)) => phrase += if p >= 5 { 60 } else { 40 },
                        None if *required => return None,
                        None => {}
                    }
                }
                if !pairs.is_empty() {
                    // As Math.round in search.js (halves up).
                    score += (2 * phrase + pairs.len() as u32) / (2 * pairs.len() as u32);
                }
                if scores.iter().all(|&s| s >= 5) {
                    score += if tlen == n { 100 } else { 20 };
                }
                Some((score, tlen, doc))
            })
            .collect();
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let per_shard = self.manifest["per"].as_u64().unwrap();
        hits.iter()
            .map(|&(_, _, doc)| {
                let rows = self.get(&format!("d/{}.json", doc / per_shard));
                let r = &rows[(doc % per_shard) as usize];
                Hit {
                    doc: doc as usize,
                    kind: self.manifest["kinds"][r[0].as_u64().unwrap() as usize]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    title: r[1].as_str().unwrap().to_string(),
                    url: r[2].as_str().unwrap().to_string(),
                    snippet: r[3].as_str().unwrap().to_string(),
                }
            })
            .collect()
    }

    fn urls(&self, q: &str) -> Vec<String> {
        self.search(q).into_iter().map(|h| h.url).collect()
    }
}

fn build_rich() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(&fixture("rich"), &out, &[]);
    (tmp, out)
}

#[test]
fn queries_without_diacritics_find_the_right_records() {
    let (_tmp, out) = build_rich();
    let vi = Client::new(&out, "vi");
    // The agency itself first: its title is exactly the query.
    let hits = vi.search("bo tu phap");
    assert_eq!(hits[0].url, "vi/agencies/moj/");
    assert_eq!(hits[0].title, "Bộ Tư pháp");
    assert_eq!(hits[0].kind, "Cơ quan");
    // ...then the tasks it leads (found through their lead agency).
    let urls: Vec<&str> = hits.iter().map(|h| h.url.as_str()).collect();
    assert!(urls.contains(&"vi/tasks/plan-a-a-1/"), "{urls:?}");
    // "tra tan" finds "Tra tấn": the theme (exact title) first, then the
    // recommendation and the task on torture.
    let urls = vi.urls("tra tan");
    assert_eq!(urls[0], "vi/themes/torture/");
    for want in [
        "vi/recommendations/cat-torture-investigations/",
        "vi/tasks/plan-a-a-2/",
    ] {
        assert!(
            urls.contains(&want.to_string()),
            "tra tan → {want}: {urls:?}"
        );
    }
    // Same with the diacritics typed, and in capitals.
    assert_eq!(vi.urls("TRA TẤN"), urls);
    // đ is folded to d; the stored text was decomposed (NFD).
    assert!(
        vi.urls("doc lap")
            .contains(&"vi/recommendations/iccpr-nhri/".to_string())
    );
    assert!(
        vi.urls("muc d bao chi")
            .contains(&"vi/tasks/plan-a-dd/".to_string())
    );
    assert!(
        vi.urls("Đ.I")
            .contains(&"vi/tasks/plan-a-dd-i/".to_string())
    );
    // A word's start is enough ("hinh" → "hình sự", "hình phạt").
    assert!(
        vi.urls("hinh")
            .contains(&"vi/tasks/plan-a-a-1/".to_string())
    );
    // Every word must match.
    assert!(vi.urls("tra tan khongcotu").is_empty());
    // Content pages are searched, with a snippet.
    let about = vi.search("theo doi khuyen nghi");
    let page = about
        .iter()
        .find(|h| h.url == "vi/about/")
        .expect("about page");
    assert_eq!(page.kind, "Trang");
    assert!(
        page.snippet.starts_with("Trang này theo dõi"),
        "{}",
        page.snippet
    );
}

#[test]
fn each_language_has_its_own_index() {
    let (_tmp, out) = build_rich();
    let en = Client::new(&out, "en");
    let hits = en.search("ministry of justice");
    assert_eq!(hits[0].url, "en/agencies/moj/");
    assert_eq!(hits[0].kind, "Agency");
    // Agencies are found by their name in the other language too.
    assert_eq!(en.urls("bo tu phap")[0], "en/agencies/moj/");
    assert_eq!(en.urls("torture")[0], "en/themes/torture/");
    let rec = en
        .search("investigate torture")
        .into_iter()
        .find(|h| h.url == "en/recommendations/cat-torture-investigations/")
        .expect("recommendation");
    assert_eq!(rec.kind, "Recommendation");
    assert_eq!(rec.snippet, "Investigate every allegation of torture.");
    // Indicators, plans and documents are in the index too.
    let kinds: BTreeSet<String> = serde_json::from_value(en.manifest["kinds"].clone()).unwrap();
    for k in [
        "Agency",
        "Theme",
        "Indicator",
        "Plan",
        "Document",
        "Page",
        "Recommendation",
        "Task",
    ] {
        assert!(kinds.contains(k), "{k} in {kinds:?}");
    }
    // Every record of each collection is a document of the index.
    assert_eq!(en.manifest["docs"], 5 + 5 + 2 + 2 + 2 + 5 + 4 + 10);
}

#[test]
fn the_search_page_points_at_the_index_relative_to_itself() {
    let (_tmp, out) = build_rich();
    for lang in ["vi", "en"] {
        let html = read(&out, &format!("{lang}/search/index.html"));
        let script = tags(&html)
            .into_iter()
            .find(|t| t.name == "script" && t.attr("data-index").is_some())
            .expect("search script");
        let index = script.attr("data-index").unwrap();
        assert!(
            !index.starts_with('/'),
            "relative, so sub-paths work: {index}"
        );
        assert_eq!(
            resolve(&format!("{lang}/search/index.html"), index).as_deref(),
            Some(format!("{lang}/search/index.json").as_str())
        );
        for id in ["search-results", "search-status"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "#{id}");
        }
        assert!(!out.join(lang).join("search-index.json").exists());
    }
}

/// The whole first query on the shipped Viet Nam site: the search page,
/// its stylesheet and script, the manifest, the term shards of each word and
/// the document shards of the first page of results.
#[test]
fn a_first_query_on_the_shipped_site_costs_under_300_kb() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(Path::new(env!("CARGO_MANIFEST_DIR")), &out, &[]);
    let page = |lang: &str| {
        ["search/index.html"]
            .iter()
            .map(|p| std::fs::metadata(out.join(lang).join(p)).unwrap().len() as usize)
            .sum::<usize>()
            + ["static/style.css", "static/search.js"]
                .iter()
                .map(|p| std::fs::metadata(out.join(p)).unwrap().len() as usize)
                .sum::<usize>()
    };
    for (lang, q, want) in [
        ("vi", "bo tu phap", "vi/agencies/moj/"),
        ("vi", "tra tan", "vi/themes/torture/"),
        ("vi", "bo cong an", "vi/agencies/mps/"),
        ("en", "ministry of public security", "en/agencies/mps/"),
        ("vi", "quyen", ""),
        ("vi", "c", ""),
        ("vi", "tu hinh", "vi/themes/death-penalty/"),
        ("vi", "\"tu hinh\"", "vi/themes/death-penalty/"),
        ("vi", "Bộ LĐ-TB&XH", "vi/agencies/molisa/"),
        ("en", "MOLISA", "en/agencies/molisa/"),
    ] {
        let c = Client::new(&out, lang);
        let hits = c.search(q);
        if !want.is_empty() {
            assert_eq!(hits[0].url, want, "{q}");
        }
        let terms: usize = c
            .fetched
            .borrow()
            .iter()
            .filter(|(p, _)| !p.starts_with("d/"))
            .map(|(_, n)| n)
            .sum();
        // search.js shows 20 results first; only their document shards load.
        let per = c.manifest["per"].as_u64().unwrap() as usize;
        let docs_needed: BTreeSet<usize> = hits.iter().take(20).map(|h| h.doc / per).collect();
        let docs: usize = docs_needed
            .iter()
            .map(|d| {
                std::fs::metadata(out.join(lang).join(format!("search/d/{d}.json")))
                    .unwrap()
                    .len() as usize
            })
            .sum();
        let total = page(lang) + terms + docs;
        eprintln!(
            "{lang} {q:?}: {} results, first query {total} bytes (page+css+js {}, manifest+term shards {terms}, {} document shards {docs})",
            hits.len(),
            page(lang),
            docs_needed.len()
        );
        assert!(total < 300 * 1024, "{lang} {q:?}: {total} bytes");
    }
}

/// The queries of issue 14 on the shipped site: a phrase before the same
/// words apart, quotes that require the phrase, the press's abbreviations
/// of an agency, and task results that name their plan.
#[test]
fn shipped_site_queries_read_like_people_type() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(Path::new(env!("CARGO_MANIFEST_DIR")), &out, &[]);
    let vi = Client::new(&out, "vi");
    // "tu hinh" (tử hình, death penalty): the theme first, then every record
    // holding the phrase, and only then those with "tu…" and "hinh…" apart.
    let phrase: BTreeSet<usize> = vi
        .matches("p", "tu_hinh", false)
        .keys()
        .map(|&d| d as usize)
        .collect();
    let hits = vi.search("tu hinh");
    assert_eq!(hits[0].url, "vi/themes/death-penalty/");
    let first_apart = hits.iter().position(|h| !phrase.contains(&h.doc));
    let last_phrase = hits.iter().rposition(|h| phrase.contains(&h.doc));
    assert!(
        phrase.len() >= 3 && first_apart.is_some() && last_phrase < first_apart,
        "phrase hits {} first, then the rest: {:?}",
        phrase.len(),
        hits.iter().map(|h| &h.title).collect::<Vec<_>>()
    );
    // The words in quotes: only the phrase.
    let quoted = vi.search("\"tu hinh\"");
    assert_eq!(
        quoted.iter().map(|h| h.doc).collect::<BTreeSet<_>>(),
        phrase,
        "quoted = phrase only"
    );
    assert_eq!(quoted[0].url, "vi/themes/death-penalty/");
    // The phrase with its last word unfinished still ranks the phrase first.
    assert_eq!(vi.urls("tu hin")[0], "vi/themes/death-penalty/");
    assert!(quoted.len() < hits.len(), "quotes narrow the results");
    // The press's forms of an agency's name, in both languages.
    for (lang, q, want) in [
        ("vi", "Bộ LĐ-TB&XH", "molisa"),
        ("vi", "bo ld-tb&xh", "molisa"),
        ("vi", "MOLISA", "molisa"),
        ("en", "Bộ LĐ-TB&XH", "molisa"),
        ("en", "MOLISA", "molisa"),
        ("vi", "Bộ GD&ĐT", "moet"),
        ("vi", "MPS", "mps"),
        ("en", "BCA", "mps"),
        (
            "en",
            "Ministry of Ethnic Minority and Religious Affairs",
            "mera",
        ),
    ] {
        let c = Client::new(&out, lang);
        let hits = c.search(q);
        assert_eq!(
            hits.first().map(|h| h.url.as_str()),
            Some(format!("{lang}/agencies/{want}/").as_str()),
            "{lang} {q:?}"
        );
    }
    // Task results name their plan: the same ref in two plans is told apart.
    for (lang, c) in [("vi", &vi), ("en", &Client::new(&out, "en"))] {
        let tasks: Vec<Hit> = c
            .search("D.II")
            .into_iter()
            .filter(|h| h.url.starts_with(&format!("{lang}/tasks/")))
            .collect();
        assert!(!tasks.is_empty());
        for h in &tasks {
            assert!(
                h.title.contains("/QĐ-TTg)"),
                "{lang}: task result names its plan: {}",
                h.title
            );
        }
        let titles: BTreeSet<&str> = tasks.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(
            titles.len(),
            tasks.len(),
            "no two task results look the same"
        );
    }
}

/// Index size and build cost at scale: `cargo test --release --test search
/// -- --ignored --nocapture`. Documents are made of words drawn from the
/// shipped data (Vietnamese and English), 8 in a title and 60 in a text.
#[test]
#[ignore]
fn bench_index_at_scale() {
    let mut words: Vec<String> = Vec::new();
    for e in walkdir_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")) {
        let text = std::fs::read_to_string(e).unwrap_or_default();
        words.extend(text.split_whitespace().map(str::to_string));
    }
    words.sort();
    words.dedup();
    let mut seed = 42u64;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    for n in [10_000usize, 100_000, 250_000] {
        let docs: Vec<lotrinh::present::search::Doc> = (0..n)
            .map(|i| {
                let mut pick = |k: usize| {
                    (0..k)
                        .map(|_| words[next(words.len())].as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                lotrinh::present::search::Doc {
                    kind: "kind.recommendation",
                    title: pick(8),
                    url: format!("vi/recommendations/r-{i}/"),
                    body: pick(60),
                }
            })
            .collect();
        let t = std::time::Instant::now();
        let files = lotrinh::present::search::files(&docs, "vi", |k| k.to_string());
        let took = t.elapsed();
        let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
        let biggest = files.iter().map(|(_, b)| b.len()).max().unwrap_or(0);
        let manifest = files.last().map(|(_, b)| b.len()).unwrap_or(0);
        eprintln!(
            "{n} docs: {took:?} ({:.0} docs/s), {} files, {} MB, largest file {} KB, manifest {} KB",
            n as f64 / took.as_secs_f64(),
            files.len(),
            bytes / 1_000_000,
            biggest / 1000,
            manifest / 1000
        );
    }
}

fn walkdir_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walkdir_files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}
