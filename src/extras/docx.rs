//! Each discussion's report as a Word document (`.docx`) per site language,
//! for staff who edit and circulate the consolidated reply in a word processor:
//! title, introduction, every question with its summary and the replies (or
//! the parts of them) answering it, conclusion, contributors.
//!
//! The document is the smallest OOXML package Word and LibreOffice open,
//! written here rather than with a library so that its bytes depend on the
//! content alone: fixed zip dates, no creation date, entries in a fixed order.
//! Headings use Word's built-in heading styles, so the navigation pane and a
//! table of contents work. Replies are read one at a time and compressed as
//! they are converted: only the compressed document is held.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;

use flate2::Compression;
use flate2::write::DeflateEncoder;

use super::stats::contributors;
use super::{JobError, OutputFile, countries};
use crate::i18n::{Strings, Translations};
use crate::lang::Lang;
use crate::model::{Discussion, Site};
use crate::site;
use crate::util::fragment::{self, Element, Node};
use crate::util::push_xml_escaped as escape;
use crate::util::text::space_len;

/// Every language's document of discussion `d`.
pub(super) fn files(
    site: &Site,
    i18n: &Translations,
    d: &Discussion,
) -> Result<Vec<OutputFile>, JobError> {
    site.config
        .languages
        .iter()
        .map(|&lang| {
            Ok(OutputFile {
                path: site::docx_path(lang.code(), d),
                bytes: document(site, i18n.get(lang), d)?,
            })
        })
        .collect()
}

fn document(site: &Site, s: &Strings, d: &Discussion) -> Result<Vec<u8>, JobError> {
    let lang = s.lang;
    let l = lang.code();
    // Site links are made absolute with `base_url`; without it they stay
    // relative, which a document cannot follow, and are kept as text.
    let prefix = site
        .config
        .base_url
        .as_deref()
        .map(|b| format!("{}/{l}/", b.trim_end_matches('/')));
    let prefix = prefix.as_deref().unwrap_or("");
    let mut w = Body::new(lang)?;
    let (title, title_lang) = d.title.get(lang, d.original_lang).unwrap_or(("", lang));
    w.para("Title", title, title_lang)?;

    w.para("Heading1", s.t("introduction"), lang)?;
    w.html(&d.intro_html, prefix, d.original_lang, 1, None)?;
    let cites = citations(d, s, prefix);

    for g in &d.groups {
        let group_title = match g.title.get(lang, d.original_lang) {
            Some((t, _)) => t.to_string(),
            None => s.fill(
                &format!("group_{}", d.group_label.slug()),
                &[("n", &g.id.to_string())],
            ),
        };
        w.para("Heading1", &group_title, lang)?;
        for q in &g.questions {
            let (text, text_lang) = q.text.get(lang, d.original_lang).unwrap_or(("", lang));
            w.heading_with_label(
                "Heading2",
                &format!("{} {}", s.t("question"), q.id),
                text,
                text_lang,
            )?;
            w.para("Heading3", s.t("summary"), lang)?;
            match d
                .summaries
                .get(&q.id)
                .and_then(|m| Lang::pick(m, lang, d.original_lang))
            {
                Some((summary_lang, summary)) => {
                    w.html(&summary.html, prefix, summary_lang, 3, Some(&cites))?;
                }
                None => w.para("Normal", s.t("no_summary"), lang)?,
            }
            let mut replies = d.replies.iter().filter(|r| r.answers.contains(&q.id));
            match replies.next() {
                None => w.para("Normal", s.t("no_replies"), lang)?,
                Some(first) => {
                    w.para("Heading3", s.t("contributions"), lang)?;
                    for r in std::iter::once(first).chain(replies) {
                        let mut who = r
                            .author
                            .clone()
                            .unwrap_or_else(|| s.t("anonymous").to_string());
                        if let Some(o) = &r.organisation {
                            who.push_str(", ");
                            who.push_str(o);
                        }
                        if let Some(c) = &r.country {
                            who.push_str(&format!(" ({})", countries::shown(c, lang)));
                        }
                        w.para("Heading4", &who, lang)?;
                        // One reply's text at a time: the store reads it back when asked.
                        w.html(&r.html_for(Some(q.id))?, prefix, r.lang, 4, None)?;
                    }
                }
            }
        }
    }

    if let Some((conclusion_lang, c)) = Lang::pick(&d.conclusion, lang, d.original_lang) {
        w.para("Heading1", s.t("conclusion"), lang)?;
        w.html(&c.html, prefix, conclusion_lang, 1, Some(&cites))?;
    }

    w.para("Heading1", s.t("contributors"), lang)?;
    let (people, anonymous) = contributors(&d.replies, lang);
    for p in people {
        let mut line = p.name.to_string();
        if !p.organisation.is_empty() {
            line.push_str(&format!(", {}", p.organisation));
        }
        if !p.country.is_empty() {
            line.push_str(&format!(" ({})", p.country));
        }
        if p.replies > 1 {
            line.push_str(&format!(" · {}", s.count("replies", p.replies)));
        }
        w.bullet(&line, lang)?;
    }
    if anonymous > 0 {
        w.para(
            "Normal",
            &s.count("anonymous_contributors", anonymous),
            lang,
        )?;
    }
    let full_title = format!("{} · {title}", s.t("report_title"));
    w.finish(&full_title)
}

