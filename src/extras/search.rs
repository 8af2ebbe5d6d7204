//! The search index, built at build time and read by `static/search.js`.
//!
//! Every reply and every summary is a document, its words stemmed in the
//! document's own language (Snowball: English, French, Spanish), then folded
//! to lower-case ASCII so that "developpement" finds "développement".
//!
//! The index is split into small JavaScript files that the client loads with
//! `<script>` tags (which work from `file://`, where `fetch` does not):
//!
//! - `search/index.js`: the list of term shards and the number of documents;
//! - `search/t-<prefix>.js`: the stems starting with `<prefix>`, each with the
//!   documents holding it, and the word forms seen for them. A prefix is split
//!   further while its shard is larger than [`SHARD_BYTES`], so one word of a
//!   query loads one shard of bounded size whatever the size of the site;
//! - `search/d-<n>.js`: the documents whose number, shifted right by the
//!   manifest's `file_shift`, is `n`: address, author, questions, language
//!   and where the document's text is, to show results;
//! - `search/x/<discussion>/<day>-<n>.js` and `search/x/<discussion>/s-<n>.js`:
//!   the plain texts of up to [`TEXTS_PER_FILE`] replies of one day, or of
//!   one summary, from which a result shows the passage around the words
//!   found. A page of results loads the texts of its ten documents only; the
//!   index stays as small without them. They are made per discussion
//!   ([`text_files`]), as open data is: a new reply rewrites the file of its
//!   day (and those after it that day), and a site creates a file per
//!   four replies rather than one per reply.
//!
//! A document's number says where it sorts (discussion, day, rank that day)
//! rather than how many documents come before it, so that one new reply
//! changes one document file and the shards of its own words: a rebuild
//! rewrites, and a sync to the host uploads, a few files, not the index.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use chrono::Datelike;
use rayon::prelude::*;
use rust_stemmers::Stemmer;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::OutputFile;
use super::countries;
use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::model::{Discussion, QuestionId, Reply, Site, Summary};
use crate::site;
use crate::util::text::plain_text;
use crate::util::{CHECK, Checked, check_of};

/// Above this, a shard is split by one more character of its prefix.
pub const SHARD_BYTES: usize = 32 * 1024;
/// Documents per `d-<n>.js`, on average at least: a page of results loads a
/// few small files.
pub const DOCS_PER_FILE: usize = 10;
/// Bits of a document number for its day: days since 1970, until 2149.
const DAY_BITS: u32 = 16;
/// The "days" of undated replies and of summaries, after every date.
const UNDATED: u64 = (1 << DAY_BITS) - 2;
const SUMMARIES: u64 = (1 << DAY_BITS) - 1;
/// Longest shard prefix: past it, a shard is kept whatever its size (only
/// reached by many stems sharing a long prefix, such as numbered names).
const MAX_PREFIX: usize = 16;

/// What a result shows: `[path, author, questions, lang, file, n]`; `path`
/// is under a language folder (the client adds the reader's language),
/// `author` is empty for a summary; the document's text is the `n`th of
/// `search/x/<file>.js` (see [`TextFiles`]).
#[derive(Serialize)]
struct Doc(String, String, String, Lang, String, u32);

/// Texts in one file of `search/x/`.
pub const TEXTS_PER_FILE: usize = 4;

/// The text file of each reply of a discussion (in the model's order) and
/// of each summary (by question, then language), under `search/x/`, without
/// `.js`: a day's replies together, [`TEXTS_PER_FILE`] at most a file; a
/// summary alone.
struct TextFiles {
    replies: Vec<(String, u32)>,
    summaries: Vec<(String, u32)>,
}

impl TextFiles {
    fn of(d: &Discussion) -> TextFiles {
        let mut replies = Vec::with_capacity(d.replies.len());
        let mut previous = None;
        let mut rank = 0;
        for r in &d.replies {
            let day = day(r);
            rank = if previous == Some(day) { rank + 1 } else { 0 };
            previous = Some(day);
            let file = format!("{}/{day}-{}", d.slug, rank / TEXTS_PER_FILE);
            replies.push((file, (rank % TEXTS_PER_FILE) as u32));
        }
        // Summaries are long and few: one a file, as a page of results
        // loads whole files.
        let count: usize = d.summaries.values().map(BTreeMap::len).sum();
        let summaries = (0..count)
            .map(|i| (format!("{}/s-{i}", d.slug), 0))
            .collect();
        TextFiles { replies, summaries }
    }
}

