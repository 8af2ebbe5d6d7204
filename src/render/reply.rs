//! A reply's own page: the whole reply, the questions it answers, and links
//! to the previous and next replies.

use serde::Serialize;

use super::input::{Env, ReplyInput};
use super::layout::{
    Head, Layout, Link, Place, Text, discussion_crumb, feeds, home_crumb, text_in,
};
use super::parts::{ReplyCard, author, card};
use super::{Prepared, Slots};

const TEMPLATE: &str = "reply.html";

/// The level a reply's top heading gets: under the page's `h1` (its author).
const REPLY_HEADINGS: u8 = 2;

#[derive(Serialize)]
struct ReplyPage {
    reply: ReplyCard,
    discussion: Text,
    /// The questions it answers, each linked to the reply on its page.
    answers: Vec<Link>,
    prev: Option<Link>,
    next: Option<Link>,
}

pub(super) fn prepare<'r>(
    env: &'r Env<'_>,
    place: &Place<'_>,
    input: ReplyInput<'r>,
) -> Prepared<'r> {
    let s = env.i18n.get(place.lang());
    let ReplyInput {
        frame: f,
        reply,
        prev,
        next,
    } = input;
    let r = reply.reply;
    let l = s.lang.code();
    let answers: Vec<Link> = r
        .answers
        .iter()
        .map(|&q| {
            let text = f
                .find_question(q)
                .map(|x| text_in(&x.text, s.lang, f.original_lang).text)
                .unwrap_or_default();
            Link {
                href: format!("{}#{}", place.href(f.question_path(l, q)), r.id),
                text: format!("{q} {text}"),
            }
        })
        .collect();
    let neighbour = |n: Option<_>| {
        n.map(|n: super::input::Neighbour<'_>| Link {
            href: place.href(f.reply_path(l, n.id)),
            text: author(s, n.author),
        })
    };
    let title = f.title_in(s.lang).text;
    let mut who = author(s, r.author.as_deref());
    let head_title = format!("{who} · {title}");
    if let Some(org) = &r.organisation {
        who = format!("{who} ({org})");
    }
    let head = Head {
        title: head_title,
        crumbs: vec![home_crumb(s, place), discussion_crumb(s, &f, place)],
        description: s.fill("description_reply", &[("author", &who), ("title", &title)]),
        feeds: feeds(env, place, &f, None),
    };
    let slots = Slots::default();
    let page = ReplyPage {
        reply: card(s, &f, place, reply, None, &slots),
        discussion: f.title_in(s.lang),
        answers,
        prev: neighbour(prev),
        next: neighbour(next),
    };
    Prepared::new(TEMPLATE, Layout::new(env, place, head), page, place)
        .with_replies(slots, REPLY_HEADINGS)
}
