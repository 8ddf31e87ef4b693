//! Loading a site folder: `site.yaml`, every collection under `data/` (YAML,
//! CSV, or a folder of either) and the Markdown pages of `content/`.
//!
//! Files are read and parsed in parallel; records are then sorted by id so no
//! order on disk changes anything downstream.

use crate::diag::{Diagnostics, Loc, Sources, closest};
use crate::model::*;
use crate::source::config::{self, Config};
use crate::source::fields::Fields;
use crate::source::items;
use crate::source::raw::{Kind, Node, parse_csv, parse_yaml, parse_yaml_charged, utf8};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Addresses under `<lang>/` that the theme's own pages use; a content page
/// with one of these slugs would overwrite a section.
pub const RESERVED_SLUGS: [&str; 12] = [
    "agencies",
    "recommendations",
    "plans",
    "tasks",
    "themes",
    "mechanisms",
    "documents",
    "indicators",
    "data",
    "search",
    "deadlines",
    "updates",
];

pub const DOCUMENT_KINDS: [&str; 4] =
    ["concluding-observations", "upr-report", "decision", "other"];
pub const AGENCY_KINDS: [&str; 8] = [
    "ministry",
    "court",
    "procuracy",
    "legislature",
    "local",
    "front",
    "group",
    "other",
];

pub struct Loaded {
    pub config: Config,
    pub data: Data,
    pub pages: Vec<Page>,
}

/// Data files read by an earlier load of the same site, kept by
/// `lotrinh serve` between rebuilds: a file whose bytes, place in the
/// source list, collection and languages are unchanged is not parsed
/// again; its records and problems are taken as they were.
#[derive(Default)]
pub struct ParseCache {
    /// The site's languages the files were read with: every text depends
    /// on them, so a change of languages empties the cache.
    langs: Vec<String>,
    files: HashMap<PathBuf, Parsed>,
}

struct Parsed {
    /// What it was read as: its place in the source list and its
    /// collection, each of which changes what it means.
    file: u32,
    collection: Collection,
    /// Its text, compared with the file's bytes on the next load (a compare
    /// is several times faster than hashing them again) and given to the
    /// sources as it is when they match.
    text: String,
    body: Body,
}

/// How a kept file was read: only one of the two is ever kept.
enum Body {
    /// Parsed whole: a CSV file, or YAML that cannot be read item by item.
    Whole {
        data: Box<Data>,
        diags: Diagnostics,
        /// What parsing it charged to the YAML budget (charged again on reuse).
        charged: usize,
    },
    /// Read item by item ([`items::cut`]): an edit parses again only the
    /// items it changed; the file's records and problems are its items'.
    Items(Vec<ParsedItem>),
}

impl Parsed {
    /// Whether `bytes` read at `file` as `collection` are what this was read from.
    fn is(&self, bytes: &[u8], file: u32, collection: Collection) -> bool {
        self.file == file && self.collection == collection && self.text.as_bytes() == bytes
    }

    fn charged(&self) -> usize {
        match &self.body {
            Body::Whole { charged, .. } => *charged,
            Body::Items(items) => items.iter().map(|i| i.charged).sum(),
        }
    }

    fn records(&self) -> Data {
        match &self.body {
            Body::Whole { data, .. } => Data::clone(data),
            Body::Items(items) => {
                let mut data = Data::default();
                for item in items {
                    merge(&mut data, item.data.clone());
                }
                data
            }
        }
    }

    fn diags(&self) -> Diagnostics {
        match &self.body {
            Body::Whole { diags, .. } => diags.clone(),
            Body::Items(items) => {
                let mut d = Diagnostics::default();
                items.iter().for_each(|i| d.extend(i.diags.clone()));
                d
            }
        }
    }

    fn items(&self) -> &[ParsedItem] {
        match &self.body {
            Body::Items(items) => items,
            Body::Whole { .. } => &[],
        }
    }
}

/// One list item of a data file, read on its own: its records, problems
/// and YAML charge, under a key of its text, first line, file and languages.
#[derive(Clone)]
struct ParsedItem {
    key: u64,
    data: Data,
    diags: Diagnostics,
    charged: usize,
}

/// Loads everything; on any error the diagnostics say what and where.
pub fn site(root: &Path, sources: &mut Sources, diags: &mut Diagnostics) -> Option<Loaded> {
    site_cached(root, sources, diags, None)
}

