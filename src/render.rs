//! Turning pages into HTML with the theme's tera templates.
//!
//! Each page gets a small context of its own (tera clones it): only the
//! replies that page shows, never the whole site. Reply HTML is sanitised
//! before it gets here and is inserted as data, never parsed as a template.

use serde::Serialize;
use tera::Tera;

use crate::diagnostic::Diagnostic;
use crate::i18n::{Strings, Translations};
use crate::lang::Lang;
use crate::model::{Discussion, LangText, QuestionId, Reply, Site};
use crate::site::{self, Page, PageKind, ReplyIndex};
use crate::theme::Theme;

pub struct Renderer<'a> {
    tera: Tera,
    i18n: Translations,
    site: &'a Site,
    index: ReplyIndex,
    /// Hash of everything in the theme: any change re-renders every page.
    theme_hash: blake3::Hash,
    /// Per discussion, per reply: a hash of the reply's HTML, which stands in
    /// for the HTML itself in fingerprints.
    reply_hashes: Vec<Vec<String>>,
}

#[derive(Serialize)]
struct Link {
    href: String,
    text: String,
}

#[derive(Serialize)]
struct LangLink {
    code: &'static str,
    name: String,
    href: String,
    current: bool,
}

/// What every page's layout needs.
#[derive(Serialize)]
struct Layout<'a> {
    lang: &'static str,
    title: String,
    site_title: &'a str,
    root: String,
    home: String,
    switcher: Vec<LangLink>,
    /// `<link rel="alternate" hreflang>`: absolute when base_url is set.
    alternates: Vec<LangLink>,
    x_default: Option<String>,
    canonical: Option<String>,
    crumbs: Vec<Link>,
    t: &'a std::collections::BTreeMap<String, String>,
}

/// A text with the language it is written in and whether that is a fallback.
#[derive(Serialize)]
struct Text {
    text: String,
    lang: &'static str,
    fallback: bool,
}

fn text_in(t: &LangText, lang: Lang, original: Lang) -> Text {
    match t.get(lang, original) {
        Some((s, l)) => Text {
            text: s.to_string(),
            lang: l.code(),
            fallback: l != lang,
        },
        None => Text {
            text: String::new(),
            lang: lang.code(),
            fallback: false,
        },
    }
}

#[derive(Serialize)]
struct QuestionItem {
    id: String,
    text: Text,
    href: String,
    count: String,
    by_lang: Vec<Link>,
}

#[derive(Serialize)]
struct GroupItem {
    title: String,
    href: String,
    questions: Vec<QuestionItem>,
}

