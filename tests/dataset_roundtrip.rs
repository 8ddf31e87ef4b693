//! The published datasets read back, on the shipped Viet Nam site and on the
//! rich fixture: every CSV parses (csv crate) into exactly the records the
//! library loaded (compared with the loaded model, field by field, not with
//! strings the exporter made); every foreign key declared in
//! datapackage.json holds; and data/lotrinh.xlsx (read with calamine) has
//! one sheet per package table with the same rows, typed as the schema
//! says, text never turned into a formula.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::io::Cursor;
use std::path::Path;
use std::sync::OnceLock;

use calamine::{Data as Cell, Reader, Xlsx, open_workbook_from_rs};
use jiff::civil::Date;
use lotrinh::diag::{Diagnostics, Sources};
use lotrinh::model::{Provenance, Recurring, Source, Text, Translation};
use lotrinh::source::load::Loaded;
use serde_json::Value as Json;

struct Csv {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// What one build published, read into memory (the output folder is removed).
struct Site {
    name: &'static str,
    loaded: Loaded,
    csv: BTreeMap<String, Csv>,
    /// table → the bytes of data/<table>.excel.csv
    excel: BTreeMap<String, Vec<u8>>,
    package: Json,
    /// data/lotrinh.json: every package table as JSON rows
    all_json: Json,
    xlsx: Vec<u8>,
    /// lang → the downloads page
    pages: BTreeMap<String, String>,
}

fn read_site(name: &'static str, root: &Path) -> Site {
    let mut sources = Sources::default();
    let mut diags = Diagnostics::default();
    let loaded = lotrinh::source::load::site(root, &mut sources, &mut diags)
        .unwrap_or_else(|| panic!("{name} loads"));
    assert!(!diags.has_errors(), "{name} loads without errors");
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("public");
    let outcome = lotrinh::site::build(&lotrinh::site::Options {
        root,
        out: Some(&out),
        base_url: None,
        write: true,
    });
    assert!(outcome.summary.is_some(), "{name} builds");
    let data = out.join("data");
    let mut csv = BTreeMap::new();
    let mut excel = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&data).sort_by_file_name() {
        let entry = entry.expect("walk data/");
        let rel = entry.path().strip_prefix(&data).unwrap().to_string_lossy();
        if let Some(table) = rel.strip_suffix(".excel.csv") {
            excel.insert(
                table.replace('\\', "/"),
                std::fs::read(entry.path()).unwrap(),
            );
            continue;
        }
        let Some(table) = rel.strip_suffix(".csv") else {
            continue;
        };
        let mut reader = csv::Reader::from_path(entry.path()).expect("CSV opens");
        let headers = reader
            .headers()
            .expect("header row")
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .map(|r| {
                r.unwrap_or_else(|e| panic!("{name} {table}.csv: {e}"))
                    .iter()
                    .map(str::to_string)
                    .collect()
            })
            .collect();
        csv.insert(table.replace('\\', "/"), Csv { headers, rows });
    }
    let package = serde_json::from_slice(&std::fs::read(data.join("datapackage.json")).unwrap())
        .expect("datapackage.json is JSON");
    let all_json = serde_json::from_slice(&std::fs::read(data.join("lotrinh.json")).unwrap())
        .expect("lotrinh.json is JSON");
    let xlsx = std::fs::read(data.join("lotrinh.xlsx")).expect("the workbook is published");
    let pages = loaded
        .config
        .languages
        .iter()
        .map(|l| {
            let page = out.join(l).join("data/index.html");
            (
                l.clone(),
                std::fs::read_to_string(page).expect("downloads page"),
            )
        })
        .collect();
    Site {
        name,
        loaded,
        csv,
        excel,
        package,
        all_json,
        xlsx,
        pages,
    }
}

fn shipped() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| read_site("shipped site", Path::new(env!("CARGO_MANIFEST_DIR"))))
}

fn rich() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        read_site(
            "rich fixture",
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rich"),
        )
    })
}

/// One CSV row, read back into typed values.
struct Row<'a> {
    csv: &'a Csv,
    cells: &'a [String],
}

impl<'a> Row<'a> {
    fn s(&self, col: &str) -> &'a str {
        let i = self
            .csv
            .headers
            .iter()
            .position(|h| h == col)
            .unwrap_or_else(|| panic!("no column {col}"));
        &self.cells[i]
    }
    fn opt(&self, col: &str) -> Option<String> {
        Some(self.s(col))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }
    /// A list cell read as the downloads page documents it: items separated
    /// by "; ", a `;` or `\` inside an item written `\;` or `\\`.
    fn list(&self, col: &str) -> Vec<String> {
        let v = self.s(col);
        if v.is_empty() {
            return Vec::new();
        }
        let mut items = vec![String::new()];
        let mut chars = v.chars().peekable();
        while let Some(ch) = chars.next() {
            match ch {
                '\\' => items.last_mut().unwrap().extend(chars.next()),
                ';' => {
                    assert_eq!(chars.next(), Some(' '), "{col}: {v:?}: `;` then a space");
                    items.push(String::new());
                }
                _ => items.last_mut().unwrap().push(ch),
            }
        }
        items
    }
    fn date(&self, col: &str) -> Option<Date> {
        self.opt(col)
            .map(|v| v.parse().unwrap_or_else(|e| panic!("{col}: {v:?}: {e}")))
    }
    fn boolean(&self, col: &str) -> bool {
        match self.s(col) {
            "true" => true,
            "false" => false,
            v => panic!("{col}: {v:?} is not a boolean"),
        }
    }
    fn int(&self, col: &str) -> Option<i64> {
        self.opt(col)
            .map(|v| v.parse().unwrap_or_else(|e| panic!("{col}: {v:?}: {e}")))
    }
    fn num(&self, col: &str) -> Option<f64> {
        self.opt(col)
            .map(|v| v.parse().unwrap_or_else(|e| panic!("{col}: {v:?}: {e}")))
    }
}

