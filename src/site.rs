//! The build pipeline: load → validate → index → export → render → write.
//! Each step only reads what the previous one produced.

use crate::check::index::Index;
use crate::check::validate;
use crate::diag::{Diagnostics, Sources};
use crate::present::render;
use crate::publish::export;
use crate::publish::output::{WriteStats, Writer};
use crate::publish::words::Words;
use crate::source::config::BaseUrl;
use crate::source::{load, theme};
use std::path::Path;
use std::time::Instant;

/// The sources a site is built from; a change to any of them triggers a rebuild in `serve`.
pub const WATCHED: &[&str] = &[
    "site.yaml",
    "data",
    "content",
    "templates",
    "themes",
    "static",
];

pub struct Summary {
    pub pages: usize,
    /// Pages actually rendered (the others came unchanged from the cache).
    pub rendered: usize,
    /// The base URL and languages the site was built with (`serve` needs them).
    pub base_url: BaseUrl,
    pub languages: Vec<String>,
    pub files: usize,
    pub datasets: usize,
    pub stats: WriteStats,
    pub millis: u128,
}

pub struct Outcome {
    pub sources: Sources,
    pub diags: Diagnostics,
    pub summary: Option<Summary>,
    /// The failure was the machine's (reading or writing files), not the data's.
    pub io_failure: bool,
    /// Every file of the site with its bytes, when [`Hooks::keep`] asked for them.
    pub files: Option<crate::publish::output::Files>,
}

impl Outcome {
    /// A build that stopped: nothing written (or all of it taken back).
    fn stopped(sources: Sources, diags: Diagnostics, io_failure: bool) -> Outcome {
        Outcome {
            sources,
            diags,
            summary: None,
            io_failure,
            files: None,
        }
    }
}

pub struct Options<'a> {
    pub root: &'a Path,
    pub out: Option<&'a Path>,
    /// `--base-url`, overriding site.yaml's.
    pub base_url: Option<&'a BaseUrl>,
    /// false: load and validate only (`lotrinh check`).
    pub write: bool,
}

/// What the command line and `lotrinh serve` add to a build.
#[derive(Default, Clone, Copy)]
pub struct Hooks<'a> {
    /// Told as each step starts (a progress bar or log lines).
    pub progress: Option<&'a (dyn Fn(&str) + Sync)>,
    /// Pages rendered by a previous build of the same process (`lotrinh serve`):
    /// pages whose template and context are unchanged are not rendered again.
    pub cache: Option<&'a std::sync::Mutex<render::PageCache>>,
    /// Keep every file in memory and return it in [`Outcome::files`]
    /// (`lotrinh serve` answers from memory; with `write: false` nothing
    /// touches the disk).
    pub keep: bool,
    /// Data files parsed by a previous build of the same process (`lotrinh
    /// serve`): unchanged files are not parsed again.
    pub parsed: Option<&'a std::sync::Mutex<load::ParseCache>>,
    /// Render only these pages (output paths), nothing else: `lotrinh
    /// serve` makes the pages open in the browser first, then the rest.
    pub only: Option<&'a std::collections::HashSet<String>>,
}

/// Everything up to the bytes of every file, in memory.
pub fn build(opts: &Options<'_>) -> Outcome {
    build_with(opts, Hooks::default())
}

