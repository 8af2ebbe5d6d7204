//! The reply store: where the texts of every reply are kept, and the build
//! cache that keeps replies between builds.
//!
//! A reply's texts are held compressed in memory ([`hold`]), or, for a reply
//! taken from the build cache, left in its cache entry until a page or a file
//! needs them ([`ReplyTexts`]).
//!
//! The build cache is kept beside the output folder (never published): every
//! reply as already read (one entry per reply, whose first parts are also
//! kept together in one file), the table of the output's files
//! ([`crate::output::OutputTable`]) and the search index. A rebuild after one
//! new reply reads, renders and runs only what depends on it.
//!
//! Anything wrong with the cache (missing, corrupt, from another version)
//! only costs time: entries that cannot be read are computed again.

use std::any::Any;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::UNIX_EPOCH;

use chrono::NaiveDate;

use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::model::{LangSource, Link, QuestionId, Reply, ReplyPart, ReplyTexts, Texts};
use crate::util::{cache_header, lock};

const REPLIES_DIR: &str = "replies";
const SEARCH_INDEX: &str = "search-index.bin";
const HEADS: &str = "heads.bin";

/// The build cache of one output folder, and the replies stored in it.
pub struct Store {
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
/// in the heads file: the reply without its texts ([`StoredReply`]),
/// serialised, and where its texts start in the entry.
#[derive(serde::Serialize, serde::Deserialize)]
struct Head {
    bytes: Vec<u8>,
    texts_at: usize,
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
            heads: OnceLock::new(),
            heads_changed: AtomicBool::new(false),
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
        let mut bytes = postcard::to_allocvec(&cache_header()).map_err(io::Error::other)?;
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
                if version != cache_header() {
                    return None;
                }
                postcard::from_bytes(rest).ok()
            };
            Mutex::new(read().unwrap_or_default())
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
            let (reply, warnings): (StoredReply, Vec<Diagnostic>) =
                postcard::from_bytes(&head.bytes).ok()?;
            Some((reply, warnings, head))
        });
        if let Some((reply, warnings, head)) = cached {
            let entry = Entry {
                file,
                offset: head.texts_at,
                again,
            };
            use_entry(head);
            return Ok((reply.into_reply(entry), warnings));
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

/// A reply cache entry is the reply without its texts ([`StoredReply`])
/// then its texts, each after its length: reading a reply from the cache
/// reads only the first part. Returns that part.
fn write_entry(file: &Path, (reply, warnings): &CachedReply) -> io::Result<Head> {
    let not_stored = || io::Error::other("the reply's texts are not the store's");
    let texts = stored(reply.texts.as_ref()).ok_or_else(not_stored)?.get()?;
    let fields = StoredReply::of(reply).ok_or_else(not_stored)?;
    let head = postcard::to_allocvec(&(fields, warnings)).map_err(io::Error::other)?;
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

/// A reply's texts in its cache entry.
struct Entry {
    file: PathBuf,
    offset: usize,
    /// The texts read from the reply's file, should the entry fail.
    again: ReadAgain,
}

impl Entry {
    /// The texts, checked against their `hash`.
    fn load(&self, hash: &[u8; 32]) -> io::Result<PackedTexts> {
        let intact = |t: &PackedTexts| t.unpack().is_ok_and(|t| t.hash() == *hash);
        let cached = fs::read(&self.file)
            .ok()
            .and_then(|bytes| postcard::from_bytes::<PackedTexts>(bytes.get(self.offset..)?).ok());
        if let Some(texts) = cached.filter(intact) {
            return Ok(texts);
        }
        // A damaged entry only costs time: it goes, and the file is read again.
        let _ = fs::remove_file(&self.file);
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

/// A reply's texts as held in memory and in the reply cache: each one
/// compressed (lz4). The texts of every reply are most of a clean build's
/// memory, and each is read only a few times (its pages, search, open data),
/// at a cost far below the Markdown's rendering.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct PackedTexts {
    html: Vec<u8>,
    text: Vec<u8>,
    parts: Vec<(Vec<QuestionId>, Vec<u8>)>,
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
                .map(|p| (p.questions.clone(), pack(&p.html)))
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
