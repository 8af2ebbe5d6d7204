//! A hostile reply: scripts, event handlers, dangerous URLs, frames, remote
//! images and template syntax must all come out harmless, on every page, and
//! the moderator is told which file and line lost its unsafe HTML.

use crate::common;

use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

use common::*;
use scraper::Html;

/// Line numbers below count from the file's first line (the opening `---`).
const EVIL_REPLY: &str = r#"---
author: "{{ layout.site_title }} {% raw %} Mallory"
lang: en
answers: ["1.1", "1.2"]
---
This reply tries every trick in the book, and it is long enough to read as English.

<script>alert(1)</script>

<img src=x onerror=alert(1)>

A [markdown link](javascript:alert(1)) and <a href="javascript:alert(1)">an html link</a>.

<svg><script>alert(1)</script></svg>

<iframe src="https://example.org/frame"></iframe>

<div onclick="x()">Click me</div>

A [data link](data:text/html;base64,PHNjcmlwdD4=) and a picture ![remote](https://example.org/tracker.png).

Template syntax stays text: {{ layout.site_title }} and {% raw %} here.
"#;

/// The line of the first occurrence of `needle` in the reply file.
fn line_of(needle: &str) -> usize {
    EVIL_REPLY
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle in the reply")
        + 1
}

const SITE_TITLE: &str = "Sanitize Test Site";

struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
    run: Run,
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = scratch_dir("palabre-sanitize-");
        let content = dir.path().join("content");
        let write = |rel: &str, text: &str| {
            let p = content.join(rel);
            fs::create_dir_all(p.parent().expect("parent")).expect("create folder");
            fs::write(p, text).expect("write");
        };
        write("site.yaml", &format!("title: {{en: \"{SITE_TITLE}\"}}\nlanguages: [en, fr, es]\n"));
        write(
            "d/_discussion.md",
            "---\ntitle: {en: \"D\"}\ngroup_label: week\ngroups:\n  - id: 1\n    questions:\n      - id: 1\n        text: {en: \"One?\"}\n      - id: 2\n        text: {en: \"Two?\"}\n---\nIntro.\n",
        );
        write("d/replies/evil.md", EVIL_REPLY);
        let out = dir.path().join("out");
        let run = build(&content, &out, &["--themes", THEMES]);
        Built { _dir: dir, out, run }
    })
}

/// Every page of the built site, parsed, with its path and raw text.
fn pages() -> Vec<(String, String, Html)> {
    let b = built();
    assert!(
        b.run.status.success(),
        "the hostile reply must not stop the build\n{}",
        b.run.describe()
    );
    let files = html_files(&b.out);
    assert!(files.len() > 10, "too few pages built: {files:?}");
    files
        .into_iter()
        .map(|rel| {
            let raw = fs::read_to_string(b.out.join(&rel)).expect("page");
            let doc = Html::parse_document(&raw);
            (rel, raw, doc)
        })
        .collect()
}

/// The pages that show the reply (its own and its question pages).
const REPLY_PAGES: [&str; 3] = [
    "replies/evil/index.html",
    "week-1/question-1/index.html",
    "week-1/question-2/index.html",
];

#[test]
fn the_build_succeeds_and_the_reply_is_shown() {
    let b = built();
    assert!(b.run.status.success(), "{}", b.run.describe());
    for lang in LANGS {
        for p in REPLY_PAGES {
            let rel = format!("{lang}/d/{p}");
            let n = page(&b.out, &rel)
                .select(&sel("article[id=\"evil\"]"))
                .count();
            assert_eq!(n, 1, "{rel}: the reply should be shown once");
        }
    }
}

#[test]
fn no_script_frame_or_embedded_object_anywhere() {
    for (rel, raw, doc) in pages() {
        let lower = raw.to_ascii_lowercase();
        // The theme's own scripts (language filter, search) are allowed: empty
        // <script src> in <head>, from the site's static/ folder. Nothing else.
        let theme_scripts = doc
            .select(&sel("head > script[src]"))
            .filter(|s| {
                s.text().next().is_none()
                    && s.attr("src").is_some_and(|src| {
                        ["static/filter.js", "static/search.js"]
                            .iter()
                            .any(|own| src.ends_with(own) && !src.contains(':'))
                    })
            })
            .count();
        assert_eq!(
            lower.matches("<script").count(),
            theme_scripts,
            "{rel}: a script that is not the theme's"
        );
        for tag in ["<iframe", "<object", "<embed"] {
            assert!(!lower.contains(tag), "{rel}: contains {tag}");
        }
        assert_eq!(
            doc.select(&sel("script")).count(),
            theme_scripts,
            "{rel}: has a <script> element that is not the theme's"
        );
        for tag in ["iframe", "object", "embed", "frame"] {
            assert_eq!(
                doc.select(&sel(tag)).count(),
                0,
                "{rel}: has a <{tag}> element"
            );
        }
    }
}

