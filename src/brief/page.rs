//! The brief's files: an overview page, a page per question (the theme's
//! `brief.html`, with a typed context) and the drafts.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{LangBrief, QuestionBrief, draft};
use crate::diagnostic::Diagnostic;
use crate::extras::OutputFile;
use crate::extras::countries;
use crate::i18n::{Strings, Translations};
use crate::lang::Lang;
use crate::model::{Discussion, Reply};
use crate::theme::Theme;

/// The theme's words the brief's pages use.
const KEYS: &[&str] = &[
    "anonymous",
    "brief_title",
    "brief_intro",
    "brief_not_public",
    "brief_questions",
    "brief_drafts",
    "brief_who",
    "brief_countries",
    "brief_organisations",
    "brief_cited",
    "brief_cited_none",
    "brief_cited_mark",
    "brief_key_phrases",
    "brief_passages",
    "brief_replies",
    "brief_no_replies",
    "brief_overview",
    "brief_in_replies",
    "list_separator",
    "question",
];

/// The brief's files for `briefs` of discussion `d`: `index.html`, a page
/// `<g>-<q>.html` per question, in `lang`, and a draft
/// `drafts/<g>-<q>.<lang>.md` per question and site language.
pub fn files(
    d: &Discussion,
    briefs: &[QuestionBrief<'_>],
    theme: &Theme,
    translations: &Translations,
    lang: Lang,
    languages: &[Lang],
) -> Result<Vec<OutputFile>, Diagnostic> {
    let tera = theme.compile(languages).map_err(|mut e| e.remove(0))?;
    let strings = translations.get(lang);
    let t: BTreeMap<&str, &str> = KEYS.iter().map(|&k| (k, strings.t(k))).collect();
    let title = d
        .title
        .get(lang, d.original_lang)
        .map(|(t, _)| t.to_string())
        .unwrap_or_default();
    let questions: Vec<QuestionLink> = briefs
        .iter()
        .map(|q| QuestionLink {
            id: q.question.id.to_string(),
            href: format!("{}.html", file_stem(q)),
            text: question_text(q, lang, d.original_lang),
            replies: strings.count("replies", q.replies),
        })
        .collect();
    let mut out = Vec::new();
    let mut render = |path: String, question: Option<QuestionView>| -> Result<(), Diagnostic> {
        let context = Context {
            lang: lang.code(),
            t: &t,
            discussion: &title,
            questions: &questions,
            question,
        };
        let html = tera::Context::from_serialize(&context)
            .and_then(|c| tera.render("brief.html", &c))
            .map_err(|e| theme.render_error(&path, &e))?;
        out.push(OutputFile {
            path,
            bytes: html.into_bytes(),
        });
        Ok(())
    };
    render("index.html".to_string(), None)?;
    for q in briefs {
        let drafts = languages
            .iter()
            .map(|&l| DraftLink {
                language: strings.lang_name(l).to_string(),
                href: format!("drafts/{}.{}.md", file_stem(q), l.code()),
            })
            .collect();
        let view = QuestionView::of(q, d, lang, strings, drafts);
        render(format!("{}.html", file_stem(q)), Some(view))?;
    }
    for q in briefs {
        for &l in languages {
            out.push(OutputFile {
                path: format!("drafts/{}.{}.md", file_stem(q), l.code()),
                bytes: draft(q, l, translations.get(l)).into_bytes(),
            });
        }
    }
    Ok(out)
}

/// `1-2` for question 1.2: the name of its summary files.
fn file_stem(q: &QuestionBrief<'_>) -> String {
    format!("{}-{}", q.question.id.group, q.question.id.question)
}

fn question_text(q: &QuestionBrief<'_>, lang: Lang, original: Lang) -> String {
    q.question
        .text
        .get(lang, original)
        .map(|(t, _)| t.to_string())
        .unwrap_or_default()
}

#[derive(Serialize)]
struct Context<'a> {
    lang: &'static str,
    t: &'a BTreeMap<&'static str, &'a str>,
    discussion: &'a str,
    questions: &'a [QuestionLink],
    /// The question of a question's page; none on the overview.
    question: Option<QuestionView>,
}

