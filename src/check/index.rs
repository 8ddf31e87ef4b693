//! The cross-link index, built once from validated data: who answers which
//! recommendation, which agency leads what, what is overdue as of `as_of`.
//!
//! Everything the pages need to navigate is computed here, so rendering never
//! scans the whole dataset per page.
//!
//! Every link is typed at both ends: a field `owner_things` is an
//! [`IxVec<Owner, _>`] indexed by the owner's [`Ix`] and holding `Ix<Thing>`s,
//! so `rec_tasks[task]` or `data.agencies[task]` does not compile.

pub(crate) use crate::check::state::{Counts, State, TaskState};
use crate::model::*;
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Lead,
    Coordinating,
}

/// A link from an agency to a task, with the note the plan attaches.
#[derive(Debug, Clone)]
pub struct Duty<'a> {
    pub task: Ix<Task>,
    pub role: Role,
    pub note: Option<&'a Text>,
}

/// Record id → position in its collection.
pub(crate) type IdMap<'a, T> = HashMap<&'a str, Ix<T>>;
/// Per record of `T`, the records of `U` it links to.
pub(crate) type Links<T, U> = IxVec<T, Vec<Ix<U>>>;
/// An agency with the note a task or a successor attaches to it.
pub(crate) type Noted<'a> = (Ix<Agency>, Option<&'a Text>);

pub struct Index<'a> {
    pub data: &'a Data,
    pub as_of: Date,
    pub mechanism: IdMap<'a, Mechanism>,
    pub document: IdMap<'a, Document>,
    pub agency: IdMap<'a, Agency>,
    pub theme: IdMap<'a, Theme>,
    pub rec: IdMap<'a, Recommendation>,
    pub plan: IdMap<'a, Plan>,
    pub task: IdMap<'a, Task>,
    pub indicator: IdMap<'a, Indicator>,

    pub rec_related: Links<Recommendation, Recommendation>,
    pub rec_tasks: Links<Recommendation, Task>,
    pub rec_agencies: Links<Recommendation, Agency>,
    pub task_parent: IxVec<Task, Option<Ix<Task>>>,
    pub task_children: Links<Task, Task>,
    /// Ancestors, outermost first.
    pub task_path: Links<Task, Task>,
    pub task_last_due: IxVec<Task, Option<Date>>,
    /// Each task's state: [`crate::check::state::task_state`], computed once here.
    pub task_state: IxVec<Task, TaskState>,
    /// Progress records about each recommendation, newest first.
    pub rec_progress: Links<Recommendation, Progress>,
    /// Per progress record, the agencies its tasks and recommendations
    /// concern (lead, coordinating, answering today): the updates page's
    /// agency filter and the agency feeds.
    pub progress_agencies: Links<Progress, Agency>,
    /// Per progress record, the mechanisms of its recommendations, and of
    /// its tasks' recommendations and plans.
    pub progress_mechanisms: Links<Progress, Mechanism>,
    /// The other way: per agency, the progress records that concern it,
    /// newest (last in the data) first; its updates page and feed.
    pub agency_progress: Links<Agency, Progress>,
    /// Per mechanism, the progress records that concern it, newest first.
    pub mechanism_progress: Links<Mechanism, Progress>,
    /// Who answers for the task today: its `current_lead`, else each lead
    /// followed through `successors` where a lead has ended with a single successor.
    pub task_current: IxVec<Task, Vec<Noted<'a>>>,
    pub task_lead_ended: IxVec<Task, bool>,
    pub task_indicators: Links<Task, Indicator>,
    pub agency_duties: IxVec<Agency, Vec<Duty<'a>>>,
    /// Tasks an agency answers for because a body it succeeded led them.
    pub agency_inherited: Links<Agency, Task>,
    /// See [`Index::agency_led`].
    agency_led: Links<Agency, Task>,
    pub agency_recs: Links<Agency, Recommendation>,
    pub agency_predecessors: IxVec<Agency, Vec<Noted<'a>>>,
    pub agency_children: Links<Agency, Agency>,
    pub theme_recs: Links<Theme, Recommendation>,
    pub theme_tasks: Links<Theme, Task>,
    /// The agencies of a theme's tasks: (agency, leads one, coordinates one).
    pub theme_agencies: IxVec<Theme, Vec<(Ix<Agency>, bool, bool)>>,
    pub theme_indicators: Links<Theme, Indicator>,
    pub plan_tasks: Links<Plan, Task>,
    pub plan_successor: IxVec<Plan, Option<Succ>>,
    /// The plans each plan superseded (their `superseded_by`).
    pub plan_predecessors: Links<Plan, Plan>,
    pub doc_recs: Links<Document, Recommendation>,
    pub doc_plans: Links<Document, Plan>,
    pub doc_answered_by: Links<Document, Plan>,
    pub doc_indicators: Links<Document, Indicator>,
    pub mech_docs: Links<Mechanism, Document>,
    pub mech_recs: Links<Mechanism, Recommendation>,
    pub mech_plans: Links<Mechanism, Plan>,
    pub ind_values: Links<Indicator, IndicatorValue>,
    pub ind_tasks: Links<Indicator, Task>,
}