/// [`site`], reusing the data files of `cache` that did not change and
/// leaving this load's files in it.
pub fn site_cached(
    root: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
    cache: Option<&Mutex<ParseCache>>,
) -> Option<Loaded> {
    let config = config::load(root, sources, diags)?;
    let langs = config.languages.clone();
    let files = discover(root, sources, diags);
    let first = sources.len() as u32;
    // One budget for all YAML files together (they parse in parallel),
    // scaled to their size so that large honest data fits.
    let yaml_bytes: u64 = files
        .iter()
        .filter(|(_, p)| p.extension().is_some_and(|e| e != "csv"))
        .filter_map(|(_, p)| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let budget = crate::source::raw::YamlBudget::for_sources(yaml_bytes);
    // A poisoned lock means an earlier load panicked midway: start afresh.
    let mut cache = cache.map(|c| c.lock().unwrap_or_else(|e| e.into_inner()));
    if let Some(c) = cache.as_deref_mut()
        && c.langs != langs
    {
        c.files.clear();
        c.langs = langs.clone();
    }
    let previous = cache.as_deref().map(|c| &c.files);
    type One = (PathBuf, String, Data, Diagnostics, Option<Parsed>);
    let parsed: Vec<One> = files
        .par_iter()
        .enumerate()
        .map(|(i, &(collection, ref path))| {
            let file = first + i as u32;
            let mut d = Diagnostics::default();
            let mut data = Data::default();
            let shown = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            let is_csv = path.extension().is_some_and(|e| e == "csv");
            let bytes = match std::fs::read(path) {
                Ok(bytes) => bytes,
                Err(e) => {
                    d.error(None, format!("cannot read {}: {e}", shown.display()));
                    data.unread.push((collection, file));
                    return (shown, String::new(), data, d, None);
                }
            };
            let reused = previous.and_then(|p| p.get(path)).filter(|p| {
                p.is(&bytes, file, collection) && (is_csv || budget.recharge(p.charged()))
            });
            if let Some(p) = reused {
                return (shown, p.text.clone(), p.records(), p.diags(), None);
            }
            let text = utf8(bytes, file, &mut d).unwrap_or_default();
            let mut charged = 0;
            let keep = |text: &str, body| Parsed {
                file,
                collection,
                text: text.to_string(),
                body,
            };
            // Under `serve`, a YAML list is read item by item, reusing the
            // items of its last version that are unchanged.
            let by_items = match previous {
                Some(previous) if !is_csv && !d.has_errors() => {
                    let before = previous.get(path).map(Parsed::items);
                    let read = ItemRead {
                        collection,
                        file,
                        langs: &langs,
                        budget: &budget,
                    };
                    read.file(&text, before.unwrap_or_default())
                }
                _ => None,
            };
            if let Some(items) = by_items {
                // The records are kept once, in their items.
                let kept = keep(&text, Body::Items(items));
                d.extend(kept.diags());
                return (shown, text, kept.records(), d, Some(kept));
            }
            if !d.has_errors() {
                let node = if is_csv {
                    parse_csv(&text, file, &mut d)
                } else if text.trim().is_empty() {
                    d.error(
                        Some(Loc {
                            file,
                            line: 1,
                            col: 1,
                        }),
                        "empty file",
                    )
                    .hint(
                        "a collection file holds a list of records; delete the file if it has none",
                    );
                    None
                } else {
                    let (node, c) = parse_yaml_charged(&text, file, &budget, &mut d);
                    charged = c;
                    node
                };
                match node {
                    Some(node) => convert_file(collection, &node, &langs, &mut d, &mut data),
                    None => data.unread.push((collection, file)),
                }
            } else {
                data.unread.push((collection, file));
            }
            let kept = previous.map(|_| {
                keep(
                    &text,
                    Body::Whole {
                        data: Box::new(data.clone()),
                        diags: d.clone(),
                        charged,
                    },
                )
            });
            (shown, text, data, d, kept)
        })
        .collect();
    let mut data = Data::default();
    let mut kept = HashMap::new();
    for ((shown, text, part, d, keep), (_, path)) in parsed.into_iter().zip(&files) {
        sources.add(shown, text);
        diags.extend(d);
        merge(&mut data, part);
        if let Some(c) = cache.as_deref_mut() {
            let entry = keep.or_else(|| c.files.remove(path));
            if let Some(entry) = entry {
                kept.insert(path.clone(), entry);
            }
        }
    }
    // Only this load's files: a removed file's records go with it.
    if let Some(c) = cache.as_deref_mut() {
        c.files = kept;
    }
    sort(&mut data);
    let pages = content(root, &langs, sources, diags);
    Some(Loaded {
        config,
        data,
        pages,
    })
}

/// Every data file, sorted by path, tagged with its collection. Files under
/// `data/` that belong to no collection are errors, since a misspelt name
/// would otherwise be silently ignored.
fn discover(
    root: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Vec<(Collection, PathBuf)> {
    let data = root.join("data");
    let mut out = Vec::new();
    let site = crate::source::walk::Site::new(root);
    let errors = diags.errors();
    let Some(items) = site.list(&data, diags) else {
        // Only a missing folder is "no records"; one that cannot be read is
        // an error (said by `list`), never a site that silently lost them.
        if diags.errors() == errors {
            diags.warning(None, "no data/ folder: the site has no records");
        }
        return out;
    };
    for item in items {
        let (name, path) = (item.name, item.path);
        let stem = if item.is_dir {
            name.clone()
        } else {
            name.rsplit_once('.')
                .map(|(s, _)| s.to_string())
                .unwrap_or(name.clone())
        };
        let Some(collection) = Collection::named(&stem) else {
            let names = Collection::ALL.map(Collection::name);
            let near = closest(&stem, names.iter().copied());
            // Registered without its text: the name is the problem, and a
            // place lets editors and CI jump to the file.
            let file = sources.add(item.shown, String::new());
            let at = Loc {
                file,
                line: 1,
                col: 1,
            };
            let d = diags.error(Some(at), format!("data/{name} is not a collection"));
            match near.first() {
                Some(n) => d.hint(format!(
                    "did you mean data/{n}? collections: {}",
                    names.join(", ")
                )),
                None => d.hint(format!("collections: {}", names.join(", "))),
            };
            continue;
        };
        if item.is_dir {
            for (_, f) in site.files(&path, diags) {
                if is_data_file(&f.path) {
                    out.push((collection, f.path));
                } else {
                    diags.warning(
                        None,
                        format!(
                            "ignoring {}: not a .yaml, .yml or .csv file",
                            f.shown.display()
                        ),
                    );
                }
            }
        } else if is_data_file(&path) {
            out.push((collection, path));
        } else {
            diags.error(
                None,
                format!("data/{name}: a collection file must end in .yaml, .yml or .csv"),
            );
        }
    }
    out
}

fn is_data_file(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "csv")
    )
}

