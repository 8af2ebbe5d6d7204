//! The HTML of an HTML-only e-mail as the Markdown of a reply, with htmd:
//! emphasis that never spans paragraphs (so its markers always pair up),
//! layout tables read as the text of their cells, data tables (with header
//! cells) kept as tables, links kept, pictures and tracking pixels dropped.

use std::rc::Rc;
use std::sync::LazyLock;

use htmd::element_handler::{HandlerResult, Handlers};
use htmd::{Element, HtmlToMarkdown};
use markup5ever_rcdom::{Node, NodeData};
use regex::Regex;

fn tag_of(node: &Node) -> Option<&str> {
    match &node.data {
        NodeData::Element { name, .. } => Some(name.local.as_ref()),
        _ => None,
    }
}

fn attr_of(node: &Node, attr: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| a.name.local.as_ref() == attr)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

fn parent_of(node: &Node) -> Option<Rc<Node>> {
    // The tree keeps the parent in a `Cell`: taken to read it, then put back.
    let weak = node.parent.take();
    let parent = weak.as_ref().and_then(std::rc::Weak::upgrade);
    node.parent.set(weak);
    parent
}

/// The nearest `<table>` around `node`.
fn table_of(node: &Rc<Node>) -> Option<Rc<Node>> {
    let mut current = parent_of(node);
    while let Some(n) = current {
        if tag_of(&n) == Some("table") {
            return Some(n);
        }
        current = parent_of(&n);
    }
    None
}

/// A table of data has header cells, no table inside it and does not say it
/// is for layout; every other table only lays the message out.
fn is_data_table(table: &Node) -> bool {
    fn walk(node: &Node, top: bool, th: &mut bool) -> bool {
        for child in node.children.borrow().iter() {
            match tag_of(child) {
                Some("table") if !top => return false,
                Some("th") => *th = true,
                _ => {}
            }
            if !walk(child, false, th) {
                return false;
            }
        }
        true
    }
    if attr_of(table, "role").is_some_and(|r| r.eq_ignore_ascii_case("presentation")) {
        return false;
    }
    let mut th = false;
    walk(table, true, &mut th) && th
}

fn blocks(handlers: &dyn Handlers, node: &Rc<Node>) -> Option<HandlerResult> {
    let content = handlers.walk_children(node).content;
    let content = content.trim();
    if content.is_empty() {
        return Some("".into());
    }
    Some(format!("\n\n{content}\n\n").into())
}

fn table_handler(handlers: &dyn Handlers, element: Element<'_>) -> Option<HandlerResult> {
    if is_data_table(element.node) {
        return Some(data_table(handlers, element.node).into());
    }
    blocks(handlers, element.node)
}

/// The rows of a data table, in order, wherever they are (`thead`, `tbody`…).
fn rows(node: &Rc<Node>, out: &mut Vec<Rc<Node>>) {
    for child in node.children.borrow().iter() {
        match tag_of(child) {
            Some("tr") => out.push(child.clone()),
            Some("thead" | "tbody" | "tfoot") => rows(child, out),
            _ => {}
        }
    }
}

/// A data table as a Markdown table (htmd keeps none inside another table's
/// cell, where layout tables put them); its first row is the header.
fn data_table(handlers: &dyn Handlers, table: &Rc<Node>) -> String {
    let mut trs = Vec::new();
    rows(table, &mut trs);
    let table_rows: Vec<Vec<String>> = trs
        .iter()
        .map(|tr| {
            tr.children
                .borrow()
                .iter()
                .filter(|c| matches!(tag_of(c), Some("td" | "th")))
                .map(|cell| {
                    let text = handlers.walk_children(cell).content;
                    let words: Vec<&str> = text.split_whitespace().collect();
                    words.join(" ").replace('|', "\\|")
                })
                .collect()
        })
        .filter(|r: &Vec<String>| !r.is_empty())
        .collect();
    let width = table_rows.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return String::new();
    }
    let line = |cells: &[String]| {
        let mut padded: Vec<String> = cells.to_vec();
        padded.resize(width, String::new());
        format!("| {} |", padded.join(" | "))
    };
    let mut out = String::from("\n\n");
    for (i, r) in table_rows.iter().enumerate() {
        out.push_str(&line(r));
        out.push('\n');
        if i == 0 {
            out.push_str(&format!("|{}\n", " --- |".repeat(width)));
        }
    }
    out.push('\n');
    out
}

