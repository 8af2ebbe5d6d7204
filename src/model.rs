//! The content model: what a content folder means once it has been read and checked.
//!
//! Everything here is valid by construction: ids are parsed, languages known,
//! Markdown already rendered to sanitised HTML. It is plain data, read from
//! memory, but for a reply's texts, which are reached through [`ReplyTexts`].

use std::any::Any;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::config::{Contribute, SiteConfig};
use crate::diagnostic::Diagnostic;
pub use crate::lang::{Versions, text_version};

use crate::lang::Lang;
use crate::util::{hash_debug, is_safe_char};

/// A question's address, `<group>.<question>` as written in `answers` (`1.10` is
/// group 1, question 10: never the number 1.1).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct QuestionId {
    /// The number before the dot: the group's `id` in `_discussion.md`.
    pub group: u32,
    /// The number after the dot: the question's `id` within its group.
    pub question: u32,
}

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.group, self.question)
    }
}

impl FromStr for QuestionId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a question id: write `<week>.<question>`, e.g. \"1.2\"");
        let (g, q) = s.trim().split_once('.').ok_or_else(bad)?;
        let number = |part: &str| {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            part.parse::<u32>().map_err(|_| bad())
        };
        Ok(QuestionId {
            group: number(g)?,
            question: number(q)?,
        })
    }
}

/// Text given in one or more languages (titles, question texts).
#[derive(Clone, Debug, Default)]
pub struct LangText(pub BTreeMap<Lang, String>);

impl LangText {
    /// The text in `lang`, else in `fallback`, else in any language; with the
    /// language it is actually written in.
    pub fn get(&self, lang: Lang, fallback: Lang) -> Option<(&str, Lang)> {
        Lang::pick(&self.0, lang, fallback).map(|(l, t)| (t.as_str(), l))
    }
}

/// What a discussion calls a group of questions; it names the group's URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupLabel {
    /// Groups are weeks ("Week 1", at `week-1/`): the default.
    Week,
    /// Groups are topics ("Topic 1", at `topic-1/`).
    Topic,
    /// Groups are rounds ("Round 1", at `round-1/`).
    Round,
}

impl GroupLabel {
    /// The label as written in `group_label:`: it starts a group's URL segment
    /// (`week-1/`) and ends the theme's keys for group names (`group_week`,
    /// `groups_week`, `stats_by_group_week`).
    pub fn slug(self) -> &'static str {
        match self {
            GroupLabel::Week => "week",
            GroupLabel::Topic => "topic",
            GroupLabel::Round => "round",
        }
    }
}

/// A whole content folder, read and checked: what a build makes pages of.
#[derive(Debug)]
pub struct Site {
    /// The settings of `site.yaml`.
    pub config: SiteConfig,
    /// One per discussion folder, sorted by folder name.
    pub discussions: Vec<Discussion>,
}

impl Site {
    /// The hashes of every reply and discussion, taken once per build.
    pub fn hashes(&self) -> SiteHashes {
        use rayon::prelude::*;
        let replies: Vec<Vec<blake3::Hash>> = self
            .discussions
            .iter()
            .map(|d| d.replies.par_iter().map(Reply::hash).collect())
            .collect();
        let discussions = self
            .discussions
            .iter()
            .zip(&replies)
            .map(|(d, r)| d.hash(r))
            .collect();
        SiteHashes {
            replies,
            discussions,
        }
    }
}

/// What the site holds, as hashes: shared by everything that needs to know
/// what changed since the last build (page fingerprints, extra-file jobs).
pub struct SiteHashes {
    /// Per discussion, per reply: [`Reply::hash`].
    pub replies: Vec<Vec<blake3::Hash>>,
    /// Per discussion: [`Discussion::hash`].
    pub discussions: Vec<blake3::Hash>,
}

