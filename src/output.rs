//! Writing the built site as it is rendered, without ever leaving `public/`
//! half-built: a failed build leaves it as it was, and a successful one
//! writes only files whose bytes changed and removes only files no longer
//! produced.
//!
//! Pages are handed to the [`Writer`] one at a time from the render threads,
//! so a build never holds the whole site in memory:
//! - into an output folder that is missing or empty, files are written in
//!   place; a failed build removes them again;
//! - into a folder with a previous build, each file is compared with the one
//!   there; a changed file is written to a staging folder beside it, and
//!   moved in only when the whole build succeeded.

use std::collections::HashSet;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Refuses any output path that could leave the output folder.
fn safe_rel(p: &str) -> bool {
    let path = Path::new(p);
    !p.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)))
}

enum Mode {
    /// `lotrinh check`: files are counted, nothing is written.
    Discard,
    /// The folder was missing (`created`) or empty: write in place.
    Fresh { created: bool },
    /// The folder holds a previous build: changed files go to `stage`.
    Staged { stage: PathBuf },
}

/// What the writing thread did.
#[derive(Default)]
struct Done {
    written: usize,
    unchanged: usize,
    /// Paths written to the staging folder, to move in on commit.
    staged: Vec<String>,
    error: Option<io::Error>,
}

/// Where a build's files go. Shared by the render threads (`put` takes
/// `&self`); ended by [`Writer::commit`] or [`Writer::abort`].
///
/// One thread does all the file-system work, fed through a short queue:
/// creating thousands of files in one folder from several threads at once
/// makes them wait on the folder's lock (measured: system time ×3 on a
/// 26,000-page site), while the render threads have better things to do.
pub struct Writer {
    out: PathBuf,
    mode: Mode,
    /// Every path produced by this build: the first claim of a path wins.
    claimed: Mutex<HashSet<String>>,
    queue: Option<SyncSender<(String, Vec<u8>)>>,
    thread: Option<JoinHandle<Done>>,
    /// Set by the writing thread on its first error, so rendering stops.
    failed: Arc<AtomicBool>,
}

impl Writer {
    /// A writer that only counts (for `lotrinh check`).
    pub fn discard() -> Writer {
        Writer::new(PathBuf::new(), Mode::Discard)
    }

