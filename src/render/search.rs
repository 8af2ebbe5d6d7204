//! The search page: the form is the page; results come from search.js.

use serde::Serialize;

use super::Prepared;
use super::input::Env;
use super::layout::{Head, Layout, Link, Place, home_crumb};

const TEMPLATE: &str = "search.html";

#[derive(Serialize)]
struct SearchPage {
    /// The site's languages, to search one: linked by code.
    langs: Vec<Link>,
}

pub(super) fn prepare<'r>(env: &'r Env<'_>, place: &Place<'_>) -> Prepared<'r> {
    let s = env.i18n.get(place.lang());
    let langs = env
        .config
        .languages
        .iter()
        .map(|&l| Link {
            href: l.code().to_string(),
            text: s.lang_name(l).to_string(),
        })
        .collect();
    let head = Head {
        title: s.t("search").to_string(),
        crumbs: vec![home_crumb(s, place)],
        description: s.t("search_description").to_string(),
        feeds: vec![],
    };
    Prepared::new(
        TEMPLATE,
        Layout::new(env, place, head),
        SearchPage { langs },
        place,
    )
}
