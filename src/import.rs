//! New content for moderators: a starter site (`palabre init`), the questions
//! of a discussion, reply files written from scratch (`palabre new reply`) or
//! from e-mails (`palabre import`).
//!
//! Everything here is a pure function of its input (plus reading
//! `_discussion.md`, and writing files where none are), so that the commands
//! stay thin and this stays testable.

mod bytes;
mod html;
mod names;
mod quotes;

pub use bytes::{MailboxMessage, is_mbox, split_mbox};
pub use names::{author_name, name_of_local_part};
pub use quotes::strip_quotes;

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::NaiveDate;
use include_dir::{Dir, File, include_dir};
use mail_parser::{MessageParser, PartType};
use regex::Regex;
use serde::Deserialize;

use crate::content::{DISCUSSION_FILE, PLACEHOLDERS};
use crate::diagnostic::Diagnostic;
use crate::frontmatter;
use crate::lang::Lang;
use crate::model::QuestionId;
use crate::util::address;

/// What `new reply` and `import` need to know about a discussion.
#[derive(Debug)]
pub struct DiscussionInfo {
    /// The discussion's address: how the subject of a contribution names it.
    pub slug: String,
    /// The addresses of the content folder's other discussions.
    pub others: BTreeSet<String>,
    /// `<content>/<folder>/replies`.
    pub replies_dir: PathBuf,
    /// Every question the discussion has, which a reply may answer.
    pub questions: BTreeSet<QuestionId>,
    /// The discussion's `opens` and `closes`, when set and valid.
    pub opens: Option<NaiveDate>,
    /// The discussion's `closes`, when set and valid; with `opens`, the days
    /// [`DiscussionInfo::new_reply_date`] keeps a new reply's date between.
    pub closes: Option<NaiveDate>,
}

impl DiscussionInfo {
    /// The question ids, for messages: "1.1, 1.2, 2.1".
    pub fn question_list(&self) -> String {
        let ids: Vec<String> = self.questions.iter().map(ToString::to_string).collect();
        ids.join(", ")
    }

    /// The date of a reply written `today` with `palabre new reply`: today
    /// while the discussion runs. A reply entered after it closed (sent by
    /// post, forwarded late) gets the closing day, and one entered before it
    /// opens the opening day, so that it sorts among the others; then a
    /// note, for the file and the terminal, says to put the day it was sent.
    pub fn new_reply_date(&self, today: NaiveDate) -> (NaiveDate, Option<String>) {
        let note = |what: &str| {
            Some(format!(
                "the day the discussion {what}: write the day the reply was sent"
            ))
        };
        match (self.opens, self.closes) {
            (_, Some(closes)) if today > closes => (closes, note("closed")),
            (Some(opens), _) if today < opens => (opens, note("opens")),
            _ => (today, None),
        }
    }
}

// Only the fields needed here; unknown fields are left to `palabre check`, so
// that a discussion with an unrelated mistake still takes new replies.
#[derive(Deserialize)]
struct DiscussionFront {
    #[serde(default)]
    groups: Vec<GroupFront>,
    #[serde(default)]
    opens: Option<String>,
    #[serde(default)]
    closes: Option<String>,
}

#[derive(Deserialize)]
struct GroupFront {
    id: u32,
    #[serde(default)]
    questions: Vec<QuestionFront>,
}

#[derive(Deserialize)]
struct QuestionFront {
    id: u32,
}

