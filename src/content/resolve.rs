//! Links checked once the whole site is loaded: those to content files
//! become links to their pages, or text when there is no such page, and
//! every broken link a warning (see [`crate::model::Link`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{DISCUSSION_FILE, file_stem, folder_of};
use crate::diagnostic::Diagnostic;
use crate::model::{
    Discussion, GroupLabel, Link, LinkKind, QuestionId, SITE_ROOT, Site, Summary, UNRESOLVED,
};
use crate::site;
use crate::store;
use crate::util::address;

/// What a discussion offers to link to.
struct Targets {
    /// Its folder's name, as links and hints write it.
    folder: String,
    group_label: GroupLabel,
    questions: BTreeSet<QuestionId>,
    /// Each reply's address, and its file name without `.md`.
    replies: BTreeMap<String, String>,
}

/// One text with links: where it comes from and the HTML to mend.
struct Text<'a> {
    file: &'a Path,
    /// The text's folder in the content folder, to word hints from it.
    folder: String,
    /// The address of the discussion it belongs to.
    slug: &'a str,
    links: &'a [Link],
    html: Vec<&'a mut String>,
}

/// A link's target page (path without language), and what is wrong with it.
type Outcome = (Option<String>, Option<(String, String)>);

/// Checks every link of the site's texts against the site, turns links to
/// content files into links to their pages (or into text when broken), and
/// returns a warning for each broken link.
pub(super) fn resolve(site: &mut Site, content: &Path) -> Vec<Diagnostic> {
    let base_url = site.config.base_url.clone();
    let under_base = |l: &Link| {
        l.kind == LinkKind::Web
            && base_url
                .as_deref()
                .and_then(|b| under(b, &l.dest))
                .is_some()
    };
    let needs_files = site.discussions.iter().any(|d| {
        d.intro_links
            .iter()
            .chain(d.replies.iter().flat_map(|r| &r.links))
            .chain(summaries(d).flat_map(|s| &s.links))
            .any(under_base)
    });
    let checker = Checker {
        targets: site
            .discussions
            .iter()
            .map(|d| {
                let targets = Targets {
                    folder: folder_of(&d.source, 1),
                    group_label: d.group_label,
                    questions: d.questions().map(|q| q.id).collect(),
                    replies: d
                        .replies
                        .iter()
                        .map(|r| (r.id.clone(), file_stem(&r.source)))
                        .collect(),
                };
                (d.slug.clone(), targets)
            })
            .collect(),
        content,
        site_files: needs_files.then(|| site_files(site)),
        base_url: base_url.clone(),
    };
    let mut found = Vec::new();
    for d in &mut site.discussions {
        let slug = d.slug.as_str();
        let intro_file = d.source.as_path();
        let folder = folder_of(intro_file, 1);
        checker.check(
            Text {
                file: intro_file,
                folder: folder.clone(),
                slug,
                links: &d.intro_links,
                html: vec![&mut d.intro_html],
            },
            &mut found,
        );
        for r in &mut d.replies {
            // Only links change a reply's HTML; without, its texts and their
            // hash stay as read (and cached).
            if r.links.is_empty() {
                continue;
            }
            let (file, links) = (&r.source, &r.links);
            let edited = store::edit_html(&mut r.texts, file, |html| {
                checker.check(
                    Text {
                        file,
                        folder: format!("{folder}/replies"),
                        slug,
                        links,
                        html,
                    },
                    &mut found,
                );
            });
            if let Err(d) = edited {
                found.push(d);
            }
        }
        d.citations = d
            .summaries
            .iter()
            .map(|(&q, by_lang)| {
                let cited: BTreeSet<String> = by_lang
                    .values()
                    .flat_map(|s| &s.links)
                    .filter_map(|l| checker.cited_reply(slug, l))
                    .collect();
                (q, cited)
            })
            .filter(|(_, cited)| !cited.is_empty())
            .collect();
        for s in d
            .summaries
            .values_mut()
            .flat_map(|m| m.values_mut())
            .chain(d.conclusion.values_mut())
        {
            checker.check(
                Text {
                    file: &s.source,
                    folder: format!("{folder}/summaries"),
                    slug,
                    links: &s.links,
                    html: vec![&mut s.html],
                },
                &mut found,
            );
        }
    }
    found
}

