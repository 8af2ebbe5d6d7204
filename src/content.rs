//! Loading a content folder: reading its settings (`settings`), walking it,
//! reading every file, turning front-matter and Markdown into the typed
//! model, and checking links once the whole site is known (`resolve`).
//! Every problem becomes a [`Diagnostic`]; all of them are collected, none
//! stops the others.

pub mod personal;
mod resolve;
mod settings;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Deserialize;
use serde_saphyr::Spanned;
use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::frontmatter::{self, line_of};
use crate::lang::{Detector, Lang, Versions};
use crate::markdown;
use crate::model::{
    Discussion, Group, GroupLabel, LangSource, LangText, Question, QuestionId, Reply, ReplyPart,
    Site, Summary, Texts, TranslationOf, text_version,
};
use crate::store::{self, Store};
use crate::util::text::plain_text;
use crate::util::{address, hash_debug};

/// The settings file, at the root of the content folder.
pub const SITE_FILE: &str = "site.yaml";
/// The file of a discussion folder that holds the discussion's title, dates
/// and questions, then its introduction.
pub const DISCUSSION_FILE: &str = "_discussion.md";

/// What `palabre new reply` writes where the reply's text goes, in each
/// language (English when none is given). A reply still holding it is
/// reported by `check` and `build`.
pub const PLACEHOLDERS: [(Lang, &str); 5] = [
    (Lang::EN, "Write the text of the reply here, in Markdown."),
    (Lang::FR, "Écrivez ici le texte de la réponse, en Markdown."),
    (
        Lang::ES,
        "Escriba aquí el texto de la respuesta, en Markdown.",
    ),
    (Lang::PT, "Escreva aqui o texto da resposta, em Markdown."),
    (Lang::AR, "اكتب هنا نص الرد، بصيغة ماركداون."),
];

/// The files of one discussion folder, as found on disk.
#[derive(Default)]
struct DiscussionFiles {
    discussion: Option<PathBuf>,
    replies: Vec<PathBuf>,
    summaries: Vec<PathBuf>,
}

/// What reading a discussion needs besides its files.
struct Readers<'a> {
    config: &'a SiteConfig,
    detector: Arc<Detector>,
    /// Replies read by an earlier build; `None` reads every file.
    cache: Option<&'a Store>,
}

/// The site's languages, as `site.yaml` in the content folder `dir` lists them.
pub fn site_languages(dir: &Path) -> Result<Vec<Lang>, Diagnostic> {
    settings::load_config(dir).map(|c| c.languages)
}

/// Reads and checks the whole content folder. Returns the site when there is
/// no error, and every diagnostic (warnings too) either way.
pub fn load(dir: &Path) -> (Option<Site>, Diagnostics) {
    load_cached(dir, None)
}

