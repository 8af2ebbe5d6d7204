//! A discussion's overview: its facts, introduction, questions by group,
//! conclusion, and links to its report, statistics, open data and feed.

use serde::Serialize;

use super::Prepared;
use super::input::{Env, Whole};
use super::layout::{Head, Layout, Link, Place, Text, feeds, home_crumb};
use super::parts::{
    ContributeView, QuestionItem, SummaryView, contribute, dates, group_title, lang_links,
    question_item, summary_view,
};
use crate::i18n::Strings;
use crate::lang::Lang;
use crate::model::count_by_lang;
use crate::util::text::plain_text;

const TEMPLATE: &str = "discussion.html";

#[derive(Serialize)]
struct DiscussionPage<'a> {
    #[serde(flatten)]
    facts: Facts<'a>,
    /// Replies per language.
    by_lang: Vec<Link>,
    groups: Vec<GroupItem>,
    group_heading: String,
    tools: Tools,
    contribute: Option<ContributeView>,
}

/// What the overview and the report both say about a discussion.
#[derive(Serialize)]
pub(super) struct Facts<'a> {
    title: Text,
    intro_html: &'a str,
    intro_lang: &'static str,
    intro_fallback: bool,
    intro_lang_name: &'a str,
    dates: Option<String>,
    organisers: String,
    /// How many replies.
    replies: String,
    conclusion: Option<SummaryView<'a>>,
}

/// What the overview and the report both say of a discussion; `page_in`
/// gives the href of its overview in another site language.
pub(super) fn facts<'a>(
    s: &'a Strings,
    w: &Whole<'a>,
    page_in: impl FnOnce(Lang) -> Option<String>,
) -> Facts<'a> {
    let f = &w.frame;
    Facts {
        title: f.title_in(s.lang),
        intro_html: f.intro_html,
        intro_lang: f.original_lang.code(),
        intro_fallback: f.original_lang != s.lang,
        intro_lang_name: s.lang_name(f.original_lang),
        dates: dates(s, f.opens, f.closes),
        organisers: f.organisers.join(", "),
        replies: s.count("replies", w.replies.len()),
        conclusion: Lang::pick(f.conclusion, s.lang, f.original_lang)
            .map(|picked| summary_view(s, picked, page_in)),
    }
}

#[derive(Serialize)]
struct GroupItem {
    title: String,
    href: String,
    questions: Vec<QuestionItem>,
}

/// Links from a discussion's overview to its report, statistics, open data
/// and feed.
#[derive(Serialize)]
struct Tools {
    report: Link,
    statistics: Link,
    csv: Link,
    json: Link,
    feed: Option<Link>,
}

pub(super) fn prepare<'r>(env: &'r Env<'_>, place: &Place<'_>, w: Whole<'r>) -> Prepared<'r> {
    let s = env.i18n.get(place.lang());
    let f = &w.frame;
    let l = s.lang.code();
    let link = |href: String, key: &str| Link {
        href: place.href(href),
        text: s.t(key).to_string(),
    };
    let tools = Tools {
        report: link(f.report_path(l), "report_link"),
        statistics: link(f.statistics_path(l), "statistics_link"),
        csv: link(f.data_path("csv"), "data_csv"),
        json: link(f.data_path("json"), "data_json"),
        feed: env.feeds.then(|| link(f.feed_path(l, None), "feed_link")),
    };
    let groups = f
        .groups
        .iter()
        .map(|g| GroupItem {
            title: group_title(s, f, g.id),
            href: place.href(f.group_path(l, g.id)),
            questions: g
                .questions
                .iter()
                .map(|q| question_item(s, f, place, q.id, w.replies_to(q.id).map(|r| r.reply)))
                .collect(),
        })
        .collect();
    let title = f.title_in(s.lang).text;
    let title_text = title.clone();
    let intro = plain_text(f.intro_html);
    let head = Head {
        description: if intro.is_empty() {
            title.clone()
        } else {
            intro
        },
        title,
        crumbs: vec![home_crumb(s, place)],
        feeds: feeds(env, place, f, None),
    };
    let page = DiscussionPage {
        contribute: contribute(s, f, &[], &title_text),
        facts: facts(s, &w, |o| {
            env.config
                .languages
                .contains(&o)
                .then(|| place.href(f.discussion_path(o.code())))
        }),
        by_lang: lang_links(s, &count_by_lang(w.replies)),
        groups,
        group_heading: s.t(&format!("groups_{}", f.group_label.slug())).to_string(),
        tools,
    };
    Prepared::new(TEMPLATE, Layout::new(env, place, head), page, place)
}
