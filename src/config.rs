//! `site.yaml`: the site-wide settings.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::lang::Lang;

#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: BTreeMap<Lang, String>,
    /// Languages of the site's own text; the first is the default.
    pub languages: Vec<Lang>,
    pub default_lang: Lang,
    /// Absolute URL of the published site, without trailing slash; only used
    /// where a relative link cannot be (alternates, feeds).
    pub base_url: Option<String>,
    pub theme: String,
}

/// `site.yaml` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SiteFile {
    pub title: BTreeMap<Lang, String>,
    pub languages: Vec<Lang>,
    pub default_language: Option<Lang>,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub theme: Option<String>,
}

impl SiteConfig {
    /// The site title in `lang`, falling back to the default language.
    pub fn title(&self, lang: Lang) -> &str {
        self.title
            .get(&lang)
            .or_else(|| self.title.get(&self.default_lang))
            .or_else(|| self.title.values().next())
            .map_or("", String::as_str)
    }
}
