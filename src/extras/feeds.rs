//! Atom feeds: one per discussion and one per question, in every site
//! language (titles and links in that language), newest replies first. Each
//! discussion's feeds are one job: a new reply redoes its discussion's only.

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{NaiveDate, TimeZone, Utc};

use super::{JobError, OutputFile};
use crate::i18n::{Strings, Translations};
use crate::markdown;
use crate::model::{Discussion, QuestionId, Reply, Site};
use crate::site;

/// Every feed of discussion `d`; `base` is the site's absolute address.
pub(super) fn files(
    site: &Site,
    i18n: &Translations,
    d: &Discussion,
    base: &str,
) -> Result<Vec<OutputFile>, JobError> {
    let mut out = Vec::new();
    for &lang in &site.config.languages {
        let s = i18n.get(lang);
        out.push(feed(site, s, d, None, base)?);
        for q in d.questions() {
            out.push(feed(site, s, d, Some(q.id), base)?);
        }
    }
    Ok(out)
}

/// Midnight UTC of a reply's date; replies without one sort as the oldest.
fn day(date: Option<NaiveDate>) -> FixedDateTime {
    let date = date.unwrap_or_default();
    Utc.from_utc_datetime(&date.and_time(chrono::NaiveTime::MIN))
        .fixed_offset()
}

fn feed(
    site: &Site,
    s: &Strings,
    d: &Discussion,
    q: Option<QuestionId>,
    base: &str,
) -> Result<OutputFile, JobError> {
    let l = s.lang.code();
    let abs = |path: String| format!("{base}/{path}");
    let title = d.title.get(s.lang, d.original_lang).map_or("", |(t, _)| t);
    let (feed_title, page) = match q {
        None => (
            s.fill("feed_discussion", &[("title", title)]),
            site::discussion_path(l, d),
        ),
        Some(q) => (
            s.fill("feed_question", &[("title", title), ("id", &q.to_string())]),
            site::question_path(l, d, q),
        ),
    };
    let mut replies: Vec<&Reply> = d
        .replies
        .iter()
        .filter(|r| q.is_none_or(|q| r.answers.contains(&q)))
        .collect();
    // Newest first; the same day in file-name order, for stable bytes.
    replies.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    let entries: Vec<Entry> = replies
        .iter()
        .map(|r| {
            let html = r.html_for(q)?;
            let html = markdown::label_footnotes(&html, s.t("footnotes"), s.t("footnote_back"))
                .into_owned();
            let author = r
                .author
                .clone()
                .unwrap_or_else(|| s.t("anonymous").to_string());
            let (link, entry_title) = match q {
                None => {
                    let ids: Vec<String> = r.answers.iter().map(ToString::to_string).collect();
                    (
                        abs(site::reply_path(l, d, &r.id)),
                        format!("{author} · {} {}", s.t("question"), ids.join(", ")),
                    )
                }
                Some(q) => (
                    format!("{}#{}", abs(site::question_path(l, d, q)), r.id),
                    author.clone(),
                ),
            };
            Ok(Entry {
                title: Text::plain(entry_title),
                id: link.clone(),
                updated: day(r.date),
                published: r.date.map(|x| day(Some(x))),
                authors: vec![Person {
                    name: author,
                    ..Person::default()
                }],
                links: vec![Link {
                    href: link,
                    rel: "alternate".to_string(),
                    mime_type: Some("text/html".to_string()),
                    ..Link::default()
                }],
                content: Some(Content {
                    value: Some(fill_links(&html, &abs(format!("{l}/")))),
                    content_type: Some("html".to_string()),
                    lang: Some(r.lang.code().to_string()),
                    ..Content::default()
                }),
                ..Entry::default()
            })
        })
        .collect::<Result<_, JobError>>()?;
    let path = site::feed_path(l, d, q);
    let updated = replies
        .iter()
        .filter_map(|r| r.date)
        .max()
        .or(d.closes)
        .or(d.opens);
    let feed = Feed {
        title: Text::plain(format!("{feed_title} · {}", site.config.title(s.lang))),
        id: abs(path.clone()),
        updated: day(updated),
        lang: Some(l.to_string()),
        authors: d
            .organisers
            .iter()
            .map(|o| Person {
                name: o.clone(),
                ..Person::default()
            })
            .collect(),
        links: vec![
            Link {
                href: abs(path.clone()),
                rel: "self".to_string(),
                mime_type: Some("application/atom+xml".to_string()),
                ..Link::default()
            },
            Link {
                href: abs(page),
                rel: "alternate".to_string(),
                mime_type: Some("text/html".to_string()),
                hreflang: Some(l.to_string()),
                ..Link::default()
            },
        ],
        entries,
        ..Feed::default()
    };
    let bytes = feed.write_to(Vec::new()).map_err(|e| e.to_string())?;
    Ok(OutputFile { path, bytes })
}

/// Site links in a feed entry, made absolute.
fn fill_links(html: &str, prefix: &str) -> String {
    crate::links::fill(html, prefix).into_owned()
}
