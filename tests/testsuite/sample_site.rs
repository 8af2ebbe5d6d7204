//! Builds the sample content (`content/`) once and checks the site a reader
//! gets: every reply on the right pages in the right language, links that work
//! from disk, every page in every language, translated site text, fallbacks,
//! determinism and the build's summary line.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use scraper::Html;

/// The sample site, built once for this test binary.
struct Sample {
    /// Kept so that the folder lives as long as the tests.
    _dir: tempfile::TempDir,
    out: PathBuf,
    run: Run,
}

fn sample() -> &'static Sample {
    static SAMPLE: OnceLock<Sample> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let dir = scratch_dir("palabre-sample-");
        let out = dir.path().join("site");
        let run = build(Path::new(SAMPLE_CONTENT), &out, &[]);
        assert!(
            run.status.success(),
            "building the sample content failed\n{}",
            run.describe()
        );
        Sample {
            _dir: dir,
            out,
            run,
        }
    })
}

/// One row of truth.tsv.
struct Truth {
    path: String,
    stem: String,
    discussion: String,
    lang: String,
    /// Question ids as `(group, question)`.
    answers: BTreeSet<(u32, u32)>,
    note: String,
}

fn parse_qid(s: &str) -> (u32, u32) {
    let (g, q) = s
        .trim()
        .split_once('.')
        .unwrap_or_else(|| panic!("bad question id {s:?} in truth.tsv"));
    (
        g.parse().expect("group number"),
        q.parse().expect("question number"),
    )
}

fn truth() -> Vec<Truth> {
    let text =
        fs::read_to_string(TRUTH_TSV).unwrap_or_else(|e| panic!("cannot read {TRUTH_TSV}: {e}"));
    let mut lines = text.lines();
    let header = lines.next().expect("truth.tsv has a header");
    assert_eq!(
        header.split('\t').collect::<Vec<_>>(),
        ["path", "lang", "answers", "note"],
        "truth.tsv columns"
    );
    let rows: Vec<Truth> = lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let path = cols[0].to_string();
            let stem = Path::new(&path)
                .file_stem()
                .expect("file stem")
                .to_string_lossy()
                .into_owned();
            let discussion = path
                .split('/')
                .next()
                .expect("discussion folder")
                .to_string();
            Truth {
                stem,
                discussion,
                lang: cols[1].to_string(),
                answers: cols[2].split(',').map(parse_qid).collect(),
                note: cols.get(3).copied().unwrap_or("").to_string(),
                path,
            }
        })
        .collect();
    assert!(
        rows.len() > 10,
        "truth.tsv looks truncated: {} rows",
        rows.len()
    );
    rows
}

fn question_page(lang: &str, discussion: &str, (g, q): (u32, u32)) -> String {
    format!("{lang}/{discussion}/week-{g}/question-{q}/index.html")
}

/// The questions of a discussion, found from its English question pages.
fn questions_in_output(out: &Path, discussion: &str) -> BTreeSet<(u32, u32)> {
    let prefix = format!("en/{discussion}/week-");
    html_files(out)
        .iter()
        .filter_map(|p| p.strip_prefix(&prefix))
        .filter_map(|rest| {
            // "<g>/question-<q>/index.html"
            let (g, rest) = rest.split_once('/')?;
            let q = rest
                .strip_prefix("question-")?
                .strip_suffix("/index.html")?;
            Some((g.parse().ok()?, q.parse().ok()?))
        })
        .collect()
}

/// `(id, lang)` of every `<article>` on a page.
fn articles(doc: &Html) -> Vec<(String, Option<String>)> {
    doc.select(&sel("article"))
        .filter_map(|a| Some((a.attr("id")?.to_string(), a.attr("lang").map(String::from))))
        .collect()
}

