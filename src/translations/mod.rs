//! Which texts translate which: a translated summary records, in its
//! `translation_of:`, the version of the original it was made from, so that
//! an edit to the original shows as an out-of-date translation (see
//! [`crate::model::Summary::stale`]). [`mark`] records it once a translator
//! has brought a translation up to date.

mod exchange;
mod yaml;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::model::{Discussion, LangText, Site, Summary, Versions, text_version};
use yaml::Place;

pub use exchange::{Entry, Format, Imported, Translation, entries, import, read, write};

/// What [`mark`] did with one translation.
#[derive(Debug, PartialEq, Eq)]
pub struct Marked {
    /// The translation's file.
    pub file: PathBuf,
    /// What it translates, for people: its original's file, or the text of
    /// a question in the original language.
    pub translates: String,
    /// The original's version now recorded.
    pub version: String,
    /// Whether the file was written (`false`: it already recorded that version).
    pub written: bool,
}

/// Records in every translation into `lang` (of the discussion whose
/// address is `only`, when given) the current version of its original:
/// - each summary and conclusion, in its `translation_of:`, of the text in
///   the language that names, else in the discussion's original language;
/// - each question's text, in the question's `translated:`, of its text in
///   the discussion's original language.
///
/// Only those lines change; comments and the rest of each file stay as they
/// are.
pub fn mark(
    site: &Site,
    site_file: &Path,
    only: Option<&str>,
    lang: Lang,
) -> Result<Vec<Marked>, Diagnostic> {
    let mut out = Vec::new();
    if only.is_none() {
        out.extend(mark_texts(&[site_title(site, site_file)], lang)?);
    }
    for d in site
        .discussions
        .iter()
        .filter(|d| only.is_none_or(|o| o == d.slug))
    {
        out.extend(mark_texts(&discussion_texts(d), lang)?);
        let texts = d.summaries.values().chain(std::iter::once(&d.conclusion));
        for by_lang in texts {
            if let Some(m) = mark_one(d, by_lang, lang)? {
                out.push(m);
            }
        }
    }
    Ok(out)
}

/// A text the moderators give in several languages in a YAML map (a title,
/// a question), with what its translations record and where the map is.
struct TextMap<'a> {
    /// Its id in exchanges: `site/title`, `<discussion>/title`,
    /// `<discussion>/group/2/title`, `<discussion>/question/1.2`.
    pub id: String,
    /// For people: "title of group 2".
    pub what: String,
    /// The file holding it (`site.yaml`, `_discussion.md`).
    pub file: &'a Path,
    pub text: &'a BTreeMap<Lang, String>,
    pub versions: &'a Versions,
    /// The language of its original.
    pub original: Lang,
    /// The mapping holding the map, and the map's key in it.
    pub place: Place,
    pub key: &'static str,
}

impl TextMap<'_> {
    /// The version of the original its `lang` text translates, with the
    /// edit recording it in the map's `translated:` when that does not say
    /// so yet; `None` when `lang` is the original's or there is no original.
    fn record(&self, lang: Lang) -> Option<(String, Option<yaml::Edit>)> {
        let original = self
            .text
            .get(&self.original)
            .filter(|_| lang != self.original)?;
        let version = text_version(original);
        let edit = (self.versions.recorded.get(&lang) != Some(&version)).then(|| yaml::Edit {
            at: self.place,
            key: "translated",
            value: format!("\"{version}\""),
            create: Some(self.key),
        });
        Some((version, edit))
    }
}

/// The site's title in `site.yaml`.
fn site_title<'a>(site: &'a Site, site_file: &'a Path) -> TextMap<'a> {
    TextMap {
        id: "site/title".into(),
        what: "title of the site".into(),
        file: site_file,
        text: &site.config.title,
        versions: &site.config.title_versions,
        original: site.config.default_lang,
        place: Place::Top(0),
        key: "title",
    }
}

/// The texts of discussion `d`'s `_discussion.md`: its title, then each
/// group's title and questions, in order.
fn discussion_texts(d: &Discussion) -> Vec<TextMap<'_>> {
    fn map<'a>(
        d: &'a Discussion,
        id: String,
        what: String,
        (text, versions): (&'a LangText, &'a Versions),
        place: Place,
        key: &'static str,
    ) -> TextMap<'a> {
        TextMap {
            id,
            what,
            file: &d.source,
            text: &text.0,
            versions,
            original: d.original_lang,
            place,
            key,
        }
    }
    let mut out = vec![map(
        d,
        format!("{}/title", d.slug),
        "title of the discussion".into(),
        (&d.title, &d.title_versions),
        Place::Top(1),
        "title",
    )];
    for g in &d.groups {
        if let Some(first) = g.questions.first() {
            out.push(map(
                d,
                format!("{}/group/{}/title", d.slug, g.id),
                format!("title of group {}", g.id),
                (&g.title, &g.title_versions),
                Place::Holding(first.line - 1, g.id),
                "title",
            ));
        }
        for q in &g.questions {
            out.push(map(
                d,
                format!("{}/question/{}", d.slug, q.id),
                format!("text of question {}", q.id),
                (&q.text, &q.versions),
                Place::Item(q.line - 1),
                "text",
            ));
        }
    }
    out
}

