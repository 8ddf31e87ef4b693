//! Reading the site's folders: every problem is said, and nothing outside
//! the site's folder is read.
//!
//! A folder that cannot be read (no permission, a symlink loop) is an error
//! with its path, never "no such folder": `ln -s data data` or `chmod 000
//! content` once built a site without records or pages, exit 0. A symlink is
//! followed only where it leads to somewhere inside the site's folder; one
//! that leads out (`static -> ~`, `data/tasks.yaml -> /etc/passwd`) is an
//! error, so a build never publishes or prints a file the site does not
//! hold. Names starting with a dot (`.git`, `.DS_Store`) are left out
//! without a word; anything else that is skipped is said.

use crate::diag::Diagnostics;
use std::io;
use std::path::{Path, PathBuf};

/// The site's folder, resolved once.
pub(crate) struct Site {
    root: PathBuf,
    /// `root` with every symlink resolved: where "inside" is.
    real: PathBuf,
}

/// One entry of a folder (a symlink checked to lead inside the site).
pub(crate) struct Item {
    pub name: String,
    /// Its path under the site's folder (through any symlink: it is checked).
    pub path: PathBuf,
    /// The path as it appears in the site, for messages.
    pub shown: PathBuf,
    pub is_dir: bool,
}

impl Site {
    pub(crate) fn new(root: &Path) -> Site {
        let real = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        Site {
            root: root.to_path_buf(),
            real,
        }
    }