/// [`build`] with progress reports and a page cache.
pub fn build_with(opts: &Options<'_>, hooks: Hooks<'_>) -> Outcome {
    let start = Instant::now();
    let progress = hooks.progress;
    let step = |what: &str| {
        if let Some(p) = progress {
            p(what)
        }
    };
    step("loading data");
    let mut sources = Sources::default();
    let mut diags = Diagnostics::default();
    let Some(mut loaded) = load::site_cached(opts.root, &mut sources, &mut diags, hooks.parsed)
    else {
        return Outcome::stopped(sources, diags, false);
    };
    if let Some(b) = opts.base_url {
        loaded.config.base_url = b.clone();
    }
    // The site's own files (site.yaml, data, content); the theme's follow.
    let site_files = sources.len();
    step("checking references");
    validate::validate(
        &loaded.data,
        &loaded.config.languages,
        loaded.config.as_of,
        &sources,
        &mut diags,
    );
    let theme = theme::load(
        opts.root,
        &loaded.config.theme,
        &loaded.config.languages,
        &mut sources,
        &mut diags,
    );
    if diags.has_errors() {
        return Outcome::stopped(sources, diags, false);
    }
    let Some(theme) = theme else {
        return Outcome::stopped(sources, diags, false);
    };
    // A one-off build lets go of the texts for its peak of memory; `serve`
    // (a parse cache) keeps them: hashing them would add to every edit's
    // wait, and its errors quote files that are being edited.
    if hooks.parsed.is_none() {
        sources.release(opts.root, site_files);
    }
    let out = opts
        .out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| opts.root.join("public"));
    if opts.write
        && let Some(why) = unsafe_out(opts.root, &out)
    {
        diags
            .error(None, format!("will not write the site to {}: {why}", out.display()))
            .hint("the output folder is the build's own (it replaces and removes the files it wrote there); choose a folder of its own, e.g. `--out public`");
        return Outcome::stopped(sources, diags, false);
    }
    let writer = if opts.write {
        match Writer::open(&out) {
            Ok(w) => {
                if let Some(note) = w.recovered() {
                    diags.warning(None, note.to_string());
                }
                w
            }
            Err(e) => {
                write_error(&mut diags, e);
                return Outcome::stopped(sources, diags, true);
            }
        }
    } else {
        Writer::discard()
    };
    let writer = if hooks.keep { writer.keeping() } else { writer };
    // Every failure from here on must give the output folder back as it was.
    let failed = |writer: Writer, sources, diags, io_failure| {
        writer.abort();
        Outcome::stopped(sources, diags, io_failure)
    };
    step("indexing");
    let idx = Index::build(&loaded.data, loaded.config.as_of);
    let title = loaded
        .config
        .title
        .plain("en", &loaded.config.languages)
        .to_string();
    // Before the pages, not beside them: the serialised tables and the
    // record views are each tens of MB on a large site, and need not be held
    // together. (The workbook, slow and serial, is made here beside the
    // other dataset files, so the tables are let go before any page.)
    step("writing datasets");
    // Titles and column descriptions are interface strings of the theme.
    let words = Words::new(&theme.strings);
    let input = render::Input {
        site: &loaded,
        idx: &idx,
        theme: &theme,
        out: &writer,
    };
    // Only some pages (`Hooks::only`): no datasets, no search index. The
    // search index is made beside the datasets, on the core the workbook
    // leaves idle; beside the pages it was the build's peak of memory.
    let (exported, searched) = match hooks.only {
        Some(_) => (None, Ok(())),
        None => {
            let (exported, searched) = rayon::join(
                || export::write(&idx, &loaded.config, &words, &title, &writer),
                || render::search_index(&input),
            );
            (Some(exported), searched)
        }
    };
    let exported = match exported {
        None => None,
        Some(Ok(mut x)) => {
            for w in std::mem::take(&mut x.warnings) {
                diags.warning(w.loc, w.message).hint(w.hint);
            }
            Some(x)
        }
        Some(Err(e)) => {
            let io = e.report(&mut diags);
            return failed(writer, sources, diags, io);
        }
    };
    if let Err(e) = searched {
        diags.error(None, format!("cannot write the search index: {e}"));
        return failed(writer, sources, diags, true);
    }
    step("rendering pages");
    let datasets = exported.map(export::Exported::datasets).unwrap_or_default();
    let render = |cache: Option<&mut render::PageCache>, diags: &mut Diagnostics| match hooks.only {
        Some(only) => render::render_only(&input, diags, cache, only),
        None => render::render_with(&input, diags, cache, datasets),
    };
    let rendered = match hooks.cache {
        Some(cache) => {
            // A poisoned lock means an earlier build panicked midway: start afresh.
            let mut cache = cache.lock().unwrap_or_else(|e| {
                let mut c = e.into_inner();
                *c = render::PageCache::default();
                c
            });
            render(Some(&mut cache), &mut diags)
        }
        None => render(None, &mut diags),
    };
    let rendered = match rendered {
        Ok(r) => r,
        Err(render::Failed::Content) => return failed(writer, sources, diags, false),
        Err(render::Failed::Io) => return failed(writer, sources, diags, true),
    };
    if hooks.only.is_some() {
        let outcome = finish(writer, sources, diags, &loaded, rendered, start, hooks.keep);
        // `serve` is waiting to reload the open pages: the records are freed
        // beside that, not before it (a tenth of the wait at 10,000 records).
        drop(idx);
        rayon::spawn(move || drop((loaded, theme)));
        return outcome;
    }
    step("moving files into place");
    // The site's own static files, after the theme's (which win a clash).
    let errors = diags.errors();
    let statics = theme::files_in(opts.root, &opts.root.join("static"), &mut diags);
    if diags.errors() > errors {
        return failed(writer, sources, diags, false);
    }
    for (rel, path) in statics {
        match std::fs::read(&path).and_then(|bytes| writer.put(&rel, bytes)) {
            Ok(true) => {}
            Ok(false) => {
                diags
                    .warning(
                        None,
                        format!("static/{rel} is not published: the site itself makes {rel}"),
                    )
                    .hint("rename or move the file; a page or file the build makes always wins");
            }
            Err(e) => {
                diags.error(None, format!("cannot copy static/{rel}: {e}"));
                return failed(writer, sources, diags, true);
            }
        }
    }
    // Browsers ask every site for /favicon.ico; a site's own wins (above).
    if let Err(e) = writer.put("favicon.ico", crate::present::favicon::ico()) {
        diags.error(None, format!("cannot write favicon.ico: {e}"));
        return failed(writer, sources, diags, true);
    }
    finish(writer, sources, diags, &loaded, rendered, start, hooks.keep)
}

