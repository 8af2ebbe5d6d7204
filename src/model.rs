//! The content model: what a content folder means once it has been read and checked.
//!
//! Everything here is valid by construction: ids are parsed, languages known,
//! Markdown already rendered to sanitised HTML.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::config::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::links::Link;

/// A question's address, `<group>.<question>` as written in `answers` (`1.10` is
/// group 1, question 10: never the number 1.1).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct QuestionId {
    pub group: u32,
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
        self.0
            .get_key_value(&lang)
            .or_else(|| self.0.get_key_value(&fallback))
            .or_else(|| self.0.iter().next())
            .map(|(l, t)| (t.as_str(), *l))
    }
}

/// What a discussion calls a group of questions; it names the group's URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupLabel {
    Week,
    Topic,
    Round,
}

impl GroupLabel {
    pub fn slug(self) -> &'static str {
        match self {
            GroupLabel::Week => "week",
            GroupLabel::Topic => "topic",
            GroupLabel::Round => "round",
        }
    }
}

#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
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

#[derive(Debug)]
pub struct Discussion {
    /// The discussion's address, its URL segment: the folder name made
    /// web-safe ([`crate::site::address`]).
    pub slug: String,
    /// Its `_discussion.md` file (in the folder as named on disk).
    pub source: PathBuf,
    pub title: LangText,
    /// The language the moderators wrote the discussion in (introduction, questions).
    pub original_lang: Lang,
    pub opens: Option<NaiveDate>,
    pub closes: Option<NaiveDate>,
    pub organisers: Vec<String>,
    pub group_label: GroupLabel,
    pub groups: Vec<Group>,
    pub intro_html: String,
    /// Links in the introduction, checked once the whole site is loaded.
    pub intro_links: Vec<Link>,
    /// Sorted by date, then file name: the reading order of previous/next.
    pub replies: Vec<Reply>,
    pub summaries: BTreeMap<QuestionId, BTreeMap<Lang, Summary>>,
    pub conclusion: BTreeMap<Lang, Summary>,
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
            original_lang,
            opens,
            closes,
            organisers,
            group_label,
            groups,
            intro_html,
            intro_links,
            replies: _,
            summaries,
            conclusion,
        } = self;
        let mut h = blake3::Hasher::new();
        hash_debug(
            &mut h,
            &(
                (slug, source),
                title,
                original_lang,
                opens,
                closes,
                organisers,
                group_label,
                groups,
                intro_html,
                intro_links,
                summaries,
                conclusion,
            ),
        );
        h.finalize()
    }

    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.groups.iter().flat_map(|g| g.questions.iter())
    }

    pub fn find_question(&self, id: QuestionId) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }
}

#[derive(Debug)]
pub struct Group {
    pub id: u32,
    pub title: LangText,
    pub questions: Vec<Question>,
}

