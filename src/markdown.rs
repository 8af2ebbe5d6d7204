//! Markdown to sanitised HTML, the links found in it, and cutting a reply at
//! its `<!-- answers: X.Y -->` markers.
//!
//! Replies are untrusted: whatever HTML they hold goes through ammonia, remote
//! images become links (a page must fetch nothing from third parties), and
//! headings are moved below the page's own. Links are classified as they are
//! parsed ([`classify`]) and checked once the whole site is loaded (see
//! [`Link`]).

use std::sync::LazyLock;

use pulldown_cmark::{
    Alignment, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use rustc_hash::FxHashMap;

use crate::frontmatter::line_of;
use crate::lang::{Block, Lang};
use crate::model::{Link, LinkKind, UNRESOLVED};
use crate::util::html::minify;
use crate::util::{is_relative, scheme};

mod escaped;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// The `rel` of every link in a text.
const LINK_REL: &str = "nofollow noopener noreferrer ugc";

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.rm_tags(["img"])
        .add_generic_attributes(["lang", "dir"])
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some(LINK_REL))
        .attribute_filter(|_, attr, value| {
            // A control character has no business in an address, and
            // `jav&#x10;ascript:` passes the URL check as a relative link
            // while some browsers have skipped such characters (found by
            // fuzzing): the link is kept as text.
            let is_url = matches!(attr, "href" | "src" | "cite");
            if is_url && value.chars().any(char::is_control) {
                None
            } else {
                Some(value.into())
            }
        });
    // No `id` from a reply survives: footnote anchors are added after
    // sanitising (see `footnotes`), so that a reply cannot forge them.
    // Table alignment: only palabre's own classes, never a `style`.
    for cell in ["th", "td"] {
        b.add_allowed_classes(cell, &ALIGN_CLASSES);
    }
    b
});

/// The classes of aligned table cells (GFM `:-:`, `--:`, `:--`), styled by
/// the theme.
const ALIGN_CLASSES: [&str; 3] = ["al-l", "al-c", "al-r"];

/// Elements of raw HTML in Markdown that sanitising removes, worth telling the
/// moderator about (a prefix: `<frame` stands for `<frameset` too).
const UNSAFE_ELEMENTS: [&str; 14] = [
    "<script", "<style", "<iframe", "<frame", "<object", "<embed", "<form", "<input", "<button",
    "<svg", "<math", "<meta", "<base", "<link",
];

/// In a tag: an event handler (`onclick=`, `/onerror=`) or an address that
/// runs or embeds something, which sanitising removes.
static UNSAFE_ATTRIBUTE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r#"[\s/"']on[a-z]+\s*=|javascript:|data:"#).expect("a valid pattern")
});

/// Whether sanitising will remove something from this raw HTML. Only its tags
/// are looked at: text between them ("based on the data: …") is kept as text.
fn is_unsafe_html(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(start) = rest.find('<') {
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        let tag = &rest[start..end];
        if UNSAFE_ELEMENTS.iter().any(|e| tag.starts_with(e)) || UNSAFE_ATTRIBUTE.is_match(tag) {
            return true;
        }
        rest = &rest[end..];
    }
    false
}

/// A piece of raw HTML that was removed or defused, with its byte offset in the source.
pub struct RemovedHtml {
    /// Where the HTML starts in the Markdown (a byte offset), for the warning's line.
    pub offset: usize,
    /// The HTML as written, trimmed, cut at 60 characters: for the warning.
    pub snippet: String,
}

/// Markdown rendered to safe HTML.
pub struct Rendered {
    /// The sanitised HTML, minified.
    pub html: String,
    /// Raw HTML that looked unsafe, for warnings (it is removed or defused in
    /// `html`).
    pub removed_html: Vec<RemovedHtml>,
    /// Byte offset in the source of the first element nested too deep, which
    /// was flattened (see [`MAX_NESTING`]).
    pub flattened: Option<usize>,
    /// Links to check against the site (see [`Link`]); only when [`render`]
    /// is told where the text is.
    pub links: Vec<Link>,
    /// Footnotes defined but never referred to (left out): their byte
    /// offset in the source and name.
    pub unused_footnotes: Vec<(usize, String)>,
    /// `[^name]` written where no note `name` is defined (shown as
    /// written): byte offset and name.
    pub undefined_footnotes: Vec<(usize, String)>,
}

/// Where a text sits in the content folder, so that its links to other
/// content files can be followed.
pub struct LinkBase<'a> {
    /// Its folder, `/`-separated from the content folder (`d/replies`).
    pub folder: &'a str,
    /// Line, in its file, of the text's first line.
    pub first_line: usize,
}

/// How deep elements from one text may nest. Real replies nest a few levels
/// (an e-mail quote chain a dozen); thousands of levels are an attack that
/// makes the HTML parser quadratic and the minifier overflow its stack.
pub const MAX_NESTING: usize = 48;

/// Elements that never have content, so never nest.
const VOID_ELEMENTS: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements that the HTML parser closes when a sibling of the same kind
/// opens, so that `<p>a<p>b` (common in pasted HTML) does not count as nesting.
/// `tbody` is here because palabre adds it itself, like the parser.
const SIBLING_CLOSED: [&str; 10] = [
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "tbody",
];

/// The languages of a text's blocks: asked once per text with the text of
/// each of its paragraphs and headings, in order, it answers the language to
/// mark each one with (`None`: the text's own language).
pub type BlockLangs<'a> = &'a dyn Fn(&[Block]) -> Vec<Option<Lang>>;

/// A [`BlockLangs`] that marks no block: the whole text is in one language.
pub fn one_lang(blocks: &[Block]) -> Vec<Option<Lang>> {
    vec![None; blocks.len()]
}

