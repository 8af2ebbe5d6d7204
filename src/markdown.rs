//! Markdown to sanitised HTML, and cutting a reply at its `<!-- answers: X.Y -->` markers.
//!
//! Replies are untrusted: whatever HTML they hold goes through ammonia, remote
//! images become links (a page must fetch nothing from third parties), and
//! headings are moved below the page's own.

use std::sync::LazyLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::lang::Lang;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.rm_tags(["img"])
        .add_generic_attributes(["lang"])
        .add_tag_attributes("a", ["id"])
        .add_tag_attributes("div", ["id"])
        .add_tag_attributes("sup", ["id"])
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("nofollow noopener noreferrer ugc"))
        // Only the footnote ids palabre writes itself; an id from a reply could
        // collide with the page's own anchors.
        .attribute_filter(|_, attr, value| {
            if attr == "id" && !value.starts_with("fn-") {
                None
            } else {
                Some(value.into())
            }
        });
    b
});

/// Raw HTML in Markdown that sanitising will remove, worth telling the moderator about.
const UNSAFE_HTML: [&str; 10] = [
    "<script",
    "<style",
    "<iframe",
    "<object",
    "<embed",
    "<form",
    "<svg",
    "javascript:",
    "data:",
    " on",
];

/// A piece of raw HTML that was removed or defused, with its byte offset in the source.
pub struct RemovedHtml {
    pub offset: usize,
    pub snippet: String,
}

/// Markdown rendered to safe HTML.
pub struct Rendered {
    pub html: String,
    pub removed_html: Vec<RemovedHtml>,
}

/// Renders `markdown` to sanitised HTML. `paragraph_lang` is asked for each
/// paragraph's text and may return a language to mark it with. `id_scope` keeps
/// footnote anchors apart when several texts share a page.
pub fn render(
    markdown: &str,
    id_scope: &str,
    paragraph_lang: &dyn Fn(&str) -> Option<Lang>,
) -> Rendered {
    let events: Vec<(Event, std::ops::Range<usize>)> = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .collect();
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut removed_html = Vec::new();
    let mut footnotes: Vec<String> = Vec::new();
    let mut marked_paragraph = false;
    let footnote_number = |footnotes: &mut Vec<String>, name: &str| {
        let i = footnotes.iter().position(|n| n == name).unwrap_or_else(|| {
            footnotes.push(name.to_string());
            footnotes.len() - 1
        });
        i + 1
    };
    let anchor = |name: &str| format!("fn-{}-{}", id_scope, slug(name));

    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Paragraph) => {
                let para = paragraph_text(&events[i + 1..]);
                marked_paragraph = false;
                if let Some(lang) = paragraph_lang(&para) {
                    out.push(Event::Html(format!("<p lang=\"{}\">", lang.code()).into()));
                    marked_paragraph = true;
                } else {
                    out.push(event.clone());
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if marked_paragraph {
                    out.push(Event::Html("</p>".into()));
                    marked_paragraph = false;
                } else {
                    out.push(event.clone());
                }
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => out.push(Event::Start(Tag::Heading {
                level: demote(*level),
                id: id.clone(),
                classes: classes.clone(),
                attrs: attrs.clone(),
            })),
            Event::End(TagEnd::Heading(level)) => {
                out.push(Event::End(TagEnd::Heading(demote(*level))))
            }
            // Remote images would make every reader's browser call a third party.
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => out.push(Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: dest_url.clone(),
                title: title.clone(),
                id: id.clone(),
            })),
            Event::End(TagEnd::Image) => out.push(Event::End(TagEnd::Link)),
            Event::FootnoteReference(name) => {
                let n = footnote_number(&mut footnotes, name);
                let a = anchor(name);
                out.push(Event::Html(
                    format!("<sup id=\"{a}-ref\"><a href=\"#{a}\">{n}</a></sup>").into(),
                ));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let n = footnote_number(&mut footnotes, name);
                out.push(Event::Html(
                    format!(
                        "<div class=\"footnote\" id=\"{}\"><sup>{n}</sup>",
                        anchor(name)
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::FootnoteDefinition) => out.push(Event::Html("</div>".into())),
            Event::Html(html) | Event::InlineHtml(html) => {
                let lower = html.to_ascii_lowercase();
                if UNSAFE_HTML.iter().any(|p| lower.contains(p)) {
                    removed_html.push(RemovedHtml {
                        offset: range.start,
                        snippet: html.trim().chars().take(60).collect(),
                    });
                }
                out.push(event.clone());
            }
            _ => out.push(event.clone()),
        }
    }
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw, out.into_iter());
    Rendered {
        html: SANITIZER.clean(&raw).to_string(),
        removed_html,
    }
}

