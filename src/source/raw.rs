//! A located tree of what a data file says, before it is typed.
//!
//! YAML and CSV both become [`Node`]s, so that one converter turns either into
//! records and a YAML file and a CSV file with the same content give the same
//! records. Every node remembers its line and column for error reports.

use crate::diag::{Diagnostics, Loc, forbidden};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    /// Every scalar is kept as its text; typing happens in the converter.
    /// `csv` scalars are cells, whose list items are `;`-separated.
    Scalar {
        text: String,
        csv: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub loc: Loc,
}

impl Node {
    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Null => "nothing",
            Kind::Scalar { .. } => "a single value",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a map",
        }
    }
}

/// Text in is normalised to NFC, so that the same word typed on two keyboards is one word.
pub fn nfc(s: &str) -> String {
    if unicode_normalization::is_nfc(s) {
        s.to_string()
    } else {
        s.nfc().collect()
    }
}

/// The name a reader can search for, e.g. `U+001B (escape)`.
pub fn char_name(c: char) -> String {
    let name = match c {
        '\0' => " (null)",
        '\u{7}' => " (bell)",
        '\u{8}' => " (backspace)",
        '\r' => " (carriage return)",
        '\u{1b}' => " (escape)",
        '\u{7f}' => " (delete)",
        '\u{2028}' => " (line separator)",
        '\u{2029}' => " (paragraph separator)",
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => " (a bidirectional override)",
        _ => " (a control character)",
    };
    format!("U+{:04X}{name}", c as u32)
}

const FORBIDDEN_HINT: &str = "delete it: it is invisible in most editors, and control characters or bidirectional overrides can hide or reorder text in pages, downloads and terminals (an escaped \"\\e\" or \"\\u202E\" in YAML counts too)";

/// Reports every scalar or key of a parsed file that holds a [`forbidden`]
/// character, at its place (a CSV cell: its row).
pub fn forbid_controls(node: &Node, diags: &mut Diagnostics) {
    let mut report = |text: &str, loc: Loc| {
        if let Some(c) = text.chars().find(|&c| forbidden(c)) {
            diags
                .error(
                    Some(loc),
                    format!("this value holds the character {}", char_name(c)),
                )
                .hint(FORBIDDEN_HINT);
        }
    };
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.kind {
            Kind::Null => {}
            Kind::Scalar { text, .. } => report(text, n.loc),
            Kind::Seq(items) => stack.extend(items),
            Kind::Map(entries) => {
                for (k, v) in entries {
                    report(&k.name, k.loc);
                    stack.push(v);
                }
            }
        }
    }
}

/// Reports each line of `text` (whose first line is `first_line` of the
/// file) that holds a [`forbidden`] character, at its column: for text that
/// is not parsed into nodes (a content page's Markdown).
pub fn forbid_controls_in_text(text: &str, file: u32, first_line: u32, diags: &mut Diagnostics) {
    for (i, line) in text.split('\n').enumerate() {
        if let Some((col, c)) = line.chars().enumerate().find(|(_, c)| forbidden(*c)) {
            diags
                .error(
                    Some(Loc {
                        file,
                        line: first_line + i as u32,
                        col: col as u32 + 1,
                    }),
                    format!("this text holds the character {}", char_name(c)),
                )
                .hint(FORBIDDEN_HINT);
        }
    }
}

// ---- YAML ----------------------------------------------------------------

/// How much text all YAML files of one load may expand to, together: an
/// alias (`*a`) copies what its anchor holds, so a 94 KB file of nested
/// aliases reached 4.5 GB, and files parse in parallel, so a limit per file
/// did not bound the whole. Every scalar charges its bytes and every node a
/// fixed share for its own memory. This is the floor; a load whose YAML is
/// large gets [`YAML_BUDGET_PER_BYTE`] times its size (see
/// [`YamlBudget::for_sources`]).
pub const YAML_BUDGET_BYTES: usize = 256 * 1024 * 1024;

