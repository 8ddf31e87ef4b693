//! The client-side search index, written at build time and split so that a
//! query loads only what it needs (search.js reads it):
//!
//! - `<lang>/search/index.json`: the manifest: record-type labels, the number
//!   of documents, documents per metadata shard, the term shard keys and a
//!   version that changes with the content (for caches).
//! - `<lang>/search/t/<key>.json`: every folded term starting with `key` →
//!   its postings. Keys are term prefixes (two letters, longer where a prefix
//!   has many postings), so a query term needs one small shard.
//! - `<lang>/search/d/<n>.json`: type, title, address and snippet of
//!   documents `n*DOCS_PER_SHARD ..`, loaded only for the results shown.
//!
//! Terms are folded with deunicode, so "Bộ Tư pháp" is indexed as `bo tu phap`
//! and đ/Đ as d. A posting is one integer: `(doc delta << 6) | (title length
//! << 2) | where`, `where` being 1 body, 2 title, 3 both; the title length
//! (in terms, capped at 15) lets the client rank an exact title first without
//! loading any title.

use crate::check::index::Index;
use crate::model::{Collection, Records, address};
use crate::source::config::Config;
use crate::source::load::Loaded;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write as _;

/// Documents per metadata shard: a page of results touches one or two.
pub const DOCS_PER_SHARD: usize = 25;
/// A term shard with more postings than this is split by a longer prefix.
pub const SHARD_POSTINGS: usize = 8_000;
/// Snippet length in characters.
const SNIPPET: usize = 160;

/// One searchable record or page.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// The interface string key of its type (`kind.task`).
    pub kind: &'static str,
    pub title: String,
    /// Relative to the site root: `en/tasks/x/`.
    pub url: String,
    pub body: String,
}

