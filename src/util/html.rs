//! Minifying HTML: a page, or each part of it on its own.

use memchr::memmem::Finder;
use rayon::prelude::*;

/// Wraps, in a theme's templates, a part of a page that can be minified on
/// its own: whole elements, with no part inside. A report shows thousands of
/// replies: minified part by part, side by side, it needs neither one thread
/// nor one document tree of tens of megabytes.
const PART_OPEN: &str = "<palabre-part>";
const PART_CLOSE: &str = "</palabre-part>";

/// `html`, minified; its parts (`<palabre-part>` elements) each on their own, and
/// their wrappers dropped.
pub fn minify(html: &str) -> Vec<u8> {
    let mut outer = Vec::with_capacity(html.len());
    let mut parts = Vec::new();
    for cut in Cuts::new(html.as_bytes(), PART_OPEN, PART_CLOSE) {
        match cut {
            Cut::Between(text) => outer.extend_from_slice(text),
            Cut::Inside(part) => {
                // What stands for the part in the page until it is put back.
                outer.extend_from_slice(
                    format!("{PART_OPEN}{}{PART_CLOSE}", parts.len()).as_bytes(),
                );
                parts.push(part);
            }
        }
    }
    if parts.is_empty() {
        return minify_whole(html.as_bytes());
    }
    let parts: Vec<Vec<u8>> = parts.par_iter().map(|p| minify_whole(p)).collect();
    let outer = minify_whole(&outer);
    let mut out = Vec::with_capacity(outer.len() + parts.iter().map(Vec::len).sum::<usize>());
    for piece in Placeholders::new(&outer, PART_OPEN, PART_CLOSE) {
        match piece {
            Piece::Text(text) => out.extend_from_slice(text),
            Piece::Placeholder(n) => out.extend_from_slice(parts.get(n).map_or(&[][..], |p| p)),
        }
    }
    out
}

/// A page cut at the elements an `open` and a `close` tag make (not nested).
struct Cuts<'a> {
    rest: &'a [u8],
    // Built once per page: a report is cut at thousands of elements.
    open: Finder<'a>,
    close: Finder<'a>,
    /// What the element met holds, to give after the bytes before it.
    inside: Option<&'a [u8]>,
}

/// One piece of a page cut by [`Cuts`].
enum Cut<'a> {
    /// Bytes of the page up to the next element or the end (possibly
    /// empty); an `open` tag that is never closed and what follows it too.
    Between(&'a [u8]),
    /// What an element holds, its tags left out.
    Inside(&'a [u8]),
}

impl<'a> Cuts<'a> {
    fn new(page: &'a [u8], open: &'a str, close: &'a str) -> Cuts<'a> {
        Cuts {
            rest: page,
            open: Finder::new(open),
            close: Finder::new(close),
            inside: None,
        }
    }
}

impl<'a> Iterator for Cuts<'a> {
    type Item = Cut<'a>;

    fn next(&mut self) -> Option<Cut<'a>> {
        if let Some(inside) = self.inside.take() {
            return Some(Cut::Inside(inside));
        }
        if self.rest.is_empty() {
            return None;
        }
        let found = self.open.find(self.rest).and_then(|start| {
            let after = &self.rest[start + self.open.needle().len()..];
            let end = self.close.find(after)?;
            Some((start, after, end))
        });
        let Some((start, after, end)) = found else {
            return Some(Cut::Between(std::mem::take(&mut self.rest)));
        };
        let before = &self.rest[..start];
        self.inside = Some(&after[..end]);
        self.rest = &after[end + self.close.needle().len()..];
        Some(Cut::Between(before))
    }
}

/// A page cut at its placeholders, `<tag>N</tag>` tags that stand for
/// something put in later (a part minified apart, a reply's HTML).
pub struct Placeholders<'a>(Cuts<'a>);

/// One piece of a page cut by [`Placeholders`].
pub enum Piece<'a> {
    /// Bytes of the page, as they are, up to the next placeholder or the end
    /// (possibly empty).
    Text(&'a [u8]),
    /// A placeholder's number (`usize::MAX` when it is not a number).
    Placeholder(usize),
}

impl<'a> Placeholders<'a> {
    /// Cuts `page` at its placeholders: `open`, a number, then `close`.
    pub fn new(page: &'a [u8], open: &'a str, close: &'a str) -> Placeholders<'a> {
        Placeholders(Cuts::new(page, open, close))
    }
}

impl<'a> Iterator for Placeholders<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        Some(match self.0.next()? {
            Cut::Between(text) => Piece::Text(text),
            Cut::Inside(n) => Piece::Placeholder(
                std::str::from_utf8(n)
                    .ok()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(usize::MAX),
            ),
        })
    }
}

/// The minifier's settings, written once for the vendored minifier and, in
/// tests, for the published one it must agree with.
macro_rules! settings {
    ($cfg:ident) => {
        $cfg {
            minify_css: true,
            // minify-html's JS minifier is known to break scripts: leave them as written.
            minify_js: false,
            keep_closing_tags: true,
            keep_html_and_head_opening_tags: true,
            ..$cfg::default()
        }
    };
}

