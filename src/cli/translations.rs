//! `palabre translations`.

use std::path::PathBuf;
use std::process::ExitCode;

use palabre::lang::Lang;
use palabre::translations::{self, Imported};

use super::{only_discussion, print_all};

#[derive(clap::Subcommand)]
pub(crate) enum Command {
    /// Record that the summaries in a language translate the current version
    /// of their originals: run it once a translation is up to date.
    Mark(MarkArgs),
    /// Write every text missing or out of date in a language, for translators
    /// (XLIFF 1.2 or gettext PO).
    Export(ExportArgs),
    /// Put the translations of an exported file, once translated, where they
    /// belong.
    Import(ImportArgs),
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum Format {
    Xliff,
    Po,
}

#[derive(clap::Args)]
pub(crate) struct ExportArgs {
    /// The content folder.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// The language to translate into, e.g. `fr`.
    #[arg(long)]
    pub language: String,
    /// The file format.
    #[arg(long, value_enum, default_value = "xliff")]
    pub format: Format,
    /// Where to write it (default: standard output).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(clap::Args)]
pub(crate) struct ImportArgs {
    /// The content folder.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// The translated file (XLIFF or PO, as exported).
    pub file: PathBuf,
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
        Command::Export(args) => export(args),
        Command::Import(args) => import(args),
    }
}

/// The language `code` names, or a message saying which there are.
fn language(code: &str) -> Option<Lang> {
    let lang = Lang::from_code(code);
    if lang.is_none() {
        eprintln!(
            "error: `{code}` is not a language palabre knows\n  hint: use one of {}",
            Lang::known_codes()
        );
    }
    lang
}

/// The site of `content`, or its errors printed.
fn load(content: &std::path::Path) -> Option<palabre::model::Site> {
    let (site, diags) = palabre::content::load(content);
    if site.is_none() {
        print_all(&diags.0);
    }
    site
}

fn export(args: ExportArgs) -> ExitCode {
    let Some(lang) = language(&args.language) else {
        return ExitCode::FAILURE;
    };
    let Some(site) = load(&args.content) else {
        return ExitCode::FAILURE;
    };
    let entries = match translations::entries(&site, &args.content, lang) {
        Ok(e) => e,
        Err(e) => {
            print_all([&e]);
            return ExitCode::FAILURE;
        }
    };
    let format = match args.format {
        Format::Xliff => translations::Format::Xliff,
        Format::Po => translations::Format::Po,
    };
    let text = translations::write(&entries, lang, format);
    let stale = entries.iter().filter(|e| e.stale.is_some()).count();
    match &args.output {
        None => print!("{text}"),
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("{}: error: cannot write: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    eprintln!(
        "{} text(s) to translate into {}: {} missing, {stale} out of date",
        entries.len(),
        lang.english_name(),
        entries.len() - stale
    );
    ExitCode::SUCCESS
}

fn import(args: ImportArgs) -> ExitCode {
    let (lang, found) = match translations::read(&args.file) {
        Ok(r) => r,
        Err(e) => {
            print_all([&e]);
            return ExitCode::FAILURE;
        }
    };
    let Some(site) = load(&args.content) else {
        return ExitCode::FAILURE;
    };
    let done = match translations::import(&site, &args.content, lang, &found) {
        Ok(d) => d,
        Err(e) => {
            print_all([&e]);
            return ExitCode::FAILURE;
        }
    };
    let mut written = 0;
    for d in &done {
        match d {
            Imported::Written(file) => {
                written += 1;
                println!("{}: written", file.display());
            }
            Imported::ByHand(file, why) => println!(
                "{}: not written, add the {} translation there by hand: {why}",
                file.display(),
                lang.english_name()
            ),
            Imported::NeedsReview(id) => println!("{id}: left out, marked as needing review"),
            Imported::Unknown(id) => println!("{id}: left out, the site has no such text"),
        }
    }
    println!("{written} file(s) written in {}", lang.english_name());
    ExitCode::SUCCESS
}

fn mark(args: MarkArgs) -> ExitCode {
    let Some(lang) = language(&args.language) else {
        return ExitCode::FAILURE;
    };
    let Some(site) = load(&args.content) else {
        return ExitCode::FAILURE;
    };
    let Ok(only) = only_discussion(&site, args.discussion.as_deref(), &args.content) else {
        return ExitCode::FAILURE;
    };
    match translations::mark(&site, &args.content.join("site.yaml"), only, lang) {
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
                    m.translates,
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
