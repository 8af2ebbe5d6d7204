//! Files of the site that are not HTML pages rendered from a template per
//! language: search index, feeds, sitemap, open data; and what pages share with them
//! (plain text of replies, chart layout).
//!
//! Each is computed from the model alone and returned as bytes; `build` writes
//! them beside the pages.

mod feeds;
mod opendata;
pub mod search;
mod sitemap;
pub mod stats;
pub mod text;

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::i18n::Translations;
use crate::model::Site;
use crate::site;

/// One generated file: its path under the output folder and its bytes.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Every extra file of the site, and what could not be made: warnings
/// (feeds and sitemap without `base_url`) and errors, on which the build must
/// stop. `content` is the content folder, named in messages.
pub fn files(
    site: &Site,
    i18n: &Translations,
    content: &Path,
) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let site_file = content.join("site.yaml");
    let mut diags = Vec::new();
    let mut internal = |what: &str, e: String| {
        diags.push(
            Diagnostic::error(&site_file, None, format!("cannot write the {what}: {e}"))
                .hint("this is a bug in palabre; please report it with the content folder"),
        );
    };
    let texts = text::reply_texts(site);
    let mut out = search::files(site, &texts);
    match opendata::files(site, &texts) {
        Ok(files) => out.extend(files),
        Err(e) => internal("open data", e),
    }
    match site.config.base_url.as_deref() {
        Some(base) if site::has_feeds(site) => {
            match feeds::files(site, i18n, base) {
                Ok(files) => out.extend(files),
                Err(e) => internal("feeds", e),
            }
            out.extend(sitemap::files(site, base));
        }
        _ => diags.push(
            Diagnostic::warning(
                &site_file,
                None,
                "base_url is not set: the site has no Atom feeds, sitemap.xml or robots.txt",
            )
            .hint("they need the site's absolute address: add `base_url: https://example.org/discussions` to site.yaml"),
        ),
    }
    (out, diags)
}