/// Reads the questions of discussion `name` from `<content>/<name>/_discussion.md`.
/// `name` is the discussion's folder name, or its address (`nino` for the
/// folder `niño`, however the name's accents are encoded).
pub fn read_discussion(content: &Path, name: &str) -> Result<DiscussionInfo, Diagnostic> {
    let mut dir = content.join(name);
    // One plain folder name: never a way out of the content folder.
    let plain = matches!(
        Path::new(name).components().collect::<Vec<_>>().as_slice(),
        [std::path::Component::Normal(_)]
    ) && !name.starts_with('.');
    let folders: Vec<(String, PathBuf)> = fs::read_dir(content)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join(DISCUSSION_FILE).is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    if plain && !dir.join(DISCUSSION_FILE).is_file() {
        let wanted = address(name);
        if let Some((_, found)) = folders
            .iter()
            .find(|(n, _)| !wanted.is_empty() && address(n) == wanted)
        {
            dir = found.clone();
        }
    }
    let path = dir.join(DISCUSSION_FILE);
    if !plain || !path.is_file() {
        let mut known: Vec<String> = folders.into_iter().map(|(n, _)| n).collect();
        known.sort();
        let hint = if known.is_empty() {
            format!(
                "{} holds no discussion; pass --content DIR to name the content folder",
                content.display()
            )
        } else {
            format!("use one of: {}", known.join(", "))
        };
        return Err(Diagnostic::error(
            &dir,
            None,
            format!("no discussion `{name}` (no {DISCUSSION_FILE} there)"),
        )
        .hint(hint));
    }
    let text = fs::read_to_string(&path).map_err(|e| {
        Diagnostic::error(&path, None, format!("cannot read: {e}"))
            .hint("check that the file exists, is readable and is UTF-8 text")
    })?;
    let split = frontmatter::split(&text)
        .filter(|s| s.has_front_matter)
        .ok_or_else(|| {
            Diagnostic::error(&path, Some(1), "no front-matter")
                .hint("run `palabre check` to see what is wrong with the discussion")
        })?;
    let front: DiscussionFront = frontmatter::parse(&path, split.yaml, split.yaml_line)?;
    let questions = front
        .groups
        .iter()
        .flat_map(|g| {
            g.questions.iter().map(|q| QuestionId {
                group: g.id,
                question: q.id,
            })
        })
        .collect();
    // A date that does not parse is left to `palabre check`.
    let date = |d: &Option<String>| {
        d.as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
    };
    let own = dir
        .file_name()
        .map(|n| address(&n.to_string_lossy()))
        .unwrap_or_default();
    let others = folders
        .iter()
        .map(|(n, _)| address(n))
        .filter(|a| *a != own)
        .collect();
    Ok(DiscussionInfo {
        slug: own,
        others,
        replies_dir: dir.join("replies"),
        questions,
        opens: date(&front.opens),
        closes: date(&front.closes),
    })
}

/// A name as it goes into a new reply's file name: its web address
/// ([`address`]), "Antonio García-Nieto" ->
/// "antonio-garcia-nieto"; "anonymous" when nothing is left; at most 60
/// characters.
pub fn slugify(name: &str) -> String {
    let mut s = address(name);
    if s.len() > 60 {
        // Addresses are ASCII: any byte is a character boundary.
        s.truncate(60);
        s = s.trim_end_matches('-').to_string();
    }
    if s.is_empty() {
        "anonymous".to_string()
    } else {
        s
    }
}

/// The placeholder text of a new reply in `lang`.
pub fn placeholder(lang: Option<Lang>) -> &'static str {
    let lang = lang.unwrap_or(Lang::EN);
    PLACEHOLDERS
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or(PLACEHOLDERS[0].1, |(_, text)| text)
}

/// A reply about to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyDraft {
    /// The contributor's name, written quoted (`author:`); `None` leaves it out.
    pub author: Option<String>,
    /// The contributor's organisation, when known.
    pub organisation: Option<String>,
    /// The contributor's country, as written.
    pub country: Option<String>,
    /// The day the reply was sent (`date:`), if known.
    pub date: Option<NaiveDate>,
    /// A comment written after the date, on its line.
    pub date_note: Option<String>,
    /// The questions it answers (`answers:`); written even when empty, for the
    /// moderator to fill in.
    pub answers: Vec<QuestionId>,
    /// Its language (`lang:`); `None` leaves it to detection.
    pub lang: Option<Lang>,
    /// The reply's text, written after the front-matter.
    pub body: String,
}

impl ReplyDraft {
    /// The reply file: front-matter the loader accepts, then the body.
    pub fn to_file_text(&self) -> String {
        let mut s = String::from("---\n");
        let texts = [
            ("author", &self.author),
            ("organisation", &self.organisation),
            ("country", &self.country),
        ];
        for (key, value) in texts {
            let Some(value) = value else { continue };
            // A JSON string is a valid YAML double-quoted scalar, once the
            // control characters YAML refuses (DEL, C1) are gone from the text.
            let clean: String = value.chars().filter(|c| !c.is_control()).collect();
            let quoted = serde_json::to_string(&clean).unwrap_or_else(|_| "\"\"".to_string());
            s.push_str(&format!("{key}: {quoted}\n"));
        }
        if let Some(date) = self.date {
            s.push_str(&format!("date: {}", date.format("%Y-%m-%d")));
            if let Some(note) = &self.date_note {
                let note: String = note.chars().filter(|c| !c.is_control()).collect();
                s.push_str(&format!("  # {note}"));
            }
            s.push('\n');
        }
        let answers: Vec<String> = self.answers.iter().map(|q| format!("\"{q}\"")).collect();
        s.push_str(&format!("answers: [{}]\n", answers.join(", ")));
        if let Some(lang) = self.lang {
            s.push_str(&format!("lang: {lang}\n"));
        }
        s.push_str("---\n");
        s.push_str(self.body.trim_end());
        s.push('\n');
        s
    }
}

