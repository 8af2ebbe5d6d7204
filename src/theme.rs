//! A theme: templates, static files and the site's own text in every language.
//!
//! The default theme is built into the binary, so `palabre` works wherever it
//! is installed. A folder `themes/<name>/` beside the content folder changes
//! it file by file: each template, static file or translation file there
//! replaces the built-in one of the same path (translations key by key), and
//! everything else comes from the built-in theme.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use serde::Deserialize;
use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::lang::{Category, Lang};
use crate::style::Backgrounds;
use crate::util::error_chain;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// How messages name a file of the built-in theme, which is on no disk.
const BUILT_IN: &str = "<built-in theme>";

/// A theme, loaded: the built-in theme with the files of `themes/<name>/` in
/// place of its own (see [`Theme::load`]).
pub struct Theme {
    /// The theme's folder (`themes/<name>`), which may not exist.
    pub origin: PathBuf,
    /// Template name (path under `templates/`) and source.
    pub templates: Vec<(String, String)>,
    /// Path under `static/` and bytes, copied as they are.
    pub statics: Vec<(String, Vec<u8>)>,
    /// The translation files by language: the built-in one with the theme's
    /// put over it, key by key.
    pub i18n: BTreeMap<Lang, I18nFile>,
    /// Paths under the theme (`templates/base.html`) read from `origin`
    /// rather than from the built-in theme.
    overrides: BTreeSet<String>,
    /// The translation files as read, built-in and overriding, for [`Theme::hash`].
    i18n_source: Vec<u8>,
}

/// One `i18n/<lang>.yaml`: the site's own text in one language.
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct I18nFile {
    /// The language's name in itself, for the language switcher.
    #[serde(default)]
    pub language_name: Option<String>,
    /// The site's own text by key (`question: Question`).
    #[serde(default)]
    pub text: BTreeMap<String, String>,
    /// Counted phrases: `{one: "{n} reply", other: "{n} replies"}`.
    #[serde(default)]
    pub plural: BTreeMap<String, PluralForms>,
    /// The month names, January first. A language's strings use them only when
    /// there are twelve, and else those of the default language.
    #[serde(default)]
    pub months: Vec<String>,
    /// With `{day}`, `{month}` and `{year}`.
    #[serde(default)]
    pub date_format: Option<String>,
}

impl I18nFile {
    /// `self` with what `other` says put over it: key by key for texts and
    /// counted phrases, whole for the others, so that a theme's file may
    /// hold only the strings it changes.
    fn merge(&mut self, other: I18nFile) {
        self.text.extend(other.text);
        self.plural.extend(other.plural);
        if !other.months.is_empty() {
            self.months = other.months;
        }
        if other.language_name.is_some() {
            self.language_name = other.language_name;
        }
        if other.date_format.is_some() {
            self.date_format = other.date_format;
        }
    }
}

/// The forms of a counted phrase, each holding `{n}` for the number: one per
/// CLDR plural category the language has (English: `one` and `other`;
/// Arabic all six). A category without its form uses `other`.
#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct PluralForms {
    /// For 0 where the language has a form for it (Arabic, Latvian).
    pub zero: Option<String>,
    /// For the category "one" (1 in English; 0 and 1 in French).
    pub one: Option<String>,
    /// For 2 where the language has a dual (Arabic, Hebrew, Slovenian).
    pub two: Option<String>,
    /// For the category "few" (Arabic 3–10, Russian 2–4, 22–24…).
    pub few: Option<String>,
    /// For the category "many" (Arabic 11–99, Russian 5–20…).
    pub many: Option<String>,
    /// For any other count.
    pub other: String,
}

impl PluralForms {
    /// The form for a count in `category`.
    pub fn form(&self, category: Category) -> &str {
        match category {
            Category::Zero => self.zero.as_ref(),
            Category::One => self.one.as_ref(),
            Category::Two => self.two.as_ref(),
            Category::Few => self.few.as_ref(),
            Category::Many => self.many.as_ref(),
            Category::Other => None,
        }
        .unwrap_or(&self.other)
    }
}

/// `lang="{{ code }}"{{ code | dir }}`: on a site with a right-to-left
/// language, each element marked with a language says its direction too
/// (` dir=rtl`, ` dir=ltr`), so that an Arabic reply reads right to left on
/// an English page and the other way round; on other sites, nothing.
fn dir_filter(any_rtl: bool) -> impl tera::Filter {
    move |value: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
        let lang = value.as_str().and_then(Lang::from_code);
        Ok(tera::Value::String(match lang {
            Some(l) if any_rtl => format!(" dir={}", l.dir()),
            _ => String::new(),
        }))
    }
}