#[derive(Serialize)]
struct QuestionLink {
    id: String,
    href: String,
    text: String,
    replies: String,
}

#[derive(Serialize)]
struct DraftLink {
    language: String,
    href: String,
}

#[derive(Serialize)]
struct QuestionView {
    id: String,
    text: String,
    replies: String,
    drafts: Vec<DraftLink>,
    countries: Vec<Tally>,
    organisations: Vec<Tally>,
    cited: Vec<ReplyRef>,
    languages: Vec<LangView>,
}

/// A name and how many replies it stands for.
#[derive(Serialize)]
struct Tally {
    name: String,
    replies: usize,
}

#[derive(Serialize)]
struct ReplyRef {
    anchor: String,
    author: String,
}

#[derive(Serialize)]
struct LangView {
    code: &'static str,
    name: String,
    replies: String,
    key_phrases: Vec<PhraseView>,
    passages: Vec<PassageView>,
    texts: Vec<ReplyView>,
}

#[derive(Serialize)]
struct PhraseView {
    text: String,
    replies: usize,
}

#[derive(Serialize)]
struct PassageView {
    text: String,
    reply: ReplyRef,
    /// Its author, and country when known.
    who: String,
}

#[derive(Serialize)]
struct ReplyView {
    reply: ReplyRef,
    organisation: Option<String>,
    country: Option<String>,
    cited: bool,
    paragraphs: Vec<String>,
}

impl QuestionView {
    fn of(
        q: &QuestionBrief<'_>,
        d: &Discussion,
        lang: Lang,
        strings: &Strings,
        drafts: Vec<DraftLink>,
    ) -> QuestionView {
        let all = || q.languages.iter().flat_map(|l| &l.replies).map(|r| r.reply);
        let countries =
            tally(all().filter_map(|r| r.country.as_deref().map(|c| countries::shown(c, lang))));
        let organisations = tally(all().filter_map(|r| r.organisation.clone()));
        let reference = |r: &Reply| ReplyRef {
            anchor: format!("r-{}", r.id),
            author: r
                .author
                .clone()
                .unwrap_or_else(|| strings.t("anonymous").to_string()),
        };
        let languages = q
            .languages
            .iter()
            .map(|l: &LangBrief<'_>| LangView {
                code: l.lang.code(),
                name: strings.lang_name(l.lang).to_string(),
                replies: strings.count("replies", l.replies.len()),
                key_phrases: l
                    .key_phrases
                    .iter()
                    .map(|k| PhraseView {
                        text: k.text.clone(),
                        replies: k.replies,
                    })
                    .collect(),
                passages: l
                    .passages
                    .iter()
                    .map(|p| {
                        let reply = reference(p.reply);
                        let who = match p.reply.country.as_deref() {
                            Some(c) => format!("{}, {}", reply.author, countries::shown(c, lang)),
                            None => reply.author.clone(),
                        };
                        PassageView {
                            text: p.text.clone(),
                            reply,
                            who,
                        }
                    })
                    .collect(),
                texts: l
                    .replies
                    .iter()
                    .map(|r| ReplyView {
                        reply: reference(r.reply),
                        organisation: r.reply.organisation.clone(),
                        country: r
                            .reply
                            .country
                            .as_deref()
                            .map(|c| countries::shown(c, lang)),
                        cited: q.cited.iter().any(|c| c.id == r.reply.id),
                        paragraphs: r.paragraphs.clone(),
                    })
                    .collect(),
            })
            .collect();
        QuestionView {
            id: q.question.id.to_string(),
            text: question_text(q, lang, d.original_lang),
            replies: strings.count("replies", q.replies),
            drafts,
            countries,
            organisations,
            cited: q.cited.iter().map(|r| reference(r)).collect(),
            languages,
        }
    }
}

/// Each distinct name with how many times it occurs, most first.
fn tally(names: impl Iterator<Item = String>) -> Vec<Tally> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for n in names {
        *counts.entry(n).or_default() += 1;
    }
    let mut out: Vec<Tally> = counts
        .into_iter()
        .map(|(name, replies)| Tally { name, replies })
        .collect();
    out.sort_by(|a, b| b.replies.cmp(&a.replies).then_with(|| a.name.cmp(&b.name)));
    out
}
