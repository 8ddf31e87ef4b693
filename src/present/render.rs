//! Rendering every page of the site contract, in every language, from the
//! theme's templates. Record views are built once per language; pages are
//! rendered in parallel from them and written through the writer as they come.

use crate::check::index::Index;
use crate::diag::{Diagnostics, Loc};
use crate::model::{Collection, Records, address};
use crate::present::search;
use crate::present::views::{Ctx, FacetValues, Job, link_for, list, obj, opt, page_link, views};
use crate::publish::export::Dataset;
use crate::publish::output::Writer;
use crate::source::config::Config;
use crate::source::load::Loaded;
use crate::source::markdown;
use crate::source::theme::{self as i18n, Look};
use minijinja::{Environment, ErrorKind, State, UndefinedBehavior, Value};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// What rendering one page came to.
enum PageOutcome {
    /// Written; with the hash of its template and context, whether it was
    /// rendered now (not taken from the cache), and its bytes when a cache
    /// keeps them.
    Done(u64, bool, Option<bytes::Bytes>),
    Template(minijinja::Error),
    Io(std::io::Error),
}

pub struct Rendered {
    pub pages: usize,
    /// Pages rendered by this call; the others were unchanged in the cache.
    pub rendered: usize,
    pub datasets: usize,
}

/// Why rendering stopped (already reported as a diagnostic).
pub enum Failed {
    /// The data or the theme needs fixing (a template error, a cell a
    /// workbook cannot hold).
    Content,
    /// The output could not be written.
    Io,
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
    pages: HashMap<String, (u64, bytes::Bytes)>,
}

/// HTML and XML templates escape what they print, as the site needs it.
fn set_escaping(env: &mut Environment<'_>) {
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
            return markdown::escape_into(out, s).map_err(minijinja::Error::from);
        }
        minijinja::escape_formatter(out, state, value)
    });
}

/// The interface strings of every language as the templates see them, each
/// already a template value, so a lookup neither compares long keys nor
/// copies the text: for each language of the site or the theme, every key
/// English or that language has, as the one lookup (`source::theme::string`) gives it.
struct TemplateStrings {
    by_lang: HashMap<String, HashMap<String, Value>>,
    default_lang: String,
}

impl TemplateStrings {
    fn new(theme: &Look, config: &Config) -> TemplateStrings {
        let strings = &theme.strings;
        let by_lang = strings
            .keys()
            .chain(&config.languages)
            .map(|lang| {
                let table = [i18n::REFERENCE_LANG, lang.as_str()]
                    .into_iter()
                    .filter_map(|l| strings.get(l))
                    .flat_map(BTreeMap::keys)
                    .filter_map(|k| {
                        i18n::string(strings, lang, k).map(|s| (k.clone(), Value::from(s)))
                    })
                    .collect();
                (lang.clone(), table)
            })
            .collect();
        TemplateStrings {
            by_lang,
            default_lang: config.default_lang().to_string(),
        }
    }

    /// `key` in `lang` (else in English), or a template error naming a key
    /// no language has: a template may name any key, and a wrong one is
    /// the theme's mistake, reported with its file and line.
    fn get(&self, lang: &str, key: &str) -> Result<Value, minijinja::Error> {
        self.by_lang
            .get(lang)
            .and_then(|m| m.get(key))
            .cloned()
            .ok_or_else(|| {
                minijinja::Error::new(
                    ErrorKind::UndefinedError,
                    format!("no interface string `{key}`"),
                )
            })
    }

    /// `tr` bound to one language, put in each page's context: templates
    /// call it dozens of times a page, and the global `tr` had to look up
    /// the page's `lang` through every scope at each call.
    fn tr_for(self: &Arc<Self>, lang: &str) -> Value {
        let (strings, lang) = (self.clone(), lang.to_string());
        Value::from_function(move |key: &str| strings.get(&lang, key))
    }
}

pub fn environment(theme: &Look, config: &Config) -> Environment<'static> {
    environment_with(Arc::new(TemplateStrings::new(theme, config)), theme)
}