/// What replaced a plan: another plan of the site, or only a document.
#[derive(Debug, Clone, Copy)]
pub enum Succ {
    Plan(Ix<Plan>),
    Document(Ix<Document>),
}

fn ids<'a, T>(items: &'a [T], id: impl Fn(&'a T) -> &'a str) -> IdMap<'a, T> {
    items.enumerated().map(|(i, x)| (id(x), i)).collect()
}

fn sorted<T>(set: BTreeSet<Ix<T>>) -> Vec<Ix<T>> {
    set.into_iter().collect()
}

/// Per item of `items`, the progress records whose `per_record` list
/// names it, newest (last in the data) first: one pass over the records
/// rather than one per item.
fn records_by<T>(per_record: &Links<Progress, T>, items: &[T]) -> Links<T, Progress> {
    let mut by = IxVec::per(items, Vec::new);
    for (p, xs) in per_record.enumerated().rev() {
        for &x in xs {
            if let Some(list) = by.get_mut(x) {
                list.push(p);
            }
        }
    }
    by
}

/// Record id → position, per collection with ids.
struct IdMaps<'a> {
    mechanism: IdMap<'a, Mechanism>,
    document: IdMap<'a, Document>,
    agency: IdMap<'a, Agency>,
    theme: IdMap<'a, Theme>,
    rec: IdMap<'a, Recommendation>,
    plan: IdMap<'a, Plan>,
    task: IdMap<'a, Task>,
    indicator: IdMap<'a, Indicator>,
}

impl<'a> IdMaps<'a> {
    fn new(data: &'a Data) -> Self {
        IdMaps {
            mechanism: ids(&data.mechanisms, |x| x.id.id.as_str()),
            document: ids(&data.documents, |x| x.id.id.as_str()),
            agency: ids(&data.agencies, |x| x.id.id.as_str()),
            theme: ids(&data.themes, |x| x.id.id.as_str()),
            rec: ids(&data.recommendations, |x| x.id.id.as_str()),
            plan: ids(&data.plans, |x| x.id.id.as_str()),
            task: ids(&data.tasks, |x| x.id.id.as_str()),
            indicator: ids(&data.indicators, |x| x.id.id.as_str()),
        }
    }
}

/// Related recommendations, both ways.
fn related_recs(data: &Data, ids: &IdMaps<'_>) -> Links<Recommendation, Recommendation> {
    let mut related = IxVec::per(&data.recommendations, BTreeSet::new);
    for (i, r) in data.recommendations.enumerated() {
        for x in &r.related {
            if let Some(&j) = ids.rec.get(x.id.as_str())
                && i != j
            {
                related[i].insert(j);
                related[j].insert(i);
            }
        }
    }
    related.map(sorted)
}

