//! `palabre coverage`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use palabre::extras::coverage::{self, Count, Coverage};

use super::{only_discussion, print_all};

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The content folder.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Only this discussion (its folder's name).
    #[arg(long)]
    pub discussion: Option<String>,
    /// `text` for people, `json` for scripts (an array, one object per
    /// question, on stdout).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let (site, diags) = palabre::content::load(&args.content);
    let Some(site) = site else {
        print_all(&diags.0);
        return ExitCode::FAILURE;
    };
    let Ok(only) = only_discussion(&site, args.discussion.as_deref(), &args.content) else {
        return ExitCode::FAILURE;
    };
    let all = coverage::coverage(&site, only);
    match args.format {
        Format::Text => print!("{}", text(&all)),
        Format::Json => match serde_json::to_string_pretty(&all) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("cannot write JSON: {e}");
                return ExitCode::FAILURE;
            }
        },
    }
    ExitCode::SUCCESS
}

/// The coverage as people read it: per discussion, one block per question.
fn text(all: &[Coverage]) -> String {
    let mut out = String::new();
    let mut discussion = None;
    for c in all {
        if discussion != Some(&c.discussion) {
            if discussion.is_some() {
                out.push('\n');
            }
            out.push_str(&format!("{}\n", c.discussion));
            discussion = Some(&c.discussion);
        }
        let summary = if c.summary { "" } else { " (no summary yet)" };
        out.push_str(&format!(
            "  question {}: {} cited of {} {}{summary}\n",
            c.question,
            c.cited,
            c.replies,
            if c.replies == 1 { "reply" } else { "replies" }
        ));
        if c.replies == 0 {
            continue;
        }
        out.push_str(&format!("    by language: {}\n", counts(&c.by_language)));
        if !c.by_country.is_empty() {
            out.push_str(&format!("    by country:  {}\n", counts(&c.by_country)));
        }
        if !c.uncited.is_empty() {
            out.push_str(&format!("    not cited:   {}\n", c.uncited.join(", ")));
        }
    }
    out
}

/// `fr 1/4, en 2/2`: cited of replies, per key.
fn counts(by: &BTreeMap<String, Count>) -> String {
    by.iter()
        .map(|(k, c)| format!("{k} {}/{}", c.cited, c.replies))
        .collect::<Vec<_>>()
        .join(", ")
}
