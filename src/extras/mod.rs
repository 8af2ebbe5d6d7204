//! Files of the site that are not HTML pages rendered from a template per
//! language: search index, feeds, sitemap, open data, reports as Word
//! documents; and what pages share with them (chart layout, countries' names);
//! and how far summaries cite the replies (coverage).
//!
//! Each is computed from the model alone and returned as bytes; `build` writes
//! them beside the pages.

pub mod countries;
pub mod coverage;
mod docx;
mod feeds;
mod opendata;
pub mod search;
mod sitemap;
pub mod stats;

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::i18n::Translations;
use crate::model::Site;
use crate::site;

/// One generated file: its path under the output folder and its bytes.
pub struct OutputFile {
    /// Where it goes: its `/`-separated path from the output folder's root,
    /// e.g. `data/water-2024.csv`.
    pub path: String,
    /// Its content, written as it is.
    pub bytes: Vec<u8>,
}

/// Makes some of the extra files. Jobs run one at a time per thread, and
/// their files are written before the next starts, so that only a few large
/// files (a discussion's open data) are in memory at once.
pub struct Job<'a> {
    /// What it makes, for messages.
    pub what: &'static str,
    /// A hash of everything its files are made from: a job whose key is in
    /// the build cache, with its files still in the output, need not run.
    pub key: blake3::Hash,
    make: Box<dyn Fn() -> Result<Vec<OutputFile>, JobError> + Send + Sync + 'a>,
}

impl<'a> Job<'a> {
    /// A job named `name` (unique among jobs) whose files are made by
    /// `make` from `inputs` and nothing else: every value `make` reads must
    /// be in `inputs`, else a rebuild would keep stale files.
    fn new(
        what: &'static str,
        name: &str,
        inputs: &impl std::fmt::Debug,
        make: impl Fn() -> Result<Vec<OutputFile>, JobError> + Send + Sync + 'a,
    ) -> Job<'a> {
        let mut h = blake3::Hasher::new();
        // palabre's version and the cache format: other code, other files.
        h.update(crate::util::cache_header().as_bytes());
        h.update(name.as_bytes());
        crate::util::hash_debug(&mut h, inputs);
        Job {
            what,
            key: h.finalize(),
            make: Box::new(make),
        }
    }

    /// The files. An error other than a reply's texts lost from the build
    /// cache is a bug in palabre, reported against `site.yaml`.
    pub fn run(&self, content: &Path) -> Result<Vec<OutputFile>, Diagnostic> {
        (self.make)().map_err(|e| match e {
            JobError::Texts(d) => d,
            JobError::Bug(e) => Diagnostic::error(
                &content.join("site.yaml"),
                None,
                format!("cannot write the {}: {e}", self.what),
            )
            .hint("this is a bug in palabre; please report it with the content folder"),
        })
    }
}

/// Why a job made no files.
pub enum JobError {
    /// A reply's texts could not be read back from the build cache.
    Texts(Diagnostic),
    /// Anything else: palabre should always be able to make its files.
    Bug(String),
}

impl From<Diagnostic> for JobError {
    fn from(d: Diagnostic) -> JobError {
        JobError::Texts(d)
    }
}

impl From<String> for JobError {
    fn from(e: String) -> JobError {
        JobError::Bug(e)
    }
}

/// The jobs that make every extra file of the site (feeds and sitemap only
/// with `base_url`). `discussions` are the discussions' hashes
/// ([`crate::model::SiteHashes`]); `saved_index` where the search index is
/// kept between builds.
pub fn jobs<'a>(
    site: &'a Site,
    i18n: &'a Translations,
    discussions: &[blake3::Hash],
    saved_index: Option<&'a Path>,
) -> Vec<Job<'a>> {
    // Longest first: two threads share the jobs, and one that starts last
    // must not be a long one. A discussion's Word documents take longest,
    // then the search index.
    let mut jobs: Vec<Job<'a>> = site
        .discussions
        .iter()
        .zip(discussions)
        .map(|(d, key)| {
            // Languages and base_url from the settings, words from the theme.
            let inputs = (&site.config, i18n, key);
            Job::new("Word documents", "docx", &inputs, move || {
                docx::files(site, i18n, d)
            })
        })
        .collect();
    // The whole site as keys: its settings and each discussion's hash.
    let whole_site = (&site.config, discussions);
    jobs.push(Job::new("search index", "search", &whole_site, move || {
        Ok(search::files(site, saved_index)?)
    }));
    for (d, key) in site.discussions.iter().zip(discussions) {
        jobs.push(Job::new("open data", "csv", key, move || {
            opendata::csv_file(d)
        }));
        jobs.push(Job::new("open data", "json", key, move || {
            opendata::json_file(d)
        }));
        jobs.push(Job::new("search index", "search-texts", key, move || {
            search::text_files(d)
        }));
    }
    if let Some(base) = site.config.base_url.as_deref()
        && site::has_feeds(site)
    {
        for (d, key) in site.discussions.iter().zip(discussions) {
            // Titles and languages from the settings, words from the theme.
            let inputs = (&site.config, i18n, key);
            jobs.push(Job::new("feeds", "feeds", &inputs, move || {
                feeds::files(site, i18n, d, base)
            }));
        }
        jobs.push(Job::new("sitemap", "sitemap", &whole_site, move || {
            Ok(sitemap::files(site, base))
        }));
    }
    jobs
}