/// The text files of a discussion's documents ([`TextFiles`]): a line
/// `palabreSearch.text("<file>",<n>,"<text>");` per reply and summary.
pub fn text_files(d: &Discussion) -> Result<Vec<OutputFile>, super::JobError> {
    let files = TextFiles::of(d);
    let mut out: Vec<OutputFile> = Vec::new();
    let mut add = |(file, n): &(String, u32), text: &str| {
        let name = serde_json::Value::String(file.clone());
        let text = serde_json::Value::String(text.to_string());
        let line = format!("palabreSearch.text({name},{n},{text});\n");
        let path = format!("search/x/{file}.js");
        // A file's texts come one after the other.
        match out.last_mut() {
            Some(last) if last.path == path => last.bytes.extend_from_slice(line.as_bytes()),
            _ => out.push(OutputFile {
                path,
                bytes: line.into_bytes(),
            }),
        }
    };
    for (r, at) in d.replies.iter().zip(&files.replies) {
        add(at, &r.text()?);
    }
    let summaries = d.summaries.values().flat_map(BTreeMap::values);
    for (summary, at) in summaries.zip(&files.summaries) {
        add(at, &plain_text(&summary.html));
    }
    Ok(out)
}

/// Stems the words of one language: with its Snowball stemmer where there is
/// one (English, French, Portuguese, Arabic…); words of other languages are
/// indexed as they are, folded.
pub struct LangStemmer(Option<Stemmer>);

impl LangStemmer {
    /// The stem of a lower-case word, before folding.
    pub fn stem<'a>(&self, lower: &'a str) -> Cow<'a, str> {
        match &self.0 {
            Some(stemmer) => stemmer.stem(lower),
            None => Cow::Borrowed(lower),
        }
    }
}

/// The stemmer of `lang`.
pub fn stemmer(lang: Lang) -> LangStemmer {
    LangStemmer(lang.snowball().map(Stemmer::create))
}

/// A word as the index and queries compare it: letters and digits only,
/// lower-case. Latin letters are folded to ASCII, accents and ligatures
/// included ("œ" to "oe"); letters of other scripts (Arabic, Greek, Cyrillic…)
/// are kept without their combining marks (Arabic vowel signs, the hamza of
/// "أ"). `search.js` folds queries the same way.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            }
        } else if transliterated(c) {
            let ascii = deunicode::deunicode_char(c).unwrap_or_default();
            out.extend(
                ascii
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase()),
            );
        } else {
            for d in std::iter::once(c).nfd() {
                if d.is_alphanumeric() && !is_combining_mark(d) {
                    out.extend(d.to_lowercase());
                }
            }
        }
    }
    out
}

/// Whether `c` (not ASCII) is folded to ASCII: Latin letters, and the signs
/// that read as Latin letters or digits ("²", "ﬁ"). Other scripts keep their
/// letters, which a transliteration would make unsearchable.
fn transliterated(c: char) -> bool {
    let c = u32::from(c);
    c < 0x370
        || (0x1D00..=0x1EFF).contains(&c)
        || (0x2000..=0x2BFF).contains(&c)
        || (0xFB00..=0xFB06).contains(&c)
        || (0xFF00..=0xFFEF).contains(&c)
}

/// Whether `c` belongs to a word: letters, digits, and the combining marks
/// written on letters (Arabic vowel signs), which [`fold`] drops.
pub fn is_word_char(c: char) -> bool {
    // Spaces and punctuation, most of what is not a word, are ASCII: no
    // table lookup for them.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

/// `(form, stem)` of one lower-case word, both folded, or `None` for words
/// too short to index. The stem is taken in the word's language before
/// folding, as Snowball expects accented words.
fn term(lower: &str, stemmer: &LangStemmer) -> Option<(String, String)> {
    let form = fold(lower);
    let stem = fold(&stemmer.stem(lower));
    let long = |s: &str| s.chars().nth(1).is_some();
    (long(&stem) && long(&form)).then_some((form, stem))
}

/// A document to index: what a result shows, the language to stem in, and
/// its distinct lower-case words.
struct Source {
    doc: Doc,
    lang: Lang,
    words: Words,
}

/// The distinct words of a text, lower-cased: the lower-cased text and where
/// each distinct word is in it (one allocation per document, not per word).
struct Words {
    lower: String,
    spans: Vec<(usize, usize)>,
}

impl Words {
    fn of(text: &str) -> Words {
        let lower = crate::util::text::lowercase(text);
        let mut spans = Vec::new();
        // Sized from the length, to spare growing it word by word.
        let mut seen: FxHashSet<&str> =
            FxHashSet::with_capacity_and_hasher(lower.len() / 12, Default::default());
        let mut start = None;
        let bytes = lower.as_bytes();
        let mut i = 0;
        // Byte by byte, a character decoded only where one starts beyond
        // ASCII: most of the text is ASCII. The end counts as a space.
        while i <= bytes.len() {
            let (in_word, len) = match bytes.get(i) {
                None => (false, 1),
                Some(&b) if b.is_ascii() => (b.is_ascii_alphanumeric(), 1),
                Some(_) => lower[i..]
                    .chars()
                    .next()
                    .map_or((false, 1), |c| (is_word_char(c), c.len_utf8())),
            };
            match (in_word, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    if seen.insert(&lower[s..i]) {
                        spans.push((s, i));
                    }
                    start = None;
                }
                _ => {}
            }
            i += len;
        }
        drop(seen);
        Words { lower, spans }
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans.iter().map(|&(s, e)| &self.lower[s..e])
    }
}

