//! `palabre init`: the starter site it writes passes `check --deny-warnings`
//! and builds, in any of the known languages, with every page a reader would
//! look for; a folder already holding content, an unknown language and a bad
//! address are refused before anything is written.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use common::*;

/// `palabre init DIR ARGS...`, run from DIR's parent, as a user would.
fn init(dir: &Path, args: &[&str]) -> Run {
    let parent = dir.parent().expect("a folder with a parent");
    let name = dir.file_name().expect("a folder name");
    let mut cmd = palabre();
    cmd.current_dir(parent).arg("init").arg(name).args(args);
    Run::from_output(cmd.output().expect("cannot run palabre"))
}

/// `palabre ARGS...` run inside the site's folder, with palabre's defaults
/// (`--content content --output public`).
fn in_site(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = palabre();
    cmd.current_dir(dir).args(args);
    Run::from_output(cmd.output().expect("cannot run palabre"))
}

/// A reply or summary as written by `init`.
struct TextFile {
    stem: String,
    /// Its web address: the stem made web-safe, as documented.
    address: String,
    text: String,
}

/// What `init` wrote, read back from the files.
struct Starter {
    discussion: String,
    /// `1.2` and the question's text in each language given.
    questions: Vec<(String, BTreeMap<String, String>)>,
    replies: Vec<TextFile>,
    summaries: Vec<TextFile>,
}

fn front_matter(text: &str) -> serde_json::Value {
    let rest = text.strip_prefix("---\n").expect("front-matter");
    let end = rest.find("\n---\n").expect("front-matter closed");
    serde_saphyr::from_str(&rest[..end]).expect("front-matter is YAML")
}

fn read_starter(content: &Path) -> Starter {
    let folders: Vec<String> = fs::read_dir(content)
        .expect("content folder")
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(folders.len(), 1, "one discussion: {folders:?}");
    let discussion = folders[0].clone();
    let dir = content.join(&discussion);
    let front = front_matter(&fs::read_to_string(dir.join("_discussion.md")).expect("discussion"));
    let mut questions = Vec::new();
    for g in front["groups"].as_array().expect("groups") {
        for q in g["questions"].as_array().expect("questions") {
            let texts = q["text"]
                .as_object()
                .expect("texts")
                .iter()
                .map(|(l, t)| (l.clone(), t.as_str().expect("text").to_string()))
                .collect();
            questions.push((format!("{}.{}", g["id"], q["id"]), texts));
        }
    }
    let read = |folder: &str| -> Vec<TextFile> {
        let mut files: Vec<TextFile> = fs::read_dir(dir.join(folder))
            .expect(folder)
            .map(|e| e.expect("entry").path())
            .map(|p| TextFile {
                stem: p.file_stem().expect("stem").to_string_lossy().into_owned(),
                address: slug::slugify(p.file_stem().expect("stem").to_string_lossy()),
                text: fs::read_to_string(&p).expect("text"),
            })
            .collect();
        files.sort_by(|a, b| a.stem.cmp(&b.stem));
        files
    };
    Starter {
        discussion,
        questions,
        replies: read("replies"),
        summaries: read("summaries"),
    }
}

/// The words of a text, lowercase, whatever its punctuation: Markdown and
/// its HTML (curly quotes, entities) give the same words.
fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of a Markdown body as a reader sees them (link targets dropped).
fn markdown_words(markdown: &str) -> String {
    let targets = regex::Regex::new(r"\]\([^)]*\)").expect("regex");
    words(&targets.replace_all(markdown, "]"))
}

fn body(text: &str) -> &str {
    let rest = text.strip_prefix("---\n").unwrap_or(text);
    rest.find("\n---\n").map_or(text, |end| &rest[end + 5..])
}

fn question_page(lang: &str, discussion: &str, id: &str) -> String {
    let (g, q) = id.split_once('.').expect("g.q");
    format!("{lang}/{discussion}/week-{g}/question-{q}/index.html")
}