/// Commits the writer and sums the build up.
fn finish(
    writer: Writer,
    sources: Sources,
    mut diags: Diagnostics,
    loaded: &load::Loaded,
    rendered: render::Rendered,
    start: Instant,
    keep: bool,
) -> Outcome {
    let files = writer.count();
    let kept = keep.then(|| writer.take_kept());
    let stats = match writer.commit() {
        Ok(s) => s,
        Err(e) => {
            write_error(&mut diags, e);
            return Outcome::stopped(sources, diags, true);
        }
    };
    let summary = Summary {
        pages: rendered.pages,
        rendered: rendered.rendered,
        base_url: loaded.config.base_url.clone(),
        languages: loaded.config.languages.clone(),
        files,
        datasets: rendered.datasets,
        stats,
        millis: start.elapsed().as_millis(),
    };
    Outcome {
        sources,
        diags,
        summary: Some(summary),
        io_failure: false,
        files: kept,
    }
}

/// A refusal or failure of the output folder, with its hint.
fn write_error(diags: &mut Diagnostics, e: crate::publish::output::Error) {
    let d = diags.error(None, format!("cannot write the site: {}", e.message));
    if let Some(h) = e.hint {
        d.hint(h);
    }
}

/// Why `out` cannot be the output folder, if it cannot: `--out .` or
/// `--out data` once deleted the site's own sources, and a build into
/// `static/` would publish itself.
fn unsafe_out(root: &Path, out: &Path) -> Option<String> {
    let full = |p: &Path| {
        std::path::absolute(p)
            .ok()
            .map(|a| a.canonicalize().unwrap_or(a))
    };
    let (root, out) = (full(root)?, full(out)?);
    if root.starts_with(&out) {
        return Some("it holds the site itself".into());
    }
    if let Some(src) = WATCHED.iter().find(|w| out.starts_with(root.join(w))) {
        return Some(format!("it is inside the site's `{src}`"));
    }
    if out.join("site.yaml").exists() {
        return Some("it holds another site (a site.yaml)".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_output_folder_never_holds_the_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("data")).unwrap();
        std::fs::write(root.join("site.yaml"), "").unwrap();
        assert!(unsafe_out(&root, &root).is_some());
        assert!(unsafe_out(&root, &root.join(".")).is_some());
        assert!(unsafe_out(&root, dir.path()).is_some());
        assert!(unsafe_out(&root, &root.join("data")).is_some());
        assert!(unsafe_out(&root, &root.join("data/x")).is_some());
        assert!(unsafe_out(&root, &root.join("static/out")).is_some());
        let other = dir.path().join("other");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("site.yaml"), "").unwrap();
        assert!(unsafe_out(&root, &other).is_some());
        assert_eq!(unsafe_out(&root, &root.join("public")), None);
        assert_eq!(unsafe_out(&root, &dir.path().join("elsewhere")), None);
    }
}
