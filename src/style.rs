//! `style:` in `site.yaml`: an accent colour, a logo and a footer text, set
//! without writing CSS or templates.
//!
//! The colours become a small stylesheet, `static/site-style.css`, made with
//! the theme's `site-style.css` template and loaded after the theme's own:
//! pages allow only the site's own stylesheets (their Content-Security-Policy
//! has `style-src 'self'`), so nothing is written inline. Only `#rgb` and
//! `#rrggbb` are accepted, so a value cannot carry CSS of its own. Each
//! colour is checked against the backgrounds it is drawn on, read from the
//! theme's `style.css`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::util::is_relative;

/// Where the stylesheet made from the colours is written.
pub const STYLESHEET: &str = "static/site-style.css";

/// The least contrast of text against its background (WCAG 2.2 AA).
const MIN_CONTRAST: f64 = 4.5;

/// The custom properties of the theme's `style.css` that the accent colour
/// is drawn on: the page, the header and footer band, the summary panel.
const BACKGROUNDS: [&str; 3] = ["--bg", "--bg-subtle", "--tint"];

/// `style:` of `site.yaml`, checked.
#[derive(Debug, Clone, Default)]
pub struct Style {
    /// The accent of the light scheme (`accent:`): links, buttons, the focus ring.
    pub accent: Option<At<Rgb>>,
    /// The accent of the dark scheme (`accent_dark:`); when not given, made from
    /// `accent`.
    pub accent_dark: Option<At<Rgb>>,
    /// The logo shown in the header (`logo:`).
    pub logo: Option<Logo>,
    /// The footer text of each language it is given in (`footer:`), blank ones
    /// left out.
    pub footer: BTreeMap<Lang, At<Footer>>,
}

/// A setting and the line of `site.yaml` it is on. The line is left out of
/// `Debug`, which fingerprints are made from: moving a setting to another
/// line changes no page.
#[derive(Clone)]
pub struct At<T> {
    /// The setting, checked.
    pub value: T,
    /// Its line in `site.yaml`, for messages.
    pub line: usize,
}

impl<T: fmt::Debug> fmt::Debug for At<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// The logo of `style.logo`: an image beside `site.yaml`, copied into the site.
#[derive(Debug, Clone)]
pub struct Logo {
    /// The file's name in the content folder.
    pub file: String,
    /// Where it is copied, e.g. `static/site-logo.svg`.
    pub output: String,
}

/// The text of `style.footer` in one language, shown at the foot of every page.
#[derive(Debug, Clone)]
pub struct Footer {
    /// The Markdown as written, trimmed; its links are checked by [`review`].
    pub markdown: String,
    /// The Markdown as sanitised HTML.
    pub html: String,
}

impl Style {
    /// The footer text in `lang`, else in `default`, else in any language,
    /// with the language it is in.
    pub fn footer(&self, lang: Lang, default: Lang) -> Option<(Lang, &Footer)> {
        Lang::pick(&self.footer, lang, default).map(|(l, f)| (l, &f.value))
    }
}

/// The files `style:` adds to the site: the stylesheet made from its
/// colours (rendered by the theme, given here) and the logo.
pub fn files(
    style: &Style,
    stylesheet: Option<Vec<u8>>,
    content: &Path,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let mut files = Vec::new();
    if let Some(css) = stylesheet {
        files.push((STYLESHEET.to_string(), css));
    }
    if let Some(logo) = &style.logo {
        let path = content.join(&logo.file);
        let bytes = std::fs::read(&path).map_err(|e| {
            Diagnostic::error(&path, None, format!("cannot read the logo: {e}"))
                .hint("check that the file named by `style.logo` in site.yaml is readable")
        })?;
        files.push((logo.output.clone(), bytes));
    }
    Ok(files)
}

/// An sRGB colour.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Rgb([u8; 3]);

const WHITE: Rgb = Rgb([255, 255, 255]);
const BLACK: Rgb = Rgb([0, 0, 0]);