fn cell_handler(handlers: &dyn Handlers, element: Element<'_>) -> Option<HandlerResult> {
    if table_of(element.node).is_some_and(|t| is_data_table(&t)) {
        return handlers.fallback(element);
    }
    blocks(handlers, element.node)
}

/// Emphasis around whole paragraphs (`<b><p>…</p><p>…</p></b>`) or around
/// nothing but space would leave markers Markdown cannot pair: the text alone.
fn emphasis_handler(handlers: &dyn Handlers, element: Element<'_>) -> Option<HandlerResult> {
    let content = handlers.walk_children(element.node).content;
    if content.trim().is_empty() {
        return Some(content.into());
    }
    if content.trim().contains('\n') {
        return Some(content.into());
    }
    handlers.fallback(element)
}

/// `mailto:` links keep their text only: the address is no page to visit.
fn anchor_handler(handlers: &dyn Handlers, element: Element<'_>) -> Option<HandlerResult> {
    let href = attr_of(element.node, "href").unwrap_or_default();
    let href = href.trim().to_ascii_lowercase();
    if href.is_empty()
        || href.starts_with("mailto:")
        || href.starts_with('#')
        || href.starts_with("javascript:")
    {
        return Some(handlers.walk_children(element.node).content.into());
    }
    handlers.fallback(element)
}

static CONVERTER: LazyLock<HtmlToMarkdown> = LazyLock::new(|| {
    HtmlToMarkdown::builder()
        .skip_tags(vec![
            "head", "script", "style", "title", "img", "picture", "svg", "object", "iframe",
            "embed", "video", "audio", "form", "button", "input", "select", "textarea",
        ])
        .add_handler(vec!["table"], table_handler)
        .add_handler(
            vec!["tr", "td", "th", "thead", "tbody", "tfoot", "caption"],
            cell_handler,
        )
        .add_handler(vec!["b", "strong", "i", "em"], emphasis_handler)
        .add_handler(vec!["a"], anchor_handler)
        .build()
});

static BLANK_RUNS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\n[ \t]*(?:\n[ \t]*)+").unwrap_or_else(|e| panic!("{e}")));

/// The Markdown of an e-mail's HTML body; paragraphs apart, no hard line
/// breaks kept (a line break in a paragraph stays a line of its own).
pub(crate) fn to_markdown(html: &str) -> String {
    let md = CONVERTER.convert(html).unwrap_or_default();
    let md = md.replace('\u{a0}', " ");
    // Hard breaks (two trailing spaces) are noise in a reply file.
    let lines: Vec<&str> = md.lines().map(str::trim_end).collect();
    let md = lines.join("\n");
    BLANK_RUNS.replace_all(&md, "\n\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasis_closes_and_nothing_is_doubled() {
        let md = to_markdown(
            "<font size=4><b>Die Hasen und die Frösche<br><br></font></b>Es waren einmal.",
        );
        assert_eq!(md, "**Die Hasen und die Frösche**\n\nEs waren einmal.");
        let md = to_markdown("<b><p>One.</p><p>Two.</p></b>");
        assert_eq!(md, "One.\n\nTwo.");
    }

    #[test]
    fn layout_tables_become_text_and_data_tables_stay() {
        let layout = r#"<table width="100%"><tr><td><a href="https://example.org/p">Profil</a></td>
            <td><img src="https://t.example.com/pixel.gif" width=1 height=1></td></tr>
            <tr><td><p>Our answer is yes.</p></td><td>Second column.</td></tr></table>"#;
        assert_eq!(
            to_markdown(layout),
            "[Profil](https://example.org/p)\n\nOur answer is yes.\n\nSecond column."
        );
        let data = "<table><tr><th>City</th><th>Budget</th></tr><tr><td>Dakar</td><td>12</td></tr></table>";
        let md = to_markdown(data);
        assert_eq!(md, "| City | Budget |\n| --- | --- |\n| Dakar | 12 |");
    }

    #[test]
    fn mail_links_keep_their_text_only() {
        assert_eq!(
            to_markdown(r#"<p>Write to <a href="mailto:a@example.org">Ana</a>.</p>"#),
            "Write to Ana."
        );
    }
}
