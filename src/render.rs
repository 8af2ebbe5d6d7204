//! Turning pages into HTML with the theme's tera templates.
//!
//! Each page gets a context of its own: only the replies that page shows,
//! never the whole site. Reply HTML is sanitised
//! before it gets here and is inserted as data, never parsed as a template.

use serde::Serialize;
use tera::Tera;

use crate::diagnostic::Diagnostic;
use crate::extras::countries;
use crate::i18n::{Strings, Translations};
use crate::lang::Lang;
use crate::markdown;
use crate::model::{
    Discussion, LangText, QuestionId, Reply, Site, SiteHashes, Summary, count_by_lang,
};
use crate::site::{self, Page, PageKind, ReplyIndex};
use crate::style;
use crate::theme::Theme;
use crate::util::html::{Piece, Placeholders, minify};
use crate::util::text::{plain_text, truncate};

pub struct Renderer<'a> {
    tera: Tera,
    i18n: Translations,
    site: &'a Site,
    index: ReplyIndex,
    /// Hash of everything in the theme: any change re-renders every page.
    theme_hash: blake3::Hash,
    /// Per discussion, per reply: the reply's hash ([`SiteHashes`]),
    /// which stands in for its HTML in fingerprints.
    reply_hashes: &'a [Vec<blake3::Hash>],
    /// Per discussion: what its pages are made from, for
    /// [`Renderer::fingerprint`].
    discussion_keys: Vec<DiscussionKeys>,
    /// The colours of `style:` in site.yaml, for [`Renderer::stylesheet`].
    colours: Option<style::Colours>,
    /// The theme has its own `static/custom.css`, linked from every page.
    custom_css: bool,
}

/// A stylesheet a theme may add, loaded after all the others.
const CUSTOM_CSS: &str = "custom.css";

