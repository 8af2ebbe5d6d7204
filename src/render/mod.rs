//! Turning pages into HTML with the theme's tera templates.
//!
//! Each kind of page has its view, a module here: the typed context it makes
//! (the template's `page`) and its template. Every page also has the
//! `layout` all pages share. A view makes its page from what `input`
//! gives it, which its fingerprint is made from too. Each page gets a
//! context of its own: only the replies that page shows, never the whole
//! site. Reply HTML is sanitised before it gets here and is inserted as
//! data, never parsed as a template.

mod chooser;
mod discussion;
mod group;
mod home;
mod input;
mod layout;
mod parts;
mod question;
mod reply;
mod report;
mod search;
mod statistics;

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::Serialize;
use tera::Tera;

use crate::diagnostic::Diagnostic;
use crate::i18n::Translations;
use crate::lang::Lang;
use crate::markdown;
use crate::model::{Discussion, Group, QuestionId, Site, SiteHashes};
use crate::site::{Page, PageKind, ReplyIndex};
use crate::theme::Theme;
use crate::util::html::{Piece, Placeholders, minify};
use crate::util::lock;

use input::{DiscussionKeys, Env, Hashed, QuestionInput, ReplyInput, Source, Whole};
use layout::{Layout, Place};

/// Makes the HTML of a site's pages with a theme: each page's context, its
/// fingerprint, and the page itself.
pub struct Renderer<'a> {
    tera: Tera,
    env: Env<'a>,
    site: &'a Site,
    index: ReplyIndex,
    /// Per discussion, per reply: the reply's hash ([`SiteHashes`]).
    reply_hashes: &'a [Vec<blake3::Hash>],
    /// Per discussion.
    discussion_keys: Vec<DiscussionKeys>,
    /// The site's own text in each site language, as the templates see it
    /// (`layout.t`), lent to each page's context.
    texts: TextValues,
}