/// The next free `<NNN>-<author>.md` in `dir`: one more than the highest
/// number that starts a file name there (001 in an empty or missing folder).
pub fn next_numbered_name(dir: &Path, author_slug: &str) -> io::Result<String> {
    let mut highest = 0u64;
    match fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries {
                let name = entry?.file_name().to_string_lossy().into_owned();
                let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
                if let Ok(n) = digits.parse::<u64>() {
                    highest = highest.max(n);
                }
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    Ok(format!("{:03}-{author_slug}.md", highest + 1))
}

/// Writes `text` to `path` only if no file is there (atomically: never overwrites).
pub fn create_new(path: &Path, text: &str) -> io::Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

/// One e-mail read into a reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    /// 12 hex digits identifying the message (its Message-ID, or its bytes
    /// when it has none): the same message always gets the same file name.
    pub key: String,
    /// The reply file to write for it.
    pub draft: ReplyDraft,
    /// The subject's bracketed tag (`[water 1.2]`), when it has one naming
    /// a discussion of the content folder.
    pub tag: Option<SubjectTag>,
    /// The questions of the tag that the discussion does not have.
    pub unknown_questions: Vec<QuestionId>,
}

/// What the subject of a contribution sent from a page says in brackets:
/// the discussion's address and the questions, `[water 1.1 1.2]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectTag {
    /// The discussion's address, in lowercase.
    pub discussion: String,
    /// The questions, in the order written; none for the discussion as a whole.
    pub questions: Vec<QuestionId>,
}

impl SubjectTag {
    /// Whether the tag names `info`'s discussion.
    pub fn is_for(&self, info: &DiscussionInfo) -> bool {
        self.discussion == info.slug
    }
}

// `[water 1.2]`, `[territorial-approach-2013 1.1 1.2]`: an address, then
// question ids. Mail programs add `Re:` or `TR:` before it and mailing lists
// their own `[list]`, which is told apart by not naming a discussion.
static SUBJECT_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[\s*([a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*)((?:\s+\d{1,9}\.\d{1,9})*)\s*\]")
        .unwrap_or_else(|e| panic!("bad built-in regex: {e}"))
});

/// The first bracketed tag of `subject` that names questions or a
/// discussion of `info`'s content folder.
pub fn subject_tag(subject: &str, info: &DiscussionInfo) -> Option<SubjectTag> {
    SUBJECT_TAG.captures_iter(subject).find_map(|c| {
        let discussion = c[1].to_ascii_lowercase();
        let questions: Vec<QuestionId> = c[2]
            .split_whitespace()
            .filter_map(|q| q.parse().ok())
            .collect();
        let known = discussion == info.slug || info.others.contains(&discussion);
        (known || !questions.is_empty()).then_some(SubjectTag {
            discussion,
            questions,
        })
    })
}

/// The lines a contribution sent from a page starts with (the body of its
/// `mailto:` link, in the page's language): `Name:`, `Organisation:`,
/// `Country:`, then `Your answer:` over the text.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TemplateLines {
    /// What the sender wrote after "Name:"; `None` when left empty (so
    /// for each of them).
    pub name: Option<String>,
    /// What the sender wrote after "Organisation:".
    pub organisation: Option<String>,
    /// What the sender wrote after "Country:".
    pub country: Option<String>,
}

// The labels of the default theme's template (`contribute_body_*` in its
// translations), in English, French, Spanish, Portuguese and Arabic, with
// common variants.
static TEMPLATE_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*\**\s*(name|nom|nombre|nome|الاسم|الإسم|organi[sz]ation|organisme|organizaci[oó]n|organiza[cç][aã]o|المنظمة|المؤسسة|country|pays|pa[ií]s|البلد|الدولة)\s*\**\s*:\s*\**(.*)$",
    )
    .unwrap_or_else(|e| panic!("bad built-in regex: {e}"))
});
static TEMPLATE_ANSWER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*\**\s*(your\s+answer|votre\s+r[ée]ponse|su\s+respuesta|tu\s+respuesta|(?:a\s+)?sua\s+resposta|إجابتك|جوابك)\s*\**\s*:?\s*\**(.*)$",
    )
    .unwrap_or_else(|e| panic!("bad built-in regex: {e}"))
});

/// The template's lines at the start of `body`, and the text after them
/// (the whole body when it does not start with them).
pub fn take_template(body: &str) -> (TemplateLines, String) {
    let mut fields = TemplateLines::default();
    let mut found = false;
    let mut rest_start = 0;
    let mut first_line = String::new();
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let next = offset + line.len();
        let text = line.trim_end();
        if text.trim().is_empty() {
            offset = next;
            rest_start = next;
            continue;
        }
        if let Some(c) = TEMPLATE_FIELD.captures(text) {
            let value = c[2].trim().trim_matches('*').trim();
            let value = (!value.is_empty()).then(|| value.to_string());
            let label = c[1].to_lowercase();
            let slot = if ["name", "nom", "nombre", "nome", "الاسم", "الإسم"]
                .contains(&label.as_str())
            {
                &mut fields.name
            } else if label.starts_with('o') || ["المنظمة", "المؤسسة"].contains(&label.as_str())
            {
                &mut fields.organisation
            } else {
                &mut fields.country
            };
            if slot.is_none() {
                *slot = value;
            }
            found = true;
            offset = next;
            rest_start = next;
            continue;
        }
        if found && let Some(c) = TEMPLATE_ANSWER.captures(text) {
            first_line = c[2].trim().to_string();
            rest_start = next;
        }
        break;
    }
    if !found {
        return (fields, body.to_string());
    }
    let rest = body.get(rest_start..).unwrap_or_default();
    let rest = if first_line.is_empty() {
        rest.trim().to_string()
    } else {
        format!("{first_line}\n{rest}").trim().to_string()
    };
    (fields, rest)
}

