//! What the converters into other generators' sites (`to_hugo`, `to_zola`)
//! share: their command line, a palabre content folder read into what they
//! write, and writing files. Each includes it with `#[path]`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use serde::Deserialize;

#[derive(Parser)]
#[command(about = "Convert a palabre content folder into a one-language site of another generator")]
pub(crate) struct Args {
    /// palabre content folder
    #[arg(long)]
    pub(crate) content: PathBuf,
    /// site folder to write (replaced if it exists)
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// The one language of the site (question texts and summaries in it)
    #[arg(long, default_value = "en")]
    pub(crate) lang: String,
}

/// A discussion, in the site's one language.
pub(crate) struct Discussion {
    /// Its folder's name.
    pub(crate) slug: String,
    pub(crate) title: String,
    /// The Markdown after its front matter.
    pub(crate) intro: String,
    pub(crate) questions: Vec<Question>,
    pub(crate) replies: Vec<Reply>,
}

pub(crate) struct Question {
    pub(crate) group: String,
    pub(crate) id: String,
    pub(crate) text: String,
    /// The summary's Markdown, when there is one in the language.
    pub(crate) summary: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct Reply {
    /// The file name without `.md`.
    #[serde(skip)]
    pub(crate) stem: String,
    /// The Markdown after the front matter, as written.
    #[serde(skip)]
    pub(crate) body: String,
    pub(crate) author: Option<String>,
    pub(crate) organisation: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) date: Option<String>,
    #[serde(default)]
    pub(crate) answers: Vec<String>,
}

#[derive(Deserialize)]
struct DiscussionFile {
    #[serde(default)]
    title: BTreeMap<String, String>,
    #[serde(default)]
    groups: Vec<GroupFile>,
}

#[derive(Deserialize)]
struct GroupFile {
    id: String,
    #[serde(default)]
    questions: Vec<QuestionFile>,
}

#[derive(Deserialize)]
struct QuestionFile {
    id: String,
    #[serde(default)]
    text: BTreeMap<String, String>,
}

/// Every discussion of the content folder `content`, in `lang` (or another
/// language where a text lacks it), in folder order.
pub(crate) fn read_content(content: &Path, lang: &str) -> Result<Vec<Discussion>, String> {
    let mut out = Vec::new();
    for dir in sorted_entries(content)? {
        if !dir.join("_discussion.md").is_file() {
            continue;
        }
        let slug = dir.file_name().unwrap().to_string_lossy().to_string();
        let text = read(&dir.join("_discussion.md"))?;
        let (yaml, intro) = split_front_matter(&text);
        let file: DiscussionFile =
            serde_saphyr::from_str(yaml).map_err(|e| format!("{slug}/_discussion.md: {e}"))?;
        let in_lang =
            |m: &BTreeMap<String, String>| m.get(lang).or_else(|| m.values().next()).cloned();
        let mut questions = Vec::new();
        for group in &file.groups {
            for q in &group.questions {
                let summary_path = dir.join(format!("summaries/{}-{}.{lang}.md", group.id, q.id));
                let summary = if summary_path.is_file() {
                    Some(split_front_matter(&read(&summary_path)?).1.to_string())
                } else {
                    None
                };
                questions.push(Question {
                    group: group.id.clone(),
                    id: q.id.clone(),
                    text: in_lang(&q.text).unwrap_or_default(),
                    summary,
                });
            }
        }
        let mut replies = Vec::new();
        for path in sorted_entries(&dir.join("replies"))? {
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = read(&path)?;
            let (yaml, body) = split_front_matter(&text);
            let mut reply: Reply =
                serde_saphyr::from_str(yaml).map_err(|e| format!("{}: {e}", path.display()))?;
            reply.stem = path.file_stem().unwrap().to_string_lossy().to_string();
            reply.body = body.to_string();
            replies.push(reply);
        }
        out.push(Discussion {
            title: in_lang(&file.title).unwrap_or_else(|| slug.clone()),
            slug,
            intro: intro.to_string(),
            questions,
            replies,
        });
    }
    Ok(out)
}

fn split_front_matter(text: &str) -> (&str, &str) {
    if let Some(rest) = text.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---\n")
    {
        return (&rest[..end], &rest[end + 5..]);
    }
    ("", text)
}

/// `s` as a quoted string: a JSON string is a valid YAML double-quoted
/// string and a valid TOML basic string.
pub(crate) fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut entries = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    entries.sort();
    Ok(entries)
}

/// Writes `text` to `path`, creating its folder.
pub(crate) fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs converter `name`: parses the command line, empties the output
/// folder, calls `run`, says what went wrong.
pub(crate) fn main(name: &str, run: fn(&Args) -> Result<(), String>) -> ExitCode {
    let args = Args::parse();
    let result = match fs::remove_dir_all(&args.out) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: {e}", args.out.display()))
        }
        _ => run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: error: {e}");
            ExitCode::FAILURE
        }
    }
}
