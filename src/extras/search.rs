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
//!   and the first words, to show results.
//!
//! A document's number says where it sorts (discussion, day, rank that day)
//! rather than how many documents come before it, so that one new reply
//! changes one document file and the shards of its own words: a rebuild
//! rewrites, and a sync to the host uploads, a few files, not the index.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::OutputFile;
use super::text::{plain_text, truncate};
use crate::lang::Lang;
use crate::model::{Discussion, QuestionId, Reply, Site, Summary};
use crate::site;

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
/// Characters of a document's text shown under a result.
const SNIPPET_CHARS: usize = 220;

/// What a result shows: `[path, author, questions, lang, snippet]`; `path` is
/// under a language folder (the client adds the reader's language), `author`
/// is empty for a summary.
#[derive(Serialize)]
struct Doc(String, String, String, &'static str, String);

fn stemmer(lang: Lang) -> Stemmer {
    Stemmer::create(match lang {
        Lang::En => Algorithm::English,
        Lang::Fr => Algorithm::French,
        Lang::Es => Algorithm::Spanish,
    })
}

/// Lower-case ASCII letters and digits only: accents and ligatures folded
/// ("œ" to "oe"), everything else dropped. `search.js` folds queries the same way.
pub fn fold(word: &str) -> String {
    deunicode::deunicode(word)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `(form, stem)` of every word of `text`, both folded; the stem is taken in
/// `lang` before folding, as Snowball expects accented words.
pub fn terms(text: &str, stemmer: &Stemmer) -> Vec<(String, String)> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter_map(|w| term(&w.to_lowercase(), stemmer))
        .collect()
}

/// `(form, stem)` of one lower-case word, or `None` for words too short to index.
fn term(lower: &str, stemmer: &Stemmer) -> Option<(String, String)> {
    let form = fold(lower);
    let stem = fold(&stemmer.stem(lower));
    (stem.len() >= 2 && form.len() >= 2).then_some((form, stem))
}

#[derive(Default)]
struct Stem {
    /// Documents holding the stem, in increasing order.
    docs: Vec<u64>,
    /// Word forms seen for this stem, when they differ from it.
    forms: BTreeSet<String>,
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
        let lower = text.to_lowercase();
        let mut spans = Vec::new();
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        let mut start = None;
        let end = std::iter::once((lower.len(), ' '));
        for (i, c) in lower.char_indices().chain(end) {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    if seen.insert(&lower[s..i]) {
                        spans.push((s, i));
                    }
                    start = None;
                }
                _ => {}
            }
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
    Reply(&'a Discussion, &'a Reply),
    Summary(&'a Discussion, QuestionId, Lang, &'a Summary),
}

/// The documents that sort together and are numbered in a row: a
/// discussion's replies of one day, its undated replies, its summaries.
type Group = (u64, u64);

