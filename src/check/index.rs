//! The cross-link index, built once from validated data: who answers which
//! recommendation, which agency leads what, what is overdue as of `as_of`.
//!
//! Everything the pages need to navigate is computed here, so rendering never
//! scans the whole dataset per page.

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
    pub task: usize,
    pub role: Role,
    pub note: Option<&'a Text>,
}

pub struct Index<'a> {
    pub data: &'a Data,
    pub as_of: Date,
    pub mechanism: HashMap<&'a str, usize>,
    pub document: HashMap<&'a str, usize>,
    pub agency: HashMap<&'a str, usize>,
    pub theme: HashMap<&'a str, usize>,
    pub rec: HashMap<&'a str, usize>,
    pub plan: HashMap<&'a str, usize>,
    pub task: HashMap<&'a str, usize>,
    pub indicator: HashMap<&'a str, usize>,

    pub rec_related: Vec<Vec<usize>>,
    pub rec_tasks: Vec<Vec<usize>>,
    pub rec_agencies: Vec<Vec<usize>>,
    pub task_parent: Vec<Option<usize>>,
    pub task_children: Vec<Vec<usize>>,
    /// Ancestors, outermost first.
    pub task_path: Vec<Vec<usize>>,
    pub task_last_due: Vec<Option<Date>>,
    /// Each task's state: [`crate::check::state::task_state`], computed once here.
    pub task_state: Vec<TaskState>,
    /// Progress records about each recommendation, newest first.
    pub rec_progress: Vec<Vec<usize>>,
    /// Per progress record, the agencies its tasks and recommendations
    /// concern (lead, coordinating, answering today): the updates page's
    /// agency filter and the agency feeds.
    pub progress_agencies: Vec<Vec<usize>>,
    /// Per progress record, the mechanisms of its recommendations, and of
    /// its tasks' recommendations and plans.
    pub progress_mechanisms: Vec<Vec<usize>>,
    /// The other way: per agency, the progress records that concern it,
    /// newest (last in the data) first; its updates page and feed.
    pub agency_progress: Vec<Vec<usize>>,
    /// Per mechanism, the progress records that concern it, newest first.
    pub mechanism_progress: Vec<Vec<usize>>,
    /// Who answers for the task today: its `current_lead`, else each lead
    /// followed through `successors` where a lead has ended with a single successor.
    pub task_current: Vec<Vec<(usize, Option<&'a Text>)>>,
    pub task_lead_ended: Vec<bool>,
    pub task_indicators: Vec<Vec<usize>>,
    pub agency_duties: Vec<Vec<Duty<'a>>>,
    /// Tasks an agency answers for because a body it succeeded led them.
    pub agency_inherited: Vec<Vec<usize>>,
    /// See [`Index::agency_led`].
    agency_led: Vec<Vec<usize>>,
    pub agency_recs: Vec<Vec<usize>>,
    pub agency_predecessors: Vec<Vec<(usize, Option<&'a Text>)>>,
    pub agency_children: Vec<Vec<Ix<Agency>>>,
    pub theme_recs: Vec<Vec<usize>>,
    pub theme_tasks: Vec<Vec<usize>>,
    /// The agencies of a theme's tasks: (agency, leads one, coordinates one).
    pub theme_agencies: Vec<Vec<(usize, bool, bool)>>,
    pub theme_indicators: Vec<Vec<usize>>,
    pub plan_tasks: Vec<Vec<usize>>,
    pub plan_successor: Vec<Option<Succ>>,
    /// The plans each plan superseded (their `superseded_by`).
    pub plan_predecessors: Vec<Vec<Ix<Plan>>>,
    pub doc_recs: Vec<Vec<usize>>,
    pub doc_plans: Vec<Vec<usize>>,
    pub doc_answered_by: Vec<Vec<usize>>,
    pub doc_indicators: Vec<Vec<usize>>,
    pub mech_docs: Vec<Vec<usize>>,
    pub mech_recs: Vec<Vec<usize>>,
    pub mech_plans: Vec<Vec<usize>>,
    pub ind_values: Vec<Vec<usize>>,
    pub ind_tasks: Vec<Vec<usize>>,
}

/// What replaced a plan: another plan of the site, or only a document.
#[derive(Debug, Clone, Copy)]
pub enum Succ {
    Plan(Ix<Plan>),
    Document(Ix<Document>),
}

fn ids<'a, T>(items: &'a [T], id: impl Fn(&'a T) -> &'a str) -> HashMap<&'a str, usize> {
    items.iter().enumerate().map(|(i, x)| (id(x), i)).collect()
}

fn sorted(set: BTreeSet<usize>) -> Vec<usize> {
    set.into_iter().collect()
}

