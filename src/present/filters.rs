//! Filters on the task and recommendation lists (site contract: `<form
//! id="filters">`, rows carrying `data-*` values, state in the URL).
//!
//! Each row's values are computed here once, from the cross-link index, so
//! the filter and the no-JS slice pages (theme, mechanism, agency) agree: a
//! task is under an agency when the agency page lists it, under a theme when
//! the theme page does.

use crate::check::index::{Index, State, TaskState};
use crate::model::{Ix, IxVec, Recommendation, Records, Task};
use minijinja::Value;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The filter names of the contract, in the order the form shows them.
pub(crate) const TASK_FILTERS: [&str; 7] = [
    "plan",
    "mechanism",
    "theme",
    "agency",
    "lead",
    "status",
    "year",
];
pub(crate) const REC_FILTERS: [&str; 6] =
    ["mechanism", "theme", "agency", "plan", "year", "followup"];

/// A task's `status` values: its state, and `overdue` where it is (a
/// subset of in-progress and not-started, selectable on its own).
pub(crate) fn status_values(s: &TaskState) -> String {
    if s.overdue {
        format!("{} overdue", s.state.as_str())
    } else {
        s.state.as_str().to_string()
    }
}

/// One row's values per filter: sorted, space-separated ids.
pub(crate) type Row = BTreeMap<&'static str, String>;

/// The filter values of every task and recommendation.
pub(crate) struct Facets {
    pub tasks: IxVec<Task, Row>,
    pub recs: IxVec<Recommendation, Row>,
}

fn join<'s>(items: impl IntoIterator<Item = &'s str>) -> String {
    let set: BTreeSet<&str> = items.into_iter().collect();
    set.into_iter().collect::<Vec<_>>().join(" ")
}

impl Facets {
    pub(crate) fn build(idx: &Index<'_>) -> Self {
        let d = idx.data;
        let mut task_themes = IxVec::per(&d.tasks, Vec::new);
        for (th, tasks) in idx.theme_tasks.enumerated() {
            for &t in tasks {
                task_themes[t].push(d.themes[th].id.id.as_str());
            }
        }
        let agency_id = |a: &'_ str| idx.agency.get(a).map(|&i| d.agencies[i].id.id.as_str());
        let years = |t: Ix<Task>| -> Vec<String> {
            d.tasks[t]
                .due
                .iter()
                .map(|x| x.date.year().to_string())
                .collect()
        };
        let mut lead_of: IxVec<Task, BTreeSet<&str>> = IxVec::per(&d.tasks, BTreeSet::new);
        for (ai, a) in d.agencies.enumerated() {
            for t in idx.agency_led(ai) {
                lead_of[t].insert(a.id.id.as_str());
            }
        }
        // A row per record, each on its own: made in parallel (rayon's
        // positions are bare, typed again at once).
        let tasks: Vec<Row> = d
            .tasks
            .par_iter()
            .enumerate()
            .map(|(ti, t)| (Ix::new(ti), t))
            .map(|(ti, t)| {
                let mut row = Row::new();
                if t.heading {
                    return row;
                }
                let plan = idx.plan.get(t.plan.id.as_str()).map(|&p| &d.plans[p]);
                row.insert("plan", join(plan.map(|p| p.id.id.as_str())));
                let mechs = plan
                    .into_iter()
                    .flat_map(|p| p.mechanisms.iter().map(|m| m.id.as_str()))
                    .chain(t.recommendations.iter().filter_map(|r| {
                        idx.rec
                            .get(r.id.as_str())
                            .map(|&ri| d.recommendations[ri].mechanism.id.as_str())
                    }))
                    .filter(|m| idx.mechanism.contains_key(m));
                row.insert("mechanism", join(mechs));
                row.insert("theme", join(task_themes[ti].iter().copied()));
                // Lead, coordinating and whoever answers for it today: the
                // same tasks the agency's own page lists.
                let agencies = t
                    .lead
                    .iter()
                    .chain(&t.coordinating)
                    .filter_map(|r| agency_id(r.agency.id.as_str()))
                    .chain(
                        idx.task_current[ti]
                            .iter()
                            .map(|(a, _)| d.agencies[*a].id.id.as_str()),
                    );
                row.insert("agency", join(agencies));
                // Who leads it, or answers for it today in place of an ended
                // lead: the tasks an agency page and the agency list count.
                row.insert("lead", join(lead_of[ti].iter().copied()));
                row.insert("status", status_values(&idx.task_state[ti]));
                let ys = years(ti);
                row.insert("year", join(ys.iter().map(String::as_str)));
                row
            })
            .collect();
        let recs: Vec<Row> = d
            .recommendations
            .par_iter()
            .enumerate()
            .map(|(ri, r)| (Ix::new(ri), r))
            .map(|(ri, r)| {
                let mut row = Row::new();
                let ts = &idx.rec_tasks[ri];
                row.insert(
                    "mechanism",
                    join(
                        idx.mechanism
                            .get(r.mechanism.id.as_str())
                            .map(|&m| d.mechanisms[m].id.id.as_str()),
                    ),
                );
                row.insert(
                    "theme",
                    join(
                        r.themes
                            .iter()
                            .filter_map(|t| idx.theme.get(t.id.as_str()))
                            .map(|&t| d.themes[t].id.id.as_str()),
                    ),
                );
                row.insert(
                    "agency",
                    join(
                        idx.rec_agencies[ri]
                            .iter()
                            .map(|&a| d.agencies[a].id.id.as_str()),
                    ),
                );
                row.insert(
                    "plan",
                    join(ts.iter().filter_map(|&t| {
                        idx.plan
                            .get(d.tasks[t].plan.id.as_str())
                            .map(|&p| d.plans[p].id.id.as_str())
                    })),
                );
                let ys: Vec<String> = ts.iter().flat_map(|&t| years(t)).collect();
                row.insert("year", join(ys.iter().map(String::as_str)));
                row.insert(
                    "followup",
                    if r.follow_up { "yes" } else { "no" }.to_string(),
                );
                row
            })
            .collect();
        Facets {
            tasks: IxVec::from_vec(tasks),
            recs: IxVec::from_vec(recs),
        }
    }
}