impl Mail {
    /// `mail-<key>-<author>.md`.
    pub fn file_name(&self) -> String {
        let author = slugify(self.draft.author.as_deref().unwrap_or(""));
        format!("mail-{}-{author}.md", self.key)
    }
}

/// The keys of the messages already imported into `dir` (from the
/// `mail-<key>-` file names, whatever the author part became).
pub fn imported_keys(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (key, _) = name.strip_prefix("mail-")?.split_once('-')?;
            Some(key.to_string())
        })
        .collect()
}

fn key_of(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..12].to_string()
}

/// Reads one e-mail (RFC 5322, any MIME structure, charset and transfer
/// encoding) for the discussion `info`. `None` when the bytes are not a
/// message. The body is the text/plain part, else the text of the HTML part,
/// without quoted earlier messages and without the template's lines
/// ([`take_template`]), which give the author's name, organisation and
/// country when filled in. `answers` are the questions of the subject's tag
/// ([`subject_tag`]) that the discussion has (those of them the text names,
/// when it names some of several), else the questions the text clearly names.
pub fn parse_mail(raw: &[u8], info: &DiscussionInfo) -> Option<Mail> {
    let questions = &info.questions;
    // The key comes from the bytes as they were given, as it always did, so
    // that a message imported before is known again.
    let original = raw;
    let raw = &bytes::normalize(raw)[..];
    if !starts_with_header(raw) {
        return None;
    }
    let msg = MessageParser::default().parse(raw)?;
    // The parser reads anything (an image, a text) as some message: one
    // without any of the headers every mail program writes is none.
    if msg.from().is_none()
        && msg.date().is_none()
        && msg.message_id().is_none()
        && msg.subject().is_none()
    {
        return None;
    }
    let key = match msg.message_id() {
        Some(id) if !id.trim().is_empty() => key_of(id.trim().as_bytes()),
        _ => key_of(original),
    };
    let from = msg.from().and_then(|a| a.first());
    let author = from.and_then(|a| author_name(a.name(), a.address()));
    let date = msg
        .date()
        .and_then(|d| NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()));
    let mut text = body_of(&msg);
    // Text sent as UTF-8 (or ASCII) that is not: mail programs read it as
    // windows-1252, and so does palabre, unless that garbles more than it
    // mends (valid UTF-8 read as windows-1252 shows as "Ã©").
    if text.contains('\u{fffd}') {
        let relabelled = DECLARED_UTF8.replace_all(raw, &b"charset=windows-1252"[..]);
        if let Some(again) = MessageParser::default().parse(&relabelled[..]) {
            let fixed = body_of(&again);
            let garbled = |t: &str| t.matches(['Ã', 'Â']).count();
            if !fixed.contains('\u{fffd}') && garbled(&fixed) <= garbled(&text) {
                text = fixed;
            }
        }
    }
    let (lines, body) = take_template(&strip_quotes(&text));
    // No contributor's address is published: a template line holding one
    // gives no name, organisation or country.
    let clean = |v: String| names::clean_name(&v);
    let author = lines.name.and_then(clean).or(author);
    let no_address = |v: &String| !names::has_address(v);
    let tag = msg.subject().and_then(|s| subject_tag(s, info));
    let mentioned = guess_answers(&body, questions);
    let mut unknown_questions = Vec::new();
    let mut answers = Vec::new();
    if let Some(tag) = tag.as_ref().filter(|t| t.is_for(info)) {
        for q in &tag.questions {
            if !questions.contains(q) {
                unknown_questions.push(*q);
            } else if !answers.contains(q) {
                answers.push(*q);
            }
        }
        answers.sort();
        // From a group's page the tag names all its questions: the text may
        // say which of them it answers.
        let narrowed: Vec<QuestionId> = answers
            .iter()
            .copied()
            .filter(|q| mentioned.contains(q))
            .collect();
        if answers.len() > 1 && !narrowed.is_empty() {
            answers = narrowed;
        }
    }
    if answers.is_empty() {
        answers = mentioned;
    }
    Some(Mail {
        key,
        draft: ReplyDraft {
            author,
            organisation: lines.organisation.filter(no_address),
            country: lines.country.filter(no_address),
            date,
            date_note: None,
            answers,
            lang: None,
            body,
        },
        tag,
        unknown_questions,
    })
}