/// A text to index.
enum Text<'a> {
    /// With the site's languages, in which its country is named, and its
    /// text file.
    Reply(&'a [Lang], &'a Discussion, &'a Reply, (String, u32)),
    Summary(&'a Discussion, QuestionId, Lang, &'a Summary, (String, u32)),
}

/// The documents that sort together and are numbered in a row: a
/// discussion's replies of one day, its undated replies, its summaries.
type Group = (u64, u64);

/// Every text of the site in a fixed order, each discussion's replies (by
/// date, as in the model) then its summaries, with its group.
fn texts(site: &Site) -> Vec<(Group, Text<'_>)> {
    let mut texts = Vec::new();
    for (i, d) in (0u64..).zip(&site.discussions) {
        let TextFiles { replies, summaries } = TextFiles::of(d);
        texts.extend(d.replies.iter().zip(replies).map(|(r, file)| {
            let text = Text::Reply(&site.config.languages, d, r, file);
            ((i, day(r)), text)
        }));
        let mut files = summaries.into_iter();
        for (&q, by_lang) in &d.summaries {
            texts.extend(
                by_lang
                    .iter()
                    .zip(files.by_ref())
                    .map(|((&l, sum), file)| ((i, SUMMARIES), Text::Summary(d, q, l, sum, file))),
            );
        }
    }
    texts
}

/// The day a reply sorts in, as the model orders replies (undated last).
fn day(r: &Reply) -> u64 {
    /// Days from 1 January of year 1 to 1 January 1970.
    const EPOCH_FROM_CE: i64 = 719_163;
    r.date.map_or(UNDATED, |date| {
        let days = i64::from(date.num_days_from_ce()) - EPOCH_FROM_CE;
        days.clamp(0, UNDATED as i64 - 1) as u64
    })
}

/// The number of each document: its discussion, day and rank that day, in
/// bits, so numbers increase in the documents' order and do not change when
/// a document is added to another day. Ranks get as many bits as the
/// largest group needs.
fn numbers(groups: &[Group]) -> Vec<u64> {
    let mut ranks = Vec::with_capacity(groups.len());
    for (i, g) in groups.iter().enumerate() {
        let rank = match i.checked_sub(1).map(|p| &groups[p]) {
            Some(previous) if previous == g => ranks[i - 1] + 1,
            _ => 0,
        };
        ranks.push(rank);
    }
    let bits = u64::BITS - ranks.iter().max().copied().unwrap_or(0u64).leading_zeros();
    groups
        .iter()
        .zip(ranks)
        .map(|(&(discussion, day), rank)| (discussion << (DAY_BITS + bits)) | (day << bits) | rank)
        .collect()
}

/// How far numbers are shifted to name their document file: the least that
/// gives files of [`DOCS_PER_FILE`] documents or more on average. `numbers`
/// are increasing.
fn file_shift(numbers: &[u64]) -> u32 {
    (0..u64::BITS)
        .find(|&shift| {
            let files = numbers.chunk_by(|a, b| a >> shift == b >> shift).count();
            numbers.len() >= files * DOCS_PER_FILE
        })
        .unwrap_or(u64::BITS - 1)
}

