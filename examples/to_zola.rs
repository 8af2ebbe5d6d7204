//! Converts a palabre content folder into an equivalent, one-language Zola site, to compare build
//! times (`scripts/bench.sh` runs `zola build` on it, with `minify_html = true`).
//!
//! ```sh
//! cargo run --release --example to_zola -- --content /tmp/corpus --out /tmp/corpus-zola [--lang en]
//! zola --root /tmp/corpus-zola build --output-dir /tmp/corpus-zola-out
//! ```
//!
//! The Zola site has what palabre's costliest pages have, in one language:
//! - one section per discussion (`content/<discussion>/_index.md`: its introduction, its
//!   questions and their summaries, `summaries/<g>-<q>.<lang>.md`, and a link to each reply);
//! - one page per reply (`content/<discussion>/<reply>.md`: metadata and the whole body);
//! - the questions a reply answers as a taxonomy (`questions`) whose term pages show every reply
//!   answering the question, **in full** (palabre shows only the marked part; Zola has no such
//!   notion);
//! - a home page listing the discussions and the questions;
//!
//! with `minify_html = true`. There are no week or overview pages, no language switcher, no
//! language detection and no sanitising (raw HTML is passed through), so Zola does less work than
//! palabre. Reply bodies are copied as written.

// A benchmark tool, not part of palabre: its unwraps are on writes to a String,
// which cannot fail, and on the files it generated itself.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::process::ExitCode;

#[path = "twin/mod.rs"]
mod twin;

use twin::{Args, quote, write};

const CONFIG: &str = r#"base_url = "/"
title = "Migration & Development e-discussions"
compile_sass = false
build_search_index = false
generate_feeds = false
minify_html = true
taxonomies = [{ name = "questions" }]
"#;