fn environment_with(strings: Arc<TemplateStrings>, theme: &Look) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_debug(true);
    set_escaping(&mut env);
    minijinja_contrib::add_to_environment(&mut env);
    for (name, (src, _)) in &theme.templates {
        // Errors surface at render time with the template's name and line.
        let _ = env.add_template_owned(name.clone(), src.clone());
    }
    let default_lang = strings.default_lang.clone();
    // For templates rendered outside a page (the root redirect, sitemaps):
    // pages have their own `tr` in their context (`TemplateStrings::tr_for`).
    env.add_function(
        "tr",
        move |state: &State, key: &str| -> Result<Value, minijinja::Error> {
            let lang = state.lookup("lang");
            let lang = lang
                .as_ref()
                .and_then(|l| l.as_str())
                .unwrap_or(&strings.default_lang);
            strings.get(lang, key)
        },
    );
    // As `tr`: pages have their own `link` (`views::link_for`).
    env.add_function(
        "link",
        move |state: &State, name: &str, id: Option<Value>| -> Result<String, minijinja::Error> {
            let lang = state.lookup("lang");
            let lang = lang
                .as_ref()
                .and_then(|l| l.as_str())
                .unwrap_or(&default_lang);
            page_link(lang, name, id.as_ref())
        },
    );
    // Text views (`Ctx::txt`) carry their markup ready for the page's
    // language; anything else is shown as escaped text.
    env.add_filter("txt", |x: Value| -> Value {
        if x.is_undefined() || x.is_none() {
            return Value::from_safe_string(String::new());
        }
        match x.get_attr("shown") {
            Ok(ready) if !ready.is_undefined() => ready,
            _ => Value::from_safe_string(markdown::escape(&x.to_string())),
        }
    });
    add_memo(&mut env);
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
    env
}

/// `{% call memo("name", key…) %}…{% endcall %}`: the block's output is
/// made once per environment (a build) for each name and key, and reused on
/// every page with the same ones. The page chrome (header, main navigation,
/// footer) is the same on thousands of pages; the theme says what each part
/// depends on, so what is shared stays the theme's choice.
fn add_memo(env: &mut Environment<'_>) {
    let memo = Arc::new(std::sync::RwLock::new(HashMap::<String, Value>::new()));
    env.add_function(
        "memo",
        move |state: &mut State<'_, '_>,
              key: minijinja::value::Rest<Value>,
              kwargs: minijinja::value::Kwargs|
              -> Result<Value, minijinja::Error> {
            let caller: Value = kwargs.get("caller")?;
            kwargs.assert_all_used()?;
            let key = memo_key(&key)?;
            if let Some(v) = memo.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
                return Ok(v.clone());
            }
            let made = caller.call(state, &[])?;
            memo.write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key, made.clone());
            Ok(made)
        },
    );
}

/// The key of a `memo` block: its name and key values, each with its kind,
/// so that `true`, `1` and `"1"` are different keys (minijinja's own
/// equality holds `true == 1`). Only plain values may be keys: a map or a
/// list would have to be compared whole, and a wrong key would show one
/// page's chrome on another.
fn memo_key(parts: &[Value]) -> Result<String, minijinja::Error> {
    use minijinja::value::ValueKind;
    use std::fmt::Write as _;
    if parts.first().is_none_or(|p| p.kind() != ValueKind::String) {
        return Err(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            "memo needs a name (a string) first, then the values the block depends on",
        ));
    }
    let mut key = String::with_capacity(64);
    for p in parts {
        let tag = match p.kind() {
            ValueKind::Undefined | ValueKind::None => 'n',
            ValueKind::Bool => 'b',
            ValueKind::Number => '#',
            ValueKind::String if p.is_safe() => 'h',
            ValueKind::String => 's',
            other => {
                return Err(minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    format!("a memo key is strings, numbers, booleans or none, not a {other}"),
                ));
            }
        };
        // Each part's length first, so no text can pass for two parts.
        let text = p.to_string();
        let _ = write!(key, "{tag}{}:{text}", text.len());
    }
    Ok(key)
}

/// A page's context as one flat map: the render's fields (which win, as
/// they did in `context! { lang, …, ..made }`) and the fields of the page's
/// own context `made`. Every name a template reads that is not a local
/// (`tr`, `lang`, `page`, the page's own fields) is looked up here; in
/// merged maps nested two deep each lookup asked every layer in turn, and a
/// miss (every call of a global) asked them all.
fn page_context<const N: usize>(fixed: [(&'static str, Value); N], made: Value) -> Value {
    let mut fields: Vec<(Value, Value)> = Vec::with_capacity(N + 24);
    if let Ok(keys) = made.try_iter() {
        for k in keys {
            if k.as_str()
                .is_some_and(|k| fixed.iter().any(|(f, _)| *f == k))
            {
                continue;
            }
            match made.get_item(&k) {
                Ok(v) if !v.is_undefined() => fields.push((k, v)),
                _ => {}
            }
        }
    }
    fields.extend(fixed.into_iter().map(|(k, v)| (Value::from(k), v)));
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    Value::from_object(PageContext {
        tags: fields
            .iter()
            .map(|(k, _)| crate::present::views::tag(k.as_str().unwrap_or_default()))
            .collect(),
        fields,
    })
}

/// See [`page_context`]; kept in key order, so it iterates as a sorted map.
/// Looked up by key tags, as record views are (`views::tag`).
#[derive(Debug)]
struct PageContext {
    tags: Box<[u64]>,
    fields: Vec<(Value, Value)>,
}

impl minijinja::value::Object for PageContext {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        crate::present::views::find_tagged(&self.tags, key, |i| {
            self.fields[i].0.as_str().unwrap_or_default()
        })
        .map(|i| self.fields[i].1.clone())
    }

    fn enumerate(self: &Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Values(self.fields.iter().map(|(k, _)| k.clone()).collect())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.fields.len())
    }
}