impl Text<'_> {
    /// A hash of everything the document is read from: equal hashes, equal
    /// documents.
    fn hash(&self) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        let mut field = |bytes: &[u8]| {
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        match *self {
            Text::Reply(languages, d, r, (ref file, n)) => {
                field(site::reply_path("en", d, &r.id).as_bytes());
                field(file.as_bytes());
                field(&n.to_le_bytes());
                for l in languages {
                    field(l.code().as_bytes());
                }
                for f in [&r.author, &r.organisation, &r.country] {
                    field(f.as_deref().unwrap_or("\0").as_bytes());
                }
                for q in &r.answers {
                    field(q.to_string().as_bytes());
                }
                field(r.lang.code().as_bytes());
                field(&r.texts.hash());
            }
            Text::Summary(d, q, lang, summary, (ref file, n)) => {
                field(site::question_path("en", d, q).as_bytes());
                field(file.as_bytes());
                field(&n.to_le_bytes());
                field(lang.code().as_bytes());
                field(summary.html.as_bytes());
            }
        }
        *h.finalize().as_bytes()
    }

    fn read(&self) -> Result<Source, Diagnostic> {
        // `en` stands for any language: the client swaps in the reader's.
        let strip = |path: String| path.trim_start_matches("en/").to_string();
        match *self {
            Text::Reply(languages, d, r, (ref file, n)) => {
                let questions: Vec<String> = r.answers.iter().map(ToString::to_string).collect();
                let mut all = r.text()?;
                for field in [&r.author, &r.organisation, &r.country]
                    .into_iter()
                    .flatten()
                {
                    all.push('\n');
                    all.push_str(field);
                }
                // A country is found by its name in every site language:
                // "Espagne" finds the replies from "Spain".
                if let Some(country) = r.country.as_deref().and_then(countries::find) {
                    for &lang in languages {
                        all.push('\n');
                        all.push_str(country.name(lang));
                    }
                }
                Ok(Source {
                    doc: Doc(
                        strip(site::reply_path("en", d, &r.id)),
                        r.author.clone().unwrap_or_default(),
                        questions.join(", "),
                        r.lang,
                        file.clone(),
                        n,
                    ),
                    lang: r.lang,
                    words: Words::of(&all),
                })
            }
            Text::Summary(d, q, lang, summary, (ref file, n)) => {
                let text = plain_text(&summary.html);
                Ok(Source {
                    doc: Doc(
                        strip(site::question_path("en", d, q)),
                        String::new(),
                        q.to_string(),
                        lang,
                        file.clone(),
                        n,
                    ),
                    lang,
                    words: Words::of(&text),
                })
            }
        }
    }
}

/// Documents read in parallel this many at a time: their word lists are
/// dropped once indexed, so memory does not grow with the site.
const CHUNK: usize = 1024;

/// What a saved index must have been made by: this version of palabre.
const SAVED_FORMAT: &str = concat!("palabre ", env!("CARGO_PKG_VERSION"), " search index 6");

/// Every document of the site with its words, and every stem with the
/// documents holding it. Each distinct word of a language is stemmed once.
///
/// Kept in the build cache between builds, so that a rebuild reads only the
/// texts that changed: removing a document undoes exactly what adding it
/// did, so an updated index equals one made from scratch.
#[derive(Default, Serialize, Deserialize)]
struct Index {
    docs: BTreeMap<u64, Indexed>,
    /// Every distinct lower-case word seen, per language.
    words: Vec<Word>,
    stems: Vec<Stem>,
    /// Where each word and stem is in `words` and `stems`: made again when loaded.
    #[serde(skip)]
    word_ids: BTreeMap<Lang, FxHashMap<String, u32>>,
    #[serde(skip)]
    stem_ids: FxHashMap<String, u32>,
}

/// A document of the index: the hash of what it was read from, what a
/// result shows, and its distinct words.
#[derive(Serialize, Deserialize)]
struct Indexed {
    #[serde(with = "serde_bytes")]
    hash: [u8; 32],
    /// The [`Doc`] as written in a document file: made once, when the
    /// document is added, rather than on every build (and read back as one
    /// string rather than five fields).
    doc: String,
    /// Its distinct words' numbers (in `Index::words`) as [`deltas`] writes
    /// them: read only when the document is removed, which few builds do,
    /// rather than every time the index is loaded, and smaller in memory.
    #[serde(with = "serde_bytes")]
    words: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Word {
    lang: Lang,
    word: String,
    /// Its stem and, when it differs from the stem, its folded form; `None`
    /// for a word too short to index.
    term: Option<(u32, Option<String>)>,
}

#[derive(Default, Serialize, Deserialize)]
struct Stem {
    stem: String,
    /// Documents holding the stem, in increasing order.
    #[serde(with = "deltas")]
    docs: Vec<u64>,
    /// Words with this stem whose form differs from it, each with the
    /// number of documents holding it.
    forms: BTreeMap<u32, u32>,
}

/// A list of numbers as the saved index holds it: one string of bytes, each
/// number as its difference from the one before (zigzag-coded, so that either
/// order is short), in LEB128. Postcard would write varints too, but through a
/// call each: read and written in one loop, the index of 20,000 replies (ten
/// million numbers) loads and saves several times faster.
mod deltas {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer, T: Copy + Into<u64>>(
        list: &[T],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&encode(list))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>, T: TryFrom<u64>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        decode(<&[u8]>::deserialize(d)?).map_err(D::Error::custom)
    }