/// Renders `markdown` to sanitised HTML. `block_langs` says which paragraphs
/// and headings to mark as written in another language than `text_lang`, the
/// text's own (a paragraph written the other way gets a `dir`). `id_scope` keeps
/// footnote anchors apart when several texts share a page. When `base` says
/// where the text is, its links are recorded, and those to other content
/// files point at [`UNRESOLVED`] markers.
pub fn render(
    markdown: &str,
    id_scope: &str,
    text_lang: Option<Lang>,
    block_langs: BlockLangs<'_>,
    base: Option<&LinkBase<'_>>,
) -> Rendered {
    let events: Vec<(Event<'_>, std::ops::Range<usize>)> = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .collect();
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    // The source offset of each event in `out`, for the nesting warning.
    let mut offsets: Vec<usize> = Vec::with_capacity(events.len());
    let mut removed_html = Vec::new();
    let mut marked_paragraph = false;
    let langs = block_langs(&block_texts(&events));
    let mut langs = langs.into_iter();
    let mut notes = Notes::default();
    // Our own footnote markup is written as tokens no text can hold (they
    // start with the text's own hash), put in place after sanitising.
    let note_nonce = markdown.contains("[^").then(|| nonce(markdown));
    let mut table = TableState::default();
    let mut levels = outline(&events).into_iter();
    let mut heading_level = HeadingLevel::H3;
    let mut links = Vec::new();
    // Our own hrefs are told from the text's by a prefix the text cannot
    // hold (it would have to contain its own hash); after sanitising, they
    // get the marker, which sanitised HTML cannot hold.
    let link_nonce = base.map(|_| nonce(markdown));
    let mut link_dest =
        |link_type: &LinkType, dest: &CowStr<'_>, offset: usize| -> Option<String> {
            let (base, nonce) = (base?, link_nonce.as_ref()?);
            // The address of an e-mail autolink lacks its `mailto:`.
            if *link_type == LinkType::Email {
                return None;
            }
            let link = Link {
                dest: dest.to_string(),
                line: line_of(markdown, offset, base.first_line),
                kind: classify(dest, base.folder)?,
            };
            let href = link.marker().map(|m| format!("{nonce}/{m}"));
            links.push(link);
            href
        };

    for (event, range) in &events {
        match event {
            Event::Start(Tag::Paragraph) => {
                marked_paragraph = false;
                if let Some(lang) = langs.next().flatten() {
                    let open = if text_lang.is_some_and(|t| t.is_rtl() != lang.is_rtl()) {
                        format!("<p lang=\"{}\" dir=\"{}\">", lang.code(), lang.dir())
                    } else {
                        format!("<p lang=\"{}\">", lang.code())
                    };
                    out.push(Event::Html(open.into()));
                    marked_paragraph = true;
                } else {
                    out.push(event.clone());
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if marked_paragraph {
                    out.push(Event::Html("</p>".into()));
                    marked_paragraph = false;
                } else {
                    out.push(event.clone());
                }
            }
            Event::Start(Tag::Heading {
                id, classes, attrs, ..
            }) => {
                heading_level = levels.next().unwrap_or(HeadingLevel::H6);
                let mut attrs = attrs.clone();
                if let Some(lang) = langs.next().flatten() {
                    attrs.push(("lang".into(), Some(lang.code().into())));
                    if text_lang.is_some_and(|t| t.is_rtl() != lang.is_rtl()) {
                        attrs.push(("dir".into(), Some(lang.dir().into())));
                    }
                }
                out.push(Event::Start(Tag::Heading {
                    level: heading_level,
                    id: id.clone(),
                    classes: classes.clone(),
                    attrs,
                }))
            }
            Event::End(TagEnd::Heading(_)) => out.push(Event::End(TagEnd::Heading(heading_level))),
            Event::Start(Tag::Table(aligns)) => {
                table.aligns.clone_from(aligns);
                out.push(event.clone());
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                table.in_head = matches!(event, Event::Start(Tag::TableHead));
                table.cell = 0;
                out.push(event.clone());
            }
            // pulldown-cmark would write the alignment as a `style`, which
            // the sanitiser drops: a class says it instead.
            Event::Start(Tag::TableCell) => out.push(Event::Html(table.open_cell().into())),
            Event::End(TagEnd::TableCell) => out.push(Event::Html(table.close_cell().into())),
            // Remote images would make every reader's browser call a third party.
            Event::Start(
                Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }
                | Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                },
            ) => out.push(Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: link_dest(link_type, dest_url, range.start)
                    .map_or_else(|| dest_url.clone(), CowStr::from),
                title: title.clone(),
                id: id.clone(),
            })),
            Event::End(TagEnd::Image) => out.push(Event::End(TagEnd::Link)),
            Event::FootnoteReference(name) => {
                let token = notes.reference(name);
                let nonce = note_nonce.as_deref().unwrap_or_default();
                out.push(Event::Html(format!("{nonce}{token}").into()));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                notes.start_definition(name, out.len(), range.start);
            }
            Event::End(TagEnd::FootnoteDefinition) => notes.end_definition(out.len()),
            Event::Html(html) | Event::InlineHtml(html) => {
                if is_unsafe_html(html) {
                    removed_html.push(RemovedHtml {
                        offset: range.start,
                        snippet: html.trim().chars().take(60).collect(),
                    });
                }
                out.push(event.clone());
            }
            _ => out.push(event.clone()),
        }
        offsets.resize(out.len(), range.start);
    }
    let undefined_footnotes = match &note_nonce {
        Some(_) => undefined_references(&events),
        None => Vec::new(),
    };
    let (out, offsets, unused_footnotes) = match &note_nonce {
        Some(nonce) => notes.collect(out, offsets, nonce, markdown.len()),
        None => (out, offsets, Vec::new()),
    };
    let (out, flattened) = limit_nesting(out, &offsets);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw, out.into_iter());
    let raw_html = events
        .iter()
        .any(|(e, _)| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let clean = sanitize(&raw, raw_html);
    // Minified once here rather than on every page that shows it. The
    // minifier writes `&nbsp;` as a raw U+00A0: put the entity back, so that
    // no text can forge a link marker (they hold U+00A0).
    let mut html = nbsp_as_entity(String::from_utf8(minify(&clean)).unwrap_or(clean));
    if let Some(nonce) = &link_nonce
        && links.iter().any(|l| l.marker().is_some())
    {
        // The minifier may have dropped the href's quotes: replace the value.
        html = html.replace(&format!("{nonce}/"), UNRESOLVED);
    }
    if let Some(nonce) = &note_nonce
        && !notes.numbers.is_empty()
    {
        html = notes.write(&html, nonce, &slug(id_scope));
    }
    Rendered {
        html,
        removed_html,
        flattened,
        links,
        unused_footnotes,
        undefined_footnotes,
    }
}

