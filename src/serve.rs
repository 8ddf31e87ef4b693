//! `lotrinh serve`: build, serve the output folder on 127.0.0.1, watch the
//! site's sources, rebuild on change and reload open pages.
//!
//! The server reads the same files `lotrinh build` writes (the output folder),
//! so the served site is the built site: same paths under the base URL's path,
//! `index.html` for folders, the language's `404.html` for missing paths. A
//! failed rebuild writes nothing, so the last good site stays served, with the
//! errors shown over every page until they are fixed.

use crate::cli::{self, Format};
use crate::progress::Progress;
use crate::render::PageCache;
use crate::site::{self, Hooks, Options};
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::{Duration, Instant};
use tower_livereload::{LiveReloadLayer, Reloader};

pub struct Config {
    pub root: PathBuf,
    pub out: PathBuf,
    pub base_url: Option<String>,
    pub port: u16,
    pub format: Format,
}

pub use crate::site::WATCHED;

/// What requests are answered from; replaced after every build.
#[derive(Default)]
struct Served {
    /// The base URL's path, "/" or "/sub/path/".
    prefix: String,
    languages: Vec<String>,
    /// The last build's problems as plain text; shown over every page.
    errors: Option<String>,
}

pub fn content_type(path: &str) -> &'static str {
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
        "pf_meta" | "pf_index" | "pf_fragment" | "pagefind" => "application/octet-stream",
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
    File(PathBuf, u16),
    Redirect(String),
    NotFound,
}

/// Where a request path leads in the output folder, as a static host would answer it.
fn resolve(out: &Path, served: &Served, uri_path: &str) -> Answer {
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
        return not_found(out, served, "");
    };
    // Never leave the output folder.
    if !Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        || rel.contains('\\')
    {
        return not_found(out, served, rel);
    }
    // lotrinh's own files (manifest, lock, staged pages) are not the site.
    if rel.starts_with(".lotrinh-") {
        return not_found(out, served, rel);
    }
    let file = out.join(rel);
    if file.is_dir() {
        if !rel.is_empty() && !rel.ends_with('/') {
            return Answer::Redirect(format!("{path}/"));
        }
        let index = file.join("index.html");
        if index.is_file() {
            return Answer::File(index, 200);
        }
    } else if file.is_file() {
        return Answer::File(file, 200);
    }
    not_found(out, served, rel)
}

/// The 404 page of the language the path is in, or of the default language.
fn not_found(out: &Path, served: &Served, rel: &str) -> Answer {
    let first = rel.split('/').next().unwrap_or("");
    let lang = served
        .languages
        .iter()
        .find(|l| l.as_str() == first)
        .or(served.languages.first());
    match lang.map(|l| out.join(l).join("404.html")) {
        Some(page) if page.is_file() => Answer::File(page, 404),
        _ => Answer::NotFound,
    }
}

fn overlay(errors: &str) -> String {
    format!(
        "<div id=\"lotrinh-errors\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;\
         overflow:auto;background:rgba(20,20,20,.94);color:#fff;padding:1.5rem;font:14px/1.45 monospace\">\
         <p style=\"font:bold 16px sans-serif;color:#ff8a80\">lotrinh: the last edit did not build; \
         this is the last good site. Fix the problems below and save: the page reloads by itself.</p>\
         <pre style=\"white-space:pre-wrap\">{}</pre></div>",
        crate::markdown::escape(errors)
    )
}

async fn answer(
    out: Arc<PathBuf>,
    served: Arc<RwLock<Served>>,
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
    let (found, errors) = {
        let s = served.read().unwrap_or_else(|e| e.into_inner());
        (resolve(&out, &s, req.uri().path()), s.errors.clone())
    };
    let (path, status) = match found {
        Answer::File(p, status) => (p, status),
        Answer::Redirect(to) => {
            return Response::builder()
                .status(StatusCode::FOUND)
                .header(header::LOCATION, to)
                .body(Body::empty())
                .unwrap_or_default();
        }
        Answer::NotFound => {
            return Response::builder()
                .status(StatusCode::NOT_FOUND)
                .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(Body::from("404 Not Found"))
                .unwrap_or_default();
        }
    };
    let name = path.to_string_lossy().to_string();
    let Ok(mut bytes) = tokio::fs::read(&path).await else {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::from("404 Not Found"))
            .unwrap_or_default();
    };
    let ctype = content_type(&name);
    if let Some(errors) = errors
        && ctype.starts_with("text/html")
    {
        bytes.extend_from_slice(overlay(&errors).as_bytes());
    }
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
        .header(header::CONTENT_TYPE, HeaderValue::from_static(ctype))
        // Always the newest build, never a cached copy.
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(bytes))
        .unwrap_or_default()
}

