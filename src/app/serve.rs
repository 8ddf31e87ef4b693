//! `lotrinh serve`: build, serve the built site from memory on 127.0.0.1,
//! watch the site's sources, rebuild on change and reload open pages.
//!
//! The first build writes the output folder as `lotrinh build` does and
//! keeps every file in memory too; requests are answered from memory. A
//! rebuild after an edit is made in memory only (rendering just the pages
//! whose context changed, see [`PageCache`]), swapped in, and open pages are
//! told to reload at once; the output folder is brought up to date after
//! that, on its own thread, writing only the files that changed. So the
//! reload never waits for the disk, and the folder still ends up holding
//! exactly the served site. Paths are answered as a static host does: the
//! base URL's path, `index.html` for folders, the language's `404.html` for
//! missing paths. A failed rebuild changes nothing, so the last good site
//! stays served, with the errors shown over every page until they are fixed.

use crate::app::report::{self, Format};
use crate::present::render::PageCache;
use crate::progress::Steps;
use crate::publish::output::{Files, WriteStats, Writer};
use crate::site::{self, Hooks, Options};
use crate::source::config::BaseUrl;
use crate::source::load::ParseCache;
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use bytes::Bytes;
use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tower_livereload::{LiveReloadLayer, Reloader};

/// What `lotrinh serve` was asked: where the site is, where to build it, how to report.
pub(crate) struct Settings {
    pub root: PathBuf,
    pub out: PathBuf,
    pub base_url: Option<BaseUrl>,
    pub port: u16,
    pub format: Format,
}

pub(crate) use crate::site::WATCHED;

/// What requests are answered from; replaced after every build.
#[derive(Default)]
struct Served {
    /// The base URL's path, "/" or "/sub/path/".
    prefix: String,
    languages: Vec<String>,
    /// The last good build's files.
    files: Arc<Files>,
    /// Every folder holding one of `files` ("en", "en/agencies"), so a
    /// folder's address without its slash is redirected as a host does.
    dirs: Arc<HashSet<String>>,
    /// The last build's problems as plain text; shown over every page.
    errors: Option<String>,
    /// Why the output folder could not be brought up to date, if it could
    /// not; shown over every page too, since `public/` is then stale.
    disk_error: Option<String>,
    /// A rebuild is under way and `files` holds only what it made first
    /// (the pages open in the browser) and what it cannot change: any
    /// other request waits until it is done.
    pending: bool,
}

/// The HTML pages requested last (output paths, newest last): the pages
/// open in the browser, which a rebuild renders first.
#[derive(Default)]
struct Open(Mutex<Vec<String>>);

impl Open {
    /// How many pages a rebuild renders before the reload.
    const KEEP: usize = 4;

    fn saw(&self, rel: &str) {
        let mut v = self.0.lock().unwrap_or_else(|e| e.into_inner());
        v.retain(|p| p != rel);
        v.push(rel.to_string());
        if v.len() > Open::KEEP {
            v.remove(0);
        }
    }

    fn pages(&self) -> HashSet<String> {
        let v = self.0.lock().unwrap_or_else(|e| e.into_inner());
        v.iter().cloned().collect()
    }
}

impl Served {
    fn set_files(&mut self, files: Arc<Files>) {
        let mut dirs = HashSet::new();
        for rel in files.keys() {
            let mut at = rel.as_str();
            while let Some((up, _)) = at.rsplit_once('/') {
                if !dirs.insert(up.to_string()) {
                    break;
                }
                at = up;
            }
        }
        self.files = files;
        self.dirs = Arc::new(dirs);
    }

    fn problems(&self) -> Option<String> {
        match (&self.errors, &self.disk_error) {
            (None, None) => None,
            (Some(e), None) | (None, Some(e)) => Some(e.clone()),
            (Some(e), Some(d)) => Some(format!("{e}\n{d}")),
        }
    }
}

