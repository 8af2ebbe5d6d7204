//! Headings a contributor writes in a reply fit the outline of every page the
//! reply is shown on: right under the heading of the reply's author, with no
//! level skipped, so that screen-reader users can navigate by headings.

use crate::common;

use std::fs;

use common::*;

const DISCUSSION: &str = r#"---
title: {en: "D", fr: "D", es: "D"}
group_label: week
groups:
  - id: 1
    questions:
      - id: 1
        text: {en: "One?", fr: "Un ?", es: "¿Uno?"}
---
Introduction.
"#;

/// A reply with two levels of headings, and a raw HTML `h1` that must not
/// climb above the author's heading either.
const REPLY: &str = "---\nauthor: Ana\nlang: en\nanswers: [\"1.1\"]\n---\n\
# Context\n\nOur city has worked with migrant associations for ten years now.\n\n\
### Results\n\nThe results were good for everyone involved in the programme.\n\n\
<h1>Raw heading</h1>\n";

/// The levels (1–6) and texts of the headings of a page's `<main>`, in order.
fn outline(out: &std::path::Path, rel: &str) -> Vec<(usize, String)> {
    let doc = page(out, rel);
    doc.select(&sel("main h1, main h2, main h3, main h4, main h5, main h6"))
        .map(|h| {
            let level = h.value().name()[1..].parse().expect("heading level");
            (level, text_of(h))
        })
        .collect()
}

#[test]
fn reply_headings_sit_under_the_author_on_every_page() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let content = dir.path().join("content");
    fs::create_dir_all(content.join("d/replies")).expect("content folder");
    fs::write(content.join("site.yaml"), FIXTURE_SITE_YAML).expect("site.yaml");
    fs::write(content.join("d/_discussion.md"), DISCUSSION).expect("discussion");
    fs::write(content.join("d/replies/001-ana.md"), REPLY).expect("reply");
    let out = dir.path().join("out");
    let run = build(&content, &out, &["--themes", THEMES]);
    assert!(run.status.success(), "{}", run.describe());

    for lang in LANGS {
        for rel in [
            format!("{lang}/d/replies/001-ana/index.html"),
            format!("{lang}/d/week-1/question-1/index.html"),
            format!("{lang}/d/report/index.html"),
        ] {
            let headings = outline(&out, &rel);
            let author = headings
                .iter()
                .position(|(_, text)| text == "Ana")
                .unwrap_or_else(|| panic!("no heading for the author on {rel}: {headings:?}"));
            let level_of = |text: &str| {
                headings
                    .iter()
                    .skip(author)
                    .find(|(_, t)| t == text)
                    .map(|(l, _)| *l)
                    .unwrap_or_else(|| panic!("no heading {text} on {rel}: {headings:?}"))
            };
            let author_level = headings[author].0;
            let expected_top = (author_level + 1).min(6);
            assert_eq!(level_of("Context"), expected_top, "{rel}: {headings:?}");
            assert_eq!(
                level_of("Results"),
                (expected_top + 1).min(6),
                "{rel}: {headings:?}"
            );
            assert!(
                level_of("Raw heading") >= expected_top,
                "{rel}: {headings:?}"
            );
            // No level skipped anywhere on the page.
            let mut previous = 0;
            for (level, text) in &headings {
                assert!(
                    *level <= previous + 1,
                    "{rel}: `{text}` (h{level}) skips a level after h{previous}: {headings:?}"
                );
                previous = *level;
            }
        }
    }
}
