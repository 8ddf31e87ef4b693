//! Record views: every record as the templates see it, built once per
//! language and shared by the pages that show it, and the small helpers
//! pages, feeds and indicators build their contexts with. Nothing here
//! renders or writes; [`super::render`] does.

use crate::check::index::Index;
use crate::model::*;
use crate::present::filters;
use crate::source::markdown;
use crate::source::theme::{self, Strings};
use minijinja::Value;
use rayon::prelude::*;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A map value for templates.
pub(crate) fn obj<const N: usize>(pairs: [(&'static str, Value); N]) -> Value {
    let mut fields = pairs.to_vec();
    fields.sort_by_key(|(k, _)| *k);
    Value::from_object(Pairs::new(fields))
}

/// A key's first seven bytes and its length in one word: two keys of up to
/// seven bytes are equal exactly when their tags are, and longer keys that
/// differ mostly differ here already. Record views are read a few fields at
/// a time on every page; comparing whole keys (a `memcmp` call for every
/// key of the same length and first byte) was a tenth of the build's CPU.
pub(crate) fn tag(key: &str) -> u64 {
    let b = key.as_bytes();
    let mut t = [0u8; 8];
    let n = b.len().min(7);
    t[..n].copy_from_slice(&b[..n]);
    t[7] = b.len().min(255) as u8;
    u64::from_le_bytes(t)
}

/// Where `key` is among keys with these [`tag`]s: `key_at(i)` gives the
/// key itself, compared only for keys longer than seven bytes.
pub(crate) fn find_tagged<'k>(
    tags: &[u64],
    key: &str,
    key_at: impl Fn(usize) -> &'k str,
) -> Option<usize> {
    let t = tag(key);
    let long = key.len() > 7;
    tags.iter()
        .enumerate()
        .find(|&(i, &x)| x == t && (!long || key_at(i) == key))
        .map(|(i, _)| i)
}

/// A record view's fields. Templates read a few fields of many small maps
/// on every page; a short list of static keys scanned in place (by their
/// [`tag`]s, side by side) is faster than a map of `Value` keys. Kept in
/// key order, so iterating a view reads as a sorted map does.
#[derive(Debug)]
struct Pairs {
    tags: Box<[u64]>,
    fields: Vec<(&'static str, Value)>,
    /// Its [`hash_value`], made the first time a page's context is hashed.
    digest: std::sync::OnceLock<u64>,
}

impl Pairs {
    fn new(fields: Vec<(&'static str, Value)>) -> Pairs {
        Pairs {
            tags: fields.iter().map(|(k, _)| tag(k)).collect(),
            fields,
            digest: std::sync::OnceLock::new(),
        }
    }

    fn digest(&self) -> u64 {
        *self.digest.get_or_init(|| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for (k, v) in &self.fields {
                k.hash(&mut h);
                hash_value(v, &mut h);
            }
            h.finish()
        })
    }
}

impl minijinja::value::Object for Pairs {
    fn get_value(self: &std::sync::Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &std::sync::Arc<Self>, key: &str) -> Option<Value> {
        find_tagged(&self.tags, key, |i| self.fields[i].0).map(|i| self.fields[i].1.clone())
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Values(
            self.fields.iter().map(|(k, _)| Value::from(*k)).collect(),
        )
    }

    fn enumerator_len(self: &std::sync::Arc<Self>) -> Option<usize> {
        Some(self.fields.len())
    }
}

pub(crate) fn list(v: Vec<Value>) -> Value {
    Value::from(v)
}

pub(crate) fn opt<T: Into<Value>>(v: Option<T>) -> Value {
    v.map(Into::into).unwrap_or(Value::from(()))
}

/// A page's context, built only when the page is rendered, so a build
/// never holds every page's context at once.
pub(crate) type Make<'a> = Box<dyn Fn() -> Value + Send + Sync + 'a>;

/// A page to render: where it goes, with which template and context.
pub(crate) struct Job<'a> {
    pub(crate) path: String,
    pub(crate) template: &'static str,
    pub(crate) lang: &'a str,
    pub(crate) make: Make<'a>,
}

pub(crate) struct Ctx<'a> {
    pub(crate) lang: &'a str,
    pub(crate) langs: &'a [String],
    pub(crate) idx: &'a Index<'a>,
    /// The theme's interface strings, for text built outside templates
    /// (charts, summaries, labels), looked up as the templates' `tr` does.
    pub(crate) strings: &'a Strings,
}

