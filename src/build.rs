//! The `build` and `check` pipelines: load, render, write.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::content;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::extras::coverage;
use crate::lang::Lang;
use crate::model::{Discussion, Site, count_by_lang};
use crate::output::{self, FileHashes, OutputTable, Staging};
use crate::render::{RenderError, Renderer};
use crate::site;
use crate::store::Store;
use crate::style;
use crate::theme::Theme;

/// What [`build`] reads, where it writes, and how.
pub struct BuildOptions {
    /// The content folder: `site.yaml` and one folder per discussion.
    pub content: PathBuf,
    /// The output folder. The build replaces it whole, so it must be new, empty
    /// or made by palabre (see `force`).
    pub output: PathBuf,
    /// Where themes live; `themes/` beside the content folder when `None`.
    pub themes: Option<PathBuf>,
    /// Replace a non-empty output folder that palabre did not create.
    pub force: bool,
    /// Told of each page rendered; the command line shows it on a terminal only.
    pub progress: Option<Box<dyn Progress>>,
}

/// How far a build is, as pages are rendered (from several threads at once).
pub trait Progress: Send + Sync {
    /// Pages are about to be rendered: `total` of them.
    fn start(&self, total: usize);
    /// `n` more pages are done.
    fn advance(&self, n: usize);
    /// All pages are done; the rest of the build is quick.
    fn finish(&self);
}

/// What a successful build did: what [`BuildReport::summary`] tells.
pub struct BuildReport {
    /// Every page of the site, rendered or not.
    pub pages: usize,
    /// Pages rendered by this build; the others were unchanged.
    pub rendered: usize,
    /// Every file of the new output: pages, the theme's static files, the
    /// files `style:` adds, and those the jobs make.
    pub files: usize,
    /// Jobs that make the files other than pages (search index, open data,
    /// feeds, sitemap), and how many of them ran: the others' inputs had
    /// not changed, so their files were kept.
    pub jobs: usize,
    /// How many of the `jobs` ran.
    pub jobs_run: usize,
    /// Replies per language, every discussion together.
    pub replies_by_lang: BTreeMap<Lang, usize>,
    /// Warnings about the content; the build went through.
    pub warnings: Vec<Diagnostic>,
    /// How long the build took.
    pub elapsed: Duration,
}

impl BuildReport {
    /// The one line that ends a build: pages, replies per language, time.
    pub fn summary(&self, output: &Path) -> String {
        let total: usize = self.replies_by_lang.values().sum();
        let langs: Vec<String> = self
            .replies_by_lang
            .iter()
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        let replies = if total == 1 { "reply" } else { "replies" };
        let warnings = match self.warnings.len() {
            0 => String::new(),
            n => format!(", {n} warning(s)"),
        };
        format!(
            "built {} pages ({} rendered, {} unchanged) from {total} {replies} ({}) in {:.2} s into {}{warnings}",
            self.pages,
            self.rendered,
            self.pages - self.rendered,
            langs.join(", "),
            self.elapsed.as_secs_f64(),
            output.display(),
        )
    }
}

impl BuildOptions {
    /// The folder holding themes: `--themes`, else `themes/` beside the
    /// content folder.
    pub fn themes_dir(&self) -> PathBuf {
        self.themes
            .clone()
            .unwrap_or_else(|| themes_beside(&self.content))
    }
}

/// `themes/` beside the content folder `content`: where a site's themes are
/// looked for unless told otherwise.
pub fn themes_beside(content: &Path) -> PathBuf {
    std::path::absolute(content)
        .ok()
        .and_then(|p| p.parent().map(|p| p.join("themes")))
        .unwrap_or_else(|| PathBuf::from("themes"))
}

/// Reads and checks the content folder, and the theme `themes/` beside it,
/// without writing anything: every problem a build reports, errors and
/// warnings.
pub fn check(content: &Path) -> Diagnostics {
    let (site, diags) = content::load(content);
    let mut diags = diagnose(site.as_ref(), diags, content);
    if let Some(site) = &site {
        match Theme::load(&themes_beside(content), &site.config.theme) {
            Ok(theme) => match theme.compile(&site.config.languages) {
                Ok(_) => diags.extend(review_style(site, &theme, content)),
                Err(errors) => diags.extend(errors),
            },
            Err(errors) => diags.extend(errors),
        }
    }
    diags.sorted()
}

/// Every problem with the content, as `build` and `check` both report it:
/// what loading found (`loaded`), and, for a site that loaded, what
/// [`review`] finds in it.
fn diagnose(site: Option<&Site>, mut loaded: Diagnostics, content: &Path) -> Diagnostics {
    if let Some(site) = site {
        loaded.extend(review(site, content));
    }
    loaded.sorted()
}