impl Theme {
    /// A hash of every file of the theme, built-in or overriding.
    pub fn hash(&self) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        for (name, text) in &self.templates {
            h.update(name.as_bytes());
            h.update(text.as_bytes());
        }
        for (name, bytes) in &self.statics {
            h.update(name.as_bytes());
            h.update(bytes);
        }
        h.update(&self.i18n_source);
        h.finalize()
    }

    /// Loads theme `name`: the built-in default theme, with each file of
    /// `themes_dir/name/` in place of the built-in one of the same path.
    /// Without that folder, the built-in theme as it is when `name` is
    /// `default`, an error otherwise.
    pub fn load(themes_dir: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
        let dir = themes_dir.join(name);
        let own = if dir.is_dir() {
            read_folder(&dir)?
        } else if name == "default" {
            Vec::new()
        } else {
            return Err(vec![
                Diagnostic::error(&dir, None, format!("theme `{name}` not found"))
                    .hint("create the folder, or set `theme: default` in site.yaml"),
            ]);
        };
        let mut built_in = Vec::new();
        collect_embedded(&DEFAULT_THEME, &mut built_in);
        built_in.sort();
        let mut theme = Theme {
            origin: dir,
            templates: Vec::new(),
            statics: Vec::new(),
            i18n: BTreeMap::new(),
            overrides: BTreeSet::new(),
            i18n_source: Vec::new(),
        };
        let mut templates = BTreeMap::new();
        let mut statics = BTreeMap::new();
        let mut errors = Vec::new();
        // Built-in files first, so that the theme's own replace them.
        let files = built_in
            .into_iter()
            .map(|f| (false, f))
            .chain(own.into_iter().map(|f| (true, f)));
        for (overriding, (path, bytes)) in files {
            let file = if overriding {
                theme.origin.join(&path)
            } else {
                Path::new(BUILT_IN).join(&path)
            };
            if let Some(name) = path.strip_prefix("templates/") {
                match String::from_utf8(bytes) {
                    Ok(s) => {
                        templates.insert(name.to_string(), s);
                    }
                    Err(_) => errors.push(
                        Diagnostic::error(&file, None, "template is not UTF-8")
                            .hint("save it as UTF-8 text"),
                    ),
                }
            } else if let Some(name) = path.strip_prefix("static/") {
                statics.insert(name.to_string(), bytes);
            } else if let Some(code) = path.strip_prefix("i18n/") {
                let Some(lang) = code.strip_suffix(".yaml").and_then(Lang::from_code) else {
                    continue;
                };
                theme.i18n_source.push(u8::from(overriding));
                theme.i18n_source.extend_from_slice(path.as_bytes());
                theme
                    .i18n_source
                    .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
                theme.i18n_source.extend_from_slice(&bytes);
                let text = String::from_utf8_lossy(&bytes);
                match crate::frontmatter::parse::<I18nFile>(&file, &text, 1) {
                    Ok(f) => theme.i18n.entry(lang).or_default().merge(f),
                    Err(d) => errors.push(d),
                }
            } else {
                // Anything else in the folder (a README, a licence) is not
                // part of the site.
                continue;
            }
            if overriding {
                theme.overrides.insert(path);
            }
        }
        theme.templates = templates.into_iter().collect();
        theme.statics = statics.into_iter().collect();
        if errors.is_empty() {
            Ok(theme)
        } else {
            Err(errors)
        }
    }

    /// Where the theme's file `path` (`templates/base.html`) was read from,
    /// for messages: the theme's folder or the built-in theme.
    pub fn file(&self, path: &str) -> PathBuf {
        if self.overrides.contains(path) {
            self.origin.join(path)
        } else {
            Path::new(BUILT_IN).join(path)
        }
    }

    /// The static file `name` (path under `static/`), if the theme has one.
    pub fn static_file(&self, name: &str) -> Option<&[u8]> {
        self.statics
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, bytes)| bytes.as_slice())
    }

    /// The backgrounds its `style.css` draws the accent colour of `style:` on.
    pub fn backgrounds(&self) -> Backgrounds {
        let css = self.static_file("style.css").unwrap_or_default();
        Backgrounds::parse(&String::from_utf8_lossy(css))
    }

    /// The templates, compiled. Each template that does not parse is
    /// reported against its own file and line, all at once.
    pub fn compile(&self, languages: &[Lang]) -> Result<tera::Tera, Vec<Diagnostic>> {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(self.templates.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| {
                // Parsed again one by one only when they fail, to tell each
                // template that does not parse (tera stops at the first).
                let unparsed = self.unparsed();
                if !unparsed.is_empty() {
                    return unparsed;
                }
                // Templates that parse but do not fit together: a parent or a
                // macro file that is missing.
                let message = error_chain(&e);
                let name = self.named_template(&message);
                vec![
                    Diagnostic::error(
                        &self.file(&format!("templates/{}", name.unwrap_or(""))),
                        None,
                        format!("template error: {message}"),
                    )
                    .hint(self.hint(
                        name.unwrap_or(""),
                        "every template named in `extends`, `include` and `import` must exist",
                    )),
                ]
            })?;
        tera.register_filter("dir", dir_filter(languages.iter().any(|l| l.is_rtl())));
        Ok(tera)
    }

    /// Each template that does not parse, reported against its own file and line.
    fn unparsed(&self) -> Vec<Diagnostic> {
        self.templates
            .iter()
            .filter_map(|(name, source)| {
                let e = tera::Template::new(name, None, source).err()?;
                let message = error_chain(&e);
                Some(
                    Diagnostic::error(
                        &self.file(&format!("templates/{name}")),
                        parse_error_line(&message),
                        format!("template `{name}` does not parse: {message}"),
                    )
                    .hint(self.hint(name, "fix the template's tera syntax")),
                )
            })
            .collect()
    }

    /// A template's failure to render `page`, reported against the file of
    /// the template it happened in.
    pub fn render_error(&self, page: &str, e: &tera::Error) -> Diagnostic {
        let message = error_chain(e);
        let (name, line) = self.locate(&message);
        let name = name.unwrap_or("");
        Diagnostic::error(
            &self.file(&format!("templates/{name}")),
            line,
            format!("{RENDERING}{page}: {message}"),
        )
        .hint(self.hint(
            name,
            "fix the template; docs/themes.md lists what each template gets",
        ))
    }

    /// What to do about a broken template: fix it when it is the theme's
    /// own; when it is built in, look at the theme's templates it uses.
    fn hint(&self, name: &str, fix: &str) -> String {
        let own: Vec<String> = self
            .overrides
            .iter()
            .filter(|p| p.starts_with("templates/"))
            .map(|p| self.origin.join(p).display().to_string())
            .collect();
        if self.overrides.contains(&format!("templates/{name}")) || own.is_empty() {
            fix.to_string()
        } else {
            format!(
                "the built-in template fails with the theme's own ({}): check what they define and pass",
                own.join(", ")
            )
        }
    }

    /// The template and line a render error happened at. Tera names a
    /// template, not always the right one (after a block, an error in the
    /// parent's own text is put in the child), so the name or expression
    /// the error is about is looked for in that template, then in those it
    /// extends and imports, then in any.
    fn locate<'s>(&'s self, message: &str) -> (Option<&'s str>, Option<usize>) {
        let named = self.named_template(message);
        let source = |name: &str| self.templates.iter().find(|(n, _)| n == name);
        let Some(token) = message
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|t| !t.is_empty() && source(t).is_none())
            .last()
        else {
            return (named, None);
        };
        let mut order: Vec<&'s (String, String)> = Vec::new();
        let mut queue: Vec<&'s (String, String)> = named.and_then(source).into_iter().collect();
        while let Some(t) = queue.pop() {
            if order.iter().any(|o| std::ptr::eq(*o, t)) {
                continue;
            }
            order.push(t);
            if let Ok(parsed) = tera::Template::new(&t.0, None, &t.1) {
                let uses = parsed
                    .parent
                    .iter()
                    .chain(parsed.imported_macro_files.iter().map(|(f, _)| f));
                queue.extend(uses.filter_map(|n| source(n)));
            }
        }
        order.extend(&self.templates);
        for (name, text) in order {
            if let Some(at) = text.find(token) {
                let line = crate::frontmatter::line_of(text, at, 1);
                return (Some(name.as_str()), Some(line));
            }
        }
        (named, None)
    }

    /// The template a tera error is about: the one it says the error
    /// happened in, else the one that defines the macro it names, else the
    /// first template it names.
    fn named_template<'s>(&'s self, message: &str) -> Option<&'s str> {
        let known = |candidate: &str| {
            self.templates
                .iter()
                .map(|(n, _)| n.as_str())
                .find(|n| *n == candidate)
        };
        if let Some(name) = between(message, "(error happened in '", "'").and_then(known) {
            return Some(name);
        }
        if let Some(name) = between(message, "error while rendering macro `", "`")
            .and_then(|m| m.rsplit("::").next())
        {
            let defines = self.templates.iter().find(|(n, source)| {
                tera::Template::new(n, None, source).is_ok_and(|t| t.macros.contains_key(name))
            });
            if let Some((n, _)) = defines {
                return Some(n);
            }
        }
        message
            .split(['\'', '`'])
            .skip(1)
            .step_by(2)
            .find_map(known)
    }
}

