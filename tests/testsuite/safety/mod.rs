//! What "safe HTML" means for text that came from the public, shared by the
//! adversarial and property tests (the fuzz target has its own copy: it is a
//! separate crate).
#![allow(dead_code)]

use scraper::{Html, Node};

/// Elements that must never come out of a reply: they run code, load or
/// submit to third parties, restyle or redirect the page.
pub(crate) const FORBIDDEN_TAGS: [&str; 15] = [
    "script", "style", "iframe", "frame", "object", "embed", "svg", "math", "form", "input",
    "button", "base", "meta", "link", "img",
];

/// Attributes whose value a browser may follow as a URL.
const URL_ATTRS: [&str; 10] = [
    "href",
    "src",
    "action",
    "formaction",
    "srcset",
    "xlink:href",
    "background",
    "poster",
    "data",
    "cite",
];

/// What a browser would make of a URL's scheme: it drops ASCII whitespace and
/// control characters anywhere in it and ignores case.
pub(crate) fn normalised_url(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Every dangerous thing in `html` (a fragment of reply HTML, or a page), as
/// readable descriptions; empty when it is safe.
pub(crate) fn dangers(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = html.to_ascii_lowercase();
    if lower.contains("<script") {
        found.push("raw `<script`".to_string());
    }
    let doc = Html::parse_fragment(html);
    for node in doc.tree.nodes() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        let name = el.name().to_ascii_lowercase();
        if FORBIDDEN_TAGS.contains(&name.as_str()) {
            found.push(format!("a <{name}> element"));
        }
        for (attr, value) in el.attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") {
                found.push(format!("<{name} {attr}=\"{value}\"> event handler"));
            }
            if attr == "style" || attr == "http-equiv" {
                found.push(format!("<{name} {attr}=\"{value}\">"));
            }
            if URL_ATTRS.contains(&attr.as_str()) {
                let url = normalised_url(value);
                if ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| url.starts_with(s))
                {
                    found.push(format!("<{name} {attr}=\"{value}\"> dangerous URL"));
                }
            }
        }
    }
    found
}
