//! A task's state: the one definition every page, count, chart and file uses.
//!
//! The state comes from progress records, each a claim with an author and a
//! source; only where none has a status does the deadline alone speak, and
//! then it says "past deadline, no completion recorded", never "overdue". A task is
//! overdue only when its deadline has passed and a source dated after the
//! deadline says it is not done.

use crate::model::{Agency, By, Data, Ix, Progress, Recurring, Status, Task};
use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// The latest record with a status says done.
    Done,
    /// ... says in progress.
    InProgress,
    /// ... says not started.
    NotStarted,
    /// Nothing recorded, and the last milestone is before `as_of`.
    PastDeadline,
    /// Nothing recorded, the last milestone is on or after `as_of`.
    Upcoming,
    /// Nothing recorded, recurs every year with no end date.
    Recurring,
    /// Nothing recorded, no dated milestone.
    NoDeadline,
    /// A heading groups tasks: it has no state and is never counted.
    Heading,
}

impl State {
    /// The states a task can be counted in, in the order pages list them.
    pub const COUNTED: [State; 7] = [
        State::Done,
        State::InProgress,
        State::NotStarted,
        State::PastDeadline,
        State::Upcoming,
        State::Recurring,
        State::NoDeadline,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Done => "done",
            State::InProgress => "in-progress",
            State::NotStarted => "not-started",
            State::PastDeadline => "past-deadline",
            State::Upcoming => "upcoming",
            State::Recurring => "recurring",
            State::NoDeadline => "no-deadline",
            State::Heading => "heading",
        }
    }

    /// The name with `_` for `-` (`in_progress`): how templates and
    /// interface strings' placeholders name a state's count.
    pub fn key(self) -> &'static str {
        match self {
            State::InProgress => "in_progress",
            State::NotStarted => "not_started",
            State::PastDeadline => "past_deadline",
            State::NoDeadline => "no_deadline",
            other => other.as_str(),
        }
    }

    /// A state a source gave (rather than the deadline alone).
    pub fn recorded(self) -> bool {
        matches!(self, State::Done | State::InProgress | State::NotStarted)
    }
}

/// The day `agency` ended, if it has ended as of `as_of`. An end date
/// after `as_of` is still to come, so until then the agency is current:
/// it leads its tasks and its successors are not named yet.
pub(crate) fn agency_ended(agency: &Agency, as_of: Date) -> Option<Date> {
    agency.ended.filter(|e| *e <= as_of)
}

/// A task's state with the records behind it (indices into `Data::progress`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskState {
    pub state: State,
    /// Deadline passed and the latest status, from a source dated after the
    /// deadline, is not done.
    pub overdue: bool,
    /// The record that gave the state, if a source did.
    pub latest: Option<Ix<Progress>>,
    /// The latest status claimed by the state (government, legislature).
    pub official: Option<Ix<Progress>>,
    /// The latest status from outside the state (UN, NHRI, civil society, academic).
    pub independent: Option<Ix<Progress>>,
    /// Every record about the task, newest first.
    pub records: Vec<Ix<Progress>>,
}

impl TaskState {
    /// The official claim and the independent assessment, when they differ.
    pub fn disagreement(&self, data: &Data) -> Option<(Ix<Progress>, Ix<Progress>)> {
        let (o, i) = (self.official?, self.independent?);
        (data.progress[o].status != data.progress[i].status).then_some((o, i))
    }
}

