//! `lotrinh new`: a minimal working site, one commented example record per
//! collection. The files live in the repository under `scaffold/` (so they are
//! edited, reviewed and tested as real files) and are embedded in the binary.

use std::io;
use std::path::Path;

/// (path inside the new site, contents).
const FILES: &[(&str, &str)] = &[
    ("site.yaml", include_str!("../../scaffold/site.yaml")),
    (
        "data/mechanisms.yaml",
        include_str!("../../scaffold/data/mechanisms.yaml"),
    ),
    (
        "data/documents.yaml",
        include_str!("../../scaffold/data/documents.yaml"),
    ),
    (
        "data/agencies.yaml",
        include_str!("../../scaffold/data/agencies.yaml"),
    ),
    (
        "data/themes.yaml",
        include_str!("../../scaffold/data/themes.yaml"),
    ),
    (
        "data/recommendations.yaml",
        include_str!("../../scaffold/data/recommendations.yaml"),
    ),
    (
        "data/plans.yaml",
        include_str!("../../scaffold/data/plans.yaml"),
    ),
    (
        "data/tasks.yaml",
        include_str!("../../scaffold/data/tasks.yaml"),
    ),
    (
        "data/indicators.yaml",
        include_str!("../../scaffold/data/indicators.yaml"),
    ),
    (
        "data/indicator-values.yaml",
        include_str!("../../scaffold/data/indicator-values.yaml"),
    ),
    (
        "content/about.vi.md",
        include_str!("../../scaffold/content/about.vi.md"),
    ),
    (
        "content/about.en.md",
        include_str!("../../scaffold/content/about.en.md"),
    ),
    (".gitignore", "/public/\n"),
];

/// Creates a new site in `dir` (created if missing; refused unless empty).
/// `as_of` goes into site.yaml: the day the site was made, the only date in it.
/// Returns the files written, relative to `dir`.
pub(crate) fn create(dir: &Path, as_of: &str) -> io::Result<Vec<&'static str>> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists and is not a folder", dir.display()),
            ));
        }
        if std::fs::read_dir(dir)?.next().is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{} is not empty; lotrinh new only writes into a new or empty folder",
                    dir.display()
                ),
            ));
        }
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text.replace("{{AS_OF}}", as_of))?;
    }
    Ok(FILES.iter().map(|(p, _)| *p).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_non_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
        let err = create(dir.path(), "2026-01-01").unwrap_err();
        assert!(err.to_string().contains("not empty"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn writes_every_file_with_the_date() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("new-site");
        let files = create(&site, "2026-01-02").unwrap();
        for f in files {
            assert!(site.join(f).is_file(), "{f}");
        }
        let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
        assert!(yaml.contains("as_of: 2026-01-02"));
        assert!(!yaml.contains("{{"));
    }
}