/// The text of `markdown` without its markup, for language detection.
pub fn plain_text(markdown: &str) -> String {
    let mut s = String::with_capacity(markdown.len());
    for e in Parser::new_ext(markdown, options()) {
        match e {
            Event::Text(t) => s.push_str(&t),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item)
            | Event::SoftBreak
            | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

/// The text of the paragraph that starts right before `events`.
fn paragraph_text(events: &[(Event, std::ops::Range<usize>)]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        match e {
            Event::End(TagEnd::Paragraph) => break,
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

/// Headings in a reply sit below the page's `h1`/`h2`.
fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// One stretch of a reply's Markdown, between answer markers.
pub struct Segment<'a> {
    /// Question ids as written in the marker, with the marker's line; empty for
    /// the text before the first marker.
    pub marker: Option<(Vec<String>, usize)>,
    pub text: &'a str,
    /// Line (in the file) of the segment's first line.
    pub line: usize,
}

/// Parses a line such as `<!-- answers: 1.2, 1.3 -->`.
pub fn parse_marker(line: &str) -> Option<Vec<String>> {
    let inner = line
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    let list = inner.strip_prefix("answers:")?;
    Some(
        list.split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    )
}

/// Cuts `body` (which starts on file line `first_line`) at its marker lines.
pub fn split_at_markers(body: &str, first_line: usize) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut start = 0;
    let mut start_line = first_line;
    let mut marker = None;
    let mut offset = 0;
    for (i, line) in body.split_inclusive('\n').enumerate() {
        if let Some(ids) = parse_marker(line) {
            segments.push(Segment {
                marker: marker.take(),
                text: &body[start..offset],
                line: start_line,
            });
            marker = Some((ids, first_line + i));
            start = offset + line.len();
            start_line = first_line + i + 1;
        }
        offset += line.len();
    }
    segments.push(Segment {
        marker,
        text: &body[start..],
        line: start_line,
    });
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render(md, "t", &|_| None).html
    }

    #[test]
    fn scripts_and_handlers_never_survive() {
        let out = html(
            "Hi <script>alert(1)</script> <a href=\"javascript:alert(1)\" onclick=\"x()\">x</a>\n\n<img src=x onerror=alert(1)>",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(!out.contains("<img"), "{out}");
    }

    #[test]
    fn images_become_links() {
        let out = html("![a chart](https://example.org/c.png)");
        assert!(
            out.contains("<a href=\"https://example.org/c.png\""),
            "{out}"
        );
        assert!(out.contains("a chart"), "{out}");
    }

    #[test]
    fn extensions_are_on() {
        let out = html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"\n\nNote[^1].\n\n[^1]: The note.\n",
        );
        assert!(out.contains("<table>"), "{out}");
        assert!(out.contains("<del>old</del>"), "{out}");
        assert!(out.contains("\u{201c}quoted\u{201d}"), "{out}");
        assert!(out.contains("href=\"#fn-t-1\""), "{out}");
        assert!(out.contains("id=\"fn-t-1\""), "{out}");
    }

    #[test]
    fn headings_are_demoted() {
        assert!(html("# Big").contains("<h3>Big</h3>"));
    }

    #[test]
    fn markers_split_the_body() {
        let body = "Hello\n<!-- answers: 1.2, 1.3 -->\nPart A\n<!-- answers: 2.1 -->\nPart B\n";
        let segs = split_at_markers(body, 10);
        assert_eq!(segs.len(), 3);
        assert!(segs[0].marker.is_none());
        assert_eq!(segs[0].text, "Hello\n");
        assert_eq!(segs[1].marker, Some((vec!["1.2".into(), "1.3".into()], 11)));
        assert_eq!(segs[1].text, "Part A\n");
        assert_eq!(segs[2].marker, Some((vec!["2.1".into()], 13)));
        assert_eq!(segs[2].line, 14);
    }
}
