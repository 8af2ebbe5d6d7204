//! Incremental builds: a rebuild after a change gives exactly the site a clean
//! build gives, renders only what depends on the change, and leaves every
//! other file untouched (same modification time), so a sync uploads only
//! what changed.

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

fn palabre(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_palabre"))
        .args(args)
        .output()
        .expect("run palabre");
    assert!(
        out.status.success(),
        "palabre {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn build(content: &Path, output: &Path) -> String {
    build_with_themes(content, output, Path::new(common::THEMES))
}

/// Builds and returns the summary line.
fn build_with_themes(content: &Path, output: &Path, themes: &Path) -> String {
    let out = palabre(&[
        "build",
        "--content",
        content.to_str().expect("utf-8 path"),
        "--output",
        output.to_str().expect("utf-8 path"),
        "--themes",
        themes.to_str().expect("utf-8 path"),
    ]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file under `dir`: relative path -> (bytes, modification time).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let meta = fs::metadata(&path).expect("metadata");
                let rel = path.strip_prefix(dir).expect("inside").to_path_buf();
                let bytes = fs::read(&path).expect("read");
                files.insert(rel, (bytes, meta.modified().expect("mtime")));
            }
        }
    }
    files
}

/// Builds `content` afresh into a new folder (with `themes`) and checks that
/// the incremental output `site` is byte for byte the same.
fn assert_equals_a_clean_build(content: &Path, site: &Path, themes: &Path) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let clean = tmp.path().join("clean");
    build_with_themes(content, &clean, themes);
    assert_same_site(site, &clean);
}

fn assert_same_site(incremental: &Path, clean: &Path) {
    let a = snapshot(incremental);
    let b = snapshot(clean);
    let names_a: Vec<_> = a.keys().collect();
    let names_b: Vec<_> = b.keys().collect();
    assert_eq!(
        names_a, names_b,
        "the incremental and clean builds have different files"
    );
    for (path, (bytes, _)) in &a {
        assert!(
            bytes == &b[path].0,
            "{} differs between the incremental and the clean build",
            path.display()
        );
    }
}

/// "built N pages" from the build's summary line.
fn total(summary: &str) -> usize {
    summary
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("page count")
}

/// "(N rendered, M unchanged)" from the build's summary line.
fn rendered(summary: &str) -> usize {
    let (_, after) = summary.split_once('(').expect("summary has counts");
    after
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("rendered count")
}

/// Builds with the library, for the counts the summary line does not give.
fn build_report(content: &Path, output: &Path, themes: &Path) -> palabre::BuildReport {
    let opts = palabre::BuildOptions {
        content: content.to_path_buf(),
        output: output.to_path_buf(),
        themes: Some(themes.to_path_buf()),
        force: false,
        progress: None,
    };
    palabre::build(&opts).unwrap_or_else(|d| panic!("build failed: {d:?}"))
}

/// The sample content, copied into `dir` with `base_url` set (so that the
/// site has feeds and a sitemap).
/// A copy of the sample content in `dir/content`, free to edit.
fn copied_sample(dir: &Path) -> PathBuf {
    let content = dir.join("content");
    copy_dir(Path::new(common::SAMPLE_CONTENT), &content);
    content
}

fn sample_with_base_url(dir: &Path, base_url: &str) -> PathBuf {
    let content = copied_sample(dir);
    set_base_url(&content, base_url);
    content
}

fn set_base_url(content: &Path, base_url: &str) {
    let yaml =
        fs::read_to_string(Path::new(common::SAMPLE_CONTENT).join("site.yaml")).expect("site.yaml");
    fs::write(
        content.join("site.yaml"),
        format!("{yaml}base_url: {base_url}\n"),
    )
    .expect("write site.yaml");
}

/// Writes [`NEW_REPLY`] into the sample copy `content`.
fn add_new_reply(content: &Path) {
    fs::write(
        content.join("mainstreaming-migration-2015/replies/020-nouvelle-personne.md"),
        NEW_REPLY,
    )
    .expect("write reply");
}