impl<'a> Ctx<'a> {
    /// An interface string in this language, else in English, by the rule
    /// of every lookup (`source::theme::string`); `None` where no language
    /// has it.
    pub(crate) fn string(&self, key: &str) -> Option<&'a str> {
        theme::string(self.strings, self.lang, key)
    }
    /// An interface string, as the templates' `tr` gives it. Every key asked
    /// here is written in lotrinh's code and held by the built-in en.yaml,
    /// which a theme can add to or override but never take a key from
    /// (`tests::every_key_the_code_asks_for_is_in_the_built_in_theme`); so
    /// the key itself, shown where no language has it, only ever shows a
    /// bug of lotrinh's, where a template's unknown key stops the build
    /// with its file and line.
    pub(crate) fn tr(&self, key: &str) -> String {
        self.string(key).unwrap_or(key).to_string()
    }
    /// How this language writes numbers for readers; a theme without the
    /// marks gets the plain form rather than a key name in every figure.
    pub(crate) fn num(&self) -> crate::present::charts::NumFmt<'a> {
        let mark =
            |key: &str, plain: &'static str| -> &'a str { self.string(key).unwrap_or(plain) };
        crate::present::charts::NumFmt {
            decimal: mark("number.decimal", "."),
            group: mark("number.group", ""),
        }
    }
    /// An interface string with `{name}` placeholders filled in.
    pub(crate) fn trf(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut s = self.tr(key);
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }
    /// A text in this language: its HTML, its language, whether it fell back.
    pub(crate) fn txt(&self, t: &Text) -> Value {
        match t.get(self.lang, self.langs) {
            None => Value::from(()),
            Some((s, l)) => {
                let shown = l.unwrap_or(self.lang);
                let fallback = l.is_some_and(|l| l != self.lang);
                let html = markdown::inline(s);
                // What `txt` shows: the markup itself in the page's language,
                // else marked with its own language, and noted as not yet
                // translated when it fell back.
                let ready = if shown.is_empty() || shown == self.lang {
                    html
                } else {
                    let mut out =
                        format!("<span lang=\"{}\">{html}</span>", markdown::escape(shown));
                    if fallback {
                        let note = self.tr("fallback.note");
                        out.push_str(&format!(
                            " <small class=\"fallback\">({})</small>",
                            markdown::escape(&note)
                        ));
                    }
                    out
                };
                obj([
                    ("text", Value::from(s)),
                    ("shown", Value::from_safe_string(ready)),
                    ("lang", Value::from(shown)),
                    ("fallback", Value::from(fallback)),
                ])
            }
        }
    }
    /// An agency view with the note a plan or record attaches to it.
    pub(crate) fn with_note(&self, agency: &Value, note: Option<&Text>) -> Value {
        obj([
            ("agency", agency.clone()),
            ("note", note.map(|n| self.txt(n)).unwrap_or(Value::from(()))),
        ])
    }
    /// Agency refs as views with their notes; dangling refs (already reported) are skipped.
    pub(crate) fn agency_refs(
        &self,
        agencies: &IxVec<Agency, Value>,
        refs: &[AgencyRef],
    ) -> Vec<Value> {
        refs.iter()
            .filter_map(|r| {
                self.idx
                    .agency
                    .get(r.agency.id.as_str())
                    .map(|&a| self.with_note(&agencies[a], r.note.as_ref()))
            })
            .collect()
    }
    pub(crate) fn otxt(&self, t: &Option<Text>) -> Value {
        t.as_ref().map(|t| self.txt(t)).unwrap_or(Value::from(()))
    }
    /// The address of a record's page in this language.
    pub(crate) fn page(&self, collection: Collection, id: &str) -> String {
        collection.page(self.lang, id)
    }
    /// Whether the text shown in this language is a translation, and the
    /// notice that says so: an unofficial translation of the original; or,
    /// in the original's own language, our translation of the translation
    /// the record was transcribed from (`transcribed_from`), which is not
    /// the official text either.
    pub(crate) fn translated(&self, p: &Provenance, texts: &[&Text]) -> Value {
        self.translated_as(p, texts, "notice")
    }
    /// [`Ctx::translated`] with the notices `{prefix}.unofficial_of` and
    /// `{prefix}.via`, e.g. for a plan page speaking of its tasks.
    pub(crate) fn translated_as(&self, p: &Provenance, texts: &[&Text], prefix: &str) -> Value {
        let Some(orig) = &p.original else {
            return Value::from(());
        };
        let via = p.via.as_deref().filter(|v| *v != self.lang);
        let relayed = orig == self.lang && via.is_some();
        if !relayed && (orig == self.lang || p.translation == Translation::Official) {
            return Value::from(());
        }
        if !texts
            .iter()
            .any(|t| t.exact(self.lang).is_some() && !t.0.contains_key(""))
        {
            return Value::from(());
        }
        let notice = match via {
            Some(v) if relayed => self.trf(&format!("{prefix}.via"), &[("via", self.lang_name(v))]),
            _ => self.trf(
                &format!("{prefix}.unofficial_of"),
                &[("original", self.lang_name(orig))],
            ),
        };
        obj([
            ("original", Value::from(orig.as_str())),
            ("official", Value::from(false)),
            ("via", Value::from(p.via.as_deref())),
            ("notice", Value::from(notice)),
        ])
    }
    /// A language's name in this page's language (`lang.vi` = "tiếng Việt"
    /// on a Vietnamese page), or its code where the theme has no name for it.
    fn lang_name(&self, code: &str) -> String {
        let key = format!("lang.{code}");
        self.string(&key).unwrap_or(code).to_string()
    }
}

