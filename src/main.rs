//! The command line: parse arguments and hand them to the library's commands.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use palabre::commands;

// Builds allocate many short-lived strings on every thread: mimalloc serves
// them with less locking and fewer page faults than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

#[derive(Subcommand)]
enum Command {
    /// Write a starter site into a new folder: `palabre init mysite --languages en,fr`.
    Init(commands::init::Args),
    /// Build the static site from a content folder.
    Build(commands::build::Args),
    /// Check a content folder and report every problem, without writing anything.
    Check(commands::check::Args),
    /// Create a content file: `palabre new reply --discussion D --answers 1.2 --author NAME`.
    New(commands::new::Args),
    /// Turn e-mails (.eml files, mbox mailboxes) into reply files.
    Import(commands::import::Args),
    /// Build, serve on 127.0.0.1, rebuild on every change and reload the browser.
    Serve(commands::serve::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Init(args) => commands::init::run(args),
        Command::Build(args) => commands::build::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::New(args) => commands::new::run(args),
        Command::Import(args) => commands::import::run(args),
        Command::Serve(args) => commands::serve::run(args),
    }
}