const NEW_REPLY: &str = "---\nauthor: \"Nouvelle Personne\"\ndate: 2015-07-20\nanswers: [\"1.2\"]\n---\nLa coopération décentralisée permet aux collectivités locales de travailler ensemble sur les questions de migration et de développement, avec les associations de migrants.\n";

#[test]
fn rebuild_after_a_new_reply_equals_a_clean_build_and_touches_only_what_depends_on_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = copied_sample(tmp.path());
    let site = tmp.path().join("site");
    let first = build(&content, &site);
    let total = total(&first);
    assert_eq!(
        rendered(&first),
        total,
        "a first build renders every page: {first}"
    );

    let again = build(&content, &site);
    assert_eq!(
        rendered(&again),
        0,
        "nothing changed, nothing to render: {again}"
    );

    let before = snapshot(&site);
    let folder = fs::metadata(&site).expect("site").ino();
    std::thread::sleep(std::time::Duration::from_millis(20));
    add_new_reply(&content);
    let after_add = build(&content, &site);
    let n = rendered(&after_add);
    assert!(
        n > 0 && n < total / 4,
        "one new reply re-renders few pages, not {n} of {total}: {after_add}"
    );

    assert_eq!(
        fs::metadata(&site).expect("site").ino(),
        folder,
        "a small change is applied in place: the output folder itself stays (a server or sync watching it keeps working)"
    );
    assert_nothing_left_beside(&site);
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));

    // Pages of the other discussion do not depend on the new reply: same file, same time.
    let after = snapshot(&site);
    let untouched = Path::new("en/territorial-approach-2013/replies/011-howard-duncan/index.html");
    assert_eq!(
        before[untouched].1, after[untouched].1,
        "an unrelated page was rewritten"
    );
    let question = Path::new("en/mainstreaming-migration-2015/week-1/question-2/index.html");
    assert_ne!(
        before[question].0, after[question].0,
        "the question page did not get the reply"
    );
    let unchanged = before
        .iter()
        .filter(|(p, (_, t))| after.get(*p).is_some_and(|(_, t2)| t2 == t))
        .count();
    assert!(
        unchanged > before.len() / 2,
        "only {unchanged} of {} files kept their time",
        before.len()
    );
}

#[test]
fn rebuild_after_editing_and_deleting_replies_equals_a_clean_build() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = copied_sample(tmp.path());
    let site = tmp.path().join("site");
    build(&content, &site);

    let edited = content.join("territorial-approach-2013/replies/011-howard-duncan.md");
    let text = fs::read_to_string(&edited).expect("read reply");
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(&edited, text.replace("Howard Duncan", "Howard R. Duncan")).expect("edit");
    fs::remove_file(content.join("mainstreaming-migration-2015/replies/019-anonymous.md"))
        .expect("delete");
    build(&content, &site);
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));
    let page = fs::read_to_string(
        site.join("fr/territorial-approach-2013/replies/011-howard-duncan/index.html"),
    )
    .expect("reply page");
    assert!(page.contains("Howard R. Duncan"), "the edit is on the page");
    assert!(
        !site
            .join("en/mainstreaming-migration-2015/replies/019-anonymous")
            .exists(),
        "a deleted reply's page is gone"
    );
    // The entries of the reply as it was before the edit, and of the deleted
    // reply, are left in the pack until they are half of it.
    the_pack(&tmp.path().join(".site.palabre-cache"));
}