/// Budget per byte of YAML read. Honest YAML charges at most about 25 times
/// its size (a flow list of one-letter items: 2 bytes of text, a 49-byte
/// charge), so no honest site hits the limit, while aliases, which multiply
/// a small file, still stop early: the 100,000-record benchmark site (74 MB
/// of YAML) charged more than the 256 MB floor and was refused.
pub const YAML_BUDGET_PER_BYTE: usize = 32;

/// What one node costs besides its text: about the size of a parsed node.
const NODE_CHARGE: usize = 48;

/// The budget shared by every file of one load (see [`YAML_BUDGET_BYTES`]).
#[derive(Debug)]
pub struct YamlBudget {
    used: std::sync::atomic::AtomicUsize,
    limit: usize,
}

impl YamlBudget {
    /// The budget for a load whose YAML files hold `source_bytes` together.
    pub fn for_sources(source_bytes: u64) -> std::sync::Arc<Self> {
        let scaled = usize::try_from(source_bytes)
            .unwrap_or(usize::MAX)
            .saturating_mul(YAML_BUDGET_PER_BYTE);
        Self::new(scaled.max(YAML_BUDGET_BYTES))
    }

    pub fn new(limit: usize) -> std::sync::Arc<Self> {
        std::sync::Arc::new(YamlBudget {
            used: std::sync::atomic::AtomicUsize::new(0),
            limit,
        })
    }

    /// Charges what a file parsed earlier charged (`lotrinh serve` reuses
    /// it): false, charging nothing, when it no longer fits, so the file is
    /// parsed again and the error said as a full load says it.
    pub fn recharge(&self, bytes: usize) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let before = self.used.fetch_add(bytes, Relaxed);
        if before.saturating_add(bytes) > self.limit {
            self.used.fetch_sub(bytes, Relaxed);
            return false;
        }
        true
    }

    /// Gives back what was charged for a parse whose result is thrown away
    /// (a file read item by item whose pieces did not all parse alone, and
    /// which is parsed whole instead), so no text is charged twice.
    pub fn refund(&self, bytes: usize) {
        use std::sync::atomic::Ordering::Relaxed;
        let _ = self
            .used
            .fetch_update(Relaxed, Relaxed, |u| Some(u.saturating_sub(bytes)));
    }

    /// What this load has charged so far.
    #[cfg(test)]
    pub(crate) fn used(&self) -> usize {
        self.used.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Default for YamlBudget {
    fn default() -> Self {
        YamlBudget {
            used: std::sync::atomic::AtomicUsize::new(0),
            limit: YAML_BUDGET_BYTES,
        }
    }
}

/// The file being parsed on this thread: its share of the budget, and what
/// it has charged so far. Deserialisation has no room for state of its own,
/// and one file is parsed on one thread from start to end.
struct Charging {
    budget: std::sync::Arc<YamlBudget>,
    mine: usize,
    exceeded: bool,
}

thread_local! {
    static CHARGING: std::cell::RefCell<Option<Charging>> = const { std::cell::RefCell::new(None) };
}

/// Charges `bytes` to the current file; an error once the budget is spent.
fn charge<E: de::Error>(bytes: usize) -> Result<(), E> {
    CHARGING.with(|c| {
        let mut c = c.borrow_mut();
        let Some(c) = c.as_mut() else { return Ok(()) };
        let cost = bytes.saturating_add(NODE_CHARGE);
        c.mine = c.mine.saturating_add(cost);
        let before = c
            .budget
            .used
            .fetch_add(cost, std::sync::atomic::Ordering::Relaxed);
        if before.saturating_add(cost) > c.budget.limit {
            c.exceeded = true;
            Err(E::custom("the YAML budget is spent"))
        } else {
            Ok(())
        }
    })
}

fn megabytes(bytes: usize) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if mb < 10.0 {
        format!("{mb:.1} MB")
    } else {
        format!("{mb:.0} MB")
    }
}

