//! The reply store: where the texts of every reply are kept, and the build
//! cache that keeps replies between builds.
//!
//! A reply's texts are held compressed in memory ([`hold`]), or, for a reply
//! taken from the build cache, left in the cache's pack file until a page or
//! a file needs them ([`ReplyTexts`]).
//!
//! The build cache is kept beside the output folder (never published): every
//! reply as already read (one entry per reply, all appended to one pack
//! file, and their first parts also kept together, with where each entry
//! lies in the pack, in the heads file), the table of the output's files
//! ([`crate::output::OutputTable`]) and the search index. A rebuild after one
//! new reply reads, renders and runs only what depends on it, and appends one
//! entry to the pack.
//!
//! Anything wrong with the cache (missing, corrupt, from another version)
//! only costs time: entries that cannot be read are computed again.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::NaiveDate;

use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::model::{LangSource, Link, QuestionId, Reply, ReplyPart, ReplyTexts, Texts};
use crate::util::{CHECK, cache_header, check_of, lock};

const SEARCH_INDEX: &str = "search-index.bin";
const HEADS: &str = "heads.bin";
/// Pack files are named `replies-<when and by whom it was started>.pack`.
const PACK_PREFIX: &str = "replies-";
const PACK_SUFFIX: &str = ".pack";
/// Where earlier versions kept one file per reply entry: removed.
const ENTRIES_DIR: &str = "replies";

/// What identifies one state of a reply file (see [`reply_key`]).
type Key = [u8; 32];

/// The build cache of one output folder, and the replies stored in it.
pub struct Store {
    dir: PathBuf,
    /// The reply entries this build used or wrote, with their heads: the
    /// others in the pack are stale.
    used: Mutex<HashMap<Key, Head>>,
    /// What the last build saved, read when first needed.
    saved: OnceLock<Saved>,
    /// The pack, opened for appending on the first entry written.
    writer: Mutex<Option<fs::File>>,
    /// Whether an entry was written.
    wrote: AtomicBool,
}

/// The heads of the entries the last build used, all in one file: a rebuild
/// reads that file instead of 20,000 entries' first bytes. Each moves to
/// `used` when its reply is read.
struct Saved {
    pack: Arc<Pack>,
    heads: Mutex<HashMap<Key, Head>>,
    /// How much of the pack the heads file covered.
    indexed: u64,
}

/// The pack file the build reads texts from and appends entries to.
struct Pack {
    name: String,
    path: PathBuf,
    /// Opened when texts are first read, then shared: a rebuild reads the
    /// texts of thousands of entries.
    #[cfg_attr(not(unix), allow(dead_code))]
    file: OnceLock<Option<fs::File>>,
    /// Entries whose texts were found damaged: dropped when the heads are
    /// saved, so that the next build stores their replies again.
    damaged: Mutex<Vec<Key>>,
}

/// The first part of a reply cache entry (see [`entry`]), as saved in the
/// heads file: the reply without its texts ([`StoredReply`]), serialised,
/// and where its entry lies in the pack.
#[derive(serde::Serialize, serde::Deserialize)]
struct Head {
    // As bytes, not a sequence of numbers: the same in postcard, read at
    // once rather than one number at a time.
    #[serde(with = "serde_bytes")]
    bytes: Vec<u8>,
    /// Where the entry starts in the pack.
    at: u64,
    texts_len: u32,
}

impl Head {
    fn texts_at(&self) -> u64 {
        self.at + ENTRY_FIXED as u64 + self.bytes.len() as u64
    }

    /// Where the entry ends in the pack.
    fn end(&self) -> u64 {
        self.texts_at() + u64::from(self.texts_len)
    }

    fn size(&self) -> u64 {
        self.end() - self.at
    }
}

/// The heads file, after its header and a hash of the rest.
#[derive(serde::Serialize, serde::Deserialize)]
struct Index {
    /// The pack's file name.
    pack: String,
    /// How much of the pack the heads cover: entries after that were
    /// appended by a build that did not finish, and are found by reading
    /// the pack from there.
    indexed: u64,
    heads: Vec<(Key, Head)>,
}

/// A reply as read from its file, with the warnings reading it gave.
pub type CachedReply = (Reply, Vec<Diagnostic>);

/// Reads a reply's texts again from its file, when its cache entry fails them.
pub type ReadAgain = Box<dyn Fn() -> Option<Box<dyn ReplyTexts>> + Send + Sync>;

impl Store {
    /// The cache of output folder `output`: `.<name>.palabre-cache` beside it.
    pub fn beside(output: &Path) -> Store {
        let abs = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
        let name = abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        Store {
            dir: parent.join(format!(".{name}.palabre-cache")),
            used: Mutex::default(),
            saved: OnceLock::new(),
            writer: Mutex::default(),
            wrote: AtomicBool::new(false),
        }
    }

