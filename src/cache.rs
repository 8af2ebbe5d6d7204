//! The build cache, kept beside the output folder (never published): every
//! file of the output with what it was made from (and, for the extra files,
//! the key of the job that made it), and every reply as already read (one
//! entry per reply, whose first parts are also kept together in one file).
//! A rebuild after one new reply reads, renders and runs only what depends on it.
//!
//! Anything wrong with the cache (missing, corrupt, from another version)
//! only costs time: entries that cannot be read are computed again.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::UNIX_EPOCH;

use crate::diagnostic::Diagnostic;
use crate::model::{PackedTexts, Reply, StoredTexts};
use crate::output::lock;

const FILES_TABLE: &str = "files.tsv";
const REPLIES_DIR: &str = "replies";
const SEARCH_INDEX: &str = "search-index.bin";
const HEADS: &str = "heads.bin";

pub struct Cache {
    dir: PathBuf,
    /// The reply entries this build used or wrote, by name, with their
    /// heads: the others are stale.
    used: Mutex<BTreeMap<String, Head>>,
    /// The heads of the entries the last build used, all in one file: a
    /// rebuild reads that file instead of 20,000 entries' first bytes. Each
    /// moves to `used` when its reply is read.
    heads: OnceLock<Mutex<HashMap<String, Head>>>,
    /// Whether the heads file is to be written again.
    heads_changed: AtomicBool,
}

/// The first part of a reply cache entry (see [`write_entry`]), as saved
/// in the heads file: the reply without its texts, serialised, and where
/// its texts start in the entry.
#[derive(serde::Serialize, serde::Deserialize)]
struct Head {
    bytes: Vec<u8>,
    texts_at: usize,
}

/// A reply as read from its file, with the warnings reading it gave.
pub type CachedReply = (Reply, Vec<Diagnostic>);

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

impl Cache {
    /// The cache of output folder `output`: `.<name>.palabre-cache` beside it.
    pub fn beside(output: &Path) -> Cache {
        let abs = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
        let name = abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        Cache {
            dir: parent.join(format!(".{name}.palabre-cache")),
            used: Mutex::default(),
            heads: OnceLock::new(),
            heads_changed: AtomicBool::new(false),
        }
    }

