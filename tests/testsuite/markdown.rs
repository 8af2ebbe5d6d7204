//! Markdown as people write it in replies: aligned tables, footnotes, and
//! paragraphs in another language than their reply.

use crate::common::*;

use std::collections::BTreeSet;

use palabre::lang::{Block, Detector, Lang};
use scraper::{Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("a valid selector")
}

fn reply(name: &str, body: &str) -> (String, String) {
    (
        format!("d/replies/{name}.md"),
        format!("---\nauthor: \"{name}\"\nlang: en\nanswers: [\"1.1\"]\n---\n{body}"),
    )
}

const NOTES: &str = "Intro[^late] and then[^early], again[^late].\n\n[^early]: The early note.\n[^late]: The late note.\n[^unused]: Never referred to.\n";

fn site_with_notes() -> Site {
    let files = [
        reply("ana", NOTES),
        reply("ben", NOTES),
        reply(
            "table",
            "| left | centre | right |\n|:--|:-:|--:|\n| a | b | c |\n\n<table><tr><td style=\"color:red;text-align:right\" class=\"al-c x\">raw</td></tr></table>\n",
        ),
    ];
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Site::built_with(&files)
}

#[test]
fn table_alignment_is_a_class_and_no_style_gets_through() {
    let site = site_with_notes();
    let doc = Html::parse_document(&site.output_text("en/d/replies/table/index.html"));
    let classes: Vec<Option<&str>> = doc
        .select(&sel(".prose th, .prose td"))
        .map(|c| c.value().attr("class"))
        .collect();
    assert_eq!(
        classes,
        [
            Some("al-l"),
            Some("al-c"),
            Some("al-r"),
            Some("al-l"),
            Some("al-c"),
            Some("al-r"),
            Some("al-c")
        ]
    );
    assert_eq!(doc.select(&sel(".prose [style]")).count(), 0);
    let css = site.output_text("static/style.css");
    let css: String = css.split_whitespace().collect();
    assert!(
        css.contains(".al-c{text-align:center;}") && css.contains(".al-r{text-align:end;}"),
        "alignment not styled"
    );
}

#[test]
fn footnotes_are_numbered_listed_and_linked_back_uniquely_on_a_page() {
    let site = site_with_notes();
    // The question's page shows both replies with their notes.
    let html = site.output_text("en/d/week-1/question-1/index.html");
    let doc = Html::parse_document(&html);
    let ids: Vec<&str> = doc
        .select(&sel("[id]"))
        .filter_map(|e| e.value().id())
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(
        ids.len(),
        unique.len(),
        "duplicate ids on the page: {ids:?}"
    );
    // Every footnote link leads to an element of the page.
    let links: Vec<&str> = doc
        .select(&sel(".prose a[href^='#']"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(links.len(), 2 * (3 + 3), "{links:?}");
    for href in &links {
        assert!(unique.contains(&href[1..]), "{href} leads nowhere");
    }
    let sections: Vec<_> = doc.select(&sel(".prose section.footnotes")).collect();
    assert_eq!(sections.len(), 2);
    for section in sections {
        assert_eq!(section.value().attr("aria-label"), Some("Notes"));
        let notes: Vec<String> = section
            .select(&sel("li"))
            .map(|li| li.text().collect::<String>())
            .collect();
        // In the order they are first referred to; the unused one left out.
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("The late note."), "{notes:?}");
        assert!(notes[1].starts_with("The early note."), "{notes:?}");
        let backs: Vec<&str> = section
            .select(&sel("a.fnback"))
            .filter_map(|a| a.value().attr("aria-label"))
            .collect();
        assert_eq!(
            backs,
            [
                "Back to reference 1",
                "Back to reference 1.2",
                "Back to reference 2"
            ]
        );
    }
    // The references show their numbers in reading order.
    let first = doc.select(&sel(".prose p")).next().expect("a paragraph");
    assert_eq!(
        first.text().collect::<String>(),
        "Intro1 and then2, again1."
    );
    // Named in the page's language.
    let fr = Html::parse_document(&site.output_text("fr/d/replies/ana/index.html"));
    let section = fr.select(&sel("section.footnotes")).next().expect("notes");
    assert_eq!(section.value().attr("aria-label"), Some("Notes"));
    let back = fr.select(&sel("a.fnback")).next().expect("a link back");
    assert_eq!(
        back.value().attr("aria-label"),
        Some("Retour à l’appel de note 1")
    );
}

#[test]
fn unused_and_undefined_footnotes_are_warnings_with_their_line() {
    let site = Site::new();
    site.write(
        "d/replies/good.md",
        "---\nauthor: \"Ada\"\nlang: en\nanswers: [\"1.1\"]\n---\nA note[^a] and a typo[^b].\n\n[^a]: The note.\n[^c]: Forgotten.\n",
    );
    let run = site.check(&[]);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(
        out.contains("d/replies/good.md:6") && out.contains("`[^b]` is not defined"),
        "{out}"
    );
    assert!(
        out.contains("d/replies/good.md:9") && out.contains("`[^c]` is never referred to"),
        "{out}"
    );
}

/// The languages of the site the labelled set is detected for.
const SITE: [Lang; 3] = [Lang::EN, Lang::FR, Lang::ES];

/// A block of the labelled set: (reply, reply language, heading, language, text).
type Row = (String, Lang, bool, Option<Lang>, String);

fn labelled() -> Vec<Row> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/mixed-languages.tsv"
    );
    let text = std::fs::read_to_string(path).expect("read the labelled paragraphs");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 5, "{l}");
            // The site is in English, French and Spanish: German and
            // Italian blocks are in none of its languages.
            let lang = |code: &str| Lang::from_code(code).filter(|l| SITE.contains(l));
            (
                c[0].to_string(),
                lang(c[1]).expect("a site language"),
                c[2] == "h",
                lang(c[3]),
                c[4].to_string(),
            )
        })
        .collect()
}