#[test]
fn rebuild_after_changing_where_readers_contribute_equals_a_clean_build() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = copied_sample(tmp.path());
    let site = tmp.path().join("site");
    build(&content, &site);
    let themes = Path::new(common::THEMES);
    let yaml = fs::read_to_string(content.join("site.yaml")).expect("site.yaml");
    let without: String = yaml
        .lines()
        .filter(|l| !l.starts_with("contribute:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let question = "en/territorial-approach-2013/week-1/question-2/index.html";
    let on_page = |site: &Path| fs::read_to_string(site.join(question)).expect("question page");
    for (site_yaml, discussion_key, expected) in [
        (
            format!("{without}contribute: {{email: a@example.org}}\n"),
            None,
            Some("mailto:a@example.org"),
        ),
        (
            without.clone(),
            Some("contribute: {email: b@example.net}\n"),
            Some("mailto:b@example.net"),
        ),
        (without.clone(), None, None),
    ] {
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(content.join("site.yaml"), site_yaml).expect("write site.yaml");
        let path = content.join("territorial-approach-2013/_discussion.md");
        let original = fs::read_to_string(
            Path::new(common::SAMPLE_CONTENT).join("territorial-approach-2013/_discussion.md"),
        )
        .expect("discussion");
        let text = match discussion_key {
            Some(key) => original.replacen("group_label:", &format!("{key}group_label:"), 1),
            None => original,
        };
        fs::write(&path, text).expect("write discussion");
        build(&content, &site);
        assert_equals_a_clean_build(&content, &site, themes);
        match expected {
            Some(href) => assert!(on_page(&site).contains(href), "{href}"),
            None => assert!(!on_page(&site).contains("mailto:")),
        }
    }
}

/// Asserts that a build left nothing beside `site` but its build cache: no
/// staging folder, no previous site, no replaced files.
fn assert_nothing_left_beside(site: &Path) {
    let parent = site.parent().expect("parent");
    let name = site.file_name().expect("name").to_string_lossy();
    let cache = format!(".{name}.palabre-cache");
    let left: Vec<String> = fs::read_dir(parent)
        .expect("read parent")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")) && *n != cache)
        .collect();
    assert!(left.is_empty(), "left beside the site: {left:?}");
}

fn files_in(dir: &Path) -> usize {
    fs::read_dir(dir).expect("read folder").count()
}

/// How many reply files `content` holds.
fn reply_files(content: &Path) -> usize {
    fs::read_dir(content)
        .expect("content")
        .map(|e| e.expect("entry").path().join("replies"))
        .filter(|d| d.is_dir())
        .map(|d| files_in(&d))
        .sum()
}

/// The pack files of a build cache, where its reply entries are.
fn packs(cache: &Path) -> Vec<PathBuf> {
    let mut packs: Vec<PathBuf> = fs::read_dir(cache)
        .expect("cache folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pack"))
        .collect();
    packs.sort();
    packs
}

/// The one pack file of a build cache.
fn the_pack(cache: &Path) -> PathBuf {
    let packs = packs(cache);
    assert_eq!(packs.len(), 1, "the cache has one pack file: {packs:?}");
    packs[0].clone()
}

#[test]
fn a_corrupt_cache_only_costs_time() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = copied_sample(tmp.path());
    let site = tmp.path().join("site");
    build(&content, &site);
    let cache = tmp.path().join(".site.palabre-cache");
    assert!(cache.is_dir(), "the cache sits beside the output folder");
    // Garbage in every cache file, and a page table that claims stale pages are current.
    fs::write(the_pack(&cache), b"garbage").expect("overwrite");
    fs::write(cache.join("heads.bin"), b"garbage").expect("overwrite");
    fs::write(site.join("en/index.html"), b"tampered").expect("tamper");
    fs::remove_file(cache.join("files.tsv")).expect("remove table");
    build(&content, &site);
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));
    the_pack(&cache);
}

