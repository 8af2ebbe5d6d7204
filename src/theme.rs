//! A theme: templates, static files and the site's own text in every language.
//!
//! Read from `themes/<name>/` beside the content folder; the default theme is
//! also built into the binary, so `palabre` works wherever it is installed.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use serde::Deserialize;
use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::lang::Lang;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub struct Theme {
    /// Where it was read from, for messages.
    pub origin: PathBuf,
    /// Template name (path under `templates/`) and source.
    pub templates: Vec<(String, String)>,
    /// Path under `static/` and bytes, copied as they are.
    pub statics: Vec<(String, Vec<u8>)>,
    pub i18n: BTreeMap<Lang, I18nFile>,
    /// The translation files as read, for [`Theme::hash`].
    i18n_source: Vec<u8>,
}

/// One `i18n/<lang>.yaml`: the site's own text in one language.
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct I18nFile {
    /// The language's name in itself, for the language switcher.
    #[serde(default)]
    pub language_name: Option<String>,
    #[serde(default)]
    pub text: BTreeMap<String, String>,
    /// Counted phrases: `{one: "{n} reply", other: "{n} replies"}`.
    #[serde(default)]
    pub plural: BTreeMap<String, PluralForms>,
    #[serde(default)]
    pub months: Vec<String>,
    /// With `{day}`, `{month}` and `{year}`.
    #[serde(default)]
    pub date_format: Option<String>,
}

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct PluralForms {
    pub one: String,
    pub other: String,
}

impl Theme {
    /// A hash of every file of the theme.
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

    /// Loads theme `name` from `themes_dir`, or the built-in default theme when
    /// `name` is `default` and no such folder exists.
    pub fn load(themes_dir: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
        let dir = themes_dir.join(name);
        let files: Vec<(String, Vec<u8>)> = if dir.is_dir() {
            read_folder(&dir)?
        } else if name == "default" {
            let mut files = Vec::new();
            collect_embedded(&DEFAULT_THEME, &mut files);
            files.sort();
            files
        } else {
            return Err(vec![
                Diagnostic::error(&dir, None, format!("theme `{name}` not found"))
                    .hint("create the folder, or set `theme: default` in site.yaml"),
            ]);
        };
        let mut theme = Theme {
            origin: dir.clone(),
            templates: Vec::new(),
            statics: Vec::new(),
            i18n: BTreeMap::new(),
            i18n_source: Vec::new(),
        };
        let mut errors = Vec::new();
        for (path, bytes) in files {
            if let Some(name) = path.strip_prefix("templates/") {
                match String::from_utf8(bytes) {
                    Ok(s) => theme.templates.push((name.to_string(), s)),
                    Err(_) => errors.push(Diagnostic::error(
                        &dir.join(&path),
                        None,
                        "template is not UTF-8",
                    )),
                }
            } else if let Some(name) = path.strip_prefix("static/") {
                theme.statics.push((name.to_string(), bytes));
            } else if let Some(file) = path.strip_prefix("i18n/") {
                let Some(lang) = file.strip_suffix(".yaml").and_then(Lang::from_code) else {
                    continue;
                };
                theme.i18n_source.extend_from_slice(path.as_bytes());
                theme.i18n_source.extend_from_slice(&bytes);
                let text = String::from_utf8_lossy(&bytes);
                match crate::frontmatter::parse::<I18nFile>(&dir.join(&path), &text, 1) {
                    Ok(f) => {
                        theme.i18n.insert(lang, f);
                    }
                    Err(d) => errors.push(d),
                }
            }
        }
        if errors.is_empty() {
            Ok(theme)
        } else {
            Err(errors)
        }
    }
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
