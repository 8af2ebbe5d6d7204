//! Splitting a content file into its YAML front-matter and Markdown body, and
//! reading the YAML into typed structs with errors that name the line.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{MessageFormatter, UserMessageFormatter};

use crate::diagnostic::Diagnostic;

/// A content file cut in two. Line numbers are 1-based and count from the file's start.
pub struct Split<'a> {
    /// The YAML between the `---` fences; empty when the file has none.
    pub yaml: &'a str,
    /// Line of the file on which the YAML starts.
    pub yaml_line: usize,
    /// The Markdown after the closing fence; the whole text (but a BOM) when
    /// there is no front-matter.
    pub body: &'a str,
    /// Line of the file on which the body starts.
    pub body_line: usize,
    /// Whether the file opens with a `---` fence (the front-matter may still be
    /// empty).
    pub has_front_matter: bool,
}

fn is_fence(line: &str, fence: &str) -> bool {
    line.trim_end_matches(['\r', '\n', ' ', '\t']) == fence
}

/// Splits `text` at its front-matter fences. A BOM is ignored; CRLF works.
/// Returns `None` when an opening fence has no closing one.
pub fn split(text: &str) -> Option<Split<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let no_front_matter = Split {
        yaml: "",
        yaml_line: 1,
        body: text,
        body_line: 1,
        has_front_matter: false,
    };
    match lines.next() {
        Some(first) if is_fence(first, "---") => {}
        _ => return Some(no_front_matter),
    }
    let yaml_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = yaml_start;
    for (line_no, line) in (2..).zip(lines) {
        if is_fence(line, "---") || is_fence(line, "...") {
            return Some(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: line_no + 1,
                has_front_matter: true,
            });
        }
        offset += line.len();
    }
    None
}

/// Limits that keep a hostile front-matter (alias bombs, huge nesting) from
/// eating the machine; far above anything a real reply needs.
fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 100_000;
    budget.max_aliases = 100;
    budget.max_anchors = 100;
    budget.max_depth = 30;
    budget.max_documents = 1;
    budget.max_nodes = 50_000;
    budget.max_total_scalar_bytes = 1 << 20;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// Reads front-matter YAML into `T`; an error names the file and the line in it.
pub fn parse<T: DeserializeOwned>(
    file: &Path,
    yaml: &str,
    yaml_line: usize,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str_with_options::<T>(yaml, options()).map_err(|e| {
        let mut line = e.location().map(|l| l.line() as usize + yaml_line - 1);
        // The crate's user-facing wording: its default one suggests changing
        // parser options to the programmer ("use Option<String>").
        let message = UserMessageFormatter.format_message(&e);
        // The parser may blame the scalar before the tab; point at the tab itself.
        if message.contains("tab")
            && let Some(i) = yaml
                .lines()
                .position(|l| l.trim_start_matches(' ').starts_with('\t'))
        {
            line = Some(yaml_line + i);
        }
        Diagnostic::error(
            file,
            line.or(Some(yaml_line)),
            format!("front-matter: {message}"),
        )
        .hint(hint_for(&message))
    })
}

/// What to do about a YAML error, in the moderator's terms.
fn hint_for(message: &str) -> &'static str {
    if message.contains("tab") {
        "indent with spaces: YAML does not allow tabs in front-matter"
    } else if message.contains("duplicate mapping key") {
        "a field is given twice: keep only one of them"
    } else if message.contains("expected string scalar") {
        "this field takes a single text, not a list or a map: put it in quotes, e.g. \"Ada, Bo\""
    } else if message.contains("expected sequence start") {
        "this field takes a list, e.g. answers: [\"1.1\", \"1.2\"]"
    } else if message.contains("too large or too complex") {
        "write the values out instead of repeating them through anchors and aliases (`&name`, `*name`)"
    } else {
        "fix the YAML between the `---` lines (see the content format in the README)"
    }
}

/// The 1-based line of byte `offset` in `text`, counting from `first_line`.
pub fn line_of(text: &str, offset: usize, first_line: usize) -> usize {
    let end = offset.min(text.len());
    first_line
        + text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_lines() {
        let s = split("---\na: 1\nb: 2\n---\nbody\n").expect("closed");
        assert_eq!(s.yaml, "a: 1\nb: 2\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn handles_bom_and_crlf() {
        let s = split("\u{feff}---\r\na: 1\r\n---\r\nbody").expect("closed");
        assert_eq!(s.yaml, "a: 1\r\n");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split("# Title\n").expect("no fence");
        assert!(!s.has_front_matter);
        assert_eq!(s.body, "# Title\n");
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Front {
        author: Option<String>,
        country: Option<String>,
        tags: Option<Vec<String>>,
    }

    fn error(yaml: &str) -> Diagnostic {
        parse::<Front>(Path::new("r.md"), yaml, 2).expect_err("invalid YAML")
    }

    #[test]
    fn errors_speak_to_moderators_not_programmers() {
        let dup = error("author: A\ncountry: B\nauthor: C\n");
        assert_eq!(dup.line, Some(4));
        assert!(dup.message.contains("duplicate") && dup.message.contains("author"));
        assert!(
            !dup.message.contains("DuplicateKeyPolicy"),
            "{}",
            dup.message
        );
        let null = error("tags: [a, ~]\n");
        assert!(!null.message.contains("Option<"), "{}", null.message);
        let list = error("author: [a, b]\n");
        assert!(
            list.hint
                .as_deref()
                .is_some_and(|h| h.contains("single text"))
        );
    }

    #[test]
    fn a_tab_is_reported_on_its_own_line() {
        let tab = error("author: Ada\n\tcountry: Chile\n");
        assert_eq!(tab.line, Some(3), "{}", tab.message);
        assert!(tab.hint.as_deref().is_some_and(|h| h.contains("spaces")));
    }

    #[test]
    fn unclosed_front_matter_is_none() {
        assert!(split("---\na: 1\n").is_none());
    }
}