/// Record views for one language, each built once and shared by every page.
pub(crate) struct Views {
    /// Progress records, in `Data::progress` order (oldest first).
    pub(crate) progress: IxVec<Progress, Value>,
    pub(crate) mechanisms: IxVec<Mechanism, Value>,
    pub(crate) documents: IxVec<Document, Value>,
    pub(crate) agencies: IxVec<Agency, Value>,
    pub(crate) themes: IxVec<Theme, Value>,
    pub(crate) recs: IxVec<Recommendation, Value>,
    pub(crate) plans: IxVec<Plan, Value>,
    pub(crate) tasks: IxVec<Task, Value>,
    pub(crate) indicators: IxVec<Indicator, Value>,
    pub(crate) facets: Arc<FacetValues>,
    /// Parts every page of a paged list shows alike, made once.
    pub(crate) shared: Shared,
}

/// Parts of list pages that do not depend on the page: the filter forms,
/// the slice links and the coverage table. Each scans a whole list, so
/// making them again for every page of a paged list made rendering grow
/// with the square of the data (100,000 records: 427 CPU s).
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) task_form: std::sync::OnceLock<Value>,
    pub(crate) rec_form: std::sync::OnceLock<Value>,
    pub(crate) slices: std::sync::OnceLock<Value>,
    pub(crate) coverage: std::sync::OnceLock<Value>,
}

/// The filter values of every task and recommendation: the same in every
/// language, so made once, with each row's template value.
pub(crate) struct FacetValues {
    pub(crate) rows: filters::Facets,
    recs: IxVec<Recommendation, Value>,
    tasks: IxVec<Task, Value>,
}

impl FacetValues {
    pub(crate) fn build(idx: &Index<'_>) -> FacetValues {
        let rows = filters::Facets::build(idx);
        let value = |row: &filters::Row| {
            Value::from_object(Pairs::new(
                row.iter()
                    .map(|(k, v)| (*k, Value::from(v.as_str())))
                    .collect(),
            ))
        };
        FacetValues {
            recs: IxVec::from_vec(rows.recs.as_slice().par_iter().map(value).collect()),
            tasks: IxVec::from_vec(rows.tasks.as_slice().par_iter().map(value).collect()),
            rows,
        }
    }
}