    /// The cache's folder, which the other cached files go in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the search index is kept between builds (see [`crate::extras::search`]).
    pub fn search_index(&self) -> PathBuf {
        self.dir.join(SEARCH_INDEX)
    }

    /// Saves the heads of the reply entries this build used; the others
    /// (those of replies edited or deleted since, or read under other
    /// settings) are stale. Once stale entries are more than half the pack,
    /// the pack is written again without them, so that the cache does not
    /// grow with every edit. Called after a successful build: a failed one
    /// leaves the last build's heads, which the pack still holds.
    pub fn save_replies(&self) -> io::Result<()> {
        let saved = self.saved();
        let mut used = std::mem::take(&mut *lock(&self.used));
        // Entries found damaged: their replies are to be read and stored again.
        let damaged = std::mem::take(&mut *lock(&saved.pack.damaged));
        for key in &damaged {
            used.remove(key);
        }
        let pack_len = fs::metadata(&saved.pack.path).map_or(0, |m| m.len());
        // Heads left unused belong to stale entries.
        let mut changed = self.wrote.load(Ordering::Relaxed)
            || !damaged.is_empty()
            || !lock(&saved.heads).is_empty()
            || pack_len != saved.indexed;
        let mut heads: Vec<(Key, Head)> = used.into_iter().collect();
        heads.sort_by_key(|(_, head)| head.at);
        let mut index = Index {
            pack: saved.pack.name.clone(),
            indexed: pack_len,
            heads,
        };
        let live: u64 = index.heads.iter().map(|(_, head)| head.size()).sum();
        if live < pack_len / 2 {
            let name = new_pack_name();
            let path = self.dir.join(&name);
            match compact(&saved.pack.path, &path, &mut index.heads) {
                Ok(len) => {
                    (index.pack, index.indexed) = (name, len);
                    changed = true;
                }
                // The pack as it is still serves.
                Err(_) => {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        if changed {
            let body = postcard::to_allocvec(&index).map_err(io::Error::other)?;
            let mut bytes = postcard::to_allocvec(&cache_header()).map_err(io::Error::other)?;
            bytes.extend_from_slice(blake3::hash(&body).as_bytes());
            bytes.extend(body);
            let tmp = self.dir.join(format!("{HEADS}.tmp"));
            fs::write(&tmp, bytes)?;
            fs::rename(tmp, self.dir.join(HEADS))?;
        }
        self.tidy(&index.pack);
        Ok(())
    }

    /// Removes the packs other than `pack` (replaced by a compacted one, or
    /// left by a build stopped while compacting) and the entry files of
    /// earlier versions.
    fn tidy(&self, pack: &str) {
        let Ok(files) = fs::read_dir(&self.dir) else {
            return;
        };
        for file in files.flatten() {
            let name = file.file_name();
            let name = name.to_string_lossy();
            if name != pack && is_pack_name(&name) {
                let _ = fs::remove_file(file.path());
            } else if name == ENTRIES_DIR {
                let _ = fs::remove_dir_all(file.path());
            }
        }
    }

    /// The name of the pack last written to, if any.
    fn last_pack(&self) -> Option<String> {
        fs::read_dir(&self.dir)
            .ok()?
            .flatten()
            .filter_map(|file| {
                let name = file.file_name().to_string_lossy().into_owned();
                let written = file.metadata().and_then(|m| m.modified()).ok()?;
                is_pack_name(&name).then_some((written, name))
            })
            .max()
            .map(|(_, name)| name)
    }

    /// What the last build saved: its heads, and the pack they point into
    /// (a new one when there are none). Heads are dropped when missing,
    /// unreadable or saved by another version, and so are those whose entry
    /// lies beyond the end of the pack (cut short).
    fn saved(&self) -> &Saved {
        self.saved.get_or_init(|| {
            // Without heads, the pack a build last appended to is read whole:
            // that build stopped before saving them.
            let index = read_index(&self.dir.join(HEADS)).unwrap_or_else(|| Index {
                pack: self.last_pack().unwrap_or_else(new_pack_name),
                indexed: 0,
                heads: Vec::new(),
            });
            let path = self.dir.join(&index.pack);
            let len = fs::metadata(&path).map_or(0, |m| m.len());
            let mut heads: HashMap<Key, Head> = index
                .heads
                .into_iter()
                .filter(|(_, head)| head.end() <= len)
                .collect();
            // Entries appended by a build that did not save its heads.
            if len > index.indexed {
                for (key, head) in scan(&path, index.indexed, len) {
                    heads.entry(key).or_insert(head);
                }
            }
            Saved {
                pack: Arc::new(Pack {
                    name: index.pack,
                    path,
                    file: OnceLock::new(),
                    damaged: Mutex::default(),
                }),
                heads: Mutex::new(heads),
                indexed: index.indexed.min(len),
            }
        })
    }

    /// The reply in `path`, from the cache when the file has not changed
    /// since (same size and modification time, same `context`), else from
    /// `read`, whose successful result is then stored. A reply from the cache
    /// comes without its texts, which are read from there when needed, or
    /// with `again` when the cache fails them.
    pub fn reply<E>(
        &self,
        path: &Path,
        context: &blake3::Hash,
        read: impl FnOnce() -> Result<CachedReply, E>,
        again: ReadAgain,
    ) -> Result<CachedReply, E> {
        let Some(key) = reply_key(path, context) else {
            return read();
        };
        let key = *key.as_bytes();
        let saved = self.saved();
        let head = lock(&saved.heads).remove(&key);
        let cached = head.and_then(|head| {
            let (reply, warnings): (StoredReply, Vec<Diagnostic>) =
                postcard::from_bytes(&head.bytes).ok()?;
            Some((reply, warnings, head))
        });
        if let Some((reply, warnings, head)) = cached {
            let entry = Entry {
                pack: saved.pack.clone(),
                key,
                at: head.texts_at(),
                len: head.texts_len,
                again,
            };
            lock(&self.used).insert(key, head);
            return Ok((reply.into_reply(entry), warnings));
        }
        let value = read()?;
        // A cache that cannot be written only makes the next build slower.
        if let Ok(head) = self.write_entry(&saved.pack.path, &key, &value) {
            lock(&self.used).insert(key, head);
        }
        Ok(value)
    }

    /// Appends the entry of `value` to the pack; returns its head.
    fn write_entry(&self, pack: &Path, key: &Key, value: &CachedReply) -> io::Result<Head> {
        let (bytes, head_len) = entry(key, value)?;
        let mut writer = lock(&self.writer);
        let file = match &mut *writer {
            Some(file) => file,
            none => {
                fs::create_dir_all(&self.dir)?;
                let file = fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(pack)?;
                none.insert(file)
            }
        };
        self.wrote.store(true, Ordering::Relaxed);
        // Appended in one write; where it went is where the file's position
        // now is, less its length, even with another build appending too.
        file.write_all(&bytes)?;
        let end = file.stream_position()?;
        let texts_len = bytes.len() - ENTRY_FIXED - head_len;
        Ok(Head {
            at: end
                .checked_sub(bytes.len() as u64)
                .ok_or_else(|| io::Error::other("the pack is shorter than its entry"))?,
            texts_len: u32::try_from(texts_len).map_err(io::Error::other)?,
            bytes: bytes[ENTRY_FIXED..ENTRY_FIXED + head_len].to_vec(),
        })
    }
}

/// A reply as the head of its cache entry holds it: every field but its
/// texts, which are there by their hash and marked questions.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredReply {
    id: String,
    source: PathBuf,
    author: Option<String>,
    organisation: Option<String>,
    country: Option<String>,
    date: Option<NaiveDate>,
    answers: Vec<QuestionId>,
    lang: Lang,
    lang_source: LangSource,
    texts: ([u8; 32], Vec<QuestionId>),
    links: Vec<Link>,
}

impl StoredReply {
    /// `reply` without its texts; `None` when they are not the store's.
    fn of(reply: &Reply) -> Option<StoredReply> {
        // Destructured, so that a field added later cannot be left out.
        let Reply {
            id,
            source,
            author,
            organisation,
            country,
            date,
            answers,
            lang,
            lang_source,
            texts,
            links,
        } = reply;
        let texts = stored(texts.as_ref())?;
        Some(StoredReply {
            id: id.clone(),
            source: source.clone(),
            author: author.clone(),
            organisation: organisation.clone(),
            country: country.clone(),
            date: *date,
            answers: answers.clone(),
            lang: *lang,
            lang_source: *lang_source,
            texts: (texts.hash, texts.marked.clone()),
            links: links.clone(),
        })
    }

    /// The reply, its texts left in `entry`.
    fn into_reply(self, entry: Entry) -> Reply {
        let StoredReply {
            id,
            source,
            author,
            organisation,
            country,
            date,
            answers,
            lang,
            lang_source,
            texts: (hash, marked),
            links,
        } = self;
        let texts = StoredTexts {
            hash,
            marked,
            reply: source.clone(),
            held: OnceLock::new(),
            entry: Some(entry),
        };
        Reply {
            id,
            source,
            author,
            organisation,
            country,
            date,
            answers,
            lang,
            lang_source,
            texts: Box::new(texts),
            links,
        }
    }
}

/// A reply cache entry in the pack: its key and the lengths of its two
/// parts, a check of those and of the first part, then the reply without
/// its texts ([`StoredReply`]), then its texts with their own check
/// ([`with_check`]). Reading a reply from the
/// cache reads only the first part, from the heads file; the pack is read
/// for the texts, or for the entries a build that did not finish appended.
/// Returns the entry and the length of its first part.
fn entry(key: &Key, (reply, warnings): &CachedReply) -> io::Result<(Vec<u8>, usize)> {
    let not_stored = || io::Error::other("the reply's texts are not the store's");
    let texts = stored(reply.texts.as_ref()).ok_or_else(not_stored)?.get()?;
    let fields = StoredReply::of(reply).ok_or_else(not_stored)?;
    let head = postcard::to_allocvec(&(fields, warnings)).map_err(io::Error::other)?;
    let texts = with_check(postcard::to_allocvec(texts).map_err(io::Error::other)?);
    let mut bytes = Vec::with_capacity(ENTRY_FIXED + head.len() + texts.len());
    bytes.extend_from_slice(key);
    for part in [&head, &texts] {
        let len = u32::try_from(part.len()).map_err(io::Error::other)?;
        bytes.extend_from_slice(&len.to_le_bytes());
    }
    let check = check(&bytes, &head);
    bytes.extend_from_slice(&check);
    bytes.extend_from_slice(&head);
    bytes.extend_from_slice(&texts);
    Ok((bytes, head.len()))
}

/// What an entry starts with: its key, the two lengths and the check.
const ENTRY_FIXED: usize = 32 + 4 + 4 + CHECK;

/// The check of an entry's key and lengths (`fixed`) and first part: an
/// entry cut short, damaged or written by another version fails it.
fn check(fixed: &[u8], head: &[u8]) -> [u8; CHECK] {
    check_of(&[cache_header().as_bytes(), fixed, head])
}

/// `texts` after a check of them: reading an entry's texts, a damaged one is
/// told by its check alone, without unpacking and hashing every text.
fn with_check(texts: Vec<u8>) -> Vec<u8> {
    let mut checked = Vec::with_capacity(CHECK + texts.len());
    checked.extend_from_slice(&check_of(&[&texts]));
    checked.extend_from_slice(&texts);
    checked
}

/// The texts of `checked` (see [`with_check`]); `None` when they fail their check.
fn checked(checked: &[u8]) -> Option<&[u8]> {
    let (check, texts) = checked.split_at_checked(CHECK)?;
    (check_of(&[texts]) == *check).then_some(texts)
}

/// The entries of the pack in `path` from `from` to `len` (its end), up to
/// the first one cut short or damaged.
fn scan(path: &Path, from: u64, len: u64) -> Vec<(Key, Head)> {
    let mut found = Vec::new();
    let Ok(mut file) = fs::File::open(path) else {
        return found;
    };
    if file.seek(SeekFrom::Start(from)).is_err() {
        return found;
    }
    let mut file = BufReader::new(file);
    let mut at = from;
    let mut fixed = [0; ENTRY_FIXED];
    while file.read_exact(&mut fixed).is_ok() {
        let mut key = [0; 32];
        key.copy_from_slice(&fixed[..32]);
        let len_at =
            |i: usize| u32::from_le_bytes([fixed[i], fixed[i + 1], fixed[i + 2], fixed[i + 3]]);
        let (head_len, texts_len) = (len_at(32), len_at(36));
        let end = at + ENTRY_FIXED as u64 + u64::from(head_len) + u64::from(texts_len);
        // Also what keeps a damaged length from being allocated.
        if end > len {
            break;
        }
        let mut bytes = vec![0; head_len as usize];
        if file.read_exact(&mut bytes).is_err() || check(&fixed[..40], &bytes) != fixed[40..] {
            break;
        }
        if file.seek_relative(i64::from(texts_len)).is_err() {
            break;
        }
        found.push((
            key,
            Head {
                bytes,
                at,
                texts_len,
            },
        ));
        at = end;
    }
    found
}

/// Copies the entries of `heads` (in the order they are in) from pack `old`
/// into a new pack `new`, one after the other, and points the heads there.
/// Returns the new pack's length.
fn compact(old: &Path, new: &Path, heads: &mut [(Key, Head)]) -> io::Result<u64> {
    let mut from = fs::File::open(old)?;
    let mut to = BufWriter::new(fs::File::create_new(new)?);
    let mut bytes = Vec::new();
    let mut at = 0;
    for (_, head) in heads.iter_mut() {
        let size = usize::try_from(head.size()).map_err(io::Error::other)?;
        bytes.resize(size, 0);
        from.seek(SeekFrom::Start(head.at))?;
        from.read_exact(&mut bytes)?;
        to.write_all(&bytes)?;
        head.at = at;
        at += head.size();
    }
    to.into_inner().map_err(|e| e.into_error())?;
    Ok(at)
}

/// The heads file at `path`; `None` when missing, damaged or written by
/// another version.
fn read_index(path: &Path) -> Option<Index> {
    let bytes = fs::read(path).ok()?;
    let (version, rest): (String, &[u8]) = postcard::take_from_bytes(&bytes).ok()?;
    if version != cache_header() {
        return None;
    }
    let (hash, body) = rest.split_at_checked(32)?;
    if blake3::hash(body).as_bytes() != hash {
        return None;
    }
    let index: Index = postcard::from_bytes(body).ok()?;
    is_pack_name(&index.pack).then_some(index)
}

/// A name for a new pack, which no other build picks at the same time.
fn new_pack_name() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{PACK_PREFIX}{now:x}-{:x}{PACK_SUFFIX}", std::process::id())
}

fn is_pack_name(name: &str) -> bool {
    name.strip_prefix(PACK_PREFIX)
        .and_then(|n| n.strip_suffix(PACK_SUFFIX))
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
}

/// What identifies one state of a reply file: its path, size and
/// modification time, and what reading it depends on (`context`).
fn reply_key(path: &Path, context: &blake3::Hash) -> Option<blake3::Hash> {
    let meta = fs::metadata(path).ok()?;
    let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    let mut h = blake3::Hasher::new();
    h.update(cache_header().as_bytes());
    h.update(path.to_string_lossy().as_bytes());
    h.update(&meta.len().to_le_bytes());
    h.update(&mtime.as_nanos().to_le_bytes());
    h.update(context.as_bytes());
    Some(h.finalize())
}

/// The texts of the reply in file `reply`, held in memory from now on.
pub fn hold(texts: &Texts, reply: &Path) -> Box<dyn ReplyTexts> {
    Box::new(StoredTexts::held(texts, reply.to_path_buf()))
}

/// Lets `edit` change the HTML of `texts`, those of the reply in file
/// `reply` (the whole reply's HTML, then each part's), and hashes them again;
/// they are held in memory from then on.
pub fn edit_html<T>(
    texts: &mut Box<dyn ReplyTexts>,
    reply: &Path,
    edit: impl FnOnce(Vec<&mut String>) -> T,
) -> Result<T, Diagnostic> {
    let own: &mut dyn Any = texts.as_mut();
    let Some(stored) = own.downcast_mut::<StoredTexts>() else {
        return Err(
            Diagnostic::error(reply, None, "the reply's texts are not in the reply store")
                .hint("this is a bug in palabre; please report it with the content folder"),
        );
    };
    let mut unpacked = stored
        .get()
        .and_then(PackedTexts::unpack)
        .map_err(|e| lost(reply, &e))?;
    let html = std::iter::once(&mut unpacked.html)
        .chain(unpacked.parts.iter_mut().map(|p| &mut p.html))
        .collect();
    let result = edit(html);
    *stored = StoredTexts::held(&unpacked, reply.to_path_buf());
    Ok(result)
}

/// The error for a reply whose texts could not be read back from the build cache.
fn lost(reply: &Path, e: &io::Error) -> Diagnostic {
    Diagnostic::error(reply, None, e.to_string())
        .hint("the file changed while palabre was building: build again")
}

/// The store's texts among `texts`, if they are.
fn stored(texts: &dyn ReplyTexts) -> Option<&StoredTexts> {
    let any: &dyn Any = texts;
    any.downcast_ref()
}

/// A reply's texts, known by a hash taken once, when the reply is read, and
/// kept with it in the reply cache: a rebuild does not hash every reply's
/// text again.
///
/// A reply read from its file holds its texts; one taken from the cache
/// holds only their hash, and reads its texts from the cache the first time
/// a page or a file needs them: a rebuild neither reads nor keeps the texts
/// of the replies whose pages did not change. They are held compressed
/// ([`PackedTexts`]).
struct StoredTexts {
    hash: [u8; 32],
    /// The questions the reply has parts marked for: pages need these
    /// without the texts.
    marked: Vec<QuestionId>,
    /// The reply's file, for messages.
    reply: PathBuf,
    held: OnceLock<PackedTexts>,
    /// Where the texts are when not held.
    entry: Option<Entry>,
}

impl StoredTexts {
    fn held(texts: &Texts, reply: PathBuf) -> StoredTexts {
        let mut marked: Vec<QuestionId> = texts
            .parts
            .iter()
            .flat_map(|p| p.questions.iter().copied())
            .collect();
        marked.sort();
        marked.dedup();
        StoredTexts {
            hash: texts.hash(),
            marked,
            reply,
            held: OnceLock::from(PackedTexts::pack(texts)),
            entry: None,
        }
    }

