//! HTML fragments (replies, introductions, summaries) read as the tree an
//! HTML parser builds of them; without the parser when they are written as
//! minified reply HTML is, which is most of a site's HTML and most of the
//! time a parser would take.

use std::borrow::Cow;

use html5ever::data::NAMED_ENTITIES;
use scraper::{ElementRef, Html};

/// A node of a fragment's tree.
#[derive(Debug, PartialEq)]
pub enum Node<'a> {
    /// An element and what it holds.
    Element(Element<'a>),
    /// Text, its character references decoded.
    Text(Cow<'a, str>),
}

/// An element, its attributes as the parser reads them (the first of two
/// with one name), and its children.
#[derive(Debug, PartialEq)]
pub struct Element<'a> {
    name: Cow<'a, str>,
    attributes: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// What it holds, in order.
    pub children: Vec<Node<'a>>,
}

impl Element<'_> {
    /// Its name, in lower case.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value of its attribute `name`, decoded.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_ref())
    }

    /// Whether `class` is one of the element's classes (case-sensitive).
    pub fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|c| c == class))
    }
}

/// The nodes of `html` parsed as a fragment of a page's body.
pub fn parse(html: &str) -> Vec<Node<'_>> {
    written_tree(html).unwrap_or_else(|| parsed_tree(html))
}

/// [`parse`] with the HTML parser.
fn parsed_tree(html: &str) -> Vec<Node<'static>> {
    fn nodes(el: ElementRef<'_>) -> Vec<Node<'static>> {
        el.children()
            .filter_map(|child| match child.value() {
                scraper::Node::Text(t) => Some(Node::Text(Cow::Owned(t.to_string()))),
                scraper::Node::Element(e) => Some(Node::Element(Element {
                    name: Cow::Owned(e.name().to_string()),
                    attributes: e
                        .attrs()
                        .map(|(n, v)| (Cow::Owned(n.to_string()), Cow::Owned(v.to_string())))
                        .collect(),
                    children: ElementRef::wrap(child).map(nodes).unwrap_or_default(),
                })),
                _ => None,
            })
            .collect()
    }
    nodes(Html::parse_fragment(html).root_element())
}

/// [`parse`] without the parser, when [`read`] can read `html`.
fn written_tree<'a>(html: &'a str) -> Option<Vec<Node<'a>>> {
    let element = |name, attributes| Element {
        name: Cow::Borrowed(name),
        attributes,
        children: Vec::new(),
    };
    let mut open = vec![element("", Vec::new())];
    // The root stays at the bottom: `read` closes only what it opened.
    let add = |open: &mut Vec<Element<'a>>, node| {
        if let Some(parent) = open.last_mut() {
            parent.children.push(node);
        }
    };
    read(html, |event| {
        match event {
            Event::Text(t) => add(&mut open, Node::Text(t)),
            Event::Open {
                name,
                attributes,
                kind,
            } => {
                let e = element(name, self::attributes(attributes)?);
                match kind {
                    Kind::Block | Kind::Inline => open.push(e),
                    _ => add(&mut open, Node::Element(e)),
                }
            }
            Event::Close => {
                if let Some(e) = open.pop() {
                    add(&mut open, Node::Element(e));
                }
            }
        }
        Some(())
    })?;
    let root = open.pop().filter(|_| open.is_empty())?;
    Some(root.children)
}

/// What [`read`] meets in the HTML, in order.
pub enum Event<'a> {
    /// A start tag, its attributes as written (up to its `>`, a `/` before
    /// it included). Elements of [`Kind::Block`] and [`Kind::Inline`] are
    /// closed by a later [`Event::Close`]; the others are empty.
    Open {
        /// In lower case.
        name: &'a str,
        /// As written: a space before each.
        attributes: &'a str,
        /// What the element is to [`read`].
        kind: Kind,
    },
    /// The end of the last element opened and not closed.
    Close,
    /// Text, its character references decoded; never empty.
    Text(Cow<'a, str>),
}

