//! How close `palabre brief` comes to a consolidated reply written by people.
//!
//! ```sh
//! cargo run --release --example brief_eval -- content mainstreaming-migration-2015
//! ```
//!
//! For each question of the discussion that has an English summary, compares
//! the brief with that summary, on stemmed content words (common words left
//! out, each word stemmed as the brief stems it):
//!
//! - key terms: the share of the summary's 15 most frequent terms that are
//!   words of the brief's English key phrases;
//! - ROUGE-1 and ROUGE-2 recall of the English draft's quotations: the share
//!   of the summary's words (word pairs) that the quotations hold, each counted
//!   at most as often as the quotations have it;
//! - the same recall for a baseline of as many words taken from the start of
//!   each English reply in turn (the "lead" baseline of summarisation studies).
//!
//! Prints a Markdown table and the mean of each column.

use std::collections::BTreeMap;
use std::path::Path;

use palabre::brief::{analyse, stems};
use palabre::lang::Lang;
use palabre::util::text::plain_text;

const KEY_TERMS: usize = 15;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let content = args.first().map_or("content", String::as_str);
    let slug = args
        .get(1)
        .map_or("mainstreaming-migration-2015", String::as_str);
    let (site, diags) = palabre::content::load(Path::new(content));
    let Some(site) = site else {
        for d in &diags.0 {
            eprintln!("{d}");
        }
        std::process::exit(1);
    };
    let Some(d) = site.discussions.iter().find(|d| d.slug == slug) else {
        eprintln!("no discussion {slug} in {content}");
        std::process::exit(1);
    };
    let briefs = analyse(d, None).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    println!(
        "| question | summary words | key terms found | quotation words | ROUGE-1 recall | ROUGE-2 recall | lead ROUGE-1 | lead ROUGE-2 |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut sums = [0.0; 5];
    let mut n = 0.0;
    for b in &briefs {
        let Some(summary) = d
            .summaries
            .get(&b.question.id)
            .and_then(|s| s.get(&Lang::EN))
        else {
            continue;
        };
        let reference = stems(&plain_text(&summary.html), Lang::EN);
        let Some(en) = b.languages.iter().find(|l| l.lang == Lang::EN) else {
            continue;
        };
        let phrase_words: Vec<String> = en
            .key_phrases
            .iter()
            .flat_map(|k| stems(&k.text, Lang::EN))
            .collect();
        let key_terms = top_terms(&reference, KEY_TERMS);
        let found = key_terms
            .iter()
            .filter(|t| phrase_words.contains(t))
            .count();
        let quoted: Vec<String> = en
            .passages
            .iter()
            .flat_map(|p| stems(&p.text, Lang::EN))
            .collect();
        let lead = lead(
            en.replies.iter().map(|r| r.paragraphs.join(" ")),
            quoted.len(),
        );
        let row = [
            found as f64 / key_terms.len().max(1) as f64,
            recall(&reference, &quoted, 1),
            recall(&reference, &quoted, 2),
            recall(&reference, &lead, 1),
            recall(&reference, &lead, 2),
        ];
        println!(
            "| {} | {} | {found}/{} | {} | {:.3} | {:.3} | {:.3} | {:.3} |",
            b.question.id,
            reference.len(),
            key_terms.len(),
            quoted.len(),
            row[1],
            row[2],
            row[3],
            row[4]
        );
        for (s, x) in sums.iter_mut().zip(row) {
            *s += x;
        }
        n += 1.0;
    }
    if n > 0.0 {
        let m: Vec<String> = sums.iter().map(|s| format!("{:.3}", s / n)).collect();
        println!(
            "| mean | | {} | | {} | {} | {} | {} |",
            m[0], m[1], m[2], m[3], m[4]
        );
    }
}

/// The `k` most frequent terms of `words`, the first in order among equals.
fn top_terms(words: &[String], k: usize) -> Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for w in words {
        *counts.entry(w).or_default() += 1;
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take(k)
        .map(|(w, _)| w.to_string())
        .collect()
}

/// ROUGE-n recall of `candidate` against `reference`.
fn recall(reference: &[String], candidate: &[String], n: usize) -> f64 {
    let grams = |w: &[String]| {
        let mut m: BTreeMap<Vec<String>, usize> = BTreeMap::new();
        for g in w.windows(n) {
            *m.entry(g.to_vec()).or_default() += 1;
        }
        m
    };
    let (r, c) = (grams(reference), grams(candidate));
    let total: usize = r.values().sum();
    let hit: usize = r
        .iter()
        .map(|(g, k)| (*k).min(c.get(g).copied().unwrap_or(0)))
        .sum();
    hit as f64 / total.max(1) as f64
}

/// `words` stemmed content words from the replies' texts, taken from the
/// start of each in turn, one sentence-sized slice at a time.
fn lead(texts: impl Iterator<Item = String>, words: usize) -> Vec<String> {
    let texts: Vec<Vec<String>> = texts.map(|t| stems(&t, Lang::EN)).collect();
    let mut out = Vec::new();
    let mut at = 0;
    while out.len() < words && texts.iter().any(|t| t.len() > at) {
        for t in &texts {
            out.extend(t.iter().skip(at).take(15).cloned());
        }
        at += 15;
    }
    out.truncate(words);
    out
}