/// Turns a template error into a diagnostic pointing at the template line.
pub fn template_error(e: &minijinja::Error, theme: &Look, page: &str, d: &mut Diagnostics) {
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

/// What every page is made from, and where it goes.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    /// The site's settings, data and content pages.
    pub site: &'a Loaded,
    pub idx: &'a Index<'a>,
    pub theme: &'a Look,
    /// Every page is written through it, as it is rendered.
    pub out: &'a Writer,
}

/// Renders every page into `input.out`, reusing the pages of `cache` whose
/// inputs did not change and leaving this build's pages in it (only when
/// the whole build rendered). Each page's context is built, rendered and
/// written in one go on the render threads. `datasets`: every dataset
/// `export::write` made (the downloads page shows their sizes).
pub fn render_with(
    input: &Input<'_>,
    d: &mut Diagnostics,
    cache: Option<&mut PageCache>,
    datasets: Vec<Dataset>,
) -> Result<Rendered, Failed> {
    render_inner(input, d, cache, datasets, None)
}

/// Renders only the pages at `only` (output paths such as
/// `en/tasks/x/index.html`), with the same bytes as [`render_with`] gives
/// them, and adds them to `cache`: `lotrinh serve` renders the pages open
/// in the browser first. Nothing else is made (no datasets, search index,
/// feeds or sitemaps; the downloads page needs the datasets, so it is
/// never among them).
pub fn render_only(
    input: &Input<'_>,
    d: &mut Diagnostics,
    cache: Option<&mut PageCache>,
    only: &std::collections::HashSet<String>,
) -> Result<Rendered, Failed> {
    render_inner(input, d, cache, Vec::new(), Some(only))
}

