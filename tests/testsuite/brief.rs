//! `palabre brief`: the moderators' working brief of a discussion, and the
//! draft summaries it writes, whose citations resolve once copied into
//! `summaries/`, and which `check` flags until they are rewritten.

use std::fs;
use std::path::Path;

use scraper::Selector;

use crate::common::*;

const DISCUSSION: &str = r#"---
title: {en: "Migration and local planning", fr: "Migration et planification locale", es: "Migración y planificación local"}
groups:
  - id: 1
    questions:
      - id: 1
        text:
          en: "What does mainstreaming migration into local planning mean to you?"
          fr: "Que signifie pour vous intégrer la migration dans la planification locale ?"
          es: "¿Qué significa para usted integrar la migración en la planificación local?"
      - id: 2
        text: {en: "Which tools worked?"}
---
An e-discussion.
"#;

/// (file, front matter, text): three English replies sharing "local
/// authorities" and "diaspora associations", two French ones sharing
/// "autorités locales", one Spanish one; one reply restates the question.
const REPLIES: [(&str, &str, &str); 6] = [
    (
        "001-ana",
        "author: Ana\norganisation: City of Legazpi\ncountry: PH\nlang: en",
        "What does mainstreaming migration into local planning mean to you?\n\n\
         For us, local authorities must work with diaspora associations from the first day of planning. \
         Budgets follow plans.",
    ),
    (
        "002-ben",
        "author: Ben\ncountry: Ghana\nlang: en",
        "Local authorities rarely have data on migrants. Diaspora associations can collect it when the \
         municipality asks them to, and local authorities should then publish it.",
    ),
    (
        "003-cleo",
        "author: Cleo\nlang: en",
        "Mainstreaming means that local authorities treat migrants as residents in every service, \
         with diaspora associations at the table when plans are discussed.",
    ),
    (
        "004-dede",
        "author: Dédé\ncountry: Sénégal\nlang: fr",
        "Les autorités locales doivent inscrire la migration dans le plan de développement communal, \
         avec les associations de migrants.",
    ),
    (
        "005-josé maría",
        "author: José María\ncountry: Ecuador\nlang: es",
        "Significa que el gobierno provincial reconoce a las personas en movilidad humana como sujetos \
         de derechos en toda la planificación.",
    ),
    (
        "006-eve",
        "author: Ève\ncountry: Sénégal\nlang: fr",
        "Pour nous, les autorités locales sont le premier guichet des migrants : elles doivent les \
         associer à la planification du territoire.",
    ),
];

fn site() -> Site {
    let site = Site::empty();
    site.write(
        "site.yaml",
        "title: {en: T}\nlanguages: [en, fr, es]\nbase_url: \"\"\n",
    );
    site.write("d/_discussion.md", DISCUSSION);
    for (file, front, text) in REPLIES {
        site.write(
            &format!("d/replies/{file}.md"),
            format!("---\n{front}\nanswers: [\"1.1\"]\n---\n{text}\n"),
        );
    }
    site.write(
        "d/summaries/1-1.en.md",
        "As [Ben](../replies/002-ben.md) wrote, data first.\n",
    );
    site
}

/// `palabre brief` of discussion `d` of `site` into `out`, with `extra` arguments.
fn brief(content: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut cmd = palabre();
    cmd.arg("brief")
        .arg("--content")
        .arg(content)
        .arg("--output")
        .arg(out)
        .args(["--themes", THEMES])
        .args(extra);
    let run = Run::from_output(cmd.output().expect("cannot run the palabre binary"));
    assert_no_panic(&run);
    run
}