/// The tree of a plan's tasks.
struct TaskTree {
    parent: IxVec<Task, Option<Ix<Task>>>,
    children: Links<Task, Task>,
    /// Ancestors, outermost first.
    path: Links<Task, Task>,
}

/// Parents are explicit, else the task whose ref is this ref minus its last part.
fn task_tree(data: &Data, ids: &IdMaps<'_>) -> TaskTree {
    let nt = data.tasks.len();
    let by_ref: HashMap<(&str, &str), Ix<Task>> = data
        .tasks
        .enumerated()
        .map(|(i, t)| ((t.plan.id.as_str(), t.ref_.as_str()), i))
        .collect();
    let parent: IxVec<Task, Option<Ix<Task>>> = data
        .tasks
        .iter()
        .map(|t| match &t.parent {
            Some(p) => ids.task.get(p.id.as_str()).copied(),
            None => t
                .ref_
                .trim_end_matches('.')
                .rsplit_once('.')
                .and_then(|(head, _)| by_ref.get(&(t.plan.id.as_str(), head)).copied()),
        })
        .collect();
    let mut children = IxVec::per(&data.tasks, Vec::new);
    for (i, p) in parent.enumerated() {
        if let Some(p) = *p {
            children[p].push(i);
        }
    }
    let path = data
        .tasks
        .ixs()
        .map(|i| {
            let mut path = Vec::new();
            let mut cur = parent[i];
            while let Some(p) = cur {
                if path.contains(&p) || path.len() > nt {
                    break;
                }
                path.push(p);
                cur = parent[p];
            }
            path.reverse();
            path
        })
        .collect();
    TaskTree {
        parent,
        children,
        path,
    }
}

/// Progress records per task (in `Data::progress` order) and per
/// recommendation (newest first).
fn progress_records(
    data: &Data,
    ids: &IdMaps<'_>,
) -> (Links<Task, Progress>, Links<Recommendation, Progress>) {
    let mut task_records = IxVec::per(&data.tasks, Vec::new);
    let mut rec_progress = IxVec::per(&data.recommendations, Vec::new);
    for (pi, p) in data.progress.enumerated() {
        for t in &p.tasks {
            if let Some(&ti) = ids.task.get(t.id.as_str())
                && task_records[ti].last() != Some(&pi)
            {
                task_records[ti].push(pi);
            }
        }
        for r in &p.recommendations {
            if let Some(&ri) = ids.rec.get(r.id.as_str())
                && rec_progress[ri].last() != Some(&pi)
            {
                rec_progress[ri].push(pi);
            }
        }
    }
    for v in rec_progress.iter_mut() {
        v.reverse();
    }
    (task_records, rec_progress)
}

/// Who answers for each task today, and which agencies answer for what.
struct AgencyLinks<'a> {
    task_current: IxVec<Task, Vec<Noted<'a>>>,
    task_lead_ended: IxVec<Task, bool>,
    duties: IxVec<Agency, Vec<Duty<'a>>>,
    inherited: Links<Agency, Task>,
    predecessors: IxVec<Agency, Vec<Noted<'a>>>,
    children: Links<Agency, Agency>,
}