fn fail_if_any(problems: &[String], what: &str) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s)\n{}",
        problems.len(),
        problems
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_reply_is_on_exactly_the_question_pages_it_answers_in_every_language() {
    let out = &sample().out;
    let rows = truth();
    let mut cache: BTreeMap<String, Vec<(String, Option<String>)>> = BTreeMap::new();
    let mut articles_on = |rel: &str| -> Option<Vec<(String, Option<String>)>> {
        if !cache.contains_key(rel) {
            if !out.join(rel).is_file() {
                return None;
            }
            cache.insert(rel.to_string(), articles(&page(out, rel)));
        }
        cache.get(rel).cloned()
    };
    let mut problems = Vec::new();
    for row in &rows {
        let questions = questions_in_output(out, &row.discussion);
        assert!(
            !questions.is_empty(),
            "no question pages found for discussion {}",
            row.discussion
        );
        let all: BTreeSet<(u32, u32)> = questions.union(&row.answers).copied().collect();
        for lang in LANGS {
            for &q in &all {
                let rel = question_page(lang, &row.discussion, q);
                let Some(found) = articles_on(&rel) else {
                    if row.answers.contains(&q) {
                        problems.push(format!(
                            "{rel}: page missing, but reply {} answers question {}.{}",
                            row.stem, q.0, q.1
                        ));
                    }
                    continue;
                };
                let mine: Vec<&Option<String>> = found
                    .iter()
                    .filter(|(id, _)| id == &row.stem)
                    .map(|(_, l)| l)
                    .collect();
                if row.answers.contains(&q) {
                    if mine.len() != 1 {
                        problems.push(format!(
                            "{rel}: expected exactly one <article id=\"{}\"> (it answers {}.{}), found {}",
                            row.stem, q.0, q.1, mine.len()
                        ));
                    } else if mine[0].as_deref() != Some(row.lang.as_str()) {
                        problems.push(format!(
                            "{rel}: <article id=\"{}\"> has lang={:?}, truth says {:?}",
                            row.stem, mine[0], row.lang
                        ));
                    }
                } else if !mine.is_empty() {
                    problems.push(format!(
                        "{rel}: reply {} is shown but does not answer question {}.{} (it answers {:?})",
                        row.stem, q.0, q.1, row.answers
                    ));
                }
            }
        }
    }
    fail_if_any(&problems, "replies on question pages");
}

#[test]
fn every_reply_has_its_own_page_in_every_language_marked_with_its_language() {
    let out = &sample().out;
    let mut problems = Vec::new();
    for row in truth() {
        for lang in LANGS {
            let rel = format!("{lang}/{}/replies/{}/index.html", row.discussion, row.stem);
            if !out.join(&rel).is_file() {
                problems.push(format!("{rel}: missing (reply {})", row.path));
                continue;
            }
            let doc = page(out, &rel);
            let marked = doc
                .select(&sel(&format!("article[lang=\"{}\"]", row.lang)))
                .count();
            if marked == 0 {
                let found: Vec<_> = articles(&doc);
                problems.push(format!(
                    "{rel}: no <article lang=\"{}\"> (articles found: {found:?})",
                    row.lang
                ));
            }
        }
    }
    fail_if_any(&problems, "reply pages");
}

#[test]
fn mixed_post_is_spanish_with_english_quotes_marked() {
    let rows = truth();
    let row = rows
        .iter()
        .find(|r| r.stem == "020-carmen-miguel-juan")
        .expect("truth.tsv has reply 020-carmen-miguel-juan");
    assert_eq!(row.note, "mixed:es+en", "truth.tsv note of the mixed post");
    let out = &sample().out;
    let mut pages = vec![format!(
        "en/{}/replies/{}/index.html",
        row.discussion, row.stem
    )];
    pages.extend(
        row.answers
            .iter()
            .map(|&q| question_page("en", &row.discussion, q)),
    );
    for rel in pages {
        let doc = page(out, &rel);
        let article = doc
            .select(&sel(&format!("article[id=\"{}\"]", row.stem)))
            .next()
            .unwrap_or_else(|| panic!("{rel}: no <article id=\"{}\">", row.stem));
        assert_eq!(
            article.attr("lang"),
            Some("es"),
            "{rel}: the mixed post is in Spanish overall"
        );
        let english: Vec<String> = article
            .select(&sel("p[lang=\"en\"]"))
            .map(text_of)
            .collect();
        assert!(
            !english.is_empty(),
            "{rel}: no paragraph of reply {} is marked lang=\"en\", yet it quotes the English question",
            row.stem
        );
        assert!(
            english.iter().any(|p| p.contains("RLAs")),
            "{rel}: the paragraphs marked English are not the quoted questions: {english:?}"
        );
        // The Spanish answers must not be marked English.
        for p in article.select(&sel("p")) {
            if text_of(p).contains("El problema es que aunque normalmente") {
                assert_ne!(
                    p.attr("lang"),
                    Some("en"),
                    "{rel}: a Spanish paragraph is marked English"
                );
            }
        }
    }
}

