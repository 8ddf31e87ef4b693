//! Turning a located map node into typed fields, reporting every problem.
//!
//! One [`Fields`] wraps one record. Each getter consumes a field; `finish`
//! reports whatever was left as an unknown field, with the closest known name.

use crate::diag::{Diagnostics, Loc, closest};
use crate::model::{AgencyRef, Due, Provenance, Ref, Sic, Source, Text, Translation, When};
use crate::source::raw::{Key, Kind, Node};
use jiff::civil::Date;

/// A list item that is nothing: YAML reads `~`, `null` and a bare `-` as
/// no value, so `[NO, ~]` lost its second item without a word.
fn empty_item(diags: &mut Diagnostics, name: &str, loc: Loc) {
    diags
        .error(Some(loc), format!("an item of `{name}` is empty"))
        .hint("YAML reads `~`, `null` and an empty item as nothing: remove the item, or quote it (\"~\") if it is text");
}

pub(crate) struct Fields<'a> {
    pub loc: Loc,
    entries: Vec<(&'a Key, &'a Node)>,
    used: Vec<bool>,
    known: Vec<&'static str>,
    langs: &'a [String],
    pub diags: &'a mut Diagnostics,
}

impl<'a> Fields<'a> {
    /// `None` (after reporting) when the node is not a map.
    pub(crate) fn new(
        node: &'a Node,
        what: &str,
        langs: &'a [String],
        diags: &'a mut Diagnostics,
    ) -> Option<Self> {
        match &node.kind {
            Kind::Map(m) => Some(Fields {
                loc: node.loc,
                entries: m.iter().map(|(k, v)| (k, v)).collect(),
                used: vec![false; m.len()],
                known: Vec::new(),
                langs,
                diags,
            }),
            _ => {
                diags.error(
                    Some(node.loc),
                    format!(
                        "expected a {what} (a map of fields), found {}",
                        node.describe()
                    ),
                );
                None
            }
        }
    }

