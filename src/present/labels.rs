//! The one name of a recommendation or a task wherever it is a link: its
//! page's H1, the lists and tables that lead to it, the search results.
//! Made here once, so that a reader meets the same words everywhere and no
//! two links to different records read alike ("¶ not confirmed" three times
//! on one page said nothing about where each went).

use crate::check::index::Index;
use crate::model::{Ix, Recommendation, Task};
use crate::source::markdown;

/// Characters a subject taken from a recommendation's text is cut to.
const SUBJECT: usize = 70;
/// Characters a task's text is cut to in its label.
const TASK_TEXT: usize = 90;

/// The interface words a label needs, in the page's language.
pub struct LabelWords {
    /// "¶ not confirmed", for a recommendation whose paragraph is unknown.
    pub no_paragraph: String,
    /// "{mechanism}, cycle {cycle}": names a document without a symbol
    /// (a UPR outcome) by its review cycle.
    pub cycle: String,
    /// "ended", said of an agency that no longer exists.
    pub ended: String,
}

impl LabelWords {
    pub fn new(tr: impl Fn(&str) -> String) -> LabelWords {
        LabelWords {
            no_paragraph: tr("rec.no_paragraph_short"),
            cycle: tr("rec.label_cycle"),
            ended: tr("agency.ended"),
        }
    }
}

/// `s` cut to at most `n` characters at a word boundary, with "…".
pub(crate) fn clip(s: &str, n: usize) -> String {
    let s = s.trim();
    let Some((cut, _)) = s.char_indices().nth(n) else {
        return s.to_string();
    };
    let head = &s[..cut];
    // Back to the last space, unless that loses most of the text.
    let at = head
        .rfind(char::is_whitespace)
        .filter(|&i| i * 2 > head.len())
        .unwrap_or(head.len());
    format!(
        "{}…",
        head[..at].trim_end_matches(|c: char| c.is_whitespace() || ",;:".contains(c))
    )
}

/// Where a recommendation comes from: its document's symbol
/// ("CAT/C/VNM/CO/1"); a document without one by its mechanism and cycle
/// ("Universal Periodic Review (UPR), cycle III"), else by its title.
fn source(
    idx: &Index<'_>,
    ri: Ix<Recommendation>,
    lang: &str,
    langs: &[String],
    w: &LabelWords,
) -> String {
    let d = idx.data;
    let r = &d.recommendations[ri];
    let doc = idx
        .document
        .get(r.document.id.as_str())
        .map(|&x| &d.documents[x]);
    if let Some(sym) = doc.and_then(|x| x.symbol.as_deref()) {
        return sym.to_string();
    }
    let mech = idx
        .mechanism
        .get(r.mechanism.id.as_str())
        .map(|&m| markdown::plain(d.mechanisms[m].name.plain(lang, langs)));
    match (mech, doc.and_then(|x| x.cycle.as_deref())) {
        (Some(m), Some(cycle)) => w.cycle.replace("{mechanism}", &m).replace("{cycle}", cycle),
        (Some(m), None) => match doc {
            Some(x) => clip(&markdown::plain(x.title.plain(lang, langs)), 60),
            None => m,
        },
        (None, _) => doc
            .map(|x| clip(&markdown::plain(x.title.plain(lang, langs)), 60))
            .unwrap_or_default(),
    }
}

/// A recommendation's label: source, paragraph (or "¶ not confirmed") and
/// subject (its heading, else the start of its text; both when the
/// paragraph is unknown):
/// "CAT/C/VNM/CO/1 ¶15: Definition of torture",
/// "Universal Periodic Review (UPR), cycle III, ¶ not confirmed: Criminalise all forms…".
pub(crate) fn recommendation(
    idx: &Index<'_>,
    ri: Ix<Recommendation>,
    lang: &str,
    langs: &[String],
    w: &LabelWords,
) -> String {
    let r = &idx.data.recommendations[ri];
    let mut out = source(idx, ri, lang, langs, w);
    let paragraph = r
        .paragraph
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    match paragraph {
        Some(p) => {
            out.push_str(" ¶");
            out.push_str(p);
        }
        None => {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(&w.no_paragraph);
        }
    }
    let text = || clip(&markdown::plain(r.text.plain(lang, langs)), SUBJECT);
    let subject = match (&r.heading, paragraph) {
        (Some(h), Some(_)) => markdown::plain(h.plain(lang, langs)),
        // A heading is a section of its document, shared by the paragraphs
        // under it: without a paragraph number only the text tells them apart.
        (Some(h), None) => format!("{} — {}", markdown::plain(h.plain(lang, langs)), text()),
        (None, _) => text(),
    };
    if !subject.is_empty() {
        out.push_str(": ");
        out.push_str(&subject);
    }
    out
}

