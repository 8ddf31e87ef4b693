//! Writing the built site as it is rendered, without ever leaving the output
//! folder half-built, and without touching a file lotrinh did not write.
//!
//! - **Ownership.** The output folder holds `.lotrinh-manifest`, the list of
//!   every file the last build wrote. A build replaces or removes only files
//!   on that list; anything else (`.git`, a `CNAME`, a thesis) is never
//!   touched, and a build that would have to overwrite such a file stops
//!   before changing anything. A folder with no manifest is used only if it
//!   is empty but for dotfiles (a fresh `gh-pages` clone); otherwise the
//!   build is refused, since the files there are someone else's.
//! - **Staging.** Pages are handed to the [`Writer`] one at a time from the
//!   render threads (a build never holds the whole site in memory). A file
//!   whose bytes differ from the last build's goes to `.lotrinh-stage/files/`
//!   *inside* the output folder, so moving it in is a rename on the same file
//!   system even when the output folder is a mount point, and needs no
//!   write access to its parent.
//! - **The switch.** Only when the whole build succeeded are new files moved
//!   in (whole new folders in one rename), then stale files moved out; every
//!   file they replace goes to `.lotrinh-stage/old/`. Moving the new manifest
//!   into place is the single step that commits the build. An error before
//!   it puts every old file back. A build killed in the middle (`kill -9`,
//!   power) is undone by the next build or serve on that folder, which
//!   finds the list of what was being moved (`.lotrinh-stage/moving`).
//! - **One at a time.** `.lotrinh-lock` is locked for the whole build, so a
//!   `build` and a `serve` on the same folder never mix their files.
//! - **Signals.** With [`handle_signals`], Ctrl-C or SIGTERM while files are
//!   written stops the build and removes its staged files; during the
//!   switch it lets the switch finish first. A second signal quits at once
//!   (the next build undoes what was left).

use bytes::Bytes;
use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The list of files the last build wrote, one path per line.
pub const MANIFEST: &str = ".lotrinh-manifest";
/// Locked while a build writes to the folder.
pub const LOCK: &str = ".lotrinh-lock";
/// A build's staged files and, during the switch, the files it replaced.
pub const STAGE: &str = ".lotrinh-stage";
// Inside the stage:
const FILES: &str = "files";
const OLD: &str = "old";
/// The paths being moved in, one per line: written before the first move, so
/// an interrupted switch can be undone.
const JOURNAL: &str = "moving";
/// The new manifest until it is moved into place, which commits the build.
const NEXT: &str = "manifest";

const MANIFEST_HEADER: &str =
    "# Files the last `lotrinh build` wrote here. A build replaces or removes only these.\n";

/// A refusal or a failure to write, with the path it concerns.
#[derive(Debug)]
pub struct Error {
    pub message: String,
    pub hint: Option<String>,
}

impl Error {
    fn io(path: &Path, e: io::Error) -> Error {
        Error {
            message: format!("{}: {e}", path.display()),
            hint: None,
        }
    }