    fn take(&mut self, name: &'static str) -> Option<&'a Node> {
        self.known.push(name);
        let i = self.entries.iter().position(|(k, _)| k.name == name)?;
        self.used[i] = true;
        let node = self.entries[i].1;
        if matches!(node.kind, Kind::Null) {
            None
        } else {
            Some(node)
        }
    }

    fn missing(&mut self, name: &str) {
        self.diags
            .error(Some(self.loc), format!("missing required field `{name}`"));
    }

    fn scalar_of(&mut self, name: &str, node: &'a Node) -> Option<(&'a str, Loc)> {
        match &node.kind {
            Kind::Scalar { text, .. } => Some((text.as_str(), node.loc)),
            _ => {
                self.diags.error(
                    Some(node.loc),
                    format!(
                        "`{name}` should be a single value, found {}",
                        node.describe()
                    ),
                );
                None
            }
        }
    }

    pub(crate) fn string(&mut self, name: &'static str, required: bool) -> Option<String> {
        self.string_loc(name, required).map(|(s, _)| s)
    }

    pub(crate) fn string_loc(
        &mut self,
        name: &'static str,
        required: bool,
    ) -> Option<(String, Loc)> {
        match self.take(name) {
            Some(n) => self
                .scalar_of(name, n)
                .map(|(s, l)| (s.trim().to_string(), l))
                .filter(|(s, _)| !s.is_empty()),
            None => {
                if required {
                    self.missing(name);
                }
                None
            }
        }
    }

    pub(crate) fn id_ref(&mut self, name: &'static str, required: bool) -> Option<Ref> {
        self.string_loc(name, required)
            .map(|(id, loc)| Ref { id, loc })
    }

    /// A text: a plain value (same in every language), a map `{vi: .., en: ..}`,
    /// or (in CSV, or YAML) `name_vi` / `name_en` fields.
    pub(crate) fn text(&mut self, name: &'static str, required: bool) -> Option<Text> {
        let mut out = crate::model::LangMap::new();
        let whole = self.take(name);
        if let Some(n) = whole {
            match &n.kind {
                Kind::Scalar { text, .. } => {
                    out.insert(String::new(), text.clone());
                }
                Kind::Map(m) => {
                    for (k, v) in m {
                        if !self.langs.contains(&k.name) {
                            self.diags
                                .error(
                                    Some(k.loc),
                                    format!("`{}` is not a language of this site", k.name),
                                )
                                .width(k.name.chars().count())
                                .hint(format!(
                                    "the site's languages are: {}",
                                    self.langs.join(", ")
                                ));
                            continue;
                        }
                        match &v.kind {
                            Kind::Scalar { text, .. } => {
                                out.insert(k.name.clone(), text.clone());
                            }
                            Kind::Null => {}
                            _ => {
                                self.diags.error(
                                    Some(v.loc),
                                    format!(
                                        "`{name}.{}` should be text, found {}",
                                        k.name,
                                        v.describe()
                                    ),
                                );
                            }
                        }
                    }
                }
                _ => {
                    self.diags.error(
                        Some(n.loc),
                        format!(
                            "`{name}` should be text or a map of languages, found {}",
                            n.describe()
                        ),
                    );
                }
            }
        }
        let mut twice: Option<(Loc, Vec<&str>)> = None;
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if let Some(lang) = k.name.strip_prefix(name).and_then(|r| r.strip_prefix('_'))
                && self.langs.iter().any(|l| l == lang)
            {
                self.used[i] = true;
                if matches!(v.kind, Kind::Null) {
                    continue;
                }
                // Two forms of one text: whichever came last used to win.
                if whole.is_some() {
                    twice.get_or_insert((v.loc, Vec::new())).1.push(&k.name);
                    continue;
                }
                match &v.kind {
                    Kind::Scalar { text, .. } => {
                        out.insert(lang.to_string(), text.clone());
                    }
                    _ => {
                        self.diags.error(
                            Some(v.loc),
                            format!("`{}` should be text, found {}", k.name, v.describe()),
                        );
                    }
                }
            }
        }
        if let Some((loc, keys)) = twice {
            let keys = keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>();
            self.diags
                .error(
                    Some(loc),
                    format!("`{name}` is given twice: as `{name}` and as {}", keys.join(" and ")),
                )
                .hint(format!(
                    "keep one form: `{name}: {{ vi: ..., en: ... }}` (in CSV a `{name}` column for a text in no particular language), or `{name}_vi`/`{name}_en`"
                ));
        }
        if out.values().all(|s| s.trim().is_empty()) {
            if required {
                self.missing(name);
            }
            return None;
        }
        Some(Text(out))
    }

    /// A list: a YAML list, or a `;`-separated CSV cell (a single YAML value is a list of one).
    pub(crate) fn list(&mut self, name: &'static str) -> Vec<(String, Loc)> {
        let Some(n) = self.take(name) else {
            return Vec::new();
        };
        self.items(name, n)
    }