#[test]
fn a_clean_build_keeps_its_replies_in_one_pack_file_that_a_new_reply_is_appended_to() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = copied_sample(tmp.path());
    let site = tmp.path().join("site");
    build(&content, &site);
    let cache = tmp.path().join(".site.palabre-cache");
    let pack = the_pack(&cache);
    let files = files_in(&cache);
    assert!(
        files < 8 && files < reply_files(&content),
        "a clean build of {} replies leaves {files} files in its cache, not one per reply",
        reply_files(&content)
    );
    let before = fs::read(&pack).expect("pack");

    build(&content, &site);
    assert!(
        fs::read(&pack).expect("pack") == before,
        "a build that changed no reply leaves the pack as it was"
    );

    std::thread::sleep(std::time::Duration::from_millis(20));
    add_new_reply(&content);
    build(&content, &site);
    assert_eq!(the_pack(&cache), pack, "the same pack file");
    let after = fs::read(&pack).expect("pack");
    assert!(
        after.len() > before.len() && after.starts_with(&before),
        "the new reply's entry is appended to the pack, the others left as they were"
    );
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));

    // Without its heads file (a build stopped before saving it), the cache
    // still serves every reply: none is stored again.
    fs::remove_file(cache.join("heads.bin")).expect("remove heads");
    build(&content, &site);
    assert!(
        fs::read(&pack).expect("pack") == after,
        "the replies are found in the pack"
    );
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));
}

#[test]
fn deleting_most_replies_compacts_the_pack() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = copied_sample(tmp.path());
    let site = tmp.path().join("site");
    build(&content, &site);
    let cache = tmp.path().join(".site.palabre-cache");
    let full = fs::metadata(the_pack(&cache)).expect("pack").len();
    // All but the first two replies of each discussion.
    for discussion in fs::read_dir(&content).expect("content") {
        let replies = discussion.expect("entry").path().join("replies");
        if !replies.is_dir() {
            continue;
        }
        let mut files: Vec<PathBuf> = fs::read_dir(&replies)
            .expect("replies")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for file in &files[2..] {
            fs::remove_file(file).expect("delete reply");
        }
    }
    build(&content, &site);
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));
    let compacted = fs::metadata(the_pack(&cache)).expect("pack").len();
    assert!(
        compacted < full / 4,
        "the pack holds only the replies left: {compacted} bytes, from {full}"
    );
    // The replies left are read from the compacted pack: a new reply makes
    // its discussion's report show them all.
    add_new_reply(&content);
    build(&content, &site);
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));
}

#[test]
fn a_truncated_pack_only_costs_time() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = copied_sample(tmp.path());
    let site = tmp.path().join("site");
    build(&content, &site);
    let pack = the_pack(&tmp.path().join(".site.palabre-cache"));
    let len = fs::metadata(&pack).expect("pack").len();
    let file = fs::OpenOptions::new()
        .write(true)
        .open(&pack)
        .expect("open pack");
    file.set_len(len / 2).expect("truncate");
    drop(file);
    // A new reply, so that its discussion's report needs every reply's texts.
    add_new_reply(&content);
    build(&content, &site);
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));
}

#[test]
fn a_failed_build_leaves_the_cache_usable() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = copied_sample(tmp.path());
    let site = tmp.path().join("site");
    build(&content, &site);
    let broken = content.join("territorial-approach-2013/replies/098-broken.md");
    fs::write(&broken, "---\nauthor: [unclosed\n---\nText.\n").expect("write reply");
    add_new_reply(&content);
    let failed = common::build_command(&content, &site)
        .arg("--themes")
        .arg(common::THEMES)
        .output()
        .expect("run palabre");
    assert!(
        !failed.status.success(),
        "a reply with broken front matter fails the build"
    );
    fs::remove_file(&broken).expect("delete reply");
    build(&content, &site);
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));
}

#[test]
fn replies_whose_texts_are_damaged_in_the_cache_are_read_again_from_their_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = copied_sample(tmp.path());
    let site = tmp.path().join("site");
    build(&content, &site);
    // A reply's texts are read from the cache only when a page needs them:
    // damage bytes all along the pack (every entry's texts), then add a
    // reply, so that its discussion's report needs every reply of the
    // discussion.
    let cache = tmp.path().join(".site.palabre-cache");
    let pack = the_pack(&cache);
    let mut bytes = fs::read(&pack).expect("pack");
    for byte in bytes.iter_mut().step_by(61) {
        *byte ^= 0x55;
    }
    fs::write(&pack, bytes).expect("damage pack");
    add_new_reply(&content);
    build(&content, &site);
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));
    // The damaged entries were dropped: the next build stores those replies
    // again, though none changed.
    let before = fs::metadata(the_pack(&cache)).expect("pack").len();
    build(&content, &site);
    assert!(
        fs::metadata(the_pack(&cache)).expect("pack").len() > before,
        "the damaged replies are stored again"
    );
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));
}