/// Collects every mismatch, so one run shows them all.
struct Check<'a> {
    site: &'a Site,
    errs: Vec<String>,
}

impl<'a> Check<'a> {
    fn new(site: &'a Site) -> Self {
        Check {
            site,
            errs: Vec::new(),
        }
    }
    fn langs(&self) -> &'a [String] {
        &self.site.loaded.config.languages
    }
    fn table(&self, name: &str) -> &'a Csv {
        self.site
            .csv
            .get(name)
            .unwrap_or_else(|| panic!("{}: no data/{name}.csv", self.site.name))
    }
    fn eq<T: PartialEq + Debug>(&mut self, at: &str, what: &str, got: T, want: T) {
        if got != want {
            self.errs.push(format!(
                "{}: {at}: {what}: CSV has {got:?}, the data {want:?}",
                self.site.name
            ));
        }
    }
    /// The rows of `table`, which must be the records with `ids`, in that order.
    fn rows(&mut self, table: &str, ids: Vec<&str>) -> Vec<Row<'a>> {
        let csv = self.table(table);
        let got: Vec<&str> = csv.rows.iter().map(|r| r[0].as_str()).collect();
        self.eq(table, "ids in order", got, ids);
        csv.rows.iter().map(|cells| Row { csv, cells }).collect()
    }
    /// `<base>_<lang>` columns hold the text in each language.
    fn text(&mut self, at: &str, row: &Row<'_>, base: &str, text: Option<&Text>) {
        for l in self.langs() {
            let want = text.map(|t| t.plain(l, self.langs())).unwrap_or("");
            self.eq(
                at,
                &format!("{base}_{l}"),
                row.s(&format!("{base}_{l}")),
                want,
            );
        }
    }
    /// `original` and `translation` say which text is authoritative.
    fn prov(&mut self, at: &str, row: &Row<'_>, p: &Provenance) {
        self.eq(at, "original", row.opt("original"), p.original.clone());
        let tr = p.original.as_ref().map(|_| match p.translation {
            Translation::Official => "official".to_string(),
            Translation::Unofficial => "unofficial".to_string(),
        });
        self.eq(at, "translation", row.opt("translation"), tr);
    }
    /// `page_<lang>` is the record's page in each language (both sites
    /// have base_url "/").
    fn page(&mut self, at: &str, row: &Row<'_>, section: &str, id: &str) {
        for l in self.langs() {
            self.eq(
                at,
                &format!("page_{l}"),
                row.s(&format!("page_{l}")).to_string(),
                format!("/{l}/{section}/{id}/"),
            );
        }
    }
    fn finish(self) {
        assert!(
            self.errs.is_empty(),
            "{} mismatches:\n{}",
            self.errs.len(),
            self.errs.join("\n")
        );
    }
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|x| id(x).to_string()).collect()
}

