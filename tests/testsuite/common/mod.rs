//! Helpers shared by the integration tests: the fixture site, running the
//! `palabre` binary, reading an output folder, and looking into its HTML.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// The sample content folder shipped with the crate.
pub(crate) const SAMPLE_CONTENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/content");

/// The ground truth of the sample content (one row per reply).
pub(crate) const TRUTH_TSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/sample-languages.tsv"
);

/// The crate's themes folder. Fixtures pass it with `--themes` so that they
/// test the theme as it is in the repository.
pub(crate) const THEMES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/themes");

/// `site.yaml` of the small fixture sites the error and command tests write.
pub(crate) const FIXTURE_SITE_YAML: &str = "title: {en: T}\nlanguages: [en, fr, es]\n";

/// `_discussion.md` of the fixture sites of the error and hardening tests:
/// questions 1.1, 1.2 and 1.10 (so that `1.10` is never read as `1.1`).
pub(crate) const FIXTURE_DISCUSSION: &str = r#"---
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
pub(crate) const FIXTURE_REPLY: &str = "---\nauthor: \"Ada\"\nlang: en\nanswers: [\"1.1\"]\n---\nA good reply to the first question.\n";

/// The languages of the sample site and of every fixture.
pub(crate) const LANGS: [&str; 3] = ["en", "fr", "es"];

/// A site in a temporary folder: its content folder `content/` and, beside
/// it, its output folder `out/`.
pub(crate) struct Site {
    pub dir: tempfile::TempDir,
    pub content: PathBuf,
    pub out: PathBuf,
    /// Built with the theme folder found beside the content folder, as a user
    /// has it, rather than with the repository's `--themes`.
    themes_beside: bool,
}

/// What a site's output folder holds, and the names beside it (to catch
/// leftovers), before a build that must change nothing.
#[derive(Debug, PartialEq)]
pub(crate) struct State {
    pub files: BTreeMap<String, Vec<u8>>,
    pub beside: BTreeSet<String>,
}

/// What a refused build must say.
pub(crate) struct Expect<'a> {
    /// Path under the content folder, with `/`.
    pub file: &'a str,
    /// Lines any of which is right; empty when the problem has no line.
    pub lines: &'a [usize],
    /// Words (case-insensitive) the message about the file must contain.
    pub words: &'a [&'a str],
}

impl Site {
    /// An empty content folder in a fresh temporary folder.
    pub(crate) fn empty() -> Site {
        Site::in_folder(tempfile::tempdir().expect("temporary folder"))
    }

    /// An empty content folder in `dir` (a [`scratch_dir`] for a site built
    /// once and shared by the tests of a module).
    pub(crate) fn in_folder(dir: tempfile::TempDir) -> Site {
        let content = dir.path().join("content");
        let out = dir.path().join("out");
        Site {
            dir,
            content,
            out,
            themes_beside: false,
        }
    }

    /// [`FIXTURE_SITE_YAML`] and the discussion `d` with `discussion` as its
    /// `_discussion.md`, and no reply yet (an empty `d/replies/`).
    pub(crate) fn with_discussion(discussion: &str) -> Site {
        let site = Site::empty();
        site.write("site.yaml", FIXTURE_SITE_YAML);
        site.write("d/_discussion.md", discussion);
        fs::create_dir_all(site.content.join("d/replies")).expect("create folder");
        site
    }

    /// [`FIXTURE_DISCUSSION`] with one good reply, [`FIXTURE_REPLY`] as
    /// `d/replies/good.md`; not built yet.
    pub(crate) fn new() -> Site {
        let site = Site::with_discussion(FIXTURE_DISCUSSION);
        site.write("d/replies/good.md", FIXTURE_REPLY);
        site
    }

    /// [`Site::new`] built once: the "previous site" of a failing build.
    pub(crate) fn built() -> Site {
        Site::built_with(&[])
    }

    /// [`Site::new`] with `files` (path under the content folder, text)
    /// added, built once.
    pub(crate) fn built_with(files: &[(&str, &str)]) -> Site {
        let site = Site::new();
        for (rel, text) in files {
            site.write(rel, text);
        }
        let run = site.build();
        assert_no_panic(&run);
        assert!(
            run.status.success(),
            "the fixture itself does not build\n{}",
            run.describe()
        );
        for rel in [
            "en/d/week-1/question-1/index.html",
            "en/d/replies/good/index.html",
        ] {
            assert!(
                site.out.join(rel).is_file(),
                "the first build wrote no {rel}"
            );
        }
        site
    }