/// [`load`], taking unchanged replies from `cache`.
pub fn load_cached(dir: &Path, cache: Option<&Store>) -> (Option<Site>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let config = match settings::load_config(dir) {
        Ok(c) => c,
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    let site_file = dir.join(SITE_FILE);
    // Read again for the line only when there is something to warn about.
    let title_line = (!config.title_versions.stale.is_empty())
        .then(|| fs::read_to_string(&site_file).ok())
        .flatten()
        .and_then(|text| key_line(&text, "title"));
    diags.extend(stale_warnings(
        &site_file,
        title_line,
        "title of the site",
        &config.title_versions,
        config.default_lang,
        false,
    ));
    let logo = config.style.logo.as_ref().map(|l| l.file.as_str());
    let folders = walk(dir, logo, &mut diags);
    let readers = Readers {
        config: &config,
        detector: Arc::new(Detector::new(&config.languages)),
        cache,
    };

    let mut discussions = Vec::new();
    // Each discussion's address and the folder that has it.
    let mut addresses: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (name, files) in folders {
        let folder = dir.join(&name);
        let slug = address(&name);
        if slug.is_empty() {
            diags.push(no_address(
                &folder,
                &name,
                "folder",
                "territorial-approach-2013",
            ));
            continue;
        }
        if let Some(first) = addresses.get(&slug) {
            diags.push(same_address(&folder, first, &slug));
            continue;
        }
        addresses.insert(slug.clone(), folder.clone());
        let Some(path) = files.discussion else {
            diags.push(
                Diagnostic::error(
                    &folder,
                    None,
                    format!("discussion `{name}` has no {DISCUSSION_FILE}"),
                )
                .hint("add the file with the discussion's title and questions (see the README)"),
            );
            continue;
        };
        if let Some(d) = load_discussion(
            &path,
            slug,
            &files.replies,
            &files.summaries,
            &readers,
            &mut diags,
        ) {
            discussions.push(d);
        }
    }
    let mut site = (!diags.has_errors()).then_some(Site {
        config,
        discussions,
    });
    if let Some(site) = &mut site {
        diags.extend(resolve::resolve(site, dir));
    }
    (site, diags.sorted())
}

/// The error for a file or folder whose name gives no web address.
fn no_address(path: &Path, name: &str, what: &str, example: &str) -> Diagnostic {
    Diagnostic::error(
        path,
        None,
        format!("the {what} name `{name}` has no letter or digit to make a web address of"),
    )
    .hint(format!(
        "rename the {what} with a word or a number in it, e.g. `{example}`"
    ))
}

/// The error for two files or folders whose names give the same address.
fn same_address(path: &Path, other: &Path, address: &str) -> Diagnostic {
    Diagnostic::error(
        path,
        None,
        format!(
            "`{}` and `{}` would have the same web address `{address}`",
            other.display(),
            path.display()
        ),
    )
    .hint(
        "an address is the name in lowercase, without accents, with `-` for anything but letters and digits: rename one of the two so that they differ in letters or digits",
    )
}

/// Finds every discussion folder and its files, sorted by name so that the
/// output never depends on the order the file system lists them in.
fn walk(
    dir: &Path,
    logo: Option<&str>,
    diags: &mut Diagnostics,
) -> BTreeMap<String, DiscussionFiles> {
    let mut folders: BTreeMap<String, DiscussionFiles> = BTreeMap::new();
    // Unsorted: walkdir would compare names by taking each from its path,
    // thousands of times per folder. The lists are sorted at the end.
    let mut walker = WalkDir::new(dir)
        .min_depth(1)
        .max_depth(3)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                diags.push(
                    Diagnostic::error(&path, None, format!("cannot read: {e}"))
                        .hint("check the folder's permissions, or remove the broken link"),
                );
                continue;
            }
        };
        let path = entry.path();
        // Names are read as text (addresses, links): one that is not would
        // be read as another name.
        if entry.file_name().to_str().is_none() {
            diags.push(
                Diagnostic::error(path, None, "the name is not valid Unicode text").hint(
                    "rename it: the file system holds the name in another encoding than UTF-8",
                ),
            );
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let rel: Vec<String> = path
            .strip_prefix(dir)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if entry.path_is_symlink() {
            diags.push(
                Diagnostic::warning(path, None, "symbolic link ignored")
                    .hint("copy the file into the content folder instead"),
            );
            continue;
        }
        let is_file = entry.file_type().is_file();
        let is_md = path.extension().is_some_and(|e| e == "md");
        match rel
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            [SITE_FILE] => {}
            [name] if is_file && Some(*name) == logo => {}
            [_] if !is_file => {}
            [_, "replies" | "summaries"] if !is_file => {}
            [slug, DISCUSSION_FILE] if is_file => {
                folders.entry(slug.to_string()).or_default().discussion = Some(path.to_path_buf());
            }
            [slug, "replies", _] if is_file && is_md => {
                folders
                    .entry(slug.to_string())
                    .or_default()
                    .replies
                    .push(path.to_path_buf());
            }
            [slug, "summaries", _] if is_file && is_md => {
                folders
                    .entry(slug.to_string())
                    .or_default()
                    .summaries
                    .push(path.to_path_buf());
            }
            _ => diags.push(
                Diagnostic::warning(path, None, "ignored: not part of the content layout").hint(
                    "replies go in <discussion>/replies/*.md, summaries in <discussion>/summaries/",
                ),
            ),
        }
    }
    // By name: files of one folder differ only in their names, so their
    // paths' bytes sort them as their names would.
    for files in folders.values_mut() {
        for list in [&mut files.replies, &mut files.summaries] {
            list.sort_unstable_by(|a, b| {
                a.as_os_str()
                    .as_encoded_bytes()
                    .cmp(b.as_os_str().as_encoded_bytes())
            });
        }
    }
    folders
}

fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes = fs::read(path).map_err(|e| {
        Diagnostic::error(path, None, format!("cannot read: {e}"))
            .hint("check that the file exists and is readable")
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
        Diagnostic::error(path, Some(line), "the file is not valid UTF-8 text")
            .hint("save it as UTF-8 (most editors offer this under \"Save as\" or \"Encoding\")")
    })
}

fn parse_date(
    file: &Path,
    value: &Option<Spanned<String>>,
    line_base: usize,
) -> Result<Option<NaiveDate>, Diagnostic> {
    let Some(v) = value else { return Ok(None) };
    NaiveDate::parse_from_str(v.value.trim(), "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            Diagnostic::error(
                file,
                Some(v.referenced.line() as usize + line_base - 1),
                format!("`{}` is not a date", v.value),
            )
            .hint(date_hint(v.value.trim()))
        })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// What is wrong with `text`, which is not a date: a day or month that does