/// A hash of the text, which the text itself cannot hold.
fn nonce(markdown: &str) -> String {
    blake3::hash(markdown.as_bytes()).to_hex()[..32].to_string()
}

/// Where the table being written is: its cells' alignments and the next cell.
#[derive(Default)]
struct TableState {
    aligns: Vec<Alignment>,
    in_head: bool,
    cell: usize,
}

impl TableState {
    fn element(&self) -> &'static str {
        if self.in_head { "th" } else { "td" }
    }

    fn open_cell(&self) -> String {
        let class = match self.aligns.get(self.cell) {
            Some(Alignment::Left) => " class=\"al-l\"",
            Some(Alignment::Center) => " class=\"al-c\"",
            Some(Alignment::Right) => " class=\"al-r\"",
            Some(Alignment::None) | None => "",
        };
        format!("<{}{class}>", self.element())
    }

    fn close_cell(&mut self) -> String {
        self.cell += 1;
        format!("</{}>", self.element())
    }
}

/// A text's footnotes, gathered while its events are walked: they are
/// numbered in the order they are first referred to, and shown together at
/// the end of the text, each with links back to where it is referred to.
#[derive(Default)]
struct Notes {
    /// Footnote names, in the order they are met (a reference or a definition).
    names: Vec<String>,
    /// Each definition: its name's index, its events in `out`, its offset.
    definitions: Vec<(usize, std::ops::Range<usize>, usize)>,
    /// The definition being walked: its name's index, first event, offset.
    open: Option<(usize, usize, usize)>,
    /// Each reference: its name's index, its rank among the name's
    /// references, the definition it is written in.
    references: Vec<(usize, usize, Option<usize>)>,
    /// Each shown note's number, by name index.
    numbers: FxHashMap<usize, usize>,
    /// For each shown note, the ranks of its references that are shown.
    backs: FxHashMap<usize, Vec<usize>>,
}

