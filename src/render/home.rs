//! A language's home page: every discussion, with its dates and counts.

use serde::Serialize;

use super::Prepared;
use super::input::Env;
use super::layout::{Head, Layout, Place, Text, text_in};
use super::parts::dates;
use crate::model::Discussion;
use crate::site;

const TEMPLATE: &str = "home.html";

#[derive(Serialize)]
struct HomePage {
    discussions: Vec<DiscussionCard>,
}

#[derive(Serialize)]
struct DiscussionCard {
    title: Text,
    href: String,
    dates: Option<String>,
    organisers: String,
    /// How many replies.
    replies: String,
    /// How many questions.
    questions: String,
}

pub(super) fn prepare<'r>(
    env: &'r Env<'_>,
    place: &Place<'_>,
    discussions: &[Discussion],
) -> Prepared<'r> {
    let s = env.i18n.get(place.lang());
    let discussions = discussions
        .iter()
        .map(|d| DiscussionCard {
            title: text_in(&d.title, s.lang, d.original_lang),
            href: place.href(site::discussion_path(s.lang.code(), d)),
            dates: dates(s, d.opens, d.closes),
            organisers: d.organisers.join(", "),
            replies: s.count("replies", d.replies.len()),
            questions: s.count("questions", d.questions().count()),
        })
        .collect();
    let head = Head {
        title: env.config.title(place.lang()).to_string(),
        crumbs: vec![],
        description: s.t("home_intro").to_string(),
        feeds: vec![],
    };
    let page = HomePage { discussions };
    Prepared::new(TEMPLATE, Layout::new(env, place, head), page, place)
}