static DECLARED_UTF8: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(r#"(?i)charset\s*=\s*"?(?:utf-?8|us-ascii)"?"#)
        .unwrap_or_else(|e| panic!("bad built-in regex: {e}"))
});

/// The text of a message: its text/plain part, else its HTML part as
/// Markdown (mail-parser's own text of it runs paragraphs together).
fn body_of(msg: &mail_parser::Message<'_>) -> String {
    let mut text = match msg.text_part(0).map(|p| &p.body) {
        Some(PartType::Html(html)) => html::to_markdown(html),
        _ => msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
    };
    // A plain-text alternative left empty by the mail program: the HTML one.
    if text.trim().is_empty()
        && let Some(PartType::Html(html)) = msg.html_part(0).map(|p| &p.body)
    {
        text = html::to_markdown(html);
    }
    text
}

/// Whether `raw` starts as a message does: with a header field, a name of
/// printable ASCII then `:` (RFC 5322), as in `Return-Path:` or `From:`.
fn starts_with_header(raw: &[u8]) -> bool {
    let first = raw.split(|&b| b == b'\n').next().unwrap_or_default();
    first
        .iter()
        .position(|&b| b == b':')
        .is_some_and(|colon| colon > 0 && first[..colon].iter().all(|b| (33..=126).contains(b)))
}

// "question 1.2", "Q1.2", "pregunta n° 1.3", and lists: "questions 1.1 and 1.2",
// "preguntas 1.1 y 1.3", "questions 1.1, 1.2 et 2.1".
static QUESTION_DOTTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:questions?|preguntas?|q)\s*(?:n[°ºo]\.?\s*)?(\d{1,3}\.\d{1,3}(?:\s*(?:,|&|/|\band\b|\bet\b|\by\b)\s*\d{1,3}\.\d{1,3})*)\b",
    )
    .unwrap_or_else(|e| panic!("{e}"))
});
static DOTTED_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{1,3})\.(\d{1,3})").unwrap_or_else(|e| panic!("{e}")));
static QUESTION_IN_GROUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:week|semaine|semana|topic|thème|theme|tema|round|tour|ronda)\s*(\d{1,3})\s*[,:;.\-–—]?\s*(?:questions?|preguntas?|q)\s*(?:n[°ºo]\.?\s*)?(\d{1,3})\b",
    )
    .unwrap_or_else(|e| panic!("{e}"))
});

/// The questions a text names clearly ("question 1.2", "Q1.2", "pregunta 1.3",
/// "week 1 question 2", "semaine 2, question 1") and that the discussion has;
/// sorted, each once. Bare numbers such as "1.2" are not taken: they could be
/// anything.
pub fn guess_answers(text: &str, questions: &BTreeSet<QuestionId>) -> Vec<QuestionId> {
    let mut found = BTreeSet::new();
    let mut add = |g: &str, q: &str| {
        if let (Ok(group), Ok(question)) = (g.parse(), q.parse()) {
            let id = QuestionId { group, question };
            if questions.contains(&id) {
                found.insert(id);
            }
        }
    };
    for list in QUESTION_DOTTED.captures_iter(text).filter_map(|c| c.get(1)) {
        // "1.1.1" is a section number, not question 1.1.
        let mut rest = text[list.end()..].chars();
        if rest.next() == Some('.') && rest.next().is_some_and(|c| c.is_ascii_digit()) {
            continue;
        }
        for c in DOTTED_ID.captures_iter(list.as_str()) {
            add(&c[1], &c[2]);
        }
    }
    for c in QUESTION_IN_GROUP.captures_iter(text) {
        add(&c[1], &c[2]);
    }
    found.into_iter().collect()
}

/// The starter site of `palabre init`: data, in `starter/` at the root of the
/// repository, built into palabre like the default theme:
///
/// - `site.yaml` and `<discussion>/_discussion.md` are tera templates, given
///   `languages`, `default_language` and `base_url`;
/// - `<discussion>/replies/<name>.<lang>.md` is one reply in each known
///   language; each reply is written once, as `<name>.md`, in one of the
///   site's languages, taken in turn (so a site of several languages gets
///   replies in several of them);
/// - `<discussion>/summaries/<name>.<lang>.md` are written as they are, in the
///   site's first two languages (a summary missing in the others shows how
///   palabre links to the ones that exist).
static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");

/// How many languages each starter summary is written in.
const SUMMARY_LANGUAGES: usize = 2;

