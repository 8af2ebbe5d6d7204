//! `palabre import`: e-mails (`.eml` files, mbox mailboxes) to reply files.

use std::fs;
use std::io::ErrorKind;
use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use palabre::import;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The discussion's folder name (or its address), e.g. `territorial-approach-2013`.
    #[arg(long)]
    pub discussion: String,
    /// E-mails: `.eml` files (one message each) and mbox mailboxes.
    /// Messages already imported are skipped; the exit status is 1 when a
    /// file could not be read or is not an e-mail (the others are imported).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The content folder.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
}

/// Counts for the closing line.
#[derive(Default)]
struct Tally {
    messages: usize,
    created: usize,
    already: usize,
    skipped: usize,
    failed: usize,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(crate) fn run(args: Args) -> ExitCode {
    let info = match import::read_discussion(&args.content, &args.discussion) {
        Ok(i) => i,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let mut tally = Tally::default();

    // Every message first, so that the progress bar knows its length.
    let mut messages: Vec<(String, Vec<u8>)> = Vec::new();
    for file in &args.files {
        let bytes = match fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!(
                    "{}: error: cannot read: {e}\n  hint: check the file's name and permissions",
                    file.display()
                );
                tally.failed += 1;
                continue;
            }
        };
        if !import::is_mbox(&bytes) {
            messages.push((file.display().to_string(), bytes));
            continue;
        }
        let list = import::split_mbox(&bytes);
        if list.is_empty() {
            eprintln!(
                "{}:1: error: no message found in the mailbox\n  hint: each message starts with a `From ` line followed by its headers",
                file.display()
            );
            tally.failed += 1;
        }
        for m in list {
            // Where a message starts, as a moderator's editor shows it.
            messages.push((
                format!("{}:{} (message {})", file.display(), m.line, m.number),
                m.bytes,
            ));
        }
    }

    // indicatif draws nothing when stderr is not a terminal (scripts, tests).
    let bar = ProgressBar::new(messages.len() as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} messages") {
        bar.set_style(style);
    }
    let mut imported = import::imported_keys(&info.replies_dir);
    for (label, raw) in &messages {
        tally.messages += 1;
        bar.inc(1);
        let Some(mail) = import::parse_mail(raw, &info) else {
            bar.suspend(|| {
                eprintln!("{label}: error: not an e-mail message\n  hint: pass .eml files (one message with its headers) or mbox mailboxes");
            });
            tally.failed += 1;
            continue;
        };
        if mail.draft.body.trim().is_empty() {
            bar.suspend(|| {
                eprintln!("{label}: warning: skipped: the message has no text of its own")
            });
            tally.skipped += 1;
            continue;
        }
        // Read once: the folder is listed once, not once per message.
        if !imported.insert(mail.key.clone()) {
            tally.already += 1;
            continue;
        }
        let path = info.replies_dir.join(mail.file_name());
        match import::create_new(&path, &mail.draft.to_file_text()) {
            Ok(()) => {
                tally.created += 1;
                bar.suspend(|| {
                    println!("{}", path.display());
                    if let Some(tag) = mail.tag.as_ref().filter(|t| !t.is_for(&info)) {
                        let questions: Vec<String> =
                            tag.questions.iter().map(ToString::to_string).collect();
                        let named = if questions.is_empty() {
                            String::new()
                        } else {
                            format!(" (question {})", questions.join(", "))
                        };
                        eprintln!(
                            "{}: warning: the subject names the discussion `{}`{named}, not `{}`\n  hint: if the message belongs there, move the file to that discussion's replies/ folder and fill in `answers:`",
                            path.display(),
                            tag.discussion,
                            info.slug
                        );
                    }
                    if !mail.unknown_questions.is_empty() {
                        let unknown: Vec<String> =
                            mail.unknown_questions.iter().map(ToString::to_string).collect();
                        eprintln!(
                            "{}: warning: the subject names question {}, which this discussion does not have\n  hint: check `answers:` (one of: {})",
                            path.display(),
                            unknown.join(", "),
                            info.question_list()
                        );
                    }
                    if mail.draft.answers.is_empty() {
                        eprintln!(
                            "{}: warning: the message names no question of this discussion\n  hint: fill in `answers:` (one of: {}); `palabre check` lists replies left empty",
                            path.display(),
                            info.question_list()
                        );
                    }
                });
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => tally.already += 1,
            Err(e) => {
                bar.suspend(|| {
                    eprintln!(
                        "{}: error: cannot write: {e}\n  hint: check that the folder is writable",
                        path.display()
                    )
                });
                tally.failed += 1;
            }
        }
    }
    bar.finish_and_clear();

    let mut summary = format!(
        "imported {}: {}, {} already imported",
        plural(tally.messages, "message", "messages"),
        plural(tally.created, "new reply", "new replies"),
        tally.already
    );
    if tally.skipped > 0 {
        summary.push_str(&format!(", {} without text skipped", tally.skipped));
    }
    if tally.failed > 0 {
        summary.push_str(&format!(", {} failed", tally.failed));
    }
    println!("{summary}");
    if tally.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
