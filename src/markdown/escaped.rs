//! Sanitising, without an HTML parser, the HTML that pulldown-cmark wrote
//! from Markdown holding no raw HTML.
//!
//! Such HTML is well formed and its text already escaped: the only tags are
//! the ones pulldown-cmark and [`super::render`] write, with double-quoted
//! attributes. What ammonia does to it (parsing with html5ever, then
//! serialising) comes down to dropping the attributes it does not allow,
//! checking link addresses, adding `rel` to links and writing the few
//! characters html5ever escapes differently. [`clean`] does that in one pass,
//! and gives up (`None`, so that ammonia runs) on anything else: a tag, an
//! attribute or an entity it does not know, a control character, a link
//! inside a link (which the HTML parser would restructure).
//!
//! Its output equals ammonia's: a property test below checks it on generated
//! Markdown; the fuzz target `frontmatter_markdown`, whose replies without raw
//! HTML take this way, checks that no script gets through.

use url::Url;

use super::LINK_REL;

/// Elements pulldown-cmark writes with the options palabre uses, and those
/// `render` adds (`<sup>`, `<div>` of footnotes): all allowed by the sanitiser.
const KNOWN: [&str; 26] = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "code",
    "ol",
    "ul",
    "li",
    "em",
    "strong",
    "del",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
    "sup",
];

/// `html`, written by pulldown-cmark from Markdown with no raw HTML, as the
/// sanitiser of [`super::render`] gives it back; `None` when it holds
/// something this shortcut does not handle.
pub(super) fn clean(html: &str) -> Option<String> {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    let mut in_link = false;
    loop {
        let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) else {
            push_text(&mut out, rest)?;
            break;
        };
        push_text(&mut out, &rest[..lt])?;
        let after = &rest[lt + 1..];
        // `>` in an attribute value is escaped (`&gt;`, `%3E`): the first
        // one ends the tag.
        let gt = memchr::memchr(b'>', after.as_bytes())?;
        push_tag(&mut out, &after[..gt], &mut in_link)?;
        rest = &after[gt + 1..];
    }
    Some(out)
}

/// Text between tags: pulldown-cmark escaped `&`, `<` and `>` as html5ever
/// does; html5ever also writes U+00A0 as `&nbsp;`.
fn push_text(out: &mut String, text: &str) -> Option<()> {
    let bytes = text.as_bytes();
    // The HTML parser changes `\r` and NUL, and other control characters are
    // parse errors: left to it. Beyond ASCII's, they are U+0080 to U+009F,
    // C2 80 to C2 9F in UTF-8. Bytes are looked at rather than characters,
    // which would each be decoded.
    if bytes
        .iter()
        .any(|&b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f)
        || memchr::memchr_iter(0xC2, bytes).any(|i| matches!(bytes.get(i + 1), Some(0x80..=0x9F)))
    {
        return None;
    }
    let mut rest = text;
    // `&`, and U+00A0: C2 A0.
    while let Some(i) = memchr::memchr2(b'&', 0xC2, rest.as_bytes()) {
        if rest.as_bytes()[i] == b'&' {
            out.push_str(&rest[..i]);
            let entity = ["&amp;", "&lt;", "&gt;"]
                .into_iter()
                .find(|e| rest[i..].starts_with(e))?;
            out.push_str(entity);
            rest = &rest[i + entity.len()..];
        } else if rest.as_bytes().get(i + 1) == Some(&0xA0) {
            out.push_str(&rest[..i]);
            out.push_str("&nbsp;");
            rest = &rest[i + 2..];
        } else {
            // Another character of two bytes starting with C2: kept.
            out.push_str(&rest[..i + 2]);
            rest = &rest[i + 2..];
        }
    }
    out.push_str(rest);
    Some(())
}