pub(crate) fn views(c: &Ctx<'_>, facets: &Arc<FacetValues>) -> Views {
    let d = c.idx.data;
    let facets = facets.clone();
    let mechanisms = d
        .mechanisms
        .iter()
        .map(|m| {
            obj([
                ("id", Value::from(m.id.id.as_str())),
                (
                    "path",
                    Value::from(c.page(Collection::Mechanisms, &m.id.id)),
                ),
                ("name", c.txt(&m.name)),
            ])
        })
        .collect();
    let documents: IxVec<Document, Value> = d
        .documents
        .iter()
        .map(|x| {
            obj([
                ("id", Value::from(x.id.id.as_str())),
                ("path", Value::from(c.page(Collection::Documents, &x.id.id))),
                ("title", c.txt(&x.title)),
                ("symbol", opt(x.symbol.as_deref())),
                ("date", opt(x.date.map(|d| d.to_string()))),
                ("url", opt(link(x.url.as_deref()))),
                ("kind", Value::from(x.kind.as_str())),
            ])
        })
        .collect();
    // An ended agency names its successors wherever it is shown, so a
    // reader of a task it coordinated learns who took its part: their
    // names and addresses, made first.
    let named: IxVec<Agency, Value> = d
        .agencies
        .iter()
        .map(|a| {
            obj([
                ("path", Value::from(c.page(Collection::Agencies, &a.id.id))),
                ("name", c.txt(&a.name)),
            ])
        })
        .collect();
    let agencies = d
        .agencies
        .iter()
        .map(|a| {
            let ended = c.idx.agency_ended(a);
            let successors: Vec<Value> = match ended {
                Some(_) => a
                    .successors
                    .iter()
                    .filter_map(|s| c.idx.agency.get(s.agency.id.as_str()))
                    .map(|&j| named[j].clone())
                    .collect(),
                None => Vec::new(),
            };
            obj([
                ("id", Value::from(a.id.id.as_str())),
                ("path", Value::from(c.page(Collection::Agencies, &a.id.id))),
                ("name", c.txt(&a.name)),
                ("short", c.otxt(&a.short)),
                ("ended", opt(ended.map(|e| e.to_string()))),
                ("successors", list(successors)),
                ("kind", opt(a.kind.as_deref())),
            ])
        })
        .collect();
    let themes: IxVec<Theme, Value> = d
        .themes
        .iter()
        .map(|t| {
            obj([
                ("id", Value::from(t.id.id.as_str())),
                ("path", Value::from(c.page(Collection::Themes, &t.id.id))),
                ("name", c.txt(&t.name)),
            ])
        })
        .collect();
    let mech_short: IxVec<Mechanism, Value> = d.mechanisms.iter().map(|m| c.txt(&m.name)).collect();
    let words = crate::present::labels::LabelWords::new(|k| c.tr(k));
    // Recommendations and tasks are most of the records: made in parallel.
    let recs = d
        .recommendations
        .par_iter()
        .enumerate()
        .map(|(ri, r)| {
            // rayon's `enumerate` counts positions in the collection.
            let ri = Ix::new(ri);
            let doc = c
                .idx
                .document
                .get(r.document.id.as_str())
                .map(|&i| &d.documents[i]);
            let mech = c.idx.mechanism.get(r.mechanism.id.as_str()).copied();
            obj([
                ("id", Value::from(r.id.id.as_str())),
                (
                    "path",
                    Value::from(c.page(Collection::Recommendations, &r.id.id)),
                ),
                (
                    "label",
                    Value::from(crate::present::labels::recommendation(
                        c.idx, ri, c.lang, c.langs, &words,
                    )),
                ),
                ("mechanism", opt(mech.map(|m| mech_short[m].clone()))),
                ("mechanism_id", Value::from(r.mechanism.id.as_str())),
                ("symbol", opt(doc.and_then(|x| x.symbol.as_deref()))),
                ("paragraph", opt(r.paragraph.as_deref())),
                ("heading", c.otxt(&r.heading)),
                ("text", c.txt(&r.text)),
                ("follow_up", Value::from(r.follow_up)),
                ("facets", facets.recs[ri].clone()),
                ("response", opt(r.response.as_deref())),
                ("tasks", Value::from(c.idx.rec_tasks[ri].len())),
                (
                    "themes",
                    list(
                        r.themes
                            .iter()
                            .filter_map(|t| {
                                c.idx.theme.get(t.id.as_str()).map(|&i| themes[i].clone())
                            })
                            .collect(),
                    ),
                ),
            ])
        })
        .collect::<Vec<_>>();
    let recs = IxVec::from_vec(recs);
    let plans: IxVec<Plan, Value> = d
        .plans
        .iter()
        .map(|p| {
            let doc = c
                .idx
                .document
                .get(p.document.id.as_str())
                .map(|&i| &d.documents[i]);
            obj([
                ("id", Value::from(p.id.id.as_str())),
                ("path", Value::from(c.page(Collection::Plans, &p.id.id))),
                ("title", c.txt(&p.title)),
                ("symbol", opt(doc.and_then(|x| x.symbol.as_deref()))),
                ("adopted", opt(p.adopted.map(|x| x.to_string()))),
            ])
        })
        .collect();
    let progress = progress_views(c, &documents);
    let agencies_ref: &IxVec<Agency, Value> = &agencies;
    let tasks = d
        .tasks
        .par_iter()
        .enumerate()
        .map(|(i, t)| {
            // As for recommendations: a position in `d.tasks`.
            let i = Ix::new(i);
            let plan = c
                .idx
                .plan
                .get(t.plan.id.as_str())
                .map(|&p| plans[p].clone());
            obj([
                ("id", Value::from(t.id.id.as_str())),
                ("path", Value::from(c.page(Collection::Tasks, &t.id.id))),
                ("ref", Value::from(t.ref_.as_str())),
                (
                    "label",
                    Value::from(crate::present::labels::task_ref(c.idx, i, c.lang, c.langs)),
                ),
                ("heading", Value::from(t.heading)),
                ("depth", Value::from(c.idx.task_path[i].len())),
                ("text", c.txt(&t.text)),
                ("lead", list(c.agency_refs(agencies_ref, &t.lead))),
                ("timeframe", c.otxt(&t.timeframe)),
                (
                    "due",
                    list(
                        t.due
                            .iter()
                            .map(|x| Value::from(x.label.as_str()))
                            .collect(),
                    ),
                ),
                (
                    "last_due",
                    opt(c.idx.task_last_due[i].map(|x| x.to_string())),
                ),
                ("deadline", Value::from(c.idx.state(i).as_str())),
                ("overdue", Value::from(c.idx.task_state[i].overdue)),
                (
                    "latest",
                    opt(c.idx.task_state[i].latest.map(|p| progress[p].clone())),
                ),
                (
                    "disagree",
                    opt(c.idx.task_state[i].disagreement(d).map(|(o, u)| {
                        obj([
                            ("official", progress[o].clone()),
                            ("independent", progress[u].clone()),
                        ])
                    })),
                ),
                ("status", Value::from(t.status.as_str())),
                ("facets", facets.tasks[i].clone()),
                ("recurring", Value::from(t.recurring == Recurring::Annual)),
                ("plan", opt(plan)),
                ("lead_ended", Value::from(c.idx.task_lead_ended[i])),
                (
                    "current",
                    list(
                        c.idx.task_current[i]
                            .iter()
                            .map(|(a, n)| c.with_note(&agencies_ref[*a], *n))
                            .collect(),
                    ),
                ),
            ])
        })
        .collect::<Vec<_>>();
    let tasks = IxVec::from_vec(tasks);
    let indicators = d
        .indicators
        .iter()
        .map(|x| {
            obj([
                ("id", Value::from(x.id.id.as_str())),
                (
                    "path",
                    Value::from(c.page(Collection::Indicators, &x.id.id)),
                ),
                ("title", c.txt(&x.title)),
                ("unit", c.otxt(&x.unit)),
                ("rated", Value::from(!x.scale.is_empty())),
            ])
        })
        .collect();
    Views {
        progress,
        mechanisms,
        documents,
        agencies,
        themes,
        recs,
        plans,
        tasks,
        indicators,
        facets,
        shared: Shared::default(),
    }
}

