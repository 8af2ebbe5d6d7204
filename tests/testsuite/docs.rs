//! Every example in the user documentation (`README.md`, `docs/*.md`) is run.
//!
//! Each page is played in a fresh folder, top to bottom:
//! - a fenced block whose info string is `<lang> file=<path>` is written to `<path>`;
//! - a `console` block's `$ ` lines are run with `sh -c` (with `palabre` on `PATH`); the lines
//!   after a command are its expected output: each must equal, in order, a line of what the
//!   command printed (standard output and error, as a terminal shows them), where `…` stands
//!   for any text. A command must exit 0
//!   unless the next one is `$ echo $?`, whose expected output is the exit status;
//! - `text` blocks, and blocks in other languages (`sh`), are shown only.
//!
//! A `yaml`, `markdown`, `md`, `css` or `html` block without `file=` is refused: an example a
//! reader could copy must be one the test runs. Relative links to files must lead to a file.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Languages whose blocks are files a reader may copy: they must say which file they are.
const FILE_LANGS: [&str; 5] = ["yaml", "markdown", "md", "css", "html"];

struct Block {
    /// Line of the opening fence, 1-based.
    line: usize,
    info: String,
    text: String,
}

fn blocks(source: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = source.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with("```") {
            continue;
        }
        let fence_len = trimmed.chars().take_while(|&c| c == '`').count();
        let fence = "`".repeat(fence_len);
        let info = trimmed[fence_len..].trim().to_string();
        let mut text = String::new();
        for (_, body) in lines.by_ref() {
            if body.trim() == fence {
                break;
            }
            text.push_str(body);
            text.push('\n');
        }
        out.push(Block {
            line: n + 1,
            info,
            text,
        });
    }
    out
}

/// Does `actual` match `pattern`, where `…` matches any text?
fn matches(pattern: &str, actual: &str) -> bool {
    let parts: Vec<&str> = pattern.split('…').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == actual;
    };
    if parts.len() == 1 {
        return pattern == actual;
    }
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// One `$ ` command of a console block and the output it is expected to print.
struct Step {
    command: String,
    expected: Vec<String>,
}

fn steps(text: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for line in text.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step {
                command: command.to_string(),
                expected: Vec::new(),
            });
        } else if let Some(step) = steps.last_mut() {
            if !line.trim().is_empty() {
                step.expected.push(line.trim_end().to_string());
            }
        } else {
            panic!("a console block must start with a `$ ` command, found {line:?}");
        }
    }
    steps
}

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_palabre"))
        .parent()
        .expect("the binary's folder")
        .to_path_buf()
}

fn run_console(page: &str, block: &Block, dir: &Path) {
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let all = steps(&block.text);
    let mut last_status: Option<i32> = None;
    for (i, step) in all.iter().enumerate() {
        let where_ = format!("{page}:{} `$ {}`", block.line, step.command);
        let output = if step.command == "echo $?" {
            let status = last_status.unwrap_or_else(|| panic!("{where_}: no command before"));
            format!("{status}\n")
        } else {
            // Errors interleaved with the rest, as a terminal shows them.
            let out = Command::new("sh")
                .arg("-c")
                .arg(format!("exec 2>&1\n{}", step.command))
                .current_dir(dir)
                .env("PATH", &path)
                .env("NO_COLOR", "1")
                // No browser here: `--open` must say so rather than hang.
                .env("BROWSER", "false")
                .output()
                .unwrap_or_else(|e| panic!("{where_}: cannot run sh: {e}"));
            let status = out.status.code().unwrap_or(-1);
            let next_is_status = all.get(i + 1).is_some_and(|s| s.command == "echo $?");
            let printed = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(
                status == 0 || next_is_status,
                "{where_}: exit status {status}\n{printed}"
            );
            last_status = Some(status);
            printed
        };
        let actual: Vec<&str> = output.lines().map(str::trim_end).collect();
        let mut from = 0;
        for expected in &step.expected {
            match actual[from..].iter().position(|a| matches(expected, a)) {
                Some(k) => from += k + 1,
                None => panic!(
                    "{where_}: expected the line\n  {expected}\nin order in the output:\n{output}"
                ),
            }
        }
    }
}