/// One e-discussion: a folder of the content folder, with its questions
/// (`_discussion.md`), its replies and its summaries.
#[derive(Debug)]
pub struct Discussion {
    /// The discussion's address, its URL segment: the folder name made
    /// web-safe ([`crate::util::address`]).
    pub slug: String,
    /// Its `_discussion.md` file (in the folder as named on disk).
    pub source: PathBuf,
    /// Its title in each language it is given in (`title:`, at least one).
    pub title: LangText,
    /// Its title's translations' versions of the original (`translated:`).
    pub title_versions: Versions,
    /// The language the moderators wrote the discussion in (introduction, questions).
    pub original_lang: Lang,
    /// The day it opens (`opens:`), if given: shown on its overview; a reply
    /// dated before it is a warning.
    pub opens: Option<NaiveDate>,
    /// The day it closes (`closes:`), if given: shown on its overview; a reply
    /// dated after it is a warning.
    pub closes: Option<NaiveDate>,
    /// Who runs it (`organisers:`), as written: shown on its overview and as
    /// the authors of its feeds.
    pub organisers: Vec<String>,
    /// What it calls its groups of questions (`group_label:`).
    pub group_label: GroupLabel,
    /// Where readers send contributions: the discussion's `contribute:`,
    /// else the site's.
    pub contribute: Option<Contribute>,
    /// Its groups of questions, in the order `_discussion.md` lists them.
    pub groups: Vec<Group>,
    /// The introduction (the body of `_discussion.md`) as sanitised HTML.
    pub intro_html: String,
    /// Links in the introduction, checked once the whole site is loaded.
    pub intro_links: Vec<Link>,
    /// Sorted by date (undated replies last), then address: the reading order
    /// of previous/next.
    pub replies: Vec<Reply>,
    /// The moderators' summaries (`summaries/<g>-<q>.<lang>.md`): per question,
    /// then per language.
    pub summaries: BTreeMap<QuestionId, BTreeMap<Lang, Summary>>,
    /// The closing words of the whole discussion (`summaries/conclusion.<lang>.md`),
    /// per language: shown on its overview and in its report.
    pub conclusion: BTreeMap<Lang, Summary>,
    /// The replies of this discussion each question's summary links to, in
    /// any of its languages, by id: its citations. Filled once links are
    /// resolved (`crate::content`); a question whose summary cites no reply
    /// is absent.
    pub citations: BTreeMap<QuestionId, BTreeSet<String>>,
}

impl Discussion {
    /// A hash of everything the discussion holds; its replies enter as
    /// their `reply_hashes` (see [`Site::hashes`]).
    pub fn hash(&self, reply_hashes: &[blake3::Hash]) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        h.update(self.hash_without_replies().as_bytes());
        h.update(&(reply_hashes.len() as u64).to_le_bytes());
        for r in reply_hashes {
            h.update(r.as_bytes());
        }
        h.finalize()
    }

    /// A hash of everything the discussion holds but its replies: all that a
    /// reply's own page shows of it.
    pub fn hash_without_replies(&self) -> blake3::Hash {
        // Destructured, so that a field added later cannot be left out.
        let Discussion {
            slug,
            source,
            title,
            title_versions,
            original_lang,
            opens,
            closes,
            organisers,
            group_label,
            contribute,
            groups,
            intro_html,
            intro_links,
            replies: _,
            summaries,
            conclusion,
            citations,
        } = self;
        let mut h = blake3::Hasher::new();
        hash_debug(
            &mut h,
            &(
                (slug, source),
                (title, title_versions),
                original_lang,
                opens,
                closes,
                organisers,
                (group_label, contribute),
                groups,
                intro_html,
                intro_links,
                summaries,
                (conclusion, citations),
            ),
        );
        h.finalize()
    }

    /// Every question of every group, in the order `_discussion.md` lists them.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.groups.iter().flat_map(|g| g.questions.iter())
    }

    /// The question `id`, if the discussion has it.
    pub fn find_question(&self, id: QuestionId) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    /// The questions whose summary cites reply `id`, in order.
    pub fn cited_in(&self, id: &str) -> Vec<QuestionId> {
        cited_in(&self.citations, id)
    }
}

