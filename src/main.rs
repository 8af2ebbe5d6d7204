//! The command line: parse arguments, call the library, print, exit status.
//! Every crate of the terminal (clap, indicatif, tiny_http, notify, opener)
//! is used here and in `cli/`, never by the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

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
    Init(cli::init::Args),
    /// Build the static site from a content folder.
    Build(cli::build::Args),
    /// Check a content folder and report every problem, without writing anything.
    Check(cli::check::Args),
    /// Per question: how many replies its consolidated reply cites, by language and country.
    Coverage(cli::coverage::Args),
    /// Write the moderators' brief of a discussion: key phrases, representative passages, draft summaries.
    Brief(cli::brief::Args),
    /// Create a content file: `palabre new reply --discussion D --answers 1.2 --author NAME`.
    New(cli::new::Args),
    /// Turn e-mails (.eml files, mbox mailboxes) into reply files.
    Import(cli::import::Args),
    /// Keep translations of summaries up to date: `palabre translations mark --language fr`.
    #[command(subcommand)]
    Translations(cli::translations::Command),
    /// Build, serve on 127.0.0.1, rebuild on every change and reload the browser.
    Serve(cli::serve::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Init(args) => cli::init::run(args),
        Command::Build(args) => cli::build::run(args),
        Command::Check(args) => cli::check::run(args),
        Command::Coverage(args) => cli::coverage::run(args),
        Command::Brief(args) => cli::brief::run(args),
        Command::New(args) => cli::new::run(args),
        Command::Import(args) => cli::import::run(args),
        Command::Serve(args) => cli::serve::run(args),
        Command::Translations(command) => cli::translations::run(command),
    }
}