/// not exist in a date written as YYYY-MM-DD, else the way to write one.
fn date_hint(text: &str) -> String {
    let format = "write dates as YYYY-MM-DD, e.g. 2015-06-22".to_string();
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return format;
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return format;
    }
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>())
    else {
        return format;
    };
    let Some(name) = month.checked_sub(1).and_then(|i| MONTHS.get(i as usize)) else {
        return format!(
            "there is no month {m}: the month comes second, from 01 to 12 (YYYY-MM-DD)"
        );
    };
    let days = (28..=31)
        .rev()
        .find(|&n| NaiveDate::from_ymd_opt(year, month, n).is_some())
        .unwrap_or(31);
    if day == 0 || day > days {
        format!("{name} {year} has {days} days: the day comes last, from 01 to {days} (YYYY-MM-DD)")
    } else {
        format
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DiscussionFront {
    title: BTreeMap<Lang, String>,
    /// The title's translations' versions of the original title.
    #[serde(default)]
    translated: BTreeMap<Lang, String>,
    #[serde(default)]
    lang: Option<Lang>,
    #[serde(default)]
    opens: Option<Spanned<String>>,
    #[serde(default)]
    closes: Option<Spanned<String>>,
    #[serde(default)]
    organisers: Vec<String>,
    #[serde(default = "default_group_label")]
    group_label: GroupLabel,
    groups: Vec<GroupFront>,
    #[serde(default)]
    contribute: Option<crate::config::ContributeFile>,
}

fn default_group_label() -> GroupLabel {
    GroupLabel::Week
}

/// A group or question number as written: digits only, so that `0x10` or
/// `1e1` (numbers to YAML) is an error rather than group 16 or 10.
struct IdNumber(u32);

impl<'de> Deserialize<'de> for IdNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let digits = text.trim();
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && let Ok(n) = digits.parse()
        {
            return Ok(IdNumber(n));
        }
        Err(serde::de::Error::custom(format!(
            "id `{}` is not a plain number: write it as digits (at most 4294967295), e.g. `id: 2`",
            text.escape_debug()
        )))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupFront {
    id: Spanned<IdNumber>,
    #[serde(default)]
    title: BTreeMap<Lang, String>,
    /// The title's translations' versions of the original title.
    #[serde(default)]
    translated: BTreeMap<Lang, String>,
    questions: Vec<QuestionFront>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFront {
    id: Spanned<IdNumber>,
    text: BTreeMap<Lang, String>,
    /// Per language of a translation, the version of the original text it
    /// was made from (written by `palabre translations mark`).
    #[serde(default)]
    translated: BTreeMap<Lang, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyFront {
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    organisation: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    date: Option<Spanned<String>>,
    answers: Vec<Spanned<String>>,
    #[serde(default)]
    lang: Option<Lang>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SummaryFront {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    translation_of: Option<Spanned<TranslationOfFront>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslationOfFront {
    lang: Lang,
    version: String,
}

/// Reads a file and its front-matter (`None` when it has none), with the body
/// and the line the body starts on.
fn read_split<T: for<'de> Deserialize<'de>>(
    path: &Path,
) -> Result<(Option<T>, String, usize), Diagnostic> {
    split_text(path, &read_text(path)?)
}

fn split_text<T: for<'de> Deserialize<'de>>(
    path: &Path,
    text: &str,
) -> Result<(Option<T>, String, usize), Diagnostic> {
    let split = frontmatter::split(text).ok_or_else(|| {
        Diagnostic::error(path, Some(1), "front-matter is not closed")
            .hint("end the front-matter with a line holding only `---`")
    })?;
    if !split.has_front_matter {
        return Ok((None, split.body.to_string(), split.body_line));
    }
    let front = frontmatter::parse(path, split.yaml, split.yaml_line)?;
    Ok((Some(front), split.body.to_string(), split.body_line))
}

fn load_discussion(
    path: &Path,
    slug: String,
    reply_files: &[PathBuf],
    summary_files: &[PathBuf],
    readers: &Readers<'_>,
    diags: &mut Diagnostics,
) -> Option<Discussion> {
    let text = match read_text(path) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let Some(split) = frontmatter::split(&text).filter(|s| s.has_front_matter) else {
        diags.push(Diagnostic::error(path, Some(1), "no front-matter").hint(
            "start with `---`, then title, group_label and groups with their questions, then `---`",
        ));
        return None;
    };
    let front: DiscussionFront = match frontmatter::parse(path, split.yaml, split.yaml_line) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let base = split.yaml_line;
    let line = |l: u64| Some(l as usize + base - 1);
    let mut errors = Vec::new();
    if let Some(l) = front.lang.filter(|l| !readers.config.languages.contains(l)) {
        errors.push(not_a_site_language(
            path,
            key_line(&text, "lang"),
            l,
            &readers.config.languages,
        ));
    }
    let (opens, closes) = (
        parse_date(path, &front.opens, base),
        parse_date(path, &front.closes, base),
    );
    let opens = opens.map_err(|d| errors.push(d)).ok().flatten();
    let closes = closes.map_err(|d| errors.push(d)).ok().flatten();
    // The discussion's own address, else the site's.
    let contribute = match &front.contribute {
        Some(c) => c
            .check(base)
            .map_err(|(l, message, hint)| {
                errors.push(Diagnostic::error(path, Some(l), message).hint(hint));
            })
            .ok(),
        None => readers.config.contribute.clone(),
    };

    let original_lang = front.lang.unwrap_or(readers.config.default_lang);
    let title_versions = Versions::of(&front.title, front.translated, original_lang);
    let title_line = key_line(&text, "title");
    diags.extend(stale_warnings(
        path,
        title_line,
        "title of the discussion",
        &title_versions,
        original_lang,
        false,
    ));
    let mut groups = Vec::new();
    let mut seen_groups = BTreeSet::new();
    for g in front.groups {
        let gid = g.id.value.0;
        if !seen_groups.insert(gid) {
            errors.push(
                Diagnostic::error(
                    path,
                    line(g.id.referenced.line()),
                    format!("group {gid} is defined twice"),
                )
                .hint("give each group its own id"),
            );
        }
        let mut seen = BTreeSet::new();
        let mut questions = Vec::new();
        for q in g.questions {
            let id = QuestionId {
                group: gid,
                question: q.id.value.0,
            };
            if !seen.insert(q.id.value.0) {
                errors.push(
                    Diagnostic::error(
                        path,
                        line(q.id.referenced.line()),
                        format!("question {id} is defined twice"),
                    )
                    .hint("give each question of a group its own id"),
                );
            }
            if q.text.is_empty() {
                errors.push(
                    Diagnostic::error(
                        path,
                        line(q.id.referenced.line()),
                        format!("question {id} has no text"),
                    )
                    .hint("add `text:` with the question in at least one language"),
                );
            }
            let q_line = q.id.referenced.line() as usize + base - 1;
            let versions = Versions::of(&q.text, q.translated, original_lang);
            diags.extend(stale_warnings(
                path,
                Some(q_line),
                &format!("text of question {id}"),
                &versions,
                original_lang,
                true,
            ));
            questions.push(Question {
                id,
                text: LangText(q.text),
                line: q_line,
                versions,
            });
        }
        let title_versions = Versions::of(&g.title, g.translated, original_lang);
        let group_line = line(g.id.referenced.line());
        let what = format!("title of group {gid}");
        diags.extend(stale_warnings(
            path,
            group_line,
            &what,
            &title_versions,
            original_lang,
            false,
        ));
        groups.push(Group {
            id: gid,
            title: LangText(g.title),
            title_versions,
            questions,
        });
    }
    let known: BTreeSet<QuestionId> = groups
        .iter()
        .flat_map(|g| g.questions.iter().map(|q| q.id))
        .collect();
    let intro = markdown::render(
        split.body,
        "intro",
        None,
        &markdown::one_lang,
        Some(&markdown::LinkBase {
            folder: &folder_of(path, 1),
            first_line: split.body_line,
        }),
    );

    // Two replies at one address would be one page.
    let mut addresses: BTreeMap<String, &Path> = BTreeMap::new();
    for f in reply_files {
        let id = address(&file_stem(f));
        if id.is_empty() {
            continue; // reported when the reply is read
        }
        if let Some(first) = addresses.insert(id.clone(), f) {
            errors.push(same_address(f, first, &id));
        }
    }

    // A cached reply stays valid while the site's languages and this
    // discussion's questions and dates are the same.
    let dates = Dates { opens, closes };
    let mut context = blake3::Hasher::new();
    for l in &readers.config.languages {
        context.update(l.code().as_bytes());
    }
    for q in &known {
        context.update(q.to_string().as_bytes());
        context.update(b",");
    }
    hash_debug(&mut context, &dates);
    // Replies read before their ids were addresses must be read again.
    context.update(b"links 1, addresses 1");
    let context = context.finalize();
    let known = Arc::new(known);
    let replies: Vec<LoadedReply> = reply_files
        .par_iter()
        .map(|f| {
            let read = || load_reply(f, &known, &readers.detector, dates);
            let Some(cache) = readers.cache else {
                return read();
            };
            // Should its texts be unreadable in the cache later on, the reply
            // is read again from its file.
            let (path, known, detector) = (f.clone(), known.clone(), readers.detector.clone());
            let again = move || {
                load_reply(&path, &known, &detector, dates)
                    .ok()
                    .map(|(reply, _)| reply.texts)
            };
            cache.reply(f, &context, read, Box::new(again))
        })
        .collect();
    let mut loaded = Vec::new();
    for r in replies {
        match r {
            Ok((reply, warnings)) => {
                diags.extend(warnings);
                loaded.push(reply);
            }
            Err(e) => diags.extend(e),
        }
    }
    loaded
        .sort_by(|a, b| (a.date.is_none(), a.date, &a.id).cmp(&(b.date.is_none(), b.date, &b.id)));

    let mut summaries: BTreeMap<QuestionId, BTreeMap<Lang, Summary>> = BTreeMap::new();
    let mut conclusion = BTreeMap::new();
    for f in summary_files {
        match load_summary(f, &known) {
            Ok((_, lang, ..)) if !readers.config.languages.contains(&lang) => {
                diags.push(not_a_site_language(
                    f,
                    None,
                    lang,
                    &readers.config.languages,
                ));
            }
            Ok((question, lang, s, draft)) => {
                diags.extend(draft);
                match question {
                    Some(q) => summaries.entry(q).or_default().insert(lang, s),
                    None => conclusion.insert(lang, s),
                };
            }
            Err(d) => diags.push(d),
        }
    }
    for texts in summaries.values_mut() {
        mark_stale(texts, diags);
    }
    mark_stale(&mut conclusion, diags);
    if front.title.is_empty() {
        errors.push(
            Diagnostic::error(path, Some(base), "the discussion has no title")
                .hint("add `title:` with at least one language, e.g. `title: { en: \"...\" }`"),
        );
    }
    let failed = !errors.is_empty();
    diags.extend(errors);
    if failed {
        return None;
    }
    Some(Discussion {
        slug,
        source: path.to_path_buf(),
        title: LangText(front.title),
        title_versions,
        original_lang,
        opens,
        closes,
        organisers: front.organisers,
        group_label: front.group_label,
        contribute,
        groups,
        intro_html: intro.html,
        intro_links: intro.links,
        replies: loaded,
        summaries,
        conclusion,
        citations: BTreeMap::new(),
    })
}

fn known_list(known: &BTreeSet<QuestionId>) -> String {
    known
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A reply with its warnings, or the errors that stopped it.
pub type LoadedReply = Result<(Reply, Vec<Diagnostic>), Vec<Diagnostic>>;

/// A discussion's dates, which its replies' dates should fall between.
#[derive(Clone, Copy, Debug, Default)]
struct Dates {
    opens: Option<NaiveDate>,
    closes: Option<NaiveDate>,
}

impl Dates {
    /// How `date` lies outside the dates, for a message; `None` inside.
    fn outside(&self, date: NaiveDate) -> Option<String> {
        let range = match (self.opens, self.closes) {
            (Some(o), Some(c)) => format!("the discussion runs from {o} to {c}"),
            (Some(o), None) => format!("the discussion opens on {o}"),
            (None, Some(c)) => format!("the discussion closes on {c}"),
            (None, None) => return None,
        };
        let before = self.opens.is_some_and(|o| date < o);
        let after = self.closes.is_some_and(|c| date > c);
        (before || after).then(|| {
            let when = if before { "before" } else { "after" };
            format!("the reply is dated {date}, {when} the discussion's dates: {range}")
        })
    }
}

/// The folder of the content file `path`, `/`-separated from the content
/// folder, given how deep the file sits (2 for `d/replies/x.md`, 1 for
/// `d/_discussion.md`). Empty when the path is shallower (tests, fuzzing).
pub fn folder_of(path: &Path, depth: usize) -> String {
    let parts: Vec<String> = path
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts[parts.len().saturating_sub(depth)..].join("/")
}

/// A file's name without `.md`, as text (names that are not were refused
/// when the folder was read).
pub(crate) fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads one reply: its front-matter, parts, language and HTML. Warnings come
/// with the reply; errors replace it.
fn load_reply(
    path: &Path,
    known: &BTreeSet<QuestionId>,
    detector: &Detector,
    dates: Dates,
) -> LoadedReply {
    let text = read_text(path).map_err(|d| vec![d])?;
    read_reply(path, &text, known, detector, dates)
}

/// Reads one reply from its text exactly as a build does (but for the check
/// of its date against the discussion's). Public so that the fuzz targets and
/// property tests can drive it without a content folder.
#[doc(hidden)]
pub fn reply_from_text(
    path: &Path,
    text: &str,
    known: &BTreeSet<QuestionId>,
    detector: &Detector,
) -> LoadedReply {
    read_reply(path, text, known, detector, Dates::default())
}

fn read_reply(
    path: &Path,
    text: &str,
    known: &BTreeSet<QuestionId>,
    detector: &Detector,
    dates: Dates,
) -> LoadedReply {
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(vec![
            Diagnostic::error(path, Some(1), "the file is empty").hint(
                "write the reply (front-matter with at least `answers:`, then its text), or delete the file",
            ),
        ]);
    }
    let (front, body, body_line) = split_text::<ReplyFront>(path, text).map_err(|d| vec![d])?;
    let front = front.ok_or_else(|| {
        vec![Diagnostic::error(path, Some(1), "no front-matter")
            .hint("start the file with a `---` line, the fields (at least `answers:`), and another `---` line")]
    })?;
    let stem = file_stem(path);
    let id = address(&stem);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if id.is_empty() {
        errors.push(no_address(
            path,
            &format!("{stem}.md"),
            "file",
            "004-ana.md",
        ));
    }
    // The front-matter starts on line 2 of a reply file.
    let yaml_line = |l: u64| Some(l as usize + 1);
    let mut answers = Vec::new();
    for a in &front.answers {
        match a.value.parse::<QuestionId>() {
            Ok(q) if known.contains(&q) => {
                if !answers.contains(&q) {
                    answers.push(q);
                }
            }
            Ok(q) => errors.push(
                Diagnostic::error(
                    path,
                    yaml_line(a.referenced.line()),
                    format!("`answers` names question {q}, which this discussion does not have"),
                )
                .hint(format!("use one of: {}", known_list(known))),
            ),
            Err(msg) => errors.push(Diagnostic::error(path, yaml_line(a.referenced.line()), msg)),
        }
    }
    if front.answers.is_empty() {
        errors.push(
            Diagnostic::error(path, Some(2), "the reply answers no question").hint(format!(
                "list the questions it answers, e.g. answers: [\"1.1\"]; this discussion has {}",
                known_list(known)
            )),
        );
    }
    let date = parse_date(path, &front.date, 2)
        .map_err(|d| errors.push(d))
        .ok()
        .flatten();
    if let (Some(date), Some(written)) = (date, &front.date)
        && let Some(message) = dates.outside(date)
    {
        warnings.push(
            Diagnostic::warning(path, yaml_line(written.referenced.line()), message).hint(
                "correct `date:` to the day the reply was sent; if the discussion's dates are wrong, correct `opens:` or `closes:` in _discussion.md",
            ),
        );
    }

    // Searchers made once: every reply is searched for every placeholder.
    static FINDERS: LazyLock<Vec<memchr::memmem::Finder<'static>>> = LazyLock::new(|| {
        PLACEHOLDERS
            .iter()
            .map(|(_, p)| memchr::memmem::Finder::new(p))
            .collect()
    });
    if let Some(offset) = FINDERS.iter().filter_map(|f| f.find(body.as_bytes())).min() {
        warnings.push(
            Diagnostic::warning(
                path,
                Some(line_of(&body, offset, body_line)),
                "the reply still holds the text `palabre new reply` puts where the reply goes",
            )
            .hint("replace that line with the text of the reply"),
        );
    }
    warnings.extend(personal::warnings(path, &body, body_line));
    let segments = markdown::split_at_markers(&body, body_line);
    // A reply with nothing under its front-matter is a paste gone wrong, not a
    // reply worth publishing as an empty box (and its language cannot be told).
    if segments.iter().all(|s| s.text.trim().is_empty()) {
        errors.push(
            Diagnostic::error(path, Some(body_line), "the reply has no text").hint(
                "paste the reply's text below the front-matter's closing `---`, or delete the file",
            ),
        );
        return Err(errors);
    }
    // Whether detection found the reply in none of the site's languages
    // (warned about, instead of its being unsure).
    let mut outside = false;
    let (lang, lang_source) = match front.lang {
        Some(l) if !detector.languages().contains(&l) => {
            errors.push(not_a_site_language(
                path,
                key_line(text, "lang"),
                l,
                detector.languages(),
            ));
            (l, LangSource::Declared)
        }
        Some(l) => (l, LangSource::Declared),
        None => {
            let text = markdown::words(&body);
            match detector.detect(&text) {
                Some(d) => {
                    if let Some(other) = &d.outside {
                        let add = other.lang.map_or_else(
                            || "set `lang:` in the front-matter to the site language it is in".to_string(),
                            |l| format!("add `{l}` to `languages:` in site.yaml, or set `lang:` in the front-matter"),
                        );
                        warnings.push(
                            Diagnostic::warning(
                                path,
                                Some(body_line),
                                format!(
                                    "this reply reads like {}, which is not a site language; it is shown as {}",
                                    other.name,
                                    d.lang.english_name()
                                ),
                            )
                            .hint(add),
                        );
                    }
                    outside = d.outside.is_some();
                    let source = LangSource::Detected {
                        confidence: d.confidence,
                        reliable: d.reliable,
                    };
                    (d.lang, source)
                }
                None => {
                    let codes = Lang::list(detector.languages().iter().copied());
                    let set = format!(
                        "set `lang:` in the front-matter to one of the site's languages ({})",
                        codes
                    );
                    let (message, hint) = match detector.outside(&text) {
                        Some(o) => (
                            format!(
                                "this reply reads like {}, which is not one of the site's languages",
                                o.name
                            ),
                            match o.lang {
                                Some(l) => {
                                    format!("add `{l}` to `languages:` in site.yaml, or {set}")
                                }
                                None => set,
                            },
                        ),
                        None => (
                            "cannot tell which language this reply is in".to_string(),
                            set,
                        ),
                    };
                    errors.push(Diagnostic::error(path, Some(body_line), message).hint(hint));
                    (Lang::EN, LangSource::Declared)
                }
            }
        }
    };
    if let LangSource::Detected {
        confidence,
        reliable: false,
    } = lang_source
        && !outside
    {
        warnings.push(
            Diagnostic::warning(
                path,
                Some(body_line),
                format!(
                    "language detection is unsure: {lang} at {:.0}% confidence",
                    confidence * 100.0
                ),
            )
            .hint(format!(
                "if {lang} is wrong, set `lang:` in the front-matter"
            )),
        );
    }

    let block_langs = |blocks: &[crate::lang::Block]| detector.block_langs(blocks, lang);
    let mut html = String::new();
    let mut parts = Vec::new();
    let mut found_links = Vec::new();
    let folder = folder_of(path, 2);
    for (i, seg) in segments.iter().enumerate() {
        let base = markdown::LinkBase {
            folder: &folder,
            first_line: seg.line,
        };
        let mut rendered = markdown::render(
            seg.text,
            &format!("{id}-{i}"),
            Some(lang),
            &block_langs,
            Some(&base),
        );
        found_links.append(&mut rendered.links);
        for r in &rendered.removed_html {
            warnings.push(Diagnostic::warning(path, Some(line_of(seg.text, r.offset, seg.line)), format!("unsafe HTML removed: `{}`", r.snippet))
                .hint("replies are shown as text; scripts, styles, frames and event handlers are dropped"));
        }
        for (offset, name) in &rendered.unused_footnotes {
            warnings.push(
                Diagnostic::warning(
                    path,
                    Some(line_of(seg.text, *offset, seg.line)),
                    format!("footnote `[^{name}]` is never referred to, and is left out"),
                )
                .hint(format!(
                    "refer to it with `[^{name}]` in the text, or remove it"
                )),
            );
        }
        for (offset, name) in &rendered.undefined_footnotes {
            warnings.push(
                Diagnostic::warning(
                    path,
                    Some(line_of(seg.text, *offset, seg.line)),
                    format!("footnote `[^{name}]` is not defined, and is shown as written"),
                )
                .hint(format!(
                    "add a line `[^{name}]: the note` to the same part of the reply"
                )),
            );
        }
        if let Some(offset) = rendered.flattened {
            warnings.push(
                Diagnostic::warning(
                    path,
                    Some(line_of(seg.text, offset, seg.line)),
                    format!(
                        "lists, quotes or HTML nested more than {} levels deep were flattened",
                        markdown::MAX_NESTING
                    ),
                )
                .hint(
                    "the deepest levels are shown as plain text; simplify the reply if they matter",
                ),
            );
        }
        html.push_str(&rendered.html);
        let Some((ids, marker_line)) = &seg.marker else {
            continue;
        };
        let mut questions = Vec::new();
        for raw in ids {
            match raw.parse::<QuestionId>() {
                Ok(q) if answers.contains(&q) => questions.push(q),
                Ok(q) => errors.push(
                    Diagnostic::error(
                        path,
                        Some(*marker_line),
                        format!("the marker names question {q}, which `answers` does not list"),
                    )
                    .hint(format!("add \"{q}\" to `answers`, or correct the marker")),
                ),
                Err(msg) => errors.push(Diagnostic::error(path, Some(*marker_line), msg)),
            }
        }
        parts.push(ReplyPart {
            questions,
            html: rendered.html,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let texts = Texts {
        text: plain_text(&html),
        html,
        parts,
    };
    Ok((
        Reply {
            id,
            source: path.to_path_buf(),
            author: nonblank(front.author),
            organisation: nonblank(front.organisation),
            country: nonblank(front.country),
            date,
            answers,
            lang,
            lang_source,
            texts: store::hold(&texts, path),
            links: found_links,
        },
        warnings,
    ))
}

fn nonblank(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// What starts the first line of a draft summary written by `palabre brief`:
/// while a summary holds it, it has not been rewritten, and `check` says so.
pub const DRAFT_MARKER: &str = "palabre brief draft";

/// A summary read from its file: the question it summarises (`None` for the
/// conclusion), its language, and a warning when it is still a draft.
type LoadedSummary = (Option<QuestionId>, Lang, Summary, Option<Diagnostic>);

/// A warning for each translation of `what` (`title`, `text of question
/// 1.2`) made from an earlier version of its original; `noticed` when its
/// pages say so too.
fn stale_warnings(
    path: &Path,
    line: Option<usize>,
    what: &str,
    versions: &Versions,
    original: Lang,
    noticed: bool,
) -> Vec<Diagnostic> {
    versions
        .stale
        .iter()
        .map(|l| {
            Diagnostic::warning(
                path,
                line,
                format!(
                    "the {} {what} was translated from an earlier version of the {} one",
                    l.english_name(),
                    original.english_name()
                ),
            )
            .hint(format!(
                "bring it up to date, then run `palabre translations mark --language {}` to record it{}",
                l.code(),
                if noticed { " (readers see a notice until then)" } else { "" }
            ))
        })
        .collect()
}

/// The error for a text in `lang`, which the site is not written in.
fn not_a_site_language(path: &Path, line: Option<usize>, lang: Lang, site: &[Lang]) -> Diagnostic {
    let codes = Lang::list(site.iter().copied());
    Diagnostic::error(
        path,
        line,
        format!(
            "`{lang}` ({}) is not one of the site's languages ({})",
            lang.english_name(),
            codes
        ),
    )
    .hint(format!(
        "add `{lang}` to `languages:` in site.yaml, or use one of {}",
        codes
    ))
}

/// The line of the first `key:` at the start of a line of `text`, if any.
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// Reads `summaries/<g>-<q>.<lang>.md` (or `conclusion.<lang>.md`, question `None`).
fn load_summary(path: &Path, known: &BTreeSet<QuestionId>) -> Result<LoadedSummary, Diagnostic> {
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bad_name = || {
        Diagnostic::error(
            path,
            None,
            format!("summary file name `{name}.md` is not `<week>-<question>.<lang>.md`"),
        )
        .hint("name it e.g. `1-2.en.md` for question 1.2 in English, or `conclusion.fr.md`")
    };
    let (target, code) = name.rsplit_once('.').ok_or_else(bad_name)?;
    let lang = Lang::from_code(code).ok_or_else(|| {
        Diagnostic::error(
            path,
            None,
            format!("`{code}` in the file name is not a known language"),
        )
        .hint(format!("use one of {}", Lang::known_codes()))
    })?;
    let question = if target == "conclusion" {
        None
    } else {
        let q: QuestionId = target
            .replacen('-', ".", 1)
            .parse()
            .map_err(|_| bad_name())?;
        if !known.contains(&q) {
            return Err(Diagnostic::error(
                path,
                Some(1),
                format!("summary for question {q}, which this discussion does not have"),
            )
            .hint(format!("rename it for one of: {}", known_list(known))));
        }
        Some(q)
    };
    let (front, body, body_line) = read_split::<SummaryFront>(path)?;
    let front = front.unwrap_or_default();
    let draft = body.lines().position(|l| l.contains(DRAFT_MARKER)).map(|i| {
        Diagnostic::warning(
            path,
            Some(body_line + i),
            "this summary is still the draft written by `palabre brief`",
        )
        .hint("check its quotations, rewrite it as the synthesis, then delete its first two lines (the draft notice)")
    });
    let rendered = markdown::render(
        &body,
        &format!("summary-{target}-{code}"),
        None,
        &markdown::one_lang,
        Some(&markdown::LinkBase {
            folder: &folder_of(path, 2),
            first_line: body_line,
        }),
    );
    Ok((
        question,
        lang,
        Summary {
            source: path.to_path_buf(),
            title: front.title,
            html: rendered.html,
            links: rendered.links,
            version: text_version(&body),
            // The front-matter's YAML starts on the file's second line.
            translation_of: front.translation_of.map(|t| TranslationOf {
                line: t.referenced.line() as usize + 1,
                lang: t.value.lang,
                version: t.value.version.trim().to_string(),
            }),
            stale: None,
        },
        draft,
    ))
}

/// Marks each translated summary whose original changed since it was
/// translated, with a warning naming both files; and warns about a
/// `translation_of:` that names no summary.
fn mark_stale(summaries: &mut BTreeMap<Lang, Summary>, diags: &mut Diagnostics) {
    let versions: BTreeMap<Lang, (String, PathBuf)> = summaries
        .iter()
        .map(|(&l, s)| (l, (s.version.clone(), s.source.clone())))
        .collect();
    for (&lang, s) in summaries.iter_mut() {
        let Some(t) = &s.translation_of else { continue };
        let language = lang.english_name();
        match versions.get(&t.lang) {
            None => diags.push(
                Diagnostic::warning(
                    &s.source,
                    Some(t.line),
                    format!(
                        "`translation_of` names a {} original that does not exist",
                        t.lang.english_name()
                    ),
                )
                .hint(format!(
                    "write the original as `{}`, or correct `lang:`",
                    s.file_in(t.lang)
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                )),
            ),
            Some((version, original)) if *version != t.version && t.lang != lang => {
                s.stale = Some(t.lang);
                diags.push(
                    Diagnostic::warning(
                        &s.source,
                        Some(t.line),
                        format!("this {language} translation was made from an earlier version of {}", original.display()),
                    )
                    .hint("bring the translation up to date, then run `palabre translations mark` to record it (readers see a notice until then)"),
                );
            }
            Some(_) => {}
        }
    }
}