fn minify_whole(html: &[u8]) -> Vec<u8> {
    use minify_html::Cfg;
    minify_html::minify(html, &settings!(Cfg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_cut_at_their_placeholders() {
        let page = b"a<s>0</s>b<s>x</s><s>12</s>c<s>3";
        let pieces: Vec<String> = Placeholders::new(page, "<s>", "</s>")
            .map(|p| match p {
                Piece::Text(t) => String::from_utf8_lossy(t).into_owned(),
                Piece::Placeholder(n) => format!("#{n}"),
            })
            .collect();
        let not_a_number = format!("#{}", usize::MAX);
        assert_eq!(
            pieces,
            ["a", "#0", "b", &not_a_number, "", "#12", "c<s>3"],
            "an unclosed tag is text"
        );
    }

    #[test]
    fn parts_are_minified_apart_and_their_wrappers_dropped() {
        let card = |n: u32| {
            format!(
                "<article class=\"reply\">\n  <h3> Reply  {n} </h3>\n  <p>Some   text.</p>\n</article>"
            )
        };
        let cards: Vec<String> = (1..=3).map(card).collect();
        let page = |cards: &[String]| {
            format!(
                "<!doctype html>\n<html><head><title> T </title></head>\n<body>\n  <section>\n    {}\n  </section>\n</body></html>",
                cards.concat()
            )
        };
        let wrapped: Vec<String> = cards
            .iter()
            .map(|c| format!("{PART_OPEN}{c}{PART_CLOSE}"))
            .collect();
        let minified = minify(&page(&wrapped));
        assert_eq!(minified, minify_whole(page(&cards).as_bytes()));
        let text = String::from_utf8(minified).expect("utf-8");
        assert!(!text.contains("palabre-part"), "{text}");
        assert!(text.contains("<h3>Reply 3</h3>"), "{text}");
    }

    /// What the published minifier (of the version vendored) makes of `html`.
    fn upstream(html: &str) -> Vec<u8> {
        use minify_html_upstream::Cfg;
        minify_html_upstream::minify(html.as_bytes(), &settings!(Cfg))
    }

    fn shown(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    #[test]
    fn the_vendored_minifier_agrees_with_the_published_one_on_the_templates() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).expect("the default theme's templates") {
            let path = entry.expect("a template").path();
            let html = std::fs::read_to_string(&path).expect("a template's text");
            assert_eq!(
                shown(&minify_whole(html.as_bytes())),
                shown(&upstream(&html)),
                "{}",
                path.display()
            );
            seen += 1;
        }
        assert!(seen >= 10, "{seen} templates");
    }

    /// Bits of HTML with what the minifier's passes look for: entities, quotes,
    /// white space, chevrons, characters shorter encoded, and plain words.
    fn bit() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "a",
            "Zz",
            "09",
            " ",
            "  ",
            "\t",
            "\n",
            "&",
            "&amp;",
            "&amp",
            "&lt",
            "&gt;",
            "&nbsp;",
            "&#x2F;",
            "&#39;",
            "&#34",
            "&quot;",
            "&ampere",
            "\"",
            "'",
            "=",
            "`",
            "<",
            ">",
            "/",
            ";",
            "#",
            "é",
            "“",
            "”",
            "’",
            "\u{a0}",
            "·",
            "→",
            "<p",
            "</",
            "</p x=\">\">",
            "<!",
            "<!--",
            "-->",
            "<?",
            "<!DOCTYPE",
            "<!doctype",
            "<!doc",
            "<:",
            "<-",
            "<B",
            "x=1",
            "&NotANumber;",
            // Entity names, to follow an ampersand the parser has decoded.
            "lt",
            "amp;",
            "gt",
            "quot",
            "nbsp;",
            "copy",
            // Shorter as an entity (`&nGt;`), and characters that start like it.
            "\u{226b}\u{20d2}",
            "\u{226b}",
            "\u{226a}",
            "\u{20d2}",
        ])
    }

    fn words() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(bit(), 0..8).prop_map(|v| v.concat())
    }

    fn element() -> impl proptest::strategy::Strategy<Value = String> {
        let names = proptest::sample::select(vec![
            "p", "a", "div", "span", "pre", "li", "ul", "meta", "input", "link", "title",
            "textarea", "html", "head", "body", "br", "img", "td", "time", "nav", "svg", "P", "LI",
            "Td", "BR",
        ]);
        let attrs = proptest::sample::select(vec![
            "href",
            "class",
            "id",
            "lang",
            "title",
            "content",
            "name",
            "type",
            "value",
            "alt",
            "dir",
            "rel",
            "aria-label",
            "datetime",
            "checked",
            "hidden",
            "tabindex",
        ]);
        let quotes = proptest::sample::select(vec!["\"", "'", ""]);
        let attr = (attrs, quotes, words()).prop_map(|(a, q, v)| format!(" {a}={q}{v}{q}"));
        (
            names,
            proptest::collection::vec(attr, 0..4),
            words(),
            any::<bool>(),
        )
            .prop_map(|(n, attrs, text, close)| {
                let close = if close {
                    format!("</{n}>")
                } else {
                    String::new()
                };
                format!("<{n}{}>{text}{close}", attrs.concat())
            })
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The vendored minifier skips passes that would change nothing; what
        /// it writes is the published minifier's, byte for byte.
        #[test]
        fn the_vendored_minifier_agrees_with_the_published_one(
            pieces in proptest::collection::vec(prop_oneof![element(), words()], 0..12)
        ) {
            let html = pieces.concat();
            prop_assert_eq!(shown(&minify_whole(html.as_bytes())), shown(&upstream(&html)), "{}", html);
            // And with minify-html's own defaults, which omit closing tags,
            // and its settings that may break the HTML standard to save bytes.
            for loose in [false, true] {
                let mut vendored = minify_html::Cfg::default();
                let mut published = minify_html_upstream::Cfg::default();
                if loose {
                    vendored.enable_possibly_noncompliant();
                    published.enable_possibly_noncompliant();
                }
                prop_assert_eq!(
                    shown(&minify_html::minify(html.as_bytes(), &vendored)),
                    shown(&minify_html_upstream::minify(html.as_bytes(), &published)),
                    "{}",
                    html
                );
            }
        }
    }
}