/// Hashes of what the pages of a discussion are made from.
struct DiscussionKeys {
    /// palabre's version, the theme, the site's settings and the discussion
    /// without its replies: all that a reply page shows besides its reply
    /// and the neighbours it links to.
    frame: blake3::Hash,
    /// The same with every reply, in order: all that the pages summing up
    /// the whole discussion are made from.
    whole: blake3::Hash,
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
    /// Serialised as its code, e.g. `fr`.
    lang: Lang,
    title: String,
    site_title: &'a str,
    root: String,
    home: String,
    search: String,
    switcher: Vec<LangLink>,
    /// `<link rel="alternate" hreflang>`: absolute when base_url is set.
    alternates: Vec<LangLink>,
    x_default: Option<String>,
    canonical: Option<String>,
    crumbs: Vec<Link>,
    /// `<meta name="description">` and `og:description`.
    description: String,
    /// `og:locale` and the other languages' `og:locale:alternate`.
    og_locale: &'static str,
    og_locale_alternates: Vec<&'static str>,
    /// `<link rel="alternate" type="application/atom+xml">`: the feeds this
    /// page belongs to (none without base_url).
    feeds: Vec<Link>,
    /// Stylesheets after the theme's: the one made from `style:` in
    /// site.yaml, then the theme's `custom.css`.
    stylesheets: Vec<String>,
    /// The logo of `style:` in site.yaml.
    logo: Option<String>,
    /// The footer text of `style:` in site.yaml, as HTML.
    footer: Option<Text>,
    /// The site's own text in the page's language: set only to render.
    #[serde(skip_serializing_if = "Option::is_none")]
    t: Option<&'a std::collections::BTreeMap<String, String>>,
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
    pub fn new(
        theme: &Theme,
        site: &'a Site,
        hashes: &'a SiteHashes,
    ) -> Result<Renderer<'a>, Vec<Diagnostic>> {
        let tera = theme.compile()?;
        let theme_hash = theme.hash();
        // palabre's version, the theme and the site's settings.
        let mut h = blake3::Hasher::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(theme_hash.as_bytes());
        crate::util::hash_debug(&mut h, &site.config);
        let settings = h.finalize();
        let with_settings = |hash: blake3::Hash| {
            let mut h = blake3::Hasher::new();
            h.update(settings.as_bytes());
            h.update(hash.as_bytes());
            h.finalize()
        };
        let discussion_keys = site
            .discussions
            .iter()
            .zip(&hashes.discussions)
            .map(|(d, &whole)| DiscussionKeys {
                frame: with_settings(d.hash_without_replies()),
                whole: with_settings(whole),
            })
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
            theme_hash,
            reply_hashes: &hashes.replies,
            discussion_keys,
            colours: style::colours(&site.config.style, &theme.backgrounds()),
            custom_css: theme.static_file(CUSTOM_CSS).is_some(),
        })
    }

    /// `static/site-style.css`, made from the colours of `style:` in
    /// site.yaml with the theme's `site-style.css`; `None` when it sets none.
    pub fn stylesheet(&self) -> Result<Option<Vec<u8>>, tera::Error> {
        let Some(colours) = &self.colours else {
            return Ok(None);
        };
        let ctx = tera::Context::from_serialize(colours)?;
        Ok(Some(self.tera.render("site-style.css", &ctx)?.into_bytes()))
    }

    /// The site's own text in every language.
    pub fn translations(&self) -> &Translations {
        &self.i18n
    }

    /// Everything the page is made from, ready to fingerprint or render.
    pub fn prepare(&self, page: &Page) -> Prepared<'_> {
        let slots = Slots::default();
        let (template, layout, body) = self.context(page, &slots);
        Prepared {
            template,
            layout,
            body,
            slots: slots.0.into_inner(),
            reply_headings: reply_headings(&page.kind),
            site_prefix: format!("{}{}/", page.root(), page.lang.code()),
        }
    }

    /// The page as minified HTML.
    pub fn render<'r>(&'r self, mut page: Prepared<'r>) -> Result<Vec<u8>, RenderError> {
        page.layout.t = Some(&self.i18n.get(page.layout.lang).text);
        // The body is moved into the context, not copied: a report's holds
        // thousands of reply cards.
        let ctx = serde_json::json!({ "layout": page.layout, "page": page.body });
        let ctx = tera::Context::from_value(ctx).map_err(RenderError::Template)?;
        let html = self
            .tera
            .render(page.template, &ctx)
            .map_err(RenderError::Template)?;
        drop(ctx);
        let skeleton = minify(&html);
        drop(html);
        self.fill(
            &skeleton,
            &page.slots,
            page.reply_headings,
            &page.site_prefix,
        )
        .map_err(RenderError::Texts)
    }

    /// A hash of everything `page` is made from: equal fingerprints mean
    /// equal pages, so an unchanged page need not be rendered again. With it,
    /// the page prepared, when that was needed to compute it.
    pub fn fingerprint(&self, page: &Page) -> (blake3::Hash, Option<Prepared<'_>>) {
        match page.kind {
            PageKind::Reply(d, i) => (self.reply_page_fingerprint(d, i, page.lang), None),
            PageKind::Question(d, _, q) => (self.question_page_fingerprint(d, q, page.lang), None),
            // Pages that sum up the whole discussion change with any of its
            // replies anyway, and the report is the costliest to prepare.
            PageKind::Discussion(d) | PageKind::Statistics(d) | PageKind::Report(d) => {
                let mut h = blake3::Hasher::new();
                h.update(
                    self.discussion_keys[self.discussion_index(d)]
                        .whole
                        .as_bytes(),
                );
                h.update(page.path().as_bytes());
                (h.finalize(), None)
            }
            _ => {
                let prepared = self.prepare(page);
                (self.prepared_fingerprint(&prepared), Some(prepared))
            }
        }
    }

    /// A reply page's fingerprint, from what it is made of rather than from
    /// its context: a site has more reply pages than all others together,
    /// and this needs no context built for the unchanged ones.
    fn reply_page_fingerprint(&self, d: &Discussion, i: usize, lang: Lang) -> blake3::Hash {
        let di = self.discussion_index(d);
        let mut h = blake3::Hasher::new();
        h.update(self.discussion_keys[di].frame.as_bytes());
        h.update(lang.code().as_bytes());
        h.update(self.reply_hashes[di][i].as_bytes());
        // Previous and next reply: linked by id, named by author.
        let neighbour =
            |j: Option<usize>| j.and_then(|j| d.replies.get(j)).map(|x| (&x.id, &x.author));
        crate::util::hash_debug(
            &mut h,
            &(neighbour(i.checked_sub(1)), neighbour(Some(i + 1))),
        );
        h.finalize()
    }

    /// A question page's fingerprint, from what it is made of: the
    /// discussion without its replies, and the replies to the question, in
    /// order. Like reply pages, unchanged question pages then need no context
    /// built (a site has dozens, each with hundreds of replies).
    fn question_page_fingerprint(&self, d: &Discussion, q: QuestionId, lang: Lang) -> blake3::Hash {
        let di = self.discussion_index(d);
        let mut h = blake3::Hasher::new();
        h.update(self.discussion_keys[di].frame.as_bytes());
        h.update(format!("{} {q}", lang.code()).as_bytes());
        for &i in self.index.replies_to(d, q) {
            h.update(self.reply_hashes[di][i].as_bytes());
        }
        h.finalize()
    }

    /// Where `d` is in the site's discussions.
    fn discussion_index(&self, d: &Discussion) -> usize {
        self.site
            .discussions
            .iter()
            .position(|x| std::ptr::eq(x, d))
            .unwrap_or_default()
    }

    /// The fingerprint of a prepared page. Reply HTML enters as its hash,
    /// which keeps this much cheaper than rendering.
    fn prepared_fingerprint(&self, page: &Prepared) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(self.theme_hash.as_bytes());
        h.update(page.template.as_bytes());
        // The site's own text (`layout.t`) is left out: it comes from the
        // theme, whose hash is in, and the page's language.
        // Serialised in one piece: hashing many small writes costs more.
        h.update(&serde_json::to_vec(&(&page.layout, &page.body)).unwrap_or_default());
        for slot in &page.slots {
            h.update(self.reply_hashes[slot.discussion][slot.reply].as_bytes());
            h.update(
                slot.question
                    .map(|q| q.to_string())
                    .unwrap_or_default()
                    .as_bytes(),
            );
        }
        h.finalize()
    }

    /// `page` with each slot tag replaced by the reply HTML it stands for,
    /// and its site links made relative to the page ([`crate::links::fill`]).
    /// Slot tags can only come from the template: tera escapes `<` in text,
    /// and the sanitiser drops unknown elements from contributions.
    fn fill(
        &self,
        page: &[u8],
        slots: &[Slot],
        headings: u8,
        prefix: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        let reply = |slot: &Slot| &self.site.discussions[slot.discussion].replies[slot.reply];
        // Sized once: a report is tens of megabytes.
        let mut size = page.len();
        for slot in slots {
            size += reply(slot).html_len()?;
        }
        let mut out = Vec::with_capacity(size + size / 16);
        for piece in Placeholders::new(page, SLOT_OPEN, SLOT_CLOSE) {
            match piece {
                Piece::Text(text) => crate::links::fill_into(&mut out, text, prefix),
                Piece::Placeholder(n) => {
                    let Some(slot) = slots.get(n) else { continue };
                    let html = reply(slot).html_for(slot.question)?;
                    let html = markdown::shift_headings(&html, headings);
                    crate::links::fill_into(&mut out, html.as_bytes(), prefix);
                }
            }
        }
        Ok(out)
    }

    fn context(&self, page: &Page, slots: &Slots) -> (&'static str, Layout<'_>, serde_json::Value) {
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
                PageKind::Search => (
                    "search.html",
                    s.t("search").to_string(),
                    vec![self.home_crumb(s, &href)],
                    self.search(s),
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
                        self.question(s, d, q, &href, slots),
                    )
                }
                PageKind::Statistics(d) => (
                    "statistics.html",
                    s.t("statistics_title").to_string(),
                    vec![
                        self.home_crumb(s, &href),
                        self.discussion_crumb(s, d, &href),
                    ],
                    self.statistics(s, d),
                ),
                PageKind::Report(d) => (
                    "report.html",
                    format!(
                        "{} · {}",
                        s.t("report_title"),
                        text_in(&d.title, page.lang, d.original_lang).text
                    ),
                    vec![
                        self.home_crumb(s, &href),
                        self.discussion_crumb(s, d, &href),
                    ],
                    self.report(s, d, &href, slots),
                ),
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
                        self.reply(s, d, i, &href, slots),
                    )
                }
            };
        let mut layout = self.layout(page, s, title, crumbs);
        layout.description = self.description(page, s);
        (template, layout, body)
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
        // The root chooser is no language's page: its switcher leads to each
        // language's home, and it has no translations to announce.
        let is_chooser = matches!(page.kind, PageKind::Chooser);
        let style = &self.site.config.style;
        let stylesheets = self.stylesheets(&root);
        let logo = style.logo.as_ref().map(|l| format!("{root}{}", l.output));
        let footer = style
            .footer(page.lang, self.site.config.default_lang)
            .map(|(l, f)| Text {
                text: f.html.clone(),
                lang: l.code(),
                fallback: l != page.lang,
            });
        let switcher = langs
            .iter()
            .map(|&l| LangLink {
                code: l.code(),
                name: self.i18n.native_name(l).to_string(),
                href: if is_chooser {
                    format!("{root}{}", site::home_path(l.code()))
                } else {
                    format!("{root}{}", page.path_in(l))
                },
                current: l == page.lang && !is_chooser,
            })
            .collect();
        let alternates = langs
            .iter()
            .filter(|_| !is_chooser)
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
        Layout {
            lang: page.lang,
            title,
            site_title: self.site.config.title(page.lang),
            home: format!("{root}{}", site::home_path(page.lang.code())),
            search: format!("{root}{}", site::search_path(page.lang.code())),
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
            description: String::new(),
            og_locale: og_locale(page.lang),
            og_locale_alternates: langs
                .iter()
                .filter(|&&l| l != page.lang)
                .map(|&l| og_locale(l))
                .collect(),
            feeds: self.feeds(page, s),
            stylesheets,
            logo,
            footer,
            t: None,
        }
    }

    fn stylesheets(&self, root: &str) -> Vec<String> {
        let site = self.colours.as_ref().map(|_| style::STYLESHEET.to_string());
        let custom = self.custom_css.then(|| format!("static/{CUSTOM_CSS}"));
        site.into_iter()
            .chain(custom)
            .map(|path| format!("{root}{path}"))
            .collect()
    }

    /// The Atom feeds of the page's discussion and question, when feeds exist.
    fn feeds(&self, page: &Page, s: &Strings) -> Vec<Link> {
        if !site::has_feeds(self.site) {
            return Vec::new();
        }
        let l = page.lang.code();
        let root = page.root();
        let (d, q) = match page.kind {
            PageKind::Chooser | PageKind::Home | PageKind::Search => return Vec::new(),
            PageKind::Question(d, _, q) => (d, Some(q)),
            PageKind::Discussion(d)
            | PageKind::Group(d, _)
            | PageKind::Reply(d, _)
            | PageKind::Statistics(d)
            | PageKind::Report(d) => (d, None),
        };
        let title = text_in(&d.title, page.lang, d.original_lang).text;
        let mut feeds = Vec::new();
        if let Some(q) = q {
            feeds.push(Link {
                href: format!("{root}{}", site::feed_path(l, d, Some(q))),
                text: s.fill(
                    "feed_question",
                    &[("title", &title), ("id", &q.to_string())],
                ),
            });
        }
        feeds.push(Link {
            href: format!("{root}{}", site::feed_path(l, d, None)),
            text: s.fill("feed_discussion", &[("title", &title)]),
        });
        feeds
    }

    /// What the page is about, in a sentence or two: for search engines and
    /// link previews.
    fn description(&self, page: &Page, s: &Strings) -> String {
        let title = |d: &Discussion| text_in(&d.title, page.lang, d.original_lang).text;
        let text = match page.kind {
            PageKind::Chooser | PageKind::Home => s.t("home_intro").to_string(),
            PageKind::Search => s.t("search_description").to_string(),
            PageKind::Discussion(d) => {
                let intro = plain_text(&d.intro_html);
                if intro.is_empty() { title(d) } else { intro }
            }
            PageKind::Group(d, g) => {
                let questions: Vec<String> = g
                    .questions
                    .iter()
                    .map(|q| {
                        let text = text_in(&q.text, page.lang, d.original_lang).text;
                        format!("{} {text}", q.id)
                    })
                    .collect();
                s.fill(
                    "description_group",
                    &[
                        ("group", &self.group_title(s, d, g.id)),
                        ("title", &title(d)),
                        ("questions", &questions.join(" ")),
                    ],
                )
            }
            PageKind::Question(d, _, q) => d
                .find_question(q)
                .map(|x| text_in(&x.text, page.lang, d.original_lang).text)
                .unwrap_or_else(|| title(d)),
            PageKind::Reply(d, i) => {
                let r = &d.replies[i];
                let mut who = author(s, r);
                if let Some(org) = &r.organisation {
                    who = format!("{who} ({org})");
                }
                s.fill(
                    "description_reply",
                    &[("author", &who), ("title", &title(d))],
                )
            }
            PageKind::Statistics(d) => s.fill("description_statistics", &[("title", &title(d))]),
            PageKind::Report(d) => s.fill("description_report", &[("title", &title(d))]),
        };
        truncate(&text, 200)
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

    /// The search page: the form is the page; results come from search.js.
    fn search(&self, s: &Strings) -> serde_json::Value {
        let langs: Vec<Link> = self
            .site
            .config
            .languages
            .iter()
            .map(|&l| Link {
                href: l.code().to_string(),
                text: s.lang_name(l).to_string(),
            })
            .collect();
        serde_json::json!({ "langs": langs })
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

    /// What the overview and the report both say about a discussion.
    fn discussion_common(
        &self,
        s: &Strings,
        d: &Discussion,
    ) -> serde_json::Map<String, serde_json::Value> {
        let conclusion = Lang::pick(&d.conclusion, s.lang, d.original_lang)
            .map(|picked| summary_json(s, picked));
        let common = serde_json::json!({
            "title": text_in(&d.title, s.lang, d.original_lang),
            "intro_html": d.intro_html,
            "intro_lang": d.original_lang.code(),
            "intro_fallback": d.original_lang != s.lang,
            "intro_lang_name": s.lang_name(d.original_lang),
            "dates": self.dates(s, d),
            "organisers": d.organisers.join(", "),
            "replies": s.count("replies", d.replies.len()),
            "conclusion": conclusion,
        });
        match common {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        }
    }

    fn discussion(
        &self,
        s: &Strings,
        d: &Discussion,
        href: &dyn Fn(String) -> String,
    ) -> serde_json::Value {
        let mut page = self.discussion_common(s, d);
        page.insert("by_lang".into(), serde_json::json!(lang_counts(s, d)));
        page.insert("groups".into(), serde_json::json!(self.groups(s, d, href)));
        let heading_key = format!("groups_{}", d.group_label.slug());
        page.insert("group_heading".into(), serde_json::json!(s.t(&heading_key)));
        page.insert("tools".into(), self.tools(s, d, href));
        serde_json::Value::Object(page)
    }

    /// Links from a discussion's overview to its report, statistics, open
    /// data and feed.
    fn tools(
        &self,
        s: &Strings,
        d: &Discussion,
        href: &dyn Fn(String) -> String,
    ) -> serde_json::Value {
        let l = s.lang.code();
        let feed = site::has_feeds(self.site).then(|| Link {
            href: href(site::feed_path(l, d, None)),
            text: s.t("feed_link").to_string(),
        });
        serde_json::json!({
            "report": Link { href: href(site::report_path(l, d)), text: s.t("report_link").to_string() },
            "statistics": Link { href: href(site::statistics_path(l, d)), text: s.t("statistics_link").to_string() },
            "csv": Link { href: href(site::data_path(d, "csv")), text: s.t("data_csv").to_string() },
            "json": Link { href: href(site::data_path(d, "json")), text: s.t("data_json").to_string() },
            "feed": feed,
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
        i: usize,
        q: Option<QuestionId>,
        href: &dyn Fn(String) -> String,
        slots: &Slots,
    ) -> ReplyCard {
        let r = &d.replies[i];
        let partial = q.is_some_and(|q| r.texts.marks(q));
        let html = slots.add(Slot {
            discussion: self.discussion_index(d),
            reply: i,
            question: q,
        });
        ReplyCard {
            id: r.id.clone(),
            author: author(s, r),
            organisation: r.organisation.clone(),
            country: r.country.as_deref().map(|c| countries::shown(c, s.lang)),
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
        slots: &Slots,
    ) -> serde_json::Value {
        let item = self.question_item(s, d, q, href);
        let empty = std::collections::BTreeMap::new();
        let summaries = d.summaries.get(&q).unwrap_or(&empty);
        let summary = Lang::pick(summaries, s.lang, d.original_lang);
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
            .map(|&i| self.card(s, d, i, Some(q), href, slots))
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
            "summary": summary.map(|picked| summary_json(s, picked)),
            "other_summaries": other_summaries,
            "replies": replies,
            "prev": neighbour(pos.and_then(|p| p.checked_sub(1))),
            "next": neighbour(pos.map(|p| p + 1)),
        })
    }

    /// Replies per language, country, question and group, as charts and tables.
    fn statistics(&self, s: &Strings, d: &Discussion) -> serde_json::Value {
        use crate::extras::stats::{Row, chart, country_rows};
        use std::collections::BTreeSet;
        let total = d.replies.len();
        let by_lang = count_by_lang(&d.replies);
        let langs: Vec<Row> = by_lang
            .iter()
            .map(|(l, n)| (s.lang_name(*l).to_string(), None, *n))
            .collect();
        let countries = country_rows(&d.replies, s.lang, s.t("stats_country_unknown"));
        let questions: Vec<Row> = d
            .questions()
            .map(|q| {
                let text = text_in(&q.text, s.lang, d.original_lang);
                let lang = text.fallback.then_some(text.lang);
                (
                    format!("{} {}", q.id, text.text),
                    lang,
                    self.index.replies_to(d, q.id).len(),
                )
            })
            .collect();
        let groups: Vec<Row> = d
            .groups
            .iter()
            .map(|g| {
                let replies: BTreeSet<usize> = g
                    .questions
                    .iter()
                    .flat_map(|q| self.index.replies_to(d, q.id).iter().copied())
                    .collect();
                (self.group_title(s, d, g.id), None, replies.len())
            })
            .collect();
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
                s.t(&format!("stats_by_group_{}", d.group_label.slug()))
                    .to_string(),
                groups,
                total,
            ),
        ];
        serde_json::json!({
            "discussion": text_in(&d.title, s.lang, d.original_lang),
            "total": s.count("replies", total),
            "charts": charts,
        })
    }

    /// The consolidated reply as one document: introduction, contents, every
    /// question with its summary and replies, conclusion, contributors.
    fn report(
        &self,
        s: &Strings,
        d: &Discussion,
        href: &dyn Fn(String) -> String,
        slots: &Slots,
    ) -> serde_json::Value {
        let empty = std::collections::BTreeMap::new();
        let groups: Vec<serde_json::Value> = d
            .groups
            .iter()
            .map(|g| {
                let questions: Vec<serde_json::Value> = g
                    .questions
                    .iter()
                    .map(|q| {
                        let summaries = d.summaries.get(&q.id).unwrap_or(&empty);
                        let summary = Lang::pick(summaries, s.lang, d.original_lang);
                        let replies: Vec<ReplyCard> = self
                            .index
                            .replies_to(d, q.id)
                            .iter()
                            .map(|&i| self.card(s, d, i, Some(q.id), href, slots))
                            .collect();
                        serde_json::json!({
                            "id": q.id.to_string(),
                            "anchor": format!("q-{}-{}", q.id.group, q.id.question),
                            "text": text_in(&q.text, s.lang, d.original_lang),
                            "href": href(site::question_path(s.lang.code(), d, q.id)),
                            "count": s.count("replies", replies.len()),
                            "summary": summary.map(|picked| summary_json(s, picked)),
                            "replies": replies,
                        })
                    })
                    .collect();
                serde_json::json!({
                    "title": self.group_title(s, d, g.id),
                    "anchor": format!("group-{}", g.id),
                    "questions": questions,
                })
            })
            .collect();
        // Each signed contributor once (same name, organisation and country),
        // in alphabetical order; unsigned replies are only counted.
        let mut people: std::collections::BTreeMap<(String, &str, &str, String), usize> =
            std::collections::BTreeMap::new();
        let mut anonymous = 0;
        for r in &d.replies {
            match r.author.as_deref() {
                Some(a) => {
                    let key = (
                        a.to_lowercase(),
                        a,
                        r.organisation.as_deref().unwrap_or(""),
                        r.country
                            .as_deref()
                            .map(|c| countries::shown(c, s.lang))
                            .unwrap_or_default(),
                    );
                    *people.entry(key).or_default() += 1;
                }
                None => anonymous += 1,
            }
        }
        let contributors: Vec<serde_json::Value> = people
            .iter()
            .map(|((_, name, org, country), n)| {
                serde_json::json!({
                    "name": name,
                    "organisation": org,
                    "country": country,
                    "count": (*n > 1).then(|| s.count("replies", *n)),
                })
            })
            .collect();
        let mut page = self.discussion_common(s, d);
        page.insert("filter_langs".into(), serde_json::json!(lang_counts(s, d)));
        page.insert("groups".into(), serde_json::json!(groups));
        page.insert("contributors".into(), serde_json::json!(contributors));
        let anonymous = (anonymous > 0).then(|| s.count("anonymous_contributors", anonymous));
        page.insert("anonymous".into(), serde_json::json!(anonymous));
        let overview = href(site::discussion_path(s.lang.code(), d));
        page.insert("overview".into(), serde_json::json!(overview));
        serde_json::Value::Object(page)
    }

    fn reply(
        &self,
        s: &Strings,
        d: &Discussion,
        i: usize,
        href: &dyn Fn(String) -> String,
        slots: &Slots,
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
            "reply": self.card(s, d, i, None, href, slots),
            "discussion": text_in(&d.title, s.lang, d.original_lang),
            "answers": answers,
            "prev": neighbour(i.checked_sub(1)),
            "next": neighbour(Some(i + 1)),
        })
    }
}