fn summaries(d: &Discussion) -> impl Iterator<Item = &Summary> {
    d.summaries
        .values()
        .flat_map(|m| m.values())
        .chain(d.conclusion.values())
}

/// The path, from the site's root, of the address `dest` when it is under
/// `base` (`https://example.org/d` and `https://example.org/d/en/` give `en/`).
fn under(base: &str, dest: &str) -> Option<String> {
    let rest = dest.strip_prefix(base)?;
    if !(rest.is_empty() || rest.starts_with(['/', '?', '#'])) {
        return None;
    }
    let path = rest.split(['?', '#']).next().unwrap_or("");
    Some(path.trim_start_matches('/').to_string())
}

/// `html` with every href whose value is `from` set to `to`, or dropped when
/// `to` is `None`. The value may be quoted or not: reply HTML is minified.
fn replace_href(html: &str, from: &str, to: Option<&str>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(" href=") {
        let value_start = i + " href=".len();
        let after = &rest[value_start..];
        let (value, len) = match after.strip_prefix('"') {
            Some(quoted) => {
                let end = quoted.find('"').unwrap_or(quoted.len());
                (&quoted[..end], end + 2)
            }
            None => {
                let end = after
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        if value == from {
            out.push_str(&rest[..i]);
            if let Some(to) = to {
                out.push_str(&format!(" href=\"{to}\""));
            }
        } else {
            out.push_str(&rest[..value_start + len]);
        }
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
    out
}

/// Every file of the output folder but the theme's (under `static/`) and
/// the search index's (under `search/`).
fn site_files(site: &Site) -> BTreeSet<String> {
    let mut files: BTreeSet<String> = site::pages(site).iter().map(|p| p.path()).collect();
    for d in &site.discussions {
        for ext in ["csv", "json"] {
            files.insert(site::data_path(d, ext));
        }
        if site::has_feeds(site) {
            for l in &site.config.languages {
                files.insert(site::feed_path(l.code(), d, None));
                for q in d.questions() {
                    files.insert(site::feed_path(l.code(), d, Some(q.id)));
                }
            }
        }
    }
    if site::has_feeds(site) {
        files.extend(["sitemap.xml".to_string(), "robots.txt".to_string()]);
    }
    files
}

struct Checker<'a> {
    targets: BTreeMap<String, Targets>,
    content: &'a Path,
    base_url: Option<String>,
    /// Every file of the output, when some link is under `base_url`.
    site_files: Option<BTreeSet<String>>,
}

impl Checker<'_> {
    fn check(&self, text: Text<'_>, found: &mut Vec<Diagnostic>) {
        let Text {
            file,
            folder,
            slug,
            links,
            mut html,
        } = text;
        for link in links {
            let (page, problem) = match &link.kind {
                LinkKind::File { path, fragment } => {
                    self.file_target(&folder, slug, path.as_deref(), fragment.as_deref())
                }
                LinkKind::Relative => (
                    None,
                    Some((
                        "a relative address leads elsewhere on each page the text is shown on"
                            .to_string(),
                        format!(
                            "{}; write any other address in full (https://...)",
                            self.link_forms(&folder, slug)
                        ),
                    )),
                ),
                LinkKind::Web => (None, self.web_problem(&folder, slug, &link.dest)),
            };
            if let Some((message, hint)) = problem {
                found.push(
                    Diagnostic::warning(
                        file,
                        Some(link.line),
                        format!("broken link `{}`: {message}", link.dest),
                    )
                    .hint(hint),
                );
            }
            let Some(marker) = link.marker() else {
                continue;
            };
            // A link to a `.md` file that is no page would lead nowhere on the
            // published site: it becomes text, and the warning says why.
            let from = format!("{UNRESOLVED}{marker}");
            let to = page.map(|page| format!("{SITE_ROOT}{page}"));
            for h in html.iter_mut() {
                if h.contains(&from) {
                    **h = replace_href(h, &from, to.as_deref());
                }
            }
        }
    }

    /// The id of the reply of discussion `slug` that `link` (of a text of
    /// that discussion) leads to, if it leads to one: a citation, when the
    /// text is a summary. Replies of other discussions are not counted, as
    /// citations are listed by question id.
    fn cited_reply(&self, slug: &str, link: &Link) -> Option<String> {
        let LinkKind::File {
            path: Some(path), ..
        } = &link.kind
        else {
            return None;
        };
        let [d, "replies", name] = path.split('/').collect::<Vec<_>>()[..] else {
            return None;
        };
        let id = address(name.strip_suffix(".md")?);
        (address(d) == slug && self.targets.get(slug)?.replies.contains_key(&id)).then_some(id)
    }

    /// How to write links from `folder`, with a real reply and question of
    /// the discussion for the examples.
    fn link_forms(&self, folder: &str, slug: &str) -> String {
        let target = self.targets.get(slug);
        let dir = target.map_or(slug, |t| t.folder.as_str());
        let reply = target
            .and_then(|t| t.replies.values().next())
            .map_or("007-maria", String::as_str);
        let question = target
            .and_then(|t| t.questions.iter().next())
            .map_or_else(|| "1.2".to_string(), ToString::to_string);
        let discussion = relative(folder, &format!("{dir}/{}", DISCUSSION_FILE));
        format!(
            "link to a reply by its file, e.g. `[text]({})`, to the discussion with `[text]({discussion})`, or to a question with `[text]({discussion}#{question})`",
            relative(folder, &format!("{dir}/replies/{reply}.md"))
        )
    }

    fn file_target(
        &self,
        folder: &str,
        slug: &str,
        path: Option<&str>,
        fragment: Option<&str>,
    ) -> Outcome {
        let forms = || self.link_forms(folder, slug);
        let Some(path) = path else {
            return (
                None,
                Some((
                    "it leads out of the content folder, or to a file name no content file can have".to_string(),
                    forms(),
                )),
            );
        };
        let segments: Vec<&str> = path.split('/').collect();
        match segments.as_slice() {
            [d, "replies", name] => {
                let stem = &name[..name.len().saturating_sub(3)];
                // Both by address: a link finds its reply whatever the case
                // of its letters or the encoding of their accents.
                let d = &address(d);
                let target = self.targets.get(d);
                let id = address(stem);
                if target.is_some_and(|t| t.replies.contains_key(&id)) {
                    let page = site::reply_page(d, &id);
                    let problem = fragment.map(|f| {
                        (
                            format!("a reply's page has no anchor `#{f}`; it was left out"),
                            format!(
                                "link to the reply's file alone, e.g. `[text]({})`",
                                relative(folder, path)
                            ),
                        )
                    });
                    return (Some(page), problem);
                }
                // A typo in the name: offer the reply with the same number.
                let number = stem.split('-').next().unwrap_or(stem);
                let close = target.and_then(|t| {
                    t.replies
                        .values()
                        .find(|r| r.split('-').next() == Some(number) || r.starts_with(stem))
                        .map(|r| (&t.folder, r))
                });
                let hint = match close {
                    Some((dir, r)) => format!(
                        "did you mean `[text]({})`?",
                        relative(folder, &format!("{dir}/replies/{r}.md"))
                    ),
                    None => forms(),
                };
                (None, Some((format!("there is no reply `{path}`"), hint)))
            }
            [d, DISCUSSION_FILE] => {
                let written = *d;
                let d = &address(d);
                let Some(target) = self.targets.get(d) else {
                    let known: Vec<&str> =
                        self.targets.values().map(|t| t.folder.as_str()).collect();
                    return (
                        None,
                        Some((
                            format!("there is no discussion `{written}`"),
                            format!("the discussions are: {}", known.join(", ")),
                        )),
                    );
                };
                let overview = site::discussion_page(d);
                let Some(f) = fragment else {
                    return (Some(overview), None);
                };
                match f.parse::<QuestionId>() {
                    Ok(q) if target.questions.contains(&q) => {
                        (Some(site::question_page(d, target.group_label, q)), None)
                    }
                    _ => {
                        let ids: Vec<String> =
                            target.questions.iter().map(ToString::to_string).collect();
                        (
                            Some(overview),
                            Some((
                                format!(
                                    "discussion `{written}` has no question `{f}`; the link leads to its overview"
                                ),
                                format!(
                                    "after `#`, write one of its questions: {}",
                                    ids.join(", ")
                                ),
                            )),
                        )
                    }
                }
            }
            [d, "summaries", name] if self.content.join(path).is_file() => {
                let q = name.split('.').next().unwrap_or("").replacen('-', ".", 1);
                let discussion = relative(folder, &format!("{d}/{}", DISCUSSION_FILE));
                let hint = match q.parse::<QuestionId>() {
                    Ok(q) => format!("link to its question instead: `[text]({discussion}#{q})`"),
                    Err(_) => format!("link to the discussion instead: `[text]({discussion})`"),
                };
                (
                    None,
                    Some(("a summary has no page of its own".to_string(), hint)),
                )
            }
            _ => {
                let message = if self.content.join(path).is_file() {
                    format!("`{path}` is neither a reply nor a discussion file")
                } else {
                    format!("there is no file `{path}` in the content folder")
                };
                (None, Some((message, forms())))
            }
        }
    }

    /// What is wrong with an `http(s)` link: only those under `base_url` are
    /// checked, and they must land on a page or file of the site.
    fn web_problem(&self, folder: &str, slug: &str, dest: &str) -> Option<(String, String)> {
        let path = under(self.base_url.as_deref()?, dest)?;
        let files = self.site_files.as_ref()?;
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.clone()
        };
        let lands = files.contains(&file)
            || files.contains(&format!("{file}/index.html"))
            || file.starts_with("static/")
            || file.starts_with("search/");
        (!lands).then(|| {
            (
                format!("no page or file of the site is at `{path}`"),
                format!(
                    "{}; such links also work offline and lead to the reader's language",
                    self.link_forms(folder, slug)
                ),
            )
        })
    }
}