#[test]
fn files_deleted_from_the_output_by_hand_come_back_and_a_theme_change_redoes_every_page() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = copied_sample(tmp.path());
    let themes = tmp.path().join("themes");
    copy_dir(Path::new(common::THEMES), &themes);
    let site = tmp.path().join("site");
    build_with_themes(&content, &site, &themes);
    let page = site.join("es/territorial-approach-2013/replies/011-howard-duncan/index.html");
    fs::remove_file(&page).expect("delete a page");
    fs::remove_file(site.join("static/style.css")).expect("delete a style sheet");
    fs::remove_file(site.join("data/territorial-approach-2013.json")).expect("delete open data");
    build_with_themes(&content, &site, &themes);
    assert!(page.is_file(), "the deleted page is written again");
    assert!(
        site.join("static/style.css").is_file(),
        "the deleted style sheet is written again"
    );
    assert!(
        site.join("data/territorial-approach-2013.json").is_file(),
        "the deleted open data is written again"
    );

    // A change to the theme touches every page: the new site is swapped in whole.
    let base = themes.join("default/templates/base.html");
    let template = fs::read_to_string(&base).expect("base template");
    fs::write(
        &base,
        template.replace("</footer>", "<p>Edited footer</p></footer>"),
    )
    .expect("edit the theme");
    let summary = build_with_themes(&content, &site, &themes);
    assert_eq!(rendered(&summary), total(&summary), "{summary}");
    assert_nothing_left_beside(&site);
    assert!(
        fs::read_to_string(&page)
            .expect("page")
            .contains("Edited footer")
    );
    assert_equals_a_clean_build(&content, &site, &themes);
}

#[test]
fn a_killed_build_is_tidied_up_and_a_stranded_site_put_back() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = Path::new(common::SAMPLE_CONTENT);
    let site = tmp.path().join("site");
    build(content, &site);
    let clean = snapshot(&site);
    // What a build killed at the worst moments leaves: a half-written new site,
    // and the previous site moved aside just before the new one was renamed in.
    let stale = tmp.path().join(".site.palabre-new-4000000000");
    fs::create_dir_all(stale.join("en")).expect("stale staging");
    fs::rename(&site, tmp.path().join(".site.palabre-old-4000000001")).expect("strand site");
    build(content, &site);
    assert!(
        !stale.exists(),
        "the killed build's staging folder is removed"
    );
    assert!(
        !tmp.path().join(".site.palabre-old-4000000001").exists(),
        "the stranded site is put back, then replaced"
    );
    let after = snapshot(&site);
    let names: Vec<_> = after.keys().collect();
    assert_eq!(
        names,
        clean.keys().collect::<Vec<_>>(),
        "the site is complete again"
    );
}