/// One build; updates what is served and tells the terminal. True if it built.
fn rebuild(cfg: &Config, cache: &Mutex<PageCache>, served: &RwLock<Served>, first: bool) -> bool {
    let progress = Progress::new(!first || cfg.format == Format::Json);
    let step = |what: &str| progress.step(what);
    let outcome = site::build_with(
        &Options {
            root: &cfg.root,
            out: Some(&cfg.out),
            base_url: cfg.base_url.as_deref(),
            write: true,
        },
        Hooks {
            progress: Some(&step),
            cache: Some(cache),
        },
    );
    progress.finish();
    cli::report(&outcome, cfg.format, true);
    if crate::output::interrupted() {
        // Ctrl-C came during this build, which stopped cleanly or finished its switch.
        std::process::exit(130);
    }
    let mut s = served.write().unwrap_or_else(|e| e.into_inner());
    match &outcome.summary {
        Some(summary) if !outcome.diags.has_errors() && !outcome.io_failure => {
            s.prefix = crate::config::url_path(&summary.base_url);
            s.languages = summary.languages.clone();
            s.errors = None;
            true
        }
        _ => {
            s.errors = Some(outcome.diags.render(&outcome.sources, false));
            false
        }
    }
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

pub fn run(cfg: Config) -> ExitCode {
    let root = std::fs::canonicalize(&cfg.root).unwrap_or(cfg.root.clone());
    let cfg = Config { root, ..cfg };
    let _ = std::fs::create_dir_all(&cfg.out);
    let out = std::fs::canonicalize(&cfg.out).unwrap_or(cfg.out.clone());
    let cfg = Arc::new(Config { out, ..cfg });
    let cache = Arc::new(Mutex::new(PageCache::default()));
    let served = Arc::new(RwLock::new(Served {
        prefix: crate::config::url_path(cfg.base_url.as_deref().unwrap_or("/")),
        languages: Vec::new(),
        errors: None,
    }));
    rebuild(&cfg, &cache, &served, true);

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

    if let Err(e) = watch(cfg.clone(), cache, served.clone(), reloader) {
        eprintln!("error: cannot watch the site's files: {e}");
        return ExitCode::from(2);
    }

    let out = Arc::new(cfg.out.clone());
    let app = axum::Router::new()
        .fallback(move |req: Request<Body>| answer(out.clone(), served.clone(), req))
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

/// Starts the watcher and the thread that rebuilds on its events.
fn watch(
    cfg: Arc<Config>,
    cache: Arc<Mutex<PageCache>>,
    served: Arc<RwLock<Served>>,
    reloader: Reloader,
) -> notify::Result<()> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    // Short enough to feel immediate, long enough to see an editor's
    // write-rename-delete as one change.
    let mut debouncer = new_debouncer(Duration::from_millis(50), None, tx)?;
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
            rebuild(&cfg, &cache, &served, false);
            // Reload after a failed build too: open pages then show the errors.
            reloader.reload();
            eprintln!(
                "reloaded open pages {} ms after the change was seen",
                started.elapsed().as_millis()
            );
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(crate::config::url_path("/"), "/");
        assert_eq!(crate::config::url_path(""), "/");
        assert_eq!(crate::config::url_path("/sub/path/"), "/sub/path/");
        assert_eq!(
            crate::config::url_path("https://host.example/a/b/"),
            "/a/b/"
        );
        assert_eq!(crate::config::url_path("https://host.example"), "/");
    }

    #[test]
    fn decodes_and_refuses_escapes() {
        assert_eq!(percent_decode("/vi/t%C3%A1c").as_deref(), Some("/vi/tác"));
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%e"), None);
    }

    #[test]
    fn resolves_like_a_static_host() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("en/a")).unwrap();
        std::fs::write(out.join("en/a/index.html"), "a").unwrap();
        std::fs::write(out.join("en/404.html"), "nf").unwrap();
        std::fs::write(out.join("secret"), "x").unwrap();
        std::fs::write(out.join(".lotrinh-manifest"), "x").unwrap();
        let s = Served {
            prefix: "/sub/".into(),
            languages: vec!["vi".into(), "en".into()],
            errors: None,
        };
        assert!(
            matches!(resolve(out, &s, "/sub/en/a/"), Answer::File(p, 200) if p.ends_with("en/a/index.html"))
        );
        assert!(matches!(resolve(out, &s, "/sub/en/a"), Answer::Redirect(t) if t == "/sub/en/a/"));
        assert!(matches!(resolve(out, &s, "/"), Answer::Redirect(t) if t == "/sub/"));
        assert!(
            matches!(resolve(out, &s, "/sub/en/nope/"), Answer::File(p, 404) if p.ends_with("en/404.html"))
        );
        assert!(matches!(
            resolve(out, &s, "/sub/en/../secret"),
            Answer::File(_, 404)
        ));
        assert!(matches!(resolve(out, &s, "/en/a/"), Answer::NotFound));
        assert!(!matches!(
            resolve(out, &s, "/sub/.lotrinh-manifest"),
            Answer::File(_, 200)
        ));
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