/// The footnote of a citation of each reply of `d`, by the href of the
/// reply's page (`prefix` + its path): who wrote it, and where to read it
/// when the site's address is known.
fn citations(d: &Discussion, s: &Strings, prefix: &str) -> Citations {
    d.replies
        .iter()
        .map(|r| {
            let href = format!("{prefix}{}", site::reply_page(&d.slug, &r.id));
            let mut note = r
                .author
                .clone()
                .unwrap_or_else(|| s.t("anonymous").to_string());
            if let Some(o) = r
                .organisation
                .as_ref()
                .filter(|o| Some(*o) != r.author.as_ref())
            {
                note.push_str(", ");
                note.push_str(o);
            }
            if let Some(c) = &r.country {
                note.push_str(&format!(" ({})", countries::shown(c, s.lang)));
            }
            if let Some(date) = r.date {
                note.push_str(&format!(", {}", s.date(date)));
            }
            note.push('.');
            if !prefix.is_empty() {
                note.push_str(&format!(" {href}"));
            }
            (href, note)
        })
        .collect()
}

/// How a run of text looks.
#[derive(Clone, Copy, Default)]
struct Format {
    bold: bool,
    italic: bool,
    code: bool,
    strike: bool,
}

/// A list being written: its numbering (`numId`) and depth.
#[derive(Clone, Copy)]
struct ListLevel {
    num: usize,
    depth: usize,
}

/// `word/document.xml`, compressed as it is written, with what the package's
/// other parts need: hyperlink targets and numbered lists.
struct Body {
    zip: Zip,
    entry: Entry,
    /// The paragraph being written (its runs), flushed at each block's end.
    para: String,
    /// The document's language: runs in another say theirs.
    lang: Lang,
    /// Hyperlink targets, in order: `rId{10 + i}`.
    links: Vec<String>,
    /// How many numbered lists there are: each restarts at 1 with its own `numId`.
    numbered: usize,
    /// The footnotes' texts, in order: footnote `i + 1`.
    footnotes: Vec<String>,
}

/// Where the HTML converter is: the style of the paragraphs it opens, and the
/// formatting and language of the runs.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    style: &'a str,
    fmt: Format,
    lang: Lang,
    list: Option<ListLevel>,
    pre: bool,
    /// Added to a heading's level in the text: its place in the document.
    heading_base: usize,
    /// In a summary: the replies it may cite, by the href of their page.
    cites: Option<&'a Citations>,
}

/// What a citation's footnote says of each reply, by the href of the reply's
/// page as links are filled in the document.
type Citations = BTreeMap<String, String>;

/// `numId` of bulleted lists; numbered lists get 2, 3, ….
const BULLETS: usize = 1;

impl Body {
    fn new(lang: Lang) -> Result<Body, JobError> {
        let mut zip = Zip::default();
        zip.add("[Content_Types].xml", CONTENT_TYPES.as_bytes())?;
        zip.add("_rels/.rels", ROOT_RELS.as_bytes())?;
        let mut entry = Entry::new();
        entry.write(DOCUMENT_START.as_bytes())?;
        Ok(Body {
            zip,
            entry,
            para: String::new(),
            lang,
            links: Vec::new(),
            numbered: 0,
            footnotes: Vec::new(),
        })
    }

    /// A paragraph of plain text in style `style`.
    fn para(&mut self, style: &'static str, text: &str, lang: Lang) -> Result<(), JobError> {
        let ctx = self.ctx(style, lang, 0);
        self.run(text, &ctx);
        self.end_para(&ctx)
    }