fn convert_file(
    collection: Collection,
    node: &Node,
    langs: &[String],
    d: &mut Diagnostics,
    data: &mut Data,
) {
    let Kind::Seq(items) = &node.kind else {
        d.error(
            Some(node.loc),
            format!("expected a list of {collection}, found {}", node.describe()),
        )
        .hint("start each record with `- ` (a YAML list)");
        data.unread.push((collection, node.loc.file));
        return;
    };
    for item in items {
        let Some(mut f) = Fields::new(item, "record", langs, d) else {
            continue;
        };
        let ok = match collection {
            Collection::Mechanisms => push(&mut data.mechanisms, mechanism(&mut f)),
            Collection::Documents => push(&mut data.documents, document(&mut f)),
            Collection::Agencies => push(&mut data.agencies, agency(&mut f)),
            Collection::Themes => push(&mut data.themes, theme(&mut f)),
            Collection::Recommendations => push(&mut data.recommendations, recommendation(&mut f)),
            Collection::Plans => push(&mut data.plans, plan(&mut f)),
            Collection::Tasks => push(&mut data.tasks, task(&mut f)),
            Collection::Indicators => push(&mut data.indicators, indicator(&mut f)),
            Collection::IndicatorValues => push(&mut data.values, indicator_value(&mut f)),
            Collection::Progress => push(&mut data.progress, progress(&mut f)),
        };
        f.finish();
        if !ok && let Some(id) = peek_id(collection, item) {
            data.broken.push((collection, id));
        }
    }
}

/// What reading a file item by item needs to know of it.
struct ItemRead<'a> {
    collection: Collection,
    file: u32,
    langs: &'a [String],
    budget: &'a std::sync::Arc<crate::source::raw::YamlBudget>,
}

impl ItemRead<'_> {
    /// The file's items, each from `before` if its text and place are
    /// unchanged, else parsed, with what they charged to the YAML budget; or
    /// `None` when the file cannot be cut ([`items::cut`]) or a piece does
    /// not parse cleanly on its own: the caller then parses the whole file,
    /// which says every problem as it always does.
    fn file(&self, text: &str, before: &[ParsedItem]) -> Option<Vec<ParsedItem>> {
        let pieces = items::cut(text)?;
        let before: HashMap<u64, &ParsedItem> = before.iter().map(|i| (i.key, i)).collect();
        let read: Vec<(usize, Option<ParsedItem>)> = pieces
            .par_iter()
            .map(|piece| self.item(piece, &before))
            .collect();
        let charged: usize = read.iter().map(|(c, _)| c).sum();
        let items = read.into_iter().map(|(_, i)| i).collect::<Option<Vec<_>>>();
        if items.is_none() {
            // The whole file is parsed next, and charged for what it holds:
            // what its pieces charged is given back, not charged twice.
            self.budget.refund(charged);
        }
        items
    }

    /// An item and what it charged to the YAML budget; `None` when it does
    /// not parse cleanly on its own.
    fn item(
        &self,
        piece: &items::Piece<'_>,
        before: &HashMap<u64, &ParsedItem>,
    ) -> (usize, Option<ParsedItem>) {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (
            piece.text,
            piece.line,
            self.file,
            self.collection,
            self.langs,
        )
            .hash(&mut h);
        let key = h.finish();
        if let Some(&kept) = before.get(&key)
            && self.budget.recharge(kept.charged)
        {
            return (kept.charged, Some(kept.clone()));
        }
        let mut d = Diagnostics::default();
        let (node, charged) =
            crate::source::raw::parse_yaml_charged(piece.text, self.file, self.budget, &mut d);
        let Some(mut node) = node.filter(|n| matches!(n.kind, Kind::Seq(_)) && d.is_empty()) else {
            return (charged, None);
        };
        items::shift(&mut node, piece.line - 1);
        let mut data = Data::default();
        convert_file(self.collection, &node, self.langs, &mut d, &mut data);
        let item = ParsedItem {
            key,
            data,
            diags: d,
            charged,
        };
        (charged, Some(item))
    }
}

fn push<T>(v: &mut Vec<T>, r: Option<T>) -> bool {
    match r {
        Some(r) => {
            v.push(r);
            true
        }
        None => false,
    }
}

/// The id a record that failed to load would have had.
fn peek_id(collection: Collection, item: &Node) -> Option<String> {
    let Kind::Map(m) = &item.kind else {
        return None;
    };
    let get = |k: &str| {
        m.iter()
            .find(|(key, _)| key.name == k)
            .and_then(|(_, v)| v.scalar())
            .map(str::trim)
    };
    match (get("id"), collection) {
        (Some(id), _) => Some(id.to_string()),
        (None, Collection::Tasks) => Some(format!("{}-{}", get("plan")?, slug(get("ref")?))),
        _ => None,
    }
}

fn mechanism(f: &mut Fields<'_>) -> Option<Mechanism> {
    let id = f.id_ref("id", true);
    let name = f.text("name", true);
    let body = f.text("body", false);
    let treaty = f.text("treaty", false);
    let description = f.text("description", false);
    let url = f.string("url", false);
    let prov = f.provenance();
    Some(Mechanism {
        id: id?,
        name: name?,
        body,
        treaty,
        description,
        url,
        prov,
    })
}