    fn interrupted() -> Error {
        Error {
            message: "interrupted (Ctrl-C or SIGTERM): the build stopped".into(),
            hint: Some("the output folder is as it was before the build".into()),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Writers open in this process: a signal with none open quits at once.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

/// Ctrl-C and SIGTERM: quit at once when no build is writing; otherwise let
/// the build stop cleanly (before the switch) or finish the switch, and
/// leave it to the caller to quit when [`interrupted`] says so.
pub fn handle_signals() {
    let _ = ctrlc::set_handler(|| {
        let again = INTERRUPTED.swap(true, Ordering::SeqCst);
        if again || ACTIVE.load(Ordering::SeqCst) == 0 {
            std::process::exit(130);
        }
        eprintln!("\ninterrupted: stopping the build cleanly (press again to quit at once)");
    });
}

/// Whether Ctrl-C or SIGTERM arrived (the process should quit with 130).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Counts an open writer for the signal handler.
struct Active;

impl Active {
    fn new() -> Active {
        ACTIVE.fetch_add(1, Ordering::SeqCst);
        Active
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Refuses any output path that could leave the output folder, or land on
/// lotrinh's own files or a `.git`, or break the one-path-a-line manifest.
fn safe_rel(p: &str) -> bool {
    let path = Path::new(p);
    !p.is_empty()
        && !p.contains('\\')
        && !p.chars().any(char::is_control)
        && path.components().all(|c| matches!(c, Component::Normal(_)))
        && !p.starts_with(".lotrinh-")
        && !p.split('/').any(|c| c == ".git")
}

/// What the writing thread did.
#[derive(Default)]
struct Done {
    written: usize,
    unchanged: usize,
    /// Paths written to the staging folder, to move in on commit.
    staged: Vec<String>,
    error: Option<String>,
}

/// The output folder of a writing build.
struct OutFolder {
    out: PathBuf,
    stage: PathBuf,
    /// The folder did not exist: a failed build removes it again.
    created: bool,
    /// The previous build's files (its manifest).
    old: Arc<HashSet<String>>,
    /// Held until the writer is done; the lock goes with the file handle.
    _lock: File,
    _active: Active,
}

/// Where a build's files go. Shared by the render threads (`put` takes
/// `&self`); ended by [`Writer::commit`] or [`Writer::abort`].
///
/// One thread does all the file-system work, fed through a short queue:
/// creating thousands of files in one folder from several threads at once
/// makes them wait on the folder's lock (measured: system time ×3 on a
/// 26,000-page site), while the render threads have better things to do.
pub struct Writer {
    target: Option<OutFolder>,
    /// Every path produced by this build: the first claim of a path wins.
    claimed: Mutex<HashSet<String>>,
    queue: Option<SyncSender<(String, Bytes)>>,
    thread: Option<JoinHandle<Done>>,
    /// Set by the writing thread on its first error, so rendering stops.
    failed: Arc<AtomicBool>,
    /// That error, with its path, for every later `put` to report.
    first_error: Arc<Mutex<Option<String>>>,
    /// What opening the folder had to clean up after an interrupted build.
    recovered: Option<String>,
    /// Every file handed over, kept in memory as well (`lotrinh serve`
    /// answers from these); see [`Writer::keeping`].
    kept: Option<Mutex<Files>>,
    /// Files claimed by [`Writer::put_unchanged`].
    unchanged: AtomicUsize,
}

/// A built site in memory: output path → bytes. [`Bytes`] are shared, so
/// the page cache, the served site and the writer hold one copy of a page.
pub type Files = HashMap<String, Bytes>;

impl Writer {
    /// A writer that only counts (for `lotrinh check`).
    pub fn discard() -> Writer {
        Writer::new(None)
    }

    /// A writer into `out`, which is created if missing. Takes the folder's
    /// lock, undoes an interrupted build's switch, and refuses a folder
    /// holding files that no lotrinh build wrote.
    pub fn open(out: &Path) -> Result<Writer, Error> {
        let created = match fs::metadata(out) {
            Ok(m) if m.is_dir() => false,
            Ok(_) => {
                return Err(Error {
                    message: format!("{} is a file, not a folder", out.display()),
                    hint: Some("choose another output folder with `--out DIR`".into()),
                });
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
                true
            }
            Err(e) => return Err(Error::io(out, e)),
        };
        let lock_path = out.join(LOCK);
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(Error {
                    message: format!(
                        "another lotrinh (a build or serve) is writing to {}",
                        out.display()
                    ),
                    hint: Some(
                        "wait until it is done or stop it, then build again; two builds into one folder would mix their files"
                            .into(),
                    ),
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(Error::io(&lock_path, e)),
        }
        let active = Active::new();
        if interrupted() {
            return Err(Error::interrupted());
        }
        let stage = out.join(STAGE);
        let recovered = recover(out, &stage)?;
        let old = read_manifest(out)?;
        let files = stage.join(FILES);
        fs::create_dir_all(&files).map_err(|e| Error::io(&files, e))?;
        let target = OutFolder {
            out: out.to_path_buf(),
            stage,
            created,
            old: Arc::new(old),
            _lock: lock,
            _active: active,
        };
        let mut w = Writer::new(Some(target));
        w.recovered = recovered;
        Ok(w)
    }

    fn new(target: Option<OutFolder>) -> Writer {
        let failed = Arc::new(AtomicBool::new(false));
        let first_error = Arc::new(Mutex::new(None));
        let (queue, thread) = match &target {
            None => (None, None),
            Some(t) => {
                let (tx, rx) = std::sync::mpsc::sync_channel::<(String, Bytes)>(64);
                let (out, files, old) = (t.out.clone(), t.stage.join(FILES), t.old.clone());
                let (failed, first_error) = (failed.clone(), first_error.clone());
                let thread = std::thread::spawn(move || {
                    let mut done = Done::default();
                    let mut dirs = HashSet::new();
                    for (rel, bytes) in rx {
                        if done.error.is_some() {
                            continue;
                        }
                        // Only a file the last build wrote can be left as it is.
                        if old.contains(&rel) && same_bytes(&out.join(&rel), &bytes) {
                            done.unchanged += 1;
                            continue;
                        }
                        let path = files.join(&rel);
                        match write_file(&path, &bytes, &mut dirs) {
                            Ok(()) => {
                                done.written += 1;
                                done.staged.push(rel);
                            }
                            Err(e) => {
                                let message = format!("{}: {e}", path.display());
                                if let Ok(mut f) = first_error.lock() {
                                    *f = Some(message.clone());
                                }
                                failed.store(true, Ordering::SeqCst);
                                done.error = Some(message);
                            }
                        }
                    }
                    done
                });
                (Some(tx), Some(thread))
            }
        };
        Writer {
            target,
            claimed: Mutex::default(),
            queue,
            thread,
            failed,
            first_error,
            recovered: None,
            kept: None,
            unchanged: AtomicUsize::new(0),
        }
    }

    /// Keeps every file handed over in memory too, for [`Writer::take_kept`].
    pub fn keeping(mut self) -> Writer {
        self.kept = Some(Mutex::default());
        self
    }

    /// The files kept so far (all of them once the build is done); empty
    /// unless the writer is [`keeping`](Writer::keeping).
    pub fn take_kept(&self) -> Files {
        self.kept
            .as_ref()
            .map(|k| std::mem::take(&mut *k.lock().unwrap_or_else(|e| e.into_inner())))
            .unwrap_or_default()
    }

    /// Claims `rel` as written by this build with the same bytes as the
    /// last build of this folder, without comparing them: for a caller that
    /// knows (`lotrinh serve` writes the files it built in memory and keeps
    /// what it wrote last). False, claiming nothing, when the last build did
    /// not write `rel`: then the bytes must be [`put`](Writer::put).
    pub fn put_unchanged(&self, rel: &str) -> io::Result<bool> {
        let Some(t) = &self.target else {
            return Ok(false);
        };
        if !t.old.contains(rel) {
            return Ok(false);
        }
        let mut claimed = self.claimed.lock().map_err(|_| poisoned())?;
        if claimed.insert(rel.to_string()) {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
        Ok(true)
    }

    /// Set when opening the folder found an interrupted build's switch and
    /// put the previous output back: what to tell the user.
    pub fn recovered(&self) -> Option<&str> {
        self.recovered.as_deref()
    }

    /// Files handed over so far.
    pub fn count(&self) -> usize {
        self.claimed.lock().map(|c| c.len()).unwrap_or_default()
    }

    /// Hands over one file. `Ok(false)` when an earlier file already took
    /// the path (that one is kept). An error may be an earlier file's: the
    /// build is failing either way, and the message says which.
    pub fn put(&self, rel: &str, bytes: impl Into<Bytes>) -> io::Result<bool> {
        let bytes = bytes.into();
        if !safe_rel(rel) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "refusing to write outside the output folder or over lotrinh's own files: {rel:?}"
                ),
            ));
        }
        if self.failed.load(Ordering::SeqCst) {
            let first = self.first_error.lock().ok().and_then(|f| f.clone());
            return Err(io::Error::other(format!(
                "an earlier file could not be written: {}",
                first.unwrap_or_default()
            )));
        }
        if self.target.is_some() && interrupted() {
            return Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "interrupted (Ctrl-C or SIGTERM)",
            ));
        }
        {
            let mut claimed = self.claimed.lock().map_err(|_| poisoned())?;
            if !claimed.insert(rel.to_string()) {
                return Ok(false);
            }
        }
        if let Some(kept) = &self.kept {
            kept.lock()
                .map_err(|_| poisoned())?
                .insert(rel.to_string(), bytes.clone());
        }
        if let Some(q) = &self.queue {
            q.send((rel.to_string(), bytes))
                .map_err(|_| io::Error::other("the writing thread stopped"))?;
        }
        Ok(true)
    }

    /// Waits for the writing thread and returns what it did.
    fn finish(&mut self) -> Result<Done, Error> {
        self.queue = None;
        match self.thread.take() {
            None => Ok(Done::default()),
            Some(t) => t.join().map_err(|_| Error {
                message: "the writing thread panicked".into(),
                hint: None,
            }),
        }
    }

    /// The build succeeded: moves the changed files in and the stale ones
    /// out, or, on any error, leaves the folder as it was.
    pub fn commit(mut self) -> Result<WriteStats, Error> {
        let done = self.finish().map(|mut d| {
            d.unchanged += self.unchanged.load(Ordering::Relaxed);
            d
        });
        let claimed = std::mem::take(&mut *self.claimed.lock().unwrap_or_else(|e| e.into_inner()));
        let Some(t) = self.target.take() else {
            return done.map(|d| WriteStats {
                written: d.written,
                unchanged: d.unchanged,
                removed: 0,
            });
        };
        let done = match done {
            Ok(d) => d,
            Err(e) => {
                t.abort();
                return Err(e);
            }
        };
        if let Some(message) = done.error {
            t.abort();
            return Err(Error {
                message,
                hint: None,
            });
        }
        if interrupted() {
            t.abort();
            return Err(Error::interrupted());
        }
        let mut staged = done.staged;
        staged.sort_unstable();
        if let Err(e) = t.check_in_the_way(&staged, &claimed) {
            t.abort();
            return Err(e);
        }
        let nothing_to_do = staged.is_empty() && t.old.iter().all(|r| claimed.contains(r));
        if nothing_to_do && t.old.len() == claimed.len() && t.out.join(MANIFEST).exists() {
            // The same files with the same bytes: not even the manifest is touched.
            let _ = fs::remove_dir_all(&t.stage);
            return Ok(WriteStats {
                written: 0,
                unchanged: done.unchanged,
                removed: 0,
            });
        }
        let removed = match t.switch(&staged, &claimed) {
            Ok(n) => n,
            Err(e) => {
                // Put every old file back; if even that fails, the next
                // build will (the journal is still there).
                return Err(match undo(&t.out, &t.stage) {
                    Ok(()) => Error {
                        hint: Some("the output folder is as it was before the build".into()),
                        ..e
                    },
                    Err(u) => Error {
                        message: format!("{}; putting the previous output back failed too: {}", e.message, u.message),
                        hint: Some("the next `lotrinh build` into this folder puts the previous output back first".into()),
                    },
                });
            }
        };
        // The build is committed; a stage left here is removed by the next one.
        let _ = fs::remove_dir_all(&t.stage);
        Ok(WriteStats {
            written: done.written,
            unchanged: done.unchanged,
            removed,
        })
    }

    /// The build failed: the output folder stays as it was.
    pub fn abort(mut self) {
        let _ = self.finish();
        if let Some(t) = self.target.take() {
            t.abort();
        }
    }
}

impl OutFolder {
    fn abort(self) {
        let _ = fs::remove_dir_all(&self.stage);
        if self.created {
            let _ = fs::remove_file(self.out.join(LOCK));
            let _ = fs::remove_dir(&self.out);
        }
    }