    /// A writer into `out`, which is created if missing.
    pub fn open(out: &Path) -> io::Result<Writer> {
        let mode = match std::fs::read_dir(out) {
            Ok(mut entries) => {
                if entries.next().is_none() {
                    Mode::Fresh { created: false }
                } else {
                    let stage = stage_path(out);
                    if stage.exists() {
                        // Left by a build that was killed: never part of `out`.
                        std::fs::remove_dir_all(&stage)?;
                    }
                    Mode::Staged { stage }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                std::fs::create_dir_all(out)?;
                Mode::Fresh { created: true }
            }
            Err(e) => return Err(e),
        };
        Ok(Writer::new(out.to_path_buf(), mode))
    }

    fn new(out: PathBuf, mode: Mode) -> Writer {
        let failed = Arc::new(AtomicBool::new(false));
        let (queue, thread) = match &mode {
            Mode::Discard => (None, None),
            Mode::Fresh { .. } | Mode::Staged { .. } => {
                let (tx, rx) = std::sync::mpsc::sync_channel::<(String, Vec<u8>)>(64);
                let (out, failed) = (out.clone(), failed.clone());
                let stage = match &mode {
                    Mode::Staged { stage } => Some(stage.clone()),
                    _ => None,
                };
                let thread = std::thread::spawn(move || {
                    let mut done = Done::default();
                    let mut dirs = HashSet::new();
                    for (rel, bytes) in rx {
                        if done.error.is_some() {
                            continue;
                        }
                        let r = match &stage {
                            None => write_file(&out.join(&rel), &bytes, &mut dirs).map(|_| true),
                            Some(_) if same_bytes(&out.join(&rel), &bytes) => Ok(false),
                            Some(stage) => {
                                write_file(&stage.join(&rel), &bytes, &mut dirs).map(|_| {
                                    done.staged.push(rel);
                                    true
                                })
                            }
                        };
                        match r {
                            Ok(true) => done.written += 1,
                            Ok(false) => done.unchanged += 1,
                            Err(e) => {
                                failed.store(true, Ordering::Relaxed);
                                done.error = Some(e);
                            }
                        }
                    }
                    done
                });
                (Some(tx), Some(thread))
            }
        };
        Writer {
            out,
            mode,
            claimed: Mutex::default(),
            queue,
            thread,
            failed,
        }
    }

    /// Files handed over so far.
    pub fn count(&self) -> usize {
        self.claimed.lock().map(|c| c.len()).unwrap_or_default()
    }

    /// Hands over one file. `Ok(false)` when an earlier file already took
    /// the path (that one is kept). An error may be an earlier file's: the
    /// build is failing either way.
    pub fn put(&self, rel: &str, bytes: Vec<u8>) -> io::Result<bool> {
        if !safe_rel(rel) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output folder: {rel}"),
            ));
        }
        if self.failed.load(Ordering::Relaxed) {
            return Err(io::Error::other("an earlier file could not be written"));
        }
        {
            let mut claimed = self.claimed.lock().map_err(|_| poisoned())?;
            if !claimed.insert(rel.to_string()) {
                return Ok(false);
            }
        }
        if let Some(q) = &self.queue {
            q.send((rel.to_string(), bytes))
                .map_err(|_| io::Error::other("the writing thread stopped"))?;
        }
        Ok(true)
    }

    /// Waits for the writing thread and returns what it did.
    fn finish(&mut self) -> io::Result<Done> {
        self.queue = None;
        match self.thread.take() {
            None => Ok(Done::default()),
            Some(t) => t
                .join()
                .map_err(|_| io::Error::other("the writing thread panicked")),
        }
    }

    /// The build succeeded: removes what it no longer produces and moves the
    /// changed files in.
    pub fn commit(mut self) -> io::Result<WriteStats> {
        let done = self.finish()?;
        if let Some(e) = done.error {
            self.abort();
            return Err(e);
        }
        let claimed = std::mem::take(&mut *self.claimed.lock().map_err(|_| poisoned())?);
        let mut stats = WriteStats {
            written: done.written,
            unchanged: done.unchanged,
            removed: 0,
        };
        let Mode::Staged { stage } = &self.mode else {
            return Ok(stats);
        };
        let out = &self.out;
        // Stale files go first, so a file can become a folder and back.
        let mut dirs = Vec::new();
        for entry in walkdir::WalkDir::new(out)
            .min_depth(1)
            .contents_first(true)
            .into_iter()
            .filter_map(Result::ok)
        {
            let Ok(rel) = entry.path().strip_prefix(out) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            if entry.file_type().is_dir() {
                dirs.push(entry.path().to_path_buf());
            } else if !claimed.contains(rel.as_str()) {
                std::fs::remove_file(entry.path())?;
                stats.removed += 1;
            }
        }
        let mut staged = done.staged;
        staged.sort();
        for rel in &staged {
            let to = out.join(rel);
            if to.is_dir() {
                std::fs::remove_dir_all(&to)?;
            }
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::rename(stage.join(rel), &to)?;
        }
        // Folders emptied by removed pages (a folder still in use refuses).
        for d in dirs {
            let _ = std::fs::remove_dir(&d);
        }
        // Never created when nothing changed.
        match std::fs::remove_dir_all(stage) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(stats),
        }
    }

    /// The build failed: the output folder goes back to how it was.
    pub fn abort(mut self) {
        let _ = self.finish();
        match &self.mode {
            Mode::Discard => {}
            Mode::Fresh { created: true } => {
                let _ = std::fs::remove_dir_all(&self.out);
            }
            Mode::Fresh { created: false } => {
                if let Ok(entries) = std::fs::read_dir(&self.out) {
                    for e in entries.flatten() {
                        let p = e.path();
                        let _ = if p.is_dir() {
                            std::fs::remove_dir_all(&p)
                        } else {
                            std::fs::remove_file(&p)
                        };
                    }
                }
            }
            Mode::Staged { stage } => {
                let _ = std::fs::remove_dir_all(stage);
            }
        }
    }
}

/// The staging folder: beside `out` (so moving a file in is a rename on the
/// same file system) and hidden.
fn stage_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.lotrinh-stage"))
}

fn poisoned() -> io::Error {
    io::Error::other("a render thread panicked while writing")
}

