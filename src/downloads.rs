//! The downloads page's guide: how to cite the dataset and how to load it
//! in Python and R. The code lives once, in `themes/default/snippets/`;
//! the page shows it with this site's data address filled in, and CI runs
//! the very text of the built page against a local server (.ci/snippets.py).

use crate::config::Config;
use minijinja::Value;

const PYTHON: &str = include_str!("../themes/default/snippets/load.py");
const R: &str = include_str!("../themes/default/snippets/load.R");

/// Where the code reads the files from: the published `data/` folder when
/// `base_url` is a full URL, else a local copy in `data/` beside the script
/// (a path-only base URL gives no address a script could fetch).
fn data_url(cfg: &Config) -> (String, bool) {
    if cfg.base_url.starts_with("http://") || cfg.base_url.starts_with("https://") {
        (cfg.absolute("data/"), false)
    } else {
        ("data/".to_string(), true)
    }
}

/// A snippet as shown: `{data_url}` and `{lang}` (the page's language, for
/// the `_vi`/`_en` columns) filled in.
fn fill(code: &str, url: &str, lang: &str) -> String {
    code.replace("{data_url}", url).replace("{lang}", lang)
}

/// What data.html needs for its "how to use" and "how to cite" sections.
pub fn view(cfg: &Config, lang: &str) -> Value {
    let (url, local) = data_url(cfg);
    let langs = &cfg.languages;
    let page = cfg.absolute(&format!("{lang}/data/"));
    let cite = minijinja::context! {
        publisher => cfg.publisher.as_ref().map(|p| p.plain(lang, langs).to_string()),
        title => cfg.title.plain(lang, langs),
        version => cfg.as_of.to_string(),
        year => cfg.as_of.year(),
        url => (!local).then_some(page),
        license => cfg.license.clone(),
        license_url => cfg.license_url.clone(),
    };
    minijinja::context! {
        python => fill(PYTHON, &url, lang),
        r => fill(R, &url, lang),
        local => local,
        cite => cite,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_have_the_placeholders_the_page_fills() {
        for code in [PYTHON, R] {
            assert!(code.contains("\"{data_url}\""), "{code}");
            assert!(code.contains("name_{lang}"), "{code}");
            let shown = fill(code, "https://example.org/sub/data/", "vi");
            assert!(shown.contains("\"https://example.org/sub/data/\""));
            assert!(shown.contains("name_vi"));
            assert!(!shown.contains("{data_url}") && !shown.contains("{lang}"));
        }
    }
}
