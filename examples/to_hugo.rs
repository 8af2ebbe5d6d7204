//! Converts a palabre content folder into an equivalent, one-language Hugo site, to compare build
//! times (`scripts/bench.sh` runs `hugo --minify` on it).
//!
//! ```sh
//! cargo run --release --example to_hugo -- --content /tmp/corpus --out /tmp/corpus-hugo [--lang en]
//! hugo --minify --source /tmp/corpus-hugo
//! ```
//!
//! The Hugo site has what palabre's costliest pages have, in one language:
//! - one page per reply (`content/replies/<discussion>-<reply>.md`: metadata and the whole body);
//! - one list page per question: a taxonomy term (`questions`) whose page shows the question, its
//!   summary (`summaries/<g>-<q>.<lang>.md`) and every reply answering it, **in full** (palabre
//!   shows only the marked part; Hugo has no such notion);
//! - a home page listing the discussions and their questions;
//!
//! with `--minify`. There are no week or overview pages, no language switcher, no language
//! detection and no sanitising (goldmark drops raw HTML), so Hugo does less work than palabre.
//! Reply bodies are copied as written.

// A benchmark tool, not part of palabre: its unwraps are on writes to a String,
// which cannot fail, and on the files it generated itself.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use serde::Deserialize;

#[derive(Parser)]
#[command(about = "Convert a palabre content folder into a one-language Hugo site")]
struct Args {
    /// palabre content folder
    #[arg(long)]
    content: PathBuf,
    /// Hugo site folder to write (replaced if it exists)
    #[arg(long)]
    out: PathBuf,
    /// The one language of the Hugo site (question texts and summaries in it)
    #[arg(long, default_value = "en")]
    lang: String,
}

#[derive(Deserialize)]
struct Discussion {
    #[serde(default)]
    title: BTreeMap<String, String>,
    #[serde(default)]
    groups: Vec<Group>,
}
#[derive(Deserialize)]
struct Group {
    id: String,
    #[serde(default)]
    questions: Vec<Question>,
}
#[derive(Deserialize)]
struct Question {
    id: String,
    #[serde(default)]
    text: BTreeMap<String, String>,
}
#[derive(Deserialize)]
struct Reply {
    author: Option<String>,
    organisation: Option<String>,
    country: Option<String>,
    date: Option<String>,
    #[serde(default)]
    answers: Vec<String>,
}

