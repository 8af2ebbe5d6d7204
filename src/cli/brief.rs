//! `palabre brief`.

use std::path::PathBuf;
use std::process::ExitCode;

use palabre::diagnostic::Diagnostic;
use palabre::lang::Lang;
use palabre::model::QuestionId;
use palabre::output::{Staging, check_output_dir};
use palabre::theme::Theme;

use super::{find_discussion, print_all};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The content folder.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// The discussion (its folder's name).
    #[arg(long)]
    pub discussion: String,
    /// Only this question, e.g. `1.2`.
    #[arg(long)]
    pub question: Option<QuestionId>,
    /// Where to write the brief: a folder of its own, outside the content
    /// folder and apart from the public site. Replaced whole on each run.
    #[arg(long, default_value = "brief")]
    pub output: PathBuf,
    /// The language of the brief's pages (default: the site's default
    /// language). Drafts are written in every site language.
    #[arg(long)]
    pub lang: Option<String>,
    /// The folder holding themes (default: `themes/` beside the content folder).
    #[arg(long)]
    pub themes: Option<PathBuf>,
    /// Write into a non-empty folder that palabre did not create.
    #[arg(long)]
    pub force: bool,
}

pub(crate) fn run(args: Args) -> ExitCode {
    match brief(&args) {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(diags) => {
            print_all(&diags);
            ExitCode::FAILURE
        }
    }
}

/// Writes the brief; says where, or fails with what went wrong (an unknown
/// discussion is reported by [`find_discussion`] and gives no diagnostics).
fn brief(args: &Args) -> Result<String, Vec<Diagnostic>> {
    let (site, diags) = palabre::content::load(&args.content);
    let Some(site) = site else {
        return Err(diags.0);
    };
    let d = find_discussion(&site, &args.discussion, &args.content).ok_or_else(Vec::new)?;
    let source = || d.source.clone();
    if let Some(q) = args.question
        && d.find_question(q).is_none()
    {
        let known: Vec<String> = d.questions().map(|q| q.id.to_string()).collect();
        return Err(vec![
            Diagnostic::error(
                &source(),
                None,
                format!("the discussion has no question {q}"),
            )
            .hint(format!("its questions are: {}", known.join(", "))),
        ]);
    }
    let config = &site.config;
    let lang = match &args.lang {
        None => config.default_lang,
        Some(code) => Lang::from_code(code)
            .filter(|l| config.languages.contains(l))
            .ok_or_else(|| {
                let codes: Vec<&str> = config.languages.iter().map(|l| l.code()).collect();
                vec![
                    Diagnostic::error(
                        &args.content.join("site.yaml"),
                        None,
                        format!("`{code}` is not a language of the site"),
                    )
                    .hint(format!("use one of {}", codes.join(", "))),
                ]
            })?,
    };
    let themes = args
        .themes
        .clone()
        .unwrap_or_else(|| palabre::themes_beside(&args.content));
    let theme = Theme::load(&themes, &config.theme)?;
    let translations =
        palabre::i18n::Translations::new(&theme.i18n, &config.languages, config.default_lang);
    let briefs = palabre::brief::analyse(d, args.question).map_err(|e| vec![e])?;
    let files = palabre::brief::files(d, &briefs, &theme, &translations, lang, &config.languages)
        .map_err(|e| vec![e])?;

    check_output_dir(&args.content, &args.output, args.force).map_err(|e| vec![e])?;
    let io = |e: std::io::Error| {
        vec![Diagnostic::error(
            &args.output,
            None,
            format!("cannot write the brief: {e}"),
        )]
    };
    let staging = Staging::new(&args.output).map_err(io)?;
    for f in &files {
        staging.write(&f.path, &f.bytes).map_err(io)?;
    }
    staging
        .commit(None::<std::iter::Empty<&String>>)
        .and_then(|left| left.remove())
        .map_err(io)?;
    Ok(format!(
        "wrote the moderators' brief of {} question(s) of {} to {}: open {}; drafts in {}",
        briefs.len(),
        d.slug,
        args.output.display(),
        args.output.join("index.html").display(),
        args.output.join("drafts").display(),
    ))
}