    fn items(&mut self, name: &str, n: &'a Node) -> Vec<(String, Loc)> {
        match &n.kind {
            Kind::Scalar { text, csv: true } => text
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| (s.to_string(), n.loc))
                .collect(),
            Kind::Scalar { text, csv: false } => vec![(text.trim().to_string(), n.loc)],
            Kind::Seq(items) => items
                .iter()
                .filter_map(|i| match &i.kind {
                    Kind::Scalar { text, .. } => Some((text.trim().to_string(), i.loc)),
                    Kind::Null => {
                        empty_item(self.diags, name, i.loc);
                        None
                    }
                    _ => {
                        self.diags.error(
                            Some(i.loc),
                            format!(
                                "items of `{name}` should be single values, found {}",
                                i.describe()
                            ),
                        );
                        None
                    }
                })
                .collect(),
            _ => {
                self.diags.error(
                    Some(n.loc),
                    format!("`{name}` should be a list, found {}", n.describe()),
                );
                Vec::new()
            }
        }
    }

    pub(crate) fn refs(&mut self, name: &'static str) -> Vec<Ref> {
        self.list(name)
            .into_iter()
            .map(|(id, loc)| Ref { id, loc })
            .collect()
    }

    /// Agency refs: `moj`, `moj (penal code)`, or in YAML `{agency: moj, note: {...}}`.
    pub(crate) fn agency_refs(&mut self, name: &'static str) -> Vec<AgencyRef> {
        let Some(n) = self.take(name) else {
            return Vec::new();
        };
        let nodes: Vec<&'a Node> = match &n.kind {
            Kind::Seq(items) => items.iter().collect(),
            _ => vec![n],
        };
        let mut out = Vec::new();
        for item in nodes {
            match &item.kind {
                Kind::Scalar { text, csv } => {
                    let parts: Vec<&str> = if *csv {
                        split_outside_parens(text)
                    } else {
                        vec![text.as_str()]
                    };
                    for p in parts {
                        if let Some(r) = parse_agency_ref(p, item.loc) {
                            out.push(r);
                        }
                    }
                }
                Kind::Map(_) => {
                    let langs = self.langs;
                    let Some(mut f) = Fields::new(item, "agency ref", langs, self.diags) else {
                        continue;
                    };
                    let agency = f.id_ref("agency", true);
                    let note = f.text("note", false);
                    f.finish();
                    if let Some(agency) = agency {
                        out.push(AgencyRef { agency, note });
                    }
                }
                Kind::Null => empty_item(self.diags, name, item.loc),
                Kind::Seq(_) => {
                    self.diags.error(
                        Some(item.loc),
                        format!("items of `{name}` should be agency ids, found a list"),
                    );
                }
            }
        }
        out
    }

    pub(crate) fn bool(&mut self, name: &'static str) -> Option<bool> {
        let n = self.take(name)?;
        let (s, loc) = self.scalar_of(name, n)?;
        match s.trim() {
            "true" => Some(true),
            "false" => Some(false),
            other => {
                self.diags.error(
                    Some(loc),
                    format!("`{name}` should be `true` or `false`, found `{other}`"),
                );
                None
            }
        }
    }

    pub(crate) fn date(&mut self, name: &'static str) -> Option<Date> {
        let (s, loc) = self.string_loc(name, false)?;
        match parse_date(&s) {
            Some(d) => Some(d),
            None => {
                self.diags
                    .error(Some(loc), format!("`{name}` is not a date: `{s}`"))
                    .width(s.chars().count())
                    .hint("write dates as YYYY-MM-DD, e.g. 2019-09-26");
                None
            }
        }
    }

    /// A date that may be partial: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub(crate) fn when(&mut self, name: &'static str, required: bool) -> Option<When> {
        let (s, loc) = self.string_loc(name, required)?;
        match parse_when(&s) {
            Some(start) => Some(When {
                label: s,
                start,
                loc,
            }),
            None => {
                self.diags
                    .error(Some(loc), format!("`{name}` is not a date: `{s}`"))
                    .width(s.chars().count())
                    .hint("write YYYY-MM-DD, or YYYY-MM or YYYY where the day is not known, e.g. 2021-03-29");
                None
            }
        }
    }

    /// A source: a document id, a URL (with `<name>_title` and
    /// `<name>_accessed` beside it, as CSV writes it), or a map
    /// `{ title, url, accessed }`. Title, URL and date read are all required
    /// for a web page, so that every claim can be found again.
    pub(crate) fn source(&mut self, name: &'static str, required: bool) -> Option<Source> {
        let title_key: &'static str = match name {
            "source" => "source_title",
            _ => "also_title",
        };
        let accessed_key: &'static str = match name {
            "source" => "source_accessed",
            _ => "also_accessed",
        };
        let Some(n) = self.take(name) else {
            if required {
                self.diags
                    .error(Some(self.loc), format!("missing required field `{name}`"))
                    .hint(format!("every claim says where it can be read: `{name}: <document id>` or `{name}: {{ title, url, accessed }}`"));
            }
            return None;
        };
        match &n.kind {
            Kind::Scalar { text, .. } => {
                let text = text.trim();
                let title = self.text(title_key, false);
                let accessed = self.date(accessed_key);
                if is_url_like(text) {
                    let url = self.url_checked(name, text, n.loc)?;
                    if title.is_none() {
                        self.diags
                            .error(Some(n.loc), format!("`{name}` is a URL but has no title"))
                            .hint(format!("add `{title_key}_vi` / `{title_key}_en` (or in YAML `{name}: {{ title, url, accessed }}`)"));
                    }
                    if accessed.is_none() {
                        self.diags
                            .error(
                                Some(n.loc),
                                format!("`{name}` is a URL but says not when it was read"),
                            )
                            .hint(format!(
                                "add `{accessed_key}: YYYY-MM-DD`, the day the page was read"
                            ));
                    }
                    Some(Source::Web {
                        title: title?,
                        url,
                        accessed: Some(accessed?),
                        loc: n.loc,
                    })
                } else {
                    if title.is_some() || accessed.is_some() {
                        self.diags
                            .error(Some(n.loc), format!("`{name}` is a document id, which has its own title and date"))
                            .hint(format!("leave out `{title_key}` and `{accessed_key}`, or give a URL in `{name}`"));
                    }
                    Some(Source::Document(Ref {
                        id: text.to_string(),
                        loc: n.loc,
                    }))
                }
            }
            Kind::Map(_) => self.source_map(name, n, true),
            _ => {
                self.diags
                    .error(
                        Some(n.loc),
                        format!(
                            "`{name}` should be a document id or {{ title, url, accessed }}, found {}",
                            n.describe()
                        ),
                    )
                    .hint("e.g. `source: cat-co1` or `source: { title: {en: ..., vi: ...}, url: https://..., accessed: 2026-11-20 }`");
                None
            }
        }
    }

    fn source_map(&mut self, name: &str, n: &'a Node, need_accessed: bool) -> Option<Source> {
        let langs = self.langs;
        let mut f = Fields::new(n, name, langs, self.diags)?;
        let title = f.text("title", true);
        let url = f.string_loc("url", true);
        let accessed = f.date("accessed");
        let missing_accessed = need_accessed && accessed.is_none() && !f.has("accessed");
        f.finish();
        let url = url.and_then(|(url, uloc)| self.url_checked(name, &url, uloc));
        if missing_accessed {
            self.diags
                .error(Some(n.loc), format!("`{name}` needs `accessed`"))
                .hint("add `accessed: YYYY-MM-DD`, the day the page was read");
            return None;
        }
        let url = url?;
        Some(Source::Web {
            title: title?,
            url,
            accessed,
            loc: n.loc,
        })
    }

    fn has(&self, name: &str) -> bool {
        // Only consulted after `take` of the same name: a present but
        // unparseable value has been reported already.
        self.entries.iter().any(|(k, _)| k.name == name)
    }

    /// A web address: http(s) only, reported otherwise (see `url_checked`).
    pub(crate) fn url(&mut self, name: &'static str) -> Option<String> {
        let (url, loc) = self.string_loc(name, false)?;
        self.url_checked(name, &url, loc)
    }

    /// Only http(s) addresses become links: anything else (`javascript:`, a
    /// relative path) would be a hole or a dead link on every page.
    fn url_checked(&mut self, name: &str, url: &str, loc: Loc) -> Option<String> {
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() > "https://".len()
            && !url.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Some(url.to_string())
        } else {
            self.diags
                .error(
                    Some(loc),
                    format!("`{name}` URL `{url}` is not an http(s) address"),
                )
                .width(url.chars().count())
                .hint("write the full address starting with https:// (no spaces)");
            None
        }
    }

    /// Further sources: a list of document ids, URLs or `{ title, url, accessed }`
    /// maps (in CSV, `;`-separated ids and URLs; a URL there is its own title).
    pub(crate) fn sources(&mut self, name: &'static str) -> Vec<Source> {
        let Some(n) = self.take(name) else {
            return Vec::new();
        };
        let nodes: Vec<&'a Node> = match &n.kind {
            Kind::Seq(items) => items.iter().collect(),
            _ => vec![n],
        };
        let mut out = Vec::new();
        for item in nodes {
            match &item.kind {
                Kind::Scalar { .. } => {
                    for (s, loc) in self.items(name, item) {
                        if is_url_like(&s) {
                            if let Some(url) = self.url_checked(name, &s, loc) {
                                out.push(Source::Web {
                                    title: Text::neutral(url.clone()),
                                    url,
                                    accessed: None,
                                    loc,
                                });
                            }
                        } else {
                            out.push(Source::Document(Ref { id: s, loc }));
                        }
                    }
                }
                Kind::Map(_) => {
                    if let Some(s) = self.source_map(name, item, false) {
                        out.push(s);
                    }
                }
                Kind::Null => {}
                Kind::Seq(_) => {
                    self.diags.error(
                        Some(item.loc),
                        format!("items of `{name}` should be document ids or {{ title, url }}, found a list"),
                    );
                }
            }
        }
        out
    }

    /// One of a fixed set of words.
    pub(crate) fn choice(
        &mut self,
        name: &'static str,
        allowed: &[&str],
        required: bool,
    ) -> Option<String> {
        let (s, loc) = self.string_loc(name, required)?;
        if allowed.contains(&s.as_str()) {
            Some(s)
        } else {
            let near = closest(&s, allowed.iter().copied());
            let d = self
                .diags
                .error(Some(loc), format!("`{name}` cannot be `{s}`"));
            d.width(s.chars().count());
            match near.first() {
                Some(n) => d.hint(format!(
                    "did you mean `{n}`? allowed: {}",
                    allowed.join(", ")
                )),
                None => d.hint(format!("allowed: {}", allowed.join(", "))),
            };
            None
        }
    }

    pub(crate) fn due(&mut self, name: &'static str) -> Vec<Due> {
        let mut out = Vec::new();
        for (s, loc) in self.list(name) {
            match parse_due(&s) {
                Some(date) => out.push(Due { date, label: s }),
                None => {
                    self.diags
                        .error(Some(loc), format!("`{name}` item `{s}` is not a year or a date"))
                        .width(s.chars().count())
                        .hint("write a year (2022) or a date (2022-06-30); keep the printed wording in `timeframe`");
                }
            }
        }
        out
    }

    pub(crate) fn number(&mut self, name: &'static str) -> Option<(f64, String)> {
        let (s, loc) = self.string_loc(name, false)?;
        match s.parse::<f64>() {
            Ok(v) if plausible(v) => Some((v, s)),
            Ok(v) if v.is_finite() => {
                self.diags
                    .error(Some(loc), format!("`{name}` `{s}` is too large"))
                    .width(s.chars().count())
                    .hint(TOO_LARGE_HINT);
                None
            }
            _ => {
                self.diags
                    .error(
                        Some(loc),
                        format!("`{name}` should be a number, found `{s}`"),
                    )
                    .width(s.chars().count());
                None
            }
        }
    }

    /// A nested map field, handed back as its own `Fields`.
    pub(crate) fn nested(&mut self, name: &'static str) -> Option<&'a Node> {
        self.take(name)
    }

    pub(crate) fn provenance(&mut self) -> Provenance {
        let langs = self.langs;
        let original = self.string_loc("original", false).and_then(|(s, loc)| {
            if langs.contains(&s) {
                Some(s)
            } else {
                self.diags
                    .error(
                        Some(loc),
                        format!("`original` is `{s}`, which is not a language of this site"),
                    )
                    .hint(format!("the site's languages are: {}", langs.join(", ")));
                None
            }
        });
        let translation = match self
            .choice("translation", &["official", "unofficial"], false)
            .as_deref()
        {
            Some("official") => Translation::Official,
            _ => Translation::Unofficial,
        };
        let via = self
            .string_loc("transcribed_from", false)
            .and_then(|(s, loc)| {
                let example = "`transcribed_from: en` with `original: vi` says the record was taken from an English translation, so its Vietnamese is a translation too".to_string();
                let problem = if !langs.contains(&s) {
                    Some((
                        format!("`transcribed_from` is `{s}`, which is not a language of this site"),
                        format!("the site's languages are: {}", langs.join(", ")),
                    ))
                } else if original.is_none() {
                    Some(("`transcribed_from` needs `original`: it says which translation the record was taken from when the authoritative text was not at hand".to_string(), example))
                } else if original.as_deref() == Some(s.as_str()) {
                    Some((format!("`transcribed_from` is `{s}`, the same as `original`"), example))
                } else {
                    None
                };
                match problem {
                    None => Some(s),
                    Some((msg, hint)) => {
                        self.diags
                            .error(Some(loc), msg)
                            .width(s.chars().count())
                            .hint(hint);
                        None
                    }
                }
            });
        Provenance {
            original,
            translation,
            via,
        }
    }

    /// `[sic]` notes: a list of `{ printed: .., reads: .. }` maps, or of
    /// `printed => reads` items (the form a CSV cell takes).
    pub(crate) fn sic(&mut self, name: &'static str) -> Vec<(Sic, Loc)> {
        let Some(n) = self.take(name) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let items: Vec<&'a Node> = match &n.kind {
            Kind::Seq(items) => items.iter().collect(),
            _ => vec![n],
        };
        for item in items {
            match &item.kind {
                Kind::Map(_) => {
                    let langs = self.langs;
                    let Some(mut f) = Fields::new(item, "`sic` note", langs, self.diags) else {
                        continue;
                    };
                    let printed = f.string("printed", true);
                    let reads = f.string("reads", true);
                    f.finish();
                    if let (Some(printed), Some(reads)) = (printed, reads) {
                        out.push((Sic { printed, reads }, item.loc));
                    }
                }
                Kind::Scalar { .. } => {
                    for (s, loc) in self.items(name, item) {
                        match s.split_once("=>") {
                            Some((p, r)) if !p.trim().is_empty() && !r.trim().is_empty() => out
                                .push((
                                    Sic {
                                        printed: p.trim().to_string(),
                                        reads: r.trim().to_string(),
                                    },
                                    loc,
                                )),
                            _ => {
                                self.diags
                                    .error(
                                        Some(loc),
                                        format!("`{name}` item `{s}` should be `printed => reads`"),
                                    )
                                    .hint("e.g. `định chỉ => đình chỉ`, or in YAML `{ printed: \"định chỉ\", reads: \"đình chỉ\" }`");
                            }
                        }
                    }
                }
                Kind::Null => {}
                Kind::Seq(_) => {
                    self.diags.error(
                        Some(item.loc),
                        format!(
                            "items of `{name}` should be `{{ printed, reads }}` maps, found a list"
                        ),
                    );
                }
            }
        }
        out
    }

    /// Reports every field no getter asked for.
    pub(crate) fn finish(self) {
        for (i, (k, _)) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            // `name_xx` where `name` is a known text field and xx is not a site language.
            let d = self
                .diags
                .error(Some(k.loc), format!("unknown field `{}`", k.name));
            d.width(k.name.chars().count());
            let near = closest(&k.name, self.known.iter().copied());
            match near.first() {
                Some(n) => d.hint(format!("did you mean `{n}`?")),
                None => {
                    let mut known = self.known.clone();
                    known.sort();
                    known.dedup();
                    d.hint(format!("known fields: {}", known.join(", ")))
                }
            };
        }
    }
}