const BASE: &str = r#"<!DOCTYPE html>
<html lang="{{ lang }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock %}</title>
<style>body{max-width:48rem;margin:auto;font-family:sans-serif;line-height:1.5}article{border-top:1px solid #ccc}</style>
</head>
<body><header><a href="{{ get_url(path="/") }}">{{ config.title }}</a></header>
<main>{% block main %}{% endblock %}</main>
</body></html>
"#;

const INDEX: &str = r#"{% extends "base.html" %}
{% block main %}<h1>{{ config.title }}</h1>
{{ section.content | safe }}
<ul>{% for s in section.subsections %}{% set sub = get_section(path=s, metadata_only=true) %}<li><a href="{{ sub.permalink }}">{{ sub.title }}</a></li>{% endfor %}</ul>
{% set questions = get_taxonomy(kind="questions") %}
<ul>{% for term in questions.items %}<li><a href="{{ term.permalink }}">{{ term.name }}</a> ({{ term.pages | length }})</li>{% endfor %}</ul>
{% endblock %}
"#;

const SECTION: &str = r#"{% extends "base.html" %}
{% block title %}{{ section.title }} · {{ config.title }}{% endblock %}
{% block main %}<h1>{{ section.title }}</h1>
{{ section.content | safe }}
<ul>{% for page in section.pages %}<li><a href="{{ page.permalink }}">{{ page.title }}</a></li>{% endfor %}</ul>
{% endblock %}
"#;

const PAGE: &str = r#"{% extends "base.html" %}
{% block title %}{{ page.title }} · {{ config.title }}{% endblock %}
{% block main %}<article>
<h1>{{ page.title }}</h1>
<p>{% if page.extra.organisation %}{{ page.extra.organisation }}, {% endif %}{% if page.extra.country %}{{ page.extra.country }}, {% endif %}{{ page.date | date(format="%-d %B %Y") }}</p>
<p>{% for term in page.taxonomies.questions %}<a href="{{ get_taxonomy_url(kind="questions", name=term) }}">{{ term }}</a> {% endfor %}</p>
{{ page.content | safe }}
<nav>{% if page.lower %}<a href="{{ page.lower.permalink }}">{{ page.lower.title }}</a>{% endif %} {% if page.higher %}<a href="{{ page.higher.permalink }}">{{ page.higher.title }}</a>{% endif %}</nav>
</article>{% endblock %}
"#;

const TAXONOMY_LIST: &str = r#"{% extends "base.html" %}
{% block main %}<h1>Questions</h1>
<ul>{% for term in terms %}<li><a href="{{ term.permalink }}">{{ term.name }}</a> ({{ term.pages | length }})</li>{% endfor %}</ul>
{% endblock %}
"#;

const TAXONOMY_SINGLE: &str = r#"{% extends "base.html" %}
{% block title %}{{ term.name }} · {{ config.title }}{% endblock %}
{% block main %}<h1>{{ term.name }}</h1>
{% for page in term.pages %}<article id="{{ page.slug }}">
<h2><a href="{{ page.permalink }}">{{ page.title }}</a></h2>
<p>{% if page.extra.organisation %}{{ page.extra.organisation }}, {% endif %}{% if page.extra.country %}{{ page.extra.country }}, {% endif %}{{ page.date | date(format="%-d %B %Y") }}</p>
{{ page.content | safe }}
</article>{% endfor %}
{% endblock %}
"#;

fn run(args: &Args) -> Result<(), String> {
    let lang = &args.lang;
    let out = &args.out;
    write(
        &out.join("config.toml"),
        &format!("default_language = \"{lang}\"\n{CONFIG}"),
    )?;
    write(&out.join("templates/base.html"), BASE)?;
    write(&out.join("templates/index.html"), INDEX)?;
    write(&out.join("templates/section.html"), SECTION)?;
    write(&out.join("templates/page.html"), PAGE)?;
    write(&out.join("templates/questions/list.html"), TAXONOMY_LIST)?;
    write(
        &out.join("templates/questions/single.html"),
        TAXONOMY_SINGLE,
    )?;

    let mut home = String::from("+++\ntitle = \"Home\"\n+++\n");
    let mut replies = 0;
    for d in twin::read_content(&args.content, lang)? {
        let slug = &d.slug;
        writeln!(home, "## {}\n", d.title).unwrap();

        // The section: the introduction, then each question with its summary.
        let mut section = format!(
            "+++\ntitle = {}\nsort_by = \"date\"\n+++\n{}\n",
            quote(&d.title),
            d.intro
        );
        for q in &d.questions {
            writeln!(section, "\n## {}.{} {}\n", q.group, q.id, q.text).unwrap();
            if let Some(summary) = &q.summary {
                writeln!(section, "{summary}").unwrap();
            }
        }
        write(&out.join(format!("content/{slug}/_index.md")), &section)?;

        for reply in &d.replies {
            let mut fm = String::from("+++\n");
            let author = reply.author.as_deref().unwrap_or("Anonymous");
            writeln!(fm, "title = {}", quote(author)).unwrap();
            if let Some(date) = &reply.date {
                writeln!(fm, "date = {date}").unwrap();
            }
            let terms: Vec<String> = reply
                .answers
                .iter()
                .map(|a| quote(&format!("{slug}-{}", a.replace('.', "-"))))
                .collect();
            writeln!(fm, "[taxonomies]\nquestions = [{}]", terms.join(", ")).unwrap();
            fm.push_str("[extra]\n");
            if let Some(o) = &reply.organisation {
                writeln!(fm, "organisation = {}", quote(o)).unwrap();
            }
            if let Some(c) = &reply.country {
                writeln!(fm, "country = {}", quote(c)).unwrap();
            }
            fm.push_str("+++\n");
            write(
                &out.join(format!("content/{slug}/{}.md", reply.stem)),
                &format!("{fm}{}", reply.body),
            )?;
            replies += 1;
        }
    }
    write(&out.join("content/_index.md"), &home)?;
    eprintln!(
        "wrote a Zola site with {replies} replies to {}",
        out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    twin::main("to_zola", run)
}
