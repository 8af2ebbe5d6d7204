//! `palabre import`: real-looking e-mails in English, French and Spanish
//! (quoted-printable ISO-8859-1, base64 UTF-8, multipart/alternative, HTML
//! only, an mbox, quoted earlier messages) become reply files that build.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

pub(crate) const MAIL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mail");

const DISCUSSION: &str = r#"---
title: {en: "Local authorities and migration"}
group_label: week
groups:
  - id: 1
    questions:
      - id: 1
        text: {en: "Question one?"}
      - id: 2
        text: {en: "Question two?"}
      - id: 3
        text: {en: "Question three?"}
  - id: 2
    questions:
      - id: 1
        text: {en: "Question four?"}
---
The introduction.
"#;

const FIXTURES: [&str; 8] = [
    "fr-quoted-printable-latin1.eml",
    "es-base64-utf8.eml",
    "en-multipart-alternative.eml",
    "en-html-only.eml",
    "en-quoting-earlier.eml",
    "fr-outlook-quote.eml",
    "two-messages.mbox",
    "en-inline-quotes.eml",
];

/// Author slug and the whole reply file expected from each message.
const EXPECTED: [(&str, &str); 9] = [
    (
        "mamadou-sene",
        "---\nauthor: \"Mamadou Sène\"\ndate: 2013-07-09\nanswers: [\"1.2\"]\n---\n\
Bonjour à tous,\n\n\
Pour la semaine 1, question 2 : dans notre région, la coordination entre les collectivités locales et l'État passe par un comité de pilotage où siègent aussi les associations de migrants. Ce comité se réunit deux fois par an et valide les priorités du plan régional de développement.\n\n\
Il faut cependant reconnaître que les moyens financiers restent très limités, et que les élus changent souvent après les élections.\n\n\
Cordialement,\nMamadou Sène\n",
    ),
    (
        "patricio-sinaluisa",
        "---\nauthor: \"Patricio Sinaluisa\"\ndate: 2013-07-10\nanswers: [\"1.3\"]\n---\n\
Estimados colegas:\n\n\
En cuanto a la pregunta 1.3, en la provincia de Pichincha hemos creado una mesa de movilidad humana que reúne a los gobiernos locales, a las organizaciones de migrantes retornados y a la cooperación internacional. Compartimos las lecciones aprendidas en un boletín trimestral.\n\n\
Saludos cordiales,\nPatricio Sinaluisa\n",
    ),
    (
        // The text/plain alternative, not the HTML one (which says "(HTML part)").
        "daniel-naujoks",
        "---\nauthor: \"Daniel Naujoks\"\ndate: 2013-07-11\nanswers: [\"2.1\"]\n---\n\
Dear all,\n\n\
Regarding Q2.1: the city of Turin runs a one-stop shop for migrants that\n\
also advises diaspora associations on co-development projects.\n\n\
Best,\nDaniel\n",
    ),
    (
        // No display name: the address's local part. No question named: `answers: []`.
        "jane-doe",
        "---\nauthor: \"Jane Doe\"\ndate: 2013-07-12\nanswers: []\n---\n\
Hello,\n\n\
In Dakar we trained municipal staff on migration & development.\n\n\
Kind regards,\nJane\n",
    ),
    (
        // The quoted French message (which names question 1.2 too) is gone.
        "ayad-zarouali",
        "---\nauthor: \"Ayad Zarouali\"\ndate: 2013-07-15\nanswers: [\"1.2\"]\n---\n\
I agree with Mamadou about question 1.2: steering committees work when\n\
migrants' associations have a real vote.\n\n\
Ayad\n",
    ),
    (
        "grdr-migration",
        "---\nauthor: \"GRDR Migration\"\ndate: 2013-07-16\nanswers: [\"2.1\"]\n---\n\
Notre réponse à la question 2.1 : les jumelages entre communes donnent de bons résultats.\n\n\
GRDR\n",
    ),
    (
        "ana-maria-lopez",
        "---\nauthor: \"Ana María López\"\ndate: 2013-07-17\nanswers: [\"1.1\"]\n---\n\
Sobre la semana 1, pregunta 1: los municipios catalanes financian proyectos\n\
de codesarrollo con sus presupuestos de cooperación.\n\
From the beginning this was a shared effort.\n",
    ),
    (
        // Answers between quoted lines: the quotes go, and so does their
        // mention of question 1.3.
        "marco-grandi",
        "---\nauthor: \"Marco Grandi\"\ndate: 2013-07-19\nanswers: [\"1.1\"]\n---\n\
Yes. On Q1.1 first: our regional law names a migration focal point in each\n\
municipality.\n\n\
It comes from the decentralised cooperation line.\n",
    ),
    (
        "tom-okafor",
        "---\nauthor: \"Tom Okafor\"\ndate: 2013-07-18\nanswers: [\"1.1\"]\n---\n\
For week 1 question 1, our district plan now has a migration chapter.\n",
    ),
];