/// The folded terms of a text: runs of ASCII letters and digits. Only
/// letters and digits are folded; symbols separate terms ("¶15" is `15`, not
/// deunicode's `p15`), as in search.js.
pub fn terms(s: &str) -> Vec<String> {
    let mut folded = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            folded.push_str(&deunicode::deunicode_char(c).unwrap_or(" ").to_lowercase());
        } else if unicode_normalization::char::is_combining_mark(c) {
            // Tones and hooks of decomposed text fold away.
        } else {
            folded.push(' ');
        }
    }
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every record and content page of one language, in the order results
/// are stored: small collections first, so the shards they share stay few.
/// Recommendations and tasks are titled by their labels ([`crate::present::labels`]),
/// the same words as their pages' headings and the links to them.
pub fn docs(
    idx: &Index<'_>,
    cfg: &Config,
    lang: &str,
    site: &Loaded,
    words: &crate::present::labels::LabelWords,
) -> Vec<Doc> {
    let d = idx.data;
    let langs = &cfg.languages[..];
    let mut out = Vec::new();
    let mut add = |kind: &'static str, title: String, url: String, body: String| {
        let mut title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        // A record may have no title of its own (a UPR recommendation without
        // symbol, paragraph or heading); its result link still needs a name.
        if title.is_empty() {
            title = body
                .split_whitespace()
                .take(12)
                .collect::<Vec<_>>()
                .join(" ");
        }
        out.push(Doc {
            kind,
            title,
            url,
            body: body.split_whitespace().collect::<Vec<_>>().join(" "),
        });
    };
    for a in &d.agencies {
        // Agencies are also found by their abbreviations and names in every
        // language and by their aliases (how the press writes them).
        let mut also: Vec<&str> = langs
            .iter()
            .filter_map(|l| a.short.as_ref().and_then(|s| s.exact(l)))
            .collect();
        also.extend(
            langs
                .iter()
                .filter(|l| l.as_str() != lang)
                .map(|l| a.name.plain(l, langs)),
        );
        also.extend(a.aliases.iter().map(String::as_str));
        also.dedup();
        // An ended agency says so first, where its result's snippet shows it.
        let ended = idx
            .agency_ended(a)
            .map(|e| format!("† {} {e}. ", words.ended))
            .unwrap_or_default();
        add(
            "kind.agency",
            a.name.plain(lang, langs).to_string(),
            Collection::Agencies.page(lang, &a.id.id),
            format!("{ended}{}", also.join(" · ")),
        );
    }
    for t in &d.themes {
        add(
            "kind.theme",
            t.name.plain(lang, langs).to_string(),
            Collection::Themes.page(lang, &t.id.id),
            t.description
                .as_ref()
                .map(|x| x.plain(lang, langs).to_string())
                .unwrap_or_default(),
        );
    }
    for p in &d.plans {
        let symbol = idx
            .document
            .get(p.document.id.as_str())
            .and_then(|&x| d.documents[x].symbol.as_deref())
            .unwrap_or("");
        add(
            "kind.plan",
            p.title.plain(lang, langs).to_string(),
            Collection::Plans.page(lang, &p.id.id),
            symbol.to_string(),
        );
    }
    for i in &d.indicators {
        add(
            "kind.indicator",
            i.title.plain(lang, langs).to_string(),
            Collection::Indicators.page(lang, &i.id.id),
            i.description
                .as_ref()
                .map(|x| x.plain(lang, langs).to_string())
                .unwrap_or_default(),
        );
    }
    let mut seen = BTreeSet::new();
    for p in site.pages.iter().filter(|p| p.lang == lang) {
        if seen.insert(p.slug.as_str()) {
            add(
                "kind.page",
                p.title.clone(),
                address::content(lang, &p.slug),
                p.body
                    .chars()
                    .filter(|c| !"#*_[]()`>|".contains(*c))
                    .collect(),
            );
        }
    }
    for x in &d.documents {
        add(
            "kind.document",
            format!(
                "{} {}",
                x.symbol.as_deref().unwrap_or(""),
                x.title.plain(lang, langs)
            ),
            Collection::Documents.page(lang, &x.id.id),
            String::new(),
        );
    }
    for (ri, r) in d.recommendations.enumerated() {
        add(
            "kind.recommendation",
            crate::present::labels::recommendation(idx, ri, lang, langs, words),
            Collection::Recommendations.page(lang, &r.id.id),
            r.text.plain(lang, langs).to_string(),
        );
    }
    for (ti, t) in d.tasks.enumerated() {
        let lead: Vec<&str> = t
            .lead
            .iter()
            .filter_map(|l| {
                idx.agency
                    .get(l.agency.id.as_str())
                    .map(|&a| d.agencies[a].name.plain(lang, langs))
            })
            .collect();
        let text = t.text.plain(lang, langs);
        // Tasks of two plans share refs (A.1 in each): the label names the
        // plan, "A.1 (1252/QĐ-TTg): …".
        add(
            "kind.task",
            crate::present::labels::task(idx, ti, lang, langs),
            Collection::Tasks.page(lang, &t.id.id),
            format!("{text} — {}", lead.join(", ")),
        );
    }
    out
}

fn clip(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
    }
}

/// Postings of one term: (document, where it occurs: 1 body, 2 title, 3
/// both), in document order.
type Postings = Vec<(u32, u8)>;

/// A term with its postings, as the shards are cut from them.
type Entry<'t> = (&'t str, &'t Postings);

/// The shard key of each term: its prefix of `len` letters (the whole term
/// when shorter), lengthened for prefixes with too many postings.
fn shard_keys<'t>(
    mut group: Vec<Entry<'t>>,
    key: String,
    len: usize,
    limit: usize,
    out: &mut BTreeMap<String, Vec<Entry<'t>>>,
) {
    let total: usize = group.iter().map(|(_, p)| p.len()).sum();
    // Prefixes stop growing at 6 letters: past that, a bigger shard is cheaper than many.
    if total <= limit || len >= 6 {
        out.entry(key).or_default().append(&mut group);
        return;
    }
    let mut sub: BTreeMap<String, Vec<Entry<'t>>> = BTreeMap::new();
    for e in group {
        let k: String = e.0.chars().take(len + 1).collect();
        if k.len() <= len {
            out.entry(key.clone()).or_default().push(e);
        } else {
            sub.entry(k).or_default().push(e);
        }
    }
    for (k, g) in sub {
        shard_keys(g, k, len + 1, limit, out);
    }
}

