//! Property tests: for any input of a kind, a rule holds. Case counts are kept
//! modest so that `cargo test` stays fast; the fuzz targets (fuzz/) explore
//! the same rules for as long as one cares to run them.

use crate::safety;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

use palabre::content::reply_from_text;
use palabre::frontmatter;
use palabre::lang::{Detector, Lang};
use palabre::markdown;
use palabre::model::QuestionId;
use proptest::prelude::*;
use safety::dangers;
use scraper::Html;

const BOM: char = '\u{feff}';

static DETECTOR: LazyLock<Detector> =
    LazyLock::new(|| Detector::new(&[Lang::EN, Lang::FR, Lang::ES]));

static KNOWN: LazyLock<BTreeSet<QuestionId>> = LazyLock::new(|| {
    [(1, 1), (1, 2), (1, 10), (2, 1)]
        .into_iter()
        .map(|(group, question)| QuestionId { group, question })
        .collect()
});

/// Pieces of Markdown and HTML that a hostile or clumsy reply may hold.
const FRAGMENTS: &[&str] = &[
    "<script>alert(1)</script>",
    "<script",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href=\"data:text/html,x\">x</a>",
    "<iframe src=x></iframe>",
    "<style>*{}</style>",
    "<link rel=stylesheet href=x>",
    "<meta http-equiv=refresh content=0>",
    "<base href=//x/>",
    "<form action=x><input><button>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<!--",
    "-->",
    "<div onclick=x>",
    "</div>",
    "<p style=color:red>",
    "<span/onmouseover=x>",
    "[link](javascript:alert(1))",
    "[link](JAVASCRIPT:alert(1) \"t\")",
    "![img](data:image/png;base64,AAAA)",
    "![img](https://example.org/x.png)",
    "[ref]: javascript:alert(1)\n",
    "[ref]",
    "<javascript:alert(1)>",
    "<https://example.org>",
    "[^1]",
    "[^1]: note\n",
    "<!-- answers: 1.1 -->\n",
    "\n\n",
    "\n",
    "> ",
    "- ",
    "1. ",
    "    ",
    "```\n",
    "`",
    "*",
    "_",
    "~~",
    "| a | b |\n|---|---|\n",
    "# ",
    "&#x3C;script&#x3E;",
    "&lt;script&gt;",
    "\\",
    "{{ x }}",
    "{% raw %}",
    "\r\n",
    "\t",
];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(FRAGMENTS).prop_map(String::from),
        1 => "[a-zA-Z<>\"'=/:;&# .\\-\\[\\]()!*_`>\n]{0,12}",
        1 => any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