/// Reads `html` without a parser when it is written as minified reply HTML
/// is: each element closed where it is opened, of a few kinds, with no block
/// inside a paragraph, heading or inline element, no link inside a link,
/// list items straight inside their lists, and in its text no character
/// reference but `&amp;`, `&lt;`, `&gt;`, `&nbsp;` and `&quot;`. An HTML
/// parser builds of such HTML the tree it is written as, which is what
/// `on` is told of. Anything else gives `None` (`on` may have been told of
/// part of it), for the parser to read; so does `on` giving `None`.
pub fn read<'a>(html: &'a str, mut on: impl FnMut(Event<'a>) -> Option<()>) -> Option<()> {
    // Open elements: the name, and whether only inline elements may follow.
    let mut open: Vec<(&str, bool)> = Vec::new();
    let mut rest = html;
    loop {
        let lt = memchr::memchr(b'<', rest.as_bytes()).unwrap_or(rest.len());
        if lt > 0 {
            on(Event::Text(decode(&rest[..lt])?))?;
        }
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        let closing = rest.as_bytes().get(1) == Some(&b'/');
        let tag = &rest[if closing { 2 } else { 1 }..];
        let name_len = tag
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            .count();
        let (name, attributes) = tag.split_at(name_len);
        let end = tag_end(attributes)?;
        let self_closed = attributes[..end].ends_with('/');
        rest = &attributes[end + 1..];
        let kind = Kind::of(name)?;
        let inline_only = open.last().is_some_and(|&(_, inline)| inline);
        if closing {
            if open.pop()?.0 != name || end != 0 {
                return None;
            }
            on(Event::Close)?;
            continue;
        }
        match kind {
            Kind::Block if inline_only || self_closed => return None,
            Kind::Block => {
                if name == "li" && !matches!(open.last(), Some(&("ul" | "ol", _))) {
                    return None;
                }
                let inline = matches!(name, "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
                open.push((name, inline));
            }
            Kind::Inline if self_closed => return None,
            Kind::Inline => {
                if name == "a" && open.iter().any(|&(n, _)| n == "a") {
                    return None;
                }
                open.push((name, true));
            }
            Kind::Rule if inline_only => return None,
            Kind::Break | Kind::Rule | Kind::Empty => {}
        }
        on(Event::Open {
            name,
            attributes: &attributes[..end],
            kind,
        })?;
    }
    open.is_empty().then_some(())
}

/// The kinds of element [`read`] reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Its text on lines of its own.
    Block,
    /// Its text runs on with the text around it.
    Inline,
    /// `br`: a line break.
    Break,
    /// `hr`: a block with nothing in it.
    Rule,
    /// `img`, `input`: nothing in the text.
    Empty,
}

impl Kind {
    fn of(name: &str) -> Option<Kind> {
        Some(match name {
            "p" | "div" | "li" | "blockquote" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul"
            | "ol" | "section" | "figure" | "figcaption" => Kind::Block,
            "a" | "em" | "strong" | "b" | "i" | "code" | "s" | "del" | "ins" | "u" | "sup"
            | "sub" | "span" | "small" | "mark" | "abbr" | "cite" | "q" | "kbd" => Kind::Inline,
            "br" => Kind::Break,
            "hr" => Kind::Rule,
            "img" | "input" => Kind::Empty,
            _ => return None,
        })
    }
}

