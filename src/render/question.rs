//! A question's page: the question, its summary, and every reply to it (or
//! the part of the reply that answers it).

use serde::Serialize;

use super::input::{Env, QuestionInput};
use super::layout::{Head, Layout, Link, Place, Text, discussion_crumb, feeds, home_crumb};
use super::parts::{
    ContributeView, QuestionItem, ReplyCard, SummaryView, card, cited_list, contribute,
    group_title, question_item, summary_view,
};
use super::{Prepared, Slots};
use crate::lang::Lang;
use crate::model::QuestionId;

const TEMPLATE: &str = "question.html";

/// The level a reply's top heading gets: under the card's `h3` (its author).
const REPLY_HEADINGS: u8 = 4;

#[derive(Serialize)]
struct QuestionPage<'a> {
    question: QuestionItem,
    discussion: Text,
    original_lang_name: &'a str,
    /// When the question's text shown is a translation of an earlier
    /// version: where to read the current original (`href` empty when it
    /// has no page).
    question_stale: Option<Link>,
    summary: Option<SummaryView<'a>>,
    /// The summary in the site's other languages.
    other_summaries: Vec<Link>,
    /// The replies its summary cites.
    cited: Vec<Link>,
    replies: Vec<ReplyCard>,
    prev: Option<Link>,
    next: Option<Link>,
    contribute: Option<ContributeView>,
}

pub(super) fn prepare<'r>(
    env: &'r Env<'_>,
    place: &Place<'_>,
    input: QuestionInput<'r>,
) -> Prepared<'r> {
    let s = env.i18n.get(place.lang());
    let QuestionInput {
        frame: f,
        question: q,
        replies,
    } = input;
    let l = s.lang.code();
    let item = question_item(s, &f, place, q, replies.iter().map(|r| r.reply));
    let summaries = f.summaries.get(&q);
    let summary = summaries.and_then(|m| Lang::pick(m, s.lang, f.original_lang));
    let other_summaries: Vec<Link> = summaries
        .into_iter()
        .flat_map(|m| m.keys())
        .filter(|&&l| {
            summary.is_none_or(|(shown, _)| shown != l) && env.config.languages.contains(&l)
        })
        .map(|&l| Link {
            href: place.href(f.question_path(l.code(), q)),
            text: env.i18n.native_name(l).to_string(),
        })
        .collect();
    let slots = Slots::default();
    let cards: Vec<ReplyCard> = replies
        .iter()
        .map(|&r| card(s, &f, place, r, Some(q), &slots))
        .collect();
    let cited = cited_list(s, &f, place, q, &cards, |id| format!("#{id}"));
    let all: Vec<QuestionId> = f.questions().map(|x| x.id).collect();
    let pos = all.iter().position(|&x| x == q);
    let neighbour = |p: Option<usize>| {
        p.and_then(|p| all.get(p)).map(|&x| Link {
            href: place.href(f.question_path(l, x)),
            text: format!("{} {x}", s.t("question")),
        })
    };
    let head = Head {
        title: format!("{} {q}", s.t("question")),
        crumbs: vec![
            home_crumb(s, place),
            discussion_crumb(s, &f, place),
            Link {
                href: place.href(f.group_path(l, q.group)),
                text: group_title(s, &f, q.group),
            },
        ],
        description: f
            .find_question(q)
            .map(|x| super::layout::text_in(&x.text, s.lang, f.original_lang).text)
            .unwrap_or_else(|| f.title_in(s.lang).text),
        feeds: feeds(env, place, &f, Some(q)),
    };
    let text = f
        .find_question(q)
        .map(|x| super::layout::text_in(&x.text, s.lang, f.original_lang).text)
        .unwrap_or_default();
    let page = QuestionPage {
        contribute: contribute(s, &f, &[q], &text),
        question: item,
        discussion: f.title_in(s.lang),
        original_lang_name: s.lang_name(f.original_lang),
        question_stale: f
            .find_question(q)
            .filter(|question| question.versions.stale.contains(&s.lang))
            .map(|_| Link {
                href: if env.config.languages.contains(&f.original_lang) {
                    place.href(f.question_path(f.original_lang.code(), q))
                } else {
                    String::new()
                },
                text: s.lang_name(f.original_lang).to_string(),
            }),
        summary: summary.map(|picked| {
            summary_view(s, picked, |o| {
                env.config
                    .languages
                    .contains(&o)
                    .then(|| place.href(f.question_path(o.code(), q)))
            })
        }),
        other_summaries,
        cited,
        replies: cards,
        prev: neighbour(pos.and_then(|p| p.checked_sub(1))),
        next: neighbour(pos.map(|p| p + 1)),
    };
    Prepared::new(TEMPLATE, Layout::new(env, place, head), page, place)
        .with_replies(slots, REPLY_HEADINGS)
}
