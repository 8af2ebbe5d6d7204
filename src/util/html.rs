//! Minifying HTML: a page, or each part of it on its own.

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
    let mut outer = String::new();
    let mut parts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(PART_OPEN) {
        let after = &rest[start + PART_OPEN.len()..];
        let Some(end) = after.find(PART_CLOSE) else {
            break;
        };
        outer.push_str(&rest[..start]);
        // What stands for the part in the page until it is put back.
        outer.push_str(&format!("{PART_OPEN}{}{PART_CLOSE}", parts.len()));
        parts.push(&after[..end]);
        rest = &after[end + PART_CLOSE.len()..];
    }
    if parts.is_empty() {
        return minify_whole(html);
    }
    outer.push_str(rest);
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

/// A page cut at its placeholders, `<tag>N</tag>` tags that stand for
/// something put in later (a part minified apart, a reply's HTML).
pub struct Placeholders<'a> {
    rest: &'a [u8],
    open: &'a str,
    close: &'a str,
    /// The number of the placeholder met, to give after the text before it.
    next: Option<usize>,
}

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
        Placeholders {
            rest: page,
            open,
            close,
            next: None,
        }
    }
}

impl<'a> Iterator for Placeholders<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        if let Some(n) = self.next.take() {
            return Some(Piece::Placeholder(n));
        }
        if self.rest.is_empty() {
            return None;
        }
        let found = memchr::memmem::find(self.rest, self.open.as_bytes()).and_then(|start| {
            let after = &self.rest[start + self.open.len()..];
            let end = memchr::memmem::find(after, self.close.as_bytes())?;
            Some((start, after, end))
        });
        let Some((start, after, end)) = found else {
            return Some(Piece::Text(std::mem::take(&mut self.rest)));
        };
        let text = &self.rest[..start];
        self.next = Some(
            std::str::from_utf8(&after[..end])
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(usize::MAX),
        );
        self.rest = &after[end + self.close.len()..];
        Some(Piece::Text(text))
    }
}

fn minify_whole(html: &str) -> Vec<u8> {
    let cfg = minify_html::Cfg {
        minify_css: true,
        // minify-html's JS minifier is known to break scripts: leave them as written.
        minify_js: false,
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        ..minify_html::Cfg::default()
    };
    minify_html::minify(html.as_bytes(), &cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(minified, minify_whole(&page(&cards)));
        let text = String::from_utf8(minified).expect("utf-8");
        assert!(!text.contains("palabre-part"), "{text}");
        assert!(text.contains("<h3>Reply 3</h3>"), "{text}");
    }
}
