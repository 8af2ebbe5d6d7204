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

use std::fmt::Write as _;
use std::process::ExitCode;

#[path = "twin/mod.rs"]
mod twin;

use twin::{Args, quote, write};

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

fn run(args: &Args) -> Result<(), String> {
    let lang = &args.lang;
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
    for d in twin::read_content(&args.content, lang)? {
        let slug = &d.slug;
        writeln!(home, "## {}\n\n{}\n", d.title, d.intro).unwrap();

        // One term page per question: its text as title, its summary as content.
        for q in &d.questions {
            let term = format!("{slug}-{}-{}", q.group, q.id);
            let page = format!(
                "---\ntitle: {}\n---\n{}",
                quote(&format!("{}.{} {}", q.group, q.id, q.text)),
                q.summary.as_deref().unwrap_or_default()
            );
            write(
                &out.join(format!("content/questions/{term}/_index.md")),
                &page,
            )?;
        }

        for reply in &d.replies {
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
                &out.join(format!("content/replies/{slug}-{}.md", reply.stem)),
                &format!("{fm}{}", reply.body),
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
    twin::main("to_hugo", run)
}