#[derive(Serialize)]
struct ReplyCard {
    id: String,
    author: String,
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

impl<'a> Renderer<'a> {
    pub fn new(theme: &Theme, site: &'a Site) -> Result<Renderer<'a>, Vec<Diagnostic>> {
        let mut tera = Tera::default();
        tera.add_raw_templates(
            theme
                .templates
                .iter()
                .map(|(n, s)| (n.as_str(), s.as_str())),
        )
        .map_err(|e| vec![template_error(theme, &e)])?;
        let reply_hashes = site
            .discussions
            .iter()
            .map(|d| d.replies.iter().map(reply_hash).collect())
            .collect();
        Ok(Renderer {
            tera,
            i18n: Translations::new(
                &theme.i18n,
                &site.config.languages,
                site.config.default_lang,
            ),
            site,
            index: ReplyIndex::new(site),
            theme_hash: theme.hash(),
            reply_hashes,
        })
    }

    /// The site's own text in every language.
    pub fn translations(&self) -> &Translations {
        &self.i18n
    }

    /// The page as HTML.
    pub fn render(&self, page: &Page) -> Result<String, tera::Error> {
        let (template, ctx) = self.context(page, Detail::Full);
        self.tera.render(template, &ctx)
    }

    /// A hash of everything the page is made from: equal fingerprints mean
    /// equal pages, so an unchanged page need not be rendered again. Reply
    /// HTML enters as its hash, which keeps this much cheaper than rendering.
    pub fn fingerprint(&self, page: &Page) -> blake3::Hash {
        let (template, ctx) = self.context(page, Detail::Hashes);
        let mut h = blake3::Hasher::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(self.theme_hash.as_bytes());
        h.update(template.as_bytes());
        h.update(ctx.into_json().to_string().as_bytes());
        h.finalize()
    }

    fn context(&self, page: &Page, detail: Detail) -> (&'static str, tera::Context) {
        let s = self.i18n.get(page.lang);
        let root = page.root();
        let href = |path: String| format!("{root}{path}");
        let (template, title, crumbs, body): (&'static str, String, Vec<Link>, serde_json::Value) =
            match page.kind {
                PageKind::Chooser => (
                    "chooser.html",
                    self.site.config.title(page.lang).to_string(),
                    vec![],
                    self.chooser(),
                ),
                PageKind::Home => (
                    "home.html",
                    self.site.config.title(page.lang).to_string(),
                    vec![],
                    self.home(s, &href),
                ),
                PageKind::Discussion(d) => {
                    let title = text_in(&d.title, page.lang, d.original_lang).text;
                    (
                        "discussion.html",
                        title,
                        vec![self.home_crumb(s, &href)],
                        self.discussion(s, d, &href),
                    )
                }
                PageKind::Group(d, g) => {
                    let title = self.group_title(s, d, g.id);
                    let crumbs = vec![
                        self.home_crumb(s, &href),
                        self.discussion_crumb(s, d, &href),
                    ];
                    ("group.html", title, crumbs, self.group(s, d, g, &href))
                }
                PageKind::Question(d, _, q) => {
                    let crumbs = vec![
                        self.home_crumb(s, &href),
                        self.discussion_crumb(s, d, &href),
                        Link {
                            href: href(site::group_path(s.lang.code(), d, q.group)),
                            text: self.group_title(s, d, q.group),
                        },
                    ];
                    let title = format!("{} {q}", s.t("question"));
                    (
                        "question.html",
                        title,
                        crumbs,
                        self.question(s, d, q, &href, detail),
                    )
                }
                PageKind::Reply(d, i) => {
                    let r = &d.replies[i];
                    let title = format!(
                        "{} · {}",
                        author(s, r),
                        text_in(&d.title, page.lang, d.original_lang).text
                    );
                    let crumbs = vec![
                        self.home_crumb(s, &href),
                        self.discussion_crumb(s, d, &href),
                    ];
                    (
                        "reply.html",
                        title,
                        crumbs,
                        self.reply(s, d, i, &href, detail),
                    )
                }
            };
        let layout = self.layout(page, s, title, crumbs);
        let mut ctx = tera::Context::new();
        ctx.insert("layout", &layout);
        ctx.insert("page", &body);
        (template, ctx)
    }

    fn layout<'s>(
        &'s self,
        page: &Page,
        s: &'s Strings,
        title: String,
        crumbs: Vec<Link>,
    ) -> Layout<'s> {
        let root = page.root();
        let langs = &self.site.config.languages;
        let base = self.site.config.base_url.as_deref();
        let switcher = langs
            .iter()
            .map(|&l| LangLink {
                code: l.code(),
                name: self.i18n.native_name(l).to_string(),
                href: format!("{root}{}", page.path_in(l)),
                // The root chooser is no language's page.
                current: l == page.lang && !matches!(page.kind, PageKind::Chooser),
            })
            .collect();
        let alternates = langs
            .iter()
            .map(|&l| LangLink {
                code: l.code(),
                name: self.i18n.native_name(l).to_string(),
                href: match base {
                    Some(b) => format!("{b}/{}", page.path_in(l)),
                    None => format!("{root}{}", page.path_in(l)),
                },
                current: l == page.lang,
            })
            .collect();
        let is_chooser = matches!(page.kind, PageKind::Chooser);
        Layout {
            lang: page.lang.code(),
            title,
            site_title: self.site.config.title(page.lang),
            home: format!("{root}{}", site::home_path(page.lang.code())),
            root,
            switcher,
            alternates,
            x_default: base.map(|b| {
                let default_page = if is_chooser {
                    "index.html".to_string()
                } else {
                    page.path_in(self.site.config.default_lang)
                };
                format!("{b}/{default_page}")
            }),
            canonical: base.map(|b| format!("{b}/{}", page.path())),
            crumbs,
            t: &s.text,
        }
    }