/// A source of a progress claim: a document of the site (its page and its
/// official link) or a web page (title, link, the day it was read).
fn source_view(c: &Ctx<'_>, documents: &IxVec<Document, Value>, s: &Source) -> Value {
    match s {
        Source::Document(r) => {
            let i = c.idx.document.get(r.id.as_str()).copied();
            let doc = i.map(|i| &c.idx.data.documents[i]);
            obj([
                ("document", opt(i.map(|i| documents[i].clone()))),
                ("title", opt(doc.map(|x| c.txt(&x.title)))),
                ("symbol", opt(doc.and_then(|x| x.symbol.as_deref()))),
                ("url", opt(doc.and_then(|x| link(x.url.as_deref())))),
            ])
        }
        Source::Web {
            title,
            url,
            accessed,
            ..
        } => obj([
            ("title", c.txt(title)),
            ("url", opt(link(Some(url.as_str())))),
            ("accessed", opt(accessed.map(|a| a.to_string()))),
        ]),
    }
}

/// One view per progress record: what is claimed, by whom, when, and where
/// it can be read.
fn progress_views(c: &Ctx<'_>, documents: &IxVec<Document, Value>) -> IxVec<Progress, Value> {
    let d = c.idx.data;
    d.progress
        .iter()
        .map(|p| {
            let tasks: Vec<Ix<Task>> = p
                .tasks
                .iter()
                .filter_map(|t| c.idx.task.get(t.id.as_str()).copied())
                .collect();
            obj([
                ("id", Value::from(p.id.id.as_str())),
                ("date", Value::from(p.date.label.as_str())),
                ("status", opt(p.status.map(|s| s.as_str()))),
                ("by", Value::from(p.by.as_str())),
                ("by_name", c.otxt(&p.by_name)),
                ("text", c.txt(&p.text)),
                ("source", source_view(c, documents, &p.source)),
                (
                    "also",
                    list(
                        p.also
                            .iter()
                            .map(|s| source_view(c, documents, s))
                            .collect(),
                    ),
                ),
                ("grade", opt(p.grade.as_deref())),
                ("confidence", opt(p.confidence.map(|x| x.as_str()))),
                ("note", c.otxt(&p.note)),
                (
                    "tasks",
                    list(
                        tasks
                            .iter()
                            .map(|&t| {
                                obj([
                                    ("id", Value::from(d.tasks[t].id.id.as_str())),
                                    ("ref", Value::from(d.tasks[t].ref_.as_str())),
                                    (
                                        "path",
                                        Value::from(c.page(Collection::Tasks, &d.tasks[t].id.id)),
                                    ),
                                ])
                            })
                            .collect(),
                    ),
                ),
                (
                    "recommendations",
                    list(
                        p.recommendations
                            .iter()
                            .filter(|r| c.idx.rec.contains_key(r.id.as_str()))
                            .map(|r| {
                                obj([
                                    ("id", Value::from(r.id.as_str())),
                                    (
                                        "path",
                                        Value::from(c.page(Collection::Recommendations, &r.id)),
                                    ),
                                ])
                            })
                            .collect(),
                    ),
                ),
                ("translated", c.translated(&p.prov, &[&p.text])),
            ])
        })
        .collect()
}