/// The questions of `citations` (see [`Discussion::citations`]) whose
/// summary cites reply `id`, in order.
pub fn cited_in(citations: &BTreeMap<QuestionId, BTreeSet<String>>, id: &str) -> Vec<QuestionId> {
    citations
        .iter()
        .filter(|(_, ids)| ids.contains(id))
        .map(|(&q, _)| q)
        .collect()
}

/// A group of questions: a week, a topic or a round (see [`GroupLabel`]).
#[derive(Debug)]
pub struct Group {
    /// Its `id`: the number before the dot in its questions' ids, and in its
    /// URL segment (`week-2/`).
    pub id: u32,
    /// Its title in each language it is given in; without one, pages name the
    /// group by its label and id ("Week 2").
    pub title: LangText,
    /// Its title's translations' versions of the original (`translated:`).
    pub title_versions: Versions,
    /// Its questions, in the order `_discussion.md` lists them.
    pub questions: Vec<Question>,
}

/// A question the moderators ask, which replies answer.
#[derive(Debug)]
pub struct Question {
    /// Its address, e.g. `1.2`: what replies list in `answers` and name in
    /// their markers.
    pub id: QuestionId,
    /// The question in each language it is written in (at least one).
    pub text: LangText,
    /// Line of its `id:` in `_discussion.md`, for messages.
    pub line: usize,
    /// Its translations' versions of the text in the discussion's original
    /// language (its `translated:`).
    pub versions: Versions,
}

/// One contribution: a Markdown file in the discussion's `replies/` folder.
#[derive(Debug)]
pub struct Reply {
    /// The reply's address: its file name without `.md`, made web-safe
    /// ([`crate::util::address`]). Its id in anchors, URLs and open data.
    pub id: String,
    /// Its file, in the content folder.
    pub source: PathBuf,
    /// The contributor's name (`author:`), trimmed; `None` when missing or blank,
    /// and pages then say "Anonymous" in their language.
    pub author: Option<String>,
    /// The contributor's organisation (`organisation:`), trimmed; `None` when
    /// missing or blank.
    pub organisation: Option<String>,
    /// The country as written (`country:`), trimmed: free text, a name or a
    /// code that [`crate::extras::countries`] may recognise; `None` when
    /// missing or blank.
    pub country: Option<String>,
    /// The day it was sent (`date:`), if given.
    pub date: Option<NaiveDate>,
    /// The questions it answers (`answers:`): each once, in the order written,
    /// all of them questions of its discussion.
    pub answers: Vec<QuestionId>,
    /// The language it is written in: declared with `lang:`, else detected
    /// among the site's languages.
    pub lang: Lang,
    /// Whether [`Reply::lang`] was declared or detected, and how surely.
    pub lang_source: LangSource,
    /// Its HTML, plain text and marked parts, held by the reply store.
    pub texts: Box<dyn ReplyTexts>,
    /// Its links, checked once the whole site is loaded (see [`Link`]).
    pub links: Vec<Link>,
}

/// A reply's text in every form palabre shows it ([`Texts`]), known by a
/// hash of them all, taken once, when the reply is read.
///
/// The texts of every reply are most of a build's memory, and a rebuild
/// needs few of them: the reply store (`crate::store`) keeps them compressed,
/// or leaves them in the build cache until a page or a file needs them.
/// Reading them can then fail; the error names the reply and what to do.
/// (`Any`: the store finds its own texts behind this trait, to write them to
/// the build cache and to edit their links.)
pub trait ReplyTexts: Any + fmt::Debug + Send + Sync {
    /// [`Texts::hash`] of the texts.
    fn hash(&self) -> [u8; 32];

    /// Whether the reply has parts marked for `question` (it then shows only
    /// those on the question's page).
    fn marks(&self, question: QuestionId) -> bool;

    /// What to show on the page of `question`: the parts marked for it, or
    /// the whole reply when none is (or when `question` is `None`).
    fn html_for(&self, question: Option<QuestionId>) -> Result<String, Diagnostic>;

