//! Writing the site: minifying HTML, and writing what changed beside the old
//! site first, then applying it in place (small changes) or swapping the new
//! folder in whole. A failed build never touches the previous site, and
//! palabre never deletes a folder it did not make.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;

/// The file palabre leaves in every output folder it creates: its mark that
/// the folder may be replaced on the next build.
pub const MARKER: &str = ".palabre-output";

/// Wraps, in a theme's templates, a part of a page that can be minified on
/// its own: whole elements, with no part inside. A report shows thousands of
/// replies: minified part by part, side by side, it needs neither one thread
/// nor one document tree of tens of megabytes.
const PART_OPEN: &str = "<palabre-part>";
const PART_CLOSE: &str = "</palabre-part>";

/// `html`, minified; its parts (see [`PART_OPEN`]) each on their own, and
/// their wrappers dropped.
pub fn minify(html: &str) -> Vec<u8> {
    let mut outer = String::new();
    let mut parts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(PART_OPEN) {
        let after = &rest[start + PART_OPEN.len()..];
        let Some(end) = after.find(PART_CLOSE) else {
            break;
        };
        outer.push_str(&rest[..start]);
        // What stands for the part in the page until it is put back.
        outer.push_str(&format!("{PART_OPEN}{}{PART_CLOSE}", parts.len()));
        parts.push(&after[..end]);
        rest = &after[end + PART_CLOSE.len()..];
    }
    if parts.is_empty() {
        return minify_whole(html);
    }
    outer.push_str(rest);
    let parts: Vec<Vec<u8>> = parts.par_iter().map(|p| minify_whole(p)).collect();
    let outer = minify_whole(&outer);
    let mut out = Vec::with_capacity(outer.len() + parts.iter().map(Vec::len).sum::<usize>());
    for piece in Placeholders::new(&outer, PART_OPEN, PART_CLOSE) {
        match piece {
            Piece::Text(text) => out.extend_from_slice(text),
            Piece::Placeholder(n) => out.extend_from_slice(parts.get(n).map_or(&[][..], |p| p)),
        }
    }
    out
}

/// A page cut at its placeholders, `<tag>N</tag>` tags that stand for
/// something put in later (a part minified apart, a reply's HTML).
pub struct Placeholders<'a> {
    rest: &'a [u8],
    open: &'a str,
    close: &'a str,
    /// The number of the placeholder met, to give after the text before it.
    next: Option<usize>,
}

pub enum Piece<'a> {
    Text(&'a [u8]),
    /// A placeholder's number (`usize::MAX` when it is not a number).
    Placeholder(usize),
}

impl<'a> Placeholders<'a> {
    pub fn new(page: &'a [u8], open: &'a str, close: &'a str) -> Placeholders<'a> {
        Placeholders {
            rest: page,
            open,
            close,
            next: None,
        }
    }
}

impl<'a> Iterator for Placeholders<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        if let Some(n) = self.next.take() {
            return Some(Piece::Placeholder(n));
        }
        if self.rest.is_empty() {
            return None;
        }
        let found = memchr::memmem::find(self.rest, self.open.as_bytes()).and_then(|start| {
            let after = &self.rest[start + self.open.len()..];
            let end = memchr::memmem::find(after, self.close.as_bytes())?;
            Some((start, after, end))
        });
        let Some((start, after, end)) = found else {
            return Some(Piece::Text(std::mem::take(&mut self.rest)));
        };
        let text = &self.rest[..start];
        self.next = Some(
            std::str::from_utf8(&after[..end])
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(usize::MAX),
        );
        self.rest = &after[end + self.close.len()..];
        Some(Piece::Text(text))
    }
}

fn minify_whole(html: &str) -> Vec<u8> {
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

/// Tidies up after a build that was killed: its half-written staging folder
/// is removed, and a previous site left aside between the two renames of a
/// swap is put back. Folders of builds still running are left alone.
fn recover_interrupted(parent: &Path, name: &str, output: &Path) -> io::Result<()> {
    let new_prefix = format!(".{name}.palabre-new-");
    let old_prefix = format!(".{name}.palabre-old-");
    for entry in fs::read_dir(parent)? {
        let path = entry?.path();
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (pid, is_old) = match (
            file.strip_prefix(&new_prefix),
            file.strip_prefix(&old_prefix),
        ) {
            (Some(pid), _) => (pid, false),
            (_, Some(pid)) => (pid, true),
            _ => continue,
        };
        if pid
            .parse::<u32>()
            .is_ok_and(|p| p == std::process::id() || process_is_running(p))
        {
            continue;
        }
        if is_old && !output.exists() {
            fs::rename(&path, output)?;
        } else {
            fs::remove_dir_all(&path)?;
        }
    }
    Ok(())
}

/// Whether process `pid` exists; where that cannot be told, assume it does,
/// so that nothing of a running build is ever removed.
fn process_is_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// A new site being written beside the output folder. Only the files that
/// changed are written there; the others are kept from the current output.
/// Nothing touches the output folder before [`Staging::commit`]; dropped
/// before that, the staging folder is removed and the previous site stays as
/// it was.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    /// Files of the current output that the new site keeps as they are.
    kept: Mutex<Vec<String>>,
    /// Files written into the staging folder.
    written: Mutex<Vec<String>>,
}