fn csv_matches_the_loaded_records(site: &Site) {
    let d = &site.loaded.data;
    let as_of = site.loaded.config.as_of;
    let mut c = Check::new(site);

    let rows = c.rows(
        "mechanisms",
        d.mechanisms.iter().map(|x| x.id.id.as_str()).collect(),
    );
    for (x, r) in d.mechanisms.iter().zip(&rows) {
        let at = format!("mechanisms {}", x.id.id);
        c.text(&at, r, "name", Some(&x.name));
        c.text(&at, r, "body", x.body.as_ref());
        c.text(&at, r, "treaty", x.treaty.as_ref());
        c.eq(&at, "url", r.opt("url"), x.url.clone());
        c.text(&at, r, "description", x.description.as_ref());
        c.page(&at, r, "mechanisms", &x.id.id);
        c.prov(&at, r, &x.prov);
    }

    let rows = c.rows(
        "documents",
        d.documents.iter().map(|x| x.id.id.as_str()).collect(),
    );
    for (x, r) in d.documents.iter().zip(&rows) {
        let at = format!("documents {}", x.id.id);
        c.eq(&at, "symbol", r.opt("symbol"), x.symbol.clone());
        c.text(&at, r, "title", Some(&x.title));
        c.eq(&at, "kind", r.s("kind"), x.kind.as_str());
        c.eq(
            &at,
            "mechanism",
            r.opt("mechanism"),
            x.mechanism.as_ref().map(|m| m.id.clone()),
        );
        c.eq(&at, "cycle", r.opt("cycle"), x.cycle.clone());
        c.eq(&at, "date", r.date("date"), x.date);
        c.eq(&at, "url", r.opt("url"), x.url.clone());
        c.eq(
            &at,
            "recommendations_total",
            r.int("recommendations_total"),
            x.recommendations_total.map(|(n, _)| i64::from(n)),
        );
        c.eq(&at, "entered", r.boolean("entered"), x.entered);
        c.text(&at, r, "description", x.description.as_ref());
        c.page(&at, r, "documents", &x.id.id);
        c.prov(&at, r, &x.prov);
    }

    let rows = c.rows(
        "agencies",
        d.agencies.iter().map(|x| x.id.id.as_str()).collect(),
    );
    for (x, r) in d.agencies.iter().zip(&rows) {
        let at = format!("agencies {}", x.id.id);
        c.text(&at, r, "name", Some(&x.name));
        c.text(&at, r, "short", x.short.as_ref());
        c.eq(&at, "kind", r.opt("kind"), x.kind.clone());
        c.eq(
            &at,
            "parent",
            r.opt("parent"),
            x.parent.as_ref().map(|p| p.id.clone()),
        );
        c.eq(&at, "url", r.opt("url"), x.url.clone());
        c.eq(&at, "ended", r.date("ended"), x.ended);
        c.eq(&at, "aliases", r.list("aliases"), x.aliases.clone());
        c.eq(
            &at,
            "successors",
            r.list("successors"),
            ids(&x.successors, |s| &s.agency.id),
        );
        c.text(&at, r, "legal_basis", x.legal_basis.as_ref());
        let count = |lead: bool| {
            d.tasks
                .iter()
                .map(|t| if lead { &t.lead } else { &t.coordinating })
                .map(|refs| refs.iter().filter(|a| a.agency.id == x.id.id).count() as i64)
                .sum::<i64>()
        };
        c.eq(&at, "tasks_led", r.int("tasks_led"), Some(count(true)));
        c.eq(
            &at,
            "tasks_coordinated",
            r.int("tasks_coordinated"),
            Some(count(false)),
        );
        c.text(&at, r, "description", x.description.as_ref());
        c.page(&at, r, "agencies", &x.id.id);
        c.prov(&at, r, &x.prov);
    }
    // Every successor with the functions it took over.
    let succ = c.table("agency-successors");
    let mut n = 0;
    for x in &d.agencies {
        for y in &x.successors {
            let Some(cells) = succ.rows.get(n) else {
                c.errs.push(format!(
                    "agency-successors: no row for {} -> {}",
                    x.id.id, y.agency.id
                ));
                break;
            };
            n += 1;
            let r = Row { csv: succ, cells };
            let at = format!("agency-successors {} -> {}", x.id.id, y.agency.id);
            c.eq(&at, "agency", r.s("agency"), x.id.id.as_str());
            c.eq(&at, "successor", r.s("successor"), y.agency.id.as_str());
            c.text(&at, &r, "note", y.note.as_ref());
        }
    }
    c.eq("agency-successors", "rows", succ.rows.len(), n);

    let rows = c.rows(
        "themes",
        d.themes.iter().map(|x| x.id.id.as_str()).collect(),
    );
    for (x, r) in d.themes.iter().zip(&rows) {
        let at = format!("themes {}", x.id.id);
        c.text(&at, r, "name", Some(&x.name));
        c.text(&at, r, "description", x.description.as_ref());
        c.page(&at, r, "themes", &x.id.id);
        c.prov(&at, r, &x.prov);
    }

    // `related` is shown on both sides: the CSV holds the symmetric closure.
    let mut related: BTreeSet<(String, String)> = BTreeSet::new();
    for x in &d.recommendations {
        for y in &x.related {
            related.insert((x.id.id.clone(), y.id.clone()));
            related.insert((y.id.clone(), x.id.id.clone()));
        }
    }
    let rows = c.rows(
        "recommendations",
        d.recommendations.iter().map(|x| x.id.id.as_str()).collect(),
    );
    for (x, r) in d.recommendations.iter().zip(&rows) {
        let at = format!("recommendations {}", x.id.id);
        c.eq(&at, "mechanism", r.s("mechanism"), x.mechanism.id.as_str());
        c.eq(&at, "document", r.s("document"), x.document.id.as_str());
        let symbol = d
            .documents
            .iter()
            .find(|doc| doc.id.id == x.document.id)
            .and_then(|doc| doc.symbol.clone());
        c.eq(&at, "symbol", r.opt("symbol"), symbol);
        c.eq(&at, "paragraph", r.opt("paragraph"), x.paragraph.clone());
        c.text(&at, r, "heading", x.heading.as_ref());
        c.text(&at, r, "text", Some(&x.text));
        c.eq(&at, "themes", r.list("themes"), ids(&x.themes, |t| &t.id));
        c.eq(&at, "groups", r.list("groups"), x.groups.clone());
        c.eq(&at, "sdgs", r.list("sdgs"), x.sdgs.clone());
        c.eq(&at, "follow_up", r.boolean("follow_up"), x.follow_up);
        c.eq(&at, "response", r.opt("response"), x.response.clone());
        c.eq(
            &at,
            "recommending_states",
            r.list("recommending_states"),
            x.recommending_states.clone(),
        );
        let mut want: Vec<String> = related
            .iter()
            .filter(|(a, _)| *a == x.id.id)
            .map(|(_, b)| b.clone())
            .collect();
        let mut got = r.list("related");
        want.sort();
        got.sort();
        c.eq(&at, "related", got, want);
        let answering = d
            .tasks
            .iter()
            .filter(|t| t.recommendations.iter().any(|y| y.id == x.id.id))
            .count() as i64;
        c.eq(&at, "tasks", r.int("tasks"), Some(answering));
        c.eq(&at, "url", r.opt("url"), x.url.clone());
        c.page(&at, r, "recommendations", &x.id.id);
        c.prov(&at, r, &x.prov);
    }

    let rows = c.rows("plans", d.plans.iter().map(|x| x.id.id.as_str()).collect());
    for (x, r) in d.plans.iter().zip(&rows) {
        let at = format!("plans {}", x.id.id);
        c.eq(&at, "document", r.s("document"), x.document.id.as_str());
        c.text(&at, r, "title", Some(&x.title));
        c.eq(
            &at,
            "mechanisms",
            r.list("mechanisms"),
            ids(&x.mechanisms, |m| &m.id),
        );
        c.eq(
            &at,
            "coordinator",
            r.opt("coordinator"),
            x.coordinator.as_ref().map(|m| m.id.clone()),
        );
        c.eq(&at, "adopted", r.date("adopted"), x.adopted);
        c.eq(&at, "period", r.opt("period"), x.period.clone());
        c.eq(
            &at,
            "answers",
            r.list("answers"),
            ids(&x.answers, |m| &m.id),
        );
        c.eq(
            &at,
            "superseded_by",
            r.opt("superseded_by"),
            x.superseded_by.as_ref().map(|m| m.id.clone()),
        );
        let tasks = d
            .tasks
            .iter()
            .filter(|t| t.plan.id == x.id.id && !t.heading)
            .count() as i64;
        c.eq(&at, "tasks", r.int("tasks"), Some(tasks));
        c.text(&at, r, "description", x.description.as_ref());
        c.page(&at, r, "plans", &x.id.id);
        c.prov(&at, r, &x.prov);
    }

    let rows = c.rows("tasks", d.tasks.iter().map(|x| x.id.id.as_str()).collect());
    let agency_name = |id: &str, lang: &str| {
        d.agencies
            .iter()
            .find(|a| a.id.id == id)
            .map(|a| {
                a.name
                    .plain(lang, &site.loaded.config.languages)
                    .to_string()
            })
            .unwrap_or_default()
    };
    for (x, r) in d.tasks.iter().zip(&rows) {
        let at = format!("tasks {}", x.id.id);
        c.eq(&at, "plan", r.s("plan"), x.plan.id.as_str());
        c.eq(&at, "ref", r.s("ref"), x.ref_.as_str());
        if let Some(p) = &x.parent {
            c.eq(&at, "parent", r.s("parent"), p.id.as_str());
        }
        c.eq(&at, "heading", r.boolean("heading"), x.heading);
        c.text(&at, r, "text", Some(&x.text));
        c.eq(&at, "lead", r.list("lead"), ids(&x.lead, |a| &a.agency.id));
        for l in c.langs() {
            let names: Vec<String> = x
                .lead
                .iter()
                .map(|a| agency_name(&a.agency.id, l))
                .collect();
            c.eq(
                &at,
                &format!("lead_names_{l}"),
                r.list(&format!("lead_names_{l}")),
                names,
            );
        }
        c.eq(
            &at,
            "coordinating",
            r.list("coordinating"),
            ids(&x.coordinating, |a| &a.agency.id),
        );
        for l in c.langs() {
            let names: Vec<String> = x
                .coordinating
                .iter()
                .map(|a| agency_name(&a.agency.id, l))
                .collect();
            c.eq(
                &at,
                &format!("coordinating_names_{l}"),
                r.list(&format!("coordinating_names_{l}")),
                names,
            );
        }
        if !x.current_lead.is_empty() {
            c.eq(
                &at,
                "current_lead",
                r.list("current_lead"),
                ids(&x.current_lead, |a| &a.agency.id),
            );
        }
        c.text(&at, r, "expected", x.expected.as_ref());
        c.text(&at, r, "timeframe", x.timeframe.as_ref());
        c.eq(
            &at,
            "due",
            r.list("due"),
            x.due.iter().map(|u| u.label.clone()).collect(),
        );
        let last = x.due.iter().map(|u| u.date).max();
        c.eq(&at, "last_due", r.date("last_due"), last);
        c.eq(
            &at,
            "recurring",
            r.s("recurring") == "annual",
            x.recurring == Recurring::Annual,
        );
        c.eq(&at, "status", r.s("status"), x.status.as_str());
        // The state, worked out here again from the loaded records: the
        // latest record with a status (by date, then id), else the deadline.
        let latest = d
            .progress
            .iter()
            .filter(|p| p.status.is_some() && p.tasks.iter().any(|t| t.id == x.id.id))
            .max_by(|a, b| (a.date.start, &a.id.id).cmp(&(b.date.start, &b.id.id)));
        let passed = last.is_some_and(|l| l < as_of);
        let state = if x.heading {
            "heading"
        } else {
            match latest.and_then(|p| p.status) {
                Some(s) => s.as_str(),
                None if passed => "past-deadline",
                None if last.is_some() => "upcoming",
                None if x.recurring == Recurring::Annual => "recurring",
                None => "no-deadline",
            }
        };
        c.eq(&at, "state", r.s("state"), state);
        // Overdue: a source dated after the deadline says "not done".
        let overdue = passed
            && matches!(state, "in-progress" | "not-started")
            && latest.zip(last).is_some_and(|(p, l)| p.date.start > l);
        c.eq(&at, "overdue", r.boolean("overdue"), overdue);
        let latest = latest.filter(|_| !x.heading);
        c.eq(
            &at,
            "state_record",
            r.s("state_record"),
            latest.map(|p| p.id.id.as_str()).unwrap_or(""),
        );
        c.eq(
            &at,
            "state_by",
            r.s("state_by"),
            latest.map(|p| p.by.as_str()).unwrap_or(""),
        );
        c.eq(
            &at,
            "state_date",
            r.s("state_date"),
            latest.map(|p| p.date.label.as_str()).unwrap_or(""),
        );
        c.eq(
            &at,
            "recommendations",
            r.list("recommendations"),
            ids(&x.recommendations, |y| &y.id),
        );
        c.eq(&at, "themes", r.list("themes"), ids(&x.themes, |y| &y.id));
        c.eq(
            &at,
            "indicators",
            r.list("indicators"),
            ids(&x.indicators, |y| &y.id),
        );
        c.text(&at, r, "status_note", x.status_note.as_ref());
        c.eq(&at, "evidence", r.list("evidence"), x.evidence.clone());
        c.eq(&at, "as_of", r.date("as_of"), Some(as_of));
        c.page(&at, r, "tasks", &x.id.id);
        c.prov(&at, r, &x.prov);
    }
    let rows = c.rows(
        "indicators",
        d.indicators.iter().map(|x| x.id.id.as_str()).collect(),
    );
    for (x, r) in d.indicators.iter().zip(&rows) {
        let at = format!("indicators {}", x.id.id);
        c.text(&at, r, "title", Some(&x.title));
        c.text(&at, r, "unit", x.unit.as_ref());
        c.eq(&at, "scale", r.list("scale"), x.scale.clone());
        let t = x.target.as_ref();
        c.eq(
            &at,
            "target_op",
            r.opt("target_op"),
            t.map(|t| {
                match t.op.as_str() {
                    ">=" => "at-least",
                    "<=" => "at-most",
                    ">" => "above",
                    "<" => "below",
                    "=" => "equal",
                    op => panic!("target op {op:?}"),
                }
                .to_string()
            }),
        );
        c.eq(
            &at,
            "target_value",
            r.num("target_value"),
            t.map(|t| t.value),
        );
        c.eq(
            &at,
            "target_year",
            r.int("target_year"),
            t.and_then(|t| t.year).map(i64::from),
        );
        c.eq(
            &at,
            "source",
            r.opt("source"),
            x.source.as_ref().map(|s| s.id.clone()),
        );
        c.text(&at, r, "locator", x.locator.as_ref());
        c.eq(&at, "themes", r.list("themes"), ids(&x.themes, |y| &y.id));
        c.eq(&at, "tasks", r.list("tasks"), ids(&x.tasks, |y| &y.id));
        c.text(&at, r, "description", x.description.as_ref());
        c.page(&at, r, "indicators", &x.id.id);
        c.prov(&at, r, &x.prov);
    }

    let values = c.table("indicator-values");
    c.eq(
        "indicator-values",
        "rows",
        values.rows.len(),
        d.values.len(),
    );
    for (i, (x, cells)) in d.values.iter().zip(&values.rows).enumerate() {
        let r = Row { csv: values, cells };
        let at = format!("indicator-values row {}", i + 2);
        c.eq(&at, "indicator", r.s("indicator"), x.indicator.id.as_str());
        c.eq(&at, "period", r.s("period"), x.period.as_str());
        c.eq(&at, "breakdown", r.opt("breakdown"), x.breakdown.clone());
        c.eq(&at, "value", r.opt("value"), x.value.clone());
        c.eq(&at, "number", r.num("number"), x.number);
        c.eq(&at, "change", r.opt("change"), x.change.clone());
        c.text(&at, &r, "note", x.note.as_ref());
        c.eq(
            &at,
            "source",
            r.opt("source"),
            x.source.as_ref().map(|s| s.id.clone()),
        );
        c.prov(&at, &r, &x.prov);
    }

    // Link tables: the same set of links as the records hold.
    let set = |c: &Check<'_>, table: &str, cols: &[&str]| -> BTreeSet<Vec<String>> {
        let csv = c.table(table);
        csv.rows
            .iter()
            .map(|cells| {
                let r = Row { csv, cells };
                cols.iter().map(|col| r.s(col).to_string()).collect()
            })
            .collect()
    };
    let mut want = BTreeSet::new();
    let mut n = 0;
    for t in &d.tasks {
        for (role, refs) in [
            ("lead", &t.lead),
            ("coordinating", &t.coordinating),
            ("current-lead", &t.current_lead),
        ] {
            for a in refs {
                n += 1;
                let mut row = vec![t.id.id.clone(), a.agency.id.clone(), role.to_string()];
                for l in c.langs() {
                    row.push(
                        a.note
                            .as_ref()
                            .map(|x| x.plain(l, c.langs()).to_string())
                            .unwrap_or_default(),
                    );
                }
                want.insert(row);
            }
        }
    }
    let mut cols = vec!["task".to_string(), "agency".into(), "role".into()];
    cols.extend(c.langs().iter().map(|l| format!("note_{l}")));
    let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
    let got = set(&c, "task-agencies", &cols);
    c.eq(
        "task-agencies",
        "rows",
        c.table("task-agencies").rows.len(),
        n,
    );
    c.eq("task-agencies", "links", got, want);

    let want: BTreeSet<Vec<String>> = d
        .tasks
        .iter()
        .flat_map(|t| {
            t.recommendations
                .iter()
                .map(|y| vec![t.id.id.clone(), y.id.clone()])
        })
        .collect();
    let got = set(&c, "task-recommendations", &["task", "recommendation"]);
    c.eq("task-recommendations", "links", got, want);

    // Progress: newest first, every field; and each task's records.
    let rows = c.rows(
        "progress",
        d.progress.iter().rev().map(|x| x.id.id.as_str()).collect(),
    );
    for (x, r) in d.progress.iter().rev().zip(&rows) {
        let at = format!("progress {}", x.id.id);
        c.eq(&at, "date", r.s("date"), x.date.label.as_str());
        c.eq(
            &at,
            "status",
            r.s("status"),
            x.status.map(|s| s.as_str()).unwrap_or(""),
        );
        c.eq(&at, "by", r.s("by"), x.by.as_str());
        c.text(&at, r, "by_name", x.by_name.as_ref());
        c.text(&at, r, "text", Some(&x.text));
        c.text(&at, r, "note", x.note.as_ref());
        c.eq(&at, "tasks", r.list("tasks"), ids(&x.tasks, |y| &y.id));
        c.eq(
            &at,
            "recommendations",
            r.list("recommendations"),
            ids(&x.recommendations, |y| &y.id),
        );
        let (source, document) = match &x.source {
            Source::Document(d) => (d.id.clone(), d.id.clone()),
            Source::Web { url, .. } => (url.clone(), String::new()),
        };
        c.eq(&at, "source", r.s("source").to_string(), source);
        c.eq(
            &at,
            "source_document",
            r.s("source_document").to_string(),
            document,
        );
        if let Source::Web {
            title, accessed, ..
        } = &x.source
        {
            c.text(&at, r, "source_title", Some(title));
            c.eq(&at, "source_accessed", r.date("source_accessed"), *accessed);
        }
        let also: Vec<String> = x
            .also
            .iter()
            .map(|s| match s {
                Source::Document(d) => d.id.clone(),
                Source::Web { url, .. } => url.clone(),
            })
            .collect();
        c.eq(&at, "also", r.list("also"), also);
        c.eq(&at, "grade", r.opt("grade"), x.grade.clone());
        c.eq(
            &at,
            "confidence",
            r.s("confidence"),
            x.confidence.map(|s| s.as_str()).unwrap_or(""),
        );
    }
    let mut want: BTreeSet<Vec<String>> = BTreeSet::new();
    for x in &d.progress {
        for t in &x.tasks {
            want.insert(vec![t.id.clone(), x.id.id.clone()]);
        }
    }
    let got = set(&c, "task-progress", &["task", "progress"]);
    c.eq("task-progress", "links", got, want);

    let want: BTreeSet<Vec<String>> = related
        .iter()
        .filter(|(a, b)| a < b)
        .map(|(a, b)| vec![a.clone(), b.clone()])
        .collect();
    let got = set(&c, "recommendation-links", &["recommendation", "related"]);
    c.eq("recommendation-links", "links", got, want);

    let mut want: BTreeSet<Vec<String>> = BTreeSet::new();
    for x in &d.recommendations {
        for t in &x.themes {
            want.insert(vec![t.id.clone(), "recommendation".into(), x.id.id.clone()]);
        }
    }
    for x in &d.tasks {
        for t in &x.themes {
            want.insert(vec![t.id.clone(), "task".into(), x.id.id.clone()]);
        }
    }
    for x in &d.indicators {
        for t in &x.themes {
            want.insert(vec![t.id.clone(), "indicator".into(), x.id.id.clone()]);
        }
    }
    let got = set(&c, "theme-links", &["theme", "kind", "id"]);
    c.eq("theme-links", "links", got, want);

    // Per agency: the tasks it leads or coordinates, and nothing else.
    for a in &d.agencies {
        let want: Vec<&str> = d
            .tasks
            .iter()
            .filter(|t| {
                t.lead
                    .iter()
                    .chain(&t.coordinating)
                    .any(|r| r.agency.id == a.id.id)
            })
            .map(|t| t.id.id.as_str())
            .collect();
        let name = format!("agencies/{}/tasks", a.id.id);
        match site.csv.get(&name) {
            Some(_) => {
                c.rows(&name, want);
            }
            None => c.eq(&name, "published", Vec::<&str>::new(), want),
        }
    }

    // Every CSV published is one checked above.
    let mut checked: BTreeSet<String> = [
        "mechanisms",
        "documents",
        "agencies",
        "themes",
        "recommendations",
        "plans",
        "tasks",
        "indicators",
        "indicator-values",
        "task-agencies",
        "task-progress",
        "progress",
        "task-recommendations",
        "recommendation-links",
        "theme-links",
        "agency-successors",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    checked.extend(
        d.agencies
            .iter()
            .map(|a| format!("agencies/{}/tasks", a.id.id)),
    );
    for name in site.csv.keys() {
        if !checked.contains(name) {
            c.errs.push(format!(
                "{}: data/{name}.csv is not checked by this test",
                site.name
            ));
        }
    }
    c.finish();
}