impl Notes {
    fn key(&mut self, name: &str) -> usize {
        self.names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| {
                self.names.push(name.to_string());
                self.names.len() - 1
            })
    }

    /// The token that stands for a reference until [`Notes::write`].
    fn reference(&mut self, name: &str) -> String {
        let key = self.key(name);
        let rank = 1 + self.references.iter().filter(|r| r.0 == key).count();
        let within = self.open.map(|(k, _, _)| k);
        self.references.push((key, rank, within));
        format!("R{key}.{rank}.")
    }

    fn start_definition(&mut self, name: &str, at: usize, offset: usize) {
        let key = self.key(name);
        self.open = Some((key, at, offset));
    }

    fn end_definition(&mut self, at: usize) {
        if let Some((key, start, offset)) = self.open.take() {
            self.definitions.push((key, start..at, offset));
        }
    }

    fn is_defined(&self, key: usize) -> bool {
        self.definitions.iter().any(|d| d.0 == key)
    }

    /// Numbers the notes, moves their definitions to the end of the text
    /// between tokens, and drops those never referred to: returns the
    /// events, their offsets, and the unused notes (offset, name).
    fn collect<'a>(
        &mut self,
        out: Vec<Event<'a>>,
        offsets: Vec<usize>,
        nonce: &str,
        end: usize,
    ) -> (Vec<Event<'a>>, Vec<usize>, Vec<(usize, String)>) {
        // Numbered in reading order: the text's references, then those in
        // the notes, note by note.
        let mut order = Vec::new();
        for &(key, _, within) in &self.references {
            if within.is_none() && self.is_defined(key) && !order.contains(&key) {
                order.push(key);
            }
        }
        let mut i = 0;
        while let Some(&note) = order.get(i) {
            for &(key, _, within) in &self.references {
                if within == Some(note) && self.is_defined(key) && !order.contains(&key) {
                    order.push(key);
                }
            }
            i += 1;
        }
        self.numbers = order.iter().enumerate().map(|(n, &k)| (k, n + 1)).collect();
        for &(key, rank, within) in &self.references {
            if within.is_none_or(|w| self.numbers.contains_key(&w)) {
                self.backs.entry(key).or_default().push(rank);
            }
        }
        let mut items: Vec<Option<(Event<'a>, usize)>> =
            out.into_iter().zip(offsets).map(Some).collect();
        let mut bodies: FxHashMap<usize, Vec<(Event<'a>, usize)>> = FxHashMap::default();
        let mut unused = Vec::new();
        for (key, range, offset) in &self.definitions {
            let body: Vec<_> = items
                .get_mut(range.clone())
                .into_iter()
                .flatten()
                .filter_map(Option::take)
                .collect();
            if !self.numbers.contains_key(key) {
                unused.push((*offset, self.names[*key].clone()));
            } else if !bodies.contains_key(key) {
                bodies.insert(*key, body);
            }
        }
        let mut kept: Vec<(Event<'a>, usize)> = items.into_iter().flatten().collect();
        let token = |t: String| Event::Html(format!("{nonce}{t}").into());
        if !order.is_empty() {
            kept.push((token("S.".into()), end));
        }
        for key in &order {
            let mut body = bodies.remove(key).unwrap_or_default();
            // A space before it, so that the link does not stick to the word.
            let back = (Event::Html(format!(" {nonce}B{key}.").into()), end);
            // The way back ends the note's last paragraph, as readers expect.
            let ends_paragraph = body.last().is_some_and(|(e, _)| match e {
                Event::End(TagEnd::Paragraph) => true,
                Event::Html(h) => h.as_ref() == "</p>",
                _ => false,
            });
            if ends_paragraph {
                body.insert(body.len() - 1, back);
            } else {
                body.push(back);
            }
            kept.push((token(format!("L{key}.")), end));
            kept.extend(body);
            kept.push((token("E.".into()), end));
        }
        if !order.is_empty() {
            kept.push((token("Z.".into()), end));
        }
        let (events, offsets) = kept.into_iter().unzip();
        (events, offsets, unused)
    }

    /// `html` with the tokens of [`Notes::collect`] replaced by the notes'
    /// markup, its anchors prefixed with `fn-` and `scope`.
    fn write(&self, html: &str, nonce: &str, scope: &str) -> String {
        static TOKEN: LazyLock<regex::Regex> = LazyLock::new(|| {
            regex::Regex::new(r"(\s*)([0-9a-f]{32})([RSLBEZ])(\d*)\.(?:(\d+)\.)?(\s*)")
                .expect("a valid pattern")
        });
        TOKEN
            .replace_all(html, |c: &regex::Captures<'_>| {
                let all = c.get(0).map_or("", |m| m.as_str());
                let group = |i| c.get(i).map_or("", |m| m.as_str());
                if group(2) != nonce {
                    return all.to_string();
                }
                let key: usize = group(4).parse().unwrap_or(usize::MAX);
                let number = self.numbers.get(&key).copied();
                let anchor = |n: usize| format!("fn-{scope}-{n}");
                let ref_anchor = |n: usize, rank: usize| match rank {
                    1 => format!("fn-{scope}-{n}-ref"),
                    _ => format!("fn-{scope}-{n}-ref-{rank}"),
                };
                let (before, after) = (group(1), group(6));
                match (group(3), number) {
                    ("R", Some(n)) => {
                        let rank: usize = group(5).parse().unwrap_or(1);
                        format!(
                            "{before}<sup class=fnref><a id={} href=#{}>{n}</a></sup>{after}",
                            ref_anchor(n, rank),
                            anchor(n)
                        )
                    }
                    ("S", _) => {
                        format!("<section class=footnotes aria-label=\"{FOOTNOTES_MARK}\"><ol>")
                    }
                    ("L", Some(n)) => format!("<li id={}>", anchor(n)),
                    ("B", Some(n)) => {
                        let ranks = self.backs.get(&key).map_or(&[][..], Vec::as_slice);
                        let mut s = String::from(before);
                        for (i, &rank) in ranks.iter().enumerate() {
                            let label = match rank {
                                1 => n.to_string(),
                                _ => format!("{n}.{rank}"),
                            };
                            if i > 0 {
                                s.push(' ');
                            }
                            s.push_str(&format!(
                                "<a class=fnback href=#{} aria-label=\"{BACK_MARK}{label}\u{a0}\">\u{21a9}\u{fe0e}</a>",
                                ref_anchor(n, rank)
                            ));
                        }
                        s + after
                    }
                    ("E", _) => "</li>".to_string(),
                    ("Z", _) => "</ol></section>".to_string(),
                    // A reference to a note that is not shown.
                    _ => format!("{before}{after}"),
                }
            })
            .into_owned()
    }
}

/// Stands in a text's HTML for the name of its list of notes, in the
/// language of the page (see [`label_footnotes`]). Sanitised HTML holds no
/// raw U+00A0.
const FOOTNOTES_MARK: &str = "\u{a0}footnotes\u{a0}";
/// Stands for "back to reference", followed by the reference's number and a
/// U+00A0.
const BACK_MARK: &str = "\u{a0}footnote-back\u{a0}";

/// `html` (a text rendered by [`render`]) with its footnotes named in a
/// page's language: `notes` names the list, `back` the links back to a
/// reference, with `{n}` for the reference's number.
pub fn label_footnotes<'h>(html: &'h str, notes: &str, back: &str) -> std::borrow::Cow<'h, str> {
    if !html.contains(FOOTNOTES_MARK) {
        return html.into();
    }
    let mut out = html.to_string();
    while let Some(start) = out.find(FOOTNOTES_MARK) {
        let label = quoted_attribute(&out[..start], notes);
        out.replace_range(start..start + FOOTNOTES_MARK.len(), &label);
    }
    while let Some(start) = out.find(BACK_MARK) {
        let rest = &out[start + BACK_MARK.len()..];
        let Some(len) = rest.find('\u{a0}') else {
            break;
        };
        let label = quoted_attribute(&out[..start], &back.replace("{n}", &rest[..len]));
        out.replace_range(
            start..start + BACK_MARK.len() + len + '\u{a0}'.len_utf8(),
            &label,
        );
    }
    out.into()
}

/// `text` escaped as an attribute's value, in quotes when what `before` it
/// ends the attribute's name: a page minified with its marks in place may
/// have dropped the quotes of a value that then held no space.
fn quoted_attribute(before: &str, text: &str) -> String {
    let escaped = escape_attribute(text);
    if before.ends_with('=') {
        format!("\"{escaped}\"")
    } else {
        escaped
    }
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// `[^name]` written in a text's prose where no note `name` is defined
/// (pulldown-cmark leaves them as text): (offset, name).
fn undefined_references(events: &[(Event<'_>, std::ops::Range<usize>)]) -> Vec<(usize, String)> {
    static REFERENCE: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\[\^([^\]\s]+)\]").expect("a valid pattern"));
    let mut found = Vec::new();
    let mut run = String::new();
    let mut run_start = 0;
    let mut in_code = false;
    let mut flush = |run: &mut String, start: usize| {
        for c in REFERENCE.captures_iter(run) {
            if let (Some(all), Some(name)) = (c.get(0), c.get(1)) {
                found.push((start + all.start(), name.as_str().to_string()));
            }
        }
        run.clear();
    };
    for (event, range) in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if !in_code => {
                if run.is_empty() {
                    run_start = range.start;
                }
                run.push_str(t);
                continue;
            }
            _ => {}
        }
        flush(&mut run, run_start);
    }
    flush(&mut run, run_start);
    found
}

