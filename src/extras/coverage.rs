//! How far each question's consolidated reply covers the replies to it: how
//! many replies it cites, by language and by country, and which it leaves
//! out (`palabre coverage`, and the warning of `check` about a language
//! community that no citation reaches).

use std::collections::BTreeMap;

use serde::Serialize;

use super::countries;
use crate::model::{Discussion, Question, Reply, Site};

/// Replies to a question, and how many of them its summary cites.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    /// Replies to the question.
    pub replies: usize,
    /// Those its summary cites.
    pub cited: usize,
}

impl Count {
    fn add(&mut self, cited: bool) {
        self.replies += 1;
        self.cited += usize::from(cited);
    }
}

/// One question's coverage by its summary.
///
/// A reply counts as cited when the summary of the question links to it in
/// any of its languages and the reply answers the question (a summary that
/// cites a reply to another question cites it for that question only in
/// [`crate::model::Discussion::citations`], not here).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// The discussion's address (its folder's name, made web-safe).
    pub discussion: String,
    /// The question's id, e.g. `1.2`.
    pub question: String,
    /// Whether the question has a summary, in any language.
    pub summary: bool,
    /// Replies to the question.
    pub replies: usize,
    /// Those its summary cites.
    pub cited: usize,
    /// Per language code of the replies.
    pub by_language: BTreeMap<String, Count>,
    /// Per country: its ISO 3166-1 alpha-2 code when palabre knows it, else
    /// as written; replies that name no country are left out.
    pub by_country: BTreeMap<String, Count>,
    /// The ids of the replies to the question the summary does not cite, in
    /// reading order.
    pub uncited: Vec<String>,
}

/// The coverage of every question of `site`, discussion by discussion in
/// order, questions in the order their discussion lists them; only the
/// discussion whose address is `only`, when given.
pub fn coverage(site: &Site, only: Option<&str>) -> Vec<Coverage> {
    site.discussions
        .iter()
        .filter(|d| only.is_none_or(|o| o == d.slug))
        .flat_map(|d| d.questions().map(move |q| question(d, q)))
        .collect()
}

/// The coverage of question `q` of discussion `d`.
pub fn question(d: &Discussion, q: &Question) -> Coverage {
    let cited_ids = d.citations.get(&q.id);
    let mut c = Coverage {
        discussion: d.slug.clone(),
        question: q.id.to_string(),
        summary: d.summaries.get(&q.id).is_some_and(|m| !m.is_empty()),
        replies: 0,
        cited: 0,
        by_language: BTreeMap::new(),
        by_country: BTreeMap::new(),
        uncited: Vec::new(),
    };
    for r in d.replies.iter().filter(|r| r.answers.contains(&q.id)) {
        let cited = cited_ids.is_some_and(|ids| ids.contains(&r.id));
        c.replies += 1;
        c.cited += usize::from(cited);
        c.by_language
            .entry(r.lang.code().to_string())
            .or_default()
            .add(cited);
        if let Some(country) = country_key(r) {
            c.by_country.entry(country).or_default().add(cited);
        }
        if !cited {
            c.uncited.push(r.id.clone());
        }
    }
    c
}

/// A reply's country as coverage groups it: its code when known, so that
/// "France" and "FR" count once.
fn country_key(r: &Reply) -> Option<String> {
    let written = r
        .country
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())?;
    Some(countries::find(written).map_or_else(|| written.to_string(), |c| c.code().to_string()))
}