fn texts(html: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = Selector::parse(selector).expect("selector");
    html.select(&sel)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn the_brief_shows_each_languages_phrases_passages_and_who_answered() {
    let site = site();
    let out = site.dir.path().join("brief");
    let run = brief(&site.content, &out, &["--discussion", "d"]);
    assert!(run.status.success(), "{}", run.describe());
    assert!(run.stdout.contains("index.html"), "{}", run.stdout);

    let index = page(&out, "index.html");
    assert_eq!(texts(&index, "main li a"), ["Question 1.1", "Question 1.2"]);
    let html = page(&out, "1-1.html");
    // Most replies first; each language's section in its language.
    assert_eq!(
        texts(&html, "section[lang] > h2"),
        [
            "Replies in English · 3 contributions",
            "Replies in French · 2 contributions",
            "Replies in Spanish · 1 contribution"
        ]
    );
    let phrases = |lang: &str| texts(&html, &format!("section[lang={lang}] .phrases li"));
    assert!(
        phrases("en").contains(&"local authorities (3)".to_string()),
        "{:?}",
        phrases("en")
    );
    assert!(
        phrases("en").contains(&"diaspora associations (3)".to_string()),
        "{:?}",
        phrases("en")
    );
    assert!(
        phrases("fr").contains(&"autorités locales (2)".to_string()),
        "{:?}",
        phrases("fr")
    );
    // A phrase of one reply only is not a key phrase.
    assert!(
        !phrases("en").iter().any(|p| p.starts_with("budgets")),
        "{:?}",
        phrases("en")
    );

    // Every passage links to its reply on the page, one passage per reply.
    let anchors = Selector::parse("blockquote a").expect("selector");
    let linked: Vec<&str> = html
        .select(&anchors)
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(linked.len(), 6, "{linked:?}");
    for href in &linked {
        let id = href.trim_start_matches('#');
        let target = Selector::parse(&format!("article[id=\"{id}\"]")).expect("selector");
        assert_eq!(html.select(&target).count(), 1, "{href} leads nowhere");
    }
    // Who answered, and what the summary already cites.
    let body = texts(&html, "main").join(" ");
    for said in [
        "Countries: Senegal (2), Ecuador (1), Ghana (1), Philippines (1)",
        "City of Legazpi",
    ] {
        assert!(body.contains(said), "{said:?} missing from {body}");
    }
    assert_eq!(
        texts(&html, "main ul:not(.phrases) li a[href='#r-002-ben']"),
        ["Ben"]
    );
    assert_eq!(texts(&html, "article .cited"), ["cited"]);
    // A paragraph that only restates the question is left out of Ana's text.
    let ana = texts(&html, "article#r-001-ana p");
    assert!(!ana.iter().any(|p| p.starts_with("What does")), "{ana:?}");

    // A draft per question and site language.
    for q in ["1-1", "1-2"] {
        for lang in LANGS {
            assert!(
                out.join(format!("drafts/{q}.{lang}.md")).is_file(),
                "no draft {q}.{lang}"
            );
        }
    }
    let fr = fs::read_to_string(out.join("drafts/1-1.fr.md")).expect("draft");
    assert!(
        fr.contains("**Projet.**") && fr.contains("Tels qu'écrits en anglais"),
        "{fr}"
    );

    // A citation of a file whose name has a space and accents resolves too.
    let es = fs::read_to_string(out.join("drafts/1-1.es.md")).expect("draft");
    assert!(es.contains("(<../replies/005-josé maría.md>)"), "{es}");
    site.write("d/summaries/1-1.es.md", &es);
    let check = site.check(&[]);
    let problems: Vec<&str> = check
        .stdout
        .lines()
        .chain(check.stderr.lines())
        .filter(|l| l.contains("1-1.es.md"))
        .collect();
    assert_eq!(problems.len(), 1, "{}", check.describe());
    assert!(
        problems[0].ends_with(
            "1-1.es.md:1: warning: this summary is still the draft written by `palabre brief`"
        ),
        "{}",
        check.describe()
    );
}

#[test]
fn drafts_copied_into_summaries_build_with_every_citation_resolved_and_check_flags_them() {
    let dir = scratch_dir("brief-sample");
    let content = dir.path().join("content");
    copy_dir(Path::new(SAMPLE_CONTENT), &content);
    let out = dir.path().join("brief");
    let run = brief(
        &content,
        &out,
        &["--discussion", "mainstreaming-migration-2015"],
    );
    assert!(run.status.success(), "{}", run.describe());
    let summaries = content.join("mainstreaming-migration-2015/summaries");
    let mut drafts = Vec::new();
    for entry in fs::read_dir(out.join("drafts")).expect("drafts") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        fs::copy(&path, summaries.join(&name)).expect("copy");
        drafts.push(name);
    }
    drafts.sort();
    assert_eq!(drafts.len(), 12, "{drafts:?}");

    let mut cmd = palabre();
    cmd.args(["check", "--format", "json", "--content"])
        .arg(&content);
    let check = Run::from_output(cmd.output().expect("run check"));
    let diags: Vec<serde_json::Value> = serde_json::from_str(&check.stdout).expect("JSON");
    let about_drafts: Vec<&serde_json::Value> = diags
        .iter()
        .filter(|d| {
            drafts
                .iter()
                .any(|n| d["file"].as_str().is_some_and(|f| f.ends_with(n.as_str())))
        })
        .collect();
    // One warning per draft, on its first line, and nothing else: every
    // citation resolves.
    assert_eq!(about_drafts.len(), 12, "{about_drafts:#?}");
    for d in &about_drafts {
        assert_eq!(d["severity"], "warning", "{d}");
        assert_eq!(d["line"], 1, "{d}");
        assert!(
            d["message"].as_str().is_some_and(|m| m.contains("draft")),
            "{d}"
        );
    }

    // Built, each quoted reply is a citation of the question's consolidated reply.
    let site_out = dir.path().join("site");
    let built = build(&content, &site_out, &["--themes", THEMES]);
    assert_built(&built);
    let draft = fs::read_to_string(summaries.join("1-2.fr.md")).expect("draft");
    let mut quoted: Vec<&str> = draft
        .split("../replies/")
        .skip(1)
        .filter_map(|rest| rest.split(".md").next())
        .collect();
    quoted.sort();
    quoted.dedup();
    assert!(quoted.len() >= 4, "{draft}");
    let html = page(
        &site_out,
        "fr/mainstreaming-migration-2015/week-1/question-2/index.html",
    );
    let cited = Selector::parse(".cited li a").expect("selector");
    let hrefs: Vec<&str> = html
        .select(&cited)
        .filter_map(|a| a.value().attr("href"))
        .collect();
    for reply in &quoted {
        assert!(
            hrefs.iter().any(|h| h.contains(reply)),
            "{reply} is not cited: {hrefs:?}"
        );
    }
}