    /// The texts, read from the cache entry the first time.
    fn get(&self) -> io::Result<&PackedTexts> {
        if let Some(texts) = self.held.get() {
            return Ok(texts);
        }
        let entry = self
            .entry
            .as_ref()
            .ok_or_else(|| io::Error::other("the reply's texts were not kept"))?;
        // Two threads may both read them: the first to finish is kept.
        let texts = entry.load(&self.hash)?;
        Ok(self.held.get_or_init(|| texts))
    }

    fn packed(&self) -> Result<&PackedTexts, Diagnostic> {
        self.get().map_err(|e| lost(&self.reply, &e))
    }
}

impl ReplyTexts for StoredTexts {
    fn hash(&self) -> [u8; 32] {
        self.hash
    }

    fn marks(&self, question: QuestionId) -> bool {
        self.marked.contains(&question)
    }

    fn html_for(&self, question: Option<QuestionId>) -> Result<String, Diagnostic> {
        self.packed()?
            .html_for(question)
            .map_err(|e| lost(&self.reply, &e))
    }

    fn text(&self) -> Result<String, Diagnostic> {
        self.packed()?.text().map_err(|e| lost(&self.reply, &e))
    }

    fn html_len(&self) -> Result<usize, Diagnostic> {
        Ok(self.packed()?.html_len())
    }
}

impl fmt::Debug for StoredTexts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplyTexts")
            .field("hash", &blake3::Hash::from_bytes(self.hash))
            .field("marked", &self.marked)
            .field("held", &self.held)
            .finish_non_exhaustive()
    }
}

