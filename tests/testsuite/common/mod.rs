//! Helpers shared by the integration tests: running the `palabre` binary,
//! reading an output folder, and looking into its HTML.
//!
//! Each test binary uses only some of these.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// The sample content folder shipped with the crate.
pub const SAMPLE_CONTENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/content");

/// The ground truth of the sample content (one row per reply).
pub const TRUTH_TSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/sample-languages.tsv"
);

/// The crate's themes folder. Fixtures pass it with `--themes` so that they
/// test the theme as it is in the repository.
pub const THEMES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/themes");

/// `site.yaml` of the small fixture sites the error and command tests write.
pub const FIXTURE_SITE_YAML: &str = "title: {en: T}\nlanguages: [en, fr, es]\n";

/// `_discussion.md` of the fixture sites of the error and hardening tests:
/// questions 1.1, 1.2 and 1.10 (so that `1.10` is never read as `1.1`).
pub const FIXTURE_DISCUSSION: &str = r#"---
title: {en: "A discussion"}
group_label: week
groups:
  - id: 1
    questions:
      - id: 1
        text: {en: "Question one?"}
      - id: 2
        text: {en: "Question two?"}
      - id: 10
        text: {en: "Question ten?"}
---
The introduction.
"#;

/// A valid reply to question 1.1 of [`FIXTURE_DISCUSSION`].
pub const FIXTURE_REPLY: &str = "---\nauthor: \"Ada\"\nlang: en\nanswers: [\"1.1\"]\n---\nA good reply to the first question.\n";

/// The languages of the sample site and of every fixture.
pub const LANGS: [&str; 3] = ["en", "fr", "es"];

/// A temporary folder for a site shared by all tests of one binary (held in
/// a static, so never dropped). It lives under cargo's scratch folder, which
/// `cargo clean` empties; leftovers of earlier runs older than an hour (so
/// never a concurrent run's) are removed here.
pub fn scratch_dir(prefix: &str) -> tempfile::TempDir {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let hour = std::time::Duration::from_secs(3600);
    for entry in fs::read_dir(base).into_iter().flatten().flatten() {
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > hour);
        if stale && entry.file_name().to_string_lossy().starts_with(prefix) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(base)
        .expect("temporary folder")
}

/// A `palabre` command.
pub fn palabre() -> Command {
    Command::new(env!("CARGO_BIN_EXE_palabre"))
}

/// The result of running palabre once.
pub struct Run {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    /// With `\` turned into `/`, so that paths can be matched on every platform.
    pub stderr: String,
}

impl Run {
    pub fn from_output(out: Output) -> Run {
        Run {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).replace('\\', "/"),
        }
    }

    /// For assertion messages.
    pub fn describe(&self) -> String {
        format!(
            "exit status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// `palabre build --content CONTENT --output OUTPUT [extra...]`.
pub fn build(content: &Path, output: &Path, extra: &[&str]) -> Run {
    let mut cmd = palabre();
    cmd.arg("build")
        .arg("--content")
        .arg(content)
        .arg("--output")
        .arg(output);
    cmd.args(extra);
    Run::from_output(cmd.output().expect("cannot run the palabre binary"))
}

/// Every file under `dir` (relative path with `/` separators) and its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    collect(dir, dir, &mut files);
    files
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("readable folder entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let rel = rel_path(root, &path);
            let bytes =
                fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            files.insert(rel, bytes);
        }
    }
}

/// Every `.html` file under `dir`, as relative paths with `/` separators.
pub fn html_files(dir: &Path) -> Vec<String> {
    let mut all = Vec::new();
    list(dir, dir, &mut all);
    all.retain(|p| p.ends_with(".html"));
    all.sort();
    all
}

/// Every file under `dir`, as relative paths with `/` separators.
pub fn all_files(dir: &Path) -> Vec<String> {
    let mut all = Vec::new();
    list(dir, dir, &mut all);
    all.sort();
    all
}

fn list(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("readable folder entry").path();
        if path.is_dir() {
            list(root, &path, out);
        } else {
            out.push(rel_path(root, &path));
        }
    }
}

fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .expect("path under root")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads and parses one page of an output folder.
pub fn page(out: &Path, rel: &str) -> Html {
    let path = out.join(rel);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read page {rel}: {e}"));
    Html::parse_document(&text)
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s:?}: {e:?}"))
}

/// The whitespace-normalised text of an element.
pub fn text_of(el: scraper::ElementRef<'_>) -> String {
    el.text()
        .collect::<Vec<_>>()
        .join("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Resolves `link` (a relative URL without fragment) against the page at
/// `page` (a path relative to the output root). `None` when it climbs out of
/// the output folder.
pub fn resolve(page: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop(); // the page's own file name
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// `rel` with its leading language folder replaced by `lang`.
pub fn swap_lang(rel: &str, lang: &str) -> String {
    match rel.split_once('/') {
        Some((_, rest)) => format!("{lang}/{rest}"),
        None => rel.to_string(),
    }
}

/// True when `url` names a scheme (`https:`, `mailto:`...) or is
/// protocol-relative (`//host/...`).
pub fn is_absolute_url(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// True when `stderr` names `file:line` (not followed by another digit).
pub fn names_line(stderr: &str, file: &str, line: usize) -> bool {
    let needle = format!("{file}:{line}");
    stderr
        .match_indices(&needle)
        .any(|(i, _)| !stderr[i + needle.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

/// The stderr lines that mention `file`, with the hint lines that follow them.
pub fn messages_about(stderr: &str, file: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in stderr.lines() {
        if line.contains(file) {
            inside = true;
        } else if !line.starts_with(' ') {
            inside = false;
        }
        if inside {
            out.push(line);
        }
    }
    out.join("\n")
}
