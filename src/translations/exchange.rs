//! Translations exchanged with translators: every translatable text of the
//! site that is missing or out of date in a language, written as XLIFF 1.2
//! (what translators' tools read most widely) or gettext PO, and the
//! translated summaries read back into the content folder.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;

use super::yaml::{self, Edit};
use super::{TextMap, discussion_texts, record_translation, site_title};
use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::model::{QuestionId, Site, Summary};

/// One text to translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What it is, stable across exports: `site/title`, `<discussion>/title`,
    /// `<discussion>/question/1.2`, `<discussion>/summary/1-2`,
    /// `<discussion>/conclusion`, ….
    pub id: String,
    /// The language it is written in.
    pub source_lang: Lang,
    /// The text (Markdown for summaries and conclusions).
    pub source: String,
    /// Where it comes from.
    pub file: PathBuf,
    /// The translation there is, when it is out of date.
    pub stale: Option<String>,
}

/// The file formats of an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// XLIFF 1.2.
    Xliff,
    /// gettext PO.
    Po,
}

/// Every text of `site` that has no translation in `lang`, or an out-of-date
/// one, in the order of the site: its title, then each discussion's title,
/// introduction, group titles, questions, summaries and conclusion.
pub fn entries(site: &Site, content: &Path, lang: Lang) -> Result<Vec<Entry>, Diagnostic> {
    let mut out = Vec::new();
    let site_file = content.join("site.yaml");
    out.extend(text_entry(&site_title(site, &site_file), lang));
    for d in &site.discussions {
        let o = d.original_lang;
        out.extend(
            discussion_texts(d)
                .iter()
                .filter_map(|t| text_entry(t, lang)),
        );
        if o != lang {
            let intro = body_of(&d.source)?;
            if !intro.trim().is_empty() {
                out.push(Entry {
                    id: format!("{}/introduction", d.slug),
                    source_lang: o,
                    source: intro,
                    file: d.source.clone(),
                    stale: None,
                });
            }
        }
        let texts = d
            .summaries
            .iter()
            .map(|(q, m)| (format!("{}/summary/{}-{}", d.slug, q.group, q.question), m))
            .chain(std::iter::once((
                format!("{}/conclusion", d.slug),
                &d.conclusion,
            )));
        for (id, by_lang) in texts {
            if let Some(e) = summary_entry(id, by_lang, o, lang)? {
                out.push(e);
            }
        }
    }
    Ok(out)
}

/// A title's or a question's entry: its original when `lang` has no text,
/// or one made from an earlier version of the original.
fn text_entry(t: &TextMap<'_>, lang: Lang) -> Option<Entry> {
    let stale = match t.text.get(&lang) {
        Some(old) if t.versions.stale.contains(&lang) => Some(old.clone()),
        Some(_) => return None,
        None => None,
    };
    let (source_lang, source) = t
        .text
        .get_key_value(&t.original)
        .or_else(|| t.text.iter().next())?;
    Some(Entry {
        id: t.id.clone(),
        source_lang: *source_lang,
        source: source.clone(),
        file: t.file.to_path_buf(),
        stale,
    })
}

/// A summary's entry: its original when `lang` has no translation, or one
/// made from an earlier version of the original.
fn summary_entry(
    id: String,
    by_lang: &BTreeMap<Lang, Summary>,
    original_lang: Lang,
    lang: Lang,
) -> Result<Option<Entry>, Diagnostic> {
    let translation = by_lang.get(&lang);
    let from = translation
        .and_then(|t| t.translation_of.as_ref())
        .map_or(original_lang, |t| t.lang);
    let Some((source_lang, original)) = by_lang
        .get(&from)
        .map(|s| (from, s))
        .or_else(|| by_lang.iter().next().map(|(&l, s)| (l, s)))
        .filter(|(l, _)| *l != lang)
    else {
        return Ok(None);
    };
    let stale = match translation {
        None => None,
        Some(t) if t.stale.is_some() => Some(body_of(&t.source)?),
        Some(_) => return Ok(None),
    };
    Ok(Some(Entry {
        id,
        source_lang,
        source: body_of(&original.source)?,
        file: original.source.clone(),
        stale,
    }))
}

/// The Markdown of a file, without its front-matter, trimmed.
fn body_of(path: &Path) -> Result<String, Diagnostic> {
    let text = fs::read_to_string(path)
        .map_err(|e| Diagnostic::error(path, None, format!("cannot read: {e}")))?;
    let body = crate::frontmatter::split(&text).map_or(text.as_str(), |s| s.body);
    Ok(body.trim().to_string())
}

/// The entries as a file for translators into `lang`.
pub fn write(entries: &[Entry], lang: Lang, format: Format) -> String {
    match format {
        Format::Xliff => xliff(entries, lang),
        Format::Po => po(entries, lang),
    }
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    crate::util::push_xml_escaped(text, &mut out);
    out
}

