//! A YAML data file cut into the texts of its records, so that `lotrinh
//! serve` parses again only the records an edit touched: at 10,000 records
//! in files of 1,000, parsing the whole edited file was a fifth of the time
//! from save to reload.
//!
//! The cut is made only where it cannot change what the file says: a file
//! whose every line at column 0 is a list item (`- ` or a lone `-`), a
//! comment or blank. Anything else (a document marker, a top-level map, a
//! tab) gives no cut and the file is parsed whole. A cut through a quoted or
//! block text would leave one piece unparseable, and the caller then parses
//! the whole file too, so the records are always the whole file's.

use super::raw::Node;

/// One list item's text and the 1-based line it starts on.
pub(crate) struct Piece<'t> {
    pub(crate) line: u32,
    pub(crate) text: &'t str,
}

/// The file's top-level list items, in order, when the file is a plain
/// block list of at least two items; the first takes the comments and blank
/// lines before it.
pub(crate) fn cut(text: &str) -> Option<Vec<Piece<'_>>> {
    let mut starts: Vec<(usize, u32)> = Vec::new();
    let (mut at, mut line) = (0usize, 1u32);
    for l in text.split_inclusive('\n') {
        let body = l.trim_end_matches(['\n', '\r']);
        match body.as_bytes().first() {
            None | Some(b'#') => {}
            Some(b' ') => {
                // Indented lines belong to the item above; before the
                // first item only blanks and comments may stand.
                let content = body.trim_start_matches(' ');
                if starts.is_empty() && !(content.is_empty() || content.starts_with('#')) {
                    return None;
                }
            }
            Some(b'-') if body.len() == 1 || body[1..].starts_with(' ') => {
                starts.push((at, line));
            }
            _ => return None,
        }
        at += l.len();
        line = line.checked_add(1)?;
    }
    if starts.len() < 2 {
        return None;
    }
    let ends = starts.iter().skip(1).map(|&(b, _)| b).chain([text.len()]);
    Some(
        starts
            .iter()
            .zip(ends)
            .enumerate()
            .map(|(i, (&(from, line), to))| {
                // The first item keeps what stood before it, at line 1.
                let (from, line) = if i == 0 { (0, 1) } else { (from, line) };
                Piece {
                    line,
                    text: &text[from..to],
                }
            })
            .collect(),
    )
}

/// Moves every place in `node` down by `by` lines: an item parsed on its
/// own counts its lines from 1.
pub(crate) fn shift(node: &mut Node, by: u32) {
    node.loc.line += by;
    match &mut node.kind {
        super::raw::Kind::Seq(items) => items.iter_mut().for_each(|n| shift(n, by)),
        super::raw::Kind::Map(entries) => {
            for (k, v) in entries {
                k.loc.line += by;
                shift(v, by);
            }
        }
        super::raw::Kind::Null | super::raw::Kind::Scalar { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::source::raw::parse_yaml;

    fn lines(text: &str) -> Option<Vec<(u32, &str)>> {
        cut(text).map(|v| v.into_iter().map(|i| (i.line, i.text)).collect())
    }

    #[test]
    fn cuts_a_plain_list_at_its_items() {
        let text = "# records\n\n- id: a\n  text: |\n    - not an item\n-\n  id: b\r\n- id: c\n";
        assert_eq!(
            lines(text).unwrap(),
            vec![
                (1, "# records\n\n- id: a\n  text: |\n    - not an item\n"),
                (6, "-\n  id: b\r\n"),
                (8, "- id: c\n"),
            ]
        );
        // The pieces are the whole text.
        let joined: String = cut(text).unwrap().iter().map(|i| i.text).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn does_not_cut_what_it_cannot_be_sure_of() {
        for text in [
            "- id: a\n",                            // one item: nothing to gain
            "---\n- id: a\n- id: b\n",              // a document marker
            "items:\n- id: a\n- id: b\n",           // a top-level map
            "- id: a\n\t- id: b\n- id: c\n",        // a tab
            "- id: a\n-- id: b\n- id: c\n",         // not an item
            "  x: 1\n- id: a\n- id: b\n",           // text before the first item
            "- id: a\n  t: \"x\nrest\"\n- id: b\n", // text at column 0 inside a quote
            "",
        ] {
            assert!(cut(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn an_item_parsed_alone_keeps_its_places_once_shifted() {
        let text = "# c\n- id: a\n  x: 1\n- id: b\n  y:\n    - 2\n";
        let mut d = Diagnostics::default();
        let whole = parse_yaml(text, 0, &mut d).unwrap();
        let crate::source::raw::Kind::Seq(whole) = whole.kind else {
            panic!("a list")
        };
        for (i, item) in cut(text).unwrap().iter().enumerate() {
            let mut one = parse_yaml(item.text, 0, &mut d).unwrap();
            shift(&mut one, item.line - 1);
            let crate::source::raw::Kind::Seq(mut one) = one.kind else {
                panic!("a list")
            };
            assert_eq!(one.pop().unwrap(), whole[i]);
        }
        assert!(d.is_empty());
    }
}
