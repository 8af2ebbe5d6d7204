//! What every page has around its own content (the template's `layout`):
//! title, breadcrumbs, language links, feeds, description, stylesheets.

use serde::Serialize;

use super::input::{Env, Frame};
use crate::i18n::Strings;
use crate::lang::Lang;
use crate::model::{LangText, QuestionId};
use crate::site::{self, Page};
use crate::style;
use crate::util::text::truncate;

/// A stylesheet a theme may add, loaded after all the others.
pub(super) const CUSTOM_CSS: &str = "custom.css";

#[derive(Serialize)]
pub(super) struct Link {
    pub href: String,
    pub text: String,
}

#[derive(Serialize)]
pub(super) struct LangLink {
    code: &'static str,
    name: String,
    href: String,
    current: bool,
}

/// A text with the language it is written in and whether that is a fallback.
#[derive(Serialize)]
pub(super) struct Text {
    pub text: String,
    pub lang: &'static str,
    pub fallback: bool,
}

/// `t` in `lang`, else in `original`, else in any language.
pub(super) fn text_in(t: &LangText, lang: Lang, original: Lang) -> Text {
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

/// Where a page is: its language and its address in every language. An
/// address is made of ids only (a discussion's slug, a question's id, a
/// reply's id), which the page's input holds.
pub(super) struct Place<'p> {
    page: Page<'p>,
    path: String,
    root: String,
}

impl<'p> Place<'p> {
    pub(super) fn new(page: &Page<'p>) -> Place<'p> {
        Place {
            page: *page,
            path: page.path(),
            root: page.root(),
        }
    }

    pub(super) fn lang(&self) -> Lang {
        self.page.lang
    }

    /// Where the page is written, e.g. `fr/slug/replies/003-ana/index.html`.
    pub(super) fn path(&self) -> &str {
        &self.path
    }

    /// The way from the page back to the output folder's root: `../../`.
    pub(super) fn root(&self) -> &str {
        &self.root
    }

    /// A link from the page to `path` (relative to the output folder).
    pub(super) fn href(&self, path: String) -> String {
        format!("{}{path}", self.root)
    }
}

/// What every page's layout needs.
#[derive(Serialize)]
pub(super) struct Layout<'a> {
    /// Serialised as its code, e.g. `fr`.
    pub lang: Lang,
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
    // The site's own text in the page's language, `t`, is added only to
    // render (see `Renderer::render`).
}

/// What a view tells the layout about its page.
pub(super) struct Head {
    pub title: String,
    pub crumbs: Vec<Link>,
    /// What the page is about, in a sentence or two: for search engines and
    /// link previews. Shortened to 200 characters.
    pub description: String,
    /// The feeds the page belongs to ([`feeds`]).
    pub feeds: Vec<Link>,
}

impl<'e> Layout<'e> {
    /// The layout of a page in one language.
    pub(super) fn new(env: &'e Env<'_>, place: &Place<'_>, head: Head) -> Layout<'e> {
        Layout::make(env, place, head, false)
    }

    /// The layout of the root chooser, which is no language's page: its
    /// switcher leads to each language's home, and it has no translations to
    /// announce.
    pub(super) fn chooser(env: &'e Env<'_>, place: &Place<'_>, head: Head) -> Layout<'e> {
        Layout::make(env, place, head, true)
    }

    fn make(env: &'e Env<'_>, place: &Place<'_>, head: Head, is_chooser: bool) -> Layout<'e> {
        let page = &place.page;
        let root = place.root();
        let langs = &env.config.languages;
        let base = env.config.base_url.as_deref();
        let style = &env.config.style;
        let logo = style.logo.as_ref().map(|l| format!("{root}{}", l.output));
        let footer = style
            .footer(page.lang, env.config.default_lang)
            .map(|(l, f)| Text {
                text: f.html.clone(),
                lang: l.code(),
                fallback: l != page.lang,
            });
        let switcher = langs
            .iter()
            .map(|&l| LangLink {
                code: l.code(),
                name: env.i18n.native_name(l).to_string(),
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
                name: env.i18n.native_name(l).to_string(),
                href: match base {
                    Some(b) => format!("{b}/{}", page.path_in(l)),
                    None => format!("{root}{}", page.path_in(l)),
                },
                current: l == page.lang,
            })
            .collect();
        Layout {
            lang: page.lang,
            title: head.title,
            site_title: env.config.title(page.lang),
            home: format!("{root}{}", site::home_path(page.lang.code())),
            search: format!("{root}{}", site::search_path(page.lang.code())),
            root: root.to_string(),
            switcher,
            alternates,
            x_default: base.map(|b| {
                let default_page = if is_chooser {
                    "index.html".to_string()
                } else {
                    page.path_in(env.config.default_lang)
                };
                format!("{b}/{default_page}")
            }),
            canonical: base.map(|b| format!("{b}/{}", place.path())),
            crumbs: head.crumbs,
            description: truncate(&head.description, 200),
            og_locale: Lang::locale(page.lang),
            og_locale_alternates: langs
                .iter()
                .filter(|&&l| l != page.lang)
                .map(|&l| Lang::locale(l))
                .collect(),
            feeds: head.feeds,
            stylesheets: stylesheets(env, root),
            logo,
            footer,
        }
    }
}

fn stylesheets(env: &Env<'_>, root: &str) -> Vec<String> {
    let site = env.colours.as_ref().map(|_| style::STYLESHEET.to_string());
    let custom = env.custom_css.then(|| format!("static/{CUSTOM_CSS}"));
    site.into_iter()
        .chain(custom)
        .map(|path| format!("{root}{path}"))
        .collect()
}

/// The Atom feeds of a discussion's page: the discussion's, and that of
/// question `q` first when the page is the question's. None without feeds.
pub(super) fn feeds(
    env: &Env<'_>,
    place: &Place<'_>,
    f: &Frame<'_>,
    q: Option<QuestionId>,
) -> Vec<Link> {
    if !env.feeds {
        return Vec::new();
    }
    let s = env.i18n.get(place.lang());
    let l = place.lang().code();
    let title = f.title_in(place.lang()).text;
    let mut feeds = Vec::new();
    if let Some(q) = q {
        feeds.push(Link {
            href: place.href(f.feed_path(l, Some(q))),
            text: s.fill(
                "feed_question",
                &[("title", &title), ("id", &q.to_string())],
            ),
        });
    }
    feeds.push(Link {
        href: place.href(f.feed_path(l, None)),
        text: s.fill("feed_discussion", &[("title", &title)]),
    });
    feeds
}

pub(super) fn home_crumb(s: &Strings, place: &Place<'_>) -> Link {
    Link {
        href: place.href(site::home_path(s.lang.code())),
        text: s.t("home").to_string(),
    }
}

pub(super) fn discussion_crumb(s: &Strings, f: &Frame<'_>, place: &Place<'_>) -> Link {
    Link {
        href: place.href(f.discussion_path(s.lang.code())),
        text: f.title_in(s.lang).text,
    }
}