fn agency_links<'a>(data: &'a Data, ids: &IdMaps<'a>, as_of: Date) -> AgencyLinks<'a> {
    let (nt, na) = (data.tasks.len(), data.agencies.len());
    let agency = &ids.agency;
    let ended: IxVec<Agency, bool> = data
        .agencies
        .iter()
        .map(|a| crate::check::state::agency_ended(a, as_of).is_some())
        .collect();
    let mut task_current = Vec::with_capacity(nt);
    let mut task_lead_ended = Vec::with_capacity(nt);
    for t in &data.tasks {
        let any_ended = t
            .lead
            .iter()
            .any(|l| agency.get(l.agency.id.as_str()).is_some_and(|&a| ended[a]));
        task_lead_ended.push(any_ended);
        let mut cur: Vec<Noted<'a>> = Vec::new();
        if !t.current_lead.is_empty() {
            for l in &t.current_lead {
                if let Some(&a) = agency.get(l.agency.id.as_str()) {
                    cur.push((a, l.note.as_ref()));
                }
            }
        } else if any_ended {
            for l in &t.lead {
                let Some(&a) = agency.get(l.agency.id.as_str()) else {
                    continue;
                };
                let mut a = a;
                let mut hops = 0;
                // Follow a chain of single successors (A merged into B, B into C).
                while ended[a] && data.agencies[a].successors.len() == 1 && hops < na {
                    match agency.get(data.agencies[a].successors[0].agency.id.as_str()) {
                        Some(&s) => a = s,
                        None => break,
                    }
                    hops += 1;
                }
                if !ended[a] && !cur.iter().any(|(x, _)| *x == a) {
                    cur.push((a, l.note.as_ref()));
                }
            }
        }
        task_current.push(cur);
    }
    let task_current = IxVec::<Task, _>::from_vec(task_current);
    let task_lead_ended = IxVec::<Task, _>::from_vec(task_lead_ended);

    let mut duties: IxVec<Agency, Vec<Duty<'a>>> = IxVec::per(&data.agencies, Vec::new);
    let mut inherited = IxVec::per(&data.agencies, BTreeSet::new);
    for (ti, t) in data.tasks.enumerated() {
        for (role, refs) in [(Role::Lead, &t.lead), (Role::Coordinating, &t.coordinating)] {
            for r in refs {
                if let Some(&a) = agency.get(r.agency.id.as_str()) {
                    duties[a].push(Duty {
                        task: ti,
                        role,
                        note: r.note.as_ref(),
                    });
                }
            }
        }
        if task_lead_ended[ti] {
            for &(a, _) in &task_current[ti] {
                if !t.lead.iter().any(|l| l.agency.id == data.agencies[a].id.id) {
                    inherited[a].insert(ti);
                }
            }
        }
    }
    let mut predecessors = IxVec::per(&data.agencies, Vec::new);
    let mut children = IxVec::per(&data.agencies, Vec::new);
    for (i, a) in data.agencies.enumerated() {
        for s in &a.successors {
            if let Some(&j) = agency.get(s.agency.id.as_str()) {
                predecessors[j].push((i, s.note.as_ref()));
            }
        }
        if let Some(&p) = a.parent.as_ref().and_then(|p| agency.get(p.id.as_str())) {
            children[p].push(i);
        }
    }
    AgencyLinks {
        task_current,
        task_lead_ended,
        duties,
        inherited: inherited.map(sorted),
        predecessors,
        children,
    }
}

/// Recommendations and the tasks that answer them, and the agencies of those tasks.
struct RecLinks {
    tasks: Links<Recommendation, Task>,
    agencies: Links<Recommendation, Agency>,
    /// Per agency, the recommendations its tasks answer.
    agency_recs: Links<Agency, Recommendation>,
}

fn rec_links(data: &Data, ids: &IdMaps<'_>) -> RecLinks {
    let mut rec_tasks = IxVec::per(&data.recommendations, BTreeSet::new);
    for (ti, t) in data.tasks.enumerated() {
        for r in &t.recommendations {
            if let Some(&ri) = ids.rec.get(r.id.as_str()) {
                rec_tasks[ri].insert(ti);
            }
        }
    }
    let rec_tasks: Links<Recommendation, Task> = rec_tasks.map(sorted);
    let rec_agencies: Links<Recommendation, Agency> = rec_tasks
        .iter()
        .map(|ts| {
            let mut s = BTreeSet::new();
            for &t in ts {
                for l in data.tasks[t].lead.iter().chain(&data.tasks[t].coordinating) {
                    if let Some(&a) = ids.agency.get(l.agency.id.as_str()) {
                        s.insert(a);
                    }
                }
            }
            sorted(s)
        })
        .collect();
    let mut agency_recs = IxVec::per(&data.agencies, BTreeSet::new);
    for (ri, ags) in rec_agencies.enumerated() {
        for &a in ags {
            agency_recs[a].insert(ri);
        }
    }
    RecLinks {
        tasks: rec_tasks,
        agencies: rec_agencies,
        agency_recs: agency_recs.map(sorted),
    }
}