/// The ids on each page and the links out of it.
struct LinkIndex {
    ids: BTreeMap<String, BTreeSet<String>>,
    /// (page, attribute, value)
    links: Vec<(String, &'static str, String)>,
    /// (page, tag, url) of resources the browser fetches by itself.
    fetched: Vec<(String, String, String)>,
}

fn link_index(out: &Path) -> LinkIndex {
    let mut ids = BTreeMap::new();
    let mut links = Vec::new();
    let mut fetched = Vec::new();
    for rel in html_files(out) {
        let doc = page(out, &rel);
        let page_ids: BTreeSet<String> = doc
            .select(&sel("[id]"))
            .filter_map(|e| e.attr("id"))
            .map(String::from)
            .collect();
        ids.insert(rel.clone(), page_ids);
        for attr in ["href", "src"] {
            for el in doc.select(&sel(&format!("[{attr}]"))) {
                let value = el.attr(attr).unwrap_or_default().to_string();
                links.push((rel.clone(), attr, value));
            }
        }
        for (selector, attr) in [
            ("link[rel~=\"stylesheet\"]", "href"),
            ("script[src]", "src"),
            ("img[src]", "src"),
        ] {
            for el in doc.select(&sel(selector)) {
                let url = el.attr(attr).unwrap_or_default().to_string();
                fetched.push((rel.clone(), el.value().name().to_string(), url));
            }
        }
    }
    LinkIndex {
        ids,
        links,
        fetched,
    }
}

#[test]
fn every_internal_link_and_fragment_resolves_from_disk() {
    let out = &sample().out;
    let index = link_index(out);
    assert!(
        index.links.len() > 100,
        "suspiciously few links found: {}",
        index.links.len()
    );
    let mut problems = Vec::new();
    for (page, attr, value) in &index.links {
        let value = value.trim();
        if value.is_empty() {
            problems.push(format!("{page}: empty {attr}"));
            continue;
        }
        if value.starts_with('/') && !value.starts_with("//") {
            problems.push(format!("{page}: {attr}=\"{value}\" is an absolute path; it breaks from disk and in a subfolder"));
            continue;
        }
        if is_absolute_url(value) {
            continue;
        }
        let (path, fragment) = match value.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (value, None),
        };
        let target = if path.is_empty() {
            page.clone()
        } else {
            if path.ends_with('/') {
                problems.push(format!("{page}: {attr}=\"{value}\" names a folder; opened from disk it shows a listing, not index.html"));
                continue;
            }
            match resolve(page, path) {
                Some(t) => t,
                None => {
                    problems.push(format!("{page}: {attr}=\"{value}\" climbs out of the site"));
                    continue;
                }
            }
        };
        if !out.join(&target).is_file() {
            problems.push(format!(
                "{page}: {attr}=\"{value}\" -> {target} does not exist"
            ));
            continue;
        }
        if let Some(fragment) = fragment {
            match index.ids.get(&target) {
                Some(ids) if ids.contains(fragment) => {}
                Some(_) => problems.push(format!(
                    "{page}: {attr}=\"{value}\": {target} has no id=\"{fragment}\""
                )),
                None => problems.push(format!(
                    "{page}: {attr}=\"{value}\": fragment into a non-HTML file {target}"
                )),
            }
        }
    }
    fail_if_any(&problems, "internal links");
}

#[test]
fn nothing_is_fetched_from_third_parties() {
    let index = link_index(&sample().out);
    let remote: Vec<String> = index
        .fetched
        .iter()
        .filter(|(_, _, url)| {
            let u = url.trim().to_ascii_lowercase();
            u.starts_with("http://") || u.starts_with("https://") || u.starts_with("//")
        })
        .map(|(page, tag, url)| format!("{page}: <{tag}> loads {url}"))
        .collect();
    fail_if_any(&remote, "third-party resources");
    assert!(
        index.fetched.iter().any(|(_, tag, _)| tag == "link"),
        "no stylesheet link found at all: the check above would be vacuous"
    );
}

/// Paths under `<lang>/`, without the prefix.
fn pages_under(out: &Path, lang: &str) -> BTreeSet<String> {
    let prefix = format!("{lang}/");
    all_files(out)
        .iter()
        .filter_map(|p| p.strip_prefix(&prefix).map(String::from))
        .collect()
}

#[test]
fn every_page_exists_in_every_language() {
    let out = &sample().out;
    let en = pages_under(out, "en");
    assert!(en.len() > 50, "too few English pages: {}", en.len());
    for lang in ["fr", "es"] {
        let other = pages_under(out, lang);
        let missing: Vec<_> = en.difference(&other).collect();
        let extra: Vec<_> = other.difference(&en).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{lang}/ differs from en/: missing {missing:?}, extra {extra:?}"
        );
    }
}

/// `hreflang -> resolved target` of a page's `<link rel="alternate">`s.
fn alternates(doc: &Html, rel: &str) -> BTreeMap<String, String> {
    doc.select(&sel("link[rel~=\"alternate\"][hreflang]"))
        .filter(|l| l.attr("hreflang") != Some("x-default"))
        .map(|l| {
            let href = l.attr("href").unwrap_or_default();
            (
                l.attr("hreflang").unwrap_or_default().to_string(),
                resolve(rel, href).unwrap_or_else(|| format!("<outside: {href}>")),
            )
        })
        .collect()
}