/// A reply's texts in the pack.
struct Entry {
    pack: Arc<Pack>,
    key: Key,
    at: u64,
    len: u32,
    /// The texts read from the reply's file, should the entry fail.
    again: ReadAgain,
}

impl Entry {
    /// The texts, as their check tells them intact; when it does not, read
    /// again from the reply's file and checked against their `hash`.
    fn load(&self, hash: &[u8; 32]) -> io::Result<PackedTexts> {
        let cached = self
            .pack
            .read(self.at, self.len)
            .and_then(|bytes| postcard::from_bytes::<PackedTexts>(checked(&bytes)?).ok());
        if let Some(texts) = cached {
            return Ok(texts);
        }
        let intact = |t: &PackedTexts| t.unpack().is_ok_and(|t| t.hash() == *hash);
        // A damaged entry only costs time: it is dropped, and the file read again.
        lock(&self.pack.damaged).push(self.key);
        (self.again)()
            .and_then(|texts| {
                let any: Box<dyn Any> = texts;
                any.downcast::<StoredTexts>().ok()?.held.into_inner()
            })
            .filter(intact)
            .ok_or_else(|| {
                io::Error::other(
                    "its cache entry is damaged and the file changed during the build: build again",
                )
            })
    }
}

impl Pack {
    /// `len` bytes from `at`; `None` when the pack is shorter.
    fn read(&self, at: u64, len: u32) -> Option<Vec<u8>> {
        let mut bytes = vec![0; usize::try_from(len).ok()?];
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileExt;
            let file = self
                .file
                .get_or_init(|| fs::File::open(&self.path).ok())
                .as_ref()?;
            file.read_exact_at(&mut bytes, at).ok()?;
        }
        // Elsewhere, no read at a place shared between threads: a file each.
        #[cfg(not(unix))]
        {
            let mut file = fs::File::open(&self.path).ok()?;
            file.seek(SeekFrom::Start(at)).ok()?;
            file.read_exact(&mut bytes).ok()?;
        }
        Some(bytes)
    }
}