pub(crate) fn content() -> (tempfile::TempDir, PathBuf) {
    let dir = scratch_dir("import-");
    let content = dir.path().join("content");
    fs::create_dir_all(content.join("d/replies")).expect("folders");
    fs::write(content.join("site.yaml"), FIXTURE_SITE_YAML).expect("site.yaml");
    fs::write(content.join("d/_discussion.md"), DISCUSSION).expect("discussion");
    (dir, content)
}

pub(crate) fn import(content: &Path, files: &[PathBuf]) -> Run {
    let mut cmd = palabre();
    cmd.args(["import", "--discussion", "d", "--content"])
        .arg(content)
        .args(files);
    Run::from_output(cmd.output().expect("cannot run palabre"))
}

fn fixtures() -> Vec<PathBuf> {
    FIXTURES.iter().map(|f| Path::new(MAIL).join(f)).collect()
}

/// The reply file imported for `author`: `mail-<12 hex digits>-<author>.md`.
fn reply_of(content: &Path, author: &str) -> PathBuf {
    let dir = content.join("d/replies");
    let found: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("replies folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|n| {
                n.strip_prefix("mail-")
                    .and_then(|rest| rest.split_at_checked(12))
                    .is_some_and(|(key, tail)| {
                        key.bytes().all(|b| b.is_ascii_hexdigit())
                            && tail == format!("-{author}.md")
                    })
            })
        })
        .collect();
    assert_eq!(found.len(), 1, "one reply for {author}: {found:?}");
    found.into_iter().next().unwrap_or_default()
}

#[test]
fn every_kind_of_message_becomes_the_expected_reply() {
    let (_dir, content) = content();
    let run = import(&content, &fixtures());
    assert!(run.status.success(), "{}", run.describe());
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 10, "{}", run.describe());
    assert_eq!(
        lines[9],
        "imported 9 messages: 9 new replies, 0 already imported"
    );
    for (author, expected) in EXPECTED {
        let path = reply_of(&content, author);
        assert!(
            lines.contains(&path.display().to_string().as_str()),
            "{author} not printed:\n{}",
            run.stdout
        );
        let text = fs::read_to_string(&path).expect("reply");
        assert_eq!(text, expected, "{author}");
    }
    // The one without a question is named on stderr for the moderator; no
    // progress bar is drawn when stderr is not a terminal.
    assert!(
        run.stderr
            .contains("jane-doe.md: warning: the message names no question"),
        "{}",
        run.describe()
    );
    assert!(!run.stderr.contains("9/9"), "{}", run.describe());
    assert_eq!(run.stderr.lines().count(), 2, "{}", run.describe());
}

