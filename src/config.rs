//! `site.yaml`: the site-wide settings.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::lang::Lang;
use crate::style::Style;

/// The settings of `site.yaml`, read and checked.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The site's name in each language it is given in (`title:`); see
    /// [`SiteConfig::title`].
    pub title: BTreeMap<Lang, String>,
    /// Languages of the site's own text, in the order of the language switcher.
    pub languages: Vec<Lang>,
    /// The language of the root page and of fallbacks (`default_language:`, else
    /// the first of `languages`); always one of `languages`.
    pub default_lang: Lang,
    /// Absolute URL of the published site, without trailing slash; only used
    /// where a relative link cannot be (alternates, feeds).
    pub base_url: Option<String>,
    /// `base_url: ""`: the site has no address on purpose (kept on a USB stick,
    /// an intranet), so the lack of feeds is no warning.
    pub base_url_left_empty: bool,
    /// The theme's folder name under `themes/` (`theme:`, `default` when not
    /// given): its files replace those of the built-in theme.
    pub theme: String,
    /// Colours, logo and footer text (`style:`), checked.
    pub style: Style,
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
    #[serde(default)]
    pub style: StyleFile,
}

/// `style:` in `site.yaml` as written; loading the content folder checks it
/// (see [`Style`]).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct StyleFile {
    /// Links, buttons and the focus ring in the light scheme: `#rrggbb`.
    #[serde(default, deserialize_with = "present")]
    pub accent: Option<Spanned<Option<String>>>,
    /// The same in the dark scheme; made from `accent` when not given.
    #[serde(default, deserialize_with = "present")]
    pub accent_dark: Option<Spanned<Option<String>>>,
    /// An image file in the content folder, shown in the header.
    #[serde(default, deserialize_with = "present")]
    pub logo: Option<Spanned<Option<String>>>,
    /// Markdown per language, shown at the foot of every page.
    #[serde(default)]
    pub footer: BTreeMap<Lang, Spanned<String>>,
}

/// A setting that is there, even when empty: `accent: #005a9c`, unquoted,
/// is an empty value followed by a YAML comment, which must not pass
/// unnoticed.
fn present<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Spanned<Option<String>>>, D::Error> {
    Spanned::<Option<String>>::deserialize(d).map(Some)
}

/// `base_url` as written, made canonical (no trailing slash); `None` when
/// empty. Anything but an absolute http(s) address is refused.
pub fn parse_base_url(written: &str) -> Result<Option<String>, String> {
    let url = written.trim().trim_end_matches('/');
    if url.is_empty() {
        Ok(None)
    } else if url.starts_with("https://") || url.starts_with("http://") {
        Ok(Some(url.to_string()))
    } else {
        Err(format!(
            "`{}` is not an absolute http(s) address",
            url.escape_debug()
        ))
    }
}

impl SiteConfig {
    /// The site title in `lang`, falling back to the default language.
    pub fn title(&self, lang: Lang) -> &str {
        Lang::pick(&self.title, lang, self.default_lang).map_or("", |(_, t)| t.as_str())
    }
}
