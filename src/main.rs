//! The command line: parse arguments, call the library, print, set the exit status.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use palabre::diagnostic::Diagnostic;

#[derive(Parser)]
#[command(
    name = "palabre",
    version,
    about = "Static sites for multilingual e-discussions and their consolidated replies"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Build the static site from a content folder.
    Build {
        /// The content folder (site.yaml, one folder per discussion).
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Where to write the site; replaced whole on every build.
        #[arg(long, default_value = "public")]
        output: PathBuf,
        /// The folder holding themes (default: `themes/` beside the content folder).
        #[arg(long)]
        themes: Option<PathBuf>,
        /// Replace the output folder even if palabre did not create it.
        #[arg(long)]
        force: bool,
        /// Open the built site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Check a content folder and report every problem, without writing anything.
    Check {
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Exit with status 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// `text` for people, `json` for scripts (an array of problems on stdout).
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

fn print_all<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) {
    for d in diags {
        eprintln!("{d}");
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            content,
            output,
            themes,
            force,
            open,
        } => {
            let opts = palabre::BuildOptions {
                content,
                output: output.clone(),
                themes,
                force,
            };
            match palabre::build(&opts) {
                Ok(report) => {
                    print_all(&report.warnings);
                    let langs: Vec<String> = report
                        .replies_by_lang
                        .iter()
                        .map(|(l, n)| format!("{l} {n}"))
                        .collect();
                    let total: usize = report.replies_by_lang.values().sum();
                    println!(
                        "built {} pages from {total} replies ({}) in {:.2} s into {}{}",
                        report.pages,
                        langs.join(", "),
                        report.elapsed.as_secs_f64(),
                        output.display(),
                        match report.warnings.len() {
                            0 => String::new(),
                            n => format!(", {n} warning(s)"),
                        }
                    );
                    if open {
                        let index = output.join("index.html");
                        if let Err(e) = opener::open(&index) {
                            eprintln!(
                                "could not open a browser ({e}); open {} yourself",
                                index.display()
                            );
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    print_all(&diags.0);
                    let n = diags.errors().count();
                    eprintln!(
                        "build failed: {n} error(s); nothing was written, the previous site is unchanged"
                    );
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check {
            content,
            deny_warnings,
            format,
        } => {
            let diags = palabre::check(&content);
            let errors = diags.errors().count();
            let warnings = diags.warnings().count();
            match format {
                Format::Text => {
                    print_all(&diags.0);
                    println!(
                        "checked {}: {errors} error(s), {warnings} warning(s)",
                        content.display()
                    );
                }
                Format::Json => match serde_json::to_string_pretty(&diags.0) {
                    Ok(json) => println!("{json}"),
                    Err(e) => eprintln!("cannot write JSON: {e}"),
                },
            }
            if errors > 0 || (deny_warnings && warnings > 0) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