/// The state of `task` as of `as_of`. `records` are the indices of the
/// progress records naming the task, in `Data::progress` order (by date,
/// then id), so the last one with a status is the latest.
pub(crate) fn task_state(
    task: &Task,
    last_due: Option<Date>,
    records: &[Ix<Progress>],
    data: &Data,
    as_of: Date,
) -> TaskState {
    let mut newest_first: Vec<Ix<Progress>> = records.to_vec();
    newest_first.reverse();
    if task.heading {
        return TaskState {
            state: State::Heading,
            overdue: false,
            latest: None,
            official: None,
            independent: None,
            records: newest_first,
        };
    }
    let with_status = |keep: &dyn Fn(By) -> bool| {
        newest_first.iter().copied().find(|&r| {
            let p = &data.progress[r];
            p.status.is_some() && keep(p.by)
        })
    };
    let latest = with_status(&|_| true);
    let official = with_status(&By::is_official);
    let independent = with_status(&By::is_independent);
    let passed = last_due.is_some_and(|d| d < as_of);
    let state = match latest.and_then(|r| data.progress[r].status) {
        Some(Status::Done) => State::Done,
        Some(Status::InProgress) => State::InProgress,
        Some(Status::NotStarted) => State::NotStarted,
        Some(Status::Unknown) | None => match last_due {
            Some(_) if passed => State::PastDeadline,
            Some(_) => State::Upcoming,
            None if task.recurring == Recurring::Annual => State::Recurring,
            None => State::NoDeadline,
        },
    };
    // "Overdue" needs a source saying "not done" after the deadline: a
    // record from before it (or from a period that may begin before it)
    // says nothing about whether the work was finished in time.
    let said_after_deadline =
        |r: Ix<Progress>| last_due.is_some_and(|d| data.progress[r].date.start > d);
    TaskState {
        state,
        overdue: passed
            && matches!(state, State::InProgress | State::NotStarted)
            && latest.is_some_and(said_after_deadline),
        latest,
        official,
        independent,
        records: newest_first,
    }
}

/// Counts of tasks (never headings) by state; `overdue` is a subset of
/// `in_progress` + `not_started`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub done: usize,
    pub in_progress: usize,
    pub not_started: usize,
    pub past_deadline: usize,
    pub upcoming: usize,
    pub recurring: usize,
    pub no_deadline: usize,
    pub overdue: usize,
}

impl Counts {
    pub fn add(&mut self, s: &TaskState) {
        match s.state {
            State::Done => self.done += 1,
            State::InProgress => self.in_progress += 1,
            State::NotStarted => self.not_started += 1,
            State::PastDeadline => self.past_deadline += 1,
            State::Upcoming => self.upcoming += 1,
            State::Recurring => self.recurring += 1,
            State::NoDeadline => self.no_deadline += 1,
            State::Heading => return,
        }
        if s.overdue {
            self.overdue += 1;
        }
    }
    pub fn get(&self, s: State) -> usize {
        match s {
            State::Done => self.done,
            State::InProgress => self.in_progress,
            State::NotStarted => self.not_started,
            State::PastDeadline => self.past_deadline,
            State::Upcoming => self.upcoming,
            State::Recurring => self.recurring,
            State::NoDeadline => self.no_deadline,
            State::Heading => 0,
        }
    }
    /// Tasks counted (headings never are).
    pub fn total(&self) -> usize {
        State::COUNTED.iter().map(|&s| self.get(s)).sum()
    }
    /// Tasks whose state a source gave.
    pub fn tracked(&self) -> usize {
        self.done + self.in_progress + self.not_started
    }
}