#[test]
fn alternates_cover_every_language_and_are_reciprocal() {
    let out = &sample().out;
    let mut problems = Vec::new();
    let mut alt_of: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for lang in LANGS {
        for rest in pages_under(out, lang)
            .iter()
            .filter(|p| p.ends_with(".html"))
        {
            let rel = format!("{lang}/{rest}");
            alt_of.insert(rel.clone(), alternates(&page(out, &rel), &rel));
        }
    }
    for (rel, alts) in &alt_of {
        let codes: BTreeSet<&str> = alts.keys().map(String::as_str).collect();
        if codes != LANGS.into_iter().collect::<BTreeSet<_>>() {
            problems.push(format!(
                "{rel}: alternates in {codes:?}, expected {LANGS:?}"
            ));
        }
        let own_lang = rel.split('/').next().unwrap_or_default();
        for (code, target) in alts {
            let expected = swap_lang(rel, code);
            if target != &expected {
                problems.push(format!(
                    "{rel}: alternate hreflang={code} goes to {target}, expected {expected}"
                ));
            }
            match alt_of.get(target) {
                None => problems.push(format!(
                    "{rel}: alternate hreflang={code} goes to {target}, which does not exist"
                )),
                Some(back) => {
                    if back.get(own_lang) != Some(rel) {
                        problems.push(format!(
                            "{rel}: alternate {target} does not point back (its hreflang={own_lang} is {:?})",
                            back.get(own_lang)
                        ));
                    }
                }
            }
        }
    }
    fail_if_any(&problems, "hreflang alternates");
}

#[test]
fn language_switcher_and_html_lang_match_the_page() {
    let out = &sample().out;
    let mut problems = Vec::new();
    for lang in LANGS {
        for rest in pages_under(out, lang)
            .iter()
            .filter(|p| p.ends_with(".html"))
        {
            let rel = format!("{lang}/{rest}");
            let doc = page(out, &rel);
            let html_lang = doc.select(&sel("html")).next().and_then(|h| h.attr("lang"));
            if html_lang != Some(lang) {
                problems.push(format!(
                    "{rel}: <html lang={html_lang:?}>, expected {lang:?}"
                ));
            }
            let links: Vec<_> = doc.select(&sel("nav.lang-switcher a")).collect();
            let codes: Vec<&str> = links.iter().filter_map(|a| a.attr("hreflang")).collect();
            if links.len() != LANGS.len()
                || codes.iter().copied().collect::<BTreeSet<_>>()
                    != LANGS.into_iter().collect::<BTreeSet<_>>()
            {
                problems.push(format!("{rel}: switcher has {} links with hreflang {codes:?}, expected one per {LANGS:?}", links.len()));
            }
            for a in links {
                let code = a.attr("hreflang").unwrap_or_default();
                if a.attr("lang") != Some(code) {
                    problems.push(format!(
                        "{rel}: switcher link hreflang={code} has lang={:?}",
                        a.attr("lang")
                    ));
                }
                let target = resolve(&rel, a.attr("href").unwrap_or_default());
                let expected = swap_lang(&rel, code);
                if target.as_deref() != Some(expected.as_str()) {
                    problems.push(format!(
                        "{rel}: switcher link for {code} goes to {target:?}, expected {expected}"
                    ));
                }
            }
        }
    }
    fail_if_any(&problems, "language switcher");
}

#[test]
fn site_text_is_translated() {
    let out = &sample().out;
    let expected = [
        ("en", "Consolidated reply"),
        ("fr", "Réponse consolidée"),
        ("es", "Respuesta consolidada"),
    ];
    let mut problems = Vec::new();
    let mut checked = 0;
    for (lang, heading) in expected {
        for rel in html_files(out)
            .iter()
            .filter(|p| p.starts_with(&format!("{lang}/")) && p.contains("/question-"))
        {
            let doc = page(out, rel);
            let headings: Vec<String> = doc
                .select(&sel(".summary-box h2, #summary-heading"))
                .map(text_of)
                .collect();
            checked += 1;
            if !headings.iter().any(|h| h == heading) {
                problems.push(format!(
                    "{rel}: summary heading {headings:?}, expected {heading:?}"
                ));
            }
        }
    }
    // The sample has 17 questions (13 + 4), in three languages.
    assert!(
        checked >= 3 * 17,
        "too few question pages checked: {checked}"
    );
    fail_if_any(&problems, "translated site text");
}

/// The `.note`s on a page, as text.
fn notes(doc: &Html) -> Vec<String> {
    doc.select(&sel(".note")).map(text_of).collect()
}

/// Elements marked `lang` whose text contains `needle`.
fn marked_holding(doc: &Html, lang: &str, needle: &str) -> usize {
    doc.select(&sel(&format!("[lang=\"{lang}\"]")))
        .filter(|e| text_of(*e).contains(needle))
        .count()
}