impl Rgb {
    /// `#rgb` or `#rrggbb`; nothing else.
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let at = |i: usize, n: usize| u8::from_str_radix(&hex[i..i + n], 16).ok();
        match hex.len() {
            3 => Some(Rgb([at(0, 1)? * 17, at(1, 1)? * 17, at(2, 1)? * 17])),
            6 => Some(Rgb([at(0, 2)?, at(2, 2)?, at(4, 2)?])),
            _ => None,
        }
    }

    /// Relative luminance, as WCAG defines it.
    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.0.map(channel);
        0.2126 * r + 0.7152 * g + 0.0722 * b
    }

    /// `self` moved a share `t` (0 to 1) of the way to `other`.
    fn mix(self, other: Rgb, t: f64) -> Rgb {
        let mut out = [0; 3];
        for (o, (a, b)) in out.iter_mut().zip(self.0.iter().zip(other.0)) {
            *o = (f64::from(*a) * (1.0 - t) + f64::from(b) * t).round() as u8;
        }
        Rgb(out)
    }

    /// The least contrast of `self` against any of `backgrounds`, and which.
    fn worst(self, backgrounds: &[(String, Rgb)]) -> Option<(f64, &(String, Rgb))> {
        backgrounds
            .iter()
            .map(|bg| (contrast(self, bg.1), bg))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// The first shade between `self` and `target` with enough contrast on
    /// every one of `backgrounds` (`target` itself when none has).
    fn toward(self, target: Rgb, backgrounds: &[(String, Rgb)]) -> Rgb {
        (0..=100)
            .map(|i| self.mix(target, f64::from(i) / 100.0))
            .find(|c| c.worst(backgrounds).is_none_or(|(r, _)| r >= MIN_CONTRAST))
            .unwrap_or(target)
    }
}

impl fmt::Debug for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

/// The contrast ratio of two colours (1 to 21), as WCAG defines it.
fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The backgrounds the accent colour is drawn on in each colour scheme, as
/// the theme's `style.css` declares them (`#rgb` or `#rrggbb` values of
/// `BACKGROUNDS` in `:root`, and in `:root` under
/// `@media (prefers-color-scheme: dark)`).
pub struct Backgrounds {
    light: Vec<(String, Rgb)>,
    dark: Vec<(String, Rgb)>,
}

impl Backgrounds {
    /// The backgrounds a theme's `style.css`, `css`, declares.
    pub fn parse(css: &str) -> Backgrounds {
        let mut found = Backgrounds {
            light: Vec::new(),
            dark: Vec::new(),
        };
        let mut preludes: Vec<String> = Vec::new();
        let mut buf = String::new();
        let mut declaration = |preludes: &[String], text: &str| {
            let Some((name, value)) = text.split_once(':') else {
                return;
            };
            let name = name.trim();
            let (Some(rule), Some(colour)) = (preludes.last(), Rgb::parse(value.trim())) else {
                return;
            };
            if rule != ":root" || !BACKGROUNDS.contains(&name) {
                return;
            }
            let outer: Vec<String> = preludes[..preludes.len() - 1]
                .iter()
                .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
                .collect();
            let list = match outer.as_slice() {
                [] => &mut found.light,
                [m] if m.contains("prefers-color-scheme:dark") && !m.contains("print") => {
                    &mut found.dark
                }
                _ => return,
            };
            list.retain(|(n, _)| n != name);
            list.push((name.to_string(), colour));
        };
        for c in strip_comments(css).chars() {
            match c {
                '{' => {
                    preludes.push(buf.trim().to_string());
                    buf.clear();
                }
                '}' => {
                    declaration(&preludes, &buf);
                    buf.clear();
                    preludes.pop();
                }
                ';' => {
                    declaration(&preludes, &buf);
                    buf.clear();
                }
                _ => buf.push(c),
            }
        }
        found
    }

    fn of_scheme(&self, scheme: Scheme) -> &[(String, Rgb)] {
        match scheme {
            Scheme::Light => &self.light,
            Scheme::Dark => &self.dark,
        }
    }
}

fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .find("*/")
            .map_or("", |end| &rest[start + 2 + end + 2..]);
    }
    out.push_str(rest);
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Light,
    Dark,
}

impl Scheme {
    fn name(self) -> &'static str {
        match self {
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }
}

/// The accent colour of one scheme and the setting it comes from.
struct Accent {
    scheme: Scheme,
    colour: Rgb,
    key: &'static str,
    line: usize,
    /// Made from `accent` for the dark scheme, not written.
    derived: bool,
}