    /// A changed file can only replace a file of the last build: a file or
    /// folder of someone else's where this build puts one (a `CNAME` in
    /// `static/` and in the output folder) stops the build before anything
    /// moves.
    fn check_in_the_way(&self, staged: &[String], claimed: &HashSet<String>) -> Result<(), Error> {
        let stale = |r: &str| self.old.contains(r) && !claimed.contains(r);
        let mut in_the_way: Vec<String> = Vec::new();
        let mut folders: HashSet<&str> = HashSet::new();
        let look = |rel: &str| match fs::symlink_metadata(self.out.join(rel)) {
            Ok(m) => Ok(Some(m)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&self.out.join(rel), e)),
        };
        'files: for rel in staged {
            for (i, _) in rel.match_indices('/') {
                let up = &rel[..i];
                if folders.contains(up) {
                    continue;
                }
                match look(up)? {
                    None => continue 'files,
                    Some(m) if m.is_dir() => {
                        folders.insert(up);
                    }
                    // A file of the last build that is now a folder: moved out.
                    Some(_) if stale(up) => continue 'files,
                    Some(_) => {
                        in_the_way.push(up.to_string());
                        continue 'files;
                    }
                }
            }
            match look(rel)? {
                None => {}
                Some(m) if m.is_dir() => {
                    for e in walkdir::WalkDir::new(self.out.join(rel)) {
                        let e = e.map_err(|e| Error {
                            message: e.to_string(),
                            hint: None,
                        })?;
                        if e.file_type().is_dir() {
                            continue;
                        }
                        let r = e
                            .path()
                            .strip_prefix(&self.out)
                            .unwrap_or(e.path())
                            .to_string_lossy()
                            .replace('\\', "/");
                        if !stale(&r) {
                            in_the_way.push(r);
                        }
                    }
                }
                Some(_) if self.old.contains(rel.as_str()) => {}
                Some(_) => in_the_way.push(rel.clone()),
            }
        }
        if in_the_way.is_empty() {
            return Ok(());
        }
        in_the_way.sort();
        in_the_way.dedup();
        let n = in_the_way.len();
        let list: Vec<String> = in_the_way
            .iter()
            .take(10)
            .map(|r| self.out.join(r).display().to_string())
            .collect();
        Err(Error {
            message: format!(
                "{n} file(s) in the output folder were not written by lotrinh and are where this build writes: {}{}",
                list.join(", "),
                if n > 10 { ", ..." } else { "" }
            ),
            hint: Some(format!(
                "lotrinh never replaces a file it did not write (they are not in {MANIFEST}); move them away, or, if the site itself should publish them, put them in static/ and delete them here"
            )),
        })
    }

    /// Writes the new manifest and the journal into the stage: from here on
    /// an interrupted switch can be undone.
    fn begin_switch(&self, staged: &[String], claimed: &HashSet<String>) -> Result<(), Error> {
        let next = self.stage.join(NEXT);
        let mut list: Vec<&String> = claimed.iter().collect();
        list.sort_unstable();
        let mut text = String::from(MANIFEST_HEADER);
        for r in list {
            text.push_str(r);
            text.push('\n');
        }
        fs::write(&next, text).map_err(|e| Error::io(&next, e))?;
        // The journal appears whole (a rename), so an undo never misses a path.
        let journal = self.stage.join(JOURNAL);
        let tmp = self.stage.join("moving.tmp");
        fs::write(&tmp, staged.join("\n")).map_err(|e| Error::io(&tmp, e))?;
        fs::rename(&tmp, &journal).map_err(|e| Error::io(&journal, e))
    }

    /// Moves the staged files in and the stale files out, keeping every file
    /// they replace under the stage's `old/` until the new manifest is in
    /// place. Returns how many stale files were removed.
    fn switch(&self, staged: &[String], claimed: &HashSet<String>) -> Result<usize, Error> {
        self.begin_switch(staged, claimed)?;
        let old_dir = self.stage.join(OLD);
        // New files first: a reader meets a missing page only where the
        // build removed one.
        merge(&self.stage.join(FILES), &self.out, &old_dir)?;
        let mut stale: Vec<&String> = self
            .old
            .iter()
            .filter(|r| !claimed.contains(r.as_str()))
            .collect();
        stale.sort_unstable();
        let mut removed = 0;
        for rel in &stale {
            let from = self.out.join(rel);
            match fs::symlink_metadata(&from) {
                Ok(m) if !m.is_dir() => {
                    move_file(&from, &old_dir.join(rel))?;
                    removed += 1;
                }
                Ok(_) => {}
                // Gone, or under a folder that a new file replaced (moved out whole).
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                    ) => {}
                Err(e) => return Err(Error::io(&from, e)),
            }
        }
        // Folders emptied by removed pages (a folder still in use refuses).
        for rel in &stale {
            prune(&self.out, rel);
        }
        // The one step that commits the build.
        let manifest = self.out.join(MANIFEST);
        let next = self.stage.join(NEXT);
        fs::rename(&next, &manifest).map_err(|e| Error::io(&manifest, e))?;
        Ok(removed)
    }
}