/// What each theme gathers.
struct ThemeLinks {
    recs: Links<Theme, Recommendation>,
    tasks: Links<Theme, Task>,
    indicators: Links<Theme, Indicator>,
    /// (agency, leads one, coordinates one)
    agencies: IxVec<Theme, Vec<(Ix<Agency>, bool, bool)>>,
}

fn theme_links(
    data: &Data,
    ids: &IdMaps<'_>,
    rec_tasks: &Links<Recommendation, Task>,
) -> ThemeLinks {
    let theme = &ids.theme;
    let mut theme_recs = IxVec::per(&data.themes, BTreeSet::new);
    let mut theme_tasks = IxVec::per(&data.themes, BTreeSet::new);
    let mut theme_indicators = IxVec::per(&data.themes, BTreeSet::new);
    for (ri, r) in data.recommendations.enumerated() {
        for t in &r.themes {
            if let Some(&th) = theme.get(t.id.as_str()) {
                theme_recs[th].insert(ri);
                theme_tasks[th].extend(rec_tasks[ri].iter().copied());
            }
        }
    }
    for (ti, t) in data.tasks.enumerated() {
        for th in &t.themes {
            if let Some(&th) = theme.get(th.id.as_str()) {
                theme_tasks[th].insert(ti);
            }
        }
    }
    for (ii, i) in data.indicators.enumerated() {
        for th in &i.themes {
            if let Some(&th) = theme.get(th.id.as_str()) {
                theme_indicators[th].insert(ii);
            }
        }
    }
    let theme_agencies = theme_tasks
        .iter()
        .map(|ts| {
            let mut s: BTreeMap<Ix<Agency>, (bool, bool)> = BTreeMap::new();
            for &t in ts {
                let task = &data.tasks[t];
                for (refs, lead) in [(&task.lead, true), (&task.coordinating, false)] {
                    for l in refs {
                        if let Some(&a) = ids.agency.get(l.agency.id.as_str()) {
                            let e = s.entry(a).or_default();
                            if lead {
                                e.0 = true;
                            } else {
                                e.1 = true;
                            }
                        }
                    }
                }
            }
            // Agencies are sorted by id, so index order is id order.
            s.into_iter().map(|(a, (l, co))| (a, l, co)).collect()
        })
        .collect();
    ThemeLinks {
        recs: theme_recs.map(sorted),
        tasks: theme_tasks.map(sorted),
        indicators: theme_indicators.map(sorted),
        agencies: theme_agencies,
    }
}

/// Plans: their tasks, and what replaced them.
struct PlanLinks {
    tasks: Links<Plan, Task>,
    successor: IxVec<Plan, Option<Succ>>,
    predecessors: Links<Plan, Plan>,
}

fn plan_links(data: &Data, ids: &IdMaps<'_>) -> PlanLinks {
    let plan_tasks = group(&data.tasks, &data.plans, |t| {
        ids.plan.get(t.plan.id.as_str()).copied()
    });
    let mut plan_predecessors = IxVec::per(&data.plans, Vec::new);
    let plan_successor: IxVec<Plan, Option<Succ>> = data
        .plans
        .enumerated()
        .map(|(pi, p)| {
            let s = p.superseded_by.as_ref()?;
            if let Some(&q) = ids.plan.get(s.id.as_str()) {
                plan_predecessors[q].push(pi);
                Some(Succ::Plan(q))
            } else {
                ids.document.get(s.id.as_str()).map(|&d| Succ::Document(d))
            }
        })
        .collect();
    PlanLinks {
        tasks: plan_tasks,
        successor: plan_successor,
        predecessors: plan_predecessors,
    }
}