/// Where the tag whose attributes start `attributes` ends (its `>`): values
/// may be quoted, and hold `>`. `None` when a quote does not open a value,
/// or the tag does not end.
fn tag_end(attributes: &str) -> Option<usize> {
    let b = attributes.as_bytes();
    if !matches!(b.first(), Some(b' ' | b'>' | b'/')) {
        return None;
    }
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'>' => return Some(i),
            q @ (b'"' | b'\'') => {
                if i == 0 || b[i - 1] != b'=' {
                    return None;
                }
                i += 1 + memchr::memchr(q, &b[i + 1..])?;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The attributes of a start tag as minified HTML writes them: ` name`,
/// ` name=value`, ` name="value"` or ` name='value'`, one space before
/// each, names in lower case; values decoded as [`decode`] does. `None` for
/// anything else, which a parser may read otherwise.
fn attributes(written: &str) -> Option<Vec<(Cow<'_, str>, Cow<'_, str>)>> {
    let mut found: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
    let mut rest = written;
    // A `/` before `>`: the tag closes itself, which says nothing here.
    while !matches!(rest, "" | "/" | " /") {
        rest = rest.strip_prefix(' ')?;
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
            .count();
        if name_len == 0 || !rest[..name_len].starts_with(|c: char| c.is_ascii_lowercase()) {
            return None;
        }
        let name = &rest[..name_len];
        rest = &rest[name_len..];
        let value = match rest.strip_prefix('=') {
            None => "",
            Some(after) => match after.as_bytes().first() {
                Some(&q @ (b'"' | b'\'')) => {
                    let len = memchr::memchr(q, &after.as_bytes()[1..])?;
                    rest = &after[len + 2..];
                    &after[1..len + 1]
                }
                _ => {
                    let len = after.find(' ').unwrap_or(after.len());
                    let value = &after[..len];
                    if value.is_empty()
                        || value.contains(['"', '\'', '<', '=', '`', '\t', '\n', '\x0c', '\r'])
                    {
                        return None;
                    }
                    rest = &after[len..];
                    value
                }
            },
        };
        if !(rest.is_empty() || rest.starts_with(' ') || rest == "/") {
            return None;
        }
        if !found.iter().any(|(n, _)| n == name) {
            found.push((Cow::Borrowed(name), decode(value)?));
        }
    }
    Some(found)
}

/// `text` with its character references decoded; `None` for a reference
/// other than the few minified HTML has, or characters a parser reads
/// otherwise.
fn decode(text: &str) -> Option<Cow<'_, str>> {
    // Byte by byte: a set of characters is looked for one character at a time.
    // U+FEFF is EF BB BF in UTF-8.
    if memchr::memchr2(b'\r', 0, text.as_bytes()).is_some()
        || memchr::memmem::find(text.as_bytes(), "\u{feff}".as_bytes()).is_some()
    {
        return None;
    }
    if !text.contains('&') {
        return Some(Cow::Borrowed(text));
    }
    const KNOWN: [(&str, char); 5] = [
        ("amp;", '&'),
        ("lt;", '<'),
        ("gt;", '>'),
        ("nbsp;", '\u{a0}'),
        ("quot;", '"'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (decoded, len) =
            if let Some(&(name, c)) = KNOWN.iter().find(|(name, _)| after.starts_with(name)) {
                (c, name.len())
            } else if after.starts_with('#') || names_an_entity(after) {
                return None;
            } else {
                ('&', 0)
            };
        out.push(decoded);
        rest = &after[len..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// Whether a parser reads a character reference where `after` follows an
/// ampersand in text: some start of it is a whole entity name (its table
/// also holds every start of a name, with no characters).
fn names_an_entity(after: &str) -> bool {
    // Entity names are ASCII: a start of `after` that is not stops the search.
    let ascii = after.bytes().take_while(u8::is_ascii).count();
    for len in 1..=ascii {
        match NAMED_ENTITIES.get(&after[..len]) {
            None => return false,
            Some(&(0, 0)) => {}
            Some(_) => return true,
        }
    }
    false
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reply_html_is_read_without_a_parser_as_a_parser_reads_it() {
        let html = "<p lang=fr>Dear <strong>all</strong>, R&amp;D:</p><ul><li>one <a href=\"https://example.org/?a=1&amp;b=>2\" rel=\"nofollow noopener\">link</a></li></ul><p><a class=\"fnback x\" href=#r1>↩</a><img alt=pic src=a.png></p>";
        let tree = written_tree(html).expect("read without a parser");
        assert_eq!(
            sorted(written_tree(html).expect("read")),
            sorted(parsed_tree(html))
        );
        let Node::Element(p) = &tree[0] else {
            panic!("{tree:?}")
        };
        assert_eq!((p.name(), p.attr("lang")), ("p", Some("fr")));
        let Node::Element(list) = &tree[1] else {
            panic!("{tree:?}")
        };
        let Node::Element(item) = &list.children[0] else {
            panic!("{list:?}")
        };
        let Node::Element(link) = &item.children[1] else {
            panic!("{item:?}")
        };
        assert_eq!(link.attr("href"), Some("https://example.org/?a=1&b=>2"));
        let Node::Element(last) = &tree[2] else {
            panic!("{tree:?}")
        };
        let Node::Element(back) = &last.children[0] else {
            panic!("{last:?}")
        };
        assert!(back.has_class("fnback") && back.has_class("x") && !back.has_class("fn"));
    }

    #[test]
    fn attributes_a_parser_reads_otherwise_are_left_to_the_parser() {
        for html in [
            "<a HREF=x>a</a>",
            "<a href=\"x\"title=y>a</a>",
            "<a  href=x>a</a>",
            "<a href=a=b>a</a>",
            "<a href=&eacute;>a</a>",
            "<a href=x\ty>a</a>",
        ] {
            assert_eq!(written_tree(html), None, "{html}");
            assert!(!parse(html).is_empty(), "{html}");
        }
    }

    /// Bits of HTML: the elements read without a parser, others, closing tags
    /// that match or not, attributes with quotes and `>`, entities.
    pub(crate) fn bit() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "<p>",
            "</p>",
            "<div>",
            "</div>",
            "<li>",
            "</li>",
            "<ul>",
            "</ul>",
            "<ol>",
            "</ol>",
            "<h2>",
            "</h2>",
            "<blockquote>",
            "</blockquote>",
            "<section class=footnotes>",
            "</section>",
            "<a href=\"x>y\">",
            "<a href='q'>",
            "<a href=x>",
            "<a href=x&amp;y&lt;z class=\"fnback b\">",
            "<a href=\"a b\"title=c>",
            "<a href=x href=y>",
            "<a href=a=b>",
            "<a HREF=x>",
            "<a  href=x>",
            "<a href=&copy>",
            "<a href=\"&#39;\">",
            "<a href=x/>",
            "<a href=\"\" data-x rel=\"nofollow noopener\">",
            "<span lang=fr>",
            "<span lang=es dir=ltr>",
            "</a>",
            "</span>",
            "<em>",
            "</em>",
            "<strong>",
            "</strong>",
            "<code>",
            "</code>",
            "<sup>",
            "</sup>",
            "<br>",
            "<br/>",
            "<hr>",
            "<img alt=\"a>b\" src=i.png>",
            "<img alt=x src=i.png />",
            "<input type=checkbox disabled>",
            "<table>",
            "<td>",
            "</td>",
            "<pre>",
            "</pre>",
            "<b/>",
            "<p >",
            "</p >",
            "<P>",
            "<!-- c -->",
            "<tr>",
            "<dl>",
            "<dt>",
            "text",
            " ",
            "\n",
            "&amp;",
            "&lt;",
            "&gt;",
            "&",
            "& ",
            "&eacute;",
            "&#39;",
            "&amp",
            "&nbsp;",
            "&quot;",
            "&nbsp",
            "R&D",
            "&D",
            "&copy",
            "&notit;",
            "&#",
            "<",
            "< ",
            ">",
            "é",
            "\r",
            "\u{a0}",
        ])
    }

    /// Elements in elements, each closed: often as minified replies are
    /// written, sometimes not (a block in a paragraph, an item outside a list).
    pub(crate) fn tree() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![bit().prop_map(str::to_string), Just("words".to_string())];
        leaf.prop_recursive(4, 64, 6, |inner| {
            let names = proptest::sample::select(vec![
                "p",
                "div",
                "li",
                "ul",
                "ol",
                "h2",
                "blockquote",
                "section",
                "a",
                "em",
                "strong",
                "code",
                "sup",
                "span",
                "figure",
            ]);
            (names, proptest::collection::vec(inner, 0..6))
                .prop_map(|(n, kids)| format!("<{n}>{}</{n}>", kids.concat()))
        })
    }

    /// Inline elements in blocks, each closed, with attributes as minified
    /// HTML writes them and as it does not: mostly read without a parser.
    pub(crate) fn written() -> impl Strategy<Value = String> {
        let attributes = proptest::sample::select(vec![
            "",
            " href=x",
            " href=\"a b\"",
            " href='q'",
            " lang=fr",
            " class=\"fnback x\"",
            " class=a\u{a0}b",
            " href=x&amp;y&lt;",
            " href=a&b",
            " href=&copy",
            " href=&copyx",
            " title=\"a&quot;b\" href=\"\"",
            " data-x",
            " href=x/",
            " alt=\"\"",
            " href=\"x\" title=y",
            " href=\"x\"title=y",
            " rel=\"nofollow noopener\" href=\"https://e.org/?a=1&amp;b=2\"",
            " href=x href=y",
            " lang=es dir=rtl",
            " title=é",
            " title=a\tb",
            " Title=a",
            " href=\"x\"/",
        ]);
        let text = proptest::sample::select(vec![
            "words", " ", "\n", "&amp;", "&lt;", "R&D", "é", "&nbsp;", "&quot;", "&eacute;",
        ]);
        let empty = (
            proptest::sample::select(vec!["br", "img", "input"]),
            attributes.clone(),
            proptest::sample::select(vec!["", "/", " /"]),
        )
            .prop_map(|(n, a, slash)| format!("<{n}{a}{slash}>"));
        let leaf = prop_oneof![text.prop_map(str::to_string), empty];
        let inline = leaf.prop_recursive(3, 24, 4, move |inner| {
            let names = proptest::sample::select(vec!["a", "em", "strong", "code", "span", "sup"]);
            (
                names,
                attributes.clone(),
                proptest::collection::vec(inner, 0..4),
            )
                .prop_map(|(n, a, kids)| format!("<{n}{a}>{}</{n}>", kids.concat()))
        });
        let blocks = proptest::sample::select(vec!["p", "h2", "blockquote", "div", "li", "figure"]);
        let block = (blocks, proptest::collection::vec(inline, 0..4)).prop_map(|(n, kids)| {
            let kids = kids.concat();
            match n {
                "li" => format!("<ul><li>{kids}</li></ul>"),
                _ => format!("<{n}>{kids}</{n}>"),
            }
        });
        proptest::collection::vec(block, 0..4).prop_map(|b| b.concat())
    }

    /// `nodes` with each element's attributes in name order: the parser
    /// keeps them so, and their order means nothing.
    fn sorted(mut nodes: Vec<Node<'_>>) -> Vec<Node<'_>> {
        fn sort(nodes: &mut [Node<'_>]) {
            for node in nodes {
                if let Node::Element(e) = node {
                    e.attributes.sort();
                    sort(&mut e.children);
                }
            }
        }
        sort(&mut nodes);
        nodes
    }

    /// HTML from [`bit`]s and [`tree`]s.
    pub(crate) fn html() -> impl Strategy<Value = String> {
        proptest::collection::vec(prop_oneof![bit().prop_map(str::to_string), tree()], 0..8)
            .prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Wherever HTML is read without a parser, the tree is the parser's.
        #[test]
        fn html_read_without_a_parser_gives_the_parsers_tree(
            html in prop_oneof![html(), written()]
        ) {
            if let Some(written) = written_tree(&html) {
                prop_assert_eq!(sorted(written), sorted(parsed_tree(&html)), "{}", html);
            }
        }
    }
}
