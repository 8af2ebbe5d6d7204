//! Site links in rendered pages and feeds: a text's links to other pages of
//! the site are stored as [`SITE_ROOT`] + the page's path (see
//! [`crate::model::Link`]); each page, or feed, puts its own way to the site
//! in front.

use crate::model::SITE_ROOT;
use std::borrow::Cow;
use std::sync::LazyLock;

/// Finds [`SITE_ROOT`]; built once, as every piece of every page is searched.
static MARKER: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(SITE_ROOT));

/// Puts the page's way to the site's root and its language (`../../fr/`, or
/// `https://example.org/fr/` in a feed) before every site link of `html`.
/// Only markers that start an href count (the minifier may have dropped its
/// quotes); anything else is left as it is.
/// `html` is borrowed as it is when it has no site link, as most replies.
pub fn fill<'a>(html: &'a str, prefix: &str) -> Cow<'a, str> {
    if MARKER.find(html.as_bytes()).is_none() {
        return Cow::Borrowed(html);
    }
    let mut out = Vec::with_capacity(html.len());
    fill_into(&mut out, html.as_bytes(), prefix);
    // ASCII markers replaced by a `&str`: the bytes are still UTF-8.
    Cow::Owned(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// [`fill`], appending to `out`: a page made of pieces (its skeleton, the
/// replies in it) is filled as it is put together, in one pass. A marker at
/// the start of a piece counts when what `out` already ends with opens an href.
pub fn fill_into(out: &mut Vec<u8>, piece: &[u8], prefix: &str) {
    let marker = SITE_ROOT.as_bytes();
    let mut rest = piece;
    while let Some(i) = MARKER.find(rest) {
        out.extend_from_slice(&rest[..i]);
        if out.ends_with(b"href=\"") || out.ends_with(b"href=") {
            out.extend_from_slice(prefix.as_bytes());
        } else {
            out.extend_from_slice(marker);
        }
        rest = &rest[i + marker.len()..];
    }
    out.extend_from_slice(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_links_are_filled_across_the_pieces_of_a_page() {
        let mut out = Vec::new();
        fill_into(&mut out, b"<a href=\"", "../../fr/");
        fill_into(
            &mut out,
            format!("{SITE_ROOT}d/index.html\">{SITE_ROOT}</a>").as_bytes(),
            "../../fr/",
        );
        let out = String::from_utf8(out).expect("utf-8");
        assert_eq!(
            out,
            format!("<a href=\"../../fr/d/index.html\">{SITE_ROOT}</a>")
        );
    }

    #[test]
    fn only_site_markers_are_filled() {
        let html = format!(
            "<a href=\"{SITE_ROOT}d/index.html\">a</a> <a href=\"x\"> <a href={SITE_ROOT}e/index.html>b</a> {SITE_ROOT}text"
        );
        let out = fill(&html, "../../fr/");
        assert!(matches!(
            fill("<p>no link</p>", "../../fr/"),
            Cow::Borrowed(_)
        ));
        assert!(
            out.starts_with("<a href=\"../../fr/d/index.html\">"),
            "{out}"
        );
        assert!(out.contains("<a href=\"x\">"), "{out}");
        assert!(
            out.contains("<a href=../../fr/e/index.html>"),
            "unquoted: {out}"
        );
        assert!(
            out.ends_with(&format!(" {SITE_ROOT}text")),
            "not an href: {out}"
        );
    }
}