    /// The table of the current output's files; empty when unknown.
    pub fn output_files(&self) -> OutputTable {
        let mut table = OutputTable::default();
        let Ok(text) = fs::read_to_string(self.dir.join(FILES_TABLE)) else {
            return table;
        };
        let mut lines = text.lines();
        if lines.next() != Some(header().as_str()) {
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
    pub fn forget_output_files(&self) -> io::Result<()> {
        match fs::remove_file(self.dir.join(FILES_TABLE)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Saves the table of the output's files: `files` as [`OutputTable::files`],
    /// `jobs` as [`OutputTable::jobs`] (their files need not be in `files`).
    pub fn save_output_files(
        &self,
        files: &[(String, blake3::Hash)],
        jobs: &[(blake3::Hash, FileHashes)],
    ) -> io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        let mut text = header();
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
        let tmp = self.dir.join(format!("{FILES_TABLE}.tmp"));
        fs::write(&tmp, text)?;
        fs::rename(tmp, self.dir.join(FILES_TABLE))
    }

    /// Removes the reply entries this build did not use (those of replies
    /// edited or deleted since, or read under other settings), and saves the
    /// heads of the others. Called after a successful build, so that the
    /// cache does not grow with every edit.
    pub fn save_replies(&self) -> io::Result<()> {
        let used = lock(&self.used);
        // Entries deleted by hand, folder and all, are stored again next time.
        let entries: Vec<fs::DirEntry> = match fs::read_dir(self.dir.join(REPLIES_DIR)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            entries => entries?.collect::<io::Result<_>>()?,
        };
        // The heads of the entries still there: one found damaged during the
        // build was removed, and its reply is to be read and stored again.
        let mut kept = BTreeMap::new();
        let mut changed = self.heads_changed.load(Ordering::Relaxed);
        for entry in entries {
            match used.get_key_value(entry.file_name().to_string_lossy().as_ref()) {
                Some((name, head)) => {
                    kept.insert(name, head);
                }
                None => {
                    fs::remove_file(entry.path())?;
                    changed = true;
                }
            }
        }
        // Heads left unused belong to stale entries.
        changed |= kept.len() != used.len() || !lock(self.saved_heads()).is_empty();
        if !changed {
            return Ok(());
        }
        let mut bytes = postcard::to_allocvec(&header()).map_err(io::Error::other)?;
        bytes.extend(postcard::to_allocvec(&kept).map_err(io::Error::other)?);
        let tmp = self.dir.join(format!("{HEADS}.tmp"));
        fs::write(&tmp, bytes)?;
        fs::rename(tmp, self.dir.join(HEADS))
    }

    /// The heads saved by the last build; none when missing, unreadable or
    /// saved by another version.
    fn saved_heads(&self) -> &Mutex<HashMap<String, Head>> {
        self.heads.get_or_init(|| {
            let read = || -> Option<HashMap<String, Head>> {
                let bytes = fs::read(self.dir.join(HEADS)).ok()?;
                let (version, rest): (String, &[u8]) = postcard::take_from_bytes(&bytes).ok()?;
                if version != header() {
                    return None;
                }
                postcard::from_bytes(rest).ok()
            };
            Mutex::new(read().unwrap_or_default())
        })
    }

    /// Where the search index is kept between builds (see [`crate::extras::search`]).
    pub fn search_index(&self) -> PathBuf {
        self.dir.join(SEARCH_INDEX)
    }

    /// The reply in `path`, from the cache when the file has not changed
    /// since (same size and modification time, same `context`), else from
    /// `read`, whose successful result is then stored. A reply from the cache
    /// comes without its texts, which are read from there when needed, or
    /// with `again` (reading the reply's file) when the cache fails them.
    pub fn reply<E>(
        &self,
        path: &Path,
        context: &blake3::Hash,
        read: impl FnOnce() -> Result<CachedReply, E>,
        again: Box<dyn Fn() -> Option<PackedTexts> + Send + Sync>,
    ) -> Result<CachedReply, E> {
        let Some(key) = reply_key(path, context) else {
            return read();
        };
        let name = key.to_hex().to_string();
        let file = self.dir.join(REPLIES_DIR).join(&name);
        let use_entry = |head: Head| {
            lock(&self.used).insert(name.clone(), head);
        };
        // Its head from the heads file, else from the entry itself (a build
        // stopped before saving the heads file).
        let saved = lock(self.saved_heads()).remove(&name);
        let head = saved.or_else(|| {
            self.heads_changed.store(true, Ordering::Relaxed);
            read_entry_head(&file)
        });
        let cached = head.and_then(|head| {
            let reply: CachedReply = postcard::from_bytes(&head.bytes).ok()?;
            Some((reply, head))
        });
        if let Some(((mut reply, warnings), head)) = cached {
            let stored = CachedTexts {
                file,
                offset: head.texts_at,
                hash: reply.texts.hash(),
                again,
            };
            reply.texts.store(Box::new(stored));
            use_entry(head);
            return Ok((reply, warnings));
        }
        let value = read()?;
        // A cache that cannot be written only makes the next build slower.
        self.heads_changed.store(true, Ordering::Relaxed);
        if let Ok(head) = write_entry(&file, &value) {
            use_entry(head);
        }
        Ok(value)
    }
}

/// A reply cache entry is the reply without its texts (see
/// [`crate::model::ReplyTexts`]) then its texts, each after its length:
/// reading a reply from the cache reads only the first part. Returns that part.
fn write_entry(file: &Path, (reply, warnings): &CachedReply) -> io::Result<Head> {
    let texts = reply.texts.get()?;
    let head = postcard::to_allocvec(&(reply, warnings)).map_err(io::Error::other)?;
    let texts = postcard::to_allocvec(texts).map_err(io::Error::other)?;
    let mut bytes = Vec::with_capacity(ENTRY_LENGTHS + head.len() + texts.len());
    for part in [&head, &texts] {
        let len = u32::try_from(part.len()).map_err(io::Error::other)?;
        bytes.extend_from_slice(&len.to_le_bytes());
    }
    bytes.extend_from_slice(&head);
    bytes.extend_from_slice(&texts);
    fs::create_dir_all(file.parent().unwrap_or(file))?;
    fs::write(file, bytes)?;
    Ok(Head {
        texts_at: ENTRY_LENGTHS + head.len(),
        bytes: head,
    })
}

/// The two lengths an entry starts with.
const ENTRY_LENGTHS: usize = 8;

/// The head of a cache entry; `None` when the entry is missing or cut short.
fn read_entry_head(file: &Path) -> Option<Head> {
    let mut f = fs::File::open(file).ok()?;
    // Most heads are well under this: one read.
    let mut buf = Vec::with_capacity(4096);
    (&mut f).take(4096).read_to_end(&mut buf).ok()?;
    let len = |at: usize| -> Option<usize> {
        let bytes = buf.get(at..at + 4)?.try_into().ok()?;
        usize::try_from(u32::from_le_bytes(bytes)).ok()
    };
    let (head_len, texts_len) = (len(0)?, len(4)?);
    let texts_at = ENTRY_LENGTHS + head_len;
    // An entry cut short (a build stopped while writing it) is not used.
    if f.metadata().ok()?.len() != (texts_at + texts_len) as u64 {
        return None;
    }
    if buf.len() < texts_at {
        let start = buf.len();
        buf.resize(texts_at, 0);
        f.read_exact(&mut buf[start..]).ok()?;
    }
    buf.truncate(texts_at);
    buf.drain(..ENTRY_LENGTHS);
    Some(Head {
        bytes: buf,
        texts_at,
    })
}

/// A reply's texts in its cache entry.
struct CachedTexts {
    file: PathBuf,
    offset: usize,
    hash: [u8; 32],
    /// The texts read from the reply's file, should the entry fail.
    again: Box<dyn Fn() -> Option<PackedTexts> + Send + Sync>,
}

impl StoredTexts for CachedTexts {
    fn load(&self) -> io::Result<PackedTexts> {
        let intact = |t: &PackedTexts| t.unpack().is_ok_and(|t| t.hash() == self.hash);
        let cached = fs::read(&self.file)
            .ok()
            .and_then(|bytes| postcard::from_bytes::<PackedTexts>(bytes.get(self.offset..)?).ok());
        if let Some(texts) = cached.filter(intact) {
            return Ok(texts);
        }
        // A damaged entry only costs time: it goes, and the file is read again.
        let _ = fs::remove_file(&self.file);
        (self.again)().filter(intact).ok_or_else(|| {
            io::Error::other(
                "its cache entry is damaged and the file changed during the build: build again",
            )
        })
    }
}

/// Raised whenever what the cache stores changes meaning within a version.
const FORMAT: u32 = 7;

/// Cache entries from another version of palabre are never used; job keys
/// start with this too.
pub fn header() -> String {
    format!("palabre-cache {} {FORMAT}", env!("CARGO_PKG_VERSION"))
}

/// What identifies one state of a reply file: its path, size and
/// modification time, and what reading it depends on (`context`).
fn reply_key(path: &Path, context: &blake3::Hash) -> Option<blake3::Hash> {
    let meta = fs::metadata(path).ok()?;
    let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    let mut h = blake3::Hasher::new();
    h.update(header().as_bytes());
    h.update(path.to_string_lossy().as_bytes());
    h.update(&meta.len().to_le_bytes());
    h.update(&mtime.as_nanos().to_le_bytes());
    h.update(context.as_bytes());
    Some(h.finalize())
}
