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
//! - `search/d-<n>.js`: documents `n * DOCS_PER_FILE ..`: address, author,
//!   questions, language and the first words, to show results.

use std::collections::{BTreeMap, BTreeSet};

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
/// Documents per `d-<n>.js`: a page of results loads a few small files.
pub const DOCS_PER_FILE: usize = 10;
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
    docs: Vec<usize>,
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

/// Every text of the site, in a fixed order: each discussion's replies, then
/// its summaries.
fn texts(site: &Site) -> Vec<Text<'_>> {
    let mut texts = Vec::new();
    for d in &site.discussions {
        texts.extend(d.replies.iter().map(|r| Text::Reply(d, r)));
        for (&q, by_lang) in &d.summaries {
            texts.extend(by_lang.iter().map(|(&l, sum)| Text::Summary(d, q, l, sum)));
        }
    }
    texts
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

/// Every document of the site, and every stem with the documents holding it.
/// Each distinct word of a language is stemmed once, however many
/// documents use it.
fn index(site: &Site) -> (Vec<Doc>, BTreeMap<String, Stem>) {
    let texts = texts(site);
    let mut docs = Vec::with_capacity(texts.len());
    // Per language, each word's stem number (`None`: too short to index).
    let mut words: BTreeMap<Lang, FxHashMap<String, Option<usize>>> = BTreeMap::new();
    let mut stem_numbers: FxHashMap<String, usize> = FxHashMap::default();
    let mut stems: Vec<(String, Stem)> = Vec::new();
    for chunk in texts.chunks(CHUNK) {
        let sources: Vec<Source> = chunk.par_iter().map(Text::read).collect();
        for source in sources {
            let id = docs.len();
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
            docs.push(source.doc);
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
    for (n, chunk) in docs.chunks(DOCS_PER_FILE).enumerate() {
        let json = serde_json::to_string(chunk).unwrap_or_else(|_| "[]".to_string());
        out.push(OutputFile {
            path: format!("search/d-{n}.js"),
            bytes: format!("palabreSearch.docs({n},{json});\n").into_bytes(),
        });
    }
    let manifest = serde_json::json!({
        "shards": shards,
        "docs": docs.len(),
        "per_file": DOCS_PER_FILE,
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

fn base36(mut n: usize) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut s = Vec::new();
    loop {
        s.push(DIGITS[n % 36]);
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