fn document(f: &mut Fields<'_>) -> Option<Document> {
    let id = f.id_ref("id", true);
    let symbol = f.string("symbol", false);
    let title = f.text("title", true);
    let kind = f.choice("kind", &DOCUMENT_KINDS, true);
    let mechanism = f.id_ref("mechanism", false);
    let cycle = f.string("cycle", false);
    let date = f.date("date");
    let url = f.string("url", false);
    let description = f.text("description", false);
    let recommendations_total =
        f.string_loc("recommendations_total", false)
            .and_then(|(v, loc)| match v.parse::<u32>() {
                Ok(n) => Some((n, loc)),
                Err(_) => {
                    f.diags
                        .error(
                            Some(loc),
                            format!(
                                "`recommendations_total` should be a whole number, found `{v}`"
                            ),
                        )
                        .hint("the number of recommendations in the source document, e.g. `291`");
                    None
                }
            });
    let entered = f.bool("entered").unwrap_or(true);
    let prov = f.provenance();
    Some(Document {
        id: id?,
        symbol,
        title: title?,
        kind: kind?,
        mechanism,
        cycle,
        date,
        url,
        description,
        recommendations_total,
        entered,
        prov,
    })
}

fn agency(f: &mut Fields<'_>) -> Option<Agency> {
    let id = f.id_ref("id", true);
    let name = f.text("name", true);
    let short = f.text("short", false);
    let aliases = f.list("aliases").into_iter().map(|(s, _)| s).collect();
    let kind = f.choice("kind", &AGENCY_KINDS, false);
    let parent = f.id_ref("parent", false);
    let url = f.string("url", false);
    let ended = f.date("ended");
    let successors = f.agency_refs("successors");
    let legal_basis = f.text("legal_basis", false);
    let description = f.text("description", false);
    let prov = f.provenance();
    Some(Agency {
        id: id?,
        name: name?,
        short,
        aliases,
        kind,
        parent,
        url,
        ended,
        successors,
        legal_basis,
        description,
        prov,
    })
}

fn theme(f: &mut Fields<'_>) -> Option<Theme> {
    let id = f.id_ref("id", true);
    let name = f.text("name", true);
    let description = f.text("description", false);
    let prov = f.provenance();
    Some(Theme {
        id: id?,
        name: name?,
        description,
        prov,
    })
}

fn recommendation(f: &mut Fields<'_>) -> Option<Recommendation> {
    let id = f.id_ref("id", true);
    let mechanism = f.id_ref("mechanism", true);
    let document = f.id_ref("document", true);
    let paragraph = f.string("paragraph", false);
    let heading = f.text("heading", false);
    let text = f.text("text", true);
    let themes = f.refs("themes");
    let groups = f.list("groups").into_iter().map(|(s, _)| s).collect();
    let sdgs = f.list("sdgs").into_iter().map(|(s, _)| s).collect();
    let follow_up = f.bool("follow_up").unwrap_or(false);
    let response = f.choice("response", &["supported", "noted"], false);
    let recommending_states = f
        .list("recommending_states")
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let related = f.refs("related");
    let url = f.string("url", false);
    let prov = f.provenance();
    Some(Recommendation {
        id: id?,
        mechanism: mechanism?,
        document: document?,
        paragraph,
        heading,
        text: text?,
        themes,
        groups,
        sdgs,
        follow_up,
        response,
        recommending_states,
        related,
        url,
        prov,
    })
}

fn plan(f: &mut Fields<'_>) -> Option<Plan> {
    let id = f.id_ref("id", true);
    let document = f.id_ref("document", true);
    let title = f.text("title", true);
    let mechanisms = f.refs("mechanisms");
    let coordinator = f.id_ref("coordinator", false);
    let adopted = f.date("adopted");
    let period = f.string("period", false);
    let answers = f.refs("answers");
    let superseded_by = f.id_ref("superseded_by", false);
    let description = f.text("description", false);
    let prov = f.provenance();
    Some(Plan {
        id: id?,
        document: document?,
        title: title?,
        mechanisms,
        coordinator,
        adopted,
        period,
        answers,
        superseded_by,
        description,
        prov,
    })
}

fn task(f: &mut Fields<'_>) -> Option<Task> {
    let id = f.id_ref("id", false);
    let plan = f.id_ref("plan", true);
    let ref_ = f.string_loc("ref", true);
    let parent = f.id_ref("parent", false);
    let heading = f.bool("heading").unwrap_or(false);
    let text = f.text("text", true);
    let lead = f.agency_refs("lead");
    let coordinating = f.agency_refs("coordinating");
    let expected = f.text("expected", false);
    let timeframe = f.text("timeframe", false);
    let due = f.due("due");
    let recurring = match f.choice("recurring", &["annual", "none"], false).as_deref() {
        Some("annual") => Recurring::Annual,
        _ => Recurring::None,
    };
    let recommendations = f.refs("recommendations");
    let current_lead = f.agency_refs("current_lead");
    let indicators = f.refs("indicators");
    let themes = f.refs("themes");
    let status = match f
        .choice(
            "status",
            &["not-started", "in-progress", "done", "unknown"],
            false,
        )
        .as_deref()
    {
        Some("not-started") => Status::NotStarted,
        Some("in-progress") => Status::InProgress,
        Some("done") => Status::Done,
        _ => Status::Unknown,
    };
    let status_note = f.text("status_note", false);
    let evidence = f.list("evidence").into_iter().map(|(s, _)| s).collect();
    let sic = f.sic("sic");
    let prov = f.provenance();
    let sic = checked_sic(
        f,
        sic,
        &text,
        &expected,
        &timeframe,
        [&lead, &coordinating, &current_lead],
    );
    let plan = plan?;
    let (ref_, ref_loc) = ref_?;
    let id = id.unwrap_or_else(|| Ref {
        id: format!("{}-{}", plan.id, slug(&ref_)),
        loc: ref_loc,
    });
    Some(Task {
        id,
        plan,
        ref_,
        parent,
        heading,
        text: text?,
        lead,
        coordinating,
        expected,
        timeframe,
        due,
        recurring,
        recommendations,
        current_lead,
        indicators,
        themes,
        status,
        status_note,
        evidence,
        sic,
        prov,
    })
}