/// A reply's texts as held in memory and in the reply cache: each one
/// compressed (lz4). The texts of every reply are most of a clean build's
/// memory, and each is read only a few times (its pages, search, open data),
/// at a cost far below the Markdown's rendering.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct PackedTexts {
    // As bytes (see [`Head`]).
    #[serde(with = "serde_bytes")]
    html: Vec<u8>,
    #[serde(with = "serde_bytes")]
    text: Vec<u8>,
    parts: Vec<(Vec<QuestionId>, serde_bytes::ByteBuf)>,
}

impl PackedTexts {
    fn pack(texts: &Texts) -> PackedTexts {
        // Copied to a block of their size: lz4's shrink_to_fit may leave the
        // bytes in their first, input-sized block (mimalloc shrinks in place
        // down to half a block), which would save no memory.
        let pack = |s: &str| {
            lz4_flex::compress_prepend_size(s.as_bytes())
                .as_slice()
                .to_vec()
        };
        PackedTexts {
            html: pack(&texts.html),
            text: pack(&texts.text),
            parts: texts
                .parts
                .iter()
                .map(|p| (p.questions.clone(), pack(&p.html).into()))
                .collect(),
        }
    }

    /// The texts as they were packed.
    fn unpack(&self) -> io::Result<Texts> {
        let parts = self
            .parts
            .iter()
            .map(|(questions, html)| {
                Ok(ReplyPart {
                    questions: questions.clone(),
                    html: unpack_string(html)?,
                })
            })
            .collect::<io::Result<_>>()?;
        Ok(Texts {
            html: unpack_string(&self.html)?,
            text: unpack_string(&self.text)?,
            parts,
        })
    }