/// Adds document `doc` to the postings of `term`. Documents come in
/// order, so a term met again in the same document is the last posting.
/// (A hash map while collecting, sorted once at the end: the terms of every
/// document looked up in a sorted map was a tenth of the build's CPU.)
fn post(map: &mut HashMap<String, Postings>, term: &str, doc: u32, w: u8) {
    let postings = match map.get_mut(term) {
        Some(p) => p,
        None => map.entry(term.to_string()).or_default(),
    };
    match postings.last_mut() {
        Some((d, x)) if *d == doc => *x |= w,
        _ => postings.push((doc, w)),
    }
}

/// The files of the index of one language, paths relative to the site root.
pub fn files(
    docs: &[Doc],
    lang: &str,
    kind_label: impl Fn(&str) -> String,
) -> Vec<(String, Vec<u8>)> {
    files_with(docs, lang, kind_label, SHARD_POSTINGS)
}

/// [`write`] into a list.
fn files_with(
    docs: &[Doc],
    lang: &str,
    kind_label: impl Fn(&str) -> String,
    limit: usize,
) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let _ = write(docs, lang, kind_label, limit, &mut |path, bytes| {
        files.push((path, bytes));
        Ok(())
    });
    files
}

/// A file of the index, handed on as soon as it is made.
pub type Emit<'e> = dyn FnMut(String, Vec<u8>) -> std::io::Result<()> + 'e;

/// The index of one language, each file given to `emit` as soon as it is
/// made (the manifest last), so that a language's shards are never all held
/// at once beside its pages.
pub fn write(
    docs: &[Doc],
    lang: &str,
    kind_label: impl Fn(&str) -> String,
    limit: usize,
    emit: &mut Emit<'_>,
) -> std::io::Result<()> {
    let mut kinds: Vec<&'static str> = docs.iter().map(|d| d.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut words_at: HashMap<String, Postings> = HashMap::new();
    // Adjacent word pairs ("tu_hinh"): a query's neighbouring words are
    // looked up here to rank a phrase above the same words apart.
    let mut pairs: HashMap<String, Postings> = HashMap::new();
    let mut title_len = Vec::with_capacity(docs.len());
    let mut pair = String::new();
    for (i, d) in docs.iter().enumerate() {
        let i = i as u32;
        let title = terms(&d.title);
        let body = terms(&d.body);
        let distinct: BTreeSet<&str> = title.iter().map(String::as_str).collect();
        title_len.push(distinct.len().min(15) as u32);
        for (words, w) in [(&title, 2u8), (&body, 1u8)] {
            for t in words {
                post(&mut words_at, t, i, w);
            }
            for p in words.windows(2) {
                pair.clear();
                pair.push_str(&p[0]);
                pair.push('_');
                pair.push_str(&p[1]);
                post(&mut pairs, &pair, i, w);
            }
        }
    }
    // Every file but the manifest goes into its version, in order.
    let mut hash = Sha256::new();
    let mut put = |path: String, bytes: Vec<u8>| {
        hash.update(path.as_bytes());
        hash.update(&bytes);
        emit(path, bytes)
    };
    // One list of terms sorted at a time, each let go once its shards are
    // out: the words' and the pairs' postings sorted side by side were the
    // largest thing a build held while its pages rendered.
    let shards = write_shards(
        &sorted(words_at),
        &title_len,
        limit,
        &format!("{}t", address::search(lang)),
        &mut put,
    )?;
    let phrases = write_shards(
        &sorted(pairs),
        &title_len,
        limit,
        &format!("{}p", address::search(lang)),
        &mut put,
    )?;
    for (n, chunk) in docs.chunks(DOCS_PER_SHARD).enumerate() {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .map(|d| {
                let kind = kinds.binary_search(&d.kind).unwrap_or(0);
                serde_json::json!([kind, d.title, d.url, clip(&d.body, SNIPPET)])
            })
            .collect();
        put(
            format!("{}d/{n}.json", address::search(lang)),
            serde_json::to_vec(&rows).unwrap_or_default(),
        )?;
    }
    let version: String = hash.finalize()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let manifest = serde_json::json!({
        "version": version,
        "kinds": kinds.iter().map(|k| kind_label(k)).collect::<Vec<_>>(),
        "docs": docs.len(),
        "per": DOCS_PER_SHARD,
        "shards": shards,
        "phrases": phrases,
    });
    emit(
        address::search_index(lang),
        serde_json::to_vec(&manifest).unwrap_or_default(),
    )
}

