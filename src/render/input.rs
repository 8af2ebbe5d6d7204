//! What each page is made from, and its fingerprint.
//!
//! A page whose fingerprint did not change is not rendered again, so the
//! fingerprint must hash everything the page shows. The rule that keeps the
//! two in step: a view makes its page from the [`Env`], the page's [`Place`]
//! and its own input, nothing else; and
//!
//! - the pages fingerprinted without being prepared (a reply's page, a
//!   question's page, and those that sum up a whole discussion: overview,
//!   statistics, report) get an input defined here, whose `fingerprint`
//!   hashes every field of it (destructured, so that a field added later
//!   cannot be left out). A reply's or a question's page gets its discussion
//!   as a [`Frame`], which holds none of the replies: what the view can
//!   show, the fingerprint holds;
//! - the others (chooser, home, search, a group's page), few and cheap, are
//!   fingerprinted from their prepared context, which holds all they show.
//!
//! The [`Env`] (palabre's version, the theme, the site's settings) and the
//! page's address (its language and the ids in its path) enter every
//! fingerprint.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::layout::{CUSTOM_CSS, Place, Text, text_in};
use crate::config::{Contribute, SiteConfig};
use crate::i18n::Translations;
use crate::lang::Lang;
use crate::model::{
    Discussion, Group, GroupLabel, LangText, Question, QuestionId, Reply, Site, Summary,
};
use crate::site::{self, ReplyIndex};
use crate::style;
use crate::theme::Theme;
use crate::util::hash_debug;

/// What every page is made from besides its own input: the site's settings
/// and the theme (its text in every language, its stylesheets).
pub(super) struct Env<'a> {
    pub config: &'a SiteConfig,
    pub i18n: Translations,
    /// The colours of `style:` in site.yaml, for the stylesheet made of them.
    pub colours: Option<style::Colours>,
    /// The theme has its own `static/custom.css`, linked from every page.
    pub custom_css: bool,
    /// The site has feeds ([`site::has_feeds`]).
    pub feeds: bool,
    /// A hash of palabre's version, the theme and the site's settings: all
    /// the above is made from them.
    pub key: blake3::Hash,
}

impl<'a> Env<'a> {
    pub(super) fn new(theme: &Theme, site: &'a Site) -> Env<'a> {
        let mut h = blake3::Hasher::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(theme.hash().as_bytes());
        hash_debug(&mut h, &site.config);
        Env {
            config: &site.config,
            i18n: Translations::new(
                &theme.i18n,
                &site.config.languages,
                site.config.default_lang,
            ),
            colours: style::colours(&site.config.style, &theme.backgrounds()),
            custom_css: theme.static_file(CUSTOM_CSS).is_some(),
            feeds: site::has_feeds(site),
            key: h.finalize(),
        }
    }
}

/// Hashes of what the pages of a discussion are made from, each with
/// [`Env::key`].
pub(super) struct DiscussionKeys {
    /// With the discussion without its replies: its [`Frame`].
    frame: blake3::Hash,
    /// With the discussion and every reply, in order: its [`Whole`].
    whole: blake3::Hash,
}

impl DiscussionKeys {
    /// `whole` is the discussion's hash ([`crate::model::SiteHashes`]).
    pub(super) fn new(env: &Env<'_>, d: &Discussion, whole: blake3::Hash) -> DiscussionKeys {
        let with_env = |hash: blake3::Hash| {
            let mut h = blake3::Hasher::new();
            h.update(env.key.as_bytes());
            h.update(hash.as_bytes());
            h.finalize()
        };
        DiscussionKeys {
            frame: with_env(d.hash_without_replies()),
            whole: with_env(whole),
        }
    }
}

/// A discussion with what the renderer knows of it, to make its pages'
/// inputs from.
#[derive(Clone, Copy)]
pub(super) struct Source<'a> {
    pub discussion: &'a Discussion,
    /// Per reply: [`Reply::hash`].
    pub hashes: &'a [blake3::Hash],
    pub keys: &'a DiscussionKeys,
    pub index: &'a ReplyIndex,
}