#[test]
fn shipped_csvs_read_back_into_the_loaded_records() {
    csv_matches_the_loaded_records(shipped());
}

#[test]
fn rich_csvs_read_back_into_the_loaded_records() {
    csv_matches_the_loaded_records(rich());
}

fn resources(site: &Site) -> &Vec<Json> {
    site.package["resources"]
        .as_array()
        .expect("datapackage.json lists resources")
}

fn resource_table(res: &Json) -> String {
    let path = res["path"].as_str().expect("a resource has a path");
    path.strip_suffix(".csv")
        .unwrap_or_else(|| panic!("{path} is a CSV"))
        .to_string()
}

fn foreign_keys_hold(site: &Site) {
    let mut errs = Vec::new();
    let mut checked = 0;
    let by_name: BTreeMap<&str, String> = resources(site)
        .iter()
        .map(|r| (r["name"].as_str().unwrap(), resource_table(r)))
        .collect();
    let column = |table: &str, field: &str| -> Vec<&str> {
        let csv = &site.csv[table];
        let i = csv
            .headers
            .iter()
            .position(|h| h == field)
            .unwrap_or_else(|| panic!("{table}.csv has no column {field}"));
        csv.rows.iter().map(|r| r[i].as_str()).collect()
    };
    for res in resources(site) {
        let table = resource_table(res);
        let name = res["name"].as_str().unwrap();
        let schema = &res["schema"];
        if let Some(key) = schema["primaryKey"].as_array() {
            let cols: Vec<Vec<&str>> = key
                .iter()
                .map(|k| column(&table, k.as_str().unwrap()))
                .collect();
            let mut seen = BTreeSet::new();
            for i in 0..site.csv[&table].rows.len() {
                let k: Vec<&str> = cols.iter().map(|c| c[i]).collect();
                if !seen.insert(k.clone()) {
                    errs.push(format!("{table}: primary key {k:?} twice"));
                }
            }
        }
        for fk in schema["foreignKeys"].as_array().into_iter().flatten() {
            let field = fk["fields"].as_str().expect("one field per key");
            let other = fk["reference"]["resource"].as_str().unwrap();
            let other = if other.is_empty() { name } else { other };
            let other_field = fk["reference"]["fields"].as_str().unwrap();
            let targets: BTreeSet<&str> =
                column(&by_name[other], other_field).into_iter().collect();
            for v in column(&table, field) {
                checked += 1;
                if !v.is_empty() && !targets.contains(v) {
                    errs.push(format!(
                        "{table}.{field} = {v:?} is not a {other}.{other_field}"
                    ));
                }
            }
        }
    }
    assert!(
        checked > 0,
        "{}: the package declares foreign keys",
        site.name
    );
    assert!(errs.is_empty(), "{}:\n{}", site.name, errs.join("\n"));
}

