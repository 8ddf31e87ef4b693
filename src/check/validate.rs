//! Checks that need the whole dataset: id rules, duplicates, and every
//! reference resolving, each failure with a "did you mean" hint.

use crate::diag::{Diagnostics, Loc, Sources, closest};
use crate::model::*;
use std::collections::HashMap;

/// The ids of one collection, with a label for hints ("Ministry of Justice").
struct IdSet<'a> {
    what: &'static str,
    ids: HashMap<&'a str, (Loc, String)>,
    /// Records that failed to load; already reported.
    broken: std::collections::HashSet<&'a str>,
    /// The first file of this collection that could not be read at all.
    unread: Option<u32>,
    unchecked: std::cell::Cell<usize>,
}

impl<'a> IdSet<'a> {
    fn build(
        what: &'static str,
        items: impl Iterator<Item = (&'a Ref, String)>,
        broken: std::collections::HashSet<&'a str>,
        sources: &Sources,
        d: &mut Diagnostics,
    ) -> Self {
        let mut ids: HashMap<&'a str, (Loc, String)> = HashMap::new();
        for (r, label) in items {
            if let Err(why) = check_id(&r.id) {
                d.error(Some(r.loc), format!("{what} id `{}` {why}", r.id))
                    .width(r.id.chars().count())
                    .hint("ids are lowercase ASCII letters, digits and single hyphens, e.g. `moj` or `cat-co1-7`");
                continue;
            }
            if let Some((first, _)) = ids.get(r.id.as_str()) {
                let first = *first;
                d.error(Some(r.loc), format!("duplicate {what} id `{}`", r.id)).width(r.id.chars().count()).hint(format!(
                    "the same id is first used at {}:{}; ids must be unique within a collection",
                    sources.path(first.file).display(),
                    first.line
                ));
                continue;
            }
            ids.insert(r.id.as_str(), (r.loc, label));
        }
        IdSet {
            what,
            ids,
            broken,
            unread: None,
            unchecked: std::cell::Cell::new(0),
        }
    }

    /// A file of this collection could not be read at all: its ids are
    /// unknown, so references to ids not found are not reported one by one.
    fn with_unread(mut self, file: Option<u32>) -> Self {
        self.unread = file;
        self
    }

    /// One warning for the references left unchecked, instead of an error
    /// for every reference into the unreadable file.
    fn report_unchecked(&self, sources: &Sources, d: &mut Diagnostics) {
        let n = self.unchecked.get();
        if let (Some(file), true) = (self.unread, n > 0) {
            let path = sources.path(file).display();
            d.warning(
                Some(Loc {
                    file,
                    line: 1,
                    col: 1,
                }),
                match n {
                    1 => format!(
                        "1 reference to {} {} id was not checked, because {path} could not be read",
                        if self.what.starts_with(['a', 'e', 'i', 'o', 'u']) {
                            "an"
                        } else {
                            "a"
                        },
                        self.what
                    ),
                    _ => format!(
                        "{n} references to {} ids were not checked, because {path} could not be read",
                        self.what
                    ),
                },
            )
            .hint("fix the error in this file first; the references are checked again then");
        }
    }

    fn check(&self, r: &Ref, d: &mut Diagnostics) -> bool {
        if self.ids.contains_key(r.id.as_str()) {
            return true;
        }
        if self.broken.contains(r.id.as_str()) {
            return false;
        }
        if self.unread.is_some() {
            self.unchecked.set(self.unchecked.get() + 1);
            return false;
        }
        let near = closest(&r.id, self.ids.keys().copied());
        let diag = d.error(Some(r.loc), format!("unknown {} `{}`", self.what, r.id));
        diag.width(r.id.chars().count());
        if let Some(n) = near.first() {
            let label = &self.ids[n].1;
            if label.is_empty() {
                diag.hint(format!("did you mean `{n}`?"));
            } else {
                diag.hint(format!("did you mean `{n}` ({label})?"));
            }
        } else {
            diag.hint(format!(
                "no {} has this id; check the spelling or add the record",
                self.what
            ));
        }
        false
    }
}

/// The ids of every collection that records refer to, checked (the id
/// rule, duplicates) as they are gathered.
struct Ids<'a> {
    mechanisms: IdSet<'a>,
    documents: IdSet<'a>,
    agencies: IdSet<'a>,
    themes: IdSet<'a>,
    recs: IdSet<'a>,
    plans: IdSet<'a>,
    tasks: IdSet<'a>,
    indicators: IdSet<'a>,
}