/// Keeps the `[sic]` notes whose printed words are in the task (its text,
/// expected result, timeframe or an agency note, in any language): a note
/// on words the page does not show would be a note on nothing, most likely
/// a copy slip. The others are reported.
fn checked_sic(
    f: &mut Fields<'_>,
    sic: Vec<(Sic, Loc)>,
    text: &Option<Text>,
    expected: &Option<Text>,
    timeframe: &Option<Text>,
    refs: [&[AgencyRef]; 3],
) -> Vec<Sic> {
    let mut texts: Vec<&Text> = [text, expected, timeframe].into_iter().flatten().collect();
    texts.extend(
        refs.iter()
            .flat_map(|r| r.iter())
            .filter_map(|r| r.note.as_ref()),
    );
    let mut out: Vec<Sic> = Vec::new();
    for (s, loc) in sic {
        if s.printed == s.reads {
            f.diags
                .error(Some(loc), format!("`sic` note reads `{}` as itself", s.printed))
                .hint("`reads` is what the printed words most likely mean; leave the note out if they are right");
        } else if !texts
            .iter()
            .any(|t| t.0.values().any(|v| v.contains(&s.printed)))
        {
            f.diags
                .error(
                    Some(loc),
                    format!("`sic` note on `{}`, which is not in the task", s.printed),
                )
                .hint("copy the words exactly as they stand in `text`, `expected`, `timeframe` or an agency note");
        } else if out.iter().any(|o| o.printed == s.printed) {
            f.diags
                .error(Some(loc), format!("two `sic` notes on `{}`", s.printed))
                .hint("keep one note for each printed wording; it covers every place it stands");
        } else {
            out.push(s);
        }
    }
    out
}

fn indicator(f: &mut Fields<'_>) -> Option<Indicator> {
    let id = f.id_ref("id", true);
    let title = f.text("title", true);
    let unit = f.text("unit", false);
    let scale = f.list("scale").into_iter().map(|(s, _)| s).collect();
    let target = f.nested("target").and_then(|n| {
        let langs: Vec<String> = Vec::new();
        let mut t = Fields::new(n, "target", &langs, f.diags)?;
        let op = t.choice("op", &[">=", "<=", ">", "<", "="], true);
        let value = t.number("value");
        let year = t
            .string_loc("year", false)
            .and_then(|(y, loc)| match y.parse::<i32>() {
                Ok(v) => Some(v),
                Err(_) => {
                    t.diags.error(
                        Some(loc),
                        format!("target `year` should be a year, found `{y}`"),
                    );
                    None
                }
            });
        let loc = t.loc;
        t.finish();
        if value.is_none() {
            f.diags.error(Some(loc), "a target needs a numeric `value`");
        }
        Some(Target {
            op: op?,
            value: value?.0,
            year,
        })
    });
    let source = f.id_ref("source", false);
    let locator = f.text("locator", false);
    let themes = f.refs("themes");
    let tasks = f.refs("tasks");
    let description = f.text("description", false);
    let prov = f.provenance();
    Some(Indicator {
        id: id?,
        title: title?,
        unit,
        scale,
        target,
        source,
        locator,
        themes,
        tasks,
        description,
        prov,
    })
}

fn indicator_value(f: &mut Fields<'_>) -> Option<IndicatorValue> {
    let loc = f.loc;
    let indicator = f.id_ref("indicator", true);
    let period = f.string("period", true);
    let breakdown = f.string("breakdown", false);
    let value = f.string("value", false);
    let change = f.choice("change", &["unchanged", "increase", "decrease"], false);
    let note = f.text("note", false);
    let source = f.id_ref("source", false);
    let prov = f.provenance();
    let number = value
        .as_deref()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite());
    Some(IndicatorValue {
        loc,
        indicator: indicator?,
        period: period?,
        breakdown,
        value,
        number,
        change,
        note,
        source,
        prov,
    })
}

pub const PROGRESS_STATUSES: [&str; 3] = ["done", "in-progress", "not-started"];

fn progress(f: &mut Fields<'_>) -> Option<Progress> {
    let loc = f.loc;
    let id = f.id_ref("id", true);
    let date = f.when("date", true);
    let tasks = f.refs("tasks");
    let recommendations = f.refs("recommendations");
    let status = f
        .choice("status", &PROGRESS_STATUSES, false)
        .map(|s| match s.as_str() {
            "done" => Status::Done,
            "in-progress" => Status::InProgress,
            _ => Status::NotStarted,
        });
    let text = f.text("text", true);
    let by_words: Vec<&str> = By::ALL.iter().map(|b| b.as_str()).collect();
    let by = f.choice("by", &by_words, true).and_then(|s| By::parse(&s));
    let by_name = f.text("by_name", false);
    let source = f.source("source", true);
    let also = f.sources("also");
    let grade = f.string_loc("grade", false).and_then(|(g, gloc)| {
        if crate::source::fields::is_grade(&g) {
            Some(g)
        } else {
            f.diags
                .error(Some(gloc), format!("`grade` cannot be `{g}`"))
                .width(g.chars().count())
                .hint("write the grade as the Committee prints it: A, B, C, D or E, optionally followed by +, -, 1 or 2 (e.g. B+, B2)");
            None
        }
    });
    let confidence = f
        .choice("confidence", &["verified", "reported"], false)
        .map(|c| {
            if c == "verified" {
                Confidence::Verified
            } else {
                Confidence::Reported
            }
        });
    let note = f.text("note", false);
    let prov = f.provenance();
    if tasks.is_empty() && recommendations.is_empty() {
        f.diags
            .error(
                Some(loc),
                "a progress record names no task and no recommendation",
            )
            .hint("add `tasks: [...]` and/or `recommendations: [...]`: the ids the claim is about");
        return None;
    }
    Some(Progress {
        id: id?,
        date: date?,
        tasks,
        recommendations,
        status,
        text: text?,
        by: by?,
        by_name,
        source: source?,
        also,
        grade,
        confidence,
        note,
        prov,
    })
}