/// `raw` sanitised. HTML pulldown-cmark wrote from Markdown without raw HTML
/// (`raw_html` false) needs no HTML parser: most replies take that shortcut.
fn sanitize(raw: &str, raw_html: bool) -> String {
    #[cfg(test)]
    escaped::LAST.with(|l| *l.borrow_mut() = (raw.to_string(), raw_html));
    (!raw_html)
        .then(|| escaped::clean(raw))
        .flatten()
        .unwrap_or_else(|| SANITIZER.clean(raw).to_string())
}

/// `html` with each U+00A0 written `&nbsp;`. Its bytes are looked for as
/// a whole: looking for the character stops at every `à` (C3 A0) first.
fn nbsp_as_entity(html: String) -> String {
    let nbsp = "\u{a0}".as_bytes();
    if memchr::memmem::find(html.as_bytes(), nbsp).is_none() {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut done = 0;
    for at in memchr::memmem::find_iter(html.as_bytes(), nbsp) {
        out.push_str(&html[done..at]);
        out.push_str("&nbsp;");
        done = at + nbsp.len();
    }
    out.push_str(&html[done..]);
    out
}

/// Keeps elements at most [`MAX_NESTING`] deep, counting Markdown containers
/// and the tags of raw HTML together. Deeper Markdown containers are dropped
/// (their text stays); raw HTML that would open a tag too deep is shown as
/// text. Returns the offset of the first flattened event.
fn limit_nesting<'a>(events: Vec<Event<'a>>, offsets: &[usize]) -> (Vec<Event<'a>>, Option<usize>) {
    let mut kept = Vec::with_capacity(events.len());
    let mut markdown_open: Vec<bool> = Vec::new();
    let mut markdown_depth = 0;
    let mut html_open: Vec<String> = Vec::new();
    let mut flattened = None;
    for (event, &offset) in events.into_iter().zip(offsets) {
        match event {
            Event::Start(_) => {
                let keep = markdown_depth + html_open.len() < MAX_NESTING;
                markdown_open.push(keep);
                if keep {
                    markdown_depth += 1;
                    kept.push(event);
                } else {
                    flattened.get_or_insert(offset);
                }
            }
            Event::End(_) => {
                if markdown_open.pop().unwrap_or(false) {
                    markdown_depth -= 1;
                    kept.push(event);
                }
            }
            Event::Html(ref html) | Event::InlineHtml(ref html) => {
                let mut open = html_open.clone();
                if track_tags(html, &mut open, MAX_NESTING.saturating_sub(markdown_depth)) {
                    html_open = open;
                    kept.push(event);
                } else {
                    flattened.get_or_insert(offset);
                    kept.push(Event::Text(html.clone()));
                }
            }
            other => kept.push(other),
        }
    }
    (kept, flattened)
}

/// Follows the tags of a piece of raw HTML on the stack of open elements,
/// roughly as a browser would. False when it would open more than `limit`.
fn track_tags(html: &str, open: &mut Vec<String>, limit: usize) -> bool {
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |j| &comment[j + 3..]);
            continue;
        }
        let closing = rest.starts_with('/');
        let tag = if closing { &rest[1..] } else { rest };
        let name_len = tag
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(tag.len());
        let name = tag[..name_len].to_ascii_lowercase();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        // The end of the tag, over quoted attribute values.
        let mut quote = None;
        let mut end = tag.len();
        for (j, c) in tag.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '>') => {
                    end = j;
                    break;
                }
                _ => {}
            }
        }
        let self_closed = tag[..end].ends_with('/');
        rest = tag.get(end + 1..).unwrap_or("");
        if closing {
            if let Some(p) = open.iter().rposition(|n| *n == name) {
                open.truncate(p);
            }
        } else if !self_closed && !VOID_ELEMENTS.contains(&name.as_str()) {
            if SIBLING_CLOSED.contains(&name.as_str()) {
                // A new `<li>` closes the open one (and a `<tr>` its open
                // cells) rather than nesting inside it.
                if let Some(p) = open.iter().rposition(|n| *n == name)
                    && open[p + 1..]
                        .iter()
                        .all(|n| SIBLING_CLOSED.contains(&n.as_str()))
                {
                    open.truncate(p);
                }
            }
            // The parser puts rows in an implicit `<tbody>`.
            if name == "tr" && open.last().is_some_and(|n| n == "table") {
                open.push("tbody".to_string());
            }
            if open.len() >= limit {
                return false;
            }
            open.push(name);
        }
    }
    true
}