/// [`render_with`], or [`render_only`] where `only` selects the pages.
fn render_inner(
    input: &Input<'_>,
    d: &mut Diagnostics,
    mut cache: Option<&mut PageCache>,
    datasets: Vec<Dataset>,
    only: Option<&std::collections::HashSet<String>>,
) -> Result<Rendered, Failed> {
    let Input {
        site,
        idx,
        theme,
        out,
    } = *input;
    let cfg = &site.config;
    let strings = Arc::new(TemplateStrings::new(theme, cfg));
    let env = environment_with(strings.clone(), theme);
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
    let ctxs: Vec<Ctx<'_>> = langs
        .iter()
        .map(|lang| Ctx {
            lang,
            langs,
            idx,
            strings: &theme.strings,
        })
        .collect();
    let names: BTreeMap<&str, Value> = langs
        .iter()
        .map(|l| {
            (
                l.as_str(),
                Value::from(i18n::string(&theme.strings, l, "lang.name").unwrap_or(l)),
            )
        })
        .collect();
    // The site's own view is the same for every page of a language: built
    // once per language, not once per page.
    let site_views: HashMap<&str, Value> = langs
        .iter()
        .map(|l| (l.as_str(), site_value(cfg, l, langs, site)))
        .collect();
    let tr: HashMap<&str, Value> = langs
        .iter()
        .map(|l| (l.as_str(), strings.tr_for(l)))
        .collect();
    let link: HashMap<&str, Value> = langs.iter().map(|l| (l.as_str(), link_for(l))).collect();
    let default = cfg.default_lang();
    let render_one = |job: &Job<'_>| -> PageOutcome {
        // A host serves the 404 page at whatever address was missed, so
        // its links start from the site's root instead of the page.
        let root = if job.template == "404.html" {
            cfg.base_path()
        } else {
            "../".repeat(job.path.matches('/').count())
        };
        let alternates: Vec<Value> = alternates(&job.path, job.lang, langs)
            .map(|(l, p)| {
                let dir = page_dir(&p);
                obj([
                    ("lang", Value::from(l)),
                    ("name", names.get(l).cloned().unwrap_or(Value::from(l))),
                    ("url", Value::from(cfg.absolute(&dir))),
                    ("path", Value::from(dir)),
                ])
            })
            .collect();
        let dir = page_dir(&job.path);
        // The main navigation marks the section a page is in ("en/tasks/x/"
        // is in `tasks`), as the current page on the section's own list.
        let mut parts = dir.split('/').filter(|s| !s.is_empty());
        let section = parts.nth(1).unwrap_or_default().to_string();
        let is_index = parts.next().is_none();
        let page = obj([
            ("canonical", Value::from(cfg.absolute(&dir))),
            ("section", Value::from(section)),
            ("is_index", Value::from(is_index)),
            ("path", Value::from(dir)),
            ("alternates", list(alternates)),
        ]);
        let ctx = page_context(
            [
                ("lang", Value::from(job.lang)),
                ("root", Value::from(root)),
                ("page", page),
                ("site", site_views[job.lang].clone()),
                ("tr", tr[job.lang].clone()),
                ("link", link[job.lang].clone()),
            ],
            (job.make)(),
        );
        let key = previous.map(|_| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            job.template.hash(&mut h);
            crate::present::views::hash_value(&ctx, &mut h);
            h.finish()
        });
        let cached = match (previous, key) {
            (Some(prev), Some(key)) => prev
                .get(&job.path)
                .filter(|(k, _)| *k == key)
                .map(|(_, bytes)| bytes.clone()),
            _ => None,
        };
        let fresh = cached.is_none();
        let bytes: bytes::Bytes = match cached {
            Some(b) => b,
            None => {
                let html = env.get_template(job.template).and_then(|t| t.render(ctx));
                match html {
                    Ok(h) => h.into_bytes().into(),
                    Err(e) => return PageOutcome::Template(e),
                }
            }
        };
        let keep = previous.map(|_| bytes.clone());
        // Hosts look for /404.html at the root (GitHub Pages, Netlify,
        // nginx error_page): the default language's, whose links start
        // at the root.
        if job.template == "404.html"
            && job.lang == default
            && let Err(e) = out.put("404.html", bytes.clone())
        {
            return PageOutcome::Io(e);
        }
        if let Err(e) = out.put(&job.path, bytes) {
            return PageOutcome::Io(e);
        }
        PageOutcome::Done(key.unwrap_or(0), fresh, keep)
    };
    let (mut pages, mut rendered) = (0, 0);
    let mut kept = Vec::new();
    // (path, the place of its language in `langs`) of every page, for the sitemap.
    let mut written: Vec<(String, usize)> = Vec::new();
    let mut take = |job: &Job<'_>, page: PageOutcome, d: &mut Diagnostics| -> Result<(), Failed> {
        // A list's filter options (`filters.json`) are a file, not a page.
        let html = job.path.ends_with(".html");
        pages += usize::from(html);
        match page {
            PageOutcome::Done(key, fresh, bytes) => {
                rendered += usize::from(fresh);
                if let Some(b) = bytes {
                    kept.push((job.path.clone(), (key, b)));
                }
            }
            PageOutcome::Template(e) => {
                template_error(&e, theme, &job.path, d);
                return Err(Failed::Content);
            }
            PageOutcome::Io(e) => {
                d.error(None, format!("cannot write {}: {e}", job.path));
                return Err(Failed::Io);
            }
        }
        if job.template != "404.html"
            && html
            && let Some(lang) = langs.iter().position(|l| l == job.lang)
        {
            written.push((job.path.clone(), lang));
        }
        Ok(())
    };
    // One language at a time, so only one language's record views are
    // held. (The search index was made beside the datasets, before.)
    let facets = Arc::new(FacetValues::build(idx));
    for c in &ctxs {
        if let Some(only) = only {
            // Record views only for a language with a page to render.
            let mine = |p: &String| p.strip_prefix(c.lang).is_some_and(|r| r.starts_with('/'));
            if !only.iter().any(mine) {
                continue;
            }
            let v = views(c, &facets);
            let mut jobs = crate::present::pages::jobs(c, &v, site);
            jobs.retain(|j| only.contains(&j.path));
            let results: Vec<PageOutcome> = jobs.par_iter().map(render_one).collect();
            for (job, page) in jobs.iter().zip(results) {
                take(job, page, d)?;
            }
            // Freed beside the reload the open pages wait for, not before it.
            drop(jobs);
            rayon::spawn(move || drop(v));
            continue;
        }
        let v = views(c, &facets);
        let jobs = crate::present::pages::jobs(c, &v, site);
        crate::progress::trace(&format!("{}: record views made", c.lang));
        // One page per piece of work: split by halves alone, rayon left one
        // core the last run of list pages (the heaviest, made last) with
        // nothing to steal, while the other idled for 0.8 s per language
        // at 10,000 records.
        let results: Vec<PageOutcome> = jobs.par_iter().with_max_len(1).map(render_one).collect();
        crate::progress::trace(&format!("{}: pages written", c.lang));
        for (job, page) in jobs.iter().zip(results) {
            take(job, page, d)?;
        }
    }
    if only.is_some() {
        // Beside the pages cached before: the others are still good.
        if let Some(c) = cache {
            c.pages.extend(kept);
        }
        rayon::spawn(move || drop(facets));
        return Ok(Rendered {
            pages,
            rendered,
            datasets: 0,
        });
    }
    let data_pages: Vec<Job<'_>> = ctxs
        .iter()
        .map(|c| crate::present::pages::data_page(c, site, &datasets))
        .collect();
    for job in &data_pages {
        take(job, render_one(job), d)?;
    }
    if let Some(c) = cache {
        c.pages = kept.into_iter().collect();
    }
    let mut extra: Vec<(String, Vec<u8>)> = Vec::new();
    // Root index leads to the default language; sitemap and robots for crawlers.
    let redirect = env
        .get_template("redirect.html")
        .and_then(|t| t.render(minijinja::context! { lang => default, target => address::home(default), site => site_views[default].clone(), langs => langs.clone(), names => names.clone() }));
    let redirect = match redirect {
        Ok(r) => r,
        Err(e) => {
            template_error(&e, theme, "index.html", d);
            return Err(Failed::Content);
        }
    };
    extra.push(("index.html".into(), redirect.into_bytes()));
    // Feeds and the calendar of each language (one feed per agency: 800 at
    // 400 agencies), beside the sitemaps: each file on its own, where one
    // core made them all after the last page, and each handed to the writer
    // as soon as it is made (all of them held at once were 24 MB at 10,000
    // records, the build's peak).
    let (feeds, maps) = rayon::join(
        || ctxs.iter().try_for_each(|c| write_feeds(cfg, idx, c, out)),
        || sitemaps(&env, cfg, written, SITEMAP_MAX),
    );
    if let Err((path, e)) = feeds {
        d.error(None, format!("cannot write {path}: {e}"));
        return Err(Failed::Io);
    }
    match maps {
        Ok(files) => extra.extend(files),
        Err(e) => {
            template_error(&e, theme, "sitemap.xml", d);
            return Err(Failed::Content);
        }
    }
    extra.push((
        "robots.txt".into(),
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}\n",
            cfg.absolute("sitemap.xml")
        )
        .into_bytes(),
    ));
    for (path, bytes) in extra {
        if let Err(e) = out.put(&path, bytes) {
            d.error(None, format!("cannot write {path}: {e}"));
            return Err(Failed::Io);
        }
    }
    for (name, bytes) in &theme.statics {
        if let Err(e) = out.put(&format!("static/{name}"), bytes.clone()) {
            d.error(None, format!("cannot write static/{name}: {e}"));
            return Err(Failed::Io);
        }
    }
    Ok(Rendered {
        pages,
        rendered,
        datasets: datasets.len(),
    })
}