    pub(super) fn encode<T: Copy + Into<u64>>(list: &[T]) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(list.len() * 2);
        let mut previous = 0u64;
        for &n in list {
            let n: u64 = n.into();
            let d = n.wrapping_sub(previous) as i64;
            previous = n;
            let mut z = ((d << 1) ^ (d >> 63)) as u64;
            while z >= 0x80 {
                bytes.push(z as u8 | 0x80);
                z >>= 7;
            }
            bytes.push(z as u8);
        }
        bytes
    }

    pub(super) fn decode<T: TryFrom<u64>>(bytes: &[u8]) -> Result<Vec<T>, &'static str> {
        // A number's last byte is the one without the high bit.
        let mut list = Vec::with_capacity(bytes.iter().filter(|&&b| b < 0x80).count());
        let (mut previous, mut z, mut shift) = (0u64, 0u64, 0u32);
        for &b in bytes {
            if shift > 63 {
                return Err("a number of more than 64 bits");
            }
            z |= u64::from(b & 0x7f) << shift;
            if b & 0x80 != 0 {
                shift += 7;
                continue;
            }
            let d = ((z >> 1) as i64) ^ -((z & 1) as i64);
            previous = previous.wrapping_add(d as u64);
            list.push(T::try_from(previous).map_err(|_| "a number too large")?);
            (z, shift) = (0, 0);
        }
        if shift != 0 {
            return Err("a number cut short");
        }
        Ok(list)
    }
}

impl Index {
    /// The index saved in `path`, if it was saved by this version.
    fn load(path: &Path) -> Option<Index> {
        let bytes = std::fs::read(path).ok()?;
        // The index ends with its check: a damaged file is made again.
        let (saved, check) = bytes.split_at(bytes.len().checked_sub(CHECK)?);
        if check_of(&[saved]) != *check {
            return None;
        }
        let (format, mut index): (String, Index) = postcard::from_bytes(saved).ok()?;
        if format != SAVED_FORMAT {
            return None;
        }
        for (i, w) in (0u32..).zip(&index.words) {
            index
                .word_ids
                .entry(w.lang)
                .or_default()
                .insert(w.word.clone(), i);
        }
        index.stem_ids = (0u32..)
            .zip(&index.stems)
            .map(|(i, s)| (s.stem.clone(), i))
            .collect();
        Some(index)
    }

    fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("tmp");
        // Written as it is serialised: at 20,000 replies the index is 15 MB,
        // made while the index's files are.
        let file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        let (mut file, check) = postcard::to_io(&(SAVED_FORMAT, self), Checked::new(file))
            .map_err(std::io::Error::other)?
            .finish();
        file.write_all(&check)?;
        file.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        std::fs::rename(tmp, path)
    }

    /// Brings the index up to date with `site`: documents gone or changed
    /// are removed, new or changed ones read and added. After an error the
    /// index is incomplete.
    fn update(&mut self, site: &Site) -> Result<(), Diagnostic> {
        let (groups, texts): (Vec<Group>, Vec<Text<'_>>) = texts(site).into_iter().unzip();
        let numbers = numbers(&groups);
        let hashes: Vec<[u8; 32]> = texts.par_iter().map(Text::hash).collect();
        let current: FxHashMap<u64, &[u8; 32]> = numbers.iter().copied().zip(&hashes).collect();
        let stale: Vec<u64> = self
            .docs
            .iter()
            .filter(|(n, d)| current.get(n) != Some(&&d.hash))
            .map(|(n, _)| *n)
            .collect();
        // Removing costs more per document than adding: past a quarter of
        // the site (numbers shifted), start afresh.
        if stale.len() * 4 > self.docs.len() {
            *self = Index::default();
        }
        for n in stale {
            if self.remove(n).is_err() {
                // A damaged saved index is made again from scratch.
                *self = Index::default();
                break;
            }
        }
        let fresh: Vec<usize> = (0..texts.len())
            .filter(|&i| self.docs.get(&numbers[i]).map(|d| &d.hash) != Some(&hashes[i]))
            .collect();
        for chunk in fresh.chunks(CHUNK) {
            let sources: Vec<Source> = chunk
                .par_iter()
                .map(|&i| texts[i].read())
                .collect::<Result<_, _>>()?;
            for (source, &i) in sources.into_iter().zip(chunk) {
                self.add(numbers[i], hashes[i], source);
            }
        }
        Ok(())
    }

    fn add(&mut self, n: u64, hash: [u8; 32], source: Source) {
        let words: Vec<u32> = source
            .words
            .iter()
            .map(|word| self.word_id(source.lang, word))
            .collect();
        for &w in &words {
            let Some((s, form)) = &self.words[w as usize].term else {
                continue;
            };
            let stem = &mut self.stems[*s as usize];
            match stem.docs.last() {
                Some(&last) if last >= n => {
                    if let Err(at) = stem.docs.binary_search(&n) {
                        stem.docs.insert(at, n);
                    }
                }
                _ => stem.docs.push(n),
            }
            if form.is_some() {
                *stem.forms.entry(w).or_insert(0) += 1;
            }
        }
        let doc = Indexed {
            hash,
            doc: serde_json::to_string(&source.doc).unwrap_or_else(|_| "[]".to_string()),
            words: deltas::encode(&words),
        };
        self.docs.insert(n, doc);
    }

    /// Undoes what adding document `n` did; an error if its saved list of
    /// words is damaged.
    fn remove(&mut self, n: u64) -> Result<(), &'static str> {
        let Some(doc) = self.docs.remove(&n) else {
            return Ok(());
        };
        let words: Vec<u32> = deltas::decode(&doc.words)?;
        for w in words {
            let Some((s, form)) = &self.words[w as usize].term else {
                continue;
            };
            let stem = &mut self.stems[*s as usize];
            if let Ok(at) = stem.docs.binary_search(&n) {
                stem.docs.remove(at);
            }
            if form.is_some()
                && let Some(count) = stem.forms.get_mut(&w)
            {
                *count -= 1;
                if *count == 0 {
                    stem.forms.remove(&w);
                }
            }
        }
        Ok(())
    }

    /// The number of `word` in `words`, added (and stemmed) when new.
    fn word_id(&mut self, lang: Lang, word: &str) -> u32 {
        let known = self.word_ids.entry(lang).or_default();
        if let Some(&w) = known.get(word) {
            return w;
        }
        let term = term(word, &stemmer(lang)).map(|(form, stem)| {
            let s = match self.stem_ids.get(&stem) {
                Some(&s) => s,
                None => {
                    let s = self.stems.len() as u32;
                    self.stem_ids.insert(stem.clone(), s);
                    self.stems.push(Stem {
                        stem: stem.clone(),
                        ..Stem::default()
                    });
                    s
                }
            };
            (s, (form != stem).then_some(form))
        });
        let w = self.words.len() as u32;
        known.insert(word.to_string(), w);
        self.words.push(Word {
            lang,
            word: word.to_string(),
            term,
        });
        w
    }

    /// The index files.
    fn files(&self) -> Vec<OutputFile> {
        let mut all: Vec<Entry<'_>> = self
            .stems
            .par_iter()
            .filter(|s| !s.docs.is_empty())
            .map(|s| (s.stem.as_str(), self.entry_json(s)))
            .collect();
        all.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let all: Vec<&Entry<'_>> = all.iter().collect();
        let mut out = Vec::new();
        let mut shards = Vec::new();
        split("", &all, &mut |prefix, entries| {
            shards.push(prefix.to_string());
            out.push(OutputFile {
                path: format!("search/t-{}.js", shard_name(prefix)),
                bytes: shard_js(prefix, entries).into_bytes(),
            });
        });
        let docs: Vec<(u64, &str)> = self.docs.iter().map(|(n, d)| (*n, &*d.doc)).collect();
        let numbers: Vec<u64> = self.docs.keys().copied().collect();
        let shift = file_shift(&numbers);
        for file in docs.chunk_by(|a, b| a.0 >> shift == b.0 >> shift) {
            let n = file[0].0 >> shift;
            let body: Vec<String> = file
                .iter()
                .map(|(id, json)| format!("\"{id}\":{json}"))
                .collect();
            out.push(OutputFile {
                path: format!("search/d-{n}.js"),
                bytes: format!("palabreSearch.docs({n},{{{}}});\n", body.join(",")).into_bytes(),
            });
        }
        let manifest = serde_json::json!({
            "shards": shards,
            "docs": docs.len(),
            "file_shift": shift,
        });
        out.push(OutputFile {
            path: "search/index.js".to_string(),
            bytes: format!("palabreSearch.index({manifest});\n").into_bytes(),
        });
        out
    }

    /// `"<stem>":["<gaps>","<forms>"]`. Stems and forms are folded to ASCII
    /// letters and digits (see [`fold`]): nothing to escape.
    fn entry_json(&self, s: &Stem) -> String {
        let mut json = String::with_capacity(s.stem.len() + 8 + 3 * s.docs.len());
        json.push('"');
        json.push_str(&s.stem);
        json.push_str("\":[\"");
        let mut last = 0;
        for (i, &d) in s.docs.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            push_base36(&mut json, d - last);
            last = d;
        }
        json.push_str("\",\"");
        let forms: BTreeSet<&str> = s
            .forms
            .keys()
            .filter_map(|&w| self.words[w as usize].term.as_ref()?.1.as_deref())
            .collect();
        for (i, form) in forms.into_iter().enumerate() {
            if i > 0 {
                json.push(' ');
            }
            json.push_str(form);
        }
        json.push_str("\"]");
        json
    }
}