/// Splits a CSV cell of agency refs on `;`, but not inside a note's parentheses.
fn split_outside_parens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ';' if depth <= 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// `moj` or `moj (penal code)`.
pub(crate) fn parse_agency_ref(s: &str, loc: Loc) -> Option<AgencyRef> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(open) = s.find('(')
        && s.ends_with(')')
    {
        let id = s[..open].trim().to_string();
        let note = s[open + 1..s.len() - 1].trim();
        let note = (!note.is_empty()).then(|| Text::neutral(note));
        return Some(AgencyRef {
            agency: Ref { id, loc },
            note,
        });
    }
    Some(AgencyRef {
        agency: Ref {
            id: s.to_string(),
            loc,
        },
        note: None,
    })
}

/// Numbers from data are below 10^15 in size: exact in a double, and far
/// from where chart arithmetic overflows (`1e308` drew `cy="NaN"`).
pub(crate) const MAX_NUMBER: f64 = 1e15;

pub(crate) const TOO_LARGE_HINT: &str = "numbers from data must be smaller than 10^15 (1,000,000,000,000,000); give very large counts in a larger unit and say so in the indicator's `unit`";

/// A finite number below [`MAX_NUMBER`] in size.
pub(crate) fn plausible(v: f64) -> bool {
    v.is_finite() && v.abs() < MAX_NUMBER
}

pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    s.parse::<Date>().ok()
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: the first day the text covers.
pub(crate) fn parse_when(s: &str) -> Option<Date> {
    let s = s.trim();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    match s.len() {
        4 if digits(s) => Date::new(s.parse().ok()?, 1, 1).ok(),
        7 if digits(&s[..4]) && &s[4..5] == "-" && digits(&s[5..]) => {
            Date::new(s[..4].parse().ok()?, s[5..].parse().ok()?, 1).ok()
        }
        10 => parse_date(s),
        _ => None,
    }
}

/// A UN follow-up grade as printed: A to E, optionally followed by `+`, `-`,
/// `1` or `2` (the Human Rights Committee has used B1/B2 and A+/C- style marks).
pub(crate) fn is_grade(g: &str) -> bool {
    let b = g.as_bytes();
    matches!(b.first(), Some(b'A'..=b'E'))
        && match b.len() {
            1 => true,
            2 => matches!(b[1], b'+' | b'-' | b'1' | b'2'),
            _ => false,
        }
}

fn is_url_like(s: &str) -> bool {
    s.contains("://") || s.starts_with("www.") || s.contains(':')
}

/// A year (31 December of it) or a full date.
pub(crate) fn parse_due(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y: i16 = s.parse().ok()?;
        return Date::new(y, 12, 31).ok();
    }
    parse_date(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::raw::parse_yaml;

    fn langs() -> Vec<String> {
        vec!["vi".into(), "en".into()]
    }

    #[test]
    fn agency_ref_with_note() {
        let r = parse_agency_ref("moj (penal code)", Loc::default()).unwrap();
        assert_eq!(r.agency.id, "moj");
        assert_eq!(r.note, Some(Text::neutral("penal code")));
        assert_eq!(
            split_outside_parens("moj (a; b); mps"),
            vec!["moj (a; b)", "mps"]
        );
    }

    #[test]
    fn partial_dates_and_grades() {
        assert_eq!(parse_when("2021").unwrap().to_string(), "2021-01-01");
        assert_eq!(parse_when("2021-03").unwrap().to_string(), "2021-03-01");
        assert_eq!(parse_when("2021-03-29").unwrap().to_string(), "2021-03-29");
        for bad in [
            "21",
            "2021-3",
            "2021-13",
            "2021/03/29",
            "2021-02-30",
            "abcd",
        ] {
            assert!(parse_when(bad).is_none(), "{bad}");
        }
        for g in ["A", "E", "B+", "C-", "B2"] {
            assert!(is_grade(g), "{g}");
        }
        for g in ["F", "e", "B3", "AA", ""] {
            assert!(!is_grade(g), "{g}");
        }
    }

    #[test]
    fn sources_from_yaml_and_csv_shapes() {
        let mut d = Diagnostics::default();
        let n = parse_yaml(
            "a: doc-1\nb: { title: { en: T }, url: \"https://x.org/p\", accessed: 2026-01-02 }\nc: javascript:alert(1)\nd: https://y.org\nd_title_en: Y\n",
            0,
            &mut d,
        )
        .unwrap();
        let langs = langs();
        let mut f = Fields::new(&n, "record", &langs, &mut d).unwrap();
        assert!(matches!(f.source("a", true), Some(Source::Document(r)) if r.id == "doc-1"));
        assert!(
            matches!(f.source("b", true), Some(Source::Web { url, accessed: Some(_), .. }) if url == "https://x.org/p")
        );
        assert!(f.source("c", true).is_none());
        f.finish();
        let out = format!("{d:?}");
        assert!(out.contains("not an http(s) address"), "{out}");
    }

    #[test]
    fn due_years_and_dates() {
        assert_eq!(parse_due("2022").unwrap().to_string(), "2022-12-31");
        assert_eq!(parse_due("2022-06-30").unwrap().to_string(), "2022-06-30");
        assert!(parse_due("soon").is_none());
        assert!(parse_due("2022-13-01").is_none());
    }

    #[test]
    fn unknown_field_gets_a_hint() {
        let mut d = Diagnostics::default();
        let n = parse_yaml("id: x\ntitel: y\n", 0, &mut d).unwrap();
        let langs = langs();
        let mut f = Fields::new(&n, "record", &langs, &mut d).unwrap();
        f.string("id", true);
        f.text("title", true);
        f.finish();
        let out = format!("{:?}", d);
        assert!(out.contains("unknown field `titel`"), "{out}");
        assert!(out.contains("did you mean `title`?"), "{out}");
        assert!(out.contains("missing required field `title`"), "{out}");
    }

    /// Regression (issue 16.12): `name` and `name_en` both given, the last won.
    #[test]
    fn a_text_given_twice_is_an_error() {
        for src in [
            "name: A\nname_en: B\n",
            "name: { vi: A, en: B }\nname_en: C\n",
            "name_vi: A\nname: { vi: B }\n",
        ] {
            let mut d = Diagnostics::default();
            let n = parse_yaml(src, 0, &mut d).unwrap();
            let langs = langs();
            let mut f = Fields::new(&n, "record", &langs, &mut d).unwrap();
            f.text("name", true);
            f.finish();
            let out = format!("{d:?}");
            assert!(out.contains("`name` is given twice"), "{src}: {out}");
            assert_eq!(d.errors(), 1, "{src}: {out}");
        }
    }

    /// Regression (issue 16.4): `[NO, ~]` lost its second item silently.
    #[test]
    fn an_empty_list_item_is_an_error() {
        let mut d = Diagnostics::default();
        let n = parse_yaml("states: [NO, ~, null]\n", 0, &mut d).unwrap();
        let langs = langs();
        let mut f = Fields::new(&n, "record", &langs, &mut d).unwrap();
        let items = f.list("states");
        f.finish();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].0, "NO");
        assert_eq!(d.errors(), 2, "{d:?}");
    }

    #[test]
    fn sic_notes_as_maps_or_arrows() {
        let mut d = Diagnostics::default();
        let n = parse_yaml(
            "sic:\n  - { printed: định chỉ, reads: đình chỉ }\n  - \"Thông kê => Thống kê\"\n",
            0,
            &mut d,
        )
        .unwrap();
        let langs = langs();
        let mut f = Fields::new(&n, "record", &langs, &mut d).unwrap();
        let notes: Vec<Sic> = f.sic("sic").into_iter().map(|(s, _)| s).collect();
        f.finish();
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(
            notes,
            [
                Sic {
                    printed: "định chỉ".into(),
                    reads: "đình chỉ".into()
                },
                Sic {
                    printed: "Thông kê".into(),
                    reads: "Thống kê".into()
                },
            ]
        );
    }

    #[test]
    fn text_from_suffixed_columns() {
        let mut d = Diagnostics::default();
        let n = parse_yaml(
            "name_vi: Bộ Tư pháp\nname_en: Ministry of Justice\n",
            0,
            &mut d,
        )
        .unwrap();
        let langs = langs();
        let mut f = Fields::new(&n, "record", &langs, &mut d).unwrap();
        let t = f.text("name", true).unwrap();
        f.finish();
        assert!(!d.has_errors());
        assert_eq!(t.exact("vi"), Some("Bộ Tư pháp"));
    }
}