/// "French 4", "English 2": a discussion's replies per language.
fn lang_counts(s: &Strings, d: &Discussion) -> Vec<Link> {
    count_by_lang(&d.replies)
        .iter()
        .map(|(l, n)| Link {
            href: l.code().to_string(),
            text: format!("{} {n}", s.lang_name(*l)),
        })
        .collect()
}

/// Why a page could not be rendered.
pub enum RenderError {
    /// The theme's template failed.
    Template(tera::Error),
    /// A reply's texts could not be read back from the build cache.
    Texts(Diagnostic),
}

/// A page's template and context, with the reply HTML it shows kept aside.
pub struct Prepared<'r> {
    template: &'static str,
    layout: Layout<'r>,
    body: serde_json::Value,
    slots: Vec<Slot>,
    /// The level reply headings start at on this page.
    reply_headings: u8,
    /// The page's way to the site's root and its language: `../../fr/`.
    site_prefix: String,
}

/// Where a page shows a reply (the whole of it, or its answer to one
/// question). Reply HTML stays out of template contexts, which tera clones:
/// the template gets a slot tag, filled after minifying (reply HTML was
/// minified once, when read).
#[derive(Clone, Copy)]
struct Slot {
    discussion: usize,
    reply: usize,
    question: Option<QuestionId>,
}