/// The words of `markdown` without its markup, for language detection
/// (before the text is rendered: its paragraphs are marked from the reply's
/// language).
pub fn words(markdown: &str) -> String {
    let mut s = String::with_capacity(markdown.len());
    for e in Parser::new_ext(markdown, options()) {
        match e {
            Event::Text(t) => s.push_str(&t),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item)
            | Event::SoftBreak
            | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

/// The text of each paragraph and heading, in order, for [`BlockLangs`].
fn block_texts(events: &[(Event<'_>, std::ops::Range<usize>)]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for (e, _) in events {
        match e {
            Event::Start(tag @ (Tag::Paragraph | Tag::Heading { .. })) => {
                current = Some(Block {
                    text: String::new(),
                    heading: matches!(tag, Tag::Heading { .. }),
                });
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => {
                blocks.extend(current.take());
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(b) = &mut current {
                    b.text.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(b) = &mut current {
                    b.text.push(' ');
                }
            }
            _ => {}
        }
    }
    blocks
}

/// The level a text's top heading is stored at; pages that show a reply move
/// its headings under their own with [`shift_headings`].
pub const TOP_HEADING: u8 = 3;

/// `html` (a text rendered by [`render`]) with its headings moved so that
/// the top one is `h<top>`; the others follow, down to `h6`, and none goes
/// above `h<top>` (not even one from raw HTML).
pub fn shift_headings(html: &str, top: u8) -> std::borrow::Cow<'_, str> {
    if top == TOP_HEADING || !html.contains("<h") {
        return html.into();
    }
    let delta = i16::from(top) - i16::from(TOP_HEADING);
    let bytes = html.as_bytes();
    let mut out = bytes.to_vec();
    for i in memchr::memchr_iter(b'<', bytes) {
        let h = if bytes.get(i + 1) == Some(&b'/') {
            i + 2
        } else {
            i + 1
        };
        let (Some(b'h'), Some(&digit @ b'1'..=b'6'), Some(b'>' | b' ' | b'/')) =
            (bytes.get(h), bytes.get(h + 1), bytes.get(h + 2))
        else {
            continue;
        };
        let level = (i16::from(digit - b'0') + delta).clamp(i16::from(top), 6);
        out[h + 1] = b'0' + level as u8;
    }
    // Only ASCII digits were replaced by ASCII digits.
    String::from_utf8(out).map_or_else(|_| html.into(), Into::into)
}

/// The level each heading of a text gets, in order: the text's top level
/// becomes [`TOP_HEADING`], and no level is skipped, whatever levels the
/// author used (`##` then `####`).
fn outline(events: &[(Event<'_>, std::ops::Range<usize>)]) -> Vec<HeadingLevel> {
    let found: Vec<usize> = events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as usize),
            _ => None,
        })
        .collect();
    let top = found.iter().copied().min().unwrap_or(1);
    let mut previous = 2;
    found
        .iter()
        .map(|&l| {
            let level = (l + usize::from(TOP_HEADING) - top)
                .min(previous + 1)
                .min(6);
            previous = level;
            HeadingLevel::try_from(level).unwrap_or(HeadingLevel::H6)
        })
        .collect()
}

fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// What the link `dest`, written in a file of `folder`, is: `None` for those
/// that need no check (`#fragment`, `mailto:` and other schemes).
pub fn classify(dest: &str, folder: &str) -> Option<LinkKind> {
    let dest = dest.trim();
    if !is_relative(dest) {
        let web = scheme(dest)
            .is_some_and(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"));
        return web.then_some(LinkKind::Web);
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string()).filter(|f| !f.is_empty())),
        None => (dest, None),
    };
    if !path.to_ascii_lowercase().ends_with(".md") || path.contains('?') {
        return Some(LinkKind::Relative);
    }
    Some(LinkKind::File {
        path: normalise(folder, path),
        fragment,
    })
}

/// `path` seen from `folder`, both inside the content folder; `/path` starts
/// from the content folder itself. Segments are `%`-decoded (editors write
/// `003-jos%C3%A9.md` for `003-josé.md`). `None` when it leaves the folder or
/// holds a segment no content file name has.
fn normalise(folder: &str, path: &str) -> Option<String> {
    let mut parts: Vec<String> = if path.starts_with('/') {
        Vec::new()
    } else {
        folder
            .split('/')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    };
    for seg in path.split('/') {
        let seg = percent_encoding::percent_decode_str(seg)
            .decode_utf8()
            .ok()?;
        match &*seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            // Hidden files are no content; the others cannot be a file's name.
            s if s.starts_with('.') || s.contains(['\\', '/']) || s.contains(char::is_control) => {
                return None;
            }
            s => parts.push(s.to_string()),
        }
    }
    Some(parts.join("/"))
}

/// One stretch of a reply's Markdown, between answer markers.
pub struct Segment<'a> {
    /// Question ids as written in the marker, with the marker's line; `None`
    /// for the text before the first marker.
    pub marker: Option<(Vec<String>, usize)>,
    /// The stretch's Markdown, without its marker line.
    pub text: &'a str,
    /// Line (in the file) of the segment's first line.
    pub line: usize,
}

/// Parses a line such as `<!-- answers: 1.2, 1.3 -->`.
pub fn parse_marker(line: &str) -> Option<Vec<String>> {
    let inner = line
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    let list = inner.strip_prefix("answers:")?;
    Some(
        list.split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    )
}