/// Deserialisation target carrying spans for every child.
enum YNode {
    Null,
    Scalar(String),
    /// A plain scalar the YAML schema read as a boolean or a number
    /// (`38.110`, `NO`, `0x1A`): its value is rebuilt from the source text,
    /// since the typed value has lost how it was written.
    Typed(String),
    Seq(Vec<Spanned<YNode>>),
    Map(Vec<(Spanned<String>, Spanned<YNode>)>),
}

impl<'de> Deserialize<'de> for YNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = YNode;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<YNode, E> {
                charge::<E>(0)?;
                Ok(YNode::Typed(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<YNode, E> {
                charge::<E>(0)?;
                Ok(YNode::Typed(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<YNode, E> {
                charge::<E>(0)?;
                Ok(YNode::Typed(v.to_string()))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<YNode, E> {
                charge::<E>(0)?;
                Ok(YNode::Typed(v.to_string()))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<YNode, E> {
                charge::<E>(0)?;
                Ok(YNode::Typed(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<YNode, E> {
                charge::<E>(0)?;
                Ok(YNode::Typed(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<YNode, E> {
                charge::<E>(v.len())?;
                Ok(YNode::Scalar(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<YNode, E> {
                charge::<E>(v.len())?;
                Ok(YNode::Scalar(v))
            }
            fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<YNode, E> {
                Err(E::custom("binary values are not supported"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<YNode, E> {
                charge::<E>(0)?;
                Ok(YNode::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<YNode, E> {
                charge::<E>(0)?;
                Ok(YNode::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<YNode, D::Error> {
                YNode::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<YNode, A::Error> {
                charge::<A::Error>(0)?;
                let mut v = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<YNode>>()? {
                    v.push(item);
                }
                Ok(YNode::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<YNode, A::Error> {
                charge::<A::Error>(0)?;
                let mut v = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    charge::<A::Error>(k.value.len())?;
                    let val = map.next_value::<Spanned<YNode>>()?;
                    v.push((k, val));
                }
                Ok(YNode::Map(v))
            }
        }
        d.deserialize_any(V)
    }
}

fn loc_of<T>(s: &Spanned<T>, file: u32) -> Loc {
    Loc {
        file,
        line: s.referenced.line() as u32,
        col: s.referenced.column() as u32,
    }
}

/// The source text of a scalar, where it was defined (an alias's value is
/// its anchor's).
fn source_of<'t, T>(s: &Spanned<T>, text: &'t str) -> Option<&'t str> {
    let span = s.defined.span();
    let from = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    text.get(from..from.checked_add(len)?)
}

fn convert(s: Spanned<YNode>, file: u32, text: &str) -> Node {
    let loc = loc_of(&s, file);
    let source = source_of(&s, text);
    let kind = match s.value {
        YNode::Null => Kind::Null,
        YNode::Scalar(t) => Kind::Scalar {
            text: nfc(&t),
            csv: false,
        },
        // Kept as written, so `paragraph: 38.110` stays "38.110", `NO`
        // (Norway) stays "NO" and a YAML file gives the same records as the
        // same data in CSV; fields that want a number or a boolean type the
        // text themselves.
        YNode::Typed(t) => Kind::Scalar {
            text: nfc(source
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .unwrap_or(&t)),
            csv: false,
        },
        YNode::Seq(items) => Kind::Seq(items.into_iter().map(|i| convert(i, file, text)).collect()),
        YNode::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let kl = loc_of(&k, file);
                    (
                        Key {
                            name: nfc(&k.value),
                            loc: kl,
                        },
                        convert(v, file, text),
                    )
                })
                .collect(),
        ),
    };
    Node { kind, loc }
}

/// Parses one YAML document. A syntax error (or a duplicate key) is reported
/// with its place and gives `None`.
pub fn parse_yaml(text: &str, file: u32, diags: &mut Diagnostics) -> Option<Node> {
    parse_yaml_within(text, file, &YamlBudget::new(YAML_BUDGET_BYTES), diags)
}

/// [`parse_yaml`], charging what the file expands to (aliases included) to
/// `budget`, which other files may share.
pub fn parse_yaml_within(
    text: &str,
    file: u32,
    budget: &std::sync::Arc<YamlBudget>,
    diags: &mut Diagnostics,
) -> Option<Node> {
    parse_yaml_charged(text, file, budget, diags).0
}

/// [`parse_yaml_within`], also giving what the file charged to `budget`.
pub fn parse_yaml_charged(
    text: &str,
    file: u32,
    budget: &std::sync::Arc<YamlBudget>,
    diags: &mut Diagnostics,
) -> (Option<Node>, usize) {
    CHARGING.with(|c| {
        *c.borrow_mut() = Some(Charging {
            budget: budget.clone(),
            mine: 0,
            exceeded: false,
        })
    });
    let parsed = parse_charged(text, file, diags);
    let charged = CHARGING.with(|c| c.borrow_mut().take());
    let mine = charged.as_ref().map(|c| c.mine).unwrap_or_default();
    let node = match (parsed, charged) {
        (Err(loc), Some(c)) if c.exceeded => {
            diags
                .error(
                    loc.or(Some(Loc { file, line: 1, col: 1 })),
                    format!(
                        "reading stopped here: the YAML files expand to more than {} together (this file to {} from {} as written)",
                        megabytes(c.budget.limit),
                        megabytes(c.mine),
                        megabytes(text.len())
                    ),
                )
                .hint("an alias (`*name`) copies all that its anchor holds, so aliases of aliases multiply; write the values out, or split very large data into CSV files");
            None
        }
        (Ok(node), _) => Some(node),
        (Err(_), _) => None,
    };
    (node, mine)
}

/// The parse itself: the node, or the place of the error it reported (a
/// spent budget is reported by the caller instead).
fn parse_charged(text: &str, file: u32, diags: &mut Diagnostics) -> Result<Node, Option<Loc>> {
    let budget = serde_saphyr::budget! {
        max_events: 200_000_000,
        max_nodes: 100_000_000,
        max_total_scalar_bytes: 4 * 1024 * 1024 * 1024,
        max_reader_input_bytes: None,
        // Records nest four levels deep at most; a deeper limit lets hostile
        // nesting overflow a 2 MB thread stack in a debug build.
        max_depth: 24,
    };
    // `.inf` and `.nan` reach the visitor like any number, so they are kept
    // as written and refused where a number is wanted, not as a syntax error
    // that hides the file's other problems.
    let options = serde_saphyr::options! {
        budget: budget,
        with_snippet: false,
        non_finite_float_policy: serde_saphyr::options::NonFiniteFloatPolicy::PassThrough,
    };
    match serde_saphyr::from_str_with_options::<Spanned<YNode>>(text, options) {
        Ok(root) => {
            let node = convert(root, file, text);
            forbid_controls(&node, diags);
            Ok(node)
        }
        Err(e) => {
            let loc = e.location().map(|l| Loc {
                file,
                line: l.line() as u32,
                col: l.column() as u32,
            });
            if CHARGING.with(|c| c.borrow().as_ref().is_some_and(|c| c.exceeded)) {
                return Err(loc);
            }
            let msg = first_line(&e.to_string());
            diags.error(loc.or(Some(Loc { file, line: 1, col: 1 })), format!("YAML syntax: {msg}")).hint(
                "check the indentation and quote values that contain `: `, `#` or start with a special character",
            );
            Err(loc)
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}

// ---- CSV -----------------------------------------------------------------

/// Parses a CSV file into a list of map nodes, one per row, keyed by header.
/// Empty cells are left out: in CSV an empty cell means the field is absent.
pub fn parse_csv(text: &str, file: u32, diags: &mut Diagnostics) -> Option<Node> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        diags
            .error(
                Some(Loc {
                    file,
                    line: 1,
                    col: 1,
                }),
                "empty CSV file",
            )
            .hint("a CSV needs at least a header row");
        return None;
    }
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.error(
                Some(Loc {
                    file,
                    line: 1,
                    col: 1,
                }),
                format!("CSV header: {e}"),
            );
            return None;
        }
    };
    let mut header_keys = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut col = 1u32;
    for h in headers.iter() {
        let name = nfc(h.trim());
        if !seen.insert(name.clone()) {
            diags
                .error(
                    Some(Loc { file, line: 1, col }),
                    format!("duplicate column `{name}`"),
                )
                .width(h.chars().count());
        }
        header_keys.push((name, col));
        col += h.chars().count() as u32 + 1;
    }
    let lines = LineIndex::new(text);
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| lines.line_at(p.byte())).unwrap_or(1);
                let msg = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => {
                        format!("this row has {len} cells but the header has {expected_len}")
                    }
                    _ => format!("CSV: {e}"),
                };
                diags
                    .error(Some(Loc { file, line, col: 1 }), msg)
                    .hint("quote cells that contain commas with \"...\"");
                continue;
            }
        };
        let line = rec.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
        let row_loc = Loc { file, line, col: 1 };
        let mut entries = Vec::new();
        for (i, cell) in rec.iter().enumerate() {
            let Some((name, hcol)) = header_keys.get(i) else {
                continue;
            };
            if name.is_empty() && cell.trim().is_empty() {
                continue;
            }
            if cell.trim().is_empty() {
                continue;
            }
            // Cell columns are hard to know after quoting; point at the row and name the column.
            let loc = Loc { file, line, col: 1 };
            entries.push((
                Key {
                    name: name.clone(),
                    loc: Loc {
                        file,
                        line: 1,
                        col: *hcol,
                    },
                },
                Node {
                    kind: Kind::Scalar {
                        text: nfc(&cell.trim().replace("\r\n", "\n")),
                        csv: true,
                    },
                    loc,
                },
            ));
        }
        rows.push(Node {
            kind: Kind::Map(entries),
            loc: row_loc,
        });
    }
    let node = Node {
        kind: Kind::Seq(rows),
        loc: Loc {
            file,
            line: 1,
            col: 1,
        },
    };
    forbid_controls(&node, diags);
    Some(node)
}

/// The 1-based line of a byte offset. The csv crate's own line counter
/// differs between LF and CRLF files, so lines are counted from the bytes.
/// Where each line starts, found once per file, so that locating a row is a
/// binary search rather than a count from the top (which made large CSV
/// files quadratic).
struct LineIndex<'a> {
    text: &'a [u8],
    newlines: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let text = text.as_bytes();
        let newlines = text
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        LineIndex { text, newlines }
    }

    fn line_at(&self, byte: u64) -> u32 {
        let mut end = (byte as usize).min(self.text.len());
        // After a CRLF the crate places the next record on the `\n`.
        if self.text.get(end) == Some(&b'\n') {
            end += 1;
        }
        // Newlines before `end`, plus one.
        self.newlines.partition_point(|&i| i < end) as u32 + 1
    }
}

/// Checks bytes are UTF-8, reporting the line of the first bad byte.
pub fn utf8(bytes: Vec<u8>, file: u32, diags: &mut Diagnostics) -> Option<String> {
    match String::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let col = bytes[..at]
                .iter()
                .rev()
                .take_while(|b| **b != b'\n')
                .count() as u32
                + 1;
            diags.error(Some(Loc { file, line, col }), "text is not valid UTF-8").hint(
                "save the file as UTF-8 (in a spreadsheet: \"CSV UTF-8\"; in an editor: encoding UTF-8)",
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_counting_newlines() {
        let text = "id,name\na,\"x\r\ny\"\r\nb,z\n\nc,w";
        let lines = LineIndex::new(text);
        for byte in 0..=text.len() as u64 + 2 {
            let mut end = (byte as usize).min(text.len());
            if text.as_bytes().get(end) == Some(&b'\n') {
                end += 1;
            }
            let counted = text.as_bytes()[..end]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u32
                + 1;
            assert_eq!(lines.line_at(byte), counted, "byte {byte}");
        }
    }

    #[test]
    fn yaml_keeps_places_and_text() {
        let mut d = Diagnostics::default();
        let n = parse_yaml("- id: moj\n  year: 2020\n  ok: true\n", 0, &mut d).unwrap();
        let Kind::Seq(items) = n.kind else { panic!() };
        let Kind::Map(m) = &items[0].kind else {
            panic!()
        };
        assert_eq!(m[1].0.name, "year");
        assert_eq!(m[1].1.scalar(), Some("2020"));
        assert_eq!(m[1].1.loc.line, 2);
        assert_eq!(m[2].1.scalar(), Some("true"));
    }

    /// Regression (issue 16.4): the YAML schema turned these into numbers
    /// and booleans, so `38.110` became "38.11" and `NO` "false".
    #[test]
    fn yaml_scalars_keep_their_source_text() {
        let mut d = Diagnostics::default();
        let src = "- paragraph: 38.110\n  sdgs: [16.10, &a 5.10]\n  states: [NO, yes, 0x1A, 1e3, +12, 007, True]\n  again: *a\n  t: !!str 1.50\n";
        let n = parse_yaml(src, 0, &mut d).unwrap();
        let Kind::Seq(items) = n.kind else { panic!() };
        let Kind::Map(m) = &items[0].kind else {
            panic!()
        };
        let list = |n: &Node| match &n.kind {
            Kind::Seq(v) => v
                .iter()
                .map(|i| i.scalar().unwrap().to_string())
                .collect::<Vec<_>>(),
            _ => panic!(),
        };
        assert_eq!(m[0].1.scalar(), Some("38.110"));
        assert_eq!(list(&m[1].1), ["16.10", "5.10"]);
        assert_eq!(
            list(&m[2].1),
            ["NO", "yes", "0x1A", "1e3", "+12", "007", "True"]
        );
        assert_eq!(
            m[3].1.scalar(),
            Some("5.10"),
            "an alias gives its anchor's text"
        );
        assert_eq!(m[3].1.loc.line, 4, "and is reported where it is used");
        assert_eq!(m[4].1.scalar(), Some("1.50"));
    }

    /// Regression (issue 16.8): aliases of aliases multiplied a small file
    /// into gigabytes, and the limit was per file while files parse in
    /// parallel. The budget is shared, and the file and line are reported.
    #[test]
    fn aliases_stop_at_the_shared_budget() {
        let big = "x".repeat(64 * 1024);
        let bomb = format!(
            "- &a \"{big}\"\n- &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n- &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n- [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        );
        let budget = YamlBudget::new(4 * 1024 * 1024);
        let mut d = Diagnostics::default();
        assert!(parse_yaml_within(&bomb, 0, &budget, &mut d).is_none());
        let out = format!("{d:?}");
        assert_eq!(d.errors(), 1, "{out}");
        assert!(out.contains("expand to more than 4.0 MB together"), "{out}");
        assert!(
            out.contains("line: 3"),
            "stopped inside the third item: {out}"
        );
        // The same budget, now spent, refuses the next file too; a file
        // within a fresh budget reads.
        let small = "- id: a\n  name: b\n";
        let mut d = Diagnostics::default();
        assert!(parse_yaml_within(small, 1, &budget, &mut d).is_none());
        assert!(format!("{d:?}").contains("this file to"), "{d:?}");
        let mut d = Diagnostics::default();
        assert!(parse_yaml(small, 1, &mut d).is_some());
        // Two files that fit alone but not together: the second one stops.
        let half = format!("- \"{}\"\n", "y".repeat(600 * 1024));
        let budget = YamlBudget::new(1024 * 1024);
        let mut d = Diagnostics::default();
        assert!(parse_yaml_within(&half, 0, &budget, &mut d).is_some());
        assert!(parse_yaml_within(&half, 1, &budget, &mut d).is_none());
        assert_eq!(d.errors(), 1);
    }

    /// Regression: the 100,000-record synthetic site (74 MB of YAML, many
    /// small nodes) charged more than the fixed 256 MB and could not build.
    /// Honest YAML at its densest fits a budget of 32 times its size.
    #[test]
    fn dense_honest_yaml_fits_a_budget_scaled_to_its_size() {
        let dense = format!("- [{}]\n", vec!["a"; 100_000].join(","));
        let tight = YamlBudget::new(dense.len() * 8);
        let mut d = Diagnostics::default();
        assert!(parse_yaml_within(&dense, 0, &tight, &mut d).is_none());
        let scaled = YamlBudget::new(dense.len() * YAML_BUDGET_PER_BYTE);
        let mut d = Diagnostics::default();
        assert!(
            parse_yaml_within(&dense, 0, &scaled, &mut d).is_some(),
            "{d:?}"
        );
        assert_eq!(
            YamlBudget::for_sources(1024).limit,
            YAML_BUDGET_BYTES,
            "small sites get the floor"
        );
        assert_eq!(
            YamlBudget::for_sources(100 << 20).limit,
            (100 << 20) * YAML_BUDGET_PER_BYTE
        );
    }

    #[test]
    fn yaml_rejects_duplicate_keys() {
        let mut d = Diagnostics::default();
        assert!(parse_yaml("a: 1\na: 2\n", 0, &mut d).is_none());
        assert!(d.has_errors());
    }

    #[test]
    fn csv_rows_skip_empty_cells_and_bom() {
        let mut d = Diagnostics::default();
        let n = parse_csv(
            "\u{feff}id,name_vi,name_en\r\nmoj,Bộ Tư pháp,\r\n",
            0,
            &mut d,
        )
        .unwrap();
        let Kind::Seq(rows) = n.kind else { panic!() };
        let Kind::Map(m) = &rows[0].kind else {
            panic!()
        };
        assert_eq!(m.len(), 2);
        assert_eq!(rows[0].loc.line, 2);
    }

    /// Regression (issue 16.13): ESC, NUL and U+202E passed into pages,
    /// downloads and the terminal.
    #[test]
    fn control_characters_are_refused_where_they_are() {
        let mut d = Diagnostics::default();
        let src = "- id: a\n  name: \"x\\e[2Jy\"\n- id: b\n  name: \"rlo \u{202e} fdp.exe\"\n- id: c\n  \"k\\0\": fine\n- id: d\n  name: \"tab\\tand\\nbreak\"\n";
        parse_yaml(src, 0, &mut d).unwrap();
        let out = format!("{d:?}");
        assert_eq!(d.errors(), 3, "{out}");
        let mut sources = crate::diag::Sources::default();
        sources.add("t.yaml".into(), src.into());
        for (line, what) in [(2, "U+001B (escape)"), (4, "U+202E"), (6, "U+0000 (null)")] {
            assert!(
                d.sorted(&sources)
                    .iter()
                    .any(|x| x.loc.unwrap().line == line && x.message.contains(what)),
                "line {line}: {out}"
            );
        }
        let mut d = Diagnostics::default();
        parse_csv(
            "id,name\na,ok\nb,\"bell\u{7}\"\nc,\"lone\rcr\"\n",
            0,
            &mut d,
        )
        .unwrap();
        assert_eq!(d.errors(), 2, "{d:?}");
        let mut d = Diagnostics::default();
        forbid_controls_in_text("fine\nbad \u{1b}]0;title\u{7}\n", 0, 5, &mut d);
        assert_eq!(d.errors(), 1);
        assert!(format!("{d:?}").contains("line: 6, col: 5"), "{d:?}");
    }

    #[test]
    fn nfc_composes() {
        assert_eq!(nfc("Tu\u{0308}"), "Tü");
    }

    #[test]
    fn bad_utf8_reports_line() {
        let mut d = Diagnostics::default();
        assert!(utf8(b"ok\nbad \xff".to_vec(), 0, &mut d).is_none());
        assert!(d.has_errors());
    }
}