/// Documents and mechanisms: the recommendations, plans and documents under each.
struct SourceLinks {
    doc_recs: Links<Document, Recommendation>,
    doc_plans: Links<Document, Plan>,
    doc_answered_by: Links<Document, Plan>,
    mech_docs: Links<Mechanism, Document>,
    mech_recs: Links<Mechanism, Recommendation>,
    mech_plans: Links<Mechanism, Plan>,
}

fn source_links(data: &Data, ids: &IdMaps<'_>) -> SourceLinks {
    let (docs, mechs) = (&data.documents, &data.mechanisms);
    let (document, mechanism) = (&ids.document, &ids.mechanism);
    let recs = &data.recommendations;
    let doc_recs = group(recs, docs, |r| {
        document.get(r.document.id.as_str()).copied()
    });
    let mech_recs = group(recs, mechs, |r| {
        mechanism.get(r.mechanism.id.as_str()).copied()
    });
    let mut doc_plans = IxVec::per(docs, Vec::new);
    let mut doc_answered_by = IxVec::per(docs, Vec::new);
    let mut mech_plans = IxVec::per(mechs, Vec::new);
    for (pi, p) in data.plans.enumerated() {
        if let Some(&d) = document.get(p.document.id.as_str()) {
            doc_plans[d].push(pi);
        }
        for a in &p.answers {
            if let Some(&d) = document.get(a.id.as_str()) {
                doc_answered_by[d].push(pi);
            }
        }
        for m in &p.mechanisms {
            if let Some(&m) = mechanism.get(m.id.as_str()) {
                mech_plans[m].push(pi);
            }
        }
    }
    let mech_docs = group(docs, mechs, |d| {
        d.mechanism
            .as_ref()
            .and_then(|m| mechanism.get(m.id.as_str()).copied())
    });
    SourceLinks {
        doc_recs,
        doc_plans,
        doc_answered_by,
        mech_docs,
        mech_recs,
        mech_plans,
    }
}

/// Indicators: their values, the tasks they measure, the documents they come from.
struct IndicatorLinks {
    values: Links<Indicator, IndicatorValue>,
    tasks: Links<Indicator, Task>,
    task_indicators: Links<Task, Indicator>,
    doc_indicators: Links<Document, Indicator>,
}

fn indicator_links(data: &Data, ids: &IdMaps<'_>) -> IndicatorLinks {
    let ind_values = group(&data.values, &data.indicators, |v| {
        ids.indicator.get(v.indicator.id.as_str()).copied()
    });
    let mut ind_tasks = IxVec::per(&data.indicators, BTreeSet::new);
    let mut task_indicators = IxVec::per(&data.tasks, BTreeSet::new);
    let mut doc_indicators = IxVec::per(&data.documents, Vec::new);
    for (ii, i) in data.indicators.enumerated() {
        for t in &i.tasks {
            if let Some(&t) = ids.task.get(t.id.as_str()) {
                ind_tasks[ii].insert(t);
                task_indicators[t].insert(ii);
            }
        }
        if let Some(&d) = i
            .source
            .as_ref()
            .and_then(|s| ids.document.get(s.id.as_str()))
        {
            doc_indicators[d].push(ii);
        }
    }
    for (ti, t) in data.tasks.enumerated() {
        for i in &t.indicators {
            if let Some(&i) = ids.indicator.get(i.id.as_str()) {
                ind_tasks[i].insert(ti);
                task_indicators[ti].insert(i);
            }
        }
    }
    IndicatorLinks {
        values: ind_values,
        tasks: ind_tasks.map(sorted),
        task_indicators: task_indicators.map(sorted),
        doc_indicators,
    }
}