#[test]
fn shipped_foreign_keys_hold() {
    foreign_keys_hold(shipped());
}

#[test]
fn rich_foreign_keys_hold() {
    foreign_keys_hold(rich());
}

/// The workbook has one sheet per package table, in order, with the CSV's
/// header and rows; cells are typed as the schema says, and none is a formula.
fn workbook_matches_the_csvs(site: &Site) -> Vec<String> {
    let mut book: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(site.xlsx.clone())).expect("the workbook opens");
    let tables: Vec<(String, &Json)> = resources(site)
        .iter()
        .map(|r| (resource_table(r), &r["schema"]["fields"]))
        .collect();
    let names: Vec<String> = tables.iter().map(|(t, _)| t.clone()).collect();
    assert_eq!(
        book.sheet_names(),
        std::iter::once("README".to_string())
            .chain(names)
            .collect::<Vec<_>>(),
        "{}: a README sheet, then one sheet per table",
        site.name
    );
    let mut texts = Vec::new();
    let mut errs = Vec::new();
    for (table, fields) in &tables {
        let csv = &site.csv[table];
        let formulas = book.worksheet_formula(table).expect("formulas readable");
        if let Some((r, c, f)) = formulas.used_cells().find(|(_, _, f)| !f.is_empty()) {
            errs.push(format!("{table}: cell ({r}, {c}) is the formula {f:?}"));
        }
        let range = book.worksheet_range(table).expect("sheet readable");
        let (height, width) = range.get_size();
        if height != csv.rows.len() + 1 || width != csv.headers.len() {
            errs.push(format!(
                "{table}: sheet is {height}×{width}, CSV {}×{}",
                csv.rows.len() + 1,
                csv.headers.len()
            ));
            continue;
        }
        let types: Vec<&str> = fields
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["type"].as_str().unwrap())
            .collect();
        for (c, h) in csv.headers.iter().enumerate() {
            if range.get((0, c)) != Some(&Cell::String(h.clone())) {
                errs.push(format!("{table}: header {c} is not the text {h:?}"));
            }
        }
        for (r, row) in csv.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let got = range.get((r + 1, c)).cloned().unwrap_or(Cell::Empty);
                let ok = match (types[c], &got) {
                    (_, Cell::Empty) => v.is_empty(),
                    ("string", Cell::String(s)) => {
                        texts.push(s.clone());
                        s == v
                    }
                    ("integer", Cell::Float(n)) => v.parse::<i64>().ok() == Some(*n as i64),
                    ("number", Cell::Float(n)) => v.parse::<f64>().ok() == Some(*n),
                    ("boolean", Cell::Bool(b)) => v == if *b { "true" } else { "false" },
                    ("date", Cell::DateTime(dt)) => {
                        let (y, m, d, ..) = dt.to_ymd_hms_milli();
                        *v == format!("{y:04}-{m:02}-{d:02}")
                    }
                    _ => false,
                };
                if !ok {
                    errs.push(format!(
                        "{table} row {} column {}: CSV {v:?}, sheet {got:?} ({})",
                        r + 2,
                        csv.headers[c],
                        types[c]
                    ));
                }
            }
        }
    }
    assert!(errs.is_empty(), "{}:\n{}", site.name, errs.join("\n"));
    texts
}