/// XLIFF 1.2: one `<file>` per source language, a `trans-unit` per entry; an
/// out-of-date translation is its target, marked `needs-review-translation`.
fn xliff(entries: &[Entry], lang: Lang) -> String {
    let mut by_source: BTreeMap<Lang, Vec<&Entry>> = BTreeMap::new();
    for e in entries {
        by_source.entry(e.source_lang).or_default().push(e);
    }
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n",
    );
    for (source, entries) in by_source {
        let _ = writeln!(
            x,
            "  <file original=\"palabre\" source-language=\"{}\" target-language=\"{}\" datatype=\"plaintext\">\n    <body>",
            source.code(),
            lang.code()
        );
        for e in entries {
            let _ = writeln!(
                x,
                "      <trans-unit id=\"{}\" xml:space=\"preserve\">",
                xml_escape(&e.id)
            );
            let _ = writeln!(x, "        <source>{}</source>", xml_escape(&e.source));
            if let Some(old) = &e.stale {
                let _ = writeln!(
                    x,
                    "        <target state=\"needs-review-translation\">{}</target>",
                    xml_escape(old)
                );
            }
            let _ = writeln!(
                x,
                "        <note from=\"palabre\">{}</note>",
                xml_escape(&e.file.display().to_string())
            );
            x.push_str("      </trans-unit>\n");
        }
        x.push_str("    </body>\n  </file>\n");
    }
    x.push_str("</xliff>\n");
    x
}

/// A PO string: quoted, escaped, one line of the file per line of the text.
fn po_string(text: &str) -> String {
    let escaped = |l: &str| {
        l.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\t', "\\t")
    };
    if !text.contains('\n') {
        return format!("\"{}\"", escaped(text));
    }
    let mut out = String::from("\"\"");
    for line in text.split_inclusive('\n') {
        let (body, nl) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\\n"));
        let _ = write!(out, "\n\"{}{nl}\"", escaped(body));
    }
    out
}

/// gettext PO: each entry's id as its `msgctxt`, its file as a reference
/// comment, an out-of-date translation as a `fuzzy` `msgstr`.
fn po(entries: &[Entry], lang: Lang) -> String {
    let mut p = format!(
        "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Language: {}\\n\"\n\"X-Generator: palabre\\n\"\n",
        lang.code()
    );
    for e in entries {
        let _ = writeln!(p, "\n#: {}", e.file.display());
        let _ = writeln!(p, "#. {}", e.source_lang.english_name());
        if e.stale.is_some() {
            p.push_str("#, fuzzy\n");
        }
        let _ = writeln!(p, "msgctxt {}", po_string(&e.id));
        let _ = writeln!(p, "msgid {}", po_string(&e.source));
        let _ = writeln!(p, "msgstr {}", po_string(e.stale.as_deref().unwrap_or("")));
    }
    p
}

/// A translation read from an exchange file.
#[derive(Debug, PartialEq, Eq)]
pub struct Translation {
    /// The entry's id.
    pub id: String,
    /// The translated text.
    pub text: String,
    /// Whether the translator marked it as still needing review.
    pub needs_review: bool,
}

/// The translations of an XLIFF or PO file (told apart by its content), and
/// the language they are in.
pub fn read(path: &Path) -> Result<(Lang, Vec<Translation>), Diagnostic> {
    let text = fs::read_to_string(path)
        .map_err(|e| Diagnostic::error(path, None, format!("cannot read: {e}")))?;
    if text.trim_start().starts_with('<') {
        read_xliff(path, &text)
    } else {
        read_po(path, &text)
    }
}