#[derive(Debug)]
pub struct Question {
    pub id: QuestionId,
    pub text: LangText,
    /// Line of its `id:` in `_discussion.md`, for messages.
    pub line: usize,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Reply {
    /// The reply's address: its file name without `.md`, made web-safe
    /// ([`crate::site::address`]). Its id in anchors, URLs and open data.
    pub id: String,
    pub source: PathBuf,
    pub author: Option<String>,
    pub organisation: Option<String>,
    pub country: Option<String>,
    pub date: Option<NaiveDate>,
    pub answers: Vec<QuestionId>,
    pub lang: Lang,
    pub lang_source: LangSource,
    pub texts: ReplyTexts,
    /// Its links, checked once the whole site is loaded (see [`crate::links`]).
    pub links: Vec<Link>,
}

/// A reply's text in every form palabre shows it, known by a hash of them
/// all, taken once, when the reply is read, and kept with it in the reply
/// cache: a rebuild does not hash every reply's text again.
///
/// A reply read from its file holds its texts; one taken from the cache
/// holds only their hash, and reads its texts from the cache the first time
/// a page or a file needs them: a rebuild neither reads nor keeps the texts
/// of the replies whose pages did not change. They are held compressed
/// ([`PackedTexts`]). The fields are private so that the
/// hash always matches; [`ReplyTexts::edit_html`] takes it again.
pub struct ReplyTexts {
    hash: [u8; 32],
    /// The questions the reply has parts marked for: pages need these
    /// without the texts.
    marked: Vec<QuestionId>,
    held: OnceLock<PackedTexts>,
    stored: Option<Box<dyn StoredTexts>>,
}

/// Where the texts of a reply not held in memory are kept (the reply cache).
pub trait StoredTexts: Send + Sync {
    /// The texts, checked against their hash.
    fn load(&self) -> std::io::Result<PackedTexts>;
}

/// A reply's HTML, its plain text, and its marked parts.
#[derive(Clone, Debug)]
pub struct Texts {
    html: String,
    text: String,
    parts: Vec<ReplyPart>,
}

impl Texts {
    pub fn new(html: String, text: String, parts: Vec<ReplyPart>) -> Texts {
        Texts { html, text, parts }
    }

    /// The whole reply, as shown on its own page.
    pub fn html(&self) -> &str {
        &self.html
    }

    /// Parts marked with `<!-- answers: ... -->`; empty when the reply has
    /// no markers.
    pub fn parts(&self) -> &[ReplyPart] {
        &self.parts
    }

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

/// A reply's texts as held in memory and in the reply cache: each one
/// compressed (lz4). The texts of every reply are most of a clean build's
/// memory, and each is read only a few times (its pages, search, open data),
/// at a cost far below the Markdown's rendering.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PackedTexts {
    html: Vec<u8>,
    text: Vec<u8>,
    parts: Vec<(Vec<QuestionId>, Vec<u8>)>,
}

impl PackedTexts {
    fn pack(texts: &Texts) -> PackedTexts {
        // Copied to a block of their size: lz4's shrink_to_fit may leave the
        // bytes in their first, input-sized block (mimalloc shrinks in place
        // down to half a block), which would save no memory.
        let pack = |s: &str| {
            lz4_flex::compress_prepend_size(s.as_bytes())
                .as_slice()
                .to_vec()
        };
        PackedTexts {
            html: pack(&texts.html),
            text: pack(&texts.text),
            parts: texts
                .parts
                .iter()
                .map(|p| (p.questions.clone(), pack(&p.html)))
                .collect(),
        }
    }

    /// The texts as they were packed.
    pub fn unpack(&self) -> std::io::Result<Texts> {
        let parts = self
            .parts
            .iter()
            .map(|(questions, html)| {
                Ok(ReplyPart {
                    questions: questions.clone(),
                    html: unpack_string(html)?,
                })
            })
            .collect::<std::io::Result<_>>()?;
        Ok(Texts {
            html: unpack_string(&self.html)?,
            text: unpack_string(&self.text)?,
            parts,
        })
    }

    /// What to show on the page of `question`: the parts marked for it, or
    /// the whole reply when none is (or when `question` is `None`).
    fn html_for(&self, question: Option<QuestionId>) -> std::io::Result<String> {
        let marked: Vec<&[u8]> = self
            .parts
            .iter()
            .filter(|(questions, _)| question.is_some_and(|q| questions.contains(&q)))
            .map(|(_, html)| html.as_slice())
            .collect();
        if marked.is_empty() {
            return unpack_string(&self.html);
        }
        marked.into_iter().map(unpack_string).collect()
    }

    fn text(&self) -> std::io::Result<String> {
        unpack_string(&self.text)
    }