/// The accent of each scheme that `style` sets: `accent_dark` as written,
/// or else `accent` lightened until it reads on the dark backgrounds.
fn accents(style: &Style, backgrounds: &Backgrounds) -> Vec<Accent> {
    let mut out = Vec::new();
    if let Some(a) = &style.accent {
        out.push(Accent {
            scheme: Scheme::Light,
            colour: a.value,
            key: "accent",
            line: a.line,
            derived: false,
        });
    }
    match (&style.accent_dark, &style.accent) {
        (Some(d), _) => out.push(Accent {
            scheme: Scheme::Dark,
            colour: d.value,
            key: "accent_dark",
            line: d.line,
            derived: false,
        }),
        (None, Some(a)) if !backgrounds.dark.is_empty() => out.push(Accent {
            scheme: Scheme::Dark,
            colour: a.value.toward(WHITE, &backgrounds.dark),
            key: "accent",
            line: a.line,
            derived: true,
        }),
        _ => {}
    }
    out
}

/// The custom properties of one scheme in `site-style.css`.
#[derive(Serialize)]
pub struct Palette {
    /// Links, buttons, the focus ring.
    accent: String,
    /// Links under the pointer: further from the background.
    accent_strong: String,
    /// Text on an accent background: black or white, whichever reads better.
    accent_contrast: String,
}

/// The context of the `site-style.css` template.
#[derive(Serialize)]
pub struct Colours {
    light: Option<Palette>,
    dark: Option<Palette>,
}

/// The colours `style` sets, per scheme; `None` when it sets none.
pub fn colours(style: &Style, backgrounds: &Backgrounds) -> Option<Colours> {
    let mut colours = Colours {
        light: None,
        dark: None,
    };
    for a in accents(style, backgrounds) {
        let (strong, share) = match a.scheme {
            Scheme::Light => (BLACK, 0.25),
            Scheme::Dark => (WHITE, 0.35),
        };
        let on_accent = if contrast(a.colour, WHITE) >= contrast(a.colour, BLACK) {
            WHITE
        } else {
            BLACK
        };
        let palette = Palette {
            accent: format!("{:?}", a.colour),
            accent_strong: format!("{:?}", a.colour.mix(strong, share)),
            accent_contrast: format!("{on_accent:?}"),
        };
        match a.scheme {
            Scheme::Light => colours.light = Some(palette),
            Scheme::Dark => colours.dark = Some(palette),
        }
    }
    (colours.light.is_some() || colours.dark.is_some()).then_some(colours)
}