/// A page with what it is made from: the one place that tells the kinds of
/// page apart.
enum View<'a> {
    Chooser,
    Home(&'a [Discussion]),
    Search,
    Discussion(Whole<'a>),
    Group(Whole<'a>, &'a Group),
    Question(QuestionInput<'a>),
    Reply(ReplyInput<'a>),
    Statistics(Whole<'a>),
    Report(Whole<'a>),
}

impl View<'_> {
    /// The page's fingerprint from its input, for the pages that have one
    /// (see [`input`]); `None` for those fingerprinted from their context.
    fn fingerprint(&self, place: &Place<'_>) -> Option<blake3::Hash> {
        match self {
            // A site has more reply pages than all others together, and
            // dozens of question pages with hundreds of replies each: the
            // unchanged ones need no context built.
            View::Reply(input) => Some(input.fingerprint(place)),
            View::Question(input) => Some(input.fingerprint(place)),
            // Pages that sum up the whole discussion change with any of its
            // replies anyway, and the report is the costliest to prepare.
            View::Discussion(w) | View::Statistics(w) | View::Report(w) => {
                Some(w.fingerprint(place))
            }
            View::Chooser | View::Home(_) | View::Search | View::Group(..) => None,
        }
    }
}

impl<'a> Renderer<'a> {
    /// A renderer of `site` with `theme`, whose templates are compiled here (each
    /// one that does not parse is an error); `hashes` are the site's, taken once
    /// per build.
    pub fn new(
        theme: &Theme,
        site: &'a Site,
        hashes: &'a SiteHashes,
    ) -> Result<Renderer<'a>, Vec<Diagnostic>> {
        let tera = theme.compile(&site.config.languages)?;
        let env = Env::new(theme, site);
        let discussion_keys = site
            .discussions
            .iter()
            .zip(&hashes.discussions)
            .map(|(d, &whole)| DiscussionKeys::new(&env, d, whole))
            .collect();
        let texts = TextValues::new(&env, &site.config.languages);
        Ok(Renderer {
            tera,
            texts,
            env,
            site,
            index: ReplyIndex::new(site),
            reply_hashes: &hashes.replies,
            discussion_keys,
        })
    }

    /// `static/site-style.css`, made from the colours of `style:` in
    /// site.yaml with the theme's `site-style.css`; `None` when it sets none.
    pub fn stylesheet(&self) -> Result<Option<Vec<u8>>, tera::Error> {
        let Some(colours) = &self.env.colours else {
            return Ok(None);
        };
        let ctx = tera::Context::from_serialize(colours)?;
        Ok(Some(self.tera.render("site-style.css", &ctx)?.into_bytes()))
    }

    /// The site's own text in every language.
    pub fn translations(&self) -> &Translations {
        &self.env.i18n
    }

    /// Everything the page is made from, ready to fingerprint or render.
    pub fn prepare(&self, page: &Page<'a>) -> Prepared<'_> {
        let place = Place::new(page);
        self.prepare_view(self.view(page), &place)
    }

    /// A hash of everything `page` is made from: equal fingerprints mean
    /// equal pages, so an unchanged page need not be rendered again. With it,
    /// the page prepared, when that was needed to compute it.
    pub fn fingerprint(&self, page: &Page<'a>) -> (blake3::Hash, Option<Prepared<'_>>) {
        let place = Place::new(page);
        let view = self.view(page);
        match view.fingerprint(&place) {
            Some(fingerprint) => (fingerprint, None),
            None => {
                let prepared = self.prepare_view(view, &place);
                (prepared.fingerprint(&self.env, &place), Some(prepared))
            }
        }
    }

    /// The page as minified HTML.
    pub fn render<'r>(&'r self, page: Prepared<'r>) -> Result<Vec<u8>, RenderError> {
        let Prepared {
            template,
            layout,
            body,
            slots,
            reply_headings,
            site_prefix,
        } = page;
        let mut layout_value = serde_json::to_value(&layout)
            .map_err(|e| RenderError::Template(tera::Error::json(e)))?;
        if let serde_json::Value::Object(fields) = &mut layout_value {
            let t = self.texts.lend(&self.env, layout.lang);
            fields.insert("t".to_string(), t);
        }
        // From a value, moved in: inserting it would serialise it again.
        let mut top = serde_json::Map::new();
        top.insert("layout".to_string(), layout_value);
        let mut ctx = tera::Context::from_value(serde_json::Value::Object(top))
            .map_err(RenderError::Template)?;
        // The body is serialised into the context once, then dropped: a
        // report's holds thousands of reply cards.
        body.insert_into(&mut ctx, "page")
            .map_err(RenderError::Template)?;
        drop(body);
        let html = self
            .tera
            .render(template, &ctx)
            .map_err(RenderError::Template)?;
        if let Some(serde_json::Value::Object(mut fields)) = ctx.remove("layout")
            && let Some(t) = fields.remove("t")
        {
            self.texts.take_back(layout.lang, t);
        }
        drop(ctx);
        let mut skeleton = minify(&html);
        drop(html);
        let strings = self.env.i18n.get(layout.lang);
        let notes = NoteLabels {
            list: strings.t("footnotes"),
            back: strings.t("footnote_back"),
        };
        // The introduction and summaries are in the page itself, not in slots.
        if let Ok(text) = std::str::from_utf8(&skeleton)
            && let std::borrow::Cow::Owned(labelled) =
                markdown::label_footnotes(text, notes.list, notes.back)
        {
            skeleton = labelled.into_bytes();
        }
        fill(&skeleton, &slots, reply_headings, &site_prefix, &notes).map_err(RenderError::Texts)
    }

    /// What `page` is made from: the one match on the kinds of page.
    fn view(&self, page: &Page<'a>) -> View<'_> {
        match page.kind {
            PageKind::Chooser => View::Chooser,
            PageKind::Home => View::Home(&self.site.discussions),
            PageKind::Search => View::Search,
            PageKind::Discussion(d) => View::Discussion(self.source(d).whole()),
            PageKind::Group(d, g) => View::Group(self.source(d).whole(), g),
            PageKind::Question(d, _, q) => View::Question(self.source(d).question(q)),
            PageKind::Reply(d, i) => View::Reply(self.source(d).reply(i)),
            PageKind::Statistics(d) => View::Statistics(self.source(d).whole()),
            PageKind::Report(d) => View::Report(self.source(d).whole()),
        }
    }

    fn prepare_view<'r>(&'r self, view: View<'r>, place: &Place<'_>) -> Prepared<'r> {
        let env = &self.env;
        match view {
            View::Chooser => chooser::prepare(env, place),
            View::Home(discussions) => home::prepare(env, place, discussions),
            View::Search => search::prepare(env, place),
            View::Discussion(w) => discussion::prepare(env, place, w),
            View::Group(w, g) => group::prepare(env, place, w, g),
            View::Question(input) => question::prepare(env, place, input),
            View::Reply(input) => reply::prepare(env, place, input),
            View::Statistics(w) => statistics::prepare(env, place, w),
            View::Report(w) => report::prepare(env, place, w),
        }
    }

    /// Discussion `d` with its replies' hashes and its keys.
    fn source(&self, d: &'a Discussion) -> Source<'_> {
        let i = self
            .site
            .discussions
            .iter()
            .position(|x| std::ptr::eq(x, d))
            .unwrap_or_default();
        Source {
            discussion: d,
            hashes: &self.reply_hashes[i],
            keys: &self.discussion_keys[i],
            index: &self.index,
        }
    }
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
    /// The view's typed context: the template's `page`.
    body: Box<dyn Body + 'r>,
    slots: Vec<Slot<'r>>,
    /// The level reply headings start at on this page.
    reply_headings: u8,
    /// The page's way to the site's root and its language: `../../fr/`.
    site_prefix: String,
}

impl<'r> Prepared<'r> {
    fn new(
        template: &'static str,
        layout: Layout<'r>,
        body: impl Serialize + 'r,
        place: &Place<'_>,
    ) -> Prepared<'r> {
        Prepared {
            template,
            layout,
            body: Box::new(body),
            slots: Vec::new(),
            reply_headings: markdown::TOP_HEADING,
            site_prefix: format!("{}{}/", place.root(), place.lang().code()),
        }
    }

    /// The page with the replies its context has slots for, their top
    /// headings at level `headings`.
    fn with_replies(mut self, slots: Slots<'r>, headings: u8) -> Prepared<'r> {
        self.slots = slots.0.into_inner();
        self.reply_headings = headings;
        self
    }

    /// The fingerprint of a prepared page. Reply HTML enters as its reply's
    /// hash, which keeps this much cheaper than rendering.
    fn fingerprint(&self, env: &Env<'_>, place: &Place<'_>) -> blake3::Hash {
        let mut h = input::hasher(env.key, place);
        h.update(self.template.as_bytes());
        // The site's own text (`layout.t`) is left out: it comes from the
        // theme, whose hash is in, and the page's language.
        // Serialised in one piece: hashing many small writes costs more.
        h.update(&serde_json::to_vec(&self.layout).unwrap_or_default());
        h.update(&self.body.json());
        for slot in &self.slots {
            h.update(slot.reply.hash.as_bytes());
            h.update(
                slot.question
                    .map(|q| q.to_string())
                    .unwrap_or_default()
                    .as_bytes(),
            );
        }
        h.finalize()
    }
}

/// The site's own text in each site language, as the templates see it
/// (`layout.t`). A page's context must own its values, and a copy of these
/// (130 strings) made for every page cost 2 % of a three-language build:
/// copies are lent to pages and taken back, as many as pages rendered at once.
struct TextValues {
    made: BTreeMap<Lang, serde_json::Value>,
    spare: Mutex<Vec<(Lang, serde_json::Value)>>,
}

impl TextValues {
    fn new(env: &Env<'_>, languages: &[Lang]) -> TextValues {
        TextValues {
            made: languages.iter().map(|&l| (l, text_value(env, l))).collect(),
            spare: Mutex::default(),
        }
    }

    /// A copy of the text in `lang`, to be given back with [`Self::take_back`].
    fn lend(&self, env: &Env<'_>, lang: Lang) -> serde_json::Value {
        let mut spare = lock(&self.spare);
        if let Some(i) = spare.iter().position(|(l, _)| *l == lang) {
            return spare.swap_remove(i).1;
        }
        drop(spare);
        self.made
            .get(&lang)
            .cloned()
            .unwrap_or_else(|| text_value(env, lang))
    }

    fn take_back(&self, lang: Lang, t: serde_json::Value) {
        lock(&self.spare).push((lang, t));
    }
}

/// The site's own text in `lang`, as the templates see it (`layout.t`).
fn text_value(env: &Env<'_>, lang: Lang) -> serde_json::Value {
    serde_json::Value::Object(
        env.i18n
            .get(lang)
            .text
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect(),
    )
}

/// A view's typed context, whichever its type.
trait Body {
    /// Serialises it into `ctx` as `key`.
    fn insert_into(&self, ctx: &mut tera::Context, key: &str) -> tera::Result<()>;
    /// As JSON, for fingerprints.
    fn json(&self) -> Vec<u8>;
}

impl<T: Serialize> Body for T {
    fn insert_into(&self, ctx: &mut tera::Context, key: &str) -> tera::Result<()> {
        ctx.try_insert(key, self)
    }

    fn json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// Where a page shows a reply (the whole of it, or its answer to one
/// question). Reply HTML stays out of template contexts, which tera clones:
/// the template gets a slot tag, filled after minifying (reply HTML was
/// minified once, when read).
#[derive(Clone, Copy)]
struct Slot<'a> {
    reply: Hashed<'a>,
    question: Option<QuestionId>,
}

const SLOT_OPEN: &str = "<palabre-slot>";
const SLOT_CLOSE: &str = "</palabre-slot>";

/// The slots of the page being prepared.
#[derive(Default)]
struct Slots<'a>(std::cell::RefCell<Vec<Slot<'a>>>);

impl<'a> Slots<'a> {
    /// Reserves a slot for `reply` (its answer to `question`, if given);
    /// returns the tag that stands for it in the template.
    fn add(&self, reply: Hashed<'a>, question: Option<QuestionId>) -> String {
        let mut slots = self.0.borrow_mut();
        slots.push(Slot { reply, question });
        format!("{SLOT_OPEN}{}{SLOT_CLOSE}", slots.len() - 1)
    }
}

/// The names of a reply's footnotes in the page's language (see
/// [`markdown::label_footnotes`]).
struct NoteLabels<'s> {
    list: &'s str,
    back: &'s str,
}

/// `page` with each slot tag replaced by the reply HTML it stands for, its
/// headings starting at level `headings`, its footnotes named in the page's
/// language, and its site links made relative to the page
/// ([`crate::links::fill`]). Slot tags can only come from the
/// template: tera escapes `<` in text, and the sanitiser drops unknown
/// elements from contributions.
fn fill(
    page: &[u8],
    slots: &[Slot<'_>],
    headings: u8,
    prefix: &str,
    notes: &NoteLabels<'_>,
) -> Result<Vec<u8>, Diagnostic> {
    // Sized once: a report is tens of megabytes.
    let mut size = page.len();
    for slot in slots {
        size += slot.reply.reply.html_len()?;
    }
    let mut out = Vec::with_capacity(size + size / 16);
    for piece in Placeholders::new(page, SLOT_OPEN, SLOT_CLOSE) {
        match piece {
            Piece::Text(text) => crate::links::fill_into(&mut out, text, prefix),
            Piece::Placeholder(n) => {
                let Some(slot) = slots.get(n) else { continue };
                let html = slot.reply.reply.html_for(slot.question)?;
                let html = markdown::shift_headings(&html, headings);
                let html = markdown::label_footnotes(&html, notes.list, notes.back);
                crate::links::fill_into(&mut out, html.as_bytes(), prefix);
            }
        }
    }
    Ok(out)
}