/// The index files of the site. With `saved`, the index saved there by the
/// previous build is updated rather than made from scratch, and saved again
/// (a file that cannot be read or written only costs time).
pub fn files(site: &Site, saved: Option<&Path>) -> Result<Vec<OutputFile>, Diagnostic> {
    let mut index = saved.and_then(Index::load).unwrap_or_default();
    index.update(site)?;
    let (_, files) = rayon::join(|| saved.map(|path| index.save(path)), || index.files());
    Ok(files)
}

/// A stem and its JSON in a shard.
type Entry<'a> = (&'a str, String);

/// Emits `entries` (sorted stems) as shards: one for `prefix` when small
/// enough, else the stems equal to `prefix` plus one shard per next character.
fn split(prefix: &str, entries: &[&Entry<'_>], emit: &mut dyn FnMut(&str, &[&Entry<'_>])) {
    if entries.is_empty() {
        return;
    }
    let size: usize = entries.iter().map(|e| e.1.len() + 1).sum();
    // A small site gets few files: the whole index may be one shard (prefix "").
    if size <= SHARD_BYTES || prefix.len() >= MAX_PREFIX {
        emit(prefix, entries);
        return;
    }
    let (here, longer): (Vec<&Entry<'_>>, Vec<&Entry<'_>>) = entries
        .iter()
        .partition(|(stem, _)| stem.len() <= prefix.len());
    if !here.is_empty() {
        emit(prefix, &here);
    }
    let mut groups: BTreeMap<char, Vec<&Entry<'_>>> = BTreeMap::new();
    for e in longer {
        if let Some(c) = e.0[prefix.len()..].chars().next() {
            groups.entry(c).or_default().push(e);
        }
    }
    for (c, group) in groups {
        split(&format!("{prefix}{c}"), &group, emit);
    }
}

/// How a shard's prefix is written in its file's name: letters and digits
/// of ASCII as they are, any other character as `_<hex>_` (an Arabic or
/// Greek prefix), so that every host and file system serves it. `search.js`
/// names files the same way.
fn shard_name(prefix: &str) -> String {
    let mut name = String::with_capacity(prefix.len());
    for c in prefix.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else {
            name.push_str(&format!("_{:x}_", u32::from(c)));
        }
    }
    name
}