/// Terms in byte order (as a `BTreeMap` iterates), in a flat list.
fn sorted(terms: HashMap<String, Postings>) -> Vec<(String, Postings)> {
    let mut v: Vec<_> = terms.into_iter().collect();
    v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Writes the postings of `terms` as shards under `dir`, each holding the
/// terms of one prefix key; returns the keys.
fn write_shards(
    terms: &[(String, Postings)],
    title_len: &[u32],
    limit: usize,
    dir: &str,
    put: &mut impl FnMut(String, Vec<u8>) -> std::io::Result<()>,
) -> std::io::Result<Vec<String>> {
    // Group terms by their first two letters, then split big groups.
    let mut groups: BTreeMap<String, Vec<Entry<'_>>> = BTreeMap::new();
    for (t, p) in terms {
        groups
            .entry(t.chars().take(2).collect())
            .or_default()
            .push((t.as_str(), p));
    }
    let mut shards: BTreeMap<String, Vec<Entry<'_>>> = BTreeMap::new();
    for (k, g) in groups {
        shard_keys(g, k, 2, limit, &mut shards);
    }
    for (key, ts) in &shards {
        // `{"term":[posting,…],…}`, as serde_json writes a map, without
        // making a JSON value of every posting first.
        let mut json = Vec::with_capacity(ts.iter().map(|(t, p)| t.len() + 6 * p.len()).sum());
        json.push(b'{');
        for (n, (t, postings)) in ts.iter().enumerate() {
            if n > 0 {
                json.push(b',');
            }
            serde_json::to_writer(&mut json, t).unwrap_or_default();
            json.extend_from_slice(b":[");
            let mut prev = 0u32;
            for (m, &(doc, w)) in postings.iter().enumerate() {
                let v = (u64::from(doc - prev) << 6)
                    | (u64::from(title_len[doc as usize]) << 2)
                    | u64::from(w);
                prev = doc;
                if m > 0 {
                    json.push(b',');
                }
                let _ = write!(json, "{v}");
            }
            json.push(b']');
        }
        json.push(b'}');
        put(format!("{dir}/{key}.json"), json)?;
    }
    Ok(shards.into_keys().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_tones_and_dd() {
        assert_eq!(terms("Bộ Tư pháp"), ["bo", "tu", "phap"]);
        assert_eq!(terms("tra tấn"), ["tra", "tan"]);
        assert_eq!(terms("ĐỘC LẬP, đoàn"), ["doc", "lap", "doan"]);
        assert_eq!(terms("87/QĐ-TTg ¶15(a)"), ["87", "qd", "ttg", "15", "a"]);
        // Decomposed input folds like composed input.
        assert_eq!(
            terms("\u{111}o\u{323}\u{302}c la\u{323}\u{302}p"),
            ["doc", "lap"]
        );
    }

    fn doc(title: &str, body: &str) -> Doc {
        Doc {
            kind: "kind.task",
            title: title.into(),
            url: format!("en/tasks/{}/", terms(title).join("-")),
            body: body.into(),
        }
    }

    /// What search.js loads for a word: the longest key that is a prefix of
    /// it and the keys that extend it (one-letter words: their own key).
    fn shards_for<'k>(keys: &'k [String], q: &str) -> Vec<&'k String> {
        if q.len() < 2 {
            return keys.iter().filter(|k| *k == q).collect();
        }
        let best = keys
            .iter()
            .filter(|k| q.starts_with(k.as_str()))
            .max_by_key(|k| k.len());
        keys.iter()
            .filter(|k| k.len() > q.len() && k.starts_with(q))
            .chain(best)
            .collect()
    }

    #[test]
    fn big_prefixes_are_split_and_every_term_stays_reachable() {
        let words = [
            "nguoi", "nguoi", "nghi", "nghia", "ngay", "ng", "nga", "ngu", "nguon", "tra",
        ];
        let docs: Vec<Doc> = (0..60)
            .map(|i| doc(&format!("t{i}"), &words[..(i % words.len()) + 1].join(" ")))
            .collect();
        let files = files_with(&docs, "en", |k| k.to_string(), 20);
        let manifest: serde_json::Value = serde_json::from_slice(
            &files
                .iter()
                .find(|(p, _)| p == "en/search/index.json")
                .unwrap()
                .1,
        )
        .unwrap();
        let keys: Vec<String> = serde_json::from_value(manifest["shards"].clone()).unwrap();
        assert!(keys.iter().any(|k| k.len() > 2), "ng* was split: {keys:?}");
        let shard = |k: &str| -> serde_json::Map<String, serde_json::Value> {
            let path = format!("en/search/t/{k}.json");
            serde_json::from_slice(&files.iter().find(|(p, _)| *p == path).unwrap().1).unwrap()
        };
        // Every indexed term is in exactly one shard, and a query for any of
        // its prefixes (two letters or more) loads that shard.
        let mut seen = BTreeSet::new();
        for k in &keys {
            for t in shard(k).keys() {
                assert!(
                    t.starts_with(k.as_str()) || k.starts_with(t.as_str()),
                    "{t} in {k}"
                );
                assert!(seen.insert(t.clone()), "{t} twice");
                for n in 2..=t.len() {
                    assert!(shards_for(&keys, &t[..n]).contains(&k), "{} → {k}", &t[..n]);
                }
            }
        }
        for w in words {
            assert!(seen.contains(w), "{w} indexed");
        }
    }

    #[test]
    fn postings_decode_to_documents_with_where_and_title_length() {
        let docs = vec![
            doc("Bộ Tư pháp", "Ministry of Justice"),
            doc("Sửa đổi Bộ luật Hình sự", "Bộ Tư pháp chủ trì"),
            doc("Other", "nothing"),
        ];
        let files = files(&docs, "vi", |k| k.to_string());
        let shard: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(
            &files
                .iter()
                .find(|(p, _)| p == "vi/search/t/bo.json")
                .unwrap()
                .1,
        )
        .unwrap();
        let mut doc = 0;
        let got: Vec<(u64, u64, u64)> = shard["bo"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let v = v.as_u64().unwrap();
                doc += v >> 6;
                (doc, (v >> 2) & 15, v & 3)
            })
            .collect();
        // Doc 0: in the title (3 terms); doc 1: title (6 terms) and text.
        assert_eq!(got, [(0, 3, 2), (1, 6, 3)]);
        let meta: serde_json::Value = serde_json::from_slice(
            &files
                .iter()
                .find(|(p, _)| p == "vi/search/d/0.json")
                .unwrap()
                .1,
        )
        .unwrap();
        assert_eq!(meta[0][1], "Bộ Tư pháp");
        assert_eq!(meta[1][2], "en/tasks/sua-doi-bo-luat-hinh-su/");
        assert_eq!(meta.as_array().unwrap().len(), 3);
    }

    #[test]
    fn neighbouring_words_are_indexed_as_pairs_with_where_they_occur() {
        let docs = vec![
            doc("Hình phạt tử hình", "Thu hẹp tử hình"),
            doc("Tự do", "tu nghiep hinh thuc"),
        ];
        let files = files(&docs, "vi", |k| k.to_string());
        let get = |path: &str| -> serde_json::Value {
            serde_json::from_slice(&files.iter().find(|(p, _)| p == path).unwrap().1).unwrap()
        };
        let manifest = get("vi/search/index.json");
        let keys: Vec<String> = serde_json::from_value(manifest["phrases"].clone()).unwrap();
        let pair =
            |p: &str| get(&format!("vi/search/p/{}.json", shards_for(&keys, p)[0]))[p].clone();
        // Doc 0 has "tử hình" in its title and text (3; 3 distinct title
        // words); doc 1 has "tu" and "hinh" apart, so no pair.
        assert_eq!(pair("tu_hinh"), serde_json::json!([(3 << 2) | 3]));
        assert_eq!(pair("hinh_phat"), serde_json::json!([(3 << 2) | 2]));
        assert_eq!(
            pair("tu_nghiep"),
            serde_json::json!([(1 << 6) | (2 << 2) | 1])
        );
        // Pairs are not words: a word query never sees them.
        let words: Vec<String> = serde_json::from_value(manifest["shards"].clone()).unwrap();
        for k in &words {
            let t = get(&format!("vi/search/t/{k}.json"));
            assert!(t.as_object().unwrap().keys().all(|w| !w.contains('_')));
        }
    }
}