    /// A heading made of a label in the page's language and a text in its own.
    fn heading_with_label(
        &mut self,
        style: &'static str,
        label: &str,
        text: &str,
        lang: Lang,
    ) -> Result<(), JobError> {
        let ctx = self.ctx(style, self.lang, 0);
        self.run(&format!("{label} "), &ctx);
        self.run(text, &Ctx { lang, ..ctx });
        self.end_para(&ctx)
    }

    /// A bulleted line.
    fn bullet(&mut self, text: &str, lang: Lang) -> Result<(), JobError> {
        let ctx = Ctx {
            list: Some(ListLevel {
                num: BULLETS,
                depth: 0,
            }),
            ..self.ctx("ListParagraph", lang, 0)
        };
        self.run(text, &ctx);
        self.end_para(&ctx)
    }

    fn ctx(&self, style: &'static str, lang: Lang, heading_base: usize) -> Ctx<'static> {
        Ctx {
            style,
            fmt: Format::default(),
            lang,
            list: None,
            pre: false,
            heading_base,
            cites: None,
        }
    }

    /// Sanitised HTML written in `lang`, under a heading of level
    /// `heading_base`; its links to the replies of `cites` become footnotes.
    fn html(
        &mut self,
        html: &str,
        prefix: &str,
        lang: Lang,
        heading_base: usize,
        cites: Option<&Citations>,
    ) -> Result<(), JobError> {
        let html = crate::links::fill(html, prefix);
        let ctx = Ctx {
            cites,
            ..self.ctx("Normal", lang, heading_base)
        };
        self.children(&fragment::parse(&html), &ctx)?;
        self.end_para(&ctx)
    }

    fn children(&mut self, nodes: &[Node<'_>], ctx: &Ctx<'_>) -> Result<(), JobError> {
        for node in nodes {
            match node {
                Node::Text(t) => self.text(t, ctx),
                Node::Element(e) => self.element(e, ctx)?,
            }
        }
        Ok(())
    }

    fn element(&mut self, e: &Element<'_>, ctx: &Ctx<'_>) -> Result<(), JobError> {
        let name = e.name();
        let mut inner = *ctx;
        if let Some(l) = e.attr("lang").and_then(Lang::from_code) {
            inner.lang = l;
        }
        match name {
            "strong" | "b" => inner.fmt.bold = true,
            "em" | "i" | "cite" => inner.fmt.italic = true,
            "code" | "kbd" | "samp" => inner.fmt.code = true,
            "del" | "s" => inner.fmt.strike = true,
            "br" => {
                self.para.push_str("<w:r><w:br/></w:r>");
                return Ok(());
            }
            "img" => {
                if let Some(alt) = e.attr("alt") {
                    self.run(alt, ctx);
                }
                return Ok(());
            }
            // A footnote's way back to its reference: nothing to follow on paper.
            "a" if e.has_class("fnback") => return Ok(()),
            "a" => {
                let href = e.attr("href").unwrap_or("");
                let external = ["http://", "https://", "mailto:"]
                    .iter()
                    .any(|s| href.starts_with(s));
                // A citation: the link's text, then a footnote naming the reply.
                if let Some(note) = ctx.cites.and_then(|c| c.get(href)) {
                    let text = Ctx {
                        cites: None,
                        ..inner
                    };
                    if external {
                        self.hyperlink(href, e, &text)?;
                    } else {
                        self.children(&e.children, &text)?;
                    }
                    self.footnotes.push(note.clone());
                    self.para.push_str(&format!(
                        "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteReference w:id=\"{}\"/></w:r>",
                        self.footnotes.len()
                    ));
                    return Ok(());
                }
                if external {
                    let link = Ctx {
                        style: ctx.style,
                        ..inner
                    };
                    return self.hyperlink(href, e, &link);
                }
            }
            "p" | "div" | "figure" | "figcaption" | "dt" | "dd" | "tr" => {
                self.end_para(ctx)?;
                self.children(&e.children, &inner)?;
                return self.end_para(&inner);
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.end_para(ctx)?;
                // A text's `h2` is the first level under the heading it is placed under.
                let n = usize::from(name.as_bytes()[1] - b'0');
                let level = (ctx.heading_base + n.saturating_sub(1))
                    .max(ctx.heading_base + 1)
                    .min(HEADINGS.len());
                inner.style = HEADINGS[level - 1];
                inner.list = None;
                self.children(&e.children, &inner)?;
                return self.end_para(&inner);
            }
            "blockquote" => {
                self.end_para(ctx)?;
                inner.style = "Quote";
                self.children(&e.children, &inner)?;
                return self.end_para(&inner);
            }
            "pre" => {
                self.end_para(ctx)?;
                inner.pre = true;
                inner.fmt.code = true;
                self.children(&e.children, &inner)?;
                return self.end_para(&inner);
            }
            "ul" | "ol" => {
                self.end_para(ctx)?;
                let num = if name == "ol" {
                    self.numbered += 1;
                    BULLETS + self.numbered
                } else {
                    BULLETS
                };
                let depth = ctx.list.map_or(0, |l| (l.depth + 1).min(8));
                inner.list = Some(ListLevel { num, depth });
                inner.style = "ListParagraph";
                self.children(&e.children, &inner)?;
                return self.end_para(&inner);
            }
            "li" => {
                self.end_para(ctx)?;
                self.children(&e.children, &inner)?;
                return self.end_para(&inner);
            }
            "td" | "th" => {
                if name == "th" {
                    inner.fmt.bold = true;
                }
                self.children(&e.children, &inner)?;
                self.run(" ", ctx);
                return Ok(());
            }
            _ => {}
        }
        self.children(&e.children, &inner)
    }

    /// A link to `href` around the runs of `e`'s children.
    fn hyperlink(&mut self, href: &str, e: &Element<'_>, ctx: &Ctx<'_>) -> Result<(), JobError> {
        self.links.push(href.to_string());
        let id = 9 + self.links.len();
        self.para
            .push_str(&format!("<w:hyperlink r:id=\"rId{id}\">"));
        self.children_linked(e, ctx)?;
        self.para.push_str("</w:hyperlink>");
        Ok(())
    }

    /// The runs of a link get Word's hyperlink look.
    fn children_linked(&mut self, e: &Element<'_>, ctx: &Ctx<'_>) -> Result<(), JobError> {
        let before = self.para.len();
        self.children(&e.children, ctx)?;
        let runs = self.para.split_off(before);
        self.para.push_str(&runs.replace(
            "<w:r><w:rPr>",
            "<w:r><w:rPr><w:rStyle w:val=\"Hyperlink\"/>",
        ));
        Ok(())
    }

    /// A text node: its spaces collapsed, as a browser shows it, except in `pre`.
    fn text(&mut self, t: &str, ctx: &Ctx<'_>) {
        if ctx.pre {
            for (i, line) in t.split('\n').enumerate() {
                if i > 0 {
                    self.para.push_str("<w:r><w:br/></w:r>");
                }
                self.run(line, ctx);
            }
            return;
        }
        let collapsed = collapse(t, self.para.is_empty());
        self.run(&collapsed, ctx);
    }

    /// One run of text, formatted as `ctx` says.
    fn run(&mut self, text: &str, ctx: &Ctx<'_>) {
        if text.is_empty() {
            return;
        }
        let p = &mut self.para;
        // Always an rPr, so that a link can add its style in front.
        p.push_str("<w:r><w:rPr>");
        if ctx.fmt.code {
            p.push_str("<w:rFonts w:ascii=\"Courier New\" w:hAnsi=\"Courier New\"/>");
        }
        if ctx.fmt.bold {
            p.push_str("<w:b/>");
        }
        if ctx.fmt.italic {
            p.push_str("<w:i/>");
        }
        if ctx.fmt.strike {
            p.push_str("<w:strike/>");
        }
        // Right-to-left text (Arabic) is a "complex script" run to Word:
        // written right to left, its language in `w:bidi`.
        if ctx.lang.is_rtl() {
            p.push_str("<w:rtl/>");
        }
        if ctx.lang != self.lang {
            let code = ctx.lang.code();
            if ctx.lang.is_rtl() {
                p.push_str(&format!("<w:lang w:val=\"{code}\" w:bidi=\"{code}\"/>"));
            } else {
                p.push_str(&format!("<w:lang w:val=\"{code}\"/>"));
            }
        }
        p.push_str("</w:rPr><w:t xml:space=\"preserve\">");
        escape(text, p);
        p.push_str("</w:t></w:r>");
    }

    /// Writes the paragraph being built, if it has any text.
    fn end_para(&mut self, ctx: &Ctx<'_>) -> Result<(), JobError> {
        if self.para.is_empty() {
            return Ok(());
        }
        let mut head = format!("<w:p><w:pPr><w:pStyle w:val=\"{}\"/>", ctx.style);
        if let Some(l) = ctx.list {
            head.push_str(&format!(
                "<w:numPr><w:ilvl w:val=\"{}\"/><w:numId w:val=\"{}\"/></w:numPr>",
                l.depth, l.num
            ));
        }
        if ctx.lang.is_rtl() {
            head.push_str("<w:bidi/>");
        }
        head.push_str("</w:pPr>");
        self.entry.write(head.as_bytes())?;
        self.entry.write(self.para.as_bytes())?;
        self.entry.write(b"</w:p>")?;
        self.para.clear();
        Ok(())
    }

    /// The package's bytes.
    fn finish(mut self, title: &str) -> Result<Vec<u8>, JobError> {
        self.entry.write(DOCUMENT_END.as_bytes())?;
        let Body {
            mut zip,
            entry,
            lang,
            links,
            numbered,
            footnotes,
            ..
        } = self;
        zip.finish_entry("word/document.xml", entry)?;
        zip.add("word/styles.xml", styles(lang).as_bytes())?;
        zip.add("word/numbering.xml", numbering(numbered).as_bytes())?;
        zip.add("word/footnotes.xml", footnotes_xml(&footnotes).as_bytes())?;
        let mut rels = String::from(DOCUMENT_RELS_START);
        for (i, target) in links.iter().enumerate() {
            rels.push_str(&format!("<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink\" Target=\"", 10 + i));
            escape(target, &mut rels);
            rels.push_str("\" TargetMode=\"External\"/>");
        }
        rels.push_str("</Relationships>");
        zip.add("word/_rels/document.xml.rels", rels.as_bytes())?;
        let mut core = String::from(CORE_START);
        core.push_str("<dc:title>");
        escape(title, &mut core);
        core.push_str(&format!(
            "</dc:title><dc:language>{}</dc:language></cp:coreProperties>",
            lang.code()
        ));
        zip.add("docProps/core.xml", core.as_bytes())?;
        Ok(zip.finish())
    }
}

/// `text` with each run of white space made one space, and none first at
/// the start of a paragraph (`at_start`): as a browser shows it.
fn collapse(text: &str, at_start: bool) -> Cow<'_, str> {
    // Most text holds no white space but single spaces: nothing to collapse.
    let b = text.as_bytes();
    let single_spaces = (0..b.len()).all(|i| match space_len(text, i) {
        0 => true,
        _ => b[i] == b' ' && b.get(i + 1) != Some(&b' '),
    });
    if single_spaces {
        let text = if at_start {
            text.strip_prefix(' ').unwrap_or(text)
        } else {
            text
        };
        return Cow::Borrowed(text);
    }
    let mut collapsed = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !(collapsed.is_empty() && at_start) {
                collapsed.push(' ');
            }
            space = false;
            collapsed.push(c);
        }
    }
    if space && !(collapsed.is_empty() && at_start) {
        collapsed.push(' ');
    }
    Cow::Owned(collapsed)
}

