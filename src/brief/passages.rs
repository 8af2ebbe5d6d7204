//! Representative passages: the sentences closest to the centroid of what
//! the replies in one language say, each reply weighing the same however long
//! it is, then chosen so that they do not repeat one another (maximal
//! marginal relevance) and come from different replies.

use std::collections::BTreeMap;

use super::words::{sentences, stems};
use super::{Passage, ReplyText};
use crate::content::personal;
use crate::lang::Lang;

/// A sentence quoted whole is at least this long (shorter ones say too
/// little on their own) and at most this long (longer ones are cut).
const MIN_CHARS: usize = 60;
const MAX_CHARS: usize = 400;

/// How rare each word is among a discussion's sentences in one language:
/// common words weigh less in a sentence's vector.
pub(crate) struct Rarity {
    idf: BTreeMap<String, f64>,
}

impl Rarity {
    /// The rarity of words among the sentences of `replies`.
    pub(crate) fn of<'t>(
        replies: impl IntoIterator<Item = &'t ReplyText<'t>>,
        lang: Lang,
    ) -> Rarity {
        let mut df: BTreeMap<String, usize> = BTreeMap::new();
        let mut n = 0usize;
        for r in replies {
            for p in &r.paragraphs {
                for s in sentences(p) {
                    n += 1;
                    let mut words = stems(s, lang);
                    words.sort();
                    words.dedup();
                    for w in words {
                        *df.entry(w).or_default() += 1;
                    }
                }
            }
        }
        let idf = df
            .into_iter()
            .map(|(w, d)| (w, 1.0 + (n as f64 / d as f64).ln()))
            .collect();
        Rarity { idf }
    }

    /// The unit vector of a sentence's words, weighed by rarity.
    fn vector(&self, words: Vec<String>) -> Vector {
        let mut v: Vector = BTreeMap::new();
        for w in words {
            let weight = self.idf.get(&w).copied().unwrap_or(1.0);
            *v.entry(w).or_default() += weight;
        }
        let norm = v.values().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 0.0 {
            v.values_mut().for_each(|x| *x /= norm);
        }
        v
    }
}

type Vector = BTreeMap<String, f64>;

fn dot(a: &Vector, b: &Vector) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small
        .iter()
        .filter_map(|(w, x)| large.get(w).map(|y| x * y))
        .sum()
}

/// A sentence that may be quoted.
struct Candidate<'a> {
    reply: usize,
    text: &'a str,
    vector: Vector,
}

/// The `max` sentences of `replies` that best stand for them all, most
/// representative first; one per reply while replies are left.
pub(crate) fn best<'a>(
    replies: &[ReplyText<'a>],
    lang: Lang,
    rarity: &Rarity,
    max: usize,
) -> Vec<Passage<'a>> {
    let mut candidates = Vec::new();
    let mut centroid: Vector = BTreeMap::new();
    for (i, r) in replies.iter().enumerate() {
        let mut own: Vec<Vector> = Vec::new();
        for p in &r.paragraphs {
            for s in sentences(p) {
                let vector = rarity.vector(stems(s, lang));
                if vector.is_empty() {
                    continue;
                }
                // A sentence with an address or a phone number is not
                // quoted: a draft is meant to be published.
                let personal = personal::has_address(s) || !personal::phone_numbers(s).is_empty();
                if s.chars().count() >= MIN_CHARS && !s.ends_with(':') && !personal {
                    candidates.push(Candidate {
                        reply: i,
                        text: s,
                        vector: vector.clone(),
                    });
                }
                own.push(vector);
            }
        }
        // Each reply adds the mean of its sentences: a long reply does not
        // outweigh a short one.
        let n = own.len() as f64;
        for v in own {
            for (w, x) in v {
                *centroid.entry(w).or_default() += x / n;
            }
        }
    }
    let relevance: Vec<f64> = candidates
        .iter()
        .map(|c| dot(&c.vector, &centroid))
        .collect();
    let top = relevance
        .iter()
        .copied()
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);

    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < max {
        let replies_left = replies.len() > chosen.len();
        let next = candidates
            .iter()
            .enumerate()
            .filter(|(i, c)| {
                let reply_quoted = chosen.iter().any(|&o| candidates[o].reply == c.reply);
                let taken = chosen.contains(i) || (replies_left && reply_quoted);
                !taken
            })
            .map(|(i, c)| {
                let repeats = chosen
                    .iter()
                    .map(|&o| dot(&c.vector, &candidates[o].vector))
                    .fold(0.0, f64::max);
                (0.7 * relevance[i] / top - 0.3 * repeats, i)
            })
            // Best score; among equals, the first in reading order.
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(&a.1)));
        match next {
            Some((_, i)) => chosen.push(i),
            None => break,
        }
    }
    chosen
        .into_iter()
        .map(|i| {
            let c = &candidates[i];
            Passage {
                reply: replies[c.reply].reply,
                text: crate::util::text::truncate(c.text, MAX_CHARS),
            }
        })
        .collect()
}