/// Plays one documentation page; returns how many examples it ran.
fn play(page: &Path) -> usize {
    let name = page
        .strip_prefix(ROOT)
        .unwrap_or(page)
        .display()
        .to_string();
    let source = fs::read_to_string(page).unwrap_or_else(|e| panic!("{name}: {e}"));
    let dir = common::scratch_dir("docs-");
    let mut examples = 0;
    for block in blocks(&source) {
        let mut words = block.info.split_whitespace();
        let lang = words.next().unwrap_or("");
        let file = words.find_map(|w| w.strip_prefix("file="));
        if let Some(file) = file {
            let target = dir.path().join(file);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).expect("create the example's folder");
            }
            fs::write(&target, &block.text).expect("write the example file");
            examples += 1;
        } else if lang == "console" {
            run_console(&name, &block, dir.path());
            examples += 1;
        } else {
            assert!(
                !FILE_LANGS.contains(&lang),
                "{name}:{}: a `{lang}` block must name its file (```{lang} file=PATH) so that it is tested, or be `text`",
                block.line
            );
        }
    }
    examples
}

fn doc_pages() -> Vec<PathBuf> {
    let mut pages = vec![Path::new(ROOT).join("README.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir(Path::new(ROOT).join("docs"))
        .expect("the docs folder")
        .map(|e| e.expect("docs entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

#[test]
fn every_example_in_the_docs_runs() {
    let mut failures = Vec::new();
    let mut total = 0;
    for page in doc_pages() {
        match std::panic::catch_unwind(|| play(&page)) {
            Ok(n) => total += n,
            Err(e) => failures.push(
                e.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default(),
            ),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(total > 0, "no example was found in the docs");
}

#[test]
fn links_between_doc_pages_lead_to_files() {
    let link = regex::Regex::new(r"\]\(([^)\s#]+)(#[^)]*)?\)").expect("regex");
    // Links shown as code (`[Ana](../replies/001-ana.md)`) are examples, not links.
    let code = regex::Regex::new(r"`[^`]*`").expect("regex");
    for page in doc_pages() {
        let source = fs::read_to_string(&page).expect("read page");
        let mut in_fence = false;
        for (n, line) in source.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
            }
            if in_fence {
                continue;
            }
            let line = code.replace_all(line, "");
            for cap in link.captures_iter(&line) {
                let target = &cap[1];
                if target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                let path = page.parent().expect("page folder").join(target);
                assert!(
                    path.exists(),
                    "{}:{}: link to `{target}`, which does not exist",
                    page.display(),
                    n + 1
                );
            }
        }
    }
}

#[test]
fn the_matcher_understands_ellipsis() {
    assert!(matches("built … pages in … s", "built 12 pages in 0.3 s"));
    assert!(matches("exact", "exact"));
    assert!(!matches("exact", "exactly"));
    assert!(!matches("built … pages", "built 12 files"));
    assert!(matches("…", "anything"));
}

#[test]
fn the_repository_needs_nothing_beside_it() {
    let beside = ["..", "shared"].join("/");
    let skip = ["target", "node_modules", ".git", "fuzz/target"];
    for entry in walkdir::WalkDir::new(ROOT).into_iter().filter_entry(|e| {
        let rel = e.path().strip_prefix(ROOT).unwrap_or(e.path());
        !skip.iter().any(|s| rel == Path::new(s))
    }) {
        let entry = entry.expect("readable entry");
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(text) = fs::read_to_string(entry.path()) else {
            continue; // not text
        };
        assert!(
            !text.contains(&beside),
            "{} refers to `{beside}`, which a clone of the repository does not have",
            entry.path().display()
        );
    }
}
