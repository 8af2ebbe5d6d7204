//! Plain text from sanitised HTML (replies, introductions, summaries), for
//! open data, search, feeds' summaries and page descriptions.

use scraper::{ElementRef, Html, Node};

use super::fragment::{self, Event, Kind};

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
    let raw = written_text(html).unwrap_or_else(|| parsed_text(html));
    let mut text = String::with_capacity(raw.len());
    let mut line = String::new();
    for raw_line in raw.split('\n') {
        line.clear();
        for word in words(raw_line) {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if line.is_empty() || line == "-" {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&line);
    }
    text
}

/// The words of `line` as `split_whitespace` gives them, but for the time it
/// spends decoding characters (see [`space_len`]).
fn words(line: &str) -> impl Iterator<Item = &str> {
    let bytes = line.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            match space_len(line, at) {
                0 => break,
                n => at += n,
            }
        }
        if at == bytes.len() {
            return None;
        }
        let start = at;
        while at < bytes.len() && space_len(line, at) == 0 {
            at += 1;
        }
        Some(&line[start..at])
    })
}

/// The length of the white space character (`char::is_whitespace`) starting
/// at byte `i` of `text`, or 0. Only a few first bytes can start white space
/// beyond ASCII's: other characters are not decoded.
#[inline]
pub fn space_len(text: &str, i: usize) -> usize {
    match text.as_bytes()[i] {
        b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' => 1,
        0xC2 | 0xE1 | 0xE2 | 0xE3 => text[i..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
        _ => 0,
    }
}

/// The text of `html` with a line break around each block, from the
/// document tree an HTML parser makes of it.
fn parsed_text(html: &str) -> String {
    let doc = Html::parse_fragment(html);
    let mut raw = String::new();
    walk(doc.root_element(), &mut raw);
    raw
}

/// [`parsed_text`] of `html` read without a parser ([`fragment::read`]),
/// when it is written as minified reply HTML is. Building each reply's tree
/// was a twentieth of a clean build's CPU.
fn written_text(html: &str) -> Option<String> {
    let mut out = String::with_capacity(html.len());
    // Whether each open element is a block, whose text is on lines of its own.
    let mut blocks = Vec::new();
    fragment::read(html, |event| {
        match event {
            Event::Text(t) => out.push_str(&t),
            Event::Open { name, kind, .. } => match kind {
                Kind::Block | Kind::Inline => {
                    if kind == Kind::Block {
                        out.push('\n');
                    }
                    if name == "li" {
                        out.push_str("- ");
                    }
                    blocks.push(kind == Kind::Block);
                }
                Kind::Break => out.push('\n'),
                Kind::Rule => out.push_str("\n\n"),
                Kind::Empty => {}
            },
            Event::Close => {
                if blocks.pop() == Some(true) {
                    out.push('\n');
                }
            }
        }
        Some(())
    })?;
    Some(out)
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

/// `text.to_lowercase()`, but for the time it spends: the standard library
/// takes every character after the first non-ASCII one (an apostrophe ’) on
/// its own, this takes runs of ASCII together.
pub fn lowercase(text: &str) -> String {
    // A capital sigma's lower case depends on the letters around it: the
    // standard library's rules.
    if text.contains('Σ') {
        return text.to_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        let Some(c) = rest.chars().next() else {
            return out;
        };
        out.extend(c.to_lowercase());
        rest = &rest[c.len_utf8()..];
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
    fn reply_html_is_read_without_a_parser_and_as_a_parser_reads_it() {
        let html = "<p>Dear <strong>all</strong>, R&amp;D &lt;here&gt; & there:</p><ul><li>one <a href=\"https://example.org/?a=1&amp;b=>2\" rel=\"nofollow noopener\">link</a></li><li><p>two</p><ol><li>deep<br>er</li></ol></li></ul><blockquote><p>quoted <em>text</em></p></blockquote><hr><h2 id=h>Title <code>x</code></h2><section class=footnotes><ol><li id=fn1><p>Note <a class=fnback href=#r1>↩</a></p></li></ol></section><p><img alt=pic src=a.png> end</p>";
        let written = written_text(html).expect("read without a parser");
        assert_eq!(written, parsed_text(html));
        assert!(plain_text(html).starts_with("Dear all, R&D <here> & there:\n\n- one link"));
    }

    #[test]
    fn html_a_parser_reads_otherwise_is_left_to_the_parser() {
        for html in [
            "<p>a<p>b",
            "<p>a<div>b</div></p>",
            "<ul><li>a<li>b</ul>",
            "<li>a</li>",
            "<a href=x>a<a href=y>b</a></a>",
            "<em>a<strong>b</em>c</strong>",
            "<table><tr><td>a</td></tr></table>",
            "<pre>\ncode</pre>",
            "<p>caf&eacute;</p>",
            "<p>a\r\nb</p>",
            "<P>a</P>",
            "<p a\"b>x</p>",
            "<!-- c --><p>a</p>",
            "<p>a",
        ] {
            assert_eq!(written_text(html), None, "{html}");
            // What the parser makes of it is still given.
            assert!(!plain_text(html).is_empty(), "{html}");
        }
    }

    use proptest::prelude::*;

    use super::fragment::tests::html;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Lower case is the standard library's, in every script and around sigmas.
        #[test]
        fn lowercase_is_the_standard_librarys(
            text in "([A-Za-z0-9 .’'ÉéÀİIıΣσςΑΩДЖẞß\u{130}\u{1E9E}\u{2160}ǅ]|\u{10400}){0,40}"
        ) {
            prop_assert_eq!(lowercase(&text), text.to_lowercase());
        }

        /// A line's words are `split_whitespace`'s, with every kind of white space.
        #[test]
        fn words_are_split_at_white_space_as_the_standard_library_does(
            line in "([a-zé·\u{a0}\u{85}\u{1680}\u{2000}-\u{200b}\u{2028}\u{202f}\u{205f}\u{3000}\u{e000} \t\r\u{b}\u{c}]|\u{1F600}){0,40}"
        ) {
            let expected: Vec<&str> = line.split_whitespace().collect();
            prop_assert_eq!(words(&line).collect::<Vec<_>>(), expected);
        }

        /// Wherever HTML is read without a parser, the text is the parser's.
        #[test]
        fn html_read_without_a_parser_gives_the_parsers_text(html in html()) {
            if let Some(written) = written_text(&html) {
                prop_assert_eq!(written, parsed_text(&html), "{}", html);
            }
        }
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
