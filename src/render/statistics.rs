//! A discussion's statistics page: its replies counted per language,
//! country, question and group, as charts and tables. The counting of
//! replies per language that other pages show is here too.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Prepared;
use super::input::{Env, Whole};
use super::layout::{Head, Layout, Place, Text, discussion_crumb, feeds, home_crumb, text_in};
use super::parts::group_title;
use crate::extras::stats::{Chart, Row, chart, country_rows};
use crate::lang::Lang;
use crate::model::{Question, count_by_lang};

const TEMPLATE: &str = "statistics.html";

#[derive(Serialize)]
struct StatisticsPage {
    discussion: Text,
    total: String,
    charts: Vec<Chart>,
}

/// A discussion's replies counted per language, country, question and group.
struct Tally<'a> {
    total: usize,
    by_lang: BTreeMap<Lang, usize>,
    /// In the discussion's order.
    by_question: Vec<(&'a Question, usize)>,
    /// Replies to any of a group's questions, each counted once; in order.
    by_group: Vec<(u32, usize)>,
}

impl<'a> Tally<'a> {
    fn of(w: &Whole<'a>) -> Tally<'a> {
        Tally {
            total: w.replies.len(),
            by_lang: count_by_lang(w.replies),
            by_question: w
                .frame
                .questions()
                .map(|q| (q, w.answers(q.id).len()))
                .collect(),
            by_group: w
                .frame
                .groups
                .iter()
                .map(|g| {
                    let replies: BTreeSet<usize> = g
                        .questions
                        .iter()
                        .flat_map(|q| w.answers(q.id).iter().copied())
                        .collect();
                    (g.id, replies.len())
                })
                .collect(),
        }
    }
}

pub(super) fn prepare<'r>(env: &'r Env<'_>, place: &Place<'_>, w: Whole<'r>) -> Prepared<'r> {
    let s = env.i18n.get(place.lang());
    let f = &w.frame;
    let tally = Tally::of(&w);
    let langs: Vec<Row> = tally
        .by_lang
        .iter()
        .map(|(l, n)| (s.lang_name(*l).to_string(), None, *n))
        .collect();
    let countries = country_rows(w.replies, s.lang, s.t("stats_country_unknown"));
    let questions: Vec<Row> = tally
        .by_question
        .iter()
        .map(|&(q, n)| {
            let text = text_in(&q.text, s.lang, f.original_lang);
            let lang = text.fallback.then_some(text.lang);
            (format!("{} {}", q.id, text.text), lang, n)
        })
        .collect();
    let groups: Vec<Row> = tally
        .by_group
        .iter()
        .map(|&(g, n)| (group_title(s, f, g), None, n))
        .collect();
    let total = tally.total;
    let charts = vec![
        chart(
            "by-language",
            s.t("stats_by_language").to_string(),
            langs,
            total,
        ),
        chart(
            "by-country",
            s.t("stats_by_country").to_string(),
            countries,
            total,
        ),
        chart(
            "by-question",
            s.t("stats_by_question").to_string(),
            questions,
            total,
        ),
        chart(
            "by-group",
            s.t(&format!("stats_by_group_{}", f.group_label.slug()))
                .to_string(),
            groups,
            total,
        ),
    ];
    let title = f.title_in(s.lang).text;
    let head = Head {
        title: s.t("statistics_title").to_string(),
        crumbs: vec![home_crumb(s, place), discussion_crumb(s, f, place)],
        description: s.fill("description_statistics", &[("title", &title)]),
        feeds: feeds(env, place, f, None),
    };
    let page = StatisticsPage {
        discussion: f.title_in(s.lang),
        total: s.count("replies", total),
        charts,
    };
    Prepared::new(TEMPLATE, Layout::new(env, place, head), page, place)
}