    /// The length of the whole reply's HTML, without unpacking it.
    fn html_len(&self) -> usize {
        unpacked_len(&self.html).unwrap_or(0)
    }
}

/// The size lz4 put before the compressed bytes.
fn unpacked_len(packed: &[u8]) -> Option<usize> {
    let size: [u8; 4] = packed.get(..4)?.try_into().ok()?;
    usize::try_from(u32::from_le_bytes(size)).ok()
}

fn unpack(packed: &[u8]) -> std::io::Result<Vec<u8>> {
    // lz4 expands at most 255 times: a larger size is damage, not to be allocated.
    let size = unpacked_len(packed).ok_or_else(damaged)?;
    if size > packed.len().saturating_mul(255) {
        return Err(damaged());
    }
    lz4_flex::decompress_size_prepended(packed).map_err(|_| damaged())
}

fn unpack_string(packed: &[u8]) -> std::io::Result<String> {
    String::from_utf8(unpack(packed)?).map_err(|_| damaged())
}

fn damaged() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, "damaged texts")
}

impl ReplyTexts {
    pub fn new(texts: Texts) -> ReplyTexts {
        let mut marked: Vec<QuestionId> = texts
            .parts
            .iter()
            .flat_map(|p| p.questions.iter().copied())
            .collect();
        marked.sort();
        marked.dedup();
        ReplyTexts {
            hash: texts.hash(),
            marked,
            held: OnceLock::from(PackedTexts::pack(&texts)),
            stored: None,
        }
    }

    /// A hash of the HTML, the text and the parts.
    pub fn hash(&self) -> [u8; 32] {
        self.hash
    }

    /// Whether the reply has parts marked for `question` (it then shows only
    /// those on the question's page).
    pub fn marks(&self, question: QuestionId) -> bool {
        self.marked.contains(&question)
    }

    /// The texts, read from where they are stored the first time.
    pub fn get(&self) -> std::io::Result<&PackedTexts> {
        if let Some(texts) = self.held.get() {
            return Ok(texts);
        }
        let stored = self
            .stored
            .as_ref()
            .ok_or_else(|| std::io::Error::other("the reply's texts were not kept"))?;
        // Two threads may both read them: the first to finish is kept.
        let texts = stored.load()?;
        Ok(self.held.get_or_init(|| texts))
    }

    /// The texts, when held.
    pub fn into_packed(self) -> Option<PackedTexts> {
        self.held.into_inner()
    }

    /// Leaves the texts in `stored`, to be read from there when needed.
    pub fn store(&mut self, stored: Box<dyn StoredTexts>) {
        self.held = OnceLock::new();
        self.stored = Some(stored);
    }

    /// Lets `edit` change the HTML (the whole reply's, then each part's) and
    /// hashes the texts again; they are held in memory from then on.
    pub fn edit_html<T>(&mut self, edit: impl FnOnce(Vec<&mut String>) -> T) -> std::io::Result<T> {
        let mut texts = self.get()?.unpack()?;
        let html = std::iter::once(&mut texts.html)
            .chain(texts.parts.iter_mut().map(|p| &mut p.html))
            .collect();
        let result = edit(html);
        self.hash = texts.hash();
        self.held = OnceLock::from(PackedTexts::pack(&texts));
        self.stored = None;
        Ok(result)
    }
}

impl fmt::Debug for ReplyTexts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplyTexts")
            .field("hash", &blake3::Hash::from_bytes(self.hash))
            .field("marked", &self.marked)
            .field("held", &self.held)
            .finish_non_exhaustive()
    }
}