fn read_xliff(path: &Path, text: &str) -> Result<(Lang, Vec<Translation>), Diagnostic> {
    let bad = |message: String| {
        Diagnostic::error(path, None, message)
            .hint("give a file written by `palabre translations export`, translated")
    };
    let mut reader = quick_xml::Reader::from_str(text);
    let mut lang = None;
    let mut out = Vec::new();
    let (mut id, mut target, mut review, mut in_target) =
        (None::<String>, String::new(), false, false);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let attr = |name: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == name)
                        .and_then(|a| {
                            let raw = String::from_utf8_lossy(&a.value).into_owned();
                            quick_xml::escape::unescape(&raw)
                                .ok()
                                .map(|v| v.into_owned())
                        })
                };
                match e.name().as_ref() {
                    b"file" => {
                        lang = attr(b"target-language")
                            .and_then(|c| Lang::from_code(&c))
                            .or(lang)
                    }
                    b"trans-unit" => {
                        id = attr(b"id");
                        target.clear();
                        review = false;
                    }
                    b"target" => {
                        in_target = true;
                        review = attr(b"state").is_some_and(|s| s.starts_with("needs-"));
                    }
                    _ => {}
                }
            }
            Ok(Event::Text(t)) if in_target => {
                let raw = String::from_utf8_lossy(&t).into_owned();
                let unescaped = quick_xml::escape::unescape(&raw)
                    .map_err(|e| bad(format!("not XLIFF: {e}")))?;
                target.push_str(&unescaped);
            }
            Ok(Event::GeneralRef(r)) if in_target => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let reference = format!("&{name};");
                let unescaped = quick_xml::escape::unescape(&reference)
                    .map_err(|e| bad(format!("not XLIFF: {e}")))?;
                target.push_str(&unescaped);
            }
            Ok(Event::CData(t)) if in_target => target.push_str(&String::from_utf8_lossy(&t)),
            Ok(Event::End(e)) => match e.name().as_ref() {
                b"target" => in_target = false,
                b"trans-unit" => {
                    if let Some(id) = id.take()
                        && !target.trim().is_empty()
                    {
                        out.push(Translation {
                            id,
                            text: std::mem::take(&mut target),
                            needs_review: review,
                        });
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => break,
            Err(e) => {
                return Err(bad(format!(
                    "not well-formed XML at byte {}: {e}",
                    reader.error_position()
                )));
            }
            _ => {}
        }
    }
    let lang = lang.ok_or_else(|| bad("no `target-language` palabre knows".into()))?;
    Ok((lang, out))
}

fn read_po(path: &Path, text: &str) -> Result<(Lang, Vec<Translation>), Diagnostic> {
    let mut lang = None;
    let mut out = Vec::new();
    // The entry being read: its flags, context, id, translation, and which
    // of these a continued string adds to.
    let (mut fuzzy, mut ctx, mut msgid, mut msgstr) =
        (false, None::<String>, None::<String>, String::new());
    let mut field = "";
    let mut flush = |fuzzy: &mut bool,
                     ctx: &mut Option<String>,
                     msgid: &mut Option<String>,
                     msgstr: &mut String| {
        if msgid.as_deref() == Some("") {
            lang = msgstr
                .lines()
                .find_map(|l| l.strip_prefix("Language:"))
                .and_then(|c| Lang::from_code(c.trim()));
        } else if let Some(id) = ctx.take()
            && !msgstr.trim().is_empty()
        {
            out.push(Translation {
                id,
                text: std::mem::take(msgstr),
                needs_review: *fuzzy,
            });
        }
        *fuzzy = false;
        *ctx = None;
        *msgid = None;
        msgstr.clear();
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        let string = |rest: &str| {
            unquote(rest).ok_or_else(|| {
                Diagnostic::error(path, Some(n + 1), "not a PO string")
                    .hint("strings are written between double quotes")
            })
        };
        if line.is_empty() {
            flush(&mut fuzzy, &mut ctx, &mut msgid, &mut msgstr);
        } else if let Some(flags) = line.strip_prefix("#,") {
            fuzzy |= flags.split(',').any(|f| f.trim() == "fuzzy");
        } else if line.starts_with('#') {
        } else if let Some(rest) = line.strip_prefix("msgctxt ") {
            (ctx, field) = (Some(string(rest)?), "msgctxt");
        } else if let Some(rest) = line.strip_prefix("msgid ") {
            (msgid, field) = (Some(string(rest)?), "msgid");
        } else if let Some(rest) = line.strip_prefix("msgstr ") {
            (msgstr, field) = (string(rest)?, "msgstr");
        } else if line.starts_with('"') {
            let more = string(line)?;
            match field {
                "msgctxt" => ctx.get_or_insert_default().push_str(&more),
                "msgid" => msgid.get_or_insert_default().push_str(&more),
                _ => msgstr.push_str(&more),
            }
        }
    }
    flush(&mut fuzzy, &mut ctx, &mut msgid, &mut msgstr);
    let lang = lang.ok_or_else(|| {
        Diagnostic::error(path, Some(1), "the PO file names no language palabre knows")
            .hint("its header must say `Language: fr` (or es, en)")
    })?;
    Ok((lang, out))
}

/// A PO string's text, escapes undone.
fn unquote(s: &str) -> Option<String> {
    let inner = s.trim().strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            other => out.push(other),
        }
    }
    Some(out)
}

/// What importing one translation did.
#[derive(Debug, PartialEq, Eq)]
pub enum Imported {
    /// Written to this file.
    Written(PathBuf),
    /// Not written, to be added by hand: the file, and why.
    ByHand(PathBuf, String),
    /// Left out: the translator marked it as needing review.
    NeedsReview(String),
    /// Left out: no text of the site has this id.
    Unknown(String),
}

