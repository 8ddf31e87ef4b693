//! The split search index (src/search.rs) as the browser reads it: a query
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
        lotrinh::search::terms(q)
            .into_iter()
            .filter(|t| seen.insert(t.clone()))
            .collect()
    }

    fn shards_for(&self, q: &str) -> Vec<String> {
        let keys: Vec<String> = serde_json::from_value(self.manifest["shards"].clone()).unwrap();
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
    fn matches(&self, q: &str) -> BTreeMap<u64, (u32, u64)> {
        let mut best: BTreeMap<u64, (u32, u64)> = BTreeMap::new();
        for k in self.shards_for(q) {
            let shard = self.get(&format!("t/{k}.json"));
            for (t, postings) in shard.as_object().unwrap() {
                let exact = t == q;
                if !exact && (q.len() < 2 || !t.starts_with(q)) {
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
        let per: Vec<_> = words.iter().map(|w| self.matches(w)).collect();
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
    assert_eq!(en.manifest["docs"], 5 + 4 + 2 + 2 + 2 + 5 + 4 + 10);
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
        let docs: Vec<lotrinh::search::Doc> = (0..n)
            .map(|i| {
                let mut pick = |k: usize| {
                    (0..k)
                        .map(|_| words[next(words.len())].as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                lotrinh::search::Doc {
                    kind: "kind.recommendation",
                    title: pick(8),
                    url: format!("vi/recommendations/r-{i}/"),
                    body: pick(60),
                }
            })
            .collect();
        let t = std::time::Instant::now();
        let files = lotrinh::search::files(&docs, "vi", |k| k.to_string());
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