impl std::ops::AddAssign<&Counts> for Counts {
    fn add_assign(&mut self, o: &Counts) {
        self.done += o.done;
        self.in_progress += o.in_progress;
        self.not_started += o.not_started;
        self.past_deadline += o.past_deadline;
        self.upcoming += o.upcoming;
        self.recurring += o.recurring;
        self.no_deadline += o.no_deadline;
        self.overdue += o.overdue;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Loc;
    use crate::model::*;
    use jiff::civil::date;

    #[test]
    fn a_state_key_is_its_name_with_underscores() {
        for s in State::COUNTED {
            assert_eq!(s.key(), s.as_str().replace('-', "_"));
        }
    }

    fn r(id: &str) -> Ref {
        Ref {
            id: id.into(),
            loc: Loc::default(),
        }
    }

    fn task(heading: bool, recurring: Recurring) -> Task {
        Task {
            id: r("t"),
            plan: r("p"),
            ref_: "1".into(),
            parent: None,
            heading,
            text: Text::neutral("t"),
            lead: vec![],
            coordinating: vec![],
            expected: None,
            timeframe: None,
            due: vec![],
            recurring,
            recommendations: vec![],
            current_lead: vec![],
            indicators: vec![],
            themes: vec![],
            status: Status::Done,
            status_note: None,
            evidence: vec![],
            sic: vec![],
            prov: Provenance::default(),
        }
    }

    fn rec(id: &str, day: Date, status: Option<Status>, by: By) -> Progress {
        Progress {
            id: r(id),
            date: When {
                label: day.to_string(),
                start: day,
                loc: Loc::default(),
            },
            tasks: vec![r("t")],
            recommendations: vec![],
            status,
            text: Text::neutral("x"),
            by,
            by_name: None,
            source: Source::Document(r("d")),
            also: vec![],
            grade: None,
            confidence: None,
            note: None,
            prov: Provenance::default(),
        }
    }

    const AS_OF: Date = date(2026, 6, 30);

    fn ixs(records: &[usize]) -> Vec<Ix<Progress>> {
        records.iter().map(|&i| Ix::new(i)).collect()
    }

    #[test]
    fn deadline_alone_never_says_overdue_and_ignores_the_tasks_own_status() {
        let data = Data::default();
        let t = task(false, Recurring::None);
        let s = |due| task_state(&t, due, &[], &data, AS_OF);
        let past = s(Some(date(2020, 12, 31)));
        assert_eq!(past.state, State::PastDeadline);
        assert!(!past.overdue);
        assert_eq!(s(Some(AS_OF)).state, State::Upcoming, "due on as_of");
        assert_eq!(s(None).state, State::NoDeadline);
        let yearly = task(false, Recurring::Annual);
        assert_eq!(
            task_state(&yearly, None, &[], &data, AS_OF).state,
            State::Recurring
        );
        let h = task(true, Recurring::None);
        assert_eq!(
            task_state(&h, Some(date(2020, 1, 1)), &[], &data, AS_OF).state,
            State::Heading
        );
    }

    #[test]
    fn latest_status_wins_context_is_skipped_and_disagreement_is_found() {
        let data = Data {
            progress: vec![
                rec(
                    "a-gov",
                    date(2021, 3, 29),
                    Some(Status::Done),
                    By::Government,
                ),
                rec("b-un", date(2022, 11, 11), Some(Status::NotStarted), By::Un),
                rec("c-news", date(2023, 1, 1), None, By::Media),
            ],
            ..Data::default()
        };
        let t = task(false, Recurring::None);
        let s = task_state(&t, Some(date(2020, 12, 31)), &ixs(&[0, 1, 2]), &data, AS_OF);
        assert_eq!(s.state, State::NotStarted);
        assert!(s.overdue, "deadline passed and a source says not done");
        assert_eq!(s.latest, Some(Ix::new(1)));
        assert_eq!(s.records, ixs(&[2, 1, 0]));
        assert_eq!(s.disagreement(&data), Some((Ix::new(0), Ix::new(1))));
        // A "not done" from before the deadline is not a finding that the
        // deadline was missed: the state stays, "overdue" does not.
        let s = task_state(&t, Some(date(2022, 12, 31)), &ixs(&[0, 1]), &data, AS_OF);
        assert_eq!(s.state, State::NotStarted);
        assert!(!s.overdue, "the source predates the deadline");
        // Not yet due: not overdue, whatever the status.
        let s = task_state(&t, Some(date(2027, 1, 1)), &ixs(&[0, 1]), &data, AS_OF);
        assert!(!s.overdue);
        let mut c = Counts::default();
        c.add(&task_state(
            &t,
            Some(date(2020, 12, 31)),
            &ixs(&[0]),
            &data,
            AS_OF,
        ));
        c.add(&task_state(
            &t,
            Some(date(2020, 12, 31)),
            &ixs(&[0, 1]),
            &data,
            AS_OF,
        ));
        c.add(&task_state(
            &task(true, Recurring::None),
            None,
            &[],
            &data,
            AS_OF,
        ));
        assert_eq!(
            (c.done, c.not_started, c.overdue, c.total(), c.tracked()),
            (1, 1, 1, 2, 2)
        );
    }
}