/// Whether `shown` (the language a block is marked with, else its reply's)
/// is right: a block in no site language must stay unmarked.
fn right(row: &Row, shown: Lang) -> bool {
    row.3.unwrap_or(row.1) == shown
}

#[test]
fn paragraphs_and_headings_get_their_own_language() {
    let rows = labelled();
    let detector = Detector::new(&SITE);
    let mut results: Vec<(bool, bool)> = Vec::new(); // (long, right)
    let mut start = 0;
    while start < rows.len() {
        let end = start
            + rows[start..]
                .iter()
                .take_while(|r| r.0 == rows[start].0)
                .count();
        let reply = &rows[start..end];
        let context = reply[0].1;
        let blocks: Vec<Block> = reply
            .iter()
            .map(|r| Block {
                text: r.4.clone(),
                heading: r.2,
            })
            .collect();
        let langs = detector.block_langs(&blocks, context);
        for (row, lang) in reply.iter().zip(langs) {
            let shown = lang.unwrap_or(context);
            if !right(row, shown) {
                eprintln!("wrong: {} {:?} shown {shown}: {}", row.0, row.3, row.4);
            }
            results.push((row.4.chars().count() >= 80, right(row, shown)));
        }
        start = end;
    }
    let rate = |long: Option<bool>| {
        let set: Vec<_> = results
            .iter()
            .filter(|r| long.is_none_or(|l| r.0 == l))
            .collect();
        let n = set.iter().filter(|r| r.1).count();
        eprintln!("{long:?}: {n}/{} right", set.len());
        100.0 * n as f64 / set.len() as f64
    };
    // Short blocks included; `--nocapture` shows the counts (BENCHMARKS.md).
    assert!(rate(None) >= 97.0, "under 97 % right");
    assert!(rate(Some(false)) >= 97.0, "short blocks under 97 % right");
    assert!(rate(Some(true)) >= 99.0, "long paragraphs under 99 % right");
}

#[test]
fn a_mixed_reply_marks_its_paragraphs_and_headings() {
    let site = Site::built_with(&[(
        "d/replies/good.md",
        "---\nauthor: \"Ada\"\nlang: en\nanswers: [\"1.1\"]\n---\nDear colleagues,\n\nOur network has been working on school feeding programmes in three provinces, and buying from local farmers changed how parents saw them.\n\n## Résumé en français\n\nLes cantines approvisionnées localement ont changé le regard des parents sur le programme dans les trois provinces.\n\nBien à vous,\n\nJean-Baptiste Mukendi\n\nMit freundlichen Grüßen\n",
    )]);
    let doc = Html::parse_document(&site.output_text("en/d/replies/good/index.html"));
    let langs: Vec<(String, Option<&str>)> = doc
        .select(&sel(".prose p, .prose h2, .prose h3"))
        .map(|e| (e.text().collect(), e.value().attr("lang")))
        .collect();
    let marked: Vec<(&str, Option<&str>)> = langs
        .iter()
        .map(|(t, l)| (&t[..t.len().min(12)], *l))
        .collect();
    assert_eq!(
        marked,
        [
            ("Dear colleag", None),
            ("Our network ", None),
            ("Résumé en ", Some("fr")),
            ("Les cantines", Some("fr")),
            ("Bien à vous", Some("fr")),
            ("Jean-Baptist", Some("fr")),
            ("Mit freundli", None),
        ]
    );
}