/// `palabreSearch.shard("<prefix>", {"<stem>": ["<docs>", "<forms>"], ...})`:
/// document numbers as base-36 gaps (`"0,3,a"` is 0, 3, 13), forms
/// space-separated.
fn shard_js(prefix: &str, entries: &[&Entry<'_>]) -> String {
    let size: usize = entries.iter().map(|e| e.1.len() + 1).sum();
    let mut js = String::with_capacity(size + 64);
    js.push_str("palabreSearch.shard(");
    js.push_str(&serde_json::Value::String(prefix.to_string()).to_string());
    js.push_str(",{");
    for (i, (_, json)) in entries.iter().enumerate() {
        if i > 0 {
            js.push(',');
        }
        js.push_str(json);
    }
    js.push_str("});\n");
    js
}

/// Appends `n` in base 36, lower-case.
fn push_base36(out: &mut String, n: u64) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut digits = [0u8; 13];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_letters_fold_to_ascii_and_other_scripts_keep_their_letters() {
        assert_eq!(fold("Développement"), "developpement");
        assert_eq!(fold("œuvre"), "oeuvre");
        assert_eq!(fold("Straße"), "strasse");
        // Arabic without its vowel signs and hamza seats; Cyrillic and
        // Greek lower-cased, not transliterated (search.js folds the same).
        assert_eq!(fold("المُجْتَمَع"), "المجتمع");
        assert_eq!(fold("أهلاً"), "اهلا");
        assert_eq!(fold("Общины"), "общины");
        assert_eq!(fold("Κοινότητα"), "κοινοτητα");
        // Portuguese and Arabic stems, from their Snowball stemmers.
        let pt = term("comunidades", &stemmer(Lang::PT)).map(|t| t.1);
        assert_eq!(pt.as_deref(), Some("comun"));
        let ar = term("المجتمعات", &stemmer(Lang::AR)).map(|t| t.1);
        assert_eq!(ar.as_deref(), Some("مجتمع"));
        // A language without a stemmer: words as they are, folded.
        let pl = Lang::from_code("pl").expect("Polish");
        assert_eq!(
            term("wspólnoty", &stemmer(pl)).map(|t| t.1).as_deref(),
            Some("wspolnoty")
        );
    }

    #[test]
    fn shard_files_are_named_in_ascii() {
        assert_eq!(shard_name("deve"), "deve");
        assert_eq!(shard_name("مج"), "_645__62c_");
    }

    #[test]
    fn words_are_stemmed_in_their_language_then_folded() {
        let pair = |form: &str, stem: &str| Some((form.to_string(), stem.to_string()));
        let fr = term("développement", &stemmer(Lang::FR));
        assert_eq!(fr, pair("developpement", "developp"));
        let en = term("policies", &stemmer(Lang::EN));
        assert_eq!(en, pair("policies", "polici"));
        assert_eq!(fold("Œuvre Ñandú"), "oeuvrenandu");
    }

    proptest::proptest! {
        /// Lists of numbers, in any order, are saved and read back as they were.
        #[test]
        fn number_lists_are_read_back_as_saved(long: Vec<u64>, short: Vec<u32>) {
            #[derive(Serialize, Deserialize, PartialEq, Debug)]
            struct Lists(#[serde(with = "deltas")] Vec<u64>, #[serde(with = "deltas")] Vec<u32>);
            let lists = Lists(long, short);
            let bytes = postcard::to_stdvec(&lists).expect("saved");
            proptest::prop_assert_eq!(postcard::from_bytes::<Lists>(&bytes).expect("read"), lists);
        }
    }

    #[test]
    fn damaged_number_lists_are_refused() {
        #[derive(Deserialize, Debug)]
        struct List(
            #[allow(dead_code)]
            #[serde(with = "deltas")]
            Vec<u32>,
        );
        // The length of the bytes, then the bytes.
        let cut_short = [1u8, 0x80];
        let too_long = [
            11u8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ];
        let too_large = [5u8, 0x80, 0x80, 0x80, 0x80, 0x20];
        for bytes in [&cut_short[..], &too_long[..], &too_large[..]] {
            assert!(postcard::from_bytes::<List>(bytes).is_err(), "{bytes:?}");
        }
    }

    /// An index of documents 3 and 7, which share the stem `remitt`.
    fn two_documents() -> Index {
        let mut index = Index::default();
        let source = |title: &str, words: &str| Source {
            doc: Doc(
                title.into(),
                "en/r/index.html".into(),
                "A".into(),
                Lang::EN,
                "2015".into(),
                1,
            ),
            lang: Lang::EN,
            words: Words::of(words),
        };
        index.add(3, [1; 32], source("one", "Migrants send remittances home"));
        index.add(
            7,
            [2; 32],
            source("two", "Remittances and diaspora networks"),
        );
        index
    }

    #[test]
    fn a_saved_index_is_loaded_back_whole() {
        let index = two_documents();
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("index.bin");
        index.save(&path).expect("saved");
        let loaded = Index::load(&path).expect("loaded");
        let json = |i: &Index| {
            i.files()
                .into_iter()
                .map(|f| (f.path, f.bytes))
                .collect::<Vec<_>>()
        };
        assert_eq!(json(&loaded), json(&index));
        assert_eq!(loaded.docs.keys().collect::<Vec<_>>(), [&3, &7]);
        assert_eq!(loaded.docs[&7].words, index.docs[&7].words);
        let remittances = loaded.stem_ids["remitt"];
        assert_eq!(loaded.stems[remittances as usize].docs, [3, 7]);
    }

    #[test]
    fn a_damaged_saved_index_is_made_again() {
        let mut index = two_documents();
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("index.bin");
        index.save(&path).expect("saved");
        let saved = std::fs::read(&path).expect("read");
        assert!(Index::load(&path).is_some());
        // Any byte changed, or the end cut off: not read, so made again.
        for at in [0, saved.len() / 2, saved.len() - 1] {
            let mut damaged = saved.clone();
            damaged[at] ^= 0x40;
            std::fs::write(&path, &damaged).expect("written");
            assert!(Index::load(&path).is_none(), "byte {at} changed");
        }
        std::fs::write(&path, &saved[..saved.len() - 3]).expect("written");
        assert!(Index::load(&path).is_none(), "cut short");
        // A document's words that cannot be read back: removing it says so.
        index.docs.get_mut(&3).expect("document 3").words = vec![0x80];
        assert!(index.remove(3).is_err());
        assert!(index.remove(7).is_ok());
    }

    #[test]
    fn base36_gaps() {
        let base36 = |n| {
            let mut s = String::new();
            push_base36(&mut s, n);
            s
        };
        assert_eq!(base36(0), "0");
        assert_eq!(base36(13), "d");
        assert_eq!(base36(36), "10");
        assert_eq!(base36(u64::MAX), "3w5e11264sgsf");
    }
}
