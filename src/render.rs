//! Rendering every page of the site contract, in every language, from the
//! theme's templates. Record views are built once per language; pages are
//! rendered in parallel from them. No I/O happens here.

use crate::charts;
use crate::charts::fmt_num;
use crate::config::Config;
use crate::deadlines;
use crate::diag::{Diagnostics, Loc};
use crate::export::Dataset;
use crate::filters;
use crate::index::{Counts, Deadline, Index, Role, Succ};
use crate::load::Loaded;
use crate::markdown;
use crate::model::*;
use crate::search;
use crate::theme::Theme;
use minijinja::{Environment, ErrorKind, State, UndefinedBehavior, Value};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

/// A map value for templates.
fn obj<const N: usize>(pairs: [(&'static str, Value); N]) -> Value {
    let mut fields = pairs.to_vec();
    fields.sort_by_key(|(k, _)| *k);
    Value::from_object(Fields(fields))
}

/// A record view's fields. Templates read a few fields of many small maps
/// on every page; a short list of static keys scanned in place is faster
/// than a map of `Value` keys. Kept in key order, so iterating a view reads
/// as a sorted map does.
#[derive(Debug)]
struct Fields(Vec<(&'static str, Value)>);

impl minijinja::value::Object for Fields {
    fn get_value(self: &std::sync::Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &std::sync::Arc<Self>, key: &str) -> Option<Value> {
        self.0
            .iter()
            .find_map(|(k, v)| (*k == key).then(|| v.clone()))
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Values(self.0.iter().map(|(k, _)| Value::from(*k)).collect())
    }

    fn enumerator_len(self: &std::sync::Arc<Self>) -> Option<usize> {
        Some(self.0.len())
    }
}

fn list(v: Vec<Value>) -> Value {
    Value::from(v)
}

fn opt<T: Into<Value>>(v: Option<T>) -> Value {
    v.map(Into::into).unwrap_or(Value::from(()))
}

/// A rendered page, or the page and the template error it met.
/// (path, bytes, hash of template and context, rendered now rather than cached)
type PageResult = Result<(String, Vec<u8>, u64, bool), (String, minijinja::Error)>;

/// A page to render: where it goes, with which template and context.
struct Job {
    path: String,
    template: &'static str,
    lang: String,
    ctx: Value,
    /// The same page in each language (for the switch, hreflang, sitemap).
    alternates: Vec<(String, String)>,
}

pub struct Rendered {
    pub files: Vec<(String, Vec<u8>)>,
    pub pages: usize,
    /// Pages rendered by this call; the others were unchanged in the cache.
    pub rendered: usize,
}

/// Pages of the previous build, kept by `lotrinh serve` between rebuilds.
/// A page is rendered again only when the hash of its template name and its
/// full context changed, or when anything every page uses changed (templates,
/// interface strings, base URL): so what a page shows decides, and the cache
/// can never serve a stale page.
#[derive(Default)]
pub struct PageCache {
    /// Hash of the templates, strings and environment globals.
    env_key: u64,
    /// path → (hash of template + context, rendered bytes)
    pages: HashMap<String, (u64, Vec<u8>)>,
}

pub fn environment(theme: &Theme, config: &Config) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_debug(true);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") || name.ends_with(".xml") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    // The default HTML escaper also escapes `/`, which makes every URL and
    // decision number ("87/QĐ-TTg") unreadable in the source; `/` is safe in
    // text and in quoted attributes, so escape only what HTML needs.
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), minijinja::AutoEscape::Html)
            && !value.is_safe()
            && let Some(s) = value.as_str()
        {
            return out
                .write_str(&markdown::escape(s))
                .map_err(minijinja::Error::from);
        }
        minijinja::escape_formatter(out, state, value)
    });
    minijinja_contrib::add_to_environment(&mut env);
    for (name, (src, _)) in &theme.templates {
        // Errors surface at render time with the template's name and line.
        let _ = env.add_template_owned(name.clone(), src.clone());
    }
    // Per language, each string already a template value, so a lookup
    // neither compares long keys nor copies the text.
    let mut strings: HashMap<String, HashMap<String, Value>> = theme
        .strings
        .iter()
        .map(|(l, m)| {
            (
                l.clone(),
                m.iter()
                    .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                    .collect(),
            )
        })
        .collect();
    let english = strings.remove("en");
    let default_lang = config.default_lang().to_string();
    env.add_function(
        "tr",
        move |state: &State, key: &str| -> Result<Value, minijinja::Error> {
            let lang = state.lookup("lang");
            let lang = lang
                .as_ref()
                .and_then(|l| l.as_str())
                .unwrap_or(&default_lang);
            let found = match lang {
                "en" => english.as_ref().and_then(|m| m.get(key)),
                l => strings
                    .get(l)
                    .and_then(|m| m.get(key))
                    .or_else(|| english.as_ref().and_then(|m| m.get(key))),
            };
            found.cloned().ok_or_else(|| {
                minijinja::Error::new(
                    ErrorKind::UndefinedError,
                    format!("no interface string `{key}`"),
                )
            })
        },
    );
    let fallback_note: BTreeMap<String, String> = theme
        .strings
        .iter()
        .filter_map(|(l, m)| m.get("fallback.note").map(|n| (l.clone(), n.clone())))
        .collect();
    env.add_filter(
        "txt",
        move |state: &State, x: Value| -> Result<Value, minijinja::Error> {
            if x.is_undefined() || x.is_none() {
                return Ok(Value::from_safe_string(String::new()));
            }
            // Text views made by `Ctx::txt` carry their markup ready-made.
            let ready = x.get_attr("shown")?;
            if !ready.is_undefined() {
                return Ok(ready);
            }
            let lang = state.lookup("lang");
            let lang = lang.as_ref().and_then(|l| l.as_str()).unwrap_or_default();
            let html = match x.get_attr("html")? {
                h if h.is_undefined() => markdown::escape(&x.to_string()),
                h => h.to_string(),
            };
            let shown = x.get_attr("lang")?;
            let shown = shown.as_str().unwrap_or(lang);
            let note = fallback_note
                .get(lang)
                .map(String::as_str)
                .unwrap_or_default();
            Ok(Value::from_safe_string(text_html(
                html,
                shown,
                lang,
                x.get_attr("fallback")?.is_true(),
                note,
            )))
        },
    );
    env.add_filter("clip", |s: String, n: usize| -> String {
        if s.chars().count() <= n {
            s
        } else {
            let cut: String = s.chars().take(n).collect();
            format!("{}…", cut.trim_end())
        }
    });
    env.add_filter("url", |state: &State, path: &str| -> String {
        let root = state.lookup("root");
        let root = root.as_ref().and_then(|r| r.as_str()).unwrap_or_default();
        let mut url = String::with_capacity(root.len() + path.len());
        url.push_str(root);
        url.push_str(path);
        url
    });
    env.add_filter("filesize", |bytes: u64| -> String {
        if bytes < 1024 {
            format!("{bytes} B")
        } else if bytes < 1024 * 1024 {
            format!("{:.1} KB", bytes as f64 / 1024.0)
        } else {
            format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
        }
    });
    env.add_global("site_base_url", config.base_url.clone());
    env
}

/// The markup of a text shown on a page in `page_lang`: marked with its own
/// language when it differs, and noted as untranslated when it fell back.
fn text_html(html: String, shown: &str, page_lang: &str, fallback: bool, note: &str) -> String {
    if shown.is_empty() || shown == page_lang {
        return html;
    }
    let mut out = format!("<span lang=\"{}\">{html}</span>", markdown::escape(shown));
    if fallback {
        out.push_str(&format!(
            " <small class=\"fallback\">({})</small>",
            markdown::escape(note)
        ));
    }
    out
}

/// Turns a template error into a diagnostic pointing at the template line.
pub fn template_error(e: &minijinja::Error, theme: &Theme, page: &str, d: &mut Diagnostics) {
    let mut msg = format!("template error while rendering {page}: {}", e.kind());
    if let Some(detail) = e.detail() {
        msg.push_str(": ");
        msg.push_str(detail);
    }
    let loc = e
        .name()
        .and_then(|n| theme.templates.get(n))
        .map(|(_, id)| Loc {
            file: *id,
            line: e.line().unwrap_or(1) as u32,
            col: 1,
        });
    d.error(loc, msg)
        .hint("fix the template; the previous site was left as it was");
}