/// One tag, without its `<` and `>`.
fn push_tag(out: &mut String, tag: &str, in_link: &mut bool) -> Option<()> {
    if let Some(name) = tag.strip_prefix('/') {
        if !KNOWN.contains(&name) && name != "div" {
            return None;
        }
        if name == "a" {
            *in_link = false;
        }
        out.push_str("</");
        out.push_str(name);
        out.push('>');
        return Some(());
    }
    // `<hr />` and `<br />`: html5ever writes void elements as `<hr>`.
    let tag = tag.strip_suffix(" /").unwrap_or(tag);
    let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
    if !KNOWN.contains(&name) && name != "div" {
        return None;
    }
    if name == "a" {
        if *in_link {
            return None;
        }
        *in_link = true;
    }
    out.push('<');
    out.push_str(name);
    while !attrs.is_empty() {
        let (attr, after) = attrs.split_once("=\"")?;
        let end = after.find('"')?;
        let value = decode(&after[..end])?;
        attrs = &after[end + 1..];
        if !attrs.is_empty() {
            attrs = attrs.strip_prefix(' ')?;
        }
        if keep(name, attr, &value)? {
            out.push(' ');
            out.push_str(attr);
            out.push_str("=\"");
            push_attribute_value(out, &value);
            out.push('"');
        }
    }
    if name == "a" {
        out.push_str(" rel=\"");
        out.push_str(LINK_REL);
        out.push('"');
    }
    out.push('>');
    Some(())
}

/// Whether the sanitiser keeps attribute `attr="value"` of element `name`;
/// `None` for an attribute this shortcut does not know.
fn keep(name: &str, attr: &str, value: &str) -> Option<bool> {
    Some(match (name, attr) {
        (_, "lang" | "dir" | "title") | ("ol", "start") => true,
        // A table cell's alignment, written by palabre; no other class.
        ("th" | "td", "class") if super::ALIGN_CLASSES.contains(&value) => true,
        (_, "class" | "style") => false,
        // No id from a text survives (footnote anchors are added after).
        (_, "id") => false,
        ("a", "href") => allowed_url(value) && !value.chars().any(char::is_control),
        _ => return None,
    })
}

/// The sanitiser's test of a link's address: a relative one, or one of the
/// allowed schemes.
fn allowed_url(value: &str) -> bool {
    match Url::parse(value) {
        Ok(url) => matches!(url.scheme(), "http" | "https" | "mailto"),
        Err(e) => e == url::ParseError::RelativeUrlWithoutBase,
    }
}

/// An attribute value as pulldown-cmark escaped it, unescaped; `None` for
/// an entity it does not write.
fn decode(value: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !value.contains('&') {
        return Some(value.into());
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let (entity, c) = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#39;", '\''),
            ("&#x27;", '\''),
        ]
        .into_iter()
        .find(|(e, _)| rest[i..].starts_with(e))?;
        out.push(c);
        rest = &rest[i + entity.len()..];
    }
    out.push_str(rest);
    Some(out.into())
}