/// `word/footnotes.xml`: the separator lines Word expects, then each note.
fn footnotes_xml(notes: &[String]) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"#,
    );
    for (i, note) in notes.iter().enumerate() {
        xml.push_str(&format!(
            r#"<w:footnote w:id="{}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> "#,
            i + 1
        ));
        escape(note, &mut xml);
        xml.push_str("</w:t></w:r></w:p></w:footnote>");
    }
    xml.push_str("</w:footnotes>");
    xml
}

const HEADINGS: [&str; 6] = [
    "Heading1", "Heading2", "Heading3", "Heading4", "Heading5", "Heading6",
];

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>"#;

const DOCUMENT_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>"#;

const DOCUMENT_END: &str = r#"<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr></w:body></w:document>"#;

/// No creation or modification date: the same content gives the same bytes.
const CORE_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">"#;

/// Word's built-in style names (`Heading1` is "heading 1"), so that Word
/// treats them as its own headings; the document's language as the default.
fn styles(lang: Lang) -> String {
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Calibri" w:cs="Calibri"/><w:sz w:val="22"/><w:lang w:val="{}"{}/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:sz w:val="48"/></w:rPr></w:style>"#,
        lang.code(),
        // Right to left, the language of complex-script runs too.
        if lang.is_rtl() {
            format!(" w:bidi=\"{}\"", lang.code())
        } else {
            String::new()
        }
    );
    let sizes = [36, 30, 26, 24, 22, 22];
    for (i, size) in sizes.iter().enumerate() {
        let n = i + 1;
        s.push_str(&format!(
            r#"<w:style w:type="paragraph" w:styleId="Heading{n}"><w:name w:val="heading {n}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="{i}"/></w:pPr><w:rPr><w:b/><w:sz w:val="{size}"/></w:rPr></w:style>"#
        ));
    }
    s.push_str(r#"<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:left="720"/></w:pPr><w:rPr><w:i/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="60"/></w:pPr></w:style><w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0"/></w:pPr><w:rPr><w:sz w:val="18"/></w:rPr></w:style><w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style></w:styles>"#);
    s
}

