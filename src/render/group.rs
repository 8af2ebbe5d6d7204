//! A group's page (a week, a topic, a round): its questions, each with its
//! number of replies.

use serde::Serialize;

use super::Prepared;
use super::input::{Env, Whole};
use super::layout::{Head, Layout, Place, Text, discussion_crumb, feeds, home_crumb, text_in};
use super::parts::{ContributeView, QuestionItem, contribute, group_title, question_item};
use crate::model::Group;

const TEMPLATE: &str = "group.html";

#[derive(Serialize)]
struct GroupPage {
    title: String,
    discussion: Text,
    questions: Vec<QuestionItem>,
    contribute: Option<ContributeView>,
}

pub(super) fn prepare<'r>(
    env: &'r Env<'_>,
    place: &Place<'_>,
    w: Whole<'r>,
    g: &Group,
) -> Prepared<'r> {
    let s = env.i18n.get(place.lang());
    let f = &w.frame;
    let title = group_title(s, f, g.id);
    let questions: Vec<String> = g
        .questions
        .iter()
        .map(|q| {
            let text = text_in(&q.text, s.lang, f.original_lang).text;
            format!("{} {text}", q.id)
        })
        .collect();
    let head = Head {
        description: s.fill(
            "description_group",
            &[
                ("group", &title),
                ("title", &f.title_in(s.lang).text),
                ("questions", &questions.join(" ")),
            ],
        ),
        title: title.clone(),
        crumbs: vec![home_crumb(s, place), discussion_crumb(s, f, place)],
        feeds: feeds(env, place, f, None),
    };
    let ids: Vec<_> = g.questions.iter().map(|q| q.id).collect();
    let page = GroupPage {
        contribute: contribute(s, f, &ids, &title),
        title,
        discussion: f.title_in(s.lang),
        questions: g
            .questions
            .iter()
            .map(|q| question_item(s, f, place, q.id, w.replies_to(q.id).map(|r| r.reply)))
            .collect(),
    };
    Prepared::new(TEMPLATE, Layout::new(env, place, head), page, place)
}
