//! `palabre translations`.

use std::path::PathBuf;
use std::process::ExitCode;

use palabre::lang::Lang;

use super::{find_discussion, print_all};

#[derive(clap::Subcommand)]
pub(crate) enum Command {
    /// Record that the summaries in a language translate the current version
    /// of their originals: run it once a translation is up to date.
    Mark(MarkArgs),
}

#[derive(clap::Args)]
pub(crate) struct MarkArgs {
    /// The content folder.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Only this discussion (its folder's name).
    #[arg(long)]
    pub discussion: Option<String>,
    /// The language of the translations, e.g. `fr`.
    #[arg(long)]
    pub language: String,
}

pub(crate) fn run(command: Command) -> ExitCode {
    match command {
        Command::Mark(args) => mark(args),
    }
}

fn mark(args: MarkArgs) -> ExitCode {
    let Some(lang) = Lang::from_code(&args.language) else {
        eprintln!(
            "error: `{}` is not a language palabre knows\n  hint: use one of {}",
            args.language,
            Lang::known_codes()
        );
        return ExitCode::FAILURE;
    };
    let (site, diags) = palabre::content::load(&args.content);
    let Some(site) = site else {
        print_all(&diags.0);
        return ExitCode::FAILURE;
    };
    let only = match &args.discussion {
        Some(written) => match find_discussion(&site, written, &args.content) {
            Some(d) => Some(d.slug.as_str()),
            None => return ExitCode::FAILURE,
        },
        None => None,
    };
    match palabre::translations::mark(&site, only, lang) {
        Ok(marked) => {
            for m in &marked {
                let what = if m.written {
                    "recorded"
                } else {
                    "already up to date"
                };
                println!(
                    "{}: {what}: translates {} (version {})",
                    m.file.display(),
                    m.original.display(),
                    m.version
                );
            }
            let written = marked.iter().filter(|m| m.written).count();
            println!(
                "{written} translation(s) recorded, {} already up to date",
                marked.len() - written
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            print_all([&e]);
            ExitCode::FAILURE
        }
    }
}
