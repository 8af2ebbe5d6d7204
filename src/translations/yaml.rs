//! Adding a translation to a text map of the moderators' YAML (`title:`,
//! `text:`) by inserting one line, or one entry in a `{…}` map, so that
//! their comments, order and formatting stay as they wrote them.

use std::fs;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::lang::Lang;

/// Where a YAML mapping is in a file's lines: its first line (0-based; a
/// list item `- id: 2` or the first line of the YAML) and the column of its
/// keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mapping {
    pub start: usize,
    pub column: usize,
}

/// The column where a line's key starts: after its indentation and a list
/// item's `- `; `None` for a blank line or a comment.
fn key_column(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let mut col = line.len() - trimmed.len();
    let mut rest = trimmed;
    while let Some(after) = rest.strip_prefix('-').filter(|a| a.starts_with(' ')) {
        let inner = after.trim_start();
        col += rest.len() - inner.len();
        rest = inner;
    }
    Some(col)
}

/// The mapping that starts on line `start` (a list item or a plain line).
pub(super) fn mapping_at(lines: &[String], start: usize) -> Option<Mapping> {
    Some(Mapping {
        start,
        column: key_column(lines.get(start)?)?,
    })
}

/// The list item `- id: <id>` of a mapping that holds `inner` (a line below
/// it with keys further right), searching upwards from `inner`.
pub(super) fn item_with_id(lines: &[String], inner: usize, id: u32) -> Option<Mapping> {
    let inner_col = key_column(lines.get(inner)?)?;
    (0..inner).rev().find_map(|i| {
        let line = &lines[i];
        let col = key_column(line)?;
        let is_item = line.trim_start().starts_with("- ");
        let value = line[col..].strip_prefix("id:")?.trim();
        (is_item && col < inner_col && value.trim_matches('"').trim_matches('\'') == id.to_string())
            .then_some(Mapping {
                start: i,
                column: col,
            })
    })
}

/// `value` as a YAML double-quoted string.
fn quoted(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `value` as a YAML double-quoted string: what a translation is written as.
pub(super) fn quoted_text(value: &str) -> String {
    quoted(value.trim())
}

/// Sets `lang: value` (`value` written as YAML already) in the map under
/// `key` of mapping `m`, which ends before line `end`: replaces the entry
/// when the map has one, else adds it; with `create: Some(beside)`, writes
/// the key when the mapping lacks it: right after the key `beside` and its
/// lines when the mapping has it, else after the mapping's last line. Fails, saying why,
/// when the key is missing or not written as a map of one-line entries.
pub(super) fn set_entry(
    lines: &mut Vec<String>,
    m: Mapping,
    end: usize,
    key: &str,
    lang: Lang,
    value: &str,
    create: Option<&str>,
) -> Result<(), String> {
    let end = end.min(lines.len());
    let code = lang.code();
    let entry = format!("{code}: {value}");
    // The mapping's own lines: up to the first line back at its level or left of it.
    let last = (m.start + 1..end)
        .find(|&i| {
            key_column(&lines[i]).is_some_and(|c| {
                c < m.column || (c == m.column && lines[i].trim_start().starts_with("- "))
            })
        })
        .unwrap_or(end);
    let found = (m.start..last).find(|&i| {
        key_column(&lines[i]) == Some(m.column)
            && lines[i][m.column..].starts_with(&format!("{key}:"))
    });
    let Some(at) = found else {
        let Some(beside) = create else {
            return Err(format!("no `{key}:` found"));
        };
        let own_key = |i: usize, k: &str| {
            key_column(&lines[i]) == Some(m.column)
                && lines[i][m.column..].starts_with(&format!("{k}:"))
        };
        // The last line of `beside`'s block: lines further right below it.
        let beside_end = (m.start..last).find(|&i| own_key(i, beside)).map(|at| {
            (at + 1..last)
                .take_while(|&i| key_column(&lines[i]).is_none_or(|c| c > m.column))
                .filter(|&i| key_column(&lines[i]).is_some())
                .last()
                .unwrap_or(at)
        });
        let after = beside_end.unwrap_or_else(|| {
            (m.start..last)
                .rev()
                .find(|&i| key_column(&lines[i]).is_some())
                .unwrap_or(m.start)
        });
        lines.insert(
            after + 1,
            format!("{}{key}: {{{entry}}}", " ".repeat(m.column)),
        );
        return Ok(());
    };
    let after_key = m.column + key.len() + 1;
    let rest = lines[at][after_key..].trim().to_string();
    // A comment after a `{…}` map is kept where it is.
    let flow = match rest.rfind(" #") {
        Some(i) if rest[..i].trim_end().ends_with('}') => rest[..i].trim_end(),
        _ => rest.as_str(),
    };
    if flow.starts_with('{') && flow.ends_with('}') {
        let open = after_key + lines[at][after_key..].find(flow).ok_or("no map")?;
        let close = open + flow.len() - 1;
        let entries = flow_entries(&lines[at][open + 1..close]);
        let line = &mut lines[at];
        match entries.iter().find(|(k, _)| k.trim() == code) {
            // Its value, after the key and its colon, up to the entry's end.
            Some((_, span)) => {
                let (start, stop) = (open + 1 + span.0, open + 1 + span.1);
                let text = &line[start..stop];
                let colon = text.find(':').ok_or("no `:`")?;
                let lead = text.len() - text.trim_start().len();
                let key = text[lead..colon].to_string();
                line.replace_range(start + lead..stop, &format!("{key}: {value}"));
            }
            None => {
                let sep = if entries.is_empty() { "" } else { ", " };
                let trimmed = line[..close].trim_end().len();
                line.insert_str(trimmed, &format!("{sep}{entry}"));
            }
        }
        return Ok(());
    }
    if !rest.is_empty() && !rest.starts_with('#') {
        return Err(format!("`{key}:` is not a map of languages"));
    }
    // A block map: its entries are the lines below, further right.
    let children: Vec<usize> = (at + 1..last)
        .take_while(|&i| key_column(&lines[i]).is_none_or(|c| c > m.column))
        .filter(|&i| key_column(&lines[i]).is_some())
        .collect();
    let (Some(&first), Some(&after)) = (children.first(), children.last()) else {
        return Err(format!("`{key}:` is empty"));
    };
    let column = key_column(&lines[first]).unwrap_or(m.column + 2);
    let own = children
        .iter()
        .position(|&i| lines[i][column..].starts_with(&format!("{code}:")));
    match own {
        Some(n) => {
            let i = children[n];
            // A value that goes on below its key (`>`, `|`, a longer
            // indented line) is left to edit by hand.
            let continues = lines
                .get(i + 1)
                .and_then(|l| key_column(l))
                .is_some_and(|c| c > column);
            if continues {
                return Err(format!(
                    "`{code}:` under `{key}:` is written on several lines"
                ));
            }
            lines[i] = format!("{}{entry}", " ".repeat(column));
        }
        None => lines.insert(after + 1, format!("{}{entry}", " ".repeat(column))),
    }
    Ok(())
}

/// The entries of a `{…}` map's inside: each key and the span of the whole
/// entry, split at commas outside quotes.
fn flow_entries(inner: &str) -> Vec<(String, (usize, usize))> {
    let mut out = Vec::new();
    let (mut start, mut quote) = (0, None);
    let mut escaped = false;
    let mut push = |from: usize, to: usize| {
        let text = &inner[from..to];
        if let Some((k, _)) = text.split_once(':')
            && !text.trim().is_empty()
        {
            out.push((k.trim().to_string(), (from, to)));
        }
    };
    for (i, c) in inner.char_indices() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, ',') => {
                push(start, i);
                start = i + 1;
            }
            _ => {}
        }
        escaped = false;
    }
    push(start, inner.len());
    out
}