fn markdownish() -> impl Strategy<Value = String> {
    proptest::collection::vec(fragment(), 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn rendered_markdown_is_always_safe(body in markdownish()) {
        for lang in [None, Some(Lang::FR)] {
            let html = markdown::render(&body, "p", None, &|b: &[_]| vec![lang; b.len()], None).html;
            let bad = dangers(&html);
            prop_assert!(bad.is_empty(), "{:?} from {:?} gave {}", bad, body, html);
        }
    }

    #[test]
    fn a_reply_is_either_safe_or_refused(body in markdownish(), author in any::<String>()) {
        // The author as a YAML double-quoted scalar (JSON strings are YAML).
        let quoted = serde_json::to_string(&author).expect("JSON string");
        let text = format!("---\nauthor: {quoted}\nlang: en\nanswers: [\"1.1\", \"1.10\"]\n---\n{body}");
        match reply_from_text(Path::new("r.md"), &text, &KNOWN, &DETECTOR) {
            Ok((reply, _)) => {
                // The whole reply, and what each question's page shows of it.
                let shown = std::iter::once(None).chain(reply.answers.iter().copied().map(Some));
                for question in shown {
                    let html = reply.html_for(question).expect("texts");
                    prop_assert!(dangers(&html).is_empty(), "{}", html);
                }
                // The author is exactly what was written, trimmed; never
                // reinterpreted (a number, a boolean, a template).
                let expected = Some(author.trim()).filter(|a| !a.is_empty());
                prop_assert_eq!(reply.author.as_deref(), expected);
            }
            Err(diags) => {
                // Refused, with a reason that names a line.
                prop_assert!(!diags.is_empty());
                prop_assert!(diags.iter().all(|d| d.line.is_some()), "{:?}", diags);
            }
        }
    }

    #[test]
    fn plain_author_values_are_never_reinterpreted(
        author in "(yes|no|on|off|true|false|[0-9]{1,4}(\\.[0-9]{1,3})?|0x[0-9a-f]{1,4}|0o[0-7]{1,3}|[0-9]e[0-9]|\\.inf|\\.nan|20[0-9]{2}-[01][0-9]-[0-3][0-9]|[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8})?)"
    ) {
        let text = format!("---\nauthor: {author}\nlang: en\nanswers: [\"1.1\"]\n---\nA reply.\n");
        let (reply, _) = reply_from_text(Path::new("r.md"), &text, &KNOWN, &DETECTOR)
            .map_err(|d| TestCaseError::fail(format!("{d:?}")))?;
        prop_assert_eq!(reply.author.as_deref(), Some(author.as_str()));
    }

    #[test]
    fn question_ids_round_trip(group in any::<u32>(), question in any::<u32>()) {
        let id = QuestionId { group, question };
        let text = id.to_string();
        prop_assert_eq!(text.parse::<QuestionId>(), Ok(id));
        prop_assert_eq!(text, format!("{group}.{question}"));
    }

    #[test]
    fn question_ids_parse_only_digits_dot_digits(s in "[0-9.a-z +\\-/\\\\]{0,12}|[0-9]{1,12}\\.[0-9]{1,12}") {
        let t = s.trim();
        let spec = t.split_once('.').and_then(|(g, q)| {
            let number = |p: &str| {
                (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| p.parse::<u32>().ok())
                    .flatten()
            };
            Some(QuestionId { group: number(g)?, question: number(q)? })
        });
        prop_assert_eq!(s.parse::<QuestionId>().ok(), spec);
    }

    #[test]
    fn front_matter_split_never_panics_and_keeps_the_text(text in markdownish(), yaml in "[a-z: \\[\\]\"0-9\n\r-]{0,40}", fence in prop_oneof!["---", "...", "--- ", "---\r"]) {
        for input in [text.clone(), format!("---\n{yaml}\n{fence}\n{text}"), format!("\u{feff}---\r\n{yaml}\r\n---\r\n{text}")] {
            if let Some(split) = frontmatter::split(&input) {
                let unbommed = input.strip_prefix(BOM).unwrap_or(&input);
                prop_assert!(unbommed.ends_with(split.body));
                prop_assert!(unbommed.contains(split.yaml));
                let before_body = &unbommed[..unbommed.len() - split.body.len()];
                prop_assert_eq!(split.body_line, 1 + before_body.matches('\n').count());
                if split.has_front_matter {
                    prop_assert!(unbommed.starts_with("---"));
                }
            } else {
                let fenced = input.trim_start_matches(BOM).starts_with("---");
                prop_assert!(fenced, "unclosed front-matter must start with a fence");
            }
        }
    }

    #[test]
    fn answer_markers_cut_the_body_without_losing_any_of_it(body in markdownish(), first in 1usize..100) {
        let segments = markdown::split_at_markers(&body, first);
        let mut rebuilt = String::new();
        for (i, seg) in segments.iter().enumerate() {
            if i > 0 {
                let line = body.split_inclusive('\n').nth(seg.line - first - 1).unwrap_or("");
                prop_assert!(markdown::parse_marker(line).is_some(), "{:?}", line);
                rebuilt.push_str(line);
            }
            if !seg.text.is_empty() {
                prop_assert_eq!(seg.line, first + rebuilt.matches('\n').count());
            }
            rebuilt.push_str(seg.text);
        }
        prop_assert_eq!(rebuilt, body);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn nesting_stays_bounded(opening in proptest::collection::vec(proptest::sample::select(&["- ", "> ", "1. ", "<div>", "<span>", "<blockquote>", "<ul><li>", "*a ", "<b>", "<table><tr><td>", "<div></x>", "<p><b>"][..]), 100..600)) {
        let body = format!("{}bottom\n", opening.concat());
        let html = markdown::render(&body, "n", None, &markdown::one_lang, None).html;
        let doc = Html::parse_fragment(&html);
        let depth = doc.tree.nodes().map(|n| n.ancestors().count()).max().unwrap_or(0);
        // Markdown and raw HTML are counted together and roughly (a browser adds
        // elements of its own), so the bound is loose; what matters is that it
        // does not grow with the input, which made the minifier overflow.
        prop_assert!(depth <= 2 * markdown::MAX_NESTING, "depth {} from {:?}", depth, body);
        prop_assert!(html.contains("bottom"));
    }
}