/// Records in each of `texts` translated into `lang` the version of its
/// original, in one write of their file.
fn mark_texts(texts: &[TextMap<'_>], lang: Lang) -> Result<Vec<Marked>, Diagnostic> {
    let mut out = Vec::new();
    let mut edits: BTreeMap<&Path, Vec<(String, yaml::Edit)>> = BTreeMap::new();
    for t in texts {
        if !t.text.contains_key(&lang) {
            continue;
        }
        let Some((version, edit)) = t.record(lang) else {
            continue;
        };
        let written = edit.is_some();
        if let Some(e) = edit {
            edits.entry(t.file).or_default().push((t.what.clone(), e));
        }
        out.push(Marked {
            file: t.file.to_path_buf(),
            translates: format!("the {} {}", t.original.english_name(), t.what),
            version,
            written,
        });
    }
    for (file, edits) in edits {
        let (_, refused) = yaml::apply(file, edits, lang)?;
        if let Some((what, why)) = refused.into_iter().next() {
            return Err(Diagnostic::error(
                file,
                None,
                format!("cannot record the translation of {what}: {why}"),
            )
            .hint("add `translated: {LANG: VERSION}` beside the text by hand"));
        }
    }
    Ok(out)
}

fn mark_one(
    d: &Discussion,
    by_lang: &BTreeMap<Lang, Summary>,
    lang: Lang,
) -> Result<Option<Marked>, Diagnostic> {
    let Some(translation) = by_lang.get(&lang) else {
        return Ok(None);
    };
    let from = translation
        .translation_of
        .as_ref()
        .map_or(d.original_lang, |t| t.lang);
    let Some(original) = by_lang.get(&from).filter(|_| from != lang) else {
        return Ok(None);
    };
    let recorded = translation
        .translation_of
        .as_ref()
        .map(|t| t.version.as_str());
    let written = recorded != Some(original.version.as_str());
    if written {
        let io = |e: std::io::Error| {
            Diagnostic::error(
                &translation.source,
                None,
                format!("cannot record the translation: {e}"),
            )
        };
        let text = fs::read_to_string(&translation.source).map_err(io)?;
        fs::write(
            &translation.source,
            record_translation(&text, from, &original.version),
        )
        .map_err(io)?;
    }
    Ok(Some(Marked {
        file: translation.source.clone(),
        translates: original.source.display().to_string(),
        version: original.version.clone(),
        written,
    }))
}

/// The text of a translated summary with its `translation_of:` saying that
/// it translates version `version` of the original in `from`.
pub(crate) fn record_translation(text: &str, from: Lang, version: &str) -> String {
    // Quoted: a version of digits only would read as a number.
    let line = format!(
        "translation_of: {{lang: {}, version: \"{version}\"}}",
        from.code()
    );
    set_front_matter_line(text, "translation_of", &line)
}

/// `text` with the front-matter entry `key` (its line, and the indented lines
/// of a value written below it) replaced by `line`, or `line` added at the
/// top of the front-matter, which is created when the file has none.
pub(crate) fn set_front_matter_line(text: &str, key: &str, line: &str) -> String {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let (bom, body) = text
        .strip_prefix('\u{feff}')
        .map_or(("", text), |rest| ("\u{feff}", rest));
    let lines: Vec<&str> = body.split_inclusive('\n').collect();
    let is_fence = |l: &str| l.trim_end() == "---";
    let close = lines.first().filter(|l| is_fence(l)).and_then(|_| {
        lines
            .iter()
            .skip(1)
            .position(|l| is_fence(l))
            .map(|i| i + 1)
    });
    let Some(close) = close else {
        return format!("{bom}---{newline}{line}{newline}---{newline}{body}");
    };
    let mut out = String::from(bom);
    out.push_str(lines[0]);
    let entry = (1..close).find(|&i| {
        lines[i]
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    });
    match entry {
        None => {
            out.push_str(line);
            out.push_str(newline);
            lines[1..].iter().for_each(|l| out.push_str(l));
        }
        Some(at) => {
            let mut end = at + 1;
            while end < close && lines[end].starts_with([' ', '\t']) {
                end += 1;
            }
            lines[1..at].iter().for_each(|l| out.push_str(l));
            out.push_str(line);
            out.push_str(newline);
            lines[end..].iter().for_each(|l| out.push_str(l));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::set_front_matter_line;

    const LINE: &str = "translation_of: {lang: en, version: 0123abcd}";

    #[test]
    fn a_file_without_front_matter_gets_one() {
        assert_eq!(
            set_front_matter_line("Texte.\n", "translation_of", LINE),
            format!("---\n{LINE}\n---\nTexte.\n")
        );
    }

    #[test]
    fn the_entry_is_added_or_replaced_and_comments_stay() {
        let before = "---\n# relu par Awa\ntitle: \"Eau\"\n---\nTexte.\n";
        let added = set_front_matter_line(before, "translation_of", LINE);
        assert_eq!(
            added,
            format!("---\n{LINE}\n# relu par Awa\ntitle: \"Eau\"\n---\nTexte.\n")
        );
        let block = "---\ntitle: Eau\ntranslation_of:\n  lang: en\n  version: ffff0000\n# fin\n---\nTexte.\n";
        assert_eq!(
            set_front_matter_line(block, "translation_of", LINE),
            format!("---\ntitle: Eau\n{LINE}\n# fin\n---\nTexte.\n")
        );
        let crlf = "---\r\ntranslation_of: {lang: en, version: 1}\r\n---\r\nTexte.\r\n";
        assert_eq!(
            set_front_matter_line(crlf, "translation_of", LINE),
            format!("---\r\n{LINE}\r\n---\r\nTexte.\r\n")
        );
    }
}