/// Every file of the starter site for these settings: its path under the
/// content folder (with `/`) and its text, sorted by path.
pub fn starter_files(
    languages: &[Lang],
    base_url: Option<&str>,
) -> Result<Vec<(String, String)>, String> {
    let Some(default) = languages.first() else {
        return Err("error: a site needs at least one language".to_string());
    };
    let codes: Vec<&str> = languages.iter().map(|l| l.code()).collect();
    let mut context = tera::Context::new();
    context.insert("languages", &codes);
    context.insert("default_language", default.code());
    context.insert("base_url", &base_url);
    let render = |file: &File<'_>| -> Result<(String, String), String> {
        let path = path_of(file);
        let text = tera::Tera::one_off(utf8(file)?, &context, false)
            .map_err(|e| starter_error(&path, &format!("{e:?}")))?;
        Ok((path, text))
    };

    let mut out = Vec::new();
    for file in STARTER.files() {
        out.push(render(file)?);
    }
    for discussion in STARTER.dirs() {
        for file in discussion.files() {
            out.push(render(file)?);
        }
        for folder in discussion.dirs() {
            let pieces = pieces(folder)?;
            let name = folder.path().file_name().map(|n| n.to_string_lossy());
            match name.as_deref() {
                Some("replies") => {
                    for (i, (stem, versions)) in pieces.iter().enumerate() {
                        let lang = languages[i % languages.len()];
                        // A site language the starter is not written in
                        // gets the default language's version.
                        let file = version(versions, lang, stem)
                            .or_else(|_| version(versions, *default, stem))
                            .or_else(|_| version(versions, Lang::EN, stem))?;
                        let dest = format!("{}/{stem}.md", parent_of(file));
                        out.push((dest, utf8(file)?.to_string()));
                    }
                }
                Some("summaries") => {
                    for (stem, versions) in &pieces {
                        let written = languages
                            .iter()
                            .filter_map(|&lang| version(versions, lang, stem).ok());
                        for file in written.take(SUMMARY_LANGUAGES) {
                            out.push((path_of(file), utf8(file)?.to_string()));
                        }
                    }
                }
                _ => return Err(starter_error(&path_of_dir(folder), "unknown folder")),
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The files of a `replies` or `summaries` folder, by name without the
/// language: `001-ana.en.md` is the `en` version of piece `001-ana`.
type Pieces<'a> = std::collections::BTreeMap<String, Vec<(Lang, &'a File<'a>)>>;

fn pieces<'a>(folder: &'a Dir<'a>) -> Result<Pieces<'a>, String> {
    let mut pieces = Pieces::new();
    for file in folder.files() {
        let name = file
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (stem, lang) = name
            .strip_suffix(".md")
            .and_then(|s| s.rsplit_once('.'))
            .and_then(|(stem, code)| Some((stem, Lang::from_code(code)?)))
            .ok_or_else(|| starter_error(&path_of(file), "not named <name>.<lang>.md"))?;
        pieces
            .entry(stem.to_string())
            .or_default()
            .push((lang, file));
    }
    Ok(pieces)
}

fn version<'a>(
    versions: &[(Lang, &'a File<'a>)],
    lang: Lang,
    stem: &str,
) -> Result<&'a File<'a>, String> {
    versions
        .iter()
        .find(|(l, _)| *l == lang)
        .map(|(_, f)| *f)
        .ok_or_else(|| starter_error(&format!("{stem}.{lang}.md"), "missing"))
}

fn path_of(file: &File<'_>) -> String {
    file.path().to_string_lossy().replace('\\', "/")
}

fn path_of_dir(dir: &Dir<'_>) -> String {
    dir.path().to_string_lossy().replace('\\', "/")
}

fn parent_of(file: &File<'_>) -> String {
    file.path()
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default()
}

fn utf8<'a>(file: &'a File<'a>) -> Result<&'a str, String> {
    file.contents_utf8()
        .ok_or_else(|| starter_error(&path_of(file), "not UTF-8"))
}

/// A fault of the starter built into palabre, not of anything the user did.
fn starter_error(path: &str, what: &str) -> String {
    format!(
        "error: the starter site built into palabre is damaged: starter/{path}: {what}\n  hint: this is a bug of palabre; please report it"
    )
}

/// Refuses a content folder that holds anything, so that no one's files are
/// mixed with the starter or replaced.
fn refuse_non_empty(content: &Path) -> Result<(), Diagnostic> {
    let hint = "palabre init starts a new site: give another folder, or move the existing content away first";
    match fs::read_dir(content) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(Diagnostic::error(content, None, "the folder is not empty").hint(hint)),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(_) if content.exists() && !content.is_dir() => Err(Diagnostic::error(
            content,
            None,
            "this is a file, where the content folder would go",
        )
        .hint(hint)),
        Err(e) => Err(
            Diagnostic::error(content, None, format!("cannot read: {e}"))
                .hint("check the folder's permissions"),
        ),
    }
}

/// Writes the starter `files` ([`starter_files`]) into `content`, a folder
/// that must not exist yet or be empty. Never writes over a file; on failure
/// removes what it wrote and the folders it made, so that a second try starts
/// afresh.
pub fn write_starter(content: &Path, files: &[(String, String)]) -> Result<(), Diagnostic> {
    refuse_non_empty(content)?;
    // The first missing folder on the way to `content`: everything under it
    // is ours to remove.
    let mut made = None;
    let mut dir = Some(content);
    while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        made = Some(d.to_path_buf());
        dir = d.parent();
    }
    let mut written: Vec<PathBuf> = Vec::new();
    for (rel, text) in files {
        let path = content.join(rel);
        if let Err(e) = create_new(&path, text) {
            for done in written.iter().rev() {
                let _ = fs::remove_file(done);
                // Folders left empty go, up to the content folder, and past it
                // up to the first one this command made.
                let top = made.as_deref().unwrap_or(content);
                let mut dir = done.parent();
                while let Some(d) = dir.filter(|d| d.starts_with(top)) {
                    if (d == content && made.is_none()) || fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
            return Err(Diagnostic::error(&path, None, format!("cannot write: {e}"))
                .hint("check that the folder is writable; nothing was left in it"));
        }
        written.push(path);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> BTreeSet<QuestionId> {
        list.iter().filter_map(|s| s.parse().ok()).collect()
    }

    #[test]
    fn control_characters_in_a_sender_name_never_break_the_front_matter() {
        let draft = ReplyDraft {
            author: Some("Ana\u{7f} \u{85}Ruiz\u{1b}".to_string()),
            organisation: None,
            country: None,
            date: None,
            date_note: None,
            answers: vec![],
            lang: None,
            body: "Hola".to_string(),
        };
        let text = draft.to_file_text();
        let split = crate::frontmatter::split(&text).expect("closed front-matter");
        #[derive(serde::Deserialize)]
        struct Front {
            author: String,
        }
        let front: Front = crate::frontmatter::parse(std::path::Path::new("r.md"), split.yaml, 2)
            .expect("the loader reads it");
        assert_eq!(front.author, "Ana Ruiz");
    }

    #[test]
    fn new_replies_are_dated_within_the_discussion() {
        let day = |m, d| NaiveDate::from_ymd_opt(2013, m, d).expect("date");
        let info = |opens, closes| DiscussionInfo {
            slug: "d".to_string(),
            others: BTreeSet::new(),
            replies_dir: PathBuf::new(),
            questions: BTreeSet::new(),
            opens,
            closes,
        };
        let running = info(Some(day(7, 1)), Some(day(7, 31)));
        assert_eq!(running.new_reply_date(day(7, 31)), (day(7, 31), None));
        let (date, note) = running.new_reply_date(day(9, 2));
        assert_eq!(date, day(7, 31));
        assert!(note.is_some_and(|n| n.contains("closed")));
        let (date, note) = running.new_reply_date(day(6, 2));
        assert_eq!(date, day(7, 1));
        assert!(note.is_some_and(|n| n.contains("opens")));
        assert_eq!(
            info(None, None).new_reply_date(day(9, 2)),
            (day(9, 2), None)
        );
    }

    #[test]
    fn subject_tags_name_a_discussion_and_questions() {
        let info = DiscussionInfo {
            slug: "water-2024".to_string(),
            others: ["energy".to_string()].into_iter().collect(),
            replies_dir: PathBuf::new(),
            questions: ids(&["1.1", "1.2"]),
            opens: None,
            closes: None,
        };
        let tag = |s: &str| subject_tag(s, &info);
        let t = tag("Re: [M4D] RE: [water-2024 1.2] Who lacks water?").expect("tag");
        assert_eq!(t.discussion, "water-2024");
        assert_eq!(t.questions, ids(&["1.2"]).into_iter().collect::<Vec<_>>());
        assert!(t.is_for(&info));
        assert_eq!(tag("[Water-2024]").map(|t| t.questions.len()), Some(0));
        assert!(tag("[energy 1.1]").is_some_and(|t| !t.is_for(&info)));
        assert!(tag("[other 3.1]").is_some_and(|t| !t.is_for(&info)));
        // A mailing list's own tag names no discussion.
        assert!(tag("[M4D] question 1.1").is_none());
        assert!(tag("no tag").is_none());
    }

    #[test]
    fn the_template_lines_give_organisation_and_country() {
        let (lines, rest) = take_template(
            "Nom : Awa Ndiaye\nOrganisation : Ville de Thiès\nPays : Sénégal\n\nVotre réponse :\n\nNotre texte.\n\nSuite.",
        );
        assert_eq!(lines.name.as_deref(), Some("Awa Ndiaye"));
        assert_eq!(lines.organisation.as_deref(), Some("Ville de Thiès"));
        assert_eq!(lines.country.as_deref(), Some("Sénégal"));
        assert_eq!(rest, "Notre texte.\n\nSuite.");
        let (lines, rest) = take_template("Name:\nOrganization:\nCountry:\n\nYour answer: Text.");
        assert_eq!(lines, TemplateLines::default());
        assert_eq!(rest, "Text.");
        let plain = "Country programmes matter.\nName: x";
        assert_eq!(take_template(plain).1, plain);
    }

    #[test]
    fn the_template_labels_of_every_theme_language_are_recognised() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/i18n");
        let mut languages = 0;
        for entry in std::fs::read_dir(dir).expect("the theme's translations") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
            let label = |key: &str| {
                let key = format!("  contribute_body_{key}:");
                let line = text.lines().find(|l| l.starts_with(&key)).expect("label");
                line[key.len()..].trim().trim_matches('"').to_string()
            };
            let mail = format!(
                "{}: Ana\n{}: Rede\n{}: Portugal\n\n{}:\n\nO texto.",
                label("name"),
                label("organisation"),
                label("country"),
                label("answer")
            );
            let (lines, rest) = take_template(&mail);
            assert_eq!(lines.name.as_deref(), Some("Ana"), "{mail}");
            assert_eq!(lines.organisation.as_deref(), Some("Rede"), "{mail}");
            assert_eq!(lines.country.as_deref(), Some("Portugal"), "{mail}");
            assert_eq!(rest, "O texto.", "{mail}");
            languages += 1;
        }
        assert!(languages >= 5);
    }

    #[test]
    fn slugs_names() {
        assert_eq!(slugify("Antonio García-Nieto"), "antonio-garcia-nieto");
        assert_eq!(slugify("  "), "anonymous");
        assert_eq!(slugify("Ñandú & Çà"), "nandu-ca");
    }

    #[test]
    fn guesses_only_clear_existing_questions() {
        let known = ids(&["1.1", "1.2", "1.3", "2.1"]);
        let g = |t: &str| -> Vec<String> {
            guess_answers(t, &known)
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(g("About question 1.2 and Q1.3."), ["1.2", "1.3"]);
        assert_eq!(g("Pour la semaine 2, question 1 :"), ["2.1"]);
        assert_eq!(g("En cuanto a la pregunta 1.3"), ["1.3"]);
        assert_eq!(g("week 1 question 2"), ["1.2"]);
        assert_eq!(g("questions 1.1 and 1.3"), ["1.1", "1.3"]);
        assert_eq!(g("preguntas 1.1 y 2.1; 1.2 no"), ["1.1", "2.1"]);
        assert_eq!(g("questions 1.1, 1.2 et 2.1"), ["1.1", "1.2", "2.1"]);
        assert!(g("Question 1.1.1 of the survey").is_empty());
        assert!(g("We grew 1.2 percent in 2013.").is_empty());
        assert!(g("question 9.9").is_empty());
        assert!(g("FAQ1.2").is_empty());
    }

    #[test]
    fn front_matter_round_trips_odd_names() {
        let d = ReplyDraft {
            author: Some("O'Neil \"Jr\": x".to_string()),
            organisation: None,
            country: None,
            date: NaiveDate::from_ymd_opt(2013, 7, 10),
            date_note: None,
            answers: ids(&["1.10"]).into_iter().collect(),
            lang: Some(Lang::FR),
            body: "Texte.\n\n".to_string(),
        };
        assert_eq!(
            d.to_file_text(),
            "---\nauthor: \"O'Neil \\\"Jr\\\": x\"\ndate: 2013-07-10\nanswers: [\"1.10\"]\nlang: fr\n---\nTexte.\n"
        );
    }

    #[test]
    fn every_piece_of_the_starter_exists_in_the_five_languages_of_the_theme() {
        for discussion in STARTER.dirs() {
            for folder in discussion.dirs() {
                for (stem, versions) in pieces(folder).expect("starter file names") {
                    let mut langs: Vec<Lang> = versions.iter().map(|(l, _)| *l).collect();
                    langs.sort();
                    assert_eq!(langs, Lang::all().take(5).collect::<Vec<_>>(), "{stem}");
                }
            }
        }
    }

    #[test]
    fn replies_take_the_site_languages_in_turn() {
        let files = starter_files(&[Lang::ES, Lang::EN], None).expect("starter");
        let langs: Vec<String> = files
            .iter()
            .filter(|(p, _)| p.contains("/replies/"))
            .map(|(_, text)| {
                let line = text
                    .lines()
                    .find(|l| l.starts_with("lang:"))
                    .expect("lang:");
                line["lang:".len()..]
                    .split('#')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string()
            })
            .collect();
        assert!(langs.len() >= 3, "{langs:?}");
        for (i, lang) in langs.iter().enumerate() {
            assert_eq!(lang, ["es", "en"][i % 2], "{langs:?}");
        }
    }
}