/// Per item (`n` of them), the progress records whose `per_record` list
/// names it, newest (last in the data) first: one pass over the records
/// rather than one per item.
fn records_by(per_record: &[Vec<usize>], n: usize) -> Vec<Vec<usize>> {
    let mut by = vec![Vec::new(); n];
    for (p, xs) in per_record.iter().enumerate().rev() {
        for &x in xs {
            if let Some(list) = by.get_mut(x) {
                list.push(p);
            }
        }
    }
    by
}

/// Record id → position, per collection with ids.
struct Ids<'a> {
    mechanism: HashMap<&'a str, usize>,
    document: HashMap<&'a str, usize>,
    agency: HashMap<&'a str, usize>,
    theme: HashMap<&'a str, usize>,
    rec: HashMap<&'a str, usize>,
    plan: HashMap<&'a str, usize>,
    task: HashMap<&'a str, usize>,
    indicator: HashMap<&'a str, usize>,
}

impl<'a> Ids<'a> {
    fn new(data: &'a Data) -> Self {
        Ids {
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
fn related_recs(data: &Data, ids: &Ids<'_>) -> Vec<Vec<usize>> {
    let mut related = vec![BTreeSet::new(); data.recommendations.len()];
    for (i, r) in data.recommendations.iter().enumerate() {
        for x in &r.related {
            if let Some(&j) = ids.rec.get(x.id.as_str())
                && i != j
            {
                related[i].insert(j);
                related[j].insert(i);
            }
        }
    }
    related.into_iter().map(sorted).collect()
}

/// The tree of a plan's tasks.
struct TaskTree {
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    /// Ancestors, outermost first.
    path: Vec<Vec<usize>>,
}

/// Parents are explicit, else the task whose ref is this ref minus its last part.
fn task_tree(data: &Data, ids: &Ids<'_>) -> TaskTree {
    let nt = data.tasks.len();
    let by_ref: HashMap<(&str, &str), usize> = data
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| ((t.plan.id.as_str(), t.ref_.as_str()), i))
        .collect();
    let parent: Vec<Option<usize>> = data
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
    let children = group(&parent, nt, |p| *p);
    let path: Vec<Vec<usize>> = (0..nt)
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
fn progress_records(data: &Data, ids: &Ids<'_>) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut task_records = vec![Vec::new(); data.tasks.len()];
    let mut rec_progress = vec![Vec::new(); data.recommendations.len()];
    for (pi, p) in data.progress.iter().enumerate() {
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
    for v in &mut rec_progress {
        v.reverse();
    }
    (task_records, rec_progress)
}

/// Who answers for each task today, and which agencies answer for what.
struct AgencyLinks<'a> {
    task_current: Vec<Vec<(usize, Option<&'a Text>)>>,
    task_lead_ended: Vec<bool>,
    duties: Vec<Vec<Duty<'a>>>,
    inherited: Vec<Vec<usize>>,
    predecessors: Vec<Vec<(usize, Option<&'a Text>)>>,
    children: Vec<Vec<Ix<Agency>>>,
}

fn agency_links<'a>(data: &'a Data, ids: &Ids<'a>, as_of: Date) -> AgencyLinks<'a> {
    let (nt, na) = (data.tasks.len(), data.agencies.len());
    let agency = &ids.agency;
    let ended: Vec<bool> = data
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
        let mut cur: Vec<(usize, Option<&Text>)> = Vec::new();
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

    let mut duties: Vec<Vec<Duty<'a>>> = vec![Vec::new(); na];
    let mut inherited = vec![BTreeSet::new(); na];
    for (ti, t) in data.tasks.iter().enumerate() {
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
            for (a, _) in &task_current[ti] {
                if !t
                    .lead
                    .iter()
                    .any(|l| l.agency.id == data.agencies[*a].id.id)
                {
                    inherited[*a].insert(ti);
                }
            }
        }
    }
    let mut predecessors = vec![Vec::new(); na];
    let mut children = vec![Vec::new(); na];
    for (i, a) in data.agencies.iter().enumerate() {
        for s in &a.successors {
            if let Some(&j) = agency.get(s.agency.id.as_str()) {
                predecessors[j].push((i, s.note.as_ref()));
            }
        }
        if let Some(p) = a.parent.as_ref().and_then(|p| agency.get(p.id.as_str())) {
            children[*p].push(Ix::new(i));
        }
    }
    AgencyLinks {
        task_current,
        task_lead_ended,
        duties,
        inherited: inherited.into_iter().map(sorted).collect(),
        predecessors,
        children,
    }
}

/// Recommendations and the tasks that answer them, and the agencies of those tasks.
struct RecLinks {
    tasks: Vec<Vec<usize>>,
    agencies: Vec<Vec<usize>>,
    /// Per agency, the recommendations its tasks answer.
    agency_recs: Vec<Vec<usize>>,
}

fn rec_links(data: &Data, ids: &Ids<'_>) -> RecLinks {
    let mut rec_tasks = vec![BTreeSet::new(); data.recommendations.len()];
    for (ti, t) in data.tasks.iter().enumerate() {
        for r in &t.recommendations {
            if let Some(&ri) = ids.rec.get(r.id.as_str()) {
                rec_tasks[ri].insert(ti);
            }
        }
    }
    let rec_tasks: Vec<Vec<usize>> = rec_tasks.into_iter().map(sorted).collect();
    let rec_agencies: Vec<Vec<usize>> = rec_tasks
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
    let mut agency_recs = vec![BTreeSet::new(); data.agencies.len()];
    for (ri, ags) in rec_agencies.iter().enumerate() {
        for &a in ags {
            agency_recs[a].insert(ri);
        }
    }
    RecLinks {
        tasks: rec_tasks,
        agencies: rec_agencies,
        agency_recs: agency_recs.into_iter().map(sorted).collect(),
    }
}

/// What each theme gathers.
struct ThemeLinks {
    recs: Vec<Vec<usize>>,
    tasks: Vec<Vec<usize>>,
    indicators: Vec<Vec<usize>>,
    /// (agency, leads one, coordinates one)
    agencies: Vec<Vec<(usize, bool, bool)>>,
}

fn theme_links(data: &Data, ids: &Ids<'_>, rec_tasks: &[Vec<usize>]) -> ThemeLinks {
    let nth = data.themes.len();
    let theme = &ids.theme;
    let mut theme_recs = vec![BTreeSet::new(); nth];
    let mut theme_tasks = vec![BTreeSet::new(); nth];
    let mut theme_indicators = vec![BTreeSet::new(); nth];
    for (ri, r) in data.recommendations.iter().enumerate() {
        for t in &r.themes {
            if let Some(&th) = theme.get(t.id.as_str()) {
                theme_recs[th].insert(ri);
                theme_tasks[th].extend(rec_tasks[ri].iter().copied());
            }
        }
    }
    for (ti, t) in data.tasks.iter().enumerate() {
        for th in &t.themes {
            if let Some(&th) = theme.get(th.id.as_str()) {
                theme_tasks[th].insert(ti);
            }
        }
    }
    for (ii, i) in data.indicators.iter().enumerate() {
        for th in &i.themes {
            if let Some(&th) = theme.get(th.id.as_str()) {
                theme_indicators[th].insert(ii);
            }
        }
    }
    let theme_agencies: Vec<Vec<(usize, bool, bool)>> = theme_tasks
        .iter()
        .map(|ts| {
            let mut s: BTreeMap<usize, (bool, bool)> = BTreeMap::new();
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
        recs: theme_recs.into_iter().map(sorted).collect(),
        tasks: theme_tasks.into_iter().map(sorted).collect(),
        indicators: theme_indicators.into_iter().map(sorted).collect(),
        agencies: theme_agencies,
    }
}

/// Plans: their tasks, and what replaced them.
struct PlanLinks {
    tasks: Vec<Vec<usize>>,
    successor: Vec<Option<Succ>>,
    predecessors: Vec<Vec<Ix<Plan>>>,
}

fn plan_links(data: &Data, ids: &Ids<'_>) -> PlanLinks {
    let np = data.plans.len();
    let plan_tasks = group(&data.tasks, np, |t| {
        ids.plan.get(t.plan.id.as_str()).copied()
    });
    let mut plan_predecessors = vec![Vec::new(); np];
    let plan_successor: Vec<Option<Succ>> = data
        .plans
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let s = p.superseded_by.as_ref()?;
            if let Some(&q) = ids.plan.get(s.id.as_str()) {
                plan_predecessors[q].push(Ix::new(pi));
                Some(Succ::Plan(Ix::new(q)))
            } else {
                ids.document
                    .get(s.id.as_str())
                    .map(|&d| Succ::Document(Ix::new(d)))
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
    doc_recs: Vec<Vec<usize>>,
    doc_plans: Vec<Vec<usize>>,
    doc_answered_by: Vec<Vec<usize>>,
    mech_docs: Vec<Vec<usize>>,
    mech_recs: Vec<Vec<usize>>,
    mech_plans: Vec<Vec<usize>>,
}

fn source_links(data: &Data, ids: &Ids<'_>) -> SourceLinks {
    let (nd, nm) = (data.documents.len(), data.mechanisms.len());
    let (document, mechanism) = (&ids.document, &ids.mechanism);
    let recs = &data.recommendations;
    let doc_recs = group(recs, nd, |r| document.get(r.document.id.as_str()).copied());
    let mech_recs = group(recs, nm, |r| {
        mechanism.get(r.mechanism.id.as_str()).copied()
    });
    let mut doc_plans = vec![Vec::new(); nd];
    let mut doc_answered_by = vec![Vec::new(); nd];
    let mut mech_plans = vec![Vec::new(); nm];
    for (pi, p) in data.plans.iter().enumerate() {
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
    let mech_docs = group(&data.documents, nm, |d| {
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
    values: Vec<Vec<usize>>,
    tasks: Vec<Vec<usize>>,
    task_indicators: Vec<Vec<usize>>,
    doc_indicators: Vec<Vec<usize>>,
}

fn indicator_links(data: &Data, ids: &Ids<'_>) -> IndicatorLinks {
    let ni = data.indicators.len();
    let ind_values = group(&data.values, ni, |v| {
        ids.indicator.get(v.indicator.id.as_str()).copied()
    });
    let mut ind_tasks = vec![BTreeSet::new(); ni];
    let mut task_indicators = vec![BTreeSet::new(); data.tasks.len()];
    let mut doc_indicators = vec![Vec::new(); data.documents.len()];
    for (ii, i) in data.indicators.iter().enumerate() {
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
    for (ti, t) in data.tasks.iter().enumerate() {
        for i in &t.indicators {
            if let Some(&i) = ids.indicator.get(i.id.as_str()) {
                ind_tasks[i].insert(ti);
                task_indicators[ti].insert(i);
            }
        }
    }
    IndicatorLinks {
        values: ind_values,
        tasks: ind_tasks.into_iter().map(sorted).collect(),
        task_indicators: task_indicators.into_iter().map(sorted).collect(),
        doc_indicators,
    }
}

/// Per progress record, the agencies and the mechanisms it concerns.
fn progress_links(
    data: &Data,
    ids: &Ids<'_>,
    task_current: &[Vec<(usize, Option<&Text>)>],
    rec_agencies: &[Vec<usize>],
) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let (rec, task, mechanism) = (&ids.rec, &ids.task, &ids.mechanism);
    let mut progress_agencies = Vec::with_capacity(data.progress.len());
    let mut progress_mechanisms = Vec::with_capacity(data.progress.len());
    for p in &data.progress {
        let mut ags = BTreeSet::new();
        let mut mechs = BTreeSet::new();
        let mut recs: BTreeSet<usize> = p
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
    (progress_agencies, progress_mechanisms)
}

/// The tasks (not headings) each agency leads or answers for today.
fn agency_led(
    data: &Data,
    duties: &[Vec<Duty<'_>>],
    task_current: &[Vec<(usize, Option<&Text>)>],
) -> Vec<Vec<usize>> {
    let mut led = vec![BTreeSet::new(); data.agencies.len()];
    for (a, duties) in duties.iter().enumerate() {
        for x in duties {
            if x.role == Role::Lead && !data.tasks[x.task].heading {
                led[a].insert(x.task);
            }
        }
    }
    for (t, cur) in task_current.iter().enumerate() {
        if !data.tasks[t].heading {
            for (a, _) in cur {
                led[*a].insert(t);
            }
        }
    }
    led.into_iter().map(sorted).collect()
}

impl<'a> Index<'a> {
    /// Builds every link, one function per kind of link. Assumes validated
    /// data: dangling references are skipped, never followed.
    pub fn build(data: &'a Data, as_of: Date) -> Self {
        let ids = Ids::new(data);
        let tree = task_tree(data, &ids);
        let task_last_due: Vec<Option<Date>> = data
            .tasks
            .iter()
            .map(|t| t.due.iter().map(|d| d.date).max())
            .collect();
        let (task_records, rec_progress) = progress_records(data, &ids);
        let task_state: Vec<TaskState> = data
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
        let agency_progress = records_by(&progress_agencies, data.agencies.len());
        let mechanism_progress = records_by(&progress_mechanisms, data.mechanisms.len());
        let agency_led = agency_led(data, &agencies.duties, &agencies.task_current);
        let rec_related = related_recs(data, &ids);
        let Ids {
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
    pub fn count_states(&self, tasks: impl Iterator<Item = usize>) -> Counts {
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
    pub fn agency_led(&self, a: usize) -> Vec<usize> {
        self.agency_led[a].clone()
    }

    /// The day an agency ended, if it has as of `as_of`.
    pub fn agency_ended(&self, a: &Agency) -> Option<Date> {
        crate::check::state::agency_ended(a, self.as_of)
    }

    pub fn state(&self, t: usize) -> State {
        self.task_state[t].state
    }
}

/// The indices of `items` grouped under the key each maps to (of `n`), in
/// item order; an item without a key (an unknown reference) is left out.
fn group<T>(items: &[T], n: usize, key: impl Fn(&T) -> Option<usize>) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); n];
    for (i, x) in items.iter().enumerate() {
        if let Some(k) = key(x) {
            out[k].push(i);
        }
    }
    out
}
