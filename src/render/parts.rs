//! What several kinds of page show: reply cards, questions with their
//! counts, summaries, group titles, dates.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::Slots;
use super::input::{Frame, Hashed};
use super::layout::{Link, Place, Text, text_in};
use crate::extras::countries;
use crate::i18n::Strings;
use crate::lang::Lang;
use crate::model::{QuestionId, Reply, Summary, count_by_lang};

/// A reply as a page shows it; its HTML is a slot tag, filled after
/// minifying (see [`Slots`]).
#[derive(Serialize)]
pub(super) struct ReplyCard {
    id: String,
    pub author: String,
    organisation: Option<String>,
    country: Option<String>,
    date: Option<String>,
    datetime: Option<String>,
    lang: &'static str,
    lang_name: String,
    html: String,
    /// Only the part that answers this question is shown.
    partial: bool,
    href: String,
}

/// `reply` on a page of discussion `f`: the whole of it, or (`q`) its answer
/// to one question.
pub(super) fn card<'a>(
    s: &Strings,
    f: &Frame<'_>,
    place: &Place<'_>,
    reply: Hashed<'a>,
    q: Option<QuestionId>,
    slots: &Slots<'a>,
) -> ReplyCard {
    let r = reply.reply;
    let partial = q.is_some_and(|q| r.texts.marks(q));
    let html = slots.add(reply, q);
    ReplyCard {
        id: r.id.clone(),
        author: author(s, r.author.as_deref()),
        organisation: r.organisation.clone(),
        country: r.country.as_deref().map(|c| countries::shown(c, s.lang)),
        date: r.date.map(|x| s.date(x)),
        datetime: r.date.map(|x| x.format("%Y-%m-%d").to_string()),
        lang: r.lang.code(),
        lang_name: s.lang_name(r.lang).to_string(),
        html,
        partial,
        href: place.href(f.reply_path(s.lang.code(), &r.id)),
    }
}

/// A reply's author, or "Anonymous".
pub(super) fn author(s: &Strings, author: Option<&str>) -> String {
    author.map_or_else(|| s.t("anonymous").to_string(), str::to_string)
}

/// A question with the number of its replies, in all and per language.
#[derive(Serialize)]
pub(super) struct QuestionItem {
    id: String,
    text: Text,
    href: String,
    count: String,
    by_lang: Vec<Link>,
}

/// Question `q` of discussion `f`, with `replies`, the replies to it.
pub(super) fn question_item<'r>(
    s: &Strings,
    f: &Frame<'_>,
    place: &Place<'_>,
    q: QuestionId,
    replies: impl IntoIterator<Item = &'r Reply>,
) -> QuestionItem {
    let counts = count_by_lang(replies);
    let total: usize = counts.values().sum();
    QuestionItem {
        id: q.to_string(),
        text: f.find_question(q).map_or(
            Text {
                text: String::new(),
                lang: "",
                fallback: false,
            },
            |x| text_in(&x.text, s.lang, f.original_lang),
        ),
        href: place.href(f.question_path(s.lang.code(), q)),
        count: s.count("replies", total),
        by_lang: lang_links(s, &counts),
    }
}

/// "French 4", "English 2": replies per language, each linked by its code
/// (which the language filter and the search form use).
pub(super) fn lang_links(s: &Strings, counts: &BTreeMap<Lang, usize>) -> Vec<Link> {
    counts
        .iter()
        .map(|(l, n)| Link {
            href: l.code().to_string(),
            text: format!("{} {n}", s.lang_name(*l)),
        })
        .collect()
}

/// A moderators' summary (or conclusion) as templates see it, with the
/// language it was picked in.
#[derive(Serialize)]
pub(super) struct SummaryView<'a> {
    html: &'a str,
    title: Option<&'a str>,
    lang: &'static str,
    fallback: bool,
    lang_name: &'a str,
}

/// A summary picked in `lang` ([`Lang::pick`]), for a page in `s.lang`.
pub(super) fn summary_view<'a>(
    s: &'a Strings,
    (lang, sum): (Lang, &'a Summary),
) -> SummaryView<'a> {
    SummaryView {
        html: &sum.html,
        title: sum.title.as_deref(),
        lang: lang.code(),
        fallback: lang != s.lang,
        lang_name: s.lang_name(lang),
    }
}

/// A group's title, or "Week 2" when it has none.
pub(super) fn group_title(s: &Strings, f: &Frame<'_>, group: u32) -> String {
    let g = f.groups.iter().find(|g| g.id == group);
    match g.and_then(|g| g.title.get(s.lang, f.original_lang)) {
        Some((t, _)) => t.to_string(),
        None => s.fill(
            &format!("group_{}", f.group_label.slug()),
            &[("n", &group.to_string())],
        ),
    }
}

/// When a discussion is open, if it says.
pub(super) fn dates(
    s: &Strings,
    opens: Option<NaiveDate>,
    closes: Option<NaiveDate>,
) -> Option<String> {
    match (opens, closes) {
        (Some(o), Some(c)) => {
            Some(s.fill("dates_from_to", &[("from", &s.date(o)), ("to", &s.date(c))]))
        }
        (None, Some(c)) => Some(s.fill("dates_until", &[("to", &s.date(c))])),
        (Some(o), None) => Some(s.fill("dates_from", &[("from", &s.date(o))])),
        (None, None) => None,
    }
}