#[test]
fn a_new_reply_redoes_only_the_extra_files_of_its_discussion() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = sample_with_base_url(tmp.path(), "https://example.org/d");
    let themes = Path::new(common::THEMES);
    let site = tmp.path().join("site");
    let first = build_report(&content, &site, themes);
    assert_eq!(first.jobs_run, first.jobs, "a first build runs every job");
    let again = build_report(&content, &site, themes);
    assert_eq!(again.jobs_run, 0, "nothing changed, no job runs");

    let before = snapshot(&site);
    std::thread::sleep(std::time::Duration::from_millis(20));
    add_new_reply(&content);
    let after_add = build_report(&content, &site, themes);
    // The other discussion's CSV, JSON, search texts, Word documents and
    // feeds depend on none of its replies; the search index and the sitemap
    // cover the whole site.
    assert_eq!(
        after_add.jobs_run,
        after_add.jobs - 5,
        "only the jobs that depend on the new reply run"
    );
    assert_equals_a_clean_build(&content, &site, themes);
    let after = snapshot(&site);
    let csv = Path::new("data/mainstreaming-migration-2015.csv");
    assert!(
        String::from_utf8_lossy(&after[csv].0).contains("Nouvelle Personne"),
        "the discussion's open data has the new reply"
    );
    let other = Path::new("data/territorial-approach-2013.json");
    assert_eq!(
        before[other].1, after[other].1,
        "the other discussion's open data was rewritten"
    );

    // An edit that keeps the number of replies, in the other discussion.
    let edited = content.join("territorial-approach-2013/replies/011-howard-duncan.md");
    let text = fs::read_to_string(&edited).expect("read reply");
    fs::write(&edited, text.replace("Howard Duncan", "Howard R. Duncan")).expect("edit");
    let after_edit = build_report(&content, &site, themes);
    assert_eq!(after_edit.jobs_run, after_edit.jobs - 5, "after an edit");
    assert_equals_a_clean_build(&content, &site, themes);
}

#[test]
fn a_new_base_url_redoes_the_feeds_and_the_sitemap() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = sample_with_base_url(tmp.path(), "https://old.example.org/d");
    let themes = Path::new(common::THEMES);
    let site = tmp.path().join("site");
    build_report(&content, &site, themes);
    set_base_url(&content, "https://new.example.org/e");
    let report = build_report(&content, &site, themes);
    assert!(report.jobs_run > 0, "no job ran after base_url changed");
    for file in [
        "sitemap.xml",
        "robots.txt",
        "fr/territorial-approach-2013/feed.xml",
        "es/mainstreaming-migration-2015/week-1/question-2/feed.xml",
    ] {
        let text = fs::read_to_string(site.join(file)).expect("extra file");
        assert!(
            text.contains("https://new.example.org/e/") && !text.contains("old.example.org"),
            "{file} does not use the new base_url"
        );
    }
    assert_equals_a_clean_build(&content, &site, themes);
}

#[test]
fn a_new_translation_of_the_feed_titles_redoes_the_feeds() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = sample_with_base_url(tmp.path(), "https://example.org/d");
    let themes = tmp.path().join("themes");
    copy_dir(Path::new(common::THEMES), &themes);
    let site = tmp.path().join("site");
    build_report(&content, &site, &themes);
    let i18n = themes.join("default/i18n/fr.yaml");
    let yaml = fs::read_to_string(&i18n).expect("fr.yaml");
    let line = yaml
        .lines()
        .find(|l| l.trim_start().starts_with("feed_discussion:"))
        .expect("fr.yaml has feed_discussion");
    let edited = yaml.replace(
        line,
        "  feed_discussion: \"{title} : nouvelles contributions\"",
    );
    fs::write(&i18n, edited).expect("edit fr.yaml");
    build_report(&content, &site, &themes);
    let feed =
        fs::read_to_string(site.join("fr/territorial-approach-2013/feed.xml")).expect("feed");
    assert!(
        feed.contains(" : nouvelles contributions"),
        "the feed's title is not the new translation"
    );
    assert_equals_a_clean_build(&content, &site, &themes);
}