impl<'a> Ids<'a> {
    fn build(data: &'a Data, langs: &[String], sources: &Sources, d: &mut Diagnostics) -> Self {
        let label = |t: &Text| t.plain("en", langs).to_string();
        let set = |c: Collection,
                   what: &'static str,
                   items: &mut dyn Iterator<Item = (&'a Ref, String)>,
                   d: &mut Diagnostics| {
            IdSet::build(what, items, broken(data, c), sources, d).with_unread(unread(data, c))
        };
        Ids {
            mechanisms: set(
                Collection::Mechanisms,
                "mechanism",
                &mut data.mechanisms.iter().map(|m| (&m.id, label(&m.name))),
                d,
            ),
            documents: set(
                Collection::Documents,
                "document",
                &mut data
                    .documents
                    .iter()
                    .map(|x| (&x.id, x.symbol.clone().unwrap_or_default())),
                d,
            ),
            agencies: set(
                Collection::Agencies,
                "agency",
                &mut data.agencies.iter().map(|x| (&x.id, label(&x.name))),
                d,
            ),
            themes: set(
                Collection::Themes,
                "theme",
                &mut data.themes.iter().map(|x| (&x.id, label(&x.name))),
                d,
            ),
            recs: set(
                Collection::Recommendations,
                "recommendation",
                &mut data.recommendations.iter().map(|x| (&x.id, String::new())),
                d,
            ),
            plans: set(
                Collection::Plans,
                "plan",
                &mut data.plans.iter().map(|x| (&x.id, String::new())),
                d,
            ),
            tasks: set(
                Collection::Tasks,
                "task",
                &mut data.tasks.iter().map(|x| (&x.id, x.ref_.clone())),
                d,
            ),
            indicators: set(
                Collection::Indicators,
                "indicator",
                &mut data.indicators.iter().map(|x| (&x.id, label(&x.title))),
                d,
            ),
        }
    }

    /// One warning per collection whose unreadable file left references
    /// unchecked ([`IdSet::report_unchecked`]).
    fn report_unchecked(&self, sources: &Sources, d: &mut Diagnostics) {
        for set in [
            &self.mechanisms,
            &self.documents,
            &self.agencies,
            &self.themes,
            &self.recs,
            &self.plans,
            &self.tasks,
            &self.indicators,
        ] {
            set.report_unchecked(sources, d);
        }
    }
}

/// The first file of a collection that could not be read at all.
fn unread(data: &Data, c: Collection) -> Option<u32> {
    data.unread.iter().find(|(x, _)| *x == c).map(|(_, f)| *f)
}

/// The ids of a collection's records that failed to load (already reported).
fn broken(data: &Data, c: Collection) -> std::collections::HashSet<&str> {
    data.broken
        .iter()
        .filter(|(x, _)| *x == c)
        .map(|(_, id)| id.as_str())
        .collect()
}

/// Every rule that needs the whole dataset, one function per collection
/// whose records it reads; every problem is reported, none stops the rest.
pub(crate) fn validate(
    data: &Data,
    langs: &[String],
    as_of: jiff::civil::Date,
    sources: &Sources,
    d: &mut Diagnostics,
) {
    let ids = Ids::build(data, langs, sources, d);
    check_documents(data, &ids, d);
    check_agencies(data, &ids, d);
    check_recommendations(data, &ids, d);
    check_coverage(data, d);
    check_plans(data, &ids, d);
    check_tasks(data, &ids, d);
    check_progress(data, &ids, as_of, sources, d);
    check_parent_cycles(data, d);
    check_indicators(data, &ids, d);
    check_values(data, &ids, d);
    // Last: every check above counts the references it could not check.
    ids.report_unchecked(sources, d);
}

fn check_documents(data: &Data, ids: &Ids<'_>, d: &mut Diagnostics) {
    for doc in &data.documents {
        if let Some(m) = &doc.mechanism {
            ids.mechanisms.check(m, d);
        }
    }
}

/// Parents and successors exist and are not the agency itself; successors
/// come with an end date.
fn check_agencies(data: &Data, ids: &Ids<'_>, d: &mut Diagnostics) {
    for a in &data.agencies {
        if let Some(p) = &a.parent
            && ids.agencies.check(p, d)
            && p.id == a.id.id
        {
            d.error(
                Some(p.loc),
                format!("agency `{}` is its own parent", a.id.id),
            );
        }
        for s in &a.successors {
            ids.agencies.check(&s.agency, d);
            if s.agency.id == a.id.id {
                d.error(
                    Some(s.agency.loc),
                    format!("agency `{}` names itself as its successor", a.id.id),
                );
            }
        }
        if !a.successors.is_empty() && a.ended.is_none() {
            d.warning(
                Some(a.id.loc),
                format!("agency `{}` has successors but no `ended` date", a.id.id),
            )
            .hint("add `ended: YYYY-MM-DD`, the day the body ceased to exist");
        }
    }
}

/// A recommendation's mechanism agrees with its document's; themes and
/// related recommendations exist, and none is related to itself.
fn check_recommendations(data: &Data, ids: &Ids<'_>, d: &mut Diagnostics) {
    let doc_mech: HashMap<&str, &str> = data
        .documents
        .iter()
        .filter_map(|x| {
            x.mechanism
                .as_ref()
                .map(|m| (x.id.id.as_str(), m.id.as_str()))
        })
        .collect();
    for r in &data.recommendations {
        let m_ok = ids.mechanisms.check(&r.mechanism, d);
        let d_ok = ids.documents.check(&r.document, d);
        if m_ok
            && d_ok
            && let Some(dm) = doc_mech.get(r.document.id.as_str())
            && *dm != r.mechanism.id
        {
            d.error(Some(r.mechanism.loc), format!(
                        "recommendation `{}` is under mechanism `{}` but its document `{}` belongs to `{dm}`",
                        r.id.id, r.mechanism.id, r.document.id
                    ));
        }
        for t in &r.themes {
            ids.themes.check(t, d);
        }
        for x in &r.related {
            if ids.recs.check(x, d) && x.id == r.id.id {
                d.error(
                    Some(x.loc),
                    format!("recommendation `{}` is related to itself", r.id.id),
                );
            }
        }
    }
}

/// A plan's references exist; `superseded_by` names another plan, or its
/// document.
fn check_plans(data: &Data, ids: &Ids<'_>, d: &mut Diagnostics) {
    for p in &data.plans {
        ids.documents.check(&p.document, d);
        for m in &p.mechanisms {
            ids.mechanisms.check(m, d);
        }
        if let Some(c) = &p.coordinator {
            ids.agencies.check(c, d);
        }
        for a in &p.answers {
            ids.documents.check(a, d);
        }
        if let Some(s) = &p.superseded_by {
            if !ids.plans.ids.contains_key(s.id.as_str())
                && !ids.documents.ids.contains_key(s.id.as_str())
            {
                ids.plans.check(s, d);
            } else if s.id == p.id.id || s.id == p.document.id {
                d.error(
                    Some(s.loc),
                    format!("plan `{}` is superseded by itself", p.id.id),
                )
                .hint("`superseded_by` names the plan (or its document) that replaced this one");
            }
        }
    }
}

/// A task's references exist, its parent is in the same plan and is not
/// itself; a task that is not a heading has a lead.
fn check_tasks(data: &Data, ids: &Ids<'_>, d: &mut Diagnostics) {
    let by_id = tasks_by_id(data);
    for t in &data.tasks {
        ids.plans.check(&t.plan, d);
        if let Some(p) = &t.parent
            && ids.tasks.check(p, d)
            && let Some(parent) = by_id.get(p.id.as_str())
        {
            if parent.plan.id != t.plan.id {
                d.error(
                    Some(p.loc),
                    format!(
                        "parent `{}` belongs to plan `{}`, not `{}`",
                        p.id, parent.plan.id, t.plan.id
                    ),
                );
            }
            if p.id == t.id.id {
                d.error(Some(p.loc), format!("task `{}` is its own parent", t.id.id));
            }
        }
        for a in t.lead.iter().chain(&t.coordinating).chain(&t.current_lead) {
            ids.agencies.check(&a.agency, d);
        }
        for r in &t.recommendations {
            ids.recs.check(r, d);
        }
        for i in &t.indicators {
            ids.indicators.check(i, d);
        }
        for th in &t.themes {
            ids.themes.check(th, d);
        }
        if !t.heading && t.lead.is_empty() {
            d.warning(
                Some(t.id.loc),
                format!("task `{}` ({}) has no lead agency", t.id.id, t.ref_),
            )
            .hint("add `lead:`, or `heading: true` if the row only groups others");
        }
    }
}

fn tasks_by_id(data: &Data) -> HashMap<&str, &Task> {
    data.tasks.iter().map(|t| (t.id.id.as_str(), t)).collect()
}

/// A progress record's ids follow the rule and are unique; it is dated no
/// later than `as_of`, its sources were read by then, and a status is not
/// claimed for a heading (which has no state of its own).
fn check_progress(
    data: &Data,
    ids: &Ids<'_>,
    as_of: jiff::civil::Date,
    sources: &Sources,
    d: &mut Diagnostics,
) {
    // Nothing refers to a progress record; building the set checks its ids
    // (the rule, duplicates).
    IdSet::build(
        "progress record",
        data.progress.iter().map(|x| (&x.id, String::new())),
        broken(data, Collection::Progress),
        sources,
        d,
    );
    let check_source = |s: &Source, d: &mut Diagnostics| match s {
        Source::Document(r) => {
            ids.documents.check(r, d);
        }
        Source::Web {
            accessed: Some(a),
            loc,
            ..
        } if *a > as_of => {
            d.warning(
                Some(*loc),
                format!("this source was read on {a}, after the site's `as_of` ({as_of})"),
            )
            .hint("move `as_of` in site.yaml forward to the day the data was last checked");
        }
        Source::Web { .. } => {}
    };
    let by_id = tasks_by_id(data);
    for p in &data.progress {
        if p.date.start > as_of {
            d.error(
                Some(p.date.loc),
                format!(
                    "progress record `{}` is dated {}, after the site's `as_of` ({as_of})",
                    p.id.id, p.date.label
                ),
            )
            .hint("a record tells what has happened: fix the date, or move `as_of` in site.yaml forward");
        }
        for t in &p.tasks {
            if ids.tasks.check(t, d)
                && p.status.is_some()
                && let Some(task) = by_id.get(t.id.as_str())
                && task.heading
            {
                d.warning(
                    Some(t.loc),
                    format!(
                        "`{}` is a heading, which has no state of its own: this record's status is not counted for it",
                        t.id
                    ),
                )
                .hint("name the tasks under the heading that the claim is about");
            }
        }
        for r in &p.recommendations {
            ids.recs.check(r, d);
        }
        check_source(&p.source, d);
        for s in &p.also {
            check_source(s, d);
        }
    }
}

fn check_indicators(data: &Data, ids: &Ids<'_>, d: &mut Diagnostics) {
    for i in &data.indicators {
        if let Some(s) = &i.source {
            ids.documents.check(s, d);
        }
        for t in &i.themes {
            ids.themes.check(t, d);
        }
        for t in &i.tasks {
            ids.tasks.check(t, d);
        }
    }
}

/// A value's indicator exists, and the value fits it: a plausible number,
/// or a level of the indicator's scale.
fn check_values(data: &Data, ids: &Ids<'_>, d: &mut Diagnostics) {
    let ind: HashMap<&str, &Indicator> = data
        .indicators
        .iter()
        .map(|i| (i.id.id.as_str(), i))
        .collect();
    for v in &data.values {
        if let Some(s) = &v.source {
            ids.documents.check(s, d);
        }
        if !ids.indicators.check(&v.indicator, d) {
            continue;
        }
        let Some(i) = ind.get(v.indicator.id.as_str()) else {
            continue;
        };
        let Some(value) = &v.value else { continue };
        if i.scale.is_empty() {
            match v.number {
                None => {
                    d.error(Some(v.loc), format!("value `{value}` of `{}` is not a number", i.id.id))
                        .hint("write numbers with a dot for decimals and no thousands separator; put words in `note`");
                }
                Some(n) if !crate::source::fields::plausible(n) => {
                    d.error(
                        Some(v.loc),
                        format!("value `{value}` of `{}` is too large", i.id.id),
                    )
                    .hint(crate::source::fields::TOO_LARGE_HINT);
                }
                Some(_) => {}
            }
        } else if !i.scale.iter().any(|s| s == value) {
            d.error(
                Some(v.loc),
                format!(
                    "value `{value}` is not a level of the scale of `{}`",
                    i.id.id
                ),
            )
            .hint(format!("levels: {}", i.scale.join(", ")));
        }
    }
}

/// A document's coverage fields must agree with the recommendations that
/// point to it: the site computes "N of M recorded" from them.
fn check_coverage(data: &Data, d: &mut Diagnostics) {
    let mut recorded: HashMap<&str, u32> = HashMap::new();
    for r in &data.recommendations {
        *recorded.entry(r.document.id.as_str()).or_default() += 1;
    }
    for doc in &data.documents {
        let n = recorded.get(doc.id.id.as_str()).copied().unwrap_or(0);
        if !doc.entered && n > 0 {
            d.error(
                Some(doc.id.loc),
                format!(
                    "document `{}` says `entered: false` but {n} recommendation(s) point to it",
                    doc.id.id
                ),
            )
            .hint("remove `entered: false` once its recommendations are entered");
        }
        if let Some((total, loc)) = doc.recommendations_total
            && n > total
        {
            d.error(
                Some(loc),
                format!(
                    "document `{}` has `recommendations_total: {total}` but {n} recommendations point to it",
                    doc.id.id
                ),
            )
            .hint("`recommendations_total` is the number in the source document, at least as many as are recorded");
        }
    }
}

fn check_parent_cycles(data: &Data, d: &mut Diagnostics) {
    let tasks = data
        .tasks
        .iter()
        .map(|t| (&t.id, t.parent.as_ref().map(|p| p.id.as_str())));
    report_cycles("task", "parent", tasks, d);
    // An agency's chain of parents is walked to show where it sits; a loop
    // (a -> b -> a) has no top. Itself as parent is reported apart.
    let agencies = data.agencies.iter().map(|a| {
        let p = a.parent.as_ref().map(|p| p.id.as_str());
        (&a.id, p.filter(|p| *p != a.id.id))
    });
    report_cycles("agency", "parent", agencies, d);
    // A plan superseded in a loop: each says the other replaced it.
    let plans = data.plans.iter().map(|p| {
        let s = p.superseded_by.as_ref().map(|s| s.id.as_str());
        (&p.id, s.filter(|s| *s != p.id.id))
    });
    report_cycles("plan", "superseded_by", plans, d);
}

/// Reports every record whose chain of `field` links comes back to it.
fn report_cycles<'a>(
    what: &str,
    field: &str,
    links: impl Iterator<Item = (&'a Ref, Option<&'a str>)>,
    d: &mut Diagnostics,
) {
    let links: Vec<(&Ref, Option<&str>)> = links.collect();
    let next: HashMap<&str, &str> = links
        .iter()
        .filter_map(|(id, p)| p.map(|p| (id.id.as_str(), p)))
        .collect();
    for (id, _) in &links {
        let mut cur = id.id.as_str();
        let mut steps = 0;
        while let Some(p) = next.get(cur) {
            steps += 1;
            if *p == id.id || steps > next.len() {
                d.error(
                    Some(id.loc),
                    format!("{what} `{}` is its own ancestor through `{field}`", id.id),
                );
                break;
            }
            cur = p;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_rule() {
        assert!(check_id("qd-87-2023-dd-i").is_ok());
        assert!(check_id("../etc").is_err());
        assert!(check_id("A").is_err());
        assert!(check_id("a--b").is_err());
        assert!(check_id("-a").is_err());
        assert!(check_id(&"a".repeat(81)).is_err());
        assert!(check_id("a.b").is_err());
        // Regression (issue 16.14): folders Windows cannot check out.
        for id in ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9"] {
            assert!(check_id(id).unwrap_err().contains("Windows"), "{id}");
        }
        for id in [
            "com",
            "com0",
            "com10",
            "lpt",
            "console",
            "con-dao",
            "nul-1",
            "auxiliary",
        ] {
            assert!(check_id(id).is_ok(), "{id}");
        }
        assert!(check_id("").is_err());
    }
}