/// The search index of every language, each file written as it is made.
pub fn search_index(input: &Input<'_>) -> std::io::Result<()> {
    let cfg = &input.site.config;
    for lang in &cfg.languages {
        let c = Ctx {
            lang,
            langs: &cfg.languages,
            idx: input.idx,
            strings: &input.theme.strings,
        };
        let words = crate::present::labels::LabelWords::new(|k| c.tr(k));
        let docs = search::docs(c.idx, cfg, c.lang, input.site, &words);
        search::write(
            &docs,
            c.lang,
            |k| c.tr(k),
            search::SHARD_POSTINGS,
            &mut |path, bytes| input.out.put(&path, bytes).map(|_| ()),
        )?;
    }
    crate::progress::trace("search index written");
    Ok(())
}

/// Most URLs one sitemap file may list (sitemaps.org).
const SITEMAP_MAX: usize = 50_000;

/// A language's feeds, made from the data and `as_of`, never the clock: the
/// site's updates, each agency's, then the calendar of deadlines. Each is
/// written as soon as it is made; an error names the file.
fn write_feeds(
    cfg: &Config,
    idx: &Index<'_>,
    c: &Ctx<'_>,
    out: &Writer,
) -> Result<(), (String, std::io::Error)> {
    use crate::present::feeds;
    let (lang, langs) = (c.lang, c.langs);
    let put = |path: String, bytes: Vec<u8>| match out.put(&path, bytes) {
        Ok(_) => Ok(()),
        Err(e) => Err((path, e)),
    };
    let tr = |k: &str| c.tr(k);
    let l = feeds::Lang {
        lang,
        langs,
        tr: &tr,
    };
    let site_title = cfg.title.plain(lang, langs);
    let all: Vec<_> = idx.data.progress.ixs().rev().collect();
    put(
        address::updates_feed(lang),
        feeds::atom(
            cfg,
            &l,
            idx,
            &address::updates_feed(lang),
            &address::updates(lang),
            &format!("{}: {}", site_title, c.tr("nav.updates")),
            &all,
        ),
    )?;
    let agencies: Vec<_> = idx.data.agencies.enumerated().collect();
    agencies.par_iter().try_for_each(|&(ai, a)| {
        let page = Collection::Agencies.page(lang, &a.id.id);
        let path = feeds::agency_feed(lang, &a.id.id);
        let title = format!(
            "{} {} · {site_title}",
            c.tr("updates.agency_title"),
            a.name.plain(lang, langs)
        );
        let bytes = feeds::atom(cfg, &l, idx, &path, &page, &title, &idx.agency_progress[ai]);
        put(path, bytes)
    })?;
    put(address::calendar(lang), feeds::ics(cfg, &l, idx))
}

