//! The moderator's brief (`palabre brief`): for each question of a
//! discussion, what its replies say, language by language, to help the
//! moderators write the consolidated reply. It is a small local site, never
//! part of the public one, and a draft summary per question and site
//! language, whose citations link to the reply files as a summary's do.
//!
//! Everything is computed from the replies alone, offline and
//! deterministically: key phrases are the phrases shared by most replies and
//! particular to the question; representative passages are the sentences
//! closest to what all the replies in a language say together.

mod draft;
mod page;
mod passages;
mod phrases;
mod words;

use std::collections::{BTreeMap, BTreeSet};

pub use draft::draft;
pub use page::files;
pub use words::stems;

use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::model::{Discussion, Question, QuestionId, Reply};
use crate::util::text::plain_text;

/// What the brief says of one question.
#[derive(Debug)]
pub struct QuestionBrief<'a> {
    /// The question.
    pub question: &'a Question,
    /// The replies' languages, most replies first.
    pub languages: Vec<LangBrief<'a>>,
    /// How many replies answer it.
    pub replies: usize,
    /// The replies to it that the current summary cites, in reading order.
    pub cited: Vec<&'a Reply>,
}

/// The replies to a question in one language, and what they say.
#[derive(Debug)]
pub struct LangBrief<'a> {
    /// Their language.
    pub lang: Lang,
    /// Each reply's text for the question, in reading order.
    pub replies: Vec<ReplyText<'a>>,
    /// The phrases most of them use, most telling first.
    pub key_phrases: Vec<KeyPhrase>,
    /// The sentences that best stand for them all, most representative first,
    /// at most one per reply.
    pub passages: Vec<Passage<'a>>,
}

/// A reply's text for one question: its parts marked for the question, or
/// all of it.
#[derive(Debug)]
pub struct ReplyText<'a> {
    /// The reply.
    pub reply: &'a Reply,
    /// Its paragraphs, as plain text; those that only restate a question are
    /// left out.
    pub paragraphs: Vec<String>,
}

/// A phrase that the replies in one language share.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPhrase {
    /// As most often written, lower-cased.
    pub text: String,
    /// How many replies use it.
    pub replies: usize,
    /// How many times it is used in all.
    pub count: usize,
}

/// A sentence quoted from a reply.
#[derive(Debug)]
pub struct Passage<'a> {
    /// The reply it is quoted from.
    pub reply: &'a Reply,
    /// The sentence, as written.
    pub text: String,
}

/// How many key phrases and passages the brief keeps per language.
const KEY_PHRASES: usize = 10;
const PASSAGES: usize = 4;

/// The brief of each question of `d` (only `only`, when given), in the order
/// the discussion lists them. Fails when a reply's text cannot be read from
/// the build cache.
pub fn analyse(
    d: &Discussion,
    only: Option<QuestionId>,
) -> Result<Vec<QuestionBrief<'_>>, Diagnostic> {
    // Every question's texts, also when only one is asked for: what makes a
    // phrase particular to a question is that the others' replies lack it.
    let mut texts: Vec<(&Question, BTreeMap<Lang, Vec<ReplyText<'_>>>)> = Vec::new();
    let restated: Vec<Vec<BTreeSet<String>>> = d
        .questions()
        .map(|q| {
            q.text
                .0
                .iter()
                .map(|(&lang, t)| stems(t, lang).into_iter().collect())
                .collect()
        })
        .collect();
    let restated: Vec<&BTreeSet<String>> = restated.iter().flatten().collect();
    for q in d.questions() {
        let mut by_lang: BTreeMap<Lang, Vec<ReplyText<'_>>> = BTreeMap::new();
        for reply in d.replies.iter().filter(|r| r.answers.contains(&q.id)) {
            let text = plain_text(&reply.texts.html_for(Some(q.id))?);
            let paragraphs = text
                .split("\n\n")
                .filter(|p| !restates(p, reply.lang, &restated))
                .map(str::to_string)
                .collect();
            by_lang
                .entry(reply.lang)
                .or_default()
                .push(ReplyText { reply, paragraphs });
        }
        texts.push((q, by_lang));
    }

    // Per language: in how many questions' replies each phrase occurs, and
    // how rare each word is among the discussion's sentences.
    let mut phrase_questions: BTreeMap<Lang, BTreeMap<String, usize>> = BTreeMap::new();
    let mut candidates = Vec::new();
    for (_, by_lang) in &texts {
        let mut of_question = BTreeMap::new();
        for (&lang, replies) in by_lang {
            let c = phrases::candidates(replies.iter().map(|r| r.paragraphs.as_slice()), lang);
            let seen = phrase_questions.entry(lang).or_default();
            for key in c.keys() {
                *seen.entry(key.clone()).or_default() += 1;
            }
            of_question.insert(lang, c);
        }
        candidates.push(of_question);
    }
    let rarity: BTreeMap<Lang, passages::Rarity> = phrase_questions
        .keys()
        .map(|&lang| {
            let all = texts.iter().flat_map(|(_, b)| b.get(&lang)).flatten();
            (lang, passages::Rarity::of(all, lang))
        })
        .collect();

    let questions = texts.len();
    let mut out = Vec::new();
    for ((q, by_lang), mut cands) in texts.into_iter().zip(candidates) {
        if only.is_some_and(|o| o != q.id) {
            continue;
        }
        let replies = by_lang.values().map(Vec::len).sum();
        let mut languages: Vec<LangBrief<'_>> = by_lang
            .into_iter()
            .map(|(lang, replies)| {
                let c = cands.remove(&lang).unwrap_or_default();
                let spread = &phrase_questions[&lang];
                let key_phrases = phrases::best(&c, replies.len(), questions, spread, KEY_PHRASES);
                let passages = passages::best(&replies, lang, &rarity[&lang], PASSAGES);
                LangBrief {
                    lang,
                    replies,
                    key_phrases,
                    passages,
                }
            })
            .collect();
        languages.sort_by_key(|l| (std::cmp::Reverse(l.replies.len()), l.lang));
        let cited_ids = d.citations.get(&q.id);
        let cited = d
            .replies
            .iter()
            .filter(|r| {
                r.answers.contains(&q.id) && cited_ids.is_some_and(|ids| ids.contains(&r.id))
            })
            .collect();
        out.push(QuestionBrief {
            question: q,
            languages,
            replies,
            cited,
        });
    }
    Ok(out)
}

/// Whether a paragraph only restates a question (replies often copy each
/// question above their answer): most of its words are the question's.
fn restates(paragraph: &str, lang: Lang, questions: &[&BTreeSet<String>]) -> bool {
    let words: BTreeSet<String> = stems(paragraph, lang).into_iter().collect();
    !words.is_empty()
        && questions.iter().any(|q| {
            let shared = words.iter().filter(|w| q.contains(*w)).count();
            shared * 10 >= words.len() * 7
        })
}