    fn home_crumb(&self, s: &Strings, href: &dyn Fn(String) -> String) -> Link {
        Link {
            href: href(site::home_path(s.lang.code())),
            text: s.t("home").to_string(),
        }
    }

    fn discussion_crumb(
        &self,
        s: &Strings,
        d: &Discussion,
        href: &dyn Fn(String) -> String,
    ) -> Link {
        Link {
            href: href(site::discussion_path(s.lang.code(), d)),
            text: text_in(&d.title, s.lang, d.original_lang).text,
        }
    }

    fn group_title(&self, s: &Strings, d: &Discussion, group: u32) -> String {
        let g = d.groups.iter().find(|g| g.id == group);
        match g.and_then(|g| g.title.get(s.lang, d.original_lang)) {
            Some((t, _)) => t.to_string(),
            None => s.fill(
                &format!("group_{}", d.group_label.slug()),
                &[("n", &group.to_string())],
            ),
        }
    }

    fn chooser(&self) -> serde_json::Value {
        let langs: Vec<_> = self
            .site
            .config
            .languages
            .iter()
            .map(|&l| {
                let s = self.i18n.get(l);
                serde_json::json!({
                    "code": l.code(),
                    "name": self.i18n.native_name(l),
                    "title": self.site.config.title(l),
                    "enter": s.t("enter_site"),
                    "href": site::home_path(l.code()),
                })
            })
            .collect();
        serde_json::json!({ "languages": langs })
    }

    fn dates(&self, s: &Strings, d: &Discussion) -> Option<String> {
        match (d.opens, d.closes) {
            (Some(o), Some(c)) => {
                Some(s.fill("dates_from_to", &[("from", &s.date(o)), ("to", &s.date(c))]))
            }
            (None, Some(c)) => Some(s.fill("dates_until", &[("to", &s.date(c))])),
            (Some(o), None) => Some(s.fill("dates_from", &[("from", &s.date(o))])),
            (None, None) => None,
        }
    }

    fn home(&self, s: &Strings, href: &dyn Fn(String) -> String) -> serde_json::Value {
        let discussions: Vec<_> = self
            .site
            .discussions
            .iter()
            .map(|d| {
                serde_json::json!({
                    "title": text_in(&d.title, s.lang, d.original_lang),
                    "href": href(site::discussion_path(s.lang.code(), d)),
                    "dates": self.dates(s, d),
                    "organisers": d.organisers.join(", "),
                    "replies": s.count("replies", d.replies.len()),
                    "questions": s.count("questions", d.questions().count()),
                })
            })
            .collect();
        serde_json::json!({ "discussions": discussions })
    }

    fn question_item(
        &self,
        s: &Strings,
        d: &Discussion,
        q: QuestionId,
        href: &dyn Fn(String) -> String,
    ) -> QuestionItem {
        let question = d.find_question(q);
        let counts = self.index.counts_by_lang(d, q);
        let total: usize = counts.values().sum();
        QuestionItem {
            id: q.to_string(),
            text: question.map_or(
                Text {
                    text: String::new(),
                    lang: "",
                    fallback: false,
                },
                |x| text_in(&x.text, s.lang, d.original_lang),
            ),
            href: href(site::question_path(s.lang.code(), d, q)),
            count: s.count("replies", total),
            by_lang: counts
                .iter()
                .map(|(l, n)| Link {
                    href: l.code().to_string(),
                    text: format!("{} {n}", s.lang_name(*l)),
                })
                .collect(),
        }
    }

    fn groups(
        &self,
        s: &Strings,
        d: &Discussion,
        href: &dyn Fn(String) -> String,
    ) -> Vec<GroupItem> {
        d.groups
            .iter()
            .map(|g| GroupItem {
                title: self.group_title(s, d, g.id),
                href: href(site::group_path(s.lang.code(), d, g.id)),
                questions: g
                    .questions
                    .iter()
                    .map(|q| self.question_item(s, d, q.id, href))
                    .collect(),
            })
            .collect()
    }

