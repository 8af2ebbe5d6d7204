//! Key phrases: runs of one to three meaningful words, scored as YAKE and
//! keyphrase extractors of its family do, on features of the phrase alone (no
//! model, no training): how many replies share it, how often it is used, how
//! particular it is to the question, and its length.

use std::collections::{BTreeMap, BTreeSet};

use super::KeyPhrase;
use super::words::runs;
use crate::lang::Lang;

/// A phrase's use in the replies to one question in one language.
#[derive(Debug, Default)]
pub(crate) struct Use {
    /// Times used.
    count: usize,
    /// Which replies use it (their index).
    replies: BTreeSet<usize>,
    /// Its written forms and how often each is used.
    forms: BTreeMap<String, usize>,
    /// Its number of words.
    words: usize,
}

/// Longest phrase, in words.
const MAX_WORDS: usize = 3;

/// Every candidate phrase of the replies (each given as its paragraphs), by
/// its stems joined with spaces: the runs of one to three meaningful words
/// that punctuation and common words do not interrupt.
pub(crate) fn candidates<'t>(
    replies: impl IntoIterator<Item = &'t [String]>,
    lang: Lang,
) -> BTreeMap<String, Use> {
    let mut uses: BTreeMap<String, Use> = BTreeMap::new();
    for (i, paragraphs) in replies.into_iter().enumerate() {
        for p in paragraphs {
            for run in runs(p, lang) {
                for chunk in run.split(|w| w.stop) {
                    for n in 1..=MAX_WORDS.min(chunk.len()) {
                        for words in chunk.windows(n) {
                            let key = words
                                .iter()
                                .map(|w| w.stem.as_str())
                                .collect::<Vec<_>>()
                                .join(" ");
                            let form = words
                                .iter()
                                .map(|w| w.lower.as_str())
                                .collect::<Vec<_>>()
                                .join(" ");
                            let u = uses.entry(key).or_default();
                            u.count += 1;
                            u.replies.insert(i);
                            *u.forms.entry(form).or_default() += 1;
                            u.words = n;
                        }
                    }
                }
            }
        }
    }
    uses
}

/// The `max` best phrases of `uses`, from `replies` replies, best first. A
/// phrase counts more the more replies share it, the more it is used, the
/// fewer of the discussion's `questions` have it in their replies (`spread`:
/// per phrase, in how many), and the longer it is; a phrase inside a better
/// one, or holding one, is left out.
pub(crate) fn best(
    uses: &BTreeMap<String, Use>,
    replies: usize,
    questions: usize,
    spread: &BTreeMap<String, usize>,
    max: usize,
) -> Vec<KeyPhrase> {
    // A key phrase is shared: by two replies when there are two or more,
    // else used twice by the one reply.
    let shared = |u: &Use| {
        if replies >= 2 {
            u.replies.len() >= 2
        } else {
            u.count >= 2
        }
    };
    let mut scored: Vec<(f64, &String, &Use)> = uses
        .iter()
        .filter(|(_, u)| shared(u))
        .map(|(key, u)| {
            let found_in = spread.get(key).copied().unwrap_or(1).max(1) as f64;
            let particular = 1.0 + ((questions as f64 + 1.0) / found_in).ln();
            let length = 1.0 + 0.5 * (u.words as f64 - 1.0);
            let score =
                u.replies.len() as f64 * (1.0 + (u.count as f64).ln()) * particular * length;
            (score, key, u)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut chosen: Vec<(&String, &Use)> = Vec::new();
    for (_, key, u) in scored {
        if chosen.len() == max {
            break;
        }
        let overlaps = chosen
            .iter()
            .any(|(k, _)| contains_words(k, key) || contains_words(key, k));
        if !overlaps {
            chosen.push((key, u));
        }
    }
    chosen
        .into_iter()
        .map(|(_, u)| KeyPhrase {
            // The most used form; the first in order among equals.
            text: u
                .forms
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(f, _)| f.clone())
                .unwrap_or_default(),
            replies: u.replies.len(),
            count: u.count,
        })
        .collect()
}

/// Whether the words of `inner` appear in a row in `outer` (both stems
/// joined by spaces).
fn contains_words(outer: &str, inner: &str) -> bool {
    format!(" {outer} ").contains(&format!(" {inner} "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses_of(texts: &[&str]) -> BTreeMap<String, Use> {
        let texts: Vec<Vec<String>> = texts.iter().map(|t| vec![t.to_string()]).collect();
        candidates(texts.iter().map(Vec::as_slice), Lang::EN)
    }

    #[test]
    fn shared_phrases_come_first_and_their_parts_are_left_out() {
        let uses = uses_of(&[
            "Local authorities need budgets. Diaspora bonds helped.",
            "The local authorities lack budgets for migrants.",
            "Local authorities should talk to migrants.",
        ]);
        let phrases = best(&uses, 3, 1, &BTreeMap::new(), 3);
        let texts: Vec<&str> = phrases.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["local authorities", "budgets", "migrants"]);
        assert_eq!((phrases[0].replies, phrases[0].count), (3, 3));
    }

    #[test]
    fn a_phrase_every_question_shares_counts_less() {
        let uses = uses_of(&["migration and remittances", "migration, remittances"]);
        let spread = BTreeMap::from([("migrat".to_string(), 4), ("remitt".to_string(), 1)]);
        let phrases = best(&uses, 2, 4, &spread, 2);
        assert_eq!(phrases[0].text, "remittances");
    }
}