impl<'a> Source<'a> {
    fn frame(&self) -> Frame<'a> {
        Frame::new(self.discussion, self.keys.frame)
    }

    fn hashed(&self, i: usize) -> Hashed<'a> {
        Hashed {
            reply: &self.discussion.replies[i],
            hash: self.hashes[i],
        }
    }

    /// The input of the page of reply `i`.
    pub(super) fn reply(&self, i: usize) -> ReplyInput<'a> {
        let neighbour = |j: Option<usize>| {
            j.and_then(|j| self.discussion.replies.get(j))
                .map(|r| Neighbour {
                    id: &r.id,
                    author: r.author.as_deref(),
                })
        };
        ReplyInput {
            frame: self.frame(),
            reply: self.hashed(i),
            prev: neighbour(i.checked_sub(1)),
            next: neighbour(Some(i + 1)),
        }
    }

    /// The input of the page of question `q`.
    pub(super) fn question(&self, q: QuestionId) -> QuestionInput<'a> {
        QuestionInput {
            frame: self.frame(),
            question: q,
            replies: self
                .index
                .replies_to(self.discussion, q)
                .iter()
                .map(|&i| self.hashed(i))
                .collect(),
        }
    }

    /// The input of the pages that sum up the whole discussion.
    pub(super) fn whole(self) -> Whole<'a> {
        Whole {
            frame: self.frame(),
            replies: &self.discussion.replies,
            source: self,
        }
    }
}

/// A discussion without its replies: all that the page of a reply or of a
/// question shows of it.
pub(super) struct Frame<'a> {
    pub title: &'a LangText,
    /// The language the moderators wrote the discussion in.
    pub original_lang: Lang,
    pub opens: Option<NaiveDate>,
    pub closes: Option<NaiveDate>,
    pub organisers: &'a [String],
    pub group_label: GroupLabel,
    /// Where readers send contributions, when they may.
    pub contribute: Option<&'a Contribute>,
    pub groups: &'a [Group],
    pub intro_html: &'a str,
    pub summaries: &'a BTreeMap<QuestionId, BTreeMap<Lang, Summary>>,
    pub conclusion: &'a BTreeMap<Lang, Summary>,
    /// [`Discussion::citations`]: where each reply is cited, which its cards
    /// show, and what each summary cites.
    pub citations: &'a BTreeMap<QuestionId, BTreeSet<String>>,
    /// Only for the addresses of its pages (made of its slug and group
    /// label): views cannot reach its replies.
    discussion: &'a Discussion,
    /// [`DiscussionKeys::frame`].
    key: blake3::Hash,
}

impl<'a> Frame<'a> {
    fn new(discussion: &'a Discussion, key: blake3::Hash) -> Frame<'a> {
        // Destructured, so that a field added to discussions is either here
        // or, like the replies, left out on purpose.
        let Discussion {
            slug: _,
            source: _,
            title,
            // Translators' bookkeeping: `check` and `translations` use it.
            title_versions: _,
            original_lang,
            opens,
            closes,
            organisers,
            group_label,
            contribute,
            groups,
            intro_html,
            intro_links: _,
            replies: _,
            summaries,
            conclusion,
            citations,
        } = discussion;
        Frame {
            title,
            original_lang: *original_lang,
            opens: *opens,
            closes: *closes,
            organisers,
            group_label: *group_label,
            contribute: contribute.as_ref(),
            groups,
            intro_html,
            summaries,
            conclusion,
            citations,
            discussion,
            key,
        }
    }

    /// The discussion's title in `lang`, or in the language it has.
    pub(super) fn title_in(&self, lang: Lang) -> Text {
        text_in(self.title, lang, self.original_lang)
    }

    pub(super) fn questions(&self) -> impl Iterator<Item = &'a Question> + use<'a> {
        self.groups.iter().flat_map(|g| g.questions.iter())
    }

    pub(super) fn find_question(&self, id: QuestionId) -> Option<&'a Question> {
        self.questions().find(|q| q.id == id)
    }

    /// The questions whose summary cites reply `id`, in order.
    pub(super) fn cited_in(&self, id: &str) -> Vec<QuestionId> {
        crate::model::cited_in(self.citations, id)
    }

