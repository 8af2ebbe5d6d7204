//! Plain text from sanitised HTML (replies, introductions, summaries), for
//! open data, search, feeds' summaries and page descriptions.

use scraper::{ElementRef, Html, Node};

/// Elements after which a line ends.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "hr",
    "section",
    "figure",
    "figcaption",
];

/// The text of `html`: one paragraph (or list item, heading...) per line,
/// paragraphs separated by a blank line, whitespace inside them collapsed,
/// list items starting with "- ".
pub fn plain_text(html: &str) -> String {
    let doc = Html::parse_fragment(html);
    let mut raw = String::new();
    walk(doc.root_element(), &mut raw);
    raw.split('\n')
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty() && line != "-")
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn walk(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if name == "br" {
                    out.push('\n');
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    out.push('\n');
                }
                if name == "li" {
                    out.push_str("- ");
                }
                // Table cells on one line, separated.
                if name == "td" || name == "th" {
                    out.push_str(" | ");
                }
                if let Some(child) = ElementRef::wrap(child) {
                    walk(child, out);
                }
                if block {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// At most `max` characters of `text`, cut at a word boundary, with "…"
/// when something was cut.
pub fn truncate(text: &str, max: usize) -> String {
    // Only the first words matter: a few more than fit, to tell whether
    // something was cut.
    let mut flat = String::new();
    for word in text.split_whitespace() {
        if flat.chars().count() > max {
            break;
        }
        if !flat.is_empty() {
            flat.push(' ');
        }
        flat.push_str(word);
    }
    if flat.chars().count() <= max {
        return flat;
    }
    let keep = max.saturating_sub(1);
    let cut: String = flat.chars().take(keep).collect();
    // Ends at a word's end when the next character is a space; else drop the
    // partial word (unless that would drop most of the text).
    let at_word_end = flat.chars().nth(keep) == Some(' ');
    let cut = match cut.rfind(' ') {
        Some(i) if !at_word_end && i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_and_entities_become_plain_lines() {
        let html = "<p>Hello <em>world</em> &amp; co.</p>\n<ul><li>one</li><li>two<br>three</li></ul><p>d&eacute;j&agrave;</p>";
        assert_eq!(
            plain_text(html),
            "Hello world & co.\n\n- one\n\n- two\n\nthree\n\ndéjà"
        );
    }

    #[test]
    fn truncate_cuts_at_a_word() {
        assert_eq!(truncate("short text", 50), "short text");
        assert_eq!(
            truncate("the quick brown fox jumps over the lazy dog", 20),
            "the quick brown fox…"
        );
    }
}