/// Bullets (`numId` 1) and `numbered` numbered lists, each restarting at 1.
fn numbering(numbered: usize) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    );
    for (id, ordered) in [(0, false), (1, true)] {
        s.push_str(&format!("<w:abstractNum w:abstractNumId=\"{id}\">"));
        for lvl in 0..9 {
            let (fmt, text) = if ordered {
                ("decimal", format!("%{}.", lvl + 1))
            } else {
                ("bullet", ["•", "◦", "▪"][lvl % 3].to_string())
            };
            let indent = 720 * (lvl + 1);
            s.push_str(&format!(
                r#"<w:lvl w:ilvl="{lvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{indent}" w:hanging="360"/></w:pPr></w:lvl>"#
            ));
        }
        s.push_str("</w:abstractNum>");
    }
    s.push_str(r#"<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#);
    for k in 0..numbered {
        s.push_str(&format!(
            r#"<w:num w:numId="{}"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>"#,
            BULLETS + 1 + k
        ));
    }
    s.push_str("</w:numbering>");
    s
}

/// A zip entry being compressed, with the checksum and size of what it holds.
struct Entry {
    /// Buffered: the encoder clears its whole output buffer on every write,
    /// and a document is written a paragraph at a time.
    data: std::io::BufWriter<DeflateEncoder<Vec<u8>>>,
    crc: crc32fast::Hasher,
    size: u64,
}