#[test]
fn the_same_replies_give_the_same_brief() {
    let site = site();
    let (a, b) = (site.dir.path().join("a"), site.dir.path().join("b"));
    for out in [&a, &b] {
        let run = brief(&site.content, out, &["--discussion", "d", "--lang", "fr"]);
        assert!(run.status.success(), "{}", run.describe());
    }
    assert_eq!(snapshot(&a), snapshot(&b));
    assert!(String::from_utf8_lossy(&snapshot(&a)["index.html"]).contains("<html lang=\"fr\">"));
}

#[test]
fn mistakes_are_said_and_nothing_is_written() {
    let site = site();
    let out = site.dir.path().join("brief");
    let cases: [(&[&str], &str); 3] = [
        (&["--discussion", "nope"], "the discussions are: d"),
        (
            &["--discussion", "d", "--question", "1.9"],
            "its questions are: 1.1, 1.2",
        ),
        (
            &["--discussion", "d", "--lang", "de"],
            "use one of en, fr, es",
        ),
    ];
    for (args, said) in cases {
        let run = brief(&site.content, &out, args);
        assert!(!run.status.success(), "{args:?} succeeded");
        assert!(run.stderr.contains(said), "{args:?}: {}", run.stderr);
        assert!(!out.exists(), "{args:?} wrote the moderators' brief");
    }
    let inside = site.content.join("brief");
    let run = brief(&site.content, &inside, &["--discussion", "d"]);
    assert!(
        !run.status.success() && run.stderr.contains("inside the content folder"),
        "{}",
        run.stderr
    );
    assert!(!inside.exists());
    let run = brief(
        &site.content,
        &out,
        &["--discussion", "d", "--question", "1.2"],
    );
    assert!(run.status.success(), "{}", run.describe());
    assert!(out.join("1-2.html").is_file() && !out.join("1-1.html").exists());
}

#[test]
fn a_sentence_with_an_address_or_a_phone_number_is_not_quoted() {
    let site = Site::empty();
    site.write(
        "site.yaml",
        "title: {en: T}\nlanguages: [en]\nbase_url: \"\"\n",
    );
    site.write("d/_discussion.md", DISCUSSION);
    let replies = [
        (
            "001-ana",
            "Local authorities must plan with diaspora associations; write to ana.lopez@example.org for the municipal data.",
        ),
        (
            "002-ben",
            "Local authorities must plan with diaspora associations, call +33 6 12 34 56 78 to join the working group.",
        ),
        (
            "003-cleo",
            "Local authorities must plan with diaspora associations from the very first day of the planning cycle.",
        ),
    ];
    for (file, text) in replies {
        site.write(
            &format!("d/replies/{file}.md"),
            format!("---\nlang: en\nanswers: [\"1.1\"]\n---\n{text}\n"),
        );
    }
    let out = site.dir.path().join("brief");
    let run = brief(&site.content, &out, &["--discussion", "d"]);
    assert!(run.status.success(), "{}", run.describe());
    let draft = fs::read_to_string(out.join("drafts/1-1.en.md")).expect("draft");
    assert_eq!(draft.matches("- “").count(), 1, "{draft}");
    assert!(
        draft.contains("003-cleo.md") && !draft.contains('@') && !draft.contains("+33"),
        "{draft}"
    );
}