pub(crate) fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "jsonld" => "application/ld+json",
        "geojson" => "application/geo+json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Decodes `%XX` escapes; `None` for malformed escapes or non-UTF-8 results.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

enum Answer {
    /// A file of the site: its path (for the content type), bytes and status.
    File(String, Bytes, u16),
    Redirect(String),
    NotFound,
}

/// What a request path leads to in the built site, as a static host would answer it.
fn resolve(served: &Served, uri_path: &str) -> Answer {
    let Some(path) = percent_decode(uri_path) else {
        return Answer::NotFound;
    };
    if path == "/" && served.prefix != "/" {
        return Answer::Redirect(served.prefix.clone());
    }
    // "/sub/path" leads to "/sub/path/" as on a static host.
    if format!("{path}/") == served.prefix {
        return Answer::Redirect(served.prefix.clone());
    }
    let Some(rel) = path.strip_prefix(&served.prefix) else {
        return not_found(served, "");
    };
    // Never a way out of the site ("a/../b"); lotrinh's own files
    // (manifest, lock, staged pages) are not the site.
    if rel.split('/').any(|c| c == "." || c == "..")
        || rel.contains('\\')
        || rel.starts_with(".lotrinh-")
    {
        return not_found(served, rel);
    }
    let file = |rel: &str| {
        served
            .files
            .get(rel)
            .map(|b| Answer::File(rel.to_string(), b.clone(), 200))
    };
    if rel.is_empty() || rel.ends_with('/') {
        if let Some(a) = file(&format!("{rel}index.html")) {
            return a;
        }
    } else if let Some(a) = file(rel) {
        return a;
    } else if served.dirs.contains(rel) {
        return Answer::Redirect(format!("{path}/"));
    }
    not_found(served, rel)
}

/// The 404 page of the language the path is in, or of the default language.
fn not_found(served: &Served, rel: &str) -> Answer {
    let first = rel.split('/').next().unwrap_or("");
    let lang = served
        .languages
        .iter()
        .find(|l| l.as_str() == first)
        .or(served.languages.first());
    let page = lang.map(|l| format!("{l}/404.html"));
    match page.and_then(|p| served.files.get(&p).map(|b| (p, b.clone()))) {
        Some((p, bytes)) => Answer::File(p, bytes, 404),
        None => Answer::NotFound,
    }
}

fn overlay(errors: &str) -> String {
    format!(
        "<div id=\"lotrinh-errors\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;\
         overflow:auto;background:rgba(20,20,20,.94);color:#fff;padding:1.5rem;font:14px/1.45 monospace\">\
         <p style=\"font:bold 16px sans-serif;color:#ff8a80\">lotrinh: the last edit did not build; \
         this is the last good site. Fix the problems below and save: the page reloads by itself.</p>\
         <pre style=\"white-space:pre-wrap\">{}</pre></div>",
        crate::source::markdown::escape(errors)
    )
}