/// Only web and mail links from data become hrefs; `javascript:` and the
/// like are dropped.
pub(crate) fn link(u: Option<&str>) -> Option<&str> {
    u.filter(|u| {
        let l = u.trim().to_ascii_lowercase();
        l.starts_with("https://") || l.starts_with("http://") || l.starts_with("mailto:")
    })
}

/// The templates' `link(name)` and `link(name, id)`: the address of a page
/// of this language, relative to the site's root (the `url` filter puts
/// the way back to the root before it). `name` is a collection's section
/// (`link('tasks')` its list, `link('mechanisms', id)` a record's page, by
/// [`Collection::list`] and [`Collection::page`]) or another page of
/// [`crate::model::address`]: `home`, `search`, `search_index`, `data`,
/// `deadlines` (with a year: that year's page), `calendar`, `updates`,
/// `updates_feed`. Any other name is a template error that names it.
pub(crate) fn page_link(
    lang: &str,
    name: &str,
    id: Option<&Value>,
) -> Result<String, minijinja::Error> {
    use crate::model::address;
    let id = id.map(Value::to_string);
    if let Some(c) = Collection::ALL
        .into_iter()
        .find(|c| c.section() == Some(name))
    {
        return Ok(match id {
            Some(id) => c.page(lang, &id),
            None => c.list(lang),
        });
    }
    Ok(match (name, id) {
        ("home", None) => address::home(lang),
        ("search", None) => address::search(lang),
        ("search_index", None) => address::search_index(lang),
        ("data", None) => address::data(lang),
        ("deadlines", None) => address::deadlines(lang),
        ("deadlines", Some(year)) => address::deadline_year(lang, year),
        ("calendar", None) => address::calendar(lang),
        ("updates", None) => address::updates(lang),
        ("updates_feed", None) => address::updates_feed(lang),
        (_, id) => {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!(
                    "link: no page `{name}`{}: a collection's section (tasks, agencies, …) or home, search, search_index, data, deadlines, calendar, updates, updates_feed",
                    id.map(|i| format!(" with an id ({i})")).unwrap_or_default()
                ),
            ));
        }
    })
}