/// Writes a starter site with `args`, checks and builds it as a user would,
/// and checks what a reader of each language finds in it.
fn starter_site_works(args: &[&str], langs: &[&str]) {
    let scratch = scratch_dir("init-");
    let site = scratch.path().join("mysite");
    let run = init(&site, args);
    assert!(run.status.success(), "{}", run.describe());
    let content = site.join("content");

    // It says what it wrote, and what to do next.
    let listed: BTreeSet<String> = run
        .stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("mysite/content/"))
        .map(str::to_string)
        .collect();
    let written: BTreeSet<String> = all_files(&content).into_iter().collect();
    assert_eq!(listed, written, "{}", run.describe());
    assert!(
        run.stdout.contains("cd mysite && palabre serve")
            && run.stdout.contains("palabre build --open"),
        "{}",
        run.describe()
    );

    let check = in_site(&site, &["check", "--deny-warnings"]);
    assert!(check.status.success(), "{}", check.describe());
    assert!(
        check.stdout.contains("0 error(s), 0 warning(s)"),
        "{}",
        check.describe()
    );
    let build = in_site(&site, &["build"]);
    assert!(build.status.success(), "{}", build.describe());
    // No warning: without --base-url, site.yaml says `base_url: ""`, a site
    // without an address on purpose.
    assert!(!build.stderr.contains("warning:"), "{}", build.describe());

    let out = site.join("public");
    let starter = read_starter(&content);
    let d = &starter.discussion;
    assert!(out.join("index.html").is_file(), "the language chooser");
    for lang in LANGS {
        assert_eq!(
            out.join(lang).exists(),
            langs.contains(&lang),
            "{lang}/ is there exactly when {lang} is a site language"
        );
    }
    assert!(starter.questions.len() >= 4, "two weeks of two questions");

    for lang in langs {
        for rel in [
            format!("{lang}/index.html"),
            format!("{lang}/{d}/index.html"),
            format!("{lang}/{d}/report/index.html"),
        ] {
            assert!(out.join(&rel).is_file(), "no page {rel}");
        }
        // Every question in the page's language, never the fallback.
        for (id, texts) in &starter.questions {
            let rel = question_page(lang, d, id);
            let doc = page(&out, &rel);
            let shown = doc
                .select(&sel("h1 .question-text"))
                .next()
                .unwrap_or_else(|| panic!("{rel}: no question text"));
            let expected = texts
                .get(*lang)
                .unwrap_or_else(|| panic!("question {id} has no {lang} text"));
            assert_eq!(words(&text_of(shown)), words(expected), "{rel}");
            assert_eq!(shown.attr("lang"), Some(*lang), "{rel}");
        }
        // The accented file name is published under its plain address.
        assert!(
            out.join(format!("{lang}/{d}/replies/003-jose-ramirez/index.html"))
                .is_file(),
            "003-josé-ramírez.md is published as 003-jose-ramirez/"
        );
        for r in &starter.replies {
            let rel = format!("{lang}/{d}/replies/{}/index.html", r.address);
            let doc = page(&out, &rel);
            let article = doc
                .select(&sel("article"))
                .next()
                .unwrap_or_else(|| panic!("{rel}: no article"));
            assert!(
                text_of(article).split_whitespace().count() > 20,
                "{rel}: the reply's text"
            );
        }
    }

    // Replies come in the site's languages, in more than one when it has more.
    let reply_langs: BTreeSet<String> = starter
        .replies
        .iter()
        .map(|r| {
            let doc = page(
                &out,
                &format!("{}/{d}/replies/{}/index.html", langs[0], r.address),
            );
            let article = doc.select(&sel("article")).next().expect("article");
            article.attr("lang").expect("lang").to_string()
        })
        .collect();
    assert!(
        reply_langs.iter().all(|l| langs.contains(&l.as_str())),
        "{reply_langs:?}"
    );
    assert!(reply_langs.len() >= langs.len().min(2), "{reply_langs:?}");
    assert!((3..=5).contains(&starter.replies.len()));

    // The marked part for 1.2, and only it, is on question 1.2's page; the
    // text before the first marker is on the reply's own page.
    let marked = starter
        .replies
        .iter()
        .find(|r| r.text.contains("<!-- answers: 1.2 -->"))
        .expect("a reply with a part marked for 1.2");
    let parts: Vec<&str> = body(&marked.text).split("<!-- answers:").collect();
    assert!(parts.len() >= 3, "a preamble and two marked parts");
    let preamble = markdown_words(parts[0]);
    let part_of = |id: &str| {
        let part = parts
            .iter()
            .find(|p| p.trim_start().starts_with(&format!("{id} -->")))
            .unwrap_or_else(|| panic!("a part marked for {id}"));
        markdown_words(part.split_once("-->").expect("marker").1)
    };
    let (part_12, part_11) = (part_of("1.2"), part_of("1.1"));
    for lang in langs {
        let rel = question_page(lang, d, "1.2");
        let doc = page(&out, &rel);
        let article = doc
            .select(&sel(&format!("article[id=\"{}\"]", marked.address)))
            .next()
            .unwrap_or_else(|| panic!("{rel}: no article for {}", marked.stem));
        let shown = words(&text_of(article));
        assert!(shown.contains(&part_12), "{rel}: the part for 1.2");
        assert!(!shown.contains(&part_11), "{rel}: the part for 1.1");
        assert!(!shown.contains(&preamble), "{rel}: the preamble");
        let own = format!("{lang}/{d}/replies/{}/index.html", marked.address);
        let whole = words(&text_of(
            page(&out, &own)
                .select(&sel("article"))
                .next()
                .expect("article"),
        ));
        for part in [&preamble, &part_11, &part_12] {
            assert!(whole.contains(part.as_str()), "{own}: the whole reply");
        }
    }

    // The summary is on its question's page in each language it is written in.
    assert!(!starter.summaries.is_empty());
    let summary_langs: BTreeSet<&str> = starter
        .summaries
        .iter()
        .map(|s| s.stem.rsplit_once('.').expect("<q>.<lang>").1)
        .collect();
    assert_eq!(summary_langs.len(), langs.len().min(2), "{summary_langs:?}");
    for s in &starter.summaries {
        let (q, lang) = s.stem.rsplit_once('.').expect("<q>.<lang>");
        let rel = question_page(lang, d, &q.replacen('-', ".", 1));
        let doc = page(&out, &rel);
        let shown = doc
            .select(&sel(&format!(".summary-box [lang=\"{lang}\"]")))
            .next()
            .unwrap_or_else(|| panic!("{rel}: no summary in {lang}"));
        assert_eq!(
            words(&text_of(shown)),
            markdown_words(body(&s.text)),
            "{rel}"
        );
    }
}