#[test]
fn a_reply_page_follows_its_neighbours_and_its_discussion() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = copied_sample(tmp.path());
    let site = tmp.path().join("site");
    build(&content, &site);
    let replies = site.join("en/territorial-approach-2013/replies");
    let own = "011-howard-duncan";
    // Reply pages that name Howard R. Duncan, other than his own: his
    // neighbours, through their previous/next links.
    let naming = |name: &str| -> Vec<String> {
        fs::read_dir(&replies)
            .expect("reply pages")
            .filter_map(|e| {
                let dir = e.expect("entry").file_name().to_string_lossy().to_string();
                let page = fs::read_to_string(replies.join(&dir).join("index.html")).ok()?;
                (dir != own && page.contains(name)).then_some(dir)
            })
            .collect()
    };
    assert!(naming("Howard R. Duncan").is_empty(), "the sample changed");

    let edited = content.join(format!("territorial-approach-2013/replies/{own}.md"));
    let text = fs::read_to_string(&edited).expect("read reply");
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(&edited, text.replace("Howard Duncan", "Howard R. Duncan")).expect("edit");
    let summary = build(&content, &site);
    let neighbours = naming("Howard R. Duncan");
    assert!(
        !neighbours.is_empty(),
        "no other reply page links to the renamed author: {summary}"
    );
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));

    // Question texts show on the pages of the replies that answer them.
    let discussion = content.join("territorial-approach-2013/_discussion.md");
    let yaml = fs::read_to_string(&discussion).expect("read discussion");
    let old = "Do you know of any examples/structures";
    assert!(yaml.contains(old), "the sample changed");
    fs::write(
        &discussion,
        yaml.replace(old, "Do you know of any good examples"),
    )
    .expect("edit");
    build(&content, &site);
    assert!(
        !naming("Do you know of any good examples").is_empty(),
        "no reply page shows the new question text"
    );
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));
}

#[test]
fn a_link_follows_its_target_reply_away_and_back() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = copied_sample(tmp.path());
    let replies = content.join("territorial-approach-2013/replies");
    fs::write(
        replies.join("099-linking.md"),
        "---\nauthor: \"Link Author\"\ndate: 2013-08-01\nanswers: [\"1.1\"]\n---\nAs [Howard said](011-howard-duncan.md), local authorities need national frameworks to work with migrants.\n",
    )
    .expect("write reply");
    let site = tmp.path().join("site");
    build(&content, &site);
    let page = site.join("en/territorial-approach-2013/replies/099-linking/index.html");
    let links_to_howard = || {
        fs::read_to_string(&page)
            .expect("reply page")
            .contains("011-howard-duncan/index.html")
    };
    assert!(links_to_howard(), "the link is not on the page");

    // The target goes: the link becomes text, on a page whose reply file did not change.
    let target = replies.join("011-howard-duncan.md");
    let howard = fs::read_to_string(&target).expect("read reply");
    fs::remove_file(&target).expect("delete");
    build(&content, &site);
    assert!(
        !links_to_howard(),
        "the page still links to a deleted reply"
    );
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));

    // And comes back.
    fs::write(&target, howard).expect("restore");
    build(&content, &site);
    assert!(links_to_howard(), "the link did not come back");
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));
}

#[test]
fn a_citation_added_to_a_summary_reaches_the_cited_reply_and_goes_away_with_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = copied_sample(tmp.path());
    let summary = content.join("mainstreaming-migration-2015/summaries/1-2.en.md");
    let before = fs::read_to_string(&summary).expect("read summary");
    let site = tmp.path().join("site");
    build(&content, &site);
    // A reply's page holds no reply of the summary: only the citations,
    // through its input, can tell it to change.
    let page = site.join("fr/mainstreaming-migration-2015/replies/016-birame-ndiaye/index.html");
    let cited_for_1_2 = || {
        fs::read_to_string(&page)
            .expect("reply page")
            .contains("question-2/index.html#summary-heading")
    };
    assert!(!cited_for_1_2(), "cited before any citation");

    fs::write(
        &summary,
        format!("{before}\nAs [Birame Ndiaye](../replies/016-birame-ndiaye.md) wrote.\n"),
    )
    .expect("write summary");
    build(&content, &site);
    assert!(cited_for_1_2(), "the citation is not on the reply's page");
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));

    fs::write(&summary, before).expect("restore summary");
    build(&content, &site);
    assert!(!cited_for_1_2(), "the citation stayed on the reply's page");
    assert_equals_a_clean_build(&content, &site, Path::new(common::THEMES));
}
