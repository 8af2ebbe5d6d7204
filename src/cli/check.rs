//! `palabre check`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::print_all;

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The content folder to check.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Exit with status 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// `text` for people, `json` for scripts (an array of problems on stdout).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let diags = palabre::check(&args.content);
    let errors = diags.errors().count();
    let warnings = diags.warnings().count();
    match args.format {
        Format::Text => {
            print_all(&diags.0);
            println!(
                "checked {}: {errors} error(s), {warnings} warning(s)",
                args.content.display()
            );
        }
        Format::Json => match serde_json::to_string_pretty(&diags.0) {
            Ok(json) => println!("{json}"),
            Err(e) => eprintln!("cannot write JSON: {e}"),
        },
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
