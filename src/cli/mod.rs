//! The subcommands: each a client of the library, owning its arguments and
//! its output to the terminal.

pub(crate) mod brief;
pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod coverage;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod new;
pub(crate) mod serve;
pub(crate) mod translations;

use std::path::{Path, PathBuf};

use palabre::diagnostic::Diagnostic;
use palabre::model::{Discussion, Site};
use palabre::{BuildOptions, Progress};

/// Where a site comes from and goes to: shared by `build` and `serve`.
#[derive(clap::Args)]
pub(crate) struct SiteArgs {
    /// The content folder (site.yaml, one folder per discussion).
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Where to write the site. It is built aside first, so an error changes
    /// nothing; then swapped in whole, or, when at most half of its files
    /// changed, those replaced in place. The build cache is kept beside it.
    #[arg(long, default_value = "public")]
    pub output: PathBuf,
    /// The folder holding themes (default: `themes/` beside the content
    /// folder; without it, the default theme built into palabre).
    #[arg(long)]
    pub themes: Option<PathBuf>,
    /// Write into a non-empty output folder that palabre did not create
    /// (never into the content folder).
    #[arg(long)]
    pub force: bool,
}

impl SiteArgs {
    pub(crate) fn build_options(&self, progress: Option<Box<dyn Progress>>) -> BuildOptions {
        BuildOptions {
            content: self.content.clone(),
            output: self.output.clone(),
            themes: self.themes.clone(),
            force: self.force,
            progress,
        }
    }
}

/// Prints problems on stderr, one block each.
pub(crate) fn print_all<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) {
    for d in diags {
        eprintln!("{d}");
    }
}

/// The address of the discussion `written` names, when one is named
/// (`Ok(None)` for all); `Err` once the unknown name is said.
pub(crate) fn only_discussion<'s>(
    site: &'s Site,
    written: Option<&str>,
    content: &Path,
) -> Result<Option<&'s str>, ()> {
    match written {
        Some(w) => find_discussion(site, w, content)
            .map(|d| Some(d.slug.as_str()))
            .ok_or(()),
        None => Ok(None),
    }
}

/// The discussion of `site` that `written` names by its address (any case,
/// any accents, as links to discussions are); else says which there are.
pub(crate) fn find_discussion<'s>(
    site: &'s Site,
    written: &str,
    content: &Path,
) -> Option<&'s Discussion> {
    let wanted = palabre::util::address(written);
    let found = site.discussions.iter().find(|d| d.slug == wanted);
    if found.is_none() {
        let known: Vec<&str> = site.discussions.iter().map(|d| d.slug.as_str()).collect();
        eprintln!(
            "error: there is no discussion `{written}` in {}\n  hint: the discussions are: {}",
            content.display(),
            known.join(", ")
        );
    }
    found
}