#[test]
fn default_starter_is_in_english_and_french() {
    starter_site_works(&[], &["en", "fr"]);
}

#[test]
fn starter_in_three_languages() {
    starter_site_works(&["--languages", "en,fr,es"], &["en", "fr", "es"]);
}

#[test]
fn starter_in_spanish_only() {
    starter_site_works(&["--languages", "es"], &["es"]);
}

#[test]
fn base_url_goes_into_site_yaml_and_gives_feeds_and_a_sitemap() {
    let scratch = scratch_dir("init-");
    let site = scratch.path().join("mysite");
    let base = "https://example.org/discussions";
    let run = init(&site, &["--languages", "fr,en", "--base-url", base]);
    assert!(run.status.success(), "{}", run.describe());
    let yaml = fs::read_to_string(site.join("content/site.yaml")).expect("site.yaml");
    assert!(
        yaml.lines().any(|l| l == format!("base_url: \"{base}\"")),
        "{yaml}"
    );
    assert!(
        yaml.lines().any(|l| l == "languages: [fr, en]") && yaml.contains("default_language: fr"),
        "{yaml}"
    );

    let check = in_site(&site, &["check", "--deny-warnings"]);
    assert!(check.status.success(), "{}", check.describe());
    let build = in_site(&site, &["build"]);
    assert!(build.status.success(), "{}", build.describe());
    assert!(!build.stderr.contains("warning"), "{}", build.describe());
    let out = site.join("public");
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).expect("sitemap.xml");
    assert!(
        sitemap.contains(&format!("<loc>{base}/fr/index.html</loc>")),
        "{sitemap}"
    );
    assert!(out.join("robots.txt").is_file());
    let d = read_starter(&site.join("content")).discussion;
    for lang in ["fr", "en"] {
        let feed = fs::read_to_string(out.join(format!("{lang}/{d}/feed.xml")))
            .unwrap_or_else(|e| panic!("{lang} feed: {e}"));
        assert!(feed.contains(&format!("{base}/{lang}/{d}/")), "{feed}");
    }
}

