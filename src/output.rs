//! Writing the site: minifying HTML, and building the new site beside the old
//! one so that it is swapped in whole. A failed build never leaves a
//! half-written site, and palabre never deletes a folder it did not make.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;

/// The file palabre leaves in every output folder it creates: its mark that
/// the folder may be replaced on the next build.
pub const MARKER: &str = ".palabre-output";

/// One file of the site: its path under the output folder and its bytes.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

pub fn minify(html: &str) -> Vec<u8> {
    let cfg = minify_html::Cfg {
        minify_css: true,
        // minify-html's JS minifier is known to break scripts: leave them as written.
        minify_js: false,
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        ..minify_html::Cfg::default()
    };
    minify_html::minify(html.as_bytes(), &cfg)
}

/// The absolute form of `p`, whether or not it exists yet.
fn absolute(p: &Path) -> io::Result<PathBuf> {
    if let Ok(c) = p.canonicalize() {
        return Ok(c);
    }
    let abs = std::path::absolute(p)?;
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => Ok(absolute(parent)?.join(name)),
        _ => Ok(abs),
    }
}

/// Refuses an output folder that would put the user's files at risk: the
/// content folder itself, one that holds it or lies inside it, or a non-empty
/// folder palabre did not create (unless `force`).
pub fn check_output_dir(content: &Path, output: &Path, force: bool) -> Result<(), Diagnostic> {
    let io_err = |e: io::Error| {
        Diagnostic::error(output, None, format!("cannot use the output folder: {e}"))
    };
    let out = absolute(output).map_err(io_err)?;
    let content = absolute(content).map_err(io_err)?;
    if out == content || content.starts_with(&out) {
        return Err(Diagnostic::error(output, None, "the output folder is or contains the content folder")
            .hint("choose another --output, e.g. `public`: palabre replaces the output folder on every build"));
    }
    if out.starts_with(&content) {
        return Err(Diagnostic::error(
            output,
            None,
            "the output folder is inside the content folder",
        )
        .hint("choose an --output outside the content folder"));
    }
    if out.is_dir() && !out.join(MARKER).exists() && !force {
        let empty = fs::read_dir(&out).map_err(io_err)?.next().is_none();
        if !empty {
            return Err(Diagnostic::error(output, None, "the output folder is not empty and was not made by palabre")
                .hint("palabre replaces the whole output folder: choose an empty or new folder, or pass --force to replace it"));
        }
    }
    if out.exists() && !out.is_dir() {
        return Err(
            Diagnostic::error(output, None, "the output path is a file, not a folder")
                .hint("choose a folder"),
        );
    }
    Ok(())
}

/// Writes `files` into a fresh folder beside `output`, then swaps it in place
/// of `output`. Until the swap, `output` is untouched.
pub fn write_site(output: &Path, files: &[OutputFile]) -> io::Result<()> {
    let out = absolute(output)?;
    let parent = out
        .parent()
        .ok_or_else(|| io::Error::other("the output folder has no parent folder"))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    fs::create_dir_all(parent)?;
    let staging = parent.join(format!(".{name}.palabre-new-{}", std::process::id()));
    let old = parent.join(format!(".{name}.palabre-old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let result = write_all(&staging, files).and_then(|()| {
        if out.exists() {
            fs::rename(&out, &old)?;
            if let Err(e) = fs::rename(&staging, &out) {
                // Put the previous site back before reporting.
                let _ = fs::rename(&old, &out);
                return Err(e);
            }
            fs::remove_dir_all(&old)
        } else {
            fs::rename(&staging, &out)
        }
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_all(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(
        dir.join(MARKER),
        b"This folder is written by palabre; it is replaced on every build.\n",
    )?;
    let mut dirs: Vec<&Path> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent())
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        fs::create_dir_all(dir.join(d))?;
    }
    files
        .par_iter()
        .try_for_each(|f| fs::write(dir.join(&f.path), &f.bytes))
}