/// How [`Theme::render_error`] starts its message, before the page.
const RENDERING: &str = "rendering ";

/// `errors` with the same template error on several pages told once, with
/// the first page and how many others: a broken template fails every page
/// made with it, and a site has thousands.
pub fn merge_pages(errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut pages: BTreeMap<Diagnostic, Vec<String>> = BTreeMap::new();
    let mut others = Vec::new();
    for mut d in errors {
        let split = d
            .message
            .strip_prefix(RENDERING)
            .and_then(|m| m.split_once(": "));
        let Some((page, rest)) = split.map(|(p, r)| (p.to_string(), r.to_string())) else {
            others.push(d);
            continue;
        };
        d.message = rest;
        pages.entry(d).or_default().push(page);
    }
    for (mut d, mut list) in pages {
        list.sort();
        let more = match list.len() - 1 {
            0 => String::new(),
            1 => " and 1 other page".to_string(),
            n => format!(" and {n} other pages"),
        };
        d.message = format!("{RENDERING}{}{more}: {}", list[0], d.message);
        others.push(d);
    }
    others
}

/// The text between the first `open` in `s` and the next `close`.
fn between<'s>(s: &'s str, open: &str, close: &str) -> Option<&'s str> {
    let start = s.find(open)? + open.len();
    let len = s[start..].find(close)?;
    Some(&s[start..start + len])
}