/// Warnings about `style:` in site.yaml, with the theme it is used with.
fn review_style(site: &Site, theme: &Theme, content: &Path) -> Vec<Diagnostic> {
    style::review(
        &site.config.style,
        &theme.backgrounds(),
        &content.join(content::SITE_FILE),
    )
}

/// Warnings about a whole site that do not stop a build but that a
/// moderator wants to see before publishing: no `base_url` (so no feeds),
/// untranslated questions, the same reply filed twice, a language whose
/// replies a summary does not cite.
fn review(site: &Site, content: &Path) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if !site::has_feeds(site) && !site.config.base_url_left_empty {
        found.push(
            Diagnostic::warning(
                &content.join(content::SITE_FILE),
                None,
                "base_url is not set: the site has no Atom feeds, sitemap.xml or robots.txt",
            )
            .hint("they need the site's absolute address: add `base_url: https://example.org/discussions` to site.yaml, or `base_url: \"\"` for a site without one"),
        );
    }
    // Discussions side by side: this runs before any page is made.
    let per_discussion: Vec<Vec<Diagnostic>> = site
        .discussions
        .par_iter()
        .map(|d| review_discussion(site, d))
        .collect();
    found.extend(per_discussion.into_iter().flatten());
    found
}

/// [`review`]'s warnings about discussion `d`.
fn review_discussion(site: &Site, d: &Discussion) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let file = &d.source;
    for q in d.questions() {
        let missing: Vec<&str> = site
            .config
            .languages
            .iter()
            .filter(|l| !q.text.0.contains_key(l))
            .map(|l| l.code())
            .collect();
        if !missing.is_empty() {
            found.push(
                Diagnostic::warning(file, Some(q.line), format!("question {} has no text in {}", q.id, missing.join(", ")))
                    .hint("readers of those languages see the original text with a note; add the translation under `text:`"),
            );
        }
    }
    found.extend(uncited_languages(d));
    // Equal texts have equal hashes: the texts need not be read.
    let mut seen: BTreeMap<(Option<&str>, [u8; 32]), &Path> = BTreeMap::new();
    for r in &d.replies {
        if let Some(first) = seen.insert((r.author.as_deref(), r.texts.hash()), &r.source) {
            found.push(
                Diagnostic::warning(
                    &r.source,
                    Some(1),
                    format!("same author and text as {}", first.display()),
                )
                .hint("the reply was probably filed twice: delete one of the two files"),
            );
        }
    }
    found
}

/// A warning for each question whose summary cites replies, but none in a
/// language that has replies to the question: a whole language community
/// seemingly left out of the synthesis. A summary that cites no reply at all
/// is not warned about: its moderators do not cite, and every language would
/// be named.
fn uncited_languages(d: &Discussion) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for q in d.questions() {
        let Some(summaries) = d.summaries.get(&q.id) else {
            continue;
        };
        let c = coverage::question(d, q);
        if c.cited == 0 {
            continue;
        }
        // The summary in the discussion's own language names the question's
        // summary best; any other when there is none.
        let Some(summary) = summaries
            .get(&d.original_lang)
            .or_else(|| summaries.values().next())
        else {
            continue;
        };
        for (code, count) in &c.by_language {
            if count.cited > 0 {
                continue;
            }
            let Some(lang) = Lang::from_code(code) else {
                continue;
            };
            let example = d
                .replies
                .iter()
                .find(|r| r.lang == lang && r.answers.contains(&q.id))
                .map(|r| {
                    format!(
                        "`[{}](../replies/{}.md)`",
                        r.author.as_deref().unwrap_or("text"),
                        content::file_stem(&r.source)
                    )
                })
                .unwrap_or_default();
            found.push(
                Diagnostic::warning(
                    &summary.source,
                    None,
                    format!(
                        "the consolidated reply to question {} cites none of its {} {} in {}",
                        q.id,
                        count.replies,
                        if count.replies == 1 { "reply" } else { "replies" },
                        lang.english_name(),
                    ),
                )
                .hint(format!(
                    "a whole language community is left out of the synthesis: cite a reply in {}, e.g. {example}, or see them all with `palabre coverage`",
                    lang.english_name()
                )),
            );
        }
    }
    found
}