#[test]
fn untranslated_question_falls_back_to_english_with_a_note() {
    let out = &sample().out;
    let english = "What strategies can RLAs adopt to share lessons learned";
    let rel = "es/territorial-approach-2013/week-1/question-3/index.html";
    let doc = page(out, rel);
    let h1 = doc
        .select(&sel("h1"))
        .next()
        .map(text_of)
        .unwrap_or_default();
    assert!(
        h1.contains(english),
        "{rel}: the heading should show the English text, got {h1:?}"
    );
    assert!(
        doc.select(&sel("h1 [lang=\"en\"], h1[lang=\"en\"]"))
            .any(|e| text_of(e).contains(english)),
        "{rel}: the English question text is not marked lang=\"en\""
    );
    let notes = notes(&doc);
    assert!(
        notes.iter().any(|n| n.contains("inglés")),
        "{rel}: no note saying the question is shown in English (inglés); notes: {notes:?}"
    );

    // Where the translation exists, it is used and no such note appears.
    let rel = "fr/territorial-approach-2013/week-1/question-3/index.html";
    let doc = page(out, rel);
    assert!(
        marked_holding(&doc, "fr", "Quelles stratégies peuvent adopter") > 0,
        "{rel}: the French question text is not shown marked lang=\"fr\""
    );
    let notes = self::notes(&doc);
    assert!(
        !notes.iter().any(|n| n.contains("anglais")),
        "{rel}: unexpected fallback note: {notes:?}"
    );
}

#[test]
fn untranslated_summary_falls_back_to_english_with_a_note() {
    let out = &sample().out;
    let snippet = "Firstly, respondents pointed out that in order to consider the concept";
    let rel = "fr/mainstreaming-migration-2015/week-1/question-1/index.html";
    let doc = page(out, rel);
    assert!(
        marked_holding(&doc, "en", snippet) > 0,
        "{rel}: the English summary is not shown marked lang=\"en\""
    );
    let notes = notes(&doc);
    assert!(
        notes.iter().any(|n| n.contains("anglais")),
        "{rel}: no note saying the summary is shown in English (anglais); notes: {notes:?}"
    );

    let rel = "en/mainstreaming-migration-2015/week-1/question-1/index.html";
    let doc = page(out, rel);
    assert!(
        marked_holding(&doc, "en", snippet) > 0,
        "{rel}: the summary is missing"
    );
    let notes = self::notes(&doc);
    assert!(
        !notes.iter().any(|n| n.contains("English")),
        "{rel}: unexpected fallback note on the English page: {notes:?}"
    );
}

#[test]
fn building_twice_gives_identical_files() {
    let first = snapshot(&sample().out);
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("again");
    let run = build(Path::new(SAMPLE_CONTENT), &out, &[]);
    assert!(
        run.status.success(),
        "second build failed\n{}",
        run.describe()
    );
    let second = snapshot(&out);
    let a: BTreeSet<&String> = first.keys().collect();
    let b: BTreeSet<&String> = second.keys().collect();
    let only_first: Vec<_> = a.difference(&b).collect();
    let only_second: Vec<_> = b.difference(&a).collect();
    assert!(
        only_first.is_empty() && only_second.is_empty(),
        "the two builds wrote different sets of files: only in the first {only_first:?}, only in the second {only_second:?}"
    );
    let differing: Vec<&String> = first
        .iter()
        .filter(|(k, v)| second.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        differing.is_empty(),
        "files differ between two builds of the same content: {differing:?}"
    );
}

#[test]
fn pages_are_minified() {
    let out = &sample().out;
    let mut problems = Vec::new();
    for rel in html_files(out) {
        let text = fs::read_to_string(out.join(&rel)).expect("page");
        // What stands in for replies and for parts minified apart is replaced.
        for tag in ["<palabre-slot", "<palabre-part"] {
            if text.contains(tag) {
                problems.push(format!("{rel}: {tag}> left in the page"));
            }
        }
        if let Some(line) = text
            .lines()
            .find(|l| l.starts_with("  ") || l.starts_with('\t'))
        {
            problems.push(format!(
                "{rel}: indented line {:?}",
                line.chars().take(60).collect::<String>()
            ));
        }
    }
    fail_if_any(&problems, "minified output");
}

#[test]
fn root_index_links_to_every_language() {
    let out = &sample().out;
    let doc = page(out, "index.html");
    let hrefs: BTreeSet<String> = doc
        .select(&sel("a[href]"))
        .filter_map(|a| a.attr("href"))
        .map(String::from)
        .collect();
    for lang in LANGS {
        let target = format!("{lang}/index.html");
        assert!(
            hrefs.contains(&target),
            "index.html does not link to {target}; links: {hrefs:?}"
        );
    }
}

