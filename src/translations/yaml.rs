//! Adding a translation to a text map of the moderators' YAML (`title:`,
//! `text:`) by inserting one line, or one entry in a `{…}` map, so that
//! their comments, order and formatting stay as they wrote them.

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

/// Adds `lang: "value"` to the text map under `key` of mapping `m`, which
/// ends before line `end`. Fails, saying why, when the map already has
/// `lang` or is not written as a map.
pub(super) fn add_translation(
    lines: &mut Vec<String>,
    m: Mapping,
    end: usize,
    key: &str,
    lang: Lang,
    value: &str,
) -> Result<(), String> {
    let end = end.min(lines.len());
    let code = lang.code();
    let entry = format!("{code}: {}", quoted(value.trim()));
    // The mapping's own lines: up to the first line back at its level or left of it.
    let last = (m.start + 1..end)
        .find(|&i| {
            key_column(&lines[i]).is_some_and(|c| {
                c < m.column || (c == m.column && lines[i].trim_start().starts_with("- "))
            })
        })
        .unwrap_or(end);
    let at = (m.start..last)
        .find(|&i| {
            key_column(&lines[i]) == Some(m.column)
                && lines[i][m.column..].starts_with(&format!("{key}:"))
        })
        .ok_or_else(|| format!("no `{key}:` found"))?;
    let after_key = m.column + key.len() + 1;
    let rest = lines[at][after_key..].trim().to_string();
    // A comment after a `{…}` map is kept where it is.
    let flow = match rest.rfind(" #") {
        Some(i) if rest[..i].trim_end().ends_with('}') => rest[..i].trim_end(),
        _ => rest.as_str(),
    };
    if let Some(inner) = flow.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        if inner
            .split(',')
            .any(|kv| kv.trim().starts_with(&format!("{code}:")))
        {
            return Err(format!("`{key}:` already has `{code}`"));
        }
        let close = after_key + lines[at][after_key..].find(flow).ok_or("no map")? + flow.len() - 1;
        let sep = if inner.trim().is_empty() { "" } else { ", " };
        lines[at].insert_str(close, &format!("{sep}{entry}"));
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
    if children
        .iter()
        .any(|&i| lines[i][column..].starts_with(&format!("{code}:")))
    {
        return Err(format!("`{key}:` already has `{code}`"));
    }
    lines.insert(after + 1, format!("{}{entry}", " ".repeat(column)));
    Ok(())
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
        add_translation(&mut l, q1, 11, "text", Lang::Fr, "Qui manque d'eau ?").expect("added");
        assert_eq!(l[10], "          fr: \"Qui manque d'eau ?\"");
        assert_eq!(l[11], "        # keep");
        let q2 = mapping_at(&l, 12).expect("question 1.2");
        add_translation(
            &mut l,
            q2,
            usize::MAX,
            "text",
            Lang::Fr,
            "Pourquoi \"ça\" ?",
        )
        .expect("added");
        assert_eq!(
            l[13],
            "        text: {en: \"Why?\", fr: \"Pourquoi \\\"ça\\\" ?\"}"
        );
        let group = item_with_id(&l, 7, 1).expect("group 1");
        assert_eq!(group.start, 2);
        add_translation(&mut l, group, usize::MAX, "title", Lang::Es, "Acceso").expect("added");
        assert_eq!(l[6], "      es: \"Acceso\"");
        let top = mapping_at(&l, 0).expect("top");
        add_translation(&mut l, top, usize::MAX, "title", Lang::Fr, "Eau").expect("added");
        assert_eq!(
            l[0],
            "title: {en: \"Water\", fr: \"Eau\"}  # the moderators' title"
        );
        assert_eq!(l.len(), lines(DISCUSSION).len() + 2);
        let again = add_translation(&mut l, top, usize::MAX, "title", Lang::Fr, "Eau");
        assert_eq!(again, Err("`title:` already has `fr`".to_string()));
    }
}