    fn discussion(
        &self,
        s: &Strings,
        d: &Discussion,
        href: &dyn Fn(String) -> String,
    ) -> serde_json::Value {
        let mut by_lang = std::collections::BTreeMap::new();
        for r in &d.replies {
            *by_lang.entry(r.lang).or_insert(0usize) += 1;
        }
        let conclusion = pick_summary(&d.conclusion, s.lang, d.original_lang);
        serde_json::json!({
            "title": text_in(&d.title, s.lang, d.original_lang),
            "intro_html": d.intro_html,
            "intro_lang": d.original_lang.code(),
            "intro_fallback": d.original_lang != s.lang,
            "intro_lang_name": s.lang_name(d.original_lang),
            "dates": self.dates(s, d),
            "organisers": d.organisers.join(", "),
            "replies": s.count("replies", d.replies.len()),
            "by_lang": by_lang.iter().map(|(l, n)| Link { href: l.code().to_string(), text: format!("{} {n}", s.lang_name(*l)) }).collect::<Vec<_>>(),
            "groups": self.groups(s, d, href),
            "group_heading": s.t(&format!("groups_{}", d.group_label.slug())),
            "conclusion": conclusion.map(|(l, sum)| serde_json::json!({ "html": sum.html, "lang": l.code(), "fallback": l != s.lang, "lang_name": s.lang_name(l) })),
        })
    }

    fn group(
        &self,
        s: &Strings,
        d: &Discussion,
        g: &crate::model::Group,
        href: &dyn Fn(String) -> String,
    ) -> serde_json::Value {
        let questions: Vec<QuestionItem> = g
            .questions
            .iter()
            .map(|q| self.question_item(s, d, q.id, href))
            .collect();
        serde_json::json!({
            "title": self.group_title(s, d, g.id),
            "discussion": text_in(&d.title, s.lang, d.original_lang),
            "questions": questions,
        })
    }

    fn card(
        &self,
        s: &Strings,
        d: &Discussion,
        r: &Reply,
        q: Option<QuestionId>,
        href: &dyn Fn(String) -> String,
        detail: Detail,
    ) -> ReplyCard {
        let (html, partial) = match (detail, q) {
            (Detail::Hashes, _) => {
                let hash = self
                    .site
                    .discussions
                    .iter()
                    .position(|x| std::ptr::eq(x, d))
                    .and_then(|di| {
                        self.reply_hashes[di]
                            .get(d.replies.iter().position(|x| std::ptr::eq(x, r))?)
                    })
                    .cloned()
                    .unwrap_or_default();
                let part = q.map(|q| q.to_string()).unwrap_or_default();
                (format!("{hash}:{part}"), false)
            }
            (Detail::Full, Some(q)) => {
                let (html, whole) = r.html_for(q);
                (html, !whole)
            }
            (Detail::Full, None) => (r.html.clone(), false),
        };
        ReplyCard {
            id: r.id.clone(),
            author: author(s, r),
            organisation: r.organisation.clone(),
            country: r.country.clone(),
            date: r.date.map(|x| s.date(x)),
            datetime: r.date.map(|x| x.format("%Y-%m-%d").to_string()),
            lang: r.lang.code(),
            lang_name: s.lang_name(r.lang).to_string(),
            html,
            partial,
            href: href(site::reply_path(s.lang.code(), d, &r.id)),
        }
    }