#[test]
fn shipped_workbook_has_the_rows_of_the_csvs() {
    workbook_matches_the_csvs(shipped());
}

#[test]
fn rich_workbook_keeps_formula_like_text_as_text() {
    let texts = workbook_matches_the_csvs(rich());
    // Set in tests/fixtures/rich/data/indicator-values/values.yaml.
    for hostile in ["=HYPERLINK(\"https://example.org/\",\"click\")", "+1"] {
        assert!(
            texts.iter().any(|t| t == hostile),
            "the workbook holds {hostile:?} as text"
        );
    }
}

#[test]
fn downloads_page_lists_the_workbook_with_its_size() {
    let site = rich();
    let size = site.xlsx.len() as f64 / 1024.0;
    for (lang, html) in &site.pages {
        let link = "<a href=\"../../data/lotrinh.xlsx\" download>data/lotrinh.xlsx</a> (XLSX, ";
        let at = html
            .find(link)
            .unwrap_or_else(|| panic!("{lang}/data/ links the workbook"));
        let shown = &html[at + link.len()..];
        assert!(
            shown.starts_with(&format!("{size:.1} KB)")),
            "{lang}/data/ gives the workbook's size ({size:.1} KB): {}",
            &shown[..20.min(shown.len())]
        );
    }
}

