//! Tasks by due year, and who answers for them: the facts behind the
//! deadlines overview and its per-year pages, computed once from the index.
//!
//! A task belongs to every year in which it has a milestone (a plan often
//! sets "2020 and 2022"), so "what was due in 2022?" finds both one-step
//! tasks and the second phase of longer ones. Its state (overdue, upcoming,
//! done) is the task's own, as the index computes it against `as_of`.

use crate::check::index::{Counts, Index};
use crate::model::{Agency, Ix, IxVec, Records, Task};
use std::collections::{BTreeMap, BTreeSet};

/// One due year: its tasks in plan order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Year {
    pub year: i16,
    pub tasks: Vec<Ix<Task>>,
}

/// Tasks (not headings) grouped by the years of their milestones, earliest first.
pub(crate) fn by_year(idx: &Index<'_>) -> Vec<Year> {
    let mut years: BTreeMap<i16, BTreeSet<Ix<Task>>> = BTreeMap::new();
    for (t, task) in idx.data.tasks.enumerated() {
        if task.heading {
            continue;
        }
        for due in &task.due {
            years.entry(due.date.year()).or_default().insert(t);
        }
    }
    years
        .into_iter()
        .map(|(year, tasks)| Year {
            year,
            tasks: tasks.into_iter().collect(),
        })
        .collect()
}

/// The agencies that answer for a task: its leads, and whoever took over
/// from a lead that has ended (as on the agency pages).
pub(crate) fn answerable(idx: &Index<'_>, t: Ix<Task>) -> BTreeSet<Ix<Agency>> {
    let mut out: BTreeSet<Ix<Agency>> = idx.data.tasks[t]
        .lead
        .iter()
        .filter_map(|l| idx.agency.get(l.agency.id.as_str()).copied())
        .collect();
    out.extend(idx.task_current[t].iter().map(|(a, _)| *a));
    out
}

/// Per agency, counts of the given tasks it answers for, by state; agencies
/// with none are left out. Sorted by most overdue, then most tasks, then id order.
pub(crate) fn per_agency(idx: &Index<'_>, tasks: &[Ix<Task>]) -> Vec<(Ix<Agency>, Counts)> {
    let mut m: BTreeMap<Ix<Agency>, Counts> = BTreeMap::new();
    for &t in tasks {
        for a in answerable(idx, t) {
            m.entry(a).or_default().add(&idx.task_state[t]);
        }
    }
    let mut v: Vec<(Ix<Agency>, Counts)> = m.into_iter().collect();
    v.sort_by(|a, b| {
        b.1.overdue
            .cmp(&a.1.overdue)
            .then(b.1.total().cmp(&a.1.total()))
            .then(a.0.cmp(&b.0))
    });
    v
}

/// Tasks (not headings) with no dated milestone: recurring, and undated.
pub(crate) fn undated(idx: &Index<'_>) -> Counts {
    idx.count_states(
        idx.data
            .tasks
            .enumerated()
            .filter(|(_, t)| !t.heading && t.due.is_empty())
            .map(|(i, _)| i),
    )
}

/// Per agency, counts of the tasks it leads or answers for today (not
/// headings) by state: the agency list, the agency pages and the "tasks per
/// agency by status" chart all count these same tasks.
pub(crate) fn led_by_agency(idx: &Index<'_>) -> IxVec<Agency, Counts> {
    idx.data
        .agencies
        .ixs()
        .map(|a| idx.count_states(idx.agency_led(a).into_iter()))
        .collect()
}
