//! Links from a reply (or a summary, or a discussion's introduction) to other
//! pages of the site: written as links to content files, they must work on
//! every page the text is shown on, in every language; broken ones are
//! warnings with file, line and hint, from `check` and `build` alike.

use std::fs;
use std::path::Path;

use crate::common::*;

const SITE_YAML: &str =
    "title: {en: T}\nlanguages: [en, fr, es]\nbase_url: https://example.org/talks\n";

const DISCUSSION_D: &str = r#"---
title: {en: "D", fr: "D", es: "D"}
group_label: week
groups:
  - id: 1
    title: {en: "Week one", fr: "Semaine un", es: "Semana uno"}
    questions:
      - id: 1
        text: {en: "One?", fr: "Un ?", es: "¿Uno?"}
      - id: 2
        text: {en: "Two?", fr: "Deux ?", es: "¿Dos?"}
---
The introduction points to [the first reply](replies/001-ana.md).
"#;

const DISCUSSION_E: &str = r#"---
title: {en: "E", fr: "E", es: "E"}
group_label: topic
groups:
  - id: 2
    title: {en: "Topic two", fr: "Thème deux", es: "Tema dos"}
    questions:
      - id: 1
        text: {en: "Other?", fr: "Autre ?", es: "¿Otra?"}
---
Another discussion.
"#;