/// The slug of a task ref: `A.II.1.3` → `a-ii-1-3`; Đ becomes `dd` so that
/// sections D and Đ stay distinct.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let piece: String = match c {
            'Đ' | 'đ' | 'Ð' | 'ð' => "dd".into(),
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase().to_string(),
            c if c.is_ascii() => "-".into(),
            c => deunicode::deunicode_char(c)
                .unwrap_or("-")
                .to_ascii_lowercase(),
        };
        for p in piece.chars() {
            let p = if p.is_ascii_alphanumeric() { p } else { '-' };
            if p == '-' && (out.is_empty() || out.ends_with('-')) {
                continue;
            }
            out.push(p);
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn merge(into: &mut Data, part: Data) {
    into.mechanisms.extend(part.mechanisms);
    into.documents.extend(part.documents);
    into.agencies.extend(part.agencies);
    into.themes.extend(part.themes);
    into.recommendations.extend(part.recommendations);
    into.plans.extend(part.plans);
    into.tasks.extend(part.tasks);
    into.indicators.extend(part.indicators);
    into.values.extend(part.values);
    into.progress.extend(part.progress);
    into.broken.extend(part.broken);
    into.unread.extend(part.unread);
}

fn sort(d: &mut Data) {
    d.mechanisms.sort_by(|a, b| a.id.id.cmp(&b.id.id));
    d.documents.sort_by(|a, b| a.id.id.cmp(&b.id.id));
    d.agencies.sort_by(|a, b| a.id.id.cmp(&b.id.id));
    d.themes.sort_by(|a, b| a.id.id.cmp(&b.id.id));
    d.recommendations.sort_by(|a, b| a.id.id.cmp(&b.id.id));
    d.plans.sort_by(|a, b| a.id.id.cmp(&b.id.id));
    d.tasks.sort_by(|a, b| {
        a.plan
            .id
            .cmp(&b.plan.id)
            .then_with(|| ref_key(&a.ref_).cmp(&ref_key(&b.ref_)))
            .then_with(|| a.id.id.cmp(&b.id.id))
    });
    d.indicators.sort_by(|a, b| a.id.id.cmp(&b.id.id));
    d.progress
        .sort_by(|a, b| (a.date.start, &a.id.id).cmp(&(b.date.start, &b.id.id)));
    d.values.sort_by(|a, b| {
        (
            a.indicator.id.as_str(),
            a.period.as_str(),
            a.breakdown.as_deref().unwrap_or(""),
            a.value.as_deref().unwrap_or(""),
        )
            .cmp(&(
                b.indicator.id.as_str(),
                b.period.as_str(),
                b.breakdown.as_deref().unwrap_or(""),
                b.value.as_deref().unwrap_or(""),
            ))
    });
}

/// Sort key for refs in the order a plan prints them: sections by the
/// Vietnamese alphabet (D before Đ before E), then Roman numerals and numbers by value.
pub fn ref_key(r: &str) -> Vec<(u8, u64, String)> {
    r.split('.')
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, seg)| {
            let seg = seg.trim();
            if let Ok(n) = seg.parse::<u64>() {
                return (1, n, String::new());
            }
            if i > 0
                && let Some(n) = roman(seg)
            {
                return (1, n, String::new());
            }
            // Đ sorts right after D.
            let key: String = seg
                .chars()
                .map(|c| match c {
                    'Đ' | 'đ' => "D\u{1}".to_string(),
                    c => c.to_uppercase().to_string(),
                })
                .collect();
            (2, 0, key)
        })
        .collect()
}

fn roman(s: &str) -> Option<u64> {
    if s.is_empty() || !s.chars().all(|c| "IVXLCDM".contains(c)) {
        return None;
    }
    let val = |c| match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        'L' => 50,
        'C' => 100,
        'D' => 500,
        _ => 1000,
    };
    let chars: Vec<u64> = s.chars().map(val).collect();
    let mut total = 0u64;
    for (i, v) in chars.iter().enumerate() {
        if chars.get(i + 1).is_some_and(|n| n > v) {
            total = total.wrapping_sub(*v)
        } else {
            total = total.wrapping_add(*v)
        }
    }
    Some(total)
}