/// `sitemap.xml` from the theme's template; past `max` pages
/// ([`SITEMAP_MAX`] in a build), one such file per `max` pages under
/// `sitemaps/` and `sitemap.xml` an index of them.
/// `pages`: (path, the place of its language in the site's languages).
fn sitemaps(
    env: &Environment<'_>,
    cfg: &Config,
    pages: Vec<(String, usize)>,
    max: usize,
) -> Result<Vec<(String, Vec<u8>)>, minijinja::Error> {
    let tmpl = env.get_template("sitemap.xml")?;
    let max = max.max(1);
    let pages: Arc<[(String, usize)]> = pages.into();
    let render = |part: std::ops::Range<usize>| -> Result<Vec<u8>, minijinja::Error> {
        let chunk = &pages[part.clone()];
        let entries = Value::from_object(SitemapEntries {
            base: cfg.base_url.clone(),
            langs: cfg.languages.clone(),
            pages: pages.clone(),
            part,
        });
        // Room for every address with generous markup, reserved at once:
        // grown by doubling, the file (5.6 MB at 10,000 records) left its
        // smaller copies behind, a tenth of the build's peak memory. Room
        // never written to costs no memory.
        let n = cfg.languages.len() + 1;
        let base = cfg.base_url.as_str().len();
        let urls: usize = chunk
            .iter()
            .map(|(p, _)| base + p.strip_suffix("index.html").unwrap_or(p).len())
            .sum();
        let mut buf = Vec::with_capacity(2 * (urls * n + chunk.len() * 64 * n) + 4096);
        tmpl.render_captured_to(minijinja::context! { entries => entries }, &mut buf)?;
        Ok(buf)
    };
    if pages.len() <= max {
        return Ok(vec![("sitemap.xml".into(), render(0..pages.len())?)]);
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, start) in (0..pages.len()).step_by(max).enumerate() {
        let name = format!("sitemaps/sitemap-{}.xml", i + 1);
        index.push_str("<sitemap><loc>");
        index.push_str(&markdown::escape(&cfg.absolute(&name)));
        index.push_str("</loc></sitemap>\n");
        files.push((name, render(start..(start + max).min(pages.len()))?));
    }
    index.push_str("</sitemapindex>\n");
    files.push(("sitemap.xml".into(), index.into_bytes()));
    Ok(files)
}

/// The same page in each language (for the switch, hreflang and the
/// sitemap): `vi/tasks/x/index.html` → (`en`, `en/tasks/x/index.html`), ….
fn alternates<'l>(
    path: &str,
    lang: &str,
    langs: &'l [String],
) -> impl Iterator<Item = (&'l str, String)> {
    let rest = path.strip_prefix(lang).unwrap_or(path).to_string();
    langs
        .iter()
        .map(move |l| (l.as_str(), format!("{l}{rest}")))
}

/// A sitemap's entries, each made when the template reaches it: made all
/// at once they were ~10 MB of values on a 10,000-record site, the build's
/// peak of memory.
#[derive(Debug)]
struct SitemapEntries {
    base: crate::source::config::BaseUrl,
    langs: Vec<String>,
    /// Every page of the site, shared by the sitemap files (see [`sitemaps`]).
    pages: Arc<[(String, usize)]>,
    /// The pages of this file.
    part: std::ops::Range<usize>,
}

impl minijinja::value::Object for SitemapEntries {
    fn repr(self: &Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let (path, lang) = self.pages[self.part.clone()].get(key.as_usize()?)?;
        let lang = self.langs.get(*lang)?;
        Some(obj([
            ("loc", Value::from(self.base.join(&page_dir(path)))),
            (
                "alternates",
                list(
                    alternates(path, lang, &self.langs)
                        .map(|(l, p)| {
                            obj([
                                ("lang", Value::from(l)),
                                ("url", Value::from(self.base.join(&page_dir(&p)))),
                            ])
                        })
                        .collect(),
                ),
            ),
        ]))
    }

