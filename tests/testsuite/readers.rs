//! The readers' features of the published site: open data, Atom feeds,
//! sitemap and robots.txt, descriptions and Open Graph tags, statistics,
//! the consolidated reply as one printable document, the language filter.
//!
//! The sample content is built twice: as shipped (no `base_url`) and with a
//! `base_url`, which feeds and the sitemap need.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::*;

const BASE: &str = "https://example.org/e-discussions";
const DISCUSSIONS: [&str; 2] = ["territorial-approach-2013", "mainstreaming-migration-2015"];

struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
    run: Run,
}

fn build_sample(prefix: &str, base_url: Option<&str>) -> Built {
    let dir = scratch_dir(prefix);
    let content = dir.path().join("content");
    copy_dir(Path::new(SAMPLE_CONTENT), &content);
    if let Some(base) = base_url {
        let site = content.join("site.yaml");
        let mut yaml = fs::read_to_string(&site).expect("read site.yaml");
        yaml.push_str(&format!("base_url: \"{base}/\"\n"));
        fs::write(&site, yaml).expect("write site.yaml");
    }
    let out = dir.path().join("site");
    let run = build(&content, &out, &["--themes", THEMES]);
    assert!(run.status.success(), "build failed\n{}", run.describe());
    Built {
        _dir: dir,
        out,
        run,
    }
}

/// The sample as shipped: no base_url.
fn plain() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| build_sample("palabre-readers-plain-", None))
}

/// The sample with a base_url: feeds and sitemap.
fn with_base() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| build_sample("palabre-readers-base-", Some(BASE)))
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let dest = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), &dest).expect("copy file");
        }
    }
}

/// Per discussion: reply id -> (language, questions), from truth.tsv.
fn truth() -> BTreeMap<String, BTreeMap<String, (String, Vec<String>)>> {
    let text = fs::read_to_string(TRUTH_TSV).expect("read truth.tsv");
    let mut by_discussion: BTreeMap<String, BTreeMap<String, (String, Vec<String>)>> =
        BTreeMap::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let path = Path::new(cols[0]);
        let discussion = cols[0].split('/').next().expect("discussion").to_string();
        let id = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let answers = cols[2].split(',').map(|s| s.trim().to_string()).collect();
        by_discussion
            .entry(discussion)
            .or_default()
            .insert(id, (cols[1].to_string(), answers));
    }
    by_discussion
}

/// The questions of a discussion as `(group, question)`, from its English question pages.
fn questions(out: &Path, discussion: &str) -> Vec<(u32, u32)> {
    let prefix = format!("en/{discussion}/week-");
    let mut qs: Vec<(u32, u32)> = html_files(out)
        .iter()
        .filter_map(|p| {
            let rest = p.strip_prefix(&prefix)?;
            let (g, rest) = rest.split_once('/')?;
            let q = rest
                .strip_prefix("question-")?
                .strip_suffix("/index.html")?;
            Some((g.parse().ok()?, q.parse().ok()?))
        })
        .collect();
    qs.sort();
    qs
}

fn meta(doc: &scraper::Html, attr: &str, name: &str) -> Vec<String> {
    doc.select(&sel(&format!("meta[{attr}=\"{name}\"]")))
        .filter_map(|m| m.attr("content").map(String::from))
        .collect()
}

// ---------------------------------------------------------------- open data

#[test]
fn open_data_csv_and_json_hold_every_reply_with_its_language_and_questions() {
    let out = &plain().out;
    let truth = truth();
    for d in DISCUSSIONS {
        let expected = &truth[d];
        let bytes = fs::read(out.join(format!("data/{d}.csv"))).expect("CSV file");
        let text = String::from_utf8(bytes).expect("CSV is UTF-8");
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .expect("CSV header")
            .iter()
            .map(String::from)
            .collect();
        assert_eq!(
            header,
            [
                "id",
                "author",
                "organisation",
                "country",
                "country_code",
                "date",
                "language",
                "questions",
                "text",
                "cited_in"
            ]
        );
        let mut seen = BTreeSet::new();
        for row in reader.records() {
            let row = row.unwrap_or_else(|e| panic!("data/{d}.csv does not parse: {e}"));
            assert_eq!(
                row.len(),
                10,
                "data/{d}.csv: a row with {} fields",
                row.len()
            );
            let id = row[0].to_string();
            let (lang, answers) = expected
                .get(&id)
                .unwrap_or_else(|| panic!("data/{d}.csv: unknown reply {id}"));
            assert_eq!(&row[6], lang, "data/{d}.csv: language of {id}");
            let qs: Vec<String> = row[7].split(' ').map(String::from).collect();
            assert_eq!(&qs, answers, "data/{d}.csv: questions of {id}");
            let body = &row[8];
            assert!(
                body.len() > 40 && !body.contains('<') && !body.contains("&amp;"),
                "data/{d}.csv: text of {id} is not plain text: {body:.120}"
            );
            seen.insert(id);
        }
        assert_eq!(
            seen,
            expected.keys().cloned().collect::<BTreeSet<_>>(),
            "data/{d}.csv: the replies"
        );

        let json: serde_json::Value = serde_json::from_slice(
            &fs::read(out.join(format!("data/{d}.json"))).expect("JSON file"),
        )
        .unwrap_or_else(|e| panic!("data/{d}.json does not parse: {e}"));
        let replies = json["replies"].as_array().expect("replies array");
        assert_eq!(replies.len(), expected.len(), "data/{d}.json: reply count");
        for r in replies {
            let id = r["id"].as_str().expect("id");
            let (lang, answers) = &expected[id];
            assert_eq!(r["language"].as_str(), Some(lang.as_str()), "{id}");
            let qs: Vec<&str> = r["questions"]
                .as_array()
                .expect("questions")
                .iter()
                .filter_map(|q| q.as_str())
                .collect();
            assert_eq!(qs, *answers, "data/{d}.json: questions of {id}");
            assert!(r["text"].as_str().is_some_and(|t| t.len() > 40));
        }
    }
}

#[test]
fn each_overview_links_to_its_data_report_and_statistics() {
    let out = &plain().out;
    for d in DISCUSSIONS {
        for lang in LANGS {
            let rel = format!("{lang}/{d}/index.html");
            let doc = page(out, &rel);
            let targets: BTreeSet<String> = doc
                .select(&sel(".reader-tools a[href]"))
                .filter_map(|a| resolve(&rel, a.attr("href")?))
                .collect();
            for want in [
                format!("data/{d}.csv"),
                format!("data/{d}.json"),
                format!("{lang}/{d}/report/index.html"),
                format!("{lang}/{d}/statistics/index.html"),
            ] {
                assert!(
                    targets.contains(&want) && out.join(&want).is_file(),
                    "{rel}: no working link to {want} (links: {targets:?})"
                );
            }
        }
    }
}