/// Markdown pages: `content/<slug>.<lang>.md` with YAML front matter.
fn content(
    root: &Path,
    langs: &[String],
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Vec<Page> {
    let dir = root.join("content");
    let mut pages = Vec::new();
    let Some(items) = crate::source::walk::Site::new(root).list(&dir, diags) else {
        return pages;
    };
    for item in items {
        let (name, path, shown) = (item.name, item.path, item.shown);
        if item.is_dir {
            diags
                .warning(
                    None,
                    format!(
                        "ignoring {}/: content pages are not read from folders inside content/",
                        shown.display()
                    ),
                )
                .hint("put the page in content/ itself: content/<slug>.<lang>.md");
            continue;
        }
        let Some(stem) = name.strip_suffix(".md") else {
            diags.warning(
                None,
                format!("ignoring {}: content pages end in .md", shown.display()),
            );
            continue;
        };
        let file = sources.add(shown.clone(), String::new());
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                diags.error(None, format!("cannot read {}: {e}", shown.display()));
                continue;
            }
        };
        let Some(text) = utf8(bytes, file, diags) else {
            continue;
        };
        *sources.text_mut(file) = text.clone();
        let top = Loc {
            file,
            line: 1,
            col: 1,
        };
        let Some((slug, lang)) = stem.rsplit_once('.') else {
            diags
                .error(Some(top), format!("content page `{name}` has no language"))
                .hint(format!(
                    "name it <slug>.<lang>.md, e.g. {stem}.{}.md",
                    langs.first().map(String::as_str).unwrap_or("en")
                ));
            continue;
        };
        if !langs.iter().any(|l| l == lang) {
            diags
                .error(
                    Some(top),
                    format!("`{lang}` in `{name}` is not a language of this site"),
                )
                .hint(format!("the site's languages are: {}", langs.join(", ")));
            continue;
        }
        if let Err(why) = crate::model::check_id(slug) {
            diags
                .error(Some(top), format!("page slug `{slug}` {why}"))
                .hint("slugs are lowercase ASCII letters, digits and single hyphens");
            continue;
        }
        if RESERVED_SLUGS.contains(&slug) {
            diags
                .error(
                    Some(top),
                    format!("content page `{name}` would replace the site's `{slug}/` section"),
                )
                .hint(format!(
                    "rename it, e.g. content/about-{slug}.{lang}.md; reserved names: {}",
                    RESERVED_SLUGS.join(", ")
                ));
            continue;
        }
        let text = text.replace("\r\n", "\n");
        let (front, body, body_line) = match split_front_matter(&text) {
            Some(x) => x,
            None => {
                diags
                    .error(Some(top), "content page has no front matter")
                    .hint("start the file with\n---\ntitle: ...\n---");
                continue;
            }
        };
        crate::source::raw::forbid_controls_in_text(body, file, body_line as u32, diags);
        // Parsed on its own, so its places (and those of its problems) are
        // one line down: the front matter starts on line 2 of the file.
        let mut front_diags = Diagnostics::default();
        let node = parse_yaml(front, file, &mut front_diags).map(|n| shift_lines(n, 1));
        front_diags.shift_lines(1);
        diags.extend(front_diags);
        let Some(node) = node else {
            continue;
        };
        let no_langs: Vec<String> = Vec::new();
        let Some(mut f) = Fields::new(&node, "front matter", &no_langs, diags) else {
            continue;
        };
        let title = f.string("title", true);
        let description = f.string("description", false);
        let weight = f
            .string_loc("weight", false)
            .and_then(|(w, loc)| match w.parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    f.diags.error(
                        Some(loc),
                        format!("`weight` should be a whole number, found `{w}`"),
                    );
                    None
                }
            });
        f.finish();
        let Some(title) = title else { continue };
        pages.push(Page {
            slug: slug.to_string(),
            lang: lang.to_string(),
            title,
            description,
            weight: weight.unwrap_or(0),
            body: body.to_string(),
            loc: top,
        });
    }
    pages.sort_by(|a, b| (a.weight, &a.slug, &a.lang).cmp(&(b.weight, &b.slug, &b.lang)));
    pages
}

/// Front matter between a first line `---` and the next `---` line.
fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---")?;
    let front = &rest[..end + 1];
    let after = &rest[end + 4..];
    let body = after.strip_prefix('\n').unwrap_or(after);
    let body_line = front.lines().count() + 3;
    Some((front, body, body_line))
}