#[test]
fn importing_twice_creates_nothing_new() {
    let (_dir, content) = content();
    let first = import(&content, &fixtures());
    assert!(first.status.success(), "{}", first.describe());
    let before = snapshot(&content);
    let second = import(&content, &fixtures());
    assert!(second.status.success(), "{}", second.describe());
    assert_eq!(
        second.stdout,
        "imported 9 messages: 0 new replies, 9 already imported\n"
    );
    assert_eq!(snapshot(&content), before, "nothing may change");

    // A message without a Message-ID is known by its bytes.
    let raw = fs::read(Path::new(MAIL).join("en-quoting-earlier.eml")).expect("fixture");
    let text = String::from_utf8(raw).expect("utf-8 fixture");
    let no_id: String = text
        .lines()
        .filter(|l| !l.starts_with("Message-ID:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let file = content.parent().expect("parent").join("no-id.eml");
    fs::write(&file, no_id).expect("write");
    let a = import(&content, std::slice::from_ref(&file));
    let b = import(&content, std::slice::from_ref(&file));
    assert!(
        a.stdout
            .ends_with("imported 1 message: 1 new reply, 0 already imported\n"),
        "{}",
        a.describe()
    );
    assert_eq!(
        b.stdout,
        "imported 1 message: 0 new replies, 1 already imported\n",
        "{}",
        b.describe()
    );
}

#[test]
fn imported_replies_build_once_answers_are_filled_in() {
    let (dir, content) = content();
    let run = import(&content, &fixtures());
    assert!(run.status.success(), "{}", run.describe());
    let out = dir.path().join("public");

    // The reply that names no question stops the build, naming the file.
    let jane = reply_of(&content, "jane-doe");
    let failed = build(&content, &out, &["--themes", THEMES]);
    assert_eq!(failed.status.code(), Some(1), "{}", failed.describe());
    let jane_name = jane
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    assert!(
        failed.stderr.contains(&jane_name) && failed.stderr.contains("answers no question"),
        "{}",
        failed.describe()
    );

    // The moderator fills it in; the site builds.
    let text = fs::read_to_string(&jane).expect("reply");
    fs::write(&jane, text.replace("answers: []", "answers: [\"1.1\"]")).expect("write");
    let built = build(&content, &out, &["--themes", THEMES]);
    assert!(built.status.success(), "{}", built.describe());

    let page = page(&out, "en/d/week-1/question-2/index.html");
    let articles: Vec<(String, String, String)> = page
        .select(&sel("article[id]"))
        .map(|a| {
            let attr = |n: &str| a.value().attr(n).unwrap_or_default().to_string();
            (attr("id"), attr("lang"), text_of(a))
        })
        .collect();
    assert_eq!(articles.len(), 2, "{articles:?}");
    let find = |author: &str| {
        articles
            .iter()
            .find(|(id, _, _)| id.ends_with(author))
            .unwrap_or_else(|| panic!("no article of {author}: {articles:?}"))
    };
    let (_, lang, text) = find("mamadou-sene");
    assert_eq!(lang, "fr");
    assert!(text.contains("comité de pilotage"), "{text}");
    let (_, lang, text) = find("ayad-zarouali");
    assert_eq!(lang, "en");
    assert!(text.contains("steering committees work"), "{text}");
    assert!(!text.contains("comité"), "the quote leaked: {text}");

    let page = self::page(&out, "en/d/week-1/question-3/index.html");
    let es: Vec<String> = page
        .select(&sel(r#"article[lang="es"]"#))
        .map(text_of)
        .collect();
    assert_eq!(es.len(), 1, "{es:?}");
    assert!(es[0].contains("mesa de movilidad humana"), "{es:?}");
}

#[test]
fn bad_input_is_reported_and_the_rest_imported() {
    let (dir, content) = content();
    let not_mail = dir.path().join("notes.txt");
    fs::write(&not_mail, "just some notes\nno headers here\n").expect("write");
    let missing = dir.path().join("missing.eml");
    let good = Path::new(MAIL).join("es-base64-utf8.eml");
    let run = import(&content, &[not_mail, missing, good]);
    assert_eq!(run.status.code(), Some(1), "{}", run.describe());
    assert!(
        run.stderr
            .contains("notes.txt: error: not an e-mail message"),
        "{}",
        run.describe()
    );
    assert!(
        run.stderr.contains("missing.eml: error: cannot read"),
        "{}",
        run.describe()
    );
    assert!(
        run.stdout
            .ends_with("imported 2 messages: 1 new reply, 0 already imported, 2 failed\n"),
        "{}",
        run.describe()
    );
    reply_of(&content, "patricio-sinaluisa");

    let mut cmd = palabre();
    cmd.args(["import", "--discussion", "nope", "--content"])
        .arg(&content)
        .arg(Path::new(MAIL).join("es-base64-utf8.eml"));
    let run = Run::from_output(cmd.output().expect("run"));
    assert_eq!(run.status.code(), Some(1), "{}", run.describe());
    assert!(
        run.stderr.contains("no discussion `nope`"),
        "{}",
        run.describe()
    );
}

/// A real 1×1 PNG picture, as a moderator might drop among the e-mails.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

#[test]
fn a_picture_or_a_text_without_mail_headers_is_no_e_mail() {
    let (dir, content) = content();
    let picture = dir.path().join("scan.png");
    fs::write(&picture, PNG).expect("write");
    // Looks like a header, but no mail program writes a message like this.
    let notes = dir.path().join("notes.txt");
    fs::write(&notes, "Todo: call Ana\nDone: nothing\n\nMore notes.\n").expect("write");
    let good = Path::new(MAIL).join("es-base64-utf8.eml");
    let run = import(&content, &[picture, notes, good]);
    assert_eq!(
        run.status.code(),
        Some(1),
        "files that are no e-mail make the exit status 1\n{}",
        run.describe()
    );
    for name in ["scan.png", "notes.txt"] {
        assert!(
            run.stderr
                .contains(&format!("{name}: error: not an e-mail message")),
            "{name} is not named\n{}",
            run.describe()
        );
    }
    assert!(
        run.stdout
            .ends_with("imported 3 messages: 1 new reply, 0 already imported, 2 failed\n"),
        "{}",
        run.describe()
    );
    // The good message is imported all the same, and nothing else.
    reply_of(&content, "patricio-sinaluisa");
    assert_eq!(all_files(&content.join("d/replies")).len(), 1);
}