/// What an option shows: a text from the data, or an interface string key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Label {
    Text(String),
    Key(String),
}

/// Labels of the options of one filter: value → label, in display order.
pub(crate) type Labels = Vec<(String, Label)>;

/// The filter form of one list: per filter, the options rows actually have,
/// each with its label and how many rows carry it. Options no row has are
/// left out, and so is a filter that would offer a single choice.
pub(crate) fn form<'r>(
    names: &[&'static str],
    rows: impl Iterator<Item = &'r Row> + Clone,
    labels: &BTreeMap<&'static str, Labels>,
) -> Value {
    let dims: Vec<Value> = names
        .iter()
        .filter_map(|&name| {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for row in rows.clone() {
                if let Some(vals) = row.get(name) {
                    for v in vals.split_whitespace() {
                        *counts.entry(v).or_default() += 1;
                    }
                }
            }
            let options: Vec<Value> = labels
                .get(name)?
                .iter()
                .filter_map(|(value, label)| {
                    counts.get(value.as_str()).map(|&n| {
                        let (text, key) = match label {
                            Label::Text(t) => (Some(t.as_str()), None),
                            Label::Key(k) => (None, Some(k.as_str())),
                        };
                        minijinja::context! { value => value, label => text, key => key, count => n }
                    })
                })
                .collect();
            (options.len() > 1).then(|| minijinja::context! { name => name, options => options })
        })
        .collect();
    Value::from(dims)
}

/// The text of a record view's field (`name`, `title`, `symbol`), for an option.
fn view_text(v: &Value, field: &str) -> Option<String> {
    let f = v
        .get_attr(field)
        .ok()
        .filter(|f| !f.is_undefined() && !f.is_none())?;
    match f.get_attr("text") {
        Ok(t) if !t.is_undefined() => Some(t.to_string()),
        _ => Some(f.to_string()),
    }
}

/// Labels of a collection's options from its record views, in data order.
pub(crate) fn view_labels(views: &[Value], fields: &[&str]) -> Labels {
    views
        .iter()
        .filter_map(|v| {
            let id = view_text(v, "id")?;
            let label = fields.iter().find_map(|f| view_text(v, f))?;
            Some((id, Label::Text(label)))
        })
        .collect()
}

/// The same, in the order a reader looks names up: alphabetical, ignoring
/// diacritics ("Bộ Công an" before "Bộ Tư pháp"), ties by id.
pub(crate) fn sorted_labels(views: &[Value], fields: &[&str]) -> Labels {
    let mut labels = view_labels(views, fields);
    labels.sort_by_cached_key(|(id, l)| match l {
        Label::Text(t) | Label::Key(t) => (deunicode::deunicode(t).to_lowercase(), id.clone()),
    });
    labels
}

/// Labels for the status filter: the states in page order, then `overdue`.
pub(crate) fn status_labels() -> Labels {
    State::COUNTED
        .iter()
        .map(|s| s.as_str())
        .chain(["overdue"])
        .map(|s| (s.to_string(), Label::Key(format!("filters.status.{s}"))))
        .collect()
}

/// Labels for the follow-up filter.
pub(crate) fn followup_labels() -> Labels {
    ["yes", "no"]
        .iter()
        .map(|v| (v.to_string(), Label::Key(format!("filters.followup.{v}"))))
        .collect()
}

/// Labels for the due-year filter: every year some row has, ascending.
pub(crate) fn year_labels<'r>(rows: impl Iterator<Item = &'r Row>) -> Labels {
    let years: BTreeSet<&str> = rows
        .filter_map(|r| r.get("year"))
        .flat_map(|y| y.split_whitespace())
        .collect();
    years
        .into_iter()
        .map(|y| (y.to_string(), Label::Text(y.to_string())))
        .collect()
}

/// The record views the option labels come from.
pub(crate) struct LabelViews<'v> {
    pub mechanisms: &'v [Value],
    pub themes: &'v [Value],
    pub agencies: &'v [Value],
    pub plans: &'v [Value],
}

/// The filter form of a list whose rows are `rows`, filters in `names` order.
pub(crate) fn list_form<'r>(
    names: &[&'static str],
    rows: impl Iterator<Item = &'r Row> + Clone,
    v: &LabelViews<'_>,
) -> Value {
    let mut labels = BTreeMap::new();
    labels.insert("mechanism", sorted_labels(v.mechanisms, &["name"]));
    labels.insert("theme", sorted_labels(v.themes, &["name"]));
    labels.insert("agency", sorted_labels(v.agencies, &["name"]));
    labels.insert("lead", sorted_labels(v.agencies, &["name"]));
    labels.insert("plan", view_labels(v.plans, &["symbol", "title"]));
    labels.insert("status", status_labels());
    labels.insert("followup", followup_labels());
    labels.insert("year", year_labels(rows.clone()));
    form(names, rows, &labels)
}