/// The level a reply's top heading gets on a page: just under the default
/// theme's heading for the reply (its author): `h1` on the reply's page,
/// `h3` on a question page, `h5` in the report.
fn reply_headings(kind: &PageKind) -> u8 {
    match kind {
        PageKind::Reply(..) => 2,
        PageKind::Question(..) => 4,
        PageKind::Report(..) => 6,
        _ => markdown::TOP_HEADING,
    }
}

const SLOT_OPEN: &str = "<palabre-slot>";
const SLOT_CLOSE: &str = "</palabre-slot>";

/// The slots of the page being prepared.
#[derive(Default)]
struct Slots(std::cell::RefCell<Vec<Slot>>);

impl Slots {
    /// Reserves a slot; returns the tag that stands for it in the template.
    fn add(&self, slot: Slot) -> String {
        let mut slots = self.0.borrow_mut();
        slots.push(slot);
        format!("{SLOT_OPEN}{}{SLOT_CLOSE}", slots.len() - 1)
    }
}

/// `og:locale`: Open Graph wants language_TERRITORY.
fn og_locale(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en_US",
        Lang::Fr => "fr_FR",
        Lang::Es => "es_ES",
    }
}

fn author(s: &Strings, r: &Reply) -> String {
    r.author
        .clone()
        .unwrap_or_else(|| s.t("anonymous").to_string())
}

/// A moderators' summary (or conclusion) as templates see it, with the
/// language it was picked in.
fn summary_json(s: &Strings, (lang, sum): (Lang, &Summary)) -> serde_json::Value {
    serde_json::json!({
        "html": sum.html,
        "title": sum.title,
        "lang": lang.code(),
        "fallback": lang != s.lang,
        "lang_name": s.lang_name(lang),
    })
}