    /// The whole reply as plain text.
    fn text(&self) -> Result<String, Diagnostic>;

    /// The length of the whole reply's HTML, to size a page before it is made.
    fn html_len(&self) -> Result<usize, Diagnostic>;
}

/// A reply's HTML, its plain text, and its marked parts.
#[derive(Clone, Debug)]
pub struct Texts {
    /// The whole reply, as shown on its own page.
    pub html: String,
    /// The whole reply as plain text, taken from its HTML: for search, open
    /// data and feeds.
    pub text: String,
    /// Parts marked with `<!-- answers: ... -->`; empty when the reply has
    /// no markers.
    pub parts: Vec<ReplyPart>,
}

impl Texts {
    /// A hash of the HTML, the text and the parts.
    pub fn hash(&self) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        for p in &self.parts {
            hash_debug(&mut h, &p.questions);
        }
        let texts = [&self.html, &self.text]
            .into_iter()
            .chain(self.parts.iter().map(|p| &p.html));
        // Each text after its length, so that no two lists hash alike.
        for t in texts {
            h.update(&(t.len() as u64).to_le_bytes());
            h.update(t.as_bytes());
        }
        *h.finalize().as_bytes()
    }
}

impl Reply {
    /// A hash of everything the reply holds, taken once links are resolved:
    /// it stands for the reply in page fingerprints and in the keys of the
    /// extra files (see [`Site::hashes`]).
    pub fn hash(&self) -> blake3::Hash {
        // Destructured, so that a field added later cannot be left out.
        let Reply {
            id,
            source,
            author,
            organisation,
            country,
            date,
            answers,
            lang,
            lang_source,
            texts,
            links,
        } = self;
        let mut h = blake3::Hasher::new();
        // The short fields serialised (strings and lists after their length,
        // so unambiguous): at 20,000 replies their Debug form took 30 ms of
        // each rebuild. The path as its bytes, which need not be UTF-8; the
        // texts by their own hash.
        let short = (
            id,
            author,
            organisation,
            country,
            date,
            answers,
            lang,
            lang_source,
            links,
        );
        match postcard::to_allocvec(&short) {
            Ok(bytes) => {
                h.update(&bytes);
            }
            // Serialising these types does not fail; should it, the Debug
            // form is as unambiguous.
            Err(_) => hash_debug(&mut h, &short),
        }
        let path = source.as_os_str().as_encoded_bytes();
        h.update(&(path.len() as u64).to_le_bytes());
        h.update(path);
        h.update(&texts.hash());
        h.finalize()
    }

    /// The whole reply as plain text: for search, open data and feeds.
    pub fn text(&self) -> Result<String, Diagnostic> {
        self.texts.text()
    }

    /// See [`ReplyTexts::html_for`].
    pub fn html_for(&self, question: Option<QuestionId>) -> Result<String, Diagnostic> {
        self.texts.html_for(question)
    }

    /// See [`ReplyTexts::html_len`].
    pub fn html_len(&self) -> Result<usize, Diagnostic> {
        self.texts.html_len()
    }
}

/// How many of `replies` are written in each language.
pub fn count_by_lang<'r>(replies: impl IntoIterator<Item = &'r Reply>) -> BTreeMap<Lang, usize> {
    let mut counts = BTreeMap::new();
    for r in replies {
        *counts.entry(r.lang).or_insert(0) += 1;
    }
    counts
}

/// How a reply's language was known.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum LangSource {
    /// Written in its front-matter (`lang:`).
    Declared,
    /// Detected from its text, `lang:` being left out.
    Detected {
        /// How sure the detector was, from 0 to 1.
        confidence: f64,
        /// Whether the detector deemed its guess reliable; a reply whose
        /// language was not reliably detected is a warning asking for `lang:`.
        reliable: bool,
    },
}

/// A stretch of a reply that follows an `<!-- answers: ... -->` marker, up to
/// the next marker or the end: what a question's page shows of the reply.
#[derive(Clone, Debug)]
pub struct ReplyPart {
    /// The questions the marker names, all listed in the reply's `answers`.
    pub questions: Vec<QuestionId>,
    /// The stretch as sanitised HTML.
    pub html: String,
}