/// Front matter starts on line 2 of the file.
fn shift_lines(mut n: Node, by: u32) -> Node {
    n.loc.line += by;
    n.kind = match n.kind {
        Kind::Seq(items) => Kind::Seq(items.into_iter().map(|i| shift_lines(i, by)).collect()),
        Kind::Map(m) => Kind::Map(
            m.into_iter()
                .map(|(mut k, v)| {
                    k.loc.line += by;
                    (k, shift_lines(v, by))
                })
                .collect(),
        ),
        k => k,
    };
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_whose_items_do_not_parse_alone_is_charged_once() {
        // The second item's alias needs the first item's anchor: alone it
        // does not parse, and the file is parsed whole instead.
        let text = "- &a\n  id: x\n  name: X\n- *a\n";
        assert_eq!(items::cut(text).map(|p| p.len()), Some(2));
        let budget = crate::source::raw::YamlBudget::new(1 << 30);
        let read = ItemRead {
            collection: Collection::Themes,
            file: 0,
            langs: &["en".to_string()],
            budget: &budget,
        };
        assert!(read.file(text, &[]).is_none());
        assert_eq!(budget.used(), 0, "what the pieces charged is given back");
        // A file that is read item by item stays charged.
        let fine = "- id: x\n  name: X\n- id: y\n  name: Y\n";
        let items = read.file(fine, &[]).unwrap();
        let charged: usize = items.iter().map(|i| i.charged).sum();
        assert!(charged > 0);
        assert_eq!(budget.used(), charged);
    }

    #[test]
    fn slugs_keep_dd_distinct() {
        assert_eq!(slug("A.II.1.3"), "a-ii-1-3");
        assert_eq!(slug("Đ.I"), "dd-i");
        assert_eq!(slug("D.I"), "d-i");
        assert_eq!(slug("1.3"), "1-3");
    }

    #[test]
    fn refs_sort_in_print_order() {
        let mut refs = vec![
            "E", "Đ.I", "D.II", "D.X", "D.IX", "A.II.10", "A.II.2", "A", "D",
        ];
        refs.sort_by_key(|r| ref_key(r));
        assert_eq!(
            refs,
            vec![
                "A", "A.II.2", "A.II.10", "D", "D.II", "D.IX", "D.X", "Đ.I", "E"
            ]
        );
    }

    /// Everything a load gives, as text: the records and the problems.
    fn loaded(root: &Path, cache: Option<&Mutex<ParseCache>>) -> String {
        let (mut sources, mut diags) = (Sources::default(), Diagnostics::default());
        let site = site_cached(root, &mut sources, &mut diags, cache).expect("loads");
        format!("{:?}\n{:?}", site.data, diags.sorted(&sources))
    }

    /// A copy of the rich fixture to edit.
    fn rich_copy() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rich");
        for e in walkdir::WalkDir::new(&from) {
            let e = e.unwrap();
            let dest = tmp.path().join(e.path().strip_prefix(&from).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(e.path(), &dest).unwrap();
            }
        }
        tmp
    }

    #[test]
    fn a_cached_load_is_a_fresh_load() {
        let tmp = rich_copy();
        let root = tmp.path();
        let cache = Mutex::new(ParseCache::default());
        let fresh = loaded(root, None);
        assert_eq!(loaded(root, Some(&cache)), fresh);
        assert_eq!(loaded(root, Some(&cache)), fresh, "all from the cache");

        // An edited file is parsed again; a file with a problem keeps it.
        let themes = root.join("data/themes.yaml");
        let text = std::fs::read_to_string(&themes).unwrap();
        std::fs::write(
            &themes,
            text.replacen("Freedom of expression", "Free speech", 1),
        )
        .unwrap();
        std::fs::write(root.join("data/plans.yaml"), "- id: [broken\n").unwrap();
        let fresh = loaded(root, None);
        assert!(fresh.contains("Free speech") && fresh.contains("severity: Error"));
        assert_eq!(loaded(root, Some(&cache)), fresh);
        assert_eq!(loaded(root, Some(&cache)), fresh);

        // A removed file's records go; one added before it shifts the
        // places of the files after it, which are parsed again.
        std::fs::remove_file(&themes).unwrap();
        std::fs::write(
            root.join("data/documents.csv"),
            std::fs::read(root.join("data/documents.csv")).unwrap(),
        )
        .unwrap();
        std::fs::write(
            root.join("data/agencies/aaa.yaml"),
            "- id: aaa\n  name: Aaa\n",
        )
        .unwrap();
        let fresh = loaded(root, None);
        assert!(!fresh.contains("Free speech"));
        assert_eq!(loaded(root, Some(&cache)), fresh);

        // An item edited, one added mid-file (shifting the lines of the
        // items after it) and one given a problem: item by item, as fresh.
        let file = root.join("data/tasks/plan-a.yaml");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(items::cut(&text).is_some(), "{} is cut", file.display());
        let second = text.match_indices("\n- ").nth(1).unwrap().0 + 1;
        for edited in [
            text.replacen("en: ", "en: Edited ", 1),
            format!(
                "{}- id: added-mid-file\n  plan: [\n{}",
                &text[..second],
                &text[second..]
            ),
            format!(
                "{}- id: added-mid-file\n  plan: plan-a\n{}",
                &text[..second],
                &text[second..]
            ),
            text.clone(),
        ] {
            std::fs::write(&file, &edited).unwrap();
            let fresh = loaded(root, None);
            assert_eq!(loaded(root, Some(&cache)), fresh);
            assert_eq!(loaded(root, Some(&cache)), fresh, "all from the cache");
        }

        // The cache is used: what it holds is what a load gives.
        let n = cache.lock().unwrap().files.len();
        assert!(n > 3, "{n} files cached");
        let by_items = cache
            .lock()
            .unwrap()
            .files
            .values()
            .filter(|p| matches!(p.body, Body::Items(_)))
            .count();
        assert!(by_items > 1, "{by_items} files read item by item");
        for p in cache.lock().unwrap().files.values_mut() {
            match &mut p.body {
                Body::Whole { data, .. } => **data = Data::default(),
                Body::Items(items) => items.iter_mut().for_each(|i| i.data = Data::default()),
            }
        }
        assert!(!loaded(root, Some(&cache)).contains("aaa"));
        // An edit to one item parses that item only: the others come from
        // the cache (emptied above).
        std::fs::write(&file, text.replacen("Improving the law", "Better laws", 1)).unwrap();
        let partly = loaded(root, Some(&cache));
        assert!(partly.contains("Better laws") && !partly.contains("Amend the Penal Code"));
    }

    /// The records are read for the site's languages: after a change of
    /// languages nothing kept from before is reused.
    #[test]
    fn a_cached_load_after_a_change_of_languages_is_a_fresh_load() {
        let tmp = rich_copy();
        let root = tmp.path();
        let cache = Mutex::new(ParseCache::default());
        let before = loaded(root, Some(&cache));
        let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
        std::fs::write(
            root.join("site.yaml"),
            yaml.replacen("languages: [vi, en]", "languages: [en]", 1),
        )
        .unwrap();
        let fresh = loaded(root, None);
        assert_ne!(fresh, before, "the languages change what is read");
        assert_eq!(loaded(root, Some(&cache)), fresh);
        assert_eq!(loaded(root, Some(&cache)), fresh, "all from the cache");
    }

    #[test]
    fn a_cached_load_of_every_site_here_is_a_fresh_load() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sites: Vec<_> = std::fs::read_dir(repo.join("tests/fixtures/invalid"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        sites.sort();
        // The shipped site: comments before and between its records.
        sites.push(repo.to_path_buf());
        for root in sites {
            let (mut sources, mut diags) = (Sources::default(), Diagnostics::default());
            if site(&root, &mut sources, &mut diags).is_none() {
                continue;
            }
            let cache = Mutex::new(ParseCache::default());
            let fresh = loaded(&root, None);
            assert_eq!(loaded(&root, Some(&cache)), fresh, "{}", root.display());
            assert_eq!(loaded(&root, Some(&cache)), fresh, "{}", root.display());
        }
    }
}
