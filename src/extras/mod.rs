//! Files of the site that are not HTML pages rendered from a template per
//! language: feeds, sitemap, search index, open data, statistics.
//!
//! Each is computed from the model alone and returned as bytes; `build` writes
//! them beside the pages.

use crate::i18n::Translations;
use crate::model::Site;

/// One generated file: its path under the output folder and its bytes.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Every extra file of the site.
pub fn files(_site: &Site, _i18n: &Translations) -> Vec<OutputFile> {
    Vec::new()
}