/// A moderators' text in one language: the summary of one question's replies
/// (the consolidated reply), or the conclusion of a whole discussion.
#[derive(Debug)]
pub struct Summary {
    /// Its file in the discussion's `summaries/` folder.
    pub source: PathBuf,
    /// The `title:` of its front-matter, if any.
    pub title: Option<String>,
    /// Its text as sanitised HTML.
    pub html: String,
    /// Its links, checked once the whole site is loaded (see [`Link`]).
    pub links: Vec<Link>,
    /// The version of its text ([`text_version`]): what a translation of it
    /// records in its `translation_of:`.
    pub version: String,
    /// Its `translation_of:`, when it is a translation.
    pub translation_of: Option<TranslationOf>,
    /// The language of the original it translates, when the original has
    /// changed since the version it was translated from (set once all the
    /// discussion's summaries are read).
    pub stale: Option<Lang>,
}

impl Summary {
    /// The file of the same text in `lang`: `1-2.fr.md` beside `1-2.en.md`.
    pub fn file_in(&self, lang: Lang) -> PathBuf {
        let name = self
            .source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let target = name.split('.').next().unwrap_or_default();
        self.source
            .with_file_name(format!("{target}.{}.md", lang.code()))
    }
}

/// `translation_of: {lang: en, version: 3f9a1c2e}`: a translated summary's
/// original, and the version of it that was translated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranslationOf {
    /// The original's language.
    pub lang: Lang,
    /// The original's [`text_version`] when it was translated.
    pub version: String,
    /// Line of `translation_of:` in the translation's file.
    pub line: usize,
}

/// A link found in a text, to be checked once the whole site is known.
///
/// A reply is rendered once but shown on several pages (its own, every
/// question it answers, the report), at different depths and in every
/// language, so a relative address written in it cannot work everywhere.
/// Authors link to content files instead, as in mdBook: `[Maria](007-maria.md)`,
/// `[the discussion](../_discussion.md)`, `[question 1.2](../_discussion.md#1.2)`,
/// each resolved from the file that holds the link. Three steps:
///
/// 1. Parsing (`crate::markdown`): every link's address and line are kept
///    in the text's [`Link`]s, and the href of a link to a `.md` file
///    becomes [`UNRESOLVED`] + its path in the content folder.
/// 2. After loading (`crate::content::resolve`): that href becomes
///    [`SITE_ROOT`] + the target page's path without its language, or, when
///    there is no such reply or discussion, the link becomes text. Broken
///    links of every kind become warnings, for `build` and `check` alike.
/// 3. Rendering (`crate::links`): [`SITE_ROOT`] becomes the page's way back
///    to the site's root plus the page's language.
///
/// Both markers hold U+00A0, which the HTML of a text never holds raw (the
/// Markdown renderer writes it back as `&nbsp;` after minifying), so no text
/// can forge one; and only a marker that starts an href is filled.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// The address as written.
    pub dest: String,
    /// Line of the link in its file.
    pub line: usize,
    /// What the address points to, which decides how it is checked.
    pub kind: LinkKind,
}

/// What a [`Link`] points to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkKind {
    /// To a `.md` file: its `/`-separated path from the content folder,
    /// `%`-escapes decoded (`None` when it leaves the folder or names a file
    /// that cannot be content: hidden, a backslash, a control character), and
    /// the fragment after `#`.
    File {
        /// The target's path; `None` when no content file can be there.
        path: Option<String>,
        /// What follows `#`, when not empty: a question's id, after
        /// `_discussion.md`.
        fragment: Option<String>,
    },
    /// Any other address without a scheme: it resolves differently on each
    /// page the text is shown on.
    Relative,
    /// An `http(s)` address, checked when it is under the site's `base_url`.
    Web,
}

/// An href to a content file not yet checked against the site: followed by
/// the file's path in the content folder (and `#fragment`).
pub const UNRESOLVED: &str = "\u{a0}content\u{a0}/";