    fn question(
        &self,
        s: &Strings,
        d: &Discussion,
        q: QuestionId,
        href: &dyn Fn(String) -> String,
        detail: Detail,
    ) -> serde_json::Value {
        let item = self.question_item(s, d, q, href);
        let empty = std::collections::BTreeMap::new();
        let summaries = d.summaries.get(&q).unwrap_or(&empty);
        let summary = pick_summary(summaries, s.lang, d.original_lang);
        let other_summaries: Vec<Link> = summaries
            .keys()
            .filter(|&&l| {
                summary.is_none_or(|(shown, _)| shown != l)
                    && self.site.config.languages.contains(&l)
            })
            .map(|&l| Link {
                href: href(site::question_path(l.code(), d, q)),
                text: self.i18n.native_name(l).to_string(),
            })
            .collect();
        let replies: Vec<ReplyCard> = self
            .index
            .replies_to(d, q)
            .iter()
            .map(|&i| self.card(s, d, &d.replies[i], Some(q), href, detail))
            .collect();
        let all: Vec<QuestionId> = d.questions().map(|x| x.id).collect();
        let pos = all.iter().position(|&x| x == q);
        let neighbour = |p: Option<usize>| {
            p.and_then(|p| all.get(p)).map(|&x| Link {
                href: href(site::question_path(s.lang.code(), d, x)),
                text: format!("{} {x}", s.t("question")),
            })
        };
        serde_json::json!({
            "question": item,
            "discussion": text_in(&d.title, s.lang, d.original_lang),
            "original_lang_name": s.lang_name(d.original_lang),
            "summary": summary.map(|(l, sum)| serde_json::json!({ "html": sum.html, "title": sum.title, "lang": l.code(), "fallback": l != s.lang, "lang_name": s.lang_name(l) })),
            "other_summaries": other_summaries,
            "replies": replies,
            "prev": neighbour(pos.and_then(|p| p.checked_sub(1))),
            "next": neighbour(pos.map(|p| p + 1)),
        })
    }

    fn reply(
        &self,
        s: &Strings,
        d: &Discussion,
        i: usize,
        href: &dyn Fn(String) -> String,
        detail: Detail,
    ) -> serde_json::Value {
        let r = &d.replies[i];
        let answers: Vec<Link> = r
            .answers
            .iter()
            .map(|&q| {
                let text = d
                    .find_question(q)
                    .map(|x| text_in(&x.text, s.lang, d.original_lang).text)
                    .unwrap_or_default();
                Link {
                    href: format!(
                        "{}#{}",
                        href(site::question_path(s.lang.code(), d, q)),
                        r.id
                    ),
                    text: format!("{q} {text}"),
                }
            })
            .collect();
        let neighbour = |j: Option<usize>| {
            j.and_then(|j| d.replies.get(j)).map(|x| Link {
                href: href(site::reply_path(s.lang.code(), d, &x.id)),
                text: author(s, x),
            })
        };
        serde_json::json!({
            "reply": self.card(s, d, r, None, href, detail),
            "discussion": text_in(&d.title, s.lang, d.original_lang),
            "answers": answers,
            "prev": neighbour(i.checked_sub(1)),
            "next": neighbour(Some(i + 1)),
        })
    }
}

/// How much of a reply goes into a page's context.
#[derive(Clone, Copy)]
enum Detail {
    /// Its HTML, to render the page.
    Full,
    /// Only a hash of its HTML, to fingerprint the page.
    Hashes,
}

/// What a reply's HTML (whole and parts) hashes to.
fn reply_hash(r: &Reply) -> String {
    let mut h = blake3::Hasher::new();
    h.update(r.html.as_bytes());
    for p in &r.parts {
        h.update(b"\0");
        for q in &p.questions {
            h.update(q.to_string().as_bytes());
        }
        h.update(p.html.as_bytes());
    }
    h.finalize().to_hex().to_string()
}

fn author(s: &Strings, r: &Reply) -> String {
    r.author
        .clone()
        .unwrap_or_else(|| s.t("anonymous").to_string())
}

/// The summary in the page's language, else the original's, else any.
fn pick_summary<T>(
    m: &std::collections::BTreeMap<Lang, T>,
    lang: Lang,
    original: Lang,
) -> Option<(Lang, &T)> {
    m.get_key_value(&lang)
        .or_else(|| m.get_key_value(&original))
        .or_else(|| m.iter().next())
        .map(|(l, v)| (*l, v))
}

fn template_error(theme: &Theme, e: &tera::Error) -> Diagnostic {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    Diagnostic::error(
        &theme.origin.join("templates"),
        None,
        format!("template error: {msg}"),
    )
    .hint("fix the theme's template (tera syntax)")
}