/// Per progress record, the agencies and the mechanisms it concerns.
fn progress_links(
    data: &Data,
    ids: &IdMaps<'_>,
    task_current: &IxVec<Task, Vec<Noted<'_>>>,
    rec_agencies: &Links<Recommendation, Agency>,
) -> (Links<Progress, Agency>, Links<Progress, Mechanism>) {
    let (rec, task, mechanism) = (&ids.rec, &ids.task, &ids.mechanism);
    let mut progress_agencies = Vec::with_capacity(data.progress.len());
    let mut progress_mechanisms = Vec::with_capacity(data.progress.len());
    for p in &data.progress {
        let mut ags = BTreeSet::new();
        let mut mechs = BTreeSet::new();
        let mut recs: BTreeSet<Ix<Recommendation>> = p
            .recommendations
            .iter()
            .filter_map(|r| rec.get(r.id.as_str()).copied())
            .collect();
        for t in &p.tasks {
            let Some(&ti) = task.get(t.id.as_str()) else {
                continue;
            };
            let tk = &data.tasks[ti];
            for a in tk.lead.iter().chain(&tk.coordinating) {
                if let Some(&a) = ids.agency.get(a.agency.id.as_str()) {
                    ags.insert(a);
                }
            }
            ags.extend(task_current[ti].iter().map(|(a, _)| *a));
            recs.extend(
                tk.recommendations
                    .iter()
                    .filter_map(|r| rec.get(r.id.as_str()).copied()),
            );
            if let Some(&pi) = ids.plan.get(tk.plan.id.as_str()) {
                mechs.extend(
                    data.plans[pi]
                        .mechanisms
                        .iter()
                        .filter_map(|m| mechanism.get(m.id.as_str()).copied()),
                );
            }
        }
        // A record naming a recommendation concerns every agency that
        // answers it; one naming a task, that task's agencies only.
        for r in &p.recommendations {
            if let Some(&r) = rec.get(r.id.as_str()) {
                ags.extend(rec_agencies[r].iter().copied());
            }
        }
        for &r in &recs {
            if let Some(&m) = mechanism.get(data.recommendations[r].mechanism.id.as_str()) {
                mechs.insert(m);
            }
        }
        progress_agencies.push(sorted(ags));
        progress_mechanisms.push(sorted(mechs));
    }
    (
        IxVec::from_vec(progress_agencies),
        IxVec::from_vec(progress_mechanisms),
    )
}

/// The tasks (not headings) each agency leads or answers for today.
fn agency_led(
    data: &Data,
    duties: &IxVec<Agency, Vec<Duty<'_>>>,
    task_current: &IxVec<Task, Vec<Noted<'_>>>,
) -> Links<Agency, Task> {
    let mut led = IxVec::per(&data.agencies, BTreeSet::new);
    for (a, duties) in duties.enumerated() {
        for x in duties {
            if x.role == Role::Lead && !data.tasks[x.task].heading {
                led[a].insert(x.task);
            }
        }
    }
    for (t, cur) in task_current.enumerated() {
        if !data.tasks[t].heading {
            for &(a, _) in cur {
                led[a].insert(t);
            }
        }
    }
    led.map(sorted)
}