#[test]
fn build_prints_a_one_line_summary() {
    let s = sample();
    assert!(s.run.status.success(), "{}", s.run.describe());
    let stdout = s.run.stdout.trim();
    assert_eq!(
        stdout.lines().count(),
        1,
        "expected one summary line on stdout, got:\n{stdout}"
    );
    let pages = html_files(&s.out).len();
    assert!(
        stdout.contains(&format!("{pages} pages")),
        "the summary does not give the number of pages ({pages}): {stdout}"
    );
    let mut by_lang: BTreeMap<String, usize> = BTreeMap::new();
    for row in truth() {
        *by_lang.entry(row.lang).or_default() += 1;
    }
    let total: usize = by_lang.values().sum();
    assert!(
        stdout.contains(&total.to_string()),
        "the summary does not give the number of replies ({total}): {stdout}"
    );
    for (lang, n) in by_lang {
        let forms = [
            format!("{lang} {n}"),
            format!("{lang}: {n}"),
            format!("{n} {lang}"),
            format!("{lang}={n}"),
        ];
        assert!(
            forms.iter().any(|f| stdout.contains(f.as_str())),
            "the summary does not give {n} replies in {lang}: {stdout}"
        );
    }
}

#[test]
fn built_in_default_theme_matches_the_themes_folder() {
    // Installed palabre has no themes/ folder beside the content: it uses the
    // default theme built into the binary, which must be the one in themes/default.
    let dir = tempfile::tempdir().expect("temporary folder");
    let content = dir.path().join("content");
    copy_dir(Path::new(SAMPLE_CONTENT), &content);
    let out = dir.path().join("site");
    let run = build(&content, &out, &[]);
    assert!(
        run.status.success(),
        "building without a themes/ folder failed\n{}",
        run.describe()
    );
    let expected = snapshot(&sample().out);
    let got = snapshot(&out);
    let differing: Vec<&String> = expected
        .iter()
        .filter(|(k, v)| got.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        differing.is_empty() && expected.len() == got.len(),
        "the built-in theme gives a different site than themes/default ({} vs {} files); differing: {:?}",
        got.len(),
        expected.len(),
        differing.iter().take(10).collect::<Vec<_>>()
    );
}