/// Builds the site. On any error nothing is written and every problem is returned.
///
/// Builds are incremental: replies unchanged since the last build come from
/// the cache beside the output, pages whose fingerprint has not changed are
/// carried over from the previous site (hard links: same bytes, same
/// modification time), and only the rest is rendered.
///
/// The steps, in their order:
/// 1. load the content folder (replies unchanged since the last build from
///    the store) and report every problem at once;
/// 2. plan: the theme, the pages and the other files (jobs), and the table
///    of what the previous build wrote;
/// 3. make the pages and the other files side by side, into a folder
///    beside the output: the output is untouched until step 5;
/// 4. add the theme's static files and those made from `style:`;
/// 5. swap the new output in, the old table forgotten first so that it
///    never describes another output than the one on disk;
/// 6. save the store and the new table for the next build.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();

    // 1. Load.
    output::check_output_dir(&opts.content, &opts.output, opts.force).map_err(one)?;
    let store = Store::beside(&opts.output);
    // The table of the current output's files is read meanwhile.
    let ((site, loaded), previous) = rayon::join(
        || content::load_cached(&opts.content, Some(&store)),
        || OutputTable::read(store.dir()),
    );
    let diags = diagnose(site.as_ref(), loaded, &opts.content);
    let Some(site) = site else { return Err(diags) };

    // 2. Plan.
    let theme = Theme::load(&opts.themes_dir(), &site.config.theme).map_err(Diagnostics)?;
    let hashes = site.hashes();
    let renderer = Renderer::new(&theme, &site, &hashes).map_err(Diagnostics)?;
    let pages = site::pages(&site);
    let saved_index = store.search_index();
    let jobs = crate::extras::jobs(
        &site,
        renderer.translations(),
        &hashes.discussions,
        Some(&saved_index),
    );

    // 3. Make pages and other files. Pages go straight to disk, so that
    // memory does not grow with the site; a rebuild's few pages (one can be
    // a long report) need not wait for the search index.
    let out = NewOutput::beside(&opts.output, &previous)?;
    let (pages_made, jobs_made) = rayon::join(
        || make_pages(&out, &renderer, &theme, &pages, opts.progress.as_deref()),
        || run_jobs(&out, &jobs, &previous, &opts.content),
    );
    let (mut files, rendered) = pages_made?;
    let (made, jobs_run) = jobs_made?;

    // 4. Static files.
    files.extend(write_statics(
        &out,
        &site,
        &theme,
        &renderer,
        &opts.content,
    )?);

    // 5. Swap in.
    OutputTable::forget(store.dir()).map_err(|e| write_error(&opts.output, e))?;
    let leftovers = out
        .staging
        .commit((!previous.files.is_empty()).then(|| previous.files.keys()))
        .map_err(|e| write_error(&opts.output, e))?;

    // 6. Save what the next build starts from, while what the previous site
    // no longer uses is deleted.
    let mut warnings: Vec<Diagnostic> = diags
        .0
        .into_iter()
        .chain(review_style(&site, &theme, &opts.content))
        .collect();
    let (removed, saved) = rayon::join(
        || leftovers.remove(),
        || {
            // Stale reply entries left behind only take space; the heads
            // file only saves time.
            let _ = store.save_replies();
            OutputTable::save(store.dir(), &files, &made)
        },
    );
    if let Err(e) = saved {
        warnings.push(
            Diagnostic::warning(
                &opts.output,
                None,
                format!("cannot save the build cache: {e}"),
            )
            .hint("the site is complete; the next build will render every page again"),
        );
    }
    if let Err(e) = removed {
        warnings.push(
            Diagnostic::warning(
                &opts.output,
                None,
                format!("cannot remove what the previous site left beside it: {e}"),
            )
            .hint("the site is complete; the next build removes the folder"),
        );
    }

    Ok(BuildReport {
        pages: pages.len(),
        rendered,
        files: files.len() + made.iter().map(|(_, f)| f.len()).sum::<usize>(),
        jobs: jobs.len(),
        jobs_run,
        replies_by_lang: count_by_lang(site.discussions.iter().flat_map(|d| &d.replies)),
        warnings,
        elapsed: start.elapsed(),
    })
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

fn write_error(output: &Path, e: std::io::Error) -> Diagnostics {
    one(
        Diagnostic::error(output, None, format!("cannot write the site: {e}")).hint(
            "check that the output folder's parent is writable; the previous site was left as it was",
        ),
    )
}

/// The new output, written beside the current one, and what the current one
/// holds: a file whose fingerprint or hash is unchanged is kept as it is
/// (same bytes, same modification time) rather than made again.
struct NewOutput<'a> {
    staging: Staging,
    previous: &'a OutputTable,
    output: &'a Path,
}