    /// Builds with the theme folder beside the content folder (`themes/`,
    /// written with [`Site::write_beside`]) as a user would have it: no
    /// `--themes`.
    pub(crate) fn themes_beside(mut self) -> Site {
        self.themes_beside = true;
        self
    }

    /// Writes `text` to `rel` under the content folder.
    pub(crate) fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        write_file(&self.content.join(rel), text);
    }

    /// Writes `text` to `rel` under the folder that holds the content and
    /// output folders: a theme, a file outside the content folder.
    pub(crate) fn write_beside(&self, rel: &str, text: impl AsRef<[u8]>) {
        write_file(&self.dir.path().join(rel), text);
    }

    /// The file `rel` of the output folder.
    pub(crate) fn output(&self, rel: &str) -> Vec<u8> {
        fs::read(self.out.join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    /// The file `rel` of the output folder, as text.
    pub(crate) fn output_text(&self, rel: &str) -> String {
        String::from_utf8(self.output(rel)).expect("UTF-8 output")
    }

    /// `palabre build` of this site into `out`, to add to and run.
    pub(crate) fn build_command(&self, out: &Path) -> Command {
        let mut cmd = build_command(&self.content, out);
        if !self.themes_beside {
            cmd.args(["--themes", THEMES]);
        }
        cmd
    }

    /// Builds into the output folder.
    pub(crate) fn build(&self) -> Run {
        self.build_into(&self.out, &[])
    }

    /// Builds into the output folder, and asserts the build went through.
    pub(crate) fn build_ok(&self) -> Run {
        let run = self.build();
        assert_built(&run);
        run
    }

    /// Builds into `out`, with `extra` arguments.
    pub(crate) fn build_into(&self, out: &Path, extra: &[&str]) -> Run {
        let mut cmd = self.build_command(out);
        cmd.args(extra);
        Run::from_output(cmd.output().expect("cannot run the palabre binary"))
    }

    /// `palabre check --content CONTENT [extra...]`, run from the folder
    /// that holds the content folder.
    pub(crate) fn check(&self, extra: &[&str]) -> Run {
        let out = palabre()
            .current_dir(self.dir.path())
            .arg("check")
            .arg("--content")
            .arg(&self.content)
            .args(extra)
            .output()
            .expect("run palabre check");
        Run::from_output(out)
    }

    /// The output folder's files and the names beside it.
    pub(crate) fn state(&self) -> State {
        let beside = fs::read_dir(self.dir.path())
            .expect("read temporary folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        State {
            files: snapshot(&self.out),
            beside,
        }
    }

    /// Asserts that `run`, a build of this site, was refused as `expect`
    /// says and left the site as it was in `before`.
    pub(crate) fn assert_refused(&self, before: &State, run: &Run, expect: Expect<'_>) {
        assert_no_panic(run);
        assert_eq!(
            run.status.code(),
            Some(1),
            "the build should fail because of {}\n{}",
            expect.file,
            run.describe()
        );
        assert!(
            run.stderr.contains(expect.file),
            "stderr does not name {}\n{}",
            expect.file,
            run.describe()
        );
        if !expect.lines.is_empty() {
            assert!(
                expect
                    .lines
                    .iter()
                    .any(|&l| names_line(&run.stderr, expect.file, l)),
                "stderr does not point at {}:{:?}\n{}",
                expect.file,
                expect.lines,
                run.describe()
            );
        }
        let about = messages_about(&run.stderr, expect.file).to_lowercase();
        for word in expect.words {
            assert!(
                about.contains(&word.to_lowercase()),
                "the message about {} does not say {word:?}\n{}",
                expect.file,
                run.describe()
            );
        }
        let after = self.state();
        assert_eq!(
            after.beside, before.beside,
            "files appeared or vanished beside the output folder"
        );
        let changed: Vec<&String> = before
            .files
            .keys()
            .chain(after.files.keys())
            .filter(|k| before.files.get(*k) != after.files.get(*k))
            .collect();
        assert!(
            changed.is_empty(),
            "the failed build changed the previous site: {changed:?}"
        );
    }

    /// Writes `files` (path under the content folder, bytes), builds again
    /// and asserts the build is refused as `expect` says, the previous site
    /// untouched.
    pub(crate) fn refuses(&self, files: &[(&str, &[u8])], expect: Expect<'_>) -> Run {
        let before = self.state();
        for (rel, text) in files {
            self.write(rel, text);
        }
        let run = self.build();
        self.assert_refused(&before, &run, expect);
        run
    }
}

/// Writes `text` as the reply `d/replies/bad.md` of a built [`Site::new`]
/// and asserts that the next build is refused about it (at one of `lines`,
/// if any, saying every one of `words`), the previous site untouched.
pub(crate) fn bad_reply(text: impl AsRef<[u8]>, lines: &[usize], words: &[&str]) -> Run {
    Site::built().refuses(
        &[("d/replies/bad.md", text.as_ref())],
        Expect {
            file: "d/replies/bad.md",
            lines,
            words,
        },
    )
}

/// Asserts that palabre ended by itself: no panic, no signal.
pub(crate) fn assert_no_panic(run: &Run) {
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("overflowed its stack"),
        "palabre crashed\n{}",
        run.describe()
    );
    // A crash by signal (stack overflow aborts) has no exit code.
    assert!(
        run.status.code().is_some(),
        "killed by a signal\n{}",
        run.describe()
    );
}

