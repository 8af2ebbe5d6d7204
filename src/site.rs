//! Which pages the site has, where each one lives, and its counterparts in the
//! other languages. Paths are relative to the output folder and always end in
//! `index.html`, so links work from a subfolder and from disk alike.

use std::collections::BTreeMap;

use crate::lang::Lang;
use crate::model::{Discussion, Group, GroupLabel, QuestionId, Site};

/// What a page shows; with a language, it makes a [`Page`].
#[derive(Clone, Copy)]
pub enum PageKind<'a> {
    /// The root page: choose a language.
    Chooser,
    /// A language's home page: every discussion.
    Home,
    /// Search every reply and summary (with `static/search.js`).
    Search,
    /// A discussion's overview: its introduction, dates, organisers and questions.
    Discussion(&'a Discussion),
    /// A group's page: its questions.
    Group(&'a Discussion, &'a Group),
    /// A question's consolidated page: its summary and the replies to it.
    Question(&'a Discussion, &'a Group, QuestionId),
    /// A reply, by its index in the discussion's replies.
    Reply(&'a Discussion, usize),
    /// Counts and charts: replies per language, country, question, group.
    Statistics(&'a Discussion),
    /// The consolidated reply as one printable document.
    Report(&'a Discussion),
}

/// One page of the site: what it shows, in which language.
#[derive(Clone, Copy)]
pub struct Page<'a> {
    /// The language of the page's own text (for the root page, the site's
    /// default language).
    pub lang: Lang,
    /// What the page shows.
    pub kind: PageKind<'a>,
}

impl Page<'_> {
    /// Where the page is written, e.g. `fr/slug/week-1/question-2/index.html`.
    pub fn path(&self) -> String {
        self.path_in(self.lang)
    }

    /// The same page in another language.
    pub fn path_in(&self, lang: Lang) -> String {
        let l = lang.code();
        match self.kind {
            PageKind::Chooser => "index.html".to_string(),
            PageKind::Home => format!("{l}/index.html"),
            PageKind::Search => search_path(l),
            PageKind::Discussion(d) => discussion_path(l, d),
            PageKind::Group(d, g) => group_path(l, d, g.id),
            PageKind::Question(d, _, q) => question_path(l, d, q),
            PageKind::Reply(d, i) => reply_path(l, d, &d.replies[i].id),
            PageKind::Statistics(d) => statistics_path(l, d),
            PageKind::Report(d) => report_path(l, d),
        }
    }

    /// The prefix that leads from this page back to the output folder's root.
    pub fn root(&self) -> String {
        "../".repeat(self.path().matches('/').count())
    }
}

/// A language's home page, e.g. `fr/index.html`; `lang` is the language's code.
pub fn home_path(lang: &str) -> String {
    format!("{lang}/index.html")
}

/// The search page of a language.
pub fn search_path(lang: &str) -> String {
    format!("{lang}/search/index.html")
}

/// The overview of discussion `d`, in language `lang`.
pub fn discussion_path(lang: &str, d: &Discussion) -> String {
    format!("{lang}/{}", discussion_page(&d.slug))
}

/// The page of group `group` of discussion `d`, e.g. `fr/slug/week-1/index.html`.
pub fn group_path(lang: &str, d: &Discussion, group: u32) -> String {
    format!(
        "{lang}/{}/{}-{group}/index.html",
        d.slug,
        d.group_label.slug()
    )
}

/// The page of question `q` of discussion `d`, e.g.
/// `fr/slug/week-1/question-2/index.html`.
pub fn question_path(lang: &str, d: &Discussion, q: QuestionId) -> String {
    format!("{lang}/{}", question_page(&d.slug, d.group_label, q))
}

/// The page of the reply whose id is `reply_id`, e.g.
/// `fr/slug/replies/007-maria/index.html`.
pub fn reply_path(lang: &str, d: &Discussion, reply_id: &str) -> String {
    // Joined rather than formatted: every card links to its reply's page.
    [lang, "/", &reply_page(&d.slug, reply_id)].concat()
}

/// The overview of the discussion at address `slug`, without the language
/// folder it is in: as a link between texts holds it (see [`crate::model::SITE_ROOT`]).
pub fn discussion_page(slug: &str) -> String {
    format!("{slug}/index.html")
}

/// A question's page without its language folder (see [`discussion_page`]).
pub fn question_page(slug: &str, label: GroupLabel, q: QuestionId) -> String {
    format!(
        "{slug}/{}-{}/question-{}/index.html",
        label.slug(),
        q.group,
        q.question
    )
}

/// A reply's page without its language folder (see [`discussion_page`]).
pub fn reply_page(slug: &str, reply_id: &str) -> String {
    [slug, "/replies/", reply_id, "/index.html"].concat()
}

/// The statistics page of discussion `d`.
pub fn statistics_path(lang: &str, d: &Discussion) -> String {
    format!("{lang}/{}/statistics/index.html", d.slug)
}

/// The printable report of discussion `d`: its whole consolidated reply.
pub fn report_path(lang: &str, d: &Discussion) -> String {
    format!("{lang}/{}/report/index.html", d.slug)
}

/// The report of discussion `d` as a Word document, beside its page (the
/// page's link names the downloaded copy with its language too).
pub fn docx_path(lang: &str, d: &Discussion) -> String {
    format!("{lang}/{}/report/{}.docx", d.slug, d.slug)
}

/// The Atom feed of a discussion (`None`) or of one question, in one language:
/// its titles and links are in that language.
pub fn feed_path(lang: &str, d: &Discussion, q: Option<QuestionId>) -> String {
    match q {
        None => format!("{lang}/{}/feed.xml", d.slug),
        Some(q) => question_path(lang, d, q).replace("index.html", "feed.xml"),
    }
}

/// A discussion's replies as open data; `ext` is `csv` or `json`. The same
/// file for every language: the data is the replies as written.
pub fn data_path(d: &Discussion, ext: &str) -> String {
    format!("data/{}.{ext}", d.slug)
}

/// Feeds and the sitemap need absolute addresses, so they exist only when
/// `base_url` is set.
pub fn has_feeds(site: &Site) -> bool {
    site.config.base_url.is_some()
}

/// Every page of the site, in a fixed order.
pub fn pages(site: &Site) -> Vec<Page<'_>> {
    let default = site.config.default_lang;
    let mut pages = vec![Page {
        lang: default,
        kind: PageKind::Chooser,
    }];
    for &lang in &site.config.languages {
        for kind in [PageKind::Home, PageKind::Search] {
            pages.push(Page { lang, kind });
        }
        for d in &site.discussions {
            for kind in [
                PageKind::Discussion(d),
                PageKind::Statistics(d),
                PageKind::Report(d),
            ] {
                pages.push(Page { lang, kind });
            }
            for g in &d.groups {
                pages.push(Page {
                    lang,
                    kind: PageKind::Group(d, g),
                });
                for q in &g.questions {
                    pages.push(Page {
                        lang,
                        kind: PageKind::Question(d, g, q.id),
                    });
                }
            }
            for i in 0..d.replies.len() {
                pages.push(Page {
                    lang,
                    kind: PageKind::Reply(d, i),
                });
            }
        }
    }
    pages
}

/// Which replies answer each question, computed once per discussion so that no
/// page has to scan every reply.
pub struct ReplyIndex {
    by_question: BTreeMap<(String, QuestionId), Vec<usize>>,
}

impl ReplyIndex {
    /// Indexes the replies of every discussion of `site`.
    pub fn new(site: &Site) -> ReplyIndex {
        let mut by_question: BTreeMap<(String, QuestionId), Vec<usize>> = BTreeMap::new();
        for d in &site.discussions {
            for (i, r) in d.replies.iter().enumerate() {
                for q in &r.answers {
                    by_question.entry((d.slug.clone(), *q)).or_default().push(i);
                }
            }
        }
        ReplyIndex { by_question }
    }

    /// Indexes (into `d.replies`) of the replies to question `q`, in reading order.
    pub fn replies_to(&self, d: &Discussion, q: QuestionId) -> &[usize] {
        self.by_question
            .get(&(d.slug.clone(), q))
            .map_or(&[], Vec::as_slice)
    }
}
