//! The consolidated reply as one document: introduction, contents, every
//! question with its summary and replies, conclusion, contributors.

use serde::Serialize;

use super::discussion::{Facts, facts};
use super::input::{Env, Whole};
use super::layout::{
    Head, Layout, Link, Place, Text, discussion_crumb, feeds, home_crumb, text_in,
};
use super::parts::{
    ReplyCard, SummaryView, card, cited_list, group_title, lang_links, summary_view,
};
use super::{Prepared, Slots};
use crate::extras::stats::contributors;
use crate::lang::Lang;
use crate::model::count_by_lang;

const TEMPLATE: &str = "report.html";

/// The level a reply's top heading gets: under the card's `h5` (its author).
const REPLY_HEADINGS: u8 = 6;

#[derive(Serialize)]
struct ReportPage<'a> {
    #[serde(flatten)]
    facts: Facts<'a>,
    /// Replies per language, for the language filter.
    filter_langs: Vec<Link>,
    groups: Vec<ReportGroup<'a>>,
    contributors: Vec<Contributor<'a>>,
    /// How many replies are unsigned, when some are.
    anonymous: Option<String>,
    /// The discussion's overview.
    overview: String,
    /// The report as a Word document.
    docx: String,
    /// The name its downloaded copy gets: the discussion and the language.
    docx_name: String,
}

#[derive(Serialize)]
struct ReportGroup<'a> {
    title: String,
    anchor: String,
    questions: Vec<ReportQuestion<'a>>,
}

#[derive(Serialize)]
struct ReportQuestion<'a> {
    id: String,
    anchor: String,
    text: Text,
    href: String,
    count: String,
    summary: Option<SummaryView<'a>>,
    /// The replies its summary cites.
    cited: Vec<Link>,
    replies: Vec<ReplyCard>,
}

/// A signed contributor, with how many replies they signed when more than one.
#[derive(Serialize)]
struct Contributor<'a> {
    name: &'a str,
    organisation: &'a str,
    country: String,
    count: Option<String>,
}

pub(super) fn prepare<'r>(env: &'r Env<'_>, place: &Place<'_>, w: Whole<'r>) -> Prepared<'r> {
    let s = env.i18n.get(place.lang());
    let f = &w.frame;
    let l = s.lang.code();
    let slots = Slots::default();
    let groups: Vec<ReportGroup<'_>> = f
        .groups
        .iter()
        .map(|g| {
            let questions = g
                .questions
                .iter()
                .map(|q| {
                    let summary = f
                        .summaries
                        .get(&q.id)
                        .and_then(|m| Lang::pick(m, s.lang, f.original_lang));
                    let replies: Vec<ReplyCard> = w
                        .replies_to(q.id)
                        .map(|r| card(s, f, place, r, Some(q.id), &slots))
                        .collect();
                    let anchor = format!("q-{}-{}", q.id.group, q.id.question);
                    let cited =
                        cited_list(s, f, place, q.id, &replies, |id| format!("#{anchor}-{id}"));
                    ReportQuestion {
                        id: q.id.to_string(),
                        anchor,
                        text: text_in(&q.text, s.lang, f.original_lang),
                        href: place.href(f.question_path(l, q.id)),
                        count: s.count("replies", replies.len()),
                        summary: summary.map(|picked| {
                            summary_view(s, picked, |o| {
                                env.config
                                    .languages
                                    .contains(&o)
                                    .then(|| place.href(f.question_path(o.code(), q.id)))
                            })
                        }),
                        cited,
                        replies,
                    }
                })
                .collect();
            ReportGroup {
                title: group_title(s, f, g.id),
                anchor: format!("group-{}", g.id),
                questions,
            }
        })
        .collect();
    let (people, anonymous) = contributors(w.replies, s.lang);
    let contributors = people
        .into_iter()
        .map(|p| Contributor {
            name: p.name,
            organisation: p.organisation,
            country: p.country,
            count: (p.replies > 1).then(|| s.count("replies", p.replies)),
        })
        .collect();
    let title = f.title_in(s.lang).text;
    let head = Head {
        title: format!("{} · {title}", s.t("report_title")),
        crumbs: vec![home_crumb(s, place), discussion_crumb(s, f, place)],
        description: s.fill("description_report", &[("title", &title)]),
        feeds: feeds(env, place, f, None),
    };
    let page = ReportPage {
        facts: facts(s, &w, |o| {
            env.config
                .languages
                .contains(&o)
                .then(|| place.href(f.discussion_path(o.code())))
        }),
        filter_langs: lang_links(s, &count_by_lang(w.replies)),
        groups,
        contributors,
        anonymous: (anonymous > 0).then(|| s.count("anonymous_contributors", anonymous)),
        overview: place.href(f.discussion_path(l)),
        docx: place.href(f.docx_path(l)),
        docx_name: format!("{}-{l}.docx", f.slug()),
    };
    Prepared::new(TEMPLATE, Layout::new(env, place, head), page, place)
        .with_replies(slots, REPLY_HEADINGS)
}