/// Moves everything under `from` into `to`: a folder missing in `to` goes
/// in one rename; whatever it replaces (checked to be the last build's) goes
/// to `old`.
fn merge(from: &Path, to: &Path, old: &Path) -> Result<(), Error> {
    let entries = fs::read_dir(from).map_err(|e| Error::io(from, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let name = entry.file_name();
        let (src, dest, keep) = (entry.path(), to.join(&name), old.join(&name));
        let is_dir = entry.file_type().map_err(|e| Error::io(&src, e))?.is_dir();
        match fs::symlink_metadata(&dest) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => move_file(&src, &dest)?,
            Err(e) => return Err(Error::io(&dest, e)),
            Ok(m) if m.is_dir() && is_dir => merge(&src, &dest, &keep)?,
            Ok(_) => {
                move_file(&dest, &keep)?;
                move_file(&src, &dest)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
thread_local! {
    /// Makes the rename after this many fail (tests of the rollback).
    static FAIL_MOVE: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// A rename, creating the folders it needs.
fn move_file(from: &Path, to: &Path) -> Result<(), Error> {
    #[cfg(test)]
    if let Some(n) = FAIL_MOVE.get() {
        FAIL_MOVE.set(n.checked_sub(1));
        if n == 0 {
            return Err(Error::io(to, io::Error::other("injected failure")));
        }
    }
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    fs::rename(from, to).map_err(|e| Error::io(to, e))
}

/// Removes the folders above `rel` that are empty, deepest first.
fn prune(out: &Path, rel: &str) {
    let mut p = Path::new(rel).parent();
    while let Some(d) = p.filter(|d| !d.as_os_str().is_empty()) {
        if fs::remove_dir(out.join(d)).is_err() {
            break;
        }
        p = d.parent();
    }
}

/// Cleans up after a build that did not finish: staged files of a build
/// that never reached the switch are dropped; a switch that was cut short
/// is undone; a switch that committed (its manifest moved) is kept.
fn recover(out: &Path, stage: &Path) -> Result<Option<String>, Error> {
    match fs::symlink_metadata(stage) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(stage, e)),
        Ok(_) => {}
    }
    let cut_short = stage.join(JOURNAL).exists() && stage.join(NEXT).exists();
    if cut_short {
        undo(out, stage)?;
        return Ok(Some(format!(
            "a build into {} was interrupted while it moved files in; the previous output was put back first",
            out.display()
        )));
    }
    fs::remove_dir_all(stage).map_err(|e| Error::io(stage, e))?;
    Ok(None)
}

/// Puts the output folder back as it was before an unfinished switch:
/// removes the files that were moved in (those no longer staged) and moves
/// every replaced file back.
fn undo(out: &Path, stage: &Path) -> Result<(), Error> {
    let journal = stage.join(JOURNAL);
    let text = match fs::read_to_string(&journal) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&journal, e)),
    };
    let files = stage.join(FILES);
    for rel in text.lines().filter(|r| safe_rel(r)) {
        if fs::symlink_metadata(files.join(rel)).is_ok() {
            continue;
        }
        let path = out.join(rel);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(Error::io(&path, e)),
            _ => prune(out, rel),
        }
    }
    let old = stage.join(OLD);
    if old.exists() {
        restore(&old, out)?;
    }
    fs::remove_dir_all(stage).map_err(|e| Error::io(stage, e))
}