#[test]
fn a_folder_holding_content_is_refused_and_left_untouched() {
    let scratch = scratch_dir("init-");
    let site = scratch.path().join("mysite");
    fs::create_dir_all(site.join("content")).expect("folders");
    fs::write(site.join("content/notes.txt"), "mine").expect("a file");
    let before = snapshot(&site);
    let run = init(&site, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", run.describe());
    assert!(
        run.stderr
            .contains("mysite/content: error: the folder is not empty"),
        "{}",
        run.describe()
    );
    assert!(run.stdout.is_empty(), "{}", run.describe());
    assert_eq!(snapshot(&site), before);
    assert_eq!(all_files(&site), ["content/notes.txt"]);

    // A file where the content folder would go is refused as well.
    let other = scratch.path().join("other");
    fs::create_dir_all(&other).expect("folder");
    fs::write(other.join("content"), "a file").expect("a file");
    let run = init(&other, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", run.describe());
    assert!(
        run.stderr.contains("other/content: error:"),
        "{}",
        run.describe()
    );
    assert_eq!(all_files(&other), ["content"]);
}

#[test]
fn an_existing_folder_or_empty_content_folder_is_used() {
    let scratch = scratch_dir("init-");
    let site = scratch.path().join("mysite");
    fs::create_dir_all(site.join("content")).expect("folders");
    fs::write(site.join("README.md"), "my notes").expect("a file");
    let run = init(&site, &[]);
    assert!(run.status.success(), "{}", run.describe());
    assert_eq!(
        fs::read_to_string(site.join("README.md")).ok().as_deref(),
        Some("my notes")
    );
    assert!(site.join("content/site.yaml").is_file());
}

#[test]
fn an_unknown_language_is_refused_before_anything_is_written() {
    let scratch = scratch_dir("init-");
    let site = scratch.path().join("mysite");
    let run = init(&site, &["--languages", "en,xx"]);
    assert_eq!(run.status.code(), Some(1), "{}", run.describe());
    assert!(
        run.stderr.contains("`xx` is not a language palabre knows")
            && run.stderr.contains("en, fr, es"),
        "{}",
        run.describe()
    );
    assert!(!site.exists(), "nothing written");
}

#[test]
fn a_base_url_that_is_no_web_address_is_refused() {
    let scratch = scratch_dir("init-");
    let site = scratch.path().join("mysite");
    let run = init(&site, &["--base-url", "example.org/discussions"]);
    assert_eq!(run.status.code(), Some(1), "{}", run.describe());
    assert!(
        run.stderr
            .contains("--base-url `example.org/discussions` is not an absolute http(s) address")
            && run.stderr.contains("https://"),
        "{}",
        run.describe()
    );
    assert!(!site.exists(), "nothing written");
}

#[test]
fn the_same_options_write_the_same_bytes() {
    let scratch = scratch_dir("init-");
    let (a, b) = (scratch.path().join("a"), scratch.path().join("b"));
    for dir in [&a, &b] {
        let run = init(dir, &["--languages", "es,en"]);
        assert!(run.status.success(), "{}", run.describe());
    }
    assert_eq!(snapshot(&a), snapshot(&b));
}