/// An attribute value escaped as html5ever writes it.
fn push_attribute_value(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
thread_local! {
    /// The HTML [`super::render`] last sanitised on this thread, and whether
    /// its Markdown held raw HTML, for the test that compares [`clean`] with
    /// ammonia on it.
    pub(super) static LAST: std::cell::RefCell<(String, bool)> = const { std::cell::RefCell::new((String::new(), false)) };
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{SANITIZER, render};
    use super::*;
    use crate::lang::{Block, Lang};

    /// Pieces of Markdown without raw HTML: every construct pulldown-cmark
    /// writes with palabre's options, and characters that need escaping.
    const PIECES: &[&str] = &[
        "word ",
        "Ünïcödé ",
        "a & b ",
        "1 < 2 > 0 ",
        "\"quoted\" 'single' ",
        "&amp; &lt; &copy; &#160; &nbsp; &#39; &quot; ",
        "\u{a0}",
        "£ © «x» ",
        "\u{85}",
        "*em* ",
        "**strong** ",
        "***both*** ",
        "~~del~~ ",
        "`code & <x>` ",
        "[link](https://example.org/a?b=1&c=2 \"a 'title' & \\\"more\\\"\") ",
        "[rel](../replies/002-maria.md) ",
        "[page](other.html#frag) ",
        "[js](javascript:alert(1)) ",
        "[data](data:text/html,x) ",
        "[ftp](ftp://example.org/) ",
        "[odd](foo:bar) ",
        "[bad host](http://exa%20mple.org/) ",
        "[bracket](http://[::1]:80/) ",
        "[broken](http://[::1/) ",
        "[empty]() ",
        "[mail](mailto:a@b.org) ",
        "<https://example.org/auto> ",
        "<a@b.org> ",
        "![image](https://example.org/i.png \"t\") ",
        "[![image in link](i.png)](https://example.org/) ",
        "[link [^n]](x.html) ",
        "note[^n] ",
        "note[^other] ",
        "\\<not html\\> ",
        "\n",
        "\n\n",
        "\n\n# Heading\n\n",
        "\n\n### Deep heading ###\n\n",
        "\n\n- item\n- item\n  - nested\n\n",
        "\n\n3. third\n4. fourth\n\n",
        "\n\n> quote\n> > nested\n\n",
        "\n\n```rust\nfn main() { \"&\" }\n```\n\n",
        "\n\n    indented code <x>\n\n",
        "\n\n```\nfenced <x> & \"\n```\n\n",
        "\n\n| a | b |\n|:--|:-:|\n| 1 | *2* |\n\n",
        "\n\n| x |\n|--:|\n\n",
        "\n\n---\n\n",
        "line  \nbreak ",
        "\n\n[^n]: The note, with **bold**.\n\n",
        "\n\n[ref]: https://example.org/ref \"Ref\"\n\n[ref] ",
    ];

    fn markdown() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..24).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// On Markdown without raw HTML, the shortcut gives what ammonia gives.
        #[test]
        fn equals_ammonia_on_markdown_without_raw_html(md in markdown(), marked in any::<bool>()) {
            let lang = move |blocks: &[Block]| vec![marked.then_some(Lang::FR); blocks.len()];
            render(&md, "s-1", None, &lang, None);
            let (raw, raw_html) = LAST.with(|l| l.borrow().clone());
            // (`<x>` in code indented under a footnote is raw HTML.)
            prop_assume!(!raw_html);
            let expected = SANITIZER.clean(&raw).to_string();
            let fast = clean(&raw);
            // Only a link inside a link, and control characters, are left to ammonia.
            let nested = md.contains("[![") || md.contains("[link [^n]]");
            prop_assert!(fast.is_some() || nested || md.contains('\u{85}'), "{:?}", raw);
            if let Some(fast) = fast {
                prop_assert_eq!(fast, expected, "{:?}", raw);
            }
        }
    }

    #[test]
    fn handles_what_replies_usually_hold() {
        let md = "# Title\n\nSome *text* & a [link](https://example.org/?a=1&b=2 \"t\").\n\n- a\n- b\n\n| x | y |\n|:-|-:|\n| 1 | 2 |\n\nNote[^1].\n\n[^1]: Here.\n";
        render(
            md,
            "s",
            None,
            &|blocks: &[Block]| vec![Some(Lang::EN); blocks.len()],
            None,
        );
        let (raw, raw_html) = LAST.with(|l| l.borrow().clone());
        assert!(!raw_html);
        assert_eq!(clean(&raw), Some(SANITIZER.clean(&raw).to_string()));
    }

    #[test]
    fn leaves_what_it_does_not_know_to_ammonia() {
        for html in [
            "<img src=x>",
            "<p onclick=\"x\">a</p>",
            "<a href=\"x\"><a href=\"y\">b</a></a>",
            "a &copy; b",
            "a\rb",
            "<p class=\"x\"",
        ] {
            assert_eq!(clean(html), None, "{html}");
        }
    }
}