/// Moves the files under `from` back over `to`, folder by folder.
fn restore(from: &Path, to: &Path) -> Result<(), Error> {
    let entries = fs::read_dir(from).map_err(|e| Error::io(from, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let (src, dest) = (entry.path(), to.join(entry.file_name()));
        let is_dir = entry.file_type().map_err(|e| Error::io(&src, e))?.is_dir();
        match fs::symlink_metadata(&dest) {
            Ok(m) if m.is_dir() && is_dir => restore(&src, &dest)?,
            Ok(m) if m.is_dir() => {
                // A folder the build made where this file was: the build's
                // files in it were removed above, so it must be empty.
                fs::remove_dir(&dest).map_err(|e| Error::io(&dest, e))?;
                move_file(&src, &dest)?;
            }
            _ => move_file(&src, &dest)?,
        }
    }
    Ok(())
}

/// The previous build's files; a folder without a manifest must be empty
/// but for dotfiles.
/// The files the last build wrote into `out` (its manifest), read back;
/// empty when there are none. `lotrinh serve` starts from these when its
/// first build fails, so the last good site is still served.
pub fn read_built(out: &Path) -> Files {
    let Ok(text) = fs::read_to_string(out.join(MANIFEST)) else {
        return Files::new();
    };
    text.lines()
        .filter(|l| !l.starts_with('#') && safe_rel(l))
        .filter_map(|rel| Some((rel.to_string(), Bytes::from(fs::read(out.join(rel)).ok()?))))
        .collect()
}

fn read_manifest(out: &Path) -> Result<HashSet<String>, Error> {
    let path = out.join(MANIFEST);
    match fs::read_to_string(&path) {
        Ok(text) => {
            return Ok(text
                .lines()
                .filter(|l| !l.starts_with('#') && safe_rel(l))
                .map(str::to_string)
                .collect());
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(&path, e)),
    }
    let mut theirs: Vec<String> = Vec::new();
    for entry in fs::read_dir(out).map_err(|e| Error::io(out, e))? {
        let entry = entry.map_err(|e| Error::io(out, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            theirs.push(name);
        }
    }
    if theirs.is_empty() {
        return Ok(HashSet::new());
    }
    theirs.sort();
    let n = theirs.len();
    theirs.truncate(5);
    Err(Error {
        message: format!(
            "{} is not empty and no lotrinh build wrote it (it has no {MANIFEST}): {}{}",
            out.display(),
            theirs.join(", "),
            if n > 5 { ", ..." } else { "" }
        ),
        hint: Some(format!(
            "a build replaces and removes the files of its output folder, so it only uses a new or empty one (dotfiles such as .git are allowed and never touched): choose another with `--out DIR`, or, if {} holds a site an older lotrinh built, delete it and build again",
            out.display()
        )),
    })
}

fn poisoned() -> io::Error {
    io::Error::other("a render thread panicked while writing")
}

/// Writes a file into a folder tree being built, creating each folder once.
fn write_file(path: &Path, bytes: &[u8], dirs: &mut HashSet<PathBuf>) -> io::Result<()> {
    if let Some(parent) = path.parent()
        && !dirs.contains(parent)
    {
        fs::create_dir_all(parent)?;
        dirs.insert(parent.to_path_buf());
    }
    fs::write(path, bytes)
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|b| b == bytes)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(out: &Path, files: &[(&str, &str)]) -> Result<WriteStats, Error> {
        let w = Writer::open(out)?;
        for (p, b) in files {
            w.put(p, b.as_bytes().to_vec()).unwrap();
        }
        w.commit()
    }

    /// Every file under `out` but lotrinh's own bookkeeping.
    fn tree(out: &Path) -> Vec<(String, String)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(out).unwrap().display().to_string(),
                    std::fs::read_to_string(e.path()).unwrap(),
                )
            })
            .filter(|(p, _)| p != LOCK && p != MANIFEST)
            .collect();
        v.sort();
        v
    }

    fn t(files: &[(&str, &str)]) -> Vec<(String, String)> {
        files
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn writes_only_changes_and_removes_stale() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = build(&out, &[("a/index.html", "1"), ("b.txt", "2")]).unwrap();
        assert_eq!(s.written, 2);
        let s = build(&out, &[("a/index.html", "1"), ("c.txt", "3")]).unwrap();
        assert_eq!((s.written, s.unchanged, s.removed), (1, 1, 1));
        assert_eq!(tree(&out), t(&[("a/index.html", "1"), ("c.txt", "3")]));
        assert!(!out.join(STAGE).exists(), "the staging folder is removed");
        let manifest = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
        assert!(manifest.ends_with("a/index.html\nc.txt\n"), "{manifest}");
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
        assert_eq!(tree(&out), t(&[("keep", "k"), ("x/index.html", "page")]));
        build(&out, &[("x", "file again"), ("keep", "k")]).unwrap();
        assert_eq!(tree(&out), t(&[("keep", "k"), ("x", "file again")]));
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
        let left: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, [LOCK], "only the (unlocked) lock file");
        // A previous build: untouched, no staging folder left.
        let out = dir.path().join("built");
        build(&out, &[("a/index.html", "1"), ("b.txt", "2")]).unwrap();
        let w = Writer::open(&out).unwrap();
        w.put("a/index.html", b"changed".to_vec()).unwrap();
        w.put("new.txt", b"n".to_vec()).unwrap();
        w.abort();
        assert_eq!(tree(&out), t(&[("a/index.html", "1"), ("b.txt", "2")]));
        assert!(!out.join(STAGE).exists());
    }

    #[test]
    fn a_stage_left_by_a_killed_build_is_not_published() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("a.txt", "1")]).unwrap();
        std::fs::create_dir_all(out.join(STAGE).join(FILES)).unwrap();
        std::fs::write(out.join(STAGE).join("files/junk.txt"), "j").unwrap();
        build(&out, &[("a.txt", "2")]).unwrap();
        assert_eq!(tree(&out), t(&[("a.txt", "2")]));
    }

    #[test]
    fn refuses_escaping_paths_and_lotrinhs_own_files() {
        let dir = tempfile::tempdir().unwrap();
        let w = Writer::open(dir.path()).unwrap();
        for bad in [
            "../x",
            "/etc/x",
            "",
            "a/../../x",
            ".lotrinh-manifest",
            ".lotrinh-stage/x",
            ".git/config",
            "a/.git/x",
            "a\nb",
        ] {
            assert!(w.put(bad, b"".to_vec()).is_err(), "{bad:?}");
        }
    }

    /// Issue 16.2: `build --out v` deleted `v/.git` and `v/thesis.docx`.
    #[test]
    fn a_folder_no_build_wrote_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("v");
        std::fs::create_dir_all(out.join(".git")).unwrap();
        std::fs::write(out.join(".git/HEAD"), "ref").unwrap();
        std::fs::write(out.join("thesis.docx"), "x").unwrap();
        let e = build(&out, &[("index.html", "site")]).err().unwrap();
        assert!(e.message.contains("no lotrinh build wrote it"), "{e}");
        assert!(e.message.contains("thesis.docx"), "{e}");
        assert!(e.hint.unwrap().contains("--out"));
        assert_eq!(tree(&out), t(&[(".git/HEAD", "ref"), ("thesis.docx", "x")]));
    }

    /// A fresh `gh-pages` clone (only dotfiles) is a fine output folder,
    /// and its `.git` survives every build.
    #[test]
    fn dotfiles_and_files_no_build_wrote_are_never_touched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("v");
        std::fs::create_dir_all(out.join(".git")).unwrap();
        std::fs::write(out.join(".git/HEAD"), "ref").unwrap();
        build(&out, &[("index.html", "1"), ("en/a.html", "a")]).unwrap();
        // Added by hand after the build: kept by every later build.
        std::fs::write(out.join("CNAME"), "example.org").unwrap();
        std::fs::write(out.join("en/notes.txt"), "mine").unwrap();
        std::fs::write(out.join(".nojekyll"), "").unwrap();
        let s = build(&out, &[("index.html", "2")]).unwrap();
        assert_eq!(s.removed, 1);
        assert_eq!(
            tree(&out),
            t(&[
                (".git/HEAD", "ref"),
                (".nojekyll", ""),
                ("CNAME", "example.org"),
                ("en/notes.txt", "mine"),
                ("index.html", "2"),
            ])
        );
    }

    /// A build never overwrites a file it did not write: it stops first,
    /// having changed nothing.
    #[test]
    fn a_file_in_the_way_stops_the_build_before_anything_moves() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("index.html", "1"), ("old.txt", "o")]).unwrap();
        std::fs::write(out.join("CNAME"), "example.org").unwrap();
        std::fs::create_dir_all(out.join("docs")).unwrap();
        std::fs::write(out.join("docs/mine.txt"), "m").unwrap();
        let before = tree(&out);
        let e = build(
            &out,
            &[
                ("index.html", "2"),
                ("CNAME", "other.org"),
                ("docs", "file"),
            ],
        )
        .err()
        .unwrap();
        assert!(
            e.message.contains("CNAME") && e.message.contains("docs/mine.txt"),
            "{e}"
        );
        assert_eq!(tree(&out), before);
        assert!(!out.join(STAGE).exists());
    }

    /// Issue 16.3: the output folder may be a mount point or sit in a
    /// folder nobody may write to: all the work happens inside it.
    #[test]
    fn nothing_is_written_beside_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir(&out).unwrap();
        // What the old staging folder's name now holds: none of the build's business.
        std::fs::write(dir.path().join(".public.lotrinh-stage"), "not a folder").unwrap();
        build(&out, &[("a.txt", "1"), ("b.txt", "1")]).unwrap();
        let w = Writer::open(&out).unwrap();
        w.put("a.txt", b"2".to_vec()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(50));
        let beside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(beside.len(), 2, "{beside:?}");
        w.commit().unwrap();
        assert_eq!(tree(&out), t(&[("a.txt", "2")]));
    }

    /// Issue 16.3: a failed write was reported as "an earlier file could not
    /// be written", the cause never printed.
    #[test]
    fn a_write_error_names_the_file_and_the_cause() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("a.txt", "1")]).unwrap();
        let w = Writer::open(&out).unwrap();
        // A file where the staged tree goes: every write fails (even as root).
        let files = out.join(STAGE).join(FILES);
        std::fs::remove_dir_all(&files).unwrap();
        std::fs::write(&files, "").unwrap();
        let mut later = None;
        for i in 0..1000 {
            if let Err(e) = w.put(&format!("p/{i}.html"), b"x".to_vec()) {
                later = Some(e.to_string());
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let later = later.expect("the failed write was never reported");
        assert!(
            later.contains(".lotrinh-stage/files/p") && later.contains("ot a directory"),
            "{later}"
        );
        let e = w.commit().err().unwrap();
        assert!(e.message.contains(".lotrinh-stage/files/p/0.html"), "{e}");
        assert_eq!(tree(&out), t(&[("a.txt", "1")]));
    }

    /// Issue 16.6: a switch that fails half-way puts every old file back.
    #[test]
    fn a_failed_switch_is_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let v1 = [
            ("a/1.html", "a1"),
            ("a/2.html", "a2"),
            ("b/x", "f"),
            ("gone.txt", "g"),
        ];
        build(&out, &v1).unwrap();
        for fail_after in 0..5 {
            FAIL_MOVE.set(Some(fail_after));
            let e = build(
                &out,
                &[
                    ("a/1.html", "A1"),
                    ("a/2.html", "a2"),
                    ("b/x/index.html", "d"),
                    ("c/new", "n"),
                ],
            )
            .err()
            .unwrap();
            FAIL_MOVE.set(None);
            assert!(e.message.contains("injected failure"), "{e}");
            assert_eq!(tree(&out), t(&v1), "after {fail_after} moves");
            assert!(!out.join(STAGE).exists());
        }
    }

    /// Issue 16.6: `kill -9` during the switch left a mix of old and new
    /// files; the next build puts the previous output back first.
    #[test]
    fn a_switch_cut_short_is_undone_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let v1 = [("a/1.html", "a1"), ("b", "f"), ("gone.txt", "g")];
        build(&out, &v1).unwrap();
        let mut w = Writer::open(&out).unwrap();
        for (p, b) in [("a/1.html", "A1"), ("b/index.html", "d"), ("c/new", "n")] {
            w.put(p, b.as_bytes().to_vec()).unwrap();
        }
        let done = w.finish().unwrap();
        let claimed = std::mem::take(&mut *w.claimed.lock().unwrap());
        let t2 = w.target.take().unwrap();
        t2.begin_switch(&done.staged, &claimed).unwrap();
        FAIL_MOVE.set(Some(2));
        assert!(
            merge(
                &out.join(STAGE).join(FILES),
                &out,
                &out.join(STAGE).join(OLD)
            )
            .is_err()
        );
        FAIL_MOVE.set(None);
        assert_ne!(tree(&out), t(&v1), "the switch was under way");
        drop(t2); // killed: nothing else runs
        let w = Writer::open(&out).unwrap();
        assert!(w.recovered().is_some());
        assert_eq!(tree(&out), t(&v1));
        w.abort();
        assert_eq!(tree(&out), t(&v1));
        // And a committed switch whose clean-up was cut short is kept.
        build(&out, &[("z", "z")]).unwrap();
        std::fs::create_dir_all(out.join(STAGE).join(OLD)).unwrap();
        std::fs::write(out.join(STAGE).join(OLD).join("b"), "f").unwrap();
        std::fs::write(out.join(STAGE).join(JOURNAL), "z").unwrap();
        let w = Writer::open(&out).unwrap();
        assert!(w.recovered().is_none());
        w.abort();
        assert_eq!(tree(&out), t(&[("z", "z")]));
    }

    /// Issue 16.6: a `serve` and a `build` into one folder mixed their files.
    #[test]
    fn one_writer_per_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let w = Writer::open(&out).unwrap();
        let e = Writer::open(&out).err().unwrap();
        assert!(e.message.contains("another lotrinh"), "{e}");
        w.abort();
        Writer::open(&out).unwrap().commit().unwrap();
    }
}