/// `link` bound to one language, put in each page's context as `tr` is.
pub(crate) fn link_for(lang: &str) -> Value {
    let lang = lang.to_string();
    Value::from_function(move |name: &str, id: Option<Value>| page_link(&lang, name, id.as_ref()))
}

/// Every view of a collection, in collection order, as one template list.
impl<T> From<IxVec<T, Value>> for Value {
    fn from(views: IxVec<T, Value>) -> Value {
        list(views.into_iter().collect())
    }
}

/// The views of the records `ixs` links to, in that order.
pub(crate) fn pick<T>(v: &IxVec<T, Value>, ixs: &[Ix<T>]) -> Value {
    list(ixs.iter().map(|&i| v[i].clone()).collect())
}

/// Feeds everything a template can see of `v` to `h`: kinds, numbers as
/// shown, whether a string is already safe HTML, map keys and values.
/// (minijinja's own `Hash` treats `true` as `1` and ignores safety.)
pub(crate) fn hash_value(v: &Value, h: &mut impl Hasher) {
    use minijinja::value::ValueKind;
    let kind = v.kind();
    std::mem::discriminant(&kind).hash(h);
    match kind {
        ValueKind::Undefined | ValueKind::None => {}
        ValueKind::Bool => v.is_true().hash(h),
        ValueKind::String => {
            v.is_safe().hash(h);
            v.as_str().hash(h);
        }
        ValueKind::Bytes => v.as_bytes().hash(h),
        ValueKind::Map => {
            // A record view is shown on many pages (every page of a list
            // holds the whole list for its filters): hashed once per build,
            // not once per page, which at 10,000 records made serve's
            // rebuild three times slower than rendering every page.
            if let Some(p) = v.downcast_object_ref::<Pairs>() {
                p.digest().hash(h);
                return;
            }
            if let Ok(keys) = v.try_iter() {
                for k in keys {
                    hash_value(&k, h);
                    hash_value(&v.get_item(&k).unwrap_or_default(), h);
                }
            }
            0xfeu8.hash(h);
        }
        ValueKind::Seq | ValueKind::Iterable => {
            if let Ok(items) = v.try_iter() {
                for item in items {
                    hash_value(&item, h);
                }
            }
            // The end of a list, so [[a], b] and [[a, b]] differ.
            0xffu8.hash(h);
        }
        _ => v.to_string().hash(h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::address;

    #[test]
    fn a_view_finds_every_key_and_no_other() {
        let keys = [
            "a",
            "id",
            "path",
            "plan",
            "label",
            "lang",
            "langs",
            "deadline",
            "deadlines",
            "mechanism",
            "mechanism_id",
            "mechanisms",
            "due",
            "duE",
        ];
        let v = Value::from_object(Pairs::new(
            keys.iter().map(|k| (*k, Value::from(*k))).collect(),
        ));
        for k in keys {
            assert_eq!(v.get_attr(k).unwrap().as_str(), Some(k));
        }
        for k in [
            "",
            "b",
            "pat",
            "paths",
            "deadlinez",
            "mechanism_i",
            "mechanismz",
            "DUE",
        ] {
            assert!(v.get_attr(k).unwrap().is_undefined(), "{k}");
        }
    }

    /// The templates' `link` gives the addresses the pages are written at:
    /// a list and a record's page by `Collection`, the others by
    /// `model::address`; a name it does not know is an error naming it.
    #[test]
    fn links_in_templates_are_the_addresses_of_the_pages() {
        let link = |name: &str, id: Option<Value>| page_link("vi", name, id.as_ref());
        for c in Collection::ALL {
            let Some(section) = c.section() else {
                assert!(link(c.name(), None).is_err(), "{c}: no pages");
                continue;
            };
            assert_eq!(link(section, None).unwrap(), c.list("vi"));
            assert_eq!(
                link(section, Some(Value::from("x-1"))).unwrap(),
                c.page("vi", "x-1")
            );
        }
        assert_eq!(link("home", None).unwrap(), "vi/");
        assert_eq!(
            link("deadlines", Some(Value::from(2027))).unwrap(),
            address::deadline_year("vi", 2027)
        );
        assert_eq!(
            link("search_index", None).unwrap(),
            address::search_index("vi")
        );
        assert_eq!(
            link("updates_feed", None).unwrap(),
            address::updates_feed("vi")
        );
        let e = link("taks", None).unwrap_err();
        assert!(e.to_string().contains("no page `taks`"), "{e}");
        assert!(link("home", Some(Value::from("x"))).is_err());
    }

    /// No template of the built-in theme writes a page's address itself
    /// (`lang ~ '/tasks/'`): each asks `link`, so an address changes in
    /// one place.
    #[test]
    fn templates_take_addresses_from_link() {
        for (name, src) in crate::source::theme::TEMPLATES {
            for by_hand in ["lang ~ '", "lang ~ \"", "lang~'"] {
                assert!(
                    !src.contains(by_hand),
                    "{name} writes an address: `{by_hand}`"
                );
            }
        }
    }

    /// Every key lotrinh's code asks `tr` or `trf` for, written out, is in
    /// the built-in theme, which a site's theme can add to but never take
    /// from: so `Ctx::tr` never falls through to showing the key.
    #[test]
    fn every_key_the_code_asks_for_is_in_the_built_in_theme() {
        let (_, look, _) = crate::source::rich_fixture();
        let english = &look.strings["en"];
        let mut todo = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        let mut asked = 0;
        while let Some(dir) = todo.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    todo.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let whole = std::fs::read_to_string(&path).unwrap();
                // The code, not its tests (this one names the calls).
                let src = whole.split("#[cfg(test)]\nmod tests").next().unwrap();
                for call in [".tr(", ".trf("] {
                    for (i, _) in src.match_indices(call) {
                        let rest = src[i + call.len()..].trim_start();
                        let Some(lit) = rest.strip_prefix('"') else {
                            continue;
                        };
                        let key = &lit[..lit.find('"').unwrap()];
                        assert!(
                            english.contains_key(key),
                            "{}: `{key}` is not in i18n/en.yaml",
                            path.display()
                        );
                        asked += 1;
                    }
                }
            }
        }
        assert!(asked > 20, "found the calls ({asked})");
    }
}