/// What a moderator should fix in `style:` before publishing: an accent
/// that is hard to read on the theme's backgrounds, and footer links that
/// lead somewhere different from each page.
pub fn review(style: &Style, backgrounds: &Backgrounds, site_yaml: &Path) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for a in accents(style, backgrounds) {
        let list = backgrounds.of_scheme(a.scheme);
        let Some((ratio, (name, bg))) = a.colour.worst(list) else {
            continue;
        };
        if ratio >= MIN_CONTRAST {
            continue;
        }
        let (target, shade) = match a.scheme {
            Scheme::Light => (BLACK, "a darker"),
            Scheme::Dark => (WHITE, "a lighter"),
        };
        let better = a.colour.toward(target, list);
        let what = if a.derived {
            format!(
                "the {} scheme's accent made from `style.accent` ({:?})",
                a.scheme.name(),
                a.colour
            )
        } else {
            format!("`style.{}` {:?}", a.key, a.colour)
        };
        let hint = if a.derived {
            format!("set `accent_dark` to {shade} colour, e.g. \"{better:?}\"")
        } else {
            format!(
                "use {shade} shade, e.g. {}: \"{better:?}\" ({:.1}:1)",
                a.key,
                better.worst(list).map_or(0.0, |(r, _)| r)
            )
        };
        found.push(
            Diagnostic::warning(
                site_yaml,
                Some(a.line),
                format!(
                    "{what} has a contrast of {ratio:.1}:1 on the {} scheme's background {name} ({bg:?}); links need at least 4.5:1 (WCAG 2.2 AA)",
                    a.scheme.name()
                ),
            )
            .hint(hint),
        );
    }
    for (lang, footer) in &style.footer {
        let parser = pulldown_cmark::Parser::new(&footer.value.markdown);
        for event in parser {
            let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) = event
            else {
                continue;
            };
            if is_relative(&dest_url) {
                found.push(
                    Diagnostic::warning(
                        site_yaml,
                        Some(footer.line),
                        format!("`style.footer.{lang}`: the link `{dest_url}` is relative, and the footer is on every page: it would lead somewhere different from each"),
                    )
                    .hint("write the whole address, e.g. https://example.org/contact"),
                );
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hex_colours_are_read() {
        assert_eq!(Rgb::parse("#005A9c"), Some(Rgb([0, 0x5a, 0x9c])));
        assert_eq!(Rgb::parse("#fff"), Some(WHITE));
        for bad in [
            "005a9c",
            "#05a9c",
            "#ggg",
            "red",
            "#fff;}body{display:none",
            "#ffffffff",
            "#éé",
        ] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn contrast_matches_wcag() {
        assert!((contrast(WHITE, BLACK) - 21.0).abs() < 1e-9);
        // The default theme's light accent on white, as its stylesheet says.
        let accent = Rgb::parse("#0b57a4").expect("colour");
        assert!((contrast(accent, WHITE) - 7.2).abs() < 0.05);
    }

    #[test]
    fn backgrounds_are_read_per_scheme_and_print_is_left_out() {
        let b = Backgrounds::parse(
            ":root { color-scheme: light dark; --bg: #fff; /* --tint: #000; */ --tint: #f0f5fb; }\n\
             @media (prefers-color-scheme: dark) { :root { --bg: #14171b; } ::selection { --bg: #fff; } }\n\
             @media print { :root { --bg: #ffffff; --bg-subtle: #000; } }",
        );
        assert_eq!(
            b.light,
            [
                ("--bg".to_string(), WHITE),
                ("--tint".to_string(), Rgb([0xf0, 0xf5, 0xfb]))
            ]
        );
        assert_eq!(b.dark, [("--bg".to_string(), Rgb([0x14, 0x17, 0x1b]))]);
    }

    #[test]
    fn a_dark_accent_is_made_readable_and_text_on_the_accent_too() {
        let b = Backgrounds::parse(
            ":root{--bg:#ffffff} @media (prefers-color-scheme: dark){:root{--bg:#14171b;--tint:#1b2230}}",
        );
        let red = Rgb::parse("#b00020").expect("colour");
        let style = Style {
            accent: Some(At {
                value: red,
                line: 3,
            }),
            ..Style::default()
        };
        let dark = accents(&style, &b)
            .into_iter()
            .find(|a| a.scheme == Scheme::Dark)
            .expect("a dark accent is made");
        assert!(dark.derived);
        let (ratio, _) = dark.colour.worst(&b.dark).expect("backgrounds");
        assert!(ratio >= MIN_CONTRAST, "{ratio}");
        assert!(review(&style, &b, Path::new("site.yaml")).is_empty());
        let colours = colours(&style, &b).expect("colours");
        for p in [colours.light, colours.dark].into_iter().flatten() {
            let accent = Rgb::parse(&p.accent).expect("colour");
            let on = Rgb::parse(&p.accent_contrast).expect("colour");
            assert!(contrast(accent, on) >= MIN_CONTRAST);
        }
    }

    #[test]
    fn a_pale_accent_is_reported_with_a_darker_one_that_passes() {
        let b = Backgrounds::parse(":root{--bg:#ffffff;--bg-subtle:#f6f7f9}");
        let style = Style {
            accent: Some(At {
                value: Rgb::parse("#ffcc00").expect("colour"),
                line: 7,
            }),
            ..Style::default()
        };
        let found = review(&style, &b, Path::new("site.yaml"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, Some(7));
        assert!(
            found[0].message.contains("--bg-subtle"),
            "{}",
            found[0].message
        );
        let hint = found[0].hint.as_deref().unwrap_or_default();
        let suggested = hint
            .split('"')
            .nth(1)
            .and_then(Rgb::parse)
            .expect("a colour in the hint");
        assert!(
            suggested
                .worst(&b.light)
                .is_some_and(|(r, _)| r >= MIN_CONTRAST)
        );
    }
}