/// In the reply cache a reply's texts are stored apart from the rest of it
/// (see [`crate::cache`]): only their hash and marked questions go with it.
impl serde::Serialize for ReplyTexts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (&self.hash, &self.marked).serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for ReplyTexts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ReplyTexts, D::Error> {
        let (hash, marked) = <([u8; 32], Vec<QuestionId>)>::deserialize(d)?;
        Ok(ReplyTexts {
            hash,
            marked,
            held: OnceLock::new(),
            stored: None,
        })
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
        // The short fields by their Debug form (strings quoted and escaped,
        // so unambiguous); the texts by their own hash.
        let short = (
            id,
            source,
            author,
            organisation,
            country,
            date,
            answers,
            lang,
            lang_source,
            links,
        );
        hash_debug(&mut h, &short);
        h.update(&texts.hash());
        h.finalize()
    }

    /// The whole reply as plain text: for search, open data and feeds.
    pub fn text(&self) -> Result<String, Diagnostic> {
        self.packed()?
            .text()
            .map_err(|e| texts_error(&self.source, &e))
    }

    /// What to show on the page of `question`: the parts marked for it, or
    /// the whole reply when none is (or when `question` is `None`).
    pub fn html_for(&self, question: Option<QuestionId>) -> Result<String, Diagnostic> {
        self.packed()?
            .html_for(question)
            .map_err(|e| texts_error(&self.source, &e))
    }

    /// The length of the reply's whole HTML, to size a page before it is made.
    pub fn html_len(&self) -> Result<usize, Diagnostic> {
        Ok(self.packed()?.html_len())
    }

    /// The reply's texts, unpacked.
    pub fn texts(&self) -> Result<Texts, Diagnostic> {
        self.packed()?
            .unpack()
            .map_err(|e| texts_error(&self.source, &e))
    }

    /// The reply's texts as held (see [`ReplyTexts::get`]).
    fn packed(&self) -> Result<&PackedTexts, Diagnostic> {
        self.texts.get().map_err(|e| texts_error(&self.source, &e))
    }
}

/// The error for a reply whose texts could not be read back from the build cache.
pub fn texts_error(reply: &std::path::Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(reply, None, e.to_string())
        .hint("the file changed while palabre was building: build again")
}

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum LangSource {
    Declared,
    Detected { confidence: f64, reliable: bool },
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ReplyPart {
    pub questions: Vec<QuestionId>,
    pub html: String,
}

#[derive(Debug)]
pub struct Summary {
    pub source: PathBuf,
    pub title: Option<String>,
    pub html: String,
    pub links: Vec<Link>,
}

/// Adds the Debug form of `value` to `h`: it holds every field, and the
/// strings in it are quoted and escaped.
pub fn hash_debug(h: &mut blake3::Hasher, value: &impl fmt::Debug) {
    // One update: many small ones cost more than building the string.
    h.update(format!("{value:?}").as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(group: u32, question: u32) -> QuestionId {
        QuestionId { group, question }
    }

    fn texts() -> Texts {
        Texts::new(
            "<p>Whole reply.</p>".repeat(50),
            "Whole reply.".repeat(50),
            vec![
                ReplyPart {
                    questions: vec![q(1, 1)],
                    html: "<p>On 1.1.</p>".to_string(),
                },
                ReplyPart {
                    questions: vec![q(1, 2)],
                    html: "<p>On 1.2.</p>".to_string(),
                },
            ],
        )
    }

    #[test]
    fn packed_texts_give_back_what_was_packed() {
        let texts = texts();
        let packed = PackedTexts::pack(&texts);
        assert!(
            packed.html.len() < texts.html.len(),
            "the HTML is compressed"
        );
        assert_eq!(packed.unpack().expect("unpacks").hash(), texts.hash());
        assert_eq!(
            packed.html_for(Some(q(1, 2))).expect("part"),
            "<p>On 1.2.</p>"
        );
        assert_eq!(packed.html_for(Some(q(2, 1))).expect("whole"), texts.html);
        assert_eq!(packed.html_for(None).expect("whole"), texts.html);
        assert_eq!(packed.html_len(), texts.html.len());
        assert_eq!(packed.text().expect("text"), texts.text);
    }

    #[test]
    fn damaged_packed_texts_are_an_error() {
        let mut packed = PackedTexts::pack(&texts());
        // A size far beyond what the bytes can hold is not allocated.
        packed.html[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(packed.html_for(None).is_err());
        packed.text.truncate(6);
        assert!(packed.text().is_err());
        assert!(packed.unpack().is_err());
    }
}
