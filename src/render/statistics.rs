//! A discussion's statistics page: its replies counted per language,
//! country, question and group, as charts and tables. The counting of
//! replies per language that other pages show is here too.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Prepared;
use super::input::{Env, Whole};
use super::layout::{Head, Layout, Place, Text, discussion_crumb, feeds, home_crumb, text_in};
use super::parts::group_title;
use crate::extras::stats::{Chart, Row, chart};
use crate::lang::Lang;
use crate::model::{Question, Reply};

const TEMPLATE: &str = "statistics.html";

#[derive(Serialize)]
struct StatisticsPage {
    discussion: Text,
    total: String,
    charts: Vec<Chart>,
}

/// How many of `replies` are written in each language.
pub(super) fn count_by_lang<'r>(
    replies: impl IntoIterator<Item = &'r Reply>,
) -> BTreeMap<Lang, usize> {
    let mut counts = BTreeMap::new();
    for r in replies {
        *counts.entry(r.lang).or_insert(0) += 1;
    }
    counts
}

/// A discussion's replies counted per language, country, question and group.
struct Tally<'a> {
    total: usize,
    by_lang: BTreeMap<Lang, usize>,
    /// Most replies first; ties in alphabetical order.
    by_country: Vec<(&'a str, usize)>,
    /// Replies that name no country.
    unknown_country: usize,
    /// In the discussion's order.
    by_question: Vec<(&'a Question, usize)>,
    /// Replies to any of a group's questions, each counted once; in order.
    by_group: Vec<(u32, usize)>,
}

impl<'a> Tally<'a> {
    fn of(w: &Whole<'a>) -> Tally<'a> {
        let mut by_country: BTreeMap<&str, usize> = BTreeMap::new();
        let mut unknown_country = 0;
        for r in w.replies {
            match r.country.as_deref().map(str::trim) {
                Some(c) if !c.is_empty() => *by_country.entry(c).or_default() += 1,
                _ => unknown_country += 1,
            }
        }
        let mut by_country: Vec<(&str, usize)> = by_country.into_iter().collect();
        by_country.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        Tally {
            total: w.replies.len(),
            by_lang: count_by_lang(w.replies),
            by_country,
            unknown_country,
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

pub(super) fn prepare<'r>(env: &'r Env, place: &Place, w: Whole<'r>) -> Prepared<'r> {
    let s = env.i18n.get(place.lang());
    let f = &w.frame;
    let tally = Tally::of(&w);
    let langs: Vec<Row> = tally
        .by_lang
        .iter()
        .map(|(l, n)| (s.lang_name(*l).to_string(), None, *n))
        .collect();
    let mut countries: Vec<Row> = tally
        .by_country
        .iter()
        .map(|&(c, n)| (c.to_string(), None, n))
        .collect();
    if tally.unknown_country > 0 {
        countries.push((
            s.t("stats_country_unknown").to_string(),
            None,
            tally.unknown_country,
        ));
    }
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