/// One page of each kind, in each language, against its reviewed copy in `tests/testsuite/snapshots/`:
/// any change to what a reader gets shows as a diff to accept (`cargo insta review`, or
/// `INSTA_UPDATE=always cargo test --test testsuite sample_site::` and `git diff`).
#[test]
fn pages_of_each_kind_match_their_snapshots() {
    let out = &sample().out;
    let mut pages = vec![("chooser".to_string(), "index.html".to_string())];
    for lang in LANGS {
        let d = "territorial-approach-2013";
        for (kind, rel) in [
            ("home", "index.html".to_string()),
            ("discussion", format!("{d}/index.html")),
            ("group", format!("{d}/week-1/index.html")),
            ("question", format!("{d}/week-1/question-2/index.html")),
            (
                "reply",
                format!("{d}/replies/003-daniel-naujoks/index.html"),
            ),
            ("statistics", format!("{d}/statistics/index.html")),
            // The smaller of the two discussions' reports.
            (
                "report",
                "mainstreaming-migration-2015/report/index.html".to_string(),
            ),
            ("search", "search/index.html".to_string()),
        ] {
            pages.push((format!("{kind}-{lang}"), format!("{lang}/{rel}")));
        }
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots");
    settings.bind(|| {
        for (name, rel) in pages {
            let html = fs::read_to_string(out.join(&rel))
                .unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
            // Pages are minified to one line: one tag a line makes the diffs readable.
            insta::assert_snapshot!(name, html.replace("><", ">\n<"), &rel);
        }
    });
}

/// Every `.docx` of the sample site, relative to the output folder.
fn docx_files(out: &Path) -> Vec<String> {
    snapshot(out)
        .into_keys()
        .filter(|k| k.ends_with(".docx"))
        .collect()
}

/// Spaces collapsed, for comparing texts laid out differently.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn each_report_is_a_word_document_in_every_language_with_every_question_and_summary() {
    let out = &sample().out;
    let mut problems = Vec::new();
    let mut checked = 0;
    let note_marks = regex::Regex::new(r"\[\d+\]").expect("regex");
    for lang in LANGS {
        for entry in fs::read_dir(out.join(lang)).expect("language folder") {
            let report = entry.expect("entry").path().join("report/index.html");
            let Ok(page) = fs::read_to_string(&report) else {
                continue;
            };
            let slug = report
                .parent()
                .and_then(Path::parent)
                .and_then(Path::file_name)
                .and_then(|n| n.to_str())
                .expect("discussion folder");
            let docx = format!("{slug}.docx");
            let doc = Html::parse_document(&page);
            // The page links to its document, in its language.
            let link = scraper::Selector::parse(".report-download a").expect("selector");
            let a = doc.select(&link).next();
            let href = a.and_then(|a| a.value().attr("href")).unwrap_or("");
            let name = a.and_then(|a| a.value().attr("download")).unwrap_or("");
            if !href.ends_with(&format!("/{lang}/{slug}/report/{docx}"))
                || name != format!("{slug}-{lang}.docx")
            {
                problems.push(format!(
                    "{lang}/{slug}: link to the .docx is {href:?}, downloaded as {name:?}"
                ));
            }
            let link_text = a.map(|a| a.text().collect::<String>()).unwrap_or_default();
            let want = expected_text(lang, "report_docx");
            if link_text != want {
                problems.push(format!(
                    "{lang}/{slug}: link says {link_text:?}, not {want:?}"
                ));
            }
            let path = report.with_file_name(&docx);
            let plain = std::process::Command::new("pandoc")
                .args(["-f", "docx", "-t", "plain", "--wrap=none"])
                .arg(&path)
                .output()
                .expect(
                    "pandoc, which reads the Word documents back (scripts/test.sh installs it)",
                );
            assert!(
                plain.status.success(),
                "pandoc cannot read {}: {}",
                path.display(),
                String::from_utf8_lossy(&plain.stderr)
            );
            // Citations are footnotes there, marked `[1]` in pandoc's text.
            let plain = note_marks
                .replace_all(&words(&String::from_utf8_lossy(&plain.stdout)), "")
                .into_owned();
            // What the report page shows in this language: each question and summary.
            let pick = |css: &str| -> Vec<String> {
                let sel = scraper::Selector::parse(css).expect("selector");
                doc.select(&sel)
                    .map(|e| words(&e.text().collect::<String>()))
                    .filter(|t| !t.is_empty())
                    .collect()
            };
            let questions = pick(".report-question .question-text");
            let summaries = pick(".summary-box .prose p");
            // Every reply's paragraphs too, under each question it answers: a document
            // made after another language's shows the same replies.
            let replies = pick("article.reply .prose p");
            assert!(
                !questions.is_empty() && !replies.is_empty(),
                "{lang}/{slug}: no question or no reply on the report page"
            );
            for text in questions.iter().chain(&summaries).chain(&replies) {
                checked += 1;
                if !plain.contains(text.as_str()) {
                    problems.push(format!("{lang}/{slug}/{docx}: missing {text:?}"));
                }
            }
            check_package(&path, lang, &mut problems);
        }
    }
    assert!(checked > 0, "no question or summary checked");
    fail_if_any(&problems, "Word documents");
}

#[test]
fn citations_in_a_word_report_are_footnotes_naming_each_cited_reply() {
    let docx = sample()
        .out
        .join("en/mainstreaming-migration-2015/report/mainstreaming-migration-2015.docx");
    let md = std::process::Command::new("pandoc")
        .args(["-f", "docx", "-t", "markdown", "--wrap=none"])
        .arg(&docx)
        .output()
        .expect("pandoc, which reads the Word documents back (scripts/test.sh installs it)");
    assert!(
        md.status.success(),
        "{}",
        String::from_utf8_lossy(&md.stderr)
    );
    let md = String::from_utf8_lossy(&md.stdout);
    // The summary of 1.1 cites three replies, in this order.
    for (text, note) in [
        (
            "The City of Legazpi[^1]",
            "[^1]: City Government of Legazpi (Philippines).",
        ),
        (
            "GAD Provincia de Pichincha[^2]",
            "[^2]: GAD Provincia de Pichincha, Gobierno Autónomo Descentralizado (GAD) de la Provincia de Pichincha (Ecuador).",
        ),
        ("an anonymous contributor[^3]", "[^3]: Anonymous (Ecuador)."),
    ] {
        assert!(md.contains(text), "no footnote after {text:?}");
        assert!(md.lines().any(|l| l == note), "no footnote {note:?}");
    }
    assert!(!md.contains("[^4]"), "a footnote that is no citation");
}