/// An href to a page of the site: followed by the page's path without its
/// language, e.g. `d/replies/007-maria/index.html`.
pub const SITE_ROOT: &str = "\u{a0}site\u{a0}/";

impl Link {
    /// What follows [`UNRESOLVED`] in the href of a link to a content file;
    /// `None` leaves the href as written. Any character of the path that is
    /// not [safe](is_safe_char) is `%`-escaped, as the HTML writer would do
    /// it, so that the href holds the marker exactly as written here.
    pub fn marker(&self) -> Option<String> {
        let LinkKind::File {
            path: Some(path),
            fragment,
        } = &self.kind
        else {
            return None;
        };
        let mut marker = String::with_capacity(path.len());
        for b in path.bytes() {
            if b == b'/' || is_safe_char(char::from(b)) {
                marker.push(char::from(b));
            } else {
                marker.push_str(&format!("%{b:02X}"));
            }
        }
        match fragment {
            None => Some(marker),
            Some(f) if f.chars().all(is_safe_char) => Some(format!("{marker}#{f}")),
            Some(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts known by their hash only: all a reply's hash reads of them.
    #[derive(Debug)]
    struct TextsHash([u8; 32]);

    impl ReplyTexts for TextsHash {
        fn hash(&self) -> [u8; 32] {
            self.0
        }
        fn marks(&self, _: QuestionId) -> bool {
            false
        }
        fn html_for(&self, _: Option<QuestionId>) -> Result<String, Diagnostic> {
            Ok(String::new())
        }
        fn text(&self) -> Result<String, Diagnostic> {
            Ok(String::new())
        }
        fn html_len(&self) -> Result<usize, Diagnostic> {
            Ok(0)
        }
    }

    fn texts(html: &str) -> Box<dyn ReplyTexts> {
        let texts = Texts {
            html: html.to_string(),
            text: String::new(),
            parts: Vec::new(),
        };
        Box::new(TextsHash(texts.hash()))
    }

    fn reply() -> Reply {
        Reply {
            id: "007-maria".to_string(),
            texts: texts("<p>Remittances matter.</p>"),
            source: PathBuf::from("water/replies/007-maria.md"),
            author: Some("Maria".to_string()),
            organisation: None,
            country: Some("Peru".to_string()),
            date: NaiveDate::from_ymd_opt(2015, 3, 2),
            answers: vec![QuestionId {
                group: 1,
                question: 2,
            }],
            lang: Lang::EN,
            lang_source: LangSource::Detected {
                confidence: 0.9,
                reliable: true,
            },
            links: Vec::new(),
        }
    }

    #[test]
    fn a_reply_hash_changes_with_every_field_and_only_then() {
        let base = reply().hash();
        assert_eq!(reply().hash(), base, "equal replies, equal hashes");
        type Change = (&'static str, fn(&mut Reply));
        let changes: [Change; 11] = [
            ("id", |r| r.id.push('x')),
            ("source", |r| r.source.push("x")),
            ("author", |r| r.author = None),
            // The same text moved from one field to the next.
            ("organisation", |r| {
                r.organisation = r.author.take();
            }),
            ("country", |r| r.country = Some("Perú".to_string())),
            ("date", |r| r.date = NaiveDate::from_ymd_opt(2015, 3, 3)),
            ("answers", |r| r.answers[0].question = 3),
            ("lang", |r| r.lang = Lang::FR),
            ("lang_source", |r| r.lang_source = LangSource::Declared),
            ("links", |r| {
                r.links.push(Link {
                    dest: "https://example.org".to_string(),
                    line: 3,
                    kind: LinkKind::Web,
                });
            }),
            ("texts", |r| r.texts = texts("<p>Remittances matter!</p>")),
        ];
        for (field, change) in changes {
            let mut r = reply();
            change(&mut r);
            assert_ne!(
                r.hash(),
                base,
                "a change of `{field}` left the hash as it was"
            );
        }
    }
}