/// Every text of the site in a fixed order, each discussion's replies (by
/// date, as in the model) then its summaries, with its group.
fn texts(site: &Site) -> Vec<(Group, Text<'_>)> {
    let mut texts = Vec::new();
    for (i, d) in (0u64..).zip(&site.discussions) {
        texts.extend(d.replies.iter().map(|r| ((i, day(r)), Text::Reply(d, r))));
        for (&q, by_lang) in &d.summaries {
            texts.extend(
                by_lang
                    .iter()
                    .map(|(&l, sum)| ((i, SUMMARIES), Text::Summary(d, q, l, sum))),
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
    fn read(&self) -> Source {
        // `en` stands for any language: the client swaps in the reader's.
        let strip = |path: String| path.trim_start_matches("en/").to_string();
        match *self {
            Text::Reply(d, r) => {
                let questions: Vec<String> = r.answers.iter().map(ToString::to_string).collect();
                let mut all = r.text.clone();
                for field in [&r.author, &r.organisation, &r.country]
                    .into_iter()
                    .flatten()
                {
                    all.push('\n');
                    all.push_str(field);
                }
                Source {
                    doc: Doc(
                        strip(site::reply_path("en", d, &r.id)),
                        r.author.clone().unwrap_or_default(),
                        questions.join(", "),
                        r.lang.code(),
                        truncate(&r.text, SNIPPET_CHARS),
                    ),
                    lang: r.lang,
                    words: Words::of(&all),
                }
            }
            Text::Summary(d, q, lang, summary) => {
                let text = plain_text(&summary.html);
                Source {
                    doc: Doc(
                        strip(site::question_path("en", d, q)),
                        String::new(),
                        q.to_string(),
                        lang.code(),
                        truncate(&text, SNIPPET_CHARS),
                    ),
                    lang,
                    words: Words::of(&text),
                }
            }
        }
    }
}

/// Documents read in parallel this many at a time: their word lists are
/// dropped once indexed, so memory does not grow with the site.
const CHUNK: usize = 1024;

/// Every document of the site with its number, and every stem with the
/// documents holding it. Each distinct word of a language is stemmed once,
/// however many documents use it.
fn index(site: &Site) -> (Vec<(u64, Doc)>, BTreeMap<String, Stem>) {
    let (groups, texts): (Vec<Group>, Vec<Text>) = texts(site).into_iter().unzip();
    let numbers = numbers(&groups);
    let mut docs = Vec::with_capacity(texts.len());
    // Per language, each word's stem number (`None`: too short to index).
    let mut words: BTreeMap<Lang, FxHashMap<String, Option<usize>>> = BTreeMap::new();
    let mut stem_numbers: FxHashMap<String, usize> = FxHashMap::default();
    let mut stems: Vec<(String, Stem)> = Vec::new();
    for (chunk, chunk_numbers) in texts.chunks(CHUNK).zip(numbers.chunks(CHUNK)) {
        let sources: Vec<Source> = chunk.par_iter().map(Text::read).collect();
        for (source, &id) in sources.into_iter().zip(chunk_numbers) {
            let known = words.entry(source.lang).or_default();
            for word in source.words.iter() {
                let number = match known.get(word) {
                    Some(n) => *n,
                    None => {
                        let n = term(word, &stemmer(source.lang)).map(|(form, stem)| {
                            let n = *stem_numbers.entry(stem.clone()).or_insert_with(|| {
                                stems.push((stem.clone(), Stem::default()));
                                stems.len() - 1
                            });
                            if form != stem {
                                stems[n].1.forms.insert(form);
                            }
                            n
                        });
                        known.insert(word.to_string(), n);
                        n
                    }
                };
                if let Some(n) = number
                    && stems[n].1.docs.last() != Some(&id)
                {
                    stems[n].1.docs.push(id);
                }
            }
            docs.push((id, source.doc));
        }
    }
    (docs, stems.into_iter().collect())
}

/// The index files of the site.
pub fn files(site: &Site) -> Vec<OutputFile> {
    let (docs, stems) = index(site);

    let mut out = Vec::new();
    let mut shards = Vec::new();
    let all: Vec<(&String, &Stem, usize)> = stems
        .iter()
        .map(|(stem, s)| (stem, s, entry_json(stem, s).len() + 1))
        .collect();
    split("", &all, &mut |prefix, entries| {
        shards.push(prefix.to_string());
        out.push(OutputFile {
            path: format!("search/t-{prefix}.js"),
            bytes: shard_js(prefix, entries).into_bytes(),
        });
    });
    let numbers: Vec<u64> = docs.iter().map(|(id, _)| *id).collect();
    let shift = file_shift(&numbers);
    for file in docs.chunk_by(|a, b| a.0 >> shift == b.0 >> shift) {
        let n = file[0].0 >> shift;
        let body: Vec<String> = file
            .iter()
            .map(|(id, doc)| {
                let json = serde_json::to_string(doc).unwrap_or_else(|_| "[]".to_string());
                format!("\"{id}\":{json}")
            })
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

/// A stem, its postings and forms, with the size of its JSON (computed once).
type Entry<'a> = (&'a String, &'a Stem, usize);

/// Emits `entries` (sorted stems) as shards: one for `prefix` when small
/// enough, else the stems equal to `prefix` plus one shard per next character.
fn split(prefix: &str, entries: &[Entry<'_>], emit: &mut dyn FnMut(&str, &[Entry<'_>])) {
    if entries.is_empty() {
        return;
    }
    let size: usize = entries.iter().map(|e| e.2).sum();
    // A small site gets few files: the whole index may be one shard (prefix "").
    if size <= SHARD_BYTES || prefix.len() >= MAX_PREFIX {
        emit(prefix, entries);
        return;
    }
    let (here, longer): (Vec<_>, Vec<_>) = entries
        .iter()
        .copied()
        .partition(|(stem, _, _)| stem.len() <= prefix.len());
    if !here.is_empty() {
        emit(prefix, &here);
    }
    let mut groups: BTreeMap<char, Vec<Entry<'_>>> = BTreeMap::new();
    for e in longer {
        if let Some(c) = e.0[prefix.len()..].chars().next() {
            groups.entry(c).or_default().push(e);
        }
    }
    for (c, group) in groups {
        split(&format!("{prefix}{c}"), &group, emit);
    }
}

/// `palabreSearch.shard("<prefix>", {"<stem>": ["<docs>", "<forms>"], ...})`:
/// document numbers as base-36 gaps (`"0,3,a"` is 0, 3, 13), forms
/// space-separated.
fn shard_js(prefix: &str, entries: &[Entry<'_>]) -> String {
    let body: Vec<String> = entries
        .iter()
        .map(|(stem, s, _)| entry_json(stem, s))
        .collect();
    format!(
        "palabreSearch.shard({},{{{}}});\n",
        serde_json::Value::String(prefix.to_string()),
        body.join(",")
    )
}

/// `"<stem>":["<gaps>","<forms>"]`
fn entry_json(stem: &str, s: &Stem) -> String {
    let mut last = 0;
    let gaps: Vec<String> = s
        .docs
        .iter()
        .map(|&d| {
            let gap = d - last;
            last = d;
            base36(gap)
        })
        .collect();
    let forms: Vec<&str> = s.forms.iter().map(String::as_str).collect();
    format!(
        "{}:{}",
        serde_json::Value::String(stem.to_string()),
        serde_json::json!([gaps.join(","), forms.join(" ")])
    )
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut s = Vec::new();
    loop {
        s.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_stemmed_in_their_language_then_folded() {
        let fr = terms("Le développement local", &stemmer(Lang::Fr));
        assert!(fr.contains(&("developpement".to_string(), "developp".to_string())));
        let en = terms("Local policies", &stemmer(Lang::En));
        assert!(en.contains(&("policies".to_string(), "polici".to_string())));
        assert_eq!(fold("Œuvre Ñandú"), "oeuvrenandu");
    }

    #[test]
    fn base36_gaps() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(13), "d");
        assert_eq!(base36(36), "10");
    }
}