/// Cuts `body` (which starts on file line `first_line`) at its marker lines.
pub fn split_at_markers(body: &str, first_line: usize) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut start = 0;
    let mut start_line = first_line;
    let mut marker = None;
    let mut offset = 0;
    for (i, line) in body.split_inclusive('\n').enumerate() {
        if let Some(ids) = parse_marker(line) {
            segments.push(Segment {
                marker: marker.take(),
                text: &body[start..offset],
                line: start_line,
            });
            marker = Some((ids, first_line + i));
            start = offset + line.len();
            start_line = first_line + i + 1;
        }
        offset += line.len();
    }
    segments.push(Segment {
        marker,
        text: &body[start..],
        line: start_line,
    });
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render(md, "t", None, &one_lang, None).html
    }

    #[test]
    fn only_html_that_sanitising_changes_is_reported() {
        let removed = |md: &str| render(md, "t", None, &one_lang, None).removed_html.len();
        for harmless in [
            "<div>Based on the data: 2024 report, on time.</div>",
            "<p>Once = twice</p>",
            "a <b>bold</b> word on <i>data</i>",
            "<!-- answers: 1.1 -->",
            // Not HTML to Markdown (no space after the name): shown as text.
            "<img/onerror=alert(1) src=x>",
        ] {
            assert_eq!(removed(harmless), 0, "{harmless:?} reported");
        }
        for unsafe_html in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"JavaScript:alert(1)\">x</a>",
            "<img src=\"data:image/svg+xml,x\">",
            "<div>text</div><iframe src=x></iframe>",
        ] {
            assert_eq!(removed(unsafe_html), 1, "{unsafe_html:?} not reported");
        }
    }

    #[test]
    fn scripts_and_handlers_never_survive() {
        let out = html(
            "Hi <script>alert(1)</script> <a href=\"javascript:alert(1)\" onclick=\"x()\">x</a>\n\n<img src=x onerror=alert(1)>",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(!out.contains("<img"), "{out}");
    }

    #[test]
    fn control_characters_in_addresses_drop_the_address() {
        // Found by fuzzing (fuzz/artifacts crash-6c002d41...).
        for md in [
            "<a href=\"jav&#x10;ascript:x\">b</a>",
            "<a href=\"jav&#x01;ascript:x\">b</a>",
            "<a href=\"https://example.org/&#x7f;\">b</a>",
        ] {
            let out = html(md);
            assert!(!out.contains("href"), "{md} gave {out}");
            assert!(out.contains('b'), "{md} lost its text: {out}");
        }
        // Markdown links percent-encode them: a harmless relative address.
        let out = html("[b](jav&#x1f;ascript:x)");
        assert!(out.contains("jav%1Fascript") && !out.chars().any(|c| c.is_control() && c != '\n'));
        // Tabs and newlines are whitespace to a URL parser: still refused
        // as a script address.
        let out = html("<a href=\"jav&#x09;ascript:x\">b</a>");
        assert!(!out.contains("ascript"), "{out}");
    }

    #[test]
    fn links_to_content_files_get_a_marker_no_text_can_forge() {
        let base = LinkBase {
            folder: "d/replies",
            first_line: 6,
        };
        let md = "[real](002-maria.md)\n\n<a href=\"\u{a0}content\u{a0}/d/replies/002-maria.md\">raw</a>\n<a href=\"&nbsp;site&nbsp;/x\">entity</a>\n";
        let out = render(md, "t", None, &one_lang, Some(&base));
        let ours = format!("href={UNRESOLVED}d/replies/002-maria.md>");
        assert_eq!(out.html.matches(&ours).count(), 1, "{}", out.html);
        // Every other U+00A0 was written as `&nbsp;`.
        assert_eq!(out.html.matches('\u{a0}').count(), 2, "{}", out.html);
        assert_eq!(out.links.len(), 1);
        assert_eq!(
            (out.links[0].dest.as_str(), out.links[0].line),
            ("002-maria.md", 6)
        );
        // Without a base, nothing is recorded or changed.
        let plain = render(md, "t", None, &one_lang, None);
        assert!(plain.links.is_empty() && plain.html.contains("href=002-maria.md>"));
    }

    #[test]
    fn links_are_classified_from_their_folder() {
        let file = |p: &str, f: Option<&str>| LinkKind::File {
            path: Some(p.to_string()),
            fragment: f.map(String::from),
        };
        assert_eq!(
            classify("007-maria.md", "d/replies"),
            Some(file("d/replies/007-maria.md", None))
        );
        assert_eq!(
            classify("../../e/replies/x.md", "d/replies"),
            Some(file("e/replies/x.md", None))
        );
        assert_eq!(
            classify("../_discussion.md#1.2", "d/replies"),
            Some(file("d/_discussion.md", Some("1.2")))
        );
        assert_eq!(
            classify("/e/_discussion.md", "d/replies"),
            Some(file("e/_discussion.md", None))
        );
        assert_eq!(
            classify("../../../x.md", "d/replies"),
            Some(LinkKind::File {
                path: None,
                fragment: None
            })
        );
        assert_eq!(
            classify("../report/index.html", "d/replies"),
            Some(LinkKind::Relative)
        );
        assert_eq!(
            classify("https://example.org/x.md", "d"),
            Some(LinkKind::Web)
        );
        for ignored in [
            "#top",
            "mailto:a@b.org",
            "javascript:alert(1)",
            "//cdn.example.org/x",
            "",
        ] {
            assert_eq!(classify(ignored, "d/replies"), None, "{ignored}");
        }
    }

    #[test]
    fn headings_move_under_the_page_s_own() {
        let html = "<h3>A</h3><p>x<hr></p><h4 id=b>B</h4><h1>raw</h1><header>h</header>";
        assert_eq!(shift_headings(html, 3), html);
        assert_eq!(
            shift_headings(html, 2),
            "<h2>A</h2><p>x<hr></p><h3 id=b>B</h3><h2>raw</h2><header>h</header>"
        );
        assert_eq!(
            shift_headings(html, 4),
            "<h4>A</h4><p>x<hr></p><h5 id=b>B</h5><h4>raw</h4><header>h</header>"
        );
        assert_eq!(
            shift_headings(html, 6),
            "<h6>A</h6><p>x<hr></p><h6 id=b>B</h6><h6>raw</h6><header>h</header>"
        );
    }

    #[test]
    fn images_become_links() {
        let out = html("![a chart](https://example.org/c.png)");
        assert!(out.contains("href=https://example.org/c.png>"), "{out}");
        assert!(out.contains("a chart"), "{out}");
    }

    #[test]
    fn extensions_are_on() {
        let out = html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"\n\nNote[^1].\n\n[^1]: The note.\n",
        );
        assert!(out.contains("<table>"), "{out}");
        assert!(out.contains("<del>old</del>"), "{out}");
        assert!(out.contains("\u{201c}quoted\u{201d}"), "{out}");
        assert!(out.contains("href=#fn-t-1>"), "{out}");
        assert!(out.contains("<li id=fn-t-1>"), "{out}");
    }

    #[test]
    fn aligned_cells_get_a_class_and_no_style() {
        let out = html("| a | b | c | d |\n|:-:|--:|:--|---|\n| 1 | 2 | 3 | 4 |\n");
        assert!(
            out.contains(
                "<th class=al-c>a</th><th class=al-r>b</th><th class=al-l>c</th><th>d</th>"
            ),
            "{out}"
        );
        assert!(
            out.contains("<td class=al-c>1</td><td class=al-r>2</td>"),
            "{out}"
        );
        let raw = html("<table><tr><td style=\"color:red\" class=\"al-c big\">x</td></tr></table>");
        assert!(raw.contains("<td class=al-c>x</td>"), "{raw}");
    }

    #[test]
    fn notes_are_numbered_by_first_reference_and_listed_at_the_end() {
        let md = "Second[^b] first[^a] again[^b].\n\n[^a]: Note A.\n[^b]: Note B[^c].\n[^c]: Nested.\n[^z]: Unused.\n\nAfter the notes [^nope].\n";
        let out = render(md, "r-0", None, &one_lang, None);
        let html = &out.html;
        let pos = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} not in {html}"));
        assert!(pos("<li id=fn-r-0-1><p>Note B") < pos("<li id=fn-r-0-2><p>Note A"));
        assert!(pos("After the notes") < pos("<section class=footnotes"));
        assert!(pos("<li id=fn-r-0-3><p>Nested") > pos("<li id=fn-r-0-2>"));
        assert!(!html.contains("Unused"), "{html}");
        assert!(html.contains("href=#fn-r-0-1-ref-2 "), "{html}");
        assert_eq!(out.unused_footnotes, vec![(79, "z".to_string())]);
        assert_eq!(out.undefined_footnotes.len(), 1);
        // Named in the page's language.
        let labelled = label_footnotes(html, "Notas", "Volver a la referencia {n}");
        assert!(labelled.contains("aria-label=\"Notas\""), "{labelled}");
        assert!(
            labelled.contains("aria-label=\"Volver a la referencia 1.2\""),
            "{labelled}"
        );
        assert!(!labelled.contains('\u{a0}'), "{labelled}");
        // A page minified with the marks in place drops the quotes around
        // them; labels with spaces get them back.
        let minified = String::from_utf8(minify(html)).expect("UTF-8");
        let labelled = label_footnotes(&minified, "Notas", "Volver a la referencia {n}");
        assert!(
            labelled.contains("aria-label=\"Volver a la referencia 1\""),
            "{labelled}"
        );
        assert!(
            labelled.contains("aria-label=Notas") || labelled.contains("aria-label=\"Notas\""),
            "{labelled}"
        );
    }

    #[test]
    fn a_text_cannot_forge_anchors() {
        let out = html("<a id=\"fn-t-1\" name=x>a</a> <div id=main>b</div>\n\nx[^1]\n\n[^1]: n\n");
        assert_eq!(out.matches("id=").count(), 2, "{out}");
        // A token with another text's hash stays text.
        let forged = html("0123456789abcdef0123456789abcdefS. x[^1]\n\n[^1]: n\n");
        assert!(
            forged.contains("0123456789abcdef0123456789abcdefS."),
            "{forged}"
        );
        assert_eq!(forged.matches("<section").count(), 1, "{forged}");
    }

    /// The deepest element of an HTML fragment, counting tags.
    fn depth(html: &str) -> usize {
        let (mut depth, mut max) = (0usize, 0);
        for tag in html.split('<').skip(1) {
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if VOID_ELEMENTS.contains(&name.as_str()) {
                continue;
            }
            if tag.starts_with('/') {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                max = max.max(depth);
            }
        }
        max
    }

    #[test]
    fn thousands_of_nested_levels_are_flattened() {
        for md in [
            format!("{}x", "- ".repeat(5000)),
            format!("{} x", ">".repeat(5000)),
            format!("{}x", "<div>".repeat(5000)),
            format!("{}x", "<span>".repeat(5000)),
            format!("{}x", "<table><tr><td>".repeat(2000)),
        ] {
            let out = render(&md, "t", None, &one_lang, None);
            assert!(out.flattened.is_some(), "{}", &md[..20]);
            assert!(out.html.contains('x'), "{}", &md[..20]);
            let d = depth(&out.html);
            assert!(d <= 2 * MAX_NESTING, "depth {d} for {}", &md[..20]);
        }
    }

    #[test]
    fn ordinary_nesting_and_unclosed_siblings_are_kept() {
        let md = format!(
            "- a\n  - b\n    - c\n\n>>>> deep quote\n\n{}",
            "<p>one<p>two<br><li>x<li>y<hr>".repeat(200)
        );
        let out = render(&md, "t", None, &one_lang, None);
        assert!(out.flattened.is_none());
        assert!(out.html.contains("<ul><li>c</li>"), "{}", out.html);
        assert_eq!(out.html.matches("<hr>").count(), 200);
    }

    #[test]
    fn headings_are_demoted() {
        assert!(html("# Big").contains("<h3>Big</h3>"));
        let out = html("## A\n\n#### B\n\n## C\n");
        assert!(
            out.contains("<h3>A</h3>") && out.contains("<h4>B</h4>") && out.contains("<h3>C</h3>"),
            "{out}"
        );
    }

    #[test]
    fn markers_split_the_body() {
        let body = "Hello\n<!-- answers: 1.2, 1.3 -->\nPart A\n<!-- answers: 2.1 -->\nPart B\n";
        let segs = split_at_markers(body, 10);
        assert_eq!(segs.len(), 3);
        assert!(segs[0].marker.is_none());
        assert_eq!(segs[0].text, "Hello\n");
        assert_eq!(segs[1].marker, Some((vec!["1.2".into(), "1.3".into()], 11)));
        assert_eq!(segs[1].text, "Part A\n");
        assert_eq!(segs[2].marker, Some((vec!["2.1".into()], 13)));
        assert_eq!(segs[2].line, 14);
    }
}