/// A value to set in a map of a file's YAML: where, and what.
pub(super) struct Edit {
    /// The mapping holding the map.
    pub at: Place,
    /// The map's key in the mapping (`text`, `title`, `translated`).
    pub key: &'static str,
    /// The value, written as YAML.
    pub value: String,
    /// Whether to write the key when the mapping lacks it, and beside which
    /// key (`title`: right after the title's map).
    pub create: Option<&'static str>,
}

/// Where a mapping is in a file, as the model knows it.
#[derive(Clone, Copy)]
pub(super) enum Place {
    /// The mapping of the whole YAML, which starts on this line (0-based).
    Top(usize),
    /// The list item that starts on this line: a question.
    Item(usize),
    /// The list item `- id: <id>` holding this line: a group, by its first
    /// question.
    Holding(usize, u32),
}

impl Place {
    fn find(self, lines: &[String]) -> Option<Mapping> {
        match self {
            Place::Top(start) => Some(Mapping { start, column: 0 }),
            Place::Item(line) => mapping_at(lines, line),
            Place::Holding(line, id) => item_with_id(lines, line, id),
        }
    }
}

/// Sets each `lang` value of `edits` (each with an id, for messages) in the
/// YAML of `file` (all of `site.yaml`, the front-matter of
/// `_discussion.md`), bottom up so that each one's lines are where the file
/// said; writes the file once. Returns whether it was written, and the
/// edits refused with why.
pub(super) fn apply(
    file: &Path,
    edits: Vec<(String, Edit)>,
    lang: Lang,
) -> Result<(bool, Vec<(String, String)>), Diagnostic> {
    let io = |e: std::io::Error| {
        Diagnostic::error(file, None, format!("cannot write the translations: {e}"))
    };
    let text = fs::read_to_string(file).map_err(io)?;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // The YAML ends at the front-matter's closing fence, if the file has one.
    let fenced = lines
        .first()
        .is_some_and(|l| l.trim_start_matches('\u{feff}').trim_end() == "---");
    // Where the YAML ends now: an edit that adds a line moves the fence.
    let end = |lines: &[String]| {
        if fenced {
            (1..lines.len())
                .find(|&i| lines[i].trim_end() == "---")
                .unwrap_or(lines.len())
        } else {
            lines.len()
        }
    };
    let mut found: Vec<(Option<Mapping>, String, Edit)> = edits
        .into_iter()
        .map(|(id, e)| (e.at.find(&lines), id, e))
        .collect();
    found.sort_by_key(|(m, _, _)| std::cmp::Reverse(m.map(|m| m.start)));
    let mut refused = Vec::new();
    let mut changed = false;
    for (mapping, id, e) in found {
        let result = match mapping {
            Some(m) => {
                let end = end(&lines);
                set_entry(&mut lines, m, end, e.key, lang, &e.value, e.create)
            }
            None => Err("its place was not found".to_string()),
        };
        match result {
            Ok(()) => changed = true,
            Err(why) => refused.push((id, why)),
        }
    }
    if changed {
        let mut joined = lines.join(newline);
        if text.ends_with('\n') {
            joined.push_str(newline);
        }
        fs::write(file, joined).map_err(io)?;
    }
    Ok((changed, refused))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    const DISCUSSION: &str = "title: {en: \"Water\"}  # the moderators' title\ngroups:\n  - id: 1\n    # first week\n    title:\n      en: Access\n    questions:\n      - id: 1\n        text:\n          en: \"Who lacks water?\"\n        # keep\n      - id: 2\n        text: {en: \"Why?\"}\n";

    #[test]
    fn a_translation_is_one_line_more_and_nothing_else_changes() {
        let mut l = lines(DISCUSSION);
        let q1 = mapping_at(&l, 7).expect("question 1.1");
        set_entry(
            &mut l,
            q1,
            11,
            "text",
            Lang::FR,
            &quoted_text("Qui manque d'eau ?"),
            None,
        )
        .expect("added");
        assert_eq!(l[10], "          fr: \"Qui manque d'eau ?\"");
        assert_eq!(l[11], "        # keep");
        let q2 = mapping_at(&l, 12).expect("question 1.2");
        let why = quoted_text("Pourquoi \"ça\" ?");
        set_entry(&mut l, q2, usize::MAX, "text", Lang::FR, &why, None).expect("added");
        assert_eq!(
            l[13],
            "        text: {en: \"Why?\", fr: \"Pourquoi \\\"ça\\\" ?\"}"
        );
        let group = item_with_id(&l, 7, 1).expect("group 1");
        assert_eq!(group.start, 2);
        set_entry(
            &mut l,
            group,
            usize::MAX,
            "title",
            Lang::ES,
            &quoted_text("Acceso"),
            None,
        )
        .expect("added");
        assert_eq!(l[6], "      es: \"Acceso\"");
        let top = mapping_at(&l, 0).expect("top");
        set_entry(
            &mut l,
            top,
            usize::MAX,
            "title",
            Lang::FR,
            &quoted_text("Eau"),
            None,
        )
        .expect("added");
        assert_eq!(
            l[0],
            "title: {en: \"Water\", fr: \"Eau\"}  # the moderators' title"
        );
        assert_eq!(l.len(), lines(DISCUSSION).len() + 2);
        // Set again: replaced, commas in quotes and the comment kept.
        set_entry(
            &mut l,
            top,
            usize::MAX,
            "title",
            Lang::FR,
            &quoted_text("L'eau, enfin"),
            None,
        )
        .expect("replaced");
        assert_eq!(
            l[0],
            "title: {en: \"Water\", fr: \"L'eau, enfin\"}  # the moderators' title"
        );
        // Question 1.1 is a line lower now, under the group's new title.
        let q1 = mapping_at(&l, 8).expect("question 1.1");
        set_entry(
            &mut l,
            q1,
            usize::MAX,
            "text",
            Lang::FR,
            &quoted_text("Qui n'a pas d'eau ?"),
            None,
        )
        .expect("replaced");
        assert_eq!(l[11], "          fr: \"Qui n'a pas d'eau ?\"");
        // A key the mapping lacks, created on request only.
        assert!(set_entry(&mut l, q1, 13, "translated", Lang::FR, "\"0123abcd\"", None).is_err());
        set_entry(
            &mut l,
            q1,
            13,
            "translated",
            Lang::FR,
            "\"0123abcd\"",
            Some("text"),
        )
        .expect("created");
        assert_eq!(l[12], "        translated: {fr: \"0123abcd\"}");
        set_entry(
            &mut l,
            q1,
            14,
            "translated",
            Lang::FR,
            "\"99999999\"",
            Some("text"),
        )
        .expect("replaced");
        assert_eq!(l[12], "        translated: {fr: \"99999999\"}");
        assert_eq!(l[13], "        # keep");
    }
}