#[test]
fn libreoffice_opens_a_word_report_and_prints_every_question_and_citation() {
    let sample = sample();
    let docx = sample
        .out
        .join("fr/mainstreaming-migration-2015/report/mainstreaming-migration-2015.docx");
    let dir = tempfile::tempdir().expect("temporary folder");
    // A profile of its own, so that a LibreOffice already open does not take the job.
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    let run = std::process::Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&docx)
        .output()
        .expect(
            "LibreOffice (soffice), which opens the Word documents (scripts/test.sh installs it)",
        );
    let pdf = dir.path().join("mainstreaming-migration-2015.pdf");
    assert!(
        run.status.success() && pdf.is_file(),
        "LibreOffice cannot open {}: {}",
        docx.display(),
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = words(&String::from_utf8_lossy(&text.stdout));
    let page = Html::parse_document(
        &fs::read_to_string(
            sample
                .out
                .join("fr/mainstreaming-migration-2015/report/index.html"),
        )
        .expect("report page"),
    );
    let questions = scraper::Selector::parse(".report-question .question-text").expect("selector");
    let mut n = 0;
    for q in page.select(&questions) {
        let q = words(&q.text().collect::<String>());
        assert!(text.contains(&q), "LibreOffice's rendering lacks {q:?}");
        n += 1;
    }
    assert_eq!(n, 4, "the report page lists 4 questions");
    assert!(
        text.contains("City Government of Legazpi (Philippines)."),
        "no footnote"
    );
}

/// The text the default theme gives `key` in `lang`.
fn expected_text(lang: &str, key: &str) -> String {
    let yaml = fs::read_to_string(format!("{THEMES}/default/i18n/{lang}.yaml")).expect("i18n");
    yaml.lines()
        .find_map(|l| l.trim().strip_prefix(&format!("{key}: ")))
        .expect("key in the translations")
        .to_string()
}

/// Every part of the zip is well-formed XML; the document says its language and title.
fn check_package(path: &Path, lang: &str, problems: &mut Vec<String>) {
    let bytes = fs::read(path).expect("docx");
    let parts = unzip(&bytes);
    for name in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
        "docProps/core.xml",
    ] {
        if !parts.contains_key(name) {
            problems.push(format!("{}: no {name}", path.display()));
        }
    }
    for (name, xml) in &parts {
        let mut reader = quick_xml::Reader::from_reader(&xml[..]);
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => {
                    problems.push(format!(
                        "{}: {name} is not well-formed: {e}",
                        path.display()
                    ));
                    break;
                }
            }
            buf.clear();
        }
    }
    let styles = String::from_utf8_lossy(&parts["word/styles.xml"]);
    if !styles.contains(&format!("<w:lang w:val=\"{lang}\"/>")) {
        problems.push(format!("{}: language not {lang}", path.display()));
    }
    let document = String::from_utf8_lossy(&parts["word/document.xml"]);
    for style in ["Title", "Heading1", "Heading2", "Heading3"] {
        if !document.contains(&format!("<w:pStyle w:val=\"{style}\"/>")) {
            problems.push(format!("{}: no paragraph in style {style}", path.display()));
        }
    }
    if !String::from_utf8_lossy(&parts["docProps/core.xml"]).contains("<dc:title>") {
        problems.push(format!("{}: no title", path.display()));
    }
}

/// The parts of a zip archive written by palabre (deflated entries, sizes in
/// the local headers), inflated.
pub(crate) fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
    let u32_at = |i: usize| {
        u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize
    };
    let mut parts = BTreeMap::new();
    let mut i = 0;
    while u32_at(i) == 0x0403_4b50 {
        assert_eq!(u16_at(i + 8), 8, "deflated entry");
        let crc = u32_at(i + 14) as u32;
        let packed = u32_at(i + 18);
        let size = u32_at(i + 22);
        let name_len = u16_at(i + 26);
        let extra = u16_at(i + 28);
        let name = String::from_utf8(bytes[i + 30..i + 30 + name_len].to_vec()).expect("name");
        let start = i + 30 + name_len + extra;
        let mut data = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::DeflateDecoder::new(&bytes[start..start + packed]),
            &mut data,
        )
        .expect("inflate");
        assert_eq!(data.len(), size, "{name}: size");
        let mut h = crc32fast::Hasher::new();
        h.update(&data);
        assert_eq!(h.finalize(), crc, "{name}: checksum");
        parts.insert(name, data);
        i = start + packed;
    }
    assert!(!parts.is_empty(), "not a zip archive");
    parts
}

#[test]
fn word_documents_are_the_same_bytes_on_another_day() {
    let first = snapshot(&sample().out);
    let docx = docx_files(&sample().out);
    assert!(!docx.is_empty(), "no .docx written");
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("later");
    let status = std::process::Command::new("faketime")
        .arg("2031-06-15 12:00:00")
        .arg(env!("CARGO_BIN_EXE_palabre"))
        .args(["build", "--content", SAMPLE_CONTENT, "--output"])
        .arg(&out)
        .output()
        .expect("faketime, which builds on another day (scripts/test.sh installs it)");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    for rel in docx {
        let later = fs::read(out.join(&rel)).expect("docx built later");
        assert!(
            first[&rel] == later,
            "{rel} differs when built on another day"
        );
    }
}
