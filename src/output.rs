//! Writing the rendered site: only files whose bytes changed are written,
//! only files no longer produced are removed, and nothing is touched until
//! everything has been rendered (so a failed build leaves `public/` as it was).

use std::collections::HashSet;
use std::io;
use std::path::{Component, Path};

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

pub fn write(out: &Path, files: &[(String, Vec<u8>)]) -> io::Result<WriteStats> {
    let mut stats = WriteStats::default();
    for (rel, _) in files {
        if !safe_rel(rel) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output folder: {rel}"),
            ));
        }
    }
    std::fs::create_dir_all(out)?;
    let wanted: HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    // Remove stale files first so a file can become a folder and back.
    let mut stale_dirs = Vec::new();
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
            stale_dirs.push(entry.path().to_path_buf());
        } else if !wanted.contains(rel.as_str()) {
            std::fs::remove_file(entry.path())?;
            stats.removed += 1;
        }
    }
    let results: Vec<io::Result<bool>> = {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|(rel, bytes)| {
                let path = out.join(rel);
                if let Ok(meta) = std::fs::metadata(&path) {
                    if meta.is_file()
                        && meta.len() == bytes.len() as u64
                        && std::fs::read(&path).map(|b| b == *bytes).unwrap_or(false)
                    {
                        return Ok(false);
                    }
                    if meta.is_dir() {
                        std::fs::remove_dir_all(&path)?;
                    }
                }
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&path, bytes)?;
                Ok(true)
            })
            .collect()
    };
    for r in results {
        if r? {
            stats.written += 1;
        } else {
            stats.unchanged += 1;
        }
    }
    // Empty folders left behind by removed pages.
    for d in stale_dirs {
        let _ = std::fs::remove_dir(&d);
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_changes_and_removes_stale() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = write(
            &out,
            &[
                ("a/index.html".into(), b"1".to_vec()),
                ("b.txt".into(), b"2".to_vec()),
            ],
        )
        .unwrap();
        assert_eq!(s.written, 2);
        let s = write(
            &out,
            &[
                ("a/index.html".into(), b"1".to_vec()),
                ("c.txt".into(), b"3".to_vec()),
            ],
        )
        .unwrap();
        assert_eq!((s.written, s.unchanged, s.removed), (1, 1, 1));
        assert!(!out.join("b.txt").exists());
    }

    #[test]
    fn refuses_escaping_paths() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write(dir.path(), &[("../x".into(), vec![])]).is_err());
        assert!(write(dir.path(), &[("/etc/x".into(), vec![])]).is_err());
    }
}
