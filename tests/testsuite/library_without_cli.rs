//! The library uses none of the command line's crates: they are the binary's
//! (src/main.rs and src/cli/), so that the library can be used, built and
//! tested without them. Cargo has no dependencies for the binary alone, so
//! the sources are read instead.

use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;

/// Argument parsing, progress bars, the HTTP server of `serve`, file
/// watching, opening a browser.
const CLI_CRATES: [&str; 5] = ["clap", "indicatif", "tiny_http", "notify", "opener"];

/// How many `.rs` files were read, and each line that names one of
/// `CLI_CRATES` (`clap::…`, `use indicatif::{…}`, `extern crate opener`):
/// the crate, and `src/<file>:<line>: <text>`. `binary` picks the files of
/// the binary (true) or of the library (false).
fn lines_naming_cli_crates(binary: bool) -> (usize, Vec<(String, String)>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let names = CLI_CRATES.join("|");
    let pattern =
        Regex::new(&format!(r"\b({names})\s*::|\bextern\s+crate\s+({names})\b")).expect("pattern");
    let mut files = 0;
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("src")).sort_by_file_name() {
        let entry = entry.expect("read src/");
        let path = entry.path();
        let rel: PathBuf = path.strip_prefix(root).expect("under the root").into();
        let in_binary = rel == Path::new("src/main.rs") || rel.starts_with("src/cli");
        if in_binary != binary || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        files += 1;
        let text = fs::read_to_string(path).expect("read a source file");
        for (i, line) in text.lines().enumerate() {
            for m in pattern.captures_iter(line) {
                let name = m.get(1).or(m.get(2)).map_or("", |n| n.as_str());
                let place = format!("{}:{}: {}", rel.display(), i + 1, line.trim());
                found.push((name.to_string(), place));
            }
        }
    }
    (files, found)
}

#[test]
fn the_library_names_no_crate_of_the_command_line() {
    let (files, found) = lines_naming_cli_crates(false);
    assert!(files > 10, "only {files} library files found under src/");
    assert!(
        found.is_empty(),
        "the library uses crates of the command line ({}):\n{}\n\
         Move this code into the binary (src/main.rs, src/cli/), and give it what it needs \
         from the library through the library's public API (as `palabre::Progress` does for \
         the progress bar of `palabre build`).",
        CLI_CRATES.join(", "),
        found
            .iter()
            .map(|(_, place)| place.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The search above finds these crates where they are used: each is named
/// by the binary.
#[test]
fn the_binary_names_every_crate_of_the_command_line() {
    let (_, found) = lines_naming_cli_crates(true);
    for name in CLI_CRATES {
        assert!(
            found.iter().any(|(crate_name, _)| crate_name == name),
            "{name} is named nowhere in src/main.rs or src/cli/: if palabre no longer \
             uses it, remove it from CLI_CRATES here and from Cargo.toml"
        );
    }
}