fn split_front_matter(text: &str) -> (&str, &str) {
    if let Some(rest) = text.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---\n")
    {
        return (&rest[..end], &rest[end + 5..]);
    }
    ("", text)
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap() // a JSON string is a valid YAML double-quoted string
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

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

const CONFIG: &str = r#"baseURL = "/"
title = "Migration & Development e-discussions"
relativeURLs = true
disableKinds = ["taxonomy", "section", "RSS", "sitemap", "robotsTXT", "404"]
ignoreErrors = ["error-disable-taxonomy"]
[taxonomies]
  question = "questions"
[minify]
  minifyOutput = true
"#;

const BASEOF: &str = r#"<!DOCTYPE html>
<html lang="{{ site.LanguageCode | default "en" }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title>
<style>body{max-width:48rem;margin:auto;font-family:sans-serif;line-height:1.5}article{border-top:1px solid #ccc}</style>
</head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body></html>
"#;

const HOME: &str = r#"{{ define "main" }}<h1>{{ site.Title }}</h1>
{{ .Content }}
<ul>{{ range site.Taxonomies.questions.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
"#;

const SINGLE: &str = r#"{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p>{{ with .Params.organisation }}{{ . }}, {{ end }}{{ with .Params.country }}{{ . }}, {{ end }}{{ .Date.Format "2 January 2006" }}</p>
<p>{{ range .GetTerms "questions" }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</p>
{{ .Content }}
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }} {{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</article>{{ end }}
"#;

const TERM: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
<section>{{ .Content }}</section>
{{ range .Pages.ByDate }}<article id="{{ .File.ContentBaseName }}">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ with .Params.organisation }}{{ . }}, {{ end }}{{ with .Params.country }}{{ . }}, {{ end }}{{ .Date.Format "2 January 2006" }}</p>
{{ .Content }}
</article>{{ end }}
{{ end }}
"#;

fn run(args: Args) -> Result<(), String> {
    let lang = &args.lang;
    if args.out.exists() {
        fs::remove_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    }
    let out = &args.out;
    write(
        &out.join("hugo.toml"),
        &format!("languageCode = \"{lang}\"\n{CONFIG}"),
    )?;
    write(&out.join("layouts/_default/baseof.html"), BASEOF)?;
    write(&out.join("layouts/index.html"), HOME)?;
    write(&out.join("layouts/_default/single.html"), SINGLE)?;
    write(&out.join("layouts/_default/term.html"), TERM)?;

    let mut home = String::from("---\ntitle: \"Home\"\n---\n");
    let mut replies = 0;
    for dir in sorted_entries(&args.content)? {
        if !dir.join("_discussion.md").is_file() {
            continue;
        }
        let slug = dir.file_name().unwrap().to_string_lossy().to_string();
        let text = read(&dir.join("_discussion.md"))?;
        let (yaml, intro) = split_front_matter(&text);
        let discussion: Discussion =
            serde_saphyr::from_str(yaml).map_err(|e| format!("{slug}/_discussion.md: {e}"))?;
        let title = discussion
            .title
            .get(lang)
            .or_else(|| discussion.title.values().next())
            .cloned()
            .unwrap_or_else(|| slug.clone());
        writeln!(home, "## {title}\n\n{intro}\n").unwrap();

        // One term page per question: its text as title, its summary as content.
        for group in &discussion.groups {
            for q in &group.questions {
                let term = format!("{slug}-{}-{}", group.id, q.id);
                let text = q
                    .text
                    .get(lang)
                    .or_else(|| q.text.values().next())
                    .cloned()
                    .unwrap_or_default();
                let summary_path = dir.join(format!("summaries/{}-{}.{lang}.md", group.id, q.id));
                let summary = if summary_path.is_file() {
                    let s = read(&summary_path)?;
                    split_front_matter(&s).1.to_string()
                } else {
                    String::new()
                };
                let page = format!(
                    "---\ntitle: {}\n---\n{summary}",
                    quote(&format!("{}.{} {text}", group.id, q.id))
                );
                write(
                    &out.join(format!("content/questions/{term}/_index.md")),
                    &page,
                )?;
            }
        }

        for file in sorted_entries(&dir.join("replies"))? {
            if file.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let stem = file.file_stem().unwrap().to_string_lossy().to_string();
            let text = read(&file)?;
            let (yaml, body) = split_front_matter(&text);
            let reply: Reply =
                serde_saphyr::from_str(yaml).map_err(|e| format!("{}: {e}", file.display()))?;
            let mut fm = String::from("---\n");
            let author = reply.author.as_deref().unwrap_or("Anonymous");
            writeln!(fm, "title: {}", quote(author)).unwrap();
            if let Some(date) = &reply.date {
                writeln!(fm, "date: {date}").unwrap();
            }
            if let Some(o) = &reply.organisation {
                writeln!(fm, "organisation: {}", quote(o)).unwrap();
            }
            if let Some(c) = &reply.country {
                writeln!(fm, "country: {}", quote(c)).unwrap();
            }
            let terms: Vec<String> = reply
                .answers
                .iter()
                .map(|a| quote(&format!("{slug}-{}", a.replace('.', "-"))))
                .collect();
            writeln!(fm, "questions: [{}]\n---", terms.join(", ")).unwrap();
            write(
                &out.join(format!("content/replies/{slug}-{stem}.md")),
                &format!("{fm}{body}"),
            )?;
            replies += 1;
        }
    }
    write(&out.join("content/_index.md"), &home)?;
    eprintln!(
        "wrote a Hugo site with {replies} replies to {}",
        out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("to_hugo: error: {e}");
            ExitCode::FAILURE
        }
    }
}