    /// The discussion's address (the folder name made web-safe), which
    /// names it in the subject of contributions; part of every page's path,
    /// so of its fingerprint.
    pub(super) fn slug(&self) -> &'a str {
        &self.discussion.slug
    }

    pub(super) fn discussion_path(&self, lang: &str) -> String {
        site::discussion_path(lang, self.discussion)
    }

    pub(super) fn group_path(&self, lang: &str, group: u32) -> String {
        site::group_path(lang, self.discussion, group)
    }

    pub(super) fn question_path(&self, lang: &str, q: QuestionId) -> String {
        site::question_path(lang, self.discussion, q)
    }

    pub(super) fn reply_path(&self, lang: &str, reply_id: &str) -> String {
        site::reply_path(lang, self.discussion, reply_id)
    }

    pub(super) fn statistics_path(&self, lang: &str) -> String {
        site::statistics_path(lang, self.discussion)
    }

    pub(super) fn report_path(&self, lang: &str) -> String {
        site::report_path(lang, self.discussion)
    }

    pub(super) fn docx_path(&self, lang: &str) -> String {
        site::docx_path(lang, self.discussion)
    }

    pub(super) fn feed_path(&self, lang: &str, q: Option<QuestionId>) -> String {
        site::feed_path(lang, self.discussion, q)
    }

    pub(super) fn data_path(&self, ext: &str) -> String {
        site::data_path(self.discussion, ext)
    }
}

/// A reply with its hash, which stands for it (its HTML above all) in
/// fingerprints.
#[derive(Clone, Copy)]
pub(super) struct Hashed<'a> {
    pub reply: &'a Reply,
    pub hash: blake3::Hash,
}

/// A reply's previous or next reply, as its page shows it: linked by id,
/// named by author.
#[derive(Debug)]
pub(super) struct Neighbour<'a> {
    pub id: &'a str,
    pub author: Option<&'a str>,
}

/// What a reply's page is made from.
pub(super) struct ReplyInput<'a> {
    pub frame: Frame<'a>,
    pub reply: Hashed<'a>,
    pub prev: Option<Neighbour<'a>>,
    pub next: Option<Neighbour<'a>>,
}

impl ReplyInput<'_> {
    pub(super) fn fingerprint(&self, place: &Place<'_>) -> blake3::Hash {
        let ReplyInput {
            frame,
            reply,
            prev,
            next,
        } = self;
        let mut h = hasher(frame.key, place);
        h.update(reply.hash.as_bytes());
        hash_debug(&mut h, &(prev, next));
        h.finalize()
    }
}

/// What a question's page is made from.
pub(super) struct QuestionInput<'a> {
    pub frame: Frame<'a>,
    pub question: QuestionId,
    /// The replies to it, in reading order.
    pub replies: Vec<Hashed<'a>>,
}

impl QuestionInput<'_> {
    pub(super) fn fingerprint(&self, place: &Place<'_>) -> blake3::Hash {
        let QuestionInput {
            frame,
            question,
            replies,
        } = self;
        let mut h = hasher(frame.key, place);
        h.update(&question.group.to_le_bytes());
        h.update(&question.question.to_le_bytes());
        for r in replies {
            h.update(r.hash.as_bytes());
        }
        h.finalize()
    }
}

/// A whole discussion: what its overview, statistics and report are made
/// from (and its groups' pages, fingerprinted from their context).
pub(super) struct Whole<'a> {
    pub frame: Frame<'a>,
    pub replies: &'a [Reply],
    source: Source<'a>,
}

impl<'a> Whole<'a> {
    /// Indexes (into `replies`) of the replies to `q`, in reading order.
    pub(super) fn answers(&self, q: QuestionId) -> &'a [usize] {
        self.source.index.replies_to(self.source.discussion, q)
    }

    /// The replies to `q`, in reading order.
    pub(super) fn replies_to(&self, q: QuestionId) -> impl Iterator<Item = Hashed<'a>> + use<'a> {
        let source = self.source;
        self.answers(q).iter().map(move |&i| source.hashed(i))
    }

    /// [`DiscussionKeys::whole`] holds all of it.
    pub(super) fn fingerprint(&self, place: &Place<'_>) -> blake3::Hash {
        hasher(self.source.keys.whole, place).finalize()
    }
}

/// A hasher started with `key` and the page's address.
pub(super) fn hasher(key: blake3::Hash, place: &Place<'_>) -> blake3::Hasher {
    let mut h = blake3::Hasher::new();
    h.update(key.as_bytes());
    let path = place.path();
    h.update(&(path.len() as u64).to_le_bytes());
    h.update(path.as_bytes());
    h
}