async fn answer(
    served: Arc<RwLock<Served>>,
    open: Arc<Open>,
    mut ready: watch::Receiver<()>,
    req: Request<Body>,
) -> Response<Body> {
    // A static site has nothing to post to: POST, PUT or DELETE answered
    // 200 with the page, as if it had done something.
    if req.method() != axum::http::Method::GET && req.method() != axum::http::Method::HEAD {
        return Response::builder()
            .status(StatusCode::METHOD_NOT_ALLOWED)
            .header(header::ALLOW, "GET, HEAD")
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(Body::from("405 Method Not Allowed"))
            .unwrap_or_default();
    }
    let (found, problems) = loop {
        // Seen before looking, so a rebuild finishing in between still wakes us.
        ready.borrow_and_update();
        let (found, problems, pending) = {
            let s = served.read().unwrap_or_else(|e| e.into_inner());
            (resolve(&s, req.uri().path()), s.problems(), s.pending)
        };
        // While a rebuild is under way only what it made first is answered
        // at once; anything else waits for the whole site.
        let waits = pending && !matches!(found, Answer::File(_, _, 200));
        if !waits
            || tokio::time::timeout(Duration::from_secs(300), ready.changed())
                .await
                .is_err()
        {
            break (found, problems);
        }
    };
    let (name, bytes, status) = match found {
        Answer::File(name, bytes, status) => (name, bytes, status),
        Answer::Redirect(to) => {
            return Response::builder()
                .status(StatusCode::FOUND)
                .header(header::LOCATION, to)
                .body(Body::empty())
                .unwrap_or_default();
        }
        // No 404 page (the first build failed): the errors, if any, still show.
        Answer::NotFound => {
            let (ctype, body) = match problems {
                Some(p) => ("text/html; charset=utf-8", overlay(&p)),
                None => ("text/plain; charset=utf-8", "404 Not Found".to_string()),
            };
            return Response::builder()
                .status(StatusCode::NOT_FOUND)
                .header(header::CONTENT_TYPE, ctype)
                .header(header::CACHE_CONTROL, "no-store")
                .body(Body::from(body))
                .unwrap_or_default();
        }
    };
    if name.ends_with(".html") {
        open.saw(&name);
    }
    let ctype = content_type(&name);
    let body = match problems {
        Some(p) if ctype.starts_with("text/html") => {
            let mut b = bytes.to_vec();
            b.extend_from_slice(overlay(&p).as_bytes());
            Body::from(b)
        }
        _ => Body::from(bytes),
    };
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
        .header(header::CONTENT_TYPE, HeaderValue::from_static(ctype))
        // Always the newest build, never a cached copy.
        .header(header::CACHE_CONTROL, "no-store")
        .body(body)
        .unwrap_or_default()
}

/// One build; updates what is served and tells the terminal. True if it
/// built. The first build writes the output folder itself (so a folder that
/// cannot be written is said at once); later ones are made in memory only,
/// and [`Disk`] writes them after the reload. `previous`: the last whole
/// site, served again if this build fails.
fn rebuild(
    cfg: &Settings,
    caches: &Caches,
    served: &RwLock<Served>,
    first: bool,
    previous: &Arc<Files>,
) -> bool {
    let progress = Steps::new(!first || cfg.format == Format::Json);
    let step = |what: &str| progress.step(what);
    let mut outcome = site::build_with(
        &Options {
            root: &cfg.root,
            out: Some(&cfg.out),
            base_url: cfg.base_url.as_ref(),
            write: first,
        },
        Hooks {
            progress: Some(&step),
            cache: Some(&caches.pages),
            keep: true,
            parsed: Some(&caches.parsed),
            only: None,
        },
    );
    progress.finish();
    let files = outcome.files.take().map(Arc::new);
    if !first && let (Some(summary), Some(new)) = (outcome.summary.as_mut(), &files) {
        // What changed in the served site (the disk follows).
        summary.stats = changes(previous, new);
    }
    report::report(&outcome, cfg.format, true);
    if crate::publish::output::interrupted() {
        // Ctrl-C came during this build, which stopped cleanly or finished its switch.
        std::process::exit(130);
    }
    let mut s = served.write().unwrap_or_else(|e| e.into_inner());
    let pending = std::mem::take(&mut s.pending);
    match (&outcome.summary, files) {
        (Some(summary), Some(files)) if !outcome.diags.has_errors() && !outcome.io_failure => {
            s.prefix = summary.base_url.path();
            s.languages = summary.languages.clone();
            s.set_files(files);
            s.errors = None;
            true
        }
        _ => {
            if pending {
                s.set_files(previous.clone());
            }
            s.errors = Some(outcome.diags.render(&outcome.sources, false));
            false
        }
    }
}

