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
    /// The consolidated replies that cite it: each question's summary,
    /// linked on the question's page.
    cited_in: Vec<Link>,
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
        cited_in: f
            .cited_in(&r.id)
            .into_iter()
            .map(|q| Link {
                href: format!(
                    "{}#summary-heading",
                    place.href(f.question_path(s.lang.code(), q))
                ),
                text: q.to_string(),
            })
            .collect(),
    }
}

/// The replies the summary of question `q` cites, as its "cited
/// contributions": those among `cards` (in their order) linked to their card
/// by `anchor`, named by their author; any other (a reply to another
/// question) linked to its page, named by its id, as the page holds no more
/// of it.
pub(super) fn cited_list(
    s: &Strings,
    f: &Frame<'_>,
    place: &Place<'_>,
    q: QuestionId,
    cards: &[ReplyCard],
    anchor: impl Fn(&str) -> String,
) -> Vec<Link> {
    let Some(cited) = f.citations.get(&q) else {
        return Vec::new();
    };
    let on_page = cards
        .iter()
        .filter(|c| cited.contains(&c.id))
        .map(|c| Link {
            href: anchor(&c.id),
            text: c.author.clone(),
        });
    let elsewhere = cited
        .iter()
        .filter(|id| !cards.iter().any(|c| &c.id == *id))
        .map(|id| Link {
            href: place.href(f.reply_path(s.lang.code(), id)),
            text: id.clone(),
        });
    on_page.chain(elsewhere).collect()
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
    /// A translation whose original changed since it was translated.
    stale: bool,
    /// Where to read the current original, when it has a page.
    original: Option<Link>,
}

/// A summary picked in `lang` ([`Lang::pick`]), for a page in `s.lang`;
/// `page_in` gives the href of the page showing it in another language, if
/// that is a site language.
pub(super) fn summary_view<'a>(
    s: &'a Strings,
    (lang, sum): (Lang, &'a Summary),
    page_in: impl FnOnce(Lang) -> Option<String>,
) -> SummaryView<'a> {
    SummaryView {
        html: &sum.html,
        title: sum.title.as_deref(),
        lang: lang.code(),
        fallback: lang != s.lang,
        lang_name: s.lang_name(lang),
        stale: sum.stale.is_some(),
        original: sum.stale.and_then(|original| {
            Some(Link {
                href: page_in(original)?,
                text: s.lang_name(original).to_string(),
            })
        }),
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

/// The offer to contribute by e-mail, on the pages of a discussion that
/// takes contributions: a `mailto:` link to the moderators, whose subject
/// names the discussion and the questions in brackets (`[water 1.2] …`),
/// which `palabre import` reads back, and whose body is a short template in
/// the page's language.
///
/// Whether the discussion is still open is decided in the reader's browser
/// (`static/contribute.js` compares today with `closes`), so that the page
/// is the same whatever day it was built: without script the link stays,
/// with the closing day beside it.
#[derive(Serialize)]
pub(super) struct ContributeView {
    href: String,
    email: String,
    intro: String,
    /// `closes` as `YYYY-MM-DD`, for the script.
    closes: Option<String>,
    /// "Contributions are open until …", beside the link.
    until: Option<String>,
    /// "This e-discussion closed on …", shown by the script once it has.
    closed: Option<String>,
}

/// The longest text after the brackets of a subject, in characters: mail
/// programs and lists cut or fold long subjects.
const SUBJECT_TEXT_MAX: usize = 80;

/// The offer to contribute to `questions` of discussion `f` (all of them
/// when empty), `about` being what the subject says after the brackets;
/// `None` when the discussion takes no contributions.
pub(super) fn contribute(
    s: &Strings,
    f: &Frame<'_>,
    questions: &[QuestionId],
    about: &str,
) -> Option<ContributeView> {
    let c = f.contribute?;
    let mut tag = f.slug().to_string();
    for q in questions {
        tag.push_str(&format!(" {q}"));
    }
    let subject = format!("[{tag}] {}", shorten(about, SUBJECT_TEXT_MAX));
    // No space after the colons: a mail program sending format=flowed
    // would take a line ending in a space for one to join with the next.
    let body = ["name", "organisation", "country"]
        .iter()
        .map(|k| format!("{}:\n", s.t(&format!("contribute_body_{k}"))))
        .chain([format!("\n{}:\n\n", s.t("contribute_body_answer"))])
        .collect::<String>();
    let closes = f.closes.map(|d| d.format("%Y-%m-%d").to_string());
    Some(ContributeView {
        href: mailto(&c.email, &subject, &body),
        email: c.email.clone(),
        intro: s.fill("contribute_intro", &[("email", &c.email)]),
        until: f
            .closes
            .map(|d| s.fill("contribute_until", &[("date", &s.date(d))])),
        closed: f
            .closes
            .map(|d| s.fill("contribute_closed", &[("date", &s.date(d))])),
        closes,
    })
}

/// `text` cut at a word to at most `max` characters, with "…" when cut.
fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max - 1).collect();
    // The last word is whole when a space follows it.
    let whole = text.chars().nth(max - 1) == Some(' ');
    let cut = match cut.rfind(' ') {
        Some(i) if i > 0 && !whole => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

/// A `mailto:` address (RFC 6068) to `to`, with `subject` and `body`: every
/// byte but the unreserved characters percent-encoded (UTF-8), line breaks
/// written CRLF, as the RFC asks.
fn mailto(to: &str, subject: &str, body: &str) -> String {
    fn encode(text: &str, keep: &[u8]) -> String {
        let mut out = String::with_capacity(text.len() * 2);
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
    let crlf = |t: &str| t.replace("\r\n", "\n").replace('\n', "\r\n");
    format!(
        "mailto:{}?subject={}&body={}",
        encode(to, b"@"),
        encode(&crlf(subject), b""),
        encode(&crlf(body), b"")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailto_links_are_percent_encoded() {
        assert_eq!(
            mailto(
                "m4d+x@example.org",
                "[d 1.2] Qui ? & quoi",
                "Nom: \n\nA%B\n"
            ),
            "mailto:m4d%2Bx@example.org?subject=%5Bd%201.2%5D%20Qui%20%3F%20%26%20quoi&body=Nom%3A%20%0D%0A%0D%0AA%25B%0D%0A"
        );
        assert_eq!(
            mailto("a@b.org", "é", ""),
            "mailto:a@b.org?subject=%C3%A9&body="
        );
    }

    #[test]
    fn subjects_are_cut_at_a_word() {
        assert_eq!(shorten("  short  text ", 80), "short text");
        let long = "word ".repeat(30);
        let cut = shorten(&long, 20);
        assert_eq!(cut, "word word word word…");
        assert!(cut.chars().count() <= 20);
    }
}