/// A task's reference with its plan, which tells same-numbered tasks of two
/// plans apart: "A.II.3.3 (1252/QĐ-TTg)"; a plan without a decision symbol
/// by its title.
pub(crate) fn task_ref(idx: &Index<'_>, ti: Ix<Task>, lang: &str, langs: &[String]) -> String {
    let d = idx.data;
    let t = &d.tasks[ti];
    let plan = idx.plan.get(t.plan.id.as_str()).map(|&p| &d.plans[p]);
    let name = plan.map(|p| {
        idx.document
            .get(p.document.id.as_str())
            .and_then(|&x| d.documents[x].symbol.clone())
            .unwrap_or_else(|| clip(&markdown::plain(p.title.plain(lang, langs)), 40))
    });
    match name {
        Some(n) if !n.is_empty() => format!("{} ({n})", t.ref_),
        _ => t.ref_.clone(),
    }
}

/// A task's label: its reference with its plan, and the start of its text:
/// "A.II.3.3 (1252/QĐ-TTg): Study reducing the death penalty…".
pub(crate) fn task(idx: &Index<'_>, ti: Ix<Task>, lang: &str, langs: &[String]) -> String {
    let text = markdown::plain(idx.data.tasks[ti].text.plain(lang, langs));
    format!(
        "{}: {}",
        task_ref(idx, ti, lang, langs),
        clip(&text, TASK_TEXT)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostics, Sources};
    use crate::model::Records;
    use std::path::Path;

    fn words() -> LabelWords {
        LabelWords {
            no_paragraph: "¶ not confirmed".into(),
            cycle: "{mechanism}, cycle {cycle}".into(),
            ended: "ended".into(),
        }
    }

    #[test]
    fn clip_cuts_at_a_word_and_marks_the_cut() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("one two three four", 10), "one two…");
        assert_eq!(clip("alpha, beta gamma", 8), "alpha…");
        // One long word: cut inside it rather than lose it.
        assert_eq!(clip("Ausländerbehörde", 5), "Auslä…");
    }

    #[test]
    fn labels_of_the_shipped_site_name_source_paragraph_and_subject() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut sources, mut diags) = (Sources::default(), Diagnostics::default());
        let site = crate::source::load::site(root, &mut sources, &mut diags).expect("site loads");
        let idx = Index::build(&site.data, site.config.as_of);
        let langs = &site.config.languages;
        let d = idx.data;
        let rec = |id: &str| idx.rec[id];
        // A treaty body's recommendation: symbol, paragraph, heading.
        let cat = d
            .recommendations
            .enumerated()
            .find(|(_, r)| r.paragraph.is_some() && r.heading.is_some())
            .map(|(i, _)| i)
            .expect("a recommendation with paragraph and heading");
        let label = recommendation(&idx, cat, "en", langs, &words());
        let r = &d.recommendations[cat];
        let sym = d.documents[idx.document[r.document.id.as_str()]]
            .symbol
            .clone()
            .unwrap();
        assert_eq!(
            label,
            format!(
                "{sym} ¶{}: {}",
                r.paragraph.as_deref().unwrap(),
                r.heading.as_ref().unwrap().plain("en", langs)
            )
        );
        // A UPR recommendation: no paragraph or heading. Named by its
        // outcome's symbol, "¶ not confirmed" and the start of its text;
        // never "None", never empty.
        let upr = rec("upr3-torture-action-plan-united-kingdom");
        assert_eq!(
            recommendation(&idx, upr, "en", langs, &words()),
            "A/HRC/41/7, ¶ not confirmed: Draw up and publish an action plan to carry out the recommendations…"
        );
        // Every recommendation's label differs from every other's, in each language.
        for lang in langs {
            let mut all: Vec<String> = d
                .recommendations
                .ixs()
                .map(|i| recommendation(&idx, i, lang, langs, &words()))
                .collect();
            assert!(all.iter().all(|l| !l.contains("None") && l.len() > 10));
            let n = all.len();
            all.sort();
            all.dedup();
            assert_eq!(all.len(), n, "two recommendations share a label in {lang}");
        }
    }

    #[test]
    fn a_task_label_names_its_plan() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut sources, mut diags) = (Sources::default(), Diagnostics::default());
        let site = crate::source::load::site(root, &mut sources, &mut diags).expect("site loads");
        let idx = Index::build(&site.data, site.config.as_of);
        let langs = &site.config.languages;
        let d = idx.data;
        for (ti, t) in d.tasks.enumerated() {
            let plan = &d.plans[idx.plan[t.plan.id.as_str()]];
            let sym = d.documents[idx.document[plan.document.id.as_str()]]
                .symbol
                .clone()
                .expect("shipped plans have a decision symbol");
            assert_eq!(
                task_ref(&idx, ti, "vi", langs),
                format!("{} ({sym})", t.ref_)
            );
            let label = task(&idx, ti, "en", langs);
            assert!(
                label.starts_with(&format!("{} ({sym}): ", t.ref_)),
                "{label}"
            );
            assert!(label.chars().count() <= t.ref_.chars().count() + sym.chars().count() + 5 + 91);
        }
    }
}