    /// What to show on the page of `question`: the parts marked for it, or
    /// the whole reply when none is (or when `question` is `None`).
    fn html_for(&self, question: Option<QuestionId>) -> io::Result<String> {
        let marked: Vec<&[u8]> = self
            .parts
            .iter()
            .filter(|(questions, _)| question.is_some_and(|q| questions.contains(&q)))
            .map(|(_, html)| html.as_slice())
            .collect();
        if marked.is_empty() {
            return unpack_string(&self.html);
        }
        marked.into_iter().map(unpack_string).collect()
    }

    fn text(&self) -> io::Result<String> {
        unpack_string(&self.text)
    }

    /// The length of the whole reply's HTML, without unpacking it.
    fn html_len(&self) -> usize {
        unpacked_len(&self.html).unwrap_or(0)
    }
}

/// The size lz4 put before the compressed bytes.
fn unpacked_len(packed: &[u8]) -> Option<usize> {
    let size: [u8; 4] = packed.get(..4)?.try_into().ok()?;
    usize::try_from(u32::from_le_bytes(size)).ok()
}

fn unpack(packed: &[u8]) -> io::Result<Vec<u8>> {
    // lz4 expands at most 255 times: a larger size is damage, not to be allocated.
    let size = unpacked_len(packed).ok_or_else(damaged)?;
    if size > packed.len().saturating_mul(255) {
        return Err(damaged());
    }
    lz4_flex::decompress_size_prepended(packed).map_err(|_| damaged())
}

