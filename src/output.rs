//! Writing the site: writing what changed beside the old site first, then
//! applying it in place (small changes) or swapping the new folder in whole.
//! A failed build never touches the previous site, and palabre never deletes
//! a folder it did not make. The table of the files written tells the next
//! build which files it can keep.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diagnostic::Diagnostic;
use crate::util::{cache_header, lock};

/// The file palabre leaves in every output folder it creates: its mark that
/// the folder may be replaced on the next build.
pub const MARKER: &str = ".palabre-output";

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
    /// Whether there is a current output: without one (a first build),
    /// nothing is looked up in it.
    has_output: bool,
    /// Files of the current output that the new site keeps as they are.
    kept: Mutex<Vec<String>>,
    /// Files written into the staging folder.
    written: Mutex<Vec<String>>,
}

impl Staging {
    /// Starts a new site in a hidden folder beside `output`, after tidying up
    /// what a killed build may have left there.
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
            has_output: output.is_dir(),
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
        let all = self.has_output
            && paths.iter().all(|path| {
                fs::symlink_metadata(self.output.join(path)).is_ok_and(|m| m.is_file())
            });
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
        let same = self.has_output
            && fs::metadata(&old).is_ok_and(|m| m.len() == bytes.len() as u64)
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
    /// are swapped. What the old site no longer uses is left in a folder
    /// beside it, for the caller to remove ([`Leftovers`]).
    pub fn commit<'p>(
        mut self,
        previous: Option<impl Iterator<Item = &'p String>>,
    ) -> io::Result<Leftovers> {
        let written = std::mem::take(&mut *lock(&self.written));
        let kept = std::mem::take(&mut *lock(&self.kept));
        if !self.output.exists() {
            self.write(MARKER, MARKER_TEXT)?;
            fs::rename(&self.dir, &self.output)?;
            return Ok(Leftovers(None));
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

    fn update_in_place(
        &mut self,
        written: &[String],
        removed: &[&String],
    ) -> io::Result<Leftovers> {
        // Each file replaced keeps a second name in the staging folder, so
        // that the rename does not free it: freeing a large file can take
        // tens of milliseconds (more where the disk is told of freed
        // blocks), which the caller spends beside other work instead.
        let replaced = self.dir.join(REPLACED);
        fs::create_dir(&replaced)?;
        for (n, path) in written.iter().enumerate() {
            let target = self.output.join(path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            // A new file, or a file system without hard links: nothing kept.
            let _ = fs::hard_link(&target, replaced.join(n.to_string()));
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
        Ok(Leftovers(Some(std::mem::take(&mut self.dir))))
    }

    /// Swaps the staging folder in place of the output folder; the old
    /// output is left aside.
    fn swap(self) -> io::Result<Leftovers> {
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
        Ok(Leftovers(Some(old)))
    }
}

impl Drop for Staging {
    /// Whatever is left of the staging folder goes: all of it when the build
    /// failed, nothing after a swap (it became the output folder) or once it
    /// was handed over as [`Leftovers`].
    fn drop(&mut self) {
        if !self.dir.as_os_str().is_empty() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// The folder in the staging folder that keeps the files a small change
/// replaced, until they are removed with it.
const REPLACED: &str = ".replaced";

/// What a committed site left beside it: the previous output after a swap,
/// or the staging folder with the files replaced in place. The site is
/// complete without it; [`Leftovers::remove`] deletes it, and a folder left
/// behind by a killed build is removed by the next one.
#[must_use = "the folder left beside the site stays on disk until removed"]
pub struct Leftovers(Option<PathBuf>);

impl Leftovers {
    /// Deletes the folder.
    pub fn remove(mut self) -> io::Result<()> {
        self.0.take().map_or(Ok(()), fs::remove_dir_all)
    }
}

impl Drop for Leftovers {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

const MARKER_TEXT: &[u8] = b"This folder is written by palabre; it is replaced on every build.\n";

/// The table of the output's files, kept in the build cache
/// ([`crate::store::Store::dir`]).
const FILES_TABLE: &str = "files.tsv";

/// Files of the output, each with its hash (see [`OutputTable::files`]).
pub type FileHashes = Vec<(String, blake3::Hash)>;

/// What the last build wrote: the table `files.tsv`, one file per line
/// (path, hash, and the key of the job that made it, for extra files).
#[derive(Default)]
pub struct OutputTable {
    /// Every file of the output with its hash: for a page, the fingerprint
    /// it was rendered from; for other files, their bytes' hash.
    pub files: HashMap<String, blake3::Hash>,
    /// The files each extra-file job made, by the job's key.
    pub jobs: HashMap<blake3::Hash, FileHashes>,
}

impl OutputTable {
    /// The table of the current output's files, kept in the cache folder
    /// `cache`; empty when unknown.
    pub fn read(cache: &Path) -> OutputTable {
        let mut table = OutputTable::default();
        let Ok(text) = fs::read_to_string(cache.join(FILES_TABLE)) else {
            return table;
        };
        let mut lines = text.lines();
        if lines.next() != Some(cache_header().as_str()) {
            return table;
        }
        for line in lines {
            let mut fields = line.split('\t');
            let (Some(path), Some(Ok(hash))) =
                (fields.next(), fields.next().map(blake3::Hash::from_hex))
            else {
                continue;
            };
            match fields.next().map(blake3::Hash::from_hex) {
                Some(Ok(job)) => table
                    .jobs
                    .entry(job)
                    .or_default()
                    .push((path.to_string(), hash)),
                // A file whose job cannot be told is not counted as any
                // job's: that job runs again.
                Some(Err(_)) => continue,
                None => {}
            }
            table.files.insert(path.to_string(), hash);
        }
        table
    }

    /// Forgets the table of files: called before the output changes, so
    /// that a table can never describe another output than the one on disk.
    pub fn forget(cache: &Path) -> io::Result<()> {
        match fs::remove_file(cache.join(FILES_TABLE)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Saves the table of the output's files: `files` as [`OutputTable::files`],
    /// `jobs` as [`OutputTable::jobs`] (their files need not be in `files`).
    pub fn save(
        cache: &Path,
        files: &[(String, blake3::Hash)],
        jobs: &[(blake3::Hash, FileHashes)],
    ) -> io::Result<()> {
        fs::create_dir_all(cache)?;
        let mut text = cache_header();
        text.push('\n');
        let rows = files.iter().map(|(path, hash)| (path, hash, None));
        let job_rows = jobs
            .iter()
            .flat_map(|(job, made)| made.iter().map(move |(path, hash)| (path, hash, Some(job))));
        for (path, hash, job) in rows.chain(job_rows) {
            text.push_str(path);
            text.push('\t');
            text.push_str(&hash.to_hex());
            if let Some(job) = job {
                text.push('\t');
                text.push_str(&job.to_hex());
            }
            text.push('\n');
        }
        let tmp = cache.join(format!("{FILES_TABLE}.tmp"));
        fs::write(&tmp, text)?;
        fs::rename(tmp, cache.join(FILES_TABLE))
    }
}
