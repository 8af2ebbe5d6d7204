//! `site.yaml`: the settings of the site, read and checked.

use std::path::Path;

use serde_saphyr::Spanned;

use super::{SITE_FILE, read_text};
use crate::config::{self, SiteConfig, SiteFile, StyleFile};
use crate::diagnostic::Diagnostic;
use crate::frontmatter;
use crate::lang::{Lang, Versions};
use crate::markdown;
use crate::style::{At, Footer, Logo, Rgb, Style};
use crate::util::is_safe_name;

/// Reads and checks `site.yaml` in the content folder `dir`.
pub(super) fn load_config(dir: &Path) -> Result<SiteConfig, Diagnostic> {
    let path = dir.join(SITE_FILE);
    if !dir.is_dir() {
        return Err(Diagnostic::error(dir, None, "content folder not found")
            .hint("run palabre in the folder that holds `content/`, or pass --content DIR"));
    }
    let text = read_text(&path)?;
    let file: SiteFile = frontmatter::parse(&path, &text, 1)?;
    let languages = file.languages;
    let Some(&first) = languages.first() else {
        return Err(
            Diagnostic::error(&path, Some(1), "`languages` is empty").hint(format!(
                "list the site's languages, default first, e.g. [{}]",
                Lang::known_codes()
            )),
        );
    };
    let default_lang = file.default_language.unwrap_or(first);
    if !languages.contains(&default_lang) {
        return Err(Diagnostic::error(
            &path,
            Some(1),
            format!("default_language `{default_lang}` is not in `languages`"),
        )
        .hint("add it to `languages` or pick one of them"));
    }
    let base_url_left_empty = file
        .base_url
        .as_deref()
        .is_some_and(|u| u.trim().is_empty());
    let base_url =
        config::parse_base_url(file.base_url.as_deref().unwrap_or_default()).map_err(|e| {
            Diagnostic::error(&path, Some(1), format!("base_url {e}"))
                .hint("write it as https://example.org/discussions, or leave it empty")
        })?;
    let theme = file.theme.unwrap_or_else(|| "default".to_string());
    if !is_safe_name(&theme) {
        return Err(Diagnostic::error(
            &path,
            Some(1),
            format!("theme `{theme}` is not a folder name"),
        )
        .hint("name a folder under themes/, e.g. `default`"));
    }
    let style = read_style(file.style, &path, dir)?;
    let contribute = match &file.contribute {
        Some(c) => Some(c.check(1).map_err(|(line, message, hint)| {
            Diagnostic::error(&path, Some(line), message).hint(hint)
        })?),
        None => None,
    };
    Ok(SiteConfig {
        title_versions: Versions::of(&file.title, file.translated, default_lang),
        title: file.title,
        languages,
        default_lang,
        base_url,
        base_url_left_empty,
        theme,
        style,
        contribute,
    })
}

/// Checks `style:` as written in `site_yaml`, in the content folder `content`.
fn read_style(file: StyleFile, site_yaml: &Path, content: &Path) -> Result<Style, Diagnostic> {
    let colour = |key: &str| -> Result<Option<At<Rgb>>, Diagnostic> {
        let setting = if key == "accent" {
            &file.accent
        } else {
            &file.accent_dark
        };
        let Some((value, line)) = given(site_yaml, key, setting)? else {
            return Ok(None);
        };
        match Rgb::parse(value.trim()) {
            Some(value) => Ok(Some(At { value, line })),
            None => Err(Diagnostic::error(
                site_yaml,
                Some(line),
                format!("`style.{key}`: `{value}` is not a colour palabre accepts"),
            )
            .hint(format!(
                "write it as \"#rrggbb\" or \"#rgb\", in quotes, e.g. {key}: \"#005a9c\""
            ))),
        }
    };
    let accent = colour("accent")?;
    let accent_dark = colour("accent_dark")?;
    let logo = match given(site_yaml, "logo", &file.logo)? {
        Some((name, line)) => Some(read_logo(name, line, site_yaml, content)?),
        None => None,
    };
    let footer = file
        .footer
        .iter()
        .filter(|(_, s)| !s.value.trim().is_empty())
        .map(|(&lang, s)| {
            let markdown = s.value.trim().to_string();
            let html = markdown::render(&markdown, "footer", None, &markdown::one_lang, None).html;
            let line = s.referenced.line() as usize;
            (
                lang,
                At {
                    value: Footer { markdown, html },
                    line,
                },
            )
        })
        .collect();
    Ok(Style {
        accent,
        accent_dark,
        logo,
        footer,
    })
}

/// The value of a setting that is there and its line; an error when it is
/// empty.
fn given<'s>(
    site_yaml: &Path,
    key: &str,
    setting: &'s Option<Spanned<Option<String>>>,
) -> Result<Option<(&'s str, usize)>, Diagnostic> {
    let Some(s) = setting else { return Ok(None) };
    let line = s.referenced.line() as usize;
    match s.value.as_deref() {
        Some(value) if !value.trim().is_empty() => Ok(Some((value, line))),
        _ => {
            let example = if key == "logo" {
                "logo.svg"
            } else {
                "\"#005a9c\""
            };
            Err(Diagnostic::error(site_yaml, Some(line), format!("`style.{key}` is empty"))
                .hint(format!("write a value, e.g. {key}: {example} (in YAML `#` starts a comment, so a colour needs quotes), or remove the line")))
        }
    }
}

fn read_logo(
    name: &str,
    line: usize,
    site_yaml: &Path,
    content: &Path,
) -> Result<Logo, Diagnostic> {
    let line = Some(line);
    let name = name.trim();
    let error =
        |message: String, hint: &str| Diagnostic::error(site_yaml, line, message).hint(hint);
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control);
    if !plain {
        return Err(error(
            format!("`style.logo`: `{name}` is not a file name"),
            "put the image beside site.yaml and give its name, e.g. logo: logo.svg",
        ));
    }
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !LOGO_TYPES.contains(&ext.as_str()) {
        return Err(error(
            format!("`style.logo`: `{name}` is not an image palabre can show"),
            &format!("use one of these types: {}", LOGO_TYPES.join(", ")),
        ));
    }
    if !content.join(name).is_file() {
        return Err(error(
            format!("`style.logo`: there is no file `{name}` beside site.yaml"),
            "put the image in the content folder, beside site.yaml",
        ));
    }
    Ok(Logo {
        file: name.to_string(),
        output: format!("static/site-logo.{ext}"),
    })
}

/// Image types a logo may be; the output keeps the extension.
const LOGO_TYPES: [&str; 6] = ["svg", "png", "jpg", "jpeg", "webp", "gif"];