fn unpack_string(packed: &[u8]) -> io::Result<String> {
    String::from_utf8(unpack(packed)?).map_err(|_| damaged())
}

fn damaged() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "damaged texts")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(group: u32, question: u32) -> QuestionId {
        QuestionId { group, question }
    }

    fn texts() -> Texts {
        Texts {
            html: "<p>Whole reply.</p>".repeat(50),
            text: "Whole reply.".repeat(50),
            parts: vec![
                ReplyPart {
                    questions: vec![q(1, 1)],
                    html: "<p>On 1.1.</p>".to_string(),
                },
                ReplyPart {
                    questions: vec![q(1, 2)],
                    html: "<p>On 1.2.</p>".to_string(),
                },
            ],
        }
    }

    /// Texts and heads are written as bytes in one piece, which postcard
    /// writes as it writes a sequence of numbers: caches written before read
    /// as they were.
    #[test]
    fn bytes_are_stored_as_sequences_of_numbers_were() {
        #[derive(serde::Serialize)]
        struct Numbers {
            html: Vec<u8>,
            text: Vec<u8>,
            parts: Vec<(Vec<QuestionId>, Vec<u8>)>,
        }
        let packed = PackedTexts::pack(&texts());
        let numbers = Numbers {
            html: packed.html.clone(),
            text: packed.text.clone(),
            parts: packed
                .parts
                .iter()
                .map(|(q, html)| (q.clone(), html.to_vec()))
                .collect(),
        };
        let written = postcard::to_allocvec(&packed).expect("serialised");
        assert_eq!(
            written,
            postcard::to_allocvec(&numbers).expect("serialised")
        );
        let read: PackedTexts = postcard::from_bytes(&written).expect("read back");
        assert_eq!(read.html, packed.html);
        #[derive(serde::Serialize)]
        struct HeadAsNumbers {
            bytes: Vec<u8>,
            at: u64,
            texts_len: u32,
        }
        let head = Head {
            bytes: vec![0, 1, 200, 255],
            at: 1 << 40,
            texts_len: 7,
        };
        let as_numbers = HeadAsNumbers {
            bytes: head.bytes.clone(),
            at: head.at,
            texts_len: head.texts_len,
        };
        assert_eq!(
            postcard::to_allocvec(&head).expect("serialised"),
            postcard::to_allocvec(&as_numbers).expect("serialised")
        );
    }

    #[test]
    fn packed_texts_give_back_what_was_packed() {
        let texts = texts();
        let packed = PackedTexts::pack(&texts);
        assert!(
            packed.html.len() < texts.html.len(),
            "the HTML is compressed"
        );
        assert_eq!(packed.unpack().expect("unpacks").hash(), texts.hash());
        assert_eq!(
            packed.html_for(Some(q(1, 2))).expect("part"),
            "<p>On 1.2.</p>"
        );
        assert_eq!(packed.html_for(Some(q(2, 1))).expect("whole"), texts.html);
        assert_eq!(packed.html_for(None).expect("whole"), texts.html);
        assert_eq!(packed.html_len(), texts.html.len());
        assert_eq!(packed.text().expect("text"), texts.text);
    }

    #[test]
    fn damaged_packed_texts_are_an_error() {
        let mut packed = PackedTexts::pack(&texts());
        // A size far beyond what the bytes can hold is not allocated.
        packed.html[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(packed.html_for(None).is_err());
        packed.text.truncate(6);
        assert!(packed.text().is_err());
        assert!(packed.unpack().is_err());
    }

    #[test]
    fn an_entrys_texts_with_any_byte_changed_fail_their_check() {
        let bytes = postcard::to_allocvec(&PackedTexts::pack(&texts())).expect("serialised");
        let entry = with_check(bytes.clone());
        assert_eq!(checked(&entry), Some(&bytes[..]));
        for i in 0..entry.len() {
            let mut damaged = entry.clone();
            damaged[i] ^= 0x10;
            assert_eq!(checked(&damaged), None, "byte {i} changed");
        }
        assert_eq!(checked(&entry[..entry.len() - 1]), None, "cut short");
        assert_eq!(checked(&entry[..3]), None, "shorter than its check");
    }

    /// A reply to `file`, as reading it would give.
    fn reply_in(file: &Path) -> CachedReply {
        let name = file.file_stem().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        let texts = Texts {
            html: format!("<p>Reply {name}.</p>").repeat(40),
            text: format!("Reply {name}."),
            parts: Vec::new(),
        };
        let reply = Reply {
            id: name,
            source: file.to_path_buf(),
            author: None,
            organisation: None,
            country: None,
            date: None,
            answers: vec![q(1, 1)],
            lang: Lang::EN,
            lang_source: LangSource::Declared,
            texts: hold(&texts, file),
            links: Vec::new(),
        };
        (reply, Vec::new())
    }

    /// The replies in `files` through the cache of output folder `out`, the
    /// heads saved when `save`: how many were read from their files, and
    /// their HTML.
    fn load(out: &Path, files: &[PathBuf], save: bool) -> (usize, Vec<String>) {
        let store = Store::beside(out);
        let context = blake3::hash(b"context");
        let mut read = 0;
        let mut html = Vec::new();
        for file in files {
            let from_file = || {
                read += 1;
                Ok::<_, ()>(reply_in(file))
            };
            let (reply, _) = store
                .reply(file, &context, from_file, Box::new(|| None))
                .expect("reply");
            html.push(reply.texts.html_for(None).expect("texts"));
        }
        if save {
            store.save_replies().expect("save");
        }
        (read, html)
    }

    /// `n` reply files in `dir`.
    fn reply_files(dir: &Path, n: usize) -> Vec<PathBuf> {
        (0..n)
            .map(|i| {
                let file = dir.join(format!("{i:03}.md"));
                fs::write(&file, format!("reply {i}")).expect("write reply");
                file
            })
            .collect()
    }

    fn packs(cache: &Path) -> Vec<PathBuf> {
        fs::read_dir(cache)
            .expect("cache")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "pack"))
            .collect()
    }

    #[test]
    fn entries_of_a_build_that_saved_no_heads_are_found_in_the_pack() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let files = reply_files(tmp.path(), 5);
        let out = tmp.path().join("out");
        let (read, first) = load(&out, &files, false);
        assert_eq!(read, 5);
        let (read, again) = load(&out, &files, true);
        assert_eq!(read, 0, "every reply comes from the pack");
        assert_eq!(again, first);
        let (read, _) = load(&out, &files, false);
        assert_eq!(read, 0, "and from the saved heads");
        assert_eq!(packs(&tmp.path().join(".out.palabre-cache")).len(), 1);
    }

    #[test]
    fn stale_entries_are_compacted_away_once_they_are_half_the_pack() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let files = reply_files(tmp.path(), 10);
        let out = tmp.path().join("out");
        let cache = tmp.path().join(".out.palabre-cache");
        let (_, html) = load(&out, &files, true);
        let [pack] = packs(&cache).try_into().expect("one pack");
        let full = fs::metadata(&pack).expect("pack").len();
        // Four replies of ten deleted: their entries stay.
        load(&out, &files[..6], true);
        assert_eq!(packs(&cache), std::slice::from_ref(&pack));
        assert_eq!(fs::metadata(&pack).expect("pack").len(), full);
        // Eight: they are more than half the pack, which is written anew.
        load(&out, &files[..2], true);
        let [compacted] = packs(&cache).try_into().expect("one pack");
        assert_ne!(compacted, pack);
        let size = fs::metadata(&compacted).expect("pack").len();
        assert!(size * 4 < full, "{size} bytes of {full}");
        let (read, kept) = load(&out, &files[..2], true);
        assert_eq!(read, 0, "the replies left come from the new pack");
        assert_eq!(kept, html[..2]);
    }

    #[test]
    fn edited_texts_are_hashed_again() {
        let mut held = hold(&texts(), Path::new("r.md"));
        let before = held.hash();
        edit_html(&mut held, Path::new("r.md"), |mut html| {
            html[0].push_str("<p>More.</p>")
        })
        .expect("edits");
        assert_ne!(held.hash(), before);
        assert!(held.html_for(None).expect("html").ends_with("<p>More.</p>"));
        assert!(held.marks(q(1, 2)) && !held.marks(q(2, 1)));
    }
}
