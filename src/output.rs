//! Writing the site: minifying HTML, and building the new site beside the old
//! one so that it is swapped in whole. A failed build never leaves a
//! half-written site, and palabre never deletes a folder it did not make.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// The file palabre leaves in every output folder it creates: its mark that
/// the folder may be replaced on the next build.
pub const MARKER: &str = ".palabre-output";

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

/// A new site being written beside the output folder. It replaces the output
/// folder only on [`Staging::commit`]; dropped before that, it is removed and
/// the previous site stays as it was.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    committed: bool,
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
        fs::write(
            dir.join(MARKER),
            b"This folder is written by palabre; it is replaced on every build.\n",
        )?;
        Ok(Staging {
            dir,
            output,
            committed: false,
        })
    }

    /// Writes one file; `path` is relative to the site's root and comes from
    /// palabre's own page paths, never straight from user input.
    pub fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(target, bytes)
    }

    /// Carries `path` over unchanged from the current output folder: a hard
    /// link, so its bytes and modification time stay as they were and a sync
    /// to the host skips it.
    pub fn reuse(&self, path: &str) -> io::Result<()> {
        let target = self.dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::hard_link(self.output.join(path), target)
    }

    /// Writes `bytes` unless the current output already has them at `path`,
    /// in which case the old file is carried over.
    pub fn write_if_changed(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let same = fs::read(self.output.join(path)).is_ok_and(|old| old == bytes);
        if same && self.reuse(path).is_ok() {
            return Ok(());
        }
        self.write(path, bytes)
    }

    /// Swaps the new site in place of the old one.
    pub fn commit(mut self) -> io::Result<()> {
        let old = self.dir.with_file_name(
            self.dir
                .file_name()
                .map(|n| n.to_string_lossy().replace("palabre-new", "palabre-old"))
                .unwrap_or_default(),
        );
        if self.output.exists() {
            fs::rename(&self.output, &old)?;
            if let Err(e) = fs::rename(&self.dir, &self.output) {
                // Put the previous site back before reporting.
                let _ = fs::rename(&old, &self.output);
                return Err(e);
            }
            self.committed = true;
            fs::remove_dir_all(&old)
        } else {
            fs::rename(&self.dir, &self.output)?;
            self.committed = true;
            Ok(())
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}