/// Asserts that a build went through.
pub(crate) fn assert_built(run: &Run) {
    assert_no_panic(run);
    assert!(
        run.status.success(),
        "the build should succeed\n{}",
        run.describe()
    );
}

fn write_file(path: &Path, text: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
    fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// Copies the folder `from`, with everything in it, to `to`.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
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

/// A temporary folder for a site shared by the tests of a module (held in a
/// static, so never dropped). It lives under cargo's scratch folder, which
/// `cargo clean` empties; leftovers of earlier runs older than an hour (so
/// never a concurrent run's) are removed here.
pub(crate) fn scratch_dir(prefix: &str) -> tempfile::TempDir {
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
pub(crate) fn palabre() -> Command {
    Command::new(env!("CARGO_BIN_EXE_palabre"))
}

/// The result of running palabre once.
pub(crate) struct Run {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    /// With `\` turned into `/`, so that paths can be matched on every platform.
    pub stderr: String,
}

impl Run {
    pub(crate) fn from_output(out: Output) -> Run {
        Run {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).replace('\\', "/"),
        }
    }

    /// For assertion messages.
    pub(crate) fn describe(&self) -> String {
        format!(
            "exit status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// `palabre build --content CONTENT --output OUTPUT`, to add to and run.
pub(crate) fn build_command(content: &Path, output: &Path) -> Command {
    let mut cmd = palabre();
    cmd.arg("build")
        .arg("--content")
        .arg(content)
        .arg("--output")
        .arg(output);
    cmd
}

/// `palabre build --content CONTENT --output OUTPUT [extra...]`.
pub(crate) fn build(content: &Path, output: &Path, extra: &[&str]) -> Run {
    let mut cmd = build_command(content, output);
    cmd.args(extra);
    Run::from_output(cmd.output().expect("cannot run the palabre binary"))
}

/// Every file under `dir` (relative path with `/` separators) and its bytes.
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
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
pub(crate) fn html_files(dir: &Path) -> Vec<String> {
    let mut all = Vec::new();
    list(dir, dir, &mut all);
    all.retain(|p| p.ends_with(".html"));
    all.sort();
    all
}

/// Every file under `dir`, as relative paths with `/` separators.
pub(crate) fn all_files(dir: &Path) -> Vec<String> {
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
pub(crate) fn page(out: &Path, rel: &str) -> Html {
    let path = out.join(rel);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read page {rel}: {e}"));
    Html::parse_document(&text)
}

pub(crate) fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s:?}: {e:?}"))
}

/// The whitespace-normalised text of an element.
pub(crate) fn text_of(el: scraper::ElementRef<'_>) -> String {
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
pub(crate) fn resolve(page: &str, link: &str) -> Option<String> {
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
pub(crate) fn swap_lang(rel: &str, lang: &str) -> String {
    match rel.split_once('/') {
        Some((_, rest)) => format!("{lang}/{rest}"),
        None => rel.to_string(),
    }
}

/// True when `url` names a scheme (`https:`, `mailto:`...) or is
/// protocol-relative (`//host/...`).
pub(crate) fn is_absolute_url(url: &str) -> bool {
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
pub(crate) fn names_line(stderr: &str, file: &str, line: usize) -> bool {
    let needle = format!("{file}:{line}");
    stderr
        .match_indices(&needle)
        .any(|(i, _)| !stderr[i + needle.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

/// The stderr lines that mention `file`, with the hint lines that follow them.
pub(crate) fn messages_about(stderr: &str, file: &str) -> String {
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
