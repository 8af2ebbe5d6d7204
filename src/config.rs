//! `site.yaml`: the site-wide settings.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::lang::{Lang, Versions};
use crate::style::Style;

/// The settings of `site.yaml`, read and checked.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The site's name in each language it is given in (`title:`); see
    /// [`SiteConfig::title`].
    pub title: BTreeMap<Lang, String>,
    /// The title's translations' versions of the default language's title
    /// (`translated:`).
    pub title_versions: Versions,
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
    /// Where readers send contributions (`contribute:`), checked; a
    /// discussion may give its own.
    pub contribute: Option<Contribute>,
}

/// How readers contribute from the pages of an open discussion: by e-mail to
/// the moderators, with the discussion and question already in the subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribute {
    /// The moderators' address, checked by [`parse_email`].
    pub email: String,
}

/// `contribute:` in `site.yaml` or `_discussion.md`, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContributeFile {
    pub email: Spanned<String>,
}

impl ContributeFile {
    /// The checked setting, or the message and hint of an error on its
    /// line, counted from `line_base`, the file's line of the YAML's first.
    pub(crate) fn check(
        &self,
        line_base: usize,
    ) -> Result<Contribute, (usize, String, &'static str)> {
        let line = self.email.referenced.line() as usize + line_base - 1;
        parse_email(&self.email.value)
            .map(|email| Contribute { email })
            .map_err(|e| {
                (
                    line,
                    format!("`contribute.email`: {e}"),
                    "write the moderators' address as name@example.org, without `mailto:` or a display name",
                )
            })
    }
}

/// `site.yaml` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SiteFile {
    pub title: BTreeMap<Lang, String>,
    #[serde(default)]
    pub translated: BTreeMap<Lang, String>,
    pub languages: Vec<Lang>,
    pub default_language: Option<Lang>,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default)]
    pub style: StyleFile,
    #[serde(default)]
    pub contribute: Option<ContributeFile>,
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

/// An e-mail address as `contribute.email` takes it: one `local@domain`,
/// of plain ASCII (the address goes into `mailto:` links and mail headers),
/// the domain made of dot-separated labels of letters, digits and `-`.
/// The local part takes the characters of RFC 5322's dot-atom.
pub fn parse_email(written: &str) -> Result<String, String> {
    let email = written.trim();
    let bad = |why: &str| {
        Err(format!(
            "`{}` is not an e-mail address: {why}",
            email.escape_debug()
        ))
    };
    if email.is_empty() {
        return bad("it is empty");
    }
    if email.to_ascii_lowercase().starts_with("mailto:") {
        return bad("write it without `mailto:`");
    }
    if email.contains(['<', '>', ' ', '\t', ',']) {
        return bad("write the address alone, without a name, spaces or a second address");
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return bad("it has no `@`");
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let dot_atom = |s: &str, ok: &dyn Fn(char) -> bool| {
        !s.is_empty()
            && s.split('.')
                .all(|part| !part.is_empty() && part.chars().all(ok))
    };
    if !dot_atom(local, &atext) {
        return bad(
            "the part before `@` holds a character an address cannot have, or a misplaced dot",
        );
    }
    let label = |c: char| c.is_ascii_alphanumeric() || c == '-';
    if !dot_atom(domain, &label)
        || !domain.contains('.')
        || domain
            .split('.')
            .any(|l| l.starts_with('-') || l.ends_with('-'))
    {
        return bad("the part after `@` is not a domain name such as example.org");
    }
    Ok(email.to_string())
}

impl SiteConfig {
    /// The site title in `lang`, falling back to the default language.
    pub fn title(&self, lang: Lang) -> &str {
        Lang::pick(&self.title, lang, self.default_lang).map_or("", |(_, t)| t.as_str())
    }
}