    /// `path` as the user knows it: relative to the site's folder.
    pub(crate) fn shown(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).unwrap_or(path).to_path_buf()
    }

    /// Where `path` leads, if it stays inside the site; an error naming it
    /// otherwise. `Ok(None)`: it does not exist.
    fn inside(&self, path: &Path, diags: &mut Diagnostics) -> Result<Option<PathBuf>, ()> {
        let shown = self.shown(path);
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                diags.error(None, format!("cannot read {}: {e}", shown.display()));
                return Err(());
            }
            Ok(_) => {}
        }
        let real = match std::fs::canonicalize(path) {
            Ok(r) => r,
            Err(e) => {
                let d = diags.error(None, format!("cannot read {}: {e}", shown.display()));
                if std::fs::read_link(path).is_ok() {
                    d.hint("it is a symlink that leads nowhere or back to itself");
                }
                return Err(());
            }
        };
        if !real.starts_with(&self.real) {
            diags
                .error(
                    None,
                    format!(
                        "{} leads outside the site folder (it is, or is under, a symlink to {})",
                        shown.display(),
                        real.display()
                    ),
                )
                .hint("lotrinh reads nothing outside the site's folder, so a build never publishes or prints a file the site does not hold: copy the file or folder into the site instead of linking to it");
            return Err(());
        }
        Ok(Some(real))
    }

    /// The entries of `dir`, sorted by name, without dotfiles, symlinks
    /// resolved. `None` if `dir` does not exist or cannot be read (then
    /// an error says why).
    pub(crate) fn list(&self, dir: &Path, diags: &mut Diagnostics) -> Option<Vec<Item>> {
        let real = self.inside(dir, diags).ok()??;
        let shown_dir = self.shown(dir);
        let rd = match std::fs::read_dir(&real) {
            Ok(rd) => rd,
            Err(e) => {
                diags.error(None, format!("cannot read {}/: {e}", shown_dir.display()));
                return None;
            }
        };
        let mut items = Vec::new();
        for entry in rd {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.error(None, format!("cannot read {}/: {e}", shown_dir.display()));
                    return None;
                }
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let (shown, path) = (shown_dir.join(&name), dir.join(&name));
            let Ok(Some(real)) = self.inside(&path, diags) else {
                continue;
            };
            match std::fs::metadata(&real) {
                Ok(m) if m.is_dir() || m.is_file() => items.push(Item {
                    name,
                    path,
                    shown,
                    is_dir: m.is_dir(),
                }),
                Ok(_) => {
                    diags.warning(
                        None,
                        format!("ignoring {}: not a file or folder", shown.display()),
                    );
                }
                Err(e) => {
                    diags.error(None, format!("cannot read {}: {e}", shown.display()));
                }
            }
        }
        items.sort_by(|a, b| a.name.cmp(&b.name));
        Some(items)
    }

    /// Every file under `dir`, as (path relative to `dir` with `/`, item),
    /// sorted; an empty list if `dir` does not exist.
    pub(crate) fn files(&self, dir: &Path, diags: &mut Diagnostics) -> Vec<(String, Item)> {
        let mut out = Vec::new();
        let mut above = Vec::new();
        self.walk(dir, "", &mut above, &mut out, diags);
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    fn walk(
        &self,
        dir: &Path,
        rel: &str,
        above: &mut Vec<PathBuf>,
        out: &mut Vec<(String, Item)>,
        diags: &mut Diagnostics,
    ) {
        let Ok(Some(real)) = self.inside(dir, diags) else {
            return;
        };
        // A symlink back to a folder being walked would never end.
        if above.contains(&real) {
            diags
                .error(
                    None,
                    format!(
                        "{} leads back into a folder that holds it",
                        self.shown(dir).display()
                    ),
                )
                .hint("remove the symlink");
            return;
        }
        let Some(items) = self.list(dir, diags) else {
            return;
        };
        above.push(real);
        for item in items {
            let r = if rel.is_empty() {
                item.name.clone()
            } else {
                format!("{rel}/{}", item.name)
            };
            if item.is_dir {
                self.walk(&dir.join(&item.name), &r, above, out, diags);
            } else {
                out.push((r, item));
            }
        }
        above.pop();
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("static/css")).unwrap();
        std::fs::write(root.join("static/css/a.css"), "a").unwrap();
        std::fs::write(root.join("static/.hidden"), "h").unwrap();
        std::fs::write(tmp.path().join("secret.pem"), "key").unwrap();
        (tmp, root)
    }

    fn names(v: &[(String, Item)]) -> Vec<&str> {
        v.iter().map(|(r, _)| r.as_str()).collect()
    }

    #[test]
    fn symlinks_inside_the_site_are_followed() {
        let (_tmp, root) = site();
        std::fs::write(root.join("logo.svg"), "svg").unwrap();
        symlink(root.join("logo.svg"), root.join("static/logo.svg")).unwrap();
        symlink("css", root.join("static/styles")).unwrap();
        let mut d = Diagnostics::default();
        let files = Site::new(&root).files(&root.join("static"), &mut d);
        assert!(d.is_empty());
        assert_eq!(names(&files), ["css/a.css", "logo.svg", "styles/a.css"]);
    }

    #[test]
    fn symlinks_out_of_the_site_are_errors() {
        let (tmp, root) = site();
        symlink(tmp.path().join("secret.pem"), root.join("static/key.pem")).unwrap();
        symlink(tmp.path(), root.join("static/up")).unwrap();
        let mut d = Diagnostics::default();
        let files = Site::new(&root).files(&root.join("static"), &mut d);
        assert_eq!(names(&files), ["css/a.css"]);
        assert_eq!(d.errors(), 2);
        // The whole folder a symlink to outside.
        let (tmp2, root2) = site();
        std::fs::remove_dir_all(root2.join("static")).unwrap();
        symlink(tmp2.path(), root2.join("static")).unwrap();
        let mut d = Diagnostics::default();
        assert!(
            Site::new(&root2)
                .files(&root2.join("static"), &mut d)
                .is_empty()
        );
        assert_eq!(d.errors(), 1);
        drop(tmp);
    }

    #[test]
    fn loops_and_dangling_links_are_errors_not_silence() {
        let (_tmp, root) = site();
        symlink("data", root.join("data")).unwrap();
        let mut d = Diagnostics::default();
        let s = Site::new(&root);
        assert!(s.list(&root.join("data"), &mut d).is_none());
        assert_eq!(d.errors(), 1);
        symlink(".", root.join("static/css/again")).unwrap();
        symlink("nowhere", root.join("static/gone")).unwrap();
        let mut d = Diagnostics::default();
        let files = s.files(&root.join("static"), &mut d);
        assert_eq!(names(&files), ["css/a.css"]);
        assert_eq!(d.errors(), 2);
        // Missing is not a problem.
        let mut d = Diagnostics::default();
        assert!(s.list(&root.join("content"), &mut d).is_none());
        assert!(d.is_empty());
    }
}