/// Before a rebuild: renders only the pages open in the browser (`hot`)
/// from the edited sources and serves them, with the files the edit cannot
/// have changed, while the rest of the site is made. None when there was
/// nothing to do first; otherwise whether it built (if not, its errors are
/// reported and shown, as a failed rebuild's).
fn open_pages_first(
    cfg: &Settings,
    caches: &Caches,
    served: &RwLock<Served>,
    hot: &HashSet<String>,
    changed: &[PathBuf],
    previous: &Files,
) -> Option<bool> {
    if hot.is_empty() {
        return None;
    }
    let mut outcome = site::build_with(
        &Options {
            root: &cfg.root,
            out: Some(&cfg.out),
            base_url: cfg.base_url.as_ref(),
            write: false,
        },
        Hooks {
            progress: None,
            cache: Some(&caches.pages),
            keep: true,
            parsed: Some(&caches.parsed),
            only: Some(hot),
        },
    );
    let ok = !outcome.diags.has_errors() && !outcome.io_failure;
    let (Some(summary), Some(mut files), true) = (&outcome.summary, outcome.files.take(), ok)
    else {
        // Said now, as the whole rebuild would say it.
        report::report(&outcome, cfg.format, true);
        let mut s = served.write().unwrap_or_else(|e| e.into_inner());
        s.errors = Some(outcome.diags.render(&outcome.sources, false));
        return Some(false);
    };
    eprintln!(
        "rendered {} open page(s) first in {} ms",
        files.len(),
        summary.millis
    );
    // Static files (the theme's and the site's own) are made from
    // themes/, templates/ and static/ only: kept when only data or pages changed.
    let only_data = changed.iter().all(|p| {
        let rel = p.strip_prefix(&cfg.root).unwrap_or(p);
        rel.starts_with("data") || rel.starts_with("content")
    });
    if only_data {
        for (rel, bytes) in previous {
            if rel.starts_with("static/") || rel == "favicon.ico" {
                files.entry(rel.clone()).or_insert_with(|| bytes.clone());
            }
        }
    }
    let mut s = served.write().unwrap_or_else(|e| e.into_inner());
    s.prefix = summary.base_url.path();
    s.languages = summary.languages.clone();
    s.set_files(Arc::new(files));
    s.errors = None;
    s.pending = true;
    Some(true)
}

/// What a rebuild reuses of the builds before it.
#[derive(Default)]
struct Caches {
    pages: Mutex<PageCache>,
    parsed: Mutex<ParseCache>,
}

/// How the files of `new` differ from those of `old`.
fn changes(old: &Files, new: &Files) -> WriteStats {
    let mut stats = WriteStats::default();
    for (rel, bytes) in new {
        match old.get(rel) {
            Some(b) if b == bytes => stats.unchanged += 1,
            _ => stats.written += 1,
        }
    }
    stats.removed = old.keys().filter(|r| !new.contains_key(*r)).count();
    stats
}

/// Brings the output folder up to date with the served site, on its own
/// thread and after the reload: only the newest site is written when edits
/// come faster than the disk, and only the files that changed since the
/// last write.
struct Disk {
    tx: mpsc::Sender<Arc<Files>>,
}

impl Disk {
    /// `written`: what the folder holds now (the first build wrote it).
    fn start(out: PathBuf, written: Arc<Files>, served: Arc<RwLock<Served>>) -> Disk {
        let (tx, rx) = mpsc::channel::<Arc<Files>>();
        std::thread::spawn(move || {
            let mut last = written;
            while let Ok(mut files) = rx.recv() {
                // Edits that came meanwhile: only the newest matters.
                while let Ok(newer) = rx.try_recv() {
                    files = newer;
                }
                let started = Instant::now();
                let result = write_out(&out, &files, &last);
                let mut s = served.write().unwrap_or_else(|e| e.into_inner());
                match result {
                    Ok(stats) => {
                        s.disk_error = None;
                        drop(s);
                        last = files;
                        if stats.written + stats.removed > 0 {
                            eprintln!(
                                "updated {}: {} written, {} removed in {} ms",
                                out.display(),
                                stats.written,
                                stats.removed,
                                started.elapsed().as_millis()
                            );
                        }
                    }
                    Err(e) => {
                        let mut message =
                            format!("error: cannot update {}: {}", out.display(), e.message);
                        if let Some(h) = e.hint {
                            message.push_str(&format!("\n  hint: {h}"));
                        }
                        eprintln!("{message}");
                        s.disk_error = Some(message);
                    }
                }
            }
        });
        Disk { tx }
    }

