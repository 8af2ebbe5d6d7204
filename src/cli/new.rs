//! `palabre new reply`: a reply file to fill in, with valid front-matter.

use std::path::PathBuf;
use std::process::ExitCode;

use palabre::content;
use palabre::import::{self, ReplyDraft};
use palabre::lang::Lang;
use palabre::model::QuestionId;

#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    pub what: What,
}

#[derive(clap::Subcommand)]
pub(crate) enum What {
    /// Write a new reply file to fill in and print its path: named with the
    /// next free number and the author's name, never over an existing file;
    /// dated today, or the closing day for a discussion that has closed.
    Reply(ReplyArgs),
}

#[derive(clap::Args)]
pub(crate) struct ReplyArgs {
    /// The discussion's folder name (or its address), e.g. `territorial-approach-2013`.
    #[arg(long)]
    pub discussion: String,
    /// The questions it answers, e.g. `1.2` or `1.2,1.3`.
    #[arg(long, value_delimiter = ',', required = true)]
    pub answers: Vec<String>,
    /// Who wrote it, as it should appear on the site.
    #[arg(long)]
    pub author: String,
    /// Its language (en, fr, es, pt, ar…); detected at build time when left out.
    #[arg(long)]
    pub lang: Option<String>,
    /// The content folder.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
}

pub(crate) fn run(args: Args) -> ExitCode {
    match args.what {
        What::Reply(a) => match reply(a) {
            Ok(()) => ExitCode::SUCCESS,
            Err(msg) => {
                eprintln!("{msg}");
                ExitCode::FAILURE
            }
        },
    }
}

fn reply(args: ReplyArgs) -> Result<(), String> {
    let info =
        import::read_discussion(&args.content, &args.discussion).map_err(|d| d.to_string())?;
    let mut answers = Vec::new();
    for raw in &args.answers {
        let id: QuestionId = raw.parse().map_err(|m| format!("error: {m}"))?;
        if !info.questions.contains(&id) {
            return Err(format!(
                "error: discussion `{}` has no question {id}\n  hint: use one of: {}",
                args.discussion,
                info.question_list()
            ));
        }
        if !answers.contains(&id) {
            answers.push(id);
        }
    }
    let lang = match &args.lang {
        None => None,
        Some(code) => Some(Lang::from_code(code).ok_or_else(|| {
            format!(
                "error: `{code}` is not a language palabre knows\n  hint: use one of {}",
                Lang::known_codes()
            )
        })?),
    };
    if let Some(lang) = lang {
        let site = content::site_languages(&args.content).map_err(|d| d.to_string())?;
        if !site.contains(&lang) {
            let codes = Lang::list(site.iter().copied());
            return Err(format!(
                "error: `{lang}` is not one of the site's languages ({})\n  hint: use one of them, or add `{lang}` to `languages:` in site.yaml",
                codes
            ));
        }
    }
    let author = args.author.trim();
    if author.is_empty() {
        return Err("error: --author is empty\n  hint: give the name to show on the site".into());
    }
    let (date, date_note) = info.new_reply_date(chrono::Local::now().date_naive());
    let draft = ReplyDraft {
        author: Some(author.to_string()),
        organisation: None,
        country: None,
        date: Some(date),
        date_note,
        answers,
        lang,
        body: import::placeholder(lang).to_string(),
    };
    let slug = import::slugify(author);
    // A name taken between listing and writing (another moderator, a sync)
    // is retried with the next number: never overwritten.
    for _ in 0..100 {
        let name = import::next_numbered_name(&info.replies_dir, &slug)
            .map_err(|e| cannot_write(&info.replies_dir, &e))?;
        let path = info.replies_dir.join(name);
        match import::create_new(&path, &draft.to_file_text()) {
            Ok(()) => {
                println!("{}", path.display());
                if let Some(note) = &draft.date_note {
                    eprintln!("{}: note: dated {date}, {note}", path.display());
                }
                return Ok(());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(cannot_write(&path, &e)),
        }
    }
    Err(format!(
        "error: could not find a free file name in {}",
        info.replies_dir.display()
    ))
}

fn cannot_write(path: &std::path::Path, e: &std::io::Error) -> String {
    format!(
        "{}: error: cannot write: {e}\n  hint: check that the folder exists and is writable",
        path.display()
    )
}