    fn enumerate(self: &Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Seq(self.part.len())
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
                    ("path", Value::from(address::content(lang, slug))),
                ])
            })
            .collect()
    };
    // Where "past deadline, no completion recorded" is explained: the
    // site's methodology page when it has one.
    let methodology = site
        .pages
        .iter()
        .any(|p| p.slug == "methodology")
        .then(|| address::content(lang, "methodology"));
    obj([
        ("methodology", opt(methodology)),
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
        (
            "publisher",
            opt(cfg
                .publisher
                .as_ref()
                .map(|p| p.plain(lang, langs).to_string())),
        ),
        ("contact", contact_view(cfg.contact.as_ref())),
        ("report_error", contact_view(cfg.report_error.as_ref())),
    ])
}

/// A checked address of site.yaml (`contact`, `report_error`) for links.
fn contact_view(c: Option<&crate::source::config::Contact>) -> Value {
    match c {
        Some(c) => obj([
            ("text", Value::from(c.text.as_str())),
            ("href", Value::from(c.href.as_str())),
        ]),
        None => Value::from(()),
    }
}

#[cfg(test)]
mod sitemap_tests {
    use super::*;

    fn config() -> Config {
        Config::example(&["vi", "en"], "https://example.org/t/")
    }

    fn env() -> Environment<'static> {
        let mut env = Environment::new();
        set_escaping(&mut env);
        env.add_template(
            "sitemap.xml",
            include_str!("../../themes/default/templates/sitemap.xml"),
        )
        .unwrap();
        env
    }

    /// `n` Vietnamese pages (the first of `config()`'s languages).
    fn pages(n: usize) -> Vec<(String, usize)> {
        (0..n)
            .map(|i| (format!("vi/tasks/t{i}/index.html"), 0))
            .collect()
    }

    #[test]
    fn a_small_site_has_one_sitemap_with_every_page_and_its_alternates() {
        let files = sitemaps(&env(), &config(), pages(3), 3).unwrap();
        assert_eq!(files.len(), 1);
        let (name, xml) = &files[0];
        assert_eq!(name, "sitemap.xml");
        let xml = String::from_utf8(xml.clone()).unwrap();
        assert_eq!(xml.matches("<url>").count(), 3);
        assert!(xml.contains("<loc>https://example.org/t/vi/tasks/t2/</loc>"));
        assert!(xml.contains(r#"hreflang="en" href="https://example.org/t/en/tasks/t2/""#));
    }

    #[test]
    fn past_the_limit_sitemap_xml_is_an_index_of_files_within_it() {
        let files = sitemaps(&env(), &config(), pages(5), 2).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemaps/sitemap-1.xml",
                "sitemaps/sitemap-2.xml",
                "sitemaps/sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let counts: Vec<usize> = files[..3]
            .iter()
            .map(|(_, x)| String::from_utf8_lossy(x).matches("<url>").count())
            .collect();
        assert_eq!(counts, [2, 2, 1]);
        let index = String::from_utf8(files[3].1.clone()).unwrap();
        assert!(index.contains("<sitemapindex"));
        assert_eq!(index.matches("<sitemap><loc>").count(), 3);
        assert!(index.contains("<loc>https://example.org/t/sitemaps/sitemap-3.xml</loc>"));
    }
}

#[cfg(test)]
mod template_tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every template of the default theme is rendered when the rich fixture
    /// is built: as a page's template, or included or extended by one (and
    /// the render succeeds without a template error). A template nothing
    /// renders fails here, so none can rot unseen.
    #[test]
    fn every_template_is_rendered_by_the_rich_fixture() {
        let (site, theme, mut diags) = crate::source::rich_fixture();
        let idx = Index::build(&site.data, site.config.as_of);
        let out = Writer::discard();
        let words = crate::publish::words::Words::new(&theme.strings);
        let exported = crate::publish::export::write(&idx, &site.config, &words, "t", &out)
            .ok()
            .expect("datasets");
        let datasets = exported.datasets();
        let input = Input {
            site: &site,
            idx: &idx,
            theme: &theme,
            out: &out,
        };
        let rendered = render_with(&input, &mut diags, None, datasets);
        assert!(!diags.has_errors(), "the fixture renders without errors");
        assert!(rendered.is_ok());

        // A paged list's options (filters.json): the rich fixture's lists
        // fit on one page; tests/paging.rs renders it.
        let mut used: BTreeSet<String> = ["redirect.html", "sitemap.xml", "filters.json"]
            .into_iter()
            .map(String::from)
            .collect();
        for lang in &site.config.languages {
            let c = Ctx {
                lang,
                langs: &site.config.languages,
                idx: &idx,
                strings: &theme.strings,
            };
            let v = views(&c, &Arc::new(FacetValues::build(&idx)));
            used.extend(
                crate::present::pages::jobs(&c, &v, &site)
                    .iter()
                    .chain([&crate::present::pages::data_page(&c, &site, &[])])
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
        let all: BTreeSet<String> = crate::source::theme::TEMPLATES
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        let unused: Vec<&String> = all.difference(&used).collect();
        assert!(unused.is_empty(), "templates never rendered: {unused:?}");
    }

    /// Every interface string is looked up by one rule
    /// (`source::theme::string`): the page's language, else English. The
    /// templates' `tr`, `Ctx::tr` (text made in Rust: chart summaries,
    /// labels, feeds) and the datasets' words give the same string for
    /// every key, in the site's languages and in one with no i18n file
    /// (`fr`), where `Ctx::tr` used to give the key itself.
    #[test]
    fn templates_rust_and_datasets_look_up_interface_strings_alike() {
        let (site, look, diags) = crate::source::rich_fixture();
        assert!(!diags.has_errors());
        let mut config = site.config.clone();
        config.languages.push("fr".into());
        assert!(!look.strings.contains_key("fr"), "fr has no i18n file");
        let env = environment(&look, &config);
        let tr = env.template_from_str("{{ tr(key) }}").unwrap();
        let idx = Index::build(&site.data, config.as_of);
        let words = crate::publish::words::Words::new(&look.strings);
        let english = &look.strings["en"];
        for lang in ["vi", "en", "fr"] {
            let c = Ctx {
                lang,
                langs: &config.languages,
                idx: &idx,
                strings: &look.strings,
            };
            for key in english.keys() {
                let in_template = tr.render(minijinja::context! { lang, key }).unwrap();
                assert_eq!(c.tr(key), in_template, "`{key}` in {lang}");
                assert_eq!(
                    words.get(lang, key).unwrap(),
                    in_template,
                    "`{key}` in {lang}"
                );
            }
        }
        let fr = Ctx {
            lang: "fr",
            langs: &config.languages,
            idx: &idx,
            strings: &look.strings,
        };
        assert_eq!(fr.tr("chart.see_table"), english["chart.see_table"]);
        assert_eq!(fr.num().group, english["number.group"]);
    }
}

#[cfg(test)]
mod memo_tests {
    use super::*;

    fn env() -> Environment<'static> {
        let mut env = Environment::new();
        set_escaping(&mut env);
        add_memo(&mut env);
        env.add_template(
            "t.html",
            r#"{% call memo("part", k) %}<b>{{ n }}</b>{% endcall %}|{% call memo("other", k) %}{{ n }}{% endcall %}"#,
        )
        .unwrap();
        env
    }

    fn render(env: &Environment<'_>, k: Value, n: &str) -> Result<String, minijinja::Error> {
        env.get_template("t.html")?
            .render(minijinja::context! { k => k, n => n })
    }

    #[test]
    fn a_block_is_made_once_per_name_and_key_and_reused() {
        let env = env();
        assert_eq!(render(&env, Value::from("a"), "1").unwrap(), "<b>1</b>|1");
        // Same key: the first output, even though `n` changed.
        assert_eq!(render(&env, Value::from("a"), "2").unwrap(), "<b>1</b>|1");
        // Another key: made again, escaped as any output.
        assert_eq!(
            render(&env, Value::from("b"), "<2>").unwrap(),
            "<b>&lt;2&gt;</b>|&lt;2&gt;"
        );
    }

    #[test]
    fn keys_of_other_kinds_never_meet() {
        let env = env();
        assert_eq!(render(&env, Value::from(true), "t").unwrap(), "<b>t</b>|t");
        assert_eq!(render(&env, Value::from(1), "1").unwrap(), "<b>1</b>|1");
        assert_eq!(render(&env, Value::from("1"), "s").unwrap(), "<b>s</b>|s");
        assert_eq!(render(&env, Value::from(()), "n").unwrap(), "<b>n</b>|n");
        assert_eq!(
            render(&env, Value::from("true"), "u").unwrap(),
            "<b>u</b>|u"
        );
    }

    #[test]
    fn a_key_that_is_a_map_or_a_list_or_no_name_is_an_error() {
        let env = env();
        let e = render(&env, Value::from(vec![1, 2]), "x").unwrap_err();
        assert!(e.to_string().contains("memo key"), "{e}");
        let e = memo_key(&[Value::from(1)]).unwrap_err();
        assert!(e.to_string().contains("name"), "{e}");
        // No text can pass for two parts.
        assert_ne!(
            memo_key(&[Value::from("a"), Value::from("b:c")]).unwrap(),
            memo_key(&[Value::from("a"), Value::from("b"), Value::from("c")]).unwrap()
        );
    }
}