    fn write(&self, files: Arc<Files>) {
        let _ = self.tx.send(files);
    }
}

/// Writes `files` into `out` through the same [`Writer`] as `lotrinh build`
/// (lock, manifest, staged switch), handing over as unchanged the files
/// whose bytes equal those written last (`last`).
fn write_out(
    out: &Path,
    files: &Files,
    last: &Files,
) -> Result<WriteStats, crate::publish::output::Error> {
    let w = Writer::open(out)?;
    for (rel, bytes) in files {
        let same = last.get(rel).is_some_and(|b| b == bytes);
        let put = match same {
            true => w.put_unchanged(rel).and_then(|done| match done {
                true => Ok(true),
                false => w.put(rel, bytes.clone()),
            }),
            false => w.put(rel, bytes.clone()),
        };
        if let Err(e) = put {
            w.abort();
            return Err(crate::publish::output::Error {
                message: format!("{rel}: {e}"),
                hint: Some("the output folder is as it was before this write".into()),
            });
        }
    }
    w.commit()
}

/// Binds 127.0.0.1:`port`, or a free port if it is taken.
async fn bind(port: u16) -> std::io::Result<(tokio::net::TcpListener, bool)> {
    match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(l) => Ok((l, false)),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            Ok((tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?, true))
        }
        Err(e) => Err(e),
    }
}

/// Whether an event can change what a file holds (not a read, not a chmod).
fn changes_content(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        _ => false,
    }
}

/// Whether a changed path is one of the site's sources (not the output folder).
fn is_source(root: &Path, out: &Path, changed: &Path) -> bool {
    if changed.starts_with(out) {
        return false;
    }
    let Ok(rel) = changed.strip_prefix(root) else {
        return false;
    };
    let Some(Component::Normal(first)) = rel.components().next() else {
        return false;
    };
    let hidden = rel.file_name().is_some_and(|n| {
        n.to_string_lossy().starts_with('.') || n.to_string_lossy().ends_with('~')
    });
    WATCHED.iter().any(|w| first == *w) && !hidden
}

pub(crate) fn run(cfg: Settings) -> ExitCode {
    let root = std::fs::canonicalize(&cfg.root).unwrap_or(cfg.root.clone());
    let cfg = Settings { root, ..cfg };
    let _ = std::fs::create_dir_all(&cfg.out);
    let out = std::fs::canonicalize(&cfg.out).unwrap_or(cfg.out.clone());
    let cfg = Arc::new(Settings { out, ..cfg });
    let caches = Arc::new(Caches::default());
    let served = Arc::new(RwLock::new(Served {
        prefix: cfg.base_url.clone().unwrap_or_default().path(),
        ..Served::default()
    }));
    if !rebuild(&cfg, &caches, &served, true, &Arc::default()) {
        // The last good site is the one in the output folder, if any.
        let built = Arc::new(crate::publish::output::read_built(&cfg.out));
        served
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .set_files(built);
    }
    // What the output folder holds now: the first build's files, or the
    // older ones it kept.
    let written = served.read().map(|s| s.files.clone()).unwrap_or_default();
    let disk = Disk::start(cfg.out.clone(), written, served.clone());

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return ExitCode::from(2);
        }
    };
    let livereload = LiveReloadLayer::new();
    let reloader = livereload.reloader();
    let (listener, moved) = match runtime.block_on(bind(cfg.port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {e}", cfg.port);
            return ExitCode::from(2);
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if moved {
        eprintln!(
            "port {} is taken; using port {} instead",
            cfg.port,
            addr.port()
        );
    }
    let prefix = served.read().map(|s| s.prefix.clone()).unwrap_or_default();
    eprintln!(
        "serving {} at http://{addr}{prefix} (Ctrl-C to stop)",
        cfg.out.display()
    );

    let open = Arc::new(Open::default());
    let (done, ready) = watch::channel(());
    let rebuilds = Rebuilds {
        cfg: cfg.clone(),
        caches,
        served: served.clone(),
        open: open.clone(),
        reloader,
        disk,
        done,
    };
    if let Err(e) = watch(rebuilds) {
        eprintln!("error: cannot watch the site's files: {e}");
        return ExitCode::from(2);
    }

    let app = axum::Router::new()
        .fallback(move |req: Request<Body>| {
            answer(served.clone(), open.clone(), ready.clone(), req)
        })
        .layer(livereload);
    match runtime.block_on(async { axum::serve(listener, app).await }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the server stopped: {e}");
            ExitCode::from(2)
        }
    }
}