// ------------------------------------------------------ feeds and discovery

#[test]
fn without_base_url_there_are_no_feeds_or_sitemap_and_a_warning_says_why() {
    let built = plain();
    assert!(
        built.run.stderr.contains("site.yaml") && built.run.stderr.contains("base_url"),
        "no warning about base_url naming site.yaml\n{}",
        built.run.describe()
    );
    let files = all_files(&built.out);
    let stray: Vec<&String> = files
        .iter()
        .filter(|f| f.ends_with(".xml") || f.as_str() == "robots.txt")
        .collect();
    assert!(
        stray.is_empty(),
        "feeds or sitemap without base_url: {stray:?}"
    );
    let doc = page(&built.out, "en/territorial-approach-2013/index.html");
    assert_eq!(
        doc.select(&sel("link[type=\"application/atom+xml\"]"))
            .count(),
        0,
        "a feed is announced but none exists"
    );
}

fn read_feed(out: &Path, rel: &str) -> atom_syndication::Feed {
    let bytes = fs::read(out.join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
    atom_syndication::Feed::read_from(&bytes[..])
        .unwrap_or_else(|e| panic!("{rel} is not an Atom feed: {e}"))
}

#[test]
fn discussion_feeds_list_every_reply_newest_first_with_absolute_links() {
    let out = &with_base().out;
    let truth = truth();
    for d in DISCUSSIONS {
        for lang in LANGS {
            let rel = format!("{lang}/{d}/feed.xml");
            let feed = read_feed(out, &rel);
            assert_eq!(feed.lang(), Some(lang), "{rel}: xml:lang");
            assert_eq!(feed.id(), format!("{BASE}/{rel}"), "{rel}: id");
            assert_eq!(
                feed.entries().len(),
                truth[d].len(),
                "{rel}: one entry per reply"
            );
            let dates: Vec<_> = feed.entries().iter().map(|e| *e.updated()).collect();
            assert!(
                dates.windows(2).all(|w| w[0] >= w[1]),
                "{rel}: entries are not newest first: {dates:?}"
            );
            for e in feed.entries() {
                let href = &e.links()[0].href;
                let local = href
                    .strip_prefix(&format!("{BASE}/"))
                    .unwrap_or_else(|| panic!("{rel}: entry link {href} is not under base_url"));
                assert!(
                    out.join(local).is_file(),
                    "{rel}: entry link {href} names no page"
                );
                assert!(
                    local.starts_with(&format!("{lang}/")),
                    "{rel}: entry link {href} leaves the feed's language"
                );
                let content = e.content().and_then(|c| c.value()).unwrap_or_default();
                assert!(!content.is_empty(), "{rel}: an entry without content");
            }
        }
    }
}

#[test]
fn question_feeds_hold_exactly_the_replies_to_their_question() {
    let out = &with_base().out;
    let truth = truth();
    for d in DISCUSSIONS {
        for (g, q) in questions(out, d) {
            let rel = format!("fr/{d}/week-{g}/question-{q}/feed.xml");
            let feed = read_feed(out, &rel);
            let got: BTreeSet<String> = feed
                .entries()
                .iter()
                .map(|e| {
                    e.links()[0]
                        .href
                        .rsplit_once('#')
                        .map(|(_, id)| id.to_string())
                        .unwrap_or_default()
                })
                .collect();
            let want: BTreeSet<String> = truth[d]
                .iter()
                .filter(|(_, (_, answers))| answers.contains(&format!("{g}.{q}")))
                .map(|(id, _)| id.clone())
                .collect();
            assert_eq!(got, want, "{rel}: the replies");
            let page_rel = format!("fr/{d}/week-{g}/question-{q}/index.html");
            let doc = page(out, &page_rel);
            let announced: Vec<String> = doc
                .select(&sel(
                    "link[rel=\"alternate\"][type=\"application/atom+xml\"]",
                ))
                .filter_map(|l| resolve(&page_rel, l.attr("href")?))
                .collect();
            assert!(
                announced.contains(&rel),
                "{page_rel} does not announce its feed {rel}: {announced:?}"
            );
        }
    }
}

/// `(loc, hreflang -> href)` of every `<url>` of a sitemap, read as XML.
fn sitemap_urls(xml: &str) -> Vec<(String, BTreeMap<String, String>)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut urls: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    let mut in_loc = false;
    loop {
        match reader.read_event().expect("sitemap.xml is well-formed XML") {
            Event::Start(e) if e.name().as_ref() == b"url" => {
                urls.push((String::new(), BTreeMap::new()))
            }
            Event::Start(e) if e.name().as_ref() == b"loc" => in_loc = true,
            Event::End(e) if e.name().as_ref() == b"loc" => in_loc = false,
            Event::Text(t) if in_loc => {
                let raw = t.decode().expect("UTF-8 text");
                let loc = quick_xml::escape::unescape(&raw).expect("known entities");
                urls.last_mut().expect("<loc> inside <url>").0 = loc.into_owned();
            }
            Event::Empty(e) if e.name().as_ref() == b"xhtml:link" => {
                let get = |name: &str| {
                    e.try_get_attribute(name)
                        .ok()
                        .flatten()
                        .and_then(|a| {
                            let raw = String::from_utf8(a.value.to_vec()).ok()?;
                            quick_xml::escape::unescape(&raw)
                                .ok()
                                .map(|v| v.into_owned())
                        })
                        .unwrap_or_default()
                };
                urls.last_mut()
                    .expect("<xhtml:link> inside <url>")
                    .1
                    .insert(get("hreflang"), get("href"));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    urls
}

#[test]
fn sitemap_lists_every_page_with_its_language_alternates_and_robots_points_to_it() {
    let out = &with_base().out;
    let xml = fs::read_to_string(out.join("sitemap.xml")).expect("sitemap.xml");
    let mut listed = BTreeSet::new();
    let mut problems = Vec::new();
    for (loc, alternates) in sitemap_urls(&xml) {
        let Some(rel) = loc.strip_prefix(&format!("{BASE}/")) else {
            problems.push(format!("{loc}: not under base_url"));
            continue;
        };
        listed.insert(rel.to_string());
        if rel == "index.html" {
            continue;
        }
        for lang in LANGS {
            let want = format!("{BASE}/{}", swap_lang(rel, lang));
            if alternates.get(lang) != Some(&want) {
                problems.push(format!(
                    "{rel}: hreflang {lang} should be {want}, is {:?}",
                    alternates.get(lang)
                ));
            }
        }
        if alternates.get("x-default") != Some(&format!("{BASE}/{}", swap_lang(rel, "en"))) {
            problems.push(format!("{rel}: x-default is not the English page"));
        }
    }
    let pages: BTreeSet<String> = html_files(out).into_iter().collect();
    let missing: Vec<_> = pages.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&pages).collect();
    assert!(
        problems.is_empty() && missing.is_empty() && extra.is_empty(),
        "sitemap.xml: {problems:#?}\nmissing pages: {missing:?}\nlisted but absent: {extra:?}"
    );
    let robots = fs::read_to_string(out.join("robots.txt")).expect("robots.txt");
    assert!(
        robots
            .lines()
            .any(|l| l == format!("Sitemap: {BASE}/sitemap.xml")),
        "robots.txt does not name the sitemap:\n{robots}"
    );
}

#[test]
fn every_page_has_a_description_and_open_graph_tags_in_its_language() {
    let out = &with_base().out;
    let mut problems = Vec::new();
    for rel in html_files(out) {
        let doc = page(out, &rel);
        let title = doc
            .select(&sel("title"))
            .next()
            .map(text_of)
            .unwrap_or_default();
        let description = meta(&doc, "name", "description");
        let og_description = meta(&doc, "property", "og:description");
        match description.as_slice() {
            [d] if (30..=200).contains(&d.chars().count()) && !title.starts_with(d.as_str()) => {}
            other => problems.push(format!("{rel}: description {other:?} (title {title:?})")),
        }
        if og_description != description {
            problems.push(format!("{rel}: og:description differs from description"));
        }
        if meta(&doc, "property", "og:title")
            .first()
            .is_none_or(|t| t.is_empty())
        {
            problems.push(format!("{rel}: no og:title"));
        }
        let lang = rel
            .split('/')
            .next()
            .filter(|l| LANGS.contains(l))
            .unwrap_or("en");
        let locale = meta(&doc, "property", "og:locale");
        if !locale
            .first()
            .is_some_and(|l| l.starts_with(&format!("{lang}_")))
        {
            problems.push(format!("{rel}: og:locale {locale:?}"));
        }
        if meta(&doc, "property", "og:url") != [format!("{BASE}/{rel}")] {
            problems.push(format!("{rel}: og:url"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_announced_feed_exists_and_is_in_the_pages_language() {
    let out = &with_base().out;
    let mut problems = Vec::new();
    let mut announced = 0;
    for rel in html_files(out) {
        let doc = page(out, &rel);
        for link in doc.select(&sel(
            "link[type=\"application/atom+xml\"], a[type=\"application/atom+xml\"]",
        )) {
            announced += 1;
            let href = link.attr("href").unwrap_or_default();
            match resolve(&rel, href) {
                Some(target) if out.join(&target).is_file() => {
                    if target.split('/').next() != rel.split('/').next() {
                        problems.push(format!("{rel}: feed {target} in another language"));
                    }
                }
                _ => problems.push(format!("{rel}: feed {href} does not exist")),
            }
        }
    }
    assert!(announced > 100, "only {announced} feed links found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn feeds_and_sitemap_are_the_same_bytes_on_every_build() {
    let first = &with_base().out;
    let again = build_sample("palabre-readers-again-", Some(BASE));
    let a = snapshot(first);
    let b = snapshot(&again.out);
    let differing: Vec<&String> = a
        .iter()
        .filter(|(k, v)| {
            (k.ends_with(".xml") || k.ends_with(".txt") || k.starts_with("data/"))
                && b.get(k.as_str()).map(Vec::as_slice) != Some(v.as_slice())
        })
        .map(|(k, _)| k)
        .collect();
    assert!(
        a.keys().any(|k| k.ends_with("feed.xml")),
        "no feed found: the comparison would be vacuous"
    );
    assert!(
        differing.is_empty(),
        "differ between two builds: {differing:?}"
    );
}

// --------------------------------------------------------------- statistics

/// The (label, number) rows of the table following the chart `id`.
fn stats_rows(doc: &scraper::Html, id: &str) -> Vec<(String, usize)> {
    let section = doc
        .select(&sel(&format!("section[aria-labelledby=\"{id}-heading\"]")))
        .next()
        .unwrap_or_else(|| panic!("no statistics section {id}"));
    section
        .select(&sel("tbody tr"))
        .map(|tr| {
            let label = tr
                .select(&sel("th"))
                .next()
                .map(text_of)
                .unwrap_or_default();
            let n = tr
                .select(&sel("td"))
                .next()
                .map(text_of)
                .and_then(|t| t.parse().ok())
                .unwrap_or_else(|| panic!("{id}: a row without a number"));
            (label, n)
        })
        .collect()
}

#[test]
fn statistics_count_replies_per_language_and_question_as_accessible_charts_and_tables() {
    let out = &plain().out;
    let truth = truth();
    let names = [("en", "English"), ("fr", "French"), ("es", "Spanish")];
    for d in DISCUSSIONS {
        let rel = format!("en/{d}/statistics/index.html");
        let text = fs::read_to_string(out.join(&rel)).expect("statistics page");
        assert!(
            !text.contains(" style="),
            "{rel}: an inline style attribute (the CSP blocks it)"
        );
        let doc = page(out, &rel);
        let ids: BTreeSet<&str> = doc
            .select(&sel("[id]"))
            .filter_map(|e| e.attr("id"))
            .collect();
        let charts: Vec<_> = doc.select(&sel("svg[role=\"img\"]")).collect();
        assert_eq!(
            charts.len(),
            4,
            "{rel}: charts by language, country, question, week"
        );
        for svg in &charts {
            let labelled = svg.attr("aria-labelledby").unwrap_or_default();
            for id in labelled.split_whitespace() {
                assert!(
                    ids.contains(id),
                    "{rel}: aria-labelledby names a missing id {id}"
                );
            }
            let title = svg
                .select(&sel("title"))
                .next()
                .map(text_of)
                .unwrap_or_default();
            let desc = svg
                .select(&sel("desc"))
                .next()
                .map(text_of)
                .unwrap_or_default();
            assert!(
                !title.is_empty() && desc.contains(':'),
                "{rel}: chart without title or text alternative"
            );
            assert_eq!(
                svg.select(&sel("rect")).count(),
                desc.split("; ").count(),
                "{rel}: one bar per item of the text alternative"
            );
        }

        let mut want_lang: BTreeMap<String, usize> = BTreeMap::new();
        for (lang, _) in truth[d].values() {
            let name = names
                .iter()
                .find(|(c, _)| c == lang)
                .map(|(_, n)| *n)
                .unwrap_or("?");
            *want_lang.entry(name.to_string()).or_default() += 1;
        }
        let got_lang: BTreeMap<String, usize> =
            stats_rows(&doc, "by-language").into_iter().collect();
        assert_eq!(got_lang, want_lang, "{rel}: replies per language");

        let got_q: BTreeMap<String, usize> = stats_rows(&doc, "by-question")
            .into_iter()
            .map(|(label, n)| (label.split(' ').next().unwrap_or_default().to_string(), n))
            .collect();
        for (g, q) in questions(out, d) {
            let id = format!("{g}.{q}");
            let want = truth[d].values().filter(|(_, a)| a.contains(&id)).count();
            assert_eq!(got_q.get(&id), Some(&want), "{rel}: replies to {id}");
        }

        let countries: usize = stats_rows(&doc, "by-country").iter().map(|r| r.1).sum();
        assert_eq!(
            countries,
            truth[d].len(),
            "{rel}: every reply counted once by country"
        );
    }
}

/// Every `<svg>` chart of a statistics page must keep its text inside the
/// drawing and readable: labels wrapped to at most two lines, each line
/// starting at the left edge, every line below the top and above the bottom,
/// each bar's tooltip holding the full label of its table row.
#[test]
fn statistics_charts_keep_every_label_inside_the_drawing_with_the_full_text_at_hand() {
    let out = &plain().out;
    let mut cut = 0;
    for d in DISCUSSIONS {
        for lang in LANGS {
            let rel = format!("{lang}/{d}/statistics/index.html");
            let doc = page(out, &rel);
            for section in doc.select(&sel("section.stats")) {
                let svg = section
                    .select(&sel("svg.chart"))
                    .next()
                    .unwrap_or_else(|| panic!("{rel}: a section without a chart"));
                let view: Vec<f64> = svg
                    .attr("viewBox")
                    .unwrap_or_default()
                    .split(' ')
                    .filter_map(|n| n.parse().ok())
                    .collect();
                assert_eq!(view.len(), 4, "{rel}: viewBox");
                let (width, height) = (view[2], view[3]);
                let font: f64 = svg
                    .attr("font-size")
                    .and_then(|f| f.parse().ok())
                    .unwrap_or_else(|| panic!("{rel}: a chart without its font size"));
                // The drawing is narrow for its text: scaled down to the
                // width of a phone's column (358 px at 390 px), text stays
                // above 12 px.
                assert!(
                    font * 358.0 / width >= 12.0,
                    "{rel}: {font} units in a drawing {width} wide"
                );
                let rows: Vec<String> = section.select(&sel("tbody th")).map(text_of).collect();
                let groups: Vec<_> = svg.select(&sel("g")).collect();
                assert_eq!(groups.len(), rows.len(), "{rel}: one bar per row");
                for (g, row) in groups.iter().zip(&rows) {
                    let title = g.select(&sel("title")).next().map(text_of);
                    assert!(
                        title
                            .as_deref()
                            .is_some_and(|t| t.starts_with(&format!("{row}: "))),
                        "{rel}: the tooltip of {row:?} is {title:?}"
                    );
                    let label = g
                        .select(&sel("text.chart-label"))
                        .next()
                        .unwrap_or_else(|| panic!("{rel}: {row:?} has no label"));
                    let lines: Vec<_> = label.select(&sel("tspan")).collect();
                    assert!(
                        (1..=2).contains(&lines.len()),
                        "{rel}: {row:?} drawn on {} lines",
                        lines.len()
                    );
                    let mut drawn = String::new();
                    for line in &lines {
                        let x: f64 = line.attr("x").and_then(|x| x.parse().ok()).unwrap_or(-1.0);
                        let y: f64 = line.attr("y").and_then(|y| y.parse().ok()).unwrap_or(-1.0);
                        assert!(x == 0.0, "{rel}: {row:?} starts at x={x}");
                        assert!(
                            y >= font * 0.8 && y <= height,
                            "{rel}: a line of {row:?} at y={y}, outside 0..{height}"
                        );
                        if !drawn.is_empty() {
                            drawn.push(' ');
                        }
                        drawn.push_str(&text_of(*line));
                    }
                    match drawn.strip_suffix('…') {
                        Some(start) => {
                            cut += 1;
                            assert!(
                                row.starts_with(start.trim_end()),
                                "{rel}: {drawn:?} is not the start of {row:?}"
                            );
                        }
                        None => assert_eq!(&drawn, row, "{rel}: label"),
                    }
                    for t in g.select(&sel("text")) {
                        let y: f64 = t
                            .attr("y")
                            .or_else(|| t.select(&sel("tspan")).last()?.attr("y"))
                            .and_then(|y| y.parse().ok())
                            .unwrap_or(-1.0);
                        assert!(y > 0.0 && y <= height, "{rel}: text at y={y}");
                    }
                    for r in g.select(&sel("rect")) {
                        let at = |a: &str| -> f64 {
                            r.attr(a).and_then(|v| v.parse().ok()).unwrap_or(-1.0)
                        };
                        assert!(
                            at("x") >= 0.0
                                && at("x") + at("width") <= width
                                && at("y") + at("height") <= height,
                            "{rel}: bar of {row:?} outside the drawing"
                        );
                    }
                }
            }
        }
    }
    assert!(
        cut > 0,
        "no label of the sample is long enough to be cut: the check is vacuous"
    );
}

// ---------------------------------------------------------------- countries

/// A site whose replies name Spain in four ways, the United Kingdom in
/// French, a place palabre does not know, and no country.
fn countries_site() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = scratch_dir("palabre-readers-countries-");
        let content = dir.path().join("content");
        let d = content.join("countries");
        fs::create_dir_all(d.join("replies")).expect("create folders");
        fs::write(content.join("site.yaml"), FIXTURE_SITE_YAML).expect("write site.yaml");
        fs::write(d.join("_discussion.md"), FIXTURE_DISCUSSION).expect("write discussion");
        let replies = [
            ("a", "Ana", Some("España")),
            ("b", "Bea", Some("ES")),
            ("c", "Carl", Some("  spain ")),
            ("d", "Dora", Some("esp")),
            ("e", "Emil", Some("Atlantis")),
            ("f", "Fay", Some("Royaume-Uni")),
            ("g", "Gus", None),
        ];
        for (id, author, country) in replies {
            let country = country.map_or(String::new(), |c| format!("country: \"{c}\"\n"));
            fs::write(
                d.join("replies").join(format!("{id}.md")),
                format!("---\nauthor: \"{author}\"\n{country}lang: en\nanswers: [\"1.1\"]\n---\nA reply about local development and its policies.\n"),
            )
            .expect("write reply");
        }
        let out = dir.path().join("site");
        let run = build(&content, &out, &["--themes", THEMES]);
        assert!(run.status.success(), "build failed\n{}", run.describe());
        Built {
            _dir: dir,
            out,
            run,
        }
    })
}

/// Author -> country as shown on every reply card of the pages in `lang`.
fn countries_shown(out: &Path, lang: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut shown: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for rel in html_files(out)
        .iter()
        .filter(|p| p.starts_with(&format!("{lang}/")))
    {
        let doc = page(out, rel);
        for card in doc.select(&sel("article.reply")) {
            let author = card.select(&sel(".reply-author")).next().map(text_of);
            let country = card.select(&sel(".country")).next().map(text_of);
            if let Some(author) = author {
                shown
                    .entry(author)
                    .or_default()
                    .insert(country.unwrap_or_default());
            }
        }
    }
    shown
}

#[test]
fn a_country_is_shown_in_the_page_language_whatever_language_or_code_it_is_written_in() {
    let out = &countries_site().out;
    let want = [
        ("en", ["Spain", "United Kingdom", "Atlantis"]),
        ("fr", ["Espagne", "Royaume-Uni", "Atlantis"]),
        ("es", ["España", "Reino Unido", "Atlantis"]),
    ];
    for (lang, [spain, uk, unknown]) in want {
        let shown = countries_shown(out, lang);
        for author in ["Ana", "Bea", "Carl", "Dora"] {
            assert_eq!(
                shown.get(author).map(|s| s.iter().collect::<Vec<_>>()),
                Some(vec![&spain.to_string()]),
                "{lang}: {author}'s country"
            );
        }
        assert_eq!(shown["Fay"].iter().collect::<Vec<_>>(), [uk], "{lang}");
        assert_eq!(
            shown["Emil"].iter().collect::<Vec<_>>(),
            [unknown],
            "{lang}"
        );
        assert_eq!(shown["Gus"].iter().collect::<Vec<_>>(), [""], "{lang}");

        // Statistics count Spain once, under its name in the page's language.
        let stats = html_files(out)
            .into_iter()
            .find(|p| p.starts_with(&format!("{lang}/")) && p.ends_with("statistics/index.html"))
            .expect("a statistics page");
        let rows = stats_rows(&page(out, &stats), "by-country");
        let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(rows[0], (spain.to_string(), 4), "{stats}: {rows:?}");
        assert!(
            labels.contains(&uk) && labels.contains(&unknown),
            "{stats}: {rows:?}"
        );
        assert_eq!(
            rows.iter().map(|r| r.1).sum::<usize>(),
            7,
            "{stats}: {rows:?}"
        );

        // The report's contributors too.
        let report = html_files(out)
            .into_iter()
            .find(|p| p.starts_with(&format!("{lang}/")) && p.ends_with("report/index.html"))
            .expect("a report");
        let contributors = page(out, &report)
            .select(&sel(".contributors li"))
            .map(text_of)
            .collect::<Vec<_>>();
        assert!(
            contributors.iter().any(|c| c == &format!("Bea ({spain})")),
            "{report}: {contributors:?}"
        );
    }
}

#[test]
fn open_data_keeps_the_country_as_written_beside_its_code() {
    let out = &countries_site().out;
    let text = fs::read_to_string(out.join("data/countries.csv")).expect("CSV file");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (author, country, code) = (col("author"), col("country"), col("country_code"));
    let rows: BTreeMap<String, (String, String)> = reader
        .records()
        .map(|r| {
            let r = r.expect("CSV row");
            (
                r[author].to_string(),
                (r[country].to_string(), r[code].to_string()),
            )
        })
        .collect();
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(rows["Ana"], pair("España", "ES"));
    assert_eq!(rows["Bea"], pair("ES", "ES"));
    assert_eq!(rows["Dora"], pair("esp", "ES"));
    assert_eq!(rows["Emil"], pair("Atlantis", ""));
    assert_eq!(rows["Fay"], pair("Royaume-Uni", "GB"));
    assert_eq!(rows["Gus"], pair("", ""));

    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("data/countries.json")).expect("JSON"))
            .expect("JSON parses");
    let replies = json["replies"].as_array().expect("replies");
    let by_author = |a: &str| {
        replies
            .iter()
            .find(|r| r["author"] == a)
            .unwrap_or_else(|| panic!("no reply by {a}"))
    };
    assert_eq!(by_author("Ana")["country"], "España");
    assert_eq!(by_author("Ana")["country_code"], "ES");
    assert!(by_author("Emil")["country_code"].is_null());
}

#[test]
fn search_finds_a_reply_by_its_country_named_in_another_language() {
    let out = &countries_site().out;
    // "Spain" written, "Espagne" searched.
    let results = search_results(out, "fr/search/index.html", "q=espagne");
    let authors: BTreeSet<String> = results
        .iter()
        .map(|f| {
            page(out, &f.target)
                .select(&sel(".reply-author"))
                .next()
                .map(text_of)
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        authors,
        BTreeSet::from(["Ana", "Bea", "Carl", "Dora"].map(String::from)),
        "{results:?}"
    );
}

// ----------------------------------------------------------------- report

#[test]
fn report_has_contents_every_question_every_reply_and_the_contributors() {
    let out = &plain().out;
    let truth = truth();
    for d in DISCUSSIONS {
        for lang in LANGS {
            let rel = format!("{lang}/{d}/report/index.html");
            let doc = page(out, &rel);
            let ids: BTreeSet<&str> = doc
                .select(&sel("[id]"))
                .filter_map(|e| e.attr("id"))
                .collect();
            let toc: Vec<String> = doc
                .select(&sel(".report-toc a[href^=\"#\"]"))
                .filter_map(|a| a.attr("href").map(|h| h[1..].to_string()))
                .collect();
            for (g, q) in questions(out, d) {
                let anchor = format!("q-{g}-{q}");
                assert!(
                    toc.contains(&anchor),
                    "{rel}: the contents do not list question {g}.{q}"
                );
                assert!(
                    ids.contains(anchor.as_str()),
                    "{rel}: no heading for question {g}.{q}"
                );
            }
            for a in &toc {
                assert!(
                    ids.contains(a.as_str()),
                    "{rel}: contents link #{a} leads nowhere"
                );
            }
            // Every reply is in the document, under each question it answers,
            // marked with its language.
            for (id, (reply_lang, answers)) in &truth[d] {
                for qid in answers {
                    let anchor = format!("q-{}-{id}", qid.replace('.', "-"));
                    let found: Vec<_> = doc
                        .select(&sel(&format!("article[id=\"{anchor}\"]")))
                        .collect();
                    assert!(
                        found.len() == 1 && found[0].attr("lang") == Some(reply_lang.as_str()),
                        "{rel}: reply {id} under question {qid} (lang {reply_lang}): found {}",
                        found.len()
                    );
                }
            }
            let contributors = doc
                .select(&sel("#contributors ~ .contributors li"))
                .map(text_of)
                .collect::<Vec<_>>()
                .join("\n");
            let authors: BTreeSet<String> = doc
                .select(&sel("article.reply .reply-author"))
                .map(text_of)
                .filter(|a| !["Anonymous", "Anonyme", "Anónimo"].contains(&a.as_str()))
                .collect();
            assert!(!authors.is_empty(), "{rel}: no signed reply found");
            for a in authors {
                assert!(
                    contributors.contains(&a),
                    "{rel}: {a} missing from the contributors"
                );
            }
        }
    }
}

/// Runs a command that the test needs; a missing tool is a failure that says
/// how to install it, never a skip.
fn run_tool(cmd: &mut Command, install: &str) -> std::process::Output {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!(
            "cannot run {:?} ({e}); install it: {install}",
            cmd.get_program()
        )
    });
    assert!(
        out.status.success(),
        "{:?} failed: {}\n{}",
        cmd.get_program(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn report_prints_to_a_multi_page_pdf_with_contents_and_every_question() {
    let out = &plain().out;
    let d = "territorial-approach-2013";
    let report = out.join(format!("en/{d}/report/index.html"));
    let tmp = tempfile::tempdir().expect("temporary folder");
    let pdf = tmp.path().join("report.pdf");
    let install = "apt-get install -y chromium poppler-utils";
    run_tool(
        Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
            ])
            .arg(format!(
                "--user-data-dir={}",
                tmp.path().join("profile").display()
            ))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", report.display())),
        install,
    );
    let info =
        String::from_utf8_lossy(&run_tool(Command::new("pdfinfo").arg(&pdf), install).stdout)
            .into_owned();
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo gives no page count:\n{info}"));
    let qs = questions(out, d);
    // Each question starts a page, after the cover and contents.
    assert!(
        pages > qs.len(),
        "the PDF has {pages} pages for {} questions",
        qs.len()
    );
    let text = String::from_utf8_lossy(
        &run_tool(
            Command::new("pdftotext")
                .args(["-layout"])
                .arg(&pdf)
                .arg("-"),
            install,
        )
        .stdout,
    )
    .into_owned();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Contents"), "no table of contents in the PDF");
    assert!(
        flat.contains("Contributors"),
        "no contributors list in the PDF"
    );
    for (g, q) in qs {
        assert!(
            flat.contains(&format!("Question {g}.{q}")),
            "the PDF has no heading for question {g}.{q}"
        );
    }
    // No navigation on paper.
    assert!(
        !flat.contains("Skip to content"),
        "the skip link is printed"
    );
}

// ------------------------------------------------------- language filter

#[test]
fn consolidated_pages_offer_a_language_filter_that_needs_javascript_to_show() {
    let out = &plain().out;
    let rel = "fr/territorial-approach-2013/week-1/question-1/index.html";
    let doc = page(out, rel);
    let filter = doc
        .select(&sel("fieldset.lang-filter"))
        .next()
        .unwrap_or_else(|| panic!("{rel}: no language filter"));
    assert!(
        filter.attr("hidden").is_some(),
        "{rel}: the filter shows without JavaScript"
    );
    let values: BTreeSet<&str> = filter
        .select(&sel("input[type=\"radio\"]"))
        .filter_map(|i| i.attr("value"))
        .collect();
    let langs: BTreeSet<&str> = doc
        .select(&sel("article.reply"))
        .filter_map(|a| a.attr("lang"))
        .chain(["all"])
        .collect();
    assert_eq!(
        values, langs,
        "{rel}: one choice per language of the replies, and all"
    );
    let script = doc
        .select(&sel("script[src]"))
        .filter_map(|s| resolve(rel, s.attr("src")?))
        .find(|s| s.ends_with("filter.js"))
        .unwrap_or_else(|| panic!("{rel}: filter.js not loaded"));
    let js = fs::read_to_string(out.join(&script)).expect("filter.js");
    assert!(js.contains("hidden") && !js.contains("innerHTML"));
    let report = page(out, "fr/territorial-approach-2013/report/index.html");
    assert_eq!(
        report.select(&sel("fieldset.lang-filter")).count(),
        1,
        "report: no language filter"
    );
}

// ------------------------------------------------------------------ search

/// The DOM of `rel?query` after its scripts ran, from headless Chromium.
fn dom_after_scripts(out: &Path, rel: &str, query: &str) -> scraper::Html {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let url = format!("file://{}?{query}", out.join(rel).display());
    let output = run_tool(
        Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                // Lets the index files load before the DOM is taken.
                "--virtual-time-budget=10000",
                "--dump-dom",
            ])
            .arg(format!(
                "--user-data-dir={}",
                tmp.path().join("profile").display()
            ))
            .arg(&url),
        "apt-get install -y chromium",
    );
    scraper::Html::parse_document(&String::from_utf8_lossy(&output.stdout))
}

/// A search result: the page it leads to, its language badge, the passage
/// shown and the words marked in it.
#[derive(Debug)]
struct Found {
    target: String,
    lang: String,
    snippet: String,
    marked: Vec<String>,
}

/// Every search result of `rel?query`.
fn search_results(out: &Path, rel: &str, query: &str) -> Vec<Found> {
    let doc = dom_after_scripts(out, rel, query);
    doc.select(&sel(".search-results > li"))
        .map(|li| {
            let href = li
                .select(&sel("a.result-title"))
                .next()
                .and_then(|a| a.attr("href"))
                .unwrap_or_default();
            let snippet = li.select(&sel(".result-snippet")).next();
            Found {
                target: resolve(rel, href).unwrap_or_default(),
                lang: li.attr("lang").unwrap_or_default().to_string(),
                snippet: snippet.map(text_of).unwrap_or_default(),
                marked: snippet
                    .map(|p| p.select(&sel("mark")).map(text_of).collect())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// `text` with runs of whitespace as one space, and the "…" that mark a
/// passage's cut ends taken off.
fn passage_text(snippet: &str) -> String {
    snippet
        .trim_start_matches("… ")
        .trim_end_matches(" …")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of a reply page's article.
fn reply_text(out: &Path, rel: &str) -> String {
    page(out, rel)
        .select(&sel("article.reply"))
        .next()
        .map(text_of)
        .unwrap_or_default()
        .to_lowercase()
}

#[test]
fn search_finds_a_french_reply_by_an_unaccented_word_from_disk() {
    let out = &plain().out;
    let results = search_results(out, "fr/search/index.html", "q=developpement");
    assert!(!results.is_empty(), "no result for \"developpement\"");
    let mut french = 0;
    let mut deep = 0;
    for Found {
        target,
        lang,
        snippet,
        marked,
    } in &results
    {
        assert!(
            target.starts_with("fr/") && out.join(target).is_file(),
            "result {target} is not a page in the reader's language"
        );
        assert!(!snippet.is_empty(), "{target}: no snippet");
        // The passage shows the word found, marked, accents and all.
        assert!(
            !marked.is_empty()
                && marked
                    .iter()
                    .all(|m| palabre::extras::search::fold(m).starts_with("developp")),
            "{target}: marked {marked:?} in {snippet:?}"
        );
        if lang == "fr" && target.contains("/replies/") {
            french += 1;
            let text = reply_text(out, target);
            assert!(
                text.contains("développement") || text.contains("développ"),
                "{target} does not hold the word searched for"
            );
            assert!(
                marked.iter().any(|m| m.contains('é')),
                "{target}: the French form is not what is marked: {marked:?}"
            );
            // The passage is the reply's own text, from where the word is
            // (letters and digits compared: the page and the passage break
            // paragraphs and lists differently).
            let letters =
                |t: &str| -> String { t.chars().filter(|c| c.is_alphanumeric()).collect() };
            let passage = letters(&passage_text(snippet).to_lowercase());
            assert!(
                letters(&text).contains(&passage),
                "{target}: {passage:?} is not in the reply"
            );
            if snippet.starts_with('…') {
                deep += 1;
            }
        }
    }
    assert!(french > 0, "no French reply found: {results:?}");
    assert!(
        deep > 0,
        "every passage is the start of its reply, none where the word is: {results:?}"
    );
}

#[test]
fn search_finds_an_english_reply_by_an_inflected_form_and_filters_by_language() {
    let out = &plain().out;
    // "policies": the stem is "polici", shared with "policy".
    let all = search_results(out, "en/search/index.html", "q=policies");
    let english = search_results(out, "en/search/index.html", "q=policies&lang=en");
    assert!(!english.is_empty(), "no English result for \"policies\"");
    assert!(
        english.iter().all(|f| f.lang == "en"),
        "the language filter lets other languages through: {english:?}"
    );
    assert!(all.len() >= english.len());
    let inflected: Vec<&Found> = english
        .iter()
        .filter(|f| {
            let text = reply_text(out, &f.target);
            text.contains("policy") && !text.contains("policies")
        })
        .collect();
    assert!(
        !inflected.is_empty(),
        "no English result holds \"policy\" without \"policies\": stemming did not apply"
    );
    // There, the other form of the word is what is marked.
    for f in inflected {
        assert!(
            f.marked.iter().any(|m| m.eq_ignore_ascii_case("policy")),
            "{}: marked {:?} in {:?}",
            f.target,
            f.marked,
            f.snippet
        );
    }
    let none = search_results(out, "en/search/index.html", "q=zzyzxqk");
    assert!(none.is_empty(), "results for a word no text holds");
}

/// The sample site with its first discussion given `n` replies made of the
/// sample's words: the search index of a large site, without writing files.
/// Replies are undated, or dated `per_day` a day from 1 March 2024 (reply
/// `i` on day `i / per_day`).
fn big_site(n: usize, per_day: Option<usize>) -> palabre::model::Site {
    let (site, diags) = palabre::content::load(Path::new(SAMPLE_CONTENT));
    let mut site = site.unwrap_or_else(|| panic!("the sample does not load: {diags:?}"));
    // The words of every sample reply, in order: drawing from this stream
    // keeps the frequencies of real replies (many "de", few "cofinancement").
    let words: Vec<String> = site
        .discussions
        .iter()
        .flat_map(|d| &d.replies)
        .flat_map(|r| {
            palabre::util::text::plain_text(&r.html_for(None).expect("texts"))
                .split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect();
    let mut seed: u64 = 42;
    let mut next = move || {
        // A fixed linear congruential generator: the same site on every run.
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let langs = [
        palabre::lang::Lang::EN,
        palabre::lang::Lang::FR,
        palabre::lang::Lang::ES,
    ];
    let d = &mut site.discussions[0];
    let template = &d.replies[0];
    let (source, answers, lang_source) = (
        template.source.clone(),
        template.answers.clone(),
        template.lang_source,
    );
    let replies: Vec<palabre::model::Reply> = (0..n)
        .map(|i| {
            let mut body = String::from("<p>");
            for _ in 0..180 {
                body.push_str(&words[next() % words.len()]);
                body.push(' ');
            }
            // Names and places grow the vocabulary as a real site's would.
            body.push_str(&format!("Contact: Person{i} of Town{}.</p>", i % 997));
            palabre::model::Reply {
                id: format!("{i:05}"),
                source: source.clone(),
                author: Some(format!("Person {i}")),
                organisation: None,
                country: Some(format!("Country {}", i % 40)),
                date: per_day.and_then(|k| {
                    chrono::NaiveDate::from_ymd_opt(2024, 3, 1)?
                        .checked_add_days(chrono::Days::new((i / k) as u64))
                }),
                answers: answers.clone(),
                lang: langs[i % 3],
                lang_source,
                texts: palabre::store::hold(
                    &palabre::model::Texts {
                        text: palabre::util::text::plain_text(&body),
                        html: body,
                        parts: Vec::new(),
                    },
                    &source,
                ),
                links: Vec::new(),
            }
        })
        .collect();
    d.replies = replies;
    site.discussions.truncate(1);
    site
}

#[test]
fn one_query_downloads_less_than_300_kb_at_10000_replies() {
    let site = big_site(10_000, None);
    let files: BTreeMap<String, usize> = palabre::extras::search::files(&site, None)
        .expect("search files")
        .into_iter()
        .map(|f| (f.path, f.bytes.len()))
        .collect();
    let texts: Vec<usize> = search_texts(&site).values().map(Vec::len).collect();
    let per_file = palabre::extras::search::TEXTS_PER_FILE;
    assert_eq!(
        texts.len(),
        10_000usize.div_ceil(per_file) + summaries(&site),
        "the texts of undated replies in files of {per_file}, a summary alone"
    );
    let manifest = files["search/index.js"];
    let shards: Vec<&str> = files
        .keys()
        .filter_map(|p| p.strip_prefix("search/t-")?.strip_suffix(".js"))
        .collect();
    // Frequent words in every language, and rarer ones.
    let mut worst = (0, String::new());
    for query in [
        "de la des migration",
        "the and of development",
        "los desarrollo local",
        "cooperation decentralisee",
        "communities",
        "person9999",
    ] {
        let mut bytes = manifest;
        for word in query.split(' ') {
            bytes += shards
                .iter()
                .filter(|p| word.starts_with(**p))
                .map(|p| files[&format!("search/t-{p}.js")])
                .sum::<usize>();
        }
        // The first page of results: at most 10 document files, and the
        // texts of 10 documents.
        bytes += files
            .iter()
            .filter(|(p, _)| p.starts_with("search/d-"))
            .map(|(_, n)| *n)
            .max()
            .unwrap_or(0)
            * 10;
        bytes += texts.iter().max().copied().unwrap_or(0) * 10;
        if bytes > worst.0 {
            worst = (bytes, query.to_string());
        }
    }
    let total: usize = files
        .iter()
        .filter(|(p, _)| p.starts_with("search/"))
        .map(|(_, n)| n)
        .sum();
    println!(
        "search index at 10,000 replies: {} files, {total} bytes in all, and {} text files of {} bytes; worst query {:?}: {} bytes",
        files.len(),
        texts.len(),
        texts.iter().sum::<usize>(),
        worst.1,
        worst.0
    );
    assert!(
        worst.0 < 300 * 1024,
        "query {:?} downloads {} bytes (index {total} bytes in all)",
        worst.1,
        worst.0
    );
    assert!(
        total > 1024 * 1024,
        "the index is suspiciously small: {total} bytes"
    );
}

/// The number of summaries of a site (each a search document).
fn summaries(site: &palabre::model::Site) -> usize {
    site.discussions
        .iter()
        .flat_map(|d| d.summaries.values())
        .map(BTreeMap::len)
        .sum()
}

/// Every document's text file, by path.
fn search_texts(site: &palabre::model::Site) -> BTreeMap<String, Vec<u8>> {
    site.discussions
        .iter()
        .flat_map(|d| {
            palabre::extras::search::text_files(d)
                .unwrap_or_else(|_| panic!("text files of {}", d.slug))
        })
        .map(|f| (f.path, f.bytes))
        .collect()
}

/// Every search file by path.
fn search_files(site: &palabre::model::Site) -> BTreeMap<String, Vec<u8>> {
    palabre::extras::search::files(site, None)
        .expect("search files")
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect()
}

#[test]
fn a_new_reply_changes_one_document_file_and_only_the_shards_of_its_words() {
    // 2,000 replies, 40 a day; the new one is the last of day 25 (reply
    // 1039), in the middle of the discussion, as a reply arriving late.
    let site_after = big_site(2_000, Some(40));
    let mut site_before = big_site(2_000, Some(40));
    let new = site_before.discussions[0].replies.remove(1039);
    let (before, after) = (search_files(&site_before), search_files(&site_after));
    let changed: Vec<&String> = after
        .iter()
        .filter(|&(path, bytes)| before.get(path) != Some(bytes))
        .map(|(path, _)| path)
        .chain(before.keys().filter(|path| !after.contains_key(*path)))
        .collect();
    let docs: Vec<&&String> = changed
        .iter()
        .filter(|p| p.starts_with("search/d-"))
        .collect();
    assert_eq!(docs.len(), 1, "document files changed: {docs:?}");
    let key = format!("{}/replies/{}", site_after.discussions[0].slug, new.id);
    assert!(
        String::from_utf8_lossy(&after[docs[0].as_str()]).contains(&format!("\"{key}")),
        "{} does not hold the new reply",
        docs[0]
    );
    // Its text joins the last text file of its day, the only one that
    // changes; the others are unchanged.
    let (texts_before, texts_after) = (search_texts(&site_before), search_texts(&site_after));
    let new_texts: Vec<&String> = texts_after
        .iter()
        .filter(|&(path, bytes)| texts_before.get(path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(new_texts.len(), 1, "text files changed: {new_texts:?}");
    let js = String::from_utf8_lossy(&texts_after[new_texts[0]]);
    let text = new.text().expect("text");
    assert!(
        js.contains(&format!(
            ",{});\n",
            serde_json::to_string(&text).expect("JSON")
        )),
        "{js:.200}"
    );
    assert_eq!(texts_before.len(), texts_after.len());
    // Forty replies a day, in files of TEXTS_PER_FILE; a summary alone.
    let per_file = palabre::extras::search::TEXTS_PER_FILE;
    assert_eq!(
        texts_after.len(),
        2_000usize.div_ceil(40) * 40usize.div_ceil(per_file) + summaries(&site_after)
    );
    // A shard changes only if it holds one of the new reply's words (its
    // text, author and country are indexed).
    let indexed = [
        &new.text().expect("text").to_string(),
        &new.author.unwrap_or_default(),
        &new.country.unwrap_or_default(),
    ];
    let words: BTreeSet<String> = indexed
        .iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        .map(palabre::extras::search::fold)
        .filter(|w| w.len() >= 2)
        .collect();
    let shards: Vec<&&String> = changed
        .iter()
        .filter(|p| p.starts_with("search/t-"))
        .collect();
    let all_shards = after.keys().filter(|p| p.starts_with("search/t-")).count();
    for shard in &shards {
        let prefix = &shard["search/t-".len()..shard.len() - ".js".len()];
        assert!(
            words.iter().any(|w| w.starts_with(prefix)),
            "{shard} changed but holds none of the new reply's words"
        );
    }
    assert!(
        shards.len() <= words.len() && shards.len() < all_shards,
        "{} of {all_shards} shards changed for a reply of {} words",
        shards.len(),
        words.len()
    );
}

#[test]
fn an_index_updated_from_the_previous_build_equals_one_made_from_scratch() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let saved = dir.path().join("search-index.bin");
    let files = |site: &palabre::model::Site, saved: Option<&Path>| -> BTreeMap<String, Vec<u8>> {
        palabre::extras::search::files(site, saved)
            .expect("search files")
            .into_iter()
            .map(|f| (f.path, f.bytes))
            .collect()
    };
    let first = big_site(1_000, Some(40));
    let _ = files(&first, Some(&saved));
    // A reply removed, one added (last of its day) and one edited with a new word.
    let mut next = big_site(1_000, Some(40));
    let replies = &mut next.discussions[0].replies;
    replies.remove(10);
    let mut added = big_site(1_001, Some(40));
    replies.push(added.discussions[0].replies.remove(1_000));
    let edited = &mut replies[500];
    edited.texts = palabre::store::hold(
        &palabre::model::Texts {
            html: edited.html_for(None).expect("html"),
            text: format!("{} Quetzalcoatl", edited.text().expect("text")),
            parts: Vec::new(),
        },
        &edited.source,
    );
    edited.author = Some("Someone Else".to_string());
    let updated = files(&next, Some(&saved));
    assert_eq!(
        updated,
        files(&next, None),
        "updated index differs from a fresh one"
    );
    assert!(
        String::from_utf8_lossy(&updated["search/t-q.js"]).contains("\"quetzalcoatl\""),
        "the edited reply's new word is not indexed"
    );
    // And back: the removed reply returns, the new word goes.
    let back = files(&first, Some(&saved));
    assert_eq!(
        back,
        files(&first, None),
        "index updated back differs from a fresh one"
    );
    assert!(!String::from_utf8_lossy(&back["search/t-q.js"]).contains("quetzalcoatl"));
}