/// The line of a tera parse error, which it gives as ` --> line:column`.
fn parse_error_line(message: &str) -> Option<usize> {
    let at = message.split("--> ").nth(1)?;
    at.split(':').next()?.trim().parse().ok()
}

fn read_folder(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                match fs::read(e.path()) {
                    Ok(bytes) => files.push((rel, bytes)),
                    Err(err) => errors.push(Diagnostic::error(
                        e.path(),
                        None,
                        format!("cannot read: {err}"),
                    )),
                }
            }
            Ok(_) => {}
            Err(err) => errors.push(Diagnostic::error(
                err.path().unwrap_or(dir),
                None,
                format!("cannot read: {err}"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

fn collect_embedded(dir: &Dir<'static>, out: &mut Vec<(String, Vec<u8>)>) {
    for f in dir.files() {
        out.push((
            f.path().to_string_lossy().replace('\\', "/"),
            f.contents().to_vec(),
        ));
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_line_of_a_parse_error() {
        let e = tera::Template::new("t.html", None, "a\nb\n{{ x }</p>\nc\n").expect_err("unclosed");
        assert_eq!(parse_error_line(&error_chain(&e)), Some(3));
    }

    /// The vendored tera follows dotted paths without copying their names,
    /// except those it escaped, and cuts plain paths at their dots: keys
    /// holding `/`, `~` or `.` are still found.
    #[test]
    fn keys_with_slashes_tildes_and_dots_are_found_in_templates() {
        let mut tera = tera::Tera::default();
        let source = r#"{{ page.title }}|{{ page["a/b"] }}|{{ page["c~d"] }}|{{ page.list.1 }}|{{ page["x.y"] }}"#;
        tera.add_raw_template("t.html", source).expect("template");
        let value = serde_json::json!({"page": {
            "title": "T", "a/b": "slash", "c~d": "tilde", "list": [0, 1], "x.y": "dot"
        }});
        let ctx = tera::Context::from_value(value).expect("context");
        assert_eq!(
            tera.render("t.html", &ctx).expect("render"),
            "T|slash|tilde|1|dot"
        );
    }

    use proptest::prelude::*;

    proptest! {
        /// The vendored tera escapes HTML by copying runs of bytes; it
        /// writes what escaping character by character writes.
        #[test]
        fn html_is_escaped_as_character_by_character(text in "[a-z&<>\"'/ é“→\u{a0}]{0,40}") {
            let expected = crate::util::escaped_by_chars(&text, |c| match c {
                '&' => Some("&amp;"),
                '<' => Some("&lt;"),
                '>' => Some("&gt;"),
                '"' => Some("&quot;"),
                '\'' => Some("&#x27;"),
                '/' => Some("&#x2F;"),
                _ => None,
            });
            prop_assert_eq!(tera::escape_html(&text), expected);
        }
    }
}
