//! Citations: a summary's links to replies. Each cited reply says where it
//! is cited, in every language, on its page, its cards and in the open data;
//! `palabre coverage` counts them per question, language and country; and
//! `check` warns when a language's replies to a question are not cited.

use crate::common::*;

const SITE_YAML: &str = "title: {en: T}\nlanguages: [en, fr, es]\nbase_url: \"\"\n";

const DISCUSSION: &str = r#"---
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
      - id: 3
        text: {en: "Three?", fr: "Trois ?", es: "¿Tres?"}
---
Introduction.
"#;

/// (file, author, language, country, questions answered): the counts below
/// are worked out by hand from this table and the summaries.
const REPLIES: [(&str, &str, &str, &str, &str); 5] = [
    ("001-ana", "Ana", "en", "France", r#""1.1", "1.2""#),
    ("002-bruno", "Bruno", "fr", "FR", r#""1.1""#),
    ("003-chloe", "Chloé", "fr", "Senegal", r#""1.1", "1.3""#),
    ("004-diego", "Diego", "es", "Ecuador", r#""1.1", "1.2""#),
    ("005-eva", "Eva", "es", "", r#""1.2", "1.3""#),
];

/// The content folder: 1.1 is cited in English and in French (a citation
/// from any translation counts), 1.2 cites Bruno, who answers only 1.1, and
/// no Spanish reply; 1.3's summary cites nobody.
fn site() -> Site {
    let site = Site::empty();
    site.write("site.yaml", SITE_YAML);
    site.write("d/_discussion.md", DISCUSSION);
    for (file, author, lang, country, answers) in REPLIES {
        let country = if country.is_empty() {
            String::new()
        } else {
            format!("country: {country}\n")
        };
        site.write(
            &format!("d/replies/{file}.md"),
            format!(
                "---\nauthor: {author}\nlang: {lang}\n{country}answers: [{answers}]\n---\nA reply by {author}.\n"
            ),
        );
    }
    site.write(
        "d/summaries/1-1.en.md",
        "As [Ana](../replies/001-ana.md) and [Diego](../replies/004-diego.md) wrote.\n",
    );
    site.write(
        "d/summaries/1-1.fr.md",
        "Comme l'écrivent [Ana](../replies/001-ana.md) et [Chloé](../replies/003-chloe.md).\n",
    );
    site.write(
        "d/summaries/1-2.en.md",
        "[Ana](../replies/001-ana.md) agrees with [Bruno](../replies/002-bruno.md).\n",
    );
    site.write("d/summaries/1-3.en.md", "Nobody is cited here.\n");
    site
}

fn coverage(site: &Site, extra: &[&str]) -> Run {
    let mut cmd = palabre();
    cmd.arg("coverage")
        .arg("--content")
        .arg(&site.content)
        .args(extra);
    Run::from_output(cmd.output().expect("cannot run the palabre binary"))
}

#[test]
fn coverage_counts_replies_and_citations_per_question_language_and_country() {
    let site = site();
    let run = coverage(&site, &["--format", "json"]);
    assert!(run.status.success(), "{}", run.describe());
    let got: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let expected = serde_json::json!([
        {
            "discussion": "d", "question": "1.1", "summary": true,
            "replies": 4, "cited": 3,
            "by_language": {
                "en": {"replies": 1, "cited": 1},
                "es": {"replies": 1, "cited": 1},
                "fr": {"replies": 2, "cited": 1}
            },
            "by_country": {
                "EC": {"replies": 1, "cited": 1},
                "FR": {"replies": 2, "cited": 1},
                "SN": {"replies": 1, "cited": 1}
            },
            "uncited": ["002-bruno"]
        },
        {
            "discussion": "d", "question": "1.2", "summary": true,
            "replies": 3, "cited": 1,
            "by_language": {
                "en": {"replies": 1, "cited": 1},
                "es": {"replies": 2, "cited": 0}
            },
            "by_country": {
                "EC": {"replies": 1, "cited": 0},
                "FR": {"replies": 1, "cited": 1}
            },
            "uncited": ["004-diego", "005-eva"]
        },
        {
            "discussion": "d", "question": "1.3", "summary": true,
            "replies": 2, "cited": 0,
            "by_language": {
                "es": {"replies": 1, "cited": 0},
                "fr": {"replies": 1, "cited": 0}
            },
            "by_country": {
                "SN": {"replies": 1, "cited": 0}
            },
            "uncited": ["003-chloe", "005-eva"]
        }
    ]);
    assert_eq!(got, expected, "{}", run.stdout);

    let text = coverage(&site, &["--discussion", "d"]);
    assert!(text.status.success(), "{}", text.describe());
    for line in [
        "question 1.1: 3 cited of 4 replies",
        "by language: en 1/1, es 1/1, fr 1/2",
        "by country:  EC 1/1, FR 1/2, SN 1/1",
        "not cited:   002-bruno",
    ] {
        assert!(
            text.stdout.contains(line),
            "no `{line}` in\n{}",
            text.stdout
        );
    }

    let unknown = coverage(&site, &["--discussion", "nope"]);
    assert_eq!(unknown.status.code(), Some(1), "{}", unknown.describe());
    assert!(
        unknown.stderr.contains("no discussion `nope`") && unknown.stderr.contains("d"),
        "{}",
        unknown.describe()
    );
}

#[test]
fn a_cited_reply_shows_where_it_is_cited_in_every_language() {
    let site = site();
    let run = site.build();
    assert_built(&run);
    for (lang, words) in [
        ("en", "Cited in the consolidated reply to question"),
        ("fr", "Citée dans la réponse consolidée à la question"),
        ("es", "Citada en la respuesta consolidada a la pregunta"),
    ] {
        // Its own page: Ana is cited for 1.1 (in English and French) and 1.2.
        let rel = format!("{lang}/d/replies/001-ana/index.html");
        let html = page(&site.out, &rel);
        let cited = html
            .select(&sel(".cited-in"))
            .next()
            .unwrap_or_else(|| panic!("{rel}: no .cited-in"));
        assert!(text_of(cited).contains(words), "{rel}: {}", text_of(cited));
        let links: Vec<(String, Option<String>)> = cited
            .select(&sel("a"))
            .map(|a| {
                (
                    text_of(a),
                    a.value().attr("href").and_then(|h| resolve(&rel, h)),
                )
            })
            .collect();
        assert_eq!(
            links,
            vec![
                (
                    "1.1".to_string(),
                    Some(format!(
                        "{lang}/d/week-1/question-1/index.html#summary-heading"
                    ))
                ),
                (
                    "1.2".to_string(),
                    Some(format!(
                        "{lang}/d/week-1/question-2/index.html#summary-heading"
                    ))
                ),
            ],
            "{rel}"
        );

        // Its cards say so too, on any question's page: Bruno, cited for 1.2
        // only, is said to be on the page of 1.1.
        let q1 = format!("{lang}/d/week-1/question-1/index.html");
        let html = page(&site.out, &q1);
        let card_cited = |id: &str| {
            html.select(&sel(&format!("article[id=\"{id}\"] .cited-in")))
                .next()
                .is_some()
        };
        assert!(card_cited("001-ana"), "{q1}: Ana's card");
        assert!(card_cited("002-bruno"), "{q1}: Bruno's card");

        // The consolidated reply lists what it cites, each linked to its card.
        let listed: Vec<(String, Option<String>)> = html
            .select(&sel(".summary-box .cited a"))
            .map(|a| (text_of(a), a.value().attr("href").map(str::to_string)))
            .collect();
        assert_eq!(
            listed,
            vec![
                ("Ana".to_string(), Some("#001-ana".to_string())),
                ("Chloé".to_string(), Some("#003-chloe".to_string())),
                ("Diego".to_string(), Some("#004-diego".to_string())),
            ],
            "{q1}"
        );
        // Bruno does not answer 1.2: its summary links to his page.
        let q2 = format!("{lang}/d/week-1/question-2/index.html");
        let html = page(&site.out, &q2);
        assert!(
            html.select(&sel("article[id=\"005-eva\"]"))
                .next()
                .is_some()
                && html
                    .select(&sel("article[id=\"005-eva\"] .cited-in"))
                    .next()
                    .is_none(),
            "{q2}: Eva, cited nowhere, has her card and no citation"
        );
        let bruno = html
            .select(&sel(".summary-box .cited a"))
            .find(|a| text_of(*a) == "002-bruno")
            .and_then(|a| a.value().attr("href").and_then(|h| resolve(&q2, h)));
        assert_eq!(
            bruno,
            Some(format!("{lang}/d/replies/002-bruno/index.html")),
            "{q2}"
        );

        // And the report, each linked to the card in the report.
        let report = format!("{lang}/d/report/index.html");
        let html = page(&site.out, &report);
        let hrefs: Vec<String> = html
            .select(&sel(".summary-box .cited a"))
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect();
        assert!(
            hrefs.contains(&"#q-1-1-003-chloe".to_string()),
            "{report}: {hrefs:?}"
        );
        assert!(
            html.select(&sel("#q-1-1-003-chloe")).next().is_some(),
            "{report}: no card #q-1-1-003-chloe"
        );
    }
}

#[test]
fn open_data_lists_the_questions_each_reply_is_cited_for() {
    let site = site();
    assert_built(&site.build());
    let json: serde_json::Value =
        serde_json::from_str(&site.output_text("data/d.json")).expect("open data JSON");
    let cited: Vec<(String, serde_json::Value)> = json["replies"]
        .as_array()
        .expect("replies")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or("").to_string(),
                r["cited_in"].clone(),
            )
        })
        .collect();
    assert_eq!(
        cited,
        vec![
            ("001-ana".to_string(), serde_json::json!(["1.1", "1.2"])),
            ("002-bruno".to_string(), serde_json::json!(["1.2"])),
            ("003-chloe".to_string(), serde_json::json!(["1.1"])),
            ("004-diego".to_string(), serde_json::json!(["1.1"])),
            ("005-eva".to_string(), serde_json::json!([])),
        ]
    );
    let csv = site.output_text("data/d.csv");
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().expect("CSV header").clone();
    assert_eq!(header.iter().next_back(), Some("cited_in"), "{csv}");
    let first = reader
        .records()
        .next()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("no row in {csv}"));
    assert_eq!(
        (&first[0], first.iter().next_back()),
        ("001-ana", Some("1.1 1.2"))
    );
}

#[test]
fn check_warns_when_a_summary_cites_no_reply_in_a_language_that_replied() {
    let site = site();
    let run = site.check(&[]);
    assert!(run.status.success(), "{}", run.describe());
    let about = messages_about(&run.stderr, "d/summaries/1-2.en.md");
    for words in [
        "question 1.2",
        "none of its 2 replies in Spanish",
        "language community",
        "palabre coverage",
        "../replies/004-diego.md",
    ] {
        assert!(about.contains(words), "no `{words}` in\n{}", run.describe());
    }
    // 1.1 cites every language; 1.3 cites nobody: its moderators do not cite.
    for quiet in ["1-1.en.md", "1-1.fr.md", "1-3.en.md"] {
        assert!(
            !run.stderr.contains(quiet),
            "{quiet} warned about\n{}",
            run.describe()
        );
    }
    assert!(
        run.stdout.contains("0 error(s), 1 warning(s)"),
        "{}",
        run.describe()
    );

    // Citing a Spanish reply, in any translation, settles it.
    site.write(
        "d/summaries/1-2.es.md",
        "Como dice [Eva](../replies/005-eva.md).\n",
    );
    let run = site.check(&[]);
    assert!(
        run.stdout.contains("0 error(s), 0 warning(s)"),
        "{}",
        run.describe()
    );
}