impl<'a> NewOutput<'a> {
    fn beside(output: &'a Path, previous: &'a OutputTable) -> Result<NewOutput<'a>, Diagnostics> {
        Ok(NewOutput {
            staging: Staging::new(output).map_err(|e| write_error(output, e))?,
            previous,
            output,
        })
    }

    /// Whether `path` is in the current output with this `hash`, and is kept.
    fn unchanged(&self, path: &str, hash: &blake3::Hash) -> bool {
        self.previous.files.get(path) == Some(hash) && self.staging.keep(path)
    }

    /// A file other than a page, hashed by its bytes.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(String, blake3::Hash), Diagnostics> {
        let hash = blake3::hash(bytes);
        if !self.unchanged(path, &hash) {
            self.staging
                .write_if_changed(path, bytes)
                .map_err(|e| write_error(self.output, e))?;
        }
        Ok((path.to_string(), hash))
    }
}

/// Renders the pages whose fingerprint changed; returns every page with its
/// fingerprint, and how many were rendered.
fn make_pages(
    out: &NewOutput<'_>,
    renderer: &Renderer<'_>,
    theme: &Theme,
    pages: &[site::Page<'_>],
    progress: Option<&dyn Progress>,
) -> Result<(FileHashes, usize), Diagnostics> {
    if let Some(bar) = progress {
        bar.start(pages.len());
    }
    let outcomes: Vec<Result<(String, blake3::Hash, bool), Diagnostic>> = pages
        .par_iter()
        .map(|page| {
            if let Some(bar) = progress {
                bar.advance(1);
            }
            let path = page.path();
            let (fingerprint, prepared) = renderer.fingerprint(page);
            if out.unchanged(&path, &fingerprint) {
                return Ok((path, fingerprint, false));
            }
            let prepared = prepared.unwrap_or_else(|| renderer.prepare(page));
            let html = renderer.render(prepared).map_err(|e| match e {
                RenderError::Template(e) => theme.render_error(&path, &e),
                RenderError::Texts(d) => d,
            })?;
            out.staging.write_if_changed(&path, &html).map_err(|e| {
                Diagnostic::error(out.output, None, format!("cannot write {path}: {e}"))
                    .hint("check the disk space and the output folder's permissions")
            })?;
            Ok((path, fingerprint, true))
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish();
    }
    let mut files = Vec::with_capacity(outcomes.len());
    let mut errors = Vec::new();
    let mut rendered = 0;
    for outcome in outcomes {
        match outcome {
            Ok((path, fingerprint, fresh)) => {
                rendered += usize::from(fresh);
                files.push((path, fingerprint));
            }
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(crate::theme::merge_pages(errors)).sorted());
    }
    Ok((files, rendered))
}

/// Makes the files of each job, but for a job whose key is in the previous
/// table with its files still in the output: it would make the same files
/// again, so they are kept instead. Returns each job's files, and how many
/// jobs ran.
fn run_jobs(
    out: &NewOutput<'_>,
    jobs: &[crate::extras::Job<'_>],
    previous: &OutputTable,
    content: &Path,
) -> Result<(Vec<(blake3::Hash, FileHashes)>, usize), Diagnostics> {
    let jobs_run = AtomicUsize::new(0);
    let made = jobs
        .par_iter()
        // A job per task, so that a thread done with its pages takes the
        // next job rather than a share of them queued behind a long one.
        .with_max_len(1)
        .map(|job| {
            if let Some(kept) = previous.jobs.get(&job.key) {
                let paths: Vec<&str> = kept.iter().map(|(p, _)| p.as_str()).collect();
                if out.staging.keep_all(&paths) {
                    return Ok((job.key, kept.clone()));
                }
            }
            jobs_run.fetch_add(1, Ordering::Relaxed);
            let made = job.run(content).map_err(one)?;
            let files = made
                .iter()
                .map(|f| out.write(&f.path, &f.bytes))
                .collect::<Result<_, _>>()?;
            Ok((job.key, files))
        })
        .collect::<Result<_, Diagnostics>>()?;
    Ok((made, jobs_run.into_inner()))
}

/// The theme's static files, and those made from `style:` in site.yaml,
/// which win over a theme's file of the same name.
fn write_statics(
    out: &NewOutput<'_>,
    site: &Site,
    theme: &Theme,
    renderer: &Renderer<'_>,
    content: &Path,
) -> Result<FileHashes, Diagnostics> {
    let stylesheet = renderer
        .stylesheet()
        .map_err(|e| one(theme.render_error(style::STYLESHEET, &e)))?;
    let made_by_style = style::files(&site.config.style, stylesheet, content).map_err(one)?;
    let statics = theme
        .statics
        .iter()
        .map(|(path, bytes)| (format!("static/{path}"), bytes))
        .filter(|(path, _)| !made_by_style.iter().any(|(p, _)| p == path));
    statics
        .chain(made_by_style.iter().map(|(p, b)| (p.clone(), b)))
        .map(|(path, bytes)| out.write(&path, bytes))
        .collect()
}
