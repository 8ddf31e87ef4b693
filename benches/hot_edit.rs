//! Times the steps `lotrinh serve` takes before it reloads an open page
//! after a one-record edit, step by step, without a browser or a server:
//!
//!   cargo run --release --example hot-edit -- SITE FILE PAGE
//!   (e.g. SITE from `gen-site 10000`, FILE data/recommendations/part-0005.yaml,
//!   PAGE en/recommendations/rec-5001/index.html; ROUNDS=n, default 3)
//!
//! It builds SITE once in memory with serve's caches (parsed files, rendered
//! pages), then edits the first English text in FILE (`en: "` gains a word)
//! and makes only PAGE, as serve does before it tells the browser to reload,
//! printing when each step starts. FILE is put back as it was at the end.
//! `benches/rebuild.py` measures the same through a real server and
//! browser-like client; this one says where the time goes.
use lotrinh::site::{self, Hooks, Options};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (root, file, page) = (Path::new(&args[1]), &args[2], &args[3]);
    let parsed = Mutex::new(Default::default());
    let pages = Mutex::new(Default::default());
    let out = Path::new("/dev/shm/hot-edit-out");
    // Serve's options and caches: in memory, nothing written.
    let options = Options {
        root,
        out: Some(out),
        base_url: None,
        write: false,
    };
    let hooks = Hooks {
        progress: None,
        cache: Some(&pages),
        keep: true,
        parsed: Some(&parsed),
        only: None,
    };
    let t = Instant::now();
    let o = site::build_with(&options, hooks);
    eprintln!(
        "first build {} ms, errors {}",
        t.elapsed().as_millis(),
        o.diags.has_errors()
    );
    let hot: HashSet<String> = [page.to_string()].into();
    let path = root.join(file);
    let orig = std::fs::read_to_string(&path).unwrap();
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    for round in 0..rounds {
        std::fs::write(
            &path,
            orig.replacen("en: \"", &format!("en: \"edit{round} "), 1),
        )
        .unwrap();
        let t = Instant::now();
        let step = |what: &str| {
            let now = Instant::now();
            eprint!("[{} ms] {what}  ", (now - t).as_millis());
        };
        let o = site::build_with(
            &options,
            Hooks {
                progress: Some(&step),
                only: Some(&hot),
                ..hooks
            },
        );
        eprintln!(
            "\nround {round}: open page in {} ms, files {:?}",
            t.elapsed().as_millis(),
            o.files.map(|f| f.len())
        );
    }
    std::fs::write(&path, orig).unwrap();
}