const ANA: &str = r#"---
author: Ana
lang: en
answers: ["1.1"]
---
I agree with [the point of Maria](002-maria.md), see [the questions](../_discussion.md),
[question two](../_discussion.md#1.2) and [what Eve wrote](../../e/replies/001-eve.md).
"#;

const MARIA: &str = r#"---
author: Maria
lang: en
answers: ["1.1", "1.2"]
---
Hello.
<!-- answers: 1.2 -->
As [Ana said](001-ana.md), the second question matters.
"#;

const EVE: &str =
    "---\nauthor: Eve\nlang: en\nanswers: [\"2.1\"]\n---\nA reply in another discussion.\n";

const SUMMARY: &str = "In short, [Ana](../replies/001-ana.md) is right.\n";

/// Two discussions linking to each other, not built yet.
fn site() -> Site {
    let site = Site::empty();
    site.write("site.yaml", SITE_YAML);
    site.write("d/_discussion.md", DISCUSSION_D);
    site.write("d/replies/001-ana.md", ANA);
    site.write("d/replies/002-maria.md", MARIA);
    site.write("d/summaries/1-1.en.md", SUMMARY);
    site.write("e/_discussion.md", DISCUSSION_E);
    site.write("e/replies/001-eve.md", EVE);
    site
}

/// The hrefs of the links reading `text` in the texts (`.prose`) of a page.
fn hrefs(out: &Path, page_path: &str, text: &str) -> Vec<Option<String>> {
    let doc = page(out, page_path);
    doc.select(&sel(".prose a"))
        .filter(|a| text_of(*a) == text)
        .map(|a| a.value().attr("href").map(String::from))
        .collect()
}

/// Asserts that the link reading `text` on `page_path` leads to the page
/// `target`, which exists.
fn assert_leads_to(out: &Path, page_path: &str, text: &str, target: &str) {
    let found = hrefs(out, page_path, text);
    assert!(!found.is_empty(), "no link `{text}` on {page_path}");
    for href in found {
        let href = href.unwrap_or_else(|| panic!("link `{text}` on {page_path} has no href"));
        assert!(
            !is_absolute_url(&href),
            "link `{text}` on {page_path} is not relative: {href}"
        );
        let landed = resolve(page_path, &href)
            .unwrap_or_else(|| panic!("`{href}` on {page_path} climbs out of the site"));
        assert_eq!(landed, target, "link `{text}` on {page_path} ({href})");
        assert!(out.join(&landed).is_file(), "{landed} was not built");
    }
}

#[test]
fn links_to_content_files_work_on_every_page_in_every_language() {
    let site = site();
    let run = site.build();
    assert!(run.status.success(), "{}", run.describe());
    assert!(!run.stderr.contains("warning"), "{}", run.describe());
    let out = &site.out;
    for l in LANGS {
        let reply = |id: &str| format!("{l}/d/replies/{id}/index.html");
        let q = |n: u32| format!("{l}/d/week-1/question-{n}/index.html");
        let report = format!("{l}/d/report/index.html");
        // Ana's reply is shown on its page, question 1.1's and the report.
        for shown_on in [reply("001-ana"), q(1), report.clone()] {
            assert_leads_to(out, &shown_on, "the point of Maria", &reply("002-maria"));
            assert_leads_to(
                out,
                &shown_on,
                "the questions",
                &format!("{l}/d/index.html"),
            );
            assert_leads_to(out, &shown_on, "question two", &q(2));
            assert_leads_to(
                out,
                &shown_on,
                "what Eve wrote",
                &format!("{l}/e/replies/001-eve/index.html"),
            );
        }
        // Maria's marked part, shown alone on question 1.2's page.
        for shown_on in [reply("002-maria"), q(2), report.clone()] {
            assert_leads_to(out, &shown_on, "Ana said", &reply("001-ana"));
        }
        // The summary (written in English, shown to every language) and the
        // introduction.
        for shown_on in [q(1), report.clone()] {
            assert_leads_to(out, &shown_on, "Ana", &reply("001-ana"));
        }
        for shown_on in [format!("{l}/d/index.html"), report.clone()] {
            assert_leads_to(out, &shown_on, "the first reply", &reply("001-ana"));
        }
    }
    // Feeds are read away from the site: their links are absolute.
    let feed = fs::read_to_string(out.join("fr/d/feed.xml")).expect("feed");
    assert!(
        feed.contains("https://example.org/talks/fr/d/replies/002-maria/index.html"),
        "{feed}"
    );
}

/// A reply with one broken link per line, from line 7.
const ZOE: &str = r#"---
author: Zoe
lang: en
answers: ["1.1"]
---
Some links.
See [a typo](002-mari.md) here.
And [a page](../report/index.html).
And [a summary](../summaries/1-1.en.md).
And [no question](../_discussion.md#9.9).
And [nowhere](https://example.org/talks/en/nothing/).
And [fine](https://example.org/talks/en/d/), [elsewhere](https://example.com/x) and [mail](mailto:a@example.org).
"#;

const ZOE_FILE: &str = "d/replies/003-zoe.md";

#[test]
fn check_reports_broken_links_with_line_and_hint() {
    let site = site();
    site.write(ZOE_FILE, ZOE);
    let run = site.check(&[]);
    assert!(run.status.success(), "warnings only: {}", run.describe());
    let about = messages_about(&run.stderr, ZOE_FILE);
    for (line, words) in [
        (7, "did you mean `[text](002-maria.md)`"),
        (8, "link to a reply by its file"),
        (9, "`[text](../_discussion.md#1.1)`"),
        (10, "1.1, 1.2"),
        (11, "no page or file of the site"),
    ] {
        assert!(
            names_line(&run.stderr, ZOE_FILE, line),
            "line {line} not reported\n{}",
            run.describe()
        );
        assert!(about.contains(words), "no `{words}` in\n{about}");
    }
    assert!(
        !names_line(&run.stderr, ZOE_FILE, 12),
        "good links reported\n{about}"
    );
    assert!(run.stdout.contains("5 warning(s)"), "{}", run.describe());

    let json = site.check(&["--format", "json"]);
    let problems: Vec<serde_json::Value> =
        serde_json::from_str(&json.stdout).expect("check --format json prints JSON");
    let typo = problems
        .iter()
        .find(|p| {
            p["line"] == 7
                && p["file"]
                    .as_str()
                    .is_some_and(|f| f.ends_with("003-zoe.md"))
        })
        .unwrap_or_else(|| panic!("line 7 missing from {}", json.stdout));
    assert_eq!(typo["severity"], "warning");
    assert!(
        typo["message"]
            .as_str()
            .is_some_and(|m| m.contains("002-mari.md"))
    );
    assert!(
        typo["hint"]
            .as_str()
            .is_some_and(|h| h.contains("002-maria.md"))
    );

    let strict = site.check(&["--deny-warnings"]);
    assert_eq!(strict.status.code(), Some(1), "{}", strict.describe());
}

#[test]
fn build_warns_about_broken_links_and_still_builds() {
    let site = site();
    site.write(ZOE_FILE, ZOE);
    let run = site.build();
    assert!(run.status.success(), "{}", run.describe());
    assert!(names_line(&run.stderr, ZOE_FILE, 7), "{}", run.describe());
    assert!(run.stdout.contains("5 warning(s)"), "{}", run.describe());
    let out = &site.out;
    let page_path = "en/d/replies/003-zoe/index.html";
    // A link to a missing file would lead nowhere: it is kept as text.
    assert_eq!(hrefs(out, page_path, "a typo"), vec![None]);
    // Other addresses are left as written: the author may mean them.
    assert_eq!(
        hrefs(out, page_path, "a page"),
        vec![Some("../report/index.html".to_string())]
    );
    // The question that does not exist leads to the discussion's overview.
    assert_leads_to(out, page_path, "no question", "en/d/index.html");
}

#[test]
fn forged_markers_and_script_links_stay_harmless() {
    let site = site();
    let forged = "---\nauthor: Mallory\nlang: en\nanswers: [\"1.1\"]\n---\n\
        <a href=\"&nbsp;site&nbsp;/../../../../evil\">forged one</a>\n\
        <a href=\"\u{a0}site\u{a0}/x\">forged two</a>\n\
        <a href=\"\u{a0}content\u{a0}/d/replies/001-ana.md\">forged three</a>\n\
        [forged four](<\u{a0}site\u{a0}/x.md>)\n\
        [script](javascript:alert(1)) [script md](javascript:alert(1).md)\n\
        [quote](002-maria.md#\"onmouseover=alert(1)) [real](001-ana.md)\n";
    site.write("d/replies/004-mallory.md", forged);
    let run = site.build();
    assert!(run.status.success(), "{}", run.describe());
    let out = &site.out;
    for page_path in [
        "en/d/replies/004-mallory/index.html",
        "fr/d/week-1/question-1/index.html",
        "es/d/report/index.html",
    ] {
        let html = fs::read_to_string(out.join(page_path)).expect("page");
        assert!(!html.contains("javascript"), "{page_path}");
        assert!(!html.contains("onmouseover=\""), "{page_path}");
        for text in ["forged one", "forged two", "forged three", "forged four"] {
            for href in hrefs(out, page_path, text).into_iter().flatten() {
                // Never turned into a link into the site, unlike the real one.
                let lands = resolve(page_path, &href).is_some_and(|p| out.join(p).is_file());
                assert!(
                    !href.starts_with("../") && !lands,
                    "`{text}` became {href} on {page_path}"
                );
            }
        }
        for text in ["script", "script md"] {
            assert_eq!(hrefs(out, page_path, text), vec![None], "{page_path}");
        }
        let lang = &page_path[..2];
        assert_leads_to(
            out,
            page_path,
            "real",
            &format!("{lang}/d/replies/001-ana/index.html"),
        );
    }
}

#[test]
fn deleting_a_linked_reply_updates_the_linking_pages_on_the_next_build() {
    let site = site();
    let first = site.build();
    assert!(first.status.success(), "{}", first.describe());
    fs::remove_file(site.content.join("d/replies/002-maria.md")).expect("delete reply");
    let run = site.build();
    assert!(run.status.success(), "{}", run.describe());
    assert!(
        names_line(&run.stderr, "d/replies/001-ana.md", 6),
        "{}",
        run.describe()
    );
    let out = &site.out;
    for page_path in [
        "en/d/replies/001-ana/index.html",
        "fr/d/week-1/question-1/index.html",
    ] {
        assert_eq!(
            hrefs(out, page_path, "the point of Maria"),
            vec![None],
            "{page_path}"
        );
    }
}

/// Every file under `dir` whose text contains `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    all_files(dir)
        .into_iter()
        .filter(|f| {
            fs::read(dir.join(f)).is_ok_and(|b| String::from_utf8_lossy(&b).contains(needle))
        })
        .collect()
}

#[test]
fn unicode_file_and_folder_names_get_addresses_and_links_to_them_work() {
    let site = site();
    site.write(
        "niño/_discussion.md",
        DISCUSSION_E.replace(
            "Another discussion.",
            "See [the reply by José](replies/003-josé.md).",
        ),
    );
    site.write(
        "niño/replies/003-josé.md",
        "---\nauthor: José\nlang: en\nanswers: [\"2.1\"]\n---\nA reply from a file named after its author.\n",
    );
    // Links to it as authors write them: as named, with the accent as a
    // combining mark (macOS), %-escaped (some editors), in other capitals (a
    // link finds its reply by address, as a case-blind file system would),
    // and from another discussion and a summary.
    site.write(
        "niño/replies/004-zoë.md",
        "---\nauthor: Zoë\nlang: en\nanswers: [\"2.1\"]\n---\n\
         As [José said](003-josé.md), [and again](003-jose\u{301}.md), \
         [once more](003-jos%C3%A9.md), [in capitals](003-JOSÉ.md), \
         see [the questions](../_discussion.md#2.1).\n",
    );
    site.write(
        "d/replies/005-ana.md",
        "---\nauthor: Ana\nlang: en\nanswers: [\"1.1\"]\n---\n\
         Read [José](../../niño/replies/003-josé.md) and [Zoë](/niño/replies/004-zoë.md).\n",
    );
    site.write(
        "niño/summaries/2-1.en.md",
        "In short, [José](../replies/003-josé.md) is right.\n",
    );
    let run = site.build();
    assert!(run.status.success(), "{}", run.describe());
    assert!(!run.stderr.contains("warning"), "{}", run.describe());
    let out = &site.out;

    // Pages live at the names' addresses: lowercase ASCII, no accents.
    for l in LANGS {
        for page_path in [
            format!("{l}/nino/index.html"),
            format!("{l}/nino/replies/003-jose/index.html"),
            format!("{l}/nino/replies/004-zoe/index.html"),
        ] {
            assert!(out.join(&page_path).is_file(), "no {page_path}");
        }
    }
    let files = all_files(out);
    assert!(
        files.iter().all(|f| f.is_ascii()),
        "a name reached the output as written: {:?}",
        files.iter().find(|f| !f.is_ascii())
    );

    let jose = |l: &str| format!("{l}/nino/replies/003-jose/index.html");
    let q = |l: &str| format!("{l}/nino/topic-2/question-1/index.html");
    for l in LANGS {
        let zoe = format!("{l}/nino/replies/004-zoe/index.html");
        for shown_on in [zoe.clone(), q(l), format!("{l}/nino/report/index.html")] {
            for text in ["José said", "and again", "once more", "in capitals"] {
                assert_leads_to(out, &shown_on, text, &jose(l));
            }
            assert_leads_to(out, &shown_on, "the questions", &q(l));
        }
        let ana = format!("{l}/d/replies/005-ana/index.html");
        assert_leads_to(out, &ana, "José", &jose(l));
        assert_leads_to(out, &ana, "Zoë", &zoe);
        assert_leads_to(
            out,
            &format!("{l}/nino/index.html"),
            "the reply by José",
            &jose(l),
        );
        // The summary, on its question's page.
        assert_leads_to(out, &q(l), "José", &jose(l));
    }

    // The address is the reply's id everywhere: anchors, open data, feeds,
    // search.
    let question = page(out, &q("fr"));
    assert_eq!(
        question.select(&sel("article[id=\"003-jose\"]")).count(),
        1,
        "no article with the address as its id"
    );
    let data: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(out.join("data/nino.json")).expect("open data of niño/"),
    )
    .expect("JSON");
    assert_eq!(data["discussion"], "nino");
    let ids: Vec<&str> = data["replies"]
        .as_array()
        .expect("replies")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, ["003-jose", "004-zoe"]);
    assert!(out.join("data/nino.csv").is_file());
    let feed = fs::read_to_string(out.join("es/nino/feed.xml")).expect("feed of niño/");
    assert!(
        feed.contains("https://example.org/talks/es/nino/replies/003-jose/index.html"),
        "{feed}"
    );
    assert!(
        !files_containing(&out.join("search"), "nino/replies/003-jose/index.html").is_empty(),
        "the search index does not lead to the reply's address"
    );

    // A broken link to a Unicode name is reported as the author wrote it,
    // with a hint in the same terms.
    site.write(
        "niño/replies/006-li.md",
        "---\nauthor: Li\nlang: en\nanswers: [\"2.1\"]\n---\nAs [Zoë said](004-zoey.md).\n",
    );
    let run = site.check(&[]);
    assert!(run.status.success(), "{}", run.describe());
    let about = messages_about(&run.stderr, "niño/replies/006-li.md");
    assert!(
        names_line(&run.stderr, "niño/replies/006-li.md", 6)
            && about.contains("there is no reply `niño/replies/004-zoey.md`")
            && about.contains("did you mean `[text](004-zoë.md)`?"),
        "{}",
        run.describe()
    );
}
