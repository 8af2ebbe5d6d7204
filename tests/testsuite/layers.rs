//! The library's modules are layers: each uses only the modules before it in
//! [`LAYERS`], so that no import goes up or around in a circle. The table at
//! the top of `src/lib.rs` lists the same modules in the same order.

use std::fs;
use std::path::{Path, PathBuf};

/// The library's modules, lowest first.
const LAYERS: &[&str] = &[
    "util",
    "lang",
    "diagnostic",
    "style",
    "config",
    "model",
    "frontmatter",
    "markdown",
    "site",
    "store",
    "content",
    "import",
    "translations",
    "theme",
    "i18n",
    "links",
    "extras",
    "brief",
    "render",
    "output",
    "build",
];

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// Files and folders of `src/` that are not the library's modules: the
/// crate roots and the binary's own code.
const NOT_LAYERS: [&str; 3] = ["lib.rs", "main.rs", "cli"];

#[test]
fn every_module_imports_only_the_layers_below_it() {
    let lib = fs::read_to_string(Path::new(SRC).join("lib.rs")).expect("src/lib.rs");
    let mut problems = Vec::new();
    for module in modules(&lib) {
        if !LAYERS.contains(&module.as_str()) {
            problems.push(format!(
                "module `{module}` is not in LAYERS (tests/testsuite/layers.rs): add it at its place, and to the table in src/lib.rs"
            ));
        }
    }
    let reexports = reexports(&lib);
    for file in library_files() {
        let rel = file.strip_prefix(SRC).expect("under src").to_path_buf();
        let module = rel
            .components()
            .next()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .unwrap_or_default();
        let text = fs::read_to_string(&file).expect("source file");
        let name = format!("src/{}", rel.display());
        problems.extend(check_file(&name, &module, &text, &reexports));
    }
    assert!(
        problems.is_empty(),
        "the layers of src/lib.rs are broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_table_in_lib_rs_lists_the_layers_in_order() {
    let lib = fs::read_to_string(Path::new(SRC).join("lib.rs")).expect("src/lib.rs");
    let table: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//! | `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    assert_eq!(table, LAYERS, "the table at the top of src/lib.rs");
}

#[test]
fn upward_and_unknown_imports_are_found_wherever_they_are_written() {
    let source = r#"
//! See [`crate::render`]: a comment is no import.
use crate::lang::Lang;
use crate::{diagnostic::Diagnostic, render::{self, Renderer}};
fn f() {
    let s = "crate::output in a string";
    let c = '"';
    let lifetime: &'static str = "x";
    crate::build(&opts);
    let x = crate::output::minify(s); /* crate::store */
    crate::nothing::here();
}
"#;
    let reexports = vec![("build".to_string(), "build".to_string())];
    let found = check_file("src/model.rs", "model", source, &reexports);
    assert_eq!(
        found,
        [
            "src/model.rs:4: `model` imports `render`, a higher layer (an upward or circular import)",
            "src/model.rs:9: `model` imports `build`, a higher layer (an upward or circular import)",
            "src/model.rs:10: `model` imports `output`, a higher layer (an upward or circular import)",
            "src/model.rs:11: `model` names `crate::nothing`, which is no module of the library",
        ]
    );
    assert!(check_file("src/render.rs", "render", source, &reexports).len() == 3);
}

/// The modules `lib.rs` declares, and the files and folders of `src/`.
fn modules(lib: &str) -> Vec<String> {
    let declared = lib.lines().filter_map(|l| {
        let l = l.trim().trim_start_matches("pub ");
        l.strip_prefix("mod ")?
            .strip_suffix(';')
            .map(|m| m.trim().to_string())
    });
    let on_disk = fs::read_dir(SRC)
        .expect("src/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !NOT_LAYERS.contains(&n.as_str()))
        .map(|n| n.trim_end_matches(".rs").to_string());
    let mut all: Vec<String> = declared.chain(on_disk).collect();
    all.sort();
    all.dedup();
    all
}

/// What `lib.rs` re-exports, `(name, module)`: `crate::build` is the function
/// `build::build`.
fn reexports(lib: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for line in lib.lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = rest.trim_end_matches(';').split_once("::") else {
            continue;
        };
        for item in items.trim_matches(['{', '}']).split(',') {
            let item = item.trim();
            if !item.is_empty() {
                found.push((item.to_string(), module.to_string()));
            }
        }
    }
    found
}

/// Every `.rs` file of the library.
fn library_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::from(SRC)];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("folder of src/") {
            let path = entry.expect("entry").path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if dir == Path::new(SRC) && NOT_LAYERS.contains(&name.as_ref()) {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
            } else if name.ends_with(".rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// What is wrong with the `crate::` paths of `text`, the file `name` of
/// `module`: one line per path to a module that is not below `module`.
fn check_file(name: &str, module: &str, text: &str, reexports: &[(String, String)]) -> Vec<String> {
    let Some(own) = LAYERS.iter().position(|l| *l == module) else {
        return vec![format!("{name}: module `{module}` is not in LAYERS")];
    };
    let code = code_only(text);
    let mut problems = Vec::new();
    for (at, target) in crate_paths(&code) {
        let line = 1 + code[..at].matches('\n').count();
        let target_module = reexports
            .iter()
            .find(|(item, _)| *item == target)
            .map_or(target.as_str(), |(_, m)| m.as_str());
        match LAYERS.iter().position(|l| *l == target_module) {
            Some(i) if i <= own => {}
            Some(_) => problems.push(format!(
                "{name}:{line}: `{module}` imports `{target_module}`, a higher layer (an upward or circular import)"
            )),
            None => problems.push(format!(
                "{name}:{line}: `{module}` names `crate::{target}`, which is no module of the library"
            )),
        }
    }
    problems
}

/// Each `crate::` path of `code` (comments and literals blanked out), as
/// its offset and the first name after `crate::`; a group (`crate::{a, b}`)
/// gives each of its names.
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = code[from..].find("crate").map(|i| i + from) {
        from = i + "crate".len();
        if i > 0 && (is_ident(bytes[i - 1]) || bytes[i - 1] == b'$') {
            continue;
        }
        let rest = code[from..].trim_start();
        let Some(rest) = rest.strip_prefix("::") else {
            continue;
        };
        let rest = rest.trim_start();
        let at = code.len() - rest.len();
        if let Some(group) = rest.strip_prefix('{') {
            // The names at the group's top level.
            let mut depth = 0;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_ascii_alphanumeric() || c == '_') => {
                        item_start = false;
                        let name: String = group[j..]
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        found.push((at + 1 + j, name));
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push((at, name));
            }
        }
    }
    found
}

/// `text` with its comments, strings and character literals blanked out,
/// lines kept where they are.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let prev_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        let start = i;
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(&chars, i, prev_ident) {
            // r"...", r#"..."#, br"...": up to the quote and as many `#`.
            i += hashes.0;
            let end: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes.1))
                .collect();
            let end: Vec<char> = end.chars().collect();
            while i < chars.len() && !chars[i..].starts_with(&end) {
                i += 1;
            }
            i = (i + end.len()).min(chars.len());
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i = (i + 1).min(chars.len());
        } else if c == '\'' && next == Some('\\') {
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i = (i + 1).min(chars.len());
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            i += 3;
        } else {
            out.push(c);
            i += 1;
            continue;
        }
        out.extend(chars[start..i].iter().map(|&c| blank(c)));
    }
    out
}

/// At `chars[i]`, the start of a raw string: how many characters lead to
/// its text, and how many `#` close it.
fn raw_string_start(chars: &[char], i: usize, prev_ident: bool) -> Option<(usize, usize)> {
    if prev_ident {
        return None;
    }
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    j += hashes;
    (chars.get(j) == Some(&'"')).then_some((j + 1 - i, hashes))
}
