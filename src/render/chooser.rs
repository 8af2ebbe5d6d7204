//! The root page: choose a language.

use serde::Serialize;

use super::Prepared;
use super::input::Env;
use super::layout::{Head, Layout, Place};
use crate::site;

const TEMPLATE: &str = "chooser.html";

#[derive(Serialize)]
struct ChooserPage<'a> {
    languages: Vec<Language<'a>>,
}

/// A site language, in itself.
#[derive(Serialize)]
struct Language<'a> {
    code: &'static str,
    name: &'a str,
    title: &'a str,
    enter: &'a str,
    href: String,
}

pub(super) fn prepare<'r>(env: &'r Env<'_>, place: &Place<'_>) -> Prepared<'r> {
    let languages = env
        .config
        .languages
        .iter()
        .map(|&l| Language {
            code: l.code(),
            name: env.i18n.native_name(l),
            title: env.config.title(l),
            enter: env.i18n.get(l).t("enter_site"),
            href: site::home_path(l.code()),
        })
        .collect();
    let head = Head {
        title: env.config.title(place.lang()).to_string(),
        crumbs: vec![],
        description: env.i18n.get(place.lang()).t("home_intro").to_string(),
        feeds: vec![],
    };
    let page = ChooserPage { languages };
    Prepared::new(TEMPLATE, Layout::chooser(env, place, head), page, place)
}