/// Watches the source folders that exist and are not watched yet.
fn watch_new_dirs(
    root: &Path,
    debouncer: &mut notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    watched: &mut Vec<PathBuf>,
) {
    for w in WATCHED.iter().skip(1) {
        let dir = root.join(w);
        if dir.is_dir()
            && !watched.contains(&dir)
            && debouncer.watch(&dir, RecursiveMode::Recursive).is_ok()
        {
            watched.push(dir);
        }
    }
}

/// What the rebuilding thread works with.
struct Rebuilds {
    cfg: Arc<Settings>,
    caches: Arc<Caches>,
    served: Arc<RwLock<Served>>,
    open: Arc<Open>,
    reloader: Reloader,
    disk: Disk,
    /// Told when a rebuild is done (requests waiting for it go on).
    done: watch::Sender<()>,
}

/// Starts the watcher and the thread that rebuilds on its events.
fn watch(r: Rebuilds) -> notify::Result<()> {
    let Rebuilds {
        cfg,
        caches,
        served,
        open,
        reloader,
        disk,
        done,
    } = r;
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    // An editor's save (write, or write-rename-delete) comes as events
    // within a millisecond or two: 10 ms of quiet sees it as one change and
    // adds at most 12.5 ms (the debouncer looks every quarter of it) before
    // the rebuild. It was 50 ms.
    let mut debouncer = new_debouncer(Duration::from_millis(10), None, tx)?;
    // The root itself only for site.yaml and folders created later; the
    // watched folders recursively (never the whole root: public/, target/).
    debouncer.watch(&cfg.root, RecursiveMode::NonRecursive)?;
    let mut watched: Vec<PathBuf> = Vec::new();
    watch_new_dirs(&cfg.root, &mut debouncer, &mut watched);
    std::thread::spawn(move || {
        // Keep the watcher alive as long as this thread.
        let mut debouncer = debouncer;
        while let Ok(first) = rx.recv() {
            let started = Instant::now();
            let mut changed: Vec<PathBuf> = Vec::new();
            let mut collect = |r: DebounceEventResult| {
                if let Ok(events) = r {
                    // Reading the sources during a build makes access events: skip those.
                    for e in events.iter().filter(|e| changes_content(&e.kind)) {
                        for p in &e.paths {
                            if is_source(&cfg.root, &cfg.out, p) && !changed.contains(p) {
                                changed.push(p.clone());
                            }
                        }
                    }
                }
            };
            collect(first);
            // Everything that arrived meanwhile goes into the same rebuild.
            while let Ok(more) = rx.try_recv() {
                collect(more);
            }
            if changed.is_empty() {
                continue;
            }
            watch_new_dirs(&cfg.root, &mut debouncer, &mut watched);
            let shown: Vec<String> = changed
                .iter()
                .take(3)
                .map(|p| p.strip_prefix(&cfg.root).unwrap_or(p).display().to_string())
                .collect();
            let more = changed.len().saturating_sub(3);
            eprintln!(
                "changed: {}{}",
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            );
            let previous = served.read().map(|s| s.files.clone()).unwrap_or_default();
            let reload = || {
                reloader.reload();
                eprintln!(
                    "reloaded open pages {} ms after the change was seen",
                    started.elapsed().as_millis()
                );
            };
            let first =
                open_pages_first(&cfg, &caches, &served, &open.pages(), &changed, &previous);
            match first {
                // Reload after a failed build too: open pages then show the errors.
                Some(false) => {
                    reload();
                    continue;
                }
                Some(true) => reload(),
                None => {}
            }
            let built = rebuild(&cfg, &caches, &served, false, &previous);
            done.send_replace(());
            // After the open pages, a reload only to show what went wrong.
            if first.is_none() || !built {
                reload();
            }
            if built {
                disk.write(served.read().map(|s| s.files.clone()).unwrap_or_default());
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_refuses_escapes() {
        assert_eq!(percent_decode("/vi/t%C3%A1c").as_deref(), Some("/vi/tác"));
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%e"), None);
    }

    #[test]
    fn resolves_like_a_static_host() {
        let files: Files = [
            ("en/a/index.html", "a"),
            ("en/404.html", "nf"),
            ("secret", "x"),
            (".lotrinh-manifest", "x"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Bytes::from(v)))
        .collect();
        let mut s = Served {
            prefix: "/sub/".into(),
            languages: vec!["vi".into(), "en".into()],
            ..Served::default()
        };
        s.set_files(Arc::new(files));
        assert!(
            matches!(resolve(&s, "/sub/en/a/"), Answer::File(p, b, 200) if p == "en/a/index.html" && b == "a")
        );
        assert!(matches!(resolve(&s, "/sub/en/a"), Answer::Redirect(t) if t == "/sub/en/a/"));
        assert!(matches!(resolve(&s, "/sub/en"), Answer::Redirect(t) if t == "/sub/en/"));
        assert!(matches!(resolve(&s, "/"), Answer::Redirect(t) if t == "/sub/"));
        assert!(matches!(resolve(&s, "/sub"), Answer::Redirect(t) if t == "/sub/"));
        assert!(
            matches!(resolve(&s, "/sub/en/nope/"), Answer::File(p, _, 404) if p == "en/404.html")
        );
        assert!(matches!(
            resolve(&s, "/sub/en/a/../../secret"),
            Answer::File(_, _, 404)
        ));
        assert!(matches!(
            resolve(&s, "/sub/secret"),
            Answer::File(_, _, 200)
        ));
        assert!(matches!(resolve(&s, "/en/a/"), Answer::NotFound));
        assert!(!matches!(
            resolve(&s, "/sub/.lotrinh-manifest"),
            Answer::File(_, _, 200)
        ));
        // A language without a 404 page of its own: a plain 404.
        assert!(matches!(resolve(&s, "/sub/vi/x/"), Answer::NotFound));
    }

    #[test]
    fn counts_what_a_rebuild_changed() {
        let files = |v: &[(&str, &str)]| -> Files {
            v.iter()
                .map(|(k, b)| (k.to_string(), Bytes::from(b.to_string())))
                .collect()
        };
        let old = files(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let new = files(&[("a", "1"), ("b", "20"), ("d", "4")]);
        assert_eq!(
            changes(&old, &new),
            WriteStats {
                written: 2,
                unchanged: 1,
                removed: 1
            }
        );
    }

    #[test]
    fn sources_are_watched_and_output_is_not() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        assert!(is_source(root, out, Path::new("/site/data/agencies.yaml")));
        assert!(is_source(root, out, Path::new("/site/site.yaml")));
        assert!(!is_source(root, out, Path::new("/site/public/index.html")));
        assert!(!is_source(root, out, Path::new("/site/target/x")));
        assert!(!is_source(
            root,
            out,
            Path::new("/site/data/.agencies.yaml.swp")
        ));
    }
}