impl<'a> Index<'a> {
    /// Builds every link, one function per kind of link. Assumes validated
    /// data: dangling references are skipped, never followed.
    pub fn build(data: &'a Data, as_of: Date) -> Self {
        let ids = IdMaps::new(data);
        let tree = task_tree(data, &ids);
        let task_last_due: IxVec<Task, Option<Date>> = data
            .tasks
            .iter()
            .map(|t| t.due.iter().map(|d| d.date).max())
            .collect();
        let (task_records, rec_progress) = progress_records(data, &ids);
        let task_state: IxVec<Task, TaskState> = data
            .tasks
            .iter()
            .zip(&task_last_due)
            .zip(&task_records)
            .map(|((t, due), recs)| crate::check::state::task_state(t, *due, recs, data, as_of))
            .collect();
        let agencies = agency_links(data, &ids, as_of);
        let recs = rec_links(data, &ids);
        let themes = theme_links(data, &ids, &recs.tasks);
        let plans = plan_links(data, &ids);
        let sources = source_links(data, &ids);
        let indicators = indicator_links(data, &ids);
        let (progress_agencies, progress_mechanisms) =
            progress_links(data, &ids, &agencies.task_current, &recs.agencies);
        let agency_progress = records_by(&progress_agencies, &data.agencies);
        let mechanism_progress = records_by(&progress_mechanisms, &data.mechanisms);
        let agency_led = agency_led(data, &agencies.duties, &agencies.task_current);
        let rec_related = related_recs(data, &ids);
        let IdMaps {
            mechanism,
            document,
            agency,
            theme,
            rec,
            plan,
            task,
            indicator,
        } = ids;
        Index {
            data,
            as_of,
            agency_led,
            progress_agencies,
            progress_mechanisms,
            agency_progress,
            mechanism_progress,
            rec_related,
            mechanism,
            document,
            agency,
            theme,
            rec,
            plan,
            task,
            indicator,
            rec_tasks: recs.tasks,
            rec_agencies: recs.agencies,
            task_parent: tree.parent,
            task_children: tree.children,
            task_path: tree.path,
            task_last_due,
            task_state,
            rec_progress,
            task_current: agencies.task_current,
            task_lead_ended: agencies.task_lead_ended,
            task_indicators: indicators.task_indicators,
            agency_duties: agencies.duties,
            agency_inherited: agencies.inherited,
            agency_recs: recs.agency_recs,
            agency_predecessors: agencies.predecessors,
            agency_children: agencies.children,
            theme_recs: themes.recs,
            theme_tasks: themes.tasks,
            theme_agencies: themes.agencies,
            theme_indicators: themes.indicators,
            plan_tasks: plans.tasks,
            plan_successor: plans.successor,
            plan_predecessors: plans.predecessors,
            doc_recs: sources.doc_recs,
            doc_plans: sources.doc_plans,
            doc_answered_by: sources.doc_answered_by,
            doc_indicators: indicators.doc_indicators,
            mech_docs: sources.mech_docs,
            mech_recs: sources.mech_recs,
            mech_plans: sources.mech_plans,
            ind_values: indicators.values,
            ind_tasks: indicators.tasks,
        }
    }

    /// Counts of tasks by state (headings are never counted).
    pub fn count_states(&self, tasks: impl Iterator<Item = Ix<Task>>) -> Counts {
        let mut c = Counts::default();
        for t in tasks {
            c.add(&self.task_state[t]);
        }
        c
    }

    /// The tasks (not headings) an agency leads, or answers for today (its
    /// `current_lead`, or as successor of a lead that ended): what its page
    /// and the agency list count, and what the task list's `lead` filter
    /// selects (tasks.csv: `lead` or `current_lead`).
    pub fn agency_led(&self, a: Ix<Agency>) -> Vec<Ix<Task>> {
        self.agency_led[a].clone()
    }

    /// The day an agency ended, if it has as of `as_of`.
    pub fn agency_ended(&self, a: &Agency) -> Option<Date> {
        crate::check::state::agency_ended(a, self.as_of)
    }

    pub fn state(&self, t: Ix<Task>) -> State {
        self.task_state[t].state
    }
}

/// The positions of `items` grouped under the record of `owners` each maps
/// to, in item order; an item without one (an unknown reference) is left out.
fn group<T, O>(items: &[T], owners: &[O], key: impl Fn(&T) -> Option<Ix<O>>) -> Links<O, T> {
    let mut out = IxVec::per(owners, Vec::new);
    for (i, x) in items.enumerated() {
        if let Some(k) = key(x) {
            out[k].push(i);
        }
    }
    out
}