/// JSON gives every list as an array holding exactly the items the CSV cell
/// holds (read by the documented rule), and every other cell as the CSV's
/// text, typed.
fn json_matches_the_csvs(site: &Site) {
    let mut errs = Vec::new();
    let mut lists = 0;
    for res in resources(site) {
        let table = resource_table(res);
        let csv = &site.csv[&table];
        let rows = site.all_json["tables"][&table]
            .as_array()
            .unwrap_or_else(|| panic!("{}: {table} in lotrinh.json", site.name));
        assert_eq!(rows.len(), csv.rows.len(), "{}: {table} rows", site.name);
        for (cells, json) in csv.rows.iter().zip(rows) {
            let r = Row { csv, cells };
            for (h, v) in csv.headers.iter().zip(cells) {
                let j = &json[h];
                let ok = match j {
                    Json::Array(items) => {
                        lists += 1;
                        let items: Vec<String> = items
                            .iter()
                            .map(|x| x.as_str().unwrap().to_string())
                            .collect();
                        items == r.list(h)
                    }
                    Json::Null => v.is_empty(),
                    Json::String(x) => x == v,
                    Json::Bool(b) => v == if *b { "true" } else { "false" },
                    Json::Number(n) => v.parse::<f64>().ok() == n.as_f64(),
                    Json::Object(_) => false,
                };
                if !ok {
                    errs.push(format!("{table}.{h}: CSV {v:?}, JSON {j}"));
                }
            }
        }
    }
    assert!(lists > 0, "{}: some list columns", site.name);
    assert!(errs.is_empty(), "{}:\n{}", site.name, errs.join("\n"));
}

