//! `palabre new reply`: a file with valid front-matter and a fresh name, that
//! builds and shows on its question's page; clear errors otherwise.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

const DISCUSSION: &str = r#"---
title: {en: "A discussion"}
group_label: week
groups:
  - id: 1
    questions:
      - id: 1
        text: {en: "Question one?"}
      - id: 2
        text: {en: "Question two?"}
  - id: 2
    questions:
      - id: 1
        text: {en: "Question three?"}
---
The introduction.
"#;

const EXISTING: &str =
    "---\nauthor: \"Ada\"\nlang: en\nanswers: [\"1.1\"]\n---\nA reply already there.\n";

fn content() -> (tempfile::TempDir, PathBuf) {
    let dir = scratch_dir("new-reply-");
    let content = dir.path().join("content");
    fs::create_dir_all(content.join("d/replies")).expect("folders");
    fs::write(content.join("site.yaml"), FIXTURE_SITE_YAML).expect("site.yaml");
    fs::write(content.join("d/_discussion.md"), DISCUSSION).expect("discussion");
    (dir, content)
}

fn new_reply(content: &Path, args: &[&str]) -> Run {
    let mut cmd = palabre();
    cmd.args(["new", "reply", "--content"])
        .arg(content)
        .args(args);
    Run::from_output(cmd.output().expect("cannot run palabre"))
}

fn today() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