/// Writes a file into a folder tree being built, creating each folder once.
fn write_file(path: &Path, bytes: &[u8], dirs: &mut HashSet<PathBuf>) -> io::Result<()> {
    if let Some(parent) = path.parent()
        && !dirs.contains(parent)
    {
        std::fs::create_dir_all(parent)?;
        dirs.insert(parent.to_path_buf());
    }
    std::fs::write(path, bytes)
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            std::fs::read(path).is_ok_and(|b| b == bytes)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(out: &Path, files: &[(&str, &str)]) -> io::Result<WriteStats> {
        let w = Writer::open(out)?;
        for (p, b) in files {
            w.put(p, b.as_bytes().to_vec())?;
        }
        w.commit()
    }

    fn tree(out: &Path) -> Vec<(String, String)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(out)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(out).unwrap().display().to_string(),
                    std::fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_only_changes_and_removes_stale() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = build(&out, &[("a/index.html", "1"), ("b.txt", "2")]).unwrap();
        assert_eq!(s.written, 2);
        let s = build(&out, &[("a/index.html", "1"), ("c.txt", "3")]).unwrap();
        assert_eq!((s.written, s.unchanged, s.removed), (1, 1, 1));
        assert!(!out.join("b.txt").exists());
        assert_eq!(
            tree(&out),
            [
                ("a/index.html".into(), "1".into()),
                ("c.txt".into(), "3".into())
            ]
        );
        assert!(!stage_path(&out).exists(), "the staging folder is removed");
    }

    #[test]
    fn an_unchanged_build_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let files = [("a/index.html", "1"), ("b.txt", "2")];
        build(&out, &files).unwrap();
        let s = build(&out, &files).unwrap();
        assert_eq!((s.written, s.unchanged, s.removed), (0, 2, 0));
        assert_eq!(tree(&out).len(), 2);
    }

    #[test]
    fn a_file_can_become_a_folder_and_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("x", "file"), ("keep", "k")]).unwrap();
        build(&out, &[("x/index.html", "page"), ("keep", "k")]).unwrap();
        assert_eq!(tree(&out)[1], ("x/index.html".into(), "page".into()));
        build(&out, &[("x", "file again"), ("keep", "k")]).unwrap();
        assert_eq!(tree(&out)[1], ("x".into(), "file again".into()));
    }

    #[test]
    fn the_first_claim_of_a_path_wins() {
        let dir = tempfile::tempdir().unwrap();
        let w = Writer::open(&dir.path().join("o")).unwrap();
        assert!(w.put("s.css", b"theme".to_vec()).unwrap());
        assert!(!w.put("s.css", b"site".to_vec()).unwrap());
        w.commit().unwrap();
        assert_eq!(std::fs::read(dir.path().join("o/s.css")).unwrap(), b"theme");
    }

    #[test]
    fn abort_leaves_the_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        // Missing folder: stays missing.
        let out = dir.path().join("missing");
        let w = Writer::open(&out).unwrap();
        w.put("a/index.html", b"x".to_vec()).unwrap();
        w.abort();
        assert!(!out.exists());
        // Empty folder: stays empty.
        let out = dir.path().join("empty");
        std::fs::create_dir(&out).unwrap();
        let w = Writer::open(&out).unwrap();
        w.put("a/index.html", b"x".to_vec()).unwrap();
        w.abort();
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
        // A previous build: untouched, no staging folder left.
        let out = dir.path().join("built");
        build(&out, &[("a/index.html", "1"), ("b.txt", "2")]).unwrap();
        let w = Writer::open(&out).unwrap();
        w.put("a/index.html", b"changed".to_vec()).unwrap();
        w.put("new.txt", b"n".to_vec()).unwrap();
        w.abort();
        assert_eq!(
            tree(&out),
            [
                ("a/index.html".into(), "1".into()),
                ("b.txt".into(), "2".into())
            ]
        );
        assert!(!stage_path(&out).exists());
    }

    #[test]
    fn a_stage_left_by_a_killed_build_is_not_published() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("a.txt", "1")]).unwrap();
        std::fs::create_dir_all(stage_path(&out)).unwrap();
        std::fs::write(stage_path(&out).join("junk.txt"), "j").unwrap();
        build(&out, &[("a.txt", "2")]).unwrap();
        assert_eq!(tree(&out), [("a.txt".into(), "2".into())]);
    }

    #[test]
    fn refuses_escaping_paths() {
        let dir = tempfile::tempdir().unwrap();
        let w = Writer::open(dir.path()).unwrap();
        assert!(w.put("../x", b"".to_vec()).is_err());
        assert!(w.put("/etc/x", b"".to_vec()).is_err());
        assert!(w.put("", b"".to_vec()).is_err());
    }
}