#[test]
fn shipped_json_holds_what_the_csvs_hold() {
    json_matches_the_csvs(shipped());
}

#[test]
fn rich_json_holds_what_the_csvs_hold() {
    let site = rich();
    json_matches_the_csvs(site);
    // A list item holding the separator stays one item, in both formats.
    let rec = site.all_json["tables"]["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "upr-3-38-1")
        .expect("upr-3-38-1");
    assert_eq!(
        rec["recommending_states"],
        serde_json::json!(["France", "Chile", "Iran; Islamic Republic of"])
    );
    assert_eq!(rec["groups"], serde_json::json!(["women; girls", "a \\ b"]));
    let csv = &site.csv["recommendations"];
    let row = csv.rows.iter().find(|r| r[0] == "upr-3-38-1").unwrap();
    let r = Row { csv, cells: row };
    assert_eq!(
        r.s("recommending_states"),
        "France; Chile; Iran\\; Islamic Republic of"
    );
}

/// Whether a spreadsheet opening a CSV evaluates this cell instead of
/// showing it (OWASP's list: a formula's first characters, and tab and
/// carriage return, which some spreadsheets skip first). A number in a
/// number or integer column is a value, not a formula.
fn evaluated(cell: &str, ty: &str) -> bool {
    let number = matches!(ty, "number" | "integer") && cell.parse::<f64>().is_ok();
    !number && cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Column types of every published CSV, the per-agency slices' from tasks.
fn types(site: &Site) -> BTreeMap<String, Vec<String>> {
    let by_table: BTreeMap<String, Vec<String>> = resources(site)
        .iter()
        .map(|r| {
            let t: Vec<String> = r["schema"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["type"].as_str().unwrap().to_string())
                .collect();
            (resource_table(r), t)
        })
        .collect();
    site.csv
        .keys()
        .map(|t| {
            let schema = if t.starts_with("agencies/") {
                "tasks"
            } else {
                t
            };
            (t.clone(), by_table[schema].clone())
        })
        .collect()
}

/// Every table has a spreadsheet CSV: UTF-8 with a byte-order mark (so
/// Excel reads Vietnamese), the same header and rows, no cell a spreadsheet
/// evaluates, and every cell the exact value once a leading `'` is taken
/// off. Returns the guarded cells seen.
fn excel_csvs_are_safe_and_exact(site: &Site) -> Vec<String> {
    let types = types(site);
    let mut errs = Vec::new();
    let mut guarded = Vec::new();
    let mut cells = 0;
    for (table, canonical) in &site.csv {
        let Some(bytes) = site.excel.get(table) else {
            errs.push(format!("{table}: no {table}.excel.csv"));
            continue;
        };
        let Some(body) = bytes.strip_prefix(b"\xEF\xBB\xBF") else {
            errs.push(format!("{table}.excel.csv: no UTF-8 byte-order mark"));
            continue;
        };
        let mut reader = csv::Reader::from_reader(body);
        let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        if headers != canonical.headers {
            errs.push(format!("{table}.excel.csv: header {headers:?}"));
        }
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        if rows.len() != canonical.rows.len() {
            errs.push(format!(
                "{table}.excel.csv: {} rows, CSV {}",
                rows.len(),
                canonical.rows.len()
            ));
            continue;
        }
        for (r, (got, want)) in rows.iter().zip(&canonical.rows).enumerate() {
            for (c, (g, w)) in got.iter().zip(want).enumerate() {
                cells += 1;
                let ty = &types[table][c];
                if evaluated(g, ty) {
                    errs.push(format!(
                        "{table}.excel.csv row {} {}: {g:?} is evaluated",
                        r + 2,
                        headers[c]
                    ));
                }
                let exact = g.strip_prefix('\'').unwrap_or(g);
                if exact != w {
                    errs.push(format!(
                        "{table}.excel.csv row {} {}: {g:?} is not {w:?}",
                        r + 2,
                        headers[c]
                    ));
                }
                if g != w {
                    guarded.push(w.clone());
                }
            }
        }
    }
    assert!(cells > 1000, "{}: {cells} cells checked", site.name);
    assert!(errs.is_empty(), "{}:\n{}", site.name, errs.join("\n"));
    guarded
}

#[test]
fn shipped_csvs_have_no_cell_a_spreadsheet_evaluates() {
    let site = shipped();
    let types = types(site);
    let mut errs = Vec::new();
    for (table, csv) in &site.csv {
        for (r, row) in csv.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if evaluated(v, &types[table][c]) {
                    errs.push(format!(
                        "{table}.csv row {} {}: {v:?}",
                        r + 2,
                        csv.headers[c]
                    ));
                }
            }
        }
    }
    assert!(
        errs.is_empty(),
        "{} cells:\n{}",
        errs.len(),
        errs.join("\n")
    );
    excel_csvs_are_safe_and_exact(site);
}

#[test]
fn rich_excel_csvs_guard_formulas_and_round_trip() {
    let guarded = excel_csvs_are_safe_and_exact(rich());
    // Set in tests/fixtures/rich/data/indicator-values/values.yaml.
    for hostile in ["=HYPERLINK(\"https://example.org/\",\"click\")", "+1"] {
        assert!(
            guarded.iter().any(|g| g == hostile),
            "{hostile:?} is guarded in the spreadsheet CSV"
        );
    }
}
