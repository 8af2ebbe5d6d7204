//! Arbitrary bytes as a reply file: front-matter splitting, typed front-matter,
//! answer markers and Markdown rendering must never panic, and the HTML that
//! comes out must never carry a script, an event handler or a script URL.
#![no_main]

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use palabre::content;
use palabre::frontmatter;
use palabre::lang::{Detector, Lang};
use palabre::markdown;
use palabre::model::QuestionId;
use scraper::{Html, Node};

static DETECTOR: LazyLock<Detector> = LazyLock::new(|| Detector::new(&Lang::ALL));

static KNOWN: LazyLock<BTreeSet<QuestionId>> = LazyLock::new(|| {
    [(1, 1), (1, 2), (1, 10), (2, 1)]
        .into_iter()
        .map(|(group, question)| QuestionId { group, question })
        .collect()
});

const FORBIDDEN_TAGS: [&str; 15] = [
    "script", "style", "iframe", "frame", "object", "embed", "svg", "math", "form", "input",
    "button", "base", "meta", "link", "img",
];

fn assert_safe(html: &str, input: &str) {
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "<script in {html:?} from {input:?}"
    );
    let doc = Html::parse_fragment(html);
    for node in doc.tree.nodes() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        let name = el.name().to_ascii_lowercase();
        assert!(
            !FORBIDDEN_TAGS.contains(&name.as_str()),
            "<{name}> in {html:?} from {input:?}"
        );
        for (attr, value) in el.attrs() {
            let attr = attr.to_ascii_lowercase();
            assert!(
                !attr.starts_with("on") && attr != "style",
                "{attr}= in {html:?} from {input:?}"
            );
            let url: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            for scheme in ["javascript:", "vbscript:", "data:"] {
                assert!(
                    !url.starts_with(scheme),
                    "{attr}=\"{value}\" in {html:?} from {input:?}"
                );
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // palabre refuses files that are not UTF-8 before anything else reads them.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(split) = frontmatter::split(text) {
        assert!(text.contains(split.yaml) && text.ends_with(split.body));
        assert!(split.body_line >= 1 && split.yaml_line >= 1);
    }
    if let Ok((reply, _warnings)) =
        content::reply_from_text(Path::new("fuzz.md"), text, &KNOWN, &DETECTOR)
    {
        assert_safe(&reply.html, text);
        for part in &reply.parts {
            assert_safe(&part.html, text);
            assert!(part.questions.iter().all(|q| reply.answers.contains(q)));
        }
        assert!(!reply.answers.is_empty());
        assert!(reply.answers.iter().all(|q| KNOWN.contains(q)));
    }
    // The whole input as Markdown too (an introduction or a summary), with
    // every paragraph marked, which takes the other rendering path.
    let rendered = markdown::render(text, "fuzz", &|b: &[_]| vec![Some(Lang::Fr); b.len()], None);
    assert_safe(&rendered.html, text);
    // Nesting stays bounded whatever the input (deep HTML overflowed the
    // minifier's stack).
    let depth = Html::parse_fragment(&rendered.html)
        .tree
        .nodes()
        .map(|n| n.ancestors().count())
        .max()
        .unwrap_or(0);
    assert!(
        depth <= 2 * markdown::MAX_NESTING,
        "depth {depth} from {text:?}"
    );
    for segment in markdown::split_at_markers(text, 1) {
        assert!(text.contains(segment.text));
    }
});