struct Ctx<'a> {
    lang: &'a str,
    langs: &'a [String],
    idx: &'a Index<'a>,
    /// Interface strings of this language, for text built outside templates (charts).
    strings: Option<&'a BTreeMap<String, String>>,
}

impl<'a> Ctx<'a> {
    /// An interface string; the theme check guarantees every key exists.
    fn tr(&self, key: &str) -> String {
        self.strings
            .and_then(|m| m.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }
    /// An interface string with `{name}` placeholders filled in.
    fn trf(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut s = self.tr(key);
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }
    /// A text in this language: its HTML, its language, whether it fell back.
    fn txt(&self, t: &Text) -> Value {
        match t.get(self.lang, self.langs) {
            None => Value::from(()),
            Some((s, l)) => {
                let shown = l.unwrap_or(self.lang);
                let fallback = l.is_some_and(|l| l != self.lang);
                let html = markdown::inline(s);
                let note = self
                    .strings
                    .and_then(|m| m.get("fallback.note"))
                    .map(String::as_str)
                    .unwrap_or_default();
                obj([
                    ("text", Value::from(s)),
                    (
                        "shown",
                        Value::from_safe_string(text_html(
                            html.clone(),
                            shown,
                            self.lang,
                            fallback,
                            note,
                        )),
                    ),
                    ("html", Value::from_safe_string(html)),
                    ("lang", Value::from(shown)),
                    ("fallback", Value::from(fallback)),
                ])
            }
        }
    }
    /// An agency view with the note a plan or record attaches to it.
    fn with_note(&self, agency: &Value, note: Option<&Text>) -> Value {
        obj([
            ("agency", agency.clone()),
            ("note", note.map(|n| self.txt(n)).unwrap_or(Value::from(()))),
        ])
    }
    /// Agency refs as views with their notes; dangling refs (already reported) are skipped.
    fn agency_refs(&self, agencies: &[Value], refs: &[AgencyRef]) -> Vec<Value> {
        refs.iter()
            .filter_map(|r| {
                self.idx
                    .agency
                    .get(r.agency.id.as_str())
                    .map(|&a| self.with_note(&agencies[a], r.note.as_ref()))
            })
            .collect()
    }
    fn otxt(&self, t: &Option<Text>) -> Value {
        t.as_ref().map(|t| self.txt(t)).unwrap_or(Value::from(()))
    }
    fn path(&self, section: &str, id: &str) -> String {
        format!("{}/{section}/{id}/", self.lang)
    }
    /// Whether the text shown in this language is an unofficial translation.
    fn translated(&self, p: &Provenance, texts: &[&Text]) -> Value {
        let Some(orig) = &p.original else {
            return Value::from(());
        };
        if orig == self.lang || p.translation == Translation::Official {
            return Value::from(());
        }
        if texts
            .iter()
            .any(|t| t.exact(self.lang).is_some() && !t.0.contains_key(""))
        {
            return obj([
                ("original", Value::from(orig.as_str())),
                ("official", Value::from(false)),
            ]);
        }
        Value::from(())
    }
}

/// Record views for one language, each built once and shared by every page.
struct Views {
    mechanisms: Vec<Value>,
    documents: Vec<Value>,
    agencies: Vec<Value>,
    themes: Vec<Value>,
    recs: Vec<Value>,
    plans: Vec<Value>,
    tasks: Vec<Value>,
    indicators: Vec<Value>,
    facets: filters::Facets,
}

fn views(c: &Ctx<'_>) -> Views {
    let d = c.idx.data;
    let facets = filters::Facets::build(c.idx);
    let mechanisms = d
        .mechanisms
        .iter()
        .map(|m| {
            obj([
                ("id", Value::from(m.id.id.as_str())),
                ("path", Value::from(c.path("mechanisms", &m.id.id))),
                ("name", c.txt(&m.name)),
            ])
        })
        .collect();
    let documents = d
        .documents
        .iter()
        .map(|x| {
            obj([
                ("id", Value::from(x.id.id.as_str())),
                ("path", Value::from(c.path("documents", &x.id.id))),
                ("title", c.txt(&x.title)),
                ("symbol", opt(x.symbol.as_deref())),
                ("date", opt(x.date.map(|d| d.to_string()))),
                ("url", opt(link(x.url.as_deref()))),
                ("kind", Value::from(x.kind.as_str())),
            ])
        })
        .collect();
    let agencies = d
        .agencies
        .iter()
        .map(|a| {
            obj([
                ("id", Value::from(a.id.id.as_str())),
                ("path", Value::from(c.path("agencies", &a.id.id))),
                ("name", c.txt(&a.name)),
                ("short", c.otxt(&a.short)),
                (
                    "ended",
                    opt(a.ended.filter(|e| *e <= c.idx.as_of).map(|e| e.to_string())),
                ),
                ("kind", opt(a.kind.as_deref())),
            ])
        })
        .collect();
    let themes = d
        .themes
        .iter()
        .map(|t| {
            obj([
                ("id", Value::from(t.id.id.as_str())),
                ("path", Value::from(c.path("themes", &t.id.id))),
                ("name", c.txt(&t.name)),
            ])
        })
        .collect::<Vec<_>>();
    let mech_short: Vec<Value> = d.mechanisms.iter().map(|m| c.txt(&m.name)).collect();
    let recs = d
        .recommendations
        .iter()
        .map(|r| {
            let doc = c
                .idx
                .document
                .get(r.document.id.as_str())
                .map(|&i| &d.documents[i]);
            let mech = c.idx.mechanism.get(r.mechanism.id.as_str()).copied();
            obj([
                ("id", Value::from(r.id.id.as_str())),
                ("path", Value::from(c.path("recommendations", &r.id.id))),
                ("mechanism", opt(mech.map(|m| mech_short[m].clone()))),
                ("mechanism_id", Value::from(r.mechanism.id.as_str())),
                ("symbol", opt(doc.and_then(|x| x.symbol.as_deref()))),
                ("paragraph", opt(r.paragraph.as_deref())),
                ("heading", c.otxt(&r.heading)),
                ("text", c.txt(&r.text)),
                ("follow_up", Value::from(r.follow_up)),
                (
                    "facets",
                    filters::row_value(&facets.recs[c.idx.rec[r.id.id.as_str()]]),
                ),
                ("response", opt(r.response.as_deref())),
                (
                    "tasks",
                    Value::from(c.idx.rec_tasks[c.idx.rec[r.id.id.as_str()]].len()),
                ),
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
        .collect();
    let plans = d
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
                ("path", Value::from(c.path("plans", &p.id.id))),
                ("title", c.txt(&p.title)),
                ("symbol", opt(doc.and_then(|x| x.symbol.as_deref()))),
                ("adopted", opt(p.adopted.map(|x| x.to_string()))),
            ])
        })
        .collect::<Vec<_>>();
    let agencies_ref: &Vec<Value> = &agencies;
    let tasks = d
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let plan = c
                .idx
                .plan
                .get(t.plan.id.as_str())
                .map(|&p| plans[p].clone());
            obj([
                ("id", Value::from(t.id.id.as_str())),
                ("path", Value::from(c.path("tasks", &t.id.id))),
                ("ref", Value::from(t.ref_.as_str())),
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
                ("deadline", Value::from(c.idx.task_deadline[i].as_str())),
                ("status", Value::from(t.status.as_str())),
                ("facets", filters::row_value(&facets.tasks[i])),
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
        .collect();
    let indicators = d
        .indicators
        .iter()
        .map(|x| {
            obj([
                ("id", Value::from(x.id.id.as_str())),
                ("path", Value::from(c.path("indicators", &x.id.id))),
                ("title", c.txt(&x.title)),
                ("unit", c.otxt(&x.unit)),
                ("rated", Value::from(!x.scale.is_empty())),
            ])
        })
        .collect();
    Views {
        mechanisms,
        documents,
        agencies,
        themes,
        recs,
        plans,
        tasks,
        indicators,
        facets,
    }
}

/// Only web and mail links from data become hrefs; `javascript:` and the
/// like are dropped.
fn link(u: Option<&str>) -> Option<&str> {
    u.filter(|u| {
        let l = u.trim().to_ascii_lowercase();
        l.starts_with("https://") || l.starts_with("http://") || l.starts_with("mailto:")
    })
}

fn pick(v: &[Value], idx: &[usize]) -> Value {
    list(idx.iter().map(|&i| v[i].clone()).collect())
}

pub fn render(
    site: &Loaded,
    idx: &Index<'_>,
    theme: &Theme,
    datasets: &[Dataset],
    d: &mut Diagnostics,
) -> Option<Rendered> {
    render_with(site, idx, theme, datasets, d, None)
}

/// [`render`], reusing the pages of `cache` whose inputs did not change and
/// leaving this build's pages in it (only when the whole build rendered).
pub fn render_with(
    site: &Loaded,
    idx: &Index<'_>,
    theme: &Theme,
    datasets: &[Dataset],
    d: &mut Diagnostics,
    mut cache: Option<&mut PageCache>,
) -> Option<Rendered> {
    let cfg = &site.config;
    let env = environment(theme, cfg);
    let env_key = {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        theme
            .templates
            .iter()
            .for_each(|(n, (src, _))| (n, src).hash(&mut h));
        theme.strings.hash(&mut h);
        cfg.base_url.hash(&mut h);
        cfg.default_lang().hash(&mut h);
        h.finish()
    };
    if let Some(c) = cache.as_deref_mut()
        && c.env_key != env_key
    {
        c.pages.clear();
        c.env_key = env_key;
    }
    let previous = cache.as_deref().map(|c| &c.pages);
    let langs = &cfg.languages;
    let jobs: Vec<Job> = langs
        .par_iter()
        .flat_map(|lang| {
            let c = Ctx {
                lang,
                langs,
                idx,
                strings: theme.strings.get(lang.as_str()),
            };
            let v = views(&c);
            jobs_for(&c, &v, site, datasets)
        })
        .collect();
    let names: BTreeMap<&str, Value> = langs
        .iter()
        .map(|l| {
            (
                l.as_str(),
                theme
                    .strings
                    .get(l)
                    .and_then(|m| m.get("lang.name"))
                    .map(|s| Value::from(s.as_str()))
                    .unwrap_or(Value::from(l.as_str())),
            )
        })
        .collect();
    // The site's own view is the same for every page of a language: built
    // once per language, not once per page.
    let site_views: HashMap<&str, Value> = langs
        .iter()
        .map(|l| (l.as_str(), site_value(cfg, l, langs, site)))
        .collect();
    crate::progress::trace("page contexts built");
    let results: Vec<PageResult> = jobs
        .par_iter()
        .map(|job| {
            // A host serves the 404 page at whatever address was missed, so
            // its links start from the site's root instead of the page.
            let root = if job.template == "404.html" {
                cfg.base_path()
            } else {
                "../".repeat(job.path.matches('/').count())
            };
            let alternates: Vec<Value> = job
                .alternates
                .iter()
                .map(|(l, p)| {
                    obj([
                        ("lang", Value::from(l.as_str())),
                        (
                            "name",
                            names
                                .get(l.as_str())
                                .cloned()
                                .unwrap_or(Value::from(l.as_str())),
                        ),
                        ("path", Value::from(page_dir(p))),
                        ("url", Value::from(cfg.absolute(&page_dir(p)))),
                    ])
                })
                .collect();
            let page = obj([
                ("path", Value::from(page_dir(&job.path))),
                ("canonical", Value::from(cfg.absolute(&page_dir(&job.path)))),
                ("alternates", list(alternates)),
            ]);
            let ctx = minijinja::context! {
                lang => job.lang.as_str(),
                root => root,
                page => page,
                site => site_views[job.lang.as_str()].clone(),
                ..job.ctx.clone()
            };
            let key = previous.map(|_| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                job.template.hash(&mut h);
                hash_value(&ctx, &mut h);
                h.finish()
            });
            if let (Some(prev), Some(key)) = (previous, key)
                && let Some((k, bytes)) = prev.get(&job.path)
                && *k == key
            {
                return Ok((job.path.clone(), bytes.clone(), key, false));
            }
            let tmpl = env
                .get_template(job.template)
                .map_err(|e| (job.path.clone(), e))?;
            let html = tmpl.render(ctx).map_err(|e| (job.path.clone(), e))?;
            Ok((job.path.clone(), html.into_bytes(), key.unwrap_or(0), true))
        })
        .collect();
    crate::progress::trace("pages rendered");
    let mut files = Vec::with_capacity(results.len() + 8);
    let mut keys = Vec::with_capacity(results.len());
    let mut failed = false;
    let mut rendered = 0;
    for r in results {
        match r {
            Ok((path, bytes, key, fresh)) => {
                rendered += usize::from(fresh);
                keys.push(key);
                files.push((path, bytes));
            }
            Err((page, e)) => {
                if !failed {
                    template_error(&e, theme, &page, d);
                }
                failed = true;
            }
        }
    }
    if failed {
        return None;
    }
    let pages = files.len();
    if let Some(c) = cache {
        c.pages = files
            .iter()
            .zip(keys)
            .map(|((p, b), k)| (p.clone(), (k, b.clone())))
            .collect();
    }
    // Root index leads to the default language; sitemap and robots for crawlers.
    let default = cfg.default_lang();
    // Hosts look for /404.html at the root (GitHub Pages, Netlify, nginx
    // error_page); it is the default language's, whose links start at the root.
    let not_found = format!("{default}/404.html");
    if let Some(bytes) = files
        .iter()
        .find(|(p, _)| *p == not_found)
        .map(|(_, b)| b.clone())
    {
        files.push(("404.html".into(), bytes));
    }
    let redirect = env
        .get_template("redirect.html")
        .and_then(|t| t.render(minijinja::context! { lang => default, target => format!("{default}/"), site => site_value(cfg, default, langs, site), langs => langs.clone() }));
    let sitemap_entries: Vec<Value> = jobs
        .iter()
        .filter(|j| j.template != "404.html")
        .map(|j| {
            obj([
                ("loc", Value::from(cfg.absolute(&page_dir(&j.path)))),
                (
                    "alternates",
                    list(
                        j.alternates
                            .iter()
                            .map(|(l, p)| {
                                obj([
                                    ("lang", Value::from(l.as_str())),
                                    ("url", Value::from(cfg.absolute(&page_dir(p)))),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ])
        })
        .collect();
    let sitemap = env
        .get_template("sitemap.xml")
        .and_then(|t| t.render(minijinja::context! { entries => sitemap_entries }));
    match (redirect, sitemap) {
        (Ok(r), Ok(s)) => {
            files.push(("index.html".into(), r.into_bytes()));
            files.push(("sitemap.xml".into(), s.into_bytes()));
        }
        (Err(e), _) | (_, Err(e)) => {
            template_error(&e, theme, "index.html / sitemap.xml", d);
            return None;
        }
    }
    files.extend(
        langs
            .par_iter()
            .flat_map_iter(|lang| {
                let label = |k: &str| {
                    theme
                        .strings
                        .get(lang)
                        .and_then(|m| m.get(k))
                        .cloned()
                        .unwrap_or_else(|| k.to_string())
                };
                search::files(&search::docs(idx, cfg, lang, site), lang, label)
            })
            .collect::<Vec<_>>(),
    );
    crate::progress::trace("search index built");
    files.push((
        "robots.txt".into(),
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}\n",
            cfg.absolute("sitemap.xml")
        )
        .into_bytes(),
    ));
    for (name, bytes) in &theme.statics {
        files.push((format!("static/{name}"), bytes.clone()));
    }
    Some(Rendered {
        files,
        pages,
        rendered,
    })
}

/// Feeds everything a template can see of `v` to `h`: kinds, numbers as
/// shown, whether a string is already safe HTML, map keys and values.
/// (minijinja's own `Hash` treats `true` as `1` and ignores safety.)
fn hash_value(v: &Value, h: &mut impl Hasher) {
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

/// "en/agencies/moj/index.html" → "en/agencies/moj/".
fn page_dir(path: &str) -> String {
    path.strip_suffix("index.html").unwrap_or(path).to_string()
}

fn site_value(cfg: &Config, lang: &str, langs: &[String], site: &Loaded) -> Value {
    let pages: Vec<Value> = {
        let mut seen = Vec::new();
        for p in &site.pages {
            if !seen.contains(&p.slug) {
                seen.push(p.slug.clone());
            }
        }
        seen.iter()
            .map(|slug| {
                let page = site
                    .pages
                    .iter()
                    .find(|p| &p.slug == slug && p.lang == lang)
                    .or_else(|| site.pages.iter().find(|p| &p.slug == slug));
                let title = page.map(|p| p.title.clone()).unwrap_or_default();
                // A page that exists only in another language is listed under
                // its own title, so the link must say which language it is in.
                let title_lang = page.map(|p| p.lang.as_str()).filter(|l| *l != lang);
                obj([
                    ("slug", Value::from(slug.as_str())),
                    ("title", Value::from(title)),
                    ("lang", opt(title_lang)),
                    ("path", Value::from(format!("{lang}/{slug}/"))),
                ])
            })
            .collect()
    };
    obj([
        ("title", Value::from(cfg.title.plain(lang, langs))),
        (
            "description",
            opt(cfg
                .description
                .as_ref()
                .map(|t| t.plain(lang, langs).to_string())),
        ),
        ("as_of", Value::from(cfg.as_of.to_string())),
        ("languages", Value::from(langs.to_vec())),
        ("default_lang", Value::from(cfg.default_lang())),
        ("base_url", Value::from(cfg.base_url.as_str())),
        ("pages", list(pages)),
        ("license", opt(cfg.license.as_deref())),
        ("license_url", opt(cfg.license_url.as_deref())),
        ("repository", opt(cfg.repository.as_deref())),
    ])
}

fn jobs_for(c: &Ctx<'_>, v: &Views, site: &Loaded, datasets: &[Dataset]) -> Vec<Job> {
    let idx = c.idx;
    let d = idx.data;
    let lang = c.lang;
    let mut jobs = Vec::new();
    let mut push = |path: String, template: &'static str, ctx: Value| {
        let rest = path.strip_prefix(lang).unwrap_or(&path).to_string();
        let alternates = c
            .langs
            .iter()
            .map(|l| (l.clone(), format!("{l}{rest}")))
            .collect();
        jobs.push(Job {
            path,
            template,
            lang: lang.to_string(),
            ctx,
            alternates,
        });
    };
    let all_tasks: Vec<usize> = (0..d.tasks.len()).collect();

    // Home.
    let mech_counts: Vec<Value> = d
        .mechanisms
        .iter()
        .enumerate()
        .map(|(i, _)| {
            obj([
                ("mechanism", v.mechanisms[i].clone()),
                ("recommendations", Value::from(idx.mech_recs[i].len())),
                (
                    "follow_up",
                    Value::from(
                        idx.mech_recs[i]
                            .iter()
                            .filter(|&&r| d.recommendations[r].follow_up)
                            .count(),
                    ),
                ),
            ])
        })
        .collect();
    let plan_counts = plan_counts_for(idx, v);
    let mut busiest: Vec<(usize, usize)> = (0..d.agencies.len())
        .map(|a| {
            (
                a,
                idx.agency_duties[a]
                    .iter()
                    .filter(|x| x.role == Role::Lead && !d.tasks[x.task].heading)
                    .count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    busiest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let busiest: Vec<Value> = busiest
        .iter()
        .take(10)
        .map(|(a, n)| {
            obj([
                ("agency", v.agencies[*a].clone()),
                ("lead", Value::from(*n)),
            ])
        })
        .collect();
    let mut upcoming: Vec<usize> = all_tasks
        .iter()
        .copied()
        .filter(|&t| idx.task_deadline[t] == Deadline::Upcoming)
        .collect();
    upcoming.sort_by_key(|&t| (idx.task_last_due[t], t));
    let mut overdue: Vec<usize> = all_tasks
        .iter()
        .copied()
        .filter(|&t| idx.task_deadline[t] == Deadline::Overdue && !d.tasks[t].heading)
        .collect();
    overdue.sort_by_key(|&t| (std::cmp::Reverse(idx.task_last_due[t]), t));
    push(
        format!("{lang}/index.html"),
        "home.html",
        minijinja::context! {
            mechanisms => mech_counts,
            plans => plan_counts.clone(),
            counts => counts_view(&idx.count_deadlines(0..d.tasks.len())),
            busiest => busiest,
            upcoming => pick(&v.tasks, &upcoming[..upcoming.len().min(8)]),
            overdue => pick(&v.tasks, &overdue[..overdue.len().min(8)]),
            totals => obj([
                ("recommendations", Value::from(d.recommendations.len())),
                ("tasks", Value::from(d.tasks.iter().filter(|t| !t.heading).count())),
                ("agencies", Value::from(d.agencies.len())),
                ("themes", Value::from(d.themes.len())),
                ("indicators", Value::from(d.indicators.len())),
            ]),
            themes => v.themes.clone(),
        },
    );

    // Agencies.
    let agency_rows: Vec<Value> = (0..d.agencies.len())
        .map(|a| {
            let duties = &idx.agency_duties[a];
            let lead: Vec<usize> = duties
                .iter()
                .filter(|x| x.role == Role::Lead && !d.tasks[x.task].heading)
                .map(|x| x.task)
                .collect();
            let coord = duties
                .iter()
                .filter(|x| x.role == Role::Coordinating && !d.tasks[x.task].heading)
                .count();
            obj([
                ("agency", v.agencies[a].clone()),
                ("lead", Value::from(lead.len())),
                ("coordinating", Value::from(coord)),
                (
                    "overdue",
                    Value::from(
                        lead.iter()
                            .filter(|&&t| idx.task_deadline[t] == Deadline::Overdue)
                            .count(),
                    ),
                ),
            ])
        })
        .collect();
    let led = deadlines::led_by_agency(idx);
    let agency_rows: Vec<Value> = agency_rows
        .into_iter()
        .zip(&led)
        .map(|(row, n)| {
            minijinja::context! { status => counts_view(n), ..row }
        })
        .collect();
    push(
        format!("{lang}/agencies/index.html"),
        "agencies.html",
        minijinja::context! { agencies => agency_rows, chart => agencies_chart(c, &led) },
    );
    for (ai, a) in d.agencies.iter().enumerate() {
        let duties = &idx.agency_duties[ai];
        let mut by_plan: Vec<Value> = Vec::new();
        for (pi, _) in d.plans.iter().enumerate() {
            let row = |role: Role| -> Vec<Value> {
                duties
                    .iter()
                    .filter(|x| x.role == role && d.tasks[x.task].plan.id == d.plans[pi].id.id)
                    .map(|x| {
                        obj([
                            ("task", v.tasks[x.task].clone()),
                            ("note", x.note.map(|n| c.txt(n)).unwrap_or(Value::from(()))),
                        ])
                    })
                    .collect()
            };
            let (lead, coord) = (row(Role::Lead), row(Role::Coordinating));
            if !lead.is_empty() || !coord.is_empty() {
                by_plan.push(obj([
                    ("plan", v.plans[pi].clone()),
                    ("lead", list(lead)),
                    ("coordinating", list(coord)),
                ]));
            }
        }
        let led: Vec<usize> = duties
            .iter()
            .filter(|x| x.role == Role::Lead)
            .map(|x| x.task)
            .chain(idx.agency_inherited[ai].iter().copied())
            .collect();
        let mut od: Vec<usize> = led
            .iter()
            .copied()
            .filter(|&t| idx.task_deadline[t] == Deadline::Overdue && !d.tasks[t].heading)
            .collect();
        od.sort_by_key(|&t| (idx.task_last_due[t], t));
        od.dedup();
        let mut up: Vec<usize> = led
            .iter()
            .copied()
            .filter(|&t| idx.task_deadline[t] == Deadline::Upcoming)
            .collect();
        up.sort_by_key(|&t| (idx.task_last_due[t], t));
        up.dedup();
        let successors = c.agency_refs(&v.agencies, &a.successors);
        let preds: Vec<Value> = idx.agency_predecessors[ai]
            .iter()
            .map(|(j, n)| c.with_note(&v.agencies[*j], *n))
            .collect();
        let has_tasks = !duties.is_empty();
        let led_counts = idx.count_deadlines(led.iter().copied());
        push(
            format!("{lang}/agencies/{}/index.html", a.id.id),
            "agency.html",
            minijinja::context! {
                agency => v.agencies[ai].clone(),
                description => c.otxt(&a.description),
                url => link(a.url.as_deref()),
                ended => a.ended.filter(|e| *e <= idx.as_of).map(|e| e.to_string()),
                legal_basis => c.otxt(&a.legal_basis),
                successors => successors,
                predecessors => preds,
                parent => a.parent.as_ref().and_then(|p| idx.agency.get(p.id.as_str())).map(|&p| v.agencies[p].clone()),
                children => pick(&v.agencies, &idx.agency_children[ai]),
                by_plan => by_plan,
                overdue => pick(&v.tasks, &od),
                upcoming => pick(&v.tasks, &up),
                inherited => pick(&v.tasks, &idx.agency_inherited[ai]),
                recommendations => pick(&v.recs, &idx.agency_recs[ai]),
                counts => counts_view(&led_counts),
                chart => agency_chart(c, ai, &led_counts),
                download => has_tasks.then(|| format!("data/agencies/{}/tasks.csv", a.id.id)),
                translated => c.translated(&a.prov, &[&a.name]),
            },
        );
    }

    // Recommendations, grouped by mechanism and document.
    let rec_groups: Vec<Value> = d
        .mechanisms
        .iter()
        .enumerate()
        .map(|(m, _)| {
            let docs: Vec<Value> = idx.mech_docs[m]
                .iter()
                .filter(|&&doc| !idx.doc_recs[doc].is_empty())
                .map(|&doc| {
                    obj([
                        ("document", v.documents[doc].clone()),
                        ("recommendations", pick(&v.recs, &idx.doc_recs[doc])),
                    ])
                })
                .collect();
            obj([
                ("mechanism", v.mechanisms[m].clone()),
                ("documents", list(docs)),
                ("count", Value::from(idx.mech_recs[m].len())),
            ])
        })
        .collect();
    push(
        format!("{lang}/recommendations/index.html"),
        "recommendations.html",
        minijinja::context! { groups => rec_groups, all => v.recs.clone(), themes => v.themes.clone(), mechanisms => v.mechanisms.clone(), filters => filters::list_form(&filters::REC_FILTERS, v.facets.recs.iter(), &label_views(v)), slices => slices(v) },
    );
    for (ri, r) in d.recommendations.iter().enumerate() {
        let doc = idx.document.get(r.document.id.as_str()).copied();
        push(
            format!("{lang}/recommendations/{}/index.html", r.id.id),
            "recommendation.html",
            minijinja::context! {
                rec => v.recs[ri].clone(),
                document => doc.map(|x| v.documents[x].clone()),
                document_url => doc.and_then(|x| link(d.documents[x].url.as_deref())),
                url => link(r.url.as_deref()),
                groups => r.groups.clone(),
                sdgs => r.sdgs.clone(),
                states => r.recommending_states.clone(),
                related => pick(&v.recs, &idx.rec_related[ri]),
                tasks => pick(&v.tasks, &idx.rec_tasks[ri]),
                chain => rec_chain(c, v, ri),
                task_counts => counts_view(&idx.count_deadlines(idx.rec_tasks[ri].iter().copied())),
                agencies => pick(&v.agencies, &idx.rec_agencies[ri]),
                translated => c.translated(&r.prov, &[&r.text]),
            },
        );
    }

    // Plans.
    push(
        format!("{lang}/plans/index.html"),
        "plans.html",
        minijinja::context! { plans => plan_counts },
    );
    for (pi, p) in d.plans.iter().enumerate() {
        let successor = idx.plan_successor[pi].map(|s| match s {
            Succ::Plan(q) => obj([
                ("plan", v.plans[q].clone()),
                ("transcribed", Value::from(!idx.plan_tasks[q].is_empty())),
            ]),
            Succ::Document(doc) => obj([("document", v.documents[doc].clone())]),
        });
        let answers: Vec<usize> = p
            .answers
            .iter()
            .filter_map(|a| idx.document.get(a.id.as_str()).copied())
            .collect();
        let doc = idx.document.get(p.document.id.as_str()).copied();
        push(
            format!("{lang}/plans/{}/index.html", p.id.id),
            "plan.html",
            minijinja::context! {
                plan => v.plans[pi].clone(),
                description => c.otxt(&p.description),
                document => doc.map(|x| v.documents[x].clone()),
                document_url => doc.and_then(|x| link(d.documents[x].url.as_deref())),
                answers => pick(&v.documents, &answers),
                mechanisms => list(p.mechanisms.iter().filter_map(|m| idx.mechanism.get(m.id.as_str()).map(|&m| v.mechanisms[m].clone())).collect()),
                coordinator => p.coordinator.as_ref().and_then(|x| idx.agency.get(x.id.as_str())).map(|&a| v.agencies[a].clone()),
                period => p.period.as_deref(),
                successor => successor,
                predecessors => pick(&v.plans, &idx.plan_predecessors[pi]),
                tasks => pick(&v.tasks, &idx.plan_tasks[pi]),
                counts => counts_view(&idx.count_deadlines(idx.plan_tasks[pi].iter().copied())),
                translated => c.translated(&p.prov, &[&p.title]),
            },
        );
    }

    // Tasks.
    let task_groups: Vec<Value> = d
        .plans
        .iter()
        .enumerate()
        .filter(|(pi, _)| !idx.plan_tasks[*pi].is_empty())
        .map(|(pi, _)| {
            obj([
                ("plan", v.plans[pi].clone()),
                ("tasks", pick(&v.tasks, &idx.plan_tasks[pi])),
            ])
        })
        .collect();
    push(
        format!("{lang}/tasks/index.html"),
        "tasks.html",
        minijinja::context! { groups => task_groups, agencies => v.agencies.clone(), filters => filters::list_form(&filters::TASK_FILTERS, d.tasks.iter().enumerate().filter(|(_, t)| idx.plan.contains_key(t.plan.id.as_str())).map(|(i, _)| &v.facets.tasks[i]), &label_views(v)), slices => slices(v) },
    );
    for (ti, t) in d.tasks.iter().enumerate() {
        let recs: Vec<usize> = t
            .recommendations
            .iter()
            .filter_map(|r| idx.rec.get(r.id.as_str()).copied())
            .collect();
        let themes: Vec<usize> = t
            .themes
            .iter()
            .filter_map(|r| idx.theme.get(r.id.as_str()).copied())
            .collect();
        push(
            format!("{lang}/tasks/{}/index.html", t.id.id),
            "task.html",
            minijinja::context! {
                task => v.tasks[ti].clone(),
                path => pick(&v.tasks, &idx.task_path[ti]),
                children => pick(&v.tasks, &idx.task_children[ti]),
                lead => c.agency_refs(&v.agencies, &t.lead),
                coordinating => c.agency_refs(&v.agencies, &t.coordinating),
                expected => c.otxt(&t.expected),
                status_note => c.otxt(&t.status_note),
                evidence => t.evidence.iter().filter(|e| link(Some(e.as_str())).is_some()).cloned().collect::<Vec<String>>(),
                recommendations => pick(&v.recs, &recs),
                indicators => pick(&v.indicators, &idx.task_indicators[ti]),
                themes => pick(&v.themes, &themes),
                translated => c.translated(&t.prov, &[&t.text]),
            },
        );
    }

    // Themes.
    let theme_rows: Vec<Value> = (0..d.themes.len())
        .map(|t| {
            obj([
                ("theme", v.themes[t].clone()),
                ("recommendations", Value::from(idx.theme_recs[t].len())),
                ("tasks", Value::from(idx.theme_tasks[t].len())),
            ])
        })
        .collect();
    push(
        format!("{lang}/themes/index.html"),
        "themes.html",
        minijinja::context! { themes => theme_rows },
    );
    for (thi, th) in d.themes.iter().enumerate() {
        let by_mech: Vec<Value> = d
            .mechanisms
            .iter()
            .enumerate()
            .filter_map(|(m, mech)| {
                let recs: Vec<usize> = idx.theme_recs[thi]
                    .iter()
                    .copied()
                    .filter(|&r| d.recommendations[r].mechanism.id == mech.id.id)
                    .collect();
                (!recs.is_empty()).then(|| {
                    obj([
                        ("mechanism", v.mechanisms[m].clone()),
                        ("recommendations", pick(&v.recs, &recs)),
                    ])
                })
            })
            .collect();
        push(
            format!("{lang}/themes/{}/index.html", th.id.id),
            "theme.html",
            minijinja::context! {
                theme => v.themes[thi].clone(),
                description => c.otxt(&th.description),
                by_mechanism => by_mech,
                tasks => pick(&v.tasks, &idx.theme_tasks[thi]),
                agencies => pick(&v.agencies, &idx.theme_agencies[thi]),
                indicators => pick(&v.indicators, &idx.theme_indicators[thi]),
            },
        );
    }

    // Mechanisms.
    let mech_rows: Vec<Value> = (0..d.mechanisms.len())
        .map(|m| {
            obj([
                ("mechanism", v.mechanisms[m].clone()),
                ("recommendations", Value::from(idx.mech_recs[m].len())),
                ("documents", Value::from(idx.mech_docs[m].len())),
                ("plans", Value::from(idx.mech_plans[m].len())),
            ])
        })
        .collect();
    push(
        format!("{lang}/mechanisms/index.html"),
        "mechanisms.html",
        minijinja::context! { mechanisms => mech_rows },
    );
    for (mi, m) in d.mechanisms.iter().enumerate() {
        push(
            format!("{lang}/mechanisms/{}/index.html", m.id.id),
            "mechanism.html",
            minijinja::context! {
                mechanism => v.mechanisms[mi].clone(),
                body => c.otxt(&m.body),
                treaty => c.otxt(&m.treaty),
                description => m.description.as_ref().map(|t| Value::from_safe_string(markdown::block(t.plain(lang, c.langs)))),
                url => link(m.url.as_deref()),
                documents => pick(&v.documents, &idx.mech_docs[mi]),
                plans => pick(&v.plans, &idx.mech_plans[mi]),
                recommendations => pick(&v.recs, &idx.mech_recs[mi]),
                follow_up => pick(&v.recs, &idx.mech_recs[mi].iter().copied().filter(|&r| d.recommendations[r].follow_up).collect::<Vec<_>>()),
            },
        );
    }

    // Documents.
    push(
        format!("{lang}/documents/index.html"),
        "documents.html",
        minijinja::context! { documents => v.documents.clone() },
    );
    for (di, doc) in d.documents.iter().enumerate() {
        push(
            format!("{lang}/documents/{}/index.html", doc.id.id),
            "document.html",
            minijinja::context! {
                document => v.documents[di].clone(),
                description => doc.description.as_ref().map(|t| Value::from_safe_string(markdown::block(t.plain(lang, c.langs)))),
                cycle => doc.cycle.as_deref(),
                mechanism => doc.mechanism.as_ref().and_then(|m| idx.mechanism.get(m.id.as_str())).map(|&m| v.mechanisms[m].clone()),
                recommendations => pick(&v.recs, &idx.doc_recs[di]),
                plans => pick(&v.plans, &idx.doc_plans[di]),
                answered_by => pick(&v.plans, &idx.doc_answered_by[di]),
                indicators => pick(&v.indicators, &idx.doc_indicators[di]),
                translated => c.translated(&doc.prov, &[&doc.title]),
            },
        );
    }

    // Indicators.
    push(
        format!("{lang}/indicators/index.html"),
        "indicators.html",
        minijinja::context! { indicators => v.indicators.clone() },
    );
    for (ii, ind) in d.indicators.iter().enumerate() {
        let values: Vec<Value> = idx.ind_values[ii]
            .iter()
            .map(|&x| {
                let val = &d.values[x];
                obj([
                    ("period", Value::from(val.period.as_str())),
                    ("breakdown", opt(val.breakdown.as_deref())),
                    ("value", opt(val.value.as_deref())),
                    (
                        "value_label",
                        opt(val.value.as_deref().map(|x| scale_label(c, x))),
                    ),
                    ("change", opt(val.change.as_deref())),
                    ("note", c.otxt(&val.note)),
                ])
            })
            .collect();
        push(
            format!("{lang}/indicators/{}/index.html", ind.id.id),
            "indicator.html",
            minijinja::context! {
                indicator => v.indicators[ii].clone(),
                description => c.otxt(&ind.description),
                scale => ind.scale.clone(),
                scale_labels => ind.scale.iter().map(|l| scale_label(c, l)).collect::<Vec<_>>(),
                target => ind.target.as_ref().map(|t| obj([("op", Value::from(t.op.as_str())), ("value", Value::from(fmt_num(t.value))), ("year", opt(t.year))])),
                source => ind.source.as_ref().and_then(|s| idx.document.get(s.id.as_str())).map(|&x| v.documents[x].clone()),
                values => values,
                chart => indicator_chart(c, ii),
                tasks => pick(&v.tasks, &idx.ind_tasks[ii]),
                themes => list(ind.themes.iter().filter_map(|t| idx.theme.get(t.id.as_str()).map(|&i| v.themes[i].clone())).collect()),
                translated => c.translated(&ind.prov, &[&ind.title]),
            },
        );
    }

    for (path, template, ctx) in deadline_pages(c, v) {
        push(path, template, ctx);
    }

    // Downloads, search, content pages, 404.
    let ds: Vec<Value> = datasets.iter().map(|x| x.view(lang)).collect();
    push(
        format!("{lang}/data/index.html"),
        "data.html",
        minijinja::context! { datasets => ds, jsonld => Value::from_safe_string(dataset_jsonld(c, site, datasets)), howto => crate::downloads::view(&site.config, lang) },
    );
    push(
        format!("{lang}/search/index.html"),
        "search.html",
        minijinja::context! {},
    );
    let mut slugs: Vec<&str> = site.pages.iter().map(|p| p.slug.as_str()).collect();
    slugs.sort();
    slugs.dedup();
    for slug in slugs {
        let page = site.pages.iter().find(|p| p.slug == slug && p.lang == lang);
        let (page, fallback) = match page {
            Some(p) => (p, false),
            None => match c
                .langs
                .iter()
                .find_map(|l| site.pages.iter().find(|p| p.slug == slug && &p.lang == l))
            {
                Some(p) => (p, true),
                None => continue,
            },
        };
        push(
            format!("{lang}/{slug}/index.html"),
            "page.html",
            minijinja::context! {
                title => page.title.as_str(),
                description => page.description.as_deref(),
                body => Value::from_safe_string(markdown::block(&page.body)),
                content_lang => page.lang.as_str(),
                fallback => fallback,
            },
        );
    }
    push(
        format!("{lang}/404.html"),
        "404.html",
        minijinja::context! {},
    );
    jobs
}

fn counts_view(c: &Counts) -> Value {
    obj([
        ("overdue", Value::from(c.overdue)),
        ("upcoming", Value::from(c.upcoming)),
        ("done", Value::from(c.done)),
        ("recurring", Value::from(c.recurring)),
        ("none", Value::from(c.none)),
        ("total", Value::from(c.total())),
    ])
}

fn agency_counts_view(v: &Views, rows: &[(usize, Counts)]) -> Value {
    list(
        rows.iter()
            .map(|(a, n)| {
                obj([
                    ("agency", v.agencies[*a].clone()),
                    ("counts", counts_view(n)),
                ])
            })
            .collect(),
    )
}

/// The deadlines overview and one page per due year (the no-JS "year" slice).
fn deadline_pages(c: &Ctx<'_>, v: &Views) -> Vec<(String, &'static str, Value)> {
    let idx = c.idx;
    let lang = c.lang;
    let years = deadlines::by_year(idx);
    let year_rows: Vec<Value> = years
        .iter()
        .map(|y| {
            obj([
                ("year", Value::from(y.year)),
                ("path", Value::from(format!("{lang}/deadlines/{}/", y.year))),
                (
                    "counts",
                    counts_view(&idx.count_deadlines(y.tasks.iter().copied())),
                ),
            ])
        })
        .collect();
    let dated: Vec<usize> = {
        let mut all: Vec<usize> = years.iter().flat_map(|y| y.tasks.iter().copied()).collect();
        all.sort_unstable();
        all.dedup();
        all
    };
    let rows = |y: &deadlines::Year| pick(&v.tasks, &y.tasks);
    let mut pages = Vec::with_capacity(years.len() + 1);
    let sections: Vec<Value> = years
        .iter()
        .zip(&year_rows)
        .map(|(y, row)| obj([("year", row.clone()), ("rows", rows(y))]))
        .collect();
    pages.push((
        format!("{lang}/deadlines/index.html"),
        "deadlines.html",
        minijinja::context! {
            years => year_rows.clone(),
            sections => sections,
            counts => counts_view(&idx.count_deadlines(dated.iter().copied())),
            undated => counts_view(&deadlines::undated(idx)),
            agencies => agency_counts_view(v, &deadlines::per_agency(idx, &dated)),
        },
    ));
    for (i, y) in years.iter().enumerate() {
        pages.push((
            format!("{lang}/deadlines/{}/index.html", y.year),
            "deadline-year.html",
            minijinja::context! {
                year => year_rows[i].clone(),
                years => year_rows.clone(),
                rows => rows(y),
                agencies => agency_counts_view(v, &deadlines::per_agency(idx, &y.tasks)),
            },
        ));
    }
    pages
}

fn label_views(v: &Views) -> filters::LabelViews<'_> {
    filters::LabelViews {
        mechanisms: &v.mechanisms,
        themes: &v.themes,
        agencies: &v.agencies,
        plans: &v.plans,
    }
}

/// The no-JS pages for each slice the filters offer.
fn slices(v: &Views) -> Value {
    minijinja::context! {
        themes => v.themes.clone(),
        mechanisms => v.mechanisms.clone(),
        agencies => v.agencies.clone(),
        years => filters::year_labels(v.facets.tasks.iter()).into_iter().map(|(y, _)| y).collect::<Vec<_>>(),
    }
}

/// A level of a rated indicator's scale in this language; a level the theme
/// has no words for is shown as the data writes it.
fn scale_label(c: &Ctx<'_>, level: &str) -> String {
    c.strings
        .and_then(|m| m.get(&format!("scale.{level}")))
        .cloned()
        .unwrap_or_else(|| level.to_string())
}

/// A recommendation's chain in one view: each task that answers it, with
/// who leads and coordinates it, by when, and where it stands.
fn rec_chain(c: &Ctx<'_>, v: &Views, ri: usize) -> Value {
    let d = c.idx.data;
    list(
        c.idx.rec_tasks[ri]
            .iter()
            .map(|&t| {
                obj([
                    ("task", v.tasks[t].clone()),
                    (
                        "coordinating",
                        list(c.agency_refs(&v.agencies, &d.tasks[t].coordinating)),
                    ),
                ])
            })
            .collect(),
    )
}

fn chart_value(chart: charts::Chart) -> Value {
    obj([
        ("svg", Value::from_safe_string(chart.svg)),
        ("summary", Value::from(chart.summary)),
    ])
}

fn state_names(c: &Ctx<'_>) -> [String; 5] {
    ["overdue", "upcoming", "done", "recurring", "no-deadline"]
        .map(|s| c.tr(&format!("deadline.{s}")))
}

fn counts_args(n: &Counts) -> Vec<(&'static str, String)> {
    vec![
        ("total", n.total().to_string()),
        ("overdue", n.overdue.to_string()),
        ("upcoming", n.upcoming.to_string()),
        ("done", n.done.to_string()),
        ("recurring", n.recurring.to_string()),
        ("none", n.none.to_string()),
    ]
}

fn bar_counts(n: &Counts) -> [usize; 5] {
    [n.overdue, n.upcoming, n.done, n.recurring, n.none]
}

/// Tasks led per agency, by status, for the agencies list.
fn agencies_chart(c: &Ctx<'_>, led: &[Counts]) -> Option<Value> {
    let d = c.idx.data;
    let mut order: Vec<usize> = (0..led.len()).filter(|&a| led[a].total() > 0).collect();
    if order.is_empty() {
        return None;
    }
    order.sort_by(|&a, &b| {
        led[b]
            .total()
            .cmp(&led[a].total())
            .then(led[b].overdue.cmp(&led[a].overdue))
            .then(a.cmp(&b))
    });
    let mut sum = Counts::default();
    for &a in &order {
        sum += &led[a];
    }
    let mut args = counts_args(&sum);
    args.push(("n", order.len().to_string()));
    let summary = format!(
        "{} {}",
        c.trf("chart.agencies_summary", &args),
        c.tr("chart.see_table")
    );
    let title = c.tr("chart.agencies_title");
    let bars = order
        .iter()
        .map(|&a| {
            let ag = &d.agencies[a];
            charts::Bar {
                key: ag.id.id.clone(),
                name: ag
                    .short
                    .as_ref()
                    .map(|s| s.plain(c.lang, c.langs))
                    .unwrap_or_else(|| ag.name.plain(c.lang, c.langs))
                    .to_string(),
                counts: bar_counts(&led[a]),
            }
        })
        .collect();
    Some(chart_value(charts::stacked(&charts::Stacked {
        id: "chart-agencies",
        title: &title,
        summary: &summary,
        state_names: state_names(c),
        bars,
    })))
}

/// One agency's tasks by status, for its page.
fn agency_chart(c: &Ctx<'_>, ai: usize, n: &Counts) -> Option<Value> {
    if n.total() == 0 {
        return None;
    }
    let ag = &c.idx.data.agencies[ai];
    let name = ag.name.plain(c.lang, c.langs);
    let mut args = counts_args(n);
    args.push(("name", name.to_string()));
    let summary = c.trf("chart.agency_summary", &args);
    let title = c.trf("chart.agency_title", &[("name", name.to_string())]);
    Some(chart_value(charts::stacked(&charts::Stacked {
        id: "chart-agency",
        title: &title,
        summary: &summary,
        state_names: state_names(c),
        bars: vec![charts::Bar {
            key: ag.id.id.clone(),
            name: ag
                .short
                .as_ref()
                .map(|s| s.plain(c.lang, c.langs))
                .unwrap_or(name)
                .to_string(),
            counts: bar_counts(n),
        }],
    })))
}

/// An indicator's values over time against its target, or its ratings on its scale.
fn indicator_chart(c: &Ctx<'_>, ii: usize) -> Option<Value> {
    let d = c.idx.data;
    let ind = &d.indicators[ii];
    let vals: Vec<&IndicatorValue> = c.idx.ind_values[ii].iter().map(|&x| &d.values[x]).collect();
    let title = ind.title.plain(c.lang, c.langs);
    let row_label = |v: &IndicatorValue| match &v.breakdown {
        Some(b) => format!("{}, {b}", v.period),
        None => v.period.clone(),
    };
    if !ind.scale.is_empty() {
        let levels: Vec<(String, String)> = ind
            .scale
            .iter()
            .map(|l| (l.clone(), scale_label(c, l)))
            .collect();
        let mut rated: Vec<&IndicatorValue> = vals
            .iter()
            .copied()
            .filter(|v| v.value.as_ref().is_some_and(|x| ind.scale.contains(x)))
            .collect();
        rated.sort_by_key(|v| (charts::period_order(&v.period), v.breakdown.clone()));
        if rated.is_empty() {
            return None;
        }
        let ratings: Vec<charts::Rating> = rated
            .iter()
            .map(|v| {
                let level = ind
                    .scale
                    .iter()
                    .position(|l| Some(l) == v.value.as_ref())
                    .unwrap_or(0);
                let change = v.change.as_deref().and_then(|ch| match ch {
                    "increase" => Some(1),
                    "decrease" => Some(-1),
                    "unchanged" => Some(0),
                    _ => None,
                });
                charts::Rating {
                    label: row_label(v),
                    level,
                    change,
                    change_text: v
                        .change
                        .as_deref()
                        .filter(|_| change.is_some())
                        .map(|ch| c.tr(&format!("change.{ch}")))
                        .unwrap_or_default(),
                }
            })
            .collect();
        let (lowest, highest) = (
            levels.first().map(|l| l.1.clone()).unwrap_or_default(),
            levels.last().map(|l| l.1.clone()).unwrap_or_default(),
        );
        let sentences: Vec<String> = ratings
            .iter()
            .map(|r| {
                let mut s = c.trf(
                    "chart.rating",
                    &[
                        ("label", r.label.clone()),
                        ("level", levels[r.level].1.clone()),
                        ("lowest", lowest.clone()),
                        ("highest", highest.clone()),
                    ],
                );
                if !r.change_text.is_empty() {
                    s = format!("{s}; {}", r.change_text);
                }
                format!("{s}.")
            })
            .collect();
        let summary = sentences.join(" ");
        return Some(chart_value(charts::scale(&charts::Scale {
            id: "chart-scale",
            title,
            summary: &summary,
            levels,
            ratings,
        })));
    }
    let mut periods: Vec<&str> = vals
        .iter()
        .filter(|v| v.number.is_some())
        .map(|v| v.period.as_str())
        .collect();
    periods.sort_by_key(|p| charts::period_order(p));
    periods.dedup();
    if periods.is_empty() {
        return None;
    }
    let mut by_breakdown: BTreeMap<Option<&str>, Vec<charts::Point>> = BTreeMap::new();
    for v in &vals {
        if let Some(x) = v.number {
            let period = periods.iter().position(|p| *p == v.period).unwrap_or(0);
            by_breakdown
                .entry(v.breakdown.as_deref())
                .or_default()
                .push(charts::Point { period, value: x });
        }
    }
    let single = by_breakdown.len() == 1;
    let series: Vec<charts::Series> = by_breakdown
        .into_iter()
        .map(|(b, mut points)| {
            points.sort_by_key(|p| p.period);
            charts::Series {
                name: match b {
                    Some(b) => b.to_string(),
                    None if single => String::new(),
                    None => c.tr("chart.all"),
                },
                points,
            }
        })
        .collect();
    let n: usize = series.iter().map(|s| s.points.len()).sum();
    let target = ind.target.as_ref().map(|t| {
        let year = t.year.map(|y| format!(" ({y})")).unwrap_or_default();
        (
            t.value,
            format!("{} {} {}{year}", c.tr("ind.target"), t.op, fmt_num(t.value)),
        )
    });
    let mut summary = c.trf(
        "chart.line_summary",
        &[
            ("n", n.to_string()),
            ("from", periods[0].to_string()),
            ("to", periods[periods.len() - 1].to_string()),
        ],
    );
    if let Some((_, label)) = &target {
        summary.push(' ');
        summary.push_str(&c.trf("chart.line_target", &[("target", label.clone())]));
    }
    if series.len() > 1 {
        let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
        summary.push(' ');
        summary.push_str(&c.trf("chart.series", &[("names", names.join("; "))]));
    }
    summary.push(' ');
    summary.push_str(&c.tr("chart.see_table"));
    let unit = ind
        .unit
        .as_ref()
        .map(|u| u.plain(c.lang, c.langs))
        .unwrap_or("");
    Some(chart_value(charts::line(&charts::Line {
        id: "chart-values",
        title,
        summary: &summary,
        periods: periods.iter().map(|p| p.to_string()).collect(),
        series,
        target,
        unit,
    })))
}

fn plan_counts_for(idx: &Index<'_>, v: &Views) -> Vec<Value> {
    (0..idx.data.plans.len())
        .map(|i| {
            obj([
                ("plan", v.plans[i].clone()),
                (
                    "counts",
                    counts_view(&idx.count_deadlines(idx.plan_tasks[i].iter().copied())),
                ),
                ("transcribed", Value::from(!idx.plan_tasks[i].is_empty())),
            ])
        })
        .collect()
}

/// schema.org/Dataset metadata for the downloads page, so dataset search
/// engines find the data. `<` is escaped so the JSON cannot close its script.
fn dataset_jsonld(c: &Ctx<'_>, site: &Loaded, datasets: &[Dataset]) -> String {
    let cfg = &site.config;
    let dist: Vec<serde_json::Value> = datasets
        .iter()
        .flat_map(|d| d.files.iter())
        .map(|(path, format, _)| {
            serde_json::json!({
                "@type": "DataDownload",
                "encodingFormat": match *format {
                    "CSV" => "text/csv",
                    "XLSX" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    _ => "application/json",
                },
                "contentUrl": cfg.absolute(path),
            })
        })
        .collect();
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": cfg.title.plain(c.lang, c.langs),
        "description": cfg.description.as_ref().map(|d| d.plain(c.lang, c.langs)).unwrap_or(""),
        "url": cfg.absolute(&format!("{}/data/", c.lang)),
        "inLanguage": c.langs,
        "dateModified": cfg.as_of.to_string(),
        "isAccessibleForFree": true,
        "distribution": dist,
    });
    if let Some(l) = cfg.license_url.as_ref().or(cfg.license.as_ref()) {
        v["license"] = serde_json::json!(l);
    }
    serde_json::to_string(&v)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

#[cfg(test)]
mod template_tests {
    use super::*;
    use crate::diag::Sources;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Every template of the default theme is rendered when the rich fixture
    /// is built: as a page's template, or included or extended by one (and
    /// the render succeeds without a template error). A template nothing
    /// renders fails here, so none can rot unseen.
    #[test]
    fn every_template_is_rendered_by_the_rich_fixture() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rich");
        let mut sources = Sources::default();
        let mut diags = Diagnostics::default();
        let site = crate::load::site(&root, &mut sources, &mut diags).expect("fixture loads");
        let theme = crate::theme::load(
            &root,
            &site.config.theme,
            &site.config.languages,
            &mut sources,
            &mut diags,
        )
        .expect("theme loads");
        let idx = Index::build(&site.data, site.config.as_of);
        let (_, datasets) = crate::export::files(&idx, &site.config, "t").expect("datasets");
        let rendered = render(&site, &idx, &theme, &datasets, &mut diags);
        assert!(!diags.has_errors(), "the fixture renders without errors");
        assert!(rendered.is_some());

        let mut used: BTreeSet<String> = ["redirect.html", "sitemap.xml"]
            .into_iter()
            .map(String::from)
            .collect();
        for lang in &site.config.languages {
            let c = Ctx {
                lang,
                langs: &site.config.languages,
                idx: &idx,
                strings: theme.strings.get(lang.as_str()),
            };
            let v = views(&c);
            used.extend(
                jobs_for(&c, &v, &site, &datasets)
                    .iter()
                    .map(|j| j.template.to_string()),
            );
        }
        // Follow `extends` and `include` until nothing new is reached.
        let mut todo: Vec<String> = used.iter().cloned().collect();
        while let Some(name) = todo.pop() {
            let src = &theme.templates.get(&name).expect("known template").0;
            for kw in ["include \"", "extends \""] {
                for (i, _) in src.match_indices(kw) {
                    let rest = &src[i + kw.len()..];
                    let target = &rest[..rest.find('"').unwrap_or(0)];
                    if used.insert(target.to_string()) {
                        todo.push(target.to_string());
                    }
                }
            }
        }
        let all: BTreeSet<String> = crate::theme::TEMPLATES
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        let unused: Vec<&String> = all.difference(&used).collect();
        assert!(unused.is_empty(), "templates never rendered: {unused:?}");
    }
}