impl Entry {
    fn new() -> Entry {
        Entry {
            data: std::io::BufWriter::with_capacity(
                1 << 16,
                DeflateEncoder::new(Vec::new(), Compression::fast()),
            ),
            crc: crc32fast::Hasher::new(),
            size: 0,
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), JobError> {
        self.crc.update(bytes);
        self.size += bytes.len() as u64;
        self.data.write_all(bytes).map_err(|e| e.to_string())?;
        Ok(())
    }
}

/// A zip archive written in memory: deflated entries, all dated 1980-01-01
/// (the earliest date zip knows), so that its bytes depend on its content alone.
#[derive(Default)]
struct Zip {
    out: Vec<u8>,
    central: Vec<u8>,
    count: u16,
}

/// 1980-01-01 00:00 in MS-DOS format.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

impl Zip {
    fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), JobError> {
        let mut e = Entry::new();
        e.write(bytes)?;
        self.finish_entry(name, e)
    }

    fn finish_entry(&mut self, name: &str, e: Entry) -> Result<(), JobError> {
        let crc = e.crc.finalize();
        let data = e
            .data
            .into_inner()
            .map_err(|e| e.to_string())?
            .finish()
            .map_err(|e| e.to_string())?;
        let too_big = || "the Word document is larger than 4 GB".to_string();
        let size = u32::try_from(e.size).map_err(|_| too_big())?;
        let packed = u32::try_from(data.len()).map_err(|_| too_big())?;
        let offset = u32::try_from(self.out.len()).map_err(|_| too_big())?;
        let name_len = u16::try_from(name.len()).map_err(|_| too_big())?;
        // Version 2.0, UTF-8 names (bit 11), deflate (8).
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes());
            v.extend_from_slice(&(1u16 << 11).to_le_bytes());
            v.extend_from_slice(&8u16.to_le_bytes());
            v.extend_from_slice(&DOS_TIME.to_le_bytes());
            v.extend_from_slice(&DOS_DATE.to_le_bytes());
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&packed.to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&name_len.to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes());
        };
        self.out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        common(&mut self.out);
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(&data);

        self.central
            .extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        self.central.extend_from_slice(&20u16.to_le_bytes()); // made by
        common(&mut self.central);
        self.central.extend_from_slice(&0u16.to_le_bytes()); // comment
        self.central.extend_from_slice(&0u16.to_le_bytes()); // disk
        self.central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        self.central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        self.central.extend_from_slice(&offset.to_le_bytes());
        self.central.extend_from_slice(name.as_bytes());
        self.count += 1;
        Ok(())
    }

    fn finish(mut self) -> Vec<u8> {
        let offset = self.out.len() as u32;
        let size = self.central.len() as u32;
        self.out.append(&mut self.central);
        self.out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes());
        self.out.extend_from_slice(&self.count.to_le_bytes());
        self.out.extend_from_slice(&self.count.to_le_bytes());
        self.out.extend_from_slice(&size.to_le_bytes());
        self.out.extend_from_slice(&offset.to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes());
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The paragraphs `html` becomes under a heading of level 2, uncompressed.
    fn convert(html: &str) -> String {
        let Ok(mut b) = Body::new(Lang::EN) else {
            panic!("document start")
        };
        let ctx = b.ctx("Normal", Lang::EN, 2);
        if b.children(&fragment::parse(html), &ctx).is_err() || b.end_para(&ctx).is_err() {
            panic!("conversion failed");
        }
        let bytes = b
            .entry
            .data
            .into_inner()
            .expect("flushed")
            .finish()
            .expect("deflate");
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut flate2::read::DeflateDecoder::new(&bytes[..]), &mut xml)
            .expect("inflate");
        xml
    }

    #[test]
    fn paragraphs_emphasis_lists_and_headings_become_word_markup() {
        let xml = convert(
            "<h2>Title</h2>\n<p>One <em>two</em> <strong>three</strong> &amp; <a href=\"https://x.org/?a=1&amp;b=2\">link</a> <a href=\"../other/\">here</a></p>\n<ul>\n<li>a</li>\n<li>b<ol><li>c</li></ol></li>\n</ul>\n<p lang=\"fr\">Bonjour</p>",
        );
        // An `h2` is the first level under the heading the text is placed under.
        assert!(xml.contains("<w:pStyle w:val=\"Heading3\"/>"), "{xml}");
        assert!(xml.contains("<w:i/></w:rPr><w:t xml:space=\"preserve\">two</w:t>"));
        assert!(xml.contains("<w:b/></w:rPr><w:t xml:space=\"preserve\">three</w:t>"));
        assert!(xml.contains("&amp;"));
        assert!(
            xml.contains("<w:hyperlink r:id=\"rId10\"><w:r><w:rPr><w:rStyle w:val=\"Hyperlink\"/>")
        );
        // A relative link cannot be followed from a document: its text stays.
        assert!(xml.contains(">here</w:t>") && !xml.contains("rId11"));
        assert!(xml.contains("<w:numId w:val=\"1\"/>"));
        assert!(xml.contains("<w:ilvl w:val=\"1\"/><w:numId w:val=\"2\"/>"));
        assert!(xml.contains("<w:lang w:val=\"fr\"/></w:rPr><w:t xml:space=\"preserve\">Bonjour"));
        assert!(
            !xml.contains("</w:pPr><w:r><w:rPr></w:rPr><w:t xml:space=\"preserve\"> "),
            "no paragraph starts with a space: {xml}"
        );
    }

    proptest::proptest! {
        /// Text is collapsed as a browser collapses it: words one space
        /// apart, a space kept at either end but at a paragraph's start.
        #[test]
        fn white_space_is_collapsed_as_a_browser_does(
            text in "([a-z’é]| |\t|\n|\u{a0}|\u{2003}|\u{3000}|\u{85}){0,12}",
            at_start in proptest::bool::ANY,
        ) {
            let words: Vec<&str> = text.split_whitespace().collect();
            let expected = if words.is_empty() {
                if text.is_empty() || at_start { String::new() } else { " ".to_string() }
            } else {
                let lead = text.starts_with(char::is_whitespace) && !at_start;
                let trail = text.ends_with(char::is_whitespace);
                format!("{}{}{}", if lead { " " } else { "" }, words.join(" "), if trail { " " } else { "" })
            };
            proptest::prop_assert_eq!(collapse(&text, at_start), expected);
        }
    }

    #[test]
    fn forbidden_characters_are_dropped_and_markup_escaped() {
        let mut s = String::new();
        escape("a\u{1}<b>\"&", &mut s);
        assert_eq!(s, "a&lt;b&gt;&quot;&amp;");
    }
}