/// The way from `folder` to `target`, both `/`-separated from the content
/// folder: how the author should write a link to it.
fn relative(folder: &str, target: &str) -> String {
    let from: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = target.split('/').filter(|s| !s.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_are_replaced_quoted_or_not() {
        let html = r#"<a href="m/x.md">a</a><a href=m/x.md>b</a><a href=m/x.md#1.2 class=c>c</a>"#;
        assert_eq!(
            replace_href(html, "m/x.md", Some("p/")),
            r#"<a href="p/">a</a><a href="p/">b</a><a href=m/x.md#1.2 class=c>c</a>"#
        );
        assert_eq!(
            replace_href(html, "m/x.md", None),
            r#"<a>a</a><a>b</a><a href=m/x.md#1.2 class=c>c</a>"#
        );
    }

    #[test]
    fn hints_are_written_from_the_linking_file() {
        assert_eq!(relative("d/replies", "d/replies/x.md"), "x.md");
        assert_eq!(
            relative("d/replies", "d/_discussion.md"),
            "../_discussion.md"
        );
        assert_eq!(
            relative("d/replies", "e/replies/x.md"),
            "../../e/replies/x.md"
        );
        assert_eq!(relative("d", "d/_discussion.md"), "_discussion.md");
    }

    #[test]
    fn addresses_under_base_url() {
        let base = "https://example.org/talks";
        assert_eq!(
            under(base, "https://example.org/talks/en/d/").as_deref(),
            Some("en/d/")
        );
        assert_eq!(
            under(base, "https://example.org/talks").as_deref(),
            Some("")
        );
        assert_eq!(
            under(base, "https://example.org/talks#x").as_deref(),
            Some("")
        );
        assert_eq!(under(base, "https://example.org/talkshow/"), None);
        assert_eq!(under(base, "https://example.org/"), None);
    }
}