#[test]
fn writes_a_reply_that_builds_and_shows_on_its_questions() {
    let (dir, content) = content();
    fs::write(content.join("d/replies/017-ada.md"), EXISTING).expect("reply");
    let run = new_reply(
        &content,
        &[
            "--discussion",
            "d",
            "--answers",
            "1.2,2.1",
            "--author",
            "Antonio García-Nieto",
            "--lang",
            "es",
        ],
    );
    assert!(run.status.success(), "{}", run.describe());
    let path = content.join("d/replies/018-antonio-garcia-nieto.md");
    assert_eq!(run.stdout.trim(), path.display().to_string());
    let text = fs::read_to_string(&path).expect("the new reply");
    assert_eq!(
        text,
        format!(
            "---\nauthor: \"Antonio García-Nieto\"\ndate: {}\nanswers: [\"1.2\", \"2.1\"]\nlang: es\n---\nEscriba aquí el texto de la respuesta, en Markdown.\n",
            today()
        )
    );

    let out = dir.path().join("public");
    let run = build(&content, &out, &["--themes", THEMES]);
    assert!(run.status.success(), "{}", run.describe());
    for q in ["week-1/question-2", "week-2/question-1"] {
        let page = page(&out, &format!("en/d/{q}/index.html"));
        let article = page
            .select(&sel(r#"article[id="018-antonio-garcia-nieto"]"#))
            .next()
            .unwrap_or_else(|| panic!("the new reply is not on {q}"));
        let text = text_of(article);
        assert!(text.contains("Antonio García-Nieto"), "{text}");
        assert!(text.contains("Escriba aquí el texto"), "{text}");
    }
    let other = page(&out, "en/d/week-1/question-1/index.html");
    assert!(
        other
            .select(&sel(r#"article[id="018-antonio-garcia-nieto"]"#))
            .next()
            .is_none()
    );
}

#[test]
fn never_overwrites_and_numbers_on() {
    let (_dir, content) = content();
    let args = ["--discussion", "d", "--answers", "1.1", "--author", "Bo"];
    let first = new_reply(&content, &args);
    let second = new_reply(&content, &args);
    assert!(first.status.success(), "{}", first.describe());
    assert!(second.status.success(), "{}", second.describe());
    assert!(
        first.stdout.trim().ends_with("001-bo.md"),
        "{}",
        first.stdout
    );
    assert!(
        second.stdout.trim().ends_with("002-bo.md"),
        "{}",
        second.stdout
    );
    // No language given: no `lang:` line, an English placeholder.
    let text = fs::read_to_string(content.join("d/replies/001-bo.md")).expect("reply");
    assert!(!text.contains("lang:"), "{text}");
    assert!(text.ends_with("---\nWrite the text of the reply here, in Markdown.\n"));
}

#[test]
fn unknown_discussion_or_question_is_a_clear_error() {
    let (_dir, content) = content();
    let cases: [(&[&str], &[&str]); 4] = [
        (
            &["--discussion", "nope", "--answers", "1.1", "--author", "X"],
            &["no discussion `nope`", "use one of: d"],
        ),
        (
            &["--discussion", "d", "--answers", "1.1,9.9", "--author", "X"],
            &["has no question 9.9", "use one of: 1.1, 1.2, 2.1"],
        ),
        (
            &["--discussion", "d", "--answers", "1", "--author", "X"],
            &["`1` is not a question id"],
        ),
        (
            &[
                "--discussion",
                "d",
                "--answers",
                "1.1",
                "--author",
                "X",
                "--lang",
                "de",
            ],
            &["`de` is not one of the site's languages", "en, fr, es"],
        ),
    ];
    for (args, expected) in cases {
        let run = new_reply(&content, args);
        assert_eq!(run.status.code(), Some(1), "{args:?}\n{}", run.describe());
        for e in expected {
            assert!(run.stderr.contains(e), "{args:?}: {e}\n{}", run.describe());
        }
        assert!(run.stdout.is_empty(), "{}", run.describe());
    }
    let files = all_files(&content.join("d/replies"));
    assert!(files.is_empty(), "nothing may be written: {files:?}");
}

/// `palabre check --content CONTENT`.
fn check(content: &Path) -> Run {
    let out = palabre()
        .arg("check")
        .arg("--content")
        .arg(content)
        .output()
        .expect("cannot run palabre");
    Run::from_output(out)
}

#[test]
fn a_reply_for_a_closed_discussion_is_dated_on_its_closing_day() {
    let (_dir, content) = content();
    fs::write(
        content.join("d/_discussion.md"),
        DISCUSSION.replacen(
            "group_label",
            "opens: 2013-07-01\ncloses: 2013-07-31\ngroup_label",
            1,
        ),
    )
    .expect("discussion");
    let run = new_reply(
        &content,
        &["--discussion", "d", "--answers", "1.1", "--author", "Bo"],
    );
    assert!(run.status.success(), "{}", run.describe());
    let path = content.join("d/replies/001-bo.md");
    assert_eq!(run.stdout.trim(), path.display().to_string());
    let text = fs::read_to_string(&path).expect("the new reply");
    assert!(
        text.starts_with(
            "---\nauthor: \"Bo\"\ndate: 2013-07-31  # the day the discussion closed: write the day the reply was sent\nanswers: [\"1.1\"]\n---\n"
        ),
        "{text}"
    );
    assert!(
        run.stderr.contains("001-bo.md: note: dated 2013-07-31"),
        "the moderator is told\n{}",
        run.describe()
    );

    // The file is valid: check finds no date problem, only the placeholder
    // still waiting for the reply's text (line 6).
    let checked = check(&content);
    assert!(checked.status.success(), "{}", checked.describe());
    let about = messages_about(&checked.stderr, "d/replies/001-bo.md");
    assert!(!about.contains("dated"), "{}", checked.describe());
    assert!(
        names_line(&checked.stderr, "d/replies/001-bo.md", 6)
            && about.contains("palabre new reply"),
        "{}",
        checked.describe()
    );

    // Once the reply's text is written, nothing is left to report on it.
    fs::write(
        &path,
        text.replace(
            "Write the text of the reply here, in Markdown.",
            "My reply came by post after the discussion had closed, and it is now on the site.",
        ),
    )
    .expect("write");
    let checked = check(&content);
    assert!(
        !checked.stderr.contains("001-bo.md"),
        "{}",
        checked.describe()
    );
}

#[test]
fn a_reply_for_a_running_discussion_is_dated_today_without_a_note() {
    let (_dir, content) = content();
    fs::write(
        content.join("d/_discussion.md"),
        DISCUSSION.replacen("group_label", "opens: 2013-07-01\ngroup_label", 1),
    )
    .expect("discussion");
    let run = new_reply(
        &content,
        &["--discussion", "d", "--answers", "1.1", "--author", "Bo"],
    );
    assert!(run.status.success(), "{}", run.describe());
    let text = fs::read_to_string(content.join("d/replies/001-bo.md")).expect("reply");
    assert!(text.contains(&format!("date: {}\n", today())), "{text}");
    assert!(run.stderr.is_empty(), "{}", run.describe());
}

#[test]
fn unicode_folders_and_names() {
    let (_dir, content) = content();
    fs::create_dir_all(content.join("niño")).expect("folder");
    fs::write(content.join("niño/_discussion.md"), DISCUSSION).expect("discussion");
    // The folder by its name, by its address, and typed with a combining
    // accent (as macOS spells names): the same discussion each time.
    for (discussion, author, file) in [
        ("niño", "José Núñez", "001-jose-nunez.md"),
        ("nino", "Zoë O'Brien", "002-zoe-o-brien.md"),
        ("nin\u{303}o", "!!!", "003-anonymous.md"),
    ] {
        let run = new_reply(
            &content,
            &[
                "--discussion",
                discussion,
                "--answers",
                "1.1",
                "--author",
                author,
            ],
        );
        assert!(run.status.success(), "{discussion}\n{}", run.describe());
        let path = content.join("niño/replies").join(file);
        assert_eq!(run.stdout.trim(), path.display().to_string());
    }
    let run = new_reply(
        &content,
        &["--discussion", "nina", "--answers", "1.1", "--author", "X"],
    );
    assert_eq!(run.status.code(), Some(1), "{}", run.describe());
    assert!(
        run.stderr.contains("no discussion `nina`") && run.stderr.contains("niño"),
        "{}",
        run.describe()
    );
    let run = new_reply(
        &content,
        &[
            "--discussion",
            "../content/d",
            "--answers",
            "1.1",
            "--author",
            "X",
        ],
    );
    assert_eq!(run.status.code(), Some(1), "{}", run.describe());
}