/// Writes the translations of `translations` into `lang`: each summary and
/// conclusion to its file (created, or its text replaced with its
/// front-matter kept), recording the version of its original; each title and
/// question as one more entry of its map in `site.yaml` or `_discussion.md`.
/// A discussion's introduction is left to be added by hand.
pub fn import(
    site: &Site,
    content: &Path,
    lang: Lang,
    translations: &[Translation],
) -> Result<Vec<Imported>, Diagnostic> {
    let mut out = Vec::new();
    let mut edits: BTreeMap<PathBuf, Vec<(String, Edit)>> = BTreeMap::new();
    let site_file = content.join("site.yaml");
    let mut all = vec![site_title(site, &site_file)];
    all.extend(site.discussions.iter().flat_map(discussion_texts));
    let text_maps: BTreeMap<&str, &TextMap<'_>> = all.iter().map(|m| (m.id.as_str(), m)).collect();
    for t in translations {
        if t.needs_review {
            out.push(Imported::NeedsReview(t.id.clone()));
            continue;
        }
        let unknown = || Imported::Unknown(t.id.clone());
        let Some((slug, what)) = t.id.split_once('/') else {
            out.push(unknown());
            continue;
        };
        // A title or a question: its text, and the version of the original
        // it translates, as `mark` records it.
        let discussion = site.discussions.iter().find(|d| d.slug == slug);
        if let Some(m) = text_maps.get(t.id.as_str()) {
            let file = edits.entry(m.file.to_path_buf()).or_default();
            let text = Edit {
                at: m.place,
                key: m.key,
                value: yaml::quoted_text(&t.text),
                create: None,
            };
            file.push((t.id.clone(), text));
            file.extend(
                m.record(lang)
                    .and_then(|(_, e)| e)
                    .map(|e| (t.id.clone(), e)),
            );
            continue;
        }
        let Some(d) = discussion else {
            out.push(unknown());
            continue;
        };
        let question = |id: &str| id.replacen('-', ".", 1).parse::<QuestionId>().ok();
        let parts: Vec<&str> = what.split('/').collect();
        let by_lang = match parts.as_slice() {
            ["introduction"] => {
                out.push(Imported::ByHand(d.source.clone(), "palabre shows a discussion's introduction in its original language only: the translation was not written".into()));
                continue;
            }
            ["summary", q] => question(q).and_then(|q| d.summaries.get(&q)),
            ["conclusion"] => Some(&d.conclusion),
            _ => None,
        };
        let Some((from, original)) = by_lang.and_then(|m| {
            m.iter()
                .find(|(l, _)| **l == d.original_lang)
                .or_else(|| m.iter().next())
        }) else {
            out.push(unknown());
            continue;
        };
        out.push(write_summary(original, *from, lang, &t.text)?);
    }
    for (file, edits) in edits {
        out.extend(apply(&file, edits, lang)?);
    }
    Ok(out)
}

/// Writes the translation `text` of summary `original` (in `from`) to its
/// file in `lang`.
fn write_summary(
    original: &Summary,
    from: Lang,
    lang: Lang,
    text: &str,
) -> Result<Imported, Diagnostic> {
    let file = original.file_in(lang);
    let io = |e: std::io::Error| {
        Diagnostic::error(&file, None, format!("cannot write the translation: {e}"))
    };
    let existing = fs::read_to_string(&file).ok();
    let front = existing
        .as_deref()
        .and_then(crate::frontmatter::split)
        .filter(|s| s.has_front_matter)
        .map(|s| {
            let all = existing.as_deref().unwrap_or_default();
            all[..all.len() - s.body.len()].to_string()
        })
        .unwrap_or_default();
    let text = format!("{front}{}\n", text.trim());
    fs::write(&file, record_translation(&text, from, &original.version)).map_err(io)?;
    Ok(Imported::Written(file))
}

/// Applies `edits` to `file`, saying what was written and what was not.
fn apply(file: &Path, edits: Vec<(String, Edit)>, lang: Lang) -> Result<Vec<Imported>, Diagnostic> {
    let (written, refused) = yaml::apply(file, edits, lang)?;
    let mut out: Vec<Imported> = written
        .then(|| Imported::Written(file.to_path_buf()))
        .into_iter()
        .collect();
    out.extend(
        refused
            .into_iter()
            .map(|(id, why)| Imported::ByHand(file.to_path_buf(), format!("{id}: {why}"))),
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn po_strings_round_trip_through_their_escapes() {
        let text = "Line \"one\"\\\n\tTwo\n";
        let written = po_string(text);
        let read: String = written
            .lines()
            .map(|l| unquote(l).expect("quoted"))
            .collect();
        assert_eq!(read, text);
    }
}