impl Staging {
    pub fn new(output: &Path) -> io::Result<Staging> {
        let output = absolute(output)?;
        let parent = output
            .parent()
            .ok_or_else(|| io::Error::other("the output folder has no parent folder"))?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        fs::create_dir_all(parent)?;
        recover_interrupted(parent, &name, &output)?;
        let dir = parent.join(format!(".{name}.palabre-new-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir(&dir)?;
        Ok(Staging {
            dir,
            output,
            kept: Mutex::default(),
            written: Mutex::default(),
        })
    }

    /// Writes one file; `path` is relative to the site's root and comes from
    /// palabre's own page paths, never straight from user input.
    pub fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(target, bytes)?;
        lock(&self.written).push(path.to_string());
        Ok(())
    }

    /// Keeps `path` of the current output as it is (same bytes, same
    /// modification time, so a sync to the host skips it); `false` when the
    /// current output does not have it.
    pub fn keep(&self, path: &str) -> bool {
        self.keep_all(&[path])
    }

    /// Keeps every file of `paths` when the current output has them all,
    /// else none (so that none is kept twice when they are written again).
    pub fn keep_all(&self, paths: &[&str]) -> bool {
        let all = paths
            .iter()
            .all(|path| fs::symlink_metadata(self.output.join(path)).is_ok_and(|m| m.is_file()));
        if all {
            lock(&self.kept).extend(paths.iter().map(|p| p.to_string()));
        }
        all
    }

    /// Writes `bytes` unless the current output already has them at `path`,
    /// in which case the old file is kept.
    pub fn write_if_changed(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let old = self.output.join(path);
        // Comparing sizes first spares reading most changed files.
        let same = fs::metadata(&old).is_ok_and(|m| m.len() == bytes.len() as u64)
            && fs::read(&old).is_ok_and(|old| old == bytes);
        if same && self.keep(path) {
            return Ok(());
        }
        self.write(path, bytes)
    }

    /// Puts the new site in place of the old one. `previous` lists every file
    /// of the current output when it is known (from the build cache): then a
    /// small change is applied in place, file by file, each replaced whole by
    /// a rename, and files the new site no longer has are deleted. Otherwise
    /// the kept files are linked into the staging folder and the two folders
    /// are swapped.
    pub fn commit<'p>(self, previous: Option<impl Iterator<Item = &'p String>>) -> io::Result<()> {
        let written = std::mem::take(&mut *lock(&self.written));
        let kept = std::mem::take(&mut *lock(&self.kept));
        if !self.output.exists() {
            self.write(MARKER, MARKER_TEXT)?;
            return fs::rename(&self.dir, &self.output);
        }
        if let Some(previous) = previous {
            let new: HashSet<&str> = written.iter().chain(&kept).map(String::as_str).collect();
            let removed: Vec<&String> = previous
                .filter(|p| !new.contains(p.as_str()) && p.as_str() != MARKER)
                .collect();
            if written.len() + removed.len() <= new.len() / 2 {
                return self.update_in_place(&written, &removed);
            }
        }
        for path in &kept {
            let target = self.dir.join(path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::hard_link(self.output.join(path), target)?;
        }
        self.write(MARKER, MARKER_TEXT)?;
        self.swap()
    }

    fn update_in_place(self, written: &[String], removed: &[&String]) -> io::Result<()> {
        for path in written {
            let target = self.output.join(path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::rename(self.dir.join(path), target)?;
        }
        for path in removed {
            let target = self.output.join(path);
            match fs::remove_file(&target) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            // Folders left empty go too (a reply's page folder).
            let mut dir = target.parent();
            while let Some(d) = dir.filter(|d| *d != self.output) {
                if fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        if !self.output.join(MARKER).exists() {
            fs::write(self.output.join(MARKER), MARKER_TEXT)?;
        }
        fs::remove_dir_all(&self.dir)
    }

    /// Swaps the staging folder in place of the output folder.
    fn swap(self) -> io::Result<()> {
        let old = self.dir.with_file_name(
            self.dir
                .file_name()
                .map(|n| n.to_string_lossy().replace("palabre-new", "palabre-old"))
                .unwrap_or_default(),
        );
        fs::rename(&self.output, &old)?;
        if let Err(e) = fs::rename(&self.dir, &self.output) {
            // Put the previous site back before reporting.
            let _ = fs::rename(&old, &self.output);
            return Err(e);
        }
        fs::remove_dir_all(&old)
    }
}

impl Drop for Staging {
    /// Whatever is left of the staging folder goes: all of it when the build
    /// failed, nothing after a swap (it became the output folder).
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

const MARKER_TEXT: &[u8] = b"This folder is written by palabre; it is replaced on every build.\n";

/// What `m` guards, even if another thread panicked while holding it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_minified_apart_and_their_wrappers_dropped() {
        let card = |n: u32| {
            format!(
                "<article class=\"reply\">\n  <h3> Reply  {n} </h3>\n  <p>Some   text.</p>\n</article>"
            )
        };
        let cards: Vec<String> = (1..=3).map(card).collect();
        let page = |cards: &[String]| {
            format!(
                "<!doctype html>\n<html><head><title> T </title></head>\n<body>\n  <section>\n    {}\n  </section>\n</body></html>",
                cards.concat()
            )
        };
        let wrapped: Vec<String> = cards
            .iter()
            .map(|c| format!("{PART_OPEN}{c}{PART_CLOSE}"))
            .collect();
        let minified = minify(&page(&wrapped));
        assert_eq!(minified, minify_whole(&page(&cards)));
        let text = String::from_utf8(minified).expect("utf-8");
        assert!(!text.contains("palabre-part"), "{text}");
        assert!(text.contains("<h3>Reply 3</h3>"), "{text}");
    }
}