#[test]
fn no_event_handler_attributes() {
    for (rel, _, doc) in pages() {
        for el in doc.select(&sel("*")) {
            for (name, value) in el.value().attrs() {
                assert!(
                    !name.to_ascii_lowercase().starts_with("on"),
                    "{rel}: <{} {name}=\"{value}\"> is an event handler",
                    el.value().name()
                );
            }
        }
    }
}

#[test]
fn no_javascript_or_data_urls() {
    for (rel, raw, doc) in pages() {
        for el in doc.select(&sel("*")) {
            for (name, value) in el.value().attrs() {
                let v: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                assert!(
                    !v.starts_with("javascript:")
                        && !v.starts_with("data:")
                        && !v.starts_with("vbscript:"),
                    "{rel}: <{} {name}=\"{value}\"> is a dangerous URL",
                    el.value().name()
                );
            }
        }
        let lower = raw.to_ascii_lowercase();
        assert!(
            !lower.contains("javascript:alert"),
            "{rel}: javascript: URL survives in the HTML"
        );
        assert!(
            !lower.contains("data:text/html"),
            "{rel}: data: URL survives in the HTML"
        );
    }
}

#[test]
fn no_remote_images() {
    for (rel, _, doc) in pages() {
        for img in doc.select(&sel("img")) {
            let src = img
                .attr("src")
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            assert!(
                !(src.starts_with("http:") || src.starts_with("https:") || src.starts_with("//")),
                "{rel}: <img src=\"{src}\"> loads from a third party"
            );
        }
    }
    // The remote picture is still reachable as a link the reader may follow.
    let b = built();
    let rel = "en/d/replies/evil/index.html";
    let doc = page(&b.out, rel);
    assert!(
        doc.select(&sel("article a[href=\"https://example.org/tracker.png\"]"))
            .next()
            .is_some(),
        "{rel}: the remote image should become a plain link"
    );
}

#[test]
fn template_syntax_is_shown_literally() {
    let b = built();
    for lang in LANGS {
        for p in REPLY_PAGES {
            let rel = format!("{lang}/d/{p}");
            let doc = page(&b.out, &rel);
            let article = doc
                .select(&sel("article[id=\"evil\"]"))
                .next()
                .unwrap_or_else(|| panic!("{rel}: no reply"));
            let text = text_of(article);
            // From the author field.
            assert!(
                text.contains("{{ layout.site_title }} {% raw %} Mallory"),
                "{rel}: the author's template syntax was not kept as text: {text}"
            );
            // From the body.
            assert!(
                text.contains(
                    "Template syntax stays text: {{ layout.site_title }} and {% raw %} here."
                ),
                "{rel}: the body's template syntax was not kept as text: {text}"
            );
            assert!(
                !text.contains(&format!("{SITE_TITLE} Mallory")),
                "{rel}: the author's template syntax was evaluated: {text}"
            );
        }
    }
}

#[test]
fn a_warning_names_the_file_and_line_of_removed_html() {
    let b = built();
    let stderr = &b.run.stderr;
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("d/replies/evil.md:"))
        .collect();
    assert!(
        !warnings.is_empty(),
        "no warning names d/replies/evil.md:<line>\n{}",
        b.run.describe()
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.to_lowercase().contains("unsafe") || w.to_lowercase().contains("removed")),
        "the warnings do not say unsafe HTML was removed\n{}",
        b.run.describe()
    );
    for needle in [
        "<script>alert(1)</script>",
        "onerror",
        "<svg>",
        "<iframe",
        "onclick",
    ] {
        let line = line_of(needle);
        let at = format!("d/replies/evil.md:{line}:");
        assert!(
            warnings.iter().any(|w| w.contains(&at)),
            "no warning points at line {line} ({needle})\n{}",
            b.run.describe()
        );
    }
}
